"""TLS in front: the shipped nginx configuration (contrib/nginx.conf) before
`byline serve --trust-proxy`, on loopback, with a self-signed certificate
made here (issue 17, "Running it in production").

  1. pages come over https, with HSTS; plain http redirects to https
  2. signing in through the proxy sets the session cookie Secure
  3. the client address Byline logs is the one nginx saw (a second
     loopback address, 127.0.0.2), never what a client put in its own
     X-Forwarded-For
  4. the body limits agree: nginx's client_max_body_size is above
     Byline's upload_max_bytes default (and its form), a body under it
     reaches Byline (Byline's own answer), one over it is nginx's 413; the
     desk's import route takes an export past that limit, streamed, and
     Byline refuses a signed-out one from its head; HSTS is sent once
  5. /metrics is not reachable through the proxy
  6. contrib/byline.service: `systemd-analyze verify` accepts it (its
     binary path pointed at one that exists) and it keeps its sandbox

Skipped (counted) when nginx or openssl is not installed (6: without
systemd-analyze).
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
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
OPENSSL = shutil.which("openssl")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class Proxy:
    """nginx with contrib/nginx.conf, its @NAMES@ filled in."""

    def __init__(self, upstream_port):
        self.dir = tempfile.mkdtemp(prefix="byline-nginx-")
        d = self.dir
        self.cert = os.path.join(d, "cert.pem")
        key = os.path.join(d, "key.pem")
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key,
                        "-out", self.cert], check=True, capture_output=True, timeout=60)
        self.port = free_port()
        self.http_port = free_port()
        with open(os.path.join(REPO, "contrib", "nginx.conf")) as f:
            self.site = f.read()
        site = (self.site.replace("@LISTEN@", "127.0.0.1:%d" % self.port)
                .replace("@HTTP_LISTEN@", "127.0.0.1:%d" % self.http_port)
                .replace("@SERVER_NAME@", "localhost")
                .replace("@CERT@", self.cert).replace("@KEY@", key)
                .replace("@UPSTREAM@", "127.0.0.1:%d" % upstream_port))
        with open(os.path.join(d, "byline.conf"), "w") as f:
            f.write(site)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.mkdir(os.path.join(d, sub))
        main = """
