//! Package version revisions: a deterministic fingerprint of a version's assets and metadata,
//! and the diff that explains why two versions differ.
//!
//! A revision is the standard base64 (44 characters, `=`-padded) of a SHA-256 over a canonical
//! encoding of the version: its assets sorted by name (name, size, SHA-256) followed by the
//! version-level metadata in a fixed order. Asset order, other hashes, status and publish time
//! do not count, so the same content always has the same revision, and a copy, which keeps the
//! content, keeps the revision. Two versions are identical exactly when their revisions match.

use crate::api::AssetSummary;
use crate::names::Revision;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The hash key the revision covers, as `AssetSummary.hashes` names it.
pub const SHA256: &str = "SHA-256";

/// A license of a package version (`LicenseInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct License {
    /// The license's name (`MIT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where its text is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Version-level metadata that is part of a version's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionMetadata {
    /// A one-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The project's home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_page: Option<String>,
    /// The source repository URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_code_repository: Option<String>,
    /// Licenses, in the order the package declares them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<License>,
    /// Other format-specific fields that distinguish versions (npm's dependencies, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// What a revision is computed from: the version's assets and metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionContent {
    /// The assets, in any order. Each needs a size and a `SHA-256` hash.
    pub assets: Vec<AssetSummary>,
    /// The version-level metadata.
    #[serde(default)]
    pub metadata: VersionMetadata,
}

/// Appends a length-prefixed string, so that no two field sequences encode alike.
fn put_str(buf: &mut Vec<u8>, tag: u8, s: &str) {
    buf.push(tag);
    buf.extend_from_slice(&(s.len() as u64).to_be_bytes());
    buf.extend_from_slice(s.as_bytes());
}

fn put_opt(buf: &mut Vec<u8>, tag: u8, s: &Option<String>) {
    match s {
        Some(s) => put_str(buf, tag, s),
        None => buf.push(0),
    }
}

/// The assets in name order; assets of equal names keep their order (a stable sort).
fn by_name(assets: &[AssetSummary]) -> Vec<&AssetSummary> {
    let mut sorted: Vec<&AssetSummary> = assets.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
}

/// The canonical byte encoding a revision hashes. Stable across releases: changing it changes
/// every revision.
pub fn canonical_encoding(content: &VersionContent) -> Vec<u8> {
    encode_sorted(&by_name(&content.assets), &content.metadata)
}

/// [`canonical_encoding`] of assets already in name order. Written straight into one buffer:
/// hashes are lowercased byte by byte rather than copied first.
fn encode_sorted(assets: &[&AssetSummary], m: &VersionMetadata) -> Vec<u8> {
    // Tag, length and size, then a name and a 64-character hash, for most assets.
    let per_asset: usize = assets.iter().map(|a| a.name.len() + 99).sum();
    let mut buf = Vec::with_capacity(64 + per_asset);
    buf.extend_from_slice(b"wharf-revision/1\0");
    buf.extend_from_slice(&(assets.len() as u64).to_be_bytes());
    for a in assets {
        put_str(&mut buf, b'n', &a.name);
        buf.extend_from_slice(&a.size.unwrap_or(0).to_be_bytes());
        match a.hashes.get(SHA256) {
            Some(h) => {
                buf.push(b'h');
                buf.extend_from_slice(&(h.len() as u64).to_be_bytes());
                if h.bytes().any(|b| b.is_ascii_uppercase()) {
                    buf.extend(h.bytes().map(|b| b.to_ascii_lowercase()));
                } else {
                    // Hex digests are almost always lowercase already: one copy.
                    buf.extend_from_slice(h.as_bytes());
                }
            }
            None => buf.push(0),
        }
    }
    put_opt(&mut buf, b's', &m.summary);
    put_opt(&mut buf, b'p', &m.home_page);
    put_opt(&mut buf, b'r', &m.source_code_repository);
    buf.extend_from_slice(&(m.licenses.len() as u64).to_be_bytes());
    for l in &m.licenses {
        put_opt(&mut buf, b'l', &l.name);
        put_opt(&mut buf, b'u', &l.url);
    }
    buf.extend_from_slice(&(m.attributes.len() as u64).to_be_bytes());
    for (k, v) in &m.attributes {
        put_str(&mut buf, b'k', k);
        put_str(&mut buf, b'v', v);
    }
    buf
}

fn revision_of(encoding: &[u8]) -> Revision {
    let digest = Sha256::digest(encoding);
    let text = base64::engine::general_purpose::STANDARD.encode(digest);
    Revision::parse(&text).expect("a 44-character base64 digest is a valid revision")
}

/// Computes a version's revision: base64 of SHA-256 over [`canonical_encoding`].
pub fn compute_revision(content: &VersionContent) -> Revision {
    revision_of(&canonical_encoding(content))
}

/// The verdict of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiffVerdict {
    /// Same assets and metadata: copying would change nothing.
    Identical,
    /// Something differs: copying needs `allowOverwrite`.
    Differs,
}

/// One asset present on both sides whose size or hashes differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetChange {
    /// The asset's name.
    pub name: String,
    /// Its size on the left side.
    pub size_before: Option<u64>,
    /// Its size on the right side.
    pub size_after: Option<u64>,
    /// The hash algorithms whose values differ (`SHA-256`, `MD5`, ...), sorted.
    pub changed_hashes: Vec<String>,
}

/// One metadata field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataChange {
    /// The field (`summary`, `homePage`, `licenses`, `attributes.dependencies`, ...).
    pub field: String,
    /// Its value on the left side.
    pub before: Option<String>,
    /// Its value on the right side.
    pub after: Option<String>,
}

