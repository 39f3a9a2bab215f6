//! Lists that page through `nextToken`: a pure [`Paged`] reducer, the [`use_paged`] hook that
//! fetches the first page whenever its dependencies change, and the [`LoadMore`] button.

use super::{check_session, use_store};
use crate::api::ClientError;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use yew::prelude::*;

/// One page of a list: its items and the token of the next page.
pub type PageFuture<T> =
    Pin<Box<dyn Future<Output = Result<(Vec<T>, Option<String>), ClientError>>>>;

/// The pages of a list fetched so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    /// Every item of the pages fetched, in order.
    pub items: Vec<T>,
    /// The token of the next page; `None` after the last page.
    pub next_token: Option<String>,
    /// A page is being fetched.
    pub loading: bool,
    /// The last fetch failed.
    pub error: Option<ClientError>,
    /// Which query the pages belong to; answers for an older one are ignored.
    pub generation: u32,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            items: Vec::new(),
            next_token: None,
            loading: false,
            error: None,
            generation: 0,
        }
    }
}

/// Changes to a [`Paged`] list.
#[derive(Debug, Clone, PartialEq)]
pub enum PagedAction<T> {
    /// A new query: forget the pages and fetch the first.
    Reset(u32),
    /// Fetching the next page of the current query.
    Loading,
    /// A page of query `generation` arrived.
    Loaded {
        /// The query it answers.
        generation: u32,
        /// Its items.
        items: Vec<T>,
        /// The next page's token.
        next_token: Option<String>,
    },
    /// A fetch of query `generation` failed.
    Failed {
        /// The query it answers.
        generation: u32,
        /// Why.
        error: ClientError,
    },
}

impl<T: Clone> Reducible for Paged<T> {
    type Action = PagedAction<T>;

    fn reduce(self: Rc<Self>, action: PagedAction<T>) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PagedAction::Reset(generation) => {
                s = Paged {
                    loading: true,
                    generation,
                    ..Paged::default()
                }
            }
            PagedAction::Loading => {
                s.loading = true;
                s.error = None;
            }
            PagedAction::Loaded {
                generation,
                items,
                next_token,
            } if generation == s.generation => {
                s.items.extend(items);
                s.next_token = next_token;
                s.loading = false;
                s.error = None;
            }
            PagedAction::Failed { generation, error } if generation == s.generation => {
                s.loading = false;
                s.error = Some(error);
            }
            PagedAction::Loaded { .. } | PagedAction::Failed { .. } => return self,
        }
        Rc::new(s)
    }
}

type Fetcher<D, T> = Rc<dyn Fn(D, Option<String>) -> PageFuture<T>>;

/// Fetches the first page of `fetch(deps, None)` whenever `deps` change. Returns the list
/// and a callback that fetches the next page, or after a failure fetches the failed page again.
#[hook]
pub fn use_paged<T, D, F>(deps: D, fetch: F) -> (UseReducerHandle<Paged<T>>, Callback<()>)
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D, Option<String>) -> PageFuture<T> + 'static,
{
    let (list, more, _) = use_paged_all(deps, fetch);
    (list, more)
}

