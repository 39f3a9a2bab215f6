//! ListPackageVersions' page in one statement, with its JSON written by the database.
//!
//! A page of 1,000 rows read as rows costs, per row, the driver's copy of every column, its
//! conversion to sqlx's `Any` row, a `String` per text column and serde's walk over the
//! summaries; that per-row work, not the index scan, is most of a large page's time. Here the
//! database resolves the package, scans the covering index `package_versions_page` and writes
//! each row's `PackageVersionSummary` object itself (SQLite's `json_object`, PostgreSQL's
//! `json_build_object`), joined into the `versions` array; one row crosses the driver with
//! the array's text, the page's row count, the last row's (published time, version) for the
//! next token, and the latest published version when asked. The two backends differ only in
//! the name of the object function. `tests/service/hot_reads.rs` holds the page to the
//! summaries serde writes from [`super::HotReadStore::version_summaries`].

use super::super::packages::ns_of;
use super::super::rows::{origin_type_of, status_of};
use super::super::versions::Keyset;
use super::super::{Backend, StoreResult, VersionQuery, origin_type_str};
use sqlx::{AnyConnection, Row};
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};

/// A ListPackageVersions page as [`super::HotReadStore::version_page`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionPage {
    /// The package's id.
    pub package_id: i64,
    /// The `versions` member: a JSON array of at most `limit` `PackageVersionSummary` objects.
    pub versions_json: String,
    /// When a further row exists: the (published time, version) of the page's last row, which
    /// the next page's token carries.
    pub next: Option<(f64, String)>,
    /// The most recently published `Published` version, when asked for.
    pub latest_published: Option<String>,
}

/// One `PackageVersionSummary` object from a row of `page`, with `obj` the backend's JSON
/// object function and `nested` how a nested object is passed to it. The origin is
/// `VersionRow::origin_of`'s: an EXTERNAL version entered through its connection, any other
/// through its repository, and an unknown entry point is an empty object.
fn summary_object(obj: &str, nested: &str) -> String {
    format!(
        "{obj}('version', version, 'revision', revision, 'status', status, 'origin', \
         {obj}('domainEntryPoint', {nested}(CASE WHEN entry_repository IS NULL THEN {obj}() \
         WHEN origin_type = 'EXTERNAL' THEN {obj}('externalConnectionName', entry_repository) \
         ELSE {obj}('repositoryName', entry_repository) END), 'originType', origin_type))"
    )
}

/// The page's statement. Parameters: `$1..$6` the package, `$7`/`$8` status, `$9`/`$10`
/// origin type, `$11`/`$12` the position after which the page starts, `$13` the page size,
/// `$14` the page size plus one (the extra row says whether a next page exists).
fn page_sql(backend: Backend, cmp: &str, order: &str, latest: bool) -> String {
    // SQLite passes a nested object as JSON only when it comes straight from a JSON function
    // (a CASE drops that mark; `json()` restores it); PostgreSQL's `json` values stay JSON, and
    // its `string_agg` joins text.
    let object = match backend {
        Backend::Sqlite => summary_object("json_object", "json"),
        Backend::Postgres => format!("({})::text", summary_object("json_build_object", "")),
    };
    let latest = if latest {
        "(SELECT version FROM package_versions WHERE package_id = (SELECT id FROM pkg) \
         AND status = 'Published' ORDER BY published_time DESC, version DESC LIMIT 1)"
    } else {
        "NULL"
    };
    // A stored status or origin type the service does not know is not passed through: the
    // statement names the first such row's version, and the read fails naming the row.
    let statuses: Vec<String> = PackageVersionStatus::ALL
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let unknown = format!(
        "min(CASE WHEN n <= $13 AND (status NOT IN ({}) OR origin_type NOT IN \
         ('INTERNAL', 'EXTERNAL', 'UNKNOWN')) THEN version END)",
        statuses.join(", ")
    );
    format!(
        "WITH pkg AS (SELECT p.id FROM domains d JOIN repositories r ON r.domain_id = d.id \
         JOIN packages p ON p.repository_id = r.id WHERE d.owner = $1 AND d.name = $2 \
         AND r.name = $3 AND p.format = $4 AND p.namespace = $5 AND p.name = $6) \
         SELECT (SELECT id FROM pkg), \
         '[' || COALESCE(string_agg({object}, ',' ORDER BY n) FILTER (WHERE n <= $13), '') || ']', \
         count(n), max(CASE WHEN n = $13 THEN published_time END), \
         max(CASE WHEN n = $13 THEN version END), {latest}, {unknown} \
         FROM (SELECT version, revision, status, origin_type, entry_repository, published_time, \
         row_number() OVER (ORDER BY published_time {order}, version {order}) AS n \
         FROM (SELECT version, revision, status, origin_type, entry_repository, published_time \
         FROM package_versions WHERE package_id = (SELECT id FROM pkg) \
         AND ($7 IS NULL OR status = $8) AND ($9 IS NULL OR origin_type = $10) \
         AND (published_time, version) {cmp} ($11, $12) \
         ORDER BY published_time {order}, version {order} LIMIT $14) AS page) AS numbered"
    )
}

