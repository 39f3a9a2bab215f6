//! The wire contract: request and response shapes of every operation Wharf serves, exactly as
//! CodeArtifact's REST-JSON protocol (2018-09-22) spells them.
//!
//! These are plain data bags (strings, options, maps) shared by the server (which deserialises
//! requests), the console (which serialises them) and the JavaScript façade. Casing is declared
//! on each type: query-string members are kebab-case (`domain-owner`), JSON bodies and
//! responses are camelCase (`versionRevisions`). Maps are `BTreeMap` so output is deterministic.
//! Validation happens when a DTO is converted into a domain type (`TryFrom`), never here.

pub mod common;
pub mod copy;

pub use common::*;
pub use copy::*;
