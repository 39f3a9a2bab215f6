//! Core metadata (the `METADATA` / `PKG-INFO` header format, and twine's form fields that copy
//! it) and how it maps onto a CodeArtifact version: summary, home page and license into the
//! version's metadata; requires-python, requires-dist and project URLs into its attributes, from
//! which the index pages and ListPackageVersionDependencies read them back.

use std::collections::BTreeMap;
use wharf_core::revision::{License, VersionMetadata};

/// The attribute holding `Requires-Python`.
pub const REQUIRES_PYTHON: &str = "requires_python";
/// The attribute holding `Requires-Dist`, one requirement per line.
pub const REQUIRES_DIST: &str = "requires_dist";
/// The attribute holding `Project-URL`, one `Label, URL` per line.
pub const PROJECT_URLS: &str = "project_urls";

/// The fields of core metadata Wharf keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata {
    /// `Name`.
    pub name: Option<String>,
    /// `Version`.
    pub version: Option<String>,
    /// `Summary`.
    pub summary: Option<String>,
    /// `Home-page`.
    pub home_page: Option<String>,
    /// `License` (or `License-Expression`).
    pub license: Option<String>,
    /// `Requires-Python`.
    pub requires_python: Option<String>,
    /// `Requires-Dist`, each as written.
    pub requires_dist: Vec<String>,
    /// `Project-URL`, each `Label, URL`.
    pub project_urls: Vec<String>,
}

/// The headers of a core metadata file, keys lower-cased with `_` for `-` (as twine names its
/// form fields), continuation lines joined; the body after the first blank line is ignored.
pub fn parse_headers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.push((
                k.trim().to_ascii_lowercase().replace('-', "_"),
                v.trim().to_owned(),
            ));
        }
    }
    out
}

impl CoreMetadata {
    /// Collects the fields from `(key, value)` pairs named as twine's form names them (or as
    /// [`parse_headers`] returns them). Empty values count as absent.
    pub fn from_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut m = CoreMetadata::default();
        for (k, v) in fields {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let one = || Some(v.to_owned());
            match k {
                "name" => m.name = one(),
                "version" => m.version = one(),
                "summary" => m.summary = one(),
                "home_page" => m.home_page = one(),
                "license" => m.license = m.license.or_else(one),
                "license_expression" => m.license = one(),
                "requires_python" => m.requires_python = one(),
                "requires_dist" => m.requires_dist.push(v.to_owned()),
                "project_urls" | "project_url" => m.project_urls.push(v.to_owned()),
                _ => {}
            }
        }
        m
    }

    /// The version metadata CodeArtifact shows (DescribePackageVersion) and the revision covers.
    /// The home page falls back to a `Homepage` project URL.
    pub fn version_metadata(&self) -> VersionMetadata {
        let url_labelled = |label: &str| {
            self.project_urls.iter().find_map(|u| {
                let (l, url) = u.split_once(',')?;
                l.trim()
                    .eq_ignore_ascii_case(label)
                    .then(|| url.trim().to_owned())
            })
        };
        let mut attributes = BTreeMap::new();
        if let Some(r) = &self.requires_python {
            attributes.insert(REQUIRES_PYTHON.to_owned(), r.clone());
        }
        if !self.requires_dist.is_empty() {
            attributes.insert(REQUIRES_DIST.to_owned(), self.requires_dist.join("\n"));
        }
        if !self.project_urls.is_empty() {
            attributes.insert(PROJECT_URLS.to_owned(), self.project_urls.join("\n"));
        }
        VersionMetadata {
            summary: self.summary.clone(),
            home_page: self
                .home_page
                .clone()
                .or_else(|| url_labelled("homepage"))
                .or_else(|| url_labelled("home")),
            source_code_repository: url_labelled("source")
                .or_else(|| url_labelled("repository"))
                .or_else(|| url_labelled("source code")),
            licenses: self
                .license
                .iter()
                .map(|l| License {
                    name: Some(l.lines().next().unwrap_or(l).to_owned()),
                    url: None,
                })
                .collect(),
            attributes,
        }
    }
}

/// One declared dependency of a version (`Requires-Dist`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The project, PEP 503 normalised.
    pub project: String,
    /// The version specifier (`>=1.0,<2`), empty when any version will do.
    pub requirement: String,
    /// `regular`, or `optional` for a requirement of an extra.
    pub dependency_type: &'static str,
}

/// The dependencies a version's metadata declares, from its `requires_dist` attribute. A
/// requirement given by URL (`name @ URL`) keeps the URL as its requirement.
pub fn dependencies(metadata: &VersionMetadata) -> Vec<Dependency> {
    let Some(all) = metadata.attributes.get(REQUIRES_DIST) else {
        return Vec::new();
    };
    all.lines().filter_map(parse_requirement).collect()
}

/// Parses one PEP 508 requirement into name, specifier and whether it serves an extra.
pub fn parse_requirement(line: &str) -> Option<Dependency> {
    let (spec, marker) = match line.split_once(';') {
        Some((s, m)) => (s.trim(), m.trim()),
        None => (line.trim(), ""),
    };
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    let (name, mut rest) = spec.split_at(end);
    if name.is_empty() {
        return None;
    }
    rest = rest.trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map_or("", |(_, r)| r).trim_start();
    }
    let requirement = rest
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .trim_start_matches('@')
        .trim()
        .to_owned();
    let optional = marker.replace(' ', "").contains("extra==");
    Some(Dependency {
        project: crate::name::normalize(name),
        requirement,
        dependency_type: if optional { "optional" } else { "regular" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_metadata_and_dependencies() {
        let text = "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nSummary: A demo\n\
                    Requires-Dist: other-pkg (>=1.0)\nRequires-Dist: extra_thing[x]>=2; extra == \"dev\"\n\
                    Project-URL: Homepage, https://example.org\nLicense: MIT\n  more text\n\nbody: no";
        let h = parse_headers(text);
        assert!(h.iter().any(|(k, v)| k == "metadata_version" && v == "2.1"));
        assert!(!h.iter().any(|(k, _)| k == "body"));
        let m = CoreMetadata::from_fields(h.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(m.name.as_deref(), Some("Demo_Pkg"));
        let vm = m.version_metadata();
        assert_eq!(vm.home_page.as_deref(), Some("https://example.org"));
        assert_eq!(vm.licenses[0].name.as_deref(), Some("MIT"));
        let deps = dependencies(&vm);
        assert_eq!(deps.len(), 2);
        assert_eq!(
            (deps[0].project.as_str(), deps[0].requirement.as_str()),
            ("other-pkg", ">=1.0")
        );
        assert_eq!(
            (deps[1].project.as_str(), deps[1].dependency_type),
            ("extra-thing", "optional")
        );
        assert_eq!(deps[1].requirement, ">=2");
    }
}
