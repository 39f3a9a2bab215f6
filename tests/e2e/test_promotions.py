"""Release promotion end to end: `wharf promote` and `wharf promotions` (the real binary, as a user
runs it) against `wharf serve`, with the machine's real npm writing the lockfile against staging
and installing (`npm ci`) from release, and the aws CLI and boto3 reading what each step wrote.

40 npm packages (every fourth scoped, `@acme/…`) depend on each other; they are published through
npm's HTTP API with tarballs built here (npm's own publish is tested in test_npm.py), so they are
byte-identical in every test. Every test has its own service and data directory, so the tests can
run in parallel."""

import itertools
import json
import os
import pty
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Npm, error_code, npm_http, npm_put, registry, token, wharf_bin
from test_iam import admin, arn
from test_shared_storage import _fresh_database, postgres_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.parallel_safe

D = "my-domain"
N = 40


def name(i):
    """The i-th package: every fourth is scoped."""
    return f"@acme/lib-{i:02d}" if i % 4 == 0 else f"lib-{i:02d}"


def deps(i):
    """lib-i needs lib-(i-1) and lib-(i/2): a DAG where lib-39 pulls in all 40."""
    return {name(j): "^1.0.0" for j in sorted({i - 1, i // 2}) if 0 <= j != i}


def pkg_args(full):
    if full.startswith("@"):
        scope, bare = full[1:].split("/")
        return ["--format", "npm", "--namespace", scope, "--package", bare]
    return ["--format", "npm", "--package", full]


def package_arg(full, version="1.0.0"):
    """`--package` as the CLI takes it: npm//lib-01@1.0.0, npm/acme/lib-00@1.0.0."""
    if full.startswith("@"):
        return f"--package=npm/{full[1:]}@{version}"
    return f"--package=npm//{full}@{version}"


def full_name(p):
    return f"@{p['namespace']}/{p['package']}" if p.get("namespace") else p["package"]


def setup_repos(w, domain=D, repos=("staging", "release")):
    w.ok("create-domain", "--domain", domain)
    for r in repos:
        w.ok("create-repository", "--domain", domain, "--repository", r)


def publish_all(w, domain=D, repo="staging", indices=range(N), version="1.0.0"):
    tok = token(w, domain)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: npm_put(w, repo, name(i), version, deps(i), tok=tok, domain=domain), indices))


def boto_copy(w, full, versions=("1.0.0",), source="staging", dest="release"):
    ns, bare = (full[1:].split("/") if full.startswith("@") else (None, full))
    kw = dict(namespace=ns) if ns else {}
    out = w.client().copy_package_versions(domain=D, sourceRepository=source, destinationRepository=dest,
                                           format="npm", package=bare, versions=list(versions), **kw)
    assert out["failedVersions"] == {}, out


def run_wharf(w, args, env=None):
    p = subprocess.run([wharf_bin(), *args], env=env or w.env, capture_output=True, text=True, timeout=300)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


def promote(w, *args, env=None, domain=D, source="staging", dest="release"):
    """`wharf promote` as a user types it; returns (exit status, JSON, stderr)."""
    return run_wharf(w, ["promote", "--endpoint-url", w.endpoint, "--domain", domain, "--source-repository", source,
                         "--destination-repository", dest, *args], env)


def promotions(w, *args, env=None):
    """`wharf promotions ARGS`; returns (exit status, JSON, stderr)."""
    return run_wharf(w, ["promotions", *args, "--endpoint-url", w.endpoint], env)


def snapshot(w, repo="release", domain=D):
    """Everything a repository holds, as clients see it: per package, every version with its revision
    and status (ListPackageVersions) and the dist-tags (npm's packument). Packages without versions
    are left out (they hold nothing)."""
    c, tok, state = w.client(), token(w, domain), {}
    for page in c.get_paginator("list_packages").paginate(domain=domain, repository=repo):
        for p in page["packages"]:
            kw = dict(domain=domain, repository=repo, format=p["format"], package=p["package"])
            if p.get("namespace"):
                kw["namespace"] = p["namespace"]
            versions = {v["version"]: (v.get("revision"), v["status"])
                        for vp in c.get_paginator("list_package_versions").paginate(**kw) for v in vp["versions"]}
            if not versions:
                continue
            full = full_name(p)
            status, doc = npm_http(registry(w, repo, domain) + full.replace("/", "%2f"), "GET", tok=tok)
            state[full] = {"versions": versions, "distTags": doc.get("dist-tags") if status == 200 else status}
    return state


def versions_only(state):
    return {k: v["versions"] for k, v in state.items()}


def npm_install(w, tmp_path, domain=D, repo="staging"):
    """The real `npm install` of an app needing lib-39 and @acme/lib-36 from `repo`: it writes a
    lockfile (v3) pinning all 40 packages. Returns the project directory."""
    npm = Npm(w, repo, tmp_path / f"npm-{domain}-{repo}", domain=domain)
    project = tmp_path / "app"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({
        "name": "app", "version": "0.0.0", "private": True,
        "dependencies": {name(39): "^1.0.0", name(36): "^1.0.0"}}))
    npm.run("install", cwd=project)
    lock = json.loads((project / "package-lock.json").read_text())
    pinned = {k.rsplit("node_modules/", 1)[1] for k in lock["packages"] if "node_modules/" in k}
    assert pinned == {name(i) for i in range(N)}
    assert all(e["resolved"].startswith(registry(w, repo, domain)) for k, e in lock["packages"].items() if k)
    return project


