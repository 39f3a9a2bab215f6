//! `#/copy`: the form, the dry-run plan with diffs, and the run's outcome.

use crate::components::{
    CopyFormView, DiffView, ErrorBox, OutcomeTable, PlanTable, client, use_store,
};
use crate::route::Route;
use crate::state::{Action, Task};
use crate::workflow::{dry_run, run_copy};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// The copy view.
#[function_component(CopyPage)]
pub fn copy_page() -> Html {
    let store = use_store();
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let planning = store.copy.plan == Task::Running;
    let busy = planning || store.copy.running();
    let plan = || {
        let store = store.clone();
        Callback::from(move |()| {
            let (api, form, dispatcher) =
                (client(&store), store.copy.form.clone(), store.dispatcher());
            dispatcher.dispatch(Action::PlanStarted);
            yew::platform::spawn_local(async move {
                match dry_run(&api, &form).await {
                    Ok(view) => dispatcher.dispatch(Action::PlanLoaded(Rc::new(view))),
                    Err(e) => {
                        crate::components::check_session(&dispatcher, &e);
                        dispatcher.dispatch(Action::PlanFailed(e.to_string()));
                    }
                }
            });
        })
    };
    let onplan = plan();
    let onrun = {
        let store = store.clone();
        let cancel = cancel.clone();
        Callback::from(move |()| {
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let (api, form) = (client(&store), store.copy.form.clone());
            yew::platform::spawn_local(run_copy(api, form, store.dispatcher(), flag));
        })
    };
    let oncancel = {
        let (store, cancel) = (store.clone(), cancel.clone());
        Callback::from(move |()| {
            cancel.borrow().set(true);
            store.dispatch(Action::CancelRun);
        })
    };
    // "Review the diff and re-run with overwrite": narrow the form, turn overwrite on, re-plan.
    let onretry = {
        let store = store.clone();
        Callback::from(move |versions: Vec<String>| {
            store.dispatch(Action::RetryWithOverwrite(versions));
        })
    };
    {
        // Plan automatically after a retry set the form up.
        let replan = plan();
        let wanted = store.copy.plan == Task::Idle
            && store.copy.form.overwrite
            && store.copy.submitted
            && store.copy.run.is_none()
            && store.copy.form.validate().is_empty();
        use_effect_with(wanted, move |w| {
            if *w {
                replan.emit(());
            }
        });
    }
    let plan_view = match &store.copy.plan {
        Task::Idle => html! {},
        Task::Running => {
            html! { <p class="muted" aria-live="polite">{ "Planning: reading the repositories…" }</p> }
        }
        Task::Failed(why) => html! { <ErrorBox message={format!("The dry run failed: {why}")} /> },
        Task::Done(view) => html! {
            <>
                <h2>{ "Plan" }</h2>
                if view.form != store.copy.form {
                    <p class="notice">{ "The form changed since this plan was made: plan again to update it." }</p>
                }
                <PlanTable report={view.report.clone()} />
                <DiffView diffs={view.diffs.clone()} />
            </>
        },
    };
    let outcome = match &store.copy.run {
        Some(run) => {
            let rows = crate::plan::outcome_rows(&run.form.requested_versions(), &run.result);
            let ok = crate::plan::verifiable_versions(&rows);
            // Worth verifying once something was copied, or nothing failed.
            let verifiable = rows.iter().any(|r| r.revision.is_some())
                || rows.iter().all(|r| r.error_code.is_none());
            let verify = Route::Verify(crate::form::CopyForm {
                versions: ok.join("\n"),
                ..run.form.clone()
            });
            html! {
                <>
                    <h2>{ "Outcome" }</h2>
                    <OutcomeTable run={run.clone()} {oncancel} {onretry} />
                    if run.finished && run.stopped.is_none() && verifiable && !ok.is_empty() {
                        <p><a class="button-link" id="verify-link" href={verify.to_hash()}>{ "Verify the destination" }</a></p>
                    }
                </>
            }
        }
        None => html! {},
    };
    html! {
        <section>
            <h1>{ "Copy package versions" }</h1>
            <CopyFormView {onplan} {onrun} {busy} />
            { plan_view }
            { outcome }
        </section>
    }
}
