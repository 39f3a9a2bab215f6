//! `npm publish` bodies: a real one accepted, and every rejection with its status.

#[path = "support/fixtures.rs"]
mod support;

use serde_json::{Value, json};
use support::{bytes, npm_publish, package_json, package_tgz, publish_body, tgz};
use wharf_npm::publish::integrity_of;
use wharf_npm::tarball::TarballLimits;
use wharf_npm::{NpmError, NpmName, PublishLimits, PutKind, parse_publish, put_kind};

fn parse(url: &str, body: &Value) -> Result<wharf_npm::Publish, NpmError> {
    parse_publish(
        &NpmName::from_path(url).unwrap(),
        &bytes(body),
        &PublishLimits::default(),
    )
}

fn version_doc(body: &mut Value) -> &mut Value {
    body["versions"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .next()
        .unwrap()
}

#[test]
fn accepts_an_unscoped_publish() {
    let (tarball, body) = npm_publish("left-pad", "1.3.0");
    let p = parse("left-pad", &body).unwrap();
    assert_eq!(p.name.display(), "left-pad");
    assert_eq!(p.namespace, None);
    assert_eq!(p.package.as_str(), "left-pad");
    assert_eq!(p.version.as_str(), "1.3.0");
    assert_eq!(p.tarball, tarball);
    assert_eq!(p.dist_tags.get("latest").map(String::as_str), Some("1.3.0"));
    assert!(p.manifest.get("dist").is_none(), "dist is stripped");
    assert_eq!(p.manifest["_id"], "left-pad@1.3.0");
    assert_eq!(p.digests.size, tarball.len() as u64);
    assert_eq!(p.digests.integrity(), integrity_of(&tarball));
    assert_eq!(p.asset_summary().name, "package.tgz");
    assert_eq!(p.asset_summary().hashes.len(), 4);
    assert_eq!(
        p.version_metadata().summary.as_deref(),
        Some("A test package")
    );
}

#[test]
fn accepts_a_scoped_publish_by_escaped_or_plain_url() {
    let (_, body) = npm_publish("@acme/widget", "2.0.0-rc.1");
    for url in [
        "@acme%2fwidget",
        "@acme%2Fwidget",
        "@acme/widget",
        "%40acme%2fwidget",
    ] {
        let p = parse(url, &body).unwrap();
        assert_eq!(p.namespace.as_ref().map(|n| n.as_str()), Some("acme"));
        assert_eq!(p.package.as_str(), "widget");
        assert_eq!(p.version.as_str(), "2.0.0-rc.1");
    }
}

#[test]
fn keeps_the_tag_given_with_dash_dash_tag() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    body["dist-tags"] = json!({"beta": "1.0.0"});
    let p = parse("pkg", &body).unwrap();
    assert_eq!(p.dist_tags.keys().collect::<Vec<_>>(), ["beta"]);
    body["dist-tags"] = json!({});
    assert_eq!(parse("pkg", &body).unwrap().dist_tags["latest"], "1.0.0");
}

#[test]
fn tells_publish_from_deprecate() {
    let (_, body) = npm_publish("pkg", "1.0.0");
    assert_eq!(put_kind(&bytes(&body)).unwrap(), PutKind::Publish);
    let deprecate = json!({"name": "pkg", "versions": {"1.0.0": {"deprecated": "x"}}});
    assert_eq!(
        put_kind(&bytes(&deprecate)).unwrap(),
        PutKind::MetadataUpdate
    );
    assert!(put_kind(b"nope").is_err());
}

#[test]
fn rejects_integrity_mismatch() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    version_doc(&mut body)["dist"]["integrity"] = json!(integrity_of(b"other"));
    let e = parse("pkg", &body).unwrap_err();
    assert!(matches!(e, NpmError::IntegrityMismatch { .. }), "{e:?}");
    assert_eq!(e.status(), 400);
    let body: Value = serde_json::from_str(&e.body()).unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Integrity check failed")
    );
}

#[test]
fn rejects_shasum_mismatch() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    version_doc(&mut body)["dist"]["shasum"] = json!("0".repeat(40));
    let e = parse("pkg", &body).unwrap_err();
    assert!(matches!(e, NpmError::ShasumMismatch { .. }), "{e:?}");
    assert_eq!(e.status(), 400);
}

#[test]
fn accepts_missing_dist_hashes() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    version_doc(&mut body)
        .as_object_mut()
        .unwrap()
        .remove("dist");
    assert!(parse("pkg", &body).is_ok());
}

