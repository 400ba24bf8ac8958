"""Accounts in the desk (issue 15): invitations mailed with the set-password
link, the forgotten-password form (the same answer for a known and an
unknown address, rate-limited per address and per client), one's password
and sessions on the profile, suspending an account (its sessions end at
once), deleting one with the account that inherits its work, and the links
`byline user` prints.

Mail goes to a local SMTP sink (aiosmtpd) through the site's own queue and
sender.  Client addresses are set through X-Forwarded-For (the harness
starts the server with --trust-proxy, as a site behind a proxy would run)."""
import email
import email.policy
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, check, done, run_cli  # noqa: E402

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover
    Controller = None

COOKIE = "byline_session"
BASE = "https://news.example"
ADMIN = ("ada@example.com", "Ada Admin", "administrator", "ada's long good password")
EDITOR = ("ed@example.com", "Ed Editor", "editor", "ed's long good password")
AUTHOR = ("aud@example.com", "Aud Author", "author", "aud's long good password")
_ip = [0]


def new_ip(prefix="198.51.100"):
    _ip[0] += 1
    return "%s.%d" % (prefix, _ip[0] % 250 + 1)


# ---- the SMTP sink ----

class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 OK"

    def wait(self, count, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if len(self.mails) >= count:
                    break
            time.sleep(0.05)
        with self.lock:
            got, self.mails = self.mails, []
            return got


def start_sink():
    for _ in range(5):
        sink = Sink()
        with socket.socket() as so:
            so.bind(("127.0.0.1", 0))
            port = so.getsockname()[1]
        ctl = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=5)
        try:
            ctl.start()
            return ctl, sink, port
        except Exception:
            time.sleep(0.1)
    raise RuntimeError("could not start the SMTP sink")


def body_of(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return str(msg["Subject"]), msg.get_content().replace("\r\n", "\n")


# ---- the desk, as a browser ----

def hdr(s, cookie=None):
    # With base_url set, the site's own origin is base_url's.
    h = {"Origin": getattr(s, "origin", s.base)}
    if cookie:
        h["Cookie"] = "%s=%s" % (COOKIE, cookie)
    return h


def session_cookie(r):
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            return sc.split("=", 1)[1].split(";", 1)[0]
    return None


def login(s, mail, pw, ip=None):
    return s.post("/admin/login", {"email": mail, "password": pw}, headers=hdr(s),
                  ip=ip or new_ip())


class User:
    def __init__(self, s, who, ip=None):
        self.email, self.name, self.role, self.pw = who
        self.s = s
        self.id = s.sql("SELECT id FROM users WHERE email=?", self.email)[0][0]
        self.cookie = self.csrf = None
        self.sign_in(ip)

    def sign_in(self, ip=None):
        r = login(self.s, self.email, self.pw, ip)
        self.cookie = session_cookie(r)
        check(r.status == 303 and self.cookie, "%s signs in" % self.email, r.status)
        page = self.get("/admin/profile")
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        self.csrf = m.group(1) if m else None
        return self.cookie

    def get(self, path, cookie=None):
        return self.s.get(path, headers=hdr(self.s, cookie or self.cookie))

    def post(self, path, fields, cookie=None, ip=None):
        return self.s.post(path, dict(fields, csrf=self.csrf), headers=hdr(self.s, cookie or
                                                                           self.cookie), ip=ip)


def form_message(html):
    m = re.search(r'class="form-message"[^>]*>(.*?)</p>', html, re.S)
    return m.group(1).strip() if m else None


def token_of(text):
    m = re.search(r"/admin/password\?token=([0-9a-f]{32})", text)
    return m.group(1) if m else None


def make_account(s, who):
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", who[0], "--name", who[1],
                           "--role", who[2], check_rc=False)
    tok = token_of(out)
    r = s.post("/admin/password", {"token": tok or "", "password": who[3], "password2": who[3]},
               headers=hdr(s))
    check(rc == 0 and r.status == 303, "%s's account is made and its password set" % who[0],
          out + err)


def signed_in(s, cookie):
    r = s.get("/admin/", headers=hdr(s, cookie))
    return r.status == 200


