"""`byline import-wordpress`: a WordPress export (WXR) of our own made-up
site, imported into a fresh database, then read back through the public
site: every published article at its old URL with its headline, byline,
date, section, tags and comment threads; nothing unpublished reachable from
any public URL, feed, sitemap or search; the old address forms redirected;
a second run changes nothing, a later export only what changed; --dry-run
writes nothing; hostile and malformed files refused with their line and
column and nothing written; memory flat on a generated 20,000-item file."""
import os
import re
import resource
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BYLINE, Server, check, done, run_cli, site_db, site_dir,  # noqa: E402
                     site_drop, skip, PG)
from typeset import typeset  # noqa: E402

SANITIZED = os.environ.get("BYLINE_SANITIZED") == "1"
OLD = "https://old.example.org"
NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')


def cdata(s):
    """s as CDATA, a ']]>' inside split across two sections as WordPress does."""
    return "<![CDATA[" + str(s).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def png(w=2, h=2, rgb=(200, 30, 30)):
    """A small valid PNG."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def comment(cid, author, content, approved="1", parent=0, ctype="", email=None,
            date="2024-03-06 09:00:00", user_id=0):
    email = email if email is not None else "%s@readers.example.net" % author.split()[0].lower()
    return ("<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>%s</wp:comment_author>"
            "<wp:comment_author_email>%s</wp:comment_author_email>"
            "<wp:comment_author_url>https://readers.example.net/</wp:comment_author_url>"
            "<wp:comment_author_IP>192.0.2.%d</wp:comment_author_IP>"
            "<wp:comment_date>%s</wp:comment_date><wp:comment_date_gmt>%s</wp:comment_date_gmt>"
            "<wp:comment_content>%s</wp:comment_content><wp:comment_approved>%s</wp:comment_approved>"
            "<wp:comment_type>%s</wp:comment_type><wp:comment_parent>%d</wp:comment_parent>"
            "<wp:comment_user_id>%d</wp:comment_user_id></wp:comment>\n"
            % (cid, cdata(author), email, cid % 250, date, date, cdata(content), approved, ctype,
               parent, user_id))


def item(pid, title, slug, status="publish", ptype="post", creator="zoe", content="",
         date="2024-03-05 10:30:00", gmt="2024-03-05 09:30:00", link=None, cats=(), tags=(),
         comments="", password="", sticky=0, comment_status="open", parent=0, meta=(),
         attachment_url=""):
    if link is None:
        link = "%s/%s/%s/" % (OLD, date[:10].replace("-", "/"), slug) if ptype == "post" \
            else "%s/%s/" % (OLD, slug)
    terms = "".join('<category domain="category" nicename="%s">%s</category>' % (c, cdata(n))
                    for c, n in cats)
    terms += "".join('<category domain="post_tag" nicename="%s">%s</category>' % (t, cdata(n))
                     for t, n in tags)
    metas = "".join("<wp:postmeta><wp:meta_key>%s</wp:meta_key><wp:meta_value>%s</wp:meta_value>"
                    "</wp:postmeta>" % (k, cdata(v)) for k, v in meta)
    return ("<item><title>%s</title><link>%s</link><dc:creator>%s</dc:creator>"
            "<guid isPermaLink=\"false\">%s/?p=%d</guid><content:encoded>%s</content:encoded>"
            "<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>%d</wp:post_id>"
            "<wp:post_date>%s</wp:post_date><wp:post_date_gmt>%s</wp:post_date_gmt>"
            "<wp:comment_status>%s</wp:comment_status><wp:post_name>%s</wp:post_name>"
            "<wp:status>%s</wp:status><wp:post_parent>%d</wp:post_parent>"
            "<wp:post_type>%s</wp:post_type><wp:post_password>%s</wp:post_password>"
            "<wp:is_sticky>%d</wp:is_sticky><wp:attachment_url>%s</wp:attachment_url>"
            "%s%s\n%s</item>\n"
            % (cdata(title), link, cdata(creator), OLD, pid, cdata(content), pid, date, gmt,
               comment_status, slug, status, parent, ptype, cdata(password), sticky,
               attachment_url, terms, metas, comments))


def export(items, extra_head=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" %s>\n<channel>\n'
            "<title>The Harbour Gazette</title><link>%s</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>%s</wp:base_site_url><wp:base_blog_url>%s</wp:base_blog_url>\n"
            "<wp:author><wp:author_id>2</wp:author_id><wp:author_login>zoe</wp:author_login>"
            "<wp:author_email>zoe@gazette.example.org</wp:author_email>"
            "<wp:author_display_name>%s</wp:author_display_name></wp:author>\n"
            "<wp:author><wp:author_id>3</wp:author_id><wp:author_login>liming</wp:author_login>"
            "<wp:author_email>li@gazette.example.org</wp:author_email>"
            "<wp:author_display_name>%s</wp:author_display_name></wp:author>\n"
            "<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>"
            "<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name>"
            "<wp:category_description>All the news</wp:category_description></wp:category>\n"
            "<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>harbour</wp:category_nicename>"
            "<wp:category_parent>news</wp:category_parent><wp:cat_name>Harbour &amp;amp; Quays</wp:cat_name>"
            "<wp:category_description>Boats and quays</wp:category_description></wp:category>\n"
            "<wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>%%e6%%b8%%af</wp:tag_slug>"
            "<wp:tag_name>%s</wp:tag_name></wp:tag>\n"
            "<wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>boats</wp:tag_slug>"
            "<wp:tag_name>Boats</wp:tag_name></wp:tag>\n%s%s</channel>\n</rss>\n"
            % (NS, OLD, OLD, OLD, cdata("Zoë Ångström-Núñez"), cdata("李明"), cdata("港"),
               extra_head, "".join(items)))


BODY = ("<!-- wp:paragraph -->\n<p>The harbour reopened 🇫🇷 👩‍👩‍👧 — שלום 日本語 &amp; more ]]> here.</p>\n"
        "<!-- /wp:paragraph -->\n\n<!--more-->\n\nSecond paragraph\nwith a break.\n\n"
        "[caption id=\"attachment_40\" width=\"2\"]<img src=\"" + OLD +
        "/wp-content/uploads/2024/03/boat.png\" alt=\"A red boat\" /> The boat at dawn[/caption]\n\n"
        "[gallery ids=\"40\"]\n\nhttps://video.example.net/watch/42\n\n"
        "[contact-form-7 id=\"9\"]\n\nSee <a href=\"" + OLD + "/2024/03/04/earlier-story/\">before</a>.")

THREAD = (comment(100, "Ann Reader", "Top comment") +
          comment(101, "Bob Reply", "A reply to Ann", parent=100) +
          comment(102, "Cy Deeper", "Reply to the reply", parent=101) +
          comment(103, "Held Person", "Held-comment-text", approved="0") +
          comment(104, "Spam Bot", "Spam-comment-text", approved="spam") +
          comment(105, "Trashy", "Trash-comment-text", approved="trash") +
          comment(106, "Other Blog", "Pingback-text", ctype="pingback") +
          comment(107, "Zoë", "The author answers", parent=100, user_id=2,
                  email="zoe@gazette.example.org"))


def site_items():
    cats = [("harbour", "Harbour")]
    tags = [("%e6%b8%af", "港"), ("boats", "Boats")]
    return [
        item(40, "boat", "boat", status="inherit", ptype="attachment",
             attachment_url=OLD + "/wp-content/uploads/2024/03/boat.png",
             meta=[("_wp_attached_file", "2024/03/boat.png"),
                   ("_wp_attachment_image_alt", "A red boat")]),
        item(10, "Harbour reopens", "harbour-reopens", content=BODY, cats=cats, tags=tags,
             comments=THREAD, sticky=1, meta=[("_thumbnail_id", "40")]),
        item(11, "Earlier story", "earlier-story", date="2024-03-04 08:00:00",
             gmt="2024-03-04 07:00:00", creator="liming", cats=[("news", "News")],
             comment_status="closed", comments=comment(110, "Dee Old", "Old comment shown")),
        # Two posts with the same title: WordPress gave them distinct slugs.
        item(12, "Same title", "same-title", date="2024-02-01 09:00:00", gmt="2024-02-01 08:00:00"),
        item(13, "Same title", "same-title-2", date="2024-02-02 09:00:00",
             gmt="2024-02-02 08:00:00"),
        # Late evening local time, the next day in no zone but the old site's.
        item(14, "Midnight story", "midnight-story", date="2024-03-10 00:30:00",
             gmt="2024-03-09 23:30:00"),
        # A slug Byline does not take (non-ASCII): the old address answers 301.
        item(16, "Café au lait", "caf%c3%a9-au-lait", date="2024-03-11 10:00:00",
             gmt="2024-03-11 09:00:00"),
        item(17, "「港」", "%e3%80%8c%e6%b8%af%e3%80%8d", date="2024-03-12 10:00:00",
             gmt="2024-03-12 09:00:00"),
        item(18, "Party 🎉", "party-%f0%9f%8e%89%e2%80%8b", date="2024-03-13 10:00:00",
             gmt="2024-03-13 09:00:00"),
        item(20, "Draft-secret-headline", "", status="draft", gmt="0000-00-00 00:00:00",
             content="draft-secret-body"),
        item(21, "Pending-secret-headline", "", status="pending", gmt="0000-00-00 00:00:00"),
        item(22, "Future-secret-headline", "future-secret", status="future",
             date="2099-01-01 10:00:00", gmt="2099-01-01 09:00:00"),
        item(23, "Private-secret-headline", "private-secret", status="private",
             content="private-secret-body"),
        item(24, "Password-secret-headline", "password-secret", password="hunter2",
             content="password-secret-body"),
        item(25, "Trashed-secret-headline", "trashed-secret", status="trash"),
        item(30, "About us", "about-us", ptype="page", content="We are a paper."),
        item(31, "Corrections policy", "corrections-policy", ptype="page", parent=30,
             content="We correct.", link=OLD + "/about-us/corrections-policy/"),
        item(50, "Main menu", "main-menu", ptype="nav_menu_item", status="publish"),
    ]


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def uploads_dir(folder):
    up = os.path.join(folder, "uploads", "2024", "03")
    os.makedirs(up, exist_ok=True)
    with open(os.path.join(up, "boat.png"), "wb") as f:
        f.write(png())
    return os.path.join(folder, "uploads")


TABLES = ["users", "sections", "tags", "articles", "article_tags", "comments", "media",
          "pages", "redirects", "wp_import_map", "revisions", "commenters"]


def wait_for_variants(s):
    """The server makes each image's variants in the background and marks
    its media row when done: a comparison of tables waits for that."""
    deadline = time.time() + 120
    while s.sql("SELECT count(*) FROM media WHERE variants_at = 0")[0][0] and \
            time.time() < deadline:
        time.sleep(0.2)


def dump(s):
    out = {}
    for t in TABLES:
        out[t] = sorted(repr(r) for r in s.sql("SELECT * FROM %s" % t))
    return out


def run_import(db, path, *extra):
    p = subprocess.run([BYLINE, "import-wordpress", "--db", db, path] + list(extra),
                       capture_output=True, text=True, timeout=600, cwd=site_dir(["--db", db]))
    return p.returncode, p.stdout, p.stderr


class Site(Server):
    """A new, empty site in folder with no server (harness.site_db: an
    SQLite file there, or a database in the PostgreSQL cluster): its db,
    sql() as a Server's, and drop() when done."""

    def __init__(self, folder):  # no server: Server.__init__ is not called
        self.dir = folder
        self.db = site_db(folder)
        self._pg = None
        run_cli("settings", "--db", self.db, "list")

    def drop(self):
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        site_drop(self.db)


