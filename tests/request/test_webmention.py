"""Webmention (issue 16), both ways, on loopback with real HTTP.

Receive: article pages advertise the endpoint (Link header, cached or not,
and <link rel="webmention">); POST /webmention answers 400 with a sentence
for a bad request (a field missing, not http(s), the same page twice, a
target that is not one of our published articles) and 202 otherwise,
before anything is fetched; the source is then fetched and verified: one
that links to the target lands in the moderation inbox as a comment of
kind webmention named after its h-card author, with its h-entry title and
a link to it; one that does not link is refused (no comment); one that the
spam rules catch (a blocklist word) is stored as spam; once approved, the
mention shows under the article.

Send: publishing an article whose body links to other pages sends a
mention to each that names an endpoint (a Link header, a <link> in the
head, a relative <a rel=webmention>), with source = the article's address
and target = the link; a page with no endpoint is reported so."""
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402


class Remote:
    """Another site on loopback: source pages, target pages, endpoints."""

    def __init__(self):
        self.pages = {}            # path -> (headers list, body)
        self.posts = []            # (path, form dict)
        self.lock = threading.Lock()
        rem = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                page = rem.pages.get(self.path)
                if not page:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers, body = page
                body = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
                with rem.lock:
                    rem.posts.append((self.path, form))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.base = "http://127.0.0.1:%d" % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


def article_url(s, aid):
    slug, published = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
    return s.base + s.date_path(published) + slug + "/"


def mention(s, source, target):
    return s.post("/webmention", {"source": source, "target": target})


def receive(s, rem, who):
    aid = D.new_article(s, who.id, "wm-target", "published")
    target = article_url(s, aid)
    path = target[len(s.base):]
    for n in (1, 2):  # the second from the page cache
        r = s.get(path)
        check(r.status == 200 and ('<%s/webmention>; rel="webmention"' % s.base) in (r.header("Link") or "").split(", "),
              "the article page names the endpoint in a Link header (%d)" % n,
              (r.status, r.header("Link")))
    check('<link rel="webmention" href="%s/webmention">' % s.base in r.text,
          "and in a <link> in its head")

    bad = [({"source": rem.base + "/links"}, "no target"),
           ({"target": target}, "no source"),
           ({"source": "ftp://example.org/x", "target": target}, "an ftp source"),
           ({"source": target, "target": target}, "the same page"),
           ({"source": rem.base + "/links", "target": "https://elsewhere.example/x/"},
            "a target on another site"),
           ({"source": rem.base + "/links", "target": s.base + "/2001/01/01/no-such/"},
            "a target that is no article")]
    for form, what in bad:
        r = s.post("/webmention", form)
        check(r.status == 400 and len(r.text) > 20, "refused 400 with a sentence: " + what,
              (r.status, r.text))
    check(not s.sql("SELECT count(*) FROM webmentions_in")[0][0], "nothing queued for those")

    rem.pages["/links"] = ([], '<!doctype html><title>Page title</title><body>'
                           '<article class="h-entry"><h1 class="p-name">A reply &amp; more '
                           '[with] *marks*</h1><a class="p-author h-card" href="/">Ada '
                           'Lovelace</a><div class="e-content">I liked <a href="%s">this '
                           'story</a>.</div></article>' % target.replace("&", "&amp;"))
    rem.pages["/nolink"] = ([], "<title>Unrelated</title><p>No link at all, only <a href="
                            "\"%s/other/\">elsewhere</a>.</p>" % s.base)
    rem.pages["/spam"] = ([], '<title>Best casino bonus</title><a href="%s">x</a>' % target)
    for src in ("/links", "/nolink", "/spam", "/gone"):
        t0 = time.time()
        r = mention(s, rem.base + src, target)
        check(r.status == 202 and time.time() - t0 < 5, "202 Accepted for %s, at once" % src,
              (r.status, r.text))
    W.wait_for(lambda: s.sql("SELECT count(*) FROM webmentions_in WHERE done_at IS NULL")[0][0]
               == 0, "the mentions are verified")
    res = {row[0][len(rem.base):]: row[1:] for row in
           s.sql("SELECT source, result, reason, comment_id FROM webmentions_in")}
    check(res["/links"][0] == "accepted" and res["/links"][2], "a source linking to the "
          "target is accepted", res["/links"])
    check(res["/nolink"][0] == "refused" and "does not link" in res["/nolink"][1] and
          not res["/nolink"][2], "a source that does not link is refused, no comment",
          res["/nolink"])
    check(res["/gone"][0] == "refused" and "404" in res["/gone"][1],
          "a source that answers 404 is refused", res["/gone"])
    c = s.sql("SELECT author_name, author_email, author_url, body, status, kind FROM comments"
              " WHERE id=?", res["/links"][2])[0]
    check(c[0] == "Ada Lovelace" and c[1] == "" and c[2] == rem.base + "/links" and
          c[4] == "pending" and c[5] == "webmention",
          "it lands in the moderation inbox as a webmention, named after its author", c)
    check("A reply \\& more \\[with\\] \\*marks\\*" in c[3] and rem.base + "/links" in c[3],
          "its text is the h-entry's title (Markdown escaped) linking to the source", c[3])
    sp = s.sql("SELECT status, kind FROM comments WHERE id=?", res["/spam"][2])
    check(sp and sp[0] == ("spam", "webmention"), "a spammy mention is stored as spam",
          (res["/spam"], sp))
    r = s.get(path)
    check("Ada Lovelace" not in r.text, "a held mention is not shown")
    r = D.get(s, "/admin/comments/?status=pending", cookie=who.cookie)
    check("Ada Lovelace" in r.text and '<span class="badge">Webmention</span>' in r.text,
          "the moderation inbox shows it, marked as a Webmention")
    r = D.act(s, who, res["/links"][2], "approve")
    check(r.status == 303, "an administrator approves the mention", r.status)
    r = s.get(path)
    check("Ada Lovelace" in r.text and 'href="%s/links"' % rem.base in r.text and
          "A reply &amp; more [with] *marks*" in r.text,
          "once approved it shows under the article, with its title and a link to it")
    check('<span class="badge mention">Mentioned this</span>' in r.text,
          "marked as a reaction from another site")


