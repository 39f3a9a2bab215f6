//! Validation errors for policy documents. Their `Display` text is meant to be returned verbatim
//! as the message of a `ValidationException`.

use std::fmt;

use super::PolicyKind;

/// Why a policy document was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document text is longer than the limit for its kind.
    #[error(
        "Policy document is {size} bytes, which exceeds the maximum of {max} bytes for a {kind} policy"
    )]
    TooLarge {
        /// Identity or resource policy.
        kind: PolicyKind,
        /// Size of the submitted text in bytes.
        size: usize,
        /// The limit for `kind`.
        max: usize,
    },
    /// The text is not JSON.
    #[error("Policy document is not valid JSON: {0}")]
    Json(String),
    /// A problem with the document as a whole.
    #[error("Policy document {0}")]
    Document(DocumentProblem),
    /// A problem with one statement.
    #[error("{at}: {problem}")]
    Statement {
        /// Which statement.
        at: StatementRef,
        /// What is wrong with it.
        problem: StatementProblem,
    },
}

/// Identifies a statement in error messages: its zero-based index and, when it has one, its Sid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// Zero-based position in the `Statement` array (0 for a single statement object).
    pub index: usize,
    /// The statement's `Sid`, if it has a string one.
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Statement[{}]", self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " (Sid {sid:?})")?;
        }
        Ok(())
    }
}

/// A problem with the document as a whole. Displayed after "Policy document ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentProblem {
    /// The top level is not a JSON object.
    #[error("must be a JSON object")]
    NotAnObject,
    /// A top-level key other than `Version`, `Id`, `Statement`.
    #[error("has an unsupported top-level element {0:?} (allowed: Version, Id, Statement)")]
    UnknownElement(String),
    /// `Version` is not one of the two IAM versions.
    #[error("has an unsupported Version {0} (must be \"2012-10-17\" or \"2008-10-17\")")]
    BadVersion(String),
    /// `Id` is not a string.
    #[error("has an Id that is not a string")]
    BadId,
    /// No `Statement`.
    #[error("has no Statement")]
    MissingStatement,
    /// `Statement` is neither an object nor an array.
    #[error("has a Statement that is neither an object nor an array of objects")]
    BadStatement,
    /// `Statement` is an empty array.
    #[error("has an empty Statement array")]
    EmptyStatement,
    /// Two statements share a Sid.
    #[error("has more than one statement with Sid {0:?}; Sids must be unique")]
    DuplicateSid(String),
}

/// A problem with one statement. Displayed after the statement's [`StatementRef`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementProblem {
    /// The statement is not a JSON object.
    #[error("must be a JSON object")]
    NotAnObject,
    /// A key IAM does not define (or that Wharf does not know).
    #[error(
        "has an unsupported element {0:?} (allowed: Sid, Effect, Action, NotAction, Resource, NotResource, Principal)"
    )]
    UnknownElement(String),
    /// `Sid` is not a string.
    #[error("Sid must be a string")]
    BadSid,
    /// No `Effect`.
    #[error("Effect is missing (must be \"Allow\" or \"Deny\")")]
    MissingEffect,
    /// `Effect` other than `Allow`/`Deny`.
    #[error("Effect {0} is invalid (must be \"Allow\" or \"Deny\")")]
    BadEffect(String),
    /// Neither of a required pair (`Action`/`NotAction`, `Resource`/`NotResource`) is present.
    #[error("must contain either {0} or Not{0}")]
    Missing(&'static str),
    /// Both of a pair are present.
    #[error("must not contain both {0} and Not{0}")]
    Both(&'static str),
    /// An element that must be a string or a non-empty array of strings is not.
    #[error("{0} must be a string or a non-empty array of strings")]
    BadList(&'static str),
    /// An action that is not `*` or `service:pattern`.
    #[error(
        "{element} value {value:?} is not a valid action (expected \"*\" or \"service:action\")"
    )]
    BadAction {
        /// `Action` or `NotAction`.
        element: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A resource that is not `*` or an ARN.
    #[error(
        "{element} value {value:?} is not a valid resource (expected \"*\" or an ARN starting with \"arn:\")"
    )]
    BadResource {
        /// `Resource` or `NotResource`.
        element: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A `${...}` policy variable under Version 2012-10-17.
    #[error(
        "{element} value {value:?} uses a policy variable; policy variables are not supported by Wharf"
    )]
    PolicyVariable {
        /// The element that contains it.
        element: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A `Condition` element: Wharf does not evaluate conditions and refuses them rather than
    /// silently ignoring them.
    #[error(
        "Condition is not supported by Wharf; conditions are never ignored, so remove the Condition element"
    )]
    ConditionNotSupported,
    /// A `NotPrincipal` element.
    #[error("NotPrincipal is not supported by Wharf; use Principal")]
    NotPrincipalNotSupported,
    /// A resource policy statement without `Principal`.
    #[error("Principal is required in a resource policy")]
    PrincipalRequired,
    /// An identity policy statement with `Principal`.
    #[error("Principal is not allowed in an identity policy")]
    PrincipalNotAllowed,
    /// A principal type other than `AWS` (e.g. `Service`, `Federated`).
    #[error("Principal type {0:?} is not supported by Wharf (only \"AWS\" and \"*\")")]
    UnsupportedPrincipalType(String),
    /// A principal that is not `*`, an account id or an IAM ARN.
    #[error("Invalid principal in policy: {0}")]
    InvalidPrincipal(String),
}
