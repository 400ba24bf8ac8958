"""A WordPress import that fetches the photos from the old site (issue 12):
`byline import-wordpress --fetch-media` and the desk's Tools > Import box.
The old site is a Python server on 127.0.0.1 that counts every request; its
export names a PNG, a JPEG, a 404, a page that is not an image, a photo
behind a redirect, one larger than the upload limit and a redirect loop.
Fetched files become media (normalized, featured images, the article's
<img> shown from this site); each failure is a report line naming the
attachment and the reason; a re-run fetches only what is still missing; a
dry run fetches nothing and counts; without outbound_allow_private the
loopback old site is refused."""
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BYLINE, Server, check, done, run_cli, site_db, site_dir,  # noqa: E402
                     site_drop, site_folder, site_sql)
import test_desk as D  # noqa: E402
import test_tools as T  # noqa: E402
from test_wordpress import export, item  # noqa: E402

CAP = 60000  # upload_max_bytes in these tests: the big photo is past it
UP = "/wp-content/uploads/2024/03/"
BOAT = D.png(40, 30, (200, 30, 30))
HARBOUR = D.jpeg_8x8()
MOVED = D.png(20, 20, (30, 30, 200))
HUGE = D.png(200, 200, noise=True)  # about 120 KB of noise, past CAP


