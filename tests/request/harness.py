"""Request-test harness: a real `byline serve` on loopback with a fresh
database, raw HTTP requests, and the closing "N passed, N failed, N skipped"
line.  A test that cannot run here (a fixture or tool is missing) calls
skip(): it is counted as skipped, never as passed.

Each test file builds on this: start a Server, send requests, check().
Servers bind 127.0.0.1 port 0 and the address is read from their output.
"""
import hashlib
import hmac
import http.client
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BYLINE = os.environ.get("BYLINE_BIN") or os.path.join(REPO, "byline")
SHARED = os.environ.get("BYLINE_SHARED") or os.path.join(os.path.dirname(REPO), "shared")

_passed = 0
_failed = 0
_skipped = 0


def check(cond, name, detail=""):
    """Counts one check; prints failures with what was seen."""
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        print("FAIL: %s%s" % (name, ("\n  " + str(detail)[:600]) if detail else ""), flush=True)
    return cond


def skip(name, why):
    """Counts one skipped test, named, and says why it could not run."""
    global _skipped
    _skipped += 1
    print("SKIP: %s: %s" % (name, why), flush=True)


def done():
    print("%d passed, %d failed, %d skipped" % (_passed, _failed, _skipped))
    sys.exit(1 if _failed else 0)


def run_cli(*args, check_rc=True):
    """Runs the byline binary; returns (rc, stdout, stderr)."""
    p = subprocess.run([BYLINE] + list(args), capture_output=True, text=True, timeout=60)
    if check_rc and p.returncode != 0:
        raise RuntimeError("byline %s failed: %s" % (" ".join(args), p.stderr))
    return p.returncode, p.stdout, p.stderr


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # list of (name, value)
        self.body = body                  # bytes
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


class Server:
    """A byline server over a fresh database in a temporary folder."""

    def __init__(self, demo=False, settings=None, before=None, args=()):
        self.dir = tempfile.mkdtemp(prefix="byline-test-")
        self.db = os.path.join(self.dir, "site.db")
        if demo:
            run_cli("demo", "--db", self.db)
        else:
            # Creates and migrates the database; `before` usually imports
            # articles, and a site with articles gets no demo content.
            run_cli("settings", "--db", self.db, "list")
        for k, v in (settings or {}).items():
            run_cli("settings", "--db", self.db, "set", k, str(v))
        if before:
            before(self)
        self.proc = subprocess.Popen(
            [BYLINE, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--trust-proxy",
             "--quiet"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        """SIGTERM, then the server must exit 0 on its own: under the
        sanitizers a leak or an error report makes the exit status non-zero."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        check(self.proc.returncode == 0, "server stopped cleanly on SIGTERM (exit %s)"
              % self.proc.returncode, err[-3000:])
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, ip=None, raw_path=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": "127.0.0.1:%d" % self.port}
        if ip:
            h["X-Forwarded-For"] = ip
        h.update(headers or {})
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.request("POST", path, body=form, **kw)

    def sql(self, query, *args):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def token(self, article_id, age=60):
        """A form token as the server signs them, `age` seconds old."""
        secret = bytes.fromhex(self.sql("SELECT value FROM settings WHERE key='secret'")[0][0])
        ts = int(time.time()) - age
        mac = hmac.new(secret, ("form|%d|%d" % (article_id, ts)).encode(), hashlib.sha256)
        return "%d.%s" % (ts, mac.hexdigest()[:32])


def cookie_header(resp, prior=""):
    """A Cookie header from a response's Set-Cookie lines (plus prior)."""
    jar = dict(p.split("=", 1) for p in prior.split("; ") if "=" in p)
    for sc in resp.headers_all("Set-Cookie"):
        name, _, rest = sc.partition("=")
        value = rest.split(";", 1)[0]
        if "Max-Age=0" in sc:
            jar.pop(name, None)
        else:
            jar[name] = value
    return "; ".join("%s=%s" % kv for kv in jar.items())


def write_article(folder, name, **fm):
    body = fm.pop("body", "")
    lines = ["---"]
    for k, v in fm.items():
        lines.append("%s: %s" % (k, v))
    lines.append("---")
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n" + body)


from html.parser import HTMLParser  # noqa: E402

SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("script", "svg", "img", "iframe", "object", "embed", "math", "style"):
            ours = (tag == "img" and dict(attrs).get("class") == "avatar") or \
                   (tag == "script" and dict(attrs).get("type") == "application/ld+json"
                    and len(attrs) == 1)  # a data block, never executed
            if not ours:
                self.problems.append("element <%s>" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append("attribute %s on <%s>" % (name, tag))
            if name in ("href", "src", "action", "formaction") and value:
                v = "".join(ch for ch in value if ch not in "\t\n\r").strip().lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", v)
                if scheme and scheme.group(0) not in SAFE_SCHEMES:
                    self.problems.append("%s=%r on <%s>" % (name, value, tag))


def dom_audit(html):
    """Problems a page has if untrusted input became markup: script-capable
    elements, event attributes, links with a non-web scheme."""
    a = _Audit()
    a.feed(html)
    a.close()
    return a.problems
