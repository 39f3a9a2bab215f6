//! Fuzz targets of what `PUT /npm/DOMAIN/REPO/{name}` and the other npm routes receive:
//! publish bodies ([`parse_publish`], tarball parsing included), tarballs alone
//! ([`read_package_json`]) and request paths ([`route`]). Seeds: two bodies recorded from a
//! real `npm publish` (npm 11) in `tests/fuzz/publish/`, and bodies built from the fixtures.
//! Properties: nothing panics; an accepted publish has a valid name and version, digests of
//! its tarball, a manifest that agrees with the tarball, and parses to the same value once
//! rebuilt into a body. See the README's "Tests" section for running them longer.

#[path = "support/fixtures.rs"]
mod support;

use base64::Engine;
use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::io::Write;
use support::{bytes, package_json, package_tgz, publish_body, tgz};
use wharf_npm::manifest::check_manifest_matches;
use wharf_npm::metadata::Digests;
use wharf_npm::name::validate_version;
use wharf_npm::tarball::{TarballLimits, read_package_json};
use wharf_npm::{NpmName, NpmRoute, Publish, PublishLimits, parse_publish, route};

/// The names the seeds publish, tried as the URL of every mutated body.
const URL_NAMES: [&str; 4] = ["@sc/capture-me", "capture-two", "left-pad", "@acme/widget"];

const BODY_KEYS: &[&str] = &[
    "_id",
    "name",
    "version",
    "versions",
    "dist-tags",
    "latest",
    "_attachments",
    "data",
    "length",
    "content_type",
    "dist",
    "integrity",
    "shasum",
    "tarball",
    "scripts",
    "preinstall",
    "install",
    "bin",
    "dependencies",
    "optionalDependencies",
    "bundleDependencies",
    "bundledDependencies",
    "directories",
    "os",
    "cpu",
    "engines",
    "gypfile",
    "node-gyp rebuild",
    "1.0.0",
    "@sc/capture-me",
    "left-pad",
];
const BODY_TOKENS: &[&[u8]] = &[
    b"\"versions\": {",
    b"\"_attachments\": {",
    b"\"data\": \"",
    b"\"length\": ",
    b"null",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"=",
    b"\\u0000",
    b"H4sI",
    b"1.0.0",
];

/// Limits small enough that the fuzzer reaches them.
fn limits() -> PublishLimits {
    PublishLimits {
        max_body_bytes: 1 << 20,
        tarball: TarballLimits {
            max_unpacked_bytes: 64 << 10,
            max_package_json_bytes: 16 << 10,
        },
    }
}

