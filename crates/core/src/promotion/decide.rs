//! The end of planning: every package decided with [`plan_copy`], the closure applied, the
//! plan made all-or-nothing; and the plan's wire report and writes.

use super::closure::Spec;
use super::plan::{
    PlannedPackage, PlannedVersion, PromotionOutcome, PromotionPlan, PromotionPlanner, Wanted,
    display, searched, source_record,
};
use super::request::{MAX_PACKAGES, MAX_VERSIONS, Selection};
use crate::api::{
    self, DistTagChange, PackageVersionErrorCode, PromotionAction, PromotionErrorCode,
    UnsatisfiedDependency, UnsatisfiedReason,
};
use crate::copy::{VersionOutcome, VersionSelection, plan_copy};
use crate::error::{FieldError, ValidationErrors};
use crate::names::{PackageVersion, Revision};
use crate::revision::diff_versions;
use std::collections::BTreeMap;

/// The versions one package is planned with: the request's, then those added as dependencies
/// (pinned to the revision chosen when the request pins revisions).
fn selection(w: &Wanted) -> Option<VersionSelection> {
    let sel = match &w.explicit {
        Some(VersionSelection::Revisions(m)) => {
            let mut m = m.clone();
            for (v, (rev, _)) in &w.added {
                m.entry(v.clone()).or_insert_with(|| rev.clone());
            }
            VersionSelection::Revisions(m)
        }
        Some(VersionSelection::Versions(list)) => {
            let mut list = list.clone();
            list.extend(
                w.added
                    .keys()
                    .filter(|v| !list.contains(v))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            VersionSelection::Versions(list)
        }
        None => VersionSelection::Versions(w.added.keys().cloned().collect()),
    };
    (!sel.versions().is_empty()).then_some(sel)
}

fn too_many(field: &str, what: &str, max: usize, n: usize) -> ValidationErrors {
    ValidationErrors::single(FieldError::rule(
        field,
        format!(
            "A promotion may hold at most {max} {what}; this one would hold {n} (with its selection and dependencies)"
        ),
    ))
}

pub(super) fn finish(p: PromotionPlanner) -> Result<PromotionPlan, ValidationErrors> {
    let spec = &p.spec;
    let field = match spec.selection {
        Selection::Select(_) => "select",
        Selection::Packages(_) => "packages",
    };
    let chosen: Vec<_> = p
        .order
        .iter()
        .filter_map(|k| selection(&p.wanted[k]).map(|s| (k, s)))
        .collect();
    let versions: usize = chosen.iter().map(|(_, s)| s.versions().len()).sum();
    if chosen.len() > MAX_PACKAGES {
        return Err(too_many(field, "packages", MAX_PACKAGES, chosen.len()));
    }
    if versions > MAX_VERSIONS {
        return Err(too_many(field, "versions", MAX_VERSIONS, versions));
    }
    let mut packages = Vec::with_capacity(chosen.len());
    for (key, sel) in chosen {
        let (w, d) = (&p.wanted[key], &p.data[key]);
        let repos = searched(spec, key, d);
        let req = spec.copy_request(key, sel.clone());
        let (entries, dist_tags) = match plan_copy(&req, &d.source, &d.destination, p.options) {
            Ok(plan) => (plan.entries, plan.dist_tags),
            Err(e) => {
                let entries = sel
                    .versions()
                    .into_iter()
                    .map(|v| {
                        let error = api::PackageVersionError {
                            error_code: PackageVersionErrorCode::NotFound,
                            error_message: e.to_string(),
                        };
                        (v.clone(), VersionOutcome::Failed(error))
                    })
                    .collect();
                (entries, Vec::new())
            }
        };
        let versions = entries
            .into_iter()
            .map(|(v, outcome)| {
                let outcome = match outcome {
                    VersionOutcome::Copy(c) => PromotionOutcome::Copy(c),
                    VersionOutcome::NoOp { revision } => PromotionOutcome::NoOp { revision },
                    VersionOutcome::Failed(e)
                        if e.error_code == PackageVersionErrorCode::Skipped =>
                    {
                        PromotionOutcome::Skipped
                    }
                    VersionOutcome::Failed(e) => PromotionOutcome::Failed {
                        code: e.error_code.into(),
                        message: e.error_message,
                    },
                };
                let conflict = matches!(&outcome, PromotionOutcome::Copy(c) if c.replaces.is_some())
                    || matches!(
                        &outcome,
                        PromotionOutcome::Failed {
                            code: PromotionErrorCode::AlreadyExists,
                            ..
                        }
                    );
                let diff = match (
                    conflict,
                    d.destination_content.get(&v),
                    d.source_content.get(&v),
                ) {
                    (true, Some(before), Some(after)) => Some(diff_versions(before, after)),
                    _ => None,
                };
                PlannedVersion {
                    revision: source_record(repos, &v).map(|r| r.revision.clone()),
                    destination: d.destination.versions.get(&v).cloned(),
                    added_as_dependency: w.added.contains_key(&v),
                    diff,
                    outcome,
                    version: v,
                }
            })
            .collect();
        packages.push(PlannedPackage {
            key: key.clone(),
            versions,
            dist_tags,
        });
    }

    let mut unsatisfied: Vec<UnsatisfiedDependency> = p
        .unsatisfied()
        .into_iter()
        .map(|(req, required_by)| UnsatisfiedDependency {
            package: req.name,
            range: req.range,
            required_by,
            kind: req.kind,
            reason: if matches!(req.spec, Spec::NotRegistry) {
                UnsatisfiedReason::NotARegistryRange
            } else {
                UnsatisfiedReason::NoMatchingVersion
            },
        })
        .collect();
    unsatisfied.sort();
    unsatisfied.dedup();
    if !spec.allow_unsatisfied && !unsatisfied.is_empty() {
        let mut why: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for u in &unsatisfied {
            why.entry(u.required_by.as_str()).or_default().push(format!(
                "{}@{} ({}) is not satisfied in repository {}",
                u.package,
                u.range,
                match u.kind {
                    api::DependencyKind::Dependencies => "dependencies",
                    api::DependencyKind::PeerDependencies => "peerDependencies",
                },
                spec.destination
            ));
        }
        for pkg in &mut packages {
            for pv in &mut pkg.versions {
                let Some(reasons) = why.get(display(&pkg.key, &pv.version).as_str()) else {
                    continue;
                };
                if matches!(
                    pv.outcome,
                    PromotionOutcome::Copy(_) | PromotionOutcome::NoOp { .. }
                ) {
                    pv.outcome = PromotionOutcome::Failed {
                        code: PromotionErrorCode::UnsatisfiedDependency,
                        message: format!("Dependency {}", reasons.join("; dependency ")),
                    };
                }
            }
        }
    }
    let fails = packages
        .iter()
        .flat_map(|p| &p.versions)
        .any(|v| matches!(v.outcome, PromotionOutcome::Failed { .. }));
    if fails {
        for pkg in &mut packages {
            pkg.dist_tags.clear();
            for pv in &mut pkg.versions {
                if matches!(pv.outcome, PromotionOutcome::Copy(_)) {
                    pv.outcome = PromotionOutcome::Skipped;
                }
            }
        }
    }
    let added = p
        .order
        .iter()
        .flat_map(|k| {
            p.wanted[k]
                .added
                .iter()
                .map(move |(v, (_, by))| (k.clone(), v.clone(), by.clone()))
        })
        .collect();
    Ok(PromotionPlan {
        spec: p.spec.clone(),
        packages,
        unsatisfied,
        added,
    })
}

fn state(revision: &Revision, status: crate::names::PackageVersionStatus) -> api::VersionState {
    api::VersionState {
        revision: revision.to_string(),
        status,
        content: None,
    }
}

impl PromotionPlan {
    /// True when no version fails: the plan may be applied.
    pub fn succeeds(&self) -> bool {
        !self
            .packages
            .iter()
            .flat_map(|p| &p.versions)
            .any(|v| matches!(v.outcome, PromotionOutcome::Failed { .. }))
    }

    /// The versions to write, with their package (none when the plan fails).
    pub fn copies(&self) -> impl Iterator<Item = (&PlannedPackage, &crate::copy::PlannedCopy)> {
        self.packages.iter().flat_map(|p| {
            p.versions.iter().filter_map(move |v| match &v.outcome {
                PromotionOutcome::Copy(c) => Some((p, c)),
                _ => None,
            })
        })
    }

    /// What applying the plan writes, with the destination's state before each write, for
    /// the record that a revert undoes. Content references are left for the server to fill.
    pub fn writes(&self) -> api::PromotionWrites {
        let mut writes = api::PromotionWrites::default();
        if !self.succeeds() {
            return writes;
        }
        for p in &self.packages {
            let (format, namespace, package) = (
                p.key.format,
                p.key.namespace.as_ref().map(|n| n.to_string()),
                p.key.name.to_string(),
            );
            for v in &p.versions {
                if let PromotionOutcome::Copy(c) = &v.outcome {
                    writes.versions.push(api::VersionWrite {
                        format,
                        namespace: namespace.clone(),
                        package: package.clone(),
                        version: v.version.to_string(),
                        before: v.destination.as_ref().map(|d| state(&d.revision, d.status)),
                        after: Some(state(&c.record.revision, c.record.status)),
                    });
                }
            }
            for t in &p.dist_tags {
                writes.dist_tags.push(api::DistTagWrite {
                    format,
                    namespace: namespace.clone(),
                    package: package.clone(),
                    tag: t.tag.clone(),
                    before: t.from.as_ref().map(PackageVersion::to_string),
                    after: Some(t.to.to_string()),
                });
            }
        }
        writes
    }

    /// The wire report: `FAILED` when any version fails, else `PLANNED` for a dry run and
    /// `APPLIED` otherwise (the server sets `promotionId` once written).
    pub fn result(&self, dry_run: bool) -> api::PromotionResult {
        let mut summary = api::PromotionCounts {
            packages: self.packages.len() as u64,
            ..Default::default()
        };
        let packages = self
            .packages
            .iter()
            .map(|p| api::PromotedPackage {
                format: p.key.format,
                namespace: p.key.namespace.as_ref().map(|n| n.to_string()),
                package: p.key.name.to_string(),
                versions: p
                    .versions
                    .iter()
                    .map(|v| version(v, &mut summary))
                    .collect(),
                dist_tags: p
                    .dist_tags
                    .iter()
                    .map(|m| DistTagChange {
                        tag: m.tag.clone(),
                        from: m.from.as_ref().map(PackageVersion::to_string),
                        to: m.to.to_string(),
                    })
                    .collect(),
            })
            .collect();
        let status = if !self.succeeds() {
            api::PromotionStatus::Failed
        } else if dry_run {
            api::PromotionStatus::Planned
        } else {
            api::PromotionStatus::Applied
        };
        api::PromotionResult {
            promotion_id: None,
            status,
            dry_run,
            source: self.spec.source_ref(),
            destination: self.spec.destination_ref(),
            packages,
            closure: api::ClosureReport {
                unsatisfied: self.unsatisfied.clone(),
                added: self
                    .added
                    .iter()
                    .map(|(k, v, by)| api::AddedDependency {
                        package: k.display_name(),
                        version: v.to_string(),
                        required_by: by.clone(),
                    })
                    .collect(),
            },
            summary,
        }
    }
}

fn version(v: &PlannedVersion, n: &mut api::PromotionCounts) -> api::PromotedVersion {
    n.versions += 1;
    n.added_as_dependencies += u64::from(v.added_as_dependency);
    let (action, error) = match &v.outcome {
        PromotionOutcome::Copy(c) if c.replaces.is_some() => {
            n.overwritten += 1;
            (PromotionAction::Overwrite, None)
        }
        PromotionOutcome::Copy(_) => {
            n.copied += 1;
            (PromotionAction::Copy, None)
        }
        PromotionOutcome::NoOp { .. } => {
            n.noop += 1;
            (PromotionAction::Noop, None)
        }
        PromotionOutcome::Failed { code, message } => {
            n.failed += 1;
            (PromotionAction::Fail, Some((*code, message.clone())))
        }
        PromotionOutcome::Skipped => {
            n.skipped += 1;
            let message = format!("Version {} was skipped", v.version);
            (
                PromotionAction::Skipped,
                Some((PromotionErrorCode::Skipped, message)),
            )
        }
    };
    api::PromotedVersion {
        version: v.version.to_string(),
        revision: v.revision.as_ref().map(Revision::to_string),
        action,
        error_code: error.as_ref().map(|e| e.0),
        error_message: error.map(|e| e.1),
        added_as_dependency: v.added_as_dependency,
        destination_revision: v.destination.as_ref().map(|d| d.revision.to_string()),
        status: match &v.outcome {
            PromotionOutcome::Copy(c) => Some(c.record.status),
            PromotionOutcome::NoOp { .. } => v.destination.as_ref().map(|d| d.status),
            PromotionOutcome::Failed { .. } | PromotionOutcome::Skipped => None,
        },
        diff: v.diff.clone(),
    }
}
