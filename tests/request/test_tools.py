"""The desk's Tools (issue 12): an administrator uploads a WordPress export
(the real-WordPress fixture), watches it import and reads the report; the
site downloads as a WXR file; other roles and signed-out requests are
refused before the body is read; an upload over import_max_mb is refused
413 with a sentence; a 100 MB upload streams to disk, not into memory."""
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, Server, check, done, run_cli  # noqa: E402
import test_desk as D  # noqa: E402

FIXTURE = os.path.join(REPO, "tests", "fixtures", "wxr", "site.xml")


def people(s):
    out = {}
    for key, role in (("admin", D.ADMIN), ("editor", D.EDITOR), ("author", D.AUTHOR)):
        w = D.Who(role, "%s@example.com" % key, "Tools %s" % key.title(), "tools password " + key)
        rc, o, e = run_cli("user", "--db", s.db, "add", "--email", w.email, "--name", w.name,
                           "--role", D.ROLE_NAMES[role], check_rc=False)
        tok = D.link_token(o)
        r = s.post("/admin/password", {"token": tok, "password": w.pw, "password2": w.pw},
                   headers={"Origin": s.base})
        check(r.status in (200, 303), "%s sets a password" % key, r.status)
        w.cookie, w.csrf = D.sign_in(s, w)
        out[key] = w
    return out


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def upload_import(s, who, data, dry=False, name="site.xml"):
    fields = [("csrf", who.csrf)] + ([("dry_run", "1")] if dry else [])
    return D.send(s, "/admin/tools/import/", fields, who=who,
                  files=[("file", name, "text/xml", data)])


SEEN = []  # progress lines seen while polling
PROGRESS_BAR = [False]  # a <progress> element seen


