//! Release promotions under [`PROMOTIONS_PATH`] (Wharf's own API, not CodeArtifact's): plan or
//! apply a promotion, list and describe the records, revert one.
//!
//! The routes are authenticated like every other call ([`crate::auth::authenticate`]) but sit
//! outside CodeArtifact's route table and its `authz` layer: what a promotion needs is only
//! known once it is planned (a lockfile, a selection, dependencies added), so the handlers
//! authorize with CodeArtifact's actions themselves ([`access`]) and the store calls the gate
//! on the final plan inside its transaction. Handlers are thin: parse with the core, call the
//! store, map.

pub mod access;
mod hashes;

use crate::auth::{self, Identity};
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks};
use crate::state::AppState;
use crate::store::promotions::{Outcome, Promote, Revert};
use access::PromotionAccess;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use std::collections::BTreeMap;
use wharf_core::api;
use wharf_core::names::{DomainName, PackageCoordinate, RepositoryName};
use wharf_core::promotion::{MAX_REASON_CHARS, PromotionSpec};

/// Where the promotion API lives.
pub const PROMOTIONS_PATH: &str = "/wharf/v1/promotions";

/// The promotion routes, authenticated.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(PROMOTIONS_PATH, post(promote).get(list_promotions))
        .route(
            &format!("{PROMOTIONS_PATH}/{{id}}"),
            get(describe_promotion),
        )
        .route(
            &format!("{PROMOTIONS_PATH}/{{id}}/revert"),
            post(revert_promotion),
        )
        .method_not_allowed_fallback(|| async {
            ApiError::UnknownOperation("No operation matches this method and path".into())
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
}

fn refused(message: String) -> ApiError {
    ApiError::AccessDenied(message)
}

/// `POST /wharf/v1/promotions`: plan (`dryRun`) or plan and apply, all or nothing.
pub async fn promote(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    AwsJson(body): AwsJson<api::PromotionRequest>,
) -> Result<Json<api::PromotionResult>, ApiError> {
    let spec = PromotionSpec::try_from(&body)?;
    let owner = spec
        .domain_owner
        .as_ref()
        .map_or(state.config.account_id.clone(), |o| o.to_string());
    let access = PromotionAccess::load(
        &state,
        &identity,
        &owner,
        spec.source_ref(),
        spec.destination_ref(),
        false,
    )
    .await?;
    access.check(&[]).map_err(refused)?;
    hashes::check(&state, &owner, &spec, &body).await?;
    let principal = identity.principal(&state.config.account_id).arn;
    let gate = |keys: &[PackageCoordinate]| access.check(keys);
    let p = Promote {
        owner: &owner,
        spec: &spec,
        principal: &principal,
        gate: &gate,
    };
    match state.store.promote(&p).await? {
        Outcome::Done(result) => {
            if result.status == api::PromotionStatus::Applied {
                let s = &result.summary;
                state.metrics.versions_promoted(s.copied + s.overwritten);
            }
            Ok(Json(result))
        }
        Outcome::Refused(message) => Err(refused(message)),
    }
}

/// `GET /wharf/v1/promotions?domain=D[&repository=R]`: records into the destination, newest
/// first; records into repositories the caller may not read are left out.
pub async fn list_promotions(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    AwsQuery(q): AwsQuery<api::ListPromotionsQuery>,
) -> Result<Json<api::ListPromotionsResult>, ApiError> {
    let mut c = Checks::default();
    let domain = c.required(&q.domain, "domain", DomainName::parse_as);
    let repository = c.optional(&q.repository, "repository", RepositoryName::parse_as);
    let limit = params::max_results(&mut c, &q.max_results);
    let before: Option<i64> = params::decode_token(&mut c, &q.next_token);
    c.finish()?;
    let (Some(domain), Some(repository)) = (domain, repository) else {
        return Err(ApiError::validation("Invalid request"));
    };
    let owner = &state.config.account_id;
    let mut readable: BTreeMap<api::RepositoryRef, bool> = BTreeMap::new();
    if let Some(r) = &repository {
        let dest = api::RepositoryRef {
            domain: domain.to_string(),
            repository: r.to_string(),
        };
        access::check_read(&state, &identity, owner, &dest).await?;
        readable.insert(dest, true);
    }
    let repository = repository.as_ref().map(|r| r.as_str());
    let mut rows = (state.store)
        .promotions(owner, domain.as_str(), repository, before, limit + 1)
        .await?;
    let next_token = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        params::encode_token(&rows.last().map(|(seq, _)| *seq))
    });
    let mut promotions = Vec::new();
    for (_, summary) in rows {
        let dest = summary.destination.clone();
        if !readable.contains_key(&dest) {
            let allowed = access::check_read(&state, &identity, owner, &dest).await;
            readable.insert(dest.clone(), allowed.is_ok());
        }
        if readable[&dest] {
            promotions.push(summary);
        }
    }
    Ok(Json(api::ListPromotionsResult {
        promotions,
        next_token,
    }))
}

/// `GET /wharf/v1/promotions/{id}`: the record with every write and its before-state.
pub async fn describe_promotion(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<api::PromotionRecord>, ApiError> {
    let owner = &state.config.account_id;
    let stored = state.store.promotion(owner, &id).await?;
    access::check_read(&state, &identity, owner, &stored.summary.destination).await?;
    Ok(Json(stored.record()))
}

/// `POST /wharf/v1/promotions/{id}/revert`: plan (`dryRun`) or apply the revert, which is
/// itself recorded; a change since the promotion is a `ConflictException`.
pub async fn revert_promotion(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    AwsJson(body): AwsJson<api::RevertPromotionRequest>,
) -> Result<Json<api::RevertResult>, ApiError> {
    check_reason(&body.reason)?;
    let owner = &state.config.account_id;
    let summary = state.store.promotion(owner, &id).await?.summary;
    let access = PromotionAccess::load(
        &state,
        &identity,
        owner,
        summary.source,
        summary.destination,
        true,
    )
    .await?;
    access.check(&[]).map_err(refused)?;
    let principal = identity.principal(&state.config.account_id).arn;
    let gate = |keys: &[PackageCoordinate]| access.check(keys);
    let r = Revert {
        owner,
        id: &id,
        principal: &principal,
        reason: body.reason.as_deref(),
        dry_run: body.dry_run.unwrap_or(false),
        gate: &gate,
    };
    match state.store.revert_promotion(&r).await? {
        Outcome::Done(result) => Ok(Json(result)),
        Outcome::Refused(message) => Err(refused(message)),
    }
}

fn check_reason(reason: &Option<String>) -> Result<(), ApiError> {
    match reason {
        Some(r) if r.chars().count() > MAX_REASON_CHARS => Err(ApiError::validation(format!(
            "1 validation error detected: Value at 'reason' failed to satisfy constraint: \
             Member must have length less than or equal to {MAX_REASON_CHARS}"
        ))),
        _ => Ok(()),
    }
}
