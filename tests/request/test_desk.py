"""The newsroom desk (issue 3): accounts and password links, sessions and
sign-in throttling, the permission matrix over every admin route, CSRF on
every state-changing route, the editor, revisions, scheduling (also across
a restart), uploads, and the moderation inbox.

One server carries most of it (users made with `byline user`, passwords set
through the one-time links); a restart on the same database checks what
came due while the server was down and the https cookie flag."""
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import tempfile
import urllib.parse
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BYLINE, PG, REPO, Server, check, done, run_cli,  # noqa: E402
                     site_drop, write_article)

ROUTE_C = os.path.join(REPO, "src", "web", "route.c")
COOKIE = "byline_session"
EVIL = "https://evil.example"
# The site's zone is not UTC, so that "publish at HH:MM" and the dates in
# article addresses are seen to follow it.
ZONE_NAME = "America/New_York"
ZONE = ZoneInfo(ZONE_NAME)

NONE, CONTRIB, AUTHOR, EDITOR, ADMIN = 0, 1, 2, 3, 4
ROLE_NAMES = {CONTRIB: "contributor", AUTHOR: "author", EDITOR: "editor", ADMIN: "administrator"}
LEVEL_NAMES = {NONE: "logged out", CONTRIB: "contributor", AUTHOR: "author", EDITOR: "editor",
               ADMIN: "administrator"}

# Every admin route that needs a role, as route.c should have it (WordPress's
# meaning of the roles): method, path with named holes, minimum role.
# {aid}/{rev}: the requesting role's own draft and its revision; {cid}: a
# comment; {uid}: an account; {pid}: a static page ({prev}: its first
# revision); {tpg}: a page made for the request to trash; {did}: a page in the
# trash made for the request to restore or delete; {mid}: an image the author (author2) uploaded;
# {mxid}: one uploaded by them for the request to delete.
TABLE = [
    ("GET", "/admin/", CONTRIB),
    ("GET", "/admin/articles/", CONTRIB),
    ("GET", "/admin/articles/new", CONTRIB),
    ("POST", "/admin/articles/new", CONTRIB),
    ("GET", "/admin/articles/{aid}/", CONTRIB),
    ("POST", "/admin/articles/{aid}/", CONTRIB),
    ("GET", "/admin/articles/{aid}/preview", CONTRIB),
    ("POST", "/admin/articles/{aid}/notes", AUTHOR),
    ("POST", "/admin/articles/{aid}/notes/{nid}/delete", EDITOR),
    ("GET", "/admin/articles/{aid}/revisions/", CONTRIB),
    ("GET", "/admin/articles/{aid}/revisions/{rev}/", CONTRIB),
    ("POST", "/admin/articles/{aid}/revisions/{rev}/", CONTRIB),
    ("POST", "/admin/articles/preview", CONTRIB),
    ("POST", "/admin/autosave", CONTRIB),
    ("POST", "/admin/autosave/dismiss", CONTRIB),
    ("GET", "/admin/csrf", CONTRIB),
    ("GET", "/admin/pages/", EDITOR),
    ("GET", "/admin/pages/new", EDITOR),
    ("POST", "/admin/pages/new", EDITOR),
    ("GET", "/admin/pages/{pid}/", EDITOR),
    ("POST", "/admin/pages/{pid}/", EDITOR),
    ("POST", "/admin/pages/preview", EDITOR),
    ("GET", "/admin/pages/{pid}/revisions/", EDITOR),
    ("GET", "/admin/pages/{pid}/revisions/{prev}/", EDITOR),
    ("POST", "/admin/pages/{pid}/revisions/{prev}/", EDITOR),
    ("POST", "/admin/pages/{tpg}/trash", EDITOR),
    ("POST", "/admin/pages/{did}/restore", EDITOR),
    ("POST", "/admin/pages/{did}/delete", ADMIN),
    # Authors moderate the comments on their own articles ({cid} is on one
    # of author2's, the matrix's author); which ones: moderation_rights().
    ("GET", "/admin/comments/", AUTHOR),
    ("POST", "/admin/comments/", AUTHOR),
    ("GET", "/admin/comments/{cid}/", AUTHOR),
    ("POST", "/admin/comments/{cid}/", AUTHOR),
    ("GET", "/admin/front/", EDITOR),
    ("POST", "/admin/front/", EDITOR),
    ("GET", "/admin/media/", AUTHOR),
    ("POST", "/admin/media/", AUTHOR),
    ("GET", "/admin/media/{mid}/", AUTHOR),
    ("POST", "/admin/media/{mid}/", AUTHOR),
    ("POST", "/admin/media/{mid}/replace", AUTHOR),
    ("POST", "/admin/media/{mxid}/delete", AUTHOR),
    ("GET", "/admin/media/pick", CONTRIB),
    ("POST", "/admin/media/pick", CONTRIB),
    ("GET", "/admin/profile", CONTRIB),
    ("POST", "/admin/profile", CONTRIB),
    ("GET", "/admin/settings", ADMIN),
    ("POST", "/admin/settings", ADMIN),
    ("GET", "/admin/settings/identity", ADMIN),
    ("POST", "/admin/settings/identity", ADMIN),
    ("GET", "/admin/users/", ADMIN),
    ("POST", "/admin/users/", ADMIN),
    ("POST", "/admin/users/{uid}/", ADMIN),
    # Accounts (issue 15): one's password and sessions; deleting an account
    # ({duid}: one made for the request to delete).
    ("POST", "/admin/profile/password", CONTRIB),
    ("POST", "/admin/profile/sessions", CONTRIB),
    # Application passwords (the REST API): {apid} one of the requester's own.
    ("POST", "/admin/profile/app-passwords", CONTRIB),
    ("POST", "/admin/profile/app-passwords/{apid}/revoke", CONTRIB),
    ("GET", "/admin/users/{uid}/delete", ADMIN),
    ("POST", "/admin/users/{duid}/delete", ADMIN),
    ("GET", "/admin/tools/", ADMIN),
    ("GET", "/admin/tools/import/", ADMIN),
    ("POST", "/admin/tools/import/", ADMIN),
    ("GET", "/admin/tools/export.xml", ADMIN),
    ("POST", "/admin/logout", CONTRIB),
    # Issue 15: trash ({tid}: the role's own draft; {rid}: its own trashed
    # article; {pub}: its own published one; {xid}: a trashed one),
    # sections ({sec}; {dsec}: one made to delete), tags, menus.
    ("POST", "/admin/articles/{tid}/trash", CONTRIB),
    ("POST", "/admin/articles/{rid}/restore", CONTRIB),
    ("POST", "/admin/articles/{pub}/unpublish", CONTRIB),
    ("POST", "/admin/articles/{xid}/delete", ADMIN),
    ("GET", "/admin/sections/", EDITOR),
    ("POST", "/admin/sections/", EDITOR),
    ("GET", "/admin/sections/{sec}/", EDITOR),
    ("POST", "/admin/sections/{sec}/", EDITOR),
    ("POST", "/admin/sections/{dsec}/delete", EDITOR),
    ("GET", "/admin/tags/", EDITOR),
    ("GET", "/admin/tags/{tag}/", EDITOR),
    ("POST", "/admin/tags/{tag}/", EDITOR),
    ("GET", "/admin/menus/", ADMIN),
    ("POST", "/admin/menus/", ADMIN),
    ("POST", "/admin/dictionary/", EDITOR),
    # Issue 16: webhooks ({wid}: one made for the request to delete).
    ("GET", "/admin/tools/webhooks/", ADMIN),
    ("POST", "/admin/tools/webhooks/", ADMIN),
    ("POST", "/admin/tools/webhooks/{wid}/delete", ADMIN),
    ("POST", "/admin/tools/webhooks/{wid}/test", ADMIN),
    ("POST", "/admin/tools/webhooks/{wid}/pause", ADMIN),
    ("POST", "/admin/tools/webhooks/{wid}/resume", ADMIN),
    ("GET", "/admin/comments/webmentions/", AUTHOR),
]

SETTINGS_FORM_KEYS = ["site_title", "tagline", "base_url", "timezone", "date_format",
                      "posts_per_page", "comments_open", "comments_close_days", "moderation",
                      "comment_max_links", "blocklist", "https", "session_idle_seconds",
                      "session_max_seconds", "upload_max_bytes", "import_max_mb", "smtp_url", "smtp_from"]
CHECKBOXES = ("comments_open", "https")


# ---------------------------------------------------------------- images

