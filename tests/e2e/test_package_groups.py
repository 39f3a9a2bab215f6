"""Package groups end to end with the aws CLI and the machine's npm: every operation, a group
`/npm/acme/*` that blocks publishing or upstream retention (the refusal names the group), and the
readme and dependencies of a published npm package."""

import hashlib
import json
import tempfile
from pathlib import Path

import pytest

from conftest import Npm, error_code, error_message
from test_npm import make_package, versions

D = ["--domain", "my-domain"]


@pytest.fixture
def domain(wharf):
    wharf.ok("create-domain", *D)
    for r in ["internal", "other"]:
        wharf.ok("create-repository", *D, "--repository", r)
    wharf.ok("create-repository", *D, "--repository", "app", "--upstreams", "repositoryName=internal")
    return wharf


def group(w, pattern, *extra):
    return w.ok(*extra[:1], *D, "--package-group", pattern, *extra[1:])


def restrictions(w, pattern):
    g = w.ok("describe-package-group", *D, "--package-group", pattern)["packageGroup"]
    return g["originConfiguration"]["restrictions"]


def test_every_operation_with_the_aws_cli(domain):
    w = domain
    root = w.ok("describe-package-group", *D, "--package-group", "/*")["packageGroup"]
    assert root["pattern"] == "/*" and "parent" not in root
    created = w.ok("create-package-group", *D, "--package-group", "/npm/acme/*", "--contact-info", "team@acme.test",
                   "--description", "Acme's packages", "--tags", "key=team,value=acme")["packageGroup"]
    assert created["parent"]["pattern"] == "/*"
    assert created["originConfiguration"]["restrictions"]["PUBLISH"]["mode"] == "INHERIT"
    w.ok("create-package-group", *D, "--package-group", "/npm/acme/ui~")
    rc, _, err = w.aws("create-package-group", *D, "--package-group", "/npm/acme/*")
    assert rc != 0 and error_code(err) == "ConflictException"
    rc, _, err = w.aws("create-package-group", *D, "--package-group", "/npm/acme/name")
    assert rc != 0 and error_code(err) == "ValidationException" and "packageGroup" in error_message(err)

    listed = w.ok("list-package-groups", *D)["packageGroups"]
    assert [g["pattern"] for g in listed] == ["/*", "/npm/acme/*", "/npm/acme/ui~"]
    assert [g["pattern"] for g in w.ok("list-package-groups", *D, "--prefix", "/npm/acme/u")["packageGroups"]] \
        == ["/npm/acme/ui~"]
    subs = w.ok("list-sub-package-groups", *D, "--package-group", "/npm/acme/*")["packageGroups"]
    assert [g["pattern"] for g in subs] == ["/npm/acme/ui~"]

    updated = w.ok("update-package-group", *D, "--package-group", "/npm/acme/*", "--description", "new")
    assert updated["packageGroup"]["description"] == "new"
    assert updated["packageGroup"]["contactInfo"] == "team@acme.test"

    out = w.ok("update-package-group-origin-configuration", *D, "--package-group", "/npm/acme/*",
               "--restrictions", "PUBLISH=ALLOW_SPECIFIC_REPOSITORIES,EXTERNAL_UPSTREAM=BLOCK",
               "--add-allowed-repositories", "originRestrictionType=PUBLISH,repositoryName=internal")
    assert out["allowedRepositoryUpdates"] == {"PUBLISH": {"ADDED": ["internal"]}}
    child = restrictions(w, "/npm/acme/ui~")["PUBLISH"]
    assert child["effectiveMode"] == "ALLOW_SPECIFIC_REPOSITORIES"
    assert child["inheritedFrom"]["pattern"] == "/npm/acme/*"
    allowed = w.ok("list-allowed-repositories-for-group", *D, "--package-group", "/npm/acme/*",
                   "--origin-restriction-type", "PUBLISH")
    assert allowed["allowedRepositories"] == ["internal"]

    assoc = w.ok("get-associated-package-group", *D, "--format", "npm", "--namespace", "acme", "--package", "ui-kit")
    assert assoc["packageGroup"]["pattern"] == "/npm/acme/ui~" and assoc["associationType"] == "STRONG"
    assoc = w.ok("get-associated-package-group", *D, "--format", "npm", "--namespace", "acme", "--package", "uikit")
    assert assoc["packageGroup"]["pattern"] == "/npm/acme/*"

    npm = Npm(w, "internal", Path(tempfile.mkdtemp(prefix="wharf-npm-")))
    npm.run("publish", cwd=make_package(npm.root / "pkgs", "@acme/ui-kit", "1.0.0"))
    pkgs = w.ok("list-associated-packages", *D, "--package-group", "/npm/acme/ui~")["packages"]
    assert pkgs == [{"format": "npm", "namespace": "acme", "package": "ui-kit", "associationType": "STRONG"}]
    preview = w.ok("list-associated-packages", *D, "--package-group", "/npm/acme/ui-kit$", "--preview")
    assert len(preview["packages"]) == 1

    deleted = w.ok("delete-package-group", *D, "--package-group", "/npm/acme/*")["packageGroup"]
    assert deleted["pattern"] == "/npm/acme/*"
    assert w.ok("describe-package-group", *D, "--package-group", "/npm/acme/ui~")["packageGroup"]["parent"]["pattern"] == "/*"
    rc, _, err = w.aws("delete-package-group", *D, "--package-group", "/*")
    assert rc != 0 and error_code(err) == "ValidationException"
    rc, _, err = w.aws("describe-package-group", *D, "--package-group", "/npm/acme/*")
    assert rc != 0 and error_code(err) == "ResourceNotFoundException"


