//! An external registry's answers, as pure functions: its packument (the versions, their
//! manifests, tarball URLs and integrity, and its dist-tags) and the check of a tarball it
//! served against that integrity. The server's external connections fetch; this decides.
//!
//! A packument that is not the JSON expected is an error (never a panic); versions it lists
//! that are unusable (an invalid version string, no tarball URL, no integrity) are left out.

use crate::NpmName;
use crate::metadata::Digests;
use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use wharf_core::names::PackageVersion;

/// One version an external registry offers.
#[derive(Debug, Clone, PartialEq)]
pub struct UpstreamVersion {
    /// The version string (as the registry spells it, valid for npm).
    pub version: String,
    /// The manifest without `dist` and the registry's own `_…` members.
    pub manifest: Value,
    /// `dist.tarball`: where the registry serves the tarball.
    pub tarball_url: String,
    /// `dist.integrity` (a Subresource Integrity string), when given.
    pub integrity: Option<String>,
    /// `dist.shasum` (SHA-1, hex), when given.
    pub shasum: Option<String>,
    /// When it was published (`time[version]`), Unix seconds; 0 when unknown.
    pub published: u64,
}

/// What an external registry offers of one package.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpstreamPackument {
    /// Usable versions by version string.
    pub versions: BTreeMap<String, UpstreamVersion>,
    /// Dist-tags that point at a usable version.
    pub dist_tags: BTreeMap<String, String>,
}

/// Parses a full packument (`application/json`) an external registry answered for `name`.
pub fn parse_upstream_packument(name: &NpmName, body: &[u8]) -> Result<UpstreamPackument, String> {
    let doc: Value =
        serde_json::from_slice(body).map_err(|e| format!("the packument is not JSON: {e}"))?;
    let obj = doc
        .as_object()
        .ok_or("the packument is not a JSON object")?;
    if let Some(n) = obj.get("name")
        && n.as_str() != Some(name.display().as_str())
    {
        return Err(format!(
            "the packument names {n} instead of {}",
            name.display()
        ));
    }
    let empty = Map::new();
    let versions = match obj.get("versions") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err("`versions` is not an object".into()),
    };
    let times = obj.get("time").and_then(Value::as_object).unwrap_or(&empty);
    let mut out = UpstreamPackument::default();
    for (version, manifest) in versions {
        if let Some(v) = upstream_version(version, manifest, times.get(version)) {
            out.versions.insert(version.clone(), v);
        }
    }
    if let Some(Value::Object(tags)) = obj.get("dist-tags") {
        for (tag, v) in tags {
            if let Some(v) = v.as_str().filter(|v| out.versions.contains_key(*v)) {
                out.dist_tags.insert(tag.clone(), v.to_owned());
            }
        }
    }
    Ok(out)
}

fn upstream_version(
    version: &str,
    manifest: &Value,
    time: Option<&Value>,
) -> Option<UpstreamVersion> {
    PackageVersion::parse(version).ok()?;
    let m = manifest.as_object()?;
    if m.get("version").and_then(Value::as_str) != Some(version) {
        return None;
    }
    let dist = m.get("dist")?.as_object()?;
    let tarball_url = dist.get("tarball")?.as_str()?.to_owned();
    let text = |k: &str| dist.get(k).and_then(Value::as_str).map(str::to_owned);
    let (integrity, shasum) = (text("integrity"), text("shasum"));
    if integrity.is_none() && shasum.is_none() {
        return None;
    }
    let manifest: Map<String, Value> = m
        .iter()
        .filter(|(k, _)| *k != "dist" && !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(UpstreamVersion {
        version: version.to_owned(),
        manifest: Value::Object(manifest),
        tarball_url,
        integrity,
        shasum,
        published: time.and_then(Value::as_str).map_or(0, parse_iso8601),
    })
}

/// Unix seconds of an ISO-8601 UTC timestamp (`2024-05-01T12:34:56.789Z`); 0 when it is not
/// one.
pub fn parse_iso8601(text: &str) -> u64 {
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok());
    let (date, clock) = text.split_once('T').unwrap_or((text, "00:00:00"));
    let mut d = date.splitn(3, '-');
    let (Some(y), Some(m), Some(day)) = (num(d.next()), num(d.next()), num(d.next())) else {
        return 0;
    };
    let clock = clock.trim_end_matches('Z');
    let clock = clock.split(['.', '+']).next().unwrap_or("");
    let mut c = clock.splitn(3, ':');
    let (h, mi, s) = (
        num(c.next()).unwrap_or(0),
        num(c.next()).unwrap_or(0),
        num(c.next()).unwrap_or(0),
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return 0;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).unwrap_or(0)
}

