"""Fixtures for Wharf's end-to-end tests: the real `wharf` binary on a loopback port chosen at
run time with a fresh data directory, driven by clients nobody here wrote (the aws CLI and boto3
from the project's venv, npm from the machine)."""

import base64
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("WHARF_VENV", Path.home() / ".cache/wharf-tools/venv"))
AWS = str(VENV / "bin" / "aws")
REGION = "us-east-1"


def wharf_bin():
    """The `wharf` binary under test: $WHARF_BIN, else the debug build."""
    return os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))


class Wharf:
    """One running `wharf serve` with its own data directory and root keys."""

    def __init__(self, data_dir: Path, extra_args=(), keys=None, extra_env=None):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.extra_env = dict(extra_env or {})
        self.access_key, self.secret = keys or ("AKIA" + secrets.token_hex(8).upper(), secrets.token_urlsafe(30))
        self.proc = None
        self.endpoint = None
        self.log = data_dir.parent / "wharf.log"
        self.start()

    def start(self):
        env = dict(os.environ, WHARF_ROOT_ACCESS_KEY_ID=self.access_key, WHARF_ROOT_SECRET_ACCESS_KEY=self.secret,
                   **self.extra_env)
        self.proc = subprocess.Popen(
            [wharf_bin(), "serve", "--data-dir", str(self.data_dir), "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=open(self.log, "ab"), env=env, text=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"wharf listening on (https?://[0-9.:]+)", line or "")
            if m:
                self.endpoint = m.group(1)
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"wharf exited: {self.log.read_text()}")
        else:
            raise RuntimeError("wharf did not print its address in time")
        # Over TLS (`--tls-cert`), the test's throwaway CA is in AWS_CA_BUNDLE, as the aws CLI reads it.
        ca = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE")) if self.endpoint.startswith("https") else None
        with urllib.request.urlopen(f"{self.endpoint}/health", timeout=5, context=ca) as r:
            assert r.status == 200

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def kill9(self):
        self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        self.start()

    @property
    def env(self):
        return dict(os.environ, AWS_ACCESS_KEY_ID=self.access_key, AWS_SECRET_ACCESS_KEY=self.secret,
                    AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                    AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard")

    def aws(self, *args, check=False, env=None):
        """Runs `aws codeartifact ARGS --endpoint-url … --output json`; returns (exit code, JSON or None, stderr)."""
        p = subprocess.run([AWS, "codeartifact", *args, "--endpoint-url", self.endpoint, "--output", "json"],
                           capture_output=True, text=True, env=env or self.env, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def ok(self, *args):
        """Runs an aws command that must succeed and returns its JSON."""
        return self.aws(*args, check=True)[1]

    def client(self, **kw):
        """A boto3 CodeArtifact client for this service."""
        return boto3.client("codeartifact", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret,
                            config=botocore.config.Config(retries={"max_attempts": 1}), **kw)


def pytest_configure(config):
    config.addinivalue_line("markers", "parallel_safe: shares nothing with other tests (own service, data "
                                       "directory and ports), so it may run in parallel with them")


@pytest.fixture
def wharf_factory():
    """Starts services on demand (`wharf_factory("--cors-origin", …, extra_env={…})`); all are stopped and
    cleaned up."""
    started, dirs = [], []

    def make(*extra_args, extra_env=None):
        d = Path(tempfile.mkdtemp(prefix="wharf-e2e-"))
        dirs.append(d)
        w = Wharf(d / "data", extra_args, extra_env=extra_env)
        started.append(w)
        return w

    yield make
    for w in started:
        try:
            w.kill9()
        except Exception:
            pass
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def wharf(wharf_factory):
    """A fresh service."""
    return wharf_factory()


def publish(w, repo, package, version, content: bytes, *, domain="my-domain", namespace="my-ns", asset="asset.txt", unfinished=False, tmp=None):
    """Publishes one generic asset with the aws CLI."""
    tmp = Path(tmp or tempfile.mkdtemp(prefix="wharf-asset-"))
    f = tmp / f"{package}-{version}-{asset}".replace("/", "_")
    f.write_bytes(content)
    import hashlib
    args = ["publish-package-version", "--domain", domain, "--repository", repo, "--format", "generic",
            "--namespace", namespace, "--package", package, "--package-version", version,
            "--asset-content", str(f), "--asset-name", asset, "--asset-sha256", hashlib.sha256(content).hexdigest()]
    if unfinished:
        args.append("--unfinished")
    return w.ok(*args)


def error_code(stderr: str) -> str:
    """The exception name the CLI printed (`An error occurred (X) when calling …`)."""
    m = re.search(r"An error occurred \((\w+)\)", stderr)
    return m.group(1) if m else ""


# npm: the machine's real npm, and publishing through npm's HTTP API where npm itself is not tested.

def token(w, domain="my-domain"):
    """An authorization token of the root keys (what npm sends as its bearer token)."""
    return w.ok("get-authorization-token", "--domain", domain)["authorizationToken"]


def registry(w, repo, domain="my-domain"):
    """The npm registry URL of a repository."""
    return f"{w.endpoint}/npm/{domain}/{repo}/"


class Npm:
    """The machine's npm with a private userconfig, cache and HOME, pointed at one repository."""

    def __init__(self, w, repo, root: Path, tok=None, domain="my-domain"):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.userconfig = root / "npmrc"
        self.cache = root / "cache"
        self.use(w, repo, tok or token(w, domain), domain)

    def use(self, w, repo, tok, domain="my-domain"):
        url = registry(w, repo, domain)
        self.registry = url
        self.userconfig.write_text(f"registry={url}\n//{url.split('://', 1)[1]}:_authToken={tok}\n")

    @property
    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.lower().startswith("npm_config_")}
        env.update(HOME=str(self.home), npm_config_userconfig=str(self.userconfig),
                   npm_config_globalconfig=str(self.root / "globalnpmrc"), npm_config_cache=str(self.cache),
                   npm_config_audit="false", npm_config_fund="false", npm_config_update_notifier="false",
                   npm_config_loglevel="warn")
        return env

    def run(self, *args, cwd=None, check=True):
        p = subprocess.run(["npm", *args, "--no-audit", "--no-fund"], cwd=cwd or self.root, env=self.env,
                           capture_output=True, text=True, timeout=300)
        if check and p.returncode != 0:
            raise AssertionError(f"npm {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def json(self, *args, cwd=None):
        return json.loads(self.run(*args, "--json", cwd=cwd).stdout or "null")


def npm_http(url, method, body=None, tok=None, headers=None):
    """A raw request to an npm endpoint URL: (status, JSON body or bytes)."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(url, data=data, method=method)
    if tok:
        req.add_header("Authorization", f"Bearer {tok}")
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw and r.headers.get_content_type().endswith("json") else raw
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


def npm_tarball(name, version, dependencies=None, marker=""):
    """A package tarball built here, byte for byte the same on every call (fixed times and owners):
    package/package.json and package/index.js (which names the version, and `marker`)."""
    manifest = {"name": name, "version": version, "main": "index.js", "dependencies": dependencies or {}}
    files = {"package/package.json": json.dumps(manifest, indent=2).encode(),
             "package/index.js": f"module.exports = {json.dumps(version + marker)};\n".encode()}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, content in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(content), 499162500, 0o644
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0), manifest


def npm_put(w, repo, name, version, dependencies=None, *, tok, domain="my-domain", marker="", tag="latest"):
    """Publishes one version through npm's HTTP API (`PUT /NAME`, as `npm publish` sends it), with a
    tarball built by `npm_tarball`; returns the tarball's sha512 integrity."""
    tgz, manifest = npm_tarball(name, version, dependencies, marker)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
    body = {"_id": name, "name": name, "dist-tags": {tag: version},
            "versions": {version: {**manifest, "_id": f"{name}@{version}",
                                   "dist": {"integrity": integrity, "shasum": hashlib.sha1(tgz).hexdigest()}}},
            "_attachments": {f"{name.split('/')[-1]}-{version}.tgz": {
                "content_type": "application/octet-stream", "data": base64.b64encode(tgz).decode(),
                "length": len(tgz)}}}
    status, out = npm_http(registry(w, repo, domain) + name.replace("/", "%2f"), "PUT", body, tok)
    assert status in (200, 201), f"PUT {name}@{version}: {status} {out}"
    return integrity


def domain_state(w, domain="my-domain"):
    """Everything `domain` holds, read with boto3's paginators: repository → {"upstreams",
    "packages": {"format/namespace/name": {version: {revision, status, assets}}}}. Two equal
    snapshots mean that nothing was written in between."""
    c = w.client()

    def everything(op, key, **kw):
        return c.get_paginator(op).paginate(**kw).build_full_result()[key]

    state = {}
    for r in sorted(x["name"] for x in everything("list_repositories_in_domain", "repositories", domain=domain)):
        packages = {}
        for p in everything("list_packages", "packages", domain=domain, repository=r):
            kw = dict(domain=domain, repository=r, format=p["format"], package=p["package"])
            if p.get("namespace"):
                kw["namespace"] = p["namespace"]
            versions = {}
            for v in everything("list_package_versions", "versions", **kw):
                assets = everything("list_package_version_assets", "assets", packageVersion=v["version"], **kw)
                versions[v["version"]] = {"revision": v.get("revision"), "status": v["status"],
                                          "assets": sorted(assets, key=lambda a: a["name"])}
            packages[f"{p['format']}/{p.get('namespace', '')}/{p['package']}"] = versions
        upstreams = c.describe_repository(domain=domain, repository=r)["repository"].get("upstreams", [])
        state[r] = {"upstreams": upstreams, "packages": packages}
    return state


def error_message(stderr: str) -> str:
    """The message the CLI printed after `… when calling the X operation[ (reached max retries: N)]: `."""
    m = re.search(r"An error occurred \(\w+\)(?: \(reached max retries: \d+\))? when calling the \w+ operation"
                  r"(?: \(reached max retries: \d+\))?: (.*)", stderr, re.S)
    return m.group(1).strip() if m else ""
