//! Group commit for the audit records written apart from a change: refusals, failed writes,
//! writes that changed nothing (an identical copy) and, with `--audit-reads`, reads.
//!
//! Such a record is its own transaction, and a durable commit costs a disk flush (SQLite's
//! `synchronous = FULL`, PostgreSQL's WAL flush) and, under load, a wait for a core at every
//! round trip to the database. Here every such record goes to one writer task per store, which
//! writes whatever has queued up (at most [`MAX_BATCH`] records) with one statement and one
//! commit. Nothing waits for a batch to fill: alone, a record is written at once; under load,
//! the records that arrive while one commit is flushing share the next.
//!
//! Two ways in:
//! - [`Store::record_audit_grouped`] returns once the record is committed: refusals, so that
//!   a refusal is on record before the caller hears of it.
//! - [`Store::queue_audit`] returns at once: records of requests that changed nothing, which
//!   are then committed within milliseconds of the response. Reading the trail
//!   ([`Store::flush_audit`], called by `audit_events`) and stopping the service wait for what
//!   is queued, so a reader in this process always sees every answered request; only a crash
//!   in those milliseconds can lose such a record (ARCHITECTURE.md, "Known deviations").
//!
//! If a batch fails, its records are retried one by one, so one bad record cannot fail the
//! others. Records written inside a change's own transaction (`WriteTx::commit` →
//! `audit::on_commit`) do not come here: they commit with the change.

use super::audit::{AuditRow, upsert_many};
use super::{Store, StoreError, StoreResult};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// The most records written in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// What the writer task is asked to do.
enum Job {
    /// Write a record, and tell the outcome (if anyone waits for it).
    Record(Box<AuditRow>, Option<oneshot::Sender<Result<(), String>>>),
    /// Answer once everything queued before is written.
    Flush(oneshot::Sender<()>),
}

/// The queue of a store's writer task, started on first use (it needs a runtime) and shared by
/// every clone of the store. The task ends when the last clone is dropped.
#[derive(Clone, Default)]
pub(crate) struct AuditQueue(Arc<OnceLock<mpsc::UnboundedSender<Job>>>);

impl Store {
    /// The writer task's queue, starting the task on first use.
    fn audit_jobs(&self) -> &mpsc::UnboundedSender<Job> {
        self.audit_queue.0.get_or_init(|| {
            let (sender, jobs) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(self.without_audit_queue(), jobs));
            sender
        })
    }

    /// Writes `row` through the group commit; returns once it is committed.
    pub(super) async fn record_audit_grouped(&self, row: &AuditRow) -> StoreResult<()> {
        let (done, outcome) = oneshot::channel();
        if self
            .audit_jobs()
            .send(Job::Record(Box::new(row.clone()), Some(done)))
            .is_err()
        {
            // The writer's runtime is gone (a store outliving a test's runtime): write directly.
            return self.write_audit_rows(std::slice::from_ref(row)).await;
        }
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::Backend(anyhow::anyhow!(message))),
            Err(_) => Err(StoreError::Backend(anyhow::anyhow!(
                "the audit writer stopped before writing the record"
            ))),
        }
    }

    /// Queues `row` for the group commit and returns at once; a failure to write it is logged.
    pub(super) async fn queue_audit(&self, row: AuditRow) -> StoreResult<()> {
        if let Err(mpsc::error::SendError(Job::Record(row, _))) =
            self.audit_jobs().send(Job::Record(Box::new(row), None))
        {
            return self.write_audit_rows(std::slice::from_ref(&*row)).await;
        }
        Ok(())
    }

    /// Returns once every record queued before the call is written (or has failed).
    pub(super) async fn flush_audit(&self) {
        let Some(jobs) = self.audit_queue.0.get() else {
            return;
        };
        let (done, flushed) = oneshot::channel();
        if jobs.send(Job::Flush(done)).is_ok() {
            let _ = flushed.await;
        }
    }

    /// Writes `rows` with one statement, which is its own transaction (SQLite: under the
    /// process's writer lock). One statement, not BEGIN, an INSERT per record and COMMIT:
    /// each statement is a round trip to the database (on SQLite, to the connection's
    /// thread), and under load every round trip waits its turn for a core.
    pub(super) async fn write_audit_rows(&self, rows: &[AuditRow]) -> StoreResult<()> {
        let _writer = self.bookkeeping_lock().await;
        for chunk in rows.chunks(MAX_BATCH) {
            upsert_many(self.pool(), chunk).await?;
        }
        Ok(())
    }

    /// The same store with a queue of its own, for the writer task: it must not keep its own
    /// queue's sender alive, or the task would never end.
    fn without_audit_queue(&self) -> Store {
        Store {
            audit_queue: AuditQueue::default(),
            ..self.clone()
        }
    }
}

/// The writer task: takes what has queued up, writes it with one statement, answers each.
async fn write_batches(store: Store, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut records = Vec::with_capacity(batch.len());
        let mut flushes = Vec::new();
        for job in batch {
            match job {
                Job::Record(row, done) => records.push((*row, done)),
                Job::Flush(done) => flushes.push(done),
            }
        }
        write_records(&store, records).await;
        // Every record queued before these flushes was in this batch or an earlier one.
        for done in flushes {
            let _ = done.send(());
        }
    }
}

type Waiter = Option<oneshot::Sender<Result<(), String>>>;

/// Writes one batch of records, then tells each waiter its outcome.
async fn write_records(store: &Store, records: Vec<(AuditRow, Waiter)>) {
    if records.is_empty() {
        return;
    }
    // One statement cannot upsert a row twice: were a record queued twice, the later one
    // (which completes it) is written, and both waiters hear its outcome.
    let mut rows = Vec::with_capacity(records.len());
    let mut waiters: Vec<Vec<Waiter>> = Vec::with_capacity(records.len());
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (row, done) in records.into_iter().rev() {
        match index.entry(row.event_id.clone()) {
            std::collections::hash_map::Entry::Occupied(at) => waiters[*at.get()].push(done),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(rows.len());
                rows.push(row);
                waiters.push(vec![done]);
            }
        }
    }
    let tell = |waiting: Vec<Waiter>, outcome: &StoreResult<()>| {
        for done in waiting.into_iter().flatten() {
            let _ = done.send(outcome.as_ref().map(|_| ()).map_err(|e| e.to_string()));
        }
    };
    let all = store.write_audit_rows(&rows).await;
    if all.is_ok() || rows.len() == 1 {
        if let Err(e) = &all {
            tracing::error!(error = %e, "could not write an audit record");
        }
        for waiting in waiters {
            tell(waiting, &all);
        }
        return;
    }
    for (row, waiting) in rows.iter().zip(waiters) {
        let one = store.write_audit_rows(std::slice::from_ref(row)).await;
        if let Err(e) = &one {
            tracing::error!(error = %e, event_id = %row.event_id, "could not write an audit record");
        }
        tell(waiting, &one);
    }
}
