"""Users and least privilege through the real aws CLI and npm: a "promoter" user made with
`wharf admin` (on the data directory, or against the running service with `--endpoint-url`)
reads staging and release and copies from staging into release, and is refused everything else,
from the aws CLI as from npm; the admin API is root-only; SigV4 failures for a user; revoked keys
and their tokens; resource policies with revisions."""

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import AWS, ROOT, error_code, publish
from test_npm import Npm, make_package, registry

ACCOUNT = "000000000000"
REGION = "us-east-1"


def arn(resource):
    return f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:{resource}"


# The README's policy, verbatim.
PROMOTER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadStagingAndRelease", "Effect": "Allow",
         "Action": ["codeartifact:ReadFromRepository", "codeartifact:GetRepositoryEndpoint",
                    "codeartifact:Describe*", "codeartifact:List*", "codeartifact:GetPackageVersionAsset"],
         "Resource": [arn("repository/my-domain/staging"), arn("package/my-domain/staging/*"),
                      arn("repository/my-domain/release"), arn("package/my-domain/release/*")]},
        {"Sid": "CopyIntoRelease", "Effect": "Allow",
         "Action": "codeartifact:CopyPackageVersions",
         "Resource": [arn("repository/my-domain/release"), arn("package/my-domain/release/*")]},
        {"Sid": "FindTheDomain", "Effect": "Allow",
         "Action": ["codeartifact:DescribeDomain", "codeartifact:ListRepositoriesInDomain",
                    "codeartifact:GetAuthorizationToken"],
         "Resource": arn("domain/my-domain")},
        {"Sid": "ListThings", "Effect": "Allow",
         "Action": ["codeartifact:ListDomains", "codeartifact:ListRepositories"], "Resource": "*"},
    ],
}


def run_admin(w, where, *args, stdin=None, env=None):
    """Runs `wharf admin` on the data directory (`where="local"`: `--data-dir DIR`) or against the
    running service (`where="remote"`: `--endpoint-url URL`, the root keys in AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY unless `env` says otherwise); returns the finished process."""
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    target = ["--data-dir", str(w.data_dir)] if where == "local" else ["--endpoint-url", w.endpoint]
    if env is None and where == "local":
        # On the data directory, it seals users' secrets with the service's root secret.
        env = dict(w.env, WHARF_ROOT_ACCESS_KEY_ID=w.access_key, WHARF_ROOT_SECRET_ACCESS_KEY=w.secret)
    return subprocess.run([binary, "admin", *target, *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=env or w.env)


def admin(w, *args, stdin=None, where="local"):
    """Runs `wharf admin` (see `run_admin`), which must succeed, and returns its JSON."""
    p = run_admin(w, where, *args, stdin=stdin)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def admin_remote(w, *args, stdin=None):
    """Runs `wharf admin --endpoint-url URL ARGS` as root, which must succeed, and returns its JSON."""
    return admin(w, *args, stdin=stdin, where="remote")


def promoter(w, where="local"):
    """Creates the promoter user with a key pair and the policy; returns its CLI environment."""
    admin(w, "user", "create", "promoter", where=where)
    key = admin(w, "key", "create", "promoter", where=where)["accessKey"]
    admin(w, "policy", "attach", "promoter", "promote", "--document", "-", stdin=json.dumps(PROMOTER_POLICY),
          where=where)
    return key, dict(w.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])


def setup(w, tmp_path):
    w.ok("create-domain", "--domain", "my-domain")
    for repo in ["staging", "release"]:
        w.ok("create-repository", "--domain", "my-domain", "--repository", repo)
    publish(w, "staging", "app", "1.0.0", b"one\n", tmp=tmp_path)
    publish(w, "release", "app", "0.9.0", b"zero\n", tmp=tmp_path)


def copy(w, source, dest, version, env):
    return w.aws("copy-package-versions", "--domain", "my-domain", "--source-repository", source,
                 "--destination-repository", dest, "--format", "generic", "--namespace", "my-ns",
                 "--package", "app", "--versions", version, env=env)


def versions(w, repo):
    out = w.ok("list-package-versions", "--domain", "my-domain", "--repository", repo, "--format", "generic",
               "--namespace", "my-ns", "--package", "app")
    return sorted(v["version"] for v in out["versions"])


