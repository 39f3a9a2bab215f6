//! Revision computation and diff tests, including the asset-order property.

use super::*;
use proptest::prelude::*;

fn asset(name: &str, size: u64, sha: &str) -> AssetSummary {
    AssetSummary {
        name: name.into(),
        size: Some(size),
        hashes: BTreeMap::from([(SHA256.to_owned(), sha.to_owned())]),
    }
}

fn content(assets: Vec<AssetSummary>) -> VersionContent {
    VersionContent {
        assets,
        metadata: VersionMetadata {
            summary: Some("A package".into()),
            ..VersionMetadata::default()
        },
    }
}

#[test]
fn revisions_are_44_character_base64() {
    let r = compute_revision(&content(vec![asset("a.txt", 3, "ab")]));
    assert_eq!(r.as_str().len(), 44);
    assert!(r.as_str().ends_with('='));
    // Pinned: changing the canonical encoding changes every stored revision.
    assert_eq!(
        r.as_str(),
        compute_revision(&content(vec![asset("a.txt", 3, "AB")])).as_str()
    );
}

#[test]
fn every_identity_field_changes_the_revision() {
    let base = content(vec![asset("a.txt", 3, "ab"), asset("b.txt", 4, "cd")]);
    let r0 = compute_revision(&base);
    let mut variants = Vec::new();
    let mut v = base.clone();
    v.assets[0].size = Some(4);
    variants.push(v);
    let mut v = base.clone();
    v.assets[0].hashes.insert(SHA256.into(), "ff".into());
    variants.push(v);
    let mut v = base.clone();
    v.assets[0].name = "c.txt".into();
    variants.push(v);
    let mut v = base.clone();
    v.assets.pop();
    variants.push(v);
    let mut v = base.clone();
    v.metadata.summary = None;
    variants.push(v);
    let mut v = base.clone();
    v.metadata.home_page = Some("https://example.com".into());
    variants.push(v);
    let mut v = base.clone();
    v.metadata.licenses.push(License {
        name: Some("MIT".into()),
        url: None,
    });
    variants.push(v);
    let mut v = base.clone();
    v.metadata
        .attributes
        .insert("dependencies".into(), "{}".into());
    variants.push(v);
    for (i, v) in variants.iter().enumerate() {
        assert_ne!(compute_revision(v), r0, "variant {i} kept the revision");
    }
}

#[test]
fn field_boundaries_cannot_be_confused() {
    let mut a = content(vec![]);
    a.metadata.summary = Some("ab".into());
    a.metadata.home_page = Some("c".into());
    let mut b = content(vec![]);
    b.metadata.summary = Some("a".into());
    b.metadata.home_page = Some("bc".into());
    assert_ne!(compute_revision(&a), compute_revision(&b));
}

#[test]
fn other_hashes_are_reported_but_do_not_change_the_verdict_alone() {
    let a = content(vec![asset("a.txt", 3, "ab")]);
    let mut b = a.clone();
    b.assets[0].hashes.insert("MD5".into(), "00".into());
    let d = diff_versions(&a, &b);
    assert_eq!(d.verdict, DiffVerdict::Identical);
    assert_eq!(d.assets_changed[0].changed_hashes, ["MD5"]);
}

#[test]
fn diff_lists_added_removed_changed_assets_and_metadata() {
    let a = content(vec![
        asset("keep", 1, "aa"),
        asset("gone", 2, "bb"),
        asset("edit", 3, "cc"),
    ]);
    let mut b = content(vec![
        asset("keep", 1, "aa"),
        asset("new", 4, "dd"),
        asset("edit", 5, "ee"),
    ]);
    b.metadata.summary = Some("Changed".into());
    b.metadata
        .attributes
        .insert("dependencies".into(), "{\"x\":\"1\"}".into());
    let d = diff_versions(&a, &b);
    assert_eq!(d.verdict, DiffVerdict::Differs);
    assert_eq!(
        d.assets_added
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["new"]
    );
    assert_eq!(
        d.assets_removed
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["gone"]
    );
    assert_eq!(d.assets_changed.len(), 1);
    let c = &d.assets_changed[0];
    assert_eq!(
        (c.name.as_str(), c.size_before, c.size_after),
        ("edit", Some(3), Some(5))
    );
    assert_eq!(c.changed_hashes, ["SHA-256"]);
    let fields: Vec<_> = d
        .metadata_changed
        .iter()
        .map(|m| m.field.as_str())
        .collect();
    assert_eq!(fields, ["summary", "attributes.dependencies"]);
    assert_eq!(d.metadata_changed[0].before.as_deref(), Some("A package"));
}

#[test]
fn diff_of_a_version_with_itself_is_identical_and_empty() {
    let a = content(vec![asset("x", 1, "aa")]);
    let d = diff_versions(&a, &a);
    assert_eq!(d.verdict, DiffVerdict::Identical);
    assert!(d.assets_added.is_empty() && d.assets_removed.is_empty());
    assert!(d.assets_changed.is_empty() && d.metadata_changed.is_empty());
    assert_eq!(d.revision_before, d.revision_after);
}

fn arb_assets() -> impl Strategy<Value = Vec<AssetSummary>> {
    prop::collection::btree_map(
        "[a-z]{1,8}\\.(txt|tgz)",
        (0u64..1_000_000, "[0-9a-f]{64}"),
        0..12,
    )
    .prop_map(|m| m.into_iter().map(|(n, (s, h))| asset(&n, s, &h)).collect())
}

proptest! {
    #[test]
    fn revision_does_not_depend_on_asset_order(assets in arb_assets(), seed in any::<u64>()) {
        let a = content(assets.clone());
        let mut shuffled = assets;
        // A deterministic shuffle driven by the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        prop_assert_eq!(compute_revision(&a), compute_revision(&content(shuffled)));
    }

    #[test]
    fn diff_verdict_matches_revision_equality(a in arb_assets(), b in arb_assets()) {
        let (a, b) = (content(a), content(b));
        let d = diff_versions(&a, &b);
        prop_assert_eq!(d.verdict == DiffVerdict::Identical, compute_revision(&a) == compute_revision(&b));
        let empty = d.assets_added.is_empty() && d.assets_removed.is_empty() && d.assets_changed.is_empty();
        prop_assert_eq!(empty, d.verdict == DiffVerdict::Identical);
    }
}
