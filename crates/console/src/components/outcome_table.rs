//! The outcome of a copy run: progress, then one row per version with its result and, for
//! failures, the next step.

use super::revision;
use crate::plan::{next_step, outcome_rows, overwrite_retry_versions};
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

/// The progress bar and result table of a copy run.
#[function_component(OutcomeTable)]
pub fn outcome_table(props: &OutcomeTableProps) -> Html {
    let run = &props.run;
    let mut rows = outcome_rows(&run.form.requested_versions(), &run.result);
    // Versions not answered yet are not "unchanged" until the run finished cleanly.
    if !run.finished || run.stopped.is_some() {
        rows.retain(|r| !r.unchanged);
    }
    let retry = overwrite_retry_versions(&rows);
    let exists: Vec<String> = rows
        .iter()
        .filter(|r| r.error_code == Some(PackageVersionErrorCode::AlreadyExists))
        .map(|r| r.version.clone())
        .collect();
    let unchanged = rows.iter().filter(|r| r.unchanged).count();
    let failed = rows.iter().filter(|r| r.error_code.is_some()).count();
    let ok = rows.len() - failed - unchanged;
    let oncancel = props.oncancel.reform(|_: MouseEvent| ());
    let onretry = props.onretry.reform(move |_: MouseEvent| retry.clone());
    html! {
        <section class="outcome" aria-label="Outcome">
            <div class="progress-row">
                <progress id="run-progress" max={run.total.to_string()} value={run.done.to_string()}>
                    { format!("{}/{}", run.done, run.total) }
                </progress>
                <span aria-live="polite">{ format!("{} of {} calls", run.done, run.total) }</span>
                if !run.finished {
                    <button type="button" class="secondary" onclick={oncancel}
                        disabled={run.cancel_requested}>
                        { if run.cancel_requested { "Stopping…" } else { "Cancel" } }
                    </button>
                }
            </div>
            if let Some(why) = &run.stopped {
                <div class="notice error" role="alert">{ format!("Stopped: {why}") }</div>
            }
            <p class="summary">
                <span class="badge act-copy">{ format!("{ok} copied") }</span>
                if unchanged > 0 {
                    <span class="badge act-noop">{ format!("{unchanged} unchanged") }</span>
                }
                <span class="badge act-fail">{ format!("{failed} failed") }</span>
            </p>
            <div class="table-wrap">
                <table id="outcome-table">
                    <thead><tr>
                        <th scope="col">{ "Version" }</th><th scope="col">{ "Result" }</th>
                        <th scope="col">{ "Revision" }</th><th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Error" }</th><th scope="col">{ "Next step" }</th>
                    </tr></thead>
                    <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr>
                            <td><code>{ &r.version }</code></td>
                            <td>
                                if r.error_code.is_some() {
                                    <span class="badge act-fail">{ "FAILED" }</span>
                                } else if r.unchanged {
                                    <span class="badge act-noop">{ "UNCHANGED" }</span>
                                } else {
                                    <span class="badge act-copy">{ "OK" }</span>
                                }
                            </td>
                            <td>{ revision(r.revision.as_deref()) }</td>
                            <td>{ r.status.map(|s| s.as_str()).unwrap_or("") }</td>
                            <td class="prose">
                                if let Some(code) = r.error_code {
                                    <strong>{ code.as_str() }</strong>{ " " }
                                    { r.error_message.clone().unwrap_or_default() }
                                }
                            </td>
                            <td class="next-step prose">{ match r.error_code {
                                Some(code) => next_step(code),
                                None if r.unchanged => "Already identical in the destination.",
                                None => "",
                            } }</td>
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