# ---- 1. invitations ----

def invitations(s, sink, admin):
    r = admin.post("/admin/users/", {"email": "New.Person@Example.com", "name": "New Person",
                                     "role": "author"})
    link = re.search(r'id="new-link"[^>]*value="([^"]+)"', r.text)
    link = link.group(1).replace("&amp;", "&") if link else ""
    check(r.status == 200 and link.startswith(BASE + "/admin/password?token="),
          "adding a user shows the whole link on base_url to copy", (r.status, link))
    check("invitation with this link is sent to new.person@example.com" in r.text,
          "…and says the invitation is sent", form_message(r.text))
    mails = sink.wait(1)
    check(len(mails) == 1 and mails[0][0] == ["new.person@example.com"],
          "the invitation reaches the new address, once", [m[0] for m in mails])
    if mails:
        subject, body = body_of(mails[0][1])
        check("invited" in subject and link in body, "the invitation carries the same link",
              (subject, body[:300]))
    tok = token_of(link)
    g = s.get("/admin/password?token=%s" % tok)
    check(g.status == 200 and 'name="password"' in g.text, "the invitation link opens the form")
    # New password link from the list: mailed too.
    uid = s.sql("SELECT id FROM users WHERE email='new.person@example.com'")[0][0]
    r = admin.post("/admin/users/%d/" % uid, {"action": "reset"})
    check(r.status == 200 and BASE + "/admin/password?token=" in r.text,
          "New password link shows the whole link", r.status)
    check(len(sink.wait(1)) == 1, "…and mails it")
    check(s.get("/admin/password?token=%s" % tok).status == 404,
          "…and the older link stops working")
    # An imported author without an email cannot sign in: no link is made.
    s.sql("INSERT INTO users(display_name, slug, role, created_at)"
          " VALUES ('Old Byline', 'old-byline', 'author', 0)")
    oid = s.sql("SELECT id FROM users WHERE slug='old-byline'")[0][0]
    page = admin.get("/admin/users/")
    check("Byline only (no email, cannot sign in)" in page.text,
          "an author without an email is shown as a byline only")
    r = admin.post("/admin/users/%d/" % oid, {"action": "reset"})
    check(r.status == 422 and "no email" in (form_message(r.text) or "") and
          s.sql("SELECT count(*) FROM password_links WHERE user_id=?", oid) == [(0,)],
          "…and gets no password link", r.status)


# ---- 2. forgotten password ----

