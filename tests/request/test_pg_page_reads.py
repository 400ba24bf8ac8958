"""How many statements a page sends to PostgreSQL, where each is a round
trip (issue 17's benchmark (1): cache-miss renders against SQLite).  The
demo site on a cluster of this test's own, its server's statements logged
(log_statement = all for the role), served with --no-cache; each page is
read twice and the second read's read snapshot (BEGIN ISOLATION LEVEL
REPEATABLE READ .. ROLLBACK, on one backend) is taken from the log:

  - an article page with related articles and a comment thread reads the
    change log once (the listing memo's head, model/listmemo.c: not once
    per use), scores its related candidates in one statement, reads the
    ties' headlines in one and the winners' cards in one
    (model/article.c), its shown comments in one (model/comment.c), its
    tags once (the related articles use them), its last change with its
    row (model/article.c's modified_at), and its featured photo
    once for the figure and the social image; the change log's new rows
    and its head come in one statement (model/changes.c);
  - the header's and footer's menus and the sections menu are remembered
    (model/listmemo.c), not read by every page (the home page read the
    sections twice), and the home page's section blocks are read in one
    statement (article_section_firsts), not one a section;
  - a read snapshot's BEGIN goes with its first statement (db_pg.c);
  - the whole snapshot stays under a bound (it was about 45 statements,
    then 21);
  - a search page reads its results' cards, passages, co-authors and
    photos in one statement each (model/search.c, web/page_search.c), not
    a few a hit, and counts its matches with a LIMIT (the server sent
    every match before);
  - an author page reads the author's row once (their links with it);
  - a feed reads its items' photos, co-authors and tags in one statement
    each (web/page_feed.c), not three an item;
  - reading every public page kind twice never makes the server prepare a
    statement again (DEALLOCATE): the batches of ids (photos, co-authors)
    bind 0, not NULL, in their unused places, so their parameter types do
    not change with the count.

Skipped when no PostgreSQL server binaries are found.
"""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import Node, cli, cluster_start, cluster_stop, psql  # noqa: E402

ARTICLE = "/2026/10/22/council-approves-city-budget/"
PAGES = ["/", ARTICLE, "/category/city/", "/tag/budget/", "/author/priya-halvorsen/",
         "/search/?q=budget", "/feed/", "/2026/10/14/storm-season-preparedness-guide/"]
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


def snapshots(stmts):
    """Each read snapshot's statements, BEGIN to ROLLBACK/COMMIT on its pid."""
    open_by = {}
    done_ = []
    for pid, text in stmts:
        if text.startswith("BEGIN ISOLATION LEVEL REPEATABLE READ"):
            open_by[pid] = []
        elif pid in open_by:
            if text in ("ROLLBACK", "COMMIT"):
                done_.append(open_by.pop(pid))
            else:
                open_by[pid].append(text)
    return done_


