//! Generic-format packages: publishing, listing, downloading and copying them with the `aws`
//! CLI, seeding many versions at once with boto3, and snapshots of a whole domain (for
//! "nothing was written" checks).

use crate::aws::{Aws, Cli};
use crate::server::ServerFixture;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates `domain` and its repositories, each `(name, upstreams in priority order)`, with the
/// CLI.
pub fn create_domain(aws: &Aws, domain: &str, repositories: &[(&str, &[&str])]) {
    aws.cli("create-domain").args(["--domain", domain]).ok();
    for (name, upstreams) in repositories {
        let mut cli = aws
            .cli("create-repository")
            .args(["--domain", domain, "--repository", name]);
        if !upstreams.is_empty() {
            cli = cli.arg("--upstreams").args(
                upstreams
                    .iter()
                    .map(|u| format!("repositoryName={u}"))
                    .collect::<Vec<_>>(),
            );
        }
        cli.ok();
    }
}

/// A version as ListPackageVersions shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    /// The revision.
    pub revision: String,
    /// The status (`Published`, `Unlisted`, ...).
    pub status: String,
}

/// One generic package (domain, namespace, name) that the tests publish and copy.
#[derive(Debug, Clone)]
pub struct GenericPackage {
    /// The domain.
    pub domain: String,
    /// The namespace (required for generic).
    pub namespace: String,
    /// The package name.
    pub package: String,
}

impl GenericPackage {
    /// The package `namespace/package` in `domain`.
    pub fn new(domain: &str, namespace: &str, package: &str) -> Self {
        GenericPackage {
            domain: domain.into(),
            namespace: namespace.into(),
            package: package.into(),
        }
    }

    /// `--domain D --format generic --namespace N --package P`.
    pub fn args(&self) -> Vec<String> {
        [
            "--domain",
            &self.domain,
            "--format",
            "generic",
            "--namespace",
            &self.namespace,
            "--package",
            &self.package,
        ]
        .map(String::from)
        .to_vec()
    }

