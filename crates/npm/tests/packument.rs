//! Packuments (full and abbreviated), statuses, tarball URLs and their reverse parse.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use wharf_core::names::PackageVersionStatus::{self, *};
use wharf_npm::packument::{
    ABBREVIATED_CONTENT_TYPE, FULL_CONTENT_TYPE, abbreviated_packument, full_packument,
    is_installable, packument_for_accept, parse_tarball_path, tarball_url, wants_abbreviated,
};
use wharf_npm::time::iso8601;
use wharf_npm::{NpmName, PackumentInput, PackumentVersion};

const BASE: &str = "http://127.0.0.1:8080/npm/my-domain/my-repo/";

fn version(name: &str, v: &str, published: u64, status: PackageVersionStatus) -> PackumentVersion {
    PackumentVersion {
        version: v.into(),
        manifest: json!({
            "name": name, "version": v, "description": format!("v{v}"),
            "readme": "# hello", "license": "MIT",
            "dependencies": {"a": "^1"}, "scripts": {"postinstall": "node x.js", "test": "t"},
            "_npmVersion": "11.0.0",
        }),
        shasum: "ab".repeat(20),
        integrity: format!("sha512-{v}"),
        published,
        status,
    }
}

fn fixture(name: &NpmName) -> (Vec<PackumentVersion>, BTreeMap<String, String>) {
    let d = name.display();
    let versions = vec![
        version(&d, "1.0.0", 1_700_000_000, Published),
        version(&d, "1.1.0", 1_700_100_000, Published),
        version(&d, "2.0.0", 1_700_200_000, Unlisted),
        version(&d, "3.0.0", 1_700_300_000, Archived),
        version(&d, "4.0.0", 1_700_400_000, Disposed),
        version(&d, "5.0.0", 1_700_500_000, Unfinished),
    ];
    let tags = BTreeMap::from([
        ("latest".to_owned(), "1.1.0".to_owned()),
        ("next".to_owned(), "2.0.0".to_owned()),
        ("old".to_owned(), "1.0.0".to_owned()),
    ]);
    (versions, tags)
}

fn input<'a>(
    name: &'a NpmName,
    versions: &'a [PackumentVersion],
    tags: &'a BTreeMap<String, String>,
) -> PackumentInput<'a> {
    PackumentInput {
        name,
        versions,
        dist_tags: tags,
        tarball_base: BASE,
        modified: None,
    }
}

#[test]
fn full_packument_shape_for_a_scoped_package() {
    let name = NpmName::parse("@acme/widget").unwrap();
    let (versions, tags) = fixture(&name);
    let doc = full_packument(&input(&name, &versions, &tags));
    assert_eq!(doc["_id"], "@acme/widget");
    assert_eq!(doc["name"], "@acme/widget");
    assert_eq!(
        doc["description"], "v1.1.0",
        "package fields come from latest"
    );
    assert_eq!(doc["readme"], "# hello");
    // Only Published versions are listed; tags to unlisted versions are dropped.
    let listed: Vec<&String> = doc["versions"].as_object().unwrap().keys().collect();
    assert_eq!(listed, ["1.0.0", "1.1.0"]);
    assert_eq!(doc["dist-tags"], json!({"latest": "1.1.0", "old": "1.0.0"}));
    let v = &doc["versions"]["1.1.0"];
    assert_eq!(v["_id"], "@acme/widget@1.1.0");
    assert_eq!(v["name"], "@acme/widget");
    assert_eq!(v["dependencies"], json!({"a": "^1"}));
    assert!(v.get("readme").is_none());
    assert_eq!(
        v["dist"],
        json!({
            "tarball": format!("{BASE}@acme/widget/-/widget-1.1.0.tgz"),
            "shasum": "ab".repeat(20),
            "integrity": "sha512-1.1.0",
        })
    );
    assert_eq!(
        doc["time"],
        json!({
            "created": "2023-11-14T22:13:20.000Z",
            "modified": iso8601(1_700_100_000),
            "1.0.0": "2023-11-14T22:13:20.000Z",
            "1.1.0": iso8601(1_700_100_000),
        })
    );
}

