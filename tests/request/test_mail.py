"""Email notifications: a held comment or a reply mails the article's author
and the moderators through the SMTP server named in settings, from a queue,
so that the mail server never slows a request.

Three servers, each over its own database:
  1. a local SMTP sink (aiosmtpd, on loopback, started here): the mails
     arrive, to exactly the right people, saying the right things, with
     well-formed headers; a reply says so; staff are not told of their own
     comments;
  2. a "server" that accepts TCP and never says a word: posting still
     answers at once, and the mail stays queued with a failed attempt
     (libcurl gives up on an unanswered greeting after
     MAILER_RESPONSE_SECONDS, 5 s) and no sent_at; stopping the server
     while a send waits is prompt and clean;
  3. no smtp_url: nothing is queued and nothing is sent (the chosen rule:
     the comment POST queues only when mailer_is_sending(), so mail is not
     stored for a server that may never be set, and setting one later does
     not send a backlog of stale notifications).
"""
import email
import email.policy
import email.utils
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli, write_article  # noqa: E402

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover
    Controller = None

SITE = "Byline Daily"
BASE = "https://news.example"
HEADLINE = "Harbour reopens after the storm"
SLUG = "harbour-reopens"
ARTICLE = "/2024/06/12/%s/" % SLUG
FROM = "desk@example.org"

ADMIN = "ada.admin@example.com"
EDITOR = "ed.editor@example.com"
AUTHOR = "ana.author@example.com"
OTHER_AUTHOR = "otto.other@example.com"      # an author, not of this article
CONTRIBUTOR = "cy.contrib@example.com"
STAFF = {ADMIN, EDITOR, AUTHOR}


# ---- mail servers ----

class Sink:
    """aiosmtpd handler keeping every envelope it is given."""

    def __init__(self):
        self.lock = threading.Lock()
        self.mails = []          # (mail_from, [rcpt], raw bytes)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append((envelope.mail_from, list(envelope.rcpt_tos),
                               bytes(envelope.original_content)))
        return "250 OK: queued"

    def wait(self, count, timeout):
        """Waits until `count` mails came (or timeout); returns a copy."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if len(self.mails) >= count:
                    break
            time.sleep(0.05)
        with self.lock:
            return list(self.mails)

    def take(self):
        with self.lock:
            got, self.mails = self.mails, []
            return got


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sink():
    """An aiosmtpd Controller on a free loopback port: (controller, sink, port).
    Controller cannot take port 0 (it connects to its own port to check it
    is up), so a free port is found first; a lost race is retried."""
    for _ in range(5):
        sink = Sink()
        port = free_port()
        ctl = Controller(sink, hostname="127.0.0.1", port=port, server_hostname="sink.test",
                         ready_timeout=5)
        try:
            ctl.start()
            return ctl, sink, port
        except Exception:  # the port was taken meanwhile
            time.sleep(0.1)
    raise RuntimeError("could not start the SMTP sink")


class Silent:
    """Accepts connections on loopback and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)     # kept open, never answered
            except socket.timeout:
                continue
            except OSError:
                break

    def stop(self):
        self.stopping = True
        self.thread.join(2)
        for c in self.conns:
            c.close()
        self.sock.close()


# ---- the site ----

def make_site(smtp_url):
    """A Server with our article, written by AUTHOR, and the staff."""
    folder = tempfile.mkdtemp(prefix="byline-mail-")
    write_article(folder, "01-harbour.md", title=HEADLINE, author="Imported Writer",
                  date="2024-06-12 10:15", slug=SLUG, section="Local",
                  body="The harbour opened again this morning.\n")

    def before(srv):
        rc, out, err = run_cli("import-markdown", "--db", srv.db, folder)
        check(rc == 0 and "1 imported, 0 failed" in out, "article imported", out + err)
        users = [(ADMIN, "Ada Admin", "ada", "administrator"),
                 (EDITOR, "Ed Editor", "ed", "editor"),
                 (AUTHOR, "Ana Author", "ana", "author"),
                 (OTHER_AUTHOR, "Otto Other", "otto", "author"),
                 (CONTRIBUTOR, "Cy Contrib", "cy", "contributor"),
                 (None, "No Email", "no-email", "administrator")]
        for mail, name, slug, role in users:
            srv.sql("INSERT INTO users(email, display_name, slug, role, created_at)"
                    " VALUES (?, ?, ?, ?, 0)", mail, name, slug, role)
        srv.sql("UPDATE articles SET author_id = (SELECT id FROM users WHERE email = ?)"
                " WHERE slug = ?", AUTHOR, SLUG)

    settings = {"site_title": SITE, "base_url": BASE, "smtp_url": smtp_url,
                "smtp_from": "Byline Desk <%s>" % FROM}
    try:
        return Server(settings=settings, before=before)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def form(s, **over):
    aid = s.sql("SELECT id FROM articles WHERE slug = ?", SLUG)[0][0]
    f = {"comment": "I watched the first boats come in.", "author": "Rita Reader",
         "email": "rita@example.net", "url": "", "comment_parent": "0",
         "byline_token": s.token(aid), "byline_hp": ""}
    f.update(over)
    return f


