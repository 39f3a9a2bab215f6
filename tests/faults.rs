//! Concurrency and crashes: clients copying overlapping version sets into one destination at
//! once end as if they had run one after another; a SIGKILL in the middle of a stream of
//! copies leaves no half-copied version and no missing asset; data survives restarts.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wharf_e2e::{Aws, GenericPackage, ServerFixture, domain_state, seed_domain, sha256_hex};

const DOMAIN: &str = "my-domain";
const PKG_KEY: &str = "generic/ns/pkg";

fn version(i: usize) -> String {
    format!("1.0.{i}")
}

/// The bytes of asset `name` of version `v` (a few KB, distinct per asset).
fn content(v: &str, name: &str) -> String {
    format!("{v}/{name}/").repeat(200)
}

/// Creates the domain and repositories and publishes `n` versions of `ns/pkg` into
/// `staging`, each with assets `a.bin` and `b.bin`, with boto3.
fn seed(aws: &Aws, n: usize, repositories: &[String]) {
    let repositories: Vec<(&str, &[&str])> =
        repositories.iter().map(|r| (r.as_str(), &[][..])).collect();
    let versions: Vec<Value> = (0..n)
        .map(version)
        .map(|v| {
            json!({"repository": "staging", "namespace": "ns", "package": "pkg", "version": v,
                   "assets": [["a.bin", content(&v, "a.bin")], ["b.bin", content(&v, "b.bin")]]})
        })
        .collect();
    seed_domain(aws, DOMAIN, &repositories, json!(versions));
}

