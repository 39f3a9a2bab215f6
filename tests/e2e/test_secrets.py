"""Secrets at rest and the demo's token, on the real binary: the data directory is private (0700,
files 0600, a looser one tightened at start with a log line); a user's secret access key is not
in any file of it, still signs after a restart, and is a loud error naming the key under another
root secret; `--demo` prints a token of a demo user that cannot create domains nor administer."""

import json
import re
import secrets
import stat
import urllib.error
import urllib.request
from pathlib import Path

from conftest import Wharf, error_code, publish
from test_iam import admin, run_admin


def modes(root: Path):
    """{relative path: permission bits} of everything under `root`, `root` itself as "."."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for p in root.rglob("*"):
        if not p.is_symlink():
            out[str(p.relative_to(root))] = stat.S_IMODE(p.stat().st_mode)
    return out


def log_lines(w, text):
    """The lines of the service's log that contain `text`, without terminal colours."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", w.log.read_text())
    return [line for line in log.splitlines() if text in line]


def request(w, method, path, token):
    req = urllib.request.Request(w.endpoint + path, method=method, data=b"" if method == "POST" else None,
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"{}")


def test_the_data_directory_is_private_and_a_looser_one_is_tightened(tmp_path):
    data = tmp_path / "data"
    (data / "blobs" / "old").mkdir(parents=True)
    (data / "blobs" / "old" / "blob").write_bytes(b"left by an older wharf")
    for d in [data, data / "blobs", data / "blobs" / "old"]:
        d.chmod(0o755)
    (data / "blobs" / "old" / "blob").chmod(0o644)
    w = Wharf(data)
    try:
        w.ok("create-domain", "--domain", "my-domain")
        w.ok("create-repository", "--domain", "my-domain", "--repository", "repo")
        publish(w, "repo", "pkg", "1.0.0", b"some bytes", tmp=tmp_path)
        found = modes(data)
        assert {"wharf.db", "wharf.db-wal", "wharf.db-shm"} <= set(found), found
        assert any(k.startswith("blobs/") and k != "blobs/old" and k != "blobs/old/blob" for k in found), found
        for path, mode in found.items():
            want = 0o700 if (data / path).is_dir() else 0o600
            assert mode == want, (path, oct(mode))
        lines = log_lines(w, "tightened the data directory")
        assert len(lines) == 1, w.log.read_text()
        assert "directories=3" in lines[0] and "files=1" in lines[0], lines[0]
        # Once private, a restart has nothing to tighten.
        w.restart()
        assert len(log_lines(w, "tightened the data directory")) == 1
    finally:
        w.kill9()


def test_a_users_secret_is_encrypted_at_rest_and_signs_after_a_restart(wharf):
    wharf.ok("create-domain", "--domain", "my-domain")
    admin(wharf, "user", "create", "reader")
    key = admin(wharf, "key", "create", "reader")["accessKey"]
    admin(wharf, "policy", "attach", "reader", "list", "--document", "-", stdin=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "codeartifact:ListDomains", "Resource": "*"}]}))
    secret = key["secretAccessKey"].encode()
    env = dict(wharf.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])
    assert wharf.aws("list-domains", env=env)[0] == 0

    def files_holding_the_secret():
        return [p for p in wharf.data_dir.rglob("*") if p.is_file() and secret in p.read_bytes()]

    assert files_holding_the_secret() == []
    wharf.restart()
    rc, out, err = wharf.aws("list-domains", env=env)
    assert rc == 0 and [d["name"] for d in out["domains"]] == ["my-domain"], err
    assert files_holding_the_secret() == []

    # Under another root secret the key cannot be opened: a loud error naming it, never a guess,
    # and `wharf admin` refuses to seal anything with that secret.
    old_secret, wharf.secret = wharf.secret, secrets.token_urlsafe(30)
    wharf.restart()
    assert any(key["accessKeyId"] in line for line in log_lines(wharf, "does not decrypt")), wharf.log.read_text()
    rc, _, err = wharf.aws("list-domains", env=env)
    assert rc == 255 and error_code(err) == "InternalServerException", err
    p = run_admin(wharf, "local", "key", "create", "reader")
    assert p.returncode == 1 and key["accessKeyId"] in p.stderr, p.stderr
    wharf.secret = old_secret
    wharf.restart()
    assert wharf.aws("list-domains", env=env)[0] == 0


def test_admin_on_the_data_directory_needs_the_root_key_pair(wharf):
    env = {k: v for k, v in wharf.env.items() if not k.startswith("WHARF_ROOT_")}
    p = run_admin(wharf, "local", "user", "list", env=env)
    assert p.returncode == 1 and "WHARF_ROOT_SECRET_ACCESS_KEY" in p.stderr, p.stderr


def test_the_demo_prints_a_demo_users_token_that_cannot_administer(wharf_factory):
    w = wharf_factory("--demo")
    banner = ""
    while "IAM user 'demo'" not in banner:
        line = w.proc.stdout.readline()
        assert line, f"no demo user in the banner: {banner}"
        banner += line
    # The next line is the token, or the console's sign-in link with it (when dist/ is built).
    token = w.proc.stdout.readline().strip().split("token=")[-1]
    assert w.secret not in banner + token, banner
    status, _, body = request(w, "POST", "/v1/domains", token)
    assert status == 200 and [d["name"] for d in body["domains"]] == ["demo"], body
    status, headers, _ = request(w, "POST", "/v1/domain?domain=mine", token)
    assert status == 403 and headers["x-amzn-ErrorType"] == "AccessDeniedException"
    status, headers, _ = request(w, "GET", "/wharf/admin/users", token)
    assert status == 403 and headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert [d["name"] for d in w.ok("list-domains")["domains"]] == ["demo"]
