//! The npm dependency closure: satisfied by the destination, its upstreams or the promotion
//! itself; added with `withDependencies`; failing or allowed otherwise.

use super::*;
use crate::api::{DependencyKind, UnsatisfiedReason};
use crate::promotion::closure::Spec;

fn with(
    req: api::PromotionRequest,
    edit: impl FnOnce(&mut api::PromotionRequest),
) -> api::PromotionRequest {
    let mut r = req;
    edit(&mut r);
    r
}

#[test]
fn specs_are_classified() {
    let cases = [
        ("^1.2.0", "range"),
        ("", "range"),
        ("*", "range"),
        (">=1 <2 || 3.x", "range"),
        ("latest", "tag"),
        ("git+https://github.com/o/r.git", "not"),
        ("o/r#main", "not"),
        ("file:../x", "not"),
        ("npm:other@^1", "not"),
        ("workspace:*", "not"),
        ("https://example.com/x.tgz", "not"),
        ("!!", "not"),
    ];
    for (spec, kind) in cases {
        let got = match Spec::parse(spec) {
            Spec::Range(_) => "range",
            Spec::Tag(_) => "tag",
            Spec::NotRegistry => "not",
        };
        assert_eq!(got, kind, "{spec}");
    }
    assert!(Spec::parse("^1.2.0").matches(&v("1.9.0")));
    assert!(!Spec::parse("^1.2.0").matches(&v("2.0.0")));
    assert!(!Spec::parse("^1.2.0").matches(&v("1.3.0-beta.1")));
    assert!(!Spec::parse("^1").matches(&v("not-semver")));
}

/// A world where app@1.0.0 needs lib@^1 (and lib@1.2.0 needs util@~2.0) in the source only.
fn chain() -> World {
    World::default()
        .src("app", &[("1.0.0", "app1")])
        .dep("app", "1.0.0", &[("lib", "^1.0.0")])
        .src(
            "lib",
            &[("1.0.0", "lib10"), ("1.2.0", "lib12"), ("2.0.0", "lib20")],
        )
        .dep("lib", "1.2.0", &[("@u/util", "~2.0.0")])
        .src("@u/util", &[("2.0.1", "u201"), ("2.1.0", "u210")])
}

#[test]
fn an_unsatisfied_range_fails_the_requiring_version_with_its_own_code() {
    let r = chain().plan(&request(&[("app", &["1.0.0"])])).result(true);
    assert_eq!(r.status, api::PromotionStatus::Failed);
    let app = &r.packages[0].versions[0];
    assert_eq!(app.error_code, Some(Code::UnsatisfiedDependency));
    assert!(
        app.error_message.as_ref().unwrap().contains("lib@^1.0.0"),
        "{app:?}"
    );
    assert_eq!(
        r.closure.unsatisfied,
        vec![api::UnsatisfiedDependency {
            package: "lib".into(),
            range: "^1.0.0".into(),
            required_by: "app@1.0.0".into(),
            kind: DependencyKind::Dependencies,
            reason: UnsatisfiedReason::NoMatchingVersion,
        }]
    );
}

#[test]
fn allow_unsatisfied_reports_but_applies() {
    let req = with(request(&[("app", &["1.0.0"])]), |r| {
        r.allow_unsatisfied = Some(true)
    });
    let r = chain().plan(&req).result(false);
    assert_eq!(r.status, api::PromotionStatus::Applied);
    assert_eq!(r.closure.unsatisfied.len(), 1);
    assert_eq!(r.packages[0].versions[0].action, Action::Copy);
}

#[test]
fn with_dependencies_adds_the_highest_satisfying_version_recursively() {
    let req = with(request(&[("app", &["1.0.0"])]), |r| {
        r.with_dependencies = Some(true)
    });
    let r = chain().plan(&req).result(true);
    assert_eq!(r.status, api::PromotionStatus::Planned, "{r:#?}");
    let got: Vec<_> = r
        .packages
        .iter()
        .flat_map(|p| {
            p.versions
                .iter()
                .map(move |v| (key_name(p), v.version.clone(), v.added_as_dependency))
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("app".into(), "1.0.0".into(), false),
            ("lib".into(), "1.2.0".into(), true),
            ("@u/util".into(), "2.0.1".into(), true),
        ]
    );
    assert_eq!(r.summary.added_as_dependencies, 2);
    assert_eq!(r.closure.added[1].required_by, "lib@1.2.0");
    assert!(r.closure.unsatisfied.is_empty());
}