@pytest.mark.parametrize("where", ["local", "remote"])
def test_a_promoter_reads_staging_and_copies_into_release_only(wharf, tmp_path, where):
    setup(wharf, tmp_path)
    _, env = promoter(wharf, where)
    rc, out, err = wharf.aws("list-packages", "--domain", "my-domain", "--repository", "staging", env=env)
    assert rc == 0, err
    assert [p["package"] for p in out["packages"]] == ["app"]
    rc, out, err = copy(wharf, "staging", "release", "1.0.0", env)
    assert rc == 0, err
    assert list(out["successfulVersions"]) == ["1.0.0"]
    assert versions(wharf, "release") == ["0.9.0", "1.0.0"]

    user = f"arn:aws:iam::{ACCOUNT}:user/promoter"
    rc, _, err = copy(wharf, "release", "staging", "0.9.0", env)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    assert (f"User: {user} is not authorized to perform: codeartifact:CopyPackageVersions on resource: "
            f"{arn('repository/my-domain/staging')}") in err
    rc, _, err = wharf.aws("delete-package-versions", "--domain", "my-domain", "--repository", "release",
                           "--format", "generic", "--namespace", "my-ns", "--package", "app",
                           "--versions", "1.0.0", env=env)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    assert "codeartifact:DeletePackageVersions on resource: " + arn("package/my-domain/release/generic/my-ns/app") in err
    rc, _, err = wharf.aws("delete-repository", "--domain", "my-domain", "--repository", "staging", env=env)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    rc, _, err = publish_as(wharf, env, tmp_path)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    # Nothing the refused requests asked for happened.
    assert versions(wharf, "staging") == ["1.0.0"]
    assert versions(wharf, "release") == ["0.9.0", "1.0.0"]


