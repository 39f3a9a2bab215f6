//! `npm publish`: `PUT /npm/DOMAIN/REPO/{name}` with a JSON body as libnpmpublish builds it:
//!
//! ```json
//! {"_id": "@s/p", "name": "@s/p", "description": "…", "dist-tags": {"latest": "1.0.0"},
//!  "versions": {"1.0.0": {"name": "@s/p", "version": "1.0.0", "_id": "@s/p@1.0.0", …,
//!                         "dist": {"integrity": "sha512-…", "shasum": "…", "tarball": "…"}}},
//!  "access": null,
//!  "_attachments": {"@s/p-1.0.0.tgz": {"content_type": "application/octet-stream",
//!                                      "data": "<base64>", "length": 1234}}}
//! ```
//!
//! [`parse_publish`] checks it all and returns a [`Publish`]. The same route also carries
//! `npm deprecate` (a full packument without `_attachments`): tell them apart with [`put_kind`].

use crate::dist_tags::{LATEST, validate_tag};
use crate::error::{NpmError, Result};
use crate::manifest::check_manifest_matches;
use crate::metadata::{self, Digests};
use crate::name::{NpmName, validate_version};
use crate::tarball::{TarballLimits, read_package_json};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};
use sha2::{Digest, Sha512};
use std::collections::BTreeMap;
use wharf_core::api::AssetSummary;
use wharf_core::names::{Namespace, PackageName, PackageVersion, Revision};
use wharf_core::revision::{VersionContent, VersionMetadata};

/// The most a tarball may inflate to, whatever the body limit: the ceiling of
/// [`PublishLimits::for_body_limit`].
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;

/// Size limits of a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishLimits {
    /// The largest request body accepted (CodeArtifact: just under 2 GB).
    pub max_body_bytes: u64,
    /// Limits on the tarball's decompressed content.
    pub tarball: TarballLimits,
}

impl Default for PublishLimits {
    /// 512 MiB of body and [`TarballLimits::default`].
    fn default() -> Self {
        PublishLimits {
            max_body_bytes: 512 << 20,
            tarball: TarballLimits::default(),
        }
    }
}

impl PublishLimits {
    /// The limits of a service that accepts bodies up to `max_body_bytes`: the body limit is
    /// that, at most 512 MiB (the default's), and a tarball may inflate to four times the body
    /// limit, at most [`MAX_UNPACKED_BYTES`] (1 GiB), so the work a small body can cause scales
    /// with what the service accepts.
    pub fn for_body_limit(max_body_bytes: u64) -> Self {
        let defaults = PublishLimits::default();
        let body = max_body_bytes.min(defaults.max_body_bytes);
        PublishLimits {
            max_body_bytes: body,
            tarball: TarballLimits {
                max_unpacked_bytes: body.saturating_mul(4).min(MAX_UNPACKED_BYTES),
                ..defaults.tarball
            },
        }
    }
}

/// A checked publish, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// The package name.
    pub name: NpmName,
    /// Wharf's namespace: the scope without `@`.
    pub namespace: Option<Namespace>,
    /// Wharf's package name: the name without its scope.
    pub package: PackageName,
    /// The version.
    pub version: PackageVersion,
    /// The version's manifest as sent, without `dist` (the registry writes its own).
    pub manifest: Value,
    /// The tarball (`package.tgz`).
    pub tarball: Vec<u8>,
    /// The tarball's size and hashes.
    pub digests: Digests,
    /// The dist-tags to point at this version (`{"latest": v}` unless `--tag` was given).
    pub dist_tags: BTreeMap<String, String>,
}

impl Publish {
    /// The version metadata to store ([`metadata::version_metadata`]).
    pub fn version_metadata(&self) -> VersionMetadata {
        metadata::version_metadata(&self.manifest)
    }

    /// The `package.tgz` asset summary.
    pub fn asset_summary(&self) -> AssetSummary {
        self.digests.asset_summary()
    }

