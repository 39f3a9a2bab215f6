//! A copy run: its CopyPackageVersions calls (100 versions each, in version order) and what
//! became of each, and the pure helpers behind the outcome view: one row per requested
//! version (copied, unchanged, failed, blocked, not attempted or unknown), the summary, which
//! calls ran, and what to resume or verify.

use crate::form::CopyForm;
use wharf_core::api::{CopyPackageVersionsResult, PackageVersionErrorCode};
use wharf_core::names::PackageVersionStatus;

/// What became of one CopyPackageVersions call of a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CallState {
    /// Not answered yet.
    #[default]
    Waiting,
    /// The service answered with this result.
    Answered(CopyPackageVersionsResult),
    /// The service refused the call with this error: it wrote nothing.
    Refused(String),
    /// No answer came (the network failed): the call may or may not have copied.
    Unknown(String),
    /// The run stopped before this call was sent.
    NotAttempted,
}

/// One CopyPackageVersions call of a run: its versions, in order, and what became of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunCall {
    /// The versions the call names.
    pub versions: Vec<String>,
    /// What became of it.
    pub state: CallState,
}

/// A copy in progress or finished.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunProgress {
    /// The form being run.
    pub form: CopyForm,
    /// The calls of the run, in the order they are made.
    pub calls: Vec<RunCall>,
    /// The user asked to stop after the current call.
    pub cancel_requested: bool,
    /// No more calls will be made.
    pub finished: bool,
    /// Why the run stopped early (cancelled or an error), if it did.
    pub stopped: Option<String>,
    /// The record of the promotion that ran the copy (more than 100 versions), once answered.
    pub promotion_id: Option<String>,
}

impl RunProgress {
    /// How many calls the run makes.
    pub fn total(&self) -> usize {
        self.calls.len()
    }

    /// How many calls have been sent and are over (answered, refused or unknown).
    pub fn done(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| !matches!(c.state, CallState::Waiting | CallState::NotAttempted))
            .count()
    }

    pub(crate) fn next_waiting(&mut self) -> Option<&mut RunCall> {
        self.calls
            .iter_mut()
            .find(|c| c.state == CallState::Waiting)
    }

    pub(crate) fn stop(&mut self, reason: Option<String>) {
        for c in &mut self.calls {
            if c.state == CallState::Waiting {
                c.state = CallState::NotAttempted;
            }
        }
        self.finished = true;
        self.stopped = reason;
    }
}

/// What became of one requested version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// The destination now holds it, copied by this run.
    Copied,
    /// The destination already held it identical; nothing was written for it.
    Unchanged,
    /// It failed (the error code says why), so its call copied nothing.
    Failed,
    /// Not copied because another version of its call failed (`SKIPPED`).
    Blocked,
    /// Its call was refused by the service as a whole (nothing written).
    Refused,
    /// Its call was sent but no answer came: it may or may not have been copied.
    Unknown,
    /// The run stopped before its call was sent.
    NotAttempted,
    /// Its call has not answered yet.
    Waiting,
}

impl RowState {
    /// The label of the outcome table's Result column.
    pub fn label(self) -> &'static str {
        match self {
            RowState::Copied => "COPIED",
            RowState::Unchanged => "UNCHANGED",
            RowState::Failed => "FAILED",
            RowState::Blocked => "BLOCKED",
            RowState::Refused => "NOT COPIED",
            RowState::Unknown => "UNKNOWN",
            RowState::NotAttempted => "NOT ATTEMPTED",
            RowState::Waiting => "WAITING",
        }
    }
}

/// One row of the outcome table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// The version.
    pub version: String,
    /// The call (1-based) that named it.
    pub call: usize,
    /// What became of it.
    pub state: RowState,
    /// Its revision, when it was copied.
    pub revision: Option<String>,
    /// Its status after the copy, when it was copied.
    pub status: Option<PackageVersionStatus>,
    /// The per-version error code, when it failed or was blocked.
    pub error_code: Option<PackageVersionErrorCode>,
    /// The service's message (per version, or for the whole call).
    pub error_message: Option<String>,
}

/// Every requested version of the run with what became of it, in call order.
pub fn run_rows(run: &RunProgress) -> Vec<RunRow> {
    let mut rows = Vec::new();
    for (i, call) in run.calls.iter().enumerate() {
        let plain = |version: &String, state: RowState, message: Option<&String>| RunRow {
            version: version.clone(),
            call: i + 1,
            state,
            revision: None,
            status: None,
            error_code: None,
            error_message: message.cloned(),
        };
        match &call.state {
            CallState::Answered(result) => {
                for r in crate::plan::outcome_rows(&call.versions, result) {
                    let state = match r.error_code {
                        Some(PackageVersionErrorCode::Skipped) => RowState::Blocked,
                        Some(_) => RowState::Failed,
                        None if r.unchanged => RowState::Unchanged,
                        None => RowState::Copied,
                    };
                    rows.push(RunRow {
                        version: r.version,
                        call: i + 1,
                        state,
                        revision: r.revision,
                        status: r.status,
                        error_code: r.error_code,
                        error_message: r.error_message,
                    });
                }
            }
            CallState::Refused(m) => rows.extend(
                call.versions
                    .iter()
                    .map(|v| plain(v, RowState::Refused, Some(m))),
            ),
            CallState::Unknown(_) => rows.extend(
                call.versions
                    .iter()
                    .map(|v| plain(v, RowState::Unknown, None)),
            ),
            CallState::NotAttempted => rows.extend(
                call.versions
                    .iter()
                    .map(|v| plain(v, RowState::NotAttempted, None)),
            ),
            CallState::Waiting => rows.extend(
                call.versions
                    .iter()
                    .map(|v| plain(v, RowState::Waiting, None)),
            ),
        }
    }
    rows
}

