//! Labelled form inputs with their inline errors, and the error box.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Properties of [`Field`].
#[derive(Properties, PartialEq)]
pub struct FieldProps {
    /// The input's id; the error list is `{id}-error`.
    pub id: AttrValue,
    /// The label text.
    pub label: AttrValue,
    /// The current value.
    pub value: AttrValue,
    /// Called with the new value on every keystroke.
    pub oninput: Callback<String>,
    /// Messages to show under the input.
    #[prop_or_default]
    pub errors: Vec<String>,
    /// A hint under the label.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Placeholder text.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// A multi-line text area instead of an input.
    #[prop_or_default]
    pub multiline: bool,
    /// The input type (`text`, `password`, `url`).
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    /// The `list` attribute (a datalist id) for suggestions.
    #[prop_or_default]
    pub list: Option<AttrValue>,
    /// Called when the input loses the focus (errors show from then on).
    #[prop_or_default]
    pub onblur: Callback<()>,
}

/// A label, an input and the input's errors, linked for assistive technology.
#[function_component(Field)]
pub fn field(props: &FieldProps) -> Html {
    let invalid = !props.errors.is_empty();
    let error_id = format!("{}-error", props.id);
    let hint_id = format!("{}-hint", props.id);
    let described = match (invalid, props.hint.is_some()) {
        (true, true) => Some(format!("{error_id} {hint_id}")),
        (true, false) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    let input = if props.multiline {
        let cb = props.oninput.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        let onblur = props.onblur.reform(|_: FocusEvent| ());
        html! {
            <textarea id={props.id.clone()} rows="4" value={props.value.clone()} {oninput} {onblur}
                placeholder={props.placeholder.clone()} aria-invalid={invalid.to_string()}
                aria-describedby={described} spellcheck="false" />
        }
    } else {
        let cb = props.oninput.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let onblur = props.onblur.reform(|_: FocusEvent| ());
        html! {
            <input id={props.id.clone()} type={props.kind.clone()} value={props.value.clone()}
                {oninput} {onblur} placeholder={props.placeholder.clone()} list={props.list.clone()}
                aria-invalid={invalid.to_string()} aria-describedby={described}
                autocomplete="off" spellcheck="false" />
        }
    };
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <small id={hint_id} class="hint">{ hint.clone() }</small>
            }
            { input }
            if invalid {
                <ul id={error_id} class="errors" role="alert">
                    { for props.errors.iter().map(|e| html! { <li>{ e }</li> }) }
                </ul>
            }
        </div>
    }
}

/// Properties of [`ErrorBox`].
#[derive(Properties, PartialEq)]
pub struct ErrorBoxProps {
    /// The message.
    pub message: AttrValue,
    /// What to do about it, if known.
    #[prop_or_default]
    pub retry: Option<Callback<()>>,
}

/// A plainly worded error with an optional "Try again" button.
#[function_component(ErrorBox)]
pub fn error_box(props: &ErrorBoxProps) -> Html {
    html! {
        <div class="notice error" role="alert">
            <span>{ props.message.clone() }</span>
            if let Some(retry) = &props.retry {
                <button type="button" class="secondary" onclick={retry.reform(|_| ())}>
                    { "Try again" }
                </button>
            }
        </div>
    }
}
