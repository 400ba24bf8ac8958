"""Resilience: hostile HTTP framing, the per-address connection cap, a
slowloris run, SIGKILL in the middle of comment posts, and disk faults
injected with libfiu (also with 8 server threads, where comments share
commits and a failed fdatasync must fail all of them).

    /usr/bin/python3 tests/request/test_resilience.py

About 50 s (the slowloris run is 20 of them).  BYLINE_LONG=1 runs a longer
form (about 3 minutes): 100 kill cycles, a 40 s slowloris run and a 30 s one
with 900 connections and no per-address cap, three times the fault rounds,
12 starts under faults.  BYLINE_RESILIENCE_ONLY=http,slowloris,crash,faults
runs only the parts named.  Needs slowhttptest and libfiu's tools (Debian:
slowhttptest, fiu-utils, libfiu-dev); a part whose tool is missing fails
with the package to install.

On PostgreSQL (BYLINE_TEST_PG) the HTTP parts and the kills run as they
are (every comment answered 303 must be stored); SQLite's own checks of its
file after a kill (integrity_check, the WAL left behind) are not made: the
kill ends a client of PostgreSQL, not the database.  The disk faults are
SQLite's: they fail the server's own reads, writes and fsyncs of its
database file, which on PostgreSQL another process does.
"""
import hashlib
import hmac
import http.client
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BYLINE, PG, Server, check, done, run_cli, site_db, site_dir,  # noqa: E402
                     site_drop, skip)

LONG = os.environ.get("BYLINE_LONG") == "1"
ARTICLE_LINK = re.compile(r'href="(?:https?://[^/"]+)?(/\d{4}/\d{2}/\d{2}/[^/"?#]+/)"')


def say(*a):
    print("  ..", *a, flush=True)


# ---------------------------------------------------------------------------
# A server on a database that outlives it (the harness makes a new one each
# time): started, SIGKILLed and started again on the same file.

class Site:
    def __init__(self, db, wrap=(), args=()):
        self.db = db
        self.dir = site_dir(["--db", db]) or os.path.dirname(db)
        self.wrap = list(wrap)
        self.args = list(args)
        self.proc = None
        self.port = None
        self.err_path = None
        self.starts = 0

    def start(self, wrap=None, wait=10.0):
        """Starts the server; returns True once it printed its address.  False
        if it exited first (self.proc.returncode says how) or stayed silent
        for `wait` seconds (then it is still running: the caller decides)."""
        self.starts += 1
        self.err_path = os.path.join(self.dir, "serve-%d.err" % self.starts)
        cmd = list(self.wrap if wrap is None else wrap) + [
            BYLINE, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--trust-proxy",
            "--quiet"] + self.args
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                                         cwd=site_dir(["--db", self.db]))
        line = b""
        end = time.time() + wait
        while b"\n" not in line and time.time() < end:
            r, _, _ = select.select([self.proc.stdout], [], [], max(0.0, end - time.time()))
            if not r:
                break
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
        m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            try:
                self.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            return False
        self.port = int(m.group(1))
        return True

    def stderr(self):
        try:
            with open(self.err_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait()
            self.proc.stdout.close()

    def stop(self):
        """SIGTERM; returns the exit status (None: it had to be killed)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self.proc.stdout.close()
        return self.proc.returncode


def fresh_db(prefix, **settings):
    d = tempfile.mkdtemp(prefix=prefix)
    db = site_db(d)
    run_cli("demo", "--db", db)
    for k, v in settings.items():
        run_cli("settings", "--db", db, "set", k, str(v))
    return d, db


def ro_connect(db):
    """A read-only connection: it cannot checkpoint the WAL away when it
    closes, so the server that starts next recovers the WAL itself."""
    return sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db), uri=True, timeout=10)


def integrity(db, readonly=True):
    con = ro_connect(db) if readonly else sqlite3.connect(db, timeout=10)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        return [r[0] for r in rows], fk
    finally:
        con.close()


def query(db, q, args=(), readonly=False):
    """q's rows (q with ? placeholders: SQLite's and PostgreSQL's alike)."""
    if PG:
        import psycopg2
        con = psycopg2.connect(db)
        try:
            cur = con.cursor()
            cur.execute(q.replace("?", "%s"), args)
            return cur.fetchall()
        finally:
            con.close()
    con = ro_connect(db) if readonly else sqlite3.connect(db, timeout=10)
    try:
        return con.execute(q, args).fetchall()
    finally:
        con.close()


def stored_bodies(db, prefix, readonly=True):
    return {r[0] for r in query(db, "SELECT body FROM comments WHERE body LIKE ?",
                                (prefix + "%",), readonly)}


class Commenter:
    """Posts comments with valid tokens (signed the way the server signs
    them, 60 s old) from distinct forwarded addresses."""

    def __init__(self, db, port):
        self.secret = bytes.fromhex(
            query(db, "SELECT value FROM settings WHERE key='secret'")[0][0])
        home = raw_get(port, "/")
        m = ARTICLE_LINK.search(home)
        if not m:
            raise RuntimeError("no article link on the front page")
        self.path = m.group(1)
        slug = self.path.strip("/").split("/")[-1]
        self.article_id = query(db, "SELECT id FROM articles WHERE slug=?", (slug,))[0][0]
        self.lock = threading.Lock()
        self.n = 0

    def token(self):
        ts = int(time.time()) - 60
        mac = hmac.new(self.secret, ("form|%d|%d" % (self.article_id, ts)).encode(),
                       hashlib.sha256)
        return "%d.%s" % (ts, mac.hexdigest()[:32])

    def post(self, port, text, timeout=10):
        """Returns (status, headers dict) or (exception name, {})."""
        with self.lock:
            self.n += 1
            n = self.n
        body = urllib.parse.urlencode({
            "comment": text, "author": "Resilient Reader", "email": "resilient@example.com",
            "url": "", "comment_parent": "0", "byline_token": self.token(), "byline_hp": ""})
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            c.request("POST", self.path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                # A /24 of its own each: the per-network limit stays out of it.
                "X-Forwarded-For": "10.%d.%d.7" % (n >> 8 & 255, n & 255),
                "Connection": "close"})
            r = c.getresponse()
            r.read()
            h = {k.lower(): v for k, v in r.getheaders()}
            c.close()
            return r.status, h
        except Exception as e:  # the server died, reset, timed out
            return type(e).__name__, {}


def raw_get(port, path, timeout=10, source=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                   source_address=source)
    c.request("GET", path, headers={"Connection": "close"})
    r = c.getresponse()
    body = r.read().decode("utf-8", "replace")
    c.close()
    return body


