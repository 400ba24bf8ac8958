"""The WordPress REST API (issue 16): discovery, the /wp-json/ index, the
wp/v2 reads with WordPress's field names, errors, paging headers, ETag and
304, CORS and the page cache; application passwords made and revoked in the
profile (shown once, stored hashed, HTTP Basic refused over plain http from
another machine, never the account's own password, failures throttled);
writes within each role (a contributor's post is never published); media
uploads; comments through the API under the comment form's rules; and
moderation by the desk's rule (editors all, authors their own articles')."""
import base64
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
import test_desk as D  # noqa: E402

V2 = "/wp-json/wp/v2"


def people(s):
    out = {}
    for key, role in (("admin", D.ADMIN), ("editor", D.EDITOR), ("author", D.AUTHOR),
                      ("contrib", D.CONTRIB)):
        w = D.Who(role, "api-%s@example.com" % key, "Api %s" % key.title(), "api password " + key)
        rc, o, e = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                           "--role", D.ROLE_NAMES[role], check_rc=False)
        tok = D.link_token(o)
        s.post("/admin/password", {"token": tok, "password": w.pw, "password2": w.pw},
               headers={"Origin": s.base})
        w.cookie, w.csrf = D.sign_in(s, w)
        w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
        out[key] = w
    return out


def app_password(s, who, name="Test client"):
    r = D.send(s, "/admin/profile/app-passwords", {"csrf": who.csrf, "app_name": name}, who=who)
    m = re.search(r'<code id="new-app-password">([^<]+)</code>', r.text)
    check(r.status == 201 and m, "%s makes an application password" % who.email,
          (r.status, r.text[:300]))
    return m.group(1) if m else ""


def basic(login, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (login, pw)).encode()).decode()


def api(s, method, path, who=None, pw=None, body=None, headers=None, ip=None):
    h = dict(headers or {})
    if who is not None:
        h["Authorization"] = basic(who.email, pw if pw is not None else who.app)
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    r = s.request(method, path, body=body, headers=h, ip=ip)
    try:
        r.json = json.loads(r.text) if r.body else None
    except ValueError:
        r.json = None
        if r.status != 304 and r.body:
            check(False, "%s %s answers valid JSON" % (method, path), r.text[:300])
    return r


def is_error(r, status, code):
    return (r.status == status and isinstance(r.json, dict) and r.json.get("code") == code and
            isinstance(r.json.get("message"), str) and
            r.json.get("data", {}).get("status") == status)


POST_FIELDS = {"id": int, "date": str, "date_gmt": str, "guid": dict, "modified": str,
               "modified_gmt": str, "slug": str, "status": str, "type": str, "link": str,
               "title": dict, "content": dict, "excerpt": dict, "author": int,
               "featured_media": int, "comment_status": str, "ping_status": str,
               "sticky": bool, "template": str, "format": str, "meta": list,
               "categories": list, "tags": list, "_links": dict}


def shape_ok(obj, fields):
    bad = [k for k, t in fields.items() if not isinstance(obj.get(k), t)]
    return not bad, bad


