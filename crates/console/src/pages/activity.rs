//! `#/activity?...`: the audit trail (ListAuditEvents), newest first and paged: when, who,
//! what operation, on what, and its outcome (the error code, or the versions written). The
//! filters are the API's (time range, principal, operation, domain, repository, package) plus
//! `version`, which narrows the records loaded to those naming that version: the history a
//! package version's "History" link opens.

use crate::activity::{ActivityFilter, names_version, outcome};
use crate::api::ClientError;
use crate::components::{ErrorBox, Field, LoadMore, PageFuture, client, use_paged, use_store};
use crate::plan::format_epoch;
use crate::route::Route;
use wharf_core::api::AuditEvent;
use yew::prelude::*;

/// Properties of [`ActivityPage`].
#[derive(Properties, PartialEq)]
pub struct ActivityPageProps {
    /// The filters, from the address.
    pub filter: ActivityFilter,
}

/// What a record was about: `domain/repository package`.
fn target(e: &AuditEvent) -> String {
    let text = |k: &str| {
        e.request_parameters
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let repository = ["destination-repository", "repository"]
        .iter()
        .map(|k| text(k))
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let package = match (text("namespace"), text("package")) {
        (_, p) if p.is_empty() => text("packageName"),
        (ns, p) if ns.is_empty() => p,
        (ns, p) => format!("{ns}/{p}"),
    };
    [text("domain"), repository, package]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The audit trail.
#[function_component(ActivityPage)]
pub fn activity_page(props: &ActivityPageProps) -> Html {
    let store = use_store();
    let draft = use_state(|| props.filter.clone());
    let invalid = use_state(|| None::<String>);
    {
        let (draft, invalid) = (draft.clone(), invalid.clone());
        use_effect_with(props.filter.clone(), move |f| {
            draft.set(f.clone());
            invalid.set(None);
        });
    }
    let api = client(&store);
    let (list, more) = use_paged(
        props.filter.clone(),
        move |f: ActivityFilter, token| -> PageFuture<AuditEvent> {
            let api = api.clone();
            Box::pin(async move {
                let q = f
                    .to_query(token)
                    .map_err(|message| ClientError::Validation {
                        message,
                        fields: Vec::new(),
                    })?;
                let r = api.list_audit_events(&q).await?;
                Ok((r.events, r.next_token))
            })
        },
    );
    let onsubmit = {
        let (draft, invalid) = (draft.clone(), invalid.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.to_query(None) {
                Ok(_) => {
                    invalid.set(None);
                    crate::route::push(&Route::Activity((*draft).clone()));
                }
                Err(message) => invalid.set(Some(message)),
            }
        })
    };
    let set = |apply: fn(&mut ActivityFilter, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut f = (*draft).clone();
            apply(&mut f, v);
            draft.set(f)
        })
    };
    let version = props.filter.version.trim().to_owned();
    let shown: Vec<&AuditEvent> = list
        .items
        .iter()
        .filter(|e| version.is_empty() || names_version(e, &version))
        .collect();
    let rows = shown.iter().map(|e| {
        let failed = e.error_code.is_some();
        let who = if e.user_identity.arn.is_empty() {
            format!("unknown ({})", e.user_identity.access_key_id)
        } else {
            e.user_identity.arn.clone()
        };
        html! {
            <tr data-request-id={e.request_id.clone()}>
                <td data-label="When">{ format_epoch(e.event_time_epoch) }</td>
                <td data-label="Who"><code class="wrap">{ who }</code>
                    <span class="muted">{ format!(" from {}", e.source_ip_address) }</span></td>
                <td data-label="Operation"><code>{ &e.event_name }</code></td>
                <td data-label="On">{ target(e) }</td>
                <td data-label="Outcome" class="prose">
                    <span class={classes!("badge", if failed { "act-fail" } else { "act-copy" })}>
                        { if failed { "FAILED" } else { "OK" } }</span>{ " " }{ outcome(e) }</td>
            </tr>
        }
    });
    let all_versions = ActivityFilter {
        version: String::new(),
        ..props.filter.clone()
    };
    html! {
        <section>
            <h1>{ if version.is_empty() { "Activity".to_owned() } else {
                format!("History of {} {}", props.filter.package.trim(), version) } }</h1>
            <form class="filters" aria-label="Filter activity" {onsubmit}>
                <Field id="activity-from" label="From (UTC)" value={draft.from.clone()} oninput={set(|f, v| f.from = v)}
                    placeholder={AttrValue::from("2024-05-01 or 2024-05-01 13:30")} />
                <Field id="activity-to" label="To (UTC)" value={draft.to.clone()} oninput={set(|f, v| f.to = v)}
                    hint={AttrValue::from("A date alone includes that whole day")} />
                <Field id="activity-principal" label="Principal ARN" value={draft.principal.clone()} oninput={set(|f, v| f.principal = v)} />
                <Field id="activity-event" label="Operation" value={draft.event.clone()} oninput={set(|f, v| f.event = v)}
                    placeholder={AttrValue::from("CopyPackageVersions")} />
                <Field id="activity-domain" label="Domain" value={draft.domain.clone()} oninput={set(|f, v| f.domain = v)} />
                <Field id="activity-repository" label="Repository" value={draft.repository.clone()} oninput={set(|f, v| f.repository = v)}
                    hint={AttrValue::from("A copy's destination")} />
                <Field id="activity-package" label="Package" value={draft.package.clone()} oninput={set(|f, v| f.package = v)}
                    hint={AttrValue::from("namespace/name when it has a namespace")} />
                <Field id="activity-version" label="Version" value={draft.version.clone()} oninput={set(|f, v| f.version = v)}
                    hint={AttrValue::from("Among the records shown")} />
                <div class="actions"><button type="submit" id="activity-apply">{ "Show" }</button>
                    <a class="button-link secondary" href={Route::Activity(ActivityFilter::default()).to_hash()}>{ "Clear" }</a></div>
            </form>
            if let Some(message) = &*invalid { <ErrorBox message={message.clone()} /> }
            if !version.is_empty() {
                <p class="muted" id="activity-version-note">{ format!(
                    "Showing the {} of {} loaded record(s) that name version {version}. ", shown.len(), list.items.len()) }
                    <a href={Route::Activity(all_versions).to_hash()}>{ "Every version" }</a></p>
            }
            if let Some(e) = &list.error { <ErrorBox message={e.to_string()} retry={more.clone()} /> }
            <div class="table-wrap"><table id="activity-table" class="stack">
                <caption class="sr-only">{ "Audit records, newest first" }</caption>
                <thead><tr><th scope="col">{ "When" }</th><th scope="col">{ "Who" }</th><th scope="col">{ "Operation" }</th>
                    <th scope="col">{ "On" }</th><th scope="col">{ "Outcome" }</th></tr></thead>
                <tbody>
                    { for rows }
                    if shown.is_empty() && !list.loading && list.error.is_none() {
                        <tr><td colspan="5" class="muted">{ "No records match." }</td></tr>
                    }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading} count={list.items.len()} onclick={more} />
        </section>
    }
}
