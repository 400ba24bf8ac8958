"""Issue 14's typography, corrections and bylines, through the desk and the
public site: typography on the article page, its JSON-LD and the feeds
(code and URLs untouched); corrections and updates (who may add and delete
them, CSRF, escaping, a refused note kept, "Updated" and dateModified, the
JSON-LD correction, /corrections/ newest first and paginated, the sitemap,
the page cache invalidated); what counts as a material change; several
authors (the byline's words, each author's page and feed, the JSON-LD
author list, the editor's field by role, the owner kept); the Markdown
import and the WordPress export still working."""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402
from test_desk import (ADMIN, AUTHOR, CONTRIB, EDITOR, ROLE_NAMES, Who, edit_form,  # noqa: E402
                       form_message, get, link_token, saved_id, send, set_password, sign_in)

import feedparser  # noqa: E402


def accounts(s):
    people = {
        "admin": Who(ADMIN, "admin@example.com", "Ada Admin", "correct horse battery admin"),
        "editor": Who(EDITOR, "editor@example.com", "Ed Editor", "editor's own long phrase"),
        "author": Who(AUTHOR, "author@example.com", "Aud Author", "author's own long phrase"),
        "author2": Who(AUTHOR, "author2@example.com", "Bea Second", "second author's phrase"),
        "author3": Who(AUTHOR, "author3@example.com", "Cal Third", "third author's phrase"),
        "contrib": Who(CONTRIB, "contrib@example.com", "Cy Contributor", "contributor phrase"),
    }
    for key, w in people.items():
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                               "--role", ROLE_NAMES[w.role], check_rc=False)
        r = set_password(s, link_token(out), w.pw)
        check(r.status in (200, 303), "%s sets a password" % key, r.status)
        w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
        w.cookie, w.csrf = sign_in(s, w)
    return people


def public_path(s, aid):
    slug, pub = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
    tz = s.sql("SELECT value FROM settings WHERE key='timezone'")[0][0]
    import datetime
    from zoneinfo import ZoneInfo
    d = datetime.datetime.fromtimestamp(pub, ZoneInfo(tz))
    return "/%04d/%02d/%02d/%s/" % (d.year, d.month, d.day, slug)


def jsonld(html):
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1)) if m else {}


def publish(s, who, **kw):
    f = edit_form(who, status="published", **kw)
    r = send(s, "/admin/articles/new", f)
    aid, _ = saved_id(r)
    check(r.status == 303 and aid, "%s publishes %r" % (who.name, kw.get("headline")),
          (r.status, form_message(r.text)))
    return aid


def note(s, who, aid, kind="correction", text="An earlier version misstated the date.",
         csrf=None):
    return send(s, "/admin/articles/%d/notes" % aid,
                [("csrf", who.csrf if csrf is None else csrf), ("kind", kind), ("text", text)],
                cookie=who.cookie)


def n_notes(s, aid=None):
    if aid is None:
        return s.sql("SELECT count(*) FROM article_notes")[0][0]
    return s.sql("SELECT count(*) FROM article_notes WHERE article_id=?", aid)[0][0]


