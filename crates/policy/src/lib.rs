//! Wharf's authorization logic: IAM-style policy documents and their evaluation, as CodeArtifact
//! applies them (spec §7). Pure: no I/O, no async, no clock.
//!
//! The server uses it in three steps:
//!
//! 1. When a policy is stored (PutDomainPermissionsPolicy, PutRepositoryPermissionsPolicy, or an
//!    identity policy), validate it with [`PolicyDocument::parse`]; a [`PolicyError`]'s text is
//!    the `ValidationException` message.
//! 2. For each request, [`requirements`] gives the `(action, resource ARN, governing policy)`
//!    triples the operation needs.
//! 3. [`authorize_all`] checks them against the caller's identity policies and the governing
//!    domain or repository policy; a [`Denial`]'s text is the `AccessDeniedException` message.
//!
//! ```
//! use wharf_policy::{PolicyDocument, Principal, RequestContext, authorize_all, requirements};
//!
//! let identity = PolicyDocument::parse_identity(
//!     r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
//!         "Action": "codeartifact:*", "Resource": "*"}}"#,
//! )
//! .unwrap();
//! let deny_copy = PolicyDocument::parse_resource(
//!     r#"{"Version": "2012-10-17", "Statement": [{"Sid": "NoCopies", "Effect": "Deny",
//!         "Principal": "*", "Action": "codeartifact:CopyPackageVersions", "Resource": "*"}]}"#,
//! )
//! .unwrap();
//! let ctx = RequestContext {
//!     region: "us-west-2",
//!     owner: "111122223333",
//!     domain: "my-domain",
//!     source_repository: Some("repo-a"),
//!     destination_repository: Some("repo-b"),
//!     format: Some("npm"),
//!     package: Some("lodash"),
//!     ..RequestContext::default()
//! };
//! let reqs = requirements("CopyPackageVersions", &ctx).unwrap();
//! let bob = Principal::user("111122223333", "bob");
//! let denial = authorize_all(&bob, &reqs, &[identity], |_scope| Some(&deny_copy)).unwrap_err();
//! assert_eq!(
//!     denial.to_string(),
//!     "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: \
//!      codeartifact:CopyPackageVersions on resource: \
//!      arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-b \
//!      with an explicit deny in a resource-based policy"
//! );
//! ```

pub mod actions;
pub mod arn;
pub mod document;
pub mod evaluate;
pub mod matching;

pub use actions::{
    API_OPERATIONS, DATA_PLANE_OPERATIONS, PolicyScope, RequestContext, Requirement,
    RequirementError, requirements,
};
pub use arn::{ArnError, IamArn, ResourceArn};
pub use document::{
    AwsPrincipal, Effect, PatternSet, PolicyDocument, PolicyError, PolicyKind, PolicyVersion,
    PrincipalSet, Statement,
};
pub use evaluate::{Decision, Denial, Principal, authorize, authorize_all};
