"""`npm ci` of a project with 200 dependencies, served by Wharf and by Verdaccio from the same
tarballs, in one run (run by scripts/bench-npm; prints a table).

Both registries run on loopback with fresh storage: a release `wharf` (bearer token in the
project's .npmrc) and Verdaccio (`verdaccio` from npm, no uplinks, anonymous access). The 200
packages (`bench-dep-000` … `bench-dep-199`, each about 2 KB of code plus 8 KB of incompressible
data, with no dependencies of their own) are built once here and published to both with the same
`PUT` body npm sends. Each registry gets its own lockfile (`npm install --package-lock-only`, so
`resolved` points at it); then `npm ci` runs ROUNDS times per registry, alternating, each time with
an empty cache and no node_modules, so every tarball is fetched. The table gives the median and
the ratio Wharf / Verdaccio.
"""

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Wharf  # noqa: E402

N = int(os.environ.get("BENCH_NPM_DEPS", "200"))
ROUNDS = int(os.environ.get("BENCH_NPM_ROUNDS", "5"))
VERDACCIO = os.environ.get("VERDACCIO_BIN", "verdaccio")


def tarball(name, version):
    files = {
        "package/package.json": json.dumps({"name": name, "version": version, "main": "index.js",
                                            "description": f"benchmark dependency {name}", "license": "MIT"}).encode(),
        "package/index.js": (f"// {name}\n" + "module.exports = () => 42;\n" * 60).encode(),
        "package/data.bin": hashlib.sha512(name.encode()).digest() * 128,
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, 499162500
            t.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def publish_body(name, version, tgz, base):
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
    return json.dumps({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "main": "index.js", "license": "MIT",
                               "_id": f"{name}@{version}",
                               "dist": {"integrity": integrity, "shasum": hashlib.sha1(tgz).hexdigest(),
                                        "tarball": f"{base}{name}/-/{name}-{version}.tgz"}}},
        "_attachments": {f"{name}-{version}.tgz": {"content_type": "application/octet-stream",
                                                   "data": base64.b64encode(tgz).decode(), "length": len(tgz)}},
    }).encode()


def put(url, body, token=None):
    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status in (200, 201), r.status


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_verdaccio(root: Path):
    storage = root / "storage"
    storage.mkdir(parents=True)
    port = free_port()
    (root / "config.yaml").write_text(f"""storage: {storage}
auth:
  htpasswd:
    file: {root}/htpasswd
    max_users: -1
uplinks: {{}}
packages:
  '**':
    access: $all
    publish: $all
    unpublish: $all
server:
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


def npm(args, cwd, npmrc, cache):
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("npm_config_")}
    env.update(npm_config_userconfig=str(npmrc), npm_config_cache=str(cache), HOME=str(cwd),
               npm_config_update_notifier="false", npm_config_loglevel="error")
    p = subprocess.run(["npm", *args, "--no-audit", "--no-fund"], cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"npm {args} failed: {p.stderr}")


def main():
    root = Path(tempfile.mkdtemp(prefix="wharf-bench-npm-"))
    wharf = Wharf(root / "wharf-data")
    verdaccio, vurl = start_verdaccio(root / "verdaccio")
    try:
        wharf.ok("create-domain", "--domain", "bench")
        wharf.ok("create-repository", "--domain", "bench", "--repository", "npm")
        token = wharf.ok("get-authorization-token", "--domain", "bench")["authorizationToken"]
        wurl = f"{wharf.endpoint}/npm/bench/npm/"
        names = [f"bench-dep-{i:03d}" for i in range(N)]
        tarballs = {n: tarball(n, "1.0.0") for n in names}
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: put(wurl + n, publish_body(n, "1.0.0", tarballs[n], wurl), token), names))
            list(pool.map(lambda n: put(vurl + n, publish_body(n, "1.0.0", tarballs[n], vurl)), names))

        projects = {}
        for label, url, auth in [("Wharf", wurl, token), ("Verdaccio", vurl, None)]:
            d = root / f"project-{label}"
            d.mkdir()
            npmrc = d / ".npmrc-user"
            lines = [f"registry={url}"]
            if auth:
                lines.append(f"//{url.split('://', 1)[1]}:_authToken={auth}")
            npmrc.write_text("\n".join(lines) + "\n")
            (d / "package.json").write_text(json.dumps({"name": "bench-app", "version": "1.0.0", "private": True,
                                                        "dependencies": {n: "1.0.0" for n in names}}))
            npm(["install", "--package-lock-only"], d, npmrc, root / f"lock-cache-{label}")
            projects[label] = (d, npmrc)

        times = {label: [] for label in projects}
        for r in range(ROUNDS):
            for label, (d, npmrc) in projects.items():
                cache = root / f"cache-{label}-{r}"
                shutil.rmtree(d / "node_modules", ignore_errors=True)
                t = time.perf_counter()
                npm(["ci"], d, npmrc, cache)
                times[label].append(time.perf_counter() - t)
                assert len(list((d / "node_modules").glob("bench-dep-*"))) == N
                shutil.rmtree(cache, ignore_errors=True)
        w, v = statistics.median(times["Wharf"]), statistics.median(times["Verdaccio"])
        print(f"npm ci of {N} dependencies, cold cache, {ROUNDS} rounds alternating (median):")
        print("| registry | median | min | max |")
        print("|---|---|---|---|")
        for label in ["Wharf", "Verdaccio"]:
            xs = times[label]
            print(f"| {label} | {statistics.median(xs):.2f} s | {min(xs):.2f} s | {max(xs):.2f} s |")
        print(f"\nratio Wharf / Verdaccio: {w / v:.2f}")
    finally:
        verdaccio.kill()
        wharf.kill9()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