def typography(s, people):
    author = people["author"]
    aid = publish(s, author, headline='"Quotes" and the \'90s -- a test',
                  dek="It's the standfirst...",
                  body="He said \"don't\" -- twice.\n\nRun `a--b \"x\"` and see "
                       "https://example.com/a--b?q='1' now.\n\n    code 'kept' -- here\n")
    path = public_path(s, aid)
    r = s.get(path)
    t = r.text
    check("“Quotes” and the ’90s — a test" in t, "typography: the headline", t[:2000])
    check("It’s the standfirst…" in t, "typography: the standfirst")
    check("He said “don’t” — twice." in t, "typography: the body")
    check("<code>a--b &quot;x&quot;</code>" in t or '<code>a--b "x"</code>' in t,
          "typography: a code span untouched")
    check("https://example.com/a--b?q=&#39;1&#39;" in t or "https://example.com/a--b?q='1'" in t,
          "typography: a URL untouched")
    check("code &#39;kept&#39; -- here" in t or "code 'kept' -- here" in t,
          "typography: a code block untouched")
    check(jsonld(t).get("headline") == "“Quotes” and the ’90s — a test",
          "typography: JSON-LD headline", jsonld(t).get("headline"))
    d = feedparser.parse(s.get("/feed/").body)
    check(any(e.title == "“Quotes” and the ’90s — a test" for e in d.entries),
          "typography: the feed's title", [e.title for e in d.entries][:3])
    # Static pages too.
    admin = people["admin"]
    r = send(s, "/admin/pages/new", [("csrf", admin.csrf), ("title", "About \"us\""),
                                     ("slug", "about-us"), ("body", "We're here -- since '88."),
                                     ("parent", ""), ("menu_order", "0"), ("status", "published"),
                                     ("action", "save")], cookie=admin.cookie)
    t = s.get("/about-us/").text
    check(r.status == 303 and "About “us”" in t and "We’re here — since ’88." in t,
          "typography: a static page", (r.status, t[t.find("<main"):][:400]))
    # The desk keeps what was typed.
    r = get(s, "/admin/articles/%d/" % aid, who=author)
    check("&quot;Quotes&quot; and the &#39;90s -- a test" in r.text,
          "typography: the editor shows the text as typed")
    return aid


