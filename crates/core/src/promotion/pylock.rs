//! Python lock files as promotion inputs: `uv.lock` (uv's own format) and `pylock.toml`
//! (PEP 751). Every package locked from an index is pinned, with the SHA-256 digests its
//! sdist and wheels list; packages from elsewhere (the project itself, editable installs,
//! directories, archives by URL, VCS checkouts) are not in any index and are left out.

use super::requirements::{FIELD, Pin};
use crate::error::{FieldError, ValidationErrors};
use crate::names::PackageFormat;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A lock file, told apart from a requirements file by its content.
#[derive(Debug)]
pub enum PythonLock {
    /// `uv.lock`.
    Uv(UvLock),
    /// `pylock.toml`.
    Pylock(Pylock),
}

/// The parts of `uv.lock` a promotion reads.
#[derive(Debug, Deserialize)]
pub struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Debug, Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    sdist: Option<UvFile>,
    #[serde(default)]
    wheels: Vec<UvFile>,
}

#[derive(Debug, Deserialize)]
struct UvFile {
    url: Option<String>,
    path: Option<String>,
    hash: Option<String>,
}

/// The parts of `pylock.toml` (PEP 751) a promotion reads.
#[derive(Debug, Deserialize)]
pub struct Pylock {
    #[serde(rename = "lock-version")]
    lock_version: String,
    #[serde(default)]
    packages: Vec<PylockPackage>,
}

#[derive(Debug, Deserialize)]
struct PylockPackage {
    name: String,
    version: Option<String>,
    vcs: Option<toml::Table>,
    directory: Option<toml::Table>,
    archive: Option<toml::Table>,
    sdist: Option<PylockFile>,
    #[serde(default)]
    wheels: Vec<PylockFile>,
}

#[derive(Debug, Deserialize)]
struct PylockFile {
    name: Option<String>,
    url: Option<String>,
    path: Option<String>,
    #[serde(default)]
    hashes: toml::Table,
}

fn refuse(message: String) -> ValidationErrors {
    ValidationErrors::single(FieldError::rule(FIELD, message))
}

/// The lock file `text` is, if it is one: a TOML document with a top-level `lock-version`
/// (`pylock.toml`), or with `version` and `[[package]]` (`uv.lock`). `None`: not TOML, or
/// neither (a requirements file). A lock file that does not have the shape its format needs
/// is still detected, and [`pins`] refuses it.
pub fn detect(text: &str) -> Option<Result<PythonLock, String>> {
    let table: toml::Table = toml::from_str(text).ok()?;
    if table.contains_key("lock-version") {
        return Some(
            toml::from_str::<Pylock>(text)
                .map(PythonLock::Pylock)
                .map_err(|e| format!("The pylock.toml is not valid: {}", e.message())),
        );
    }
    if table.contains_key("version") && table.contains_key("package") {
        return Some(
            toml::from_str::<UvLock>(text)
                .map(PythonLock::Uv)
                .map_err(|e| format!("The uv.lock is not valid: {}", e.message())),
        );
    }
    None
}

fn sha256_of_uv(hash: Option<&str>) -> Option<String> {
    hash?.strip_prefix("sha256:").map(str::to_ascii_lowercase)
}

