"""A session that expires while someone types loses nothing, without
JavaScript too (issue 14, "Tests and proof"; docs/SECURITY.md, "Losing work
when a session ends" and "Oversized input").

A signed-out client may send a staff route 8 KB (web_body_limit, decided
from the head), so an article of more than about a thousand words posted
from the editor after the session timed out used to be refused unread, and
its text lost.  A session that simply timed out (idle or old) at most
SESSION_LAPSE_SECONDS ago is now recognised as lapsed: the editor's save
reads the form (not a file), checks the lapsed session's own form token and
the origin, keeps the text as the writer's autosave (never a revision, never
a save or a publish) and answers the sign-in form, which returns to the
editor restoring it.

Refused before the body is read, as before: no cookie, a forged cookie, a
session ended on purpose (sign out, sign out everywhere, a password change),
a suspended account's, one lapsed too long ago; and every other staff route
(the script's autosave among them).  A lapsed session signs nobody in."""
import html
import os
import re
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402
from test_desk import (COOKIE, EVIL, csrf_in, edit_form, form_message, get, multipart,  # noqa: E402
                       send, session_cookie)
from test_trust import people_on  # noqa: E402

IDLE = 7200          # the session_idle_seconds default
LAPSE = 7 * 86400    # SESSION_LAPSE_SECONDS (model/session.h)


def long_body(chars=40000):
    """A body of exactly `chars` characters in four scripts and emoji, in
    paragraphs: Latin with accents, Cyrillic, Arabic, emoji (astral, 4
    bytes of UTF-8 each), and markup characters that must come back as
    typed."""
    parts = ["Le conseil a voté «oui» à 21 h — café, crème, naïve. ",
             "Городской совет проголосовал за бюджет: «да» — 21 голос. ",
             "صوّت المجلس البلدي على الميزانية مساء أمس بالإجماع. ",
             "Reactions: 🗳️📰🎉👩🏽‍💻 & <b>not bold</b> \"quoted\" 'single'. ",
             "\n\n"]
    out, i = [], 0
    n = 0
    while n < chars:
        p = parts[i % len(parts)]
        i += 1
        if n + len(p) > chars:
            p = p[:chars - n]
        out.append(p)
        n += len(p)
    body = "".join(out)
    assert len(body) == chars
    return body


def expire(s, who, ago=IDLE + 600):
    """Makes who's sessions time out `ago` seconds after their last request
    (as an idle browser's would), rows kept."""
    now = int(time.time())
    s.sql("UPDATE sessions SET seen_at=?, created_at=? WHERE user_id=?",
          now - ago, now - ago - 60, who.id)


def textarea(page, name):
    m = re.search(r'<textarea[^>]*name="%s"[^>]*>(.*?)</textarea>' % name, page, re.S)
    if not m:
        return None
    v = html.unescape(m.group(1))
    return v[1:] if v.startswith("\n") else v


def hidden(page, name):
    m = re.search(r'<input type="hidden" name="%s" value="([^"]*)">' % name, page)
    return html.unescape(m.group(1)) if m else None


