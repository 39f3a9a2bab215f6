"""Downloads and npm reads, Wharf against Verdaccio in the same run (run by scripts/bench-downloads).

Starts a release `wharf` and Verdaccio 6.8.0 on loopback, publishes the same npm package (30
versions, tarballs of about 10 KB) to both and one 10 KB generic asset to Wharf, then measures:
  * sequential GETs on ONE kept-alive connection (http.client): requests/s and p50/p99 of the
    10 KB asset (GetPackageVersionAsset), the npm tarball from both registries, and a
    revalidation (If-None-Match, 304). A stall on kept-alive connections (Nagle's algorithm
    against delayed ACKs: about 40 ms a request) shows here as fewer than 25 requests/s;
  * wrk with 16 connections: the tarball and the packument (30 versions) from both.
Prints markdown tables; appends nothing.
"""

import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf, publish  # noqa: E402
from npm_ci import publish_body, put, start_verdaccio  # noqa: E402

QUICK = "--quick" in sys.argv
SEQ = 300 if QUICK else 2000
WRK_SECONDS = 5 if QUICK else 15
NAME = "bench-dl"
VERSIONS = [f"1.0.{i}" for i in range(30)]


def tarball(name, version):
    """An npm tarball of about 10 KB that gzip cannot shrink (package.json and 10 KB of random bytes)."""
    import gzip
    import io
    import tarfile
    files = {"package/package.json": json.dumps({"name": name, "version": version}).encode(),
             "package/data.bin": os.urandom(10 * 1024)}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, 499162500
            t.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def sequential(url, headers, n=SEQ, expect=200):
    """n GETs on one kept-alive connection: (requests/s, p50 ms, p99 ms)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    path = u.path + ("?" + u.query if u.query else "")
    times = []
    for _ in range(20):  # warm up
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        assert r.status == expect, (url, r.status)
        assert not r.will_close, "the connection was not kept alive"
        times.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - start
    conn.close()
    return n / total, pct(times, 50), pct(times, 99)


WRK_LUA = r"""
local auth = os.getenv("BENCH_AUTH")
wrk.method = "GET"
if auth ~= nil and auth ~= "" then wrk.headers["Authorization"] = auth end
wrk.headers["Accept"] = os.getenv("BENCH_ACCEPT") or "*/*"
"""


def wrk(url, auth=None, accept="*/*"):
    lua = Path(tempfile.mkdtemp()) / "get.lua"
    lua.write_text(WRK_LUA)
    out = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{WRK_SECONDS}s", "-s", str(lua), "--latency", url],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, BENCH_AUTH=auth or "", BENCH_ACCEPT=accept)).stdout
    shutil.rmtree(lua.parent, ignore_errors=True)
    lines = out.splitlines()
    rps = float(next(l for l in lines if l.startswith("Requests/sec")).split()[1])
    p99 = next(l for l in lines if l.strip().startswith("99%")).split()[1]
    bad = [l.strip() for l in lines if "Non-2xx" in l or "Socket errors" in l]
    return rps, p99, bad


def main():
    repo_root = Path(__file__).resolve().parents[1]
    os.environ.setdefault("WHARF_BIN", str(repo_root / "target" / "release" / "wharf"))
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-dl-"))
    w = Wharf(root / "wharf-data")
    verdaccio, vurl = start_verdaccio(root / "verdaccio")
    try:
        w.ok("create-domain", "--domain", "bench")
        w.ok("create-repository", "--domain", "bench", "--repository", "npm")
        tok = w.ok("get-authorization-token", "--domain", "bench")["authorizationToken"]
        bearer = f"Bearer {tok}"
        wurl = f"{w.endpoint}/npm/bench/npm/"
        tgzs = {}
        for v in VERSIONS:
            tgzs[v] = tarball(NAME, v)
            put(wurl + NAME, publish_body(NAME, v, tgzs[v], wurl), tok)
            put(vurl + NAME, publish_body(NAME, v, tgzs[v], vurl))
        last = VERSIONS[-1]
        size = len(tgzs[last])
        asset = os.urandom(10 * 1024)
        publish(w, "npm", "blob", "1.0.0", asset, domain="bench", namespace="ns", asset="a.bin")
        q = urllib.parse.urlencode(dict(domain="bench", repository="npm", format="generic", namespace="ns",
                                        package="blob", version="1.0.0", asset="a.bin"))
        asset_url = f"{w.endpoint}/v1/package/version/asset?{q}"
        w_tgz = f"{wurl}{NAME}/-/{NAME}-{last}.tgz"
        v_tgz = f"{vurl}{NAME}/-/{NAME}-{last}.tgz"
        auth = {"Authorization": bearer}
        etag = '"' + hashlib.sha256(tgzs[last]).hexdigest() + '"'

        print(f"Downloads, Wharf (release) and Verdaccio 6.8.0 on loopback, same run; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f} at the start.\n")
        print(f"| one kept-alive connection, {SEQ} sequential GETs | requests/s | p50 | p99 |\n|---|---|---|---|")
        rows = [
            (f"Wharf GetPackageVersionAsset, {len(asset):,} B", asset_url, auth, 200),
            (f"Wharf npm tarball, {size:,} B", w_tgz, auth, 200),
            ("Wharf npm tarball, If-None-Match → 304", w_tgz, {**auth, "If-None-Match": etag}, 304),
            (f"Verdaccio npm tarball, {size:,} B", v_tgz, {}, 200),
            ("Wharf /health", f"{w.endpoint}/health", {}, 200),
        ]
        seq = {}
        for label, url, headers, expect in rows:
            rps, p50, p99 = sequential(url, headers, expect=expect)
            seq[label] = rps
            print(f"| {label} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms |")

        print(f"\n| wrk, 16 connections, {WRK_SECONDS} s | requests/s | p99 |\n|---|---|---|")
        results = {}
        for label, url, a, accept in [
            ("Wharf npm tarball", w_tgz, bearer, "*/*"),
            ("Verdaccio npm tarball", v_tgz, None, "*/*"),
            ("Wharf packument (30 versions)", wurl + NAME, bearer, "application/json"),
            ("Verdaccio packument (30 versions)", vurl + NAME, None, "application/json"),
        ]:
            rps, p99, bad = wrk(url, a, accept)
            results[label] = rps
            print(f"| {label} | {rps:,.0f} | {p99} |" + (f" {'; '.join(bad)}" if bad else ""))
        print(f"\nRatios Wharf / Verdaccio: tarball {results['Wharf npm tarball'] / results['Verdaccio npm tarball']:.1f}×, "
              f"packument {results['Wharf packument (30 versions)'] / results['Verdaccio packument (30 versions)']:.1f}×; "
              f"one connection, tarball {seq[f'Wharf npm tarball, {size:,} B'] / seq[f'Verdaccio npm tarball, {size:,} B']:.1f}×.")
        print(f"Load average at the end: {os.getloadavg()[0]:.1f}.")
    finally:
        verdaccio.kill()
        w.kill9()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
