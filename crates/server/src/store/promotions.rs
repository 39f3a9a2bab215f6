//! Release promotions: planning and applying one in a single write transaction, the records of
//! applied promotions with the destination's state before every write, and reverts.
//!
//! The planner is the core's sans-I/O [`PromotionPlanner`]: [`PromotionStore::promote`] drives
//! its loop with data read inside the transaction (three set-based queries per repository and
//! round, see [`load`]), so the plan that is applied is the plan of what the transaction sees.
//! Each package's copies are applied by the copy's own apply path (`versions::apply_copy`:
//! rows referencing the same content-addressed blobs, whatever the domains), the record is
//! written ([`record`]) and the transaction commits; any failure before the commit writes
//! nothing. A revert ([`restore`]) is one transaction too: the record, the destination now,
//! the core's `plan_revert`, then either a `Conflict` naming every change or the restore and
//! the revert's own record.
//!
//! On PostgreSQL both lock the packages they read and write, not the deployment ([`locks`]):
//! promotions of disjoint packages, and copies and publishes beside them, run at once.

mod load;
mod locks;
mod record;
mod restore;

use super::repositories::{repository_in, search_order_in};
use super::versions::apply_copy;
use super::{
    AssetRow, Backend, Clash, RepositoryRow, Store, StoreError, StoreResult, VersionRow, WriteTx,
};
use async_trait::async_trait;
use load::{LoadedPackage, load_packages, select_packages, states_of};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet};
use wharf_core::api::{self, PackageVersionOriginType, PromotionSummary};
use wharf_core::copy::{
    CopyPlan, MAX_REPOSITORIES_SEARCHED, PlannedCopy, RepositoryPackage, VersionOutcome,
};
use wharf_core::names::{
    PackageCoordinate, PackageFormat, PackageVersion, PackageVersionStatus, RepositoryName,
};
use wharf_core::promotion::revert::{CurrentState, TagRef, VersionRef, plan_revert};
use wharf_core::promotion::{
    PackageData, PromotionOutcome, PromotionPlan, PromotionPlanner, PromotionSpec,
};
use wharf_core::revision::{VersionContent, VersionMetadata};

/// Decides whether the caller may promote (or revert) these destination packages: `Err` with
/// the `AccessDeniedException` message refuses the whole operation. It runs inside the
/// transaction on the packages of the final plan, so packages added as dependencies are
/// checked too.
pub type PromotionGate<'a> = &'a (dyn Fn(&[PackageCoordinate]) -> Result<(), String> + Send + Sync);

/// A promotion to plan, and apply unless it is a dry run.
pub struct Promote<'a> {
    /// The domains' owner.
    pub owner: &'a str,
    /// The validated request.
    pub spec: &'a PromotionSpec,
    /// The caller's ARN, for the record.
    pub principal: &'a str,
    /// The authorization of the planned packages.
    pub gate: PromotionGate<'a>,
}

/// A revert to plan, and apply unless it is a dry run.
pub struct Revert<'a> {
    /// The domains' owner.
    pub owner: &'a str,
    /// The promotion to revert.
    pub id: &'a str,
    /// The caller's ARN, for the revert's record.
    pub principal: &'a str,
    /// Free text for the revert's record.
    pub reason: Option<&'a str>,
    /// Plan only.
    pub dry_run: bool,
    /// The authorization of the record's packages.
    pub gate: PromotionGate<'a>,
}

/// What a promotion or revert came to.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Planned (and applied unless a dry run or a failing plan).
    Done(T),
    /// The gate refused it: nothing was written.
    Refused(String),
}

/// A destination version's whole state, enough to put it back exactly: the row, its asset rows
/// (which reference content-addressed blobs that are never deleted) and its npm deprecation.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionBefore {
    /// Revision.
    pub revision: String,
    /// Status.
    pub status: PackageVersionStatus,
    /// Origin type.
    pub origin_type: PackageVersionOriginType,
    /// Entry repository.
    pub entry_repository: Option<String>,
    /// Publish time.
    pub published_time: f64,
    /// Version-level metadata.
    pub metadata: VersionMetadata,
    /// Asset rows.
    pub assets: Vec<AssetRow>,
    /// npm deprecation message.
    pub deprecated: Option<String>,
}

