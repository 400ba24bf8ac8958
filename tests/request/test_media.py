"""The media library (issue 13): the grid with each image's file name, title,
caption, credit, alt text, size and uses; search and pages; uploads of
several files (the file name recorded); one image's screen (describe,
replace everywhere it is used, delete refused while used); the picker the
editor opens without JavaScript, which carries what was typed there and
back; the featured image uploaded with Preview kept; who may do what, for
every role and signed out."""
import hashlib
import os
import re
import sys
import html as htmlmod

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
import test_desk as D  # noqa: E402

NONE, CONTRIB, AUTHOR, EDITOR, ADMIN = D.NONE, D.CONTRIB, D.AUTHOR, D.EDITOR, D.ADMIN


def people(s):
    out = {}
    for key, role in (("admin", ADMIN), ("editor", EDITOR), ("author", AUTHOR),
                      ("author2", AUTHOR), ("contrib", CONTRIB)):
        w = D.Who(role, "%s@example.com" % key, "Media %s" % key.title(), "media password " + key)
        rc, o, e = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                           "--role", D.ROLE_NAMES[role], check_rc=False)
        tok = D.link_token(o)
        s.post("/admin/password", {"token": tok, "password": w.pw, "password2": w.pw},
               headers={"Origin": s.base})
        w.cookie, w.csrf = D.sign_in(s, w)
        w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
        out[key] = w
    return out


def upload(s, who, files):
    """files: [(name, bytes)]"""
    return D.send(s, "/admin/media/", [("csrf", who.csrf)], who=who,
                  files=[("file", n, "application/octet-stream", b) for n, b in files])


def png(seed, w=6, h=4):
    return D.png(w, h, (seed % 256, (seed * 7) % 256, (seed * 13) % 256))


def media_id(s, name):
    """The image first uploaded under this file name (a stored file's hash
    is not the upload's: the bytes are saved again without metadata)."""
    row = s.sql("SELECT id FROM media WHERE original_name=?", name)
    return row[0][0] if row else None


def media_hash(s, mid):
    return s.sql("SELECT hash FROM media WHERE id=?", mid)[0][0]


def hidden(html, name):
    m = re.search(r'<input type="hidden"[^>]*name="%s" value="([^"]*)"' % re.escape(name), html)
    return htmlmod.unescape(m.group(1)) if m else None


def field_value(html, id_):
    m = re.search(r'id="%s"[^>]*value="([^"]*)"' % re.escape(id_), html)
    return htmlmod.unescape(m.group(1)) if m else None


def textarea(html, id_):
    m = re.search(r'<textarea id="%s"[^>]*>(.*?)</textarea>' % re.escape(id_), html, re.S)
    return htmlmod.unescape(m.group(1)) if m else None


def save_article(s, who, **kw):
    r = D.send(s, "/admin/articles/new", D.edit_form(who, **kw))
    aid, _ = D.saved_id(r)
    check(r.status == 303 and aid, "article saved: %s" % kw.get("headline"),
          (r.status, D.form_message(r.text)))
    return aid


# ---------------------------------------------------------------- Preview

def preview_keeps_upload(s, p):
    """Choose a file, press Preview, then Save: the article had no image and
    its alt text was gone (the upload was dropped on Preview)."""
    author = p["author"]
    img = png(201, 9, 5)
    r = D.send(s, "/admin/articles/new",
               D.edit_form(author, headline="Preview keeps the photo", body="Body.",
                           featured_alt="Gulls over the breakwater", action="preview"),
               files=[("featured_file", "gulls.png", "image/png", img)])
    check(r.status == 200 and 'class="preview"' in r.text, "preview with a chosen file: 200",
          (r.status, D.form_message(r.text)))
    mid = media_id(s, "gulls.png")
    check(mid is not None, "the file chosen before Preview is stored")
    check(hidden(r.text, "featured_media") == str(mid),
          "the previewed form carries the stored image's id", hidden(r.text, "featured_media"))
    check(field_value(r.text, "featured_alt") == "Gulls over the breakwater",
          "the previewed form keeps the alt text")
    check(mid and '<img src="/media/%s' % media_hash(s, mid) in r.text,
          "the previewed form shows the chosen image")
    # Save, as the browser sends the previewed form: no file this time.
    r = D.send(s, "/admin/articles/new",
               D.edit_form(author, headline="Preview keeps the photo", body="Body.",
                           featured_media=hidden(r.text, "featured_media") or "",
                           featured_alt=field_value(r.text, "featured_alt") or ""), mp=True)
    aid, _ = D.saved_id(r)
    check(r.status == 303 and aid, "save after preview: 303", (r.status, D.form_message(r.text)))
    row = s.sql("SELECT featured_media_id, featured_alt FROM articles WHERE id=?", aid)
    check(row == [(mid, "Gulls over the breakwater")],
          "after Preview then Save the article has the image and its alt text", row)
    name = s.sql("SELECT original_name, title FROM media WHERE id=?", mid)
    check(name == [("gulls.png", "gulls")], "the editor's upload records its file name", name)


