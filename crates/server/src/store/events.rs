//! Package-version events (spec events-audit §1) written to the transactional outbox.
//!
//! Store functions that change versions note each change on their [`WriteTx`] ([`note`],
//! [`note_removed`], [`note_copies`]); [`flush`], called by [`WriteTx::commit`], turns the notes
//! into EventBridge-shaped "CodeArtifact Package Version State Change" events, inserts them into
//! `outbox_events` with one `webhook_deliveries` row per webhook whose filter matches, all in
//! the transaction of the change. A rollback therefore leaves no event, and a committed change
//! always has its events: the delivery worker (`crate::webhooks`) sends them afterwards.
//!
//! `region` and `resources` are filled in by the worker from its configuration (the store does
//! not know the region); `sequenceNumber` is the outbox row's id, one global monotonic counter.

use super::{StoreResult, WriteTx, now};
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use wharf_core::copy::CopyPlan;
use wharf_core::names::PackageCoordinate;

/// The `detail-type` of package-version events.
pub const VERSION_DETAIL_TYPE: &str = "CodeArtifact Package Version State Change";

/// What happened to a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// It is new in its repository (publish, copy, ingest).
    Created,
    /// It changed: assets added (publish of a further asset), its status, or it was replaced.
    Updated {
        /// Whether the status changed.
        status_changed: bool,
        /// Assets added.
        assets_added: i64,
    },
    /// Its assets were removed and it is `Disposed` (facts taken before).
    Disposed,
    /// It is gone (facts taken before).
    Deleted,
    /// Not a version: a promotion's own event, ready but for its sequence number (spec §4).
    Promotion(Box<serde_json::Value>),
}

/// A version's state as events report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Facts {
    owner: String,
    domain: String,
    repository: String,
    format: String,
    namespace: String,
    package: String,
    version: String,
    status: String,
    revision: String,
    assets: i64,
}

/// One noted change: the version (by repository and coordinate) and, for removals, its facts
/// from before.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    repository_id: i64,
    coordinate: (String, String, String),
    version: String,
    change: Change,
    before: Option<Facts>,
}

fn key(c: &PackageCoordinate) -> (String, String, String) {
    (
        c.format.as_str().to_owned(),
        super::packages::ns_of(c).to_owned(),
        c.name.as_str().to_owned(),
    )
}

/// Notes a created or updated version of `c` in the repository `repository_id`.
pub(crate) fn note(
    w: &mut WriteTx<'_>,
    repository_id: i64,
    c: &PackageCoordinate,
    version: &str,
    change: Change,
) {
    w.notes.push(Note {
        repository_id,
        coordinate: key(c),
        version: version.to_owned(),
        change,
        before: None,
    });
}

/// Notes a version about to be deleted or disposed, reading its state first (call before the
/// change). A version that does not exist is not noted.
pub(crate) async fn note_removed(
    w: &mut WriteTx<'_>,
    repository_id: i64,
    c: &PackageCoordinate,
    version: &str,
    change: Change,
) -> StoreResult<()> {
    let k = key(c);
    if let Some(before) = facts(&mut w.tx, repository_id, &k, version).await? {
        w.notes.push(Note {
            repository_id,
            coordinate: k,
            version: version.to_owned(),
            change,
            before: Some(before),
        });
    }
    Ok(())
}

/// Notes every version of a package about to be deleted (DeletePackage: one event per version).
pub(crate) async fn note_package_deleted(
    w: &mut WriteTx<'_>,
    repository_id: i64,
    c: &PackageCoordinate,
) -> StoreResult<()> {
    let k = key(c);
    let rows = sqlx::query(
        "SELECT v.version FROM package_versions v JOIN packages p ON p.id = v.package_id \
         WHERE p.repository_id = $1 AND p.format = $2 AND p.namespace = $3 AND p.name = $4 \
         ORDER BY v.id",
    )
    .bind(repository_id)
    .bind(&k.0)
    .bind(&k.1)
    .bind(&k.2)
    .fetch_all(&mut *w.tx)
    .await?;
    for r in rows {
        let v: String = r.get("version");
        note_removed(w, repository_id, c, &v, Change::Deleted).await?;
    }
    Ok(())
}

