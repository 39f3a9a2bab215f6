//! `wharf serve --demo`: seeds a demo domain so the console's plan, conflict, outcome and verify
//! views can be seen at once, and makes the console's sign-in link.
//!
//! The domain [`DOMAIN`] holds `staging` (whose upstream is `mirror`) and `release`. The
//! package `acme/widget-lib` has, between staging and release, one identical version
//! (`1.0.0`), one new version (`1.1.0`) and one that differs (`2.0.0`); a few other packages
//! fill the lists. Seeding goes through the same store calls as PublishPackageVersion. It runs
//! only when the domain does not exist yet, so a restart keeps whatever the demo did.
//!
//! With the domain it creates the IAM user [`USER`], with an access key and the identity policy
//! [`policy`]: read the demo domain and copy inside it, nothing else. The sign-in link carries a
//! token of that user's key, never a root token, as the banner ends up in service logs.
use crate::auth::{Caller, epoch_now, generate_key_pair};
use crate::config::Config;
use crate::error::ApiError;
use crate::handlers::publish::asset_row;
use crate::handlers::tokens::DEFAULT_TOKEN_SECONDS;
use crate::state::AppState;
use crate::store::assets::put_blob;
use crate::store::{PublishAsset, StoreError};
use axum::body::Bytes;
use std::net::SocketAddr;
use wharf_core::names::PackageCoordinate;

/// The demo domain's name.
pub const DOMAIN: &str = "demo";

/// The IAM user whose token the sign-in link carries.
pub const USER: &str = "demo";

/// The name of the demo user's identity policy.
pub const POLICY: &str = "demo-read-and-copy";

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

/// The demo user's identity policy, for the service's region and account: read everything in
/// the demo domain (`ReadFromRepository`, `Describe*`, `List*`, `GetRepositoryEndpoint`,
/// `GetPackageVersionAsset`, `GetAuthorizationToken`), copy between its repositories, and
/// `ListDomains`. It cannot publish, delete, change statuses or policies, create anything, or
/// use the admin API.
pub fn policy(region: &str, account: &str) -> String {
    let arn = |resource: &str| format!("arn:aws:codeartifact:{region}:{account}:{resource}");
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadTheDemoDomain",
                "Effect": "Allow",
                "Action": [
                    "codeartifact:ReadFromRepository",
                    "codeartifact:Describe*",
                    "codeartifact:List*",
                    "codeartifact:GetRepositoryEndpoint",
                    "codeartifact:GetPackageVersionAsset",
                    "codeartifact:GetAuthorizationToken"
                ],
                "Resource": [
                    arn(&format!("domain/{DOMAIN}")),
                    arn(&format!("repository/{DOMAIN}/*")),
                    arn(&format!("package/{DOMAIN}/*"))
                ]
            },
            {
                "Sid": "CopyInsideTheDemoDomain",
                "Effect": "Allow",
                "Action": "codeartifact:CopyPackageVersions",
                "Resource": [
                    arn(&format!("repository/{DOMAIN}/*")),
                    arn(&format!("package/{DOMAIN}/*"))
                ]
            },
            {
                "Sid": "FindTheDemoDomain",
                "Effect": "Allow",
                "Action": "codeartifact:ListDomains",
                "Resource": "*"
            }
        ]
    })
    .to_string()
}

/// What `--demo` prepared: whether it seeded the domain now, and the sign-in token.
#[derive(Debug, Clone)]
pub struct Demo {
    /// Whether the domain (and the demo user) were created by this start.
    pub seeded: bool,
    /// A 12-hour token of the demo user's key, if the user still has an active key.
    pub token: Option<String>,
}

/// Seeds the demo (once) and issues the demo user's token.
pub async fn prepare(state: &AppState) -> Result<Demo, ApiError> {
    let seeded = seed(state).await?;
    Ok(Demo {
        seeded,
        token: token(state).await?,
    })
}

/// Creates the demo domain, its repositories and packages, and the demo user with its key and
/// policy, unless the domain exists. Returns whether it seeded anything.
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
        put_blob(
            &*state.blobs,
            &row.sha256,
            Bytes::from_static(content.as_bytes()),
        )
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
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
    match state.store.create_user(USER).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            tracing::warn!(
                user = USER,
                "an IAM user of the demo's name exists: left as it is"
            );
            return Ok(true);
        }
        Err(e) => return Err(e.into()),
    }
    let (id, secret) = generate_key_pair();
    state.store.create_access_key(USER, &id, &secret).await?;
    let document = policy(&state.config.region, owner);
    wharf_policy::PolicyDocument::parse_identity(&document)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("demo policy: {e}")))?;
    state.store.put_user_policy(USER, POLICY, &document).await?;
    Ok(true)
}

