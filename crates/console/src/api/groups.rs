//! The package-group operations and a version's readme and dependencies, as the console uses
//! them.

use super::{ApiClient, ClientError};
use wharf_core::api as wire;

impl ApiClient {
    /// GetPackageVersionReadme (`GET /v1/package/version/readme`).
    pub async fn get_package_version_readme(
        &self,
        query: &wire::GetPackageVersionReadmeQuery,
    ) -> Result<wire::GetPackageVersionReadmeResult, ClientError> {
        self.call("GetPackageVersionReadme", query, None::<&()>)
            .await
    }

    /// ListPackageVersionDependencies (`POST /v1/package/version/dependencies`).
    pub async fn list_package_version_dependencies(
        &self,
        query: &wire::ListPackageVersionDependenciesQuery,
    ) -> Result<wire::ListPackageVersionDependenciesResult, ClientError> {
        self.call("ListPackageVersionDependencies", query, None::<&()>)
            .await
    }

    /// GetAssociatedPackageGroup (`GET /v1/get-associated-package-group`).
    pub async fn get_associated_package_group(
        &self,
        query: &wire::GetAssociatedPackageGroupQuery,
    ) -> Result<wire::GetAssociatedPackageGroupResult, ClientError> {
        self.call("GetAssociatedPackageGroup", query, None::<&()>)
            .await
    }

    /// ListPackageGroups (`POST /v1/package-groups`).
    pub async fn list_package_groups(
        &self,
        query: &wire::ListPackageGroupsQuery,
    ) -> Result<wire::ListPackageGroupsResult, ClientError> {
        self.call("ListPackageGroups", query, None::<&()>).await
    }

    /// CreatePackageGroup (`POST /v1/package-group`).
    pub async fn create_package_group(
        &self,
        query: &wire::CreatePackageGroupQuery,
        body: &wire::CreatePackageGroupBody,
    ) -> Result<wire::CreatePackageGroupResult, ClientError> {
        self.call("CreatePackageGroup", query, Some(body)).await
    }

    /// UpdatePackageGroupOriginConfiguration (`PUT /v1/package-group-origin-configuration`).
    pub async fn update_package_group_origin_configuration(
        &self,
        query: &wire::UpdatePackageGroupOriginConfigurationQuery,
        body: &wire::UpdatePackageGroupOriginConfigurationBody,
    ) -> Result<wire::UpdatePackageGroupOriginConfigurationResult, ClientError> {
        self.call("UpdatePackageGroupOriginConfiguration", query, Some(body))
            .await
    }

    /// DeletePackageGroup (`DELETE /v1/package-group`).
    pub async fn delete_package_group(
        &self,
        query: &wire::DeletePackageGroupQuery,
    ) -> Result<wire::DeletePackageGroupResult, ClientError> {
        self.call("DeletePackageGroup", query, None::<&()>).await
    }
}
