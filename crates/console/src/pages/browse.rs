//! The browse views: domains → repositories (with upstreams) → packages → versions → assets.
//! Every list pages through `nextToken` with a "Load more" button.

mod docs;
mod domains;
mod packages;
mod versions;

pub use domains::{DomainsPage, RepositoriesPage};
pub use packages::PackagesPage;
pub use versions::{VersionPage, VersionsPage};

use crate::components::ErrorBox;
use crate::route::Route;
use yew::prelude::*;

/// A breadcrumb trail: links, then the current view's name.
fn crumbs(links: Vec<(Route, String)>, current: &str) -> Html {
    html! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <ol>
                { for links.into_iter().map(|(r, t)| html! { <li><a href={r.to_hash()}>{ t }</a></li> }) }
                <li aria-current="page">{ current }</li>
            </ol>
        </nav>
    }
}

/// The error of a list, with a retry button.
fn list_error(error: &Option<crate::api::ClientError>, retry: Callback<()>) -> Html {
    match error {
        Some(e) => html! { <ErrorBox message={e.to_string()} {retry} /> },
        None => html! {},
    }
}

/// A row saying the list is empty, once it has loaded.
fn empty_row(cols: usize, loading: bool, empty: bool, text: &str) -> Html {
    if empty && !loading {
        html! { <tr><td colspan={cols.to_string()} class="muted">{ text }</td></tr> }
    } else {
        html! {}
    }
}
