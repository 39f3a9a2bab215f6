use super::*;
use wharf_core::api::{PackageVersionError, PackageVersionErrorCode, PackageVersionsOutcome};

fn reduce(state: AppState, actions: Vec<Action>) -> AppState {
    let mut s = Rc::new(state);
    for a in actions {
        s = s.reduce(a);
    }
    (*s).clone()
}

fn session() -> Session {
    Session {
        endpoint: "http://127.0.0.1:7878".into(),
        token: "t".into(),
    }
}

#[test]
fn sign_in_leaves_the_sign_in_view_and_sign_out_keeps_the_form() {
    let s = reduce(
        AppState::new(None, Route::SignIn),
        vec![
            Action::Edit(FormField::Domain, "typed".into()),
            Action::SignIn(session()),
        ],
    );
    assert_eq!(s.route, Route::Domains);
    assert_eq!(s.session, Some(session()));
    let s = reduce(s, vec![Action::SignOut(Some("expired".into()))]);
    assert_eq!(s.session, None);
    assert_eq!(s.notice.as_ref().map(|n| n.error), Some(true));
    assert_eq!(s.copy.form.domain, "typed", "what the user typed survives");
}

#[test]
fn copy_links_fill_the_form_and_edits_update_the_route() {
    let form = CopyForm {
        domain: "d".into(),
        ..CopyForm::default()
    };
    let s = AppState::new(Some(session()), Route::Copy(form.clone()));
    assert_eq!(s.copy.form, form);
    let s = reduce(s, vec![Action::Edit(FormField::Source, "src".into())]);
    assert_eq!(s.copy.form.source, "src");
    assert!(s.copy.touched.contains(&FormField::Source));
    match &s.route {
        Route::Copy(f) => assert_eq!(f.source, "src"),
        other => panic!("{other:?}"),
    }
    // Navigating elsewhere and back keeps the form.
    let s = reduce(
        s,
        vec![
            Action::Navigate(Route::Domains),
            Action::Navigate(Route::Copy(CopyForm {
                source: "src".into(),
                ..form
            })),
        ],
    );
    assert_eq!(s.copy.form.source, "src");
}

#[test]
fn only_touched_fields_show_errors_until_submit() {
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![Action::Edit(FormField::Domain, "Bad_Domain".into())],
    );
    let visible = s.copy.visible_errors();
    assert!(visible.contains_key(&FormField::Domain));
    assert!(!visible.contains_key(&FormField::Package));
    let s = reduce(s, vec![Action::Submit]);
    assert!(s.copy.visible_errors().contains_key(&FormField::Package));
}

#[test]
fn checkboxes_and_version_toggles_edit_the_form() {
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![
            Action::SetOverwrite(true),
            Action::SetUpstream(true),
            Action::ToggleVersion("1.0".into()),
            Action::ToggleVersion("2.0".into()),
            Action::ToggleVersion("1.0".into()),
        ],
    );
    assert!(s.copy.form.overwrite && s.copy.form.upstream);
    assert_eq!(s.copy.form.versions, "2.0");
}

#[test]
fn a_run_counts_batches_merges_results_and_can_be_cancelled() {
    let mut result = PackageVersionsOutcome::default();
    result.failed_versions.insert(
        "1.0".into(),
        PackageVersionError {
            error_code: PackageVersionErrorCode::AlreadyExists,
            error_message: "x".into(),
        },
    );
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![Action::RunStarted(3), Action::BatchDone(result.clone())],
    );
    assert!(s.copy.running());
    let run = s.copy.run.clone().unwrap();
    assert_eq!((run.done, run.total, run.finished), (1, 3, false));
    let s = reduce(
        s,
        vec![
            Action::CancelRun,
            Action::RunEnded(Some("cancelled".into())),
        ],
    );
    let run = s.copy.run.clone().unwrap();
    assert!(run.cancel_requested && run.finished);
    assert_eq!(run.result.failed_versions.len(), 1);
    assert!(!s.copy.running());

    let s = reduce(s, vec![Action::RetryWithOverwrite(vec!["1.0".into()])]);
    assert!(s.copy.form.overwrite);
    assert_eq!(s.copy.form.versions, "1.0");
    assert!(s.copy.run.is_none());
    assert_eq!(s.copy.plan, Task::Idle);
}

#[test]
fn all_batches_finish_the_run() {
    let s = reduce(
        AppState::new(Some(session()), Route::Domains),
        vec![
            Action::RunStarted(2),
            Action::BatchDone(Default::default()),
            Action::BatchDone(Default::default()),
        ],
    );
    assert!(s.copy.run.unwrap().finished);
}

#[test]
fn plan_lifecycle_and_notices() {
    let s = reduce(
        AppState::new(Some(session()), Route::Domains),
        vec![
            Action::PlanStarted,
            Action::PlanFailed("boom".into()),
            Action::Notify(Notice {
                error: false,
                text: "hi".into(),
            }),
        ],
    );
    assert_eq!(s.copy.plan, Task::Failed("boom".into()));
    assert!(s.notice.is_some());
    let s = reduce(s, vec![Action::Dismiss]);
    assert!(s.notice.is_none());
}

#[test]
fn a_link_to_another_copy_starts_afresh() {
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![
            Action::Edit(FormField::Domain, "a".into()),
            Action::Submit,
            Action::PlanFailed("x".into()),
            Action::RunStarted(1),
            Action::BatchDone(Default::default()),
        ],
    );
    let same = reduce(
        s.clone(),
        vec![Action::Navigate(Route::Copy(s.copy.form.clone()))],
    );
    assert!(
        same.copy.submitted && same.copy.run.is_some(),
        "same form: nothing lost"
    );
    let other = reduce(
        s,
        vec![Action::Navigate(Route::Copy(CopyForm {
            domain: "other".into(),
            ..CopyForm::default()
        }))],
    );
    assert!(!other.copy.submitted);
    assert!(other.copy.touched.is_empty());
    assert_eq!(other.copy.plan, Task::Idle);
    assert!(other.copy.run.is_none());
}