impl VersionBefore {
    /// The row's part of the state (assets and deprecation are read separately).
    pub(crate) fn of(row: &VersionRow) -> Self {
        VersionBefore {
            revision: row.revision.clone(),
            status: row.status,
            origin_type: row.origin_type,
            entry_repository: row.entry_repository.clone(),
            published_time: row.published_time,
            metadata: row.metadata.clone(),
            assets: Vec::new(),
            deprecated: None,
        }
    }
}

/// One version a promotion (or revert) wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedVersion {
    /// The destination package.
    pub package: PackageCoordinate,
    /// The version.
    pub version: String,
    /// What the destination held before (`None`: nothing).
    pub before: Option<VersionBefore>,
    /// Revision and status after (`None`: the write removed it).
    pub after: Option<(String, PackageVersionStatus)>,
}

/// A stored promotion (or revert) with everything it wrote.
#[derive(Debug, Clone)]
pub struct StoredPromotion {
    /// Its position in the log (paging key).
    pub seq: i64,
    /// The summary.
    pub summary: PromotionSummary,
    /// The applied plan per package.
    pub packages: Vec<api::PromotedPackage>,
    /// Versions written.
    pub versions: Vec<RecordedVersion>,
    /// Dist-tags moved.
    pub dist_tags: Vec<api::DistTagWrite>,
    /// Destination package records it created.
    pub created_packages: Vec<PackageCoordinate>,
}

fn state(revision: &str, status: PackageVersionStatus) -> api::VersionState {
    api::VersionState {
        revision: revision.to_owned(),
        status,
        content: None,
    }
}

impl StoredPromotion {
    /// The writes, as the core's revert planner and the API take them.
    pub fn writes(&self) -> api::PromotionWrites {
        api::PromotionWrites {
            versions: self
                .versions
                .iter()
                .map(|v| api::VersionWrite {
                    format: v.package.format,
                    namespace: v.package.namespace.as_ref().map(|n| n.to_string()),
                    package: v.package.name.to_string(),
                    version: v.version.clone(),
                    before: v.before.as_ref().map(|b| state(&b.revision, b.status)),
                    after: v.after.as_ref().map(|(r, s)| state(r, *s)),
                })
                .collect(),
            dist_tags: self.dist_tags.clone(),
        }
    }

    /// The record as `GET /wharf/v1/promotions/{id}` answers it.
    pub fn record(&self) -> api::PromotionRecord {
        api::PromotionRecord {
            summary: self.summary.clone(),
            packages: self.packages.clone(),
            writes: self.writes(),
        }
    }

    /// Every destination package the record touches.
    pub fn packages_touched(&self) -> StoreResult<BTreeSet<PackageCoordinate>> {
        let mut out: BTreeSet<PackageCoordinate> =
            self.versions.iter().map(|v| v.package.clone()).collect();
        for t in &self.dist_tags {
            out.insert(tag_package(t)?);
        }
        Ok(out)
    }
}

fn tag_package(t: &api::DistTagWrite) -> StoreResult<PackageCoordinate> {
    PackageCoordinate::parse(t.format.as_str(), t.namespace.as_deref(), &t.package)
        .map_err(|e| StoreError::Backend(anyhow::anyhow!("recorded package {}: {e:?}", t.package)))
}

