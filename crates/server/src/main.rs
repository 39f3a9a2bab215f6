//! `wharf`: the Wharf service's command line. Parses options, sets up logging and runs
//! `wharf serve`, `wharf admin`, `wharf promote` or `wharf promotions`; everything else lives in the library.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use wharf_server::auth::Keys;
use wharf_server::config::Config;

/// Wharf: a self-hosted service that speaks the AWS CodeArtifact API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the CodeArtifact API (and the console, when built) on embedded storage.
    Serve(ServeArgs),
    /// Manage IAM users, their access keys and identity policies (data directory or service).
    Admin(wharf_server::admin::AdminArgs),
    /// Promote a release: many packages in one planned, all-or-nothing, recorded promotion.
    Promote(wharf_server::promote_cli::PromoteArgs),
    /// List, describe or revert recorded promotions.
    Promotions(wharf_server::promote_cli::PromotionsArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Where the SQLite database and asset files live (and the generated root credentials).
    #[arg(long, env = "WHARF_DATA_DIR", default_value = "./wharf-data")]
    data_dir: PathBuf,
    /// The metadata database instead of DATA_DIR/wharf.db: sqlite://PATH or
    /// postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long, env = "WHARF_DATABASE_URL")]
    database_url: Option<String>,
    /// The asset store instead of DATA_DIR/blobs: file:///DIR or s3://BUCKET[/PREFIX]; S3
    /// credentials, region and endpoint come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_REGION, AWS_ENDPOINT_URL (and AWS_ALLOW_HTTP=true for a plain-http endpoint).
    #[arg(long, env = "WHARF_BLOB_STORE")]
    blob_store: Option<String>,
    /// The address to listen on (port 0 picks a free one).
    #[arg(long, env = "WHARF_LISTEN", default_value = "127.0.0.1:7878")]
    listen: SocketAddr,
    /// The 12-digit account that owns every domain.
    #[arg(long, env = "WHARF_ACCOUNT_ID", default_value = "000000000000")]
    account_id: String,
    /// The region clients sign for.
    #[arg(long, env = "WHARF_REGION", default_value = "us-east-1")]
    region: String,
    /// An origin allowed to call the API from a browser (repeatable).
    #[arg(
        long = "cors-origin",
        env = "WHARF_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// The console's built files (`trunk build` output); `./dist` when present.
    #[arg(long, env = "WHARF_CONSOLE_DIR")]
    console_dir: Option<PathBuf>,
    /// The largest request body, in bytes.
    #[arg(long, env = "WHARF_MAX_BODY_BYTES", default_value_t = 1 << 30)]
    max_body_bytes: usize,
    /// Seed a demo domain (once) and print the console's sign-in link.
    #[arg(long)]
    demo: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WHARF_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let args = match Cli::parse().command {
        Command::Serve(args) => args,
        Command::Admin(args) => return wharf_server::admin::run(args).await,
        Command::Promote(args) => wharf_server::promote_cli::run_promote(args).await,
        Command::Promotions(args) => wharf_server::promote_cli::run_promotions(args).await,
    };
    if args.account_id.len() != 12 || !args.account_id.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!("--account-id must be 12 digits, not {:?}", args.account_id);
    }
    std::fs::create_dir_all(&args.data_dir)?;
    let from_env = match (
        std::env::var("WHARF_ROOT_ACCESS_KEY_ID"),
        std::env::var("WHARF_ROOT_SECRET_ACCESS_KEY"),
    ) {
        (Ok(id), Ok(secret)) if !id.is_empty() && !secret.is_empty() => Some((id, secret)),
        _ => None,
    };
    let (keys, generated) = Keys::load_or_generate(&args.data_dir, from_env)?;
    let console_dir = args
        .console_dir
        .or_else(|| Some(PathBuf::from("dist")).filter(|d| d.join("index.html").exists()));
    let config = Config {
        data_dir: args.data_dir,
        database_url: args.database_url,
        blob_store: args.blob_store,
        listen: args.listen,
        account_id: args.account_id,
        region: args.region.clone(),
        max_body_bytes: args.max_body_bytes,
        max_assets_per_version: 150,
        cors_origins: args.cors_origins,
        console_dir,
    };
    let state = wharf_server::open_state(config, keys.clone()).await?;
    let demo = if args.demo {
        Some(wharf_server::demo::seed(&state).await?)
    } else {
        None
    };
    let demo_state = state.clone();
    wharf_server::serve(state, |addr| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "wharf listening on http://{addr}");
        if generated {
            let _ = writeln!(
                out,
                "Generated the root key pair (stored in the data directory; shown only now):"
            );
            let _ = writeln!(
                out,
                "  export AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={}",
                keys.access_key_id, keys.secret
            );
        }
        let _ = writeln!(
            out,
            "Try it (with the root keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY):"
        );
        let _ = writeln!(out, "  export AWS_DEFAULT_REGION={}", args.region);
        let _ = writeln!(
            out,
            "  aws codeartifact create-domain --domain my-domain --endpoint-url http://{addr}"
        );
        let _ = writeln!(
            out,
            "  aws codeartifact list-domains --endpoint-url http://{addr}"
        );
        if let Some(seeded) = demo {
            let _ = write!(
                out,
                "{}",
                wharf_server::demo::banner(&demo_state, addr, seeded)
            );
        }
        let _ = out.flush();
    })
    .await
}