def test_the_admin_api_is_root_only_and_answers_as_the_data_directory_does(wharf, tmp_path):
    setup(wharf, tmp_path)
    key, env = promoter(wharf, "remote")
    # Both ways print the same JSON, byte for byte.
    for args in [("user", "list"), ("policy", "list", "promoter")]:
        local, remote = run_admin(wharf, "local", *args), run_admin(wharf, "remote", *args)
        assert local.returncode == remote.returncode == 0, local.stderr + remote.stderr
        assert local.stdout == remote.stdout
    listed = json.loads(remote.stdout)
    assert listed["policies"][0]["document"] == PROMOTER_POLICY

    # The promoter's keys, even with every CodeArtifact permission, cannot manage principals.
    admin_remote(wharf, "policy", "attach", "promoter", "all", "--document", "-", stdin=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    p = run_admin(wharf, "remote", "user", "create", "mallory", env=env)
    assert p.returncode == 1 and p.stdout == "", p
    assert p.stderr.startswith("wharf admin: AccessDeniedException: User: "
                               f"arn:aws:iam::{ACCOUNT}:user/promoter is not authorized to perform: wharf:CreateUser"), p.stderr
    assert [u["userName"] for u in admin_remote(wharf, "user", "list")["users"]] == ["promoter"]

    # Bad input is refused with the service's ValidationException and stores nothing.
    p = run_admin(wharf, "remote", "policy", "attach", "promoter", "broken", "--document", "-",
                  stdin=json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*",
                       "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}))
    assert p.returncode == 1 and p.stderr.startswith("wharf admin: ValidationException: "), p.stderr
    p = run_admin(wharf, "remote", "user", "create", "has space")
    assert p.returncode == 1 and "ValidationException" in p.stderr and "'has space' at 'user'" in p.stderr, p.stderr
    p = run_admin(wharf, "remote", "key", "create", "nobody")
    assert p.returncode == 1 and p.stderr.startswith("wharf admin: ResourceNotFoundException: "), p.stderr
    policies = admin_remote(wharf, "policy", "list", "promoter")["policies"]
    assert [x["policyName"] for x in policies] == ["all", "promote"]

    # The root keys may also come from WHARF_ROOT_* (what `wharf serve` reads), and win there.
    root_env = dict(env, WHARF_ROOT_ACCESS_KEY_ID=wharf.access_key, WHARF_ROOT_SECRET_ACCESS_KEY=wharf.secret)
    p = run_admin(wharf, "remote", "key", "revoke", key["accessKeyId"], env=root_env)
    assert p.returncode == 0 and json.loads(p.stdout) == {"revoked": key["accessKeyId"]}, p.stderr
    rc, _, err = wharf.aws("list-domains", env=env)
    assert rc == 255 and error_code(err) == "UnrecognizedClientException", err
    # Without credentials, or signed for another region, nothing is sent or accepted.
    bare = {k: v for k, v in wharf.env.items() if not k.startswith(("AWS_ACCESS", "AWS_SECRET", "WHARF_ROOT"))}
    p = run_admin(wharf, "remote", "user", "list", env=bare)
    assert p.returncode == 1 and "AWS_ACCESS_KEY_ID" in p.stderr, p.stderr
    p = run_admin(wharf, "remote", "--region", "eu-west-1", "user", "list")
    assert p.returncode == 1 and "InvalidSignatureException" in p.stderr, p.stderr
    # A bearer token, even root's, may not administer: only SigV4 with the root key pair.
    token = wharf.ok("get-authorization-token", "--domain", "my-domain")["authorizationToken"]
    req = urllib.request.Request(wharf.endpoint + "/wharf/admin/user?user=mallory", method="POST", data=b"",
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("a bearer token administered the service")
    except urllib.error.HTTPError as e:
        assert e.code == 403 and e.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert [u["userName"] for u in admin_remote(wharf, "user", "list")["users"]] == ["promoter"]


def publish_as(w, env, tmp_path):
    f = tmp_path / "asset.txt"
    f.write_bytes(b"x\n")
    import hashlib
    return w.aws("publish-package-version", "--domain", "my-domain", "--repository", "staging", "--format", "generic",
                 "--namespace", "my-ns", "--package", "app", "--package-version", "2.0.0", "--asset-content", str(f),
                 "--asset-name", "asset.txt", "--asset-sha256", hashlib.sha256(b"x\n").hexdigest(), env=env)


def test_signature_failures_and_revoked_keys(wharf, tmp_path):
    setup(wharf, tmp_path)
    key, env = promoter(wharf)
    rc, _, err = wharf.aws("list-domains", env=dict(env, AWS_SECRET_ACCESS_KEY="wrong" + key["secretAccessKey"]))
    assert rc == 255 and error_code(err) == "InvalidSignatureException", err
    rc, _, err = wharf.aws("list-domains", env=dict(env, AWS_ACCESS_KEY_ID="AKIANOSUCHKEY0000000"))
    assert rc == 255 and error_code(err) == "UnrecognizedClientException", err
    req = urllib.request.Request(wharf.endpoint + "/v1/domains", method="POST", data=b"")
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("an anonymous request was served")
    except urllib.error.HTTPError as e:
        assert e.code == 403 and e.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"

    token = wharf.ok("get-authorization-token", "--domain", "my-domain")  # root's token still works later
    out = wharf.aws("get-authorization-token", "--domain", "my-domain", env=env)[1]
    user_token = out["authorizationToken"]
    assert bearer(wharf, user_token) == 200
    admin(wharf, "key", "revoke", key["accessKeyId"])
    rc, _, err = wharf.aws("list-domains", env=env)
    assert rc == 255 and error_code(err) == "UnrecognizedClientException", err
    assert bearer(wharf, user_token) == 400
    assert bearer(wharf, token["authorizationToken"]) == 200
    listed = admin(wharf, "user", "list")["users"]
    assert listed[0]["userName"] == "promoter" and listed[0]["accessKeys"][0]["status"] == "Revoked"
    assert listed[0]["policies"] == ["promote"]


def bearer(w, token):
    req = urllib.request.Request(w.endpoint + "/v1/domains", method="POST", data=b"",
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_repository_policy_grants_what_the_identity_policy_does_not(wharf, tmp_path):
    setup(wharf, tmp_path)
    admin(wharf, "user", "create", "guest")
    key = admin(wharf, "key", "create", "guest")["accessKey"]
    env = dict(wharf.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])
    args = ["describe-repository", "--domain", "my-domain", "--repository", "staging"]
    rc, _, err = wharf.aws(*args, env=env)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/guest"},
        "Action": "codeartifact:DescribeRepository", "Resource": "*"}]})
    put = wharf.ok("put-repository-permissions-policy", "--domain", "my-domain", "--repository", "staging",
                   "--policy-document", doc)
    revision = put["policy"]["revision"]
    assert put["policy"]["resourceArn"] == arn("repository/my-domain/staging")
    rc, out, err = wharf.aws(*args, env=env)
    assert rc == 0 and out["repository"]["name"] == "staging", err
    got = wharf.ok("get-repository-permissions-policy", "--domain", "my-domain", "--repository", "staging")
    assert got["policy"]["document"] == doc
    rc, _, err = wharf.aws("delete-repository-permissions-policy", "--domain", "my-domain", "--repository", "staging",
                           "--policy-revision", "stale")
    assert rc == 255 and error_code(err) == "ConflictException", err
    wharf.ok("delete-repository-permissions-policy", "--domain", "my-domain", "--repository", "staging",
             "--policy-revision", revision)
    rc, _, err = wharf.aws(*args, env=env)
    assert rc == 255 and error_code(err) == "AccessDeniedException", err
    rc, _, err = wharf.aws("put-domain-permissions-policy", "--domain", "my-domain", "--policy-document", "{}")
    assert rc == 255 and error_code(err) == "ValidationException", err


