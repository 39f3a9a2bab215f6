"""Fixtures for Wharf's end-to-end tests: the real `wharf` binary on a loopback port chosen at
run time with a fresh data directory, driven by clients nobody here wrote (the aws CLI and boto3
from the project's venv, npm from the machine)."""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("WHARF_VENV", Path.home() / ".cache/wharf-tools/venv"))
AWS = str(VENV / "bin" / "aws")
REGION = "us-east-1"


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
        binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", str(self.data_dir), "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=open(self.log, "ab"), env=env, text=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"wharf listening on (http://[0-9.:]+)", line or "")
            if m:
                self.endpoint = m.group(1)
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"wharf exited: {self.log.read_text()}")
        else:
            raise RuntimeError("wharf did not print its address in time")
        with urllib.request.urlopen(f"{self.endpoint}/health", timeout=5) as r:
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


@pytest.fixture
def wharf_factory():
    """Starts services on demand (`wharf_factory("--cors-origin", …)`); all are stopped and cleaned up."""
    started, dirs = [], []

    def make(*extra_args):
        d = Path(tempfile.mkdtemp(prefix="wharf-e2e-"))
        dirs.append(d)
        w = Wharf(d / "data", extra_args)
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
