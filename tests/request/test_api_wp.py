"""The WordPress REST API's gaps closed in wave 3 (issue 16): the posts
list's include, exclude, offset, categories_exclude, tags_exclude, sticky
and status parameters and PHP's array forms (categories[]=1); the routes a
WordPress client reads besides content (/types, /taxonomies, /statuses,
/settings for administrators, /users/me, /search); media updated and
deleted within the desk's rules.  Shapes are checked against the fields
WordPress's REST API reference gives each schema."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_restapi as R  # noqa: E402

V2 = "/wp-json/wp/v2"
api, is_error = R.api, R.is_error


def ids(r):
    return [p["id"] for p in r.json] if isinstance(r.json, list) else r.json


def public_ids(s, where="1=1", args=()):
    return [r[0] for r in s.sql(
        "SELECT id FROM articles WHERE status='published' AND trashed_at IS NULL AND "
        "is_private=0 AND " + where + " ORDER BY COALESCE(published_at, updated_at) DESC, id DESC",
        *args)]


def list_params(s, w):
    pub = public_ids(s)
    check(len(pub) >= 6, "the demo site has published posts", len(pub))
    a, b, c = pub[0], pub[1], pub[4]
    r = api(s, "GET", V2 + "/posts?include=%d,%d&per_page=5" % (c, a))
    check(r.status == 200 and ids(r) == [a, c] and r.header("X-WP-Total") == "2",
          "include: only those posts, newest first", (r.status, ids(r)))
    r = api(s, "GET", V2 + "/posts?include=%d,%d&orderby=include" % (c, a))
    check(ids(r) == [c, a], "orderby=include keeps the include list's order", ids(r))
    e = api(s, "GET", V2 + "/posts?orderby=include")
    check(is_error(e, 400, "rest_orderby_include_missing_include"),
          "orderby=include without include: WordPress's error", e.text[:200])
    r = api(s, "GET", V2 + "/posts?exclude=%d,%d&per_page=3" % (a, b))
    check(ids(r) == pub[2:5] and r.header("X-WP-Total") == str(len(pub) - 2),
          "exclude: not those posts, and the total without them", (ids(r), r.header("X-WP-Total")))
    r = api(s, "GET", V2 + "/posts?offset=2&per_page=3")
    check(ids(r) == pub[2:5], "offset skips that many", ids(r))
    r = api(s, "GET", V2 + "/posts?include[]=%d&include[]=%d" % (a, c))
    check(ids(r) == [a, c], "include[]=..&include[]=.. (PHP's array form)", ids(r))
    r = api(s, "GET", V2 + "/posts?include%%5B0%%5D=%d&include%%5B1%%5D=%d" % (a, c))
    check(ids(r) == [a, c], "include%5B0%5D= (the form, percent-encoded)", ids(r))
    for q in ("include=x", "exclude=1,y", "sticky=maybe", "categories_exclude=-1"):
        e = api(s, "GET", V2 + "/posts?" + q)
        name = q.split("=")[0]
        check(is_error(e, 400, "rest_invalid_param") and name in e.json["data"]["params"],
              "%s: rest_invalid_param naming it" % q, e.text[:200])

    # Categories: a list, its array forms, and its exclusion.
    secs = s.sql("SELECT section_id, count(*) FROM articles WHERE status='published' AND "
                 "trashed_at IS NULL AND is_private=0 AND section_id IS NOT NULL "
                 "GROUP BY section_id ORDER BY 2 DESC")
    check(len(secs) >= 2, "the demo site has two sections with posts", secs)
    s1, s2 = secs[0][0], secs[1][0]
    both = public_ids(s, "section_id IN (?, ?)", (s1, s2))
    r = api(s, "GET", V2 + "/posts?categories=%d,%d&per_page=100" % (s1, s2))
    check(ids(r) == both, "categories=1,2: posts in either", (len(ids(r)), len(both)))
    r2 = api(s, "GET", V2 + "/posts?categories[]=%d&categories[]=%d&per_page=100" % (s1, s2))
    check(ids(r2) == both, "categories[]=1&categories[]=2: the same", len(ids(r2)))
    r3 = api(s, "GET", V2 + "/posts?categories%%5B%%5D=%d&categories%%5B%%5D=%d&per_page=100"
             % (s1, s2))
    check(ids(r3) == both, "categories%5B%5D=: the same", len(ids(r3)))
    not1 = public_ids(s, "COALESCE(section_id, 0) != ?", (s1,))
    r = api(s, "GET", V2 + "/posts?categories_exclude=%d&per_page=100" % s1)
    check(ids(r) == not1, "categories_exclude: none from that section", (len(ids(r)), len(not1)))

    # Tags: exclusion.
    tag = s.sql("SELECT t.tag_id, count(*) FROM article_tags t JOIN articles a ON "
                "a.id=t.article_id WHERE a.status='published' AND a.trashed_at IS NULL AND "
                "a.is_private=0 GROUP BY t.tag_id ORDER BY 2 DESC LIMIT 1")
    if tag:
        tid = tag[0][0]
        untagged = public_ids(s, "id NOT IN (SELECT article_id FROM article_tags WHERE tag_id=?)",
                              (tid,))
        r = api(s, "GET", V2 + "/posts?tags_exclude=%d&per_page=100" % tid)
        check(ids(r) == untagged, "tags_exclude: none with that tag", (len(ids(r)), len(untagged)))
        r = api(s, "GET", V2 + "/posts?tags[]=%d&per_page=100" % tid)
        check(len(ids(r)) == tag[0][1], "tags[]=: the array form of tags", len(ids(r)))

    # Sticky.
    s.sql("UPDATE articles SET is_sticky = CASE WHEN id = ? THEN 1 ELSE 0 END", b)
    r = api(s, "GET", V2 + "/posts?sticky=true")
    check(ids(r) == [b] and r.json[0]["sticky"] is True, "sticky=true: the sticky post only",
          ids(r))
    r = api(s, "GET", V2 + "/posts?sticky=false&per_page=3")
    check(b not in ids(r) and ids(r) == [p for p in pub if p != b][:3],
          "sticky=false: all but the sticky post", ids(r))

    # Status: staff list their unpublished work; the public may not ask.
    for q in ("status=draft", "status=pending,draft", "status=any", "status=private"):
        e = api(s, "GET", V2 + "/posts?" + q)
        check(is_error(e, 400, "rest_invalid_param") and
              e.json["data"]["params"].get("status") == "Status is forbidden.",
              "anonymous %s: 400 rest_invalid_param, Status is forbidden." % q, e.text[:200])
    e = api(s, "GET", V2 + "/posts?status=secret", who=w["editor"])
    check(is_error(e, 400, "rest_invalid_param"), "an unknown status: 400", e.text[:200])
    ed, au, co = w["editor"], w["author"], w["contrib"]
    mk = {}
    for who, st in ((au, "draft"), (au, "pending"), (co, "draft"), (ed, "draft"),
                    (ed, "private"), (au, "future")):
        body = {"title": "Status %s of %s" % (st, who.name), "status": st, "content": "x"}
        if st == "future":
            body["date"] = "2099-01-01T10:00:00"
        r = api(s, "POST", V2 + "/posts", who=who, body=body)
        check(r.status == 201, "%s saves a %s post" % (who.name, st), r.text[:200])
        mk[(who.name, st)] = r.json["id"] if r.status == 201 else 0
    all_drafts = [r[0] for r in s.sql("SELECT id FROM articles WHERE status='draft' AND "
                                      "is_private=0 AND trashed_at IS NULL")]
    r = api(s, "GET", V2 + "/posts?status=draft&context=edit&per_page=100", who=ed)
    check(r.status == 200 and sorted(ids(r)) == sorted(all_drafts) and
          all(p["status"] == "draft" for p in r.json) and "raw" in r.json[0]["content"],
          "an editor lists every draft (context=edit: raw fields)", (ids(r), all_drafts))
    r = api(s, "GET", V2 + "/posts?status=private&context=edit", who=ed)
    check(ids(r) == [mk[(ed.name, "private")]] and r.json[0]["status"] == "private",
          "status=private: the private post", ids(r))
    r = api(s, "GET", V2 + "/posts?status=draft&context=edit", who=au)
    check(sorted(ids(r)) == [mk[(au.name, "draft")]], "an author lists only their own drafts",
          ids(r))
    r = api(s, "GET", V2 + "/posts?status=any&context=edit&per_page=100", who=au)
    mine = {mk[(au.name, "draft")], mk[(au.name, "pending")], mk[(au.name, "future")]}
    others_unpub = {mk[(co.name, "draft")], mk[(ed.name, "draft")], mk[(ed.name, "private")]}
    got = set(ids(r))
    check(mine <= got and not (got & others_unpub) and set(pub[:3]) <= got,
          "status=any for an author: theirs, and what is public, never others' drafts",
          sorted(got & others_unpub))
    r = api(s, "GET", V2 + "/posts?status=future&context=edit", who=au)
    check(ids(r) == [mk[(au.name, "future")]] and r.json[0]["status"] == "future",
          "status=future: the scheduled post", ids(r))
    r = api(s, "GET", V2 + "/posts?status=draft,pending&context=edit", who=co)
    check(ids(r) == [mk[(co.name, "draft")]], "a contributor lists only their own drafts",
          ids(r))
    r = api(s, "GET", V2 + "/posts?status=publish&per_page=3", who=co)
    check(ids(r) == pub[:3], "status=publish for anyone", ids(r))
    # Pages take include and exclude too.
    for t in ("First listed page", "Second listed page"):
        r = api(s, "POST", V2 + "/pages", who=ed, body={"title": t, "content": "<p>x</p>",
                                                        "status": "publish"})
        check(r.status == 201, "an editor publishes a page", r.text[:200])
    pages = [r[0] for r in s.sql("SELECT id FROM pages WHERE status='published'")]
    if check(len(pages) >= 2, "two published pages", pages):
        r = api(s, "GET", V2 + "/pages?include=%d" % pages[0])
        check(ids(r) == [pages[0]], "pages: include", ids(r))
        r = api(s, "GET", V2 + "/pages?exclude[]=%d&per_page=100" % pages[0])
        check(pages[0] not in ids(r) and len(ids(r)) == len(pages) - 1, "pages: exclude[]",
              ids(r))
    dpage = api(s, "POST", V2 + "/pages", who=ed, body={"title": "Draft page", "status": "draft"})
    e = api(s, "GET", V2 + "/pages?status=draft")
    check(is_error(e, 400, "rest_invalid_param"), "pages: anonymous status=draft refused")
    e = api(s, "GET", V2 + "/pages?status=draft", who=au)
    check(is_error(e, 400, "rest_invalid_param"), "pages: an author may not list draft pages")
    r = api(s, "GET", V2 + "/pages?status=draft&context=edit", who=ed)
    check(dpage.json["id"] in ids(r) and all(p["status"] == "draft" for p in r.json),
          "pages: an editor lists draft pages", ids(r))
    r = api(s, "GET", V2 + "/pages?per_page=100")
    check(dpage.json["id"] not in ids(r), "pages: the public list has no draft")
    # The cache: an anonymous list with a filter is not the unfiltered one.
    plain = api(s, "GET", V2 + "/posts?per_page=2")
    filt = api(s, "GET", V2 + "/posts?per_page=2&exclude=%d" % plain.json[0]["id"])
    check(ids(filt) != ids(plain) and plain.json[0]["id"] not in ids(filt),
          "exclude= is part of the cache key", (ids(plain), ids(filt)))
    return mk


# The Handbook's schemas, view context: field -> type.
TYPE_FIELDS = {"description": str, "hierarchical": bool, "has_archive": bool, "name": str,
               "slug": str, "taxonomies": list, "rest_base": str, "rest_namespace": str,
               "_links": dict}
TAX_FIELDS = {"description": str, "hierarchical": bool, "name": str, "slug": str,
              "types": list, "rest_base": str, "rest_namespace": str, "_links": dict}
STATUS_FIELDS = {"name": str, "queryable": bool, "slug": str, "date_floating": bool,
                 "_links": dict}
SETTINGS_FIELDS = {"title": str, "description": str, "url": str, "timezone": str,
                   "date_format": str, "language": str, "posts_per_page": int,
                   "default_comment_status": str}
SEARCH_FIELDS = {"id": int, "title": str, "url": str, "type": str, "subtype": str,
                 "_links": dict}


def routes(s, w):
    base = s.base
    r = api(s, "GET", V2 + "/types")
    check(r.status == 200 and set(r.json) >= {"post", "page", "attachment"},
          "/types: post, page and attachment", r.text[:200])
    ok, bad = R.shape_ok(r.json.get("post", {}), TYPE_FIELDS)
    check(ok and r.json["post"]["rest_base"] == "posts" and
          r.json["post"]["taxonomies"] == ["category", "post_tag"] and
          r.json["page"]["hierarchical"] is True and
          r.json["post"]["_links"]["wp:items"][0]["href"] == base + V2 + "/posts",
          "/types: the Post Type schema's fields", bad)
    one = api(s, "GET", V2 + "/types/page")
    check(one.status == 200 and one.json["slug"] == "page" and one.json["rest_base"] == "pages",
          "/types/page", one.text[:200])
    slash = api(s, "GET", V2 + "/types/")
    check(slash.status == 200 and "post" in slash.json, "/types/: the collection", slash.status)
    e = api(s, "GET", V2 + "/types/nope")
    check(is_error(e, 404, "rest_type_invalid"), "/types/nope: rest_type_invalid", e.text[:200])
    r = api(s, "GET", V2 + "/taxonomies")
    ok, bad = R.shape_ok(r.json.get("category", {}), TAX_FIELDS)
    check(r.status == 200 and set(r.json) == {"category", "post_tag"} and ok and
          r.json["category"]["rest_base"] == "categories" and
          r.json["post_tag"]["rest_base"] == "tags" and r.json["category"]["types"] == ["post"],
          "/taxonomies: category and post_tag, the Taxonomy schema's fields", (bad, r.text[:200]))
    r = api(s, "GET", V2 + "/taxonomies?type=page")
    check(r.status == 200 and r.json in ({}, []), "/taxonomies?type=page: none", r.text[:100])
    one = api(s, "GET", V2 + "/taxonomies/post_tag")
    check(one.status == 200 and one.json["slug"] == "post_tag" and
          one.json["hierarchical"] is False, "/taxonomies/post_tag", one.text[:200])
    e = api(s, "GET", V2 + "/taxonomies/genre")
    check(is_error(e, 404, "rest_taxonomy_invalid"), "/taxonomies/genre: rest_taxonomy_invalid")
    r = api(s, "GET", V2 + "/statuses")
    ok, bad = R.shape_ok(r.json.get("publish", {}), STATUS_FIELDS)
    check(r.status == 200 and list(r.json) == ["publish"] and ok and
          r.json["publish"]["queryable"] is True and r.json["publish"]["name"] == "Published",
          "/statuses, anonymous: publish only, the Status schema's fields", (bad, r.text[:200]))
    r = api(s, "GET", V2 + "/statuses?context=edit", who=w["contrib"])
    check(r.status == 200 and set(r.json) == {"publish", "future", "draft", "pending",
                                              "private"} and
          r.json["draft"]["public"] is False and r.json["private"]["private"] is True,
          "/statuses for staff (context=edit): every status, with public and private",
          r.text[:300])
    e = api(s, "GET", V2 + "/statuses/draft")
    check(is_error(e, 401, "rest_cannot_read_status"), "/statuses/draft, anonymous: 401",
          e.text[:200])
    one = api(s, "GET", V2 + "/statuses/draft", who=w["author"])
    check(one.status == 200 and one.json["slug"] == "draft", "/statuses/draft for staff")

    # Settings: administrators only.
    e = api(s, "GET", V2 + "/settings")
    check(is_error(e, 401, "rest_forbidden"), "/settings, anonymous: 401 rest_forbidden",
          e.text[:200])
    e = api(s, "GET", V2 + "/settings", who=w["editor"])
    check(is_error(e, 403, "rest_forbidden"), "/settings for an editor: 403", e.text[:200])
    e = api(s, "POST", V2 + "/settings", who=w["editor"], body={"title": "Taken over"})
    check(is_error(e, 403, "rest_forbidden"), "POST /settings by an editor: 403")
    title = s.sql("SELECT value FROM settings WHERE key='site_title'")[0][0]
    check(title != "Taken over", "the editor changed nothing")
    r = api(s, "GET", V2 + "/settings", who=w["admin"])
    ok, bad = R.shape_ok(r.json or {}, SETTINGS_FIELDS)
    check(r.status == 200 and ok and r.json["title"] == title and r.json["url"] == base and
          r.json["default_comment_status"] in ("open", "closed") and
          ("_" in r.json["language"] or len(r.json["language"]) == 2),
          "/settings for an administrator: WordPress's fields, our values", (bad, r.text[:300]))
    r = api(s, "POST", V2 + "/settings", who=w["admin"],
            body={"title": "The Api Gazette", "description": "News by API",
                  "posts_per_page": 7, "timezone": "Europe/Paris",
                  "default_comment_status": "closed", "language": "en_GB",
                  "show_on_front": "posts"})
    stored = dict(s.sql("SELECT key, value FROM settings WHERE key IN ('site_title', 'tagline', "
                        "'posts_per_page', 'timezone', 'comments_open', 'language')"))
    check(r.status == 200 and r.json["title"] == "The Api Gazette" and
          r.json["posts_per_page"] == 7 and r.json["language"] == "en_GB" and
          stored == {"site_title": "The Api Gazette", "tagline": "News by API",
                     "posts_per_page": "7", "timezone": "Europe/Paris", "comments_open": "0",
                     "language": "en-GB"},
          "POST /settings saves through the settings table", (r.text[:300], stored))
    idx = api(s, "GET", "/wp-json/")
    check(idx.json.get("name") == "The Api Gazette", "the index shows the new title at once",
          idx.json.get("name"))
    for body, name in (({"posts_per_page": 0}, "posts_per_page"),
                       ({"posts_per_page": "x"}, "posts_per_page"),
                       ({"timezone": "Mars/Olympus"}, "timezone"),
                       ({"default_comment_status": "maybe"}, "default_comment_status"),
                       ({"title": 12}, "title"),
                       ({"title": "ok", "timezone": "Nowhere/Land"}, "timezone")):
        e = api(s, "POST", V2 + "/settings", who=w["admin"], body=body)
        check(is_error(e, 400, "rest_invalid_param") and name in e.json["data"]["params"],
              "POST /settings %s: 400 naming the field" % body, e.text[:200])
    check(s.sql("SELECT value FROM settings WHERE key='site_title'")[0][0] == "The Api Gazette",
          "a refused field saves nothing (not even the good ones beside it)")

    # /users/me: who the password names, 401 without one.
    e = api(s, "GET", V2 + "/users/me")
    check(is_error(e, 401, "rest_not_logged_in"), "/users/me anonymous: 401")
    me = api(s, "GET", V2 + "/users/me", who=w["contrib"])
    check(me.status == 200 and me.json["id"] == w["contrib"].id and "email" not in me.json,
          "/users/me for a contributor", me.text[:200])
    me = api(s, "GET", V2 + "/users/me?context=edit", who=w["contrib"])
    check(me.status == 200 and me.json.get("email") == w["contrib"].email and
          me.json.get("roles") == ["contributor"] and isinstance(me.json.get("username"), str),
          "/users/me?context=edit: the owner's email, username and roles", me.text[:300])
    other = api(s, "GET", V2 + "/users/%d?context=edit" % w["admin"].id, who=w["contrib"])
    check("email" not in (other.json or {}) and w["admin"].email not in other.text,
          "never another user's email", other.text[:200])

    # Search.
    art = s.sql("SELECT id, headline FROM articles WHERE status='published' AND "
                "trashed_at IS NULL AND is_private=0 ORDER BY id LIMIT 1")[0]
    word = art[1].split()[0]
    r = api(s, "GET", V2 + "/search?search=" + urllib.parse.quote(art[1]))
    ok, bad = R.shape_ok(r.json[0] if r.json else {}, SEARCH_FIELDS)
    check(r.status == 200 and ok and r.json[0]["id"] == art[0] and
          r.json[0]["type"] == "post" and r.json[0]["subtype"] == "post" and
          r.json[0]["_links"]["self"][0]["href"] == "%s%s/posts/%d" % (base, V2, art[0]) and
          r.header("X-WP-Total") is not None,
          "/search finds a post by its headline (the Search Result schema)", (bad, r.text[:300]))
    pg = s.sql("SELECT id, title FROM pages WHERE status='published' LIMIT 1")
    if pg:
        r = api(s, "GET", V2 + "/search?subtype=page&search=" + urllib.parse.quote(pg[0][1]))
        check(r.status == 200 and [h["id"] for h in r.json] == [pg[0][0]] and
              r.json[0]["subtype"] == "page", "/search?subtype=page finds a page", r.text[:300])
    r1 = api(s, "GET", V2 + "/search?search=%s&per_page=1" % urllib.parse.quote(word))
    r2 = api(s, "GET", V2 + "/search?search=%s&per_page=1&page=2" % urllib.parse.quote(word))
    if r1.header("X-WP-Total") and int(r1.header("X-WP-Total")) > 1:
        check(r2.status == 200 and len(r2.json) == 1 and r2.json[0] != r1.json[0] and
              'rel="prev"' in (r2.header("Link") or ""), "/search pages like every list",
              r2.text[:200])
    e = api(s, "GET", V2 + "/search?type=term")
    check(is_error(e, 400, "rest_invalid_param"), "/search?type=term: 400")
    drafts = s.sql("SELECT headline FROM articles WHERE status='draft' LIMIT 1")
    if drafts:
        r = api(s, "GET", V2 + "/search?search=" + urllib.parse.quote(drafts[0][0]))
        check(r.status == 200 and all(h["subtype"] != "post" or
                                      h["title"] != drafts[0][0] for h in r.json),
              "/search never shows a draft")


def media(s, w):
    au, ed, co = w["author"], w["editor"], w["contrib"]
    img = R.D.png(9, 7, (200, 30, 40))
    r = api(s, "POST", V2 + "/media", who=au, body=img, headers={
        "Content-Type": "image/png", "Content-Disposition": 'attachment; filename="m.png"'})
    check(r.status == 201, "an author uploads an image", r.text[:200])
    mid = r.json["id"]
    r = api(s, "POST", V2 + "/media/%d" % mid, who=au,
            body={"title": "  Harbour at dawn ", "caption": "Boats in the harbour",
                  "alt_text": "Three fishing boats"})
    row = s.sql("SELECT title, caption, alt FROM media WHERE id=?", mid)[0]
    check(r.status == 200 and r.json["alt_text"] == "Three fishing boats" and
          r.json["title"]["raw"] == "Harbour at dawn" and
          r.json["caption"]["raw"] == "Boats in the harbour" and
          tuple(row) == ("Harbour at dawn", "Boats in the harbour", "Three fishing boats"),
          "POST /media/ID: title (trimmed, as the desk), caption and alt text saved",
          (r.text[:300], row))
    r = api(s, "POST", V2 + "/media/%d" % mid, who=au, body={"alt_text": "Two boats"})
    row = s.sql("SELECT title, alt FROM media WHERE id=?", mid)[0]
    check(r.status == 200 and tuple(row) == ("Harbour at dawn", "Two boats"),
          "a field left out keeps its value", row)
    e = api(s, "POST", V2 + "/media/%d" % mid, who=au, body={"alt_text": "x" * 501})
    check(is_error(e, 400, "rest_invalid_param") and "alt_text" in e.json["data"]["params"],
          "alt text over the desk's limit: 400", e.text[:200])
    e = api(s, "POST", V2 + "/media/%d" % mid, who=au, body={"description": "Long words"})
    check(is_error(e, 400, "rest_invalid_param") and "description" in e.json["data"]["params"],
          "a description (which images here do not have) is refused, not dropped", e.text[:200])
    e = api(s, "POST", V2 + "/media/%d" % mid, who=co, body={"alt_text": "Mine now"})
    check(is_error(e, 403, "rest_cannot_edit"), "a contributor cannot change media", e.text[:200])
    other = s.sql("SELECT id FROM media WHERE id != ? AND (uploaded_by IS NULL OR uploaded_by "
                  "!= ?) LIMIT 1", mid, au.id)
    if other:
        e = api(s, "POST", V2 + "/media/%d" % other[0][0], who=au, body={"alt_text": "Mine"})
        check(is_error(e, 403, "rest_cannot_edit"),
              "an author cannot change an image another uploaded", e.text[:200])
    e = api(s, "POST", V2 + "/media/%d" % mid, body={"alt_text": "anon"})
    check(e.status == 401, "anonymous: 401", e.status)
    r = api(s, "POST", V2 + "/media/%d" % mid, who=ed, body={"caption": "By the editor"})
    check(r.status == 200 and r.json["caption"]["raw"] == "By the editor",
          "an editor changes anyone's image")
    e = api(s, "POST", V2 + "/media/999999", who=ed, body={"caption": "x"})
    check(is_error(e, 404, "rest_post_invalid_id"), "an unknown image: 404")

    # Delete: force=true, refused while used (naming where), by the desk's rule.
    post = api(s, "POST", V2 + "/posts", who=au, body={"title": "Uses the image",
                                                       "featured_media": mid})
    check(post.status == 201, "an article takes the image as its featured image")
    e = api(s, "DELETE", V2 + "/media/%d" % mid, who=au)
    check(is_error(e, 501, "rest_trash_not_supported"), "without force=true: 501 (no trash)",
          e.text[:200])
    e = api(s, "DELETE", V2 + "/media/%d?force=true" % mid, who=co)
    check(is_error(e, 403, "rest_cannot_delete"), "a contributor cannot delete media")
    e = api(s, "DELETE", V2 + "/media/%d?force=true" % mid, who=au)
    check(is_error(e, 409, "rest_media_in_use") and
          e.json["data"]["used_in"][0]["id"] == post.json["id"] and
          e.json["data"]["used_in"][0]["title"] == "Uses the image" and
          e.json["data"]["used_in"][0]["featured"] is True,
          "in use: 409 naming the article that uses it", e.text[:300])
    check(s.sql("SELECT count(*) FROM media WHERE id=?", mid)[0][0] == 1, "and it is kept")
    api(s, "POST", V2 + "/posts/%d" % post.json["id"], who=au, body={"featured_media": 0})
    r = api(s, "DELETE", V2 + "/media/%d?force=true" % mid, who=au)
    check(r.status == 200 and r.json["deleted"] is True and r.json["previous"]["id"] == mid and
          r.json["previous"]["alt_text"] == "Two boats",
          "unused: deleted, the answer holds what it was", r.text[:300])
    check(s.sql("SELECT count(*) FROM media WHERE id=?", mid)[0][0] == 0, "the row is gone")
    g = api(s, "GET", V2 + "/media/%d" % mid, who=au)
    check(g.status == 404, "and the API no longer finds it", g.status)


def main():
    s = Server(demo=True)
    try:
        w = R.people(s)
        for k in w:
            w[k].app = R.app_password(s, w[k], "Client of " + k)
        list_params(s, w)
        routes(s, w)
        media(s, w)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
