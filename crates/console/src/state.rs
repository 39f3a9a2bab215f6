//! The application store: one [`AppState`] changed only through [`Action`]s by a pure reducer
//! (`impl Reducible`), so every transition is unit-tested natively.
//!
//! The store keeps what must survive navigation: the session, the current route, the copy
//! form with its plan and run, and a notice. Lists shown by the browse views are page-local.

use crate::form::{CopyForm, FormErrors, FormField};
use crate::plan::merge_results;
use crate::route::Route;
use std::collections::BTreeSet;
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
}

/// A dry run: the plan of the form as it was when planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    /// The form the plan was computed for.
    pub form: CopyForm,
    /// The planner's report (all batches joined).
    pub report: CopyPlanReport,
    /// Diffs of the versions that differ.
    pub diffs: Vec<DiffEntry>,
}

/// A copy in progress or finished.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunProgress {
    /// The form being run.
    pub form: CopyForm,
    /// How many CopyPackageVersions calls the run makes.
    pub total: usize,
    /// How many have answered.
    pub done: usize,
    /// Everything the answered calls returned.
    pub result: CopyPackageVersionsResult,
    /// The user asked to stop after the current call.
    pub cancel_requested: bool,
    /// No more calls will be made.
    pub finished: bool,
    /// Why the run stopped early (cancelled or an error), if it did.
    pub stopped: Option<String>,
}

/// The copy workflow: form, plan and run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CopyState {
    /// What the user typed.
    pub form: CopyForm,
    /// Inputs the user has edited (their errors are shown).
    pub touched: BTreeSet<FormField>,
    /// The user tried to plan or run (every error is shown).
    pub submitted: bool,
    /// The dry run.
    pub plan: Task<Rc<PlanView>>,
    /// The copy run.
    pub run: Option<RunProgress>,
}

impl CopyState {
    /// The errors to show: those of touched fields, or all after a submit attempt.
    pub fn visible_errors(&self) -> FormErrors {
        let mut errors = self.form.validate();
        if !self.submitted {
            errors.retain(|f, _| self.touched.contains(f));
        }
        errors
    }

    /// Whether a run is going on.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.finished)
    }
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
        if let Route::Copy(_) = self.route {
            self.route = Route::Copy(self.copy.form.clone());
        }
    }
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
    /// A run of `total` calls started.
    RunStarted(usize),
    /// One call of the run answered.
    BatchDone(CopyPackageVersionsResult),
    /// The user asked to stop the run.
    CancelRun,
    /// The run ended, early with the reason if given.
    RunEnded(Option<String>),
    /// Re-plan these versions with overwrite on (the outcome's "review the diff" button).
    RetryWithOverwrite(Vec<String>),
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
            Action::Edit(field, value) => s.edit(Some(field), |f| match field {
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
            Action::PlanStarted => s.copy.plan = Task::Running,
            Action::PlanLoaded(view) => s.copy.plan = Task::Done(view),
            Action::PlanFailed(why) => s.copy.plan = Task::Failed(why),
            Action::RunStarted(total) => {
                s.copy.run = Some(RunProgress {
                    form: s.copy.form.clone(),
                    total,
                    ..RunProgress::default()
                })
            }
            Action::BatchDone(result) => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.done += 1;
                    merge_results(&mut run.result, result);
                    run.finished = run.done >= run.total;
                }
            }
            Action::CancelRun => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.cancel_requested = true;
                }
            }
            Action::RunEnded(reason) => {
                if let Some(run) = s.copy.run.as_mut() {
                    run.finished = true;
                    run.stopped = reason;
                }
            }
            Action::RetryWithOverwrite(versions) => {
                s.edit(None, |f| {
                    f.overwrite = true;
                    f.versions = versions.join("\n");
                });
                s.copy.run = None;
                s.copy.plan = Task::Idle;
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests;
