//! `wharf promote` and `wharf promotions list|describe|revert`: release promotion from the
//! command line, against a running service's `/wharf/v1/promotions` API, signed with
//! SigV4 by the caller's `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (any principal, as the
//! aws CLI signs) through the shared [`crate::signed_client`].
//!
//! Requests are the core's wire types (`wharf_core::api::PromotionRequest`, …). The service's
//! JSON answer goes to standard output as it came (read as JSON, not typed, so that a newer
//! service's extra members are printed too); on a terminal a readable
//! table of the plan ([`table`]) also goes to standard error. Exit status: 0 when the promotion
//! was applied or the dry run would succeed, 1 when the plan fails, 2 on a request error (the
//! service refused the request, or it could not be sent).
//!
//! ```text
//! wharf promote --endpoint-url http://127.0.0.1:7878 --domain my-domain \
//!     --source-repository staging --destination-repository release \
//!     --lockfile package-lock.json --with-dependencies --dry-run
//! wharf promotions list --endpoint-url http://127.0.0.1:7878 --domain my-domain
//! ```

pub mod selection;
pub mod table;

use crate::signed_client::{CallError, Credentials, SignedClient};
use clap::{ArgGroup, Subcommand};
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use wharf_core::api::{ListPromotionsQuery, PromotionRequest, RevertPromotionRequest};

/// Where the service is and which region requests are signed for.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// The service (`http://HOST:PORT`).
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint_url: Option<String>,
    /// The region requests are signed for; else AWS_DEFAULT_REGION, AWS_REGION, us-east-1.
    #[arg(long, global = true)]
    pub region: Option<String>,
}

/// `wharf promote …`: plans (with `--dry-run`) or applies one promotion.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("what").required(true).args(["lockfile", "requirements", "package", "select"])))]
pub struct PromoteArgs {
    /// Where the service is.
    #[command(flatten)]
    pub connection: Connection,
    /// The source domain (and the destination's, unless --destination-domain).
    #[arg(long)]
    pub domain: String,
    /// The 12-digit account that owns the domain.
    #[arg(long)]
    pub domain_owner: Option<String>,
    /// The repository to promote from.
    #[arg(long)]
    pub source_repository: String,
    /// The repository to promote to.
    #[arg(long)]
    pub destination_repository: String,
    /// The destination's domain, for a promotion across domains.
    #[arg(long)]
    pub destination_domain: Option<String>,
    /// Every registry package pinned by this npm lockfile (package-lock.json, v2 or v3).
    #[arg(long, value_name = "FILE")]
    pub lockfile: Option<PathBuf>,
    /// Every pypi package pinned by this requirements.txt (`name==version`), uv.lock or
    /// pylock.toml; listed sha256 hashes must match the stored files.
    #[arg(long, value_name = "FILE")]
    pub requirements: Option<PathBuf>,
    /// A version to promote, FORMAT/NAMESPACE/NAME@VERSION (repeatable): npm//left-pad@1.3.0,
    /// npm/babel/core@7.0.0 for @babel/core.
    #[arg(long, value_name = "FORMAT/NAMESPACE/NAME@VERSION", value_parser = selection::parse_package)]
    pub package: Vec<selection::PackageArg>,
    /// Every version of the source's packages with this prefix: FORMAT[/NAMESPACE]/PREFIX*.
    #[arg(long, value_name = "FORMAT[/NAMESPACE]/PREFIX*")]
    pub select: Option<String>,
    /// With --select: only versions with this status (Published, Unlisted, …).
    #[arg(long, conflicts_with_all = ["lockfile", "package"])]
    pub status: Option<String>,
    /// Add the highest source version satisfying each unsatisfied npm dependency range.
    #[arg(long)]
    pub with_dependencies: bool,
    /// Promote even when a dependency range stays unsatisfied in the destination.
    #[arg(long)]
    pub allow_unsatisfied: bool,
    /// Overwrite destination versions that differ (as CopyPackageVersions' allowOverwrite).
    #[arg(long)]
    pub allow_overwrite: bool,
    /// Also look for versions in the source's upstream repositories.
    #[arg(long)]
    pub include_from_upstream: bool,
    /// Only plan: report what the promotion would do and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Why (recorded with the promotion): "release 2.3, CI run 1234".
    #[arg(long)]
    pub reason: Option<String>,
}

