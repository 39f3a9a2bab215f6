//! The way from a copy too large for one call to the "Promote a release" page: a copy of more
//! than 100 versions runs as several CopyPackageVersions calls, each all-or-nothing on its own;
//! a promotion (`POST /wharf/v1/promotions`) copies the same selection in one all-or-nothing
//! step, with a record that can be reverted. The link carries the selection as that page's
//! explicit list (`input=packages`, one `FORMAT/NAMESPACE/NAME@V1,V2,…` line).

use crate::form::{CopyForm, VersionInput};
use serde::Serialize;

/// The promote page's query members this link fills (the page's own form, camelCase).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PromoteLink<'a> {
    domain: &'a str,
    source: &'a str,
    destination: &'a str,
    input: &'a str,
    packages: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    allow_overwrite: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    include_from_upstream: bool,
}

/// `#/promote?...` with the form's selection, for a copy that takes more than one call. `None`
/// for a copy of one call, and for versions pinned to revisions (the promote page's list
/// names versions only).
pub fn promote_link(form: &CopyForm) -> Option<String> {
    if !crate::large_copy::runs_as_promotion(form) {
        return None;
    }
    let VersionInput::Versions(versions) = form.version_input() else {
        return None;
    };
    let line = format!(
        "{}/{}/{}@{}",
        form.format.trim(),
        form.namespace.trim(),
        form.package.trim(),
        versions.join(",")
    );
    let query = serde_urlencoded::to_string(PromoteLink {
        domain: form.domain.trim(),
        source: form.source.trim(),
        destination: form.destination.trim(),
        input: "packages",
        packages: line,
        allow_overwrite: form.overwrite,
        include_from_upstream: form.upstream,
    })
    .ok()?;
    Some(format!("#/promote?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(n: usize) -> CopyForm {
        CopyForm {
            domain: "demo".into(),
            source: "staging".into(),
            destination: "release".into(),
            format: "generic".into(),
            namespace: "acme".into(),
            package: "big-lib".into(),
            versions: (0..n)
                .map(|i| format!("1.0.{i}"))
                .collect::<Vec<_>>()
                .join("\n"),
            ..CopyForm::default()
        }
    }

    #[test]
    fn a_copy_of_several_calls_links_to_one_promotion() {
        let link = promote_link(&CopyForm {
            overwrite: true,
            ..form(101)
        })
        .expect("101 versions take two calls");
        let query = link.strip_prefix("#/promote?").expect("the promote page");
        let members: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        let get = |k: &str| members.iter().find(|(m, _)| m == k).map(|(_, v)| v.clone());
        assert_eq!(get("domain").as_deref(), Some("demo"));
        assert_eq!(get("input").as_deref(), Some("packages"));
        assert_eq!(get("allowOverwrite").as_deref(), Some("true"));
        assert_eq!(get("includeFromUpstream"), None);
        let packages = get("packages").unwrap();
        assert!(packages.starts_with("generic/acme/big-lib@1.0.0,1.0.1,"));
        assert_eq!(packages.split(',').count(), 101);
    }

    #[test]
    fn one_call_or_pinned_revisions_have_no_link() {
        assert_eq!(promote_link(&form(100)), None);
        let pinned = CopyForm {
            versions: (0..101)
                .map(|i| format!("1.0.{i}=REV{i}"))
                .collect::<Vec<_>>()
                .join("\n"),
            ..form(0)
        };
        assert_eq!(promote_link(&pinned), None);
    }
}
