"""Moving and backing up a site (issue 17): byline copy-db, backup, restore.

  copy-db copies the demo site from one SQLite file to another: every
    table's rows and checksum match (the report says "ok" for each), the
    change log is left empty, the search index is rebuilt, and the site
    served from the copy shows the same home page and search results
  copy-db refuses a destination that already holds a site, and a source
    that does not exist (creating nothing)
  backup of a database a server is writing comments to, taken while it
    writes, is a whole database (integrity check) and restores into a new
    file whose tables match it row for row; restore refuses a database
    holding a site unless --force, and with --force replaces it
  on PostgreSQL (a throwaway cluster, tests/pg_cluster.sh): the demo site
    SQLite -> PostgreSQL -> SQLite, counts and checksums equal, every row
    of the round trip equal to the original's; the site served from
    PostgreSQL shows the same home page and search results as from the
    file, takes a new comment (its id follows the copied ones); a backup
    of the PostgreSQL database restores into a file equal to it; copying
    onto it again is refused.  Skipped, never passed, when no PostgreSQL
    server binaries are found.
"""
import hashlib
import hmac
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, date_path, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli  # noqa: E402


QUERIES = ("budget", "ferry", "council budget", "budget OR ferry")


def found(html):
    """The article addresses a page links to, in order, once each."""
    out = []
    for a in re.findall(r'href="(/\d{4}/\d\d/\d\d/[^"#]+/)"', html):
        if a not in out:
            out.append(a)
    return out


def table_rows(path, skip_tables=("changes", "changes_held", "cdn_purges")):
    """Every table of an SQLite file (but the change log, the CDN's purge
    queue and the search index's own tables), each as its sorted rows with columns by name."""
    con = sqlite3.connect(path)
    out = {}
    for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                            " AND name NOT LIKE 'articles_fts%' AND name NOT LIKE 'sqlite_%'"):
        if t in skip_tables:
            continue
        cols = sorted(r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (t,)))
        q = "SELECT %s FROM %s" % (", ".join('"%s"' % c for c in cols), t)
        out[t] = sorted(repr(r) for r in con.execute(q))
    con.close()
    return out


class Served(Node):
    """A node whose answers the checks below read as (status, text)."""

    def request(self, method, path, body=None, ip="203.0.113.7"):
        r = Node.request(self, method, path, body=body, ip=ip)
        return r.status, r.text

    def get(self, path):
        return self.request("GET", path)

    def stop(self):
        rc, _ = Node.stop(self)
        check(rc == 0, "server stopped cleanly", rc)


def view(server):
    """What a reader sees: the home page's articles and each query's results."""
    status, home = server.get("/")
    out = {"home": (status, found(home))}
    for q in QUERIES:
        status, page = server.get("/search/?q=" + urllib.parse.quote(q))
        out[q] = (status, found(page))
    return out


def comment_form(secret, aid, i):
    ts = int(time.time()) - 60
    mac = hmac.new(secret, ("form|%s|%d" % (aid, ts)).encode(), hashlib.sha256)
    return {"comment": "A comment written while backing up, number %d." % i,
            "author": "Writer %d" % i, "email": "writer%d@example.com" % i, "url": "",
            "comment_parent": "0", "byline_token": "%d.%s" % (ts, mac.hexdigest()[:32]),
            "byline_hp": ""}


