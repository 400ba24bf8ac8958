"""The site's address never comes from a request (issue 11, section 2).

With base_url unset, the site's address is the one `byline serve` listens
on; a request's Host or X-Forwarded-Proto (the harness always runs with
--trust-proxy) never reaches a link.  Before, one request with a forged Host
put the attacker's domain into the cached page, every feed and sitemap, and
the moderation mails, for every reader after it.

  1. a forged Host and X-Forwarded-Proto change no link, on the forged
     answer or on any later one (pages, feeds, sitemaps, robots.txt)
  2. the moderation mail of a comment posted with a forged Host links to
     the site's address
  3. the same-origin check accepts the site's own origins (the listen
     address, localhost on its port) and nothing a Host claims; with
     base_url set, base_url's origin alone
  4. an absolute-form request for another authority is answered 421
  5. the page cache keys on the query parameters a page reads: junk query
     strings are served from the page's one entry and render nothing
  6. `byline user add` without base_url prints the path and says to set
     base_url, never a guessed address
"""
import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
from test_cache import hidden_write  # noqa: E402

EVIL = "evil.example"
FORGED = {"Host": EVIL, "X-Forwarded-Proto": "https"}


def raw(s, data, read=65536):
    """Sends bytes on a fresh connection; returns what came back."""
    c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    c.sendall(data)
    out = b""
    try:
        while len(out) < read:
            got = c.recv(65536)
            if not got:
                break
            out += got
    except socket.timeout:
        pass
    c.close()
    return out


def status_of(out):
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", out)
    return int(m.group(1)) if m else None


def absolute(s, target, host=None):
    """The status of GET target (absolute-form) with Host host."""
    host = host or "127.0.0.1:%d" % s.port
    return status_of(raw(s, ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                             % (target, host)).encode()))


def first_article(s):
    """The path of the newest article on the home page."""
    m = re.search(r'href="(/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/)"', s.get("/").text)
    return m.group(1) if m else None


# ---- 1. forged Host on pages, feeds, sitemaps ----

def forged_host_poisons_nothing(s):
    # Each page's first request is the forged one: before, it filled the cache.
    home = s.get("/", headers=FORGED).text
    art = re.search(r'href="(/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/)"', home)
    if not check(art, "the demo home lists an article"):
        return
    art = art.group(1)
    section = re.search(r'href="(/category/[a-z0-9-]+/)"', home)
    author = re.search(r'href="(/author/[a-z0-9-]+/)"', s.get(art, headers=FORGED).text)
    paths = ["/", art, art + "feed/", "/feed/", "/feed/atom/", "/feed/json/", "/comments/feed/",
             "/sitemap.xml", "/sitemap-articles-1.xml", "/sitemap-sections.xml",
             "/sitemap-news.xml", "/robots.txt", "/page/2/"]
    if section:
        paths += [section.group(1), section.group(1) + "feed/"]
    if author:
        paths += [author.group(1), author.group(1) + "feed/json/"]
    for path in paths:
        r = s.get(path, headers=FORGED)
        check(EVIL not in r.text and "https://127.0.0.1" not in r.text,
              "forged Host and X-Forwarded-Proto build no link: %s" % path,
              (r.status, [m for m in re.findall(r"\S*evil\.example\S*|https://127\S*", r.text)][:3]))
        r = s.get(path)
        check(r.status == 200 and EVIL not in r.text and "https://127.0.0.1" not in r.text,
              "after a forged Host, a reader's %s names no other domain" % path,
              (r.status, re.findall(r"\S*evil\.example\S*", r.text)[:3]))
        if path.endswith("/") and "feed/" not in path and path != "/page/2/":
            check('<link rel="canonical" href="%s%s">' % (s.base, path) in r.text,
                  "%s: canonical link on the listen address" % path)
    # The article page's Open Graph and JSON-LD too.
    r = s.get(art)
    check('property="og:url" content="%s%s"' % (s.base, art) in r.text,
          "og:url on the listen address", re.findall(r'og:url"[^>]*', r.text))
    check('"@id":"%s%s"' % (s.base, art) in r.text.replace('": "', '":"'),
          "JSON-LD on the listen address", re.findall(r'"@id":[^,]*', r.text)[:2])


