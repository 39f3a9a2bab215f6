//! `#/copy`: the form, the dry-run plan with diffs, the guarded run (only a current plan that
//! would pass, after a confirmation that says what it will do), the run's outcome, and a
//! sticky bar with the verdict and the next action. After Plan or Run the focus moves to the
//! result's heading, and the bar announces the summary (`aria-live`).

use crate::components::{
    CopyFormView, DiffView, ErrorBox, OutcomeTable, PlanTable, client, use_store,
};
use crate::route::Route;
use crate::run::{
    RowState, count, resume_versions, run_rows, run_summary, verify_form, verify_versions,
};
use crate::state::{Action, ResultHeading, Task};
use crate::verdict::plan_verdict;
use crate::workflow::{dry_run, run_copy};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The copy view.
#[function_component(CopyPage)]
pub fn copy_page() -> Html {
    let store = use_store();
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let confirming = use_state(|| false);
    let planning = store.copy.plan == Task::Running;
    let busy = planning || store.copy.running();
    let current = store.copy.current_plan().cloned();
    let verdict = current.as_ref().map(|v| plan_verdict(v));
    let can_run = !busy && verdict.as_ref().is_some_and(|v| v.passes);
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
    let onplan = {
        let (plan, confirming) = (plan(), confirming.clone());
        Callback::from(move |()| {
            confirming.set(false);
            plan.emit(())
        })
    };
    // Run asks first: the confirmation says what will happen.
    let onrun = {
        let confirming = confirming.clone();
        Callback::from(move |()| {
            if can_run {
                confirming.set(true)
            }
        })
    };
    let onconfirm = {
        let store = store.clone();
        let (cancel, confirming) = (cancel.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            if store.copy.current_plan().is_none() {
                return;
            }
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let (api, form) = (client(&store), store.copy.form.clone());
            yew::platform::spawn_local(run_copy(api, form, store.dispatcher(), flag));
        })
    };
    let onback = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            focus("run-button");
        })
    };
    let oncancel = {
        let (store, cancel) = (store.clone(), cancel.clone());
        Callback::from(move |()| {
            cancel.borrow().set(true);
            store.dispatch(Action::CancelRun);
        })
    };
    let dispatch_with = |make: fn(Vec<String>) -> Action| {
        let store = store.clone();
        Callback::from(move |versions: Vec<String>| store.dispatch(make(versions)))
    };
    let onretry = dispatch_with(Action::RetryWithOverwrite);
    let onresume = dispatch_with(Action::Resume);
    let onleaveout = dispatch_with(Action::LeaveOut);
    {
        // Plan again by itself after "re-run with overwrite", "resume" or "leave out".
        let replan = plan();
        let wanted = store.copy.replan
            && store.copy.plan == Task::Idle
            && !store.copy.running()
            && store.copy.form.validate().is_empty();
        use_effect_with(wanted, move |w| {
            if *w {
                replan.emit(());
            }
        });
    }
    // Move the focus to the result's heading each time a result appears.
    use_effect_with(store.copy.focus, |f| match f {
        Some((ResultHeading::Plan, _)) => focus("plan-heading"),
        Some((ResultHeading::Outcome, _)) => focus("outcome-heading"),
        None => {}
    });
    {
        // "Re-run with overwrite": once its plan would pass, the confirmation opens by itself.
        let (confirming, dispatcher) = (confirming.clone(), store.dispatcher());
        let wanted = store.copy.confirm_after_plan && can_run;
        use_effect_with(wanted, move |w| {
            if *w {
                confirming.set(true);
                dispatcher.dispatch(Action::ConfirmShown);
            }
        });
    }
    use_effect_with(*confirming, |c| {
        if *c {
            focus("confirm-run-button");
        }
    });
    let heading = |id: &'static str, text: &'static str| {
        html! { <h2 {id} tabindex="-1">{ text }</h2> }
    };
    let plan_view = match &store.copy.plan {
        Task::Idle => html! {},
        Task::Running => {
            html! { <p class="muted">{ "Planning: reading the repositories…" }</p> }
        }
        Task::Failed(why) => html! {
            <>
                { heading("plan-heading", "Plan") }
                <ErrorBox message={format!("The dry run failed: {why}")} />
            </>
        },
        Task::Done(view) => html! {
            <>
                { heading("plan-heading", "Plan") }
                if view.form != store.copy.form {
                    <p class="notice">{ "The form changed since this plan was made: plan again to update it. Run copies only a current plan." }</p>
                }
                if let Some(href) = crate::handoff::promote_link(&view.form) {
                    <p class="notice" id="promote-instead">
                        { "More than 100 versions run as one all-or-nothing promotion, recorded under Promotions. " }
                        <a href={href} id="promote-link">{ format!("Open the {} versions on the Promote page (dependencies, a reason)…", view.report.versions.len()) }</a>
                    </p>
                }
                <PlanTable report={view.report.clone()} verdict={plan_verdict(view)}
                    destination={view.form.destination.clone()} onleaveout={onleaveout.clone()} />
                <DiffView diffs={view.diffs.clone()} source={view.form.source.clone()}
                    destination={view.form.destination.clone()} />
            </>
        },
    };
    let rows = store.copy.run.as_ref().map(run_rows).unwrap_or_default();
    let verify_link = store.copy.run.as_ref().and_then(|run| {
        let versions = verify_versions(&rows);
        let worth = count(&rows, RowState::Copied) + count(&rows, RowState::Unknown) > 0
            || rows
                .iter()
                .all(|r| matches!(r.state, RowState::Copied | RowState::Unchanged));
        (run.finished && worth && !versions.is_empty())
            .then(|| Route::Verify(verify_form(run, &versions)).to_hash())
    });
    let resume = resume_versions(&rows);
    let outcome = match &store.copy.run {
        Some(run) => html! {
            <>
                { heading("outcome-heading", "Outcome") }
                <OutcomeTable run={run.clone()} {oncancel} {onretry} />
                if let Some(id) = &run.promotion_id {
                    <p><a id="promotion-record-link" href={Route::Promotion(id.clone()).to_hash()}>{ format!("The promotion's record ({id}): who, when, what, and its revert") }</a></p>
                }
                if run.finished && (!resume.is_empty() || verify_link.is_some()) {
                    <p class="actions">
                        if !resume.is_empty() {
                            <button type="button" id="resume-button" onclick={onresume.reform({
                                let resume = resume.clone();
                                move |_: MouseEvent| resume.clone()
                            })}>{ format!("Resume the rest: plan the {} version(s) not copied", resume.len()) }</button>
                        }
                        if let Some(href) = &verify_link {
                            <a class="button-link secondary" id="verify-link" href={href.clone()}>{ "Verify the destination" }</a>
                        }
                    </p>
                }
            </>
        },
        None => html! {},
    };
    // The sticky bar: the verdict or the run's summary, and the next action.
    let bar = {
        let stale = matches!(&store.copy.plan, Task::Done(v) if v.form != store.copy.form);
        let (text, action): (String, Html) = if let Some(run) = &store.copy.run {
            let next = if !run.finished {
                html! {}
            } else if !resume.is_empty() {
                html! { <a class="button-link" href="#resume-button" onclick={Callback::from(|e: MouseEvent| { e.prevent_default(); focus("resume-button"); })}>{ "Resume the rest…" }</a> }
            } else if let Some(href) = &verify_link {
                html! { <a class="button-link" href={href.clone()}>{ "Verify the destination" }</a> }
            } else {
                html! {}
            };
            (run_summary(run, &rows), next)
        } else if planning {
            ("Planning: reading the repositories…".to_owned(), html! {})
        } else if stale {
            (
                "The form changed since the plan: plan again before running.".to_owned(),
                html! { <button type="button" onclick={onplan.reform(|_: MouseEvent| ())}>{ "Plan again" }</button> },
            )
        } else if let Some(v) = &verdict {
            let next = if v.passes {
                html! { <button type="button" class="danger" id="bar-run-button"
                onclick={onrun.reform(|_: MouseEvent| ())}>{ format!("{}…", v.action.clone().unwrap_or_default()) }</button> }
            } else if !v.conflicting.is_empty() {
                let versions = v.conflicting.clone();
                html! { <button type="button" onclick={onleaveout.reform(move |_: MouseEvent| versions.clone())}>
                { format!("Leave out the {} conflicting version(s)", v.conflicting.len()) }</button> }
            } else {
                html! {}
            };
            (v.headline.clone(), next)
        } else if let Task::Failed(why) = &store.copy.plan {
            (format!("The dry run failed: {why}"), html! {})
        } else {
            (String::new(), html! {})
        };
        let confirm = match (&verdict, *confirming && can_run) {
            (Some(v), true) => {
                let action = v.action.clone().unwrap_or_default();
                html! {
                    <div class="confirm" role="group" aria-labelledby="confirm-title">
                        <p id="confirm-title"><strong>{ format!("{action}?") }</strong>
                            { format!(" This writes to {}. Each call is all-or-nothing.", store.copy.form.destination.trim()) }</p>
                        <button type="button" class="danger" id="confirm-run-button" onclick={onconfirm}>{ action }</button>
                        <button type="button" class="secondary" onclick={onback}>{ "Back" }</button>
                    </div>
                }
            }
            _ => html! {},
        };
        html! {
            <div class={classes!("sticky-bar", text.is_empty().then_some("empty"))} aria-label="Verdict and next step" role="region">
                <p id="result-summary" aria-live="polite">{ text.clone() }</p>
                if !text.is_empty() { { action } }
                { confirm }
            </div>
        }
    };
    let run_hint = if busy {
        "Wait for the plan or run to finish.".to_owned()
    } else if !store.copy.form.validate().is_empty() {
        "Fix the form to run the copy.".to_owned()
    } else if let Some(v) = &verdict {
        if v.passes {
            format!("Run: {}.", v.action.clone().unwrap_or_default())
        } else if v.headline.starts_with("Nothing to copy") {
            "Run is off: there is nothing to copy.".to_owned()
        } else if v.headline.starts_with("You may not") {
            "Run is off: this token may not copy into the destination.".to_owned()
        } else {
            "Run is off: the plan would not go through.".to_owned()
        }
    } else {
        "Plan first: Run copies only the current plan.".to_owned()
    };
    html! {
        <section>
            <h1>{ "Copy package versions" }</h1>
            <CopyFormView {onplan} {onrun} {busy} {can_run} run_hint={run_hint} />
            { plan_view }
            { outcome }
            { bar }
        </section>
    }
}
