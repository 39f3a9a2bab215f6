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
    assert!(
        !s.copy.touched.contains(&FormField::Source),
        "no error while the user is still typing"
    );
    let s = reduce(s, vec![Action::Touch(FormField::Source)]);
    assert!(
        s.copy.touched.contains(&FormField::Source),
        "shown once the user left the input"
    );
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
    assert!(s.copy.visible_errors().is_empty(), "nothing while typing");
    let s = reduce(s, vec![Action::Touch(FormField::Domain)]);
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
        vec![
            Action::RunStarted(vec![
                vec!["1.0".into()],
                vec!["2.0".into()],
                vec!["3.0".into()],
            ]),
            Action::BatchDone(result.clone()),
        ],
    );
    assert!(s.copy.running());
    let run = s.copy.run.clone().unwrap();
    assert_eq!((run.done(), run.total(), run.finished), (1, 3, false));
    let s = reduce(
        s,
        vec![
            Action::CancelRun,
            Action::RunEnded(Some("cancelled".into())),
        ],
    );
    let run = s.copy.run.clone().unwrap();
    assert!(run.cancel_requested && run.finished);
    assert_eq!(run.calls[0].state, CallState::Answered(result));
    // The calls never sent are not attempted, not forgotten.
    assert_eq!(run.calls[1].state, CallState::NotAttempted);
    assert_eq!(run.calls[2].state, CallState::NotAttempted);
    assert!(!s.copy.running());

    let s = reduce(s, vec![Action::RetryWithOverwrite(vec!["1.0".into()])]);
    assert!(s.copy.form.overwrite);
    assert_eq!(s.copy.form.versions, "1.0");
    assert!(s.copy.run.is_none());
    assert_eq!(s.copy.plan, Task::Idle);
    assert!(s.copy.replan, "the retry plans again by itself");
}

#[test]
fn all_batches_finish_the_run() {
    let s = reduce(
        AppState::new(Some(session()), Route::Domains),
        vec![
            Action::RunStarted(vec![vec!["1".into()], vec!["2".into()]]),
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
            Action::RunStarted(vec![vec!["1".into()]]),
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

fn plan_view(form: &CopyForm) -> Rc<PlanView> {
    Rc::new(PlanView {
        form: form.clone(),
        report: CopyPlanReport {
            result: Default::default(),
            versions: Vec::new(),
            dist_tags: Vec::new(),
        },
        batches: Vec::new(),
        permission: Permission::Allowed,
        diffs: Vec::new(),
    })
}

#[test]
fn a_plan_is_current_only_for_the_form_it_was_made_for() {
    let form = CopyForm {
        versions: "1.0".into(),
        ..CopyForm::default()
    };
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(form.clone())),
        vec![Action::PlanStarted, Action::PlanLoaded(plan_view(&form))],
    );
    assert!(s.copy.current_plan().is_some());
    assert_eq!(s.copy.focus.map(|f| f.0), Some(ResultHeading::Plan));
    let s = reduce(
        s,
        vec![Action::Edit(FormField::Versions, "1.0, 2.0".into())],
    );
    assert!(
        s.copy.current_plan().is_none(),
        "the form changed since the plan"
    );
}

#[test]
fn a_run_spends_the_plan_and_moves_the_focus_to_the_outcome() {
    let form = CopyForm {
        versions: "1.0".into(),
        ..CopyForm::default()
    };
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(form.clone())),
        vec![Action::PlanLoaded(plan_view(&form))],
    );
    let before = s.copy.focus.unwrap().1;
    let s = reduce(s, vec![Action::RunStarted(vec![vec!["1.0".into()]])]);
    assert_eq!(s.copy.plan, Task::Idle, "no stale plan next to the outcome");
    assert_eq!(s.copy.focus.map(|f| f.0), Some(ResultHeading::Outcome));
    assert_ne!(s.copy.focus.unwrap().1, before);
}

#[test]
fn a_failed_call_stops_the_run_and_the_rest_is_not_attempted() {
    let s = reduce(
        AppState::new(Some(session()), Route::Domains),
        vec![
            Action::RunStarted(vec![vec!["1".into()], vec!["2".into()], vec!["3".into()]]),
            Action::BatchDone(Default::default()),
            Action::BatchFailed {
                message: "network".into(),
                unknown: true,
            },
        ],
    );
    let run = s.copy.run.clone().unwrap();
    assert!(run.finished);
    assert_eq!(run.calls[1].state, CallState::Unknown("network".into()));
    assert_eq!(run.calls[2].state, CallState::NotAttempted);
    assert_eq!(run.stopped.as_deref(), Some("network"));
    let refused = reduce(
        AppState::new(Some(session()), Route::Domains),
        vec![
            Action::RunStarted(vec![vec!["1".into()]]),
            Action::BatchFailed {
                message: "denied".into(),
                unknown: false,
            },
        ],
    );
    assert_eq!(
        refused.copy.run.unwrap().calls[0].state,
        CallState::Refused("denied".into())
    );
}

#[test]
fn resume_and_leave_out_narrow_the_form_and_plan_again() {
    let form = CopyForm {
        versions: "1.0\n2.0\n3.0".into(),
        ..CopyForm::default()
    };
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(form)),
        vec![Action::LeaveOut(vec!["2.0".into()])],
    );
    assert_eq!(s.copy.form.versions, "1.0\n3.0");
    assert!(s.copy.replan);
    let s = reduce(
        s,
        vec![
            Action::PlanStarted,
            Action::RunStarted(vec![vec!["1.0".into(), "3.0".into()]]),
            Action::Resume(vec!["3.0".into()]),
        ],
    );
    assert_eq!(s.copy.form.versions, "3.0");
    assert!(s.copy.run.is_none() && s.copy.replan);
    match &s.route {
        Route::Copy(f) => assert_eq!(f.versions, "3.0", "the address bar follows"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rerun_with_overwrite_asks_for_confirmation_once_its_plan_lands() {
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![Action::RetryWithOverwrite(vec!["1.0".into()])],
    );
    assert!(
        s.copy.confirm_after_plan,
        "the plan leads straight to the confirmation"
    );
    let s = reduce(s, vec![Action::ConfirmShown]);
    assert!(!s.copy.confirm_after_plan, "asked once");
    let s = reduce(
        s,
        vec![
            Action::RetryWithOverwrite(vec!["1.0".into()]),
            Action::PlanStarted,
            Action::PlanFailed("down".into()),
        ],
    );
    assert!(!s.copy.confirm_after_plan, "no confirmation without a plan");
}

#[test]
fn a_plan_link_asks_for_a_plan_and_verify_edits_keep_the_verify_view() {
    let s = reduce(
        AppState::new(Some(session()), Route::Copy(CopyForm::default())),
        vec![Action::RequestPlan],
    );
    assert!(s.copy.replan);
    let s = reduce(s, vec![Action::RunStarted(vec![vec!["1".into()]])]);
    assert!(
        !s.copy.replan,
        "a run never plans again by itself when it ends"
    );
    let form = CopyForm {
        domain: "d".into(),
        source: "staging".into(),
        overwrite: true,
        ..CopyForm::default()
    };
    let s = reduce(
        AppState::new(Some(session()), Route::Verify(CopyForm::default())),
        vec![Action::SetForm(form)],
    );
    match &s.route {
        Route::Verify(f) => {
            assert_eq!(f.source, "staging");
            assert!(!f.overwrite, "a verify link never carries overwrite");
        }
        other => panic!("left the verify view: {other:?}"),
    }
}
