"""Mastodon and X posts as embeds (issue 16), against fake oEmbed providers
on loopback (real HTTP).

Their oEmbed code is a quote of the post followed by a script (older
Mastodon: its own iframe, then a script): none of it is kept.  A Mastodon
post answered by its own instance is framed from the post's address
(ORIGIN/@NAME/ID/embed); an X post (x.com or twitter.com) from X's player
(https://platform.twitter.com/embed/Tweet.html?id=ID).  Hostile answers stay
links: an iframe of another address, a script alone, a huge answer, and a
Mastodon-shaped answer from a provider that is not the post's instance.
The article shows the still (no iframe, no player named); the /embed/KEY/
page frames the player, with frame-src for that origin alone."""
import json
import os
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402

SCRIPT = '<script async src="%s" charset="utf-8"></script>'


class Provider:
    """Answers /api/oembed as a Mastodon instance and /x/oembed as X."""

    def __init__(self):
        self.requests = []
        prov = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                prov.requests.append(self.path)
                u = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(u.query)
                if u.path not in ("/api/oembed", "/x/oembed"):
                    return self.reply(b"no", 404)
                target = q["url"][0]
                sid = urllib.parse.urlparse(target).path.rstrip("/").rsplit("/", 1)[-1]
                if u.path == "/x/oembed":
                    ans = {"type": "rich", "author_name": "Harbour Desk",
                           "provider_name": "Twitter", "width": 550, "height": None}
                    quote = ('<blockquote class="twitter-tweet"><p lang="en">Ferry late '
                             'again</p>&mdash; Harbour Desk <a href="%s">Dec 7</a>'
                             '</blockquote>\n' % target)
                    widgets = SCRIPT % "https://platform.twitter.com/widgets.js"
                    if sid == "1001":
                        ans["html"] = quote + widgets
                    elif sid == "1002":  # an iframe of another origin
                        ans["html"] = ('<iframe src="https://evil.example/x"></iframe>' +
                                       quote + widgets)
                    elif sid == "1003":  # a script alone
                        ans["html"] = widgets
                    else:  # huge
                        ans["html"] = quote + widgets + "<!--" + "x" * 200000 + "-->"
                    return self.reply(json.dumps(ans).encode())
                origin = prov.base
                status = target[len(origin):] if target.startswith(origin) else \
                    urllib.parse.urlparse(target).path
                ans = {"type": "rich", "version": "1.0", "author_name": "Alice",
                       "provider_name": "Fakedon", "width": 400, "height": None}
                embed_js = SCRIPT % (origin + "/embed.js")
                if sid == "201":  # older Mastodon: its own iframe, then a script
                    ans["html"] = ('<iframe src="%s%s/embed" class="mastodon-embed" '
                                   'style="max-width: 100%%; border: 0" width="400" '
                                   'allowfullscreen="allowfullscreen"></iframe>%s'
                                   % (origin, status, embed_js))
                elif sid == "202":  # newer Mastodon: a quote, then a script
                    ans["html"] = ('<blockquote class="mastodon-embed" data-embed-url="%s%s/'
                                   'embed"><a href="%s">Post by @alice</a>%s</blockquote>%s'
                                   % (origin, status, target, "<svg></svg>" * 400, embed_js))
                elif sid == "203":  # an iframe of another origin
                    ans["html"] = ('<iframe src="https://evil.example%s/embed"></iframe>%s'
                                   % (status, embed_js))
                elif sid == "204":  # a script alone
                    ans["html"] = embed_js
                else:  # huge
                    ans["html"] = '<blockquote>%s</blockquote>%s' % ("y" * 200000, embed_js)
                self.reply(json.dumps(ans).encode())

            def reply(self, body, status=200):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.port = self.srv.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


