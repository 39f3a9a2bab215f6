//! The hash values behind a diff: `wharf_core::revision::diff_versions` names the hash
//! algorithms whose values differ for each changed asset; the diff view shows the values
//! themselves, shortened, with a copy button. Pure, so tested natively.

use wharf_core::revision::{VersionContent, VersionDiff};

/// One hash of one asset that differs between the destination (before) and the source (after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashChange {
    /// The asset's name.
    pub asset: String,
    /// The algorithm (`SHA-256`, `MD5`, ...).
    pub algorithm: String,
    /// The destination's value, if it has one.
    pub before: Option<String>,
    /// The source's value, if it has one.
    pub after: Option<String>,
}

/// The differing hash values of every changed asset of `diff`, in the diff's order.
pub fn hash_changes(
    before: &VersionContent,
    after: &VersionContent,
    diff: &VersionDiff,
) -> Vec<HashChange> {
    let value = |content: &VersionContent, asset: &str, algorithm: &str| {
        content
            .assets
            .iter()
            .find(|a| a.name == asset)
            .and_then(|a| a.hashes.get(algorithm).cloned())
    };
    diff.assets_changed
        .iter()
        .flat_map(|a| {
            a.changed_hashes.iter().map(|alg| HashChange {
                asset: a.name.clone(),
                algorithm: alg.clone(),
                before: value(before, &a.name, alg),
                after: value(after, &a.name, alg),
            })
        })
        .collect()
}

/// A hash or revision shortened for display: its first 12 characters and `…` (shorter
/// values whole).
pub fn shorten(value: &str) -> String {
    if value.chars().count() <= 12 {
        return value.to_owned();
    }
    let head: String = value.chars().take(12).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use wharf_core::api::AssetSummary;
    use wharf_core::revision::diff_versions;

    fn content(assets: &[(&str, &str)]) -> VersionContent {
        VersionContent {
            assets: assets
                .iter()
                .map(|(name, sha)| AssetSummary {
                    name: (*name).to_owned(),
                    size: Some(3),
                    hashes: BTreeMap::from([
                        ("SHA-256".to_owned(), (*sha).to_owned()),
                        ("MD5".to_owned(), "same".to_owned()),
                    ]),
                })
                .collect(),
            ..VersionContent::default()
        }
    }

    #[test]
    fn the_differing_values_of_each_changed_asset() {
        let before = content(&[("a.tgz", &"1".repeat(64)), ("b.txt", "same-b")]);
        let after = content(&[("a.tgz", &"2".repeat(64)), ("b.txt", "same-b")]);
        let diff = diff_versions(&before, &after);
        let changes = hash_changes(&before, &after, &diff);
        assert_eq!(
            changes,
            vec![HashChange {
                asset: "a.tgz".into(),
                algorithm: "SHA-256".into(),
                before: Some("1".repeat(64)),
                after: Some("2".repeat(64)),
            }],
            "only the algorithm that differs, of the asset that changed"
        );
        assert!(hash_changes(&before, &before, &diff_versions(&before, &before)).is_empty());
    }

    #[test]
    fn shortening_keeps_twelve_characters() {
        assert_eq!(shorten(&"ab".repeat(32)), format!("{}…", "ab".repeat(6)));
        assert_eq!(shorten("short"), "short");
    }
}
