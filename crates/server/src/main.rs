//! `wharf`: the Wharf service's command line. Parses options, sets up logging and runs
//! `wharf serve`, `wharf admin`, `wharf promote` or `wharf promotions`; everything else lives in the library.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use wharf_server::audit::AuditMode;
use wharf_server::auth::Keys;
use wharf_server::config::Config;
use wharf_server::limits::ConnectionLimits;
use wharf_server::metrics::Exposure;
use wharf_server::observe::LogFormat;

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
    /// Seconds a client may take to send a request head (from connecting, or from the head's
    /// first byte on a kept-alive connection).
    #[arg(long, env = "WHARF_HEADER_READ_TIMEOUT", default_value = "10", value_parser = seconds)]
    header_read_timeout: Duration,
    /// Seconds a request body may stall before the request fails (RequestTimeoutException).
    #[arg(long, env = "WHARF_BODY_TIMEOUT", default_value = "30", value_parser = seconds)]
    body_timeout: Duration,
    /// Seconds a kept-alive connection may stay idle between requests.
    #[arg(long, env = "WHARF_KEEP_ALIVE_TIMEOUT", default_value = "60", value_parser = seconds)]
    keep_alive_timeout: Duration,
    /// The most open connections; past it, the one waiting longest for a request is closed.
    #[arg(long, env = "WHARF_MAX_CONNECTIONS", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Seed a demo domain (once) and print the console's sign-in link.
    #[arg(long)]
    demo: bool,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(
        long,
        env = "WHARF_TLS_CERT",
        requires = "tls_key",
        value_name = "FILE"
    )]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        env = "WHARF_TLS_KEY",
        requires = "tls_cert",
        value_name = "FILE"
    )]
    tls_key: Option<PathBuf>,
    /// The scheme and host clients use (`https://pkg.example.com`) when behind a proxy: the
    /// URLs the service returns carry it, and requests for another Host are refused.
    #[arg(long, env = "WHARF_PUBLIC_URL", value_name = "URL", value_parser = wharf_server::public_url::parse)]
    public_url: Option<String>,
    /// Point an external connection at another registry, NAME=URL (repeatable), e.g.
    /// public:npmjs=https://npm.mirror.example/ for an internal mirror.
    #[arg(
        long = "external-connection",
        env = "WHARF_EXTERNAL_CONNECTIONS",
        value_delimiter = ','
    )]
    external_connections: Vec<String>,
    /// Seconds package metadata fetched through an external connection stays fresh.
    #[arg(long, env = "WHARF_EXTERNAL_METADATA_TTL", default_value = "1800", value_parser = seconds)]
    external_metadata_ttl: Duration,
    /// Sweep unreferenced blobs every DURATION (`30m`, `6h`), as `wharf admin gc` does. Off by
    /// default: only turn it on when no other service's database references this blob store.
    #[arg(long, env = "WHARF_GC_INTERVAL", value_name = "DURATION", value_parser = positive_duration)]
    gc_interval: Option<Duration>,
    /// With --gc-interval: keep unreferenced blobs written within this long (a publish uploads
    /// its bytes before it commits its rows).
    #[arg(long, env = "WHARF_GC_GRACE", value_name = "DURATION", default_value = "1h",
          value_parser = humantime::parse_duration, requires = "gc_interval")]
    gc_grace: Duration,
    /// What the audit trail records: `writes` (every write and every refusal), `all` (reads
    /// too) or `off` (nothing: for measuring its cost, or where a proxy in front audits).
    #[arg(long, env = "WHARF_AUDIT", value_enum, default_value_t = AuditMode::Writes)]
    audit: AuditMode,
    /// Record reads in the audit trail too: the same as `--audit all`.
    #[arg(long, env = "WHARF_AUDIT_READS")]
    audit_reads: bool,
    /// Days audit records are kept; older ones are pruned in small batches.
    #[arg(long, env = "WHARF_AUDIT_RETENTION_DAYS", default_value_t = 365,
          value_parser = clap::value_parser!(u32).range(1..))]
    audit_retention_days: u32,
    /// Do not deliver webhooks from this process (another process on the same database does).
    #[arg(long, env = "WHARF_NO_WEBHOOK_DELIVERY")]
    no_webhook_delivery: bool,
    /// Seconds one webhook delivery attempt may take.
    #[arg(long, env = "WHARF_WEBHOOK_TIMEOUT", default_value = "15", value_parser = seconds)]
    webhook_timeout: Duration,
    /// Seconds before the first retry of a failed delivery; each further retry doubles it.
    #[arg(long, env = "WHARF_WEBHOOK_RETRY_BASE", default_value = "5", value_parser = seconds)]
    webhook_retry_base: Duration,
    /// Seconds after the first attempt that a failing delivery is retried before it is failed.
    #[arg(long, env = "WHARF_WEBHOOK_RETRY_WINDOW", default_value = "86400", value_parser = seconds)]
    webhook_retry_window: Duration,
    /// Serve /metrics (Prometheus text format): `on` (the default: on the main port, to the
    /// root principal only, unless --metrics-listen moves it) or `off`.
    #[arg(long, env = "WHARF_METRICS", default_value = "on", value_parser = ["on", "off"])]
    metrics: String,
    /// Serve /metrics on this address instead of the main port, without authentication (bind
    /// it to loopback or a private network).
    #[arg(long, env = "WHARF_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// How log lines are written: `text` for people, `json` for one JSON object per line
    /// (with one line per request: request id, principal, operation, status, latency).
    #[arg(long, env = "WHARF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// A positive duration in humantime's form (`90s`, `30m`, `6h`).