def png(w, h, rgb=(200, 30, 30), noise=False):
    rows = []
    for y in range(h):
        row = os.urandom(w * 3) if noise else bytes(rgb) * w
        rows.append(b"\x00" + row)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def png_claiming(w, h):
    """A PNG of a few dozen bytes whose header claims w by h: its one row of
    data is all the file holds (the structure check decodes no pixels)."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00")) + chunk(b"IEND", b""))


def jpeg_8x8():
    """A baseline 8x8 grey JPEG built by hand: one block, DC 0, end of block."""
    b = b"\xff\xd8"
    b += b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b += b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + b"\x01" * 64
    b += b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"
    for table in (0x00, 0x10):  # DC 0 and AC 0: one code of length 1 for symbol 0
        b += b"\xff\xc4" + struct.pack(">H", 20) + bytes([table]) + b"\x01" + b"\x00" * 15 + b"\x00"
    b += b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00"
    b += b"\x3f"                  # bits 0 (DC diff 0), 0 (EOB), padded with ones
    return b + b"\xff\xd9"


GIF_1x1 = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
           b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00"
           b"\x02\x02D\x01\x00;")
WEBP_1x1 = (b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
            b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
PHP = b"<?php system($_GET['c']); ?>\n"


# ---------------------------------------------------------------- helpers

def multipart(fields, files=()):
    """(body, content type) for fields [(name, value)] and files
    [(name, filename, type, bytes)]."""
    boundary = "----bylinetest%s" % hashlib.md5(os.urandom(8)).hexdigest()
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                    % (boundary, name)).encode() + str(value).encode() + b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode() +
                   data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=%s" % boundary


class Fields(list):
    """Form fields that remember whose form they are (for send's cookie)."""

    def __init__(self, items, who):
        super().__init__(items)
        self.who = who


def send(s, path, fields, who=None, files=(), mp=False, headers=None, ip=None, cookie=None):
    """POSTs fields (a dict or [(name, value)]) as the signed-in `who`."""
    if who is None and cookie is None:
        who = getattr(fields, "who", None)
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    h = dict(headers or {})
    c = cookie if cookie is not None else (who.cookie if who else None)
    if c:
        h["Cookie"] = "%s=%s" % (COOKIE, c)
    if mp or files:
        body, ctype = multipart(fields, files)
    else:
        body, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    h["Content-Type"] = ctype
    return s.request("POST", path, body=body, headers=h, ip=ip)


def get(s, path, who=None, cookie=None, **kw):
    c = cookie if cookie is not None else (who.cookie if who else None)
    h = dict(kw.pop("headers", {}) or {})
    if c:
        h["Cookie"] = "%s=%s" % (COOKIE, c)
    return s.get(path, headers=h, **kw)


def session_cookie(r):
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            return sc.split("=", 1)[1].split(";", 1)[0], sc
    return None, None


def form_message(html):
    m = re.search(r'class="form-message"[^>]*>(.*?)</p>', html, re.S)
    return m.group(1).strip() if m else None


def csrf_in(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    return m.group(1) if m else None


def local(ts):
    return datetime.fromtimestamp(ts, ZONE)


def article_path(published_at, slug):
    return local(published_at).strftime("/%Y/%m/%d/") + slug + "/"


def local_day(days=0):
    """The site's date, `days` from now, as YYYY-MM-DD."""
    return (datetime.now(ZONE) + timedelta(days=days)).strftime("%Y-%m-%d")


_ip = [0]


def new_ip(prefix="198.51.100"):
    _ip[0] += 1
    return "%s.%d" % (prefix, _ip[0] % 250 + 1)


class Who:
    def __init__(self, role, email, name, pw):
        self.role, self.email, self.name, self.pw = role, email, name, pw
        self.cookie = self.csrf = None
        self.id = None


def login(s, email, pw, ip=None, cookie=None, nxt=None, headers=None):
    # A browser's form post says where it comes from; one that says nothing
    # is refused (test_signin.py).
    h = {"Origin": s.base}
    h.update(headers or {})
    if cookie:
        h["Cookie"] = "%s=%s" % (COOKIE, cookie)
    form = {"email": email, "password": pw}
    if nxt is not None:
        form["next"] = nxt
    return s.post("/admin/login", form, headers=h, ip=ip)


def sign_in(s, who, ip=None):
    """Signs `who` in; returns (cookie, csrf)."""
    r = login(s, who.email, who.pw, ip=ip)
    cookie, _ = session_cookie(r)
    if not check(r.status == 303 and cookie, "%s signs in" % who.email, (r.status, r.text[:300])):
        return None, None
    page = get(s, "/admin/profile", cookie=cookie)
    return cookie, csrf_in(page.text)


def link_token(out):
    m = re.search(r"/admin/password\?token=(\S+)", out)
    return m.group(1) if m else None


def data_files(s):
    """Files under the data folder, but not the variants (HASH-640.jpg,
    HASH-social.jpg) the background worker makes of earlier uploads, nor
    its temporary files: those come and go on their own."""
    root = os.path.join(s.dir, "byline-data")
    found = set()
    for d, _, files in os.walk(root):
        for f in files:
            if re.search(r"-(\d+|social)\.\w+$", f) or (f.startswith(".upload-") and
                                                        "media" in d):
                continue
            found.add(os.path.relpath(os.path.join(d, f), root))
    return found


def snapshot(s):
    """What a refused request must not change."""
    q = {
        "articles": "SELECT count(*), max(updated_at) FROM articles",
        "revisions": "SELECT count(*) FROM revisions",
        "comments": "SELECT group_concat(id || status || body, '|') FROM comments",
        "users": "SELECT group_concat(id || role || display_name || slug || bio, '|') FROM users",
        "links": "SELECT count(*) FROM password_links",
        "media": "SELECT count(*), group_concat(hash || title || alt, ',') FROM media",
        "settings": "SELECT group_concat(key || '=' || value, '|') FROM settings",
        "sessions": "SELECT count(*) FROM sessions",
        "pages": "SELECT group_concat(id || status || title || slug ||"
                 " COALESCE(CAST(trashed_at AS TEXT), '-'), '|') FROM pages",
        "page_revisions": "SELECT count(*) FROM page_revisions",
        "notes": "SELECT group_concat(id || kind || body_src, '|') FROM article_notes",
        "bylines": "SELECT group_concat(article_id || ':' || user_id || ':' || position, '|')"
                   " FROM article_authors",
        "trash": "SELECT group_concat(id || status || COALESCE(CAST(trashed_at AS TEXT), '-'),"
                 " '|') FROM articles",
        "sections": "SELECT group_concat(id || name || slug ||"
                    " COALESCE(CAST(parent_id AS TEXT), '-') || position || description, '|')"
                    " FROM sections",
        "tags": "SELECT group_concat(id || name || slug, '|') FROM tags",
        "app_passwords": "SELECT group_concat(id || ':' || user_id || name, '|')"
                         " FROM app_passwords",
        "menus": "SELECT group_concat(id || menu || position || depth || label, '|')"
                 " FROM menu_items",
        "autosaves": "SELECT group_concat(COALESCE(article_id, 0) || ':' || user_id || ':' ||"
                     " body_src, '|') FROM autosaves",
        "words": "SELECT group_concat(word, '|') FROM site_words",
        "front": "SELECT group_concat(article_id || slot || position || pinned_until, '|')"
                 " FROM front_picks",
        "icons": "SELECT count(*) FROM site_icons",
        "webhooks": "SELECT group_concat(id || url || events ||"
                    " COALESCE(CAST(paused_at AS TEXT), ''), '|')"
                    " || (SELECT count(*) FROM webhook_deliveries) FROM webhooks",
    }
    return {k: [tuple(unordered(x) for x in row) for row in s.sql(v)] for k, v in q.items()}


def unordered(value):
    """A group_concat's text as the sorted list of its parts: SQLite joins
    rows in their table's order, PostgreSQL's string_agg in whatever order
    its plan reads them (an updated row moves), so a refused request is
    judged by what the rows hold, not their order."""
    if not isinstance(value, str):
        return value
    return sorted(part for chunk in value.split("|") for part in chunk.split(","))


def published_id(s):
    """A published article (the front page takes only those)."""
    return s.sql("SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")[0][0]


def snapshot_diff(a, b):
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


# ---------------------------------------------------------------- the test

def main():
    t0 = time.time()
    folder = tempfile.mkdtemp(prefix="byline-desk-import-")
    write_article(folder, "seed.md", title="An imported article", author="Imported Writer",
                  date="2024-06-12 10:15", section="World", body="Imported so that the "
                  "site starts without the demo content.\n")

    def seed(srv):
        run_cli("import-markdown", "--db", srv.db, folder)
    s = Server(settings={"session_idle_seconds": 300, "session_max_seconds": 600,
                         "timezone": ZONE_NAME}, before=seed)
    shutil.rmtree(folder, ignore_errors=True)
    restarted = None
    try:
        people = accounts(s)
        sessions(s, people)
        data_folder(s, people)
        arts = editor_flows(s, people)
        uploads(s, people, arts)
        moderation(s, people, arts)
        moderation_rights(s, people, arts)
        matrix(s, people, arts)
        csrf(s, people, arts)
        late = scheduling(s, people)
        restarted = restart(s, people, late)
    finally:
        if restarted is not None:
            restarted.stop()
        elif s.proc.stdout.closed:        # halted for the restart, which failed
            site_drop(s.db)
            shutil.rmtree(s.dir, ignore_errors=True)
        else:
            s.stop()
    print("(desk tests took %.1f s)" % (time.time() - t0))
    done()


# ---------------------------------------------------------------- accounts

def set_password(s, token, pw, again=None):
    return s.post("/admin/password", {"token": token, "password": pw,
                                      "password2": pw if again is None else again},
                  headers={"Origin": s.base})


def accounts(s):
    people = {
        "admin": Who(ADMIN, "admin@example.com", "Ada Admin", "correct horse battery admin"),
        "editor": Who(EDITOR, "editor@example.com", "Ed Editor", "editor's own long phrase"),
        "author": Who(AUTHOR, "author@example.com", "Aud Author", "x" * 1024),
        "author2": Who(AUTHOR, "author2@example.com", "Bea Second", "é" * 12),
        "contrib": Who(CONTRIB, "contrib@example.com", "Cy Contributor", "twelve chars"),
        "victim": Who(CONTRIB, "victim@example.com", "Vic Throttled", "victim's good password"),
    }
    tokens = {}
    for key, w in people.items():
        rc, out, err = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                               "--role", ROLE_NAMES[w.role], check_rc=False)
        tok = link_token(out)
        check(rc == 0 and tok, "user add %s prints a one-time link" % key, out + err)
        tokens[key] = tok
        w.id = s.sql("SELECT id FROM users WHERE email=?", w.email)[0][0]
        check(s.sql("SELECT role FROM users WHERE id=?", w.id) == [(ROLE_NAMES[w.role],)],
              "user add stores role %s" % ROLE_NAMES[w.role])
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "x@example.com", "--name", "X",
                           "--role", "superuser", check_rc=False)
    check(rc != 0 and "/admin/password" not in out, "user add refuses an unknown role", out + err)
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "admin@example.com",
                           "--name", "Again", "--role", "author", check_rc=False)
    check(rc != 0, "user add refuses a second account with one email", out + err)
    # Valid 24 hours.
    exp = s.sql("SELECT max(expires_at) FROM password_links")[0][0]
    check(abs(exp - (time.time() + 86400)) < 120, "link valid 24 h", exp - time.time())

    # The password form and its policy.
    tok = tokens["contrib"]
    r = s.get("/admin/password?token=" + tok)
    check(r.status == 200 and 'name="password2"' in r.text, "link opens the password form",
          r.status)
    # The token in the address never leaves the site; the form's own POST
    # still carries its origin (browsers send "Origin: null" under
    # no-referrer, which the same-origin check rightly refuses).
    check(r.headers_all("Referrer-Policy") == ["same-origin"],
          "password page keeps its address to the site", r.headers_all("Referrer-Policy"))
    r = set_password(s, tok, "elevenchars")
    check(r.status == 422 and "at least 12 characters" in r.text, "11 characters refused",
          r.status)
    r = set_password(s, tok, "é" * 11)
    check(r.status == 422 and "at least 12" in r.text, "11 two-byte characters refused")
    r = set_password(s, tok, "y" * 1025)
    check(r.status == 422 and "1,024" in r.text, "1,025 characters refused", r.status)
    r = set_password(s, tok, "twelve chars", "twelve charz")
    check(r.status == 422 and "not the same" in r.text, "mismatch refused", r.status)
    r = set_password(s, tok, "twelve chars", "")
    check(r.status == 422, "empty confirmation refused", r.status)
    check(s.sql("SELECT password_hash FROM users WHERE id=?", people["contrib"].id)[0][0]
          in (None, ""), "refusals set no password")
    for key, w in people.items():
        r = set_password(s, tokens[key], w.pw)
        check(r.status == 303 and r.header("Location") == "/admin/login?password_set=1",
              "password set for %s (%d chars)" % (key, len(w.pw)), (r.status, r.text[:300]))
    # Single use.
    r = s.get("/admin/password?token=" + tokens["contrib"])
    check(r.status == 404 and "not valid" in r.text, "used link: 404 page", r.status)
    check('name="password"' not in r.text, "used link shows no form")
    r = set_password(s, tokens["contrib"], "another good password")
    check(r.status == 404, "used link refuses a second password", r.status)
    r = s.get("/admin/password?token=nonsense")
    check(r.status == 404, "unknown link: 404", r.status)
    hashed = s.sql("SELECT password_hash FROM users WHERE id=?", people["author"].id)[0][0]
    check(hashed and "x" * 20 not in hashed and hashed.startswith("$argon2id$"),
          "passwords stored as argon2id hashes", (hashed or "")[:40])

    # reset-link: a new link; the new password replaces the old one and
    # ends the account's sessions.
    w = people["editor"]
    cookie, _ = sign_in(s, w)
    rc, out, err = run_cli("user", "--db", s.db, "reset-link", w.email, check_rc=False)
    tok = link_token(out)
    check(rc == 0 and tok, "reset-link prints a new link", out + err)
    rc2, out2, _ = run_cli("user", "--db", s.db, "reset-link", "nobody@example.com",
                           check_rc=False)
    check(rc2 != 0 and "/admin/password" not in out2, "reset-link for an unknown email fails")
    old_pw = w.pw
    w.pw = "the editor's brand new phrase"
    r = set_password(s, tok, w.pw)
    check(r.status == 303, "reset link sets a new password", r.status)
    r = login(s, w.email, old_pw, ip=new_ip("192.0.2"))
    check(r.status == 422, "the old password no longer works", r.status)
    r = get(s, "/admin/", cookie=cookie)
    check(r.status == 303, "a password reset ends the account's sessions", r.status)
    # An expired link.
    rc, out, _ = run_cli("user", "--db", s.db, "reset-link", people["victim"].email)
    tok = link_token(out)
    s.sql("UPDATE password_links SET expires_at = ? WHERE token_hash = ?", int(time.time()) - 1,
          hashlib.sha256(tok.encode()).hexdigest())
    r = s.get("/admin/password?token=" + tok)
    check(r.status == 404, "a link older than 24 h: 404", r.status)
    check(s.sql("SELECT count(*) FROM password_links WHERE token_hash = ?",
                hashlib.sha256(tok.encode()).hexdigest())[0][0] == 1,
          "links stored as hashes of the token")

    # Everyone signs in; the cookie's flags.
    for key, w in people.items():
        r = login(s, w.email, w.pw)
        cookie, line = session_cookie(r)
        check(r.status == 303 and cookie, "%s signs in: 303 + cookie" % key,
              (r.status, form_message(r.text)))
        if key == "admin":
            check("HttpOnly" in line and "SameSite=Lax" in line and "Path=/" in line,
                  "session cookie HttpOnly, SameSite=Lax, Path=/", line)
            check("Secure" not in line, "no Secure flag while https is 0", line)
            check(len(cookie) >= 32, "session token is long and random", cookie)
            check(s.sql("SELECT count(*) FROM sessions WHERE token_hash = ?", cookie)[0][0] == 0
                  and s.sql("SELECT count(*) FROM sessions WHERE token_hash = ?",
                            hashlib.sha256(cookie.encode()).hexdigest())[0][0] == 1,
                  "the database keeps only the token's hash")
        w.cookie = cookie
        page = get(s, "/admin/", who=w)
        w.csrf = csrf_in(page.text)
        check(page.status == 200 and w.csrf, "%s sees the dashboard" % key, page.status)
        check("(%s)" % ROLE_NAMES[w.role].capitalize() in page.text,
              "dashboard names %s's role" % key)
    return people


# ---------------------------------------------------------------- sessions

def sessions(s, people):
    admin = people["admin"]
    # Rotation: a cookie planted before sign-in is not the one after.
    planted = "0123456789abcdef0123456789abcdef"
    r = login(s, admin.email, admin.pw, cookie=planted)
    first, _ = session_cookie(r)
    check(r.status == 303 and first and first != planted, "sign-in replaces a planted cookie")
    r = login(s, admin.email, admin.pw, cookie=first)
    second, _ = session_cookie(r)
    check(second and second != first, "every sign-in issues a new token")
    check(get(s, "/admin/", cookie=first).status == 303,
          "the cookie sent to sign-in is ended by it")
    check(get(s, "/admin/", cookie=second).status == 200, "the new cookie works")
    check(get(s, "/admin/", who=admin).status == 200, "other sessions of the account live on")

    # next= after sign-in; and never off-site.
    r = get(s, "/admin/articles/?status=draft")
    loc = r.header("Location") or ""
    check(r.status == 303 and loc.startswith("/admin/login?next=") and
          urllib.parse.unquote(loc.split("next=", 1)[1]) == "/admin/articles/?status=draft",
          "logged-out page: 303 to sign-in with next", (r.status, loc))
    r = s.get(loc)
    check(r.status == 200 and 'name="next" value="/admin/articles/?status=draft"' in r.text,
          "sign-in form carries next", r.text[:0])
    r = login(s, admin.email, admin.pw, nxt="/admin/articles/?status=draft")
    check(r.status == 303 and r.header("Location") == "/admin/articles/?status=draft",
          "sign-in returns to next", r.header("Location"))
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = login(s, admin.email, admin.pw, nxt=bad)
        check(r.status == 303 and r.header("Location") == "/admin/", "next=%s is ignored" % bad,
              r.header("Location"))

    # Wrong password and unknown account: one answer.
    ip = new_ip("192.0.2")
    r1 = login(s, admin.email, "wrong password!", ip=ip)
    r2 = login(s, "nobody@example.com", "wrong password!", ip=ip)
    r3 = login(s, "victim2@example.com", "", ip=ip)
    check(r1.status == 422 and session_cookie(r1)[0] is None, "wrong password: 422, no cookie",
          r1.status)
    check(r2.status == 422, "unknown email: 422", r2.status)
    m1, m2 = form_message(r1.text), form_message(r2.text)
    check(m1 and m1 == m2, "same message for a wrong password and an unknown email", (m1, m2))
    check(m1 and not re.search(r"no account|not exist|unknown|not found|wrong password", m1, re.I),
          "the message does not say whether the account exists", m1)
    check(r3.status == 422, "empty password: 422", r3.status)

    # Throttle per account and address: 5 failures from one address, then
    # 429 there, even for the right password; other addresses are not
    # locked out (test_signin.py has the rest).
    victim = people["victim"]
    vip = new_ip("203.0.113")
    for i in range(5):
        r = login(s, victim.email, "not the password %d" % i, ip=vip)
        check(r.status == 422, "victim failure %d: 422" % (i + 1), r.status)
    r = login(s, victim.email, "yet another guess", ip=vip)
    check(r.status == 429, "6th attempt on the account from one address: 429", r.status)
    ra = r.header("Retry-After")
    check(ra is not None and ra.isdigit() and 0 < int(ra) <= 900, "429 has Retry-After", ra)
    check(re.search(r"wait \d+ minutes?", r.text) is not None, "429 says how long to wait",
          form_message(r.text))
    r = login(s, victim.email, victim.pw, ip=vip)
    check(r.status == 429 and session_cookie(r)[0] is None,
          "the right password while throttled: still 429", r.status)
    r = login(s, victim.email.upper(), victim.pw, ip=vip)
    check(r.status == 429, "the throttle ignores the email's case", r.status)

    # Throttle per address: 20 failures on 20 accounts from one address.
    ip = new_ip("203.0.113")
    for i in range(20):
        login(s, "stranger%d@example.com" % i, "guess guess guess", ip=ip)
    contrib = people["contrib"]
    r = login(s, contrib.email, contrib.pw, ip=ip)
    check(r.status == 429 and r.header("Retry-After"), "21st attempt from one address: 429",
          r.status)
    r = login(s, contrib.email, contrib.pw, ip=new_ip("203.0.113"))
    check(r.status == 303, "the same account from another address signs in", r.status)
    # Failures older than 15 minutes no longer count.
    s.sql("UPDATE login_failures SET at = at - 901 WHERE account = ?", victim.email)
    r = login(s, victim.email, victim.pw, ip=vip)
    check(r.status == 303, "failures older than 15 minutes are forgiven", r.status)
    # An account whose password was never set: the same answer.
    run_cli("user", "--db", s.db, "add", "--email", "nopass@example.com", "--name", "No Pass",
            "--role", "author")
    r = login(s, "nopass@example.com", "any password at all", ip=new_ip("192.0.2"))
    check(r.status == 422 and form_message(r.text) == m1,
          "an account without a password: the same 422 answer", form_message(r.text))
    # Sign-in and password forms refuse other sites' posts.
    r = login(s, admin.email, admin.pw, headers={"Origin": EVIL})
    check(r.status == 403 and session_cookie(r)[0] is None,
          "sign-in posted from another site: 403, no cookie", r.status)
    rc, out, _ = run_cli("user", "--db", s.db, "reset-link", "nopass@example.com")
    tok = link_token(out)
    r = s.post("/admin/password", {"token": tok, "password": "forged password here",
                                   "password2": "forged password here"},
               headers={"Origin": EVIL})
    check(r.status == 403 and s.get("/admin/password?token=" + tok).status == 200,
          "password form posted from another site: 403, link still unused", r.status)

    # Logout: POST with the token; the old cookie then leads to sign-in.
    cookie, token = sign_in(s, contrib)
    r = get(s, "/admin/logout", cookie=cookie)
    check(r.status in (404, 405), "GET /admin/logout is not a route", r.status)
    check(get(s, "/admin/", cookie=cookie).status == 200, "GET /admin/logout ended nothing")
    r = send(s, "/admin/logout", {}, cookie=cookie)
    check(r.status == 403, "logout without the token: 403", r.status)
    check(get(s, "/admin/", cookie=cookie).status == 200, "refused logout ended nothing")
    r = send(s, "/admin/logout", {"csrf": token}, cookie=cookie)
    check(r.status == 303 and "/admin/login" in (r.header("Location") or ""),
          "logout: 303 to sign-in", (r.status, r.header("Location")))
    _, line = session_cookie(r)
    check(line is not None and "Max-Age=0" in line, "logout clears the cookie", line)
    r = get(s, "/admin/", cookie=cookie)
    check(r.status == 303 and (r.header("Location") or "").startswith("/admin/login"),
          "the logged-out cookie redirects to sign-in", r.status)
    check(get(s, "/admin/", who=contrib).status == 200, "logout ends only that session")

    # Idle and absolute expiry (settings at their minimums: 300 s and 600 s).
    def aged(column, seconds):
        c, _ = sign_in(s, contrib)
        h = hashlib.sha256(c.encode()).hexdigest()
        s.sql("UPDATE sessions SET %s = %s - ? WHERE token_hash = ?" % (column, column),
              seconds, h)
        return c
    check(get(s, "/admin/", cookie=aged("seen_at", 200)).status == 200,
          "idle 200 s of 300: still signed in")
    r = get(s, "/admin/", cookie=aged("seen_at", 8000))
    check(r.status == 303 and (r.header("Location") or "").startswith("/admin/login"),
          "idle past the limit: signed out", r.status)
    check(get(s, "/admin/", cookie=aged("created_at", 500)).status == 200,
          "500 s old of 600: still signed in")
    c = aged("created_at", 8000)
    r = get(s, "/admin/", cookie=c)
    check(r.status == 303, "older than the absolute limit: signed out", r.status)
    check(s.sql("SELECT count(*) FROM sessions WHERE token_hash = ?",
                hashlib.sha256(c.encode()).hexdigest())[0][0] == 0,
          "an expired session's row is removed")
    r = send(s, "/admin/articles/new", {"csrf": "x", "headline": "Typed while away",
                                        "body": "Words I do not want to lose."}, cookie=c)
    check(r.status == 403 and "Typed while away" in r.text and
          "Words I do not want to lose." in r.text,
          "form sent after the session ended: 403 showing what was typed", r.status)
    # The answer is the sign-in form itself, carrying the fields back to
    # the editor after (issue 14; test_editor.py).
    check("not signed in" in r.text and '<form method="post" action="/admin/login"' in r.text
          and 'type="password"' in r.text, "…explaining and offering to sign in")