/// `wharf promotions …`: the recorded promotions.
#[derive(Debug, clap::Args)]
pub struct PromotionsArgs {
    /// Where the service is.
    #[command(flatten)]
    pub connection: Connection,
    /// What to do.
    #[command(subcommand)]
    pub command: PromotionsCommand,
}

/// The subcommands of `wharf promotions`.
#[derive(Debug, Subcommand)]
pub enum PromotionsCommand {
    /// Lists promotions into a domain (and repository), newest first.
    List {
        /// The destination domain.
        #[arg(long)]
        domain: String,
        /// Only promotions into this repository.
        #[arg(long)]
        repository: Option<String>,
        /// At most this many per page.
        #[arg(long)]
        max_results: Option<u32>,
        /// The page after the one that returned this token.
        #[arg(long)]
        next_token: Option<String>,
    },
    /// Prints one promotion's record: who, when, why and every write.
    Describe {
        /// The promotion id.
        id: String,
    },
    /// Puts the destination back as it was before a promotion (refused if anything changed).
    Revert {
        /// The promotion id.
        id: String,
        /// Only plan the revert.
        #[arg(long)]
        dry_run: bool,
        /// Why (recorded with the revert).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// One request to the promotions API, ready to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path under the endpoint.
    pub path: String,
    /// The form-encoded query, without `?`.
    pub query: String,
    /// The JSON body (`Null` for none): a core wire type, serialized.
    pub body: Value,
    /// Which table shows the answer.
    pub view: View,
}

/// How an answer is shown on a terminal and what its exit status is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// A `PromotionResult` or `PromotionRecord`.
    Plan,
    /// A `RevertResult`.
    Revert,
    /// A `ListPromotionsResult`.
    List,
}

const PROMOTIONS: &str = "/wharf/v1/promotions";

impl PromoteArgs {
    /// The `POST /wharf/v1/promotions` this command sends; reads the lockfile.
    pub fn call(&self) -> Result<Call, String> {
        let set = |flag: bool| Some(true).filter(|_| flag);
        let mut request = PromotionRequest {
            domain: Some(self.domain.clone()),
            domain_owner: self.domain_owner.clone(),
            source_repository: Some(self.source_repository.clone()),
            destination_domain: self.destination_domain.clone(),
            destination_repository: Some(self.destination_repository.clone()),
            with_dependencies: set(self.with_dependencies),
            allow_unsatisfied: set(self.allow_unsatisfied),
            allow_overwrite: set(self.allow_overwrite),
            include_from_upstream: set(self.include_from_upstream),
            dry_run: set(self.dry_run),
            reason: self.reason.clone(),
            ..PromotionRequest::default()
        };
        if let Some(path) = &self.lockfile {
            request.lockfile = Some(selection::read_lockfile(path)?);
        } else if let Some(path) = &self.requirements {
            request.requirements = Some(selection::read_lockfile(path)?);
        } else if let Some(select) = &self.select {
            request.select = Some(selection::parse_select(select, self.status.as_deref())?);
        } else {
            request.packages = Some(selection::selections(&self.package));
        }
        Ok(Call {
            method: "POST",
            path: PROMOTIONS.to_owned(),
            query: String::new(),
            body: serde_json::to_value(request).map_err(|e| e.to_string())?,
            view: View::Plan,
        })
    }
}

/// A promotion id as a path segment: ids are letters, digits, `-`, `_` and `.`.
fn id_segment(id: &str) -> Result<&str, String> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(id)
    } else {
        Err(format!("{id:?} is not a promotion id"))
    }
}

impl PromotionsCommand {
    /// The request this command sends.
    pub fn call(&self) -> Result<Call, String> {
        Ok(match self {
            PromotionsCommand::List {
                domain,
                repository,
                max_results,
                next_token,
            } => {
                let query = ListPromotionsQuery {
                    domain: Some(domain.clone()),
                    repository: repository.clone(),
                    max_results: max_results.map(|n| n.to_string()),
                    next_token: next_token.clone(),
                };
                Call {
                    method: "GET",
                    path: PROMOTIONS.to_owned(),
                    query: serde_urlencoded::to_string(query).map_err(|e| e.to_string())?,
                    body: Value::Null,
                    view: View::List,
                }
            }
            PromotionsCommand::Describe { id } => Call {
                method: "GET",
                path: format!("{PROMOTIONS}/{}", id_segment(id)?),
                query: String::new(),
                body: Value::Null,
                view: View::Plan,
            },
            PromotionsCommand::Revert {
                id,
                dry_run,
                reason,
            } => {
                let request = RevertPromotionRequest {
                    dry_run: Some(true).filter(|_| *dry_run),
                    reason: reason.clone(),
                };
                Call {
                    method: "POST",
                    path: format!("{PROMOTIONS}/{}/revert", id_segment(id)?),
                    query: String::new(),
                    body: serde_json::to_value(request).map_err(|e| e.to_string())?,
                    view: View::Revert,
                }
            }
        })
    }
}

