//! Reverting a promotion, with no I/O: from the writes a promotion recorded and what the
//! destination holds now of everything it touched, the writes that put the destination back,
//! or every conflict when something changed since.
//!
//! A version the promotion added is deleted; one it overwrote is restored (revision, status,
//! and the server's content reference); a dist-tag it moved points back (or is removed when it
//! did not exist). A revert's own writes ([`RevertPlan::writes`]) are recorded like a
//! promotion's, so that a revert can be reverted too.

use crate::api::{self, PromotionWrites, VersionState};
use crate::names::PackageFormat;
use std::collections::BTreeMap;
use std::fmt;

/// A destination version, as the records name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionRef {
    /// The format.
    pub format: PackageFormat,
    /// The namespace.
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
}

/// A destination dist-tag, as the records name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagRef {
    /// The format (npm).
    pub format: PackageFormat,
    /// The namespace (scope).
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The tag.
    pub tag: String,
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}",
            package_name(self.format, &self.namespace, &self.package),
            self.version
        )
    }
}

impl fmt::Display for TagRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = package_name(self.format, &self.namespace, &self.package);
        write!(f, "dist-tag '{}' of {name}", self.tag)
    }
}

fn package_name(format: PackageFormat, namespace: &Option<String>, package: &str) -> String {
    match (namespace, format) {
        (None, _) => package.to_owned(),
        (Some(ns), PackageFormat::Npm) => format!("@{ns}/{package}"),
        (Some(ns), PackageFormat::Maven) => format!("{ns}:{package}"),
        (Some(ns), _) => format!("{ns}/{package}"),
    }
}

/// What the destination holds now of the versions and tags a promotion wrote: absent keys are
/// absent (a deleted version, a removed tag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentState {
    /// Versions, with their current state.
    pub versions: BTreeMap<VersionRef, VersionState>,
    /// Dist-tags → the version they point at.
    pub dist_tags: BTreeMap<TagRef, String>,
}

/// Everything the server must read for [`plan_revert`]: the versions and tags the writes
/// touched.
pub fn touched(writes: &PromotionWrites) -> (Vec<VersionRef>, Vec<TagRef>) {
    let versions = writes.versions.iter().map(version_ref).collect();
    let tags = writes.dist_tags.iter().map(tag_ref).collect();
    (versions, tags)
}

fn version_ref(w: &api::VersionWrite) -> VersionRef {
    VersionRef {
        format: w.format,
        namespace: w.namespace.clone(),
        package: w.package.clone(),
        version: w.version.clone(),
    }
}

fn tag_ref(w: &api::DistTagWrite) -> TagRef {
    TagRef {
        format: w.format,
        namespace: w.namespace.clone(),
        package: w.package.clone(),
        tag: w.tag.clone(),
    }
}

/// Something a promotion wrote that has changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `name@version` or `dist-tag 'latest' of name`.
    pub what: String,
    /// What the promotion left there (`None`: nothing).
    pub expected: Option<String>,
    /// What is there now (`None`: nothing).
    pub found: Option<String>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "nothing".into());
        write!(
            f,
            "{} changed since the promotion: it left {}, the destination now holds {}",
            self.what,
            show(&self.expected),
            show(&self.found)
        )
    }
}

/// What a revert does to one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertStep {
    /// Remove it (the promotion added it).
    Delete,
    /// Put this state back (the promotion overwrote it).
    Restore(VersionState),
}

/// A revert's plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevertPlan {
    /// Each version: what it is now (`None`: absent) and what the revert does.
    pub versions: Vec<(VersionRef, Option<VersionState>, RevertStep)>,
    /// Each dist-tag: where it points now and where it will (`None`: removed).
    pub dist_tags: Vec<(TagRef, Option<String>, Option<String>)>,
}

fn describe(s: &VersionState) -> String {
    format!("revision {} ({})", s.revision, s.status)
}

