"""The newsroom's analytics or advertising scripts (issue 16): by default
public pages load no script and their policy says script-src 'none'; the
desk's Settings warn that a script listed runs on every page; a value that
is not an https script address is refused with what was typed; once set,
every public page (from the cache too) loads the script and its policy
allows that origin only; emptied again, the pages are script-free."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402

PAGES = ["/", "/feed/", "/search/?q=x"]


def csp(r):
    return r.header("Content-Security-Policy") or ""


def post(s, who, value):
    form = [("csrf", who.csrf)] + D.settings_values(s) + [("page_scripts", value)]
    return D.send(s, "/admin/settings", form, who=who)


def main():
    s = Server(demo=True)
    try:
        who = W.admin(s)
        art = s.sql("SELECT slug, published_at FROM articles WHERE status='published' LIMIT 1")[0]
        r0 = s.get("/")
        article = re.search(r'href="(/\d{4}/\d\d/\d\d/[^"]+/)"', r0.text).group(1)
        pages = ["/", article]
        for p in pages:
            r = s.get(p)
            check("script-src 'none'" in csp(r) and "<script src" not in r.text,
                  "by default %s loads no script" % p, csp(r))
        r = D.get(s, "/admin/settings", cookie=who.cookie)
        check("Analytics or advertising scripts" in r.text and "run its code on every page"
              in r.text, "the desk's Settings warn what a script may do")
        for bad in ("http://stats.example/a.js", "https://stats.example", "javascript:alert(1)",
                    "https://stats.example/a.js\" onload=\"x", "https://st ats.example/a.js"):
            r = post(s, who, bad)
            check(r.status == 422 and "https address of a script" in r.text,
                  "refused: %r" % bad, (r.status, D.form_message(r.text)))
        check(s.sql("SELECT value FROM settings WHERE key='page_scripts'")[0][0] == "",
              "nothing stored for those")
        r = post(s, who, "https://stats.example/a.js\r\nhttps://ads.example:8443/t/x.js")
        check(r.status == 303, "two https scripts are saved", (r.status, D.form_message(r.text)))
        for p in pages + pages:  # twice: the second from the cache
            r = s.get(p)
            c = csp(r)
            m = re.search(r"script-src([^;]*);", c)
            check(m and m.group(1).split() == ["https://stats.example", "https://ads.example:8443"],
                  "%s allows exactly those scripts' origins" % p, c)
            check('<script src="https://stats.example/a.js" async></script>' in r.text and
                  '<script src="https://ads.example:8443/t/x.js" async></script>' in r.text,
                  "%s loads both scripts" % p)
        r = D.get(s, "/admin/", cookie=who.cookie)
        check("stats.example" not in csp(r) and "stats.example" not in r.text,
              "the desk's pages keep their own policy and load none of them", csp(r))
        r = post(s, who, "")
        check(r.status == 303, "emptied again")
        r = s.get(article)
        check("script-src 'none'" in csp(r) and "<script src" not in r.text,
              "public pages are script-free again", csp(r))
        check(art, "an article")
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
