//! The route table: method + path → handler, one line per operation (paths are shared by
//! several methods, as in CodeArtifact).

use crate::handlers::{
    copy, domains, external, package_groups as groups, package_versions as pv, packages, policies,
    publish, repositories as repos, tags, tokens, version_docs,
};
use crate::state::AppState;
use axum::Router;
use axum::routing::put;
use axum::routing::{delete, get, post};

/// Every API route. Authentication is layered on by [`crate::app`].
pub fn api() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/domain",
            post(domains::create_domain)
                .get(domains::describe_domain)
                .delete(domains::delete_domain),
        )
        .route("/v1/domains", post(domains::list_domains))
        .route(
            "/v1/repository",
            post(repos::create_repository)
                .get(repos::describe_repository)
                .put(repos::update_repository)
                .delete(repos::delete_repository),
        )
        .route("/v1/repositories", post(repos::list_repositories))
        .route(
            "/v1/domain/repositories",
            post(repos::list_repositories_in_domain),
        )
        .route(
            "/v1/repository/endpoint",
            get(repos::get_repository_endpoint),
        )
        .route(
            "/v1/package",
            get(packages::describe_package)
                .delete(packages::delete_package)
                .post(packages::put_package_origin_configuration),
        )
        .route("/v1/packages", post(packages::list_packages))
        .route("/v1/package/versions", post(pv::list_package_versions))
        .route("/v1/package/version", get(pv::describe_package_version))
        .route(
            "/v1/package/version/assets",
            post(pv::list_package_version_assets),
        )
        .route(
            "/v1/package/version/asset",
            get(pv::get_package_version_asset),
        )
        .route(
            "/v1/package/version/publish",
            post(publish::publish_package_version),
        )
        .route(
            "/v1/package/versions/copy",
            post(copy::copy_package_versions),
        )
        .route(
            "/v1/package/versions/update_status",
            post(pv::update_package_versions_status),
        )
        .route(
            "/v1/package/versions/delete",
            post(pv::delete_package_versions),
        )
        .route(
            "/v1/package/versions/dispose",
            post(pv::dispose_package_versions),
        )
        .route(
            "/v1/authorization-token",
            post(tokens::get_authorization_token),
        )
        .route(
            "/v1/domain/permissions/policy",
            get(policies::get_domain_permissions_policy)
                .put(policies::put_domain_permissions_policy)
                .delete(policies::delete_domain_permissions_policy),
        )
        .route(
            "/v1/repository/permissions/policy",
            get(policies::get_repository_permissions_policy)
                .put(policies::put_repository_permissions_policy),
        )
        .route(
            "/v1/repository/permissions/policies",
            delete(policies::delete_repository_permissions_policy),
        )
        .route(
            "/v1/repository/external-connection",
            post(external::associate_external_connection)
                .delete(external::disassociate_external_connection),
        )
        .route("/v1/tag", post(tags::tag_resource))
        .route("/v1/untag", post(tags::untag_resource))
        .route("/v1/tags", post(tags::list_tags_for_resource))
        .merge(package_groups())
}

/// The package-group operations, GetPackageVersionReadme and ListPackageVersionDependencies.
fn package_groups() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/package-group",
            post(groups::create_package_group)
                .get(groups::describe_package_group)
                .put(groups::update_package_group)
                .delete(groups::delete_package_group),
        )
        .route(
            "/v1/package-group-origin-configuration",
            put(groups::update_package_group_origin_configuration),
        )
        .route("/v1/package-groups", post(groups::list_package_groups))
        .route(
            "/v1/package-groups/sub-groups",
            post(groups::list_sub_package_groups),
        )
        .route(
            "/v1/get-associated-package-group",
            get(groups::get_associated_package_group),
        )
        .route(
            "/v1/package-group-allowed-repositories",
            get(groups::list_allowed_repositories_for_group),
        )
        .route(
            "/v1/list-associated-packages",
            get(groups::list_associated_packages),
        )
        .route(
            "/v1/package/version/readme",
            get(version_docs::get_package_version_readme),
        )
        .route(
            "/v1/package/version/dependencies",
            post(version_docs::list_package_version_dependencies),
        )
}
