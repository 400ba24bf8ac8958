"""The page cache's tier on disk and its preload (issue 17's crawler storm),
seen from outside.

A memory cache of 1 MB (cache_max_mb) holds about sixty of the demo's
pages; the tier on disk (cache_disk_mb) holds them all.  Which tier
answered is read from /metrics (byline_cache_tier_hits_total), and that a
page came from a cache at all is proved as test_cache.py does: a write that
leaves no row in the change log (hidden_write) shows in a fresh render but
not in a kept page.

  1. a page the memory tier evicted is answered from disk (plain, gzip, 304)
  2. an edit, an approved comment and an unpublished article each drop the
     copy on disk: the next reader gets the new page
  3. a restart never serves what the previous process kept (its files are
     gone; a write made while it was down shows at once)
  4. the preload renders every sitemap page into the cache by itself
"""
import gzip
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, check, done, run_cli  # noqa: E402
from test_cache import art_url, hidden_write, post_comment  # noqa: E402

SMALL = {"cache_max_mb": 1, "cache_disk_mb": 64, "comment_flood_seconds": 0}
FRESH = {"Cookie": "byline_commenter=n%3DFresh%2BEyes"}  # personal: never cached
_churned = [0]


def metric(s, name, label=None):
    text = s.get("/metrics").text
    pat = re.escape(name) + (r'\{[^}]*"%s"\}' % re.escape(label) if label else "") + r" (\d+)"
    m = re.search(r"^" + pat + r"$", text, re.M)
    return int(m.group(1)) if m else None


def disk_hits(s):
    return metric(s, "byline_cache_tier_hits_total", "disk") or 0


def churn(s, but):
    """~2 MB of other pages through the 1 MB memory tier: every page read
    before is evicted from memory (least recently used first)."""
    ids = [a for (a,) in s.sql("SELECT id FROM articles WHERE status='published' ORDER BY id")
           if a != but]
    for i in range(130):
        _churned[0] += 1
        r = s.get(art_url(s, ids[i % len(ids)]) + "?replytocom=%d" % (900000 + _churned[0]))
        if r.status != 200:
            check(False, "churn page answers", r.status)
            return


def from_disk(s, url, name, **kw):
    """GETs url after a churn; checks (and returns) that the disk tier
    answered it."""
    before = disk_hits(s)
    r = s.get(url, **kw)
    check(r.status == 200 and disk_hits(s) == before + 1,
          "%s: answered from disk after the memory tier evicted it" % name,
          (r.status, before, disk_hits(s)))
    return r


def served_after_eviction(s):
    aid = 2
    url = art_url(s, aid)
    first = s.get(url, headers={"Accept-Encoding": "gzip"})
    plain = s.get(url, headers=FRESH)
    check(first.status == 200 and first.header("Content-Encoding") == "gzip",
          "article stored (gzip asked)", first.status)
    churn(s, aid)
    # A write the server never hears of: a kept page does not show it.
    hidden_write(s, "UPDATE articles SET headline = headline || ' DISKMARK' WHERE id = 2",
                 name="disk: hidden mark")
    check("DISKMARK" in s.get(url, headers=FRESH).text, "disk: a fresh render shows the "
          "hidden mark (test premise)")
    r = from_disk(s, url, "plain")
    check("DISKMARK" not in r.text, "disk: the kept page is served, not a render", r.text[:200])
    check(r.header("ETag") and r.header("Vary") == "Accept-Encoding" and
          r.header("Cache-Control", ) and r.header("Surrogate-Key"),
          "disk: a hit carries ETag, Vary, Cache-Control and Surrogate-Key",
          r.headers)
    rz = s.get(url, headers={"Accept-Encoding": "gzip"})
    check(rz.status == 200 and rz.header("Content-Encoding") == "gzip" and
          gzip.decompress(rz.body) == r.body and rz.header("ETag") != r.header("ETag"),
          "disk: the gzip form, the same page, its own ETag",
          (rz.status, rz.header("Content-Encoding")))
    check("DISKMARK" not in plain.text and plain.status == 200,
          "disk: the page before the mark (premise)")
    r304 = s.get(url, headers={"If-None-Match": r.header("ETag")})
    check(r304.status == 304 and not r304.body, "disk: If-None-Match answers 304", r304.status)
    rbr = s.get(url, headers={"Accept-Encoding": "br"})
    check(rbr.status == 200 and not rbr.header("Content-Encoding") and rbr.body == r.body,
          "disk: a reader accepting only br gets the plain page (no form is invented)",
          rbr.header("Content-Encoding"))
    hidden_write(s, "UPDATE articles SET headline = replace(headline, ' DISKMARK', '') "
                    "WHERE id = 2", name="disk: mark removed")


def invalidated(s):
    """Each change drops the copy on disk: after it the next reader gets the
    new page, never the kept one."""
    # An edit (a change-logged write from another process).
    aid = 3
    url = art_url(s, aid)
    s.get(url)
    churn(s, aid)
    from_disk(s, url, "edit (premise)")
    s.sql("UPDATE articles SET headline = headline || ' EDITMARK' WHERE id = ?", aid)
    r = s.get(url)
    check(r.status == 200 and "EDITMARK" in r.text, "edit: the next reader gets the new "
          "headline, not the copy on disk", r.text[:200])
    # A comment approved (from the command line).
    aid = 4
    url = art_url(s, aid)
    text = "A comment about the ferry timetable, for the disk tier."
    pr = post_comment(s, aid, url, text, "Dora Disk", "dora.disk@example.com")
    m = re.search(r"#comment-(\d+)$", pr.header("Location") or "")
    check(pr.status == 303 and m, "comment posted (held)", (pr.status, pr.text[:200]))
    s.get(url)
    churn(s, aid)
    before = from_disk(s, url, "comment (premise)")
    check(text not in before.text, "held comment not on the page")
    rc, out, err = run_cli("comments", "--db", s.db, "approve", m.group(1) if m else "0",
                           check_rc=False)
    check(rc == 0, "byline comments approve", out + err)
    check(text in s.get(url).text, "comment: approved from another process, on the page at "
          "once (the copy on disk dropped)")
    # An article unpublished.
    aid = 6
    url = art_url(s, aid)
    s.get(url)
    churn(s, aid)
    from_disk(s, url, "unpublish (premise)")
    s.sql("UPDATE articles SET status = 'draft' WHERE id = ?", aid)
    r = s.get(url)
    check(r.status == 404, "unpublish: the article is gone at once (not served from disk)",
          r.status)
    s.sql("UPDATE articles SET status = 'published' WHERE id = ?", aid)
    check(s.get(url).status == 200, "republished: back")