def while_writing(server, path, secret, aid, net, action):
    """Runs action while a thread posts comments to server (each from its
    own address); returns the answers' statuses and action's result."""
    stop = threading.Event()
    codes = []

    def writer():
        i = 0
        while not stop.is_set() and i < 400:
            st, _ = server.request("POST", path, comment_form(secret, aid, net * 1000 + i),
                                   ip="%d.%d.%d.9" % (net, i // 200 + 1, i % 200 + 1))
            codes.append(st)
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.5)
    result = action()
    time.sleep(0.3)
    stop.set()
    t.join()
    return codes, result


def sqlite_part(work):
    a = os.path.join(work, "a.db")
    b = os.path.join(work, "b.db")
    rc, out, err = cli(work, "demo", "--db", a)
    check(rc == 0, "demo site", err)
    # Rows whose insert triggers write elsewhere: a note stamps its
    # article's modified_at, a webhook event queues deliveries.
    con = sqlite3.connect(a)
    con.execute("INSERT INTO webhooks(url, events, secret, created_at)"
                " VALUES ('https://hooks.example.com/x', 'article.updated', 's', 1)")
    con.execute("INSERT INTO webhook_events(name, type, id, at)"
                " VALUES ('article.updated', 'article', 1, 1)")
    con.execute("INSERT INTO article_notes(article_id, kind, body_src, created_at)"
                " VALUES (1, 'correction', 'A figure was wrong.', 1000)")
    con.execute("UPDATE articles SET modified_at = 2000000000 WHERE id = 1")
    con.commit()
    check(con.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] >= 1,
          "the source has webhook deliveries")
    con.close()

    rc, out, err = cli(work, "copy-db", "--from", a, "--to", b)
    check(rc == 0, "copy-db SQLite -> SQLite", out + err)
    lines = [ln for ln in out.splitlines() if re.match(r"^[a-z_]+ +\d+ +\d+ ", ln)]
    check(len(lines) >= 30 and all(ln.endswith(" ok") for ln in lines),
          "every table's count and checksum match in the report", out)
    listed = {ln.split()[0] for ln in lines}
    check(listed == set(table_rows(a)), "the copy's table list is every table of the schema",
          set(table_rows(a)) ^ listed)
    check(re.search(r"^articles +(\d+) +\1 ", out, re.M) is not None and
          "Media files are not in the database" in out, "the report names articles and media", out)
    check(table_rows(a) == table_rows(b), "every row of the copy equals the original's")
    con = sqlite3.connect(b)
    check(con.execute("SELECT count(*) FROM changes").fetchone()[0] == 0 and
          con.execute("SELECT count(*) FROM changes_held").fetchone()[0] == 0,
          "the copy's change log is empty and not held")
    n_fts = con.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    n_art = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    check(n_fts == n_art and n_art >= 10, "the copy's search index holds every article",
          (n_fts, n_art))
    con.close()

    sa, sb = Served(a, work), Served(b, work)
    va, vb = view(sa), view(sb)
    check(va["home"][0] == 200 and len(va["home"][1]) >= 5, "the original's home page", va)
    check(va == vb, "the copy shows the same home page and search results", (va, vb))
    sb.stop()

    rc, out, err = cli(work, "copy-db", "--from", a, "--to", b)
    check(rc != 0 and "already holds a site" in err, "copy-db refuses a destination with a site",
          (rc, err))
    missing = os.path.join(work, "missing.db")
    rc, out, err = cli(work, "copy-db", "--from", missing, "--to", os.path.join(work, "x.db"))
    check(rc != 0 and "cannot read" in err and not os.path.exists(missing),
          "copy-db refuses a missing source and creates none", (rc, err))

    # A backup taken while the server stores comments.
    con = sqlite3.connect(a)
    secret = bytes.fromhex(con.execute("SELECT value FROM settings WHERE key = 'secret'")
                           .fetchone()[0])
    aid, slug_path = None, None
    for (i, slug, pub) in con.execute("SELECT id, slug, published_at FROM articles"
                                      " WHERE status = 'published' ORDER BY id LIMIT 1"):
        aid = i
        zone = con.execute("SELECT value FROM settings WHERE key = 'timezone'").fetchone()[0]
        slug_path = date_path(zone, pub) + slug + "/"
    before = con.execute("SELECT count(*) FROM comments").fetchone()[0]
    con.close()
    bak = os.path.join(work, "a.bak")
    codes, (rc, out, err) = while_writing(sa, slug_path, secret, aid, 198,
                                          lambda: cli(work, "backup", "--db", a, bak))
    check(rc == 0 and os.path.exists(bak), "backup while the server writes comments", out + err)
    check(codes and all(c in (302, 303) for c in codes), "the comments were taken",
          sorted(set(codes)))
    after = sqlite3.connect(a).execute("SELECT count(*) FROM comments").fetchone()[0]
    bcon = sqlite3.connect(bak)
    check(bcon.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "the backup is a whole database")
    in_bak = bcon.execute("SELECT count(*) FROM comments").fetchone()[0]
    ids = [r[0] for r in bcon.execute("SELECT id FROM comments ORDER BY id")]
    bcon.close()
    check(before <= in_bak <= after and ids == list(range(ids[0], ids[0] + len(ids))),
          "the backup holds the comments of one moment, none half there",
          (before, in_bak, after))
    rc, out, err = cli(work, "backup", "--db", a, bak)
    check(rc != 0 and "exists" in err, "backup refuses to overwrite a file", err)
    sa.stop()

    c = os.path.join(work, "c.db")
    rc, out, err = cli(work, "restore", "--db", c, bak)
    check(rc == 0 and "checksum match" in out, "restore into a new file", out + err)
    check(table_rows(bak) == table_rows(c), "the restored database equals the backup")
    rc, out, err = cli(work, "restore", "--db", b, bak)
    check(rc != 0 and "--force" in err, "restore refuses a database holding a site", err)
    rc, out, err = cli(work, "restore", "--db", b, bak, "--force")
    check(rc == 0, "restore --force replaces it", out + err)
    check(table_rows(bak) == table_rows(b), "the forced restore equals the backup")
    con = sqlite3.connect(b)
    check(con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] ==
          con.execute("SELECT count(*) FROM articles").fetchone()[0],
          "the forced restore's search index matches its articles")
    con.close()
    return a


