//! Tags: TagResource (`POST /v1/tag`), UntagResource (`POST /v1/untag`) and
//! ListTagsForResource (`POST /v1/tags`), all naming the resource by its ARN in the camelCase
//! query member `resourceArn`.

use super::domain::Tag;
use serde::{Deserialize, Serialize};

/// The query-string member shared by the three tagging operations: `resourceArn`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceArnQuery {
    /// `resourceArn` (required; 1–1011 chars, `\S+`): a domain, repository or package group.
    #[serde(
        rename = "resourceArn",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_arn: Option<String>,
}

/// The query-string members of TagResource.
pub type TagResourceQuery = ResourceArnQuery;

/// The JSON body members of TagResource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceBody {
    /// `tags` (required; at most 200 in one request): added, or replacing the value of an
    /// existing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// The response of TagResource: `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagResourceResult {}

/// The query-string members of UntagResource.
pub type UntagResourceQuery = ResourceArnQuery;

/// The JSON body members of UntagResource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UntagResourceBody {
    /// `tagKeys` (required; at most 200): the keys to remove (absent ones are ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
}

/// The response of UntagResource: `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UntagResourceResult {}

/// The query-string members of ListTagsForResource.
pub type ListTagsForResourceQuery = ResourceArnQuery;

/// The response of ListTagsForResource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsForResourceResult {
    /// `tags`: every tag of the resource, by key (`[]` when it has none).
    #[serde(default)]
    pub tags: Vec<Tag>,
}
