use super::*;
use wharf_core::api::{PackageVersionError, SuccessfulPackageVersionInfo};

fn versions(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("1.0.{i}")).collect()
}

fn copied(vs: &[String]) -> CopyPackageVersionsResult {
    let mut r = CopyPackageVersionsResult::default();
    for v in vs {
        r.successful_versions.insert(
            v.clone(),
            SuccessfulPackageVersionInfo {
                revision: format!("rev-{v}"),
                status: PackageVersionStatus::Published,
            },
        );
    }
    r
}

fn run(calls: Vec<(Vec<String>, CallState)>, finished: bool) -> RunProgress {
    RunProgress {
        calls: calls
            .into_iter()
            .map(|(versions, state)| RunCall { versions, state })
            .collect(),
        finished,
        ..RunProgress::default()
    }
}

#[test]
fn a_network_failure_in_the_middle_call_is_unknown_and_the_rest_not_attempted() {
    // 261 versions in three calls: the first copied, the second got no answer.
    let (a, b, c) = (versions(0..100), versions(100..200), versions(200..261));
    let r = run(
        vec![
            (a.clone(), CallState::Answered(copied(&a))),
            (
                b,
                CallState::Unknown("the service could not be reached".into()),
            ),
            (c, CallState::NotAttempted),
        ],
        true,
    );
    let rows = run_rows(&r);
    assert_eq!(rows.len(), 261, "every requested version is listed");
    assert_eq!(count(&rows, RowState::Copied), 100);
    assert_eq!(count(&rows, RowState::Unknown), 100);
    assert_eq!(count(&rows, RowState::NotAttempted), 61);
    assert_eq!(rows[150].call, 2);
    let resume = resume_versions(&rows);
    assert_eq!(resume.len(), 161);
    assert_eq!(resume[0], "1.0.100");
    // Verify checks what was copied and what may have been.
    assert_eq!(verify_versions(&rows).len(), 200);
    let lines = call_lines(&r);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        "Call 1 of 3 (1.0.0 – 1.0.99, 100 versions): answered: 100 copied, 0 failed"
    );
    assert!(
        lines[1].contains("whether it copied is unknown"),
        "{}",
        lines[1]
    );
    assert!(lines[2].ends_with("not attempted"), "{}", lines[2]);
    let summary = run_summary(
        &RunProgress {
            stopped: Some("x".into()),
            ..r
        },
        &rows,
    );
    assert_eq!(
        summary,
        "Stopped after 2 of 3 call(s). 261 versions: 100 copied, 100 result unknown, 61 not attempted."
    );
}

#[test]
fn a_cancel_after_an_all_identical_call_still_shows_its_outcome() {
    let (a, b) = (versions(0..100), versions(100..120));
    let r = RunProgress {
        stopped: Some("cancelled after 1 of 2 calls".into()),
        ..run(
            vec![
                (a, CallState::Answered(CopyPackageVersionsResult::default())),
                (b, CallState::NotAttempted),
            ],
            true,
        )
    };
    let rows = run_rows(&r);
    assert_eq!(count(&rows, RowState::Unchanged), 100);
    assert_eq!(count(&rows, RowState::NotAttempted), 20);
}

#[test]
fn skipped_is_blocked_not_failed_and_a_refused_call_wrote_nothing() {
    let vs = vec!["1.0.0".to_owned(), "2.0.0".to_owned()];
    let mut result = CopyPackageVersionsResult::default();
    result.failed_versions.insert(
        "1.0.0".into(),
        PackageVersionError {
            error_code: PackageVersionErrorCode::Skipped,
            error_message: "skipped".into(),
        },
    );
    result.failed_versions.insert(
        "2.0.0".into(),
        PackageVersionError {
            error_code: PackageVersionErrorCode::AlreadyExists,
            error_message: "exists".into(),
        },
    );
    let rows = run_rows(&run(vec![(vs.clone(), CallState::Answered(result))], true));
    assert_eq!(rows[0].state, RowState::Blocked);
    assert_eq!(rows[1].state, RowState::Failed);
    assert_eq!(overwrite_retry_versions(&rows), vs);
    assert!(resume_versions(&rows).is_empty());
    let refused = run_rows(&run(vec![(vs, CallState::Refused("denied".into()))], true));
    assert!(refused.iter().all(|r| r.state == RowState::Refused));
    assert_eq!(resume_versions(&refused).len(), 2);
    assert!(verify_versions(&refused).is_empty());
}

#[test]
fn the_verify_link_never_carries_overwrite() {
    let r = RunProgress {
        form: CopyForm {
            overwrite: true,
            versions: "1.0.0".into(),
            ..CopyForm::default()
        },
        ..RunProgress::default()
    };
    let f = verify_form(&r, &["1.0.0".to_owned()]);
    assert!(!f.overwrite);
    assert_eq!(f.versions, "1.0.0");
}
