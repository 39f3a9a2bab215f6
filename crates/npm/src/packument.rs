//! The packument served for `GET /npm/DOMAIN/REPO/{name}`, in full (`application/json`) or
//! abbreviated (`application/vnd.npm.install-v1+json`, what `npm install` asks for), and the
//! tarball URLs it points at.
//!
//! **Statuses.** Only `Published` versions are listed. `Unlisted` versions are left out of
//! `versions` and `time` (CodeArtifact hides them from the package manager's list) but stay
//! installable by their tarball URL: the server's tarball route should serve Published and
//! Unlisted, and refuse Archived, Disposed and Unfinished. Dist-tags that point at a version
//! not listed are dropped from the packument (npm then falls back to the highest version).
//!
//! **Tarball URLs** are `{base}{name}/-/{bare}-{version}.tgz`, with `base` =
//! `http://HOST/npm/DOMAIN/REPO/`, `name` = `@scope/name` or `name`, and `bare` the name
//! without its scope: `{base}@scope/name/-/name-1.0.0.tgz`. [`parse_tarball_path`] reverses it.

use crate::dist_tags::{LATEST, retain_visible};
use crate::error::{NpmError, Result};
use crate::name::{NpmName, percent_decode};
use crate::time::iso8601;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use wharf_core::names::{Namespace, PackageName, PackageVersion, PackageVersionStatus};

/// Content type of the full packument.
pub const FULL_CONTENT_TYPE: &str = "application/json";
/// Content type of the abbreviated packument (also the `Accept` value that asks for it).
pub const ABBREVIATED_CONTENT_TYPE: &str = "application/vnd.npm.install-v1+json";

/// The version fields the abbreviated packument keeps (besides `dist`, `hasInstallScript`).
pub const ABBREVIATED_FIELDS: &[&str] = &[
    "name",
    "version",
    "deprecated",
    "dependencies",
    "optionalDependencies",
    "devDependencies",
    "bundleDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "acceptDependencies",
    "bin",
    "directories",
    "engines",
    "cpu",
    "os",
    "libc",
    "funding",
    "license",
    "_hasShrinkwrap",
];

/// The package-level fields the full packument copies from the `latest` (else the last
/// listed) version.
const TOP_LEVEL_FIELDS: &[&str] = &[
    "description",
    "readme",
    "readmeFilename",
    "homepage",
    "repository",
    "bugs",
    "license",
    "keywords",
    "author",
    "maintainers",
];

/// One stored version, as the packument needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PackumentVersion {
    /// The version string.
    pub version: String,
    /// The stored manifest (as published, without `dist`; may carry `deprecated`).
    pub manifest: Value,
    /// The tarball's SHA-1, hex (`dist.shasum`).
    pub shasum: String,
    /// The tarball's `sha512-<base64>` (`dist.integrity`).
    pub integrity: String,
    /// When it was published, Unix seconds.
    pub published: u64,
    /// Its status: only `Published` is listed.
    pub status: PackageVersionStatus,
}

/// Everything a packument is built from.
#[derive(Debug, Clone, Copy)]
pub struct PackumentInput<'a> {
    /// The package.
    pub name: &'a NpmName,
    /// Its versions, in any order (after [`crate::dist_tags::merge_versions`] for upstreams).
    pub versions: &'a [PackumentVersion],
    /// Its dist-tags (after [`crate::dist_tags::merge_dist_tags`] for upstreams).
    pub dist_tags: &'a BTreeMap<String, String>,
    /// `http://HOST/npm/DOMAIN/REPO/` (a missing final `/` is added).
    pub tarball_base: &'a str,
    /// Last change to the package (a tag or a deprecation), Unix seconds; defaults to the
    /// newest publish.
    pub modified: Option<u64>,
}

/// Whether a version in this status appears in packuments.
pub fn is_listed(status: PackageVersionStatus) -> bool {
    status == PackageVersionStatus::Published
}

/// Whether a version in this status may be downloaded by its tarball URL (Published and
/// Unlisted).
pub fn is_installable(status: PackageVersionStatus) -> bool {
    matches!(
        status,
        PackageVersionStatus::Published | PackageVersionStatus::Unlisted
    )
}

