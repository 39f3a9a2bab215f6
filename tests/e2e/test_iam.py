"""Users and least privilege through the real aws CLI: a "promoter" user made with `wharf admin`
reads staging and copies into release, and is refused everything else; SigV4 failures for a
user; revoked keys and their tokens; resource policies with revisions."""

import json
import os
import subprocess
import urllib.error
import urllib.request

from conftest import ROOT, error_code, publish

ACCOUNT = "000000000000"
REGION = "us-east-1"


def arn(resource):
    return f"arn:aws:codeartifact:{REGION}:{ACCOUNT}:{resource}"


PROMOTER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadStaging", "Effect": "Allow",
         "Action": ["codeartifact:ReadFromRepository", "codeartifact:Describe*", "codeartifact:List*",
                    "codeartifact:GetPackageVersionAsset"],
         "Resource": [arn("repository/my-domain/staging"), arn("package/my-domain/staging/*")]},
        {"Sid": "CopyIntoRelease", "Effect": "Allow",
         "Action": ["codeartifact:CopyPackageVersions", "codeartifact:Describe*", "codeartifact:List*"],
         "Resource": [arn("repository/my-domain/release"), arn("package/my-domain/release/*")]},
        {"Sid": "FindTheDomain", "Effect": "Allow",
         "Action": ["codeartifact:DescribeDomain", "codeartifact:ListRepositoriesInDomain",
                    "codeartifact:GetAuthorizationToken"],
         "Resource": arn("domain/my-domain")},
        {"Sid": "ListThings", "Effect": "Allow",
         "Action": ["codeartifact:ListDomains", "codeartifact:ListRepositories"], "Resource": "*"},
    ],
}


def admin(w, *args, stdin=None):
    """Runs `wharf admin --data-dir DIR ARGS` and returns its JSON."""
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    p = subprocess.run([binary, "admin", "--data-dir", str(w.data_dir), *args], input=stdin,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def promoter(w):
    """Creates the promoter user with a key pair and the policy; returns its CLI environment."""
    admin(w, "user", "create", "promoter")
    key = admin(w, "key", "create", "promoter")["accessKey"]
    admin(w, "policy", "attach", "promoter", "promote", "--document", "-", stdin=json.dumps(PROMOTER_POLICY))
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


def test_a_promoter_reads_staging_and_copies_into_release_only(wharf, tmp_path):
    setup(wharf, tmp_path)
    _, env = promoter(wharf)
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
    assert (f"User: {user} is not authorized to perform: codeartifact:ReadFromRepository on resource: "
            f"{arn('repository/my-domain/release')}") in err
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