    /// What the revision covers.
    pub fn version_content(&self) -> VersionContent {
        metadata::version_content(&self.manifest, &self.digests)
    }

    /// The version's revision.
    pub fn revision(&self) -> Revision {
        metadata::revision(&self.manifest, &self.digests)
    }
}

/// What a `PUT /{name}` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutKind {
    /// A body with `_attachments`: `npm publish` ([`parse_publish`]).
    Publish,
    /// A packument without attachments: `npm deprecate` ([`crate::deprecate::parse_deprecate`]).
    MetadataUpdate,
}

#[derive(Deserialize)]
struct KindProbe {
    #[serde(rename = "_attachments", default)]
    attachments: Option<BTreeMap<String, IgnoredAny>>,
}

/// Tells a publish from a metadata update (deprecation) on `PUT /{name}`.
pub fn put_kind(body: &[u8]) -> Result<PutKind> {
    let probe: KindProbe =
        serde_json::from_slice(body).map_err(|e| NpmError::BadJson(e.to_string()))?;
    Ok(match probe.attachments {
        Some(a) if !a.is_empty() => PutKind::Publish,
        _ => PutKind::MetadataUpdate,
    })
}

#[derive(Deserialize)]
struct PublishBody {
    #[serde(rename = "_id")]
    id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    versions: Map<String, Value>,
    #[serde(rename = "dist-tags", default)]
    dist_tags: BTreeMap<String, Value>,
    #[serde(rename = "_attachments", default)]
    attachments: BTreeMap<String, Attachment>,
}

#[derive(Deserialize)]
struct Attachment {
    data: Option<String>,
    length: Option<u64>,
}

fn check_name(url: &NpmName, field: &Option<String>, required: bool) -> Result<()> {
    match field {
        Some(n) if *n != url.display() => Err(NpmError::NameMismatch {
            url: url.display(),
            body: n.clone(),
        }),
        None if required => Err(NpmError::MissingField("name")),
        _ => Ok(()),
    }
}

/// Checks `dist.integrity` (every `sha512`, `sha256` or `sha1` entry of the SRI string; other
/// algorithms are ignored) against the tarball.
fn check_integrity(declared: &str, digests: &Digests) -> Result<()> {
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    for entry in declared.split_whitespace() {
        let Some((alg, rest)) = entry.split_once('-') else {
            continue;
        };
        let b64 = rest.split('?').next().unwrap_or(rest);
        let actual = match alg {
            "sha512" => &digests.sha512,
            "sha256" => &digests.sha256,
            "sha1" => &digests.sha1,
            _ => continue,
        };
        let actual = hex::decode(actual).expect("a digest computed here is valid hex");
        if lenient.decode(b64).ok().as_deref() != Some(actual.as_slice()) {
            return Err(NpmError::IntegrityMismatch {
                declared: declared.to_owned(),
                actual: digests.integrity(),
            });
        }
    }
    Ok(())
}