def main():
    prov = Provider()
    providers = ("x.com %s/x/oembed platform.twitter.com; "
                 "twitter.com %s/x/oembed platform.twitter.com; "
                 "127.0.0.1 %s/api/oembed; "
                 "localhost %s/api/oembed" % ((prov.base,) * 4))
    s = Server(settings={"outbound_allow_private": 1, "timezone": "UTC",
                         "embed_providers": providers})
    try:
        who = W.admin(s)
        links = {
            "x": "https://x.com/harbourdesk/status/1001",
            "tw": "https://twitter.com/harbourdesk/status/1001?s=20",
            "x-other": "https://x.com/harbourdesk/status/1002",
            "x-script": "https://x.com/harbourdesk/status/1003",
            "x-huge": "https://x.com/harbourdesk/status/1004",
            "m-iframe": prov.base + "/@alice/201",
            "m-quote": prov.base + "/@alice/202",
            "m-other": prov.base + "/@alice/203",
            "m-script": prov.base + "/@alice/204",
            "m-huge": prov.base + "/@alice/205",
            # answered by 127.0.0.1, not the post's own instance (localhost)
            "m-foreign": "http://localhost:%d/@alice/201" % prov.port,
        }
        good = ["x", "tw", "m-iframe", "m-quote"]
        aids = []
        for group in ("x", "m"):  # at most 8 links are asked about at one save
            body = "Posts about the ferry.\n\n" + "\n\n".join(
                v for k, v in links.items() if k[0] in (group, "t" if group == "x" else "")) + \
                "\n\nThe end."
            r = D.send(s, "/admin/articles/new", D.edit_form(
                who, headline="Ferry posts " + group, body=body, status="published"))
            aid, _ = D.saved_id(r)
            check(r.status == 303, "saved", r.status)
            aids.append(aid)
        rows = {u: (f, e, t) for u, f, e, t in s.sql(
            "SELECT url, frame_src, error, title FROM embeds")}
        want = {
            "x": "https://platform.twitter.com/embed/Tweet.html?id=1001",
            "tw": "https://platform.twitter.com/embed/Tweet.html?id=1001",
            "m-iframe": prov.base + "/@alice/201/embed",
            "m-quote": prov.base + "/@alice/202/embed",
        }
        for k in good:
            g = rows.get(links[k])
            check(g and g[0] == want[k] and g[1] == "", "%s: framed from the post's address"
                  % k, g)
        check(rows.get(links["x"], ("",) * 3)[2] == "Harbour Desk",
              "an X post's still names its author", rows.get(links["x"]))
        notes = []
        for aid in aids:
            r = D.get(s, "/admin/articles/%d/" % aid, cookie=who.cookie)
            notes += re.findall(r'<p class="notice embed-note" role="status">([^<]*)</p>',
                                r.text)
        for k, why in (("x-other", "another address"), ("x-script", "only a script"),
                       ("x-huge", "larger than"), ("m-other", "another address"),
                       ("m-script", "only a script"), ("m-huge", "larger than"),
                       ("m-foreign", "script")):
            row = rows.get(links[k])
            check(row and row[0] == "" and row[1], "%s: refused, no frame kept" % k, row)
            check(any(("This link stays a link: %s:" % links[k]) in n and why in n
                      for n in notes), "the editor is told why %s stays a link" % k, notes)
        check(not any("<script" in (f or "") or "widgets.js" in (f or "")
                      for f, _, _ in rows.values()), "no script is kept")

        before = len(prov.requests)
        keys = []
        for aid in aids:
            slug, pub = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
            path = s.date_path(pub) + slug + "/"
            r = s.get(path)
            page = r.text
            keys += re.findall(r'<a class="embed-load" href="(/embed/[0-9a-f]{16}/)">', page)
            check(r.status == 200 and "<iframe" not in page and
                  "platform.twitter.com" not in page and "/embed\"" not in page and
                  "widgets.js" not in page and "embed.js" not in page,
                  "the article page holds no iframe, no provider script, "
                  "and names no player")
            check("frame-src" not in (r.header("Content-Security-Policy") or ""),
                  "its policy allows no third-party frame")
        check(len(keys) == 4, "the articles show four stills", keys)
        check(len(prov.requests) == before, "building the pages asked the provider nothing")
        frames = {}
        for k in keys:
            r = s.get(k)
            m = re.search(r'<iframe src="([^"]*)"', r.text)
            frames[m.group(1).replace("&amp;", "&") if m else None] = \
                r.header("Content-Security-Policy") or ""
        xcsp = frames.get(want["x"], "")
        check("frame-src https://platform.twitter.com;" in xcsp and "script-src 'none'" in xcsp,
              "the X player page frames platform.twitter.com alone", frames)
        mcsp = frames.get(want["m-quote"], "")
        check("frame-src %s;" % prov.base in mcsp, "the Mastodon player page frames the "
              "instance alone", mcsp)
        check(all("<script" not in s.get(k).text for k in keys), "no player page holds a script")
    finally:
        s.stop()
        prov.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
