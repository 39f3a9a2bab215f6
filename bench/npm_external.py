"""`npm ci` of a project with 200 dependencies fetched through an external connection, cold and
warm, against Verdaccio proxying the same upstream, in one run (run by scripts/bench-external;
prints a table).

An "upstream" Verdaccio 6.8.0 on loopback plays the public registry and holds ROUNDS sets of 200
packages (`bench-ext-R-000` …, built by bench/npm_ci.py's `tarball`). Wharf (release build) has
`public:npmjs` pointed at it (`--external-connection`) on repository `store`, the upstream of
`app`, which npm reads. A second Verdaccio proxies the upstream (an uplink, `cache: true`). Each
round uses its own package set, so its first `npm ci` is cold for both (nothing stored: every
tarball goes through to the upstream, with its packument) and its second is warm (everything
stored). Every `npm ci` starts with an empty npm cache and no node_modules. The lockfiles are made
once against the upstream and their `resolved` URLs pointed at each registry, so no install step
warms either registry beforehand.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf  # noqa: E402
from npm_ci import free_port, npm, publish_body, put, tarball  # noqa: E402

N = int(os.environ.get("BENCH_NPM_DEPS", "200"))
ROUNDS = int(os.environ.get("BENCH_NPM_ROUNDS", "3"))
VERDACCIO = os.environ.get("VERDACCIO_BIN", "verdaccio")


def start_verdaccio(root: Path, uplink=None):
    storage = root / "storage"
    storage.mkdir(parents=True)
    port = free_port()
    uplinks = f"uplinks:\n  up:\n    url: {uplink}\n    cache: true\n" if uplink else "uplinks: {}\n"
    proxy = "    proxy: up\n" if uplink else ""
    (root / "config.yaml").write_text(f"""storage: {storage}
auth:
  htpasswd:
    file: {root}/htpasswd
    max_users: -1
{uplinks}packages:
  '**':
    access: $all
    publish: $all
{proxy}server:
  keepAliveTimeout: 60
log: {{ type: stdout, format: pretty, level: error }}
""")
    proc = subprocess.Popen([VERDACCIO, "--config", str(root / "config.yaml"), "--listen", f"127.0.0.1:{port}"],
                            stdout=open(root / "verdaccio.log", "ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "-/ping", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("verdaccio did not start: " + (root / "verdaccio.log").read_text())


def main():
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-external-"))
    upstream, uurl = start_verdaccio(root / "upstream")
    proxy, purl = start_verdaccio(root / "proxy", uplink=uurl)
    wharf = Wharf(root / "wharf-data", ["--external-connection", f"public:npmjs={uurl}"])
    try:
        wharf.ok("create-domain", "--domain", "bench")
        wharf.ok("create-repository", "--domain", "bench", "--repository", "store")
        wharf.ok("associate-external-connection", "--domain", "bench", "--repository", "store",
                 "--external-connection", "public:npmjs")
        wharf.ok("create-repository", "--domain", "bench", "--repository", "app",
                 "--upstreams", "repositoryName=store")
        token = wharf.ok("get-authorization-token", "--domain", "bench")["authorizationToken"]
        wurl = f"{wharf.endpoint}/npm/bench/app/"
        registries = {"Wharf": (wurl, token), "Verdaccio proxy": (purl, None)}
        times = {(label, kind): [] for label in registries for kind in ("cold", "warm")}
        for r in range(ROUNDS):
            names = [f"bench-ext-{r}-{i:03d}" for i in range(N)]
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda n: put(uurl + n, publish_body(n, "1.0.0", tarball(n, "1.0.0"), uurl)), names))
            base = root / f"round-{r}"
            lock_dir = base / "lock"
            lock_dir.mkdir(parents=True)
            pkg = json.dumps({"name": "bench-app", "version": "1.0.0", "private": True,
                              "dependencies": {n: "1.0.0" for n in names}})
            (lock_dir / "package.json").write_text(pkg)
            (lock_dir / ".npmrc-user").write_text(f"registry={uurl}\n")
            npm(["install", "--package-lock-only"], lock_dir, lock_dir / ".npmrc-user", base / "lock-cache")
            lock = (lock_dir / "package-lock.json").read_text()
            for label, (url, auth) in registries.items():
                d = base / label.replace(" ", "-")
                d.mkdir()
                (d / "package.json").write_text(pkg)
                (d / "package-lock.json").write_text(lock.replace(uurl, url))
                lines = [f"registry={url}"] + ([f"//{url.split('://', 1)[1]}:_authToken={auth}"] if auth else [])
                (d / ".npmrc-user").write_text("\n".join(lines) + "\n")
                for kind in ("cold", "warm"):
                    shutil.rmtree(d / "node_modules", ignore_errors=True)
                    cache = base / f"cache-{label}-{kind}".replace(" ", "-")
                    t = time.perf_counter()
                    npm(["ci"], d, d / ".npmrc-user", cache)
                    times[(label, kind)].append(time.perf_counter() - t)
                    assert len(list((d / "node_modules").glob("bench-ext-*"))) == N
                    shutil.rmtree(cache, ignore_errors=True)
        print(f"npm ci of {N} dependencies through an external connection, {ROUNDS} rounds (median):")
        print("| registry | cold | warm |")
        print("|---|---|---|")
        med = {k: statistics.median(v) for k, v in times.items()}
        for label in registries:
            print(f"| {label} | {med[(label, 'cold')]:.2f} s | {med[(label, 'warm')]:.2f} s |")
        for kind in ("cold", "warm"):
            print(f"ratio Wharf / Verdaccio proxy, {kind}: {med[('Wharf', kind)] / med[('Verdaccio proxy', kind)]:.2f}")
    finally:
        upstream.kill()
        proxy.kill()
        wharf.kill9()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
