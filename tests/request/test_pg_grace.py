"""Grace on PostgreSQL (issue 17's breaking-news mix, bench/POSTGRESQL.md):
a cached page made stale by a soft change (a comment) is served as it was
while a refresher renders it again, so no reader waits for that render;
a hard change (the article itself unpublished) is never served stale.

Each render is held up by psql holding the tags table (every article page
reads it) in ACCESS EXCLUSIVE mode:

  a comment changed from psql (a soft change) on a page read lately: the
    page is rendered again at once, before any reader asks (its readers
    meanwhile get the version before, GRACE_MS at most: too short a window
    to see from here), and once the lock goes the new version is served
  the article edited from psql (a hard change): no render ahead (that
    would grace the old version); its next reader is not answered with the
    old page while the render waits, but with the new one once the lock
    goes; unpublished, its page is gone
  a comment posted through the form on a page read lately: its writer's
    303 comes once the page has been rendered again (pagecache_settle()),
    so following it shows the comment (else, within the grace, the version
    before would be served)

Skipped, never passed, when no PostgreSQL server binaries are found.
"""
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli, psql  # noqa: E402

ART = "/2026/10/22/council-approves-city-budget/"
GONE = "/2026/10/18/mariners-hold-dunmore-to-draw/"
POSTED = "/2026/10/25/second-reading-budget-promises/"


class Locker:
    """psql holding the tags table: every article page's render waits."""

    def __init__(self, folder):
        self.p = subprocess.Popen(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-Atq"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.p.stdin.write("BEGIN; LOCK TABLE tags IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
        self.p.stdin.flush()
        self.ok = self.p.stdout.readline().strip() == "locked"

    def release(self):
        self.p.stdin.write("ROLLBACK;\n\\q\n")
        self.p.stdin.flush()
        self.p.wait(timeout=30)


def get(node, path, timeout):
    """(status, body) or (None, '') if no answer came within timeout."""
    try:
        r = node.request("GET", path, timeout=timeout)
        return r.status, r.body.decode("utf-8", "replace")
    except OSError:  # socket.timeout
        return None, ""


def shows_within(node, path, text, secs):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        st, body = get(node, path, 10)
        if st == 200 and text in body:
            return True
        time.sleep(0.05)
    return False


def waiting(folder):
    """Statements of the server waiting on the lock (a render)."""
    return int(psql(folder, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            "'Lock' AND pid <> pg_backend_pid()"))


def soft(node, folder):
    for _ in range(3):
        node.get(ART)  # cached, and read lately
    mark = "Edited while locked %d" % os.getpid()
    locker = Locker(folder)
    check(locker.ok, "soft: psql holds the tags table")
    try:
        psql(folder, "UPDATE comments SET body_html = '<p>%s</p>' WHERE id = (SELECT min(c.id) "
                     "FROM comments c JOIN articles a ON a.id = c.article_id WHERE a.slug = "
                     "'council-approves-city-budget' AND c.status = 'approved')" % mark)
        deadline = time.monotonic() + 5
        while waiting(folder) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        check(waiting(folder) >= 1, "soft change (a comment) to a page read lately: it is "
              "rendered again as soon as the change is seen, before any reader asks")
    finally:
        locker.release()
    check(shows_within(node, ART, mark, 10), "…and once the render can run, the new version is "
          "served")


def hard(node, folder):
    time.sleep(2.5)  # no other page read lately (pagecache.c, HOT_SECONDS)
    for _ in range(3):
        node.get(GONE)
    old = "Mariners hold Dunmore"
    new = "Corrected headline %d" % os.getpid()
    locker = Locker(folder)
    check(locker.ok, "hard: psql holds the tags table")
    got = {}

    def reader():
        got["st"], got["body"] = get(node, GONE, 30)

    th = None
    try:
        psql(folder, "UPDATE articles SET headline = '%s' WHERE slug = "
                     "'mariners-hold-dunmore-to-draw'" % new)
        time.sleep(0.7)
        check(waiting(folder) == 0, "hard change (the article edited): no refresh ahead, whose "
              "readers would be given the old version meanwhile")
        th = threading.Thread(target=reader)
        th.start()
        th.join(1.5)
        early = got.get("st")
        check(not (early == 200 and old in got.get("body", "")),
              "…its old page is not served while it is rendered again", early)
    finally:
        locker.release()
    if th:
        th.join(30)
    check(got.get("st") == 200 and new in got.get("body", "") and old not in got.get("body", ""),
          "…its reader waits for the render and gets the new version", got.get("st"))
    psql(folder, "UPDATE articles SET status = 'draft' WHERE slug = 'mariners-hold-dunmore-to-draw'")
    gone = False
    deadline = time.monotonic() + 10
    while not gone and time.monotonic() < deadline:
        st, body = get(node, GONE, 10)
        gone = st in (404, 410)
        time.sleep(0.02)
    check(gone, "the article unpublished: its page is gone, the old copy dropped")
    st, body = get(node, GONE, 10)
    check(st in (404, 410), "…for the next reader too", st)


def posted(node, folder, token):
    for _ in range(3):
        node.get(POSTED)
    text = "Settled comment %d about the budget" % os.getpid()
    r = node.request("POST", POSTED, {
        "comment": text, "author": "Writer", "email": "w@example.com", "url": "",
        "comment_parent": "0", "byline_token": token, "byline_hp": ""}, ip="198.51.100.44")
    check(r.status == 303, "a comment through the form is stored", r.status)
    st, body = get(node, POSTED, 10)
    check(st == 200 and text in body, "its writer, following the 303 at once, sees it (the "
          "answer waited for the page's re-render)")


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("grace on PostgreSQL", "no psql client")
        return
    started = cluster_start("grace on PostgreSQL")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-pgg-")
    node = None
    try:
        for args in (("demo", "--db", db),
                     ("settings", "--db", db, "set", "comment_min_seconds", "0"),
                     ("settings", "--db", db, "set", "comment_flood_seconds", "0"),
                     ("settings", "--db", db, "set", "moderation", "none")):
            rc, out, err = cli(work, *args)
            check(rc == 0, " ".join(args[:1] + args[3:]), err)
        aid = int(psql(folder, "SELECT id FROM articles WHERE slug = "
                               "'second-reading-budget-promises'"))
        key = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
        ts = int(time.time()) - 60
        token = "%d.%s" % (ts, hmac.new(key, ("form|%d|%d" % (aid, ts)).encode(),
                                        hashlib.sha256).hexdigest()[:32])
        node = Node(db, work, "grace")
        soft(node, folder)
        hard(node, folder)
        posted(node, folder, token)
    finally:
        if node:
            rc, err = node.stop()
            check("Sanitizer" not in err and "runtime error" not in err,
                  "the server stopped cleanly (no sanitizer report)", err[-600:])
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
