//! Validated names: the only way to hold a domain, repository, package or version name in Wharf.
//!
//! Each type's constructor enforces the service model's length and pattern for that member
//! (quoted on the type), so code that holds a [`DomainName`] never checks it again. Per-format
//! rules that involve several members (a namespace required for maven, forbidden for pypi; the
//! name normalisation of NuGet and Swift) live on [`PackageFormat`] and [`PackageCoordinate`].

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_general_category::{GeneralCategory, get_general_category};

/// Declares a validated string newtype: `parse` is the only constructor.
macro_rules! validated_name {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, check = $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The request member this type is checked as when no other is named.
            pub const FIELD: &'static str = $field;

            /// Checks `value` as the request member `field`.
            pub fn parse_as(value: &str, field: &str) -> Result<Self, FieldError> {
                $check(value, field)?;
                Ok($name(value.to_owned()))
            }

            /// Checks `value` as the member this type is usually sent as.
            pub fn parse(value: &str) -> Result<Self, FieldError> {
                Self::parse_as(value, Self::FIELD)
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(value: String) -> Result<Self, FieldError> {
                $check(&value, $field)?;
                Ok($name(value))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// Checks the length in characters; the message shows the value escaped
/// ([`escape_other_category`]).
fn check_length(value: &str, field: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < min {
        return Err(FieldError::constraint(
            field,
            &escape_other_category(value),
            &format!("have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        return Err(FieldError::constraint(
            field,
            &escape_other_category(value),
            &format!("have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// "Member must satisfy regular expression pattern", showing the value escaped
/// ([`escape_other_category`]).
fn pattern_error(field: &str, value: &str, pattern: &str) -> FieldError {
    FieldError::constraint(
        field,
        &escape_other_category(value),
        &format!("satisfy regular expression pattern: {pattern}"),
    )
}

/// `DomainName`: 2–50 characters, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`.
pub const DOMAIN_PATTERN: &str = r"[a-z][a-z0-9\-]{0,48}[a-z0-9]";
/// `RepositoryName`: 2–100 characters, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`.
pub const REPOSITORY_PATTERN: &str = r"[A-Za-z0-9][A-Za-z0-9._\-]{1,99}";
/// `PackageNamespace`, `PackageName` and `PackageVersion`: 1–255 characters, `[^#/\s]+`
/// (Wharf also refuses [`is_other_category`] characters: see [`NO_CONTROL_CONSTRAINT`]).
pub const NAME_PATTERN: &str = r"[^#/\s]+";

fn check_domain(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 2, 50)?;
    let b = value.as_bytes();
    let ok = b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[b.len() - 1] != b'-';
    if ok {
        Ok(())
    } else {
        Err(pattern_error(field, value, DOMAIN_PATTERN))
    }
}

fn check_account(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 12, 12)?;
    if value.bytes().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(pattern_error(field, value, "[0-9]{12}"))
    }
}

fn check_repository(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 2, 100)?;
    let b = value.as_bytes();
    let ok = b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(pattern_error(field, value, REPOSITORY_PATTERN))
    }
}

/// The constraint a name with a `\p{C}` character breaks (Wharf's addition to the model's
/// [`NAME_PATTERN`], which would let NUL and bidi overrides through).
pub const NO_CONTROL_CONSTRAINT: &str =
    "not contain control, format, private-use or unassigned characters (\\p{C})";

fn check_name(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 1, 255)?;
    if !value
        .chars()
        .all(|c| c != '#' && c != '/' && !c.is_whitespace())
    {
        return Err(pattern_error(field, value, NAME_PATTERN));
    }
    if value.chars().any(is_other_category) {
        return Err(FieldError::constraint(
            field,
            &escape_other_category(value),
            NO_CONTROL_CONSTRAINT,
        ));
    }
    Ok(())
}

fn check_revision(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 1, 50)?;
    if value.chars().all(|c| !c.is_whitespace()) {
        Ok(())
    } else {
        Err(pattern_error(field, value, r"\S+"))
    }
}

/// Whether `c` is in Unicode's "other" category `\p{C}`: a control character (NUL, C0, C1),
/// a format character (the bidi controls U+202A–U+202E and U+2066–U+2069, the marks U+200E
/// and U+200F, zero-width characters, ...), a surrogate, a private-use or an unassigned code
/// point. Names and asset names never contain one.
pub fn is_other_category(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
    )
}

/// `value` with each [`is_other_category`] character written as `\u{XXXX}`, so that an error
/// message shows what was refused without carrying the invisible or reordering characters.
pub fn escape_other_category(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if is_other_category(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn check_asset(value: &str, field: &str) -> Result<(), FieldError> {
    check_length(value, field, 1, 255)?;
    if value.chars().any(is_other_category) {
        Err(pattern_error(field, value, r"\P{C}+"))
    } else {
        Ok(())
    }
}

validated_name!(
    /// The name of a domain: 2–50 characters matching [`DOMAIN_PATTERN`].
    DomainName, field = "domain", check = check_domain
);
validated_name!(
    /// A 12-digit AWS account number (the domain owner).
    AccountId, field = "domainOwner", check = check_account
);
validated_name!(
    /// The name of a repository: 2–100 characters matching [`REPOSITORY_PATTERN`].
    RepositoryName, field = "repository", check = check_repository
);
validated_name!(
    /// A package namespace (npm scope without `@`, maven groupId, ...): 1–255 characters matching
    /// [`NAME_PATTERN`], none of them [`is_other_category`].
    Namespace, field = "namespace", check = check_name
);
validated_name!(
    /// A package name: 1–255 characters matching [`NAME_PATTERN`], none of them
    /// [`is_other_category`].
    PackageName, field = "package", check = check_name
);
validated_name!(
    /// A package version string: 1–255 characters matching [`NAME_PATTERN`], none of them
    /// [`is_other_category`].
    PackageVersion, field = "packageVersion", check = check_name
);
validated_name!(
    /// A package version revision: 1–50 non-whitespace characters. Wharf computes them as
    /// 44-character base64 SHA-256 digests (see [`crate::revision`]).
    Revision, field = "revision", check = check_revision
);
validated_name!(
    /// The name of an asset: 1–255 characters with no Unicode "other" (C) category character.
    /// [`AssetName::check_generic`] adds the stricter rules of the generic format.
    AssetName, field = "asset", check = check_asset
);

impl AssetName {
    /// The generic format's extra asset-name rules: only letters, digits and
    /// `~ ! @ ^ & ( ) - _ + [ ] { } ; , .` and single inner spaces; never `.` or `..`.
    pub fn check_generic(&self) -> Result<(), FieldError> {
        let s = self.as_str();
        let allowed = |c: char| {
            matches!(
                get_general_category(c),
                GeneralCategory::LowercaseLetter
                    | GeneralCategory::ModifierLetter
                    | GeneralCategory::OtherLetter
                    | GeneralCategory::TitlecaseLetter
                    | GeneralCategory::UppercaseLetter
                    | GeneralCategory::LetterNumber
                    | GeneralCategory::DecimalNumber
            ) || "~!@^&()-_+[]{};,. ".contains(c)
        };
        let bad_spaces = s.starts_with(' ') || s.ends_with(' ') || s.contains("  ");
        if s == "." || s == ".." || bad_spaces || !s.chars().all(allowed) {
            return Err(FieldError::rule(
                "asset",
                format!(
                    "Value '{s}' at 'asset' failed to satisfy constraint: Generic asset names may \
                     contain only letters, digits, single inner spaces and ~!@^&()-_+[]{{}};,. and \
                     may not be '.' or '..'"
                ),
            ));
        }
        Ok(())
    }
}

/// Whether a format uses the namespace member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamespaceRule {
    /// The namespace must be given (maven, swift, generic).
    Required,
    /// The namespace may be given (npm scopes).
    Optional,
    /// The format has no namespace (pypi, nuget, ruby, cargo).
    Forbidden,
}

/// A package format, as the `format` member spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageFormat {
    /// npm packages (namespace = scope without `@`).
    Npm,
    /// Python packages.
    Pypi,
    /// Maven artifacts (namespace = groupId).
    Maven,
    /// NuGet packages.
    Nuget,
    /// Generic packages: any files, published through PublishPackageVersion.
    Generic,
    /// Ruby gems.
    Ruby,
    /// Swift packages (namespace = scope).
    Swift,
    /// Cargo crates.
    Cargo,
}

impl PackageFormat {
    /// Every format, in the model's order.
    pub const ALL: [PackageFormat; 8] = [
        PackageFormat::Npm,
        PackageFormat::Pypi,
        PackageFormat::Maven,
        PackageFormat::Nuget,
        PackageFormat::Generic,
        PackageFormat::Ruby,
        PackageFormat::Swift,
        PackageFormat::Cargo,
    ];

    /// The wire spelling (`npm`, `pypi`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageFormat::Npm => "npm",
            PackageFormat::Pypi => "pypi",
            PackageFormat::Maven => "maven",
            PackageFormat::Nuget => "nuget",
            PackageFormat::Generic => "generic",
            PackageFormat::Ruby => "ruby",
            PackageFormat::Swift => "swift",
            PackageFormat::Cargo => "cargo",
        }
    }

    /// Parses the `format` member (exact, lowercase, as the model's enum).
    pub fn parse_as(value: &str, field: &str) -> Result<Self, FieldError> {
        PackageFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == value)
            .ok_or_else(|| {
                FieldError::constraint(
                    field,
                    &escape_other_category(value),
                    "satisfy enum value set: [npm, pypi, maven, nuget, generic, ruby, swift, cargo]",
                )
            })
    }

    /// Whether this format requires, allows or forbids a namespace.
    pub fn namespace_rule(self) -> NamespaceRule {
        match self {
            PackageFormat::Maven | PackageFormat::Swift | PackageFormat::Generic => {
                NamespaceRule::Required
            }
            PackageFormat::Npm => NamespaceRule::Optional,
            PackageFormat::Pypi
            | PackageFormat::Nuget
            | PackageFormat::Ruby
            | PackageFormat::Cargo => NamespaceRule::Forbidden,
        }
    }

    /// The name as stored and compared. PyPI follows PEP 503 (lowercase, runs of `.`, `-`, `_`
    /// become one `-`); NuGet and Swift lowercase; the others keep the name as given.
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            PackageFormat::Pypi => {
                let mut out = String::with_capacity(name.len());
                let mut in_run = false;
                for c in name.chars() {
                    if matches!(c, '.' | '-' | '_') {
                        if !in_run {
                            out.push('-');
                        }
                        in_run = true;
                    } else {
                        out.extend(c.to_lowercase());
                        in_run = false;
                    }
                }
                out
            }
            PackageFormat::Nuget | PackageFormat::Swift => name.to_lowercase(),
            PackageFormat::Npm
            | PackageFormat::Maven
            | PackageFormat::Generic
            | PackageFormat::Ruby
            | PackageFormat::Cargo => name.to_owned(),
        }
    }

    /// Whether API callers' names are normalised on input (NuGet and Swift) or must already be
    /// in stored form (every other format; a PyPI caller must send the PEP 503 name).
    pub fn normalizes_api_input(self) -> bool {
        matches!(self, PackageFormat::Nuget | PackageFormat::Swift)
    }

    /// The version as stored and compared. Only NuGet normalises: build metadata dropped,
    /// leading zeros dropped, a zero fourth part dropped, missing parts filled to three
    /// (`12.0.03.0` → `12.0.3`, `1.0.7+r3456` → `1.0.7`).
    pub fn normalize_version(self, version: &str) -> String {
        if self != PackageFormat::Nuget {
            return version.to_owned();
        }
        let without_build = version.split('+').next().unwrap_or(version);
        let (release, pre) = match without_build.split_once('-') {
            Some((r, p)) => (r, Some(p)),
            None => (without_build, None),
        };
        let mut parts: Vec<String> = release
            .split('.')
            .map(|p| {
                if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                    let t = p.trim_start_matches('0');
                    if t.is_empty() { "0".into() } else { t.into() }
                } else {
                    p.to_owned()
                }
            })
            .collect();
        if parts.len() == 4 && parts[3] == "0" {
            parts.pop();
        }
        while parts.len() < 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            parts.push("0".into());
        }
        let mut out = parts.join(".");
        if let Some(p) = pre {
            out.push('-');
            out.push_str(&p.to_lowercase());
        }
        out
    }
}

