//! CopyPackageVersions end to end: the real `aws` CLI against the real binary, generic format,
//! with the command forms of the copy guide (`--versions '["6.0.2", "4.0.0"]'`,
//! `--version-revisions 0.3.2=REV,0.3.13=REV`). Expected outcomes are those of the API
//! reference, §3 (per-version codes and messages, all-or-nothing batches, no-op repeats).

use serde_json::{Value, json};
use wharf_e2e::{Aws, GenericPackage, ServerFixture, create_domain, domain_state, seed_domain};

const DOMAIN: &str = "my-domain";

/// A service with `up` ← `repo-1` (upstream `up`) and `repo-2`, and `my-ns/my-package`:
/// - in repo-1: 0.3.2 (one asset), 0.3.13 (two assets, the first uploaded `--unfinished`),
///   1.0.0 (one asset), all Published;
/// - in up only: 3.0.0, and the whole package `my-ns/only-upstream` 1.0.0.
struct Seeded {
    fx: ServerFixture,
    aws: Aws,
    pkg: GenericPackage,
}

fn seeded() -> Seeded {
    seeded_with(false)
}

/// Seeds with boto3 (fast), or with one `aws` CLI run per call when `cli` is set.
fn seeded_with(cli: bool) -> Seeded {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    let repositories: &[(&str, &[&str])] = &[("up", &[]), ("repo-1", &["up"]), ("repo-2", &[])];
    let versions = [
        (
            "repo-1",
            "my-package",
            "0.3.2",
            vec![("data-0.3.2.txt", "0.3.2 bytes")],
        ),
        (
            "repo-1",
            "my-package",
            "0.3.13",
            vec![("a.txt", "0.3.13 part a"), ("b.txt", "0.3.13 part b")],
        ),
        (
            "repo-1",
            "my-package",
            "1.0.0",
            vec![("data-1.0.0.txt", "1.0.0 bytes")],
        ),
        (
            "up",
            "my-package",
            "3.0.0",
            vec![("data-3.0.0.txt", "upstream only")],
        ),
        ("up", "only-upstream", "1.0.0", vec![("x.txt", "x")]),
    ];
    if cli {
        create_domain(&aws, DOMAIN, repositories);
        for (repo, package, version, assets) in versions {
            let pkg = GenericPackage::new(DOMAIN, "my-ns", package);
            for (i, (name, text)) in assets.iter().enumerate() {
                let unfinished = i + 1 < assets.len();
                pkg.publish(&fx, repo, version, name, text.as_bytes(), unfinished);
            }
        }
    } else {
        let versions: Vec<Value> = versions
            .iter()
            .map(|(repo, package, version, assets)| {
                json!({"repository": repo, "namespace": "my-ns", "package": package,
                       "version": version, "assets": assets})
            })
            .collect();
        seed_domain(&aws, DOMAIN, repositories, json!(versions));
    }
    let pkg = GenericPackage::new(DOMAIN, "my-ns", "my-package");
    Seeded { fx, aws, pkg }
}

fn failure(code: &str, message: String) -> Value {
    json!({"errorCode": code, "errorMessage": message})
}

fn skipped(version: &str) -> Value {
    failure("SKIPPED", format!("Version {version} was skipped"))
}

fn not_found(version: &str) -> Value {
    failure("NOT_FOUND", format!("Could not find version {version}"))
}

/// Asserts a 200 reply with exactly these maps (the CLI exits 0 on per-version failures).
fn assert_outcome(out: wharf_e2e::CliOutput, successful: Value, failed: Value) {
    let json = out.expect_ok();
    assert_eq!(
        json,
        json!({"successfulVersions": successful, "failedVersions": failed}),
        "the copy's outcome"
    );
}

