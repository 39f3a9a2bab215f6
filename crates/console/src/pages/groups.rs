//! `#/domains/D/package-groups`: a domain's package groups with their effective origin
//! restrictions; create a group, change its three restrictions, delete it.

use crate::components::{ErrorBox, check_session, client, use_store};
use crate::route::Route;
use std::collections::BTreeMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use wharf_core::api::{
    CreatePackageGroupBody, ListPackageGroupsQuery, PackageGroupDescription, PackageGroupQuery,
    UpdatePackageGroupOriginConfigurationBody,
};
use wharf_core::groups::{OriginRestrictionMode, OriginRestrictionType, PackageGroupPattern};
use yew::prelude::*;

/// The columns' order: as the table's header names them.
const COLUMNS: [OriginRestrictionType; 3] = [
    OriginRestrictionType::Publish,
    OriginRestrictionType::ExternalUpstream,
    OriginRestrictionType::InternalUpstream,
];

/// Properties of [`PackageGroupsPage`].
#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    /// The domain.
    pub domain: AttrValue,
}

fn cell(g: &PackageGroupDescription, t: OriginRestrictionType) -> String {
    let Some(r) = g
        .origin_configuration
        .as_ref()
        .and_then(|o| o.restrictions.as_ref())
        .and_then(|r| r.get(&t))
    else {
        return String::new();
    };
    let mode = r.mode.map(|m| m.as_str()).unwrap_or("");
    match (r.mode, r.effective_mode, &r.inherited_from) {
        (Some(OriginRestrictionMode::Inherit), Some(e), Some(f)) => format!(
            "{mode} → {} (from {})",
            e.as_str(),
            f.pattern.clone().unwrap_or_default()
        ),
        _ => mode.to_owned(),
    }
}

