//! The authorization requirements of every operation.

#[path = "support/fixtures.rs"]
mod support;

use support::{OWNER, REGION, ctx, pkg, repo};
use wharf_policy::{
    API_OPERATIONS, DATA_PLANE_OPERATIONS, PolicyScope, RequestContext, Requirement,
    RequirementError, requirements,
};

fn r(action: &str, resource: &str, scope: PolicyScope) -> Requirement {
    Requirement {
        action: format!("codeartifact:{action}"),
        resource: resource.into(),
        scope,
    }
}

fn repo_scope(name: &str) -> PolicyScope {
    PolicyScope::Repository(name.into())
}

fn domain() -> String {
    format!("arn:aws:codeartifact:{REGION}:{OWNER}:domain/my-domain")
}

#[test]
fn every_operation_has_requirements_with_its_own_action() {
    let mut names: Vec<&str> = API_OPERATIONS.to_vec();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 48);
    let arn = repo("repo-a");
    let ctx = RequestContext {
        resource_arn: Some(&arn),
        ..ctx()
    };
    for op in API_OPERATIONS.iter().chain(&DATA_PLANE_OPERATIONS) {
        let reqs = requirements(op, &ctx).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert!(!reqs.is_empty(), "{op}");
        let own = format!("codeartifact:{op}");
        assert!(reqs.iter().any(|r| r.action == own), "{op}: {reqs:?}");
        for r in &reqs {
            assert!(
                r.resource == "*"
                    || r.resource
                        .starts_with(&format!("arn:aws:codeartifact:{REGION}:{OWNER}:")),
                "{op}: {}",
                r.resource
            );
        }
    }
}

#[test]
fn copy_reads_the_source_and_writes_the_destination_repository_and_package() {
    assert_eq!(
        requirements("CopyPackageVersions", &ctx()).unwrap(),
        vec![
            r("ReadFromRepository", &repo("repo-a"), repo_scope("repo-a")),
            r("CopyPackageVersions", &repo("repo-b"), repo_scope("repo-b")),
            r(
                "CopyPackageVersions",
                &pkg("repo-b", "lodash"),
                repo_scope("repo-b")
            ),
        ]
    );
}

#[test]
fn resource_types_follow_the_service_authorization_reference() {
    let c = ctx();
    let one = |op: &str| {
        let mut v = requirements(op, &c).unwrap();
        assert_eq!(v.len(), 1, "{op}: {v:?}");
        v.remove(0)
    };
    for op in ["ListDomains", "ListRepositories"] {
        assert_eq!(one(op), r(op, "*", PolicyScope::IdentityOnly));
    }
    for op in [
        "DescribeDomain",
        "DeleteDomain",
        "GetAuthorizationToken",
        "GetDomainPermissionsPolicy",
        "PutDomainPermissionsPolicy",
        "DeleteDomainPermissionsPolicy",
        "ListRepositoriesInDomain",
        "ListPackageGroups",
    ] {
        assert_eq!(one(op), r(op, &domain(), PolicyScope::Domain));
    }
    assert_eq!(
        one("CreateDomain"),
        r("CreateDomain", &domain(), PolicyScope::IdentityOnly)
    );
    assert_eq!(
        one("CreateRepository"),
        r("CreateRepository", &repo("repo-a"), PolicyScope::Domain)
    );
    for op in [
        "DescribeRepository",
        "UpdateRepository",
        "DeleteRepository",
        "GetRepositoryEndpoint",
        "GetRepositoryPermissionsPolicy",
        "DeleteRepositoryPermissionsPolicy",
        "ListPackages",
        "ReadFromRepository",
        "AssociateExternalConnection",
        "DisassociateExternalConnection",
    ] {
        assert_eq!(one(op), r(op, &repo("repo-a"), repo_scope("repo-a")));
    }
    // PutRepositoryPermissionsPolicy ignores the repository's own resource policy.
    assert_eq!(
        one("PutRepositoryPermissionsPolicy"),
        r(
            "PutRepositoryPermissionsPolicy",
            &repo("repo-a"),
            PolicyScope::IdentityOnly
        )
    );
    for op in [
        "DescribePackage",
        "DeletePackage",
        "PutPackageOriginConfiguration",
        "DescribePackageVersion",
        "ListPackageVersions",
        "ListPackageVersionAssets",
        "ListPackageVersionDependencies",
        "GetPackageVersionAsset",
        "GetPackageVersionReadme",
        "UpdatePackageVersionsStatus",
        "DeletePackageVersions",
        "DisposePackageVersions",
        "PublishPackageVersion",
        "PutPackageMetadata",
    ] {
        assert_eq!(
            one(op),
            r(op, &pkg("repo-a", "lodash"), repo_scope("repo-a"))
        );
    }
    let group = format!("arn:aws:codeartifact:{REGION}:{OWNER}:package-group/my-domain/npm/%2A");
    for op in [
        "CreatePackageGroup",
        "DescribePackageGroup",
        "ListSubPackageGroups",
    ] {
        assert_eq!(one(op), r(op, &group, PolicyScope::Domain));
    }
}

