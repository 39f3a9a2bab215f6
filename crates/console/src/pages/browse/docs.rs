//! What a version says about itself (its readme, shown as plain text and never as HTML, and
//! its dependencies), and the package group that governs a package with its effective origin
//! restrictions.

use crate::components::{check_session, client, use_store};
use crate::route::PackageRef;
use wharf_core::api::{
    GetAssociatedPackageGroupQuery, GetAssociatedPackageGroupResult, GetPackageVersionReadmeQuery,
    ListPackageVersionDependenciesQuery, PackageDependency,
};
use yew::prelude::*;

/// Properties: a package, and a version for [`VersionDocs`].
#[derive(Properties, PartialEq)]
pub struct DocsProps {
    /// The package.
    pub package: PackageRef,
    /// The version.
    #[prop_or_default]
    pub version: AttrValue,
}

fn ns(p: &PackageRef) -> Option<String> {
    (!p.namespace.is_empty()).then(|| p.namespace.clone())
}

type Docs = (Option<String>, Vec<PackageDependency>);

/// The readme as text (in a `<pre>`: Yew escapes it, so markup in a readme is shown, not run)
/// and the dependencies as a table.
#[function_component(VersionDocs)]
pub fn version_docs(props: &DocsProps) -> Html {
    let store = use_store();
    let state = use_state(|| None::<Result<Docs, String>>);
    {
        let (state, api, dispatcher) = (state.clone(), client(&store), store.dispatcher());
        use_effect_with(
            (props.package.clone(), props.version.to_string()),
            move |(p, v)| {
                let readme_q = GetPackageVersionReadmeQuery {
                    domain: Some(p.domain.clone()),
                    repository: Some(p.repository.clone()),
                    format: Some(p.format.clone()),
                    namespace: ns(p),
                    package: Some(p.package.clone()),
                    package_version: Some(v.clone()),
                    ..Default::default()
                };
                let deps_q = ListPackageVersionDependenciesQuery {
                    domain: readme_q.domain.clone(),
                    repository: readme_q.repository.clone(),
                    format: readme_q.format.clone(),
                    namespace: readme_q.namespace.clone(),
                    package: readme_q.package.clone(),
                    package_version: readme_q.package_version.clone(),
                    ..Default::default()
                };
                yew::platform::spawn_local(async move {
                    let readme = api.get_package_version_readme(&readme_q).await;
                    let deps = api.list_package_version_dependencies(&deps_q).await;
                    let r = match (readme, deps) {
                        (Ok(r), Ok(d)) => Ok((r.readme, d.dependencies.unwrap_or_default())),
                        (Err(e), _) | (_, Err(e)) => {
                            check_session(&dispatcher, &e);
                            Err(e.to_string())
                        }
                    };
                    state.set(Some(r));
                });
            },
        );
    }
    match &*state {
        None => html! { <p class="muted">{ "Loading the readme…" }</p> },
        Some(Err(e)) => {
            html! { <p class="muted">{ format!("Readme and dependencies unavailable ({e})") }</p> }
        }
        Some(Ok((readme, deps))) => html! {
            <>
            <h2>{ "Dependencies" }</h2>
            if deps.is_empty() {
                <p class="muted">{ "None declared." }</p>
            } else {
                <div class="table-wrap"><table>
                    <thead><tr><th scope="col">{ "Package" }</th><th scope="col">{ "Type" }</th>
                        <th scope="col">{ "Requirement" }</th></tr></thead>
                    <tbody>{ for deps.iter().map(|d| html! { <tr>
                        <td><code>{ match &d.namespace {
                            Some(n) => format!("@{n}/{}", d.package.clone().unwrap_or_default()),
                            None => d.package.clone().unwrap_or_default(),
                        } }</code></td>
                        <td>{ d.dependency_type.clone().unwrap_or_default() }</td>
                        <td><code>{ d.version_requirement.clone().unwrap_or_default() }</code></td>
                    </tr> }) }</tbody>
                </table></div>
            }
            <h2>{ "Readme" }</h2>
            { match readme {
                Some(text) => html! { <pre class="readme">{ text.clone() }</pre> },
                None => html! { <p class="muted">{ "This version has no readme." }</p> },
            } }
            </>
        },
    }
}

/// The package group a package belongs to and its effective origin restrictions.
#[function_component(PackageOrigin)]
pub fn package_origin(props: &DocsProps) -> Html {
    let store = use_store();
    let state = use_state(|| None::<Result<GetAssociatedPackageGroupResult, String>>);
    {
        let (state, api, dispatcher) = (state.clone(), client(&store), store.dispatcher());
        use_effect_with(props.package.clone(), move |p| {
            let q = GetAssociatedPackageGroupQuery {
                domain: Some(p.domain.clone()),
                format: Some(p.format.clone()),
                namespace: ns(p),
                package: Some(p.package.clone()),
                ..Default::default()
            };
            yew::platform::spawn_local(async move {
                let r = api.get_associated_package_group(&q).await;
                if let Err(e) = &r {
                    check_session(&dispatcher, e);
                }
                state.set(Some(r.map_err(|e| e.to_string())));
            });
        });
    }
    let Some(Ok(r)) = &*state else {
        return html! {};
    };
    let Some(g) = &r.package_group else {
        return html! {};
    };
    let weak = matches!(
        r.association_type,
        Some(wharf_core::groups::AssociationType::Weak)
    );
    let restrictions = g
        .origin_configuration
        .as_ref()
        .and_then(|o| o.restrictions.clone())
        .unwrap_or_default();
    html! {
        <p class="origin-restrictions">
            <span class="muted">{ "Package group " }</span>
            <code>{ g.pattern.clone().unwrap_or_default() }</code>
            if weak { <strong>{ " (weak match: every origin blocked)" }</strong> }
            { for restrictions.iter().map(|(t, r)| {
                let mode = r.effective_mode.map(|m| m.as_str()).unwrap_or("?");
                let from = r.inherited_from.as_ref().and_then(|f| f.pattern.clone())
                    .map(|p| format!(" from {p}")).unwrap_or_default();
                html! { <span class="restriction">{ format!(" · {}: {mode}{from}", t.as_str()) }</span> }
            }) }
        </p>
    }
}