#[test]
fn abbreviated_packument_keeps_only_install_fields() {
    let name = NpmName::parse("lodash").unwrap();
    let (mut versions, tags) = fixture(&name);
    versions[0].manifest["deprecated"] = json!("use 1.1.0");
    let mut inp = input(&name, &versions, &tags);
    inp.modified = Some(1_800_000_000);
    let doc = abbreviated_packument(&inp);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["dist-tags", "modified", "name", "versions"]);
    assert_eq!(doc["modified"], iso8601(1_800_000_000));
    let v = &doc["versions"]["1.0.0"];
    let mut fields: Vec<&String> = v.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "dependencies",
            "deprecated",
            "dist",
            "hasInstallScript",
            "license",
            "name",
            "version"
        ]
    );
    assert_eq!(
        v["dist"]["tarball"],
        format!("{BASE}lodash/-/lodash-1.0.0.tgz")
    );
    assert_eq!(v["hasInstallScript"], true);
}

#[test]
fn accept_header_selects_the_form() {
    let npm = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
    assert!(wants_abbreviated(Some(npm)));
    assert!(!wants_abbreviated(Some("application/json")));
    assert!(!wants_abbreviated(Some(
        "application/vnd.npm.install-v1+json;q=0"
    )));
    assert!(!wants_abbreviated(None));
    let name = NpmName::parse("p").unwrap();
    let (versions, tags) = fixture(&name);
    let (ct, doc) = packument_for_accept(&input(&name, &versions, &tags), Some(npm));
    assert_eq!(ct, ABBREVIATED_CONTENT_TYPE);
    assert!(doc.get("time").is_none());
    let (ct, doc) = packument_for_accept(&input(&name, &versions, &tags), None);
    assert_eq!(ct, FULL_CONTENT_TYPE);
    assert!(doc.get("time").is_some());
}

#[test]
fn empty_deprecation_is_not_served() {
    let name = NpmName::parse("p").unwrap();
    let (mut versions, tags) = fixture(&name);
    versions[0].manifest["deprecated"] = json!("");
    let doc = full_packument(&input(&name, &versions, &tags));
    assert!(doc["versions"]["1.0.0"].get("deprecated").is_none());
}

#[test]
fn statuses_installable_by_url() {
    let installable: Vec<bool> = [Published, Unlisted, Archived, Disposed, Unfinished]
        .into_iter()
        .map(is_installable)
        .collect();
    assert_eq!(installable, [true, true, false, false, false]);
}

#[test]
fn tarball_url_round_trips() {
    for (display, version) in [
        ("lodash", "4.17.21"),
        ("@types/node", "20.11.0"),
        ("@acme/widget", "2.0.0-rc.1+build.5"),
        ("a-b.c_d", "0.0.1"),
    ] {
        let name = NpmName::parse(display).unwrap();
        let url = tarball_url(BASE, &name, version);
        let path = url.strip_prefix(BASE).unwrap();
        let r = parse_tarball_path(path).unwrap();
        assert_eq!(r.name, name, "{url}");
        assert_eq!(r.version.as_str(), version);
        assert_eq!(
            r.namespace.as_ref().map(|n| n.as_str()),
            name.scope.as_deref()
        );
        assert_eq!(r.package.as_str(), name.name);
        // Without the trailing slash on the base, the same URL.
        assert_eq!(tarball_url(BASE.trim_end_matches('/'), &name, version), url);
    }
    let scoped = tarball_url(BASE, &NpmName::parse("@types/node").unwrap(), "1.0.0");
    assert_eq!(scoped, format!("{BASE}@types/node/-/node-1.0.0.tgz"));
}

#[test]
fn tarball_path_variants() {
    for path in [
        "@types%2fnode/-/node-1.0.0.tgz",
        "/@types/node/-/node-1.0.0.tgz",
        "@types/node/-/@types/node-1.0.0.tgz",
        "%40types%2Fnode/-/node-1.0.0.tgz",
    ] {
        let r = parse_tarball_path(path).unwrap();
        assert_eq!(
            (r.name.display(), r.version.as_str()),
            ("@types/node".into(), "1.0.0")
        );
    }
    for bad in [
        "node/-/node-1.0.0.tar",
        "node/-/other-1.0.0.tgz",
        "node/node-1.0.0.tgz",
        "node/-/node-.tgz",
        "@types/-/node-1.0.0.tgz",
    ] {
        let e = parse_tarball_path(bad).unwrap_err();
        assert_eq!(e.status(), 404, "{bad}");
    }
}

#[test]
fn iso8601_matches_known_dates() {
    assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
    assert_eq!(iso8601(1_709_208_000), "2024-02-29T12:00:00.000Z");
    assert_eq!(iso8601(4_102_444_799), "2099-12-31T23:59:59.000Z");
    let v: Value = json!(iso8601(1_700_000_000));
    assert_eq!(v, "2023-11-14T22:13:20.000Z");
}
