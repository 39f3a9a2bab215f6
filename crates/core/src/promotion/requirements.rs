//! Python pins as a promotion input, next to npm's lockfile: pip's `requirements.txt` here, and
//! `uv.lock` / `pylock.toml` in [`super::pylock`], all in the request's `requirements` member
//! ([`parse`] tells them apart by content).
//!
//! From a `requirements.txt`, every pinned `name==version` (as `pip-compile --generate-hashes`,
//! `uv pip compile` or `pip freeze` write them) is a pypi package under its PEP 503 name.
//! Comments, blank lines, continuation lines, environment markers, extras and option lines
//! (`-i`, `--index-url`, …) are understood; a requirement that is not pinned with `==` or `===`
//! (a range, a URL, an editable install) is refused, each by its line, all at once. A pin's
//! `--hash=sha256:…` options are kept ([`Pin::sha256`]): the server compares them with the
//! stored files before it plans ([`Pin::refusals`]).

use super::request::MAX_LOCKFILE_BYTES;
use crate::api::PackageSelection;
use crate::error::{FieldError, ValidationErrors};
use crate::names::PackageFormat;
use std::collections::{BTreeMap, BTreeSet};

/// The request member a requirements file travels in, which its errors name.
pub const FIELD: &str = "requirements";

fn refuse(message: String) -> FieldError {
    FieldError::rule(FIELD, message)
}

/// One pinned Python package version, with the hashes its input allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The PEP 503 name.
    pub name: String,
    /// The version as pinned.
    pub version: String,
    /// The SHA-256 digests (lower-case hex) the input lists for the version's files; empty:
    /// unchecked.
    pub sha256: BTreeSet<String>,
    /// The digests by filename, where the input names its files (lock files).
    pub files: BTreeMap<String, String>,
    /// Where it was read (`Line 3`, `package requests`), for messages.
    pub at: String,
}

impl Pin {
    /// What is wrong with the stored files of this version (`(filename, sha256)`), as pip and
    /// uv would find it installing with hashes: a stored file the input names with another
    /// SHA-256, by name; or, when the input lists hashes, no stored file matching any of them
    /// (pip skips files whose hash is not listed, so other files are no mismatch).
    pub fn refusals(&self, files: &[(String, String)]) -> Vec<String> {
        let mut out: Vec<String> = files
            .iter()
            .filter_map(|(file, sha)| {
                let listed = self.files.get(file)?;
                (*listed != sha.to_ascii_lowercase()).then(|| {
                    format!(
                        "{}: the stored file {file} of {}=={} has sha256 {sha}, but the input \
                         lists {listed}",
                        self.at, self.name, self.version
                    )
                })
            })
            .collect();
        let any_listed = files
            .iter()
            .any(|(_, sha)| self.sha256.contains(&sha.to_ascii_lowercase()));
        if out.is_empty() && !self.sha256.is_empty() && !files.is_empty() && !any_listed {
            let stored: Vec<String> = files
                .iter()
                .map(|(file, sha)| format!("{file} (sha256 {sha})"))
                .collect();
            out.push(format!(
                "{}: no stored file of {}=={} has a sha256 the input lists: {}",
                self.at,
                self.name,
                self.version,
                stored.join(", ")
            ));
        }
        out
    }
}

/// The `--hash=sha256:HEX` options of a logical line.
fn hashes(entry: &str) -> BTreeSet<String> {
    entry
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("--hash"))
        .map(|w| w.trim_start_matches(['=', ' ']))
        .filter_map(|w| w.strip_prefix("sha256:"))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The pin of one logical line: `(name, version)`, or why it is no pin.
fn pin(entry: &str) -> Result<(String, String), String> {
    let requirement: String = entry
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect::<Vec<_>>()
        .join("");
    let requirement = requirement.split(';').next().unwrap_or("");
    let (name, version) = requirement
        .split_once("===")
        .or_else(|| requirement.split_once("=="))
        .ok_or_else(|| format!("'{requirement}' is not pinned as name==version"))?;
    let name = name.split('[').next().unwrap_or(name).trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid || version.trim().is_empty() || version.contains(['*', ',', '@']) {
        return Err(format!("'{requirement}' is not pinned as name==version"));
    }
    Ok((
        PackageFormat::Pypi.normalize_name(name),
        version.trim().to_owned(),
    ))
}

/// Every pin of a `requirements.txt`, or every problem found, each naming its line.
pub fn pins(text: &str) -> Result<Vec<Pin>, ValidationErrors> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = match raw.find(" #") {
            Some(at) => &raw[..at],
            None => raw,
        };
        let line = if line.trim_start().starts_with('#') {
            ""
        } else {
            line
        };
        if logical.is_empty() {
            start = i + 1;
        }
        if let Some(continued) = line.trim_end().strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.trim();
        if entry.is_empty() || entry.starts_with('-') {
            continue;
        }
        match pin(entry) {
            Ok((name, version)) => out.push(Pin {
                name,
                version,
                sha256: hashes(entry),
                files: BTreeMap::new(),
                at: format!("Line {start}"),
            }),
            Err(why) => errors.push(refuse(format!("Line {start}: {why}"))),
        }
    }
    if !errors.is_empty() {
        return Err(ValidationErrors { errors });
    }
    Ok(out)
}

