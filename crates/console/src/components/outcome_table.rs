//! The outcome of a copy run: progress, which calls ran and what became of each, then one row
//! per requested version (copied, unchanged, failed, blocked, not copied, unknown or not
//! attempted) with the next step.

use super::revision;
use crate::plan::next_step;
use crate::run::{RowState, RunRow, call_lines, count, overwrite_retry_versions, run_rows};
use crate::state::RunProgress;
use wharf_core::api::PackageVersionErrorCode;
use yew::prelude::*;

/// Properties of [`OutcomeTable`].
#[derive(Properties, PartialEq)]
pub struct OutcomeTableProps {
    /// The run.
    pub run: RunProgress,
    /// Stop after the current call.
    pub oncancel: Callback<()>,
    /// Review and re-run these `ALREADY_EXISTS` versions with overwrite.
    pub onretry: Callback<Vec<String>>,
}

fn badge(state: RowState) -> Html {
    let class = match state {
        RowState::Copied => "act-copy",
        RowState::Unchanged | RowState::Waiting => "act-noop",
        RowState::Failed | RowState::Refused => "act-fail",
        RowState::Blocked => "act-blocked",
        RowState::Unknown | RowState::NotAttempted => "act-overwrite",
    };
    html! { <span class={classes!("badge", class)}>{ state.label() }</span> }
}

fn step(r: &RunRow) -> String {
    match r.state {
        RowState::Copied => String::new(),
        RowState::Unchanged => "Already identical in the destination.".to_owned(),
        RowState::Failed | RowState::Blocked => r.error_code.map(next_step).unwrap_or("").to_owned(),
        RowState::Refused => "The service refused its call and wrote nothing: fix the cause, then resume.".to_owned(),
        RowState::Unknown => {
            "No answer came for its call: verify the destination, or resume (a copied version plans as NO_OP).".to_owned()
        }
        RowState::NotAttempted => "Not sent: resume the rest to copy it.".to_owned(),
        RowState::Waiting => "Waiting for its call.".to_owned(),
    }
}

/// The progress bar, the calls and the result table of a copy run.
#[function_component(OutcomeTable)]
pub fn outcome_table(props: &OutcomeTableProps) -> Html {
    let run = &props.run;
    let rows = run_rows(run);
    let retry = overwrite_retry_versions(&rows);
    let exists: Vec<String> = rows
        .iter()
        .filter(|r| r.error_code == Some(PackageVersionErrorCode::AlreadyExists))
        .map(|r| r.version.clone())
        .collect();
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let onretry = props.onretry.reform(move |_: MouseEvent| retry.clone());
    let counts = [
        (RowState::Copied, "copied", "act-copy"),
        (RowState::Unchanged, "unchanged", "act-noop"),
        (RowState::Failed, "failed", "act-fail"),
        (RowState::Blocked, "blocked", "act-overwrite"),
        (RowState::Refused, "not copied", "act-fail"),
        (RowState::Unknown, "unknown", "act-overwrite"),
        (RowState::NotAttempted, "not attempted", "act-overwrite"),
    ];
    html! {
        <section class="outcome" aria-label="Outcome">
            <div class="progress-row">
                <progress id="run-progress" aria-label="Calls answered" max={run.total().to_string()} value={run.done().to_string()}>
                    { format!("{}/{}", run.done(), run.total()) }
                </progress>
                <span>{ format!("{} of {} calls", run.done(), run.total()) }</span>
                // Stopping between calls means something only when there is a next call.
                if !run.finished && run.total() > 1 {
                    <button type="button" class="secondary" onclick={oncancel}
                        disabled={run.cancel_requested}>
                        { if run.cancel_requested { "Stopping…" } else { "Cancel" } }
                    </button>
                }
            </div>
            if let Some(why) = &run.stopped {
                <div class="notice error" role="alert">{ format!("Stopped: {why}") }</div>
            }
            <p class="summary" id="outcome-counts">
                { for counts.iter().filter(|(s, _, _)| count(&rows, *s) > 0 || *s == RowState::Copied).map(|(s, label, class)| html! {
                    <span class={classes!("badge", *class)}>{ format!("{} {label}", count(&rows, *s)) }</span>
                }) }
            </p>
            <h3>{ "Calls" }</h3>
            <ol class="plain" id="run-calls">
                { for call_lines(run).into_iter().map(|l| html! { <li>{ l }</li> }) }
            </ol>
            <div class="table-wrap">
                <table id="outcome-table" class="stack">
                    <caption class="sr-only">{ "What became of each version" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Version" }</th><th scope="col">{ "Result" }</th>
                        <th scope="col">{ "Revision" }</th><th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Error" }</th><th scope="col">{ "Next step" }</th>
                        <th scope="col">{ "Call" }</th>
                    </tr></thead>
                    <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr>
                            <td data-label="Version"><code>{ &r.version }</code></td>
                            <td data-label="Result">{ badge(r.state) }</td>
                            <td data-label="Revision">{ revision(r.revision.as_deref()) }</td>
                            <td data-label="Status">{ r.status.map(|s| s.as_str()).unwrap_or("") }</td>
                            <td class="prose" data-label="Error">
                                if let Some(code) = r.error_code {
                                    <strong>{ code.as_str() }</strong>{ " " }
                                }
                                { r.error_message.clone().unwrap_or_default() }
                            </td>
                            <td class="next-step prose" data-label="Next step">{ step(r) }</td>
                            <td data-label="Call">{ r.call.to_string() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            </div>
            if run.finished && !exists.is_empty() {
                <button type="button" onclick={onretry}>
                    { format!("Review the diff of {} and re-run with overwrite",
                        if exists.len() == 1 { exists[0].clone() } else { format!("{} versions", exists.len()) }) }
                </button>
            }
        </section>
    }
}
