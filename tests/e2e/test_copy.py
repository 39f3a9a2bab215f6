"""CopyPackageVersions end to end with the real aws CLI against the real binary (generic format)."""

import pytest

from conftest import error_code, publish

D = ["--domain", "my-domain"]
PKG = ["--format", "generic", "--namespace", "my-ns", "--package", "my-package"]


def copy(w, *extra, source="repo-1", dest="repo-2"):
    return w.aws("copy-package-versions", *D, "--source-repository", source, "--destination-repository", dest, *PKG, *extra)


def versions(w, repo):
    """The package's versions in `repo` ({} when the repository has no such package)."""
    rc, out, err = w.aws("list-package-versions", *D, "--repository", repo, *PKG)
    if rc == 255 and error_code(err) == "ResourceNotFoundException":
        return {}
    assert rc == 0, err
    return {v["version"]: (v["revision"], v["status"]) for v in out["versions"]}


@pytest.fixture
def seeded(wharf, tmp_path):
    """repo-1 with 1.0.0, 1.1.0 and 2.0.0 (two assets); repo-2 empty; upstream-only repo `up`."""
    wharf.ok("create-domain", *D)
    wharf.ok("create-repository", *D, "--repository", "up")
    wharf.ok("create-repository", *D, "--repository", "repo-1", "--upstreams", "repositoryName=up")
    wharf.ok("create-repository", *D, "--repository", "repo-2")
    for v in ["1.0.0", "1.1.0"]:
        publish(wharf, "repo-1", "my-package", v, f"content {v}".encode(), tmp=tmp_path)
    publish(wharf, "repo-1", "my-package", "2.0.0", b"part one", asset="a.txt", unfinished=True, tmp=tmp_path)
    publish(wharf, "repo-1", "my-package", "2.0.0", b"part two", asset="b.txt", tmp=tmp_path)
    publish(wharf, "up", "my-package", "3.0.0", b"only upstream", tmp=tmp_path)
    return wharf


def test_copy_two_versions_and_verify(seeded):
    w = seeded
    rc, out, err = copy(w, "--versions", '["1.0.0", "2.0.0"]')
    assert rc == 0, err
    assert out["failedVersions"] == {}
    assert sorted(out["successfulVersions"]) == ["1.0.0", "2.0.0"]
    src, dst = versions(w, "repo-1"), versions(w, "repo-2")
    assert dst == {"1.0.0": src["1.0.0"], "2.0.0": src["2.0.0"]}
    assert out["successfulVersions"]["2.0.0"] == {"revision": src["2.0.0"][0], "status": "Published"}
    assets = w.ok("list-package-version-assets", *D, "--repository", "repo-2", *PKG, "--package-version", "2.0.0")
    src_assets = w.ok("list-package-version-assets", *D, "--repository", "repo-1", *PKG, "--package-version", "2.0.0")
    assert [a["name"] for a in assets["assets"]] == ["a.txt", "b.txt"]
    assert assets["assets"] == src_assets["assets"]
    assert assets["versionRevision"] == src["2.0.0"][0]


def test_copy_again_is_a_no_op(seeded):
    w = seeded
    assert copy(w, "--versions", "1.0.0")[0] == 0
    before = versions(w, "repo-2")
    rc, out, _ = copy(w, "--versions", "1.0.0")
    assert rc == 0
    assert out == {"successfulVersions": {}, "failedVersions": {}}
    assert versions(w, "repo-2") == before


def test_differing_destination_version(seeded, tmp_path):
    w = seeded
    publish(w, "repo-2", "my-package", "1.0.0", b"a different 1.0.0", tmp=tmp_path)
    before = versions(w, "repo-2")
    rc, out, _ = copy(w, "--versions", '["1.0.0", "1.1.0"]')
    assert rc == 0
    assert out["successfulVersions"] == {}
    assert out["failedVersions"] == {
        "1.0.0": {"errorCode": "ALREADY_EXISTS", "errorMessage": "Version 1.0.0 already exists"},
        "1.1.0": {"errorCode": "SKIPPED", "errorMessage": "Version 1.1.0 was skipped"},
    }
    assert versions(w, "repo-2") == before, "a failed batch writes nothing"
    rc, out, _ = copy(w, "--versions", '["1.0.0", "1.1.0"]', "--allow-overwrite")
    assert rc == 0 and out["failedVersions"] == {}
    src = versions(w, "repo-1")
    assert versions(w, "repo-2") == {"1.0.0": src["1.0.0"], "1.1.0": src["1.1.0"]}
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-2", format="generic", namespace="my-ns",
                                               package="my-package", packageVersion="1.0.0", asset="asset.txt")
    assert got["asset"].read() == b"content 1.0.0"


