"""Byline as an oEmbed provider (issue 16): an article page names its oEmbed
answers in its head (JSON and XML, built from site_base()); the endpoint
answers a rich type with a blockquote linking to the article (no script,
no iframe), escaped in JSON and XML alike, honours maxwidth, says 404 for
a URL that is not one of our published articles (another site, a draft,
a wrong date) and 501 for an unknown format."""
import html
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
import test_desk as D  # noqa: E402
import test_webhooks as W  # noqa: E402


def main():
    s = Server(settings={"timezone": "UTC"})
    try:
        who = W.admin(s)
        aid = D.new_article(s, who.id, "embed-me", "published")
        s.sql("UPDATE articles SET headline=?, dek=? WHERE id=?",
              'Tide "rises" <script>alert(1)</script>', "A dek & more", aid)
        slug, pub = s.sql("SELECT slug, published_at FROM articles WHERE id=?", aid)[0]
        path = s.date_path(pub) + slug + "/"
        url = s.base + path
        r = s.get(path)
        links = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(
            r'<link rel="alternate" type="([a-z/+]+oembed)" href="([^"]+)">', r.text)}
        want = s.base + "/wp-json/oembed/1.0/embed?url=" + urllib.parse.quote(url, safe="")
        check(links.get("application/json+oembed") == want and
              links.get("text/xml+oembed") == want + "&format=xml",
              "the article page names its oEmbed answers (JSON and XML)", links)

        r = s.get(want[len(s.base):] + "&maxwidth=320")
        check(r.status == 200 and r.header("Content-Type").startswith("application/json"),
              "the JSON answer", (r.status, r.text[:200]))
        j = json.loads(r.text)
        site_title = s.sql("SELECT value FROM settings WHERE key='site_title'")[0][0]
        check(j["version"] == "1.0" and j["type"] == "rich" and
              j["provider_name"] == site_title and j["provider_url"] == s.base and
              j["title"] == 'Tide "rises" <script>alert(1)</script>' and j["width"] == 320,
              "version, type, provider, title, width honouring maxwidth", j)
        h = j["html"]
        check(h.startswith("<blockquote") and 'href="%s"' % url in h and "<script" not in h and
              "&lt;script&gt;" in h and "<iframe" not in h and "A dek &amp; more" in h,
              "its html is a blockquote linking to the article, escaped, no script or iframe",
              h)
        r = s.get(want[len(s.base):] + "&format=xml")
        root = ET.fromstring(r.body)
        check(r.status == 200 and root.tag == "oembed" and root.findtext("type") == "rich" and
              root.findtext("html") == h.replace("320px", "600px") and
              root.findtext("title") == j["title"],
              "the XML answer says the same", r.text[:300])

        draft = D.new_article(s, who.id, "embed-draft")
        for bad, what in (("https://elsewhere.example" + path, "another site"),
                          (s.base + "/2001/01/01/" + slug + "/", "a wrong date"),
                          (s.base + "/2001/01/01/embed-draft/", "a draft"),
                          (s.base + "/about/", "no article"), ("", "no url")):
            r = s.get("/wp-json/oembed/1.0/embed?url=" + urllib.parse.quote(bad, safe=""))
            check(r.status == 404, "404 for " + what, r.status)
        check(draft, "a draft was made")
        r = s.get(want[len(s.base):] + "&format=yaml")
        check(r.status == 501, "501 for an unknown format", r.status)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
