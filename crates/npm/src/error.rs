//! The errors of the npm protocol, each with the HTTP status and the body npm shows.
//!
//! npm prints the `error` member of a JSON error body after the status line
//! (`npm error 400 Bad Request - PUT http://…/npm/d/r/pkg - <error>`), so every message is
//! written for a person reading a terminal. Statuses:
//!
//! | status | when |
//! |---|---|
//! | 400 | malformed or inconsistent input, including a tarball whose `dist.integrity` or `dist.shasum` does not match (the upload is corrupt or forged: a client error, not a permission problem; 403 would make npm print advice about access rights) |
//! | 404 | a path that names no npm resource (a name or tarball path that cannot be a package) |
//! | 405 | a known npm path with another method |
//! | 409 | [`NpmError::VersionExists`]: the server found the version already stored with other content |
//! | 413 | a body or tarball over the configured limit |

use serde_json::json;

/// Everything the npm protocol functions reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpmError {
    /// The body is not the JSON expected (bad syntax or a member of the wrong type).
    #[error("Invalid request body: {0}")]
    BadJson(String),
    /// A required member is missing.
    #[error("Missing required field: {0}")]
    MissingField(&'static str),
    /// The package name breaks npm's naming rules.
    #[error("Invalid package name \"{name}\": {reason}")]
    InvalidName {
        /// The name as received.
        name: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// The version string is not a valid semantic version.
    #[error("Invalid version: \"{0}\" is not a valid semver version")]
    InvalidVersion(String),
    /// The body names another package than the URL.
    #[error("Package name in body \"{body}\" does not match the name in the URL \"{url}\"")]
    NameMismatch {
        /// The name in the URL.
        url: String,
        /// The name in the body.
        body: String,
    },
    /// A publish must carry exactly one version.
    #[error("A publish must contain exactly one version, found {0}")]
    VersionCount(usize),
    /// A publish must carry exactly one attachment (the tarball).
    #[error("A publish must contain exactly one attachment (the tarball), found {0}")]
    AttachmentCount(usize),
    /// The attachment's `data` is not valid base64.
    #[error("Attachment data is not valid base64")]
    BadBase64,
    /// The attachment's declared `length` differs from its decoded size.
    #[error("Attachment length {declared} does not match the decoded tarball size {actual}")]
    LengthMismatch {
        /// The `length` member.
        declared: u64,
        /// The decoded size.
        actual: u64,
    },
    /// `dist.integrity` does not match the tarball.
    #[error(
        "Integrity check failed: dist.integrity {declared} does not match the tarball ({actual})"
    )]
    IntegrityMismatch {
        /// The integrity the manifest declares.
        declared: String,
        /// The tarball's own `sha512-…`.
        actual: String,
    },
    /// `dist.shasum` does not match the tarball.
    #[error("Shasum check failed: dist.shasum {declared} does not match the tarball ({actual})")]
    ShasumMismatch {
        /// The shasum the manifest declares.
        declared: String,
        /// The tarball's own SHA-1, hex.
        actual: String,
    },
    /// The tarball is not a gzip-compressed tar, or it has no `package/package.json`.
    #[error("Invalid tarball: {0}")]
    BadTarball(String),
    /// The tarball's `package.json` disagrees with the published manifest.
    #[error(
        "The tarball's package.json ({tarball}) does not match the published manifest ({manifest})"
    )]
    TarballMismatch {
        /// `name@version` the manifest declares.
        manifest: String,
        /// `name@version` inside the tarball.
        tarball: String,
    },
    /// The manifest disagrees with the tarball's `package.json` on an install-relevant field
    /// ([`crate::manifest::check_manifest_matches`]).
    #[error(
        "The published manifest does not match the tarball's package.json in \"{field}\": the manifest has {manifest}, the tarball has {tarball}. Publish the manifest npm builds from the package.json in the tarball."
    )]
    ManifestMismatch {
        /// The field, as [`crate::manifest::INSTALL_FIELDS`] names it.
        field: String,
        /// The manifest's value (normalised, JSON, shortened).
        manifest: String,
        /// The tarball's value (normalised, JSON, shortened).
        tarball: String,
    },
    /// A dist-tag name npm would not accept.
    #[error("Invalid dist-tag \"{tag}\": {reason}")]
    InvalidTag {
        /// The tag.
        tag: String,
        /// Why.
        reason: String,
    },
    /// A dist-tag points at a version the request does not publish or the package lacks.
    #[error("dist-tag \"{tag}\" points at version {version}, which is not available")]
    TagTargetMissing {
        /// The tag.
        tag: String,
        /// The version it names.
        version: String,
    },
    /// `npm dist-tag rm pkg latest`: the `latest` tag cannot be removed.
    #[error("Cannot delete the \"latest\" dist-tag")]
    CannotRemoveLatest,
    /// The body or the unpacked tarball is larger than allowed.
    #[error("Request entity too large: {what} is {size} bytes, the limit is {limit}")]
    TooLarge {
        /// What was measured (`request body`, `unpacked tarball`, …).
        what: &'static str,
        /// Its size (or the size at which reading stopped).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A path under the repository that names no npm resource.
    #[error("Not found: {0}")]
    NotFound(String),
    /// A known npm path with a method it does not take.
    #[error("Method not allowed: {0}")]
    MethodNotAllowed(String),
    /// The version is already stored with other content (raised by the server).
    #[error("Cannot publish over the previously published version {name}@{version}")]
    VersionExists {
        /// The package's display name.
        name: String,
        /// The version.
        version: String,
    },
}

impl NpmError {
    /// The HTTP status to answer with (see the module table).
    pub fn status(&self) -> u16 {
        match self {
            NpmError::NotFound(_) => 404,
            NpmError::MethodNotAllowed(_) => 405,
            NpmError::VersionExists { .. } => 409,
            NpmError::TooLarge { .. } => 413,
            _ => 400,
        }
    }

    /// The JSON body npm prints: `{"error": "<message>"}`.
    pub fn body(&self) -> String {
        json!({ "error": self.to_string() }).to_string()
    }

    pub(crate) fn invalid_name(name: &str, reason: impl Into<String>) -> Self {
        NpmError::InvalidName {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = NpmError> = std::result::Result<T, E>;
