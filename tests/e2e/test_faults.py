"""Concurrency and crashes: overlapping copies end consistent; SIGKILL mid-stream loses nothing."""

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ARGS = dict(domain="my-domain", format="generic", namespace="ns", package="pkg")


def seed(w, n, repos=("staging", "release")):
    c = w.client()
    c.create_domain(domain="my-domain")
    for r in repos:
        c.create_repository(domain="my-domain", repository=r)

    def pub(i):
        v = f"1.0.{i}"
        for name in ["a.bin", "b.bin"]:
            body = f"{v}/{name}/".encode() * 50
            w.client().publish_package_version(repository="staging", packageVersion=v, assetContent=body, assetName=name,
                                               assetSHA256=hashlib.sha256(body).hexdigest(), unfinished=(name == "a.bin"), **ARGS)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(pub, range(n)))
    return [f"1.0.{i}" for i in range(n)]


def listing(c, repo):
    out, token = {}, None
    while True:
        page = c.list_package_versions(repository=repo, maxResults=1000, **ARGS, **({"nextToken": token} if token else {}))
        out.update({v["version"]: v["revision"] for v in page["versions"]})
        token = page.get("nextToken")
        if not token:
            return out


def test_eight_clients_copying_overlapping_sets_end_consistent(wharf):
    versions = seed(wharf, 40)
    start = threading.Barrier(8)

    def client(k):
        c = wharf.client()
        mine = versions[k * 4: k * 4 + 12]  # overlapping windows
        start.wait()
        return c.copy_package_versions(sourceRepository="staging", destinationRepository="release", versions=mine, **ARGS)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(client, range(8)))
    copied = [v for r in results for v in r["successfulVersions"]]
    assert all(r["failedVersions"] == {} for r in results)
    assert sorted(copied) == sorted(set(copied)), "each version is copied exactly once"
    expected = set(versions[:7 * 4 + 12])
    assert set(copied) == expected
    src, dst = listing(wharf.client(), "staging"), listing(wharf.client(), "release")
    assert dst == {v: src[v] for v in expected}


def test_sigkill_during_a_stream_of_copies_leaves_no_half_copy(wharf):
    destinations = [f"release-{k}" for k in range(20)]
    versions = seed(wharf, 60, repos=["staging", *destinations])
    stop = threading.Event()
    done = []

    def stream():
        c = wharf.client()
        for dest in destinations:
            for i in range(0, 60, 3):
                if stop.is_set():
                    return
                try:
                    c.copy_package_versions(sourceRepository="staging", destinationRepository=dest, versions=versions[i:i + 3], **ARGS)
                    done.append(dest)
                except Exception:  # the server died under us
                    return

    t = threading.Thread(target=stream)
    t.start()
    while len(done) < 25:  # kill in the middle of the stream, after some copies landed
        time.sleep(0.01)
    wharf.kill9()
    stop.set()
    t.join(timeout=60)
    assert len(done) < 20 * 20, "the kill came before the stream ended"
    wharf.start()
    c = wharf.client()
    src = listing(c, "staging")
    total = 0
    for dest in destinations:
        try:
            dst = listing(c, dest)
        except c.exceptions.ResourceNotFoundException:
            continue
        total += len(dst)
        # Copies are in batches of three: a destination holds whole batches only.
        assert len(dst) % 3 == 0, f"{dest} holds a partial batch"
        for v, rev in dst.items():
            assert rev == src[v], f"{v} has a revision the source never had"
            assets = c.list_package_version_assets(repository=dest, packageVersion=v, **ARGS)["assets"]
            assert sorted(a["name"] for a in assets) == ["a.bin", "b.bin"], f"{v} in {dest} is half-copied"
            for a in assets:
                body = c.get_package_version_asset(repository=dest, packageVersion=v, asset=a["name"], **ARGS)["asset"].read()
                assert hashlib.sha256(body).hexdigest() == a["hashes"]["SHA-256"]
    assert total >= 3 * len(done), "every acknowledged copy survived the kill"