def post(s, ip, **over):
    """Posts a comment; returns (response, seconds it took, new comment id)."""
    t0 = time.monotonic()
    r = s.post(ARTICLE, form(s, **over), ip=ip)
    took = time.monotonic() - t0
    m = re.search(r"#comment-(\d+)$", r.header("Location") or "")
    return r, took, int(m.group(1)) if m else None


# ---- checking a mail ----

REQUIRED = ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding")


def check_mail(name, mail_from, rcpts, raw, want_subject, needles):
    """Headers well-formed, one recipient, subject and body as wanted."""
    check(mail_from == FROM, "%s: envelope sender is smtp_from's address" % name, mail_from)
    check(len(rcpts) == 1, "%s: one recipient per mail" % name, rcpts)
    check(b"\r\n" in raw and re.search(rb"(?<!\r)\n|\r(?!\n)", raw) is None,
          "%s: CRLF line ends only" % name)
    head = raw.split(b"\r\n\r\n", 1)[0]
    check(all(len(line) <= 998 for line in raw.split(b"\r\n")), "%s: lines within 998" % name)
    check(all(b < 0x80 for b in head), "%s: header is ASCII (RFC 2047 words)" % name)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check(not msg.defects, "%s: no defects" % name, msg.defects)
    for h in REQUIRED:
        check(len(msg.get_all(h) or []) == 1, "%s: exactly one %s header" % (name, h))
    check(not msg.get_all("Bcc") and not msg.get_all("Cc"), "%s: no Cc or Bcc" % name)
    to = msg["To"]
    check(to is not None and to.addresses[0].addr_spec == rcpts[0],
          "%s: To is the envelope recipient" % name, (to, rcpts))
    frm = msg["From"]
    check(frm is not None and frm.addresses[0].addr_spec == FROM and
          frm.addresses[0].display_name == "Byline Desk", "%s: From" % name, frm)
    check(str(msg["Subject"]) == want_subject, "%s: subject" % name,
          "%r != %r" % (str(msg["Subject"]), want_subject))
    try:
        when = email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp()
    except (TypeError, ValueError):
        when = 0
    check(abs(when - time.time()) < 120, "%s: Date is a valid date, now" % name, msg["Date"])
    check(re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(msg["Message-ID"]) or "") is not None,
          "%s: Message-ID form" % name, msg["Message-ID"])
    check(msg["MIME-Version"] == "1.0", "%s: MIME-Version" % name)
    check(msg.get_content_type() == "text/plain" and
          msg.get_content_charset() == "utf-8", "%s: text/plain utf-8" % name,
          msg["Content-Type"])
    check(msg["Content-Transfer-Encoding"] == "8bit", "%s: 8bit" % name)
    body = msg.get_content().replace("\r\n", "\n")  # 8bit parts keep the wire's CRLF
    for needle in needles:
        check(needle in body, "%s: body has %r" % (name, needle), body[:400])
    return msg


def recipients(mails):
    return sorted(r for _, rcpts, _ in mails for r in rcpts)


# ---- the three scenarios ----

