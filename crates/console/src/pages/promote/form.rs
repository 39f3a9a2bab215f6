//! The promote form: source and destination (domain and repository each), the versions as a
//! lockfile (pasted or uploaded), an explicit list or a selection, the options and the reason,
//! and the Plan and Run buttons.

use crate::components::Field;
use crate::promote::{InputKind, Problems, PromoteForm};
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`PromoteFormView`].
#[derive(Properties, PartialEq)]
pub struct PromoteFormProps {
    /// The form as typed.
    pub form: PromoteForm,
    /// The lockfile's text (kept out of the form: it is too big for an address).
    pub lockfile: AttrValue,
    /// Problems to show, per input id.
    pub problems: Problems,
    /// A plan or run is going on.
    pub busy: bool,
    /// Run is allowed (a current plan that would pass).
    pub can_run: bool,
    /// Why Run is (not) allowed, next to it.
    pub run_hint: AttrValue,
    /// The form changed.
    pub onchange: Callback<PromoteForm>,
    /// The lockfile's text changed (with the file's name when uploaded).
    pub onlockfile: Callback<(String, Option<String>)>,
    /// Plan.
    pub onplan: Callback<()>,
    /// Run (asks first).
    pub onrun: Callback<()>,
}

/// Reads an uploaded file's text and hands it on with the file's name.
fn read_file(input: &HtmlInputElement, done: Callback<(String, Option<String>)>) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let name = file.name();
    let then =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |text: wasm_bindgen::JsValue| {
            done.emit((text.as_string().unwrap_or_default(), Some(name.clone())));
        });
    let _ = file.text().then(&then);
    // Called once by the promise; a few bytes left behind per upload.
    then.forget();
}

