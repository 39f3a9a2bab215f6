//! The copy form as the user typed it: plain strings, turned into CopyPackageVersions requests
//! (at most 100 versions each) and checked with `wharf_core`'s validation as the user types.
//!
//! The same struct is the query string of the `#/copy` and `#/verify` deep links, so a link
//! restores exactly what was typed.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wharf_core::api::CopyPackageVersionsRequest;
use wharf_core::copy::{MAX_VERSIONS_PER_CALL, validate_copy_request};

/// Everything the copy form holds. Empty strings mean "not filled in".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CopyForm {
    /// The domain holding both repositories.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// The repository to copy from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The repository to copy into.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub destination: String,
    /// The package format (`npm`, `pypi`, ...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub format: String,
    /// The package namespace, where the format has one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// The package name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub package: String,
    /// Versions separated by commas or new lines; each is `VERSION` or `VERSION=REVISION`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub versions: String,
    /// Replace differing destination versions.
    #[serde(skip_serializing_if = "is_false")]
    pub overwrite: bool,
    /// Also look in the source's upstream repositories.
    #[serde(skip_serializing_if = "is_false")]
    pub upstream: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One input of the copy form, used to place validation errors next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormField {
    /// The domain input.
    Domain,
    /// The source repository input.
    Source,
    /// The destination repository input.
    Destination,
    /// The format select.
    Format,
    /// The namespace input.
    Namespace,
    /// The package input.
    Package,
    /// The versions input.
    Versions,
    /// Errors that belong to no single input.
    General,
}

impl FormField {
    /// The field that a `wharf_core` error's field path (`sourceRepository`,
    /// `versions.3.member`, ...) belongs to.
    pub fn from_core(field: &str) -> FormField {
        let head = field.split('.').next().unwrap_or(field);
        match head {
            "domain" | "domainOwner" => FormField::Domain,
            "sourceRepository" | "source" => FormField::Source,
            "destinationRepository" | "destination" => FormField::Destination,
            "format" => FormField::Format,
            "namespace" => FormField::Namespace,
            "package" => FormField::Package,
            "versions" | "versionRevisions" => FormField::Versions,
            _ => FormField::General,
        }
    }
}

/// Validation messages per field, in the order `wharf_core` reported them, without repeats.
pub type FormErrors = BTreeMap<FormField, Vec<String>>;

/// The versions the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionInput {
    /// Plain versions, in the order typed.
    Versions(Vec<String>),
    /// `VERSION=REVISION` pairs.
    Revisions(Vec<(String, String)>),
    /// Some entries have a revision and some do not.
    Mixed,
}

impl CopyForm {
    /// The version entries, trimmed, in order, without empty ones.
    pub fn version_entries(&self) -> Vec<&str> {
        self.versions
            .split([',', '\n'])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The typed versions, split into plain versions or version=revision pairs.
    pub fn version_input(&self) -> VersionInput {
        let entries = self.version_entries();
        let pairs: Vec<Option<(String, String)>> = entries
            .iter()
            .map(|e| {
                e.split_once('=')
                    .map(|(v, r)| (v.trim().to_owned(), r.trim().to_owned()))
            })
            .collect();
        if !pairs.is_empty() && pairs.iter().all(Option::is_some) {
            VersionInput::Revisions(pairs.into_iter().flatten().collect())
        } else if pairs.iter().any(Option::is_some) {
            VersionInput::Mixed
        } else {
            VersionInput::Versions(entries.into_iter().map(str::to_owned).collect())
        }
    }

    /// Whether `version` is among the typed versions.
    pub fn has_version(&self, version: &str) -> bool {
        self.version_entries()
            .iter()
            .any(|e| e.split('=').next().map(str::trim) == Some(version))
    }

    /// Adds `version` to the list or removes it (with any revision typed for it).
    pub fn toggle_version(&mut self, version: &str) {
        let entries: Vec<String> = self
            .version_entries()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let kept: Vec<String> = entries
            .iter()
            .filter(|e| e.split('=').next().map(str::trim) != Some(version))
            .cloned()
            .collect();
        self.versions = if kept.len() == entries.len() {
            let mut all = entries;
            all.push(version.to_owned());
            all.join("\n")
        } else {
            kept.join("\n")
        };
    }

    fn base_request(&self) -> CopyPackageVersionsRequest {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        CopyPackageVersionsRequest {
            domain: opt(&self.domain),
            domain_owner: None,
            source_repository: opt(&self.source),
            destination_repository: opt(&self.destination),
            format: opt(&self.format),
            namespace: opt(&self.namespace),
            package: opt(&self.package),
            versions: None,
            version_revisions: None,
            allow_overwrite: Some(self.overwrite),
            include_from_upstream: Some(self.upstream),
        }
    }

    /// The CopyPackageVersions requests this form runs: one per 100 versions, in order.
    /// Mixed version input becomes a single request with both members, which validation
    /// rejects.
    pub fn requests(&self) -> Vec<CopyPackageVersionsRequest> {
        let base = self.base_request();
        match self.version_input() {
            VersionInput::Versions(v) if v.is_empty() => vec![CopyPackageVersionsRequest {
                versions: Some(Vec::new()),
                ..base
            }],
            VersionInput::Versions(v) => v
                .chunks(MAX_VERSIONS_PER_CALL)
                .map(|chunk| CopyPackageVersionsRequest {
                    versions: Some(chunk.to_vec()),
                    ..base.clone()
                })
                .collect(),
            VersionInput::Revisions(pairs) => pairs
                .chunks(MAX_VERSIONS_PER_CALL)
                .map(|chunk| CopyPackageVersionsRequest {
                    version_revisions: Some(chunk.iter().cloned().collect()),
                    ..base.clone()
                })
                .collect(),
            VersionInput::Mixed => vec![CopyPackageVersionsRequest {
                versions: Some(Vec::new()),
                version_revisions: Some(BTreeMap::new()),
                ..base
            }],
        }
    }

    /// Every violation of every request, placed on its field.
    pub fn validate(&self) -> FormErrors {
        let mut errors = FormErrors::new();
        if self.version_input() == VersionInput::Mixed {
            errors.entry(FormField::Versions).or_default().push(
                "Give every version a revision (VERSION=REVISION) or none of them".to_owned(),
            );
        }
        let entries = self.version_entries();
        let mut seen = std::collections::BTreeSet::new();
        for e in &entries {
            let v = e.split('=').next().unwrap_or(e).trim();
            if !seen.insert(v) {
                errors
                    .entry(FormField::Versions)
                    .or_default()
                    .push(format!("Version '{v}' is listed twice"));
            }
        }
        for request in self.requests() {
            if let Err(e) = validate_copy_request(&request) {
                for fe in e.errors {
                    let list = errors.entry(FormField::from_core(&fe.field)).or_default();
                    if !list.contains(&fe.message) {
                        list.push(fe.message);
                    }
                }
            }
        }
        errors
    }

    /// The versions requested, in order (without revisions).
    pub fn requested_versions(&self) -> Vec<String> {
        self.version_entries()
            .iter()
            .map(|e| e.split('=').next().unwrap_or(e).trim().to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests;