# ---- 2. the moderation mail ----

def forged_host_stays_out_of_mail():
    try:
        import test_mail
    except ImportError as e:  # pragma: no cover
        check(False, "test_mail helpers: %s" % e)
        return
    if test_mail.Controller is None:
        check(False, "python3-aiosmtpd is needed (apt-get install python3-aiosmtpd)")
        return
    ctl, sink, port = test_mail.start_sink()
    s = test_mail.make_site("smtp://127.0.0.1:%d" % port)
    try:
        s.get("/")  # the server's first sync: a change after it is seen
        run_cli("settings", "--db", s.db, "set", "base_url", "")
        check(s.base + "/" in s.get("/").text, "the site runs without base_url now")
        r = s.post(test_mail.ARTICLE, test_mail.form(s), ip="198.51.100.77",
                   headers={"Host": EVIL, "X-Forwarded-Proto": "https"})
        check(r.status == 303, "comment posted with a forged Host", r.status)
        mails = sink.wait(1, 20)
        check(len(mails) >= 1, "the held comment was mailed to the staff", len(mails))
        for _, rcpts, body in mails:
            text = body.decode("utf-8", "replace")
            check(EVIL not in text, "mail to %s names no forged host" % rcpts,
                  re.findall(r"\S*evil\.example\S*", text))
            check(s.base + "/admin/comments" in text and s.base + test_mail.ARTICLE in text,
                  "mail to %s links to the site's address" % rcpts, text[-600:])
    finally:
        s.stop()
        ctl.stop()


# ---- 3. the same-origin check ----

def comment_form(s, art, n):
    aid = s.sql("SELECT id FROM articles WHERE slug = ?", art.rstrip("/").split("/")[-1])[0][0]
    return {"comment": "Origin check number %d, nothing else to say." % n, "author": "Otto",
            "email": "otto%d@example.net" % n, "url": "", "comment_parent": "0",
            "byline_token": s.token(aid), "byline_hp": ""}


def same_origin_is_the_sites(s):
    art = first_article(s)
    n = [0]

    def post(headers, ip):
        n[0] += 1
        return s.post(art, comment_form(s, art, n[0]), headers=headers, ip=ip).status

    check(post({"Origin": s.base}, "198.51.100.1") == 303, "Origin: the listen address")
    check(post({"Origin": "http://localhost:%d" % s.port}, "198.51.100.2") == 303,
          "Origin: localhost on the listen port (a person browsing on loopback)")
    check(post({"Origin": "http://LocalHost:%d" % s.port,
                "Host": "localhost:%d" % s.port}, "198.51.100.3") == 303,
          "Origin: host compared case-insensitively")
    check(post({"Referer": s.base + "/some/page/"}, "198.51.100.4") == 303,
          "Referer on the listen address")
    check(post({"Origin": "http://%s" % EVIL, "Host": EVIL}, "198.51.100.5") == 403,
          "Origin that only the forged Host names: refused")
    check(post({"Origin": "http://localhost:%d" % (s.port + 1)}, "198.51.100.6") == 403,
          "localhost on another port: refused")
    check(post({"Origin": "https://127.0.0.1:%d" % s.port}, "198.51.100.7") == 403,
          "the listen address over https: refused")
    check(post({"Origin": "http://127.0.0.1:%d@%s" % (s.port, EVIL)}, "198.51.100.8") == 403,
          "an origin with a user part: refused")
    check(post({"Referer": "http://127.0.0.1:%d.%s/" % (s.port, EVIL)}, "198.51.100.9") == 403,
          "a Referer whose host only starts like ours: refused")


