//! TagResource, UntagResource, ListTagsForResource (`POST /v1/tag`, `/v1/untag`, `/v1/tags`)
//! and the `tags` member of CreateDomain and CreateRepository.
//!
//! Tags are stored by the resource's canonical ARN ([`ResourceArn`]'s `Display`), so any
//! taggable resource shares the store; [`resource_exists`] is where each resource type is
//! looked up.

use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, Operation};
use crate::state::AppState;
use axum::Json;
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

/// The resource a tagging request names, checked (not yet looked up).
pub struct TaggedResource {
    /// The ARN as the request gives it.
    text: String,
    /// The ARN, parsed.
    arn: ResourceArn,
}

impl TaggedResource {
    fn parse(cx: &Cx<'_>, q: &api::ResourceArnQuery) -> Result<Self, ApiError> {
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
        let config = &cx.state.config;
        if *region != config.region || *owner != config.account_id {
            return Err(ApiError::validation(format!(
                "The resource {text} is not in this service's account {} and region {}",
                config.account_id, config.region
            )));
        }
        Ok(TaggedResource {
            text: text.clone(),
            arn: parsed,
        })
    }

    /// The ARN's owner and domain (whose policies apply) and the ARN itself.
    fn target(&self) -> Target {
        Target {
            owner: self.arn.owner().to_owned(),
            domain: self.arn.domain().to_owned(),
            resource_arn: Some(self.text.clone()),
            ..Target::default()
        }
    }

    /// Looks the resource up: its canonical ARN, the key its tags are stored under.
    async fn look_up(&self, state: &AppState) -> Result<String, ApiError> {
        resource_exists(state, &self.arn).await?;
        Ok(self.arn.to_string())
    }
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

/// TagResource, read and checked.
pub struct TagResource {
    resource: TaggedResource,
    tags: Vec<(String, String)>,
}

impl Operation for TagResource {
    type Query = api::TagResourceQuery;
    type Body = AwsJson<api::TagResourceBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let Some(tags) = &b.tags else {
            return Err(wharf_core::ValidationErrors::single(FieldError::missing("tags")).into());
        };
        let tags = check_tags(tags, "tags")?;
        Ok(TagResource {
            resource: TaggedResource::parse(cx, &q)?,
            tags,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.resource.target())
    }
}

/// `POST /v1/tag?resourceArn=`.
pub async fn tag_resource(
    state: AppState,
    op: TagResource,
) -> Result<Json<api::TagResourceResult>, ApiError> {
    let arn = op.resource.look_up(&state).await?;
    state.store.tag_resource(&arn, &op.tags).await?;
    Ok(Json(api::TagResourceResult {}))
}

/// UntagResource, read and checked.
pub struct UntagResource {
    resource: TaggedResource,
    keys: Vec<String>,
}

impl Operation for UntagResource {
    type Query = api::UntagResourceQuery;
    type Body = AwsJson<api::UntagResourceBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let Some(keys) = b.tag_keys else {
            return Err(
                wharf_core::ValidationErrors::single(FieldError::missing("tagKeys")).into(),
            );
        };
        check_tag_keys(&keys, "tagKeys")?;
        Ok(UntagResource {
            resource: TaggedResource::parse(cx, &q)?,
            keys,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.resource.target())
    }
}

/// `POST /v1/untag?resourceArn=`.
pub async fn untag_resource(
    state: AppState,
    op: UntagResource,
) -> Result<Json<api::UntagResourceResult>, ApiError> {
    let arn = op.resource.look_up(&state).await?;
    state.store.untag_resource(&arn, &op.keys).await?;
    Ok(Json(api::UntagResourceResult {}))
}

impl Operation for TaggedResource {
    type Query = api::ListTagsForResourceQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        TaggedResource::parse(cx, &q)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(TaggedResource::target(self))
    }
}

/// `POST /v1/tags?resourceArn=`.
pub async fn list_tags_for_resource(
    state: AppState,
    resource: TaggedResource,
) -> Result<Json<api::ListTagsForResourceResult>, ApiError> {
    let arn = resource.look_up(&state).await?;
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