/// How many rows are in `state`.
pub fn count(rows: &[RunRow], state: RowState) -> usize {
    rows.iter().filter(|r| r.state == state).count()
}

/// The run's outcome in one sentence, counting every requested version.
pub fn run_summary(run: &RunProgress, rows: &[RunRow]) -> String {
    let parts: Vec<String> = [
        (RowState::Copied, "copied"),
        (RowState::Unchanged, "already identical"),
        (RowState::Failed, "failed"),
        (RowState::Blocked, "blocked by a failure"),
        (RowState::Refused, "not copied (call refused)"),
        (RowState::Unknown, "result unknown"),
        (RowState::NotAttempted, "not attempted"),
        (RowState::Waiting, "waiting"),
    ]
    .iter()
    .filter_map(|(s, label)| {
        let n = count(rows, *s);
        (n > 0).then(|| format!("{n} {label}"))
    })
    .collect();
    let calls = run.total();
    let head = if crate::large_copy::runs_as_promotion(&run.form) {
        if !run.finished {
            "Copying as one all-or-nothing promotion".to_owned()
        } else if run.stopped.is_some() {
            "Stopped: the promotion did not answer with a result".to_owned()
        } else {
            match &run.promotion_id {
                Some(id) => format!("Done: one promotion answered (record {id})"),
                None => "Done: one promotion answered".to_owned(),
            }
        }
    } else if !run.finished {
        format!("Copying: {} of {calls} call(s) answered", run.done())
    } else if run.stopped.is_some() {
        format!("Stopped after {} of {calls} call(s)", run.done())
    } else {
        format!(
            "Done: {calls} call{} answered",
            if calls == 1 { "" } else { "s" }
        )
    };
    format!("{head}. {} versions: {}.", rows.len(), parts.join(", "))
}

/// One line per call: its versions and what became of it, in plain words.
pub fn call_lines(run: &RunProgress) -> Vec<String> {
    let total = run.total();
    let promotion = crate::large_copy::runs_as_promotion(&run.form);
    let mut in_flight = !run.finished;
    run.calls
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let range = match (c.versions.first(), c.versions.last()) {
                (Some(a), Some(b)) if a != b => format!("{a} – {b}, {} versions", c.versions.len()),
                (Some(a), _) => a.clone(),
                _ => "no versions".to_owned(),
            };
            let what = match &c.state {
                CallState::Answered(r) => format!(
                    "answered: {} copied, {} failed",
                    r.successful_versions.len(),
                    r.failed_versions.len()
                ),
                CallState::Refused(m) => format!("refused, nothing written: {m}"),
                CallState::Unknown(m) => format!(
                    "sent, but no answer came ({m}): whether it copied is unknown. Verify the destination."
                ),
                CallState::NotAttempted => "not attempted".to_owned(),
                CallState::Waiting if in_flight => {
                    in_flight = false;
                    "in progress".to_owned()
                }
                CallState::Waiting => "waiting".to_owned(),
            };
            if promotion {
                format!("One promotion ({range}): {what}")
            } else {
                format!("Call {} of {total} ({range}): {what}", i + 1)
            }
        })
        .collect()
}

/// The versions "Resume the rest" plans again: those whose call was not attempted, refused
/// or went unanswered, in order.
pub fn resume_versions(rows: &[RunRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| {
            matches!(
                r.state,
                RowState::NotAttempted | RowState::Unknown | RowState::Refused
            )
        })
        .map(|r| r.version.clone())
        .collect()
}

/// The versions worth checking in the destination: copied, already identical, or unknown.
pub fn verify_versions(rows: &[RunRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| {
            matches!(
                r.state,
                RowState::Copied | RowState::Unchanged | RowState::Unknown
            )
        })
        .map(|r| r.version.clone())
        .collect()
}

/// The versions to plan again with overwrite: those that already exist (differing), those
/// they blocked, and the unchanged ones of the same calls.
pub fn overwrite_retry_versions(rows: &[RunRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| {
            matches!(r.state, RowState::Blocked | RowState::Unchanged)
                || r.error_code == Some(PackageVersionErrorCode::AlreadyExists)
        })
        .map(|r| r.version.clone())
        .collect()
}

/// The verify link's form: the run's form naming `versions`, without overwrite (a verify
/// never writes, so the setting has no place in its link).
pub fn verify_form(run: &RunProgress, versions: &[String]) -> CopyForm {
    CopyForm {
        versions: versions.join("\n"),
        overwrite: false,
        ..run.form.clone()
    }
}

#[cfg(test)]
mod tests;
