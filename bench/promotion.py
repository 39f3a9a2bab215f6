"""Release promotion against CopyPackageVersions (run by scripts/bench-promotion).

Starts a release `wharf` on loopback with a fresh data directory and publishes 200 npm packages
of 5 versions each (1,000 versions; package k depends on package k-1 with `^1.0.0`, so the
promotion's dependency closure has work to do) through npm's HTTP API. Then, for every round, into
two fresh destination repositories:
  * one promotion of all 1,000 versions (`POST /wharf/v1/promotions`, packages listed), and
  * the same 1,000 versions with 200 CopyPackageVersions calls, one per package, one after another.
Both go out as raw HTTP requests signed with SigV4 by botocore's signer over one keep-alive
connection (urllib3), so client overhead is the same for both and small. Rounds alternate which
goes first. Prints p50/p95 over the rounds and the ratio, as a Markdown table.

`--rounds N` (default 9); `--postgres` runs the same with the metadata on a throwaway PostgreSQL
cluster (scripts/pg-throwaway).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import REGION, Wharf, npm_put, token  # noqa: E402

DOMAIN = "bench"
PACKAGES = 200
VERSIONS = [f"1.0.{i}" for i in range(5)]


def name(k):
    return f"@rel/pkg-{k:03d}" if k % 5 == 0 else f"pkg-{k:03d}"


def selection(k):
    n = name(k)
    if n.startswith("@"):
        ns, bare = n[1:].split("/")
        return {"format": "npm", "namespace": ns, "package": bare}
    return {"format": "npm", "package": n}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Signed:
    """Raw signed requests to the service over one keep-alive connection."""

    def __init__(self, w):
        self.endpoint = w.endpoint
        self.creds = Credentials(w.access_key, w.secret)
        self.pool = urllib3.PoolManager(maxsize=1)

    def call(self, method, path, query=None, body=None):
        url = self.endpoint + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else b""
        req = AWSRequest(method=method, url=url, data=data,
                         headers={"Content-Type": "application/json"} if data else {})
        SigV4Auth(self.creds, "codeartifact", REGION).add_auth(req)
        r = self.pool.request(method, url, body=data or None, headers=dict(req.headers.items()))
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: {r.status} {r.data[:300]!r}")
        return json.loads(r.data)


def publish(w):
    tok = token(w, DOMAIN)
    jobs = [(k, v) for k in range(PACKAGES) for v in VERSIONS]

    def one(job):
        k, v = job
        deps = {name(k - 1): "^1.0.0"} if k else {}
        npm_put(w, "staging", name(k), v, deps, tok=tok, domain=DOMAIN)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, jobs))


def promote(api, dest):
    body = {"domain": DOMAIN, "sourceRepository": "staging", "destinationRepository": dest,
            "packages": [{**selection(k), "versions": VERSIONS} for k in range(PACKAGES)]}
    t = time.perf_counter()
    out = api.call("POST", "/wharf/v1/promotions", body=body)
    elapsed = time.perf_counter() - t
    assert out["status"] == "APPLIED" and out["summary"]["copied"] == PACKAGES * len(VERSIONS), out["summary"]
    return elapsed


def copy_all(api, dest):
    t = time.perf_counter()
    for k in range(PACKAGES):
        query = {"domain": DOMAIN, "source-repository": "staging", "destination-repository": dest,
                 **selection(k)}
        out = api.call("POST", "/v1/package/versions/copy", query=query, body={"versions": VERSIONS})
        assert not out["failedVersions"] and len(out["successfulVersions"]) == len(VERSIONS), out
    return time.perf_counter() - t


def count_versions(c, repo):
    n = 0
    for page in c.get_paginator("list_packages").paginate(domain=DOMAIN, repository=repo):
        for p in page["packages"]:
            kw = dict(namespace=p["namespace"]) if p.get("namespace") else {}
            n += len(c.list_package_versions(domain=DOMAIN, repository=repo, format="npm",
                                             package=p["package"], **kw)["versions"])
    return n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--postgres", action="store_true")
    opts = parser.parse_args()
    repo_root = Path(__file__).resolve().parents[1]
    os.environ.setdefault("WHARF_BIN", str(repo_root / "target" / "release" / "wharf"))
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-"))
    database_url, extra = None, []
    if opts.postgres:
        pg_dir = tempfile.mkdtemp(prefix="wharf-bench-pg-")
        database_url = subprocess.run([str(repo_root / "scripts/pg-throwaway"), "start", pg_dir],
                                      check=True, capture_output=True, text=True).stdout.strip()
        extra = ["--database-url", database_url]
    w = Wharf(root / "data", extra)
    try:
        c = w.client()
        c.create_domain(domain=DOMAIN)
        c.create_repository(domain=DOMAIN, repository="staging")
        publish(w)
        api = Signed(w)
        promotion, copies = [], []
        for r in range(opts.rounds):
            for repo in (f"p-{r}", f"c-{r}"):
                c.create_repository(domain=DOMAIN, repository=repo)
            order = [("p", promote), ("c", copy_all)]
            for kind, run in order if r % 2 == 0 else reversed(order):
                (promotion if kind == "p" else copies).append(run(api, f"{kind}-{r}"))
        assert count_versions(c, "p-0") == count_versions(c, "c-0") == PACKAGES * len(VERSIONS)
        total = PACKAGES * len(VERSIONS)
        p50, p95 = pct(promotion, 50) * 1000, pct(promotion, 95) * 1000
        c50, c95 = pct(copies, 50) * 1000, pct(copies, 95) * 1000
        load = os.getloadavg()[0]
        storage = "PostgreSQL (throwaway cluster, fsync off)" if opts.postgres else "SQLite (embedded)"
        print(f"Release promotion vs CopyPackageVersions: {total:,} npm versions over {PACKAGES} packages, "
              f"{opts.rounds} rounds, metadata on {storage}.")
        print(f"Measured {date.today().isoformat()} on {platform.system()} {platform.machine()}, "
              f"{os.cpu_count()} CPUs, load average {load:.1f}; raw SigV4-signed HTTP (botocore's signer, "
              f"urllib3, one keep-alive connection).\n")
        print("| what | requests | p50 | p95 | versions/s at p50 |\n|---|---|---|---|---|")
        print(f"| one promotion (`POST /wharf/v1/promotions`) | 1 | {p50:.0f} ms | {p95:.0f} ms | "
              f"{total / (p50 / 1000):,.0f} |")
        print(f"| CopyPackageVersions, one call per package | {PACKAGES} | {c50:.0f} ms | {c95:.0f} ms | "
              f"{total / (c50 / 1000):,.0f} |")
        print(f"\nRatio (200 copies / one promotion) at p50: {c50 / p50:.2f}×; mean of per-round ratios: "
              f"{statistics.mean(cp / pr for cp, pr in zip(copies, promotion)):.2f}×.")
    finally:
        w.kill9()
        if database_url:
            subprocess.run([str(repo_root / "scripts/pg-throwaway"), "stop", pg_dir], check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
