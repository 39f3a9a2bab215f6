//! Fuzz target of the names and versions every request carries ([`wharf_core::names`]):
//! seeds from `tests/fuzz/names.txt`, mutated, and generated strings. Properties: no parser
//! panics; an accepted value re-validates, also after a JSON round trip and as the coordinate
//! stores it; no error message carries a control or format character. See the README's
//! "Tests" section for running it longer (`WHARF_FUZZ_CASES`).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wharf_core::error::FieldError;
use wharf_core::names::{
    AccountId, AssetName, DomainName, Namespace, PackageCoordinate, PackageFormat, PackageName,
    PackageVersion, PackageVersionStatus, RepositoryName, Revision, is_other_category,
};

const TOKENS: &[&[u8]] = &[
    b"#",
    b"/",
    b" ",
    b"@",
    b".",
    b"-",
    b"_",
    b"+",
    b"\0",
    b"\xe2\x80\xae",
    b"\xe2\x81\xa6",
    b"\xc2\x85",
    b"\xc4\xb0",
    b"\xf0\x9f\xa6\x80",
    b"..",
];

fn text() -> impl Strategy<Value = String> {
    let seeds =
        wharf_fuzz::corpus_lines(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/names.txt"));
    prop_oneof![
        3 => wharf_fuzz::mutated_text(seeds, TOKENS),
        1 => wharf_fuzz::tricky_string(),
    ]
}

/// Parses `s` as `T`; if accepted, checks that it re-validates and survives JSON.
fn check<T>(
    s: &str,
    parse: fn(&str) -> Result<T, FieldError>,
    as_str: fn(&T) -> &str,
) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    match parse(s) {
        Ok(v) => {
            prop_assert_eq!(as_str(&v), s);
            let again = parse(as_str(&v));
            prop_assert_eq!(again.as_ref(), Ok(&v));
            let json = serde_json::to_string(&v).unwrap();
            let back: T = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, v);
        }
        Err(e) => {
            prop_assert!(!e.message.chars().any(is_other_category), "{:?}", e.message);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(wharf_fuzz::config(500))]

    #[test]
    fn names_and_versions(s in text()) {
        check(&s, Namespace::parse, Namespace::as_str)?;
        check(&s, PackageName::parse, PackageName::as_str)?;
        check(&s, PackageVersion::parse, PackageVersion::as_str)?;
        check(&s, DomainName::parse, DomainName::as_str)?;
        check(&s, RepositoryName::parse, RepositoryName::as_str)?;
        check(&s, AccountId::parse, AccountId::as_str)?;
        check(&s, Revision::parse, Revision::as_str)?;
        check(&s, AssetName::parse, AssetName::as_str)?;
        if let Ok(a) = AssetName::parse(&s) {
            let _ = a.check_generic();
        }
        for f in [PackageFormat::parse_as(&s, "format").map(drop), PackageVersionStatus::parse_as(&s, "status").map(drop)] {
            if let Err(e) = f {
                prop_assert!(!e.message.chars().any(is_other_category), "{:?}", e.message);
            }
        }
        if PackageName::parse(&s).is_ok() {
            prop_assert!(!s.chars().any(is_other_category));
        }
    }

    #[test]
    fn coordinates_and_normalised_versions(
        format in proptest::sample::select(PackageFormat::ALL.to_vec()),
        ns in proptest::option::of(text()),
        name in text(),
        version in text(),
    ) {
        match PackageCoordinate::parse(format.as_str(), ns.as_deref(), &name) {
            Ok(c) => {
                prop_assert!(PackageName::parse(c.name.as_str()).is_ok(), "{:?}", c);
                if let Some(n) = &c.namespace {
                    prop_assert!(Namespace::parse(n.as_str()).is_ok(), "{:?}", c);
                }
                let _ = c.display_name();
                let stored = format.normalize_name(c.name.as_str());
                let _ = PackageName::parse(&stored);
            }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
        let normalised = format.normalize_version(&version);
        let _ = PackageVersion::parse(&normalised);
    }
}
