"""Comments on static pages (issue 15: pages have "no comments unless
enabled"): the page editor's box enables them; a published page whose
comments are enabled shows its thread and the form, which posts to
/comments/page/ID/ through the one comment policy (first-time hold,
duplicates, the form token); a page with comments disabled refuses a post
with a 403 that gives the text back; the page's author moderates its
comments as an article's author does (another author may not); the inbox
says the comment is on a page and links there; a reply from the desk stays
on the page; the cached page shows an approved comment at once; a trashed
page answers 410 without its comments; the REST API's /comments leaves page
comments out.  Also the page editor's autosave (migration 31's autosaves
of pages): stored per page and writer, offered when the page is opened,
restored, spent when the page is saved."""
import hashlib
import hmac
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as desk  # noqa: E402
import test_structure as structure  # noqa: E402
import test_pages_wp as pages_wp  # noqa: E402

save = pages_wp.save_page


def page_token(s, page_id, age=60):
    """A page's comment form token, as the server signs it."""
    secret = bytes.fromhex(s.sql("SELECT value FROM settings WHERE key='secret'")[0][0])
    ts = int(time.time()) - age
    mac = hmac.new(secret, ("form|page-%d|%d" % (page_id, ts)).encode(), hashlib.sha256)
    return "%d.%s" % (ts, mac.hexdigest()[:32])


def post_comment(s, page_id, text, name="Rita Reader", email="rita@example.org", parent=0,
                 token=None):
    return s.post("/comments/page/%d/" % page_id,
                  {"comment": text, "author": name, "email": email, "url": "",
                   "comment_parent": str(parent),
                   "byline_token": token or page_token(s, page_id), "byline_hp": ""},
                  headers={"Origin": s.base}, ip=desk.new_ip())


def comment_id(r):
    m = re.search(r"#comment-(\d+)", r.header("Location") or "")
    return int(m.group(1)) if m else 0


def editor_box(s, ed):
    r = desk.get(s, "/admin/pages/new", who=ed)
    check('name="comments_open"' in r.text and 'type="checkbox"' in r.text,
          "the page editor has a box to allow comments")
    r, open_id = save(s, ed, title="Contact", body="Write to us.", status="published",
                      comments_open="1")
    r, closed_id = save(s, ed, title="Masthead", body="Who we are.", status="published")
    check(open_id and closed_id, "two pages saved", r.status)
    check(s.sql("SELECT comments_open FROM pages WHERE id=?", open_id)[0][0] == 1
          and s.sql("SELECT comments_open FROM pages WHERE id=?", closed_id)[0][0] == 0,
          "the box ticked enables comments; unticked (the default) leaves them off")
    r = desk.get(s, "/admin/pages/%d/" % open_id, who=ed)
    check(re.search(r'name="comments_open"[^>]*checked', r.text),
          "the editor shows the box ticked for a page with comments")
    return open_id, closed_id


def public(s, open_id, closed_id):
    r = s.get("/contact/")
    check(r.status == 200 and 'action="/comments/page/%d/#respond"' % open_id in r.text
          and 'name="byline_token"' in r.text,
          "a page with comments enabled shows the form, posting to /comments/page/ID/",
          r.text[-800:])
    r = s.get("/masthead/")
    check(r.status == 200 and 'id="commentform"' not in r.text and 'id="comments"' not in r.text,
          "a page without comments shows no comments and no form")
    # Disabled: refused with a sentence, the text given back.
    r = post_comment(s, closed_id, "Kept words on a closed page.")
    check(r.status == 403 and "Comments are closed on this page." in r.text
          and "Kept words on a closed page." in r.text,
          "a post to a page with comments off: 403, a sentence, the text kept", r.status)
    check(s.sql("SELECT count(*) FROM comments WHERE page_id=?", closed_id)[0][0] == 0,
          "nothing stored for the closed page")
    # Another site's form: refused by the dispatcher, the page given back.
    r = s.post("/comments/page/%d/" % open_id,
               {"comment": "Cross-site words.", "author": "X", "email": "x@example.org",
                "url": "", "comment_parent": "0", "byline_token": page_token(s, open_id),
                "byline_hp": ""}, headers={"Origin": "https://evil.example"}, ip=desk.new_ip())
    check(r.status == 403 and "Cross-site words." in r.text
          and s.sql("SELECT count(*) FROM comments WHERE body='Cross-site words.'")[0][0] == 0,
          "a cross-origin post to a page's form is refused (403), the text given back", r.status)
    r = s.post("/comments/page/999999/", {"comment": "x"}, headers={"Origin": s.base})
    check(r.status == 404, "a post to a page that does not exist: 404", r.status)
    # A bad token: refused, text kept.
    r = post_comment(s, open_id, "Tokenless words.", token="1.abc")
    check(r.status == 422 and "Tokenless words." in r.text, "a bad token: 422, text kept",
          r.status)
    # An article's token does not open a page's form.
    r = post_comment(s, open_id, "Wrong token words.", token=s.token(open_id))
    check(r.status == 422, "an article's token is not a page's", r.status)
    # Posted: held (a first-time commenter), on the page, not an article.
    s.get("/contact/")  # cached before the comment
    r = post_comment(s, open_id, "A question about **contact** hours.")
    cid = comment_id(r)
    check(r.status == 303 and cid and (r.header("Location") or "").startswith("/contact/#comment-"),
          "a comment on a page is stored and the reader sent back to it", (r.status, r.text[:300]))
    row = s.sql("SELECT article_id, page_id, status FROM comments WHERE id=?", cid)
    check(row == [(None, open_id, "pending")],
          "stored on the page (article_id NULL), held as a first-time comment", row)
    r = post_comment(s, open_id, "A question about **contact** hours.")
    check(r.status == 409, "the same text again on the page is a duplicate (409)", r.status)
    return cid


