//! The PyPI endpoints through the router: twine-shaped uploads and Simple API reads with the
//! authentication `aws codeartifact login --tool pip|twine` configures (Basic `aws:TOKEN`) and
//! bearer tokens, and the permission matrix of those endpoints: reads need
//! `ReadFromRepository` on the repository, uploads `PublishPackageVersion` on the package; a
//! refusal is 403 naming principal, action and resource, and changes nothing. Also: identical
//! re-uploads, 409 on other bytes, PEP 440 order in ListPackageVersions, Unlisted as yanked.

use crate::support::iam as support;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use base64::Engine;
use futures::TryStreamExt;
use object_store::ObjectStore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use support::*;
use tower::ServiceExt;
use wharf_server::auth::{Caller, epoch_now};

#[derive(Debug)]
struct PyReply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

fn token(svc: &Svc, creds: &Creds) -> String {
    svc.state
        .keys
        .issue_token(&Caller::signed(creds.key.clone()), epoch_now() + 600)
}

fn basic(user: &str, token: &str) -> String {
    let pair = format!("{user}:{token}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

async fn send_py(svc: &Svc, request: Request<Body>) -> PyReply {
    let response = svc.app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    PyReply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(svc: &Svc, auth: &str, path: &str, accept: Option<&str>) -> PyReply {
    let mut b = Request::builder()
        .uri(format!("/pypi/dom/{path}"))
        .header("host", "wharf.test")
        .header("authorization", auth);
    if let Some(a) = accept {
        b = b.header("accept", a);
    }
    send_py(svc, b.body(Body::empty()).expect("request")).await
}

fn wheel(name: &str, version: &str, marker: &str) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    let dist = format!("{}-{version}.dist-info", name.replace('-', "_"));
    z.start_file(format!("{dist}/METADATA"), o).expect("zip");
    write!(
        z,
        "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Dist: base-lib>=2\n\n{marker}"
    )
    .expect("zip");
    z.finish().expect("zip").into_inner()
}

/// twine's upload of a wheel of NAME VERSION (`marker` changes its bytes).
async fn upload(
    svc: &Svc,
    auth: &str,
    repo: &str,
    name: &str,
    version: &str,
    marker: &str,
) -> PyReply {
    let content = wheel(name, version, marker);
    let filename = format!("{}-{version}-py3-none-any.whl", name.replace('-', "_"));
    let boundary = "b0undary";
    let mut body = Vec::new();
    for (k, v) in [
        (":action", "file_upload"),
        ("protocol_version", "1"),
        ("metadata_version", "2.1"),
        ("name", name),
        ("version", version),
        ("summary", "demo"),
        ("requires_python", ">=3.9"),
        ("requires_dist", "base-lib>=2"),
        ("filetype", "bdist_wheel"),
        ("pyversion", "py3"),
        ("sha256_digest", &hex::encode(Sha256::digest(&content))),
    ] {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        )
        .expect("w");
    }
    write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").expect("w");
    body.extend_from_slice(&content);
    write!(body, "\r\n--{boundary}--\r\n").expect("w");
    let request = Request::builder()
        .method("POST")
        .uri(format!("/pypi/dom/{repo}/"))
        .header("host", "wharf.test")
        .header("authorization", auth)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    send_py(svc, request).await
}

/// Domain `dom` with `upstream` and `staging` (upstream: `upstream`); root uploaded demo-pkg
/// 1.0 to staging and base-lib 2.0 to upstream.
async fn fixture() -> (Svc, String) {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=upstream",
        b"",
    )
    .await;
    let body = json!({"upstreams": [{"repositoryName": "upstream"}]}).to_string();
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=staging",
        body.as_bytes(),
    )
    .await;
    let root = basic("aws", &token(&svc, &Creds::root()));
    let r = upload(&svc, &root, "staging", "demo-pkg", "1.0", "a").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = upload(&svc, &root, "upstream", "base-lib", "2.0", "a").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (svc, root)
}

async fn blobs(svc: &Svc) -> usize {
    let all: Vec<_> = svc
        .state
        .blobs
        .list(None)
        .try_collect()
        .await
        .expect("list");
    all.len()
}

async fn versions(svc: &Svc, repo: &str, name: &str) -> Value {
    let uri =
        format!("/v1/package/versions?domain=dom&repository={repo}&format=pypi&package={name}");
    call(svc, &Creds::root(), "POST", &uri, b"").await.body
}

fn pkg_arn(repo: &str, name: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/{repo}/pypi//{name}")
}

