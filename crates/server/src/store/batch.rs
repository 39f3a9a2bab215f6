//! UpdatePackageVersionsStatus, DeletePackageVersions and DisposePackageVersions: one decision
//! per version, all or nothing, applied in one transaction.

use super::WriteScope;
use super::packages::{find_package, package_missing};
use super::repositories::repository_in;
use super::{Store, StoreResult};
use async_trait::async_trait;
use sqlx::Row;
use std::collections::BTreeMap;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus as Status};

/// Which batch operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOp {
    /// Set this status (Published, Unlisted or Archived).
    SetStatus(Status),
    /// Delete the versions.
    Delete,
    /// Dispose of the versions' assets.
    Dispose,
}

/// A version's current state, as the batch decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    /// Its revision.
    pub revision: String,
    /// Its status.
    pub status: Status,
}

/// Why a version of a batch was left as it is (the handler words it for the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such version.
    NotFound,
    /// `versionRevisions` expected another revision.
    MismatchedRevision {
        /// The stored revision.
        current: String,
        /// The revision the request expected.
        expected: String,
    },
    /// `expectedStatus` expected another status, or the status cannot change (Disposed and
    /// Unfinished versions take no new status).
    MismatchedStatus {
        /// The stored status.
        current: Status,
        /// The status the request expected, if that was the mismatch.
        expected: Option<Status>,
    },
    /// Another version of the batch failed, so this one was not changed either.
    Skipped,
}

/// What a batch did (or, when anything failed, did not do) to each version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// The versions changed, with their revision and new status.
    pub succeeded: BTreeMap<String, Current>,
    /// The versions left as they are, and why.
    pub failed: BTreeMap<String, Refusal>,
}

/// Decides every version's outcome: not found, mismatched revision, mismatched status, else
/// success; when anything fails the others are skipped.
pub fn decide(
    op: BatchOp,
    versions: &[String],
    revisions: &BTreeMap<String, String>,
    expected: Option<Status>,
    current: &BTreeMap<String, Current>,
) -> BatchOutcome {
    let mut out = BatchOutcome::default();
    for v in versions {
        let Some(cur) = current.get(v) else {
            out.failed.insert(v.clone(), Refusal::NotFound);
            continue;
        };
        if let Some(want) = revisions.get(v).filter(|r| **r != cur.revision) {
            out.failed.insert(
                v.clone(),
                Refusal::MismatchedRevision {
                    current: cur.revision.clone(),
                    expected: want.clone(),
                },
            );
            continue;
        }
        if let Some(e) = expected.filter(|e| *e != cur.status) {
            out.failed.insert(
                v.clone(),
                Refusal::MismatchedStatus {
                    current: cur.status,
                    expected: Some(e),
                },
            );
            continue;
        }
        let target = match op {
            BatchOp::SetStatus(_)
                if cur.status == Status::Disposed || cur.status == Status::Unfinished =>
            {
                out.failed.insert(
                    v.clone(),
                    Refusal::MismatchedStatus {
                        current: cur.status,
                        expected: None,
                    },
                );
                continue;
            }
            BatchOp::SetStatus(t) => t,
            BatchOp::Delete => Status::Deleted,
            BatchOp::Dispose => Status::Disposed,
        };
        out.succeeded.insert(
            v.clone(),
            Current {
                revision: cur.revision.clone(),
                status: target,
            },
        );
    }
    if !out.failed.is_empty() {
        for (v, _) in std::mem::take(&mut out.succeeded) {
            out.failed.insert(v, Refusal::Skipped);
        }
    }
    out
}

/// The versions a batch operation names and the conditions each must meet.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The versions (stored form), in request order.
    pub versions: Vec<String>,
    /// Expected revisions (`versionRevisions`).
    pub revisions: BTreeMap<String, String>,
    /// Expected current status (`expectedStatus`).
    pub expected: Option<Status>,
}

/// UpdatePackageVersionsStatus, DeletePackageVersions and DisposePackageVersions.
#[async_trait]
pub trait BatchStore: Send + Sync {
    /// Runs a batch operation on versions of a package, all or nothing.
    async fn batch(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        op: BatchOp,
        selection: &Selection,
    ) -> StoreResult<BatchOutcome>;
}

