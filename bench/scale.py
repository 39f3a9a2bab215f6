"""Writes with 1, 2 and 4 `wharf serve` processes on one PostgreSQL (run by scripts/bench-scale).

A throwaway PostgreSQL cluster (scripts/pg-throwaway, fsync off) and one blob directory are
shared by every process, which all use the same root keys. The load is PublishPackageVersion
(a new version of 5 bytes each time, bearer token) from wrk, 16 connections in all, split
evenly over the processes, for SECONDS each:
  * disjoint: each request goes to one of 64 packages in turn (writes rarely meet on a package),
  * overlapping: every request goes to the same package (writes to it are serial by design).
Each process count gets a fresh database. `--baseline-bin PATH` runs the same load against
another build (e.g. one with the deployment-wide write lock) in the same run.
Prints a markdown table; appends nothing.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf  # noqa: E402

QUICK = "--quick" in sys.argv
SECONDS = 5 if QUICK else 12
ROOT = Path(__file__).resolve().parents[1]
BODY = b"hello"
SHA = hashlib.sha256(BODY).hexdigest()

WRK_LUA = r"""
local token = os.getenv("WHARF_TOKEN")
local spread = tonumber(os.getenv("BENCH_SPREAD"))
local tag = os.getenv("BENCH_TAG")
local sha = os.getenv("BENCH_SHA")
local n = 0
local id = 0
function setup(thread)
  id = id + 1
  thread:set("tid", id)
end
request = function()
  n = n + 1
  local pkg = "p" .. (n % spread)
  local path = "/v1/package/version/publish?domain=bench&repository=repo&format=generic&namespace=ns&package="
    .. pkg .. "&version=" .. tag .. "." .. tid .. "." .. n .. "." .. math.random(1, 1000000000) .. "&asset=a.bin"
  local h = { ["Authorization"] = "Bearer " .. token, ["x-amz-content-sha256"] = sha,
              ["Content-Type"] = "application/octet-stream" }
  return wrk.format("POST", path, h, "hello")
end
"""


def run_load(endpoints, token, spread, tag, workdir):
    lua = workdir / "publish.lua"
    lua.write_text(WRK_LUA)
    per = max(1, 16 // len(endpoints))
    procs = [subprocess.Popen(["wrk", "-t", "1", "-c", str(per), "-d", f"{SECONDS}s", "-s", str(lua), e],
                              stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, WHARF_TOKEN=token, BENCH_SPREAD=str(spread),
                                       BENCH_TAG=f"{tag}{i}", BENCH_SHA=SHA))
             for i, e in enumerate(endpoints)]
    total, bad = 0.0, []
    for p in procs:
        out, _ = p.communicate()
        lines = out.splitlines()
        total += float(next(l for l in lines if l.startswith("Requests/sec")).split()[1])
        bad += [l.strip() for l in lines if "Non-2xx" in l or "Socket errors" in l]
    return total, bad


def measure(binary, n, spread, tag):
    pg_dir = tempfile.mkdtemp(prefix="wharf-bench-pg-")
    url = subprocess.run([str(ROOT / "scripts/pg-throwaway"), "start", pg_dir], check=True,
                         capture_output=True, text=True).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="wharf-bench-scale-"))
    os.environ["WHARF_BIN"] = binary
    procs = []
    try:
        blobs = work / "blobs"
        blobs.mkdir()
        args = ["--database-url", url, "--blob-store", f"file://{blobs}"]
        first = Wharf(work / "d0", args)
        procs.append(first)
        for i in range(1, n):
            procs.append(Wharf(work / f"d{i}", args, keys=(first.access_key, first.secret)))
        c = first.client()
        c.create_domain(domain="bench")
        c.create_repository(domain="bench", repository="repo")
        token = c.get_authorization_token(domain="bench")["authorizationToken"]
        return run_load([w.endpoint for w in procs], token, spread, tag, work)
    finally:
        for w in procs:
            w.kill9()
        subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", pg_dir], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def main():
    binaries = [("per-package locks", os.environ.get("WHARF_BIN", str(ROOT / "target/release/wharf")))]
    if "--baseline-bin" in sys.argv:
        binaries.append(("deployment-wide lock (baseline)", sys.argv[sys.argv.index("--baseline-bin") + 1]))
    print(f"PublishPackageVersion on PostgreSQL (throwaway, fsync off), wrk 16 connections in all, {SECONDS} s each; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start.\n")
    print("| build | packages | 1 process | 2 processes | 4 processes | 2/1 | 4/1 |\n|---|---|---|---|---|---|---|")
    for label, binary in binaries:
        for kind, spread in [("disjoint (64)", 64), ("overlapping (1)", 1)]:
            rps = {}
            for n in (1, 2, 4):
                rps[n], bad = measure(binary, n, spread, f"{n}{spread}")
                if bad:
                    print(f"<!-- {label} {kind} {n}: {'; '.join(bad)} -->")
            print(f"| {label} | {kind} | {rps[1]:,.0f}/s | {rps[2]:,.0f}/s | {rps[4]:,.0f}/s | "
                  f"{rps[2] / rps[1]:.2f}× | {rps[4] / rps[1]:.2f}× |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