def corrections(s, people, aid):
    admin, editor, author = people["admin"], people["editor"], people["author"]
    author2, contrib = people["author2"], people["contrib"]
    path = public_path(s, aid)
    # Cached before the note.
    s.get(path)
    before = s.get(path)
    check("article-notes" not in before.text and "Updated" not in before.text,
          "no notes, no Updated before")
    check(s.sql("SELECT modified_at FROM articles WHERE id=?", aid)[0][0] == 0,
          "a fresh article has no material change")
    # Who may add: not a contributor, not another author, not without CSRF.
    r = note(s, contrib, aid)
    check(r.status == 403 and n_notes(s) == 0, "a contributor cannot add a note", r.status)
    r = note(s, author2, aid)
    check(r.status == 403 and n_notes(s) == 0, "another author cannot add a note to it",
          r.status)
    r = note(s, author, aid, csrf="0" * 64)
    check(r.status == 403 and n_notes(s) == 0, "a note without the form's token is refused",
          r.status)
    r = send(s, "/admin/articles/%d/notes" % aid, [("csrf", editor.csrf), ("kind", "correction"),
                                                    ("text", "x")],
             cookie=editor.cookie, headers={"Origin": "https://evil.example"})
    check(r.status == 403 and n_notes(s) == 0, "a note from another origin is refused", r.status)
    # Refused input comes back with the text.
    r = note(s, editor, aid, text="   ")
    check(r.status == 422 and "Please write the note" in r.text and n_notes(s) == 0,
          "an empty note is refused with a sentence", (r.status, form_message(r.text)))
    long_text = "Too long " + "é" * 2100
    r = note(s, editor, aid, text=long_text)
    check(r.status == 422 and "é" * 2100 in r.text and n_notes(s) == 0,
          "a note over 2,000 characters is refused, its text kept", r.status)
    r = note(s, editor, aid, kind="retraction")
    check(r.status == 422 and n_notes(s) == 0, "an unknown kind is refused", r.status)
    # An editor's correction, with Markdown and an attempt at script (a
    # second after publication, so that "Updated" is later).
    time.sleep(1.1)
    t0 = int(time.time())
    r = note(s, editor, aid, text="An earlier version *misstated* the year. <script>alert(1)"
                                  "</script><img src=x onerror=alert(2)> It's fixed.")
    check(r.status == 303 and n_notes(s, aid) == 1, "an editor adds a correction", r.status)
    # The author adds an update to their own article.
    r = note(s, author, aid, kind="update", text="The council has since voted.")
    check(r.status == 303 and n_notes(s, aid) == 2, "the author adds an update to their own",
          r.status)
    r = s.get(path)
    t = r.text
    check(r.body != before.body, "the page cache let the notes through")
    check('class="article-notes"' in t, "the notes box is on the article")
    m = re.search(r'<p class="note note-correction"[^>]*><strong class="note-label">Correction, '
                  r'<time datetime="[^"]+">([A-Z][a-z]+ \d{1,2}, \d{4})</time>:</strong> (.*?)</p>',
                  t, re.S)
    check(m is not None, "Correction, Month D, YYYY: the note", t[t.find("article-notes"):][:600])
    if m:
        check("<em>misstated</em>" in m.group(2) and "It’s fixed." in m.group(2),
              "the note's Markdown and typography", m.group(2))
        check("<script" not in m.group(2) and "onerror" not in m.group(2),
              "no script from a note", m.group(2))
    check("Update, <time" in t and "The council has since voted." in t, "the update is shown")
    check(t.find("note-correction") < t.find("note-update"), "notes oldest first")
    check(re.search(r'<span class="updated">Updated <time datetime="[^"]+">', t) is not None,
          "the article says Updated")
    ld = jsonld(t)
    mod = s.sql("SELECT modified_at FROM articles WHERE id=?", aid)[0][0]
    check(mod >= t0, "a note is a material change", mod)
    check(ld.get("dateModified", "") > ld.get("datePublished", "") or
          ld.get("dateModified") != ld.get("datePublished"),
          "JSON-LD dateModified moves", (ld.get("dateModified"), ld.get("datePublished")))
    corr = ld.get("correction") or []
    check(len(corr) == 1 and corr[0].get("@type") == "CorrectionComment" and
          corr[0].get("text", "").startswith("An earlier version misstated the year.") and
          corr[0].get("datePublished"), "JSON-LD carries the correction, not the update", corr)
    ld_raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', t, re.S).group(1)
    check("<" not in ld_raw and "\\u003cscript" in ld_raw,
          "the note's text is escaped inside the JSON-LD script", ld_raw[-300:])
    # /corrections/: corrections only, newest first, linked.
    aid2 = publish(s, author2, headline="Second story", body="Body two.")
    time.sleep(1.1)
    r = note(s, author2, aid2, text="The second story named the wrong street.")
    check(r.status == 303, "author2 corrects their own", r.status)
    r = s.get("/corrections/")
    t = r.text
    check(r.status == 200 and "<h1" in t and "Corrections" in t, "/corrections/ answers")
    check("The council has since voted" not in t, "/corrections/ leaves updates out")
    i1, i2 = t.find("wrong street"), t.find("misstated")
    check(0 < i1 < i2, "/corrections/ newest first", (i1, i2))
    check('href="%s"' % path in t and 'href="%s"' % public_path(s, aid2) in t,
          "/corrections/ links each article")
    check("“Quotes” and the ’90s — a test" in t, "/corrections/ shows typeset headlines")
    check("<script" not in t.split("</header>")[-1].split("<footer")[0].replace(
        '<script type="application/ld+json">', ""), "/corrections/: no script from notes")
    for fmt in ("", "atom/", "json/"):
        r = s.get("/corrections/feed/" + fmt)
        d = feedparser.parse(r.body)
        if fmt == "json/":
            items = json.loads(r.text).get("items", [])
            d = feedparser.FeedParserDict(bozo=0, entries=[
                feedparser.FeedParserDict(title=i.get("title"), link=i.get("url"))
                for i in items])
        titles = [e.title for e in d.entries]
        check(r.status == 200 and not d.bozo and
              titles[:2] == ["Correction: Second story",
                             "Correction: “Quotes” and the ’90s — a test"],
              "/corrections/feed/%s lists corrections, newest first" % fmt, (r.status, titles))
        check(d.entries and d.entries[0].link.endswith(public_path(s, aid2) + "#note-%d" % s.sql(
            "SELECT max(id) FROM article_notes")[0][0]), "the feed links the note itself",
            d.entries[0].link if d.entries else None)
    check('href="/corrections/feed/"' in s.get("/corrections/").text or
          "/corrections/feed/\"" in s.get("/corrections/").text,
          "/corrections/ names its feed")
    sm = s.get("/sitemap-pages.xml").text
    check("/corrections/</loc>" in sm, "/corrections/ is in the sitemap", sm[:400])
    # Pagination: 20 a page.
    now = int(time.time())
    for k in range(25):
        s.sql("INSERT INTO article_notes(article_id, kind, body_src, created_at)"
              " VALUES (?, 'correction', ?, ?)", aid2, "Bulk correction %d." % k, now - 1000 - k)
    r1, r2, r3 = s.get("/corrections/"), s.get("/corrections/page/2/"), s.get("/corrections/page/3/")
    check(r1.text.count('class="note note-correction"') == 20 and
          r2.text.count('class="note note-correction"') == 7 and r3.status == 404,
          "/corrections/ in pages of 20", (r1.text.count("note-correction"),
                                            r2.text.count("note-correction"), r3.status))
    check('href="/corrections/page/2/"' in r1.text, "/corrections/ links its next page")
    # Deleting: editors only.
    nid = s.sql("SELECT id FROM article_notes WHERE article_id=? AND kind='update'", aid)[0][0]
    r = send(s, "/admin/articles/%d/notes/%d/delete" % (aid, nid), [("csrf", author.csrf)],
             cookie=author.cookie)
    check(r.status == 403 and n_notes(s, aid) == 2, "an author cannot delete a note", r.status)
    r = send(s, "/admin/articles/%d/notes/%d/delete" % (aid, nid), [("csrf", "0" * 64)],
             cookie=admin.cookie)
    check(r.status == 403 and n_notes(s, aid) == 2, "deleting needs the form's token", r.status)
    r = send(s, "/admin/articles/%d/notes/%d/delete" % (aid2, nid), [("csrf", admin.csrf)],
             cookie=admin.cookie)
    check(r.status == 404 and n_notes(s, aid) == 2, "a note is deleted only from its article")
    r = send(s, "/admin/articles/%d/notes/%d/delete" % (aid, nid), [("csrf", admin.csrf)],
             cookie=admin.cookie)
    check(r.status == 303 and n_notes(s, aid) == 1, "an administrator deletes a note", r.status)
    check("The council has since voted" not in s.get(path).text, "the deleted note is gone")
    # The desk shows the notes block on published articles only.
    r = get(s, "/admin/articles/%d/" % aid, who=editor)
    check('id="notes"' in r.text and "misstated" in r.text and "/notes/" in r.text,
          "the editor lists the notes, with Delete for an editor")
    r = get(s, "/admin/articles/%d/" % aid, who=author)
    check('id="notes"' in r.text and "/delete\"" not in r.text.split('id="notes"')[1],
          "the author sees the notes without Delete")
    r = send(s, "/admin/articles/new", edit_form(author, headline="A draft", body="b"))
    did, _ = saved_id(r)
    r = get(s, "/admin/articles/%d/" % did, who=author)
    check('id="notes"' not in r.text, "no notes block on a draft")
    r = note(s, author, did)
    check(r.status == 422 and "published articles only" in r.text and n_notes(s, did) == 0,
          "a note on a draft is refused", r.status)


