//! Reusable view pieces and the store context they read.

mod copy_button;
mod copy_form;
mod field;
mod outcome_table;
mod paged;
mod plan_table;
mod repositories;
mod select_tools;

pub use copy_button::{CopyButton, Revision};
pub use copy_form::CopyFormView;
pub use field::{ErrorBox, Field};
pub use outcome_table::OutcomeTable;
pub use paged::{LoadMore, PageFuture, Paged, PagedAction, use_paged, use_paged_all};
pub use plan_table::{DiffView, DiffViewProps, PlanTable, PlanTableProps};
pub use repositories::{RepositoryList, use_repositories};
pub use select_tools::{SelectTools, VersionQuery};

use crate::api::{ApiClient, ClientError};
use crate::state::{Action, AppState};
use yew::prelude::*;

/// The store handle every view reads through the context.
pub type Store = UseReducerHandle<AppState>;

/// The store from the context. Views are always rendered under a `StoreProvider`.
#[hook]
pub fn use_store() -> Store {
    use_context::<Store>().expect("views are rendered inside StoreProvider")
}

/// An API client for the signed-in session (a client without a token when signed out,
/// whose calls are refused).
pub fn client(store: &AppState) -> ApiClient {
    match &store.session {
        Some(s) => ApiClient::new(s.endpoint.clone(), s.token.clone()),
        None => ApiClient::new(crate::session::last_endpoint(), ""),
    }
}

/// Ends the session when the error says the token was refused or has expired.
pub fn check_session(dispatcher: &UseReducerDispatcher<AppState>, error: &ClientError) {
    if error.is_unauthorized() {
        dispatcher.dispatch(Action::SignOut(Some(error.to_string())));
    }
}

/// A link to a view.
pub fn link(route: &crate::route::Route, text: impl Into<Html>) -> Html {
    html! { <a href={route.to_hash()}>{ text.into() }</a> }
}

/// A revision, shortened; its full value and a copy button open from the keyboard.
pub fn revision(rev: Option<&str>) -> Html {
    match rev {
        Some(r) => html! { <Revision value={r.to_owned()} /> },
        None => html! { <span class="muted">{ "—" }</span> },
    }
}

/// A revision, shortened, as plain text (inside a label, where nothing may be interactive);
/// the full value is in the tooltip.
pub fn short_revision(rev: Option<&str>) -> Html {
    match rev {
        Some(r) => {
            html! { <code class="rev" title={r.to_owned()}>{ crate::diff::shorten(r) }</code> }
        }
        None => html! { <span class="muted">{ "—" }</span> },
    }
}
