"""The cost of the audit trail, and webhook delivery throughput (run by scripts/bench-audit).

Starts two release `wharf serve` processes on loopback in the same run, each with a fresh data
directory: one with `--audit off`, one with the default (`--audit writes`: every write and every
refusal recorded, in the write's own transaction). On each, boto3 measures CopyPackageVersions of
1, 10 and 100 versions of 5 small assets (p50, p99), and wrk a 16-connection mixed load (3 lists
: 1 copy, bearer token), in alternating rounds so that the machine's load falls on both alike.
The result is the median over rounds, and the audited one's slowdown.

Then webhook delivery: one service (audit on) with one webhook to a local receiver that answers
204 at once; 1,000 versions are copied (10 copies of 100) and the receiver's arrivals are timed
from the first copy to the last delivery. Deliveries of one webhook go in order, one at a time.

`--quick` runs one round with fewer runs; `--rounds N` runs N rounds (3 by default).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf, wharf_bin  # noqa: E402
from server import ARGS, WRK_LUA, pct, publish_versions  # noqa: E402


def setup(w):
    c = w.client()
    c.create_domain(domain="bench")
    c.create_repository(domain="bench", repository="src")
    c.create_repository(domain="bench", repository="mixed")
    publish_versions(w, "src", "small", [f"1.0.{i}" for i in range(100)])


def copy_latency(w, n, runs, tag):
    """p50 and p99 of CopyPackageVersions of `n` versions into `runs` fresh repositories (boto3)."""
    c = w.client()
    versions = [f"1.0.{i}" for i in range(n)]
    times = []
    for r in range(runs):
        dest = f"d-{tag}-{n}-{r}"
        c.create_repository(domain="bench", repository=dest)
        t = time.perf_counter()
        out = c.copy_package_versions(sourceRepository="src", destinationRepository=dest, package="small",
                                      versions=versions, **ARGS)
        times.append((time.perf_counter() - t) * 1000)
        assert len(out["successfulVersions"]) == n, out["failedVersions"]
    return pct(times, 50), pct(times, 99)


def mixed(w, seconds):
    """wrk's requests/s on the mixed load (3 ListPackageVersions : 1 CopyPackageVersions)."""
    token = w.client().get_authorization_token(domain="bench")["authorizationToken"]
    lua = Path(tempfile.mkdtemp()) / "mixed.lua"
    lua.write_text(WRK_LUA)
    out = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", f"{seconds}s", "-s", str(lua), "--latency", w.endpoint],
                         capture_output=True, text=True, env=dict(os.environ, WHARF_TOKEN=token), check=True).stdout
    shutil.rmtree(lua.parent, ignore_errors=True)
    assert not [line for line in out.splitlines() if "Non-2xx" in line], out
    return float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])


class Receiver:
    """Counts deliveries; answers 204 at once."""

    def __init__(self):
        self.count = 0
        self.done = threading.Event()
        self.want = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers["content-length"]))
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()
                receiver.count += 1
                if receiver.want is not None and receiver.count >= receiver.want:
                    receiver.done.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def delivery_throughput(root):
    w = Wharf(root / "hooks")
    r = Receiver()
    try:
        setup(w)
        made = subprocess.run([wharf_bin(), "admin", "--endpoint-url", w.endpoint, "webhook", "create", "--url", r.url],
                              capture_output=True, text=True, env=w.env, check=True)
        assert json.loads(made.stdout)["secret"].startswith("whsec_")
        c = w.client()
        versions = [f"1.0.{i}" for i in range(100)]
        for i in range(10):
            c.create_repository(domain="bench", repository=f"hooked-{i}")
        r.count, r.want = 0, 1000
        t = time.perf_counter()
        for i in range(10):
            c.copy_package_versions(sourceRepository="src", destinationRepository=f"hooked-{i}", package="small",
                                    versions=versions, **ARGS)
        committed = time.perf_counter() - t
        assert r.done.wait(600), f"only {r.count} of 1000 deliveries arrived"
        total = time.perf_counter() - t
        return committed, total
    finally:
        r.server.shutdown()
        w.kill9()


def main():
    quick = "--quick" in sys.argv
    rounds = 1 if quick else 3
    if "--rounds" in sys.argv:  # more alternating rounds, for a steadier median
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
    plan = [(1, 10 if quick else 30), (10, 5 if quick else 15), (100, 3 if quick else 8)]
    seconds = 5 if quick else 10
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-audit-"))
    services = {"off": Wharf(root / "off", ["--audit", "off"]), "writes": Wharf(root / "writes")}
    results = {mode: {"copy": {n: [] for n, _ in plan}, "rps": []} for mode in services}
    try:
        for w in services.values():
            setup(w)
        for r in range(rounds):
            for mode, w in (services.items() if r % 2 == 0 else reversed(services.items())):
                for n, runs in plan:
                    results[mode]["copy"][n].append(copy_latency(w, n, runs, f"r{r}"))
                results[mode]["rps"].append(mixed(w, seconds))
        # The audited service really recorded its copies; the other recorded nothing.
        for mode, w in services.items():
            listed = json.loads(subprocess.run(
                [wharf_bin(), "admin", "--endpoint-url", w.endpoint, "events", "--event-name", "CopyPackageVersions",
                 "--max-results", "5"], capture_output=True, text=True, env=w.env, check=True).stdout)
            events = listed["events"] if isinstance(listed, dict) else listed
            assert (len(events) > 0) == (mode == "writes"), (mode, len(events))
    finally:
        for w in services.values():
            w.kill9()

    def median(xs):
        return statistics.median(xs)

    print(f"| CopyPackageVersions, 5 × ~100 B assets, {rounds} alternating round(s) | audit off p50 | audit on p50 "
          "| slower | audit off p99 | audit on p99 |\n|---|---|---|---|---|---|")
    for n, runs in plan:
        off50 = median([p50 for p50, _ in results["off"]["copy"][n]])
        on50 = median([p50 for p50, _ in results["writes"]["copy"][n]])
        off99 = median([p99 for _, p99 in results["off"]["copy"][n]])
        on99 = median([p99 for _, p99 in results["writes"]["copy"][n]])
        print(f"| {n} version(s), {runs} runs a round | {off50:.1f} ms | {on50:.1f} ms | {100 * (on50 / off50 - 1):+.1f} % "
              f"| {off99:.1f} ms | {on99:.1f} ms |")
    off, on = median(results["off"]["rps"]), median(results["writes"]["rps"])
    print(f"\n| wrk, 16 connections, {seconds} s a round, 3 lists : 1 copy | audit off | audit on | slower |\n|---|---|---|---|")
    print(f"| requests/s (median of {rounds}) | {off:.0f} | {on:.0f} | {100 * (1 - on / off):+.1f} % |")
    print(f"  rounds: off {results['off']['rps']}, on {results['writes']['rps']}")

    committed, total = delivery_throughput(root)
    print("\n| Webhook delivery, 1 webhook, local receiver (204 at once) | value |\n|---|---|")
    print(f"| 1,000 events (10 copies of 100 versions): copies committed in | {committed:.2f} s |")
    print(f"| last delivery after the first copy began | {total:.2f} s |")
    print(f"| delivery throughput | {1000 / total:.0f} events/s |")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
