"""CopyPackageVersions end to end with the real aws CLI against the real binary (generic format)."""

import pytest

from conftest import domain_state, error_code, error_message, publish

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


def failure(code, message):
    return {"errorCode": code, "errorMessage": message}


def skipped(v):
    return failure("SKIPPED", f"Version {v} was skipped")


def not_found(v):
    return failure("NOT_FOUND", f"Could not find version {v}")


def outcome(rc, out, err):
    """The copy's reply, which must be a 200 (the CLI exits 0 on per-version failures)."""
    assert rc == 0, err
    return out


@pytest.fixture
def seeded(wharf, tmp_path):
    """repo-1 with 1.0.0, 1.1.0 and 2.0.0 (two assets, the first uploaded --unfinished); repo-2
    empty; repo-1's upstream `up` alone holds my-package 3.0.0 and the package only-upstream."""
    wharf.ok("create-domain", *D)
    wharf.ok("create-repository", *D, "--repository", "up")
    wharf.ok("create-repository", *D, "--repository", "repo-1", "--upstreams", "repositoryName=up")
    wharf.ok("create-repository", *D, "--repository", "repo-2")
    for v in ["1.0.0", "1.1.0"]:
        publish(wharf, "repo-1", "my-package", v, f"content {v}".encode(), tmp=tmp_path)
    publish(wharf, "repo-1", "my-package", "2.0.0", b"part one", asset="a.txt", unfinished=True, tmp=tmp_path)
    publish(wharf, "repo-1", "my-package", "2.0.0", b"part two", asset="b.txt", tmp=tmp_path)
    publish(wharf, "up", "my-package", "3.0.0", b"only upstream", tmp=tmp_path)
    publish(wharf, "up", "only-upstream", "1.0.0", b"x", tmp=tmp_path)
    return wharf


def test_copy_two_versions_and_verify(seeded, tmp_path):
    """Revisions, statuses (an Unlisted one too) and assets arrive; the bytes download with the
    revision; the source is untouched."""
    w = seeded
    status = w.ok("update-package-versions-status", *D, "--repository", "repo-1", *PKG, "--versions", "2.0.0",
                  "--target-status", "Unlisted")
    assert status["failedVersions"] == {}, status
    src = versions(w, "repo-1")
    assert src["2.0.0"][1] == "Unlisted"
    source_before = domain_state(w)["repo-1"]
    out = outcome(*copy(w, "--versions", '["1.0.0", "2.0.0"]'))
    assert out == {"successfulVersions": {"1.0.0": {"revision": src["1.0.0"][0], "status": "Published"},
                                          "2.0.0": {"revision": src["2.0.0"][0], "status": "Unlisted"}},
                   "failedVersions": {}}
    dst = versions(w, "repo-2")
    assert dst == {"1.0.0": src["1.0.0"], "2.0.0": src["2.0.0"]}
    assets = w.ok("list-package-version-assets", *D, "--repository", "repo-2", *PKG, "--package-version", "2.0.0")
    src_assets = w.ok("list-package-version-assets", *D, "--repository", "repo-1", *PKG, "--package-version", "2.0.0")
    assert [a["name"] for a in assets["assets"]] == ["a.txt", "b.txt"]
    assert assets["assets"] == src_assets["assets"]
    assert assets["versionRevision"] == src["2.0.0"][0]
    target = tmp_path / "downloaded-b.txt"
    meta = w.ok("get-package-version-asset", *D, "--repository", "repo-2", *PKG, "--package-version", "2.0.0",
                "--asset", "b.txt", str(target))
    assert target.read_bytes() == b"part two"
    assert meta["packageVersionRevision"] == src["2.0.0"][0]
    assert domain_state(w)["repo-1"] == source_before, "the copy changed its source"


