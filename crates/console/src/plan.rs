//! Pure helpers behind the plan, outcome and verify views: building the planner's input from
//! API answers, turning reports and results into table rows, and formatting.

use std::collections::{BTreeMap, BTreeSet};
use wharf_core::api::{
    AssetSummary, CopyPackageVersionsRequest, CopyPackageVersionsResult, CopyPlanReport,
    CopyPreviewInput, PackageVersionDescription, PackageVersionErrorCode, PackageVersionSummary,
    PackageView, PlannedAction, PlannedVersion,
};
use wharf_core::copy::MAX_REPOSITORIES_SEARCHED;
use wharf_core::names::PackageVersionStatus;
use wharf_core::revision::{License, VersionContent, VersionMetadata};

/// What one repository holds of the package: its versions, or `None` when the package is not
/// there at all.
pub type Holding = Option<Vec<PackageVersionSummary>>;

/// A [`PackageView`] of `repository` from what ListPackageVersions returned.
pub fn package_view(repository: &str, holding: Holding) -> PackageView {
    PackageView {
        repository: repository.to_owned(),
        exists: holding.is_some(),
        versions: holding.unwrap_or_default(),
        ..PackageView::default()
    }
}

/// The planner's input: the source views (source first, then upstreams in search order) and
/// the destination view.
pub fn preview_input(
    request: &CopyPackageVersionsRequest,
    sources: Vec<(String, Holding)>,
    destination: (String, Holding),
) -> CopyPreviewInput {
    CopyPreviewInput {
        request: request.clone(),
        source: sources
            .into_iter()
            .map(|(r, h)| package_view(&r, h))
            .collect(),
        destination: package_view(&destination.0, destination.1),
    }
}

/// Sets each view's npm dist-tags from `tags` (repository → tag → version).
pub fn with_dist_tags(
    mut input: CopyPreviewInput,
    tags: &BTreeMap<String, BTreeMap<String, String>>,
) -> CopyPreviewInput {
    for view in input.source.iter_mut().chain([&mut input.destination]) {
        if let Some(t) = tags.get(&view.repository) {
            view.dist_tags = t.clone();
        }
    }
    input
}

/// The source repository followed by its upstreams in depth-first priority order (each
/// repository once, at most [`MAX_REPOSITORIES_SEARCHED`]), given each repository's upstreams.
pub fn upstream_order(root: &str, upstreams: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    fn visit(
        repo: &str,
        upstreams: &BTreeMap<String, Vec<String>>,
        seen: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if out.len() >= MAX_REPOSITORIES_SEARCHED || !seen.insert(repo.to_owned()) {
            return;
        }
        out.push(repo.to_owned());
        for up in upstreams.get(repo).into_iter().flatten() {
            visit(up, upstreams, seen, out);
        }
    }
    let mut out = Vec::new();
    visit(root, upstreams, &mut BTreeSet::new(), &mut out);
    out
}

/// Fills the revisions the planner leaves out of failed rows (a `SKIPPED` or `ALREADY_EXISTS`
/// version still has a source and maybe a destination revision), from what the repositories
/// hold: the first source in search order that has the version, and the destination.
pub fn fill_revisions(
    report: &mut CopyPlanReport,
    sources: &[(String, Holding)],
    destination: &Holding,
) {
    let find = |held: &Holding, version: &str| {
        held.as_ref()?
            .iter()
            .find(|v| v.version == version)
            .and_then(|v| v.revision.clone())
    };
    for row in &mut report.versions {
        if row.revision.is_none() {
            row.revision = sources.iter().find_map(|(_, h)| find(h, &row.version));
        }
        if row.destination_revision.is_none() {
            row.destination_revision = find(destination, &row.version);
        }
    }
}

/// Joins the reports of several batches into one, in batch order.
pub fn merge_reports(reports: Vec<CopyPlanReport>) -> Option<CopyPlanReport> {
    let mut iter = reports.into_iter();
    let mut merged = iter.next()?;
    for r in iter {
        merged
            .result
            .successful_versions
            .extend(r.result.successful_versions);
        merged
            .result
            .failed_versions
            .extend(r.result.failed_versions);
        merged.versions.extend(r.versions);
        merged.dist_tags.extend(r.dist_tags);
    }
    Some(merged)
}

