"""Bad input gets a ValidationException naming the field and changes nothing."""

import hashlib
import json
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import Wharf, domain_state, error_code, error_message, publish

BASE = ["--domain", "my-domain", "--source-repository", "repo-1", "--destination-repository", "repo-2",
        "--format", "generic", "--namespace", "my-ns", "--package", "my-package"]


@pytest.fixture
def seeded(wharf, tmp_path):
    wharf.ok("create-domain", "--domain", "my-domain")
    for r in ["repo-1", "repo-2"]:
        wharf.ok("create-repository", "--domain", "my-domain", "--repository", r)
    publish(wharf, "repo-1", "my-package", "1.0.0", b"one", tmp=tmp_path)
    return wharf


@pytest.fixture(scope="module")
def many():
    """One service for the module's refused copies (each checks that it wrote nothing): repo-1
    holds my-package 1.0.0 … 1.0.100, so an accepted oversized request would visibly copy them
    all; repo-2 is empty."""
    d = Path(tempfile.mkdtemp(prefix="wharf-e2e-"))
    w = Wharf(d / "data")
    try:
        c = w.client()
        c.create_domain(domain="my-domain")
        for r in ["repo-1", "repo-2"]:
            c.create_repository(domain="my-domain", repository=r)

        def pub(i):
            body = f"v{i}".encode()
            w.client().publish_package_version(domain="my-domain", repository="repo-1", format="generic",
                                               namespace="my-ns", package="my-package", packageVersion=f"1.0.{i}",
                                               assetContent=body, assetName="asset.txt",
                                               assetSHA256=hashlib.sha256(body).hexdigest())

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(pub, range(101)))
        yield w
    finally:
        w.kill9()
        shutil.rmtree(d, ignore_errors=True)


