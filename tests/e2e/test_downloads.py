"""Downloads of assets (GetPackageVersionAsset) and npm tarballs: `ETag` (the content's SHA-256),
`Cache-Control`, `If-None-Match` (304) and single `Range`s (206, 416), driven by boto3, requests (signed
by botocore's SigV4 signer for the API, a bearer token for npm) and curl."""

import hashlib
import subprocess
import urllib.parse

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import REGION, npm_put, npm_tarball, publish, registry, token

pytestmark = pytest.mark.parallel_safe

CONTENT = bytes(range(256)) * 40  # 10,240 bytes
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def stored(wharf):
    """A domain with one generic version (one 10 KB asset) and one npm version."""
    w = wharf
    w.ok("create-domain", "--domain", "my-domain")
    w.ok("create-repository", "--domain", "my-domain", "--repository", "repo")
    publish(w, "repo", "pkg", "1.0.0", CONTENT, asset="data.bin")
    tok = token(w)
    npm_put(w, "repo", "dl-pkg", "1.0.0", tok=tok)
    return w, tok


def asset_url(w, **extra):
    q = dict(domain="my-domain", repository="repo", format="generic", namespace="my-ns", package="pkg",
             version="1.0.0", asset="data.bin", **extra)
    return f"{w.endpoint}/v1/package/version/asset?{urllib.parse.urlencode(q)}"


def signed_get(w, url, *headers):
    """A GET signed by botocore's SigV4 signer, sent by requests: (status, headers lower-cased, body)."""
    extra = dict(h.split(": ", 1) for h in headers)
    req = AWSRequest(method="GET", url=url, headers=extra)
    SigV4Auth(Credentials(w.access_key, w.secret), "codeartifact", REGION).add_auth(req)
    r = requests.get(url, headers=dict(req.headers), timeout=60)
    return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content


def test_asset_has_etag_and_caching_headers(stored):
    w, _ = stored
    c = w.client()
    args = dict(domain="my-domain", repository="repo", format="generic", namespace="my-ns", package="pkg",
                packageVersion="1.0.0", asset="data.bin")
    out = c.get_package_version_asset(**args)
    assert out["asset"].read() == CONTENT
    h = out["ResponseMetadata"]["HTTPHeaders"]
    assert h["etag"] == f'"{SHA}"'
    # Without a revision the URL names a version, which may be deleted and published again.
    assert h["cache-control"] == "private, no-cache"
    assert h["accept-ranges"] == "bytes"
    # With the revision (a digest of the content) the bytes can never change.
    pinned = c.get_package_version_asset(packageVersionRevision=out["packageVersionRevision"], **args)
    assert pinned["asset"].read() == CONTENT
    assert pinned["ResponseMetadata"]["HTTPHeaders"]["cache-control"] == "private, max-age=31536000, immutable"


def test_asset_if_none_match_and_ranges(stored):
    w, _ = stored
    url = asset_url(w)
    status, h, body = signed_get(w, url, f'If-None-Match: "{SHA}"')
    assert (status, body) == (304, b"")
    assert h["etag"] == f'"{SHA}"'
    status, _, body = signed_get(w, url, 'If-None-Match: "0000"')
    assert (status, body) == (200, CONTENT)

    status, h, body = signed_get(w, url, "Range: bytes=100-199")
    assert (status, body) == (206, CONTENT[100:200])
    assert h["content-range"] == f"bytes 100-199/{len(CONTENT)}"
    assert h["content-length"] == "100"
    assert h["x-packageversion"] == "1.0.0"
    status, h, body = signed_get(w, url, "Range: bytes=-16")
    assert (status, body) == (206, CONTENT[-16:])
    status, h, body = signed_get(w, url, f"Range: bytes={len(CONTENT)}-")
    assert (status, body) == (416, b"")
    assert h["content-range"] == f"bytes */{len(CONTENT)}"
    # Several ranges are answered with the whole body; so is a stale If-Range.
    status, _, body = signed_get(w, url, "Range: bytes=0-1,5-6")
    assert (status, body) == (200, CONTENT)
    status, _, body = signed_get(w, url, "Range: bytes=0-9", 'If-Range: "stale"')
    assert (status, body) == (200, CONTENT)
    status, _, body = signed_get(w, url, "Range: bytes=0-9", f'If-Range: "{SHA}"')
    assert (status, body) == (206, CONTENT[:10])


def test_asset_download_is_still_authorized(stored):
    w, _ = stored
    # A conditional request is no way around authentication.
    r = requests.get(asset_url(w), headers={"If-None-Match": f'"{SHA}"', "Range": "bytes=0-9"}, timeout=30)
    assert r.status_code in (401, 403)
    assert CONTENT[:10] not in r.content


def test_npm_tarball_etag_304_and_range(stored):
    w, tok = stored
    tgz, _ = npm_tarball("dl-pkg", "1.0.0")
    sha = hashlib.sha256(tgz).hexdigest()
    url = registry(w, "repo") + "dl-pkg/-/dl-pkg-1.0.0.tgz"
    auth = {"Authorization": f"Bearer {tok}"}
    with requests.Session() as s:
        r = s.get(url, headers=auth, timeout=30)
        assert (r.status_code, r.content) == (200, tgz)
        assert r.headers["ETag"] == f'"{sha}"'
        assert r.headers["Cache-Control"] == "private, no-cache"
        r = s.get(url, headers={**auth, "If-None-Match": r.headers["ETag"]}, timeout=30)
        assert (r.status_code, r.content) == (304, b"")
        r = s.get(url, headers={**auth, "Range": "bytes=10-29"}, timeout=30)
        assert (r.status_code, r.content) == (206, tgz[10:30])
        assert r.headers["Content-Range"] == f"bytes 10-29/{len(tgz)}"
        r = s.get(url, headers={**auth, "Range": f"bytes={len(tgz) + 5}-"}, timeout=30)
        assert r.status_code == 416
        r = s.get(url, headers={"If-None-Match": f'"{sha}"'}, timeout=30)
        assert r.status_code == 401
    # curl resuming a partial download ends with the right bytes.
    out = subprocess.run(["curl", "-sS", "-f", "-H", f"Authorization: Bearer {tok}", "-r", "0-99", url],
                         capture_output=True, check=True, timeout=60).stdout
    assert out == tgz[:100]
