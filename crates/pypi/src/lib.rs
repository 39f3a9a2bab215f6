//! # wharf-pypi
//!
//! The Python package index protocols as Wharf serves them at `http://HOST/pypi/DOMAIN/REPO/`,
//! as pure functions: no I/O, no async, no clock. The server matches the routes, reads storage
//! and the request body, and calls these:
//!
//! | request | function |
//! |---|---|
//! | `GET simple/{project}/` | [`simple::negotiate`], then [`simple::render`] of a [`simple::ProjectPage`] |
//! | `GET simple/{project}/{version}/{file}` | [`filename::parse_filename`] (which project and version a file is) |
//! | `POST /` (twine's `:action=file_upload`) | [`upload::check_upload`] |
//! | an external index's page (`public:pypi`) | [`upstream::parse_project`] |
//!
//! Names follow PEP 503 through the core ([`name::normalize`] is
//! `PackageFormat::Pypi.normalize_name`), versions PEP 440 ([`version`], on `pep440_rs`).
//! A version is one CodeArtifact package version whose assets are its files (sdist and wheels),
//! each named by its filename. Every error carries its HTTP status ([`PypiError::status`]).

pub mod archive;
pub mod error;
pub mod filename;
pub mod metadata;
pub mod name;
pub mod simple;
pub mod upload;
pub mod upstream;
pub mod version;

pub use error::PypiError;
pub use filename::{DistFilename, DistKind, parse_filename};
pub use upload::{Upload, UploadForm, UploadLimits, check_upload};
