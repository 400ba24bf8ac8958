"""Running the site's structure from the desk (issue 15): articles moved to
the trash and back, unpublished, deleted for good (administrators, from the
trash only), purged after 30 days; a trashed article answers 410 and leaves
every public surface at once (the page cache too); the sections, tags and
menus screens; and the smaller things (an unknown command, a slug tidied in
the editor, an old article address without its slash in one 301).

Each role and a signed-out client try every new route (test_desk.py's
matrix also lists them)."""
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402
import test_desk as desk  # noqa: E402

PASSWORDS = {"admin": "admin's long pass phrase", "editor": "editor's long pass phrase",
             "author": "author's long pass phrase", "contrib": "contributor's pass phrase"}
ROLES = {"admin": desk.ADMIN, "editor": desk.EDITOR, "author": desk.AUTHOR,
         "contrib": desk.CONTRIB}
WORD = "zanzibarian"   # only the trashed article has it (search)


def person(s, key):
    """An account of the key's role, signed in: a desk.Who with cookie and csrf."""
    role = ROLES[key]
    who = desk.Who(role, "%s@example.com" % key, key.title() + " Person", PASSWORDS[key])
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", who.email, "--name",
                           who.name, "--role", desk.ROLE_NAMES[role], check_rc=False)
    r = desk.set_password(s, desk.link_token(out), who.pw)
    check(r.status in (200, 303), "%s sets a password" % key, r.status)
    who.cookie, who.csrf = desk.sign_in(s, who)
    who.id = s.sql("SELECT id FROM users WHERE email=?", who.email)[0][0]
    return who


def seed(srv):
    folder = tempfile.mkdtemp(prefix="byline-structure-")
    write_article(folder, "a.md", title="Harbour reopens after the storm", author="Ann Writer",
                  date="2024-06-12 10:15", section="World", tags="Harbour, Weather",
                  body="The harbour is open again. A %s word.\n" % WORD)
    write_article(folder, "b.md", title="Quayside market returns", author="Ann Writer",
                  date="2024-06-13 09:00", section="World", tags="Harbour",
                  body="Stalls are back on the quay.\n")
    write_article(folder, "c.md", title="Council sets its budget", author="Bo Reporter",
                  date="2024-06-14 09:00", section="Politics", tags="Council",
                  body="The council met.\n")
    run_cli("import-markdown", "--db", srv.db, folder)
    shutil.rmtree(folder, ignore_errors=True)


def post(s, who, path, **fields):
    f = [("csrf", who.csrf if who else "0" * 32)] + list(fields.items())
    return desk.send(s, path, f, cookie=who.cookie if who else None)


def art(s, slug):
    return s.sql("SELECT id, status, published_at, trashed_at, trashed_status FROM articles"
                 " WHERE slug=?", slug)[0]


# Every public surface an article shows on, with what finds it there.
def surfaces(path, slug, aid):
    return [
        ("home", "/", slug),
        ("home page 1 feed (RSS)", "/feed/", slug),
        ("Atom feed", "/feed/atom/", slug),
        ("JSON feed", "/feed/json/", slug),
        ("section", "/category/world/", slug),
        ("section feed", "/category/world/feed/", slug),
        ("tag", "/tag/harbour/", slug),
        ("tag feed", "/tag/harbour/feed/", slug),
        ("author", "/author/ann-writer/", slug),
        ("author feed", "/author/ann-writer/feed/", slug),
        ("date archive", "/2024/06/", slug),
        ("articles sitemap", "/sitemap-articles-1.xml", slug),
        ("search", "/search/?q=" + WORD, slug),
        ("related stories", None, slug),   # on the other World/Harbour article
    ]


