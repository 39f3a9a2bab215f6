//! Serde round trips of requests and responses captured from the `aws` CLI (spec §11) and
//! shaped after the model (spec §6, Appendix B).

use super::*;
use crate::names::{PackageFormat, PackageVersionStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Decodes `%XX` escapes and `+` the way a form decoder does.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8 query")
}

/// Parses a captured query string into a query DTO, as a flat map of strings (what the
/// server's form decoder hands serde).
fn query<T: DeserializeOwned>(qs: &str) -> T {
    let map: Map<String, Value> = qs
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), Value::String(percent_decode(v)))
        })
        .collect();
    serde_json::from_value(Value::Object(map)).expect("query deserialises")
}

/// Deserialises `value`, re-serialises it and checks nothing changed.
fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> T {
    let parsed: T = serde_json::from_value(value.clone()).expect("deserialises");
    assert_eq!(serde_json::to_value(&parsed).expect("serialises"), value);
    parsed
}

#[test]
fn list_package_versions_query_keeps_camel_case_filters() {
    let q: ListPackageVersionsQuery = query(
        "domain=my-domain&repository=repo-a&format=npm&namespace=babel&package=core\
         &status=Published&sortBy=PUBLISHED_TIME&originType=EXTERNAL",
    );
    assert_eq!(q.domain.as_deref(), Some("my-domain"));
    assert_eq!(q.domain_owner, None);
    assert_eq!(q.namespace.as_deref(), Some("babel"));
    assert_eq!(q.status.as_deref(), Some("Published"));
    assert_eq!(q.sort_by.as_deref(), Some("PUBLISHED_TIME"));
    assert_eq!(q.origin_type.as_deref(), Some("EXTERNAL"));

    let page2: ListPackageVersionsQuery = query(
        "domain=my-domain&domain-owner=111122223333&repository=repo-a&format=npm\
         &package=lodash&max-results=1&next-token=tok-page-2",
    );
    assert_eq!(page2.domain_owner.as_deref(), Some("111122223333"));
    assert_eq!(page2.max_results.as_deref(), Some("1"));
    assert_eq!(page2.next_token.as_deref(), Some("tok-page-2"));
}

#[test]
fn list_package_versions_result_omits_next_token_on_last_page() {
    let body = json!({
        "defaultDisplayVersion": "4.17.21",
        "format": "npm",
        "package": "lodash",
        "versions": [
            {"version": "4.17.21", "revision": "REV1", "status": "Published",
             "origin": {"domainEntryPoint": {"externalConnectionName": "public:npmjs"},
                        "originType": "EXTERNAL"}},
            {"version": "4.17.20", "status": "Unlisted"}
        ]
    });
    let result: ListPackageVersionsResult = round_trip(body);
    assert_eq!(result.format, Some(PackageFormat::Npm));
    assert_eq!(result.next_token, None);
    assert_eq!(result.versions[1].status, PackageVersionStatus::Unlisted);

    let with_token = ListPackageVersionsResult {
        next_token: Some("tok-page-2".into()),
        ..ListPackageVersionsResult::default()
    };
    assert_eq!(
        serde_json::to_value(&with_token).unwrap(),
        json!({"versions": [], "nextToken": "tok-page-2"})
    );
}

#[test]
fn package_version_members_travel_under_their_location_names() {
    let d: DescribePackageVersionQuery =
        query("domain=my-domain&repository=repo-a&format=npm&package=lodash&version=4.17.21");
    assert_eq!(d.package_version.as_deref(), Some("4.17.21"));

    let a: ListPackageVersionAssetsQuery = query(
        "domain=my-domain&repository=repo-a&format=maven&namespace=com.example&package=my-lib\
         &version=1.0&max-results=10",
    );
    assert_eq!(a.package_version.as_deref(), Some("1.0"));
    assert_eq!(a.max_results.as_deref(), Some("10"));

    let g: GetPackageVersionAssetQuery = query(
        "domain=my-domain&repository=repo-a&format=npm&package=lodash&version=4.17.21\
         &asset=lodash-4.17.21.tgz&revision=abc%2B%2F%3D",
    );
    assert_eq!(g.asset_name.as_deref(), Some("lodash-4.17.21.tgz"));
    assert_eq!(g.package_version_revision.as_deref(), Some("abc+/="));
    let wire = serde_json::to_value(&g).unwrap();
    assert_eq!(wire["asset"], "lodash-4.17.21.tgz");
    assert_eq!(wire["revision"], "abc+/=");
    assert_eq!(wire["version"], "4.17.21");
}