/// Notes the versions a successful copy plan writes into `repository_id`: `Created` for a
/// version new there, `Updated` for one it replaces.
pub(crate) fn note_copies(
    notes: &mut Vec<Note>,
    repository_id: i64,
    c: &PackageCoordinate,
    plan: &CopyPlan,
) {
    for copy in plan.copies() {
        notes.push(Note {
            repository_id,
            coordinate: key(c),
            version: copy.record.version.as_str().to_owned(),
            change: if copy.replaces.is_some() {
                Change::Updated {
                    status_changed: false,
                    assets_added: 0,
                }
            } else {
                Change::Created
            },
            before: None,
        });
    }
}

/// Notes what a batch operation does to one version (before it does it).
pub(crate) async fn note_batch(
    w: &mut WriteTx<'_>,
    repository_id: i64,
    c: &PackageCoordinate,
    version: &str,
    op: super::batch::BatchOp,
) -> StoreResult<()> {
    use super::batch::BatchOp;
    match op {
        BatchOp::SetStatus(_) => {
            let updated = Change::Updated {
                status_changed: true,
                assets_added: 0,
            };
            note(w, repository_id, c, version, updated);
            Ok(())
        }
        BatchOp::Delete => note_removed(w, repository_id, c, version, Change::Deleted).await,
        BatchOp::Dispose => note_removed(w, repository_id, c, version, Change::Disposed).await,
    }
}

/// The "Wharf Promotion State Change" detail-type.
pub const PROMOTION_DETAIL_TYPE: &str = "Wharf Promotion State Change";

/// Notes an applied promotion's own event (`Succeeded`, with its id), next to the per-version
/// events of its copies.
pub(crate) fn note_promotion_succeeded(
    notes: &mut Vec<Note>,
    owner: &str,
    principal: &str,
    id: &str,
    result: &wharf_core::api::PromotionResult,
    started: f64,
) {
    let time = now();
    let packages: Vec<serde_json::Value> = result
        .packages
        .iter()
        .take(50)
        .map(|p| {
            let written: serde_json::Map<String, serde_json::Value> = p
                .versions
                .iter()
                .filter(|v| v.error_code.is_none())
                .map(|v| {
                    let state = serde_json::json!({"revision": v.revision, "status": v.status});
                    (v.version.clone(), state)
                })
                .collect();
            serde_json::json!({"packageFormat": p.format, "packageNamespace": p.namespace,
                "packageName": p.package, "successfulVersions": written, "failedVersions": {}})
        })
        .collect();
    let s = &result.summary;
    let body = serde_json::json!({
        "version": "0",
        "id": event_id(),
        "detail-type": PROMOTION_DETAIL_TYPE,
        "source": "wharf",
        "account": owner,
        "time": iso_time(time),
        "region": "",
        "resources": [],
        "detail": {
            "promotionId": id,
            "state": "Succeeded",
            "domainName": result.destination.domain,
            "domainOwner": owner,
            "sourceDomain": result.source.domain,
            "sourceRepository": result.source.repository,
            "destinationRepository": result.destination.repository,
            "requestID": crate::request_id::current().map(|r| r.0),
            "initiatedBy": {"arn": principal, "accountId": owner},
            "startedAt": iso_time(started),
            "completedAt": iso_time(time),
            "summary": {"packages": s.packages, "versionsCopied": s.copied + s.overwritten,
                        "versionsUnchanged": s.noop, "versionsFailed": s.failed},
            "packages": packages,
            "packagesTruncated": result.packages.len() > 50,
            "sequenceNumber": 0,
            "eventDeduplicationId": "",
        }
    });
    notes.push(Note {
        repository_id: 0,
        coordinate: Default::default(),
        version: String::new(),
        change: Change::Promotion(Box::new(body)),
        before: None,
    });
}

