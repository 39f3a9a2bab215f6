//! The operations of the permission matrix (`iam_matrix.rs`), as requests on a resource.

use crate::support::iam::*;
use serde_json::json;

/// `(operation, method, uri, body)` for each operation on `res`.
pub fn operations(res: &str) -> Vec<(&'static str, &'static str, String, Vec<u8>)> {
    if res == "domain" {
        let doc = policy(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "codeartifact:DescribeDomain", "Resource": "*"}]),
        );
        return [
            (
                "DescribeDomain",
                "GET",
                "/v1/domain?domain=dom".into(),
                vec![],
            ),
            (
                "ListRepositoriesInDomain",
                "POST",
                "/v1/domain/repositories?domain=dom".into(),
                vec![],
            ),
            (
                "GetAuthorizationToken",
                "POST",
                "/v1/authorization-token?domain=dom".into(),
                vec![],
            ),
            ("ListDomains", "POST", "/v1/domains".into(), vec![]),
            (
                "ListRepositories",
                "POST",
                "/v1/repositories".into(),
                vec![],
            ),
            (
                "CreateRepository",
                "POST",
                "/v1/repository?domain=dom&repository=fresh".into(),
                vec![],
            ),
            (
                "CreateDomain",
                "POST",
                "/v1/domain?domain=ee".into(),
                vec![],
            ),
            (
                "DeleteDomain",
                "DELETE",
                "/v1/domain?domain=dom".into(),
                vec![],
            ),
            (
                "GetDomainPermissionsPolicy",
                "GET",
                "/v1/domain/permissions/policy?domain=dom".into(),
                vec![],
            ),
            (
                "PutDomainPermissionsPolicy",
                "PUT",
                "/v1/domain/permissions/policy".into(),
                json!({"domain": "dom", "policyDocument": doc.to_string()})
                    .to_string()
                    .into_bytes(),
            ),
            (
                "DeleteDomainPermissionsPolicy",
                "DELETE",
                "/v1/domain/permissions/policy?domain=dom".into(),
                vec![],
            ),
        ]
        .into_iter()
        .chain(package_group_operations())
        .chain(tagging(&format!(
            "arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/dom"
        )))
        .collect();
    }
    let v = if res == "staging" { "1.0.0" } else { "0.9.0" };
    let (source, source_v) = if res == "staging" {
        ("release", "0.9.0")
    } else {
        ("staging", "1.0.0")
    };
    let repo = format!("domain=dom&repository={res}");
    let pkg = format!("{repo}&format=generic&namespace=ns&package=pkg");
    let versions = json!({"versions": [v]}).to_string().into_bytes();
    let doc = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "codeartifact:DescribeRepository", "Resource": "*"}]),
    );
    vec![
        (
            "DescribeRepository",
            "GET",
            format!("/v1/repository?{repo}"),
            vec![],
        ),
        (
            "ListPackages",
            "POST",
            format!("/v1/packages?{repo}"),
            vec![],
        ),
        (
            "GetRepositoryEndpoint",
            "GET",
            format!("/v1/repository/endpoint?{repo}&format=npm"),
            vec![],
        ),
        (
            "UpdateRepository",
            "PUT",
            format!("/v1/repository?{repo}"),
            br#"{"description": "x"}"#.to_vec(),
        ),
        (
            "DeleteRepository",
            "DELETE",
            format!("/v1/repository?{repo}"),
            vec![],
        ),
        (
            "DescribePackage",
            "GET",
            format!("/v1/package?{pkg}"),
            vec![],
        ),
        (
            "DeletePackage",
            "DELETE",
            format!("/v1/package?{pkg}"),
            vec![],
        ),
        (
            "PutPackageOriginConfiguration",
            "POST",
            format!("/v1/package?{pkg}"),
            br#"{"restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}}"#.to_vec(),
        ),
        (
            "ListPackageVersions",
            "POST",
            format!("/v1/package/versions?{pkg}"),
            vec![],
        ),
        (
            "DescribePackageVersion",
            "GET",
            format!("/v1/package/version?{pkg}&version={v}"),
            vec![],
        ),
        (
            "ListPackageVersionAssets",
            "POST",
            format!("/v1/package/version/assets?{pkg}&version={v}"),
            vec![],
        ),
        (
            "GetPackageVersionReadme",
            "GET",
            format!("/v1/package/version/readme?{pkg}&version={v}"),
            vec![],
        ),
        (
            "ListPackageVersionDependencies",
            "POST",
            format!("/v1/package/version/dependencies?{pkg}&version={v}"),
            vec![],
        ),
        (
            "GetPackageVersionAsset",
            "GET",
            format!("/v1/package/version/asset?{pkg}&version={v}&asset=a.txt"),
            vec![],
        ),
        ("PublishPackageVersion", "POST", String::new(), vec![]),
        (
            "UpdatePackageVersionsStatus",
            "POST",
            format!("/v1/package/versions/update_status?{pkg}"),
            json!({"versions": [v], "targetStatus": "Archived"})
                .to_string()
                .into_bytes(),
        ),
        (
            "DeletePackageVersions",
            "POST",
            format!("/v1/package/versions/delete?{pkg}"),
            versions.clone(),
        ),
        (
            "DisposePackageVersions",
            "POST",
            format!("/v1/package/versions/dispose?{pkg}"),
            versions,
        ),
        (
            "CopyPackageVersions",
            "POST",
            format!(
                "/v1/package/versions/copy?domain=dom&source-repository={source}&destination-repository={res}&format=generic&namespace=ns&package=pkg"
            ),
            json!({"versions": [source_v]}).to_string().into_bytes(),
        ),
        (
            "Promote",
            "POST",
            "/wharf/v1/promotions".into(),
            json!({"domain": "dom", "sourceRepository": source, "destinationRepository": res,
                "packages": [{"format": "generic", "namespace": "ns", "package": "pkg",
                "versions": [source_v]}]})
            .to_string()
            .into_bytes(),
        ),
        (
            "ListPromotions",
            "GET",
            format!("/wharf/v1/promotions?{repo}"),
            vec![],
        ),
        (
            "GetRepositoryPermissionsPolicy",
            "GET",
            format!("/v1/repository/permissions/policy?{repo}"),
            vec![],
        ),
        (
            "PutRepositoryPermissionsPolicy",
            "PUT",
            format!("/v1/repository/permissions/policy?{repo}"),
            json!({"policyDocument": doc.to_string()})
                .to_string()
                .into_bytes(),
        ),
        (
            "DeleteRepositoryPermissionsPolicy",
            "DELETE",
            format!("/v1/repository/permissions/policies?{repo}"),
            vec![],
        ),
        (
            "AssociateExternalConnection",
            "POST",
            format!("/v1/repository/external-connection?{repo}&external-connection=public:npmjs"),
            vec![],
        ),
        (
            "DisassociateExternalConnection",
            "DELETE",
            format!("/v1/repository/external-connection?{repo}&external-connection=public:npmjs"),
            vec![],
        ),
    ]
    .into_iter()
    .chain(tagging(&repo_arn(res)))
    .collect()
}