/// The tarball's file name: `{bare}-{version}.tgz`.
pub fn tarball_filename(name: &NpmName, version: &str) -> String {
    format!("{}-{version}.tgz", name.name)
}

/// The tarball URL of a version: `{base}{name}/-/{bare}-{version}.tgz`.
pub fn tarball_url(base: &str, name: &NpmName, version: &str) -> String {
    let slash = if base.ends_with('/') { "" } else { "/" };
    format!(
        "{base}{slash}{}/-/{}",
        name.display(),
        tarball_filename(name, version)
    )
}

/// A tarball request, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarballRef {
    /// The package name.
    pub name: NpmName,
    /// Wharf's namespace (scope without `@`).
    pub namespace: Option<Namespace>,
    /// Wharf's package name (without scope).
    pub package: PackageName,
    /// The version.
    pub version: PackageVersion,
}

/// Decodes a tarball path relative to the repository base: `name/-/name-1.0.0.tgz`,
/// `@scope/name/-/name-1.0.0.tgz` or `@scope%2fname/-/name-1.0.0.tgz` (the file name may also
/// carry the scope, `@scope/name-1.0.0.tgz`, as old clients wrote it). 404 otherwise.
pub fn parse_tarball_path(path: &str) -> Result<TarballRef> {
    let not_found = || NpmError::NotFound(format!("no tarball at {path}"));
    let decoded = percent_decode(path.trim_start_matches('/')).map_err(|_| not_found())?;
    let (pkg, file) = decoded.split_once("/-/").ok_or_else(not_found)?;
    let name = NpmName::parse(pkg).map_err(|_| not_found())?;
    let stem = file.strip_suffix(".tgz").ok_or_else(not_found)?;
    let version = stem
        .strip_prefix(&format!("{}-", name.display()))
        .or_else(|| stem.strip_prefix(&format!("{}-", name.name)))
        .ok_or_else(not_found)?;
    let version = PackageVersion::parse(version).map_err(|_| not_found())?;
    Ok(TarballRef {
        namespace: name.namespace(),
        package: name.package_name(),
        name,
        version,
    })
}

/// Whether an `Accept` header asks for the abbreviated packument (it lists
/// `application/vnd.npm.install-v1+json` with a non-zero quality).
pub fn wants_abbreviated(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|range| {
            let mut parts = range.split(';').map(str::trim);
            parts
                .next()
                .is_some_and(|t| t.eq_ignore_ascii_case(ABBREVIATED_CONTENT_TYPE))
                && parts.all(|p| {
                    p.strip_prefix("q=")
                        .is_none_or(|q| q.trim().parse::<f32>().map_or(true, |q| q > 0.0))
                })
        })
    })
}

fn listed<'a>(input: &PackumentInput<'a>) -> Vec<&'a PackumentVersion> {
    input
        .versions
        .iter()
        .filter(|v| is_listed(v.status))
        .collect()
}

fn dist(input: &PackumentInput, v: &PackumentVersion) -> Value {
    json!({
        "tarball": tarball_url(input.tarball_base, input.name, &v.version),
        "shasum": v.shasum,
        "integrity": v.integrity,
    })
}

