"""The soak run behind scripts/soak (see there). Standard library plus boto3 from the tools venv."""

import argparse
import collections
import concurrent.futures
import hashlib
import http.client
import http.server
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

ARGS = dict(domain="soak", format="generic", namespace="ns")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, deadline_s=60):
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


class S3Proxy(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """Forwards to moto; while `refusing`, answers writes with S3's 503 SlowDown."""
    daemon_threads = True

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.refusing = threading.Event()
        super().__init__(("127.0.0.1", 0), ProxyHandler)

    def handle_error(self, request, client_address):
        # The service was killed with a connection to the proxy open: one of the faults, not news.
        pass


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _forward(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.command in ("PUT", "POST") and self.server.refusing.is_set():
            msg = b"<Error><Code>SlowDown</Code><Message>soak: writes refused</Message></Error>"
            self.send_response(503)
            self.send_header("content-length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=60)
        conn.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _guarded(self):
        try:
            self._forward()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the service was killed mid-request: one of the faults

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _guarded


class Service:
    def __init__(self, binary, data_dir, args, env):
        self.binary, self.data_dir, self.args, self.env = binary, data_dir, args, env
        self.proc, self.endpoint = None, None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--data-dir", str(self.data_dir),
                                      "--listen", f"127.0.0.1:{self.port()}", *self.args],
                                     stdout=subprocess.PIPE, stderr=open(self.data_dir.parent / "wharf.log", "ab"),
                                     env=self.env, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"wharf listening on (http://[0-9.:]+)", line or "")
            if m:
                self.endpoint = m.group(1)
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                return
            if self.proc.poll() is not None:
                raise RuntimeError("wharf exited at start")
        raise RuntimeError("wharf did not start")

    def port(self):
        # The same port across restarts, so clients keep their endpoint.
        if not hasattr(self, "_port"):
            self._port = free_port()
        return self._port

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def log(msg):
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def verify(c, pg_url, s3_url, acked, sample):
    """Checks the ledger of acknowledged writes against what the restarted service holds."""
    # 1. Every version the service lists, by listing (pages of 1000), not one request each.
    listed = {}  # (repo, package, version) -> status
    for repo in ("src", "dst"):
        for p in c.get_paginator("list_packages").paginate(domain="soak", repository=repo).build_full_result()[
                "packages"]:
            for page in c.get_paginator("list_package_versions").paginate(
                    repository=repo, package=p["package"], PaginationConfig={"PageSize": 1000}, **ARGS):
                for v in page["versions"]:
                    listed[(repo, p["package"], v["version"])] = v["status"]
    lost = sorted(k for k in acked if listed.get(k) != "Published")
    half = sorted(k for k, st in listed.items() if st == "Unfinished")
    # 2. Every version's revision and asset rows in one query.
    query = ("SELECT r.name, p.name, v.version, v.revision, COALESCE(string_agg(a.name || ':' || a.sha256, ','), '') "
             "FROM package_versions v JOIN packages p ON p.id = v.package_id "
             "JOIN repositories r ON r.id = p.repository_id LEFT JOIN assets a ON a.version_id = v.id "
             "GROUP BY r.name, p.name, v.version, v.revision")
    out = subprocess.run(["psql", pg_url, "-At", "-F", "\t", "-c", query], check=True, capture_output=True,
                         text=True, timeout=300).stdout
    rows = {}
    for line in out.splitlines():
        repo, pkg, ver, rev, assets = line.split("\t")
        rows[(repo, pkg, ver)] = (rev, assets)
    wrong_asset = sorted(k for k, sha in acked.items() if k in rows and rows[k][1] != f"a.bin:{sha}")
    no_assets = sorted(k for k, (_, assets) in rows.items() if not assets)
    revision_mismatch = sorted(k for k in rows if k[0] == "dst" and ("src", *k[1:]) in rows
                               and rows[k][0] != rows[("src", *k[1:])][0])
    # 3. Every acknowledged blob is in the bucket (by listing it), and its bytes hash to its name.
    s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="moto",
                      aws_secret_access_key="moto")
    in_bucket = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="soak", Prefix="run/sha256/"):
        in_bucket.update(o["Key"].rsplit("/", 1)[-1] for o in page.get("Contents", []))
    wanted = sorted(set(acked.values()))
    missing = [h for h in wanted if h not in in_bucket]

    def blob_ok(h):
        body = s3.get_object(Bucket="soak", Key=f"run/sha256/{h[:2]}/{h}")["Body"].read()
        return hashlib.sha256(body).hexdigest() == h

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        present = [h for h in wanted if h in in_bucket]
        wrong_blob = [h for h, ok in zip(present, pool.map(blob_ok, present)) if not ok]
    # 4. A sample read back end to end through the service.
    rnd = random.Random(0)
    picked = rnd.sample(sorted(acked), min(sample, len(acked)))
    wrong_sample = []
    for repo, pkg, ver in picked:
        got = c.get_package_version_asset(repository=repo, package=pkg, packageVersion=ver, asset="a.bin",
                                          **ARGS)["asset"].read()
        if hashlib.sha256(got).hexdigest() != acked[(repo, pkg, ver)]:
            wrong_sample.append((repo, pkg, ver))
    return {
        "versionsListed": len(listed), "versionRowsChecked": len(rows), "unacknowledgedButPresent": len(set(listed) - set(acked)),
        "lost": lost, "halfWritten": half, "versionsWithoutAssets": no_assets, "wrongAsset": wrong_asset,
        "revisionMismatch": revision_mismatch, "blobsChecked": len(wanted), "missingBlobs": missing,
        "wrongBlobBytes": wrong_blob, "sampleReadBack": len(picked), "wrongBytesSample": wrong_sample,
    }