#[test]
fn rejects_name_mismatch_with_the_url() {
    let (_, body) = npm_publish("pkg", "1.0.0");
    let e = parse("other", &body).unwrap_err();
    assert!(matches!(e, NpmError::NameMismatch { .. }), "{e:?}");
    assert_eq!(e.status(), 400);
    // The version's own name disagreeing is caught too.
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    version_doc(&mut body)["name"] = json!("pkg2");
    assert!(matches!(
        parse("pkg", &body),
        Err(NpmError::NameMismatch { .. })
    ));
}

#[test]
fn rejects_tarball_package_json_mismatch() {
    let pj = package_json("pkg", "1.0.0", &json!({}));
    let tarball = package_tgz(&package_json("pkg", "1.0.1", &json!({})));
    let body = publish_body(&pj, &tarball);
    let e = parse("pkg", &body).unwrap_err();
    assert_eq!(
        e,
        NpmError::TarballMismatch {
            manifest: "pkg@1.0.0".into(),
            tarball: "pkg@1.0.1".into()
        }
    );
    let tarball = package_tgz(&package_json("evil", "1.0.0", &json!({})));
    let e = parse("pkg", &publish_body(&pj, &tarball)).unwrap_err();
    assert!(matches!(e, NpmError::TarballMismatch { .. }));
}

#[test]
fn rejects_tarballs_without_package_json_or_not_gzip() {
    let pj = package_json("pkg", "1.0.0", &json!({}));
    let no_pj = tgz(&[("package/index.js", b"1")]);
    let e = parse("pkg", &publish_body(&pj, &no_pj)).unwrap_err();
    assert!(matches!(e, NpmError::BadTarball(_)), "{e:?}");
    let e = parse("pkg", &publish_body(&pj, b"not a tarball")).unwrap_err();
    assert!(matches!(e, NpmError::BadTarball(_)), "{e:?}");
}

#[test]
fn rejects_two_versions_or_none() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    let doc = version_doc(&mut body).clone();
    body["versions"]["1.0.1"] = doc;
    assert_eq!(parse("pkg", &body).unwrap_err(), NpmError::VersionCount(2));
    body["versions"] = json!({});
    assert_eq!(parse("pkg", &body).unwrap_err(), NpmError::VersionCount(0));
}

#[test]
fn rejects_attachment_count_base64_and_length() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    let att = body["_attachments"]["pkg-1.0.0.tgz"].clone();
    body["_attachments"]["pkg-1.0.0.sigstore"] = att;
    assert_eq!(
        parse("pkg", &body).unwrap_err(),
        NpmError::AttachmentCount(2)
    );

    let (_, mut body) = npm_publish("pkg", "1.0.0");
    body["_attachments"]["pkg-1.0.0.tgz"]["length"] = json!(3);
    assert!(matches!(
        parse("pkg", &body),
        Err(NpmError::LengthMismatch { declared: 3, .. })
    ));

    let (_, mut body) = npm_publish("pkg", "1.0.0");
    body["_attachments"]["pkg-1.0.0.tgz"]["data"] = json!("!!!not base64");
    assert_eq!(parse("pkg", &body).unwrap_err(), NpmError::BadBase64);
}

#[test]
fn rejects_invalid_names_and_versions() {
    for bad in [
        "Upper",
        ".dot",
        "_under",
        "a b",
        "node_modules",
        "caf\u{e9}",
        "x!",
    ] {
        let pj = package_json(bad, "1.0.0", &json!({}));
        let tarball = package_tgz(&pj);
        let body = publish_body(&pj, &tarball);
        let url = NpmName::parse(bad).unwrap_or(NpmName {
            scope: None,
            name: bad.to_owned(),
        });
        let e = parse_publish(&url, &bytes(&body), &PublishLimits::default()).unwrap_err();
        assert!(matches!(e, NpmError::InvalidName { .. }), "{bad}: {e:?}");
        assert_eq!(e.status(), 400);
    }
    let long = "a".repeat(215);
    let (_, body) = npm_publish(&long, "1.0.0");
    assert!(matches!(
        parse(&long, &body),
        Err(NpmError::InvalidName { .. })
    ));
    let (_, body) = npm_publish("pkg", "1.0");
    assert_eq!(
        parse("pkg", &body).unwrap_err(),
        NpmError::InvalidVersion("1.0".into())
    );
}

