//! The promotion planner: a sans-I/O loop that gathers what each package (and each npm
//! dependency) holds, then decides every version with the copy planner's rules, checks the
//! dependency closure and makes the whole plan all-or-nothing.

use super::closure::{Requirement, Spec, highest_matching, requirements};
use super::request::{MAX_PACKAGES, PromotionSpec, SelectFilter, Selection};
use super::{PackageData, PackageKey};
use crate::api::{PromotionErrorCode, UnsatisfiedDependency};
use crate::copy::{
    DistTagMove, MAX_REPOSITORIES_SEARCHED, PlanOptions, PlannedCopy, RepositoryPackage,
    VersionRecord, VersionSelection,
};
use crate::error::{FieldError, ValidationErrors};
use crate::names::{PackageFormat, PackageVersion, Revision};
use crate::revision::VersionDiff;
use std::collections::{BTreeMap, BTreeSet};

/// What the promotion does to one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromotionOutcome {
    /// Write it (a copy, or an overwrite when `replaces` is set).
    Copy(PlannedCopy),
    /// The destination holds it identical.
    NoOp {
        /// The shared revision.
        revision: Revision,
    },
    /// It fails; the promotion writes nothing.
    Failed {
        /// Why.
        code: PromotionErrorCode,
        /// A sentence for people.
        message: String,
    },
    /// It would have been written, but something else failed.
    Skipped,
}

/// One version of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVersion {
    /// The version.
    pub version: PackageVersion,
    /// Its source revision, when the version was found in the searched repositories.
    pub revision: Option<Revision>,
    /// What happens to it.
    pub outcome: PromotionOutcome,
    /// Added by the closure (`withDependencies`), not requested.
    pub added_as_dependency: bool,
    /// What the destination holds of it now.
    pub destination: Option<VersionRecord>,
    /// Destination → source diff, for conflicts whose content the caller provided.
    pub diff: Option<VersionDiff>,
}

/// One package of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPackage {
    /// The package.
    pub key: PackageKey,
    /// Requested versions in request order, then added ones.
    pub versions: Vec<PlannedVersion>,
    /// npm dist-tags set in the destination (none when the plan fails).
    pub dist_tags: Vec<DistTagMove>,
}

/// The whole plan: apply it only when [`PromotionPlan::succeeds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionPlan {
    /// The validated request.
    pub spec: PromotionSpec,
    /// Per package, request order then packages added as dependencies.
    pub packages: Vec<PlannedPackage>,
    /// Every unsatisfied dependency range (reported even with `allowUnsatisfied`).
    pub unsatisfied: Vec<UnsatisfiedDependency>,
    /// Versions added as dependencies: (package, version, `name@version` requiring it).
    pub added: Vec<(PackageKey, PackageVersion, String)>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Wanted {
    /// The request's versions (`None` for a `select` package until its data arrives).
    pub(super) explicit: Option<VersionSelection>,
    /// Versions added as dependencies, with the source revision chosen and who needs them.
    pub(super) added: BTreeMap<PackageVersion, (Revision, String)>,
}

/// The sans-I/O planner; see the module docs of [`crate::promotion`] for the loop.
#[derive(Debug, Clone)]
pub struct PromotionPlanner {
    pub(super) spec: PromotionSpec,
    pub(super) options: PlanOptions,
    listing_pending: bool,
    pub(super) order: Vec<PackageKey>,
    pub(super) wanted: BTreeMap<PackageKey, Wanted>,
    pub(super) data: BTreeMap<PackageKey, PackageData>,
}

/// The repositories versions are taken from: the source, or with `includeFromUpstream` its
/// upstreams too (as [`crate::copy::plan_copy`] searches them).
pub(super) fn searched<'a>(
    spec: &PromotionSpec,
    key: &PackageKey,
    d: &'a PackageData,
) -> &'a [RepositoryPackage] {
    let all = spec.include_from_upstream
        && key.format != PackageFormat::Generic
        && d.source.first().is_some_and(|s| !s.upstream_blocked);
    let n = if all {
        d.source.len().min(MAX_REPOSITORIES_SEARCHED)
    } else {
        d.source.len().min(1)
    };
    &d.source[..n]
}

/// The copyable source record of `v`, in search order.
pub(super) fn source_record<'a>(
    repos: &'a [RepositoryPackage],
    v: &PackageVersion,
) -> Option<&'a VersionRecord> {
    repos
        .iter()
        .find_map(|r| r.versions.get(v).filter(|rec| rec.status.is_copyable()))
}

