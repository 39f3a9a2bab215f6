//! Property tests: PEP 503 normalisation and PEP 440 parsing and ordering.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use std::cmp::Ordering;
use wharf_pypi::{name, version};

fn spelling() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?"
}

/// A version from its parts: epoch, release, pre (kind, n), post, dev.
type Parts = (u32, Vec<u32>, Option<(u8, u32)>, Option<u32>, Option<u32>);

fn parts() -> impl Strategy<Value = Parts> {
    (
        0u32..2,
        prop::collection::vec(0u32..20, 1..4),
        prop::option::of((0u8..3, 0u32..5)),
        prop::option::of(0u32..3),
        prop::option::of(0u32..3),
    )
}

fn text((epoch, release, pre, post, dev): &Parts, messy: bool) -> String {
    let mut s = String::new();
    if *epoch > 0 {
        s.push_str(&format!("{epoch}!"));
    }
    s.push_str(
        &release
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
    );
    if let Some((k, n)) = pre {
        let kind = match (k, messy) {
            (0, false) => "a",
            (0, true) => "-ALPHA",
            (1, false) => "b",
            (1, true) => ".beta",
            (_, false) => "rc",
            (_, true) => "c",
        };
        s.push_str(&format!("{kind}{n}"));
    }
    if let Some(p) = post {
        s.push_str(&if messy {
            format!("-r{p}")
        } else {
            format!(".post{p}")
        });
    }
    if let Some(d) = dev {
        s.push_str(&if messy {
            format!("-dev{d}")
        } else {
            format!(".dev{d}")
        });
    }
    s
}

/// A sortable key: epoch, trimmed release, pre, post, dev.
type Key = (u32, Vec<u32>, (u8, u8, u32), Option<u32>, (u8, u32));

/// PEP 440's order as a sortable key: epoch, release (zero-padded), then
/// dev-only < pre < final < post, each refined by dev.
fn key(p: &Parts) -> Key {
    let (epoch, release, pre, post, dev) = p;
    let mut r = release.clone();
    while r.last() == Some(&0) {
        r.pop();
    }
    let pre_key = match (pre, post, dev) {
        (None, None, Some(_)) => (0, 0, 0),
        (Some((k, n)), _, _) => (1, *k, *n),
        _ => (2, 0, 0),
    };
    let dev_key = match dev {
        Some(d) => (0, *d),
        None => (1, 0),
    };
    (*epoch, r, pre_key, *post, dev_key)
}

proptest! {
    #[test]
    fn normalisation_is_idempotent_and_spelling_blind(n in spelling()) {
        let once = name::normalize(&n);
        prop_assert_eq!(name::normalize(&once), once.clone());
        prop_assert!(!once.contains("--") && !once.contains('_') && !once.contains('.'));
        prop_assert_eq!(name::normalize(&n.to_uppercase().replace('-', "_")), once);
        prop_assert!(name::is_valid(&n));
    }

    #[test]
    fn messy_spellings_normalise_to_the_clean_one(p in parts()) {
        let clean = version::normalize(&text(&p, false)).unwrap();
        prop_assert_eq!(version::normalize(&text(&p, true)).unwrap(), clean.clone());
        prop_assert_eq!(version::normalize(&clean).unwrap(), clean);
    }

    #[test]
    fn ordering_follows_pep_440(a in parts(), b in parts()) {
        let (ta, tb) = (version::normalize(&text(&a, false)).unwrap(), version::normalize(&text(&b, false)).unwrap());
        let by_key = key(&a).cmp(&key(&b));
        let got = version::compare(&ta, &tb);
        if by_key == Ordering::Equal {
            prop_assert_eq!(version::parse(&ta).unwrap(), version::parse(&tb).unwrap());
        } else {
            prop_assert_eq!(got, by_key, "{} vs {}", ta, tb);
        }
        prop_assert_eq!(version::compare(&tb, &ta), got.reverse());
    }
}