# ---------------------------------------------------------------- library

def library(s, p):
    author, author2, editor = p["author"], p["author2"], p["editor"]
    dawn, dusk = png(1), png(2)
    # Several files at once; one refused: the others kept, the refused named.
    r = upload(s, author, [("Harbour at dawn.png", dawn), ("x.jpg", D.PHP),
                           ("C:\\Users\\me\\Dusk.png", dusk)])
    check(r.status == 422 and "x.jpg" in r.text and "not an image" in r.text and
          "2 of 3 files were uploaded" in r.text,
          "a refused file among several: 422 naming it and why", (r.status, D.form_message(r.text)))
    rows = s.sql("SELECT original_name, title, uploaded_by FROM media WHERE id IN (?, ?) "
                 "ORDER BY id", media_id(s, "Harbour at dawn.png"), media_id(s, "Dusk.png"))
    check(rows == [("Harbour at dawn.png", "Harbour at dawn", author.id),
                   ("Dusk.png", "Dusk", author.id)],
          "the others are stored with their file names (a path cut to its name)", rows)
    r = upload(s, author, [("dawn-again.png", dawn)])
    check(r.status == 303 and s.sql("SELECT original_name FROM media WHERE id=?",
                                    media_id(s, "Harbour at dawn.png")) ==
          [("Harbour at dawn.png",)],
          "the same bytes again: the first name stays")
    check((r.header("Location") or "").startswith("/admin/media/%d/" % media_id(s, "Harbour at dawn.png")),
          "one file uploaded: to its own screen", r.header("Location"))
    r = upload(s, author, [])
    check(r.status == 422 and "Choose one or more" in r.text, "no file: 422 with a sentence",
          r.status)
    three = [("tide-%d.png" % i, png(10 + i)) for i in range(3)]
    r = upload(s, author2, three)
    check(r.status == 303 and r.header("Location") == "/admin/media/?done=uploaded",
          "three files at once: 303 to the library", (r.status, r.header("Location")))
    check(all(media_id(s, n) for n, _ in three), "three files stored")

    page = D.get(s, "/admin/media/?mine=1", who=author2).text
    check(page.count('class="media-tile"') == 3 and "tide-0.png" in page and
          "Harbour at dawn" not in page and 'aria-current="page">Uploaded by me' in page,
          "Uploaded by me: only this author's uploads", page.count('class="media-tile"'))
    page = D.get(s, "/admin/media/?mine=1&q=tide-1", who=author2).text
    check(page.count('class="media-tile"') == 1 and 'name="mine" value="1"' in page,
          "…searched within, the search form keeping the filter")
    page = D.get(s, "/admin/media/", who=author).text
    check(page.count('class="media-tile"') >= 5, "the library is a grid of tiles")
    check("Harbour at dawn" in page and "Harbour at dawn.png" in page and "6 × 4" in page,
          "a tile shows the title, the file name and the dimensions")
    check("No alt text" in page, "a tile without alt text says so")
    check(re.search(r'<img src="/media/[0-9a-f]{64}\.png" width="6" height="4"', page),
          "thumbnails with their width and height")

    # Describe one (the uploader).
    did = media_id(s, "Harbour at dawn.png")
    r = D.send(s, "/admin/media/%d/" % did,
               [("csrf", author.csrf), ("title", "Dawn over the harbour"),
                ("caption", "Fishing boats leave at first light."),
                ("credit", "Mara Quill/Ledger"), ("copyright", "© 2026 The Ledger"),
                ("alt", "Boats leaving a harbour at dawn")], who=author)
    check(r.status == 303, "the uploader saves the details", (r.status, D.form_message(r.text)))
    row = s.sql("SELECT title, caption, credit, copyright, alt FROM media WHERE id=?", did)[0]
    check(row == ("Dawn over the harbour", "Fishing boats leave at first light.",
                  "Mara Quill/Ledger", "© 2026 The Ledger", "Boats leaving a harbour at dawn"),
          "title, caption, credit, copyright and alt stored", row)
    page = D.get(s, "/admin/media/", who=author).text
    check("Fishing boats leave at first light." in page and "Photo: Mara Quill/Ledger" in page and
          "Boats leaving a harbour at dawn" in page,
          "the grid shows caption, credit and alt text")
    # Too long: 422 with what was typed kept.
    r = D.send(s, "/admin/media/%d/" % did,
               [("csrf", author.csrf), ("title", "Kept title"), ("caption", ""), ("credit", ""),
                ("copyright", ""), ("alt", "é" * 501)], who=author)
    check(r.status == 422 and "Kept title" in r.text and 'id="alt-error"' in r.text,
          "alt text over 500 characters: 422, the form kept", (r.status, D.form_message(r.text)))
    check(s.sql("SELECT title FROM media WHERE id=?", did) == [("Dawn over the harbour",)],
          "…and nothing saved")
    # Another author sees it, cannot change it; an editor can.
    r = D.get(s, "/admin/media/%d/" % did, who=author2)
    check(r.status == 200 and 'action="/admin/media/%d/"' % did not in r.text and
          "only the images you uploaded" in r.text,
          "another author sees the image's screen without its forms", r.status)
    for path, form in (("/admin/media/%d/" % did, [("title", "Hijacked")]),
                       ("/admin/media/%d/delete" % did, []),
                       ("/admin/media/%d/replace" % did, [])):
        r = D.send(s, path, [("csrf", author2.csrf)] + form, who=author2,
                   files=[("file", "z.png", "image/png", png(99))] if "replace" in path else ())
        check(r.status == 403 and "only the images you uploaded" in r.text,
              "another author: %s refused 403" % path, r.status)
    check(s.sql("SELECT title FROM media WHERE id=?", did) == [("Dawn over the harbour",)] and
          media_id(s, "z.png") is None, "…changing nothing")
    r = D.send(s, "/admin/media/%d/" % did,
               [("csrf", editor.csrf), ("title", "Dawn over the harbour"),
                ("caption", "Fishing boats leave at first light."), ("credit", "Mara Quill/Ledger"),
                ("copyright", "© 2026 The Ledger"), ("alt", "Boats leaving a harbour at dawn")],
               who=editor)
    check(r.status == 303, "an editor may change anyone's image", r.status)

    # Search: file name, title, caption, credit, alt; any case; LIKE's
    # wildcards taken literally.
    for q, want in (("dawn.png", True), ("DAWN OVER", True), ("first light", True),
                    ("quill", True), ("boats leaving", True), ("tide-1", False),
                    ("%", False), ("_", False)):
        r = D.get(s, "/admin/media/?q=" + D.urllib.parse.quote(q), who=author)
        got = "Dawn over the harbour" in r.text
        check(r.status == 200 and got == want, "search %r %s the described image" %
              (q, "finds" if want else "does not find"), r.status)
    r = D.get(s, "/admin/media/?q=tide", who=author)
    check(r.text.count('class="media-tile"') == 3, "search 'tide': the three tide images",
          r.text.count('class="media-tile"'))

    # Pages of 40: 45 images.
    extra = [("page-%d.png" % i, png(100 + i, 3, 3)) for i in range(40)]
    check(upload(s, editor, extra).status == 303, "forty more uploaded at once")
    r1 = D.get(s, "/admin/media/", who=author).text
    check(r1.count('class="media-tile"') == 40 and 'href="/admin/media/?page=2"' in r1,
          "page 1 holds 40 and links to page 2")
    total = s.sql("SELECT count(*) FROM media")[0][0]
    r2 = D.get(s, "/admin/media/?page=2", who=author).text
    check(r2.count('class="media-tile"') == total - 40 and "Harbour at dawn.png" in r2 and
          'href="/admin/media/"' in r2, "page 2 holds the rest, the oldest, and links back",
          r2.count('class="media-tile"'))
    r = D.get(s, "/admin/media/?q=PNG&page=2", who=author).text
    check('href="/admin/media/?q=PNG"' in r and "page-1.png" not in r,
          "a search's pages keep the search")
    return did


