use super::*;
use wharf_core::api::{PackageVersionError, PackageVersionsOutcome, SuccessfulPackageVersionInfo};
use wharf_core::copy::{PlanOptions, preview};

fn v(version: &str, rev: &str) -> PackageVersionSummary {
    PackageVersionSummary {
        version: version.into(),
        revision: Some(rev.into()),
        status: PackageVersionStatus::Published,
        origin: None,
    }
}

fn request(versions: &[&str], overwrite: bool) -> CopyPackageVersionsRequest {
    CopyPackageVersionsRequest {
        domain: Some("my-domain".into()),
        source_repository: Some("src".into()),
        destination_repository: Some("dst".into()),
        format: Some("pypi".into()),
        package: Some("requests".into()),
        versions: Some(versions.iter().map(|s| s.to_string()).collect()),
        allow_overwrite: Some(overwrite),
        ..Default::default()
    }
}

/// A fixed report: 1.0 new, 2.0 identical, 3.0 differs, 4.0 missing.
pub(crate) fn report(overwrite: bool) -> CopyPlanReport {
    let input = preview_input(
        &request(&["1.0", "2.0", "3.0", "4.0"], overwrite),
        vec![(
            "src".into(),
            Some(vec![v("1.0", "r1"), v("2.0", "r2"), v("3.0", "r3-new")]),
        )],
        ("dst".into(), Some(vec![v("2.0", "r2"), v("3.0", "r3-old")])),
    );
    preview(&input, PlanOptions::default()).expect("valid input")
}

#[test]
fn plan_rows_cover_every_action() {
    let r = report(true);
    let by_version: BTreeMap<&str, PlannedAction> = r
        .versions
        .iter()
        .map(|v| (v.version.as_str(), v.action))
        .collect();
    assert_eq!(
        by_version["1.0"],
        PlannedAction::Fail,
        "a batch with a missing version fails whole"
    );
    assert_eq!(by_version["4.0"], PlannedAction::Fail);
    let missing = r.versions.iter().find(|v| v.version == "4.0").unwrap();
    assert_eq!(
        missing.error.as_ref().map(|e| e.error_code),
        Some(PackageVersionErrorCode::NotFound)
    );
    let s = summarize(&r);
    assert_eq!(s.copy + s.overwrite + s.no_op + s.fail, 4);
}

#[test]
fn successful_plan_and_diff_candidates() {
    let input = preview_input(
        &request(&["1.0", "2.0", "3.0"], false),
        vec![(
            "src".into(),
            Some(vec![v("1.0", "r1"), v("2.0", "r2"), v("3.0", "r3-new")]),
        )],
        ("dst".into(), Some(vec![v("2.0", "r2"), v("3.0", "r3-old")])),
    );
    let r = preview(&input, PlanOptions::default()).unwrap();
    let failed: Vec<&str> = diff_candidates(&r)
        .iter()
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(failed, vec!["3.0"], "ALREADY_EXISTS gets a diff");

    let mut ow = input.clone();
    ow.request.allow_overwrite = Some(true);
    let r = preview(&ow, PlanOptions::default()).unwrap();
    let s = summarize(&r);
    assert_eq!((s.copy, s.overwrite, s.no_op, s.fail), (1, 1, 1, 0));
    let cands: Vec<&str> = diff_candidates(&r)
        .iter()
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(cands, vec!["3.0"]);
}

#[test]
fn absent_destination_package_is_a_view_that_does_not_exist() {
    let view = package_view("dst", None);
    assert!(!view.exists);
    assert!(view.versions.is_empty());
    assert!(package_view("dst", Some(vec![])).exists);
}

#[test]
fn upstreams_are_searched_depth_first_once() {
    let mut up = BTreeMap::new();
    up.insert("a".to_owned(), vec!["b".to_owned(), "c".to_owned()]);
    up.insert("b".to_owned(), vec!["d".to_owned(), "a".to_owned()]);
    up.insert("c".to_owned(), vec!["d".to_owned()]);
    assert_eq!(upstream_order("a", &up), vec!["a", "b", "d", "c"]);
    assert_eq!(upstream_order("z", &up), vec!["z"]);
}

#[test]
fn reports_merge_in_batch_order() {
    let a = report(true);
    let b = report(false);
    let n = a.versions.len() + b.versions.len();
    let merged = merge_reports(vec![a, b]).unwrap();
    assert_eq!(merged.versions.len(), n);
    assert!(merge_reports(vec![]).is_none());
}

