"""The desk's words go through the message catalogues too (issue 15: "the
desk may stay English in this issue, but its strings go through the same
mechanism"): every visible word of a desk template stands inside a
{{#_}}...{{/_}} mark (attributes a person reads included: placeholder,
title, aria-label, alt, a submit input's value), and po/desk.pot, the desk's
message template, is what tools/i18n-extract.sh writes from today's
sources (the desk's templates and the tr()/trn() strings of
src/web/admin*.c), while po/byline.pot keeps only the readers' strings.

Pinned: only admin_layout.mustache marked its words; the other desk
templates and the desk's C messages were bare English, so a translator had
nothing to translate."""
import glob
import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, Server, check, done, skip  # noqa: E402
from test_i18n import read_po  # noqa: E402
from test_settings import get, sign_in_admin  # noqa: E402

# Desk templates that other parts of this round rewrite: they mark their own
# words (the same {{#_}} marks) and leave this list when they do.
PENDING = set()

# Attributes whose value a person reads or hears.
VISIBLE_ATTRS = {"placeholder", "title", "aria-label", "alt", "label", "data-confirm",
                 "aria-description"}
LETTER = re.compile(r"[^\W\d_]")
MARK = re.compile(r"\{\{#\s*_\s*\}\}.*?\{\{/\s*_\s*\}\}", re.S)
TAG = re.compile(r"\{\{\{.*?\}\}\}|\{\{.*?\}\}", re.S)
# A block that fills in a class name ({{$main_class}} wrap-wide{{/main_class}}).
CLASS_BLOCK = re.compile(r"\{\{\$(\w*class)\}\}.*?\{\{/\1\}\}", re.S)


