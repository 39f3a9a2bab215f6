//! The dry-run table (one row per requested version) and the diffs of differing versions.

use super::revision;
use crate::plan::{action_label, format_size, summarize};
use crate::state::DiffEntry;
use wharf_core::api::{CopyPlanReport, PackageVersionErrorCode, PlannedAction};
use wharf_core::revision::{DiffVerdict, VersionDiff};
use yew::prelude::*;

/// Properties of [`PlanTable`].
#[derive(Properties, PartialEq)]
pub struct PlanTableProps {
    /// The planner's report.
    pub report: CopyPlanReport,
}

/// What a copy would do, per version: COPY, OVERWRITE, NO_OP or FAIL with the error.
#[function_component(PlanTable)]
pub fn plan_table(props: &PlanTableProps) -> Html {
    let s = summarize(&props.report);
    let rows = props.report.versions.iter().map(|v| {
        let class = match v.action {
            PlannedAction::Copy => "act-copy",
            PlannedAction::Overwrite => "act-overwrite",
            PlannedAction::NoOp => "act-noop",
            PlannedAction::Fail => "act-fail",
        };
        html! {
            <tr>
                <td><code>{ &v.version }</code></td>
                <td><span class={classes!("badge", class)}>{ action_label(v.action) }</span></td>
                <td>{ v.from_repository.clone().unwrap_or_default() }</td>
                <td>{ revision(v.revision.as_deref()) }</td>
                <td>{ revision(v.destination_revision.as_deref()) }</td>
                <td class="prose">
                    if let Some(e) = &v.error {
                        <strong>{ e.error_code.as_str() }</strong>{ " " }{ &e.error_message }
                    }
                </td>
            </tr>
        }
    });
    let tags = props.report.dist_tags.iter().map(|t| {
        html! {
            <li><code>{ &t.tag }</code>{ ": " }
                { t.from.clone().unwrap_or_else(|| "(none)".to_owned()) }{ " → " }
                <code>{ &t.to }</code></li>
        }
    });
    let exists = props.report.versions.iter().any(|v| {
        v.error
            .as_ref()
            .is_some_and(|e| e.error_code == PackageVersionErrorCode::AlreadyExists)
    });
    let verdict = if s.fail > 0 {
        format!(
            "This copy would not go through: a failing version stops the whole call, so the others are SKIPPED.{}",
            if exists {
                " Review what differs below, then allow overwrite or leave those versions out."
            } else {
                ""
            }
        )
    } else if s.copy + s.overwrite == 0 {
        "Nothing to copy: the destination already holds every version, identical.".to_owned()
    } else {
        format!(
            "Ready: {} version(s) would be copied{}.",
            s.copy + s.overwrite,
            if s.overwrite > 0 {
                format!(", {} of them overwriting the destination's", s.overwrite)
            } else {
                String::new()
            }
        )
    };
    html! {
        <section class="plan" aria-label="Plan">
            <p class={classes!("plan-verdict", (s.fail > 0).then_some("error-text"))} id="plan-verdict">{ verdict }</p>
            <p class="summary">
                <span class="badge act-copy">{ format!("{} copy", s.copy) }</span>
                <span class="badge act-overwrite">{ format!("{} overwrite", s.overwrite) }</span>
                <span class="badge act-noop">{ format!("{} no-op", s.no_op) }</span>
                <span class="badge act-fail">{ format!("{} fail", s.fail) }</span>
            </p>
            <div class="table-wrap">
                <table id="plan-table">
                    <thead><tr>
                        <th scope="col">{ "Version" }</th><th scope="col">{ "Action" }</th>
                        <th scope="col">{ "From" }</th><th scope="col">{ "Source revision" }</th>
                        <th scope="col">{ "Destination revision" }</th>
                        <th scope="col">{ "Error" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if !props.report.dist_tags.is_empty() {
                <h3>{ "npm dist-tags" }</h3>
                <ul class="plain">{ for tags }</ul>
            }
        </section>
    }
}

/// Properties of [`DiffView`].
#[derive(Properties, PartialEq)]
pub struct DiffViewProps {
    /// The diffs to show.
    pub diffs: Vec<DiffEntry>,
}

fn one_diff(d: &VersionDiff) -> Html {
    if d.verdict == DiffVerdict::Identical {
        return html! { <p class="muted">{ "Assets and metadata are identical." }</p> };
    }
    let size = |s: Option<u64>| s.map(format_size).unwrap_or_else(|| "?".to_owned());
    html! {
        <ul class="diff">
            { for d.assets_added.iter().map(|a| html! {
                <li class="added">{ "+ asset " }<code>{ &a.name }</code>{ format!(" ({})", size(a.size)) }</li>
            }) }
            { for d.assets_removed.iter().map(|a| html! {
                <li class="removed">{ "− asset " }<code>{ &a.name }</code>{ format!(" ({})", size(a.size)) }</li>
            }) }
            { for d.assets_changed.iter().map(|a| html! {
                <li class="changed">{ "~ asset " }<code>{ &a.name }</code>
                    { format!(" size {} → {}; hashes differ: {}", size(a.size_before), size(a.size_after),
                        a.changed_hashes.join(", ")) }</li>
            }) }
            { for d.metadata_changed.iter().map(|m| html! {
                <li class="changed">{ "~ " }<code>{ &m.field }</code>{ ": " }
                    { m.before.clone().unwrap_or_else(|| "(none)".into()) }{ " → " }
                    { m.after.clone().unwrap_or_else(|| "(none)".into()) }</li>
            }) }
        </ul>
    }
}

/// Per differing version: assets added, removed or changed and metadata changed, from the
/// destination's version to the source's.
#[function_component(DiffView)]
pub fn diff_view(props: &DiffViewProps) -> Html {
    if props.diffs.is_empty() {
        return html! {};
    }
    html! {
        <section class="diffs" aria-label="Differences">
            <h3>{ "What differs (destination → source)" }</h3>
            { for props.diffs.iter().map(|e| html! {
                <details open=true>
                    <summary><code>{ &e.version }</code></summary>
                    { match &e.diff {
                        Ok(d) => one_diff(d),
                        Err(why) => html! { <p class="error-text">{ why }</p> },
                    } }
                </details>
            }) }
        </section>
    }
}