class OldSite:
    """The old WordPress site: a few files, and a count of requests by path."""

    def __init__(self):
        self.hits = {}
        self.delay = 0  # seconds before each answer (a slow old site)
        self.lock = threading.Lock()
        old = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                with old.lock:
                    old.hits[self.path] = old.hits.get(self.path, 0) + 1
                time.sleep(old.delay)
                files = {UP + "boat.png": ("image/png", BOAT),
                         UP + "harbour.jpg": ("image/jpeg", HARBOUR),
                         UP + "not-a-photo.jpg": ("text/html", b"<html><body>Hello</body></html>"),
                         "/cdn/moved-real.png": ("image/png", MOVED),
                         UP + "huge.png": ("image/png", HUGE)}
                if self.path == UP + "moved.png":
                    self.send_response(302)
                    self.send_header("Location", "/cdn/moved-real.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path.startswith("/loop"):
                    n = int(self.path[5:] or "0")
                    self.send_response(301)
                    self.send_header("Location", "/loop%d" % (n + 1))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path not in files:
                    self.send_response(404)
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                ctype, body = files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True  # a slow answer does not hold stop() up
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def total(self):
        with self.lock:
            return sum(self.hits.values())

    def count(self, path):
        with self.lock:
            return self.hits.get(path, 0)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def attachment(old, pid, name, url=None):
    return item(pid, name, name.replace(".", "-"), status="inherit", ptype="attachment",
                attachment_url=url or old + UP + name,
                meta=[("_wp_attached_file", "2024/03/" + name),
                      ("_wp_attachment_image_alt", "Alt of " + name)])


def site(old):
    """The export: seven attachments, then three posts using them."""
    body = ('<p>At dawn.</p>\n\n<img src="%s%sharbour-300x200.jpg" alt="Quay" />\n\n'
            '<img src="%s%sgone.jpg" alt="Gone" />' % (old, UP, old, UP))
    items = [attachment(old, 40, "boat.png"), attachment(old, 41, "harbour.jpg"),
             attachment(old, 42, "gone.jpg"), attachment(old, 43, "not-a-photo.jpg"),
             attachment(old, 44, "moved.png"), attachment(old, 45, "huge.png"),
             attachment(old, 46, "loop.png", url=old + "/loop"),
             item(10, "Harbour at dawn", "harbour-at-dawn", content=body,
                  meta=[("_thumbnail_id", "40")]),
             item(11, "Boats moved", "boats-moved", content="<p>Moved.</p>",
                  meta=[("_thumbnail_id", "44")], date="2024-03-06 10:30:00",
                  gmt="2024-03-06 09:30:00"),
             item(12, "Gone photo", "gone-photo", content="<p>None.</p>",
                  meta=[("_thumbnail_id", "42")], date="2024-03-07 10:30:00",
                  gmt="2024-03-07 09:30:00")]
    # The export's own address is the old site: its links are rewritten too.
    return export(items).replace("https://old.example.org", old)


def run_import(db, path, *extra):
    p = subprocess.run([BYLINE, "import-wordpress", "--db", db, path] + list(extra),
                       capture_output=True, text=True, timeout=600, cwd=site_dir(["--db", db]))
    return p.returncode, p.stdout, p.stderr


def new_db(tmp, name, settings):
    """A fresh site in a folder of its own (its byline-data there): an
    SQLite file, or a database in the PostgreSQL pass's cluster."""
    folder = os.path.join(tmp, name.split(".")[0])
    os.makedirs(folder)
    db = site_db(folder)
    run_cli("settings", "--db", db, "list")
    for k, v in settings.items():
        run_cli("settings", "--db", db, "set", k, str(v))
    return db


def q(db, sql, *args):
    return site_sql(db, sql, *args)


def media_files(data_dir):
    found = []
    for d, _, files in os.walk(os.path.join(data_dir, "media")):
        # Not the variants the media worker makes, nor its temporary files.
        found += [f for f in files if not re.search(r"-(\d+|social)\.\w+$", f) and
                  not f.startswith(".")]
    return sorted(found)


FAILS = {42: "the old site answered 404", 43: "not stored", 45: "larger than the upload limit, %d bytes" % CAP,
         46: "redirected more than 3 times"}


def check_fetched(old, db, out, label, base=0, files_before=()):
    """The first import's results, by the command or the desk (media rows
    after id `base` and files not in files_before: the demo site's are
    there before)."""
    check("photos fetched from the old site: 3, not fetched: 4" in out,
          label + ": the report counts the fetches", out)
    for pid, why in FAILS.items():
        lines = [ln for ln in out.splitlines() if ln.strip().startswith("line") and
                 "attachment %d " % pid in ln]
        check(len(lines) == 1 and why in lines[0] and "its old address is kept" in lines[0],
              "%s: attachment %d's failure is one line with the reason" % (label, pid), lines)
    media = q(db, "SELECT mime, width, height FROM media WHERE id > ? ORDER BY id", base)
    check(sorted(media) == sorted([("image/png", 40, 30), ("image/jpeg", 8, 8),
                                   ("image/png", 20, 20)]),
          label + ": three photos are media, normalized", media)
    data_dir = os.path.join(site_folder(db), "byline-data")
    new_files = [f for f in media_files(data_dir) if f not in files_before]
    check(len(new_files) == 3, label + ": their files are in the data folder", new_files)
    rows = dict(q(db, "SELECT slug, featured_media_id FROM articles"))
    boat = q(db, "SELECT id FROM media WHERE width = 40 AND id > ?", base)
    moved = q(db, "SELECT id FROM media WHERE width = 20 AND id > ?", base)
    check(rows.get("harbour-at-dawn") == boat[0][0] and rows.get("boats-moved") == moved[0][0]
          and rows.get("gone-photo") is None,
          label + ": featured images set from the fetched files (behind a redirect too), "
          "none for the 404", rows)
    body = q(db, "SELECT body_src FROM articles WHERE slug = 'harbour-at-dawn'")[0][0]
    jpeg = q(db, "SELECT hash FROM media WHERE mime = 'image/jpeg' AND id > ?", base)[0][0]
    check("/media/%s.jpg" % jpeg in body and UP + "harbour" not in body,
          label + ": the article's <img> of a fetched photo is shown from this site", body)
    check(old.base + UP + "gone.jpg" in body, label + ": a photo not fetched keeps its old address",
          body)


def command_line(old, tmp):
    path = os.path.join(tmp, "site.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(site(old.base))
    settings = {"outbound_allow_private": 1, "upload_max_bytes": CAP,
                "timezone": "Europe/Paris"}

    # A dry run fetches nothing and says how many it would.
    db = new_db(tmp, "dry.db", settings)
    rc, out, err = run_import(db, path, "--fetch-media", "--dry-run")
    check(rc == 0 and "photos to fetch from the old site: 7 (a dry run fetches nothing)" in out,
          "a dry run counts the photos it would fetch", out + err)
    check(old.total() == 0, "a dry run fetches nothing", old.hits)
    check(q(db, "SELECT count(*) FROM media") == [(0,)], "a dry run stores no media")
    site_drop(db)

    # Without the box, nothing is fetched (the old behaviour).
    db = new_db(tmp, "nofetch.db", settings)
    rc, out, err = run_import(db, path)
    check(rc == 0 and "imported without --uploads or --fetch-media" in out and old.total() == 0,
          "without --fetch-media nothing is fetched", (out, old.hits))
    site_drop(db)

    # The import with --fetch-media.
    db = new_db(tmp, "site.db", settings)
    rc, out, err = run_import(db, path, "--fetch-media")
    check(rc == 0, "--fetch-media: exit 0", err[-2000:])
    check_fetched(old, db, out, "--fetch-media")
    check(old.count(UP + "moved.png") == 1 and old.count("/cdn/moved-real.png") == 1,
          "a redirect is followed once", old.hits)
    check(old.count("/loop3") == 1 and old.count("/loop4") == 0,
          "a redirect chain is followed 3 times, no more", old.hits)
    check(re.search(r"import-wordpress: \d+/7 attachments, fetched 3, failed 4", err)
          or "7/7 attachments" in err, "the progress counts the fetches", err[-1500:])
    # Each photo was asked for once: the resized copy in the text is the
    # original's (harbour-300x200.jpg is never fetched).
    for p_ in (UP + "boat.png", UP + "harbour.jpg", UP + "huge.png", UP + "gone.jpg"):
        check(old.count(p_) == 1, "%s fetched once" % p_, old.hits)
    check(old.count(UP + "harbour-300x200.jpg") == 0, "a resized copy is not fetched")

    # Running it again fetches only what is still missing.
    good = {p_: old.count(p_) for p_ in (UP + "boat.png", UP + "harbour.jpg", UP + "moved.png",
                                         "/cdn/moved-real.png")}
    before = q(db, "SELECT id, hash FROM media ORDER BY id")
    rc, out, err = run_import(db, path, "--fetch-media")
    check(rc == 0 and "photos fetched from the old site: 0, not fetched: 4" in out and
          "attachments  0 new, 0 updated, 7 unchanged" in out and
          "posts        0 new, 0 updated, 3 unchanged" in out,
          "a re-run fetches nothing new and changes nothing", out)
    check(all(old.count(p_) == n for p_, n in good.items()),
          "a re-run asks the old site for none of the photos it has", old.hits)
    check(old.count(UP + "gone.jpg") == 2, "a re-run tries the missing photo again", old.hits)
    check(q(db, "SELECT id, hash FROM media ORDER BY id") == before, "a re-run adds no media")

    # The missing photo appears on the old site: the next run fetches it,
    # and its post gets its featured image.
    global GONE_BACK
    GONE_BACK = True
    rc, out, err = run_import(db, path, "--fetch-media")
    check(rc == 0 and "photos fetched from the old site: 1, not fetched: 3" in out and
          "attachments  0 new, 1 updated, 6 unchanged" in out,
          "a photo back on the old site is fetched by the next run", out)
    row = q(db, "SELECT a.featured_media_id IS NOT NULL, a.body_src FROM articles a "
                "WHERE slug = 'gone-photo'")
    check(row and row[0][0] == 1, "its post gets its featured image", row)
    body = q(db, "SELECT body_src FROM articles WHERE slug = 'harbour-at-dawn'")[0][0]
    check(UP + "gone.jpg" not in body and body.count("/media/") >= 2,
          "and the article's <img> of it is shown from this site", body)
    GONE_BACK = False

    # A run without the box keeps the photos fetched before.
    rc, out, err = run_import(db, path)
    check(rc == 0 and q(db, "SELECT count(*) FROM articles WHERE featured_media_id IS NOT NULL")
          == [(3,)] and "posts        0 new, 0 updated, 3 unchanged" in out,
          "a run without --fetch-media keeps the fetched photos", out)

    # The server shows the imported article with the fetched photos.
    hits = old.total()
    s = Server(site=db)
    try:
        r = s.get("/2024/03/05/harbour-at-dawn/")
        jpeg = s.sql("SELECT hash FROM media WHERE mime = 'image/jpeg' AND width = 8")[0][0]
        check(r.status == 200 and "/media/%s" % jpeg in r.text, "the article page shows the "
              "fetched photo from this site", (r.status, r.text[:300]))
        m = re.search(r'/media/([0-9a-f]{64})\.png', r.text)
        check(m and s.get("/media/%s.png" % m.group(1)).status == 200,
              "the featured image is served", m and m.group(0))
        check(old.total() == hits, "showing the page asks nothing of the old site")
    finally:
        s.stop()

    # Without outbound_allow_private, the loopback old site is refused.
    db = new_db(tmp, "private.db", {"upload_max_bytes": CAP})
    hits = old.total()
    rc, out, err = run_import(db, path, "--fetch-media")
    lines = [ln for ln in out.splitlines() if "attachment 40 " in ln]
    check(rc == 0 and len(lines) == 1 and "refused: the address is private or loopback" in
          lines[0] and "outbound_allow_private" in lines[0],
          "a loopback old site is refused without outbound_allow_private", out)
    check(old.total() == hits and q(db, "SELECT count(*) FROM media") == [(0,)],
          "nothing was asked of it, nothing stored", old.hits)
    check("photos fetched from the old site: 0, not fetched: 7" in out, "all seven refused", out)
    site_drop(db)


GONE_BACK = False


def desk(old, tmp):
    """The Tools > Import form with the box."""
    xml = site(old.base).encode()
    s = Server(settings={"outbound_allow_private": 1, "upload_max_bytes": CAP,
                         "timezone": "Europe/Paris"})
    try:
        ppl = T.people(s)
        admin = ppl["admin"]
        r = D.get(s, "/admin/tools/", who=admin)
        check(r.status == 200 and 'name="fetch_media"' in r.text and
              "Download and import the photos from the old site" in r.text and
              "The photos themselves (wp-content/uploads) are imported" not in r.text,
              "the Tools page offers to fetch the photos", r.text[:200])
        # The box unticked: nothing fetched.
        base = s.sql("SELECT coalesce(max(id), 0) FROM media")[0][0]
        files_before = media_files(os.path.join(s.dir, "byline-data"))
        hits = old.total()
        r = T.upload_import(s, admin, xml)
        check(r.status == 303, "the import without the box starts", r.status)
        r = T.wait_report(s, admin)
        check(r is not None and old.total() == hits and
              s.sql("SELECT count(*) FROM media WHERE id > ?", base) == [(0,)],
              "without the box the desk's import fetches nothing", old.hits)
        # Ticked: the photos come (slowly: the progress page shows them).
        old.delay = 0.4
        del T.SEEN[:]
        T.PROGRESS_BAR[0] = False
        fields = [("csrf", admin.csrf), ("fetch_media", "1")]
        r = D.send(s, "/admin/tools/import/", fields, who=admin,
                   files=[("file", "site.xml", "text/xml", xml)])
        check(r.status == 303, "the import with the box starts", r.status)
        r = T.wait_report(s, admin)
        old.delay = 0
        check(any(re.search(r"\d/7 attachments, fetched \d, failed \d", x) for x in T.SEEN)
              and T.PROGRESS_BAR[0], "the desk's progress counts the photos fetched", T.SEEN)
        text = r.text if r else ""
        import html
        check_fetched(old, s.db, html.unescape(text), "the desk", base, files_before)

        # A server told to stop while the old site takes its time stops
        # fetching at once: the import ends without the photos, and the
        # server exits well before the old site would have answered them.
        # (The four still missing are asked for again, the first never answered.)
        old.delay = 60
        hits = old.total()
        r = D.send(s, "/admin/tools/import/", fields, who=admin,
                   files=[("file", "site.xml", "text/xml", xml)])
        check(r.status == 303, "a slow import starts", r.status)
        deadline = time.time() + 30
        while time.time() < deadline and old.total() == hits:
            time.sleep(0.1)
        t0 = time.time()
        s.proc.terminate()
        try:
            s.proc.wait(timeout=50)
        except subprocess.TimeoutExpired:
            pass
        took = time.time() - t0
        print("the server stopped %.1f s after SIGTERM during a fetch" % took)
        check(s.proc.returncode == 0 and took < 20, "a server stopping during a fetch exits "
              "soon (%.1f s), not after the old site's answers" % took, s.proc.returncode)
        saved = open(os.path.join(s.dir, "byline-data", "wordpress-import.txt")).read()
        check(saved.count("stopped: the server is shutting down; its old address is kept") == 4
              and "photos fetched from the old site: 0, not fetched: 4" in saved and
              old.total() == hits + 1,
              "the report says the fetches were stopped", saved[-1500:])
        old.delay = 0
    finally:
        s.stop()


def main():
    old = OldSite()
    orig = old.httpd.RequestHandlerClass.do_GET

    def do_get(self):
        if GONE_BACK and self.path == UP + "gone.jpg":
            with old.lock:
                old.hits[self.path] = old.hits.get(self.path, 0) + 1
            body = D.png(10, 10, (0, 200, 0))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        orig(self)
    old.httpd.RequestHandlerClass.do_GET = do_get
    tmp = tempfile.mkdtemp(prefix="byline-wxr-fetch-")
    try:
        command_line(old, tmp)
        desk(old, tmp)
    finally:
        old.stop()
    done()


if __name__ == "__main__":
    main()
