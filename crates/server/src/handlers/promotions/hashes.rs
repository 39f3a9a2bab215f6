//! The hashes of a Python promotion input (`--hash=sha256:…` lines of a `requirements.txt`,
//! the file hashes of a `uv.lock` or `pylock.toml`) against the files stored in the source:
//! a stored file of a pinned version whose SHA-256 the input does not list refuses the
//! promotion before it is planned, naming the file ([`Pin::refusals`]).
//!
//! The check reads the source (and, with `includeFromUpstream`, its upstreams in search order)
//! outside the promotion's write transaction: a version overwritten between the check and the
//! promotion is not caught (recorded in ARCHITECTURE.md).

use crate::error::ApiError;
use crate::state::AppState;
use wharf_core::api;
use wharf_core::error::{FieldError, ValidationErrors};
use wharf_core::names::PackageCoordinate;
use wharf_core::promotion::PromotionSpec;
use wharf_core::promotion::requirements::{FIELD, Pin, parse_pins};

/// Refuses (ValidationException) when a stored file of a pinned version has a SHA-256 the
/// input does not list; nothing to do for other inputs or pins without hashes.
pub async fn check(
    state: &AppState,
    owner: &str,
    spec: &PromotionSpec,
    body: &api::PromotionRequest,
) -> Result<(), ApiError> {
    let Some(text) = &body.requirements else {
        return Ok(());
    };
    let pins: Vec<Pin> = parse_pins(text)?
        .into_iter()
        .filter(|p| !p.sha256.is_empty())
        .collect();
    let (domain, source) = (spec.domain.to_string(), spec.source.to_string());
    let mut errors = Vec::new();
    for pin in &pins {
        let Ok(c) = PackageCoordinate::parse("pypi", None, &pin.name) else {
            continue;
        };
        let views = state.store.pypi_views(owner, &domain, &source, &c).await?;
        let held = views
            .iter()
            .filter(|v| spec.include_from_upstream || v.repository == source)
            .find_map(|v| v.version(&pin.version));
        if let Some(v) = held {
            let files: Vec<(String, String)> = v
                .files
                .iter()
                .map(|f| (f.asset.name.clone(), f.asset.sha256.clone()))
                .collect();
            errors.extend(
                pin.refusals(&files)
                    .into_iter()
                    .map(|m| FieldError::rule(FIELD, m)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors { errors }.into())
    }
}
