//! Wharf's activity API: the audit trail (`GET`/`POST /wharf/v1/events`, ListAuditEvents) and
//! webhooks (`/wharf/v1/webhooks`). Authenticated like every call; each operation is then
//! authorized with an IAM action of its own, `wharf:{Operation}` on resource `*` from identity
//! policies (the root key pair is allowed everything; `codeartifact:*` does not grant them).

use crate::auth::{self, Identity};
use crate::authz::Access;
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::state::AppState;
use crate::store::audit::AuditFilter;
use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router, middleware};
use wharf_core::api;
use wharf_policy::{PolicyScope, Requirement};

/// Where the audit trail is queried.
pub const EVENTS_PATH: &str = "/wharf/v1/events";
/// Where webhooks are managed.
pub const WEBHOOKS_PATH: &str = "/wharf/v1/webhooks";

/// The activity operations: name, method, path pattern (`*` for one path segment).
pub const ACTIVITY_OPERATIONS: &[(&str, &str, &str)] = &[
    ("ListAuditEvents", "GET", "/wharf/v1/events"),
    ("ListAuditEvents", "POST", "/wharf/v1/events"),
    ("CreateWebhook", "POST", "/wharf/v1/webhooks"),
    ("ListWebhooks", "GET", "/wharf/v1/webhooks"),
    ("DeleteWebhook", "DELETE", "/wharf/v1/webhooks/*"),
    (
        "ListWebhookDeliveries",
        "GET",
        "/wharf/v1/webhooks/*/deliveries",
    ),
    (
        "RedeliverWebhookDelivery",
        "POST",
        "/wharf/v1/webhooks/*/deliveries/*/redeliver",
    ),
];

/// The activity operation a method and path call, if any.
pub fn operation_of(method: &str, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    ACTIVITY_OPERATIONS
        .iter()
        .find(|(_, m, p)| {
            let pattern: Vec<&str> = p.split('/').collect();
            *m == method
                && pattern.len() == segments.len()
                && pattern
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| *p == "*" && !s.is_empty() || p == s)
        })
        .map(|(name, _, _)| *name)
}

/// The activity routes, authenticated.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(EVENTS_PATH, get(list_events).post(list_events))
        .route(WEBHOOKS_PATH, post(create_webhook).get(list_webhooks))
        .route(&format!("{WEBHOOKS_PATH}/{{id}}"), delete(delete_webhook))
        .route(
            &format!("{WEBHOOKS_PATH}/{{id}}/deliveries"),
            get(list_deliveries),
        )
        .route(
            &format!("{WEBHOOKS_PATH}/{{id}}/deliveries/{{delivery}}/redeliver"),
            post(redeliver),
        )
        .method_not_allowed_fallback(|| async {
            ApiError::UnknownOperation("No operation matches this method and path".into())
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
}

/// Refuses the caller unless its identity policies allow `wharf:{operation}` on `*`.
pub async fn authorize(
    state: &AppState,
    identity: &Identity,
    operation: &str,
) -> Result<(), ApiError> {
    let requirement = Requirement {
        action: format!("wharf:{operation}"),
        resource: "*".into(),
        scope: PolicyScope::IdentityOnly,
    };
    let access = Access::load(state, identity, &state.config.account_id, "", &[]).await?;
    access
        .check(&[requirement])
        .map_err(|denial| ApiError::AccessDenied(denial.to_string()))
}

/// ListAuditEvents: records newest first, filtered by the query members.
pub async fn list_events(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    AwsQuery(q): AwsQuery<api::ListAuditEventsQuery>,
) -> Result<Json<api::ListAuditEventsResult>, ApiError> {
    authorize(&state, &identity, "ListAuditEvents").await?;
    let (region, account) = (&state.config.region, &state.config.account_id);
    Ok(Json(query_events(&*state.store, region, account, q).await?))
}

/// Runs a ListAuditEvents query (the API and `wharf admin events` share it).
pub async fn query_events(
    store: &dyn crate::store::MetadataStore,
    region: &str,
    account: &str,
    q: api::ListAuditEventsQuery,
) -> Result<api::ListAuditEventsResult, ApiError> {
    let limit = q.max_results.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000"
        )));
    }
    let before_id = match q.next_token.as_deref() {
        None => None,
        Some(t) => Some(
            t.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ApiError::validation("The nextToken is not valid"))?,
        ),
    };
    if let (Some(s), Some(e)) = (q.start_time, q.end_time)
        && s > e
    {
        return Err(ApiError::validation(
            "start-time must not be later than end-time",
        ));
    }
    let filter = AuditFilter {
        start_time: q.start_time,
        end_time: q.end_time,
        principal: q.principal,
        event_name: q.event_name,
        domain: q.domain,
        repository: q.repository,
        package: q.package,
        before_id,
        limit: i64::from(limit) + 1,
    };
    let mut rows = store.audit_events(&filter).await?;
    let next_token = (rows.len() > limit as usize).then(|| {
        rows.truncate(limit as usize);
        rows.last()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default()
    });
    let events = rows
        .into_iter()
        .map(|(_, r)| crate::audit::to_api(r, region, account))
        .collect();
    Ok(api::ListAuditEventsResult { events, next_token })
}

