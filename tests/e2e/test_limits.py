"""Connection limits and timeouts, end to end against the real binary: slow, silent and idle
connections past the cap don't lock out `/health` or a boto3 request (the longest-waiting
connection is shed, no timeout needs to pass), timeouts close slow heads, idle connections and
stalled bodies, a service whose every connection is busy answers `ThrottlingException` instead
of hanging, and gzip bombs and a large publish don't stall small requests (the CPU work runs off
the async workers), while the bombs are refused and store nothing."""

import base64
import hashlib
import http.client
import json
import os
import select
import socket
import tarfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from urllib.parse import urlparse

import botocore.exceptions
import pytest

WAIT = 30  # Seconds any single condition may take before the test fails.


def address(w):
    u = urlparse(w.endpoint)
    return u.hostname, u.port


def get_health(w, timeout=WAIT):
    """GET /health on a new connection: (status, headers with lowercase names, JSON body)."""
    try:
        with urllib.request.urlopen(f"{w.endpoint}/health", timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read())


def closed_by_server(sock, timeout):
    """Waits up to `timeout` for the server to close `sock` (EOF or reset); True if it did."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        readable, _, _ = select.select([sock], [], [], left)
        if not readable:
            return False
        try:
            if sock.recv(65536) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True


def wait_closed(socks, at_least, timeout=WAIT):
    """Waits until at least `at_least` of `socks` are closed by the server; returns how many are."""
    open_socks, closed = list(socks), 0
    deadline = time.monotonic() + timeout
    while closed < at_least and open_socks and time.monotonic() < deadline:
        readable, _, _ = select.select(open_socks, [], [], max(0.0, deadline - time.monotonic()))
        for s in readable:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            if data == b"":
                open_socks.remove(s)
                closed += 1
    return closed


def read_response(sock):
    """Reads one HTTP/1.1 response with a Content-Length from a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a response body"
        body += chunk
    return status, headers, body


def assert_aws_error(status, headers, body, want_status, code):
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == want_status, body
    assert headers["x-amzn-errortype"] == code
    doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    assert doc["__type"] == code and doc["message"], doc


def test_slow_silent_and_idle_connections_past_the_cap_do_not_lock_others_out(wharf_factory):
    cap = 16
    # Timeouts far longer than the test: only shedding can make room for new connections.
    w = wharf_factory("--max-connections", str(cap), "--header-read-timeout", "600",
                      "--keep-alive-timeout", "600", "--body-timeout", "600")
    host, port = address(w)
    socks = []
    try:
        for i in range(300):
            if i % 3 == 2:  # Idle: one request answered, the connection kept alive.
                c = http.client.HTTPConnection(host, port, timeout=WAIT)
                c.request("GET", "/health")
                r = c.getresponse()
                assert r.status == 200
                r.read()
                socks.append(c.sock)
                continue
            s = socket.create_connection((host, port), timeout=WAIT)
            if i % 3 == 1:  # Slow: half a request head, then nothing.
                s.sendall(b"GET /health HTTP/1.1\r\nHost: wharf\r\nX-Slow: ")
            socks.append(s)  # Else silent: connected, nothing sent.

        status, _, body = get_health(w)
        assert status == 200 and body == {"status": "ok"}
        assert w.client().list_domains()["domains"] == []

        # Each connection past the cap closed one waiting connection: at most `cap` of ours are
        # still open (the two requests above took two more places).
        closed = wait_closed(socks, len(socks) - cap)
        assert closed >= len(socks) - cap, f"only {closed} of {len(socks)} closed"
    finally:
        for s in socks:
            s.close()


def test_timeouts_close_silent_slow_and_idle_connections_and_stalled_bodies(wharf_factory):
    w = wharf_factory("--header-read-timeout", "1", "--keep-alive-timeout", "1", "--body-timeout", "1")
    host, port = address(w)

    silent = socket.create_connection((host, port), timeout=WAIT)
    slow = socket.create_connection((host, port), timeout=WAIT)
    slow.sendall(b"GET /health HTTP/1.1\r\nHost: wharf\r\n")
    idle = http.client.HTTPConnection(host, port, timeout=WAIT)
    idle.request("GET", "/health")
    assert idle.getresponse().read()
    for name, s in [("silent", silent), ("slow", slow), ("idle", idle.sock)]:
        assert closed_by_server(s, WAIT), f"the {name} connection was not closed"

    # A head trickled a byte at a time must still arrive whole within the header-read timeout.
    trickle = socket.create_connection((host, port), timeout=WAIT)
    trickle.sendall(b"GET /health HTTP/1.1\r\nHost: wharf\r\nX-Pad: ")
    cut = False
    for _ in range(600):  # At most 60 s of trickling.
        try:
            trickle.sendall(b"a")
        except (BrokenPipeError, ConnectionResetError):
            cut = True
            break
        if select.select([trickle], [], [], 0.1)[0]:
            cut = True
            break
    assert cut, "a trickled head was allowed to go on"

    # A body that stalls ends with RequestTimeoutException, on the SigV4 path (the signature
    # is checked once the body is read) and on the bearer path (a valid token).
    w.client().create_domain(domain="dom")
    token = w.client().get_authorization_token(domain="dom")["authorizationToken"]
    for auth in ["AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/codeartifact/aws4_request, "
                 "SignedHeaders=host, Signature=00", f"Bearer {token}"]:
        s = socket.create_connection((host, port), timeout=WAIT)
        s.sendall(b"POST /v1/repository?domain=dom&repository=stalled HTTP/1.1\r\nHost: wharf\r\n"
                  b"Content-Type: application/json\r\nAuthorization: " + auth.encode() +
                  b"\r\nContent-Length: 100\r\n\r\n{\"description\"")
        status, headers, body = read_response(s)
        assert_aws_error(status, headers, body, 408, "RequestTimeoutException")
        s.close()
    assert w.client().list_repositories()["repositories"] == []
    assert get_health(w)[0] == 200