# ---------------------------------------------------------------- editor

def edit_form(who, **kw):
    f = {"csrf": who.csrf, "headline": "", "slug": "", "dek": "", "body": "", "section": "",
         "new_section": "", "tags": "", "featured_media": "", "featured_alt": "",
         "status": "draft", "publish_date": "", "publish_time": "", "comments_open": "1",
         "action": "save"}
    f.update(kw)
    return Fields([(k, v) for k, v in f.items() if v is not None], who)


def saved_id(r):
    m = re.match(r"/admin/articles/(\d+)/\?done=(\w+)", r.header("Location") or "")
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def art_row(s, aid):
    rows = s.sql("SELECT slug, status, published_at, body_src, headline, author_id "
                 "FROM articles WHERE id=?", aid)
    return rows[0] if rows else None


def public_url(s, aid):
    slug, _, pub, _, _, _ = art_row(s, aid)
    return article_path(pub or int(time.time()), slug)


def editor_flows(s, people):
    author, author2 = people["author"], people["author2"]
    editor, contrib = people["editor"], people["contrib"]
    arts = {}
    r = get(s, "/admin/articles/new", who=author)
    check(r.status == 200 and 'name="headline"' in r.text and csrf_in(r.text) == author.csrf,
          "new article form", r.status)

    # A draft (multipart): not public; its preview is, to the desk.
    body = "First paragraph with **bold words**.\n\nSecond paragraph."
    r = send(s, "/admin/articles/new", edit_form(author, headline="Harbour dredging begins",
                                                 dek="The port's plan, explained.", body=body,
                                                 tags="Ports, Local Government, ports",
                                                 new_section="Harbour News"), mp=True)
    aid, notice = saved_id(r)
    check(r.status == 303 and aid and notice == "saved", "draft created (multipart)",
          (r.status, r.header("Location"), form_message(r.text)))
    if not aid:
        raise SystemExit(done())
    arts["main"] = aid
    slug, status, pub, src, headline, au = art_row(s, aid)
    check(slug == "harbour-dredging-begins" and status == "draft" and src == body and
          au == author.id, "draft stored with a slug from the headline",
          (slug, status, au))
    url = article_path(int(time.time()), slug)
    check(get(s, url).status == 404, "draft: 404 at its would-be address")
    check(get(s, url, who=author).status == 404, "draft: 404 there even for its author")
    check("Harbour dredging" not in get(s, "/").text, "draft not on the home page")
    r = get(s, "/admin/articles/%d/preview" % aid, who=author)
    check(r.status == 200 and "Harbour dredging begins" in r.text and
          "<strong>bold words</strong>" in r.text, "preview shows the draft rendered", r.status)
    check("no-store" in (r.header("Cache-Control") or "") or
          "private" in (r.header("Cache-Control") or ""), "preview is not cacheable")
    r = get(s, "/admin/articles/%d/preview" % aid)
    check(r.status == 303, "preview logged out: sign in first", r.status)
    r = get(s, "/admin/articles/%d/preview" % aid, who=author2)
    check(r.status == 403, "another author cannot preview a draft", r.status)
    # Tags as typed, section made.
    tags = sorted(t for (t,) in s.sql("SELECT t.name FROM tags t JOIN article_tags x ON "
                                      "x.tag_id=t.id WHERE x.article_id=?", aid))
    check("Local Government" in tags and "Ports" in tags, "tags created as typed", tags)
    check(tags.count("Ports") + tags.count("ports") == 1,
          "the same tag typed twice in another case is one tag (one slug)", tags)
    sec = s.sql("SELECT s.name FROM sections s JOIN articles a ON a.section_id = s.id "
                "WHERE a.id=?", aid)
    check(sec == [("Harbour News",)], "new section created and set", sec)
    revs0 = s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0]

    # The Preview button renders without saving.
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body="Only *previewed* text.",
                       action="preview"), mp=True)
    check(r.status == 200 and "<em>previewed</em>" in r.text and 'class="preview"' in r.text,
          "Preview button shows rendered Markdown", r.status)
    check(">Only *previewed* text.</textarea>" in r.text, "…with the text kept in the form")
    check(art_row(s, aid)[3] == body and
          s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0] == revs0,
          "Preview saved nothing")

    # Publish (urlencoded this time): on the home page at /YYYY/MM/DD/slug/.
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body,
                       dek="The port's plan, explained.", tags="Ports, Local Government",
                       status="published"))
    check(r.status == 303 and saved_id(r) == (aid, "published"), "published (urlencoded)",
          (r.status, r.header("Location"), form_message(r.text)))
    slug, status, pub, _, _, _ = art_row(s, aid)
    check(status == "published" and pub and abs(pub - time.time()) < 120,
          "published now", (status, pub))
    url = article_path(pub, slug)
    r = get(s, url)
    check(r.status == 200 and "<strong>bold words</strong>" in r.text, "article is public",
          r.status)
    check("The port’s plan, explained." in r.text, "the standfirst is shown (typeset)")
    home = get(s, "/").text
    check('href="%s"' % url in home, "published article on the home page", url)
    r = get(s, "/admin/articles/%d/" % aid, who=author)
    check(r.status == 200 and 'value="published" selected' in r.text,
          "editor shows the published status")
    d = local(pub).strftime("%Y-%m-%d")
    check('id="publish_date" name="publish_date" type="date" value="%s"' % d in r.text,
          "editor shows the publish date in the site zone")

    # Edit.
    body2 = "First paragraph, corrected.\n\nSecond paragraph."
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body2,
                       tags="Ports, Local Government", status="published"), mp=True)
    check(r.status == 303, "edit saved", r.status)
    check("First paragraph, corrected." in get(s, url).text, "edit shows on the public page")
    check(art_row(s, aid)[2] == pub, "an edit keeps the publication time")

    # Slug change: the old address answers 301.
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body2,
                       slug="harbour-dredging-starts", tags="Ports, Local Government",
                       status="published"), mp=True)
    check(r.status == 303, "slug changed", r.status)
    new_url = article_path(pub, "harbour-dredging-starts")
    r = get(s, url)
    check(r.status == 301 and r.header("Location") == new_url, "old address: 301 to the new",
          (r.status, r.header("Location")))
    check(get(s, new_url).status == 200, "new address answers 200")
    r = send(s, "/admin/articles/new", edit_form(author, headline="Slug thief",
                                                 slug="harbour-dredging-begins"))
    check(r.status == 422 and "already used" in r.text, "an old slug cannot be taken", r.status)
    # Issue 15: a slug typed with capitals and punctuation is tidied into
    # one and shown, not refused (test_structure.py has the rest).
    r = send(s, "/admin/articles/new", edit_form(author, headline="Bad slug", slug="Bad Slug!"))
    check(r.status == 303 and "done=slug-tidied" in (r.header("Location") or "") and
          s.sql("SELECT count(*) FROM articles WHERE slug='bad-slug'")[0][0] == 1,
          "an invalid slug is tidied (bad-slug) and said so", (r.status, r.header("Location")))
    r = send(s, "/admin/articles/new", edit_form(author, headline="", body="No headline here."))
    check(r.status == 422 and "headline" in r.text.lower() and
          ">No headline here.</textarea>" in r.text, "missing headline: 422, text kept", r.status)

    # Revisions: list, diff, restore.
    r = get(s, "/admin/articles/%d/revisions/" % aid, who=author)
    rev_ids = [int(x) for x in re.findall(r'/admin/articles/%d/revisions/(\d+)/' % aid, r.text)]
    check(r.status == 200 and len(rev_ids) >= 4, "revisions listed", (r.status, rev_ids))
    first = min(rev_ids) if rev_ids else 0
    r = get(s, "/admin/articles/%d/revisions/%d/" % (aid, first), who=author)
    check(r.status == 200 and 'class="diff-del"' in r.text and 'class="diff-add"' in r.text,
          "revision view shows a diff", r.status)
    # Changed words are marked (<del>, <ins>) inside the lines (issue 14).
    plain = re.sub(r"</?(?:del|ins)>", "", r.text)
    check("First paragraph with **bold words**." in plain and
          "First paragraph, corrected." in plain, "diff holds the old and the new line")
    check(get(s, "/admin/articles/%d/revisions/999999/" % aid, who=author).status == 404,
          "unknown revision: 404")
    other = s.sql("SELECT min(id) FROM revisions WHERE article_id != ?", aid)[0][0]
    if other:
        check(get(s, "/admin/articles/%d/revisions/%d/" % (aid, other), who=author).status == 404,
              "another article's revision: 404")
    r = get(s, "/admin/articles/%d/revisions/%d/?restore=1" % (aid, first), who=author)
    check(art_row(s, aid)[3] == body2, "GET of a revision restores nothing")
    r = send(s, "/admin/articles/%d/revisions/%d/" % (aid, first), {"csrf": author.csrf},
             who=author)
    check(r.status == 303 and saved_id(r) == (aid, "restored"), "restore: 303",
          (r.status, r.header("Location")))
    slug, status, pub2, src, _, _ = art_row(s, aid)
    check(src == body and status == "published" and pub2 == pub,
          "restore brings the old text back, keeps status and date", (status, src[:40]))
    r = get(s, article_path(pub, slug))
    check(r.status == 200 and "<strong>bold words</strong>" in r.text,
          "restored text is public", r.status)
    check(s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0] >
          len(rev_ids), "the restore is kept as a revision")
    r = get(s, "/admin/articles/%d/?done=restored" % aid, who=author)
    check(r.status == 200 and "The revision is restored" in r.text, "restore notice shown")

    # Only editors set the author.
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body, status="published",
                       author=str(editor.id), tags="Ports, Local Government"), mp=True)
    check(r.status == 303 and art_row(s, aid)[5] == author.id,
          "an author cannot hand the article to someone else", art_row(s, aid)[5])
    # "Published" with a date ahead is not public before that date.
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Embargoed budget story", body="Numbers.",
                       status="published", publish_date=local_day(2), publish_time="08:00"))
    fid, _ = saved_id(r)
    if fid:
        row = art_row(s, fid)
        check(get(s, article_path(row[2], row[0])).status == 404 and
              "Embargoed budget" not in get(s, "/").text,
              "published with a future date is not public before it (scheduled)",
              (row[1], row[2] and local(row[2]).isoformat()))
    else:
        check(r.status == 422, "published with a future date: scheduled or refused", r.status)
    # Another author cannot edit it.
    r = get(s, "/admin/articles/%d/" % aid, who=author2)
    check(r.status == 403, "another author: editor 403", r.status)
    before = art_row(s, aid)
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author2, headline="Hijacked", body="Hijacked."), mp=True)
    check(r.status == 403 and art_row(s, aid) == before, "another author cannot save it",
          r.status)
    check(get(s, "/admin/articles/%d/revisions/" % aid, who=author2).status == 403,
          "another author cannot see its revisions")
    r = send(s, "/admin/articles/%d/revisions/%d/" % (aid, first), {"csrf": author2.csrf},
             who=author2)
    check(r.status == 403 and art_row(s, aid) == before, "another author cannot restore")
    check(get(s, "/admin/articles/%d/" % aid, who=editor).status == 200,
          "an editor may edit anyone's article")

    # A contributor: draft, then pending; "published" stays pending, 422.
    r = send(s, "/admin/articles/new", edit_form(contrib, headline="Reader letters roundup",
                                                 body="Letters **this week**."), mp=True)
    cid, notice = saved_id(r)
    check(r.status == 303 and cid and notice == "saved", "contributor saves a draft",
          (r.status, form_message(r.text)))
    arts["contrib"] = cid
    r = send(s, "/admin/articles/%d/" % cid,
             edit_form(contrib, headline="Reader letters roundup", body="Letters **this week**.",
                       status="pending"), mp=True)
    check(r.status == 303 and saved_id(r) == (cid, "submitted"), "contributor submits for review",
          (r.status, r.header("Location")))
    check(art_row(s, cid)[1] == "pending", "status pending")
    r = get(s, "/admin/articles/%d/" % cid, who=contrib)
    check(r.status == 200 and 'value="published"' not in r.text and
          'value="scheduled"' not in r.text, "contributor is not offered publish or schedule")
    for st in ("published", "scheduled"):
        r = send(s, "/admin/articles/%d/" % cid,
                 edit_form(contrib, headline="Reader letters roundup", body="Letters **this week**.",
                           status=st, publish_date="2020-01-01", publish_time="10:00"), mp=True)
        check(r.status == 422 and "Pending review" in r.text, "contributor status=%s: 422 with a "
              "message" % st, (r.status, form_message(r.text)))
        check('value="pending" selected' in r.text, "…the form shows pending")
        check(art_row(s, cid)[1] == "pending", "…the article stays pending")
    r = send(s, "/admin/articles/new", edit_form(contrib, headline="Straight to print",
                                                 body="x", status="published"), mp=True)
    check(r.status == 422, "contributor's new article as published: 422", r.status)
    check(s.sql("SELECT count(*) FROM articles WHERE status IN ('published','scheduled') AND "
                "author_id=?", contrib.id)[0][0] == 0, "nothing of the contributor is public")
    check(get(s, article_path(int(time.time()), "reader-letters-roundup")).status == 404 and
          get(s, article_path(int(time.time()), "straight-to-print")).status == 404,
          "contributor's articles not public")
    n_media = s.sql("SELECT count(*) FROM media")[0][0]
    r = send(s, "/admin/articles/%d/" % cid,
             edit_form(contrib, headline="Reader letters roundup", body="x",
                       featured_alt="a photo"),
             files=[("featured_file", "p.png", "image/png", png(2, 2, (9, 9, 9)))])
    check(r.status == 422 and s.sql("SELECT count(*) FROM media")[0][0] == n_media and
          art_row(s, cid)[3] != "x", "contributor cannot upload an image", r.status)
    # The editor publishes it; the byline stays the contributor's.
    r = send(s, "/admin/articles/%d/" % cid,
             edit_form(editor, headline="Reader letters roundup", body="Letters **this week**.",
                       status="published"), mp=True)
    check(r.status == 303 and saved_id(r) == (cid, "published"), "editor publishes it",
          (r.status, form_message(r.text)))
    row = art_row(s, cid)
    check(row[1] == "published" and row[5] == contrib.id, "published, author unchanged", row)
    check(get(s, public_url(s, cid)).status == 200, "contributor's article now public")
    r = get(s, "/admin/articles/%d/" % cid, who=contrib)
    check(r.status == 403, "contributor can no longer edit it once published", r.status)

    # An editor's own article (for the "Author" badge later).
    r = send(s, "/admin/articles/new", edit_form(editor, headline="Editor's note on the harbour",
                                                 body="From the desk.", status="published"))
    eid, _ = saved_id(r)
    check(r.status == 303 and eid, "editor publishes an article of their own", r.status)
    arts["editor"] = eid

    # Featured image through the editor: alt text is required.
    img = png(3, 2, (10, 120, 200))
    n_media = s.sql("SELECT count(*) FROM media")[0][0]
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body, status="published",
                       tags="Ports, Local Government"),
             files=[("featured_file", "harbour.png", "image/png", img)])
    check(r.status == 422 and "alt" in r.text.lower() and 'id="alt-error"' in r.text,
          "featured image without alt text: 422", (r.status, form_message(r.text)))
    check(s.sql("SELECT featured_media_id FROM articles WHERE id=?", aid)[0][0] is None,
          "…and the article is unchanged")
    r = send(s, "/admin/articles/%d/" % aid,
             edit_form(author, headline="Harbour dredging begins", body=body, status="published",
                       tags="Ports, Local Government", featured_alt="A dredger at \"work\""),
             files=[("featured_file", "harbour.png", "image/png", img)])
    check(r.status == 303, "featured image with alt text saved", (r.status, form_message(r.text)))
    # Stored as saved again by libvips (no metadata): named by that file's hash.
    row = s.sql("SELECT m.hash, m.mime, m.width, m.height FROM media m JOIN articles a"
                " ON a.featured_media_id = m.id WHERE a.id=?", aid)
    check(row and row[0][1:] == ("image/png", 3, 2), "featured upload stored", row)
    h = row[0][0] if row else "?"
    check(s.sql("SELECT count(*) FROM media")[0][0] <= n_media + 1, "one row for the image")
    page = get(s, public_url(s, aid)).text
    check(re.search(r'<img src="/media/%s\.png" [^>]*width="3" height="2" '
                    r'alt="A dredger at &quot;work&quot;"' % h, page) is not None,
          "article shows the image with width, height and alt",
          re.findall(r"<img[^>]*>", page))
    return arts


