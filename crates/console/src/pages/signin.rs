//! Sign in: the endpoint and a token from GetAuthorizationToken, checked with a ListDomains
//! call before they are stored. A sign-in link (`#/signin?token=...&endpoint=...`, which
//! `wharf serve --demo` prints) fills both in and signs in at once.

use crate::api::ApiClient;
use crate::components::{ErrorBox, Field, use_store};
use crate::route::SignInLink;
use crate::state::{Action, Session};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wharf_core::api::ListDomainsBody;
use yew::prelude::*;

/// The sign-in view.
#[function_component(SignInPage)]
pub fn sign_in_page() -> Html {
    let store = use_store();
    // The link in the address bar: read on the first render (before the address bar is
    // rewritten to `#/signin`) and again whenever the hash changes to another sign-in link.
    let link = use_state(SignInLink::current);
    let endpoint = use_state(|| match link.as_ref() {
        Some(l) if !l.endpoint.is_empty() => l.endpoint.clone(),
        _ => crate::session::last_endpoint(),
    });
    let token = use_state(|| link.as_ref().map(|l| l.token.clone()).unwrap_or_default());
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sign_in = {
        let (error, busy, store) = (error.clone(), busy.clone(), store.clone());
        Callback::from(move |session: Session| {
            if session.token.is_empty() {
                error.set(Some("Paste a token first.".to_owned()));
                return;
            }
            busy.set(true);
            error.set(None);
            let (error, busy, store) = (error.clone(), busy.clone(), store.clone());
            yew::platform::spawn_local(async move {
                let api = ApiClient::new(session.endpoint.clone(), session.token.clone());
                let check = api
                    .list_domains(&ListDomainsBody {
                        max_results: Some(1),
                        next_token: None,
                    })
                    .await;
                busy.set(false);
                match check {
                    Ok(_) => store.dispatch(Action::SignIn(session)),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    {
        let link = link.clone();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn Fn()>::new(move || {
                if let Some(l) = SignInLink::current() {
                    link.set(Some(l));
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    {
        let (sign_in, endpoint, token) = (sign_in.clone(), endpoint.clone(), token.clone());
        use_effect_with((*link).clone(), move |link| {
            if let Some(l) = link {
                let session = Session {
                    endpoint: if l.endpoint.is_empty() {
                        endpoint.trim().trim_end_matches('/').to_owned()
                    } else {
                        l.endpoint.clone()
                    },
                    token: l.token.clone(),
                };
                endpoint.set(session.endpoint.clone());
                token.set(session.token.clone());
                sign_in.emit(session);
            }
        });
    }
    let onsubmit = {
        let (endpoint, token) = (endpoint.clone(), token.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            sign_in.emit(Session {
                endpoint: endpoint.trim().trim_end_matches('/').to_owned(),
                token: token.trim().to_owned(),
            });
        })
    };
    let set = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v: String| h.set(v))
    };
    html! {
        <section class="card narrow signin">
            <h1>{ "Sign in to Wharf" }</h1>
            <p class="muted">{ "Paste a token from " }
                <code>{ "aws codeartifact get-authorization-token --domain D --query authorizationToken --output text --endpoint-url URL" }</code>
                { ", or open the sign-in link " }<code>{ "wharf serve --demo" }</code>{ " prints." }</p>
            <form {onsubmit}>
                <Field id="signin-endpoint" label="Endpoint" kind="url" value={(*endpoint).clone()}
                    oninput={set(&endpoint)} hint="The Wharf service URL; this page's origin by default." />
                <Field id="signin-token" label="Token" kind="password" value={(*token).clone()}
                    oninput={set(&token)} />
                if let Some(e) = &*error {
                    <ErrorBox message={e.clone()} />
                }
                <div class="actions">
                    <button type="submit" disabled={*busy}>
                        { if *busy { "Checking…" } else { "Sign in" } }
                    </button>
                </div>
            </form>
        </section>
    }
}
