//! Table tests of every name's pattern and length, and of the per-format rules.

use super::*;

fn ok<T>(r: Result<T, FieldError>) -> bool {
    r.is_ok()
}

#[test]
fn domain_names_follow_the_model_pattern() {
    let cases = [
        ("my-domain", true),
        ("ab", true),
        ("a1", true),
        ("a", false),
        ("MY_DOMAIN", false),
        ("My-domain", false),
        ("1domain", false),
        ("domain-", false),
        ("do main", false),
        (&"a".repeat(50), true),
        (&"a".repeat(51), false),
    ];
    for (input, valid) in cases {
        assert_eq!(ok(DomainName::parse(input)), valid, "{input:?}");
    }
    let e = DomainName::parse("MY_DOMAIN").unwrap_err();
    assert_eq!(e.field, "domain");
    assert!(
        e.message.contains("Value 'MY_DOMAIN' at 'domain'"),
        "{}",
        e.message
    );
    assert!(e.message.contains(DOMAIN_PATTERN), "{}", e.message);
    let e = DomainName::parse("a").unwrap_err();
    assert!(
        e.message
            .ends_with("have length greater than or equal to 2"),
        "{}",
        e.message
    );
}

#[test]
fn repository_names_follow_the_model_pattern() {
    for (input, valid) in [
        ("repo-1", true),
        ("My.Repo_2", true),
        ("r", false),
        ("-repo", false),
        (".repo", false),
        ("re po", false),
        ("repo/x", false),
    ] {
        assert_eq!(ok(RepositoryName::parse(input)), valid, "{input:?}");
    }
    assert!(ok(RepositoryName::parse(&"r".repeat(100))));
    assert!(!ok(RepositoryName::parse(&"r".repeat(101))));
}

#[test]
fn account_ids_are_twelve_digits() {
    assert!(ok(AccountId::parse("111122223333")));
    assert!(!ok(AccountId::parse("123")));
    assert!(!ok(AccountId::parse("11112222333a")));
}

#[test]
fn package_names_versions_and_namespaces_reject_hash_slash_and_space() {
    for bad in ["", "a#b", "a/b", "lo dash", "tab\t", &"x".repeat(256)] {
        assert!(!ok(PackageName::parse(bad)), "{bad:?}");
        assert!(!ok(PackageVersion::parse(bad)), "{bad:?}");
        assert!(!ok(Namespace::parse(bad)), "{bad:?}");
    }
    for good in [
        "lodash",
        "@scope",
        "1.0.0-beta+1",
        "ünïcode",
        &"x".repeat(255),
    ] {
        assert!(ok(PackageName::parse(good)), "{good:?}");
    }
}

#[test]
fn revisions_are_up_to_fifty_non_space_characters() {
    assert!(ok(Revision::parse(
        "Ciqe5/9yicvkJT13b5/LdLpCyE6fqA7poa9qp+FilPs="
    )));
    assert!(!ok(Revision::parse("has space")));
    assert!(!ok(Revision::parse(&"r".repeat(51))));
    assert!(!ok(Revision::parse("")));
}

#[test]
fn asset_names_reject_control_characters_and_generic_rules_apply() {
    assert!(ok(AssetName::parse("my asset (1).txt")));
    assert!(!ok(AssetName::parse("bad\u{7}name")));
    assert!(!ok(AssetName::parse("zero\u{200b}width")));
    let generic = |s: &str| AssetName::parse(s).unwrap().check_generic().is_ok();
    assert!(generic("my asset (1).txt"));
    assert!(generic("Ünïcode_1.0.tar"));
    assert!(!generic(".."));
    assert!(!generic(" lead"));
    assert!(!generic("two  spaces"));
    assert!(!generic("a*b"));
    assert!(!generic("a|b"));
}

#[test]
fn formats_parse_exactly_and_know_their_namespace_rule() {
    assert_eq!(
        PackageFormat::parse_as("npm", "format"),
        Ok(PackageFormat::Npm)
    );
    assert!(PackageFormat::parse_as("NPM", "format").is_err());
    let e = PackageFormat::parse_as("foo", "format").unwrap_err();
    assert!(e.message.contains("enum value set"), "{}", e.message);
    use NamespaceRule::*;
    let rules: Vec<_> = PackageFormat::ALL
        .iter()
        .map(|f| f.namespace_rule())
        .collect();
    assert_eq!(
        rules,
        [
            Optional, Forbidden, Required, Forbidden, Required, Forbidden, Required, Forbidden
        ]
    );
}

