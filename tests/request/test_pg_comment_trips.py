"""What a comment sends to PostgreSQL, where each statement is a round trip
(issue 17's benchmark (2): durable comments a second).  The demo site on a
cluster of this test's own (moderation off, comment limits 0), its
server's statements logged (log_statement = all for the role), served with
the page cache (its watcher syncs on PostgreSQL) and no preload:

  - the spam filter's totals are read in the statement that checks for a
    duplicate and reads the commenter's verdict (model/comment.c), not in
    one of their own (model/spamfilter.c's sql_totals);
  - with the filter trained (totals and token counts written from psql), a
    comment of spam's words is held as spam, its reason the filter's
    figure: the totals read that way are the ones used; its words' counts
    are read in one statement (up to 32 words a statement), not one a word;
  - under first-time moderation, whether the commenter was approved before
    is read in that statement too: a newcomer is held, and once approved
    their next comment is approved;
  - a comment on an article whose page the cache does not hold (no reader
    asked for it) is answered without syncing the cache (the watcher
    does): its writer, following the 303 at once, sees the comment; and
    on a page the cache holds and readers read, the same.

Skipped when no PostgreSQL server binaries are found.
"""
import hashlib
import hmac
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import Node, cli, cluster_start, cluster_stop, psql  # noqa: E402

UNREAD = "/2026/10/18/mariners-hold-dunmore-to-draw/"
READ = "/2026/10/22/council-approves-city-budget/"
LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (?:\S+ )?LOG:  (?:statement|execute [^:]*): (.*)$")


def statements(log, start):
    """(pid, text) of each statement logged after byte offset start."""
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        out = []
        for line in f.read().splitlines():
            m = LINE.match(line)
            if m:
                out.append((m.group(1), m.group(2)))
        return out


def token(folder, slug):
    aid = int(psql(folder, "SELECT id FROM articles WHERE slug = '%s'" % slug))
    key = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
    ts = int(time.time()) - 60
    return "%d.%s" % (ts, hmac.new(key, ("form|%d|%d" % (aid, ts)).encode(),
                                   hashlib.sha256).hexdigest()[:32])