def names_field(message, field):
    """Whether `message` names `field` as a whole word (`versions` is not in `versionRevisions`)."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(field)}(?![A-Za-z0-9])", message) is not None


ALL = [f"1.0.{i}" for i in range(101)]
GENERIC = ["--format", "generic", "--namespace", "my-ns", "--package", "my-package"]


@pytest.mark.parametrize("args, fields", [
    pytest.param(BASE + ["--versions", "1.0.0", "--version-revisions", "1.0.0=abc"], ["versions", "versionRevisions"],
                 id="versions-and-revisions"),
    pytest.param(BASE, ["versions", "versionRevisions"], id="neither"),
    pytest.param(BASE + ["--versions", json.dumps(ALL)], ["versions"], id="101-versions"),
    pytest.param(BASE + ["--version-revisions", ",".join(f"{v}=rev" for v in ALL)], ["versionRevisions"],
                 id="101-revisions"),
    pytest.param(BASE + ["--versions", "[]"], ["versions"], id="empty-versions"),
    pytest.param(["--domain", "My-Domain"] + BASE[2:] + ["--versions", "1.0.0"], ["domain"], id="domain-capitals"),
    pytest.param(BASE[:6] + ["--format", "pypi", "--namespace", "ns", "--package", "requests", "--versions", "1.0"],
                 ["namespace"], id="namespace-on-pypi"),
    pytest.param(BASE[:6] + ["--format", "generic", "--package", "my-package", "--versions", "1.0.0"], ["namespace"],
                 id="no-namespace-on-generic"),
    pytest.param(BASE[:6] + ["--format", "foo", "--namespace", "my-ns", "--package", "p", "--versions", "1.0"], ["format"],
                 id="unknown-format"),
    pytest.param(BASE[:6] + ["--format", "generic", "--namespace", "my-ns", "--package", "my package", "--versions", "1.0.0"],
                 ["package"], id="package-with-space"),
    pytest.param(["--domain", "my-domain", "--source-repository", "repo-1", "--destination-repository", "repo-1"] + BASE[6:]
                 + ["--versions", "1.0.0"], ["destinationRepository"], id="same-source-and-destination"),
])
def test_invalid_copy_requests_name_the_field_and_write_nothing(many, args, fields):
    before = domain_state(many)
    rc, _, err = many.aws("copy-package-versions", *args)
    assert (rc, error_code(err)) == (255, "ValidationException"), err
    message = error_message(err)
    assert all(names_field(message, f) for f in fields), (fields, message)
    assert domain_state(many) == before, "a refused request wrote something"


def test_validation_exceptions_carry_the_models_wording_reason_and_status(seeded):
    c = seeded.client()
    with pytest.raises(c.exceptions.ValidationException) as e:
        c.copy_package_versions(domain="My-Domain", sourceRepository="repo-1", destinationRepository="repo-2",
                                format="generic", namespace="my-ns", package="my-package", versions=["1.0.0"])
    r = e.value.response
    assert (r["ResponseMetadata"]["HTTPStatusCode"], r.get("reason")) == (400, "FIELD_VALIDATION_FAILED")
    assert r["Error"]["Message"] == ("1 validation error detected: Value 'My-Domain' at 'domain' failed to satisfy "
                                     "constraint: Member must satisfy regular expression pattern: "
                                     "[a-z][a-z0-9\\-]{0,48}[a-z0-9]")
    # Every violation is reported at once: the domain, the format and the package name.
    with pytest.raises(c.exceptions.ValidationException) as e:
        c.copy_package_versions(domain="MY_DOMAIN", sourceRepository="repo-1", destinationRepository="repo-2",
                                format="foo", package="lo dash", versions=["1.0.0"])
    msg = e.value.response["Error"]["Message"]
    assert msg.startswith("3 validation errors detected: Value 'MY_DOMAIN' at 'domain' failed to satisfy constraint"), msg
    assert all(f"at '{f}'" in msg for f in ["domain", "format", "package"]), msg
    assert e.value.response["reason"] == "FIELD_VALIDATION_FAILED"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_publish_rejects_a_wrong_checksum_and_non_generic_formats(seeded, tmp_path):
    before = domain_state(seeded)
    f = tmp_path / "x.txt"
    f.write_bytes(b"payload")
    rc, _, err = seeded.aws("publish-package-version", "--domain", "my-domain", "--repository", "repo-1", "--format", "generic",
                            "--namespace", "ns", "--package", "p", "--package-version", "1.0", "--asset-content", str(f),
                            "--asset-name", "x.txt", "--asset-sha256", "0" * 64)
    assert (rc, error_code(err)) == (255, "ValidationException"), err
    # assetSHA256 travels as x-amz-content-sha256 (the model's location), so SigV4 refuses it first.
    assert error_message(err) == "The provided x-amz-content-sha256 header does not match what was computed.", err
    rc, _, err = seeded.aws("publish-package-version", "--domain", "my-domain", "--repository", "repo-1", "--format", "npm",
                            "--package", "p", "--package-version", "1.0", "--asset-content", str(f), "--asset-name", "x.txt",
                            "--asset-sha256", "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5")
    assert (rc, error_code(err)) == (255, "ValidationException"), err
    assert names_field(error_message(err), "format"), err
    assert domain_state(seeded) == before, "a refused publish wrote something"


def test_published_assets_are_immutable(seeded, tmp_path):
    publish(seeded, "repo-1", "g", "1.0", b"first", unfinished=True, tmp=tmp_path)
    # Same name, same bytes: idempotent; same name, other bytes: conflict.
    publish(seeded, "repo-1", "g", "1.0", b"first", unfinished=True, tmp=tmp_path)
    with pytest.raises(AssertionError, match="ConflictException"):
        publish(seeded, "repo-1", "g", "1.0", b"second", unfinished=True, tmp=tmp_path)
    publish(seeded, "repo-1", "g", "1.0", b"more", asset="b.txt", tmp=tmp_path)
    with pytest.raises(AssertionError, match="ConflictException"):
        publish(seeded, "repo-1", "g", "1.0", b"late", asset="c.txt", tmp=tmp_path)
    assets = seeded.ok("list-package-version-assets", "--domain", "my-domain", "--repository", "repo-1", "--format", "generic",
                       "--namespace", "my-ns", "--package", "g", "--package-version", "1.0")["assets"]
    assert [a["name"] for a in assets] == ["asset.txt", "b.txt"]


def test_page_size_and_token_are_checked(seeded):
    c = seeded.client()
    for kw in [{"maxResults": 1001}, {"nextToken": "not-a-token"}]:
        with pytest.raises(c.exceptions.ValidationException) as e:
            c.list_package_versions(domain="my-domain", repository="repo-1", format="generic", namespace="my-ns",
                                    package="my-package", **kw)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert names_field(e.value.response["Error"]["Message"], *kw), e.value.response["Error"]


def test_upstream_rules(seeded):
    c = seeded.client()
    for name in [f"u{i:02d}" for i in range(11)]:
        c.create_repository(domain="my-domain", repository=name)
    before = domain_state(seeded)
    with pytest.raises(c.exceptions.ValidationException) as e:
        c.create_repository(domain="my-domain", repository="many", upstreams=[{"repositoryName": f"u{i:02d}"} for i in range(11)])
    assert names_field(e.value.response["Error"]["Message"], "upstreams"), e.value.response["Error"]
    assert domain_state(seeded) == before, "a refused create wrote something"
    c.update_repository(domain="my-domain", repository="u00", upstreams=[{"repositoryName": "u01"}])
    before = domain_state(seeded)
    with pytest.raises(c.exceptions.ValidationException, match="cycle"):
        c.update_repository(domain="my-domain", repository="u01", upstreams=[{"repositoryName": "u00"}])
    assert domain_state(seeded) == before, "a refused update wrote something"
