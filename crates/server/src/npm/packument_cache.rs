//! Rendered packuments, kept per (repository, package, `Accept`, base URL) and keyed by the
//! change stamps of every package the read saw ([`crate::store::hot::NpmStamps`]).
//!
//! A request reads the stamps first (a few indexed rows) and serves the cached body only when
//! they equal the ones it was rendered under. Every write to a package gives it a new random
//! stamp in the write's own transaction (triggers, migration 0012), in whichever process
//! wrote, so a packument rendered before a write is never served after it. Nothing derived
//! from an external connection is cached: its offer is not in the stamps.

use crate::store::hot::NpmStamps;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

/// The most packuments kept; when full, the cache starts over (a miss only costs a render).
const MAX_ENTRIES: usize = 1024;

/// The largest body kept.
const MAX_BODY: usize = 1 << 20;

/// What names one cached rendering.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PackumentKey {
    /// Domain owner, domain and repository.
    pub(crate) repository: (String, String, String),
    /// The package as npm names it.
    pub(crate) package: String,
    /// The request's `Accept` (full or abbreviated document).
    pub(crate) accept: Option<String>,
    /// Where tarball URLs point (from the request's host).
    pub(crate) base: String,
}

struct Entry {
    stamps: NpmStamps,
    content_type: &'static str,
    body: Bytes,
}

/// Rendered packuments of this process (see the module's doc for why they are never stale).
#[derive(Default)]
pub struct PackumentCache {
    entries: Mutex<HashMap<PackumentKey, Entry>>,
}

impl PackumentCache {
    /// The body rendered for `key` under exactly these stamps, with its content type.
    pub(crate) fn get(
        &self,
        key: &PackumentKey,
        stamps: &NpmStamps,
    ) -> Option<(&'static str, Bytes)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(key)?;
        (e.stamps == *stamps).then(|| (e.content_type, e.body.clone()))
    }

    /// Keeps a body rendered from what was read after `stamps` were read.
    pub(crate) fn put(
        &self,
        key: PackumentKey,
        stamps: NpmStamps,
        content_type: &'static str,
        body: Bytes,
    ) {
        if stamps.external || stamps.packages.is_empty() || body.len() > MAX_BODY {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                stamps,
                content_type,
                body,
            },
        );
    }
}