def trash(s, people):
    admin, editor, author, contrib = (people[k] for k in ("admin", "editor", "author",
                                                         "contrib"))
    aid, st, pub, _, _ = art(s, "harbour-reopens-after-the-storm")
    path = desk.article_path(pub, "harbour-reopens-after-the-storm")
    other = desk.article_path(art(s, "quayside-market-returns")[2], "quayside-market-returns")
    check(s.get(path).status == 200, "the article is published", path)
    # A comment on it, approved: in the site's comments feed.
    r = s.post(path, {"comment": "A %s comment." % WORD, "author": "Reader One",
                      "email": "reader@example.com", "url": "", "comment_parent": "0",
                      "byline_token": s.token(aid), "byline_hp": ""}, ip="192.0.2.77")
    check(r.status == 303, "a reader comments on it", r.status)
    s.sql("UPDATE comments SET status='approved' WHERE article_id=?", aid)
    extra = [("comments feed", "/comments/feed/", WORD),
             ("its own comments feed", path + "feed/", WORD),
             ("tags sitemap (a tag only it has)", "/sitemap-tags.xml", "/tag/weather/"),
             ("tag only it has", "/tag/weather/", "harbour-reopens")]
    for name, url, needle in extra:
        r = s.get(url)
        check(r.status == 200 and needle in r.text, "before: %s shows it" % name,
              (url, r.status))
    # Every surface shows it first (and the cache holds each page).
    for name, url, needle in surfaces(path, "harbour-reopens-after-the-storm", aid):
        r = s.get(url or other)
        check(r.status == 200 and needle in r.text, "before: %s shows the article" % name,
              (url, r.status))
        s.get(url or other)
    check(s.get("/?p=%d" % aid).status == 301, "before: /?p=ID answers 301")

    # Who may trash: contributors and authors only their own (they cannot
    # edit this one), editors any; signed out, nothing.
    for who, name in ((None, "signed out"), (contrib, "contributor"), (author, "author")):
        r = post(s, who, "/admin/articles/%d/trash" % aid)
        check(r.status == 403 and art(s, "harbour-reopens-after-the-storm")[3] is None,
              "trash refused to %s (403, not trashed)" % name, r.status)
    r = post(s, editor, "/admin/articles/%d/trash" % aid)
    check(r.status == 303 and "trashed" in (r.header("Location") or ""),
          "an editor moves it to the trash (303)", (r.status, r.header("Location")))
    row = art(s, "harbour-reopens-after-the-storm")
    check(row[1] == "draft" and row[3] and row[4] == "published",
          "stored as a draft with trashed_at and the status it had", row)

    # Gone from every surface at once (the page cache was invalidated).
    r = s.get(path)
    check(r.status == 410, "the trashed article answers 410 Gone", r.status)
    check(s.get(path[:-1]).status == 410, "its address without the slash: 410 too")
    check(s.get("/?p=%d" % aid).status == 410, "/?p=ID of a trashed article: 410")
    for name, url, needle in surfaces(path, "harbour-reopens-after-the-storm", aid):
        r = s.get(url or other)
        check(needle not in r.text, "after: %s no longer shows it" % name, (url, r.status))
    r = s.get("/sitemap-news.xml")
    check("harbour-reopens" not in r.text, "not in the news sitemap")
    for name, url, needle in extra:
        r = s.get(url)
        check(needle not in r.text, "after: %s no longer shows it" % name, (url, r.status))
    check(s.get("/tag/weather/").status == 404, "a tag only it had is no page (404)")

    # The desk: the Trash view lists it; All does not.
    r = desk.get(s, "/admin/articles/?status=trash", who=editor)
    check(r.status == 200 and "Harbour reopens" in r.text and "/restore" in r.text,
          "the Trash view lists it with Restore", r.status)
    check("/delete" not in r.text, "an editor is not offered Delete for good")
    r = desk.get(s, "/admin/articles/", who=editor)
    check("Harbour reopens" not in r.text, "All leaves the trash out")
    r = desk.get(s, "/admin/articles/?status=trash", who=admin)
    check("/admin/articles/%d/delete" % aid in r.text, "an administrator is offered Delete")
    # In the trash it cannot be edited.
    r = desk.get(s, "/admin/articles/%d/" % aid, who=editor)
    check(r.status == 409 and "trash" in r.text, "a trashed article opens no editor (409)",
          r.status)
    r = desk.send(s, "/admin/articles/%d/" % aid,
                  desk.edit_form(editor, headline="Edited in the trash", body="x",
                                 status="published"))
    check(r.status == 409 and art(s, "harbour-reopens-after-the-storm")[3],
          "nor saved (409, still in the trash)", r.status)
    # Delete for good: administrators only.
    r = post(s, editor, "/admin/articles/%d/delete" % aid)
    check(r.status == 403 and art(s, "harbour-reopens-after-the-storm"),
          "an editor cannot delete for good (403)", r.status)
    # Restore: who may publish it.
    for who, name in ((None, "signed out"), (contrib, "contributor"), (author, "author")):
        r = post(s, who, "/admin/articles/%d/restore" % aid)
        check(r.status == 403, "restore refused to %s (403)" % name, r.status)
    r = post(s, editor, "/admin/articles/%d/restore" % aid)
    row = art(s, "harbour-reopens-after-the-storm")
    check(r.status == 303 and row[1] == "published" and row[3] is None and row[2] == pub,
          "an editor restores it, published again at its date", (r.status, row))
    check(s.get(path).status == 200, "restored: its address answers 200 again")
    r = s.get("/search/?q=" + WORD)
    check("harbour-reopens" in r.text, "restored: search finds it again")

    # Unpublish: back to a draft; it leaves the site (404: it may come back).
    for who, name in ((contrib, "contributor"), (author, "author")):
        r = post(s, who, "/admin/articles/%d/unpublish" % aid)
        check(r.status == 403, "unpublish refused to %s (403)" % name, r.status)
    r = post(s, editor, "/admin/articles/%d/unpublish" % aid)
    row = art(s, "harbour-reopens-after-the-storm")
    check(r.status == 303 and row[1] == "draft" and row[3] is None,
          "an editor unpublishes it: a draft", (r.status, row))
    check(s.get(path).status == 404, "an unpublished article is not found (404)")
    check("harbour-reopens" not in s.get("/").text, "nor on the home page")
    r = post(s, editor, "/admin/articles/%d/unpublish" % aid)
    check(r.status == 409, "a draft cannot be unpublished (409)", r.status)

    # An author trashes their own draft, and may restore it.
    r = desk.send(s, "/admin/articles/new", desk.edit_form(author, headline="Author's own",
                                                           body="Mine."))
    mine, _ = desk.saved_id(r)
    r = post(s, author, "/admin/articles/%d/trash" % mine)
    check(r.status == 303 and s.sql("SELECT trashed_at FROM articles WHERE id=?", mine)[0][0],
          "an author trashes their own article", r.status)
    r = post(s, author, "/admin/articles/%d/delete" % mine)
    check(r.status == 403, "an author cannot delete for good", r.status)
    r = post(s, author, "/admin/articles/%d/restore" % mine)
    check(r.status == 303 and s.sql("SELECT status, trashed_at FROM articles WHERE id=?",
                                     mine)[0] == ("draft", None),
          "and restores it (a draft again)", r.status)
    # A contributor trashes their own draft.
    r = desk.send(s, "/admin/articles/new", desk.edit_form(contrib, headline="Contributor's",
                                                           body="Mine."))
    cmine, _ = desk.saved_id(r)
    r = post(s, contrib, "/admin/articles/%d/trash" % cmine)
    check(r.status == 303, "a contributor trashes their own draft", r.status)

    # Delete for good: only from the trash.
    r = post(s, admin, "/admin/articles/%d/delete" % aid)
    check(r.status == 409 and art(s, "harbour-reopens-after-the-storm"),
          "delete for good refused outside the trash (409)", r.status)
    post(s, admin, "/admin/articles/%d/trash" % aid)
    r = post(s, admin, "/admin/articles/%d/delete" % aid)
    gone = s.sql("SELECT count(*) FROM articles WHERE id=?", aid)[0][0]
    check(r.status == 303 and gone == 0, "an administrator deletes it for good", r.status)
    check(s.sql("SELECT count(*) FROM article_tags WHERE article_id=?", aid)[0][0] == 0 and
          s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0] == 0,
          "its tags and revisions went with it")
    check(s.sql("SELECT count(*) FROM articles_fts WHERE rowid=?", aid)[0][0] == 0,
          "and its search entry")
    check(s.get(path).status == 404, "deleted for good: 404")


