use super::*;
use crate::names::PackageFormat::{Maven, Npm, Pypi};
use proptest::prelude::*;

fn p(s: &str) -> PackageGroupPattern {
    PackageGroupPattern::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn group(s: &str, modes: &[(OriginRestrictionType, OriginRestrictionMode)]) -> GroupConfig {
    let mut g = GroupConfig::new(p(s));
    for (t, m) in modes {
        g.modes.insert(*t, *m);
    }
    g
}

use OriginRestrictionMode::*;
use OriginRestrictionType::*;

#[test]
fn documented_forms_parse() {
    for ok in [
        "/*",
        "/npm/*",
        "/maven/com.anycompany~",
        "/npm/space/*",
        "/npm//*",
        "/npm/space/anycompany-ui~",
        "/maven/org.apache.logging.log4j/log4j-core$",
        "/npm/space/anycompany-*",
        "/pypi//requests$",
        "/npm//AsyncStorage$",
    ] {
        assert_eq!(p(ok).as_str(), ok);
    }
}

#[test]
fn invalid_patterns_are_refused_with_a_reason() {
    for bad in [
        "*",
        "/",
        "npm/*",
        "/npm",
        "/npm/space/name",
        "/npm/space/name*",
        "/python//requests$",
        "/pypi/x/*",
        "/pypi/x~",
        "/maven//x$",
        "/npm/@scope/*",
        "/npm/a b/*",
        "/npm/space/-~",
        "/npm/space/x/y$",
        "/pypi//Requests$",
        "/npm/space/$",
        "/npm/sp#ace/*",
    ] {
        let e = PackageGroupPattern::parse(bad).expect_err(bad);
        assert_eq!(e.field, "packageGroup", "{bad}");
    }
    let long = format!("/npm/{}/*", "a".repeat(600));
    assert!(PackageGroupPattern::parse(&long).is_err());
}

#[test]
fn word_boundary_prefixes() {
    let g = p("/npm/space/foo~");
    assert_eq!(g.matches(Npm, Some("space"), "foo"), Some(Strength::Strong));
    assert_eq!(
        g.matches(Npm, Some("space"), "foo-bar"),
        Some(Strength::Strong)
    );
    assert_eq!(g.matches(Npm, Some("space"), "food"), None);
    assert_eq!(g.matches(Npm, Some("space"), "foo2"), None);
    assert_eq!(g.matches(Npm, Some("other"), "foo"), None);
    assert_eq!(g.matches(Maven, Some("space"), "foo"), None);
    let plain = p("/npm/space/foo-*");
    assert!(plain.matches(Npm, Some("space"), "foo-x").is_some());
    assert!(plain.matches(Npm, Some("space"), "foo").is_none());
    let ns = p("/maven/com.anycompany~");
    assert!(ns.matches(Maven, Some("com.anycompany.ui"), "x").is_some());
    assert!(ns.matches(Maven, Some("com.anycompanyx"), "x").is_none());
    assert!(p("/npm//*").matches(Npm, None, "left-pad").is_some());
    assert!(p("/npm//*").matches(Npm, Some("s"), "left-pad").is_none());
}

#[test]
fn weak_matches_are_reported_and_block_everything() {
    let set = GroupSet::new(vec![
        group("/npm/*", &[(Publish, Block)]),
        group(
            "/npm//anycompany-spicy-client$",
            &[(ExternalUpstream, Block), (Publish, Allow)],
        ),
    ]);
    let r = set.restrictions_for(Npm, None, "AnyCompany-spicy-client");
    assert_eq!(r.group, "/npm//anycompany-spicy-client$");
    assert_eq!(r.association, AssociationType::Weak);
    for t in OriginRestrictionType::ALL {
        assert!(!r.allows(t, "repo"));
        assert!(r.refusal(t, "repo", "x").unwrap().contains("weakly"));
    }
    let strong = set.restrictions_for(Npm, None, "anycompany-spicy-client");
    assert_eq!(strong.association, AssociationType::Strong);
    assert!(strong.allows(Publish, "repo"));
    assert!(!strong.allows(ExternalUpstream, "repo"));
}

#[test]
fn most_specific_group_wins_and_inherits() {
    let mut acme = group("/npm/acme/*", &[(Publish, AllowSpecificRepositories)]);
    acme.allowed.insert(Publish, ["internal".to_owned()].into());
    let set = GroupSet::new(vec![
        group("/*", &[(InternalUpstream, Block)]),
        group("/npm/*", &[(ExternalUpstream, Block)]),
        acme,
        group("/npm/acme/ui~", &[]),
    ]);
    let r = set.restrictions_for(Npm, Some("acme"), "ui-kit");
    assert_eq!(r.group, "/npm/acme/ui~");
    let publish = &r.restrictions[&Publish];
    assert_eq!(publish.mode, AllowSpecificRepositories);
    assert_eq!(publish.inherited_from.as_deref(), Some("/npm/acme/*"));
    assert!(r.allows(Publish, "internal"));
    assert!(!r.allows(Publish, "other"));
    let msg = r.refusal(Publish, "other", "@acme/ui-kit").unwrap();
    assert!(
        msg.contains("/npm/acme/ui~") && msg.contains("inherited from /npm/acme/*"),
        "{msg}"
    );
    assert_eq!(
        r.restrictions[&ExternalUpstream].inherited_from.as_deref(),
        Some("/npm/*")
    );
    assert!(!r.allows(InternalUpstream, "internal"));
    // Parents and children.
    assert_eq!(
        set.parent(&p("/npm/acme/ui~")).unwrap().pattern.as_str(),
        "/npm/acme/*"
    );
    assert_eq!(
        set.parent(&p("/npm/acme/*")).unwrap().pattern.as_str(),
        "/npm/*"
    );
    assert!(set.parent(&p("/*")).is_none());
    let kids: Vec<_> = set
        .children(&p("/npm/*"))
        .iter()
        .map(|g| g.pattern.as_str())
        .collect();
    assert_eq!(kids, ["/npm/acme/*"]);
    // An unscoped package goes to /npm/*; a pypi one to the root.
    assert_eq!(set.restrictions_for(Npm, None, "left-pad").group, "/npm/*");
    assert_eq!(set.restrictions_for(Pypi, None, "requests").group, "/*");
}

#[test]
fn the_root_exists_even_when_not_given() {
    let set = GroupSet::new(vec![]);
    let r = set.restrictions_for(Npm, None, "x");
    assert_eq!(r.group, "/*");
    assert!(
        OriginRestrictionType::ALL
            .into_iter()
            .all(|t| r.allows(t, "any"))
    );
}

fn segment() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,3}([-.][a-z0-9]{1,3})?"
}

