"""The WordPress export fixture (tests/fixtures/wxr/, made by
tools/make-wxr-fixture.sh with a real WordPress) is well-formed XML and
agrees with its facts file, item for item and comment for comment, and holds
the hard cases the facts name.  The importer's tests rely on both files
telling the same story; this needs neither WordPress nor the byline binary."""
import collections
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, check, done, skip  # noqa: E402

FIX = os.path.join(REPO, "tests", "fixtures", "wxr")
NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
SITE = os.path.join(FIX, "site.xml")
FACTS = os.path.join(FIX, "facts.json")


def text(el, path):
    found = el.find(path, NS)
    return "" if found is None or found.text is None else found.text


def fixture_is_well_formed():
    """xmllint, the reference parser, reads the export without a complaint,
    and the file stays small enough to commit."""
    check(os.path.getsize(SITE) < 200 * 1024, "site.xml under 200 KB", os.path.getsize(SITE))
    if not shutil.which("xmllint"):
        skip("xmllint --noout site.xml", "xmllint not installed (Debian libxml2-utils)")
        return
    p = subprocess.run(["xmllint", "--noout", SITE], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and p.stderr == "", "xmllint --noout site.xml", p.stderr)


def items_agree_with_facts(chan, facts):
    """Counts of items per type and status, then every post, page and
    attachment: the same id, title, slug, status, dates, author, parent,
    sections, tags and sticky flag in the XML as WordPress reported."""
    items = {int(text(i, "wp:post_id")): i for i in chan.findall("item")}
    counts = collections.defaultdict(lambda: collections.defaultdict(int))
    for i in items.values():
        counts[text(i, "wp:post_type")][text(i, "wp:status")] += 1
    check({t: dict(s) for t, s in counts.items()} == facts["counts"]["items"],
          "items per type and status", (dict(counts), facts["counts"]["items"]))
    listed = facts["posts"] + facts["pages"] + facts["attachments"]
    check(len(listed) == len(items), "facts list every item", (len(listed), len(items)))
    for f in listed:
        i = items.get(f["id"])
        if not check(i is not None, "item %d in site.xml" % f["id"]):
            continue
        seen = {"type": text(i, "wp:post_type"), "status": text(i, "wp:status"),
                "title": text(i, "title"), "slug": text(i, "wp:post_name"),
                "date": text(i, "wp:post_date"), "date_gmt": text(i, "wp:post_date_gmt"),
                "author_login": text(i, "dc:creator"), "parent": int(text(i, "wp:post_parent")),
                "permalink": text(i, "link")}
        want = {k: f[k] for k in seen}
        check(seen == want, "item %d agrees with facts" % f["id"], (seen, want))
        if f["type"] == "attachment":
            check(text(i, "wp:attachment_url") == f["url"], "attachment %d url" % f["id"])
            check(os.path.isfile(os.path.join(FIX, "uploads", f["file"])),
                  "attachment %d file in uploads/" % f["id"], f["file"])
            continue
        check(text(i, "wp:is_sticky") == ("1" if f.get("sticky") else "0"), "item %d sticky" % f["id"])
        check((text(i, "wp:post_password") != "") == f["password_protected"], "item %d password" % f["id"])
        check(text(i, "wp:comment_status") == f["comment_status"], "item %d comment status" % f["id"])
        if f["type"] == "post":
            cats = sorted(c.get("nicename") for c in i.findall("category") if c.get("domain") == "category")
            tags = sorted(c.get("nicename") for c in i.findall("category") if c.get("domain") == "post_tag")
            check(cats == sorted(f["categories"]) and tags == sorted(f["tags"]),
                  "item %d sections and tags" % f["id"], (cats, tags, f["categories"], f["tags"]))
            comments_agree(i, f)


def comments_agree(item, f):
    """Each exported comment's status and parent as in the facts' thread;
    spam is never exported (WordPress's exporter leaves it out)."""
    name = {"1": "approved", "0": "hold", "spam": "spam", "trash": "trash"}
    got = {}
    for c in item.findall("wp:comment", NS):
        got[int(text(c, "wp:comment_id"))] = (name.get(text(c, "wp:comment_approved"), "?"),
                                              int(text(c, "wp:comment_parent")),
                                              text(c, "wp:comment_type"))
    want = {t["id"]: (t["status"], t["parent"], t["type"]) for t in f["comment_thread"] if t["exported"]}
    check(got == want, "post %d comments and threads" % f["id"], (got, want))
    per = collections.Counter(s for s, _, _ in got.values())
    check(all(per.get(s, 0) == n for s, n in f["comments_exported"].items()),
          "post %d comment count per status" % f["id"], (per, f["comments_exported"]))