def test_version_revisions_current_and_stale(seeded):
    w = seeded
    src = versions(w, "repo-1")
    rev = src["1.0.0"][0]
    rc, out, _ = copy(w, "--version-revisions", f"1.0.0={rev}")
    assert rc == 0 and list(out["successfulVersions"]) == ["1.0.0"]
    stale = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    rc, out, _ = copy(w, "--version-revisions", f"1.1.0={stale},2.0.0={src['2.0.0'][0]}")
    assert rc == 0
    assert out["failedVersions"]["1.1.0"] == {
        "errorCode": "MISMATCHED_REVISION",
        "errorMessage": f"current revision: {src['1.1.0'][0]}, expected revision: {stale}",
    }
    assert out["failedVersions"]["2.0.0"]["errorCode"] == "SKIPPED"
    assert "1.1.0" not in versions(w, "repo-2")


def test_generic_versions_are_never_taken_from_upstreams(seeded):
    """Spec 3.5: a generic version only an upstream holds is NOT_FOUND with or without
    --include-from-upstream (npm covers the upstream search itself, in test_npm.py)."""
    w = seeded
    for extra in [(), ("--include-from-upstream",)]:
        rc, out, _ = copy(w, "--versions", "3.0.0", *extra)
        assert rc == 0
        assert out["failedVersions"]["3.0.0"] == {"errorCode": "NOT_FOUND", "errorMessage": "Could not find version 3.0.0"}
    assert versions(w, "repo-2") == {}
    # Without the flag, only the source is searched even for versions it holds itself.
    rc, out, _ = copy(w, "--versions", "1.0.0", "--include-from-upstream")
    assert list(out["successfulVersions"]) == ["1.0.0"]


def test_missing_version_package_and_repository(seeded):
    w = seeded
    rc, out, _ = copy(w, "--versions", '["1.0.0", "9.9.9"]')
    assert rc == 0
    assert out["failedVersions"]["9.9.9"] == {"errorCode": "NOT_FOUND", "errorMessage": "Could not find version 9.9.9"}
    assert out["failedVersions"]["1.0.0"]["errorCode"] == "SKIPPED"
    rc, _, err = w.aws("copy-package-versions", *D, "--source-repository", "repo-1", "--destination-repository", "repo-2",
                       "--format", "generic", "--namespace", "my-ns", "--package", "nope", "--versions", "1.0.0")
    assert rc == 255 and error_code(err) == "ResourceNotFoundException"
    rc, _, err = copy(w, "--versions", "1.0.0", dest="no-such-repo")
    assert rc == 255 and error_code(err) == "ResourceNotFoundException"
    assert "no-such-repo" in err
    e = w.client().exceptions.ResourceNotFoundException
    with pytest.raises(e) as info:
        w.client().copy_package_versions(domain="my-domain", sourceRepository="repo-1", destinationRepository="missing",
                                         format="generic", namespace="my-ns", package="my-package", versions=["1.0.0"])
    assert info.value.response["resourceType"] == "repository"
    assert versions(w, "repo-2") == {}


def test_copy_guide_commands_verbatim_shapes(seeded):
    """The guide's forms: a JSON list for --versions and comma-separated pairs for --version-revisions."""
    w = seeded
    src = versions(w, "repo-1")
    rc, out, err = w.aws("copy-package-versions", "--domain", "my-domain", "--domain-owner", "000000000000",
                         "--source-repository", "repo-1", "--destination-repository", "repo-2", "--package", "my-package",
                         "--format", "generic", "--namespace", "my-ns", "--versions", '["1.1.0", "1.0.0"]')
    assert rc == 0, err
    assert sorted(out["successfulVersions"]) == ["1.0.0", "1.1.0"]
    rc, out, err = w.aws("copy-package-versions", "--domain", "my-domain", "--domain-owner", "000000000000",
                         "--source-repository", "repo-1", "--destination-repository", "repo-2", "--format", "generic",
                         "--namespace", "my-ns", "--package", "my-package",
                         "--version-revisions", f"1.0.0={src['1.0.0'][0]},2.0.0={src['2.0.0'][0]}")
    assert rc == 0, err
    assert list(out["successfulVersions"]) == ["2.0.0"]


def test_data_survives_a_restart(seeded):
    w = seeded
    assert copy(w, "--versions", "1.0.0")[0] == 0
    before = versions(w, "repo-2")
    w.restart()
    assert versions(w, "repo-2") == before
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-2", format="generic", namespace="my-ns",
                                               package="my-package", packageVersion="1.0.0", asset="asset.txt")
    assert got["asset"].read() == b"content 1.0.0"
    assert got["packageVersionRevision"] == before["1.0.0"][0]