pub(super) fn display(key: &PackageKey, v: &PackageVersion) -> String {
    format!("{}@{v}", key.display_name())
}

impl PromotionPlanner {
    /// Starts planning a validated request with the default [`PlanOptions`].
    pub fn new(spec: PromotionSpec) -> Self {
        Self::with_options(spec, PlanOptions::default())
    }

    /// Starts planning with deployment options (origin-control enforcement).
    pub fn with_options(spec: PromotionSpec, options: PlanOptions) -> Self {
        let mut p = PromotionPlanner {
            listing_pending: matches!(spec.selection, Selection::Select(_)),
            spec,
            options,
            order: Vec::new(),
            wanted: BTreeMap::new(),
            data: BTreeMap::new(),
        };
        if let Selection::Packages(list) = &p.spec.selection {
            for r in list.clone() {
                p.want(r.key, Some(r.versions));
            }
        }
        p
    }

    fn want(&mut self, key: PackageKey, explicit: Option<VersionSelection>) -> &mut Wanted {
        if !self.wanted.contains_key(&key) {
            self.order.push(key.clone());
        }
        let w = self.wanted.entry(key).or_default();
        if explicit.is_some() {
            w.explicit = explicit;
        }
        w
    }

    /// The validated request.
    pub fn spec(&self) -> &PromotionSpec {
        &self.spec
    }

    /// For a `select` request: the filter whose matching source packages the caller must
    /// hand to [`PromotionPlanner::provide_listing`] before the loop (until then
    /// [`PromotionPlanner::wanted`] is empty).
    pub fn listing_wanted(&self) -> Option<&SelectFilter> {
        match &self.spec.selection {
            Selection::Select(f) if self.listing_pending => Some(f),
            _ => None,
        }
    }

    /// Gives a `select` request its packages: every source package that
    /// [`SelectFilter::matches`] (others are ignored). Their versions are then those of the
    /// source repository with the filter's status. More than [`MAX_PACKAGES`] is a
    /// `ValidationException`.
    pub fn provide_listing(&mut self, packages: Vec<PackageKey>) -> Result<(), ValidationErrors> {
        let Selection::Select(filter) = self.spec.selection.clone() else {
            return Ok(());
        };
        let selected: BTreeSet<PackageKey> =
            packages.into_iter().filter(|k| filter.matches(k)).collect();
        if selected.len() > MAX_PACKAGES {
            return Err(ValidationErrors::single(FieldError::rule(
                "select",
                format!(
                    "A promotion may hold at most {MAX_PACKAGES} packages; the selection matches {}",
                    selected.len()
                ),
            )));
        }
        self.listing_pending = false;
        for key in selected {
            self.want(key, None);
        }
        Ok(())
    }

    /// Hands over what the repositories hold of a package the planner asked for.
    pub fn provide(&mut self, key: PackageKey, data: PackageData) {
        if let (Selection::Select(filter), Some(w)) =
            (&self.spec.selection, self.wanted.get_mut(&key))
            && w.explicit.is_none()
        {
            let versions = data.source.first().map_or_else(Vec::new, |s| {
                s.versions
                    .values()
                    .filter(|r| r.status == filter.status)
                    .map(|r| r.version.clone())
                    .collect()
            });
            w.explicit = Some(VersionSelection::Versions(versions));
        }
        self.data.insert(key, data);
    }

    /// Every requested or added version found in the source, with its record.
    fn candidates(&self) -> Vec<(&PackageKey, &PackageVersion, &VersionRecord)> {
        let mut out = Vec::new();
        for key in &self.order {
            let (Some(w), Some(d)) = (self.wanted.get(key), self.data.get(key)) else {
                continue;
            };
            let repos = searched(&self.spec, key, d);
            let explicit = w
                .explicit
                .as_ref()
                .map(|e| e.versions())
                .unwrap_or_default();
            for v in explicit.into_iter().chain(w.added.keys()) {
                if let Some(rec) = source_record(repos, v) {
                    out.push((key, v, rec));
                }
            }
        }
        out
    }

    /// Each npm candidate's requirements, with `name@version` of the candidate.
    fn requirements(&self) -> Vec<(Requirement, String)> {
        let mut out = Vec::new();
        for (key, v, _) in self.candidates() {
            if key.format != PackageFormat::Npm {
                continue;
            }
            if let Some(deps) = self.data.get(key).and_then(|d| d.dependencies.get(v)) {
                out.extend(requirements(deps).into_iter().map(|r| (r, display(key, v))));
            }
        }
        out
    }