def same_origin_with_base_url():
    s = Server(demo=True, settings={"base_url": "https://news.example/",
                                    "comment_flood_seconds": 0})
    try:
        art = first_article(s)
        r = s.post(art, comment_form(s, art, 100), headers={"Origin": "https://news.example"},
                   ip="198.51.100.20")
        check(r.status == 303, "base_url set: its origin is accepted", r.status)
        r = s.post(art, comment_form(s, art, 101), headers={"Origin": "https://NEWS.example:443"},
                   ip="198.51.100.21")
        check(r.status == 303, "base_url set: the default port written out is the same origin",
              r.status)
        r = s.post(art, comment_form(s, art, 102), headers={"Origin": s.base}, ip="198.51.100.22")
        check(r.status == 403, "base_url set: the listen address is not the site's origin",
              r.status)
        r = s.get(art, headers=FORGED)
        check("https://news.example" + art in r.text and EVIL not in r.text,
              "base_url set: links name base_url whatever the Host")
        check(absolute(s, "https://news.example/") == 200, "absolute-form for base_url: 200")
        check(absolute(s, "http://127.0.0.1:%d/" % s.port) == 421,
              "base_url set: absolute-form for the listen address: 421")
    finally:
        s.stop()


# ---- 4. absolute-form for another authority ----

