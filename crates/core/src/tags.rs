//! Tags on resources: the checks of TagResource, UntagResource and the `tags` member of
//! CreateDomain and CreateRepository (the model's lengths and patterns, no duplicate keys, no
//! `aws:` prefix) and the per-resource limit.

use crate::api::Tag;
use crate::error::{FieldError, ValidationErrors};
use crate::names::is_other_category;

/// The most tags one resource may carry (the User Guide's limit per domain and repository).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// The most entries one request's `tags` or `tagKeys` may hold (the model's list limit).
pub const MAX_TAGS_PER_REQUEST: usize = 200;

fn check_key(key: &str, field: &str, out: &mut Vec<FieldError>) {
    let n = key.chars().count();
    if !(1..=128).contains(&n) {
        out.push(FieldError::constraint(
            field,
            key,
            "have length between 1 and 128",
        ));
    } else if key.chars().any(is_other_category) {
        out.push(FieldError::constraint(
            field,
            key,
            "satisfy regular expression pattern: \\P{C}+",
        ));
    } else if key.to_ascii_lowercase().starts_with("aws:") {
        out.push(FieldError::rule(
            field,
            format!("Tag key {key} uses the reserved prefix aws:"),
        ));
    }
}

/// Checks a list of tags: every key 1–128 characters and every value 0–256, neither holding
/// `\p{C}` characters, no key twice, no `aws:` prefix, at most 200 entries. Returns the pairs in
/// request order, or every violation.
pub fn check_tags(tags: &[Tag], field: &str) -> Result<Vec<(String, String)>, ValidationErrors> {
    let mut errors = Vec::new();
    if tags.len() > MAX_TAGS_PER_REQUEST {
        errors.push(FieldError::constraint(
            field,
            &format!("[{} tags]", tags.len()),
            "have length less than or equal to 200",
        ));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for tag in tags {
        let Some(key) = &tag.key else {
            errors.push(FieldError::missing(&format!("{field}.member.key")));
            continue;
        };
        let value = tag.value.clone().unwrap_or_default();
        check_key(key, &format!("{field}.member.key"), &mut errors);
        if value.chars().count() > 256 {
            errors.push(FieldError::constraint(
                &format!("{field}.member.value"),
                &value,
                "have length less than or equal to 256",
            ));
        } else if value.chars().any(is_other_category) {
            errors.push(FieldError::constraint(
                &format!("{field}.member.value"),
                &value,
                "satisfy regular expression pattern: \\P{C}*",
            ));
        }
        if out.iter().any(|(k, _)| k == key) {
            errors.push(FieldError::rule(
                field,
                format!("Tag key {key} is given more than once"),
            ));
        }
        out.push((key.clone(), value));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ValidationErrors { errors })
    }
}

/// Checks UntagResource's `tagKeys` (each a valid key, at most 200).
pub fn check_tag_keys(keys: &[String], field: &str) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    if keys.len() > MAX_TAGS_PER_REQUEST {
        errors.push(FieldError::constraint(
            field,
            &format!("[{} keys]", keys.len()),
            "have length less than or equal to 200",
        ));
    }
    for key in keys {
        let n = key.chars().count();
        if !(1..=128).contains(&n) || key.chars().any(is_other_category) {
            check_key(key, &format!("{field}.member"), &mut errors);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors { errors })
    }
}

/// The tags a resource would carry after adding `new` to `current` (a key already present
/// takes the new value), sorted by key.
pub fn merged_tags(
    current: &[(String, String)],
    new: &[(String, String)],
) -> Vec<(String, String)> {
    let mut map: std::collections::BTreeMap<String, String> = current.iter().cloned().collect();
    map.extend(new.iter().cloned());
    map.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: Option<&str>) -> Tag {
        Tag {
            key: Some(k.into()),
            value: v.map(Into::into),
        }
    }

    #[test]
    fn limits_and_patterns() {
        let ok = check_tags(&[tag("team", Some("core")), tag("empty", None)], "tags").unwrap();
        assert_eq!(ok[1], ("empty".into(), String::new()));
        let long_key = "k".repeat(129);
        let long_value = "v".repeat(257);
        let e = check_tags(
            &[
                tag(&long_key, Some("x")),
                tag("ok", Some(&long_value)),
                tag("", Some("x")),
                tag("aws:owner", Some("x")),
                tag("ctl\u{7}", Some("x")),
                tag("dup", Some("1")),
                tag("dup", Some("2")),
            ],
            "tags",
        )
        .unwrap_err();
        assert_eq!(e.errors.len(), 6, "{e}");
        assert!(e.to_string().contains("between 1 and 128"), "{e}");
        assert!(e.to_string().contains("less than or equal to 256"), "{e}");
        assert!(e.to_string().contains("aws:"), "{e}");
        assert!(e.to_string().contains("more than once"), "{e}");
        assert!(check_tags(&[tag(&"k".repeat(128), Some(&"v".repeat(256)))], "tags").is_ok());
    }

    #[test]
    fn keys_and_merge() {
        assert!(check_tag_keys(&["a".into()], "tagKeys").is_ok());
        assert!(check_tag_keys(&[String::new()], "tagKeys").is_err());
        let m = merged_tags(
            &[("a".into(), "1".into()), ("b".into(), "2".into())],
            &[("b".into(), "3".into()), ("c".into(), "4".into())],
        );
        assert_eq!(
            m,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "3".into()),
                ("c".into(), "4".into())
            ]
        );
    }
}
