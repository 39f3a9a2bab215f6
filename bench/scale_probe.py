"""Where one `wharf serve` process's publishes wait, on PostgreSQL (a probe for bench/scale.py).

Runs bench/scale.py's disjoint publish load (wrk, 16 connections, 64 packages) against one
process for SECONDS, sampling PostgreSQL's `pg_stat_activity` with psql meanwhile, and prints
how many of the process's pool connections were, on average, in each state: "idle" (the pool
has spare connections), "idle in transaction" (PostgreSQL waits for Wharf's next statement),
"active" (PostgreSQL works). Run like bench/scale.py: WHARF_BIN=… python bench/scale_probe.py
"""

import collections
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402

QUERY = ("SELECT state || ' (wait: ' || coalesce(wait_event_type || ':' || wait_event, 'none') || ')' "
         "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")


def main():
    pg_dir = tempfile.mkdtemp(prefix="wharf-probe-pg-")
    url = subprocess.run([str(scale.ROOT / "scripts/pg-throwaway"), "start", pg_dir], check=True,
                         capture_output=True, text=True).stdout.strip()
    port = url.rsplit(":", 1)[1].split("/")[0]
    work = Path(tempfile.mkdtemp(prefix="wharf-probe-"))
    (work / "blobs").mkdir()
    os.environ.setdefault("WHARF_BIN", str(scale.ROOT / "target/release/wharf"))
    w = scale.Wharf(work / "d0", ["--database-url", url, "--blob-store", f"file://{work / 'blobs'}"])
    try:
        c = w.client()
        c.create_domain(domain="bench")
        c.create_repository(domain="bench", repository="repo")
        token = c.get_authorization_token(domain="bench")["authorizationToken"]
        states, samples, stop = collections.Counter(), [0], threading.Event()

        def sample():
            while not stop.is_set():
                out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "wharf", "-d", "wharf",
                                      "-At", "-c", QUERY], capture_output=True, text=True).stdout
                states.update(line for line in out.splitlines() if line)
                samples[0] += 1
                time.sleep(0.05)

        t = threading.Thread(target=sample)
        t.start()
        rps, bad = scale.run_load([w.endpoint], token, 64, "probe", work)
        stop.set()
        t.join()
        print(f"One process, disjoint publishes: {rps:,.0f}/s{' ' + '; '.join(bad) if bad else ''}; "
              f"{samples[0]} samples of pg_stat_activity; load average {os.getloadavg()[0]:.1f}.\n")
        print("| pool connections (of 8) | on average |\n|---|---|")
        for state, n in states.most_common():
            print(f"| {state} | {n / samples[0]:.1f} |")
    finally:
        w.kill9()
        subprocess.run([str(scale.ROOT / "scripts/pg-throwaway"), "stop", pg_dir], check=False, capture_output=True)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