#[test]
fn coordinates_enforce_namespace_rules_and_report_every_error() {
    assert!(PackageCoordinate::parse("npm", None, "lodash").is_ok());
    assert!(PackageCoordinate::parse("npm", Some("types"), "node").is_ok());
    let errs = PackageCoordinate::parse("maven", None, "my-lib").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "namespace");
    let errs = PackageCoordinate::parse("pypi", Some("ns"), "requests").unwrap_err();
    assert_eq!(errs[0].field, "namespace");
    let errs = PackageCoordinate::parse("foo", Some("a/b"), "x y").unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["format", "namespace", "package"]);
}

#[test]
fn names_are_normalised_per_format() {
    assert_eq!(
        PackageFormat::Pypi.normalize_name("Pigeon__CLI.x"),
        "pigeon-cli-x"
    );
    assert_eq!(
        PackageFormat::Pypi.normalize_name("pigeon.cli"),
        "pigeon-cli"
    );
    assert_eq!(PackageFormat::Npm.normalize_name("MyPkg"), "MyPkg");
    let c = PackageCoordinate::parse("nuget", None, "Newtonsoft.JSON").unwrap();
    assert_eq!(c.name.as_str(), "newtonsoft.json");
    let c = PackageCoordinate::parse("swift", Some("myScope"), "myPackage").unwrap();
    assert_eq!(
        (c.namespace.unwrap().as_str(), c.name.as_str()),
        ("myscope", "mypackage")
    );
    // PyPI API input is not normalised: callers must send the stored name.
    let c = PackageCoordinate::parse("pypi", None, "Pigeon_CLI").unwrap();
    assert_eq!(c.name.as_str(), "Pigeon_CLI");
}

#[test]
fn nuget_versions_are_normalised() {
    let n = |v| PackageFormat::Nuget.normalize_version(v);
    assert_eq!(n("12.0.03.0"), "12.0.3");
    assert_eq!(n("1.01.1"), "1.1.1");
    assert_eq!(n("1.0.0.0"), "1.0.0");
    assert_eq!(n("1.0.7+r3456"), "1.0.7");
    assert_eq!(n("1.0.0.1"), "1.0.0.1");
    assert_eq!(n("2.0-Beta"), "2.0.0-beta");
    assert_eq!(PackageFormat::Npm.normalize_version("01.0.0"), "01.0.0");
}

#[test]
fn display_names_follow_the_package_manager() {
    let c = PackageCoordinate::parse("npm", Some("types"), "node").unwrap();
    assert_eq!(c.display_name(), "@types/node");
    let c = PackageCoordinate::parse("maven", Some("com.example"), "lib").unwrap();
    assert_eq!(c.display_name(), "com.example:lib");
}

#[test]
fn deserialising_validates() {
    let ok: Result<DomainName, _> = serde_json::from_str("\"my-domain\"");
    assert!(ok.is_ok());
    let bad: Result<DomainName, _> = serde_json::from_str("\"MY_DOMAIN\"");
    assert!(bad.is_err());
}

/// Characters of Unicode's "other" category that must never be part of a name or version.
const REFUSED: &[(char, &str)] = &[
    ('\u{0}', "NUL"),
    ('\u{1}', "SOH"),
    ('\u{1b}', "ESC"),
    ('\u{7f}', "DEL"),
    ('\u{80}', "C1 PAD"),
    ('\u{9b}', "C1 CSI"),
    ('\u{ad}', "soft hyphen"),
    ('\u{200b}', "zero width space"),
    ('\u{200d}', "zero width joiner"),
    ('\u{200e}', "LRM"),
    ('\u{200f}', "RLM"),
    ('\u{202a}', "LRE"),
    ('\u{202b}', "RLE"),
    ('\u{202c}', "PDF"),
    ('\u{202d}', "LRO"),
    ('\u{202e}', "RLO"),
    ('\u{2066}', "LRI"),
    ('\u{2067}', "RLI"),
    ('\u{2068}', "FSI"),
    ('\u{2069}', "PDI"),
    ('\u{61c}', "arabic letter mark"),
    ('\u{feff}', "BOM"),
    ('\u{e000}', "private use"),
    ('\u{10ffff}', "unassigned"),
];

