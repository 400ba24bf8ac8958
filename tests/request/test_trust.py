"""Who may write raw HTML, and what the desk and the public site show of
unpublished work (issue 11, section 2).

- A contributor's (or author's) bio and article body go through the
  allow-list (MD_LIMITED) on their author page, in an editor's preview,
  and once an editor publishes them unchanged; an editor's raw HTML is
  written as it is; stored HTML of another renderer version is rendered
  again when the database is next opened.
- The desk's article list shows contributors and authors only what they
  may open (their own and published articles), and its search looks only
  there: a matrix of every viewer role against every article kind.
- A section made, or a tag used, only by unpublished articles is on no
  public page: not in the navigation, its page and feed 404, not in the
  sitemaps; publishing shows it at once and unpublishing hides it again,
  through the page cache."""
import os
import re
import sys
import time
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ENGINE, REPO, Server, check, done, run_cli, skip, write_article  # noqa: E402
from test_desk import (ADMIN, AUTHOR, CONTRIB, EDITOR, ROLE_NAMES, ZONE_NAME,  # noqa: E402
                       Who, edit_form, form_message, get, link_token, public_url, send,
                       saved_id, set_password, sign_in)

import tempfile  # noqa: E402
import shutil  # noqa: E402

# What a contributor tried: a redirect off-site, script, a frame, an event
# handler, a javascript: link; and one allowed element that must survive.
PAYLOAD = ('Hello from the newsroom.\n\n'
           '<meta http-equiv="refresh" content="0;url=https://evil.example/">\n\n'
           'Text <script>document.title="pwned"</script> more.\n\n'
           '<iframe src="https://evil.example/frame"></iframe>\n\n'
           'An image <img src="/x.png" onerror="alert(1)"> and '
           '<a href="javascript:alert(2)">a link</a>.\n\n'
           '<b>kept bold</b>\n')


