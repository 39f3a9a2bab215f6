//! Version metadata from manifests, asset hashes, and revision stability.

#[path = "support/fixtures.rs"]
mod support;

use serde_json::json;
use support::{bytes, package_json, package_tgz, publish_body};
use wharf_core::revision::{License, SHA256, compute_revision};
use wharf_npm::metadata::{
    ASSET_NAME, Digests, MD5, SHA1, SHA512, canonical_json, integrity_from_sha512_hex, licenses,
    repository_url, revision, version_metadata,
};
use wharf_npm::{NpmName, PublishLimits, parse_publish};

fn lic(name: Option<&str>, url: Option<&str>) -> License {
    License {
        name: name.map(str::to_owned),
        url: url.map(str::to_owned),
    }
}

#[test]
fn metadata_fields() {
    let m = json!({
        "name": "p", "version": "1.0.0",
        "description": "Does things", "homepage": "https://example.com",
        "repository": {"type": "git", "url": "git+https://github.com/o/p.git", "directory": "x"},
        "license": "Apache-2.0",
        "dependencies": {"z": "1", "a": "2"},
        "peerDependencies": {"react": ">=18"},
        "bin": {"p": "cli.js"},
        "engines": {"node": ">=18"},
        "bundledDependencies": ["a"],
        "devDependencies": {"jest": "1"},
        "deprecated": "do not use",
    });
    let md = version_metadata(&m);
    assert_eq!(md.summary.as_deref(), Some("Does things"));
    assert_eq!(md.home_page.as_deref(), Some("https://example.com"));
    assert_eq!(
        md.source_code_repository.as_deref(),
        Some("git+https://github.com/o/p.git")
    );
    assert_eq!(md.licenses, [lic(Some("Apache-2.0"), None)]);
    let keys: Vec<&String> = md.attributes.keys().collect();
    assert_eq!(
        keys,
        [
            "bin",
            "bundleDependencies",
            "dependencies",
            "engines",
            "peerDependencies"
        ]
    );
    assert_eq!(md.attributes["dependencies"], r#"{"a":"2","z":"1"}"#);
    assert_eq!(
        repository_url(&json!({"repository": "github:o/p"})).as_deref(),
        Some("github:o/p")
    );
    assert_eq!(
        version_metadata(&json!({"description": "  "})).summary,
        None
    );
}

#[test]
fn license_forms() {
    assert_eq!(
        licenses(&json!({"license": "MIT"})),
        [lic(Some("MIT"), None)]
    );
    assert_eq!(
        licenses(&json!({"license": "(MIT OR Apache-2.0)"})),
        [lic(Some("(MIT OR Apache-2.0)"), None)]
    );
    assert_eq!(
        licenses(&json!({"license": {"type": "BSD", "url": "https://x/bsd"}})),
        [lic(Some("BSD"), Some("https://x/bsd"))]
    );
    assert_eq!(
        licenses(&json!({"licenses": [
            {"type": "MIT", "url": "https://x/mit"},
            "GPL-2.0",
            {"type": "Apache-2.0"}
        ]})),
        [
            lic(Some("MIT"), Some("https://x/mit")),
            lic(Some("GPL-2.0"), None),
            lic(Some("Apache-2.0"), None)
        ]
    );
    assert!(licenses(&json!({})).is_empty());
    assert!(licenses(&json!({"license": ""})).is_empty());
}

#[test]
fn canonical_json_sorts_keys_deeply() {
    let v = json!({"b": [{"y": 1, "x": null}], "a": "é\""});
    assert_eq!(canonical_json(&v), r#"{"a":"é\"","b":[{"x":null,"y":1}]}"#);
}

#[test]
fn digests_and_asset_summary() {
    let d = Digests::of(b"hello");
    assert_eq!(d.md5, "5d41402abc4b2a76b9719d911017c592");
    assert_eq!(d.sha1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    assert_eq!(
        d.sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    let a = d.asset_summary();
    assert_eq!(a.name, ASSET_NAME);
    assert_eq!(a.size, Some(5));
    assert_eq!(a.hashes[SHA256], d.sha256);
    assert_eq!(a.hashes[MD5], d.md5);
    assert_eq!(a.hashes[SHA1], d.sha1);
    assert_eq!(a.hashes[SHA512], d.sha512);
    assert_eq!(integrity_from_sha512_hex(&d.sha512), Some(d.integrity()));
    assert!(d.integrity().starts_with("sha512-"));
    assert_eq!(integrity_from_sha512_hex("abc"), None);
}

#[test]
fn same_tarball_and_manifest_give_the_same_revision() {
    let pj = package_json("p", "1.0.0", &json!({"bin": "cli.js"}));
    let tarball = package_tgz(&pj);
    let name = NpmName::parse("p").unwrap();
    let parse = |body: &serde_json::Value| {
        parse_publish(&name, &bytes(body), &PublishLimits::default()).unwrap()
    };
    let first = parse(&publish_body(&pj, &tarball));
    let again = parse(&publish_body(&pj, &tarball));
    assert_eq!(first.revision(), again.revision());
    assert_eq!(first.revision(), compute_revision(&first.version_content()));
    assert_eq!(first.revision().as_str().len(), 44);

    // Key order and a later deprecation do not change it.
    let mut reordered: serde_json::Map<String, serde_json::Value> =
        pj.as_object().unwrap().clone().into_iter().rev().collect();
    reordered.insert("deprecated".into(), json!("old"));
    let reordered = serde_json::Value::Object(reordered);
    assert_eq!(revision(&reordered, &first.digests), first.revision());

    // Another dependency, or another tarball, does.
    let mut changed = pj.clone();
    changed["dependencies"]["left-pad"] = json!("^2.0.0");
    assert_ne!(revision(&changed, &first.digests), first.revision());
    let other = Digests::of(&package_tgz(&package_json("p", "1.0.0", &json!({"x": 1}))));
    assert_ne!(revision(&pj, &other), first.revision());
}