/// How many versions of a plan fall under each action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanSummary {
    /// `COPY` rows.
    pub copy: usize,
    /// `OVERWRITE` rows.
    pub overwrite: usize,
    /// `NO_OP` rows.
    pub no_op: usize,
    /// `FAIL` rows.
    pub fail: usize,
}

/// Counts the actions of a plan.
pub fn summarize(report: &CopyPlanReport) -> PlanSummary {
    let mut s = PlanSummary::default();
    for v in &report.versions {
        match v.action {
            PlannedAction::Copy => s.copy += 1,
            PlannedAction::Overwrite => s.overwrite += 1,
            PlannedAction::NoOp => s.no_op += 1,
            PlannedAction::Fail => s.fail += 1,
        }
    }
    s
}

/// The label of an action, as the table shows it.
pub fn action_label(action: PlannedAction) -> &'static str {
    match action {
        PlannedAction::Copy => "COPY",
        PlannedAction::Overwrite => "OVERWRITE",
        PlannedAction::NoOp => "NO_OP",
        PlannedAction::Fail => "FAIL",
    }
}

/// The planned versions whose source and destination differ, which get a diff: overwrites
/// and `ALREADY_EXISTS` failures.
pub fn diff_candidates(report: &CopyPlanReport) -> Vec<&PlannedVersion> {
    report
        .versions
        .iter()
        .filter(|v| match v.action {
            PlannedAction::Overwrite => true,
            PlannedAction::Fail => v
                .error
                .as_ref()
                .is_some_and(|e| e.error_code == PackageVersionErrorCode::AlreadyExists),
            PlannedAction::Copy | PlannedAction::NoOp => false,
        })
        .collect()
}

/// What a revision covers, from ListPackageVersionAssets and DescribePackageVersion.
pub fn version_content(
    assets: Vec<AssetSummary>,
    description: &PackageVersionDescription,
) -> VersionContent {
    VersionContent {
        assets,
        metadata: VersionMetadata {
            summary: description.summary.clone(),
            home_page: description.home_page.clone(),
            source_code_repository: description.source_code_repository.clone(),
            licenses: description
                .licenses
                .iter()
                .map(|l| License {
                    name: l.name.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            attributes: BTreeMap::new(),
        },
    }
}

/// One row of the outcome table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    /// The version.
    pub version: String,
    /// Its revision, when it succeeded.
    pub revision: Option<String>,
    /// Its status after the copy, when it succeeded.
    pub status: Option<PackageVersionStatus>,
    /// Why it failed.
    pub error_code: Option<PackageVersionErrorCode>,
    /// The service's message, when it failed.
    pub error_message: Option<String>,
    /// Requested, but the result does not mention it: the destination already held it
    /// identical, so the copy left it as it was.
    pub unchanged: bool,
}

/// What to do about a failed version.
pub fn next_step(code: PackageVersionErrorCode) -> &'static str {
    match code {
        PackageVersionErrorCode::AlreadyExists => {
            "The destination holds a different version: review the diff, re-run with overwrite."
        }
        PackageVersionErrorCode::MismatchedRevision => {
            "The source revision changed: plan again and copy the current revision."
        }
        PackageVersionErrorCode::MismatchedStatus => {
            "Only Published, Unlisted and Archived versions can be copied."
        }
        PackageVersionErrorCode::NotAllowed => {
            "An origin control blocks it: check the package's origin configuration."
        }
        PackageVersionErrorCode::NotFound => {
            "Check the version exists in the source, or include upstream repositories."
        }
        PackageVersionErrorCode::Skipped => {
            "Not attempted because another version failed: fix that one and re-run."
        }
    }
}

