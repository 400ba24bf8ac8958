"""Byline on PostgreSQL (issue 17): a throwaway cluster (tests/pg_cluster.sh,
a unix socket in a temporary folder, never the system's), `byline demo`,
`byline user add` and `byline serve` with --db postgresql://..., then the
home page, an article, search and a comment posted, as a reader would.

  the demo site is stored: articles, the full-text index, authors
  `user add` makes an account and prints its one-time link; `user list`
    shows it
  the home page lists the demo's articles; an article's page shows its
    headline and comment form
  search finds the same articles as on SQLite for the same words (the
    demo site on an SQLite file, searched by the same binary), with the
    words marked in the snippets
  a comment posted with a valid form token is stored (and, approved by an
    editor from the command line, shown on the article's page); posts sent
    at once meet the flood limits as on SQLite (30 from one /24: 20 stored;
    8 from one address: 1)
  public pages of every kind, the REST API and every admin screen (on a
    session stored as the login stores it) answer 200; an article published
    from the desk with tags, edited (a tag dropped), searched, shown on the
    home page and trashed
  settings, comments list, export-wordpress, check, import-markdown, and
    import-wordpress (twice) giving the same site as on SQLite
  the server stops cleanly

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
from harness import REPO, check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli, psql  # noqa: E402

import urllib.parse  # noqa: E402

def found(html):
    """The article addresses a search page links to, in order, once each."""
    out = []
    for a in re.findall(r'href="(/\d{4}/\d\d/\d\d/[^"#]+/)"', html):
        if a not in out:
            out.append(a)
    return out


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("PostgreSQL", "no psql client")
        return
    started = cluster_start("PostgreSQL")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-pgwork-")
    server = None
    try:
        rc, out, err = cli(work, "demo", "--db", db)
        check(rc == 0, "demo on PostgreSQL", err)
        check(int(psql(folder, "SELECT count(*) FROM articles")) >= 10, "demo articles stored")
        check(psql(folder, "SELECT count(*) FROM articles_fts") ==
              psql(folder, "SELECT count(*) FROM articles"), "every article is in the text index")
        check(psql(folder, "SELECT version FROM byline_schema") == "36",
              "schema version 36 (PostgreSQL's newest: schema_pg.c)")

        rc, out, err = cli(work, "user", "--db", db, "add", "--email", "pg@example.com",
                           "--name", "Pat Gres", "--role", "editor")
        check(rc == 0 and "/" in out, "user add on PostgreSQL prints a link", out + err)
        rc, out, err = cli(work, "user", "--db", db, "list")
        check(rc == 0 and "pg@example.com" in out, "user list shows the new account", out + err)

        server = Node(db, work, follow=True)
        r = server.get("/")
        home = r.text
        arts = found(home)
        check(r.status == 200 and len(arts) >= 5, "home page lists the articles", r.status)
        art = "/2026/10/22/council-approves-city-budget/"
        aid = psql(folder, "SELECT id FROM articles WHERE slug = 'council-approves-city-budget'")
        if not check(aid != "", "the demo article exists"):
            return
        headline = psql(folder, "SELECT headline FROM articles WHERE id = %s" % int(aid))
        r = server.get(art)
        check(r.status == 200 and 'id="commentform"' in r.text, "article page with its form",
              r.status)
        check(headline.split()[0] in r.text, "article page shows the headline")

        # Search: the same articles as the demo on SQLite finds.
        sq = Node(os.path.join(work, "site.db"), work, follow=True) if cli(
            work, "demo", "--db", os.path.join(work, "site.db"))[0] == 0 else None
        for q in ("budget", "ferry", "council budget", "budget OR ferry", "zzznothing"):
            rp = server.get("/search/?q=" + urllib.parse.quote(q))
            check(rp.status == 200, "search %r answers" % q, rp.status)
            got = sorted(found(rp.text))
            if sq:
                rs = sq.get("/search/?q=" + urllib.parse.quote(q))
                check(got == sorted(found(rs.text)), "search %r finds what SQLite finds" % q,
                      "%s vs %s" % (got, sorted(found(rs.text))))
            if q == "budget":
                check(len(got) >= 2 and "<mark>budget</mark>" in rp.text.lower(),
                      "search marks the words found", got)
        if sq:
            sq.stop()

        # A comment, with a form token as the server signs them.
        secret = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
        ts = int(time.time()) - 60
        mac = hmac.new(secret, ("form|%s|%d" % (aid, ts)).encode(), hashlib.sha256)
        before = int(psql(folder, "SELECT count(*) FROM comments WHERE article_id = %s" % aid))
        r = server.request("POST", art, {
            "comment": "Posted on PostgreSQL, and a fine budget it is.",
            "author": "Reader Pg", "email": "reader.pg@example.com", "url": "",
            "comment_parent": "0", "byline_token": "%d.%s" % (ts, mac.hexdigest()[:32]),
            "byline_hp": ""})
        check(r.status in (302, 303), "comment post answers with a redirect", (r.status, r.text[:300]))
        after = int(psql(folder, "SELECT count(*) FROM comments WHERE article_id = %s" % aid))
        check(after == before + 1, "the comment is stored", (before, after))
        # Posts sent at once meet the limits posts sent one by one meet: on
        # PostgreSQL, transactions run side by side, and the network's row
        # of gates, locked by each post's first statement, is what
        # orders them.
        def at_once(forms_ips):
            codes = [None] * len(forms_ips)

            def post(i):
                codes[i] = server.request("POST", art, forms_ips[i][0], ip=forms_ips[i][1]).status
            ts_ = [threading.Thread(target=post, args=(i,)) for i in range(len(forms_ips))]
            for t in ts_:
                t.start()
            for t in ts_:
                t.join()
            return codes

        def form(i, body):
            t = int(time.time()) - 60
            m = hmac.new(secret, ("form|%s|%d" % (aid, t)).encode(), hashlib.sha256)
            return {"comment": "%s %d" % (body, i), "author": "Crowd %d" % i,
                    "email": "crowd%d@example.com" % i, "url": "", "comment_parent": "0",
                    "byline_token": "%d.%s" % (t, m.hexdigest()[:32]), "byline_hp": ""}
        codes = at_once([(form(i, "All at once"), "198.18.9.%d" % (i + 1)) for i in range(30)])
        stored = int(psql(folder, "SELECT count(*) FROM comments WHERE body LIKE 'All at once %'"))
        check(sorted(codes) == [303] * 20 + [429] * 10 and stored == 20,
              "30 posts at once from one /24: 20 stored, 10 refused", (sorted(codes), stored))
        codes = at_once([(form(i, "Same address"), "198.18.10.7") for i in range(8)])
        stored = int(psql(folder, "SELECT count(*) FROM comments WHERE body LIKE 'Same address %'"))
        check(sorted(codes) == [303] + [429] * 7 and stored == 1,
              "8 posts at once from one address: one stored", (sorted(codes), stored))

        # Every public page kind and every admin screen answers, on a
        # session stored as the login stores it; the server stays up.
        public = ["/feed/", "/comments/feed/", "/sitemap.xml", "/robots.txt", "/2026/",
                  "/2026/10/", "/page/2/", "/tag/budget/", art + "feed/",
                  "/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts?search=budget",
                  "/wp-json/wp/v2/pages", "/wp-json/wp/v2/comments", "/wp-json/wp/v2/tags",
                  "/wp-json/wp/v2/categories", "/wp-json/wp/v2/users"]
        for path in public:
            r = server.get(path)
            check(r.status == 200, "GET %s on PostgreSQL" % path, (r.status, r.text[:200]))
        rc, out, err = cli(work, "user", "--db", db, "add", "--email", "admin@example.com",
                           "--name", "Ada Min", "--role", "administrator")
        check(rc == 0, "user add administrator", err)
        uid = psql(folder, "SELECT id FROM users WHERE email = 'admin@example.com'")
        token = os.urandom(16).hex()
        csrf = os.urandom(16).hex()
        now = int(time.time())
        psql(folder, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, seen_at, ip)"
             " VALUES ('%s', %s, '%s', %d, %d, '')" % (hashlib.sha256(token.encode()).hexdigest(),
                                                      int(uid), csrf, now, now))
        admin = ["/admin/", "/admin/articles/", "/admin/articles/new", "/admin/comments/",
                 "/admin/front/", "/admin/media/", "/admin/menus/", "/admin/pages/",
                 "/admin/pages/new", "/admin/profile",
                 "/admin/sections/", "/admin/settings", "/admin/tags/", "/admin/tools/",
                 "/admin/tools/webhooks/", "/admin/users/",
                 "/admin/articles/%s/" % aid]
        for path in admin:
            r = server.request("GET", path, cookie=token)
            check(r.status == 200, "GET %s on PostgreSQL (administrator)" % path,
                  (r.status, r.text[:200]))
        check(server.proc.poll() is None, "the server is still up after the crawl")

        # The desk writes: a new article published with tags, then edited
        # (a tag dropped, the headline changed), found by search, trashed.
        def save(path, **kw):
            f = {"csrf": csrf, "headline": "", "slug": "", "dek": "", "body": "",
                 "section": "", "new_section": "", "tags": "", "featured_media": "",
                 "featured_alt": "", "status": "draft", "publish_date": "", "publish_time": "",
                 "comments_open": "1", "action": "save"}
            f.update(kw)
            return server.request("POST", path, f, cookie=token)
        r = save("/admin/articles/new", headline="Lighthouse keepers return",
                 dek="A quiet coast.", body="The **lighthouse** at Gull Point is staffed again.",
                 tags="Coast, Lighthouses", new_section="Harbour News", status="published",
                 action="publish")
        m = re.match(r"/admin/articles/(\d+)/", r.header("Location") or "")
        check(r.status == 303 and m, "article published from the desk",
              (r.status, r.header("Location"), r.text[:300]))
        new_id = int(m.group(1)) if m else 0
        check(psql(folder, "SELECT count(*) FROM article_tags WHERE article_id = %d" % new_id)
              == "2", "its two tags stored")
        r = save("/admin/articles/%d/" % new_id, headline="Lighthouse keepers are back",
                 slug="lighthouse-keepers-return", dek="A quiet coast.",
                 body="The lighthouse at Gull Point is staffed again.", tags="Coast",
                 section=psql(folder, "SELECT section_id FROM articles WHERE id = %d" % new_id),
                 status="published", action="publish")
        check(r.status == 303, "article edited", (r.status, r.text[:300]))
        check(psql(folder, "SELECT count(*) FROM article_tags WHERE article_id = %d" % new_id)
              == "1", "the dropped tag is gone")
        check(psql(folder, "SELECT headline FROM articles_fts WHERE id = %d" % new_id) ==
              "Lighthouse keepers are back", "the text index has the new headline")
        r = server.get("/search/?q=lighthouse")
        check(r.status == 200 and "Lighthouse keepers are back" in r.text,
              "search finds the new article")
        r = server.get("/")
        check("Lighthouse keepers are back" in r.text, "the home page shows it at once")
        r = server.request("POST", "/admin/articles/%d/trash" % new_id, {"csrf": csrf},
                           cookie=token)
        check(r.status in (302, 303), "article trashed", (r.status, r.text[:300]))
        check("Lighthouse keepers" not in server.get("/").text, "the home page drops it")

        # The other commands.
        rc, out, err = cli(work, "settings", "--db", db, "set", "site_title", "PG Ledger")
        check(rc == 0 and cli(work, "settings", "--db", db, "get", "site_title")[1].strip() ==
              "PG Ledger", "settings set and get", err)
        rc, out, err = cli(work, "comments", "--db", db, "list")
        check(rc == 0 and "Reader Pg" in out, "comments list", err)
        rc, out, err = cli(work, "export-wordpress", "--db", db, "--base-url",
                           "https://news.example.com")
        check(rc == 0 and "<wp:post_id>" in out and "Reader Pg" in out, "export-wordpress", err)
        rc, out, err = cli(work, "check", "--db", db, "--all")
        check(rc in (0, 1) and "headline" in out, "check --all", (rc, err))
        md = os.path.join(work, "md")
        os.mkdir(md)
        with open(os.path.join(md, "a.md"), "w") as f:
            f.write("---\ntitle: Imported on PG\nauthor: Pat Markdown\ndate: 2026-11-01\n"
                    "tags: Alpha, Beta\nsection: Notes\n---\nHello from markdown.\n")
        rc, out, err = cli(work, "import-markdown", "--db", db, md)
        check(rc == 0 and "1 imported" in out + err, "import-markdown", out + err)
        # A WordPress export into an empty database of each engine: the same
        # counts, and a second run changes nothing.
        psql(folder, "CREATE DATABASE wxr")
        pg_wxr = db.replace("/byline?", "/wxr?")
        sq_wxr = os.path.join(work, "wxr.db")
        wxr = os.path.join(REPO, "tests", "fixtures", "wxr", "site.xml")
        counts = {}
        for name, target in (("postgresql", pg_wxr), ("sqlite", sq_wxr)):
            for _ in range(2):
                rc, out, err = cli(work, "import-wordpress", "--db", target, wxr)
                check(rc == 0, "import-wordpress on %s" % name, err[-500:])
            rc, out, err = cli(work, "export-wordpress", "--db", target, "--base-url",
                               "https://news.example.com")
            counts[name] = re.search(r"Exported .*", err).group(0) if "Exported" in err else err
        check(counts["postgresql"] == counts["sqlite"] and "Exported" in counts["sqlite"],
              "a WordPress import gives the same site on both engines", counts)

        cid = psql(folder, "SELECT max(id) FROM comments WHERE author_name = 'Reader Pg'")
        if cid:
            rc, out, err = cli(work, "comments", "--db", db, "approve", cid)
            check(rc == 0, "comments approve on PostgreSQL", err)
            time.sleep(0.1)  # another process's commit: seen within 20 ms
            r = server.get(art)
            check("Posted on PostgreSQL" in r.text, "the approved comment is on the page")
    finally:
        if server:
            rc, err = server.stop()
            check(rc == 0, "server stopped cleanly (exit %s)" % rc, err[-2000:])
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)


main()
done()
