//! What the console says about a promotion: the verdict of a plan, the summary of a run, of a
//! revert, and a revert's conflict, in plain sentences.

use std::collections::BTreeMap;
use wharf_core::api::{
    PromotionAction, PromotionResult, PromotionStatus, RevertActionKind, RevertResult,
};

/// What a promotion's plan means for Run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoteVerdict {
    /// Whether running it would write (it passes and changes something).
    pub passes: bool,
    /// One plain sentence.
    pub headline: String,
    /// What Run does, for its button and the confirmation ("Promote 3 versions of 2
    /// packages, overwrite 1, into prod/release").
    pub action: Option<String>,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verdict of a dry run's result.
pub fn verdict(r: &PromotionResult) -> PromoteVerdict {
    let s = &r.summary;
    let into = format!("{}/{}", r.destination.domain, r.destination.repository);
    if r.status == PromotionStatus::Failed {
        let mut codes: BTreeMap<String, u64> = BTreeMap::new();
        for v in r.packages.iter().flat_map(|p| &p.versions) {
            if v.action == PromotionAction::Fail
                && let Some(code) = v.error_code
            {
                let name = serde_json::to_value(code)
                    .ok()
                    .and_then(|c| c.as_str().map(str::to_owned))
                    .unwrap_or_default();
                *codes.entry(name).or_default() += 1;
            }
        }
        let why = codes
            .iter()
            .map(|(c, n)| format!("{n} {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let unsatisfied = r.closure.unsatisfied.len() as u64;
        let closure = if unsatisfied > 0 {
            format!(
                " {} unsatisfied in {into}.",
                plural(
                    unsatisfied,
                    "dependency range stays",
                    "dependency ranges stay"
                )
            )
        } else {
            String::new()
        };
        return PromoteVerdict {
            passes: false,
            headline: format!(
                "Would not pass: {} would fail ({why}), so nothing would be written{}.{closure}",
                plural(s.failed, "version", "versions"),
                if s.skipped > 0 {
                    format!(
                        " and {} would be skipped",
                        plural(s.skipped, "other version", "other versions")
                    )
                } else {
                    String::new()
                },
            ),
            action: None,
        };
    }
    let writes = s.copied + s.overwritten;
    if writes == 0 {
        return PromoteVerdict {
            passes: false,
            headline: format!("Nothing to promote: {into} already holds every version, identical."),
            action: None,
        };
    }
    let packages = r
        .packages
        .iter()
        .filter(|p| {
            p.versions
                .iter()
                .any(|v| matches!(v.action, PromotionAction::Copy | PromotionAction::Overwrite))
        })
        .count() as u64;
    let overwrite = if s.overwritten > 0 {
        format!(", overwrite {}", s.overwritten)
    } else {
        String::new()
    };
    let action = format!(
        "Promote {} of {}{overwrite}, into {into}",
        plural(writes, "version", "versions"),
        plural(packages, "package", "packages"),
    );
    let mut extra = Vec::new();
    if s.noop > 0 {
        extra.push(format!("{} already identical", s.noop));
    }
    if s.added_as_dependencies > 0 {
        extra.push(format!("{} added as dependencies", s.added_as_dependencies));
    }
    if !r.closure.unsatisfied.is_empty() {
        extra.push(format!(
            "{} left unsatisfied (allowed)",
            plural(r.closure.unsatisfied.len() as u64, "range", "ranges")
        ));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join("; "))
    };
    PromoteVerdict {
        passes: true,
        headline: format!(
            "Would pass: {}{extra}. Nothing has been written yet.",
            action
        ),
        action: Some(action),
    }
}

/// The sentence announced after a real run.
pub fn applied_summary(r: &PromotionResult) -> String {
    match (&r.status, &r.promotion_id) {
        (PromotionStatus::Applied, Some(id)) => format!(
            "Promoted: {} copied, {} overwritten, {} already identical, into {}/{}. Recorded as {id}.",
            r.summary.copied,
            r.summary.overwritten,
            r.summary.noop,
            r.destination.domain,
            r.destination.repository
        ),
        _ => format!(
            "Nothing was written: the promotion failed when it was applied ({} failed, {} skipped). Plan again to see why.",
            r.summary.failed, r.summary.skipped
        ),
    }
}

/// What a revert does (its dry run) or did.
pub fn revert_summary(r: &RevertResult) -> String {
    let count = |k| r.actions.iter().filter(|a| a.action == k).count() as u64;
    let (deletes, restores) = (
        count(RevertActionKind::Delete),
        count(RevertActionKind::Restore),
    );
    let tags = r.dist_tags.len() as u64;
    let what = format!(
        "delete {}, restore {} and move {}",
        plural(deletes, "version", "versions"),
        plural(restores, "version", "versions"),
        plural(tags, "dist-tag", "dist-tags")
    );
    match (&r.promotion_id, r.dry_run) {
        (Some(id), false) => format!("Reverted {}: did {what}. Recorded as {id}.", r.revert_of),
        _ => format!(
            "Reverting {} would {what}. Nothing has been written yet.",
            r.revert_of
        ),
    }
}

/// A `ConflictException` of a revert in plain language: a headline, and each change the
/// service named (`name@version changed since the promotion: it left …, the destination now
/// holds …`).
pub fn conflict_text(message: &str) -> (String, Vec<String>) {
    match message.split_once(" cannot be reverted: ") {
        Some((_, changes)) => (
            "The revert was refused and nothing was written: something the promotion wrote has changed since. Undo these changes first, or leave the promotion as it is:".to_owned(),
            changes
                .split("; ")
                .map(|s| s.trim().trim_end_matches('.').to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
        None => (
            format!(
                "The revert was refused and nothing was written: {}.",
                message.trim_end_matches('.')
            ),
            Vec::new(),
        ),
    }
}
