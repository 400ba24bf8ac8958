"""Static pages run from the desk like articles (issue 15, Structure: Pages):
revisions with a word diff and restore, parents without cycles, the slug
tidied as the article editor tidies it, the trash (410 at the page's path,
restore, delete for good by administrators only from the trash, purged by
the scheduler after 30 days), and pages served from the page cache and
dropped from it when one changes.

Each role and a signed-out client try the new routes in test_desk.py's
matrix; here the rules behind them."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as desk  # noqa: E402
import test_cache as cache  # noqa: E402
import test_structure as structure  # noqa: E402
import test_pages_wp as pages_wp  # noqa: E402


# The page form, sent: (response, the page's id or None).
save = pages_wp.save_page


def post(s, who, path):
    return structure.post(s, who, path)


def editor_and_slugs(s, people):
    ed = people["editor"]
    # The editor: the article editor's layout (bar, main column, side panel).
    r = desk.get(s, "/admin/pages/new", who=ed)
    check(r.status == 200 and 'class="editor-bar"' in r.text and 'class="editor-side"' in r.text
          and 'id="editor"' in r.text and 'value="publish"' in r.text,
          "the page editor has the article editor's bar, columns and Publish", r.status)
    # A slug typed badly is tidied, saved and shown.
    r, pid = save(s, ed, title="Our team", slug="  Our Team! ", body="x", status="published")
    check(r.status == 303 and pid and "slug-tidied" in (r.header("Location") or ""),
          "a page slug with capitals and punctuation is saved, tidied",
          (r.status, desk.form_message(r.text)))
    if pid:
        check(s.sql("SELECT slug FROM pages WHERE id=?", pid)[0][0] == "our-team",
              "stored as our-team")
        r = desk.get(s, r.header("Location"), who=ed)
        check('value="our-team"' in r.text and "tidied" in r.text,
              "the page editor shows the tidied slug and says so")
        check(s.get("/our-team/").status == 200, "the page answers at its tidied address")
    r, _ = save(s, ed, title="Only punctuation", slug="!!!", body="x")
    check(r.status == 422 and "letter or digit" in r.text,
          "a page slug with nothing to keep is refused with a sentence", r.status)
    # Publish from the bar publishes, whatever the status select says.
    r, pub = save(s, ed, title="Ethics", body="We are fair.", status="draft", action="publish")
    check(r.status == 303 and pub and s.sql("SELECT status FROM pages WHERE id=?", pub)[0][0]
          == "published", "Publish in the bar publishes the page", r.status)


def cycles(s, people):
    ed = people["editor"]
    r, a = save(s, ed, title="Alpha", body="a", status="published")
    r, b = save(s, ed, title="Beta", body="b", parent=str(a), status="published")
    r, c = save(s, ed, title="Gamma", body="c", parent=str(b), status="published")
    check(a and b and c and s.get("/alpha/beta/gamma/").status == 200,
          "a page three deep answers at /alpha/beta/gamma/")
    r, _ = save(s, ed, "/admin/pages/%d/" % a, title="Alpha", slug="alpha", body="a",
                parent=str(c), status="published")
    check(r.status == 422 and "sub-pages" in r.text,
          "a page under its own grandchild is refused (no cycle)", desk.form_message(r.text))
    r, _ = save(s, ed, "/admin/pages/%d/" % a, title="Alpha", slug="alpha", body="a",
                parent=str(a), status="published")
    check(r.status == 422 and "own parent" in r.text, "a page is not its own parent",
          desk.form_message(r.text))
    check(s.sql("SELECT parent_id FROM pages WHERE id=?", a)[0][0] is None,
          "the refused parent is not stored")
    r = desk.get(s, "/admin/pages/%d/" % a, who=ed)
    opts = re.findall(r'<option value="(\d+)"', r.text.split('id="parent"')[1].split("</select>")[0])
    check(str(b) not in opts and str(c) not in opts and str(a) not in opts,
          "the parent select offers neither the page nor its descendants", opts)


def revisions(s, people):
    ed, admin = people["editor"], people["admin"]
    r, pid = save(s, ed, title="Contact", body="Write to the harbour desk.\n\nWe answer.",
                  status="published")
    path = "/admin/pages/%d/" % pid
    r, _ = save(s, ed, path, title="Contact us", slug="contact",
                body="Write to the city desk.\n\nWe answer.", status="published")
    check(r.status == 303, "the page is saved again", r.status)
    r = desk.get(s, path + "revisions/", who=ed)
    links = re.findall(r'href="(/admin/pages/%d/revisions/(\d+)/)"' % pid, r.text)
    check(r.status == 200 and len(links) == 2 and "Contact us" in r.text,
          "the revisions list shows both saves, newest first", (r.status, links))
    first = links[-1][0] if links else path + "revisions/0/"
    r = desk.get(s, first, who=ed)
    check(r.status == 200 and "<del>harbour</del>" in r.text and "<ins>city</ins>" in r.text,
          "the revision view marks the changed words", r.text[-1500:])
    check("<h2>Title</h2>" in r.text, "and the changed title")
    r = desk.get(s, path, who=ed)
    check('href="%srevisions/"' % path in r.text, "the editor links to its revisions")
    r = desk.send(s, first, desk.Fields([("csrf", admin.csrf)], admin))
    check(r.status == 303, "an administrator restores the first revision", r.status)
    row = s.sql("SELECT title, body_src, status FROM pages WHERE id=?", pid)[0]
    check(row[0] == "Contact" and "harbour desk" in row[1] and row[2] == "published",
          "the page has the first revision's text, and keeps its status", row)
    check(s.sql("SELECT count(*) FROM page_revisions WHERE page_id=?", pid)[0][0] == 3,
          "the restore is kept as a new revision")
    r = s.get("/contact/")
    check(r.status == 200 and "harbour desk" in r.text, "the public page shows it at once")
    check(desk.get(s, path + "revisions/999999/", who=ed).status == 404,
          "an unknown revision: 404")


def trash(s, people):
    ed, admin = people["editor"], people["admin"]
    r, parent = save(s, ed, title="Policies", body="Our policies.", status="published")
    r, pid = save(s, ed, title="Privacy", body="We keep little.", parent=str(parent),
                  status="published")
    url = "/policies/privacy/"
    check(s.get(url).status == 200 and "/policies/privacy/" in s.get("/sitemap-pages.xml").text,
          "the page is public and in the sitemap")
    r = desk.get(s, "/admin/pages/", who=ed)
    check('action="/admin/pages/%d/trash"' % pid in r.text and "Trash <span" in r.text,
          "the list has a Trash view and a Trash action per row")
    r = post(s, ed, "/admin/pages/%d/delete" % pid)
    check(r.status == 403, "an editor may not delete a page for good", r.status)
    r = post(s, admin, "/admin/pages/%d/delete" % pid)
    check(r.status == 409 and s.sql("SELECT 1 FROM pages WHERE id=?", pid),
          "delete for good refused outside the trash (409)", r.status)
    r = post(s, ed, "/admin/pages/%d/trash" % pid)
    check(r.status == 303 and "trashed-page" in (r.header("Location") or ""),
          "an editor moves the page to the trash", (r.status, r.header("Location")))
    row = s.sql("SELECT status, trashed_at, trashed_status FROM pages WHERE id=?", pid)[0]
    check(row[0] == "draft" and row[1] and row[2] == "published",
          "stored as a draft with trashed_at and the status it had", row)
    r = s.get(url)
    check(r.status == 410, "the trashed page answers 410 Gone at its path", r.status)
    check(s.get(url[:-1]).status == 410, "and without its slash", s.get(url[:-1]).status)
    check("/policies/privacy/" not in s.get("/sitemap-pages.xml").text,
          "it leaves the sitemap at once")
    r = desk.get(s, "/admin/pages/", who=ed)
    check(">Privacy<" not in r.text, "All leaves it out")
    r = desk.get(s, "/admin/pages/?status=trash", who=ed)
    check(r.status == 200 and "Privacy" in r.text and
          'action="/admin/pages/%d/restore"' % pid in r.text and
          'action="/admin/pages/%d/delete"' % pid not in r.text,
          "the Trash view lists it with Restore (no delete for an editor)")
    r = desk.get(s, "/admin/pages/?status=trash", who=admin)
    check('action="/admin/pages/%d/delete"' % pid in r.text,
          "an administrator's Trash view offers Delete for good")
    r = desk.get(s, "/admin/pages/%d/" % pid, who=ed)
    check(r.status == 409 and "trash" in r.text, "a trashed page opens no editor (409)", r.status)
    r, _ = save(s, ed, "/admin/pages/%d/" % pid, title="Edited in the trash", body="x")
    check(r.status == 409 and s.sql("SELECT title FROM pages WHERE id=?", pid)[0][0] == "Privacy",
          "nor is saved (409)", r.status)
    r = post(s, ed, "/admin/pages/%d/restore" % pid)
    check(r.status == 303 and s.get(url).status == 200,
          "restored: public again at the same address", r.status)
    check(post(s, ed, "/admin/pages/%d/restore" % pid).status == 409,
          "restoring a page outside the trash: 409")
    # Its parent in the trash: the sub-page's editor still names it, and a
    # save keeps it there.
    check(post(s, ed, "/admin/pages/%d/trash" % parent).status == 303, "the parent is trashed")
    r = desk.get(s, "/admin/pages/%d/" % pid, who=ed)
    check(re.search(r'<option value="%d" selected>/policies/ \(in the trash\)' % parent, r.text),
          "the sub-page's editor shows its parent, in the trash, chosen")
    r, _ = save(s, ed, "/admin/pages/%d/" % pid, title="Privacy", slug="privacy",
                body="We keep little.", parent=str(parent), status="published")
    check(r.status == 303 and s.sql("SELECT parent_id FROM pages WHERE id=?", pid)[0][0] == parent,
          "saving the sub-page keeps it under its trashed parent", r.status)
    check(post(s, ed, "/admin/pages/%d/restore" % parent).status == 303, "the parent is restored")
    # Delete for good, from the trash, by an administrator.
    post(s, ed, "/admin/pages/%d/trash" % pid)
    r = post(s, admin, "/admin/pages/%d/delete" % pid)
    check(r.status == 303 and not s.sql("SELECT 1 FROM pages WHERE id=?", pid),
          "an administrator deletes it for good from the trash", r.status)
    check(s.get(url).status == 404, "then its address is 404")


def purge(s, people):
    ed = people["editor"]
    ids = {}
    for title in ("Old notice", "Recent notice"):
        r, ids[title] = save(s, ed, title=title, body="x", status="published")
        check(post(s, ed, "/admin/pages/%d/trash" % ids[title]).status == 303, "trash " + title)
    now = int(time.time())
    s.sql("UPDATE pages SET trashed_at=? WHERE id=?", now - 30 * 86400 - 5, ids["Old notice"])
    s.sql("UPDATE pages SET trashed_at=? WHERE id=?", now - 29 * 86400, ids["Recent notice"])
    deadline = time.time() + 30
    while time.time() < deadline and s.sql("SELECT 1 FROM pages WHERE id=?", ids["Old notice"]):
        time.sleep(0.5)
    check(not s.sql("SELECT 1 FROM pages WHERE id=?", ids["Old notice"]),
          "a page trashed 30 days ago is purged by the scheduler")
    check(s.sql("SELECT 1 FROM pages WHERE id=?", ids["Recent notice"]),
          "a page trashed 29 days ago is kept")


def cached(s, people):
    ed = people["editor"]
    r, pid = save(s, ed, title="Advertise", body="Rates on request.", status="published")
    warm = s.get("/advertise/")
    again = s.get("/advertise/")
    check(warm.status == 200 and again.body == warm.body and
          again.header("ETag") == warm.header("ETag"),
          "a page answers the same page and ETag twice")
    # A write the change log does not see: a cached page is still served.
    cache.hidden_write(s, "UPDATE pages SET body_html = '<p>QQHIDDEN</p>' WHERE id=?1", pid,
                       triggers=("pages_upd",), name="page body")
    fresh = s.get("/advertise/", headers=cache.FRESH)
    check("QQHIDDEN" in fresh.text, "a fresh render shows the hidden change (test premise)")
    r = s.get("/advertise/")
    check(r.status == 200 and "QQHIDDEN" not in r.text and r.body == warm.body,
          "the page is served from the page cache", r.text[:200])
    # A save in the desk drops it: the next request shows the new text.
    r, _ = save(s, ed, "/admin/pages/%d/" % pid, title="Advertise", slug="advertise",
                body="Rates from today.", status="published")
    r = s.get("/advertise/")
    check(r.status == 200 and "Rates from today." in r.text,
          "a page saved in the desk shows on the next request", r.text[:300])
    # Moved to the trash: 410 on the next request, not the cached page.
    s.get("/advertise/")
    post(s, ed, "/admin/pages/%d/trash" % pid)
    check(s.get("/advertise/").status == 410, "a trashed page leaves the cache at once")
    # An unknown path is never kept as a page.
    check(s.get("/no-such-page/").status == 404 and s.get("/no-such-page/").status == 404,
          "an unknown path is 404 each time")


def main():
    t0 = time.time()
    s = Server(before=structure.seed, settings={"timezone": desk.ZONE_NAME})
    try:
        people = {k: structure.person(s, k) for k in ("admin", "editor", "author", "contrib")}
        for k in ("author", "contrib"):
            r = desk.get(s, "/admin/pages/", who=people[k])
            check(r.status == 403, "%s: the pages list is refused (403)" % k, r.status)
            r = post(s, people[k], "/admin/pages/1/trash")
            check(r.status == 403, "%s: trash refused (403)" % k, r.status)
        r = s.get("/admin/pages/")
        check(r.status == 303 and "/admin/login" in (r.header("Location") or ""),
              "signed out: the pages list asks to sign in", r.status)
        editor_and_slugs(s, people)
        cycles(s, people)
        revisions(s, people)
        trash(s, people)
        cached(s, people)
        purge(s, people)
    finally:
        s.stop()
    print("(page desk tests took %.1f s)" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