/// [`super::HotReadStore::version_page`] on an open connection: `q.limit` rows at most.
#[expect(
    clippy::too_many_arguments,
    reason = "the members of one ListPackageVersions request"
)]
pub(super) async fn version_page_in(
    conn: &mut AnyConnection,
    backend: Backend,
    owner: &str,
    domain: &str,
    repository: &str,
    c: &PackageCoordinate,
    q: &VersionQuery,
    latest: bool,
) -> StoreResult<Option<VersionPage>> {
    let Keyset {
        cmp,
        order,
        time,
        version,
    } = q.keyset();
    let status = q.status.map(|s| s.as_str());
    let origin = q.origin_type.map(origin_type_str);
    let row = sqlx::query(&page_sql(backend, cmp, order, latest))
        .bind(owner)
        .bind(domain)
        .bind(repository)
        .bind(c.format.as_str())
        .bind(ns_of(c))
        .bind(c.name.as_str())
        .bind(status)
        .bind(status)
        .bind(origin)
        .bind(origin)
        .bind(time)
        .bind(version)
        .bind(q.limit)
        .bind(q.limit + 1)
        .fetch_one(&mut *conn)
        .await?;
    let Some(package_id) = row.get::<Option<i64>, _>(0) else {
        return Ok(None);
    };
    if let Some(version) = row.get::<Option<String>, _>(6) {
        return Err(corrupt_row(conn, package_id, &version).await);
    }
    let count: i64 = row.get(2);
    let last_time: Option<f64> = row.get(3);
    let last_version: Option<String> = row.get(4);
    let next = match (count > q.limit, last_time, last_version) {
        (true, Some(t), Some(v)) => Some((t, v)),
        _ => None,
    };
    Ok(Some(VersionPage {
        package_id,
        versions_json: row.get(1),
        next,
        latest_published: row.get(5),
    }))
}

/// The error naming the row of `version` whose status or origin type is unknown.
async fn corrupt_row(
    conn: &mut AnyConnection,
    package_id: i64,
    version: &str,
) -> super::super::StoreError {
    let row = sqlx::query(
        "SELECT id, status, origin_type FROM package_versions \
         WHERE package_id = $1 AND version = $2",
    )
    .bind(package_id)
    .bind(version)
    .fetch_one(&mut *conn)
    .await;
    let row = match row {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let id: i64 = row.get(0);
    let checked = status_of(&row.get::<String, _>(1), "package_versions", id)
        .and_then(|_| origin_type_of(&row.get::<String, _>(2), "package_versions", id));
    match checked {
        Err(e) => e,
        Ok(_) => super::super::StoreError::Invalid(format!(
            "package_versions id {id} changed while it was read"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// The plan SQLite chooses for a page, one line per step.
    async fn sqlite_plan(newest_first: bool, latest: bool) -> String {
        let store = Store::in_memory().await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", {
            let keyset = VersionQuery {
                newest_first,
                ..VersionQuery::default()
            }
            .keyset();
            page_sql(Backend::Sqlite, keyset.cmp, keyset.order, latest)
        });
        let mut q = sqlx::query(&sql);
        for text in ["o", "d", "r", "generic", "ns", "p"] {
            q = q.bind(text);
        }
        let rows = q
            .bind(Option::<&str>::None)
            .bind(Option::<&str>::None)
            .bind(Option::<&str>::None)
            .bind(Option::<&str>::None)
            .bind(0.0f64)
            .bind("")
            .bind(10i64)
            .bind(11i64)
            .fetch_all(store.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.get::<String, _>(3))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every read of `package_versions` in the page's statement is a search of the covering
    /// index: no scan of the table, no lookup of a table row.
    #[tokio::test]
    async fn the_page_reads_only_the_covering_index() {
        for newest_first in [false, true] {
            for latest in [false, true] {
                let plan = sqlite_plan(newest_first, latest).await;
                let versions: Vec<&str> = plan
                    .lines()
                    .filter(|l| l.contains("package_versions"))
                    .collect();
                assert!(!versions.is_empty(), "{plan}");
                for line in versions {
                    assert!(
                        line.starts_with(
                            "SEARCH package_versions USING COVERING INDEX package_versions_page"
                        ),
                        "{line}\n{plan}"
                    );
                }
            }
        }
    }
}
