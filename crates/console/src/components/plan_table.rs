//! The dry-run table (one row per requested version) and the diffs of differing versions.

use super::{CopyButton, revision};
use crate::diff::{HashChange, shorten};
use crate::plan::{action_label, format_size, summarize};
use crate::state::DiffEntry;
use crate::verdict::PlanVerdict;
use wharf_core::api::{CopyPlanReport, PackageVersionErrorCode, PlannedAction, PlannedVersion};
use wharf_core::revision::{DiffVerdict, VersionDiff};
use yew::prelude::*;

/// A version that is `SKIPPED` because another version of its call fails.
fn is_blocked(v: &PlannedVersion) -> bool {
    v.error
        .as_ref()
        .is_some_and(|e| e.error_code == PackageVersionErrorCode::Skipped)
}

/// Properties of [`PlanTable`].
#[derive(Properties, PartialEq)]
pub struct PlanTableProps {
    /// The planner's report.
    pub report: CopyPlanReport,
    /// What the plan means for Run.
    pub verdict: PlanVerdict,
    /// The destination repository, named in the summary.
    #[prop_or_default]
    pub destination: String,
    /// Leave these (conflicting) versions out and plan again.
    #[prop_or_default]
    pub onleaveout: Callback<Vec<String>>,
}

/// What a copy would do, per version: COPY, OVERWRITE, NO_OP or FAIL with the error, with the
/// verdict (per call for a copy of several calls), a "problems only" filter and a one-click
/// "leave out the conflicting versions".
#[function_component(PlanTable)]
pub fn plan_table(props: &PlanTableProps) -> Html {
    let problems_only = use_state(|| false);
    let s = summarize(&props.report);
    let blocked = props
        .report
        .versions
        .iter()
        .filter(|v| is_blocked(v))
        .count();
    let rows = props
        .report
        .versions
        .iter()
        .filter(|v| !*problems_only || v.action == PlannedAction::Fail)
        .map(|v| {
            // SKIPPED is not a failure of its own: another version of its call blocks it.
            let (class, label) = match v.action {
                _ if is_blocked(v) => ("act-blocked", "BLOCKED"),
                PlannedAction::Copy => ("act-copy", action_label(v.action)),
                PlannedAction::Overwrite => ("act-overwrite", action_label(v.action)),
                PlannedAction::NoOp => ("act-noop", action_label(v.action)),
                PlannedAction::Fail => ("act-fail", action_label(v.action)),
            };
            html! {
                <tr>
                    <td data-label="Version"><code>{ &v.version }</code></td>
                    <td data-label="Action"><span class={classes!("badge", class)}>{ label }</span></td>
                    <td data-label="From">{ v.from_repository.clone().unwrap_or_default() }</td>
                    <td data-label="Source revision">{ revision(v.revision.as_deref()) }</td>
                    <td data-label="Destination revision">{ revision(v.destination_revision.as_deref()) }</td>
                    <td class="prose" data-label="Error">
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
    let verdict = &props.verdict;
    let toggle = {
        let problems_only = problems_only.clone();
        Callback::from(move |_: Event| problems_only.set(!*problems_only))
    };
    let leave_out = {
        let versions = verdict.conflicting.clone();
        props
            .onleaveout
            .reform(move |_: MouseEvent| versions.clone())
    };
    html! {
        <section class="plan" aria-label="Plan">
            <p class={classes!("plan-verdict", (!verdict.passes).then_some("error-text"))} id="plan-verdict">{ &verdict.headline }</p>
            if !verdict.details.is_empty() {
                <ul class="plain" id="plan-calls">{ for verdict.details.iter().map(|d| html! { <li>{ d }</li> }) }</ul>
            }
            <p class="summary">
                <span class="badge act-copy">{ format!("{} copy", s.copy) }</span>
                <span class="badge act-overwrite">{ format!("{} overwrite", s.overwrite) }</span>
                <span class="badge act-noop">{ format!("{} no-op", s.no_op) }</span>
                <span class="badge act-fail">{ format!("{} fail", s.fail - blocked) }</span>
                if blocked > 0 {
                    <span class="badge act-blocked">{ format!("{blocked} blocked") }</span>
                }
                <span class="muted">{ format!("{} version(s) in all", props.report.versions.len()) }</span>
            </p>
            <div class="actions plan-tools">
                if s.fail > 0 {
                    <label class="check"><input type="checkbox" id="problems-only" checked={*problems_only} onchange={toggle} />
                        { "Show problems only" }</label>
                }
                if !verdict.conflicting.is_empty() {
                    <button type="button" class="secondary" id="leave-out-button" onclick={leave_out}>
                        { format!("Leave out the {} conflicting version(s) and plan again", verdict.conflicting.len()) }</button>
                }
            </div>
            <div class="table-wrap">
                <table id="plan-table" class="stack">
                    <caption class="sr-only">{ format!("What the copy into {} would do, per version", props.destination) }</caption>
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
    /// The source repository (the "after" side).
    #[prop_or_default]
    pub source: String,
    /// The destination repository (the "before" side).
    #[prop_or_default]
    pub destination: String,
}

fn one_diff(e: &DiffEntry, d: &VersionDiff, before: &str, after: &str) -> Html {
    if d.verdict == DiffVerdict::Identical {
        return html! { <p class="muted">{ "Assets and metadata are identical." }</p> };
    }
    let size = |s: Option<u64>| s.map(format_size).unwrap_or_else(|| "?".to_owned());
    // One side's hash: shortened, with a copy button naming whose hash it is.
    let hash = |side: &str, h: &HashChange, value: &Option<String>| match value {
        Some(v) => html! {
            <span class="hash">
                <code title={v.clone()}>{ shorten(v) }</code>{ " " }
                <CopyButton text={v.clone()} what={format!("{side}'s {} of {}", h.algorithm, h.asset)} />
            </span>
        },
        None => html! { <span class="muted">{ format!("(none in {side})") }</span> },
    };
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
                    { format!(" size {} → {}", size(a.size_before), size(a.size_after)) }
                    <ul class="hashes-changed">
                    { for e.hashes.iter().filter(|h| h.asset == a.name).map(|h| html! {
                        <li>{ format!("{}: {before} ", h.algorithm) }{ hash(before, h, &h.before) }
                            { format!(" → {after} ") }{ hash(after, h, &h.after) }</li>
                    }) }
                    </ul>
                </li>
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
    let (before, after) = (
        props.destination.trim().to_owned(),
        props.source.trim().to_owned(),
    );
    html! {
        <section class="diffs" aria-label="Differences">
            <h3>{ if props.source.is_empty() { "What differs (destination → source)".to_owned() }
                  else { format!("What differs ({} → {})", props.destination.trim(), props.source.trim()) } }</h3>
            { for props.diffs.iter().map(|e| html! {
                <details open=true>
                    <summary><code>{ &e.version }</code>{ format!(" in {before} → in {after}") }</summary>
                    { match &e.diff {
                        Ok(d) => one_diff(e, d, &before, &after),
                        Err(why) => html! { <p class="error-text">{ why }</p> },
                    } }
                </details>
            }) }
        </section>
    }
}
