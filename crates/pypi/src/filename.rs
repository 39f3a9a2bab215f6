//! Distribution filenames: wheels (PEP 427, `{name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl`)
//! and sdists (PEP 625, `{name}-{ver}.tar.gz`), and their agreement with a project and version.

use crate::{PypiError, name, version};

/// The two kinds of distribution Wharf accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistKind {
    /// A built distribution (`.whl`, a zip).
    Wheel,
    /// A source distribution (`.tar.gz`).
    Sdist,
}

impl DistKind {
    /// twine's `filetype` for this kind: `bdist_wheel` or `sdist`.
    pub fn filetype(self) -> &'static str {
        match self {
            DistKind::Wheel => "bdist_wheel",
            DistKind::Sdist => "sdist",
        }
    }
}

/// What a distribution's filename says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFilename {
    /// The project, PEP 503 normalised.
    pub project: String,
    /// The version, normalised.
    pub version: String,
    /// Wheel or sdist.
    pub kind: DistKind,
    /// A wheel's python tag (`py3`, `py2.py3`).
    pub python_tag: Option<String>,
}

fn bad(filename: &str, why: &str) -> PypiError {
    PypiError::invalid(format!(
        "Invalid distribution file name '{filename}': {why}"
    ))
}

/// Checks that a filename is a plain file name: 1–255 characters, no `/`, `\` or control
/// characters.
pub fn check_plain(filename: &str) -> Result<(), PypiError> {
    if filename.is_empty() || filename.len() > 255 {
        return Err(bad(filename, "it must be 1 to 255 characters long"));
    }
    if filename
        .chars()
        .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(bad(
            filename,
            "it must not contain '/', '\\' or control characters",
        ));
    }
    Ok(())
}

/// Parses a wheel or sdist filename. `.zip` and other legacy sdists are refused, as PyPI and uv
/// refuse them.
pub fn parse_filename(filename: &str) -> Result<DistFilename, PypiError> {
    check_plain(filename)?;
    let (project, ver, kind, python_tag) = if let Some(stem) = filename.strip_suffix(".whl") {
        let parts: Vec<&str> = stem.split('-').collect();
        let (project, ver, py) = match parts.as_slice() {
            [n, v, py, _abi, _plat] => (*n, *v, *py),
            [n, v, build, py, _abi, _plat] => {
                if !build.starts_with(|c: char| c.is_ascii_digit()) {
                    return Err(bad(filename, "a wheel's build tag starts with a digit"));
                }
                (*n, *v, *py)
            }
            _ => {
                return Err(bad(
                    filename,
                    "a wheel is named {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl",
                ));
            }
        };
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad(filename, "a wheel filename has an empty part"));
        }
        (project, ver, DistKind::Wheel, Some(py.to_owned()))
    } else if let Some(stem) = filename.strip_suffix(".tar.gz") {
        let (n, v) = stem
            .rsplit_once('-')
            .ok_or_else(|| bad(filename, "an sdist is named {name}-{version}.tar.gz"))?;
        (n, v, DistKind::Sdist, None)
    } else {
        return Err(bad(
            filename,
            "only wheels (.whl) and sdists (.tar.gz) are accepted",
        ));
    };
    name::check(project).map_err(|e| bad(filename, &e.to_string()))?;
    let version = version::normalize(ver).map_err(|e| bad(filename, &e.to_string()))?;
    Ok(DistFilename {
        project: name::normalize(project),
        version,
        kind,
        python_tag,
    })
}

impl DistFilename {
    /// Checks that the file belongs to `project` (any spelling) at `version` (normalised),
    /// comparing normalised names and PEP 440 versions.
    pub fn check_matches(
        &self,
        filename: &str,
        project: &str,
        version: &str,
    ) -> Result<(), PypiError> {
        if self.project != name::normalize(project) {
            return Err(PypiError::invalid(format!(
                "The filename '{filename}' is for project '{}', not '{}'",
                self.project,
                name::normalize(project)
            )));
        }
        let same = match (version::parse(&self.version), version::parse(version)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if !same {
            return Err(PypiError::invalid(format!(
                "The filename '{filename}' is for version {}, not {version}",
                self.version
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wheels_and_sdists() {
        let w = parse_filename("My_Pkg-1.0-py3-none-any.whl").unwrap();
        assert_eq!(
            (w.project.as_str(), w.version.as_str(), w.kind),
            ("my-pkg", "1.0", DistKind::Wheel)
        );
        assert_eq!(w.python_tag.as_deref(), Some("py3"));
        let w = parse_filename("pkg-2.0-1-py2.py3-none-any.whl").unwrap();
        assert_eq!(w.python_tag.as_deref(), Some("py2.py3"));
        assert!(parse_filename("pkg-2.0-x1-py3-none-any.whl").is_err());
        let s = parse_filename("my_pkg-1.0.post1.tar.gz").unwrap();
        assert_eq!((s.project.as_str(), s.kind), ("my-pkg", DistKind::Sdist));
        assert!(parse_filename("pkg-1.0.zip").is_err());
        assert!(parse_filename("../pkg-1.0.tar.gz").is_err());
        assert!(parse_filename("pkg-not a version.tar.gz").is_err());
        assert!(s.check_matches("f", "My.Pkg", "1.0-1").is_ok());
        assert!(s.check_matches("f", "other", "1.0.post1").is_err());
        assert!(s.check_matches("f", "my-pkg", "1.1").is_err());
    }
}