daemon off;
master_process off;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 128; }
http {
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    include %(d)s/byline.conf;
}
""" % {"d": d}
        self.conf = os.path.join(d, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(main)
        t = subprocess.run([NGINX, "-t", "-p", d, "-c", self.conf], capture_output=True,
                           text=True, timeout=60)
        check(t.returncode == 0, "nginx -t accepts the shipped configuration", t.stderr)
        self.proc = subprocess.Popen([NGINX, "-p", d, "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_port(self.port):
            raise RuntimeError("nginx did not start: %s" % self.errors())
        self.ctx = ssl.create_default_context(cafile=self.cert)

    def errors(self):
        try:
            with open(os.path.join(self.dir, "error.log")) as f:
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
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        out = (r.status, r.getheaders(), r.read())
        c.close()
        return out

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def unit_checks():
    with open(os.path.join(REPO, "contrib", "byline.service")) as f:
        unit = f.read()
    for opt in ("User=byline", "ProtectSystem=strict", "ReadWritePaths=/var/lib/byline",
                "NoNewPrivileges=true", "PrivateTmp=true", "ProtectHome=true",
                "CapabilityBoundingSet=\n", "RestrictAddressFamilies=", "Restart=on-failure",
                "KillSignal=SIGTERM", "--trust-proxy", "--listen 127.0.0.1:"):
        check(opt in unit, "the unit has %s" % opt.strip())
    sa = shutil.which("systemd-analyze")
    if not sa:
        skip("systemd-analyze verify", "systemd-analyze is not installed")
        return
    d = tempfile.mkdtemp(prefix="byline-unit-")
    try:
        path = os.path.join(d, "byline.service")
        with open(path, "w") as f:
            f.write(unit.replace("/usr/local/bin/byline", shutil.which("true") or "/bin/true"))
        r = subprocess.run([sa, "verify", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and "byline.service" not in r.stderr,
              "systemd-analyze verify accepts the unit", r.stderr)
    finally:
        shutil.rmtree(d, ignore_errors=True)


unit_checks()
if not NGINX or not OPENSSL:
    skip("TLS proxy in front", "nginx or openssl is not installed")
    done()

# The proxy's port must be known before Byline starts (base_url names it).
srv = Server(demo=True, args=("--access-log", "json"))
proxy = Proxy(srv.port)
origin = "https://localhost:%d" % proxy.port
run_cli("settings", "--db", srv.db, "set", "base_url", origin)
try:
    # 1. https, HSTS, the http redirect
    st, hs, body = proxy.request("GET", "/", headers={"X-Forwarded-For": "6.6.6.6"})
    check(st == 200 and b"<html" in body, "the front page over https", (st, body[:200]))
    hsts = header(hs, "Strict-Transport-Security")
    check(hsts and "max-age=" in hsts[0], "HSTS on an https page", hs)
    check(len(hsts) == 1, "HSTS once (Byline's own copy hidden behind nginx's)", hsts)
    c = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30)
    c.request("GET", "/2024/x/?a=1", headers={"Host": "localhost"})
    r = c.getresponse()
    r.read()
    c.close()
    check(r.status == 301 and (r.getheader("Location") or "").startswith("https://localhost"),
          "plain http redirects to https", (r.status, r.getheader("Location")))

    # 2. sign in: the session cookie is Secure
    out = subprocess.run([os.environ.get("BYLINE_BIN") or os.path.join(REPO, "byline"), "user",
                          "--db", srv.db, "add", "--email", "ed@example.com", "--name", "Ed",
                          "--role", "editor"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"/admin/password\?token=(\S+)", out)
    check(m, "a password link for the new editor", out)
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

    # 4. body limits
    m = re.search(r"client_max_body_size\s+(\d+)m;", proxy.site)
    limit_mb = int(m.group(1)) if m else 0
    upload = int(run_cli("settings", "--db", srv.db, "get", "upload_max_bytes")[1].strip() or 0)
    check(limit_mb * 1024 * 1024 > upload + 64 * 1024,
          "nginx takes bodies larger than Byline's largest upload (%d MB > %d bytes)"
          % (limit_mb, upload))
    session = cookies[0].split(";", 1)[0] if cookies else ""
    form = {"Origin": origin, "Content-Type": "multipart/form-data; boundary=zz"}
    # Signed out: Byline refuses from the head; its answer, not nginx's 502.
    st, hs, body = proxy.request("POST", "/admin/media/", b"x" * (upload // 2), headers=form)
    check(st == 403 and b"nginx" not in body,
          "a large body Byline refuses (signed out) gets Byline's answer through nginx",
          (st, body[:200], proxy.errors()[-600:]))
    # Signed in (no CSRF token), just over upload_max_bytes, under nginx's
    # limit: Byline's own refusal (413 from the head, or 403 once read).
    over = upload + 1024 * 1024
    if over < limit_mb * 1024 * 1024:
        st, hs, body = proxy.request("POST", "/admin/media/", b"x" * over,
                                     headers=dict(form, Cookie=session))
        check(st in (403, 413) and b"nginx" not in body and b"Desk" in body,
              "an upload past Byline's setting gets Byline's refusal, not nginx's",
              (st, body[:200], proxy.errors()[-600:]))
    st, hs, body = proxy.request("POST", "/admin/media/", b"x" * ((limit_mb + 1) * 1024 * 1024),
                                 headers=dict(form, Cookie=session))
    check(st == 413 and header(hs, "Strict-Transport-Security"),
          "one over nginx's limit is nginx's 413, with HSTS", (st, body[:200]))

    # The desk's import route has room for an export past the general
    # limit, streamed to Byline: signed out, Byline's refusal from the head
    # (not nginx's 413, nor a 502); an administrator's import gets through.
    big = (limit_mb + 2) * 1024 * 1024
    st, hs, body = proxy.request("POST", "/admin/tools/import/", b"x" * big, headers=form)
    check(st == 403 and b"nginx" not in body,
          "an export past nginx's general limit, signed out: Byline's refusal on the import route",
          (st, body[:200], proxy.errors()[-600:]))
    admin_out = run_cli("user", "--db", srv.db, "add", "--email", "boss@example.com", "--name",
                        "Boss", "--role", "administrator")[1]
    m = re.search(r"/admin/password\?token=(\S+)", admin_out)
    if check(m, "a password link for an administrator", admin_out):
        proxy.request("POST", "/admin/password",
                      {"token": urllib.parse.unquote(m.group(1)), "password": pw,
                       "password2": pw}, headers={"Origin": origin})
        st, hs, body = proxy.request("POST", "/admin/login",
                                     {"email": "boss@example.com", "password": pw},
                                     headers={"Origin": origin})
        boss = [v for v in header(hs, "Set-Cookie") if v.startswith(COOKIE + "=")]
        boss = boss[0].split(";", 1)[0] if boss else ""
        st, hs, body = proxy.request("GET", "/admin/tools/", headers={"Cookie": boss})
        tok = re.search(rb'name="csrf" value="([^"]+)"', body)
        xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
               b'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Big</title>'
               b'<wp:wxr_version>1.2</wp:wxr_version><description>' + b"z" * big +
               b'</description></channel></rss>\n')
        parts = (b'--zz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' +
                 (tok.group(1) if tok else b"") + b'\r\n--zz\r\nContent-Disposition: '
                 b'form-data; name="dry_run"\r\n\r\n1\r\n--zz\r\nContent-Disposition: '
                 b'form-data; name="file"; filename="big.xml"\r\nContent-Type: text/xml'
                 b'\r\n\r\n' + xml + b'\r\n--zz--\r\n')
        st, hs, body = proxy.request("POST", "/admin/tools/import/", parts,
                                     headers=dict(form, Cookie=boss))
        check(tok and st in (200, 303) and b"nginx" not in body,
              "an administrator's export past nginx's general limit reaches Byline's import",
              (st, body[:300], proxy.errors()[-600:]))

    # 5. /metrics not through the proxy
    st, hs, body = proxy.request("GET", "/metrics")
    check(st == 404 and b"byline_" not in body, "/metrics is not served through the proxy", st)
finally:
    proxy.stop()
    srv.proc.terminate()
    out = srv.proc.stdout.read()
    srv.proc.wait(timeout=30)
    srv.stop()

# 3. the addresses Byline saw
recs = []
for line in out.splitlines():
    if line.startswith("{"):
        recs.append(json.loads(line))
front = [r for r in recs if r.get("path") == "/"]
check(front and front[0].get("client") == "127.0.0.2",
      "Byline logs the client nginx saw, not the proxy nor a forged X-Forwarded-For",
      front[:1])
check(all(r.get("client") == "127.0.0.2" for r in recs), "every request logged as the client",
      [r.get("client") for r in recs])

done()
