"""Discovery: archives (section, sub-section, tag, author, dates) with
pagination and 404 past the end, search (ranking, snippets, hostile input,
the index following edits), related stories, metadata (canonical, Open
Graph, JSON-LD) and old links (/?p=ID, changed slugs, trailing slashes)."""
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402


def build_site(folder):
    stories = [
        # name, title, section, tags, date, body
        ("a1", "Harbour dredging begins at last", "City", "Harbour, Council", "2025-03-03 09:00",
         "The dredgers arrived on Monday. Work on the channel starts now."),
        ("a2", "Council votes on the harbour budget", "City", "Council, Budget", "2025-03-10 09:00",
         "Councillors argued for five hours about money."),
        ("a3", "Rowing club wins the regatta", "Sport", "Rowing", "2025-04-02 09:00",
         "The eight crossed the line first. Nobody mentioned pelicans."),
        ("a4", "Why the budget matters", "Opinion", "Budget", "2025-04-15 09:00",
         "A column about priorities and the word pelican appears here once: pelican."),
        ("a5", "Ferry timetable changes in May", "City", "Ferry", "2025-05-01 09:00",
         "New times for the morning crossing."),
        ("a6", "Pelicans return to the estuary", "Environment", "Birds", "2024-05-01 09:00",
         "Birdwatchers counted forty of them."),
    ]
    for name, title, section, tags, date, body in stories:
        write_article(folder, name + ".md", title=title, author="Ada Writer" if name < "a4" else "Ben Reporter",
                      date=date, section=section, tags=tags, dek="Dek of " + title,
                      body=body + "\n")


def main():
    folder = tempfile.mkdtemp(prefix="byline-disc-")
    build_site(folder)

    def importer(srv):
        run_cli("import-markdown", "--db", srv.db, folder)
        # A sub-section: Harbour news inside City.
        srv.sql("INSERT INTO sections(name, slug, parent_id) VALUES ('Harbour news', 'harbour-news',"
                " (SELECT id FROM sections WHERE slug='city'))")
        srv.sql("UPDATE articles SET section_id=(SELECT id FROM sections WHERE slug='harbour-news')"
                " WHERE slug='harbour-dredging-begins-at-last'")

    s = Server(before=importer, settings={"posts_per_page": 2})
    try:
        archives(s)
        search(s)
        related(s)
        metadata(s)
        old_links(s)
    finally:
        s.stop()
    s = Server(before=lambda srv: (importer(srv), many_matches(srv)), args=["--no-cache"])
    try:
        deep_pages_follow_writes(s)
        search_limits(s)
    finally:
        s.stop()
    # Without the page cache every answer is rendered: the listings' counts
    # (remembered between requests) must follow every kind of write.
    s = Server(before=importer, settings={"posts_per_page": 1}, args=["--no-cache"])
    try:
        counts_follow_writes(s)
    finally:
        s.stop()
    done()


def titles(html):
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def archives(s):
    r = s.get("/category/city/")
    check(r.status == 200 and "<h1 class=\"page-title\">City</h1>" in r.text, "section archive", r.status)
    check(titles(r.text) == ["Ferry timetable changes in May", "Council votes on the harbour budget"],
          "section archive lists newest first, 2 a page", titles(r.text))
    check('rel="next" href="/category/city/page/2/"' in r.text and "Page 1 of 2" in r.text,
          "section archive pagination")
    r = s.get("/category/city/page/2/")
    check(r.status == 200 and titles(r.text) == ["Harbour dredging begins at last"],
          "section page 2 includes the sub-section's article", titles(r.text))
    check('rel="prev" href="/category/city/"' in r.text, "section page 2 prev link")
    check(s.get("/category/city/page/3/").status == 404, "section page past the end 404")
    r = s.get("/category/city/harbour-news/")
    check(r.status == 200 and titles(r.text) == ["Harbour dredging begins at last"], "sub-section path")
    check(s.get("/category/sport/harbour-news/").status == 404, "sub-section under the wrong parent 404")
    check(s.get("/category/nope/").status == 404, "unknown section 404")
    r = s.get("/tag/budget/")
    check(r.status == 200 and "Tagged “Budget”" in r.text and
          titles(r.text) == ["Why the budget matters", "Council votes on the harbour budget"], "tag archive")
    check(s.get("/tag/budget/page/2/").status == 404, "tag page past the end 404")
    r = s.get("/author/ada-writer/")
    check(r.status == 200 and len(titles(r.text)) == 2 and "Page 1 of 2" in r.text, "author archive")
    r = s.get("/2025/")
    check(r.status == 200 and "Published in 2025" in r.text and "Page 1 of 3" in r.text, "year archive")
    r = s.get("/2025/03/")
    check(r.status == 200 and "March 2025" in r.text and
          titles(r.text) == ["Council votes on the harbour budget", "Harbour dredging begins at last"],
          "month archive", titles(r.text))
    r = s.get("/2025/03/10/")
    check(r.status == 200 and titles(r.text) == ["Council votes on the harbour budget"], "day archive")
    r = s.get("/2025/02/")
    check(r.status == 200 and "Nothing was published in this period." in r.text, "empty month: empty state")
    check(s.get("/2025/02/page/2/").status == 404, "empty archive page 2 is 404")
    check(s.get("/2025/02/30/").status == 404, "a day that does not exist is 404")
    check(s.get("/2025/13/").status == 404, "month 13 is 404")


