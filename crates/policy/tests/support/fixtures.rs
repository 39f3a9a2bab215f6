//! Shared fixtures: accounts, a request context and policy builders.
#![allow(dead_code)]

use wharf_policy::{PolicyDocument, RequestContext};

/// The domain owner in every test.
pub const OWNER: &str = "111122223333";
/// Another account.
pub const OTHER: &str = "444455556666";
/// Region in every test.
pub const REGION: &str = "us-west-2";

/// A context for `my-domain` owned by [`OWNER`], package `npm` `lodash` without namespace.
pub fn ctx() -> RequestContext<'static> {
    RequestContext {
        region: REGION,
        owner: OWNER,
        domain: "my-domain",
        repository: Some("repo-a"),
        source_repository: Some("repo-a"),
        destination_repository: Some("repo-b"),
        format: Some("npm"),
        package: Some("lodash"),
        package_group: Some("/npm/*"),
        ..RequestContext::default()
    }
}

/// Repository ARN in my-domain of OWNER.
pub fn repo(name: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{OWNER}:repository/my-domain/{name}")
}

/// npm package ARN without namespace in my-domain of OWNER.
pub fn pkg(repo: &str, name: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{OWNER}:package/my-domain/{repo}/npm//{name}")
}

/// An identity policy from statements (JSON fragments).
pub fn identity(statements: &[String]) -> PolicyDocument {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(",")
    );
    PolicyDocument::parse_identity(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A resource policy from statements (JSON fragments).
pub fn resource(statements: &[String]) -> PolicyDocument {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(",")
    );
    PolicyDocument::parse_resource(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// An identity statement.
pub fn stmt(effect: &str, action: &str, resource: &str) -> String {
    format!(r#"{{"Effect": "{effect}", "Action": "{action}", "Resource": "{resource}"}}"#)
}

/// A resource-policy statement with an AWS principal (or `*`).
pub fn rstmt(effect: &str, principal: &str, action: &str, resource: &str) -> String {
    let principal = if principal == "*" {
        "\"*\"".to_owned()
    } else {
        format!(r#"{{"AWS": "{principal}"}}"#)
    };
    format!(
        r#"{{"Sid": "S{effect}", "Effect": "{effect}", "Principal": {principal}, "Action": "{action}", "Resource": "{resource}"}}"#
    )
}
