//! The route table: every operation of [`wharf_core::api::OPERATIONS`] (name, method, path: the
//! one list, which `tests/wire_model.rs` checks against botocore's model) paired here with its
//! handler, whose argument type is the operation's parsed request ([`crate::operation`]). The
//! router is built from the two together: a name without a handler, or a handler without a
//! name, fails [`api`] (and the tests), so there is no second list of routes to drift.

use crate::handlers::{
    copy, domains, external, package_groups as groups, package_versions as pv, packages, policies,
    publish, repositories as repos, tags, tokens, version_docs as docs,
};
use crate::operation::{Endpoint, endpoint};
use crate::state::AppState;
use axum::Router;
use wharf_core::api;

/// Every operation's handler, by operation name.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("CopyPackageVersions", copy::copy_package_versions),
        endpoint("CreateDomain", domains::create_domain),
        endpoint("DescribeDomain", domains::describe_domain),
        endpoint("DeleteDomain", domains::delete_domain),
        endpoint("ListDomains", domains::list_domains),
        endpoint("CreateRepository", repos::create_repository),
        endpoint("DescribeRepository", repos::describe_repository),
        endpoint("UpdateRepository", repos::update_repository),
        endpoint("DeleteRepository", repos::delete_repository),
        endpoint("ListRepositories", repos::list_repositories),
        endpoint(
            "ListRepositoriesInDomain",
            repos::list_repositories_in_domain,
        ),
        endpoint("GetRepositoryEndpoint", repos::get_repository_endpoint),
        endpoint("ListPackages", packages::list_packages),
        endpoint("DescribePackage", packages::describe_package),
        endpoint("DeletePackage", packages::delete_package),
        endpoint(
            "PutPackageOriginConfiguration",
            packages::put_package_origin_configuration,
        ),
        endpoint("ListPackageVersions", pv::list_package_versions),
        endpoint("DescribePackageVersion", pv::describe_package_version),
        endpoint("ListPackageVersionAssets", pv::list_package_version_assets),
        endpoint("GetPackageVersionAsset", pv::get_package_version_asset),
        endpoint("PublishPackageVersion", publish::publish_package_version),
        endpoint(
            "UpdatePackageVersionsStatus",
            pv::update_package_versions_status,
        ),
        endpoint("DeletePackageVersions", pv::delete_package_versions),
        endpoint("DisposePackageVersions", pv::dispose_package_versions),
        endpoint("GetAuthorizationToken", tokens::get_authorization_token),
        endpoint(
            "PutDomainPermissionsPolicy",
            policies::put_domain_permissions_policy,
        ),
        endpoint(
            "GetDomainPermissionsPolicy",
            policies::get_domain_permissions_policy,
        ),
        endpoint(
            "DeleteDomainPermissionsPolicy",
            policies::delete_domain_permissions_policy,
        ),
        endpoint(
            "PutRepositoryPermissionsPolicy",
            policies::put_repository_permissions_policy,
        ),
        endpoint(
            "GetRepositoryPermissionsPolicy",
            policies::get_repository_permissions_policy,
        ),
        endpoint(
            "DeleteRepositoryPermissionsPolicy",
            policies::delete_repository_permissions_policy,
        ),
        endpoint("CreatePackageGroup", groups::create_package_group),
        endpoint("DescribePackageGroup", groups::describe_package_group),
        endpoint("UpdatePackageGroup", groups::update_package_group),
        endpoint("DeletePackageGroup", groups::delete_package_group),
        endpoint(
            "UpdatePackageGroupOriginConfiguration",
            groups::update_package_group_origin_configuration,
        ),
        endpoint("ListPackageGroups", groups::list_package_groups),
        endpoint("ListSubPackageGroups", groups::list_sub_package_groups),
        endpoint(
            "GetAssociatedPackageGroup",
            groups::get_associated_package_group,
        ),
        endpoint(
            "ListAllowedRepositoriesForGroup",
            groups::list_allowed_repositories_for_group,
        ),
        endpoint("ListAssociatedPackages", groups::list_associated_packages),
        endpoint("GetPackageVersionReadme", docs::get_package_version_readme),
        endpoint(
            "ListPackageVersionDependencies",
            docs::list_package_version_dependencies,
        ),
        endpoint(
            "AssociateExternalConnection",
            external::associate_external_connection,
        ),
        endpoint(
            "DisassociateExternalConnection",
            external::disassociate_external_connection,
        ),
        endpoint("TagResource", tags::tag_resource),
        endpoint("UntagResource", tags::untag_resource),
        endpoint("ListTagsForResource", tags::list_tags_for_resource),
    ]
}

/// Every API route, built from [`api::OPERATIONS`] and [`endpoints`]. Authentication is
/// layered on by [`crate::app`]; each handler authorizes the request it parsed.
///
/// # Panics
/// When an operation of the table has no handler or a handler names no operation of the
/// table (the unit tests below and every router test would fail first).
pub fn api() -> Router<AppState> {
    let mut endpoints = endpoints();
    let mut router = Router::new();
    for (name, method, path) in api::OPERATIONS {
        let at = endpoints
            .iter()
            .position(|e| e.name == *name)
            .unwrap_or_else(|| panic!("the operation {name} has no handler in routes.rs"));
        let endpoint = endpoints.swap_remove(at);
        let handler = endpoint
            .method_router(method)
            .unwrap_or_else(|| panic!("{name}: unexpected method {method}"));
        router = router.route(path, handler);
    }
    if let Some(extra) = endpoints.first() {
        panic!("{} has a handler but is not in api::OPERATIONS", extra.name);
    }
    router
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_operation_has_exactly_one_handler() {
        let names: Vec<&str> = endpoints().iter().map(|e| e.name).collect();
        let distinct: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(distinct.len(), names.len(), "a handler is listed twice");
        let table: BTreeSet<&str> = api::OPERATIONS.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(distinct, table);
        assert_eq!(table.len(), 48, "CodeArtifact has 48 operations");
    }
}
