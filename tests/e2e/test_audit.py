"""The audit trail end to end: publishes (aws CLI and npm), copies (boto3) and refusals leave
exactly the expected records, found through the API (signed by botocore) and `wharf admin events`
(on the data directory and against the service); a token never appears in the trail or the
service's log. Every test has its own service, so they may run in parallel."""

import json
import os
import subprocess
import tempfile
import urllib.parse
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import REGION, npm_http, npm_put, publish, token, wharf_bin

pytestmark = pytest.mark.parallel_safe

D = "my-domain"


def signed(w, method, path, params=None, key=None):
    """A request to Wharf's own API signed by botocore's SigV4 signer; returns (status, JSON)."""
    url = f"{w.endpoint}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = AWSRequest(method=method, url=url, data=b"")
    access, secret = key or (w.access_key, w.secret)
    SigV4Auth(Credentials(access, secret), "codeartifact", REGION).add_auth(req)
    r = urllib.request.Request(url, data=None, headers=dict(req.headers.items()), method=method)
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def events(w, **filters):
    status, body = signed(w, "GET", "/wharf/v1/events", {k.replace("_", "-"): v for k, v in filters.items()})
    assert status == 200, body
    return body["events"]


def admin_events(w, *args, where="remote"):
    target = ["--endpoint-url", w.endpoint] if where == "remote" else ["--data-dir", str(w.data_dir)]
    env = dict(w.env, WHARF_ROOT_ACCESS_KEY_ID=w.access_key, WHARF_ROOT_SECRET_ACCESS_KEY=w.secret)
    p = subprocess.run([wharf_bin(), "admin", *target, "events", *args], capture_output=True, text=True,
                       timeout=60, env=env)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["events"]


def setup(w):
    w.ok("create-domain", "--domain", D)
    for repo in ("staging", "release"):
        w.ok("create-repository", "--domain", D, "--repository", repo)


def user_env(w, name, policy):
    admin = [wharf_bin(), "admin", "--endpoint-url", w.endpoint]
    run = lambda *a, stdin=None: json.loads(subprocess.run(  # noqa: E731
        [*admin, *a], input=stdin, capture_output=True, text=True, check=True, env=w.env, timeout=60).stdout)
    run("user", "create", name)
    key = run("key", "create", name)["accessKey"]
    run("policy", "attach", name, "p", "--document", "-", stdin=json.dumps(policy))
    return key["accessKeyId"], key["secretAccessKey"]


def test_publishes_copies_and_denials_leave_exactly_the_expected_records(wharf, tmp_path):
    setup(wharf)
    for v in ("1.0.0", "1.1.0"):
        publish(wharf, "staging", "tool", v, f"tool {v}".encode(), tmp=tmp_path)
    copied = wharf.client().copy_package_versions(
        domain=D, sourceRepository="staging", destinationRepository="release", format="generic",
        namespace="my-ns", package="tool", versions=["1.0.0", "1.1.0"])
    assert sorted(copied["successfulVersions"]) == ["1.0.0", "1.1.0"]
    reader = user_env(wharf, "reader", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "codeartifact:Describe*", "Resource": "*"}]})
    env = dict(wharf.env, AWS_ACCESS_KEY_ID=reader[0], AWS_SECRET_ACCESS_KEY=reader[1])
    code, _, err = wharf.aws("copy-package-versions", "--domain", D, "--source-repository", "staging",
                             "--destination-repository", "release", "--format", "generic", "--namespace",
                             "my-ns", "--package", "tool", "--versions", "1.0.0", "--allow-overwrite", env=env)
    assert code != 0 and "AccessDeniedException" in err
    # A refused reader may not read the trail either, and that refusal is recorded too.
    status, body = signed(wharf, "GET", "/wharf/v1/events", key=reader)
    assert status == 403 and "wharf:ListAuditEvents" in body["message"]

    publishes = events(wharf, event_name="PublishPackageVersion", repository="staging")
    assert [e["requestParameters"]["version"] for e in publishes] == ["1.1.0", "1.0.0"]  # newest first
    assert all(e["userIdentity"]["type"] == "Root" and e["userIdentity"]["accessKeyId"] == wharf.access_key
               for e in publishes)
    assert all(e["sourceIPAddress"] == "127.0.0.1" and e["userAgent"].startswith("aws-cli/") for e in publishes)
    assert [w["packageVersion"] for e in publishes for w in e["responseElements"]["versionsWritten"]] \
        == ["1.1.0", "1.0.0"]

    copies = events(wharf, event_name="CopyPackageVersions")
    assert len(copies) == 2, copies
    denied, done = copies
    assert denied["errorCode"] == "AccessDeniedException"
    assert denied["userIdentity"]["arn"].endswith(":user/reader")
    assert denied["responseElements"] is None
    assert "Boto3" in done["userAgent"] or "botocore" in done["userAgent"]
    written = done["responseElements"]["versionsWritten"]
    assert sorted((x["repositoryName"], x["packageVersion"], x["operationType"]) for x in written) == [
        ("release", "1.0.0", "Created"), ("release", "1.1.0", "Created")]
    assert events(wharf, event_name="ListAuditEvents")[0]["errorCode"] == "AccessDeniedException"

    # The CLI finds the same records, against the service and on the data directory.
    remote = admin_events(wharf, "--repository", "release", "--event-name", "CopyPackageVersions")
    local = admin_events(wharf, "--repository", "release", "--event-name", "CopyPackageVersions", where="local")
    assert [e["eventID"] for e in remote] == [e["eventID"] for e in local] == [e["eventID"] for e in copies]
    assert admin_events(wharf, "--principal", denied["userIdentity"]["arn"], "--max-results", "1")[0][
        "eventID"] == events(wharf, principal=denied["userIdentity"]["arn"])[0]["eventID"]