def test_copy_again_is_a_no_op(seeded):
    w = seeded
    first = outcome(*copy(w, "--versions", '["1.0.0", "2.0.0"]'))
    assert first["failedVersions"] == {}
    before = domain_state(w)
    out = outcome(*copy(w, "--versions", '["1.0.0", "2.0.0"]'))
    assert out == {"successfulVersions": {}, "failedVersions": {}}, "identical versions are in neither map"
    assert domain_state(w) == before, "a repeated copy wrote something"


def test_differing_destination_version(seeded, tmp_path):
    """A differing destination version fails the batch (an identical one in it is in neither
    map) and writes nothing, until --allow-overwrite."""
    w = seeded
    assert outcome(*copy(w, "--versions", "1.1.0"))["failedVersions"] == {}
    publish(w, "repo-2", "my-package", "1.0.0", b"a different 1.0.0", tmp=tmp_path)
    before = domain_state(w)
    out = outcome(*copy(w, "--versions", '["1.0.0", "2.0.0", "1.1.0"]'))
    assert out == {"successfulVersions": {},
                   "failedVersions": {"1.0.0": failure("ALREADY_EXISTS", "Version 1.0.0 already exists"),
                                      "2.0.0": skipped("2.0.0")}}
    assert domain_state(w) == before, "a failed batch wrote something"
    src = versions(w, "repo-1")
    out = outcome(*copy(w, "--versions", '["1.0.0", "2.0.0", "1.1.0"]', "--allow-overwrite"))
    assert out == {"successfulVersions": {"1.0.0": {"revision": src["1.0.0"][0], "status": "Published"},
                                          "2.0.0": {"revision": src["2.0.0"][0], "status": "Published"}},
                   "failedVersions": {}}
    assert versions(w, "repo-2") == src
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-2", format="generic", namespace="my-ns",
                                               package="my-package", packageVersion="1.0.0", asset="asset.txt")
    assert got["asset"].read() == b"content 1.0.0", "the overwrite replaced the asset"
    assert got["packageVersionRevision"] == src["1.0.0"][0]


def test_version_revisions_current_and_stale(seeded, tmp_path):
    """The current revision copies; a truly stale one (4.0.0's revision before its second asset
    arrived) is MISMATCHED_REVISION and the batch writes nothing."""
    w = seeded
    publish(w, "repo-1", "my-package", "4.0.0", b"first", asset="first.txt", unfinished=True, tmp=tmp_path)
    stale = versions(w, "repo-1")["4.0.0"][0]
    publish(w, "repo-1", "my-package", "4.0.0", b"second", asset="second.txt", tmp=tmp_path)
    src = versions(w, "repo-1")
    assert src["4.0.0"][0] != stale, "adding an asset changes the revision"

    out = outcome(*copy(w, "--version-revisions", f"1.0.0={src['1.0.0'][0]},2.0.0={src['2.0.0'][0]}"))
    assert out == {"successfulVersions": {"1.0.0": {"revision": src["1.0.0"][0], "status": "Published"},
                                          "2.0.0": {"revision": src["2.0.0"][0], "status": "Published"}},
                   "failedVersions": {}}
    before = domain_state(w)
    out = outcome(*copy(w, "--version-revisions", f"4.0.0={stale},1.1.0={src['1.1.0'][0]}"))
    assert out == {"successfulVersions": {},
                   "failedVersions": {
                       "4.0.0": failure("MISMATCHED_REVISION",
                                        f"current revision: {src['4.0.0'][0]}, expected revision: {stale}"),
                       "1.1.0": skipped("1.1.0")}}
    assert domain_state(w) == before, "a failed batch wrote something"