#[test]
fn the_destination_its_upstreams_and_the_promotion_itself_satisfy_ranges() {
    let cases: Vec<(&str, World, Vec<(&str, &[&str])>)> = vec![
        (
            "destination",
            chain().dst("lib", &[("1.0.0", "lib10")]),
            vec![("app", &["1.0.0"][..])],
        ),
        (
            "upstream",
            chain().up("lib", &[("1.5.0", "x")]),
            vec![("app", &["1.0.0"][..])],
        ),
        (
            "the promotion",
            chain().dst("@u/util", &[("2.0.9", "x")]),
            vec![("app", &["1.0.0"][..]), ("lib", &["1.2.0"][..])],
        ),
    ];
    for (name, world, packages) in cases {
        let r = world.plan(&request(&packages)).result(true);
        assert_eq!(
            r.status,
            api::PromotionStatus::Planned,
            "{name}: {:?}",
            r.closure
        );
        assert!(r.closure.unsatisfied.is_empty(), "{name}");
    }
}

#[test]
fn optional_peers_are_ignored_and_required_peers_are_checked() {
    let mut world = World::default().src("plugin", &[("1.0.0", "p1")]);
    let mut d = deps(&[]);
    d.peer_dependencies = BTreeMap::from([
        ("host".to_string(), "^3".to_string()),
        ("extra".to_string(), "^1".to_string()),
    ]);
    d.peer_dependencies_meta
        .insert("extra".into(), api::PeerDependencyMeta { optional: true });
    world
        .deps
        .entry(key("plugin"))
        .or_default()
        .insert(v("1.0.0"), d);
    let r = world.plan(&request(&[("plugin", &["1.0.0"])])).result(true);
    let u: Vec<_> = r
        .closure
        .unsatisfied
        .iter()
        .map(|u| (u.package.as_str(), u.kind))
        .collect();
    assert_eq!(u, vec![("host", DependencyKind::PeerDependencies)]);
}

#[test]
fn non_registry_specs_are_reported_never_added() {
    let world = World::default()
        .src("app", &[("1.0.0", "a1")])
        .dep(
            "app",
            "1.0.0",
            &[
                ("g", "github:o/g"),
                ("f", "file:../f"),
                ("al", "npm:lodash@^4"),
                ("w", "workspace:*"),
            ],
        )
        .src("g", &[("1.0.0", "g1")]);
    let req = with(request(&[("app", &["1.0.0"])]), |r| {
        r.with_dependencies = Some(true)
    });
    let r = world.plan(&req).result(true);
    assert_eq!(r.closure.unsatisfied.len(), 4);
    assert!(
        r.closure
            .unsatisfied
            .iter()
            .all(|u| u.reason == UnsatisfiedReason::NotARegistryRange)
    );
    assert!(r.closure.added.is_empty());
    assert_eq!(r.status, api::PromotionStatus::Failed);
}

#[test]
fn dist_tag_specs_follow_the_tags() {
    let mut world = World::default()
        .src("app", &[("1.0.0", "a1")])
        .dep("app", "1.0.0", &[("lib", "latest")])
        .src("lib", &[("1.0.0", "l1"), ("2.0.0", "l2")]);
    world
        .source
        .get_mut(&key("lib"))
        .unwrap()
        .dist_tags
        .insert("latest".into(), v("1.0.0"));
    let req = with(request(&[("app", &["1.0.0"])]), |r| {
        r.with_dependencies = Some(true)
    });
    let r = world.plan(&req).result(true);
    assert_eq!(r.closure.added.len(), 1);
    assert_eq!(r.closure.added[0].version, "1.0.0");
    assert_eq!(r.status, api::PromotionStatus::Planned, "{:?}", r.closure);
}

#[test]
fn the_loop_asks_for_dependencies_level_by_level() {
    let world = chain();
    let req = with(request(&[("app", &["1.0.0"])]), |r| {
        r.with_dependencies = Some(true)
    });
    let mut p = PromotionPlanner::new(PromotionSpec::try_from(&req).unwrap());
    let mut rounds = Vec::new();
    loop {
        let wanted = p.wanted();
        if wanted.is_empty() {
            break;
        }
        rounds.push(wanted.iter().map(|k| k.display_name()).collect::<Vec<_>>());
        for k in wanted {
            let d = world.data(&k);
            p.provide(k, d);
        }
    }
    assert_eq!(rounds, vec![vec!["app"], vec!["lib"], vec!["@u/util"]]);
}
