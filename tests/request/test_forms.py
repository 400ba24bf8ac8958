"""Nothing a reader typed is lost, and a comment's rules have one home
(issue 11, sections 2 to 4).

- Every form's body limit follows from its fields' limits: a browser sends
  up to 12 bytes a character (a 4-byte character percent-encoded), so a
  comment of 22,000 Cyrillic characters, a third of the 65,525 allowed, was
  a bare 413 with the text gone.  Cyrillic, CJK and emoji at each limit are
  accepted; one character past it is a 422 with the form and the text kept,
  byte for byte.  The same for the desk's comment edit and reply, the
  password forms, users and settings.
- A commenter's name may not hold line breaks, bidi overrides and isolates,
  zero-width or other invisible or control characters (display spoofing).
- Under the `https` setting the held-comment and saved-details cookies are
  Secure, as the session cookie is.
"""
import html
import os
import re
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402

ARTICLE = "/2024/06/12/limits-of-a-form/"
SCRIPTS = (("Cyrillic", "ж"), ("CJK", "字"), ("emoji", "\U0001F600"))
MAX_BODY, MAX_NAME, MAX_EMAIL, MAX_URL = 65525, 245, 100, 200

_ip = [0]


def new_ip():
    _ip[0] += 1
    return "203.0.113.%d" % (_ip[0] % 250 + 1)


def seed(srv):
    folder = tempfile.mkdtemp(prefix="byline-forms-")
    write_article(folder, "a.md", title="Limits of a form", author="Fay Former",
                  date="2024-06-12 10:15", section="World", slug="limits-of-a-form",
                  body="An article to comment on.\n")
    run_cli("import-markdown", "--db", srv.db, folder)


def article_id(s):
    return s.sql("SELECT id FROM articles WHERE slug='limits-of-a-form'")[0][0]


def comment_form(s, **over):
    f = {"comment": "A comment.", "author": "Rea Reader", "email": "rea@example.com",
         "url": "", "comment_parent": "0", "byline_token": s.token(article_id(s)),
         "byline_hp": ""}
    f.update(over)
    return f


def textarea(page, name):
    """The text a textarea shows, unescaped as a browser reads it."""
    m = re.search(r'<textarea id="%s"[^>]*>(.*?)</textarea>' % name, page, re.S)
    return html.unescape(m.group(1)) if m else None


def input_value(page, name):
    m = re.search(r'<input id="%s"[^>]*value="([^"]*)"' % name, page, re.S)
    return html.unescape(m.group(1)) if m else None


def field_error(page, name):
    m = re.search(r'id="%s-error">(.*?)</span>' % name, page, re.S)
    return html.unescape(m.group(1)) if m else ""


