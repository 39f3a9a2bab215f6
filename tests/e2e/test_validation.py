"""Bad input gets a ValidationException naming the field and changes nothing."""

import pytest

from conftest import error_code, publish

BASE = ["--domain", "my-domain", "--source-repository", "repo-1", "--destination-repository", "repo-2",
        "--format", "generic", "--namespace", "my-ns", "--package", "my-package"]


@pytest.fixture
def seeded(wharf, tmp_path):
    wharf.ok("create-domain", "--domain", "my-domain")
    for r in ["repo-1", "repo-2"]:
        wharf.ok("create-repository", "--domain", "my-domain", "--repository", r)
    publish(wharf, "repo-1", "my-package", "1.0.0", b"one", tmp=tmp_path)
    return wharf


def repo2_packages(w):
    return w.ok("list-packages", "--domain", "my-domain", "--repository", "repo-2")["packages"]


@pytest.mark.parametrize("args, field", [
    (BASE + ["--versions", "1.0.0", "--version-revisions", "1.0.0=abc"], "versions"),
    (BASE + ["--versions", *[f"1.0.{i}" for i in range(101)]], "versions"),
    (["--domain", "My-Domain"] + BASE[2:] + ["--versions", "1.0.0"], "domain"),
    (BASE[:6] + ["--format", "pypi", "--namespace", "ns", "--package", "requests", "--versions", "1.0"], "namespace"),
    (BASE[:6] + ["--format", "foo", "--namespace", "my-ns", "--package", "p", "--versions", "1.0"], "format"),
    (BASE, "versions"),
    (["--domain", "my-domain", "--source-repository", "repo-1", "--destination-repository", "repo-1"] + BASE[6:] + ["--versions", "1.0.0"], "destinationRepository"),
])
def test_invalid_copy_requests_name_the_field_and_write_nothing(seeded, args, field):
    rc, _, err = seeded.aws("copy-package-versions", *args)
    assert rc == 255
    assert error_code(err) == "ValidationException", err
    assert f"at '{field}" in err or f"'{field}'" in err or field in err, err
    assert repo2_packages(seeded) == []


def test_every_violation_is_reported_at_once(seeded):
    c = seeded.client()
    with pytest.raises(c.exceptions.ValidationException) as e:
        c.copy_package_versions(domain="MY_DOMAIN", sourceRepository="repo-1", destinationRepository="repo-2",
                                format="foo", package="lo dash", versions=["1.0.0"])
    msg = e.value.response["Error"]["Message"]
    assert msg.startswith("3 validation errors detected: Value 'MY_DOMAIN' at 'domain' failed to satisfy constraint"), msg
    assert e.value.response["reason"] == "FIELD_VALIDATION_FAILED"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_publish_rejects_a_wrong_checksum_and_non_generic_formats(seeded, tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"payload")
    rc, _, err = seeded.aws("publish-package-version", "--domain", "my-domain", "--repository", "repo-1", "--format", "generic",
                            "--namespace", "ns", "--package", "p", "--package-version", "1.0", "--asset-content", str(f),
                            "--asset-name", "x.txt", "--asset-sha256", "0" * 64)
    assert rc == 255 and error_code(err) == "ValidationException", err
    rc, _, err = seeded.aws("publish-package-version", "--domain", "my-domain", "--repository", "repo-1", "--format", "npm",
                            "--package", "p", "--package-version", "1.0", "--asset-content", str(f), "--asset-name", "x.txt",
                            "--asset-sha256", "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5")
    assert rc == 255 and error_code(err) == "ValidationException", err
    names = [p["package"] for p in seeded.ok("list-packages", "--domain", "my-domain", "--repository", "repo-1")["packages"]]
    assert names == ["my-package"]


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
        with pytest.raises(c.exceptions.ValidationException):
            c.list_package_versions(domain="my-domain", repository="repo-1", format="generic", namespace="my-ns",
                                    package="my-package", **kw)


def test_upstream_rules(seeded):
    c = seeded.client()
    for name in [f"u{i:02d}" for i in range(11)]:
        c.create_repository(domain="my-domain", repository=name)
    with pytest.raises(c.exceptions.ValidationException):
        c.create_repository(domain="my-domain", repository="many", upstreams=[{"repositoryName": f"u{i:02d}"} for i in range(11)])
    c.update_repository(domain="my-domain", repository="u00", upstreams=[{"repositoryName": "u01"}])
    with pytest.raises(c.exceptions.ValidationException, match="cycle"):
        c.update_repository(domain="my-domain", repository="u01", upstreams=[{"repositoryName": "u00"}])
    assert c.describe_repository(domain="my-domain", repository="u01")["repository"]["upstreams"] == []