def sign_in(s, who, next_path, cookie=None):
    """Signs who in from the sign-in form, going to next_path, from a
    browser holding `cookie`; (response, the new cookie)."""
    h = {"Origin": s.base, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        h["Cookie"] = "%s=%s" % (COOKIE, cookie)
    r = s.post("/admin/login", urllib.parse.urlencode(
        [("next", next_path), ("email", who.email), ("password", who.pw)]).encode(), headers=h)
    cookie, _ = session_cookie(r)
    return r, cookie


def head_answer(s, path, cookie, length=150000):
    """The first answer to a POST head that declares `length` bytes and asks
    `Expect: 100-continue`, before any of the body is sent: "100" when the
    server would read it, else the refusal's status."""
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    try:
        sock.sendall(("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s"
                      "Content-Type: multipart/form-data; boundary=x\r\n"
                      "Content-Length: %d\r\nExpect: 100-continue\r\n\r\n"
                      % (path, s.port, "Cookie: %s=%s\r\n" % (COOKIE, cookie) if cookie else "",
                         length)).encode())
        data = b""
        while b"\r\n" not in data:
            got = sock.recv(4096)
            if not got:
                break
            data += got
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        m = re.match(r"HTTP/1\.1 (\d{3})", line)
        return m.group(1) if m else line
    finally:
        sock.close()


def autosaves(s, who):
    return s.sql("SELECT COALESCE(article_id, 0), headline, dek, body_src, tags FROM autosaves "
                 "WHERE user_id=? ORDER BY id", who.id)


def main():
    s = Server(settings={"timezone": "Europe/Paris"})
    try:
        people = people_on(s)
        ed, au, au2, co = people["editor"], people["author"], people["author2"], people["contrib"]
        body = long_body()
        raw = len(body.encode("utf-8"))
        check(raw > 7 * 8 * 1024, "the body is far over the signed-out 8 KB (%d bytes)" % raw)

        # An article the author has saved, and then typed on for an hour.
        r = send(s, "/admin/articles/new", edit_form(au, headline="Budget vote", body="Short."))
        m = re.match(r"/admin/articles/(\d+)/", r.header("Location") or "")
        aid = int(m.group(1)) if m else 0
        check(r.status == 303 and aid, "the author saves an article", r.status)
        revs0 = s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0]
        row0 = s.sql("SELECT headline, body_src, status, updated_at FROM articles WHERE id=?",
                     aid)[0]

        # ---- the session times out while they type
        expire(s, au)
        old_cookie, old_csrf = au.cookie, au.csrf
        check(head_answer(s, "/admin/articles/%d/" % aid, old_cookie) == "100",
              "a timed-out session's editor post is heard from the head (100 Continue)")
        r = get(s, "/admin/", who=au)
        check(r.status == 303 and "/admin/login" in (r.header("Location") or ""),
              "…yet the timed-out session signs nobody in", r.status)
        typed = edit_form(au, headline="Budget vote: «да», نعم, 🗳️", dek="Late-night vote",
                          body=body, tags="Council, Бюджет", action="publish", status="published")
        r = send(s, "/admin/articles/%d/" % aid, typed, mp=True, headers={"Origin": s.base})
        check(r.status == 403 and 'action="/admin/login"' in r.text,
              "the editor post of a timed-out session answers the sign-in form",
              (r.status, r.text[:300]))
        check("kept" in (form_message(r.text) or ""), "…saying the text is kept",
              form_message(r.text))
        check(hidden(r.text, "next") == "/admin/articles/%d/?autosave=restore" % aid,
              "…going back to the editor restoring it", hidden(r.text, "next"))
        check(hidden(r.text, "carry") is None and hidden(r.text, "body") is None and
              old_csrf not in r.text, "…carrying neither the text nor the old token in the page")
        check('value="%s"' % au.email in r.text, "…with the writer's email filled in")
        check(autosaves(s, au) == [(aid, "Budget vote: «да», نعم, 🗳️", "Late-night vote", body,
                                    "Council, Бюджет")],
              "the text is kept whole as the writer's autosave of that article",
              [(a[0], a[1], len(a[3])) for a in autosaves(s, au)])
        check(s.sql("SELECT headline, body_src, status, updated_at FROM articles WHERE id=?",
                    aid)[0] == row0 and
              s.sql("SELECT count(*) FROM revisions WHERE article_id=?", aid)[0][0] == revs0,
              "…never saved, published or made a revision")

        # Signing in again: the editor with the text, whole.
        r, cookie = sign_in(s, au, hidden(r.text, "next") or "", old_cookie)
        check(r.status == 303 and cookie and
              r.header("Location") == "/admin/articles/%d/?autosave=restore" % aid,
              "signing in again goes to the editor restoring the autosave",
              (r.status, r.header("Location")))
        check(s.sql("SELECT count(*) FROM sessions WHERE user_id=? AND seen_at < ?", au.id,
                    int(time.time()) - IDLE)[0][0] == 0,
              "…and the lapsed session ends at that sign-in")
        au.cookie = cookie
        r = get(s, "/admin/articles/%d/?autosave=restore" % aid, who=au)
        got = textarea(r.text, "body")
        check(r.status == 200 and got == body,
              "the 40,000-character body comes back intact (Latin, Cyrillic, Arabic, emoji)",
              (r.status, got and len(got), got and got[:80]))
        check('value="Budget vote: «да», نعم, 🗳️"' in r.text and
              textarea(r.text, "dek") == "Late-night vote" and 'value="Council, Бюджет"' in r.text,
              "…with its headline, standfirst and tags")
        check("not saved" in r.text, "…saying it is not saved yet")
        au.csrf = csrf_in(r.text)
        send(s, "/admin/autosave/dismiss", {"csrf": au.csrf, "article_id": str(aid)}, who=au)

        # ---- a new article, never saved: kept as the unsaved article's autosave
        expire(s, au)
        r = send(s, "/admin/articles/new", edit_form(au, headline="Ferry strike", body=body),
                 mp=True)
        check(r.status == 403 and hidden(r.text, "next") == "/admin/articles/new?autosave=restore"
              and [(a[0], a[3]) for a in autosaves(s, au)] == [(0, body)],
              "a new article's text is kept as the writer's unsaved autosave",
              (r.status, hidden(r.text, "next")))
        arts = s.sql("SELECT count(*) FROM articles")[0][0]
        r, au.cookie = sign_in(s, au, "/admin/articles/new?autosave=restore")
        r = get(s, "/admin/articles/new?autosave=restore", who=au)
        check(textarea(r.text, "body") == body and 'value="Ferry strike"' in r.text and
              s.sql("SELECT count(*) FROM articles")[0][0] == arts,
              "…and comes back in a new article's editor, no article made")
        au.csrf = csrf_in(r.text)
        send(s, "/admin/autosave/dismiss", {"csrf": au.csrf, "article_id": ""}, who=au)

        # ---- what a lapsed session may not do
        expire(s, au)
        before = autosaves(s, au)
        r = send(s, "/admin/articles/%d/" % aid, edit_form(au, body=body, csrf="0" * 32), mp=True)
        check(r.status == 403 and autosaves(s, au) == before,
              "a timed-out session with a wrong form token keeps nothing", r.status)
        r = send(s, "/admin/articles/%d/" % aid, edit_form(au, body=body), mp=True,
                 headers={"Origin": EVIL})
        check(r.status == 403 and autosaves(s, au) == before,
              "…nor a post from another site", r.status)
        check(head_answer(s, "/admin/articles/%d/" % aid, au.cookie, length=20000000) == "403",
              "…nor a body past the form's text (a large file is refused unread)")
        # Another author's article: nothing kept.
        r = send(s, "/admin/articles/new", edit_form(au2, headline="Not yours", body="Theirs."))
        m = re.match(r"/admin/articles/(\d+)/", r.header("Location") or "")
        other = int(m.group(1)) if m else 0
        expire(s, au)
        r = send(s, "/admin/articles/%d/" % other, edit_form(au, body=body), mp=True)
        check(r.status == 403 and autosaves(s, au) == before and
              s.sql("SELECT count(*) FROM autosaves WHERE article_id=?", other)[0][0] == 0,
              "…nor text for an article the writer may not edit", r.status)
        # Other staff routes keep the 8 KB rule, the script's autosave among them.
        for path in ("/admin/autosave", "/admin/articles/preview", "/admin/profile",
                     "/admin/media/"):
            check(head_answer(s, path, au.cookie) == "403",
                  "%s: a timed-out session is refused from the head" % path)

        # ---- sessions ended on purpose, or none: refused before the body is read
        def refused(label, who, cookie):
            before = s.sql("SELECT count(*) FROM autosaves")[0][0]
            check(head_answer(s, "/admin/articles/%d/" % aid, cookie) == "403",
                  "%s: refused from the head (no 100 Continue)" % label)
            if cookie:
                form = edit_form(who, body="x" * 7000)
                b, ctype = multipart(list(form))
                r = s.post("/admin/articles/%d/" % aid, b, headers={
                    "Cookie": "%s=%s" % (COOKIE, cookie), "Content-Type": ctype})
                check(r.status == 403 and s.sql("SELECT count(*) FROM autosaves")[0][0] == before,
                      "%s: a small form is not kept either" % label, r.status)

        refused("no cookie", None, None)
        refused("a forged cookie", au, "0123456789abcdef" * 2)
        # Signed out, then the session would have timed out.
        cookie, csrf = au.cookie, au.csrf
        r = send(s, "/admin/logout", {"csrf": csrf}, who=au)
        check(r.status == 303, "the author signs out", r.status)
        expire(s, au)
        refused("a signed-out session", au, cookie)
        # Sign out everywhere from another browser: this one's session ends.
        r, c1 = sign_in(s, au, "/admin/")
        r, c2 = sign_in(s, au, "/admin/")
        page = get(s, "/admin/profile", cookie=c2)
        send(s, "/admin/profile/sessions", {"csrf": csrf_in(page.text), "action": "others"},
             cookie=c2)
        expire(s, au)
        refused("a session ended by sign out everywhere", au, c1)
        # A password change ends the other sessions too.
        r, c1 = sign_in(s, ed, "/admin/")
        r, c2 = sign_in(s, ed, "/admin/")
        page = get(s, "/admin/profile", cookie=c2)
        r = send(s, "/admin/profile/password", {"csrf": csrf_in(page.text), "current": ed.pw,
                                                "password": "a new long passphrase 1",
                                                "password2": "a new long passphrase 1"},
                 cookie=c2)
        check(r.status == 303, "the editor changes their password", (r.status, r.text[:200]))
        expire(s, ed)
        refused("a session ended by a password change", ed, c1)
        # A suspended account's lapsed session (its row left, to test the rule).
        r, c1 = sign_in(s, co, "/admin/")
        expire(s, co)
        check(head_answer(s, "/admin/articles/new", c1) == "100",
              "a contributor's timed-out session is heard from the head")
        s.sql("UPDATE users SET suspended_at=? WHERE id=?", int(time.time()), co.id)
        refused("a suspended account's timed-out session", co, c1)
        s.sql("UPDATE users SET suspended_at=NULL WHERE id=?", co.id)
        # Lapsed longer than the window: forgotten once presented.
        expire(s, co, ago=IDLE + LAPSE + 60)
        refused("a session that timed out more than 7 days ago", co, c1)
        get(s, "/admin/", cookie=c1)
        r, c2 = sign_in(s, co, "/admin/")
        check(s.sql("SELECT count(*) FROM sessions WHERE user_id=?", co.id)[0][0] == 1,
              "…and the writer's next sign-in deletes such rows (only the new session is left)")
        # Signing out a lapsed session ends it (no 403 left standing).
        r, c1 = sign_in(s, au2, "/admin/")
        page = get(s, "/admin/profile", cookie=c1)
        csrf = csrf_in(page.text)
        expire(s, au2)
        n = s.sql("SELECT count(*) FROM sessions WHERE user_id=?", au2.id)[0][0]
        r = send(s, "/admin/logout", {"csrf": csrf}, cookie=c1)
        check(r.status == 303 and
              s.sql("SELECT count(*) FROM sessions WHERE user_id=?", au2.id)[0][0] == n - 1,
              "signing out a timed-out session ends it", r.status)
        refused("a timed-out session then signed out", au2, c1)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
