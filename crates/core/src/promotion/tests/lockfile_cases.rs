//! Lockfiles: v2 and v3 with scoped, nested and bundled entries; every non-registry entry named.

use crate::promotion::lockfile::parse;

/// lockfileVersion 3: scoped, nested (a second lodash), bundled, dev and optional entries.
pub(super) const V3: &str = r#"{
  "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "dependencies": {"lodash": "^4.17.0"}},
    "node_modules/lodash": {"version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz", "integrity": "sha512-x"},
    "node_modules/@babel/core": {"version": "7.24.0",
      "resolved": "https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz"},
    "node_modules/@babel/core/node_modules/lodash": {"version": "4.17.20",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"},
    "node_modules/@types/node": {"version": "20.1.0", "dev": true,
      "resolved": "http://localhost:8080/npm/staging/@types%2fnode/-/node-20.1.0.tgz"},
    "node_modules/left-pad": {"version": "1.3.0", "optional": true},
    "node_modules/left-pad/node_modules/lodash": {"version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"},
    "node_modules/bundler": {"version": "1.0.0", "inBundle": true,
      "resolved": "https://example.com/anything.tgz"}
  }
}"#;

fn pins(text: &str) -> Vec<(Option<String>, String, Vec<String>)> {
    parse(text)
        .unwrap()
        .into_iter()
        .map(|p| (p.namespace, p.package.unwrap(), p.versions.unwrap()))
        .collect()
}

#[test]
fn v3_pins_every_registry_package_once() {
    let s = |x: &str| x.to_owned();
    assert_eq!(
        pins(V3),
        vec![
            (None, s("left-pad"), vec![s("1.3.0")]),
            (None, s("lodash"), vec![s("4.17.20"), s("4.17.21")]),
            (Some(s("babel")), s("core"), vec![s("7.24.0")]),
            (Some(s("types")), s("node"), vec![s("20.1.0")]),
        ]
    );
}

#[test]
fn v2_reads_packages_and_ignores_the_legacy_dependencies_map() {
    let text = r#"{"lockfileVersion": 2, "packages": {
        "": {"name": "x"},
        "node_modules/@scope/pkg": {"version": "0.1.0",
          "resolved": "https://d-1.codeartifact.us-east-1.amazonaws.com/npm/staging/@scope/pkg/-/pkg-0.1.0.tgz"}},
      "dependencies": {"@scope/pkg": {"version": "0.1.0"}, "ghost": {"version": "1.0.0"}}}"#;
    assert_eq!(
        pins(text),
        vec![(Some("scope".into()), "pkg".into(), vec!["0.1.0".into()])]
    );
}

#[test]
fn an_aliased_entry_is_pinned_under_its_real_name() {
    let text = r#"{"lockfileVersion": 3, "packages": {
        "node_modules/my-lodash": {"name": "lodash", "version": "4.17.21",
          "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"}}}"#;
    assert_eq!(pins(text)[0].1, "lodash");
}

#[test]
fn non_registry_entries_are_each_refused_by_name() {
    let text = r#"{"lockfileVersion": 3, "packages": {
        "": {"name": "app"},
        "packages/lib": {"name": "lib", "version": "1.0.0"},
        "node_modules/lib": {"resolved": "packages/lib", "link": true},
        "node_modules/from-git": {"version": "1.0.0",
          "resolved": "git+ssh://git@github.com/o/from-git.git#0123abc"},
        "node_modules/from-gh": {"version": "1.0.0", "resolved": "github:o/from-gh#main"},
        "node_modules/local": {"version": "1.0.0", "resolved": "file:../local"},
        "node_modules/tarball": {"version": "1.0.0",
          "resolved": "https://example.com/downloads/tarball.tgz"},
        "node_modules/fine": {"version": "1.0.0",
          "resolved": "https://registry.npmjs.org/fine/-/fine-1.0.0.tgz"}}}"#;
    let e = parse(text).unwrap_err();
    let named: Vec<&str> = e
        .errors
        .iter()
        .map(|e| {
            assert_eq!(e.field, "lockfile");
            e.message.split('\'').nth(1).unwrap()
        })
        .collect();
    assert_eq!(
        named,
        [
            "node_modules/from-gh",
            "node_modules/from-git",
            "node_modules/lib",
            "node_modules/local",
            "node_modules/tarball"
        ]
    );
    assert!(e.errors[2].message.contains("link to packages/lib"), "{e}");
    assert!(e.errors[1].message.contains("git"), "{e}");
}

#[test]
fn unreadable_and_old_lockfiles_get_clear_errors() {
    let cases = [
        ("not json", "not a valid package-lock.json"),
        (
            r#"{"lockfileVersion": 1, "dependencies": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"dependencies": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": 4, "packages": {}}"#,
            "lockfileVersion 4 is not supported",
        ),
        (r#"{"lockfileVersion": 3}"#, "no \"packages\" map"),
        // Only a whole number is a version: anything else reads as absent (version 1).
        (
            r#"{"lockfileVersion": "3", "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": 3.5, "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": -3, "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": [3, {"a": [true, null]}], "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": {"v": 3}, "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": null, "packages": {}}"#,
            "lockfileVersion 1 is not supported",
        ),
        (
            r#"{"lockfileVersion": 3, "packages": {"node_modules/x": {}}}"#,
            "'node_modules/x' is not a registry package: it has no version",
        ),
    ];
    for (text, expected) in cases {
        let e = parse(text).unwrap_err();
        assert!(e.to_string().contains(expected), "{text}: {e}");
    }
}
