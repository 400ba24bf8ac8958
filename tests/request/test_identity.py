"""Site identity (issue 13): logo, favicon and touch icons made from one
upload, the fallback social image, an accent colour and footer text, as
rows of the settings table on the desk's Settings screen (the footer's
links are the footer menu: test_footer_menu.py).

Each check fails without the feature: /favicon.ico was a 404 on every page,
there was no logo, the accent was fixed in the stylesheet and og:image was
always Byline's logo."""
import os
import re
import struct
import sys
import time
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402
from test_settings import form_fields, sign_in_admin  # noqa: E402

COOKIE = "byline_session"


def png(w, h, rgb=(20, 90, 160)):
    """A plain RGB PNG of w x h."""
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_size(data):
    return struct.unpack(">II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else None


def multipart(fields, files):
    b = "----bylineidentity"
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" %
                (b, k, v)).encode()
    for k, (fname, data, ctype) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (b, k, fname, ctype)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % b).encode()
    return out, "multipart/form-data; boundary=" + b


def upload(s, cookie, csrf, files):
    body, ctype = multipart({"csrf": csrf}, files)
    return s.request("POST", "/admin/settings/identity", body=body,
                     headers={"Origin": s.base, "Content-Type": ctype,
                              "Cookie": "%s=%s" % (COOKIE, cookie)})


def save_settings(s, cookie, csrf, **over):
    page = s.get("/admin/settings", headers={"Cookie": "%s=%s" % (COOKIE, cookie)})
    f = form_fields(page.text)
    f = {k: v for k, v in f.items() if k in over or not k.startswith(("u-",))}
    f.update(over)
    f["csrf"] = csrf
    body = urllib.parse.urlencode([(k, v) for k, v in f.items() if v != "0" or k in over])
    return s.request("POST", "/admin/settings", body=body.encode(),
                     headers={"Origin": s.base, "Cookie": "%s=%s" % (COOKIE, cookie),
                              "Content-Type": "application/x-www-form-urlencoded"})


