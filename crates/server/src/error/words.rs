//! The one place that words storage's refusals for people: each [`Missing`], [`Clash`] and
//! [`Limit`] becomes the `resourceType`, `resourceId` and message CodeArtifact's exceptions
//! carry. npm's and PyPI's error bodies reuse the message.

use crate::store::{Clash, Limit, Missing, PolicyHolder};

/// A storage refusal as the wire names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// `domain`, `repository`, `package`, `package-version`, `asset`, ... (empty for a package
    /// group: CodeArtifact's `ResourceType` has no value for one).
    pub resource_type: &'static str,
    /// The resource's name or id.
    pub resource_id: String,
    /// The sentence for people.
    pub message: String,
}

fn words(resource_type: &'static str, resource_id: impl Into<String>, message: String) -> Words {
    Words {
        resource_type,
        resource_id: resource_id.into(),
        message,
    }
}

fn holder(h: PolicyHolder) -> &'static str {
    match h {
        PolicyHolder::Domain => "domain",
        PolicyHolder::Repository => "repository",
    }
}

/// What a `ResourceNotFoundException` (or npm's and PyPI's 404) says.
pub fn missing(m: &Missing) -> Words {
    match m {
        Missing::Domain { domain } => words("domain", domain, format!("Domain {domain} not found")),
        Missing::Repository { domain, repository } => words(
            "repository",
            repository,
            format!("Repository {repository} not found in domain {domain}"),
        ),
        Missing::Package {
            repository,
            package,
        } => words(
            "package",
            package.name.as_str(),
            format!(
                "Package {} ({}) not found in repository {repository}",
                package.display_name(),
                package.format
            ),
        ),
        Missing::Version { package, version } => words(
            "package-version",
            version,
            format!(
                "Package version {version} of {} not found",
                package.display_name()
            ),
        ),
        Missing::User { user } => words("user", user, format!("User {user} not found")),
        Missing::AccessKey { id } => words("access-key", id, format!("Access key {id} not found")),
        Missing::UserPolicy { user, policy } => words(
            "policy",
            policy,
            format!("User {user} has no policy named {policy}"),
        ),
        Missing::ResourcePolicy { holder: h, name } => words(
            holder(*h),
            name,
            format!("No resource policy is set on {} {name}", holder(*h)),
        ),
        Missing::Webhook { id } => words("webhook", id, format!("Webhook {id} does not exist")),
        Missing::Delivery { webhook, delivery } => words(
            "delivery",
            delivery.to_string(),
            format!("Webhook {webhook} has no delivery {delivery}"),
        ),
        Missing::ExternalConnection {
            repository,
            connection,
        } => words(
            "repository",
            repository,
            format!("Repository {repository} has no external connection {connection}"),
        ),
        Missing::Promotion { id } => words("promotion", id, format!("Promotion {id} not found")),
        Missing::PackageGroup { pattern } => words(
            "",
            pattern,
            format!("Package group {pattern} does not exist"),
        ),
    }
}

/// What a `ConflictException` (or npm's and PyPI's 409) says.
pub fn clash(c: &Clash) -> Words {
    match c {
        Clash::DomainExists { domain } => {
            words("domain", domain, format!("Domain {domain} already exists"))
        }
        Clash::DomainNotEmpty {
            domain,
            repositories,
        } => words(
            "domain",
            domain,
            format!("Domain {domain} still has {repositories} repositories; delete them first"),
        ),
        Clash::RepositoryExists { domain, repository } => words(
            "repository",
            repository,
            format!("Repository {repository} already exists in domain {domain}"),
        ),
        Clash::RepositoryIsUpstream {
            repository,
            downstream: d,
        } => words(
            "repository",
            repository,
            format!(
                "Repository {repository} is an upstream of {d}; remove it from {d}'s upstreams first"
            ),
        ),
        Clash::UserExists { user } => words("user", user, format!("User {user} already exists")),
        Clash::PolicyRevision {
            holder: h,
            name,
            given,
        } => words(
            holder(*h),
            name,
            format!(
                "The policy revision {given} does not match the current revision of {name}'s policy"
            ),
        ),
        Clash::PromotionReverted { id, by } => words(
            "promotion",
            id,
            format!("Promotion {id} was already reverted by {by}"),
        ),
        Clash::PromotionIrreversible { id, conflicts } => {
            let what: Vec<String> = conflicts.iter().map(ToString::to_string).collect();
            words(
                "promotion",
                id,
                format!("Promotion {id} cannot be reverted: {}", what.join("; ")),
            )
        }
        Clash::AssetDiffers { version, asset } => words(
            "asset",
            asset,
            format!("Asset {asset} of version {version} already exists with different content"),
        ),
        Clash::VersionNotUnfinished { version, status } => words(
            "package-version",
            version,
            format!(
                "Version {version} is {status}; assets can be added only while a version is Unfinished"
            ),
        ),
        Clash::PackageGroupExists { pattern } => words(
            "",
            pattern,
            format!("Package group {pattern} already exists"),
        ),
        Clash::BlockedByGroup { package, refusal } => {
            words("package", package.display_name(), refusal.clone())
        }
    }
}

/// What a `ServiceQuotaExceededException` (or npm's and PyPI's refusal) says.
pub fn limit(l: &Limit) -> Words {
    match l {
        Limit::Tags {
            arn,
            max,
            would_have,
        } => words(
            "tag",
            arn,
            format!("A resource may have at most {max} tags; {arn} would have {would_have}"),
        ),
        Limit::Assets { version, count } => words(
            "package-version",
            version,
            format!("Version {version} already has {count} assets, the most a version may have"),
        ),
    }
}