# ---------------------------------------------------------------- uses, delete, replace

def uses_delete_replace(s, p, did):
    author, editor = p["author"], p["editor"]
    dawn = s.sql("SELECT hash, ext FROM media WHERE id=?", did)[0]
    url = "/media/%s.%s" % dawn
    a1 = save_article(s, author, headline="Boats at first light", body="Intro.",
                      status="published", featured_media=str(did),
                      featured_alt="Boats leaving a harbour at dawn")
    a2 = save_article(s, author, headline="Harbour diary", status="published",
                      body="Morning.\n\n![Boats](%s)\n\nEvening." % url)
    r = D.send(s, "/admin/pages/new", [("csrf", editor.csrf), ("title", "About the harbour"),
                                       ("slug", "about-harbour"), ("body", "![x](%s%s)" % (s.base, url)),
                                       ("parent", ""), ("menu_order", "0"), ("status", "published"),
                                       ("action", "save")], who=editor)
    check(r.status == 303, "a page naming the image by its absolute URL", r.status)
    pid = s.sql("SELECT id FROM pages WHERE slug='about-harbour'")[0][0]
    page = D.get(s, "/admin/media/?q=dawn", who=author).text
    check('href="/admin/articles/%d/">Boats at first light</a> <span class="how">(featured image)'
          % a1 in page, "the grid names the article using it as featured image")
    check('href="/admin/articles/%d/">Harbour diary</a> <span class="how">(in the body)' % a2
          in page, "…the article naming it in its body")
    item = D.get(s, "/admin/media/%d/" % did, who=author).text
    check('href="/admin/pages/%d/">About the harbour</a>' % pid in item,
          "the image's screen names the page using it")

    # Delete refused while used, naming where, with links.
    r = D.send(s, "/admin/media/%d/delete" % did, [("csrf", author.csrf)], who=author)
    check(r.status == 409 and "in use" in r.text and
          'href="/admin/articles/%d/">Boats at first light</a>' % a1 in r.text and
          'href="/admin/articles/%d/">Harbour diary</a>' % a2 in r.text,
          "delete while used: 409 naming where, with links", (r.status, D.form_message(r.text)))
    check(s.sql("SELECT count(*) FROM media WHERE id=?", did) == [(1,)], "…and kept")

    # Replace: the row keeps its id, takes the new bytes' address; bodies
    # are rewritten; the old address answers 301; the old file goes.
    new = png(77, 8, 6)
    old_path = os.path.join(s.dir, "byline-data", "media", dawn[0][:2], "%s.%s" % dawn)
    check(os.path.exists(old_path), "the old file is on disk before")
    art2 = D.public_url(s, a2)
    check(url in D.get(s, art2).text, "the article page shows the old address before")
    r = D.send(s, "/admin/media/%d/replace" % did, [("csrf", author.csrf)], who=author,
               files=[("file", "dawn-v2.png", "image/png", new)])
    check(r.status == 303, "replace: 303", (r.status, D.form_message(r.text)))
    newh = media_hash(s, did)
    check(newh != dawn[0], "the image has the new file's address")
    row = s.sql("SELECT id, hash, width, height, original_name, title, alt FROM media WHERE id=?",
                did)
    check(row == [(did, newh, 8, 6, "dawn-v2.png", "Dawn over the harbour",
                   "Boats leaving a harbour at dawn")],
          "the row keeps its id and description, with the new file", row)
    check(s.sql("SELECT count(*) FROM media WHERE hash=?", newh) == [(1,)], "one row for it")
    new_url = "/media/%s.png" % newh
    body = s.sql("SELECT body_src, body_html FROM articles WHERE id=?", a2)[0]
    check(new_url in body[0] and url not in body[0] and new_url in body[1] and url not in body[1],
          "the body naming the old address now names the new one (source and HTML)")
    pbody = s.sql("SELECT body_src, body_html FROM pages WHERE id=?", pid)[0]
    check(new_url in pbody[0] and new_url in pbody[1], "…and the page's")
    text = D.get(s, art2).text
    check(new_url in text and url not in text, "the public article shows the new image")
    text = D.get(s, D.public_url(s, a1)).text
    check(new_url in text, "the featured image's article shows the new image")
    r = s.get(url)
    check(r.status == 301 and r.header("Location", ) in (new_url, s.base + new_url),
          "the old address answers 301 to the new one", (r.status, r.header("Location")))
    r = s.get(new_url)
    check(r.status == 200 and (r.header("Content-Type") or "").startswith("image/png"),
          "the new address serves the new file", r.status)
    check(not os.path.exists(old_path), "the old file is removed")
    r = D.send(s, "/admin/media/%d/replace" % did, [("csrf", author.csrf)], who=author,
               files=[("file", "tide.png", "image/png", png(10))])
    check(r.status == 422 and "already in the library" in r.text,
          "replacing with another library image's bytes: 422", (r.status, D.form_message(r.text)))
    r = D.send(s, "/admin/media/%d/replace" % did, [("csrf", author.csrf)], who=author,
               files=[("file", "evil.png", "image/png", D.PHP)])
    check(r.status == 422 and "not an image" in r.text and
          s.sql("SELECT hash FROM media WHERE id=?", did) == [(newh,)],
          "replacing with a non-image: 422, nothing changed", r.status)
    # Replaced twice: the first address still reaches the newest in one hop.
    newer = png(78, 8, 6)
    r = D.send(s, "/admin/media/%d/replace" % did, [("csrf", author.csrf)], who=author,
               files=[("file", "dawn-v3.png", "image/png", newer)])
    newer_url = "/media/%s.png" % media_hash(s, did)
    check(r.status == 303 and s.get(url).header("Location") in (newer_url, s.base + newer_url),
          "replaced twice: the first address redirects to the newest in one hop")

    # Unused: deleted, file and all.
    lone = png(5)
    upload(s, author, [("lone.png", lone)])
    lid = media_id(s, "lone.png")
    lhash = media_hash(s, lid)
    lpath = os.path.join(s.dir, "byline-data", "media", lhash[:2], lhash + ".png")
    check(os.path.exists(lpath), "the unused image's file is on disk before")
    r = D.send(s, "/admin/media/%d/delete" % lid, [("csrf", author.csrf)], who=author)
    check(r.status == 303 and s.sql("SELECT count(*) FROM media WHERE id=?", lid) == [(0,)] and
          not os.path.exists(lpath), "an unused image is deleted, file and all", r.status)
    check(D.get(s, "/admin/media/%d/" % lid, who=author).status == 404, "…its screen is 404")

    # An image once featured, then taken off and deleted: the old revision
    # still restores (without the image), not a 409 from the foreign key.
    upload(s, author, [("once.png", png(6))])
    oid = media_id(s, "once.png")
    aid = save_article(s, author, headline="Once had a photo", body="Body.",
                       featured_media=str(oid), featured_alt="Once")
    r = D.send(s, "/admin/articles/%d/" % aid, D.edit_form(author, headline="Once had a photo",
                                                          body="Body, no photo."))
    check(r.status == 303, "the photo taken off the article", r.status)
    r = D.send(s, "/admin/media/%d/delete" % oid, [("csrf", author.csrf)], who=author)
    check(r.status == 303, "…then deleted", (r.status, D.form_message(r.text)))
    rev = s.sql("SELECT min(id) FROM revisions WHERE article_id=?", aid)[0][0]
    r = D.send(s, "/admin/articles/%d/revisions/%d/" % (aid, rev), [("csrf", author.csrf)],
               who=author)
    check(r.status == 303 and s.sql("SELECT body_src, featured_media_id FROM articles WHERE id=?",
                                    aid) == [("Body.", None)],
          "the revision that had it restores, without the image", (r.status, r.text[:200]))