/// Parses and checks an `npm publish` body sent to the package `url_name`.
///
/// Checks, in order: body size (413); JSON shape (400); `name`/`_id` equal the URL's name;
/// npm's rules for new names; exactly one version, whose key, `version` and `name` agree and
/// whose version is valid semver; exactly one attachment, valid base64, `length` equal to the
/// decoded size; `dist.integrity` and `dist.shasum` (when present) equal the tarball's; the
/// tarball's `package/package.json` has the same name and version and agrees with the manifest
/// on every install-relevant field ([`check_manifest_matches`]); each dist-tag is valid and
/// points at the published version. With no dist-tags, `latest` is set.
///
/// Whether the version already exists (and with what content) is for the server to decide.
pub fn parse_publish(url_name: &NpmName, body: &[u8], limits: &PublishLimits) -> Result<Publish> {
    if body.len() as u64 > limits.max_body_bytes {
        return Err(NpmError::TooLarge {
            what: "request body",
            size: body.len() as u64,
            limit: limits.max_body_bytes,
        });
    }
    let body: PublishBody =
        serde_json::from_slice(body).map_err(|e| NpmError::BadJson(e.to_string()))?;
    check_name(url_name, &body.name, true)?;
    check_name(url_name, &body.id, false)?;
    url_name.validate_for_publish()?;
    let display = url_name.display();

    if body.versions.len() != 1 {
        return Err(NpmError::VersionCount(body.versions.len()));
    }
    let (key, mut manifest) = body.versions.into_iter().next().expect("one version");
    let Value::Object(fields) = &manifest else {
        return Err(NpmError::BadJson(format!(
            "versions[{key}] must be an object"
        )));
    };
    check_name(
        url_name,
        &fields
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned),
        true,
    )?;
    match fields.get("version").and_then(Value::as_str) {
        Some(v) if v == key => {}
        Some(v) => {
            return Err(NpmError::BadJson(format!(
                "versions key {key} does not match its version {v}"
            )));
        }
        None => return Err(NpmError::MissingField("versions[].version")),
    }
    validate_version(&key)?;

    if body.attachments.len() != 1 {
        return Err(NpmError::AttachmentCount(body.attachments.len()));
    }
    let attachment = body
        .attachments
        .into_values()
        .next()
        .expect("one attachment");
    let data = attachment
        .data
        .ok_or(NpmError::MissingField("_attachments[].data"))?;
    let tarball = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| NpmError::BadBase64)?;
    drop(data);
    let actual_len = tarball.len() as u64;
    if let Some(declared) = attachment.length.filter(|l| *l != actual_len) {
        return Err(NpmError::LengthMismatch {
            declared,
            actual: actual_len,
        });
    }
    let digests = Digests::of(&tarball);

    let dist = fields.get("dist");
    if let Some(integrity) = dist
        .and_then(|d| d.get("integrity"))
        .and_then(Value::as_str)
    {
        check_integrity(integrity, &digests)?;
    }
    if let Some(shasum) = dist.and_then(|d| d.get("shasum")).and_then(Value::as_str)
        && !shasum.eq_ignore_ascii_case(&digests.sha1)
    {
        return Err(NpmError::ShasumMismatch {
            declared: shasum.to_owned(),
            actual: digests.sha1.clone(),
        });
    }

    let inner = read_package_json(&tarball, &limits.tarball)?;
    let inner_name = inner.get("name").and_then(Value::as_str).unwrap_or("");
    let inner_version = inner.get("version").and_then(Value::as_str).unwrap_or("");
    if inner_name != display || inner_version != key {
        return Err(NpmError::TarballMismatch {
            manifest: format!("{display}@{key}"),
            tarball: format!("{inner_name}@{inner_version}"),
        });
    }
    check_manifest_matches(&manifest, &inner, &url_name.name)?;

    let mut dist_tags = BTreeMap::new();
    for (tag, target) in body.dist_tags {
        validate_tag(&tag)?;
        match target.as_str() {
            Some(v) if v == key => {
                dist_tags.insert(tag, key.clone());
            }
            _ => {
                return Err(NpmError::TagTargetMissing {
                    tag,
                    version: target
                        .as_str()
                        .map_or_else(|| target.to_string(), str::to_owned),
                });
            }
        }
    }
    if dist_tags.is_empty() {
        dist_tags.insert(LATEST.to_owned(), key.clone());
    }

    if let Value::Object(fields) = &mut manifest {
        fields.remove("dist");
    }
    Ok(Publish {
        namespace: url_name.namespace(),
        package: url_name.package_name(),
        version: PackageVersion::parse(&key).map_err(|_| NpmError::InvalidVersion(key))?,
        name: url_name.clone(),
        manifest,
        tarball,
        digests,
        dist_tags,
    })
}

/// The integrity string of a tarball (`sha512-<base64>`), for tests and clients.
pub fn integrity_of(tarball: &[u8]) -> String {
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(tarball))
    )
}
