//! # wharf-npm
//!
//! The npm registry protocol as Wharf serves it at `http://HOST/npm/DOMAIN/REPO/`, as pure
//! functions: no I/O, no async, no clock. The server matches one catch-all route, classifies
//! it with [`route::route`], and wires storage to these functions:
//!
//! | request | function |
//! |---|---|
//! | `GET /{name}` | [`packument::packument_for_accept`] (after [`dist_tags::merge_versions`] and [`dist_tags::merge_dist_tags`] along the upstream search order) |
//! | `GET /{name}/-/{bare}-{v}.tgz` | [`packument::parse_tarball_path`] (via the route), [`packument::is_installable`] |
//! | `PUT /{name}` | [`publish::put_kind`], then [`publish::parse_publish`] or [`deprecate::parse_deprecate`] |
//! | `GET/PUT/DELETE /-/package/{name}/dist-tags[/{tag}]` | [`dist_tags`] |
//!
//! Names map to CodeArtifact coordinates as spec §5 says: the namespace is the scope without
//! `@` ([`name::NpmName`]). A version has one asset, `package.tgz`, whose size and MD5, SHA-1,
//! SHA-256 and SHA-512 [`metadata::Digests`] computes; [`metadata::revision`] gives its
//! revision through core's `compute_revision`. Every error carries its HTTP status and the
//! `{"error": "…"}` body npm prints ([`NpmError`]).
//!
//! ```
//! use std::collections::BTreeMap;
//! use wharf_core::names::PackageVersionStatus;
//! use wharf_npm::{NpmRoute, PackumentInput, PackumentVersion, route};
//! use wharf_npm::packument::packument_for_accept;
//!
//! let NpmRoute::Packument(name) = route("GET", "@types%2fnode").unwrap() else { panic!() };
//! let versions = [PackumentVersion {
//!     version: "20.0.0".into(),
//!     manifest: serde_json::json!({"name": "@types/node", "version": "20.0.0"}),
//!     shasum: "0".repeat(40),
//!     integrity: "sha512-AAAA".into(),
//!     published: 1_700_000_000,
//!     status: PackageVersionStatus::Published,
//! }];
//! let tags = BTreeMap::from([("latest".to_owned(), "20.0.0".to_owned())]);
//! let input = PackumentInput {
//!     name: &name,
//!     versions: &versions,
//!     dist_tags: &tags,
//!     tarball_base: "http://localhost:8080/npm/my-domain/my-repo/",
//!     modified: None,
//! };
//! let (content_type, doc) = packument_for_accept(&input, Some("application/vnd.npm.install-v1+json"));
//! assert_eq!(content_type, "application/vnd.npm.install-v1+json");
//! assert_eq!(
//!     doc["versions"]["20.0.0"]["dist"]["tarball"],
//!     "http://localhost:8080/npm/my-domain/my-repo/@types/node/-/node-20.0.0.tgz"
//! );
//! let NpmRoute::Tarball(t) = route("GET", "@types/node/-/node-20.0.0.tgz").unwrap() else {
//!     panic!()
//! };
//! assert_eq!((t.namespace.unwrap().as_str(), t.package.as_str()), ("types", "node"));
//! ```

pub mod deprecate;
pub mod dist_tags;
pub mod docs;
pub mod error;
pub mod manifest;
pub mod metadata;
pub mod name;
pub mod packument;
pub mod publish;
pub mod route;
pub mod tarball;
pub mod time;
pub mod upstream;

pub use error::{NpmError, Result};
pub use name::NpmName;
pub use packument::{PackumentInput, PackumentVersion, TarballRef};
pub use publish::{Publish, PublishLimits, PutKind, parse_publish, put_kind};
pub use route::{NpmRoute, route};