def pg_ctl(pg_dir, *args):
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    cmd = [str(bindir / "pg_ctl"), "-D", str(pg_dir / "data"), *args]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    # No pipes: the restarted server would inherit them and keep them open.
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--workers", type=int, default=6)
    ap.add_argument("--fault-every", type=float, default=20, help="seconds between faults")
    ap.add_argument("--bin", required=True, help="the wharf binary")
    ap.add_argument("--out", help="also write the JSON summary here")
    ap.add_argument("--sample", type=int, default=300, help="versions read back through the service at the end")
    opts = ap.parse_args()
    root, venv = Path(opts.root), Path(opts.venv)
    tmp = Path(tempfile.mkdtemp(prefix="wharf-soak-"))
    os.chmod(tmp, 0o755)
    pg_dir = tmp / "pg"
    moto = proxy = svc = None
    try:
        pg_url = subprocess.run([str(root / "scripts/pg-throwaway"), "start", str(pg_dir)], check=True,
                                capture_output=True, text=True).stdout.strip()
        moto_port = free_port()
        moto = subprocess.Popen([str(venv / "bin/moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(f"http://127.0.0.1:{moto_port}")
        proxy = S3Proxy(moto_port)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        s3_url = f"http://127.0.0.1:{proxy.server_address[1]}"
        boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="moto",
                     aws_secret_access_key="moto").create_bucket(Bucket="soak")
        key, secret = "AKIA" + secrets.token_hex(8).upper(), secrets.token_urlsafe(30)
        env = dict(os.environ, WHARF_ROOT_ACCESS_KEY_ID=key, WHARF_ROOT_SECRET_ACCESS_KEY=secret,
                   AWS_ACCESS_KEY_ID="moto", AWS_SECRET_ACCESS_KEY="moto", AWS_REGION="us-east-1",
                   AWS_ALLOW_HTTP="true", AWS_ENDPOINT_URL=s3_url)
        (tmp / "svc").mkdir()
        binary = opts.bin
        svc = Service(binary, tmp / "svc" / "data",
                      ["--database-url", pg_url, "--blob-store", "s3://soak/run"], env)

        def client():
            return boto3.client("codeartifact", endpoint_url=svc.endpoint, region_name="us-east-1",
                                aws_access_key_id=key, aws_secret_access_key=secret,
                                config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                                              read_timeout=60))

        c = client()
        c.create_domain(domain="soak")
        for r in ("src", "dst"):
            c.create_repository(domain="soak", repository=r)

        lock = threading.Lock()
        counts = collections.Counter()
        errors = collections.Counter()
        acked = {}  # (repo, package, version) -> sha256
        stop = threading.Event()

        def record(kind, error=None):
            with lock:
                counts[kind] += 1
                if error:
                    errors[f"{kind}:{error}"] += 1

        def worker(k):
            cl = client()
            rnd = random.Random(k)
            n = 0
            while not stop.is_set():
                op = rnd.choices(["publish", "copy", "list", "get"], [4, 2, 2, 2])[0]
                try:
                    if op == "publish":
                        n += 1
                        body = f"soak {k} {n} ".encode() * rnd.randint(1, 2000)
                        sha = hashlib.sha256(body).hexdigest()
                        cl.publish_package_version(repository="src", package=f"p{k}", packageVersion=f"1.{n}",
                                                   assetContent=body, assetName="a.bin", assetSHA256=sha, **ARGS)
                        with lock:
                            acked[("src", f"p{k}", f"1.{n}")] = sha
                    else:
                        with lock:
                            mine = [x for x in acked if x[1] == f"p{k}" and x[0] == "src"]
                        if not mine:
                            continue
                        _, pkg, ver = rnd.choice(mine)
                        if op == "copy":
                            r = cl.copy_package_versions(sourceRepository="src", destinationRepository="dst",
                                                         package=pkg, versions=[ver], **ARGS)
                            if ver in r["successfulVersions"]:
                                with lock:
                                    acked[("dst", pkg, ver)] = acked[("src", pkg, ver)]
                        elif op == "list":
                            cl.list_package_versions(repository="src", package=pkg, **ARGS)
                        else:
                            got = cl.get_package_version_asset(repository="src", package=pkg, packageVersion=ver,
                                                               asset="a.bin", **ARGS)["asset"].read()
                            if hashlib.sha256(got).hexdigest() != acked[("src", pkg, ver)]:
                                record(op, "WrongBytes")
                                continue
                    record(op)
                except botocore.exceptions.ClientError as e:
                    record(op, e.response["Error"]["Code"])
                except (botocore.exceptions.BotoCoreError, OSError) as e:
                    record(op, type(e).__name__)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(opts.workers)]
        for t in threads:
            t.start()
        faults = collections.Counter()
        fault_failures = collections.Counter()
        end = time.time() + opts.minutes * 60
        cycle = 0
        log(f"load started: {opts.workers} workers, {opts.minutes} minutes, a fault every {opts.fault_every} s")
        while time.time() < end:
            time.sleep(min(opts.fault_every, max(0, end - time.time())))
            if time.time() >= end:
                break
            kind = ["kill", "postgres", "s3"][cycle % 3]
            cycle += 1
            try:
                if kind == "kill":
                    svc.kill9()
                    svc.start()
                elif kind == "postgres":
                    pg_ctl(pg_dir, "-m", "fast", "-w", "-l", str(pg_dir / "server.log"), "restart")
                else:
                    proxy.refusing.set()
                    time.sleep(min(10, opts.fault_every / 2))
                    proxy.refusing.clear()
                faults[kind] += 1
            except (subprocess.SubprocessError, RuntimeError, OSError) as e:
                # A fault that could not be injected (say, the shared disk was full) is counted
                # and the run goes on; the service is brought back if it was down.
                fault_failures[f"{kind}:{type(e).__name__}"] += 1
                log(f"fault {kind} failed: {e}")
                if svc.proc.poll() is not None:
                    svc.start()
            if cycle % 15 == 0:
                with lock:
                    log(f"{sum(counts.values())} requests, {sum(errors.values())} errors, {len(acked)} acknowledged, "
                        f"faults {dict(faults)}")
        stop.set()
        for t in threads:
            t.join(timeout=120)
        load_end = time.time()

        # The final check, set-based so that it takes seconds, not a request per version: the
        # service's own listing (pages of 1000) against the ledger of acknowledged writes, the
        # asset rows in one query, the bucket by listing it, each blob's bytes read straight from
        # the bucket, and a sample read back end to end through the service.
        log("load stopped; restarting cleanly for the final check")
        svc.stop()
        svc.start()
        c = client()
        summary = {
            "minutes": opts.minutes, "workers": opts.workers, "binary": binary,
            "faults": dict(faults), "faultsFailed": dict(fault_failures),
            "requests": dict(counts), "requestsTotal": sum(counts.values()),
            "errors": dict(sorted(errors.items())), "acknowledgedVersions": len(acked),
        }
        summary.update(verify(c, pg_url, s3_url, acked, opts.sample))
        summary["verifySeconds"] = round(time.time() - load_end, 1)
        text = json.dumps(summary, indent=2)
        print(text, flush=True)
        if opts.out:
            Path(opts.out).write_text(text + "\n")
        bad = ("lost", "halfWritten", "wrongAsset", "revisionMismatch", "missingBlobs", "wrongBlobBytes",
               "wrongBytesSample")
        return 1 if any(summary[k] for k in bad) else 0
    finally:
        if svc and svc.proc and svc.proc.poll() is None:
            svc.kill9()
        if proxy:
            proxy.shutdown()
        if moto:
            moto.kill()
            moto.wait()
        subprocess.run([str(root / "scripts/pg-throwaway"), "stop", str(pg_dir)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
