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

/// A repository named by `domain`, `domain-owner` and `repository`.
#[derive(Debug, Clone)]
pub struct RepositoryRef {
    /// Its domain.
    pub domain: DomainRef,
    /// The repository.
    pub name: RepositoryName,
}

/// A package named by `domain`, `domain-owner`, `repository`, `format`, `namespace` and
/// `package`.
#[derive(Debug, Clone)]
pub struct PackageRef {
    /// Its repository.
    pub repo: RepositoryRef,
    /// The package, normalised for its format.
    pub package: PackageCoordinate,
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

/// Checks `domain`, `domain-owner` and `repository` together.
pub fn repository_ref(
    c: &mut Checks,
    account: &str,
    domain: &Option<String>,
    owner: &Option<String>,
    repository: &Option<String>,
) -> Option<RepositoryRef> {
    let d = self::domain(c, account, domain, owner);
    let r = self::repository(c, repository);
    Some(RepositoryRef {
        domain: d?,
        name: r?,
    })
}

/// The members that name a package (`domain`, `domain-owner`, `repository`, `format`,
/// `namespace`, `package`), taken from any query struct that carries them.
macro_rules! package_query {
    ($q:expr) => {
        wharf_core::api::PackageQuery {
            domain: $q.domain.clone(),
            domain_owner: $q.domain_owner.clone(),
            repository: $q.repository.clone(),
            format: $q.format.clone(),
            namespace: $q.namespace.clone(),
            package: $q.package.clone(),
        }
    };
}
pub(crate) use package_query;

/// Checks the members that name one package in one repository (see [`PackageRef`]), from
/// any query that carries them.
pub fn package_ref(
    c: &mut Checks,
    account: &str,
    q: &wharf_core::api::PackageQuery,
) -> Option<PackageRef> {
    let r = repository_ref(c, account, &q.domain, &q.domain_owner, &q.repository);
    let p = package(c, &q.format, &q.namespace, &q.package);
    Some(PackageRef {
        repo: r?,
        package: p?,
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

/// A page asked for by `max-results` and `next-token`, where the token is a string key.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Page size.
    pub limit: usize,
    /// Resume after this key.
    pub after: Option<String>,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: 50,
            after: None,
        }
    }
}

/// Checks `max-results` and a `next-token` that carries a string key.
pub fn paging(c: &mut Checks, max: &Option<String>, token: &Option<String>) -> Paging {
    Paging {
        limit: max_results(c, max) as usize,
        after: decode_token(c, token),
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