def terms_and_authors_agree(chan, facts):
    """Sections with their parents and descriptions, tags, and the authors of
    posts, as WordPress listed them."""
    cats = {text(c, "wp:category_nicename"): (text(c, "wp:cat_name"), text(c, "wp:category_parent"),
                                             text(c, "wp:category_description"))
            for c in chan.findall("wp:category", NS)}
    want = {c["slug"]: (c["name"], c["parent_slug"], c["description"]) for c in facts["categories"]}
    check(cats == want, "categories agree", (cats, want))
    tags = {text(t, "wp:tag_slug"): text(t, "wp:tag_name") for t in chan.findall("wp:tag", NS)}
    check(tags == {t["slug"]: t["name"] for t in facts["tags"]}, "tags agree", tags)
    authors = {text(a, "wp:author_login"): text(a, "wp:author_display_name") for a in chan.findall("wp:author", NS)}
    want = {a["login"]: a["display_name"] for a in facts["authors"] if a["has_posts"]}
    check(authors == want, "authors agree", (authors, want))
    check(text(chan, "wp:wxr_version") == facts["wxr_version"], "WXR version")
    check(text(chan, "wp:base_site_url") == facts["site"]["base_url"], "base URL")


def hard_cases_present(chan, facts):
    """What the facts' "cases" claim is really in the export, so an importer
    test passing on this fixture means what it says."""
    items = {int(text(i, "wp:post_id")): i for i in chan.findall("item")}
    posts = {p["id"]: p for p in facts["posts"]}
    cases = facts["cases"]
    body = lambda k: text(items[cases[k]], "content:encoded")  # noqa: E731
    check("]]>" in body("cdata_end_in_text") and "]]>" in text(items[cases["cdata_end_in_text"]], "title"),
          "a ]]> in a body and a title")
    check("🇳🇴" in body("emoji") and "👨\u200d👩\u200d👧\u200d👦" in body("emoji"), "a flag and a ZWJ family")
    check("<!-- wp:" in body("gutenberg_blocks") and "<!--more-->" in body("more_tag"), "block comments, more tag")
    for code in ("[caption", "[gallery ids=", "[embed]", "[pullquote]", "[donate-button"):
        check(code in body("shortcodes"), "shortcode %s" % code)
    statuses = {p["status"] for p in facts["posts"]}
    check({"publish", "draft", "pending", "future", "private", "trash"} <= statuses, "every post status", statuses)
    pend = posts[cases["status_pending_empty_slug_floating_date"]]
    check(pend["status"] == "pending" and pend["slug"] == "" and pend["date_gmt"] == "0000-00-00 00:00:00",
          "pending post with empty slug and floating date", pend)
    check(posts[cases["password_protected"]]["password_protected"], "a password-protected post")
    check(posts[cases["sticky"]]["sticky"], "a sticky post")
    check(posts[cases["comments_closed"]]["comment_status"] == "closed"
          and posts[cases["comments_closed"]]["comments"]["approved"] > 0, "comments closed, comments kept")
    a, b = (posts[i] for i in cases["same_title"])
    check(a["title"] == b["title"] and a["slug"] != b["slug"], "two posts with one title", (a["slug"], b["slug"]))
    for k in ("local_date_differs_from_gmt_winter", "local_date_differs_from_gmt_summer"):
        p = posts[cases[k]]
        check(p["date_path"] != p["gmt_date_path"] and p["path"].startswith(p["date_path"]),
              "%s: the URL holds the local date" % k, p)
    thread = posts[cases["comment_thread"]]["comment_thread"]
    check(max(t["depth"] for t in thread) >= 3, "a thread three deep")
    check({"approved", "hold", "spam", "trash"} <= {t["status"] for t in thread}, "comments in every status")
    check(any(t["type"] == "pingback" for t in thread), "a pingback")
    check(any(t["type"] == "trackback" for t in posts[cases["trackback"]]["comment_thread"]), "a trackback")
    check(any(t["slug"] != t["slug_text"] for t in facts["tags"]), "a percent-encoded tag slug")
    check(any(t["name"] == "café" for t in facts["tags"]), "a tag named café")
    check(any(ord(ch) > 0x2e80 for a in facts["authors"] for ch in a["display_name"]), "a non-Latin display name")
    pages = {p["path"]: p for p in facts["pages"] if p["path"]}
    check("/about-us/" in pages and "/about-us/corrections-policy/" in pages
          and pages["/about-us/corrections-policy/"]["parent"] == pages["/about-us/"]["id"], "a page with a parent")
    check(facts["site"]["permalink_structure"] == "/%year%/%monthnum%/%day%/%postname%/", "date permalinks")


def main():
    if not (os.path.isfile(SITE) and os.path.isfile(FACTS)):
        skip("wxr fixture", "tests/fixtures/wxr/site.xml or facts.json missing")
        done()
    fixture_is_well_formed()
    with open(FACTS, encoding="utf-8") as fh:
        facts = json.load(fh)
    chan = ET.parse(SITE).getroot().find("channel")
    items_agree_with_facts(chan, facts)
    terms_and_authors_agree(chan, facts)
    hard_cases_present(chan, facts)
    done()


main()
