//! Table tests of every request rule and planner branch, and property tests of the planner's
//! invariants.

use super::*;
use crate::api::{CopyPackageVersionsRequest as Req, PackageVersionErrorCode as Code};
use crate::names::PackageVersionStatus as Status;
use proptest::prelude::*;

fn req() -> Req {
    Req {
        domain: Some("my-domain".into()),
        source_repository: Some("repo-1".into()),
        destination_repository: Some("repo-2".into()),
        format: Some("npm".into()),
        package: Some("my-package".into()),
        versions: Some(vec!["6.0.2".into(), "4.0.0".into()]),
        ..Req::default()
    }
}

/// Applies `edit` to a valid request and returns the fields of the violations.
fn violations(edit: impl FnOnce(&mut Req)) -> Vec<String> {
    let mut r = req();
    edit(&mut r);
    match CopyRequest::try_from(&r) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors.into_iter().map(|e| e.field).collect(),
    }
}

#[test]
fn a_valid_request_converts() {
    let r = CopyRequest::try_from(&req()).unwrap();
    assert_eq!(r.domain.as_str(), "my-domain");
    assert_eq!(r.selection.versions().len(), 2);
    assert!(!r.allow_overwrite && !r.include_from_upstream);
}

#[test]
fn every_request_rule_is_enforced() {
    let long: Vec<String> = (0..101).map(|i| format!("1.0.{i}")).collect();
    type Case = (&'static str, Box<dyn FnOnce(&mut Req)>, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            "missing domain",
            Box::new(|r| r.domain = None),
            vec!["domain"],
        ),
        (
            "domain with capitals",
            Box::new(|r| r.domain = Some("My-Domain".into())),
            vec!["domain"],
        ),
        (
            "short owner",
            Box::new(|r| r.domain_owner = Some("123".into())),
            vec!["domainOwner"],
        ),
        (
            "bad source",
            Box::new(|r| r.source_repository = Some("-x".into())),
            vec!["sourceRepository"],
        ),
        (
            "missing destination",
            Box::new(|r| r.destination_repository = None),
            vec!["destinationRepository"],
        ),
        (
            "same repositories",
            Box::new(|r| r.destination_repository = Some("repo-1".into())),
            vec!["destinationRepository"],
        ),
        (
            "unknown format",
            Box::new(|r| r.format = Some("foo".into())),
            vec!["format"],
        ),
        (
            "missing package",
            Box::new(|r| r.package = None),
            vec!["package"],
        ),
        (
            "package with a space",
            Box::new(|r| r.package = Some("lo dash".into())),
            vec!["package"],
        ),
        (
            "namespace on pypi",
            Box::new(|r| {
                r.format = Some("pypi".into());
                r.namespace = Some("ns".into());
            }),
            vec!["namespace"],
        ),
        (
            "no namespace on maven",
            Box::new(|r| r.format = Some("maven".into())),
            vec!["namespace"],
        ),
        (
            "both selections",
            Box::new(|r| {
                r.version_revisions = Some(BTreeMap::from([("1.0.0".into(), "r".into())]))
            }),
            vec!["versions"],
        ),
        (
            "no selection",
            Box::new(|r| r.versions = None),
            vec!["versions"],
        ),
        (
            "empty list",
            Box::new(|r| r.versions = Some(vec![])),
            vec!["versions"],
        ),
        (
            "empty map",
            Box::new(|r| {
                r.versions = None;
                r.version_revisions = Some(BTreeMap::new());
            }),
            vec!["versionRevisions"],
        ),
        (
            "101 versions",
            Box::new(move |r| r.versions = Some(long)),
            vec!["versions"],
        ),
        (
            "duplicate",
            Box::new(|r| r.versions = Some(vec!["1.0.0".into(), "1.0.0".into()])),
            vec!["versions"],
        ),
        (
            "bad version",
            Box::new(|r| r.versions = Some(vec!["1.0 beta".into()])),
            vec!["versions.1.member"],
        ),
        (
            "bad revision",
            Box::new(|r| {
                r.versions = None;
                r.version_revisions = Some(BTreeMap::from([("1.0.0".into(), "a b".into())]));
            }),
            vec!["versionRevisions.1.0.0"],
        ),
    ];
    for (name, edit, expected) in cases {
        assert_eq!(violations(edit), expected, "{name}");
    }
}

