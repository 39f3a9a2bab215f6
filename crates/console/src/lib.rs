//! # wharf-console
//!
//! Wharf's browser console, a Yew app built by trunk from the workspace's `index.html`:
//! sign in with a token, browse domains → repositories → packages → versions → assets, plan a
//! copy as a dry run (with `wharf_core::copy::preview` and revision diffs), run it in batches
//! of 100, and verify the destination.
//!
//! Layout: [`api`] is the only module that talks HTTP; [`state`] is the reducer store;
//! [`route`] the hash routes; [`form`], [`plan`], [`verdict`] and [`run`] are pure helpers
//! (tested natively), as is [`promote`] for the "Promote a release" form and its sentences;
//! [`activity`] holds the "Activity" view's filters and sentences; [`workflow`] drives the
//! dry run and the run; [`pages`] has one component per view and
//! [`components`] the shared pieces.

pub mod activity;
pub mod api;
pub mod components;
pub mod diff;
pub mod form;
pub mod handoff;
pub mod large_copy;
pub mod pages;
pub mod plan;
pub mod promote;
pub mod route;
pub mod run;
pub mod select;
pub mod session;
pub mod state;
pub mod verdict;
pub mod workflow;

use components::{Store, use_store};
use pages::{ActivityPage, PromotePage, PromotionPage, PromotionsPage};
use pages::{
    CopyPage, DomainsPage, PackageGroupsPage, PackagesPage, RepositoriesPage, SignInPage,
    VerifyPage, VersionPage, VersionsPage,
};
use route::Route;
use state::{Action, AppState};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Properties of [`StoreProvider`].
#[derive(Properties, PartialEq)]
pub struct StoreProviderProps {
    /// The store's first state.
    pub initial: AppState,
    /// The views under the store.
    #[prop_or_default]
    pub children: Html,
}

/// Holds the [`AppState`] reducer and provides it to its children as a [`Store`].
#[function_component(StoreProvider)]
pub fn store_provider(props: &StoreProviderProps) -> Html {
    let initial = props.initial.clone();
    let store = use_reducer(move || initial);
    html! {
        <ContextProvider<Store> context={store}>{ props.children.clone() }</ContextProvider<Store>>
    }
}

/// The application root: the store, started from `localStorage` and `location.hash`.
#[function_component(App)]
pub fn app() -> Html {
    let initial = use_memo((), |()| {
        let mut state = AppState::new(session::load(), route::current());
        state.copy.replan = route::plan_requested();
        state
    });
    html! {
        <StoreProvider initial={(*initial).clone()}>
            <Shell />
        </StoreProvider>
    }
}

