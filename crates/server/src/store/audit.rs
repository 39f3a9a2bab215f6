//! The audit trail's rows (`audit_events`): written by `crate::audit`, either inside the write
//! transaction of the change a request made ([`upsert_in`], from `WriteTx::commit`) or on their
//! own for requests that wrote nothing (denials, failed writes, and reads with
//! `--audit-reads`). Rows are never updated by anything but the request that wrote them, and are
//! pruned in small batches past the retention ([`AuditStore::prune_audit`]).

use super::{Store, StoreResult};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};

/// One audit record as stored (see `wharf_core::api::AuditEvent` for the wire form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditRow {
    /// The record's GUID.
    pub event_id: String,
    /// When the request completed (epoch seconds).
    pub event_time: f64,
    /// The operation (or IAM action for package-manager requests).
    pub event_name: String,
    /// `codeartifact.amazonaws.com` or `wharf`.
    pub event_source: String,
    /// The request's `x-amzn-RequestId`.
    pub request_id: String,
    /// Whether the operation only reads.
    pub read_only: bool,
    /// The principal's ARN (empty when unknown).
    pub principal_arn: String,
    /// The access key id (empty when unknown).
    pub access_key_id: String,
    /// The client's address.
    pub source_ip: String,
    /// The user agent, at most 1 KB.
    pub user_agent: String,
    /// The domain the request names ('' when none).
    pub domain: String,
    /// The repository it names (a copy's destination).
    pub repository: String,
    /// The package it names (`namespace/name` with a namespace).
    pub package: String,
    /// The redacted request parameters, JSON.
    pub request_parameters: String,
    /// What was written, JSON (`None` for reads and failures).
    pub response_elements: Option<String>,
    /// The error code of a failure.
    pub error_code: Option<String>,
    /// Its message.
    pub error_message: Option<String>,
}

/// Which records to list (every member optional; they combine with AND).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// At or after (epoch seconds).
    pub start_time: Option<f64>,
    /// Before.
    pub end_time: Option<f64>,
    /// Principal ARN.
    pub principal: Option<String>,
    /// Operation.
    pub event_name: Option<String>,
    /// Domain.
    pub domain: Option<String>,
    /// Repository.
    pub repository: Option<String>,
    /// Package.
    pub package: Option<String>,
    /// Only records older than this row id (the page token).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// The audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Writes (or completes) a record apart from any change, and returns once it is durable.
    /// Records of concurrent requests share a transaction (`store/audit_group.rs`).
    async fn record_audit(&self, row: &AuditRow) -> StoreResult<()>;
    /// Queues a record of a request that changed nothing, to be written within milliseconds
    /// by the same group commit; returns at once. [`AuditStore::audit_events`] and
    /// [`AuditStore::flush_audit`] wait for what is queued.
    async fn queue_audit(&self, row: AuditRow) -> StoreResult<()>;
    /// Returns once every queued record is written (at shutdown, and before reading).
    async fn flush_audit(&self);
    /// Records matching the filter, newest first, with their row ids (for paging).
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<(i64, AuditRow)>>;
    /// Deletes up to `batch` records older than `before` (epoch seconds); returns how many.
    /// Callers repeat until it returns less than `batch`, so no lock is held for long.
    async fn prune_audit(&self, before: f64, batch: i64) -> StoreResult<u64>;
}

/// The columns of a record, in the order [`bind_row`] binds them.
const COLUMNS: &str = "event_id, event_time, event_name, event_source, request_id, read_only, \
     principal_arn, access_key_id, source_ip, user_agent, domain, repository, package, \
     request_parameters, response_elements, error_code, error_message";

/// How many values [`bind_row`] binds.
const COLUMN_COUNT: usize = 17;

/// What a second write of a record (same `event_id`) completes.
const ON_CONFLICT: &str = " ON CONFLICT (event_id) DO UPDATE SET event_time = excluded.event_time, \
     response_elements = excluded.response_elements, error_code = excluded.error_code, \
     error_message = excluded.error_message";

/// `INSERT … VALUES (…), (…) ON CONFLICT …` for `rows` records.
fn upsert_sql(rows: usize) -> String {
    let groups: Vec<String> = (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=COLUMN_COUNT)
                .map(|c| format!("${}", r * COLUMN_COUNT + c))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO audit_events ({COLUMNS}) VALUES {}{ON_CONFLICT}",
        groups.join(", ")
    )
}

