//! Table tests of the canonical query string (spec §10): decode, re-encode with the RFC 3986
//! unreserved set, sort by encoded key then value.

use proptest::prelude::*;
use wharf_sigv4::canonical_query_string;

#[test]
fn encoding_table() {
    let cases = [
        // (wire query, canonical query)
        ("", ""),
        ("namespace=%40types", "namespace=%40types"),
        ("namespace=@types", "namespace=%40types"),
        ("version=20.1.0%2Bbuild%201", "version=20.1.0%2Bbuild%201"),
        // '+' is a literal plus, never a space.
        ("version=1.0+build", "version=1.0%2Bbuild"),
        ("a=b%20c", "a=b%20c"),
        ("a=b c", "a=b%20c"),
        ("revision=abc%2B%2F%3D", "revision=abc%2B%2F%3D"),
        ("revision=abc+/=", "revision=abc%2B%2F%3D"),
        (
            "asset=my%20asset%20%281%29.txt",
            "asset=my%20asset%20%281%29.txt",
        ),
        ("asset=my asset (1).txt", "asset=my%20asset%20%281%29.txt"),
        // Unreserved characters are decoded even if the client escaped them.
        ("k=%41%7e%2D%5F%2E", "k=A~-_."),
        ("k=a-b_c.d~e", "k=a-b_c.d~e"),
        // Lowercase escapes are normalised to uppercase.
        ("k=%2b%2f", "k=%2B%2F"),
        ("k=é", "k=%C3%A9"),
        ("k=%C3%A9", "k=%C3%A9"),
        (
            "k=!*'();:@&x=$,[]",
            "k=%21%2A%27%28%29%3B%3A%40&x=%24%2C%5B%5D",
        ),
        // A key without '=' has an empty value; only the first '=' splits.
        ("unfinished", "unfinished="),
        ("b&a=", "a=&b="),
        ("k=a=b", "k=a%3Db"),
        ("a%3Db=c", "a%3Db=c"),
        // Keys need encoding too.
        ("max results=1", "max%20results=1"),
        // An invalid escape is kept as text, so its '%' is encoded.
        ("k=%zz", "k=%25zz"),
        ("k=100%", "k=100%25"),
        // Empty elements (botocore keeps them as an empty key and value).
        ("a=1&&b=2", "=&a=1&b=2"),
    ];
    for (wire, canonical) in cases {
        assert_eq!(
            canonical_query_string(wire),
            canonical,
            "wire query {wire:?}"
        );
    }
}

#[test]
fn sorted_by_encoded_key_then_value() {
    // Sorting the *encoded* keys puts "a%2Fb" ('%' = 0x25) before "a-b" ('-' = 0x2D), while
    // the decoded "a/b" ('/' = 0x2F) would sort after it.
    assert_eq!(
        canonical_query_string("a-b=2&a%2Fb=1&a=3"),
        "a=3&a%2Fb=1&a-b=2"
    );
    // Duplicate keys are sorted by value, the empty value first.
    assert_eq!(canonical_query_string("k=b&k=a&k=&k=B"), "k=&k=B&k=a&k=b");
    assert_eq!(canonical_query_string("k=%2B&k=%20&k=-"), "k=%20&k=%2B&k=-");
    // Uppercase sorts before lowercase (byte order).
    assert_eq!(canonical_query_string("b=1&B=2&a=3&A=4"), "A=4&B=2&a=3&b=1");
}

#[test]
fn order_independent_for_cli_orders() {
    // The CLI's order for plain calls and for `aws codeartifact login` differ (spec §1).
    let expected = "domain=my-domain&domain-owner=111122223333&format=npm&repository=repo-a";
    for wire in [
        "domain=my-domain&domain-owner=111122223333&repository=repo-a&format=npm",
        "domain=my-domain&repository=repo-a&format=npm&domain-owner=111122223333",
        "format=npm&repository=repo-a&domain-owner=111122223333&domain=my-domain",
    ] {
        assert_eq!(canonical_query_string(wire), expected);
    }
}

proptest! {
    #[test]
    fn any_permutation_gives_the_same_canonical_form(
        pairs in prop::collection::vec(("[a-z@+ /=%-]{0,6}", "[a-zA-Z0-9@+ /=(%~-]{0,8}"), 0..8),
        seed in any::<u64>(),
    ) {
        let encode = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let wire: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        let mut shuffled = wire.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let canonical = canonical_query_string(&wire.join("&"));
        prop_assert_eq!(&canonical_query_string(&shuffled.join("&")), &canonical);
        // Canonicalising is idempotent.
        prop_assert_eq!(&canonical_query_string(&canonical), &canonical);
        // Output only contains unreserved characters, '%XX' escapes, '=' and '&'.
        prop_assert!(canonical.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)));
    }
}