/// CreateWebhook: the webhook and its secret (shown only now).
pub async fn create_webhook(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    AwsJson(body): AwsJson<api::CreateWebhookBody>,
) -> Result<Json<api::CreateWebhookResult>, ApiError> {
    authorize(&state, &identity, "CreateWebhook").await?;
    let url = body
        .url
        .ok_or_else(|| ApiError::validation("1 validation error detected: Value null at 'url' failed to satisfy constraint: Member must not be null"))?;
    crate::webhooks::acceptable_url(&url).map_err(ApiError::validation)?;
    let (webhook, secret) = state.store.create_webhook(&url, &body.filter).await?;
    Ok(Json(api::CreateWebhookResult { webhook, secret }))
}

/// ListWebhooks.
pub async fn list_webhooks(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> Result<Json<api::ListWebhooksResult>, ApiError> {
    authorize(&state, &identity, "ListWebhooks").await?;
    Ok(Json(api::ListWebhooksResult {
        webhooks: state.store.webhooks().await?,
    }))
}

/// DeleteWebhook.
pub async fn delete_webhook(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&state, &identity, "DeleteWebhook").await?;
    state.store.delete_webhook(&id).await?;
    Ok(Json(serde_json::json!({})))
}

/// The query of ListWebhookDeliveries.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    status: Option<String>,
}

/// ListWebhookDeliveries (`?status=pending|succeeded|failed`).
pub async fn list_deliveries(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    AwsQuery(q): AwsQuery<DeliveriesQuery>,
) -> Result<Json<api::ListWebhookDeliveriesResult>, ApiError> {
    authorize(&state, &identity, "ListWebhookDeliveries").await?;
    if let Some(s) = &q.status
        && !matches!(s.as_str(), "pending" | "succeeded" | "failed")
    {
        return Err(ApiError::validation(format!(
            "status must be pending, succeeded or failed, not {s:?}"
        )));
    }
    Ok(Json(api::ListWebhookDeliveriesResult {
        deliveries: state.store.deliveries(&id, q.status.as_deref()).await?,
    }))
}

/// RedeliverWebhookDelivery: the delivery is pending again, due now, with the same event id.
pub async fn redeliver(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&state, &identity, "RedeliverWebhookDelivery").await?;
    let delivery = delivery
        .parse::<i64>()
        .map_err(|_| ApiError::validation(format!("{delivery:?} is not a delivery id")))?;
    state.store.redeliver(&id, delivery).await?;
    Ok(Json(serde_json::json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_operation() {
        assert_eq!(
            operation_of("GET", "/wharf/v1/events"),
            Some("ListAuditEvents")
        );
        assert_eq!(
            operation_of("DELETE", "/wharf/v1/webhooks/wh_1"),
            Some("DeleteWebhook")
        );
        assert_eq!(
            operation_of("POST", "/wharf/v1/webhooks/wh_1/deliveries/3/redeliver"),
            Some("RedeliverWebhookDelivery")
        );
        assert_eq!(operation_of("DELETE", "/wharf/v1/webhooks"), None);
        assert_eq!(operation_of("DELETE", "/wharf/v1/webhooks//"), None);
    }
}
