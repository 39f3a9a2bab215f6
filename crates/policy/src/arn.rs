//! CodeArtifact resource ARNs and IAM principal ARNs (spec §7.2).
//!
//! Resource ARNs always carry the **domain owner** account, never the repository administrator:
//!
//! ```text
//! arn:aws:codeartifact:{region}:{owner}:domain/{domain}
//! arn:aws:codeartifact:{region}:{owner}:repository/{domain}/{repository}
//! arn:aws:codeartifact:{region}:{owner}:package/{domain}/{repository}/{format}/{namespace}/{package}
//! arn:aws:codeartifact:{region}:{owner}:package/{domain}/{repository}/{format}//{package}
//! arn:aws:codeartifact:{region}:{owner}:package-group/{domain}{encoded pattern}
//! ```
//!
//! Callers pass names already normalised (PyPI, NuGet, Swift), as ARNs must use normalised names.
//! The package-group pattern (which starts with `/`, e.g. `/npm/my-scope/*`) is percent-encoded
//! except for ASCII letters, digits, `-._~` and `/`, so the pattern's own `*` and `$` never act as
//! policy wildcards; AWS does not document its encoding, so this is Wharf's choice.
//!
//! Principal ARNs: `arn:aws:iam::{account}:root` and `arn:aws:iam::{account}:user/{name}`;
//! [`IamArn::parse`] also accepts other IAM/STS principal ARNs (roles, assumed roles).

use std::fmt;

/// The only partition Wharf serves.
pub const PARTITION: &str = "aws";

/// An ARN that could not be parsed; the message says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid ARN {arn:?}: {reason}")]
pub struct ArnError {
    /// The rejected input.
    pub arn: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

fn err<T>(arn: &str, reason: &'static str) -> Result<T, ArnError> {
    Err(ArnError {
        arn: arn.to_owned(),
        reason,
    })
}

/// Whether `s` is a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:aws:codeartifact:{region}:{owner}:domain/{domain}`.
pub fn domain_arn(region: &str, owner: &str, domain: &str) -> String {
    format!("arn:{PARTITION}:codeartifact:{region}:{owner}:domain/{domain}")
}

/// `arn:aws:codeartifact:{region}:{owner}:repository/{domain}/{repository}`.
pub fn repository_arn(region: &str, owner: &str, domain: &str, repository: &str) -> String {
    format!("arn:{PARTITION}:codeartifact:{region}:{owner}:repository/{domain}/{repository}")
}

/// `arn:aws:codeartifact:{region}:{owner}:package/{domain}/{repository}/{format}/{namespace}/{package}`;
/// a missing or empty namespace gives `{format}//{package}`.
pub fn package_arn(
    region: &str,
    owner: &str,
    domain: &str,
    repository: &str,
    format: &str,
    namespace: Option<&str>,
    package: &str,
) -> String {
    let namespace = namespace.unwrap_or("");
    format!(
        "arn:{PARTITION}:codeartifact:{region}:{owner}:package/{domain}/{repository}/{format}/{namespace}/{package}"
    )
}

/// `arn:aws:codeartifact:{region}:{owner}:package-group/{domain}{encoded pattern}`.
pub fn package_group_arn(region: &str, owner: &str, domain: &str, pattern: &str) -> String {
    let encoded = encode_pattern(pattern);
    format!("arn:{PARTITION}:codeartifact:{region}:{owner}:package-group/{domain}{encoded}")
}

/// `arn:aws:iam::{account}:user/{name}`.
pub fn user_arn(account: &str, name: &str) -> String {
    format!("arn:{PARTITION}:iam::{account}:user/{name}")
}

/// `arn:aws:iam::{account}:root`.
pub fn root_arn(account: &str) -> String {
    format!("arn:{PARTITION}:iam::{account}:root")
}

fn encode_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for b in pattern.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_pattern(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = encoded.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A parsed CodeArtifact resource ARN. `Display` gives back the canonical ARN string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceArn {
    /// `domain/{domain}`.
    Domain {
        /// Region, e.g. `us-west-2`.
        region: String,
        /// Domain owner account.
        owner: String,
        /// Domain name.
        domain: String,
    },
    /// `repository/{domain}/{repository}`.
    Repository {
        /// Region.
        region: String,
        /// Domain owner account.
        owner: String,
        /// Domain name.
        domain: String,
        /// Repository name.
        repository: String,
    },
    /// `package/{domain}/{repository}/{format}/{namespace}/{package}`.
    Package {
        /// Region.
        region: String,
        /// Domain owner account.
        owner: String,
        /// Domain name.
        domain: String,
        /// Repository name.
        repository: String,
        /// Package format as in the API (`npm`, `maven`, …).
        format: String,
        /// Namespace; `None` when the ARN has `//`.
        namespace: Option<String>,
        /// Package name.
        package: String,
    },
    /// `package-group/{domain}{encoded pattern}`.
    PackageGroup {
        /// Region.
        region: String,
        /// Domain owner account.
        owner: String,
        /// Domain name.
        domain: String,
        /// The decoded package group pattern, starting with `/`.
        pattern: String,
    },
}

impl ResourceArn {
    /// Parses a CodeArtifact ARN of one of the four resource types.
    pub fn parse(arn: &str) -> Result<Self, ArnError> {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, owner, resource] = fields[..] else {
            return err(
                arn,
                "expected arn:partition:service:region:account:resource",
            );
        };
        if prefix != "arn" || partition != PARTITION {
            return err(arn, "expected an arn:aws: prefix");
        }
        if service != "codeartifact" {
            return err(arn, "not a codeartifact ARN");
        }
        if region.is_empty() {
            return err(arn, "the region is empty");
        }
        if !is_account_id(owner) {
            return err(arn, "the account is not a 12-digit account id");
        }
        let (region, owner) = (region.to_owned(), owner.to_owned());
        let (kind, rest) = resource
            .split_once('/')
            .ok_or(())
            .or_else(|()| err(arn, "the resource has no type/ prefix"))?;
        let parts: Vec<&str> = rest.split('/').collect();
        let nonempty = |p: &[&str]| p.iter().all(|s| !s.is_empty());
        match (kind, parts.as_slice()) {
            ("domain", [domain]) if nonempty(&parts) => Ok(Self::Domain {
                region,
                owner,
                domain: (*domain).to_owned(),
            }),
            ("repository", [domain, repository]) if nonempty(&parts) => Ok(Self::Repository {
                region,
                owner,
                domain: (*domain).to_owned(),
                repository: (*repository).to_owned(),
            }),
            ("package", [domain, repository, format, namespace, package])
                if nonempty(&[domain, repository, format, package]) =>
            {
                Ok(Self::Package {
                    region,
                    owner,
                    domain: (*domain).to_owned(),
                    repository: (*repository).to_owned(),
                    format: (*format).to_owned(),
                    namespace: (!namespace.is_empty()).then(|| (*namespace).to_owned()),
                    package: (*package).to_owned(),
                })
            }
            ("package-group", [domain, _, ..]) if !domain.is_empty() => {
                let encoded = &rest[domain.len()..];
                let pattern = decode_pattern(encoded)
                    .ok_or(())
                    .or_else(|()| err(arn, "the package group pattern is badly encoded"))?;
                Ok(Self::PackageGroup {
                    region,
                    owner,
                    domain: (*domain).to_owned(),
                    pattern,
                })
            }
            ("domain" | "repository" | "package" | "package-group", _) => {
                err(arn, "wrong number of path segments for the resource type")
            }
            _ => err(arn, "unknown CodeArtifact resource type"),
        }
    }

    /// The domain owner account (the ARN's account field).
    pub fn owner(&self) -> &str {
        match self {
            Self::Domain { owner, .. }
            | Self::Repository { owner, .. }
            | Self::Package { owner, .. }
            | Self::PackageGroup { owner, .. } => owner,
        }
    }

    /// The domain name.
    pub fn domain(&self) -> &str {
        match self {
            Self::Domain { domain, .. }
            | Self::Repository { domain, .. }
            | Self::Package { domain, .. }
            | Self::PackageGroup { domain, .. } => domain,
        }
    }

    /// The repository name, for repository and package ARNs.
    pub fn repository(&self) -> Option<&str> {
        match self {
            Self::Repository { repository, .. } | Self::Package { repository, .. } => {
                Some(repository)
            }
            Self::Domain { .. } | Self::PackageGroup { .. } => None,
        }
    }
}

impl fmt::Display for ResourceArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Self::Domain {
                region,
                owner,
                domain,
            } => domain_arn(region, owner, domain),
            Self::Repository {
                region,
                owner,
                domain,
                repository,
            } => repository_arn(region, owner, domain, repository),
            Self::Package {
                region,
                owner,
                domain,
                repository,
                format,
                namespace,
                package,
            } => package_arn(
                region,
                owner,
                domain,
                repository,
                format,
                namespace.as_deref(),
                package,
            ),
            Self::PackageGroup {
                region,
                owner,
                domain,
                pattern,
            } => package_group_arn(region, owner, domain, pattern),
        };
        f.write_str(&s)
    }
}

