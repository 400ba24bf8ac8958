"""Webhooks (issue 16): an administrator registers a receiver in Tools >
Webhooks (the URL checked, a secret made and shown); publishing, updating
and unpublishing an article, approving a comment and changing a published
page each queue a delivery in the same transaction; the receiver (a real
HTTP server on loopback) gets a POST whose X-Byline-Signature verifies
with the secret; a receiver that fails is retried (webhook_retry_seconds
set to 1, so no test waits on the real backoff) and the log shows the
status codes and attempts; a loopback receiver is refused while
outbound_allow_private is off; a server killed (SIGKILL) while a delivery
is claimed sends it again after the restart, with the same event id, and
never a third time."""
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import BYLINE, Server, check, done, run_cli  # noqa: E402
import test_desk as D  # noqa: E402


class Receiver:
    """A webhook receiver on loopback.  mode: 'ok' answers 204, 'fail' 500,
    'hang' holds the request until released."""

    def __init__(self):
        self.mode = "ok"
        self.got = []              # (headers dict, body bytes, answered status)
        self.lock = threading.Lock()
        self.release = threading.Event()
        rec = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                mode = rec.mode
                status = {"ok": 204, "fail": 500, "hang": 0}[mode]
                with rec.lock:
                    rec.got.append(({k.lower(): v for k, v in self.headers.items()}, body,
                                    status))
                if mode == "hang":
                    rec.release.wait(120)
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.url = "http://127.0.0.1:%d/hook" % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.got)

    def stop(self):
        self.release.set()
        self.srv.shutdown()


def wait_for(cond, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    check(False, "in time: " + what)
    return None


def verify(secret, headers, body):
    sig = headers.get("x-byline-signature", "")
    m = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", sig)
    if not m:
        return False
    mac = hmac.new(secret.encode(), m.group(1).encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), m.group(2)) and \
        abs(int(m.group(1)) - time.time()) < 300


def admin(s):
    w = D.Who(D.ADMIN, "hooks-admin@example.com", "Hooks Admin", "hooks admin password")
    rc, o, e = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                       "--role", "administrator", check_rc=False)
    r = s.post("/admin/password", {"token": D.link_token(o), "password": w.pw,
                                   "password2": w.pw}, headers={"Origin": s.base})
    check(r.status in (200, 303), "the administrator sets a password", r.status)
    w.cookie, w.csrf = D.sign_in(s, w)
    w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
    return w


def deliveries(s, where="1 = 1"):
    return s.sql("SELECT id, event, attempts, status_code, delivered_at, gave_up_at,"
                 " last_error, claimed_at, event_id FROM webhook_deliveries WHERE " + where +
                 " ORDER BY id")


def rolled_back(s, query):
    """Runs query (no parameters) in a transaction of its own, rolled back."""
    if harness.PG:
        import psycopg2
        con = psycopg2.connect(s.db)
        con.cursor().execute(*harness.pg_sql(query))
    else:
        import sqlite3
        con = sqlite3.connect(s.db, timeout=10)
        con.execute(query)
    con.rollback()
    con.close()


def desk(s, who, rec):
    r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
    check(r.status == 200 and "Add a webhook" in r.text, "Tools > Webhooks shows",
          (r.status, r.text[-800:]))
    r = D.send(s, "/admin/tools/webhooks/", [("csrf", who.csrf), ("url", "ftp://example.org/x"),
                                             ("event_0", "1")], cookie=who.cookie)
    check(r.status == 422 and "http://" in D.form_message(r.text) and
          'value="ftp://example.org/x"' in r.text,
          "a URL that is not http(s) is refused, with what was typed",
          (r.status, D.form_message(r.text)))
    r = D.send(s, "/admin/tools/webhooks/", [("csrf", who.csrf), ("url", rec.url)],
               cookie=who.cookie)
    check(r.status == 422 and "at least one event" in D.form_message(r.text),
          "a webhook with no event is refused", (r.status, D.form_message(r.text)))
    form = [("csrf", who.csrf), ("url", rec.url)] + [("event_%d" % i, "1") for i in range(5)]
    r = D.send(s, "/admin/tools/webhooks/", form, cookie=who.cookie)
    check(r.status == 303, "the receiver is registered for every event", r.status)
    rows = s.sql("SELECT id, url, events, secret FROM webhooks")
    check(len(rows) == 1 and rows[0][1] == rec.url and re.fullmatch(r"[0-9a-f]{64}", rows[0][3])
          and rows[0][2].count(",") == 4, "stored with its events and a 64-hex secret", rows)
    r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
    check(rows[0][3] in r.text, "the secret is shown in the desk")
    return rows[0][3]


