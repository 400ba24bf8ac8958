"""The reference article, imported and rendered with every part of PAGE.md
in order, and the comment flows of the foundation issue one by one."""
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SHARED, Server, check, cookie_header, dom_audit, done,  # noqa: E402
                     run_cli, skip, write_article)

SEED = os.path.join(SHARED, "reference", "seed-article.txt")


def parse_seed(text):
    """Splits the reference page's text into its parts."""
    lines = [l.rstrip() for l in text.split("\n")]
    headline = lines[0].strip()
    m = re.match(r"(.+?) By (.+?) ([A-Z][a-z]{2})(\d+),(\d{4})$", lines[2].strip())
    author = m.group(2)
    paras = [l for l in lines[3:] if l.strip()]
    end = paras.index(author)                 # the author box starts with the name
    body = paras[:end]
    bio = paras[end + 2]                      # name, "By name", bio
    comment = next(l.strip()[3:].strip() for l in paras if re.match(r"\s*1\.\s", l))
    return headline, author, body, bio, comment


def main():
    if not os.path.exists(SEED):
        skip("the reference article", "its fixture %s is absent" % SEED)
        done()
    headline, author, body, bio, reader_comment = parse_seed(open(SEED, encoding="utf-8").read())
    folder = tempfile.mkdtemp(prefix="byline-import-")
    write_article(folder, "01-reference.md", title=headline, author=author,
                  author_bio=bio, date="2024-06-12 10:15", section="World",
                  tags="Russia, China, Diplomacy", slug="putin-xi-major-move",
                  body="\n\n".join(body) + "\n")
    write_article(folder, "02-related.md", title="Beijing summit ends with a joint statement",
                  author="Another Writer", date="2024-06-10 09:00", section="World",
                  tags="China", body="A short test article of our own.\n")
    write_article(folder, "03-unrelated.md", title="Harbour regatta results",
                  author="Another Writer", date="2024-06-11 09:00", section="Sport",
                  tags="Sailing", body="Boats went fast.\n")

    def importer(srv):
        rc, out, err = run_cli("import-markdown", "--db", srv.db, folder)
        check(rc == 0 and "3 imported, 0 failed" in out, "import of the reference", out + err)

    s = Server(before=importer)
    try:
        anatomy(s, headline, author, body, bio)
        comment_flows(s, headline, reader_comment)
    finally:
        s.stop()
    comment_pages(folder)
    done()


def anatomy(s, headline, author, body, bio):
    url = "/2024/06/12/putin-xi-major-move/"
    r = s.get(url)
    check(r.status == 200, "article answers 200", r.status)
    t = r.text
    esc = lambda x: x.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
    parts = [
        ("headline", "<h1 class=\"headline\">%s</h1>" % esc(headline)),
        ("byline link", '<a class="author-link" href="/author/tyler-mitchell/" rel="author">%s</a>' % author),
        ("date", '<time class="published" datetime="2024-06-12T10:15:00+00:00">June 12, 2024</time>'),
        ("body start", esc(body[0])),
        ("a quotation", esc(body[-1])),
        ("author box", 'class="author-box"'),
        ("author bio", esc(bio)),
        ("related", "Related stories"),
        ("related item", "Beijing summit ends with a joint statement"),
        ("comments title", "No thoughts yet on “%s”" % esc(headline)),
        ("reply form", "Leave a Reply"),
        ("email note", "Your email address will not be published."),
        ("required note", "Required fields are marked <span class=\"required\">*</span>"),
    ]
    last = -1
    for name, needle in parts:
        pos = t.find(needle)
        check(pos > last, "anatomy in order: %s" % name, "at %d after %d: %s" % (pos, last, needle))
        if pos > last:
            last = pos
    check("<title>%s" % esc(headline) in t, "headline in <title>")
    box = t[t.find('class="author-box"'):t.find("</aside>")]
    check(box.count(author) == 1, "author box names the author once", box.count(author))
    check('href="/author/tyler-mitchell/"' in box, "author box links to their articles")
    check("Harbour regatta" not in t[t.find("Related stories"):t.find('id="comments"')],
          "related excludes articles sharing nothing")
    check(t.count("Putin on brink") >= 1 and t[t.find("Related stories"):].find(esc(headline)) ==
          t[t.find("Related stories"):].find("No thoughts yet on") + len("No thoughts yet on “"),
          "related never lists the article itself")
    for name, size in (("comment", 65525), ("author", 245), ("email", 100), ("url", 200)):
        check(re.search(r'name="%s"[^>]*maxlength="%d"' % (name, size), t) is not None,
              "field %s has maxlength %d" % (name, size))
    check('name="comment_parent"' in t, "comment_parent field")
    check("Save my name, email, and website in this browser for the next time I comment." in t,
          "cookies consent checkbox")
    check('value="Post Comment"' in t, "Post Comment button")
    # Wrong date in the URL: 301 to the canonical one; a missing slash too.
    r = s.get("/2024/06/13/putin-xi-major-move/")
    check(r.status == 301 and r.header("Location") == url, "wrong date redirects", r.status)
    r = s.get(url.rstrip("/"))
    check(r.status == 301 and r.header("Location") == url, "missing slash redirects", r.status)
    r = s.get("/2024/06/12/no-such-article/")
    check(r.status == 404 and "Page not found" in r.text, "unknown article is a helpful 404")
    r = s.request("HEAD", url)
    check(r.status == 200 and r.body == b"", "HEAD answers without a body")