def forgot(s, sink, admin_who):
    page = s.get("/admin/login")
    check('href="/admin/forgot"' in page.text, "the sign-in page links to Forgotten password")
    g = s.get("/admin/forgot")
    check(g.status == 200 and 'action="/admin/forgot"' in g.text and
          "no-store" in (g.header("Cache-Control") or ""), "the form is there, not cached")
    r = s.post("/admin/forgot", {"email": "someone@example.com"})
    check(r.status == 403, "a post that says nowhere where it comes from is refused", r.status)

    def ask(addr, ip):
        t0 = time.monotonic()
        r = s.post("/admin/forgot", {"email": addr}, headers=hdr(s), ip=ip)
        return r, time.monotonic() - t0

    known, t_known = ask(admin_who[0], "203.0.113.5")
    unknown, t_unknown = ask("nobody@example.com", "203.0.113.6")
    check(known.status == unknown.status == 200, "known and unknown: both 200",
          (known.status, unknown.status))
    check(known.text.replace(admin_who[0], "X") == unknown.text.replace("nobody@example.com", "X"),
          "known and unknown addresses get the same page")
    check(sorted(k for k, _ in known.headers if k.lower() not in ("date", "content-length")) ==
          sorted(k for k, _ in unknown.headers if k.lower() not in ("date", "content-length")),
          "…and the same headers")
    check(t_known < 1.5 and t_unknown < 1.5,
          "both answer at once, the work queued (%.3f s and %.3f s)" % (t_known, t_unknown))
    check(s.sql("SELECT count(*) FROM reset_requests WHERE email IN (?, ?)", admin_who[0],
                "nobody@example.com") == [(2,)], "both requests went the same way: queued")
    mails = sink.wait(1)
    time.sleep(1.0)
    mails += sink.wait(0, 0.1)
    check([m[0] for m in mails] == [[admin_who[0]]],
          "only the known address gets a mail", [m[0] for m in mails])
    if mails:
        subject, body = body_of(mails[0][1])
        tok = token_of(body)
        check(BASE + "/admin/password?token=" in body and tok,
              "the reset mail carries a link on base_url", body[:300])
        newpw = "a brand new long password"
        r = s.post("/admin/password", {"token": tok, "password": newpw, "password2": newpw},
                   headers=hdr(s))
        check(r.status == 303, "the mailed link sets a new password", r.status)
        check(login(s, admin_who[0], newpw).status == 303, "…that signs in")
        r = s.post("/admin/password", {"token": tok, "password": admin_who[3],
                                       "password2": admin_who[3]}, headers=hdr(s))
        check(r.status == 404, "the link works once", r.status)
    # Rate limits: per address strict (3 an hour), per client generous (30).
    addr = "limit@example.com"
    got = [s.post("/admin/forgot", {"email": addr}, headers=hdr(s), ip=new_ip("192.0.2")).status
           for _ in range(4)]
    check(got == [200, 200, 200, 429], "one address: 3 requests an hour, from anywhere", got)
    r = s.post("/admin/forgot", {"email": addr}, headers=hdr(s), ip=new_ip("192.0.2"))
    check(r.status == 429 and int(r.header("Retry-After") or 0) > 0 and
          "Too many requests" in (form_message(r.text) or ""),
          "…the 4th says to wait, with Retry-After", (r.status, r.header("Retry-After")))
    nat = "198.18.0.7"     # a newsroom behind one address
    got = [s.post("/admin/forgot", {"email": "staff%d@example.com" % i}, headers=hdr(s),
                  ip=nat).status for i in range(31)]
    check(got[:30] == [200] * 30 and got[30] == 429,
          "one client address: 30 different addresses an hour, then 429", got[-3:])
    r = s.post("/admin/forgot", {"email": "staff99@example.com"}, headers=hdr(s),
               ip="198.18.0.8")
    check(r.status == 200, "another client is not held by that limit", r.status)
    r = s.post("/admin/forgot", {"email": "not an address"}, headers=hdr(s), ip=new_ip())
    check(r.status == 422 and 'value="not an address"' in r.text,
          "a non-address is refused with what was typed", r.status)
    sink.wait(0, 2)        # the staffN requests are unknown: nothing should come
    check(sink.wait(0, 0.1) == [], "unknown addresses got no mail")


# ---- 3. profile: password and sessions ----

