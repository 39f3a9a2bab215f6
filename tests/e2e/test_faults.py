"""Concurrency and crashes: overlapping copies end as if serial; SIGKILL mid-stream loses nothing
and leaves no half-copied version."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

from conftest import domain_state

ARGS = dict(domain="my-domain", format="generic", namespace="ns", package="pkg")
KEY = "generic/ns/pkg"
# How long the stream may take to acknowledge the copies the kill waits for.
STREAM_DEADLINE_S = 300


def content(v, name):
    return f"{v}/{name}/".encode() * 50


def seed(w, n, repos=("staging", "release")):
    c = w.client()
    c.create_domain(domain="my-domain")
    for r in repos:
        c.create_repository(domain="my-domain", repository=r)

    def pub(i):
        v = f"1.0.{i}"
        for name in ["a.bin", "b.bin"]:
            body = content(v, name)
            w.client().publish_package_version(repository="staging", packageVersion=v, assetContent=body, assetName=name,
                                               assetSHA256=hashlib.sha256(body).hexdigest(), unfinished=(name == "a.bin"), **ARGS)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(pub, range(n)))
    return [f"1.0.{i}" for i in range(n)]


def held(state, repo):
    """The versions of ns/pkg in `repo` in a domain_state snapshot ({} if it has none)."""
    return state.get(repo, {}).get("packages", {}).get(KEY, {})


def test_eight_clients_copying_overlapping_sets_end_as_if_serial(wharf):
    versions = seed(wharf, 40)
    sets = [versions[k * 4: k * 4 + 12] for k in range(8)]  # each version wanted by up to three clients
    start = threading.Barrier(8, timeout=120)

    def client(k):
        c = wharf.client()
        start.wait()
        return c.copy_package_versions(sourceRepository="staging", destinationRepository="release", versions=sets[k], **ARGS)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(client, range(8)))
    state = domain_state(wharf)
    staging = held(state, "staging")
    copied = []
    for k, r in enumerate(results):
        assert r["failedVersions"] == {}, (k, r)
        for v, info in r["successfulVersions"].items():
            assert v in sets[k], f"client {k} copied {v}, which it did not ask for"
            assert info == {"revision": staging[v]["revision"], "status": "Published"}, (k, v, info)
            copied.append(v)
    assert sorted(copied) == sorted(set(copied)), "each version is copied exactly once"
    wanted = {v for s in sets for v in s}
    assert set(copied) == wanted
    release = held(state, "release")
    assert set(release) == wanted
    for v, info in release.items():
        assert info == staging[v], f"{v}: revision, status and assets as in staging"


def test_sigkill_during_a_stream_of_copies_leaves_no_half_copy(wharf):
    destinations = [f"release-{k:02}" for k in range(20)]
    versions = seed(wharf, 60, repos=["staging", *destinations])
    batches = [versions[i:i + 3] for i in range(0, 60, 3)]
    lock = threading.Lock()
    acked, errors = [], []
    enough = threading.Event()  # 25 copies acknowledged, or the stream is over
    stop = threading.Event()

    def stream(t):
        c = wharf.client()
        for dest in destinations[t::4]:
            for batch in batches:
                if stop.is_set():
                    return
                try:
                    r = c.copy_package_versions(sourceRepository="staging", destinationRepository=dest, versions=batch,
                                                **ARGS)
                except Exception as e:  # the server died under us, or a real failure before the kill
                    with lock:
                        errors.append((stop.is_set(), repr(e)))
                        enough.set()
                    return
                with lock:
                    acked.append((dest, batch, r["successfulVersions"], r["failedVersions"]))
                    if len(acked) >= 25:
                        enough.set()

    threads = [threading.Thread(target=stream, args=(t,), daemon=True) for t in range(4)]
    for t in threads:
        t.start()
    # Kill in the middle of the stream, once some copies landed.
    assert enough.wait(timeout=STREAM_DEADLINE_S), \
        f"the copy stream acknowledged only {len(acked)} copies in {STREAM_DEADLINE_S}s"
    with lock:
        assert not errors, f"copies failed before the kill: {errors}"
        assert len(acked) >= 25
    wharf.kill9()
    stop.set()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a copy thread still runs 120 s after the kill"
    assert len(acked) < len(destinations) * len(batches), "the kill came after the stream ended"
    for dest, batch, ok, failed in acked:
        assert failed == {} and sorted(ok) == sorted(batch), (dest, batch, ok, failed)

    wharf.start()
    state = domain_state(wharf)
    staging = held(state, "staging")
    assert len(staging) == 60, "staging lost versions"
    for dest in destinations:
        have = held(state, dest)
        for v, info in have.items():
            assert v in staging, f"{dest} holds unknown {v}"
            assert info == staging[v], f"{dest} {v}: revision, status and assets as in staging"
            assert [a["name"] for a in info["assets"]] == ["a.bin", "b.bin"], f"{v} in {dest} is half-copied"
        for batch in batches:
            present = sum(v in have for v in batch)
            assert present in (0, 3), f"{dest} holds part of {batch}"
    for dest, batch, _, _ in acked:
        assert all(v in held(state, dest) for v in batch), f"acknowledged {dest} {batch} was lost"
    # Every referenced asset is there and intact.
    c = wharf.client()
    count = 0
    for dest in destinations:
        for v, info in held(state, dest).items():
            for a in info["assets"]:
                body = c.get_package_version_asset(repository=dest, packageVersion=v, asset=a["name"], **ARGS)["asset"].read()
                assert hashlib.sha256(body).hexdigest() == a["hashes"]["SHA-256"] == hashlib.sha256(content(v, a["name"])).hexdigest(), (dest, v, a["name"])
                count += 1
    assert count >= 2 * 3 * len(acked)
    # The service carries on: the last destination's last batch copies normally.
    r = c.copy_package_versions(sourceRepository="staging", destinationRepository=destinations[-1], versions=batches[-1],
                                **ARGS)
    assert r["failedVersions"] == {}, r