def npm_ci_from(w, tmp_path, project, source=(D, "staging"), dest=(D, "release")):
    """`npm ci` of the project with its lockfile pointed at `dest` (domain, repository): the resolved
    URLs are rewritten, the integrity is kept, so it installs only if every pinned tarball is in
    `dest`, byte for byte."""
    ci = tmp_path / f"ci-{dest[0]}-{dest[1]}"
    ci.mkdir()
    lock = (project / "package-lock.json").read_text()
    moved = lock.replace(registry(w, source[1], source[0]), registry(w, dest[1], dest[0]))
    assert moved != lock and registry(w, source[1], source[0]) not in moved
    (ci / "package-lock.json").write_text(moved)
    (ci / "package.json").write_text((project / "package.json").read_text())
    Npm(w, dest[1], tmp_path / f"npm-{dest[0]}-{dest[1]}", domain=dest[0]).run("ci", cwd=ci)
    for i in range(N):
        installed = ci / "node_modules" / name(i)
        assert json.loads((installed / "package.json").read_text())["version"] == "1.0.0"
        assert (installed / "index.js").read_text() == 'module.exports = "1.0.0";\n'


def actions(result):
    return {(full_name(p), v["version"]): (v["action"], v.get("errorCode"))
            for p in result["packages"] for v in p["versions"]}