def profile(s, editor_who):
    ed = User(s, editor_who, ip="203.0.113.20")
    other = login(s, editor_who[0], editor_who[3], ip="203.0.113.21")
    other_cookie = session_cookie(other)
    page = ed.get("/admin/profile")
    check(page.status == 200 and "203.0.113.20" in page.text and "203.0.113.21" in page.text,
          "the profile lists both sessions with their addresses")
    check(page.text.count("this browser") == 1, "…this one marked")
    check('action="/admin/profile/password"' in page.text and 'name="current"' in page.text,
          "the profile has the password form asking for the current one")
    # Ending another account's session: not possible.
    theirs = s.sql("SELECT id FROM sessions WHERE user_id <> ? LIMIT 1", ed.id)
    if theirs:
        r = ed.post("/admin/profile/sessions", {"action": "end", "session": str(theirs[0][0])})
        check(r.status == 404 and s.sql("SELECT count(*) FROM sessions WHERE id=?",
                                        theirs[0][0]) == [(1,)],
              "another account's session cannot be ended", r.status)
    oid = s.sql("SELECT id FROM sessions WHERE user_id=? AND ip='203.0.113.21'", ed.id)[0][0]
    r = ed.post("/admin/profile/sessions", {"action": "end", "session": str(oid)})
    check(r.status == 303 and not signed_in(s, other_cookie) and signed_in(s, ed.cookie),
          "ending the other session signs it out, not this one", r.status)
    # Password: the current one is asked.
    other_cookie = session_cookie(login(s, editor_who[0], editor_who[3]))
    newpw = "the editor's fresh password"
    pending = token_of(run_cli("user", "--db", s.db, "reset-link", editor_who[0],
                               check_rc=False)[1])
    r = ed.post("/admin/profile/password", {"current": "wrong password here",
                                            "password": newpw, "password2": newpw})
    check(r.status == 422 and "current password is not right" in r.text and
          signed_in(s, other_cookie), "a wrong current password changes nothing", r.status)
    r = ed.post("/admin/profile/password", {"current": editor_who[3], "password": newpw,
                                            "password2": newpw + "x"})
    check(r.status == 422, "two different new passwords are refused", r.status)
    r = ed.post("/admin/profile/password", {"current": editor_who[3], "password": "short",
                                            "password2": "short"})
    check(r.status == 422, "a short new password is refused", r.status)
    r = ed.post("/admin/profile/password", {"current": editor_who[3], "password": newpw,
                                            "password2": newpw})
    check(r.status == 303 and "done=password" in (r.header("Location") or ""),
          "the right current password changes it", (r.status, r.header("Location")))
    check(signed_in(s, ed.cookie) and not signed_in(s, other_cookie),
          "…this session goes on, the other ended")
    check(s.get("/admin/password?token=%s" % pending).status == 404,
          "…and a password link sent before no longer works")
    check(login(s, editor_who[0], editor_who[3]).status == 422 and
          login(s, editor_who[0], newpw).status == 303, "the new password signs in, the old not")
    # "Sign out" on this browser's own row ends this session only.
    spare = session_cookie(login(s, editor_who[0], newpw))
    mine = s.sql("SELECT id FROM sessions WHERE user_id=? ORDER BY id DESC LIMIT 1", ed.id)[0][0]
    spare_csrf = re.search(r'name="csrf" value="([^"]+)"', ed.get("/admin/profile",
                                                                  cookie=spare).text).group(1)
    r = s.post("/admin/profile/sessions", {"action": "end", "session": str(mine),
                                           "csrf": spare_csrf}, headers=hdr(s, spare))
    check(r.status == 303 and not signed_in(s, spare) and signed_in(s, ed.cookie),
          "Sign out on this session's row ends it alone", r.status)
    # Sign out everywhere.
    second = session_cookie(login(s, editor_who[0], newpw))
    r = ed.post("/admin/profile/sessions", {"action": "all"})
    check(r.status == 303 and "/admin/login" in (r.header("Location") or "") and
          not signed_in(s, ed.cookie) and not signed_in(s, second) and
          s.sql("SELECT count(*) FROM sessions WHERE user_id=?", ed.id) == [(0,)],
          "sign out everywhere ends every session, this one too", r.status)
    return newpw


# ---- 4. suspend ----