/// Hashes a tarball the registry served and checks it against the version's integrity:
/// `sha512` in `dist.integrity` when present, else `sha1` there or `dist.shasum`. The digests
/// on success; on a mismatch, a sentence saying which hash differed.
pub fn verify_tarball(bytes: &[u8], v: &UpstreamVersion) -> Result<Digests, String> {
    let d = Digests::of(bytes);
    let b64 = |hex_text: &str| {
        hex::decode(hex_text)
            .map(|raw| base64::engine::general_purpose::STANDARD.encode(raw))
            .unwrap_or_default()
    };
    let sri: Vec<(&str, &str)> = v
        .integrity
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|t| t.split_once('-'))
        .map(|(alg, h)| (alg, h.split('?').next().unwrap_or(h)))
        .collect();
    let sha512: Vec<&str> = sri
        .iter()
        .filter(|(a, _)| *a == "sha512")
        .map(|(_, h)| *h)
        .collect();
    let sha1: Vec<&str> = sri
        .iter()
        .filter(|(a, _)| *a == "sha1")
        .map(|(_, h)| *h)
        .collect();
    if !sha512.is_empty() {
        return if sha512.contains(&b64(&d.sha512).as_str()) {
            Ok(d)
        } else {
            Err(format!(
                "the tarball of {} does not match its sha512 integrity",
                v.version
            ))
        };
    }
    if !sha1.is_empty() {
        return if sha1.contains(&b64(&d.sha1).as_str()) {
            Ok(d)
        } else {
            Err(format!(
                "the tarball of {} does not match its sha1 integrity",
                v.version
            ))
        };
    }
    match &v.shasum {
        Some(s) if s.eq_ignore_ascii_case(&d.sha1) => Ok(d),
        Some(_) => Err(format!(
            "the tarball of {} does not match its shasum",
            v.version
        )),
        None => Err(format!("{} has no usable integrity", v.version)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn name() -> NpmName {
        NpmName::parse("@acme/left").unwrap()
    }

    fn packument(tarball: &[u8]) -> Value {
        let d = Digests::of(tarball);
        json!({
            "name": "@acme/left",
            "dist-tags": {"latest": "1.0.0", "gone": "9.9.9"},
            "time": {"1.0.0": "2024-05-01T12:34:56.789Z"},
            "versions": {
                "1.0.0": {"name": "@acme/left", "version": "1.0.0", "_npmUser": {"name": "x"},
                          "dependencies": {"right": "^2.0.0"},
                          "dist": {"tarball": "http://r/@acme/left/-/left-1.0.0.tgz",
                                   "integrity": d.integrity(), "shasum": d.sha1}},
                "1.0.1": {"name": "@acme/left", "version": "1.0.1",
                          "dist": {"tarball": "http://r/x.tgz", "shasum": d.sha1}},
                "not a version": {"version": "not a version", "dist": {"tarball": "x", "shasum": "y"}},
                "2.0.0": {"name": "@acme/left", "version": "2.0.0", "dist": {"tarball": "x"}},
                "3.0.0": "not an object"
            }
        })
    }

    #[test]
    fn parses_usable_versions_and_drops_the_rest() {
        let p =
            parse_upstream_packument(&name(), packument(b"tgz").to_string().as_bytes()).unwrap();
        assert_eq!(p.versions.keys().collect::<Vec<_>>(), ["1.0.0", "1.0.1"]);
        let v = &p.versions["1.0.0"];
        assert_eq!(v.published, 1_714_566_896);
        assert!(v.manifest.get("dist").is_none() && v.manifest.get("_npmUser").is_none());
        assert_eq!(v.manifest["dependencies"]["right"], "^2.0.0");
        assert_eq!(
            p.dist_tags,
            BTreeMap::from([("latest".into(), "1.0.0".into())])
        );
    }

    #[test]
    fn malformed_answers_are_errors() {
        for body in [
            &b"<html>"[..],
            b"[]",
            br#"{"name": "other"}"#,
            br#"{"versions": 3}"#,
        ] {
            assert!(parse_upstream_packument(&name(), body).is_err(), "{body:?}");
        }
        let empty = parse_upstream_packument(&name(), br#"{"name": "@acme/left"}"#).unwrap();
        assert!(empty.versions.is_empty());
    }

    #[test]
    fn tarballs_are_checked_against_their_integrity() {
        let p =
            parse_upstream_packument(&name(), packument(b"tgz").to_string().as_bytes()).unwrap();
        assert_eq!(
            verify_tarball(b"tgz", &p.versions["1.0.0"]).unwrap().size,
            3
        );
        let err = verify_tarball(b"evil", &p.versions["1.0.0"]).unwrap_err();
        assert!(err.contains("sha512"), "{err}");
        assert!(verify_tarball(b"tgz", &p.versions["1.0.1"]).is_ok());
        assert!(
            verify_tarball(b"evil", &p.versions["1.0.1"])
                .unwrap_err()
                .contains("shasum")
        );
    }

    #[test]
    fn iso8601_round_trips() {
        assert_eq!(
            parse_iso8601(&crate::time::iso8601(1_700_000_123)),
            1_700_000_123
        );
        assert_eq!(parse_iso8601("garbage"), 0);
    }
}
