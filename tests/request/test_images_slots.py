"""Card photos list only the srcset candidates their slot can use (issue
13's 2 ms front page with a photo on every card): a slot drawn at most W
CSS pixels wide lists candidates up to the first one 2W wide, never the
1920-pixel file and the original after it for a 300px card.  The sizes say
what static/style.css draws (a top story's photo is 120px at every width, a
section block's card 104px on a phone, a block's only card its block's
width), the WebP <source> is cut the same
way, and width, height, decoding and lazy loading stay as they were.  The
article's own photo still lists every width.

Fails without the change: every card listed 320w to 1920w and the 2400w
original, with sizes of "(max-width: 700px) 100vw, ..." for thumbnails."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402

HASH = "ab" * 32


def photos(s):
    """Every article's photo: one 2400x1600 JPEG with every variant made
    (rows only: the pages read the widths from the database)."""
    s.sql("INSERT INTO media(id, hash, mime, ext, width, height, bytes, created_at, caption,"
          " credit, alt, variants_at, normalized) VALUES (9001, ?, 'image/jpeg', 'jpg', 2400,"
          " 1600, 900000, 0, 'A scene', 'Slot Photographer/Agency', 'The quay', 1, 1)", HASH)
    for w in (320, 640, 960, 1280, 1920):
        for ext in ("jpg", "webp"):
            s.sql("INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
                  " VALUES (9001, ?, ?, ?, ?, 50000)", str(w), ext, w, w * 2 // 3)
    s.sql("INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
          " VALUES (9001, 'social', 'jpg', 1200, 630, 80000)")
    s.sql("UPDATE articles SET featured_media_id = 9001, featured_alt = 'The quay'")


def widths(srcset):
    return [int(c.split()[1][:-1]) for c in srcset.split(",")]


def pictures(html):
    """[(img srcset widths, webp widths, sizes, img tag)] in page order."""
    out = []
    for pic in re.findall(r"<picture>(.*?)</picture>", html, re.S):
        img = re.search(r"<img [^>]*>", pic).group(0)
        src = re.search(r' srcset="([^"]*)"', img)
        webp = re.search(r'<source type="image/webp" srcset="([^"]*)" sizes="([^"]*)"', pic)
        sizes = re.search(r' sizes="([^"]*)"', img)
        out.append((widths(src.group(1)) if src else [], widths(webp.group(1)) if webp else [],
                    sizes.group(1) if sizes else "", img,
                    webp.group(2) if webp else None))
    return out


def block(html, start, end):
    i = html.find(start)
    j = html.find(end, i + 1) if i >= 0 else -1
    return html[i:j] if i >= 0 and j >= 0 else ""


def main():
    s = Server(demo=True, before=photos)
    try:
        home = s.get("/").text
        lead = pictures(block(home, '<article class="lead-story">', "</article>"))
        tops = pictures(block(home, '<div class="top-stories">', '<div class="front-rest">'))
        secs, lone = [], []
        for b in re.findall(r'<section class="section-block".*?</section>',
                            block(home, '<div class="front-sections">', "<aside"), re.S):
            pics = pictures(b)
            (lone if len(pics) == 1 else secs).extend(pics)
        check(len(lead) == 1 and len(tops) >= 2 and len(secs) >= 4,
              "the front page has a lead, top stories and section cards with photos",
              (len(lead), len(tops), len(secs)))
        for kind, pics, want, sizes in (
                ("lead", lead, [320, 640, 960, 1280, 1920], "(max-width: 960px) 100vw, 790px"),
                ("top story", tops, [320], "120px"),
                ("section block card", secs, [320, 640], "(max-width: 640px) 104px, 300px"),
                # A block's only card spans the block (style.css).
                ("lone section block card", lone, [320, 640, 960, 1280, 1920],
                 "(max-width: 640px) 104px, (max-width: 1047px) 672px, 420px")):
            for jpg, webp, sz, img, webp_sizes in pics:
                check(jpg == want and webp == want,
                      "%s: srcset %s (up to 2x its slot), not the wider files or the 2400w"
                      " original" % (kind, want), (jpg, webp))
                check(sz == sizes and webp_sizes == sizes, "%s: sizes %r" % (kind, sizes),
                      (sz, webp_sizes))
                for attr in ('width="2400"', 'height="1600"', 'decoding="async"',
                             'src="/media/%s.jpg"' % HASH):
                    check(attr in img, "%s: %s kept" % (kind, attr), img)
        check(lone, "the demo has a section block with one card", len(lone))
        check(all("loading=" not in p[3] for p in lead + tops) and
              all('loading="lazy"' in p[3] for p in secs + lone),
              "above the fold at once, the section blocks lazily")

        # A section page: its lead large, its grid's cards at most 640px wide.
        m = re.search(r'href="(/category/[^"/]+/)"', home)
        sec = s.get(m.group(1)).text
        pics = pictures(sec)
        check(len(pics) >= 2, "the section page shows photos", len(pics))
        check(pics[0][0] == [320, 640, 960, 1280, 1920], "section lead: up to 1920w",
              pics[0][0])
        check(all(p[0] == [320, 640, 960, 1280] and p[1] == [320, 640, 960, 1280]
                  for p in pics[1:]),
              "section grid cards: up to 1280w (a card is at most 640px wide)",
              [p[0] for p in pics[1:]])

        # The article: its own photo keeps every width; related thumbnails
        # (120px) list 320w alone.
        m = re.search(r'<h2 class="card-title"><a href="(/\d{4}/[^"]+)"', home)
        art = s.get(m.group(1)).text
        fig = re.search(r'<figure class="featured">(.*?)</figure>', art, re.S)
        check(fig and pictures(fig.group(1))[0][0] == [320, 640, 960, 1280, 1920, 2400],
              "the article's photo still lists every width and the original",
              fig and pictures(fig.group(1)))
        rel = pictures(block(art, 'class="related', "</section>"))
        check(rel and all(p[0] == [320] and p[2] == "120px" for p in rel),
              "related thumbnails (120px): 320w only",
              [p[0] for p in rel])

        # Variants remembered between requests are forgotten when they
        # change: none made yet (a replacement drops them), then made.
        s.sql("DELETE FROM media_variants WHERE media_id = 9001")
        s.sql("UPDATE media SET variants_at = 0 WHERE id = 9001")
        pics = pictures(s.get("/").text)
        check(pics and all(p[0] == [] and p[1] == [] for p in pics),
              "no variant made: no srcset, the original alone", [p[0] for p in pics][:3])
        photos_again = [(str(w), e, w) for w in (320, 640) for e in ("jpg", "webp")]
        for suffix, ext, w in photos_again:
            s.sql("INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
                  " VALUES (9001, ?, ?, ?, ?, 50000)", suffix, ext, w, w * 2 // 3)
        s.sql("UPDATE media SET variants_at = 2 WHERE id = 9001")
        pics = pictures(s.get("/").text)
        check(pics and all(p[0] in ([320], [320, 640], [320, 640, 2400]) and p[1] == p[0]
                           for p in pics) and any(640 in p[0] for p in pics),
              "the variants made since are listed at once", [p[0] for p in pics][:6])
    finally:
        s.stop()
    return done()


if __name__ == "__main__":
    sys.exit(main())
