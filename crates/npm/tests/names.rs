//! Package names from URL paths, npm's naming rules, versions, routing and deprecation.

use serde_json::json;
use std::collections::BTreeMap;
use wharf_npm::deprecate::{apply_deprecation, deprecation_of, parse_deprecate};
use wharf_npm::name::{is_valid_version, percent_decode, validate_new_name};
use wharf_npm::{NpmError, NpmName, NpmRoute, route};

#[test]
fn decodes_scoped_names_from_paths() {
    for path in [
        "@types%2fnode",
        "@types%2Fnode",
        "@types/node",
        "%40types%2fnode",
    ] {
        let n = NpmName::from_path(path).unwrap();
        assert_eq!(n.scope.as_deref(), Some("types"), "{path}");
        assert_eq!(n.name, "node");
        assert_eq!(n.display(), "@types/node");
        assert_eq!(n.escaped(), "@types%2fnode");
        assert_eq!(n.namespace().unwrap().as_str(), "types");
        assert_eq!(n.coordinate().display_name(), "@types/node");
    }
    let n = NpmName::from_path("lodash").unwrap();
    assert_eq!((n.scope, n.name.as_str()), (None, "lodash"));
    for bad in [
        "", "@", "@/x", "@scope", "@scope/", "a/b", "a%2", "a%zz", "@s/a/b", "a b",
    ] {
        assert!(NpmName::from_path(bad).is_err(), "{bad:?}");
    }
    // Control and bidi characters are refused even when reading, escaped or not.
    for bad in [
        "a%00b",
        "left%E2%80%AEpad",
        "@sc%E2%81%A6ope/x",
        "@scope/x\u{200e}",
        "x\u{7}",
    ] {
        let e = NpmName::from_path(bad).unwrap_err();
        assert!(
            e.to_string().contains("must not contain control, format"),
            "{bad:?}: {e}"
        );
    }
    // Reading is lenient about names npm no longer lets anyone publish.
    assert!(NpmName::parse("JSONStream").is_ok());
    assert!(
        NpmName::parse("JSONStream")
            .unwrap()
            .validate_for_publish()
            .is_err()
    );
    assert_eq!(percent_decode("a%20b%C3%A9").unwrap(), "a bé");
}

