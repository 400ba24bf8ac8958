"""The editor's live parts (issue 14, "The editor"): autosave and the offer
to restore it, the live preview in the site's own article template, the
desk's script under its own CSP, and a session that ends while someone
types (the sign-in form carries the text back to the editor, not saved).

- POST /admin/autosave: a writer's autosave per article (and one for their
  unsaved article), kept apart from revisions; only articles they may edit;
  limits; CSRF; signed out refused.  Opening the editor offers a newer
  autosave (Restore as a link, Dismiss as a form); saving spends it.
- POST /admin/articles/preview: the unsaved fields in the article page
  template, a contributor's raw HTML neutralised as on save.
- GET /admin/csrf: the session's token, for the script after signing in
  again.
- No-JS expiry: an editor POST with an ended session answers the sign-in
  form with the fields hidden in it; signing in gives the editor back with
  them, under the new session's token, and nothing saved."""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
from test_desk import (EVIL, form_message, get, send, session_cookie,  # noqa: E402
                       edit_form, saved_id, csrf_in, upload, png)
from test_trust import PAYLOAD, hostile, people_on  # noqa: E402


def autosave(s, who, aid, **kw):
    f = {"csrf": who.csrf, "article_id": str(aid or ""), "headline": "", "dek": "",
         "body": "", "tags": ""}
    f.update(kw)
    return send(s, "/admin/autosave", f, who=who)


def rows(s):
    return s.sql("SELECT COALESCE(article_id, 0), user_id, headline, body_src FROM autosaves "
                  "ORDER BY id")


