"""`wharf admin gc`: removes asset bytes no row references, keeps young ones (the grace period),
removes nothing in a dry run, and never removes a referenced blob while publishes, copies and
deletes run against the same data directory."""

import hashlib
import json
import os
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import wharf_bin

ARGS = dict(domain="my-domain", format="generic", namespace="ns")


def gc(w, *args):
    p = subprocess.run([wharf_bin(), "admin", "--data-dir", str(w.data_dir), "gc", *args],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def blob(w, body):
    sha = hashlib.sha256(body).hexdigest()
    return w.data_dir / "blobs" / "sha256" / sha[:2] / sha


def pub(c, repo, package, version, body):
    c.publish_package_version(repository=repo, package=package, packageVersion=version, assetContent=body,
                              assetName="a.bin", assetSHA256=hashlib.sha256(body).hexdigest(), **ARGS)


def referenced(w):
    """Every SHA-256 the rows reference, read from the service's SQLite database."""
    db = sqlite3.connect(f"file:{w.data_dir / 'wharf.db'}?mode=ro", uri=True, timeout=30)
    try:
        return {r[0] for r in db.execute("SELECT DISTINCT sha256 FROM assets")}
    finally:
        db.close()


def seed(w, repos=("src", "dst")):
    c = w.client()
    c.create_domain(domain="my-domain")
    for r in repos:
        c.create_repository(domain="my-domain", repository=r)
    return c


def test_gc_removes_unreferenced_blobs_after_the_grace_period_and_nothing_in_a_dry_run(wharf):
    c = seed(wharf)
    kept, dropped = b"kept bytes" * 10, b"dropped bytes" * 10
    pub(c, "src", "keep", "1.0", kept)
    pub(c, "src", "drop", "1.0", dropped)
    c.copy_package_versions(sourceRepository="src", destinationRepository="dst", package="keep", versions=["1.0"],
                            **ARGS)
    c.delete_package_versions(repository="src", package="drop", versions=["1.0"], **ARGS)
    assert blob(wharf, dropped).exists()
    gone = hashlib.sha256(dropped).hexdigest()

    young = gc(wharf)  # default grace: an hour
    assert young["removed"] == [] and young["keptYoung"] == 1, young

    dry = gc(wharf, "--dry-run", "--grace", "0s")
    assert dry["dryRun"] is True and dry["removed"] == [gone], dry
    assert dry["removedBytes"] == len(dropped)
    assert blob(wharf, dropped).exists()

    done = gc(wharf, "--grace", "0s")
    assert done["removed"] == [gone] and done["blobs"] == 2, done
    assert not blob(wharf, dropped).exists()
    assert blob(wharf, kept).exists()
    for repo in ("src", "dst"):
        got = c.get_package_version_asset(repository=repo, package="keep", packageVersion="1.0", asset="a.bin", **ARGS)
        assert got["asset"].read() == kept
    assert gc(wharf, "--grace", "0s")["removed"] == []


def test_gc_racing_publishes_copies_and_deletes_never_removes_a_referenced_blob(wharf):
    c = seed(wharf)
    # Old, unreferenced content that the race publishes again: its blob is older than the grace
    # period, so only the refresh on publish keeps gc from removing it under the new rows.
    old = [f"old content {i}".encode() * 20 for i in range(6)]
    for i, body in enumerate(old):
        pub(c, "src", "old", f"0.{i}", body)
    c.delete_package_versions(repository="src", package="old", versions=[f"0.{i}" for i in range(6)], **ARGS)
    hours_ago = time.time() - 7200
    for body in old:
        os.utime(blob(wharf, body), (hours_ago, hours_ago))

    stop = threading.Event()
    runs = []

    def collector():
        while not stop.is_set():
            runs.append(gc(wharf, "--grace", "3s"))

    def writer(k):
        cl = wharf.client()
        for i in range(8):
            body = f"writer {k} version {i}".encode() * 30
            pub(cl, "src", f"p{k}", f"1.{i}", body)
            cl.copy_package_versions(sourceRepository="src", destinationRepository="dst", package=f"p{k}",
                                     versions=[f"1.{i}"], **ARGS)
            if i % 2:
                cl.delete_package_versions(repository="src", package=f"p{k}", versions=[f"1.{i}"], **ARGS)
        # Publish the old content again, while gc considers it garbage.
        pub(cl, "dst", "old", f"2.{k}", old[k])

    t = threading.Thread(target=collector)
    t.start()
    try:
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(writer, range(6)))
    finally:
        stop.set()
        t.join(timeout=120)
    assert runs, "gc never ran"
    runs.append(gc(wharf, "--grace", "3s"))
    shas = referenced(wharf)
    assert len(shas) == 6 * 8 + 6
    missing = [s for s in shas if not (wharf.data_dir / "blobs" / "sha256" / s[:2] / s).exists()]
    assert missing == [], f"referenced blobs removed: {missing}"
    for k in range(6):
        got = c.get_package_version_asset(repository="dst", package="old", packageVersion=f"2.{k}", asset="a.bin",
                                          **ARGS)
        assert got["asset"].read() == old[k]


def test_serve_sweeps_unreferenced_blobs_periodically_and_keeps_referenced_and_young_ones(wharf_factory):
    # The default grace (an hour) applies; blobs are aged by hand, as above.
    w = wharf_factory("--gc-interval", "300ms")
    c = seed(w)
    kept, old_garbage, young_garbage = b"kept" * 50, b"old garbage" * 50, b"young garbage" * 50
    pub(c, "src", "keep", "1.0", kept)
    pub(c, "src", "old", "1.0", old_garbage)
    pub(c, "src", "young", "1.0", young_garbage)
    for package in ("old", "young"):
        c.delete_package_versions(repository="src", package=package, versions=["1.0"], **ARGS)
    hours_ago = time.time() - 7200
    for body in (kept, old_garbage):
        os.utime(blob(w, body), (hours_ago, hours_ago))

    deadline = time.time() + 60
    while blob(w, old_garbage).exists():
        assert time.time() < deadline, "the periodic sweep did not remove the old unreferenced blob"
        assert w.proc.poll() is None, w.log.read_text()
        time.sleep(0.1)
    assert "blob garbage collected" in w.log.read_text()
    assert blob(w, kept).exists(), "a referenced blob was removed"
    assert blob(w, young_garbage).exists(), "a blob within the grace period was removed"
    got = c.get_package_version_asset(repository="src", package="keep", packageVersion="1.0", asset="a.bin", **ARGS)
    assert got["asset"].read() == kept


def test_serve_refuses_a_zero_gc_interval(tmp_path):
    p = subprocess.run([wharf_bin(), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        "--gc-interval", "0s"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "not a positive duration" in p.stderr, p.stderr