def comment_limits(s):
    # The report: 22,000 Cyrillic characters, 132 KB once percent-encoded.
    text = "ж" * 22000
    body = urllib.parse.urlencode(comment_form(s, comment=text)).encode()
    check(len(body) > 128 * 1024, "22,000 Cyrillic characters are over 128 KB encoded",
          len(body))
    r = s.post(ARTICLE, comment_form(s, comment=text, author="Cy Rillic"), ip=new_ip())
    check(r.status == 303, "comment_of_22000_cyrillic_characters_is_accepted_not_413",
          (r.status, r.text[:200]))
    for script, ch in SCRIPTS:
        # At the limit: accepted (a character apart, so no duplicate).
        text = "a" + ch * (MAX_BODY - 1)
        r = s.post(ARTICLE, comment_form(s, comment=text, author="At %s" % script,
                                         email="at.%s@example.com" % script.lower()),
                   ip=new_ip())
        check(r.status == 303, "%s comment at the limit (65,525) accepted" % script,
              (r.status, r.text[:200]))
        cid = re.search(r"#comment-(\d+)", r.header("Location") or "#comment-0").group(1)
        stored = s.sql("SELECT body FROM comments WHERE id=?", int(cid))
        check(stored == [(text,)], "%s comment stored whole" % script)
        # One past: 422, the form back with the text byte for byte.
        text = ch * (MAX_BODY + 1)
        r = s.post(ARTICLE, comment_form(s, comment=text, author="Past %s" % script),
                   ip=new_ip())
        check(r.status == 422, "%s comment one past the limit: 422 (not 413)" % script,
              (r.status, r.text[:200]))
        check(textarea(r.text, "comment") == text,
              "%s comment one past the limit kept byte for byte" % script)
        check("too long: 65526 characters" in field_error(r.text, "comment"),
              "%s over-long comment: the message beside the field" % script,
              field_error(r.text, "comment")[:200])
        # The name, email and website, one past their limits in this script.
        for field, size in (("author", MAX_NAME), ("email", MAX_EMAIL), ("url", MAX_URL)):
            value = ch * (size + 1)
            r = s.post(ARTICLE, comment_form(s, **{field: value}), ip=new_ip())
            check(r.status == 422 and "too long" in field_error(r.text, field),
                  "%s %s one past its limit: 422 with a message" % (script, field),
                  (r.status, field_error(r.text, field)))
            check(input_value(r.text, field) == value,
                  "%s %s one past its limit kept whole" % (script, field))
        r = s.post(ARTICLE, comment_form(s, author=ch * MAX_NAME, comment="Name at %s" % script),
                   ip=new_ip())
        check(r.status == 303, "%s name at its limit (245) accepted" % script, r.status)
    # A browser counts a textarea's line break as one character (and sends
    # CR LF): 21,841 lines of two characters and a break are 65,523.
    text = "\r\n".join(["жж"] * 21841)
    r = s.post(ARTICLE, comment_form(s, comment=text, author="Line Breaker"), ip=new_ip())
    check(r.status == 303, "line_breaks_count_as_one_character_as_a_browser_counts",
          (r.status, field_error(r.text, "comment")[:200]))


def hidden_names(s):
    bad = [("a line feed", "Eve\nAdmin"), ("a carriage return", "Eve\rAdmin"),
           ("a tab", "Eve\tAdmin"), ("a bell", "Eve\x07"), ("a C1 control", "Eve\u0085"),
           ("RLO", "Eve\u202eedoc"), ("LRE", "\u202aEve"), ("PDF", "Eve\u202c"),
           ("RLI", "Eve\u2067x"), ("PDI", "Eve\u2069"), ("LRM", "Eve\u200e"),
           ("ZWSP", "Ed\u200bitor"), ("ZWNJ", "Ed\u200citor"), ("ZWJ", "Ed\u200ditor"),
           ("word joiner", "Ed\u2060itor"), ("BOM", "\ufeffEditor"),
           ("line separator", "Eve\u2028Admin"), ("soft hyphen", "Ed\u00aditor"),
           ("a tag character", "Eve\U000E0041")]
    for what, name in bad:
        r = s.post(ARTICLE, comment_form(s, author=name, comment="Spoof with %s" % what),
                   ip=new_ip())
        err = field_error(r.text, "author")
        check(r.status == 422 and "cannot be shown in a name" in err,
              "name_with_%s_refused" % what.replace(" ", "_"), (r.status, err[:200]))
        check(input_value(r.text, "author") == name and
              textarea(r.text, "comment") == "Spoof with %s" % what,
              "name with %s: the form kept as typed" % what)
    check(s.sql("SELECT count(*) FROM comments WHERE body LIKE 'Spoof with%'") == [(0,)],
          "no spoofing name was stored")
    # Names in any script, with emoji and their variation selectors, pass.
    for name in ("José Ñúñez", "李小龍", "Zoë ❤\ufe0f", "Анна-Мария", "عمر", "O'Brien"):
        r = s.post(ARTICLE, comment_form(s, author=name, comment="Hello from %s" % name),
                   ip=new_ip())
        check(r.status == 303, "a real name passes: %r" % name, (r.status, field_error(
            r.text, "author")))


