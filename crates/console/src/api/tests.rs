use super::*;
use wharf_core::api::{ListDomainsBody, ListPackageVersionsQuery};

#[test]
fn operations_come_from_the_wire_model() {
    assert_eq!(
        operation("CopyPackageVersions"),
        Some(("POST", "/v1/package/versions/copy"))
    );
    assert_eq!(
        operation("DescribeRepository"),
        Some(("GET", "/v1/repository"))
    );
    assert_eq!(operation("Nope"), None);
}

#[test]
fn urls_carry_kebab_case_query_members() {
    let q = ListPackageVersionsQuery {
        domain: Some("d".into()),
        repository: Some("r".into()),
        format: Some("npm".into()),
        namespace: Some("types".into()),
        package: Some("node".into()),
        next_token: Some("a b".into()),
        sort_by: Some("PUBLISHED_TIME".into()),
        ..Default::default()
    };
    assert_eq!(
        operation_url("http://h:1/", "ListPackageVersions", &q).unwrap(),
        "http://h:1/v1/package/versions?domain=d&repository=r&format=npm&namespace=types\
         &package=node&sortBy=PUBLISHED_TIME&next-token=a+b"
    );
    assert_eq!(
        operation_url("http://h", "ListDomains", &NoQuery {}).unwrap(),
        "http://h/v1/domains"
    );
    let _ = ListDomainsBody::default();
}

#[test]
fn npm_dist_tag_urls() {
    assert_eq!(
        npm_dist_tags_url("http://h/npm/d/r/", Some("types"), "node"),
        "http://h/npm/d/r/-/package/@types%2fnode/dist-tags"
    );
    assert_eq!(
        npm_dist_tags_url("http://h/npm/d/r/", None, "left-pad"),
        "http://h/npm/d/r/-/package/left-pad/dist-tags"
    );
}