/// The versions of `ns/pkg` in `repo` from a [`domain_state`] snapshot.
fn versions_in<'a>(state: &'a Value, repo: &str) -> BTreeMap<&'a str, &'a Value> {
    state[repo]["packages"][PKG_KEY]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

const CONCURRENT_COPIES: &str = r#"
results = {}
for dest in ARGS["destinations"]:
    barrier = threading.Barrier(len(ARGS["sets"]))
    def copy(versions):
        c = client()
        barrier.wait()
        try:
            r = c.copy_package_versions(domain=ARGS["domain"], sourceRepository="staging",
                                        destinationRepository=dest, format="generic",
                                        namespace="ns", package="pkg", versions=versions)
            return {"successfulVersions": r["successfulVersions"],
                    "failedVersions": r["failedVersions"]}
        except Exception as e:
            return {"error": repr(e)}
    with ThreadPoolExecutor(len(ARGS["sets"])) as pool:
        results[dest] = list(pool.map(copy, ARGS["sets"]))
emit(results)
"#;

#[test]
fn eight_clients_copying_overlapping_sets_into_one_destination_end_as_if_serial() {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    let destinations: Vec<String> = (0..3).map(|k| format!("release-{k}")).collect();
    let repositories: Vec<String> = [vec!["staging".to_owned()], destinations.clone()].concat();
    seed(&aws, 40, &repositories);
    // Client k copies versions 4k .. 4k+11: each version is wanted by up to three clients.
    let sets: Vec<Vec<String>> = (0..8)
        .map(|k| (4 * k..4 * k + 12).map(version).collect())
        .collect();
    let wanted: BTreeSet<String> = sets.iter().flatten().cloned().collect();

    // Three rounds, one destination each, 8 threads released together by a barrier.
    let results = aws.boto3(
        CONCURRENT_COPIES,
        &json!({"domain": DOMAIN, "destinations": destinations, "sets": sets}),
    );
    let state = domain_state(&aws, DOMAIN);
    let staging = versions_in(&state, "staging");
    for dest in &destinations {
        let mut copied = Vec::new();
        for (k, r) in results[dest]
            .as_array()
            .expect("results")
            .iter()
            .enumerate()
        {
            assert_eq!(r.get("error"), None, "{dest}: client {k} failed: {r}");
            assert_eq!(r["failedVersions"], json!({}), "{dest}: client {k}: {r}");
            for (v, info) in r["successfulVersions"].as_object().expect("a map") {
                assert!(
                    sets[k].contains(v),
                    "{dest}: client {k} copied {v}, not asked for"
                );
                assert_eq!(
                    info["revision"],
                    staging[v.as_str()]["revision"],
                    "{dest} {v}"
                );
                assert_eq!(info["status"], "Published", "{dest} {v}");
                copied.push(v.clone());
            }
        }
        let distinct: BTreeSet<String> = copied.iter().cloned().collect();
        assert_eq!(
            distinct.len(),
            copied.len(),
            "{dest}: a version was copied twice"
        );
        assert_eq!(distinct, wanted, "{dest}: every wanted version copied once");
        let held = versions_in(&state, dest);
        assert_eq!(
            held.keys().map(|v| v.to_string()).collect::<BTreeSet<_>>(),
            wanted,
            "{dest}: what the destination holds"
        );
        for (v, info) in held {
            assert_eq!(
                info, staging[v],
                "{dest} {v}: revision, status and assets as in staging"
            );
        }
    }
}

/// Copies batches of three versions into each destination in turn, from four threads, and
/// prints one JSON line per acknowledged copy; a thread stops at its first error.
const COPY_STREAM: &str = r#"
lock = threading.Lock()
def stream(t):
    c = client()
    for dest in ARGS["destinations"][t::4]:
        for batch in ARGS["batches"]:
            try:
                r = c.copy_package_versions(domain=ARGS["domain"], sourceRepository="staging",
                                            destinationRepository=dest, format="generic",
                                            namespace="ns", package="pkg", versions=batch)
            except Exception as e:
                with lock:
                    print(json.dumps({"error": repr(e)}), flush=True)
                return
            with lock:
                print(json.dumps({"dest": dest, "batch": batch, "result": r["successfulVersions"],
                                  "failed": r["failedVersions"]}), flush=True)
threads = [threading.Thread(target=stream, args=(t,)) for t in range(4)]
for t in threads: t.start()
for t in threads: t.join()
"#;

/// Downloads every asset of every version of `ns/pkg` in `repositories` and reports those
/// whose bytes do not hash to the listed SHA-256.
const DOWNLOAD_ALL: &str = r#"
c = client()
bad, count = [], 0
for repo, versions in ARGS["repositories"].items():
    for v, info in versions.items():
        for a in info["assets"]:
            body = c.get_package_version_asset(domain=ARGS["domain"], repository=repo,
                                               format="generic", namespace="ns", package="pkg",
                                               packageVersion=v, asset=a["name"])["asset"].read()
            count += 1
            if sha256(body) != a["hashes"]["SHA-256"]:
                bad.append([repo, v, a["name"]])
emit({"bad": bad, "count": count})
"#;

#[test]
fn sigkill_in_the_middle_of_a_stream_of_copies_leaves_no_half_copied_version() {
    let mut fx = ServerFixture::start();
    let destinations: Vec<String> = (0..20).map(|k| format!("release-{k:02}")).collect();
    let repositories: Vec<String> = [vec!["staging".to_owned()], destinations.clone()].concat();
    seed(&fx.aws(), 60, &repositories);
    let batches: Vec<Vec<String>> = (0..20)
        .map(|b| (3 * b..3 * b + 3).map(version).collect())
        .collect();

    let mut child = fx.aws().boto3_spawn(
        COPY_STREAM,
        &json!({"domain": DOMAIN, "destinations": destinations, "batches": batches}),
        Stdio::null(),
    );
    let (tx, rx) = mpsc::channel::<Value>();
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(serde_json::from_str(&line).expect("a JSON line"));
        }
    });
    // Kill once 25 copies were acknowledged: well inside the stream of 400.
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while lines
        .iter()
        .filter(|l: &&Value| l.get("dest").is_some())
        .count()
        < 25
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => panic!("the copy stream stalled: {lines:?}"),
        }
    }
    let errors_before_kill: Vec<&Value> =
        lines.iter().filter(|l| l.get("error").is_some()).collect();
    assert!(
        errors_before_kill.is_empty(),
        "copies failed before the kill: {errors_before_kill:?}"
    );
    fx.kill9();
    let _ = child.wait();
    reader.join().expect("the reader thread");
    lines.extend(rx.try_iter());
    let acked: Vec<&Value> = lines.iter().filter(|l| l.get("dest").is_some()).collect();
    assert!(
        acked.len() < destinations.len() * batches.len(),
        "the stream ended before the kill"
    );
    for a in &acked {
        assert_eq!(a["failed"], json!({}), "{a}");
    }

    fx.start_again();
    let aws = fx.aws();
    let state = domain_state(&aws, DOMAIN);
    let staging = versions_in(&state, "staging");
    assert_eq!(staging.len(), 60, "staging lost versions");
    let mut held = BTreeMap::new();
    for dest in &destinations {
        let versions = versions_in(&state, dest);
        for (v, info) in &versions {
            let src = staging
                .get(v)
                .unwrap_or_else(|| panic!("{dest} holds unknown {v}"));
            assert_eq!(
                info, src,
                "{dest} {v}: revision, status and assets as in staging"
            );
            assert_eq!(
                info["assets"].as_array().map(Vec::len),
                Some(2),
                "{dest} {v}"
            );
        }
        for batch in &batches {
            let present = batch
                .iter()
                .filter(|v| versions.contains_key(v.as_str()))
                .count();
            assert!(
                present == 0 || present == 3,
                "{dest} holds part of {batch:?}"
            );
        }
        held.insert(dest.clone(), versions);
    }
    for a in &acked {
        let dest = a["dest"].as_str().expect("dest");
        for v in a["batch"].as_array().expect("batch") {
            let v = v.as_str().expect("a version");
            assert!(
                held[dest].contains_key(v),
                "acknowledged {dest} {v} was lost"
            );
        }
    }

    eprintln!(
        "killed after {} acknowledged copies; the destinations hold {} versions",
        acked.len(),
        held.values().map(BTreeMap::len).sum::<usize>()
    );
    // Every referenced asset is there and intact.
    let listed: BTreeMap<&String, &BTreeMap<&str, &Value>> =
        held.iter().filter(|(_, v)| !v.is_empty()).collect();
    let downloads = aws.boto3(
        DOWNLOAD_ALL,
        &json!({"domain": DOMAIN, "repositories": listed}),
    );
    assert_eq!(
        downloads["bad"],
        json!([]),
        "assets whose bytes do not match their hash"
    );
    let total: usize = held.values().map(|v| 2 * v.len()).sum();
    assert_eq!(downloads["count"], json!(total));
    // And one through the CLI, against the content that was published.
    let first = acked[0];
    let (dest, v) = (
        first["dest"].as_str().expect("dest"),
        first["batch"][0].as_str().expect("a version"),
    );
    let pkg = GenericPackage::new(DOMAIN, "ns", "pkg");
    let (bytes, _) = pkg.download(&fx, dest, v, "b.bin");
    assert_eq!(
        sha256_hex(&bytes),
        sha256_hex(content(v, "b.bin").as_bytes())
    );

    // The service carries on: the rest of a destination's batches copy normally.
    let out = pkg
        .copy(&aws, "staging", "release-19")
        .args(["--versions", r#"["1.0.57", "1.0.58", "1.0.59"]"#])
        .ok();
    assert_eq!(out["failedVersions"], json!({}), "{out}");
}

#[test]
fn published_and_copied_data_survive_a_restart_and_a_kill() {
    let mut fx = ServerFixture::start();
    let aws = fx.aws();
    wharf_e2e::create_domain(&aws, DOMAIN, &[("repo-1", &[]), ("repo-2", &[])]);
    let pkg = GenericPackage::new(DOMAIN, "ns", "pkg");
    pkg.publish(&fx, "repo-1", "1.0.0", "a.bin", b"first asset", true);
    pkg.publish(&fx, "repo-1", "1.0.0", "b.bin", b"second asset", false);
    pkg.publish(&fx, "repo-1", "2.0.0", "a.bin", b"left behind", false);
    pkg.copy(&aws, "repo-1", "repo-2")
        .args(["--versions", r#"["1.0.0"]"#])
        .ok();
    let before = domain_state(&aws, DOMAIN);

    fx.restart();
    let aws = fx.aws();
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "after a graceful restart"
    );
    let (bytes, meta) = pkg.download(&fx, "repo-2", "1.0.0", "b.bin");
    assert_eq!(bytes, b"second asset");
    assert_eq!(
        meta["packageVersionRevision"],
        before["repo-2"]["packages"][PKG_KEY]["1.0.0"]["revision"]
    );

    fx.kill9();
    fx.start_again();
    let aws = fx.aws();
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "after SIGKILL and a start"
    );
    let (bytes, _) = pkg.download(&fx, "repo-1", "2.0.0", "a.bin");
    assert_eq!(bytes, b"left behind");
}