impl fmt::Display for PackageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lifecycle status of a package version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PackageVersionStatus {
    /// Visible and installable.
    Published,
    /// Still receiving assets (generic `--unfinished` publishes).
    Unfinished,
    /// Installable when named, hidden from the package manager's version list.
    Unlisted,
    /// Kept but not installable.
    Archived,
    /// Assets deleted; only the record remains.
    Disposed,
    /// Gone; reported only in DeletePackageVersions' result.
    Deleted,
}

impl PackageVersionStatus {
    /// Every status, in the model's order.
    pub const ALL: [PackageVersionStatus; 6] = [
        PackageVersionStatus::Published,
        PackageVersionStatus::Unfinished,
        PackageVersionStatus::Unlisted,
        PackageVersionStatus::Archived,
        PackageVersionStatus::Disposed,
        PackageVersionStatus::Deleted,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageVersionStatus::Published => "Published",
            PackageVersionStatus::Unfinished => "Unfinished",
            PackageVersionStatus::Unlisted => "Unlisted",
            PackageVersionStatus::Archived => "Archived",
            PackageVersionStatus::Disposed => "Disposed",
            PackageVersionStatus::Deleted => "Deleted",
        }
    }

    /// Parses a status member (`status`, `expectedStatus`, `targetStatus`).
    pub fn parse_as(value: &str, field: &str) -> Result<Self, FieldError> {
        PackageVersionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                FieldError::constraint(
                    field,
                    &escape_other_category(value),
                    "satisfy enum value set: [Published, Unfinished, Unlisted, Archived, Disposed, Deleted]",
                )
            })
    }

    /// Whether a version in this status can be copied (Published and Unlisted).
    pub fn is_copyable(self) -> bool {
        matches!(
            self,
            PackageVersionStatus::Published | PackageVersionStatus::Unlisted
        )
    }
}

