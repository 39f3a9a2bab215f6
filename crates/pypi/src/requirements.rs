//! `requirements.txt` as a promotion input: the pinned `name==version` lines (as
//! `pip-compile --generate-hashes` or `uv pip compile` write them), with their `--hash`
//! options, comments, continuation lines and environment markers understood.

use crate::{PypiError, name, version};

/// One pinned requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The project, PEP 503 normalised.
    pub project: String,
    /// The version, normalised.
    pub version: String,
    /// The `--hash=sha256:…` values given for it.
    pub sha256: Vec<String>,
}

/// Parses a requirements file into its pins. A requirement that is not pinned with `==` (or
/// `===`) is refused with its line number; options lines (`-i`, `--index-url`, …) are skipped.
pub fn parse_requirements(text: &str) -> Result<Vec<Pin>, PypiError> {
    let mut pins = Vec::new();
    let mut logical = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("");
        let line = if line.trim_start().starts_with('#') {
            ""
        } else {
            line
        };
        if logical.is_empty() {
            start = i + 1;
        }
        if let Some(cont) = line.trim_end().strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.trim();
        if entry.is_empty() || entry.starts_with('-') {
            continue;
        }
        pins.push(parse_pin(entry, start)?);
    }
    Ok(pins)
}

fn parse_pin(entry: &str, line: usize) -> Result<Pin, PypiError> {
    let mut words = entry.split_whitespace();
    let mut req = String::new();
    let mut sha256 = Vec::new();
    for w in words.by_ref() {
        if let Some(h) = w.strip_prefix("--hash=") {
            if let Some(s) = h.strip_prefix("sha256:") {
                sha256.push(s.to_ascii_lowercase());
            }
        } else if !w.starts_with("--") {
            req.push_str(w);
        }
    }
    let req = req.split(';').next().unwrap_or("");
    let bad = || {
        PypiError::invalid(format!(
            "requirements line {line}: '{req}' is not pinned as name==version"
        ))
    };
    let (n, v) = req
        .split_once("===")
        .or_else(|| req.split_once("=="))
        .ok_or_else(bad)?;
    let n = n.split('[').next().unwrap_or(n).trim();
    name::check(n).map_err(|e| PypiError::invalid(format!("requirements line {line}: {e}")))?;
    let v = version::normalize(v.trim())
        .map_err(|e| PypiError::invalid(format!("requirements line {line}: {e}")))?;
    Ok(Pin {
        project: name::normalize(n),
        version: v,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pins_with_hashes() {
        let text = "# generated\n--index-url https://x/simple/\nRequests[socks]==2.31.0 \\\n    --hash=sha256:AB \\\n    --hash=sha256:cd\n\
                    idna==3.4 ; python_version >= \"3.8\"  # via requests\n\n";
        let pins = parse_requirements(text).unwrap();
        assert_eq!(pins.len(), 2);
        assert_eq!(pins[0].project, "requests");
        assert_eq!(pins[0].sha256, ["ab", "cd"]);
        assert_eq!(
            (pins[1].project.as_str(), pins[1].version.as_str()),
            ("idna", "3.4")
        );
        let e = parse_requirements("a==1\nflask>=2\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