/// The outcome rows of a result: requested versions first, in request order, then any other
/// version the result mentions. A requested version the result does not mention is
/// `unchanged` (the destination held it identical).
pub fn outcome_rows(requested: &[String], result: &CopyPackageVersionsResult) -> Vec<OutcomeRow> {
    let mut names: Vec<&String> = Vec::new();
    for v in requested
        .iter()
        .chain(result.successful_versions.keys())
        .chain(result.failed_versions.keys())
    {
        if !names.contains(&v) {
            names.push(v);
        }
    }
    names
        .into_iter()
        .map(|v| {
            let ok = result.successful_versions.get(v);
            let failed = result.failed_versions.get(v);
            OutcomeRow {
                version: v.clone(),
                revision: ok.map(|o| o.revision.clone()),
                status: ok.map(|o| o.status),
                error_code: failed.map(|f| f.error_code),
                error_message: failed.map(|f| f.error_message.clone()),
                unchanged: ok.is_none() && failed.is_none(),
            }
        })
        .collect()
}

/// The versions to plan again with overwrite after a run: those that failed with
/// `ALREADY_EXISTS` or `SKIPPED` and the unchanged ones, in row order.
pub fn overwrite_retry_versions(rows: &[OutcomeRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| {
            r.unchanged
                || matches!(
                    r.error_code,
                    Some(PackageVersionErrorCode::AlreadyExists | PackageVersionErrorCode::Skipped)
                )
        })
        .map(|r| r.version.clone())
        .collect()
}

/// The versions a finished run put in (or found identical in) the destination: what the
/// verify view should check.
pub fn verifiable_versions(rows: &[OutcomeRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.error_code.is_none())
        .map(|r| r.version.clone())
        .collect()
}

/// Joins the results of several batches.
pub fn merge_results(into: &mut CopyPackageVersionsResult, more: CopyPackageVersionsResult) {
    into.successful_versions.extend(more.successful_versions);
    into.failed_versions.extend(more.failed_versions);
}

/// How a destination version compares with the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Same revision on both sides.
    Verified,
    /// Both sides have it, with different revisions.
    Differs,
    /// The destination does not have it.
    Missing,
    /// The destination has it but the source does not.
    NotInSource,
}

/// One row of the verify table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyRow {
    /// The version.
    pub version: String,
    /// The source's revision.
    pub source_revision: Option<String>,
    /// The destination's revision.
    pub destination_revision: Option<String>,
    /// The destination's status.
    pub status: Option<PackageVersionStatus>,
    /// The comparison.
    pub verdict: Verdict,
}

/// Compares the destination with the source: for the `requested` versions, or for every
/// destination version when none were requested.
pub fn verify_rows(
    requested: &[String],
    source: &[PackageVersionSummary],
    destination: &[PackageVersionSummary],
) -> Vec<VerifyRow> {
    let src: BTreeMap<&str, &PackageVersionSummary> =
        source.iter().map(|v| (v.version.as_str(), v)).collect();
    let dst: BTreeMap<&str, &PackageVersionSummary> = destination
        .iter()
        .map(|v| (v.version.as_str(), v))
        .collect();
    let names: Vec<&str> = if requested.is_empty() {
        destination.iter().map(|v| v.version.as_str()).collect()
    } else {
        requested.iter().map(String::as_str).collect()
    };
    names
        .into_iter()
        .map(|name| {
            let s = src.get(name);
            let d = dst.get(name);
            let source_revision = s.and_then(|v| v.revision.clone());
            let destination_revision = d.and_then(|v| v.revision.clone());
            let verdict = match (s, d) {
                (_, None) => Verdict::Missing,
                (None, Some(_)) => Verdict::NotInSource,
                (Some(_), Some(_)) if source_revision == destination_revision => Verdict::Verified,
                (Some(_), Some(_)) => Verdict::Differs,
            };
            VerifyRow {
                version: name.to_owned(),
                source_revision,
                destination_revision,
                status: d.map(|v| v.status),
                verdict,
            }
        })
        .collect()
}

/// Formats epoch seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn format_epoch(secs: f64) -> String {
    let (year, month, day, hour, minute, _) = wharf_core::civil::utc_fields(secs.floor() as i64);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// Formats a byte count (`1.5 KiB`).
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests;