def purge(s, people):
    """The scheduler deletes what was trashed 30 days ago (time simulated by
    writing trashed_at), and keeps what was trashed 29 days ago."""
    editor = people["editor"]
    ids = {}
    for slug in ("quayside-market-returns", "council-sets-its-budget"):
        ids[slug] = art(s, slug)[0]
        r = post(s, editor, "/admin/articles/%d/trash" % ids[slug])
        check(r.status == 303, "trash %s" % slug, r.status)
    now = int(time.time())
    s.sql("UPDATE articles SET trashed_at=? WHERE id=?", now - 30 * 86400 - 5,
          ids["quayside-market-returns"])
    s.sql("UPDATE articles SET trashed_at=? WHERE id=?", now - 29 * 86400,
          ids["council-sets-its-budget"])
    deadline = time.time() + 30
    while time.time() < deadline:
        if not s.sql("SELECT 1 FROM articles WHERE id=?", ids["quayside-market-returns"]):
            break
        time.sleep(0.5)
    check(not s.sql("SELECT 1 FROM articles WHERE id=?", ids["quayside-market-returns"]),
          "trashed 30 days ago: purged by the scheduler")
    check(s.sql("SELECT 1 FROM articles WHERE id=?", ids["council-sets-its-budget"]),
          "trashed 29 days ago: kept")