class _Words(HTMLParser):
    """Collects the words a reader sees that no {{#_}} mark holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bare = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):  # code is not translated
            self.skip += 1
        d = dict(attrs)
        for k, v in attrs:
            shown = k in VISIBLE_ATTRS or (
                k == "value" and tag == "input"
                and d.get("type") in ("submit", "button", "reset"))
            if shown and v and LETTER.search(v):
                self.bare.append("%s=%r on <%s>" % (k, v, tag))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and LETTER.search(data):
            self.bare.append(data.strip())


def bare_words(src):
    """The visible words of template source src outside {{#_}} marks: the
    marks are taken out, then every other Mustache tag (a name, a section,
    a partial: never text a person reads as such), and what is left is read
    as HTML, its text and its read attributes (a block that fills in a
    class name is not text either); whitespace, punctuation,
    digits and entities like &mdash; are not words."""
    s = MARK.sub("", CLASS_BLOCK.sub("", src))
    s = TAG.sub("", s)
    w = _Words()
    w.feed(s)
    w.close()
    return w.bare


def test_checker():
    """The checker itself: bare words, in text or a read attribute, are
    found; marked ones, tags, class names and punctuation are not."""
    check(bare_words("<p>Saved.</p>") == ["Saved."], "bare text is found")
    check(bare_words('<input placeholder="Search articles">') != [], "a bare placeholder is found")
    check(bare_words('<input type="submit" value="Go">') != [], "a bare submit value is found")
    check(bare_words('<a aria-label="Close">×</a>') != [], "a bare aria-label is found")
    check(bare_words('<p class="note">{{#_}}Saved {{n}} articles.{{/_}} &mdash; {{name}}</p>'
                     '<input type="hidden" name="csrf" value="{{csrf}}">'
                     '<button type="submit" name="action" value="save">{{#_}}Save{{/_}}</button>'
                     '<input title="{{#_}}Open{{/_}}">{{#items}}<li>{{title}}</li>{{/items}}'
                     '<script>var x = "words";</script>') == [],
          "marked words, tags, names and scripts are not flagged")


def test_templates_marked():
    """Every desk template marks every visible word."""
    paths = sorted(glob.glob(os.path.join(REPO, "templates", "admin_*.mustache")))
    check(len(paths) > 30, "the desk's templates are found (%d)" % len(paths))
    for path in paths:
        name = os.path.basename(path)[:-len(".mustache")]
        bare = bare_words(open(path, encoding="utf-8").read())
        if name in PENDING:
            if bare:
                skip("%s marks its words" % name, "rewritten by another part this round")
            continue
        check(not bare, "%s marks every visible word" % name, bare[:6])


def test_pots_current():
    """po/desk.pot and po/byline.pot are what tools/i18n-extract.sh writes
    now: a desk string added without re-extracting fails here, and the
    desk's C strings are in desk.pot, not in byline.pot (whose every msgid
    test_i18n.py wants translated)."""
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["sh", "tools/i18n-extract.sh", os.path.join(d, "byline.pot")],
                           cwd=REPO, capture_output=True, text=True)
        if p.returncode != 0:
            skip("pots are current", "tools/i18n-extract.sh failed (xgettext?): " + p.stderr[-300:])
            return
        fresh_desk = set(read_po(os.path.join(d, "desk.pot")))
        fresh_site = set(read_po(os.path.join(d, "byline.pot")))
    desk = set(read_po(os.path.join(REPO, "po", "desk.pot")))
    site = set(read_po(os.path.join(REPO, "po", "byline.pot")))
    check(fresh_desk == desk, "po/desk.pot is up to date with the sources",
          (sorted(fresh_desk - desk)[:6], sorted(desk - fresh_desk)[:6]))
    check(fresh_site == site, "po/byline.pot is up to date with the sources",
          (sorted(fresh_site - site)[:6], sorted(site - fresh_site)[:6]))
    ids = {msgid for _, msgid in desk}
    for want in ("Dashboard", "New article", "Comment approved.", "%lld comment approved.",
                 "Too many failed sign-in attempts. For your safety, please wait %lld minute "
                 "and try again.", "Pending review", "Contributor", "Private (staff only)",
                 # the settings table's groups, labels and help (model/settings.c)
                 "Site identity", "Accent colour", "Site address (URL)",
                 "0 keeps them open.",
                 # core's password rules and the desk's field refusals
                 "A password of only spaces is too easy to guess. Please choose one with "
                 "letters, words or other characters in it.",
                 "{label} contains characters that are not valid text. Please type it again.",
                 # the staff mails (model/pwreset.c)
                 "You are invited to %s"):
        check(want in ids, "desk.pot holds %r" % want)
    check(len(desk) > 300, "desk.pot holds the desk's strings (%d)" % len(desk))
    site_ids = {msgid for _, msgid in site}
    for gone in ("%lld comment awaiting moderation", "Comment approved."):
        check(gone not in site_ids, "byline.pot leaves the desk's %r to desk.pot" % gone)


def test_desk_english_and_plurals():
    """With the site in German the desk still reads English (its catalogue
    is the desk's, English for now), and a bulk action counts in English
    plural forms, never "(s)"."""
    s = Server(demo=True, settings={"language": "de"})
    try:
        cookie, csrf = sign_in_admin(s)
        dash = get(s, "/admin/", cookie)
        check(dash.status == 200 and ">Dashboard<" in dash.text, "the desk is English")
        for done_key, want in (("approved", "Comment approved."),):
            r = get(s, "/admin/comments/?done=" + done_key, cookie)
            check(want in r.text, "the notice %r reads %r" % (done_key, want), r.text[-600:])
        for q, want in (("bulk-approve&n=1", "1 comment approved."),
                        ("bulk-approve&n=4", "4 comments approved."),
                        ("bulk-spam&n=0", "No comment was marked as spam."),
                        ("bulk-trash&n=2&skipped=1", "2 comments moved to the trash. 1 was left "
                                                     "as it was (gone, or not one you may change)."),
                        ("bulk-delete&n=1&skipped=3", "1 comment deleted for good. 3 were left as "
                                                      "they were (gone, or not ones you may change).")):
            r = get(s, "/admin/comments/?done=" + q, cookie)
            check(want in r.text and "(s)" not in r.text, "bulk notice %s: %r" % (q, want),
                  re.findall(r'class="notice"[^>]*>([^<]*)<', r.text))
        # No "(s)" anywhere in the desk: counts are plural forms.
        for path in ("/admin/", "/admin/articles/", "/admin/pages/", "/admin/comments/",
                     "/admin/media/", "/admin/tags/", "/admin/sections/", "/admin/menus/",
                     "/admin/users/", "/admin/front/"):
            r = get(s, path, cookie)
            check(r.status == 200 and "(s)" not in r.text, "%s counts without '(s)'" % path,
                  re.findall(r"[^>]{0,40}\(s\)", r.text)[:3])
        pages = get(s, "/admin/pages/", cookie)
        check(re.search(r"<p>\d+ pages?\. Pages are", pages.text), "the pages list counts pages",
              re.findall(r"<p>[^<]*Pages are", pages.text)[:1])
    finally:
        s.stop()


def main():
    test_checker()
    test_templates_marked()
    test_pots_current()
    test_desk_english_and_plurals()
    done()


if __name__ == "__main__":
    main()
