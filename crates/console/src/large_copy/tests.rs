use super::*;
use wharf_core::api::PlannedVersion;
use wharf_core::names::PackageVersionStatus;

fn form(n: usize) -> CopyForm {
    CopyForm {
        domain: "demo".into(),
        source: "staging".into(),
        destination: "release".into(),
        format: "generic".into(),
        namespace: "acme".into(),
        package: "big-lib".into(),
        versions: (0..n)
            .map(|i| format!("1.0.{i}"))
            .collect::<Vec<_>>()
            .join("\n"),
        ..CopyForm::default()
    }
}

#[test]
fn only_a_copy_of_more_than_one_call_runs_as_a_promotion() {
    assert!(!runs_as_promotion(&form(100)));
    assert!(runs_as_promotion(&form(101)));
}

#[test]
fn the_promotion_names_every_version_and_copies_without_closure() {
    let request = promotion_request(
        &CopyForm {
            overwrite: true,
            ..form(261)
        },
        false,
    );
    assert_eq!(request.domain.as_deref(), Some("demo"));
    assert_eq!(request.source_repository.as_deref(), Some("staging"));
    assert_eq!(request.destination_repository.as_deref(), Some("release"));
    let packages = request.packages.expect("one package");
    assert_eq!(packages.len(), 1);
    assert_eq!(packages[0].namespace.as_deref(), Some("acme"));
    assert_eq!(packages[0].versions.as_ref().map(Vec::len), Some(261));
    assert_eq!(request.allow_unsatisfied, Some(true));
    assert_eq!(request.with_dependencies, Some(false));
    assert_eq!(request.allow_overwrite, Some(true));
    assert_eq!(request.dry_run, Some(false));
    assert!(request.reason.unwrap().contains("261 versions"));
}

#[test]
fn revision_pairs_go_as_version_revisions() {
    let f = CopyForm {
        versions: (0..150)
            .map(|i| format!("1.0.{i}=rev{i}"))
            .collect::<Vec<_>>()
            .join("\n"),
        ..form(0)
    };
    let p = &promotion_request(&f, true).packages.unwrap()[0];
    assert!(p.versions.is_none());
    assert_eq!(
        p.version_revisions
            .as_ref()
            .unwrap()
            .get("1.0.7")
            .map(String::as_str),
        Some("rev7")
    );
}

fn planned(version: &str, action: PlannedAction) -> PlannedVersion {
    PlannedVersion {
        version: version.into(),
        action,
        from_repository: None,
        revision: Some(format!("r-{version}")),
        destination_revision: None,
        error: (action == PlannedAction::Fail).then(|| PackageVersionError {
            error_code: PackageVersionErrorCode::AlreadyExists,
            error_message: format!("Version {version} already exists"),
        }),
    }
}

#[test]
fn one_failure_skips_every_version_that_would_have_been_copied() {
    let mut report = CopyPlanReport {
        result: CopyPackageVersionsResult::default(),
        versions: vec![
            planned("1.0.0", PlannedAction::Copy),
            planned("1.0.1", PlannedAction::NoOp),
            planned("1.0.150", PlannedAction::Fail),
            planned("1.0.200", PlannedAction::Overwrite),
        ],
        dist_tags: Vec::new(),
    };
    report.result.successful_versions.insert(
        "1.0.0".into(),
        SuccessfulPackageVersionInfo {
            revision: "r-1.0.0".into(),
            status: PackageVersionStatus::Published,
        },
    );
    all_or_nothing(&mut report);
    let actions: Vec<_> = report.versions.iter().map(|v| v.action).collect();
    assert_eq!(
        actions,
        [
            PlannedAction::Fail,
            PlannedAction::NoOp,
            PlannedAction::Fail,
            PlannedAction::Fail
        ]
    );
    assert!(report.result.successful_versions.is_empty());
    assert_eq!(
        report.result.failed_versions["1.0.200"].error_code,
        PackageVersionErrorCode::Skipped
    );
}

#[test]
fn a_plan_without_failure_is_left_alone() {
    let mut report = CopyPlanReport {
        result: CopyPackageVersionsResult::default(),
        versions: vec![planned("1.0.0", PlannedAction::Copy)],
        dist_tags: Vec::new(),
    };
    let before = report.clone();
    all_or_nothing(&mut report);
    assert_eq!(report, before);
}

fn answer(versions: serde_json::Value) -> PromotionResult {
    serde_json::from_value(serde_json::json!({
        "promotionId": "p-1", "status": "APPLIED", "dryRun": false,
        "source": {"domain": "demo", "repository": "staging"},
        "destination": {"domain": "demo", "repository": "release"},
        "packages": [{"format": "generic", "namespace": "acme", "package": "big-lib",
                      "versions": versions, "distTags": []}],
        "closure": {"unsatisfied": [], "added": []},
        "summary": {"packages": 1, "versions": 3, "copied": 1, "overwritten": 0, "noop": 1,
                    "failed": 0, "skipped": 0, "addedAsDependencies": 0}
    }))
    .expect("a promotion result")
}

#[test]
fn the_answer_reads_as_a_copy_result() {
    let result = copy_result(&answer(serde_json::json!([
        {"version": "1.0.0", "revision": "r0", "action": "COPY", "status": "Published",
         "addedAsDependency": false},
        {"version": "1.0.1", "revision": "r1", "action": "NOOP", "status": "Published",
         "addedAsDependency": false},
        {"version": "1.0.2", "action": "FAIL", "errorCode": "NOT_FOUND",
         "errorMessage": "no 1.0.2", "addedAsDependency": false}
    ])))
    .expect("readable");
    assert_eq!(result.successful_versions["1.0.0"].revision, "r0");
    assert!(!result.successful_versions.contains_key("1.0.1"));
    assert!(!result.failed_versions.contains_key("1.0.1"));
    assert_eq!(
        result.failed_versions["1.0.2"].error_code,
        PackageVersionErrorCode::NotFound
    );
}

#[test]
fn a_written_version_without_its_status_is_an_error_that_names_it() {
    let err = copy_result(&answer(serde_json::json!([
        {"version": "1.0.0", "revision": "r0", "action": "COPY", "addedAsDependency": false}
    ])))
    .unwrap_err();
    assert!(err.contains("1.0.0"), "{err}");
}
