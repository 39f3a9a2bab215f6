//! Domains and the repositories of a domain (with their upstreams in priority order).

use super::{crumbs, empty_row, list_error};
use crate::components::{LoadMore, PageFuture, client, use_paged, use_store};
use crate::plan::format_epoch;
use crate::route::{PackageFilter, Route};
use wharf_core::api::{
    DescribeRepositoryQuery, DomainSummary, ListDomainsBody, ListRepositoriesInDomainQuery,
    RepositorySummary,
};
use yew::prelude::*;

/// `#/domains`: every domain.
#[function_component(DomainsPage)]
pub fn domains_page() -> Html {
    let store = use_store();
    let api = client(&store);
    let (list, more) = use_paged((), move |(), token| -> PageFuture<DomainSummary> {
        let api = api.clone();
        Box::pin(async move {
            let body = ListDomainsBody {
                max_results: None,
                next_token: token,
            };
            let r = api.list_domains(&body).await?;
            Ok((r.domains, r.next_token))
        })
    });
    html! {
        <section>
            { crumbs(vec![], "Domains") }
            <h1>{ "Domains" }</h1>
            { list_error(&list.error, more.clone()) }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Domains"><table>
                <thead><tr><th scope="col">{ "Domain" }</th><th scope="col">{ "Owner" }</th>
                    <th scope="col">{ "Status" }</th><th scope="col">{ "Created" }</th></tr></thead>
                <tbody>
                { for list.items.iter().map(|d| {
                    let name = d.name.clone().unwrap_or_default();
                    html! { <tr>
                        <td><a href={Route::Repositories { domain: name.clone() }.to_hash()}>{ name }</a></td>
                        <td>{ d.owner.clone().unwrap_or_default() }</td>
                        <td>{ d.status.map(|s| format!("{s:?}")).unwrap_or_default() }</td>
                        <td>{ d.created_time.map(format_epoch).unwrap_or_default() }</td>
                    </tr> }
                }) }
                { empty_row(4, list.loading, list.items.is_empty() && list.error.is_none(), "No domains yet.") }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading}
                count={list.items.len()} onclick={more} />
        </section>
    }
}

/// Properties of [`RepositoriesPage`].
#[derive(Properties, PartialEq)]
pub struct DomainProps {
    /// The domain.
    pub domain: AttrValue,
}

/// `#/domains/D/repositories`: the repositories of a domain.
#[function_component(RepositoriesPage)]
pub fn repositories_page(props: &DomainProps) -> Html {
    let store = use_store();
    let api = client(&store);
    let domain = props.domain.to_string();
    let (list, more) = use_paged(
        domain.clone(),
        move |domain, token| -> PageFuture<RepositorySummary> {
            let api = api.clone();
            Box::pin(async move {
                let q = ListRepositoriesInDomainQuery {
                    domain: Some(domain),
                    next_token: token,
                    ..Default::default()
                };
                let r = api.list_repositories_in_domain(&q).await?;
                Ok((r.repositories, r.next_token))
            })
        },
    );
    html! {
        <section>
            { crumbs(vec![(Route::Domains, "Domains".to_owned())], &domain) }
            <h1>{ format!("Repositories in {domain}") }</h1>
            <p class="actions"><a class="button-link secondary"
                href={Route::PackageGroups { domain: domain.clone() }.to_hash()}>{ "Package groups…" }</a></p>
            { list_error(&list.error, more.clone()) }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Repositories"><table>
                <thead><tr><th scope="col">{ "Repository" }</th><th scope="col">{ "Description" }</th>
                    <th scope="col">{ "Upstreams (priority order)" }</th></tr></thead>
                <tbody>
                { for list.items.iter().map(|r| {
                    let name = r.name.clone().unwrap_or_default();
                    let to = Route::Packages { domain: domain.clone(), repository: name.clone(),
                        filter: PackageFilter::default() };
                    html! { <tr>
                        <td><a href={to.to_hash()}>{ name.clone() }</a></td>
                        <td>{ r.description.clone().unwrap_or_default() }</td>
                        <td><Upstreams domain={domain.clone()} repository={name} /></td>
                    </tr> }
                }) }
                { empty_row(3, list.loading, list.items.is_empty() && list.error.is_none(), "No repositories in this domain.") }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading}
                count={list.items.len()} onclick={more} />
        </section>
    }
}

/// Properties of [`Upstreams`].
#[derive(Properties, PartialEq)]
pub struct UpstreamsProps {
    /// The domain.
    pub domain: AttrValue,
    /// The repository.
    pub repository: AttrValue,
}

/// A repository's upstreams in search-priority order, from DescribeRepository.
#[function_component(Upstreams)]
pub fn upstreams(props: &UpstreamsProps) -> Html {
    let store = use_store();
    let state = use_state(|| None::<Result<Vec<String>, String>>);
    {
        let state = state.clone();
        let api = client(&store);
        let dispatcher = store.dispatcher();
        use_effect_with(
            (props.domain.clone(), props.repository.clone()),
            move |(d, r)| {
                let q = DescribeRepositoryQuery {
                    domain: Some(d.to_string()),
                    repository: Some(r.to_string()),
                    ..Default::default()
                };
                yew::platform::spawn_local(async move {
                    let r = api.describe_repository(&q).await;
                    if let Err(e) = &r {
                        crate::components::check_session(&dispatcher, e);
                    }
                    state.set(Some(
                        r.map(|r| {
                            r.repository
                                .map(|d| {
                                    d.upstreams
                                        .into_iter()
                                        .filter_map(|u| u.repository_name)
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                        .map_err(|e| e.to_string()),
                    ));
                });
            },
        );
    }
    match &*state {
        None => html! { <span class="muted">{ "…" }</span> },
        Some(Err(e)) => html! { <span class="error-text">{ e }</span> },
        Some(Ok(list)) if list.is_empty() => html! { <span class="muted">{ "none" }</span> },
        Some(Ok(list)) => html! {
            <ol class="upstreams">
                { for list.iter().map(|u| {
                    let to = Route::Packages { domain: props.domain.to_string(), repository: u.clone(),
                        filter: PackageFilter::default() };
                    html! { <li><a href={to.to_hash()}>{ u }</a></li> }
                }) }
            </ol>
        },
    }
}