def main():
    rec = Receiver()
    # Loopback refused first (the setting off), as a site starts.
    s = Server(settings={"webhook_retry_seconds": 1, "timezone": "UTC"})
    server2 = None
    try:
        who = admin(s)
        secret = desk(s, who, rec)

        # -- SSRF: the loopback receiver is refused while the setting is off.
        aid = D.new_article(s, who.id, "hook-one", "published")
        wait_for(lambda: deliveries(s) and deliveries(s)[0][2] >= 1,
                 "the first attempt is made")
        d = deliveries(s)[0]
        check(d[1] == "article.published" and "private" in d[6] and rec.count() == 0,
              "a loopback receiver is refused while outbound_allow_private is off "
              "(no request reached it)", d[:7])

        # -- Retries: allowed now, the receiver fails twice, then answers.
        rec.mode = "fail"
        s.sql("UPDATE settings SET value='1' WHERE key='outbound_allow_private'")
        wait_for(lambda: rec.count() >= 2, "two failed attempts reach the receiver")
        rec.mode = "ok"
        wait_for(lambda: deliveries(s)[0][4], "the delivery succeeds after failures")
        d = deliveries(s)[0]
        check(d[2] >= 3 and d[3] == 204 and d[5] is None,
              "delivered after the failures: attempts, status code recorded", d[:7])
        payload = json.loads(rec.got[-1][1])
        bodies = [json.loads(b) for _, b, _ in rec.got]
        check(all(b == payload for b in bodies) and payload["id"] == d[8] and
              re.fullmatch(r"[0-9a-f]{32}", payload["id"]),
              "every attempt carries the same body, with the same event id",
              [b["id"] for b in bodies])
        slug, pub = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
        check(payload["object"].get("link") == s.base + s.date_path(pub) + slug + "/", "an article's object carries its public link",
              payload["object"])
        check(payload["event"] == "article.published" and payload["object"]["id"] == aid and
              payload["object"]["type"] == "article" and
              payload["object"]["headline"] == "Matrix hook-one", "the payload names the article",
              payload)
        check(all(verify(secret, h, b) for h, b, _ in rec.got),
              "every request's X-Byline-Signature verifies with the secret")
        h, b, _ = rec.got[-1]
        check(not verify("0" * 64, h, b), "the signature does not verify with another secret")
        check(not verify(secret, h, b + b" "), "nor over another body")
        check(h.get("x-byline-event") == "article.published" and
              h.get("content-type") == "application/json", "event and type headers", h)
        r = D.get(s, "/admin/tools/webhooks/", cookie=who.cookie)
        check("Delivered" in r.text and "500" in r.text and "204" in r.text,
              "the desk's log shows the delivery, its status codes")

        # -- The other events, each from its own change.
        n0 = len(deliveries(s))
        s.sql("UPDATE articles SET headline='Changed' WHERE id=?", aid)
        s.sql("UPDATE articles SET updated_at=updated_at+1 WHERE id=?", aid)  # no event
        s.sql("UPDATE articles SET status='draft' WHERE id=?", aid)
        cid = D.post_comment(s, D.new_article(s, who.id, "hook-two", "published"),
                             "A comment for a hook.", "Hook Reader", "hr@example.com")
        s.sql("UPDATE comments SET status='approved' WHERE id=?", cid)
        s.sql("INSERT INTO pages(slug, title, status, created_at, updated_at)"
              " VALUES ('about-hooks', 'About', 'published', 1, 1)")
        s.sql("INSERT INTO pages(slug, title, status, created_at, updated_at)"
              " VALUES ('draft-page', 'Draft', 'draft', 1, 1)")  # no event
        evs = [r[1] for r in deliveries(s, "id > %d" % deliveries(s)[n0 - 1][0])]
        check(evs == ["article.updated", "article.unpublished", "article.published",
                      "comment.approved", "page.changed"],
              "update, unpublish, publish, comment approval and page change each queue "
              "one delivery", evs)
        wait_for(lambda: all(r[4] for r in deliveries(s)), "all of them are delivered")
        # A change rolled back queues nothing.
        before = len(deliveries(s))
        rolled_back(s, "UPDATE articles SET status='draft' WHERE slug='hook-two'")
        check(len(deliveries(s)) == before, "a change rolled back queues no delivery")

        # -- A crash with a claimed delivery: sent again after the restart.
        rec.mode = "hang"
        n_before = rec.count()
        s.sql("UPDATE articles SET headline='Crash test' WHERE slug='hook-two'")
        wait_for(lambda: rec.count() > n_before, "the receiver holds a delivery")
        last = deliveries(s)[-1]
        check(last[7] is not None and last[4] is None, "the delivery is claimed, not done",
              last[:8])
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        if harness.PG:
            # Nodes share PostgreSQL: a claim is released once older than a
            # sender's lease (webhooker.c's CLAIM_LEASE, over two minutes),
            # not at the start as on SQLite's one process.  The claim is
            # aged past it, as that time would.
            s.sql("UPDATE webhook_deliveries SET claimed_at = claimed_at - 1000 WHERE id = ?",
                  last[0])
        rec.mode = "ok"
        rec.release.set()
        server2 = subprocess.Popen([BYLINE, "serve", "--db", s.db, "--listen", "127.0.0.1:0",
                                    "--quiet"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   cwd=harness.site_dir(["--db", s.db]))
        server2.stdout.readline()
        wait_for(lambda: deliveries(s, "id = %d" % last[0])[0][4],
                 "the claimed delivery is sent after the restart")
        time.sleep(3)
        held = last[8]
        seen = [(st, json.loads(b)["id"]) for _, b, st in rec.got if json.loads(b)["id"] == held]
        check(len(seen) == 2 and seen[0][0] == 0 and seen[1][0] == 204,
              "the event came twice (the one cut by the crash, then the one answered), "
              "with the same id: a receiver that drops a repeated id has it once", seen)
        check(deliveries(s, "id = %d" % last[0])[0][2] == 1,
              "the cut attempt was not counted as a failure")
    finally:
        if server2:
            server2.terminate()
            try:
                server2.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server2.kill()
            err = server2.stderr.read()
            check(server2.returncode == 0, "the restarted server stops cleanly",
                  (server2.returncode, err[-2000:]))
            server2.stdout.close()
            server2.stderr.close()
            s.proc.stdout.close()
            s.proc.stderr.close()
            if s._pg is not None:
                s._pg.close()
            harness.site_drop(s.db)
        else:
            s.stop()
        rec.stop()
    done()


if __name__ == "__main__":
    main()
