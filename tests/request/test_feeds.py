"""Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) for the site, a section, a tag,
an author, the site's comments and one article's comments; the sitemaps and
the Google News sitemap; their HTTP caching (ETag, Last-Modified, 304).

RSS and Atom must be well-formed (xmllint) and read cleanly by feedparser
(bozo 0); every item's id, title, date and link are checked against the
database, and every link must answer 200.  No commenter's or staff email,
nor its MD5/SHA-1/SHA-256, may appear in any answer."""
import calendar
import datetime
import email.utils
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import feedparser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402
from typeset import typeset  # noqa: E402

FORMATS = {
    "": "application/rss+xml; charset=utf-8",
    "atom/": "application/atom+xml; charset=utf-8",
    "json/": "application/feed+json; charset=utf-8",
}
SITEMAP_TYPE = "application/xml; charset=utf-8"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
NOW_TITLE = "Harbor pilots board the first ship of the season"

answers = []      # (path, everything a reader saw) for the email audit
resolved = {}     # path -> status, so each link is fetched once


# Browsers keep a feed or sitemap 5 minutes; a CDN 60 s, serving it stale for
# 10 minutes while it refreshes (the cdn_* settings' defaults, web/cdn.h).
FEED_CC = "public, max-age=300, s-maxage=60, stale-while-revalidate=600"

def fetch(s, path, **kw):
    r = s.get(path, **kw)
    answers.append((path, r.text + "\n" + "\n".join("%s: %s" % h for h in r.headers)))
    return r


def well_formed(body):
    p = subprocess.run(["xmllint", "--noout", "-"], input=body, capture_output=True)
    return p.returncode == 0, p.stderr.decode("utf-8", "replace")


def epoch_3339(s):
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())


def resolves(s, url):
    """1 if an absolute URL of this site answers 200 (fragment dropped)."""
    if not url.startswith(s.base + "/"):
        return False
    path = urllib.parse.urlsplit(url).path
    if path not in resolved:
        resolved[path] = s.get(path).status
    return resolved[path] == 200


def article_path(s, published_at, slug):
    tz = ZoneInfo(s.sql("SELECT value FROM settings WHERE key = 'timezone'")[0][0])
    d = datetime.datetime.fromtimestamp(published_at, tz)
    return "/%04d/%02d/%02d/%s/" % (d.year, d.month, d.day, slug)


def published(s, where="1 = 1", *args, limit=20):
    """(id, slug, headline, published_at, last change, dek, body_html) of the
    published articles matching `where`, newest first; headline, dek and
    body typeset as feeds show them."""
    return [(r[0], r[1], typeset(r[2]), r[3], r[4], typeset(r[5]), typeset(r[6], True))
            for r in published_raw(s, where, *args, limit=limit)]


def published_raw(s, where="1 = 1", *args, limit=20):
    return s.sql("SELECT a.id, a.slug, a.headline, a.published_at,"
                 " CASE WHEN a.updated_at > a.published_at THEN a.updated_at"
                 " ELSE a.published_at END, a.dek, a.body_html FROM articles a"
                 " WHERE a.status = 'published' AND (%s)"
                 " ORDER BY a.published_at DESC, a.id DESC LIMIT %d" % (where, limit), *args)


def article_want(s, rows):
    return [("%s/?p=%d" % (s.base, r[0]), r[2], r[3]) for r in rows]


def comment_want(s, article_id=0):
    rows = s.sql("SELECT c.id, c.article_id, a.headline, c.author_name, c.created_at"
                 " FROM comments c JOIN articles a ON a.id = c.article_id"
                 " WHERE c.status = 'approved' AND a.status = 'published'"
                 " AND (?1 = 0 OR c.article_id = ?1)"
                 " ORDER BY c.created_at DESC, c.id DESC LIMIT 30", article_id)
    return [("%s/?p=%d#comment-%d" % (s.base, r[1], r[0]), "Comment on %s by %s" % (r[2], r[3]),
             r[4]) for r in rows]