/// [`use_paged`], and a third callback that fetches every remaining page, one request per
/// page, in order ("Load all"); it stops at a failure, which "Try again" resumes.
#[hook]
pub fn use_paged_all<T, D, F>(
    deps: D,
    fetch: F,
) -> (UseReducerHandle<Paged<T>>, Callback<()>, Callback<()>)
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D, Option<String>) -> PageFuture<T> + 'static,
{
    let list = use_reducer(Paged::<T>::default);
    let store = use_store();
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    // The token of the page fetched last, so "Try again" after a failure refetches it.
    let last_token = use_mut_ref(|| None::<String>);
    let fetcher: Fetcher<D, T> = Rc::new(fetch);
    let fetcher_all = fetcher.clone();
    let start = {
        let list = list.dispatcher();
        let dispatcher = store.dispatcher();
        let generation = generation.borrow().clone();
        let last_token = last_token.clone();
        move |deps: D, token: Option<String>, gen_now: u32| {
            *last_token.borrow_mut() = token.clone();
            let list = list.clone();
            let dispatcher = dispatcher.clone();
            let generation = generation.clone();
            let future = fetcher(deps, token);
            yew::platform::spawn_local(async move {
                let result = future.await;
                if generation.get() != gen_now {
                    return;
                }
                match result {
                    Ok((items, next_token)) => list.dispatch(PagedAction::Loaded {
                        generation: gen_now,
                        items,
                        next_token,
                    }),
                    Err(error) => {
                        check_session(&dispatcher, &error);
                        list.dispatch(PagedAction::Failed {
                            generation: gen_now,
                            error,
                        });
                    }
                }
            });
        }
    };
    let start = Rc::new(start);
    let all = {
        let list_handle = list.clone();
        let dispatcher = store.dispatcher();
        let generation = generation.borrow().clone();
        let (fetcher, last_token, deps) = (fetcher_all, last_token.clone(), deps.clone());
        Callback::from(move |()| {
            let Some(first) = list_handle.next_token.clone() else {
                return;
            };
            if list_handle.loading {
                return;
            }
            let (list, dispatcher, generation) = (
                list_handle.dispatcher(),
                dispatcher.clone(),
                generation.clone(),
            );
            let (fetcher, last_token, deps) = (fetcher.clone(), last_token.clone(), deps.clone());
            let gen_now = generation.get();
            list.dispatch(PagedAction::Loading);
            yew::platform::spawn_local(async move {
                let mut token = Some(first);
                while let Some(t) = token {
                    *last_token.borrow_mut() = Some(t.clone());
                    let result = fetcher(deps.clone(), Some(t)).await;
                    if generation.get() != gen_now {
                        return;
                    }
                    match result {
                        Ok((items, next_token)) => {
                            token = next_token.clone();
                            list.dispatch(PagedAction::Loaded {
                                generation: gen_now,
                                items,
                                next_token,
                            });
                            if token.is_some() {
                                list.dispatch(PagedAction::Loading);
                            }
                        }
                        Err(error) => {
                            check_session(&dispatcher, &error);
                            list.dispatch(PagedAction::Failed {
                                generation: gen_now,
                                error,
                            });
                            return;
                        }
                    }
                }
            });
        })
    };
    {
        let list = list.dispatcher();
        let generation = generation.borrow().clone();
        let start = start.clone();
        use_effect_with(deps.clone(), move |deps| {
            let next = generation.get() + 1;
            generation.set(next);
            list.dispatch(PagedAction::Reset(next));
            start(deps.clone(), None, next);
        });
    }
    let more = {
        let list_handle = list.clone();
        let generation = generation.borrow().clone();
        Callback::from(move |()| {
            let token = if list_handle.error.is_some() {
                // Retry the page that failed (the first page has no token).
                Some(last_token.borrow().clone())
            } else {
                list_handle.next_token.clone().map(Some)
            };
            if let Some(token) = token {
                list_handle.dispatch(PagedAction::Loading);
                start(deps.clone(), token, generation.get());
            }
        })
    };
    (list, more, all)
}

/// Properties of [`LoadMore`].
#[derive(Properties, PartialEq)]
pub struct LoadMoreProps {
    /// Whether there is a next page.
    pub has_more: bool,
    /// Whether a page is being fetched.
    pub loading: bool,
    /// How many items are shown.
    pub count: usize,
    /// Fetch the next page.
    pub onclick: Callback<()>,
    /// Fetch every remaining page ("Load all"), when the list offers it.
    #[prop_or_default]
    pub onall: Option<Callback<()>>,
    /// What the list counts ("versions"); with it, the footer says when every item is loaded.
    #[prop_or_default]
    pub noun: Option<AttrValue>,
}

/// The footer of a paged list: a count, a spinner text, and a "Load more" button.
#[function_component(LoadMore)]
pub fn load_more(props: &LoadMoreProps) -> Html {
    let onclick = props.onclick.reform(|_: MouseEvent| ());
    html! {
        <div class="load-more" aria-live="polite">
            <span class="muted" id="list-count">{ match &props.noun {
                Some(noun) if !props.has_more && !props.loading => format!("All {} {noun} shown", props.count),
                Some(_) => format!("{} shown, more to load", props.count),
                None => format!("{} shown", props.count),
            } }</span>
            if props.loading {
                <span class="muted">{ " · Loading…" }</span>
            } else if props.has_more {
                <button type="button" class="secondary" {onclick}>{ "Load more" }</button>
                if let Some(all) = &props.onall {
                    <button type="button" class="secondary" id="load-all" onclick={all.reform(|_: MouseEvent| ())}>{ "Load all" }</button>
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests;
