//! The "Promote a release" form and what the console says about a promotion, pure so it is
//! tested natively: [`PromoteForm`] (also the query string of the `#/promote` deep link, except
//! the lockfile's text, which is too big for an address), the [`wharf_core::api::PromotionRequest`]
//! it becomes, checked with `wharf_core::promotion`'s own validation, and the sentences of
//! [`verdict`], [`applied_summary`], [`revert_summary`] and [`conflict_text`].

mod words;

pub use words::{PromoteVerdict, applied_summary, conflict_text, revert_summary, verdict};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wharf_core::api::{PackageSelection, PromotionRequest, PromotionSelect};
use wharf_core::promotion::PromotionSpec;

/// How the form names the versions to promote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A pasted or uploaded `package-lock.json`.
    Lockfile,
    /// An explicit list, one `FORMAT/NAMESPACE/NAME@VERSION[,VERSION…]` per line.
    Packages,
    /// A selection in the source: format, namespace, name prefix, status.
    Select,
}

impl InputKind {
    /// The value in the form (and the link): `lockfile`, `packages` or `select`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Lockfile => "lockfile",
            InputKind::Packages => "packages",
            InputKind::Select => "select",
        }
    }
}

/// Everything the promote form holds, as typed. Empty strings mean "not filled in".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PromoteForm {
    /// The source domain.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// The source repository.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The destination domain (the source's when empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dest_domain: String,
    /// The destination repository.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub destination: String,
    /// `lockfile` (the default), `packages` or `select`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub input: String,
    /// The uploaded lockfile's file name, shown next to the text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lockfile_name: String,
    /// The explicit list: one `FORMAT/NAMESPACE/NAME@VERSION[,VERSION…]` per line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub packages: String,
    /// Selection: the format.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub select_format: String,
    /// Selection: the namespace.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub select_namespace: String,
    /// Selection: the package-name prefix.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub select_prefix: String,
    /// Selection: the version status (`Published` when empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub select_status: String,
    /// `withDependencies`.
    #[serde(skip_serializing_if = "is_false")]
    pub with_dependencies: bool,
    /// `allowUnsatisfied`.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_unsatisfied: bool,
    /// `allowOverwrite`.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_overwrite: bool,
    /// `includeFromUpstream`.
    #[serde(skip_serializing_if = "is_false")]
    pub include_from_upstream: bool,
    /// The free-text reason stored with the record.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Problems of the form: input id (`promote-domain`, …) → messages.
pub type Problems = BTreeMap<&'static str, Vec<String>>;

/// The form input a core field path (`sourceRepository`, `packages.2.versions`, …) belongs to.
pub fn input_of(field: &str) -> &'static str {
    match field.split('.').next().unwrap_or(field) {
        "domain" | "domainOwner" => "promote-domain",
        "sourceRepository" => "promote-source",
        "destinationDomain" => "promote-dest-domain",
        "destinationRepository" => "promote-destination",
        "lockfile" => "promote-lockfile",
        "packages" => "promote-packages",
        "select" => "promote-select-format",
        "reason" => "promote-reason",
        _ => "promote-general",
    }
}

/// Reads the explicit list: each line `FORMAT/NAMESPACE/NAME@VERSION[,VERSION…]` (the CLI's
/// `--package` form; an empty namespace is `npm//left-pad@1.3.0`). Lines naming the same
/// package are joined. Errors name the line.
pub fn parse_packages(text: &str) -> Result<Vec<PackageSelection>, Vec<String>> {
    let mut out: Vec<PackageSelection> = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| format!("Line {}: {why} (\"{line}\")", i + 1);
        let Some((coordinate, versions)) = line.rsplit_once('@') else {
            errors.push(bad("name a version after @, as npm//left-pad@1.3.0"));
            continue;
        };
        let parts: Vec<&str> = coordinate.splitn(3, '/').collect();
        let [format, namespace, package] = parts.as_slice() else {
            errors.push(bad("write FORMAT/NAMESPACE/NAME@VERSION"));
            continue;
        };
        let versions: Vec<String> = versions
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        if versions.is_empty() || package.trim().is_empty() {
            errors.push(bad("name a package and at least one version"));
            continue;
        }
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let (format, namespace, package) = (opt(format), opt(namespace), opt(package));
        match out
            .iter_mut()
            .find(|p| (&p.format, &p.namespace, &p.package) == (&format, &namespace, &package))
        {
            Some(p) => p.versions.get_or_insert_with(Vec::new).extend(versions),
            None => out.push(PackageSelection {
                format,
                namespace,
                package,
                versions: Some(versions),
                version_revisions: None,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

impl PromoteForm {
    /// The way the versions are named (a lockfile unless the form says otherwise).
    pub fn input_kind(&self) -> InputKind {
        match self.input.as_str() {
            "packages" => InputKind::Packages,
            "select" => InputKind::Select,
            _ => InputKind::Lockfile,
        }
    }

    /// The destination's domain: the one typed, or the source's.
    pub fn destination_domain(&self) -> &str {
        let d = self.dest_domain.trim();
        if d.is_empty() { self.domain.trim() } else { d }
    }

    /// "prod/release": where the promotion writes.
    pub fn destination_label(&self) -> String {
        format!("{}/{}", self.destination_domain(), self.destination.trim())
    }

    /// The request for this form (with `lockfile` the lockfile's text), checked with the core's
    /// own validation: every problem is placed on its input.
    pub fn request(&self, lockfile: &str, dry_run: bool) -> Result<PromotionRequest, Problems> {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut problems = Problems::new();
        let mut request = PromotionRequest {
            domain: opt(&self.domain),
            source_repository: opt(&self.source),
            destination_domain: opt(&self.dest_domain),
            destination_repository: opt(&self.destination),
            with_dependencies: Some(self.with_dependencies),
            allow_unsatisfied: Some(self.allow_unsatisfied),
            allow_overwrite: Some(self.allow_overwrite),
            include_from_upstream: Some(self.include_from_upstream),
            dry_run: Some(dry_run),
            reason: opt(&self.reason),
            ..PromotionRequest::default()
        };
        match self.input_kind() {
            InputKind::Lockfile if lockfile.trim().is_empty() => {
                problems
                    .entry("promote-lockfile")
                    .or_default()
                    .push("Lockfile: paste a package-lock.json or choose the file.".to_owned());
            }
            InputKind::Lockfile => request.lockfile = Some(lockfile.to_owned()),
            InputKind::Packages => match parse_packages(&self.packages) {
                Ok(p) if p.is_empty() => {
                    problems.entry("promote-packages").or_default().push(
                        "Packages: name at least one, as FORMAT/NAMESPACE/NAME@VERSION.".to_owned(),
                    );
                }
                Ok(p) => request.packages = Some(p),
                Err(e) => problems.entry("promote-packages").or_default().extend(e),
            },
            InputKind::Select => {
                request.select = Some(PromotionSelect {
                    format: opt(&self.select_format),
                    namespace: opt(&self.select_namespace),
                    package_prefix: opt(&self.select_prefix),
                    status: opt(&self.select_status),
                })
            }
        }
        if let Err(e) = PromotionSpec::try_from(&request) {
            for err in e.errors {
                let list = problems.entry(input_of(&err.field)).or_default();
                if !list.contains(&err.message) {
                    list.push(err.message);
                }
            }
        }
        if problems.is_empty() {
            Ok(request)
        } else {
            Err(problems)
        }
    }
}

/// The filters of the `#/promotions` history (the destination's domain and repository).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryFilter {
    /// The destination's domain (the API needs one).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// Only promotions into this repository.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub repository: String,
}

#[cfg(test)]
mod tests;
