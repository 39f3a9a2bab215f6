"""The PyPI endpoints end to end: the real pip, uv and twine (pinned in scripts/setup, in their own
venv) and the aws CLI (`login --tool pip|twine`, copy-package-versions, update-package-versions-status)
against the real binary. Every client runs with a private HOME, pip config file and cache, so nothing
reaches the machine's user configuration or any other index (`login --tool pip` runs `pip config set`,
which writes the private HOME's pip.conf). Packages are written as wheels and sdists
directly (zip and tar.gz), so no build backend is fetched."""

import base64
import hashlib
import io
import json
import os
import subprocess
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from conftest import AWS, ROOT, error_code, token

PYPI_VENV = Path(os.environ.get("WHARF_PYPI_VENV", Path.home() / ".cache/wharf-tools/pypi-venv"))
BIN = PYPI_VENV / "bin"
D = ["--domain", "my-domain"]


# ---- packages, written directly ----

def metadata(name, version, requires=(), requires_python=None, summary="A test package"):
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", f"Summary: {summary}",
             "Home-page: https://example.org/" + name, "License: MIT"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    return "\n".join(lines) + "\n\n"


def wheel(out: Path, name, version, requires=(), requires_python=None, marker=None):
    """A pure-Python wheel whose module `NAME` (underscored) holds VERSION."""
    mod = name.replace("-", "_").lower()
    dist = f"{name.replace('-', '_')}-{version}.dist-info"
    files = {
        f"{mod}/__init__.py": f"VERSION = {version!r}\nMARK = {marker!r}\n".encode(),
        f"{dist}/METADATA": metadata(name, version, requires, requires_python).encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: wharf-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},{len(b)}\n"
        for p, b in files.items()) + f"{dist}/RECORD,,\n"
    files[f"{dist}/RECORD"] = record.encode()
    path = out / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, b in files.items():
            z.writestr(p, b)
    return path


def sdist(out: Path, name, version):
    base = f"{name.replace('-', '_')}-{version}"
    path = out / f"{base}.tar.gz"
    with tarfile.open(path, "w:gz") as t:
        for p, b in {"PKG-INFO": metadata(name, version).encode(),
                     "pyproject.toml": b"[build-system]\nrequires = []\n"}.items():
            info = tarfile.TarInfo(f"{base}/{p}")
            info.size = len(b)
            t.addfile(info, io.BytesIO(b))
    return path