#[test]
fn all_violations_are_reported_together_in_the_model_style() {
    let mut r = req();
    r.domain = Some("MY_DOMAIN".into());
    r.format = Some("foo".into());
    r.versions = None;
    let e = CopyRequest::try_from(&r).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("3 validation errors detected: Value 'MY_DOMAIN' at 'domain'"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "at 'format' failed to satisfy constraint: Member must satisfy enum value set"
        ),
        "{msg}"
    );
}

#[test]
fn nuget_versions_are_normalised_and_duplicates_detected_after_it() {
    let mut r = req();
    r.format = Some("nuget".into());
    r.package = Some("Newtonsoft.Json".into());
    r.versions = Some(vec!["12.0.03.0".into()]);
    let c = CopyRequest::try_from(&r).unwrap();
    assert_eq!(c.selection.versions()[0].as_str(), "12.0.3");
    r.versions = Some(vec!["12.0.3".into(), "12.0.03".into()]);
    assert!(CopyRequest::try_from(&r).is_err());
}

// ---- planner ----

fn v(s: &str) -> PackageVersion {
    PackageVersion::parse(s).unwrap()
}

fn rec(version: &str, revision: &str, status: Status) -> VersionRecord {
    VersionRecord {
        version: v(version),
        revision: Revision::parse(revision).unwrap(),
        status,
        origin: None,
    }
}

fn repo(name: &str, versions: &[(&str, &str, Status)]) -> RepositoryPackage {
    RepositoryPackage {
        repository: RepositoryName::parse(name).unwrap(),
        exists: true,
        versions: versions
            .iter()
            .map(|(ver, r, s)| (v(ver), rec(ver, r, *s)))
            .collect(),
        dist_tags: BTreeMap::new(),
        upstream_blocked: false,
        publish_blocked: false,
    }
}

fn request(versions: &[&str]) -> CopyRequest {
    let mut r = req();
    r.versions = Some(versions.iter().map(|s| s.to_string()).collect());
    CopyRequest::try_from(&r).unwrap()
}

fn codes(plan: &CopyPlan) -> Vec<(String, Option<Code>)> {
    plan.entries
        .iter()
        .map(|(v, o)| {
            let code = match o {
                VersionOutcome::Failed(e) => Some(e.error_code),
                VersionOutcome::Copy(_) | VersionOutcome::NoOp { .. } => None,
            };
            (v.to_string(), code)
        })
        .collect()
}

const P: Status = Status::Published;

