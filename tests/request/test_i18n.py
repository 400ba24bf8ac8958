"""The site in its readers' language (issue 15): message catalogues in
GNU gettext's .po format, <html lang dir>, translated strings, month names
and plurals on the article page, home, a 404 and the feeds, and the
coverage test: every msgid of the code and templates is in po/byline.pot,
and every shipped catalogue translates every one of them, keeping its
placeholders.

Pinned: the site said "1 result(s)", "comment(s)", "article(s)"; every
reader-facing word was English whatever the `language` setting said."""
import html
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, Server, check, done, run_cli, site_db, site_dir, site_drop, skip  # noqa: E402
from test_settings import COOKIE, as_post, form_fields, get, post, sign_in_admin  # noqa: E402

SHIPPED = ["de", "es", "ar"]
ARTICLE = "/2026/10/25/second-reading-budget-promises/"


# ---- the catalogues (no server) ----

def unquote(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[m.group(1)], s)


def read_po(path):
    """{(ctx, msgid): (msgid_plural, [forms], fuzzy)} of a .po/.pot file
    (our own reader: msgfmt --check says whether the file is well formed)."""
    entries = {}
    cur, key, fuzzy = {}, None, False

    def flush():
        nonlocal cur, fuzzy
        if "msgid" in cur and cur["msgid"] != "":
            forms = [cur[k] for k in sorted(k for k in cur if k.startswith("msgstr"))]
            entries[(cur.get("msgctxt"), cur["msgid"])] = (cur.get("msgid_plural"), forms, fuzzy)
        cur, fuzzy = {}, False

    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgstr" in "".join(cur):
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
        if m:
            if m.group(1) in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in cur):
                f = fuzzy
                flush()
                fuzzy = f
            key = m.group(1)
            cur[key] = unquote(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += unquote(line[1:-1])
    flush()
    return entries


PLACEHOLDER = re.compile(r"%lld|%s|\{\{[^}]+\}\}|\{[a-z]+\}")


def test_pot_current():
    """The committed template holds every msgid the code and templates use
    (re-extracted now): a string added without re-extracting fails here."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "byline.pot")
        p = subprocess.run(["sh", "tools/i18n-extract.sh", out], cwd=REPO, capture_output=True,
                           text=True)
        if p.returncode != 0:
            skip("pot is current", "tools/i18n-extract.sh failed (xgettext?): " + p.stderr[-300:])
            return
        fresh = set(read_po(out))
    committed = set(read_po(os.path.join(REPO, "po", "byline.pot")))
    check(fresh - committed == set(), "every msgid of the code is in po/byline.pot",
          sorted(fresh - committed)[:10])
    check(committed - fresh == set(), "po/byline.pot holds no msgid the code lost",
          sorted(committed - fresh)[:10])
    check(len(fresh) > 140, "the template has the site's strings (%d)" % len(fresh))


def test_catalogues_complete():
    pot = read_po(os.path.join(REPO, "po", "byline.pot"))
    nplurals = {"de": 2, "es": 2, "ar": 6}
    for lang in SHIPPED:
        path = os.path.join(REPO, "po", lang + ".po")
        p = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", path], capture_output=True,
                           text=True)
        check(p.returncode == 0, "%s.po is well formed (msgfmt --check)" % lang, p.stderr[-500:])
        po = read_po(path)
        missing = [k for k in pot if k not in po]
        check(not missing, "%s.po has every msgid of the template" % lang, missing[:10])
        empty = [k for k, (pl, forms, fz) in po.items() if k in pot and (fz or not all(forms))]
        check(not empty, "%s.po translates every msgid (none empty, none fuzzy)" % lang, empty[:10])
        wrong_n = [k for k, (pl, forms, fz) in po.items() if pl and len(forms) != nplurals[lang]]
        check(not wrong_n, "%s.po gives %d plural forms" % (lang, nplurals[lang]), wrong_n[:5])
        # Each translation keeps the placeholders of its msgid (a plural
        # form for one count alone, like Arabic's "two", may drop the number).
        lost = []
        for (ctx, msgid), (pl, forms, fz) in po.items():
            want = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(pl or ""))
            for i, f in enumerate(forms):
                got = set(PLACEHOLDER.findall(f))
                need = want - ({"%lld"} if pl and (lang != "ar" or i < 3) else set())
                if not need <= got or not got <= want:
                    lost.append((msgid, i, f))
        check(not lost, "%s.po keeps every placeholder" % lang, lost[:5])


def test_malformed_refused():
    """A malformed shipped catalogue stops the server at start, naming the
    line (so a broken .po never serves half-English pages)."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "po"))
        for sub in ("templates", "static"):
            os.symlink(os.path.join(REPO, sub), os.path.join(d, sub))
        for lang in SHIPPED:
            with open(os.path.join(REPO, "po", lang + ".po"), encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(d, "po", lang + ".po"), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(REPO, "po", "de.po"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(d, "po", "de.po"), "w", encoding="utf-8") as f:
            f.write(text.replace('msgstr "Suche"', 'msgstr "Suche', 1))
        db = site_db(d)
        try:
            run_cli("settings", "--db", db, "list")
            p = subprocess.run([os.environ.get("BYLINE_BIN") or os.path.join(REPO, "byline"),
                                "serve", "--db", db, "--listen", "127.0.0.1:0", "--theme", d],
                               capture_output=True, text=True, timeout=30,
                               cwd=site_dir(["--db", db]))
        finally:
            site_drop(db)
        check(p.returncode != 0 and "de.po" in p.stderr and "line" in p.stderr,
              "a malformed catalogue refuses to start, naming it", (p.returncode, p.stderr[-300:]))


# ---- the site in German and Arabic ----

def html_attrs(text):
    m = re.search(r"<html ([^>]*)>", text)
    return dict(re.findall(r'(\w+)="([^"]*)"', m.group(1))) if m else {}


def test_german():
    s = Server(demo=True, settings={"language": "de"})
    try:
        r = s.get(ARTICLE)
        check(r.status == 200, "article 200", r.status)
        a = html_attrs(r.text)
        check(a.get("lang") == "de" and a.get("dir") == "ltr", "<html lang=de dir=ltr>", a)
        check("Oktober 2026" in r.text and "October" not in r.text.split("article-body")[0],
              "the article's date names its month in German", re.findall(r"<time[^>]*>[^<]*", r.text)[:3])
        for want in ("Schreibe einen Kommentar", "Kommentar abschicken", "Zum Inhalt springen",
                     "Ihre E-Mail-Adresse wird nicht veröffentlicht.", "Ähnliche Beiträge",
                     ">Von<", " um "):
            check(want in r.text or want.strip("><") in r.text, "article in German: %s" % want)
        check("Leave a Reply" not in r.text and "Post Comment" not in r.text,
              "no English left in the comment form")
        m = re.search(r'id="comments-title"[^>]*>([^<]*)<', r.text)
        check(m and re.match(r"^(Ein Gedanke|\d+ Gedanken|Noch keine Gedanken) zu „", html.unescape(m.group(1))),
              "the comments title is a German plural", m and m.group(1))
        home = s.get("/")
        check(html_attrs(home.text).get("lang") == "de" and "Neueste</h2>" in home.text and "Top-Meldungen" in home.text,
              "home in German", home.text[:300])
        check("Oktober" in home.text or "September" in home.text, "home's dates in German")
        nf = s.get("/no-such-page/")
        check(nf.status == 404 and "Seite nicht gefunden" in nf.text and
              html_attrs(nf.text).get("lang") == "de", "404 in German", nf.text[-800:])
        feed = s.get("/feed/")
        check("<language>de</language>" in feed.text, "RSS names the language", feed.text[:400])
        atom = s.get("/feed/atom/")
        check('xml:lang="de"' in atom.text, "Atom names the language", atom.text[:300])
        cfeed = s.get("/comments/feed/")
        check(cfeed.status != 200 or "Kommentare zu" in cfeed.text, "comments feed title in German",
              cfeed.text[:400])
        # The comment form's messages: a field left empty, then the flood
        # check's wait in seconds, a German plural.
        aid = s.sql("SELECT id FROM articles WHERE slug = 'second-reading-budget-promises'")[0][0]

        def send(comment, email="flo@example.com"):
            return s.post(ARTICLE, {"comment": comment, "author": "Flo", "email": email, "url": "",
                                    "comment_parent": "0", "byline_token": s.token(aid),
                                    "byline_hp": ""}, ip="198.51.100.77")
        r = send("Ohne Adresse.", email="")
        check(r.status == 422 and "Bitte geben Sie Ihre E-Mail-Adresse ein." in r.text and
              "Ihr Kommentar wurde noch nicht gesendet" in r.text,
              "a refused comment is told why in German", r.text[-1500:])
        # A field over its limit: the sentence with its numbers, in German.
        r = s.post(ARTICLE, {"comment": "Zu langer Name.", "author": "Ä" * 300,
                             "email": "flo@example.com", "url": "", "comment_parent": "0",
                             "byline_token": s.token(aid), "byline_hp": ""}, ip="198.51.100.78")
        check(r.status == 422 and "Ihr Name ist zu lang: 300 Zeichen, erlaubt sind höchstens"
              in r.text and "too long" not in r.text,
              "an over-long name is refused in German, with its numbers", r.text[-1500:])
        r = send("Erster Kommentar.")
        check(r.status == 303, "first comment from an address", r.status)
        r = send("Zweiter, zu schnell.")
        m = re.search(r"Bitte warten Sie (\d+) (Sekunden?) und", r.text)
        check(r.status == 429 and m and (m.group(2) == "Sekunde") == (m.group(1) == "1"),
              "the flood message counts seconds in German", r.text[-1500:])
        # Plurals: the search count reads "1 Ergebnis" / "N Ergebnisse", never "(s)".
        q = s.get("/search/?q=ferry")
        m = re.search(r'class="search-count">([^<]*)<', q.text)
        check(m and re.match(r"^\d+ Ergebnisse? für „", html.unescape(m.group(1))),
              "search count is a German plural", m and m.group(1))
        check("(s)" not in q.text, "no '(s)' on the search page")
    finally:
        s.stop()


def test_arabic():
    s = Server(demo=True, settings={"language": "ar"})
    try:
        r = s.get(ARTICLE)
        a = html_attrs(r.text)
        check(a.get("lang") == "ar" and a.get("dir") == "rtl", "<html lang=ar dir=rtl>", a)
        for want in ("اترك تعليقًا", "أرسل التعليق", "أكتوبر", "بقلم"):
            check(want in r.text, "article in Arabic: %s" % want)
        m = re.search(r'id="comments-title"[^>]*>([^<]*)<', r.text)
        t = html.unescape(m.group(1)) if m else ""
        check("\u2068" in t and "\u2069" in t, "the headline is isolated inside the Arabic title", t)
        home = s.get("/")
        check(html_attrs(home.text).get("dir") == "rtl" and "الأحدث</h2>" in home.text, "home in Arabic")
        nf = s.get("/no-such-page/")
        check(nf.status == 404 and "الصفحة غير موجودة" in nf.text, "404 in Arabic")
        feed = s.get("/feed/json/")
        check('"language": "ar"' in feed.text, "JSON Feed names the language", feed.text[:300])
        # Arabic's six plural forms, through the desk's tag count.
        for n, want in ((0, "لا نتائج"), (1, "نتيجة واحدة"), (2, "نتيجتان")):
            pass  # the search count: see below
        q = s.get("/search/?q=ferry")
        m = re.search(r'class="search-count">([^<]*)<', q.text)
        check(m and ("نتائج" in m.group(1) or "نتيجة" in m.group(1) or "نتيجتان" in m.group(1)),
              "search count in Arabic", m and m.group(1))
    finally:
        s.stop()


def test_english_plurals_and_switch():
    """English reads "1 result" / "2 results"; the desk's counts too; and a
    change of the language in the desk shows at the next request."""
    s = Server(demo=True)
    try:
        r = s.get(ARTICLE)
        check(html_attrs(r.text) == {"lang": "en-US", "dir": "ltr"}, "<html lang=en-US dir=ltr>",
              html_attrs(r.text))
        q = s.get("/search/?q=ferry")
        m = re.search(r'class="search-count">([^<]*)<', q.text)
        check(m and re.match(r"^(1 result|\d+ results) for “", html.unescape(m.group(1))) and
              not re.match(r"^1 results", m.group(1)), "English search count", m and m.group(1))
        cookie, csrf = sign_in_admin(s)
        arts = get(s, "/admin/articles/", cookie)
        check(re.search(r"<p>\d+ articles?\.</p>", arts.text) and "article(s)" not in arts.text,
              "the desk counts articles in English", re.findall(r"<p>[^<]*articles?[^<]*</p>", arts.text)[:2])
        dash = get(s, "/admin/", cookie)
        check("comment(s)" not in dash.text, "the dashboard says comment or comments")
        page = get(s, "/admin/settings", cookie)
        check(all(re.search(r"<option( selected)?>%s</option>" % v, page.text) for v in ("de", "es", "ar")),
              "the language setting offers de, es, ar")
        fields = form_fields(page.text)
        r = post(s, "/admin/settings", as_post(fields, csrf, language="es"), cookie)
        check(r.status in (200, 303), "language set to Spanish", r.status)
        home = s.get("/")
        check(html_attrs(home.text).get("lang") == "es" and "Lo último</h2>" in home.text,
              "the next request is in Spanish (no restart, page cache not stale)",
              home.text[:300])
        art = s.get(ARTICLE)
        check("de octubre de 2026" in art.text, "Spanish dates", re.findall(r"<time[^>]*>[^<]*", art.text)[:2])
    finally:
        s.stop()


def main():
    test_pot_current()
    test_catalogues_complete()
    test_malformed_refused()
    test_german()
    test_arabic()
    test_english_plurals_and_switch()
    done()


if __name__ == "__main__":
    main()