#[test]
fn rejects_bad_dist_tags() {
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    body["dist-tags"] = json!({"latest": "9.9.9"});
    assert!(matches!(
        parse("pkg", &body),
        Err(NpmError::TagTargetMissing { .. })
    ));
    body["dist-tags"] = json!({"1.x": "1.0.0"});
    assert!(matches!(
        parse("pkg", &body),
        Err(NpmError::InvalidTag { .. })
    ));
}

#[test]
fn rejects_oversized_bodies_and_unpacked_tarballs() {
    let (_, body) = npm_publish("pkg", "1.0.0");
    let raw = bytes(&body);
    let limits = PublishLimits {
        max_body_bytes: raw.len() as u64 - 1,
        ..PublishLimits::default()
    };
    let e = parse_publish(&NpmName::parse("pkg").unwrap(), &raw, &limits).unwrap_err();
    assert!(
        matches!(
            e,
            NpmError::TooLarge {
                what: "request body",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.status(), 413);

    // A zip bomb: 4 MiB of zeros ahead of package.json, with a 1 MiB unpacked limit.
    let pj = package_json("pkg", "1.0.0", &json!({}));
    let zeros = vec![0u8; 4 << 20];
    let tarball = tgz(&[
        ("package/blob.bin", &zeros),
        ("package/package.json", pj.to_string().as_bytes()),
    ]);
    let body = bytes(&publish_body(&pj, &tarball));
    let limits = PublishLimits {
        tarball: TarballLimits {
            max_unpacked_bytes: 1 << 20,
            ..TarballLimits::default()
        },
        ..PublishLimits::default()
    };
    let e = parse_publish(&NpmName::parse("pkg").unwrap(), &body, &limits).unwrap_err();
    assert!(
        matches!(
            e,
            NpmError::TooLarge {
                what: "unpacked tarball",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        parse_publish(
            &NpmName::parse("pkg").unwrap(),
            &body,
            &PublishLimits::default()
        )
        .is_ok()
    );
}

#[test]
fn the_unpacked_limit_scales_with_the_body_limit() {
    let small = PublishLimits::for_body_limit(1 << 20);
    assert_eq!(small.max_body_bytes, 1 << 20);
    assert_eq!(small.tarball.max_unpacked_bytes, 4 << 20);
    // The npm body limit and the unpacked ceiling cap a large service limit.
    let large = PublishLimits::for_body_limit(1 << 30);
    assert_eq!(
        large.max_body_bytes,
        PublishLimits::default().max_body_bytes
    );
    assert_eq!(large.tarball.max_unpacked_bytes, 1 << 30);

    // The bomb above (4 MiB of zeros first) fits under a 1 MiB body, and is refused with it.
    let pj = package_json("pkg", "1.0.0", &json!({}));
    let tarball = tgz(&[
        ("package/blob.bin", &vec![0u8; 5 << 20]),
        ("package/package.json", pj.to_string().as_bytes()),
    ]);
    let body = bytes(&publish_body(&pj, &tarball));
    assert!(body.len() < 1 << 20);
    let e = parse_publish(&NpmName::parse("pkg").unwrap(), &body, &small).unwrap_err();
    assert!(
        matches!(
            e,
            NpmError::TooLarge {
                what: "unpacked tarball",
                limit: 4194304,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(parse_publish(&NpmName::parse("pkg").unwrap(), &body, &large).is_ok());
}

#[test]
fn rejects_malformed_json() {
    let e = parse_publish(
        &NpmName::parse("pkg").unwrap(),
        b"{\"name\": 5}",
        &PublishLimits::default(),
    )
    .unwrap_err();
    assert!(matches!(e, NpmError::BadJson(_)));
    let e = parse("pkg", &json!({"versions": {}})).unwrap_err();
    assert_eq!(e, NpmError::MissingField("name"));
}

#[test]
fn manifest_numbers_survive_a_json_round_trip_exactly() {
    // Found by the publish_structured fuzz target: without serde_json's `float_roundtrip`, a
    // float in a manifest came back from its own JSON text as another float, so a stored
    // manifest was not the one published.
    let (_, mut body) = npm_publish("pkg", "1.0.0");
    version_doc(&mut body)["custom"] = json!(-1.0012165667803499e46);
    let p = parse("pkg", &body).unwrap();
    let text = serde_json::to_string(&p.manifest).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p.manifest);
}
