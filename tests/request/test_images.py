"""Photos through libvips (issue 13): what a reader gets of an uploaded
photo, and what the desk refuses.

A JPEG made here with ImageMagick and tagged with exiftool as a camera and a
wire service would tag it (GPS position, camera make, model and serial
number, Orientation=6, IPTC caption, by-line, credit and copyright) is
uploaded as an article's featured image.  Then: the stored image is upright
(width and height swapped); the caption, credit and copyright fields were
filled from IPTC; every file served (the original, each srcset width in JPEG
and WebP, the 1200x630 social image) has no GPS, no camera and no IPTC/XMP
left (read back with exiftool) and the width its srcset descriptor says; the
article shows a <figure> with <picture>, srcset, sizes, width, height,
decoding=async and the "Photo: Name/Agency" credit; og:image, twitter:image
and the JSON-LD image are the social variant, absolute; the cards on the
front page and in search carry the picture; the three feeds carry the image
(RSS enclosure, Atom rel=enclosure, JSON Feed image) and no relative URL.
Refusals keep the form: a 50,000 by 50,000 PNG bomb (refused from its
header, quickly, the server's memory flat), a truncated JPEG and a corrupt
one."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, skip  # noqa: E402
from test_desk import (EDITOR, Who, edit_form, form_message, get, link_token,  # noqa: E402
                       saved_id, send, set_password, sign_in)

EXIFTOOL = shutil.which("exiftool")
CONVERT = shutil.which("convert")


def exif(data):
    """exiftool's tags of data (all groups), as a dict."""
    with tempfile.NamedTemporaryFile(suffix=".img") as f:
        f.write(data)
        f.flush()
        out = subprocess.run([EXIFTOOL, "-j", "-a", "-G1", "-n", f.name], capture_output=True,
                             text=True).stdout
    return json.loads(out)[0] if out.strip() else {}


def private_tags(tags):
    """The tags that must never reach a reader: GPS, camera, IPTC, XMP, EXIF."""
    return sorted(k for k in tags
                  if re.match(r"(GPS|IPTC|XMP|XMP-\w+|IFD0|ExifIFD|MakerNotes|Photoshop|"
                              r"IFD1|InteropIFD|Canon|Nikon)\b", k.split(":")[0]) or
                  any(w in k for w in ("GPS", "SerialNumber", "Make", "Model", "By-line")))


def photo(path):
    """A 2000x1200 photo-like JPEG with a camera's and a wire's metadata."""
    subprocess.run([CONVERT, "-size", "2000x1200", "plasma:fractal", "-blur", "0x1",
                    "-quality", "90", path], check=True)
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original",
                    "-GPSLatitude=51.5072", "-GPSLatitudeRef=N", "-GPSLongitude=0.1276",
                    "-GPSLongitudeRef=W", "-Make=Canon", "-Model=Canon EOS 5D Mark IV",
                    "-SerialNumber=032021001234", "-Orientation#=6",
                    "-IPTC:Caption-Abstract=Crews at the harbour mouth at dawn",
                    "-IPTC:By-line=Ana Perez", "-IPTC:Credit=Byline Wire",
                    "-IPTC:CopyrightNotice=(c) 2026 Byline Wire",
                    "-XMP-dc:Description=Crews at the harbour mouth at dawn", path],
                   check=True)
    return open(path, "rb").read()


def png_claiming(w, h):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def vm_hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def width_of(t):
    for k in ("File:ImageWidth", "RIFF:ImageWidth", "VP8:ImageWidth", "VP8L:ImageWidth"):
        if k in t:
            return t[k]
    return None


def srcset_widths(srcset):
    return [(u, int(w[:-1])) for u, w in (c.strip().split() for c in srcset.split(","))]