def send(s, rem, who):
    rem.pages["/target-link-header"] = ([("Link", '<%s/endpoint-a>; rel="webmention"'
                                         % rem.base)], "<p>A</p>")
    rem.pages["/target-html"] = ([], '<html><head><link rel="webmention" href="/endpoint-b">'
                                 '</head><body>B</body></html>')
    rem.pages["/dir/target-rel"] = ([], '<p>C <a rel="nofollow webmention" '
                                    'href="endpoint-c">endpoint</a></p>')
    rem.pages["/target-none"] = ([], "<p>No endpoint</p>")
    links = ["/target-link-header", "/target-html", "/dir/target-rel", "/target-none"]
    body = "".join('<p><a href="%s%s">link %d</a></p>' % (rem.base, p, i)
                   for i, p in enumerate(links))
    body += '<p><a href="%s/about/">our own page</a></p>' % s.base
    now = int(time.time())
    s.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
          " created_at, updated_at, author_id) VALUES ('wm-sender', 'Sender', 'x', ?,"
          " 'published', ?, ?, ?, ?)", body, now, now, now, who.id)
    aid = s.sql("SELECT id FROM articles WHERE slug='wm-sender'")[0][0]
    source = article_url(s, aid)
    W.wait_for(lambda: s.sql("SELECT done_at FROM webmentions_out WHERE article_id=?", aid)[0][0],
               "the article's mentions are sent")
    got = sorted((p, f.get("source"), f.get("target")) for p, f in rem.posts)
    want = sorted([("/endpoint-a", source, rem.base + "/target-link-header"),
                   ("/endpoint-b", source, rem.base + "/target-html"),
                   ("/dir/endpoint-c", source, rem.base + "/dir/target-rel")])
    check(got == want, "a mention is sent to each endpoint (Link header, <link>, relative "
          "<a>), source the article, target the link", got)
    report = s.sql("SELECT report FROM webmentions_out WHERE article_id=?", aid)[0][0]
    check("target-none: no Webmention endpoint" in report and "/about/" not in report,
          "a page with no endpoint is reported; our own links are skipped", report)
    s.sql("UPDATE articles SET headline='Sender again' WHERE id=?", aid)
    s.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
          " created_at, updated_at, author_id) VALUES ('wm-old', 'Old', 'x', ?,"
          " 'published', 1000000000, 1, 1, ?)", body, who.id)
    check(not s.sql("SELECT count(*) FROM webmentions_out WHERE article_id ="
                    " (SELECT id FROM articles WHERE slug='wm-old')")[0][0],
          "an old article imported as published queues no mention")
    time.sleep(2)
    check(len(rem.posts) == 3, "an edit of a published article sends nothing again",
          rem.posts)


def main():
    rem = Remote()
    s = Server(settings={"outbound_allow_private": 1, "blocklist": "casino",
                         "timezone": "UTC"})
    try:
        who = W.admin(s)
        receive(s, rem, who)
        send(s, rem, who)
    finally:
        s.stop()
        rem.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