#[test]
fn npm_name_rules_for_new_packages() {
    for ok in [
        "a",
        "lodash",
        "@types/node",
        "a.b-c_d",
        "@my-org/x.y",
        "123",
    ] {
        assert!(validate_new_name(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        ".a",
        "_a",
        " a",
        "A",
        "@Scope/a",
        "node_modules",
        "favicon.ico",
        "a~",
        "@s/a(",
        "a:b",
        "a/b",
        "@s/",
        "é",
    ] {
        let e = validate_new_name(bad).unwrap_err();
        assert!(matches!(e, NpmError::InvalidName { .. }), "{bad}");
    }
    assert!(validate_new_name(&"a".repeat(214)).is_ok());
    assert!(validate_new_name(&"a".repeat(215)).is_err());
}

#[test]
fn semver_versions() {
    for ok in [
        "0.0.0",
        "1.2.3",
        "10.20.30",
        "1.0.0-alpha.1",
        "1.0.0-0.3.7",
        "1.0.0+20130313",
        "1.0.0-rc.1+b.2",
    ] {
        assert!(is_valid_version(ok), "{ok}");
    }
    for bad in [
        "1",
        "1.2",
        "v1.2.3",
        "01.2.3",
        "1.2.3-",
        "1.2.3-01",
        "1.2.3+",
        "1.2.3 ",
        "1.2.3-a..b",
    ] {
        assert!(!is_valid_version(bad), "{bad}");
    }
}

#[test]
fn routes() {
    let n = |s: &str| NpmName::parse(s).unwrap();
    assert_eq!(
        route("GET", "@types%2fnode").unwrap(),
        NpmRoute::Packument(n("@types/node"))
    );
    assert_eq!(
        route("HEAD", "/lodash").unwrap(),
        NpmRoute::Packument(n("lodash"))
    );
    assert_eq!(
        route("PUT", "@a%2fb").unwrap(),
        NpmRoute::PutPackage(n("@a/b"))
    );
    match route("GET", "@a/b/-/b-1.0.0.tgz").unwrap() {
        NpmRoute::Tarball(t) => assert_eq!((t.name, t.version.as_str()), (n("@a/b"), "1.0.0")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        route("GET", "-/package/@a%2fb/dist-tags").unwrap(),
        NpmRoute::DistTags(n("@a/b"))
    );
    assert_eq!(
        route("PUT", "-/package/@a%2fb/dist-tags/beta").unwrap(),
        NpmRoute::DistTagSet {
            name: n("@a/b"),
            tag: "beta".into()
        }
    );
    assert_eq!(
        route("DELETE", "-/package/lodash/dist-tags/next").unwrap(),
        NpmRoute::DistTagRemove {
            name: n("lodash"),
            tag: "next".into()
        }
    );
    assert_eq!(route("GET", "-/ping").unwrap(), NpmRoute::Ping);
    assert_eq!(route("GET", "-/whoami").unwrap(), NpmRoute::Whoami);
    assert!(matches!(
        route("PUT", "lodash/-rev/3-abc"),
        Ok(NpmRoute::Unsupported(_))
    ));
    assert!(matches!(
        route("DELETE", "lodash/-/lodash-1.0.0.tgz/-rev/1"),
        Ok(NpmRoute::Unsupported(_))
    ));
    assert!(matches!(
        route("POST", "-/npm/v1/security/advisories/bulk"),
        Ok(NpmRoute::Unsupported(_))
    ));
    assert_eq!(route("POST", "lodash").unwrap_err().status(), 405);
    assert_eq!(
        route("PUT", "-/package/lodash/dist-tags")
            .unwrap_err()
            .status(),
        405
    );
    assert_eq!(route("GET", "-/nothing").unwrap_err().status(), 404);
    assert_eq!(route("GET", "a/b").unwrap_err().status(), 404);
}

#[test]
fn deprecate_detects_changed_versions() {
    let name = NpmName::parse("@a/b").unwrap();
    let existing = BTreeMap::from([
        ("1.0.0".to_owned(), None),
        ("1.1.0".to_owned(), Some("old".to_owned())),
        ("1.2.0".to_owned(), Some("keep".to_owned())),
        ("2.0.0".to_owned(), None),
    ]);
    let body = json!({
        "_id": "@a/b", "name": "@a/b", "dist-tags": {"latest": "2.0.0"},
        "versions": {
            "1.0.0": {"name": "@a/b", "version": "1.0.0", "deprecated": "use 2"},
            "1.1.0": {"name": "@a/b", "version": "1.1.0", "deprecated": ""},
            "1.2.0": {"name": "@a/b", "version": "1.2.0", "deprecated": "keep"},
            "2.0.0": {"name": "@a/b", "version": "2.0.0"},
            "9.0.0": {"name": "@a/b", "version": "9.0.0", "deprecated": "ghost"},
        }
    });
    let changes = parse_deprecate(&name, &serde_json::to_vec(&body).unwrap(), &existing).unwrap();
    assert_eq!(
        changes,
        [
            ("1.0.0".to_owned(), Some("use 2".to_owned())),
            ("1.1.0".to_owned(), None)
        ]
    );
    let other = json!({"name": "@a/c", "versions": {}});
    let e = parse_deprecate(&name, &serde_json::to_vec(&other).unwrap(), &existing).unwrap_err();
    assert!(matches!(e, NpmError::NameMismatch { .. }));

    let mut m = json!({"name": "x"});
    apply_deprecation(&mut m, Some("gone"));
    assert_eq!(deprecation_of(&m).as_deref(), Some("gone"));
    apply_deprecation(&mut m, None);
    assert_eq!(m, json!({"name": "x"}));
}