/// The promote form.
#[function_component(PromoteFormView)]
pub fn promote_form_view(props: &PromoteFormProps) -> Html {
    let form = &props.form;
    let errors = |id: &str| props.problems.get(id).cloned().unwrap_or_default();
    let text = |id: &'static str,
                label: &'static str,
                value: &str,
                set: fn(&mut PromoteForm, String),
                hint: Option<&'static str>| {
        let (form, onchange) = (form.clone(), props.onchange.clone());
        let oninput = Callback::from(move |v: String| {
            let mut f = form.clone();
            set(&mut f, v);
            onchange.emit(f)
        });
        html! {
            <Field {id} {label} value={value.to_owned()} {oninput} errors={errors(id)}
                hint={hint.map(AttrValue::from)} />
        }
    };
    let check = |id: &'static str,
                 label: &'static str,
                 on: bool,
                 set: fn(&mut PromoteForm, bool)| {
        let (form, onchange) = (form.clone(), props.onchange.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut f = form.clone();
            set(
                &mut f,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            );
            onchange.emit(f)
        });
        html! { <label class="check"><input type="checkbox" {id} checked={on} {onchange} />{ label }</label> }
    };
    let kind = form.input_kind();
    let radio = |k: InputKind, label: &'static str| {
        let (form, onchange) = (form.clone(), props.onchange.clone());
        let onchange = Callback::from(move |_: Event| {
            let mut f = form.clone();
            f.input = k.as_str().to_owned();
            onchange.emit(f)
        });
        let id = format!("input-{}", k.as_str());
        html! { <label class="check"><input type="radio" name="promote-input" {id} checked={kind == k} {onchange} />{ label }</label> }
    };
    let select = |id: &'static str,
                  label: &'static str,
                  value: &str,
                  options: &'static [(&'static str, &'static str)],
                  set: fn(&mut PromoteForm, String)| {
        let (form, onchange) = (form.clone(), props.onchange.clone());
        let onchange = Callback::from(move |e: Event| {
            let mut f = form.clone();
            set(
                &mut f,
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            );
            onchange.emit(f)
        });
        let errs = errors(id);
        html! {
            <div class={classes!("field", (!errs.is_empty()).then_some("invalid"))}>
                <label for={id}>{ label }</label>
                <select {id} {onchange} aria-invalid={(!errs.is_empty()).to_string()}>
                    { for options.iter().map(|(v, t)| html! { <option value={*v} selected={value == *v}>{ *t }</option> }) }
                </select>
                if !errs.is_empty() {
                    <ul class="errors" role="alert">{ for errs.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
                }
            </div>
        }
    };
    let versions = match kind {
        InputKind::Lockfile => {
            let onlockfile = props.onlockfile.clone();
            let oninput = Callback::from(move |v: String| onlockfile.emit((v, None)));
            let onfile = {
                let done = props.onlockfile.clone();
                Callback::from(move |e: Event| {
                    read_file(&e.target_unchecked_into::<HtmlInputElement>(), done.clone())
                })
            };
            let hint = if form.lockfile_name.is_empty() {
                "Paste the text of package-lock.json (lockfileVersion 2 or 3), or choose the file below. Every registry package it pins is promoted.".to_owned()
            } else {
                format!(
                    "From {}. Every registry package it pins is promoted.",
                    form.lockfile_name
                )
            };
            html! {
                <>
                    <Field id="promote-lockfile" label="package-lock.json" value={props.lockfile.clone()} {oninput}
                        multiline=true errors={errors("promote-lockfile")} hint={AttrValue::from(hint)}
                        placeholder={AttrValue::from("{ \"lockfileVersion\": 3, \"packages\": { … } }")} />
                    <div class="field">
                        <label for="promote-lockfile-file">{ "Or upload the lockfile" }</label>
                        <input type="file" id="promote-lockfile-file" accept=".json,application/json" onchange={onfile} />
                    </div>
                </>
            }
        }
        InputKind::Packages => html! {
            <Field id="promote-packages" label="Packages and versions" value={form.packages.clone()}
                multiline=true errors={errors("promote-packages")}
                hint={AttrValue::from("One per line: FORMAT/NAMESPACE/NAME@VERSION, several versions separated by commas. npm//left-pad@1.3.0 has no namespace; npm/babel/core@7.0.0 is @babel/core.")}
                oninput={{
                    let (form, onchange) = (form.clone(), props.onchange.clone());
                    Callback::from(move |v: String| { let mut f = form.clone(); f.packages = v; onchange.emit(f) })
                }} />
        },
        InputKind::Select => html! {
            <div class="grid">
                { select("promote-select-format", "Format", &form.select_format,
                    &[("", "Choose…"), ("npm", "npm"), ("pypi", "pypi"), ("maven", "maven"), ("nuget", "nuget"),
                      ("generic", "generic"), ("ruby", "ruby"), ("swift", "swift"), ("cargo", "cargo")],
                    |f, v| f.select_format = v) }
                { text("promote-select-namespace", "Namespace", &form.select_namespace, |f, v| f.select_namespace = v, None) }
                { text("promote-select-prefix", "Package name prefix", &form.select_prefix, |f, v| f.select_prefix = v,
                    Some("Empty: every package")) }
                { select("promote-select-status", "Version status", &form.select_status,
                    &[("", "Published"), ("Unlisted", "Unlisted"), ("Archived", "Archived")],
                    |f, v| f.select_status = v) }
            </div>
        },
    };
    let onsubmit = {
        let onplan = props.onplan.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onplan.emit(())
        })
    };
    let onrun = props.onrun.reform(|_: MouseEvent| ());
    html! {
        <form class="copy-form" novalidate=true {onsubmit} aria-label="Promotion">
            if let Some(general) = props.problems.get("promote-general") {
                <ul class="errors" role="alert">{ for general.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            }
            <div class="grid">
                <fieldset class="picker">
                    <legend>{ "From" }</legend>
                    { text("promote-domain", "Source domain", &form.domain, |f, v| f.domain = v, None) }
                    { text("promote-source", "Source repository", &form.source, |f, v| f.source = v, None) }
                </fieldset>
                <fieldset class="picker">
                    <legend>{ "Into" }</legend>
                    { text("promote-dest-domain", "Destination domain", &form.dest_domain, |f, v| f.dest_domain = v,
                        Some("Empty: the source's domain. Another domain makes a cross-domain promotion.")) }
                    { text("promote-destination", "Destination repository", &form.destination, |f, v| f.destination = v, None) }
                </fieldset>
            </div>
            <fieldset class="picker">
                <legend>{ "What to promote" }</legend>
                <div class="checks">
                    { radio(InputKind::Lockfile, "A lockfile") }
                    { radio(InputKind::Packages, "A list of packages") }
                    { radio(InputKind::Select, "A selection in the source") }
                </div>
                { versions }
            </fieldset>
            <div class="checks">
                { check("opt-with-dependencies", "Add missing dependencies (npm)", form.with_dependencies, |f, v| f.with_dependencies = v) }
                { check("opt-allow-unsatisfied", "Allow unsatisfied dependencies", form.allow_unsatisfied, |f, v| f.allow_unsatisfied = v) }
                { check("opt-allow-overwrite", "Allow overwrite of differing destination versions", form.allow_overwrite, |f, v| f.allow_overwrite = v) }
                { check("opt-include-from-upstream", "Include versions from the source's upstreams", form.include_from_upstream, |f, v| f.include_from_upstream = v) }
            </div>
            { text("promote-reason", "Reason (stored with the record)", &form.reason, |f, v| f.reason = v,
                Some("For example: release 2.3, CI run 1234")) }
            <div class="actions">
                <button type="submit" id="promote-plan-button" disabled={props.busy}>{ "Plan" }</button>
                <button type="button" class="danger" id="promote-run-button" disabled={!props.can_run}
                    aria-describedby="promote-run-hint" onclick={onrun}>{ "Run…" }</button>
                <span class="muted" id="promote-run-hint">{ props.run_hint.clone() }</span>
            </div>
        </form>
    }
}