def replace_variants(s, p):
    """A replaced image's variants (the smaller copies pages offer) go with
    its old file: their addresses answer 301 to the new file, and the new
    file's are made."""
    import time
    author = p["author"]
    upload(s, author, [("wide.png", D.png(700, 20, (9, 90, 190)))])
    wid = media_id(s, "wide.png")

    def made(hash_):
        end = time.time() + 60
        while time.time() < end:
            rows = s.sql("SELECT m.variants_at, count(v.suffix) FROM media m LEFT JOIN "
                         "media_variants v ON v.media_id = m.id WHERE m.id=? AND m.hash=? "
                         "GROUP BY m.variants_at",
                         wid, hash_)
            if rows and rows[0][0] and rows[0][1]:
                return rows[0][1]
            time.sleep(0.2)
        return 0
    old = media_hash(s, wid)
    check(made(old) > 0, "the wide image's variants are made")
    vrows = s.sql("SELECT suffix, ext FROM media_variants WHERE media_id=?", wid)
    vfiles = [os.path.join(s.dir, "byline-data", "media", old[:2], "%s-%s.%s" % (old, x, e))
              for x, e in vrows]
    check(vfiles and all(os.path.exists(f) for f in vfiles), "their files are on disk")
    grid = D.get(s, "/admin/media/?q=wide", who=author).text
    check('src="/media/%s-320.png"' % old in grid, "the grid's thumbnail is the 320 px variant")
    r = D.send(s, "/admin/media/%d/replace" % wid, [("csrf", author.csrf)], who=author,
               files=[("file", "wide-2.png", "image/png", D.png(800, 20, (190, 90, 9)))])
    check(r.status == 303, "the wide image replaced", (r.status, D.form_message(r.text)))
    new = media_hash(s, wid)
    check(not any(os.path.exists(f) for f in vfiles), "the old variants' files are removed")
    x, e = vrows[0]
    r = s.get("/media/%s-%s.%s" % (old, x, e))
    check(r.status == 301 and (r.header("Location") or "").endswith("/media/%s.png" % new),
          "an old variant's address answers 301 to the new file", (r.status, r.header("Location")))
    check(made(new) > 0, "the new file's variants are made")
    nrows = s.sql("SELECT suffix, ext FROM media_variants WHERE media_id=?", wid)
    check(nrows and all(os.path.exists(os.path.join(s.dir, "byline-data", "media", new[:2],
                                                    "%s-%s.%s" % (new, x, e))) for x, e in nrows),
          "…named after the new file, on disk", nrows)