/// TagResource, UntagResource and ListTagsForResource on the resource `arn`.
fn tagging(arn: &str) -> Vec<(&'static str, &'static str, String, Vec<u8>)> {
    let q = format!(
        "resourceArn={}",
        arn.replace(':', "%3A").replace('/', "%2F")
    );
    vec![
        (
            "TagResource",
            "POST",
            format!("/v1/tag?{q}"),
            json!({"tags": [{"key": "team", "value": "core"}]})
                .to_string()
                .into_bytes(),
        ),
        (
            "UntagResource",
            "POST",
            format!("/v1/untag?{q}"),
            json!({"tagKeys": ["team"]}).to_string().into_bytes(),
        ),
        (
            "ListTagsForResource",
            "POST",
            format!("/v1/tags?{q}"),
            vec![],
        ),
    ]
}

/// The package-group operations, on the domain `dom` whose setup holds the group
/// `/generic/ns/*` (see `iam_matrix.rs`).
fn package_group_operations() -> Vec<(&'static str, &'static str, String, Vec<u8>)> {
    let group = "domain=dom&package-group=%2Fgeneric%2Fns%2F%2A";
    let root = "domain=dom&package-group=%2F%2A";
    vec![
        (
            "CreatePackageGroup",
            "POST",
            "/v1/package-group?domain=dom".into(),
            br#"{"packageGroup": "/npm/*"}"#.to_vec(),
        ),
        (
            "DescribePackageGroup",
            "GET",
            format!("/v1/package-group?{group}"),
            vec![],
        ),
        (
            "UpdatePackageGroup",
            "PUT",
            "/v1/package-group?domain=dom".into(),
            br#"{"packageGroup": "/generic/ns/*", "description": "x"}"#.to_vec(),
        ),
        (
            "DeletePackageGroup",
            "DELETE",
            format!("/v1/package-group?{group}"),
            vec![],
        ),
        (
            "UpdatePackageGroupOriginConfiguration",
            "PUT",
            format!("/v1/package-group-origin-configuration?{group}"),
            br#"{"restrictions": {"PUBLISH": "BLOCK"}}"#.to_vec(),
        ),
        (
            "ListPackageGroups",
            "POST",
            "/v1/package-groups?domain=dom".into(),
            vec![],
        ),
        (
            "ListSubPackageGroups",
            "POST",
            format!("/v1/package-groups/sub-groups?{root}"),
            vec![],
        ),
        (
            "GetAssociatedPackageGroup",
            "GET",
            "/v1/get-associated-package-group?domain=dom&format=generic&namespace=ns&package=pkg"
                .into(),
            vec![],
        ),
        (
            "ListAllowedRepositoriesForGroup",
            "GET",
            format!("/v1/package-group-allowed-repositories?{group}&originRestrictionType=PUBLISH"),
            vec![],
        ),
        (
            "ListAssociatedPackages",
            "GET",
            format!("/v1/list-associated-packages?{group}"),
            vec![],
        ),
    ]
}