def secure_cookies():
    def post_and_cookies(s, **headers):
        r = s.post(ARTICLE, comment_form(s, comment="Cookie check %s" % new_ip(),
                                         **{"wp-comment-cookies-consent": "yes"}),
                   ip=new_ip(), headers=headers)
        check(r.status == 303, "comment posted for the cookie check", (r.status, r.text[:200]))
        return {sc.split("=", 1)[0]: sc for sc in r.headers_all("Set-Cookie")}

    s = Server(before=seed, settings={"https": 1, "comment_flood_seconds": 0})
    try:
        c = post_and_cookies(s)
        for name in ("byline_held", "byline_commenter"):
            check(name in c and "; Secure" in c[name],
                  "https_setting_marks_%s_cookie_secure" % name, c.get(name))
    finally:
        s.stop()
    s = Server(before=seed, settings={"comment_flood_seconds": 0})
    try:
        c = post_and_cookies(s)
        for name in ("byline_held", "byline_commenter"):
            check(name in c and "Secure" not in c[name],
                  "%s cookie not Secure over plain http" % name, c.get(name))
        c = post_and_cookies(s, **{"X-Forwarded-Proto": "https"})
        for name in ("byline_held", "byline_commenter"):
            check(name in c and "; Secure" in c[name],
                  "%s cookie Secure over https behind the proxy" % name, c.get(name))
    finally:
        s.stop()


# ---------------------------------------------------------------- the desk

COOKIE = "byline_session"


