//! Tools for choosing many versions at once, shared by the copy form's picker and the versions
//! view: a filter (`1.2.*` or any part of the version), a range (from … to, in version order),
//! one button that selects everything they let through (all versions when both are empty),
//! "Select none", and the count.

use crate::select::{in_range, matches_filter};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the tools let through: a filter and a range. Empty members let everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionQuery {
    /// `1.2.*`, or any part of a version.
    pub filter: String,
    /// The range's first version (included).
    pub from: String,
    /// The range's last version (included).
    pub to: String,
}

impl VersionQuery {
    /// Whether `version` passes the filter and lies in the range.
    pub fn matches(&self, version: &str) -> bool {
        matches_filter(version, &self.filter) && in_range(version, &self.from, &self.to)
    }

    /// Whether the query lets everything through.
    pub fn is_empty(&self) -> bool {
        self.filter.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty()
    }
}

/// Properties of [`SelectTools`].
#[derive(Properties, PartialEq)]
pub struct SelectToolsProps {
    /// Prefix of the inputs' ids (`picker` gives `picker-filter`, `picker-select`, ...).
    pub id: AttrValue,
    /// Every version available, in the order shown.
    pub all: Vec<String>,
    /// How many of them are selected.
    pub selected: usize,
    /// The filter and range.
    pub query: VersionQuery,
    /// The filter or range changed.
    pub onquery: Callback<VersionQuery>,
    /// Replace the selection with these versions.
    pub onselect: Callback<Vec<String>>,
    /// Only some pages are loaded: the tools choose among those, and say so.
    #[prop_or_default]
    pub partial: bool,
}

/// The filter, the range, "Select …", "Select none" and the count.
#[function_component(SelectTools)]
pub fn select_tools(props: &SelectToolsProps) -> Html {
    let q = &props.query;
    let matching: Vec<String> = props.all.iter().filter(|v| q.matches(v)).cloned().collect();
    let input = |suffix: &str, label: &str, value: &str, set: fn(&mut VersionQuery, String)| {
        let (onquery, query) = (props.onquery.clone(), q.clone());
        let oninput = Callback::from(move |e: InputEvent| {
            let mut next = query.clone();
            set(
                &mut next,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            onquery.emit(next);
        });
        let id = format!("{}-{suffix}", props.id);
        html! {
            <div class="field">
                <label for={id.clone()}>{ label.to_owned() }</label>
                <input id={id} type="text" value={value.to_owned()} {oninput} autocomplete="off" spellcheck="false" />
            </div>
        }
    };
    let select = {
        let list = matching.clone();
        props.onselect.reform(move |_: MouseEvent| list.clone())
    };
    let none = props.onselect.reform(|_: MouseEvent| Vec::new());
    let what = if q.is_empty() {
        format!("Select all {}", props.all.len())
    } else {
        format!("Select the {} matching", matching.len())
    };
    html! {
        <div class="select-tools">
            <div class="grid tools-grid">
                { input("filter", "Filter (1.2.* or part of a version)", &q.filter, |q, v| q.filter = v) }
                { input("from", "From version", &q.from, |q, v| q.from = v) }
                { input("to", "To version", &q.to, |q, v| q.to = v) }
            </div>
            <div class="actions">
                <button type="button" class="secondary" id={format!("{}-select", props.id)} onclick={select}>{ what }</button>
                <button type="button" class="secondary" id={format!("{}-none", props.id)} onclick={none}>{ "Select none" }</button>
                <span class="muted" id={format!("{}-count", props.id)} aria-live="polite">
                    { format!("{} of {} selected", props.selected, props.all.len()) }
                    if !q.is_empty() { { format!(" · {} shown", matching.len()) } }
                    if props.partial { { " · among the versions loaded so far" } }
                </span>
            </div>
        </div>
    }
}
