//! Manifest confusion: the version manifest in a publish body against the tarball's own
//! `package.json`.
//!
//! npm installs from the registry's manifest (dependencies, bins, platform checks) but runs the
//! lifecycle scripts of the `package.json` it unpacks, so a manifest that says something else
//! than the tarball hides what an install really does. [`check_manifest_matches`] refuses a
//! publish whose manifest disagrees with its tarball on any of [`INSTALL_FIELDS`].
//!
//! Both sides are compared as JSON values after the normalisation the npm client applies
//! when it builds the manifest from `package.json` (checked against npm 11's `npm publish`):
//!
//! - an absent dependency map, `engines`, `os` or `cpu` equals an empty one;
//! - `bundledDependencies` is the same field as `bundleDependencies`; `true` means every
//!   name in `dependencies`, `false` or anything but an array means none; order is ignored;
//! - `scripts` keeps only string values, drops a leading `node_modules/.bin/` from each, and
//!   treats the defaults npm fills in as absent: `install: "node-gyp rebuild"` (added when the
//!   package has a `binding.gyp`, no `install` or `preinstall` script and no `gypfile: false`)
//!   and `start: "node server.js"` (added when it has a `server.js`);
//! - `gypfile` only matters when it is `false` (it turns the implicit `node-gyp rebuild` off);
//! - `bin` as a string is `{<name without scope>: path}`; bin names are reduced to their last
//!   path segment and paths are made relative (`./cli.js` is `cli.js`); entries left empty are
//!   dropped;
//! - with no `bin` in the tarball, `directories.bin` makes npm list that directory's files as
//!   bins: the manifest may then name bins whose paths all lie inside that directory.
//!
//! The last rule and the two script defaults take the manifest's word for which files the
//! tarball holds; neither can add a command other than the fixed defaults or a bin outside the
//! directory the tarball's own `package.json` names.

use crate::error::{NpmError, Result};
use serde_json::{Map, Value};

/// The fields that change what installing a version does, in the order they are checked.
/// `bundledDependencies` is read as `bundleDependencies`.
pub const INSTALL_FIELDS: [&str; 12] = [
    "dependencies",
    "optionalDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "engines",
    "os",
    "cpu",
    "bundleDependencies",
    "scripts",
    "gypfile",
    "directories.bin",
    "bin",
];

/// The longest rendering of a value in an error message.
const SHOWN_CHARS: usize = 200;

/// Refuses a manifest that disagrees with the tarball's `package.json` on an install-relevant
/// field ([`INSTALL_FIELDS`], compared as the module documentation says). `bare_name` is the
/// package name without its scope (the bin name npm gives a string `bin`).
pub fn check_manifest_matches(
    manifest: &Value,
    package_json: &Value,
    bare_name: &str,
) -> Result<()> {
    let empty = Map::new();
    let m = manifest.as_object().unwrap_or(&empty);
    let t = package_json.as_object().unwrap_or(&empty);
    for field in [
        "dependencies",
        "optionalDependencies",
        "peerDependencies",
        "peerDependenciesMeta",
        "engines",
    ] {
        compare(
            field,
            &or_empty_object(m.get(field)),
            &or_empty_object(t.get(field)),
        )?;
    }
    for field in ["os", "cpu"] {
        compare(
            field,
            &or_empty_array(m.get(field)),
            &or_empty_array(t.get(field)),
        )?;
    }
    compare("bundleDependencies", &bundled(m), &bundled(t))?;
    compare("scripts", &scripts(m), &scripts(t))?;
    compare("gypfile", &gyp_off(m), &gyp_off(t))?;
    let (m_dir, t_dir) = (bin_dir(m), bin_dir(t));
    compare("directories.bin", &m_dir, &t_dir)?;
    let (m_bin, t_bin) = (bins(m, bare_name), bins(t, bare_name));
    let listed_from_dir = match (&t_dir, t_bin.is_empty()) {
        (Value::String(dir), true) => m_bin.values().all(|p| {
            p.as_str()
                .is_some_and(|p| p.starts_with(&format!("{dir}/")))
        }),
        _ => false,
    };
    if !listed_from_dir {
        compare("bin", &Value::Object(m_bin), &Value::Object(t_bin))?;
    }
    Ok(())
}