def suspend(s, sink, admin, author_who):
    aud = User(s, author_who)
    link = run_cli("user", "--db", s.db, "reset-link", author_who[0], check_rc=False)[1]
    tok = token_of(link)
    r = admin.post("/admin/users/%d/" % aud.id, {"action": "suspend"})
    check(r.status == 303 and "done=suspended" in (r.header("Location") or ""),
          "an administrator suspends the author", r.status)
    check(not signed_in(s, aud.cookie), "the author's session ends at once")
    check(s.sql("SELECT count(*) FROM sessions WHERE user_id=?", aud.id) == [(0,)],
          "…its sessions are deleted")
    r = login(s, author_who[0], author_who[3])
    check(r.status == 403 and "suspended" in (form_message(r.text) or ""),
          "a suspended account cannot sign in", r.status)
    check(s.get("/admin/password?token=%s" % tok).status == 404,
          "…nor use a password link made before")
    run_cli("user", "--db", s.db, "reset-link", author_who[0], check_rc=False)
    r = s.post("/admin/forgot", {"email": author_who[0]}, headers=hdr(s), ip=new_ip())
    check(r.status == 200, "forgot for a suspended account: the same answer", r.status)
    time.sleep(1.5)
    check([m for m in sink.wait(0, 0.1) if author_who[0] in m[0]] == [],
          "…and no mail")
    page = admin.get("/admin/users/")
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*%s(?:(?!</tr>).)*</tr>" % re.escape(author_who[0]),
                    page.text, re.S)
    check(row and "Suspended" in row.group(0) and 'value="unsuspend"' in row.group(0),
          "the list shows the account as suspended, with Make active")
    # A held comment on the suspended author's article: the moderators are
    # mailed, the suspended author is not.
    now = int(time.time())
    s.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
          " created_at, updated_at, author_id, comments_open) VALUES ('aud-held', 'Aud held',"
          " 'x', '<p>x</p>', 'published', ?, ?, ?, ?, 1)", now, now, now, aud.id)
    aid = s.sql("SELECT id FROM articles WHERE slug='aud-held'")[0][0]
    url = s.date_path(now) + "aud-held/"
    r = s.post(url, {"comment": "A first comment, held.", "author": "Rita Reader",
                     "email": "rita@example.net", "url": "", "comment_parent": "0",
                     "byline_token": s.token(aid), "byline_hp": ""}, ip=new_ip())
    check(r.status == 303, "a reader's comment is taken", (r.status, url))
    mails = sink.wait(2)
    time.sleep(1.5)
    got = sorted(rc for m in mails + sink.wait(0, 0.1) for rc in m[0])
    check(ADMIN[0] in got and EDITOR[0] in got and author_who[0] not in got,
          "the held comment is mailed to the moderators, not the suspended author", got)
    r = admin.post("/admin/users/%d/" % admin.id, {"action": "suspend"})
    check(r.status == 422 and "your own account" in (form_message(r.text) or ""),
          "an administrator cannot suspend themselves", r.status)
    r = admin.post("/admin/users/%d/" % aud.id, {"action": "unsuspend"})
    check(r.status == 303 and login(s, author_who[0], author_who[3]).status == 303,
          "made active, the account signs in again", r.status)


# ---- 5. delete with an heir ----