def wait_report(s, who, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        r = D.get(s, "/admin/tools/import/", who=who)
        if "<h2>Report</h2>" in r.text:
            return r
        check('http-equiv="refresh" content="2"' in r.text,
              "the progress page refreshes itself while the import runs")
        m = re.search(r'class="import-progress"><code>(.*?)</code>', r.text, re.S)
        check(m and m.group(1).count(" items/s") <= 1,
              "the progress shows one line, the last", m and m.group(1))
        if m:
            SEEN.append(m.group(1))
        if re.search(r'<progress value="\d+" max="\d+"', r.text):
            PROGRESS_BAR[0] = True
        time.sleep(0.3)
    return None


def raw_upload(s, who, size, chunk=1 << 20, pace=None, inject=None):
    """POSTs a multipart body of `size` bytes of file through a socket,
    a chunk at a time; returns (status line, body text)."""
    boundary = "----toolsbig"
    head = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xml\"\r\n"
            "Content-Type: text/xml\r\n\r\n" % (boundary, who.csrf, boundary, boundary)).encode()
    tail = ("\r\n--%s--\r\n" % boundary).encode()
    total = len(head) + size + len(tail)
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=60)
    req = ("POST /admin/tools/import/ HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
           "Cookie: %s=%s\r\nOrigin: %s\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n"
           % (s.port, D.COOKIE, who.cookie, s.base, boundary, total)).encode()
    sock.sendall(req + head)
    block = b"<!-- padding -->" * (chunk // 16)
    sent = 0
    try:
        while sent < size:
            n = min(len(block), size - sent)
            piece = block[:n]
            if inject and sent == chunk * 2:
                piece = inject(boundary) + piece[len(inject(boundary)):]
            sock.sendall(piece)
            sent += n
            if pace:
                pace(sent)
        sock.sendall(tail)
    except OSError:
        pass
    data = b""
    while True:
        try:
            b = sock.recv(65536)
        except OSError:
            break
        if not b:
            break
        data += b
    sock.close()
    head_end = data.find(b"\r\n\r\n")
    return data.split(b"\r\n", 1)[0].decode(errors="replace"), data[head_end + 4:].decode(
        errors="replace")


def main():
    s = Server(settings={"timezone": "America/New_York", "import_max_mb": 150})
    try:
        ppl = people(s)
        admin, editor, author = ppl["admin"], ppl["editor"], ppl["author"]

        # The Tools page, and its place in the desk's navigation.
        r = D.get(s, "/admin/tools/", who=admin)
        check(r.status == 200 and "Import from WordPress" in r.text and
              'action="/admin/tools/import/"' in r.text and 'enctype="multipart/form-data"'
              in r.text and "/admin/tools/export.xml" in r.text and 'name="dry_run"' in r.text,
              "the Tools page offers import (with a dry run) and export", r.status)
        check('href="/admin/tools/"' in r.text, "the desk's navigation links Tools")
        r = D.get(s, "/admin/", who=editor)
        check('href="/admin/tools/"' not in r.text, "an editor's navigation has no Tools")

        data = open(FIXTURE, "rb").read()
        # Refused before the body is read: an editor, an author, signed out.
        for who, name in ((editor, "an editor"), (author, "an author"), (None, "signed out")):
            before = D.snapshot(s)
            status, text = raw_upload(s, who or D.Who(0, "", "", ""), 4 << 20) if who else \
                (None, None)
            if who:
                check(status.startswith("HTTP/1.1 403") and "does not allow" in text,
                      "%s's 4 MB upload is refused 403 before it is read" % name, (status, text))
            else:
                r = D.send(s, "/admin/tools/import/", [("csrf", "x")], cookie="",
                           files=[("file", "site.xml", "text/xml", data)])
                check(r.status == 403 and "not signed in" in r.text,
                      "a signed-out upload is refused 403", (r.status, r.text[:200]))
            check(not D.snapshot_diff(before, D.snapshot(s)), "%s: nothing changed" % name)
        r = D.get(s, "/admin/tools/export.xml", who=editor)
        check(r.status == 403, "an editor cannot download the export", r.status)
        r = D.get(s, "/admin/tools/export.xml")
        check(r.status == 303 and "/admin/login" in (r.header("Location") or ""),
              "signed out, the export sends to sign-in", r.status)

        # A dry run writes nothing and reports.
        n_before = s.sql("SELECT count(*) FROM articles")[0][0]
        r = upload_import(s, admin, data, dry=True)
        check(r.status == 303 and r.header("Location") == "/admin/tools/import/?done=import",
              "the upload is accepted and goes to the progress page",
              (r.status, r.header("Location"), r.text[:300]))
        r = wait_report(s, admin)
        check(r is not None and "dry run" in r.text and "Would import" in r.text,
              "a dry run reports what would happen", r and r.text[-2000:])
        check(s.sql("SELECT count(*) FROM articles")[0][0] == n_before, "a dry run writes nothing")

        # The import itself: the same report as the command's.
        r = upload_import(s, admin, data)
        check(r.status == 303, "the import starts", r.status)
        r = wait_report(s, admin)
        check(r is not None, "the import finishes")
        text = r.text if r else ""
        for line in ("authors      5 new", "posts        17 new", "pages        4 new",
                     "comments     16 new", "Skipped or changed:",
                     "shortcodes left as written"):
            check(line in text, "the report says %r" % line)
        check("Fennick Falls Ledger" in text, "the report names the site")
        pub = s.sql("SELECT count(*) FROM articles WHERE status='published'")[0][0]
        check(pub >= 12, "the published posts are articles now", pub)
        path = s.sql("SELECT published_at, slug FROM articles WHERE status='published' "
                     "ORDER BY id LIMIT 1")
        r = s.get(D.article_path(path[0][0], path[0][1]))
        check(r.status == 200, "an imported article is on the site", r.status)
        # A second import while one runs is refused; a re-run changes nothing.
        r1 = upload_import(s, admin, data)
        r2 = upload_import(s, admin, data)
        check(r1.status == 303 and (r2.status == 409 and "already running" in r2.text or
                                    r2.status == 303),
              "a second import while one runs is refused with a sentence", (r2.status,))
        r = wait_report(s, admin)
        check(r is not None and "posts        0 new, 0 updated, 17 unchanged" in r.text,
              "importing again changes nothing", r and re.findall(r"posts .*", r.text))

        # A longer export (generated: 2,000 posts, 20,000 comments) shows its
        # progress while it runs: items done, the rate, the time left.
        gen = subprocess.run([sys.executable, os.path.join(REPO, "bench", "wxr_gen.py"), "2000",
                              "20000"], capture_output=True, timeout=120).stdout
        del SEEN[:]
        r = upload_import(s, admin, gen, name="generated.xml")
        r = wait_report(s, admin, timeout=300)
        m = r and re.search(r"posts +(\d+) new, (\d+) updated, (\d+) unchanged", r.text)
        # (its WordPress ids overlap the fixture's: those count as updated)
        check(m and sum(map(int, m.groups())) == 2000 and "stopped" not in r.text,
              "the generated export is imported", r and r.text[:1500])
        check(any(re.search(r"\d+/\d+ items, \d+ items/s, \d+:\d\d left", x) for x in SEEN),
              "the progress page showed items done, items a second and time left", SEEN[-3:])
        check(PROGRESS_BAR[0], "the progress page showed a progress bar")

        # No file: the form says so.
        r = D.send(s, "/admin/tools/import/", [("csrf", admin.csrf)], who=admin, mp=True)
        check(r.status == 422 and "Choose a WordPress export" in r.text, "no file: 422",
              r.status)

        # The export.
        r = D.get(s, "/admin/tools/export.xml", who=admin)
        cd = r.header("Content-Disposition") or ""
        check(r.status == 200 and re.match(r'attachment; filename="[a-z0-9-]+-\d{4}-\d\d-\d\d'
                                           r'\.xml"$', cd), "the export is a download named "
              "after the site and the date", (r.status, cd))
        out = os.path.join(s.dir, "export.xml")
        with open(out, "wb") as f:
            f.write(r.body)
        lint = subprocess.run(["xmllint", "--noout", out], capture_output=True, text=True)
        check(lint.returncode == 0, "the export is well-formed XML (xmllint)", lint.stderr[:500])
        titles = s.sql("SELECT headline FROM articles WHERE status='published'")
        check(all(t.encode() in r.body or t.replace("&", "&amp;").encode() in r.body
                  for (t,) in titles[:5]), "the export holds the articles")
        check(b"<wp:wxr_version>1.2</wp:wxr_version>" in r.body, "WXR 1.2")

        # Over the limit: 413 with a sentence, before it is read.
        run_cli("settings", "--db", s.db, "set", "import_max_mb", "1")
        time.sleep(1.2)
        D.get(s, "/admin/tools/", who=admin)  # the change is picked up
        status, text = raw_upload(s, admin, 3 << 20)
        check(status.startswith("HTTP/1.1 413") and "too large to import" in text and
              "1 MB" in text, "an upload over import_max_mb is refused 413, saying the limit",
              (status, text))
        run_cli("settings", "--db", s.db, "set", "import_max_mb", "150")
        time.sleep(1.2)
        D.get(s, "/admin/tools/", who=admin)

        # A delimiter in the file's middle (which the parser never saw) is
        # found when the file is read back.
        status, text = raw_upload(s, admin, 8 << 20, inject=lambda b: (
            "\r\n--%s\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n" % b).encode())
        check(status.startswith("HTTP/1.1 400") and "boundary inside the file" in text,
              "a form with a part hidden in the middle of a large file is refused 400",
              (status, text[-500:]))

        # 100 MB streams to disk: the server's resident memory stays low.
        # First the images the imports brought must have their variants:
        # the media worker's libvips work, still running on a loaded machine,
        # would move VmHWM by tens of MB whatever the upload does.
        t0 = time.time()
        while time.time() - t0 < 300 and s.sql(
                "SELECT count(*) FROM media WHERE variants_at IS NULL OR normalized = 0")[0][0]:
            time.sleep(0.2)
        time.sleep(0.5)  # the last image's buffers freed
        pid = s.proc.pid
        base = vm(pid, "VmRSS")
        hwm0 = vm(pid, "VmHWM")
        anon0 = vm(pid, "RssAnon")
        peak = [0]

        def pace(sent):
            peak[0] = max(peak[0], vm(pid, "RssAnon"))
        status, text = raw_upload(s, admin, 100 << 20, pace=pace)
        check(status.startswith("HTTP/1.1 303"), "a 100 MB upload is taken", (status, text[:300]))
        grew = peak[0] - base
        print("100 MB upload: RSS at start %d kB (anonymous %d kB), anonymous RSS peak while "
              "streaming %d kB, VmHWM %d kB before, %d kB after" % (
                  base, anon0, peak[0], hwm0, vm(pid, "VmHWM")))
        check(peak[0] - anon0 < 32 * 1024, "anonymous memory grows less than 32 MB while "
              "100 MB streams in", (anon0, peak[0]))
        hwm = vm(pid, "VmHWM")
        # (under the sanitizers the allocator's quarantine and shadow memory
        # move VmHWM by tens of MB whatever the body: 64 MB there)
        room = 64 if os.environ.get("BYLINE_SANITIZED") == "1" else 32
        check(hwm - max(hwm0, base) < room * 1024, "the server's peak resident memory (VmHWM) "
              "grows less than %d MB over a 100 MB upload" % room, (hwm0, hwm))
        r = wait_report(s, admin)
        check(r is not None and "stopped" in r.text, "a file that is not WXR is reported",
              r and r.text[-600:])
        check(not [f for f in os.listdir(os.path.join(s.dir, "byline-data"))
                   if f.startswith(".import-")], "the copied upload is removed after the import")
        # Stopped while an import runs: serve waits for it and exits cleanly
        # (s.stop() checks the exit status).
        r = upload_import(s, admin, gen, name="generated.xml")
        check(r.status == 303, "an import runs as the server is stopped", r.status)
    finally:
        s.stop()
    done()


if __name__ == "__main__":
    main()