def main():
    if not EXIFTOOL or not CONVERT:
        skip("images", "exiftool or ImageMagick's convert is not installed")
        return done()
    s = Server()
    base = s.base
    work = tempfile.mkdtemp(prefix="byline-photo-")
    try:
        ed = Who(EDITOR, "ed@example.com", "Ed Editor", "a long editor password")
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", ed.email, "--name",
                               ed.name, "--role", "editor", check_rc=False)
        set_password(s, link_token(out), ed.pw)
        ed.id = s.sql("SELECT id FROM users WHERE email=?", ed.email)[0][0]
        ed.cookie, ed.csrf = sign_in(s, ed)

        data = photo(os.path.join(work, "harbour.jpg"))
        tags = exif(data)
        check(any("GPS" in k for k in tags) and "IFD0:Make" in tags and
              tags.get("IFD0:Orientation") == 6 and "IPTC:By-line" in tags,
              "the fixture carries GPS, camera, orientation and IPTC", sorted(tags)[:40])

        body = ("The dredger arrived at dawn. ![Map](/static/logo.png) See [the port]"
                "(/about/) and [elsewhere](https://example.org/x).")
        t0 = time.time()
        r = send(s, "/admin/articles/new",
                 edit_form(ed, headline="Dredging at the harbour mouth", body=body,
                           status="published", featured_alt="A dredger at the harbour mouth"),
                 files=[("featured_file", "harbour.jpg", "image/jpeg", data)])
        aid, _ = saved_id(r)
        check(r.status == 303 and aid, "photo uploaded with the article",
              (r.status, form_message(r.text)))
        check(time.time() - t0 < 30, "the upload answers without waiting for the variants")
        mid, w, h, caption, credit, copyright, url_hash = s.sql(
            "SELECT m.id, m.width, m.height, m.caption, m.credit, m.copyright, m.hash FROM media m"
            " JOIN articles a ON a.featured_media_id = m.id WHERE a.id=?", aid)[0]
        check((w, h) == (1200, 2000), "Orientation=6 applied: 2000x1200 stored as 1200x2000",
              (w, h))
        check(caption == "Crews at the harbour mouth at dawn", "caption from IPTC", caption)
        check(credit == "Ana Perez/Byline Wire", "credit from IPTC by-line and credit", credit)
        check(copyright == "(c) 2026 Byline Wire", "copyright from IPTC", copyright)
        orig = os.path.join(s.dir, "byline-data", "media", url_hash[:2], url_hash + ".jpg")
        check(not private_tags(exif(open(orig, "rb").read())),
              "the stored file has no metadata at all", private_tags(exif(open(orig, "rb").read())))

        # The variants come from the background worker.
        deadline = time.time() + 120
        while time.time() < deadline and not s.sql(
                "SELECT variants_at FROM media WHERE id=?", mid)[0][0]:
            time.sleep(0.2)
        made = s.sql("SELECT suffix, ext, width, height FROM media_variants WHERE media_id=?"
                     " ORDER BY suffix, ext", mid)
        want = sorted([(str(x), e, x, x * 2000 // 1200) for x in (320, 640, 960) for e in
                       ("jpg", "webp")] + [("social", "jpg", 1200, 630)])
        got = sorted((a, b, c, d) for a, b, c, d in made)
        check(len(got) == 7 and all(g[:3] == w_[:3] and abs(g[3] - w_[3]) <= 1
                                    for g, w_ in zip(got, want)),
              "variants 320, 640, 960 (not 1280, 1920: never upscaled) in JPEG and WebP, and"
              " the 1200x630 social image", got)

        # The article page.
        m = re.search(r'href="(/\d{4}/\d\d/\d\d/dredging-at-the-harbour-mouth/)"',
                      get(s, "/").text)
        path = m.group(1) if m else "/"
        page = get(s, path).text
        fig = re.search(r'<figure class="featured">(.*?)</figure>', page, re.S)
        check(fig is not None, "the photo is a <figure>")
        fig = fig.group(1) if fig else ""
        check("Photo: Ana Perez/Byline Wire" in fig and
              "Crews at the harbour mouth at dawn" in fig and "<figcaption>" in fig,
              "caption and credit under it (\"Photo: Name/Agency\")", fig[-300:])
        img = re.search(r"<img [^>]*>", fig)
        img = img.group(0) if img else ""
        for attr in ('width="1200"', 'height="2000"', 'decoding="async"', "sizes=",
                     'alt="A dredger at the harbour mouth"'):
            check(attr in img, "the article photo has %s" % attr, img)
        check("loading=" not in img, "the photo at the top is not lazy", img)
        srcset = re.search(r'srcset="([^"]+)"', img).group(1)
        webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', fig)
        check(webp is not None, "a WebP <source>", fig[:300])
        cands = srcset_widths(srcset) + (srcset_widths(webp.group(1)) if webp else [])
        check([w_ for _, w_ in srcset_widths(srcset)] == [320, 640, 960, 1200],
              "srcset lists 320w, 640w, 960w and the original", srcset)
        served = []
        for u, w_ in cands:
            r = s.get(u)
            check(r.status == 200, "%s served" % u, r.status)
            t = exif(r.body)
            width = width_of(t)
            check(width == w_, "%s is %d wide" % (u, w_), width)
            check(not private_tags(t), "%s has no GPS, camera or IPTC/XMP" % u, private_tags(t))
            check("immutable" in (r.header("Cache-Control") or ""), "%s cached for good" % u)
            served.append(u)
        check(len(served) >= 7, "every srcset file was read back", len(served))

        social = "/media/%s-social.jpg" % url_hash
        for tag in ('<meta property="og:image" content="%s%s">' % (base, social),
                    '<meta name="twitter:image" content="%s%s">' % (base, social)):
            check(tag in page, "social image: %s" % tag[:40], re.findall(r"<meta[^>]*image[^>]*>",
                                                                         page))
        check('"image":["%s%s"]' % (base, social) in page,
              "JSON-LD image is the social variant")
        r = s.get(social)
        t = exif(r.body)
        check(r.status == 200 and t.get("File:ImageWidth") == 1200 and
              t.get("File:ImageHeight") == 630 and not private_tags(t),
              "the social image is 1200x630 and clean", (r.status, private_tags(t)))
        # A width not made: the nearest one, not cached as that name's bytes.
        r = s.get("/media/%s-1920.webp" % url_hash)
        check(r.status == 200 and "immutable" not in (r.header("Cache-Control") or "") and
              width_of(exif(r.body)) == 960,
              "a variant not made serves the nearest one", r.header("Cache-Control"))

        # Cards: the front page and search show the picture.
        home = get(s, "/").text
        # (The newest story leads the front page: its card is the lead's.)
        check(re.search(r'<article class="(?:card|lead-story)">\s*<a class="(?:card-image|lead-media)"'
                        r' href="%s"[^>]*>' r"<picture>" % re.escape(path), home) is not None,
              "the front page card has the picture", home[:0])
        card_img = re.search(r'class="(?:card-image|lead-media)".*?(<img [^>]*>)', home, re.S)
        check(card_img and 'width="1200"' in card_img.group(1) and
              "srcset=" in card_img.group(1), "card image with width, height, srcset")
        # Two newer stories with the same photo (chosen from the library):
        # the first two cards load at once, the third lazily.
        for i, hl in enumerate(("Newer dredging story one", "Newer dredging story two")):
            r = send(s, "/admin/articles/new",
                     edit_form(ed, headline=hl, body="Dredger.", status="published",
                               featured_media=str(mid), featured_alt="Dredger, again"))
            check(r.status == 303, "newer story %d saved" % i, (r.status, form_message(r.text)))
        imgs = re.findall(r'class="card-image".*?(<img [^>]*>)', get(s, "/").text, re.S)
        # The front page's lead and top stories (above the fold) load at
        # once; the section blocks below them lazily.
        check(len(imgs) >= 6 and "loading=" not in imgs[0] and "loading=" not in imgs[1] and
              'loading="lazy"' in imgs[-1] and all('loading="lazy"' in t for t in imgs[5:]),
              "cards above the fold load at once, those below lazily",
              ([("lazy" in x) for x in imgs], s.sql("SELECT headline, status, published_at,"
                                                    " featured_media_id FROM articles")))
        res = get(s, "/search/?q=dredger").text
        check('class="result-image"' in res and "<picture>" in res, "search results show it",
              re.findall(r'<li class="result">.{0,300}', res, re.S)[:1] or res[-600:])

        # Feeds: the image, and absolute URLs only.
        b_ = re.escape(base)
        for fmt, pat in (("", r'<enclosure url="%s/media/%s\.jpg" '
                              r'length="\d+" type="image/jpeg"/>'),
                         ("atom/", r'<link rel="enclosure" type="image/jpeg" length="\d+" '
                                   r'href="%s/media/%s\.jpg"/>'),
                         ("json/", r'"image": "%s/media/%s\.jpg"')):
            feed = get(s, "/feed/" + fmt).text
            check(re.search(pat % (b_, url_hash), feed) is not None, "feed %s carries the image"
                  % (fmt or "rss"), feed[:0])
            rel = re.findall(r'(?:src|href)=(?:\\?"|&quot;)/[^/]', feed)
            check(not rel, "feed %s has no relative src/href" % (fmt or "rss"), rel[:5])
            check(base + "/static/logo.png" in feed and base + "/about/" in feed,
                  "feed %s made the body's links absolute" % (fmt or "rss"))

        # Refusals keep the form.
        def refused(name, data_, words, fname="x.jpg", ctype="image/jpeg", seconds=None):
            rows = s.sql("SELECT count(*) FROM media")[0][0]
            hwm = vm_hwm_kb(s.proc.pid)
            t1 = time.time()
            r_ = send(s, "/admin/articles/new",
                      edit_form(ed, headline="Kept headline %s" % name, body="Kept body text",
                                status="draft", featured_alt="kept alt"),
                      files=[("featured_file", fname, ctype, data_)])
            took = time.time() - t1
            check(r_.status == 422 and re.search(words, r_.text) is not None,
                  "%s refused: 422 with a sentence" % name, (r_.status, form_message(r_.text)))
            check("Kept headline %s" % name in r_.text and "Kept body text" in r_.text and
                  "kept alt" in r_.text, "%s: the form comes back as typed" % name)
            check(s.sql("SELECT count(*) FROM media")[0][0] == rows, "%s: nothing stored" % name)
            if seconds:
                grew = vm_hwm_kb(s.proc.pid) - hwm
                check(took < seconds, "%s refused fast (%.2f s)" % (name, took))
                check(grew < 64 * 1024, "%s: the server's peak memory grew %d KB" % (name, grew))
        bomb = png_claiming(50000, 50000)
        refused("a %d-byte PNG claiming 50,000 by 50,000" % len(bomb), bomb,
                r"50000 by 50000 pixels", "bomb.png", "image/png", seconds=5)
        refused("a truncated JPEG", data[:len(data) * 2 // 3], r"incomplete|damaged")
        bad = bytearray(data)
        for i in range(len(bad) // 3, len(bad) // 2):
            bad[i] = (i * 7) & 0xFF
        refused("a corrupt JPEG", bytes(bad), r"damaged")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        s.stop()
    return done()


if __name__ == "__main__":
    main()