def test_when_every_connection_is_busy_a_new_one_gets_throttling_exception(wharf_factory):
    cap = 4
    w = wharf_factory("--max-connections", str(cap), "--body-timeout", "600")
    host, port = address(w)
    busy = []
    try:
        for _ in range(cap):
            s = socket.create_connection((host, port), timeout=WAIT)
            s.sendall(b"POST /v1/domain?domain=busy HTTP/1.1\r\nHost: wharf\r\nContent-Length: 100\r\n"
                      b"Authorization: AWS4-HMAC-SHA256 Credential=x\r\nExpect: 100-continue\r\n\r\n")
            # The server asks for the body once a handler reads it: the request is in progress.
            assert s.recv(1024).startswith(b"HTTP/1.1 100 Continue")
            busy.append(s)

        status, headers, body = get_health(w)
        assert_aws_error(status, headers, json.dumps(body), 429, "ThrottlingException")
        assert headers.get("retry-after") == "1"
        with pytest.raises(botocore.exceptions.ClientError) as e:
            w.client().list_domains()
        assert e.value.response["Error"]["Code"] == "ThrottlingException"
    finally:
        for s in busy:
            s.close()
    # The busy connections' requests end when their clients leave; then requests are served.
    deadline = time.monotonic() + WAIT
    while get_health(w)[0] != 200:
        assert time.monotonic() < deadline, "the service stayed throttled"


# --- CPU-heavy work -------------------------------------------------------------------------

MAX_BODY = 32 << 20  # So a tarball may inflate to 128 MiB.


def gzip_bomb(inflated):
    """A small .tgz whose first entry inflates to `inflated` bytes of zeros."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    info = tarfile.TarInfo("package/zeros")
    info.size = inflated
    parts = [z.compress(info.tobuf(format=tarfile.GNU_FORMAT))]
    zeros = bytes(1 << 20)
    parts += [z.compress(zeros) for _ in range(inflated >> 20)]
    parts.append(z.flush())
    return b"".join(parts)


def npm_publish_body(name, version, tarball):
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    return json.dumps({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "dist": {"integrity": integrity}}},
        "_attachments": {f"{name}-{version}.tgz": {"content_type": "application/octet-stream",
                                                  "data": base64.b64encode(tarball).decode(),
                                                  "length": len(tarball)}},
    }).encode()


def test_gzip_bombs_and_a_large_publish_do_not_stall_small_requests(wharf_factory):
    w = wharf_factory("--max-body-bytes", str(MAX_BODY))
    host, port = address(w)
    c = w.client()
    c.create_domain(domain="dom")
    c.create_repository(domain="dom", repository="repo")
    token = c.get_authorization_token(domain="dom")["authorizationToken"]
    bomb = gzip_bomb(4 * MAX_BODY + (8 << 20))
    assert len(bomb) < MAX_BODY // 64

    events, lock = [], threading.Lock()
    sent = threading.Semaphore(0)
    results = {}

    def record(event):
        with lock:
            events.append(event)

    def send_bomb(i):
        conn = http.client.HTTPConnection(host, port, timeout=300)
        name = f"bomb{i}"
        conn.request("PUT", f"/npm/dom/repo/{name}", body=npm_publish_body(name, "1.0.0", bomb),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        sent.release()
        r = conn.getresponse()
        results[name] = (r.status, json.loads(r.read()))
        record(("bomb", i))

    big = os.urandom(MAX_BODY - (1 << 20))

    def send_large_publish():
        client = w.client()
        sent.release()
        results["large"] = client.publish_package_version(
            domain="dom", repository="repo", format="generic", namespace="ns", package="large",
            packageVersion="1.0.0", assetContent=big, assetName="large.bin",
            assetSHA256=hashlib.sha256(big).hexdigest())
        record(("large", 0))

    bombs = len(os.sched_getaffinity(0)) + 2  # More bombs than async workers.
    threads = [threading.Thread(target=send_bomb, args=(i,)) for i in range(bombs)]
    threads.append(threading.Thread(target=send_large_publish))
    for t in threads:
        t.start()
    for _ in threads:
        assert sent.acquire(timeout=WAIT), "a request could not be sent"

    for i in range(10):
        status, _, _ = get_health(w, timeout=300)
        assert status == 200
        record(("health", i))
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a request did not finish"

    kinds = [k for k, _ in events]
    last_health = max(i for i, k in enumerate(kinds) if k == "health")
    first_bomb = min(i for i, k in enumerate(kinds) if k == "bomb")
    assert last_health < first_bomb, f"/health waited for the bombs: {events}"

    assert results["large"]["version"] == "1.0.0"
    for i in range(bombs):
        status, body = results[f"bomb{i}"]
        assert status == 413, body
        assert "unpacked tarball" in body["error"] and "too large" in body["error"].lower(), body
        # Nothing was stored.
        req = urllib.request.Request(f"{w.endpoint}/npm/dom/repo/bomb{i}", headers={"Authorization": f"Bearer {token}"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=WAIT)
        assert e.value.code == 404
