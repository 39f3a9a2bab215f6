//! PEP 440 versions: parsing, the normalised spelling Wharf stores, and the order pip uses,
//! all by `pep440_rs` (the implementation uv ships).

use crate::PypiError;
use pep440_rs::Version;
use std::cmp::Ordering;
use std::str::FromStr;

/// Parses a PEP 440 version (any accepted spelling: `1.0-1`, `v1.0.0-Alpha`, ...).
pub fn parse(text: &str) -> Result<Version, PypiError> {
    Version::from_str(text.trim())
        .map_err(|e| PypiError::invalid(format!("'{text}' is an invalid version (PEP 440): {e}")))
}

/// The normalised spelling of a version (`1.0-1` → `1.0.post1`, `1.0.0-Alpha` → `1.0.0a0`):
/// what Wharf stores and the API names.
pub fn normalize(text: &str) -> Result<String, PypiError> {
    parse(text).map(|v| v.to_string())
}

/// Orders two stored version strings as PEP 440 does (`1.0.dev0 < 1.0a1 < 1.0 < 1.0.post1`,
/// `1.0 == 1.0.0`). A string that is no PEP 440 version (never stored by the PyPI endpoint,
/// but possible through other paths) sorts before every version, by its text among others.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::from_str(a), Version::from_str(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Whether a version is a pre-release or development release (pip skips them by default).
pub fn is_prerelease(text: &str) -> bool {
    Version::from_str(text).is_ok_and(|v| v.any_prerelease())
}

/// The highest of some versions by [`compare`], preferring final releases to pre-releases
/// (as pip would pick): `defaultDisplayVersion` for a PyPI package.
pub fn latest<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    versions.into_iter().max_by(|a, b| {
        (!is_prerelease(a))
            .cmp(&!is_prerelease(b))
            .then_with(|| compare(a, b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_orders() {
        assert_eq!(normalize("1.0-1").unwrap(), "1.0.post1");
        assert_eq!(normalize("v1.0.0-Alpha").unwrap(), "1.0.0a0");
        assert_eq!(normalize(" 1.0rc1 ").unwrap(), "1.0rc1");
        assert!(normalize("1.0-foo bar").is_err());
        let mut v = vec![
            "1.0.post1",
            "1.0",
            "1.0a1",
            "1.0.dev0",
            "0.9",
            "1.0+local.1",
        ];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(
            v,
            [
                "0.9",
                "1.0.dev0",
                "1.0a1",
                "1.0",
                "1.0+local.1",
                "1.0.post1"
            ]
        );
        assert_eq!(
            compare("1.0", "1.0.0"),
            Ordering::Less,
            "ties broken by text, stable"
        );
        assert_eq!(latest(["1.0", "2.0b1", "1.5"]), Some("1.5"));
        assert_eq!(latest(["2.0b1", "2.0a1"]), Some("2.0b1"));
    }
}
