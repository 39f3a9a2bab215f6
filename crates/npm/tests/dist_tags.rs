//! dist-tag merging along upstreams, version-list merging, and `npm dist-tag` requests.

use std::collections::BTreeMap;
use wharf_npm::NpmError;
use wharf_npm::dist_tags::{
    DistTagSet, check_dist_tag_delete, check_tag_target, dist_tags_body, merge_dist_tags,
    merge_versions, parse_dist_tag_put, retain_visible, validate_tag,
};

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn more_upstream_wins_on_a_tag_clash() {
    // Spec §4: downstream latest→1.0.0, upstream latest→1.0.1 ⇒ the client sees 1.0.1.
    let downstream = tags(&[("latest", "1.0.0"), ("beta", "2.0.0-b.1")]);
    let upstream = tags(&[("latest", "1.0.1")]);
    let merged = merge_dist_tags(&[downstream.clone(), upstream.clone()]);
    assert_eq!(merged, tags(&[("latest", "1.0.1"), ("beta", "2.0.0-b.1")]));

    // Three levels in DFS order (my_repo, A, C): the last visited wins.
    let c = tags(&[("latest", "1.0.2"), ("next", "3.0.0")]);
    let merged = merge_dist_tags(&[downstream, upstream, c]);
    assert_eq!(
        merged,
        tags(&[
            ("latest", "1.0.2"),
            ("beta", "2.0.0-b.1"),
            ("next", "3.0.0")
        ])
    );
    assert!(merge_dist_tags(&[]).is_empty());
}

#[test]
fn first_found_version_content_wins() {
    let downstream = vec![("1.0.0", "down"), ("1.1.0", "down")];
    let a = vec![("1.0.0", "A"), ("2.0.0", "A")];
    let b = vec![("2.0.0", "B"), ("3.0.0", "B")];
    let merged = merge_versions([downstream, a, b], |(v, _)| v);
    assert_eq!(
        merged,
        [
            ("1.0.0", "down"),
            ("1.1.0", "down"),
            ("2.0.0", "A"),
            ("3.0.0", "B")
        ]
    );
}

#[test]
fn dist_tag_add_parses_a_json_string() {
    let set = parse_dist_tag_put("beta", br#""1.2.3-beta.1""#).unwrap();
    assert_eq!(
        set,
        DistTagSet {
            tag: "beta".into(),
            version: "1.2.3-beta.1".into()
        }
    );
    assert!(check_tag_target(&set, ["1.0.0", "1.2.3-beta.1"].into_iter()).is_ok());
    let e = check_tag_target(&set, ["1.0.0"].into_iter()).unwrap_err();
    assert!(matches!(e, NpmError::TagTargetMissing { .. }));
    assert_eq!(e.status(), 400);

    assert!(matches!(
        parse_dist_tag_put("beta", b"1.2.3"),
        Err(NpmError::BadJson(_))
    ));
    assert!(matches!(
        parse_dist_tag_put("beta", br#""x""#),
        Err(NpmError::InvalidVersion(_))
    ));
    assert!(matches!(
        parse_dist_tag_put("1.2", br#""1.2.0""#),
        Err(NpmError::InvalidTag { .. })
    ));
    let big = format!("\"{}\"", "1".repeat(2000));
    assert_eq!(
        parse_dist_tag_put("beta", big.as_bytes())
            .unwrap_err()
            .status(),
        413
    );
}

#[test]
fn latest_cannot_be_removed() {
    let e = check_dist_tag_delete("latest").unwrap_err();
    assert_eq!(e, NpmError::CannotRemoveLatest);
    assert_eq!(e.status(), 400);
    assert!(check_dist_tag_delete("beta").is_ok());
}

#[test]
fn tag_names() {
    for ok in [
        "latest",
        "next",
        "beta",
        "canary-2",
        "v",
        "vnext",
        "release_candidate",
    ] {
        assert!(validate_tag(ok).is_ok(), "{ok}");
    }
    for bad in [
        "", "1", "1.x", "v1", "^1", "~1.2", ">=1", "*", "x", "a/b", "a b", "a%2f", "a#",
    ] {
        assert!(validate_tag(bad).is_err(), "{bad}");
    }
    // Control, bidi and other format characters, which a terminal would hide or reorder.
    for bad in [
        "beta\u{0}",
        "next\u{202e}",
        "\u{2066}rc",
        "be\u{200b}ta",
        "a\u{200f}",
        "\u{9b}x",
    ] {
        assert!(validate_tag(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn ls_body_and_visibility() {
    let t = tags(&[("latest", "1.0.0"), ("next", "2.0.0")]);
    assert_eq!(dist_tags_body(&t), r#"{"latest":"1.0.0","next":"2.0.0"}"#);
    assert_eq!(retain_visible(&t, ["1.0.0"]), tags(&[("latest", "1.0.0")]));
}
