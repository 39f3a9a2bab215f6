//! Policy document parsing and validation errors.

use wharf_policy::{
    AwsPrincipal, Effect, PatternSet, PolicyDocument, PolicyError, PolicyKind, PolicyVersion,
    PrincipalSet,
};

fn identity_err(text: &str) -> String {
    PolicyDocument::parse_identity(text)
        .expect_err(text)
        .to_string()
}

fn resource_err(text: &str) -> String {
    PolicyDocument::parse_resource(text)
        .expect_err(text)
        .to_string()
}

#[test]
fn parses_single_statement_object_and_lists() {
    let doc = PolicyDocument::parse_identity(
        r#"{"Version": "2012-10-17", "Id": "x", "Statement": {"Sid": "Read", "Effect": "Allow",
            "Action": ["codeartifact:Describe*", "codeartifact:List*"],
            "Resource": "arn:aws:codeartifact:us-west-2:111122223333:*"}}"#,
    )
    .unwrap();
    assert_eq!(doc.kind, PolicyKind::Identity);
    assert_eq!(doc.version, Some(PolicyVersion::V2012_10_17));
    assert_eq!(doc.id.as_deref(), Some("x"));
    assert_eq!(doc.statements.len(), 1);
    let st = &doc.statements[0];
    assert_eq!(st.sid.as_deref(), Some("Read"));
    assert_eq!(st.effect, Effect::Allow);
    assert_eq!(
        st.actions,
        PatternSet::Only(vec![
            "codeartifact:Describe*".into(),
            "codeartifact:List*".into()
        ])
    );
    assert_eq!(st.principal, None);
}

#[test]
fn parses_not_elements_and_old_version() {
    let doc = PolicyDocument::parse_identity(
        r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Deny",
            "NotAction": "codeartifact:Read*", "NotResource": ["arn:aws:codeartifact:*"]}]}"#,
    )
    .unwrap();
    assert_eq!(doc.version, Some(PolicyVersion::V2008_10_17));
    assert!(matches!(
        doc.statements[0].actions,
        PatternSet::AllExcept(_)
    ));
    assert!(matches!(
        doc.statements[0].resources,
        PatternSet::AllExcept(_)
    ));
    // No Version is allowed (IAM's default).
    let doc = PolicyDocument::parse_identity(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    )
    .unwrap();
    assert_eq!(doc.version, None);
}

#[test]
fn parses_principal_forms() {
    let doc = PolicyDocument::parse_resource(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root",
                "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:role/ci"]},
             "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": ["123456789012", "*"]}, "Action": "*", "Resource": "*"}
        ]}"#,
    )
    .unwrap();
    let p: Vec<_> = doc
        .statements
        .iter()
        .map(|s| s.principal.clone().unwrap())
        .collect();
    assert_eq!(p[0], PrincipalSet::Any);
    assert_eq!(
        p[1],
        PrincipalSet::Aws(vec![AwsPrincipal::Account("123456789012".into())])
    );
    assert_eq!(
        p[2],
        PrincipalSet::Aws(vec![
            AwsPrincipal::Account("123456789012".into()),
            AwsPrincipal::Arn("arn:aws:iam::123456789012:user/bob".into()),
            AwsPrincipal::Arn("arn:aws:iam::123456789012:role/ci".into()),
        ])
    );
    assert_eq!(p[3], PrincipalSet::Any);
}

#[test]
fn document_level_errors() {
    let cases: &[(&str, &str)] = &[
        ("not json", "Policy document is not valid JSON: "),
        ("[]", "Policy document must be a JSON object"),
        (
            r#"{"Version": "2012-10-17"}"#,
            "Policy document has no Statement",
        ),
        (
            r#"{"Statement": []}"#,
            "Policy document has an empty Statement array",
        ),
        (
            r#"{"Statement": "x"}"#,
            "Policy document has a Statement that is neither",
        ),
        (
            r#"{"Version": "2020-01-01", "Statement": []}"#,
            r#"Policy document has an unsupported Version "2020-01-01""#,
        ),
        (
            r#"{"Id": 5, "Statement": []}"#,
            "Policy document has an Id that is not a string",
        ),
        (
            r#"{"Foo": 1, "Statement": []}"#,
            r#"Policy document has an unsupported top-level element "Foo""#,
        ),
        (
            r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                              {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}"#,
            r#"Policy document has more than one statement with Sid "A""#,
        ),
    ];
    for (text, expected) in cases {
        let msg = identity_err(text);
        assert!(
            msg.starts_with(expected),
            "{msg:?} should start with {expected:?}"
        );
    }
}

