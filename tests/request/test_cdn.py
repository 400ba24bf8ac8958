"""CDN in front (issue 17): every cacheable page for an anonymous reader
names what it shows in Surrogate-Key and Cache-Tag (web/cdn.h's scheme) and
may be kept by a shared cache (s-maxage, stale-while-revalidate from the
settings); signed-in readers and the desk get neither.  With cdn_purge_url
set, a change queues its keys (durable table cdn_purges) and the sender
posts them as {"surrogate_keys": [...]}: a fake purge receiver on loopback
gets the right keys after a comment is approved, an article is published
and a tag is renamed, again after it failed; with the setting empty
nothing is queued or sent."""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402


class Receiver:
    """A purge endpoint on loopback: answers 200, or 503 while failing."""

    def __init__(self):
        self.failing = False
        self.got = []  # (headers, parsed body, status)
        self.lock = threading.Lock()
        rec = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                status = 503 if rec.failing else 200
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                with rec.lock:
                    rec.got.append(({k.lower(): v for k, v in self.headers.items()}, parsed,
                                    status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.url = "http://127.0.0.1:%d/purge" % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def keys(self, ok_only=True):
        with self.lock:
            out = set()
            for _, b, st in self.got:
                if b and (st == 200 or not ok_only):
                    out.update(b.get("surrogate_keys", []))
            return out

    def count(self):
        with self.lock:
            return len(self.got)

    def clear(self):
        with self.lock:
            self.got.clear()

    def stop(self):
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


def keys_of(r):
    return set((r.header("Surrogate-Key") or "").split())


def headers_on_pages(s):
    aid, slug, pub, sec, author = s.sql(
        "SELECT id, slug, published_at, section_id, author_id FROM articles"
        " WHERE status='published' AND section_id IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM article_tags t WHERE t.article_id=articles.id)"
        " ORDER BY id LIMIT 1")[0]
    tags = [t for (t,) in s.sql("SELECT tag_id FROM article_tags WHERE article_id=?", aid)]
    sec_slug = s.sql("SELECT slug FROM sections WHERE id=?", sec)[0][0]
    tag_id, tag_slug = s.sql("SELECT id, slug FROM tags WHERE id=?", tags[0])[0]
    au_slug = s.sql("SELECT slug FROM users WHERE id=?", author)[0][0]
    art_url = D.public_url(s, aid)
    art_path = art_url[len(s.base):] if art_url.startswith(s.base) else art_url
    year = time.strftime("%Y", time.localtime(pub))
    pages = {
        "home": ("/", {"site", "lists", "home"}),
        "article": (art_path, {"site", "lists", "article-%d" % aid, "author-%d" % author,
                               "section-%d" % sec} | {"tag-%d" % t for t in tags}),
        "section": ("/category/%s/" % sec_slug, {"site", "lists", "section-%d" % sec}),
        "tag": ("/tag/%s/" % tag_slug, {"site", "lists", "tag-%d" % tag_id}),
        "author": ("/author/%s/" % au_slug, {"site", "lists", "author-%d" % author}),
        "archive": ("/%s/" % year, {"site", "lists"}),
        "feed": ("/feed/", {"site", "lists", "articles"}),
        "comment feed": ("/comments/feed/", {"site", "lists", "comments"}),
        "sitemap": ("/sitemap.xml", {"site", "lists", "articles"}),
        "REST posts": ("/wp-json/wp/v2/posts", {"site", "lists"}),
        "REST post": ("/wp-json/wp/v2/posts/%d" % aid, {"site", "article-%d" % aid}),
    }
    page_slug = s.sql("SELECT slug FROM pages WHERE status='published' ORDER BY id LIMIT 1")
    if page_slug:
        pages["static page"] = ("/%s/" % page_slug[0][0], {"site", "lists"})
    for kind, (path, want) in pages.items():
        for attempt in ("miss", "hit"):
            r = s.get(path)
            k = keys_of(r)
            check(r.status == 200 and want <= k,
                  "%s (%s, %s) names what it shows" % (kind, path, attempt),
                  (r.status, sorted(k), sorted(want)))
            tag = r.header("Cache-Tag") or ""
            check(tag.split(",") == (r.header("Surrogate-Key") or "").split(),
                  "%s: Cache-Tag carries the same keys, comma-separated" % kind, tag)
            cc = r.header("Cache-Control") or ""
            check(cc.startswith("public, max-age=") and "s-maxage=" in cc and
                  "stale-while-revalidate=600" in cc,
                  "%s: shared caches may keep it (%s)" % (kind, attempt), cc)
    r = s.get("/")
    check(r.header("Cache-Control") == "public, max-age=0, s-maxage=60, "
          "stale-while-revalidate=600", "the home's Cache-Control, from the defaults",
          r.header("Cache-Control"))
    r = s.get("/feed/")
    check(r.header("Cache-Control") == "public, max-age=300, s-maxage=60, "
          "stale-while-revalidate=600", "a feed keeps its browser max-age of 5 minutes",
          r.header("Cache-Control"))
    return art_path, aid


def private_pages(s, who, art_path):
    for path in ("/", art_path, "/admin/", "/admin/articles/", "/wp-json/wp/v2/posts"):
        r = D.get(s, path, who=who)
        check(r.header("Surrogate-Key") is None and r.header("Cache-Tag") is None,
              "signed in: no surrogate keys on %s" % path, r.header("Surrogate-Key"))
        cc = r.header("Cache-Control") or ""
        check("public" not in cc and ("no-store" in cc or "private" in cc),
              "signed in: %s stays private (%s)" % (path, cc), (r.status, cc))
    r = s.get("/admin/login")
    check(r.header("Surrogate-Key") is None and "public" not in (r.header("Cache-Control") or ""),
          "the sign-in page carries no keys", r.header("Cache-Control"))


def purges(s, rec, who, art_path, aid):
    # Off: nothing queued while the setting is empty.
    s.sql("UPDATE articles SET headline=headline || '!' WHERE id=?", aid)
    time.sleep(2)
    check(s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0 and rec.count() == 0,
          "with cdn_purge_url empty nothing is queued or sent", rec.count())

    s.sql("INSERT INTO settings(key, value) VALUES ('cdn_purge_url', ?)"
          " ON CONFLICT(key) DO UPDATE SET value=excluded.value", rec.url)
    s.sql("INSERT INTO settings(key, value) VALUES ('outbound_allow_private', '1')"
          " ON CONFLICT(key) DO UPDATE SET value=excluded.value")
    wait_for(lambda: "site" in rec.keys(), "setting the URL purges the whole site")
    wait_for(lambda: s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0, "the queue empties")
    h, body, _ = rec.got[-1]
    check(h.get("content-type") == "application/json" and isinstance(body, dict) and
          isinstance(body.get("surrogate_keys"), list),
          "a purge is a JSON POST of {\"surrogate_keys\": [...]}", (h, body))
    check(set((h.get("surrogate-key") or "").split()) == set(body["surrogate_keys"]),
          "the request names its keys in a Surrogate-Key header too", h)

    # A comment approved: its article and the comment listings.
    rec.clear()
    cid = D.post_comment(s, aid, "A comment for the CDN test.", "Cdn Reader", "cr@example.com")
    s.sql("UPDATE comments SET status='pending' WHERE id=?", cid)
    wait_for(lambda: s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0, "queue empties")
    rec.clear()
    r = D.act(s, who, cid, "approve")
    check(r.status == 303, "an editor approves the comment in the desk", r.status)
    wait_for(lambda: {"article-%d" % aid, "comments"} <= rec.keys(),
             "an approved comment purges article-%d and comments" % aid)
    check(s.sql("SELECT status FROM comments WHERE id=?", cid)[0][0] == "approved",
          "the comment is approved")

    # An article published: its key, the listings, full-text feeds.
    rec.clear()
    new = D.new_article(s, who.id, "cdn-new", "draft")
    wait_for(lambda: s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0, "queue empties")
    rec.clear()
    s.sql("UPDATE articles SET status='published', published_at=? WHERE id=?",
          int(time.time()), new)
    wait_for(lambda: {"article-%d" % new, "lists", "articles"} <= rec.keys(),
             "publishing purges article-%d, lists and articles" % new)

    # A tag renamed: the tag's key and the listings.
    rec.clear()
    tag_id = s.sql("SELECT id FROM tags ORDER BY id LIMIT 1")[0][0]
    s.sql("UPDATE tags SET name=name || ' renamed' WHERE id=?", tag_id)
    wait_for(lambda: {"tag-%d" % tag_id, "lists"} <= rec.keys(),
             "renaming a tag purges tag-%d and lists" % tag_id)
    check("site" not in rec.keys(), "a tag rename does not purge the whole site",
          sorted(rec.keys()))

    # The receiver fails: the keys stay queued and are sent again.
    rec.failing = True
    rec.clear()
    s.sql("UPDATE articles SET headline=headline || '?' WHERE id=?", aid)
    wait_for(lambda: rec.count() >= 1, "a purge reaches the failing receiver")
    check(s.sql("SELECT COUNT(*) FROM cdn_purges WHERE skey=?", "article-%d" % aid)[0][0] == 1,
          "a failed purge stays queued")
    n_failed = rec.count()
    rec.failing = False
    wait_for(lambda: "article-%d" % aid in rec.keys(), "the purge is retried and succeeds")
    # The receiver has answered; the server takes the keys off the queue
    # once it has read that answer, an instant later.
    wait_for(lambda: s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0,
             "the queue empties after the retry", timeout=10)
    check(n_failed >= 1 and s.sql("SELECT attempts FROM cdn_purges")[:1] == [],
          "after the retry the queue is empty", s.sql("SELECT * FROM cdn_purges"))

    # Coalescing: many changes to one article, one key in one request.
    rec.clear()
    for i in range(5):
        s.sql("UPDATE articles SET headline=headline || ? WHERE id=?", str(i), aid)
    wait_for(lambda: "article-%d" % aid in rec.keys(), "the burst is purged")
    sent = [k for _, b, _ in rec.got for k in b["surrogate_keys"] if k == "article-%d" % aid]
    check(len(sent) <= 2, "changes to one article are coalesced into few requests", len(sent))

    # Emptied again: the queue is dropped, nothing more is sent.
    s.sql("UPDATE settings SET value='' WHERE key='cdn_purge_url'")
    time.sleep(2)
    rec.clear()
    s.sql("UPDATE articles SET headline=headline || '.' WHERE id=?", aid)
    time.sleep(3)
    check(rec.count() == 0 and s.sql("SELECT COUNT(*) FROM cdn_purges")[0][0] == 0,
          "emptying the setting stops the purges", rec.count())


def on_postgresql(rec):
    """The same triggers on PostgreSQL (migration 35 there): a renamed tag
    and an edited article are purged; a page names its keys.  It starts a
    cluster of its own, so it runs once, in the SQLite pass (in the
    PostgreSQL pass every part above has run there)."""
    import shutil
    import subprocess
    import tempfile
    from harness import BYLINE, PG, REPO, skip
    if PG:
        skip("PostgreSQL purges", "runs once, in the SQLite pass: this pass ran every part on"
             " PostgreSQL")
        return
    cluster = os.path.join(REPO, "tests", "pg_cluster.sh")
    folder = tempfile.mkdtemp(prefix="byline-cdn-pg-")
    p = subprocess.run(["sh", cluster, "start", folder], capture_output=True, text=True,
                       timeout=180)
    if p.returncode != 0:
        skip("PostgreSQL purges", "no cluster: " + p.stderr.strip()[-200:])
        shutil.rmtree(folder, ignore_errors=True)
        return
    url = p.stdout.strip()
    proc = None

    def psql(q):
        return subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At",
                               "-c", q], capture_output=True, text=True,
                              timeout=60).stdout.strip()
    try:
        for args in (["demo"], ["settings", "set", "outbound_allow_private", "1"],
                     ["settings", "set", "cdn_purge_url", rec.url]):
            r = subprocess.run([BYLINE, args[0], "--db", url] + args[1:], capture_output=True,
                               text=True, timeout=300, cwd=folder)
            check(r.returncode == 0, "PostgreSQL: byline %s" % args[0], r.stderr[-500:])
        proc = subprocess.Popen([BYLINE, "serve", "--db", url, "--listen", "127.0.0.1:0",
                                 "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=folder)
        import re
        import http.client
        port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/", headers={"Host": "127.0.0.1:%d" % port})
        resp = conn.getresponse()
        resp.read()
        check({"site", "lists", "home"} <= set((resp.getheader("Surrogate-Key") or "").split()),
              "PostgreSQL: the home names its keys", resp.getheader("Surrogate-Key"))
        wait_for(lambda: psql("SELECT COUNT(*) FROM cdn_purges") == "0",
                 "PostgreSQL: the queue empties")
        rec.clear()
        tag = int(psql("SELECT MIN(id) FROM tags"))
        aid = int(psql("SELECT MIN(id) FROM articles"))
        psql("UPDATE tags SET name = name || ' renamed' WHERE id = %d" % tag)
        psql("UPDATE articles SET headline = headline || '!' WHERE id = %d" % aid)
        wait_for(lambda: {"tag-%d" % tag, "lists", "article-%d" % aid, "articles"} <= rec.keys(),
                 "PostgreSQL: a renamed tag and an edited article are purged")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
            proc.stdout.close()
            proc.stderr.close()
        subprocess.run(["sh", cluster, "stop", folder], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    rec = Receiver()
    s = Server(demo=True)
    try:
        art_path, aid = headers_on_pages(s)
        who = D.Who(D.ADMIN, "cdn-admin@example.com", "Cdn Admin", "cdn admin password")
        from harness import run_cli
        rc, o, e = run_cli("user", "--db", s.db, "add", "--email", who.email, "--name", who.name,
                           "--role", "administrator", check_rc=False)
        s.post("/admin/password", {"token": D.link_token(o), "password": who.pw,
                                   "password2": who.pw}, headers={"Origin": s.base})
        who.cookie, who.csrf = D.sign_in(s, who)
        who.id = s.sql("SELECT id FROM users WHERE email=?", who.email)[0][0]
        private_pages(s, who, art_path)
        from harness import run_cli as cli
        for bad in ("ftp://cdn.example.com/purge", "http://a b/", "https:///x", "purge"):
            rc, o, e = cli("settings", "--db", s.db, "set", "cdn_purge_url", bad, check_rc=False)
            check(rc != 0 and "http://" in e, "cdn_purge_url %r is refused, saying why" % bad, e)
        purges(s, rec, who, art_path, aid)
        on_postgresql(rec)
    finally:
        s.stop()
        rec.stop()
    done()


if __name__ == "__main__":
    main()
