"""TLS and the public URL: `wharf serve --tls-cert/--tls-key` serves HTTPS to the aws CLI, boto3 and
npm (with a throwaway certificate authority made by openssl), and the URLs it returns are https;
`--public-url` sets the scheme and host of returned URLs and refuses requests for another Host."""

import http.client
import json
import subprocess
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from conftest import REGION, Npm, publish
from test_npm import publish as npm_publish


def throwaway_cert(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    return cert, key


def test_https_for_the_aws_cli_boto3_and_npm(wharf_factory, tmp_path, monkeypatch):
    cert, key = throwaway_cert(tmp_path)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))  # the aws CLI and boto3
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(cert))  # npm
    w = wharf_factory("--tls-cert", str(cert), "--tls-key", str(key))
    assert w.endpoint.startswith("https://127.0.0.1:")
    w.ok("create-domain", "--domain", "my-domain")
    for r in ("repo-1", "repo-2"):
        w.ok("create-repository", "--domain", "my-domain", "--repository", r)
    publish(w, "repo-1", "pkg", "1.0", b"over tls")
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-1", format="generic",
                                               namespace="my-ns", package="pkg", packageVersion="1.0",
                                               asset="asset.txt")
    assert got["asset"].read() == b"over tls"
    endpoint = w.ok("get-repository-endpoint", "--domain", "my-domain", "--repository", "repo-1", "--format", "npm")
    assert endpoint["repositoryEndpoint"] == f"{w.endpoint}/npm/my-domain/repo-1/"

    npm1 = Npm(w, "repo-1", tmp_path / "a")
    npm_publish(npm1, "tls-pkg", "1.0.0")
    view = npm1.json("view", "tls-pkg")
    assert view["version"] == "1.0.0"
    assert view["dist"]["tarball"].startswith(f"{w.endpoint}/npm/my-domain/repo-1/")

    # Plain HTTP to the TLS port is not served.
    host, port = w.endpoint.removeprefix("https://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/health")
        refused = conn.getresponse().status != 200
    except (http.client.HTTPException, OSError):
        refused = True
    assert refused


def signed(w, host, method, path_and_query):
    """Sends a request SigV4-signed for `host` to the service's socket (as a proxy would forward it)."""
    url = f"http://{host}{path_and_query}"
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=b"")
    creds = botocore.credentials.Credentials(w.access_key, w.secret)
    botocore.auth.SigV4Auth(creds, "codeartifact", REGION).add_auth(req)
    addr = urllib.parse.urlparse(w.endpoint)
    conn = http.client.HTTPConnection(addr.hostname, addr.port, timeout=30)
    conn.request(method, path_and_query, body=b"", headers={**dict(req.headers.items()), "Host": host})
    resp = conn.getresponse()
    return resp.status, resp.getheader("x-amzn-ErrorType"), json.loads(resp.read() or b"null")


def test_public_url_sets_returned_urls_and_refuses_other_hosts(wharf_factory):
    w = wharf_factory("--public-url", "https://pkg.example.test/")
    q = "?domain=my-domain"
    assert signed(w, "pkg.example.test", "POST", f"/v1/domain{q}")[0] == 200
    assert signed(w, "pkg.example.test", "POST", f"/v1/repository{q}&repository=repo-1")[0] == 200
    status, _, body = signed(w, "pkg.example.test", "GET", f"/v1/repository/endpoint{q}&repository=repo-1&format=npm")
    assert status == 200, body
    assert body["repositoryEndpoint"] == "https://pkg.example.test/npm/my-domain/repo-1/"

    # The aws CLI reaching the socket directly sends Host 127.0.0.1:PORT: refused, nothing created.
    rc, _, err = w.aws("create-domain", "--domain", "other")
    assert rc != 0 and "ValidationException" in err and "pkg.example.test" in err, err
    status, code, body = signed(w, "evil.example", "GET", f"/v1/repository/endpoint{q}&repository=repo-1&format=npm")
    assert (status, code) == (400, "ValidationException"), body
    status, _, body = signed(w, "pkg.example.test", "POST", "/v1/domains")
    assert [d["name"] for d in body["domains"]] == ["my-domain"]
