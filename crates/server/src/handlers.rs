//! One handler per CodeArtifact operation, grouped by resource. Each is thin: check the
//! members, call the store (and the core), map the rows to the wire shape.

pub mod activity;
pub mod copy;
pub mod domains;
pub mod external;
pub mod package_groups;
pub mod package_versions;
pub mod packages;
pub mod policies;
pub mod promotions;
pub mod publish;
pub mod repositories;
pub mod tags;
pub mod tokens;
pub mod version_docs;

use crate::state::AppState;

/// `arn:aws:codeartifact:{region}:{owner}:{resource}`.
pub(crate) fn arn(state: &AppState, owner: &str, resource: &str) -> String {
    format!(
        "arn:aws:codeartifact:{}:{owner}:{resource}",
        state.config.region
    )
}
