//! GetAuthorizationToken: bearer tokens for package managers, the console and the widget.

use crate::auth::{Caller, epoch_now};
use crate::error::ApiError;
use crate::extract::AwsQuery;
use crate::params::{self, Checks};
use crate::state::AppState;
use axum::extract::State;
use axum::{Extension, Json};
use wharf_core::api;
use wharf_core::error::FieldError;

/// The default token lifetime: 12 hours.
pub const DEFAULT_TOKEN_SECONDS: i64 = 43_200;

/// `POST /v1/authorization-token`.
pub async fn get_authorization_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    AwsQuery(q): AwsQuery<api::GetAuthorizationTokenQuery>,
) -> Result<Json<api::GetAuthorizationTokenResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let seconds = match q.duration_seconds.as_deref() {
        None => DEFAULT_TOKEN_SECONDS,
        // 0 means "as long as the caller's session"; root keys have none, so the default applies.
        Some("0") => DEFAULT_TOKEN_SECONDS,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (900..=43_200).contains(&n) => n,
            _ => {
                c.push(FieldError::constraint(
                    "durationSeconds",
                    s,
                    "be 0 or between 900 and 43200",
                ));
                0
            }
        },
    };
    c.finish()?;
    let d = d.expect("checked");
    state.store.domain(&d.owner, d.name.as_str()).await?;
    let expires = epoch_now() + seconds;
    Ok(Json(api::GetAuthorizationTokenResult {
        authorization_token: Some(state.keys.issue_token(&caller, expires)),
        expiration: Some(expires as f64),
    }))
}