    /// Whether the destination satisfies `req` once the candidates are promoted.
    fn satisfied(
        &self,
        req: &Requirement,
        promoted: &BTreeMap<&PackageKey, Vec<&PackageVersion>>,
    ) -> bool {
        let Some(key) = &req.key else { return false };
        let Some(d) = self.data.get(key) else {
            return false;
        };
        let held = std::iter::once(&d.destination).chain(&d.destination_upstreams);
        match &req.spec {
            Spec::NotRegistry => false,
            Spec::Range(_) => {
                held.flat_map(|r| r.versions.values())
                    .filter(|rec| rec.status.is_copyable())
                    .any(|rec| req.spec.matches(&rec.version))
                    || promoted
                        .get(key)
                        .is_some_and(|vs| vs.iter().any(|v| req.spec.matches(v)))
            }
            Spec::Tag(tag) => {
                let mut held = held;
                held.any(|r| r.dist_tags.contains_key(tag))
                    || searched(&self.spec, key, d).iter().any(|r| {
                        r.dist_tags
                            .get(tag)
                            .is_some_and(|v| promoted.get(key).is_some_and(|vs| vs.contains(&v)))
                    })
            }
        }
    }

    /// Every unsatisfied requirement, with `name@version` requiring it.
    pub(super) fn unsatisfied(&self) -> Vec<(Requirement, String)> {
        let mut promoted: BTreeMap<&PackageKey, Vec<&PackageVersion>> = BTreeMap::new();
        for (key, v, _) in self.candidates() {
            promoted.entry(key).or_default().push(v);
        }
        self.requirements()
            .into_iter()
            .filter(|(req, _)| !self.satisfied(req, &promoted))
            .collect()
    }

    /// `withDependencies`: adds the highest source version for each unsatisfied range.
    /// Returns whether anything was added.
    fn add_dependencies(&mut self) -> bool {
        let mut additions = Vec::new();
        for (req, required_by) in self.unsatisfied() {
            let Some(key) = req.key.clone() else { continue };
            let Some(d) = self.data.get(&key) else {
                continue;
            };
            let repos = searched(&self.spec, &key, d);
            let pick = match &req.spec {
                Spec::Range(_) => highest_matching(
                    &req.spec,
                    repos
                        .iter()
                        .flat_map(|r| r.versions.values())
                        .filter(|rec| rec.status.is_copyable())
                        .map(|rec| &rec.version),
                )
                .cloned(),
                Spec::Tag(tag) => repos.iter().find_map(|r| r.dist_tags.get(tag)).cloned(),
                Spec::NotRegistry => None,
            };
            if let Some(v) = pick
                && let Some(rec) = source_record(repos, &v)
            {
                additions.push((key, v, rec.revision.clone(), required_by));
            }
        }
        let mut changed = false;
        for (key, v, revision, required_by) in additions {
            let w = self.want(key, None);
            let already = w
                .explicit
                .as_ref()
                .is_some_and(|e| e.versions().contains(&&v));
            if !already && !w.added.contains_key(&v) {
                w.added.insert(v, (revision, required_by));
                changed = true;
            }
        }
        changed
    }

    /// The packages whose data the planner still needs (requested ones, then npm
    /// dependencies of promoted versions). Empty when planning can finish.
    pub fn wanted(&mut self) -> Vec<PackageKey> {
        if self.listing_pending {
            return Vec::new();
        }
        loop {
            let mut missing: BTreeSet<PackageKey> = self
                .order
                .iter()
                .filter(|k| !self.data.contains_key(*k))
                .cloned()
                .collect();
            for (req, _) in self.requirements() {
                if let Some(k) = req.key
                    && !self.data.contains_key(&k)
                {
                    missing.insert(k);
                }
            }
            if !missing.is_empty() {
                return missing.into_iter().collect();
            }
            if !self.spec.with_dependencies || !self.add_dependencies() {
                return Vec::new();
            }
        }
    }

    /// Decides every version. Packages never provided count as absent everywhere. A plan
    /// that grows past [`MAX_PACKAGES`] or [`MAX_VERSIONS`] (a selection, or dependencies
    /// added) is a `ValidationException`.
    pub fn finish(mut self) -> Result<PromotionPlan, ValidationErrors> {
        for key in self.order.clone() {
            if !self.data.contains_key(&key) {
                let absent = PackageData::absent(&self.spec);
                self.provide(key, absent);
            }
        }
        super::decide::finish(self)
    }
}