def search(s):
    def q(text, page=""):
        return s.get("/search/%s?q=%s" % (page, urllib.parse.quote(text, safe="")))
    r = q("pelicans")
    check(r.status == 200, "search answers", r.status)
    hits = re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', r.text)
    check(hits and hits[0] == "Pelicans return to the estuary",
          "a headline match outranks a body match (even an older one)", hits)
    check("Rowing club wins the regatta" in hits, "body matches found too", hits)
    check("<mark>" in r.text, "snippets highlight the match")
    check("2 results" in r.text, "the count", r.text[-1500:])
    r = q("dredgers")
    check("<mark>dredgers</mark>" in r.text, "snippet shows the body passage", r.text[-800:])
    # Words match whole: no prefix (it made every query merge the lists of
    # every word a prefix begins), no stemming.
    check("Why the budget matters" in q("budget").text, "a whole word matches")
    check("Nothing found" in q("budg").text, "a word's beginning alone does not")
    hits = re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', q("pelican").text)
    check(hits == ["Why the budget matters"], "nor does the singular find the plural", hits)
    for hostile in ['"unbalanced', "NEAR(a b", "a AND OR NOT", "col:thing", "*", "^x", "(((", "-",
                    "harbour\" OR \"x", "x" * 10240, "\u00e9t\u00e9", "%FF%FE", "'; DROP TABLE articles;--",
                    "<script>alert(1)</script>", ""]:
        r = s.get("/search/?q=" + (hostile if hostile.startswith("%") else
                                   urllib.parse.quote(hostile, safe="")))
        check(r.status == 200, "hostile query answers 200: %r" % hostile[:30], r.status)
        check("<script>alert" not in r.text, "query echoed escaped: %r" % hostile[:30])
    check("Nothing found" in q("zzzqqq").text, "friendly nothing found")
    # Pagination of results.
    s.sql("UPDATE settings SET value='2' WHERE key='posts_per_page'")
    r = q("the")
    check(r.status == 200, "common word search")
    # Only published articles; the index follows edits and unpublishing.
    s.sql("UPDATE articles SET status='draft' WHERE slug='pelicans-return-to-the-estuary'")
    check("Pelicans return" not in q("pelicans").text and "1 result for" in q("pelicans").text,
          "unpublished articles are not found, nor counted")
    s.sql("UPDATE articles SET status='published' WHERE slug='pelicans-return-to-the-estuary'")


def related(s):
    page = s.get("/2025/03/10/council-votes-on-the-harbour-budget/").text
    rel = page[page.find("Related stories"):page.find('id="comments"')]
    names = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', rel)
    check("Council votes" not in " ".join(names), "related never lists the article itself", names)
    check(names and names[0] in ("Why the budget matters", "Harbour dredging begins at last"),
          "related ranks shared tags first", names)
    check(len(names) <= 3, "at most three related", names)
    again = s.get("/2025/03/10/council-votes-on-the-harbour-budget/").text
    check(again[again.find("Related stories"):again.find('id="comments"')] == rel, "related is stable")


