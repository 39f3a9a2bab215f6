"""External connections end to end: Verdaccio 6.8.0 on a loopback port plays the public npm
registry (pre-loaded with packages that depend on each other), `public:npmjs` is pointed at it with
`--external-connection`, and the real npm and aws CLI drive Wharf: `npm install` through a
downstream repository fetches and stores the versions (origin EXTERNAL, retained downstream); with
Verdaccio stopped, `npm ci` from a clean npm cache still installs; `upstream=BLOCK` stops a fetch
and nothing is stored; after disassociating, nothing new is fetched. Every test has its own
Verdaccio (own port and storage directory), so they share nothing."""

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import Npm, error_code, npm_http, npm_tarball

D = ["--domain", "my-domain"]
VERDACCIO = os.environ.get("VERDACCIO_BIN",
                           str(Path.home() / ".cache/wharf-tools/verdaccio/node_modules/.bin/verdaccio"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Verdaccio:
    """One Verdaccio on a free loopback port with its own storage, no uplinks, anonymous publish."""

    def __init__(self, root: Path):
        self.root = root
        storage = root / "storage"
        storage.mkdir(parents=True)
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
log: {{ type: stdout, format: pretty, level: error }}
""")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.proc = subprocess.Popen([VERDACCIO, "--config", str(root / "config.yaml"), "--listen",
                                      f"127.0.0.1:{port}"], stdout=open(root / "verdaccio.log", "ab"),
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("verdaccio exited: " + (root / "verdaccio.log").read_text())
            try:
                with urllib.request.urlopen(self.url + "-/ping", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)  # polling for the port to answer: there is no event to wait on
        self.stop()
        raise RuntimeError("verdaccio did not start: " + (root / "verdaccio.log").read_text())

    def publish(self, name, version, dependencies=None):
        tgz, manifest = npm_tarball(name, version, dependencies)
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
        body = {"_id": name, "name": name, "dist-tags": {"latest": version},
                "versions": {version: {**manifest, "_id": f"{name}@{version}",
                                       "dist": {"integrity": integrity, "shasum": hashlib.sha1(tgz).hexdigest(),
                                                "tarball": f"{self.url}{name}/-/{name.split('/')[-1]}-{version}.tgz"}}},
                "_attachments": {f"{name.split('/')[-1]}-{version}.tgz": {
                    "content_type": "application/octet-stream", "data": base64.b64encode(tgz).decode(),
                    "length": len(tgz)}}}
        status, out = npm_http(self.url + name.replace("/", "%2f"), "PUT", body)
        assert status in (200, 201), f"verdaccio PUT {name}@{version}: {status} {out}"
        return integrity

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture
def verdaccio():
    """A Verdaccio pre-loaded with `ext-left@1.0.0` (depends on `ext-right@^1.0.0`), `ext-right` 1.0.0
    and 1.1.0, `ext-other@2.0.0` and `@acme/secret@1.0.0`; stopped and removed afterwards."""
    if not os.access(VERDACCIO, os.X_OK):
        pytest.fail(f"Verdaccio is not installed at {VERDACCIO}: run scripts/setup")
    root = Path(tempfile.mkdtemp(prefix="wharf-verdaccio-"))
    v = Verdaccio(root)
    try:
        v.publish("ext-right", "1.0.0")
        v.publish("ext-right", "1.1.0")
        v.publish("ext-left", "1.0.0", {"ext-right": "^1.0.0"})
        v.publish("ext-other", "2.0.0")
        v.publish("@acme/secret", "1.0.0")
        yield v
    finally:
        v.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def funnel(wharf_factory, verdaccio):
    """Wharf with public:npmjs pointed at Verdaccio (through the environment variable), and the
    repositories `npm-store` (which has the connection) and `app` (whose upstream is `npm-store`)."""
    w = wharf_factory(extra_env={"WHARF_EXTERNAL_CONNECTIONS": f"public:npmjs={verdaccio.url}"})
    w.ok("create-domain", *D)
    w.ok("create-repository", *D, "--repository", "npm-store")
    w.ok("create-repository", *D, "--repository", "app", "--upstreams", "repositoryName=npm-store")
    out = w.ok("associate-external-connection", *D, "--repository", "npm-store",
               "--external-connection", "public:npmjs")
    assert out["repository"]["externalConnections"] == [
        {"externalConnectionName": "public:npmjs", "packageFormat": "npm", "status": "Available"}]
    return w


def origins(w, repo, name):
    """{version: origin} of a package in a repository ({} when absent)."""
    rc, out, err = w.aws("list-package-versions", *D, "--repository", repo, "--format", "npm",
                         *(["--namespace", name[1:].split("/")[0], "--package", name.split("/")[1]]
                           if name.startswith("@") else ["--package", name]))
    if rc != 0:
        assert error_code(err) == "ResourceNotFoundException", err
        return {}
    return {v["version"]: v["origin"] for v in out["versions"]}


def project(root: Path, deps):
    d = root / "project"
    d.mkdir(parents=True, exist_ok=True)
    (d / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0", "private": True,
                                                "dependencies": deps}))
    return d


def installed(d: Path, name):
    p = d / "node_modules" / name / "package.json"
    return json.loads(p.read_text())["version"] if p.exists() else None


EXTERNAL = {"domainEntryPoint": {"externalConnectionName": "public:npmjs"}, "originType": "EXTERNAL"}


def test_npm_install_pulls_through_and_npm_ci_survives_the_registry_going_away(funnel, verdaccio, tmp_path):
    w = funnel
    described = w.ok("describe-repository", *D, "--repository", "npm-store")["repository"]
    assert described["externalConnections"][0]["externalConnectionName"] == "public:npmjs"
    npm = Npm(w, "app", tmp_path / "npm")
    d = project(tmp_path, {"ext-left": "^1.0.0"})
    npm.run("install", cwd=d)
    assert installed(d, "ext-left") == "1.0.0"
    assert installed(d, "ext-right") == "1.1.0"
    # Stored where the connection is and retained downstream, origin EXTERNAL in both.
    for repo in ["npm-store", "app"]:
        assert origins(w, repo, "ext-left") == {"1.0.0": EXTERNAL}, repo
        assert origins(w, repo, "ext-right") == {"1.1.0": EXTERNAL}, repo
    pkg = w.ok("describe-package", *D, "--repository", "npm-store", "--format", "npm", "--package", "ext-right")
    assert pkg["package"]["originConfiguration"]["restrictions"] == {"publish": "BLOCK", "upstream": "ALLOW"}
    # Only what was installed was fetched.
    assert origins(w, "npm-store", "ext-other") == {}

    verdaccio.stop()
    shutil.rmtree(d / "node_modules")
    shutil.rmtree(npm.cache, ignore_errors=True)
    npm.run("ci", cwd=d)
    assert installed(d, "ext-left") == "1.0.0"
    assert installed(d, "ext-right") == "1.1.0"
    # Something never fetched is now unavailable, and the error names the connection.
    p = npm.run("install", "ext-other", cwd=d, check=False)
    assert p.returncode != 0
    assert "public:npmjs" in (p.stdout + p.stderr)


def test_upstream_block_stops_the_fetch_and_disassociate_stops_new_ones(funnel, tmp_path):
    w = funnel
    w.ok("put-package-origin-configuration", *D, "--repository", "npm-store", "--format", "npm",
         "--namespace", "acme", "--package", "secret", "--restrictions", "publish=ALLOW,upstream=BLOCK")
    npm = Npm(w, "app", tmp_path / "npm")
    d = project(tmp_path, {})
    p = npm.run("install", "@acme/secret", cwd=d, check=False)
    # The package record the origin control created answers, with no version in it.
    assert p.returncode != 0 and "ENOVERSIONS" in p.stderr, p.stderr
    assert installed(d, "@acme/secret") is None
    assert origins(w, "npm-store", "@acme/secret") == {}
    assert origins(w, "app", "@acme/secret") == {}

    npm.run("install", "ext-right@1.0.0", cwd=d)
    out = w.ok("disassociate-external-connection", *D, "--repository", "npm-store",
               "--external-connection", "public:npmjs")
    assert out["repository"]["externalConnections"] == []
    rc, _, err = w.aws("disassociate-external-connection", *D, "--repository", "npm-store",
                       "--external-connection", "public:npmjs")
    assert rc != 0 and error_code(err) == "ResourceNotFoundException", err
    # What was fetched stays; nothing new comes in.
    assert origins(w, "npm-store", "ext-right") == {"1.0.0": EXTERNAL}
    p = npm.run("install", "ext-other", cwd=d, check=False)
    assert p.returncode != 0 and "404" in p.stderr, p.stderr
    assert origins(w, "npm-store", "ext-other") == {}


def test_one_connection_per_repository_and_unknown_names(funnel):
    w = funnel
    for name in ["public:pypi", "public:npmjs"]:
        rc, _, err = w.aws("associate-external-connection", *D, "--repository", "npm-store",
                           "--external-connection", name)
        assert rc != 0 and error_code(err) == "ValidationException", err
        assert "limited to 1" in err
    rc, _, err = w.aws("associate-external-connection", *D, "--repository", "app",
                       "--external-connection", "public:not-a-registry")
    assert rc != 0 and error_code(err) == "ValidationException", err
    # Other formats are accepted and stored (Wharf has no endpoint for them yet).
    out = w.ok("associate-external-connection", *D, "--repository", "app", "--external-connection", "public:pypi")
    assert out["repository"]["externalConnections"][0]["packageFormat"] == "pypi"
