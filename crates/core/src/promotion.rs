//! Release promotion: many packages in one planned, all-or-nothing, revertible promotion, with
//! no I/O.
//!
//! - [`PromotionSpec::try_from`] validates an [`api::PromotionRequest`] (every violation at
//!   once; a lockfile is parsed by [`lockfile::parse`]).
//! - [`PromotionPlanner`] is a sans-I/O loop: the planner says which packages it still needs
//!   ([`PromotionPlanner::wanted`]), the caller reads them and hands them over
//!   ([`PromotionPlanner::provide`]); the npm dependency closure makes it ask for more. Then
//!   [`PromotionPlanner::finish`] decides every version with [`crate::copy::plan_copy`]'s rules,
//!   checks the closure and makes the plan all-or-nothing.
//! - [`PromotionPlan::result`] is the wire report; [`PromotionPlan::writes`] what the server
//!   records so that [`revert::plan_revert`] can undo it.
//!
//! ```text
//! let mut p = PromotionPlanner::new(spec);
//! if let Some(filter) = p.listing_wanted() { p.provide_listing(packages_matching(filter))?; }
//! loop {
//!     let wanted = p.wanted();
//!     if wanted.is_empty() { break }
//!     for key in wanted { p.provide(key.clone(), read_package(&key)); }
//! }
//! let plan = p.finish()?;
//! ```

pub mod closure;
mod decide;
pub mod lockfile;
mod plan;
mod preview;
pub mod pylock;
mod request;
pub mod requirements;
pub mod revert;

pub use plan::{PlannedPackage, PlannedVersion, PromotionOutcome, PromotionPlan, PromotionPlanner};
pub use preview::preview;
pub use request::{
    MAX_LOCKFILE_BYTES, MAX_PACKAGES, MAX_REASON_CHARS, MAX_VERSIONS, PackageRequest,
    PromotionSpec, SelectFilter, Selection,
};

use crate::api::NpmDependencies;
use crate::copy::RepositoryPackage;
use crate::names::{PackageCoordinate, PackageVersion};
use crate::revision::VersionContent;
use std::collections::BTreeMap;

/// A package: format, namespace and name, as stored.
pub type PackageKey = PackageCoordinate;

/// What the caller knows of one package, for the planner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageData {
    /// The source repository first, then (for `includeFromUpstream`) its upstreams in search
    /// order, as [`crate::copy::plan_copy`] takes them.
    pub source: Vec<RepositoryPackage>,
    /// The destination repository.
    pub destination: RepositoryPackage,
    /// The destination's upstreams: their versions satisfy dependency ranges too.
    pub destination_upstreams: Vec<RepositoryPackage>,
    /// npm: the dependency ranges of source versions (at least of the versions promoted). A
    /// version missing here has no dependencies.
    pub dependencies: BTreeMap<PackageVersion, NpmDependencies>,
    /// Optional assets and metadata of source versions, for conflict diffs.
    pub source_content: BTreeMap<PackageVersion, VersionContent>,
    /// Optional assets and metadata of destination versions, for conflict diffs.
    pub destination_content: BTreeMap<PackageVersion, VersionContent>,
}

impl PackageData {
    /// The package exists nowhere: what the planner assumes for a package nobody provided.
    pub fn absent(spec: &PromotionSpec) -> Self {
        PackageData {
            source: vec![RepositoryPackage::absent(spec.source.clone())],
            destination: RepositoryPackage::absent(spec.destination.clone()),
            destination_upstreams: Vec::new(),
            dependencies: BTreeMap::new(),
            source_content: BTreeMap::new(),
            destination_content: BTreeMap::new(),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
