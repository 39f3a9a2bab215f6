//! `#/verify`: the destination's versions (all pages) compared with the source's; a copied
//! version is verified when both revisions are equal. The two repositories are fields, the
//! other one picked from the domain's repositories ("Compare with another repository…").

use crate::components::{
    ErrorBox, Field, RepositoryList, client, revision, use_repositories, use_store,
};
use crate::form::CopyForm;
use crate::plan::{Verdict, verify_rows};
use crate::state::Action;
use crate::state::Task;
use web_sys::HtmlSelectElement;
use wharf_core::api::{ListPackageVersionsQuery, PackageVersionSummary};
use wharf_core::names::PackageVersionStatus;
use yew::prelude::*;

type Lists = (Vec<PackageVersionSummary>, Vec<PackageVersionSummary>);

/// The verify view.
#[function_component(VerifyPage)]
pub fn verify_page() -> Html {
    let store = use_store();
    let form = store.copy.form.clone();
    let lists = use_state(|| Task::<Lists>::Idle);
    let status = use_state(String::new);
    let load = {
        let (lists, api, dispatcher) = (lists.clone(), client(&store), store.dispatcher());
        let form = form.clone();
        Callback::from(move |()| {
            let (lists, api, dispatcher, form) =
                (lists.clone(), api.clone(), dispatcher.clone(), form.clone());
            lists.set(Task::Running);
            yew::platform::spawn_local(async move {
                let q = |repo: &str| ListPackageVersionsQuery {
                    domain: Some(form.domain.trim().to_owned()),
                    repository: Some(repo.trim().to_owned()),
                    format: Some(form.format.trim().to_owned()),
                    namespace: (!form.namespace.trim().is_empty())
                        .then(|| form.namespace.trim().to_owned()),
                    package: Some(form.package.trim().to_owned()),
                    ..Default::default()
                };
                let src = api.list_all_package_versions(&q(&form.source)).await;
                let dst = api.list_all_package_versions(&q(&form.destination)).await;
                match (src, dst) {
                    (Ok(s), Ok(d)) => lists.set(Task::Done((s, d))),
                    (Err(e), _) | (_, Err(e)) => {
                        crate::components::check_session(&dispatcher, &e);
                        lists.set(Task::Failed(e.to_string()));
                    }
                }
            });
        })
    };
    {
        let load = load.clone();
        let ready = !form.domain.is_empty()
            && !form.source.is_empty()
            && !form.destination.is_empty()
            && !form.format.is_empty()
            && !form.package.is_empty();
        use_effect_with((form.clone(), ready), move |(_, ready)| {
            if *ready {
                load.emit(());
            }
        });
    }
    let on_status = {
        let status = status.clone();
        Callback::from(move |e: Event| {
            status.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let body = match &*lists {
        Task::Idle => {
            html! { <p class="muted">{ "Name a domain, source, destination, format and package on the copy form (or in the link) to verify." }</p> }
        }
        Task::Running => {
            html! { <p class="muted" aria-live="polite">{ "Reading every page of both repositories…" }</p> }
        }
        Task::Failed(e) => html! { <ErrorBox message={e.clone()} retry={load.clone()} /> },
        Task::Done((s, d)) => {
            let rows = verify_rows(&form.requested_versions(), s, d);
            let verified = rows
                .iter()
                .filter(|r| r.verdict == Verdict::Verified)
                .count();
            let shown: Vec<_> = rows
                .iter()
                .filter(|r| {
                    status.is_empty() || r.status.map(|s| s.as_str()) == Some(status.as_str())
                })
                .collect();
            html! {
                <>
                    <p class="summary"><span class="badge act-copy">{ format!("{verified} of {} verified", rows.len()) }</span></p>
                    <div class="table-wrap"><table id="verify-table" class="stack">
                        <thead><tr><th scope="col">{ "Version" }</th><th scope="col">{ "Check" }</th>
                            <th scope="col">{ "Destination status" }</th><th scope="col">{ "Source revision" }</th>
                            <th scope="col">{ "Destination revision" }</th></tr></thead>
                        <tbody>{ for shown.iter().map(|r| {
                            let (label, class) = match r.verdict {
                                Verdict::Verified => ("VERIFIED", "act-copy"),
                                Verdict::Differs => ("DIFFERS", "act-fail"),
                                Verdict::Missing => ("MISSING", "act-fail"),
                                Verdict::NotInSource => ("NOT IN SOURCE", "act-noop"),
                            };
                            html! { <tr>
                                <td data-label="Version"><code>{ &r.version }</code></td>
                                <td data-label="Check"><span class={classes!("badge", class)}>{ label }</span></td>
                                <td data-label="Destination status">{ r.status.map(|s| s.as_str()).unwrap_or("") }</td>
                                <td data-label="Source revision">{ revision(r.source_revision.as_deref()) }</td>
                                <td data-label="Destination revision">{ revision(r.destination_revision.as_deref()) }</td>
                            </tr> }
                        }) }</tbody>
                    </table></div>
                </>
            }
        }
    };
    let edit = crate::route::Route::Copy(CopyForm { ..form.clone() });
    let destination = if form.destination.is_empty() {
        "(choose a repository)".to_owned()
    } else {
        form.destination.clone()
    };
    html! {
        <section>
            <h1>{ "Verify a copy" }</h1>
            <p>{ format!("{} → {destination} · {} {}{}", form.source, form.format,
                if form.namespace.is_empty() { String::new() } else { format!("{}/", form.namespace) }, form.package) }
                { " · " }<a href={edit.to_hash()}>{ "Edit on the copy form" }</a></p>
            <CompareForm form={form.clone()} />
            <div class="filters">
                <div class="field"><label for="verify-status">{ "Destination status" }</label>
                    <select id="verify-status" onchange={on_status}>
                        <option value="" selected={status.is_empty()}>{ "Any" }</option>
                        { for PackageVersionStatus::ALL.iter().map(|s| html! {
                            <option value={s.as_str()} selected={*status == s.as_str()}>{ s.as_str() }</option>
                        }) }
                    </select></div>
                <div class="actions"><button type="button" class="secondary" onclick={load.reform(|_| ())}>{ "Refresh" }</button></div>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CompareProps {
    form: CopyForm,
}

/// The two repositories to compare, the other one picked from the domain's repositories.
#[function_component(CompareForm)]
fn compare_form(props: &CompareProps) -> Html {
    let store = use_store();
    let source = use_state(|| props.form.source.clone());
    let destination = use_state(|| props.form.destination.clone());
    let tried = use_state(|| false);
    {
        let (source, destination) = (source.clone(), destination.clone());
        use_effect_with(props.form.clone(), move |f| {
            source.set(f.source.clone());
            destination.set(f.destination.clone());
        });
    }
    // Arriving without the other repository ("Compare with another repository…"): its field
    // takes the focus.
    use_effect_with((), {
        let empty = props.form.destination.is_empty();
        move |()| {
            if empty
                && let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("verify-destination"))
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        }
    });
    let domain = props.form.domain.trim().to_owned();
    let names = use_repositories((!domain.is_empty()).then_some(domain));
    let required = |label: &str, value: &str| {
        if *tried && value.trim().is_empty() {
            vec![format!("{label}: name a repository of this domain.")]
        } else {
            Vec::new()
        }
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let onsubmit = {
        let (form, source, destination, tried) = (
            props.form.clone(),
            source.clone(),
            destination.clone(),
            tried.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if source.trim().is_empty() || destination.trim().is_empty() {
                return;
            }
            store.dispatch(Action::SetForm(CopyForm {
                source: source.trim().to_owned(),
                destination: destination.trim().to_owned(),
                overwrite: false,
                ..form.clone()
            }));
        })
    };
    html! {
        <form class="compare" {onsubmit} novalidate=true aria-label="Repositories to compare">
            <div class="grid">
                <Field id="verify-source" label="Source repository" value={(*source).clone()}
                    oninput={set(&source)} list="verify-repositories"
                    errors={required("Source repository", &source)} />
                <Field id="verify-destination" label="Compare with (destination repository)"
                    value={(*destination).clone()} oninput={set(&destination)} list="verify-repositories"
                    errors={required("Compare with", &destination)}
                    hint="Pick one of the domain's repositories or type its name" />
            </div>
            <RepositoryList id="verify-repositories" names={(*names).clone()} />
            <div class="actions"><button type="submit" id="compare-button">{ "Compare" }</button></div>
        </form>
    }
}
