"""Benchmarks of the service, printed as tables (run by scripts/bench-server).

Starts a release `wharf` on loopback with a fresh data directory and measures, with boto3 as the
client (its overhead is included in every latency):
  * CopyPackageVersions of 1, 10 and 100 versions of 5 small assets each (p50, p99),
  * the same with a 100 MB asset in each version (copy cost must not grow with asset size),
  * a ListPackageVersions page of 1000 from a package of 100,000 versions,
  * requests per second of a mixed read/copy load from wrk with 16 connections,
  * a small list's p50/p99 alone and while 64 MiB assets are published beside it (hashing and
    writing large bodies must not stall small requests).

`--quick` leaves out the boto3 copy rows and the 100 MB assets (the raw copy with its floor,
the lists, the mixed load and the lists during publishes remain).

`--postgres` runs the same on a throwaway PostgreSQL cluster (scripts/pg-throwaway) instead of the
embedded SQLite database; assets stay on local files either way.

`--audit MODE` starts the service with `--audit MODE` (`off`, `writes` — the default — or `all`),
to tell the audit trail's cost apart from the rest.
"""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf  # noqa: E402

ARGS = dict(domain="bench", format="generic", namespace="ns")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def publish_versions(w, repo, package, versions, big=None):
    def one(v):
        c = w.client()
        for i in range(5):
            body = (big if (big and i == 0) else f"{package}/{v}/{i}".encode() * 20)
            c.publish_package_version(repository=repo, package=package, packageVersion=v, assetContent=body,
                                      assetName=f"f{i}.bin", assetSHA256=hashlib.sha256(body).hexdigest(),
                                      unfinished=i < 4, **ARGS)
    with ThreadPoolExecutor(4 if big else 8) as pool:
        list(pool.map(one, versions))


def copy_latency(w, package, n, runs):
    c = w.client()
    versions = [f"1.0.{i}" for i in range(n)]
    times = []
    for r in range(runs):
        dest = f"d-{package}-{n}-{r}"
        c.create_repository(domain="bench", repository=dest)
        t = time.perf_counter()
        out = c.copy_package_versions(sourceRepository="src", destinationRepository=dest, package=package, versions=versions, **ARGS)
        times.append((time.perf_counter() - t) * 1000)
        assert len(out["successfulVersions"]) == n, out["failedVersions"]
    return pct(times, 50), pct(times, 99)


