//! `#/promote`: promote a release. The form (in the address, except the lockfile's text, which
//! is kept in the tab's `sessionStorage`), Plan (a dry run of `POST /wharf/v1/promotions`), the
//! plan grouped by package, and Run: only from a current plan that would pass, after a
//! confirmation that says what will happen, with a progress view while the one all-or-nothing
//! call runs, then the result with its record. After Plan or Run the focus moves to the
//! result's heading and the bar announces the summary (`aria-live`), as on the copy page.

mod form;
mod plan_view;

pub use plan_view::PromotionPlanView;

use crate::components::{ErrorBox, check_session, client, use_store};
use crate::promote::{Problems, PromoteForm, applied_summary, verdict};
use crate::route::Route;
use crate::state::Action;
use form::PromoteFormView;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wharf_core::api::PromotionResult;
use yew::prelude::*;

/// The `sessionStorage` key of the lockfile's text.
const LOCKFILE_KEY: &str = "wharf.promote.lockfile";

/// Moves the focus to the element with `id`.
pub fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// A dry run and what it was made for.
#[derive(Clone, PartialEq)]
enum Plan {
    Idle,
    Planning,
    Failed(String),
    Done {
        form: Rc<PromoteForm>,
        lockfile: Rc<String>,
        result: Rc<PromotionResult>,
    },
}

/// The run.
#[derive(Clone, PartialEq)]
enum Run {
    Idle,
    Confirming,
    Running(String),
    Done(Rc<PromotionResult>),
    Failed(String),
}

/// Properties of [`PromotePage`].
#[derive(Properties, PartialEq)]
pub struct PromotePageProps {
    /// The form, from the address.
    pub form: PromoteForm,
}