def delivered():
    ctl, sink, port = start_sink()
    s = make_site("smtp://127.0.0.1:%d" % port)
    try:
        # 1. A first-time commenter: held, and the staff are told.
        r, took, cid = post(s, "198.51.100.20", comment="I watched the **first** boats "
                            "come in.\nThe quay was full.")
        check(r.status == 303 and cid, "held comment accepted (303)", r.status)
        check(took < 1.0, "posting answers in under a second (%.3f s)" % took)
        check(s.sql("SELECT status FROM comments WHERE id = ?", cid) == [("pending",)],
              "first-time comment is held")
        mails = sink.wait(3, 10)
        time.sleep(0.5)                       # nothing more must come
        mails = sink.take()
        check(recipients(mails) == sorted(STAFF),
              "held comment: author, administrator, editor, each once",
              recipients(mails))
        subject = "[%s] New comment awaiting moderation on “%s”" % (SITE, HEADLINE)
        for mail_from, rcpts, raw in mails:
            check_mail("held mail to %s" % rcpts[0], mail_from, rcpts, raw, subject,
                       ["Rita Reader", "rita@example.net", "198.51.100.20",
                        "I watched the **first** boats come in.\nThe quay was full.",
                        BASE + ARTICLE, BASE + "/admin/comments?status=pending"])

        # 2. Approved, then replied to: an approved reply is news too.
        run_cli("comments", "--db", s.db, "approve", str(cid))
        r, took, rid = post(s, "198.51.100.21", comment="Replying to myself: the ferry "
                            "runs again too.", comment_parent=str(cid))
        check(r.status == 303 and rid, "reply accepted (303)", r.status)
        check(took < 1.0, "posting a reply answers in under a second (%.3f s)" % took)
        check(s.sql("SELECT status, parent_id FROM comments WHERE id = ?", rid) ==
              [("approved", cid)], "reply from a known commenter is approved")
        sink.wait(3, 10)
        time.sleep(0.5)
        mails = sink.take()
        check(recipients(mails) == sorted(STAFF), "reply: author, administrator, editor",
              recipients(mails))
        subject = "[%s] New reply on “%s”" % (SITE, HEADLINE)
        for mail_from, rcpts, raw in mails:
            check_mail("reply mail to %s" % rcpts[0], mail_from, rcpts, raw, subject,
                       ["Rita Reader", "Replying to myself: the ferry runs again too.",
                        "%s%s#comment-%d" % (BASE, ARTICLE, rid)])

        # 3. The editor commenting as themselves is not told of it.
        r, took, eid = post(s, "198.51.100.22", author="Ed", email=EDITOR.upper(),
                            comment="A note from the desk.")
        check(r.status == 303 and eid, "editor's comment accepted", r.status)
        sink.wait(2, 10)
        time.sleep(1.0)
        mails = sink.take()
        check(recipients(mails) == sorted({ADMIN, AUTHOR}),
              "editor's own comment: not mailed to the editor", recipients(mails))

        everyone = s.sql("SELECT to_addr FROM mail_queue")
        check(len(everyone) == 8, "eight mails queued in all", everyone)
        check(not {t for (t,) in everyone} & {OTHER_AUTHOR, CONTRIBUTOR, "rita@example.net"},
              "never another author, a contributor or a reader", everyone)
        check(s.sql("SELECT count(*) FROM mail_queue WHERE sent_at IS NULL") == [(0,)],
              "every queued mail marked sent")
    finally:
        s.stop()
        ctl.stop()


def silent_server():
    silent = Silent()
    s = make_site("smtp://127.0.0.1:%d" % silent.port)
    t0 = None
    try:
        r, took, cid = post(s, "198.51.100.30")
        check(r.status == 303 and cid, "comment accepted while the mail server is silent",
              r.status)
        check(took < 1.0, "posting with a silent mail server answers in under a second "
              "(%.3f s)" % took)
        queued = s.sql("SELECT count(*) FROM mail_queue")[0][0]
        check(queued == 3, "three mails queued", queued)
        # The sender is now waiting for a greeting; requests must not wait with it.
        time.sleep(1.5)
        r, took, cid2 = post(s, "198.51.100.31", author="Second Reader",
                             email="second@example.net", comment="Another thought.")
        check(r.status == 303 and cid2, "second comment accepted during a stuck send")
        check(took < 1.0, "second post answers in under a second (%.3f s)" % took)
        check(s.get(ARTICLE).status == 200, "pages answer during a stuck send")
        # After MAILER_RESPONSE_SECONDS the attempt fails and is recorded.
        end = time.monotonic() + 15
        rows = []
        while time.monotonic() < end:
            rows = s.sql("SELECT attempts, last_error, sent_at, next_at FROM mail_queue"
                         " WHERE attempts > 0")
            if rows:
                break
            time.sleep(0.2)
        check(len(rows) >= 1, "a failed attempt is recorded after the timeout", rows)
        now = time.time()
        for attempts, last_error, sent_at, next_at in rows:
            check(attempts == 1 and last_error and sent_at is None and next_at > now + 10,
                  "failed mail stays queued with its error and a later retry",
                  (attempts, last_error, sent_at, next_at - now))
        check(s.sql("SELECT count(*) FROM mail_queue WHERE sent_at IS NOT NULL") == [(0,)],
              "nothing marked sent")
        # Stop while the next send waits: must be prompt (and exit 0).
        t0 = time.monotonic()
    finally:
        s.stop()
        silent.stop()
    if t0 is not None:
        took = time.monotonic() - t0
        check(took < 5, "server stops promptly during a stuck send (%.1f s)" % took)


def no_server():
    s = make_site("")
    try:
        r, took, cid = post(s, "198.51.100.40")
        check(r.status == 303 and cid, "comment accepted without a mail server", r.status)
        check(took < 1.0, "posting without a mail server answers in under a second")
        time.sleep(1.5)
        check(s.sql("SELECT count(*) FROM mail_queue") == [(0,)],
              "no smtp_url: nothing queued")
    finally:
        s.stop()


def main():
    if Controller is None:
        check(False, "python3-aiosmtpd is needed (apt-get install python3-aiosmtpd)")
        done()
    delivered()
    silent_server()
    no_server()
    done()


if __name__ == "__main__":
    main()
