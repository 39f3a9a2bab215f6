"""Webhooks end to end: the real `wharf serve` delivers package-version events to a receiver on
a loopback port (Python's http.server) that checks every signature with the README's snippet,
as pasted. One event per copied version, in order; a receiver that is down gets everything when
it comes back, with the same ids; failed deliveries are listed and redelivered by hand; a slow
receiver does not delay another; an event committed before a SIGKILL is delivered after the
restart; two processes on PostgreSQL deliver each event once. Every test has its own service and
receivers (the PostgreSQL one shares the module's database server with test_shared_storage)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, Wharf, publish, wharf_bin
from test_shared_storage import _fresh_database, postgres_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.parallel_safe

D = "my-domain"


def readme_verifier():
    """The README's verification snippet, executed as a user would paste it."""
    text = (ROOT / "README.md").read_text()
    code = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102 (the documented snippet under test)
    return namespace["verify_wharf_webhook"]


VERIFY = readme_verifier()


class Receiver:
    """A webhook receiver: answers 503 while `down`, blocks while `hold` is set, else 200; records
    every attempt and every accepted delivery (only correctly signed ones are accepted)."""

    def __init__(self):
        self.secret = None
        self.down = False
        self.hold = None
        self.attempts, self.accepted, self.bad = [], [], []
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.cond:
                    receiver.attempts.append(headers["webhook-id"])
                    receiver.cond.notify_all()
                if receiver.hold is not None:
                    receiver.hold.wait(120)
                ok = receiver.secret is not None and VERIFY(receiver.secret, headers, body)
                status = 503 if receiver.down else (200 if ok else 400)
                with receiver.cond:
                    if not ok:
                        receiver.bad.append(headers)
                    elif status == 200:
                        receiver.accepted.append((headers, json.loads(body)))
                    receiver.cond.notify_all()
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, predicate, what, timeout=90):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, f"timed out waiting for {what}: {len(self.attempts)} attempts, " \
                                 f"{len(self.accepted)} accepted, {len(self.bad)} bad"
                self.cond.wait(left)

    def events(self):
        return [body for _, body in self.accepted]

    def close(self):
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()


@pytest.fixture
def receivers():
    made = []

    def make():
        r = Receiver()
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def admin(w, *args):
    p = subprocess.run([wharf_bin(), "admin", "--endpoint-url", w.endpoint, *args], capture_output=True,
                       text=True, timeout=60, env=w.env)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def hook(w, receiver, *filters):
    made = admin(w, "webhook", "create", "--url", receiver.url, *filters)
    receiver.secret = made["secret"]
    assert made["secret"].startswith("whsec_")
    return made["webhook"]["id"]


def setup(w):
    w.ok("create-domain", "--domain", D)
    for repo in ("staging", "release"):
        w.ok("create-repository", "--domain", D, "--repository", repo)