def blob_files(w):
    return sorted(p.name for p in (w.data_dir / "blobs").rglob("*") if p.is_file())


def test_the_promoter_installs_with_npm_but_cannot_publish(wharf, tmp_path):
    """`aws codeartifact login --tool npm` with the promoter's keys, then the real npm: install
    from staging and view release work; publish and dist-tag changes are refused with the
    AccessDeniedException text and change nothing; a repository outside the policy is refused
    to npm too; a revoked key's token is refused."""
    setup(wharf, tmp_path)
    wharf.ok("create-repository", "--domain", "my-domain", "--repository", "team-only")
    root_npm = Npm(wharf, "staging", tmp_path / "root")
    for repo, name in [("staging", "@acme/app"), ("team-only", "secret-lib")]:
        root_npm.use(wharf, repo, wharf.ok("get-authorization-token", "--domain", "my-domain")["authorizationToken"])
        root_npm.run("publish", cwd=make_package(tmp_path / "pkgs", name, "1.0.0"))
    key, env = promoter(wharf)
    user = f"arn:aws:iam::{ACCOUNT}:user/promoter"

    npm = Npm(wharf, "staging", tmp_path / "promoter", tok="placeholder")
    npm.userconfig.write_text("")
    login_env = dict(env, **{k: v for k, v in npm.env.items() if k.startswith("npm_config_") or k == "HOME"})
    p = subprocess.run([AWS, "codeartifact", "login", "--tool", "npm", "--domain", "my-domain", "--repository",
                        "staging", "--endpoint-url", wharf.endpoint], capture_output=True, text=True, env=login_env,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert f"registry={registry(wharf, 'staging')}" in npm.userconfig.read_text()

    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "consumer", "version": "0.0.0", "private": True}))
    npm.run("install", "@acme/app", cwd=project)
    assert json.loads((project / "node_modules/@acme/app/package.json").read_text())["version"] == "1.0.0"

    staging_before = wharf.ok("list-package-versions", "--domain", "my-domain", "--repository", "staging",
                              "--format", "npm", "--namespace", "acme", "--package", "app")["versions"]
    blobs_before = blob_files(wharf)
    refused = npm.run("publish", cwd=make_package(tmp_path / "pkgs", "@acme/app", "1.0.1"), check=False)
    assert refused.returncode != 0, refused.stdout
    assert "403" in refused.stderr, refused.stderr
    assert (f"User: {user} is not authorized to perform: codeartifact:PublishPackageVersion on resource: "
            f"{arn('package/my-domain/staging/npm/acme/app')}") in refused.stderr, refused.stderr
    refused = npm.run("dist-tag", "add", "@acme/app@1.0.0", "stable", check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.stderr
    assert wharf.ok("list-package-versions", "--domain", "my-domain", "--repository", "staging", "--format", "npm",
                    "--namespace", "acme", "--package", "app")["versions"] == staging_before
    assert "stable" not in npm.run("dist-tag", "ls", "@acme/app").stdout
    assert blob_files(wharf) == blobs_before

    # The promoter's way into release is a copy; then npm sees it there.
    rc, out, err = wharf.aws("copy-package-versions", "--domain", "my-domain", "--source-repository", "staging",
                             "--destination-repository", "release", "--format", "npm", "--namespace", "acme",
                             "--package", "app", "--versions", "1.0.0", env=env)
    assert rc == 0 and list(out["successfulVersions"]) == ["1.0.0"], err
    tok = wharf.aws("get-authorization-token", "--domain", "my-domain", env=env)[1]["authorizationToken"]
    npm.use(wharf, "release", tok)
    assert npm.json("view", "@acme/app", "version") == "1.0.0"

    # A repository the policy does not name is closed to npm as to the API.
    npm.use(wharf, "team-only", tok)
    refused = npm.run("view", "secret-lib", check=False)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.stderr
    assert (f"codeartifact:ReadFromRepository on resource: {arn('repository/my-domain/team-only')}"
            in refused.stderr), refused.stderr

    # Revoking the key revokes its tokens, for npm too.
    npm.use(wharf, "staging", tok)
    assert npm.json("view", "@acme/app", "version") == "1.0.0"
    admin(wharf, "key", "revoke", key["accessKeyId"])
    refused = npm.run("view", "@acme/app", check=False)
    assert refused.returncode != 0 and "401" in refused.stderr, refused.stderr
