"""Settings (issue 11, "every rule in one home"): one table in
model/settings.c drives the defaults, the rules, the admin form and the
CLI.

Pinned bugs: `byline settings set timezone Nowhere` was accepted (the site
then ran in UTC without a word), `byline settings list` showed 11 of the 24
keys, the site address was checked only by the admin form, and five keys
were missing from the form."""
import html
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402

COOKIE = "byline_session"
PW = "correct horse battery settings"


def cli(s, *args):
    return run_cli("settings", "--db", s.db, *args, check_rc=False)


def stored(s):
    return dict(s.sql("SELECT key, value FROM settings WHERE key <> 'secret'"))


def post(s, path, fields, cookie=None):
    h = {"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        h["Cookie"] = "%s=%s" % (COOKIE, cookie)
    return s.request("POST", path, body=urllib.parse.urlencode(fields).encode(), headers=h)


def get(s, path, cookie):
    return s.get(path, headers={"Cookie": "%s=%s" % (COOKIE, cookie)})


def sign_in_admin(s):
    """Makes an administrator with `byline user add`, sets the password
    through the one-time link and signs in; returns (cookie, csrf)."""
    rc, out, err = run_cli("user", "--db", s.db, "add", "--email", "admin@example.com",
                           "--name", "Ada Admin", "--role", "administrator", check_rc=False)
    m = re.search(r"/admin/password\?token=(\S+)", out)
    check(rc == 0 and m, "user add prints a link", out + err)
    r = post(s, "/admin/password", {"token": m.group(1), "password": PW, "password2": PW})
    check(r.status in (200, 303), "password set", (r.status, r.text[:300]))
    r = post(s, "/admin/login", {"email": "admin@example.com", "password": PW})
    cookie = None
    for sc in r.headers_all("Set-Cookie"):
        if sc.startswith(COOKIE + "="):
            cookie = sc.split("=", 1)[1].split(";", 1)[0]
    check(r.status == 303 and cookie, "admin signs in", (r.status, r.text[:300]))
    page = get(s, "/admin/settings", cookie)
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    return cookie, m.group(1) if m else ""


def form_fields(page):
    """{name: value} of the settings form's inputs, selects and textareas
    (a checkbox's value is "1" if checked, else "0")."""
    f = {}
    for m in re.finditer(r"<input ([^>]*)>", page):
        a = m.group(1)
        name = re.search(r'name="([^"]+)"', a).group(1)
        if name == "csrf":
            continue
        if 'type="checkbox"' in a:
            f[name] = "1" if " checked" in a else "0"
        else:
            v = re.search(r'value="([^"]*)"', a)
            f[name] = html.unescape(v.group(1)) if v else ""
    for m in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        sel = re.search(r"<option selected>([^<]*)</option>", m.group(2))
        f[m.group(1)] = html.unescape(sel.group(1)) if sel else ""
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        f[m.group(1)] = html.unescape(m.group(2))
    return f


def as_post(fields, csrf, **over):
    out = [("csrf", csrf)]
    for k, v in dict(fields, **over).items():
        if v == "0" and k in CHECKBOXES:
            continue
        out.append((k, "1" if k in CHECKBOXES and v == "1" else v))
    return out


CHECKBOXES = set()


def cli_rules(s):
    # Bug: `set timezone Nowhere` was accepted and the site ran in UTC.
    rc, out, err = cli(s, "set", "timezone", "Europe/London")
    check(rc == 0, "a known zone is accepted", err)
    before = stored(s)
    rc, out, err = cli(s, "set", "timezone", "Nowhere")
    check(rc != 0, "settings set timezone Nowhere fails (exit %d)" % rc, out + err)
    check("timezone" in err and "Unknown time zone" in err,
          "the refusal says the zone is unknown", err)
    check(stored(s) == before, "a refused time zone changes nothing",
          {k: (before.get(k), v) for k, v in stored(s).items() if before.get(k) != v})
    rc, out, _ = cli(s, "get", "timezone")
    check(out.strip() == "Europe/London", "the zone is still Europe/London", out)

    # The site address: an http(s) origin with no path, checked by the model.
    for bad in ("news.example.com", "javascript:alert(1)", "https://news.example.com/blog",
                "https://127.0.0.1@evil.example", "https://news.example.com?x=1"):
        rc, out, err = cli(s, "set", "base_url", bad)
        check(rc != 0 and "base_url" in err, "settings set base_url %s fails" % bad, out + err)
    check(stored(s) == before, "a refused base_url changes nothing")
    rc, out, err = cli(s, "set", "base_url", "https://news.example.com/")
    check(rc == 0, "an origin is accepted", err)
    check(cli(s, "get", "base_url")[1].strip() == "https://news.example.com",
          "its trailing slash is dropped")
    cli(s, "set", "base_url", "")

    for key, bad in (("posts_per_page", "0"), ("comments_open", "yes"),
                     ("smtp_from", "not an address"), ("smtp_url", "http://mail.example"),
                     ("moderation", "sometimes"), ("site_title", "two\nlines")):
        rc, out, err = cli(s, "set", key, bad)
        check(rc != 0 and err.count(key) >= 1, "settings set %s %r fails" % (key, bad), err)

    # Bug: `list` showed 11 of the 24 keys.  Every key the model knows (the
    # defaults it stored) is listed, the secret never.
    rc, out, err = cli(s, "list")
    listed = dict(line.split("\t", 1) for line in out.splitlines())
    check(rc == 0 and set(listed) == set(stored(s)),
          "settings list shows every key (%d of %d)" % (len(listed), len(stored(s))),
          sorted(set(stored(s)) ^ set(listed)))
    check(len(listed) >= 24, "at least the 24 known keys", len(listed))
    check(listed == stored(s), "with their stored values")
    check("secret" not in listed and "secret" not in out, "the secret is never listed")


def admin_form(s):
    cookie, csrf = sign_in_admin(s)
    page = get(s, "/admin/settings", cookie)
    check(page.status == 200, "the settings page opens", page.status)
    fields = form_fields(page.text)
    keys = set(stored(s))
    # Bug: five keys (comment_min_seconds, comment_max_seconds,
    # comment_flood_seconds, held_cookie_seconds, cache_max_mb) had no field.
    check(set(fields) == keys, "the form has a field for every key (%d of %d)"
          % (len(fields), len(keys)), sorted(keys ^ set(fields)))
    check(fields == stored(s), "each field shows the stored value",
          {k: (v, stored(s).get(k)) for k, v in fields.items() if stored(s).get(k) != v})
    check(page.text.count("<fieldset>") >= 3 and "<legend>Comments</legend>" in page.text,
          "fields are grouped under headings")
    check(page.text.count("Takes effect when the server next starts.") == 4,
          "the four settings read at start (the cache in memory and on disk, SMTP URL and "
          "sender) say so")
    CHECKBOXES.update(re.findall(r'name="([^"]+)" type="checkbox"', page.text))
    check({"comments_open", "https", "feed_full_text"} <= CHECKBOXES, "booleans are checkboxes",
          CHECKBOXES)

    # A bad value: 422, nothing saved, the form as typed, the model's sentence.
    before = stored(s)
    typed_title = "A title typed with care"
    r = post(s, "/admin/settings", as_post(fields, csrf, timezone="Nowhere",
                                            site_title=typed_title,
                                            base_url="https://news.example.com/blog"),
             cookie)
    check(r.status == 422, "a bad time zone is refused (422)", r.status)
    check(stored(s) == before, "nothing was saved")
    back = form_fields(r.text)
    check(back.get("timezone") == "Nowhere" and back.get("site_title") == typed_title and
          back.get("base_url") == "https://news.example.com/blog",
          "the form comes back as typed", back)
    check("Unknown time zone: use a name like Europe/London." in r.text,
          "the time zone's sentence is shown")
    _, _, err = cli(s, "set", "timezone", "Nowhere")
    m = re.search(r'id="e-timezone">([^<]+)<', r.text)
    check(m and m.group(1) in err, "the form and the CLI say the same sentence",
          (m and m.group(1), err))
    m = re.search(r'id="e-base_url">([^<]+)<', r.text)
    check(m and "no path" in m.group(1), "the site address's sentence is shown", m and m.group(1))
    check('aria-invalid="true" aria-describedby="e-timezone"' in r.text,
          "the bad field is marked")

    # Over-long text in any script: refused with the text kept (1,000
    # characters, not bytes: 1,000 Cyrillic letters are 2,000 bytes).
    for script, ch in (("Cyrillic", "\u0416"), ("CJK", "\u4e2d"), ("emoji", "\U0001F4F0")):
        r = post(s, "/admin/settings", as_post(fields, csrf, tagline=ch * 1000), cookie)
        check(r.status == 303 and stored(s)["tagline"] == ch * 1000,
              "a tagline of 1,000 %s characters is saved" % script, r.status)
        r = post(s, "/admin/settings", as_post(fields, csrf, tagline=ch * 1001), cookie)
        check(r.status == 422 and form_fields(r.text).get("tagline") == ch * 1001 and
              "This is too long: 1001 characters, and at most 1000 are allowed." in r.text,
              "1,001 %s characters are refused with the text kept" % script, r.status)
    post(s, "/admin/settings", as_post(fields, csrf), cookie)

    # A field that only the table knew about saves through the form.
    r = post(s, "/admin/settings", as_post(fields, csrf, comment_flood_seconds="30",
                                            timezone="Europe/Paris"), cookie)
    check(r.status == 303, "good values save (303)", (r.status, r.text[:300]))
    now = stored(s)
    check(now["comment_flood_seconds"] == "30" and now["timezone"] == "Europe/Paris",
          "comment_flood_seconds and timezone saved", now)
    # Out of range, through the form: the model's range sentence.
    r = post(s, "/admin/settings", as_post(form_fields(get(s, "/admin/settings", cookie).text),
                                            csrf, cache_max_mb="99999"), cookie)
    check(r.status == 422 and "Must be a whole number from 0 to 4096." in r.text,
          "an out-of-range number is refused with its range", r.status)
    check(stored(s) == now, "and nothing was saved")


def main():
    s = Server()
    try:
        cli_rules(s)
        admin_form(s)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