#[test]
fn publish_package_version_query_and_result() {
    let q: PublishPackageVersionQuery = query(
        "domain=my-domain&domain-owner=111122223333&repository=repo-a&format=generic\
         &namespace=my-ns&package=my-pkg&version=1.0.0&asset=my%20asset%20%281%29.txt\
         &unfinished=true",
    );
    assert_eq!(q.asset_name.as_deref(), Some("my asset (1).txt"));
    assert_eq!(q.unfinished.as_deref(), Some("true"));
    assert_eq!(q.package_version.as_deref(), Some("1.0.0"));

    let result: PublishPackageVersionResult = round_trip(json!({
        "format": "generic", "namespace": "my-ns", "package": "my-pkg", "version": "1.0.0",
        "versionRevision": "REV1", "status": "Unfinished",
        "asset": {"name": "asset.txt", "size": 12, "hashes": {
            "SHA-256": "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"}}
    }));
    assert_eq!(result.status, Some(PackageVersionStatus::Unfinished));
    assert_eq!(HEADER_ASSET_SHA256, "x-amz-content-sha256");
}

#[test]
fn describe_package_version_result_follows_the_model() {
    let result: DescribePackageVersionResult = round_trip(json!({
        "packageVersion": {
            "format": "npm", "packageName": "lodash", "displayName": "lodash",
            "version": "4.17.21", "summary": "Lodash modular utilities.",
            "homePage": "https://lodash.com/", "publishedTime": 1566002944.273,
            "licenses": [{"name": "MIT"}], "revision": "REV1", "status": "Published",
            "origin": {"domainEntryPoint": {"repositoryName": "repo-a"}, "originType": "INTERNAL"}
        }
    }));
    assert_eq!(result.package_version.published_time, Some(1566002944.273));
    assert_eq!(
        result.package_version.package_name.as_deref(),
        Some("lodash")
    );
}

#[test]
fn authorization_token_and_endpoint() {
    let q: GetAuthorizationTokenQuery =
        query("domain=my-domain&domain-owner=111122223333&duration=900");
    assert_eq!(q.duration_seconds.as_deref(), Some("900"));
    let bare: GetAuthorizationTokenQuery = query("domain=my-domain");
    assert_eq!(bare.duration_seconds, None);
    round_trip::<GetAuthorizationTokenResult>(
        json!({"authorizationToken": "tok", "expiration": 1700000000.5}),
    );

    let e: GetRepositoryEndpointQuery =
        query("domain=my-domain&repository=repo-a&format=npm&domain-owner=111122223333");
    assert_eq!(e.domain_owner.as_deref(), Some("111122223333"));
    assert_eq!(e.endpoint_type, None);
    let dual: GetRepositoryEndpointQuery =
        query("domain=d&repository=r&format=npm&endpointType=dualstack");
    assert_eq!(dual.endpoint_type.as_deref(), Some("dualstack"));
    round_trip::<GetRepositoryEndpointResult>(json!({
        "repositoryEndpoint":
            "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/npm/repo-a/"
    }));
}

#[test]
fn batch_status_results_reuse_the_copy_outcome() {
    let reply = json!({
        "successfulVersions": {"4.17.21": {"revision": "REV1", "status": "Archived"}},
        "failedVersions": {"4.0.0": {"errorCode": "SKIPPED",
                                     "errorMessage": "version 4.0.0 is skipped"}}
    });
    let parsed: UpdatePackageVersionsStatusResult = round_trip(reply);
    assert_eq!(
        parsed.failed_versions["4.0.0"].error_code,
        PackageVersionErrorCode::Skipped
    );
    let body: UpdatePackageVersionsStatusBody = round_trip(json!({
        "versions": ["4.17.21", "4.0.0"], "versionRevisions": {"4.17.21": "REV1"},
        "expectedStatus": "Published", "targetStatus": "Archived"
    }));
    assert_eq!(body.target_status.as_deref(), Some("Archived"));
    round_trip::<DeletePackageVersionsBody>(json!({"versions": ["1.0"]}));
    round_trip::<DisposePackageVersionsBody>(
        json!({"versions": ["1.0"], "expectedStatus": "Archived"}),
    );
}

