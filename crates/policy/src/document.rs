//! Policy documents: the IAM JSON grammar subset Wharf accepts, validated per kind.
//!
//! Accepted grammar (anything else is rejected with a [`PolicyError`] whose message names the
//! statement and the problem):
//!
//! - `Version`: `"2012-10-17"` or `"2008-10-17"`; optional, as in IAM (absent means 2008-10-17).
//! - `Id`: optional string, ignored.
//! - `Statement`: one object or a non-empty array of objects, each with
//!   - `Sid`: optional string, unique within the document;
//!   - `Effect`: `"Allow"` or `"Deny"` (case-sensitive, as in IAM);
//!   - exactly one of `Action` / `NotAction`: a string or non-empty array of `*` or
//!     `service:pattern` (matched case-insensitively, see [`crate::matching`]);
//!   - exactly one of `Resource` / `NotResource`: a string or non-empty array of `*` or ARN
//!     patterns (case-sensitive);
//!   - `Principal`: **required** in resource policies and **forbidden** in identity policies:
//!     `"*"` or `{"AWS": …}` with a string or array of `"*"`, 12-digit account ids, account root
//!     ARNs (`arn:aws:iam::123456789012:root`) or principal ARNs (users, roles).
//!
//! Deviations from IAM, each refused rather than ignored so that no policy ever grants more, or
//! denies less, than its author meant: `Condition`, `NotPrincipal`, principal types other than
//! `AWS`, and `${…}` policy variables (under Version 2012-10-17; under 2008-10-17 they are
//! literal text, as in IAM).
//!
//! Size limits apply to the submitted text in bytes: 5120 for resource policies (CodeArtifact's
//! limit for domain and repository policies) and 6144 for identity policies (IAM's managed policy
//! limit, which IAM counts without whitespace; Wharf counts every byte).

mod error;
mod parse;

use serde::Serialize;

use crate::matching::{action_matches, resource_matches};

pub use error::{DocumentProblem, PolicyError, StatementProblem, StatementRef};

/// Whether a document is attached to an identity (user) or to a resource (domain, repository).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PolicyKind {
    /// An identity-based policy: no `Principal`, limit 6144 bytes.
    Identity,
    /// A resource-based policy on a domain or repository: `Principal` required, limit 5120 bytes.
    Resource,
}

impl PolicyKind {
    /// Maximum size of the document text in bytes.
    pub const fn max_size(self) -> usize {
        match self {
            Self::Identity => 6144,
            Self::Resource => 5120,
        }
    }
}

impl std::fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Identity => "identity",
            Self::Resource => "resource",
        })
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    /// `2012-10-17`, the current version.
    V2012_10_17,
    /// `2008-10-17`, also the default when `Version` is absent.
    V2008_10_17,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    /// Grants the matched requests.
    Allow,
    /// Denies the matched requests, overriding any Allow.
    Deny,
}

/// A list of patterns from `Action`/`Resource` (`Only`) or `NotAction`/`NotResource` (`AllExcept`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternSet {
    /// Matches a value that matches any of the patterns.
    Only(Vec<String>),
    /// Matches a value that matches none of the patterns.
    AllExcept(Vec<String>),
}

impl PatternSet {
    fn matches(&self, value: &str, one: fn(&str, &str) -> bool) -> bool {
        match self {
            Self::Only(patterns) => patterns.iter().any(|p| one(p, value)),
            Self::AllExcept(patterns) => !patterns.iter().any(|p| one(p, value)),
        }
    }
}

/// One entry of `{"AWS": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AwsPrincipal {
    /// A whole account: `"123456789012"` or `"arn:aws:iam::123456789012:root"`.
    Account(String),
    /// A specific principal ARN (user, role, …), compared exactly.
    Arn(String),
}

/// The `Principal` element of a resource policy statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSet {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Any,
    /// `{"AWS": …}` without `*`.
    Aws(Vec<AwsPrincipal>),
}

/// One validated statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: PatternSet,
    /// `Resource` or `NotResource`.
    pub resources: PatternSet,
    /// `Principal`: always `Some` in resource policies, `None` in identity policies.
    pub principal: Option<PrincipalSet>,
}

impl Statement {
    /// Whether the statement's action and resource elements cover the request (the principal is
    /// not considered here).
    pub fn covers(&self, action: &str, resource: &str) -> bool {
        self.actions.matches(action, action_matches)
            && self.resources.matches(resource, resource_matches)
    }
}

/// A validated policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Identity or resource policy.
    pub kind: PolicyKind,
    /// The `Version`; `None` when absent.
    pub version: Option<PolicyVersion>,
    /// The `Id`, if any.
    pub id: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Validates `text` as a policy document of the given kind.
    ///
    /// Checks the size limit first, then the JSON, then the grammar described in the module
    /// documentation; the first problem found is returned.
    pub fn parse(text: &str, kind: PolicyKind) -> Result<Self, PolicyError> {
        let max = kind.max_size();
        if text.len() > max {
            return Err(PolicyError::TooLarge {
                kind,
                size: text.len(),
                max,
            });
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PolicyError::Json(e.to_string()))?;
        parse::document(&value, kind)
    }

    /// Validates an identity policy.
    pub fn parse_identity(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text, PolicyKind::Identity)
    }

    /// Validates a resource (domain or repository) policy.
    pub fn parse_resource(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text, PolicyKind::Resource)
    }
}
