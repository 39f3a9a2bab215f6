//! The application store: one [`AppState`] changed only through [`Action`]s by a pure reducer
//! (`impl Reducible`), so every transition is unit-tested natively.
//!
//! The store keeps what must survive navigation: the session, the current route, the copy
//! form with its plan and run, and a notice. Lists shown by the browse views are page-local.

mod copy;

use crate::form::{CopyForm, FormField};
use crate::route::Route;
pub use crate::run::{CallState, RunCall, RunProgress};
pub use copy::CopyState;
use std::rc::Rc;
use wharf_core::api::{CopyPackageVersionsResult, CopyPlanReport};
use wharf_core::revision::VersionDiff;
use yew::Reducible;

/// The endpoint and token the console calls the service with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The service's base URL, without a trailing slash.
    pub endpoint: String,
    /// The bearer token (from GetAuthorizationToken).
    pub token: String,
}

/// A message shown above the current view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// True for errors, false for information.
    pub error: bool,
    /// The text.
    pub text: String,
}

/// Background work that yields a `T`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Task<T> {
    /// Not started.
    #[default]
    Idle,
    /// In progress.
    Running,
    /// Finished.
    Done(T),
    /// Failed with this message.
    Failed(String),
}

/// The diff of one version that differs between source and destination.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffEntry {
    /// The version.
    pub version: String,
    /// The diff from the destination's version (before) to the source's (after), or why it
    /// could not be computed.
    pub diff: Result<VersionDiff, String>,
    /// The hash values that differ, per changed asset.
    pub hashes: Vec<crate::diff::HashChange>,
}

/// Whether the token may copy into the destination, as the plan found out without writing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Permission {
    /// The service would let the copy through.
    #[default]
    Allowed,
    /// The service refuses it: the `AccessDeniedException` message.
    Denied(String),
    /// The check itself failed (the service's answer, as text).
    Unknown(String),
}

/// A dry run: the plan of the form as it was when planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    /// The form the plan was computed for.
    pub form: CopyForm,
    /// The planner's report (all batches joined).
    pub report: CopyPlanReport,
    /// The report of each CopyPackageVersions call the run would make, in call order.
    pub batches: Vec<CopyPlanReport>,
    /// Whether the token may copy into the destination.
    pub permission: Permission,
    /// Diffs of the versions that differ.
    pub diffs: Vec<DiffEntry>,
}

/// The heading that gets the focus when a result appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultHeading {
    /// The plan's heading.
    Plan,
    /// The outcome's heading.
    Outcome,
}

/// Everything the console remembers.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The signed-in session.
    pub session: Option<Session>,
    /// The view shown.
    pub route: Route,
    /// A message above the view.
    pub notice: Option<Notice>,
    /// The copy workflow.
    pub copy: CopyState,
}

impl AppState {
    /// The state at start-up.
    pub fn new(session: Option<Session>, route: Route) -> Self {
        let mut state = AppState {
            session,
            route: Route::Domains,
            notice: None,
            copy: CopyState::default(),
        };
        state.go(route);
        state
    }

    fn go(&mut self, route: Route) {
        // A link to a different copy starts a new task: forget the old plan and errors (and
        // the old outcome, unless that run is still going).
        if let Route::Copy(form) | Route::Verify(form) = &route
            && *form != self.copy.form
        {
            self.copy.form = form.clone();
            self.copy.touched.clear();
            self.copy.submitted = false;
            self.copy.plan = Task::Idle;
            if !self.copy.running() {
                self.copy.run = None;
            }
        }
        self.route = route;
    }

    fn edit(&mut self, field: Option<FormField>, change: impl FnOnce(&mut CopyForm)) {
        change(&mut self.copy.form);
        if let Some(f) = field {
            self.copy.touched.insert(f);
        }
        match self.route {
            Route::Copy(_) => self.route = Route::Copy(self.copy.form.clone()),
            // A verify never writes: its link carries no overwrite.
            Route::Verify(_) => {
                self.route = Route::Verify(CopyForm {
                    overwrite: false,
                    ..self.copy.form.clone()
                })
            }
            _ => {}
        }
    }
}

/// Typing shows no errors until the user leaves the input (or submits); only a choice made
/// in one go (the format) counts as touched at once.
fn field_touched_by_edit(field: FormField) -> Option<FormField> {
    (field == FormField::Format).then_some(field)
}

