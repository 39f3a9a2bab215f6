//! What an npm version says about itself: its readme (from the manifest or the tarball) and
//! its direct dependencies, as GetPackageVersionReadme and ListPackageVersionDependencies
//! report them.

use crate::error::{NpmError, Result};
use crate::tarball::TarballLimits;
use flate2::read::GzDecoder;
use serde_json::Value;
use std::io::Read;
use std::path::Component;

/// The largest readme read from a tarball (larger ones are cut to this many bytes).
pub const MAX_README_BYTES: u64 = 4 << 20;

/// One direct dependency: `(scope without @, name, dependencyType, range as written)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The scope without `@`, if scoped.
    pub namespace: Option<String>,
    /// The name without the scope.
    pub name: String,
    /// `regular`, `dev`, `peer` or `optional`.
    pub dependency_type: &'static str,
    /// The range as written (`^1.2.3`, `4.x`, a URL, an `npm:` alias).
    pub version_requirement: String,
}

/// The direct dependencies of a manifest, in the order `dependencies`, `devDependencies`,
/// `peerDependencies`, `optionalDependencies` (each sorted by name). A name in both
/// `dependencies` and `optionalDependencies` is reported once, as `optional` (npm installs it
/// as optional). `bundleDependencies` only names packages that one of these maps already
/// declares, so it adds none.
pub fn dependencies(manifest: &Value) -> Vec<Dependency> {
    let map = |key: &str| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = manifest
            .get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let optional = map("optionalDependencies");
    let mut out = Vec::new();
    for (key, ty) in [
        ("dependencies", "regular"),
        ("devDependencies", "dev"),
        ("peerDependencies", "peer"),
        ("optionalDependencies", "optional"),
    ] {
        for (name, range) in map(key) {
            if ty == "regular" && optional.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let (namespace, bare) = match name.strip_prefix('@').and_then(|s| s.split_once('/')) {
                Some((scope, bare)) => (Some(scope.to_owned()), bare.to_owned()),
                None => (None, name.clone()),
            };
            out.push(Dependency {
                namespace,
                name: bare,
                dependency_type: ty,
                version_requirement: range,
            });
        }
    }
    out
}

/// The manifest's `readme`, unless empty or npm's placeholder for a missing one.
pub fn manifest_readme(manifest: &Value) -> Option<String> {
    manifest
        .get("readme")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty() && *r != "ERROR: No README data found!")
        .map(str::to_owned)
}

/// The tarball's root `README` (any case, any extension; `README.md` preferred), as text
/// (invalid UTF-8 replaced), or `None` when there is none.
pub fn tarball_readme(tgz: &[u8], limits: &TarballLimits) -> Result<Option<String>> {
    let bad = |e: std::io::Error| NpmError::BadTarball(e.to_string());
    let reader = GzDecoder::new(tgz).take(limits.max_unpacked_bytes);
    let mut archive = tar::Archive::new(reader);
    let mut best: Option<(u8, String)> = None;
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let path = entry.path().map_err(bad)?.into_owned();
        let parts: Vec<Component> = path
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        let [Component::Normal(_), Component::Normal(file)] = parts.as_slice() else {
            continue;
        };
        let file = file.to_string_lossy().to_lowercase();
        if !entry.header().entry_type().is_file() || !file.starts_with("readme") {
            continue;
        }
        let rank = match file.as_str() {
            "readme.md" => 0,
            "readme" => 1,
            _ => 2,
        };
        if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_README_BYTES)
            .read_to_end(&mut bytes)
            .map_err(bad)?;
        best = Some((rank, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(best.map(|(_, text)| text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dependencies_in_the_model_shapes() {
        let m = json!({
            "dependencies": {"b": "^1.0.0", "@scope/a": "4.x", "opt": "1"},
            "devDependencies": {"jest": "29"},
            "peerDependencies": {"react": ">=18"},
            "optionalDependencies": {"opt": "1"},
            "bundleDependencies": ["b"]
        });
        let d = dependencies(&m);
        let flat: Vec<_> = d
            .iter()
            .map(|d| {
                (
                    d.namespace.as_deref(),
                    d.name.as_str(),
                    d.dependency_type,
                    d.version_requirement.as_str(),
                )
            })
            .collect();
        assert_eq!(
            flat,
            [
                (Some("scope"), "a", "regular", "4.x"),
                (None, "b", "regular", "^1.0.0"),
                (None, "jest", "dev", "29"),
                (None, "react", "peer", ">=18"),
                (None, "opt", "optional", "1"),
            ]
        );
        assert!(dependencies(&json!({})).is_empty());
    }

    #[test]
    fn placeholder_readmes_are_none() {
        assert_eq!(
            manifest_readme(&json!({"readme": "# Hi"})).as_deref(),
            Some("# Hi")
        );
        assert_eq!(
            manifest_readme(&json!({"readme": "ERROR: No README data found!"})),
            None
        );
        assert_eq!(manifest_readme(&json!({})), None);
    }

    fn tgz(files: &[(&str, &str)]) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, body) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, path, body.as_bytes()).unwrap();
        }
        let raw = tar.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &raw).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn tarball_readme_prefers_the_root_markdown() {
        let t = tgz(&[
            ("package/package.json", "{}"),
            ("package/lib/README.md", "nested"),
            ("package/Readme.txt", "text"),
            ("package/README.md", "# Root"),
        ]);
        let got = tarball_readme(&t, &TarballLimits::default()).unwrap();
        assert_eq!(got.as_deref(), Some("# Root"));
        let none = tgz(&[("package/package.json", "{}")]);
        assert_eq!(
            tarball_readme(&none, &TarballLimits::default()).unwrap(),
            None
        );
        assert!(tarball_readme(b"not gzip", &TarballLimits::default()).is_err());
    }
}
