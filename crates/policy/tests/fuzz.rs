//! Fuzz targets of policy documents as PutDomainPermissionsPolicy, PutRepositoryPermissionsPolicy
//! and the admin API receive them ([`PolicyDocument::parse_identity`] and
//! [`PolicyDocument::parse_resource`]): seeds in `tests/fuzz/policies/`, mutated as bytes and
//! as JSON. Properties: nothing panics (parsing or evaluating); an accepted document parses
//! the same once re-serialised. See the README's "Tests" section for running them longer.

use proptest::prelude::*;
use serde_json::Value;
use wharf_policy::{PolicyDocument, PolicyKind, Principal, authorize};

const KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "AWS",
    "Condition",
    "NotPrincipal",
    "Service",
    "Allow",
    "Deny",
    "2012-10-17",
    "2008-10-17",
    "*",
    "codeartifact:*",
    "codeartifact:ReadFromRepository",
    "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/*",
    "arn:aws:iam::111122223333:root",
    "111122223333",
    "${aws:username}",
];
const TOKENS: &[&[u8]] = &[
    b"\"Statement\": ",
    b"\"Effect\": \"Deny\", ",
    b"\"Action\": \"*\", ",
    b"\"Resource\": ",
    b"\"Principal\": \"*\", ",
    b"{\"AWS\": ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"\"",
    b"\\u0000",
    b"\\ud800",
    b"${",
    b"*",
    b"?",
    b"arn:aws:codeartifact:",
    b"1e999",
];

fn seeds() -> Vec<Vec<u8>> {
    wharf_fuzz::corpus(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/policies"))
}

/// Requests every parsed document is evaluated against.
const REQUESTS: [(&str, &str); 3] = [
    (
        "codeartifact:ReadFromRepository",
        "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-a",
    ),
    (
        "codeartifact:CopyPackageVersions",
        "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-b/npm//lodash",
    ),
    (
        "codeartifact:DeleteDomain",
        "arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain",
    ),
];

fn check(text: &str) -> Result<(), TestCaseError> {
    for kind in [PolicyKind::Identity, PolicyKind::Resource] {
        let Ok(doc) = PolicyDocument::parse(text, kind) else {
            continue;
        };
        prop_assert_eq!(doc.kind, kind);
        prop_assert!(!doc.statements.is_empty());
        // The same JSON, re-serialised compactly, is the same document.
        let value: Value = serde_json::from_str(text).expect("accepted text is JSON");
        let compact = value.to_string();
        if compact.len() <= kind.max_size() {
            prop_assert_eq!(PolicyDocument::parse(&compact, kind), Ok(doc.clone()));
        }
        for principal in [
            Principal::user("111122223333", "bob"),
            Principal::root("444455556666"),
        ] {
            for request in REQUESTS {
                let _ = match kind {
                    PolicyKind::Identity => {
                        authorize(&principal, request, std::slice::from_ref(&doc), None)
                    }
                    PolicyKind::Resource => authorize(&principal, request, &[], Some(&doc)),
                };
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(wharf_fuzz::config(1500))]

    #[test]
    fn policy_bytes(bytes in wharf_fuzz::mutated_bytes(seeds(), TOKENS)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn policy_json(doc in wharf_fuzz::mutated_json(
        seeds().iter().map(|s| serde_json::from_slice(s).expect("seed is JSON")).collect(),
        KEYS,
    )) {
        check(&doc.to_string())?;
    }
}