/// The groups of a domain, a form to create one and, per group, its restrictions to change.
#[function_component(PackageGroupsPage)]
pub fn package_groups_page(props: &GroupsProps) -> Html {
    let store = use_store();
    let domain = props.domain.to_string();
    let groups = use_state(|| None::<Result<Vec<PackageGroupDescription>, String>>);
    let message = use_state(|| None::<String>);
    let reload = use_state(|| 0u32);
    {
        let (groups, api, dispatcher) = (groups.clone(), client(&store), store.dispatcher());
        use_effect_with((domain.clone(), *reload), move |(d, _)| {
            let q = ListPackageGroupsQuery {
                domain: Some(d.clone()),
                max_results: Some("1000".to_owned()),
                ..Default::default()
            };
            yew::platform::spawn_local(async move {
                let r = api.list_package_groups(&q).await;
                if let Err(e) = &r {
                    check_session(&dispatcher, e);
                }
                groups.set(Some(
                    r.map(|p| p.package_groups.unwrap_or_default())
                        .map_err(|e| e.to_string()),
                ));
            });
        });
    }
    let pattern = use_node_ref();
    let create = {
        let (api, domain, pattern, message, reload) = (
            client(&store),
            domain.clone(),
            pattern.clone(),
            message.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = pattern
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_owned())
                .unwrap_or_default();
            // The same check the service makes, before anything is sent.
            if let Err(err) = PackageGroupPattern::parse(&text) {
                message.set(Some(err.message));
                return;
            }
            let (api, domain, message, reload) =
                (api.clone(), domain.clone(), message.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                let q = wharf_core::api::CreatePackageGroupQuery {
                    domain: Some(domain),
                    domain_owner: None,
                };
                let body = CreatePackageGroupBody {
                    package_group: Some(text.clone()),
                    ..Default::default()
                };
                match api.create_package_group(&q, &body).await {
                    Ok(_) => {
                        message.set(Some(format!("Created {text}.")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => message.set(Some(e.to_string())),
                }
            });
        })
    };
    let rows = match &*groups {
        None => html! { <tr><td colspan="5" class="muted">{ "Loading…" }</td></tr> },
        Some(Err(e)) => html! { <tr><td colspan="5"><ErrorBox message={e.clone()} /></td></tr> },
        Some(Ok(list)) => list
            .iter()
            .map(|g| {
                html! {
                    <GroupRow domain={domain.clone()} group={g.clone()}
                        message={message.setter()} reload={reload.setter()} generation={*reload} />
                }
            })
            .collect::<Html>(),
    };
    html! {
        <section>
            <nav class="crumbs" aria-label="Breadcrumb"><ol>
                <li><a href={Route::Domains.to_hash()}>{ "Domains" }</a></li>
                <li><a href={Route::Repositories { domain: domain.clone() }.to_hash()}>{ domain.clone() }</a></li>
                <li aria-current="page">{ "Package groups" }</li>
            </ol></nav>
            <h1>{ format!("Package groups in {domain}") }</h1>
            if let Some(m) = &*message { <p class="notice" role="status">{ m.clone() }</p> }
            <form class="inline" onsubmit={create}>
                <label>{ "New group pattern " }
                    <input ref={pattern} placeholder="/npm/acme/*" aria-label="Package group pattern" /></label>
                <button type="submit">{ "Create" }</button>
            </form>
            <div class="table-wrap"><table>
                <thead><tr><th scope="col">{ "Pattern" }</th><th scope="col">{ "PUBLISH" }</th>
                    <th scope="col">{ "EXTERNAL_UPSTREAM" }</th><th scope="col">{ "INTERNAL_UPSTREAM" }</th>
                    <th scope="col">{ "Change" }</th></tr></thead>
                <tbody>{ rows }</tbody>
            </table></div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    domain: String,
    group: PackageGroupDescription,
    message: UseStateSetter<Option<String>>,
    reload: UseStateSetter<u32>,
    generation: u32,
}

#[function_component(GroupRow)]
fn group_row(props: &RowProps) -> Html {
    let store = use_store();
    let pattern = props.group.pattern.clone().unwrap_or_default();
    let selects: Vec<(OriginRestrictionType, NodeRef)> = COLUMNS
        .into_iter()
        .map(|t| (t, NodeRef::default()))
        .collect();
    let apply = {
        let (api, domain, pattern) = (client(&store), props.domain.clone(), pattern.clone());
        let (message, reload, generation) = (
            props.message.clone(),
            props.reload.clone(),
            props.generation,
        );
        let selects = selects.clone();
        Callback::from(move |_: MouseEvent| {
            let restrictions: BTreeMap<String, String> = selects
                .iter()
                .filter_map(|(t, r)| {
                    let v = r.cast::<HtmlSelectElement>()?.value();
                    (!v.is_empty()).then(|| (t.as_str().to_owned(), v))
                })
                .collect();
            let q = PackageGroupQuery {
                domain: Some(domain.clone()),
                domain_owner: None,
                package_group: Some(pattern.clone()),
            };
            let body = UpdatePackageGroupOriginConfigurationBody {
                restrictions: Some(restrictions),
                ..Default::default()
            };
            let (api, message, reload, pattern) = (
                api.clone(),
                message.clone(),
                reload.clone(),
                pattern.clone(),
            );
            yew::platform::spawn_local(async move {
                match api
                    .update_package_group_origin_configuration(&q, &body)
                    .await
                {
                    Ok(_) => {
                        message.set(Some(format!("Updated {pattern}.")));
                        reload.set(generation + 1);
                    }
                    Err(e) => message.set(Some(e.to_string())),
                }
            });
        })
    };
    let delete = {
        let (api, domain, pattern) = (client(&store), props.domain.clone(), pattern.clone());
        let (message, reload, generation) = (
            props.message.clone(),
            props.reload.clone(),
            props.generation,
        );
        Callback::from(move |_: MouseEvent| {
            let q = PackageGroupQuery {
                domain: Some(domain.clone()),
                domain_owner: None,
                package_group: Some(pattern.clone()),
            };
            let (api, message, reload, pattern) = (
                api.clone(),
                message.clone(),
                reload.clone(),
                pattern.clone(),
            );
            yew::platform::spawn_local(async move {
                match api.delete_package_group(&q).await {
                    Ok(_) => {
                        message.set(Some(format!("Deleted {pattern}.")));
                        reload.set(generation + 1);
                    }
                    Err(e) => message.set(Some(e.to_string())),
                }
            });
        })
    };
    let root = pattern == "/*";
    html! { <tr>
        <td><code>{ pattern.clone() }</code></td>
        { for COLUMNS.into_iter().map(|t| html! { <td>{ cell(&props.group, t) }</td> }) }
        <td>
            { for selects.iter().map(|(t, r)| html! {
                <select ref={r.clone()} aria-label={format!("{} of {pattern}", t.as_str())}>
                    <option value="">{ format!("{}: unchanged", t.as_str()) }</option>
                    { for OriginRestrictionMode::ALL.into_iter()
                        .filter(|m| !(root && *m == OriginRestrictionMode::Inherit))
                        .map(|m| html! { <option value={m.as_str()}>{ m.as_str() }</option> }) }
                </select>
            }) }
            <button type="button" onclick={apply}>{ "Apply" }</button>
            if !root { <button type="button" class="secondary" onclick={delete}>{ "Delete" }</button> }
        </td>
    </tr> }
}