/// A file's name: the last segment of its URL or path.
fn basename(location: Option<&str>) -> Option<String> {
    let l = location?.split(['#', '?']).next()?;
    let name = l.rsplit(['/', '\\']).next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// Every index package a lock file pins, or why it cannot be read (every problem at once).
pub fn pins(lock: &Result<PythonLock, String>) -> Result<Vec<Pin>, ValidationErrors> {
    let lock = lock.as_ref().map_err(|e| refuse(e.clone()))?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    match lock {
        PythonLock::Uv(uv) => {
            for p in &uv.package {
                if !p.source.contains_key("registry") {
                    continue;
                }
                let Some(version) = &p.version else {
                    errors.push(FieldError::rule(
                        FIELD,
                        format!(
                            "package {}: it comes from an index but has no version",
                            p.name
                        ),
                    ));
                    continue;
                };
                let files: Vec<(Option<String>, String)> = p
                    .sdist
                    .iter()
                    .chain(&p.wheels)
                    .filter_map(|f| {
                        let sha = sha256_of_uv(f.hash.as_deref())?;
                        Some((basename(f.url.as_deref().or(f.path.as_deref())), sha))
                    })
                    .collect();
                out.push(pin(&p.name, version, files));
            }
        }
        PythonLock::Pylock(lock) => {
            if !lock.lock_version.starts_with("1.") {
                return Err(refuse(format!(
                    "The pylock.toml has lock-version {}; version 1.x is read",
                    lock.lock_version
                )));
            }
            for p in &lock.packages {
                if p.vcs.is_some() || p.directory.is_some() || p.archive.is_some() {
                    continue;
                }
                let Some(version) = &p.version else {
                    errors.push(FieldError::rule(
                        FIELD,
                        format!(
                            "package {}: it comes from an index but has no version",
                            p.name
                        ),
                    ));
                    continue;
                };
                let files: Vec<(Option<String>, String)> = p
                    .sdist
                    .iter()
                    .chain(&p.wheels)
                    .filter_map(|f| {
                        let sha = f.hashes.get("sha256")?.as_str()?.to_ascii_lowercase();
                        let name = f
                            .name
                            .clone()
                            .or_else(|| basename(f.url.as_deref().or(f.path.as_deref())));
                        Some((name, sha))
                    })
                    .collect();
                out.push(pin(&p.name, version, files));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ValidationErrors { errors });
    }
    Ok(out)
}

fn pin(name: &str, version: &str, files: Vec<(Option<String>, String)>) -> Pin {
    Pin {
        name: PackageFormat::Pypi.normalize_name(name),
        version: version.to_owned(),
        sha256: files.iter().map(|(_, sha)| sha.clone()).collect(),
        files: files
            .into_iter()
            .filter_map(|(name, sha)| Some((name?, sha)))
            .collect::<BTreeMap<_, _>>(),
        at: format!("package {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::requirements::{parse, parse_pins};

    const UV_LOCK: &str = r#"version = 1
revision = 2
requires-python = ">=3.9"

[[package]]
name = "My_Lib"
version = "1.2.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files/my_lib-1.2.0.tar.gz", hash = "sha256:AA", size = 10 }
wheels = [
    { url = "https://files/my_lib-1.2.0-py3-none-any.whl", hash = "sha256:bb", size = 9 },
]

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "my-lib" }]
"#;

    const PYLOCK: &str = r#"lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.9"

[[packages]]
name = "attrs"
version = "25.1.0"
index = "https://pypi.org/simple"
sdist = { name = "attrs-25.1.0.tar.gz", url = "https://x/attrs-25.1.0.tar.gz", hashes = { sha256 = "CC" } }
wheels = [{ name = "attrs-25.1.0-py3-none-any.whl", url = "https://x/a.whl", hashes = { sha256 = "dd", blake2b = "ee" } }]

[[packages]]
name = "local"
directory = { path = "." }
"#;

    #[test]
    fn reads_uv_lock_registry_packages_with_hashes() {
        let pins = parse_pins(UV_LOCK).unwrap();
        assert_eq!(pins.len(), 1, "{pins:?}");
        assert_eq!(pins[0].name, "my-lib");
        assert_eq!(pins[0].version, "1.2.0");
        assert_eq!(
            pins[0].sha256.iter().cloned().collect::<Vec<_>>(),
            ["aa", "bb"]
        );
        assert_eq!(pins[0].at, "package My_Lib");
        assert_eq!(
            pins[0]
                .files
                .get("my_lib-1.2.0-py3-none-any.whl")
                .map(String::as_str),
            Some("bb")
        );
        let sel = parse(UV_LOCK).unwrap();
        assert_eq!(sel[0].package.as_deref(), Some("my-lib"));
        assert_eq!(sel[0].format.as_deref(), Some("pypi"));
    }

    #[test]
    fn reads_pylock_index_packages_with_hashes() {
        let pins = parse_pins(PYLOCK).unwrap();
        assert_eq!(pins.len(), 1, "{pins:?}");
        assert_eq!(
            (pins[0].name.as_str(), pins[0].version.as_str()),
            ("attrs", "25.1.0")
        );
        assert_eq!(
            pins[0].sha256.iter().cloned().collect::<Vec<_>>(),
            ["cc", "dd"]
        );
        assert_eq!(pins[0].files.len(), 2);
        assert_eq!(
            pins[0].files.get("attrs-25.1.0.tar.gz").map(String::as_str),
            Some("cc")
        );
    }

    #[test]
    fn refuses_broken_lock_files_clearly() {
        let e = parse_pins("lock-version = \"2.0\"\n").unwrap_err();
        assert!(e.errors[0].message.contains("lock-version 2.0"), "{e:?}");
        let e = parse_pins("lock-version = \"1.0\"\npackages = 3\n").unwrap_err();
        assert!(
            e.errors[0]
                .message
                .starts_with("The pylock.toml is not valid"),
            "{e:?}"
        );
        let e = parse_pins("lock-version = \"1.0\"\n[[packages]]\nname = \"x\"\n").unwrap_err();
        assert!(e.errors[0].message.contains("package x"), "{e:?}");
        // Only the project itself: nothing is pinned.
        let e = parse_pins("version = 1\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n").unwrap_err();
        assert!(e.errors[0].message.contains("pins no package"), "{e:?}");
        // A requirements file is not TOML, and is read as one.
        assert_eq!(parse_pins("a==1\n").unwrap()[0].name, "a");
    }
}