/// The exit status for an answer: 1 when a plan (or revert) failed, else 0.
pub fn exit_status(view: View, answer: &Value) -> i32 {
    match (view, answer["status"].as_str()) {
        (View::Plan | View::Revert, Some("FAILED")) => 1,
        _ => 0,
    }
}

/// Runs `wharf promote`, prints its answer and exits with its status.
pub async fn run_promote(args: PromoteArgs) -> ! {
    let call = args.call();
    finish("wharf promote", &args.connection, call).await
}

/// Runs `wharf promotions …`, prints its answer and exits with its status.
pub async fn run_promotions(args: PromotionsArgs) -> ! {
    let call = args.command.call();
    finish("wharf promotions", &args.connection, call).await
}

async fn finish(program: &str, connection: &Connection, call: Result<Call, String>) -> ! {
    let outcome = match call {
        Ok(call) => send(connection, &call)
            .await
            .map(|answer| (call.view, answer)),
        Err(e) => Err(e),
    };
    let (view, answer) = match outcome {
        Ok(done) => done,
        Err(e) => {
            eprintln!("{program}: {e}");
            std::process::exit(2);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let printed = serde_json::to_string_pretty(&answer)
        .map_err(|e| e.to_string())
        .and_then(|s| writeln!(stdout, "{s}").map_err(|e| e.to_string()));
    if let Err(e) = printed {
        eprintln!("{program}: cannot print the answer: {e}");
        std::process::exit(2);
    }
    let _ = stdout.flush();
    if stdout.is_terminal() {
        let shown = match view {
            View::Plan => table::plan(&answer),
            View::Revert => table::revert(&answer),
            View::List => table::list(&answer),
        };
        eprint!("{shown}");
    }
    std::process::exit(exit_status(view, &answer));
}

/// The caller's key pair and region from the environment, as the aws CLI reads them.
fn credentials(
    var: impl Fn(&str) -> Option<String>,
    region: Option<&str>,
) -> Result<(Credentials, String), String> {
    let nonempty = |k: &str| var(k).filter(|v| !v.is_empty());
    let credentials = match (
        nonempty("AWS_ACCESS_KEY_ID"),
        nonempty("AWS_SECRET_ACCESS_KEY"),
    ) {
        (Some(access_key_id), Some(secret)) => Credentials {
            access_key_id,
            secret,
        },
        _ => return Err("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to sign requests".into()),
    };
    let region = region
        .map(str::to_owned)
        .or_else(|| nonempty("AWS_DEFAULT_REGION"))
        .or_else(|| nonempty("AWS_REGION"))
        .unwrap_or_else(|| "us-east-1".to_owned());
    Ok((credentials, region))
}

async fn send(connection: &Connection, call: &Call) -> Result<Value, String> {
    let endpoint = connection
        .endpoint_url
        .as_deref()
        .ok_or("--endpoint-url is required (the service, http://HOST:PORT)")?;
    let (creds, region) = credentials(|k| std::env::var(k).ok(), connection.region.as_deref())?;
    let user_agent = concat!("wharf-promote/", env!("CARGO_PKG_VERSION"));
    let client =
        SignedClient::new(endpoint, &region, creds, user_agent).map_err(|e| format!("{e:#}"))?;
    let body = match &call.body {
        Value::Null => Vec::new(),
        body => serde_json::to_vec(body).map_err(|e| e.to_string())?,
    };
    client
        .call(call.method, &call.path, &call.query, body)
        .await
        .map_err(|e| match e {
            CallError::Refused(text) => text,
            CallError::Transport(e) => format!("{e:#}"),
        })
}

#[cfg(test)]
mod tests;