# ---------------------------------------------------------------- picker

def picker(s, p, did):
    author, contrib = p["author"], p["contrib"]
    n_articles = s.sql("SELECT count(*) FROM articles")[0][0]
    typed = D.edit_form(author, headline="Typed, not saved", body="First paragraph typed.",
                        tags="Ports, Weather", dek="A standfirst <b>typed</b> & kept",
                        featured_alt="")
    form = list(typed) + [("return", "/admin/articles/new"), ("pick", "featured"), ("q", "dawn")]
    form = [kv for kv in form if kv[0] != "action"]
    r = D.send(s, "/admin/media/pick", D.Fields(form, author), mp=True)
    check(r.status == 200 and "Choose the featured image" in r.text,
          "the editor's form posted to the picker: 200", (r.status, D.form_message(r.text)))
    for k, v in (("headline", "Typed, not saved"), ("body", "First paragraph typed."),
                 ("tags", "Ports, Weather"), ("dek", "A standfirst <b>typed</b> & kept")):
        check(hidden(r.text, k) == v, "the picker carries %s" % k, hidden(r.text, k))
    check(hidden(r.text, "featured_media") is None, "…but not the featured image it replaces")
    check('formaction="/admin/articles/new" name="featured_media" value="%d"' % did in r.text,
          "each image is a button back to the editor")
    check(s.sql("SELECT count(*) FROM articles")[0][0] == n_articles, "nothing saved")
    # The choice, back in the editor: what was typed, and the image.
    # As the browser sends it: the carried fields (never featured_media,
    # which the picker leaves out) and the button pressed.
    back = [(k, v) for k, v in form if k not in ("pick", "return", "q", "featured_media")] + \
        [("action", "resume"), ("featured_media", str(did))]
    r = D.send(s, "/admin/articles/new", D.Fields(back, author), mp=True)
    check(r.status == 200 and field_value(r.text, "headline") == "Typed, not saved" and
          textarea(r.text, "body") == "First paragraph typed." and
          textarea(r.text, "dek") == "A standfirst <b>typed</b> & kept",
          "back in the editor with everything typed", (r.status, D.form_message(r.text)))
    check(hidden(r.text, "featured_media") == str(did), "…and the chosen featured image")
    check(field_value(r.text, "featured_alt") == "Boats leaving a harbour at dawn",
          "…its alt text offered from the library")
    check('class="form-message"' not in r.text, "no error shown on return")
    check(s.sql("SELECT count(*) FROM articles")[0][0] == n_articles, "still nothing saved")
    # "Remove" (no JavaScript): the same form again without the image.
    rm = [(k, v) for k, v in back if k != "action"] + [("action", "remove_featured")]
    r = D.send(s, "/admin/articles/new", D.Fields(rm, author), mp=True)
    check(r.status == 200 and hidden(r.text, "featured_media") == "" and
          field_value(r.text, "headline") == "Typed, not saved",
          "Remove takes the image off, keeping the rest", hidden(r.text, "featured_media"))

    # Into the body: the Markdown to copy, and a button that appends it.
    form_b = [(k, v) for k, v in form if k != "pick"] + [("pick", "body")]
    r = D.send(s, "/admin/media/pick", D.Fields(form_b, author), mp=True)
    md = "![Boats leaving a harbour at dawn](/media/"
    check(r.status == 200 and "Insert an image into the body" in r.text and
          htmlmod.escape(md, quote=True) in r.text, "body picker: the Markdown to copy")
    check('name="insert_media" value="%d"' % did in r.text, "…and a button adding it")
    back = [(k, v) for k, v in form_b if k not in ("pick", "return", "q")] + \
        [("action", "resume"), ("insert_media", str(did))]
    r = D.send(s, "/admin/articles/new", D.Fields(back, author), mp=True)
    body = textarea(r.text, "body") or ""
    check(r.status == 200 and body.startswith("First paragraph typed.\n\n" + md) and
          body.endswith(")\n"), "the image's Markdown appended to the typed body", body)

    # An existing article: back to its own editor; anything else refused.
    aid = s.sql("SELECT id FROM articles WHERE author_id=? ORDER BY id DESC LIMIT 1",
                author.id)[0][0]
    f2 = [(k, v) for k, v in form if k != "return"] + [("return", "/admin/articles/%d/" % aid)]
    r = D.send(s, "/admin/media/pick", D.Fields(f2, author), mp=True)
    check(r.status == 200 and 'formaction="/admin/articles/%d/"' % aid in r.text,
          "the picker returns to an existing article's editor")
    for bad in ("https://evil.example/", "//evil.example/admin/articles/new",
                "/admin/articles/1/../../x", "/admin/users/", ""):
        f3 = [(k, v) for k, v in form if k != "return"] + [("return", bad)]
        r = D.send(s, "/admin/media/pick", D.Fields(f3, author), mp=True)
        check(r.status == 400 and "evil" not in r.text.split("<main", 1)[-1],
              "the picker refuses to return to %r" % bad, r.status)

    # A featured file chosen before opening the picker is kept (stored).
    img = png(150, 5, 5)
    r = D.send(s, "/admin/media/pick", D.Fields(form_b, author), mp=True,
               files=[("featured_file", "chosen.png", "image/png", img)])
    mid = media_id(s, "chosen.png")
    check(r.status == 200 and mid and hidden(r.text, "featured_media") == str(mid),
          "a file chosen before the picker is stored and carried", hidden(r.text, "featured_media"))

    # Contributors choose from the library; they upload nothing.
    cform = [(k, contrib.csrf if k == "csrf" else v) for k, v in form]
    r = D.send(s, "/admin/media/pick", D.Fields(cform, contrib), mp=True,
               files=[("featured_file", "c.png", "image/png", png(151))])
    check(r.status == 200 and media_id(s, "c.png") is None and 'name="featured_file"' not in r.text,
          "a contributor's picker: no upload, nothing stored", r.status)
    r = D.get(s, "/admin/media/pick?for=featured&q=Dawn", who=contrib)
    check(r.status == 200 and 'data-media-id="%d"' % did in r.text and
          'data-media-markdown="' in r.text, "GET picker (for the script) lists images with data")
    r = D.get(s, "/admin/media/pick?for=body&q=dawn", who=contrib)
    check(r.status == 200 and r.text.count('class="media-tile"') >= 1 and
          "tide-1" not in r.text, "GET picker searches")
    ed = D.get(s, "/admin/articles/new", who=contrib).text
    check('formaction="/admin/media/pick"' in ed and 'data-media-pick="featured"' in ed and
          'data-media-pick="body"' in ed and
          re.search(r'<script src="/static/media-picker\.js\?v=[0-9a-f]+" defer>', ed),
          "the editor has both picker buttons and loads the script")
    # Desk pages that pick no image load no script (the inbox, the dashboard).
    for path in ("/admin/", "/admin/comments/"):
        page = D.get(s, path, who=contrib).text
        check("<script" not in page.replace('<script type="application/ld+json">', ""),
              "%s loads no script" % path)
    r = s.get("/static/media-picker.js")
    check(r.status == 200 and "javascript" in (r.header("Content-Type") or ""),
          "the script is served from our origin")
    csp = D.get(s, "/admin/articles/new", who=contrib).header("Content-Security-Policy") or ""
    check("script-src 'self'" in csp, "desk pages allow our own scripts", csp)
    csp = s.get("/").header("Content-Security-Policy") or ""
    check("script-src 'none'" in csp, "public pages still run none", csp)


