"""Request tests for what a WordPress site needs of Byline (issue 12):
static pages (public at /slug/ and /parent/slug/, drafts and private pages
404, in the sitemap, never in listings, feeds or search, edited in the desk
by editors only), old addresses answered by the redirects table (one 301,
correct through the page cache, an import's /?p=ID winning over Byline's
own ids), private articles invisible everywhere public, tag slugs in any
script answered at both spellings, and `byline export-wordpress` (valid XML
by xmllint, counts, statuses mapped back, no password hashes, "]]>" split).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, done, run_cli, site_db, site_drop, write_article,  # noqa: E402
                     skip)
import test_desk as desk  # noqa: E402

PASSWORDS = {"editor": "editor's long pass phrase", "author": "author's long pass phrase",
             "admin": "admin's long pass phrase"}


def person(s, key, role):
    """An account of role, signed in: a desk.Who with cookie and csrf."""
    who = desk.Who(role, "%s@example.com" % key, key.title() + " Person", PASSWORDS[key])
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", who.email, "--name",
                           who.name, "--role", desk.ROLE_NAMES[role], check_rc=False)
    token = desk.link_token(out)
    r = desk.set_password(s, token, who.pw)
    check(r.status in (200, 303), "%s sets a password" % key, r.status)
    who.cookie, who.csrf = desk.sign_in(s, who)
    who.id = s.sql("SELECT id FROM users WHERE email=?", who.email)[0][0]
    return who


def page_form(who, **kw):
    f = {"csrf": who.csrf, "title": "", "slug": "", "body": "", "parent": "",
         "menu_order": "0", "status": "draft", "action": "save"}
    f.update(kw)
    return desk.Fields(list(f.items()), who)


def save_page(s, who, path="/admin/pages/new", **kw):
    r = desk.send(s, path, page_form(who, **kw))
    m = re.match(r"/admin/pages/(\d+)/", r.header("Location") or "")
    return r, int(m.group(1)) if m else None


def seed(srv):
    folder = tempfile.mkdtemp(prefix="byline-wp-")
    write_article(folder, "a.md", title="Harbour reopens after storm", author="Ann Writer",
                  date="2024-06-12 10:15", section="World", tags="Café, ニュース",
                  body="The harbour is open again.\n")
    write_article(folder, "b.md", title="Quayside market returns", author="Ann Writer",
                  date="2024-06-13 09:00", section="World", body="Stalls are back.\n")
    run_cli("import-markdown", "--db", srv.db, folder)
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- pages

def pages(s, ed, au):
    r, about = save_page(s, ed, title="About us", body="We are a **harbour** paper. "
                         "Zanzibarquux is our motto.", status="published")
    check(r.status == 303 and about, "an editor saves a published page", (r.status, r.text[:300]))
    r, policy = save_page(s, ed, title="Corrections policy", parent=str(about),
                          body="We correct errors.", status="published")
    check(r.status == 303 and policy, "a child page is saved", r.status)
    r, draft = save_page(s, ed, title="Secret plans", body="Draftquux.", status="draft")
    r, private = save_page(s, ed, title="Staff handbook", body="Privatequux.", status="private")
    check(draft and private, "draft and private pages are saved")
    r, sub_of_draft = save_page(s, ed, title="Hidden child", parent=str(draft),
                                body="x", status="draft")

    r = s.get("/about-us/")
    check(r.status == 200 and "About us" in r.text and "<strong>harbour</strong>" in r.text,
          "a published page is public at /slug/", (r.status, r.text[:300]))
    check('class="byline"' not in r.text and 'id="comments"' not in r.text,
          "a page has no byline or comments")
    check("rel=\"canonical\" href=\"%s/about-us/\"" % s.base in r.text or "/about-us/" in r.text,
          "the page names its canonical address")
    r = s.get("/about-us/corrections-policy/")
    check(r.status == 200 and "Corrections policy" in r.text and 'href="/about-us/"' in r.text,
          "a child page is public at /parent/slug/ with its parent above", r.status)
    r = s.get("/about-us")
    check(r.status == 301 and r.header("Location") == "/about-us/",
          "a page without its slash: 301 to the slash form", (r.status, r.header("Location")))
    r = s.get("/about-us/corrections-policy")
    check(r.status == 301 and r.header("Location") == "/about-us/corrections-policy/",
          "a child page without its slash: 301", (r.status, r.header("Location")))
    check(s.get("/corrections-policy/").status == 404, "a child page is not at the top level")
    check(s.get("/secret-plans/").status == 404, "a draft page is 404")
    check(s.get("/staff-handbook/").status == 404, "a private page is 404")
    check(s.get("/staff-handbook/", headers={"Cookie": "%s=%s" % (desk.COOKIE, ed.cookie)})
          .status == 404, "a private page is 404 on the public site for staff too")
    check(s.get("/secret-plans/hidden-child/").status == 404, "a draft under a draft is 404")
    check(s.get("/about-us/nothing/").status == 404, "an unknown child is 404")

    # Routes first: a page may not take a route's slug.
    for slug in ("feed", "search", "tag", "category", "author", "page", "2024"):
        r, pid = save_page(s, ed, title="Clash " + slug, slug=slug, status="published")
        check(r.status == 422 and not pid and ("/%s/" % slug) in r.text,
              "a top-level page may not take the route slug %r" % slug,
              (r.status, desk.form_message(r.text)))
    # Every first segment of route.c's table is refused, so that a route
    # added later without its slug in page_slug_reserved() fails here.
    text = open(os.path.join(desk.REPO, "src", "web", "route.c"), encoding="utf-8").read()
    firsts = set()
    for pat in re.findall(r'\{"(?:GET|POST)",\s*"(/[^"]*)"', text):
        seg = pat.split("/")[1]
        seg = "2031" if seg == "{yyyy}" else seg
        if seg and "{" not in seg and "." not in seg:
            firsts.add(seg)
    check(len(firsts) >= 8, "route.c's first segments are read", firsts)
    for seg in sorted(firsts):
        r, pid = save_page(s, ed, title="Route " + seg, slug=seg, status="draft")
        check(r.status == 422 and not pid, "a top-level page may not be called %r (a route)" % seg,
              r.status)
    r = s.get("/feed/")
    check(r.status == 200 and "<rss" in r.text, "/feed/ is still the feed")
    r, pid = save_page(s, ed, title="Feed", slug="feed", parent=str(about), status="published")
    check(r.status == 303 and pid, "a child page may be called feed", r.status)
    check(s.get("/about-us/feed/").status == 200, "and is public under its parent")
    r, pid = save_page(s, ed, title="About again", slug="about-us", status="draft")
    check(r.status == 422 and "already has the slug" in r.text, "sibling slugs are unique",
          desk.form_message(r.text))
    r, cafe = save_page(s, ed, title="Café", slug="café", status="published", body="Crème.")
    check(r.status == 303 and cafe, "a page slug in another script is accepted", r.status)
    check(s.get("/caf%C3%A9/").status == 200, "a UTF-8 page at its percent-encoded address")
    r = s.get("/caf%c3%a9/")
    check(r.status == 200, "and with lowercase escapes", r.status)

    # Preview renders without saving.
    n = s.sql("SELECT count(*) FROM pages")[0][0]
    r = desk.send(s, "/admin/pages/%d/" % about,
                  page_form(ed, title="About us", slug="about-us", body="*Previewed*",
                            status="published", action="preview"))
    check(r.status == 200 and "<em>Previewed</em>" in r.text, "the page editor previews",
          r.status)
    check(s.sql("SELECT count(*) FROM pages")[0][0] == n and
          "Previewed" not in s.sql("SELECT body_src FROM pages WHERE id=?", about)[0][0],
          "a preview saves nothing")

    # A change is seen at once (pages are not kept in the page cache stale).
    s.get("/about-us/")
    r, _ = save_page(s, ed, path="/admin/pages/%d/" % about, title="About the Ledger",
                     slug="about-us", body="We are a **harbour** paper. Zanzibarquux.",
                     status="published")
    r = s.get("/about-us/")
    check("About the Ledger" in r.text, "an edited page shows its new title at once")

    # The author's body is filtered, the editor's is not.
    r, raw = save_page(s, ed, title="Raw", body="<b>bold</b><script>x()</script>",
                       status="published")
    check("<script>x()</script>" in s.get("/raw/").text, "an editor's page may hold raw HTML")
    r = desk.get(s, "/admin/pages/", who=au)
    check(r.status == 403, "an author may not open the desk's Pages", r.status)
    r = desk.get(s, "/admin/pages/", who=ed)
    check(r.status == 200 and "Corrections policy" in r.text and "Staff handbook" in r.text,
          "the desk lists every page", r.status)
    check(re.search(r'<a href="/admin/pages/">Pages</a>', r.text),
          "Pages is in the desk's navigation")
    r = desk.get(s, "/admin/", who=au)
    check('href="/admin/pages/"' not in r.text, "an author's navigation has no Pages")

    # Never in listings, feeds or search; in the sitemap.
    for path in ("/", "/feed/", "/feed/atom/", "/feed/json/", "/search/?q=Zanzibarquux",
                 "/2024/", "/category/world/"):
        r = s.get(path)
        if "/search/" in path:  # the search page echoes the words
            check("Nothing found" in r.text, "no page found by search", r.status)
            continue
        check("Zanzibarquux" not in r.text and "About the Ledger" not in r.text,
              "no page in %s" % path, r.status)
    r = s.get("/sitemap.xml")
    check("/sitemap-pages.xml" in r.text, "the sitemap index lists the pages' sitemap")
    r = s.get("/sitemap-pages.xml")
    check(r.status == 200 and "/about-us/</loc>" in r.text and
          "/about-us/corrections-policy/</loc>" in r.text and "/caf%C3%A9/</loc>" in r.text,
          "published pages are in sitemap-pages.xml", r.text[:500])
    check("secret-plans" not in r.text and "staff-handbook" not in r.text,
          "drafts and private pages are not in the sitemap")
    xmllint(r.body, "sitemap-pages.xml")

    # Deleting a parent (from the trash) moves its children up.
    r = desk.send(s, "/admin/pages/%d/delete" % about, desk.Fields([("csrf", ed.csrf)], ed))
    check(r.status == 403, "an editor may not delete a page for good", r.status)
    r = desk.send(s, "/admin/pages/%d/trash" % about, desk.Fields([("csrf", ed.csrf)], ed))
    check(r.status == 303 and s.get("/about-us/").status == 410,
          "an editor moves a page to the trash: 410", r.status)
    admin = person(s, "admin", desk.ADMIN)
    r = desk.send(s, "/admin/pages/%d/delete" % about, desk.Fields([("csrf", admin.csrf)], admin))
    check(r.status == 303, "an administrator deletes it for good from the trash", r.status)
    check(s.get("/about-us/").status == 404 and
          s.get("/corrections-policy/").status == 200,
          "its child moves up to the top level")
    return {"policy": policy}


def xmllint(data, name):
    if not shutil.which("xmllint"):
        skip("xmllint " + name, "xmllint is not installed")
        return False
    p = subprocess.run(["xmllint", "--noout", "-"], input=data, capture_output=True)
    return check(p.returncode == 0, "%s is well-formed XML (xmllint)" % name, p.stderr[-500:])


# ---------------------------------------------------------------- redirects

def redirects(s, pg):
    art = s.sql("SELECT id FROM articles WHERE slug='harbour-reopens-after-storm'")[0][0]
    # Byline's own id answers first, and is cached.
    r = s.get("/?p=%d" % art)
    check(r.status == 301 and "/harbour-reopens-after-storm/" in (r.header("Location") or ""),
          "/?p= of Byline's own id: 301 to the article", (r.status, r.header("Location")))
    s.get("/?p=%d" % art)
    # An import registers WordPress's ids, which may be Byline's too: its
    # mapping wins, even over the cached answer.
    s.sql("INSERT INTO redirects(from_path, to_path, created_at) VALUES (?, ?, 1)",
          "/?p=%d" % art, "/corrections-policy/")
    r = s.get("/?p=%d" % art)
    check(r.status == 301 and r.header("Location") == "/corrections-policy/",
          "an imported /?p= mapping wins over Byline's id and the cache",
          (r.status, r.header("Location")))
    r = s.get(r.header("Location") or "/")
    check(r.status == 200, "one hop: the target answers 200", r.status)
    # A route's own 404 (kept in the page cache) gives way to a redirect
    # added later, as an import running beside the server adds them.
    check(s.get("/author/ghost-writer/").status == 404, "an unknown author is 404")
    s.get("/author/ghost-writer/")
    s.sql("INSERT INTO redirects(from_path, to_path, created_at) VALUES (?, ?, 1)",
          "/author/ghost-writer/", "/author/ann-writer/")
    r = s.get("/author/ghost-writer/")
    check(r.status == 301 and r.header("Location") == "/author/ann-writer/",
          "a cached 404 gives way to a redirect added later", (r.status, r.header("Location")))
    rows = [("/?page_id=42", "/corrections-policy/"), ("/?cat=7", "/category/world/"),
            ("/?tag=caf%C3%A9", "/tag/caf%C3%A9/"), ("/archives/77", "/2024/06/12/x/"),
            ("/author/oldlogin/", "/author/ann-writer/"),
            ("/2019/05/old-title/", "/2024/06/12/harbour-reopens-after-storm/"),
            ("/2019/05/06/old-title/", "/2024/06/13/quayside-market-returns/"),
            ("/attachment/photo-1/", "/media/abc.jpg"),
            ("/?attachment_id=9", "/media/abc.jpg"), ("/?author=3", "/author/ann-writer/")]
    for src, dst in rows:
        s.sql("INSERT INTO redirects(from_path, to_path, created_at) VALUES (?, ?, 1)", src, dst)
    for path, want in [("/?page_id=42", "/corrections-policy/"), ("/?cat=7", "/category/world/"),
                       ("/?tag=caf%C3%A9", "/tag/caf%C3%A9/"),
                       ("/?tag=caf%c3%a9", "/tag/caf%C3%A9/"),
                       ("/archives/77", "/2024/06/12/x/"), ("/archives/77/", "/2024/06/12/x/"),
                       ("/author/oldlogin/", "/author/ann-writer/"),
                       ("/2019/05/old-title/", "/2024/06/12/harbour-reopens-after-storm/"),
                       ("/2019/05/06/old-title/", "/2024/06/13/quayside-market-returns/"),
                       ("/attachment/photo-1/", "/media/abc.jpg"),
                       ("/?attachment_id=9", "/media/abc.jpg"),
                       ("/?author=3", "/author/ann-writer/"),
                       ("/archives/77?utm_source=x", "/2024/06/12/x/")]:
        r = s.get(path)
        check(r.status == 301 and r.header("Location") == want, "%s: 301 to %s" % (path, want),
              (r.status, r.header("Location")))
    r = s.get("/2024/06/13/quayside-market-returns/")
    check(r.status == 200, "the redirect's target is there", r.status)
    check(s.get("/?cat=8").status == 404, "an unknown /?cat= is 404")
    check(s.get("/archives/78/").status == 404, "an unknown old path is 404")
    r = s.request("HEAD", "/archives/77/")
    check(r.status == 301, "HEAD gets the 301 too", r.status)
    r = s.post("/archives/77/", {"x": "1"})
    check(r.status in (404, 405), "a POST is not redirected", r.status)
    # A Byline page by its own id, and a tag by slug, without a mapping.
    pid = pg["policy"]
    r = s.get("/?page_id=%d" % pid)
    check(r.status == 301 and r.header("Location") == "/corrections-policy/",
          "/?page_id= of a Byline page: 301 to it", (r.status, r.header("Location")))
    r = s.get("/?tag=%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9")
    check(r.status == 301 and r.header("Location") ==
          "/tag/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/", "/?tag=slug: 301 to the tag",
          (r.status, r.header("Location")))
    # A redirect removed: the cached 301 goes too.
    s.get("/archives/77/")
    s.sql("DELETE FROM redirects WHERE from_path='/archives/77'")
    check(s.get("/archives/77/").status == 404, "a removed redirect no longer answers")


# ---------------------------------------------------------------- private articles

def private_articles(s, ed):
    aid = s.sql("SELECT id FROM articles WHERE slug='quayside-market-returns'")[0][0]
    art_path = "/2024/06/13/quayside-market-returns/"
    check(s.get(art_path).status == 200, "the article is public before")
    for path in ("/", "/feed/", "/search/?q=Quayside", "/sitemap-articles-1.xml", "/2024/"):
        s.get(path)  # into the cache
    r = desk.get(s, "/admin/articles/%d/" % aid, who=ed)
    f = desk.edit_form(ed, headline="Quayside market returns", slug="quayside-market-returns",
                       body="Stalls are back.\n", status="private", publish_date="2024-06-13",
                       publish_time="09:00", is_sticky="1")
    r = desk.send(s, "/admin/articles/%d/" % aid, f)
    check(r.status == 303, "an editor makes an article private", (r.status, desk.form_message(r.text)))
    check(s.sql("SELECT status, is_private, is_sticky FROM articles WHERE id=?", aid) ==
          [("draft", 1, 1)], "stored as a draft marked private, and pinned",
          s.sql("SELECT status, is_private, is_sticky FROM articles WHERE id=?", aid))
    check(s.get(art_path).status == 404, "a private article is 404 at its address")
    check(s.get("/?p=%d" % aid).status == 404, "and at /?p=ID")
    for path in ("/", "/feed/", "/feed/atom/", "/feed/json/", "/search/?q=Quayside",
                 "/sitemap-articles-1.xml", "/sitemap-news.xml", "/2024/", "/2024/06/",
                 "/category/world/", "/author/ann-writer/", "/category/world/feed/"):
        r = s.get(path)
        if "/search/" in path:  # the search page echoes the words
            check("Nothing found" in r.text and "quayside-market-returns" not in r.text,
                  "a private article is not found by search", r.status)
            continue
        check("Quayside" not in r.text and "quayside-market-returns" not in r.text,
              "a private article is in no public %s" % path, r.status)
    r = desk.get(s, "/admin/articles/?status=private", who=ed)
    check(r.status == 200 and "Quayside market returns" in r.text and "Private" in r.text,
          "the desk lists it under Private", r.status)
    r = desk.get(s, "/admin/articles/%d/" % aid, who=ed)
    check('value="private" selected' in r.text and 'id="is_sticky" name="is_sticky" '
          'type="checkbox" value="1" checked' in r.text,
          "the editor shows it private and pinned")
    r = desk.get(s, "/admin/articles/%d/preview" % aid, who=ed)
    check(r.status == 200 and "Quayside" in r.text, "staff read it in the desk", r.status)
    return aid


# ---------------------------------------------------------------- UTF-8 tag slugs

def tag_slugs(s):
    art = "/2024/06/12/harbour-reopens-after-storm/"
    r = s.get(art)
    check('href="/tag/cafe/"' in r.text, "an ASCII-foldable tag keeps its ASCII slug")
    check('href="/tag/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/"' in r.text,
          "a tag in another script is linked percent-encoded", re.findall(r'/tag/[^"]*', r.text))
    s.sql("INSERT INTO tags(name, slug) VALUES ('Crème', 'crème')")
    tid = s.sql("SELECT id FROM tags WHERE slug='crème'")[0][0]
    aid = s.sql("SELECT id FROM articles WHERE slug='harbour-reopens-after-storm'")[0][0]
    s.sql("INSERT INTO article_tags(article_id, tag_id) VALUES (?, ?)", aid, tid)
    for path in ("/tag/cr%C3%A8me/", "/tag/cr%c3%a8me/"):
        r = s.get(path)
        check(r.status == 200 and "Harbour reopens after storm" in r.text and "Crème" in r.text,
              "the tag answers at %r" % path, r.status)
    status, body = raw_get(s, "/tag/crème/".encode())
    check(status == 200 and "Harbour reopens after storm".encode() in body,
          "the tag answers at its raw UTF-8 spelling", status)
    r = s.get("/tag/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/")
    check(r.status == 200 and "Harbour reopens" in r.text, "a CJK tag answers", r.status)
    r = s.get("/tag/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/feed/")
    check(r.status == 200 and "Harbour reopens" in r.text, "its feed answers", r.status)
    check("/tag/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/" in r.text, "the feed links it encoded")
    r = s.get("/sitemap-tags.xml")
    check("/tag/cr%C3%A8me/</loc>" in r.text, "the tags' sitemap links it encoded")
    check(s.get("/tag/%FF%FE/").status == 404, "a slug that is not UTF-8 is 404")
    check(s.get("/tag/a%2Fb/").status == 404, "an encoded slash is no slug")


def raw_get(s, path):
    """GET with path bytes as given (http.client sends only ASCII)."""
    import socket
    c = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    c.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
              % s.port)
    data = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    c.close()
    m = re.match(rb"HTTP/1\.1 (\d+)", data)
    return (int(m.group(1)) if m else 0), data


# ---------------------------------------------------------------- export

def export(s, private_id):
    # Content that tests the escaping: "]]>" in a body, entities, a comment
    # reply, every comment status, a page with a parent.
    ed_id = s.sql("SELECT id FROM users WHERE email='editor@example.com'")[0][0]
    s.sql("UPDATE articles SET body_src = 'Code: a]]>b & <c>', body_html = "
          "'<p>Code: a]]&gt;b &amp; &lt;c&gt; ]]> raw</p>' WHERE slug = 'harbour-reopens-after-storm'")
    aid = s.sql("SELECT id FROM articles WHERE slug='harbour-reopens-after-storm'")[0][0]
    for i, st in enumerate(("approved", "pending", "spam", "trash")):
        s.sql("INSERT INTO comments(article_id, author_name, author_email, body, body_html, "
              "status, created_at) VALUES (?, ?, ?, ?, '', ?, ?)", aid, "Reader %d" % i,
              "r%d@example.com" % i, "Comment ]]> %d" % i, st, 1718000000 + i)
    first = s.sql("SELECT min(id) FROM comments")[0][0]
    s.sql("INSERT INTO comments(article_id, parent_id, author_name, author_email, body, "
          "body_html, status, created_at) VALUES (?, ?, 'Replier', 'rp@example.com', 'A reply', "
          "'', 'approved', 1718000100)", aid, first)
    # A comment on a static page: in the page's item, and back on the page
    # after an import.
    pg_id = s.sql("SELECT min(id) FROM pages WHERE status='published'")[0][0]
    s.sql("INSERT INTO comments(page_id, author_name, author_email, body, body_html, status, "
          "created_at) VALUES (?, 'Page Reader', 'pr@example.com', 'On the page ]]> itself', '', "
          "'approved', 1718000200)", pg_id)
    world = s.sql("SELECT id FROM sections WHERE slug='world'")[0][0]
    s.sql("INSERT INTO sections(name, slug, parent_id, description) VALUES "
          "('Europe', 'europe', ?, 'News from <Europe> & ]]> beyond')", world)
    # A featured image: an attachment with its absolute URL, and
    # _thumbnail_id naming it.
    s.sql("INSERT INTO media(hash, mime, ext, width, height, bytes, created_at) VALUES "
          "(?, 'image/png', 'png', 4, 3, 100, 1718000000)", "ab" * 32)
    mid = s.sql("SELECT max(id) FROM media")[0][0]
    s.sql("UPDATE articles SET featured_media_id = ?, featured_alt = 'A quay' WHERE id = ?",
          mid, aid)
    p = subprocess.run([os.environ.get("BYLINE_BIN") or os.path.join(desk.REPO, "byline"),
                        "export-wordpress", "--db", s.db, "--base-url", "https://news.example/"],
                       capture_output=True, timeout=60)
    check(p.returncode == 0, "export-wordpress exits 0", p.stderr[-500:])
    xml = p.stdout
    if not xmllint(xml, "the export"):
        return
    text = xml.decode("utf-8")
    check("<wp:wxr_version>1.2</wp:wxr_version>" in text, "WXR 1.2")
    hashes = [r[0] for r in s.sql("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")]
    check(hashes and not any(h in text for h in hashes) and "$argon2" not in text,
          "no password hash in the export")
    n_articles = s.sql("SELECT count(*) FROM articles")[0][0]
    n_pages = s.sql("SELECT count(*) FROM pages")[0][0]
    n_comments = s.sql("SELECT count(*) FROM comments")[0][0]
    n_users = s.sql("SELECT count(*) FROM users")[0][0]
    check(text.count("<wp:post_type><![CDATA[post]]></wp:post_type>") == n_articles,
          "every article is an item", n_articles)
    check(text.count("<wp:post_type><![CDATA[page]]></wp:post_type>") == n_pages,
          "every page is an item", n_pages)
    check(text.count("<wp:comment>") == n_comments, "every comment is there", n_comments)
    check(text.count("<wp:author>") == n_users, "every author is there", n_users)
    check("Exported %d articles, %d pages" % (n_articles, n_pages) in p.stderr.decode(),
          "the summary gives the counts", p.stderr.decode()[-300:])
    # "]]>" survives: parse it back.
    import xml.etree.ElementTree as ET
    ns = {"wp": "http://wordpress.org/export/1.2/",
          "content": "http://purl.org/rss/1.0/modules/content/"}
    root = ET.fromstring(xml)
    items = root.findall("./channel/item")
    by_id = {int(i.find("wp:post_id", ns).text): i for i in items}
    it = by_id.get(aid)
    check(it is not None and it.find("content:encoded", ns).text ==
          "<p>Code: a]]&gt;b &amp; &lt;c&gt; ]]> raw</p>", "a ']]>' in a body comes back whole",
          it.find("content:encoded", ns).text if it is not None else None)
    check(it is not None and it.find("link").text ==
          "https://news.example/2024/06/12/harbour-reopens-after-storm/",
          "a published article's link is its absolute address")
    comments = it.findall("wp:comment", ns) if it is not None else []
    statuses = sorted(c.find("wp:comment_approved", ns).text for c in comments)
    check(statuses == sorted(["1", "0", "spam", "trash", "1"]), "comment statuses map back",
          statuses)
    reply = [c for c in comments if c.find("wp:comment_author", ns).text == "Replier"]
    check(reply and reply[0].find("wp:comment_parent", ns).text == str(first),
          "a reply names its parent")
    check(any((c.find("wp:comment_content", ns).text or "").startswith("Comment ]]>")
              for c in comments), "a ']]>' in a comment comes back whole")
    atts = [i for i in items if i.find("wp:post_type", ns).text == "attachment"]
    check(len(atts) == 1 and atts[0].find("wp:attachment_url", ns).text ==
          "https://news.example/media/%s.png" % ("ab" * 32),
          "media are attachments with absolute URLs",
          [a.find("wp:attachment_url", ns).text for a in atts])
    thumb = [m.find("wp:meta_value", ns).text for m in it.findall("wp:postmeta", ns)
             if m.find("wp:meta_key", ns).text == "_thumbnail_id"] if it is not None else []
    check(atts and thumb == [atts[0].find("wp:post_id", ns).text],
          "the featured image is _thumbnail_id, the attachment's id", thumb)
    ids = [int(i.find("wp:post_id", ns).text) for i in items]
    check(len(ids) == len(set(ids)), "post ids are unique across posts, pages and attachments")
    priv = by_id.get(private_id)
    check(priv is not None and priv.find("wp:status", ns).text == "private" and
          priv.find("wp:is_sticky", ns).text == "1", "a private, pinned article exports so")
    tags = [c.get("nicename") for c in it.findall("category") if c.get("domain") == "post_tag"]
    check("%e3%83%8b%e3%83%a5%e3%83%bc%e3%82%b9" in tags,
          "tags in any script are exported as WordPress writes them", tags)
    slugs = [t.find("wp:tag_slug", ns).text for t in root.findall("./channel/wp:tag", ns)]
    check("cr%c3%a8me" in slugs, "wp:tag_slug as WordPress writes it", slugs)
    pages = [i for i in items if i.find("wp:post_type", ns).text == "page"]
    parented = [i for i in pages if i.find("wp:post_parent", ns).text != "0"]
    # The child page moved to the top level when its parent was deleted; the
    # /about-us/feed/ page too.  The Café page has no parent; make one.
    check(all(i.find("link").text.startswith("https://news.example/") for i in pages),
          "pages link to their absolute addresses")
    check(root.find("./channel/wp:base_site_url", ns).text == "https://news.example",
          "the base site URL is the one given")
    cats = root.findall("./channel/wp:category", ns)
    names = [c.find("wp:category_nicename", ns).text for c in cats]
    check("world" in names and "europe" in names and names.index("world") < names.index("europe"),
          "sections are categories, parents first", names)
    eu = [c for c in cats if c.find("wp:category_nicename", ns).text == "europe"]
    check(eu and eu[0].find("wp:category_parent", ns).text == "world" and
          eu[0].find("wp:category_description", ns).text == "News from <Europe> & ]]> beyond",
          "a sub-section names its parent and keeps its description")
    kiss = [i for i in items if i.find("wp:post_type", ns).text == "post" and
            i.find("title").text == "Kissaten turns fifty"]
    check(kiss and kiss[0].find("wp:post_name", ns).text == "%e5%96%ab%e8%8c%b6%e5%ba%97-50" and
          kiss[0].find("link").text == "https://news.example/2024/06/14/"
          "%E5%96%AB%E8%8C%B6%E5%BA%97-50/", "a UTF-8 article slug is exported encoded",
          [(k.find("wp:post_name", ns).text, k.find("link").text) for k in kiss])
    pg_items = [i for i in items if i.find("wp:post_type", ns).text == "page" and
                any(c.find("wp:comment_author", ns).text == "Page Reader"
                    for c in i.findall("wp:comment", ns))]
    check(len(pg_items) == 1, "a page's comment is in the page's item")
    d = tempfile.mkdtemp(prefix="byline-pagecomments-")
    new = None
    try:
        xml_path = os.path.join(d, "site.xml")
        with open(xml_path, "wb") as f:
            f.write(xml)
        new = types.SimpleNamespace(db=site_db(d), _pg=None)
        rc, _, err = run_cli("import-wordpress", "--db", new.db, xml_path, check_rc=False)
        check(rc == 0, "the export imports", err[-500:])
        row = Server.sql(new, "SELECT p.title, c.body FROM comments c JOIN pages p"
                         " ON p.id = c.page_id WHERE c.author_name = 'Page Reader'")
        check(len(row) == 1 and row[0][1] == "On the page ]]> itself",
              "imported, the page's comment is on the page again", row)
    finally:
        if new is not None:
            if new._pg is not None:
                new._pg.close()
            site_drop(new.db)
        shutil.rmtree(d, ignore_errors=True)
    p2 = subprocess.run([os.environ.get("BYLINE_BIN") or os.path.join(desk.REPO, "byline"),
                         "export-wordpress", "--db", s.db], capture_output=True, timeout=60)
    check(p2.returncode == 0 and b"base_url" in p2.stderr,
          "without an address, the export says so on stderr", p2.stderr[-300:])
    del parented, ed_id


def article_slugs(s, ed):
    slug = "喫茶店-50"
    f = desk.edit_form(ed, headline="Kissaten turns fifty", slug=slug, body="Coffee.\n",
                       status="published", publish_date="2024-06-14", publish_time="08:00")
    r = desk.send(s, "/admin/articles/new", f)
    check(r.status == 303, "an article slug in another script is saved",
          (r.status, desk.form_message(r.text)))
    enc = "/2024/06/14/%s/" % urllib.parse.quote(slug)
    r = s.get(enc)
    check(r.status == 200 and "Kissaten turns fifty" in r.text, "it is public at %s" % enc,
          r.status)
    check(('href="%s"' % enc) in s.get("/").text, "the front page links it percent-encoded")
    status, body = raw_get(s, ("/2024/06/14/%s/" % slug).encode())
    check(status == 200 and b"Kissaten turns fifty" in body, "and at its raw UTF-8 spelling",
          status)
    check(("<loc>%s%s</loc>" % (s.base, enc)) in s.get("/sitemap-articles-1.xml").text,
          "the sitemap lists it percent-encoded")


def main():
    t0 = time.time()
    s = Server(before=seed)
    try:
        ed = person(s, "editor", desk.EDITOR)
        au = person(s, "author", desk.AUTHOR)
        pg = pages(s, ed, au)
        redirects(s, pg)
        private_id = private_articles(s, ed)
        tag_slugs(s)
        article_slugs(s, ed)
        export(s, private_id)
    finally:
        s.stop()
    print("(pages/WordPress tests took %.1f s)" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