def conditional(s, path, r, label, full=False):
    """304 for a repeated request with If-None-Match, and with
    If-Modified-Since; with full, also the cases that must not be 304."""
    et, lm = r.header("ETag"), r.header("Last-Modified")
    r2 = fetch(s, path, headers={"If-None-Match": et})
    check(r2.status == 304 and r2.body == b"", label + ": If-None-Match gives 304", r2.status)
    check(r2.header("ETag") == et, label + ": 304 keeps the ETag", r2.header("ETag"))
    r3 = fetch(s, path, headers={"If-Modified-Since": lm})
    check(r3.status == 304 and r3.body == b"", label + ": If-Modified-Since gives 304",
          (r3.status, lm))
    if not full:
        return
    older = email.utils.formatdate(email.utils.parsedate_to_datetime(lm).timestamp() - 86400,
                                   usegmt=True)
    r4 = fetch(s, path, headers={"If-Modified-Since": older})
    check(r4.status == 200 and r4.body == r.body, label + ": older If-Modified-Since: 200",
          r4.status)
    r5 = fetch(s, path, headers={"If-None-Match": '"0123"', "If-Modified-Since": lm})
    check(r5.status == 200, label + ": If-None-Match decides over If-Modified-Since", r5.status)
    r6 = fetch(s, path, headers={"If-None-Match": '"other", W/' + et})
    check(r6.status == 304, label + ": ETag found in a list (weak comparison)", r6.status)
    r7 = fetch(s, path, headers={"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"})
    check(r7.status == 200, label + ": 1994 If-Modified-Since: 200", r7.status)
    r8 = fetch(s, path, headers={"If-Modified-Since": "not a date"})
    check(r8.status == 200, label + ": unreadable If-Modified-Since ignored", r8.status)


def read_xml_feed(s, label, r, path, fmt):
    """(id, title, link, published epoch) of each entry, plus the parse."""
    ok, err = well_formed(r.body)
    check(ok, label + ": well-formed (xmllint)", err)
    d = feedparser.parse(r.body)
    check(d.bozo == 0, label + ": feedparser reads it cleanly (bozo 0)",
          d.get("bozo_exception"))
    check(d.version == ("rss20" if fmt == "" else "atom10"), label + ": feed version", d.version)
    check(bool(d.feed.get("title")), label + ": feed title")
    check(any(link.get("rel") == "self" and link.get("href") == s.base + path
              for link in d.feed.get("links", [])), label + ": rel=self link",
          d.feed.get("links"))
    items = []
    for e in d.entries:
        when = e.get("published_parsed")
        items.append((e.get("id"), e.get("title"), e.get("link"),
                      calendar.timegm(when) if when else None))
    if fmt == "atom/":
        check(any(link.get("rel") == "alternate" for link in d.feed.get("links", [])),
              label + ": rel=alternate link")
        check(bool(d.feed.get("id")) and d.feed.get("updated_parsed") is not None,
              label + ": feed id and updated")
    return items, d


def read_json_feed(s, label, r, path):
    try:
        doc = json.loads(r.text)
    except ValueError as e:
        check(False, label + ": JSON parses", e)
        return [], {}
    check(doc.get("version") == "https://jsonfeed.org/version/1.1", label + ": version 1.1",
          doc.get("version"))
    check(isinstance(doc.get("title"), str) and doc["title"] != "", label + ": title")
    check(doc.get("feed_url") == s.base + path, label + ": feed_url", doc.get("feed_url"))
    check(str(doc.get("home_page_url", "")).startswith(s.base + "/"), label + ": home_page_url")
    items = doc.get("items")
    if not check(isinstance(items, list), label + ": items is a list"):
        return [], doc
    out = []
    for it in items:
        check(isinstance(it.get("id"), str) and it["id"] != "" and
              (isinstance(it.get("content_html"), str) or isinstance(it.get("content_text"), str)),
              label + ": item has id and content_html or content_text", it.get("id"))
        check(isinstance(it.get("authors"), list) and it["authors"] and
              it["authors"][0].get("name"), label + ": item has an author", it.get("id"))
        out.append((it.get("id"), it.get("title"), it.get("url"),
                    epoch_3339(it["date_published"]) if it.get("date_published") else None))
    return out, doc


