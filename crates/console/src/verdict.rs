//! What a plan means for the Run button, in words: whether the copy would go through (every
//! call, and the token's permission), what Run would do ("Copy 160 and overwrite 1 into
//! release"), and for a copy of several calls, what each call would do.

use crate::plan::{PlanSummary, summarize};
use crate::state::{Permission, PlanView};
use wharf_core::api::{CopyPlanReport, PackageVersionErrorCode, PlannedAction};

/// The plan's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanVerdict {
    /// Running this plan would go through: Run may be offered.
    pub passes: bool,
    /// The verdict in one sentence.
    pub headline: String,
    /// More lines: one per call of a copy of several calls, the permission check.
    pub details: Vec<String>,
    /// What Run does, for the confirmation ("Copy 160 and overwrite 1 into release").
    pub action: Option<String>,
    /// The versions that would fail on their own (not `SKIPPED`): what "leave out the
    /// conflicting versions" removes.
    pub conflicting: Vec<String>,
}

fn range(report: &CopyPlanReport) -> String {
    match (report.versions.first(), report.versions.last()) {
        (Some(a), Some(b)) if report.versions.len() > 1 => {
            format!(
                "{} – {}, {} versions",
                a.version,
                b.version,
                report.versions.len()
            )
        }
        (Some(a), _) => a.version.clone(),
        _ => "no versions".to_owned(),
    }
}

fn failures(report: &CopyPlanReport) -> Vec<(String, PackageVersionErrorCode)> {
    report
        .versions
        .iter()
        .filter(|v| v.action == PlannedAction::Fail)
        .filter_map(|v| v.error.as_ref().map(|e| (v.version.clone(), e.error_code)))
        .filter(|(_, code)| *code != PackageVersionErrorCode::Skipped)
        .collect()
}

/// "Copy 160 and overwrite 1 into release".
pub fn action_text(s: &PlanSummary, destination: &str) -> String {
    let mut parts = Vec::new();
    if s.copy > 0 {
        parts.push(format!("copy {}", s.copy));
    }
    if s.overwrite > 0 {
        parts.push(format!("overwrite {}", s.overwrite));
    }
    let text = format!("{} into {destination}", parts.join(" and "));
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The verdict of a plan.
pub fn plan_verdict(view: &PlanView) -> PlanVerdict {
    let destination = view.form.destination.trim();
    let total = summarize(&view.report);
    let conflicting: Vec<String> = failures(&view.report).into_iter().map(|(v, _)| v).collect();
    let calls = view.batches.len();
    let promotion = crate::large_copy::runs_as_promotion(&view.form);
    let mut details = Vec::new();
    if calls > 1 {
        for (i, b) in view.batches.iter().enumerate() {
            let s = summarize(b);
            let f = failures(b);
            let what = if f.is_empty() {
                let mut done = Vec::new();
                if s.copy + s.overwrite > 0 {
                    done.push(format!("would copy {}", s.copy + s.overwrite));
                }
                if s.no_op > 0 {
                    done.push(format!("{} already identical", s.no_op));
                }
                done.join(", ")
            } else {
                let why: Vec<String> = f
                    .iter()
                    .map(|(v, c)| format!("{v} {}", c.as_str()))
                    .collect();
                format!(
                    "would fail: {}; its other {} version(s) would be SKIPPED",
                    why.join(", "),
                    b.versions.len() - f.len()
                )
            };
            details.push(format!("Call {} of {calls} ({}): {what}.", i + 1, range(b)));
        }
    }
    match &view.permission {
        Permission::Allowed => {}
        Permission::Denied(message) => {
            return PlanVerdict {
                passes: false,
                headline: format!(
                    "You may not copy into {destination}: the service refuses this token. {message}"
                ),
                details,
                action: None,
                conflicting,
            };
        }
        Permission::Unknown(why) => details.push(format!(
            "Whether this token may copy into {destination} could not be checked: {why}"
        )),
    }
    if total.fail > 0 {
        let exists = view.report.versions.iter().any(|v| {
            v.error
                .as_ref()
                .is_some_and(|e| e.error_code == PackageVersionErrorCode::AlreadyExists)
        });
        let advice = if exists {
            " Review what differs below, then allow overwrite or leave those versions out."
        } else {
            " Leave the failing versions out, or fix them, and plan again."
        };
        let headline = if calls > 1 {
            let failing = view
                .batches
                .iter()
                .filter(|b| !failures(b).is_empty())
                .count();
            format!(
                "This copy would not go through as planned: {failing} of its {calls} calls would fail, and each call is all-or-nothing. Run is off until every call would pass.{advice}"
            )
        } else if promotion {
            format!(
                "This copy would not go through: more than 100 versions run as one all-or-nothing promotion, so a failing version stops them all and the others are SKIPPED.{advice}"
            )
        } else {
            format!(
                "This copy would not go through: a failing version stops the whole call, so the others are SKIPPED.{advice}"
            )
        };
        return PlanVerdict {
            passes: false,
            headline,
            details,
            action: None,
            conflicting,
        };
    }
    if total.copy + total.overwrite == 0 {
        return PlanVerdict {
            passes: false,
            headline: "Nothing to copy: the destination already holds every version, identical."
                .to_owned(),
            details,
            action: None,
            conflicting,
        };
    }
    let mut headline = format!(
        "Ready: {} version(s) would be copied{}.",
        total.copy + total.overwrite,
        if total.overwrite > 0 {
            format!(
                ", {} of them overwriting the destination's",
                total.overwrite
            )
        } else {
            String::new()
        }
    );
    if promotion {
        headline.push_str(
            " More than 100 versions run as one all-or-nothing promotion, recorded under Promotions and revertible.",
        );
    } else if calls > 1 {
        headline.push_str(&format!(
            " The run makes {calls} calls of at most 100 versions, in version order; each call is all-or-nothing."
        ));
    }
    PlanVerdict {
        passes: true,
        headline,
        details,
        action: Some(action_text(&total, destination)),
        conflicting,
    }
}

#[cfg(test)]
mod tests;
