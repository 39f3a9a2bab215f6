//! What Wharf stores about an npm version: its version metadata (for the CodeArtifact APIs and
//! the revision), the `package.tgz` asset summary with all four hashes, and the revision itself.
//!
//! The revision covers the tarball (size and SHA-256) and [`version_metadata`]: description,
//! homepage, repository URL, licenses, and the install-relevant fields listed in
//! [`REVISION_ATTRIBUTES`], each serialised as canonical JSON (keys sorted, no whitespace).
//! Mutable registry state (`deprecated`, dist-tags, publish time) is not part of it, so
//! deprecating a version keeps its revision.

use base64::Engine;
use md5::Md5;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::collections::BTreeMap;
use wharf_core::api::AssetSummary;
use wharf_core::names::Revision;
use wharf_core::revision::{License, SHA256, VersionContent, VersionMetadata, compute_revision};

/// The single asset of an npm version, as CodeArtifact names it.
pub const ASSET_NAME: &str = "package.tgz";
/// `AssetSummary.hashes` key of the MD5 hash.
pub const MD5: &str = "MD5";
/// `AssetSummary.hashes` key of the SHA-1 hash.
pub const SHA1: &str = "SHA-1";
/// `AssetSummary.hashes` key of the SHA-512 hash.
pub const SHA512: &str = "SHA-512";

/// The manifest fields that go into `VersionMetadata.attributes` (and so into the revision),
/// under the same names. `bundledDependencies` is stored as `bundleDependencies`.
pub const REVISION_ATTRIBUTES: &[&str] = &[
    "bin",
    "bundleDependencies",
    "cpu",
    "dependencies",
    "engines",
    "optionalDependencies",
    "os",
    "peerDependencies",
    "peerDependenciesMeta",
];

/// The size and hashes of a tarball, hex-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    /// Size in bytes.
    pub size: u64,
    /// MD5, lowercase hex.
    pub md5: String,
    /// SHA-1, lowercase hex (npm's `dist.shasum`).
    pub sha1: String,
    /// SHA-256, lowercase hex (the revision's asset hash).
    pub sha256: String,
    /// SHA-512, lowercase hex (npm's `dist.integrity`, in base64).
    pub sha512: String,
}

impl Digests {
    /// Hashes `bytes` with all four algorithms, in one pass (a megabyte at a time through
    /// every hash).
    pub fn of(bytes: &[u8]) -> Self {
        let (mut md5, mut sha1) = (Md5::new(), Sha1::new());
        let (mut sha256, mut sha512) = (Sha256::new(), Sha512::new());
        for chunk in bytes.chunks(1 << 20) {
            md5.update(chunk);
            sha1.update(chunk);
            sha256.update(chunk);
            sha512.update(chunk);
        }
        Digests {
            size: bytes.len() as u64,
            md5: hex::encode(md5.finalize()),
            sha1: hex::encode(sha1.finalize()),
            sha256: hex::encode(sha256.finalize()),
            sha512: hex::encode(sha512.finalize()),
        }
    }

    /// npm's Subresource Integrity string, `sha512-<base64>`.
    pub fn integrity(&self) -> String {
        integrity_from_sha512_hex(&self.sha512).expect("a SHA-512 computed here is valid hex")
    }

    /// The `package.tgz` asset summary with `MD5`, `SHA-1`, `SHA-256` and `SHA-512`.
    pub fn asset_summary(&self) -> AssetSummary {
        let hashes = BTreeMap::from([
            (MD5.to_owned(), self.md5.clone()),
            (SHA1.to_owned(), self.sha1.clone()),
            (SHA256.to_owned(), self.sha256.clone()),
            (SHA512.to_owned(), self.sha512.clone()),
        ]);
        AssetSummary {
            name: ASSET_NAME.to_owned(),
            size: Some(self.size),
            hashes,
        }
    }
}

/// `sha512-<base64>` from a stored hex SHA-512 (`None` if it is not 128 hex digits).
pub fn integrity_from_sha512_hex(sha512_hex: &str) -> Option<String> {
    let bytes = hex::decode(sha512_hex).ok().filter(|b| b.len() == 64)?;
    Some(format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Serialises a JSON value canonically: object keys sorted by byte order, no whitespace.
/// Independent of serde_json's `preserve_order` feature.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn non_empty_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn license_of(v: &Value) -> Option<License> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(License {
            name: Some(s.trim().to_owned()),
            url: None,
        }),
        Value::Object(o) => {
            let l = License {
                name: non_empty_str(o.get("type")).or_else(|| non_empty_str(o.get("name"))),
                url: non_empty_str(o.get("url")),
            };
            (l.name.is_some() || l.url.is_some()).then_some(l)
        }
        _ => None,
    }
}

/// The licenses a manifest declares: `license` as an SPDX string or a legacy `{type, url}`
/// object, else the legacy `licenses` array (of strings or objects), in declared order.
pub fn licenses(manifest: &Value) -> Vec<License> {
    if let Some(l) = manifest.get("license").and_then(license_of) {
        return vec![l];
    }
    match manifest.get("licenses") {
        Some(Value::Array(items)) => items.iter().filter_map(license_of).collect(),
        Some(other) => license_of(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The repository URL: `repository` as a string, or its `url` member.
pub fn repository_url(manifest: &Value) -> Option<String> {
    match manifest.get("repository")? {
        Value::String(s) => non_empty_str(Some(&Value::String(s.clone()))),
        Value::Object(o) => non_empty_str(o.get("url")),
        _ => None,
    }
}

/// The version metadata Wharf stores and the revision covers: `summary` = `description`,
/// `homePage` = `homepage`, `sourceCodeRepository` = [`repository_url`], `licenses` =
/// [`licenses`], `attributes` = the [`REVISION_ATTRIBUTES`] present, as canonical JSON.
pub fn version_metadata(manifest: &Value) -> VersionMetadata {
    let mut attributes = BTreeMap::new();
    for key in REVISION_ATTRIBUTES {
        let value = match manifest.get(*key) {
            None if *key == "bundleDependencies" => manifest.get("bundledDependencies"),
            v => v,
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            attributes.insert((*key).to_owned(), canonical_json(v));
        }
    }
    VersionMetadata {
        summary: non_empty_str(manifest.get("description")),
        home_page: non_empty_str(manifest.get("homepage")),
        source_code_repository: repository_url(manifest),
        licenses: licenses(manifest),
        attributes,
    }
}

/// What the revision of an npm version is computed from.
pub fn version_content(manifest: &Value, digests: &Digests) -> VersionContent {
    VersionContent {
        assets: vec![digests.asset_summary()],
        metadata: version_metadata(manifest),
    }
}

/// The revision of an npm version: core's `compute_revision` over [`version_content`].
pub fn revision(manifest: &Value, digests: &Digests) -> Revision {
    compute_revision(&version_content(manifest, digests))
}