def check_feed(s, feed_path, name, want, full_conditional=False):
    """Fetches feed_path in the three formats; checks each against want, a
    list of (id, title, published_at), newest first.  Returns the parses by
    format."""
    parsed = {}
    for fmt, ctype in FORMATS.items():
        path = feed_path + fmt
        label = "%s (%s)" % (name, fmt.rstrip("/") or "rss")
        r = fetch(s, path)
        if not check(r.status == 200, label + ": 200", (path, r.status)):
            continue
        check(r.header("Content-Type") == ctype, label + ": Content-Type",
              r.header("Content-Type"))
        check(r.header("Cache-Control") == FEED_CC, label + ": Cache-Control",
              r.header("Cache-Control"))
        check(re.fullmatch(r'"[0-9a-f]{32}"', r.header("ETag") or "") is not None,
              label + ": strong ETag", r.header("ETag"))
        lm = r.header("Last-Modified") or ""
        check(re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", lm)
              is not None, label + ": Last-Modified is an HTTP-date", lm)
        if fmt == "json/":
            items, doc = read_json_feed(s, label, r, path)
        else:
            items, doc = read_xml_feed(s, label, r, path, fmt)
        parsed[fmt] = (r, doc)
        check(len(items) == len(want), label + ": %d entries" % len(want), len(items))
        check([i[0] for i in items] == [w[0] for w in want], label + ": ids",
              ([i[0] for i in items][:3], [w[0] for w in want][:3]))
        check([i[1] for i in items] == [w[1] for w in want], label + ": titles",
              ([i[1] for i in items][:3], [w[1] for w in want][:3]))
        check([i[3] for i in items] == [w[2] for w in want],
              label + ": dates are the published times",
              ([i[3] for i in items][:3], [w[2] for w in want][:3]))
        bad = [i[2] for i in items if not resolves(s, i[2] or "")]
        check(not bad, label + ": every link answers 200", bad[:3])
        conditional(s, path, r, label, full_conditional)
    return parsed


def importer(srv):
    folder = tempfile.mkdtemp(prefix="byline-feeds-")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_article(folder, "now.md", title=NOW_TITLE, author="Marguerite Dunne", date=now,
                  section="City", tags="Harbor", dek="Breaking: the season opens.",
                  body="The first ship came in at dawn.\n\nMore later.\n")
    rc, out, err = run_cli("import-markdown", "--db", srv.db, folder, check_rc=False)
    check(rc == 0 and "1 imported" in out, "article published now imported", out + err)