/// A bearer token of the demo user's newest active key, valid for 12 hours; `None` if the
/// user was deleted or its keys revoked since the demo was seeded.
pub async fn token(state: &AppState) -> Result<Option<String>, ApiError> {
    let key = match state.store.access_keys(USER).await {
        Ok(keys) => keys.into_iter().rev().find(|k| k.revoked_time.is_none()),
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(key.map(|k| {
        state
            .keys
            .issue_token(&Caller::signed(k.id), epoch_now() + DEFAULT_TOKEN_SECONDS)
    }))
}

/// The console's link that signs in with `token`: `BASE/#/signin?token=...`, where BASE is
/// `--public-url`, else `https://ADDR` under `--tls-cert`, else `http://ADDR`.
pub fn sign_in_link(config: &Config, addr: SocketAddr, token: &str) -> String {
    let base = match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None if config.tls => format!("https://{addr}"),
        None => format!("http://{addr}"),
    };
    format!("{base}/#/signin?token={token}")
}

/// What `wharf serve --demo` prints once listening.
pub fn banner(state: &AppState, addr: SocketAddr, demo: &Demo) -> String {
    let mut text = if demo.seeded {
        format!(
            "Seeded the demo domain '{DOMAIN}': staging (upstream: mirror) and release; \
             acme/widget-lib has 1.0.0 identical, 1.1.0 new and 2.0.0 differing between them.\n"
        )
    } else {
        format!("The demo domain '{DOMAIN}' exists already: kept as it is.\n")
    };
    let Some(token) = &demo.token else {
        text.push_str(&format!(
            "The IAM user '{USER}' has no active access key any more, so there is no sign-in \
             link: sign in with a token from `aws codeartifact get-authorization-token`.\n"
        ));
        return text;
    };
    if state.config.console_dir.is_some() {
        text.push_str(&format!(
            "Open the console as the IAM user '{USER}', who may read the demo domain and copy \
             inside it (signs in for 12 hours):\n  {}\n",
            sign_in_link(&state.config, addr, token)
        ));
    } else {
        text.push_str(&format!(
            "The console is not built (run `trunk build --release`, or pass --console-dir). \
             A bearer token of the IAM user '{USER}' (read the demo domain, copy inside it) for \
             12 hours:\n  {token}\n"
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
    async fn seeds_once_with_a_demo_user_and_links_to_the_console_with_its_token() {
        let mut config = Config::with_data_dir(std::env::temp_dir());
        config.console_dir = Some("dist".into());
        let state = AppState {
            store: Arc::new(Store::in_memory().await.expect("store")),
            blobs: Arc::new(InMemory::new()),
            config: Arc::new(config),
            keys: Arc::new(Keys::new("AKIADEMO".into(), "secret".into())),
            external: Default::default(),
            metrics: Default::default(),
            packuments: Default::default(),
        };
        let demo = prepare(&state).await.expect("first seed");
        assert!(demo.seeded);
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
        let keys = state.store.access_keys(USER).await.expect("keys");
        assert_eq!(keys.len(), 1, "one key, created once");
        let policies = state.store.user_policies(USER).await.expect("policies");
        assert_eq!(policies.len(), 1);

        let addr: SocketAddr = "127.0.0.1:7878".parse().expect("addr");
        let token = demo.token.clone().expect("a token");
        let caller = state
            .keys
            .verify_any_token(&token, epoch_now())
            .expect("a valid token");
        assert_eq!(caller.access_key_id, keys[0].id, "the demo user's key");
        assert!(
            state.keys.verify_token(&token, epoch_now()).is_err(),
            "not a root token"
        );
        let text = banner(&state, addr, &demo);
        assert!(
            text.contains(&format!("http://{addr}/#/signin?token={token}")),
            "{text}"
        );
        let mut tls = (*state.config).clone();
        tls.tls = true;
        assert!(sign_in_link(&tls, addr, &token).starts_with("https://127.0.0.1:7878/#/signin?"));

        state
            .store
            .revoke_access_key(&keys[0].id)
            .await
            .expect("revoke");
        let again = prepare(&state).await.expect("restart");
        assert!(!again.seeded);
        assert_eq!(again.token, None, "no token of a revoked key");
        assert!(!banner(&state, addr, &again).contains("token="));
    }
}
