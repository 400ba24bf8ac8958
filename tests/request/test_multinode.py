"""Several Byline nodes on one PostgreSQL (issue 17): a throwaway cluster
(tests/pg_cluster.sh), the demo site, and three `byline serve` processes on
it (A, B, C; port 0 each, read back), answering as one site.

  a comment posted on A (with the form token A's page gave), approved on B
    by an editor signed in on A (the session and its CSRF token made on A),
    is on C's cached article page at once (polled up to 1 s; the lag is
    printed)
  a session made on A opens the desk on B and C; a comment form token from
    A's page is taken by B
  flood limits hold across nodes: 30 posts at once from one /24 spread over
    the three nodes: 20 stored; 8 at once from one address over the three:
    1 stored
  an article published from the desk on B is on A's and C's cached home
    pages at once, and gone from them at once when trashed on C
  a setting changed from the command line is on every node's pages at once

Skipped, never passed, when no PostgreSQL server binaries are found.
"""
import hashlib
import hmac
import os
import re
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli, psql  # noqa: E402


COOKIE = "byline_session"


def field(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


def session_cookie(r):
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            return sc.split("=", 1)[1].split(";", 1)[0]
    return None


def seen_within(node, path, text, limit=1.0, present=True):
    """Seconds until node's page at path shows text (or stops showing it),
    polled up to limit; None if it never did."""
    t0 = time.monotonic()
    while True:
        r = node.get(path)
        if r.status == 200 and ((text in r.text) == present):
            return time.monotonic() - t0
        if time.monotonic() - t0 > limit:
            return None
        time.sleep(0.002)


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("several nodes", "no psql client")
        return
    started = cluster_start("several nodes")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-mnwork-")
    nodes = []
    try:
        rc, out, err = cli(work, "demo", "--db", db)
        check(rc == 0, "demo on PostgreSQL", err)
        # Form tokens are taken as soon as they are made (the wait for
        # robots is test_forms' business).
        rc, out, err = cli(work, "settings", "--db", db, "set", "comment_min_seconds", "0")
        check(rc == 0, "settings set comment_min_seconds 0", err)
        rc, out, err = cli(work, "user", "--db", db, "add", "--email", "ed@example.com",
                           "--name", "Ed Itor", "--role", "editor")
        link = re.search(r"/admin/password\?token=(\S+)", out)
        check(rc == 0 and link, "user add prints a password link", out + err)
        a, b, c = Node(db, work, "A"), Node(db, work, "B"), Node(db, work, "C")
        nodes = [a, b, c]
        check(len({n.port for n in nodes}) == 3, "three nodes on three ports")

        art = "/2026/10/22/council-approves-city-budget/"
        aid = psql(folder, "SELECT id FROM articles WHERE slug = 'council-approves-city-budget'")
        for n in nodes:
            r = n.get(art)
            check(r.status == 200 and 'id="commentform"' in r.text,
                  "node %s serves the article" % n.name, r.status)
            n.get(art)  # cached now
            n.get("/")
            n.get("/")

        # A session made on A: the password set and the sign-in on A.
        pw = "a long enough password for the desk"
        r = a.request("POST", "/admin/password", {"token": link.group(1) if link else "",
                                                   "password": pw, "password2": pw},
                      origin=True)
        check(r.status == 303, "password set on A", (r.status, r.text[:300]))
        r = a.request("POST", "/admin/login", {"email": "ed@example.com", "password": pw},
                      origin=True, ip="198.51.100.9")
        sess = session_cookie(r)
        check(r.status == 303 and sess, "signed in on A", (r.status, r.text[:300]))
        r = a.get("/admin/comments/", cookie=sess)
        csrf = field(r.text, "csrf")
        check(r.status == 200 and csrf, "the desk on A gives a CSRF token", r.status)
        for n in (b, c):
            r = n.get("/admin/", cookie=sess)
            check(r.status == 200 and "Ed Itor" in r.text,
                  "A's session opens the desk on %s" % n.name, (r.status, r.text[:200]))

        # A comment form token from A's page, posted to B.
        tok = field(a.get(art).text, "byline_token")
        r = b.request("POST", art, {
            "comment": "Token made on A, posted to B.", "author": "Reader Tok",
            "email": "tok@example.com", "url": "", "comment_parent": "0",
            "byline_token": tok or "", "byline_hp": ""}, ip="192.0.2.44")
        check(r.status == 303, "B takes a comment form token made on A", (r.status, r.text[:300]))
        check(psql(folder, "SELECT count(*) FROM comments WHERE body = "
                   "'Token made on A, posted to B.'") == "1", "the comment is stored")

        # Posted on A, approved on B (with A's CSRF token), on C's cached page.
        body = "Posted on A, approved on B, read on C."
        check(body not in c.get(art).text, "C's page has not the comment yet")
        tok = field(a.get(art).text, "byline_token")
        r = a.request("POST", art, {
            "comment": body, "author": "Reader Abc", "email": "abc@example.com", "url": "",
            "comment_parent": "0", "byline_token": tok or "", "byline_hp": ""}, ip="192.0.2.45")
        check(r.status == 303, "comment posted on A", (r.status, r.text[:300]))
        cid = psql(folder, "SELECT id FROM comments WHERE body = '%s'" % body)
        check(psql(folder, "SELECT status FROM comments WHERE id = %s" % int(cid or 0)) ==
              "pending", "a first comment waits for moderation")
        check(body not in c.get(art).text, "C does not show a pending comment")
        r = b.request("POST", "/admin/comments/%s/" % cid,
                      {"csrf": csrf, "action": "approve",
                       "back": "/admin/comments/?status=pending"}, cookie=sess, origin=True)
        check(r.status == 303 and "done=approved" in (r.header("Location") or ""),
              "approved on B with the session and CSRF token made on A",
              (r.status, r.header("Location"), r.text[:300]))
        lag = seen_within(c, art, body)
        check(lag is not None, "the approved comment is on C's page at once (%.1f ms)" %
              (lag * 1000 if lag is not None else -1))
        lag_a = seen_within(a, art, body)
        check(lag_a is not None, "and on A's (%.1f ms)" % (lag_a * 1000 if lag_a else 0))
        print("  lag B approve -> C page: %.1f ms, -> A page: %.1f ms" %
              ((lag or 0) * 1000, (lag_a or 0) * 1000))

        # Flood limits across nodes: posts sent at once, spread over the
        # three nodes, meet the limits posts to one node meet.
        secret = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))

        def form(i, text):
            t = int(time.time()) - 60
            m = hmac.new(secret, ("form|%s|%d" % (aid, t)).encode(), hashlib.sha256)
            return {"comment": "%s %d" % (text, i), "author": "Crowd %d" % i,
                    "email": "crowd%d@example.com" % i, "url": "", "comment_parent": "0",
                    "byline_token": "%d.%s" % (t, m.hexdigest()[:32]), "byline_hp": ""}

        def at_once(posts):
            codes = [None] * len(posts)

            def post(i):
                node, f, ip = posts[i]
                codes[i] = node.request("POST", art, f, ip=ip).status
            ts = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            return codes
        codes = at_once([(nodes[i % 3], form(i, "Across nodes"), "198.18.9.%d" % (i + 1))
                         for i in range(30)])
        stored = int(psql(folder, "SELECT count(*) FROM comments WHERE body LIKE 'Across nodes %'"))
        check(sorted(codes) == [303] * 20 + [429] * 10 and stored == 20,
              "30 posts at once from one /24 over three nodes: 20 stored, 10 refused",
              (sorted(codes), stored))
        codes = at_once([(nodes[i % 3], form(i, "One address"), "198.18.10.7")
                         for i in range(8)])
        stored = int(psql(folder, "SELECT count(*) FROM comments WHERE body LIKE 'One address %'"))
        check(sorted(codes) == [303] + [429] * 7 and stored == 1,
              "8 posts at once from one address over three nodes: one stored",
              (sorted(codes), stored))

        # Published on B: on A's and C's cached home pages at once.
        for n in nodes:
            n.get("/")
        headline = "Ferry strike ends overnight"
        check(headline not in a.get("/").text, "A's home page has not the article yet")
        f = {"csrf": csrf, "headline": headline, "slug": "", "dek": "Boats again.",
             "body": "The ferries run again from six.", "section": "", "new_section": "Harbour",
             "tags": "Ferry", "featured_media": "", "featured_alt": "", "status": "published",
             "publish_date": "", "publish_time": "", "comments_open": "1", "action": "publish"}
        r = b.request("POST", "/admin/articles/new", f, cookie=sess, origin=True)
        m = re.match(r"/admin/articles/(\d+)/", r.header("Location") or "")
        check(r.status == 303 and m, "article published on B", (r.status, r.text[:300]))
        for n in (a, c):
            lag = seen_within(n, "/", headline)
            check(lag is not None, "%s's home page shows it at once (%.1f ms)" %
                  (n.name, (lag or 0) * 1000))
        if m:
            r = c.request("POST", "/admin/articles/%s/trash" % m.group(1), {"csrf": csrf},
                          cookie=sess, origin=True)
            check(r.status in (302, 303), "article trashed on C", (r.status, r.text[:200]))
            for n in (a, b):
                lag = seen_within(n, "/", headline, present=False)
                check(lag is not None, "%s's home page drops it at once" % n.name)

        # A setting changed (from the command line, another process) is
        # on every node's cached pages at once.
        rc, out, err = cli(work, "settings", "--db", db, "set", "site_title", "Three Node Ledger")
        check(rc == 0, "settings set site_title", err)
        for n in nodes:
            check(seen_within(n, "/", "Three Node Ledger") is not None,
                  "node %s's home page has the new site title at once" % n.name)

        for n in nodes:
            rc, err = n.stop()
            check(rc == 0, "node %s stops cleanly" % n.name, err[-500:])
        nodes = []
    finally:
        for n in nodes:
            n.stop()
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    done()