def poll(check, what, timeout=90):
    """Calls `check` until it returns something true (bounded by a deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_one_signed_event_per_copied_version_in_order(wharf, receivers, tmp_path):
    setup(wharf)
    r = receivers()
    hook_id = hook(wharf, r, "--repository", "release", "--event-type", "Created")
    versions = [f"1.0.{i}" for i in range(5)]
    for v in versions:
        publish(wharf, "staging", "tool", v, f"tool {v}".encode(), tmp=tmp_path)
    copied = wharf.client().copy_package_versions(
        domain=D, sourceRepository="staging", destinationRepository="release", format="generic",
        namespace="my-ns", package="tool", versions=versions)
    assert sorted(copied["successfulVersions"]) == versions
    r.wait(lambda: len(r.accepted) >= 5, "five deliveries")
    events = r.events()
    assert not r.bad
    assert len(events) == 5
    assert sorted(e["detail"]["packageVersion"] for e in events) == versions
    seqs = [e["detail"]["sequenceNumber"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5, seqs
    ids = [h["webhook-id"] for h, _ in r.accepted]
    assert ids == [e["id"] for e in events] and len(set(ids)) == 5
    for e in events:
        assert e["detail-type"] == "CodeArtifact Package Version State Change"
        assert e["source"] == "aws.codeartifact" and e["region"] == "us-east-1"
        d = e["detail"]
        assert (d["repositoryName"], d["operationType"], d["packageFormat"]) == ("release", "Created", "generic")
        assert d["packageVersionState"] == "Published" and d["changes"]["assetsAdded"] == 1
        assert e["resources"] == [
            f"arn:aws:codeartifact:us-east-1:{d['domainOwner']}:package/{D}/release/generic/my-ns/tool"]
    listed = admin(wharf, "webhook", "list")["webhooks"]
    assert [(h["id"], h["deliveries"]) for h in listed] == [(hook_id, {"succeeded": 5})]
    assert "whsec_" not in json.dumps(listed)
    admin(wharf, "webhook", "delete", hook_id)
    assert admin(wharf, "webhook", "list")["webhooks"] == []


def test_a_receiver_that_is_down_gets_every_event_when_it_comes_back(wharf_factory, receivers, tmp_path):
    w = wharf_factory("--webhook-retry-base", "0.2")
    setup(w)
    r = receivers()
    r.down = True
    hook_id = hook(w, r)
    for v in ("2.0.0", "2.0.1", "2.0.2", "2.0.3"):
        publish(w, "staging", "lib", v, v.encode(), tmp=tmp_path)
    r.wait(lambda: len(r.attempts) >= 3, "three refused attempts")
    with r.cond:
        refused = set(r.attempts)
        r.down = False
    r.wait(lambda: len(r.accepted) >= 4, "every event")
    events = r.events()
    assert [e["detail"]["packageVersion"] for e in events] == ["2.0.0", "2.0.1", "2.0.2", "2.0.3"]
    # Retries carry the id of the first attempt: the receiver can drop duplicates by it.
    assert refused <= {e["id"] for e in events}
    assert len({e["id"] for e in events}) == 4
    deliveries = poll(lambda: [d for d in admin(w, "webhook", "deliveries", hook_id)["deliveries"]
                               if d["status"] == "succeeded"], "succeeded deliveries")
    assert len(deliveries) == 4
    assert max(d["attempts"] for d in deliveries) >= 3


def test_failed_deliveries_are_listed_and_redelivered_by_hand(wharf_factory, receivers, tmp_path):
    w = wharf_factory("--webhook-retry-base", "0.2", "--webhook-retry-window", "1")
    setup(w)
    r = receivers()
    r.down = True
    hook_id = hook(w, r)
    publish(w, "staging", "lib", "3.0.0", b"x", tmp=tmp_path)
    failed = poll(lambda: admin(w, "webhook", "deliveries", hook_id, "--status", "failed")["deliveries"],
                  "a failed delivery")
    assert len(failed) == 1 and failed[0]["lastError"] == "HTTP 503"
    assert r.attempts and set(r.attempts) == {failed[0]["eventId"]}
    with r.cond:
        r.down = False
    admin(w, "webhook", "redeliver", hook_id, str(failed[0]["deliveryId"]))
    r.wait(lambda: r.accepted, "the redelivery")
    assert r.accepted[0][0]["webhook-id"] == failed[0]["eventId"]


def test_a_slow_receiver_does_not_delay_another(wharf, receivers, tmp_path):
    setup(wharf)
    slow, fast = receivers(), receivers()
    slow.hold = threading.Event()
    hook(wharf, slow)
    hook(wharf, fast)
    publish(wharf, "staging", "lib", "4.0.0", b"x", tmp=tmp_path)
    slow.wait(lambda: slow.attempts, "the slow receiver to be called")
    fast.wait(lambda: fast.accepted, "the fast receiver's delivery")
    assert not slow.accepted, "the slow receiver is still holding its request"
    slow.hold.set()
    slow.wait(lambda: slow.accepted, "the slow receiver's delivery")
    assert slow.events()[0]["id"] == fast.events()[0]["id"]


def test_an_event_committed_before_a_sigkill_is_delivered_after_the_restart(wharf_factory, receivers, tmp_path):
    w = wharf_factory("--no-webhook-delivery")
    setup(w)
    r = receivers()
    hook_id = hook(w, r)
    publish(w, "staging", "lib", "5.0.0", b"first", tmp=tmp_path)
    publish(w, "staging", "lib", "5.0.1", b"second", tmp=tmp_path)
    # A write that fails (same asset, other content) commits nothing, so it has no event.
    f = tmp_path / "other"
    f.write_bytes(b"other")
    code, _, err = w.aws("publish-package-version", "--domain", D, "--repository", "staging", "--format",
                         "generic", "--namespace", "my-ns", "--package", "lib", "--package-version", "5.0.1",
                         "--asset-content", str(f), "--asset-name", "asset.txt", "--asset-sha256",
                         __import__("hashlib").sha256(b"other").hexdigest())
    assert code != 0 and "ConflictException" in err
    pending = admin(w, "webhook", "deliveries", hook_id)["deliveries"]
    assert [d["status"] for d in pending] == ["pending", "pending"]
    assert not r.attempts
    w.kill9()
    w.extra_args.remove("--no-webhook-delivery")
    w.start()
    r.wait(lambda: len(r.accepted) >= 2, "the events committed before the kill")
    assert [e["detail"]["packageVersion"] for e in r.events()] == ["5.0.0", "5.0.1"]
    assert [d["status"] for d in admin(w, "webhook", "deliveries", hook_id)["deliveries"]] == ["succeeded"] * 2


@pytest.mark.xdist_group("shared_storage")
def test_two_processes_on_postgres_deliver_each_event_once(postgres_url, receivers, tmp_path):  # noqa: F811
    database = _fresh_database(postgres_url)
    keys = ("AKIA" + os.urandom(8).hex().upper(), os.urandom(24).hex())
    tmp = Path(tempfile.mkdtemp(prefix="wharf-pg-hooks-"))
    args = ["--database-url", database, "--blob-store", f"file://{tmp / 'blobs'}"]
    started = []
    try:
        for name in ("a", "b"):
            (tmp / name).mkdir()
            started.append(Wharf(tmp / name / "data", args, keys=keys))
        a, b = started
        setup(a)
        r = receivers()
        hook_id = hook(b, r)
        versions = [f"6.0.{i}" for i in range(12)]
        for i, v in enumerate(versions):
            publish(started[i % 2], "staging", "lib", v, v.encode(), tmp=tmp_path)
        poll(lambda: [d["status"] for d in admin(a, "webhook", "deliveries", hook_id)["deliveries"]]
             == ["succeeded"] * 12, "every delivery to succeed")
        with r.cond:
            ids = [h["webhook-id"] for h, _ in r.accepted]
        assert len(ids) == len(set(ids)) == 12, "each event delivered once"
        assert [e["detail"]["packageVersion"] for e in r.events()] == versions
        assert not r.bad
    finally:
        for w in started:
            w.kill9()
        shutil.rmtree(tmp, ignore_errors=True)


def test_metrics_count_every_delivery_attempt_by_outcome_and_the_backlog(wharf_factory, receivers, tmp_path):
    from test_metrics import metrics_url, scrape, value
    w = wharf_factory("--webhook-retry-base", "0.2", "--metrics-listen", "127.0.0.1:0")
    url = metrics_url(w)
    setup(w)
    r = receivers()
    r.down = True
    hook_id = hook(w, r)
    versions = ("5.0.0", "5.0.1", "5.0.2")
    for v in versions:
        publish(w, "staging", "metered", v, v.encode(), tmp=tmp_path)
    # While the receiver refuses, every event waits: the backlog gauge says so, and each refused
    # attempt is counted as retried.
    r.wait(lambda: len(r.attempts) >= 2, "two refused attempts")
    poll(lambda: value(scrape(url), "wharf_webhook_backlog", "wharf_webhook_backlog") == len(versions),
         "a backlog of three")
    with r.cond:
        r.down = False
    r.wait(lambda: len(r.accepted) == len(versions), "every event")

    def settled():
        m = scrape(url)
        counted = {o: value(m, "wharf_webhook_deliveries", "wharf_webhook_deliveries_total", outcome=o)
                   for o in ("delivered", "retried", "failed")}
        backlog = value(m, "wharf_webhook_backlog", "wharf_webhook_backlog")
        return (counted, backlog) if counted["delivered"] == len(versions) and backlog == 0 else None

    counted, _ = poll(settled, "three deliveries counted and no backlog")
    with r.cond:
        attempts, accepted, bad = len(r.attempts), len(r.accepted), len(r.bad)
    assert bad == 0 and accepted == len(versions)
    assert counted == {"delivered": 3, "retried": attempts - accepted, "failed": 0}, (counted, attempts)
    assert counted["retried"] >= 2
    # The service's own delivery records agree with the counters.
    def all_succeeded():
        listed = admin(w, "webhook", "deliveries", hook_id)["deliveries"]
        return listed if [d["status"] for d in listed] == ["succeeded"] * 3 else None

    listed = poll(all_succeeded, "three succeeded deliveries")
    assert sum(d["attempts"] for d in listed) == attempts