/// How the right-hand version differs from the left-hand one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionDiff {
    /// Identical or differs.
    pub verdict: DiffVerdict,
    /// The revision of the left side.
    pub revision_before: Revision,
    /// The revision of the right side.
    pub revision_after: Revision,
    /// Assets only on the right.
    pub assets_added: Vec<AssetSummary>,
    /// Assets only on the left.
    pub assets_removed: Vec<AssetSummary>,
    /// Assets on both sides that differ.
    pub assets_changed: Vec<AssetChange>,
    /// Metadata fields that differ.
    pub metadata_changed: Vec<MetadataChange>,
}

fn licenses_text(ls: &[License]) -> Option<String> {
    if ls.is_empty() {
        return None;
    }
    let parts: Vec<String> = ls
        .iter()
        .map(|l| match (&l.name, &l.url) {
            (Some(n), Some(u)) => format!("{n} <{u}>"),
            (Some(n), None) => n.clone(),
            (None, Some(u)) => u.clone(),
            (None, None) => String::new(),
        })
        .collect();
    Some(parts.join(", "))
}

fn diff_metadata(a: &VersionMetadata, b: &VersionMetadata) -> Vec<MetadataChange> {
    let mut out = Vec::new();
    let mut field = |name: &str, before: Option<String>, after: Option<String>| {
        if before != after {
            out.push(MetadataChange {
                field: name.to_owned(),
                before,
                after,
            });
        }
    };
    field("summary", a.summary.clone(), b.summary.clone());
    field("homePage", a.home_page.clone(), b.home_page.clone());
    field(
        "sourceCodeRepository",
        a.source_code_repository.clone(),
        b.source_code_repository.clone(),
    );
    if a.licenses != b.licenses {
        out.push(MetadataChange {
            field: "licenses".into(),
            before: licenses_text(&a.licenses),
            after: licenses_text(&b.licenses),
        });
    }
    let keys: std::collections::BTreeSet<&String> =
        a.attributes.keys().chain(b.attributes.keys()).collect();
    for k in keys {
        let (before, after) = (a.attributes.get(k), b.attributes.get(k));
        if before != after {
            out.push(MetadataChange {
                field: format!("attributes.{k}"),
                before: before.cloned(),
                after: after.cloned(),
            });
        }
    }
    out
}

/// One asset per name, in name order, from assets in name order: the last of equal names wins
/// (as the last of them would in a map keyed by name).
fn last_per_name<'a>(sorted: &[&'a AssetSummary]) -> Vec<&'a AssetSummary> {
    let mut out: Vec<&AssetSummary> = Vec::with_capacity(sorted.len());
    for a in sorted {
        match out.last_mut() {
            Some(last) if last.name == a.name => *last = a,
            _ => out.push(a),
        }
    }
    out
}

/// The hash algorithms whose values differ between two assets (case-insensitively, as hex
/// digests compare), sorted: one walk over both sorted maps.
fn changed_hashes(l: &AssetSummary, r: &AssetSummary) -> Vec<String> {
    let mut out = Vec::new();
    let (mut left, mut right) = (l.hashes.iter().peekable(), r.hashes.iter().peekable());
    loop {
        let alg = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some((la, _)), None) => {
                let la = *la;
                left.next();
                la
            }
            (None, Some((ra, _))) => {
                let ra = *ra;
                right.next();
                ra
            }
            (Some((la, lv)), Some((ra, rv))) => match la.cmp(ra) {
                Ordering::Less => {
                    let la = *la;
                    left.next();
                    la
                }
                Ordering::Greater => {
                    let ra = *ra;
                    right.next();
                    ra
                }
                Ordering::Equal => {
                    let (la, same) = (*la, lv.eq_ignore_ascii_case(rv));
                    left.next();
                    right.next();
                    if same {
                        continue;
                    }
                    la
                }
            },
        };
        out.push(alg.clone());
    }
    out
}

/// Compares two versions: which assets were added, removed or changed (and which hash), which
/// metadata fields changed, and whether they are identical.
///
/// Both sides are sorted by name once, and that order serves both the merge that finds the
/// changes and the revisions' encodings.
pub fn diff_versions(before: &VersionContent, after: &VersionContent) -> VersionDiff {
    let (left_sorted, right_sorted) = (by_name(&before.assets), by_name(&after.assets));
    let (left, right) = (last_per_name(&left_sorted), last_per_name(&right_sorted));
    let (mut assets_added, mut assets_removed, mut assets_changed) = (vec![], vec![], vec![]);
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let order = match (left.get(i), right.get(j)) {
            (Some(l), Some(r)) => l.name.cmp(&r.name),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                assets_removed.push(left[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                assets_added.push(right[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                let (l, r) = (left[i], right[j]);
                let changed = changed_hashes(l, r);
                if l.size != r.size || !changed.is_empty() {
                    assets_changed.push(AssetChange {
                        name: l.name.clone(),
                        size_before: l.size,
                        size_after: r.size,
                        changed_hashes: changed,
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
    let metadata_changed = diff_metadata(&before.metadata, &after.metadata);
    let revision_before = revision_of(&encode_sorted(&left_sorted, &before.metadata));
    let revision_after = revision_of(&encode_sorted(&right_sorted, &after.metadata));
    let verdict = if revision_before == revision_after {
        DiffVerdict::Identical
    } else {
        DiffVerdict::Differs
    };
    VersionDiff {
        verdict,
        revision_before,
        revision_after,
        assets_added,
        assets_removed,
        assets_changed,
        metadata_changed,
    }
}

// Property tests need proptest, which is native-only; the browser runs tests/wasm.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "revision/tests.rs"]
mod tests;
