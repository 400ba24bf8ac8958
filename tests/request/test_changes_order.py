"""The change log read in commit order's stead (issue 17): on PostgreSQL a
change's number is taken when its row is written, not when its transaction
commits, so a page cache can read number N+1 while the writer holding N
has not committed yet.  The cache's cursor (model/changes.c) keeps N as a
gap and looks for it again at each read; a page changed by a late commit is
rendered afresh, not served stale until its time runs out.

  1. two writers on two comment threads: A writes first and commits last;
     B's change is read while A is open; after A commits, A's page shows
     A's change (the old cursor stayed past it: the page stayed stale)
  2. the listing memo alike: an article published by a late commit shows
     on the home page
  3. a gap that never fills (a rolled-back write) is given up quietly: the
     cache keeps answering from memory

SQLite allows one writer at a time, so its numbers are in commit order:
this test is PostgreSQL's (one skip in the SQLite pass).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, engine_only  # noqa: E402
import test_cache as T  # noqa: E402

engine_only("postgresql", "SQLite's one writer at a time commits in the order numbers are taken")
import psycopg2  # noqa: E402  (the PostgreSQL pass has it: tools/install-deps.sh)

FIRST_APPROVED = ("(SELECT min(id) FROM comments WHERE article_id = %s AND status = 'approved')")


def open_write(s, sql, *args):
    """A transaction that has written and not committed: its connection."""
    con = psycopg2.connect(s.db)
    con.cursor().execute(sql, args)
    return con


def commit(con):
    con.commit()
    con.cursor().execute("NOTIFY byline_data")
    con.commit()
    con.close()


def shows_soon(s, url, text, seconds=3.0):
    end = time.time() + seconds
    while time.time() < end:
        if text in s.get(url).text:
            return True
        time.sleep(0.05)
    return False


def late_comment(s):
    ua, ub = T.art_url(s, 6), T.art_url(s, 7)
    s.get(ua), s.get(ub)
    a = open_write(s, "UPDATE comments SET body_html = '<p>ORDER-A</p>' WHERE id = "
                   + FIRST_APPROVED, 6)
    s.sql("UPDATE comments SET body_html = '<p>ORDER-B</p>' WHERE id = "
          "(SELECT min(id) FROM comments WHERE article_id = ? AND status = 'approved')", 7)
    check(shows_soon(s, ub, "ORDER-B"), "B's change, committed first, is seen")
    check("ORDER-A" not in s.get(ua).text, "A's change is not seen while A is open")
    commit(a)
    check(shows_soon(s, ua, "ORDER-A"), "A's change, committed after B's was read, is seen: "
          "its page is rendered afresh")
    check("ORDER-A" in s.get(ua).text and "ORDER-A" in s.get(ua, headers=T.FRESH).text,
          "and stays so, as a fresh render says")


def late_publish(s):
    s.get("/")
    aid = s.sql("SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")[0][0]
    a = open_write(s, "UPDATE articles SET headline = 'Late-Committed Headline' WHERE id = %s",
                   aid)
    s.sql("UPDATE comments SET body_html = '<p>ORDER-C</p>' WHERE id = "
          "(SELECT min(id) FROM comments WHERE article_id = ? AND status = 'approved')", 7)
    s.get("/"), s.get(T.art_url(s, 7))
    commit(a)
    check(shows_soon(s, "/", "Late-Committed Headline"),
          "a headline changed by a late commit shows on the home page (listings)")


def rolled_back(s):
    s.get("/")
    con = psycopg2.connect(s.db)
    con.cursor().execute("UPDATE comments SET body_html = '<p>NEVER</p>' WHERE id = "
                         + FIRST_APPROVED, (6,))
    s.sql("UPDATE comments SET body_html = '<p>ORDER-D</p>' WHERE id = "
          "(SELECT min(id) FROM comments WHERE article_id = ? AND status = 'approved')", 7)
    con.rollback()
    con.close()
    check(shows_soon(s, T.art_url(s, 7), "ORDER-D"), "the write after the rolled-back one is seen")
    check("NEVER" not in s.get(T.art_url(s, 6)).text, "the rolled-back write is not")
    r1 = s.get("/")
    r2 = s.get("/")
    check(r1.status == 200 and r2.status == 200 and r1.body == r2.body,
          "the home page is still answered while the gap is waited for", (r1.status, r2.status))


def main():
    s = Server(demo=True, settings={"comment_flood_seconds": 0})
    try:
        late_comment(s)
        late_publish(s)
        rolled_back(s)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
