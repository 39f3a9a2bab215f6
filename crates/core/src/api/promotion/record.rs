//! Stored promotions: the writes a promotion made (with the destination's state before each),
//! the record and its listing, and the revert's request and result.

use super::PromotedPackage;
use super::PromotionStatus;
use super::RepositoryRef;
use crate::names::{PackageFormat, PackageVersionStatus};
use serde::{Deserialize, Serialize};

/// The state of one destination version before or after a write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionState {
    /// Its revision.
    pub revision: String,
    /// Its status.
    pub status: PackageVersionStatus,
    /// The server's opaque reference to its assets and metadata, so that a revert can put the
    /// same content back (the planner leaves it empty; the server fills it in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// One version a promotion wrote, with the destination's state before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionWrite {
    /// The format.
    pub format: PackageFormat,
    /// The namespace, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
    /// The destination's version before the write (`None`: it did not exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<VersionState>,
    /// The version after the write (`None`: the write deleted it, as a revert does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<VersionState>,
}

/// One npm dist-tag a promotion set, with where it pointed before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistTagWrite {
    /// The format (npm).
    pub format: PackageFormat,
    /// The namespace (scope), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The tag.
    pub tag: String,
    /// The version it pointed at before (`None`: the tag did not exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The version it points at after (`None`: the write removed the tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// Everything a promotion (or a revert) wrote, which is what a revert undoes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionWrites {
    /// Versions written.
    #[serde(default)]
    pub versions: Vec<VersionWrite>,
    /// Dist-tags written.
    #[serde(default)]
    pub dist_tags: Vec<DistTagWrite>,
}

/// Whether a stored promotion still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromotionRecordStatus {
    /// Applied and not reverted.
    Applied,
    /// Undone by the record `revertedBy`.
    Reverted,
}

/// One stored promotion (or revert), as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionSummary {
    /// The record's id.
    pub promotion_id: String,
    /// When it was applied (epoch seconds).
    pub created_time: i64,
    /// Who applied it (ARN).
    pub principal: String,
    /// Where versions came from.
    pub source: RepositoryRef,
    /// Where they went.
    pub destination: RepositoryRef,
    /// The caller's free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `APPLIED` or `REVERTED`.
    pub status: PromotionRecordStatus,
    /// For a revert: the promotion it undid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert_of: Option<String>,
    /// The revert that undid this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverted_by: Option<String>,
    /// How many versions it wrote.
    pub version_count: u64,
}

/// `GET /wharf/v1/promotions/{id}`: the summary, the applied plan and every write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionRecord {
    /// The summary members.
    #[serde(flatten)]
    pub summary: PromotionSummary,
    /// The applied plan, per package.
    #[serde(default)]
    pub packages: Vec<PromotedPackage>,
    /// What was written, with the destination's state before each write.
    #[serde(default)]
    pub writes: PromotionWrites,
}

/// The query of `GET /wharf/v1/promotions` (kebab-case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPromotionsQuery {
    /// The destination's domain (required).
    #[serde(default)]
    pub domain: Option<String>,
    /// Only promotions into this repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Page size (1–1000, default 50), as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// The token of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The answer to `GET /wharf/v1/promotions`, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPromotionsResult {
    /// One page of records.
    pub promotions: Vec<PromotionSummary>,
    /// Present when there are more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The body of `POST /wharf/v1/promotions/{id}/revert`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevertPromotionRequest {
    /// Plan only; write nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// Free text stored with the revert's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a revert does to one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RevertActionKind {
    /// The promotion added it: remove it.
    Delete,
    /// The promotion overwrote it: put the earlier version back.
    Restore,
}

/// One version a revert changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevertAction {
    /// The format.
    pub format: PackageFormat,
    /// The namespace, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
    /// `DELETE` or `RESTORE`.
    pub action: RevertActionKind,
    /// The revision the destination holds now (the promotion's; absent when the promotion
    /// being reverted was itself a revert that deleted the version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_revision: Option<String>,
    /// For `RESTORE`: the revision put back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// For `RESTORE`: the status put back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PackageVersionStatus>,
}

/// One dist-tag a revert changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevertDistTag {
    /// The npm name (`@scope/name`).
    pub package: String,
    /// The tag.
    pub tag: String,
    /// Where it points now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Where it will point (`None`: the tag is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The answer to a revert: its own plan, applied unless `dryRun`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevertResult {
    /// The revert's own record id, when applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<String>,
    /// The promotion reverted.
    pub revert_of: String,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// `PLANNED` (dry run) or `APPLIED`.
    pub status: PromotionStatus,
    /// Every version changed.
    pub actions: Vec<RevertAction>,
    /// Every dist-tag changed.
    pub dist_tags: Vec<RevertDistTag>,
}
