"""TLS in front with Caddy: the shipped contrib/Caddyfile before `byline
serve --trust-proxy`, on loopback, with a self-signed certificate made
here (issue 17, "Running it in production"; test_tls_proxy.py does the
same for nginx).

The Caddyfile is used as shipped but for its site address (here
https://localhost:PORT, with a `tls` line naming the certificate) and its
upstream's port; a global options block keeps Caddy to itself: no admin
endpoint, no trust store installed, listening on 127.0.0.1 only, HOME and
the XDG folders in the test's folder, stopped by its PID.

  1. pages come over https, with HSTS (once: Caddy's, on its own answers
     too); plain http redirects to the same page on https
  2. signing in through the proxy sets the session cookie Secure
  3. the client address Byline logs is the one Caddy saw (a second
     loopback address, 127.0.0.2), never what a client put in its own
     X-Forwarded-For
  4. the body limits agree: Caddy's max_size is above the largest body
     Byline reads (an import, twice an upload's limit); bodies under it
     get Byline's own answer, read or refused from the head (Caddy
     streams them), one over it is cut off by Caddy (413; 502 before
     Caddy 2.7) and never answered by Byline
  5. /metrics is not reachable through the proxy, however it is spelled
  6. Caddy wrote only in the test's folder, and logged no error but the
     body it cut off

Skipped (counted) when caddy or openssl is not installed.
"""
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, Server, check, done, run_cli, skip  # noqa: E402

COOKIE = "byline_session"
# The test's own requests straight to Byline name this address (believed
# from loopback), so the access log tells them from the proxied ones.
DIRECT = "127.0.0.9"
CADDY = shutil.which("caddy")
OPENSSL = shutil.which("openssl")