fn pattern_strategy() -> impl Strategy<Value = String> {
    (segment(), segment(), 0..6u8).prop_map(|(ns, name, form)| match form {
        0 => "/*".to_owned(),
        1 => "/npm/*".to_owned(),
        2 => format!("/npm/{ns}~"),
        3 => format!("/npm/{ns}/*"),
        4 => format!("/npm/{ns}/{name}~"),
        _ => format!("/npm/{ns}/{name}$"),
    })
}

proptest! {
    /// Containment agrees with matching: when A contains B, every package B matches strongly,
    /// A matches strongly too; and the associated group is the most specific matching one.
    #[test]
    fn containment_agrees_with_matching(
        a in pattern_strategy(), b in pattern_strategy(), ns in segment(), name in segment()
    ) {
        let (pa, pb) = (p(&a), p(&b));
        if pa.contains(&pb) && pb.matches(Npm, Some(&ns), &name) == Some(Strength::Strong) {
            prop_assert_eq!(pa.matches(Npm, Some(&ns), &name), Some(Strength::Strong));
        }
        if pa.strictly_contains(&pb) {
            prop_assert!(!pb.strictly_contains(&pa));
            prop_assert!(pa.rank() < pb.rank() || pa.is_root());
        }
        let set = GroupSet::new(vec![GroupConfig::new(pa.clone()), GroupConfig::new(pb.clone())]);
        let (g, _) = set.associated(Npm, Some(&ns), &name);
        prop_assert!(g.pattern.matches(Npm, Some(&ns), &name).is_some());
    }

    /// Parsing never panics and a parsed pattern prints as given; a valid pattern matches
    /// what its own literal parts name.
    #[test]
    fn parse_round_trips(s in "/[a-z*~$/.@-]{0,12}", any in "\\PC{0,40}") {
        if let Ok(pat) = PackageGroupPattern::parse(&s) {
            prop_assert_eq!(pat.as_str(), s.as_str());
            if let Scope::Exact { format, namespace, name } = pat.scope() {
                prop_assert_eq!(pat.matches(*format, Some(namespace), name), Some(Strength::Strong));
            }
        }
        let _ = PackageGroupPattern::parse(&any);
    }
}
