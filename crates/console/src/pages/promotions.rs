//! `#/promotions?domain=&repository=`: the promotion history of a destination, newest first and
//! paged: who (the principal), when, why (the reason) and what (how many versions, from where
//! to where, whether it stands or was reverted). Each row links to the record.

mod record;
mod revert;

pub use record::PromotionPage;

use crate::components::{ErrorBox, Field, LoadMore, PageFuture, client, use_paged, use_store};
use crate::plan::format_epoch;
use crate::promote::HistoryFilter;
use crate::route::Route;
use wharf_core::api::{ListPromotionsQuery, PromotionRecordStatus, PromotionSummary};
use yew::prelude::*;

/// "APPLIED", "REVERTED by ID" or "revert of ID", with links.
pub fn status_cell(p: &PromotionSummary) -> Html {
    let link =
        |id: &String| html! { <a href={Route::Promotion(id.clone()).to_hash()}>{ id.clone() }</a> };
    html! {
        <>
            <span class={classes!("badge", if p.status == PromotionRecordStatus::Applied { "act-copy" } else { "act-noop" })}>
                { if p.status == PromotionRecordStatus::Applied { "APPLIED" } else { "REVERTED" } }</span>
            if let Some(by) = &p.reverted_by { <span class="muted">{ " by " }</span>{ link(by) } }
            if let Some(of) = &p.revert_of { <span class="muted">{ " revert of " }</span>{ link(of) } }
        </>
    }
}

/// Properties of [`PromotionsPage`].
#[derive(Properties, PartialEq)]
pub struct PromotionsPageProps {
    /// The filters, from the address.
    pub filter: HistoryFilter,
}

/// The promotion history.
#[function_component(PromotionsPage)]
pub fn promotions_page(props: &PromotionsPageProps) -> Html {
    let store = use_store();
    let draft = use_state(|| props.filter.clone());
    {
        let draft = draft.clone();
        use_effect_with(props.filter.clone(), move |f| draft.set(f.clone()));
    }
    let api = client(&store);
    let filter = props.filter.clone();
    let wanted = (!filter.domain.trim().is_empty()).then(|| filter.clone());
    let (list, more) = use_paged(
        wanted.clone(),
        move |f: Option<HistoryFilter>, token| -> PageFuture<PromotionSummary> {
            let api = api.clone();
            Box::pin(async move {
                let Some(f) = f else {
                    return Ok((Vec::new(), None));
                };
                let q = ListPromotionsQuery {
                    domain: Some(f.domain.trim().to_owned()),
                    repository: Some(f.repository.trim().to_owned()).filter(|r| !r.is_empty()),
                    max_results: Some("25".to_owned()),
                    next_token: token,
                };
                let r = api.list_promotions(&q).await?;
                Ok((r.promotions, r.next_token))
            })
        },
    );
    let onsubmit = {
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            crate::route::push(&Route::Promotions((*draft).clone()));
        })
    };
    let set = |apply: fn(&mut HistoryFilter, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut f = (*draft).clone();
            apply(&mut f, v);
            draft.set(f)
        })
    };
    let rows = list.items.iter().map(|p| {
        let when = format_epoch(p.created_time as f64);
        html! {
            <tr data-id={p.promotion_id.clone()}>
                <td data-label="When"><a href={Route::Promotion(p.promotion_id.clone()).to_hash()}>{ when }</a></td>
                <td data-label="Who"><code class="wrap">{ &p.principal }</code></td>
                <td class="prose" data-label="Why">{ p.reason.clone().unwrap_or_else(|| "—".to_owned()) }</td>
                <td data-label="What">{ format!("{} version(s), {}/{} → {}/{}", p.version_count, p.source.domain,
                    p.source.repository, p.destination.domain, p.destination.repository) }</td>
                <td data-label="Status">{ status_cell(p) }</td>
            </tr>
        }
    });
    html! {
        <section>
            <h1>{ "Promotions" }</h1>
            <form class="filters" aria-label="Filter promotions" {onsubmit}>
                <Field id="history-domain" label="Destination domain" value={draft.domain.clone()} oninput={set(|f, v| f.domain = v)} />
                <Field id="history-repository" label="Destination repository" value={draft.repository.clone()}
                    oninput={set(|f, v| f.repository = v)} hint={AttrValue::from("Empty: every repository")} />
                <div class="actions"><button type="submit" id="history-apply">{ "Show" }</button>
                    <a class="button-link secondary" href={Route::Promote(Default::default()).to_hash()}>{ "Promote a release" }</a></div>
            </form>
            if wanted.is_none() {
                <p class="muted">{ "Name the destination domain to see the promotions into it." }</p>
            } else {
                if let Some(e) = &list.error { <ErrorBox message={e.to_string()} retry={more.clone()} /> }
                <div class="table-wrap"><table id="promotions-table" class="stack">
                    <caption class="sr-only">{ "Promotions, newest first" }</caption>
                    <thead><tr><th scope="col">{ "When" }</th><th scope="col">{ "Who" }</th><th scope="col">{ "Why" }</th>
                        <th scope="col">{ "What" }</th><th scope="col">{ "Status" }</th></tr></thead>
                    <tbody>
                        { for rows }
                        if list.items.is_empty() && !list.loading && list.error.is_none() {
                            <tr><td colspan="5" class="muted">{ "No promotions into this destination yet." }</td></tr>
                        }
                    </tbody>
                </table></div>
                <LoadMore has_more={list.next_token.is_some()} loading={list.loading} count={list.items.len()} onclick={more} />
            }
        </section>
    }
}
