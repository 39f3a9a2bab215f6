//! Long values made usable without a mouse: a "Copy" button that puts a value on the clipboard
//! (`navigator.clipboard.writeText`) and says whether it worked, and a revision shown shortened
//! whose full value opens from the keyboard (a `<details>` disclosure) with its own copy button.

use crate::diff::shorten;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Properties of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The value to copy.
    pub text: AttrValue,
    /// What it is, for screen readers ("the revision", "release's SHA-256 of a.tgz").
    pub what: AttrValue,
}

/// A button that copies `text` to the clipboard, then says "Copied" (or why not).
#[function_component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let state = use_state(|| None::<bool>);
    let onclick = {
        let (state, text) = (state.clone(), props.text.clone());
        Callback::from(move |_: MouseEvent| {
            let (state, text) = (state.clone(), text.clone());
            yew::platform::spawn_local(async move {
                let ok = match web_sys::window() {
                    Some(w) => JsFuture::from(w.navigator().clipboard().write_text(&text))
                        .await
                        .is_ok(),
                    None => false,
                };
                state.set(Some(ok));
            });
        })
    };
    html! {
        <>
            <button type="button" class="link copy" data-copy={props.text.clone()} {onclick}>
                { "Copy" }<span class="sr-only">{ format!(" {}", props.what) }</span>
            </button>
            <span class="muted copy-status" role="status">{ match *state {
                Some(true) => "Copied",
                Some(false) => "Could not copy: select the text instead",
                None => "",
            } }</span>
        </>
    }
}

/// Properties of [`Revision`].
#[derive(Properties, PartialEq)]
pub struct RevisionProps {
    /// The full revision.
    pub value: AttrValue,
}

/// A revision shortened; Enter or a click on it shows the whole value and a copy button.
#[function_component(Revision)]
pub fn revision(props: &RevisionProps) -> Html {
    html! {
        <details class="rev">
            <summary><code class="rev" title={props.value.clone()}>{ shorten(&props.value) }</code></summary>
            <code class="wrap rev-full">{ props.value.clone() }</code>
            { " " }<CopyButton text={props.value.clone()} what="the revision" />
        </details>
    }
}