def main():
    s = Server(settings={"timezone": "Europe/Paris"})
    try:
        people = people_on(s)
        ed, au, au2, co = people["editor"], people["author"], people["author2"], people["contrib"]

        # ---- the desk's script and its CSP; the public site has none
        r = get(s, "/admin/articles/new", who=au)
        csp = r.header("Content-Security-Policy") or ""
        check(r.status == 200 and "script-src 'self'" in csp and "'unsafe-inline'" not in csp,
              "the editor's CSP allows scripts from this origin only", csp)
        m = re.search(r'<script src="(/static/desk\.js\?v=[0-9a-f]+)" defer></script>', r.text)
        check(m is not None, "the editor loads desk.js from our origin, deferred")
        check(not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text),
              "no inline script on the editor")
        js = s.get(m.group(1)) if m else None
        check(js is not None and js.status == 200 and
              (js.header("Content-Type") or "").startswith("text/javascript") and
              b"autosave" in js.body, "desk.js is served from the binary as JavaScript")
        check('<aside class="editor-side"' in r.text and 'class="editor-main"' in r.text and
              'class="editor-bar"' in r.text, "the editor has a main column, a side panel and a bar")
        check('value="publish"' in r.text, "an author sees Publish in the bar")
        r = get(s, "/admin/articles/new", who=co)
        check('value="publish"' not in r.text and 'value="submit"' in r.text,
              "a contributor sees Submit for review instead")
        for path in ("/", "/search/?q=x", "/admin/login"):
            r = s.get(path)
            check("script-src 'none'" in (r.header("Content-Security-Policy") or "") and
                  "desk.js" not in r.text, "%s: no script, CSP script-src 'none'" % path)

        # ---- autosave of a new article: kept apart, offered, restored
        revs0 = s.sql("SELECT count(*) FROM revisions")[0][0]
        arts0 = s.sql("SELECT count(*) FROM articles")[0][0]
        r = autosave(s, au, None, headline="Ferry strike", body="First paragraph, typed.")
        j = json.loads(r.text) if r.status == 200 else {}
        check(r.status == 200 and j.get("saved_at") and j.get("time"), "autosave answers JSON",
              (r.status, r.text[:200]))
        check("no-store" in (r.header("Cache-Control") or ""), "…never cached")
        r = autosave(s, au, None, headline="Ferry strike", body="First paragraph, typed again.")
        check(rows(s) == [(0, au.id, "Ferry strike", "First paragraph, typed again.")],
              "one autosave per writer for an unsaved article, replaced", rows(s))
        check(s.sql("SELECT count(*) FROM revisions")[0][0] == revs0 and
              s.sql("SELECT count(*) FROM articles")[0][0] == arts0,
              "autosaving writes no revision and makes no article")
        r = get(s, "/admin/articles/new", who=au)
        check('href="/admin/articles/new?autosave=restore"' in r.text and
              'action="/admin/autosave/dismiss"' in r.text,
              "a new article offers the writer's autosave (Restore link, Dismiss form)")
        r = get(s, "/admin/articles/new", who=au2)
        check("autosave=restore" not in r.text, "…only to that writer")
        r = get(s, "/admin/articles/new?autosave=restore", who=au)
        check(">First paragraph, typed again.</textarea>" in r.text and
              'value="Ferry strike"' in r.text and "not saved" in r.text,
              "Restore fills the form and says it is not saved yet")
        # Saving the new article spends the autosave.
        r = send(s, "/admin/articles/new", edit_form(au, headline="Ferry strike",
                                                     body="First paragraph, typed again."))
        aid, _ = saved_id(r)
        check(aid and rows(s) == [], "saving the article deletes its autosave", rows(s))

        # ---- autosave of an existing article
        r = autosave(s, au, aid, headline="Ferry strike ends", body="Newer text.", tags="Ferries")
        check(r.status == 200, "the author autosaves their article", r.status)
        r = get(s, "/admin/articles/%d/" % aid, who=au)
        check("/admin/articles/%d/?autosave=restore" % aid in r.text,
              "opening the article offers its newer autosave")
        when = re.search(r"autosave of this article from ([^<]+?), newer", r.text)
        check(when and re.search(r"\d{2}:\d{2}$", when.group(1)),
              "…with a readable local time", when and when.group(1))
        r = get(s, "/admin/articles/%d/?autosave=restore" % aid, who=au)
        check(">Newer text.</textarea>" in r.text and 'value="Ferries"' in r.text,
              "restoring an article's autosave fills headline, body and tags")
        check(s.sql("SELECT body_src FROM articles WHERE id=?", aid)[0][0] ==
              "First paragraph, typed again.", "…without saving the article")
        # Dismiss, as a form without script.
        r = send(s, "/admin/autosave/dismiss", {"csrf": au.csrf, "article_id": str(aid)}, who=au)
        check(r.status == 303 and (r.header("Location") or "").startswith(
            "/admin/articles/%d/?done=" % aid) and rows(s) == [],
            "Dismiss deletes the autosave and goes back to the editor", (r.status, rows(s)))
        # Same text as the article: nothing to offer.
        autosave(s, au, aid, headline="Ferry strike", body="First paragraph, typed again.")
        r = get(s, "/admin/articles/%d/" % aid, who=au)
        check("autosave=restore" not in r.text, "an autosave equal to the article is not offered")
        send(s, "/admin/autosave/dismiss", {"csrf": au.csrf, "article_id": str(aid)}, who=au)

        # ---- who may autosave what
        r = autosave(s, au2, aid, headline="Hijack", body="Not mine.")
        check(r.status == 403 and rows(s) == [], "another author cannot autosave my article",
              (r.status, rows(s)))
        r = autosave(s, ed, aid, headline="Edited", body="An editor may.")
        check(r.status == 200, "an editor may autosave anyone's article", r.status)
        r = get(s, "/admin/articles/%d/" % aid, who=au)
        check("autosave=restore" not in r.text, "the editor's autosave is not offered to the author")
        r = autosave(s, au, 999999, headline="x", body="y")
        check(r.status == 404, "autosave of an unknown article: 404", r.status)
        r = autosave(s, au, "abc", headline="x", body="y")
        check(r.status == 404, "autosave with a bad id: 404", r.status)
        r = autosave(s, au, None, headline="h" * 301, body="y")
        check(r.status == 422 and "300" in json.loads(r.text).get("error", ""),
              "an over-long headline is refused with the limit said", r.text[:200])
        r = autosave(s, au, None, headline="ok", body="b" * (1024 * 1024 + 1))
        check(r.status == 422, "a body over 1 MB is refused", r.status)
        # CSRF and signed out.
        before = rows(s)
        r = autosave(s, au, None, csrf="f" * 32, headline="Forged", body="forged")
        check(r.status == 403 and rows(s) == before, "autosave with a wrong token: 403, nothing kept")
        r = send(s, "/admin/autosave", {"csrf": au.csrf, "headline": "Cross", "body": "x"},
                 who=au, headers={"Origin": EVIL})
        check(r.status == 403 and rows(s) == before, "cross-origin autosave: 403")
        r = send(s, "/admin/autosave", {"csrf": au.csrf, "headline": "Out", "body": "x"},
                 cookie="0" * 32)
        check(r.status == 403 and "not signed in" in r.text and rows(s) == before,
              "signed-out autosave: 403 that says to sign in", r.status)
        big = "z" * (20 * 1024)
        r = send(s, "/admin/autosave", {"csrf": "x", "headline": "Out", "body": big})
        check(r.status == 403 and len(r.body) < 12 * 1024,
              "a signed-out autosave over 8 KB is refused unread", (r.status, len(r.body)))

        # ---- the token, for the script after signing in again
        r = get(s, "/admin/csrf", who=au)
        check(r.status == 200 and json.loads(r.text).get("csrf") == au.csrf and
              "no-store" in (r.header("Cache-Control") or ""),
              "GET /admin/csrf gives the session's token, not cached")
        r = s.get("/admin/csrf")
        check(r.status == 303 and '"csrf"' not in r.text, "…and nothing to a signed-out client")

        # ---- the live preview: the site's own article page
        r = send(s, "/admin/articles/preview", {"csrf": au.csrf, "article_id": "",
                                                "headline": "Preview headline",
                                                "dek": "A standfirst", "body": "Some *words*."},
                 who=au)
        check(r.status == 200 and "<em>words</em>" in r.text and "Preview headline" in r.text and
              'class="article' in r.text and "style.css" in r.text,
              "the preview renders the article template with the site's stylesheet", r.status)
        check("no-store" in (r.header("Cache-Control") or "") and
              r.header("X-Robots-Tag") == "noindex" and
              "script-src 'none'" in (r.header("Content-Security-Policy") or ""),
              "…private, noindex, and no script runs in it")
        # A contributor's raw HTML is neutralised, as on save; an editor's is kept.
        r = send(s, "/admin/articles/preview", {"csrf": co.csrf, "headline": "x", "dek": "",
                                                "body": PAYLOAD}, who=co)
        check(r.status == 200 and not hostile(r.text) and "<b>kept bold</b>" in r.text,
              "a contributor's raw HTML is neutralised in the live preview", hostile(r.text))
        r = send(s, "/admin/articles/preview", {"csrf": ed.csrf, "headline": "x", "dek": "",
                                                "body": "<aside>editor html</aside>"}, who=ed)
        check("<aside>editor html</aside>" in r.text, "an editor's raw HTML is kept in the preview")
        r = send(s, "/admin/articles/preview", {"csrf": au2.csrf, "article_id": str(aid),
                                                "headline": "x", "dek": "", "body": "y"}, who=au2)
        check(r.status == 403, "another author cannot preview my article's changes", r.status)
        r = send(s, "/admin/articles/preview", {"csrf": au.csrf, "headline": "x", "dek": "",
                                                "body": "y"}, who=au, headers={"Origin": EVIL})
        check(r.status == 403, "cross-origin preview: 403", r.status)
        r = send(s, "/admin/articles/preview", {"csrf": au.csrf, "headline": "x", "dek": "",
                                                "body": "y"}, cookie="0" * 32)
        check(r.status == 403, "signed-out preview: 403", r.status)
        r = send(s, "/admin/articles/preview", {"csrf": au.csrf, "headline": "x"}, who=au)
        check(r.status == 422, "a preview without its fields: 422", r.status)

        # ---- revisions: every field Restore changes, word-level, local times
        upload(s, ed, png(4, 3, (10, 20, 30)), "one.png", "image/png")
        upload(s, ed, png(5, 3, (40, 50, 60)), "two.png", "image/png")
        m1, m2 = [r[0] for r in s.sql("SELECT id FROM media ORDER BY id")[-2:]]
        r = send(s, "/admin/articles/new", edit_form(
            ed, headline="Tide tables revised", body="The harbour master said on Monday.\n\n"
            "Second paragraph stays.\n", tags="Harbour, Tides", new_section="Maritime",
            featured_media=str(m1), featured_alt="A first photo"))
        rid, _ = saved_id(r)
        sec = s.sql("SELECT section_id FROM articles WHERE id=?", rid)[0][0]
        first = s.sql("SELECT max(id) FROM revisions WHERE article_id=?", rid)[0][0]
        # Same text, tags re-ordered: no change shown.
        send(s, "/admin/articles/%d/" % rid, edit_form(
            ed, headline="Tide tables revised", body="The harbour master said on Monday.\n\n"
            "Second paragraph stays.\n", tags="Tides, Harbour", section=str(sec),
            featured_media=str(m1), featured_alt="A first photo"))
        r = get(s, "/admin/articles/%d/revisions/%d/" % (rid, first), who=ed)
        check(r.status == 200 and "is the same as the article now" in r.text and
              "<h2>Tags</h2>" not in r.text, "re-ordering tags is not a change", r.status)
        when = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', r.text)
        check(when and re.search(r", \d{2}:\d{2}$", when.group(2)) and
              when.group(1) != when.group(2), "the revision's time is readable and local",
              when and when.groups())
        # Change every field Restore restores.
        send(s, "/admin/articles/%d/" % rid, edit_form(
            ed, headline="Tide tables corrected", body="The harbour master said on Tuesday.\n\n"
            "Second paragraph stays.\n", tags="Harbour, Storms", new_section="Weather",
            featured_media=str(m2), featured_alt="A second photo", slug="tide-tables"))
        r = get(s, "/admin/articles/%d/revisions/%d/" % (rid, first), who=ed)
        t = r.text
        for label in ("Headline", "Slug", "Section", "Tags", "Featured image alt text", "Body",
                      "Featured image"):
            check("<h2>%s</h2>" % label in t, "the diff shows the %s Restore changes" % label)
        check("<del>revised</del>" in t and "<ins>corrected</ins>" in t and
              "<del>Monday</del>" in t and "<ins>Tuesday</ins>" in t,
              "changed words are marked within the changed lines")
        check("<del>The harbour master said on Monday.</del>" not in t,
              "…not whole lines")
        check("<del>Tides</del>" in t and "<ins>Storms</ins>" in t and
              "<del>Maritime</del>" in t and "<ins>Weather</ins>" in t,
              "tags and sections show by name")
        imgs = re.findall(r'<img src="(/media/[^"]+)"[^>]*class="thumb"', t)
        urls = [s.sql("SELECT hash, ext FROM media WHERE id=?", m)[0] for m in (m1, m2)]
        check(len(imgs) == 2 and all(h in imgs[i] for i, (h, _) in enumerate(urls)),
              "the featured image then and now are both shown", imgs)
        r = send(s, "/admin/articles/%d/revisions/%d/" % (rid, first), {"csrf": ed.csrf}, who=ed)
        row = s.sql("SELECT headline, featured_media_id, featured_alt, section_id FROM articles "
                    "WHERE id=?", rid)[0]
        check(r.status == 303 and row == ("Tide tables revised", m1, "A first photo", sec),
              "Restore restores what the diff showed", row)

        # ---- no-JS: the session ends while typing
        typed = edit_form(au, headline="Council <votes> tonight", body="An hour's work & more.",
                          tags="Council, Budget", dek="The standfirst")
        old_csrf = au.csrf
        s.sql("DELETE FROM sessions WHERE user_id=?", au.id)
        arts_before = s.sql("SELECT count(*), max(updated_at) FROM articles")
        r = send(s, "/admin/articles/%d/" % aid, typed, mp=True)
        check(r.status == 403 and 'action="/admin/login"' in r.text and
              "not signed in" in (form_message(r.text) or ""),
              "an editor post after the session ended answers the sign-in form", r.status)
        carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text))
        check(carried.get("headline") == "Council &lt;votes&gt; tonight" and
              carried.get("body") == "An hour&#39;s work &amp; more." or
              carried.get("body") == "An hour's work &amp; more.",
              "…carrying the typed fields, hidden and escaped", carried)
        check("csrf" not in carried and carried.get("next") == "/admin/articles/%d/" % aid and
              carried.get("carry") == "1", "…without the old token, returning to the editor")
        check(s.sql("SELECT count(*), max(updated_at) FROM articles") == arts_before,
              "…and nothing saved")
        # Signing in with the carried fields gives the editor back with them.
        form = [(k, v) for k, v in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text)]
        import html as _html
        form = [(k, _html.unescape(v)) for k, v in form]
        form += [("email", au.email), ("password", au.pw)]
        r = s.post("/admin/login", urllib.parse.urlencode(form).encode(),
                   headers={"Origin": s.base,
                            "Content-Type": "application/x-www-form-urlencoded"})
        cookie, _ = session_cookie(r)
        new_csrf = csrf_in(r.text)
        check(r.status == 200 and cookie and 'value="Council &lt;votes&gt; tonight"' in r.text and
              ">An hour&#39;s work &amp; more.</textarea>" in r.text.replace("'", "&#39;") and
              'value="Council, Budget"' in r.text,
              "signing in again gives the editor back with the typed text", (r.status, r.text[:300]))
        check("not saved yet" in r.text, "…saying it is not saved yet")
        check(s.sql("SELECT body_src FROM articles WHERE id=?", aid)[0][0] ==
              "First paragraph, typed again.", "…and nothing was saved silently")
        check(new_csrf and new_csrf != old_csrf, "…under the new session's token")
        au.cookie, au.csrf = cookie, new_csrf
        r = send(s, "/admin/articles/%d/" % aid, edit_form(au, headline="Council votes tonight",
                                                            body="An hour's work & more.",
                                                            csrf=old_csrf))
        check(r.status == 403, "the old session's token is refused after signing in again",
              r.status)
        r = send(s, "/admin/articles/%d/" % aid, edit_form(au, headline="Council votes tonight",
                                                            body="An hour's work & more."))
        check(r.status == 303 and s.sql("SELECT body_src FROM articles WHERE id=?", aid)[0][0] ==
              "An hour's work & more.", "…the new one saves it", r.status)
        # A wrong password keeps carrying the fields.
        s.sql("DELETE FROM sessions WHERE user_id=?", au.id)
        r = send(s, "/admin/articles/new", edit_form(au, headline="Another", body="Kept text."))
        form = [(k, _html.unescape(v)) for k, v in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text)]
        r = s.post("/admin/login", urllib.parse.urlencode(
            form + [("email", au.email), ("password", "wrong password here")]).encode(),
            headers={"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"})
        check(r.status == 422 and 'name="body" value="Kept text."' in r.text,
              "a wrong password keeps carrying the text", r.status)
        # A carry flag with no fields is a plain sign-in (no empty editor to save over).
        r = s.post("/admin/login", urllib.parse.urlencode(
            [("carry", "1"), ("next", "/admin/articles/%d/" % aid), ("email", au.email),
             ("password", au.pw)]).encode(),
            headers={"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"})
        check(r.status == 303 and r.header("Location") == "/admin/articles/%d/" % aid,
              "a sign-in that carries nothing goes to the editor as saved", r.status)
        # Someone else signing in cannot be handed another's article.
        s.sql("DELETE FROM sessions WHERE user_id=?", au.id)
        r = send(s, "/admin/articles/%d/" % aid, edit_form(au, headline="Mine", body="Mine."))
        form = [(k, _html.unescape(v)) for k, v in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text)]
        r = s.post("/admin/login", urllib.parse.urlencode(
            form + [("email", au2.email), ("password", au2.pw)]).encode(),
            headers={"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"})
        check(r.status == 403 and 'name="csrf"' not in r.text.split("<main", 1)[-1][:0] and
              s.sql("SELECT headline FROM articles WHERE id=?", aid)[0][0] != "Mine",
              "another account signing in with the carried form may not edit the article",
              r.status)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
