//! npm package names: decoding them from URL paths, npm's naming rules for new packages, the
//! mapping to Wharf's coordinates (namespace = scope without `@`), and version syntax.
//!
//! npm sends a scoped name in a path as one segment, `@scope%2fname`; other clients (and people
//! with curl) send `@scope/name`. Both decode to the same [`NpmName`].

use crate::error::{NpmError, Result};
use std::fmt;
use wharf_core::names::{Namespace, PackageCoordinate, PackageFormat, PackageName};

/// The longest name npm accepts for a new package.
pub const MAX_NAME_LENGTH: usize = 214;

/// An npm package name, split into its scope (without `@`) and its bare name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NpmName {
    /// The scope without `@` (`types` for `@types/node`): Wharf's namespace.
    pub scope: Option<String>,
    /// The name without its scope (`node` for `@types/node`).
    pub name: String,
}

impl NpmName {
    /// Parses a display name (`@scope/name` or `name`). Lenient: it checks only the structure
    /// and the CodeArtifact name pattern, so names published before npm's stricter rules (with
    /// capitals, say) can still be read. Use [`NpmName::validate_for_publish`] for new names.
    pub fn parse(display: &str) -> Result<Self> {
        let (scope, name) = match display.strip_prefix('@') {
            Some(rest) => match rest.split_once('/') {
                Some((scope, name)) => (Some(scope), name),
                None => return Err(NpmError::invalid_name(display, "a scope needs a /name")),
            },
            None => (None, display),
        };
        if scope.is_some_and(str::is_empty) {
            return Err(NpmError::invalid_name(display, "the scope is empty"));
        }
        if name.is_empty() {
            return Err(NpmError::invalid_name(
                display,
                "name length must be greater than zero",
            ));
        }
        if let Some(s) = scope {
            Namespace::parse(s).map_err(|e| NpmError::invalid_name(display, e.to_string()))?;
        }
        PackageName::parse(name).map_err(|e| NpmError::invalid_name(display, e.to_string()))?;
        Ok(NpmName {
            scope: scope.map(str::to_owned),
            name: name.to_owned(),
        })
    }

    /// Decodes the package part of a request path: `@scope%2fname`, `%40scope%2Fname`,
    /// `@scope/name` or `name`. Any `%XX` escape is decoded first.
    pub fn from_path(path: &str) -> Result<Self> {
        NpmName::parse(&percent_decode(path)?)
    }

    /// Builds the name of a stored package from its coordinate parts.
    pub fn from_parts(namespace: Option<&Namespace>, name: &PackageName) -> Self {
        NpmName {
            scope: namespace.map(|n| n.as_str().to_owned()),
            name: name.as_str().to_owned(),
        }
    }

    /// `@scope/name` or `name`.
    pub fn display(&self) -> String {
        match &self.scope {
            Some(s) => format!("@{s}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The form npm puts in a request path: `@scope%2fname` or `name`.
    pub fn escaped(&self) -> String {
        match &self.scope {
            Some(s) => format!("@{s}%2f{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Wharf's namespace: the scope without `@`.
    pub fn namespace(&self) -> Option<Namespace> {
        self.scope
            .as_deref()
            .map(|s| Namespace::parse(s).expect("checked by parse"))
    }

    /// Wharf's package name: the name without its scope.
    pub fn package_name(&self) -> PackageName {
        PackageName::parse(&self.name).expect("checked by parse")
    }

    /// The npm coordinate of this package.
    pub fn coordinate(&self) -> PackageCoordinate {
        PackageCoordinate {
            format: PackageFormat::Npm,
            namespace: self.namespace(),
            name: self.package_name(),
        }
    }

    /// npm's rules for a new package name (those of `validate-npm-package-name` that make a
    /// name invalid for new packages): non-empty, at most 214 characters, no leading `.` or
    /// `_`, no surrounding spaces, lowercase, none of `~'!()*` in the bare name, URL-safe
    /// characters only, and not `node_modules` or `favicon.ico`. Node's core module names are
    /// not refused (that is a policy of the public registry, not of the protocol).
    pub fn validate_for_publish(&self) -> Result<()> {
        validate_new_name(&self.display())
    }
}

impl fmt::Display for NpmName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Whether `encodeURIComponent` leaves `c` unchanged.
fn uri_component_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)
}

/// [`NpmName::validate_for_publish`] on a display name.
pub fn validate_new_name(name: &str) -> Result<()> {
    let fail = |reason: &str| Err(NpmError::invalid_name(name, reason));
    if name.is_empty() {
        return fail("name length must be greater than zero");
    }
    if name.starts_with('.') {
        return fail("name cannot start with a period");
    }
    if name.starts_with('_') {
        return fail("name cannot start with an underscore");
    }
    if name.trim() != name {
        return fail("name cannot contain leading or trailing spaces");
    }
    if matches!(name.to_lowercase().as_str(), "node_modules" | "favicon.ico") {
        return fail("this name is not allowed");
    }
    if name.chars().count() > MAX_NAME_LENGTH {
        return fail("name can no longer contain more than 214 characters");
    }
    if name.to_lowercase() != name {
        return fail("name can no longer contain capital letters");
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(['~', '\'', '!', '(', ')', '*']) {
        return fail("name can no longer contain special characters (\"~'!()*\")");
    }
    let parts: Vec<&str> = match name.strip_prefix('@') {
        Some(rest) => match rest.split_once('/') {
            Some((scope, bare)) => vec![scope, bare],
            None => return fail("name can only contain URL-friendly characters"),
        },
        None => vec![name],
    };
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(uri_component_safe))
    {
        return fail("name can only contain URL-friendly characters");
    }
    Ok(())
}

/// Decodes `%XX` escapes (any byte), leaving other characters as they are.
pub fn percent_decode(s: &str) -> Result<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None => return Err(NpmError::invalid_name(s, "bad percent-escape")),
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| NpmError::invalid_name(s, "not UTF-8 once decoded"))
}

fn numeric_ok(p: &str) -> bool {
    !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
}

fn ident_ok(p: &str) -> bool {
    !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

/// Whether `v` is a strict SemVer 2.0 version (`1.2.3`, `1.0.0-rc.1+build.5`), as npm
/// publishes them (npm cleans `v1.2.3` to `1.2.3` before sending).
pub fn is_valid_version(v: &str) -> bool {
    if v.len() > 256 {
        return false;
    }
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let nums: Vec<&str> = core.split('.').collect();
    nums.len() == 3
        && nums.iter().all(|n| numeric_ok(n))
        && pre.is_none_or(|p| {
            p.split('.').all(|id| {
                ident_ok(id) && (!id.bytes().all(|c| c.is_ascii_digit()) || numeric_ok(id))
            })
        })
        && build.is_none_or(|b| b.split('.').all(ident_ok))
}

/// [`is_valid_version`] as a check, also requiring the CodeArtifact version pattern.
pub fn validate_version(v: &str) -> Result<()> {
    if is_valid_version(v) && wharf_core::names::PackageVersion::parse(v).is_ok() {
        Ok(())
    } else {
        Err(NpmError::InvalidVersion(v.to_owned()))
    }
}