/// Every change to the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The user signed in.
    SignIn(Session),
    /// End the session, with the reason to show (an expired or refused token).
    SignOut(Option<String>),
    /// Show another view.
    Navigate(Route),
    /// Show a notice.
    Notify(Notice),
    /// Hide the notice.
    Dismiss,
    /// The user typed into a form input.
    Edit(FormField, String),
    /// The user left a form input: its errors show from now on.
    Touch(FormField),
    /// The "allow overwrite" checkbox.
    SetOverwrite(bool),
    /// The "include from upstream" checkbox.
    SetUpstream(bool),
    /// A version checkbox of the source's list.
    ToggleVersion(String),
    /// Replace the whole form (deep link, "copy these" links).
    SetForm(CopyForm),
    /// The user asked to plan or run: show every error.
    Submit,
    /// A dry run started.
    PlanStarted,
    /// A dry run finished.
    PlanLoaded(Rc<PlanView>),
    /// A dry run failed.
    PlanFailed(String),
    /// A run started: the versions of each call, in call order.
    RunStarted(Vec<Vec<String>>),
    /// The current call of the run answered.
    BatchDone(CopyPackageVersionsResult),
    /// The run's promotion (a copy of more than 100 versions) was recorded under this id.
    PromotionRecorded(String),
    /// The current call of the run failed: refused by the service (`unknown: false`, nothing
    /// written) or without an answer (`unknown: true`). The run stops.
    BatchFailed {
        /// What went wrong.
        message: String,
        /// No answer came, so whether the call copied is unknown.
        unknown: bool,
    },
    /// The user asked to stop the run.
    CancelRun,
    /// The run ended, early with the reason if given.
    RunEnded(Option<String>),
    /// Re-plan these versions with overwrite on (the outcome's "review the diff" button).
    RetryWithOverwrite(Vec<String>),
    /// Plan again for these versions only ("Resume the rest" after a partial run).
    Resume(Vec<String>),
    /// Take these versions out of the form and plan again ("leave out the conflicting").
    LeaveOut(Vec<String>),
    /// Plan the form as soon as the view can (a plan link, `#/copy?...&plan=1`).
    RequestPlan,
    /// The confirmation asked for by [`CopyState::confirm_after_plan`] is on screen.
    ConfirmShown,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SignIn(session) => {
                s.session = Some(session);
                s.notice = None;
                if s.route == Route::SignIn {
                    s.route = Route::Domains;
                }
            }
            Action::SignOut(reason) => {
                s.session = None;
                s.notice = reason.map(|text| Notice { error: true, text });
            }
            Action::Navigate(route) => s.go(route),
            Action::Notify(n) => s.notice = Some(n),
            Action::Dismiss => s.notice = None,
            Action::Touch(field) => {
                s.copy.touched.insert(field);
            }
            Action::Edit(field, value) => s.edit(field_touched_by_edit(field), |f| match field {
                FormField::Domain => f.domain = value,
                FormField::Source => f.source = value,
                FormField::Destination => f.destination = value,
                FormField::Format => f.format = value,
                FormField::Namespace => f.namespace = value,
                FormField::Package => f.package = value,
                FormField::Versions => f.versions = value,
                FormField::General => {}
            }),
            Action::SetOverwrite(on) => s.edit(None, |f| f.overwrite = on),
            Action::SetUpstream(on) => s.edit(None, |f| f.upstream = on),
            Action::ToggleVersion(v) => s.edit(Some(FormField::Versions), |f| f.toggle_version(&v)),
            Action::SetForm(form) => s.edit(None, |f| *f = form),
            Action::Submit => s.copy.submitted = true,
            Action::PlanStarted => {
                s.copy.plan = Task::Running;
                s.copy.replan = false;
            }
            Action::PlanLoaded(view) => {
                if !crate::verdict::plan_verdict(&view).passes {
                    s.copy.confirm_after_plan = false;
                }
                s.copy.plan = Task::Done(view);
                s.copy.focus_on(ResultHeading::Plan);
            }
            Action::PlanFailed(why) => {
                s.copy.confirm_after_plan = false;
                s.copy.plan = Task::Failed(why);
                s.copy.focus_on(ResultHeading::Plan);
            }
            Action::RunStarted(batches) => {
                s.copy.run = Some(RunProgress {
                    form: s.copy.form.clone(),
                    calls: batches
                        .into_iter()
                        .map(|versions| RunCall {
                            versions,
                            state: CallState::Waiting,
                        })
                        .collect(),
                    ..RunProgress::default()
                });
                // The plan is spent: the outcome replaces it (and nothing plans again by itself).
                s.copy.plan = Task::Idle;
                s.copy.replan = false;
                s.copy.focus_on(ResultHeading::Outcome);
            }
            Action::BatchDone(result) => {
                if let Some(run) = s.copy.run.as_mut() {
                    if let Some(call) = run.next_waiting() {
                        call.state = CallState::Answered(result);
                    }
                    if run.calls.iter().all(|c| c.state != CallState::Waiting) {
                        run.finished = true;
                        s.copy.focus_on(ResultHeading::Outcome);
                    }
                }
            }
            Action::PromotionRecorded(id) => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.promotion_id = Some(id);
                }
            }
            Action::BatchFailed { message, unknown } => {
                if let Some(run) = s.copy.run.as_mut() {
                    if let Some(call) = run.next_waiting() {
                        call.state = if unknown {
                            CallState::Unknown(message.clone())
                        } else {
                            CallState::Refused(message.clone())
                        };
                    }
                    run.stop(Some(message));
                    s.copy.focus_on(ResultHeading::Outcome);
                }
            }
            Action::CancelRun => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.cancel_requested = true;
                }
            }
            Action::RunEnded(reason) => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.stop(reason);
                    s.copy.focus_on(ResultHeading::Outcome);
                }
            }
            Action::RetryWithOverwrite(versions) => {
                let base = s.copy.run.as_ref().map_or(&s.copy.form, |r| &r.form);
                let mut form = base.with_versions(&versions);
                form.overwrite = true;
                s.copy.start_over(form);
                s.copy.confirm_after_plan = true;
                s.edit(None, |_| {});
            }
            Action::Resume(versions) => {
                let base = s.copy.run.as_ref().map_or(&s.copy.form, |r| &r.form);
                let form = base.with_versions(&versions);
                s.copy.start_over(form);
                s.edit(None, |_| {});
            }
            Action::LeaveOut(versions) => {
                let keep: Vec<String> = s
                    .copy
                    .form
                    .requested_versions()
                    .into_iter()
                    .filter(|v| !versions.contains(v))
                    .collect();
                let form = s.copy.form.with_versions(&keep);
                s.copy.start_over(form);
                s.edit(None, |_| {});
            }
            // A plan link for the plan already shown asks for nothing.
            Action::RequestPlan => s.copy.replan = s.copy.current_plan().is_none(),
            Action::ConfirmShown => s.copy.confirm_after_plan = false,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests;
