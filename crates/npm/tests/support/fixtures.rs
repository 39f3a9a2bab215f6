//! Real npm tarballs and publish bodies shaped as npm 11 (libnpmpublish) sends them.
#![allow(dead_code)]

use base64::Engine;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use wharf_npm::publish::integrity_of;

/// A gzip-compressed tar holding `files` (path, content).
pub fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(499_162_500); // npm's fixed 1985-10-26 mtime
        header.set_cksum();
        builder.append_data(&mut header, path, *data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// The package.json npm would pack for `name@version`, with `extra` fields merged in.
pub fn package_json(name: &str, version: &str, extra: &Value) -> Value {
    let mut pj = json!({
        "name": name,
        "version": version,
        "description": "A test package",
        "main": "index.js",
        "license": "MIT",
        "dependencies": {"left-pad": "^1.3.0"},
    });
    if let (Value::Object(pj), Value::Object(extra)) = (&mut pj, extra) {
        pj.extend(extra.clone());
    }
    pj
}

/// A tarball of `package/package.json` (= `pj`) and `package/index.js`.
pub fn package_tgz(pj: &Value) -> Vec<u8> {
    tgz(&[
        ("package/package.json", pj.to_string().as_bytes()),
        ("package/index.js", b"module.exports = 42;\n"),
    ])
}

/// A publish body as libnpmpublish builds it for `manifest` and `tarball`.
pub fn publish_body(manifest: &Value, tarball: &[u8]) -> Value {
    let name = manifest["name"].as_str().unwrap();
    let version = manifest["version"].as_str().unwrap();
    let mut version_doc = manifest.clone();
    version_doc["_id"] = json!(format!("{name}@{version}"));
    version_doc["readme"] = json!("# test\n");
    version_doc["_nodeVersion"] = json!("22.12.0");
    version_doc["_npmVersion"] = json!("11.0.0");
    version_doc["dist"] = json!({
        "integrity": integrity_of(tarball),
        "shasum": hex::encode(Sha1::digest(tarball)),
        "tarball": format!("http://127.0.0.1:8080/npm/d/r/{name}/-/{name}-{version}.tgz"),
    });
    json!({
        "_id": name,
        "name": name,
        "description": manifest["description"],
        "dist-tags": {"latest": version},
        "versions": {version: version_doc},
        "access": null,
        "_attachments": {
            format!("{name}-{version}.tgz"): {
                "content_type": "application/octet-stream",
                "data": base64::engine::general_purpose::STANDARD.encode(tarball),
                "length": tarball.len(),
            }
        }
    })
}

/// `name@version` packed and wrapped: (tarball, body).
pub fn npm_publish(name: &str, version: &str) -> (Vec<u8>, Value) {
    let pj = package_json(name, version, &json!({}));
    let tarball = package_tgz(&pj);
    let body = publish_body(&pj, &tarball);
    (tarball, body)
}

/// Serialises a body.
pub fn bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap()
}