class _Hostile(HTMLParser):
    """Markup a writer without unfiltered HTML must never get onto a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "http-equiv" in a:
            self.problems.append("<meta http-equiv=%s>" % a["http-equiv"])
        # Allowed: JSON-LD, and the desk's own scripts (<script
        # src="/static/NAME.js" defer>, with desk.js's version, in
        # admin_layout.mustache only); any other <script> is a payload.
        own = set(a) == {"src", "defer"} and re.fullmatch(r"/static/[a-z-]+\.js(\?v=[0-9a-f]+)?",
                                                          a.get("src") or "")
        if tag == "script" and not (a.get("type") == "application/ld+json" and len(a) == 1) \
                and not own:
            self.problems.append("<script>")
        if tag in ("iframe", "object", "embed", "svg", "style", "base"):
            self.problems.append("<%s>" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append("%s on <%s>" % (name, tag))
            v = re.sub(r"[\t\n\r ]", "", value or "").lower()
            if name in ("href", "src") and v.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append("%s=%s on <%s>" % (name, value, tag))


def hostile(html):
    h = _Hostile()
    h.feed(html)
    h.close()
    return h.problems


def try_sql(s, query, *args):
    """s.sql, or the error as a string (a database without migration 11)."""
    try:
        return s.sql(query, *args)
    except Exception as e:  # noqa: BLE001
        return str(e)


def markdown_version():
    with open(os.path.join(REPO, "src", "render", "markdown.h"), encoding="utf-8") as f:
        return int(re.search(r"#define MARKDOWN_VERSION (\d+)", f.read()).group(1))


def people_on(s):
    people = {
        "admin": Who(ADMIN, "admin@example.com", "Ada Admin", "admin's long passphrase"),
        "editor": Who(EDITOR, "editor@example.com", "Ed Editor", "editor's long passphrase"),
        "author": Who(AUTHOR, "author@example.com", "Aud Author", "author's long passphrase"),
        "author2": Who(AUTHOR, "author2@example.com", "Bea Second", "author2 long passphrase"),
        "contrib": Who(CONTRIB, "contrib@example.com", "Cy Contributor", "contrib long phrase"),
        "contrib2": Who(CONTRIB, "contrib2@example.com", "Di Second", "contrib2 long phrase"),
    }
    for i, (key, w) in enumerate(people.items()):
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                               "--role", ROLE_NAMES[w.role])
        w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
        w.slug = s.sql("SELECT slug FROM users WHERE id=?", w.id)[0][0]
        r = set_password(s, link_token(out), w.pw)
        check(r.status in (200, 303), "%s sets a password" % key, r.status)
        w.cookie, w.csrf = sign_in(s, w, ip="192.0.2.%d" % (i + 1))
    return people


def save(s, who, aid=None, **kw):
    r = send(s, "/admin/articles/%s" % ("%d/" % aid if aid else "new"), edit_form(who, **kw))
    got, _ = saved_id(r)
    check(r.status == 303 and got, "%s saves %r" % (who.email, kw.get("headline")),
          (r.status, form_message(r.text)))
    return got


def set_bio(s, who, bio):
    r = send(s, "/admin/profile", [("csrf", who.csrf), ("name", who.name), ("slug", who.slug),
                                   ("bio", bio), ("links", "")], who=who)
    check(r.status == 303, "%s saves a bio" % who.email, (r.status, form_message(r.text)))


# ---------------------------------------------------------------- raw HTML

def raw_html(s, people):
    contrib, author, editor = people["contrib"], people["author"], people["editor"]

    # A contributor's bio on their public page.
    set_bio(s, contrib, PAYLOAD)
    r = s.get("/author/%s/" % contrib.slug)
    check(r.status == 200 and not hostile(r.text),
          "contributor bio with raw HTML is neutralised on /author/", hostile(r.text))
    check("<b>kept bold</b>" in r.text, "contributor bio keeps allowed HTML")

    # A contributor's pending draft, as the editor previews it.
    aid = save(s, contrib, headline="Contributor payload story", body=PAYLOAD, status="pending")
    for who in (editor, contrib):
        r = get(s, "/admin/articles/%d/preview" % aid, who=who)
        check(r.status == 200 and not hostile(r.text),
              "contributor draft neutralised in %s's preview" % who.email,
              (r.status, hostile(r.text)))
        check("<b>kept bold</b>" in r.text, "preview keeps allowed HTML (%s)" % who.email)
    # The editor's form preview of the same, unchanged body.
    r = send(s, "/admin/articles/%d/" % aid, edit_form(editor, headline="Contributor payload "
                                                       "story", body=PAYLOAD, action="preview"))
    check(r.status == 200 and "<b>kept bold</b>" in r.text and not hostile(r.text),
          "contributor body neutralised in the editor's form preview",
          (r.status, hostile(r.text)))
    # The editor publishes it without touching the body.
    save(s, editor, aid, headline="Contributor payload story", body=PAYLOAD, status="published")
    got = try_sql(s, "SELECT body_role, status FROM articles WHERE id=?", aid)
    check(got == [("contributor", "published")],
          "publishing unchanged keeps the contributor's trust", got)
    url = public_url(s, aid)
    r = s.get(url)
    check(r.status == 200 and "<b>kept bold</b>" in r.text and not hostile(r.text),
          "contributor body neutralised once an editor published it",
          (r.status, hostile(r.text)))

    # Authors have no unfiltered HTML either.
    aid2 = save(s, author, headline="Author payload story", body=PAYLOAD, status="published")
    r = s.get(public_url(s, aid2))
    check(r.status == 200 and not hostile(r.text), "author's raw HTML neutralised",
          hostile(r.text))

    # An editor's (and administrator's) raw HTML is written as it is.
    raw = '<aside class="pull-quote" data-k="1">A pulled quote.</aside>\n\nText.\n'
    eid = save(s, editor, headline="Editor raw story", body=raw, status="published")
    r = s.get(public_url(s, eid))
    check('<aside class="pull-quote" data-k="1">A pulled quote.</aside>' in r.text,
          "editor's raw HTML still works", r.status)
    set_bio(s, editor, 'Ed covers <span class="beat">the harbour</span>.')
    check('<span class="beat">the harbour</span>' in s.get("/author/%s/" % editor.slug).text,
          "editor's bio keeps its raw HTML")
    admin = people["admin"]
    set_bio(s, admin, '<abbr class="x" title="Ada">AA</abbr> runs the site.')
    check('<abbr class="x" title="Ada">AA</abbr>' in s.get("/author/%s/" % admin.slug).text,
          "administrator's bio keeps its raw HTML")

    # An editor who changes the body takes responsibility for all of it.
    save(s, editor, aid, headline="Contributor payload story", body=PAYLOAD + "\nEdited.\n",
         status="published")
    check(try_sql(s, "SELECT body_role FROM articles WHERE id=?", aid) == [("editor",)],
          "an editor who changes the body takes responsibility for it")
    # A contributor made editor: their bio is rendered as their role allows
    # now, and the page cache follows the change of role.
    s.sql("UPDATE users SET role='editor' WHERE id=?", contrib.id)
    time.sleep(0.1)
    page = s.get("/author/%s/" % contrib.slug).text
    check('http-equiv="refresh"' in page, "bio follows its author's role (promoted)")
    s.sql("UPDATE users SET role='contributor' WHERE id=?", contrib.id)
    time.sleep(0.1)
    check(not hostile(s.get("/author/%s/" % contrib.slug).text),
          "bio follows its author's role (demoted again; page cache dropped)")

    # HTML stored by another version of the sanitiser is rendered again
    # when the database is next opened.
    try_sql(s, "UPDATE articles SET body_html = '<p><script>stale()</script></p>',"
            " body_html_version = 1 WHERE id = ?", aid2)
    run_cli("settings", "--db", s.db, "list")
    got = try_sql(s, "SELECT body_html, body_html_version FROM articles WHERE id=?", aid2)
    html, version = got[0] if isinstance(got, list) else (got, None)
    check(version == markdown_version() and "stale()" not in html and "<b>kept bold</b>" in html,
          "a stale body is rendered again at start, with its writer's trust",
          (version, html[:200]))
    time.sleep(0.1)
    r = s.get(public_url(s, aid2))
    check("stale()" not in r.text and not hostile(r.text),
          "the page shows the body rendered again", hostile(r.text))


# ---------------------------------------------------------------- the desk list

def desk_list(s, people):
    contrib, contrib2 = people["contrib"], people["contrib2"]
    author, author2 = people["author"], people["author2"]
    editor, admin = people["editor"], people["admin"]
    tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 3 * 86400))
    # (key, owner, status, secret word only its body holds)
    kinds = [
        ("contrib draft", contrib, "draft", "zirconwort"),
        ("contrib2 pending", contrib2, "pending", "quartzwing"),
        ("author draft", author, "draft", "obsidianfell"),
        ("author2 scheduled", author2, "scheduled", "feldsparrow"),
        ("editor draft", editor, "draft", "malachitewren"),
        ("editor published", editor, "published", "basaltmoor"),
    ]
    arts = {}
    for key, owner, status, word in kinds:
        extra = {"publish_date": tomorrow, "publish_time": "09:00"} if status == "scheduled" \
            else {}
        aid = save(s, owner, headline="Matrix %s" % key, status=status,
                   body="The embargoed %s detail." % word, **extra)
        got = s.sql("SELECT status FROM articles WHERE id=?", aid)
        check(got == [(status,)], "matrix article %s is %s" % (key, status), got)
        arts[key] = (aid, owner, status, word)
    viewers = {"contributor": contrib, "author": author, "editor": editor,
               "administrator": admin}
    for vname, viewer in viewers.items():
        listing = get(s, "/admin/articles/", who=viewer).text
        for key, (aid, owner, status, word) in arts.items():
            may = viewer.role >= EDITOR or owner is viewer or status == "published"
            headline = "Matrix %s" % key
            check((headline in listing) == may, "list as %s %s %s" % (
                vname, "shows" if may else "hides", key))
            found = get(s, "/admin/articles/?q=%s" % word, who=viewer).text
            check((headline in found) == may, "q=<body word> as %s %s %s" % (
                vname, "finds" if may else "does not find", key))
            prefix = get(s, "/admin/articles/?q=%s" % word[:5], who=viewer).text
            check((headline in prefix) == may, "q=<word prefix> as %s %s %s" % (
                vname, "finds" if may else "does not find", key))
            # What the list shows is what the preview opens.
            r = get(s, "/admin/articles/%d/preview" % aid, who=viewer)
            check((r.status == 200) == may, "preview as %s of %s agrees with the list" % (
                vname, key), r.status)
        # Filtering by another's drafts shows nothing of theirs.
        other = editor if viewer is not editor else contrib
        r = get(s, "/admin/articles/?status=draft&author=%d" % other.id, who=viewer)
        mine_ok = viewer.role >= EDITOR
        check(("Matrix %s draft" % ("editor" if other is editor else "contrib") in r.text)
              == mine_ok, "filter by another's drafts as %s" % vname)


# ---------------------------------------------------------------- navigation

def navigation(s, people):
    editor = people["editor"]
    # The home page, cached before the draft exists.
    check(s.get("/").status == 200 and s.get("/").status == 200, "home page cached")
    aid = save(s, editor, headline="Secret merger story", body="Not yet.",
               new_section="Merger Desk", tags="Embargoed Merger")
    sec = s.sql("SELECT slug FROM sections WHERE name='Merger Desk'")
    tag = s.sql("SELECT slug FROM tags WHERE name='Embargoed Merger'")
    check(sec == [("merger-desk",)] and tag == [("embargoed-merger",)],
          "the draft made a section and a tag", (sec, tag))

    def hidden(when):
        home = s.get("/").text
        check("Merger Desk" not in home and "merger-desk" not in home,
              "%s: a section with only a draft is not in the navigation" % when)
        check("Merger Desk" not in s.get("/author/%s/" % editor.slug).text,
              "%s: nor in another page's navigation" % when)
        for path in ("/tag/embargoed-merger/", "/tag/embargoed-merger/feed/",
                     "/tag/embargoed-merger/feed/atom/", "/category/merger-desk/",
                     "/category/merger-desk/feed/"):
            r = s.get(path)
            check(r.status == 404 and "Secret merger" not in r.text and
                  "Embargoed Merger" not in r.text and "Merger Desk" not in r.text,
                  "%s: %s is 404 and names nothing" % (when, path), r.status)
        check("embargoed-merger" not in s.get("/sitemap-tags.xml").text,
              "%s: tags sitemap does not list it" % when)
        check("merger-desk" not in s.get("/sitemap-sections.xml").text,
              "%s: sections sitemap does not list it" % when)

    hidden("draft")
    # Published: shown at once (the cached pages are dropped).
    save(s, editor, aid, headline="Secret merger story", body="Not yet.",
         new_section="Merger Desk", tags="Embargoed Merger", status="published")
    home = s.get("/").text
    check('href="/category/merger-desk/"' in home, "published: the section is in the navigation")
    r = s.get("/tag/embargoed-merger/")
    check(r.status == 200 and "Secret merger story" in r.text, "published: the tag page lists it",
          r.status)
    check(s.get("/tag/embargoed-merger/feed/").status == 200, "published: the tag feed answers")
    check(s.get("/category/merger-desk/").status == 200, "published: the section page answers")
    check("embargoed-merger" in s.get("/sitemap-tags.xml").text, "published: tags sitemap")
    # Back to a draft: hidden again, through the cache.
    sid = s.sql("SELECT id FROM sections WHERE slug='merger-desk'")[0][0]
    save(s, editor, aid, headline="Secret merger story", body="Not yet.", section=str(sid),
         tags="Embargoed Merger", status="draft")
    hidden("unpublished")
    world = s.sql("SELECT id FROM sections WHERE slug='world'")
    check(world and 'href="/category/world/"' in s.get("/").text,
          "a section with a published article stays in the navigation")


# ---------------------------------------------------------------- migration 11

def migration():
    """A database from before migration 11 (made here by taking the
    migration back), holding a contributor's article with raw HTML saved as
    trusted, an editor's, and one the command line imported: opening it
    records who last changed each body and renders them all again."""
    import sqlite3
    d = tempfile.mkdtemp(prefix="byline-trust-mig-")
    db = os.path.join(d, "site.db")
    try:
        run_cli("settings", "--db", db, "list")
        for email, name, role in (("c@example.com", "Cora Contrib", "contributor"),
                                  ("e@example.com", "Eli Editor", "editor")):
            run_cli("user", "--db", db, "add", "--email", email, "--name", name, "--role", role)
        con = sqlite3.connect(db)
        uid = dict(con.execute("SELECT role, id FROM users").fetchall())
        now = int(time.time())
        bodies = {}
        for key, role, with_rev in (("contrib", "contributor", True), ("editor", "editor", True),
                                    ("import", "editor", False)):
            src = PAYLOAD
            cur = con.execute(
                "INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
                " created_at, updated_at, author_id) VALUES (?, ?, ?, ?, 'published', ?, ?, ?, ?)",
                ("mig-" + key, "Migrated " + key, src, '<meta http-equiv="refresh" content="0">',
                 now, now, now, uid[role]))
            aid = cur.lastrowid
            if with_rev:
                # An older revision by someone else, then the body's writer's.
                for who, body in ((uid["editor"] if role != "editor" else uid["contributor"],
                                   "An older body."), (uid[role], src)):
                    con.execute("INSERT INTO revisions(article_id, user_id, created_at, headline,"
                                " slug, dek, body_src, status, tags, featured_alt) VALUES"
                                " (?, ?, ?, 'h', 's', '', ?, 'published', '', '')",
                                (aid, who, now, body))
            bodies[key] = aid
        # An editor saved the contributor's body again unchanged: still the
        # contributor's.
        con.execute("INSERT INTO revisions(article_id, user_id, created_at, headline, slug, dek,"
                    " body_src, status, tags, featured_alt) VALUES (?, ?, ?, 'h', 's', '', ?,"
                    " 'published', '', '')", (bodies["contrib"], uid["editor"], now, PAYLOAD))
        # Back to version 10: every later migration is undone here, newest
        # first (a new migration adds its undo at the top of this script).
        con.executescript(# 35: the CDN purge queue.
                          "DROP TRIGGER tags_upd_cdn;"
                          "DROP TRIGGER changes_cdn;"
                          "DROP TABLE cdn_purges;"
                          "DROP TABLE gates;"
                          # 32: webhook pause, webmention verdicts.
                          "ALTER TABLE webmentions_in DROP COLUMN http_status;"
                          "ALTER TABLE webmentions_in DROP COLUMN verdict;"
                          "DROP TRIGGER webhook_events_ins;"
                          "ALTER TABLE webhooks DROP COLUMN paused_at;"
                          # 31: comments on pages (the table rebuilt as
                          # before, without page_id), autosaves of pages.
                          "DROP INDEX comments_page_threads; DROP INDEX comments_page_body;"
                          "DELETE FROM comments WHERE page_id IS NOT NULL;"
                          "CREATE TABLE comments_old(id INTEGER PRIMARY KEY,"
                          " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
                          " parent_id INTEGER REFERENCES comments_old(id) ON DELETE CASCADE,"
                          " author_name TEXT NOT NULL, author_email TEXT NOT NULL,"
                          " author_url TEXT NOT NULL DEFAULT '', body TEXT NOT NULL,"
                          " body_html TEXT NOT NULL, ip TEXT NOT NULL DEFAULT '',"
                          " user_agent TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT"
                          " 'pending' CHECK (status IN ('pending','approved','spam','trash')),"
                          " created_at INTEGER NOT NULL,"
                          " user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
                          " edited_at INTEGER, spam_score REAL, spam_reason TEXT NOT NULL"
                          " DEFAULT '', ip_net TEXT NOT NULL DEFAULT '', body_hash INTEGER,"
                          " body_html_version INTEGER NOT NULL DEFAULT 0,"
                          " kind TEXT NOT NULL DEFAULT '');"
                          "INSERT INTO comments_old SELECT id, article_id, parent_id, author_name,"
                          " author_email, author_url, body, body_html, ip, user_agent, status,"
                          " created_at, user_id, edited_at, spam_score, spam_reason, ip_net,"
                          " body_hash, body_html_version, kind FROM comments;"
                          "DROP TABLE comments; ALTER TABLE comments_old RENAME TO comments;"
                          "CREATE INDEX comments_article ON comments(article_id, status, created_at);"
                          "CREATE INDEX comments_ip ON comments(ip, created_at);"
                          "CREATE INDEX comments_author ON comments(author_email, author_name, status);"
                          "CREATE INDEX comments_status ON comments(status, created_at);"
                          "CREATE INDEX comments_parent ON comments(parent_id);"
                          "CREATE INDEX comments_threads ON comments(article_id, parent_id, status,"
                          " created_at);"
                          "CREATE INDEX comments_ip_net ON comments(ip_net, created_at);"
                          "CREATE INDEX comments_body ON comments(article_id, body_hash);"
                          "CREATE INDEX comments_html_version ON comments(body_html_version);"
                          "CREATE TRIGGER comments_ins AFTER INSERT ON comments WHEN"
                          " NEW.status = 'approved' BEGIN INSERT INTO changes(kind, id)"
                          " VALUES ('comments', NEW.article_id); END;"
                          "CREATE TRIGGER comments_upd AFTER UPDATE ON comments BEGIN"
                          " INSERT INTO changes(kind, id) VALUES ('comments', NEW.article_id); END;"
                          "CREATE TRIGGER comments_del AFTER DELETE ON comments BEGIN"
                          " INSERT INTO changes(kind, id) VALUES ('comments', OLD.article_id); END;"
                          "CREATE TRIGGER webhook_comment_ins AFTER INSERT ON comments BEGIN"
                          " SELECT 1; END;"
                          "CREATE TRIGGER webhook_comment_upd AFTER UPDATE OF status ON comments"
                          " BEGIN SELECT 1; END;"
                          "ALTER TABLE autosaves DROP COLUMN is_page;"
                          "DROP TABLE reset_requests; ALTER TABLE users DROP COLUMN suspended_at;"
                          "DROP INDEX media_normalize_todo;"
                          "ALTER TABLE media DROP COLUMN normalized;"
                          "DROP TABLE app_passwords;"
                          "DROP INDEX pages_trashed; ALTER TABLE pages DROP COLUMN trashed_status;"
                          "ALTER TABLE pages DROP COLUMN trashed_at;"
                          "DROP TABLE embeds;"
                          "DROP TRIGGER webmention_send_ins; DROP TRIGGER webmention_send_upd;"
                          "DROP TABLE webmentions_out; DROP TABLE webmentions_in;"
                          "ALTER TABLE comments DROP COLUMN kind;"
                          "DROP TRIGGER webhook_article_ins; DROP TRIGGER webhook_article_upd;"
                          "DROP TRIGGER webhook_article_del; DROP TRIGGER webhook_comment_ins;"
                          "DROP TRIGGER webhook_comment_upd; DROP TRIGGER webhook_page_ins;"
                          "DROP TRIGGER webhook_page_upd; DROP TRIGGER webhook_page_del;"
                          "DROP TABLE webhook_events; DROP TABLE webhook_attempts;"
                          "DROP TABLE webhook_deliveries;"
                          "DROP TABLE webhooks;"
                          "DROP TABLE menu_items; DROP TRIGGER sections_del; DROP TRIGGER tags_del;"
                          "ALTER TABLE sections DROP COLUMN position;"
                          "DROP INDEX articles_trashed;"
                          "ALTER TABLE articles DROP COLUMN trashed_status;"
                          "ALTER TABLE articles DROP COLUMN trashed_at;"
                          "DROP TRIGGER articles_owner_ins; DROP TRIGGER articles_owner_upd;"
                          "DROP TRIGGER articles_material; DROP TABLE article_authors;"
                          "DROP TABLE article_notes;"
                          "ALTER TABLE articles DROP COLUMN modified_at;"
                          "DROP TRIGGER changes_hold; DROP TABLE changes_held;"
                          "DROP TABLE autosaves;"
                          "DROP INDEX articles_featured;"
                          "DROP TRIGGER articles_sticky; DROP INDEX articles_sticky_pub;"
                          "DROP TABLE front_picks; DROP TABLE site_icons;"
                          "DROP TABLE media_variants; DROP INDEX media_variants_todo;"
                          "ALTER TABLE media DROP COLUMN variants_at;"
                          "DROP TABLE site_words; DROP TABLE article_findings;"
                          "ALTER TABLE media DROP COLUMN alt;"
                          "ALTER TABLE media DROP COLUMN copyright;"
                          "ALTER TABLE media DROP COLUMN credit;"
                          "ALTER TABLE media DROP COLUMN caption;"
                          "ALTER TABLE media DROP COLUMN title;"
                          "ALTER TABLE media DROP COLUMN original_name;"
                          "DROP TABLE wp_import_map;"
                          "DROP TABLE redirects; DROP TABLE page_revisions; DROP TABLE pages;"
                          "ALTER TABLE articles DROP COLUMN is_private;"
                          "ALTER TABLE articles DROP COLUMN is_sticky;"
                          "DROP INDEX comments_html_version;"
                          "ALTER TABLE comments DROP COLUMN body_html_version;"
                          "DROP INDEX articles_html_version;"
                          "ALTER TABLE articles DROP COLUMN body_html_version;"
                          "ALTER TABLE articles DROP COLUMN body_role;"
                          "PRAGMA user_version = 10;")
        # A thread at version 10: migration 31 rebuilds the comments table
        # and must keep its rows, ids and replies.
        top = con.execute("INSERT INTO comments(article_id, author_name, author_email, body,"
                          " body_html, status, created_at) VALUES (?, 'Rita', 'r@example.org',"
                          " 'Kept.', '', 'approved', ?)", (aid, now)).lastrowid
        reply = con.execute("INSERT INTO comments(article_id, parent_id, author_name,"
                            " author_email, body, body_html, status, created_at) VALUES"
                            " (?, ?, 'Otto', 'o@example.org', 'Kept too.', '', 'pending', ?)",
                            (aid, top, now)).lastrowid
        con.commit()
        con.close()
        run_cli("settings", "--db", db, "list")
        con = sqlite3.connect(db)
        got = {k: con.execute("SELECT body_role, body_html_version, body_html FROM articles"
                              " WHERE id = ?", (aid,)).fetchone() for k, aid in bodies.items()}
        version = con.execute("PRAGMA user_version").fetchone()[0]
        thread = con.execute("SELECT id, article_id, page_id, parent_id, body, status FROM comments"
                             " WHERE id IN (?, ?) ORDER BY id", (top, reply)).fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        con.close()
        check(thread == [(top, aid, None, None, "Kept.", "approved"),
                         (reply, aid, None, top, "Kept too.", "pending")],
              "migration 31: comments kept with their ids, article and replies", thread)
        check(fk == [], "migration 31: no foreign key broken", fk)
        check(version >= 11, "migration 11 applied", version)
        want = {"contrib": "contributor", "editor": "editor", "import": "administrator"}
        for k, (role, ver, html) in got.items():
            check(role == want[k], "migration 11: %s body recorded as %s's" % (k, want[k]), role)
            check(ver == markdown_version() and "<b>kept bold</b>" in html,
                  "migration 11: %s body rendered again" % k, (ver, html[:100]))
        check(not hostile(got["contrib"][2]),
              "migration 11: the contributor's stored raw HTML is neutralised",
              hostile(got["contrib"][2]))
        check('http-equiv="refresh"' in got["editor"][2],
              "migration 11: the editor's raw HTML is kept")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def rerender():
    """Bodies stored by another renderer version are rendered again when the
    database is next opened, each with its writer's rights (what migration()
    ends on, on either engine: PostgreSQL's schema starts at version 33, so
    no site there is from before migration 11)."""
    from test_wordpress import Site
    d = tempfile.mkdtemp(prefix="byline-trust-rerender-")
    site = Site(d)
    try:
        for email, name, role in (("c@example.com", "Cora Contrib", "contributor"),
                                  ("e@example.com", "Eli Editor", "editor")):
            run_cli("user", "--db", site.db, "add", "--email", email, "--name", name, "--role",
                    role)
        uid = dict(site.sql("SELECT role, id FROM users"))
        now = int(time.time())
        ids = {}
        for key, role in (("contrib", "contributor"), ("editor", "editor")):
            site.sql("INSERT INTO articles(slug, headline, body_src, body_html, status,"
                     " published_at, created_at, updated_at, author_id, body_role,"
                     " body_html_version) VALUES (?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, 0)",
                     "old-" + key, "Old " + key, PAYLOAD, '<meta http-equiv="refresh" content="0">',
                     now, now, now, uid[role], role)
            ids[key] = site.sql("SELECT id FROM articles WHERE slug = ?", "old-" + key)[0][0]
        run_cli("settings", "--db", site.db, "list")
        got = {k: site.sql("SELECT body_role, body_html_version, body_html FROM articles"
                           " WHERE id = ?", aid)[0] for k, aid in ids.items()}
        for k, (role, ver, html) in got.items():
            check(ver == markdown_version() and "<b>kept bold</b>" in html,
                  "stored HTML of another version: %s body rendered again at open" % k,
                  (ver, html[:100]))
        check(not hostile(got["contrib"][2]),
              "rendered again: the contributor's raw HTML is neutralised",
              hostile(got["contrib"][2]))
        check('http-equiv="refresh"' in got["editor"][2],
              "rendered again: the editor's raw HTML is kept")
    finally:
        site.drop()
        shutil.rmtree(d, ignore_errors=True)


def main():
    if ENGINE == "sqlite":
        migration()
    else:
        skip("migration 11 and 31", "SQLite only: they undo SQLite's own migrations 11 to 35;"
             " PostgreSQL's schema starts at version 33 (rerender() checks what holds there)")
    rerender()
    folder = tempfile.mkdtemp(prefix="byline-trust-import-")
    write_article(folder, "seed.md", title="An imported article", author="Imported Writer",
                  date="2024-06-12 10:15", section="World", body="Imported <em>raw</em>.\n")

    def seed(srv):
        run_cli("import-markdown", "--db", srv.db, folder)
    s = Server(settings={"timezone": ZONE_NAME}, before=seed)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        got = try_sql(s, "SELECT body_role, body_html_version FROM articles")
        check(got == [("administrator", markdown_version())],
              "an imported article is the operator's (administrator), current version", got)
        people = people_on(s)
        raw_html(s, people)
        desk_list(s, people)
        navigation(s, people)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