#[test]
fn names_versions_and_namespaces_refuse_control_and_bidi_characters() {
    for &(c, what) in REFUSED {
        for value in [format!("a{c}b"), format!("{c}lodash"), format!("1.0.0{c}")] {
            let checks: [(&str, Result<(), FieldError>); 3] = [
                ("package", PackageName::parse(&value).map(drop)),
                ("packageVersion", PackageVersion::parse(&value).map(drop)),
                ("namespace", Namespace::parse(&value).map(drop)),
            ];
            for (field, result) in checks {
                let e = result.expect_err(what);
                assert_eq!(e.field, field, "{what}");
                assert!(
                    e.message.starts_with("Value '")
                        && e.message.contains(&format!(
                            "' at '{field}' failed to satisfy constraint: Member must"
                        ))
                        && e.message.ends_with(NO_CONTROL_CONSTRAINT),
                    "{what}: {}",
                    e.message
                );
                // The message names the character without carrying it.
                assert!(!e.message.contains(c), "{what}: {}", e.message);
                let code = format!("\\u{{{:04X}}}", u32::from(c));
                assert!(e.message.contains(&code), "{what}: {}", e.message);
            }
        }
    }
    // Whitespace controls keep the model's pattern message (they break `[^#/\s]+`).
    let e = PackageName::parse("a\u{85}b").unwrap_err();
    assert!(e.message.ends_with(NAME_PATTERN), "{}", e.message);
    assert!(e.message.contains("a\\u{0085}b"), "{}", e.message);
    // Letters, marks, symbols and emoji from any script stay valid.
    for good in [
        "ünïcode",
        "日本語",
        "שלום",
        "a\u{301}",
        "🦀-crab",
        "x_y.z~1",
    ] {
        assert!(ok(PackageName::parse(good)), "{good:?}");
        assert!(ok(PackageVersion::parse(good)), "{good:?}");
        assert!(ok(Namespace::parse(good)), "{good:?}");
    }
}

#[test]
fn every_format_refuses_control_characters_in_coordinates() {
    for format in PackageFormat::ALL {
        let ns = match format.namespace_rule() {
            NamespaceRule::Forbidden => None,
            _ => Some("ns"),
        };
        let errs = PackageCoordinate::parse(format.as_str(), ns, "evil\u{202e}gpj.exe")
            .expect_err(format.as_str());
        assert_eq!(errs[0].field, "package", "{format}");
        if ns.is_some() {
            let errs = PackageCoordinate::parse(format.as_str(), Some("n\u{0}s"), "ok")
                .expect_err(format.as_str());
            assert_eq!(errs[0].field, "namespace", "{format}");
        }
    }
}

#[test]
fn normalised_names_are_checked_again() {
    // `İ` lowercases to two characters, so 128 of them become 256: too long once stored.
    let long = "İ".repeat(128);
    assert!(ok(PackageName::parse(&long)));
    for format in ["nuget", "swift"] {
        let ns = (format == "swift").then_some("ns");
        let errs = PackageCoordinate::parse(format, ns, &long).expect_err(format);
        assert_eq!(errs[0].field, "package");
        assert!(
            errs[0]
                .message
                .ends_with("have length less than or equal to 255")
        );
        let errs = PackageCoordinate::parse("swift", Some(&long), "p").expect_err("swift ns");
        assert_eq!(errs[0].field, "namespace");
    }
    // The other formats keep the name as given.
    assert!(PackageCoordinate::parse("npm", None, &long).is_ok());
}

#[test]
fn asset_name_errors_escape_what_they_refuse() {
    let e = AssetName::parse("report\u{202e}fdp.exe").unwrap_err();
    assert!(!e.message.contains('\u{202e}'), "{}", e.message);
    assert!(
        e.message.contains("report\\u{202E}fdp.exe"),
        "{}",
        e.message
    );
}
