//! Choosing many versions at once: which versions match a filter (`1.2.*`, or any part of the
//! version) and which fall in a range (in version order, [`crate::form::compare_versions`]).
//! Pure, so tested natively; the copy form's picker and the versions view use them.

use crate::form::compare_versions;
use std::cmp::Ordering;

/// Whether `version` matches `filter`: with `*` a wildcard match of the whole version
/// (`1.2.*`, `*-rc.*`), otherwise a case-insensitive "contains". An empty filter matches all.
pub fn matches_filter(version: &str, filter: &str) -> bool {
    let filter = filter.trim().to_lowercase();
    let version = version.to_lowercase();
    if filter.is_empty() {
        return true;
    }
    if !filter.contains('*') {
        return version.contains(&filter);
    }
    let parts: Vec<&str> = filter.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !version.starts_with(first) || version.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &version[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether `version` lies between `from` and `to`, both included, in version order. An empty
/// bound is open.
pub fn in_range(version: &str, from: &str, to: &str) -> bool {
    let (from, to) = (from.trim(), to.trim());
    (from.is_empty() || compare_versions(version, from) != Ordering::Less)
        && (to.is_empty() || compare_versions(version, to) != Ordering::Greater)
}

/// The versions of `all` that match `filter`, in the order given.
pub fn matching(all: &[String], filter: &str) -> Vec<String> {
    all.iter()
        .filter(|v| matches_filter(v, filter))
        .cloned()
        .collect()
}

/// The versions of `all` between `from` and `to`, in the order given.
pub fn range(all: &[String], from: &str, to: &str) -> Vec<String> {
    all.iter()
        .filter(|v| in_range(v, from, to))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("1.0.{i}")).collect()
    }

    #[test]
    fn a_filter_is_a_wildcard_or_a_part() {
        assert!(matches_filter("1.2.3", ""));
        assert!(matches_filter("1.2.3", "1.2.*"));
        assert!(!matches_filter("1.20.3", "1.2.*"));
        assert!(matches_filter("2.0.0-RC.1", "*-rc.*"));
        assert!(matches_filter("2.0.0-rc.1", "rc"));
        assert!(!matches_filter("2.0.0", "rc"));
        assert!(matches_filter("1.0.15", "1.0.1*5"));
        assert!(!matches_filter("1.0.1", "1.0.1*5"));
        assert!(matches_filter("anything", "*"));
        assert_eq!(
            matching(&versions(30), "1.0.2*").len(),
            11,
            "1.0.2 and 1.0.20–1.0.29"
        );
    }

    #[test]
    fn a_range_is_in_version_order_and_inclusive() {
        let all = versions(261);
        let r = range(&all, "1.0.9", "1.0.100");
        assert_eq!(r.len(), 92, "1.0.9 … 1.0.100, not text order");
        assert!(r.contains(&"1.0.10".to_owned()) && r.contains(&"1.0.100".to_owned()));
        assert!(!r.contains(&"1.0.101".to_owned()) && !r.contains(&"1.0.8".to_owned()));
        assert_eq!(range(&all, "1.0.250", "").len(), 11, "an open end");
        assert_eq!(range(&all, "", "1.0.4").len(), 5, "an open start");
        assert!(range(&all, "1.0.5", "1.0.4").is_empty());
    }
}
