"""Writes with 1, 2 and 4 `wharf serve` processes on one PostgreSQL (run by scripts/bench-scale).

A throwaway PostgreSQL cluster (scripts/pg-throwaway, fsync off) and one blob directory are
shared by every process, which all use the same root keys. The load is PublishPackageVersion
(a new version of 5 bytes each time, bearer token) from wrk, 16 connections in all, split
evenly over the processes, for SECONDS each:
  * disjoint: each request goes to one of 64 packages in turn (writes rarely meet on a package),
  * overlapping: every request goes to the same package (writes to it are serial by design).
Each process count gets a fresh database.

Every cell is run twice: with the Wharf processes free to use the whole machine, and with each
Wharf process capped at CPU_CAP of a CPU (a cgroup of its own: cgroup v2 `cpu.max`, or v1
`cpu.cfs_quota_us`), while PostgreSQL and wrk stay uncapped. On a machine whose few cores
PostgreSQL, wrk and Wharf share, adding processes adds contention, not capacity; the cap gives
each process a budget of its own, as one node would have, so the capped rows show whether the
software scales with processes (as long as PostgreSQL and wrk keep spare CPU, which the CPU
table shows). `--cpu-cap X` sets the cap (default 0.25), `--cpu-cap 0` skips the capped rows.

Each cell's CPU use is measured too (from /proc: Wharf processes, PostgreSQL's postmaster and
backends, and wrk), in CPUs (CPU seconds per second), so one can see what bounds it.
`--baseline-bin PATH` runs the same load against another build (e.g. one with the
deployment-wide write lock) in the same run. Prints markdown tables; appends nothing.
"""

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf  # noqa: E402

QUICK = "--quick" in sys.argv
SECONDS = 5 if QUICK else 12
ROOT = Path(__file__).resolve().parents[1]
BODY = b"hello"
SHA = hashlib.sha256(BODY).hexdigest()
TICK = os.sysconf("SC_CLK_TCK")
CONNECTIONS = 16


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


CPU_CAP = float(arg("--cpu-cap", "0.25"))

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


# ---- CPU accounting from /proc ----

def proc_stat(pid):
    """(ppid, own CPU ticks, reaped children's CPU ticks) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # After the command: state, ppid, ... utime (14th field of the line), stime, cutime, cstime.
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def postgres_ticks(postmaster):
    """CPU ticks of the postmaster, its backends, and the backends it reaped."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = proc_stat(int(entry))
        if st is None:
            continue
        if int(entry) == postmaster:
            total += st[1] + st[2]
        elif st[0] == postmaster:
            total += st[1]
    return total


def wharf_ticks(pids):
    return sum((proc_stat(p) or (0, 0, 0))[1] for p in pids)


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# ---- CPU caps: one cgroup per Wharf process ----

