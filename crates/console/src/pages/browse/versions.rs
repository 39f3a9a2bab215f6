//! A package's versions (status, revision, published time, origin) and one version's
//! details and assets (name, size, hashes).

use super::{crumbs, empty_row, list_error};
use crate::api::ClientError;
use crate::components::{
    LoadMore, PageFuture, SelectTools, VersionQuery, client, revision, use_paged, use_paged_all,
    use_store,
};
use crate::form::CopyForm;
use crate::plan::{format_epoch, format_size};
use crate::route::{PackageFilter, PackageRef, Route};
use std::collections::BTreeSet;
use wharf_core::api::{
    AssetSummary, DescribePackageVersionQuery, ListPackageVersionAssetsQuery,
    ListPackageVersionsQuery, PackageVersionDescription, PackageVersionOrigin,
    PackageVersionSummary,
};
use yew::prelude::*;

/// Properties of the package views.
#[derive(Properties, PartialEq)]
pub struct PackageProps {
    /// The package.
    pub package: PackageRef,
    /// The version, for [`VersionPage`].
    #[prop_or_default]
    pub version: Option<AttrValue>,
}

fn trail(p: &PackageRef) -> Vec<(Route, String)> {
    vec![
        (Route::Domains, "Domains".to_owned()),
        (
            Route::Repositories {
                domain: p.domain.clone(),
            },
            p.domain.clone(),
        ),
        (
            Route::Packages {
                domain: p.domain.clone(),
                repository: p.repository.clone(),
                filter: PackageFilter::default(),
            },
            p.repository.clone(),
        ),
    ]
}

fn display_name(p: &PackageRef) -> String {
    if p.namespace.is_empty() {
        p.package.clone()
    } else {
        format!("{}/{}", p.namespace, p.package)
    }
}

fn origin_text(o: &Option<PackageVersionOrigin>) -> String {
    let Some(o) = o else { return String::new() };
    let kind = o.origin_type.map(|t| format!("{t:?}")).unwrap_or_default();
    let from = o.domain_entry_point.as_ref().and_then(|e| {
        e.repository_name
            .clone()
            .or_else(|| e.external_connection_name.clone())
    });
    match from {
        Some(f) => format!("{kind} via {f}"),
        None => kind,
    }
}

fn version_query(p: &PackageRef, version: &str) -> DescribePackageVersionQuery {
    DescribePackageVersionQuery {
        domain: Some(p.domain.clone()),
        repository: Some(p.repository.clone()),
        format: Some(p.format.clone()),
        namespace: (!p.namespace.is_empty()).then(|| p.namespace.clone()),
        package: Some(p.package.clone()),
        package_version: Some(version.to_owned()),
        ..Default::default()
    }
}

/// Fetches DescribePackageVersion for `version`.
#[hook]
fn use_description(
    p: PackageRef,
    version: String,
) -> Option<Result<PackageVersionDescription, String>> {
    let store = use_store();
    let state = use_state(|| None);
    {
        let (state, api, dispatcher) = (state.clone(), client(&store), store.dispatcher());
        use_effect_with((p, version), move |(p, v)| {
            let q = version_query(p, v);
            yew::platform::spawn_local(async move {
                let r = api.describe_package_version(&q).await;
                if let Err(e) = &r {
                    crate::components::check_session(&dispatcher, e);
                }
                state.set(Some(
                    r.map(|r| r.package_version).map_err(|e| e.to_string()),
                ));
            });
        });
    }
    (*state).clone()
}

/// An npm package's dist-tags in this repository; with `version`, only the tags that point
/// at it.
#[function_component(DistTags)]
fn dist_tags(props: &PackageProps) -> Html {
    let store = use_store();
    let state =
        use_state(|| None::<Result<std::collections::BTreeMap<String, String>, ClientError>>);
    {
        let (state, api, dispatcher) = (state.clone(), client(&store), store.dispatcher());
        use_effect_with(props.package.clone(), move |p| {
            let p = p.clone();
            yew::platform::spawn_local(async move {
                let ns = (!p.namespace.is_empty()).then_some(p.namespace.as_str());
                let r = api
                    .npm_dist_tags(&p.domain, &p.repository, ns, &p.package)
                    .await;
                if let Err(e) = &r {
                    crate::components::check_session(&dispatcher, e);
                }
                state.set(Some(r));
            });
        });
    }
    let body = match &*state {
        None => html! { <span class="muted">{ "…" }</span> },
        // No npm endpoint, or the package has no tags here: nothing to show.
        Some(Err(e @ ClientError::NotFound { .. })) => {
            html! { <span class="muted" title={e.to_string()}>{ "none" }</span> }
        }
        Some(Err(e)) => html! { <span class="muted">{ format!("unavailable ({e})") }</span> },
        Some(Ok(tags)) => {
            let shown: Vec<_> = tags
                .iter()
                .filter(|(_, v)| {
                    props
                        .version
                        .as_ref()
                        .is_none_or(|want| want.as_str() == v.as_str())
                })
                .collect();
            if shown.is_empty() {
                html! { <span class="muted">{ "none" }</span> }
            } else {
                html! { <>{ for shown.into_iter().map(|(t, v)| html! {
                    <span class="badge act-noop tag">{ format!("{t} → {v}") }</span>
                }) }</> }
            }
        }
    };
    html! { <p class="dist-tags"><span class="muted">{ "npm dist-tags: " }</span>{ body }</p> }
}