def import_site():
    tmp = tempfile.mkdtemp(prefix="byline-wxr-")
    path = write(tmp, "site.xml", export(site_items()))
    up = uploads_dir(tmp)
    result = {}

    def before(s):
        result["run"] = run_import(s.db, path, "--uploads", up)

    s = Server(settings={"timezone": "Europe/Paris", "comment_min_seconds": 0}, before=before)
    try:
        rc, out, err = result["run"]
        check(rc == 0, "wxr_import_site: exit 0", err[-2000:])
        check("posts        13 new, 0 updated, 0 unchanged, 1 skipped" in out,
              "wxr_import_site: posts of every status counted, trash skipped", out)
        check(re.search(r"posts by status: 8 published, 1 draft, 1 pending, 1 scheduled, "
                        r"1 private, 1 password-protected", out), "wxr_report_statuses", out)
        check(re.search(r"comments by status: 6 approved, 1 pending, 1 spam, 1 trash "
                        r"\(1 pingbacks", out), "wxr_report_comment_statuses", out)
        check("[contact-form-7]" in out, "wxr_report_lists_unknown_shortcodes", out)
        check("nav_menu_item" in out and "skipped" in out, "wxr_report_skipped_menu_item", out)
        check("Trashed-secret-headline" in out, "wxr_report_skipped_trash", out)
        check("password-protected: imported as private" in out, "wxr_report_password_private",
              out)
        check("items/s" in err, "wxr_progress_on_stderr", err[-500:])

        # The article at its old URL, with everything WordPress showed.
        r = s.get("/2024/03/05/harbour-reopens/")
        check(r.status == 200, "wxr_old_url_kept", r.status)
        t = r.text
        check("Harbour reopens" in t, "wxr_headline")
        check("Zoë Ångström-Núñez" in t, "wxr_byline_exactly_as_written")
        check('datetime="2024-03-05T' in t, "wxr_date", re.findall(r'datetime="[^"]*"', t)[:3])
        check(">Harbour &amp; Quays<" in t, "wxr_section (its name's entities decoded once)")
        check("港" in t and "Boats" in t, "wxr_tags_any_script")
        check("🇫🇷 👩‍👩‍👧 — שלום 日本語 &amp; more ]]&gt; here." in t, "wxr_text_byte_for_byte")
        check("wp:paragraph" not in t and "more--" not in t, "wxr_block_comments_invisible")
        check("<p>Second paragraph<br>\nwith a break.</p>" in t, "wxr_wpautop", t[:3000])
        check(re.search(r'<figure><img src="/media/[0-9a-f]{64}\.png" alt="A red boat"\s*/?>'
                        r'<figcaption>The boat at dawn</figcaption></figure>', t),
              "wxr_caption_figure_media_url")
        check(t.count('alt="A red boat"') >= 2, "wxr_gallery_images")
        check('<a href="https://video.example.net/watch/42">' in t, "wxr_bare_url_link")
        check('[contact-form-7 id=&quot;9&quot;]' in t or '[contact-form-7 id="9"]' in t,
              "wxr_unknown_shortcode_visible")
        check('href="/2024/03/04/earlier-story/"' in t, "wxr_old_links_relative")
        check(OLD not in t, "wxr_no_old_site_address_left")
        # Comments: the thread, any depth; only the approved.
        check("Top comment" in t and "A reply to Ann" in t and "Reply to the reply" in t,
              "wxr_comment_thread")
        check(re.search(r'class="comment depth-3[^"]*">.*?Reply to the reply', t, re.S),
              "wxr_comment_depth_3")
        check("Pingback-text" in t, "wxr_pingback_kept")
        check(re.search(r'Zoë</a></b> <span class="badge">Author</span>', t) or
              re.search(r'Zoë</b> <span class="badge">Author</span>', t),
              "wxr_staff_reply_is_the_author's")
        for bad in ("Held-comment-text", "Spam-comment-text", "Trash-comment-text"):
            check(bad not in t, "wxr_unapproved_comment_hidden " + bad)
        st = dict(s.sql("SELECT body, status FROM comments"))
        check(st.get("Held-comment-text") == "pending" and st.get("Spam-comment-text") == "spam"
              and st.get("Trash-comment-text") == "trash", "wxr_comment_statuses", st)
        known = s.sql("SELECT verdict FROM commenters WHERE email='ann@readers.example.net'")
        check(known == [("good",)], "wxr_commenter_known_good", known)
        # Featured image, sticky.
        row = s.sql("SELECT featured_media_id IS NOT NULL, is_sticky FROM articles "
                    "WHERE slug='harbour-reopens'")
        check(row == [(1, 1)], "wxr_featured_and_sticky", row)
        # comments closed, existing still shown
        r = s.get("/2024/03/04/earlier-story/")
        check(r.status == 200 and "Old comment shown" in r.text, "wxr_closed_comments_shown")
        check(s.sql("SELECT comments_open FROM articles WHERE slug='earlier-story'") == [(0,)],
              "wxr_comment_status_closed")
        check("李明" in r.text, "wxr_cjk_byline")
        # Same titles: both at their own URLs.
        check(s.get("/2024/02/01/same-title/").status == 200 and
              s.get("/2024/02/02/same-title-2/").status == 200, "wxr_same_title_two_urls")
        r = s.get("/2024/03/11/caf%c3%a9-au-lait/")
        check(r.status == 200 and "Café au lait" in r.text, "wxr_non_ascii_slug_kept",
              r.status)
        r = s.get("/2024/03/12/%e3%80%8c%e6%b8%af%e3%80%8d/")
        check(r.status == 200, "wxr_cjk_slug_kept", r.status)
        check("is now /2024/03/11/" not in out and "is now /2024/03/12/" not in out,
              "wxr_kept_addresses_not_reported_as_changed", out)
        # One Byline does not take (a zero-width space pasted in): one 301.
        r = s.get("/2024/03/13/party-%f0%9f%8e%89%e2%80%8b/")
        loc = r.header("Location") or ""
        check(r.status == 301 and "/2024/03/13/party/" in loc, "wxr_unusable_slug_redirects",
              (r.status, loc))
        if r.status == 301:
            check(s.get(urllib.parse.urlsplit(loc).path).status == 200,
                  "wxr_unusable_slug_redirects: to the article")
        # The site's time zone is the old site's: the date across midnight kept.
        check(s.get("/2024/03/10/midnight-story/").status == 200, "wxr_local_date_in_url")
        # Sections nested with descriptions; staff accounts without passwords.
        sec = s.sql("SELECT c.slug, p.slug, c.description FROM sections c "
                    "JOIN sections p ON p.id = c.parent_id")
        check(("harbour", "news", "Boats and quays") in sec, "wxr_sections_nested", sec)
        users = s.sql("SELECT display_name, role, password_hash IS NULL FROM users ORDER BY id")
        check(("Zoë Ångström-Núñez", "author", 1) in users and ("李明", "author", 1) in users,
              "wxr_authors_staff_without_password", users)
        # Pages at their paths.
        check(s.get("/about-us/").status == 200 and "We are a paper." in s.get("/about-us/").text,
              "wxr_page")
        r = s.get("/about-us/corrections-policy/")
        check(r.status == 200 and "We correct." in r.text, "wxr_child_page")

        # Redirects: one hop to the article.
        for old, new in [("/?p=10", "/2024/03/05/harbour-reopens/"),
                         ("/archives/10", "/2024/03/05/harbour-reopens/"),
                         ("/?page_id=31", "/about-us/corrections-policy/"),
                         ("/?cat=4", "/category/harbour/"),
                         ("/?tag=boats", "/tag/boats/"),
                         ("/?author=2", "/author/zoe/")]:
            r = s.get(old)
            loc = r.header("Location") or ""
            check(r.status == 301 and loc.endswith(new), "wxr_redirect " + old, (r.status, loc))

        # Nothing unpublished anywhere public.
        secrets = ["Draft-secret-headline", "Pending-secret-headline", "Future-secret-headline",
                   "Private-secret-headline", "Password-secret-headline",
                   "Trashed-secret-headline", "draft-secret-body",
                   "private-secret-body", "password-secret-body", "hunter2"]
        pages = ["/", "/feed/", "/feed/atom", "/sitemap.xml", "/sitemap-articles-1.xml",
                 "/sitemap-news.xml", "/category/news/", "/category/harbour/", "/tag/boats/",
                 "/author/zoe/", "/author/zoe/feed/", "/comments/feed/",
                 "/search/?q=secret", "/search/?q=Draft", "/?p=20", "/?p=23", "/?p=24",
                 "/2024/03/05/private-secret/", "/2024/03/05/password-secret/",
                 "/2099/01/01/future-secret/", "/archives/23"]
        for p in pages:
            r = s.get(p)
            if r.status in (301, 302, 303):
                loc = r.header("Location") or ""
                check(not any(x in loc for x in ("secret",)), "wxr_no_redirect_to_unpublished "
                      + p, loc)
            leaked = [x for x in secrets if x.lower() in r.text.lower()]
            check(not leaked, "wxr_unpublished_not_public " + p, leaked)
        for slug in ("private-secret", "password-secret", "future-secret"):
            st = s.sql("SELECT status, is_private FROM articles WHERE slug=?", slug)
            check(st and st[0] != ("published", 0), "wxr_unpublished_status " + slug, st)

        # wxr_rerun_changes_nothing
        wait_for_variants(s)
        before_dump = dump(s)
        rc, out, err = run_import(s.db, path, "--uploads", up)
        check(rc == 0 and " 0 new, 0 updated" in out and "posts        0 new, 0 updated, 13 "
              "unchanged, 1 skipped" in out, "wxr_rerun_reports_unchanged", out)
        check(dump(s) == before_dump, "wxr_rerun_changes_nothing",
              [t for t in TABLES if dump(s)[t] != before_dump[t]])

        # wxr_later_export_adds_and_updates: one headline changed, one post new.
        items = site_items()
        items[1] = items[1].replace("<title><![CDATA[Harbour reopens]]>",
                                    "<title><![CDATA[Harbour reopens at last]]>")
        items.append(item(15, "A new story", "a-new-story", date="2024-04-01 10:00:00",
                          gmt="2024-04-01 08:00:00"))
        path2 = write(tmp, "site2.xml", export(items))
        rc, out, err = run_import(s.db, path2, "--uploads", up)
        check(rc == 0 and "posts        1 new, 1 updated, 12 unchanged" in out,
              "wxr_later_export_adds_and_updates", out)
        check(s.sql("SELECT headline FROM articles WHERE slug='harbour-reopens'") ==
              [("Harbour reopens at last",)], "wxr_update_applied")
        check(s.get("/2024/04/01/a-new-story/").status == 200, "wxr_new_post_added")
        editor_round_trip(s, "harbour-reopens")
    finally:
        s.stop()