def count(snap, needle):
    return sum(1 for s in snap if needle in s)


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("page statements on PostgreSQL", "no psql client")
        return
    started = cluster_start("page statements on PostgreSQL")
    if not started:
        return
    folder, url = started
    work = tempfile.mkdtemp(prefix="byline-pgreads-")
    node = None
    try:
        rc, _, err = cli(work, "demo", "--db", url)
        if not check(rc == 0, "the demo site is made on PostgreSQL", err):
            return
        psql(folder, "ALTER ROLE byline SET log_statement = 'all'")
        log = os.path.join(folder, "server.log")
        node = Node(url, work, extra=("--no-cache",))

        # The article page, read once to prepare its statements, then three
        # times from the log.  A read can land on another of the pool's
        # connections, which prepares each statement again (a savepoint
        # around each, inside the snapshot): the bound is checked on the
        # smallest read, everything else on each.
        check(node.get(ARTICLE).status == 200, "the article page answers")
        reads = []
        for _ in range(3):
            time.sleep(0.3)
            start = os.path.getsize(log)
            check(node.get(ARTICLE).status == 200, "the article page, again")
            time.sleep(0.5)
            snaps = [s for s in snapshots(statements(log, start)) if count(s, "a.slug = $1")]
            if check(len(snaps) == 1, "the article page's read snapshot is in the log",
                     "%d found" % len(snaps)):
                reads.append(snaps[0])
        if not reads:
            return
        print("article page: %s statements in its read snapshot"
              % ", ".join(str(len(x)) for x in reads))
        for snap in reads:
            check(count(snap, "FROM comments WHERE article_id") == 1,
                  "the thread's skeleton is read once")
            check(count(snap, "SELECT c.id, COALESCE(c.article_id, 0)") == 1,
                  "its shown comments are read in one statement", "\n".join(snap))
            check(count(snap, "FROM changes") <= 1,
                  "the change log is read once in the snapshot, in one statement (its new"
                  " rows and its head together)", "%d" % count(snap, "FROM changes"))
            check(count(snap, "FROM articles /*+INDEXED BY articles_rank*/") == 1,
                  "the related candidates are scored in one statement")
            check(count(snap, "headline, dek FROM articles WHERE id") <= 1,
                  "the ties' headlines are read in one statement")
            check(count(snap, "WHERE a.id IN (SELECT value FROM byline_json_each($1))") == 1,
                  "the related cards are read in one statement")
            check(count(snap, "WHERE a.id = $1") == 0, "no card is read alone")
            check(count(snap, "FROM menu_items m") == 0,
                  "the header's and footer's menus are remembered, not read again")
            check(count(snap, "FROM sections s WHERE EXISTS") == 0,
                  "the sections menu is remembered, not read again")
            check(count(snap, "SELECT modified_at FROM articles") == 0,
                  "the article's last change is read with its row")
            check(count(snap, "FROM article_tags WHERE article_id") == 0,
                  "the article's tags are read once (the related articles use them)")
            check(count(snap, "FROM media WHERE id = $1") == 1
                  and count(snap, "FROM media_variants WHERE media_id = $1") == 1,
                  "the featured photo is read once (the figure and og:image)")
        if os.environ.get("SHOW_READS"):
            print("\n\n".join("\n".join(x) for x in reads))
        least = min(reads, key=len)
        check(len(least) <= 16, "the article page sends at most 16 statements (%d)" % len(least),
              "\n".join(least))
        # The snapshot's BEGIN goes with its first statement (one pipeline:
        # the extended protocol's "execute"), not alone (but for a read on
        # a connection that prepares its first statement first).
        with open(log, encoding="utf-8", errors="replace") as f:
            begins = [l for l in f.read().splitlines() if "BEGIN ISOLATION LEVEL" in l][-3:]
        check(any("execute" in l for l in begins),
              "a read snapshot's BEGIN is sent with its first statement", "\n".join(begins))

        # The home page: the sections (its blocks and the menu) and the
        # menus are remembered (model/listmemo.c), not read once for each.
        check(node.get("/").status == 200, "the home page answers")
        time.sleep(0.3)
        start = os.path.getsize(log)
        check(node.get("/").status == 200, "the home page, again")
        time.sleep(0.5)
        snaps = [s for s in snapshots(statements(log, start)) if count(s, "FROM front_picks")]
        if check(len(snaps) == 1, "the home page's read snapshot is in the log"):
            check(count(snaps[0], "FROM sections s WHERE EXISTS") == 0
                  and count(snaps[0], "FROM menu_items m") == 0,
                  "the home page reads neither the sections nor the menus again",
                  "\n".join(snaps[0]))
            check(count(snaps[0], "UNION ALL") == 1,
                  "the section blocks' stories are read in one statement", "\n".join(snaps[0]))
            # (a connection that prepares a statement first wraps that in a
            # savepoint: not the page's own statements)
            own = [x for x in snaps[0] if "byline_prep" not in x]
            check(len(own) <= 9, "the home page sends at most 9 statements (%d; was 18)"
                  % len(own), "\n".join(own))

        # A search page with results: its cards' co-authors and photos, their
        # rows and passages, each read once for the page, not once a hit.
        check(node.get("/search/?q=budget").status == 200, "a search answers")
        time.sleep(0.3)
        start = os.path.getsize(log)
        r = node.get("/search/?q=budget")
        check(r.status == 200 and r.body.count(b"<mark>") >= 2, "a search finds several")
        time.sleep(0.5)
        snaps = [s for s in snapshots(statements(log, start)) if count(s, "articles_fts")]
        if check(len(snaps) == 1, "the search's read snapshot is in the log"):
            snap = snaps[0]
            print("search page: %d statements in its read snapshot" % len(snap))
            check(count(snap, "FROM articles_fts WHERE tsv @@") == 1
                  and count(snap, "ORDER BY id DESC LIMIT") == 1,
                  "the count of matches asks for no more than it counts",
                  "\n".join(snap))
            # (a read on a pool connection that has not prepared them yet
            # wraps each preparation in a savepoint: not the page's own)
            own = [x for x in snap if "byline_prep" not in x]
            check(len(own) <= 8, "a search sends at most 8 statements (%d)" % len(own),
                  "\n".join(snap))
            for what, needle in (("co-authors", "FROM article_authors x JOIN users u"),
                                 ("photos", "FROM media WHERE id IN"),
                                 ("cards", "WHERE a.id IN (SELECT value FROM byline_json_each"),
                                 ("passages", "ts_headline")):
                check(count(snap, needle) == 1, "the results' %s are read in one statement"
                      % what, "%d" % count(snap, needle))

        # An author page: the author's row (their links with it) read once.
        psql(folder, "UPDATE users SET links = 'https://mastodon.example/@priya' "
                     "WHERE slug = 'priya-halvorsen'")
        author = "/author/priya-halvorsen/"
        check(node.get(author).status == 200, "the author page answers")
        time.sleep(0.3)
        start = os.path.getsize(log)
        r = node.get(author)
        check(r.status == 200 and b"https://mastodon.example/@priya" in r.body,
              "the author page shows their link")
        time.sleep(0.5)
        snaps = [s for s in snapshots(statements(log, start)) if count(s, "WHERE slug = $1")]
        if check(len(snaps) == 1, "the author page's read snapshot is in the log"):
            check(count(snaps[0], "FROM users WHERE") == 1, "the author's row is read once",
                  "\n".join(snaps[0]))

        # A feed's items: their photos, co-authors and tags read once for the
        # feed (web/page_feed.c), not once an item.  A feed is not read in a
        # snapshot: the statements between two requests are counted.
        check(node.get("/feed/").status == 200, "the feed answers")
        time.sleep(0.3)
        start = os.path.getsize(log)
        r = node.get("/feed/")
        check(r.status == 200 and r.body.count(b"<item>") >= 5, "the feed has its items")
        time.sleep(0.5)
        sent = [t for _, t in statements(log, start)]
        for what, one, many in (
                ("tags", "WHERE at.article_id = $1", "WHERE at.article_id IN"),
                ("co-authors", "WHERE x.article_id = $1", "x.position > 0 AND x.article_id IN"),
                ("photos", "FROM media WHERE id = $1", "FROM media WHERE id IN (SELECT")):
            check(count(sent, many) == 1 and count(sent, one) == 0,
                  "the feed's %s are read in one statement" % what,
                  "%d together, %d alone" % (count(sent, many), count(sent, one)))

        # Every public page kind twice: nothing is prepared again.
        start = os.path.getsize(log)
        for _ in range(2):
            for path in PAGES:
                check(node.get(path).status == 200, "%s answers" % path)
        time.sleep(0.5)
        again = [t for _, t in statements(log, start) if t.startswith("DEALLOCATE")]
        check(not again, "no statement is prepared again across the page kinds",
              "\n".join(again))
    finally:
        if node:
            node.stop()
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    done()
