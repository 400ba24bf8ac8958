"""Webmention verification results in the desk (issue 16), on loopback with
real HTTP.

The moderation inbox links to Comments >
Webmentions, which lists each received mention with its source, the
article, what the check of the source found (verified, no link to the
article, source unreachable, the HTTP status it answered, pending) and
when it was checked, and what became of it (a link to its comment); and,
for each article published, the outcome of each mention sent, one line
per linked page.  ?article=ID shows one article's.  An author, who
moderates the comments on their own articles, sees their articles'
mentions only."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402
import test_webmention as WM  # noqa: E402


def author(s):
    w = D.Who("author", "wm-author@example.com", "Wm Author", "wm author password")
    rc, o, e = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                       "--role", "author", check_rc=False)
    s.post("/admin/password", {"token": D.link_token(o), "password": w.pw,
                               "password2": w.pw}, headers={"Origin": s.base})
    w.cookie, w.csrf = D.sign_in(s, w)
    return w


def main():
    rem = WM.Remote()
    s = Server(settings={"outbound_allow_private": 1, "blocklist": "casino",
                         "timezone": "UTC"})
    try:
        who = W.admin(s)
        WM.receive(s, rem, who)  # /links, /nolink, /spam, /gone (404)
        aid = s.sql("SELECT article_id FROM webmentions_in LIMIT 1")[0][0]
        target = WM.article_url(s, aid)
        WM.mention(s, "http://127.0.0.1:1/closed", target)  # nothing listens there
        W.wait_for(lambda: s.sql("SELECT count(*) FROM webmentions_in WHERE done_at IS NULL"
                                 )[0][0] == 0, "the closed source is checked")
        # one claimed and not yet checked: pending
        s.sql("INSERT INTO webmentions_in(source, target, article_id, received_at, claimed_at)"
              " VALUES (?, ?, ?, ?, ?)", rem.base + "/later", target, aid, int(time.time()),
              int(time.time()))
        WM.send(s, rem, who)
        sender = s.sql("SELECT id FROM articles WHERE slug='wm-sender'")[0][0]

        r = D.get(s, "/admin/comments/", cookie=who.cookie)
        check('href="/admin/comments/webmentions/"' in r.text,
              "the moderation inbox links to the Webmentions view")
        r = D.get(s, "/admin/comments/webmentions/", cookie=who.cookie)
        check(r.status == 200, "Comments > Webmentions shows", r.status)
        page = r.text
        rows = {}
        for tr in re.findall(r'<tr class="wm-([a-z_]+)">(.*?)</tr>', page, re.S):
            m = re.search(r'class="wm-source" href="([^"]*)"', tr[1])
            rows[m.group(1)[len(rem.base):] if m.group(1).startswith(rem.base)
                 else m.group(1)] = (tr[0], tr[1])
        want = {"/links": ("verified", "Verified"), "/spam": ("verified", "Verified"),
                "/nolink": ("no_link", "No link to the article"),
                "/gone": ("http_error", "Source answered HTTP 404"),
                "http://127.0.0.1:1/closed": ("unreachable", "Source unreachable"),
                "/later": ("pending", "Pending")}
        for src, (key, label) in want.items():
            row = rows.get(src)
            check(row and row[0] == key and ('wm-verdict">%s</span>' % label) in row[1],
                  "%s: %s" % (src, label), row)
        cell = {k: rows.get(k, ("", ""))[1] for k in want}
        check(all(re.search(r"<td[^>]*>\w+ \d+, \d{4}", cell[k]) for k in want if k != "/later")
              and ">—</td>" in cell["/later"], "each shows when it was checked; the "
              "pending one not yet")
        cid = s.sql("SELECT comment_id FROM webmentions_in WHERE source=?",
                    rem.base + "/links")[0][0]
        check('href="/admin/comments/%d/"' % cid in cell["/links"],
              "a verified mention links to the comment it became")
        check("stored as comment" in cell["/spam"] and "spam" in cell["/spam"],
              "a verified mention the spam rules caught says so")
        sent = page[page.find("Sent when articles were published"):]
        for path, outcome in (("/target-link-header", "answered 202"),
                              ("/target-html", "answered 202"),
                              ("/target-none", "no Webmention endpoint")):
            check(re.search(r'<li[^>]*><a href="%s%s" rel="nofollow">[^<]*</a>: [^<]*%s'
                            % (re.escape(rem.base), re.escape(path), outcome), sent),
                  "sent: %s shows %s" % (path, outcome), sent[:2000])
        check('<li class="ok"><a href="%s/target-html"' % rem.base in sent,
              "a mention an endpoint took is marked")
        r = D.get(s, "/admin/comments/webmentions/?article=%d" % sender, cookie=who.cookie)
        check(r.status == 200 and "target-html" in r.text and "/closed" not in r.text,
              "?article= shows one article's", r.status)
        r = D.get(s, "/admin/articles/%d/" % sender, cookie=who.cookie)
        check('href="/admin/comments/webmentions/?article=%d"' % sender in r.text,
              "the published article's editor links to its sent mentions")
        r = D.get(s, "/admin/comments/webmentions/?article=x", cookie=who.cookie)
        check(r.status == 400, "a bad article number is 400", r.status)
        check("<script" not in page.replace('<script src="/static/', ""),
              "sources are shown escaped")

        au = author(s)
        au_id = s.sql("SELECT id FROM users WHERE email=?", au.email)[0][0]
        own = D.new_article(s, au_id, "wm-own", "published")
        s.sql("INSERT INTO webmentions_in(source, target, article_id, received_at, done_at,"
              " result, reason, verdict, http_status) VALUES (?, ?, ?, ?, ?, 'refused',"
              " 'the source does not link to the target', 'no_link', 200)",
              "https://own.example/note", WM.article_url(s, own), own, int(time.time()),
              int(time.time()))
        r = D.get(s, "/admin/comments/", cookie=au.cookie)
        check(r.status == 200 and 'href="/admin/comments/webmentions/"' in r.text,
              "an author's inbox links to it too", r.status)
        r = D.get(s, "/admin/comments/webmentions/", cookie=au.cookie)
        check(r.status == 200 and "https://own.example/note" in r.text and
              "No link to the article" in r.text, "an author sees the mentions of their "
              "own articles", r.status)
        check(rem.base not in r.text and "127.0.0.1:1/closed" not in r.text and
              "target-html" not in r.text, "and nothing of other authors' articles")
    finally:
        s.stop()
        rem.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