/// Keeps the store and the address bar in step, persists the session, and lays out the page.
#[function_component(Shell)]
pub fn shell() -> Html {
    let store = use_store();
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn Fn()>::new(move || {
                dispatcher.dispatch(Action::Navigate(route::current()));
                if route::plan_requested() {
                    dispatcher.dispatch(Action::RequestPlan);
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
    use_effect_with(store.session.clone(), |s| session::store(s.as_ref()));
    // A copy view whose plan is shown carries the plan marker, so its link restores the plan.
    let planned = store.copy.current_plan().is_some();
    use_effect_with((store.route.clone(), planned), |(r, planned)| {
        route::replace_hash(route::link_with_plan(r, *planned));
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            d.set_title(&r.title());
        }
    });

    let signed_in = store.session.is_some();
    let view = if !signed_in && store.route.needs_session() {
        html! { <SignInPage /> }
    } else {
        page(&store.route)
    };
    let nav = |r: Route, text: &'static str, active: bool| {
        html! {
            <a href={r.to_hash()} aria-current={active.then_some("page")}>{ text }</a>
        }
    };
    let form = store.copy.form.clone();
    // A verify never writes: its link carries no overwrite.
    let verify_form = form::CopyForm {
        overwrite: false,
        ..form.clone()
    };
    let who = store
        .session
        .as_ref()
        .and_then(|s| session::token_info(&s.token))
        .map(|t| {
            format!(
                "Key {} · token expires {}",
                t.access_key_id,
                plan::format_epoch(t.expires as f64)
            )
        });
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        if let Some(main) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    });
    let browsing = matches!(
        store.route,
        Route::Domains
            | Route::Repositories { .. }
            | Route::PackageGroups { .. }
            | Route::Packages { .. }
            | Route::Versions(_)
            | Route::Version(..)
    );
    let sign_out = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::SignOut(None)))
    };
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Dismiss))
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip}>{ "Skip to content" }</a>
            <header class="top">
                <a class="brand" href="#/domains">{ "⚓ Wharf" }</a>
                if signed_in {
                    <nav class="main-nav" aria-label="Main">
                        { nav(Route::Domains, "Browse", browsing) }
                        { nav(Route::Copy(form.clone()), "Copy", matches!(store.route, Route::Copy(_))) }
                        { nav(Route::Verify(verify_form), "Verify", matches!(store.route, Route::Verify(_))) }
                        { nav(Route::Promote(Default::default()), "Promote", matches!(store.route, Route::Promote(_))) }
                        { nav(Route::Promotions(Default::default()), "Promotions", matches!(store.route,
                            Route::Promotions(_) | Route::Promotion(_) | Route::PromotionRevert(_))) }
                        { nav(Route::Activity(Default::default()), "Activity", matches!(store.route, Route::Activity(_))) }
                    </nav>
                    <div class="session">
                        <span class="muted endpoint">
                            { store.session.as_ref().map(|s| s.endpoint.clone()).unwrap_or_default() }
                        </span>
                        if let Some(who) = who {
                            <span class="whoami" id="whoami">{ who }</span>
                        }
                        <button type="button" class="secondary" onclick={sign_out}>{ "Sign out" }</button>
                    </div>
                }
            </header>
            <main id="main" tabindex="-1">
                if let Some(n) = &store.notice {
                    <div class={classes!("notice", n.error.then_some("error"))} role="status">
                        <span>{ &n.text }</span>
                        <button type="button" class="link" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                    </div>
                }
                { view }
            </main>
        </>
    }
}

/// The component of a route.
fn page(route: &Route) -> Html {
    match route {
        Route::SignIn => html! { <SignInPage /> },
        Route::Domains => html! { <DomainsPage /> },
        Route::Repositories { domain } => html! { <RepositoriesPage domain={domain.clone()} /> },
        Route::PackageGroups { domain } => html! { <PackageGroupsPage domain={domain.clone()} /> },
        Route::Packages {
            domain,
            repository,
            filter,
        } => html! {
            <PackagesPage domain={domain.clone()} repository={repository.clone()} filter={filter.clone()} />
        },
        Route::Versions(p) => html! { <VersionsPage package={p.clone()} /> },
        Route::Version(p, v) => html! { <VersionPage package={p.clone()} version={v.clone()} /> },
        Route::Copy(_) => html! { <CopyPage /> },
        Route::Verify(_) => html! { <VerifyPage /> },
        Route::Promote(form) => html! { <PromotePage form={form.clone()} /> },
        Route::Promotions(filter) => html! { <PromotionsPage filter={filter.clone()} /> },
        Route::Promotion(id) => html! { <PromotionPage id={id.clone()} revert={false} /> },
        Route::PromotionRevert(id) => html! { <PromotionPage id={id.clone()} revert={true} /> },
        Route::Activity(filter) => html! { <ActivityPage filter={filter.clone()} /> },
        Route::NotFound(raw) => html! {
            <section class="card narrow">
                <h1>{ "Nothing here" }</h1>
                <p>{ format!("No view matches #{raw}.") }</p>
                <p><a href="#/domains">{ "Go to the domains" }</a></p>
            </section>
        },
    }
}