def test_generic_versions_are_never_taken_from_upstreams(seeded):
    """Spec 3.5: a generic version only an upstream holds is NOT_FOUND, and a package only an
    upstream holds is ResourceNotFoundException, with or without --include-from-upstream (npm
    covers the upstream search itself, in test_npm.py)."""
    w = seeded
    before = domain_state(w)
    for extra in [(), ("--include-from-upstream",)]:
        out = outcome(*copy(w, "--versions", "3.0.0", *extra))
        assert out == {"successfulVersions": {}, "failedVersions": {"3.0.0": not_found("3.0.0")}}
        rc, _, err = w.aws("copy-package-versions", *D, "--source-repository", "repo-1", "--destination-repository",
                           "repo-2", "--format", "generic", "--namespace", "my-ns", "--package", "only-upstream",
                           "--versions", "1.0.0", *extra)
        assert (rc, error_code(err)) == (255, "ResourceNotFoundException"), (extra, err)
        assert "only-upstream" in error_message(err), err
    assert domain_state(w) == before
    # The flag does not get in the way of versions the source holds itself.
    src = versions(w, "repo-1")
    out = outcome(*copy(w, "--versions", "1.0.0", "--include-from-upstream"))
    assert out == {"successfulVersions": {"1.0.0": {"revision": src["1.0.0"][0], "status": "Published"}},
                   "failedVersions": {}}


def test_missing_version_package_repository_and_domain(seeded):
    """A missing version fails the batch (NOT_FOUND, its siblings SKIPPED); a missing package,
    repository or domain is a 404 ResourceNotFoundException naming it, with the modelled
    resourceType; nothing is written."""
    w = seeded
    before = domain_state(w)
    out = outcome(*copy(w, "--versions", '["1.0.0", "9.9.9", "1.1.0"]'))
    assert out == {"successfulVersions": {},
                   "failedVersions": {"1.0.0": skipped("1.0.0"), "9.9.9": not_found("9.9.9"), "1.1.0": skipped("1.1.0")}}
    cases = [
        (dict(package="no-such-package"), "no-such-package", "package"),
        (dict(source="no-such-repo"), "no-such-repo", "repository"),
        (dict(dest="no-such-repo"), "no-such-repo", "repository"),
        (dict(domain="no-such-domain"), "no-such-domain", "domain"),
    ]
    c = w.client()
    for kw, missing, kind in cases:
        domain, source, dest = kw.get("domain", "my-domain"), kw.get("source", "repo-1"), kw.get("dest", "repo-2")
        package = kw.get("package", "my-package")
        rc, _, err = w.aws("copy-package-versions", "--domain", domain, "--source-repository", source,
                           "--destination-repository", dest, "--format", "generic", "--namespace", "my-ns",
                           "--package", package, "--versions", "1.0.0")
        assert (rc, error_code(err)) == (255, "ResourceNotFoundException"), (kw, err)
        assert missing in error_message(err), (kw, err)
        with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
            c.copy_package_versions(domain=domain, sourceRepository=source, destinationRepository=dest,
                                    format="generic", namespace="my-ns", package=package, versions=["1.0.0"])
        response = info.value.response
        assert (response["ResponseMetadata"]["HTTPStatusCode"], response.get("resourceType")) == (404, kind), kw
    assert domain_state(w) == before


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


def test_data_survives_a_restart_and_a_kill(seeded):
    """Published (multi-asset, finished after --unfinished) and copied data read back the same
    after a graceful restart and after SIGKILL and a start."""
    w = seeded
    assert outcome(*copy(w, "--versions", '["1.0.0", "2.0.0"]'))["failedVersions"] == {}
    before = domain_state(w)
    w.restart()
    assert domain_state(w) == before, "after a graceful restart"
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-2", format="generic", namespace="my-ns",
                                               package="my-package", packageVersion="2.0.0", asset="b.txt")
    assert got["asset"].read() == b"part two"
    assert got["packageVersionRevision"] == before["repo-2"]["packages"]["generic/my-ns/my-package"]["2.0.0"]["revision"]
    w.kill9()
    w.start()
    assert domain_state(w) == before, "after SIGKILL and a start"
    got = w.client().get_package_version_asset(domain="my-domain", repository="repo-1", format="generic", namespace="my-ns",
                                               package="my-package", packageVersion="1.1.0", asset="asset.txt")
    assert got["asset"].read() == b"content 1.1.0"