#[test]
fn publish_extras_per_format() {
    let maven = RequestContext {
        format: Some("maven"),
        namespace: Some("com.example"),
        ..ctx()
    };
    let maven_pkg = format!(
        "arn:aws:codeartifact:{REGION}:{OWNER}:package/my-domain/repo-a/maven/com.example/lodash"
    );
    assert_eq!(
        requirements("PublishPackageVersion", &maven).unwrap(),
        vec![
            r("PublishPackageVersion", &maven_pkg, repo_scope("repo-a")),
            r("PutPackageMetadata", &maven_pkg, repo_scope("repo-a")),
        ]
    );
    let nuget = RequestContext {
        format: Some("nuget"),
        ..ctx()
    };
    let nuget_pkg =
        format!("arn:aws:codeartifact:{REGION}:{OWNER}:package/my-domain/repo-a/nuget//lodash");
    assert_eq!(
        requirements("PublishPackageVersion", &nuget).unwrap(),
        vec![
            r("PublishPackageVersion", &nuget_pkg, repo_scope("repo-a")),
            r("ReadFromRepository", &repo("repo-a"), repo_scope("repo-a")),
        ]
    );
}

#[test]
fn upstreams_need_associate_with_downstream_repository() {
    let ups = ["up-1", "up-2"];
    let c = RequestContext {
        upstreams: &ups,
        ..ctx()
    };
    assert_eq!(
        requirements("UpdateRepository", &c).unwrap(),
        vec![
            r("UpdateRepository", &repo("repo-a"), repo_scope("repo-a")),
            r(
                "AssociateWithDownstreamRepository",
                &repo("up-1"),
                repo_scope("up-1")
            ),
            r(
                "AssociateWithDownstreamRepository",
                &repo("up-2"),
                repo_scope("up-2")
            ),
        ]
    );
}

#[test]
fn tagging_uses_the_given_arn_and_its_governing_policy() {
    let arn = repo("repo-x");
    let c = RequestContext {
        resource_arn: Some(&arn),
        ..RequestContext::default()
    };
    assert_eq!(
        requirements("TagResource", &c).unwrap(),
        vec![r("TagResource", &arn, repo_scope("repo-x"))]
    );
    let d = domain();
    let c = RequestContext {
        resource_arn: Some(&d),
        ..RequestContext::default()
    };
    assert_eq!(
        requirements("UntagResource", &c).unwrap(),
        vec![r("UntagResource", &d, PolicyScope::Domain)]
    );
    let c = RequestContext {
        resource_arn: Some("arn:aws:s3:::bucket"),
        ..RequestContext::default()
    };
    assert!(matches!(
        requirements("ListTagsForResource", &c),
        Err(RequirementError::BadResourceArn(_))
    ));
}

#[test]
fn missing_fields_and_unknown_operations_are_errors() {
    assert_eq!(
        requirements("FrobnicateDomain", &ctx()),
        Err(RequirementError::UnknownOperation(
            "FrobnicateDomain".into()
        ))
    );
    let c = RequestContext {
        package: None,
        ..ctx()
    };
    assert_eq!(
        requirements("CopyPackageVersions", &c)
            .unwrap_err()
            .to_string(),
        "CopyPackageVersions needs package to be authorized"
    );
    let c = RequestContext {
        repository: Some(""),
        ..ctx()
    };
    assert!(requirements("DescribeRepository", &c).is_err());
    let c = RequestContext { owner: "", ..ctx() };
    assert!(requirements("DescribeDomain", &c).is_err());
    // Global operations need nothing.
    assert!(requirements("ListDomains", &RequestContext::default()).is_ok());
}