def feeds(s):
    base = s.base
    # The site.
    rows = published(s)
    parsed = check_feed(s, "/feed/", "site feed", article_want(s, rows), full_conditional=True)
    check(NOW_TITLE in [r[2] for r in rows], "the article published now is in the site feed")
    if "json/" in parsed:
        doc = parsed["json/"][1]
        by_id = {it["id"]: it for it in doc.get("items", [])}
        full = all(by_id.get("%s/?p=%d" % (base, r[0]), {}).get("content_html") == r[6]
                   for r in rows)
        check(full, "JSON Feed: content_html is the article's whole body")
        check(all(by_id.get("%s/?p=%d" % (base, r[0]), {}).get("summary", "") == r[5]
                  for r in rows), "JSON Feed: summary is the dek")
        first = by_id.get("%s/?p=%d" % (base, rows[0][0]), {})
        check(first.get("date_modified") and epoch_3339(first["date_modified"]) == rows[0][4],
              "JSON Feed: date_modified is the last change", first.get("date_modified"))
        check(first.get("authors", [{}])[0].get("url", "").startswith(base + "/author/"),
              "JSON Feed: author url", first.get("authors"))
    if "" in parsed:
        d = parsed[""][1]
        e = d.entries[0] if d.entries else {}
        check(e.get("author") == s.sql("SELECT u.display_name FROM users u JOIN articles a"
                                       " ON a.author_id = u.id WHERE a.id = ?", rows[0][0])[0][0],
              "RSS: dc:creator is the author's name", e.get("author"))
        terms = [t.get("term") for t in e.get("tags", [])]
        check("City" in terms and "Harbor" in terms, "RSS: categories are section and tags",
              terms)
        check(e.get("summary") == "<p>Breaking: the season opens.</p>",
              "RSS: description is the excerpt (the dek)", e.get("summary"))
        check("The first ship came in at dawn." in e.get("content", [{}])[0].get("value", ""),
              "RSS: content:encoded carries the full text")
        check(d.feed.get("language") == "en-US", "RSS: language (the site's, en-US by default)")
        check(d.feed.get("updated_parsed") is not None, "RSS: lastBuildDate")
    if "atom/" in parsed:
        d = parsed["atom/"][1]
        e = d.entries[0] if d.entries else {}
        check(e.get("summary") == "<p>Breaking: the season opens.</p>" and
              "The first ship came in at dawn." in e.get("content", [{}])[0].get("value", ""),
              "Atom: summary and full content", (e.get("summary"), e.get("content")))
        check(e.get("updated_parsed") is not None and e.get("author"), "Atom: updated, author")
    for path in ("/feed/", "/feed/atom/", "/feed/json/"):
        check(fetch(s, path).body == fetch(s, path).body, "%s: same bytes twice" % path)
    etags = {fetch(s, "/feed/" + f).header("ETag") for f in FORMATS}
    check(len(etags) == 3, "each format has its own ETag", etags)

    # A section with a sub-section: the feed covers both.
    city = s.sql("SELECT id FROM sections WHERE slug = 'city'")[0][0]
    s.sql("INSERT INTO sections(name, slug, parent_id) VALUES ('Waterfront', 'waterfront', ?)",
          city)
    sub = s.sql("SELECT id FROM sections WHERE slug = 'waterfront'")[0][0]
    moved = s.sql("SELECT id FROM articles WHERE section_id = ? AND headline <> ?"
                  " ORDER BY published_at LIMIT 1", city, NOW_TITLE)[0][0]
    s.sql("UPDATE articles SET section_id = ? WHERE id = ?", sub, moved)
    rows = published(s, "a.section_id IN (SELECT id FROM sections WHERE id = ?1 OR parent_id = ?1)",
                     city)
    check(moved in [r[0] for r in rows], "section rows include the sub-section's")
    check_feed(s, "/category/city/feed/", "section feed", article_want(s, rows))
    rows = published(s, "a.section_id = ?", sub)
    parsed = check_feed(s, "/category/waterfront/feed/", "sub-section feed",
                        article_want(s, rows))
    if "json/" in parsed:
        check(parsed["json/"][1].get("home_page_url") == base + "/category/city/waterfront/",
              "sub-section feed follows /category/PARENT/CHILD/",
              parsed["json/"][1].get("home_page_url"))

    # A tag with several articles.
    tag_id, tag_slug = s.sql("SELECT t.id, t.slug FROM tags t JOIN article_tags x"
                             " ON x.tag_id = t.id GROUP BY t.id ORDER BY count(*) DESC, t.id"
                             " LIMIT 1")[0]
    rows = published(s, "a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)", tag_id)
    check(len(rows) >= 2, "the tag has several articles", len(rows))
    check_feed(s, "/tag/%s/feed/" % tag_slug, "tag feed", article_want(s, rows))

    # An author.
    author_id, author_slug = s.sql("SELECT id, slug FROM users WHERE slug = 'marguerite-dunne'")[0]
    rows = published(s, "a.author_id = ?", author_id)
    parsed = check_feed(s, "/author/%s/feed/" % author_slug, "author feed", article_want(s, rows))
    if "atom/" in parsed:
        check(parsed["atom/"][1].feed.get("author") == "Marguerite Dunne",
              "author feed: by the author", parsed["atom/"][1].feed.get("author"))

    # Comments, site-wide.
    want = comment_want(s)
    check(len(want) >= 5, "the demo has approved comments", len(want))
    parsed = check_feed(s, "/comments/feed/", "site comment feed", want, full_conditional=True)
    pending = [r[0] for r in s.sql("SELECT id FROM comments WHERE status <> 'approved'")]
    check(pending, "the demo has held comments")
    for fmt, (r, _) in parsed.items():
        shown = [c for c in pending if re.search(r"comment-%d(?!\d)" % c, r.text)]
        check(not shown, "comment feed (%s): no held comment" % (fmt or "rss"), shown)
    with_url = s.sql("SELECT c.id, c.author_url FROM comments c WHERE c.status = 'approved'"
                     " AND c.author_url <> '' ORDER BY c.created_at DESC LIMIT 1")
    if with_url and "atom/" in parsed and "json/" in parsed:
        cid, url = with_url[0]
        ent = [e for e in parsed["atom/"][1].entries if e.id.endswith("#comment-%d" % cid)]
        check(ent and ent[0].get("author_detail", {}).get("href") == url,
              "Atom: the commenter's website", ent[0].get("author_detail") if ent else None)
        it = [i for i in parsed["json/"][1].get("items", []) if i["id"].endswith("-%d" % cid)]
        check(it and it[0]["authors"][0].get("url") == url, "JSON Feed: the commenter's website")
        body = s.sql("SELECT body_html FROM comments WHERE id = ?", cid)[0][0]
        check(it and it[0].get("content_html") == body, "JSON Feed: the comment's HTML")

    # One article's comments.
    aid, slug, pub = s.sql("SELECT a.id, a.slug, a.published_at FROM articles a JOIN comments c"
                           " ON c.article_id = a.id WHERE c.status = 'approved' GROUP BY a.id"
                           " ORDER BY count(*) DESC, a.id LIMIT 1")[0]
    path = article_path(s, pub, slug)
    want = comment_want(s, aid)
    check(len(want) >= 2, "the article has several approved comments", len(want))
    parsed = check_feed(s, path + "feed/", "article comment feed", want)
    if "json/" in parsed:
        check(parsed["json/"][1].get("home_page_url") == base + path,
              "article comment feed follows the article")

    # Not found, and moved.
    for p in ("/category/nowhere/feed/", "/tag/nowhere/feed/atom/", "/author/nobody/feed/json/",
              "/2026/01/01/no-such-story/feed/"):
        check(fetch(s, p).status == 404, "%s: 404" % p)
    wrong = "/1999/01/01/%s/feed/atom/" % slug
    r = fetch(s, wrong)
    check(r.status == 301 and (r.header("Location") or "").endswith(path + "feed/atom/"),
          "article comment feed at a wrong date: 301 to its place", (r.status, r.header("Location")))
    return aid


