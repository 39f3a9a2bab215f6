//! Request rules: every violation at once, with the promotion's own limits.

use super::*;

fn fields(r: &api::PromotionRequest) -> Vec<String> {
    match PromotionSpec::try_from(r) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors.into_iter().map(|e| e.field).collect(),
    }
}

#[test]
fn a_valid_request_converts_with_defaults() {
    let spec = PromotionSpec::try_from(&request(&[("@s/a", &["1.0.0"])])).unwrap();
    assert_eq!(spec.destination_domain.as_str(), "my-domain");
    assert!(!spec.with_dependencies && !spec.allow_unsatisfied && !spec.dry_run);
    let Selection::Packages(p) = &spec.selection else {
        panic!("packages")
    };
    assert_eq!(p[0].key.namespace.as_ref().unwrap().as_str(), "s");
}

#[test]
fn every_rule_is_reported_at_once() {
    let big: Vec<&str> = vec!["1.0.0"; 1];
    type Case = (
        &'static str,
        Box<dyn Fn(&mut api::PromotionRequest)>,
        Vec<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "missing domain",
            Box::new(|r| r.domain = None),
            vec!["domain"],
        ),
        (
            "same repository, same domain",
            Box::new(|r| r.destination_repository = Some("staging".into())),
            vec!["destinationRepository"],
        ),
        (
            "bad destination domain",
            Box::new(|r| r.destination_domain = Some("Prod".into())),
            vec!["destinationDomain"],
        ),
        (
            "two selections",
            Box::new(|r| r.lockfile = Some("{}".into())),
            vec!["packages"],
        ),
        (
            "no selection",
            Box::new(|r| r.packages = None),
            vec!["packages"],
        ),
        (
            "bad package members, all of them",
            Box::new(|r| {
                let p = &mut r.packages.as_mut().unwrap()[0];
                p.format = Some("npmx".into());
                p.package = Some("a b".into());
            }),
            vec!["packages.1.format", "packages.1.package"],
        ),
        (
            "both versions and versionRevisions",
            Box::new(|r| {
                r.packages.as_mut().unwrap()[0].version_revisions =
                    Some(BTreeMap::from([("1.0.0".into(), "r".into())]))
            }),
            vec!["packages.1.versions"],
        ),
        (
            "duplicate versions",
            Box::new(|r| {
                r.packages.as_mut().unwrap()[0].versions =
                    Some(vec!["1.0.0".into(), "1.0.0".into()])
            }),
            vec!["packages.1.versions"],
        ),
        (
            "duplicate packages",
            Box::new(|r| {
                let first = r.packages.as_ref().unwrap()[0].clone();
                r.packages.as_mut().unwrap().push(first)
            }),
            vec!["packages"],
        ),
        (
            "too long a reason",
            Box::new(|r| r.reason = Some("x".repeat(MAX_REASON_CHARS + 1))),
            vec!["reason"],
        ),
        (
            "select without format, with a bad status",
            Box::new(|r| {
                r.packages = None;
                r.select = Some(api::PromotionSelect {
                    status: Some("Gone".into()),
                    ..Default::default()
                })
            }),
            vec!["select.format", "select.status"],
        ),
    ];
    for (name, edit, expected) in cases {
        let mut r = request(&[("a", &big)]);
        edit(&mut r);
        assert_eq!(fields(&r), expected, "{name}");
    }
}

#[test]
fn the_same_repository_in_another_domain_is_a_cross_domain_promotion() {
    let mut r = request(&[("a", &["1.0.0"])]);
    r.destination_repository = Some("staging".into());
    r.destination_domain = Some("prod".into());
    let spec = PromotionSpec::try_from(&r).unwrap();
    assert_eq!(spec.destination_ref().domain, "prod");
    assert_eq!(spec.source_ref().domain, "my-domain");
}

#[test]
fn limits_count_packages_and_versions() {
    let versions: Vec<String> = (0..=MAX_VERSIONS).map(|i| format!("1.0.{i}")).collect();
    let mut r = request(&[]);
    r.packages = Some(vec![api::PackageSelection {
        format: Some("npm".into()),
        package: Some("a".into()),
        versions: Some(versions),
        ..Default::default()
    }]);
    let e = PromotionSpec::try_from(&r).unwrap_err();
    assert!(e.to_string().contains("at most 10000 versions"), "{e}");

    let names: Vec<String> = (0..=MAX_PACKAGES).map(|i| format!("p{i}")).collect();
    let list: Vec<(&str, &[&str])> = names.iter().map(|n| (n.as_str(), &["1.0.0"][..])).collect();
    let e = PromotionSpec::try_from(&request(&list)).unwrap_err();
    assert!(e.to_string().contains("at most 1000 packages"), "{e}");
}

#[test]
fn a_lockfile_over_20_mb_is_refused_before_parsing() {
    let mut r = request(&[]);
    r.packages = None;
    r.lockfile = Some(" ".repeat(MAX_LOCKFILE_BYTES + 1));
    let e = PromotionSpec::try_from(&r).unwrap_err();
    assert_eq!(e.errors[0].field, "lockfile");
    assert!(e.errors[0].message.contains("20 MB"), "{e}");
}

#[test]
fn a_lockfile_request_becomes_its_packages() {
    let mut r = request(&[]);
    r.packages = None;
    r.lockfile = Some(super::lockfile_cases::V3.into());
    let spec = PromotionSpec::try_from(&r).unwrap();
    let Selection::Packages(p) = spec.selection else {
        panic!("packages")
    };
    let names: Vec<String> = p.iter().map(|p| p.key.display_name()).collect();
    assert_eq!(
        names,
        ["left-pad", "lodash", "@babel/core", "@types/node"].map(String::from)
    );
}