# ---------------------------------------------------------------- who may

def roles(s, p, did):
    """Every media route, every role, signed out."""
    mine = {CONTRIB: p["contrib"], AUTHOR: p["author"], EDITOR: p["editor"], ADMIN: p["admin"]}
    routes = [
        ("GET", "/admin/media/", AUTHOR, 200),
        ("GET", "/admin/media/{mid}/", AUTHOR, 200),
        ("GET", "/admin/media/pick?for=featured", CONTRIB, 200),
        ("POST", "/admin/media/", AUTHOR, 303),
        ("POST", "/admin/media/{mid}/", AUTHOR, 303),
        ("POST", "/admin/media/{mid}/replace", AUTHOR, 303),
        ("POST", "/admin/media/{mid}/delete", AUTHOR, 303),
        ("POST", "/admin/media/pick", CONTRIB, 200),
    ]
    seed = [300]
    for method, pattern, need, want in routes:
        for level in (NONE, CONTRIB, AUTHOR, EDITOR, ADMIN):
            who = mine.get(level)
            # The author's own image (others' are for test "library").
            seed[0] += 1
            owner = who if level >= AUTHOR else p["author"]
            own = png(seed[0])
            upload(s, owner, [("own-%d.png" % seed[0], own)])
            mid = media_id(s, "own-%d.png" % seed[0])
            path = pattern.format(mid=mid)
            name = "%s %s as %s" % (method, pattern, D.LEVEL_NAMES[level])
            cookie = who.cookie if who else None
            csrf = who.csrf if who else "0" * 32
            files = ()
            form = [("csrf", csrf)]
            if pattern == "/admin/media/":
                files = [("file", "r.png", "image/png", png(seed[0] + 5000))]
            elif pattern.endswith("/replace"):
                files = [("file", "r.png", "image/png", png(seed[0] + 9000))]
            elif pattern == "/admin/media/{mid}/":
                form += [("title", "T%d" % seed[0]), ("caption", ""), ("credit", ""),
                         ("copyright", ""), ("alt", "")]
            elif pattern == "/admin/media/pick":
                form += [("return", "/admin/articles/new"), ("pick", "featured"),
                         ("headline", "h")]
            # Row by row in id order (group_concat's order is unspecified, and
            # on PostgreSQL follows the rows' places, which the variant worker's
            # updates move).
            before = s.sql("SELECT id, hash, title FROM media ORDER BY id")
            if method == "GET":
                r = D.get(s, path, cookie=cookie)
            else:
                r = D.send(s, path, form, cookie=cookie, files=files, mp=True)
            if level == NONE and method == "GET":
                check(r.status == 303 and (r.header("Location") or "").startswith(
                      "/admin/login?next="), name + ": 303 to sign-in", r.status)
            elif level < need:
                check(r.status == 403, name + ": 403", r.status)
                if method == "POST":
                    check(s.sql("SELECT id, hash, title FROM media ORDER BY id") == before,
                          name + ": nothing changed")
            else:
                check(r.status == want, name + ": %d" % want,
                      (r.status, r.header("Location"), D.form_message(r.text)))
    # CSRF: every media POST without the token, with another session's,
    # and from another origin.
    author, editor = p["author"], p["editor"]
    seed[0] += 1
    own = png(seed[0])
    upload(s, author, [("csrf.png", own)])
    mid = media_id(s, "csrf.png")
    for path in ("/admin/media/", "/admin/media/%d/" % mid, "/admin/media/%d/replace" % mid,
                 "/admin/media/%d/delete" % mid, "/admin/media/pick"):
        for what, form, headers in (("no token", [], {}),
                                    ("another session's token", [("csrf", editor.csrf)], {}),
                                    ("another origin", [("csrf", author.csrf)],
                                     {"Origin": D.EVIL})):
            before = s.sql("SELECT id, hash, title FROM media ORDER BY id")
            r = D.send(s, path, form + [("title", "forged"), ("return", "/admin/articles/new")],
                       who=author, headers=headers, mp=True,
                       files=[("file", "f.png", "image/png", png(seed[0] + 1))])
            check(r.status == 403, "%s with %s: 403" % (path, what), r.status)
            check(s.sql("SELECT id, hash, title FROM media ORDER BY id") == before,
                  "%s with %s: nothing changed" % (path, what))
    check(s.sql("SELECT count(*) FROM media WHERE id=?", mid) == [(1,)], "the image survived")


def main():
    s = Server()
    try:
        p = people(s)
        preview_keeps_upload(s, p)
        did = library(s, p)
        uses_delete_replace(s, p, did)
        replace_variants(s, p)
        picker(s, p, did)
        roles(s, p, did)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