#[tokio::test]
async fn reads_need_read_from_repository_and_uploads_publish_package_version() {
    let (svc, root) = fixture().await;
    let reader = user(&svc, "reader", &[policy(json!([
        {"Effect": "Allow", "Action": "codeartifact:ReadFromRepository", "Resource": repo_arn("staging")}
    ]))]).await;
    let publisher = user(&svc, "publisher", &[policy(json!([
        {"Effect": "Allow", "Action": "codeartifact:PublishPackageVersion", "Resource": pkg_arn("staging", "demo-pkg")}
    ]))]).await;
    let nobody = user(&svc, "nobody", &[]).await;
    let before = (
        versions(&svc, "staging", "demo-pkg").await,
        blobs(&svc).await,
    );
    let page = "staging/simple/demo-pkg/";
    let file = "staging/simple/demo-pkg/1.0/demo_pkg-1.0-py3-none-any.whl";
    // (principal, may read, may upload demo-pkg)
    for (name, creds, read, write) in [
        ("reader", &reader, true, false),
        ("publisher", &publisher, false, true),
        ("nobody", &nobody, false, false),
    ] {
        let tok = token(&svc, creds);
        for auth in [basic("aws", &tok), format!("Bearer {tok}")] {
            for path in [page, file] {
                let r = get(&svc, &auth, path, None).await;
                if read {
                    assert_eq!(r.status, StatusCode::OK, "{name} {path}: {}", r.text);
                } else {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{name} {path}");
                    let expected = format!(
                        "User: {} is not authorized to perform: codeartifact:ReadFromRepository on resource: {}",
                        user_arn(name),
                        repo_arn("staging")
                    );
                    assert!(r.text.contains(&expected), "{name} {path}: {}", r.text);
                }
            }
            // A version with new bytes: a refusal must store nothing; an allowed upload with
            // other bytes for an existing file is 409 and stores nothing either.
            let r = upload(&svc, &auth, "staging", "demo-pkg", "1.0", "other bytes").await;
            if write {
                assert_eq!(r.status, StatusCode::CONFLICT, "{name}: {}", r.text);
                assert!(r.text.contains("File already exists"), "{}", r.text);
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.text);
                let expected = format!(
                    "User: {} is not authorized to perform: codeartifact:PublishPackageVersion on resource: {}",
                    user_arn(name),
                    pkg_arn("staging", "demo-pkg")
                );
                assert!(r.text.contains(&expected), "{name}: {}", r.text);
            }
            assert_eq!(
                (
                    versions(&svc, "staging", "demo-pkg").await,
                    blobs(&svc).await
                ),
                before
            );
        }
    }
    // The publisher's grant is for demo-pkg only.
    let tok = token(&svc, &publisher);
    let r = upload(
        &svc,
        &basic("aws", &tok),
        "staging",
        "other-pkg",
        "1.0",
        "a",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // Authentication: another user name, a bad token, none at all → 401 with a Basic challenge.
    for auth in [
        basic("bob", &token(&svc, &Creds::root())),
        basic("aws", "nope"),
        String::new(),
    ] {
        let r = get(&svc, &auth, page, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth}: {}", r.text);
        assert_eq!(r.headers["www-authenticate"], "Basic realm=\"dom/staging\"");
    }
    let r = get(&svc, &root, page, None).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn uploads_pages_order_and_yanking() {
    let (svc, root) = fixture().await;
    // The identical file again: 200, same revision.
    let describe = "/v1/package/version?domain=dom&repository=staging&format=pypi&package=demo-pkg&version=1.0";
    let rev =
        call(&svc, &Creds::root(), "GET", describe, b"").await.body["packageVersion"]["revision"]
            .clone();
    let r = upload(&svc, &root, "staging", "demo-pkg", "1.0", "a").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = call(&svc, &Creds::root(), "GET", describe, b"").await.body;
    assert_eq!(d["packageVersion"]["revision"], rev);
    assert_eq!(d["packageVersion"]["summary"], "demo");
    // Versions in PEP 440 order by default; the default display version is the highest final.
    for v in ["1.10", "1.9", "2.0rc1", "1.0.post1"] {
        let r = upload(&svc, &root, "staging", "demo-pkg", v, "a").await;
        assert_eq!(r.status, StatusCode::OK, "{v}: {}", r.text);
    }
    // Another spelling of a project and of a stored version (1.0.0 == 1.0) joins that version.
    let r = upload(&svc, &root, "staging", "Demo_Pkg", "1.0.0", "a").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let assets = call(&svc, &Creds::root(), "POST", "/v1/package/version/assets?domain=dom&repository=staging&format=pypi&package=demo-pkg&version=1.0", b"").await.body;
    let names: Vec<&str> = assets["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"Demo_Pkg-1.0.0-py3-none-any.whl"),
        "{names:?}"
    );
    let listed = versions(&svc, "staging", "demo-pkg").await;
    let order: Vec<&str> = listed["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["1.0", "1.0.post1", "1.9", "1.10", "2.0rc1"]);
    assert_eq!(listed["defaultDisplayVersion"], "1.10");
    // Paging follows the same order.
    let uri = "/v1/package/versions?domain=dom&repository=staging&format=pypi&package=demo-pkg&max-results=2";
    let first = call(&svc, &Creds::root(), "POST", uri, b"").await.body;
    let token = first["nextToken"].as_str().expect("a next page");
    let second = call(
        &svc,
        &Creds::root(),
        "POST",
        &format!("{uri}&next-token={token}"),
        b"",
    )
    .await
    .body;
    assert_eq!(second["versions"][0]["version"], "1.9");
    // Unlisted → yanked on the page; JSON carries PEP 700's fields.
    let body = json!({"versions": ["1.10"], "targetStatus": "Unlisted"}).to_string();
    root_ok(&svc, "POST", "/v1/package/versions/update_status?domain=dom&repository=staging&format=pypi&package=demo-pkg", body.as_bytes()).await;
    let r = get(
        &svc,
        &root,
        "staging/simple/demo-pkg/",
        Some("application/vnd.pypi.simple.v1+json"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["vary"], "Accept");
    let page: Value = serde_json::from_str(&r.text).expect("json");
    let yanked: Vec<(String, Value)> = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap().to_owned(),
                f["yanked"].clone(),
            )
        })
        .collect();
    assert!(
        yanked.contains(&("demo_pkg-1.10-py3-none-any.whl".into(), json!(true))),
        "{yanked:?}"
    );
    assert!(
        yanked.contains(&("demo_pkg-1.9-py3-none-any.whl".into(), json!(false))),
        "{yanked:?}"
    );
    assert_eq!(page["files"][0]["requires-python"], ">=3.9");
    assert!(page["files"][0]["size"].as_u64().unwrap() > 0);
    let html = get(&svc, &root, "staging/simple/demo-pkg/", Some("text/html")).await;
    assert!(html.text.contains("demo_pkg-1.10-py3-none-any.whl#sha256="));
    let line = html
        .text
        .lines()
        .find(|l| l.contains(">demo_pkg-1.10-py3"))
        .expect("the 1.10 anchor");
    assert!(line.contains("data-yanked=\"\""), "{line}");
    let line = html
        .text
        .lines()
        .find(|l| l.contains(">demo_pkg-1.9-py3"))
        .expect("the 1.9 anchor");
    assert!(!line.contains("data-yanked"), "{line}");
    // Dependencies from Requires-Dist.
    let deps = call(&svc, &Creds::root(), "POST", "/v1/package/version/dependencies?domain=dom&repository=staging&format=pypi&package=demo-pkg&version=1.0", b"").await.body;
    assert_eq!(
        deps["dependencies"],
        json!([{"package": "base-lib", "dependencyType": "regular", "versionRequirement": ">=2"}])
    );
}

#[tokio::test]
async fn upstream_files_merge_and_are_retained_where_read() {
    let (svc, root) = fixture().await;
    let r = get(&svc, &root, "staging/simple/base-lib/", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("2.0/base_lib-2.0-py3-none-any.whl#sha256="));
    assert_eq!(
        versions(&svc, "staging", "base-lib").await["versions"],
        Value::Null
    );
    let r = get(
        &svc,
        &root,
        "staging/simple/base-lib/2.0/base_lib-2.0-py3-none-any.whl",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let retained = versions(&svc, "staging", "base-lib").await;
    assert_eq!(retained["versions"][0]["version"], "2.0", "{retained}");
    // Unknown projects are 404; a non-normalised name or a missing slash redirects.
    assert_eq!(
        get(&svc, &root, "staging/simple/nothing/", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = get(&svc, &root, "staging/simple/Base_Lib/", None).await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        r.headers["location"],
        "http://wharf.test/pypi/dom/staging/simple/base-lib/"
    );
    assert_eq!(
        get(
            &svc,
            &root,
            "staging/simple/base-lib/",
            Some("application/json")
        )
        .await
        .status,
        StatusCode::NOT_ACCEPTABLE
    );
}
