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
    s.sql("UPDATE articles SET is_sticky = (id = ?)", b)
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
    # The cache: an anonymous list with a filter is not the unfiltered one.
    plain = api(s, "GET", V2 + "/posts?per_page=2")
    filt = api(s, "GET", V2 + "/posts?per_page=2&exclude=%d" % plain.json[0]["id"])
    check(ids(filt) != ids(plain) and plain.json[0]["id"] not in ids(filt),
          "exclude= is part of the cache key", (ids(plain), ids(filt)))
    return mk


def main():
    s = Server(demo=True)
    try:
        w = R.people(s)
        for k in w:
            w[k].app = R.app_password(s, w[k], "Client of " + k)
        list_params(s, w)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
