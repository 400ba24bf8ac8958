"""Embeds with readers' privacy kept (issue 16), against a fake oEmbed
provider on loopback (real HTTP).

An editor saves an article whose body has links alone on their lines to
the provider: the good answer (one iframe of the provider's own origin) is
stored sanitised (only its address, size, title and provider); hostile
answers (a script beside the iframe, an iframe from another origin, a
200 KB answer, one that never comes in time) are refused and the editor is
told "This link stays a link: …" for each.  The article page shows a still
with a link to /embed/KEY/ and no iframe: nothing on it names the player
(so a browser contacts no third party), and its policy allows no
third-party frame; the /embed/KEY/ page holds the iframe, with frame-src
for the player's origin alone.  A link to a host that is no provider stays
as it was."""
import json
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


class Provider:
    def __init__(self):
        self.requests = []
        prov = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                prov.requests.append(self.path)
                u = urllib.parse.urlparse(self.path)
                if u.path == "/thumb.png":
                    return self.reply("image/png", D.png(32, 18, noise=True))
                if u.path.startswith("/player/"):
                    return self.reply("text/html", b"<!doctype html><p>PLAYER</p>")
                if u.path != "/oembed":
                    return self.reply("text/plain", b"no", 404)
                target = urllib.parse.parse_qs(u.query)["url"][0]
                kind = target.rsplit("/", 1)[-1]
                player = "%s/player/%s" % (prov.base, kind)
                ans = {"version": "1.0", "type": "video", "provider_name": "FakeTube",
                       "title": "Harbour <b>tour</b> & more"}
                if kind == "good":
                    ans["thumbnail_url"] = prov.base + "/thumb.png"
                    ans["html"] = ('<iframe width="640" height="360" src="%s" frameborder="0" '
                                   'allowfullscreen onload="alert(1)"></iframe>' % player)
                elif kind == "script":
                    ans["html"] = ('<iframe src="%s"></iframe><script src="%s/x.js"></script>'
                                   % (player, prov.base))
                elif kind == "other":
                    ans["html"] = '<iframe src="http://evil.example/player"></iframe>'
                elif kind == "two":
                    ans["html"] = '<iframe src="%s"></iframe><p>hi</p>' % player
                elif kind == "huge":
                    ans["html"] = '<iframe src="%s"></iframe>' % player
                    ans["padding"] = "x" * 200000
                elif kind == "slow":
                    time.sleep(9)
                    ans["html"] = '<iframe src="%s"></iframe>' % player
                self.reply("application/json", json.dumps(ans).encode())

            def reply(self, ctype, body, status=200):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.base = "http://127.0.0.1:%d" % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


def main():
    prov = Provider()
    s = Server(settings={"outbound_allow_private": 1, "timezone": "UTC",
                         "embed_providers": "127.0.0.1 %s/oembed" % prov.base})
    try:
        who = W.admin(s)
        kinds = ["good", "script", "other", "two", "huge", "slow"]
        links = {k: "%s/video/%s" % (prov.base, k) for k in kinds}
        body = "A harbour story.\n\n" + "\n\n".join(links[k] for k in kinds) + \
            "\n\nhttps://not-a-provider.example/video/1\n\nThe end."
        t0 = time.time()
        r = D.send(s, "/admin/articles/new", D.edit_form(who, headline="Embed test",
                                                         body=body, status="published"))
        took = time.time() - t0
        aid, _ = D.saved_id(r)
        check(r.status == 303 and "embed-refused" in (r.header("Location") or ""),
              "saved, with a notice that some links stay links", (r.status, r.header("Location")))
        check(took < 30, "the slow provider is given up on (%.1f s)" % took)
        r = D.get(s, "/admin/articles/%d/" % aid, cookie=who.cookie)
        notes = re.findall(r'<p class="notice embed-note" role="status">([^<]*)</p>', r.text)
        for k, why in (("script", "script"), ("other", "another site"), ("two", "not one iframe"),
                       ("huge", "larger than"), ("slow", "could not be asked")):
            check(any(("This link stays a link: %s:" % links[k]) in n and why in n
                      for n in notes), "the editor is told why %s stays a link" % k, notes)
        check(not any(links["good"] + ":" in n for n in notes), "nothing said of the good one")
        rows = {u: (f, e, w, h, t, pn) for u, f, e, w, h, t, pn in s.sql(
            "SELECT url, frame_src, error, width, height, title, provider FROM embeds")}
        thumb = s.sql("SELECT m.hash, m.ext FROM embeds e JOIN media m"
                      " ON m.id = e.thumbnail_media_id WHERE e.url=?", links["good"])
        check(len(thumb) == 1, "the thumbnail is copied into our media at save", thumb)
        g = rows.get(links["good"])
        check(g and g[0] == prov.base + "/player/good" and g[1] == "" and g[2:4] == (640, 360)
              and g[4] == "Harbour <b>tour</b> & more" and g[5] == "FakeTube",
              "the good answer is stored sanitised: address, size, title, provider", g)
        check(all(rows.get(links[k], ("x",))[0] == "" for k in kinds[1:]),
              "no frame address is kept for a refused answer")
        check("not-a-provider.example" not in " ".join(rows), "a link to another host is "
              "not asked about")

        slug, pub = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
        path = s.date_path(pub) + slug + "/"
        before = len(prov.requests)
        for n in (1, 2):
            r = s.get(path)
            page = r.text
            m = re.search(r'<a class="embed-load" href="(/embed/[0-9a-f]{16}/)">', page)
            check(r.status == 200 and m, "the article shows a still linking to our /embed/ "
                  "page (%d)" % n, r.status)
            check("<iframe" not in page and "/player/" not in page,
                  "the article page holds no iframe and names no player")
            check("frame-src" not in (r.header("Content-Security-Policy") or "") and
                  "default-src 'self'" in r.header("Content-Security-Policy"),
                  "its policy allows no third-party frame")
            check("Harbour &lt;b&gt;tour&lt;/b&gt; &amp; more" in page and "FakeTube" in page,
                  "the still shows the title (escaped) and the provider")
            check(thumb and '<img class="embed-thumb" src="/media/%s.%s"' % thumb[0] in page
                  and "thumb.png" not in page,
                  "and the thumbnail from our own media, not the provider's")
        check(links["script"] in page and "embed/" + links["script"] not in page and
              "https://not-a-provider.example/video/1" in page,
              "refused and unknown links stay links")
        check(len(prov.requests) == before, "building the page asked the provider nothing")
        r = s.get(m.group(1))
        csp = r.header("Content-Security-Policy") or ""
        check(r.status == 200 and '<iframe src="%s/player/good"' % prov.base in r.text and
              "onload" not in r.text and "allowfullscreen" not in r.text,
              "the /embed/ page holds the player's iframe (none of the provider's attributes)",
              r.text[-800:])
        check("frame-src %s;" % prov.base in csp and "script-src 'none'" in csp,
              "its policy allows frames from the player's origin alone", csp)
        r = s.get("/embed/0123456789abcdef/")
        check(r.status == 404, "an unknown embed is 404", r.status)
    finally:
        s.stop()
        prov.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
