//! `#/domains/D/repositories/R/packages`: a repository's upstreams and its packages, filtered
//! by format, namespace and name prefix.

use super::domains::Upstreams;
use super::{crumbs, empty_row, list_error};
use crate::components::{LoadMore, PageFuture, client, use_paged, use_store};
use crate::form::CopyForm;
use crate::route::{PackageFilter, PackageRef, Route};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use wharf_core::api::{AllowPublish, AllowUpstream, ListPackagesQuery, PackageSummary};
use wharf_core::names::PackageFormat;
use yew::prelude::*;

/// Properties of [`PackagesPage`].
#[derive(Properties, PartialEq)]
pub struct PackagesProps {
    /// The domain.
    pub domain: AttrValue,
    /// The repository.
    pub repository: AttrValue,
    /// The filters from the link.
    pub filter: PackageFilter,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// The packages view.
#[function_component(PackagesPage)]
pub fn packages_page(props: &PackagesProps) -> Html {
    let store = use_store();
    let api = client(&store);
    let (domain, repository) = (props.domain.to_string(), props.repository.to_string());
    let deps = (domain.clone(), repository.clone(), props.filter.clone());
    let (list, more) = use_paged(
        deps,
        move |(d, r, f), token| -> PageFuture<PackageSummary> {
            let api = api.clone();
            Box::pin(async move {
                let q = ListPackagesQuery {
                    domain: Some(d),
                    repository: Some(r),
                    format: opt(&f.format),
                    namespace: opt(&f.namespace),
                    package_prefix: opt(&f.prefix),
                    next_token: token,
                    ..Default::default()
                };
                let r = api.list_packages(&q).await?;
                Ok((r.packages, r.next_token))
            })
        },
    );
    let draft = use_state(|| props.filter.clone());
    {
        let draft = draft.clone();
        use_effect_with(props.filter.clone(), move |f| draft.set(f.clone()));
    }
    let onsubmit = {
        let (draft, domain, repository) = (draft.clone(), domain.clone(), repository.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            crate::route::push(&Route::Packages {
                domain: domain.clone(),
                repository: repository.clone(),
                filter: (*draft).clone(),
            });
        })
    };
    let text = |id: &'static str,
                label: &'static str,
                get: fn(&PackageFilter) -> &String,
                set: fn(&mut PackageFilter, String)| {
        let draft = draft.clone();
        let oninput = {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                let mut f = (*draft).clone();
                set(
                    &mut f,
                    e.target_unchecked_into::<HtmlInputElement>().value(),
                );
                draft.set(f);
            })
        };
        html! { <div class="field"><label for={id}>{ label }</label>
        <input {id} value={get(&draft).clone()} {oninput} autocomplete="off" /></div> }
    };
    let on_format = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut f = (*draft).clone();
            f.format = e.target_unchecked_into::<HtmlSelectElement>().value();
            draft.set(f);
        })
    };
    html! {
        <section>
            { crumbs(vec![(Route::Domains, "Domains".to_owned()),
                (Route::Repositories { domain: domain.clone() }, domain.clone())], &repository) }
            <h1>{ format!("Packages in {repository}") }</h1>
            <p class="upstream-line"><span class="muted">{ "Upstreams, in search order: " }</span>
                <Upstreams domain={domain.clone()} repository={repository.clone()} /></p>
            <form class="filters" {onsubmit}>
                <div class="field"><label for="filter-format">{ "Format" }</label>
                    <select id="filter-format" onchange={on_format}>
                        <option value="" selected={draft.format.is_empty()}>{ "Any" }</option>
                        { for PackageFormat::ALL.iter().map(|f| { let n = f.to_string();
                            html! { <option selected={draft.format == n} value={n.clone()}>{ n }</option> } }) }
                    </select></div>
                { text("filter-namespace", "Namespace starts with", |f| &f.namespace, |f, v| f.namespace = v) }
                { text("filter-prefix", "Name starts with", |f| &f.prefix, |f, v| f.prefix = v) }
                <div class="actions"><button type="submit">{ "Filter" }</button></div>
            </form>
            { list_error(&list.error, more.clone()) }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Packages"><table>
                <thead><tr><th scope="col">{ "Format" }</th><th scope="col">{ "Namespace" }</th>
                    <th scope="col">{ "Package" }</th><th scope="col">{ "Origin controls" }</th>
                    <th scope="col"><span class="sr-only">{ "Actions" }</span></th></tr></thead>
                <tbody>
                { for list.items.iter().map(|p| {
                    let format = p.format.map(|f| f.to_string()).unwrap_or_default();
                    let namespace = p.namespace.clone().unwrap_or_default();
                    let name = p.package.clone().unwrap_or_default();
                    let to = Route::Versions(PackageRef { domain: domain.clone(), repository: repository.clone(),
                        format: format.clone(), namespace: namespace.clone(), package: name.clone() });
                    let copy = Route::Copy(CopyForm { domain: domain.clone(), source: repository.clone(),
                        format: format.clone(), namespace: namespace.clone(), package: name.clone(),
                        ..CopyForm::default() });
                    let controls = p.origin_configuration.as_ref().and_then(|o| o.restrictions).map(|r| {
                        format!("publish {} · upstream {}",
                            if r.publish == AllowPublish::Allow { "allow" } else { "block" },
                            if r.upstream == AllowUpstream::Allow { "allow" } else { "block" })
                    }).unwrap_or_default();
                    html! { <tr>
                        <td>{ format }</td><td>{ namespace }</td>
                        <td><a href={to.to_hash()}>{ name }</a></td>
                        <td class="muted">{ controls }</td>
                        <td><a class="button-link" href={copy.to_hash()}>{ "Copy…" }</a></td>
                    </tr> }
                }) }
                { empty_row(5, list.loading, list.items.is_empty() && list.error.is_none(), "No packages match.") }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading}
                count={list.items.len()} onclick={more} />
        </section>
    }
}
