//! dist-tags: merging them (and version lists) along an upstream search order, and the
//! `npm dist-tag add/rm/ls` requests.
//!
//! Spec §4: the tags of the requested repository and of every repository on its upstream path
//! are merged, and on a name clash the **more upstream** repository wins; for version content
//! the **first found** (most downstream) wins. Routes (under `/npm/DOMAIN/REPO/`):
//!
//! - `GET /-/package/{name}/dist-tags` → the tag map ([`dist_tags_body`]);
//! - `PUT /-/package/{name}/dist-tags/{tag}` with a JSON string body (`"1.2.3"`) →
//!   [`parse_dist_tag_put`];
//! - `DELETE /-/package/{name}/dist-tags/{tag}` → [`check_dist_tag_delete`]; `latest` cannot be
//!   removed (400), as on the public registry.

use crate::error::{NpmError, Result};
use crate::name::validate_version;
use std::collections::{BTreeMap, BTreeSet};
use wharf_core::names::is_other_category;

/// The tag npm installs by default, which cannot be removed.
pub const LATEST: &str = "latest";

/// The largest `npm dist-tag add` body accepted (a JSON string of a version).
pub const MAX_DIST_TAG_BODY: usize = 1024;

/// Folds tag maps given in search order (the requested repository first, then its upstreams
/// depth-first): a later, more upstream map overrides an earlier one on the same tag.
pub fn merge_dist_tags(search_order: &[BTreeMap<String, String>]) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::new();
    for tags in search_order {
        merged.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    merged
}

/// Merges version lists given in search order: the first list holding a version provides it
/// (the most downstream copy), later ones only add versions not yet seen. Order is kept:
/// first the first list's versions, then the new ones of each later list.
pub fn merge_versions<T>(
    search_order: impl IntoIterator<Item = impl IntoIterator<Item = T>>,
    version_of: impl Fn(&T) -> &str,
) -> Vec<T> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for list in search_order {
        for item in list {
            if seen.insert(version_of(&item).to_owned()) {
                out.push(item);
            }
        }
    }
    out
}

/// Whether `tag` reads as a semver range (`1.x`, `^2`, `*`, `>=1`, `v1`), which npm refuses as a
/// tag name because `npm install pkg@<tag>` would be ambiguous.
fn looks_like_range(tag: &str) -> bool {
    let t = tag.trim_start_matches(['v', '=', 'V']);
    t.starts_with(|c: char| c.is_ascii_digit())
        || tag.contains(['^', '~', '<', '>', '=', '*', '|', ' '])
        || matches!(tag, "x" | "X")
}

/// Checks a dist-tag name: non-empty, at most 255 characters, URL-safe (no `/`, `%`, `#`,
/// `?`, whitespace, or control, bidi and other format characters:
/// [`wharf_core::names::is_other_category`]), and not something that parses as a semver range.
pub fn validate_tag(tag: &str) -> Result<()> {
    let fail = |reason: &str| {
        Err(NpmError::InvalidTag {
            tag: tag.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if tag.is_empty() {
        return fail("a tag name cannot be empty");
    }
    if tag.chars().count() > 255 {
        return fail("a tag name cannot be longer than 255 characters");
    }
    if tag
        .chars()
        .any(|c| is_other_category(c) || c.is_whitespace() || "/%#?\\".contains(c))
    {
        return fail("a tag name must be URL-safe");
    }
    if looks_like_range(tag) {
        return fail("a tag name must not be a valid SemVer range");
    }
    Ok(())
}

/// A parsed `npm dist-tag add`: set `tag` to `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistTagSet {
    /// The tag.
    pub tag: String,
    /// The version it should point at.
    pub version: String,
}

/// Parses `PUT /-/package/{name}/dist-tags/{tag}`: the (percent-decoded) tag from the path and
/// the body, a JSON string holding the version (`"1.2.3"`). The server still has to check
/// that the version exists ([`check_tag_target`]).
pub fn parse_dist_tag_put(tag: &str, body: &[u8]) -> Result<DistTagSet> {
    validate_tag(tag)?;
    if body.len() > MAX_DIST_TAG_BODY {
        return Err(NpmError::TooLarge {
            what: "request body",
            size: body.len() as u64,
            limit: MAX_DIST_TAG_BODY as u64,
        });
    }
    let version: String = serde_json::from_slice(body)
        .map_err(|e| NpmError::BadJson(format!("expected a JSON string holding a version: {e}")))?;
    let version = version.trim().to_owned();
    validate_version(&version)?;
    Ok(DistTagSet {
        tag: tag.to_owned(),
        version,
    })
}

/// Checks that a tag's target is among the package's versions (else 400, naming both).
pub fn check_tag_target<'a>(
    set: &DistTagSet,
    mut versions: impl Iterator<Item = &'a str>,
) -> Result<()> {
    if versions.any(|v| v == set.version) {
        Ok(())
    } else {
        Err(NpmError::TagTargetMissing {
            tag: set.tag.clone(),
            version: set.version.clone(),
        })
    }
}

/// Checks `DELETE /-/package/{name}/dist-tags/{tag}`: a valid tag that is not `latest`.
/// Removing a tag that does not exist is the server's call (the public registry answers 200).
pub fn check_dist_tag_delete(tag: &str) -> Result<()> {
    if tag == LATEST {
        return Err(NpmError::CannotRemoveLatest);
    }
    validate_tag(tag)
}

/// The body of `GET /-/package/{name}/dist-tags` (`npm dist-tag ls`) and of the answers to
/// add and remove: the tag map as a JSON object.
pub fn dist_tags_body(tags: &BTreeMap<String, String>) -> String {
    serde_json::to_string(tags).expect("a map of strings serialises")
}

/// Drops the tags whose version is not in `visible`, as a packument must not point at a
/// version it does not list.
pub fn retain_visible<'a>(
    tags: &BTreeMap<String, String>,
    visible: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    let visible: BTreeSet<&str> = visible.into_iter().collect();
    tags.iter()
        .filter(|(_, v)| visible.contains(v.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