def smaller(s, people):
    editor = people["editor"]
    # An unknown command is called so, with or without --db.
    for args in (("frobnicate",), ("frobnicate", "--db", s.db)):
        rc, out, err = run_cli(*args, check_rc=False)
        check(rc == 2 and "unknown command 'frobnicate'" in err and "--db FILE is required"
              not in err, "byline %s: unknown command" % " ".join(args[:2]), err[:200])
    # A slug typed badly is tidied, saved and shown.
    r = desk.send(s, "/admin/articles/new",
                  desk.edit_form(editor, headline="Tidy slug", slug="  My Great Story! ",
                                 body="x", status="published"))
    aid, notice = desk.saved_id(r)
    check(r.status == 303 and aid and "slug-tidied" in (r.header("Location") or ""),
          "a slug with capitals and punctuation is saved, tidied", (r.status, r.text[:300]))
    if aid:
        check(art(s, "my-great-story")[0] == aid, "stored as my-great-story")
        r = desk.get(s, r.header("Location"), who=editor)
        check('value="my-great-story"' in r.text and "tidied" in r.text,
              "the editor shows the tidied slug and says so")
    r = desk.send(s, "/admin/articles/new",
                  desk.edit_form(editor, headline="Only punctuation", slug="!!!", body="x"))
    check(r.status == 422 and "letter or digit" in r.text,
          "a slug with nothing to keep is refused with a sentence", r.status)
    # A renamed article's old address without its slash: one 301 to the new.
    pub = art(s, "my-great-story")[2]
    old = desk.article_path(pub, "my-great-story")
    r = desk.send(s, "/admin/articles/%d/" % aid,
                  desk.edit_form(editor, headline="Tidy slug", slug="renamed-story", body="x",
                                 status="published"))
    check(r.status == 303, "renamed", r.status)
    new = desk.article_path(pub, "renamed-story")
    r = s.get(old[:-1])
    check(r.status == 301 and r.header("Location") == new,
          "old address without its slash: one 301 to the new address",
          (r.status, r.header("Location")))
    r = s.get(old[:-1] + "?utm=x")
    check(r.status == 301 and r.header("Location") == new + "?utm=x", "query kept",
          r.header("Location"))
    r = s.get(new[:-1])
    check(r.status == 301 and r.header("Location") == new, "new address without its slash: 301",
          (r.status, r.header("Location")))
    r = s.get("/2024/06/01/no-such-story")
    check(r.status in (301, 404), "an unknown article path without its slash: no 500",
          r.status)


def sid(s, slug):
    rows = s.sql("SELECT id FROM sections WHERE slug=?", slug)
    return rows[0][0] if rows else None


def tid(s, slug):
    rows = s.sql("SELECT id FROM tags WHERE slug=?", slug)
    return rows[0][0] if rows else None


def section_form(**kw):
    f = {"name": "", "slug": "", "parent": "", "description": "", "position": "0"}
    f.update(kw)
    return f