fn bind_row<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    r: &'q AuditRow,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&r.event_id)
        .bind(r.event_time)
        .bind(&r.event_name)
        .bind(&r.event_source)
        .bind(&r.request_id)
        .bind(r.read_only as i64)
        .bind(&r.principal_arn)
        .bind(&r.access_key_id)
        .bind(&r.source_ip)
        .bind(&r.user_agent)
        .bind(&r.domain)
        .bind(&r.repository)
        .bind(&r.package)
        .bind(&r.request_parameters)
        .bind(r.response_elements.as_deref())
        .bind(r.error_code.as_deref())
        .bind(r.error_message.as_deref())
}

/// Inserts the record, or completes the one with its `event_id` (a request that commits
/// several transactions, or fails after committing).
pub(crate) async fn upsert_in(conn: &mut AnyConnection, r: &AuditRow) -> StoreResult<()> {
    bind_row(sqlx::query(&upsert_sql(1)), r)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Upserts `rows` (distinct `event_id`s) with one statement: on its own, outside any
/// transaction, it is one round trip to the database and one commit.
pub(crate) async fn upsert_many<'e, E>(executor: E, rows: &[AuditRow]) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if rows.is_empty() {
        return Ok(());
    }
    let sql = upsert_sql(rows.len());
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = bind_row(q, r);
    }
    q.execute(executor).await?;
    Ok(())
}

fn row_of(r: &sqlx::any::AnyRow) -> AuditRow {
    AuditRow {
        event_id: r.get("event_id"),
        event_time: r.get("event_time"),
        event_name: r.get("event_name"),
        event_source: r.get("event_source"),
        request_id: r.get("request_id"),
        read_only: r.get::<i64, _>("read_only") != 0,
        principal_arn: r.get("principal_arn"),
        access_key_id: r.get("access_key_id"),
        source_ip: r.get("source_ip"),
        user_agent: r.get("user_agent"),
        domain: r.get("domain"),
        repository: r.get("repository"),
        package: r.get("package"),
        request_parameters: r.get("request_parameters"),
        response_elements: r.get("response_elements"),
        error_code: r.get("error_code"),
        error_message: r.get("error_message"),
    }
}

#[async_trait]
impl AuditStore for Store {
    async fn record_audit(&self, row: &AuditRow) -> StoreResult<()> {
        self.record_audit_grouped(row).await
    }

    async fn queue_audit(&self, row: AuditRow) -> StoreResult<()> {
        Store::queue_audit(self, row).await
    }

    async fn flush_audit(&self) {
        Store::flush_audit(self).await
    }

    async fn audit_events(&self, f: &AuditFilter) -> StoreResult<Vec<(i64, AuditRow)>> {
        // Read what this process has answered, including records still queued.
        Store::flush_audit(self).await;
        let mut clauses = Vec::new();
        let mut n = 0;
        let mut next = |clause: &str| {
            n += 1;
            clauses.push(clause.replace('?', &format!("${n}")));
        };
        if f.start_time.is_some() {
            next("event_time >= ?");
        }
        if f.end_time.is_some() {
            next("event_time < ?");
        }
        let texts = [
            ("principal_arn", &f.principal),
            ("event_name", &f.event_name),
            ("domain", &f.domain),
            ("repository", &f.repository),
            ("package", &f.package),
        ];
        for (column, value) in &texts {
            if value.is_some() {
                next(&format!("{column} = ?"));
            }
        }
        if f.before_id.is_some() {
            next("id < ?");
        }
        let sql = format!(
            "SELECT * FROM audit_events{}{} ORDER BY id DESC LIMIT {}",
            if clauses.is_empty() { "" } else { " WHERE " },
            clauses.join(" AND "),
            f.limit.max(1)
        );
        let mut q = sqlx::query(&sql);
        for t in [f.start_time, f.end_time].into_iter().flatten() {
            q = q.bind(t);
        }
        for (_, value) in &texts {
            if let Some(v) = value {
                q = q.bind(v.as_str());
            }
        }
        if let Some(id) = f.before_id {
            q = q.bind(id);
        }
        let rows = q.fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| (r.get("id"), row_of(r))).collect())
    }

    async fn prune_audit(&self, before: f64, batch: i64) -> StoreResult<u64> {
        let mut w = self.bookkeeping().await?;
        let n = sqlx::query(
            "DELETE FROM audit_events WHERE id IN \
             (SELECT id FROM audit_events WHERE event_time < $1 ORDER BY id LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        w.tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_upsert_numbers_every_value_once() {
        let sql = super::upsert_sql(2);
        assert!(
            sql.contains("($1, $2,")
                && sql.contains("($18, $19,")
                && sql.ends_with("excluded.error_message")
        );
        assert!(sql.contains("$34)") && !sql.contains("$35"));
    }
}