def post(node, path, tok, text, ip):
    return node.request("POST", path, {
        "comment": text, "author": "Trips", "email": "trips@example.com", "url": "",
        "comment_parent": "0", "byline_token": tok, "byline_hp": ""}, ip=ip)


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("a comment's statements on PostgreSQL", "no psql client")
        return
    started = cluster_start("a comment's statements on PostgreSQL")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-pgtrips-")
    node = None
    try:
        for args in (("demo", "--db", db),
                     ("settings", "--db", db, "set", "comment_min_seconds", "0"),
                     ("settings", "--db", db, "set", "comment_flood_seconds", "0"),
                     ("settings", "--db", db, "set", "moderation", "none")):
            rc, _, err = cli(work, *args)
            check(rc == 0, " ".join(args[:1] + args[3:]), err)
        psql(folder, "ALTER ROLE byline SET log_statement = 'all'")
        log = os.path.join(folder, "server.log")
        node = Node(db, work, "trips", extra=("--no-preload",))
        unread_tok = token(folder, UNREAD.split("/")[-2])

        # A first comment prepares the statements; the second is counted.
        r = post(node, UNREAD, unread_tok, "Warm-up comment %d" % os.getpid(), "198.51.100.61")
        check(r.status == 303, "a comment is stored", r.status)
        time.sleep(0.3)
        start = os.path.getsize(log)
        text = "Counted comment %d on the draw" % os.getpid()
        r = post(node, UNREAD, unread_tok, text, "198.51.100.62")
        check(r.status == 303, "a second comment is stored", r.status)
        loc = r.header("Location") or ""
        got = node.get(loc.split("#")[0].replace(node.base, "") or UNREAD)
        check(got.status == 200 and text.encode() in got.body,
              "its writer, following the 303 at once, sees it (a page not cached: the "
              "write's answer did not sync, its read rendered the page anew)")
        time.sleep(0.5)
        sent = statements(log, start)
        pids = {pid for pid, t in sent if "INSERT INTO comments" in t}
        if check(len(pids) == 1, "the comment's insert is in the log", "%d" % len(pids)):
            mine = [t for pid, t in sent if pid in pids]
            if os.environ.get("SHOW_TRIPS"):
                print("\n".join(mine))
            alone = [t for t in mine if re.match(r"SELECT spam, ham FROM spam_totals", t)]
            check(not alone, "the spam filter's totals are not read alone", "\n".join(alone))
            check(sum(1 for t in mine if "spam_totals" in t and "commenters" in t) == 1,
                  "they are read with the duplicate check and the verdict", "\n".join(mine))

        # Trained: spam's words are held as spam by the filter's figure.
        psql(folder, "INSERT INTO spam_totals(id, spam, ham) VALUES (1, 20, 20) "
                     "ON CONFLICT(id) DO UPDATE SET spam = 20, ham = 20")
        psql(folder, "INSERT INTO spam_tokens(token, spam, ham) VALUES ('casino', 20, 0), "
                     "('jackpot', 20, 0), ('bonus', 20, 0) ON CONFLICT(token) DO NOTHING")
        start = os.path.getsize(log)
        r = post(node, UNREAD, unread_tok, "casino jackpot bonus casino", "198.51.100.63")
        check(r.status in (303, 200), "a spammy comment is answered", r.status)
        time.sleep(0.5)
        sent = statements(log, start)
        pids = {pid for pid, t in sent if "INSERT INTO comments" in t}
        reads = [t for pid, t in sent if pid in pids and "FROM spam_tokens" in t]
        check(len(pids) == 1 and len(reads) == 1,
              "its words' counts are read in one statement, not one a word",
              "%d statements" % len(reads))
        row = psql(folder, "SELECT status || '|' || spam_reason FROM comments WHERE body = "
                           "'casino jackpot bonus casino'")
        check(row.startswith("spam|") and re.search(r"filter (0\.9\d|1\.00)", row),
              "the trained filter holds it as spam, by its figure", row)

        # First-time moderation: whether the commenter was approved before is
        # read with the duplicate check too, not in a statement of its own.
        rc, _, err = cli(work, "settings", "--db", db, "set", "moderation", "first")
        check(rc == 0, "moderation first", err)
        time.sleep(0.5)  # the server reloads its settings (a change to everything)

        def first_time(text, ip):
            start = os.path.getsize(log)
            r = node.request("POST", UNREAD, {
                "comment": text, "author": "Newcomer", "email": "new@example.com", "url": "",
                "comment_parent": "0", "byline_token": unread_tok, "byline_hp": ""}, ip=ip)
            check(r.status == 303, "a newcomer's comment is answered", r.status)
            time.sleep(0.5)
            sent = statements(log, start)
            pids = {pid for pid, t in sent if "INSERT INTO comments" in t}
            alone = [t for pid, t in sent if pid in pids and re.match(
                r"SELECT 1 FROM comments WHERE author_name = \$1 AND author_email = \$2", t)]
            check(len(pids) == 1 and not alone,
                  "whether they were approved before is not read alone", "\n".join(alone))
            return psql(folder, "SELECT status || '|' || spam_reason FROM comments WHERE "
                                "body = '%s'" % text)

        row = first_time("A first word from a newcomer", "198.51.100.65")
        check(row.startswith("pending|") and "first-time commenter" in row,
              "a first-time commenter is held", row)
        psql(folder, "UPDATE comments SET status = 'approved' WHERE body = "
                     "'A first word from a newcomer'")
        row = first_time("A second word from the newcomer", "198.51.100.66")
        check(row.startswith("approved|") and "approved before" in row,
              "once approved, their next comment is approved", row)

        # A page the cache holds and readers read: the writer sees its comment.
        for _ in range(3):
            check(node.get(READ).status == 200, "the read article answers")
        text = "Cached-page comment %d" % os.getpid()
        r = post(node, READ, token(folder, READ.split("/")[-2]), text, "198.51.100.64")
        check(r.status == 303, "a comment on a cached page is stored", r.status)
        got = node.get(READ)
        check(got.status == 200 and text.encode() in got.body,
              "its writer, following the 303 at once, sees it (a cached page)")
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