class CpuCap:
    """A cgroup that holds one process to `cpus` of a CPU (v2 `cpu.max`, else v1 CFS quota)."""

    PERIOD_US = 20_000

    def __init__(self, name, cpus):
        quota = max(1000, int(cpus * self.PERIOD_US))
        v2 = Path("/sys/fs/cgroup")
        enabled = v2 / "cgroup.subtree_control"  # cgroup v2 with the cpu controller for children
        if enabled.exists() and "cpu" in enabled.read_text().split():
            self.dir = v2 / name
            self.dir.mkdir()
            (self.dir / "cpu.max").write_text(f"{quota} {self.PERIOD_US}")
        else:
            self.dir = Path("/sys/fs/cgroup/cpu") / name
            self.dir.mkdir()
            (self.dir / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
            (self.dir / "cpu.cfs_quota_us").write_text(str(quota))

    def add(self, pid):
        # Every thread of the process moves with it, and threads it starts later stay in it.
        (self.dir / "cgroup.procs").write_text(str(pid))

    def remove(self):
        for _ in range(50):
            try:
                self.dir.rmdir()
                return
            except OSError:
                time.sleep(0.1)  # the killed process leaves the cgroup when it is reaped


def cap_supported():
    """Why per-process CPU caps cannot be set here, or None when they can."""
    try:
        probe = CpuCap(f"wharf-bench-probe-{os.getpid()}", 0.5)
        probe.remove()
        return None
    except OSError as e:
        return f"no writable cgroup cpu controller ({e})"


# ---- the load ----

def run_load(endpoints, token, spread, tag, workdir):
    lua = workdir / "publish.lua"
    lua.write_text(WRK_LUA)
    per = max(1, CONNECTIONS // len(endpoints))
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


def measure(binary, n, spread, tag, cap):
    """Requests/s, problems, and CPUs used by (Wharf, PostgreSQL, wrk) in one cell."""
    pg_dir = tempfile.mkdtemp(prefix="wharf-bench-pg-")
    url = subprocess.run([str(ROOT / "scripts/pg-throwaway"), "start", pg_dir], check=True,
                         capture_output=True, text=True).stdout.strip()
    postmaster = int((Path(pg_dir) / "data" / "postmaster.pid").read_text().split()[0])
    work = Path(tempfile.mkdtemp(prefix="wharf-bench-scale-"))
    os.environ["WHARF_BIN"] = binary
    procs, groups = [], []
    try:
        blobs = work / "blobs"
        blobs.mkdir()
        args = ["--database-url", url, "--blob-store", f"file://{blobs}"]
        first = Wharf(work / "d0", args)
        procs.append(first)
        for i in range(1, n):
            procs.append(Wharf(work / f"d{i}", args, keys=(first.access_key, first.secret)))
        if cap:
            for i, w in enumerate(procs):
                g = CpuCap(f"wharf-bench-{os.getpid()}-{i}", cap)
                groups.append(g)
                g.add(w.proc.pid)
        c = first.client()
        c.create_domain(domain="bench")
        c.create_repository(domain="bench", repository="repo")
        token = c.get_authorization_token(domain="bench")["authorizationToken"]
        pids = [w.proc.pid for w in procs]
        before = (time.monotonic(), wharf_ticks(pids), postgres_ticks(postmaster), children_cpu_seconds())
        rps, bad = run_load([w.endpoint for w in procs], token, spread, tag, work)
        wall = time.monotonic() - before[0]
        cpus = ((wharf_ticks(pids) - before[1]) / TICK / wall,
                (postgres_ticks(postmaster) - before[2]) / TICK / wall,
                (children_cpu_seconds() - before[3]) / wall)
        return rps, bad, cpus
    finally:
        for w in procs:
            w.kill9()
        for g in groups:
            g.remove()
        subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", pg_dir], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def main():
    binaries = [("per-package locks", os.environ.get("WHARF_BIN", str(ROOT / "target/release/wharf")))]
    if "--baseline-bin" in sys.argv:
        binaries.append(("deployment-wide lock (baseline)", arg("--baseline-bin", None)))
    caps = [None]
    why_not = None
    if CPU_CAP > 0:
        why_not = cap_supported()
        if why_not is None:
            caps.append(CPU_CAP)
    cpu_count = os.cpu_count()
    print(f"PublishPackageVersion on PostgreSQL (throwaway, fsync off), wrk {CONNECTIONS} connections in all, "
          f"{SECONDS} s each; {cpu_count} CPUs, load average {os.getloadavg()[0]:.1f} at the start.")
    if why_not:
        print(f"\nNo capped rows: {why_not}.")
    print("\n| build | Wharf CPU cap | packages | 1 process | 2 processes | 4 processes | 2/1 | 4/1 |\n"
          "|---|---|---|---|---|---|---|---|")
    usage = []
    for label, binary in binaries:
        for cap in caps:
            cap_text = "none" if cap is None else f"{cap:g} CPU per process"
            for kind, spread in [("disjoint (64)", 64), ("overlapping (1)", 1)]:
                rps = {}
                for n in (1, 2, 4):
                    rps[n], bad, cpus = measure(binary, n, spread, f"{n}{spread}", cap)
                    usage.append((label, cap_text, kind, n, rps[n], cpus))
                    if bad:
                        print(f"<!-- {label} {cap_text} {kind} {n}: {'; '.join(bad)} -->")
                print(f"| {label} | {cap_text} | {kind} | {rps[1]:,.0f}/s | {rps[2]:,.0f}/s | {rps[4]:,.0f}/s | "
                      f"{rps[2] / rps[1]:.2f}× | {rps[4] / rps[1]:.2f}× |")
    print(f"\nCPU used during each cell, in CPUs (CPU seconds per second; the machine has {cpu_count}; "
          "\"rest\" is what the bench did not use: idle, or taken by other processes on the machine):\n")
    print("| build | Wharf CPU cap | packages | processes | requests/s | Wharf | PostgreSQL | wrk | rest |\n"
          "|---|---|---|---|---|---|---|---|---|")
    for label, cap_text, kind, n, rps, (w, pg, wrk) in usage:
        rest = max(0.0, cpu_count - w - pg - wrk)
        print(f"| {label} | {cap_text} | {kind} | {n} | {rps:,.0f}/s | {w:.2f} | {pg:.2f} | {wrk:.2f} | {rest:.2f} |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