def reads(s):
    home = s.get("/")
    base = s.base
    check(home.header("Link") == '<%s/wp-json/>; rel="https://api.w.org/"' % base,
          "pages carry the API's discovery Link header", home.header("Link"))
    check('<link rel="https://api.w.org/" href="%s/wp-json/">' % base in home.text,
          "pages carry the API's discovery link in the head")
    idx = api(s, "GET", "/wp-json/")
    title = s.sql("SELECT value FROM settings WHERE key='site_title'")[0][0]
    check(idx.status == 200 and idx.json["name"] == title and "wp/v2" in idx.json["namespaces"]
          and "/wp/v2/posts" in idx.json["routes"] and
          "GET" in idx.json["routes"]["/wp/v2/posts"]["methods"] and
          "per_page" in idx.json["routes"]["/wp/v2/posts"]["endpoints"][0]["args"],
          "/wp-json/ describes the site and its routes", idx.text[:300])

    published = s.sql("SELECT count(*) FROM articles WHERE status='published' AND "
                      "trashed_at IS NULL AND is_private=0")[0][0]
    r = api(s, "GET", V2 + "/posts?per_page=3")
    check(r.status == 200 and len(r.json) == 3, "posts: per_page=3 gives 3", r.status)
    check(r.header("X-WP-Total") == str(published) and
          r.header("X-WP-TotalPages") == str((published + 2) // 3),
          "posts: X-WP-Total and X-WP-TotalPages", (r.header("X-WP-Total"), published))
    check(r.header("Link") == '<%s%s/posts?per_page=3&page=2>; rel="next"' % (base, V2),
          "posts: Link rel=next from the site's base", r.header("Link"))
    ok, bad = shape_ok(r.json[0], POST_FIELDS)
    check(ok, "posts: WordPress's fields and types", bad)
    p0 = r.json[0]
    check(isinstance(p0["title"].get("rendered"), str) and "rendered" in p0["content"] and
          p0["content"]["protected"] is False and p0["type"] == "post" and
          p0["status"] == "publish" and p0["link"].startswith(base + "/") and
          re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", p0["date_gmt"]) and
          "raw" not in p0["content"],
          "posts: rendered fields, status publish, link from base, dates", p0.get("link"))
    check(p0["_links"]["self"][0]["href"] == "%s%s/posts/%d" % (base, V2, p0["id"]),
          "posts: _links.self", p0["_links"].get("self"))
    page2 = api(s, "GET", V2 + "/posts?per_page=3&page=2")
    check(page2.status == 200 and page2.json[0]["id"] not in [p["id"] for p in r.json] and
          'rel="prev"' in (page2.header("Link") or ""), "posts: page 2 and rel=prev",
          page2.header("Link"))
    for q, name in (("per_page=101", "per_page"), ("per_page=0", "per_page"),
                    ("page=0", "page"), ("per_page=x", "per_page"),
                    ("orderby=rand", "orderby"), ("order=up", "order"),
                    ("after=yesterday", "after"), ("context=admin", "context")):
        e = api(s, "GET", V2 + "/posts?" + q)
        check(is_error(e, 400, "rest_invalid_param") and name in e.json["data"]["params"],
              "posts?%s: rest_invalid_param naming %s" % (q, name), e.text[:200])
    e = api(s, "GET", V2 + "/posts?page=999")
    check(is_error(e, 400, "rest_post_invalid_page_number"), "a page past the end", e.text)
    e = api(s, "GET", V2 + "/nothing")
    check(is_error(e, 404, "rest_no_route"), "an unknown route: rest_no_route", e.text)
    e = api(s, "GET", V2 + "/posts/999999")
    check(is_error(e, 404, "rest_post_invalid_id"), "an unknown post: rest_post_invalid_id")
    draft = s.sql("SELECT id FROM articles WHERE status != 'published' LIMIT 1")
    if draft:
        e = api(s, "GET", V2 + "/posts/%d" % draft[0][0])
        check(is_error(e, 404, "rest_post_invalid_id"), "a draft is not shown to the public")
    e = api(s, "GET", V2 + "/posts?status=draft")
    check(is_error(e, 400, "rest_invalid_param"), "status=draft refused to the public", e.text)
    e = api(s, "GET", V2 + "/posts/%d?context=edit" % p0["id"])
    check(is_error(e, 401, "rest_forbidden_context"), "context=edit refused to the public")

    one = api(s, "GET", V2 + "/posts/%d?_embed" % p0["id"])
    check(one.status == 200 and one.json["id"] == p0["id"] and
          one.json["_embedded"]["author"][0]["id"] == p0["author"] and
          isinstance(one.json["_embedded"]["wp:term"], list),
          "a single post with _embed: author and terms", one.text[:200])
    f = api(s, "GET", V2 + "/posts?per_page=2&_fields=id,title")
    check(f.status == 200 and all(set(o) == {"id", "title"} for o in f.json),
          "_fields keeps only the fields asked", f.json)
    # Filters.
    sec = s.sql("SELECT section_id, count(*) FROM articles WHERE status='published' AND "
                "section_id IS NOT NULL GROUP BY section_id ORDER BY 2 DESC LIMIT 1")[0]
    r = api(s, "GET", V2 + "/posts?categories=%d&per_page=100" % sec[0])
    check(r.status == 200 and len(r.json) == sec[1] and
          all(o["categories"] == [sec[0]] for o in r.json), "categories= filters", len(r.json))
    tag = s.sql("SELECT t.tag_id, count(*) FROM article_tags t JOIN articles a ON "
                "a.id=t.article_id WHERE a.status='published' GROUP BY t.tag_id "
                "ORDER BY 2 DESC LIMIT 1")
    if tag:
        r = api(s, "GET", V2 + "/posts?tags=%d&per_page=100" % tag[0][0])
        check(r.status == 200 and len(r.json) == tag[0][1] and
              all(tag[0][0] in o["tags"] for o in r.json), "tags= filters")
    au = p0["author"]
    r = api(s, "GET", V2 + "/posts?author=%d&per_page=100" % au)
    check(r.status == 200 and r.json and all(o["author"] == au for o in r.json), "author= filters")
    r = api(s, "GET", V2 + "/posts?slug=" + p0["slug"])
    check(r.status == 200 and [o["id"] for o in r.json] == [p0["id"]], "slug= finds one")
    two = sorted(o["id"] for o in api(s, "GET", V2 + "/posts?per_page=4").json[2:4])
    r = api(s, "GET", V2 + "/posts?include=%d,%d,999999" % tuple(two))
    check(r.status == 200 and sorted(o["id"] for o in r.json) == two and
          r.header("X-WP-Total") == "2", "include= gives those posts", r.text[:200])
    if p0["categories"]:
        r = api(s, "GET", p0["_links"]["wp:term"][0]["href"][len(base):])
        check(r.status == 200 and [c["id"] for c in r.json] == p0["categories"],
              "the post's wp:term link gives its category", r.text[:200])
    r = api(s, "GET", p0["_links"]["wp:term"][1]["href"][len(base):])
    check(r.status == 200 and sorted(t["id"] for t in r.json) == sorted(p0["tags"]),
          "the post's wp:term link gives its tags", r.text[:200])
    r = api(s, "GET", V2 + "/posts?orderby=title&order=asc&per_page=100")
    titles = [o["title"]["rendered"].lower() for o in r.json]
    check(r.status == 200 and len(r.json) == published, "orderby=title lists them all")
    r = api(s, "GET", V2 + "/posts?before=2000-01-01T00:00:00")
    check(r.status == 200 and r.json == [] and r.header("X-WP-Total") == "0", "before= filters")
    word = p0["title"]["rendered"].split()[0]
    r = api(s, "GET", V2 + "/posts?search=" + word)
    check(r.status == 200 and p0["id"] in [o["id"] for o in r.json], "search= finds", word)

    # The other collections.
    for coll, fields in (("categories", ("id", "count", "name", "slug", "taxonomy", "link",
                                          "parent")),
                         ("tags", ("id", "count", "name", "slug", "taxonomy", "link")),
                         ("users", ("id", "name", "slug", "link", "avatar_urls",
                                    "description")),
                         ("comments", ("id", "post", "author_name", "date", "content", "link",
                                       "status")),
                         ("pages", ("id", "title", "content", "link", "status")),
                         ("media", ("id", "source_url", "mime_type", "media_details"))):
        r = api(s, "GET", "%s/%s" % (V2, coll))
        check(r.status == 200 and isinstance(r.json, list) and
              r.header("X-WP-Total") is not None, "%s lists" % coll, r.text[:200])
        if r.status == 200 and r.json:
            missing = [k for k in fields if k not in r.json[0]]
            check(not missing, "%s: WordPress's fields" % coll, missing)
            o = api(s, "GET", "%s/%s/%d" % (V2, coll, r.json[0]["id"]))
            check(o.status == 200 and o.json["id"] == r.json[0]["id"], "%s/{id}" % coll)
    # A draft in a section and with a tag: the public counts never include it.
    s.sql("INSERT INTO articles(slug, headline, status, created_at, updated_at, author_id, "
          "section_id) SELECT 'secret-draft', 'Secret draft', 'draft', 1, 1, author_id, "
          "section_id FROM articles WHERE section_id IS NOT NULL LIMIT 1")
    cats = api(s, "GET", V2 + "/categories?per_page=100").json
    want = dict(s.sql("SELECT section_id, count(*) FROM articles WHERE status='published' AND "
                      "trashed_at IS NULL AND is_private=0 GROUP BY section_id"))
    check(all(c["count"] == want.get(c["id"], 0) for c in cats),
          "a category's count is its published posts (no drafts counted)",
          [(c["id"], c["count"], want.get(c["id"], 0)) for c in cats])
    # A section and a tag that only a draft has: not shown, as on the site.
    s.sql("INSERT INTO sections(name, slug) VALUES ('Embargoed desk', 'embargoed-desk')")
    s.sql("INSERT INTO tags(name, slug) VALUES ('Secret merger', 'secret-merger')")
    s.sql("INSERT INTO articles(slug, headline, status, created_at, updated_at, author_id, "
          "section_id) SELECT 'embargo', 'Embargo', 'draft', 1, 1, author_id, "
          "(SELECT id FROM sections WHERE slug='embargoed-desk') FROM articles LIMIT 1")
    s.sql("INSERT INTO article_tags(article_id, tag_id) SELECT (SELECT id FROM articles WHERE "
          "slug='embargo'), id FROM tags WHERE slug='secret-merger'")
    sid = s.sql("SELECT id FROM sections WHERE slug='embargoed-desk'")[0][0]
    tid = s.sql("SELECT id FROM tags WHERE slug='secret-merger'")[0][0]
    for path in ("/categories?per_page=100", "/tags?per_page=100", "/tags?search=secret",
                 "/tags?slug=secret-merger", "/categories?slug=embargoed-desk"):
        r = api(s, "GET", V2 + path)
        check(r.status == 200 and "Embargoed" not in r.text and "Secret merger" not in r.text,
              "%s: no section or tag only a draft has" % path, r.text[:200])
    check(api(s, "GET", V2 + "/categories/%d" % sid).status == 404 and
          api(s, "GET", V2 + "/tags/%d" % tid).status == 404,
          "a section or tag only a draft has answers 404 by id")
    r = api(s, "GET", V2 + "/tags?per_page=100")
    check(r.header("X-WP-Total") == str(len(r.json)), "tags: the total counts what is listed")
    users = api(s, "GET", V2 + "/users?per_page=100")
    emails = [e for (e,) in s.sql("SELECT email FROM users WHERE email IS NOT NULL")]
    check(not any(e in users.text for e in emails) and "email" not in users.text,
          "users never show an email")
    approved = s.sql("SELECT count(*) FROM comments c JOIN articles a ON a.id=c.article_id "
                     "WHERE c.status='approved' AND a.status='published' AND "
                     "a.trashed_at IS NULL")[0][0]
    r = api(s, "GET", V2 + "/comments")
    check(r.header("X-WP-Total") == str(approved) and
          all(c["status"] == "approved" for c in r.json), "comments: approved ones only",
          (r.header("X-WP-Total"), approved))
    held = s.sql("SELECT id FROM comments WHERE status != 'approved' LIMIT 1")
    if held:
        e = api(s, "GET", V2 + "/comments/%d" % held[0][0])
        check(is_error(e, 404, "rest_comment_invalid_id"), "a held comment is not shown")

    # WordPress's other address for the same thing.
    a = api(s, "GET", V2 + "/posts?per_page=2")
    b = api(s, "GET", "/?rest_route=/wp/v2/posts&per_page=2")
    check(b.status == 200 and a.body == b.body and b.header("X-WP-Total") == a.header("X-WP-Total"),
          "/?rest_route=/wp/v2/posts is the same answer")

    # ETag and 304, CORS, the cache.
    r1 = api(s, "GET", V2 + "/posts?per_page=5")
    r2 = api(s, "GET", V2 + "/posts?per_page=5")
    etag = r1.header("ETag")
    check(etag and r1.body == r2.body and r2.header("ETag") == etag and
          r2.header("X-WP-Total") == r1.header("X-WP-Total") and
          r2.header("Link") == r1.header("Link"),
          "a second read is the same bytes and headers (from the cache)",
          (r1.headers, r2.headers))
    r3 = api(s, "GET", V2 + "/posts?per_page=5", headers={"If-None-Match": etag})
    check(r3.status == 304 and not r3.body, "If-None-Match: 304", r3.status)
    check(r1.header("Access-Control-Allow-Origin") == "*" and
          "X-WP-Total" in (r1.header("Access-Control-Expose-Headers") or ""),
          "anonymous reads: Access-Control-Allow-Origin *")
    check("Origin" not in (r1.header("Vary") or ""), "no Vary on Origin", r1.header("Vary"))
    r4 = api(s, "GET", V2 + "/posts?per_page=5", headers={"Origin": "https://elsewhere.example"})
    check(r4.header("Access-Control-Allow-Origin") == "*" and r4.body == r1.body,
          "another origin gets the same bytes and *")
    pre = s.request("OPTIONS", V2 + "/posts", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    check(pre.status == 200 and pre.header("Access-Control-Allow-Origin") == "*" and
          "POST" in pre.header("Access-Control-Allow-Methods") and
          "Authorization" in pre.header("Access-Control-Allow-Headers"),
          "the preflight allows the methods and Authorization", pre.headers)
    return p0


def auth(s, w):
    # Made in the profile, shown once, stored hashed.
    prof = D.get(s, "/admin/profile", who=w["editor"])
    check("Application passwords" in prof.text and 'action="/admin/profile/app-passwords"'
          in prof.text, "the profile shows the application passwords block")
    for k in w:
        w[k].app = app_password(s, w[k], "Client of " + k)
    pw = w["editor"].app
    check(re.match(r"^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$", pw), "24 characters in groups of 4", pw)
    stored = s.sql("SELECT name, hash FROM app_passwords WHERE user_id=?", w["editor"].id)
    check(len(stored) == 1 and stored[0][0] == "Client of editor" and
          pw.replace(" ", "") not in stored[0][1] and len(stored[0][1]) == 64,
          "stored as a hash, with its name", stored)
    prof = D.get(s, "/admin/profile", who=w["editor"])
    check("Client of editor" in prof.text and pw not in prof.text and "Never" in prof.text,
          "listed by name, never shown again, never used yet")
    me = api(s, "GET", V2 + "/users/me", who=w["editor"])
    check(me.status == 200 and me.json["id"] == w["editor"].id, "Basic with the password", me.text)
    me2 = api(s, "GET", V2 + "/users/me", who=w["editor"], pw=pw.replace(" ", ""))
    check(me2.status == 200, "the password without its spaces works too")
    me3 = s.request("GET", V2 + "/users/me", headers={
        "Authorization": basic("api-editor", pw)})
    slug = s.sql("SELECT slug FROM users WHERE id=?", w["editor"].id)[0][0]
    me3 = s.request("GET", V2 + "/users/me", headers={"Authorization": basic(slug, pw)})
    check(me3.status == 200, "the login (author slug) works as the user name", me3.status)
    used = s.sql("SELECT last_used_at, last_ip FROM app_passwords WHERE user_id=?", w["editor"].id)
    check(used[0][0] > 0 and used[0][1] == "127.0.0.1", "last use and address recorded", used)
    prof = D.get(s, "/admin/profile", who=w["editor"])
    check("127.0.0.1" in prof.text, "the profile shows the last address")
    e = api(s, "GET", V2 + "/users/me", who=w["editor"], pw=w["editor"].pw)
    check(is_error(e, 401, "incorrect_password"), "the account's own password is refused",
          e.text)
    e = api(s, "GET", V2 + "/users/me", who=w["editor"], pw="abcd efgh ijkl mnop qrst uvwx")
    check(is_error(e, 401, "incorrect_password"), "a wrong application password is refused")
    e = s.request("GET", V2 + "/users/me", headers={"Authorization": basic("nobody@x.example",
                                                                            pw)})
    check(e.status == 401, "an unknown user is refused")
    # Plain http from another machine: refused; https behind the proxy: fine.
    e = api(s, "GET", V2 + "/users/me", who=w["editor"], ip="203.0.113.7")
    check(is_error(e, 401, "application_passwords_disabled"),
          "Basic over plain http from another machine is refused", e.text)
    ok = api(s, "GET", V2 + "/users/me", who=w["editor"], ip="203.0.113.7",
             headers={"X-Forwarded-Proto": "https"})
    check(ok.status == 200, "Basic over https (behind the trusted proxy) works", ok.text[:200])
    # An authenticated read is never served from (or stored in) the cache.
    check(me.header("Access-Control-Allow-Origin") == "*" and
          "private" in (me.header("Cache-Control") or ""), "an authenticated answer is private")
    # Failures are throttled.
    statuses = []
    for i in range(40):
        e = api(s, "GET", V2 + "/users/me", who=w["author"], pw="wrong %d" % i, ip="198.18.0.9",
                headers={"X-Forwarded-Proto": "https"})
        statuses.append(e.status)
        if e.status == 429:
            break
    check(429 in statuses and is_error(e, 429, "too_many_attempts"),
          "repeated failures are throttled (429)", statuses)
    # Revoked: refused from then on.
    extra = app_password(s, w["admin"], "To revoke")
    pid = s.sql("SELECT id FROM app_passwords WHERE name='To revoke'")[0][0]
    check(api(s, "GET", V2 + "/users/me", who=w["admin"], pw=extra).status == 200,
          "a second password works")
    r = D.send(s, "/admin/profile/app-passwords/%d/revoke" % pid, {"csrf": w["admin"].csrf},
               who=w["admin"])
    check(r.status == 303, "revoke answers with the profile", r.status)
    e = api(s, "GET", V2 + "/users/me", who=w["admin"], pw=extra)
    check(is_error(e, 401, "incorrect_password"), "a revoked password is refused")
    r = D.send(s, "/admin/profile/app-passwords/%d/revoke" % s.sql(
        "SELECT id FROM app_passwords WHERE user_id=?", w["editor"].id)[0][0],
        {"csrf": w["admin"].csrf}, who=w["admin"])
    check(r.status == 404, "nobody revokes another's password", r.status)
    r = D.send(s, "/admin/profile/app-passwords", {"csrf": "nope", "app_name": "x"},
               who=w["admin"])
    check(r.status == 403, "making one needs the form token", r.status)


def writes(s, w, p0):
    # Session cookies are not credentials for writes.
    e = api(s, "POST", V2 + "/posts", body={"title": "Cookie"},
            headers={"Cookie": "%s=%s" % (D.COOKIE, w["editor"].cookie)})
    check(is_error(e, 401, "rest_cannot_create"), "a session cookie cannot write", e.text)
    e = api(s, "POST", V2 + "/posts", body={"title": "Nobody"})
    check(is_error(e, 401, "rest_cannot_create"), "anonymous cannot write")

    # A contributor: drafts and pending only, never published.
    c = w["contrib"]
    r = api(s, "POST", V2 + "/posts", who=c, body={
        "title": "Contributor draft", "content": "<p>Hello <b>there</b></p>\n\n<p>Two</p>"
                                                 "<script>alert(1)</script>"})
    check(r.status == 201 and r.json["status"] == "draft" and r.json["author"] == c.id and
          "raw" in r.json["content"], "a contributor creates a draft (201)", r.text[:300])
    cid = r.json["id"] if r.status == 201 else 0
    check("<script" not in (r.json or {}).get("content", {}).get("rendered", "<script"),
          "a contributor's HTML goes through the allow-list", r.text[:400])
    e = api(s, "POST", V2 + "/posts", who=c, body={"title": "Sneaky", "status": "publish"})
    check(is_error(e, 403, "rest_cannot_publish"), "a contributor cannot publish", e.text)
    e = api(s, "POST", V2 + "/posts/%d" % cid, who=c, body={"status": "publish"})
    check(is_error(e, 403, "rest_cannot_publish"), "nor publish their draft", e.text)
    r = api(s, "POST", V2 + "/posts/%d" % cid, who=c, body={"status": "pending"})
    check(r.status == 200 and r.json["status"] == "pending", "a contributor submits (pending)")
    check(s.sql("SELECT status FROM articles WHERE id=?", cid)[0][0] == "pending",
          "stored as pending")
    e = api(s, "POST", V2 + "/posts/%d" % p0["id"], who=c, body={"title": "Vandal"})
    check(is_error(e, 403, "rest_cannot_edit"), "a contributor cannot edit another's post")
    e = api(s, "GET", V2 + "/posts?status=pending", who=c)
    check(e.status == 200 and [o["id"] for o in e.json] == [cid],
          "a contributor lists only their own pending posts", e.text[:200])

    # An author publishes their own.
    au = w["author"]
    before = api(s, "GET", V2 + "/posts?per_page=1")
    r = api(s, "POST", V2 + "/posts", who=au, body={
        "title": "Author's story", "content": "<p>Text</p>", "status": "publish",
        "excerpt": "The standfirst", "categories": [p0["categories"][0]] if p0["categories"]
        else []})
    check(r.status == 201 and r.json["status"] == "publish" and
          r.json["excerpt"]["raw"] == "The standfirst", "an author publishes their own",
          r.text[:300])
    aid = r.json["id"] if r.status == 201 else 0
    after = api(s, "GET", V2 + "/posts?per_page=1")
    check(after.json and after.json[0]["id"] == aid and
          after.header("X-WP-Total") == str(int(before.header("X-WP-Total")) + 1),
          "the cached list shows it at once (invalidated)", after.text[:200])
    # The editor: edits and publishes anyone's, context=edit raw fields.
    r = api(s, "POST", V2 + "/posts/%d" % cid, who=w["editor"], body={"status": "publish"})
    check(r.status == 200 and r.json["status"] == "publish", "an editor publishes another's post")
    r = api(s, "PUT", V2 + "/posts/%d" % aid, who=w["editor"], body={"title": "Edited title"})
    check(r.status == 200 and r.json["title"]["raw"] == "Edited title", "PUT updates", r.text[:200])
    one = api(s, "GET", V2 + "/posts/%d?context=edit" % aid, who=w["editor"])
    check(one.status == 200 and one.json["content"]["raw"], "context=edit gives raw fields")
    check(api(s, "GET", V2 + "/posts/%d" % aid).json["title"]["rendered"] == "Edited title",
          "the public read shows the edit")
    # Delete: to the trash.
    r = api(s, "DELETE", V2 + "/posts/%d" % aid, who=au)
    check(r.status == 200 and r.json["status"] == "trash", "DELETE moves to the trash", r.text[:200])
    e = api(s, "GET", V2 + "/posts/%d" % aid)
    check(e.status == 404, "a trashed post is gone from the API")
    e = api(s, "DELETE", V2 + "/posts/%d" % cid, who=c)
    check(is_error(e, 403, "rest_cannot_delete"), "a contributor cannot trash a published post")
    e = api(s, "POST", V2 + "/posts", who=w["editor"], body=b"{not json",
            headers={"Content-Type": "application/json"})
    check(is_error(e, 400, "rest_invalid_json"), "malformed JSON: rest_invalid_json", e.text)

    # Pages: editors.
    e = api(s, "POST", V2 + "/pages", who=au, body={"title": "About"})
    check(e.status == 403, "an author cannot make pages")
    r = api(s, "POST", V2 + "/pages", who=w["editor"], body={"title": "Api page",
                                                              "content": "<p>x</p>",
                                                              "status": "publish"})
    check(r.status == 201 and r.json["type"] == "page" and r.json["status"] == "publish",
          "an editor makes a page", r.text[:200])

    # Media: raw body with Content-Disposition.
    img = D.png(8, 6, (10, 120, 200))
    listed = api(s, "GET", V2 + "/media?per_page=100")
    listed = api(s, "GET", V2 + "/media?per_page=100")  # now from the cache
    public = s.sql("SELECT count(DISTINCT featured_media_id) FROM articles WHERE "
                   "status='published' AND trashed_at IS NULL AND is_private=0 AND "
                   "featured_media_id IS NOT NULL")[0][0]
    check(listed.header("X-WP-Total") == str(public),
          "the public media list holds only published articles' featured images",
          (listed.header("X-WP-Total"), public))
    r = api(s, "POST", V2 + "/media", who=au, body=img, headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="api.png"'})
    check(r.status == 201 and r.json["media_type"] == "image" and
          r.json["source_url"].startswith(s.base + "/media/") and
          r.json["media_details"]["width"] == 8, "an author uploads media (201)", r.text[:300])
    again = api(s, "GET", V2 + "/media?per_page=100")
    check(again.header("X-WP-Total") == listed.header("X-WP-Total") and r.json and
          api(s, "GET", V2 + "/media/%d" % r.json["id"]).status == 404,
          "an image no published article shows is not public", again.header("X-WP-Total"))
    mine = api(s, "GET", V2 + "/media/%d" % r.json["id"], who=au) if r.json else None
    check(mine and mine.status == 200, "its uploader reads it")
    if r.json:
        pub = api(s, "POST", V2 + "/posts/%d" % p0["id"], who=w["editor"],
                  body={"featured_media": r.json["id"]})
        after = api(s, "GET", V2 + "/media?per_page=100")
        # The count is the published articles' featured images, read again
        # (the article may have shown another photo before: demo photos).
        public_now = s.sql("SELECT count(DISTINCT featured_media_id) FROM articles WHERE "
                           "status='published' AND trashed_at IS NULL AND is_private=0 AND "
                           "featured_media_id IS NOT NULL")[0][0]
        check(pub.status == 200 and after.header("X-WP-Total") == str(public_now) and
              after.json[0]["id"] == r.json["id"],
              "once a published article shows it, the cached list has it at once",
              (pub.status, after.header("X-WP-Total")))
    big_img = D.png(170, 170, noise=True)
    r2 = api(s, "POST", V2 + "/media", who=au, body=big_img, headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="big.png"'})
    check(len(big_img) > 80 * 1024 and r2.status == 201,
          "an author's upload past the anonymous limit is read (the limit from the credentials)",
          (len(big_img), r2.status, r2.text[:200]))
    e = api(s, "POST", V2 + "/media", who=c, body=img, headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="c.png"'})
    check(e.status == 403, "a contributor cannot upload", e.status)
    e = api(s, "POST", V2 + "/media", who=au, body=b"not an image", headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="x.png"'})
    check(e.status == 400 and e.json and e.json["code"] == "rest_upload_unknown_error",
          "a file that is not an image is refused with the desk's reason", e.text[:200])
    e = api(s, "POST", V2 + "/media", who=au, body=img, headers={"Content-Type": "image/png"})
    check(is_error(e, 400, "rest_upload_no_content_disposition"), "no Content-Disposition")
    # The body limit comes before the body: without credentials a large one
    # is refused unread.
    big = b"x" * (300 * 1024)
    e = s.request("POST", V2 + "/media", body=big, headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="b.png"'})
    check(e.status == 413, "a large anonymous body is refused before it is read", e.status)
    return cid


def comments(s, w, post_id):
    body = {"post": post_id, "content": "A first thought from the API.",
            "author_name": "Api Reader", "author_email": "reader@example.org"}
    r = api(s, "POST", V2 + "/comments", body=body, ip="192.0.2.44")
    check(r.status == 201 and r.json["status"] == "hold",
          "an anonymous first comment is held (201, hold)", r.text[:300])
    cid = r.json["id"] if r.status == 201 else 0
    check(s.sql("SELECT status FROM comments WHERE id=?", cid)[0][0] == "pending",
          "stored for moderation")
    e = api(s, "GET", V2 + "/comments/%d" % cid)
    check(e.status == 404, "a held comment is not public")
    e = api(s, "POST", V2 + "/comments", body=body, ip="192.0.2.44")
    check(e.status in (409, 429) and e.json["code"] in ("comment_duplicate", "comment_flood"),
          "the same comment again is refused (duplicate or flood)", e.text)
    e = api(s, "POST", V2 + "/comments", body=dict(body, content="Other words", author_email="x"),
            ip="192.0.2.99")
    check(e.status == 400 and e.json["code"] == "rest_comment_invalid", "a bad email is refused",
          e.text)
    e = api(s, "POST", V2 + "/comments", body={"post": post_id, "content": "no name"},
            ip="192.0.2.98")
    check(is_error(e, 400, "rest_comment_author_data_required"), "name and email required")
    e = api(s, "POST", V2 + "/comments", body=dict(body, post=999999), ip="192.0.2.97")
    check(e.status == 403, "a comment on no post is refused")
    # Moderation: the desk's rule (comment_can_moderate): editors every
    # comment, an author those on their own articles, contributors none.
    owner = s.sql("SELECT author_id FROM articles WHERE id=?", post_id)[0][0]
    check(owner != w["author"].id, "the test's article is not the API author's own")
    e = api(s, "POST", V2 + "/comments/%d" % cid, who=w["author"], body={"status": "spam"})
    check(e.status == 403, "an author cannot moderate a comment on someone else's article",
          e.status)
    e = api(s, "POST", V2 + "/comments/%d" % cid, who=w["contrib"], body={"status": "spam"})
    check(e.status == 403, "a contributor cannot moderate", e.status)
    s.sql("UPDATE articles SET author_id=? WHERE id=?", w["author"].id, post_id)
    e = api(s, "POST", V2 + "/comments/%d" % cid, who=w["author"], body={"status": "hold"})
    check(e.status == 200 and e.json["status"] == "hold",
          "an author moderates a comment on their own article", e.text[:200])
    s.sql("UPDATE articles SET author_id=? WHERE id=?", owner, post_id)
    r = api(s, "POST", V2 + "/comments/%d" % cid, who=w["editor"], body={"status": "approved"})
    check(r.status == 200 and r.json["status"] == "approved" and "author_email" in r.json,
          "an editor approves (context edit shows the email)", r.text[:200])
    pub = api(s, "GET", V2 + "/comments/%d" % cid)
    check(pub.status == 200 and "author_email" not in pub.json and
          "reader@example.org" not in pub.text, "now public, without the email")
    # Closed comments.
    s.sql("UPDATE articles SET comments_open=0 WHERE id=?", post_id)
    e = api(s, "POST", V2 + "/comments", body=dict(body, content="late"), ip="192.0.2.45")
    check(is_error(e, 403, "rest_comment_closed"), "comments closed: refused", e.text)
    s.sql("UPDATE articles SET comments_open=1 WHERE id=?", post_id)


def main():
    s = Server(demo=True)
    try:
        p0 = reads(s)
        w = people(s)
        auth(s, w)
        writes(s, w, p0)
        comments(s, w, p0["id"])
    finally:
        s.stop()
    # No page cache: the handler's own ETag and 304.
    s = Server(demo=True, args=("--no-cache",))
    try:
        r1 = api(s, "GET", V2 + "/posts?per_page=2")
        r2 = api(s, "GET", V2 + "/posts?per_page=2", headers={"If-None-Match": r1.header("ETag")})
        check(r1.header("ETag") and r2.status == 304, "without the cache: ETag and 304",
              (r1.header("ETag"), r2.status))
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
