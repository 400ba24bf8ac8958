"""The front page (issue 13): editors choose the lead story and top stories,
in order and pinned until a time, at /admin/front/ (plain forms); sticky
articles are pinned; with nothing chosen the newest story leads.  Below: a
block per section and a "Latest" list.  Everything through the page cache,
which must drop the page when a choice changes, a chosen story changes, or
a pin ends.

Each check fails without the feature: before it, /admin/front/ was a 404,
the home page was one list, newest first, and a pin could not expire."""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402

COOKIE = "byline_session"
PW = "correct horse battery front"


def post(s, path, fields, cookie=None):
    h = {"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        h["Cookie"] = "%s=%s" % (COOKIE, cookie)
    return s.request("POST", path, body=urllib.parse.urlencode(fields).encode(), headers=h)


def get(s, path, cookie=None):
    return s.get(path, headers={"Cookie": "%s=%s" % (COOKIE, cookie)} if cookie else {})


def person(s, role):
    """An account of role, signed in: (cookie, csrf)."""
    email = "%s@example.com" % role
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", email, "--name",
                           role.title() + " Person", "--role", role, check_rc=False)
    m = re.search(r"/admin/password\?token=(\S+)", out)
    check(rc == 0 and m, "user add %s" % role, out + err)
    post(s, "/admin/password", {"token": m.group(1), "password": PW, "password2": PW})
    r = post(s, "/admin/login", {"email": email, "password": PW})
    cookie = None
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            cookie = sc.split("=", 1)[1].split(";", 1)[0]
    check(r.status == 303 and cookie, "%s signs in" % role, r.status)
    page = get(s, "/admin/", cookie)
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    return cookie, m.group(1) if m else ""


def ids(s):
    """{slug: id} of the demo's articles."""
    return dict(s.sql("SELECT slug, id FROM articles"))


def lead_of(html):
    m = re.search(r'<article class="lead-story[^"]*">.*?<h2 class="card-title"><a href="([^"]+)"',
                  html, re.S)
    return m.group(1) if m else None


def tops_of(html):
    m = re.search(r'<div class="top-stories">(.*?)</div>\s*</section>', html, re.S)
    if not m:
        return []
    return re.findall(r'<h2 class="card-title"><a href="([^"]+)"', m.group(1))


