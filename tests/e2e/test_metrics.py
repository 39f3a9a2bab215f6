"""Metrics and request logs end to end: the real binary with `--metrics-listen` and
`--log-format json`, driven by boto3 and a bearer-token npm request; the exposition is read
with the Prometheus project's own parser, and every log line with Python's JSON parser."""

import hashlib
import json
import re
import urllib.error
import urllib.request

import botocore.exceptions
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from conftest import npm_http

pytestmark = pytest.mark.parallel_safe

ARGS = dict(domain="obs", format="generic", namespace="ns")


def metrics_url(w):
    """The metrics address `wharf serve` prints after its listening line."""
    for _ in range(20):
        m = re.search(r"wharf metrics on (http://[0-9.:]+/metrics)", w.proc.stdout.readline())
        if m:
            return m.group(1)
    raise AssertionError("wharf did not print its metrics address")


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers.get_content_type() == "application/openmetrics-text"
        return {f.name: f for f in text_string_to_metric_families(r.read().decode())}


def value(families, family, sample, **labels):
    """The value of one sample of a family (0 when absent, as Prometheus reads a missing series)."""
    found = [s.value for s in families[family].samples if s.name == sample and s.labels == labels]
    assert len(found) <= 1
    return found[0] if found else 0


def request_id(call):
    """Calls boto3; returns (status, request id) whether it succeeded or not."""
    try:
        meta = call()["ResponseMetadata"]
    except botocore.exceptions.ClientError as e:
        meta = e.response["ResponseMetadata"]
    return meta["HTTPStatusCode"], meta["RequestId"]


def test_metrics_count_the_calls_and_json_logs_name_each_request(wharf_factory):
    w = wharf_factory("--metrics-listen", "127.0.0.1:0", "--log-format", "json")
    url = metrics_url(w)
    c = w.client()
    content = b"observed bytes\n"
    calls = [
        ("CreateDomain", lambda: c.create_domain(domain="obs")),
        ("CreateRepository", lambda: c.create_repository(domain="obs", repository="src")),
        ("CreateRepository", lambda: c.create_repository(domain="obs", repository="dst")),
        ("PublishPackageVersion", lambda: c.publish_package_version(
            repository="src", package="pkg", packageVersion="1.0", assetContent=content, assetName="a.txt",
            assetSHA256=hashlib.sha256(content).hexdigest(), **ARGS)),
        ("CopyPackageVersions", lambda: c.copy_package_versions(
            sourceRepository="src", destinationRepository="dst", package="pkg", versions=["1.0"], **ARGS)),
        ("DescribeDomain", lambda: c.describe_domain(domain="missing")),
        ("GetAuthorizationToken", lambda: c.get_authorization_token(domain="obs")),
    ]
    made = [(op, *request_id(call)) for op, call in calls]
    statuses = [status for _, status, _ in made]
    assert statuses == [200, 200, 200, 200, 200, 404, 200]
    token = c.get_authorization_token(domain="obs")["authorizationToken"]
    made.append(("GetAuthorizationToken", 200, None))
    status, _ = npm_http(f"{w.endpoint}/npm/obs/src/no-such-package", "GET", tok=token)
    assert status == 404
    made.append(("NpmRead", 404, None))
    # Moved off the main port: there it is no route at all.
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{w.endpoint}/metrics", timeout=10)
    assert e.value.code == 404
    made.append(("Metrics", 404, None))

    families = scrape(url)
    expected = {}
    for op, status, _ in made:
        expected[(op, status)] = expected.get((op, status), 0) + 1
    for (op, status), n in expected.items():
        labels = dict(operation=op, status=str(status))
        assert value(families, "wharf_http_requests", "wharf_http_requests_total", **labels) == n, (op, status)
        assert value(families, "wharf_http_request_duration_seconds",
                     "wharf_http_request_duration_seconds_count", **labels) == n, (op, status)
    counted = sum(s.value for s in families["wharf_http_requests"].samples if s.name == "wharf_http_requests_total")
    # Every request made, plus the health check of the fixture: nothing else and nothing lost.
    assert counted == len(made) + 1
    assert value(families, "wharf_versions_copied", "wharf_versions_copied_total") == 1
    assert value(families, "wharf_blob_bytes_written", "wharf_blob_bytes_written_total") == len(content)
    assert value(families, "wharf_db_pool_connections", "wharf_db_pool_connections") >= 1

    log = w.log.read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("target") == "wharf::request"]
    assert len(requests) == len(made) + 1
    for op, status, rid in made:
        if rid is None:
            continue
        [line] = [r for r in requests if r["request_id"] == rid]
        assert (line["operation"], line["status"]) == (op, status)
        assert line["principal"] == "arn:aws:iam::000000000000:root"
        assert line["access_key_id"] == w.access_key
        assert isinstance(line["latency_ms"], (int, float)) and line["latency_ms"] >= 0
        assert line["method"] in ("GET", "POST", "PUT", "DELETE")
    [npm_line] = [r for r in requests if r["operation"] == "NpmRead"]
    assert npm_line["status"] == 404 and npm_line["principal"] == "arn:aws:iam::000000000000:root"
    assert npm_line["path"] == "/npm/obs/src/no-such-package"
    for secret in (w.secret, token, "Signature=", "Bearer", "X-Amz-Signature", "Credential="):
        assert secret not in log, f"{secret[:12]}… in the log"
