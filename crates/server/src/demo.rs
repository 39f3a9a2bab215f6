//! `wharf serve --demo`: seeds a demo domain so the console's plan, conflict, outcome and verify
//! views can be seen at once, and makes the console's sign-in link.
//!
//! The domain [`DOMAIN`] holds `staging` (whose upstream is `mirror`) and `release`. The
//! package `acme/widget-lib` has, between staging and release, one identical version
//! (`1.0.0`), one new version (`1.1.0`) and one that differs (`2.0.0`); a few other packages
//! fill the lists. Seeding goes through the same store calls as PublishPackageVersion. It runs
//! only when the domain does not exist yet, so a restart keeps whatever the demo did.

use crate::auth::{Caller, epoch_now};
use crate::error::ApiError;
use crate::handlers::publish::{asset_row, put_blob};
use crate::handlers::tokens::DEFAULT_TOKEN_SECONDS;
use crate::state::AppState;
use crate::store::{PublishAsset, StoreError};
use axum::body::Bytes;
use std::net::SocketAddr;
use wharf_core::names::PackageCoordinate;

/// The demo domain's name.
pub const DOMAIN: &str = "demo";

/// One asset of a seeded version: (repository, namespace, package, version, asset, content).
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Every asset the demo publishes, in order. Versions with several assets list them together;
/// the last one publishes the version.
#[rustfmt::skip]
const SEEDS: &[Seed] = &[
    // staging's upstream: versions staging reaches only with "include from upstream".
    ("mirror", "acme", "left-pad", "1.3.0", "left-pad-1.3.0.tgz", "left-pad 1.3.0"),
    ("mirror", "acme", "widget-lib", "0.9.0", "widget-lib-0.9.0.tgz", "widget-lib 0.9.0"),
    // staging: what the team publishes.
    ("staging", "acme", "widget-lib", "1.0.0", "widget-lib-1.0.0.tgz", "widget-lib 1.0.0 build 41"),
    ("staging", "acme", "widget-lib", "1.0.0", "README.md", "# widget-lib 1.0.0\n"),
    ("staging", "acme", "widget-lib", "1.1.0", "widget-lib-1.1.0.tgz", "widget-lib 1.1.0 build 57"),
    ("staging", "acme", "widget-lib", "1.1.0", "README.md", "# widget-lib 1.1.0\n"),
    ("staging", "acme", "widget-lib", "2.0.0", "widget-lib-2.0.0.tgz", "widget-lib 2.0.0 build 63 (rebuilt)"),
    ("staging", "acme", "widget-lib", "2.0.0", "README.md", "# widget-lib 2.0.0\n"),
    ("staging", "acme", "http-client", "0.4.0", "http-client-0.4.0.tgz", "http-client 0.4.0"),
    ("staging", "acme", "http-client", "0.5.0", "http-client-0.5.0.tgz", "http-client 0.5.0"),
    ("staging", "tools", "deploy-scripts", "2024.11.1", "deploy.tar.gz", "deploy scripts 2024.11.1"),
    // release: what was promoted before. 1.0.0 is identical; 2.0.0 was built differently.
    ("release", "acme", "widget-lib", "1.0.0", "widget-lib-1.0.0.tgz", "widget-lib 1.0.0 build 41"),
    ("release", "acme", "widget-lib", "1.0.0", "README.md", "# widget-lib 1.0.0\n"),
    ("release", "acme", "widget-lib", "2.0.0", "widget-lib-2.0.0.tgz", "widget-lib 2.0.0 build 62"),
    ("release", "acme", "http-client", "0.4.0", "http-client-0.4.0.tgz", "http-client 0.4.0"),
];

