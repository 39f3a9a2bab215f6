//! twine's upload (the legacy API, `POST` of `multipart/form-data` with
//! `:action=file_upload`): the form checked field by field, the digests against the bytes, the
//! filename against the name and version, and the archive against the filename (spec §3, §4).
//! The server collects the form's text fields and the `content` part; [`check_upload`] decides.

use crate::filename::{DistKind, parse_filename};
use crate::metadata::CoreMetadata;
use crate::{PypiError, archive, name, version};
use sha2::{Digest, Sha256};
use wharf_core::revision::VersionMetadata;

/// The form of one upload as received: its text fields in order (empty values included) and
/// the `content` part's filename.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    /// Every text field, `(name, value)`, as sent.
    pub fields: Vec<(String, String)>,
    /// The filename of the `content` part, when there was one.
    pub filename: Option<String>,
}

impl UploadForm {
    /// The first non-empty value of a field.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }
}

/// How large an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// The most bytes one file may have.
    pub max_file_bytes: u64,
}

impl UploadLimits {
    /// What reading an sdist may inflate: four times the file limit, at least 64 MiB.
    pub fn max_inflated(&self) -> u64 {
        self.max_file_bytes.saturating_mul(4).max(64 << 20)
    }
}

/// A checked upload, ready to store.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The project, PEP 503 normalised (the stored package name).
    pub project: String,
    /// The project as the uploader spelled it.
    pub display_name: String,
    /// The version, normalised (the stored version).
    pub version: String,
    /// The file's name (the asset's name).
    pub filename: String,
    /// Wheel or sdist.
    pub kind: DistKind,
    /// The file's SHA-256 (hex).
    pub sha256: String,
    /// The version metadata from the form.
    pub metadata: VersionMetadata,
    /// The core metadata file inside the archive, byte-exact (PEP 658 for wheels).
    pub core_metadata: Vec<u8>,
}

fn missing(field: &str) -> PypiError {
    PypiError::invalid(format!("The upload has no '{field}' field"))
}

/// Checks one upload (spec §3.2, §4): the action and protocol, the required fields, the
/// project name and PEP 440 version, the filename's agreement with them and with `filetype`,
/// every digest sent against the bytes (at least one of SHA-256, BLAKE2b-256 and MD5 must be
/// sent), the size, and that the archive is what its name says and names the same project
/// and version.
pub fn check_upload(
    form: &UploadForm,
    content: &[u8],
    limits: &UploadLimits,
) -> Result<Upload, PypiError> {
    match form.get(":action") {
        Some("file_upload") => {}
        Some(other) => {
            return Err(PypiError::invalid(format!(
                "Unsupported ':action' {other}: this index accepts only file_upload"
            )));
        }
        None => return Err(missing(":action")),
    }
    if let Some(p) = form.get("protocol_version").filter(|p| *p != "1") {
        return Err(PypiError::invalid(format!("Unknown protocol_version {p}")));
    }
    for field in ["metadata_version", "name", "version", "filetype"] {
        form.get(field).ok_or_else(|| missing(field))?;
    }
    let display_name = form.get("name").unwrap_or_default().to_owned();
    name::check(&display_name)?;
    let raw_version = form.get("version").unwrap_or_default();
    let version = version::normalize(raw_version)?;
    let filename = form
        .filename
        .clone()
        .filter(|f| !f.is_empty())
        .ok_or_else(|| missing("content"))?;
    if content.len() as u64 > limits.max_file_bytes {
        return Err(PypiError::TooLarge {
            size: content.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let dist = parse_filename(&filename)?;
    dist.check_matches(&filename, &display_name, &version)?;
    let filetype = form.get("filetype").unwrap_or_default();
    if filetype != dist.kind.filetype() {
        return Err(PypiError::invalid(format!(
            "filetype {filetype} does not match '{filename}' (a {})",
            dist.kind.filetype()
        )));
    }
    if dist.kind == DistKind::Wheel && form.get("pyversion").is_none() {
        return Err(missing("pyversion"));
    }
    let sha256 = check_digests(form, content)?;
    let core_metadata = archive::core_metadata(dist.kind, content, limits.max_inflated())?;
    archive::check_agrees(&core_metadata, &filename, &display_name, &version)?;
    let metadata =
        CoreMetadata::from_fields(form.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .version_metadata();
    Ok(Upload {
        project: name::normalize(&display_name),
        display_name,
        version,
        filename,
        kind: dist.kind,
        sha256,
        metadata,
        core_metadata,
    })
}

/// Checks every digest the form sends; returns the SHA-256.
fn check_digests(form: &UploadForm, content: &[u8]) -> Result<String, PypiError> {
    let sha256 = hex::encode(Sha256::digest(content));
    let sent = [
        ("sha256_digest", form.get("sha256_digest")),
        ("blake2_256_digest", form.get("blake2_256_digest")),
        ("md5_digest", form.get("md5_digest")),
    ];
    if sent.iter().all(|(_, v)| v.is_none()) {
        return Err(PypiError::invalid(
            "The upload has no digest: send sha256_digest (or blake2_256_digest or md5_digest)",
        ));
    }
    for (field, value) in sent {
        let Some(value) = value else { continue };
        let actual = match field {
            "sha256_digest" => sha256.clone(),
            "blake2_256_digest" => {
                use blake2::digest::{Update, VariableOutput};
                let mut h = blake2::Blake2bVar::new(32).expect("32 is a valid BLAKE2b length");
                h.update(content);
                hex::encode(h.finalize_boxed())
            }
            _ => hex::encode(md5::Md5::digest(content)),
        };
        if !value.eq_ignore_ascii_case(&actual) {
            return Err(PypiError::invalid(format!(
                "The digest does not match the file: {field} is {value}, the file's is {actual}"
            )));
        }
    }
    Ok(sha256)
}
