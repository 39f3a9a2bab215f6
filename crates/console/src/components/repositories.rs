//! The repositories of a domain (ListRepositoriesInDomain), offered as a picker: a `<datalist>`
//! that the copy form's source and destination and the verify view's "compare with" field
//! name in their `list` attribute.

use super::{client, use_store};
use wharf_core::api::ListRepositoriesInDomainQuery;
use yew::prelude::*;

/// The names of `domain`'s repositories (all pages), or none while they load, when `domain` is
/// `None`, or when the token may not list them (the field still takes any name).
#[hook]
pub fn use_repositories(domain: Option<String>) -> UseStateHandle<Vec<String>> {
    let store = use_store();
    let repositories = use_state(Vec::<String>::new);
    {
        let (repositories, api) = (repositories.clone(), client(&store));
        use_effect_with(domain, move |domain| {
            repositories.set(Vec::new());
            if let Some(domain) = domain.clone() {
                yew::platform::spawn_local(async move {
                    let mut names = Vec::new();
                    let mut query = ListRepositoriesInDomainQuery {
                        domain: Some(domain),
                        max_results: Some("1000".to_owned()),
                        ..Default::default()
                    };
                    for _ in 0..crate::api::MAX_PAGES {
                        let Ok(page) = api.list_repositories_in_domain(&query).await else {
                            break;
                        };
                        names.extend(page.repositories.into_iter().filter_map(|r| r.name));
                        match page.next_token {
                            Some(t) => query.next_token = Some(t),
                            None => break,
                        }
                    }
                    repositories.set(names);
                });
            }
        });
    }
    repositories
}

/// Properties of [`RepositoryList`].
#[derive(Properties, PartialEq)]
pub struct RepositoryListProps {
    /// The datalist's id, for the inputs' `list` attribute.
    pub id: AttrValue,
    /// The repository names.
    pub names: Vec<String>,
}

/// A `<datalist>` of repository names.
#[function_component(RepositoryList)]
pub fn repository_list(props: &RepositoryListProps) -> Html {
    html! {
        <datalist id={props.id.clone()}>
            { for props.names.iter().map(|r| html! { <option value={r.clone()} /> }) }
        </datalist>
    }
}
