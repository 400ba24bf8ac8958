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


def main():
    t0 = time.time()
    s = Server(before=seed, settings={"timezone": desk.ZONE_NAME})
    try:
        people = {k: person(s, k) for k in ("admin", "editor", "author", "contrib")}
        smaller(s, people)
        trash(s, people)
        purge(s, people)
    finally:
        s.stop()
    print("(structure tests took %.1f s)" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
