//! The group hierarchy of a domain and the origin restrictions that apply to a package.

use super::pattern::{PackageGroupPattern, Strength};
use crate::names::PackageFormat;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `PackageGroupOriginRestrictionType`: how a version enters a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OriginRestrictionType {
    /// `EXTERNAL_UPSTREAM`: ingestion through an external connection.
    ExternalUpstream,
    /// `INTERNAL_UPSTREAM`: retention from an upstream repository of the domain.
    InternalUpstream,
    /// `PUBLISH`: direct publishing.
    Publish,
}

impl OriginRestrictionType {
    /// The three types, in the model's order.
    pub const ALL: [OriginRestrictionType; 3] = [
        OriginRestrictionType::ExternalUpstream,
        OriginRestrictionType::InternalUpstream,
        OriginRestrictionType::Publish,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRestrictionType::ExternalUpstream => "EXTERNAL_UPSTREAM",
            OriginRestrictionType::InternalUpstream => "INTERNAL_UPSTREAM",
            OriginRestrictionType::Publish => "PUBLISH",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    fn verb(self) -> &'static str {
        match self {
            OriginRestrictionType::ExternalUpstream => "ingested from an external connection into",
            OriginRestrictionType::InternalUpstream => "retained from an upstream into",
            OriginRestrictionType::Publish => "published to",
        }
    }
}

impl fmt::Display for OriginRestrictionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `PackageGroupOriginRestrictionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OriginRestrictionMode {
    /// `ALLOW`: every repository.
    Allow,
    /// `ALLOW_SPECIFIC_REPOSITORIES`: the repositories on the type's allowed list.
    AllowSpecificRepositories,
    /// `BLOCK`: no repository.
    Block,
    /// `INHERIT`: the parent group's effective mode.
    Inherit,
}

impl OriginRestrictionMode {
    /// The four modes.
    pub const ALL: [OriginRestrictionMode; 4] = [
        OriginRestrictionMode::Allow,
        OriginRestrictionMode::AllowSpecificRepositories,
        OriginRestrictionMode::Block,
        OriginRestrictionMode::Inherit,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRestrictionMode::Allow => "ALLOW",
            OriginRestrictionMode::AllowSpecificRepositories => "ALLOW_SPECIFIC_REPOSITORIES",
            OriginRestrictionMode::Block => "BLOCK",
            OriginRestrictionMode::Inherit => "INHERIT",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

impl fmt::Display for OriginRestrictionMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `PackageGroupAssociationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AssociationType {
    /// `STRONG`: the pattern matches the package literally.
    Strong,
    /// `WEAK`: it matches only after folding; every origin is blocked.
    Weak,
}

impl From<Strength> for AssociationType {
    fn from(s: Strength) -> Self {
        match s {
            Strength::Strong => AssociationType::Strong,
            Strength::Weak => AssociationType::Weak,
        }
    }
}

/// One group's own origin configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// The pattern.
    pub pattern: PackageGroupPattern,
    /// The group's own mode per type (a missing type is `INHERIT`, or `ALLOW` for the root).
    pub modes: BTreeMap<OriginRestrictionType, OriginRestrictionMode>,
    /// The group's own allowed-repository lists.
    pub allowed: BTreeMap<OriginRestrictionType, BTreeSet<String>>,
}

impl GroupConfig {
    /// A group as created: `INHERIT` for every type (`ALLOW` for the root), empty lists.
    pub fn new(pattern: PackageGroupPattern) -> Self {
        let mode = if pattern.is_root() {
            OriginRestrictionMode::Allow
        } else {
            OriginRestrictionMode::Inherit
        };
        GroupConfig {
            modes: OriginRestrictionType::ALL
                .into_iter()
                .map(|t| (t, mode))
                .collect(),
            pattern,
            allowed: BTreeMap::new(),
        }
    }

    /// The group's own mode for `ty`.
    pub fn mode(&self, ty: OriginRestrictionType) -> OriginRestrictionMode {
        self.modes
            .get(&ty)
            .copied()
            .unwrap_or(if self.pattern.is_root() {
                OriginRestrictionMode::Allow
            } else {
                OriginRestrictionMode::Inherit
            })
    }
}

/// A type's restriction after inheritance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRestriction {
    /// The effective mode (never `INHERIT`).
    pub mode: OriginRestrictionMode,
    /// The ancestor it comes from, when the group's own mode is `INHERIT`.
    pub inherited_from: Option<String>,
    /// The allowed list that applies (the deciding group's), for `ALLOW_SPECIFIC_REPOSITORIES`.
    pub allowed: BTreeSet<String>,
}

impl EffectiveRestriction {
    /// Whether a version may enter `repository` under this restriction alone.
    pub fn admits(&self, repository: &str) -> bool {
        match self.mode {
            OriginRestrictionMode::Allow => true,
            OriginRestrictionMode::AllowSpecificRepositories => self.allowed.contains(repository),
            OriginRestrictionMode::Block | OriginRestrictionMode::Inherit => false,
        }
    }
}

/// What the package groups of a domain say about one package: its group, how it is
/// associated, and the effective restriction of each type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRestrictions {
    /// The associated group's pattern.
    pub group: String,
    /// How the package is associated with it.
    pub association: AssociationType,
    /// Per type.
    pub restrictions: BTreeMap<OriginRestrictionType, EffectiveRestriction>,
}

