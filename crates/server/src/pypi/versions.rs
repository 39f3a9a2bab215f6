//! PEP 440 order in the API for format pypi: ListPackageVersions' default sort (no `sortBy`)
//! and `defaultDisplayVersion` (the highest Published version, final releases before
//! pre-releases, as pip would choose). Other formats keep publish-time order.

use crate::state::AppState;
use crate::store::{StoreResult, VersionQuery, VersionRow};
use wharf_core::names::PackageVersionStatus;
use wharf_pypi::version;

/// Every version of a package matching the filters, in PEP 440 order.
async fn all_sorted(
    state: &AppState,
    package_id: i64,
    q: &VersionQuery,
) -> StoreResult<Vec<VersionRow>> {
    let all = VersionQuery {
        after: None,
        newest_first: false,
        limit: i64::MAX,
        ..q.clone()
    };
    let mut rows = state.store.versions_page(package_id, &all).await?;
    rows.sort_by(|a, b| version::compare(&a.version, &b.version));
    Ok(rows)
}

/// One page in PEP 440 order, resuming after the version `after`; `limit` rows at most and
/// whether more follow.
pub(crate) async fn page(
    state: &AppState,
    package_id: i64,
    q: &VersionQuery,
    after: Option<&str>,
    limit: usize,
) -> StoreResult<(Vec<VersionRow>, bool)> {
    let rows = all_sorted(state, package_id, q).await?;
    let mut rows: Vec<VersionRow> = rows
        .into_iter()
        .filter(|r| after.is_none_or(|a| version::compare(&r.version, a).is_gt()))
        .take(limit + 1)
        .collect();
    let more = rows.len() > limit;
    rows.truncate(limit);
    Ok((rows, more))
}

/// The highest Published version by PEP 440, final releases preferred.
pub(crate) async fn default_display(
    state: &AppState,
    package_id: i64,
) -> StoreResult<Option<String>> {
    let q = VersionQuery {
        status: Some(PackageVersionStatus::Published),
        ..VersionQuery::default()
    };
    let rows = all_sorted(state, package_id, &q).await?;
    Ok(version::latest(rows.iter().map(|r| r.version.as_str())).map(str::to_owned))
}
