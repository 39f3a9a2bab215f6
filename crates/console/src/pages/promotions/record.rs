//! `#/promotions/ID` (and `#/promotions/ID/revert`): one promotion's record: who, when, why,
//! from where to where, every version it wrote with the destination's state before and after,
//! the dist-tags it moved, and the Revert button, which opens the revert's own plan.

use super::revert::RevertPanel;
use super::status_cell;
use crate::activity::ActivityFilter;
use crate::components::{ErrorBox, check_session, client, revision, use_store};
use crate::plan::format_epoch;
use crate::promote::HistoryFilter;
use crate::route::{PackageRef, Route};
use wharf_core::api::{PromotionRecord, PromotionRecordStatus, VersionState};
use yew::prelude::*;

/// Properties of [`PromotionPage`].
#[derive(Properties, PartialEq)]
pub struct PromotionPageProps {
    /// The record's id.
    pub id: String,
    /// Show the revert's plan (`#/promotions/ID/revert`).
    pub revert: bool,
}

fn state(s: &Option<VersionState>) -> Html {
    match s {
        Some(s) => {
            html! { <>{ revision(Some(&s.revision)) }<span class="muted">{ format!(" {}", s.status.as_str()) }</span></> }
        }
        None => html! { <span class="muted">{ "absent" }</span> },
    }
}

fn name(format: &str, namespace: &Option<String>, package: &str) -> String {
    match namespace {
        Some(ns) if format == "npm" => format!("@{ns}/{package}"),
        Some(ns) => format!("{ns}/{package}"),
        None => package.to_owned(),
    }
}

fn record_view(r: &PromotionRecord) -> Html {
    let s = &r.summary;
    let writes = r.writes.versions.iter().map(|w| html! {
        <tr>
            <td data-label="Package"><code>{ name(w.format.as_str(), &w.namespace, &w.package) }</code></td>
            <td data-label="Version"><a href={Route::Activity(ActivityFilter::for_version(&PackageRef {
                domain: s.destination.domain.clone(),
                repository: s.destination.repository.clone(),
                format: w.format.as_str().to_owned(),
                namespace: w.namespace.clone().unwrap_or_default(),
                package: w.package.clone(),
            }, &w.version)).to_hash()} title="History of this version"><code>{ &w.version }</code></a></td>
            <td data-label="Before">{ state(&w.before) }</td>
            <td data-label="After">{ state(&w.after) }</td>
        </tr>
    });
    let tags = r.writes.dist_tags.iter().map(|t| html! {
        <tr>
            <td data-label="Package"><code>{ name(t.format.as_str(), &t.namespace, &t.package) }</code></td>
            <td data-label="Tag"><code>{ &t.tag }</code></td>
            <td data-label="Before">{ t.before.clone().unwrap_or_else(|| "(none)".to_owned()) }</td>
            <td data-label="After">{ t.after.clone().unwrap_or_else(|| "(removed)".to_owned()) }</td>
        </tr>
    });
    let history = Route::Promotions(HistoryFilter {
        domain: s.destination.domain.clone(),
        repository: s.destination.repository.clone(),
    });
    html! {
        <>
            <dl class="details" id="record-details">
                <dt>{ "ID" }</dt><dd><code>{ &s.promotion_id }</code></dd>
                <dt>{ "When" }</dt><dd>{ format_epoch(s.created_time as f64) }</dd>
                <dt>{ "Who" }</dt><dd><code class="wrap">{ &s.principal }</code></dd>
                <dt>{ "Why" }</dt><dd>{ s.reason.clone().unwrap_or_else(|| "—".to_owned()) }</dd>
                <dt>{ "From" }</dt><dd>{ format!("{}/{}", s.source.domain, s.source.repository) }</dd>
                <dt>{ "Into" }</dt><dd><a href={history.to_hash()}>{ format!("{}/{}", s.destination.domain, s.destination.repository) }</a></dd>
                <dt>{ "What" }</dt><dd>{ format!("{} version(s) written, {} dist-tag(s) moved", r.writes.versions.len(), r.writes.dist_tags.len()) }</dd>
                <dt>{ "Status" }</dt><dd id="record-status">{ status_cell(s) }</dd>
            </dl>
            <h2>{ "Versions written" }</h2>
            <div class="table-wrap"><table id="record-writes" class="stack">
                <caption class="sr-only">{ "Every version written, with the destination's state before and after" }</caption>
                <thead><tr><th scope="col">{ "Package" }</th><th scope="col">{ "Version" }</th>
                    <th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th></tr></thead>
                <tbody>
                    { for writes }
                    if r.writes.versions.is_empty() { <tr><td colspan="4" class="muted">{ "None." }</td></tr> }
                </tbody>
            </table></div>
            if !r.writes.dist_tags.is_empty() {
                <h2>{ "Dist-tags moved" }</h2>
                <div class="table-wrap"><table id="record-dist-tags" class="stack">
                    <caption class="sr-only">{ "Every dist-tag moved, before and after" }</caption>
                    <thead><tr><th scope="col">{ "Package" }</th><th scope="col">{ "Tag" }</th>
                        <th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th></tr></thead>
                    <tbody>{ for tags }</tbody>
                </table></div>
            }
        </>
    }
}

/// One promotion's record, and its revert.
#[function_component(PromotionPage)]
pub fn promotion_page(props: &PromotionPageProps) -> Html {
    let store = use_store();
    let record = use_state(|| None::<Result<PromotionRecord, String>>);
    let reloads = use_state(|| 0u32);
    {
        let (record, store) = (record.clone(), store.clone());
        use_effect_with((props.id.clone(), *reloads), move |(id, _)| {
            let (api, dispatcher, id) = (client(&store), store.dispatcher(), id.clone());
            yew::platform::spawn_local(async move {
                match api.describe_promotion(&id).await {
                    Ok(r) => record.set(Some(Ok(r))),
                    Err(e) => {
                        check_session(&dispatcher, &e);
                        record.set(Some(Err(e.to_string())));
                    }
                }
            });
        });
    }
    let onreverted = {
        let reloads = reloads.clone();
        Callback::from(move |()| reloads.set(*reloads + 1))
    };
    let body = match &*record {
        None => html! { <p class="muted" role="status">{ "Loading the record…" }</p> },
        Some(Err(why)) => html! { <ErrorBox message={why.clone()} /> },
        Some(Ok(r)) => {
            let applied = r.summary.status == PromotionRecordStatus::Applied;
            html! {
                <>
                    { record_view(r) }
                    if props.revert {
                        <RevertPanel id={props.id.clone()} {onreverted} />
                    } else if applied {
                        <p class="actions">
                            <a class="button-link danger" id="revert-link" href={Route::PromotionRevert(props.id.clone()).to_hash()}>
                                { "Revert…" }</a>
                            <span class="muted">{ "Shows what the revert would do first; nothing is written until you confirm." }</span>
                        </p>
                    }
                </>
            }
        }
    };
    let title = if props.revert {
        format!("Revert promotion {}", props.id)
    } else {
        format!("Promotion {}", props.id)
    };
    html! {
        <section>
            <nav class="crumbs" aria-label="Breadcrumb"><ol>
                <li><a href={Route::Promotions(record.as_ref().and_then(|r| r.as_ref().ok()).map(|r| HistoryFilter {
                    domain: r.summary.destination.domain.clone(), repository: String::new() }).unwrap_or_default()).to_hash()}>{ "Promotions" }</a></li>
                <li aria-current="page">{ props.id.clone() }</li>
            </ol></nav>
            <h1>{ title }</h1>
            { body }
        </section>
    }
}
