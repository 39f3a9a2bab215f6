//! # wharf-core
//!
//! Everything Wharf decides about a copy, with no I/O: the CodeArtifact wire types
//! ([`api`]), validated names ([`names`]), request validation ([`copy::CopyRequest`]),
//! revisions and their diffs ([`revision`]), the copy planner ([`copy::plan_copy`]) and the
//! release-promotion planner ([`promotion`]: many packages, lockfiles, npm dependency
//! closure, revert).
//!
//! The same code runs in the service (which executes a plan in one transaction), in the
//! console (which shows the plan as a dry run) and, compiled to WebAssembly with the `wasm`
//! feature, in the embeddable widget. It depends on serde, serde_json, thiserror, sha2, base64
//! and nodejs-semver only: never on an async runtime, a database or a browser API.

pub mod api;
pub mod civil;
pub mod copy;
pub mod error;
pub mod external;
pub mod groups;
pub mod names;
pub mod promotion;
pub mod revision;
pub mod tags;
#[cfg(any(feature = "wasm-copy", feature = "wasm-promote"))]
pub mod wasm;

/// The façade's allocator in wasm32: talc, smaller than the standard library's dlmalloc there
/// (2.5 KB gzip per widget, BENCHMARKS.md) and, by talc's own benchmarks, faster. Only with a
/// façade feature, so that other wasm users of the core (the console) keep their own choice.
#[cfg(all(
    target_arch = "wasm32",
    any(feature = "wasm-copy", feature = "wasm-promote")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use error::{FieldError, ValidationErrors};
