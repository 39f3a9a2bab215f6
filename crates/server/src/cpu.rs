//! CPU-heavy work off tokio's async workers: hashing large bodies, parsing large npm publish
//! bodies and gunzipping their tarballs run on the blocking pool, at most one job per core at
//! a time (later jobs wait their turn without holding a thread), so that `/health` and small
//! requests keep being answered while a 1 GiB publish or a gzip bomb is being processed.

use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Inputs smaller than this are processed in place: a thread hop costs more than the work.
pub const INLINE_BYTES: usize = 64 << 10;

/// One permit per core, shared by the whole process.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    })
}

/// Runs `work` over an input of `input_bytes` bytes: in place when it is small, else on the
/// blocking pool behind the per-core semaphore. A panic in `work` is resumed here.
pub async fn run<T, F>(input_bytes: usize, work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    if input_bytes < INLINE_BYTES {
        return work();
    }
    let _permit = permits()
        .acquire()
        .await
        .expect("the semaphore is never closed");
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("blocking work was cancelled: {e}"),
    }
}