#[test]
fn statement_errors_name_the_statement_and_sid() {
    let ok = r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#;
    let wrap = |bad: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{ok}, {bad}]}}"#);
    let cases: &[(&str, &str)] = &[
        (r#""x""#, "Statement[1]: must be a JSON object"),
        (
            r#"{"Sid": "Cond", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "bob"}}}"#,
            r#"Statement[1] (Sid "Cond"): Condition is not supported by Wharf"#,
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "NotPrincipal": "*"}"#,
            "Statement[1]: NotPrincipal is not supported",
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Extra": 1}"#,
            r#"Statement[1]: has an unsupported element "Extra""#,
        ),
        (
            r#"{"Sid": 5, "Effect": "Allow", "Action": "*", "Resource": "*"}"#,
            "Statement[1]: Sid must be a string",
        ),
        (
            r#"{"Action": "*", "Resource": "*"}"#,
            "Statement[1]: Effect is missing",
        ),
        (
            r#"{"Effect": "allow", "Action": "*", "Resource": "*"}"#,
            r#"Statement[1]: Effect "allow" is invalid"#,
        ),
        (
            r#"{"Effect": "Allow", "Resource": "*"}"#,
            "Statement[1]: must contain either Action or NotAction",
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}"#,
            "Statement[1]: must not contain both Action and NotAction",
        ),
        (
            r#"{"Effect": "Allow", "Action": [], "Resource": "*"}"#,
            "Statement[1]: Action must be a string or a non-empty array of strings",
        ),
        (
            r#"{"Effect": "Allow", "Action": [1], "Resource": "*"}"#,
            "Statement[1]: Action must be a string",
        ),
        (
            r#"{"Effect": "Allow", "NotAction": 1, "Resource": "*"}"#,
            "Statement[1]: NotAction must be a string",
        ),
        (
            r#"{"Effect": "Allow", "Action": "ReadFromRepository", "Resource": "*"}"#,
            r#"Statement[1]: Action value "ReadFromRepository" is not a valid action"#,
        ),
        (
            r#"{"Effect": "Allow", "Action": "*"}"#,
            "Statement[1]: must contain either Resource or NotResource",
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}"#,
            "Statement[1]: must not contain both Resource and NotResource",
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "repository/my-domain/*"}"#,
            r#"Statement[1]: Resource value "repository/my-domain/*" is not a valid resource"#,
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "NotResource": ["*", "x"]}"#,
            r#"Statement[1]: NotResource value "x" is not a valid resource"#,
        ),
        (
            r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:codeartifact:*:*:repository/${aws:username}/*"}"#,
            "Statement[1]: Resource value \"arn:aws:codeartifact:*:*:repository/${aws:username}/*\" uses a policy variable",
        ),
        (
            r#"{"Sid": "P", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#,
            r#"Statement[1] (Sid "P"): Principal is not allowed in an identity policy"#,
        ),
    ];
    for (bad, expected) in cases {
        let msg = identity_err(&wrap(bad));
        assert!(
            msg.starts_with(expected),
            "{msg:?} should start with {expected:?}"
        );
    }
    // Under 2008-10-17 `${…}` is literal text, as in IAM.
    PolicyDocument::parse_identity(
        r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:codeartifact:*:*:repository/${x}/*"}}"#,
    )
    .unwrap();
}

#[test]
fn resource_policy_principal_errors() {
    let wrap = |principal: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Sid": "S", "Effect": "Allow", {principal} "Action": "*", "Resource": "*"}}}}"#
        )
    };
    let cases: &[(&str, &str)] = &[
        (
            "",
            r#"Statement[0] (Sid "S"): Principal is required in a resource policy"#,
        ),
        (
            r#""Principal": "bob","#,
            r#"Statement[0] (Sid "S"): Invalid principal in policy: "bob""#,
        ),
        (
            r#""Principal": {},"#,
            "Statement[0] (Sid \"S\"): Invalid principal in policy: {}",
        ),
        (
            r#""Principal": {"Service": "codebuild.amazonaws.com"},"#,
            r#"Statement[0] (Sid "S"): Principal type "Service" is not supported"#,
        ),
        (
            r#""Principal": {"AWS": "bob"},"#,
            r#"Statement[0] (Sid "S"): Invalid principal in policy: bob"#,
        ),
        (
            r#""Principal": {"AWS": "12345"},"#,
            "Statement[0] (Sid \"S\"): Invalid principal in policy: 12345",
        ),
        (
            r#""Principal": {"AWS": "arn:aws:iam::123456789012:user/*"},"#,
            "Statement[0] (Sid \"S\"): Invalid principal in policy: arn:aws:iam::123456789012:user/*",
        ),
        (
            r#""Principal": {"AWS": []},"#,
            "Statement[0] (Sid \"S\"): Principal AWS must be a string or a non-empty array",
        ),
    ];
    for (principal, expected) in cases {
        let msg = resource_err(&wrap(principal));
        assert!(
            msg.starts_with(expected),
            "{msg:?} should start with {expected:?}"
        );
    }
}

#[test]
fn size_limits_per_kind() {
    let base = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#;
    let padded = |len: usize| {
        let mut s = base.to_owned();
        s.push_str(&" ".repeat(len - base.len()));
        s
    };
    assert!(PolicyDocument::parse_resource(&padded(5120)).is_ok());
    let err = PolicyDocument::parse_resource(&padded(5121)).unwrap_err();
    assert_eq!(
        err,
        PolicyError::TooLarge {
            kind: PolicyKind::Resource,
            size: 5121,
            max: 5120
        }
    );
    assert_eq!(
        err.to_string(),
        "Policy document is 5121 bytes, which exceeds the maximum of 5120 bytes for a resource policy"
    );
    let identity = base.replace(r#""Principal": "*", "#, "");
    let padded_identity = |len: usize| format!("{identity}{}", " ".repeat(len - identity.len()));
    assert!(PolicyDocument::parse_identity(&padded_identity(6144)).is_ok());
    assert!(matches!(
        PolicyDocument::parse_identity(&padded_identity(6145)),
        Err(PolicyError::TooLarge {
            kind: PolicyKind::Identity,
            max: 6144,
            ..
        })
    ));
}
