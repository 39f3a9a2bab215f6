//! Release promotions (Wharf's own `/wharf/v1/promotions`, outside CodeArtifact's operation
//! table): plan or apply, list, describe, revert. Same bearer token and error decoding as
//! every other call.

use super::{ApiClient, ClientError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wharf_core::api as wire;

/// Where the promotion API lives.
pub const PROMOTIONS_PATH: &str = "/wharf/v1/promotions";

/// The URL of a promotion call: `{endpoint}/wharf/v1/promotions{suffix}?{query}`.
pub fn promotions_url<Q: Serialize>(endpoint: &str, suffix: &str, query: &Q) -> String {
    wharf_url(endpoint, PROMOTIONS_PATH, suffix, query)
}

/// The URL of a call to one of Wharf's own APIs: `{endpoint}{path}{suffix}?{query}`.
pub fn wharf_url<Q: Serialize>(endpoint: &str, path: &str, suffix: &str, query: &Q) -> String {
    let base = endpoint.trim_end_matches('/');
    let q = serde_urlencoded::to_string(query).unwrap_or_default();
    if q.is_empty() {
        format!("{base}{path}{suffix}")
    } else {
        format!("{base}{path}{suffix}?{q}")
    }
}

/// An empty query string.
#[derive(Serialize)]
struct NoQuery {}

impl ApiClient {
    async fn wharf<Q: Serialize, B: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        suffix: &str,
        query: &Q,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        self.wharf_at(method, PROMOTIONS_PATH, suffix, query, body)
            .await
    }

    /// One call to Wharf's own API under `path` (`/wharf/v1/...`).
    pub(super) async fn wharf_at<Q: Serialize, B: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        suffix: &str,
        query: &Q,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let url = wharf_url(&self.endpoint, path, suffix, query);
        let body = body.map(super::to_json).transpose()?;
        let text = self.send(method, &url, body).await?;
        super::from_json(&text, path)
    }

    /// `POST /wharf/v1/promotions`: plan (`dryRun`) or apply a promotion.
    pub async fn promote(
        &self,
        request: &wire::PromotionRequest,
    ) -> Result<wire::PromotionResult, ClientError> {
        self.wharf("POST", "", &NoQuery {}, Some(request)).await
    }

    /// `GET /wharf/v1/promotions`: one page of records, newest first.
    pub async fn list_promotions(
        &self,
        query: &wire::ListPromotionsQuery,
    ) -> Result<wire::ListPromotionsResult, ClientError> {
        self.wharf("GET", "", query, None::<&()>).await
    }

    /// `GET /wharf/v1/promotions/{id}`: one record with its writes.
    pub async fn describe_promotion(&self, id: &str) -> Result<wire::PromotionRecord, ClientError> {
        let suffix = format!("/{}", crate::route::encode_segment(id));
        self.wharf("GET", &suffix, &NoQuery {}, None::<&()>).await
    }

    /// `POST /wharf/v1/promotions/{id}/revert`: the revert's plan (`dryRun`) or the revert.
    pub async fn revert_promotion(
        &self,
        id: &str,
        request: &wire::RevertPromotionRequest,
    ) -> Result<wire::RevertResult, ClientError> {
        let suffix = format!("/{}/revert", crate::route::encode_segment(id));
        self.wharf("POST", &suffix, &NoQuery {}, Some(request))
            .await
    }
}