def account(s, email, name, role, pw):
    """Creates an account and sets its password through the one-time link:
    returns (status of the password POST, session cookie, csrf)."""
    _, out, _ = run_cli("user", "--db", s.db, "add", "--email", email, "--name", name,
                        "--role", role)
    token = re.search(r"/admin/password\?token=(\S+)", out).group(1)
    origin = {"Origin": s.base}  # these two forms are refused without one
    r = s.post("/admin/password", {"token": token, "password": pw, "password2": pw},
               headers=origin)
    status = r.status
    r = s.post("/admin/login", {"email": email, "password": pw}, ip=new_ip(), headers=origin)
    cookie = None
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            cookie = sc.split("=", 1)[1].split(";", 1)[0]
    check(r.status == 303 and cookie, "%s signs in" % email, (r.status, r.text[:200]))
    page = s.get("/admin/profile", headers={"Cookie": "%s=%s" % (COOKIE, cookie)}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    return status, cookie, csrf.group(1) if csrf else ""


def desk_post(s, path, who, fields):
    cookie, csrf = who
    f = dict(fields)
    f["csrf"] = csrf
    return s.post(path, f, headers={"Cookie": "%s=%s" % (COOKIE, cookie)}, ip=new_ip())


def desk(s):
    emoji = "\U0001F600"
    # A password of 1,024 emoji (the longest allowed) is 12 KB encoded, and
    # the password form sends it twice: past the old 16 KB and 8 KB limits.
    status, cookie, csrf = account(s, "editor@example.com", "Ed Itor", "editor", emoji * 1024)
    check(status == 303, "password_of_1024_emoji_set_not_413", status)
    editor = (cookie, csrf)
    _, cookie, csrf = account(s, "admin@example.com", "Ada Admin", "administrator",
                              "correct horse battery staple")
    admin = (cookie, csrf)
    if not editor[0] or not admin[0]:
        return
    # The desk's comment edit: the body at the limit in emoji, then one past.
    r = s.post(ARTICLE, comment_form(s, comment="To be edited.", author="Ed Ited"), ip=new_ip())
    cid = int(re.search(r"#comment-(\d+)", r.header("Location") or "#comment-0").group(1))
    path = "/admin/comments/%d/" % cid
    text = emoji * MAX_BODY
    r = desk_post(s, path, editor, {"action": "edit", "author": "Ed Ited",
                                    "email": "rea@example.com", "url": "", "body": text})
    check(r.status == 303 and s.sql("SELECT body FROM comments WHERE id=?", cid) == [(text,)],
          "desk_edit_of_65525_emoji_saved_not_413", (r.status, r.text[:200]))
    text = "ж" * (MAX_BODY + 1)
    r = desk_post(s, path, editor, {"action": "edit", "author": "Ed Ited",
                                    "email": "rea@example.com", "url": "", "body": text})
    check(r.status == 422 and "too long" in r.text and textarea(r.text, "body") == text,
          "desk edit one past the limit: 422, text kept", r.status)
    # The desk applies the reader's rules: a hidden character in the name.
    r = desk_post(s, path, editor, {"action": "edit", "author": "Ed\u202eIted",
                                    "email": "rea@example.com", "url": "", "body": "x"})
    check(r.status == 422 and "cannot be shown in a name" in r.text and
          input_value(r.text, "author") == "Ed\u202eIted",
          "desk edit: a name with a bidi override refused, kept", r.status)
    r = desk_post(s, path, editor, {"action": "edit", "author": "Ed Ited",
                                    "email": "rea@localhost", "url": "", "body": "x"})
    check(r.status == 422 and "valid email" in r.text, "desk edit: the one email check",
          r.status)
    # A staff reply at the limit in CJK, and one past.
    text = "字" * MAX_BODY
    r = desk_post(s, path, editor, {"action": "reply", "reply": text,
                                    "back": "/admin/comments/?status=pending"})
    check(r.status == 303 and s.sql("SELECT count(*) FROM comments WHERE parent_id=? AND "
                                    "body=?", cid, text) == [(1,)],
          "staff reply of 65,525 CJK characters stored", (r.status, r.text[:200]))
    r = desk_post(s, path, editor, {"action": "reply", "reply": text,
                                    "back": "/admin/comments/?status=pending"})
    check(r.status == 409 and textarea(r.text, "reply") == text,
          "the same staff reply twice: refused as a duplicate, kept", r.status)
    text = "字" * (MAX_BODY + 1)
    r = desk_post(s, path, editor, {"action": "reply", "reply": text})
    check(r.status == 422 and "too long" in r.text and textarea(r.text, "reply") == text,
          "staff reply one past the limit: 422, text kept", r.status)
    # Users: a name one past its limit is a sentence, not a 413 or a shrug.
    r = desk_post(s, "/admin/users/", admin, {"email": "new@example.com",
                                              "name": emoji * 101, "role": "author"})
    check(r.status == 422 and "The name is too long" in r.text,
          "users: an over-long name is named in the refusal", (r.status, r.text[:200]))
    # Settings: an over-long value was saved as empty; now it is refused and
    # shown back, and nothing is saved.
    s.sql("UPDATE settings SET value='casino' WHERE key='blocklist'")
    page = s.get("/admin/settings", headers={"Cookie": "%s=%s" % (COOKIE, admin[0])}).text
    fields = {}
    for m in re.finditer(r'<(input|textarea|select)[^>]*name="([^"]+)"[^>]*>', page):
        tag, name = m.group(1), m.group(2)
        if name == "csrf":
            continue
        if tag == "input":
            if 'type="checkbox"' in m.group(0):
                if "checked" in m.group(0):
                    fields[name] = "1"
                continue
            v = re.search(r'value="([^"]*)"', m.group(0))
            fields[name] = html.unescape(v.group(1)) if v else ""
        elif tag == "textarea":
            fields[name] = textarea(page, "s-" + name) or ""
        else:
            sel = re.search(r'name="%s".*?<option value="([^"]*)" selected' % name, page, re.S)
            fields[name] = sel.group(1) if sel else ""
    fields["blocklist"] = "ж" * 1001
    r = desk_post(s, "/admin/settings", admin, fields)
    check(r.status == 422 and "too long" in r.text and textarea(r.text, "s-blocklist") ==
          "ж" * 1001, "settings_value_over_its_limit_refused_and_kept_not_emptied",
          (r.status, r.text[:200]))
    check(s.sql("SELECT value FROM settings WHERE key='blocklist'") == [("casino",)],
          "the refused settings saved nothing")


def main():
    s = Server(before=seed, settings={"comment_flood_seconds": 0})
    try:
        comment_limits(s)
        hidden_names(s)
        desk(s)
    finally:
        s.stop()
    secure_cookies()
    done()


main()