#[test]
fn copies_two_versions_with_their_revisions_statuses_and_assets() {
    let Seeded { fx, aws, pkg } = seeded_with(true);
    // A status other than Published must survive the copy too.
    let status = aws
        .cli("update-package-versions-status")
        .args(["--repository", "repo-1"])
        .args(pkg.args())
        .args(["--versions", "0.3.13", "--target-status", "Unlisted"])
        .ok();
    assert_eq!(status["failedVersions"], json!({}), "{status}");
    let src = pkg.versions(&aws, "repo-1");
    assert_eq!(src["0.3.13"].status, "Unlisted");

    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["0.3.13", "1.0.0"]"#])
        .run();
    assert_outcome(
        out,
        json!({
            "0.3.13": {"revision": src["0.3.13"].revision, "status": "Unlisted"},
            "1.0.0": {"revision": src["1.0.0"].revision, "status": "Published"},
        }),
        json!({}),
    );

    let dst = pkg.versions(&aws, "repo-2");
    assert_eq!(
        dst.keys().collect::<Vec<_>>(),
        ["0.3.13", "1.0.0"],
        "exactly the two copied versions"
    );
    for v in ["0.3.13", "1.0.0"] {
        assert_eq!(
            dst[v], src[v],
            "{v}: same revision and status as the source"
        );
        let (src_assets, dst_assets) =
            (pkg.assets(&aws, "repo-1", v), pkg.assets(&aws, "repo-2", v));
        assert_eq!(dst_assets["versionRevision"], json!(src[v].revision), "{v}");
        assert_eq!(
            dst_assets["assets"], src_assets["assets"],
            "{v}: same assets"
        );
    }
    let copied_assets = pkg.assets(&aws, "repo-2", "0.3.13");
    let names: Vec<&str> = copied_assets["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| a["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["a.txt", "b.txt"]);
    let (bytes, meta) = pkg.download(&fx, "repo-2", "0.3.13", "b.txt");
    assert_eq!(bytes, b"0.3.13 part b");
    assert_eq!(
        meta["packageVersionRevision"],
        json!(src["0.3.13"].revision)
    );
    // The source is untouched.
    assert_eq!(pkg.versions(&aws, "repo-1"), src);
}

#[test]
fn copying_again_succeeds_and_changes_nothing() {
    let Seeded { fx: _fx, aws, pkg } = seeded();
    let first = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["0.3.2", "1.0.0"]"#])
        .ok();
    assert_eq!(first["failedVersions"], json!({}), "{first}");
    let before = domain_state(&aws, DOMAIN);
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["0.3.2", "1.0.0"]"#])
        .run();
    // Identical versions are no-ops: in neither map.
    assert_outcome(out, json!({}), json!({}));
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "a repeated copy wrote something"
    );
}

#[test]
fn a_differing_destination_version_fails_the_batch_until_overwrite_is_allowed() {
    let Seeded { fx, aws, pkg } = seeded();
    // 0.3.2 already copied (identical), 1.0.0 published separately into repo-2 (differs).
    pkg.copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["0.3.2"]"#])
        .ok();
    pkg.publish(
        &fx,
        "repo-2",
        "1.0.0",
        "data-1.0.0.txt",
        b"another 1.0.0",
        false,
    );
    let before = domain_state(&aws, DOMAIN);

    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["1.0.0", "0.3.13", "0.3.2"]"#])
        .run();
    assert_outcome(
        out,
        json!({}),
        json!({
            "1.0.0": failure("ALREADY_EXISTS", "Version 1.0.0 already exists".into()),
            "0.3.13": skipped("0.3.13"),
        }),
    );
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "a failed batch wrote something"
    );

    let src = pkg.versions(&aws, "repo-1");
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["1.0.0", "0.3.13", "0.3.2"]"#])
        .arg("--allow-overwrite")
        .run();
    assert_outcome(
        out,
        json!({
            "1.0.0": {"revision": src["1.0.0"].revision, "status": "Published"},
            "0.3.13": {"revision": src["0.3.13"].revision, "status": "Published"},
        }),
        json!({}),
    );
    assert_eq!(pkg.versions(&aws, "repo-2"), src);
    assert_eq!(
        pkg.assets(&aws, "repo-2", "1.0.0")["assets"],
        pkg.assets(&aws, "repo-1", "1.0.0")["assets"]
    );
    let (bytes, _) = pkg.download(&fx, "repo-2", "1.0.0", "data-1.0.0.txt");
    assert_eq!(bytes, b"1.0.0 bytes", "the overwrite replaced the asset");
}

#[test]
fn version_revisions_copy_the_current_revision_and_refuse_a_stale_one() {
    let Seeded { fx, aws, pkg } = seeded();
    // A truly stale revision: 2.0.0's revision before its second asset arrived.
    pkg.publish(&fx, "repo-1", "2.0.0", "first.txt", b"first", true);
    let stale = pkg.versions(&aws, "repo-1")["2.0.0"].revision.clone();
    pkg.publish(&fx, "repo-1", "2.0.0", "second.txt", b"second", false);
    let src = pkg.versions(&aws, "repo-1");
    assert_ne!(
        src["2.0.0"].revision, stale,
        "adding an asset changes the revision"
    );

    let (r032, r0313) = (&src["0.3.2"].revision, &src["0.3.13"].revision);
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .arg("--version-revisions")
        .arg(format!("0.3.2={r032},0.3.13={r0313}"))
        .run();
    assert_outcome(
        out,
        json!({
            "0.3.2": {"revision": r032, "status": "Published"},
            "0.3.13": {"revision": r0313, "status": "Published"},
        }),
        json!({}),
    );

    let before = domain_state(&aws, DOMAIN);
    let current = &src["2.0.0"].revision;
    let r100 = &src["1.0.0"].revision;
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .arg("--version-revisions")
        .arg(format!("2.0.0={stale},1.0.0={r100}"))
        .run();
    assert_outcome(
        out,
        json!({}),
        json!({
            "2.0.0": failure(
                "MISMATCHED_REVISION",
                format!("current revision: {current}, expected revision: {stale}"),
            ),
            "1.0.0": skipped("1.0.0"),
        }),
    );
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "a failed batch wrote something"
    );
}

