"""What the tests that run Byline on PostgreSQL share (issue 17): a
throwaway cluster (tests/pg_cluster.sh: a unix socket in a temporary folder,
never the system's), the command line and psql against it, and a `byline
serve` node on loopback (port 0, read back) spoken to over HTTP as a
client behind the trusted proxy.  Each test stops what it starts."""
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse

from harness import BYLINE, REPO, Response, check, skip

CLUSTER = os.path.join(REPO, "tests", "pg_cluster.sh")


def cli(cwd, *args, timeout=300):
    """byline ARGS run in cwd: (exit status, stdout, stderr)."""
    p = subprocess.run([BYLINE] + list(args), capture_output=True, text=True, timeout=timeout,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def psql(folder, query):
    """One query through psql on the cluster in folder; its rows as text."""
    p = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-At", "-c", query],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("psql: " + p.stderr)
    return p.stdout.strip()


def cluster_start(what="PostgreSQL"):
    """Starts a cluster in a new temporary folder: (folder, url), or None
    after reporting a skip (no server binaries: pg_cluster.sh exits 77) or a
    failed check."""
    folder = tempfile.mkdtemp(prefix="byline-pg-")
    p = subprocess.run(["sh", CLUSTER, "start", folder], capture_output=True, text=True,
                       timeout=180)
    if p.returncode == 77:
        skip(what, p.stderr.strip())
        shutil.rmtree(folder, ignore_errors=True)
        return None
    if not check(p.returncode == 0, "a PostgreSQL cluster starts", p.stderr):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder, p.stdout.strip()


def cluster_stop(folder):
    subprocess.run(["sh", CLUSTER, "stop", folder], capture_output=True, timeout=120)
    shutil.rmtree(folder, ignore_errors=True)


class Node:
    """A byline serve on db, run in cwd, behind the trusted proxy, with
    the flags in extra; with follow, get() follows up to three redirects."""

    def __init__(self, db, cwd, name="node", follow=False, extra=()):
        self.name = name
        self.follow = follow
        self.proc = subprocess.Popen(
            [BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0", "--trust-proxy", "--quiet"]
            + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("%s did not start: %r %s" % (name, line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, ip="203.0.113.7", cookie=None, origin=False,
                timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Host": "127.0.0.1:%d" % self.port, "X-Forwarded-For": ip}
        if cookie:
            h["Cookie"] = "byline_session=" + cookie
        if origin:
            h["Origin"] = self.base
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        return resp

    def get(self, path, cookie=None):
        r = self.request("GET", path, cookie=cookie)
        for _ in range(3 if self.follow else 0):
            if r.status in (301, 302) and r.header("Location"):
                loc = urllib.parse.urlsplit(r.header("Location"))
                r = self.request("GET", loc.path + ("?" + loc.query if loc.query else ""),
                                 cookie=cookie)
        return r

    def stop(self):
        """SIGTERM, then (exit status, what it wrote on stderr)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode, err
