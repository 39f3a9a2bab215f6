//! Property tests of the name rules: an oracle for package names, versions and namespaces, and
//! re-validation of whatever is accepted (as stored, and after a JSON round trip).

use super::*;
use proptest::prelude::*;

/// Characters a name is made of: ASCII, the refused ones, and letters that change length when
/// lowercased.
fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('!', '~'),
        1 => proptest::sample::select(vec![
            '\u{0}', '\t', ' ', '#', '/', '\u{7f}', '\u{85}', '\u{a0}', '\u{ad}', '\u{200b}',
            '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{feff}',
            '\u{e000}', 'İ', 'ß', 'K', 'é', '日', '🦀',
        ]),
        1 => any::<char>(),
    ]
}

fn name_string() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(name_char(), 0..12).prop_map(String::from_iter),
        (name_char(), 250usize..260).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// The rule stated directly: 1–255 characters, none of `#`, `/`, whitespace or `\p{C}`.
fn oracle(s: &str) -> bool {
    (1..=255).contains(&s.chars().count())
        && s.chars()
            .all(|c| c != '#' && c != '/' && !c.is_whitespace() && !is_other_category(c))
}

proptest! {
    #[test]
    fn names_are_valid_exactly_when_the_rule_says(s in name_string()) {
        let expected = oracle(&s);
        prop_assert_eq!(PackageName::parse(&s).is_ok(), expected);
        prop_assert_eq!(PackageVersion::parse(&s).is_ok(), expected);
        prop_assert_eq!(Namespace::parse(&s).is_ok(), expected);
        if let Err(e) = PackageName::parse(&s) {
            prop_assert!(!e.message.chars().any(is_other_category), "{}", e.message);
        }
    }

    #[test]
    fn accepted_names_revalidate_after_a_json_round_trip(s in name_string()) {
        if let Ok(name) = PackageName::parse(&s) {
            let json = serde_json::to_string(&name).unwrap();
            let back: PackageName = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &name);
            prop_assert_eq!(PackageName::parse(back.as_str()), Ok(name));
        }
    }

    #[test]
    fn accepted_coordinates_revalidate_as_stored(
        format in proptest::sample::select(PackageFormat::ALL.to_vec()),
        ns in proptest::option::of(name_string()),
        name in name_string(),
    ) {
        if let Ok(c) = PackageCoordinate::parse(format.as_str(), ns.as_deref(), &name) {
            prop_assert!(PackageName::parse(c.name.as_str()).is_ok(), "{:?}", c);
            if let Some(ns) = &c.namespace {
                prop_assert!(Namespace::parse(ns.as_str()).is_ok(), "{:?}", c);
            }
            // Normalising again changes nothing.
            let again = PackageCoordinate::parse(
                format.as_str(),
                c.namespace.as_ref().map(Namespace::as_str),
                c.name.as_str(),
            );
            prop_assert_eq!(again, Ok(c.clone()));
        }
    }
}

/// The generated tables (build.rs) agree with unicode-general-category on every code point.
#[test]
fn generated_category_tables_agree_with_the_crate_everywhere() {
    use unicode_general_category::{GeneralCategory::*, get_general_category};
    for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
        let category = get_general_category(c);
        let other = matches!(
            category,
            Control | Format | Surrogate | PrivateUse | Unassigned
        );
        assert_eq!(is_other_category(c), other, "{c:?} ({category:?})");
        let word = matches!(
            category,
            UppercaseLetter
                | LowercaseLetter
                | TitlecaseLetter
                | ModifierLetter
                | OtherLetter
                | DecimalNumber
                | LetterNumber
                | OtherNumber
                | NonspacingMark
                | SpacingMark
                | EnclosingMark
        );
        assert_eq!(crate::groups::is_word_char(c), word, "{c:?} ({category:?})");
        let letter_or_digit = matches!(
            category,
            LowercaseLetter
                | ModifierLetter
                | OtherLetter
                | TitlecaseLetter
                | UppercaseLetter
                | LetterNumber
                | DecimalNumber
        );
        if c.is_ascii() {
            assert_eq!(c.is_ascii_alphanumeric(), letter_or_digit, "{c:?}");
        } else {
            assert_eq!(in_ranges(LETTER_OR_DIGIT, c), letter_or_digit, "{c:?}");
        }
    }
}