/// Notes the versions a promotion writes into `repository_id` (as copies would).
pub(crate) fn note_promotion(
    notes: &mut Vec<Note>,
    repository_id: i64,
    plan: &wharf_core::promotion::PromotionPlan,
) {
    for (pkg, copy) in plan.copies() {
        notes.push(Note {
            repository_id,
            coordinate: key(&pkg.key),
            version: copy.record.version.as_str().to_owned(),
            change: if copy.replaces.is_some() {
                Change::Updated {
                    status_changed: false,
                    assets_added: 0,
                }
            } else {
                Change::Created
            },
            before: None,
        });
    }
}

async fn facts(
    conn: &mut AnyConnection,
    repository_id: i64,
    k: &(String, String, String),
    version: &str,
) -> StoreResult<Option<Facts>> {
    let row = sqlx::query(
        "SELECT d.owner, d.name AS domain, r.name AS repository, p.format, p.namespace, \
         p.name AS package, v.version, v.status, v.revision, \
         (SELECT COUNT(*) FROM assets a WHERE a.version_id = v.id) AS assets \
         FROM package_versions v JOIN packages p ON p.id = v.package_id \
         JOIN repositories r ON r.id = p.repository_id JOIN domains d ON d.id = r.domain_id \
         WHERE p.repository_id = $1 AND p.format = $2 AND p.namespace = $3 AND p.name = $4 \
         AND v.version = $5",
    )
    .bind(repository_id)
    .bind(&k.0)
    .bind(&k.1)
    .bind(&k.2)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Facts {
        owner: r.get("owner"),
        domain: r.get("domain"),
        repository: r.get("repository"),
        format: r.get("format"),
        namespace: r.get("namespace"),
        package: r.get("package"),
        version: r.get("version"),
        status: r.get("status"),
        revision: r.get("revision"),
        assets: r.get("assets"),
    }))
}

/// ISO-8601 UTC with whole seconds.
pub fn iso_time(epoch: f64) -> String {
    let (y, mo, d, h, mi, s) = wharf_core::civil::utc_fields(epoch.floor() as i64);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// A new event id, UUID-shaped.
fn event_id() -> String {
    crate::request_id::RequestId::new().0
}

/// `base64(SHA-256(owner|repo|format|ns|package|version|sequenceNumber))` (spec §1.4).
fn dedup_id(f: &Facts, seq: i64) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{seq}",
        f.owner, f.repository, f.format, f.namespace, f.package, f.version
    );
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

fn envelope(f: &Facts, note: &Note, time: f64) -> serde_json::Value {
    let (op, assets_added, assets_removed, status_changed) = match &note.change {
        Change::Created => ("Created", f.assets, 0, true),
        Change::Updated {
            status_changed,
            assets_added,
        } => ("Updated", *assets_added, 0, *status_changed),
        Change::Disposed => ("Updated", 0, f.assets, true),
        Change::Deleted | Change::Promotion(_) => ("Deleted", 0, 0, false),
    };
    let status = if note.change == Change::Disposed {
        "Disposed"
    } else {
        f.status.as_str()
    };
    serde_json::json!({
        "version": "0",
        "id": event_id(),
        "detail-type": VERSION_DETAIL_TYPE,
        "source": "aws.codeartifact",
        "account": f.owner,
        "time": iso_time(time),
        "region": "",
        "resources": [],
        "detail": {
            "domainName": f.domain,
            "domainOwner": f.owner,
            "repositoryName": f.repository,
            "repositoryAdministrator": f.owner,
            "packageFormat": f.format,
            "packageNamespace": if f.namespace.is_empty() { None } else { Some(&f.namespace) },
            "packageName": f.package,
            "packageVersion": f.version,
            "packageVersionState": status,
            "packageVersionRevision": f.revision,
            "changes": {
                "assetsAdded": assets_added,
                "assetsRemoved": assets_removed,
                "assetsUpdated": 0,
                "metadataUpdated": note.change == Change::Created,
                "statusChanged": status_changed,
            },
            "operationType": op,
            "sequenceNumber": 0,
            "eventDeduplicationId": "",
        }
    })
}

/// The PostgreSQL advisory lock key that orders outbox inserts by commit ("WHARFOBX").
const OUTBOX_ORDER_LOCK: i64 = 0x5748_4152_464f_4258;

