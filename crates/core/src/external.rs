//! External connections: the names CodeArtifact's model knows, the package format each serves
//! and the public registry each points at by default (a deployment may point any of them
//! elsewhere, e.g. at an internal mirror).

use crate::error::FieldError;
use crate::names::PackageFormat;

/// One external connection CodeArtifact knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalConnection {
    /// Its name, e.g. `public:npmjs`.
    pub name: &'static str,
    /// The package format it serves.
    pub format: PackageFormat,
    /// The public registry it reaches by default.
    pub default_url: &'static str,
}

/// Every connection name of the model, with its format and public registry.
pub const EXTERNAL_CONNECTIONS: &[ExternalConnection] = &[
    connection(
        "public:npmjs",
        PackageFormat::Npm,
        "https://registry.npmjs.org/",
    ),
    connection("public:pypi", PackageFormat::Pypi, "https://pypi.org/"),
    connection(
        "public:maven-central",
        PackageFormat::Maven,
        "https://repo.maven.apache.org/maven2/",
    ),
    connection(
        "public:maven-googleandroid",
        PackageFormat::Maven,
        "https://maven.google.com/",
    ),
    connection(
        "public:maven-gradleplugins",
        PackageFormat::Maven,
        "https://plugins.gradle.org/m2/",
    ),
    connection(
        "public:maven-commonsware",
        PackageFormat::Maven,
        "https://repo.commonsware.com/",
    ),
    connection(
        "public:nuget-org",
        PackageFormat::Nuget,
        "https://api.nuget.org/v3/index.json",
    ),
    connection(
        "public:maven-clojars",
        PackageFormat::Maven,
        "https://repo.clojars.org/",
    ),
    connection(
        "public:ruby-gems-org",
        PackageFormat::Ruby,
        "https://rubygems.org/",
    ),
    connection(
        "public:crates-io",
        PackageFormat::Cargo,
        "https://index.crates.io/",
    ),
];

const fn connection(
    name: &'static str,
    format: PackageFormat,
    default_url: &'static str,
) -> ExternalConnection {
    ExternalConnection {
        name,
        format,
        default_url,
    }
}

/// The connection through which Wharf fetches npm packages. With [`PYPI_CONNECTION`], the
/// only ones that fetch anything (the formats with a package-manager endpoint in Wharf); the
/// others are stored and reported, and do nothing.
pub const NPM_CONNECTION: &str = "public:npmjs";

/// The connection through which Wharf fetches PyPI projects (its Simple API).
pub const PYPI_CONNECTION: &str = "public:pypi";

/// The connection called `name`, if the model knows it.
pub fn external_connection(name: &str) -> Option<&'static ExternalConnection> {
    EXTERNAL_CONNECTIONS.iter().find(|c| c.name == name)
}

/// Checks the `externalConnection` member: the model's pattern
/// (`[A-Za-z0-9][A-Za-z0-9._\-:]{1,99}`), then a name the model knows.
pub fn parse_connection_name(
    value: &str,
    field: &str,
) -> Result<&'static ExternalConnection, FieldError> {
    let n = value.chars().count();
    let pattern_ok = (2..=100).contains(&n)
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'));
    if !pattern_ok {
        return Err(FieldError::constraint(
            field,
            value,
            "satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9._\\-:]{1,99}",
        ));
    }
    external_connection(value).ok_or_else(|| {
        let known: Vec<&str> = EXTERNAL_CONNECTIONS.iter().map(|c| c.name).collect();
        FieldError::rule(
            field,
            format!(
                "The external connection {value} is not supported; supported: {}",
                known.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_parse_and_others_do_not() {
        let c = parse_connection_name("public:npmjs", "externalConnection").unwrap();
        assert_eq!(c.format, PackageFormat::Npm);
        assert_eq!(c.default_url, "https://registry.npmjs.org/");
        assert_eq!(
            parse_connection_name("public:crates-io", "x")
                .unwrap()
                .format,
            PackageFormat::Cargo
        );
        let unknown = parse_connection_name("public:nope", "externalConnection").unwrap_err();
        assert!(unknown.message.contains("not supported"), "{unknown}");
        let bad = parse_connection_name("p", "externalConnection").unwrap_err();
        assert!(bad.message.contains("pattern"), "{bad}");
        assert!(parse_connection_name("public:npm js", "x").is_err());
    }

    #[test]
    fn every_model_name_is_listed_once() {
        assert_eq!(EXTERNAL_CONNECTIONS.len(), 10);
        for c in EXTERNAL_CONNECTIONS {
            assert_eq!(external_connection(c.name), Some(c));
            assert!(c.default_url.starts_with("https://"), "{}", c.name);
        }
    }
}