#[test]
fn outcome_rows_follow_request_order_with_next_steps() {
    let mut result = PackageVersionsOutcome::default();
    result.successful_versions.insert(
        "2.0".into(),
        SuccessfulPackageVersionInfo {
            revision: "r2".into(),
            status: PackageVersionStatus::Published,
        },
    );
    result.failed_versions.insert(
        "10.0".into(),
        PackageVersionError {
            error_code: PackageVersionErrorCode::AlreadyExists,
            error_message: "exists".into(),
        },
    );
    let rows = outcome_rows(&["10.0".into(), "2.0".into()], &result);
    assert_eq!(rows[0].version, "10.0");
    assert_eq!(
        rows[0].error_code,
        Some(PackageVersionErrorCode::AlreadyExists)
    );
    assert!(next_step(PackageVersionErrorCode::AlreadyExists).contains("re-run with overwrite"));
    assert_eq!(rows[1].revision.as_deref(), Some("r2"));
    assert!(rows.iter().all(|r| !r.unchanged));

    // A requested version the result does not mention was identical: unchanged, re-run with
    // the others, and verified.
    let rows = outcome_rows(&["1.0".into(), "10.0".into(), "2.0".into()], &result);
    assert_eq!(rows.len(), 3);
    assert!(rows[0].unchanged && rows[0].error_code.is_none());
    assert_eq!(overwrite_retry_versions(&rows), ["1.0", "10.0"]);
    assert_eq!(verifiable_versions(&rows), ["1.0", "2.0"]);

    let mut total = PackageVersionsOutcome::default();
    merge_results(&mut total, result.clone());
    merge_results(&mut total, result);
    assert_eq!(
        total.successful_versions.len() + total.failed_versions.len(),
        2
    );
}

#[test]
fn verify_marks_equal_revisions() {
    let src = vec![v("1.0", "a"), v("2.0", "b"), v("3.0", "c")];
    let dst = vec![v("1.0", "a"), v("2.0", "x"), v("9.0", "z")];
    let rows = verify_rows(&["1.0".into(), "2.0".into(), "3.0".into()], &src, &dst);
    let verdicts: Vec<Verdict> = rows.iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        vec![Verdict::Verified, Verdict::Differs, Verdict::Missing]
    );
    let all = verify_rows(&[], &src, &dst);
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].verdict, Verdict::NotInSource);
}

#[test]
fn formats_times_and_sizes() {
    assert_eq!(format_epoch(0.0), "1970-01-01 00:00 UTC");
    assert_eq!(format_epoch(1_700_000_000.5), "2023-11-14 22:13 UTC");
    assert_eq!(format_epoch(951_782_400.0), "2000-02-29 00:00 UTC");
    assert_eq!(format_size(512), "512 B");
    assert_eq!(format_size(1536), "1.5 KiB");
    assert_eq!(format_size(5 * 1024 * 1024), "5.0 MiB");
}

#[test]
fn version_content_carries_metadata() {
    let d = PackageVersionDescription {
        summary: Some("s".into()),
        licenses: vec![wharf_core::api::LicenseInfo {
            name: Some("MIT".into()),
            url: None,
        }],
        ..Default::default()
    };
    let c = version_content(vec![], &d);
    assert_eq!(c.metadata.summary.as_deref(), Some("s"));
    assert_eq!(c.metadata.licenses[0].name.as_deref(), Some("MIT"));
}

#[test]
fn dist_tags_are_attached_by_repository() {
    let input = preview_input(
        &request(&["1.0"], false),
        vec![("src".into(), Some(vec![v("1.0", "r1")]))],
        ("dst".into(), None),
    );
    let mut tags = BTreeMap::new();
    tags.insert(
        "src".to_owned(),
        BTreeMap::from([("latest".to_owned(), "1.0".to_owned())]),
    );
    let input = with_dist_tags(input, &tags);
    assert_eq!(input.source[0].dist_tags["latest"], "1.0");
    assert!(input.destination.dist_tags.is_empty());
}

#[test]
fn failed_rows_get_the_revisions_the_repositories_hold() {
    let mut report = CopyPlanReport {
        result: Default::default(),
        versions: vec![PlannedVersion {
            version: "2.0".into(),
            action: PlannedAction::Fail,
            from_repository: None,
            revision: None,
            destination_revision: None,
            error: None,
        }],
        dist_tags: Vec::new(),
    };
    let sources = vec![
        ("staging".to_owned(), None),
        ("upstream".to_owned(), Some(vec![v("2.0", "src")])),
    ];
    fill_revisions(&mut report, &sources, &Some(vec![v("2.0", "dst")]));
    assert_eq!(report.versions[0].revision.as_deref(), Some("src"));
    assert_eq!(
        report.versions[0].destination_revision.as_deref(),
        Some("dst")
    );
}
