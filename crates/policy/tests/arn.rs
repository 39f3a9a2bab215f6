//! ARN builders, parsers and round trips.

use wharf_policy::arn::{
    IamArn, ResourceArn, domain_arn, package_arn, package_group_arn, repository_arn, root_arn,
    user_arn,
};

#[test]
fn builders_match_the_spec_formats() {
    assert_eq!(
        domain_arn("us-west-2", "111122223333", "my-domain"),
        "arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain"
    );
    assert_eq!(
        repository_arn("us-west-2", "111122223333", "my-domain", "repo-a"),
        "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-a"
    );
    assert_eq!(
        package_arn("us-west-2", "111122223333", "d", "r", "npm", None, "lodash"),
        "arn:aws:codeartifact:us-west-2:111122223333:package/d/r/npm//lodash"
    );
    assert_eq!(
        package_arn(
            "us-west-2",
            "111122223333",
            "d",
            "r",
            "npm",
            Some(""),
            "lodash"
        ),
        "arn:aws:codeartifact:us-west-2:111122223333:package/d/r/npm//lodash"
    );
    assert_eq!(
        package_arn(
            "us-west-2",
            "111122223333",
            "d",
            "r",
            "maven",
            Some("com.example"),
            "my-lib"
        ),
        "arn:aws:codeartifact:us-west-2:111122223333:package/d/r/maven/com.example/my-lib"
    );
    assert_eq!(
        package_group_arn("us-west-2", "111122223333", "d", "/npm/my-scope/*"),
        "arn:aws:codeartifact:us-west-2:111122223333:package-group/d/npm/my-scope/%2A"
    );
    assert_eq!(
        user_arn("111122223333", "bob"),
        "arn:aws:iam::111122223333:user/bob"
    );
    assert_eq!(root_arn("111122223333"), "arn:aws:iam::111122223333:root");
}

#[test]
fn resource_arns_round_trip() {
    let arns = [
        "arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain",
        "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-a",
        "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-a/npm//lodash",
        "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-a/npm/types/node",
        "arn:aws:codeartifact:eu-central-1:111122223333:package/d/r/pypi//pigeon-cli",
        "arn:aws:codeartifact:us-west-2:111122223333:package-group/my-domain/npm/my-scope/%2A",
        "arn:aws:codeartifact:us-west-2:111122223333:package-group/my-domain/%2A",
    ];
    for arn in arns {
        let parsed = ResourceArn::parse(arn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.to_string(), arn);
        assert_eq!(parsed.owner(), "111122223333");
    }
    let parsed = ResourceArn::parse(arns[2]).unwrap();
    assert_eq!(
        parsed,
        ResourceArn::Package {
            region: "us-west-2".into(),
            owner: "111122223333".into(),
            domain: "my-domain".into(),
            repository: "repo-a".into(),
            format: "npm".into(),
            namespace: None,
            package: "lodash".into(),
        }
    );
    assert_eq!(parsed.repository(), Some("repo-a"));
    assert_eq!(parsed.domain(), "my-domain");
    match ResourceArn::parse(arns[5]).unwrap() {
        ResourceArn::PackageGroup { pattern, .. } => assert_eq!(pattern, "/npm/my-scope/*"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_resource_arns_are_rejected() {
    let bad = [
        "",
        "*",
        "arn:aws:codeartifact:us-west-2:111122223333",
        "arn:aws:s3:us-west-2:111122223333:domain/d",
        "arn:aws-cn:codeartifact:us-west-2:111122223333:domain/d",
        "arn:aws:codeartifact::111122223333:domain/d",
        "arn:aws:codeartifact:us-west-2:1111:domain/d",
        "arn:aws:codeartifact:us-west-2:111122223333:domain/",
        "arn:aws:codeartifact:us-west-2:111122223333:domain/d/extra",
        "arn:aws:codeartifact:us-west-2:111122223333:repository/d",
        "arn:aws:codeartifact:us-west-2:111122223333:package/d/r/npm/lodash",
        "arn:aws:codeartifact:us-west-2:111122223333:package/d/r//ns/lodash",
        "arn:aws:codeartifact:us-west-2:111122223333:package-group/d",
        "arn:aws:codeartifact:us-west-2:111122223333:package-group/d/%ZZ",
        "arn:aws:codeartifact:us-west-2:111122223333:widget/d",
        "arn:aws:codeartifact:us-west-2:111122223333:domain",
    ];
    for arn in bad {
        let e = ResourceArn::parse(arn).expect_err(arn);
        assert!(e.to_string().starts_with("Invalid ARN"), "{e}");
    }
}

#[test]
fn principal_arns_round_trip() {
    let cases = [
        (
            "arn:aws:iam::111122223333:root",
            IamArn::Root {
                account: "111122223333".into(),
            },
        ),
        (
            "arn:aws:iam::111122223333:user/bob",
            IamArn::User {
                account: "111122223333".into(),
                name: "bob".into(),
            },
        ),
        (
            "arn:aws:iam::111122223333:user/division/bob",
            IamArn::User {
                account: "111122223333".into(),
                name: "division/bob".into(),
            },
        ),
        (
            "arn:aws:iam::111122223333:role/builder",
            IamArn::Other {
                account: "111122223333".into(),
                arn: "arn:aws:iam::111122223333:role/builder".into(),
            },
        ),
    ];
    for (arn, expected) in cases {
        let parsed = IamArn::parse(arn).unwrap();
        assert_eq!(parsed, expected);
        assert_eq!(parsed.to_string(), arn);
        assert_eq!(parsed.account(), "111122223333");
    }
    for bad in [
        "bob",
        "arn:aws:iam::111122223333:user/",
        "arn:aws:iam::12345:root",
        "arn:aws:iam:us-west-2:111122223333:root",
        "arn:aws:s3::111122223333:root",
        "arn:aws:iam::111122223333:bob",
    ] {
        assert!(IamArn::parse(bad).is_err(), "{bad}");
    }
}
