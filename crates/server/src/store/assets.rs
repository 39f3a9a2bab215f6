//! Asset bytes in the object store, addressed by content: the only place that builds their
//! paths, and the one writer of them ([`put_blob`]) that the API, npm and the demo share.

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, PutMode, PutOptions};

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

/// Writes content-addressed bytes. Content that already exists is written again (the same
/// bytes, since the key is their SHA-256), so that its time is fresh: blob garbage collection
/// ([`super::gc`]) never removes a blob written within its grace period, and a publish of old,
/// unreferenced content must not find it gone before its rows are committed. A store without
/// conditional writes (some S3-compatible servers, or `AWS_CONDITIONAL_PUT=disabled`) gets a
/// plain write.
pub async fn put_blob(
    blobs: &dyn ObjectStore,
    sha256: &str,
    bytes: Bytes,
) -> Result<(), object_store::Error> {
    let path = AssetKey::sha256(sha256).path();
    let create = PutOptions {
        mode: PutMode::Create,
        ..Default::default()
    };
    match blobs.put_opts(&path, bytes.clone().into(), create).await {
        Ok(_) => Ok(()),
        Err(object_store::Error::NotImplemented | object_store::Error::AlreadyExists { .. }) => {
            blobs.put(&path, bytes.into()).await.map(|_| ())
        }
        Err(e) => Err(e),
    }
}