def start(s, args):
    s.proc = subprocess.Popen(
        [harness.BYLINE, "serve", "--db", s.db, "--listen", "127.0.0.1:0", "--trust-proxy",
         "--quiet"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=s.dir if harness.PG else None)
    line = s.proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        s.proc.kill()
        raise RuntimeError("server did not restart: %r %s" % (line, s.proc.stderr.read()))
    s.port = int(m.group(1))
    s.base = "http://127.0.0.1:%d" % s.port


def store_files(s):
    """Files in the page store's folders under the site's folder (None if
    there is no such folder)."""
    found = None
    for root, dirs, files in os.walk(s.dir):
        if os.path.basename(root) == "pagecache":
            found = (found or []) + files
    return found


def restart_never_stale(s):
    aid = 5
    url = art_url(s, aid)
    s.get(url)
    churn(s, aid)
    from_disk(s, url, "restart (premise)")
    if harness.ENGINE == "sqlite":
        check(store_files(s) == [], "the store's files are unlinked (nothing to find on disk)",
              store_files(s))
    s.proc.terminate()
    s.proc.wait(timeout=30)
    check(s.proc.returncode == 0, "server stopped cleanly", s.proc.stderr.read()[-2000:])
    s.proc.stdout.close()
    s.proc.stderr.close()
    # While it is down, a write the next process cannot learn from the
    # change log (its cursor starts at its start).
    hidden_write(s, "UPDATE articles SET headline = headline || ' DOWNMARK' WHERE id = 5",
                 name="restart: hidden mark while down")
    start(s, ("--no-preload",))
    check(metric(s, "byline_cache_disk_entries") == 0, "restart: the tier on disk starts empty",
          metric(s, "byline_cache_disk_entries"))
    r = s.get(url)
    check(r.status == 200 and "DOWNMARK" in r.text, "restart: the page shows the write made "
          "while the server was down (nothing kept from before)", r.text[:200])
    hidden_write(s, "UPDATE articles SET headline = replace(headline, ' DOWNMARK', '') "
                    "WHERE id = 5", name="restart: mark removed")


def preload_fills(s):
    """The preload walks the sitemap and renders every page into the cache
    by itself: a page no reader asked for is then served as kept (a hidden
    write does not show)."""
    deadline = time.time() + 240
    while time.time() < deadline and not metric(s, "byline_cache_preload_rounds_total"):
        time.sleep(0.5)
    check((metric(s, "byline_cache_preload_rounds_total") or 0) >= 1,
          "preload: one walk of the sitemap finished", s.get("/metrics").text[-1500:])
    locs = []
    idx = s.get("/sitemap.xml").text
    for sm in re.findall(r"<loc>([^<]+)</loc>", idx):
        path = re.sub(r"^https?://[^/]+", "", sm)
        locs += [re.sub(r"^https?://[^/]+", "", u).replace("&amp;", "&")
                 for u in re.findall(r"<loc>([^<]+)</loc>", s.get(path).text)]
    pages = sorted(set(locs))
    stored = metric(s, "byline_cache_disk_entries") or 0
    asked = metric(s, "byline_cache_preload_pages_total") or 0
    check(len(pages) > 20 and asked >= len(pages) and stored >= len(pages),
          "preload: every sitemap page asked for and stored on disk",
          (len(pages), asked, stored))
    hidden_write(s, "UPDATE articles SET headline = headline || ' WARMMARK'",
                 name="preload: hidden mark")
    arts = [p for p in pages if re.match(r"^/\d{4}/\d\d/\d\d/", p)]
    fresh_shows = sum("WARMMARK" in s.get(p, headers=FRESH).text for p in arts[:5])
    check(fresh_shows == min(5, len(arts)), "preload: fresh renders show the mark (premise)")
    kept = [p for p in arts if "WARMMARK" not in s.get(p).text]
    check(arts and len(kept) == len(arts), "preload: every article page is served as the "
          "preload kept it, though no reader asked for it before",
          "%d of %d" % (len(kept), len(arts)))
    hidden_write(s, "UPDATE articles SET headline = replace(headline, ' WARMMARK', '')",
                 name="preload: mark removed")


def main():
    s = Server(demo=True, settings=SMALL, args=("--no-preload",))
    try:
        check(metric(s, "byline_cache_disk_entries") == 0, "the tier on disk is on, empty")
        for part in (served_after_eviction, invalidated, restart_never_stale):
            try:
                part(s)
            except Exception as e:  # noqa: BLE001
                check(False, "%s ran to its end" % part.__name__, repr(e))
    finally:
        s.stop()
    s2 = Server(demo=True, settings=SMALL)
    try:
        preload_fills(s2)
    finally:
        s2.stop()
    done()


if __name__ == "__main__":
    main()