def run_on_terminal(args, env):
    """Runs with standard output on a pseudo-terminal (as in a shell); returns (status, stdout, stderr)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    err = p.stderr.read().decode()
    return p.wait(timeout=300), b"".join(chunks).decode().replace("\r\n", "\n"), err


def test_a_lockfile_promotion_plans_applies_and_npm_ci_installs_from_release(wharf, tmp_path):
    w = wharf
    setup_repos(w)
    publish_all(w)
    project = npm_install(w, tmp_path)
    lockfile = str(project / "package-lock.json")
    for i in (0, 1):  # already in release, identical: nothing to do for them
        boto_copy(w, name(i))
    sample = [name(0), name(1), name(2), name(4)]

    def listed():
        out = {}
        for n in sample:
            rc, body, err = w.aws("list-package-versions", "--domain", D, "--repository", "release", *pkg_args(n))
            out[n] = (rc, body, error_code(err))
        return out

    before_cli, before = listed(), snapshot(w)
    assert before_cli[name(2)][2] == "ResourceNotFoundException" and before_cli[name(1)][0] == 0

    # The dry run, on a terminal: JSON on stdout, the plan's table on stderr; nothing written.
    args = [wharf_bin(), "promote", "--endpoint-url", w.endpoint, "--domain", D, "--source-repository", "staging",
            "--destination-repository", "release", "--lockfile", lockfile, "--dry-run"]
    rc, out, table = run_on_terminal(args, w.env)
    assert rc == 0, table
    plan = json.loads(out)
    assert plan["status"] == "PLANNED" and plan["dryRun"] is True and not plan.get("promotionId")
    expected = {(name(i), "1.0.0"): ("COPY", None) for i in range(2, N)}
    expected.update({(name(0), "1.0.0"): ("NOOP", None), (name(1), "1.0.0"): ("NOOP", None)})
    assert actions(plan) == expected
    s = plan["summary"]
    assert (s["packages"], s["versions"], s["copied"], s["noop"], s["failed"]) == (N, N, N - 2, 2, 0)
    assert plan["closure"]["unsatisfied"] == []
    assert table.startswith("PACKAGE") and "ACTION" in table.splitlines()[0]
    assert any(line.split() == ["@acme/lib-04", "1.0.0", "COPY"] for line in table.splitlines()), table
    assert "PLANNED (dry run): 40 packages, 40 versions: 38 copied" in table
    assert listed() == before_cli and snapshot(w) == before
    assert promotions(w, "list", "--domain", D)[1]["promotions"] == []

    # The real run: every version in release with staging's revision, latest set; one record.
    rc, done, err = promote(w, "--lockfile", lockfile, "--reason", "release 2.3, CI run 1234")
    assert rc == 0, err
    assert done["status"] == "APPLIED" and done["dryRun"] is False and done["promotionId"]
    after = snapshot(w)
    assert versions_only(after) == versions_only(snapshot(w, "staging"))
    assert all(after[name(i)]["distTags"] == {"latest": "1.0.0"} for i in range(N))
    assert listed() != before_cli and listed()[name(2)][0] == 0
    rc, record, err = promotions(w, "describe", done["promotionId"])
    assert rc == 0, err
    assert record["promotionId"] == done["promotionId"] and record["status"] == "APPLIED"
    assert record["reason"] == "release 2.3, CI run 1234"
    assert record["principal"].startswith("arn:aws:iam::000000000000:")
    assert record["source"] == {"domain": D, "repository": "staging"}
    assert record["destination"] == {"domain": D, "repository": "release"}
    listing = promotions(w, "list", "--domain", D, "--repository", "release")[1]["promotions"]
    assert [p["promotionId"] for p in listing] == [done["promotionId"]]

    npm_ci_from(w, tmp_path, project)

    # Promoting again changes nothing and says so.
    rc, again, err = promote(w, "--lockfile", lockfile)
    assert rc == 0, err
    assert set(actions(again).values()) == {("NOOP", None)}
    assert snapshot(w) == after


def test_request_errors_exit_2_and_write_nothing(wharf, tmp_path):
    w = wharf
    setup_repos(w)
    publish_all(w, indices=range(4))
    before = snapshot(w)
    bad_lock = tmp_path / "package-lock.json"
    bad_lock.write_text(json.dumps({"lockfileVersion": 3, "packages": {
        "": {"name": "app"},
        "node_modules/from-git": {"version": "1.0.0", "resolved": "git+ssh://git@example.com/x.git#abc"}}}))
    rc, out, err = promote(w, "--lockfile", str(bad_lock))
    assert (rc, out) == (2, None) and "ValidationException" in err and "from-git" in err, err
    rc, out, err = promote(w, "--package", "npm//lib-01@1.0.0", dest="missing")
    assert rc == 2 and "ResourceNotFoundException" in err, err
    rc, out, err = promote(w, "--package", "lib-01@1.0.0")
    assert rc == 2 and "FORMAT/NAMESPACE/NAME@VERSION" in err, err
    rc, out, err = promote(w, "--package", "npm//lib-01@1.0.0", env=dict(w.env, AWS_SECRET_ACCESS_KEY="wrong"))
    assert rc == 2 and "Exception" in err, err
    assert snapshot(w) == before and "release" not in str(before)


def test_a_differing_version_in_release_fails_the_whole_promotion(wharf, tmp_path):
    w = wharf
    setup_repos(w)
    publish_all(w)
    project = npm_install(w, tmp_path)
    boto_copy(w, name(3))
    npm_put(w, "release", name(7), "1.0.0", deps(7), tok=token(w), marker=" rebuilt")  # same version, other bytes
    before = snapshot(w)
    for extra in (["--dry-run"], []):
        rc, out, err = promote(w, "--lockfile", str(project / "package-lock.json"), *extra)
        assert rc == 1, err
        assert out["status"] == "FAILED" and not out.get("promotionId")
        got = actions(out)
        assert got.pop((name(7), "1.0.0")) == ("FAIL", "ALREADY_EXISTS")
        assert got.pop((name(3), "1.0.0"))[0] in ("NOOP", "SKIPPED")
        assert set(got.values()) == {("SKIPPED", "SKIPPED")} and len(got) == N - 2
        conflict = next(v for p in out["packages"] for v in p["versions"] if v["action"] == "FAIL")
        assert conflict.get("diff"), conflict
        assert out["summary"]["failed"] == 1
        assert snapshot(w) == before
    assert promotions(w, "list", "--domain", D)[1]["promotions"] == []


def test_with_dependencies_pulls_in_missing_dependencies(wharf):
    w = wharf
    setup_repos(w)
    publish_all(w, indices=range(11))
    tok = token(w)
    for v in ("1.2.0", "2.0.0"):  # the highest version that satisfies ^1.0.0 is 1.2.0
        npm_put(w, "staging", name(9), v, deps(9), tok=tok, tag="next" if v == "2.0.0" else "latest")
    for i in range(8):
        boto_copy(w, name(i))
    before = snapshot(w)

    rc, out, err = promote(w, package_arg(name(10)))
    assert rc == 1, err
    assert actions(out) == {(name(10), "1.0.0"): ("FAIL", "UNSATISFIED_DEPENDENCY")}
    unsatisfied = out["closure"]["unsatisfied"]
    assert {(u["package"], u["range"], u["requiredBy"], u["kind"]) for u in unsatisfied} == {
        (name(9), "^1.0.0", f"{name(10)}@1.0.0", "dependencies")}
    assert snapshot(w) == before

    rc, out, err = promote(w, package_arg(name(10)), "--allow-unsatisfied", "--dry-run")
    assert rc == 0 and out["status"] == "PLANNED" and len(out["closure"]["unsatisfied"]) == 1, err

    rc, out, err = promote(w, package_arg(name(10)), "--with-dependencies")
    assert rc == 0, err
    assert out["status"] == "APPLIED"
    added = {(full_name(p), v["version"]) for p in out["packages"] for v in p["versions"] if v["addedAsDependency"]}
    assert added == {(name(9), "1.2.0"), (name(8), "1.0.0")}
    assert {(a["package"], a["version"]) for a in out["closure"]["added"]} == added
    assert out["summary"]["addedAsDependencies"] == 2
    after = snapshot(w)
    assert set(after) == {name(i) for i in range(11)}
    assert set(after[name(9)]["versions"]) == {"1.2.0"}


def test_a_revert_restores_release_exactly_and_is_refused_after_a_later_change(wharf, tmp_path):
    w = wharf
    setup_repos(w)
    publish_all(w)
    project = npm_install(w, tmp_path)
    lockfile = str(project / "package-lock.json")
    tok = token(w)
    boto_copy(w, name(2))  # identical: untouched by the promotion
    npm_put(w, "release", name(5), "1.0.0", deps(5), tok=tok, marker=" old build")  # overwritten
    npm_put(w, "release", name(6), "0.9.0", {}, tok=tok)  # latest moves 0.9.0 -> 1.0.0
    before = snapshot(w)
    assert before[name(6)]["distTags"] == {"latest": "0.9.0"}

    rc, done, err = promote(w, "--lockfile", lockfile, "--allow-overwrite", "--reason", "release 2.4")
    assert rc == 0, err
    got = actions(done)
    assert got[(name(5), "1.0.0")] == ("OVERWRITE", None) and got[(name(2), "1.0.0")] == ("NOOP", None)
    applied = snapshot(w)
    assert applied[name(6)]["distTags"] == {"latest": "1.0.0"}
    assert applied[name(5)]["versions"]["1.0.0"] != before[name(5)]["versions"]["1.0.0"]

    pid = done["promotionId"]
    rc, plan, err = promotions(w, "revert", pid, "--dry-run")
    assert rc == 0, err
    assert plan["dryRun"] is True and plan["revertOf"] == pid
    planned = {(full_name(a), a["version"]): a["action"] for a in plan["actions"]}
    assert planned.pop((name(5), "1.0.0")) == "RESTORE"
    assert set(planned.values()) == {"DELETE"} and len(planned) == N - 2
    assert snapshot(w) == applied

    rc, reverted, err = promotions(w, "revert", pid, "--reason", "bad release")
    assert rc == 0, err
    assert reverted["revertOf"] == pid and reverted["dryRun"] is False
    assert snapshot(w) == before  # versions, revisions, statuses and dist-tags
    listing = {p["promotionId"]: p for p in promotions(w, "list", "--domain", D)[1]["promotions"]}
    assert listing[pid]["status"] == "REVERTED" and listing[pid]["revertedBy"] == reverted["promotionId"]
    assert listing[reverted["promotionId"]]["revertOf"] == pid
    rc, _, err = promotions(w, "revert", pid)
    assert rc == 2 and snapshot(w) == before, err

    # Promote again, then change one version it wrote: the revert is refused and names it.
    rc, again, err = promote(w, "--lockfile", lockfile, "--allow-overwrite")
    assert rc == 0, err
    w.ok("update-package-versions-status", "--domain", D, "--repository", "release", *pkg_args(name(12)),
         "--versions", "1.0.0", "--target-status", "Archived")
    changed = snapshot(w)
    rc, out, err = promotions(w, "revert", again["promotionId"])
    assert rc == 2 and out is None, err
    assert "ConflictException" in err and "lib-12" in err, err
    assert snapshot(w) == changed


PROMOTER = "releaser"


def releaser_policy(deny_package=None):
    statements = [
        {"Effect": "Allow", "Action": ["codeartifact:ReadFromRepository", "codeartifact:Describe*",
                                       "codeartifact:List*"],
         "Resource": [arn(f"repository/{D}/staging"), arn(f"package/{D}/staging/*"),
                      arn(f"repository/{D}/release"), arn(f"package/{D}/release/*")]},
        {"Effect": "Allow", "Action": "codeartifact:CopyPackageVersions",
         "Resource": [arn(f"repository/{D}/release"), arn(f"package/{D}/release/*")]},
    ]
    if deny_package:
        statements.append({"Effect": "Deny", "Action": "codeartifact:CopyPackageVersions",
                           "Resource": arn(f"package/{D}/release/npm/{deny_package}")})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_a_user_without_copy_on_one_destination_package_is_refused(wharf, tmp_path):
    w = wharf
    setup_repos(w)
    publish_all(w)
    project = npm_install(w, tmp_path)
    admin(w, "user", "create", PROMOTER)
    key = admin(w, "key", "create", PROMOTER)["accessKey"]
    env = dict(w.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])
    admin(w, "policy", "attach", PROMOTER, "release", "--document", "-", stdin=releaser_policy("acme/lib-12"))
    before = snapshot(w)
    for extra in (["--dry-run"], []):
        rc, out, err = promote(w, "--lockfile", str(project / "package-lock.json"), *extra, env=env)
        assert rc == 2 and out is None, err
        assert "AccessDeniedException" in err and "CopyPackageVersions" in err, err
        assert arn(f"package/{D}/release/npm/acme/lib-12") in err, err
        assert snapshot(w) == before
    assert promotions(w, "list", "--domain", D)[1]["promotions"] == []

    # Without the Deny, the same user promotes; the record names the user.
    admin(w, "policy", "attach", PROMOTER, "release", "--document", "-", stdin=releaser_policy())
    rc, done, err = promote(w, "--lockfile", str(project / "package-lock.json"), env=env)
    assert rc == 0, err
    record = promotions(w, "describe", done["promotionId"], env=env)[1]
    assert record["principal"] == f"arn:aws:iam::000000000000:user/{PROMOTER}"
    # Reverting needs DeletePackageVersions on release, which this user lacks.
    rc, _, err = promotions(w, "revert", done["promotionId"], env=env)
    assert rc == 2 and "AccessDeniedException" in err and "DeletePackageVersions" in err, err


def test_a_promotion_across_domains(wharf, tmp_path):
    w = wharf
    setup_repos(w, "dev", ["staging"])
    setup_repos(w, "prod", ["release"])
    publish_all(w, domain="dev")
    project = npm_install(w, tmp_path, domain="dev")
    rc, out, err = promote(w, "--lockfile", str(project / "package-lock.json"), "--destination-domain", "prod",
                           domain="dev")
    assert rc == 0, err
    assert out["source"] == {"domain": "dev", "repository": "staging"}
    assert out["destination"] == {"domain": "prod", "repository": "release"}
    assert versions_only(snapshot(w, "release", "prod")) == versions_only(snapshot(w, "staging", "dev"))
    npm_ci_from(w, tmp_path, project, source=("dev", "staging"), dest=("prod", "release"))
    assert [p["promotionId"] for p in promotions(w, "list", "--domain", "prod")[1]["promotions"]] == [
        out["promotionId"]]
    assert promotions(w, "list", "--domain", "dev")[1]["promotions"] == []


def test_concurrent_overlapping_promotions_are_serial_equivalent(wharf):
    w = wharf
    setup_repos(w)
    publish_all(w)
    sets = [set(range(0, 20)), set(range(10, 30)), set(range(20, 40)), set(range(0, 40, 3))]

    def run(indices):
        return promote(w, "--allow-unsatisfied", *[package_arg(name(i)) for i in sorted(indices)])

    with ThreadPoolExecutor(len(sets)) as pool:
        results = list(pool.map(run, sets))
    copied = []
    for (rc, out, err), indices in zip(results, sets):
        assert rc == 0 and out["status"] == "APPLIED", err
        got = actions(out)
        assert set(got) == {(name(i), "1.0.0") for i in indices}
        assert set(got.values()) <= {("COPY", None), ("NOOP", None)}
        copied.append({k[0] for k, v in got.items() if v[0] == "COPY"})
    # Some order of the four, run one after another, copies exactly what each one copied.
    names = [{name(i) for i in s} for s in sets]

    def serial(order):
        seen = set()
        for k in order:
            if copied[k] != names[k] - seen:
                return False
            seen |= names[k]
        return True

    assert any(serial(order) for order in itertools.permutations(range(len(sets)))), copied
    assert versions_only(snapshot(w)) == versions_only(snapshot(w, "staging"))
    records = promotions(w, "list", "--domain", D)[1]["promotions"]
    assert len(records) == 4


def test_sigkill_mid_promotion_leaves_no_package_half_promoted(wharf_factory):
    w = wharf_factory(extra_env={"WHARF_LOG": "info,tower_http=debug"})
    setup_repos(w)
    publish_all(w)
    tok = token(w)
    extra = ["1.1.0", "1.2.0"]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda iv: npm_put(w, "staging", name(iv[0]), iv[1], deps(iv[0]), tok=tok),
                      [(i, v) for i in range(N) for v in extra]))
    wanted = {name(i): {"1.0.0", *extra} for i in range(N)}
    args = [package_arg(n, v) for n, vs in wanted.items() for v in sorted(vs)]
    log_size = w.log.stat().st_size
    proc = subprocess.Popen([wharf_bin(), "promote", "--endpoint-url", w.endpoint, "--domain", D,
                             "--source-repository", "staging", "--destination-repository", "release", *args],
                            env=w.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    arrived = threading.Event()

    def watch():  # the service logs the request as it starts processing it
        with open(w.log, "rb") as f:
            f.seek(log_size)
            while proc.poll() is None and not arrived.is_set():
                line = f.readline()
                if b"/wharf/v1/promotions" in line:
                    arrived.set()
                elif not line:
                    time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert arrived.wait(120), "the promotion request never reached the service"
    w.kill9()
    watcher.join()
    proc.communicate(timeout=60)
    w.start()
    release = versions_only(snapshot(w))
    promoted = {n for n, vs in release.items() if set(vs) == wanted[n]}
    assert all(set(vs) in (set(), wanted[n]) for n, vs in release.items()), release
    assert promoted in (set(), set(wanted)), sorted(promoted)
    records = promotions(w, "list", "--domain", D)[1]["promotions"]
    assert len(records) == (1 if promoted else 0)
    # Either way the service goes on: the promotion can be (re)run to completion.
    rc, out, err = promote(w, *args)
    assert rc == 0, err
    assert versions_only(snapshot(w)) == versions_only(snapshot(w, "staging"))


def test_the_same_flow_on_postgresql(wharf_factory, postgres_url, tmp_path):  # noqa: F811
    w = wharf_factory("--database-url", _fresh_database(postgres_url))
    setup_repos(w)
    publish_all(w)
    project = npm_install(w, tmp_path)
    lockfile = str(project / "package-lock.json")
    npm_put(w, "release", name(6), "0.9.0", {}, tok=token(w))
    before = snapshot(w)
    rc, plan, err = promote(w, "--lockfile", lockfile, "--dry-run")
    assert rc == 0 and plan["status"] == "PLANNED", err
    assert snapshot(w) == before
    rc, done, err = promote(w, "--lockfile", lockfile, "--reason", "on PostgreSQL")
    assert rc == 0 and done["status"] == "APPLIED", err
    assert {k: v for k, v in versions_only(snapshot(w)).items() if k != name(6)} == {
        k: v for k, v in versions_only(snapshot(w, "staging")).items() if k != name(6)}
    npm_ci_from(w, tmp_path, project)
    rc, _, err = promotions(w, "revert", done["promotionId"])
    assert rc == 0, err
    assert snapshot(w) == before
