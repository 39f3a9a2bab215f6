//! npm lockfiles: every registry package a `package-lock.json` (lockfileVersion 2 or 3) pins.
//!
//! The `packages` map is read (its keys are install paths: `node_modules/a`,
//! `node_modules/a/node_modules/@s/b`); the root (`""`) and workspace folders are skipped, and
//! so are entries bundled inside another package (`inBundle`), which are not in any registry.
//! Entries that do not come from a registry (`link: true`, `resolved` with `file:`, `git+…`,
//! `github:` or a tarball URL that is not a registry's) are refused, each by name, all at once.
//! Versions are de-duplicated per package; `@scope/name` becomes namespace `scope`, package
//! `name`.

use super::request::MAX_LOCKFILE_BYTES;
use crate::api::PackageSelection;
use crate::error::{FieldError, ValidationErrors};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The request member a lockfile travels in, which its errors name.
pub const FIELD: &str = "lockfile";

#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<WholeNumber>,
    #[serde(default)]
    packages: Option<BTreeMap<String, Entry>>,
}

/// A JSON value read only for the whole number it may be (`Value::as_u64`'s reading: a
/// non-negative integer), without building a `serde_json::Value`: the browser's lockfile
/// parser then carries no `Value` machinery.
struct WholeNumber(Option<u64>);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = WholeNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_u64<E>(self, n: u64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(Some(n)))
            }
            fn visit_i64<E>(self, _: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<WholeNumber, E> {
                Ok(WholeNumber(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<WholeNumber, E> {
                Ok(WholeNumber(None))
            }
            fn visit_unit<E>(self) -> Result<WholeNumber, E> {
                Ok(WholeNumber(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WholeNumber, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(WholeNumber(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WholeNumber, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(WholeNumber(None))
            }
        }
        deserializer.deserialize_any(Any)
    }
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    link: bool,
    #[serde(default, rename = "inBundle")]
    in_bundle: bool,
}

fn refuse(message: String) -> FieldError {
    FieldError::rule(FIELD, message)
}

/// The package name an install path stands for: what follows its last `node_modules/`.
fn name_from_path(path: &str) -> Option<&str> {
    path.rsplit_once("node_modules/").map(|(_, name)| name)
}

/// Splits `@scope/name` into (`scope`, `name`); an unscoped name has no namespace.
pub fn split_npm_name(name: &str) -> Option<(Option<&str>, &str)> {
    match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, bare) = scoped.split_once('/')?;
            (!scope.is_empty() && !bare.is_empty() && !bare.contains('/'))
                .then_some((Some(scope), bare))
        }
        None => (!name.is_empty() && !name.contains('/')).then_some((None, name)),
    }
}

/// Why `resolved` is not a registry tarball for `name@version`, if it is not.
fn non_registry(resolved: &str, name: &str, version: &str) -> Option<String> {
    const SCHEMES: [&str; 9] = [
        "file:",
        "link:",
        "git+",
        "git:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
        "ssh:",
    ];
    if let Some(scheme) = SCHEMES.iter().find(|s| resolved.starts_with(*s)) {
        return Some(format!(
            "it resolves to a {} source ({resolved})",
            scheme.trim_end_matches([':', '+'])
        ));
    }
    let Some(rest) = resolved
        .strip_prefix("https://")
        .or_else(|| resolved.strip_prefix("http://"))
    else {
        return Some(format!(
            "it resolves to {resolved}, which is not a registry URL"
        ));
    };
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let bare = name.rsplit('/').next().unwrap_or(name);
    let tarball = format!("/{name}/-/{bare}-{version}.tgz");
    // Some registries escape the scope's slash (`@scope%2fname`).
    let escaped = tarball.replacen(&format!("/{bare}/-/"), &format!("%2f{bare}/-/"), 1);
    if path.ends_with(&tarball) || (name.starts_with('@') && path.ends_with(&escaped)) {
        None
    } else {
        Some(format!(
            "it resolves to {resolved}, which is not a registry tarball of {name}@{version}"
        ))
    }
}

/// Every registry package the lockfile pins, grouped by package (sorted by namespace and
/// name, versions sorted), or every problem found, each naming its entry.
pub fn parse(text: &str) -> Result<Vec<PackageSelection>, ValidationErrors> {
    if text.len() > MAX_LOCKFILE_BYTES {
        return Err(ValidationErrors::single(refuse(format!(
            "The lockfile is {} bytes; at most {MAX_LOCKFILE_BYTES} bytes (20 MB) are accepted",
            text.len()
        ))));
    }
    let lock: Lockfile = serde_json::from_str(text).map_err(|e| {
        ValidationErrors::single(refuse(format!(
            "The lockfile is not a valid package-lock.json: {e}"
        )))
    })?;
    let version = lock.lockfile_version.and_then(|v| v.0);
    match version {
        Some(2 | 3) => {}
        Some(1) | None => {
            return Err(ValidationErrors::single(refuse(
                "lockfileVersion 1 is not supported: regenerate the lockfile with npm 7 or \
                 later (lockfileVersion 2 or 3)"
                    .into(),
            )));
        }
        Some(other) => {
            return Err(ValidationErrors::single(refuse(format!(
                "lockfileVersion {other} is not supported (2 or 3 are)"
            ))));
        }
    }
    let Some(packages) = lock.packages else {
        return Err(ValidationErrors::single(refuse(
            "The lockfile has no \"packages\" map".into(),
        )));
    };
    let mut errors = Vec::new();
    let mut pinned: BTreeMap<(Option<String>, String), BTreeSet<String>> = BTreeMap::new();
    for (path, entry) in &packages {
        let Some(from_path) = name_from_path(path) else {
            continue; // the root ("") or a workspace folder
        };
        if entry.in_bundle {
            continue;
        }
        let name = entry.name.as_deref().unwrap_or(from_path);
        if entry.link {
            let target = entry.resolved.as_deref().unwrap_or("a local folder");
            errors.push(refuse(format!(
                "Lockfile entry '{path}' is not a registry package: it is a link to {target}"
            )));
            continue;
        }
        let Some(version) = entry.version.as_deref() else {
            errors.push(refuse(format!(
                "Lockfile entry '{path}' is not a registry package: it has no version"
            )));
            continue;
        };
        if let Some(why) = entry
            .resolved
            .as_deref()
            .and_then(|r| non_registry(r, name, version))
        {
            errors.push(refuse(format!(
                "Lockfile entry '{path}' is not a registry package: {why}"
            )));
            continue;
        }
        let Some((scope, bare)) = split_npm_name(name) else {
            errors.push(refuse(format!(
                "Lockfile entry '{path}' has an invalid package name '{name}'"
            )));
            continue;
        };
        pinned
            .entry((scope.map(str::to_owned), bare.to_owned()))
            .or_default()
            .insert(version.to_owned());
    }
    if !errors.is_empty() {
        return Err(ValidationErrors { errors });
    }
    Ok(pinned
        .into_iter()
        .map(|((namespace, package), versions)| PackageSelection {
            format: Some("npm".into()),
            namespace,
            package: Some(package),
            versions: Some(versions.into_iter().collect()),
            version_revisions: None,
        })
        .collect())
}