def get_status(port, path, timeout=5, source=None):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                       source_address=source)
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, body
    except Exception as e:
        return type(e).__name__, ""


# ---------------------------------------------------------------------------
# 1. HTTP framing edge cases over raw sockets.

def read_response(sock, timeout=3.0):
    """Reads one response: (status line, headers dict, body, closed)."""
    sock.settimeout(timeout)
    data = b""
    end = time.time() + timeout
    closed = False
    while b"\r\n\r\n" not in data and time.time() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].decode("latin-1") if lines and lines[0] else "(no answer)"
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    want = int(headers.get("content-length", "0") or 0)
    while len(body) < want and not closed and time.time() < end:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            closed = True
            break
        body += chunk
    return status, headers, body, closed


def wait_closed(sock, timeout=2.0):
    """True if the server closes the connection within `timeout`."""
    sock.settimeout(timeout)
    end = time.time() + timeout
    try:
        while time.time() < end:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def http_edges(s, article):
    host = "Host: 127.0.0.1:%d\r\n" % s.port
    form = "Content-Type: application/x-www-form-urlencoded\r\n"
    post = "POST %s HTTP/1.1\r\n%s%s" % (article, host, form)
    cases = [
        ("request line over 8 KiB", "414",
         "GET /%s HTTP/1.1\r\n%sConnection: close\r\n\r\n" % ("a" * 9000, host)),
        ("one header over 8 KiB", "431",
         "GET / HTTP/1.1\r\n%sX-Big: %s\r\nConnection: close\r\n\r\n" % (host, "b" * 9000)),
        ("all headers over 32 KiB (each under 8 KiB)", "431",
         "GET / HTTP/1.1\r\n%s%sConnection: close\r\n\r\n"
         % (host, "".join("X-H%d: %s\r\n" % (i, "c" * 4000) for i in range(10)))),
        ("Content-Length and Transfer-Encoding", "400",
         "%sContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % post),
        ("two differing Content-Lengths", "400",
         "%sContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef" % post),
        ("malformed chunk size", "400",
         "%sTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n" % post),
        ("bare CR inside a header line", "400",
         "GET / HTTP/1.1\r\n%sX-A: a\rb\r\nConnection: close\r\n\r\n" % host),
        ("obsolete folded header line", "400",
         "GET / HTTP/1.1\r\n%sX-A: a\r\n folded\r\nConnection: close\r\n\r\n" % host),
        ("folded with a tab", "400",
         "GET / HTTP/1.1\r\n%sX-A: a\r\n\tfolded\r\nConnection: close\r\n\r\n" % host),
        ("whitespace before a header's colon", "400",
         "GET / HTTP/1.1\r\n%sX-A : a\r\nConnection: close\r\n\r\n" % host),
        ("HTTP/1.1 without Host", "400", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        ("two Host headers", "400",
         "GET / HTTP/1.1\r\n%sHost: other\r\nConnection: close\r\n\r\n" % host),
        ("HTTP/2.0 request line", "505", "GET / HTTP/2.0\r\n%s\r\n" % host),
        ("a request line that is not one", "400", "HELLO\r\n\r\n"),
        ("Transfer-Encoding gzip", "501",
         "%sTransfer-Encoding: gzip\r\n\r\n" % post),
        ("chunk size of 16 hex digits", "413",
         "%sTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n" % post),
        ("chunked body over the route's limit", "413",
         "%sTransfer-Encoding: chunked\r\n\r\n%x\r\n" % (post, 2048 * 1024)),
        ("chunk data not followed by CRLF", "400",
         "%sTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n" % post),
        ("Content-Length not a number", "400",
         "%sContent-Length: 5x\r\n\r\nabcde" % post),
        ("Expect other than 100-continue", "417",
         "%sExpect: something\r\nContent-Length: 3\r\n\r\nabc" % post),
        ("gzip Content-Encoding on a request body", "415",
         "%sContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc" % post),
    ]
    seen = []
    for name, want, req in cases:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        try:
            sock.sendall(req.encode("latin-1"))
            status, headers, body, _ = read_response(sock)
        finally:
            sock.close()
        code = status.split(" ")[1] if status.startswith("HTTP/") and " " in status else status
        # The server's refusals (server.c) are plain text with nosniff;
        # anything else went through the site.
        who = ("server.c" if headers.get("x-content-type-options") == "nosniff" and
               headers.get("content-type", "").startswith("text/plain") else "the site")
        seen.append("%s -> %s (%s)" % (name, status, who))
        check(code == want, "%s: %s" % (name, want), "answered: %s" % status)
        st, _ = get_status(s.port, "/healthz")
        check(st == 200, "server answers after: %s" % name, st)

    # A declared body over the route's limit (about 800 KB for the comment
    # POST, from its fields' limits: web/forms.h):
    # 413 on the headers alone, no body byte sent, and the connection closed.
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    try:
        t0 = time.time()
        sock.sendall(("%sContent-Length: 10000000\r\n\r\n" % post).encode())
        status, headers, _, closed = read_response(sock, timeout=3)
        took = time.time() - t0
        check(status.startswith("HTTP/1.1 413"), "Content-Length 10,000,000 on the comment "
              "POST: 413 before the body", "answered: %s" % status)
        check(took < 1.5, "the 413 came at once (%.3f s)" % took)
        check(closed or wait_closed(sock), "the connection is closed after the 413")
    finally:
        sock.close()
    st, _ = get_status(s.port, "/healthz")
    check(st == 200, "server answers after: Content-Length 10,000,000", st)
    seen.append("Content-Length 10,000,000 on the comment POST -> %s" % status)
    say("HTTP edge answers:\n       " + "\n       ".join(seen))


def timeouts():
    """Header and body deadlines (issue 7: 408), on a server started with
    --timeout 2: a head must be whole 2 s after its first byte, however it
    trickles in; a body may pause 2 s; idle connections close silently."""
    d, db = fresh_db("byline-timeout-")
    site = Site(db, args=["--timeout", "2"])
    try:
        if not check(site.start(), "server with --timeout 2 starts", site.stderr()[-400:]):
            return
        host = "Host: 127.0.0.1:%d\r\n" % site.port
        art = "/"
        try:
            page = urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                "http://127.0.0.1:%d/" % site.port, timeout=5).read().decode()
            m = ARTICLE_LINK.search(page)
            art = m.group(1) if m else "/"
        except OSError:
            pass

        def answer_after(parts, pause, label, want="408"):
            sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
            try:
                t0 = time.time()
                for p in parts:
                    try:
                        sock.sendall(p.encode())
                    except OSError:
                        break
                    # Stop sending once the server has answered.
                    if select.select([sock], [], [], pause)[0]:
                        break
                status, headers, body, closed = read_response(sock, timeout=6)
                took = time.time() - t0
                check(status.startswith("HTTP/1.1 " + want), "%s: %s" % (label, want),
                      "answered %r after %.1f s" % (status, took))
                check(1.5 <= took <= 4.5, "%s: answered after about 2 s (%.1f s)" % (label, took))
                check(headers.get("connection") == "close" and (closed or wait_closed(sock)),
                      "%s: the connection is closed after it" % label, headers)
                return took
            finally:
                sock.close()

        head = "GET / HTTP/1.1\r\n%sX-Slow: 1\r\n" % host
        answer_after([head], 0, "a head that stops before its blank line")
        # Slowloris' trick: one more header line every 0.4 s never resets the clock.
        answer_after([head] + ["X-More-%d: y\r\n" % i for i in range(12)], 0.4,
                     "a head trickled one line every 0.4 s")
        post = ("POST %s HTTP/1.1\r\n%sContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100\r\n\r\ncomment=abc" % (art, host))
        answer_after([post], 0, "a body that stops after 11 of its 100 bytes")
        chunked = ("POST %s HTTP/1.1\r\n%sContent-Type: application/x-www-form-urlencoded\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n" % (art, host))
        answer_after([chunked], 0, "a chunked body that stops before its last chunk")

        # Idle connections: closed without a word.
        sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
        t0 = time.time()
        closed = wait_closed(sock, timeout=6)
        took = time.time() - t0
        sock.close()
        check(closed and 1.5 <= took <= 4.5, "a connection that sends nothing is closed "
              "after about 2 s (%.1f s)" % took)
        sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
        sock.sendall(("GET /healthz HTTP/1.1\r\n%s\r\n" % host).encode())
        status, _, _, _ = read_response(sock)
        t0 = time.time()
        closed = wait_closed(sock, timeout=6)
        took = time.time() - t0
        sock.close()
        check(status.startswith("HTTP/1.1 200") and closed and 1.0 <= took <= 4.5,
              "a kept-alive connection idle after its answer is closed after about 2 s "
              "(%s, %.1f s)" % (status, took))
        check(site.stop() == 0, "the server stops cleanly after the timeouts",
              site.stderr()[-600:])

        # At the connection cap, the connection that has waited longest for
        # its request gives way: held-open connections (slowloris from many
        # addresses) cannot keep a real reader out.
        site2 = Site(db, args=["--max-conns", "10", "--max-conns-per-ip", "0"])
        try:
            if check(site2.start(), "server with --max-conns 10 starts"):
                held = []
                for i in range(10):
                    c = socket.create_connection(("127.0.0.1", site2.port), timeout=5)
                    c.sendall(("GET / HTTP/1.1\r\nHost: h\r\nX-Held-%d: 1\r\n" % i).encode())
                    held.append(c)
                    time.sleep(0.02)
                t0 = time.time()
                st, _ = get_status(site2.port, "/healthz", timeout=3, source=("127.0.0.9", 0))
                check(st == 200, "10 connections held open at --max-conns 10: a new reader is "
                      "still answered (%.3f s)" % (time.time() - t0), st)
                check(wait_closed(held[0], timeout=2), "the connection held longest was the "
                      "one closed to make room")
                for c in held:
                    c.close()
                check(site2.stop() == 0, "and stops cleanly", site2.stderr()[-600:])
        finally:
            site2.kill()
    finally:
        site.kill()
        site_drop(db)
        shutil.rmtree(d, ignore_errors=True)


def signal_masks(s):
    """SIGTERM and SIGINT are taken by the main thread's sigwait(); every
    other thread must block them, or a signal that arrives while the main
    thread is not (yet) in sigwait() goes to that thread and its default
    action kills the process: no clean stop, exit status -15."""
    pid = s.proc.pid
    bad = []
    for tid in sorted(os.listdir("/proc/%d/task" % pid), key=int):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                blk = int(re.search(r"SigBlk:\s*([0-9a-f]+)", f.read()).group(1), 16)
        except OSError:
            continue
        if int(tid) != pid and not (blk >> (signal.SIGTERM - 1) & 1 and
                                    blk >> (signal.SIGINT - 1) & 1):
            bad.append("thread %s (%s) SigBlk %016x" % (tid, comm, blk))
    check(not bad, "every server thread but the main one blocks SIGTERM and SIGINT", bad)


# ---------------------------------------------------------------------------
# 2. The per-address connection cap (32 by default).

def per_ip_cap(s):
    # The server trusts 127.0.0.1 as its proxy (--trust-proxy): a client is
    # 127.0.0.2 here (the proxy's own shape is in test_http_limits.py).
    client = ("127.0.0.2", 0)
    conns = []
    refused = []        # indexes of connections refused at once
    answers = set()     # what the refused ones were told
    try:
        for i in range(40):
            try:
                c = socket.create_connection(("127.0.0.1", s.port), timeout=2,
                                             source_address=client)
                conns.append(c)
            except OSError:
                refused.append(i)
                conns.append(None)
            time.sleep(0.005)   # let the server count each one in order
        t0 = time.time()
        for i, c in enumerate(conns):
            if c is None:
                continue
            # Idle connections the server keeps answer nothing; refused ones
            # are answered 503 with Retry-After straight away, then closed.
            c.settimeout(max(0.05, 0.6 - (time.time() - t0)))
            try:
                first = c.recv(4096)
            except ConnectionResetError:
                first = b"reset"
            except socket.timeout:
                continue
            refused.append(i)
            head = first.split(b"\r\n\r\n")[0]
            answers.add(head.split(b"\r\n")[0].decode("latin-1") +
                        (" (Retry-After)" if b"\r\nRetry-After: " in head else ""))
        refused.sort()
        check(refused == list(range(32, 40)),
              "40 idle connections from 127.0.0.2: the 33rd to 40th are refused at once, "
              "the first 32 kept", "refused: %s" % refused)
        check(answers == {"HTTP/1.1 503 Service Unavailable (Retry-After)"},
              "each refused connection is answered 503 with Retry-After, not closed in "
              "silence", answers)
        t0 = time.time()
        st, body = get_status(s.port, "/healthz", timeout=2, source=("127.0.0.3", 0))
        check(st == 200, "127.0.0.3 is still answered while 127.0.0.2 is at its cap "
              "(%.3f s)" % (time.time() - t0), st)
    finally:
        for c in conns:
            if c:
                c.close()
    # 127.0.0.2 gets in again once its connections are gone.
    st = None
    for _ in range(20):
        st, _ = get_status(s.port, "/healthz", timeout=1, source=client)
        if st == 200:
            break
        time.sleep(0.1)
    check(st == 200, "127.0.0.2 answered again once its idle connections closed", st)


# ---------------------------------------------------------------------------
# 3. Slowloris (slowhttptest) against a health probe from another address.

def slowloris(s, seconds, conns, label):
    exe = shutil.which("slowhttptest")
    if not check(exe is not None, "slowhttptest is installed (Debian package slowhttptest)"):
        return None
    probes = []          # (seconds taken, status)
    stop = threading.Event()

    def probe():
        while not stop.is_set():
            t0 = time.time()
            try:
                c = socket.create_connection(("127.0.0.1", s.port), timeout=1,
                                             source_address=("127.0.0.2", 0))
                c.settimeout(1)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
                status, _, _, _ = read_response(c, timeout=max(0.01, 1 - (time.time() - t0)))
                c.close()
            except OSError as e:
                status = type(e).__name__
            took = time.time() - t0
            probes.append((took, status))
            stop.wait(max(0.0, 0.2 - took))

    log = os.path.join(tempfile.gettempdir(), "byline-slowloris-%d.txt" % os.getpid())
    cmd = [exe, "-H", "-c", str(conns), "-i", "10", "-r", "50", "-l", str(seconds),
           "-u", "http://127.0.0.1:%d/" % s.port, "-t", "GET", "-x", "24", "-p", "3"]
    with open(log, "w") as out:
        attack = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    t = threading.Thread(target=probe, daemon=True)
    time.sleep(0.5)
    t.start()
    try:
        attack.wait(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        attack.kill()
        attack.wait()
    stop.set()
    t.join()
    with open(log, errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", f.read())
    os.unlink(log)
    # slowhttptest's own summary: connected / pending / closed, and whether
    # its own probe (from 127.0.0.1, so behind the cap) got answers.
    summary = re.findall(r"(connected|pending|closed|error):\s+(\d+)", text)
    last = {}
    for k, v in summary:
        last[k] = int(v)
    avail = re.findall(r"service available:\s+(\w+)", text)
    ok = [p for p in probes if p[1].startswith("HTTP/1.1 200")]
    worst = max((p[0] for p in probes), default=None)
    bad = [p for p in probes if not p[1].startswith("HTTP/1.1 200") or p[0] >= 1.0]
    check(len(probes) >= seconds * 3, "%s: probes ran through the attack (%d)"
          % (label, len(probes)))
    check(not bad, "%s: every /healthz probe from 127.0.0.2 answered 200 within 1 s"
          % label, "%d of %d failed or slow: %s" % (len(bad), len(probes), bad[:5]))
    say("%s: %d probes, %d ok, worst %.3f s; slowhttptest at the end: %s, "
        "its own probe said service available: %s"
        % (label, len(probes), len(ok), worst or -1, last, avail[-1] if avail else "?"))
    st, _ = get_status(s.port, "/healthz", timeout=2)
    check(st == 200, "%s: 127.0.0.1 answered again after the attack" % label, st)
    return worst


# ---------------------------------------------------------------------------
# 4. SIGKILL during comment posts, again and again, on one database.

def crash_safety(cycles):
    d, db = fresh_db("byline-crash-", comment_min_seconds=0, comment_flood_seconds=0)
    site = Site(db)
    acked = set()            # texts answered 303: must all be stored
    answers = {}
    lost_total = set()
    bad_integrity = []
    failed_starts = 0
    writers = 4
    commenter = None
    count_lock = threading.Lock()
    wal_at_kill = []         # bytes of WAL each killed server left behind
    try:
        for cycle in range(cycles):
            if not site.start():
                failed_starts += 1
                check(False, "cycle %d: the server starts on the killed database" % cycle,
                      site.stderr()[-600:])
                break
            if commenter is None:
                commenter = Commenter(db, site.port)
            stop = threading.Event()

            def writer(w):
                k = 0
                while not stop.is_set():
                    k += 1
                    text = "crash-c%d-w%d-n%d-%08x" % (cycle, w, k, random.getrandbits(32))
                    st, _ = commenter.post(site.port, text, timeout=5)
                    with count_lock:
                        answers[st] = answers.get(st, 0) + 1
                    if st == 303:
                        acked.add(text)
                    elif not isinstance(st, int):
                        return          # the server is gone
            threads = [threading.Thread(target=writer, args=(w,), daemon=True)
                       for w in range(writers)]
            for t in threads:
                t.start()
            # Some cycles die at once (startup, first writes); most mid-flow.
            time.sleep(random.choice([0.0, 0.02]) if cycle % 7 == 3
                       else random.uniform(0.1, 0.7))
            site.kill()
            stop.set()
            for t in threads:
                t.join(timeout=10)
            try:
                wal_at_kill.append(os.path.getsize(db + "-wal"))
            except OSError:
                wal_at_kill.append(0)
            # Check the file as the killed server left it.  Read-only on even
            # cycles (so the next server recovers the WAL itself), read-write
            # on odd ones (the checker checkpoints on close).
            ro = cycle % 2 == 0
            if not PG:
                res, fk = integrity(db, readonly=ro)
                if res != ["ok"] or fk:
                    bad_integrity.append((cycle, res[:3], fk[:3]))
            have = stored_bodies(db, "crash-", readonly=ro)
            lost = acked - have
            lost_total |= lost
        # The last server to start: it recovers, and everything is still there.
        if site.start():
            st, _ = get_status(site.port, "/healthz")
            check(st == 200, "after the last kill the server starts and answers", st)
            time.sleep(0.3)     # past the start-up signal race (signal_masks)
            rc = site.stop()
            check(rc == 0, "and stops cleanly on SIGTERM (exit %s)" % rc, site.stderr()[-600:])
        else:
            check(False, "after the last kill the server starts", site.stderr()[-600:])
        final_lost = acked - stored_bodies(db, "crash-", readonly=False)
        if not PG:
            res, fk = integrity(db, readonly=False)
            check(not bad_integrity and res == ["ok"] and not fk,
                  "integrity_check ok after every kill (%d cycles)" % cycles,
                  bad_integrity or (res, fk))
        check(not lost_total and not final_lost,
              "every comment answered 303 is stored (%d)" % len(acked),
              "lost: %s" % sorted(lost_total | final_lost)[:10])
        check(answers.get(303, 0) >= cycles, "comments were answered 303 in the cycles",
              answers)
        check(not [k for k in answers if isinstance(k, int) and k not in (303,)],
              "no answer but 303 while the server was up", answers)
        say("crash safety: %d cycles, %d posts answered 303, %d lost, other outcomes %s%s"
            % (cycles, answers.get(303, 0), len(lost_total | final_lost),
               {k: v for k, v in answers.items() if k != 303}, "" if PG else
               "; WAL left by the kill: non-empty in %d cycles, largest %d KB"
               % (sum(1 for w in wal_at_kill if w), max(wal_at_kill or [0]) // 1024)))
    finally:
        site.kill()
        site_drop(db)
        shutil.rmtree(d, ignore_errors=True)
    return cycles, answers.get(303, 0), len(lost_total | final_lost)


# ---------------------------------------------------------------------------
# 5. Disk faults with libfiu, switched on and off in a running server.

def fiu_ctrl(site, fifo, cmd):
    """Sends a libfiu command to the running server; False if it is gone."""
    if site.proc.poll() is not None:
        return False
    try:
        p = subprocess.run(["fiu-ctrl", "-f", fifo, "-c", cmd, str(site.proc.pid)],
                           capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return p.returncode == 0


def died(site, label):
    """Checks the server is still running; if not, reports how it ended."""
    rc = site.proc.poll()
    fatal = [ln for ln in site.stderr().splitlines() if " fatal " in ln or "SQL" in ln]
    return not check(rc is None, "%s: the server is still running" % label,
                     "it exited with %s%s" % (rc, (": " + " / ".join(fatal[-2:])[:400])
                                              if fatal else ""))


def post_burst(commenter, port, prefix, n, threads=2):
    """n posts from `threads` clients; returns [(text, status, headers)]."""
    out = []
    lock = threading.Lock()
    counter = iter(range(n))

    def run():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            text = "%s-%d-%08x" % (prefix, i, random.getrandbits(32))
            st, h = commenter.post(port, text)
            with lock:
                out.append((text, st, h))
    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def fiu_site(prefix):
    d, db = fresh_db(prefix, comment_min_seconds=0, comment_flood_seconds=0)
    fifo = os.path.join(d, "fiu-ctrl")
    return d, db, fifo, Site(db, wrap=["fiu-run", "-x", "-f", fifo])


# SQLite writes its WAL with pwrite64() and syncs it with fdatasync() (seen
# with strace), so posix/io/rw/pwrite and posix/io/sync/fdatasync are the
# faults that hit exactly the database writes.  posix/io/rw/* adds read(),
# pread() (so reads inside the comment's transaction fail too), write() (the
# server's log lines, the event loop's wake-up eventfd) and the */reduce
# short transfers; it is the last round, the broad variant, with more posts.
WRITE_FAULTS = [
    ("posix/io/rw/pwrite", "enable name=posix/io/rw/pwrite", "all", 30),
    ("posix/io/sync/fdatasync", "enable name=posix/io/sync/fdatasync", "all", 30),
    ("posix/io/rw/pwrite", "enable_random name=posix/io/rw/pwrite,probability=0.05", "some",
     30),
    ("posix/io/sync/*", "enable_random name=posix/io/sync/*,probability=0.3", "some", 30),
    ("posix/io/rw/*", "enable_random name=posix/io/rw/*,probability=0.05", "some", 120),
    # Allocations: malloc, calloc, realloc failing at random, in SQLite and
    # in Byline (core/mem.c retries its own; SQLite reports SQLITE_NOMEM).
    ("libc/mm/*", "enable_random name=libc/mm/*,probability=0.02", "some", 60),
]


def write_faults(repeat):
    d, db, fifo, site = fiu_site("byline-fiu-")
    acked, refused = set(), set()
    approved = []
    try:
        if not check(site.start(), "the server starts under fiu-run -x", site.stderr()[-600:]):
            return
        check(os.path.exists("%s-%d.in" % (fifo, site.proc.pid)),
              "fiu-run's control pipe belongs to the server's pid")
        commenter = Commenter(db, site.port)
        base = post_burst(commenter, site.port, "fiu-base", 8)
        check(all(st == 303 for _, st, _ in base), "posts succeed before any fault",
              [st for _, st, _ in base])
        acked |= {t for t, st, _ in base if st == 303}
        # Render the article on every pooled connection before any fault, so
        # that its statements are compiled already (see read_faults for what
        # happens to one first compiled while reads fail).
        warm = [threading.Thread(target=get_status, args=(site.port, "%s?warm=%d"
                                                         % (commenter.path, k)))
                for k in range(16)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        con = sqlite3.connect(db, timeout=10)
        pending = sorted(cid for (cid,) in con.execute(
            "SELECT id FROM comments WHERE status='pending' AND article_id=? "
            "AND body LIKE 'fiu-base%'", (commenter.article_id,)))
        con.close()
        for i, (name, cmd, expect, n) in enumerate(WRITE_FAULTS * repeat):
            label = cmd.split(" ", 1)[1]
            if not check(fiu_ctrl(site, fifo, cmd), "fiu-ctrl %s" % label):
                died(site, label)
                break
            burst = post_burst(commenter, site.port, "fiu-r%d" % i, n)
            codes = [st for _, st, _ in burst]
            counts = {c: codes.count(c) for c in set(codes)}
            acked |= {t for t, st, _ in burst if st == 303}
            refused |= {t for t, st, _ in burst if st == 503}
            check(all(c in (303, 503) for c in codes),
                  "%s: every post answered 303 or 503 (never 500, 404, nor a dropped "
                  "connection)" % label, counts)
            if expect == "all":
                check(all(c == 503 for c in codes), "%s: every post answered 503" % label,
                      counts)
            check(all(h.get("retry-after") for _, st, h in burst if st == 503),
                  "%s: each 503 says Retry-After" % label)
            if died(site, label):
                break
            st, _ = get_status(site.port, "/healthz")
            check(st == 200, "%s: /healthz answers during the fault" % label, st)
            # Another process (no faults) writes meanwhile: the server holds
            # no lock that stops it.
            if pending:
                cid = pending.pop(0)
                t0 = time.time()
                rc, _, err = run_cli("comments", "--db", db, "approve", str(cid),
                                     check_rc=False)
                took = time.time() - t0
                approved.append(cid)
                check(rc == 0 and took < 3,
                      "%s: `byline comments approve` works meanwhile (%.2f s)" % (label, took),
                      err)
            if not check(fiu_ctrl(site, fifo, "disable name=%s" % name),
                         "fiu-ctrl disable %s" % name):
                died(site, label)
                break
            after = post_burst(commenter, site.port, "fiu-a%d" % i, 6)
            check(all(st == 303 for _, st, _ in after),
                  "%s: posts succeed again once the fault is off" % label,
                  [st for _, st, _ in after])
            acked |= {t for t, st, _ in after if st == 303}
            res, fk = integrity(db, readonly=False)
            check(res == ["ok"] and not fk, "%s: integrity_check ok" % label, (res, fk))
        if site.proc.poll() is None:
            page = raw_get(site.port, commenter.path)
            check(all('id="comment-%d"' % cid in page for cid in approved),
                  "comments the CLI approved during the faults are on the article page",
                  sorted(cid for cid in approved if 'id="comment-%d"' % cid not in page))
            rc = site.stop()
            check(rc == 0, "the server under fiu-run stops cleanly (exit %s)" % rc,
                  site.stderr()[-800:])
        else:
            site.kill()
        res, fk = integrity(db, readonly=False)
        check(res == ["ok"] and not fk, "write faults: integrity_check ok at the end", (res, fk))
        have = stored_bodies(db, "fiu-", readonly=False)
        check(acked <= have, "every post answered 303 under faults is stored (%d)" % len(acked),
              sorted(acked - have)[:5])
        why = {}
        for ln in site.stderr().splitlines():
            m = re.search(r"comment not saved: (.*)", ln)
            if m:
                why[m.group(1)] = why.get(m.group(1), 0) + 1
        check(not (refused & have), "no post answered 503 (\"Nothing was lost: please send "
              "it again\") was stored (%d refused)" % len(refused),
              "%d stored anyway, e.g. %s; the server's reasons: %s"
              % (len(refused & have), sorted(refused & have)[:3], why))
        say("write faults: %d posts answered 303 (all stored: %s), %d answered 503, "
            "%d of those stored all the same" % (len(acked), acked <= have, len(refused),
                                                len(refused & have)))
    finally:
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


# With 8 server threads and 8 clients, several comments share each commit
# (src/db/db_sqlite.c's write queue): a failed fdatasync must fail every one
# of them (503, not stored), and a commit that succeeds must have all of its
# comments.
GROUP_FAULTS = [
    ("posix/io/sync/fdatasync", "enable name=posix/io/sync/fdatasync", "all", 48),
    ("posix/io/sync/fdatasync", "enable_random name=posix/io/sync/fdatasync,probability=0.3",
     "some", 96),
]


def group_faults(repeat):
    d, db, fifo, site = fiu_site("byline-fiu-group-")
    site.args = ["--threads", "8"]
    acked, refused = set(), set()
    try:
        if not check(site.start(), "groups: the server starts under fiu-run -x with 8 threads",
                     site.stderr()[-600:]):
            return
        commenter = Commenter(db, site.port)
        base = post_burst(commenter, site.port, "fiu-gbase", 16, threads=8)
        check(all(st == 303 for _, st, _ in base), "groups: posts succeed before any fault",
              [st for _, st, _ in base])
        acked |= {t for t, st, _ in base if st == 303}
        for i, (name, cmd, expect, n) in enumerate(GROUP_FAULTS * repeat):
            label = "groups, " + cmd.split(" ", 1)[1]
            if not check(fiu_ctrl(site, fifo, cmd), "fiu-ctrl %s" % label):
                died(site, label)
                break
            burst = post_burst(commenter, site.port, "fiu-g%d" % i, n, threads=8)
            codes = [st for _, st, _ in burst]
            counts = {c: codes.count(c) for c in set(codes)}
            acked |= {t for t, st, _ in burst if st == 303}
            refused |= {t for t, st, _ in burst if st == 503}
            check(all(c in (303, 503) for c in codes),
                  "%s: every post answered 303 or 503" % label, counts)
            if expect == "all":
                check(all(c == 503 for c in codes), "%s: every post answered 503" % label,
                      counts)
            if died(site, label):
                break
            if not check(fiu_ctrl(site, fifo, "disable name=%s" % name),
                         "fiu-ctrl disable %s" % name):
                died(site, label)
                break
            after = post_burst(commenter, site.port, "fiu-ga%d" % i, 16, threads=8)
            check(all(st == 303 for _, st, _ in after),
                  "%s: posts succeed again once the fault is off" % label,
                  [st for _, st, _ in after])
            acked |= {t for t, st, _ in after if st == 303}
        if site.proc.poll() is None:
            rc = site.stop()
            check(rc == 0, "groups: the server under fiu-run stops cleanly (exit %s)" % rc,
                  site.stderr()[-800:])
        else:
            site.kill()
        res, fk = integrity(db, readonly=False)
        check(res == ["ok"] and not fk, "groups: integrity_check ok at the end", (res, fk))
        have = stored_bodies(db, "fiu-g", readonly=False)
        check(acked <= have, "groups: every post answered 303 is stored (%d)" % len(acked),
              sorted(acked - have)[:5])
        check(not (refused & have), "groups: no post answered 503 was stored (%d refused)"
              % len(refused), sorted(refused & have)[:3])
        say("write faults with shared commits: %d posts answered 303, %d answered 503"
            % (len(acked), len(refused)))
    finally:
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


def read_faults():
    """Every pread() fails (EIO).  A page the server cannot read must be a
    503, not a 200 saying nothing is published nor a 404 for an article that
    exists, never cached that way past the fault, and never the end of the
    server (a statement first prepared during the fault included)."""
    d, db, fifo, site = fiu_site("byline-fiu-read-")
    try:
        if not check(site.start(), "read faults: the server starts under fiu-run -x",
                     site.stderr()[-600:]):
            return
        commenter = Commenter(db, site.port)
        st, home = get_status(site.port, "/")
        n_home = len(ARTICLE_LINK.findall(home))
        st, _ = get_status(site.port, commenter.path)
        check(st == 200 and n_home > 0, "read faults: front page and article before", st)

        def fault_on(why):
            ok = check(fiu_ctrl(site, fifo, "enable name=posix/io/rw/pread"),
                       "fiu-ctrl enable posix/io/rw/pread (%s)" % why)
            # A write by another process makes the server's connections drop
            # their page caches (so they must read the file) and marks every
            # cached page stale (a setting changed).
            run_cli("settings", "--db", db, "set", "tagline", "Read faults: %s" % why)
            return ok

        # 1. Pages and a post while reads fail; then the same once they work.
        if not fault_on("pages"):
            return
        st, body = get_status(site.port, "/")
        links = len(ARTICLE_LINK.findall(body))
        check(st == 503 or (st == 200 and links == n_home),
              "pread failing: the front page answers 503, never a 200 with its articles "
              "missing", "%s, %d article links of %d%s" % (
                  st, links, n_home, " (\"Nothing has been published yet\")"
                  if "Nothing has been published" in body else ""))
        st, body = get_status(site.port, commenter.path)
        title = re.search(r"<title>([^<]*)", body)
        check(st == 503, "pread failing: the article answers 503 (not 404)",
              "%s %s" % (st, title.group(1) if title else ""))
        st, _ = commenter.post(site.port, "fiu-read-fault")
        check(st == 503, "pread failing: a comment post answers 503 (not 404)", st)
        st, _ = get_status(site.port, "/healthz")
        check(st == 200, "pread failing: /healthz still answers", st)
        if died(site, "pread failing, pages"):
            return
        fiu_ctrl(site, fifo, "disable name=posix/io/rw/pread")
        st, body = get_status(site.port, "/")
        links = len(ARTICLE_LINK.findall(body))
        check(st == 200 and links == n_home,
              "after the read fault the front page lists its %d articles again "
              "(nothing broken was cached)" % n_home, "%s, %d article links" % (st, links))
        st, _ = get_status(site.port, commenter.path)
        check(st == 200, "after the read fault the article answers 200", st)
        st, _ = commenter.post(site.port, "fiu-read-after")
        check(st == 303, "after the read fault a comment is accepted", st)

        # 2. A page whose statements are first prepared while reads fail
        # (the search's, never used before).
        if not fault_on("search"):
            return
        st, _ = get_status(site.port, "/search/?q=harbor")
        check(st == 503, "pread failing: a first search answers 503", st)
        for _ in range(10):         # an abort takes a moment to finish
            if site.proc.poll() is not None:
                break
            time.sleep(0.05)
        if died(site, "pread failing, a statement prepared for the first time"):
            return
        fiu_ctrl(site, fifo, "disable name=posix/io/rw/pread")
        st, _ = get_status(site.port, "/search/?q=harbor")
        check(st == 200, "after the read fault a search answers 200", st)
        rc = site.stop()
        check(rc == 0, "read faults: the server stops cleanly (exit %s)" % rc,
              site.stderr()[-800:])
    finally:
        site.kill()
        res, fk = integrity(db, readonly=False)
        check(res == ["ok"] and not fk, "read faults: integrity_check ok", (res, fk))
        shutil.rmtree(d, ignore_errors=True)


def faults():
    have = all(shutil.which(x) for x in ("fiu-run", "fiu-ctrl"))
    if not check(have and os.path.exists("/usr/lib/fiu/fiu_posix_preload.so"),
                 "libfiu's fiu-run and fiu-ctrl are installed (Debian: fiu-utils libfiu-dev)"):
        return
    write_faults(3 if LONG else 1)
    group_faults(3 if LONG else 1)
    read_faults()
    publish_faults()
    faults_at_start(12 if LONG else 4)


def site_http(port, method, path, form=None, session=None):
    """One request to a Site: (status, headers (lower-case names), text, cookies)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {"Host": "127.0.0.1:%d" % port}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        h["Content-Type"] = "application/x-www-form-urlencoded"
        h["Origin"] = "http://127.0.0.1:%d" % port
    if session:
        h["Cookie"] = "byline_session=" + session
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        cookies = {}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and "=" in v:
                name, _, rest = v.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return r.status, {k.lower(): v for k, v in r.getheaders()}, text, cookies
    except OSError as e:
        return type(e).__name__, {}, "", {}
    finally:
        c.close()


PUBLISH_FAULTS = [
    ("posix/io/sync/fdatasync", "enable name=posix/io/sync/fdatasync", "all", 3),
    ("posix/io/rw/pwrite", "enable name=posix/io/rw/pwrite", "all", 3),
    ("libc/mm/*", "enable_random name=libc/mm/*,probability=0.02", "some", 10),
]


def publish_faults():
    """An editor publishing while writes, fsync or allocations fail: a 503
    that gives the form back as typed, the article unchanged, the database
    intact; once the fault ends, the same form publishes."""
    d, db, fifo, site = fiu_site("byline-fiu-pub-")
    try:
        if not check(site.start(), "publishing faults: the server starts under fiu-run",
                     site.stderr()[-600:]):
            return
        rc, out, err = run_cli("user", "--db", db, "add", "--email", "ed@example.com",
                               "--name", "Ed Faults", "--role", "editor")
        tok = re.search(r"/admin/password\?token=(\S+)", out)
        pw = "a long enough password"
        st, _, _, _ = site_http(site.port, "POST", "/admin/password",
                                {"token": tok.group(1) if tok else "", "password": pw,
                                 "password2": pw})
        st2, _, _, cookies = site_http(site.port, "POST", "/admin/login",
                                       {"email": "ed@example.com", "password": pw})
        session = cookies.get("byline_session")
        if not check(st == 303 and st2 == 303 and session, "publishing faults: an editor "
                     "signs in", (st, st2, err)):
            return
        _, _, page, _ = site_http(site.port, "GET", "/admin/articles/new", session=session)
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        csrf = m.group(1) if m else ""
        form = {"csrf": csrf, "headline": "Tide tables under fault", "slug": "",
                "dek": "Typed once, kept.", "body": "The body an editor wrote.\n",
                "section": "", "new_section": "", "tags": "", "featured_media": "",
                "featured_alt": "", "status": "draft", "publish_date": "",
                "publish_time": "", "comments_open": "1", "action": "save"}
        st, h, _, _ = site_http(site.port, "POST", "/admin/articles/new", form, session)
        m = re.match(r"/admin/articles/(\d+)/", h.get("location", ""))
        if not check(st == 303 and m, "publishing faults: a draft is saved", (st, h)):
            return
        aid = int(m.group(1))
        path = "/admin/articles/%d/" % aid
        con = ro_connect(db)
        status_of = lambda: con.execute(  # noqa: E731
            "SELECT status FROM articles WHERE id=?", (aid,)).fetchone()[0]
        form["status"] = "published"
        outcomes = {}
        kept_count = {}
        for name, cmd, expect, tries in PUBLISH_FAULTS:
            label = cmd.split(" ", 1)[1]
            if not check(fiu_ctrl(site, fifo, cmd), "fiu-ctrl %s" % label):
                died(site, label)
                break
            codes = []
            for _ in range(tries):
                st, h, text, _ = site_http(site.port, "POST", path, form, session)
                codes.append(st)
                kept = "Tide tables under fault" in text and "Typed once, kept." in text
                if st == 503:
                    check(h.get("retry-after"), "%s: the 503 says Retry-After" % label)
                if st == 503 and expect == "all":
                    check(kept, "%s: the 503 gives the form back as typed" % label)
                elif st in (503, 422):
                    # Random allocation failures can also fail the reads that
                    # recognise the session (tried three times), or the
                    # Markdown rendering (422 with the form); counted, not
                    # asserted: docs/SECURITY.md, "Known limits".
                    kept_count[kept] = kept_count.get(kept, 0) + 1
                if st == 303:
                    break   # published through a lucky gap in random faults
            outcomes[label] = codes
            allowed = (303, 503) if expect == "all" else (303, 422, 503)
            check(all(c in allowed for c in codes), "%s: publishing answers %s, never 500 nor "
                  "a dropped connection" % (label, " or ".join(map(str, allowed))), codes)
            if expect == "all":
                check(all(c == 503 for c in codes) and status_of() == "draft",
                      "%s: every try is refused and the article stays a draft" % label,
                      (codes, status_of()))
            if died(site, label):
                break
            if not check(fiu_ctrl(site, fifo, "disable name=%s" % name),
                         "fiu-ctrl disable %s" % name):
                break
            res, fk = integrity(db)
            check(res == ["ok"] and not fk, "%s: integrity_check ok" % label, (res, fk))
            if status_of() == "published":
                break
        st, h, _, _ = site_http(site.port, "POST", path, form, session)
        check(st == 303 and status_of() == "published",
              "publishing faults: once the faults end, the same form publishes",
              (st, status_of()))
        st, _, home, _ = site_http(site.port, "GET", "/")
        check(st == 200 and "Tide tables under fault" in home,
              "publishing faults: the article is on the home page")
        con.close()
        rc = site.stop()
        check(rc == 0, "publishing faults: the server stops cleanly (exit %s)" % rc,
              site.stderr()[-800:])
        res, fk = integrity(db, readonly=False)
        check(res == ["ok"] and not fk, "publishing faults: integrity_check ok at the end",
              (res, fk))
        say("publishing under faults: %s; under random allocation failures the form came "
            "back as typed %d of %d times" % (outcomes, kept_count.get(True, 0),
                                              sum(kept_count.values())))
    finally:
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


def faults_at_start(runs):
    """fiu-run -x -c 'enable_random name=posix/io/rw/*,probability=0.05' from
    the start: the server either serves, or exits 1 saying why; never dies
    of a signal; the database stays intact."""
    outcomes = {}
    for i in range(runs):
        d, db = fresh_db("byline-fiu0-")
        site = Site(db, wrap=["fiu-run", "-x", "-f", "", "-c",
                              "enable_random name=posix/io/rw/*,probability=0.05"])
        try:
            started = site.start(wait=8)
            if started:
                st, _ = get_status(site.port, "/healthz")
                outcome = "served /healthz %s" % st
                check(st == 200, "faults from the start: a server that started answers "
                      "/healthz", st)
                time.sleep(0.3)     # past the start-up signal race (signal_masks)
                rc = site.stop()
                check(rc is not None and rc >= 0, "faults from the start: stops on SIGTERM",
                      rc)
            elif site.proc.poll() is None:
                # Alive but silent: its one line to stdout was a write() that
                # libfiu failed.  A libfiu artefact, not a server fault.
                outcome = "silent (stdout write failed)"
                site.stop()
            else:
                rc = site.proc.returncode
                msg = site.stderr().strip().splitlines()
                outcome = "exit %s" % rc
                check(rc == 1 and msg and msg[-1].startswith("byline serve: "),
                      "faults from the start: the server exits 1 saying why",
                      "exit %s: %s" % (rc, msg[-2:]))
            res, fk = integrity(db, readonly=False)
            check(res == ["ok"] and not fk, "faults from the start: integrity_check ok",
                  (res, fk))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        finally:
            site.kill()
            shutil.rmtree(d, ignore_errors=True)
    say("faults from the start (rw/* at 5%%, %d runs): %s" % (runs, outcomes))


# ---------------------------------------------------------------------------

def main():
    # BYLINE_RESILIENCE_ONLY=http,slowloris,timeouts,crash,faults runs only those parts.
    only = set(filter(None, os.environ.get("BYLINE_RESILIENCE_ONLY", "").split(",")))
    want = lambda part: not only or part in only  # noqa: E731
    t_start = time.time()
    if want("http") or want("slowloris"):
        # The trusted proxy is elsewhere: 127.0.0.1 (slowhttptest's address)
        # is a client like any other, under the per-address cap.
        s = Server(demo=True, settings={"comment_min_seconds": 0, "comment_flood_seconds": 0},
                   args=["--proxy-addr", "127.0.0.254"])
        try:
            if want("http"):
                m = ARTICLE_LINK.search(s.get("/").text)
                t = time.time()
                http_edges(s, m.group(1) if m else "/")
                signal_masks(s)
                per_ip_cap(s)
                say("HTTP edges and the per-address cap: %.1f s" % (time.time() - t))
            if want("slowloris"):
                t = time.time()
                slowloris(s, 40 if LONG else 20, 200, "slowloris (cap 32 per address)")
                say("slowloris: %.1f s" % (time.time() - t))
        finally:
            s.stop()
    if want("timeouts"):
        t = time.time()
        timeouts()
        say("timeouts: %.1f s" % (time.time() - t))
    if LONG and want("slowloris"):
        d, db = fresh_db("byline-slow-")
        site = Site(db, args=["--max-conns-per-ip", "0"])
        try:
            if check(site.start(), "server without the per-address cap starts"):
                slowloris(site, 30, 900, "slowloris (no per-address cap, 900 connections)")
                check(site.stop() == 0, "and stops cleanly", site.stderr()[-600:])
        finally:
            site.kill()
            site_drop(db)
            shutil.rmtree(d, ignore_errors=True)
    if want("crash"):
        t = time.time()
        crash_safety(100 if LONG else 40)
        say("crash safety: %.1f s" % (time.time() - t))
    if want("faults") and PG:
        skip("fault injection", "SQLite only: libfiu fails the server's own reads, writes and "
             "fsyncs of its database file; on PostgreSQL another process does those")
    elif want("faults") and os.environ.get("BYLINE_SANITIZED"):
        # libfiu preloads its library; ASan's runtime must come first, so the
        # sanitizer build cannot run under fiu-run.  `make test` covers faults.
        skip("fault injection", "not under the sanitizer build (fiu-run preloads a library)")
    elif want("faults"):
        t = time.time()
        faults()
        say("faults: %.1f s" % (time.time() - t))
    say("total %.1f s" % (time.time() - t_start))
    done()


if __name__ == "__main__":
    main()