def stable_ids(s):
    """An edit and a slug change leave every feed's id for the article as
    it was; the ETag and Last-Modified move."""
    aid, slug, pub = s.sql("SELECT id, slug, published_at FROM articles WHERE status = 'published'"
                           " AND headline <> ? ORDER BY published_at DESC LIMIT 1", NOW_TITLE)[0]
    gid = "%s/?p=%d" % (s.base, aid)

    def entries():
        out = {}
        for fmt in FORMATS:
            r = fetch(s, "/feed/" + fmt)
            if fmt == "json/":
                items = [(i["id"], i["title"], i["url"]) for i in json.loads(r.text)["items"]]
            else:
                items = [(e.id, e.title, e.link) for e in feedparser.parse(r.body).entries]
            out[fmt] = (r, {i[0]: i for i in items})
        return out

    before = entries()
    for fmt, (r, items) in before.items():
        check(gid in items, "feed (%s) has the article's id before the edit" % (fmt or "rss"))
    new_title = 'Corrected: "Budget" & the ferry'
    s.sql("UPDATE articles SET headline = ?, body_html = body_html || '<p>Correction.</p>',"
          " updated_at = ? WHERE id = ?", new_title, int(time.time()) + 60, aid)
    after = entries()
    for fmt, (r, items) in after.items():
        name = fmt or "rss"
        check(gid in items and items[gid][1] == typeset(new_title),
              "feed (%s): same id after an edit, new title" % name, items.get(gid))
        old = before[fmt][0]
        check(r.header("ETag") != old.header("ETag"), "feed (%s): new ETag after an edit" % name)
        check(email.utils.parsedate_to_datetime(r.header("Last-Modified")) >
              email.utils.parsedate_to_datetime(old.header("Last-Modified")),
              "feed (%s): Last-Modified moves with the edit" % name)
        r2 = fetch(s, "/feed/" + fmt, headers={"If-None-Match": old.header("ETag")})
        check(r2.status == 200, "feed (%s): the old ETag gets the new feed" % name, r2.status)
        r3 = fetch(s, "/feed/" + fmt, headers={"If-Modified-Since": old.header("Last-Modified")})
        check(r3.status == 200, "feed (%s): an older If-Modified-Since gets it too" % name,
              r3.status)
    # Without a dek, the excerpt is the body's first paragraph.
    s.sql("UPDATE articles SET dek = '' WHERE id = ?", aid)
    body = s.sql("SELECT body_html FROM articles WHERE id = ?", aid)[0][0]
    first = typeset(body[:body.index("</p>") + 4], True)
    d = feedparser.parse(fetch(s, "/feed/").body)
    e = [e for e in d.entries if e.id == gid]
    check(e and html.unescape(e[0].get("summary")) == html.unescape(first), "RSS: no dek, the first paragraph as excerpt",
          (e[0].get("summary") if e else None, first))
    s.sql("UPDATE articles SET slug = 'renamed-after-publication' WHERE id = ?", aid)
    renamed = entries()
    for fmt, (r, items) in renamed.items():
        name = fmt or "rss"
        check(gid in items, "feed (%s): same id after a slug change" % name)
        link = items.get(gid, (None, None, ""))[2]
        check(link.endswith("/renamed-after-publication/") and resolves(s, link),
              "feed (%s): the link follows the new slug" % name, link)
    r = fetch(s, "/?p=%d" % aid)
    check(r.status == 301 and (r.header("Location") or "").endswith("/renamed-after-publication/"),
          "the id /?p=ID leads to the article (301)", (r.status, r.header("Location")))
    # Its comment feed moved with it; the old slug, when recorded, redirects.
    s.sql("INSERT OR IGNORE INTO old_slugs(slug, article_id) VALUES (?, ?)", slug, aid)
    r = fetch(s, article_path(s, pub, slug) + "feed/json/")
    check(r.status == 301 and (r.header("Location") or "").endswith(
        article_path(s, pub, "renamed-after-publication") + "feed/json/"),
        "article comment feed under an old slug: 301", (r.status, r.header("Location")))


