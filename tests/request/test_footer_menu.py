"""The footer's links in one home (issue 15): the footer menu.

They had two: the desk's Menus screen (menu "footer") and the identity
setting `footer_links` ("Label | URL" a line), each drawn as its own
<nav aria-label="Footer">.  The setting is gone; a site upgraded with one
set finds its links in the footer menu, the footer reading exactly as it
did, and edits them on the Menus screen.

Fails without the change: the upgraded site's links stayed in the setting
(no menu items, the row still there), the Settings screen still showed the
field, and the Menus screen refused a path of the site such as /feed/."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
from test_settings import COOKIE, get, sign_in_admin  # noqa: E402

OLD_VALUE = "About us | /about-us/\nContact | https://example.com/contact\nEvil | javascript:x"
# What the old layout drew for that value (the bad line was never shown).
OLD_FOOTER = ('<nav aria-label="Footer">\n<ul class="footer-links">\n'
              '<li><a href="/about-us/">About us</a></li>\n'
              '<li><a href="https://example.com/contact">Contact</a></li>\n'
              '</ul>\n</nav>')


def older_site(srv):
    """The database as an older Byline left it: the setting's row set."""
    srv.sql("INSERT INTO settings(key, value) VALUES ('footer_links', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            OLD_VALUE)


def footer(s):
    return re.search(r'<footer.*?</footer>', s.get("/").text, re.S).group(0)


def menus(s, cookie, csrf, **fields):
    body = urllib.parse.urlencode([("csrf", csrf), ("menu", "footer")] + list(fields.items()))
    return s.request("POST", "/admin/menus/", body=body.encode(),
                     headers={"Origin": s.base, "Cookie": "%s=%s" % (COOKIE, cookie),
                              "Content-Type": "application/x-www-form-urlencoded"})


def items(s):
    return s.sql("SELECT id, label, url FROM menu_items WHERE menu = 'footer' ORDER BY position")


def main():
    s = Server(demo=True, before=older_site)
    try:
        # After the upgrade: the same footer, drawn once, from the menu.
        foot = footer(s)
        check(OLD_FOOTER in foot, "the upgraded site's footer reads as before", foot)
        check(foot.count('aria-label="Footer"') == 1, "one footer navigation, not two", foot)
        check(not s.sql("SELECT 1 FROM settings WHERE key = 'footer_links'"),
              "the setting's row is gone")
        got = [(l, u) for (_, l, u) in items(s)]
        check(got == [("About us", "/about-us/"), ("Contact", "https://example.com/contact")],
              "its links are the footer menu's items, in order", got)
        # Once: another start (any command migrates) adds nothing.
        run_cli("settings", "--db", s.db, "list")
        check(len(items(s)) == 2, "a second start adopts nothing again", items(s))
        rc, out, err = run_cli("settings", "--db", s.db, "set", "footer_links", "X | /x/",
                               check_rc=False)
        check(rc != 0, "footer_links is no setting any more", out + err)

        cookie, csrf = sign_in_admin(s)
        page = get(s, "/admin/settings", cookie).text
        check('name="footer_links"' not in page, "the Settings screen has no footer links field")
        check('href="/admin/menus/?menu=footer"' in page,
              "the Site identity group points to the footer menu")
        page = get(s, "/admin/menus/?menu=footer", cookie).text
        check("Link: /about-us/" in page and "Link: https://example.com/contact" in page,
              "the Menus screen lists the adopted links")

        # The menu edits them: relabel, move, remove, add a path of the site.
        ids = [i for (i, _, _) in items(s)]
        r = menus(s, cookie, csrf, item=str(ids[1]), action="label", label="Write to us")
        check(r.status == 303, "relabel", r.status)
        r = menus(s, cookie, csrf, item=str(ids[1]), action="up")
        check(r.status == 303, "move up", r.status)
        r = menus(s, cookie, csrf, action="add", kind="link", url="/feed/", label="RSS")
        check(r.status == 303, "a path of the site is a link", (r.status, r.text[:300]))
        for bad in ("//evil.example/", "/\\evil.example", "javascript:alert(1)", "/a b",
                    'https://x.example/"onmouseover=alert(1)', "no-slash/"):
            r = menus(s, cookie, csrf, action="add", kind="link", url=bad, label="Bad")
            check(r.status == 422 and "path of this site" in r.text,
                  "link %r refused with a sentence" % bad, r.status)
        time.sleep(0.3)
        foot = footer(s)
        want = ('<li><a href="https://example.com/contact">Write to us</a></li>\n'
                '<li><a href="/about-us/">About us</a></li>\n'
                '<li><a href="/feed/">RSS</a></li>')
        check(want in foot, "the footer shows the menu's edits (the cache dropped)", foot)
        r = menus(s, cookie, csrf, item=str(ids[0]), action="remove")
        time.sleep(0.3)
        foot = footer(s)
        check(r.status == 303 and "About us" not in foot and "Write to us" in foot,
              "a removed item leaves the footer", foot)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