#[test]
fn domains_and_repositories() {
    let body: ListDomainsBody = round_trip(json!({"maxResults": 2, "nextToken": "t"}));
    assert_eq!(body.max_results, Some(2));
    round_trip::<ListDomainsBody>(json!({}));
    let domains: ListDomainsResult = round_trip(json!({"domains": [
        {"name": "my-domain", "owner": "111122223333", "status": "Active",
         "createdTime": 1566002944.273,
         "arn": "arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain"}
    ]}));
    assert_eq!(domains.domains[0].status, Some(DomainStatus::Active));
    round_trip::<DescribeDomainResult>(json!({"domain": {
        "name": "my-domain", "owner": "111122223333", "status": "Deleted", "repositoryCount": 2,
        "assetSizeBytes": 0, "s3BucketArn": "arn:aws:s3:::assets"
    }}));

    let create: CreateRepositoryBody = round_trip(json!({
        "description": "d", "upstreams": [{"repositoryName": "npm-store"}],
        "tags": [{"key": "team", "value": "a"}]
    }));
    assert_eq!(
        create.upstreams.unwrap()[0].repository_name.as_deref(),
        Some("npm-store")
    );
    let repo: DescribeRepositoryResult = round_trip(json!({"repository": {
        "name": "repo-a", "administratorAccount": "111122223333", "domainName": "my-domain",
        "domainOwner": "111122223333", "upstreams": [{"repositoryName": "npm-store"}],
        "externalConnections": [{"externalConnectionName": "public:npmjs",
                                 "packageFormat": "npm", "status": "Available"}],
        "createdTime": 1566002944.0
    }}));
    let connection = &repo.repository.unwrap().external_connections[0];
    assert_eq!(connection.status, Some(ExternalConnectionStatus::Available));
    let q: ListRepositoriesInDomainQuery =
        query("domain=d&administrator-account=111122223333&repository-prefix=re");
    assert_eq!(q.administrator_account.as_deref(), Some("111122223333"));
}

#[test]
fn packages_and_origin_controls() {
    let q: ListPackagesQuery =
        query("domain=d&repository=r&package-prefix=lo&publish=BLOCK&upstream=ALLOW");
    assert_eq!(q.package_prefix.as_deref(), Some("lo"));
    assert_eq!(q.publish.as_deref(), Some("BLOCK"));
    let restrictions = json!({"publish": "BLOCK", "upstream": "ALLOW"});
    let put: PutPackageOriginConfigurationBody =
        round_trip(json!({"restrictions": restrictions.clone()}));
    assert_eq!(put.restrictions.unwrap().publish.as_deref(), Some("BLOCK"));
    let described: DescribePackageResult = round_trip(json!({"package": {
        "format": "npm", "name": "lodash",
        "originConfiguration": {"restrictions": restrictions}
    }}));
    let origin = described
        .package
        .origin_configuration
        .unwrap()
        .restrictions
        .unwrap();
    assert_eq!(origin.publish, AllowPublish::Block);
    assert_eq!(origin.upstream, AllowUpstream::Allow);
    round_trip::<DeletePackageResult>(
        json!({"deletedPackage": {"format": "pypi", "package": "x"}}),
    );
}

#[test]
fn policies() {
    let put: PutDomainPermissionsPolicyBody = round_trip(json!({
        "domain": "my-domain", "domainOwner": "111122223333", "policyRevision": "r1",
        "policyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }));
    assert_eq!(put.domain_owner.as_deref(), Some("111122223333"));
    let del: DeleteRepositoryPermissionsPolicyQuery =
        query("domain=d&repository=r&policy-revision=r1");
    assert_eq!(del.policy_revision.as_deref(), Some("r1"));
    round_trip::<GetRepositoryPermissionsPolicyResult>(json!({"policy": {
        "resourceArn": "arn:aws:codeartifact:us-west-2:111122223333:repository/d/r",
        "revision": "r1", "document": "{}"
    }}));
}

#[test]
fn operations_table_has_unique_names_and_routes() {
    let mut names: Vec<_> = OPERATIONS.iter().map(|(op, _, _)| *op).collect();
    let mut routes: Vec<_> = OPERATIONS.iter().map(|(_, m, p)| (*m, *p)).collect();
    names.sort_unstable();
    names.dedup();
    routes.sort_unstable();
    routes.dedup();
    assert_eq!(names.len(), OPERATIONS.len());
    assert_eq!(routes.len(), OPERATIONS.len());
}
