//! The admin HTTP API under [`ADMIN_PREFIX`]: users, access keys and identity policies of a
//! running service, for `wharf admin --endpoint-url`. Root only.
//!
//! Requests are authenticated like the rest of the API ([`crate::auth::authenticate`]: SigV4 or
//! a bearer token); then any identity other than [`Identity::Root`] (an IAM user, whatever its
//! policies allow), and any bearer token (root's too: tokens travel in sign-in links, widget
//! attributes and logs, and must not create permanent keys), is answered
//! `AccessDeniedException` before the request is even parsed. Only a request signed with the
//! root key pair itself gets through.
//! CodeArtifact's authorization layer is not involved: these are not CodeArtifact operations,
//! and no policy can grant them.

use super::ops::{self, AdminOp};
use super::wire::{self, ADMIN_PREFIX};
use crate::auth::{self, Caller, Identity};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::routing::any;
use axum::{Json, Router, middleware};
use serde_json::Value;

/// The admin routes, authenticated: `ADMIN_PREFIX/*` with any method (a method and path that is
/// no operation gets `UnknownOperationException`, once the caller is known to be root).
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(&format!("{ADMIN_PREFIX}{{*rest}}"), any(handle))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
}

async fn handle(State(state): State<AppState>, request: Request) -> Result<Json<Value>, ApiError> {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let by_token = parts
        .extensions
        .get::<Caller>()
        .is_none_or(|c| c.token_expires.is_some());
    match parts.extensions.get::<Identity>() {
        Some(Identity::Root) if by_token => {
            let operation = wire::operation_name(method, path).unwrap_or("Admin");
            return Err(ApiError::AccessDenied(format!(
                "A bearer token may not perform wharf:{operation}: the admin API requires a \
                 request signed (SigV4) with the root key pair"
            )));
        }
        Some(Identity::Root) => {}
        Some(user @ Identity::User(_)) => {
            let principal = user.principal(&state.config.account_id);
            let operation = wire::operation_name(method, path).unwrap_or("Admin");
            return Err(ApiError::AccessDenied(format!(
                "User: {} is not authorized to perform: wharf:{operation}: only the root key pair \
                 may manage users, access keys and policies",
                principal.arn
            )));
        }
        None => {
            return Err(ApiError::AccessDenied(
                "The request was not authenticated".into(),
            ));
        }
    }
    let bytes = crate::extract::read_body(body, &state.config).await?;
    let op: AdminOp = wire::op_of(method, path, parts.uri.query().unwrap_or(""), &bytes)?;
    tracing::info!(operation = op.name(), "admin");
    let out = ops::execute(&*state.store, &state.config.account_id, op).await?;
    Ok(Json(out))
}
