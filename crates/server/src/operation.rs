//! One reading of each request: the query string and body are parsed once into the operation's
//! typed value (an [`Operation`]: validated identifiers and members), that value is authorized
//! ([`Operation::target`] is what `crate::authz` decides on), and the same value is handed to
//! the handler. Nothing reads the request a second time, so the check and the action it guards
//! cannot disagree.
//!
//! [`endpoint`] turns a handler `async fn(AppState, O) -> Result<R, ApiError>` into a route;
//! `crate::routes` pairs every operation of [`wharf_core::api::OPERATIONS`] with one.

use crate::auth::Identity;
use crate::authz::{self, Target};
use crate::error::ApiError;
use crate::extract::AwsQuery;
use crate::params::{self, Checks, DomainRef, RepositoryRef};
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, on};
use serde::de::DeserializeOwned;
use std::future::Future;

/// What a handler is given about the request besides its operation's members: the state, and
/// the request's head (headers and the extensions authentication put there).
pub struct Cx<'a> {
    /// The service's state.
    pub state: &'a AppState,
    /// The request line, headers and extensions.
    pub parts: &'a Parts,
}

impl Cx<'_> {
    /// The service's account id (the default `domain-owner`).
    pub fn account(&self) -> &str {
        &self.state.config.account_id
    }

    /// Checks `domain` and `domain-owner` ([`params::domain`]).
    pub fn domain(
        &self,
        c: &mut Checks,
        domain: &Option<String>,
        owner: &Option<String>,
    ) -> Option<DomainRef> {
        params::domain(c, self.account(), domain, owner)
    }

    /// Checks `domain`, `domain-owner` and `repository` ([`params::repository_ref`]).
    pub fn repository(
        &self,
        c: &mut Checks,
        domain: &Option<String>,
        owner: &Option<String>,
        repository: &Option<String>,
    ) -> Option<RepositoryRef> {
        params::repository_ref(c, self.account(), domain, owner, repository)
    }
}

/// An operation's request, read and checked: built once by [`Operation::parse`] from the query
/// string (`Query`) and body (`Body`), authorized by its [`Operation::target`], then handled.
pub trait Operation: Sized + Send + 'static {
    /// The query-string DTO (`core::api::<Op>Query`).
    type Query: DeserializeOwned + Send;
    /// The body: [`NoBody`], [`crate::extract::AwsJson`] of the body DTO, or
    /// [`crate::extract::AwsBody`] for raw bytes.
    type Body: FromRequest<AppState, Rejection = ApiError> + Send;

    /// Checks every member at once (one `ValidationException` lists every violation).
    fn parse(cx: &Cx<'_>, query: Self::Query, body: Self::Body) -> Result<Self, ApiError>;

    /// The identifiers authorization decides on, taken from this value only.
    fn target(&self, state: &AppState) -> impl Future<Output = Result<Target, ApiError>> + Send;
}

/// A query string an operation does not read (its members all travel in the body).
#[derive(serde::Deserialize)]
pub struct NoQuery {}

/// A body an operation does not read.
pub struct NoBody;

impl FromRequest<AppState> for NoBody {
    type Rejection = ApiError;

    async fn from_request(_: Request, _: &AppState) -> Result<Self, ApiError> {
        Ok(NoBody)
    }
}

/// One operation's route: its name (as in [`wharf_core::api::OPERATIONS`]) and the handler,
/// which parses, authorizes and handles.
pub struct Endpoint {
    /// The operation's name.
    pub name: &'static str,
    route: Box<dyn Fn(MethodFilter) -> MethodRouter<AppState> + Send + Sync>,
}

impl Endpoint {
    /// The handler as a method router for `method` (`GET`, `POST`, `PUT` or `DELETE`).
    pub fn method_router(&self, method: &str) -> Option<MethodRouter<AppState>> {
        let filter = match method {
            "GET" => MethodFilter::GET,
            "POST" => MethodFilter::POST,
            "PUT" => MethodFilter::PUT,
            "DELETE" => MethodFilter::DELETE,
            _ => return None,
        };
        Some((self.route)(filter))
    }
}

/// The endpoint of operation `name`, handled by `handler` with the value [`Operation::parse`]
/// built.
pub fn endpoint<O, F, Fut, R>(name: &'static str, handler: F) -> Endpoint
where
    O: Operation,
    F: Fn(AppState, O) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    R: IntoResponse + 'static,
{
    let run = move |State(state): State<AppState>, request: Request| {
        let handler = handler.clone();
        async move {
            match read::<O>(name, &state, request).await {
                Ok(op) => match handler(state, op).await {
                    Ok(r) => r.into_response(),
                    Err(e) => e.into_response(),
                },
                Err(e) => e.into_response(),
            }
        }
    };
    Endpoint {
        name,
        route: Box::new(move |filter| on(filter, run.clone())),
    }
}

/// Reads the request once into `O`, then authorizes that value for the caller.
async fn read<O: Operation>(
    name: &'static str,
    state: &AppState,
    request: Request,
) -> Result<O, ApiError> {
    let (mut parts, body) = request.into_parts();
    let AwsQuery(query) = AwsQuery::<O::Query>::from_request_parts(&mut parts, state).await?;
    let body = O::Body::from_request(Request::new(body), state).await?;
    let op = O::parse(
        &Cx {
            state,
            parts: &parts,
        },
        query,
        body,
    )?;
    let identity = parts
        .extensions
        .get::<Identity>()
        .ok_or_else(|| ApiError::AccessDenied("The request was not authenticated".into()))?;
    if *identity != Identity::Root {
        let target = op.target(state).await?;
        authz::check_operation(state, identity, name, &target).await?;
    }
    Ok(op)
}
