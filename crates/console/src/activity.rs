//! The "Activity" view's pure side: [`ActivityFilter`] (the `#/activity` query string, turned
//! into a ListAuditEvents query by [`ActivityFilter::to_query`]), the time-range parsing behind
//! its "From"/"To" fields ([`parse_time`]), the link from a package version to its history
//! ([`ActivityFilter::for_version`]), and what a record's row says ([`outcome`], [`names_version`]).
//! Tested natively in `activity/tests.rs`.

use crate::route::PackageRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wharf_core::api::{AuditEvent, ListAuditEventsQuery};

/// Records per page of the view.
pub const PAGE_SIZE: u32 = 50;

/// The filters of `#/activity?...`: ListAuditEvents' filters as typed (times as
/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, UTC), plus `version`, which the API cannot filter on
/// and the view applies to the records it has loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    /// Records at or after this time.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    /// Records before this time (a bare date means the end of that day).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    /// The principal's ARN, exactly.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub principal: String,
    /// The operation (`CopyPackageVersions`, ...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event: String,
    /// The domain named by the request.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// The repository named by the request (a copy's destination).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub repository: String,
    /// The package (`namespace/name` when it has a namespace).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub package: String,
    /// Only records that name this version (checked in the browser).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
}

/// Parses a UTC time typed as `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DDTHH:MM[:SS][Z]`
/// into epoch seconds. A bare date is its first second, or with `end_of_day` the first second
/// of the next day (so "To 2024-05-01" includes that whole day).
pub fn parse_time(text: &str, end_of_day: bool) -> Result<f64, String> {
    let bad = || format!("'{text}' is not a UTC time like 2024-05-01 or 2024-05-01 13:30");
    let t = text.trim().trim_end_matches(['Z', 'z']);
    let (date, time) = match t.split_once(['T', 't', ' ']) {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    let num = |s: &str, len: usize| -> Option<i64> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (y, m, d) = (num(y, 4), num(m, 2), num(d, 2));
    let (Some(y), Some(m @ 1..=12), Some(d @ 1..=31)) = (y, m, d) else {
        return Err(bad());
    };
    let days = wharf_core::civil::days_from_civil(y, m as u32, d as u32);
    // Refuses 2024-02-30 and the like: the date must come back unchanged.
    if wharf_core::civil::civil_from_days(days) != (y, m as u32, d as u32) {
        return Err(bad());
    }
    let secs = match time {
        None => i64::from(end_of_day) * wharf_core::civil::SECS_PER_DAY,
        Some(tm) => {
            let fields: Vec<&str> = tm.split(':').collect();
            let (h, mi, s) = match fields.as_slice() {
                [h, mi] => (num(h, 2), num(mi, 2), Some(0)),
                [h, mi, s] => (num(h, 2), num(mi, 2), num(s, 2)),
                _ => return Err(bad()),
            };
            match (h, mi, s) {
                (Some(h @ 0..=23), Some(mi @ 0..=59), Some(s @ 0..=59)) => h * 3600 + mi * 60 + s,
                _ => return Err(bad()),
            }
        }
    };
    Ok((days * wharf_core::civil::SECS_PER_DAY + secs) as f64)
}

fn given(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl ActivityFilter {
    /// The history of one package version: the records naming its domain, repository and
    /// package, narrowed in the browser to those naming the version.
    pub fn for_version(p: &PackageRef, version: &str) -> ActivityFilter {
        ActivityFilter {
            domain: p.domain.clone(),
            repository: p.repository.clone(),
            package: if p.namespace.is_empty() {
                p.package.clone()
            } else {
                format!("{}/{}", p.namespace, p.package)
            },
            version: version.to_owned(),
            ..ActivityFilter::default()
        }
    }

    /// The ListAuditEvents query of one page (`token` from the previous one), or the sentence
    /// saying which time could not be read.
    pub fn to_query(&self, token: Option<String>) -> Result<ListAuditEventsQuery, String> {
        let time = |s: &str, end| given(s).map(|s| parse_time(&s, end)).transpose();
        let start_time = time(&self.from, false)?;
        let end_time = time(&self.to, true)?;
        if let (Some(s), Some(e)) = (start_time, end_time)
            && s >= e
        {
            return Err("'From' must be earlier than 'To'".to_owned());
        }
        Ok(ListAuditEventsQuery {
            start_time,
            end_time,
            principal: given(&self.principal),
            event_name: given(&self.event),
            domain: given(&self.domain),
            repository: given(&self.repository),
            package: given(&self.package),
            max_results: Some(PAGE_SIZE),
            next_token: token,
        })
    }
}

/// The versions a record wrote (`responseElements.versionsWritten`), as `name version`
/// (`promotion ID` for a promotion as a whole).
pub fn versions_written(e: &AuditEvent) -> Vec<String> {
    let written = e
        .response_elements
        .as_ref()
        .and_then(|r| r.get("versionsWritten"))
        .and_then(Value::as_array);
    written
        .into_iter()
        .flatten()
        .filter_map(|w| {
            let text = |k: &str| w.get(k).and_then(Value::as_str).unwrap_or("");
            if !text("promotionId").is_empty() {
                return Some(format!("promotion {}", text("promotionId")));
            }
            let name = match text("packageNamespace") {
                "" => text("packageName").to_owned(),
                ns => format!("{ns}/{}", text("packageName")),
            };
            let version = text("packageVersion");
            (!version.is_empty()).then(|| {
                let state = text("packageVersionState");
                if state.is_empty() {
                    format!("{name} {version}")
                } else {
                    format!("{name} {version} ({state})")
                }
            })
        })
        .collect()
}

/// What a record's outcome column says: its error code (and message), what it wrote, or that
/// it succeeded without writing.
pub fn outcome(e: &AuditEvent) -> String {
    if let Some(code) = &e.error_code {
        return match &e.error_message {
            Some(m) if !m.is_empty() => format!("{code}: {m}"),
            _ => code.clone(),
        };
    }
    let written = versions_written(e);
    match (written.is_empty(), e.read_only) {
        (false, _) => format!("Wrote {}", written.join(", ")),
        (true, true) => "Read".to_owned(),
        (true, false) => "Succeeded, nothing written".to_owned(),
    }
}

/// Whether a record names `version`: among the versions it wrote, or in its request's
/// `package-version`/`packageVersion`, `versions` or `versionRevisions`.
pub fn names_version(e: &AuditEvent, version: &str) -> bool {
    let written = e
        .response_elements
        .as_ref()
        .and_then(|r| r.get("versionsWritten"))
        .and_then(Value::as_array);
    if written
        .into_iter()
        .flatten()
        .any(|w| w.get("packageVersion").and_then(Value::as_str) == Some(version))
    {
        return true;
    }
    let p = &e.request_parameters;
    ["package-version", "packageVersion", "version"]
        .iter()
        .any(|k| p.get(*k).and_then(Value::as_str) == Some(version))
        || p.get("versions")
            .and_then(Value::as_array)
            .is_some_and(|vs| vs.iter().any(|v| v.as_str() == Some(version)))
        || p.get("versionRevisions")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(version))
}

#[cfg(test)]
mod tests;