class _Form(HTMLParser):
    """The fields a browser would send from the page's first form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._ta, self._sel, self._opt = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self._ta = [a["name"], ""]
            self.fields.append(self._ta)
        elif tag == "select":
            self._sel = [a["name"], None]
        elif tag == "option" and self._sel is not None:
            if self._sel[1] is None or "selected" in a:
                self._sel[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._ta = None
        elif tag == "select" and self._sel:
            self.fields.append([self._sel[0], self._sel[1] or ""])
            self._sel = None

    def handle_data(self, data):
        if self._ta is not None:
            self._ta[1] += data


def editor_round_trip(s, slug):
    """wxr_opens_in_editor_and_saves_without_loss: an administrator opens the
    imported article in the desk and saves it as it is: body_src and
    body_html unchanged, byte for byte."""
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "boss@example.org",
                           "--name", "Boss", "--role", "administrator")
    token = re.search(r"/admin/password\?token=(\S+)", out).group(1)
    pw = "a long enough passphrase"
    s.post("/admin/password", {"token": token, "password": pw, "password2": pw},
           headers={"Origin": s.base})
    r = s.post("/admin/login", {"email": "boss@example.org", "password": pw},
               headers={"Origin": s.base})
    cookie = [c.split(";")[0] for c in r.headers_all("Set-Cookie")
              if c.startswith("byline_session=")]
    if not check(r.status == 303 and cookie, "wxr_editor: signed in", r.status):
        return
    aid, src, html = s.sql("SELECT id, body_src, body_html FROM articles WHERE slug=?", slug)[0]
    page = s.get("/admin/articles/%d/" % aid, headers={"Cookie": cookie[0]})
    f = _Form()
    f.feed(page.text)
    fields = dict(f.fields)
    check(fields.get("body") == src, "wxr_editor: the body opens as stored")
    f.fields.append(["action", "save"])
    body = urllib.parse.urlencode([tuple(x) for x in f.fields]).encode()
    r = s.request("POST", "/admin/articles/%d/" % aid, body=body,
                  headers={"Cookie": cookie[0], "Origin": s.base,
                           "Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 303, "wxr_editor: saved", (r.status, r.text[:500]))
    after = s.sql("SELECT body_src, body_html FROM articles WHERE id=?", aid)[0]
    check(after == (src, html), "wxr_opens_in_editor_and_saves_without_loss",
          (after[1][:300], html[:300]))


def dry_run():
    tmp = tempfile.mkdtemp(prefix="byline-wxr-")
    path = write(tmp, "site.xml", export(site_items()))
    site = Site(tmp)
    rc, out, err = run_import(site.db, path, "--dry-run")
    check(rc == 0 and out.startswith("Would import"), "wxr_dry_run_reports", out)
    check("posts        13 new, 0 updated, 0 unchanged, 1 skipped" in out, "wxr_dry_run_counts",
          out)
    counts = {t: site.sql("SELECT count(*) FROM %s" % t)[0][0]
              for t in ("users", "articles", "comments", "sections", "tags", "pages",
                        "redirects", "wp_import_map")}
    site.drop()
    check(all(v == 0 for v in counts.values()), "wxr_dry_run_writes_nothing", counts)


HOSTILE = {
    "entity_local_file": ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM '
                          '"file:///etc/passwd">]>\n<rss %s><channel><wp:wxr_version>1.2'
                          '</wp:wxr_version><title>&x;</title></channel></rss>\n' % NS),
    "entity_url": ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY y SYSTEM '
                   '"http://127.0.0.1:9/evil.xml">]>\n<rss %s><channel><wp:wxr_version>1.2'
                   '</wp:wxr_version><title>&y;</title></channel></rss>\n' % NS),
    "billion_laughs": ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY l0 "lol">\n' +
                       "".join('<!ENTITY l%d "%s">\n' % (i, ("&l%d;" % (i - 1)) * 10)
                               for i in range(1, 10)) +
                       ']>\n<rss %s><channel><wp:wxr_version>1.2</wp:wxr_version>'
                       '<title>&l9;</title></channel></rss>\n' % NS),
    "malformed": export([item(10, "A", "a")]).replace("</title>", "</link>", 3),
    "not_wxr": '<?xml version="1.0"?>\n<rss><channel><title>A feed</title>\n'
               '<item><title>x</title></item></channel></rss>\n',
    "html": "<!DOCTYPE html>\n<html><body>Not an export</body></html>\n",
}


def hostile():
    tmp = tempfile.mkdtemp(prefix="byline-wxr-")
    good = export(site_items())
    cases = dict(HOSTILE)
    cases["cut_short"] = good[:len(good) * 2 // 3]
    for name, text in sorted(cases.items()):
        os.mkdir(os.path.join(tmp, name))
        site = Site(os.path.join(tmp, name))
        path = write(tmp, name + ".xml", text)
        t0 = time.time()
        rc, out, err = run_import(site.db, path)
        took = time.time() - t0
        check(rc == 1, "wxr_refused_%s: exit 1" % name, (rc, out, err))
        check(re.search(r"\.xml:\d+:\d+: ", err), "wxr_refused_%s: line and column" % name, err)
        check("root:" not in err + out, "wxr_refused_%s: no file read" % name, err)
        if name == "cut_short":
            check("cut short" in err, "wxr_cut_short_named", err)
        if name == "billion_laughs":
            check(took < (10 if SANITIZED else 1.0), "wxr_billion_laughs_within_a_second", took)
        n = sum(site.sql("SELECT count(*) FROM %s" % t)[0][0]
                for t in ("users", "articles", "comments", "sections", "tags", "wp_import_map"))
        site.drop()
        check(n == 0, "wxr_refused_%s: nothing written" % name, n)


def round_trips():
    """wxr_round_trips: on PostgreSQL, 40 posts with 8 comments each (every
    third a reply) cost at most 5 round trips to the server an item (the
    import logs them); 8.9 before it read its comments' map rows ahead and
    wrote them, and a post's old addresses, several a statement, and before
    a reply stopped making the comment insert be prepared again
    (bench/WXR.md).  On SQLite nothing is sent anywhere: no such line."""
    tmp = tempfile.mkdtemp(prefix="byline-wxr-")
    items = []
    cid = 500000
    for i in range(1, 41):
        comments = ""
        first = cid + 1
        for k in range(8):
            cid += 1
            comments += comment(cid, "Reader %d" % (cid % 30), "Comment %d" % cid,
                                parent=first if k % 3 == 2 else 0)
        items.append(item(i, "Trip %d" % i, "trip-%d" % i, creator="zoe",
                          content="Text %d" % i, comments=comments))
    path = write(tmp, "trips.xml", export(items))
    site = Site(tmp)
    try:
        p = subprocess.run([BYLINE, "import-wordpress", "--db", site.db, path],
                           capture_output=True, text=True, timeout=600,
                           cwd=site_dir(["--db", site.db]))
    finally:
        site.drop()
    check(p.returncode == 0 and "comments     320 new" in p.stdout, "wxr_round_trips_import",
          (p.stdout[:600], p.stderr[-600:]))
    m = re.search(r"import: (\d+) round trips", p.stderr)
    if not PG:
        check(m is None, "wxr_round_trips: none on SQLite", p.stderr[-300:])
        return
    n = int(m.group(1)) if m else -1
    check(0 < n <= 5 * 360, "wxr_round_trips: at most 5 an item (%d for 360)" % n,
          p.stderr[-300:])


def big_file_memory():
    """wxr_peak_rss_flat: 20,000 posts with a comment each; peak RSS of the
    import under 100 MB (and near that of a 2,000-item file)."""
    if SANITIZED:
        skip("wxr_peak_rss_flat", "peak RSS is not meaningful under AddressSanitizer")
        return
    tmp = tempfile.mkdtemp(prefix="byline-wxr-")
    n = 20000
    path = os.path.join(tmp, "big.xml")
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" %s>\n<channel>'
                "<title>Big</title><link>%s</link><wp:wxr_version>1.2</wp:wxr_version>\n"
                "<wp:author><wp:author_login>ed</wp:author_login>"
                "<wp:author_email>ed@example.org</wp:author_email>"
                "<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>\n"
                % (NS, OLD))
        pad = "Words of the story, one after another. " * 20
        for i in range(1, n + 1):
            f.write(item(i, "Story number %d" % i, "story-%d" % i, creator="ed",
                         date="2020-%02d-%02d 12:00:00" % (1 + i % 12, 1 + i % 28),
                         gmt="2020-%02d-%02d 12:00:00" % (1 + i % 12, 1 + i % 28),
                         content="%s\n\n%s" % (pad, i),
                         comments=comment(100000 + i, "Reader %d" % (i % 50), "Comment %d" % i)))
        f.write("</channel></rss>\n")
    site = Site(tmp)
    t0 = time.time()
    p = subprocess.Popen(["/usr/bin/env", BYLINE, "import-wordpress", "--db", site.db, path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         cwd=site_dir(["--db", site.db]))
    out, err = p.communicate(timeout=1800)
    site.drop()
    took = time.time() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    check(p.returncode == 0, "wxr_big_import_ok", err[-1000:])
    check("posts        20000 new" in out, "wxr_big_import_counts", out[:500])
    check(peak_kb < 100 * 1024, "wxr_peak_rss_flat (%d KB)" % peak_kb, peak_kb)
    print("wxr big file: %d items in %.1f s (%.0f items/s), peak RSS %.1f MB, file %.1f MB"
          % (n, took, n / took, peak_kb / 1024, os.path.getsize(path) / 1e6))


def fixture():
    """wxr_real_wordpress_fixture: the export a real WordPress made
    (tests/fixtures/wxr/, tools/make-wxr-fixture.sh), imported with its
    uploads into a site in its time zone, checked against the facts
    WordPress reported: every published post at its old path (or one 301
    to it when its slug is not one Byline takes) with its headline, byline,
    section, tags and its visible comments; nothing unpublished public;
    pages at their paths; a second run changes nothing."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = os.environ.get("WXR_FIXTURE_DIR") or os.path.join(here, "fixtures", "wxr")
    facts_path = os.path.join(folder, "facts.json")
    if not os.path.exists(facts_path) or not os.path.exists(os.path.join(folder, "site.xml")):
        skip("wxr_real_wordpress_fixture", "tests/fixtures/wxr/ (site.xml, facts.json) is not here")
        return
    import html
    import json
    facts = json.load(open(facts_path, encoding="utf-8"))
    path = os.path.join(folder, "site.xml")
    up = os.path.join(folder, "uploads")
    extra = ["--uploads", up] if os.path.isdir(up) else []
    result = {}

    def before(s):
        result["run"] = run_import(s.db, path, *extra)

    s = Server(settings={"timezone": facts["site"]["timezone"]}, before=before)
    try:
        rc, out, err = result["run"]
        check(rc == 0, "wxr_fixture: imported", err[-2000:])
        cats = {c["slug"]: c for c in facts.get("categories", [])}
        for p in facts["posts"]:
            if p["status"] != "publish" or p["password_protected"]:
                continue
            r = s.get(p["path"])
            if r.status == 301:
                r = s.get(r.header("Location").split("127.0.0.1:%d" % s.port)[-1])
            name = "wxr_fixture post %d" % p["id"]
            check(r.status == 200, name + " at its address", (p["path"], r.status))
            t = html.unescape(r.text)
            check(typeset(p["title_text"]) in t, name + " headline", p["title_text"])
            check(p["author_display_name"] in t, name + " byline", p["author_display_name"])
            check(p["date_path"] in p["path"] and ('datetime="%s' % p["date"][:10]) in r.text,
                  name + " date", p["date"])
            if p["categories"]:
                names = [cats[c]["name_text"] for c in p["categories"] if c in cats]
                check(not names or any(n in t for n in names), name + " section", names)
            shown = {c["id"] for c in p.get("comment_thread", [])
                     if c["status"] == "approved" and c["exported"]}
            # a reply shows only under a visible parent
            byid = {c["id"]: c for c in p.get("comment_thread", [])}
            visible = set()
            for cid in sorted(shown):
                c, ok = byid[cid], True
                while c["parent"]:
                    c = byid.get(c["parent"], {"status": "gone", "parent": 0})
                    ok = ok and c["status"] == "approved"
                if ok:
                    visible.add(cid)
            n = len(re.findall(r'<li id="comment-\d+" class="comment depth-', r.text))
            check(n == len(visible), name + " comments shown", (n, len(visible)))
        # The addresses WordPress gave sections (with their parents), tags and
        # authors: each answers, at most one 301 away.
        for kind, key in (("categories", "name_text"), ("tags", "name_text"),
                          ("authors", "display_name")):
            for t in facts.get(kind, []):
                if kind == "authors" and not t.get("has_posts"):
                    continue
                if kind != "authors" and not t.get("count", 1):
                    continue
                r = s.get(t["path"])
                if r.status == 301:
                    r = s.get(urllib.parse.urlsplit(r.header("Location")).path)
                check(r.status == 200 and t[key] in html.unescape(r.text),
                      "wxr_fixture %s address %s" % (kind, t["path"]), r.status)
        secret_titles = [p["title_text"] for p in facts["posts"]
                         if p["status"] != "publish" or p["password_protected"]]
        for u in ["/", "/feed/", "/sitemap-articles-1.xml", "/search/?q=the",
                  "/comments/feed/"]:
            t = html.unescape(s.get(u).text)
            leaked = [x for x in secret_titles if x in t]
            check(not leaked, "wxr_fixture: nothing unpublished on " + u, leaked)
        for p in facts["posts"]:
            if p["status"] != "publish" or p["password_protected"]:
                r = s.get("/?p=%d" % p["id"])
                check(r.status in (404, 200) and r.status != 301 or
                      "secret" not in (r.header("Location") or ""),
                      "wxr_fixture: /?p= of an unpublished post leads nowhere", r.status)
        for pg in facts.get("pages", []):
            where = pg["path"] or "/%s/" % pg["slug"]
            r = s.get(where)
            want = 200 if pg["status"] == "publish" else 404
            check(r.status == want, "wxr_fixture page %s (%s)" % (where, pg["status"]), r.status)
        wait_for_variants(s)
        before_dump = dump(s)
        rc, out, err = run_import(s.db, path, *extra)
        after = dump(s)
        check(rc == 0 and " 0 new, 0 updated" in out and after == before_dump,
              "wxr_fixture: a second run changes nothing",
              (rc, err[-800:], out[:800], [(t, set(after[t]) ^ set(before_dump[t])) for t in TABLES
                           if after[t] != before_dump[t]]))
    finally:
        s.stop()


if __name__ == "__main__":
    import_site()
    dry_run()
    hostile()
    fixture()
    round_trips()
    big_file_memory()
    done()