fn recorded_bodies() -> Vec<Vec<u8>> {
    wharf_fuzz::corpus(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/publish"))
}

/// The package.json files the structured target starts from.
fn package_jsons() -> Vec<Value> {
    let mut out = vec![
        package_json("left-pad", "1.3.0", &json!({})),
        package_json(
            "@acme/widget",
            "2.0.0-rc.1",
            &json!({
                "bin": "./cli.js", "scripts": {"test": "node_modules/.bin/tap"},
                "optionalDependencies": {"fsevents": "^2"}, "os": ["darwin"], "engines": {"node": ">=18"},
            }),
        ),
    ];
    for body in recorded_bodies() {
        let body: Value = serde_json::from_slice(&body).expect("recorded body is JSON");
        let data = body["_attachments"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["data"]
            .as_str()
            .unwrap()
            .to_owned();
        let tarball = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        out.push(read_package_json(&tarball, &TarballLimits::default()).unwrap());
    }
    out
}

/// Checks everything an accepted publish promises.
fn check_accepted(p: &Publish) -> Result<(), TestCaseError> {
    prop_assert_eq!(NpmName::parse(&p.name.display()), Ok(p.name.clone()));
    prop_assert!(p.name.validate_for_publish().is_ok());
    prop_assert!(validate_version(p.version.as_str()).is_ok());
    prop_assert_eq!(&Digests::of(&p.tarball), &p.digests);
    let inner = read_package_json(&p.tarball, &limits().tarball).expect("accepted tarball reads");
    prop_assert!(check_manifest_matches(&p.manifest, &inner, &p.name.name).is_ok());
    prop_assert!(p.manifest.get("dist").is_none());
    // Rebuilt into a body, it parses to the same publish.
    let mut version = p.manifest.clone();
    version["dist"] = json!({"integrity": p.digests.integrity(), "shasum": p.digests.sha1});
    let display = p.name.display();
    let body = json!({
        "_id": display, "name": display, "dist-tags": p.dist_tags,
        "versions": {p.version.as_str(): version},
        "_attachments": {"t.tgz": {
            "data": base64::engine::general_purpose::STANDARD.encode(&p.tarball),
            "length": p.tarball.len(),
        }},
    });
    let again = parse_publish(&p.name, &bytes(&body), &limits());
    prop_assert_eq!(again.as_ref(), Ok(p));
    Ok(())
}

fn try_publish(body: &[u8]) -> Result<(), TestCaseError> {
    for url in URL_NAMES {
        let url = NpmName::parse(url).unwrap();
        if let Ok(p) = parse_publish(&url, body, &limits()) {
            check_accepted(&p)?;
        }
    }
    Ok(())
}

/// gzip without a tar inside, for feeding mutated tar archives to the reader.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(data), &mut out).unwrap();
    out
}

fn tarball_seeds() -> Vec<Vec<u8>> {
    let pj = package_json("left-pad", "1.3.0", &json!({}));
    vec![
        package_tgz(&pj),
        tgz(&[("./package/package.json", pj.to_string().as_bytes())]),
        tgz(&[
            ("node/README.md", b"x"),
            ("node/package.json", b"{\"name\":1}"),
        ]),
        tgz(&[
            ("package/lib/package.json", b"{}"),
            ("package/package.json", b"[1, 2"),
        ]),
    ]
}

proptest! {
    #![proptest_config(wharf_fuzz::config(1000))]

    #[test]
    fn publish_body_bytes(body in wharf_fuzz::mutated_bytes(recorded_bodies(), BODY_TOKENS)) {
        try_publish(&body)?;
    }

    #[test]
    fn publish_structured(
        pj in wharf_fuzz::mutated_json(package_jsons(), BODY_KEYS),
        manifest_edits in proptest::option::of(wharf_fuzz::mutated_json(vec![json!({})], BODY_KEYS)),
        body_edit in proptest::option::of(wharf_fuzz::mutated_json(vec![json!(null)], BODY_KEYS)),
        edit_at in any::<usize>(),
    ) {
        // A tarball of the (mutated) package.json; a manifest equal to it or changed.
        let tarball = package_tgz(&pj);
        let mut manifest = pj.clone();
        if let (Some(Value::Object(edits)), Value::Object(m)) = (&manifest_edits, &mut manifest) {
            m.extend(edits.clone());
        }
        if manifest.get("name").and_then(Value::as_str).is_none()
            || manifest.get("version").and_then(Value::as_str).is_none()
        {
            manifest = package_json("left-pad", "1.3.0", &json!({}));
        }
        let mut body = publish_body(&manifest, &tarball);
        // One node of the body replaced by a generated value.
        if let Some(value) = body_edit {
            let pointers = wharf_fuzz::pointers(&body);
            let at = &pointers[edit_at % pointers.len()];
            if let Some(node) = body.pointer_mut(at) {
                *node = value;
            }
        }
        try_publish(&bytes(&body))?;
    }

    #[test]
    fn tarballs(
        gz in wharf_fuzz::mutated_bytes(tarball_seeds(), &[b"package/", b"package.json", b"\0"]),
        tar in wharf_fuzz::mutated_bytes(
            tarball_seeds().iter().map(|t| gunzip(t)).collect(),
            &[b"package/", b"package.json", b"\0", b"ustar", b"00000000777"],
        ),
    ) {
        for data in [gz, gzip(&tar)] {
            if let Ok(v) = read_package_json(&data, &limits().tarball) {
                prop_assert!(serde_json::to_vec(&v).unwrap().len() <= 4 * (16 << 10));
            }
        }
    }

    #[test]
    fn routes(
        method in prop::sample::select(vec!["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]),
        path in wharf_fuzz::mutated_text(
            [
                "@types%2fnode", "lodash", "@types/node/-/node-20.0.0.tgz", "-/package/@s%2fp/dist-tags/beta",
                "-/ping", "x/-rev/1-abc", "-/v1/search?text=x", "%40a%2Fb", "a/-/a-1.0.0.tgz",
            ].iter().map(|s| s.as_bytes().to_vec()).collect(),
            &[b"%", b"%2f", b"%00", b"%E2%80%AE", b"@", b"/", b"/-/", b".tgz", b"-/package/"],
        ),
    ) {
        let names = match route(method, &path) {
            Ok(NpmRoute::Packument(n) | NpmRoute::PutPackage(n) | NpmRoute::DistTags(n)) => vec![n],
            Ok(NpmRoute::DistTagSet { name, tag } | NpmRoute::DistTagRemove { name, tag }) => {
                let _ = wharf_npm::dist_tags::validate_tag(&tag);
                vec![name]
            }
            Ok(NpmRoute::Tarball(t)) => {
                prop_assert!(wharf_core::names::PackageVersion::parse(t.version.as_str()).is_ok());
                vec![t.name]
            }
            _ => vec![],
        };
        for n in names {
            prop_assert_eq!(NpmName::parse(&n.display()), Ok(n.clone()));
            let _ = n.coordinate();
        }
    }
}
