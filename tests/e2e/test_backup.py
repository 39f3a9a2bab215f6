"""`wharf admin backup --to DIR` under write load, then `wharf admin restore --from DIR` into a new
data directory: the restored service holds exactly the snapshot's versions and revisions, and
every asset's bytes; a damaged backup is refused before anything is written."""

import hashlib
import json
import sqlite3
import subprocess
import threading
from pathlib import Path

from conftest import Wharf, domain_state, wharf_bin

ARGS = dict(domain="my-domain", format="generic", namespace="ns")


def admin(data_dir, *args, check=True):
    p = subprocess.run([wharf_bin(), "admin", "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                       timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return p


def body(k, i):
    return f"writer {k} version {i} ".encode() * 40


def snapshot_rows(db_path):
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return sorted(db.execute(
            "SELECT r.name, p.name, v.version, v.revision, v.status FROM package_versions v "
            "JOIN packages p ON p.id = v.package_id JOIN repositories r ON r.id = p.repository_id"))
    finally:
        db.close()


def test_backup_under_write_load_restores_every_version_revision_and_blob(wharf, tmp_path):
    c = wharf.client()
    c.create_domain(domain="my-domain")
    for r in ("src", "dst"):
        c.create_repository(domain="my-domain", repository=r)
    before = []
    for i in range(5):
        b = body("seed", i)
        c.publish_package_version(repository="src", package="seed", packageVersion=f"0.{i}", assetContent=b,
                                  assetName="a.bin", assetSHA256=hashlib.sha256(b).hexdigest(), **ARGS)
        before.append(f"0.{i}")

    stop = threading.Event()
    written = []

    def writer(k):
        cl = wharf.client()
        i = 0
        while not stop.is_set() and i < 200:
            b = body(k, i)
            cl.publish_package_version(repository="src", package=f"w{k}", packageVersion=f"1.{i}", assetContent=b,
                                       assetName="a.bin", assetSHA256=hashlib.sha256(b).hexdigest(), **ARGS)
            cl.copy_package_versions(sourceRepository="src", destinationRepository="dst", package=f"w{k}",
                                     versions=[f"1.{i}"], **ARGS)
            written.append((k, i))
            i += 1

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        backup_dir = tmp_path / "backup"
        manifest = admin(wharf.data_dir, "backup", "--to", str(backup_dir))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=300)
    assert written, "no writes ran during the backup"
    assert admin(wharf.data_dir, "backup", "--to", str(backup_dir), check=False).returncode != 0  # never overwritten

    rows = snapshot_rows(backup_dir / "wharf.db")
    assert manifest["versions"] == len(rows) >= 5
    assert {v for (_, p, v, _, _) in rows if p == "seed"} == set(before)

    restored_dir = tmp_path / "restored" / "data"
    restored_dir.mkdir(parents=True)
    out = admin(restored_dir, "restore", "--from", str(backup_dir))
    assert out["versions"] == len(rows)
    assert admin(restored_dir, "restore", "--from", str(backup_dir), check=False).returncode != 0  # no clobbering

    r = Wharf(restored_dir, keys=(wharf.access_key, wharf.secret))
    try:
        state = domain_state(r)
        got = sorted((repo, key.rsplit("/", 1)[1], v, info["revision"], info["status"])
                     for repo, rs in state.items() for key, vs in rs.get("packages", {}).items()
                     for v, info in vs.items())
        assert got == rows
        rc = r.client()
        for repo, package, version, _, _ in rows:
            asset = rc.get_package_version_asset(repository=repo, package=package, packageVersion=version,
                                                 asset="a.bin", **ARGS)["asset"].read()
            k = "seed" if package == "seed" else int(package[1:])
            assert asset == body(k, int(version.split(".")[1]))
    finally:
        r.kill9()


def test_restore_refuses_a_damaged_backup_and_writes_nothing(wharf, tmp_path):
    c = wharf.client()
    c.create_domain(domain="my-domain")
    c.create_repository(domain="my-domain", repository="src")
    b = b"precious" * 10
    c.publish_package_version(repository="src", package="p", packageVersion="1.0", assetContent=b, assetName="a.bin",
                              assetSHA256=hashlib.sha256(b).hexdigest(), **ARGS)
    backup_dir = tmp_path / "backup"
    admin(wharf.data_dir, "backup", "--to", str(backup_dir))
    sha = hashlib.sha256(b).hexdigest()
    blob = backup_dir / "blobs" / "sha256" / sha[:2] / sha
    blob.write_bytes(b"tampered")
    target = tmp_path / "restored"
    target.mkdir()
    p = admin(target, "restore", "--from", str(backup_dir), check=False)
    assert p.returncode != 0 and sha in p.stderr, p.stderr
    assert not (target / "wharf.db").exists()
    assert not any((target / "blobs").rglob("*")) if (target / "blobs").exists() else True
