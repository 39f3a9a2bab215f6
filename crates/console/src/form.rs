//! The copy form as the user typed it: plain strings, turned into CopyPackageVersions requests
//! (at most 100 versions each) and checked with `wharf_core`'s validation as the user types.
//!
//! The same struct is the query string of the `#/copy` and `#/verify` deep links, so a link
//! restores exactly what was typed.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wharf_core::api::CopyPackageVersionsRequest;
use wharf_core::copy::{MAX_VERSIONS_PER_CALL, validate_copy_request};
use wharf_core::names::PackageFormat;

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

    /// The package name as the service stores it: PyPI names are PEP 503 normalised by the
    /// core (`My_Package` is planned and shown as `my-package`), since CodeArtifact's API takes
    /// only that form for pypi; other formats' names are sent as typed (the core normalises
    /// NuGet and Swift itself).
    fn stored_name(&self, package: String) -> String {
        match PackageFormat::parse_as(self.format.trim(), "format") {
            Ok(f @ PackageFormat::Pypi) => f.normalize_name(&package),
            _ => package,
        }
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
            package: opt(&self.package).map(|p| self.stored_name(p)),
            versions: None,
            version_revisions: None,
            allow_overwrite: Some(self.overwrite),
            include_from_upstream: Some(self.upstream),
        }
    }

    /// The CopyPackageVersions requests this form runs: one per 100 versions, in version
    /// order ([`compare_versions`]), so the calls split 1.0.9 | 1.0.10 and not 1.0.1 | 1.0.10.
    /// Mixed version input becomes a single request with both members, which validation
    /// rejects.
    pub fn requests(&self) -> Vec<CopyPackageVersionsRequest> {
        let base = self.base_request();
        match self.version_input() {
            VersionInput::Versions(v) if v.is_empty() => vec![CopyPackageVersionsRequest {
                versions: Some(Vec::new()),
                ..base
            }],
            VersionInput::Versions(mut v) => {
                v.sort_by(|a, b| compare_versions(a, b));
                v.chunks(MAX_VERSIONS_PER_CALL)
                    .map(|chunk| CopyPackageVersionsRequest {
                        versions: Some(chunk.to_vec()),
                        ..base.clone()
                    })
                    .collect()
            }
            VersionInput::Revisions(mut pairs) => {
                pairs.sort_by(|a, b| compare_versions(&a.0, &b.0));
                pairs
                    .chunks(MAX_VERSIONS_PER_CALL)
                    .map(|chunk| CopyPackageVersionsRequest {
                        version_revisions: Some(chunk.iter().cloned().collect()),
                        ..base.clone()
                    })
                    .collect()
            }
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
                "Versions: give every version a revision (VERSION=REVISION), or none of them."
                    .to_owned(),
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
                    .push(format!("Versions: {v} is listed twice."));
            }
        }
        for request in self.requests() {
            if let Err(e) = validate_copy_request(&request) {
                for fe in e.errors {
                    let field = FormField::from_core(&fe.field);
                    let message = plain_message(field, &fe.message);
                    let list = errors.entry(field).or_default();
                    if !list.contains(&message) {
                        list.push(message);
                    }
                }
            }
        }
        errors
    }

    /// The versions of each call the form runs, in call order (see [`CopyForm::requests`]).
    pub fn batches(&self) -> Vec<Vec<String>> {
        self.requests()
            .into_iter()
            .map(|r| match (r.versions, r.version_revisions) {
                (Some(v), _) => v,
                (None, Some(pairs)) => {
                    let mut v: Vec<String> = pairs.into_keys().collect();
                    v.sort_by(|a, b| compare_versions(a, b));
                    v
                }
                (None, None) => Vec::new(),
            })
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The same form naming only `versions`, in that order, one per line (with the revision
    /// typed for a version, if any).
    pub fn with_versions(&self, versions: &[String]) -> CopyForm {
        let entries = self.version_entries();
        let lines: Vec<String> = versions
            .iter()
            .map(|v| {
                entries
                    .iter()
                    .find(|e| e.split('=').next().map(str::trim) == Some(v.as_str()))
                    .map_or_else(|| v.clone(), |e| (*e).to_owned())
            })
            .collect();
        CopyForm {
            versions: lines.join("\n"),
            ..self.clone()
        }
    }

    /// The versions requested, in order (without revisions).
    pub fn requested_versions(&self) -> Vec<String> {
        self.version_entries()
            .iter()
            .map(|e| e.split('=').next().unwrap_or(e).trim().to_owned())
            .collect()
    }
}

impl FormField {
    /// The input's label, as messages name it.
    pub fn label(self) -> &'static str {
        match self {
            FormField::Domain => "Domain",
            FormField::Source => "Source repository",
            FormField::Destination => "Destination repository",
            FormField::Format => "Format",
            FormField::Namespace => "Namespace",
            FormField::Package => "Package",
            FormField::Versions => "Versions",
            FormField::General => "Request",
        }
    }

    /// The input's rule in plain words.
    fn rule(self) -> Option<&'static str> {
        Some(match self {
            FormField::Domain => {
                "2–50 characters: lowercase letters, digits and hyphens, starting with a letter"
            }
            FormField::Source | FormField::Destination => {
                "2–100 characters: letters, digits, dots, underscores and hyphens"
            }
            FormField::Format => "choose one of the formats",
            FormField::Namespace | FormField::Package => "1–255 characters, without spaces, # or /",
            FormField::Versions => {
                "each version 1–255 characters, without spaces, # or /; one per line or comma-separated"
            }
            FormField::General => return None,
        })
    }
}