fn positive_duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err(format!("{text:?} is not a positive duration")),
        Err(e) => Err(format!("{text:?}: {e}")),
    }
}

/// A positive number of seconds (fractions allowed).
fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("{text:?} is not a positive number of seconds")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(match &cli.command {
        Command::Serve(args) => args.log_format,
        _ => LogFormat::Text,
    });
    let args = match cli.command {
        Command::Serve(args) => args,
        Command::Admin(args) => return wharf_server::admin::run(args).await,
        Command::Promote(args) => wharf_server::promote_cli::run_promote(args).await,
        Command::Promotions(args) => wharf_server::promote_cli::run_promotions(args).await,
    };
    if args.account_id.len() != 12 || !args.account_id.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!("--account-id must be 12 digits, not {:?}", args.account_id);
    }
    let metrics = match (args.metrics.as_str(), args.metrics_listen) {
        ("off", Some(_)) => {
            anyhow::bail!("--metrics off and --metrics-listen contradict each other")
        }
        ("off", None) => Exposure::Off,
        (_, Some(addr)) => Exposure::Separate(addr),
        (_, None) => Exposure::MainPort,
    };
    let external_connections =
        wharf_server::config::external_connection_urls(&args.external_connections)?;
    // Before anything is created: the data directory and its files are private (0700/0600).
    wharf_server::datadir::make_private(&args.data_dir)?;
    let (keys, generated) = Keys::load_or_generate(&args.data_dir, Keys::pair_from_env())?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(wharf_server::tls::acceptor(cert, key)?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
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
        limits: ConnectionLimits {
            header_read_timeout: args.header_read_timeout,
            body_timeout: args.body_timeout,
            keep_alive_timeout: args.keep_alive_timeout,
            max_connections: args.max_connections as usize,
        },
        public_url: args.public_url,
        tls: args.tls_cert.is_some(),
        external_connections,
        external_metadata_ttl: args.external_metadata_ttl,
        gc_sweep: args
            .gc_interval
            .map(|interval| wharf_server::sweep::SweepSchedule {
                interval,
                grace: args.gc_grace,
            }),
        audit: wharf_server::audit::AuditSettings {
            enabled: args.audit != AuditMode::Off,
            reads: args.audit == AuditMode::All || args.audit_reads,
            retention_days: args.audit_retention_days,
        },
        webhooks: wharf_server::webhooks::DeliverySettings {
            enabled: !args.no_webhook_delivery,
            timeout: args.webhook_timeout,
            retry_base: args.webhook_retry_base,
            retry_window: args.webhook_retry_window,
            ..Default::default()
        },
        metrics,
    };
    let state = wharf_server::open_state(config, keys.clone()).await?;
    let demo = if args.demo {
        Some(wharf_server::demo::prepare(&state).await?)
    } else {
        None
    };
    let metrics_addr = match metrics {
        Exposure::Separate(addr) => {
            Some(wharf_server::metrics::serve_separately(&state, addr).await?)
        }
        _ => None,
    };
    let demo_state = state.clone();
    wharf_server::serve(state, tls, |addr| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "wharf listening on {scheme}://{addr}");
        if let Some(m) = metrics_addr {
            let _ = writeln!(out, "wharf metrics on http://{m}/metrics");
        }
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
            "  aws codeartifact create-domain --domain my-domain --endpoint-url {scheme}://{addr}"
        );
        let _ = writeln!(
            out,
            "  aws codeartifact list-domains --endpoint-url {scheme}://{addr}"
        );
        if let Some(demo) = &demo {
            let _ = write!(
                out,
                "{}",
                wharf_server::demo::banner(&demo_state, addr, demo)
            );
        }
        let _ = out.flush();
    })
    .await
}

/// Logs to standard error, filtered by `WHARF_LOG` (or `RUST_LOG`; `info` by default), as text
/// or as one JSON object per line with the event's fields at the top level.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WHARF_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}