def urlset(s, path, label):
    """[(loc, lastmod)] of a sitemap, after the common checks."""
    r = fetch(s, path)
    if not check(r.status == 200, label + ": 200", r.status):
        return [], r
    check(r.header("Content-Type") == SITEMAP_TYPE, label + ": Content-Type",
          r.header("Content-Type"))
    check(r.header("Cache-Control") == FEED_CC, label + ": Cache-Control")
    ok, err = well_formed(r.body)
    check(ok, label + ": well-formed (xmllint)", err)
    try:
        root = ET.fromstring(r.body)
    except ET.ParseError as e:
        check(False, label + ": parses", e)
        return [], r
    out = []
    for node in root:
        loc = node.findtext(SM + "loc")
        out.append((loc, node.findtext(SM + "lastmod"), node))
    return out, r


def sitemaps(s):
    base = s.base
    entries, r = urlset(s, "/sitemap.xml", "sitemap index")
    check(r.body.find(b"<sitemapindex") >= 0, "sitemap index is a sitemapindex")
    locs = {e[0]: e[1] for e in entries}
    for name in ("/sitemap-articles-1.xml", "/sitemap-sections.xml", "/sitemap-tags.xml",
                 "/sitemap-authors.xml"):
        check(base + name in locs, "index lists %s" % name, sorted(locs))
        check(W3C_DATETIME.match(locs.get(base + name) or "") is not None,
              "index: %s has a W3C lastmod" % name, locs.get(base + name))
    check(base + "/sitemap-articles-2.xml" not in locs, "index: one article file for a small site")
    conditional(s, "/sitemap.xml", r, "sitemap index", full=True)

    # Articles: every published one, with its last change.
    got, r = urlset(s, "/sitemap-articles-1.xml", "article sitemap")
    want = {base + article_path(s, row[3], row[1]): row[4]
            for row in published(s, limit=100000)}
    check({g[0] for g in got} == set(want), "article sitemap: every published article",
          sorted(set(want) ^ {g[0] for g in got})[:4])
    bad = [g for g in got if not g[1] or not W3C_DATETIME.match(g[1]) or
           epoch_3339(g[1]) != want.get(g[0])]
    check(not bad, "article sitemap: lastmod is the last change, W3C datetime", bad[:3])
    bad = [g[0] for g in got if not resolves(s, g[0])]
    check(not bad, "article sitemap: every URL answers 200", bad[:3])
    conditional(s, "/sitemap-articles-1.xml", r, "article sitemap")
    for p in ("/sitemap-articles-2.xml", "/sitemap-articles-0.xml", "/sitemap-articles-x.xml"):
        check(fetch(s, p).status == 404, "%s: 404" % p)

    # Sections: those with published articles; a sub-section under its parent.
    got, r = urlset(s, "/sitemap-sections.xml", "section sitemap")
    urls = {g[0] for g in got}
    check(base + "/category/city/" in urls and base + "/category/city/waterfront/" in urls,
          "section sitemap: sections and /category/PARENT/CHILD/", sorted(urls))
    s.sql("INSERT INTO sections(name, slug) VALUES ('Empty Desk', 'empty-desk')")
    got, r = urlset(s, "/sitemap-sections.xml", "section sitemap")
    check(base + "/category/empty-desk/" not in {g[0] for g in got},
          "section sitemap: no empty section")
    check(all(g[1] and W3C_DATETIME.match(g[1]) for g in got), "section sitemap: lastmod")
    bad = [g[0] for g in got if not resolves(s, g[0])]
    check(not bad, "section sitemap: every URL answers 200", bad[:3])

    # Tags with published articles.
    got, r = urlset(s, "/sitemap-tags.xml", "tag sitemap")
    want = {base + "/tag/%s/" % t for (t,) in s.sql(
        "SELECT DISTINCT t.slug FROM tags t JOIN article_tags x ON x.tag_id = t.id"
        " JOIN articles a ON a.id = x.article_id WHERE a.status = 'published'")}
    check({g[0] for g in got} == want, "tag sitemap: every tag in use",
          sorted(want ^ {g[0] for g in got})[:4])
    check(all(g[1] and W3C_DATETIME.match(g[1]) for g in got), "tag sitemap: lastmod")
    bad = [g[0] for g in got if not resolves(s, g[0])]
    check(not bad, "tag sitemap: every URL answers 200", bad[:3])

    # Authors with published articles (not one who has none).
    s.sql("INSERT INTO users(display_name, slug, email, created_at)"
          " VALUES ('Idle Writer', 'idle-writer', 'idle@example.org', 0)")
    got, r = urlset(s, "/sitemap-authors.xml", "author sitemap")
    want = {base + "/author/%s/" % a for (a,) in s.sql(
        "SELECT DISTINCT u.slug FROM users u JOIN articles a ON a.author_id = u.id"
        " WHERE a.status = 'published'")}
    check({g[0] for g in got} == want and base + "/author/idle-writer/" not in want,
          "author sitemap: authors with published articles", sorted({g[0] for g in got}))
    check(all(g[1] and W3C_DATETIME.match(g[1]) for g in got), "author sitemap: lastmod")
    bad = [g[0] for g in got if not resolves(s, g[0])]
    check(not bad, "author sitemap: every URL answers 200", bad[:3])
    conditional(s, "/sitemap-authors.xml", r, "author sitemap")