/// Release promotions: plan/apply, revert, and the records.
#[async_trait]
pub trait PromotionStore: Send + Sync {
    /// Plans a promotion from what the repositories hold and, unless it is a dry run, the
    /// gate refuses or a version fails, applies it and records it: all in one write
    /// transaction, so concurrent promotions behave as if run one after another.
    async fn promote(&self, p: &Promote<'_>) -> StoreResult<Outcome<api::PromotionResult>>;

    /// Plans the revert of a recorded promotion against the destination now and, unless it is
    /// a dry run, applies it and records it, in one write transaction. Something the
    /// promotion wrote that changed since is a `Conflict` naming every change.
    async fn revert_promotion(&self, r: &Revert<'_>) -> StoreResult<Outcome<api::RevertResult>>;

    /// One page of records into `domain` (and `repository`), newest first, before the record
    /// with sequence `before`: `(seq, summary)` pairs.
    async fn promotions(
        &self,
        owner: &str,
        domain: &str,
        repository: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<(i64, PromotionSummary)>>;

    /// A record with everything it wrote.
    async fn promotion(&self, owner: &str, id: &str) -> StoreResult<StoredPromotion>;
}

/// What planning read: the plan, the repositories, and the destination's rows.
struct Planned {
    plan: PromotionPlan,
    sources: Vec<RepositoryRow>,
    destination: RepositoryRow,
    held: BTreeMap<PackageCoordinate, LoadedPackage>,
}

/// The planner's view of what a repository holds of a package.
fn view_of(
    repository: &RepositoryRow,
    loaded: Option<&LoadedPackage>,
) -> StoreResult<RepositoryPackage> {
    let name = RepositoryName::parse(&repository.name)
        .map_err(|e| StoreError::Backend(anyhow::anyhow!("stored name: {e}")))?;
    let mut view = RepositoryPackage::absent(name);
    let Some(p) = loaded else {
        return Ok(view);
    };
    view.exists = true;
    view.upstream_blocked = p.package.origin_upstream == "BLOCK";
    view.publish_blocked = p.package.origin_publish == "BLOCK";
    for (r, _) in &p.versions {
        let record = super::version_record_of(r)?;
        view.versions.insert(record.version.clone(), record);
    }
    for (tag, v) in &p.dist_tags {
        let parsed = PackageVersion::parse(v).map_err(|e| {
            StoreError::corrupt(
                "dist_tags",
                format!("{}/{tag}", p.package.id),
                "version",
                v,
                e,
            )
        })?;
        view.dist_tags.insert(tag.clone(), parsed);
    }
    Ok(view)
}

fn invalid(e: wharf_core::ValidationErrors) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Reads what the planner asks for, round by round, and plans. Every package it reads (in the
/// source and destination domains) is added to `read`, also when it fails.
async fn plan_in(
    conn: &mut AnyConnection,
    owner: &str,
    spec: &PromotionSpec,
    read: &mut BTreeSet<PackageCoordinate>,
) -> StoreResult<Planned> {
    let searched = if spec.include_from_upstream {
        MAX_REPOSITORIES_SEARCHED
    } else {
        1
    };
    let sources = search_order_in(
        conn,
        owner,
        spec.domain.as_str(),
        spec.source.as_str(),
        searched,
    )
    .await?;
    let mut dest_order = search_order_in(
        conn,
        owner,
        spec.destination_domain.as_str(),
        spec.destination.as_str(),
        MAX_REPOSITORIES_SEARCHED,
    )
    .await?;
    let destination = dest_order.remove(0);
    let mut planner = PromotionPlanner::new(spec.clone());
    if let Some(filter) = planner.listing_wanted().cloned() {
        let listed = select_packages(
            conn,
            sources[0].id,
            filter.format,
            filter.namespace.as_ref().map(|n| n.as_str()),
            filter.package_prefix.as_deref(),
        )
        .await?;
        planner.provide_listing(listed).map_err(invalid)?;
    }
    let mut held = BTreeMap::new();
    loop {
        let wanted: BTreeSet<PackageCoordinate> = planner.wanted().into_iter().collect();
        if wanted.is_empty() {
            break;
        }
        read.extend(wanted.iter().cloned());
        let npm: BTreeSet<PackageCoordinate> = wanted
            .iter()
            .filter(|k| k.format == PackageFormat::Npm)
            .cloned()
            .collect();
        let mut in_sources = Vec::with_capacity(sources.len());
        for repo in &sources {
            in_sources.push(load_packages(conn, repo.id, &wanted, !npm.is_empty()).await?);
        }
        let in_dest = load_packages(conn, destination.id, &wanted, false).await?;
        let mut in_upstreams = Vec::new();
        if !npm.is_empty() {
            for repo in &dest_order {
                in_upstreams.push(load_packages(conn, repo.id, &npm, false).await?);
            }
        }
        let contents = conflict_contents(conn, &wanted, &in_sources, &in_dest).await?;
        for key in wanted {
            let mut data = PackageData::absent(spec);
            data.source = sources
                .iter()
                .zip(&in_sources)
                .map(|(r, m)| view_of(r, m.get(&key)))
                .collect::<StoreResult<_>>()?;
            data.destination = view_of(&destination, in_dest.get(&key))?;
            let dest_blocks = in_dest
                .get(&key)
                .is_some_and(|p| p.package.origin_upstream == "BLOCK");
            if key.format == PackageFormat::Npm && !dest_blocks {
                data.destination_upstreams = dest_order
                    .iter()
                    .zip(&in_upstreams)
                    .map(|(r, m)| view_of(r, m.get(&key)))
                    .collect::<StoreResult<_>>()?;
            }
            for m in in_sources.iter().rev() {
                for (row, deps) in m
                    .get(&key)
                    .map(|p| p.versions.as_slice())
                    .unwrap_or_default()
                {
                    if let (Some(deps), Ok(v)) = (deps, PackageVersion::parse(&row.version)) {
                        data.dependencies.insert(v, deps.clone());
                    }
                }
            }
            if let Some((src, dst)) = contents.get(&key) {
                data.source_content = src.clone();
                data.destination_content = dst.clone();
            }
            if let Some(p) = in_dest.get(&key) {
                held.insert(key.clone(), p.clone());
            }
            planner.provide(key, data);
        }
    }
    let plan = planner.finish().map_err(invalid)?;
    Ok(Planned {
        plan,
        sources,
        destination,
        held,
    })
}

type Contents = BTreeMap<PackageVersion, VersionContent>;

/// Assets and metadata of the versions that the source and the destination both hold with
/// different revisions (the possible conflicts), for the plan's diffs: two queries per round.
async fn conflict_contents(
    conn: &mut AnyConnection,
    wanted: &BTreeSet<PackageCoordinate>,
    in_sources: &[BTreeMap<PackageCoordinate, LoadedPackage>],
    in_dest: &BTreeMap<PackageCoordinate, LoadedPackage>,
) -> StoreResult<BTreeMap<PackageCoordinate, (Contents, Contents)>> {
    let mut pairs: Vec<(&PackageCoordinate, &VersionRow, &VersionRow)> = Vec::new();
    for key in wanted {
        let Some(dest) = in_dest.get(key) else {
            continue;
        };
        for (d, _) in &dest.versions {
            let src = in_sources.iter().find_map(|m| {
                m.get(key)?
                    .versions
                    .iter()
                    .find(|(s, _)| s.version == d.version)
                    .map(|(s, _)| s)
            });
            if let Some(s) = src
                && s.revision != d.revision
            {
                pairs.push((key, s, d));
            }
        }
    }
    if pairs.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<&VersionRow> = pairs.iter().flat_map(|(_, s, d)| [*s, *d]).collect();
    let states = states_of(conn, &rows).await?;
    let content = |row: &VersionRow| {
        states.get(&row.id).map(|st| VersionContent {
            assets: st.assets.iter().map(AssetRow::summary).collect(),
            metadata: st.metadata.clone(),
        })
    };
    let mut out: BTreeMap<PackageCoordinate, (Contents, Contents)> = BTreeMap::new();
    for (key, s, d) in pairs {
        let (Ok(v), Some(sc), Some(dc)) =
            (PackageVersion::parse(&s.version), content(s), content(d))
        else {
            continue;
        };
        let entry = out.entry(key.clone()).or_default();
        entry.0.insert(v.clone(), sc);
        entry.1.insert(v, dc);
    }
    Ok(out)
}

/// A new record id: 20 lowercase hex digits (80 random bits).
fn new_id() -> String {
    format!("{:020x}", rand::random::<u128>() >> 48)
}

/// Applies a successful plan and records it.
async fn apply_in(
    conn: &mut AnyConnection,
    p: &Promote<'_>,
    planned: &Planned,
    result: &api::PromotionResult,
    id: &str,
) -> StoreResult<()> {
    let plan = &planned.plan;
    // The destination rows each overwrite replaces, read whole before anything is written.
    let mut replaced: Vec<&VersionRow> = Vec::new();
    for (pkg, copy) in plan.copies() {
        if copy.replaces.is_some()
            && let Some(row) = planned.held.get(&pkg.key).and_then(|h| {
                h.versions
                    .iter()
                    .find(|(r, _)| r.version == copy.record.version.as_str())
            })
        {
            replaced.push(&row.0);
        }
    }
    let befores = states_of(conn, &replaced).await?;
    let mut versions = Vec::new();
    let mut created = Vec::new();
    for pkg in &plan.packages {
        let copies: Vec<&PlannedCopy> = pkg
            .versions
            .iter()
            .filter_map(|v| match &v.outcome {
                PromotionOutcome::Copy(c) => Some(c),
                _ => None,
            })
            .collect();
        if copies.is_empty() && pkg.dist_tags.is_empty() {
            continue;
        }
        let held = planned.held.get(&pkg.key);
        if held.is_none() {
            created.push(pkg.key.clone());
        }
        for c in &copies {
            let v = c.record.version.as_str();
            let before = held
                .and_then(|h| h.versions.iter().find(|(r, _)| r.version == v))
                .and_then(|(r, _)| befores.get(&r.id).cloned());
            versions.push(RecordedVersion {
                package: pkg.key.clone(),
                version: v.to_owned(),
                before,
                after: Some((c.record.revision.to_string(), c.record.status)),
            });
        }
        let entries = copies
            .into_iter()
            .map(|c| (c.record.version.clone(), VersionOutcome::Copy(c.clone())))
            .collect();
        let copy_plan = CopyPlan {
            package: pkg.key.clone(),
            destination: p.spec.destination.clone(),
            entries,
            dist_tags: pkg.dist_tags.clone(),
        };
        apply_copy(
            conn,
            &planned.sources,
            &planned.destination,
            &pkg.key,
            &copy_plan,
        )
        .await?;
    }
    let writes = plan.writes();
    record::insert_record(
        conn,
        &record::NewRecord {
            id,
            owner: p.owner,
            created_time: super::now(),
            principal: p.principal,
            source: &result.source,
            destination: &result.destination,
            reason: p.spec.reason.as_deref(),
            revert_of: None,
            packages: &result.packages,
            versions: &versions,
            dist_tags: &writes.dist_tags,
            created_packages: &created,
        },
    )
    .await
}

/// What the destination holds now of everything a record touched.
async fn current_state(
    conn: &mut AnyConnection,
    dest: &RepositoryRow,
    rec: &StoredPromotion,
) -> StoreResult<(CurrentState, BTreeMap<PackageCoordinate, LoadedPackage>)> {
    let keys = rec.packages_touched()?;
    let held = load_packages(conn, dest.id, &keys, false).await?;
    let mut current = CurrentState::default();
    for (key, p) in &held {
        let (format, namespace, package) = (
            key.format,
            key.namespace.as_ref().map(|n| n.to_string()),
            key.name.to_string(),
        );
        for (row, _) in &p.versions {
            let r = VersionRef {
                format,
                namespace: namespace.clone(),
                package: package.clone(),
                version: row.version.clone(),
            };
            current.versions.insert(r, state(&row.revision, row.status));
        }
        for (tag, v) in &p.dist_tags {
            let r = TagRef {
                format,
                namespace: namespace.clone(),
                package: package.clone(),
                tag: tag.clone(),
            };
            current.dist_tags.insert(r, v.clone());
        }
    }
    Ok((current, held))
}

/// Every destination package a revert of `rec` reads or writes.
fn revert_packages(rec: &StoredPromotion) -> StoreResult<BTreeSet<PackageCoordinate>> {
    let mut packages = rec.packages_touched()?;
    packages.extend(rec.created_packages.iter().cloned());
    Ok(packages)
}

impl Store {
    /// A write transaction holding the locks of every package the promotion `p` reads, and the
    /// plan made inside it ([`locks`]). On SQLite (one writer) it plans once.
    async fn plan_locked(&self, p: &Promote<'_>) -> StoreResult<(WriteTx<'_>, Planned)> {
        let domains = [p.spec.domain.as_str(), p.spec.destination_domain.as_str()];
        let mut packages = BTreeSet::new();
        if self.backend() == Backend::Postgres {
            // Names the packages only: a failure here is met again, under the locks, below.
            let mut tx = self.pool().begin().await?;
            let _ = plan_in(&mut tx, p.owner, p.spec, &mut packages).await;
            tx.rollback().await?;
        }
        let mut replans = 0;
        loop {
            let scope = locks::scope_of(p.owner, &domains, &packages);
            let whole = scope.is_deployment();
            let mut w = self.write_scoped(scope).await?;
            let mut read = BTreeSet::new();
            let planned = plan_in(&mut w.tx, p.owner, p.spec, &mut read).await;
            if whole || read.is_subset(&packages) {
                return Ok((w, planned?));
            }
            // It read a package whose lock it does not hold (added since it was named): again,
            // holding that one too, or after a few tries the whole deployment.
            w.rollback().await?;
            replans += 1;
            if replans >= locks::MAX_REPLANS {
                packages.clear();
            } else {
                packages.extend(read);
            }
        }
    }

    /// A write transaction holding the locks of every package a revert of the record `id`
    /// touches, and the record read inside it ([`locks`]). On SQLite (one writer) it reads once.
    async fn read_record_locked(
        &self,
        owner: &str,
        id: &str,
    ) -> StoreResult<(WriteTx<'_>, StoredPromotion)> {
        let mut named: Option<(String, BTreeSet<PackageCoordinate>)> = None;
        if self.backend() == Backend::Postgres {
            let mut conn = self.pool().acquire().await?;
            // Names the packages only: a missing record is met again, under the locks, below.
            if let Ok(rec) = record::read_record(&mut conn, owner, id).await {
                named = Some((
                    rec.summary.destination.domain.clone(),
                    revert_packages(&rec)?,
                ));
            }
        }
        loop {
            let scope = match &named {
                Some((domain, packages)) => locks::scope_of(owner, &[domain], packages),
                None => super::WriteScope::deployment(),
            };
            let whole = scope.is_deployment();
            let mut w = self.write_scoped(scope).await?;
            let rec = record::read_record(&mut w.tx, owner, id).await?;
            let covered = named.as_ref().is_some_and(|(domain, packages)| {
                *domain == rec.summary.destination.domain
                    && revert_packages(&rec).is_ok_and(|touched| touched.is_subset(packages))
            });
            if whole || covered {
                return Ok((w, rec));
            }
            // A record's packages never change, so this is a record deleted and made again
            // under the same id: read it once more under the deployment-wide lock.
            w.rollback().await?;
            named = None;
        }
    }
}

#[async_trait]
impl PromotionStore for Store {
    async fn promote(&self, p: &Promote<'_>) -> StoreResult<Outcome<api::PromotionResult>> {
        if p.spec.dry_run {
            let mut tx = self.pool().begin().await?;
            let planned = plan_in(&mut tx, p.owner, p.spec, &mut BTreeSet::new()).await?;
            let keys: Vec<PackageCoordinate> = planned
                .plan
                .packages
                .iter()
                .map(|q| q.key.clone())
                .collect();
            if let Err(m) = (p.gate)(&keys) {
                return Ok(Outcome::Refused(m));
            }
            return Ok(Outcome::Done(planned.plan.result(true)));
        }
        let started = super::now();
        let (mut w, planned) = self.plan_locked(p).await?;
        let keys: Vec<PackageCoordinate> = planned
            .plan
            .packages
            .iter()
            .map(|q| q.key.clone())
            .collect();
        if let Err(m) = (p.gate)(&keys) {
            return Ok(Outcome::Refused(m));
        }
        let mut result = planned.plan.result(false);
        if !planned.plan.succeeds() {
            return Ok(Outcome::Done(result));
        }
        let id = new_id();
        apply_in(&mut w.tx, p, &planned, &result, &id).await?;
        super::events::note_promotion(&mut w.notes, planned.destination.id, &planned.plan);
        let (owner, who) = (p.owner, p.principal);
        super::events::note_promotion_succeeded(&mut w.notes, owner, who, &id, &result, started);
        w.commit().await?;
        result.promotion_id = Some(id);
        Ok(Outcome::Done(result))
    }

    async fn revert_promotion(&self, r: &Revert<'_>) -> StoreResult<Outcome<api::RevertResult>> {
        let (mut w, rec) = self.read_record_locked(r.owner, r.id).await?;
        let conn: &mut AnyConnection = &mut w.tx;
        if let Some(by) = &rec.summary.reverted_by {
            return Err(Clash::PromotionReverted {
                id: r.id.to_owned(),
                by: by.clone(),
            }
            .into());
        }
        let touched: Vec<PackageCoordinate> = rec.packages_touched()?.into_iter().collect();
        if let Err(m) = (r.gate)(&touched) {
            return Ok(Outcome::Refused(m));
        }
        let dest = repository_in(
            conn,
            r.owner,
            &rec.summary.destination.domain,
            &rec.summary.destination.repository,
        )
        .await?;
        let (current, held) = current_state(conn, &dest, &rec).await?;
        let writes = rec.writes();
        let plan =
            plan_revert(&writes, &current).map_err(|conflicts| Clash::PromotionIrreversible {
                id: r.id.to_owned(),
                conflicts,
            })?;
        if r.dry_run {
            return Ok(Outcome::Done(plan.result(r.id, true, None)));
        }
        let undo: Vec<RecordedVersion> = rec
            .versions
            .iter()
            .filter(|v| {
                plan.versions.iter().any(|(vr, _, _)| {
                    vr.version == v.version
                        && vr.package == v.package.name.as_str()
                        && vr.format == v.package.format
                        && vr.namespace.as_deref()
                            == v.package.namespace.as_ref().map(|n| n.as_str())
                })
            })
            .cloned()
            .collect();
        let undo_tags: Vec<api::DistTagWrite> = rec
            .dist_tags
            .iter()
            .filter(|t| {
                plan.dist_tags.iter().any(|(tr, _, _)| {
                    tr.tag == t.tag
                        && tr.package == t.package
                        && tr.format == t.format
                        && tr.namespace == t.namespace
                })
            })
            .cloned()
            .collect();
        // The revert's own record: each write's state now (whole, so that the revert can be
        // reverted too) and what it leaves.
        let now_rows: Vec<(&RecordedVersion, &VersionRow)> = undo
            .iter()
            .filter_map(|v| {
                let p = held.get(&v.package)?;
                p.versions
                    .iter()
                    .find(|(row, _)| row.version == v.version)
                    .map(|(row, _)| (v, row))
            })
            .collect();
        let rows: Vec<&VersionRow> = now_rows.iter().map(|(_, row)| *row).collect();
        let now_states = states_of(conn, &rows).await?;
        let own: Vec<RecordedVersion> = undo
            .iter()
            .map(|v| RecordedVersion {
                package: v.package.clone(),
                version: v.version.clone(),
                before: now_rows
                    .iter()
                    .find(|(u, _)| std::ptr::eq(*u, v))
                    .and_then(|(_, row)| now_states.get(&row.id).cloned()),
                after: v.before.as_ref().map(|b| (b.revision.clone(), b.status)),
            })
            .collect();
        let ids: BTreeMap<PackageCoordinate, i64> = held
            .iter()
            .map(|(k, p)| (k.clone(), p.package.id))
            .collect();
        restore::undo_writes(conn, &dest, &undo, &undo_tags, &rec.created_packages, &ids).await?;
        let own_tags = plan.writes(&writes).dist_tags;
        let id = new_id();
        record::insert_record(
            conn,
            &record::NewRecord {
                id: &id,
                owner: r.owner,
                created_time: super::now(),
                principal: r.principal,
                source: &rec.summary.source,
                destination: &rec.summary.destination,
                reason: r.reason,
                revert_of: Some(r.id),
                packages: &[],
                versions: &own,
                dist_tags: &own_tags,
                created_packages: &[],
            },
        )
        .await?;
        record::mark_reverted(conn, rec.seq, &id).await?;
        w.commit().await?;
        Ok(Outcome::Done(plan.result(r.id, false, Some(id))))
    }

    async fn promotions(
        &self,
        owner: &str,
        domain: &str,
        repository: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<(i64, PromotionSummary)>> {
        let mut conn = self.pool().acquire().await?;
        record::list_records(&mut conn, owner, domain, repository, before, limit).await
    }

    async fn promotion(&self, owner: &str, id: &str) -> StoreResult<StoredPromotion> {
        let mut conn = self.pool().acquire().await?;
        record::read_record(&mut conn, owner, id).await
    }
}
