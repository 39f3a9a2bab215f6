//! Group commit for the audit records written apart from a change: refusals, failed writes,
//! writes that changed nothing (an identical copy) and, with `--audit-reads`, reads.
//!
//! Such a record is its own transaction, and a durable commit costs a disk flush (SQLite's
//! `synchronous = FULL`, PostgreSQL's WAL flush). Under load that flush, one per request under
//! SQLite's one writer, was most of the trail's cost. Here every such record goes to one writer
//! task per store, which writes whatever has queued up (at most [`MAX_BATCH`] records) with one
//! statement, commits once, and then answers each request. Nothing waits for a batch to fill:
//! alone, a record is written at once, as before; under load, the records that arrive while
//! one commit is flushing share the next.
//!
//! A request still gets its answer only after its record is durable, so the trail never lags
//! behind the responses. If a batch fails, its records are retried one by one, so one bad
//! record cannot fail the others. Records written inside a change's own transaction
//! (`WriteTx::commit` → `audit::on_commit`) do not come here.

use super::audit::{AuditRow, upsert_many};
use super::{Store, StoreError, StoreResult};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// The most records written in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// A record waiting to be written, and where its outcome goes.
type Job = (AuditRow, oneshot::Sender<Result<(), String>>);

/// The queue of a store's writer task, started on first use (it needs a runtime) and shared by
/// every clone of the store. The task ends when the last clone is dropped.
#[derive(Clone, Default)]
pub(crate) struct AuditQueue(Arc<OnceLock<mpsc::UnboundedSender<Job>>>);

impl Store {
    /// Writes `row` through the group commit; returns once it is committed.
    pub(super) async fn record_audit_grouped(&self, row: &AuditRow) -> StoreResult<()> {
        let queue = self.audit_queue.0.get_or_init(|| {
            let (sender, jobs) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(self.without_audit_queue(), jobs));
            sender
        });
        let (done, outcome) = oneshot::channel();
        if queue.send((row.clone(), done)).is_err() {
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
        // One request, one standalone record; were one written twice, the later completes it.
        let mut seen = std::collections::HashSet::new();
        let mut later_first: Vec<Job> = Vec::with_capacity(batch.len());
        let mut repeats = Vec::new();
        for job in batch.into_iter().rev() {
            if seen.insert(job.0.event_id.clone()) {
                later_first.push(job);
            } else {
                repeats.push(job.1);
            }
        }
        later_first.reverse();
        let (rows, answers): (Vec<AuditRow>, Vec<_>) = later_first.into_iter().unzip();
        match store.write_audit_rows(&rows).await {
            Ok(()) => answers.into_iter().chain(repeats).for_each(|done| {
                let _ = done.send(Ok(()));
            }),
            Err(_) if rows.len() > 1 => {
                for (row, done) in rows.iter().zip(answers) {
                    let outcome = store.write_audit_rows(std::slice::from_ref(row)).await;
                    let _ = done.send(outcome.map_err(|e| e.to_string()));
                }
            }
            Err(e) => answers.into_iter().for_each(|done| {
                let _ = done.send(Err(e.to_string()));
            }),
        }
    }
}
