"""Images stored by an older version, before uploads were normalized (issue 13).

Older versions stored a photo as it came: GPS position, camera serial number
and all.  Each test here builds a database as such a version left it: a
media row written directly (without the normalized column, so it reads as
not normalized, as every row does after migration 30) and its file under the
data folder at the address its hash gave it, named in an article's body and
set as another article's featured image.

- served: the server starts on it; the old address answers 301 to a new file
  that exiftool finds no GPS, no serial and no camera in; the article body
  names the new address; the featured image is the same row with the new
  file; the old file is gone from the disk and no address serves its bytes;
  a variant address of the old file answers 301 too; a corrupt old file is
  marked, not served (404), and reported once in the log (not retried).
- command: `byline media normalize --dry-run` reports what would change and
  writes nothing; `byline media normalize` does it and reports it; a corrupt
  file is reported (exit 1) and retried by the command only; two old files
  that are the same photo once stripped become one image, both articles
  following it.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, site_db, site_drop, skip  # noqa: E402
from test_desk import EDITOR, Who, get, link_token, set_password, sign_in  # noqa: E402

# exiftool's reading of a file, and the tags that must never reach a reader,
# as the upload tests read them.
from test_images import CONVERT, EXIFTOOL, exif, private_tags  # noqa: E402


def photo(path, serial="032021001234", comment=None):
    """An 800x600 photo-like JPEG tagged as a camera tags it."""
    if not os.path.exists(path + ".plain.jpg"):
        subprocess.run([CONVERT, "-size", "800x600", "plasma:fractal", "-blur", "0x1",
                        "-quality", "90", path + ".plain.jpg"], check=True)
    shutil.copy(path + ".plain.jpg", path)
    args = [EXIFTOOL, "-q", "-overwrite_original", "-GPSLatitude=51.5072",
            "-GPSLatitudeRef=N", "-GPSLongitude=0.1276", "-GPSLongitudeRef=W",
            "-Make=Canon", "-Model=Canon EOS 5D Mark IV", "-SerialNumber=" + serial]
    if comment:
        args.append("-UserComment=" + comment)
    subprocess.run(args + [path], check=True)
    return open(path, "rb").read()


def other_photo(path, seed):
    """Another small tagged photo (its own pixels)."""
    subprocess.run([CONVERT, "-seed", str(seed), "-size", "400x300", "plasma:fractal",
                    "-quality", "90", path], check=True)
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", "-GPSLatitude=48.85",
                    "-GPSLatitudeRef=N", "-SerialNumber=77%d" % seed, path], check=True)
    return open(path, "rb").read()


def old_row(s, data, ext="jpg", mime="image/jpeg", w=800, h=600):
    """Stores data as an older version did: the file at its hash's address, a
    row with the columns it wrote.  Returns (id, hash)."""
    h_ = hashlib.sha256(data).hexdigest()
    d = os.path.join(s.dir, "byline-data", "media", h_[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%s.%s" % (h_, ext)), "wb") as f:
        f.write(data)
    s.sql("INSERT INTO media(hash, mime, ext, width, height, bytes, created_at)"
          " VALUES (?, ?, ?, ?, ?, ?, ?)", h_, mime, ext, w, h, len(data), int(time.time()))
    return s.sql("SELECT id FROM media WHERE hash=?", h_)[0][0], h_


def articles(s, work, bodies):
    """Imports one published article per body; returns their ids in order."""
    folder = os.path.join(work, "md")
    os.makedirs(folder, exist_ok=True)
    for i, body in enumerate(bodies):
        with open(os.path.join(folder, "a%d.md" % i), "w") as f:
            f.write("---\ntitle: Harbour story %d\nauthor: Ana Perez\n"
                    "date: 2026-10-2%d 10:00\nsection: City\n---\n%s\n" % (i, i + 1, body))
    run_cli("import-markdown", "--db", s.db, folder)
    return [s.sql("SELECT id FROM articles WHERE headline=?", "Harbour story %d" % i)[0][0]
            for i in range(len(bodies))]


class OldSite:
    """A database as an older version left it, before the server starts."""

    def __init__(self, work, n_more=0):
        self.work = work
        self.n_more = n_more

    def __call__(self, s):
        self.data = photo(os.path.join(self.work, "harbour.jpg"))
        self.mid, self.old = old_row(s, self.data)
        self.old_url = "/media/%s.jpg" % self.old
        self.aids = articles(s, self.work, [
            "The dredger arrived at dawn.\n\n![The harbour](%s)\n\nMore later." % self.old_url,
            "Crews worked through the night.", "The twin story."])
        s.sql("UPDATE articles SET featured_media_id=?, featured_alt='A dredger' WHERE id=?",
              self.mid, self.aids[1])
        s.sql("UPDATE users SET avatar_path=? WHERE display_name='Ana Perez'", self.old_url)
        # A setting naming the file (the site's logo, when settings have one).
        s.sql("INSERT INTO settings(key, value) VALUES ('logo', ?)"
              " ON CONFLICT(key) DO UPDATE SET value = excluded.value", self.old + ".jpg")
        # More old photos, asked for all at once as the server starts.
        self.more = [old_row(s, other_photo(os.path.join(self.work, "o%d.jpg" % i), i + 1),
                             w=400, h=300) for i in range(self.n_more)]
        self.more_data = {h: open(os.path.join(self.work, "o%d.jpg" % i), "rb").read()
                          for i, (_, h) in enumerate(self.more)}
        # A file cut short: an older version stored what it was sent.
        self.bad_id, self.bad = old_row(s, self.data[:len(self.data) // 3] + b"\0" * 64)


def served():
    work = tempfile.mkdtemp(prefix="byline-oldmedia-")
    site = OldSite(work, n_more=6)
    s = Server(before=site)
    try:
        try:
            state = s.sql("SELECT normalized FROM media WHERE id=?", site.mid)
        except Exception as e:  # a version without migration 30
            state = e
        check(state in ([(0,)], [(1,)]), "an old row reads as not normalized (or is done)",
              state)
        # Readers asking for every old photo at once, while the worker is
        # at them too: each answer is a 301 to a stripped file, never the
        # old bytes.
        answers = {}

        def fetch(h):
            answers[h] = s.get("/media/%s.jpg" % h)
        threads = [threading.Thread(target=fetch, args=(h,)) for _, h in site.more]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for h, r in answers.items():
            loc = re.sub(r"^https?://[^/]+", "", r.header("Location") or "")
            ok = r.status == 301 and loc.startswith("/media/") and h not in loc
            if ok:
                got = s.get(loc)
                ok = got.status == 200 and got.body != site.more_data[h] and \
                    not private_tags(exif(got.body))
            check(ok, "old photo %s… asked for at start: 301 to a stripped file" % h[:8],
                  (r.status, loc))
        # The first request for the old address: whether the worker or this
        # request normalized it, the answer is a 301 to the new file.
        r = s.get(site.old_url)
        loc = r.header("Location") or ""
        check(r.status == 301 and re.fullmatch(r"(https?://[^/]+)?/media/[0-9a-f]{64}\.jpg", loc)
              and site.old not in loc,
              "the old address answers 301 to a new file", (r.status, loc, r.body[:80]))
        new_url = re.sub(r"^https?://[^/]+", "", loc)
        new = s.get(new_url)
        check(new.status == 200 and new.body != site.data and
              new.header("Content-Type") == "image/jpeg", "the new file is served",
              (new.status, new.header("Content-Type")))
        tags = exif(new.body)
        check(not private_tags(tags) and not any("GPS" in k for k in tags),
              "the new file has no GPS, serial or camera (exiftool)", private_tags(tags))
        check(s.sql("SELECT id, normalized FROM media WHERE hash=?", new_url[7:71]) ==
              [(site.mid, 1)], "the row kept its id, took the new hash, is marked normalized")
        check(not os.path.exists(os.path.join(s.dir, "byline-data", "media", site.old[:2],
                                              site.old + ".jpg")),
              "the old file is gone from the disk")
        body = s.sql("SELECT body_src, body_html FROM articles WHERE id=?", site.aids[0])[0]
        check(new_url in body[0] and site.old not in body[0] and new_url in body[1] and
              site.old not in body[1], "the article body names the new address", body)
        r = s.get("/?p=%d" % site.aids[0])
        page = s.get(re.sub(r"^https?://[^/]+", "", r.header("Location") or "/"))
        check(page.status == 200 and new_url in page.text and site.old not in page.text,
              "the article page shows the new file", page.status)
        r = s.get("/?p=%d" % site.aids[1])
        page = s.get(re.sub(r"^https?://[^/]+", "", r.header("Location") or "/"))
        check(s.sql("SELECT featured_media_id FROM articles WHERE id=?", site.aids[1]) ==
              [(site.mid,)] and new_url[7:71] in page.text and site.old not in page.text,
              "the featured image still works, with the new file", page.status)
        check(s.sql("SELECT value FROM settings WHERE key='logo'") ==
              [(new_url[7:],)], "a setting naming the old file names the new one")
        check(s.sql("SELECT avatar_path FROM users WHERE display_name='Ana Perez'") ==
              [(new_url,)], "an author's photo names the new file")
        # Nothing serves the old bytes: not the old address, not a variant
        # name of it, not a new file of the library.
        for u in (site.old_url, "/media/%s-640.jpg" % site.old,
                  "/media/%s-social.jpg" % site.old, "/media/%s-640.webp" % site.old):
            r = s.get(u)
            check(r.status in (301, 404) and r.body != site.data,
                  "%s does not serve the old bytes" % u[:20], r.status)
        deadline = time.time() + 60
        while time.time() < deadline and s.sql(
                "SELECT count(*) FROM media WHERE normalized=0")[0][0]:
            time.sleep(0.2)
        for (h, ext) in s.sql("SELECT hash, ext FROM media WHERE normalized=1"):
            got = s.get("/media/%s.%s" % (h, ext))
            check(got.status == 200 and got.body != site.data and
                  not any("GPS" in k for k in exif(got.body)), "%s… has no GPS" % h[:8])
        # The corrupt file: marked, never served, not tried again.
        check(s.sql("SELECT normalized FROM media WHERE id=?", site.bad_id) == [(-1,)],
              "the corrupt old file is marked as impossible")
        r = s.get("/media/%s.jpg" % site.bad)
        check(r.status == 404, "the corrupt old file is not served", r.status)
        ed = Who(EDITOR, "ed@example.com", "Ed Editor", "a long editor password")
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", ed.email, "--name",
                               ed.name, "--role", "editor", check_rc=False)
        set_password(s, link_token(out), ed.pw)
        ed.cookie, ed.csrf = sign_in(s, ed)
        r = get(s, "/admin/media/%d/" % site.bad_id, ed)
        check(r.status == 200 and "could not be read as an image" in r.text,
              "the desk's screen of the corrupt image says so", r.status)
        r = get(s, "/admin/media/%d/" % site.mid, ed)
        check(r.status == 200 and "could not be read" not in r.text,
              "and the normalized one's does not")
        time.sleep(1.5)  # several worker turns
        check(s.sql("SELECT normalized FROM media WHERE id=?", site.bad_id) == [(-1,)],
              "still marked, not taken up again")
    finally:
        s.proc.terminate()
        s.proc.wait(timeout=30)
        log = s.proc.stderr.read()
        s.proc.stderr = open(os.devnull)
        check(log.count("media %d (" % site.bad_id) == 1 and "cannot be normalized" in log,
              "the corrupt old file is reported in the log once", log[-1500:])
        s.stop()
        shutil.rmtree(work, ignore_errors=True)


def command_site():
    """A database as an older version left it, with no server ever started."""
    d = tempfile.mkdtemp(prefix="byline-test-")
    work = tempfile.mkdtemp(prefix="byline-oldmedia-")

    class S:
        pass
    s = S()
    s.dir, s.db, s._pg = d, site_db(d), None
    run_cli("settings", "--db", s.db, "list")
    s.sql = lambda q, *a: Server.sql(s, q, *a)
    site = OldSite(work)
    site(s)
    # The same photo stored again by an older version with other metadata:
    # once stripped, the same image.
    twin = photo(os.path.join(work, "harbour.jpg"), serial="999", comment="second copy")
    site.twin_id, site.twin = old_row(s, twin)
    site.twin_aid = site.aids[2]
    s.sql("UPDATE media SET title='Harbour at dawn' WHERE id=?", site.mid)
    s.sql("UPDATE articles SET featured_media_id=? WHERE id=?", site.twin_id, site.twin_aid)
    return s, site, work


def command_test():
    s, site, work = command_site()
    files = lambda: sorted(os.path.join(r, f) for r, _, fs in  # noqa: E731
                           os.walk(os.path.join(s.dir, "byline-data")) for f in fs)
    before_files = files()
    before_rows = s.sql("SELECT id, hash, normalized FROM media ORDER BY id")
    rc, out, err = run_cli("media", "--db", s.db, "normalize", "--dry-run", check_rc=False)
    check(rc == 1 and ("media %d: %s would become /media/" % (site.mid, site.old_url)) in out
          and "named in 1 article, 0 pages, 1 setting" in out and
          ("media %d: /media/%s.jpg cannot be normalized" % (site.bad_id, site.bad)) in out and
          out.strip().splitlines()[-1].startswith("dry run: 3 images to normalize"),
          "--dry-run says what would change, and what cannot be", (rc, out, err))
    check(files() == before_files and
          s.sql("SELECT id, hash, normalized FROM media ORDER BY id") == before_rows and
          site.old_url in s.sql("SELECT body_src FROM articles WHERE id=?", site.aids[0])[0][0],
          "--dry-run writes nothing")

    rc, out, err = run_cli("media", "--db", s.db, "normalize", check_rc=False)
    m = re.search(r"media %d: %s is now (/media/[0-9a-f]{64}\.jpg)" % (site.mid, site.old_url),
                  out)
    check(rc == 1 and m and "cannot be normalized" in out and
          "merged into it" in out, "normalize reports what changed (exit 1: one cannot be)",
          (rc, out, err))
    new_url = m.group(1) if m else "/media/x"
    rows = s.sql("SELECT id, hash, normalized FROM media ORDER BY id")
    kept = [r for r in rows if r[0] != site.bad_id]
    check(len(kept) == 1 and kept[0][0] in (site.mid, site.twin_id) and
          kept[0][1:] == (new_url[7:71], 1) and (site.bad_id, site.bad, -1) in rows,
          "one image left of the twins, with the new file; the corrupt one marked", rows)
    kept_id = kept[0][0] if kept else 0
    check(s.sql("SELECT featured_media_id FROM articles WHERE id IN (?, ?) ORDER BY id",
                site.aids[1], site.twin_aid) == [(kept_id,), (kept_id,)],
          "both articles' featured image is the image kept")
    check(s.sql("SELECT title FROM media WHERE id=?", kept_id) == [("Harbour at dawn",)],
          "the image kept took the description the other had")
    body = s.sql("SELECT body_src, body_html FROM articles WHERE id=?", site.aids[0])[0]
    check(new_url in body[0] and new_url in body[1] and site.old not in body[0] + body[1],
          "the body names the new address")
    redirects = dict(s.sql("SELECT from_path, to_path FROM redirects"))
    check(redirects.get(site.old_url) == new_url and
          redirects.get("/media/%s.jpg" % site.twin) == new_url,
          "both old addresses redirect to the new one", redirects)
    left = [f for f in files() if site.old in f or site.twin in f]
    check(not left, "the old files are removed", left)
    stored = open(os.path.join(s.dir, "byline-data", "media", new_url[7:9], new_url[7:]),
                  "rb").read()
    check(not private_tags(exif(stored)), "the stored file has no GPS or camera")

    rc, out, err = run_cli("media", "--db", s.db, "normalize", check_rc=False)
    check(rc == 1 and len([l for l in out.splitlines() if l.startswith("media ")]) == 1 and "cannot be normalized" in out and
          "1 image to normalize" in out, "run again: only the corrupt one, tried again",
          (rc, out))
    s.sql("DELETE FROM media WHERE id=?", site.bad_id)
    rc, out, err = run_cli("media", "--db", s.db, "normalize", check_rc=False)
    check(rc == 0 and "0 images to normalize" in out, "nothing left: exit 0", (rc, out))
    rc, out, err = run_cli("media", "--db", s.db, "frobnicate", check_rc=False)
    check(rc == 2 and "usage" in err, "a wrong subcommand is misuse (exit 2)", (rc, err))
    if s._pg is not None:
        s._pg.close()
    site_drop(s.db)
    shutil.rmtree(s.dir, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


def main():
    if not EXIFTOOL or not CONVERT:
        skip("old media", "exiftool or ImageMagick's convert is not installed")
        return done()
    served()
    command_test()
    done()


if __name__ == "__main__":
    main()
