//! Property tests: the parsers never panic, and a matching Deny is never overridden.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use wharf_policy::matching::glob_matches;
use wharf_policy::{
    Decision, IamArn, PolicyDocument, PolicyKind, Principal, ResourceArn, authorize,
};

const OWNER: &str = "111122223333";
const OTHER: &str = "444455556666";

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
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "2012-10-17",
            "2008-10-17",
            "Allow",
            "Deny",
            "*",
            "codeartifact:*",
            "arn:aws:codeartifact:*",
            "arn:aws:iam::111122223333:root",
            "111122223333",
            "arn:aws:iam::111122223333:user/bob",
            "${aws:username}",
            "",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..6).prop_map(
                |entries| {
                    let map: Map<String, Value> = entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect();
                    Value::Object(map)
                }
            ),
        ]
    })
}

fn action() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "*",
        "codeartifact:*",
        "codeartifact:Read*",
        "codeartifact:readfromrepository",
        "codeartifact:CopyPackageVersions",
        "codeartifact:Describe*",
        "codeartifact:?opy*",
        "s3:*",
    ])
    .prop_map(str::to_owned)
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "*",
        "arn:aws:codeartifact:*",
        "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/*",
        "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-?",
        "arn:aws:codeartifact:us-west-2:111122223333:package/*",
        "arn:aws:codeartifact:*:*:domain/my-domain",
    ])
    .prop_map(str::to_owned)
}

fn principal_value() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("*"),
        json!({"AWS": OWNER}),
        json!({"AWS": OTHER}),
        json!({"AWS": "arn:aws:iam::111122223333:user/bob"}),
        json!({"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:user/alice"]}),
    ])
}

/// A random valid statement for the given kind.
fn statement(kind: PolicyKind) -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(action(), 1..3),
        prop::collection::vec(resource_pattern(), 1..3),
        principal_value(),
    )
        .prop_map(
            move |(deny, not_action, not_resource, actions, resources, principal)| {
                let mut st = Map::new();
                st.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
                st.insert(
                    (if not_action { "NotAction" } else { "Action" }).into(),
                    json!(actions),
                );
                st.insert(
                    (if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    })
                    .into(),
                    json!(resources),
                );
                if kind == PolicyKind::Resource {
                    st.insert("Principal".into(), principal);
                }
                Value::Object(st)
            },
        )
}

fn requests() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec![
            "codeartifact:ReadFromRepository",
            "codeartifact:CopyPackageVersions",
            "codeartifact:DescribeDomain",
        ]),
        prop::sample::select(vec![
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-a",
            "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-b/npm//lodash",
            "arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain",
        ]),
    )
        .prop_map(|(a, r)| (a.to_owned(), r.to_owned()))
}

fn callers() -> impl Strategy<Value = Principal> {
    prop::sample::select(vec![
        Principal::user(OWNER, "bob"),
        Principal::user(OWNER, "alice"),
        Principal::user(OTHER, "eve"),
        Principal::root(OTHER),
    ])
}

