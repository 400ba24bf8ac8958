"""Words the code puts around other words, in the site's language (issues
15 and 16): the separators of a byline with several authors ("By A, B and
C") and the still shown in place of an embed until the reader loads it.

Pinned: bylines joined names with " and " and ", " in English whatever the
`language` setting said ("Von A and B"), the home page's and archives'
leads named the first author alone ("By" untranslated on archives), and
the still said "Load it from …", "Nothing is loaded from … until you
choose to." and "Open it on …" in English on every site.

One demo site, its language switched in the desk as an editor would: each
change shows at the next request (the page cache dropped)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
from test_settings import as_post, form_fields, get, post, sign_in_admin  # noqa: E402

ARTICLE = "/2026/10/25/second-reading-budget-promises/"
FSI, PDI = "\u2068", "\u2069"


EMBED = "https://video.example/watch/harbour"


def three_authors(srv):
    """The demo's budget story written by three: its owner, then two; and
    an embedded video after its text, as a save leaves it (the link's
    paragraph in the body, the provider's answer in the embeds table:
    test_embeds.py asks a provider for real)."""
    aid = srv.sql("SELECT id FROM articles WHERE slug = 'second-reading-budget-promises'")[0][0]
    srv.sql("UPDATE articles SET body_src = body_src || ?, body_html = body_html || ?"
            " WHERE id = ?", "\n\n" + EMBED + "\n", "<p>%s</p>\n" % EMBED, aid)
    srv.sql("INSERT INTO embeds(url, provider, title, frame_src, width, height, error,"
            " fetched_at) VALUES (?, 'FakeTube', 'Harbour tour', ?, 640, 360, '', ?)",
            EMBED, "https://video.example/player/harbour", int(time.time()))
    for pos, slug in ((1, "tobias-renwick"), (2, "priya-halvorsen")):
        uid = srv.sql("SELECT id FROM users WHERE slug = ?", slug)[0][0]
        srv.sql("INSERT INTO article_authors(article_id, user_id, position) VALUES (?, ?, ?)",
                aid, uid, pos)


def byline(page):
    m = re.search(r'<p class="byline">(.*?)<span aria-hidden="true">', page, re.S)
    return m.group(1) if m else ""


def names(iso=False):
    n = ["Marguerite Dunne", "Tobias Renwick", "Priya Halvorsen"]
    return [FSI + x + PDI for x in n] if iso else n


def joined(seps, iso=False):
    """The byline's names as links, with seps[0] and seps[1] between."""
    a, b, c = names(iso)
    return re.compile(r'>%s</a>%s<a [^>]*>%s</a>%s<a [^>]*>%s</a>' % (
        re.escape(a), re.escape(seps[0]), re.escape(b), re.escape(seps[1]), re.escape(c)))


def still(page):
    m = re.search(r'<figure class="embed-still">.*?</figure>', page, re.S)
    return m.group(0) if m else ""


def card(s, path):
    """The budget story's card on path: its meta line."""
    page = s.get(path).text
    for m in re.finditer(r'<p class="card-meta">(.*?)</p>', page, re.S):
        if "marguerite-dunne" in m.group(1) and "tobias-renwick" in m.group(1):
            return m.group(1)
    return ""


def set_language(s, cookie, csrf, lang):
    fields = form_fields(get(s, "/admin/settings", cookie).text)
    r = post(s, "/admin/settings", as_post(fields, csrf, language=lang), cookie)
    check(r.status in (200, 303), "language set to %s" % lang, r.status)
    time.sleep(0.3)


def main():
    s = Server(demo=True, before=three_authors)
    try:
        # English: as before.
        page = s.get(ARTICLE).text
        check(joined((", ", " and ")).search(byline(page)),
              "English: By A, B and C", byline(page))
        st = still(page)
        check("Load it from FakeTube" in st and "Nothing is loaded from FakeTube until you "
              "choose to." in st and ">Open it on FakeTube</a>" in st, "English still", st)
        check("<iframe" not in page and "video.example/player" not in page,
              "the article names no player (loaded only on the reader's click)")

        cookie, csrf = sign_in_admin(s)
        set_language(s, cookie, csrf, "de")
        page = s.get(ARTICLE).text
        check(joined((", ", " und ")).search(byline(page)), "German: Von A, B und C",
              byline(page))
        check(" and " not in byline(page), "no English 'and' in a German byline")
        st = still(page)
        check('<span class="embed-action">Von FakeTube laden</span>' in st and
              "Von FakeTube wird nichts geladen, bis Sie es wählen." in st and
              ">Auf FakeTube öffnen</a>" in st and "Harbour tour" in st,
              "German still: its words German, the title as stored", st)
        check("Load it" not in page and "Nothing is loaded" not in page and
              "Open it on" not in page, "no English words of the still on a German page")
        meta = card(s, "/author/tobias-renwick/")
        check(re.search(r'Tobias Renwick</a> und <a', meta), "German card: und", meta)
        check("Von " in meta and " and " not in meta, "the card's words German", meta)
        meta = card(s, "/")
        check(re.search(r'Tobias Renwick</a> und <a', meta), "the home page's lead names every "
              "author, in German", meta)
        meta = card(s, "/2026/10/")
        check(meta.startswith("Von ") and re.search(r'</a>, <a[^>]*>Tobias Renwick</a> und <a',
                                                     meta),
              "the archive's lead names every author, in German", meta)

        set_language(s, cookie, csrf, "ar")
        page = s.get(ARTICLE).text
        # Waw written onto the last name, the Arabic comma between the
        # others; each name isolated so Latin names keep their order.
        check(joined(("، ", " و"), iso=True).search(byline(page)),
              "Arabic: بقلم A، B وC, names isolated", byline(page))
        st = still(page)
        prov = FSI + "FakeTube" + PDI
        check('<span class="embed-action">حمّله من %s</span>' % prov in st and
              "لا يُحمَّل شيء من %s حتى تختار ذلك." % prov in st and
              ">افتحه على %s</a>" % prov in st,
              "Arabic still: its words Arabic, the provider's name isolated", st)
        check("Load it" not in page and "Von FakeTube" not in page,
              "nothing of the English or German still left (the cache dropped)")
        r = s.get(re.search(r'href="(/embed/[0-9a-f]{16}/)"', st).group(1))
        check(r.status == 200 and 'src="https://video.example/player/harbour"' in r.text and
              "frame-src https://video.example;" in (r.header("Content-Security-Policy") or ""),
              "the player page still frames the player, its origin alone allowed",
              (r.status, r.header("Content-Security-Policy")))
        meta = card(s, "/author/tobias-renwick/")
        check(re.search(r'Tobias Renwick%s</a> و<a' % PDI, meta), "Arabic card: و", meta)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