/// A core validation message (the service model's wording: "Value 'null' at 'domain' failed to
/// satisfy constraint: Member must not be null") in plain language for `field`'s input.
pub fn plain_message(field: FormField, message: &str) -> String {
    let label = field.label();
    if message.contains("must not be null") || message.contains("length greater than or equal to 1")
    {
        return if field == FormField::Versions {
            "Versions: name at least one version.".to_owned()
        } else {
            format!("{label}: required.")
        };
    }
    if message.contains("duplicate versions") {
        return "Versions: a version is listed twice.".to_owned();
    }
    if (message.contains("regular expression pattern")
        || message.contains("have length")
        || message.contains("enum value set"))
        && let Some(rule) = field.rule()
    {
        return format!("{label}: {rule}.");
    }
    // Anything else already names its rule; drop the model's preamble.
    let rule = message
        .split_once("failed to satisfy constraint: ")
        .map_or(message, |(_, r)| r);
    let rule = rule
        .strip_prefix("Member must ")
        .map_or_else(|| rule.to_owned(), |r| format!("must {r}"));
    format!("{label}: {rule}")
}

/// One run of digits (compared as a number) or of other characters.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Part<'a> {
    Text(&'a str),
    Number(u128),
}

fn parts(version: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = version;
    while let Some(c) = rest.chars().next() {
        let digit = c.is_ascii_digit();
        let end = rest
            .find(|ch: char| ch.is_ascii_digit() != digit)
            .unwrap_or(rest.len());
        let (head, tail) = rest.split_at(end);
        out.push(if digit {
            head.parse().map_or(Part::Text(head), Part::Number)
        } else {
            Part::Text(head)
        });
        rest = tail;
    }
    out
}

/// Orders versions as people read them: runs of digits compare as numbers (1.0.9 < 1.0.10),
/// and a pre-release comes before its release (1.0.0-rc.1 < 1.0.0 < 1.0.0.1). Versions that
/// compare equal this way fall back to text order, so the order is total.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x, y) {
            (Part::Number(m), Part::Number(n)) => m.cmp(n),
            (Part::Text(s), Part::Text(t)) => s.cmp(t),
            (Part::Number(_), Part::Text(_)) => Ordering::Greater,
            (Part::Text(_), Part::Number(_)) => Ordering::Less,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    // One is a prefix of the other: a longer version that goes on with `-` or `~` is a
    // pre-release of the shorter one; with anything else it comes after.
    let pre = |longer: &[Part<'_>], at: usize| matches!(longer.get(at), Some(Part::Text(t)) if t.starts_with('-') || t.starts_with('~'));
    match pa.len().cmp(&pb.len()) {
        Ordering::Greater if pre(&pa, pb.len()) => Ordering::Less,
        Ordering::Less if pre(&pb, pa.len()) => Ordering::Greater,
        Ordering::Equal => a.cmp(b),
        o => o,
    }
}

#[cfg(test)]
mod tests;