fn doc(kind: PolicyKind, statements: Vec<Value>) -> PolicyDocument {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    PolicyDocument::parse(&text, kind).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Reference glob: straightforward recursion.
fn glob_ref(p: &[char], t: &[char]) -> bool {
    match (p.first(), t.first()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some('*'), _) => glob_ref(&p[1..], t) || (!t.is_empty() && glob_ref(p, &t[1..])),
        (Some(_), None) => false,
        (Some('?'), Some(_)) => glob_ref(&p[1..], &t[1..]),
        (Some(a), Some(b)) => a == b && glob_ref(&p[1..], &t[1..]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parser_never_panics_on_strings(text in ".{0,300}") {
        let _ = PolicyDocument::parse(&text, PolicyKind::Identity);
        let _ = PolicyDocument::parse(&text, PolicyKind::Resource);
        let _ = ResourceArn::parse(&text);
        let _ = IamArn::parse(&text);
        let _ = Principal::from_arn(&text);
    }

    #[test]
    fn parser_never_panics_on_json(value in json_value()) {
        let text = value.to_string();
        let _ = PolicyDocument::parse(&text, PolicyKind::Identity);
        let _ = PolicyDocument::parse(&text, PolicyKind::Resource);
        // Wrapped as a statement, to reach the statement validation.
        let text = json!({"Version": "2012-10-17", "Statement": value}).to_string();
        let _ = PolicyDocument::parse(&text, PolicyKind::Identity);
        let _ = PolicyDocument::parse(&text, PolicyKind::Resource);
    }

    #[test]
    fn arn_fields_round_trip(
        domain in "[a-z][a-z0-9-]{0,10}",
        repo in "[A-Za-z0-9._-]{1,10}",
        ns in proptest::option::of("[a-z0-9.@-]{1,8}"),
        pkg in "[A-Za-z0-9._-]{1,10}",
    ) {
        let arn = wharf_policy::arn::package_arn("us-west-2", OWNER, &domain, &repo, "npm", ns.as_deref(), &pkg);
        let parsed = ResourceArn::parse(&arn).unwrap();
        prop_assert_eq!(parsed.to_string(), arn);
        let group = format!("/npm/{}/*", ns.as_deref().unwrap_or("x"));
        let arn = wharf_policy::arn::package_group_arn("us-west-2", OWNER, &domain, &group);
        match ResourceArn::parse(&arn).unwrap() {
            ResourceArn::PackageGroup { pattern, .. } => prop_assert_eq!(pattern, group),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn glob_agrees_with_reference(pattern in "[ab*?]{0,8}", text in "[abc]{0,10}") {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        prop_assert_eq!(glob_matches(&pattern, &text), glob_ref(&p, &t));
    }

    #[test]
    fn a_matching_identity_deny_is_never_overridden(
        caller in callers(),
        (action, resource) in requests(),
        identity_statements in prop::collection::vec(statement(PolicyKind::Identity), 0..5),
        resource_statements in prop::collection::vec(statement(PolicyKind::Resource), 1..5),
        deny_at in any::<prop::sample::Index>(),
        deny_action_wild in any::<bool>(),
    ) {
        prop_assume!(!caller.is_root);
        let mut identity_statements = identity_statements;
        let deny_action = if deny_action_wild { "codeartifact:*".to_owned() } else { action.to_uppercase() };
        let deny = json!({"Sid": "TheDeny", "Effect": "Deny", "Action": deny_action, "Resource": resource});
        let at = deny_at.index(identity_statements.len() + 1);
        identity_statements.insert(at, deny);
        let identity = doc(PolicyKind::Identity, identity_statements);
        let resource_policy = doc(PolicyKind::Resource, resource_statements);
        let decision = authorize(&caller, (&action, &resource), &[identity], Some(&resource_policy));
        prop_assert!(matches!(decision, Decision::ExplicitDeny { .. }), "{:?}", decision);
    }

    #[test]
    fn a_matching_resource_deny_is_never_overridden(
        caller in callers(),
        (action, resource) in requests(),
        identity_statements in prop::collection::vec(statement(PolicyKind::Identity), 1..5),
        resource_statements in prop::collection::vec(statement(PolicyKind::Resource), 0..5),
        deny_at in any::<prop::sample::Index>(),
        principal_form in 0..3u8,
    ) {
        // The owner's root is exempt by design; every other caller must be refused.
        prop_assume!(!(caller.is_root && caller.account == OWNER));
        let principal = match principal_form {
            0 => json!("*"),
            1 => json!({"AWS": caller.account}),
            _ => json!({"AWS": [caller.arn]}),
        };
        let mut resource_statements = resource_statements;
        let deny = json!({"Effect": "Deny", "Principal": principal, "NotAction": "s3:*", "Resource": "*"});
        let at = deny_at.index(resource_statements.len() + 1);
        resource_statements.insert(at, deny);
        let identity = doc(PolicyKind::Identity, identity_statements);
        let resource_policy = doc(PolicyKind::Resource, resource_statements);
        let decision = authorize(&caller, (&action, &resource), &[identity], Some(&resource_policy));
        prop_assert!(decision != Decision::Allow, "{:?}", decision);
    }
}