def sections(s, people):
    admin, editor, author, contrib = (people[k] for k in ("admin", "editor", "author",
                                                         "contrib"))
    # Who may see and use the screen: editors and administrators.
    for who, name in ((None, "signed out"), (contrib, "contributor"), (author, "author")):
        r = desk.get(s, "/admin/sections/", who=who)
        check(r.status in (303, 403), "Sections screen refused to %s" % name, r.status)
        r = post(s, who, "/admin/sections/", **section_form(name="Sneaky"))
        check(r.status == 403 and not sid(s, "sneaky"), "adding refused to %s" % name,
              r.status)
    r = desk.get(s, "/admin/sections/", who=editor)
    check(r.status == 200 and "World" in r.text and "Politics" in r.text,
          "an editor sees the sections", r.status)
    world = sid(s, "world")
    n_world = s.sql("SELECT count(*) FROM articles WHERE section_id=?", world)[0][0]
    check('href="/admin/articles/?section=%d">%d<' % (world, n_world) in r.text,
          "with each one's article count, linked to its articles")
    # Create: a description, an order, a parent.
    r = post(s, editor, "/admin/sections/", **section_form(
        name="Local News", description="What happens <here>, street by street.",
        position="-5"))
    check(r.status == 303 and sid(s, "local-news"), "an editor adds a section (slug from the "
          "name)", (r.status, desk.form_message(r.text)))
    r = post(s, editor, "/admin/sections/", **section_form(name="Harbours", slug="Ports & Quays",
                                                           parent=str(world)))
    ports = sid(s, "ports-quays")
    check(r.status == 303 and ports and
          s.sql("SELECT parent_id FROM sections WHERE id=?", ports)[0][0] == world,
          "a sub-section, its typed slug tidied", (r.status, desk.form_message(r.text)))
    # Refusals come back with what was typed.
    r = post(s, editor, "/admin/sections/", **section_form(name="Again", slug="world",
                                                           description="kept text"))
    check(r.status == 422 and "already used" in r.text and "kept text" in r.text,
          "a slug in use is refused, the form kept", r.status)
    r = post(s, editor, "/admin/sections/", **section_form(name="", description="x"))
    check(r.status == 422 and "name" in r.text, "a section needs a name", r.status)
    r = post(s, editor, "/admin/sections/", **section_form(name="Deep", parent=str(ports)))
    check(r.status == 422 and "one level" in r.text and not sid(s, "deep"),
          "sections nest one level only", r.status)
    r = post(s, editor, "/admin/sections/%d/" % world, **section_form(
        name="World", slug="world", parent=str(sid(s, "politics"))))
    check(r.status == 422 and "sub-sections" in r.text,
          "a section with sub-sections cannot become one", r.status)
    r = post(s, editor, "/admin/sections/", **section_form(name="Feed", slug="feed"))
    check(r.status == 422 and "kept for the site" in r.text, "slug 'feed' refused", r.status)
    r = post(s, editor, "/admin/sections/", **section_form(name="x" * 101))
    check(r.status == 422 and "x" * 101 in r.text, "a name over 100 characters refused, kept",
          r.status)
    r = post(s, editor, "/admin/sections/", **section_form(name="Num", position="abc"))
    check(r.status == 422 and "whole number" in r.text, "a position must be a number",
          r.status)
    # The description atop the section page and in its meta description;
    # the navigation follows the order.
    desk.send(s, "/admin/articles/new", desk.edit_form(
        editor, headline="Street fair returns", body="Fun.", status="published",
        section=str(sid(s, "local-news"))))
    r = s.get("/category/local-news/")
    check(r.status == 200 and "What happens &lt;here&gt;, street by street." in r.text,
          "the description shows atop the section page (escaped)", r.status)
    check(re.search(r'<meta name="description" content="What happens &lt;here&gt;', r.text),
          "and is its meta description")
    nav = re.search(r'<nav class="site-nav".*?</nav>', s.get("/").text, re.S).group(0)
    check(nav.index("Local News") < nav.index("Politics") < nav.index("World") or
          nav.index("Local News") < nav.index("World"),
          "the navigation lists sections by their order", nav)
    # Rename: the old address (and the sub-section's) answer 301 in one hop.
    r = post(s, editor, "/admin/sections/%d/" % world, **section_form(
        name="World News", slug="world-news", position="3"))
    check(r.status == 303 and sid(s, "world-news") == world, "an editor renames a section",
          (r.status, desk.form_message(r.text)))
    for old, new in (("/category/world/", "/category/world-news/"),
                     ("/category/world", "/category/world-news/"),
                     ("/category/world/ports-quays/", "/category/world-news/ports-quays/"),
                     ("/category/world/feed/", "/category/world-news/feed/")):
        r = s.get(old)
        check(r.status == 301 and r.header("Location") == new,
              "%s answers 301 to %s" % (old, new), (r.status, r.header("Location")))
    r = post(s, editor, "/admin/sections/%d/" % world, **section_form(
        name="Global", slug="global", position="3"))
    r = s.get("/category/world/")
    check(r.status == 301 and r.header("Location") == "/category/global/",
          "renamed twice: the first address still in one hop", r.header("Location"))
    r = post(s, editor, "/admin/sections/%d/" % world, **section_form(
        name="World", slug="world", position="3"))
    r = s.get("/category/world/")
    check(r.status == 200, "renamed back: the old address is the section again", r.status)
    r = s.get("/category/global/")
    check(r.status == 301 and r.header("Location") == "/category/world/",
          "and the middle name leads back", (r.status, r.header("Location")))
    # Delete: its articles move to the section chosen.
    politics = sid(s, "politics")
    n_pol = s.sql("SELECT count(*) FROM articles WHERE section_id=?", politics)[0][0]
    r = desk.get(s, "/admin/sections/%d/" % politics, who=editor)
    check(r.status == 200 and "Move its articles to" in r.text, "a section's page offers delete")
    r = post(s, editor, "/admin/sections/%d/delete" % politics, move_to=str(world))
    check(r.status == 303 and not sid(s, "politics") and n_pol and
          s.sql("SELECT count(*) FROM articles WHERE slug='council-sets-its-budget'"
                " AND section_id=?", world)[0][0] == 1,
          "deleting a section moves its articles to the one chosen", r.status)
    r = post(s, editor, "/admin/sections/%d/delete" % world, move_to=str(world))
    check(r.status == 422 and sid(s, "world"), "its articles cannot move to itself", r.status)
    lid = sid(s, "local-news")
    r = post(s, editor, "/admin/sections/%d/delete" % lid, move_to="")
    check(r.status == 303 and not sid(s, "local-news") and
          s.sql("SELECT section_id FROM articles WHERE slug='street-fair-returns'")[0][0] is None,
          "or to no section", r.status)
    check("Local News" not in s.get("/").text, "a deleted section leaves the navigation")
    r = post(s, editor, "/admin/sections/%d/delete" % world, move_to="")
    check(r.status == 303 and s.sql("SELECT parent_id FROM sections WHERE id=?",
                                    ports)[0][0] is None,
          "its sub-sections become top-level", r.status)
    r = s.get("/category/world/ports-quays/")
    check(r.status == 301 and r.header("Location") == "/category/ports-quays/",
          "and their old addresses lead to the new", (r.status, r.header("Location")))