def delete(s, admin, editor_id, author_who):
    aud = s.sql("SELECT id, slug FROM users WHERE email=?", author_who[0])[0]
    uid, slug = aud
    now = int(time.time())
    for i in (1, 2):
        s.sql("INSERT INTO articles(slug, headline, body_src, body_html, status, published_at,"
              " created_at, updated_at, author_id) VALUES (?, ?, 'x', '<p>x</p>', 'published',"
              " ?, ?, ?, ?)", "aud-story-%d" % i, "Aud story %d" % i, now, now, now, uid)
    a1 = s.sql("SELECT id FROM articles WHERE slug='aud-story-1'")[0][0]
    a2 = s.sql("SELECT id FROM articles WHERE slug='aud-story-2'")[0][0]
    # Story 2 has the editor as co-author already; story 1 has the author second.
    s.sql("INSERT OR IGNORE INTO article_authors(article_id, user_id, position) VALUES (?, ?, 1)",
          a2, editor_id)
    s.sql("INSERT INTO pages(slug, title, created_at, updated_at, author_id)"
          " VALUES ('aud-page', 'Aud page', 1, 1, ?)", uid)
    s.sql("INSERT INTO media(hash, mime, ext, bytes, width, height, created_at,"
          " uploaded_by) VALUES ('ab', 'image/png', 'png', 1, 1, 1, 1, ?)", uid)
    s.sql("INSERT INTO comments(article_id, author_name, author_email, body, body_html, status,"
          " created_at, ip, user_id) VALUES (?, 'Aud Author', ?, 'Staff reply text.',"
          " '<p>Staff reply text.</p>', 'approved', 1, '', ?)", a1, author_who[0], uid)
    check(s.get("/author/%s/" % slug).status == 200, "the author has a public page first")
    g = admin.get("/admin/users/%d/delete" % uid)
    check(g.status == 200 and 'name="heir"' in g.text and "Aud Author" not in
          re.search(r'<select id="heir".*?</select>', g.text, re.S).group(0),
          "the delete page asks who inherits (the account itself not offered)")
    r = admin.post("/admin/users/%d/delete" % uid, {"heir": str(uid)})
    check(r.status == 422 and s.sql("SELECT count(*) FROM users WHERE id=?", uid) == [(1,)],
          "the account cannot inherit from itself", r.status)
    r = admin.post("/admin/users/%d/delete" % uid, {"heir": "999999"})
    check(r.status == 422, "an heir that does not exist is refused", r.status)
    r = admin.post("/admin/users/%d/delete" % admin.id, {"heir": str(editor_id)})
    check(r.status == 422 and s.sql("SELECT count(*) FROM users WHERE id=?", admin.id) == [(1,)],
          "an administrator cannot delete themselves", r.status)
    r = admin.post("/admin/users/%d/delete" % uid, {"heir": str(editor_id)})
    check(r.status == 303 and "done=user-deleted" in (r.header("Location") or ""),
          "the account is deleted", (r.status, form_message(r.text)))
    check(s.sql("SELECT count(*) FROM users WHERE id=?", uid) == [(0,)], "…its row is gone")
    check(s.sql("SELECT author_id FROM articles WHERE id IN (?, ?)", a1, a2) ==
          [(editor_id,), (editor_id,)], "its articles have the heir as author")
    check(s.sql("SELECT count(*) FROM article_authors WHERE user_id=?", uid) == [(0,)] and
          s.sql("SELECT count(*) FROM article_authors WHERE article_id=? AND user_id=?",
                a1, editor_id) == [(1,)] and
          s.sql("SELECT count(*) FROM article_authors WHERE article_id=?", a2) == [(1,)],
          "bylines moved to the heir, none twice")
    check(s.sql("SELECT author_id FROM pages WHERE slug='aud-page'") == [(editor_id,)],
          "its page has the heir as author")
    check(s.sql("SELECT uploaded_by FROM media WHERE hash='ab'") == [(editor_id,)],
          "its upload belongs to the heir")
    check(s.sql("SELECT body, author_name, user_id FROM comments WHERE body='Staff reply text.'")
          == [("Staff reply text.", "Aud Author", None)], "its comment keeps its text and name")
    check(dangling(s, uid) == [], "nothing points at the deleted account", dangling(s, uid))
    check(s.get("/author/%s/" % slug).status == 404, "its author page is gone")
    art = s.get("/%s/aud-story-1/" % time.strftime("%Y/%m/%d", time.localtime(now)))
    check(art.status != 200 or "Ed Editor" in art.text, "the article shows the heir's name")


def dangling(s, uid):
    """What still points at user uid: every column a foreign key ties to
    users, read from the engine's own catalogue, holding uid (and, on
    SQLite, whose foreign keys are checked only when a connection asks,
    any row PRAGMA foreign_key_check finds)."""
    if harness.ENGINE == "sqlite":
        found = s.sql("PRAGMA foreign_key_check")
        refs = s.sql("SELECT m.name, f.\"from\" FROM sqlite_master m,"
                     " pragma_foreign_key_list(m.name) f"
                     " WHERE m.type = 'table' AND f.\"table\" = 'users'")
    else:
        found = []
        refs = s.sql("SELECT k.table_name, k.column_name"
                     " FROM information_schema.referential_constraints r"
                     " JOIN information_schema.key_column_usage k"
                     " ON k.constraint_name = r.constraint_name"
                     " JOIN information_schema.constraint_column_usage u"
                     " ON u.constraint_name = r.unique_constraint_name"
                     " WHERE u.table_name = 'users'")
    check(len(refs) >= 10, "the catalogue names the columns that point at users", refs)
    for table, col in refs:
        n = s.sql('SELECT count(*) FROM "%s" WHERE "%s" = ?' % (table, col), uid)[0][0]
        if n:
            found.append((table, col, n))
    return found


# ---- 6. links without base_url ----