ARTICLE = "/2024/06/12/putin-xi-major-move/"


def form(s, **over):
    aid = s.sql("SELECT id FROM articles WHERE slug='putin-xi-major-move'")[0][0]
    f = {"comment": "A thoughtful comment.", "author": "Reader One",
         "email": "reader.one@example.com", "url": "", "comment_parent": "0",
         "byline_token": s.token(aid), "byline_hp": ""}
    f.update(over)
    return f


_ip = [10]


def new_ip():
    _ip[0] += 1
    return "198.51.100.%d" % _ip[0]


def comment_flows(s, headline, reader_comment):
    esc_h = headline.replace("'", "&#39;")
    # Missing fields: 422, a message beside each field, the text kept.
    r = s.post(ARTICLE, form(s, comment="", author="", email="", url="my site"), ip=new_ip())
    check(r.status == 422, "missing fields: 422", r.status)
    check('id="comment-error">Please type your comment.' in r.text, "missing comment message")
    check('id="author-error">Please enter your name.' in r.text, "missing name message")
    check('id="email-error">Please enter your email address' in r.text, "missing email message")
    check('aria-invalid="true"' in r.text, "bad fields marked aria-invalid")
    r = s.post(ARTICLE, form(s, email=""), ip=new_ip())
    check(r.status == 422 and ">A thoughtful comment.</textarea>" in r.text and
          'value="Reader One"' in r.text, "typed text kept when email missing")
    # Bad email.
    r = s.post(ARTICLE, form(s, email="not-an-email"), ip=new_ip())
    check(r.status == 422 and "valid email address" in r.text and 'value="not-an-email"' in r.text,
          "bad email refused, kept", r.status)
    # Over-long: refused, never cut.
    for field, size in (("author", 245), ("email", 100), ("url", 200), ("comment", 65525)):
        value = "x" * (size + 1)
        if field == "email":
            value = "a" * (size - 11) + "@example.com"
        if field == "url":
            value = "https://example.com/" + "p" * (size - 19)
        r = s.post(ARTICLE, form(s, **{field: value}), ip=new_ip())
        check(r.status == 422 and "too long" in r.text, "over-long %s refused" % field, r.status)
        check(value in r.text, "over-long %s kept whole in the form" % field)
    r = s.post(ARTICLE, form(s, author="é" * 245), ip=new_ip())
    check(r.status == 303, "245 two-byte characters are within the name limit", r.status)
    s.sql("DELETE FROM comments")
    # Invalid UTF-8 and a non-web website.
    r = s.post(ARTICLE, b"comment=%FF%FEbad&author=A&email=a%40example.com&byline_token=" +
               s.token(1).encode(), ip=new_ip(),
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 422 and "not valid text" in r.text, "invalid UTF-8 refused", r.status)
    r = s.post(ARTICLE, form(s, url="javascript:alert(1)"), ip=new_ip())
    check(r.status == 422 and "http://" in r.text, "javascript: website refused", r.status)

    # A valid first comment: held, seen by its writer alone.
    ip1 = new_ip()
    r = s.post(ARTICLE, form(s, comment=reader_comment, author="Maria Reader",
                             email="maria@example.org", url="https://example.org/maria"), ip=ip1)
    check(r.status == 303, "valid comment: 303", (r.status, r.text[:300]))
    loc = r.header("Location") or ""
    m = re.search(r"#comment-(\d+)$", loc)
    check(m is not None and loc.startswith(ARTICLE), "303 to #comment-ID", loc)
    cid = int(m.group(1)) if m else 0
    held = cookie_header(r)
    check("byline_held=" in held, "held cookie set")
    sc = " ".join(r.headers_all("Set-Cookie"))
    check("HttpOnly" in sc and "SameSite=Lax" in sc, "held cookie HttpOnly, SameSite=Lax", sc)
    parts = held.split("byline_held=", 1)[1].split(";")[0].split(".")
    check(len(parts) == 3 and len(parts[2]) == 32, "held cookie is ids.expiry.signature", parts)
    mine = s.get(ARTICLE, headers={"Cookie": held})
    check("Your comment is awaiting moderation." in mine.text and reader_comment.split(",")[0] in
          mine.text, "writer sees their held comment")
    check("No thoughts yet" not in mine.text,
          "a reader whose first comment is held is not told there are no thoughts yet above it")
    check("no-store" in (mine.header("Cache-Control") or ""), "personal page is not cacheable")
    other = s.get(ARTICLE)
    check("awaiting moderation" not in other.text and reader_comment[:30] not in other.text,
          "nobody else sees the held comment")
    check("No thoughts yet on" in other.text, "held comment not counted")
    forged = held.replace(str(cid), str(cid + 1), 1) if str(cid) in held else held + "x"
    check("awaiting moderation" not in s.get(ARTICLE, headers={"Cookie": forged}).text,
          "a tampered cookie shows nothing")

    # The CLI lists it, id first; approving shows it to everyone.
    rc, out, _ = run_cli("comments", "--db", s.db, "list", "--status", "pending")
    check(out.startswith("%d\t" % cid), "CLI lists pending comment id first", out)
    run_cli("comments", "--db", s.db, "approve", str(cid))
    r = s.get(ARTICLE)
    check("One thought on “%s”" % esc_h in r.text, "One thought on “…”")
    check(reader_comment[:40].replace("’", "’") in r.text, "approved comment shown")
    check('<a href="https://example.org/maria" rel="external nofollow ugc">Maria Reader</a>' in r.text,
          "author linked to their website")
    check("maria@example.org" not in r.text, "email never shown")

    # Known commenter: approved at once.  Then "2 thoughts".
    r = s.post(ARTICLE, form(s, comment="Second thoughts from Maria.", author="Maria Reader",
                             email="maria@example.org"), ip=new_ip())
    check(r.status == 303, "known commenter posts", r.status)
    check("2 thoughts on “%s”" % esc_h in s.get(ARTICLE).text, "2 thoughts on “…”")

    # A reply nests under its parent; replytocom shows "Leave a Reply to".
    r = s.get(ARTICLE + "?replytocom=%d" % cid)
    check("Leave a Reply to Maria Reader" in r.text and "Cancel reply" in r.text and
          'id="comment_parent" value="%d"' % cid in r.text, "replytocom form")
    check('href="%s#respond"' % ARTICLE in r.text, "cancel reply returns the plain form")
    r = s.post(ARTICLE, form(s, comment="A reply to Maria.", author="Maria Reader",
                             email="maria@example.org", comment_parent=str(cid)), ip=new_ip())
    rid = int(re.search(r"#comment-(\d+)", r.header("Location") or "#comment-0").group(1))
    page = s.get(ARTICLE).text
    parent_li = page.find('id="comment-%d"' % cid)
    child_li = page.find('id="comment-%d"' % rid)
    between = page[parent_li:child_li]
    check(0 < parent_li < child_li and '<ol class="children">' in between and
          between.count("</li>") == 0, "reply nested inside its parent")
    check('class="comment depth-2"' in page[child_li - 40:child_li + 40], "reply at depth 2")

    # Flood: a second stored comment from one address within 15 s: 429.
    ip2 = new_ip()
    r = s.post(ARTICLE, form(s, comment="First from this address.", author="Flo",
                             email="flo@example.com"), ip=ip2)
    check(r.status == 303, "first from an address", r.status)
    r = s.post(ARTICLE, form(s, comment="Second, too soon.", author="Flo",
                             email="flo@example.com"), ip=ip2)
    check(r.status == 429 and "posting comments too quickly" in r.text and
          ">Second, too soon.</textarea>" in r.text, "429 with the form kept", r.status)
    check(r.header("Retry-After") is not None, "429 says when to retry")

    # Duplicate.
    r = s.post(ARTICLE, form(s, comment="Second thoughts from Maria.", author="Maria Reader",
                             email="maria@example.org"), ip=new_ip())
    check(r.status == 409 and "Duplicate comment detected; it looks as though you’ve already said that!"
          in r.text, "duplicate refused", r.status)

    # Honeypot, stale and too-fast tokens, a foreign origin: refused, form kept.
    before = s.sql("SELECT count(*) FROM comments")[0][0]
    r = s.post(ARTICLE, form(s, byline_hp="http://spam.example", comment="Bot text"), ip=new_ip())
    check(r.status == 422 and ">Bot text</textarea>" in r.text, "honeypot refused", r.status)
    aid = s.sql("SELECT id FROM articles WHERE slug='putin-xi-major-move'")[0][0]
    r = s.post(ARTICLE, form(s, byline_token=s.token(aid, age=2 * 86400), comment="Old form"),
               ip=new_ip())
    check(r.status == 422 and "expired" in r.text and ">Old form</textarea>" in r.text,
          "stale token refused, form kept", r.status)
    r = s.post(ARTICLE, form(s, byline_token=s.token(aid, age=0), comment="Fast form"), ip=new_ip())
    check(r.status == 422 and "quick" in r.text and ">Fast form</textarea>" in r.text,
          "too-fast token refused, form kept", r.status)
    r = s.post(ARTICLE, form(s, byline_token=s.token(aid + 1), comment="Other article token"),
               ip=new_ip())
    check(r.status == 422, "token for another article refused", r.status)
    r = s.post(ARTICLE, form(s, byline_token="123.abc", comment="Forged"), ip=new_ip())
    check(r.status == 422, "forged token refused", r.status)
    r = s.post(ARTICLE, form(s, comment="Cross site"), ip=new_ip(),
               headers={"Origin": "https://evil.example"})
    check(r.status == 403 and ">Cross site</textarea>" in r.text, "foreign origin refused, kept",
          r.status)
    r = s.post(ARTICLE, form(s, comment="Same site"), ip=new_ip(),
               headers={"Origin": s.base})
    check(r.status == 303, "same origin accepted", r.status)
    check(s.sql("SELECT count(*) FROM comments")[0][0] == before + 1, "refusals stored nothing")

    # The real form, as a browser uses it: token from the page, 3 s wait.
    page = s.get(ARTICLE).text
    tok = re.search(r'name="byline_token" value="([^"]+)"', page).group(1)
    time.sleep(3.2)
    r = s.post(ARTICLE, form(s, byline_token=tok, comment="Posted with the page's own token.",
                             author="Patient Reader", email="patient@example.net"), ip=new_ip())
    check(r.status == 303, "page's own token accepted after 3 s", r.status)

    # Two links hold even a known commenter.
    r = s.post(ARTICLE, form(s, comment="See http://a.example and https://b.example", author="Maria Reader",
                             email="maria@example.org"), ip=new_ip())
    new_id = int(re.search(r"#comment-(\d+)", r.header("Location") or "#comment-0").group(1))
    check(s.sql("SELECT status FROM comments WHERE id=?", new_id) == [("pending",)],
          "two links are held")

    # Markup and script in every field stay inert.
    payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
                "<svg onload=alert(1)>", "[x](javascript:alert(1))", "[y](&#106;avascript:alert(1))",
                "<a href=\"javascript:alert(1)\">z</a>", "' onmouseover='alert(1)"]
    for i, p in enumerate(payloads):
        r = s.post(ARTICLE, form(s, comment="Payload %d: %s" % (i, p), author="Name %d %s" % (i, p),
                                 email="p%d@example.com" % i,
                                 url="https://example.com/?q=%s" % urllib.parse.quote(p)),
                   ip=new_ip())
        check(r.status == 303, "payload %d accepted as text" % i, (r.status, r.text[:200]))
        # As a website: refused if it is no web address, and echoed inert.
        r = s.post(ARTICLE, form(s, comment="Site %d" % i, url="https://x.example/%s" % p),
                   ip=new_ip())
        if any(ch in p for ch in " \"'<>"):
            check(r.status == 422 and "Your website must be" in r.text,
                  "payload %d website refused" % i, r.status)
            check(p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace('"', "&quot;").replace("'", "&#39;") in r.text,
                  "payload %d website echoed escaped" % i)
        check(dom_audit(r.text) == [], "payload %d answer is inert" % i, dom_audit(r.text))
    s.sql("UPDATE comments SET status='approved'")
    page = s.get(ARTICLE).text
    check(dom_audit(page) == [], "no payload became an element, attribute or link",
          dom_audit(page))
    check(dom_audit('<a href=" jav&#x61;script:x" onclick="y">') != [], "the audit itself works")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in page, "payload shown as text")
    # A flood from many addresses of one network (/24): the 21st in a minute waits.
    codes = []
    for i in range(21):
        r = s.post(ARTICLE, form(s, comment="Network flood %d" % i, author="Bot %d" % i,
                                 email="bot%d@example.com" % i), ip="198.18.5.%d" % (i + 1))
        codes.append(r.status)
    check(codes[:20] == [303] * 20 and codes[20] == 429, "21st comment from one /24 in a minute: 429",
          codes)
    check("from your network" in r.text and ">Network flood 20</textarea>" in r.text,
          "network flood refusal keeps the form")
    # Posts sent at once meet the same limits as posts sent one by one: the
    # check and the insert hold the network's gate (comment_gate) together.
    def at_once(forms_ips):
        codes = [None] * len(forms_ips)
        def post(i):
            codes[i] = s.post(ARTICLE, forms_ips[i][0], ip=forms_ips[i][1]).status
        ts_ = [threading.Thread(target=post, args=(i,)) for i in range(len(forms_ips))]
        for t in ts_:
            t.start()
        for t in ts_:
            t.join()
        return codes
    codes = at_once([(form(s, comment="All at once %d" % i, author="Crowd %d" % i,
                           email="crowd%d@example.com" % i), "198.18.9.%d" % (i + 1))
                     for i in range(30)])
    stored = s.sql("SELECT count(*) FROM comments WHERE body LIKE 'All at once %'")[0][0]
    check(sorted(codes) == [303] * 20 + [429] * 10 and stored == 20,
          "30 posts at once from one /24: 20 stored, 10 refused", (sorted(codes), stored))
    codes = at_once([(form(s, comment="Same address %d" % i, author="Twin %d" % i,
                           email="twin%d@example.com" % i), "198.18.10.7") for i in range(8)])
    stored = s.sql("SELECT count(*) FROM comments WHERE body LIKE 'Same address %'")[0][0]
    check(sorted(codes) == [303] + [429] * 7 and stored == 1,
          "8 posts at once from one address: one stored", (sorted(codes), stored))
    # Each stored comment says why it was held or approved, for moderators.
    reasons = [x[0] for x in s.sql("SELECT spam_reason FROM comments WHERE author_name LIKE 'Bot %'")]
    check(reasons and all("first-time commenter" in x for x in reasons), "held comments say why",
          reasons[:2])
    # A comment's error page escapes the echo too.
    r = s.post(ARTICLE, form(s, email="", author='"><script>alert(2)</script>'), ip=new_ip())
    check("<script>alert(2)" not in r.text and "&quot;&gt;&lt;script&gt;" in r.text,
          "refused form echo is escaped")