def tags(s, people):
    editor, author = people["editor"], people["author"]
    # A few more tags, for merging and paging.
    for i in range(60):
        s.sql("INSERT INTO tags(name, slug) VALUES (?, ?)", "Filler %02d" % i, "filler-%02d" % i)
    r = desk.get(s, "/admin/tags/", who=author)
    check(r.status == 403, "the Tags screen is refused to an author", r.status)
    r = desk.get(s, "/admin/tags/", who=editor)
    check(r.status == 200 and "Page 1 of 2" in r.text and 'rel="next"' in r.text,
          "an editor sees the tags, 50 a page", r.status)
    r = desk.get(s, "/admin/tags/?page=2", who=editor)
    check(r.status == 200 and "Page 2 of 2" in r.text and 'rel="prev"' in r.text, "page 2")
    r = desk.get(s, "/admin/tags/?q=harb", who=editor)
    check(r.status == 200 and "Harbour" in r.text and "Filler" not in r.text and
          "1 tag<" in r.text, "search finds by name", r.text[-600:])
    harbour, weather = tid(s, "harbour"), tid(s, "weather")
    # Set up an article with both tags, and one with only Weather.
    r = desk.send(s, "/admin/articles/new", desk.edit_form(
        editor, headline="Fog over the harbour", body="Fog.", status="published",
        tags="Harbour, Weather"))
    r = desk.send(s, "/admin/articles/new", desk.edit_form(
        editor, headline="Rain all week", body="Rain.", status="published", tags="Weather"))
    n_h = s.sql("SELECT count(*) FROM article_tags WHERE tag_id=?", harbour)[0][0]
    r = desk.get(s, "/admin/tags/%d/" % harbour, who=editor)
    check(r.status == 200 and "%d articles" % n_h in r.text, "a tag's page shows its count",
          (r.status, n_h))
    # Rename: 301 from the old address.
    r = post(s, author, "/admin/tags/%d/" % harbour, action="rename", name="Port", slug="")
    check(r.status == 403 and tid(s, "harbour"), "an author cannot rename a tag", r.status)
    r = post(s, editor, "/admin/tags/%d/" % harbour, action="rename", name="Harbours", slug="")
    check(r.status == 303 and tid(s, "harbours") == harbour, "an editor renames a tag",
          (r.status, desk.form_message(r.text)))
    r = s.get("/tag/harbour/")
    check(r.status == 301 and r.header("Location") == "/tag/harbours/",
          "the old tag address answers 301", (r.status, r.header("Location")))
    r = post(s, editor, "/admin/tags/%d/" % harbour, action="rename", name="W", slug="weather")
    check(r.status == 422 and "merge" in r.text and "W" in r.text,
          "a slug another tag has is refused (merge instead)", r.status)
    # Merge Weather into Harbours: no duplicate links; 301.
    both = s.sql("SELECT article_id FROM article_tags WHERE tag_id=? INTERSECT"
                 " SELECT article_id FROM article_tags WHERE tag_id=?", harbour, weather)
    union = s.sql("SELECT article_id FROM article_tags WHERE tag_id IN (?, ?)"
                  " GROUP BY article_id", harbour, weather)
    check(both, "an article has both tags before the merge")
    r = post(s, editor, "/admin/tags/%d/" % weather, action="merge", into=str(weather))
    check(r.status == 422 and tid(s, "weather"), "a tag cannot merge into itself", r.status)
    r = post(s, editor, "/admin/tags/%d/" % weather, action="merge", into=str(harbour))
    check(r.status == 303 and not tid(s, "weather"), "an editor merges Weather into Harbours",
          (r.status, desk.form_message(r.text)))
    after = s.sql("SELECT article_id FROM article_tags WHERE tag_id=? ORDER BY 1", harbour)
    check(sorted(after) == sorted(union), "every article of either has the kept tag, once",
          (after, union))
    r = s.get("/tag/weather/")
    check(r.status == 301 and r.header("Location") == "/tag/harbours/",
          "the merged tag's address answers 301 to the kept one",
          (r.status, r.header("Location")))
    r = s.get("/tag/harbour/")
    check(r.status == 301 and r.header("Location") == "/tag/harbours/",
          "still one hop from the first name")
    # Delete.
    f = tid(s, "filler-00")
    r = post(s, editor, "/admin/tags/%d/" % f, action="delete")
    check(r.status == 303 and not tid(s, "filler-00"), "an editor deletes a tag", r.status)
    r = post(s, editor, "/admin/tags/%d/" % f, action="delete")
    check(r.status == 404, "a deleted tag is not found", r.status)