def raw_copy_vs_floor(w, runs=15):
    """CopyPackageVersions of 100 versions × 5 assets as raw HTTP (bearer token, one kept-alive
    connection): client p50 and the server's own p50 (Server-Timing). On SQLite, the floor: Python's
    sqlite3 inserting the same rows (a package, 100 versions, 500 assets) in one transaction into a
    copy of the database with the same settings (WAL, synchronous=FULL), p50 over as many runs."""
    import http.client
    import urllib.parse
    c = w.client()
    token = c.get_authorization_token(domain="bench")["authorizationToken"]
    versions = [f"1.0.{i}" for i in range(100)]
    u = urllib.parse.urlsplit(w.endpoint)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    client, server = [], []
    for r in range(runs):
        dest = f"raw-{r}"
        c.create_repository(domain="bench", repository=dest)
        q = urllib.parse.urlencode(dict(domain="bench", format="generic", namespace="ns", package="small",
                                        **{"source-repository": "src", "destination-repository": dest}))
        body = json.dumps({"versions": versions})
        t = time.perf_counter()
        conn.request("POST", f"/v1/package/versions/copy?{q}", body=body,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        resp = conn.getresponse()
        out = json.loads(resp.read())
        client.append((time.perf_counter() - t) * 1000)
        assert resp.status == 200 and len(out["successfulVersions"]) == 100, out
        server.append(float(resp.getheader("server-timing").split("dur=")[1]))
    conn.close()
    floor = None
    db_path = w.data_dir / "wharf.db"
    if db_path.exists():
        work = Path(tempfile.mkdtemp(prefix="wharf-floor-"))
        try:
            src = sqlite3.connect(db_path)
            db = sqlite3.connect(work / "floor.db", isolation_level=None)
            src.backup(db)
            src.close()
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            pkg = db.execute("SELECT * FROM packages WHERE name = 'small' LIMIT 1")
            pcols = [d[0] for d in pkg.description]
            prow = dict(zip(pcols, pkg.fetchone()))
            marks = ",".join("?" * len(versions))
            vcur = db.execute(f"SELECT * FROM package_versions WHERE package_id = ? AND version IN ({marks})",
                              [prow["id"], *versions])
            vcols = [d[0] for d in vcur.description]
            vrows = [dict(zip(vcols, r)) for r in vcur.fetchall()]
            acur = db.execute(f"SELECT * FROM assets WHERE version_id IN ({','.join('?' * len(vrows))})",
                              [v["id"] for v in vrows])
            acols = [d[0] for d in acur.description]
            arows = [dict(zip(acols, r)) for r in acur.fetchall()]
            repo_ids = [r[0] for r in db.execute("SELECT id FROM repositories")]
            floor_times = []
            for r in range(runs):
                t = time.perf_counter()
                db.execute("BEGIN")
                pc = [k for k in pcols if k not in ("id", "repository_id")]
                # one new package per run (a fresh name keeps the unique index happy)
                new_pkg = db.execute(
                    f"INSERT INTO packages (repository_id, {', '.join(pc)}) VALUES (?{', ?' * len(pc)})",
                    [repo_ids[0], *[(f"floor-{r}" if k == "name" else prow[k]) for k in pc]]).lastrowid
                vc = [k for k in vcols if k not in ("id", "package_id")]
                ac = [k for k in acols if k not in ("id", "version_id")]
                for v in vrows:
                    vid = db.execute(
                        f"INSERT INTO package_versions (package_id, {', '.join(vc)}) VALUES (?{', ?' * len(vc)})",
                        [new_pkg, *[v[k] for k in vc]]).lastrowid
                    db.executemany(
                        f"INSERT INTO assets (version_id, {', '.join(ac)}) VALUES (?{', ?' * len(ac)})",
                        [[vid, *[a[k] for k in ac]] for a in arows if a["version_id"] == v["id"]])
                db.execute("COMMIT")
                floor_times.append((time.perf_counter() - t) * 1000)
            db.close()
            floor = pct(floor_times, 50)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return pct(client, 50), pct(server, 50), floor


def seed_100k(w, database_url=None):
    """Inserts 100,000 versions directly into the database (publishing them one by one would take minutes)."""
    w.stop()
    if database_url:
        sql = ("INSERT INTO package_versions (package_id, version, revision, status, origin_type, entry_repository, "
               "published_time, metadata) SELECT p.id, '9.' || (i / 1000) || '.' || (i % 1000), repeat('x', 44), "
               "'Published', 'INTERNAL', 'src', extract(epoch from now()) + i / 1000.0, '{}' "
               "FROM packages p, generate_series(0, 99999) AS i WHERE p.name = 'small'")
        subprocess.run(["psql", database_url, "-qc", sql], check=True)
        subprocess.run(["psql", database_url, "-qc", "ANALYZE"], check=True)
        w.start()
        return
    db = sqlite3.connect(w.data_dir / "wharf.db")
    pkg = db.execute("SELECT p.id FROM packages p WHERE p.name = 'small'").fetchone()[0]
    now = time.time()
    rows = [(pkg, f"9.{i // 1000}.{i % 1000}", "x" * 44, "Published", "INTERNAL", "src", now + i / 1000, "{}") for i in range(100_000)]
    db.executemany("INSERT INTO package_versions (package_id, version, revision, status, origin_type, entry_repository, published_time, metadata) VALUES (?,?,?,?,?,?,?,?)", rows)
    db.commit()
    db.close()
    w.start()


def server_ms(page):
    """The service's own time for a response (its `Server-Timing: app;dur=MS` header)."""
    return float(page["ResponseMetadata"]["HTTPHeaders"]["server-timing"].split("dur=")[1])


def list_latency(w, runs=30):
    """Client-side p50/p99 of the first page and of pages 2–51, and the server's own p50/p99 over all pages."""
    c = w.client()
    first, deep, server, token = [], [], [], None
    for _ in range(runs):
        t = time.perf_counter()
        page = c.list_package_versions(repository="src", package="small", maxResults=1000, **ARGS)
        first.append((time.perf_counter() - t) * 1000)
        server.append(server_ms(page))
        token = page["nextToken"]
    for _ in range(50):  # walk 50 pages deep, timing each page
        t = time.perf_counter()
        page = c.list_package_versions(repository="src", package="small", maxResults=1000, nextToken=token, **ARGS)
        deep.append((time.perf_counter() - t) * 1000)
        server.append(server_ms(page))
        token = page["nextToken"]
    return pct(first, 50), pct(first, 99), pct(deep, 50), pct(deep, 99), pct(server, 50), pct(server, 99)


WRK_LUA = r"""
local token = os.getenv("WHARF_TOKEN")
local n = 0
request = function()
  n = n + 1
  local h = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if n % 4 == 0 then
    return wrk.format("POST", "/v1/package/versions/copy?domain=bench&source-repository=src&destination-repository=mixed&format=generic&namespace=ns&package=small", h, '{"versions": ["1.0.0", "1.0.1"]}')
  end
  return wrk.format("POST", "/v1/package/versions?domain=bench&repository=src&format=generic&namespace=ns&package=small&max-results=50", h, "")
end
"""


def mixed_rps(w, seconds=15):
    token = w.client().get_authorization_token(domain="bench")["authorizationToken"]
    w.client().create_repository(domain="bench", repository="mixed")
    lua = Path(tempfile.mkdtemp()) / "mixed.lua"
    lua.write_text(WRK_LUA)
    out = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{seconds}s", "-s", str(lua), "--latency", w.endpoint],
                         capture_output=True, text=True, env=dict(os.environ, WHARF_TOKEN=token), check=True).stdout
    rps = float(next(l for l in out.splitlines() if l.startswith("Requests/sec")).split()[1])
    p50 = next(l for l in out.splitlines() if l.strip().startswith("50%")).split()[1]
    p99 = next(l for l in out.splitlines() if l.strip().startswith("99%")).split()[1]
    non2xx = [l for l in out.splitlines() if "Non-2xx" in l]
    return rps, p50, p99, non2xx