def slug_of(url):
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def main():
    s = Server(demo=True)
    try:
        art = ids(s)
        newest = s.sql("SELECT slug FROM articles WHERE status='published'"
                       " ORDER BY published_at DESC LIMIT 1")[0][0]

        # Nothing chosen: the newest story leads; the next four are top stories.
        r = s.get("/")
        check(r.status == 200 and slug_of(lead_of(r.text)) == newest,
              "with nothing chosen the newest story leads", lead_of(r.text))
        check(len(tops_of(r.text)) == 4, "four top stories beside the lead", tops_of(r.text))
        # A block per section, its name linking to it, and a Latest list.
        blocks = re.findall(r'<h2 class="block-title" id="section-\d+"><a href="(/category/[^"]+/)">',
                            r.text)
        check(len(blocks) >= 4 and "/category/business/" in blocks,
              "a block per section, named with a link to it", blocks)
        latest = re.search(r'<ol class="latest-list">(.*?)</ol>', r.text, re.S)
        check(latest and latest.group(1).count("<li>") == 10,
              "a Latest list: a page of the newest stories (posts_per_page)")
        check("Page 1 of 2" in r.text, "the Latest list is paginated")
        imgs = [t for t in re.findall(r"<img [^>]*>", r.text) if 'src="/media/' in t]
        check(len(imgs) >= 8 and all('width="1200"' in t and 'height="800"' in t and
                                     re.search(r'alt="[^"]+"', t) for t in imgs),
              "cards show photos with width, height and alt", imgs[:2])
        check('href="/page/2/"' in r.text, "Latest links to older stories")
        # A credit that names what it credits is printed once, not "Photo: Illustration: …".
        a = s.get("/2026/10/22/council-approves-city-budget/")
        check('<span class="credit">Illustration: Byline demo</span>' in a.text and
              "Photo: Illustration" not in a.text,
              "a demo photo's credit reads 'Illustration: Byline demo'",
              re.findall(r'<span class="credit">[^<]*</span>', a.text))

        # Who may choose: editors and administrators only.
        people = {role: person(s, role) for role in
                  ("contributor", "author", "editor", "administrator")}
        marsh = art["kestrel-point-salt-marsh-returns"]
        for role, (cookie, csrf) in people.items():
            g = get(s, "/admin/front/", cookie)
            p = post(s, "/admin/front/", {"csrf": csrf, "action": "top",
                                          "article_id": str(marsh)}, cookie)
            ok = role in ("editor", "administrator")
            check((g.status == 200) == ok, "%s %s open /admin/front/" %
                  (role, "may" if ok else "may not"), g.status)
            check((p.status == 303) == ok and (ok or p.status == 403),
                  "%s %s change the front page" % (role, "may" if ok else "may not"), p.status)
        g = s.get("/admin/front/")
        p = post(s, "/admin/front/", {"action": "lead", "article_id": str(marsh)})
        check(g.status in (302, 303, 403) and p.status == 403,
              "signed out: no front page desk", (g.status, p.status))
        s.sql("DELETE FROM front_picks")

        ed_cookie, ed_csrf = people["editor"]
        page = get(s, "/admin/front/", ed_cookie)
        check("Make lead" in page.text and "None: the newest stories lead" in page.text,
              "the desk lists recent stories to add, and says nothing is chosen")

        # Warm the cache, then choose: the page must change at once.
        s.get("/")
        s.get("/")
        jazz, rowing, soccer = (art["jazz-on-the-quay-twentieth-year"],
                                art["rowing-club-wins-merrow-cup"],
                                art["mariners-hold-dunmore-to-draw"])
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "lead", "article_id": str(marsh)},
                 ed_cookie)
        check(r.status == 303, "an editor makes a story the lead", r.status)
        for aid, pos in ((jazz, 2), (rowing, 1), (soccer, 3)):
            r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "top", "article_id": str(aid),
                                          "position": str(pos)}, ed_cookie)
            check(r.status == 303, "top story added at %d" % pos, r.status)
        time.sleep(0.3)
        r = s.get("/")
        check(slug_of(lead_of(r.text)) == "kestrel-point-salt-marsh-returns",
              "the chosen lead leads (through the page cache)", lead_of(r.text))
        got = [slug_of(u) for u in tops_of(r.text)]
        check(got[:3] == ["rowing-club-wins-merrow-cup", "jazz-on-the-quay-twentieth-year",
                          "mariners-hold-dunmore-to-draw"] and len(got) == 4,
              "top stories in the chosen order, then the newest", got)
        check(got[3] == newest, "the newest story fills the last place", got)

        # A new lead: the old one becomes the first top story.
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "lead", "article_id": str(jazz)},
                 ed_cookie)
        time.sleep(0.3)
        r = s.get("/")
        got = [slug_of(u) for u in tops_of(r.text)]
        check(slug_of(lead_of(r.text)) == "jazz-on-the-quay-twentieth-year" and
              got[0] == "kestrel-point-salt-marsh-returns",
              "a new lead moves the old lead to the top stories", (lead_of(r.text), got))

        # A chosen story's headline changes: the cached front page follows.
        s.sql("UPDATE articles SET headline = 'Jazz, retitled for the front' WHERE id = ?", jazz)
        time.sleep(0.3)
        r = s.get("/")
        check("Jazz, retitled for the front" in r.text, "a chosen story's change reaches the "
              "cached front page")

        # The chosen lead's photo changes (the media library replaces a
        # file, say): the cached front page follows.
        s.get("/")
        s.sql("UPDATE media SET width = 1000, height = 750 WHERE id ="
              " (SELECT featured_media_id FROM articles WHERE id = ?)", jazz)
        time.sleep(0.3)
        r = s.get("/")
        lead_html = re.search(r'<article class="lead-story.*?</article>', r.text, re.S).group(0)
        check('width="1000" height="750"' in lead_html,
              "a chosen story's photo change reaches the cached front page")

        # Refusals: a draft, a pin in the past, a bad date.
        draft = s.sql("INSERT INTO articles(slug, headline, dek, body_src, body_html, status,"
                      " created_at, updated_at, author_id) SELECT 'draft-x', 'Draft', '', '', '',"
                      " 'draft', 0, 0, id FROM users LIMIT 1 RETURNING id")[0][0]
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "top", "article_id": str(draft)},
                 ed_cookie)
        check(r.status == 422 and "publish it first" in r.text, "a draft is refused", r.status)
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "top", "article_id": str(rowing),
                                      "until_date": "2001-01-01", "until_time": "10:00"},
                 ed_cookie)
        check(r.status == 422 and "already passed" in r.text, "a pin in the past is refused",
              r.status)
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "top", "article_id": str(rowing),
                                      "until_date": "soon<script>"}, ed_cookie)
        check(r.status == 422 and "<script>" not in r.text, "a bad date is refused, escaped",
              r.status)

        # A pin ends by itself: the page (cached) changes, the row goes.
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "update", "article_id": str(jazz),
                                      "until_date": "2099-01-01", "until_time": "10:00"},
                 ed_cookie)
        check(r.status == 303, "the lead's pin time is set", r.status)
        page = get(s, "/admin/front/", ed_cookie)
        check('value="2099-01-01"' in page.text, "the desk shows the pin's end")
        s.sql("UPDATE front_picks SET pinned_until = strftime('%s','now') + 2 WHERE article_id = ?",
              jazz)
        time.sleep(0.3)
        r = s.get("/")
        check(slug_of(lead_of(r.text)) == "jazz-on-the-quay-twentieth-year", "pinned: still leads")
        s.get("/")
        time.sleep(3.5)
        r = s.get("/")
        check(slug_of(lead_of(r.text)) != "jazz-on-the-quay-twentieth-year",
              "the pin ended: the cached front page changed by itself", lead_of(r.text))
        left = s.sql("SELECT count(*) FROM front_picks WHERE article_id = ?", jazz)[0][0]
        check(left == 0, "the scheduler deleted the ended pin (the change log hears of it)", left)

        # Taking off.
        r = post(s, "/admin/front/", {"csrf": ed_csrf, "action": "remove",
                                      "article_id": str(marsh)}, ed_cookie)
        check(r.status == 303, "a story is taken off", r.status)

        # WordPress's sticky posts are pinned: one becomes the lead when none is chosen.
        s.sql("DELETE FROM front_picks")
        s.get("/")
        s.sql("UPDATE articles SET is_sticky = 1 WHERE id = ?", soccer)
        time.sleep(0.3)
        r = s.get("/")
        check(slug_of(lead_of(r.text)) == "mariners-hold-dunmore-to-draw",
              "a sticky story leads when no lead is chosen (cache dropped)", lead_of(r.text))

        # Page 2 is a plain grid of older stories.
        r = s.get("/page/2/")
        check(r.status == 200 and 'class="card-grid"' in r.text, "page 2 lists older stories")
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
