//! Asset bytes in the object store, addressed by content: the only place that builds their
//! paths.

use object_store::path::Path;

/// The object-store key of an asset's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetKey {
    sha256: String,
}

impl AssetKey {
    /// The key of content with this SHA-256 (lowercase hex).
    pub fn sha256(sha256: &str) -> Self {
        AssetKey {
            sha256: sha256.to_ascii_lowercase(),
        }
    }

    /// `sha256/ab/abcdef…`: two-character fan-out so no directory grows too large.
    pub fn path(&self) -> Path {
        let prefix = self.sha256.get(..2).unwrap_or("00");
        Path::from(format!("sha256/{prefix}/{}", self.sha256))
    }
}