def list_during_publishes(w, seconds=8, publishers=2, size=64 * 1024 * 1024):
    """p50/p99 of a 50-row ListPackageVersions page on one kept-alive connection, first alone,
    then while `publishers` threads publish `size`-byte assets back to back (raw HTTP)."""
    import http.client
    import threading
    import urllib.parse
    c = w.client()
    token = c.get_authorization_token(domain="bench")["authorizationToken"]
    u = urllib.parse.urlsplit(w.endpoint)
    auth = {"Authorization": f"Bearer {token}"}
    list_q = urllib.parse.urlencode(dict(domain="bench", repository="src", format="generic", namespace="ns",
                                         package="small", **{"max-results": "50"}))

    def lists(stop_after):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        times, end = [], time.perf_counter() + stop_after
        while time.perf_counter() < end:
            t = time.perf_counter()
            conn.request("POST", f"/v1/package/versions?{list_q}", headers=auth)
            r = conn.getresponse()
            r.read()
            assert r.status == 200
            times.append((time.perf_counter() - t) * 1000)
        conn.close()
        return times

    alone = lists(seconds)
    body = os.urandom(size)
    sha = hashlib.sha256(body).hexdigest()
    stop, published = threading.Event(), [0]

    def publish(k):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
        i = 0
        while not stop.is_set():
            q = urllib.parse.urlencode(dict(domain="bench", repository="src", format="generic", namespace="ns",
                                            package=f"big-{k}", version=f"1.0.{i}", asset="big.bin"))
            conn.request("POST", f"/v1/package/version/publish?{q}", body=body,
                         headers={**auth, "x-amz-content-sha256": sha, "Content-Type": "application/octet-stream"})
            r = conn.getresponse()
            r.read()
            assert r.status == 200, r.status
            published[0] += 1
            i += 1
        conn.close()

    threads = [threading.Thread(target=publish, args=(k,)) for k in range(publishers)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the publishers' first bodies are on the wire
    during = lists(seconds)
    stop.set()
    for t in threads:
        t.join()
    return alone, during, published[0]


def main():
    repo_root = Path(__file__).resolve().parents[1]
    os.environ.setdefault("WHARF_BIN", str(repo_root / "target" / "release" / "wharf"))
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-"))
    database_url, extra = None, []
    if "--postgres" in sys.argv:
        pg_dir = tempfile.mkdtemp(prefix="wharf-bench-pg-")  # its own: the cluster's owner must reach it
        database_url = subprocess.run([str(repo_root / "scripts/pg-throwaway"), "start", pg_dir],
                                      check=True, capture_output=True, text=True).stdout.strip()
        extra = ["--database-url", database_url]
        print("Metadata on PostgreSQL (throwaway cluster, fsync off).\n")
    if "--audit" in sys.argv:
        mode = sys.argv[sys.argv.index("--audit") + 1]
        extra += ["--audit", mode]
        print(f"Service started with --audit {mode}.\n")
    w = Wharf(root / "data", extra)
    try:
        c = w.client()
        c.create_domain(domain="bench")
        c.create_repository(domain="bench", repository="src")
        publish_versions(w, "src", "small", [f"1.0.{i}" for i in range(100)])
        if "--quick" not in sys.argv:
            big = os.urandom(100 * 1024 * 1024)
            publish_versions(w, "src", "large", [f"1.0.{i}" for i in range(10)], big=big)
            print("| CopyPackageVersions | versions | asset sizes | p50 | p99 |\n|---|---|---|---|---|")
            for n, runs in [(1, 50), (10, 30), (100, 15)]:
                p50, p99 = copy_latency(w, "small", n, runs)
                print(f"| {runs} runs | {n} | 5 × ~100 B | {p50:.1f} ms | {p99:.1f} ms |")
            for n, runs in [(1, 30), (10, 15)]:
                p50, p99 = copy_latency(w, "large", n, runs)
                print(f"| {runs} runs | {n} | 100 MB + 4 × ~100 B | {p50:.1f} ms | {p99:.1f} ms |")
        c50, s50, floor = raw_copy_vs_floor(w)
        print("\n| CopyPackageVersions, 100 versions × 5 assets, raw HTTP, 15 runs | p50 |\n|---|---|")
        print(f"| client (bearer token, kept-alive) | {c50:.1f} ms |\n| at the server (Server-Timing) | {s50:.1f} ms |")
        if floor is not None:
            print(f"| floor: Python's sqlite3, same 601 rows, one transaction | {floor:.1f} ms |")
            print(f"\nRatio server / floor: {s50 / floor:.1f}×; client / floor: {c50 / floor:.1f}× "
                  f"({100 / (s50 / 1000):,.0f} versions/s at the server).")
        du = subprocess.run(["du", "-sm", str(w.data_dir / "blobs")], capture_output=True, text=True).stdout.split()[0]
        print(f"\nBlob store after all copies: {du} MB (10 × 100 MB published once; copies add no bytes).")
        seed_100k(w, database_url)
        f50, f99, d50, d99, s50, s99 = list_latency(w)
        print("\n| ListPackageVersions, 100,100 versions, max-results 1000 | p50 | p99 |\n|---|---|---|")
        print(f"| first page (boto3) | {f50:.1f} ms | {f99:.1f} ms |\n| pages 2–51 (boto3) | {d50:.1f} ms | {d99:.1f} ms |")
        print(f"| all 80 pages, at the server (Server-Timing) | {s50:.1f} ms | {s99:.1f} ms |")
        rps, p50, p99, non2xx = mixed_rps(w)
        print("\n| wrk, 16 connections, 15 s, 3 lists : 1 copy (bearer token) | requests/s | p50 | p99 |\n|---|---|---|---|")
        print(f"| mixed read/copy | {rps:.0f} | {p50} | {p99} |")
        if non2xx:
            print("non-2xx:", non2xx)
        alone, during, published = list_during_publishes(w)
        print("\n| ListPackageVersions, 50 rows, one kept-alive connection, 8 s | requests | p50 | p99 |\n|---|---|---|---|")
        print(f"| alone | {len(alone)} | {pct(alone, 50):.2f} ms | {pct(alone, 99):.2f} ms |")
        print(f"| while 2 clients publish 64 MiB assets back to back ({published} published) | {len(during)} | "
              f"{pct(during, 50):.2f} ms | {pct(during, 99):.2f} ms |")
    finally:
        w.kill9()
        if database_url:
            subprocess.run([str(repo_root / "scripts/pg-throwaway"), "stop", pg_dir], check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