/// Versions per ListPackageVersions call of the versions view: one request per page, and
/// "Load all" reads the rest in pages this size.
const PAGE_SIZE: usize = 200;

/// `.../packages/FORMAT/NS/NAME`: the versions of a package, newest first. No request per
/// version: the published time is on each version's own view.
#[function_component(VersionsPage)]
pub fn versions_page(props: &PackageProps) -> Html {
    let store = use_store();
    let api = client(&store);
    let p = props.package.clone();
    let (list, more, all) = use_paged_all(
        p.clone(),
        move |p, token| -> PageFuture<PackageVersionSummary> {
            let api = api.clone();
            Box::pin(async move {
                let q = ListPackageVersionsQuery {
                    domain: Some(p.domain),
                    repository: Some(p.repository),
                    format: Some(p.format),
                    namespace: (!p.namespace.is_empty()).then_some(p.namespace),
                    package: Some(p.package),
                    sort_by: Some("PUBLISHED_TIME".to_owned()),
                    max_results: Some(PAGE_SIZE.to_string()),
                    next_token: token,
                    ..Default::default()
                };
                let r = api.list_package_versions(&q).await?;
                Ok((r.versions, r.next_token))
            })
        },
    );
    let selected = use_state(BTreeSet::<String>::new);
    let query = use_state(VersionQuery::default);
    let loaded: Vec<String> = list.items.iter().map(|v| v.version.clone()).collect();
    let onselect = {
        let selected = selected.clone();
        Callback::from(move |list: Vec<String>| selected.set(list.into_iter().collect()))
    };
    let onquery = {
        let query = query.clone();
        Callback::from(move |q: VersionQuery| query.set(q))
    };
    let copy = Route::Copy(CopyForm {
        domain: p.domain.clone(),
        source: p.repository.clone(),
        format: p.format.clone(),
        namespace: p.namespace.clone(),
        package: p.package.clone(),
        versions: selected.iter().cloned().collect::<Vec<_>>().join("\n"),
        ..CopyForm::default()
    });
    let verify = Route::Verify(CopyForm {
        versions: String::new(),
        ..match &copy {
            Route::Copy(f) => f.clone(),
            _ => CopyForm::default(),
        }
    });
    html! {
        <section>
            { crumbs(trail(&p), &display_name(&p)) }
            <h1>{ display_name(&p) }<span class="muted">{ format!(" · {} in {}", p.format, p.repository) }</span></h1>
            if p.format == "npm" {
                <DistTags package={p.clone()} />
            }
            <super::docs::PackageOrigin package={p.clone()} />
            <p class="actions">
                <a class="button-link" href={copy.to_hash()}>
                    { if selected.is_empty() { "Copy versions…".to_owned() } else { format!("Copy {} selected…", selected.len()) } }
                </a>
                <a class="button-link secondary" href={verify.to_hash()}>{ "Compare with another repository…" }</a>
            </p>
            <SelectTools id="versions" all={loaded.clone()} selected={selected.len()}
                query={(*query).clone()} {onquery} {onselect} partial={list.next_token.is_some()} />
            { list_error(&list.error, more.clone()) }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Versions"><table>
                <thead><tr><th scope="col"><span class="sr-only">{ "Select" }</span></th>
                    <th scope="col">{ "Version" }</th><th scope="col">{ "Status" }</th>
                    <th scope="col">{ "Revision" }</th>
                    <th scope="col">{ "Origin" }</th>
                    <th scope="col"><span class="sr-only">{ "History" }</span></th></tr></thead>
                <tbody>
                { for list.items.iter().filter(|v| query.matches(&v.version)).map(|v| {
                    let to = Route::Version(p.clone(), v.version.clone());
                    let onchange = {
                        let (selected, version) = (selected.clone(), v.version.clone());
                        Callback::from(move |_: Event| {
                            let mut s = (*selected).clone();
                            if !s.remove(&version) { s.insert(version.clone()); }
                            selected.set(s);
                        })
                    };
                    html! { <tr>
                        <td><input type="checkbox" aria-label={format!("Select {}", v.version)}
                            checked={selected.contains(&v.version)} {onchange} /></td>
                        <td><a href={to.to_hash()}><code>{ &v.version }</code></a></td>
                        <td>{ v.status.as_str() }</td>
                        <td>{ revision(v.revision.as_deref()) }</td>
                        <td>{ origin_text(&v.origin) }</td>
                        <td><a class="history" href={history_link(&p, &v.version)}
                            aria-label={format!("History of {}", v.version)}>{ "History" }</a></td>
                    </tr> }
                }) }
                { empty_row(6, list.loading, list.items.is_empty() && list.error.is_none(), "No versions.") }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading}
                count={list.items.len()} onclick={more} onall={all} noun="versions" />
        </section>
    }
}