def absolute_form_for_another_authority(s):
    p = s.port
    check(absolute(s, "http://%s/" % EVIL, EVIL) == 421, "absolute-form for evil.example: 421")
    check(absolute(s, "http://%s/feed/" % EVIL) == 421,
          "absolute-form for another authority, our Host: 421")
    check(absolute(s, "http://127.0.0.1:%d@%s/" % (p, EVIL)) == 421,
          "absolute-form with a user part: 421")
    check(absolute(s, "https://127.0.0.1:%d/" % p) == 421,
          "absolute-form with a scheme that is not ours: 421")
    check(absolute(s, "http://127.0.0.1:%d/" % (p + 1)) == 421,
          "absolute-form for another port: 421")
    check(absolute(s, "http://127.0.0.1:%d/" % p) == 200, "absolute-form for the site: 200")
    check(absolute(s, "HTTP://LOCALHOST:%d/healthz" % p, EVIL) == 200,
          "absolute-form for localhost on the listen port: 200 (whatever the Host)")
    out = raw(s, ("GET http://%s/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                  % (EVIL, EVIL)).encode())
    check(b"nosniff" in out and EVIL.encode() not in out.split(b"\r\n\r\n", 1)[-1],
          "the 421 has the security headers and does not echo the authority", out[:400])


# ---- 5. the cache key ----

def junk_queries_share_the_page(s):
    aid, old, slug = s.sql("SELECT id, headline, slug FROM articles WHERE status = 'published' "
                           "ORDER BY published_at DESC LIMIT 1")[0]
    art = first_article(s)
    check(art and art.endswith("/%s/" % slug), "the newest article's path", art)
    check(old in s.get(art).text, "the article page (now cached)")
    home = s.get("/")
    new = "Rewritten behind the back of the cache"
    hidden_write(s, "UPDATE articles SET headline = ? WHERE id = ?", new, aid)
    fresh = s.get(art, headers={"Cookie": "byline_commenter=n%3DFresh"})
    check(new in fresh.text, "a personal request renders afresh (the write happened)")
    rendered = 0
    for i in range(300):
        r = s.get("%s?x=%d&utm_source=n%d" % (art, i, i))
        if r.status != 200 or new in r.text or old not in r.text:
            rendered += 1
    check(rendered == 0, "300 junk query strings are served from the article's one entry "
          "(none rendered afresh)", "%d of 300 rendered" % rendered)
    r = s.get(art + "?x=1")
    check(r.status == 200 and r.header("ETag") == s.get(art).header("ETag") and
          new not in r.text, "ART?x=1 is the same entry as ART")
    r = s.get(art)
    check(old in r.text and new not in r.text, "the article is still cached after the junk")
    r = s.get("/?x=1")
    check(r.status == 200 and r.header("ETag") == home.header("ETag"),
          "/?x=1 is served as /", (r.header("ETag"), home.header("ETag")))
    # The parameters a page reads still count.
    r = s.get("/?x=1&p=%d" % aid)
    check(r.status == 301 and (r.header("Location") or "").endswith("/%s/" % slug),
          "/?p=ID still redirects to the article (junk beside it ignored)",
          (r.status, r.header("Location")))
    r = s.get("/?s=harbour&x=2")
    check(r.status == 301 and r.header("Location") == "/search/?q=harbour",
          "/?s=words still redirects to the search", (r.status, r.header("Location")))
    row = s.sql("SELECT c.id, a.slug FROM comments c JOIN articles a ON a.id = c.article_id "
                "WHERE c.status = 'approved' AND a.status = 'published' LIMIT 1")
    if check(row, "the demo has an approved comment"):
        cid, slug = row[0]
        art = re.search(r'href="(/\d{4}/\d{2}/\d{2}/%s/)"' % re.escape(slug),
                        s.get("/sitemap-articles-1.xml").text) or \
            re.search(r"<loc>[^<]*?(/\d{4}/\d{2}/\d{2}/%s/)</loc>" % re.escape(slug),
                      s.get("/sitemap-articles-1.xml").text)
        if check(art, "the commented article's path"):
            art = art.group(1)
            plain = s.get(art + "?junk=1")
            reply = s.get(art + "?junk=2&replytocom=%d" % cid)
            marker = 'id="comment_parent" value="%d"' % cid
            check(marker not in plain.text and marker in reply.text,
                  "?replytocom=ID is keyed apart and shows its reply form")
            check(marker not in s.get(art).text, "the plain article is not the reply form")


# ---- 6. printed links ----

def printed_links_without_base_url(s):
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "new@example.com",
                           "--name", "New Person", "--role", "author")
    check(rc == 0 and re.search(r"^/admin/password\?token=[0-9a-f]+$", out, re.M),
          "user add without base_url prints the path", out + err)
    check("8080" not in out and "127.0.0.1" not in out and "base_url" in out,
          "no guessed address; says to set base_url", out)
    rc, out, err = run_cli("user", "--db", s.db, "reset-link", "new@example.com")
    check(rc == 0 and re.search(r"^/admin/password\?token=[0-9a-f]+$", out, re.M) and
          "8080" not in out, "reset-link without base_url prints the path", out)
    run_cli("settings", "--db", s.db, "set", "base_url", "https://news.example/")
    rc, out, err = run_cli("user", "--db", s.db, "reset-link", "new@example.com")
    check(re.search(r"^https://news\.example/admin/password\?token=[0-9a-f]+$", out, re.M),
          "reset-link with base_url prints the whole link", out)
    run_cli("settings", "--db", s.db, "set", "base_url", "")


def base_url_set_before_the_first_request():
    """A setting changed from the command line between the server's start
    and its first request was taken as already read (the change log's
    starting point was the first request), so `byline settings set
    base_url` right after `serve` changed nothing."""
    s = Server(demo=True)
    try:
        run_cli("settings", "--db", s.db, "set", "base_url", "https://news.example")
        r = s.get("/")
        check('<link rel="canonical" href="https://news.example/">' in r.text,
              "base_url set before the first request names the links",
              re.findall(r'canonical[^>]*', r.text))
    finally:
        s.stop()


def serve_says_to_set_base_url(s):
    # The harness read the first line; the notice follows it.
    got = []

    def read():
        got.append(s.proc.stdout.readline() + s.proc.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)  # no line (before): no wait
    reader.start()
    reader.join(10)
    line = got[0] if got else ""
    check("base_url is not set" in line and s.base in line,
          "serve says base_url is unset and which address links name", line)


def main():
    s = Server(demo=True, settings={"comment_flood_seconds": 0})
    try:
        serve_says_to_set_base_url(s)
        forged_host_poisons_nothing(s)
        absolute_form_for_another_authority(s)
        same_origin_is_the_sites(s)
        printed_links_without_base_url(s)
    finally:
        s.stop()
    s = Server(demo=True)
    try:
        junk_queries_share_the_page(s)
    finally:
        s.stop()
    same_origin_with_base_url()
    base_url_set_before_the_first_request()
    forged_host_stays_out_of_mail()
    done()


if __name__ == "__main__":
    main()