/// Every pin of a `requirements.txt`, `uv.lock` or `pylock.toml` (a TOML document with
/// `lock-version` is a `pylock.toml`, one with `version` and `[[package]]` a `uv.lock`;
/// anything else is read as a requirements file).
pub fn parse_pins(text: &str) -> Result<Vec<Pin>, ValidationErrors> {
    if text.len() > MAX_LOCKFILE_BYTES {
        return Err(ValidationErrors::single(refuse(format!(
            "The requirements file is {} bytes; at most {MAX_LOCKFILE_BYTES} bytes (20 MB) are accepted",
            text.len()
        ))));
    }
    let pins = match super::pylock::detect(text) {
        Some(lock) => super::pylock::pins(&lock)?,
        None => pins(text)?,
    };
    if pins.is_empty() {
        return Err(ValidationErrors::single(refuse(
            "The requirements file pins no package".into(),
        )));
    }
    Ok(pins)
}

/// Every package the input pins ([`parse_pins`]), grouped by package (sorted by name, versions
/// sorted), or every problem found.
pub fn parse(text: &str) -> Result<Vec<PackageSelection>, ValidationErrors> {
    let mut pinned: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in parse_pins(text)? {
        pinned.entry(p.name).or_default().insert(p.version);
    }
    Ok(pinned
        .into_iter()
        .map(|(package, versions)| PackageSelection {
            format: Some("pypi".into()),
            namespace: None,
            package: Some(package),
            versions: Some(versions.into_iter().collect()),
            ..PackageSelection::default()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_hashes_markers_and_refusals() {
        let text = "# generated by pip-compile\n--index-url https://x/simple/\n\
                    Requests[socks]==2.31.0 \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd\n\
                    idna==3.4 ; python_version >= \"3.8\"  # via requests\n\nMy_Pkg===1.0\nidna==3.4\n";
        let got = parse(text).unwrap();
        let flat: Vec<(String, Vec<String>)> = got
            .iter()
            .map(|s| (s.package.clone().unwrap(), s.versions.clone().unwrap()))
            .collect();
        assert_eq!(
            flat,
            [
                ("idna".to_owned(), vec!["3.4".to_owned()]),
                ("my-pkg".to_owned(), vec!["1.0".to_owned()]),
                ("requests".to_owned(), vec!["2.31.0".to_owned()]),
            ]
        );
        assert!(got.iter().all(|s| s.format.as_deref() == Some("pypi")));
        let e = parse("a==1\nflask>=2\n-e .\nb @ https://x/b.whl\nc==1.*\n").unwrap_err();
        let messages: Vec<String> = e.errors.iter().map(|f| f.message.clone()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("Line 2: 'flask>=2'"),
            "{messages:?}"
        );
        assert!(parse("# nothing\n").is_err());
    }

    #[test]
    fn hashes_are_kept_and_compared_with_stored_files() {
        let text = "demo==1.0 \\\n    --hash=sha256:AA11 \\\n    --hash=sha256:bb22\nplain==2\n";
        let got = pins(text).unwrap();
        assert_eq!(
            got[0].sha256,
            BTreeSet::from(["aa11".into(), "bb22".into()])
        );
        assert_eq!(got[0].at, "Line 1");
        assert!(got[1].sha256.is_empty());
        let files = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        // A listed hash matches one stored file: the other is no mismatch (pip skips it).
        let stored = files(&[
            ("demo-1.0.tar.gz", "aa11"),
            ("demo-1.0-py3-none-any.whl", "cc33"),
        ]);
        assert!(got[0].refusals(&stored).is_empty());
        let why = got[0].refusals(&files(&[("demo-1.0-py3-none-any.whl", "CC33")]));
        assert_eq!(why.len(), 1);
        assert!(
            why[0].starts_with("Line 1: no stored file of demo==1.0")
                && why[0].contains("demo-1.0-py3-none-any.whl (sha256 CC33)"),
            "{why:?}"
        );
        // Named files (lock files) are compared by name.
        let mut named = got[0].clone();
        named
            .files
            .insert("demo-1.0-py3-none-any.whl".into(), "bb22".into());
        let why = named.refusals(&stored);
        assert_eq!(why.len(), 1);
        assert!(
            why[0].contains("the stored file demo-1.0-py3-none-any.whl of demo==1.0 has sha256 cc33, but the input lists bb22"),
            "{why:?}"
        );
        assert!(
            got[1]
                .refusals(&files(&[("plain-2.tar.gz", "dd44")]))
                .is_empty()
        );
    }
}
