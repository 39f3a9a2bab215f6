//! The copy form: every input validated with `wharf_core` as the user types, errors on their
//! field, versions picked from the source's list or typed, and the Plan and Run buttons.

use super::{Field, SelectTools, VersionQuery, client, short_revision, use_store};
use crate::form::FormField;
use crate::state::Action;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use wharf_core::api::{ListPackageVersionsQuery, PackageVersionSummary};
use wharf_core::names::PackageFormat;
use yew::prelude::*;

/// Properties of [`CopyFormView`].
#[derive(Properties, PartialEq)]
pub struct CopyFormProps {
    /// Plan (dry run) the copy.
    pub onplan: Callback<()>,
    /// Run the copy.
    pub onrun: Callback<()>,
    /// A plan or run is in progress.
    #[prop_or_default]
    pub busy: bool,
    /// There is a current plan that would pass: Run may be offered.
    #[prop_or_default]
    pub can_run: bool,
    /// Why Run is on or off, shown next to it.
    #[prop_or_default]
    pub run_hint: AttrValue,
}

type SourceKey = (String, String, String, String, String);
type SourceVersions = Option<(SourceKey, Result<Vec<PackageVersionSummary>, String>)>;

/// The copy form, bound to the store's [`crate::state::CopyState`].
#[function_component(CopyFormView)]
pub fn copy_form(props: &CopyFormProps) -> Html {
    let store = use_store();
    let form = &store.copy.form;
    let all_errors = form.validate();
    let errors = store.copy.visible_errors();
    let errs = |f: FormField| errors.get(&f).cloned().unwrap_or_default();
    let edit = |f: FormField| {
        let store = store.clone();
        Callback::from(move |v: String| store.dispatch(Action::Edit(f, v)))
    };
    let touch = |f: FormField| {
        let store = store.clone();
        Callback::from(move |()| store.dispatch(Action::Touch(f)))
    };

    // The source's versions, for the checkboxes, once the package is named validly.
    let key_ok = [
        FormField::Domain,
        FormField::Source,
        FormField::Format,
        FormField::Namespace,
        FormField::Package,
    ]
    .iter()
    .all(|f| !all_errors.contains_key(f));
    let key: Option<SourceKey> = key_ok.then(|| {
        (
            form.domain.trim().to_owned(),
            form.source.trim().to_owned(),
            form.format.trim().to_owned(),
            form.namespace.trim().to_owned(),
            form.package.trim().to_owned(),
        )
    });
    let source_versions = use_state(|| SourceVersions::None);
    let query = use_state(VersionQuery::default);
    {
        let source_versions = source_versions.clone();
        let api = client(&store);
        let dispatcher = store.dispatcher();
        use_effect_with(key.clone(), move |key| {
            if let Some(key) = key.clone() {
                let (domain, repository, format, namespace, package) = key.clone();
                let query = ListPackageVersionsQuery {
                    domain: Some(domain),
                    repository: Some(repository),
                    format: Some(format),
                    namespace: (!namespace.is_empty()).then_some(namespace),
                    package: Some(package),
                    ..Default::default()
                };
                yew::platform::spawn_local(async move {
                    let result = api.list_all_package_versions(&query).await;
                    if let Err(e) = &result {
                        super::check_session(&dispatcher, e);
                    }
                    source_versions.set(Some((key, result.map_err(|e| e.to_string()))));
                });
            }
        });
    }
    let picker = match (&*source_versions, &key) {
        (Some((k, Ok(versions))), Some(key)) if k == key => {
            if versions.is_empty() {
                html! { <p class="muted">{ "The source holds no versions of this package." }</p> }
            } else {
                let onselect = {
                    let store = store.clone();
                    Callback::from(move |list: Vec<String>| {
                        store.dispatch(Action::Edit(FormField::Versions, list.join("\n")))
                    })
                };
                let onquery = {
                    let query = query.clone();
                    Callback::from(move |q: VersionQuery| query.set(q))
                };
                let all: Vec<String> = versions.iter().map(|v| v.version.clone()).collect();
                let chosen = all.iter().filter(|v| form.has_version(v)).count();
                html! {
                    <fieldset class="picker">
                        <legend>{ format!("Versions in {} ({} in all)", key.1, versions.len()) }</legend>
                        <SelectTools id="picker" all={all.clone()} selected={chosen}
                            query={(*query).clone()} {onquery} {onselect} />
                        <div class="picker-list">
                        { for versions.iter().filter(|v| query.matches(&v.version)).map(|v| {
                            let version = v.version.clone();
                            let store = store.clone();
                            let onchange = Callback::from(move |_: Event| {
                                store.dispatch(Action::ToggleVersion(version.clone()))
                            });
                            html! {
                                <label class="check">
                                    <input type="checkbox" checked={form.has_version(&v.version)} {onchange} />
                                    <code>{ &v.version }</code>
                                    <span class="muted">{ v.status.as_str() }</span>
                                    { short_revision(v.revision.as_deref()) }
                                </label>
                            }
                        }) }
                        </div>
                    </fieldset>
                }
            }
        }
        (Some((k, Err(e))), Some(key)) if k == key => {
            html! { <p class="error-text">{ format!("Could not list the source's versions: {e}") }</p> }
        }
        (_, Some(_)) => html! { <p class="muted">{ "Listing the source's versions…" }</p> },
        _ => html! {},
    };

    // Repository names of the domain, suggested for the source and destination inputs.
    let domain_ok = !form.domain.trim().is_empty() && !all_errors.contains_key(&FormField::Domain);
    let repositories = super::use_repositories(domain_ok.then(|| form.domain.trim().to_owned()));
    let on_format = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            store.dispatch(Action::Edit(FormField::Format, v))
        })
    };
    let checkbox = |checked: bool, make: fn(bool) -> Action| {
        let store = store.clone();
        let onchange = Callback::from(move |e: Event| {
            store.dispatch(make(
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ))
        });
        html! { <input type="checkbox" {checked} {onchange} /> }
    };
    let format_errors = errs(FormField::Format);
    let invalid = !all_errors.is_empty();
    let submit = |cb: Callback<()>| {
        let store = store.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            store.dispatch(Action::Submit);
            if !invalid {
                cb.emit(())
            }
        })
    };
    let onrun = props.onrun.reform(|_: MouseEvent| ());
    html! {
        <form class="copy-form" onsubmit={submit(props.onplan.clone())} novalidate=true>
            <div class="grid">
                <Field id="copy-domain" label="Domain" value={form.domain.clone()}
                    oninput={edit(FormField::Domain)} onblur={touch(FormField::Domain)} errors={errs(FormField::Domain)} placeholder="my-domain" />
                <Field id="copy-source" label="Source repository" value={form.source.clone()}
                    oninput={edit(FormField::Source)} onblur={touch(FormField::Source)} errors={errs(FormField::Source)} list="copy-repositories" />
                <Field id="copy-destination" label="Destination repository" value={form.destination.clone()}
                    oninput={edit(FormField::Destination)} onblur={touch(FormField::Destination)} errors={errs(FormField::Destination)} list="copy-repositories" />
                <div class={classes!("field", (!format_errors.is_empty()).then_some("invalid"))}>
                    <label for="copy-format">{ "Format" }</label>
                    <select id="copy-format" onchange={on_format}
                        aria-invalid={(!format_errors.is_empty()).to_string()}>
                        <option value="" selected={form.format.is_empty()}>{ "Choose…" }</option>
                        { for PackageFormat::ALL.iter().map(|f| {
                            let name = f.to_string();
                            html! { <option selected={form.format == name} value={name.clone()}>{ name }</option> }
                        }) }
                    </select>
                    if !format_errors.is_empty() {
                        <ul id="copy-format-error" class="errors" role="alert">
                            { for format_errors.iter().map(|e| html! { <li>{ e }</li> }) }
                        </ul>
                    }
                </div>
                <Field id="copy-namespace" label="Namespace" value={form.namespace.clone()}
                    oninput={edit(FormField::Namespace)} onblur={touch(FormField::Namespace)} errors={errs(FormField::Namespace)}
                    hint="npm scope without @, Maven groupId; empty for PyPI, NuGet, Ruby, Cargo" />
                <Field id="copy-package" label="Package" value={form.package.clone()}
                    oninput={edit(FormField::Package)} onblur={touch(FormField::Package)} errors={errs(FormField::Package)} />
            </div>
            <super::RepositoryList id="copy-repositories" names={(*repositories).clone()} />
            { picker }
            <Field id="copy-versions" label="Versions" value={form.versions.clone()} multiline=true
                oninput={edit(FormField::Versions)} onblur={touch(FormField::Versions)} errors={errs(FormField::Versions)}
                hint="One per line or comma-separated; VERSION=REVISION to pin a revision. More than 100 run as several calls." />
            <div class="checks">
                <label class="check">{ checkbox(form.overwrite, Action::SetOverwrite) }
                    { "Allow overwrite of differing destination versions" }</label>
                <label class="check">{ checkbox(form.upstream, Action::SetUpstream) }
                    { "Include versions from upstream repositories" }</label>
            </div>
            if let Some(general) = errors.get(&FormField::General) {
                <ul class="errors" role="alert">{ for general.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            }
            <div class="actions">
                <button type="submit" id="plan-button" disabled={props.busy}>{ "Plan (dry run)" }</button>
                <button type="button" id="run-button" class="danger" onclick={onrun}
                    disabled={!props.can_run || props.busy} aria-describedby="run-hint">{ "Run copy…" }</button>
                <span class="muted" id="run-hint">{ props.run_hint.clone() }</span>
            </div>
        </form>
    }
}