#[test]
fn generic_versions_only_an_upstream_holds_are_not_copied_even_with_include_from_upstream() {
    // API reference §3.5: generic versions are never taken from upstreams, so the search
    // stays in the source repository with or without --include-from-upstream.
    let Seeded { fx: _fx, aws, pkg } = seeded();
    let before = domain_state(&aws, DOMAIN);
    for flag in [None, Some("--include-from-upstream")] {
        let out = pkg
            .copy(&aws, "repo-1", "repo-2")
            .args(["--versions", r#"["3.0.0"]"#])
            .args(flag)
            .run();
        assert_outcome(out, json!({}), json!({"3.0.0": not_found("3.0.0")}));

        let only_upstream = GenericPackage::new(DOMAIN, "my-ns", "only-upstream");
        let out = only_upstream
            .copy(&aws, "repo-1", "repo-2")
            .args(["--versions", r#"["1.0.0"]"#])
            .args(flag)
            .run();
        out.expect_error("ResourceNotFoundException");
    }
    assert_eq!(domain_state(&aws, DOMAIN), before);

    // The flag does not get in the way of versions the source holds itself.
    let src = pkg.versions(&aws, "repo-1");
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["1.0.0"]"#, "--include-from-upstream"])
        .run();
    assert_outcome(
        out,
        json!({"1.0.0": {"revision": src["1.0.0"].revision, "status": "Published"}}),
        json!({}),
    );
}

#[test]
fn a_missing_version_is_not_found_and_its_siblings_are_skipped() {
    let Seeded { fx: _fx, aws, pkg } = seeded();
    let before = domain_state(&aws, DOMAIN);
    let out = pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["0.3.2", "9.9.9", "1.0.0"]"#])
        .run();
    assert_outcome(
        out,
        json!({}),
        json!({
            "0.3.2": skipped("0.3.2"),
            "9.9.9": not_found("9.9.9"),
            "1.0.0": skipped("1.0.0"),
        }),
    );
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "a failed batch wrote something"
    );
}

#[test]
fn a_missing_package_repository_or_domain_is_resource_not_found() {
    let Seeded { fx: _fx, aws, pkg } = seeded();
    let before = domain_state(&aws, DOMAIN);
    let versions = ["--versions", r#"["1.0.0"]"#];

    let missing_pkg = GenericPackage::new(DOMAIN, "my-ns", "no-such-package");
    let out = missing_pkg
        .copy(&aws, "repo-1", "repo-2")
        .args(versions)
        .run();
    let message = out.expect_error("ResourceNotFoundException");
    assert!(message.contains("no-such-package"), "{message}");

    for (source, destination, missing) in [
        ("no-such-repo", "repo-2", "no-such-repo"),
        ("repo-1", "no-such-repo", "no-such-repo"),
    ] {
        let out = pkg.copy(&aws, source, destination).args(versions).run();
        let message = out.expect_error("ResourceNotFoundException");
        assert!(message.contains(missing), "{message}");
    }
    let other_domain = GenericPackage::new("no-such-domain", "my-ns", "my-package");
    let out = other_domain
        .copy(&aws, "repo-1", "repo-2")
        .args(versions)
        .run();
    let message = out.expect_error("ResourceNotFoundException");
    assert!(message.contains("no-such-domain"), "{message}");
    assert_eq!(domain_state(&aws, DOMAIN), before);

    // The modelled members reach boto3: HTTP 404 and the kind of resource that is missing.
    let seen = aws.boto3(
        r#"
c = client()
out = []
for kw in ARGS:
    try:
        c.copy_package_versions(format="generic", namespace="my-ns", versions=["1.0.0"], **kw)
        out.append("no error")
    except c.exceptions.ResourceNotFoundException as e:
        r = e.response
        out.append([r["ResponseMetadata"]["HTTPStatusCode"], r.get("resourceType")])
emit(out)
"#,
        &json!([
            {"domain": DOMAIN, "sourceRepository": "repo-1", "destinationRepository": "repo-2",
             "package": "no-such-package"},
            {"domain": DOMAIN, "sourceRepository": "repo-1", "destinationRepository": "nope",
             "package": "my-package"},
            {"domain": "no-such-domain", "sourceRepository": "repo-1",
             "destinationRepository": "repo-2", "package": "my-package"},
        ]),
    );
    assert_eq!(
        seen,
        json!([[404, "package"], [404, "repository"], [404, "domain"]])
    );
}
