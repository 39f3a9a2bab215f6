//! The copy workflow's part of the store: the form, which inputs show their errors, the plan,
//! the run, and what the view should do next (plan again, move the focus, confirm).

use super::{PlanView, ResultHeading, Task};
use crate::form::{CopyForm, FormErrors, FormField};
use crate::run::RunProgress;
use std::collections::BTreeSet;
use std::rc::Rc;

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
    /// Plan again as soon as the view can (after "resume", "leave out", "re-run").
    pub replan: bool,
    /// The heading to move the focus to, and a counter that changes each time it should move.
    pub focus: Option<(ResultHeading, u32)>,
    /// Open Run's confirmation as soon as the next plan would pass ("re-run with overwrite":
    /// the user already asked to run, so the plan leads straight to the confirmation).
    pub confirm_after_plan: bool,
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

    /// The plan, when it is for the form as it stands now.
    pub fn current_plan(&self) -> Option<&Rc<PlanView>> {
        match &self.plan {
            Task::Done(view) if view.form == self.form => Some(view),
            _ => None,
        }
    }

    pub(super) fn focus_on(&mut self, heading: ResultHeading) {
        let n = self.focus.map_or(0, |(_, n)| n.wrapping_add(1));
        self.focus = Some((heading, n));
    }

    pub(super) fn start_over(&mut self, form: CopyForm) {
        self.form = form;
        self.run = None;
        self.plan = Task::Idle;
        self.replan = true;
        self.confirm_after_plan = false;
    }
}
