//! The periodic blob sweep of `wharf serve --gc-interval`: every interval, the same collection
//! as `wharf admin gc` ([`Store::collect_garbage`], with its grace period and its decision under
//! the write lock, so a publish or copy running meanwhile never loses its bytes).
//!
//! Off by default: a blob store may be shared by several services with separate databases
//! ("any number of services may share one"), and a sweep only knows the rows of its own
//! database. Turn it on where this service's database is the only one that references its
//! blob store.

use crate::store::Store;
use object_store::ObjectStore;
use std::sync::Arc;
use std::time::Duration;

/// When the sweep runs and what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepSchedule {
    /// Time between sweeps (the first runs one interval after start).
    pub interval: Duration,
    /// Unreferenced blobs written within this long are kept (`wharf admin gc --grace`).
    pub grace: Duration,
}

/// Starts the sweep on the runtime; it runs until the process ends. A failed sweep is logged
/// and the next one runs on schedule.
pub fn spawn(
    store: Store,
    blobs: Arc<dyn ObjectStore>,
    schedule: SweepSchedule,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(schedule.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // The first tick is immediate; the first sweep waits an interval.
        loop {
            ticks.tick().await;
            match store.collect_garbage(&*blobs, schedule.grace, false).await {
                Ok(report) => tracing::debug!(
                    blobs = report.blobs,
                    removed = report.removed.len(),
                    kept_young = report.kept_young,
                    "periodic blob sweep"
                ),
                Err(e) => tracing::warn!("periodic blob sweep failed: {e:#}"),
            }
        }
    })
}
