//! TagResource, UntagResource, ListTagsForResource (`POST /v1/tag`, `/v1/untag`, `/v1/tags`)
//! and the `tags` member of CreateDomain and CreateRepository.
//!
//! Tags are stored by the resource's canonical ARN ([`ResourceArn`]'s `Display`), so any
//! taggable resource shares the store; [`resource_exists`] is where each resource type is
//! looked up.

use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use wharf_core::api::{self, Tag};
use wharf_core::error::FieldError;
use wharf_core::tags::{check_tag_keys, check_tags};
use wharf_policy::ResourceArn;

/// The checked `tags` of CreateDomain or CreateRepository (none when absent).
pub(crate) fn creation_tags(tags: &Option<Vec<Tag>>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(tags) = tags else {
        return Ok(Vec::new());
    };
    let pairs = check_tags(tags, "tags")?;
    let distinct = wharf_core::tags::merged_tags(&[], &pairs).len();
    if distinct > wharf_core::tags::MAX_TAGS_PER_RESOURCE {
        return Err(ApiError::QuotaExceeded {
            message: format!(
                "A resource may have at most {} tags; the request gives {distinct}",
                wharf_core::tags::MAX_TAGS_PER_RESOURCE
            ),
            resource_id: String::new(),
            resource_type: "tag",
        });
    }
    Ok(pairs)
}

/// The resource a tagging request names, checked and looked up: its canonical ARN.
async fn resource(state: &AppState, q: &api::ResourceArnQuery) -> Result<String, ApiError> {
    let Some(text) = &q.resource_arn else {
        return Err(
            wharf_core::ValidationErrors::single(FieldError::missing("resourceArn")).into(),
        );
    };
    let n = text.chars().count();
    if !(1..=1011).contains(&n) || text.chars().any(char::is_whitespace) {
        return Err(wharf_core::ValidationErrors::single(FieldError::constraint(
            "resourceArn",
            text,
            "satisfy regular expression pattern: \\S+ and have length between 1 and 1011",
        ))
        .into());
    }
    let parsed = ResourceArn::parse(text).map_err(|e| ApiError::validation(e.to_string()))?;
    let (region, owner) = match &parsed {
        ResourceArn::Domain { region, owner, .. }
        | ResourceArn::Repository { region, owner, .. }
        | ResourceArn::Package { region, owner, .. }
        | ResourceArn::PackageGroup { region, owner, .. } => (region, owner),
    };
    if *region != state.config.region || *owner != state.config.account_id {
        return Err(ApiError::validation(format!(
            "The resource {text} is not in this service's account {} and region {}",
            state.config.account_id, state.config.region
        )));
    }
    resource_exists(state, &parsed).await?;
    Ok(parsed.to_string())
}

/// `Ok` when the resource exists; `ResourceNotFoundException` when it does not;
/// `ValidationException` for a type that cannot be tagged (packages).
async fn resource_exists(state: &AppState, arn: &ResourceArn) -> Result<(), ApiError> {
    match arn {
        ResourceArn::Domain { owner, domain, .. } => {
            state.store.domain(owner, domain).await?;
        }
        ResourceArn::Repository {
            owner,
            domain,
            repository,
            ..
        } => {
            state.store.repository(owner, domain, repository).await?;
        }
        ResourceArn::Package { .. } => {
            return Err(ApiError::validation(
                "Packages cannot be tagged: only domains, repositories and package groups",
            ));
        }
        ResourceArn::PackageGroup {
            owner,
            domain,
            pattern,
            ..
        } => {
            let groups = state.store.package_groups(owner, domain).await?;
            groups.get(pattern)?;
        }
    }
    Ok(())
}

/// `POST /v1/tag?resourceArn=`.
pub async fn tag_resource(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::TagResourceQuery>,
    AwsJson(b): AwsJson<api::TagResourceBody>,
) -> Result<Json<api::TagResourceResult>, ApiError> {
    let Some(tags) = &b.tags else {
        return Err(wharf_core::ValidationErrors::single(FieldError::missing("tags")).into());
    };
    let pairs = check_tags(tags, "tags")?;
    let arn = resource(&state, &q).await?;
    state.store.tag_resource(&arn, &pairs).await?;
    Ok(Json(api::TagResourceResult {}))
}

/// `POST /v1/untag?resourceArn=`.
pub async fn untag_resource(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::UntagResourceQuery>,
    AwsJson(b): AwsJson<api::UntagResourceBody>,
) -> Result<Json<api::UntagResourceResult>, ApiError> {
    let Some(keys) = &b.tag_keys else {
        return Err(wharf_core::ValidationErrors::single(FieldError::missing("tagKeys")).into());
    };
    check_tag_keys(keys, "tagKeys")?;
    let arn = resource(&state, &q).await?;
    state.store.untag_resource(&arn, keys).await?;
    Ok(Json(api::UntagResourceResult {}))
}

/// `POST /v1/tags?resourceArn=`.
pub async fn list_tags_for_resource(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListTagsForResourceQuery>,
) -> Result<Json<api::ListTagsForResourceResult>, ApiError> {
    let arn = resource(&state, &q).await?;
    let tags = state.store.tags(&arn).await?;
    Ok(Json(api::ListTagsForResourceResult {
        tags: tags
            .into_iter()
            .map(|(key, value)| Tag {
                key: Some(key),
                value: Some(value),
            })
            .collect(),
    }))
}