/// The version entry of the full packument: the manifest with `name`, `version`, `_id` and
/// `dist` set by the registry, without `readme` (it is served at the top level), and without
/// an empty `deprecated`.
fn full_version(input: &PackumentInput, v: &PackumentVersion) -> Value {
    let mut m = match &v.manifest {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    let display = input.name.display();
    m.remove("readme");
    m.remove("readmeFilename");
    if m.get("deprecated").is_some_and(|d| d == "" || d == false) {
        m.remove("deprecated");
    }
    m.insert("_id".into(), json!(format!("{display}@{}", v.version)));
    m.insert("name".into(), json!(display));
    m.insert("version".into(), json!(v.version));
    m.insert("dist".into(), dist(input, v));
    Value::Object(m)
}

/// `hasInstallScript`: as stored, else whether `scripts` has `preinstall`, `install` or
/// `postinstall`.
fn has_install_script(manifest: &Value) -> bool {
    if let Some(b) = manifest.get("hasInstallScript").and_then(Value::as_bool) {
        return b;
    }
    manifest.get("scripts").is_some_and(|s| {
        ["preinstall", "install", "postinstall"]
            .iter()
            .any(|k| s.get(k).is_some())
    })
}

fn abbreviated_version(input: &PackumentInput, v: &PackumentVersion) -> Value {
    let full = full_version(input, v);
    let mut m = Map::new();
    for key in ABBREVIATED_FIELDS {
        let value = match full.get(*key) {
            None if *key == "bundleDependencies" => full.get("bundledDependencies"),
            x => x,
        };
        if let Some(value) = value {
            m.insert((*key).to_owned(), value.clone());
        }
    }
    m.insert("dist".into(), dist(input, v));
    if has_install_script(&v.manifest) {
        m.insert("hasInstallScript".into(), json!(true));
    }
    Value::Object(m)
}

fn modified(input: &PackumentInput, listed: &[&PackumentVersion]) -> Option<u64> {
    input
        .modified
        .or_else(|| listed.iter().map(|v| v.published).max())
}

/// The full packument: `_id`, `name`, `dist-tags`, `versions`, `time` (`created`, `modified`
/// and one entry per listed version) and the package-level fields of the `latest` version.
pub fn full_packument(input: &PackumentInput) -> Value {
    let listed = listed(input);
    let tags = retain_visible(input.dist_tags, listed.iter().map(|v| v.version.as_str()));
    let display = input.name.display();
    let mut versions = Map::new();
    let mut time = Map::new();
    if let Some(created) = listed.iter().map(|v| v.published).min() {
        time.insert("created".into(), json!(iso8601(created)));
    }
    if let Some(m) = modified(input, &listed) {
        time.insert("modified".into(), json!(iso8601(m)));
    }
    for v in &listed {
        versions.insert(v.version.clone(), full_version(input, v));
        time.insert(v.version.clone(), json!(iso8601(v.published)));
    }
    let mut doc = Map::new();
    doc.insert("_id".into(), json!(display));
    doc.insert("name".into(), json!(display));
    let head = tags
        .get(LATEST)
        .and_then(|l| listed.iter().find(|v| &v.version == l))
        .or(listed.last());
    if let Some(head) = head {
        for key in TOP_LEVEL_FIELDS {
            if let Some(value) = head.manifest.get(*key) {
                doc.insert((*key).to_owned(), value.clone());
            }
        }
    }
    doc.insert("dist-tags".into(), json!(tags));
    doc.insert("versions".into(), Value::Object(versions));
    doc.insert("time".into(), Value::Object(time));
    Value::Object(doc)
}

/// The abbreviated packument (`application/vnd.npm.install-v1+json`): `name`, `modified`,
/// `dist-tags` and, per listed version, only the fields installing needs
/// ([`ABBREVIATED_FIELDS`], `dist`, `hasInstallScript`).
pub fn abbreviated_packument(input: &PackumentInput) -> Value {
    let listed = listed(input);
    let tags = retain_visible(input.dist_tags, listed.iter().map(|v| v.version.as_str()));
    let versions: Map<String, Value> = listed
        .iter()
        .map(|v| (v.version.clone(), abbreviated_version(input, v)))
        .collect();
    let mut doc = Map::new();
    doc.insert("name".into(), json!(input.name.display()));
    if let Some(m) = modified(input, &listed) {
        doc.insert("modified".into(), json!(iso8601(m)));
    }
    doc.insert("dist-tags".into(), json!(tags));
    doc.insert("versions".into(), Value::Object(versions));
    Value::Object(doc)
}

/// The packument for a request's `Accept` header, with its content type.
pub fn packument_for_accept(input: &PackumentInput, accept: Option<&str>) -> (&'static str, Value) {
    if wants_abbreviated(accept) {
        (ABBREVIATED_CONTENT_TYPE, abbreviated_packument(input))
    } else {
        (FULL_CONTENT_TYPE, full_packument(input))
    }
}