/// Creates the demo domain, its repositories and packages unless the domain exists. Returns
/// whether it seeded anything.
pub async fn seed(state: &AppState) -> Result<bool, ApiError> {
    let owner = state.config.account_id.as_str();
    match state.store.create_domain(owner, DOMAIN).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let repos: [(&str, &str, &[String]); 3] = [
        ("mirror", "A mirror of packages from outside the team", &[]),
        (
            "staging",
            "Builds waiting for promotion",
            &["mirror".to_owned()],
        ),
        ("release", "What production installs", &[]),
    ];
    for (name, description, upstreams) in repos {
        state
            .store
            .create_repository(owner, DOMAIN, name, Some(description), upstreams)
            .await?;
    }
    for (i, (repo, ns, package, version, asset, content)) in SEEDS.iter().enumerate() {
        let last_of_version = SEEDS
            .get(i + 1)
            .is_none_or(|n| (n.0, n.1, n.2, n.3) != (*repo, *ns, *package, *version));
        let coordinate = PackageCoordinate::parse("generic", Some(ns), package)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("demo coordinate: {e:?}")))?;
        let row = asset_row(asset, content.as_bytes());
        put_blob(state, &row.sha256, Bytes::from_static(content.as_bytes())).await?;
        let publish = PublishAsset {
            version: (*version).to_owned(),
            asset: row,
            unfinished: !last_of_version,
            max_assets: state.config.max_assets_per_version,
        };
        state
            .store
            .publish_asset(owner, DOMAIN, repo, &coordinate, publish)
            .await?;
    }
    Ok(true)
}

/// A bearer token for the root key pair, valid for 12 hours.
pub fn token(state: &AppState) -> String {
    let caller = Caller {
        access_key_id: state.keys.access_key_id.clone(),
    };
    state
        .keys
        .issue_token(&caller, epoch_now() + DEFAULT_TOKEN_SECONDS)
}

/// The console's link that signs in with a fresh token: `http://ADDR/#/signin?token=...`.
pub fn sign_in_link(state: &AppState, addr: SocketAddr) -> String {
    format!("http://{addr}/#/signin?token={}", token(state))
}

/// What `wharf serve --demo` prints once listening.
pub fn banner(state: &AppState, addr: SocketAddr, seeded: bool) -> String {
    let mut text = if seeded {
        format!(
            "Seeded the demo domain '{DOMAIN}': staging (upstream: mirror) and release; \
             acme/widget-lib has 1.0.0 identical, 1.1.0 new and 2.0.0 differing between them.\n"
        )
    } else {
        format!("The demo domain '{DOMAIN}' exists already: kept as it is.\n")
    };
    if state.config.console_dir.is_some() {
        text.push_str(&format!(
            "Open the console (signs in for 12 hours):\n  {}\n",
            sign_in_link(state, addr)
        ));
    } else {
        text.push_str(&format!(
            "The console is not built (run `trunk build --release`, or pass --console-dir). \
             A bearer token for 12 hours:\n  {}\n",
            token(state)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Keys;
    use crate::config::Config;
    use crate::store::Store;
    use object_store::memory::InMemory;
    use std::sync::Arc;

    #[tokio::test]
    async fn seeds_once_and_links_to_the_console() {
        let mut config = Config::with_data_dir(std::env::temp_dir());
        config.console_dir = Some("dist".into());
        let state = AppState {
            store: Arc::new(Store::in_memory().await.expect("store")),
            blobs: Arc::new(InMemory::new()),
            config: Arc::new(config),
            keys: Arc::new(Keys::new("AKIADEMO".into(), "secret".into())),
        };
        assert!(seed(&state).await.expect("first seed"));
        assert!(!seed(&state).await.expect("second seed"), "kept on restart");
        let repos = state
            .store
            .repositories(&state.config.account_id, Some(DOMAIN), "")
            .await
            .expect("repositories");
        let names: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["mirror", "release", "staging"]);
        let staging = repos.iter().find(|r| r.name == "staging").expect("staging");
        assert_eq!(staging.upstreams, ["mirror"]);

        let addr: SocketAddr = "127.0.0.1:7878".parse().expect("addr");
        let link = sign_in_link(&state, addr);
        let token = link
            .strip_prefix("http://127.0.0.1:7878/#/signin?token=")
            .expect("a sign-in link");
        assert!(state.keys.verify_token(token, epoch_now()).is_ok());
        assert!(banner(&state, addr, true).contains(&link));
    }
}