impl fmt::Display for PackageVersionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A package within a repository: format, optional namespace and name, normalised as stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PackageCoordinate {
    /// The package format.
    pub format: PackageFormat,
    /// The namespace, where the format has one.
    pub namespace: Option<Namespace>,
    /// The package name.
    pub name: PackageName,
}

impl PackageCoordinate {
    /// Checks the `format`, `namespace` and `package` members together: each one's pattern,
    /// the format's namespace rule, and the input normalisation of NuGet and Swift. Returns
    /// every violation found.
    pub fn parse(
        format: &str,
        namespace: Option<&str>,
        package: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let format = PackageFormat::parse_as(format, "format")
            .map_err(|e| errors.push(e))
            .ok();
        let namespace = namespace
            .map(|ns| Namespace::parse_as(ns, "namespace"))
            .transpose()
            .map_err(|e| errors.push(e))
            .ok();
        let name = PackageName::parse_as(package, "package")
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(format), Some(namespace)) = (format, &namespace) {
            match (format.namespace_rule(), namespace) {
                (NamespaceRule::Required, None) => errors.push(FieldError::rule(
                    "namespace",
                    format!("A namespace is required for {format} packages"),
                )),
                (NamespaceRule::Forbidden, Some(ns)) => errors.push(FieldError::rule(
                    "namespace",
                    format!(
                        "Value '{ns}' at 'namespace' failed to satisfy constraint: {format} packages do not have a namespace"
                    ),
                )),
                _ => {}
            }
        }
        match (format, namespace, name) {
            (Some(format), Some(namespace), Some(name)) if errors.is_empty() => {
                let c = PackageCoordinate::normalized(format, namespace, name);
                // Lowercasing can lengthen a name (`İ` becomes `i̇`, two characters): the
                // stored form must pass the same checks as the input.
                if let Some(ns) = &c.namespace {
                    errors.extend(Namespace::parse_as(ns.as_str(), "namespace").err());
                }
                errors.extend(PackageName::parse_as(c.name.as_str(), "package").err());
                if errors.is_empty() {
                    Ok(c)
                } else {
                    Err(errors)
                }
            }
            _ => Err(errors),
        }
    }

    /// Applies the format's input normalisation to already-valid parts. Lowercasing keeps the
    /// pattern but may lengthen a name past 255 characters, which [`PackageCoordinate::parse`]
    /// checks afterwards.
    pub fn normalized(
        format: PackageFormat,
        namespace: Option<Namespace>,
        name: PackageName,
    ) -> Self {
        if !format.normalizes_api_input() {
            return PackageCoordinate {
                format,
                namespace,
                name,
            };
        }
        let lower_ns = |ns: Namespace| Namespace(ns.0.to_lowercase());
        PackageCoordinate {
            format,
            namespace: if format == PackageFormat::Swift {
                namespace.map(lower_ns)
            } else {
                namespace
            },
            name: PackageName(format.normalize_name(name.as_str())),
        }
    }

    /// The name as package managers show it: `@scope/name` for npm, `group:artifact` for
    /// maven, `namespace/name` for the others with a namespace.
    pub fn display_name(&self) -> String {
        match (&self.namespace, self.format) {
            (None, _) => self.name.to_string(),
            (Some(ns), PackageFormat::Npm) => format!("@{ns}/{}", self.name),
            (Some(ns), PackageFormat::Maven) => format!("{ns}:{}", self.name),
            (Some(ns), _) => format!("{ns}/{}", self.name),
        }
    }
}

#[cfg(test)]
#[path = "names/tests.rs"]
mod tests;

// Property tests need proptest, which is native-only; the browser runs tests/wasm.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "names/props.rs"]
mod props;