def metadata(s):
    url = "/2025/03/10/council-votes-on-the-harbour-budget/"
    t = s.get(url).text
    check('<link rel="canonical" href="%s%s">' % (s.base, url) in t, "canonical URL")
    check('<meta name="description" content="Dek of Council votes on the harbour budget">' in t,
          "meta description from the dek")
    for prop in ("og:type\" content=\"article", "article:published_time", "article:modified_time",
                 "article:author", "article:section\" content=\"City", "article:tag\" content=\"Budget",
                 "og:image", "og:title", "twitter:card"):
        check(prop in t, "Open Graph / Twitter: %s" % prop)
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', t, re.S)
    check(m is not None, "JSON-LD present")
    data = json.loads(m.group(1)) if m else {}
    check(data.get("@type") == "NewsArticle", "JSON-LD NewsArticle")
    check(data.get("headline") == "Council votes on the harbour budget", "JSON-LD headline")
    check(isinstance(data.get("image"), list) and data["image"][0].startswith("http"), "JSON-LD image")
    check(data.get("datePublished", "").startswith("2025-03-10T09:00:00"), "JSON-LD datePublished",
          data.get("datePublished"))
    check("dateModified" in data, "JSON-LD dateModified")
    au = (data.get("author") or [{}])[0]
    check(au.get("@type") == "Person" and au.get("name") == "Ada Writer" and
          au.get("url", "").endswith("/author/ada-writer/"), "JSON-LD author Person with url", au)
    pub = data.get("publisher", {})
    check(pub.get("@type") == "Organization" and pub.get("logo", {}).get("url", "").endswith("/static/logo.png"),
          "JSON-LD publisher with logo", pub)
    check(data.get("mainEntityOfPage", {}).get("@id") == s.base + url, "JSON-LD mainEntityOfPage")
    check(s.get("/static/logo.png").status == 200, "publisher logo served")
    for path in ("/", "/category/city/", "/tag/budget/", "/author/ada-writer/", "/2025/", "/search/?q=x"):
        t = s.get(path).text
        check('rel="canonical"' in t and 'property="og:title"' in t and
              'type="application/rss+xml"' in t, "metadata and feed autodiscovery on %s" % path)
    t = s.get("/category/city/").text
    check('href="/category/city/feed/"' in t, "section feed autodiscovery")


def many_matches(srv, n=1010):
    """n published articles and 5 drafts with "zebra" in the body (rows and
    search index written directly: an import of a thousand files is slow);
    two have it in the headline too: one among the newest 500, one older."""
    author = srv.sql("SELECT id FROM users ORDER BY id LIMIT 1")[0][0]
    srv.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
            " created_at, updated_at, author_id)"
            " WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ?1 + 4)"
            " SELECT 'zebra-' || i,"
            " CASE i WHEN 3 THEN 'Zebra park closes' WHEN ?1 - 100 THEN 'Zebra crossing opens'"
            " ELSE 'Story ' || i END, 'A zebra was seen.', '<p>A zebra was seen.</p>',"
            " CASE WHEN i >= ?1 THEN 'draft' ELSE 'published' END, 1700000000 + i * 60,"
            " 1700000000, 1700000000, ?2 FROM k ORDER BY i", n, author)
    srv.sql("INSERT INTO articles_fts(rowid, headline, dek, body)"
            " SELECT id, headline, '', body_src FROM articles WHERE slug LIKE 'zebra-%'")
    check(srv.sql("SELECT count(*), sum(CASE WHEN status = 'draft' THEN 1 ELSE 0 END)"
                  " FROM articles WHERE slug LIKE 'zebra-%'") == [(n + 5, 5)],
          "premise: %d zebra articles, 5 of them drafts" % (n + 5))


def deep_pages_follow_writes(s):
    """Pages past the 1,000th article start from remembered positions; a
    newly published article moves every page by one, at once."""
    def page(n):
        r = s.get("/page/%d/" % n)
        return r.status, titles(r.text)
    p100 = page(100)[1]
    st101, p101 = page(101)
    st102, p102 = page(102)
    check(st101 == 200 and st102 == 200 and len(p101) == 10 and len(p102) == 6,
          "the deep home pages", (st101, st102, len(p101), len(p102)))
    check(page(102) == (st102, p102) and page(101) == (st101, p101), "the same when asked again")
    author = s.sql("SELECT id FROM users LIMIT 1")[0][0]
    s.sql("INSERT INTO articles(slug, headline, status, published_at, created_at, updated_at,"
          " author_id) VALUES ('brand-new', 'Brand new', 'published', 1800000000, 1, 1, ?)", author)
    st, moved = page(102)
    check(st == 200 and moved == p101[-1:] + p102, "a new article moves the deep pages at once",
          (moved, p101[-1:] + p102))
    check(page(101)[1] == p100[-1:] + p101[:-1], "and the page before it")
    s.sql("DELETE FROM articles WHERE slug='brand-new'")
    check(page(102) == (st102, p102), "and back when it goes")


