//! Project names: PEP 503 normalisation (the core's, so the API, ARNs, the console and the
//! widget agree) and the validity rule PyPI applies to uploads.

use crate::PypiError;
use wharf_core::names::PackageFormat;

/// The PEP 503 normalised name: lower case, each run of `-`, `_` and `.` one `-`
/// (`My_Package.Name` → `my-package-name`). It is the name CodeArtifact stores and the API
/// accepts for format `pypi`.
pub fn normalize(name: &str) -> String {
    PackageFormat::Pypi.normalize_name(name)
}

/// Whether `name` is a valid project name: ASCII letters and digits, with `.`, `_` and `-`
/// inside (`^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`, case-insensitive, as PyPI checks it).
pub fn is_valid(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_alphanumeric();
    !b.is_empty()
        && b.len() <= 255
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// Checks a project name ([`is_valid`]).
pub fn check(name: &str) -> Result<(), PypiError> {
    if is_valid(name) {
        Ok(())
    } else {
        Err(PypiError::invalid(format!(
            "'{name}' is an invalid project name: use letters, digits, '.', '_' and '-', \
             starting and ending with a letter or digit"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_pep_503() {
        assert_eq!(normalize("My_Package.Name"), "my-package-name");
        assert_eq!(normalize("my--package__name"), "my-package-name");
        assert!(is_valid("My_Package.Name"));
        assert!(!is_valid("-leading"));
        assert!(!is_valid("trailing."));
        assert!(!is_valid("sp ace"));
        assert!(!is_valid(""));
    }
}