def comment_pages(folder):
    """Pages of threads (WordPress's comment-page-N): which comments each
    page shows, in which order, at which depth, and the page links.  Pins
    the reading of the threads whatever query or code builds them."""
    s = Server(settings={"comments_per_page": 2}, before=lambda srv: run_cli(
        "import-markdown", "--db", srv.db, folder))
    try:
        aid = s.sql("SELECT id FROM articles WHERE slug='putin-xi-major-move'")[0][0]
        other = s.sql("SELECT id FROM articles WHERE slug<>'putin-xi-major-move'")[0][0]
        ids = {}

        def add(name, parent, status, at, article=aid):
            ids[name] = s.sql(
                "INSERT INTO comments(article_id, parent_id, author_name, author_email, body,"
                " body_html, status, created_at) VALUES (?, ?, ?, 'x@example.com', ?, ?, ?, ?)"
                " RETURNING id", article, ids.get(parent), name, name, "<p>%s</p>" % name,
                status, 1700000000 + at)[0][0]
        add("T1", None, "approved", 100)
        add("R1", "T1", "approved", 150)
        for d in range(2, 8):          # a chain deeper than the 5 levels shown
            add("R%d" % d, "R%d" % (d - 1), "approved", 150 + d)
        add("T2", None, "approved", 200)
        add("S2", "T2", "spam", 210)   # a hidden reply hides its replies
        add("S2r", "S2", "approved", 220)
        add("P2", "T2", "pending", 230)
        add("A2", "T2", "approved", 240)
        add("T3", None, "pending", 300)  # a held thread is no page's
        add("T4", None, "approved", 300)
        add("T4b", None, "approved", 300)  # same second: by id
        add("Q4", "T4", "approved", 310)
        add("T5", None, "approved", 500)
        add("O1", None, "approved", 50, article=other)  # another article's
        add("Tr", None, "trash", 600)

        def shown(path):
            r = s.get(path)
            got = re.findall(r'<li id="comment-(\d+)" class="comment depth-(\d)', r.text)
            names = {v: k for k, v in ids.items()}
            return r, [(names.get(int(i), i), int(d)) for i, d in got]
        url = "/2024/06/12/putin-xi-major-move/"
        r, got = shown(url)
        check(got == [("T1", 1), ("R1", 2), ("R2", 3), ("R3", 4), ("R4", 5), ("R5", 5),
                      ("R6", 5), ("R7", 5), ("T2", 1), ("A2", 2)],
              "comment page 1: two threads, replies nested, deep ones at depth 5", got)
        check("Comments page 1 of 3" in r.text and
              'href="%scomment-page-2/#comments"' % url in r.text and "Older comments" not in r.text,
              "comment page 1 links to page 2")
        check("15 thoughts on" in r.text, "the title counts every approved comment")
        r, got = shown(url + "comment-page-2/")
        check(got == [("T4", 1), ("Q4", 2), ("T4b", 1)], "comment page 2: same second by id", got)
        check('href="%s#comments"' % url in r.text and
              'href="%scomment-page-3/#comments"' % url in r.text, "page 2 links both ways")
        r, got = shown(url + "comment-page-3/")
        check(got == [("T5", 1)] and "Comments page 3 of 3" in r.text, "comment page 3", got)
        check(s.get(url + "comment-page-4/").status == 404, "a page past the last is 404")
        check(s.get(url + "comment-page-0/").status == 404, "page 0 is 404")
        li = r.text.find('id="comment-%d"' % ids["T5"])
        check('href="%s?replytocom=%d#respond"' % (url, ids["T5"]) in r.text[li:li + 2000],
              "a comment's reply link")
        # A posted comment is sent to the page that shows its thread.
        def post(**over):
            f = {"comment": "Posted %s" % over, "author": "Poster", "email": "poster@example.com",
                 "url": "", "comment_parent": "0", "byline_token": s.token(aid), "byline_hp": ""}
            f.update(over)
            return s.post(url, f, ip=new_ip()).header("Location") or ""
        loc = post(comment_parent=str(ids["T4"]))
        check(re.match(r"^%scomment-page-2/#comment-\d+$" % re.escape(url), loc),
              "a reply goes to its thread's page", loc)
        loc = post(comment="A new thread")
        check(re.match(r"^%scomment-page-3/#comment-\d+$" % re.escape(url), loc),
              "a new thread goes to the last page", loc)
        loc = post(comment_parent=str(ids["R7"]), comment="Deep down")
        check(re.match(r"^%s#comment-\d+$" % re.escape(url), loc),
              "a reply deep in the first thread goes to page 1", loc)
        s.sql("UPDATE settings SET value='0' WHERE key='comments_per_page'")
        time.sleep(0.3)
        r, got = shown(url)
        check([n for n, _ in got] == ["T1", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "T2", "A2",
                                      "T4", "Q4", "T4b", "T5"] and "comment-pagination" not in r.text,
              "comments_per_page 0: every thread on one page", got)
    finally:
        s.stop()


main()