    /// `aws codeartifact publish-package-version` of one asset; `unfinished` leaves the
    /// version open for more assets. Returns the CLI's JSON.
    pub fn publish(
        &self,
        fx: &ServerFixture,
        repo: &str,
        version: &str,
        asset: &str,
        content: &[u8],
        unfinished: bool,
    ) -> Value {
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let file = fx.scratch_dir().join(format!(
            "asset-{}.bin",
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&file, content).expect("the asset file");
        let aws = fx.aws();
        let mut cli = aws
            .cli("publish-package-version")
            .args(["--repository", repo])
            .args(self.args())
            .args(["--package-version", version, "--asset-name", asset])
            .arg("--asset-content")
            .arg(file.to_string_lossy())
            .args(["--asset-sha256", &sha256_hex(content)]);
        if unfinished {
            cli = cli.arg("--unfinished");
        }
        cli.ok()
    }

    /// The package's versions in `repo` (every page), or the CLI's failure.
    pub fn try_versions(
        &self,
        aws: &Aws,
        repo: &str,
    ) -> Result<BTreeMap<String, Listed>, crate::CliOutput> {
        let out = aws
            .cli("list-package-versions")
            .args(["--repository", repo])
            .args(self.args())
            .run();
        if out.code != 0 {
            return Err(out);
        }
        let versions = out.json["versions"].as_array().expect("a versions list");
        let listed: BTreeMap<String, Listed> = versions
            .iter()
            .map(|v| {
                let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
                (
                    text("version"),
                    Listed {
                        revision: text("revision"),
                        status: text("status"),
                    },
                )
            })
            .collect();
        assert_eq!(
            listed.len(),
            versions.len(),
            "a version listed twice: {versions:?}"
        );
        Ok(listed)
    }

    /// The package's versions in `repo`, which must hold the package.
    pub fn versions(&self, aws: &Aws, repo: &str) -> BTreeMap<String, Listed> {
        self.try_versions(aws, repo)
            .unwrap_or_else(|out| panic!("list-package-versions in {repo}: {}", out.stderr))
    }

    /// `list-package-version-assets` output for one version (must succeed).
    pub fn assets(&self, aws: &Aws, repo: &str, version: &str) -> Value {
        aws.cli("list-package-version-assets")
            .args(["--repository", repo])
            .args(self.args())
            .args(["--package-version", version])
            .ok()
    }

    /// Downloads one asset with `get-package-version-asset`: the bytes and the CLI's JSON
    /// (assetName, packageVersion, packageVersionRevision).
    pub fn download(
        &self,
        fx: &ServerFixture,
        repo: &str,
        version: &str,
        asset: &str,
    ) -> (Vec<u8>, Value) {
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let file = fx.scratch_dir().join(format!(
            "download-{}.bin",
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        let aws = fx.aws();
        let out = aws
            .cli("get-package-version-asset")
            .args(["--repository", repo])
            .args(self.args())
            .args(["--package-version", version, "--asset", asset])
            .arg(file.to_string_lossy())
            .ok();
        (std::fs::read(&file).expect("the downloaded asset"), out)
    }

    /// `copy-package-versions` from `source` to `destination`; add `--versions` etc. and run.
    pub fn copy<'a>(&self, aws: &'a Aws, source: &str, destination: &str) -> Cli<'a> {
        aws.cli("copy-package-versions")
            .args(["--source-repository", source])
            .args(["--destination-repository", destination])
            .args(self.args())
    }
}

/// Publishes many generic versions at once from one boto3 process with a thread pool.
/// Each entry of `versions` is `{"repository", "namespace", "package", "version", "assets":
/// [[name, text], ...]}`; the assets of a version go up in order, all but the last with
/// `unfinished`, so the version ends Published.
pub fn seed_versions(aws: &Aws, domain: &str, versions: Value) {
    seed(aws, domain, None, versions);
}

/// Like [`create_domain`] followed by [`seed_versions`], in one boto3 process (much faster
/// than one CLI process per call).
pub fn seed_domain(aws: &Aws, domain: &str, repositories: &[(&str, &[&str])], versions: Value) {
    let repositories: Vec<Value> = repositories
        .iter()
        .map(|(name, upstreams)| json!([name, upstreams]))
        .collect();
    seed(aws, domain, Some(repositories), versions);
}

fn seed(aws: &Aws, domain: &str, repositories: Option<Vec<Value>>, versions: Value) {
    aws.boto3(
        r#"
d = ARGS["domain"]
if ARGS["repositories"] is not None:
    c = client()
    c.create_domain(domain=d)
    for name, upstreams in ARGS["repositories"]:
        c.create_repository(domain=d, repository=name,
                            upstreams=[{"repositoryName": u} for u in upstreams])
def publish(v):
    c = client()
    for i, (name, text) in enumerate(v["assets"]):
        body = text.encode()
        c.publish_package_version(
            domain=d, repository=v["repository"], format="generic",
            namespace=v["namespace"], package=v["package"], packageVersion=v["version"],
            assetContent=body, assetName=name, assetSHA256=sha256(body),
            unfinished=i + 1 < len(v["assets"]))
with ThreadPoolExecutor(8) as pool:
    list(pool.map(publish, ARGS["versions"]))
"#,
        &json!({"domain": domain, "repositories": repositories, "versions": versions}),
    );
}

/// Everything a domain holds, read with boto3 paginators: repository → package key
/// (`format/namespace/name`) → version → `{revision, status, assets: [{name, size, hashes}]}`,
/// and each repository's description (upstreams). Equal snapshots mean nothing was written.
pub fn domain_state(aws: &Aws, domain: &str) -> Value {
    aws.boto3(
        r#"
c = client()
d = ARGS["domain"]
def everything(op, key, **kw):
    return c.get_paginator(op).paginate(**kw).build_full_result()[key]
state = {}
for r in sorted(x["name"] for x in everything("list_repositories_in_domain", "repositories", domain=d)):
    packages = {}
    for p in everything("list_packages", "packages", domain=d, repository=r):
        kw = dict(domain=d, repository=r, format=p["format"], package=p["package"])
        if p.get("namespace"):
            kw["namespace"] = p["namespace"]
        versions = {}
        for v in everything("list_package_versions", "versions", **kw):
            assets = everything("list_package_version_assets", "assets",
                                packageVersion=v["version"], **kw)
            versions[v["version"]] = {"revision": v.get("revision"), "status": v["status"],
                                      "assets": sorted(assets, key=lambda a: a["name"])}
        packages["%s/%s/%s" % (p["format"], p.get("namespace", ""), p["package"])] = versions
    upstreams = c.describe_repository(domain=d, repository=r)["repository"].get("upstreams", [])
    state[r] = {"upstreams": upstreams, "packages": packages}
emit(state)
"#,
        &json!({ "domain": domain }),
    )
}
