//! GetAuthorizationToken: bearer tokens for package managers, the console and the widget.
//!
//! A caller that signed with SigV4 gets the duration it asked for (12 hours by default); a
//! caller that authenticated with a bearer token gets a token that expires no later than its
//! own, so no token outlives the credentials that started the chain.

use crate::auth::{Caller, epoch_now};
use crate::authz::Target;
use crate::error::ApiError;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use axum::Json;
use wharf_core::api;
use wharf_core::error::FieldError;

/// The default token lifetime: 12 hours.
pub const DEFAULT_TOKEN_SECONDS: i64 = 43_200;

/// GetAuthorizationToken, read and checked, with the caller the token is for.
pub struct GetAuthorizationToken {
    domain: DomainRef,
    seconds: i64,
    caller: Caller,
}

impl Operation for GetAuthorizationToken {
    type Query = api::GetAuthorizationTokenQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let seconds = match q.duration_seconds.as_deref() {
            None => DEFAULT_TOKEN_SECONDS,
            // 0 means "as long as the caller's session"; root keys have none, so the default
            // applies.
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
        let caller = cx
            .parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::AccessDenied("The request was not authenticated".into()))?;
        Ok(GetAuthorizationToken {
            domain: params::validated(d)?,
            seconds,
            caller,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// `POST /v1/authorization-token`.
pub async fn get_authorization_token(
    state: AppState,
    GetAuthorizationToken {
        domain: d,
        seconds,
        caller,
    }: GetAuthorizationToken,
) -> Result<Json<api::GetAuthorizationTokenResult>, ApiError> {
    state.store.domain(&d.owner, d.name.as_str()).await?;
    // A token minted with a token ends no later than that token, so a token's expiry bounds
    // its life: it cannot renew itself.
    let expires = match caller.token_expires {
        Some(limit) => (epoch_now() + seconds).min(limit),
        None => epoch_now() + seconds,
    };
    Ok(Json(api::GetAuthorizationTokenResult {
        authorization_token: Some(state.keys.issue_token(&caller, expires)),
        expiration: Some(expires as f64),
    }))
}
