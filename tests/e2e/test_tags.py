"""Tags end to end with the aws CLI: `--tags` on create-domain and create-repository are stored,
tag-resource / untag-resource / list-tags-for-resource round-trip on domains and repositories, the
model's limits are ValidationException or ServiceQuotaExceededException and change nothing, and an
IAM user needs codeartifact:TagResource (and AssociateExternalConnection) on the resource's ARN."""

import json

from conftest import error_code
from test_iam import admin

D = ["--domain", "my-domain"]
ACCOUNT = "000000000000"


def arn(resource):
    return f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:{resource}"


def tags(w, resource_arn, env=None):
    rc, out, err = w.aws("list-tags-for-resource", "--resource-arn", resource_arn, env=env)
    assert rc == 0, err
    return {t["key"]: t["value"] for t in out["tags"]}


def test_tags_round_trip_including_on_creation(wharf):
    w = wharf
    w.ok("create-domain", *D, "--tags", "key=team,value=core", "key=cost,value=")
    w.ok("create-repository", *D, "--repository", "r1", "--tags", "key=env,value=prod")
    assert tags(w, arn("domain/my-domain")) == {"team": "core", "cost": ""}
    assert tags(w, arn("repository/my-domain/r1")) == {"env": "prod"}
    w.ok("tag-resource", "--resource-arn", arn("repository/my-domain/r1"),
         "--tags", "key=env,value=dev", "key=owner,value=ann")
    assert tags(w, arn("repository/my-domain/r1")) == {"env": "dev", "owner": "ann"}
    w.ok("untag-resource", "--resource-arn", arn("repository/my-domain/r1"), "--tag-keys", "env", "absent")
    assert tags(w, arn("repository/my-domain/r1")) == {"owner": "ann"}
    # boto3 agrees with the CLI.
    assert w.client().list_tags_for_resource(resourceArn=arn("domain/my-domain"))["tags"] == [
        {"key": "cost", "value": ""}, {"key": "team", "value": "core"}]


def test_limits_and_missing_resources_change_nothing(wharf):
    w = wharf
    w.ok("create-domain", *D)
    w.ok("create-repository", *D, "--repository", "r1")
    r1 = arn("repository/my-domain/r1")
    w.ok("tag-resource", "--resource-arn", r1, "--tags", "key=keep,value=1")
    many = [f"key=k{i},value=v" for i in range(50)]
    rc, _, err = w.aws("tag-resource", "--resource-arn", r1, "--tags", *many)
    assert rc != 0 and error_code(err) == "ServiceQuotaExceededException", err
    for bad in [f"key={'k' * 129},value=v", "key=aws:x,value=v", f"key=ok,value={'v' * 257}"]:
        rc, _, err = w.aws("tag-resource", "--resource-arn", r1, "--tags", bad)
        assert rc != 0 and error_code(err) == "ValidationException", (bad, err)
    assert tags(w, r1) == {"keep": "1"}
    rc, _, err = w.aws("list-tags-for-resource", "--resource-arn", arn("repository/my-domain/missing"))
    assert rc != 0 and error_code(err) == "ResourceNotFoundException", err
    rc, _, err = w.aws("create-repository", *D, "--repository", "r2", "--tags", "key=aws:no,value=x")
    assert rc != 0 and error_code(err) == "ValidationException", err
    rc, _, err = w.aws("describe-repository", *D, "--repository", "r2")
    assert error_code(err) == "ResourceNotFoundException", err


def test_iam_users_need_the_tagging_and_connection_actions(wharf):
    w = wharf
    w.ok("create-domain", *D)
    w.ok("create-repository", *D, "--repository", "r1", "--tags", "key=env,value=prod")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["codeartifact:Describe*", "codeartifact:List*"], "Resource": "*"}]}
    admin(w, "user", "create", "reader")
    key = admin(w, "key", "create", "reader")["accessKey"]
    admin(w, "policy", "attach", "reader", "read", "--document", "-", stdin=json.dumps(policy))
    env = dict(w.env, AWS_ACCESS_KEY_ID=key["accessKeyId"], AWS_SECRET_ACCESS_KEY=key["secretAccessKey"])
    r1 = arn("repository/my-domain/r1")
    assert tags(w, r1, env=env) == {"env": "prod"}
    for args in [["tag-resource", "--resource-arn", r1, "--tags", "key=a,value=b"],
                 ["untag-resource", "--resource-arn", r1, "--tag-keys", "env"],
                 ["associate-external-connection", *D, "--repository", "r1", "--external-connection",
                  "public:npmjs"]]:
        rc, _, err = w.aws(*args, env=env)
        assert rc != 0 and error_code(err) == "AccessDeniedException", (args, err)
        assert "user/reader" in err and "codeartifact:" in err, err
    assert tags(w, r1) == {"env": "prod"}
    assert w.ok("describe-repository", *D, "--repository", "r1")["repository"]["externalConnections"] == []
