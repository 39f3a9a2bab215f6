//! Reading an npm tarball (a gzip-compressed tar whose files sit under `package/`): its own
//! `package.json`, with bounds on how much is decompressed.

use crate::error::{NpmError, Result};
use flate2::read::GzDecoder;
use serde_json::Value;
use std::cell::Cell;
use std::io::{self, Read};
use std::path::Component;
use std::rc::Rc;

/// Limits on a tarball's decompressed content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TarballLimits {
    /// At most this many decompressed bytes are read while looking for `package.json`.
    pub max_unpacked_bytes: u64,
    /// The largest `package.json` accepted.
    pub max_package_json_bytes: u64,
}

impl Default for TarballLimits {
    /// 1 GiB unpacked, 4 MiB of `package.json`.
    fn default() -> Self {
        TarballLimits {
            max_unpacked_bytes: 1 << 30,
            max_package_json_bytes: 4 << 20,
        }
    }
}

/// A reader that fails once more than `limit` bytes went through, and says so in `hit`.
struct Limited<R> {
    inner: R,
    read: u64,
    limit: u64,
    hit: Rc<Cell<bool>>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            self.hit.set(true);
            return Err(io::Error::other("unpacked size limit exceeded"));
        }
        Ok(n)
    }
}

/// Whether a tar path is `<top>/package.json` (npm uses `package/`; old tarballs used other
/// top-level directory names), ignoring a leading `./`.
fn is_root_package_json(path: &std::path::Path) -> bool {
    let parts: Vec<Component> = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    matches!(parts.as_slice(), [Component::Normal(_), Component::Normal(f)] if *f == "package.json")
}

/// Extracts and parses the tarball's `package/package.json`.
pub fn read_package_json(tgz: &[u8], limits: &TarballLimits) -> Result<Value> {
    let hit = Rc::new(Cell::new(false));
    let too_large = |hit: &Rc<Cell<bool>>, e: String| {
        if hit.get() {
            NpmError::TooLarge {
                what: "unpacked tarball",
                size: limits.max_unpacked_bytes + 1,
                limit: limits.max_unpacked_bytes,
            }
        } else {
            NpmError::BadTarball(e)
        }
    };
    let reader = Limited {
        inner: GzDecoder::new(tgz),
        read: 0,
        limit: limits.max_unpacked_bytes,
        hit: hit.clone(),
    };
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| too_large(&hit, e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| too_large(&hit, e.to_string()))?;
        let path = entry
            .path()
            .map_err(|e| NpmError::BadTarball(e.to_string()))?
            .into_owned();
        if !entry.header().entry_type().is_file() || !is_root_package_json(&path) {
            continue;
        }
        let size = entry.size();
        if size > limits.max_package_json_bytes {
            return Err(NpmError::TooLarge {
                what: "package.json in the tarball",
                size,
                limit: limits.max_package_json_bytes,
            });
        }
        let mut text = Vec::with_capacity(size as usize);
        entry
            .read_to_end(&mut text)
            .map_err(|e| too_large(&hit, e.to_string()))?;
        return serde_json::from_slice(&text).map_err(|e| {
            NpmError::BadTarball(format!("package/package.json is not valid JSON: {e}"))
        });
    }
    Err(NpmError::BadTarball(
        "no package/package.json in the tarball".into(),
    ))
}
