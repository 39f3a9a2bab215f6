"""Authentication through the real clients: SigV4 failures, bearer tokens, anonymous callers."""

import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import error_code, error_message


def call(w, path, token=None, method="POST"):
    req = urllib.request.Request(w.endpoint + path, method=method, data=b"" if method == "POST" else None)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"{}")


def test_signature_failures_through_the_cli(wharf):
    wharf.ok("create-domain", "--domain", "my-domain")
    wrong_secret = dict(wharf.env, AWS_SECRET_ACCESS_KEY="wrong" + wharf.secret)
    rc, _, err = wharf.aws("list-domains", env=wrong_secret)
    assert rc == 255 and error_code(err) == "InvalidSignatureException", err
    unknown_key = dict(wharf.env, AWS_ACCESS_KEY_ID="AKIANOTAKEY000000000")
    rc, _, err = wharf.aws("list-domains", env=unknown_key)
    assert rc == 255 and error_code(err) == "UnrecognizedClientException", err
    assert error_message(err) == "The security token included in the request is invalid.", err
    rc, _, err = wharf.aws("list-domains", env=dict(wharf.env, AWS_DEFAULT_REGION="eu-west-1"))
    assert rc == 255 and error_code(err) == "InvalidSignatureException", err
    # Refused writes change nothing.
    for env, code in [(wrong_secret, "InvalidSignatureException"), (unknown_key, "UnrecognizedClientException")]:
        for args in [("delete-domain", "--domain", "my-domain"), ("create-domain", "--domain", "other-domain")]:
            rc, _, err = wharf.aws(*args, env=env)
            assert (rc, error_code(err)) == (255, code), (args, err)
    assert [d["name"] for d in wharf.ok("list-domains")["domains"]] == ["my-domain"]


def test_anonymous_callers_get_only_health(wharf):
    status, headers, body = call(wharf, "/v1/domains")
    assert status == 403
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert body["message"] == "Missing Authentication Token"
    status, _, body = call(wharf, "/health", method="GET")
    assert status == 200 and body == {"status": "ok"}


def test_bearer_tokens_from_get_authorization_token(wharf):
    wharf.ok("create-domain", "--domain", "my-domain")
    wharf.ok("create-repository", "--domain", "my-domain", "--repository", "repo-1")
    out = wharf.ok("get-authorization-token", "--domain", "my-domain", "--duration-seconds", "900")
    token = out["authorizationToken"]
    assert 800 < out["expiration"] - time.time() <= 901
    status, _, body = call(wharf, "/v1/domains", token)
    assert status == 200 and [d["name"] for d in body["domains"]] == ["my-domain"]
    status, _, body = call(wharf, "/v1/repository?domain=my-domain&repository=repo-1", token, method="GET")
    assert status == 200 and body["repository"]["name"] == "repo-1", body
    # A token with one character changed is refused.
    i = len(token) // 2
    forged = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
    status, headers, body = call(wharf, "/v1/domains", forged)
    assert (status, headers["x-amzn-ErrorType"]) == (400, "UnrecognizedClientException"), (status, body)
    assert body["message"] == "The security token included in the request is invalid."
    # Durations outside 0 and 900..=43200 are refused by the server (botocore checks only the minimum, 0).
    for bad in ["1", "899", "43201"]:
        rc, _, err = wharf.aws("get-authorization-token", "--domain", "my-domain", "--duration-seconds", bad)
        assert rc == 255 and error_code(err) == "ValidationException", (bad, err)
        assert "durationSeconds" in error_message(err), err
    rc, _, err = wharf.aws("get-authorization-token", "--domain", "no-such-domain")
    assert rc == 255 and error_code(err) == "ResourceNotFoundException"
    assert "no-such-domain" in error_message(err), err


def test_a_token_does_not_renew_itself(wharf):
    # GetAuthorizationToken called with a bearer token gives one that ends when the caller's
    # does; SigV4 callers get the full duration.
    wharf.ok("create-domain", "--domain", "my-domain")
    first = wharf.ok("get-authorization-token", "--domain", "my-domain", "--duration-seconds", "900")
    token = first["authorizationToken"]
    for _ in range(2):
        status, _, body = call(wharf, "/v1/authorization-token?domain=my-domain&duration=43200", token)
        assert status == 200, body
        assert body["expiration"] == first["expiration"], body
        token = body["authorizationToken"]
        assert call(wharf, "/v1/domains", token)[0] == 200
    full = wharf.ok("get-authorization-token", "--domain", "my-domain")
    assert full["expiration"] - first["expiration"] > 40_000


def test_unknown_operations_get_the_aws_error_format(wharf):
    wharf.ok("create-domain", "--domain", "my-domain")
    token = wharf.ok("get-authorization-token", "--domain", "my-domain")["authorizationToken"]
    status, headers, body = call(wharf, "/v1/no-such-operation", token)
    assert status == 404 and headers["x-amzn-ErrorType"] == "UnknownOperationException"
    status, headers, _ = call(wharf, "/v1/domains", token, method="GET")
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_root_credentials_are_generated_once_and_kept(tmp_path):
    import os
    import re
    import subprocess
    from conftest import ROOT
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHARF_ROOT_")}
    data = tmp_path / "data"

    def first_lines():
        p = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, text=True)
        lines = [p.stdout.readline() for _ in range(3)]
        p.kill()
        p.wait()
        return "".join(lines)

    first = first_lines()
    assert "Generated the root key pair" in first
    m = re.search(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)", first)
    assert m
    assert "Generated" not in first_lines()
    mode = (data / "root-credentials").stat().st_mode & 0o777
    assert mode == 0o600
    stored = json.loads((data / "root-credentials").read_text())
    assert (stored["accessKeyId"], stored["secretAccessKey"]) == m.groups()