def moderation(s, people, open_id, cid):
    au, other, ed = people["author"], people["author2"], people["editor"]
    # The page is the author's (an import or an administrator can make it so).
    s.sql("UPDATE pages SET author_id=? WHERE id=?", au.id, open_id)
    r = desk.get(s, "/admin/comments/?status=pending", who=au)
    check(r.status == 200 and "A question about" in r.text
          and 'on the page <a href="/contact/#comment-%d">Contact</a>' % cid in r.text,
          "the page's author sees the comment in the inbox, on the page, linked", r.text[-1500:])
    r = desk.get(s, "/admin/comments/?status=pending", who=other)
    check("A question about" not in r.text, "another author's inbox does not list it")
    r = desk.act(s, other, cid, "approve")
    check(r.status == 403 and s.sql("SELECT status FROM comments WHERE id=?", cid)[0][0]
          == "pending", "another author may not approve it (403)", r.status)
    r = desk.act(s, au, cid, "approve")
    check(r.status == 303 and s.sql("SELECT status FROM comments WHERE id=?", cid)[0][0]
          == "approved", "the page's author approves it", r.status)
    r = s.get("/contact/")
    check("A question about <strong>contact</strong> hours." in r.text
          and "One thought on" in r.text,
          "the page shows the approved comment at once (its cached copy dropped)")
    # A reply from the desk stays on the page.
    r = desk.act(s, au, cid, "reply", reply="Weekdays, nine to five.")
    check(r.status == 303, "the page's author replies from the desk", r.status)
    row = s.sql("SELECT article_id, page_id, parent_id, status FROM comments"
                " WHERE body='Weekdays, nine to five.'")
    check(row == [(None, open_id, cid, "approved")], "the reply is on the page, under it", row)
    r = s.get("/contact/")
    check("Weekdays, nine to five." in r.text and "2 thoughts on" in r.text,
          "the page shows the reply")
    # The reply link opens the form replying to that comment, even with the
    # page in the cache (which holds the page without a reply form).
    s.get("/contact/")
    r = s.get("/contact/?replytocom=%d" % cid)
    check(r.status == 200 and re.search(r'name="comment_parent"[^>]*value="%d"' % cid, r.text)
          and "Rita Reader" in r.text.split('id="reply-title"')[1][:300],
          "the reply link gives the form replying to the comment, past the page cache")
    r = s.get("/contact/")
    check('name="comment_parent" id="comment_parent" value="0"' in r.text,
          "the page itself keeps the plain form")
    # A reader's reply through the form.
    r = post_comment(s, open_id, "Thanks, that helps.", name="Otto", email="otto@example.org",
                     parent=cid)
    rid = comment_id(r)
    check(r.status == 303 and s.sql("SELECT parent_id, page_id FROM comments WHERE id=?", rid)
          == [(cid, open_id)], "a reader's reply on a page keeps its parent", r.status)
    # The editor moderates every comment, the page's too.
    r = desk.act(s, ed, rid, "approve")
    check(r.status == 303, "an editor approves a page's comment", r.status)
    # The REST API leaves page comments out.
    r = s.get("/wp-json/wp/v2/comments?per_page=100")
    check(r.status == 200 and "Weekdays, nine to five." not in r.text
          and "A question about" not in r.text, "the API's /comments lists no page comment",
          r.status)
    # Read by id by staff, a page's comment names its page as WordPress does.
    import test_restapi as restapi
    ed.app = restapi.app_password(s, ed, "Page comments client")
    r = restapi.api(s, "GET", "/wp-json/wp/v2/comments/%d" % rid, who=ed)
    j = r.json or {}
    check(r.status == 200 and j.get("post") == open_id and
          j.get("link", "").endswith("/contact/#comment-%d" % rid) and
          j.get("_links", {}).get("up", [{}])[0].get("href", "").endswith(
              "/wp/v2/pages/%d" % open_id),
          "the API gives a page comment its page as post, link and up", (r.status, j))


