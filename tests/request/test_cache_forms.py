"""The page cache's compressed forms are made lazily (issue 17, the crawler
storm): a miss stores the plain page and only the form its own reader
accepts; another form is made once, by the first hit that asks for it.  A
crawler asking for every page once, accepting no coding, so never pays for
gzip or brotli.  Counted by /metrics (byline_cache_compressed_total).

  1. pages asked for once without Accept-Encoding: no form made; each stored
  2. a hit accepting gzip makes the gzip form once (then served from
     memory), a hit accepting br the brotli form once; each decodes to the
     plain page, with its own ETag and a 304 for it
  3. a miss accepting "gzip, br" makes gzip only (a third of brotli's
     cost); brotli waits for a hit that accepts it
  4. a change drops the forms with the page: the next gzip reader gets the
     new text
  5. many readers at once asking for a form not made yet each get a correct
     answer (the form or the plain page), and it is made once
"""
import gzip
import os
import re
import sys
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402

try:
    import brotli  # Debian: python3-brotli
except ImportError:
    brotli = None


def metric(s, name, labels=""):
    t = s.get("/metrics").text
    m = re.search(r"^%s%s (\d+)$" % (re.escape(name), re.escape(labels)), t, re.M)
    return int(m.group(1)) if m else -1  # -1: not reported


def made(s):
    return (metric(s, "byline_cache_compressed_total", '{encoding="gzip"}'),
            metric(s, "byline_cache_compressed_total", '{encoding="br"}'))


def article_urls(s):
    tz = s.sql("SELECT value FROM settings WHERE key='timezone'")
    zone = ZoneInfo(tz[0][0] if tz and tz[0][0] else "UTC")
    return [datetime.fromtimestamp(pub, zone).strftime("/%Y/%m/%d/") + slug + "/"
            for slug, pub in s.sql("SELECT slug, published_at FROM articles "
                                   "WHERE status='published' ORDER BY id")]


s = Server(demo=True)
try:
    urls = article_urls(s)
    check(len(urls) >= 6, "premise: the demo has articles", len(urls))
    # 1.
    check(made(s) == (0, 0), "no form made before any page", made(s))
    hits0 = metric(s, "byline_cache_hits_total")
    plain = {}
    for u in urls[:4]:
        r = s.get(u)
        check(r.status == 200 and r.header("Content-Encoding") is None,
              "%s answered plain to a reader accepting no coding" % u, r.status)
        plain[u] = r.body
    check(made(s) == (0, 0), "four pages asked for once, no Accept-Encoding: no form made",
          made(s))
    check(metric(s, "byline_cache_entries") >= 4, "each page stored all the same",
          metric(s, "byline_cache_entries"))

    # 2.
    u = urls[0]
    g = s.get(u, headers={"Accept-Encoding": "gzip"})
    check(g.status == 200 and g.header("Content-Encoding") == "gzip",
          "a hit accepting gzip gets gzip", (g.status, g.header("Content-Encoding")))
    check(gzip.decompress(g.body) == plain[u], "the gzip form is the page")
    check(g.header("ETag") and g.header("ETag").endswith('-gz"'), "the gzip form's ETag",
          g.header("ETag"))
    check("Accept-Encoding" in (g.header("Vary") or ""), "Vary: Accept-Encoding", g.header("Vary"))
    check(made(s) == (1, 0), "the gzip form made once, by that hit", made(s))
    g2 = s.get(u, headers={"Accept-Encoding": "gzip"})
    check(g2.body == g.body and made(s) == (1, 0), "the next gzip reader: no new work", made(s))
    nm = s.get(u, headers={"Accept-Encoding": "gzip", "If-None-Match": g.header("ETag")})
    check(nm.status == 304, "the gzip form's ETag gets 304", nm.status)
    b = s.get(u, headers={"Accept-Encoding": "gzip, br"})
    check(b.header("Content-Encoding") == "br", "a hit accepting br gets br",
          b.header("Content-Encoding"))
    if brotli:
        check(brotli.decompress(b.body) == plain[u], "the brotli form is the page")
    check(b.header("ETag").endswith('-br"'), "the brotli form's ETag", b.header("ETag"))
    check(made(s) == (1, 1), "the brotli form made once", made(s))
    s.get(u, headers={"Accept-Encoding": "br"})
    s.get(u, headers={"Accept-Encoding": "gzip"})
    r = s.get(u)
    check(r.body == plain[u] and r.header("Content-Encoding") is None,
          "a reader accepting no coding still gets the plain page")
    check(made(s) == (1, 1), "no form made twice", made(s))
    check(metric(s, "byline_cache_hits_total") - hits0 >= 6, "all those were hits",
          metric(s, "byline_cache_hits_total") - hits0)

    # 3.
    u = urls[4]
    g = s.get(u, headers={"Accept-Encoding": "gzip, deflate, br"})
    check(g.status == 200 and g.header("Content-Encoding") == "gzip",
          "a miss accepting gzip and br is answered with gzip", g.header("Content-Encoding"))
    check(made(s) == (2, 1), "that miss made gzip only", made(s))
    plain[u] = s.get(u).body
    check(gzip.decompress(g.body) == plain[u], "and it is the page")
    b = s.get(u, headers={"Accept-Encoding": "gzip, deflate, br"})
    check(b.header("Content-Encoding") == "br" and made(s) == (2, 2),
          "the next reader accepting br: a hit, which makes brotli", made(s))
    if brotli:
        check(brotli.decompress(b.body) == plain[u], "and it is the page")
    m = urls[3]
    b = s.get(m + "?x=1", headers={"Accept-Encoding": "br"})
    check(b.header("Content-Encoding") == "br", "a hit accepting only br gets br",
          b.header("Content-Encoding"))

    # 4.
    u = urls[0]
    s.sql("UPDATE articles SET headline = headline || ' (updated)' WHERE id = "
          "(SELECT id FROM articles WHERE status='published' ORDER BY id LIMIT 1)")
    fresh = s.get(u)
    check(b"(updated)" in fresh.body, "the change is shown", fresh.status)
    g = s.get(u, headers={"Accept-Encoding": "gzip"})
    check(g.header("Content-Encoding") == "gzip" and gzip.decompress(g.body) == fresh.body,
          "the gzip form after a change is the new page, not the old form")
    check(made(s) == (3, 3), "made again for the new version", made(s))

    # 5.
    u = urls[5]
    p = s.get(u).body
    before = made(s)
    out, errs = [], []

    def reader():
        try:
            for _ in range(5):
                out.append(s.get(u, headers={"Accept-Encoding": "gzip"}))
        except Exception as e:  # noqa: BLE001
            errs.append(repr(e))
    ts = [threading.Thread(target=reader) for _ in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not errs, "concurrent readers all answered", errs[:3])
    ok = all(r.status == 200 and (gzip.decompress(r.body) if r.header("Content-Encoding") == "gzip"
                                  else r.body) == p for r in out)
    check(len(out) == 80 and ok, "every concurrent answer is the page (gzip or plain)", len(out))
    check(made(s)[0] == before[0] + 1, "the gzip form made once for all of them",
          (before, made(s)))
finally:
    s.stop()

# With --no-cache nothing is stored, nothing compressed.
s = Server(demo=True, args=("--no-cache",))
try:
    r = s.get(article_urls(s)[0], headers={"Accept-Encoding": "gzip"})
    check(r.status == 200, "--no-cache answers", r.status)
    check(made(s) == (0, 0) and metric(s, "byline_cache_entries") == 0,
          "--no-cache: nothing stored, no form made", (made(s), metric(s, "byline_cache_entries")))
finally:
    s.stop()
done()