/// The link to a version's history: the Activity view filtered to its package and version.
fn history_link(p: &PackageRef, version: &str) -> String {
    Route::Activity(crate::activity::ActivityFilter::for_version(p, version)).to_hash()
}

/// `.../versions/V`: a version's details and its assets.
#[function_component(VersionPage)]
pub fn version_page(props: &PackageProps) -> Html {
    let store = use_store();
    let api = client(&store);
    let p = props.package.clone();
    let version = props.version.clone().unwrap_or_default().to_string();
    let description = use_description(p.clone(), version.clone());
    let (list, more) = use_paged(
        (p.clone(), version.clone()),
        move |(p, v), token| -> PageFuture<AssetSummary> {
            let api = api.clone();
            Box::pin(async move {
                let d = version_query(&p, &v);
                let q = ListPackageVersionAssetsQuery {
                    domain: d.domain,
                    repository: d.repository,
                    format: d.format,
                    namespace: d.namespace,
                    package: d.package,
                    package_version: d.package_version,
                    next_token: token,
                    ..Default::default()
                };
                let r = api.list_package_version_assets(&q).await?;
                Ok((r.assets, r.next_token))
            })
        },
    );
    let mut links = trail(&p);
    links.push((Route::Versions(p.clone()), display_name(&p)));
    let details = match description {
        Some(Ok(d)) => {
            let licenses = d
                .licenses
                .iter()
                .filter_map(|l| l.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            // Optional metadata is listed only when the version has it.
            let optional = [
                ("Summary", d.summary.clone().unwrap_or_default()),
                ("Home page", d.home_page.clone().unwrap_or_default()),
                ("Licenses", licenses),
            ];
            html! {
                <dl class="details">
                    <dt>{ "Status" }</dt><dd>{ d.status.map(|s| s.as_str()).unwrap_or("") }</dd>
                    <dt>{ "Revision" }</dt><dd><code class="wrap">{ d.revision.clone().unwrap_or_default() }</code></dd>
                    <dt>{ "Published" }</dt><dd>{ d.published_time.map(format_epoch).unwrap_or_default() }</dd>
                    <dt>{ "Origin" }</dt><dd>{ origin_text(&d.origin) }</dd>
                    { for optional.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| html! {
                        <><dt>{ k }</dt><dd>{ v }</dd></>
                    }) }
                </dl>
            }
        }
        Some(Err(e)) => html! { <crate::components::ErrorBox message={e} /> },
        None => html! { <p class="muted">{ "Loading…" }</p> },
    };
    html! {
        <section>
            { crumbs(links, &version) }
            <h1>{ format!("{} {}", display_name(&p), version) }</h1>
            { details }
            <p class="actions"><a class="button-link secondary" id="version-history"
                href={history_link(&p, &version)}>{ "History of this version" }</a></p>
            if p.format == "npm" {
                <DistTags package={p.clone()} version={version.clone()} />
            }
            <h2>{ "Assets" }</h2>
            { list_error(&list.error, more.clone()) }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Assets"><table>
                <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Size" }</th>
                    <th scope="col">{ "Hashes" }</th></tr></thead>
                <tbody>
                { for list.items.iter().map(|a| html! { <tr>
                    <td><code>{ &a.name }</code></td>
                    <td class="num">{ a.size.map(format_size).unwrap_or_default() }</td>
                    <td><dl class="hashes">{ for a.hashes.iter().map(|(k, v)| html! {
                        <><dt>{ k }</dt><dd><code class="wrap">{ v }</code></dd></>
                    }) }</dl></td>
                </tr> }) }
                { empty_row(3, list.loading, list.items.is_empty() && list.error.is_none(), "No assets.") }
                </tbody>
            </table></div>
            <LoadMore has_more={list.next_token.is_some()} loading={list.loading}
                count={list.items.len()} onclick={more} />
            <super::docs::VersionDocs package={p.clone()} version={version.clone()} />
        </section>
    }
}