def trash(s, people, open_id):
    ed = people["editor"]
    r = structure.post(s, ed, "/admin/pages/%d/trash" % open_id)
    check(r.status == 303, "the page is trashed", r.status)
    r = s.get("/contact/")
    check(r.status == 410 and "A question about" not in r.text
          and "Weekdays" not in r.text, "a trashed page answers 410, its comments hidden",
          r.status)
    r = post_comment(s, open_id, "Into the void.")
    check(r.status == 410 and s.sql("SELECT count(*) FROM comments WHERE body='Into the void.'")
          [0][0] == 0, "a comment sent to a trashed page: 410, not stored", r.status)


def autosave(s, people):
    ed, other = people["editor"], people["admin"]
    r, pid = save(s, ed, title="Ethics", body="We are fair.", status="published")
    f = {"csrf": ed.csrf, "page_id": str(pid), "title": "Ethics (new)",
         "body": "We are fair and quick."}
    r = desk.send(s, "/admin/autosave", f, who=ed)
    check(r.status == 200 and '"saved_at"' in r.text, "a page's autosave is stored",
          (r.status, r.text[:200]))
    row = s.sql("SELECT headline, body_src, is_page, page_id, article_id FROM autosaves"
                " WHERE user_id=?", ed.id)
    check(row == [("Ethics (new)", "We are fair and quick.", 1, pid, None)],
          "stored as the page's, for its writer", row)
    # The page's text in the table is unchanged; opening it offers the autosave.
    check(s.sql("SELECT body_src FROM pages WHERE id=?", pid)[0][0] == "We are fair.",
          "an autosave does not change the page")
    s.sql("UPDATE autosaves SET saved_at = saved_at + 5 WHERE user_id=?", ed.id)
    r = desk.get(s, "/admin/pages/%d/" % pid, who=ed)
    check("/admin/pages/%d/?autosave=restore" % pid in r.text
          and re.search(r"There is an autosave of this page from [^<{]*\d", r.text),
          "opening the page offers its newer autosave, saying when", r.text[:3000])
    r = desk.get(s, "/admin/pages/%d/?autosave=restore" % pid, who=ed)
    check("We are fair and quick." in r.text and 'value="Ethics (new)"' in r.text,
          "restore puts the autosave in the editor (not saved yet)")
    check(s.sql("SELECT body_src FROM pages WHERE id=?", pid)[0][0] == "We are fair.",
          "restoring does not save")
    # An article's autosave is not a page's.
    r = desk.get(s, "/admin/articles/new", who=ed)
    check("We are fair and quick." not in r.text, "the new-article editor offers no page's text")
    # Someone who may not edit pages may not autosave one.
    au = people["author"]
    r = desk.send(s, "/admin/autosave", {"csrf": au.csrf, "page_id": str(pid), "title": "x",
                                         "body": "Hijack."}, who=au)
    check(r.status == 403 and s.sql("SELECT count(*) FROM autosaves WHERE user_id=?", au.id)
          [0][0] == 0, "an author may not autosave a page (403)", r.status)
    # A new page's autosave, then saving the page spends it.
    r = desk.send(s, "/admin/autosave", {"csrf": ed.csrf, "page_id": "0", "title": "Draft",
                                         "body": "Unsaved page."}, who=ed)
    check(r.status == 200, "a new page's autosave is stored", r.status)
    r = desk.get(s, "/admin/pages/new", who=ed)
    check("/admin/pages/new?autosave=restore" in r.text, "the new page editor offers it")
    r = desk.get(s, "/admin/articles/new", who=ed)
    check("Unsaved page." not in r.text and "autosave=restore" not in r.text,
          "a new page's autosave is not offered to a new article")
    r, _ = save(s, ed, "/admin/pages/%d/" % pid, title="Ethics", slug="ethics",
                body="Saved now.", status="published")
    check(s.sql("SELECT count(*) FROM autosaves WHERE user_id=? AND page_id=?", ed.id, pid)
          [0][0] == 0, "saving the page deletes its autosave")
    del other


def main():
    t0 = time.time()
    s = Server(before=structure.seed, settings={"timezone": desk.ZONE_NAME})
    try:
        people = {k: structure.person(s, k) for k in ("admin", "editor", "author")}
        other = desk.Who(people["author"].role, "author2@example.com", "Second Author",
                         "second author's long pass phrase")
        from harness import run_cli
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", other.email, "--name",
                               other.name, "--role", desk.ROLE_NAMES[other.role],
                               check_rc=False)
        desk.set_password(s, desk.link_token(out), other.pw)
        other.cookie, other.csrf = desk.sign_in(s, other)
        other.id = s.sql("SELECT id FROM users WHERE email=?", other.email)[0][0]
        people["author2"] = other
        open_id, closed_id = editor_box(s, people["editor"])
        if open_id and closed_id:
            cid = public(s, open_id, closed_id)
            if cid:
                moderation(s, people, open_id, cid)
            trash(s, people, open_id)
        autosave(s, people)
    finally:
        s.stop()
    print("(page comment tests took %.1f s)" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