/// Turns the notes into outbox events (with their deliveries) on `conn`, and returns what the
/// audit record says was written: one `{repository, package, version, operationType, status}`
/// per event. Called by [`WriteTx::commit`] before it commits.
pub(crate) async fn flush(
    conn: &mut AnyConnection,
    notes: &[Note],
) -> StoreResult<Vec<serde_json::Value>> {
    let mut written = Vec::new();
    if notes.is_empty() {
        return Ok(written);
    }
    let hooks = super::webhooks::filters_in(conn).await?;
    // Per webhook, deliveries go in outbox id order. On PostgreSQL ids come from a sequence at
    // insert time, so two writes of different packages could commit in the opposite order of
    // their ids, and a receiver see a later sequenceNumber first. With webhooks to feed, the
    // outbox inserts therefore take a transaction-scoped lock, held until this commit: ids are
    // handed out in commit order. (SQLite has one writer at a time already.)
    if !hooks.is_empty() && conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS l")
            .bind(OUTBOX_ORDER_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let time = now();
    for note in notes {
        if let Change::Promotion(body) = &note.change {
            let mut body = (**body).clone();
            let seq = insert(conn, &body).await?;
            let dedup = format!("promotion|{}|{seq}", body["detail"]["promotionId"]);
            body["detail"]["sequenceNumber"] = seq.into();
            body["detail"]["eventDeduplicationId"] = base64::engine::general_purpose::STANDARD
                .encode(Sha256::digest(dedup.as_bytes()))
                .into();
            finish(conn, &body, seq, &hooks, time).await?;
            written.push(serde_json::json!({
                "promotionId": body["detail"]["promotionId"],
                "state": "Succeeded",
                "eventID": body["id"],
            }));
            continue;
        }
        let f = match &note.before {
            Some(f) => f.clone(),
            None => match facts(conn, note.repository_id, &note.coordinate, &note.version).await? {
                Some(f) => f,
                None => continue,
            },
        };
        let mut body = envelope(&f, note, time);
        let seq = insert(conn, &body).await?;
        body["detail"]["sequenceNumber"] = seq.into();
        body["detail"]["eventDeduplicationId"] = dedup_id(&f, seq).into();
        finish(conn, &body, seq, &hooks, time).await?;
        let id = body["id"].clone();
        let detail = &body["detail"];
        written.push(serde_json::json!({
            "repositoryName": f.repository,
            "packageFormat": f.format,
            "packageNamespace": detail["packageNamespace"],
            "packageName": f.package,
            "packageVersion": f.version,
            "operationType": detail["operationType"],
            "packageVersionState": detail["packageVersionState"],
            "eventID": id,
        }));
    }
    Ok(written)
}

/// Inserts an outbox row for `body` (its final text comes with [`finish`]); returns its id, the
/// event's `sequenceNumber`.
async fn insert(conn: &mut AnyConnection, body: &serde_json::Value) -> StoreResult<i64> {
    let id = body["id"].as_str().unwrap_or_default();
    Ok(sqlx::query(
        "INSERT INTO outbox_events (event_id, created_time, body) VALUES ($1, $2, '') RETURNING id",
    )
    .bind(id)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?
    .get("id"))
}

/// Stores the event's final text and queues one delivery per webhook whose filter it passes.
async fn finish(
    conn: &mut AnyConnection,
    body: &serde_json::Value,
    seq: i64,
    hooks: &[(String, wharf_core::api::WebhookFilter)],
    time: f64,
) -> StoreResult<()> {
    sqlx::query("UPDATE outbox_events SET body = $1 WHERE id = $2")
        .bind(body.to_string())
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    for (hook, filter) in hooks {
        if super::webhooks::matches(filter, body) {
            sqlx::query(
                "INSERT INTO webhook_deliveries (webhook_id, event_seq, status, next_attempt_time) \
                 VALUES ($1, $2, 'pending', $3)",
            )
            .bind(hook)
            .bind(seq)
            .bind(time)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Wakes the delivery worker of this process (after a commit that wrote events).
pub fn wake() {
    WAKE.notify_one();
}

/// The delivery worker waits on this between rounds.
pub static WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();