#[async_trait]
impl BatchStore for Store {
    async fn batch(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        op: BatchOp,
        selection: &Selection,
    ) -> StoreResult<BatchOutcome> {
        let Selection {
            versions,
            revisions,
            expected,
        } = selection;
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let pkg = find_package(&mut w.tx, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        let mut current = BTreeMap::new();
        let mut ids = BTreeMap::new();
        for v in versions {
            let row = sqlx::query("SELECT id, revision, status FROM package_versions WHERE package_id = $1 AND version = $2")
                .bind(pkg.id)
                .bind(v)
                .fetch_optional(&mut *w.tx)
                .await?;
            if let Some(r) = row {
                let id: i64 = r.get("id");
                ids.insert(v.clone(), id);
                let status =
                    super::status_of(&r.get::<String, _>("status"), "package_versions", id)?;
                current.insert(
                    v.clone(),
                    Current {
                        revision: r.get("revision"),
                        status,
                    },
                );
            }
        }
        let outcome = decide(op, versions, revisions, *expected, &current);
        for (v, ok) in &outcome.succeeded {
            let id = ids[v];
            super::events::note_batch(&mut w, repo.id, c, v, op).await?;
            match op {
                BatchOp::SetStatus(_) => {
                    sqlx::query("UPDATE package_versions SET status = $1 WHERE id = $2")
                        .bind(ok.status.as_str())
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                }
                BatchOp::Delete => {
                    sqlx::query("DELETE FROM package_versions WHERE id = $1")
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                    sqlx::query("DELETE FROM dist_tags WHERE package_id = $1 AND version = $2")
                        .bind(pkg.id)
                        .bind(v)
                        .execute(&mut *w.tx)
                        .await?;
                }
                BatchOp::Dispose => {
                    sqlx::query("DELETE FROM assets WHERE version_id = $1")
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                    sqlx::query("UPDATE package_versions SET status = 'Disposed' WHERE id = $1")
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                }
            }
        }
        w.commit().await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(rev: &str, status: Status) -> Current {
        Current {
            revision: rev.into(),
            status,
        }
    }

    #[test]
    fn failures_skip_the_rest() {
        let current = BTreeMap::from([
            ("1.0".to_owned(), cur("r1", Status::Published)),
            ("2.0".to_owned(), cur("r2", Status::Unlisted)),
        ]);
        let out = decide(
            BatchOp::SetStatus(Status::Archived),
            &["1.0".into(), "2.0".into()],
            &BTreeMap::new(),
            Some(Status::Published),
            &current,
        );
        assert_eq!(
            out.failed["2.0"],
            Refusal::MismatchedStatus {
                current: Status::Unlisted,
                expected: Some(Status::Published)
            }
        );
        assert_eq!(out.failed["1.0"], Refusal::Skipped);
        assert!(out.succeeded.is_empty());
    }

    #[test]
    fn successes_report_the_target_status_and_revision() {
        let current = BTreeMap::from([("1.0".to_owned(), cur("r1", Status::Published))]);
        let out = decide(
            BatchOp::Delete,
            &["1.0".into()],
            &BTreeMap::new(),
            None,
            &current,
        );
        assert_eq!(out.succeeded["1.0"].status, Status::Deleted);
        assert_eq!(out.succeeded["1.0"].revision, "r1");
        let out = decide(
            BatchOp::Dispose,
            &["1.0".into(), "9.9".into()],
            &BTreeMap::new(),
            None,
            &current,
        );
        assert_eq!(out.failed["9.9"], Refusal::NotFound);
        let revs = BTreeMap::from([("1.0".to_owned(), "old".to_owned())]);
        let out = decide(
            BatchOp::SetStatus(Status::Unlisted),
            &["1.0".into()],
            &revs,
            None,
            &current,
        );
        assert_eq!(
            out.failed["1.0"],
            Refusal::MismatchedRevision {
                current: "r1".into(),
                expected: "old".into()
            }
        );
    }
}