def test_a_group_blocking_publish_refuses_npm_and_the_api_by_name(domain):
    w = domain
    w.ok("create-package-group", *D, "--package-group", "/npm/acme/*")
    w.ok("update-package-group-origin-configuration", *D, "--package-group", "/npm/acme/*",
         "--restrictions", "PUBLISH=BLOCK")
    npm = Npm(w, "internal", Path(tempfile.mkdtemp(prefix="wharf-npm-")))
    p = npm.run("publish", cwd=make_package(npm.root / "pkgs", "@acme/widget", "1.0.0"), check=False)
    assert p.returncode != 0
    assert "/npm/acme/*" in p.stdout + p.stderr, p.stdout + p.stderr
    assert versions(w, "internal", "@acme/widget") == {}
    # Unscoped packages are not in the group.
    npm.run("publish", cwd=make_package(npm.root / "pkgs", "widget", "1.0.0"))

    # A generic package under a blocked group: PublishPackageVersion is refused, naming it.
    w.ok("create-package-group", *D, "--package-group", "/generic/acme/*")
    w.ok("update-package-group-origin-configuration", *D, "--package-group", "/generic/acme/*",
         "--restrictions", "PUBLISH=BLOCK")
    f = Path(tempfile.mkdtemp(prefix="wharf-asset-")) / "a.txt"
    f.write_bytes(b"x")
    rc, _, err = w.aws("publish-package-version", *D, "--repository", "internal", "--format", "generic",
                       "--namespace", "acme", "--package", "tool", "--package-version", "1.0", "--asset-content",
                       str(f), "--asset-name", "a.txt", "--asset-sha256", hashlib.sha256(b"x").hexdigest())
    assert rc != 0 and error_code(err) == "ConflictException"
    assert "/generic/acme/*" in error_message(err)


def test_a_group_blocking_internal_upstream_keeps_upstream_versions_out(domain):
    w = domain
    up = Npm(w, "internal", Path(tempfile.mkdtemp(prefix="wharf-npm-")))
    up.run("publish", cwd=make_package(up.root / "pkgs", "@acme/lib", "1.0.0"))
    w.ok("create-package-group", *D, "--package-group", "/npm/acme/*")
    w.ok("update-package-group-origin-configuration", *D, "--package-group", "/npm/acme/*",
         "--restrictions", "INTERNAL_UPSTREAM=ALLOW_SPECIFIC_REPOSITORIES")
    app = Npm(w, "app", Path(tempfile.mkdtemp(prefix="wharf-npm-")))
    proj = app.root / "proj"
    proj.mkdir()
    (proj / "package.json").write_text(json.dumps({"name": "proj", "version": "1.0.0"}))
    p = app.run("install", "@acme/lib@1.0.0", cwd=proj, check=False)
    assert p.returncode != 0
    assert "/npm/acme/*" in p.stdout + p.stderr, p.stdout + p.stderr
    assert versions(w, "app", "@acme/lib") == {}, "nothing retained downstream"

    w.ok("update-package-group-origin-configuration", *D, "--package-group", "/npm/acme/*",
         "--add-allowed-repositories", "originRestrictionType=INTERNAL_UPSTREAM,repositoryName=app")
    app.run("install", "@acme/lib@1.0.0", cwd=proj)
    assert list(versions(w, "app", "@acme/lib")) == ["1.0.0"]


def test_readme_and_dependencies_of_a_published_npm_package(domain):
    w = domain
    npm = Npm(w, "internal", Path(tempfile.mkdtemp(prefix="wharf-npm-")))
    d = make_package(npm.root / "pkgs", "@acme/app", "2.0.0",
                     dependencies={"left-pad": "^1.3.0", "@acme/core": "2.x"},
                     devDependencies={"jest": "29.0.0"}, peerDependencies={"react": ">=18"},
                     optionalDependencies={"fsevents": "2"},
                     files_={"README.md": b"# Acme app\n\n<img src=x onerror=alert(1)>\n"})
    npm.run("publish", cwd=d)
    args = [*D, "--repository", "internal", "--format", "npm", "--namespace", "acme", "--package", "app",
            "--package-version", "2.0.0"]
    readme = w.ok("get-package-version-readme", *args)
    assert readme["readme"].startswith("# Acme app")
    assert readme["version"] == "2.0.0" and readme["versionRevision"]
    deps = w.ok("list-package-version-dependencies", *args)["dependencies"]
    got = {(x.get("namespace"), x["package"], x["dependencyType"], x["versionRequirement"]) for x in deps}
    assert got == {("acme", "core", "regular", "2.x"), (None, "left-pad", "regular", "^1.3.0"),
                   (None, "jest", "dev", "29.0.0"), (None, "react", "peer", ">=18"),
                   (None, "fsevents", "optional", "2")}
    rc, _, err = w.aws("get-package-version-readme", *D, "--repository", "app", "--format", "npm",
                       "--namespace", "acme", "--package", "app", "--package-version", "2.0.0")
    assert rc != 0 and error_code(err) == "ResourceNotFoundException", "upstream versions are not considered"