impl EffectiveRestrictions {
    /// Whether a version may enter `repository` by `ty`: a WEAK association blocks everything.
    pub fn allows(&self, ty: OriginRestrictionType, repository: &str) -> bool {
        self.association == AssociationType::Strong
            && self
                .restrictions
                .get(&ty)
                .is_some_and(|r| r.admits(repository))
    }

    /// `None` when allowed, else the sentence that explains the refusal and names the group.
    pub fn refusal(
        &self,
        ty: OriginRestrictionType,
        repository: &str,
        package: &str,
    ) -> Option<String> {
        if self.allows(ty, repository) {
            return None;
        }
        let why = match (self.association, self.restrictions.get(&ty)) {
            (AssociationType::Weak, _) => "the package matches the group only weakly (after folding case and separators), which blocks every origin".to_owned(),
            (_, Some(r)) => {
                let from = r.inherited_from.as_ref().map(|p| format!(", inherited from {p}")).unwrap_or_default();
                match r.mode {
                    OriginRestrictionMode::AllowSpecificRepositories => format!("{ty} is ALLOW_SPECIFIC_REPOSITORIES{from} and {repository} is not on its allowed list"),
                    mode => format!("{ty} is {mode}{from}"),
                }
            }
            (_, None) => format!("{ty} is not allowed"),
        };
        Some(format!(
            "Package {package} cannot be {} repository {repository}: package group {} blocks it ({why})",
            ty.verb(),
            self.group
        ))
    }
}

/// Every package group of a domain, the root included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSet {
    groups: Vec<GroupConfig>,
}

impl GroupSet {
    /// The set of `groups`, with a default root added if none is given.
    pub fn new(mut groups: Vec<GroupConfig>) -> Self {
        if !groups.iter().any(|g| g.pattern.is_root()) {
            groups.push(GroupConfig::new(PackageGroupPattern::root()));
        }
        groups.sort_by(|a, b| a.pattern.as_str().cmp(b.pattern.as_str()));
        GroupSet { groups }
    }

    /// Every group, sorted by pattern.
    pub fn groups(&self) -> &[GroupConfig] {
        &self.groups
    }

    /// The group with this pattern.
    pub fn get(&self, pattern: &str) -> Option<&GroupConfig> {
        self.groups.iter().find(|g| g.pattern.as_str() == pattern)
    }

    /// The most specific other group that strictly contains `pattern` (absent for the root).
    pub fn parent(&self, pattern: &PackageGroupPattern) -> Option<&GroupConfig> {
        self.groups
            .iter()
            .filter(|g| g.pattern.strictly_contains(pattern))
            .max_by(|a, b| {
                a.pattern
                    .rank()
                    .cmp(&b.pattern.rank())
                    .then_with(|| b.pattern.as_str().cmp(a.pattern.as_str()))
            })
    }

    /// The groups whose parent is `pattern` (sorted by pattern).
    pub fn children(&self, pattern: &PackageGroupPattern) -> Vec<&GroupConfig> {
        self.groups
            .iter()
            .filter(|g| {
                g.pattern.as_str() != pattern.as_str()
                    && self
                        .parent(&g.pattern)
                        .is_some_and(|p| p.pattern.as_str() == pattern.as_str())
            })
            .collect()
    }

    /// The group's effective restriction of `ty`, walking up the parents while `INHERIT`.
    pub fn effective(
        &self,
        group: &GroupConfig,
        ty: OriginRestrictionType,
    ) -> EffectiveRestriction {
        let mut current = group;
        let mut hops = 0;
        loop {
            let mode = current.mode(ty);
            if mode != OriginRestrictionMode::Inherit {
                return EffectiveRestriction {
                    mode,
                    inherited_from: (hops > 0).then(|| current.pattern.as_str().to_owned()),
                    allowed: current.allowed.get(&ty).cloned().unwrap_or_default(),
                };
            }
            match self.parent(&current.pattern) {
                Some(p) if hops < self.groups.len() => {
                    current = p;
                    hops += 1;
                }
                // Only the root has no parent, and the root may not inherit; a stored INHERIT
                // on the root (or a cycle, impossible by construction) falls back to ALLOW, the
                // root's documented default.
                _ => {
                    return EffectiveRestriction {
                        mode: OriginRestrictionMode::Allow,
                        inherited_from: Some(current.pattern.as_str().to_owned()),
                        allowed: BTreeSet::new(),
                    };
                }
            }
        }
    }

    /// The group a package is associated with (the most specific one matching it, strongly or
    /// weakly) and how.
    pub fn associated(
        &self,
        format: PackageFormat,
        namespace: Option<&str>,
        name: &str,
    ) -> (&GroupConfig, AssociationType) {
        self.groups
            .iter()
            .filter_map(|g| g.pattern.matches(format, namespace, name).map(|s| (g, s)))
            .max_by(|(a, _), (b, _)| {
                a.pattern
                    .rank()
                    .cmp(&b.pattern.rank())
                    .then_with(|| b.pattern.as_str().cmp(a.pattern.as_str()))
            })
            .map(|(g, s)| (g, s.into()))
            .expect("the root group matches every package")
    }

    /// The effective origin restrictions of a package (see [`EffectiveRestrictions::allows`]).
    pub fn restrictions_for(
        &self,
        format: PackageFormat,
        namespace: Option<&str>,
        name: &str,
    ) -> EffectiveRestrictions {
        let (group, association) = self.associated(format, namespace, name);
        EffectiveRestrictions {
            group: group.pattern.as_str().to_owned(),
            association,
            restrictions: OriginRestrictionType::ALL
                .into_iter()
                .map(|t| (t, self.effective(group, t)))
                .collect(),
        }
    }
}