def caddy_version():
    """(major, minor) of the installed Caddy ("2.6.2", "v2.7.6 h1:..."), or (0, 0)."""
    try:
        out = subprocess.run([CADDY, "version"], capture_output=True, text=True,
                             timeout=30).stdout
    except OSError:
        return (0, 0)
    m = re.match(r"\s*v?(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


# Keeps Caddy to the test's folder and loopback: no admin endpoint (it is
# stopped by its PID), no root certificate installed in the system's trust
# store, every listener on 127.0.0.1, the plain http port a free one, no
# HTTP/3 (a UDP port nobody checked is free).
GLOBAL = """{
	admin off
	skip_install_trust
	default_bind 127.0.0.1
	http_port %d
	servers {
		protocols h1 h2
	}
}

"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def replace_once(text, pattern, repl, what):
    """The shipped file's one line matching pattern, replaced; a Caddyfile
    whose shape changed fails here rather than being tested half."""
    out, n = re.subn(pattern, lambda m: repl, text, flags=re.M)
    if not check(n == 1, "the shipped Caddyfile has one %s" % what, n):
        raise RuntimeError("contrib/Caddyfile: no single %s to replace" % what)
    return out


class Proxy:
    """Caddy with contrib/Caddyfile, its site address and upstream port set."""

    def __init__(self, upstream_port):
        self.dir = tempfile.mkdtemp(prefix="byline-caddy-")
        self.proc = None
        try:
            self._start(upstream_port)
        except BaseException:
            self.stop()
            raise

    def _start(self, upstream_port):
        d = self.dir
        self.cert = os.path.join(d, "cert.pem")
        key = os.path.join(d, "key.pem")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key,
                        "-out", self.cert], check=True, capture_output=True, timeout=60)
        self.port = free_port()
        self.http_port = free_port()
        with open(os.path.join(REPO, "contrib", "Caddyfile")) as f:
            self.site = f.read()
        site = replace_once(self.site, r"^news\.example\.com \{$",
                            "https://localhost:%d {\n\ttls %s %s" % (self.port, self.cert, key),
                            "site address (news.example.com)")
        site = replace_once(site, r"^(\s*)reverse_proxy 127\.0\.0\.1:8080 \{$",
                            "\treverse_proxy 127.0.0.1:%d {" % upstream_port,
                            "upstream (reverse_proxy 127.0.0.1:8080)")
        self.conf = os.path.join(d, "Caddyfile")
        with open(self.conf, "w") as f:
            f.write(GLOBAL % self.http_port + site)
        self.env = dict(os.environ, HOME=os.path.join(d, "home"),
                        XDG_DATA_HOME=os.path.join(d, "data"),
                        XDG_CONFIG_HOME=os.path.join(d, "config"),
                        XDG_CACHE_HOME=os.path.join(d, "cache"))
        for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.mkdir(self.env[k])
        t = subprocess.run([CADDY, "validate", "--config", self.conf, "--adapter", "caddyfile"],
                           capture_output=True, text=True, timeout=60, env=self.env, cwd=d)
        check(t.returncode == 0, "caddy validate accepts the shipped configuration",
              t.stderr[-1500:])
        self.log = os.path.join(d, "caddy.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([CADDY, "run", "--config", self.conf, "--adapter",
                                          "caddyfile"], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=self.env, cwd=d)
        if not (wait_port(self.port, self.proc) and wait_port(self.http_port, self.proc)):
            raise RuntimeError("caddy did not start: %s" % self.errors())
        self.ctx = ssl.create_default_context(cafile=self.cert)

    def errors(self):
        try:
            with open(self.log) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def request(self, method, path, body=None, headers=None, source="127.0.0.2"):
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60,
                                        source_address=(source, 0))
        h = {"Host": "localhost:%d" % self.port}
        h.update(headers or {})
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            c.request(method, path, body=body, headers=h)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLEOFError):
            # Caddy streams a body to Byline (it does not buffer it as
            # nginx does): an answer given from the head (a refusal) comes
            # back, and the connection closes, while the body is still
            # being sent.  Read that answer, as curl and browsers do.
            pass
        r = c.getresponse()
        out = (r.status, r.getheaders(), r.read())
        c.close()
        return out

    def stop(self, keep=False):
        """SIGTERM to Caddy's PID (a graceful stop), SIGKILL if it lingers."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


if not CADDY or not OPENSSL:
    skip("Caddy in front", "caddy or openssl is not installed")
    done()
CADDY_VERSION = caddy_version()

# The proxy's port must be known before Byline starts (base_url names it).
srv = Server(demo=True, args=("--access-log", "json"))
proxy = None
out = ""
try:
    proxy = Proxy(srv.port)
    origin = "https://localhost:%d" % proxy.port
    run_cli("settings", "--db", srv.db, "set", "base_url", origin)

    # 1. https, HSTS, the http redirect
    st, hs, body = proxy.request("GET", "/", headers={"X-Forwarded-For": "6.6.6.6"})
    check(st == 200 and b"<html" in body, "the front page over https", (st, body[:200]))
    hsts = header(hs, "Strict-Transport-Security")
    check(len(hsts) == 1 and "max-age=" in hsts[0], "HSTS on an https page, once", hs)
    c = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30,
                                   source_address=("127.0.0.2", 0))
    c.request("GET", "/2024/x/?a=1", headers={"Host": "localhost"})
    r = c.getresponse()
    r.read()
    c.close()
    check(r.status in (301, 308)
          and r.getheader("Location") == "https://localhost:%d/2024/x/?a=1" % proxy.port,
          "plain http redirects to the same page on https", (r.status, r.getheader("Location")))

    # 2. sign in: the session cookie is Secure
    out = run_cli("user", "--db", srv.db, "add", "--email", "ed@example.com", "--name", "Ed",
                  "--role", "administrator")[1]
    m = re.search(r"/admin/password\?token=(\S+)", out)
    check(m, "a password link for the new administrator", out)
    pw = "correct horse battery staple 17"
    if m:
        st, hs, body = proxy.request("POST", "/admin/password",
                                     {"token": urllib.parse.unquote(m.group(1)), "password": pw,
                                      "password2": pw}, headers={"Origin": origin})
        check(st in (200, 303), "the password is set through the proxy", (st, body[:300]))
    st, hs, body = proxy.request("POST", "/admin/login",
                                 {"email": "ed@example.com", "password": pw},
                                 headers={"Origin": origin})
    cookies = [v for v in header(hs, "Set-Cookie") if v.startswith(COOKIE + "=")]
    check(st == 303 and cookies, "signing in through the proxy", (st, hs, body[:300]))
    check(cookies and all("; Secure" in v for v in cookies), "the session cookie is Secure",
          cookies)
    check(cookies and all("HttpOnly" in v for v in cookies), "and HttpOnly", cookies)
    session = cookies[0].split(";", 1)[0] if cookies else ""
    st, hs, body = proxy.request("GET", "/admin/", headers={"Cookie": session})
    check(st == 200 and b"Desk" in body, "the desk opens through the proxy with that cookie",
          (st, body[:200]))

    # 4. body limits.  Caddy's sizes are decimal (12MB = 12,000,000 bytes).
    # Byline reads at most (web_body_limit, web/route.c) twice
    # upload_max_bytes and 256 KB on an upload (to say by how much a file is
    # over), import_max_mb MB and 64 KB on a WordPress import; it refuses a
    # larger body from the head.  Caddy's max_size must not be below
    # either, or Caddy answers instead of Byline.
    m = re.search(r"^\s*max_size\s+(\d+)MB\s*$", proxy.site, re.M)
    limit = int(m.group(1)) * 1000 * 1000 if m else 0
    upload = int(run_cli("settings", "--db", srv.db, "get", "upload_max_bytes")[1].strip() or 0)
    imp = int(run_cli("settings", "--db", srv.db, "get", "import_max_mb")[1].strip() or 0)
    check(limit >= 2 * upload + 256 * 1024,
          "Caddy takes every upload body Byline reads (%d >= 2 x %d + 256 KB)" % (limit, upload))
    check(limit >= imp * 1024 * 1024 + 64 * 1024,
          "Caddy takes every import Byline reads (%d >= %d MB + 64 KB)" % (limit, imp))
    form = {"Origin": origin, "Content-Type": "multipart/form-data; boundary=zz"}
    # Signed out: Byline refuses from the head; its answer, not a 502.
    st, hs, body = proxy.request("POST", "/admin/media/", b"x" * (upload // 2), headers=form)
    check(st == 403 and b"not signed in" in body,
          "a large body Byline refuses (signed out) gets Byline's answer through Caddy",
          (st, body[:200], proxy.errors()[-600:]))
    # Signed in (no CSRF token), over upload_max_bytes but within what
    # Byline reads of an upload (twice the setting): Byline reads it and
    # refuses it (its page), Caddy passing the whole body on.
    for size in (upload + 1024 * 1024, 2 * upload):
        st, hs, body = proxy.request("POST", "/admin/media/", b"x" * size,
                                     headers=dict(form, Cookie=session))
        check(st in (403, 413) and b"Desk" in body,
              "an upload past Byline's setting (%d bytes) gets Byline's refusal, not Caddy's"
              % size, (st, body[:200], proxy.errors()[-600:]))
    # Past what Byline reads of an upload: its 413 from the head (Caddy
    # streams the body, so the refusal comes back while it is sent).
    st, hs, body = proxy.request("POST", "/admin/media/", b"x" * (2 * upload + 1024 * 1024),
                                 headers=dict(form, Cookie=session))
    check(st == 413 and len(header(hs, "Strict-Transport-Security")) == 1,
          "an upload past twice the setting gets Byline's 413 from the head, through Caddy",
          (st, body[:200], proxy.errors()[-600:]))
    # Over Caddy's max_size where Byline would take the body (an import,
    # import_max_mb raised past Caddy's limit): Caddy cuts it off, with
    # HSTS, and Byline never answers.  Caddy says 413 from 2.7 on; before
    # (Debian 12 has 2.6) it answers 502 with "request body too large" in
    # its log (Caddy's issue 5652, fixed in 2.7.0).
    run_cli("settings", "--db", srv.db, "set", "import_max_mb",
            str(max(1, limit // (1024 * 1024) * 2)))
    srv.request("GET", "/", ip=DIRECT)  # the server rereads its settings on a request
    st, hs, body = proxy.request("POST", "/admin/tools/import/",
                                 b"x" * (limit + 1024 * 1024), headers=dict(form, Cookie=session))
    said = 413 if CADDY_VERSION >= (2, 7) else 502
    check(st == said and body == b"" and len(header(hs, "Strict-Transport-Security")) == 1
          and "request body too large" in proxy.errors(),
          "a body over Caddy's max_size is cut off by Caddy (%d from Caddy %d.%d), with HSTS"
          % ((said,) + CADDY_VERSION), (st, hs, body[:200], proxy.errors()[-600:]))
    run_cli("settings", "--db", srv.db, "set", "import_max_mb", str(imp))

    # 5. /metrics not through the proxy (Byline shows it to loopback, and
    # the reader here is 127.0.0.2: only the Caddyfile hides it)
    r = srv.request("GET", "/metrics", ip=DIRECT)
    check(r.status == 200 and b"byline_" in r.body, "Byline shows /metrics to loopback",
          r.status)
    for path in ("/metrics", "/metrics?x=1", "/metrics/", "//metrics", "/Metrics",
                 "/%6detrics", "/./metrics"):
        st, hs, body = proxy.request("GET", path)
        check(st in (301, 308, 404) and b"byline_" not in body,
              "%s is not served through the proxy" % path, (st, body[:200]))
        check(len(header(hs, "Strict-Transport-Security")) == 1, "%s: HSTS, once" % path, hs)
except RuntimeError as e:  # Caddy did not start, or a command failed: said, counted
    check(False, "the test ran to its end", e)
finally:
    if proxy:
        proxy.stop(keep=True)
    srv.proc.terminate()
    out = srv.proc.stdout.read()
    srv.proc.wait(timeout=30)
    srv.stop()

# 6. Caddy kept to its folder: its autosaved configuration and its local
# certificate authority are there (the XDG folders it was given).
if proxy:
    check(os.path.exists(os.path.join(proxy.dir, "config", "caddy", "autosave.json")),
          "Caddy saved its configuration in the test's XDG_CONFIG_HOME",
          os.listdir(proxy.dir))
    with open(proxy.log) as f:
        errs = [ln for ln in f if '"level":"error"' in ln
                and "request body too large" not in ln]
    check(not errs, "Caddy logged no error but the body it cut off", errs[:3])
    shutil.rmtree(proxy.dir, ignore_errors=True)

# 3. the addresses Byline saw
recs = []
for line in out.splitlines():
    if line.startswith("{"):
        recs.append(json.loads(line))
front = [r for r in recs if r.get("path") == "/"]
check(front and front[0].get("client") == "127.0.0.2",
      "Byline logs the client Caddy saw, not the proxy nor a forged X-Forwarded-For",
      front[:1])
proxied = [r for r in recs if r.get("client") != DIRECT]
check(not [r for r in recs if r.get("path") == "/admin/tools/import/"],
      "Byline never answered the body Caddy cut off", recs[-3:])
check(len(proxied) >= 6 and all(r.get("client") == "127.0.0.2" for r in proxied),
      "every request through Caddy logged as the client",
      [(r.get("path"), r.get("client")) for r in recs])

done()