fn compare(field: &str, manifest: &Value, tarball: &Value) -> Result<()> {
    if manifest == tarball {
        return Ok(());
    }
    Err(NpmError::ManifestMismatch {
        field: field.to_owned(),
        manifest: shown(manifest),
        tarball: shown(tarball),
    })
}

/// A value's JSON text, cut to [`SHOWN_CHARS`] characters.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(SHOWN_CHARS).collect();
    cut.push('…');
    cut
}

fn or_empty_object(v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v) => v.clone(),
    }
}

fn or_empty_array(v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Array(Vec::new()),
        Some(v) => v.clone(),
    }
}

/// `bundleDependencies` (or `bundledDependencies`) as a sorted list of names.
fn bundled(pj: &Map<String, Value>) -> Value {
    let raw = pj
        .get("bundleDependencies")
        .or_else(|| pj.get("bundledDependencies"));
    let mut names: Vec<Value> = match raw {
        Some(Value::Bool(true)) => pj
            .get("dependencies")
            .and_then(Value::as_object)
            .map(|d| d.keys().map(|k| Value::String(k.clone())).collect())
            .unwrap_or_default(),
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    names.sort_by_key(Value::to_string);
    names.dedup();
    Value::Array(names)
}

/// The scripts npm keeps, without `node_modules/.bin/` prefixes and npm's defaults.
fn scripts(pj: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    if let Some(Value::Object(s)) = pj.get("scripts") {
        for (k, v) in s {
            if let Value::String(cmd) = v {
                out.insert(k.clone(), Value::String(strip_bin_prefix(cmd).to_owned()));
            }
        }
    }
    let gyp_default = !out.contains_key("preinstall") && gyp_off(pj) != Value::Bool(true);
    if gyp_default && out.get("install").and_then(Value::as_str) == Some("node-gyp rebuild") {
        out.remove("install");
    }
    if out.get("start").and_then(Value::as_str) == Some("node server.js") {
        out.remove("start");
    }
    Value::Object(out)
}

/// npm's `scriptpath` step: a leading `node_modules/.bin/` (or `./node_modules/.bin/`, either
/// slash) is dropped, since npm puts that directory on the path anyway.
fn strip_bin_prefix(cmd: &str) -> &str {
    let rest = ["./", ".\\"]
        .iter()
        .find_map(|p| cmd.strip_prefix(p))
        .unwrap_or(cmd);
    let b = rest.as_bytes();
    let sep = |c: u8| c == b'/' || c == b'\\';
    if b.len() >= 18
        && &b[..12] == b"node_modules"
        && sep(b[12])
        && &b[13..17] == b".bin"
        && sep(b[17])
    {
        &rest[18..]
    } else {
        cmd
    }
}

/// Whether `gypfile` is `false` (the only value that changes an install).
fn gyp_off(pj: &Map<String, Value>) -> Value {
    Value::Bool(pj.get("gypfile") == Some(&Value::Bool(false)))
}

/// `directories.bin`, made relative, or null.
fn bin_dir(pj: &Map<String, Value>) -> Value {
    match pj.get("directories").and_then(|d| d.get("bin")) {
        Some(Value::String(dir)) => Value::String(clean_path(dir)),
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

/// `bin` as npm-normalize-package-bin leaves it: a map from bin name to relative path.
fn bins(pj: &Map<String, Value>, bare_name: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let mut add = |name: &str, path: &str| {
        let name = clean_path(&name.replace([':', '\\'], "/"));
        let name = name.rsplit('/').next().unwrap_or("").to_owned();
        let path = clean_path(&path.replace('\\', "/"));
        if !name.is_empty() && !path.is_empty() {
            out.insert(name, Value::String(path));
        }
    };
    match pj.get("bin") {
        Some(Value::String(path)) => add(bare_name, path),
        Some(Value::Object(map)) => {
            for (name, path) in map {
                if let Value::String(path) = path {
                    add(name, path);
                }
            }
        }
        _ => {}
    }
    out
}

/// `path.join('/', p).slice(1)`: resolves `.` and `..` against the package root and drops
/// empty segments.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}
