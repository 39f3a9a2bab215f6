//! The revert of a promotion: first its own plan (`POST …/revert` with `dryRun`), then, only
//! after a confirmation that says what it will do, the revert itself. A `ConflictException`
//! (something the promotion wrote has changed since) is shown in plain language, naming each
//! change; nothing is written then.

use crate::api::ClientError;
use crate::components::{Field, check_session, client, revision, use_store};
use crate::pages::promote::focus;
use crate::promote::{conflict_text, revert_summary};
use crate::route::Route;
use wharf_core::api::{RevertActionKind, RevertPromotionRequest, RevertResult};
use yew::prelude::*;

/// Properties of [`RevertPanel`].
#[derive(Properties, PartialEq)]
pub struct RevertPanelProps {
    /// The promotion to revert.
    pub id: String,
    /// The revert was applied (the record changed).
    pub onreverted: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Step {
    Planning,
    Planned(RevertResult),
    Confirming(RevertResult),
    Reverting(RevertResult),
    Done(RevertResult),
    Refused(ClientError),
}

fn refusal(e: &ClientError) -> Html {
    match e {
        ClientError::Conflict { message } => {
            let (headline, changes) = conflict_text(message);
            html! {
                <div class="notice error" role="alert" id="revert-conflict">
                    <div><p>{ headline }</p>
                        if !changes.is_empty() {
                            <ul>{ for changes.iter().map(|c| html! { <li>{ c }</li> }) }</ul>
                        }</div>
                </div>
            }
        }
        e => {
            html! { <div class="notice error" role="alert" id="revert-conflict"><span>{ format!("The revert was refused, and nothing was written: {e}") }</span></div> }
        }
    }
}

fn plan_table(r: &RevertResult) -> Html {
    let name = |format: &str, ns: &Option<String>, p: &str| match ns {
        Some(ns) if format == "npm" => format!("@{ns}/{p}"),
        Some(ns) => format!("{ns}/{p}"),
        None => p.to_owned(),
    };
    html! {
        <>
            <div class="table-wrap"><table id="revert-plan-table" class="stack">
                <caption class="sr-only">{ "What the revert does, per version" }</caption>
                <thead><tr><th scope="col">{ "Package" }</th><th scope="col">{ "Version" }</th><th scope="col">{ "Action" }</th>
                    <th scope="col">{ "Now" }</th><th scope="col">{ "Put back" }</th></tr></thead>
                <tbody>{ for r.actions.iter().map(|a| html! { <tr>
                    <td data-label="Package"><code>{ name(a.format.as_str(), &a.namespace, &a.package) }</code></td>
                    <td data-label="Version"><code>{ &a.version }</code></td>
                    <td data-label="Action">{ match a.action {
                        RevertActionKind::Delete => html! { <span class="badge act-fail">{ "DELETE" }</span> },
                        RevertActionKind::Restore => html! { <span class="badge act-overwrite">{ "RESTORE" }</span> },
                    } }</td>
                    <td data-label="Now">{ revision(a.current_revision.as_deref()) }</td>
                    <td data-label="Put back">{ if a.action == RevertActionKind::Restore {
                        html! { <>{ revision(a.revision.as_deref()) }<span class="muted">{ a.status.map(|s| format!(" {}", s.as_str())).unwrap_or_default() }</span></> }
                    } else { html! { <span class="muted">{ "(removed)" }</span> } } }</td>
                </tr> }) }</tbody>
            </table></div>
            if !r.dist_tags.is_empty() {
                <ul class="plain" id="revert-dist-tags" aria-label="Dist-tags the revert moves">
                    { for r.dist_tags.iter().map(|t| html! { <li><code>{ &t.package }</code>{ " " }<code>{ &t.tag }</code>{ format!(": {} → {}",
                        t.from.clone().unwrap_or_else(|| "(none)".into()), t.to.clone().unwrap_or_else(|| "(removed)".into())) }</li> }) }
                </ul>
            }
        </>
    }
}

/// The revert's plan, its confirmation and its result.
#[function_component(RevertPanel)]
pub fn revert_panel(props: &RevertPanelProps) -> Html {
    let store = use_store();
    let step = use_state(|| Step::Planning);
    let reason = use_state(String::new);
    {
        let (step, store) = (step.clone(), store.clone());
        use_effect_with(props.id.clone(), move |id| {
            step.set(Step::Planning);
            let (api, dispatcher, id) = (client(&store), store.dispatcher(), id.clone());
            yew::platform::spawn_local(async move {
                let request = RevertPromotionRequest {
                    dry_run: Some(true),
                    reason: None,
                };
                match api.revert_promotion(&id, &request).await {
                    Ok(r) => step.set(Step::Planned(r)),
                    Err(e) => {
                        check_session(&dispatcher, &e);
                        step.set(Step::Refused(e));
                    }
                }
                focus("revert-heading");
            });
        });
    }
    let confirming = matches!(&*step, Step::Confirming(_));
    use_effect_with(confirming, |c| {
        if *c {
            focus("revert-confirm-button");
        }
    });
    let onask = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            if let Step::Planned(r) = &*step {
                step.set(Step::Confirming(r.clone()))
            }
        })
    };
    let onback = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            if let Step::Confirming(r) = &*step {
                step.set(Step::Planned(r.clone()));
                focus("revert-button");
            }
        })
    };
    let onconfirm = {
        let (step, store, reason, id, done) = (
            step.clone(),
            store.clone(),
            reason.clone(),
            props.id.clone(),
            props.onreverted.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Step::Confirming(plan) = &*step else {
                return;
            };
            step.set(Step::Reverting(plan.clone()));
            let (api, dispatcher, step, id, done) = (
                client(&store),
                store.dispatcher(),
                step.clone(),
                id.clone(),
                done.clone(),
            );
            let text = reason.trim().to_owned();
            let request = RevertPromotionRequest {
                dry_run: Some(false),
                reason: (!text.is_empty()).then_some(text),
            };
            yew::platform::spawn_local(async move {
                match api.revert_promotion(&id, &request).await {
                    Ok(r) => {
                        step.set(Step::Done(r));
                        done.emit(());
                    }
                    Err(e) => {
                        check_session(&dispatcher, &e);
                        step.set(Step::Refused(e));
                    }
                }
                focus("revert-heading");
            });
        })
    };
    let (title, summary, body) = match &*step {
        Step::Planning => (
            "Revert: planning…",
            "Planning the revert…".to_owned(),
            html! {},
        ),
        Step::Refused(e) => (
            "Revert refused",
            match e {
                ClientError::Conflict { message } => conflict_text(message).0,
                e => format!("The revert was refused: {e}"),
            },
            refusal(e),
        ),
        Step::Planned(r) | Step::Confirming(r) => (
            "Revert plan",
            revert_summary(r),
            html! {
                <>
                    { plan_table(r) }
                    <Field id="revert-reason" label="Reason for the revert (stored with its record)" value={(*reason).clone()}
                        oninput={{ let reason = reason.clone(); Callback::from(move |v: String| reason.set(v)) }} />
                    <p class="actions"><button type="button" class="danger" id="revert-button" disabled={confirming} onclick={onask.clone()}>{ "Revert…" }</button></p>
                    if confirming {
                        <div class="confirm" role="group" aria-labelledby="revert-confirm-title">
                            <p id="revert-confirm-title"><strong>{ format!("Revert {}?", props.id) }</strong>{ " " }{ revert_summary(r).replace(" Nothing has been written yet.", "") }{ " One all-or-nothing step, recorded." }</p>
                            <button type="button" class="danger" id="revert-confirm-button" onclick={onconfirm.clone()}>{ "Revert" }</button>
                            <button type="button" class="secondary" onclick={onback.clone()}>{ "Back" }</button>
                        </div>
                    }
                </>
            },
        ),
        Step::Reverting(_) => (
            "Reverting…",
            "Reverting: one all-or-nothing step…".to_owned(),
            html! {
                <div class="progress-row"><progress aria-label="Revert in progress"></progress></div>
            },
        ),
        Step::Done(r) => (
            "Reverted",
            revert_summary(r),
            html! {
                if let Some(id) = &r.promotion_id {
                    <p><a id="revert-record-link" href={Route::Promotion(id.clone()).to_hash()}>{ format!("Open the revert's record {id}") }</a></p>
                }
            },
        ),
    };
    html! {
        <section aria-labelledby="revert-heading">
            <h2 id="revert-heading" tabindex="-1">{ title }</h2>
            <p id="revert-summary" aria-live="polite">{ summary }</p>
            { body }
        </section>
    }
}