def without_base_url(s, admin):
    run_cli("settings", "--db", s.db, "set", "base_url", "")
    time.sleep(1.2)       # the server reads settings changed from the command line
    s.origin = s.base
    before = s.sql("SELECT count(*) FROM mail_queue")[0][0]
    r = admin.post("/admin/users/", {"email": "nobase@example.com", "name": "No Base",
                                     "role": "contributor"})
    link = re.search(r'id="new-link"[^>]*value="([^"]+)"', r.text)
    link = link.group(1).replace("&amp;", "&") if link else ""
    check(r.status == 200 and re.fullmatch(r"/admin/password\?token=[0-9a-f]{32}", link),
          "without base_url the desk shows the path only", link)
    check("base_url" in r.text and "No mail was sent" in r.text and "8080" not in r.text and
          "127.0.0.1" not in link, "…says base_url must be set for mails, guesses nothing")
    check(s.sql("SELECT count(*) FROM mail_queue")[0][0] == before, "…and queues no mail")
    g = s.get("/admin/forgot")
    check("cannot send mail" in g.text and 'action="/admin/forgot"' not in g.text,
          "without base_url, Forgotten password says no link can be mailed")


def cli(s):
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "cli@example.com",
                           "--name", "Cli Person", "--role", "author", check_rc=False)
    check(rc == 0 and re.search(r"^/admin/password\?token=[0-9a-f]{32}$", out, re.M) and
          "byline settings --db FILE set base_url https://" in out and "8080" not in out and
          "127.0.0.1" not in out, "user add without base_url: the path and how to set base_url",
          out)
    rc, out, err = run_cli("user", "--db", s.db, "reset-link", "cli@example.com", check_rc=False)
    check(rc == 0 and re.search(r"^/admin/password\?token=[0-9a-f]{32}$", out, re.M) and
          "set base_url" in out, "reset-link without base_url: the same", out)
    run_cli("settings", "--db", s.db, "set", "base_url", BASE + "/")
    before = s.sql("SELECT count(*) FROM mail_queue")[0][0]
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "cli2@example.com",
                           "--name", "Cli Two", "--role", "author", check_rc=False)
    check(rc == 0 and re.search(r"^%s/admin/password\?token=[0-9a-f]{32}$" % re.escape(BASE),
                                out, re.M) and "base_url is not set" not in out,
          "user add with base_url prints the whole link", out)
    check(s.sql("SELECT count(*) FROM mail_queue WHERE to_addr='cli2@example.com'") == [(1,)]
          and "invitation" in out, "…and queues the invitation (a mail server is set)", out)
    rc, out, err = run_cli("user", "--db", s.db, "reset-link", "cli2@example.com",
                           check_rc=False)
    check(rc == 0 and re.search(r"^%s/admin/password\?token=" % re.escape(BASE), out, re.M),
          "reset-link with base_url prints the whole link", out)


def main():
    if Controller is None:
        check(False, "python3-aiosmtpd is needed")
        done()
    ctl, sink, port = start_sink()
    s = Server(settings={"site_title": "Byline Daily", "base_url": BASE,
                         "smtp_url": "smtp://127.0.0.1:%d" % port,
                         "smtp_from": "Desk <desk@example.org>"})
    try:
        s.origin = BASE
        for who in (ADMIN, EDITOR, AUTHOR):
            make_account(s, who)
        check(len(sink.wait(3)) == 3, "user add queued three invitations, sent by the server")
        admin = User(s, ADMIN)
        editor_id = s.sql("SELECT id FROM users WHERE email=?", EDITOR[0])[0][0]
        invitations(s, sink, admin)
        forgot(s, sink, ADMIN)
        admin = User(s, (ADMIN[0], ADMIN[1], ADMIN[2], "a brand new long password"))
        profile(s, EDITOR)
        suspend(s, sink, admin, AUTHOR)
        delete(s, admin, editor_id, AUTHOR)
        cli_server = Server(settings={"smtp_url": "smtp://127.0.0.1:%d" % port})
        try:
            cli(cli_server)
        finally:
            cli_server.stop()
        without_base_url(s, admin)
    finally:
        s.stop()
        ctl.stop()
    done()


if __name__ == "__main__":
    main()