def main():
    s = Server(demo=True)
    try:
        # /favicon.ico answers on a new site (Byline's own logo).
        r = s.get("/favicon.ico")
        check(r.status in (200, 301) and (r.status == 200 or
                                          r.header("Location") == "/static/logo.png"),
              "/favicon.ico answers before any icon is uploaded", r.status)
        home = s.get("/")
        check('<link rel="icon" href="/favicon.ico"' in home.text and
              'rel="apple-touch-icon"' in home.text and 'rel="manifest"' in home.text,
              "pages link the icons and the manifest")
        r = s.get("/site.webmanifest")
        check(r.status == 200 and '"start_url": "/"' in r.text, "the manifest answers", r.text)

        cookie, csrf = sign_in_admin(s)
        page = s.get("/admin/settings", headers={"Cookie": "%s=%s" % (COOKIE, cookie)})
        check("<legend>Site identity</legend>" in page.text and 'name="accent_color"' in page.text
              and 'href="/admin/settings/identity"' in page.text,
              "Settings has a Site identity group and a link to the uploads")
        page = s.get("/admin/settings/identity", headers={"Cookie": "%s=%s" % (COOKIE, cookie)})
        check(page.status == 200 and 'enctype="multipart/form-data"' in page.text and
              'name="icon" type="file"' in page.text, "the upload page", page.status)

        # The accent colour: #rrggbb only, whichever way it comes.
        for bad in ("red", "#12345g", "#123", "#123456;}body{display:none",
                    "</style><script>alert(1)</script>"):
            r = save_settings(s, cookie, csrf, accent_color=bad)
            check(r.status == 422 and "#rrggbb" in r.text and "<script>alert" not in r.text,
                  "accent %r refused with the form" % bad, r.status)
            rc, out, err = run_cli("settings", "--db", s.db, "set", "accent_color", bad,
                                   check_rc=False)
            check(rc != 0, "byline settings set accent_color %r refused" % bad, out + err)
        stored = s.sql("SELECT value FROM settings WHERE key = 'accent_color'")[0][0]
        check(stored == "#9a1b1b", "a refused colour stored nothing", stored)

        s.get("/")
        s.get("/")  # cached
        r = save_settings(s, cookie, csrf, accent_color="#0a5c36",
                          footer_text="<b>Harbor</b> & Co, 1 Quay St")
        check(r.status == 303, "identity settings saved", (r.status, r.text[:300]))
        time.sleep(0.3)
        home = s.get("/")
        m = re.search(r'<link rel="stylesheet" href="(/identity\.css\?v=0a5c36)">', home.text)
        check(m is not None, "the page (cache dropped) links the accent stylesheet")
        css = s.get("/identity.css?v=0a5c36")
        check(css.status == 200 and "--accent: #0a5c36;" in css.text and
              css.header("Content-Type").startswith("text/css"),
              "identity.css sets --accent", css.text)
        check("style=" not in home.text and "<style" not in home.text,
              "no inline style (the CSP allows only our stylesheets)")
        check("&lt;b&gt;Harbor&lt;/b&gt; &amp; Co" in home.text and "<b>Harbor" not in home.text,
              "footer text escaped")

        # An SVG logo is refused with a sentence; nothing stored.
        svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        r = upload(s, cookie, csrf, {"logo": ("logo.svg", svg, "image/svg+xml")})
        check(r.status == 422 and "SVG files are refused" in r.text, "an SVG logo is refused",
              (r.status, r.text[:200]))
        r = upload(s, cookie, csrf, {"logo": ("logo.png", b"<svg onload=alert(1)>", "image/png")})
        check(r.status == 422 and "SVG" in r.text, "an SVG named .png is refused too", r.status)
        check(s.sql("SELECT value FROM settings WHERE key='site_logo'")[0][0] == "",
              "no logo stored after the refusals")
        r = upload(s, cookie, csrf, {"logo": ("x.png", b"not an image", "image/png")})
        check(r.status == 422, "a file that is no image is refused", r.status)

        # A PNG logo: in the masthead with its size.
        r = upload(s, cookie, csrf, {"logo": ("logo.png", png(600, 150), "image/png")})
        check(r.status == 303, "a PNG logo is accepted", (r.status, r.text[:300]))
        time.sleep(0.3)
        home = s.get("/")
        check(re.search(r'<img class="site-logo" src="/media/[0-9a-f]{64}\.png" width="192" '
                        r'height="48" alt="The Harbor Ledger">', home.text) is not None,
              "the logo is in the masthead, with width, height and alt")

        # One upload, every icon.
        r = upload(s, cookie, csrf, {"icon": ("icon.png", png(640, 640, (200, 40, 40)),
                                              "image/png")})
        check(r.status == 303, "a site icon is accepted", (r.status, r.text[:300]))
        for n in (32, 180, 192, 512):
            r = s.get("/icon-%d.png" % n)
            check(r.status == 200 and png_size(r.body) == (n, n),
                  "/icon-%d.png is %dx%d" % (n, n, n), (r.status, png_size(r.body)))
        r = s.get("/favicon.ico")
        check(r.status == 200 and r.body[:4] == b"\0\0\1\0" and
              png_size(r.body[22:]) == (32, 32), "/favicon.ico is an ICO holding a 32px PNG",
              (r.status, r.body[:8]))
        check(s.get("/icon-33.png").status == 404, "no icon of another size")
        time.sleep(0.3)
        home = s.get("/")
        check('<link rel="apple-touch-icon" href="/icon-180.png">' in home.text,
              "the touch icon is the uploaded one")
        check('og:image" content="%s/icon-512.png"' % s.base in home.text,
              "the social image falls back to the site icon", re.findall(r'og:image" content="[^"]*"', home.text))
        r = upload(s, cookie, csrf, {"social": ("share.jpg", png(1200, 630), "image/png")})
        time.sleep(0.3)
        home = s.get("/")
        check(re.search(r'og:image" content="%s/media/[0-9a-f]{64}\.png"' % re.escape(s.base),
                        home.text) is not None, "the chosen social image is og:image")
        # Only administrators upload.
        r = upload(s, "nobody", csrf, {"logo": ("logo.png", png(10, 10), "image/png")})
        check(r.status == 403, "signed out: the upload is refused", r.status)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