def menus(s, people):
    admin, editor = people["admin"], people["editor"]
    s.sql("UPDATE articles SET section_id=? WHERE slug='quayside-market-returns'",
          sid(s, "ports-quays"))
    home = s.get("/").text
    nav_before = re.search(r'<nav class="site-nav".*?</nav>', home, re.S)
    check(nav_before and "/category/" in nav_before.group(0),
          "with no menu set, the navigation lists the sections")
    # Administrators only, as WordPress's edit_theme_options.
    r = desk.get(s, "/admin/menus/", who=editor)
    check(r.status == 403, "the Menus screen is refused to an editor", r.status)
    r = post(s, editor, "/admin/menus/", menu="header", kind="link", action="add",
             url="https://example.org/", label="Sneaky")
    check(r.status == 403 and not s.sql("SELECT 1 FROM menu_items"),
          "an editor cannot add an item", r.status)
    r = desk.get(s, "/admin/menus/", who=admin)
    check(r.status == 200 and "This menu is empty" in r.text, "an administrator sees the menus")
    s.sql("INSERT INTO pages(slug, title, status, created_at, updated_at) VALUES"
          " ('about', 'About us', 'published', 1, 1), ('draft-page', 'Draft page', 'draft', 1, 1)")
    about = s.sql("SELECT id FROM pages WHERE slug='about'")[0][0]
    draft = s.sql("SELECT id FROM pages WHERE slug='draft-page'")[0][0]
    sec = sid(s, "ports-quays")
    adds = [dict(kind="section", section=str(sec)),
            dict(kind="page", page=str(about), label="About"),
            dict(kind="link", url="https://example.org/subscribe", label="Subscribe"),
            dict(kind="page", page=str(draft))]
    for a in adds:
        r = post(s, admin, "/admin/menus/", menu="header", action="add", **a)
        check(r.status == 303, "add a %s" % a["kind"], (r.status, desk.form_message(r.text)))
    for bad, why in (("javascript:alert(1)", "javascript"), ("ftp://example.org/", "ftp"),
                     ("//evil.example/", "protocol-relative"), ("about/", "relative"),
                     ("https://", "no host")):
        r = post(s, admin, "/admin/menus/", menu="header", action="add", kind="link", url=bad,
                 label="Bad")
        check(r.status == 422 and "http" in r.text and bad.replace("&", "&amp;") in r.text,
              "a %s link is refused, the form kept" % why, r.status)
    r = post(s, admin, "/admin/menus/", menu="header", action="add", kind="link",
             url="https://example.org/x", label="")
    check(r.status == 422 and "label" in r.text, "a link needs a label", r.status)
    r = post(s, admin, "/admin/menus/", menu="header", action="add", kind="section",
             section="999999")
    check(r.status == 422, "a section that does not exist is refused", r.status)
    ids = [i for (i,) in s.sql("SELECT id FROM menu_items WHERE menu='header' ORDER BY position")]
    # The theme reads it: in order, a draft page left out.
    nav = re.search(r'<nav class="site-nav".*?</nav>', s.get("/").text, re.S).group(0)
    want = ["/category/ports-quays/", "/about/", "https://example.org/subscribe"]
    got = re.findall(r'href="([^"]+)"', nav)
    check(got == want, "the header menu replaces the sections' list, in order", got)
    check("Draft page" not in nav, "an unpublished page is left out")
    # Move, indent, outdent, relabel, remove: plain forms.
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[2]), action="up")
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[2]), action="indent")
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[0]), action="indent")
    rows = s.sql("SELECT id, position, depth FROM menu_items WHERE menu='header' ORDER BY position")
    check([r_[0] for r_ in rows] == [ids[0], ids[2], ids[1], ids[3]] and
          [r_[2] for r_ in rows] == [0, 1, 0, 0],
          "moved up and indented; the first item is never indented", rows)
    nav = re.search(r'<nav class="site-nav".*?</nav>', s.get("/").text, re.S).group(0)
    check(re.search(r'ports-quays/">[^<]*</a>\s*<ul class="sub-menu">\s*<li><a href="https://'
                    r'example.org/subscribe">Subscribe</a>', nav),
          "a nested item shows under its parent", nav)
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[0]), action="label",
             label="Ports")
    check(r.status == 303 and ">Ports</a>" in s.get("/").text, "a label is saved and shown")
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[2]), action="label",
             label="")
    check(r.status == 422, "a link's label cannot be emptied", r.status)
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[1]), action="down",
             label="About the paper")
    check(r.status == 303 and s.sql("SELECT label, position FROM menu_items WHERE id=?",
                                     ids[1])[0] == ("About the paper", 3),
          "a label typed before Move down is kept, and the item moved",
          s.sql("SELECT label, position FROM menu_items WHERE id=?", ids[1]))
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[1]), action="up",
             label="About")
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[1]), action="frob",
             label="About")
    check(r.status == 400, "an unknown action: 400", r.status)
    r = post(s, admin, "/admin/menus/", menu="header", item=str(ids[0]), action="remove")
    rows = s.sql("SELECT id, depth FROM menu_items WHERE menu='header' ORDER BY position")
    check(r.status == 303 and rows[0] == (ids[2], 0),
          "removing an item moves its nested items up a level", rows)
    r = post(s, admin, "/admin/menus/", menu="header", item="999999", action="up")
    check(r.status == 422, "an item that is gone: 422", r.status)
    # The footer.
    r = post(s, admin, "/admin/menus/", menu="footer", action="add", kind="link",
             url="https://example.org/ethics", label="Ethics policy")
    foot = re.search(r'<footer.*?</footer>', s.get("/").text, re.S).group(0)
    check(r.status == 303 and 'href="https://example.org/ethics">Ethics policy<' in foot,
          "the footer shows its links")
    # Emptied: today's behaviour again.
    for (i,) in s.sql("SELECT id FROM menu_items WHERE menu='header'"):
        post(s, admin, "/admin/menus/", menu="header", item=str(i), action="remove")
    check(not s.sql("SELECT 1 FROM menu_items WHERE menu='header'"), "the header menu emptied")
    nav = re.search(r'<nav class="site-nav".*?</nav>', s.get("/").text, re.S)
    check(nav and 'aria-label="Sections"' in nav.group(0), "an empty menu: the sections again")