# ---------------------------------------------------------------- uploads

def data_folder(s, people):
    """A new site's first upload, before anything made the data folder."""
    author = people["author"]
    data = os.path.join(s.dir, "byline-data")
    r = upload(s, author, png(1, 1, (250, 250, 250)), "first.png", "image/png")
    check(r.status == 303 and os.path.isdir(data),
          "first upload works on a new site (the data folder is made as needed)",
          (r.status, form_message(r.text), os.path.isdir(data)))
    if not os.path.isdir(data):
        os.mkdir(data)  # so that the rest of the upload checks still say something


def upload(s, who, data, name, ctype):
    return send(s, "/admin/media/", [("csrf", who.csrf)], who=who,
                files=[("file", name, ctype, data)])


def uploads(s, people, arts):
    author, admin = people["author"], people["admin"]
    r = get(s, "/admin/media/", who=author)
    check(r.status == 200 and 'name="file"' in r.text, "media page", r.status)
    good = [("png", png(4, 3, (1, 2, 3)), "image/png", (4, 3)),
            ("jpg", jpeg_8x8(), "image/jpeg", (8, 8)),
            ("gif", GIF_1x1, "image/gif", (1, 1)),
            ("webp", WEBP_1x1, "image/webp", (1, 1))]
    for ext, data, mime, (w, h) in good:
        before = s.sql("SELECT count(*) FROM media")[0][0]
        r = upload(s, author, data, "picture." + ext, "application/octet-stream")
        check(r.status == 303 and (r.header("Location") or "").startswith("/admin/media/"),
              "%s accepted" % ext, (r.status, form_message(r.text)))
        # The file is the image saved again (libvips, no metadata), named by
        # the hash of what is stored.
        digest, *row = s.sql("SELECT hash, mime, ext, width, height, bytes, uploaded_by FROM"
                             " media ORDER BY id DESC LIMIT 1")[0]
        check(row[:4] == [mime, ext, w, h] and row[5] == author.id, "%s row" % ext, row)
        check(s.sql("SELECT count(*) FROM media")[0][0] == before + 1, "%s: one new row" % ext)
        path = os.path.join(s.dir, "byline-data", "media", digest[:2], "%s.%s" % (digest, ext))
        stored = open(path, "rb").read() if os.path.exists(path) else b""
        check(stored and hashlib.sha256(stored).hexdigest() == digest and
              len(stored) == row[4], "%s stored as media/HH/HASH.EXT" % ext, path)
        r = s.get("/media/%s.%s" % (digest, ext))
        check(r.status == 200 and (r.header("Content-Type") or "").startswith(mime) and
              r.body == stored, "%s served with Content-Type %s" % (ext, mime),
              (r.status, r.header("Content-Type")))
        check("immutable" in (r.header("Cache-Control") or ""), "%s cached for good" % ext)
    n_rows = s.sql("SELECT count(*) FROM media")[0][0]
    r = upload(s, author, good[0][1], "again.png", "image/png")
    check(r.status == 303 and s.sql("SELECT count(*) FROM media")[0][0] == n_rows,
          "the same bytes twice: one row")
    page = get(s, "/admin/media/", who=author).text
    check('width="8" height="8"' in page, "media page lists the images with their size")

    # Refused uploads: a clear message, nothing left behind.
    def refused(name, data, fname, ctype, words, route="media"):
        rows, files = s.sql("SELECT count(*) FROM media")[0][0], data_files(s)
        if route == "media":
            r = upload(s, author, data, fname, ctype)
        else:
            r = send(s, "/admin/articles/%d/" % arts["main"],
                     edit_form(author, headline="Harbour dredging begins", body="x",
                               status="published", featured_alt="alt"),
                     files=[("featured_file", fname, ctype, data)])
        check(r.status == 422 and re.search(words, r.text) is not None,
              "%s refused with a message" % name, (r.status, form_message(r.text)))
        check(s.sql("SELECT count(*) FROM media")[0][0] == rows, "%s: no row left" % name)
        check(data_files(s) == files, "%s: no file left" % name, data_files(s) ^ files)
        return r
    refused("PHP named x.jpg", PHP, "x.jpg", "image/jpeg", r"not an image")
    full = png(5, 5, (7, 7, 7))
    refused("truncated PNG", full[:len(full) // 2], "cut.png", "image/png", r"cut off")
    refused("empty file", b"", "empty.png", "image/png", r"empty|Choose an image")
    refused("SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.png", "image/png", r"SVG")
    refused("PHP as the featured image", PHP, "x.jpg", "image/jpeg", r"not an image",
            route="editor")
    check(art_row(s, arts["main"])[3] != "x", "refused featured upload saved nothing")
    # A few bytes can claim any size: 20,000 by 20,000 (400 million pixels)
    # was accepted.  More than 100 megapixels is refused at every way in.
    huge = png_claiming(20000, 20000)
    words = r"20000 by 20000 pixels \(400\.0 megapixels\); Byline accepts at most 100"
    refused("a %d-byte PNG claiming 20000 by 20000" % len(huge), huge, "huge.png", "image/png",
            words)
    refused("a PNG claiming 20000 by 20000 as the featured image", huge, "huge.png",
            "image/png", words, route="editor")
    rows = s.sql("SELECT count(*) FROM media")[0][0]
    row = s.sql("SELECT display_name, slug, avatar_path FROM users WHERE id=?", author.id)[0]
    r = send(s, "/admin/profile", [("csrf", author.csrf), ("name", row[0]), ("slug", row[1]),
                                   ("bio", "Kept bio"), ("links", "")], who=author,
             files=[("avatar_file", "huge.png", "image/png", huge)])
    check(r.status == 422 and re.search(words, r.text) is not None and "Kept bio" in r.text,
          "a PNG claiming 20000 by 20000 as the profile photo: 422, the form kept",
          (r.status, form_message(r.text)))
    check(s.sql("SELECT count(*) FROM media")[0][0] == rows and
          s.sql("SELECT avatar_path FROM users WHERE id=?", author.id)[0][0] == row[2],
          "the refused profile photo stored nothing")
    # At the limit the header passes; the pixels are then decoded, and this
    # file has one row of them: refused as damaged, not for its size.
    r = upload(s, author, png_claiming(10000, 10000), "big.png", "image/png")
    check(r.status == 422 and "megapixels" not in r.text and "damaged" in r.text,
          "a PNG claiming 10000 by 10000 (100 megapixels, the limit) passes the size check",
          (r.status, form_message(r.text)))
    # Over the size limit, set through the settings page.
    settings_post(s, admin, upload_max_bytes="2048")
    check(s.sql("SELECT value FROM settings WHERE key='upload_max_bytes'") == [("2048",)],
          "upload limit set to 2048 by the settings page")
    big = png(32, 32, noise=True)
    check(len(big) > 2048, "test image is over 2 KB", len(big))
    refused("over-size PNG", big, "big.png", "image/png", r"limit is 2 KB")
    refused("over-size featured image", big, "big.png", "image/png", r"limit is",
            route="editor")
    # A featured image chosen from the library (no upload): alt text needed too.
    jpg_id = s.sql("SELECT id FROM media WHERE ext='jpg'")[0][0]
    jpg_hash = s.sql("SELECT hash FROM media WHERE id=?", jpg_id)[0][0]
    eid = arts["editor"]
    editor = people["editor"]
    r = send(s, "/admin/articles/%d/" % eid,
             edit_form(editor, headline="Editor's note on the harbour", body="From the desk.",
                       status="published", featured_media=str(jpg_id)))
    check(r.status == 422 and 'id="alt-error"' in r.text, "library image without alt: 422",
          r.status)
    r = send(s, "/admin/articles/%d/" % eid,
             edit_form(editor, headline="Editor's note on the harbour", body="From the desk.",
                       status="published", featured_media=str(jpg_id), featured_alt="Grey"))
    check(r.status == 303, "library image with alt: saved", (r.status, form_message(r.text)))
    page = get(s, public_url(s, eid)).text
    check(re.search(r'<img src="/media/%s\.jpg" [^>]*width="8" height="8" alt="Grey"'
                    % jpg_hash, page) is not None, "the library image shows on the article")
    small = png(2, 2, (50, 60, 70))
    r = upload(s, author, small, "small.png", "image/png")
    check(r.status == 303, "under the limit still accepted", r.status)
    settings_post(s, admin, upload_max_bytes="10485760")


def settings_values(s, **over):
    vals = dict(s.sql("SELECT key, value FROM settings"))
    f = []
    for k in SETTINGS_FORM_KEYS:
        v = str(over.get(k, vals.get(k, "")))
        if k in CHECKBOXES:
            if v == "1":
                f.append((k, "1"))
        else:
            f.append((k, v))
    return f


def settings_post(s, who, **over):
    r = send(s, "/admin/settings", [("csrf", who.csrf)] + settings_values(s, **over), who=who)
    check(r.status == 303, "settings saved (%s)" % ", ".join(over), (r.status, form_message(r.text)))
    return r


# ---------------------------------------------------------------- moderation

def post_comment(s, aid, text, name, email, ip=None, parent=0):
    url = public_url(s, aid)
    r = s.post(url, {"comment": text, "author": name, "email": email, "url": "",
                     "comment_parent": str(parent), "byline_token": s.token(aid),
                     "byline_hp": ""}, ip=ip or new_ip())
    m = re.search(r"#comment-(\d+)", r.header("Location") or "")
    check(r.status == 303 and m, "comment posted: %s" % text[:30], (r.status, r.text[:200]))
    return int(m.group(1)) if m else 0


def status_of(s, cid):
    rows = s.sql("SELECT status FROM comments WHERE id=?", cid)
    return rows[0][0] if rows else None


def counts(s, who):
    page = get(s, "/admin/comments/", who=who).text
    got = dict((k.lower(), int(v)) for k, v in
               re.findall(r">(Pending|Approved|Spam|Trash) <span class=\"count\">\((\d+)\)", page))
    return got


def db_counts(s):
    d = {"pending": 0, "approved": 0, "spam": 0, "trash": 0}
    for st, n in s.sql("SELECT status, count(*) FROM comments GROUP BY status"):
        d[st] = n
    return d


def thoughts(page):
    m = re.search(r"(No thoughts yet|One thought|([\d,]+) thoughts) on", page)
    if not m:
        return None
    return 0 if m.group(1).startswith("No") else 1 if m.group(1).startswith("One") else \
        int(m.group(2).replace(",", ""))


def act(s, who, cid, action, back="/admin/comments/?status=pending", **extra):
    f = {"csrf": who.csrf, "action": action, "back": back}
    f.update(extra)
    return send(s, "/admin/comments/%d/" % cid, f, who=who)


def moderation(s, people, arts):
    editor, admin = people["editor"], people["admin"]
    aid = arts["main"]
    url = public_url(s, aid)
    ipa, ipb = new_ip("192.0.2"), new_ip("192.0.2")
    c1 = post_comment(s, aid, "A first comment from Alice.", "Alice Reader", "alice@example.org",
                      ip=ipa)
    check(status_of(s, c1) == "pending", "a first comment waits for moderation")
    page = get(s, url).text
    check(thoughts(page) == 0 and "A first comment from Alice." not in page,
          "held comment not public")
    r = get(s, "/admin/comments/", who=editor)
    check(r.status == 200 and "alice@example.org" in r.text and ipa in r.text and
          "A first comment from Alice." in r.text, "inbox shows the comment with email and IP",
          r.status)
    check(counts(s, editor) == db_counts(s) and counts(s, editor)["pending"] == 1,
          "tab counts", counts(s, editor))
    check(re.search(r'aria-label="1 awaiting moderation"', r.text) is not None,
          "the desk's menu counts comments waiting")

    # approve
    r = act(s, editor, c1, "approve")
    check(r.status == 303 and "done=approved" in (r.header("Location") or ""), "approve: 303",
          (r.status, r.header("Location")))
    check(status_of(s, c1) == "approved", "approved")
    page = get(s, url).text
    check(thoughts(page) == 1 and "One thought on" in page and
          "A first comment from Alice." in page, "approved comment public: One thought on")
    c = counts(s, editor)
    check(c.get("pending") == 0 and c.get("approved") == 1, "counts after approve", c)
    # approving teaches
    c2 = post_comment(s, aid, "Alice again, trusted now.", "Alice Reader", "alice@example.org")
    check(status_of(s, c2) == "approved", "approved commenter's next comment: approved at once",
          status_of(s, c2))
    check(thoughts(get(s, url).text) == 2, "2 thoughts on")
    # unapprove
    r = act(s, editor, c2, "unapprove", back="/admin/comments/?status=approved")
    check(r.status == 303 and (r.header("Location") or "").startswith(
        "/admin/comments/?status=approved"), "unapprove: 303 back to its tab",
        r.header("Location"))
    check(status_of(s, c2) == "pending" and thoughts(get(s, url).text) == 1 and
          "Alice again" not in get(s, url).text, "unapproved comment hidden again")
    # trash and restore
    r = act(s, editor, c2, "trash")
    check(r.status == 303 and status_of(s, c2) == "trash", "trash", status_of(s, c2))
    c = counts(s, editor)
    check(c.get("trash") == 1 and c == db_counts(s), "trash counted", c)
    r = get(s, "/admin/comments/?status=trash", who=editor)
    check("Alice again, trusted now." in r.text and 'aria-current="page">Trash' in r.text,
          "trash tab lists it")
    r = act(s, editor, c2, "restore", back="/admin/comments/?status=trash")
    check(r.status == 303 and status_of(s, c2) == "pending", "restore from trash",
          status_of(s, c2))
    check(counts(s, editor).get("trash") == 0, "trash empty again")
    # spam teaches
    c3 = post_comment(s, aid, "Buy cheap watches here.", "Spammy Sam", "sam@spam.example",
                      ip=ipb)
    check(status_of(s, c3) == "pending", "new commenter held")
    r = act(s, editor, c3, "spam")
    check(r.status == 303 and status_of(s, c3) == "spam", "marked spam")
    check(counts(s, editor).get("spam") == 1, "spam counted")
    c4 = post_comment(s, aid, "More cheap watches.", "Spammy Sam", "sam@spam.example")
    check(status_of(s, c4) == "spam", "spammer's next comment goes to spam", status_of(s, c4))
    page = get(s, url).text
    check("watches" not in page, "spam never public")
    r = get(s, "/admin/comments/?status=spam", who=editor)
    check("sam@spam.example" in r.text and "More cheap watches." in r.text, "spam tab lists both")
    r = act(s, editor, c3, "restore", back="/admin/comments/?status=spam")
    check(status_of(s, c3) == "pending", "not spam: back to pending")
    # delete: asks first, then deletes
    r = act(s, editor, c4, "delete", back="/admin/comments/?status=spam")
    check(r.status == 200 and status_of(s, c4) == "spam" and "cannot be undone" in r.text and
          'name="confirm" value="yes"' in r.text and "More cheap watches." in r.text,
          "delete for good asks to confirm first; nothing deleted yet", r.status)
    r = act(s, editor, c4, "delete", back="/admin/comments/?status=spam", confirm="yes")
    check(r.status == 303 and status_of(s, c4) is None, "deleted for good")
    check(counts(s, editor) == db_counts(s), "counts after delete", counts(s, editor))
    r = act(s, editor, c4, "approve")
    check(r.status == 404, "action on a deleted comment: 404", r.status)
    r = act(s, editor, c1, "frobnicate")
    check(r.status == 400 and status_of(s, c1) == "approved", "unknown action: 400", r.status)
    # edit
    r = get(s, "/admin/comments/%d/" % c1, who=editor)
    check(r.status == 200 and ">A first comment from Alice.</textarea>" in r.text,
          "comment page with the edit form", r.status)
    r = act(s, editor, c1, "edit", author="Alice Reader", email="alice@example.org", url="",
            body="A first comment from Alice, edited.")
    check(r.status == 303, "edit: 303", (r.status, form_message(r.text)))
    page = get(s, url).text
    check("A first comment from Alice, edited." in page, "edited text public")
    r = act(s, editor, c1, "edit", author="", email="alice@example.org", url="",
            body="Should not stick.")
    check(r.status == 422 and "Should not stick." in r.text and
          s.sql("SELECT body FROM comments WHERE id=?", c1)[0][0] ==
          "A first comment from Alice, edited.", "bad edit: 422, text kept, nothing saved")
    # reply as staff: approved at once; Staff badge (not the article's author)
    n_before = thoughts(get(s, url).text)
    r = act(s, editor, c1, "reply", reply="Thanks, Alice — the desk.")
    check(r.status == 303, "staff reply: 303", (r.status, form_message(r.text)))
    rid = s.sql("SELECT id, status, user_id, parent_id FROM comments WHERE body LIKE "
                "'Thanks, Alice%'")
    check(rid and rid[0][1:] == ("approved", editor.id, c1), "reply stored approved, by staff",
          rid)
    page = get(s, url).text
    check(thoughts(page) == n_before + 1, "reply counted", thoughts(page))
    if rid:
        li = page.find('id="comment-%d"' % rid[0][0])
        check(li > 0 and '<span class="badge">Staff</span>' in page[li:li + 600],
              "staff reply shows a Staff badge", page[li:li + 600])
        check('class="comment depth-2"' in page[li - 5:li + 60], "reply nested under Alice")
    # reply by the article's author: Author badge; replying approves the parent
    eart = arts["editor"]
    c5 = post_comment(s, eart, "A question for the editor.", "Quentin Query", "q@example.net")
    check(status_of(s, c5) == "pending", "new commenter held (editor's article)")
    r = act(s, editor, c5, "reply", reply="Answer from the article's writer.")
    check(r.status == 303 and status_of(s, c5) == "approved", "replying approves the parent",
          status_of(s, c5))
    epage = get(s, public_url(s, eart)).text
    li = epage.find("Answer from the article")
    check(li > 0 and '<span class="badge">Author</span>' in epage[max(0, li - 800):li],
          "the article author's reply shows an Author badge")
    # bulk
    ids = [post_comment(s, aid, "Bulk comment %d." % i, "Bulk Person %d" % i,
                       "bulk%d@example.com" % i) for i in range(3)]
    check([status_of(s, i) for i in ids] == ["pending"] * 3, "three held")

    def bulk(action, chosen, back="/admin/comments/?status=pending", **extra):
        f = [("csrf", editor.csrf), ("back", back), ("bulk_action", action)] + \
            [("ids", str(i)) for i in chosen] + list(extra.items())
        return send(s, "/admin/comments/", f, who=editor)
    r = bulk("approve", ids[:2])
    check(r.status == 303 and [status_of(s, i) for i in ids] == ["approved", "approved", "pending"],
          "bulk approve applies to the ticked ones only", [status_of(s, i) for i in ids])
    check(counts(s, editor) == db_counts(s), "counts after bulk approve")
    check("Bulk comment 0." in get(s, url).text and "Bulk comment 2." not in get(s, url).text,
          "bulk-approved comments public")
    r = bulk("spam", ids)
    check([status_of(s, i) for i in ids] == ["spam"] * 3, "bulk spam")
    r = bulk("restore", ids, back="/admin/comments/?status=spam")
    check([status_of(s, i) for i in ids] == ["pending"] * 3, "bulk restore")
    r = bulk("trash", ids)
    check([status_of(s, i) for i in ids] == ["trash"] * 3, "bulk trash")
    check(counts(s, editor) == db_counts(s), "counts after bulk trash", counts(s, editor))
    r = bulk("delete", ids, back="/admin/comments/?status=trash")
    check(r.status == 200 and [status_of(s, i) for i in ids] == ["trash"] * 3 and
          r.text.count('type="hidden" name="ids"') == 3 and "These 3 comments" in r.text,
          "bulk delete asks to confirm, listing the three", r.status)
    r = bulk("delete", ids, back="/admin/comments/?status=trash", confirm="yes")
    check([status_of(s, i) for i in ids] == [None] * 3, "bulk delete")
    check("done=bulk-delete&n=3" in (r.header("Location") or ""), "bulk delete counted",
          r.header("Location"))
    r = bulk("nonsense", [c1])
    check(r.status == 400 and status_of(s, c1) == "approved", "bulk unknown action: 400",
          r.status)
    r = act(s, editor, c1, "approve", back="https://evil.example/")
    check(r.status == 303 and (r.header("Location") or "").startswith("/admin/comments/"),
          "back= cannot send the moderator off-site", r.header("Location"))
    # GET changes nothing
    r = get(s, "/admin/comments/%d/?action=trash&csrf=%s" % (c1, editor.csrf), who=editor)
    check(r.status == 200 and status_of(s, c1) == "approved", "GET of the action URL changes "
          "nothing")
    # Private data never public.
    all_public = get(s, url).text + get(s, public_url(s, eart)).text
    leaked = [x for x in ("alice@example.org", "q@example.net", "sam@spam.example",
                          editor.email, ipa, ipb) if x in all_public]
    check(not leaked, "emails and IPs never on the public page", leaked)
    r = get(s, "/admin/comments/?status=approved", who=admin)
    check("alice@example.org" in r.text and "IP " in r.text, "administrator sees the inbox too")
    arts["c1"] = c1


def bulk_as(s, who, action, chosen, back="/admin/comments/?status=pending", **extra):
    f = [("csrf", who.csrf), ("back", back), ("bulk_action", action)] + \
        [("ids", str(i)) for i in chosen] + list(extra.items())
    return send(s, "/admin/comments/", f, who=who)


def notice_after(s, who, r):
    """The notice on the page a 303 leads to."""
    loc = r.header("Location") or ""
    page = get(s, loc, who=who).text if loc else ""
    m = re.search(r'class="notice[^"]*"[^>]*>(.*?)</', page, re.S)
    return m.group(1).strip() if m else page[:0]


def moderation_rights(s, people, arts):
    """Issue 15: authors moderate the comments on their own articles (as in
    WordPress, where moderating a comment is editing its post), editors all,
    contributors none; delete for good only from Spam or Trash, after a
    confirmation page; bulk actions say what they did; a reply shows the
    comment it answers; refusals are the desk's own page."""
    author, author2 = people["author"], people["author2"]
    editor, contrib = people["editor"], people["contrib"]
    own_art, other_art = arts["main"], arts["editor"]     # author's; the editor's
    mine = post_comment(s, own_art, "Rights: a comment on Aud's article.", "Rita Rights",
                        "rita@example.org")
    theirs = post_comment(s, other_art, "Rights: a comment on Ed's article.", "Otto Other",
                          "otto@example.org")
    check(status_of(s, mine) == "pending" and status_of(s, theirs) == "pending",
          "two held comments, on the author's and on the editor's article")

    # The inbox: the author sees only the comments on their own articles.
    r = get(s, "/admin/comments/", who=author)
    check(r.status == 200 and "Rights: a comment on Aud" in r.text and
          "Rights: a comment on Ed" not in r.text and "otto@example.org" not in r.text,
          "an author's inbox lists the comments on their own articles only", r.status)
    check('href="/admin/comments/"' in r.text, "an author's desk menu has Comments")
    own_pending = s.sql("SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id"
                        " WHERE c.status = 'pending' AND a.author_id = ?", author.id)[0][0]
    check(counts(s, author).get("pending") == own_pending,
          "an author's tab counts are of their own articles", (counts(s, author), own_pending))
    r = get(s, "/admin/comments/", who=editor)
    check("Rights: a comment on Aud" in r.text and "Rights: a comment on Ed" in r.text,
          "the editor's inbox lists both")
    r = get(s, "/admin/", who=contrib)
    check('href="/admin/comments/"' not in r.text, "a contributor's desk menu has no Comments")

    # One comment: own yes, others' no (GET, each action, edit, reply).
    r = get(s, "/admin/comments/%d/" % mine, who=author)
    check(r.status == 200 and "rita@example.org" in r.text, "author opens a comment on their "
          "own article", r.status)
    r = get(s, "/admin/comments/%d/" % theirs, who=author)
    check(r.status == 403 and "otto@example.org" not in r.text and
          "your own articles" in r.text and '<body class="admin"' in r.text,
          "author refused another's comment: the desk's 403, no email shown", r.status)
    for action, extra in (("approve", {}), ("spam", {}), ("trash", {}),
                          ("edit", {"author": "X", "email": "x@example.org", "url": "",
                                    "body": "Hijacked."}),
                          ("reply", {"reply": "Not my article."})):
        before = snapshot(s)
        r = act(s, author, theirs, action, **extra)
        check(r.status == 403 and not snapshot_diff(before, snapshot(s)),
              "author may not %s a comment on another's article" % action, r.status)
    r = act(s, author2, mine, "approve")
    check(r.status == 403 and status_of(s, mine) == "pending",
          "another author may not approve it either", r.status)
    r = act(s, contrib, mine, "approve")
    check(r.status == 403 and status_of(s, mine) == "pending" and "not allow" in r.text,
          "a contributor may not moderate", r.status)
    r = act(s, author, mine, "approve")
    check(r.status == 303 and status_of(s, mine) == "approved",
          "author approves a comment on their own article", r.status)
    r = act(s, author, mine, "reply", reply="Thanks, Rita, from the writer.")
    check(r.status == 303 and s.sql("SELECT count(*) FROM comments WHERE body = ? AND "
                                    "user_id = ?", "Thanks, Rita, from the writer.",
                                    author.id)[0][0] == 1,
          "author replies on their own article", r.status)
    r = act(s, author, mine, "edit", author="Rita Rights", email="rita@example.org", url="",
            body="Rights: a comment on Aud's article, tidied.")
    check(r.status == 303, "author edits a comment on their own article", r.status)

    # A reply shows the comment it answers.
    reply = post_comment(s, own_art, "Rights: answering Rita.", "Rex Replier",
                         "rex@example.org", parent=mine)
    r = get(s, "/admin/comments/?status=pending", who=author)
    li = r.text.find('id="c%d"' % reply)
    item = r.text[li:r.text.find("</li>", li)] if li > 0 else ""
    check('In reply to <a href="/admin/comments/%d/">Rita Rights</a>' % mine in item and
          "Rights: a comment on Aud&#39;s article, tidied." in item,
          "the inbox shows, for a reply, the comment it answers (author, excerpt, link)", item)
    r = get(s, "/admin/comments/%d/" % reply, who=author)
    check("In reply to" in r.text and "Rita Rights" in r.text,
          "a reply's own screen shows what it answers")

    # Bulk: only the author's own are changed, and the notice says so.
    r = bulk_as(s, author, "approve", [reply, theirs])
    check(r.status == 303 and status_of(s, reply) == "approved" and
          status_of(s, theirs) == "pending", "author's bulk approve touches only their own",
          (status_of(s, reply), status_of(s, theirs)))
    n = notice_after(s, author, r)
    check(n.startswith("1 comment approved.") and "1 was left" in n,
          "bulk notice: 1 comment approved, 1 left", n)
    extra = [post_comment(s, other_art, "Rights bulk %d." % i, "Bulky %d" % i,
                          "bulky%d@example.org" % i) for i in range(4)]
    r = bulk_as(s, editor, "approve", extra)
    check(notice_after(s, editor, r) == "4 comments approved.", "bulk notice: 4 comments "
          "approved", notice_after(s, editor, r))
    r = bulk_as(s, editor, "spam", extra[:1])
    check(notice_after(s, editor, r) == "1 comment marked as spam.",
          "bulk notice: 1 comment marked as spam", notice_after(s, editor, r))
    r = bulk_as(s, editor, "trash", extra[1:])
    check(notice_after(s, editor, r) == "3 comments moved to the trash.",
          "bulk notice: 3 comments moved to the trash", notice_after(s, editor, r))

    # Delete for good: only from Spam and Trash, only after confirming.
    r = get(s, "/admin/comments/?status=pending", who=editor)
    check(r.status == 200 and "Delete for good" not in r.text,
          "Pending offers no delete for good (button or bulk action)")
    r = get(s, "/admin/comments/?status=approved", who=editor)
    check("Delete for good" not in r.text, "Approved offers no delete for good")
    r = get(s, "/admin/comments/?status=trash", who=editor)
    check('value="delete"' in r.text and "Delete for good" in r.text,
          "Trash offers delete for good")
    r = get(s, "/admin/comments/?status=spam", who=editor)
    check('value="delete"' in r.text, "Spam offers delete for good")
    r = act(s, editor, theirs, "delete", confirm="yes")
    check(r.status == 409 and status_of(s, theirs) == "pending" and
          "Spam or Trash" in r.text and '<body class="admin"' in r.text,
          "a pending comment cannot be deleted for good, even confirmed (said in the desk)",
          r.status)
    r = bulk_as(s, editor, "delete", [reply], confirm="yes")
    check(status_of(s, reply) == "approved" and "n=0" in (r.header("Location") or ""),
          "bulk delete skips an approved comment", r.header("Location"))
    r = act(s, editor, extra[0], "delete", back="/admin/comments/?status=spam")
    check(r.status == 200 and status_of(s, extra[0]) == "spam" and "Cancel" in r.text and
          'href="/admin/comments/?status=spam"' in r.text,
          "delete from Spam: a confirmation page with a way back", r.status)
    r = bulk_as(s, author, "delete", extra[1:], back="/admin/comments/?status=trash")
    check([status_of(s, i) for i in extra[1:]] == ["trash"] * 3,
          "an author cannot delete others' comments (not even offered)", r.status)
    r = bulk_as(s, editor, "delete", extra[1:], back="/admin/comments/?status=trash")
    check(r.status == 200 and "These 3 comments" in r.text, "bulk delete asks first")
    r = bulk_as(s, editor, "delete", extra, back="/admin/comments/?status=trash",
                confirm="yes")
    check([status_of(s, i) for i in extra] == [None] * 4, "confirmed: all four deleted")
    check(notice_after(s, editor, r) == "4 comments deleted for good.",
          "bulk notice: 4 comments deleted for good", notice_after(s, editor, r))
    # The author's own trash: they may delete for good there.
    act(s, author, reply, "trash")
    r = act(s, author, reply, "delete", confirm="yes", back="/admin/comments/?status=trash")
    check(r.status == 303 and status_of(s, reply) is None,
          "an author deletes for good a trashed comment on their own article", r.status)

    # The desk's own 403 page, for a route's role and for a handler's rule.
    r = get(s, "/admin/settings", who=editor)
    check(r.status == 403 and "This was not sent" not in r.text and '<body class="admin"' in r.text and
          "not allow" in r.text and 'href="/admin/"' in r.text and
          'href="/admin/comments/"' in r.text,
          "an editor on an administrators' page gets the desk's 403 (layout, why, a way "
          "back)", r.status)
    r = get(s, "/admin/comments/", who=contrib)
    check(r.status == 403 and "This was not sent" not in r.text and '<body class="admin"' in r.text,
          "a contributor on the comments inbox gets the desk's 403", r.status)
    r = send(s, "/admin/users/", [("csrf", author.csrf), ("email", "x@example.org"),
                                  ("name", "Typed Name"), ("role", "editor")], who=author)
    check(r.status == 403 and '<body class="admin"' in r.text and "Typed Name" in r.text,
          "a refused desk form keeps what was typed, on the desk's page", r.status)
    r = get(s, "/admin/settings")
    check(r.status == 303, "signed out: still sent to sign in", r.status)
    r = get(s, "/admin/", who=author)
    n_own = own_pending_now(s, author)
    check("%d comment%s awaiting moderation" % (n_own, "" if n_own == 1 else "s") in r.text,
          "the author's dashboard counts the held comments on their own articles")
    articles_list_rights(s, people, arts)


def own_pending_now(s, who):
    return s.sql("SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id"
                 " WHERE c.status = 'pending' AND a.author_id = ?", who.id)[0][0]


def articles_list_rights(s, people, arts):
    """The articles list offers each user only what they may do: the edit
    link, Trash and Unpublish where they may edit or unpublish, Restore and
    Delete for good in the trash by right."""
    author, editor, contrib, admin = (people["author"], people["editor"], people["contrib"],
                                      people["admin"])
    own, other = arts["main"], arts["editor"]          # the author's, the editor's (published)
    check(art_row(s, own)[1] == "published" and art_row(s, other)[1] == "published",
          "both published for the list checks")

    def listed(who, aid):
        owner = s.sql("SELECT author_id FROM articles WHERE id=?", aid)[0][0]
        page = get(s, "/admin/articles/?author=%d" % owner, who=who).text
        return {"edit": 'href="/admin/articles/%d/"' % aid in page,
                "trash": 'action="/admin/articles/%d/trash"' % aid in page,
                "unpublish": 'action="/admin/articles/%d/unpublish"' % aid in page}
    want = {
        (author, own): {"edit": True, "trash": True, "unpublish": True},
        (author, other): {"edit": False, "trash": False, "unpublish": False},
        (contrib, own): {"edit": False, "trash": False, "unpublish": False},
        (editor, other): {"edit": True, "trash": True, "unpublish": True},
        (admin, own): {"edit": True, "trash": True, "unpublish": True},
    }
    for (who, aid), w in want.items():
        got = listed(who, aid)
        check(got == w, "articles list: %s on %s's article offers %s" % (
            who.email, "the author" if aid == own else "the editor", w), got)
    # The trash: Restore for who may restore, Delete for good for administrators.
    gone = new_article(s, author.id, "list-rights-trashed", "published", trashed=True)
    for who, restore, delete in ((contrib, False, False), (author, True, False),
                                 (editor, True, False), (admin, True, True)):
        page = get(s, "/admin/articles/?status=trash", who=who).text
        got = ('/admin/articles/%d/restore' % gone in page,
               '/admin/articles/%d/delete' % gone in page)
        check(got == (restore, delete), "articles trash: %s is offered restore=%s delete=%s"
              % (who.email, restore, delete), got)


# ---------------------------------------------------------------- the matrix

def parse_routes():
    text = open(ROUTE_C, encoding="utf-8").read()
    out = {}
    for m in re.finditer(r'\{"(GET|POST)",\s*"(/admin[^"]*)",\s*\w+,\s*([A-Za-z_|0-9 ]+?),', text):
        tokens = set(t.strip() for t in m.group(3).split("|"))
        need = NONE
        for t, lvl in (("C", CONTRIB), ("NEED_CONTRIBUTOR", CONTRIB), ("A", AUTHOR),
                       ("NEED_AUTHOR", AUTHOR), ("E", EDITOR), ("NEED_EDITOR", EDITOR),
                       ("ADM", ADMIN), ("NEED_ADMIN", ADMIN)):
            if t in tokens:
                need = lvl
        csrf = "CSRF" in tokens or "NEED_CSRF" in tokens
        out[(m.group(1), m.group(2))] = (need, csrf)
    return out


def normal(path):
    return re.sub(r"\{\w+\}", "{id}", path)


def own_draft(s, who, tag):
    r = send(s, "/admin/articles/new", edit_form(who, headline="Matrix draft %s %s" % (tag,
                                                                                      who.email),
                                                 body="Draft body."))
    aid, _ = saved_id(r)
    check(r.status == 303 and aid, "%s makes a draft for the matrix" % who.email, r.status)
    rev = s.sql("SELECT min(id) FROM revisions WHERE article_id=?", aid)[0][0] if aid else 0
    return aid, rev


def new_page(s, slug, trashed=False):
    """A draft static page (in the trash if trashed), written straight into
    the table; its id."""
    s.sql("INSERT INTO pages(slug, title, created_at, updated_at, trashed_at, trashed_status)"
          " VALUES (?, ?, 1, 1, ?, ?)", slug, "Page " + slug, int(time.time()) if trashed
          else None, "published" if trashed else "")
    return s.sql("SELECT id FROM pages WHERE slug=? AND parent_id IS NULL", slug)[0][0]


def new_article(s, owner_id, slug, status="draft", trashed=False):
    """An article written straight into the table; its id."""
    now = int(time.time())
    s.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
          " created_at, updated_at, author_id, trashed_at, trashed_status)"
          " VALUES (?, ?, 'x', '<p>x</p>', ?, ?, ?, ?, ?, ?, ?)",
          slug, "Matrix " + slug, "draft" if trashed else status,
          now if status == "published" else None, now, now, owner_id,
          now if trashed else None, status if trashed else "")
    return s.sql("SELECT id FROM articles WHERE slug=?", slug)[0][0]


def matrix(s, people, arts):
    routes = parse_routes()
    mine = {(m, normal(p)) for m, p, _ in TABLE}
    missing = [k for k, (need, _) in routes.items() if need != NONE and k not in mine]
    check(not missing, "the matrix covers every role-gated admin route of route.c", missing)
    for m, p, need in TABLE:
        got = routes.get((m, normal(p)))
        check(got is not None, "route.c has %s %s" % (m, p))
        if got:
            check(got[0] == need, "route.c: %s %s needs %s" % (m, p, LEVEL_NAMES[need]),
                  "route.c says %s" % LEVEL_NAMES[got[0]])
            check(got[1] == (m == "POST"), "route.c: %s %s %s CSRF" % (
                m, p, "checks" if m == "POST" else "has no"))
    by_level = {CONTRIB: people["contrib"], AUTHOR: people["author2"], EDITOR: people["editor"],
                ADMIN: people["admin"]}
    drafts = {lvl: own_draft(s, w, "m") for lvl, w in by_level.items()}
    drafts[NONE] = drafts[ADMIN]
    # Held comments for the per-comment and bulk routes, on an article of
    # the matrix's author (author2), who may moderate them.
    mart = new_article(s, people["author2"].id, "matrix-comments", "published")
    ca = post_comment(s, mart, "Matrix comment A.", "Matrix A", "ma@example.com")
    cb = post_comment(s, mart, "Matrix comment B.", "Matrix B", "mb@example.com")
    uid = people["victim"].id
    n = [0]

    def form_for(method, path, who, level):
        n[0] += 1
        csrf = who.csrf if who else "0" * 32
        base = [("csrf", csrf)]
        if path == "/admin/articles/new":
            return base + edit_form(who or people["admin"], headline="Matrix new %d" % n[0],
                                    body="b")[1:]
        if path.startswith("/admin/pages/") and ("/revisions/" in path or
                                                 path.endswith(("/delete", "/trash",
                                                                "/restore"))):
            return base
        if path.startswith("/admin/pages/"):
            return base + [("title", "Matrix page %d" % n[0]), ("slug", "matrix-page-%d" % n[0]),
                           ("body", "Page body."), ("status", "draft"), ("parent", ""),
                           ("menu_order", "0"), ("action", "save")]
        if path.startswith("/admin/articles/") and path.count("/") == 4:
            return base + edit_form(who or people["admin"], headline="Matrix draft edited %d"
                                    % n[0], body="Draft body.")[1:]
        if "/revisions/" in path:
            return base
        if path in ("/admin/articles/preview", "/admin/autosave"):
            return base + [("article_id", ""), ("headline", "Matrix live %d" % n[0]),
                           ("dek", ""), ("body", "Live *body*."), ("tags", "")]
        if path == "/admin/autosave/dismiss":
            return base + [("article_id", "")]
        if path == "/admin/comments/":
            return base + [("bulk_action", "approve"), ("ids", str(cb))]
        if path.startswith("/admin/comments/"):
            return base + [("action", "approve")]
        if path == "/admin/media/" or path == "/admin/settings/identity":
            return base
        if path == "/admin/media/pick":
            return base + [("return", "/admin/articles/new"), ("pick", "featured"),
                           ("headline", "Matrix pick %d" % n[0])]
        if re.match(r"/admin/media/\d+/$", path):
            return base + [("title", "Matrix image %d" % n[0]), ("caption", ""), ("credit", ""),
                           ("copyright", ""), ("alt", "")]
        if path.startswith("/admin/media/"):
            return base
        if path == "/admin/front/":
            return base + [("action", "top"), ("article_id", str(published_id(s)))]
        if path == "/admin/profile":
            w = who or people["admin"]
            row = s.sql("SELECT display_name, slug FROM users WHERE id=?", w.id)[0]
            return base + [("name", row[0]), ("slug", row[1]), ("bio", "Bio %d" % n[0]),
                           ("links", "")]
        if path == "/admin/settings":
            return base + settings_values(s, tagline="Matrix tagline %d" % n[0])
        if path == "/admin/users/":
            return base + [("email", "matrix%d@example.com" % n[0]), ("name", "Matrix %d" % n[0]),
                           ("role", "contributor")]
        if path == "/admin/profile/password":
            w = who or people["admin"]
            return base + [("current", w.pw), ("password", w.pw), ("password2", w.pw)]
        if path == "/admin/profile/sessions":
            return base + [("action", "others")]
        if path == "/admin/profile/app-passwords":
            return base + [("app_name", "Matrix client %d" % n[0])]
        if path.startswith("/admin/users/") and path.endswith("/delete"):
            return base + [("heir", str(people["admin"].id))]
        if path.startswith("/admin/users/"):
            return base + [("action", "reset")]
        if path == "/admin/sections/":
            return base + [("name", "Matrix section %d" % n[0]), ("slug", ""), ("parent", ""),
                           ("description", "d"), ("position", "0")]
        if path.startswith("/admin/sections/") and not path.endswith("/delete"):
            return base + [("name", "Matrix kept"), ("slug", "matrix-kept"), ("parent", ""),
                           ("description", "kept"), ("position", "1")]
        if path.startswith("/admin/sections/"):
            return base + [("move_to", "")]
        if path.startswith("/admin/tags/"):
            return base + [("action", "rename"), ("name", "Matrix tag"), ("slug", "matrix-tag")]
        if path == "/admin/menus/":
            return base + [("menu", "footer"), ("action", "add"), ("kind", "link"),
                           ("url", "https://example.org/%d" % n[0]), ("label", "L%d" % n[0])]
        if path == "/admin/dictionary/":
            return base + [("word", "matrixword%s" % "abcdefghij"[n[0] % 10]), ("article", "")]
        if path == "/admin/tools/webhooks/":
            return base + [("url", "https://example.org/hook/%d" % n[0]), ("event_0", "1")]
        return base

    expect_ok = {
        ("POST", "/admin/articles/new"): 303, ("POST", "/admin/articles/{aid}/"): 303,
        ("POST", "/admin/articles/{aid}/revisions/{rev}/"): 303,
        ("POST", "/admin/comments/"): 303, ("POST", "/admin/comments/{cid}/"): 303,
        ("POST", "/admin/media/"): 422, ("POST", "/admin/profile"): 303,
        ("POST", "/admin/settings"): 303, ("POST", "/admin/users/"): 200,
        ("POST", "/admin/users/{uid}/"): 200, ("POST", "/admin/logout"): 303,
        ("POST", "/admin/profile/password"): 303, ("POST", "/admin/profile/sessions"): 303,
        ("POST", "/admin/profile/app-passwords"): 201,
        ("POST", "/admin/profile/app-passwords/{apid}/revoke"): 303,
        ("POST", "/admin/users/{duid}/delete"): 303,
        ("POST", "/admin/pages/new"): 303, ("POST", "/admin/pages/{pid}/"): 303,
        ("POST", "/admin/pages/{did}/delete"): 303,
        ("POST", "/admin/pages/preview"): 200, ("POST", "/admin/pages/{tpg}/trash"): 303, ("POST", "/admin/pages/{did}/restore"): 303,
        ("POST", "/admin/pages/{pid}/revisions/{prev}/"): 303,
        ("POST", "/admin/tools/import/"): 422,
        # a note on a draft (the role's own): refused with the form; no note 1 there
        ("POST", "/admin/articles/{aid}/notes"): 422,
        ("POST", "/admin/articles/{aid}/notes/{nid}/delete"): 404,
        ("POST", "/admin/articles/{tid}/trash"): 303,
        # Restoring brings back the status it had: authors their own,
        # editors any; contributors may not (the handler's rule).
        ("POST", "/admin/articles/{rid}/restore"): {CONTRIB: 403, AUTHOR: 303, EDITOR: 303,
                                                    ADMIN: 303},
        ("POST", "/admin/articles/{pub}/unpublish"): {CONTRIB: 403, AUTHOR: 303, EDITOR: 303,
                                                      ADMIN: 303},
        ("POST", "/admin/articles/{xid}/delete"): 303,
        ("POST", "/admin/sections/"): 303, ("POST", "/admin/sections/{sec}/"): 303,
        ("POST", "/admin/sections/{dsec}/delete"): 303,
        ("POST", "/admin/tags/{tag}/"): 303, ("POST", "/admin/menus/"): 303,
        ("POST", "/admin/articles/preview"): 200, ("POST", "/admin/autosave"): 200,
        ("POST", "/admin/autosave/dismiss"): 303,
        ("POST", "/admin/media/{mid}/"): 303, ("POST", "/admin/media/{mid}/replace"): 422,
        ("POST", "/admin/media/{mxid}/delete"): 303, ("POST", "/admin/media/pick"): 200,
        ("POST", "/admin/dictionary/"): 303,
        ("POST", "/admin/front/"): 303, ("POST", "/admin/settings/identity"): 422,
        ("POST", "/admin/tools/webhooks/"): 303,
        ("POST", "/admin/tools/webhooks/{wid}/delete"): 303,
        ("POST", "/admin/tools/webhooks/{wid}/test"): 303,
        ("POST", "/admin/tools/webhooks/{wid}/pause"): 303,
        ("POST", "/admin/tools/webhooks/{wid}/resume"): 303,
    }
    pid = new_page(s, "matrix")
    s.sql("INSERT INTO page_revisions(page_id, created_at, title, slug, body_src, status)"
          " VALUES (?, 1, 'Page matrix', 'matrix', 'First words.', 'draft')", pid)
    prev = s.sql("SELECT max(id) FROM page_revisions WHERE page_id=?", pid)[0][0]
    s.sql("INSERT INTO sections(name, slug) VALUES ('Matrix kept', 'matrix-kept')")
    sec = s.sql("SELECT id FROM sections WHERE slug='matrix-kept'")[0][0]
    s.sql("INSERT INTO tags(name, slug) VALUES ('Matrix tag', 'matrix-tag')")
    tag = s.sql("SELECT id FROM tags WHERE slug='matrix-tag'")[0][0]
    made = [0]

    def fixture(kind, level):
        """A fresh article or section for one request of the matrix."""
        made[0] += 1
        owner = (by_level.get(level) or people["admin"]).id
        slug = "matrix-%s-%d" % (kind, made[0])
        if kind == "tid":
            return new_article(s, owner, slug)
        if kind == "rid" or kind == "xid":
            return new_article(s, owner, slug, "published", trashed=True)
        if kind == "pub":
            return new_article(s, owner, slug, "published")
        if kind == "duid":
            s.sql("INSERT INTO users(email, display_name, slug, role, created_at)"
                  " VALUES (?, ?, ?, 'author', 0)", slug + "@example.com", slug, slug)
            return s.sql("SELECT id FROM users WHERE slug=?", slug)[0][0]
        if kind == "apid":
            s.sql("INSERT INTO app_passwords(user_id, name, hash, created_at)"
                  " VALUES (?, ?, ?, 1)", owner, slug, "%064x" % made[0])
            return s.sql("SELECT max(id) FROM app_passwords")[0][0]
        if kind == "wid":
            s.sql("INSERT INTO webhooks(url, events, secret, created_at)"
                  " VALUES (?, 'page.changed', 'x', 1)", "https://example.org/" + slug)
            return s.sql("SELECT max(id) FROM webhooks")[0][0]
        s.sql("INSERT INTO sections(name, slug) VALUES (?, ?)", slug, slug)
        return s.sql("SELECT id FROM sections WHERE slug=?", slug)[0][0]

    def own_image():
        who = people["author2"]
        n[0] += 1
        name = "matrix-%d.png" % n[0]
        r = upload(s, who, png(3, 3, noise=True), name, "image/png")
        check(r.status == 303, "author2 uploads an image for the matrix", r.status)
        return s.sql("SELECT id FROM media WHERE original_name=?", name)[0][0]
    mid = own_image()
    for method, pattern, need in TABLE:
        for level in (NONE, CONTRIB, AUTHOR, EDITOR, ADMIN):
            who = by_level.get(level)
            aid, rev = drafts[level]
            made[0] += 1
            did = new_page(s, "delete-%d" % made[0], trashed=True) if "{did}" in pattern else 0
            tpg = new_page(s, "trash-%d" % made[0]) if "{tpg}" in pattern else 0
            made_ids = {k: fixture(k, level) if "{%s}" % k in pattern else 0
                        for k in ("tid", "rid", "pub", "xid", "dsec", "duid", "wid", "apid")}
            mxid = own_image() if "{mxid}" in pattern else 0
            path = pattern.format(aid=aid, rev=rev, cid=ca, uid=uid, pid=pid, did=did, sec=sec,
                                  tpg=tpg, prev=prev,
                                  tag=tag, nid=1, mid=mid, mxid=mxid, **made_ids)
            name = "%s %s as %s" % (method, pattern, LEVEL_NAMES[level])
            cookie = who.cookie if who else None
            if method == "POST" and pattern == "/admin/logout" and who:
                cookie, token = sign_in(s, who)     # a session to spend
                who = Who(who.role, who.email, who.name, who.pw)
                who.cookie, who.csrf = cookie, token
            before = snapshot(s)
            if method == "GET":
                r = get(s, path, cookie=cookie)
            else:
                r = send(s, path, form_for(method, path, who, level), cookie=cookie)
            if level == NONE and method == "GET":
                loc = r.header("Location") or ""
                ok = r.status == 303 and loc.startswith("/admin/login?next=") and \
                    urllib.parse.unquote(loc.split("next=", 1)[1]) == path
                check(ok, name + ": 303 to sign-in", (r.status, loc))
            elif level < need:
                check(r.status == 403, name + ": 403", (r.status, form_message(r.text)))
                if method == "POST":
                    diff = snapshot_diff(before, snapshot(s))
                    check(not diff, name + ": refused, nothing changed", diff)
                if level != NONE:
                    check("not allow" in r.text, name + ": says the role does not allow it",
                          form_message(r.text))
                else:
                    check("not signed in" in r.text, name + ": says to sign in",
                          form_message(r.text))
            else:
                want = 200 if method == "GET" else expect_ok[(method, pattern)]
                if isinstance(want, dict):
                    want = want[level]
                check(r.status == want, name + ": %d" % want,
                      (r.status, r.header("Location"), form_message(r.text)))
    check(status_of(s, ca) == "approved" and status_of(s, cb) == "approved",
          "the editor's matrix actions took effect")


# ---------------------------------------------------------------- CSRF

def csrf(s, people, arts):
    admin, author, contrib = people["admin"], people["author"], people["contrib"]
    aid, rev = own_draft(s, admin, "csrf")
    pid = new_page(s, "csrf-page")
    xpid = new_page(s, "csrf-trashed-page", trashed=True)
    s.sql("INSERT INTO page_revisions(page_id, created_at, title, slug, body_src, status)"
          " VALUES (?, 1, 'Old title', 'csrf-page', 'Old words.', 'draft')", pid)
    prev = s.sql("SELECT max(id) FROM page_revisions WHERE page_id=?", pid)[0][0]
    cid = post_comment(s, arts["main"], "CSRF target comment.", "Csrf Target", "ct@example.com")
    uid = people["victim"].id
    s.sql("INSERT INTO article_notes(article_id, kind, body_src, created_at)"
          " VALUES (?, 'correction', 'A real correction.', 1)", arts["main"])
    nid = s.sql("SELECT max(id) FROM article_notes")[0][0]
    trashed = new_article(s, admin.id, "csrf-trashed", "published", trashed=True)
    s.sql("INSERT INTO app_passwords(user_id, name, hash, created_at) VALUES (?, ?, ?, 1)",
          admin.id, "csrf target", "f" * 64)
    csrf_apid = s.sql("SELECT max(id) FROM app_passwords")[0][0]
    live = new_article(s, admin.id, "csrf-live", "published")
    s.sql("INSERT INTO sections(name, slug) VALUES ('Csrf section', 'csrf-section')")
    sec = s.sql("SELECT id FROM sections WHERE slug='csrf-section'")[0][0]
    s.sql("INSERT INTO tags(name, slug) VALUES ('Csrf tag', 'csrf-tag')")
    tag = s.sql("SELECT id FROM tags WHERE slug='csrf-tag'")[0][0]
    upload(s, admin, png(2, 2, noise=True), "csrf-target.png", "image/png")
    media = s.sql("SELECT id FROM media WHERE original_name='csrf-target.png'")[0][0]
    s.sql("INSERT INTO webhooks(url, events, secret, created_at)"
          " VALUES ('https://example.org/csrf', 'page.changed', 'x', 1)")
    hook = s.sql("SELECT max(id) FROM webhooks")[0][0]
    posts = [
        ("/admin/articles/new", lambda: edit_form(admin, headline="Forged new", body="forged")),
        ("/admin/articles/%d/" % aid, lambda: edit_form(admin, headline="Forged edit",
                                                        body="forged body", status="published")),
        ("/admin/articles/%d/revisions/%d/" % (aid, rev), lambda: [("csrf", admin.csrf)]),
        ("/admin/comments/", lambda: [("csrf", admin.csrf), ("bulk_action", "trash"),
                                      ("ids", str(cid))]),
        ("/admin/comments/%d/" % cid, lambda: [("csrf", admin.csrf), ("action", "spam")]),
        ("/admin/media/", lambda: [("csrf", admin.csrf)]),
        ("/admin/profile", lambda: [("csrf", admin.csrf), ("name", "Forged Name"),
                                    ("slug", "forged-name"), ("bio", "forged"), ("links", "")]),
        ("/admin/settings", lambda: [("csrf", admin.csrf)] +
         settings_values(s, site_title="Forged title")),
        ("/admin/users/", lambda: [("csrf", admin.csrf), ("email", "forged@example.com"),
                                   ("name", "Forged"), ("role", "administrator")]),
        ("/admin/users/%d/" % uid, lambda: [("csrf", admin.csrf), ("role", "administrator")]),
        ("/admin/users/%d/delete" % uid, lambda: [("csrf", admin.csrf),
                                                  ("heir", str(admin.id))]),
        ("/admin/profile/password", lambda: [("csrf", admin.csrf), ("current", admin.pw),
                                             ("password", "forged new password"),
                                             ("password2", "forged new password")]),
        ("/admin/profile/sessions", lambda: [("csrf", admin.csrf), ("action", "all")]),
        ("/admin/profile/app-passwords", lambda: [("csrf", admin.csrf),
                                                  ("app_name", "Forged client")]),
        ("/admin/profile/app-passwords/%d/revoke" % csrf_apid,
         lambda: [("csrf", admin.csrf)]),
        ("/admin/logout", lambda: [("csrf", admin.csrf)]),
        ("/admin/pages/new", lambda: [("csrf", admin.csrf), ("title", "Forged page"),
                                      ("body", "forged"), ("status", "published")]),
        ("/admin/pages/%d/" % pid, lambda: [("csrf", admin.csrf), ("title", "Forged edit"),
                                            ("slug", "csrf-page"), ("body", "forged"),
                                            ("status", "published")]),
        ("/admin/pages/%d/delete" % xpid, lambda: [("csrf", admin.csrf)]),
        ("/admin/pages/%d/trash" % pid, lambda: [("csrf", admin.csrf)]),
        ("/admin/pages/preview", lambda: [("csrf", admin.csrf), ("title", "Forged"),
                                          ("body", "forged")]),
        ("/admin/pages/%d/restore" % xpid, lambda: [("csrf", admin.csrf)]),
        ("/admin/pages/%d/revisions/%d/" % (pid, prev), lambda: [("csrf", admin.csrf)]),
        ("/admin/tools/import/", lambda: [("csrf", admin.csrf), ("dry_run", "1")]),
        ("/admin/articles/%d/notes" % arts["main"], lambda: [("csrf", admin.csrf),
                                                             ("kind", "correction"),
                                                             ("text", "Forged correction.")]),
        ("/admin/articles/%d/notes/%d/delete" % (arts["main"], nid), lambda: [("csrf", admin.csrf)]),
        ("/admin/articles/%d/trash" % aid, lambda: [("csrf", admin.csrf)]),
        ("/admin/articles/%d/restore" % trashed, lambda: [("csrf", admin.csrf)]),
        ("/admin/articles/%d/unpublish" % live, lambda: [("csrf", admin.csrf)]),
        ("/admin/articles/%d/delete" % trashed, lambda: [("csrf", admin.csrf)]),
        ("/admin/sections/", lambda: [("csrf", admin.csrf), ("name", "Forged section")]),
        ("/admin/sections/%d/" % sec, lambda: [("csrf", admin.csrf), ("name", "Forged")]),
        ("/admin/sections/%d/delete" % sec, lambda: [("csrf", admin.csrf)]),
        ("/admin/tags/%d/" % tag, lambda: [("csrf", admin.csrf), ("action", "delete")]),
        ("/admin/menus/", lambda: [("csrf", admin.csrf), ("menu", "header"), ("action", "add"),
                                   ("kind", "link"), ("url", "https://evil.example/"),
                                   ("label", "Forged")]),
        ("/admin/articles/preview", lambda: [("csrf", admin.csrf), ("headline", "Forged"),
                                             ("dek", ""), ("body", "forged")]),
        ("/admin/autosave", lambda: [("csrf", admin.csrf), ("article_id", str(aid)),
                                     ("headline", "Forged autosave"), ("dek", ""),
                                     ("body", "forged")]),
        ("/admin/autosave/dismiss", lambda: [("csrf", admin.csrf), ("article_id", str(aid))]),
        ("/admin/media/%d/" % media, lambda: [("csrf", admin.csrf), ("title", "Forged"),
                                              ("alt", "forged")]),
        ("/admin/media/%d/replace" % media, lambda: [("csrf", admin.csrf)]),
        ("/admin/media/%d/delete" % media, lambda: [("csrf", admin.csrf)]),
        ("/admin/media/pick", lambda: [("csrf", admin.csrf), ("return", "/admin/articles/new"),
                                       ("pick", "featured"), ("headline", "Forged")]),
        ("/admin/dictionary/", lambda: [("csrf", admin.csrf), ("word", "forgedword"),
                                        ("article", "")]),
        ("/admin/front/", lambda: [("csrf", admin.csrf), ("action", "lead"),
                                   ("article_id", str(published_id(s)))]),
        ("/admin/settings/identity", lambda: [("csrf", admin.csrf)]),
        ("/admin/tools/webhooks/", lambda: [("csrf", admin.csrf),
                                            ("url", "https://evil.example/hook"),
                                            ("event_0", "1")]),
        ("/admin/tools/webhooks/%d/delete" % hook, lambda: [("csrf", admin.csrf)]),
        ("/admin/tools/webhooks/%d/test" % hook, lambda: [("csrf", admin.csrf)]),
        ("/admin/tools/webhooks/%d/pause" % hook, lambda: [("csrf", admin.csrf)]),
        ("/admin/tools/webhooks/%d/resume" % hook, lambda: [("csrf", admin.csrf)]),
    ]
    covered = {normal(re.sub(r"/\d+/", "/{id}/", p)) for p, _ in posts}
    every = {normal(p) for (m, p), (need, c) in parse_routes().items() if m == "POST" and c}
    check(every <= covered, "CSRF checked on every state-changing admin route",
          sorted(every - covered))
    files = {"/admin/media/": [("file", "ok.png", "image/png", png(2, 3, (3, 3, 3)))],
             "/admin/media/%d/replace" % media: [("file", "ok.png", "image/png",
                                                  png(2, 3, (4, 4, 4)))]}
    for path, make in posts:
        variants = []
        f = make()
        variants.append(("missing token", [kv for kv in f if kv[0] != "csrf"], {}))
        variants.append(("wrong token", [("csrf", "f" * 32)] + f[1:], {}))
        variants.append(("another session's token", [("csrf", contrib.csrf)] + f[1:], {}))
        variants.append(("cross-origin", f, {"Origin": EVIL}))
        variants.append(("cross-site Referer", f, {"Referer": EVIL + "/page"}))
        for what, fields, headers in variants:
            before = snapshot(s)
            r = send(s, path, fields, who=admin, headers=headers, files=files.get(path, ()))
            check(r.status == 403, "%s %s: 403" % (path, what), (r.status, r.header("Location")))
            diff = snapshot_diff(before, snapshot(s))
            check(not diff, "%s %s: nothing changed" % (path, what), diff)
            explains = ("security token" in r.text) if "token" in what else \
                ("only be sent from pages of this site" in r.text)
            back = re.search(r'<a href="[^"]*"[^>]*>[^<]*(back|Back)', r.text) or \
                ('<form method="post" action="%s"' % path in r.text)
            check(explains and back, "%s %s: the 403 explains and offers a way back"
                  % (path, what), form_message(r.text))
            m = re.search(r'<a href="([^"]*)">Go back to the form</a>', r.text)
            if m and what == "missing token":
                target = m.group(1).replace("&amp;", "&")
                g = get(s, target, who=admin)
                for _ in range(2):
                    if g.status in (301, 302, 303) and g.header("Location"):
                        g = get(s, g.header("Location"), who=admin)
                check(g.status == 200, "%s: the 403 page's way back (%s) leads to a page"
                      % (path, target), g.status)
    check(get(s, "/admin/", who=admin).status == 200, "admin still signed in after the forgeries")
    # The editor's 403 keeps what was typed, both encodings.
    for mp in (False, True):
        r = send(s, "/admin/articles/new",
                 edit_form(author, csrf="stale", headline="Council votes tonight & more",
                           body="Paragraph <one> that took an hour.", tags="Council"), mp=mp)
        kind = "multipart" if mp else "urlencoded"
        check(r.status == 403, "editor without a valid token (%s): 403" % kind, r.status)
        check('value="Council votes tonight &amp; more"' in r.text and
              ">Paragraph &lt;one&gt; that took an hour.</textarea>" in r.text and
              'value="Council"' in r.text, "editor 403 re-renders the typed article (%s)" % kind)
        check('name="csrf" value="%s"' % author.csrf in r.text,
              "…with a fresh token so it can be sent again (%s)" % kind)
        check("security token" in (form_message(r.text) or ""), "…and explains (%s)" % kind,
              form_message(r.text))
    r = send(s, "/admin/articles/%d/" % arts["main"],
             edit_form(author, headline="Kept headline", body="Kept body."),
             headers={"Origin": EVIL}, mp=True)
    check(r.status == 403 and 'value="Kept headline"' in r.text and ">Kept body.</textarea>" in
          r.text, "cross-origin editor post: 403, text kept")
    r = send(s, "/admin/articles/new", edit_form(author, headline="Same origin is fine",
                                                 body="ok"), headers={"Origin": s.base})
    check(r.status == 303, "same-origin Origin header accepted", r.status)
    # GET never changes anything.
    before = snapshot(s)
    for path in ("/admin/articles/new?headline=Via+GET&action=save&csrf=" + admin.csrf,
                 "/admin/comments/%d/?action=delete&csrf=%s" % (cid, admin.csrf),
                 "/admin/articles/%d/revisions/%d/?csrf=%s" % (aid, rev, admin.csrf),
                 "/admin/settings?site_title=Via+GET&csrf=" + admin.csrf,
                 "/admin/users/%d/?action=reset&csrf=%s" % (uid, admin.csrf),
                 "/admin/logout?csrf=" + admin.csrf):
        r = get(s, path, who=admin)
        check(r.status in (200, 404, 405), "GET %s answers without acting" % path, r.status)
    diff = snapshot_diff(before, snapshot(s))
    check(not diff, "GET requests changed nothing", diff)


# ---------------------------------------------------------------- scheduling

def scheduling(s, people):
    author = people["author"]
    tomorrow = local_day(1)
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Tide tables for the week", body="High water at noon.",
                       status="scheduled", publish_date=tomorrow, publish_time="09:30"), mp=True)
    aid, notice = saved_id(r)
    check(r.status == 303 and notice == "scheduled", "scheduled (tomorrow 09:30)",
          (r.status, form_message(r.text)))
    slug, status, pub, _, _, _ = art_row(s, aid)
    check(status == "scheduled" and pub and local(pub).strftime("%Y-%m-%d %H:%M") ==
          tomorrow + " 09:30", "09:30 is read in the site's zone (%s)" % ZONE_NAME,
          (status, pub and local(pub).isoformat(), pub and time.strftime("%H:%M UTC",
                                                                         time.gmtime(pub))))
    check(get(s, article_path(pub, slug)).status == 404, "scheduled: not public yet")
    check("Tide tables" not in get(s, "/").text, "scheduled: not on the home page")
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Scheduled without a date", body="x", status="scheduled"))
    check(r.status == 422, "scheduled without a date: 422", r.status)
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Bad date", body="x", status="scheduled",
                       publish_date="2025-13-45", publish_time="25:00"))
    check(r.status == 422 and "YYYY-MM-DD" in r.text, "impossible date: 422", r.status)
    yesterday = local_day(-1)
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Yesterday's tide", body="Low water.",
                       status="scheduled", publish_date=yesterday, publish_time="08:00"))
    pid, _ = saved_id(r)
    check(pid and art_row(s, pid)[1] == "published", "a time already past publishes at once")
    # Due in 2 s: public 3 s later with no request in between.
    due = int(time.time()) + 2
    s.sql("UPDATE articles SET published_at = ? WHERE id = ?", due, aid)
    time.sleep(3.2)
    check(art_row(s, aid)[1] == "published", "published by the scheduler on its own",
          art_row(s, aid)[1])
    r = get(s, article_path(due, slug))
    check(r.status == 200 and "High water at noon." in r.text, "scheduled article is public",
          r.status)
    check('href="%s"' % article_path(due, slug) in get(s, "/").text, "…and on the home page")
    # One more, due while the server is down.
    r = send(s, "/admin/articles/new",
             edit_form(author, headline="Overnight ferry news", body="Sailings resume.",
                       status="scheduled", publish_date=tomorrow, publish_time="06:00"))
    late, _ = saved_id(r)
    check(late and art_row(s, late)[1] == "scheduled", "second article scheduled")
    return late