def news(s):
    now = int(time.time())
    old_id, old_slug = s.sql("SELECT id, slug FROM articles WHERE headline <> ?"
                             " ORDER BY published_at LIMIT 1", NOW_TITLE)[0]
    recent_id, recent_slug, recent_title = s.sql(
        "SELECT id, slug, headline FROM articles WHERE headline <> ? AND id <> ?"
        " ORDER BY published_at LIMIT 1", NOW_TITLE, old_id)[0]
    s.sql("UPDATE articles SET published_at = ? WHERE id = ?", now - 3 * 86400, old_id)
    s.sql("UPDATE articles SET published_at = ? WHERE id = ?", now - 47 * 3600, recent_id)
    got, r = urlset(s, "/sitemap-news.xml", "news sitemap")
    check(b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in r.body,
          "news sitemap: the Google News namespace")
    want = {row[0]: row for row in s.sql(
        "SELECT id, slug, headline, published_at FROM articles WHERE status = 'published'"
        " AND published_at >= ?", now - 48 * 3600)}
    check(len(want) == 2, "two articles in the last 48 hours", list(want))
    by_loc = {g[0]: g[2] for g in got}
    check(len(got) == len(want), "news sitemap: only the last 48 hours", sorted(by_loc))
    site = s.sql("SELECT value FROM settings WHERE key = 'site_title'")[0][0]
    for aid, slug, headline, pub in want.values():
        node = by_loc.get(s.base + article_path(s, pub, slug))
        if not check(node is not None, "news sitemap lists %s" % slug, sorted(by_loc)):
            continue
        n = node.find(NEWS + "news")
        check(n is not None and n.findtext(NEWS + "publication/" + NEWS + "name") == site and
              n.findtext(NEWS + "publication/" + NEWS + "language") == "en",
              "news sitemap: publication name and language", slug)
        title = n.findtext(NEWS + "title") if n is not None else None
        check(title == headline, "news sitemap: title", (title, headline))
        when = n.findtext(NEWS + "publication_date") if n is not None else ""
        check(W3C_DATETIME.match(when or "") is not None and epoch_3339(when) == pub,
              "news sitemap: publication date", (when, pub))
    check(NOW_TITLE in [w[2] for w in want.values()], "news sitemap: the article published now")
    check(recent_title in [w[2] for w in want.values()], "news sitemap: one 47 hours old")
    check(not any("/%s/" % old_slug in loc for loc in by_loc),
          "news sitemap: not the one 3 days old")
    bad = [loc for loc in by_loc if not resolves(s, loc)]
    check(not bad, "news sitemap: every URL answers 200", bad)
    conditional(s, "/sitemap-news.xml", r, "news sitemap")