def after_import():
    """A WordPress import's record of a category or tag follows the desk:
    a section deleted (its articles moved) or a tag merged, then the export
    imported again with a changed post, imports cleanly into what the desk
    made (before, the import named the deleted section and stopped)."""
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "wxr",
                           "site.xml")
    s = Server()
    try:
        rc, out, err = run_cli("import-wordpress", "--db", s.db, fixture, check_rc=False)
        check(rc == 0, "the fixture imports", err[-500:])
        editor = person(s, "editor")
        sport, local = sid(s, "sport"), sid(s, "local")
        falls = s.sql("SELECT id FROM articles WHERE headline LIKE 'Falls FC%'")[0][0]
        r = post(s, editor, "/admin/sections/%d/delete" % sport, move_to=str(local))
        check(r.status == 303 and not sid(s, "sport"), "the desk deletes Sport into Local",
              r.status)
        budget, cafe = tid(s, "budget"), tid(s, "cafe")
        r = post(s, editor, "/admin/tags/%d/" % budget, action="merge", into=str(cafe))
        check(r.status == 303 and not tid(s, "budget"), "the desk merges budget into cafe",
              r.status)
        text = open(fixture, encoding="utf-8").read()
        text = text.replace("<p>A header in the ninetieth minute.</p>",
                            "<p>A header in the ninetieth minute. Updated.</p>")
        text = text.replace("The town's budget for the coming year passed at 11:30 p.m.",
                            "The town's budget (updated) for the coming year passed at 11:30 p.m.")
        again = os.path.join(s.dir, "again.xml")
        open(again, "w", encoding="utf-8").write(text)
        rc, out, err = run_cli("import-wordpress", "--db", s.db, again, check_rc=False)
        check(rc == 0, "the export imports again, a changed post in the deleted section",
              (out + err)[-800:])
        row = s.sql("SELECT section_id, body_src FROM articles WHERE id=?", falls)[0]
        check(row[0] == local and "Updated." in row[1],
              "the changed post is updated, in the section that took Sport's articles", row)
    finally:
        s.stop()


def main():
    t0 = time.time()
    s = Server(before=seed, settings={"timezone": desk.ZONE_NAME})
    try:
        people = {k: person(s, k) for k in ("admin", "editor", "author", "contrib")}
        smaller(s, people)
        trash(s, people)
        sections(s, people)
        tags(s, people)
        menus(s, people)
        purge(s, people)
    finally:
        s.stop()
    after_import()
    print("(structure tests took %.1f s)" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