class Restarted(Server):
    """A new server process on an existing folder and database."""

    def __init__(self, folder, db):
        self.dir = folder
        self.db = db
        self._pg = None
        self.proc = subprocess.Popen(
            [BYLINE, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--trust-proxy",
             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=folder if PG else None)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("server did not restart: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port


def halt(s):
    """Stops the process but keeps its folder."""
    s.proc.terminate()
    try:
        s.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        s.proc.wait()
    err = s.proc.stderr.read()
    check(s.proc.returncode == 0, "server stopped cleanly (exit %s)" % s.proc.returncode,
          err[-2000:])
    s.proc.stdout.close()
    s.proc.stderr.close()


def restart(s, people, late):
    halt(s)
    due = int(time.time()) - 30
    s.sql("UPDATE articles SET published_at = ? WHERE id = ?", due, late)
    run_cli("settings", "--db", s.db, "set", "https", "1")
    s2 = Restarted(s.dir, s.db)
    slug = art_row(s2, late)[0]
    r = get(s2, article_path(due, slug))
    check(r.status == 200 and "Sailings resume." in r.text,
          "an article due while the server was down is published at start", r.status)
    check(art_row(s2, late)[1] == "published", "…and marked published")
    admin = people["admin"]
    check(get(s2, "/admin/", who=admin).status == 200, "sessions survive a restart")
    r = login(s2, admin.email, admin.pw)
    cookie, line = session_cookie(r)
    check(r.status == 303 and line and "Secure" in line and "HttpOnly" in line,
          "with https = 1 the cookie is Secure", line)
    r = login(s2, admin.email, admin.pw, cookie=cookie)
    check(get(s2, "/admin/", cookie=cookie).status == 303, "rotation holds after a restart")
    return s2


if __name__ == "__main__":
    main()