def sha256(path: Path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- clients with private configuration ----

class Py:
    """pip, twine and uv with a private HOME, pip config file and caches."""

    def __init__(self, w, root: Path, env=None):
        self.w, self.root = w, root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in (env or w.env).items()
                if not k.startswith(("PIP_", "UV_", "TWINE_", "PYTHON", "VIRTUAL_ENV"))}
        self.env = dict(base, HOME=str(self.home), PATH=f"{BIN}:{base.get('PATH', '')}",
                        XDG_CONFIG_HOME=str(self.home / ".config"), PIP_NO_CACHE_DIR="1",
                        PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
                        UV_CACHE_DIR=str(root / "uv-cache"), UV_NO_CONFIG="1", UV_PYTHON_DOWNLOADS="never",
                        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", COLUMNS="400", NO_COLOR="1")

    def run(self, *args, check=True):
        p = subprocess.run([str(a) for a in args], env=self.env, capture_output=True, text=True, timeout=300,
                           cwd=self.root)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(map(str, args))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def login(self, tool, repo):
        """`aws codeartifact login --tool pip|twine` as the user would run it."""
        return self.run(AWS, "codeartifact", "login", "--tool", tool, *D, "--repository", repo,
                        "--endpoint-url", self.w.endpoint)

    def twine(self, *files, check=True):
        return self.run(BIN / "twine", "upload", "--non-interactive", "--disable-progress-bar",
                        "--repository", "codeartifact", *files, check=check)

    def pip_install(self, *args, check=True):
        target = self.root / f"site-{len(list(self.root.glob('site-*')))}"
        p = self.run(BIN / "pip", "install", "--target", target, *args, check=check)
        return p, target


def imported_from(py, target, module, attr="VERSION"):
    """The attribute of a module installed into `target` (a fresh interpreter, only that path)."""
    p = subprocess.run([str(BIN / "python"), "-I", "-c",
                        f"import sys; sys.path.insert(0, {str(target)!r}); import {module}; print({module}.{attr})"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def setup(w, *repos, upstreams=None):
    w.ok("create-domain", *D)
    for repo in repos:
        args = ["create-repository", *D, "--repository", repo]
        if upstreams and repo in upstreams:
            args += ["--upstreams", json.dumps([{"repositoryName": u} for u in upstreams[repo]])]
        w.ok(*args)


def index(w, repo):
    return f"{w.endpoint}/pypi/my-domain/{repo}/"


def http(url, tok, accept=None, method="GET", data=None, headers=None):
    """(status, headers, body bytes) of a raw request with Basic aws:TOKEN."""
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(f"aws:{tok}".encode()).decode())
    if accept:
        req.add_header("Accept", accept)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def versions(w, repo, name):
    rc, out, err = w.aws("list-package-versions", *D, "--repository", repo, "--format", "pypi", "--package", name)
    if rc != 0:
        assert error_code(err) == "ResourceNotFoundException", err
        return {}
    return {v["version"]: v["status"] for v in out["versions"]}


def two_packages(tmp):
    """demo-pkg 1.0 (wheel + sdist) and app-pkg 1.0 (wheel) depending on it."""
    out = tmp / "dist"
    out.mkdir(exist_ok=True)
    return ([wheel(out, "demo-pkg", "1.0", requires_python=">=3.8"), sdist(out, "demo-pkg", "1.0")],
            [wheel(out, "app-pkg", "1.0", requires=["demo-pkg>=1.0"])])


# ---- tests ----

def test_twine_uploads_then_pip_and_uv_install_with_hashes(wharf, tmp_path):
    setup(wharf, "repo")
    demo, app = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "repo")
    pypirc = (py.home / ".pypirc").read_text()
    assert "repository = " + index(wharf, "repo") in pypirc and "username = aws" in pypirc
    assert oct((py.home / ".pypirc").stat().st_mode & 0o777) == "0o600"
    py.twine(*demo, *app)
    # The same files again: accepted, nothing changes.
    rev = wharf.ok("describe-package-version", *D, "--repository", "repo", "--format", "pypi",
                   "--package", "demo-pkg", "--package-version", "1.0")["packageVersion"]["revision"]
    py.twine(*demo)
    described = wharf.ok("describe-package-version", *D, "--repository", "repo", "--format", "pypi",
                         "--package", "demo-pkg", "--package-version", "1.0")["packageVersion"]
    assert described["revision"] == rev
    assert described["summary"] == "A test package" and described["homePage"] == "https://example.org/demo-pkg"
    assert described["licenses"] == [{"name": "MIT"}]
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "repo", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.0")["assets"]
    assert sorted(a["name"] for a in assets) == sorted(p.name for p in demo)
    assert {a["name"]: a["hashes"]["SHA-256"] for a in assets} == {p.name: sha256(p) for p in demo}
    deps = wharf.ok("list-package-version-dependencies", *D, "--repository", "repo", "--format", "pypi",
                    "--package", "app-pkg", "--package-version", "1.0")["dependencies"]
    assert deps == [{"package": "demo-pkg", "dependencyType": "regular", "versionRequirement": ">=1.0"}]

    # pip, configured by `login --tool pip` (global.index-url with aws:TOKEN), resolves the dependency.
    py.login("pip", "repo")
    conf = (py.home / ".config" / "pip" / "pip.conf").read_text()
    assert f"/pypi/my-domain/repo/simple/" in conf and "aws:" in conf
    _, site = py.pip_install("app-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0" and imported_from(py, site, "app_pkg") == "1.0"
    # --require-hashes: the hashes the files have, as the index page announces them.
    req = tmp_path / "requirements.txt"
    req.write_text(f"app-pkg==1.0 --hash=sha256:{sha256(app[0])}\ndemo-pkg==1.0 --hash=sha256:{sha256(demo[0])}\n")
    _, site = py.pip_install("--require-hashes", "-r", req)
    assert imported_from(py, site, "app_pkg") == "1.0"
    req.write_text(f"app-pkg==1.0 --hash=sha256:{'0' * 64}\ndemo-pkg==1.0 --hash=sha256:{sha256(demo[0])}\n")
    p, _ = py.pip_install("--require-hashes", "-r", req, check=False)
    assert p.returncode != 0 and "THESE PACKAGES DO NOT MATCH THE HASHES" in p.stderr

    # uv against the simple URL with the token in the URL's userinfo.
    tok = token(wharf)
    url = index(wharf, "repo").replace("://", f"://aws:{tok}@") + "simple/"
    target = tmp_path / "uv-site"
    py.run(BIN / "uv", "pip", "install", "--python", BIN / "python", "--target", target, "--index-url", url,
           "app-pkg")
    assert imported_from(py, target, "demo_pkg") == "1.0"

    # The page: JSON by negotiation with PEP 700's fields; 406 for what is not served; Vary: Accept.
    status, headers, body = http(index(wharf, "repo") + "simple/demo-pkg/", tok,
                                 accept="application/vnd.pypi.simple.v1+json")
    assert status == 200 and headers["Content-Type"] == "application/vnd.pypi.simple.v1+json"
    assert headers["Vary"] == "Accept"
    page = json.loads(body)
    assert page["meta"] == {"api-version": "1.1"} and page["name"] == "demo-pkg" and page["versions"] == ["1.0"]
    by_name = {f["filename"]: f for f in page["files"]}
    assert by_name[demo[0].name]["hashes"] == {"sha256": sha256(demo[0])}
    assert by_name[demo[0].name]["size"] == demo[0].stat().st_size
    assert by_name[demo[0].name]["requires-python"] == ">=3.8" and by_name[demo[0].name]["yanked"] is False
    assert by_name[demo[0].name]["upload-time"].endswith("Z") and "core-metadata" in by_name[demo[0].name]
    status, headers, _ = http(index(wharf, "repo") + "simple/demo-pkg/", tok, accept="application/xml")
    assert status == 406 and headers["Vary"] == "Accept"
    status, headers, body = http(index(wharf, "repo") + "simple/Demo_Pkg/", tok)
    assert status == 200 and b'data-requires-python="&gt;=3.8"' in body  # followed the 301 to simple/demo-pkg/
    # PEP 658: the wheel's METADATA, byte-exact.
    status, _, body = http(index(wharf, "repo") + f"simple/demo-pkg/1.0/{demo[0].name}.metadata", tok)
    assert status == 200 and body == zipfile.ZipFile(demo[0]).read("demo_pkg-1.0.dist-info/METADATA")


def test_same_filename_with_other_bytes_is_409_and_stores_nothing(wharf, tmp_path):
    setup(wharf, "repo")
    py = Py(wharf, tmp_path)
    py.login("twine", "repo")
    first = wheel(tmp_path, "demo-pkg", "1.0", marker="first")
    py.twine(first)
    other = tmp_path / "other"
    other.mkdir()
    second = wheel(other, "demo-pkg", "1.0", marker="second")
    p = py.twine(second, check=False)
    assert p.returncode != 0 and "409" in p.stdout + p.stderr and "File already exists" in p.stdout + p.stderr
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "repo", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.0")["assets"]
    assert [a["hashes"]["SHA-256"] for a in assets] == [sha256(first)]
    # uv publishes too (its form puts :action first and sends empty fields), with user aws.
    later = tmp_path / "later"
    later.mkdir()
    files = [wheel(later, "demo-pkg", "1.1"), sdist(later, "demo-pkg", "1.1")]
    py.run(BIN / "uv", "publish", "--publish-url", index(wharf, "repo"), "-u", "aws", "-p", token(wharf), *files)
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "repo", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.1")["assets"]
    assert sorted(a["name"] for a in assets) == sorted(f.name for f in files)


def test_copy_with_the_normalised_name_then_install_from_the_destination(wharf, tmp_path):
    setup(wharf, "staging", "release")
    demo, app = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "staging")
    py.twine(*demo, *app)
    rc, _, err = wharf.aws("copy-package-versions", *D, "--source-repository", "staging", "--destination-repository",
                           "release", "--format", "pypi", "--package", "Demo_Pkg", "--versions", "1.0")
    # As CodeArtifact: API callers name PyPI packages by their PEP 503 form, and no other spelling is found.
    assert rc != 0 and error_code(err) == "ResourceNotFoundException" and "Demo_Pkg" in err, err
    assert versions(wharf, "release", "demo-pkg") == {}
    for name in ["demo-pkg", "app-pkg"]:
        out = wharf.ok("copy-package-versions", *D, "--source-repository", "staging", "--destination-repository",
                       "release", "--format", "pypi", "--package", name, "--versions", "1.0")
        assert list(out["successfulVersions"]) == ["1.0"], out
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "release", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.0")["assets"]
    assert sorted(a["name"] for a in assets) == sorted(p.name for p in demo)
    py.login("pip", "release")
    _, site = py.pip_install("app-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0"


def test_an_unlisted_version_is_yanked_and_pip_skips_it(wharf, tmp_path):
    setup(wharf, "repo")
    out = tmp_path / "dist"
    out.mkdir()
    files = [wheel(out, "demo-pkg", v) for v in ["1.0", "1.1"]]
    py = Py(wharf, tmp_path)
    py.login("twine", "repo")
    py.twine(*files)
    latest = wharf.ok("describe-package", *D, "--repository", "repo", "--format", "pypi", "--package", "demo-pkg")
    assert latest["package"]["format"] == "pypi"
    wharf.ok("update-package-versions-status", *D, "--repository", "repo", "--format", "pypi",
             "--package", "demo-pkg", "--versions", "1.1", "--target-status", "Unlisted")
    status, _, body = http(index(wharf, "repo") + "simple/demo-pkg/", token(wharf),
                           accept="application/vnd.pypi.simple.v1+json")
    yanked = {f["filename"]: f["yanked"] for f in json.loads(body)["files"]}
    assert yanked == {files[0].name: False, files[1].name: True}
    py.login("pip", "repo")
    _, site = py.pip_install("demo-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0"
    # Pinned exactly, a yanked version still installs (PEP 592), with pip's warning.
    p, site = py.pip_install("demo-pkg==1.1")
    assert imported_from(py, site, "demo_pkg") == "1.1" and "yanked" in p.stderr.lower()


def test_a_file_read_through_an_upstream_is_retained_downstream(wharf, tmp_path):
    setup(wharf, "upstream", "downstream", upstreams={"downstream": ["upstream"]})
    demo, _ = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "upstream")
    py.twine(*demo)
    assert versions(wharf, "downstream", "demo-pkg") == {}
    py.login("pip", "downstream")
    _, site = py.pip_install("demo-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0"
    assert versions(wharf, "downstream", "demo-pkg") == {"1.0": "Published"}
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "downstream", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.0")["assets"]
    assert demo[0].name in [a["name"] for a in assets]
    # Still installable from downstream once the upstream's copy is gone.
    wharf.ok("delete-package-versions", *D, "--repository", "upstream", "--format", "pypi",
             "--package", "demo-pkg", "--versions", "1.0")
    _, site = py.pip_install("demo-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0"


def test_a_read_only_user_installs_but_cannot_upload(wharf, tmp_path):
    setup(wharf, "repo")
    demo, _ = two_packages(tmp_path)
    root = Py(wharf, tmp_path / "root")
    root.login("twine", "repo")
    root.twine(*demo)
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))

    def admin(*args, stdin=None):
        env = dict(wharf.env, WHARF_ROOT_ACCESS_KEY_ID=wharf.access_key, WHARF_ROOT_SECRET_ACCESS_KEY=wharf.secret)
        p = subprocess.run([binary, "admin", "--data-dir", str(wharf.data_dir), *args], input=stdin,
                           capture_output=True, text=True, env=env, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    admin("user", "create", "reader")
    key = admin("key", "create", "reader")["accessKey"]
    arn = "arn:aws:codeartifact:us-east-1:000000000000:"
    admin("policy", "attach", "reader", "read", "--document", "-", stdin=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["codeartifact:GetAuthorizationToken", "codeartifact:GetRepositoryEndpoint",
                                           "codeartifact:ReadFromRepository"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sts:GetServiceBearerToken", "Resource": "*"}]}))
    env = dict(wharf.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])
    reader = Py(wharf, tmp_path / "reader", env=env)
    reader.login("pip", "repo")
    _, site = reader.pip_install("demo-pkg")
    assert imported_from(reader, site, "demo_pkg") == "1.0"
    reader.login("twine", "repo")
    out = tmp_path / "new"
    out.mkdir()
    p = reader.twine(wheel(out, "demo-pkg", "2.0"), check=False)
    assert p.returncode != 0 and "403" in p.stdout + p.stderr, p.stdout + p.stderr
    assert "not authorized to perform: codeartifact:PublishPackageVersion" in p.stdout + p.stderr
    assert f"on resource: {arn}package/my-domain/repo/pypi//demo-pkg" in p.stdout + p.stderr
    assert versions(wharf, "repo", "demo-pkg") == {"1.0": "Published"}


def multipart(fields, filename, content):
    """A twine-shaped multipart body: (content type, bytes)."""
    boundary = "wharf-test-boundary"
    parts = []
    for k, v in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    if filename is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def form_for(path: Path, name, version, **override):
    content = path.read_bytes()
    fields = {":action": "file_upload", "protocol_version": "1", "metadata_version": "2.1", "name": name,
              "version": version, "filetype": "sdist" if path.name.endswith(".tar.gz") else "bdist_wheel",
              "pyversion": "source" if path.name.endswith(".tar.gz") else "py3",
              "sha256_digest": hashlib.sha256(content).hexdigest()}
    fields.update(override)
    return [(k, v) for k, v in fields.items() if v is not None]


def test_bad_uploads_are_refused_with_a_reason_and_store_nothing(wharf_factory, tmp_path):
    w = wharf_factory("--max-body-bytes", "200000")
    setup(w, "repo")
    tok = token(w)
    good = wheel(tmp_path, "demo-pkg", "1.0")
    fake_wheel = tmp_path / "fake" / good.name
    fake_wheel.parent.mkdir()
    fake_wheel.write_bytes(b"not a zip at all")
    fake_sdist = tmp_path / "fake" / "demo_pkg-1.0.tar.gz"
    fake_sdist.write_bytes(good.read_bytes())
    big = tmp_path / "big" / good.name
    big.parent.mkdir()
    big.write_bytes(os.urandom(300000))
    cases = [
        ("wrong digest", good, form_for(good, "demo-pkg", "1.0", sha256_digest="0" * 64), 400, "digest does not match"),
        ("name disagrees", good, form_for(good, "other-pkg", "1.0"), 400, "is for project 'demo-pkg'"),
        ("version disagrees", good, form_for(good, "demo-pkg", "2.0"), 400, "is for version 1.0"),
        ("invalid version", good, form_for(good, "demo-pkg", "1.0-not a version"), 400, "PEP 440"),
        ("missing field", good, form_for(good, "demo-pkg", "1.0", metadata_version=None), 400, "'metadata_version'"),
        ("wheel not a zip", fake_wheel, form_for(fake_wheel, "demo-pkg", "1.0"), 400, "not a valid zip"),
        ("sdist not a tar.gz", fake_sdist, form_for(fake_sdist, "demo-pkg", "1.0"), 400, "not a gzip"),
        ("oversized", big, form_for(big, "demo-pkg", "1.0"), 413, "the most this repository accepts"),
    ]
    for what, path, fields, status, text in cases:
        ctype, body = multipart(fields, path.name, path.read_bytes())
        got, headers, answer = http(index(w, "repo"), tok, method="POST", data=body, headers={"Content-Type": ctype})
        assert got == status and text in answer.decode(), (what, got, answer)
    assert w.ok("list-packages", *D, "--repository", "repo")["packages"] == []
    # twine prints the reason of a refusal (here: a wheel renamed to another version; twine sends the
    # version its METADATA names).
    bad = wheel(tmp_path / "fake", "demo-pkg", "3.0")
    renamed = tmp_path / "big" / "demo_pkg-1.0-py3-none-any.whl"
    renamed.write_bytes(bad.read_bytes())
    py = Py(w, tmp_path / "twine")
    py.login("twine", "repo")
    p = py.twine(renamed, check=False)
    assert p.returncode != 0 and "400 Bad Request" in p.stdout, p.stdout
    assert "The filename 'demo_pkg-1.0-py3-none-any.whl' is for version 1.0, not 3.0" in p.stdout, p.stdout
    assert w.ok("list-packages", *D, "--repository", "repo")["packages"] == []
    # Credentials: no token or another user → 401 with a Basic challenge pip can answer.
    status, headers, _ = http(index(w, "repo") + "simple/demo-pkg/", "not-a-token")
    assert status == 401 and headers["WWW-Authenticate"] == 'Basic realm="my-domain/repo"'


def test_a_requirements_file_promotes_its_pins_and_pip_installs_them_with_hashes(wharf, tmp_path):
    setup(wharf, "staging", "release")
    demo, app = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "staging")
    py.twine(*demo, *app)
    req = tmp_path / "requirements.txt"
    req.write_text("# pip-compile --generate-hashes\n"
                   f"App_Pkg==1.0 \\\n    --hash=sha256:{sha256(app[0])}\n"
                   f"demo-pkg==1.0 \\\n    --hash=sha256:{sha256(demo[0])}\n")
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    p = subprocess.run([binary, "promote", "--endpoint-url", wharf.endpoint, "--domain", "my-domain",
                        "--source-repository", "staging", "--destination-repository", "release",
                        "--requirements", str(req), "--reason", "pins"],
                       capture_output=True, text=True, env=wharf.env, timeout=120)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["status"] == "APPLIED", result
    assert versions(wharf, "release", "app-pkg") == {"1.0": "Published"}
    assets = wharf.ok("list-package-version-assets", *D, "--repository", "release", "--format", "pypi",
                      "--package", "demo-pkg", "--package-version", "1.0")["assets"]
    assert sorted(a["name"] for a in assets) == sorted(f.name for f in demo)
    py.login("pip", "release")
    _, site = py.pip_install("--require-hashes", "-r", req)
    assert imported_from(py, site, "app_pkg") == "1.0"
    # An unpinned line is refused by its number, and nothing is promoted.
    req.write_text("demo-pkg==1.0\nflask>=2\n")
    p = subprocess.run([binary, "promote", "--endpoint-url", wharf.endpoint, "--domain", "my-domain",
                        "--source-repository", "staging", "--destination-repository", "release",
                        "--requirements", str(req)], capture_output=True, text=True, env=wharf.env, timeout=120)
    assert p.returncode != 0 and "Line 2: 'flask>=2' is not pinned" in p.stderr, p.stderr


# ---- public:pypi: pypiserver plays the public index ----

class PypiServer:
    """pypiserver (from the pypi venv) on a free loopback port, serving one directory, no auth."""

    def __init__(self, packages: Path, log: Path):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self.proc = subprocess.Popen([str(BIN / "pypi-server"), "run", "-p", str(port), "-i", "127.0.0.1",
                                      "-a", ".", "-P", ".", "--disable-fallback", str(packages)],
                                     stdout=open(log, "ab"), stderr=subprocess.STDOUT)
        import time
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("pypiserver exited: " + log.read_text())
            try:
                with urllib.request.urlopen(self.url + "simple/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)  # polling for the port to answer: there is no event to wait on
        self.stop()
        raise RuntimeError("pypiserver did not start: " + log.read_text())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


def test_public_pypi_fetches_what_only_the_external_index_has_and_keeps_it(wharf_factory, tmp_path):
    ext = tmp_path / "public"
    ext.mkdir()
    only = [wheel(ext, "ext-only", "2.0"), sdist(ext, "ext-only", "2.0")]
    wheel(ext, "ext-app", "1.0", requires=["ext-only>=2"])
    server = PypiServer(ext, tmp_path / "pypiserver.log")
    try:
        w = wharf_factory(extra_env={"WHARF_EXTERNAL_CONNECTIONS": f"public:pypi={server.url}"})
        setup(w, "pypi-store", "app", upstreams={"app": ["pypi-store"]})
        out = w.ok("associate-external-connection", *D, "--repository", "pypi-store",
                   "--external-connection", "public:pypi")
        assert out["repository"]["externalConnections"][0]["packageFormat"] == "pypi"
        assert versions(w, "app", "ext-only") == {}
        tok = token(w)
        # The page offers the index's files with their sha256, before anything is stored.
        status, headers, body = http(index(w, "app") + "simple/ext-only/", tok,
                                     accept="application/vnd.pypi.simple.v1+json")
        assert status == 200, body
        page = json.loads(body)
        assert {f["filename"]: f["hashes"]["sha256"] for f in page["files"]} == {p.name: sha256(p) for p in only}
        assert versions(w, "pypi-store", "ext-only") == {}
        py = Py(w, tmp_path)
        py.login("pip", "app")
        _, site = py.pip_install("ext-app")
        assert imported_from(py, site, "ext_only") == "2.0"
        assert imported_from(py, site, "ext_app") == "1.0"
        for repo in ("pypi-store", "app"):
            assert versions(w, repo, "ext-only") == {"2.0": "Published"}, repo
        listed = w.ok("list-package-versions", *D, "--repository", "pypi-store", "--format", "pypi",
                      "--package", "ext-only")["versions"][0]
        assert listed["origin"] == {"domainEntryPoint": {"externalConnectionName": "public:pypi"},
                                    "originType": "EXTERNAL"}, listed
        assets = w.ok("list-package-version-assets", *D, "--repository", "app", "--format", "pypi",
                      "--package", "ext-only", "--package-version", "2.0")["assets"]
        assert [a["name"] for a in assets] == [only[0].name]
        assert assets[0]["hashes"]["SHA-256"] == sha256(only[0])
    finally:
        server.stop()
    # The index is gone: what was installed still installs (pip's cache is off).
    _, site = py.pip_install("ext-app")
    assert imported_from(py, site, "ext_only") == "2.0"
    # Something never fetched is a 502 naming the connection, not a silent 404.
    status, _, body = http(index(w, "app") + f"simple/ext-only/2.0/{only[1].name}", tok)
    assert status == 502 and b"public:pypi" in body, (status, body)


def promote_cli(w, dest, path):
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    return subprocess.run([binary, "promote", "--endpoint-url", w.endpoint, "--domain", "my-domain",
                           "--source-repository", "staging", "--destination-repository", dest,
                           "--requirements", str(path)], capture_output=True, text=True, env=w.env, timeout=120)


def test_uv_lock_and_pylock_promote_their_pins_and_a_wrong_hash_refuses_naming_the_file(wharf, tmp_path):
    setup(wharf, "staging", "release", "other")
    demo, app = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "staging")
    py.twine(*demo, *app)
    whl, sdist_file = demo
    lock = tmp_path / "uv.lock"
    lock.write_text(f"""version = 1
requires-python = ">=3.8"

[[package]]
name = "Demo_Pkg"
version = "1.0"
source = {{ registry = "https://example.invalid/simple" }}
sdist = {{ url = "https://example.invalid/{sdist_file.name}", hash = "sha256:{sha256(sdist_file)}" }}
wheels = [{{ url = "https://example.invalid/{whl.name}", hash = "sha256:{sha256(whl)}" }}]

[[package]]
name = "my-app"
version = "0.1.0"
source = {{ editable = "." }}
""")
    p = promote_cli(wharf, "release", lock)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "APPLIED"
    assert versions(wharf, "release", "demo-pkg") == {"1.0": "Published"}
    assert versions(wharf, "release", "my-app") == {}
    # A pylock.toml whose wheel hash differs from the stored wheel: refused, the wheel named,
    # nothing promoted.
    pylock = tmp_path / "pylock.toml"
    pylock.write_text(f"""lock-version = "1.0"
created-by = "hand"

[[packages]]
name = "demo-pkg"
version = "1.0"
sdist = {{ name = "{sdist_file.name}", url = "https://example.invalid/s", hashes = {{ sha256 = "{sha256(sdist_file)}" }} }}
wheels = [{{ name = "{whl.name}", url = "https://example.invalid/w", hashes = {{ sha256 = "{'0' * 64}" }} }}]

[[packages]]
name = "app-pkg"
version = "1.0"
wheels = [{{ name = "{app[0].name}", url = "https://example.invalid/a", hashes = {{ sha256 = "{sha256(app[0])}" }} }}]
""")
    p = promote_cli(wharf, "other", pylock)
    assert p.returncode != 0, p.stdout
    assert (f"the stored file {whl.name} of demo-pkg==1.0 has sha256 {sha256(whl)}, but the input lists {'0' * 64}"
            in p.stderr), p.stderr
    assert sdist_file.name not in p.stderr, p.stderr
    assert versions(wharf, "other", "demo-pkg") == {} and versions(wharf, "other", "app-pkg") == {}
    # The same file with the right hash promotes both.
    pylock.write_text(pylock.read_text().replace("0" * 64, sha256(whl)))
    p = promote_cli(wharf, "other", pylock)
    assert p.returncode == 0, p.stderr
    assert versions(wharf, "other", "app-pkg") == {"1.0": "Published"}
    # A requirements.txt whose only hash matches no stored file of its pin: refused by its line.
    req = tmp_path / "requirements.txt"
    req.write_text(f"app-pkg==1.0 --hash=sha256:{sha256(app[0])}\ndemo-pkg==1.0 --hash=sha256:{'1' * 64}\n")
    p = promote_cli(wharf, "release", req)
    assert p.returncode != 0 and "Line 2: no stored file of demo-pkg==1.0 has a sha256 the input lists" in p.stderr, \
        p.stderr
    assert versions(wharf, "release", "app-pkg") == {}


def test_file_downloads_revalidate_by_etag_and_serve_ranges(wharf, tmp_path):
    setup(wharf, "repo")
    demo, _ = two_packages(tmp_path)
    py = Py(wharf, tmp_path)
    py.login("twine", "repo")
    py.twine(*demo)
    tok = token(wharf)
    whl = demo[0]
    url = index(wharf, "repo") + f"simple/demo-pkg/1.0/{whl.name}"
    data = whl.read_bytes()
    status, headers, body = http(url, tok)
    assert status == 200 and body == data
    assert headers["ETag"] == f'"{sha256(whl)}"'
    assert headers["Cache-Control"] == "private, no-cache" and headers["Accept-Ranges"] == "bytes"
    status, headers, body = http(url, tok, headers={"If-None-Match": f'"{sha256(whl)}"'})
    assert status == 304 and body == b"" and headers["ETag"] == f'"{sha256(whl)}"'
    status, _, body = http(url, tok, headers={"If-None-Match": '"other"'})
    assert status == 200 and body == data
    status, headers, body = http(url, tok, headers={"Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    status, headers, body = http(url, tok, headers={"Range": f"bytes={len(data) + 5}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    # pip still installs through the same route (a whole-body GET).
    py.login("pip", "repo")
    _, site = py.pip_install("demo-pkg")
    assert imported_from(py, site, "demo_pkg") == "1.0"