/// The "Promote a release" view.
#[function_component(PromotePage)]
pub fn promote_page(props: &PromotePageProps) -> Html {
    let store = use_store();
    let lockfile = use_state(|| {
        Rc::new(
            session_storage()
                .and_then(|s| s.get_item(LOCKFILE_KEY).ok().flatten())
                .unwrap_or_default(),
        )
    });
    let problems = use_state(Problems::new);
    let plan = use_state(|| Plan::Idle);
    let run = use_state(|| Run::Idle);
    let focus_to = use_state(|| (None::<&'static str>, 0u32));
    let form = props.form.clone();
    let current = match &*plan {
        Plan::Done {
            form: f,
            lockfile: l,
            result,
        } if **f == form && **l == **lockfile => Some(result.clone()),
        _ => None,
    };
    let stale = matches!(&*plan, Plan::Done { .. }) && current.is_none();
    let v = current.as_ref().map(|r| verdict(r));
    let running = matches!(&*run, Run::Running(_));
    let busy = *plan == Plan::Planning || running;
    let can_run = !busy && v.as_ref().is_some_and(|v| v.passes);
    let focus_on = {
        let focus_to = focus_to.clone();
        move |id: &'static str| focus_to.set((Some(id), focus_to.1.wrapping_add(1)))
    };
    use_effect_with(*focus_to, |(id, _)| {
        if let Some(id) = id {
            focus(id);
        }
    });
    let onchange = {
        let store = store.clone();
        Callback::from(move |f: PromoteForm| store.dispatch(Action::Navigate(Route::Promote(f))))
    };
    let onlockfile = {
        let (store, lockfile, form) = (store.clone(), lockfile.clone(), form.clone());
        Callback::from(move |(text, name): (String, Option<String>)| {
            if let Some(s) = session_storage() {
                // Too big for the tab's storage: it is kept only while the page is open.
                let _ = s.set_item(LOCKFILE_KEY, &text);
            }
            lockfile.set(Rc::new(text));
            let mut f = form.clone();
            f.lockfile_name = name.unwrap_or_default();
            if f != form {
                store.dispatch(Action::Navigate(Route::Promote(f)));
            }
        })
    };
    let onplan = {
        let (store, lockfile, problems, plan, run) = (
            store.clone(),
            lockfile.clone(),
            problems.clone(),
            plan.clone(),
            run.clone(),
        );
        let (form, focus_on) = (form.clone(), focus_on.clone());
        Callback::from(move |()| {
            let request = match form.request(&lockfile, true) {
                Ok(r) => r,
                Err(p) => {
                    problems.set(p);
                    return;
                }
            };
            problems.set(Problems::new());
            plan.set(Plan::Planning);
            run.set(Run::Idle);
            let (api, dispatcher) = (client(&store), store.dispatcher());
            let (plan, form, lockfile, focus_on) = (
                plan.clone(),
                form.clone(),
                (*lockfile).clone(),
                focus_on.clone(),
            );
            yew::platform::spawn_local(async move {
                match api.promote(&request).await {
                    Ok(result) => plan.set(Plan::Done {
                        form: Rc::new(form),
                        lockfile,
                        result: Rc::new(result),
                    }),
                    Err(e) => {
                        check_session(&dispatcher, &e);
                        plan.set(Plan::Failed(e.to_string()));
                    }
                }
                focus_on("promote-plan-heading");
            });
        })
    };
    let onrun = {
        let run = run.clone();
        Callback::from(move |()| {
            if can_run {
                run.set(Run::Confirming);
            }
        })
    };
    use_effect_with(*run == Run::Confirming, |c| {
        if *c {
            focus("promote-confirm-button");
        }
    });
    let onconfirm = {
        let (store, lockfile, run, plan) =
            (store.clone(), lockfile.clone(), run.clone(), plan.clone());
        let (form, action, focus_on) = (
            form.clone(),
            v.as_ref()
                .and_then(|v| v.action.clone())
                .unwrap_or_default(),
            focus_on.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Ok(request) = form.request(&lockfile, false) else {
                run.set(Run::Idle);
                return;
            };
            run.set(Run::Running(action.clone()));
            focus_on("promote-outcome-heading");
            let (api, dispatcher, run, plan, focus_on) = (
                client(&store),
                store.dispatcher(),
                run.clone(),
                plan.clone(),
                focus_on.clone(),
            );
            yew::platform::spawn_local(async move {
                match api.promote(&request).await {
                    Ok(result) => {
                        // The plan is spent: the result replaces it.
                        plan.set(Plan::Idle);
                        run.set(Run::Done(Rc::new(result)));
                    }
                    Err(e) => {
                        check_session(&dispatcher, &e);
                        run.set(Run::Failed(e.to_string()));
                    }
                }
                focus_on("promote-outcome-heading");
            });
        })
    };
    let onback = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            run.set(Run::Idle);
            focus("promote-run-button");
        })
    };
    let heading = |id: &'static str, text: String| html! { <h2 {id} tabindex="-1">{ text }</h2> };
    let plan_view = match &*plan {
        Plan::Idle => html! {},
        Plan::Planning => {
            html! { <p class="muted" role="status">{ "Planning: the service reads both repositories and the dependencies…" }</p> }
        }
        Plan::Failed(why) => html! {
            <>{ heading("promote-plan-heading", "Plan".into()) }
              <ErrorBox message={format!("The dry run failed: {why}")} /></>
        },
        Plan::Done { result, .. } => html! {
            <>
                { heading("promote-plan-heading", "Plan".into()) }
                if stale {
                    <p class="notice">{ "The form changed since this plan was made: plan again to update it. Run promotes only a current plan." }</p>
                }
                <PromotionPlanView result={(**result).clone()} verdict={verdict(result)} />
            </>
        },
    };
    let outcome = match &*run {
        Run::Running(action) => html! {
            <section aria-busy="true">
                { heading("promote-outcome-heading", "Promoting…".into()) }
                <div class="progress-row">
                    <progress aria-label="Promotion in progress"></progress>
                    <span>{ format!("{action}: one all-or-nothing step. The service plans again inside it, so nothing is half-written.") }</span>
                </div>
            </section>
        },
        Run::Done(result) => html! {
            <section>
                { heading("promote-outcome-heading", "Outcome".into()) }
                <p id="promote-outcome-summary">{ applied_summary(result) }</p>
                if let Some(id) = &result.promotion_id {
                    <p class="actions">
                        <a class="button-link" id="promote-record-link" href={Route::Promotion(id.clone()).to_hash()}>{ format!("Open the record {id}") }</a>
                        <a class="button-link secondary" href={Route::Promotions(crate::promote::HistoryFilter {
                            domain: result.destination.domain.clone(), repository: result.destination.repository.clone() }).to_hash()}>
                            { "Promotions into this repository" }</a>
                    </p>
                }
                <PromotionPlanView result={(**result).clone()} id="promote-outcome" />
            </section>
        },
        Run::Failed(why) => html! {
            <section>
                { heading("promote-outcome-heading", "Outcome".into()) }
                <ErrorBox message={format!("The promotion was refused, and nothing was written: {why}")} />
            </section>
        },
        Run::Idle | Run::Confirming => html! {},
    };
    let (bar_text, bar_action) = match (&*run, &v) {
        (Run::Running(action), _) => (format!("{action}: running…"), html! {}),
        (Run::Done(result), _) => (applied_summary(result), html! {}),
        (Run::Failed(why), _) => (format!("Nothing was written: {why}"), html! {}),
        _ if *plan == Plan::Planning => ("Planning…".to_owned(), html! {}),
        _ if stale => (
            "The form changed since the plan: plan again before running.".to_owned(),
            html! {},
        ),
        (_, Some(v)) if v.passes => (
            v.headline.clone(),
            html! {
                <button type="button" class="danger" id="promote-bar-run-button" onclick={onrun.reform(|_: MouseEvent| ())}>
                    { format!("{}…", v.action.clone().unwrap_or_default()) }</button>
            },
        ),
        (_, Some(v)) => (v.headline.clone(), html! {}),
        _ => match &*plan {
            Plan::Failed(why) => (format!("The dry run failed: {why}"), html! {}),
            _ => (String::new(), html! {}),
        },
    };
    let confirm = match (&v, *run == Run::Confirming && can_run) {
        (Some(v), true) => {
            let action = v.action.clone().unwrap_or_default();
            html! {
                <div class="confirm" role="group" aria-labelledby="promote-confirm-title">
                    <p id="promote-confirm-title"><strong>{ format!("{action}?") }</strong>
                        { format!(" Every version is written in one all-or-nothing step into {}, recorded with who, when and why; it can be reverted from its record.", form.destination_label()) }</p>
                    <button type="button" class="danger" id="promote-confirm-button" onclick={onconfirm}>{ action }</button>
                    <button type="button" class="secondary" onclick={onback}>{ "Back" }</button>
                </div>
            }
        }
        _ => html! {},
    };
    let run_hint = if busy {
        "Wait for the plan or run to finish."
    } else if v.as_ref().is_some_and(|v| v.passes) {
        "Run promotes exactly this plan."
    } else if v.is_some() {
        "Run is off: the plan would not go through or has nothing to write."
    } else {
        "Plan first: Run promotes only the current plan."
    };
    let history = Route::Promotions(crate::promote::HistoryFilter {
        domain: form.destination_domain().to_owned(),
        repository: form.destination.trim().to_owned(),
    });
    html! {
        <section>
            <h1>{ "Promote a release" }</h1>
            <p class="muted">{ "Many packages in one planned, all-or-nothing, recorded and revertible promotion. " }
                <a href={history.to_hash()}>{ "See past promotions" }</a></p>
            <PromoteFormView form={form.clone()} lockfile={AttrValue::from((**lockfile).clone())}
                problems={(*problems).clone()} {busy} {can_run} run_hint={run_hint}
                {onchange} {onlockfile} {onplan} {onrun} />
            { plan_view }
            { outcome }
            <div class={classes!("sticky-bar", bar_text.is_empty().then_some("empty"))} aria-label="Verdict and next step" role="region">
                <p id="promote-summary" aria-live="polite">{ bar_text.clone() }</p>
                if !bar_text.is_empty() && !running { { bar_action } }
                { confirm }
            </div>
        </section>
    }
}
