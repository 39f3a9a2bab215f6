use super::*;
use crate::form::CopyForm;
use crate::state::{Permission, PlanView};
use wharf_core::api::{CopyPlanReport, PackageVersionError, PlannedVersion};

fn row(
    version: &str,
    action: PlannedAction,
    code: Option<PackageVersionErrorCode>,
) -> PlannedVersion {
    PlannedVersion {
        version: version.to_owned(),
        action,
        from_repository: None,
        revision: None,
        destination_revision: None,
        error: code.map(|error_code| PackageVersionError {
            error_code,
            error_message: "m".into(),
        }),
    }
}

fn report(rows: Vec<PlannedVersion>) -> CopyPlanReport {
    CopyPlanReport {
        result: Default::default(),
        versions: rows,
        dist_tags: Vec::new(),
    }
}

fn view(batches: Vec<CopyPlanReport>, permission: Permission) -> PlanView {
    let mut all = batches[0].clone();
    for b in &batches[1..] {
        all.versions.extend(b.versions.clone());
    }
    PlanView {
        form: CopyForm {
            destination: "release".into(),
            ..CopyForm::default()
        },
        report: all,
        batches,
        permission,
        diffs: Vec::new(),
    }
}

#[test]
fn a_passing_plan_says_what_run_will_do() {
    let mut rows: Vec<PlannedVersion> = (0..160)
        .map(|i| row(&format!("1.0.{i}"), PlannedAction::Copy, None))
        .collect();
    rows.push(row("2.0.0", PlannedAction::Overwrite, None));
    rows.push(row("3.0.0", PlannedAction::NoOp, None));
    let v = plan_verdict(&view(vec![report(rows)], Permission::Allowed));
    assert!(v.passes);
    assert_eq!(
        v.action.as_deref(),
        Some("Copy 160 and overwrite 1 into release")
    );
    assert!(
        v.headline
            .starts_with("Ready: 161 version(s) would be copied")
    );
}

#[test]
fn nothing_to_copy_and_a_failure_turn_run_off() {
    let noop = plan_verdict(&view(
        vec![report(vec![row("1.0.0", PlannedAction::NoOp, None)])],
        Permission::Allowed,
    ));
    assert!(!noop.passes && noop.headline.starts_with("Nothing to copy"));
    let fail = plan_verdict(&view(
        vec![report(vec![
            row(
                "1.0.0",
                PlannedAction::Fail,
                Some(PackageVersionErrorCode::Skipped),
            ),
            row(
                "2.0.0",
                PlannedAction::Fail,
                Some(PackageVersionErrorCode::AlreadyExists),
            ),
        ])],
        Permission::Allowed,
    ));
    assert!(!fail.passes);
    assert!(fail.headline.contains("would not go through"));
    assert_eq!(
        fail.conflicting,
        vec!["2.0.0".to_owned()],
        "SKIPPED is not a conflict"
    );
}

#[test]
fn a_batched_plan_explains_each_call() {
    let batch = |from: usize, to: usize, conflict: Option<usize>| {
        report(
            (from..to)
                .map(|i| match conflict {
                    Some(c) if c == i => row(
                        &format!("1.0.{i}"),
                        PlannedAction::Fail,
                        Some(PackageVersionErrorCode::AlreadyExists),
                    ),
                    Some(_) => row(
                        &format!("1.0.{i}"),
                        PlannedAction::Fail,
                        Some(PackageVersionErrorCode::Skipped),
                    ),
                    None => row(&format!("1.0.{i}"), PlannedAction::Copy, None),
                })
                .collect(),
        )
    };
    let v = plan_verdict(&view(
        vec![
            batch(0, 100, None),
            batch(100, 200, Some(150)),
            batch(200, 261, None),
        ],
        Permission::Allowed,
    ));
    assert!(!v.passes);
    assert!(
        v.headline.contains("1 of its 3 calls would fail"),
        "{}",
        v.headline
    );
    assert_eq!(v.details.len(), 3);
    assert_eq!(
        v.details[0],
        "Call 1 of 3 (1.0.0 – 1.0.99, 100 versions): would copy 100."
    );
    assert_eq!(
        v.details[1],
        "Call 2 of 3 (1.0.100 – 1.0.199, 100 versions): would fail: 1.0.150 ALREADY_EXISTS; its other 99 version(s) would be SKIPPED."
    );
    assert_eq!(v.conflicting, vec!["1.0.150".to_owned()]);
}

#[test]
fn a_token_that_may_not_copy_is_told_at_the_plan() {
    let v = plan_verdict(&view(
        vec![report(vec![row("1.0.0", PlannedAction::Copy, None)])],
        Permission::Denied("User: arn:aws:iam::000000000000:user/reader is not authorized".into()),
    ));
    assert!(!v.passes);
    assert!(v.headline.starts_with("You may not copy into release"));
    assert!(v.headline.contains("user/reader"));
    assert_eq!(v.action, None);
}
