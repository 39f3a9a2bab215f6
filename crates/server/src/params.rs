//! Checks of the members most operations share (domain, repository, package, paging), each
//! collecting every violation so one `ValidationException` lists them all.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wharf_core::ValidationErrors;
use wharf_core::error::FieldError;
use wharf_core::names::{AccountId, DomainName, PackageCoordinate, PackageVersion, RepositoryName};

/// Collects violations while members are checked.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// A required member, parsed.
    pub fn required<T>(
        &mut self,
        value: &Option<String>,
        field: &str,
        parse: fn(&str, &str) -> Result<T, FieldError>,
    ) -> Option<T> {
        match value {
            None => {
                self.0.push(FieldError::missing(field));
                None
            }
            Some(v) => self.take(parse(v, field)),
        }
    }

    /// An optional member, parsed when present.
    pub fn optional<T>(
        &mut self,
        value: &Option<String>,
        field: &str,
        parse: fn(&str, &str) -> Result<T, FieldError>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(v) => self.take(parse(v, field)).map(Some),
        }
    }

    /// Keeps a valid value, records a violation.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    /// Records a violation.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// `Err(ValidationException)` if anything was recorded.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { errors: self.0 }.into())
        }
    }
}

/// A domain named by `domain` and `domain-owner` (the service's account by default).
#[derive(Debug, Clone)]
pub struct DomainRef {
    /// The owning account.
    pub owner: String,
    /// The domain.
    pub name: DomainName,
}

/// Checks `domain` and `domain-owner`.
pub fn domain(
    c: &mut Checks,
    account: &str,
    domain: &Option<String>,
    owner: &Option<String>,
) -> Option<DomainRef> {
    let name = c.required(domain, "domain", DomainName::parse_as);
    let owner = c.optional(owner, "domainOwner", AccountId::parse_as)?;
    Some(DomainRef {
        owner: owner
            .map(|o| o.to_string())
            .unwrap_or_else(|| account.to_owned()),
        name: name?,
    })
}

/// Checks `repository`.
pub fn repository(c: &mut Checks, value: &Option<String>) -> Option<RepositoryName> {
    c.required(value, "repository", RepositoryName::parse_as)
}

/// Checks `format`, `namespace` and `package` together (with the format's rules).
pub fn package(
    c: &mut Checks,
    format: &Option<String>,
    namespace: &Option<String>,
    package: &Option<String>,
) -> Option<PackageCoordinate> {
    let (Some(f), Some(p)) = (format, package) else {
        if format.is_none() {
            c.push(FieldError::missing("format"));
        }
        if package.is_none() {
            c.push(FieldError::missing("package"));
        }
        return None;
    };
    match PackageCoordinate::parse(f, namespace.as_deref(), p) {
        Ok(coord) => Some(coord),
        Err(errors) => {
            errors.into_iter().for_each(|e| c.push(e));
            None
        }
    }
}

/// Checks a version member and normalises it for the format.
pub fn version(
    c: &mut Checks,
    value: &Option<String>,
    field: &str,
    coord: Option<&PackageCoordinate>,
) -> Option<PackageVersion> {
    let v = c.required(value, field, PackageVersion::parse_as)?;
    match coord {
        Some(k) => PackageVersion::parse_as(&k.format.normalize_version(v.as_str()), field)
            .ok()
            .or(Some(v)),
        None => Some(v),
    }
}

/// Checks `max-results` (1 to 1000, default 50).
pub fn max_results(c: &mut Checks, value: &Option<String>) -> i64 {
    let Some(v) = value else { return 50 };
    match v.parse::<i64>() {
        Ok(n) if (1..=1000).contains(&n) => n,
        _ => {
            c.push(FieldError::constraint(
                "maxResults",
                v,
                "have value between 1 and 1000",
            ));
            50
        }
    }
}

/// Encodes an opaque page token (base64 of JSON).
pub fn encode_token<T: Serialize>(value: &T) -> String {
    STANDARD.encode(serde_json::to_vec(value).unwrap_or_default())
}

/// Decodes a page token, reporting a bad one as a violation.
pub fn decode_token<T: DeserializeOwned>(c: &mut Checks, token: &Option<String>) -> Option<T> {
    let t = token.as_ref()?;
    let decoded = STANDARD
        .decode(t)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if decoded.is_none() {
        c.push(FieldError::constraint(
            "nextToken",
            t,
            "be a token returned by a previous call",
        ));
    }
    decoded
}

/// A member after [`Checks::finish`] returned `Ok`: every check that yields `None` records a
/// violation, so `None` here is a bug in the checks, reported as a logged
/// `InternalServerException` instead of a panic.
pub fn validated<T>(value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "a member passed its checks without a value ({})",
            std::any::type_name::<T>()
        ))
    })
}
