"""PostgreSQL + S3: two `wharf serve` processes share one PostgreSQL database (a throwaway
cluster from Debian's packages, scripts/pg-throwaway) and one S3 bucket (moto's S3 server from
the venv), as a team's deployment behind a load balancer would. Everything is driven with the
aws CLI and boto3, as on the embedded default."""

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from conftest import ROOT, VENV, Wharf, publish

BUCKET = "wharf-assets"
# One xdist worker runs the whole module, so its module-scoped PostgreSQL cluster and S3 server
# start once (scripts/test runs pytest with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("shared_storage")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    d = tempfile.mkdtemp(prefix="wharf-pg-")
    url = subprocess.run([str(ROOT / "scripts/pg-throwaway"), "start", d], check=True, capture_output=True,
                         text=True).stdout.strip()
    yield url
    subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", d], check=False)


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    log = open(tempfile.mktemp(prefix="moto-", suffix=".log"), "wb")
    proc = subprocess.Popen([str(VENV / "bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto_server did not start")
            time.sleep(0.2)
    yield endpoint
    proc.kill()
    proc.wait()
    os.unlink(log.name)


S3_ENV = dict(AWS_ACCESS_KEY_ID="moto", AWS_SECRET_ACCESS_KEY="moto", AWS_REGION="us-east-1", AWS_ALLOW_HTTP="true")


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="moto", aws_secret_access_key="moto")


def _fresh_database(base_url):
    name = "e2e_" + os.urandom(6).hex()
    server, _ = base_url.rsplit("/", 1)
    subprocess.run(["psql", base_url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{server}/{name}"


@pytest.fixture
def services(request, postgres_url, s3_endpoint):
    """Two services; `@pytest.mark.parametrize("services", [{ENV}], indirect=True)` adds to
    their environment."""
    database = _fresh_database(postgres_url)
    prefix = "run-" + os.urandom(4).hex()
    s3 = s3_client(s3_endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    keys = ("AKIA" + os.urandom(8).hex().upper(), os.urandom(24).hex())
    tmp = Path(tempfile.mkdtemp(prefix="wharf-shared-"))
    env = dict(S3_ENV, AWS_ENDPOINT_URL=s3_endpoint, **getattr(request, "param", {}))
    args = ["--database-url", database, "--blob-store", f"s3://{BUCKET}/{prefix}"]
    started = []
    try:
        for name in ("a", "b"):
            (tmp / name).mkdir()
            started.append(Wharf(tmp / name / "data", args, keys=keys, extra_env=env))
        yield started[0], started[1], s3, prefix
    finally:
        for w in started:
            w.kill9()
        shutil.rmtree(tmp, ignore_errors=True)


def test_two_services_share_postgres_and_s3(services, tmp_path):
    a, b, s3, prefix = services
    a.ok("create-domain", "--domain", "my-domain")
    for repo in ("staging", "release"):
        b.ok("create-repository", "--domain", "my-domain", "--repository", repo)
    body = os.urandom(200_000)
    published = publish(a, "staging", "tool", "1.0.0", body, tmp=tmp_path)
    publish(a, "staging", "tool", "1.1.0", b"second", tmp=tmp_path)

    # The asset is in the bucket under the prefix, not in either data directory.
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", [])]
    assert any(hashlib.sha256(body).hexdigest() in k for k in keys), keys
    assert not any((w.data_dir / "blobs").exists() and any((w.data_dir / "blobs").rglob("*")) for w in (a, b))

    copied = b.ok("copy-package-versions", "--domain", "my-domain", "--source-repository", "staging",
                  "--destination-repository", "release", "--format", "generic", "--namespace", "my-ns",
                  "--package", "tool", "--versions", "1.0.0")
    assert list(copied["successfulVersions"]) == ["1.0.0"]
    assert copied["failedVersions"] == {}
    objects_after_copy = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/")["KeyCount"]
    assert objects_after_copy == len(keys), "a copy references the same bytes"

    listed = a.ok("list-package-versions", "--domain", "my-domain", "--repository", "release",
                  "--format", "generic", "--namespace", "my-ns", "--package", "tool")
    assert [(v["version"], v["revision"]) for v in listed["versions"]] == [("1.0.0", published["versionRevision"])]

    out = tmp_path / "downloaded"
    b.ok("get-package-version-asset", "--domain", "my-domain", "--repository", "release", "--format", "generic",
         "--namespace", "my-ns", "--package", "tool", "--package-version", "1.0.0", "--asset", "asset.txt", str(out))
    assert out.read_bytes() == body

    # Both restart onto the same state.
    a.restart()
    b.restart()
    again = b.ok("describe-package-version", "--domain", "my-domain", "--repository", "release", "--format", "generic",
                 "--namespace", "my-ns", "--package", "tool", "--package-version", "1.0.0")
    assert again["packageVersion"]["revision"] == published["versionRevision"]


def test_copies_through_two_services_at_once_stay_serial(services):
    a, b, _, _ = services
    c = a.client()
    c.create_domain(domain="my-domain")
    for r in ("staging", "release"):
        c.create_repository(domain="my-domain", repository=r)
    args = dict(domain="my-domain", format="generic", namespace="ns", package="pkg")
    versions = [f"1.0.{i}" for i in range(24)]
    for v in versions:
        data = v.encode() * 10
        c.publish_package_version(repository="staging", packageVersion=v, assetContent=data, assetName="a.bin",
                                  assetSHA256=hashlib.sha256(data).hexdigest(), **args)
    start = threading.Barrier(8)

    def client(k):
        cl = (a if k % 2 else b).client()
        start.wait()
        return cl.copy_package_versions(sourceRepository="staging", destinationRepository="release",
                                        versions=versions[k * 2: k * 2 + 10], **args)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(client, range(8)))
    copied = [v for r in results for v in r["successfulVersions"]]
    assert all(r["failedVersions"] == {} for r in results)
    assert sorted(copied) == sorted(set(copied)), "each version is copied exactly once across both processes"
    assert set(copied) == set(versions[:7 * 2 + 10])


def test_an_unreachable_database_is_a_clear_startup_error(tmp_path):
    port = free_port()
    url = f"postgres://wharf:s3cret@127.0.0.1:{port}/wharf"
    binary = os.environ.get("WHARF_BIN", str(ROOT / "target" / "debug" / "wharf"))
    p = subprocess.run([binary, "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        "--database-url", url], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "cannot open the database postgres://wharf:***@127.0.0.1" in p.stderr, p.stderr
    assert "s3cret" not in p.stderr + p.stdout


@pytest.mark.parametrize("services", [{"AWS_CONDITIONAL_PUT": "disabled"}], indirect=True)
def test_a_bucket_without_conditional_writes_still_stores_each_content_once(services, tmp_path):
    """Some S3-compatible stores refuse If-None-Match; content-addressed writes then overwrite
    with the same bytes instead of failing the publish."""
    a, b, s3, prefix = services
    a.ok("create-domain", "--domain", "my-domain")
    a.ok("create-repository", "--domain", "my-domain", "--repository", "staging")
    body = os.urandom(50_000)
    publish(a, "staging", "tool", "1.0.0", body, tmp=tmp_path)
    publish(b, "staging", "tool", "1.0.1", body, tmp=tmp_path)  # the same bytes again
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", [])]
    assert len(keys) == 1 and hashlib.sha256(body).hexdigest() in keys[0], keys
    out = tmp_path / "downloaded"
    b.ok("get-package-version-asset", "--domain", "my-domain", "--repository", "staging", "--format", "generic",
         "--namespace", "my-ns", "--package", "tool", "--package-version", "1.0.1", "--asset", "asset.txt", str(out))
    assert out.read_bytes() == body