def pg_part(work, a):
    if not shutil.which("psql"):
        skip("copy-db on PostgreSQL", "no psql client")
        return
    started = cluster_start("copy-db on PostgreSQL")
    if not started:
        return
    folder, pg = started
    try:
        # a.db has the comments written during the backup too.
        rc, out, err = cli(work, "copy-db", "--from", a, "--to", pg)
        check(rc == 0 and " MISMATCH" not in out, "copy-db SQLite -> PostgreSQL", out + err)
        # Its planner statistics are gathered at once (ANALYZE), not when
        # autovacuum gets round to it: until then a page's plans read
        # every article (bench/POSTGRESQL.md).
        stats = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At", "-c",
                                "SELECT c.relname, c.reltuples::bigint, s.n_live_tup FROM pg_class c"
                                " JOIN pg_stat_user_tables s ON s.relid = c.oid"
                                " WHERE c.relname IN ('articles', 'comments') ORDER BY 1"],
                               capture_output=True, text=True, timeout=60).stdout.split()
        counts = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At", "-c",
                                 "SELECT (SELECT count(*) FROM articles) || ' ' ||"
                                 " (SELECT count(*) FROM comments)"],
                                capture_output=True, text=True, timeout=60).stdout.split()
        check([x.split("|")[1] for x in stats] == counts,
              "copy-db gathered PostgreSQL's statistics (reltuples = the rows copied)",
              (stats, counts))
        d = os.path.join(work, "d.db")
        rc, out, err = cli(work, "copy-db", "--from", pg, "--to", d)
        check(rc == 0 and " MISMATCH" not in out, "copy-db PostgreSQL -> SQLite", out + err)
        check(table_rows(a) == table_rows(d),
              "SQLite -> PostgreSQL -> SQLite gives back every row")

        sa, sp = Served(a, work), Served(pg, work)
        va, vp = view(sa), view(sp)
        # The home page in the same order; search the same articles (each
        # engine ranks them its own way, as test_postgresql says).
        for k in va:
            same = va[k] == vp[k] if k == "home" else (
                va[k][0] == vp[k][0] and sorted(va[k][1]) == sorted(vp[k][1]))
            check(same, "PostgreSQL's copy shows the same %s" % k, (va[k], vp[k]))
        sa.stop()
        # A new comment on the copy: its id follows the copied ones.
        out = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At", "-c",
                              "SELECT value FROM settings WHERE key = 'secret';"
                              " SELECT value FROM settings WHERE key = 'timezone';"
                              " SELECT max(id) FROM comments;"
                              " SELECT id, slug, published_at FROM articles"
                              " WHERE status = 'published' ORDER BY id LIMIT 1"],
                             capture_output=True, text=True, timeout=60).stdout.split("\n")
        secret, zone, max_id = bytes.fromhex(out[0]), out[1], int(out[2])
        aid, slug, pub = out[3].split("|")
        path = date_path(zone, pub) + slug + "/"
        st, _ = sp.request("POST", path, comment_form(secret, aid, 9999), ip="192.0.2.77")
        check(st in (302, 303), "a comment posted on the copy is taken", st)
        new_max = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At",
                                  "-c", "SELECT max(id) FROM comments"],
                                 capture_output=True, text=True, timeout=60).stdout.strip()
        check(new_max == str(max_id + 1), "its id follows the copied ones", (max_id, new_max))

        bak = os.path.join(work, "pg.bak")
        codes, (rc, out, err) = while_writing(sp, path, secret, aid, 172,
                                              lambda: cli(work, "backup", "--db", pg, bak))
        check(rc == 0 and " MISMATCH" not in out,
              "backup of PostgreSQL while the server writes comments", out + err)
        check(codes and all(c in (302, 303) for c in codes), "the comments were taken",
              sorted(set(codes)))
        sp.stop()
        n_pg = int(subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At",
                                   "-c", "SELECT count(*) FROM comments"],
                                  capture_output=True, text=True, timeout=60).stdout)
        e = os.path.join(work, "e.db")
        rc, out, err = cli(work, "restore", "--db", e, bak)
        check(rc == 0, "the PostgreSQL backup restores", out + err)
        rows_e = table_rows(e)
        n_e = len(rows_e["comments"])
        check(table_rows(bak) == rows_e and
              len(table_rows(a)["comments"]) + 1 <= n_e <= n_pg,
              "the restore equals the backup of PostgreSQL, one moment's comments",
              (len(table_rows(a)["comments"]), n_e, n_pg))
        rc, out, err = cli(work, "copy-db", "--from", a, "--to", pg)
        check(rc != 0 and "already holds a site" in err,
              "copy-db refuses a PostgreSQL database with a site", err)
        rc, out, err = cli(work, "restore", "--db", pg, os.path.join(work, "c.db"), "--force")
        check(rc == 0 and " MISMATCH" not in out, "restore --force replaces a PostgreSQL site",
              out + err)
        f = os.path.join(work, "f.db")
        rc, out, err = cli(work, "copy-db", "--from", pg, "--to", f)
        check(rc == 0 and table_rows(f) == table_rows(os.path.join(work, "c.db")),
              "PostgreSQL then holds exactly the restored backup", out + err)
    finally:
        cluster_stop(folder)


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    work = tempfile.mkdtemp(prefix="byline-copydb-")
    try:
        a = sqlite_part(work)
        pg_part(work, a)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