def test_npm_writes_are_recorded_and_a_token_appears_nowhere(wharf):
    setup(wharf)
    tok = token(wharf)
    npm_put(wharf, "staging", "@acme/lib", "1.0.0", tok=tok)
    status, _ = npm_http(f"{wharf.endpoint}/npm/{D}/staging/@acme%2flib", "GET", tok=tok)
    assert status == 200
    status, _ = npm_http(f"{wharf.endpoint}/npm/{D}/staging/@acme%2flib", "GET", tok=tok + "x")
    assert status == 401

    recorded = events(wharf, domain=D, repository="staging", package="acme/lib")
    assert [e["eventName"] for e in recorded] == ["ReadFromRepository", "PublishPackageVersion"], recorded
    refused, published = recorded
    assert refused["errorCode"] and refused["userIdentity"]["type"] == "Unknown"
    assert published["requestParameters"]["packageFormat"] == "npm"
    assert published["requestParameters"]["requestUri"] == f"/npm/{D}/staging/@acme%2flib"
    assert published["responseElements"]["versionsWritten"][0]["packageNamespace"] == "acme"
    # The successful read is not recorded (no --audit-reads).
    trail = json.dumps(events(wharf)) + json.dumps(admin_events(wharf, where="local"))
    assert tok not in trail and tok.split(".")[-1] not in trail
    assert wharf.secret not in trail
    log = wharf.log.read_text()
    assert tok not in log and tok.split(".")[-1] not in log


def test_reads_are_recorded_with_audit_reads(wharf_factory):
    w = wharf_factory("--audit-reads")
    setup(w)
    w.ok("describe-domain", "--domain", D)
    reads = events(w, event_name="DescribeDomain")
    assert len(reads) == 1 and reads[0]["readOnly"] is True and reads[0]["responseElements"] is None


@pytest.mark.parametrize("mode, recorded", [("writes", {"CreateDomain", "CreateRepository", "DescribeDomain"}),
                                             ("all", {"CreateDomain", "CreateRepository", "DescribeDomain"}),
                                             ("off", set())])
def test_the_audit_switch_chooses_what_is_recorded(wharf_factory, mode, recorded):
    w = wharf_factory("--audit", mode)
    setup(w)
    w.ok("describe-domain", "--domain", D)
    # A refusal (a bad signature), recorded whenever the trail is on.
    code, _, err = w.aws("describe-domain", "--domain", D, env=dict(w.env, AWS_SECRET_ACCESS_KEY="wrong" * 8))
    assert code != 0 and "InvalidSignatureException" in err, err
    names = [e["eventName"] for e in admin_events(w, where="local")]
    if mode == "off":
        assert names == []
        return
    assert set(names) == recorded, names
    reads = [n for n in names if n == "DescribeDomain"]
    # writes: only the refused read; all: the one that succeeded too.
    assert len(reads) == (2 if mode == "all" else 1), names
