//! npm dependency ranges: which specs a registry can satisfy, and whether a version does.
//!
//! Ranges follow node-semver (through the `nodejs-semver` crate): `^1.2.0`, `~1`, `1.x`,
//! `>=1 <2 || 3`, `*`, `""`. A spec that is a plain word (`latest`, `next`) is a dist-tag. Specs
//! no registry can satisfy (git URLs and `user/repo` shorthands, `file:`, `link:`, tarball
//! URLs, `npm:` aliases, `workspace:`) are reported as such, never guessed at.

use super::PackageKey;
use super::lockfile::split_npm_name;
use crate::api::{DependencyKind, NpmDependencies};
use crate::names::{Namespace, PackageCoordinate, PackageFormat, PackageName, PackageVersion};
use nodejs_semver::{Range, Version};

/// What a dependency spec asks of a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A semver range.
    Range(Range),
    /// A dist-tag (`latest`).
    Tag(String),
    /// Something no registry serves (git, file, link, URL, alias, workspace, or invalid).
    NotRegistry,
}

impl Spec {
    /// Classifies a spec as `package.json` writes it.
    pub fn parse(spec: &str) -> Spec {
        let s = spec.trim();
        if s.contains(':') || s.contains('/') {
            return Spec::NotRegistry;
        }
        if let Ok(range) = Range::parse(s) {
            return Spec::Range(range);
        }
        let is_word = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if is_word {
            Spec::Tag(s.to_owned())
        } else {
            Spec::NotRegistry
        }
    }

    /// Whether `version` satisfies this range (never true for tags and non-registry specs, and
    /// never for a version string that is not semver).
    pub fn matches(&self, version: &PackageVersion) -> bool {
        match self {
            Spec::Range(range) => {
                Version::parse(version.as_str()).is_ok_and(|v| range.satisfies(&v))
            }
            Spec::Tag(_) | Spec::NotRegistry => false,
        }
    }
}

/// One dependency range a version declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The dependency's npm name as declared (`@scope/name`).
    pub name: String,
    /// The package it names, when the name is a valid npm name.
    pub key: Option<PackageKey>,
    /// The spec as declared.
    pub range: String,
    /// What the spec asks for.
    pub spec: Spec,
    /// `dependencies` or `peerDependencies`.
    pub kind: DependencyKind,
}

/// The package an npm name stands for, if it is a valid name.
pub fn npm_key(name: &str) -> Option<PackageKey> {
    let (scope, bare) = split_npm_name(name)?;
    let namespace = match scope {
        Some(s) => Some(Namespace::parse(s).ok()?),
        None => None,
    };
    Some(PackageCoordinate {
        format: PackageFormat::Npm,
        namespace,
        name: PackageName::parse(bare).ok()?,
    })
}

/// The ranges that must be satisfied: every `dependencies` entry and every `peerDependencies`
/// entry not marked optional in `peerDependenciesMeta`.
pub fn requirements(deps: &NpmDependencies) -> Vec<Requirement> {
    let make = |(name, range): (&String, &String), kind| {
        let key = npm_key(name);
        Requirement {
            name: name.clone(),
            spec: if key.is_some() {
                Spec::parse(range)
            } else {
                Spec::NotRegistry
            },
            key,
            range: range.clone(),
            kind,
        }
    };
    let regular = deps
        .dependencies
        .iter()
        .map(|d| make(d, DependencyKind::Dependencies));
    let peers = deps
        .peer_dependencies
        .iter()
        .filter(|(name, _)| {
            !deps
                .peer_dependencies_meta
                .get(*name)
                .is_some_and(|m| m.optional)
        })
        .map(|d| make(d, DependencyKind::PeerDependencies));
    regular.chain(peers).collect()
}

/// The highest of `versions` that satisfies `spec` (semver order; non-semver versions never
/// match).
pub fn highest_matching<'a>(
    spec: &Spec,
    versions: impl Iterator<Item = &'a PackageVersion>,
) -> Option<&'a PackageVersion> {
    let Spec::Range(range) = spec else {
        return None;
    };
    versions
        .filter_map(|v| Version::parse(v.as_str()).ok().map(|parsed| (parsed, v)))
        .filter(|(parsed, _)| range.satisfies(parsed))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| v)
}