def no_emails(s):
    emails = [e for (e,) in s.sql("SELECT author_email FROM comments") if e]
    emails += [e for (e,) in s.sql("SELECT email FROM users") if e]
    check(len(emails) > 5, "the database has emails to look for", len(emails))
    needles = set()
    for e in emails:
        for form in (e, e.strip().lower()):
            needles |= {form, hashlib.md5(form.encode()).hexdigest(),
                        hashlib.sha1(form.encode()).hexdigest(),
                        hashlib.sha256(form.encode()).hexdigest()}
    leaks = [(path, n) for path, blob in answers for n in needles if n in blob]
    check(not leaks, "no email nor its hash in any feed or sitemap (%d answers)" % len(answers),
          leaks[:4])


s = Server(demo=True, before=importer)
try:
    feeds(s)
    stable_ids(s)
    sitemaps(s)
    news(s)
    no_emails(s)
    r = s.request("HEAD", "/feed/atom/")
    check(r.status == 200 and r.body == b"" and r.header("ETag"), "HEAD on a feed")
finally:
    s.stop()

# Excerpts instead of whole articles, by setting.
s = Server(demo=True, settings={"feed_full_text": 0})
try:
    rss = s.get("/feed/").text
    atom = s.get("/feed/atom/").text
    js = json.loads(s.get("/feed/json/").text)
    check("<content:encoded>" not in rss and "<description>" in rss, "excerpt RSS: no full text")
    check("<content" not in atom and "<summary" in atom, "excerpt Atom: summary only")
    check(all(it.get("summary") and len(it.get("content_html", "")) < 1200 for it in js["items"]),
          "excerpt JSON Feed: the excerpt, not the article",
          [len(it.get("content_html", "")) for it in js["items"]])
finally:
    s.stop()
done()