/// A parsed IAM (or STS) principal ARN: `arn:aws:iam::{account}:root`, `…:user/{name}`, or any
/// other `arn:aws:iam::`/`arn:aws:sts::` principal (roles, assumed-role sessions).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IamArn {
    /// `arn:aws:iam::{account}:root`: the account itself.
    Root {
        /// Account id.
        account: String,
    },
    /// `arn:aws:iam::{account}:user/{name}` (the name may include an IAM path).
    User {
        /// Account id.
        account: String,
        /// User name, possibly `path/name`.
        name: String,
    },
    /// Any other principal ARN, kept verbatim.
    Other {
        /// Account id.
        account: String,
        /// The full ARN.
        arn: String,
    },
}

impl IamArn {
    /// Parses a principal ARN.
    pub fn parse(arn: &str) -> Result<Self, ArnError> {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = fields[..] else {
            return err(arn, "expected arn:aws:iam::account:resource");
        };
        if prefix != "arn" || partition != PARTITION {
            return err(arn, "expected an arn:aws: prefix");
        }
        if service != "iam" && service != "sts" {
            return err(arn, "a principal ARN must be an iam or sts ARN");
        }
        if !region.is_empty() {
            return err(arn, "IAM ARNs have an empty region");
        }
        if !is_account_id(account) {
            return err(arn, "the account is not a 12-digit account id");
        }
        let account = account.to_owned();
        match (service, resource) {
            ("iam", "root") => Ok(Self::Root { account }),
            ("iam", r) if r.starts_with("user/") && r.len() > "user/".len() => Ok(Self::User {
                account,
                name: r["user/".len()..].to_owned(),
            }),
            (_, r) if r.contains('/') && !r.ends_with('/') => Ok(Self::Other {
                account,
                arn: arn.to_owned(),
            }),
            _ => err(arn, "unrecognised principal resource"),
        }
    }

    /// The account the principal belongs to.
    pub fn account(&self) -> &str {
        match self {
            Self::Root { account } | Self::User { account, .. } | Self::Other { account, .. } => {
                account
            }
        }
    }
}

impl fmt::Display for IamArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root { account } => f.write_str(&root_arn(account)),
            Self::User { account, name } => f.write_str(&user_arn(account, name)),
            Self::Other { arn, .. } => f.write_str(arn),
        }
    }
}