def material(s, people):
    author, editor = people["author"], people["editor"]
    aid = publish(s, author, headline="Material test", body="First body.", tags="one")
    mod = lambda: s.sql("SELECT modified_at FROM articles WHERE id=?", aid)[0][0]  # noqa: E731
    r = send(s, "/admin/articles/%d/" % aid, edit_form(author, headline="Material test",
                                                       body="First body.", tags="one, two",
                                                       status="published"))
    check(r.status == 303 and mod() == 0, "new tags are not a material change", mod())
    check("Updated" not in s.get(public_path(s, aid)).text, "no Updated for tags")
    time.sleep(1.1)
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Material test",
                                                       body="Second body.", tags="one, two",
                                                       status="published"))
    check(r.status == 303 and mod() > 0, "a new body is a material change", mod())
    check('<span class="updated">Updated' in s.get(public_path(s, aid)).text,
          "Updated after a body change")


def bylines(s, people):
    admin, editor, author = people["admin"], people["editor"], people["author"]
    author2, author3, contrib = people["author2"], people["author3"], people["contrib"]
    aid = publish(s, author, headline="Two bylines", body="Shared reporting.")
    path = public_path(s, aid)
    # The editor's field, by role.
    r = get(s, "/admin/articles/%d/" % aid, who=author)
    check('name="coauthor_1"' in r.text and 'name="author"' not in r.text,
          "an author names co-authors but not the owner")
    r = get(s, "/admin/articles/%d/" % aid, who=editor)
    check('name="coauthor_1"' in r.text and 'name="author"' in r.text,
          "an editor has both fields")
    r = send(s, "/admin/articles/new", edit_form(contrib, headline="Contrib draft", body="b"))
    cid, _ = saved_id(r)
    r = get(s, "/admin/articles/%d/" % cid, who=contrib)
    check('name="coauthor_1"' in r.text, "a contributor names co-authors on their draft")
    r = send(s, "/admin/articles/%d/" % cid, edit_form(contrib, headline="Contrib draft",
                                                       body="b", coauthors_sent="1",
                                                       coauthor_1=str(author2.id)))
    check(r.status == 303 and s.sql("SELECT user_id FROM article_authors WHERE article_id=?"
                                    " ORDER BY position", cid) == [(contrib.id,), (author2.id,)],
          "a contributor adds a co-author to their draft", r.status)
    # Two authors: "By A and B".
    r = send(s, "/admin/articles/%d/" % aid, edit_form(author, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published", coauthors_sent="1",
                                                       coauthor_1=str(author2.id),
                                                       coauthor_2=str(author.id)))
    check(r.status == 303, "the author adds a co-author", (r.status, form_message(r.text)))
    rows = s.sql("SELECT user_id, position FROM article_authors WHERE article_id=?"
                 " ORDER BY position", aid)
    check(rows == [(author.id, 0), (author2.id, 1)], "the owner stays first, no repeats", rows)
    t = s.get(path).text
    m = re.search(r'<p class="byline">By (.*?) <span', t, re.S)
    text = re.sub(r"<[^>]+>", "", m.group(1)) if m else ""
    check(text == "Aud Author and Bea Second", "byline: By A and B", text)
    box = t[t.find('id="author-box-name-2"'):]
    check(box.startswith('id="author-box-name-2"><a href="/author/') and
          "Bea Second</a>" in box[:200], "a box for the co-author too", box[:200])
    ld = jsonld(t)
    check([a.get("name") for a in ld.get("author", [])] == ["Aud Author", "Bea Second"] and
          all(a.get("@type") == "Person" and "/author/" in a.get("url", "")
              for a in ld.get("author", [])), "JSON-LD author is a list", ld.get("author"))
    # Each author's page and feed list it.
    slug2 = s.sql("SELECT slug FROM users WHERE id=?", author2.id)[0][0]
    r = s.get("/author/%s/" % slug2)
    check(r.status == 200 and "Two bylines" in r.text, "the co-author's page lists it")
    card = r.text[r.text.find("Two bylines"):]
    card = re.sub(r"<[^>]+>", "", card[card.find('class="card-meta"'):].split("·")[0])
    check(card.endswith("By Aud Author and Bea Second "), "the card's byline names both", card)
    d = feedparser.parse(s.get("/author/%s/feed/" % slug2).body)
    check(any(e.title == "Two bylines" for e in d.entries), "the co-author's feed lists it",
          [e.title for e in d.entries])
    rss = s.get("/feed/").text
    item = rss[rss.find("<title>Two bylines</title>"):]
    item = item[:item.find("</item>")]
    check("<dc:creator>Aud Author</dc:creator>\n<dc:creator>Bea Second</dc:creator>" in item,
          "RSS names both authors", item[:600])
    atom = feedparser.parse(s.get("/feed/atom/").body)
    e = [e for e in atom.entries if e.title == "Two bylines"]
    check(e and [a.get("name") for a in e[0].get("authors", [])] == ["Aud Author", "Bea Second"],
          "Atom names both authors", e[0].get("authors") if e else None)
    jf = json.loads(s.get("/feed/json/").text)
    it = [i for i in jf["items"] if i["title"] == "Two bylines"]
    check(it and [a["name"] for a in it[0]["authors"]] == ["Aud Author", "Bea Second"] and
          all(a["url"].startswith(s.base + "/author/") for a in it[0]["authors"]),
          "JSON Feed names both authors", it[0]["authors"] if it else None)
    slug1 = s.sql("SELECT slug FROM users WHERE id=?", author.id)[0][0]
    check("Two bylines" in s.get("/author/%s/" % slug1).text, "the owner's page lists it")
    # Three: "By A, B and C", set by an editor.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published", author=str(author.id),
                                                       coauthors_sent="1",
                                                       coauthor_1=str(author2.id),
                                                       coauthor_2=str(author3.id)))
    t = s.get(path).text
    m = re.search(r'<p class="byline">By (.*?) <span', t, re.S)
    text = re.sub(r"<[^>]+>", "", m.group(1)) if m else ""
    check(text == "Aud Author, Bea Second and Cal Third", "byline: By A, B and C", text)
    # A co-author gains a byline, not the right to edit.
    r = get(s, "/admin/articles/%d/" % aid, who=author2)
    check(r.status == 403, "a co-author cannot edit the owner's article", r.status)
    # A form without the field keeps the co-authors.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(author, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published"))
    check(s.sql("SELECT count(*) FROM article_authors WHERE article_id=?", aid)[0][0] == 3,
          "a save without the field keeps the co-authors")
    # The editor changes the owner: the new owner is first, the old one gone
    # from position 0.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published",
                                                       author=str(author3.id),
                                                       coauthors_sent="1",
                                                       coauthor_1=str(author2.id)))
    rows = s.sql("SELECT user_id FROM article_authors WHERE article_id=? ORDER BY position", aid)
    check(rows == [(author3.id,), (author2.id,)], "a new owner comes first", rows)
    # Removing co-authors.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published",
                                                       author=str(author3.id),
                                                       coauthors_sent="1", coauthor_1=""))
    check(s.sql("SELECT user_id FROM article_authors WHERE article_id=?", aid) ==
          [(author3.id,)], "co-authors removed")
    slug2_page = s.get("/author/%s/" % slug2).text
    check("Two bylines" not in slug2_page, "a removed co-author's page drops it")
    # An unknown account is refused, with the form.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Two bylines",
                                                       body="Shared reporting.",
                                                       status="published",
                                                       author=str(author3.id),
                                                       coauthors_sent="1", coauthor_1="99999"))
    check(r.status == 422 and "no account" in r.text, "an unknown co-author is refused",
          (r.status, form_message(r.text)))


def import_export(s):
    # The WordPress export names the owner; it still runs.
    rc, out, err = run_cli("export-wordpress", "--db", s.db, check_rc=False)
    check(rc == 0 and "<dc:creator>" in out, "export-wordpress still works", err[-500:])


def main():
    folder = tempfile.mkdtemp(prefix="byline-typo-")
    write_article(folder, "imported.md", title="Imported 'piece'", author="Ima Porter",
                  date="2026-01-02 10:00", body="Imported body.\n")

    def importer(srv):
        rc, out, err = run_cli("import-markdown", "--db", srv.db, folder, check_rc=False)
        check(rc == 0 and "1 imported" in out, "markdown import", out + err)

    s = Server(before=importer)
    try:
        rows = s.sql("SELECT x.position, u.display_name FROM article_authors x"
                     " JOIN users u ON u.id = x.user_id")
        check(rows == [(0, "Ima Porter")], "an imported article's author is its first byline",
              rows)
        check("Imported ‘piece’" in s.get("/").text, "typography on the front page's cards")
        people = accounts(s)
        aid = typography(s, people)
        corrections(s, people, aid)
        material(s, people)
        bylines(s, people)
        import_export(s)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