#[test]
fn new_versions_are_copied_with_source_revision_and_status() {
    let src = repo(
        "repo-1",
        &[("6.0.2", "r602", P), ("4.0.0", "r400", Status::Unlisted)],
    );
    let dst = repo("repo-2", &[]);
    let plan = plan_copy(
        &request(&["6.0.2", "4.0.0"]),
        &[src],
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    assert!(plan.succeeds());
    let result = CopyPackageVersionsResult::from(&plan);
    assert!(result.failed_versions.is_empty());
    assert_eq!(result.successful_versions["6.0.2"].revision, "r602");
    assert_eq!(result.successful_versions["4.0.0"].status, Status::Unlisted);
    assert_eq!(plan.copies().count(), 2);
}

use crate::api::CopyPackageVersionsResult;

#[test]
fn identical_versions_are_no_ops_in_neither_map() {
    let src = repo("repo-1", &[("1.0.0", "same", P)]);
    let dst = repo("repo-2", &[("1.0.0", "same", Status::Archived)]);
    let plan = plan_copy(&request(&["1.0.0"]), &[src], &dst, PlanOptions::default()).unwrap();
    let result = CopyPackageVersionsResult::from(&plan);
    assert!(result.successful_versions.is_empty() && result.failed_versions.is_empty());
    assert_eq!(plan.copies().count(), 0);
}

#[test]
fn a_differing_destination_version_fails_and_skips_its_siblings() {
    let src = repo(
        "repo-1",
        &[("0.3.2", "new", P), ("0.2.1", "r", P), ("0.1.0", "same", P)],
    );
    let dst = repo("repo-2", &[("0.3.2", "old", P), ("0.1.0", "same", P)]);
    let plan = plan_copy(
        &request(&["0.3.2", "0.2.1", "0.1.0"]),
        &[src],
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        codes(&plan),
        [
            ("0.3.2".into(), Some(Code::AlreadyExists)),
            ("0.2.1".into(), Some(Code::Skipped)),
            ("0.1.0".into(), None)
        ]
    );
    let result = CopyPackageVersionsResult::from(&plan);
    assert_eq!(
        result.failed_versions["0.3.2"].error_message,
        "Version 0.3.2 already exists"
    );
    assert_eq!(
        result.failed_versions["0.2.1"].error_message,
        "Version 0.2.1 was skipped"
    );
    assert!(!result.failed_versions.contains_key("0.1.0"));
    assert_eq!(plan.copies().count(), 0);
}

#[test]
fn allow_overwrite_replaces_the_differing_version() {
    let src = repo("repo-1", &[("0.3.2", "new", P)]);
    let dst = repo("repo-2", &[("0.3.2", "old", P)]);
    let mut r = request(&["0.3.2"]);
    r.allow_overwrite = true;
    let plan = plan_copy(&r, &[src], &dst, PlanOptions::default()).unwrap();
    let c: Vec<_> = plan.copies().collect();
    assert_eq!(c[0].replaces.as_ref().map(Revision::as_str), Some("old"));
    assert_eq!(
        plan.report().versions[0].action,
        crate::api::PlannedAction::Overwrite
    );
}

#[test]
fn missing_versions_are_not_found_and_siblings_skipped() {
    let src = repo("repo-1", &[("0.2.0", "r", P)]);
    let plan = plan_copy(
        &request(&["0.2.0", "5.6.7"]),
        &[src],
        &repo("repo-2", &[]),
        PlanOptions::default(),
    )
    .unwrap();
    let result = CopyPackageVersionsResult::from(&plan);
    assert_eq!(result.failed_versions["5.6.7"].error_code, Code::NotFound);
    assert_eq!(
        result.failed_versions["5.6.7"].error_message,
        "Could not find version 5.6.7"
    );
    assert_eq!(result.failed_versions["0.2.0"].error_code, Code::Skipped);
}

#[test]
fn revisions_must_match_when_given() {
    let src = repo("repo-1", &[("1.0.0", "cur", P), ("2.0.0", "r2", P)]);
    let mut r = req();
    r.versions = None;
    r.version_revisions = Some(BTreeMap::from([
        ("1.0.0".into(), "stale".into()),
        ("2.0.0".into(), "r2".into()),
    ]));
    let r = CopyRequest::try_from(&r).unwrap();
    let plan = plan_copy(
        &r,
        std::slice::from_ref(&src),
        &repo("repo-2", &[]),
        PlanOptions::default(),
    )
    .unwrap();
    let result = CopyPackageVersionsResult::from(&plan);
    assert_eq!(
        result.failed_versions["1.0.0"].error_code,
        Code::MismatchedRevision
    );
    assert_eq!(
        result.failed_versions["1.0.0"].error_message,
        "current revision: cur, expected revision: stale"
    );
    assert_eq!(result.failed_versions["2.0.0"].error_code, Code::Skipped);
}

#[test]
fn uncopyable_statuses_fail_with_mismatched_status_and_deleted_is_not_found() {
    for (status, code) in [
        (Status::Unfinished, Code::MismatchedStatus),
        (Status::Archived, Code::MismatchedStatus),
        (Status::Disposed, Code::MismatchedStatus),
        (Status::Deleted, Code::NotFound),
    ] {
        let src = repo("repo-1", &[("1.0.0", "r", status)]);
        let plan = plan_copy(
            &request(&["1.0.0"]),
            &[src],
            &repo("repo-2", &[]),
            PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(codes(&plan)[0].1, Some(code), "{status}");
    }
}

#[test]
fn origin_controls_give_not_allowed_only_when_enforced() {
    let src = repo("repo-1", &[("1.0.0", "r", P)]);
    let mut dst = repo("repo-2", &[]);
    dst.publish_blocked = true;
    let plan = plan_copy(
        &request(&["1.0.0"]),
        std::slice::from_ref(&src),
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    assert!(plan.succeeds());
    let options = PlanOptions {
        enforce_origin_controls: true,
    };
    let plan = plan_copy(&request(&["1.0.0"]), &[src], &dst, options).unwrap();
    assert_eq!(codes(&plan)[0].1, Some(Code::NotAllowed));
}

#[test]
fn failure_precedence_follows_the_spec_order() {
    // Stale revision and a bad status on one version: MISMATCHED_REVISION wins.
    let src = repo("repo-1", &[("1.0.0", "cur", Status::Archived)]);
    let mut r = req();
    r.versions = None;
    r.version_revisions = Some(BTreeMap::from([("1.0.0".into(), "stale".into())]));
    let r = CopyRequest::try_from(&r).unwrap();
    let dst = repo("repo-2", &[("1.0.0", "other", P)]);
    let plan = plan_copy(&r, &[src], &dst, PlanOptions::default()).unwrap();
    assert_eq!(codes(&plan)[0].1, Some(Code::MismatchedRevision));
}

#[test]
fn upstream_versions_need_include_from_upstream() {
    let src = repo("repo-1", &[("1.0.0", "r1", P)]);
    let up = repo("upstream", &[("2.0.0", "r2", P)]);
    let chain = [src, up];
    let dst = repo("repo-2", &[]);
    let plan = plan_copy(&request(&["2.0.0"]), &chain, &dst, PlanOptions::default()).unwrap();
    assert_eq!(codes(&plan)[0].1, Some(Code::NotFound));
    let mut r = request(&["2.0.0"]);
    r.include_from_upstream = true;
    let plan = plan_copy(&r, &chain, &dst, PlanOptions::default()).unwrap();
    let c: Vec<_> = plan.copies().collect();
    assert_eq!(c[0].from.as_str(), "upstream");
}

#[test]
fn the_first_repository_in_search_order_wins_and_blocks_apply() {
    let a = repo("repo-1", &[]);
    let b = repo("up-a", &[("1.0.0", "from-a", P)]);
    let c = repo("up-b", &[("1.0.0", "from-b", P)]);
    let mut r = request(&["1.0.0"]);
    r.include_from_upstream = true;
    let dst = repo("repo-2", &[]);
    let plan = plan_copy(
        &r,
        &[a.clone(), b.clone(), c.clone()],
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        plan.copies().next().unwrap().record.revision.as_str(),
        "from-a"
    );
    let mut blocked = a;
    blocked.upstream_blocked = true;
    let plan = plan_copy(&r, &[blocked, b, c], &dst, PlanOptions::default()).unwrap();
    assert_eq!(codes(&plan)[0].1, Some(Code::NotFound));
}

#[test]
fn generic_packages_are_never_taken_from_upstreams() {
    let mut q = req();
    q.format = Some("generic".into());
    q.namespace = Some("ns".into());
    q.versions = Some(vec!["1.0.0".into()]);
    let mut r = CopyRequest::try_from(&q).unwrap();
    r.include_from_upstream = true;
    let chain = [repo("repo-1", &[]), repo("up", &[("1.0.0", "r", P)])];
    let plan = plan_copy(&r, &chain, &repo("repo-2", &[]), PlanOptions::default()).unwrap();
    assert_eq!(codes(&plan)[0].1, Some(Code::NotFound));
}

#[test]
fn a_package_absent_everywhere_is_a_request_error() {
    let mut src = repo("repo-1", &[]);
    src.exists = false;
    let err = plan_copy(
        &request(&["1.0.0"]),
        &[src],
        &repo("repo-2", &[]),
        PlanOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Package my-package not found in repository repo-1"
    );
}

#[test]
fn npm_dist_tags_follow_copied_and_identical_versions() {
    let mut src = repo(
        "repo-1",
        &[
            ("1.0.1", "r101", P),
            ("1.0.0", "r100", P),
            ("2.0.0-rc", "rc", P),
        ],
    );
    src.dist_tags = BTreeMap::from([
        ("latest".into(), v("1.0.1")),
        ("next".into(), v("2.0.0-rc")),
        ("old".into(), v("1.0.0")),
    ]);
    let mut dst = repo("repo-2", &[("1.0.0", "r100", P)]);
    dst.dist_tags = BTreeMap::from([("latest".into(), v("1.0.0")), ("mine".into(), v("1.0.0"))]);
    let plan = plan_copy(
        &request(&["1.0.1", "1.0.0"]),
        &[src.clone()],
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    let moves: Vec<_> = plan
        .dist_tags
        .iter()
        .map(|m| {
            (
                m.tag.as_str(),
                m.from.as_ref().map(|v| v.as_str()),
                m.to.as_str(),
            )
        })
        .collect();
    // `latest` moves, `old` is created, `next` (not copied) and `mine` (destination-only) stay.
    assert_eq!(
        moves,
        [("latest", Some("1.0.0"), "1.0.1"), ("old", None, "1.0.0")]
    );
    // A failing batch moves no tags.
    let failing = plan_copy(
        &request(&["1.0.1", "9.9.9"]),
        &[src],
        &dst,
        PlanOptions::default(),
    )
    .unwrap();
    assert!(failing.dist_tags.is_empty());
}

#[test]
fn upstream_tags_win_name_clashes() {
    let mut src = repo("repo-1", &[("1.0.0", "a", P)]);
    src.dist_tags = BTreeMap::from([("latest".into(), v("1.0.0"))]);
    let mut up = repo("up", &[("1.0.1", "b", P)]);
    up.dist_tags = BTreeMap::from([("latest".into(), v("1.0.1"))]);
    let mut r = request(&["1.0.1"]);
    r.include_from_upstream = true;
    let plan = plan_copy(&r, &[src, up], &repo("repo-2", &[]), PlanOptions::default()).unwrap();
    assert_eq!(plan.dist_tags[0].to.as_str(), "1.0.1");
}

#[test]
fn preview_checks_the_views_belong_to_the_request() {
    let input = crate::api::CopyPreviewInput {
        request: req(),
        source: vec![crate::api::PackageView {
            repository: "other".into(),
            exists: true,
            ..Default::default()
        }],
        destination: crate::api::PackageView {
            repository: "repo-2".into(),
            exists: true,
            ..Default::default()
        },
    };
    assert!(matches!(
        preview(&input, PlanOptions::default()),
        Err(PreviewError::Invalid(_))
    ));
}

// ---- properties ----

/// Source versions (version, revision number, status number), destination versions (version,
/// revision number), requested versions and `allowOverwrite`.
type State = (Vec<(String, u8, u8)>, Vec<(String, u8)>, Vec<String>, bool);

fn arb_state() -> impl Strategy<Value = State> {
    let versions = prop::collection::vec("[0-3]\\.[0-3]", 0..8);
    (
        prop::collection::vec(("[0-3]\\.[0-3]", 0u8..3, 0u8..4), 0..8),
        prop::collection::vec(("[0-3]\\.[0-3]", 0u8..3), 0..8),
        versions,
        any::<bool>(),
    )
}

fn status_of(n: u8) -> Status {
    [
        Status::Published,
        Status::Unlisted,
        Status::Archived,
        Status::Unfinished,
    ][n as usize % 4]
}

fn build(src: &[(String, u8, u8)], dst: &[(String, u8)]) -> (RepositoryPackage, RepositoryPackage) {
    let mut s = repo("repo-1", &[]);
    for (ver, r, st) in src {
        s.versions
            .insert(v(ver), rec(ver, &format!("rev{r}"), status_of(*st)));
    }
    let mut d = repo("repo-2", &[]);
    for (ver, r) in dst {
        d.versions.insert(v(ver), rec(ver, &format!("rev{r}"), P));
    }
    (s, d)
}

/// Applies a plan to the destination the way the service does.
fn apply(plan: &CopyPlan, dst: &mut RepositoryPackage) {
    for c in plan.copies() {
        dst.versions
            .insert(c.record.version.clone(), c.record.clone());
    }
}

proptest! {
    #[test]
    fn planner_invariants((src, dst, wanted, overwrite) in arb_state()) {
        let mut wanted = wanted;
        wanted.sort();
        wanted.dedup();
        prop_assume!(!wanted.is_empty());
        let (s, mut d) = build(&src, &dst);
        let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let mut r = request(&refs);
        r.allow_overwrite = overwrite;
        let plan = plan_copy(&r, std::slice::from_ref(&s), &d, PlanOptions::default()).unwrap();
        let result = CopyPackageVersionsResult::from(&plan);
        // No version is both successful and failed.
        for k in result.successful_versions.keys() {
            prop_assert!(!result.failed_versions.contains_key(k));
        }
        // A failed batch changes nothing.
        if !result.failed_versions.is_empty() {
            prop_assert_eq!(plan.copies().count(), 0);
            prop_assert!(result.successful_versions.is_empty());
        }
        // Re-planning after applying a successful plan yields only no-ops.
        if plan.succeeds() {
            apply(&plan, &mut d);
            let again = plan_copy(&r, std::slice::from_ref(&s), &d, PlanOptions::default()).unwrap();
            for (_, o) in &again.entries {
                prop_assert!(matches!(o, VersionOutcome::NoOp { .. }), "{:?}", o);
            }
        }
    }
}