def search_limits(s):
    """Counting stops past 1,000; the newest 500 matches are ranked and
    paged (10 a page); drafts are neither counted nor shown."""
    r = s.get("/search/?q=zebra")
    check("1,000+ results" in r.text and "Page 1 of 50" in r.text,
          "the count is capped, the pages reach the ranked window", r.text[-1200:])
    hits = re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', r.text)
    check(hits[:1] == ["Zebra crossing opens"],
          "a headline match in the window outranks newer body matches", hits[:3])
    check(hits[1:3] == ["Story 1009", "Story 1008"], "then the newest", hits[:3])
    check(s.get("/search/page/50/?q=zebra").status == 200, "the window's last page")
    check(s.get("/search/page/51/?q=zebra").status == 404, "past the window: 404")
    check(all("Zebra park" not in s.get("/search/page/%d/?q=zebra" % p).text for p in (1, 50)),
          "a match older than the window is not ranked")
    s.sql("UPDATE articles SET status='draft' WHERE slug LIKE 'zebra-%' AND slug NOT IN"
          " (SELECT slug FROM articles WHERE slug LIKE 'zebra-%' ORDER BY id DESC LIMIT 12)")
    r = s.get("/search/?q=zebra")
    check("7 results" in r.text and "Page 1 of" not in r.text,
          "drafts are not counted", r.text[-1200:])


def counts_follow_writes(s):
    """"Page 1 of N" (one article a page) after publishing, unpublishing,
    moving, retagging and the scheduler's own publishing, all from other
    processes or threads than the one answering; a comment changes none."""
    paths = ["/", "/category/sport/", "/category/city/", "/tag/budget/",
             "/author/ben-reporter/", "/2025/"]

    def counts():
        out = []
        for p in paths:
            r = s.get(p)
            m = re.search(r"Page 1 of (\d+)", r.text)
            out.append(int(m.group(1)) if m else (1 if r.status == 200 else 0))
        return out
    check(counts() == [6, 1, 3, 2, 3, 5], "counts at start", counts())
    check(s.get("/page/6/").status == 200 and s.get("/page/7/").status == 404,
          "the last home page, and past it")
    folder = tempfile.mkdtemp(prefix="byline-more-")
    for i in (1, 2):
        write_article(folder, "n%d.md" % i, title="Extra sport story %d" % i, author="Ben Reporter",
                      date="2025-06-0%d 09:00" % i, section="Sport", tags="Budget",
                      body="More news.\n")
    run_cli("import-markdown", "--db", s.db, folder)
    check(counts() == [8, 3, 3, 4, 5, 7], "an import (another process) counted at once", counts())
    check(s.get("/page/8/").status == 200, "the new last page answers")
    aid = s.sql("SELECT id FROM articles WHERE slug='extra-sport-story-1'")[0][0]
    s.sql("INSERT INTO comments(article_id, author_name, author_email, body, body_html, status,"
          " created_at) VALUES (?, 'A', 'a@example.com', 'x', '<p>x</p>', 'approved', 1)", aid)
    check(counts() == [8, 3, 3, 4, 5, 7], "a comment changes no count", counts())
    s.sql("UPDATE articles SET status='draft' WHERE id=?", aid)
    check(counts() == [7, 2, 3, 3, 4, 6], "unpublishing counted", counts())
    check(s.get("/page/8/").status == 404, "the old last page is gone")
    s.sql("UPDATE articles SET section_id=(SELECT id FROM sections WHERE slug='city')"
          " WHERE slug='extra-sport-story-2'")
    check(counts() == [7, 1, 4, 3, 4, 6], "moving to another section counted", counts())
    s.sql("DELETE FROM article_tags WHERE article_id=(SELECT id FROM articles"
          " WHERE slug='extra-sport-story-2')")
    check(counts() == [7, 1, 4, 2, 4, 6], "untagging counted", counts())
    s.sql("UPDATE articles SET status='scheduled', published_at=strftime('%s','now')+1 WHERE id=?", aid)
    check(counts() == [7, 1, 4, 2, 4, 6], "scheduled is not published", counts())
    time.sleep(2.5)  # the server's scheduler thread publishes it
    got = counts()
    check(got[0] == 8 and got[1] == 2 and got[3] == 3 and got[4] == 5,
          "the scheduler's publishing counted", got)


def old_links(s):
    aid, slug = s.sql("SELECT id, slug FROM articles WHERE slug='rowing-club-wins-the-regatta'")[0]
    r = s.get("/?p=%d" % aid)
    check(r.status == 301 and r.header("Location") == "/2025/04/02/%s/" % slug, "/?p=ID answers 301",
          (r.status, r.header("Location")))
    check(s.get("/?p=999999").status == 404, "/?p= of no article is 404")
    r = s.get("/?s=pelican")
    check(r.status == 301 and r.header("Location").startswith("/search/?q=pelican"), "/?s= redirects to search")
    r = s.get("/category/city")
    check(r.status == 301 and r.header("Location") == "/category/city/", "missing trailing slash 301")


main()