/// Plans the revert of `writes` against the destination's `current` state: refused with every
/// conflict when anything the promotion wrote is not as it left it (revision and status of
/// versions, target of dist-tags).
pub fn plan_revert(
    writes: &PromotionWrites,
    current: &CurrentState,
) -> Result<RevertPlan, Vec<Conflict>> {
    let mut conflicts = Vec::new();
    let mut plan = RevertPlan::default();
    for w in &writes.versions {
        let r = version_ref(w);
        let now = current.versions.get(&r);
        let same = match (&w.after, now) {
            (None, None) => true,
            (Some(a), Some(n)) => a.revision == n.revision && a.status == n.status,
            _ => false,
        };
        if !same {
            conflicts.push(Conflict {
                what: r.to_string(),
                expected: w.after.as_ref().map(describe),
                found: now.map(describe),
            });
            continue;
        }
        match (now, &w.before) {
            (Some(now), None) => plan
                .versions
                .push((r, Some(now.clone()), RevertStep::Delete)),
            // Restore what was there; when the write deleted it (a revert's write), put it back.
            (now, Some(before)) => {
                plan.versions
                    .push((r, now.cloned(), RevertStep::Restore(before.clone())))
            }
            (None, None) => {}
        }
    }
    for w in &writes.dist_tags {
        let r = tag_ref(w);
        let now = current.dist_tags.get(&r);
        if now != w.after.as_ref() {
            conflicts.push(Conflict {
                what: r.to_string(),
                expected: w.after.clone(),
                found: now.cloned(),
            });
            continue;
        }
        if w.before != w.after {
            plan.dist_tags.push((r, now.cloned(), w.before.clone()));
        }
    }
    if conflicts.is_empty() {
        Ok(plan)
    } else {
        Err(conflicts)
    }
}

impl RevertPlan {
    /// The revert's own writes (each the inverse of the promotion's), for its record.
    pub fn writes(&self, original: &PromotionWrites) -> PromotionWrites {
        let mut out = PromotionWrites::default();
        for w in &original.versions {
            if self.versions.iter().any(|(r, _, _)| *r == version_ref(w)) {
                out.versions.push(api::VersionWrite {
                    before: w.after.clone(),
                    after: w.before.clone(),
                    ..w.clone()
                });
            }
        }
        for (r, from, to) in &self.dist_tags {
            out.dist_tags.push(api::DistTagWrite {
                format: r.format,
                namespace: r.namespace.clone(),
                package: r.package.clone(),
                tag: r.tag.clone(),
                before: from.clone(),
                after: to.clone(),
            });
        }
        out
    }

    /// The wire result; `promotion_id` is the revert's own record, when applied.
    pub fn result(
        &self,
        revert_of: &str,
        dry_run: bool,
        promotion_id: Option<String>,
    ) -> api::RevertResult {
        let actions = self
            .versions
            .iter()
            .map(|(r, now, step)| {
                let (action, restored) = match step {
                    RevertStep::Delete => (api::RevertActionKind::Delete, None),
                    RevertStep::Restore(s) => (api::RevertActionKind::Restore, Some(s)),
                };
                api::RevertAction {
                    format: r.format,
                    namespace: r.namespace.clone(),
                    package: r.package.clone(),
                    version: r.version.clone(),
                    action,
                    current_revision: now.as_ref().map(|n| n.revision.clone()),
                    revision: restored.map(|s| s.revision.clone()),
                    status: restored.map(|s| s.status),
                }
            })
            .collect();
        let dist_tags = self
            .dist_tags
            .iter()
            .map(|(r, from, to)| api::RevertDistTag {
                package: package_name(r.format, &r.namespace, &r.package),
                tag: r.tag.clone(),
                from: from.clone(),
                to: to.clone(),
            })
            .collect();
        api::RevertResult {
            promotion_id,
            revert_of: revert_of.to_owned(),
            dry_run,
            status: if dry_run {
                api::PromotionStatus::Planned
            } else {
                api::PromotionStatus::Applied
            },
            actions,
            dist_tags,
        }
    }
}
