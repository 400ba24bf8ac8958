#!/usr/bin/python3
"""bench/bench.py: Byline's benchmark (issues 4 and 6); `make bench` runs it.

Writes bench/RESULTS.md with:
  1. wrk against byline and nginx serving byline's own bytes (plain and
     gzip_static), 32 and 256 connections, with and without
     Accept-Encoding: gzip: req/s, p50, p99, ratios byline/nginx; and the
     proxy shape: 256 keep-alive connections from one address, byline with
     --trust-proxy and its default per-address cap, each request naming
     its reader in X-Forwarded-For (bench/proxy.lua);
  2. comment posting: comments committed to disk per second (wrk + post.lua);
  3. cold start: spawn of `byline serve` to the first 200 on /;
  4. resident memory after ~2,000 distinct pages, 1,000 and 100,000 articles;
  5. on the 100,000-article site: search p95, cache-miss render p50/p95 of
     the home page, a deep archive page and an article, feed generation.

Servers are pinned to core 0, the load generator (wrk, or this script's
HTTP client) to core 1.  Every wait has a deadline; every process started
here is stopped here, by its pid.

Environment:
  BENCH_SECONDS  length of each wrk run (default 10)
  BENCH_RUNS     runs per wrk cell and for posting; the median is reported (3)
  BENCH_PARTS    which parts to run, of wrk,post,cold,rss,render (default all;
                 a partial run's report says so in its settings line)
  BENCH_QUICK=1  skip the 100,000-article site (issue 4's figures then come
                 from the 1,000-article site, marked as such)
  BENCH_OUT      where to write the results (bench/RESULTS.md)
  BENCH_WAIT_LOAD  wait up to this many seconds for the 1-minute load
                 average to fall below 1 before starting (0)
  BENCH_SERVE_FLAGS  more flags for every `byline serve` (experiments; shown in
                 the results)
  BENCH_WRK_CELLS  which of part 1's cells to run, of 32,256,proxy (default all)
  GENSITE        the site generator (build/bench/gensite)
"""
import gzip
import hashlib
import hmac
import http.client
import math
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BYLINE = os.path.join(ROOT, "byline")
GENSITE = os.environ.get("GENSITE") or os.path.join(ROOT, "build/bench/gensite")
POST_LUA = os.path.join(ROOT, "bench/post.lua")
CACHE_DIR = os.path.join(ROOT, "bench/out")
SECS = max(1, int(os.environ.get("BENCH_SECONDS") or 10))
RUNS = max(1, int(os.environ.get("BENCH_RUNS") or 3))
QUICK = os.environ.get("BENCH_QUICK") == "1"
PARTS = set((os.environ.get("BENCH_PARTS") or "wrk,post,cold,rss,render").split(","))
OUT = os.environ.get("BENCH_OUT") or os.path.join(ROOT, "bench/RESULTS.md")
WAIT_LOAD = int(os.environ.get("BENCH_WAIT_LOAD") or 0)
WARM = min(2, SECS)
NCPU = os.cpu_count() or 1
SERVER_CPU, CLIENT_CPU = (0, 1) if NCPU >= 2 else (0, 0)
# Every client here is 127.0.0.1: byline's per-address connection cap (32 by
# default) would refuse wrk's 256 connections, and nginx here has none.
EXTRA_FLAGS = os.environ.get("BENCH_SERVE_FLAGS", "").split()
SERVE_FLAGS = ["--max-conns-per-ip", "0"] + EXTRA_FLAGS
WRK_CELLS = set((os.environ.get("BENCH_WRK_CELLS") or "32,256,proxy").split(","))
# Time bounds for the sequential parts, so a pathologically slow page cannot
# stretch `make bench` past its budget (what was cut short is reported).
WARMUP_BUDGET = max(30, 9 * SECS)   # the ~2,000-page warm-up, per server
TIMED_BUDGET = max(10, 3 * SECS)    # each page timed for issue 4
SMALL = (1000, 10000)
LARGE = (100000, 1000000)

DATA_DIR = None  # --data for every server: set in main()
started = {}  # pid -> Popen, everything this script started and has not stopped
T_START = time.monotonic()


LOADS = []  # (part, 1-minute load average when it began)


def log(msg):
    print("[%6.1fs] %s" % (time.monotonic() - T_START, msg), file=sys.stderr, flush=True)


def part(name):
    """Marks the start of a part: logged, and its load average kept for the report."""
    LOADS.append((name, os.getloadavg()[0]))
    log("%s (load average %.2f)" % (name, LOADS[-1][1]))


# ---- processes ----

class pinned:
    """Children spawned inside inherit this CPU (as `taskset -c CPU`)."""

    def __init__(self, cpu):
        self.cpu = cpu

    def __enter__(self):
        self.old = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {self.cpu})

    def __exit__(self, *exc):
        os.sched_setaffinity(0, self.old)


def spawn(args, cpu, **kw):
    with pinned(cpu):
        p = subprocess.Popen(args, **kw)
    started[p.pid] = p
    return p


def stop(p, sig=signal.SIGTERM, timeout=15):
    """Stops p (by its pid) and reaps it; SIGKILL if it outlives timeout."""
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)
    started.pop(p.pid, None)
    return p.returncode


def stop_all(*_):
    for p in list(started.values()):
        try:
            stop(p, timeout=5)
        except Exception:
            pass
    if _:
        sys.exit(1)


def run(args, timeout, cpu=None, **kw):
    """Runs a command to completion (bounded), returns its stdout."""
    if cpu is not None:
        args = ["taskset", "-c", str(cpu)] + list(args)
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr[-2000:]))
    return r.stdout


class Byline:
    """`byline serve` on 127.0.0.1 port 0, pinned to the server core."""

    def __init__(self, db, *flags, errlog=None, serve_flags=None):
        self.args = [BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet",
                     "--data", DATA_DIR] + (SERVE_FLAGS if serve_flags is None
                                            else serve_flags) + list(flags)
        self.err = open(errlog or os.devnull, "ab")
        self.t0 = time.monotonic()
        self.p = spawn(self.args, SERVER_CPU, stdout=subprocess.PIPE, stderr=self.err)
        self.port = read_port(self.p, 60)
        self.pid = self.p.pid

    def status(self):
        """VmRSS and VmHWM in KiB from /proc/PID/status."""
        out = {}
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
        return out

    def stop(self, sig=signal.SIGTERM):
        rc = stop(self.p, sig)
        self.p.stdout.close()
        self.err.close()
        return rc


def read_port(p, timeout):
    """Reads "Byline is serving DB on http://127.0.0.1:PORT/" from p's stdout."""
    fd = p.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or p.poll() is not None:
            raise RuntimeError("byline did not start: %r" % data)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("byline exited: %r" % data)
            data += chunk
    m = re.search(rb"http://127\.0\.0\.1:(\d+)/", data)
    if not m:
        raise RuntimeError("no address in %r" % data)
    return int(m.group(1))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("nothing listens on port %d" % port)


# ---- HTTP client (this process runs on the client core) ----

class Client:
    """One keep-alive connection; get() returns (status, headers, body, seconds)."""

    def __init__(self, port):
        self.port = port
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        for attempt in (0, 1):
            try:
                t = time.perf_counter()
                self.c.request("GET", path, headers=headers or {})
                r = self.c.getresponse()
                body = r.read()
                dt = time.perf_counter() - t
                return r.status, r.headers, body, dt
            except (http.client.HTTPException, ConnectionError):
                self.c.close()
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise

    def post(self, path, body, headers):
        self.c.request("POST", path, body=body, headers=headers)
        r = self.c.getresponse()
        r.read()
        return r.status

    def close(self):
        self.c.close()


def pct(values, q):
    """Nearest-rank percentile (q in 0..100)."""
    v = sorted(values)
    return v[max(0, math.ceil(q / 100 * len(v)) - 1)]


def ms(seconds):
    return seconds * 1000.0


# ---- sites ----

def sql(db, query, args=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def site_tz(db):
    row = sql(db, "SELECT value FROM settings WHERE key='timezone'")
    return ZoneInfo(row[0][0] if row and row[0][0] else "UTC")


def article_path(tz, published_at, slug):
    d = datetime.fromtimestamp(published_at, tz)
    return d.strftime("/%Y/%m/%d/") + slug + "/"


def most_commented(db):
    """(id, path, approved comments) of the article with the most approved comments."""
    aid, slug, pub, n = sql(db, "SELECT a.id, a.slug, a.published_at, count(c.id) FROM articles a"
                                " LEFT JOIN comments c ON c.article_id=a.id AND c.status='approved'"
                                " WHERE a.status='published' GROUP BY a.id"
                                " ORDER BY count(c.id) DESC, a.id LIMIT 1")[0]
    return aid, article_path(site_tz(db), pub, slug), n


def schema_version():
    """The schema version a fresh database gets (keys the cached sites)."""
    d = tempfile.mkdtemp(prefix="byline-bench-uv.")
    try:
        run([BYLINE, "demo", "--db", os.path.join(d, "v.db")], 60)  # what the server migrates to
        return sql(os.path.join(d, "v.db"), "PRAGMA user_version")[0][0]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def cached_site(articles, comments):
    """bench/out/site-A-C-vSCHEMA-GENSITEHASH.db, generated if missing."""
    with open(os.path.join(ROOT, "bench/gensite.c"), "rb") as f:
        gh = hashlib.sha1(f.read()).hexdigest()[:8]
    name = "site-%d-%d-v%d-%s.db" % (articles, comments, schema_version(), gh)
    path = os.path.join(CACHE_DIR, name)
    os.makedirs(CACHE_DIR, exist_ok=True)
    if os.path.exists(path):
        log("reusing %s" % os.path.relpath(path, ROOT))
        return path, False
    prefix = "site-%d-%d-" % (articles, comments)
    # The same generator's site made under an older schema: migrate it (the
    # first command that opens it does) instead of generating it again.
    older = sorted((f for f in os.listdir(CACHE_DIR)
                    if f.startswith(prefix) and f.endswith("-%s.db" % gh) and f != name),
                   key=lambda f: int(f.split("-v")[1].split("-")[0]), reverse=True)
    if older:
        src = os.path.join(CACHE_DIR, older[0])
        log("migrating %s to schema %d" % (older[0], schema_version()))
        t = time.monotonic()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(src + suffix):
                os.rename(src + suffix, path + suffix)
        run([BYLINE, "settings", "--db", path, "get", "site_title"], 1800)
        log("migrated in %.0f s" % (time.monotonic() - t))
        return path, False
    for old in os.listdir(CACHE_DIR):  # older generations of the same site
        if old.startswith(prefix) and old != name:
            os.unlink(os.path.join(CACHE_DIR, old))
    log("generating %s (%d articles, %d comments)" % (name, articles, comments))
    tmp = path + ".tmp"
    for f in (tmp, tmp + "-wal", tmp + "-shm"):
        if os.path.exists(f):
            os.unlink(f)
    t = time.monotonic()
    run([GENSITE, tmp, str(articles), str(comments)], 1800)
    os.rename(tmp, path)
    log("generated in %.0f s" % (time.monotonic() - t))
    return path, True


def site_urls(db, n):
    """About n distinct public pages, a deterministic mix of every kind."""
    tz = site_tz(db)
    per_page = int((sql(db, "SELECT value FROM settings WHERE key='posts_per_page'") or [("10",)])[0][0])
    arts = sql(db, "SELECT id, slug, published_at FROM articles WHERE status='published' ORDER BY id")
    pub = " JOIN articles a ON a.%s AND a.status='published' GROUP BY x.id ORDER BY x.id"
    sections = sql(db, "SELECT x.slug, count(*) FROM sections x" + pub % "section_id=x.id")
    tags = sql(db, "SELECT x.slug, count(*) FROM tags x JOIN article_tags t ON t.tag_id=x.id"
                   + pub % "id=t.article_id")
    authors = sql(db, "SELECT x.slug, count(*) FROM users x" + pub % "author_id=x.id")

    def pages(base, count, most):
        last = max(1, math.ceil(count / per_page))
        picks = sorted({1, 2, 3, last} | {1 + (last - 1) * k // max(1, most - 1) for k in range(most)})
        return [base if p == 1 else "%spage/%d/" % (base, p) for p in picks if 1 <= p <= last]

    # Articles spread over the whole archive.
    step = max(1, len(arts) // 1100)
    chosen = arts[::step][:1100]
    article_urls = [article_path(tz, p, slug) for _, slug, p in chosen]
    home = pages("/", len(arts), 200)
    archives = []
    for s, cnt in sections:
        archives += pages("/category/%s/" % s, cnt, 12)
    for t, cnt in tags:
        archives += pages("/tag/%s/" % t, cnt, 3)
    for a, cnt in authors:
        archives += pages("/author/%s/" % a, cnt, 3)
    days = sorted({datetime.fromtimestamp(p, tz).strftime("/%Y/%m/%d/") for _, _, p in chosen})
    months = sorted({d[:9] for d in days})
    years = sorted({d[:6] for d in days})
    archives += years + months + days[::max(1, len(days) // 300)][:300]
    feeds = ["/feed/", "/feed/atom/", "/feed/json/", "/comments/feed/"]
    feeds += ["/category/%s/feed/" % s for s, _ in sections] + ["/tag/%s/feed/" % t for t, _ in tags]
    feeds += ["/author/%s/feed/" % a for a, _ in authors]
    feeds += [u + "feed/" for u in article_urls[::10][:60]]
    feeds += ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-sections.xml", "/sitemap-tags.xml"]
    urls, seen = [], set()
    groups = [article_urls, home, archives, feeds]
    idx = [0] * len(groups)
    weights = [11, 2, 5, 2]  # articles, home pages, archives, feeds: per round
    while len(urls) < n and any(idx[g] < len(groups[g]) for g in range(len(groups))):
        for g, w in enumerate(weights):
            for _ in range(w):
                if idx[g] < len(groups[g]):
                    u = groups[g][idx[g]]
                    idx[g] += 1
                    if u not in seen:
                        seen.add(u)
                        urls.append(u)
    return urls[:n]


# ---- 1. wrk: byline against nginx ----

WRK_RE = {
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "p50": re.compile(r"^\s+50%\s+(\S+)", re.M),
    "p99": re.compile(r"^\s+99%\s+(\S+)", re.M),
    "non2xx": re.compile(r"Non-2xx or 3xx responses:\s+(\d+)"),
    "sockerr": re.compile(r"Socket errors: (.*)"),
    "transfer": re.compile(r"Transfer/sec:\s+(\S+)"),
    "requests": re.compile(r"(\d+) requests in ([\d.]+)(\w+),"),
}


def wrk_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    n = float(m.group(1))
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[m.group(2)]


def wrk_bytes(v):
    m = re.match(r"([\d.]+)(B|KB|MB|GB)$", v)
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[m.group(2)]


def wrk(url, conns, secs, headers=(), script=None, script_args=()):
    # One wrk thread: the client has one core, and a second thread there
    # only time-slices with the first, adding the scheduler's slice (about
    # 5 ms) to the measured p99 of whichever server is fast enough to keep
    # the client busy (measured: byline p99 5.7 ms with -t2, 0.77 ms with
    # -t1, same req/s).
    cmd = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % secs, "--latency", "--timeout", "5s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    if script_args:
        cmd += ["--"] + list(script_args)
    out = run(cmd, secs + 60, cpu=CLIENT_CPU)
    r = {"raw": out}
    m = WRK_RE["rps"].search(out)
    r["rps"] = float(m.group(1)) if m else 0.0
    for k in ("p50", "p99"):
        m = WRK_RE[k].search(out)
        r[k] = wrk_ms(m.group(1)) if m else float("nan")
    m = WRK_RE["non2xx"].search(out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = WRK_RE["sockerr"].search(out)
    r["sockerr"] = m.group(1).strip() if m else ""
    m = WRK_RE["transfer"].search(out)
    r["bytes_per_req"] = wrk_bytes(m.group(1)) / r["rps"] if m and r["rps"] else 0
    m = WRK_RE["requests"].search(out)
    r["requests"] = int(m.group(1)) if m else 0
    return r


NGINX_CONF = """worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    default_type text/html;
    charset utf-8;
    gzip_static on;
    gzip_vary on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def bench_wrk(work, demo_db, res):
    aid, path, ncomments = most_commented(demo_db)
    srv = Byline(demo_db, errlog=os.path.join(work, "byline-wrk.err"))
    try:
        c = Client(srv.port)
        st, h, plain, _ = c.get(path)
        assert st == 200, "byline answered %d for %s" % (st, path)
        st, h, gz, _ = c.get(path, {"Accept-Encoding": "gzip"})
        assert st == 200 and h.get("Content-Encoding") == "gzip", "no gzip form from byline"
        assert gzip.decompress(gz) == plain, "byline's gzip form is not its plain page"
        c.close()
        www = os.path.join(work, "www")
        os.makedirs(www + path)
        with open(www + path + "index.html", "wb") as f:
            f.write(plain)
        with open(www + path + "index.html.gz", "wb") as f:
            f.write(gz)
        ndir = os.path.join(work, "nginx")
        os.makedirs(ndir)
        nport = free_port()
        conf = os.path.join(ndir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=ndir, port=nport, root=www))
        for d in (work, www):  # nginx's worker runs as an unprivileged user
            os.chmod(d, 0o755)
        for dp, dn, fn in os.walk(www):
            for x in dn:
                os.chmod(os.path.join(dp, x), 0o755)
            for x in fn:
                os.chmod(os.path.join(dp, x), 0o644)
        ngx = spawn(["nginx", "-e", os.path.join(ndir, "error.log"), "-p", ndir + "/", "-c", conf],
                    SERVER_CPU, stdout=subprocess.DEVNULL, stderr=open(os.path.join(ndir, "stderr"), "wb"))
        try:
            wait_port(nport)
            c = Client(nport)
            st, h, nplain, _ = c.get(path)
            assert st == 200 and nplain == plain, "nginx serves other bytes"
            st, h, ngz, _ = c.get(path, {"Accept-Encoding": "gzip"})
            assert st == 200 and h.get("Content-Encoding") == "gzip" and ngz == gz, \
                "nginx does not serve byline's gzip bytes"
            c.close()
            res["page"] = {"path": path, "plain": len(plain), "gzip": len(gz), "comments": ncomments}
            cells = []
            for conns in (32, 256):
                if str(conns) not in WRK_CELLS:
                    continue
                for enc in ("identity", "gzip"):
                    hdr = ["Accept-Encoding: gzip"] if enc == "gzip" else []
                    burl = "http://127.0.0.1:%d%s" % (srv.port, path)
                    nurl = "http://127.0.0.1:%d%s" % (nport, path)
                    wrk(burl, conns, WARM, hdr)
                    wrk(nurl, conns, WARM, hdr)
                    b, n = [], []
                    for i in range(RUNS):  # alternate, so drift hits both alike
                        b.append(wrk(burl, conns, SECS, hdr))
                        n.append(wrk(nurl, conns, SECS, hdr))
                    cell = {"conns": conns, "enc": enc, "byline": summarize(b), "nginx": summarize(n)}
                    cells.append(cell)
                    log("wrk %d conns %s: byline %.0f req/s p99 %.2f ms, nginx %.0f req/s p99 %.2f ms"
                        % (conns, enc, cell["byline"]["rps"], cell["byline"]["p99"],
                           cell["nginx"]["rps"], cell["nginx"]["p99"]))
            if "proxy" in WRK_CELLS:
                cells.append(proxy_cell(work, demo_db, path, nport))
            res["wrk"] = cells
        finally:
            stop(ngx, signal.SIGQUIT)
    finally:
        srv.stop()


def proxy_cell(work, demo_db, path, nport):
    """The proxy shape: 256 keep-alive connections from one address (the
    proxy), each request naming its reader in X-Forwarded-For; byline with
    --trust-proxy and its default per-address cap (32), nginx as before."""
    srv = Byline(demo_db, "--trust-proxy", serve_flags=EXTRA_FLAGS,
                 errlog=os.path.join(work, "byline-proxy.err"))
    try:
        script = os.path.join(ROOT, "bench/proxy.lua")
        burl = "http://127.0.0.1:%d%s" % (srv.port, path)
        nurl = "http://127.0.0.1:%d%s" % (nport, path)
        wrk(burl, 256, WARM, script=script)
        wrk(nurl, 256, WARM, script=script)
        b, n = [], []
        for i in range(RUNS):
            b.append(wrk(burl, 256, SECS, script=script))
            n.append(wrk(nurl, 256, SECS, script=script))
        cell = {"conns": 256, "enc": "proxy", "byline": summarize(b), "nginx": summarize(n)}
        log("wrk 256 conns behind a proxy: byline %.0f req/s p99 %.2f ms (non-2xx %d, socket "
            "errors %s), nginx %.0f req/s p99 %.2f ms; ratio %.2f"
            % (cell["byline"]["rps"], cell["byline"]["p99"], sum(r["non2xx"] for r in b),
               [r["sockerr"] for r in b], cell["nginx"]["rps"], cell["nginx"]["p99"],
               cell["byline"]["rps"] / cell["nginx"]["rps"] if cell["nginx"]["rps"] else 0))
        return cell
    finally:
        srv.stop()


ENC_NAMES = {"identity": "plain", "gzip": "gzip",
             "proxy": "plain, behind a proxy (--trust-proxy, bench/proxy.lua)"}
ENC_HEADER = {"identity": "(none)", "gzip": "gzip",
              "proxy": "(none); one address, X-Forwarded-For per request, byline --trust-proxy"}


def summarize(runs):
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "rps_all": [r["rps"] for r in runs],
        "p99_all": [r["p99"] for r in runs],
        "non2xx": sum(r["non2xx"] for r in runs),
        "sockerr": "; ".join(sorted({r["sockerr"] for r in runs if r["sockerr"]})),
        "bytes_per_req": statistics.median(r["bytes_per_req"] for r in runs),
    }


# ---- 2. comment posting ----

def form_token(db, article_id, age=10):
    secret = bytes.fromhex(sql(db, "SELECT value FROM settings WHERE key='secret'")[0][0])
    ts = int(time.time()) - age
    mac = hmac.new(secret, ("form|%d|%d" % (article_id, ts)).encode(), hashlib.sha256)
    return "%d.%s" % (ts, mac.hexdigest()[:32])


def bench_posting(work, demo_db, res):
    aid, path, _ = most_commented(demo_db)
    runs = []
    for i in range(RUNS):
        db = os.path.join(work, "post-%d.db" % i)
        shutil.copy(demo_db, db)
        for k in ("comment_flood_seconds", "comment_min_seconds"):
            run([BYLINE, "settings", "--db", db, "set", k, "0"], 30)
        srv = Byline(db, "--trust-proxy", errlog=os.path.join(work, "byline-post.err"))
        try:
            token = form_token(db, aid)
            c = Client(srv.port)
            probe = urllib.parse.urlencode({
                "comment": "A probe before the benchmark run %d" % i, "author": "Bench Reader",
                "email": "bench@example.com", "url": "", "comment_parent": "0", "byline_hp": "",
                "byline_token": token})
            st = c.post(path, probe, {"Content-Type": "application/x-www-form-urlencoded",
                                      "X-Forwarded-For": "192.0.2.1"})
            c.close()
            assert st == 303, "the probe comment was answered %d" % st
            before = sql(db, "SELECT count(*) FROM comments")[0][0]
            r = wrk("http://127.0.0.1:%d%s" % (srv.port, path), 32, SECS,
                    script=POST_LUA, script_args=[path, token, str(i)])
        finally:
            # A crash, not a clean stop: what is on disk now is what a 303 promised.
            srv.stop(signal.SIGKILL)
        after = sql(db, "SELECT count(*) FROM comments")[0][0]
        statuses = dict((int(k), int(v)) for k, v in re.findall(r"(\d+)=(\d+)", r["raw"].split("statuses", 1)[1].split("\n", 1)[0]))
        dur = int(re.search(r"duration_us (\d+)", r["raw"]).group(1)) / 1e6
        one = {"rows": after - before, "seconds": dur, "rate": (after - before) / dur,
               "s303": statuses.get(303, 0), "statuses": statuses, "p50": r["p50"], "p99": r["p99"]}
        runs.append(one)
        log("posting run %d: %d rows in %.1f s = %.0f/s (303s: %d, statuses %s)"
            % (i, one["rows"], dur, one["rate"], one["s303"], statuses))
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.unlink(f)
    res["posting"] = {"runs": runs, "rate": statistics.median(r["rate"] for r in runs),
                      "path": path,
                      "fs": subprocess.run(["stat", "-f", "-c", "%T", work], capture_output=True,
                                           text=True).stdout.strip()}


# ---- 3. cold start ----

def first_200(port, deadline):
    """Connect + GET / every 1 ms until a 200 (or the deadline); returns when it is read."""
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port
    while time.monotonic() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), 1)
            s.settimeout(5)
            s.sendall(req)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
            if data.startswith(b"HTTP/1.1 200"):
                return True
        except OSError:
            pass
        time.sleep(0.001)
    return False


def bench_cold(work, demo_db, res):
    db = os.path.join(work, "cold.db")
    shutil.copy(demo_db, db)
    times = []
    for i in range(6):  # the first, unmeasured, warms the OS's file cache
        t0 = time.monotonic()
        p = spawn([BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet",
                   "--data", DATA_DIR], SERVER_CPU,
                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            port = read_port(p, 10)
            t_port = time.monotonic() - t0
            ok = first_200(port, time.monotonic() + 10)
            t = time.monotonic() - t0
            assert ok, "no 200 on / within 10 s"
        finally:
            stop(p)
            p.stdout.close()
        if i:
            times.append((t, t_port))
    res["cold"] = {"runs": [ms(t) for t, _ in times], "ports": [ms(tp) for _, tp in times],
                   "median": ms(statistics.median(t for t, _ in times))}
    log("cold start: %s ms" % ", ".join("%.1f" % ms(t) for t, _ in times))


# ---- 4. resident memory ----

def page_kind(u):
    if "feed/" in u or "sitemap" in u:
        return "feeds, sitemaps"
    if re.match(r"^/\d{4}/\d\d/\d\d/[^/]+/$", u):
        return "articles"
    if u == "/" or u.startswith("/page/"):
        return "home pages"
    return "archives (section, tag, author, date)"


def warm_up(port, urls, budget):
    """Requests urls once each, in order, until done or budget seconds pass."""
    c = Client(port)
    statuses, kinds = {}, {}
    t = time.monotonic()
    for u in urls:
        if time.monotonic() - t > budget:
            break
        st, _, _, dt = c.get(u)
        statuses[st] = statuses.get(st, 0) + 1
        kinds.setdefault(page_kind(u), []).append(ms(dt))
    c.close()
    return statuses, time.monotonic() - t, kinds


def default_cache_mb(work):
    """The page cache bound a new site gets from this binary (the fresh demo's)."""
    return int(sql(os.path.join(work, "demo.db"),
                   "SELECT value FROM settings WHERE key = 'cache_max_mb'")[0][0])


def bench_rss(work, db, label, res):
    # A site keeps the settings it was made with: give the generated one
    # today's default, as a new site would have.
    run([BYLINE, "settings", "--db", db, "set", "cache_max_mb", str(res["cache_mb"])], 60)
    urls = site_urls(db, 2000)
    out = {}
    for mode, flags in (("cache", []), ("nocache", ["--no-cache"])):
        srv = Byline(db, *flags, errlog=os.path.join(work, "byline-rss.err"))
        try:
            statuses, secs, kinds = warm_up(srv.port, urls, WARMUP_BUDGET)
            out[mode] = dict(srv.status(), statuses=statuses, seconds=secs, urls=len(urls),
                             done=sum(statuses.values()), kinds=kinds)
        finally:
            srv.stop()
        log("rss %s %s: %s" % (label, mode, {k: v for k, v in out[mode].items() if k != "kinds"}))
    res.setdefault("rss", {})[label] = out


# ---- 5. issue 4 on the large site ----

def timed(c, path, n, warm, budget=None):
    """n sequential GETs of path after warm unmeasured ones; stops early (at
    least 5 measured) once budget seconds have passed."""
    budget = budget or TIMED_BUDGET
    start = time.monotonic()
    for _ in range(warm):
        c.get(path)
        if time.monotonic() - start > budget / 4:
            break
    t, statuses, size = [], {}, 0
    for _ in range(n):
        st, _, body, dt = c.get(path)
        statuses[st] = statuses.get(st, 0) + 1
        size = len(body)
        t.append(ms(dt))
        if len(t) >= 5 and time.monotonic() - start > budget:
            break
    return {"path": path, "n": len(t), "p50": pct(t, 50), "p95": pct(t, 95), "max": max(t),
            "statuses": statuses, "bytes": size}


def bench_issue4(work, db, label, res):
    n_articles = sql(db, "SELECT count(*) FROM articles WHERE status='published'")[0][0]
    per_page = 10
    aid, apath, acomments = most_commented(db)
    sec = sql(db, "SELECT s.slug, count(*) FROM articles a JOIN sections s ON s.id=a.section_id"
                  " WHERE a.status='published' GROUP BY s.id ORDER BY s.id LIMIT 1")[0]
    deep_home = max(1, n_articles // per_page // 2)
    deep_sec = max(1, sec[1] // per_page // 2)
    rng = random.Random(4)
    ids = sql(db, "SELECT id FROM articles WHERE status='published' ORDER BY id")
    sample = [ids[i][0] for i in sorted(rng.sample(range(len(ids)), min(100, len(ids))))]
    words = []
    for aid_ in sample:
        h = sql(db, "SELECT headline FROM articles WHERE id=?", (aid_,))[0][0]
        words += re.findall(r"[a-z]+", h.lower())
    pool = sorted(set(words))
    rng.shuffle(pool)
    # The real words, then two single words for each pair of words (a pair
    # matches both: far fewer articles, the rare end of the mix).
    queries = ["harbour", "lighthouse", "council"]
    i = 0
    while len(queries) < 200 and pool:
        if len(queries) % 3 == 2:
            q = "%s %s" % (pool[i % len(pool)], pool[(i * 7 + 3) % len(pool)])
        else:
            q = pool[i % len(pool)]
        i += 1
        if q not in queries or i > 1000:
            queries.append(q)
    # How many articles each query matches, from the full-text index.
    freq = {}
    t_end = time.monotonic() + 90
    for q in queries:
        if time.monotonic() > t_end:
            break
        # As byline asks (search_terms(): the last word also as a prefix).
        fts = " ".join('"%s"' % w for w in q.split()) + ("*" if len(q.split()[-1]) >= 3 else "")
        freq[q] = sql(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (fts,))[0][0]
    srv = Byline(db, "--no-cache", errlog=os.path.join(work, "byline-issue4.err"))
    out = {"label": label, "articles": n_articles}
    try:
        c = Client(srv.port)
        for q in queries[:5]:
            c.get("/search/?q=" + urllib.parse.quote_plus(q))
        st_all, ts = {}, []
        t_search = time.monotonic()
        for q in queries:
            if len(ts) >= 20 and time.monotonic() - t_search > 2 * TIMED_BUDGET:
                break
            st, _, _, dt = c.get("/search/?q=" + urllib.parse.quote_plus(q))
            st_all[st] = st_all.get(st, 0) + 1
            ts.append((q, ms(dt)))
        times = [t for _, t in ts]
        bands = []
        for lo, hi, name in ((0, 0.01, "under 1% of articles"), (0.01, 0.10, "1–10%"),
                             (0.10, 2, "over 10%")):
            b = [t for q, t in ts if q in freq and lo * n_articles <= freq[q] < hi * n_articles]
            bands.append((name, len(b), pct(b, 50) if b else 0, pct(b, 95) if b else 0))
        out["search"] = {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95),
                         "max": max(times), "statuses": st_all, "bands": bands,
                         "pairs": sum(1 for q in queries if " " in q),
                         "slowest": sorted(ts, key=lambda x: -x[1])[:5],
                         "freq": {q: freq.get(q) for q, _ in sorted(ts, key=lambda x: -x[1])[:5]}}
        log("search: %s" % {k: v for k, v in out["search"].items() if k != "slowest"})
        out["render"] = [
            dict(timed(c, "/", 100, 10), name="home page"),
            dict(timed(c, "/page/%d/" % deep_home, 100, 10), name="deep home page"),
            dict(timed(c, "/category/%s/page/%d/" % (sec[0], deep_sec), 100, 10),
                 name="deep section page"),
            dict(timed(c, apath, 100, 10), name="article (%d comments)" % acomments),
        ]
        for r in out["render"]:
            log("render %s: p50 %.2f p95 %.2f ms %s" % (r["path"], r["p50"], r["p95"], r["statuses"]))
        out["feeds"] = [dict(timed(c, p, 50, 5), name=p) for p in ("/feed/", "/feed/atom/", "/feed/json/")]
        for r in out["feeds"]:
            log("feed %s: p50 %.2f ms %s" % (r["path"], r["p50"], r["statuses"]))
        c.close()
    finally:
        srv.stop()
    res["issue4"] = out


# ---- the report ----

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def verdict(ok, miss):
    return "**met**" if ok else "missed: %s" % miss


def write_report(res, env):
    L = []
    w = L.append
    w("# Benchmark results")
    w("")
    w("Written by `make bench` (`bench/run.sh` → `bench/bench.py`); do not edit by hand.")
    w("")
    for k, v in env.items():
        w("- %s: %s" % (k, v))
    w("")
    # Summary
    w("## Summary")
    w("")
    w("| figure | measured | target | verdict |")
    w("|---|---:|---:|---|")
    for cell in res.get("wrk", []):
        b, n = cell["byline"], cell["nginx"]
        rr = b["rps"] / n["rps"] if n["rps"] else 0
        pr = b["p99"] / n["p99"] if n["p99"] else float("inf")
        name = "%d conns, %s" % (cell["conns"], ENC_NAMES[cell["enc"]])
        w("| req/s byline/nginx, %s | %.2f | ≥ 1.0 | %s |" % (
            name, rr, verdict(rr >= 1.0, "byline reaches %.0f%% of nginx's req/s" % (rr * 100))))
        w("| p99 byline/nginx, %s | %.2f | ≤ 1.2 | %s |" % (
            name, pr, verdict(pr <= 1.2, "%.1f× the allowed p99 (%.2f ms vs %.2f ms allowed)"
                              % (pr / 1.2, b["p99"], 1.2 * n["p99"]))))
    if "posting" in res:
        r = res["posting"]["rate"]
        w("| comments committed a second (32 conns) | %.0f | ≥ 1,000 | %s |" % (
            r, verdict(r >= 1000, "%.0f%% of the target (%.1f× short)" % (r / 10, 1000 / r if r else 0))))
    if "cold" in res:
        m = res["cold"]["median"]
        w("| cold start to first 200 on / (median of 5) | %.1f ms | ≤ 50 ms | %s |" % (
            m, verdict(m <= 50, "%.1f ms over (%.1f×)" % (m - 50, m / 50))))
    for label, target in (("1,000 articles", 30), ("100,000 articles", 150)):
        r = res.get("rss", {}).get(label)
        if r:
            mb = r["cache"]["VmRSS"] * 1024 / 1e6
            cut = "" if r["cache"]["done"] == r["cache"]["urls"] else \
                " (only %d pages fit the %d s budget)" % (r["cache"]["done"], WARMUP_BUDGET)
            w("| RSS after ~2,000 pages, %s%s | %.1f MB | ≤ %d MB | %s |" % (
                label, cut, mb, target,
                verdict(mb <= target, "%.1f MB over (%.1f×)" % (mb - target, mb / target))))
    i4 = res.get("issue4")
    if i4:
        tag = "" if i4["articles"] >= 100000 else " (%s)" % i4["label"]
        p = i4["search"]["p95"]
        w("| search p95, %d queries%s | %.2f ms | ≤ 10 ms | %s |" % (
            i4["search"]["n"], tag, p, verdict(p <= 10, "%.2f ms over (%.1f×)" % (p - 10, p / 10))))
        for r in i4["render"]:
            for q in ("p50", "p95"):
                w("| cache-miss render %s, %s `%s`%s | %.2f ms | ≤ 2 ms | %s |" % (
                    q, r["name"], r["path"], tag, r[q],
                    verdict(r[q] <= 2, "%.2f ms over (%.1f×)" % (r[q] - 2, r[q] / 2))))
        for r in i4["feeds"]:
            w("| feed generation p50 `%s`%s | %.2f ms | – | – |" % (r["path"], tag, r["p50"]))
    w("")
    # 1
    if "wrk" in res:
        pg = res["page"]
        w("## 1. Article page: byline against nginx serving the same bytes")
        w("")
        w("Page `%s` (the demo article with the most comments, %d approved): %d bytes plain, "
          "%d bytes gzip (byline's own gzip form, stored as `index.html.gz` for nginx's "
          "`gzip_static on`). byline runs with its page cache (the default, %d MB): after the "
          "warm-up every request is a hit. nginx 1 worker; byline one event loop serving the hits; both on core %d; "
          "wrk -t1 (one thread: the client has one core) on core %d; %d s per run after a %d s warm-up of each server; median of %d "
          "runs, alternating byline and nginx." % (pg["path"], pg["comments"], pg["plain"], pg["gzip"], res["cache_mb"],
                                                   SERVER_CPU, CLIENT_CPU, SECS, WARM, RUNS))
        w("")
        w("| conns | Accept-Encoding | byline req/s | nginx req/s | **ratio req/s** | byline p50 ms | nginx p50 ms "
          "| byline p99 ms | nginx p99 ms | **ratio p99** |")
        w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for cell in res["wrk"]:
            b, n = cell["byline"], cell["nginx"]
            w("| %d | %s | %.0f | %.0f | **%.2f** | %.2f | %.2f | %.2f | %.2f | **%.2f** |" % (
                cell["conns"], ENC_HEADER[cell["enc"]], b["rps"], n["rps"],
                b["rps"] / n["rps"], b["p50"], n["p50"], b["p99"], n["p99"], b["p99"] / n["p99"]))
        w("")
        w("Every run (req/s; p99 ms), and bytes a response (wrk's Transfer/sec ÷ req/s, headers included):")
        w("")
        for cell in res["wrk"]:
            b, n = cell["byline"], cell["nginx"]
            w("- %d conns, %s: byline %s; %s (%.0f B/resp%s); nginx %s; %s (%.0f B/resp%s)" % (
                cell["conns"], cell["enc"],
                " ".join("%.0f" % x for x in b["rps_all"]), " ".join("%.2f" % x for x in b["p99_all"]),
                b["bytes_per_req"], errs(b),
                " ".join("%.0f" % x for x in n["rps_all"]), " ".join("%.2f" % x for x in n["p99_all"]),
                n["bytes_per_req"], errs(n)))
        w("")
    if "posting" in res:
        p = res["posting"]
        w("## 2. Comment posting")
        w("")
        w("wrk -t1 -c32 with `bench/post.lua` POSTs a distinct comment (valid form token, distinct "
          "X-Forwarded-For) to `%s` on a copy of the demo site with `comment_flood_seconds 0` and "
          "`comment_min_seconds 0`, server started with `--trust-proxy`. The server writes with "
          "SQLite WAL and `synchronous=FULL`, so a 303 means committed. After each run the "
          "server is killed with SIGKILL (a crash, not a clean stop) and the comments table is "
          "counted: rate = rows added ÷ wrk's run time. Filesystem of the database: %s."
          % (p["path"], p["fs"]))
        w("")
        w("| run | rows added | 303 answers | other answers | seconds | comments/s | p50 ms | p99 ms |")
        w("|---:|---:|---:|---|---:|---:|---:|---:|")
        for i, r in enumerate(p["runs"]):
            other = ", ".join("%d×%d" % (v, k) for k, v in sorted(r["statuses"].items()) if k != 303) or "none"
            w("| %d | %d | %d | %s | %.2f | %.0f | %.2f | %.2f |" % (
                i + 1, r["rows"], r["s303"], other, r["seconds"], r["rate"], r["p50"], r["p99"]))
        w("")
        durable = all(r["rows"] >= r["s303"] for r in p["runs"])
        refused = sum(v for r in p["runs"] for k, v in r["statuses"].items() if k != 303)
        w("Median: **%.0f comments a second**. %s%s" % (
            p["rate"],
            "Every 303 has its row on disk after the crash (rows ≥ 303s: a row whose 303 was "
            "still in flight when wrk stopped counts too)." if durable else
            "**Rows missing after the crash: fewer rows than 303 answers.**",
            "" if not refused else " %d posts were refused (not 303): the rate is not the "
            "server's capacity while it refuses." % refused))
        w("")
    if "cold" in res:
        c = res["cold"]
        w("## 3. Cold start")
        w("")
        w("From spawning `byline serve --db demo.db --listen 127.0.0.1:0 --quiet` (demo site already "
          "created, one unmeasured start first) to reading the first 200 on `/` (connect + GET, "
          "retried every 1 ms; the first request renders: the page cache starts empty). "
          "Runs: %s ms (address printed after %s ms). **Median %.1f ms.**" % (
              ", ".join("%.1f" % x for x in c["runs"]), ", ".join("%.1f" % x for x in c["ports"]),
              c["median"]))
        w("")
    if "rss" in res:
        w("## 4. Resident memory")
        w("")
        w("`byline serve` on a generated site (`gensite DB ARTICLES COMMENTS`), then ~2,000 distinct "
          "pages requested once each on one keep-alive connection (articles across the archive, "
          "home pages, section/tag/author/date archives, feeds, sitemaps), then VmRSS (and the peak, "
          "VmHWM) read from /proc/PID/status (MB = 10⁶ bytes). With the page cache (default, "
          "`cache_max_mb` %d) and with `--no-cache`, to show what the cache holds; the warm-up "
          "time is what 2,000 cache misses cost (with the cache, each also stores gzip and "
          "brotli forms)." % res["cache_mb"])
        w("")
        w("The warm-up stops after %d s (`max(30, 9 × BENCH_SECONDS)`); a row says how many of "
          "the pages it reached." % WARMUP_BUDGET)
        w("")
        w("| site | cache | pages requested | answers | warm-up s | VmRSS MB | VmHWM MB |")
        w("|---|---|---:|---|---:|---:|---:|")
        for label, out in res["rss"].items():
            for mode in ("cache", "nocache"):
                r = out[mode]
                w("| %s | %s | %d of %d | %s | %.1f | %.1f | %.1f |" % (
                    label, "%d MB (default)" % res["cache_mb"] if mode == "cache" else "--no-cache", r["done"], r["urls"],
                    ", ".join("%d×%d" % (v, k) for k, v in sorted(r["statuses"].items())), r["seconds"],
                    r["VmRSS"] * 1024 / 1e6, r["VmHWM"] * 1024 / 1e6))
        w("")
        w("Each warm-up page was a miss; its time by kind of page (ms, client side):")
        w("")
        w("| site | cache | kind | pages | mean ms | p95 ms | max ms |")
        w("|---|---|---|---:|---:|---:|---:|")
        for label, out in res["rss"].items():
            for mode in ("cache", "nocache"):
                for kind, t in sorted(out[mode]["kinds"].items()):
                    w("| %s | %s | %s | %d | %.2f | %.2f | %.2f |" % (
                        label, "%d MB" % res["cache_mb"] if mode == "cache" else "--no-cache", kind, len(t),
                        statistics.mean(t), pct(t, 95), max(t)))
        w("")
    if i4:
        s = i4["search"]
        w("## 5. Search, cache-miss renders, feeds (%s)" % i4["label"])
        w("")
        w("`byline serve --no-cache` on the generated site; this script's client (python "
          "http.client, one keep-alive connection, sequential, on core %d) times each request "
          "from send to the last body byte, so ~0.1 ms of loopback HTTP is included." % CLIENT_CPU)
        w("")
        w("**Search**: %d sequential queries `/search/?q=…`: \"harbour\", \"lighthouse\", \"council\", "
          "then words from 100 real headlines (articles picked with a fixed seed), one query in three "
          "a pair of them (%d pairs: both words must match, so far fewer articles); 5 unmeasured "
          "first. p50 %.2f ms, **p95 %.2f ms**, max %.2f ms; answers %s. Slowest: %s." % (
              s["n"], s["pairs"], s["p50"], s["p95"], s["max"],
              ", ".join("%d×%d" % (v, k) for k, v in sorted(s["statuses"].items())),
              ", ".join("\"%s\" %.1f ms (%s matches)" % (q, t, s["freq"].get(q)) for q, t in s["slowest"])))
        w("")
        w("| queries matching | queries | p50 ms | p95 ms |")
        w("|---|---:|---:|---:|")
        for name, n, p50, p95 in s["bands"]:
            w("| %s | %d | %.2f | %.2f |" % (name, n, p50, p95))
        w("")
        w("**Cache-miss renders** (100 requests each after 10 unmeasured, or as many as fit "
          "in %d s):" % TIMED_BUDGET)
        w("")
        w("| page | path | bytes | requests | p50 ms | p95 ms | max ms | target |")
        w("|---|---|---:|---:|---:|---:|---:|---|")
        for r in i4["render"]:
            w("| %s | `%s` | %d | %d | %.2f | %.2f | %.2f | ≤ 2 ms: %s |" % (
                r["name"], r["path"], r["bytes"], r["n"], r["p50"], r["p95"], r["max"],
                "met" if r["p95"] <= 2 else ("p50 met, p95 missed" if r["p50"] <= 2 else "missed")))
        w("")
        w("**Feeds, uncached** (50 requests each after 5 unmeasured):")
        w("")
        w("| feed | bytes | requests | p50 ms | p95 ms |")
        w("|---|---:|---:|---:|---:|")
        for r in i4["feeds"]:
            w("| `%s` | %d | %d | %.2f | %.2f |" % (r["path"], r["bytes"], r["n"], r["p50"], r["p95"]))
        w("")
    w("## How to reproduce")
    w("")
    w("```sh")
    w("tools/install-deps.sh bench   # nginx-light, wrk (Debian 12)")
    w("make bench                    # = make byline build/bench/gensite && GENSITE=build/bench/gensite sh bench/run.sh")
    w("BENCH_SECONDS=3 BENCH_RUNS=1 BENCH_QUICK=1 make bench   # a quick check (no 100,000-article site)")
    w("```")
    w("")
    w("What the script runs (PORT is what the server printed; `taskset -c 0` for servers, "
      "`taskset -c 1` for clients):")
    w("")
    w("```sh")
    for cmd in env_commands():
        w(cmd)
    w("```")
    w("")
    w("Generated sites are cached in `bench/out/` (gitignored) as "
      "`site-ARTICLES-COMMENTS-vSCHEMA-GENSITEHASH.db`, so later runs skip the generation.")
    w("")
    with open(OUT + ".tmp", "w") as f:
        f.write("\n".join(L))
    os.replace(OUT + ".tmp", OUT)


def errs(s):
    e = []
    if s["non2xx"]:
        e.append("%d non-2xx" % s["non2xx"])
    if s["sockerr"]:
        e.append("socket errors: " + s["sockerr"])
    return (", " + ", ".join(e)) if e else ""


def env_commands():
    return [
        "./byline demo --db demo.db",
        "taskset -c 0 ./byline serve --db demo.db --listen 127.0.0.1:0 --quiet --max-conns-per-ip 0",
        "curl -s http://127.0.0.1:PORT/ARTICLE/ > www/ARTICLE/index.html",
        "curl -s -H 'Accept-Encoding: gzip' http://127.0.0.1:PORT/ARTICLE/ > www/ARTICLE/index.html.gz",
        "taskset -c 0 nginx -p DIR/ -c DIR/nginx.conf   # worker_processes 1; gzip_static on; root www",
        "taskset -c 1 wrk -t1 -c{32,256} -d%ds --latency --timeout 5s [-H 'Accept-Encoding: gzip'] URL" % SECS,
        "./byline settings --db post.db set comment_flood_seconds 0",
        "./byline settings --db post.db set comment_min_seconds 0",
        "taskset -c 0 ./byline serve --db post.db --listen 127.0.0.1:0 --quiet --max-conns-per-ip 0 --trust-proxy",
        "taskset -c 1 wrk -t1 -c32 -d%ds --latency --timeout 5s -s bench/post.lua URL -- ARTICLE TOKEN RUN" % SECS,
        "build/bench/gensite site-1000.db 1000 10000",
        "build/bench/gensite site-100000.db 100000 1000000",
        "taskset -c 0 ./byline serve --db site-N.db --listen 127.0.0.1:0 --quiet --max-conns-per-ip 0 [--no-cache]",
        "grep -E 'VmRSS|VmHWM' /proc/PID/status",
    ]


def wait_for_quiet():
    if WAIT_LOAD <= 0:
        return
    deadline = time.monotonic() + WAIT_LOAD
    while time.monotonic() < deadline:
        load = os.getloadavg()[0]
        if load < 1.0:
            return
        log("load average %.2f: waiting for it to fall below 1" % load)
        time.sleep(min(30, max(1, deadline - time.monotonic())))


def main():
    global BYLINE, GENSITE, DATA_DIR
    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    for tool in (BYLINE, GENSITE):
        if not os.access(tool, os.X_OK):
            sys.exit("bench: %s is missing: run `make bench`" % tool)
    for tool in ("nginx", "wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit("bench: %s is missing: tools/install-deps.sh bench" % tool)
    wait_for_quiet()
    os.sched_setaffinity(0, {CLIENT_CPU})  # this script is a client too
    res = {}
    work = tempfile.mkdtemp(prefix="byline-bench.")
    # Snapshots: a rebuild while the benchmark runs must not change what it measures.
    for name in ("BYLINE", "GENSITE"):
        snap = os.path.join(work, os.path.basename(globals()[name]))
        shutil.copy2(globals()[name], snap)
        globals()[name] = snap
    DATA_DIR = os.path.join(work, "data")  # uploads folder, away from bench/out
    load0 = os.getloadavg()
    rev = sh("git -C %s rev-parse --short HEAD" % ROOT)
    dirty = sh("git -C %s status --porcelain -- src templates static Makefile" % ROOT)
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    env = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": "%s, %d cores, %s, %s" % (
            cpu or "?", NCPU, sh("awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo"),
            sh("uname -sr")),
        "byline": "%s%s (binary sha1 %s)" % (rev, " + uncommitted changes in src/" if dirty else "",
                                              sh("sha1sum %s | cut -c1-12" % BYLINE)),
        "versions": "%s; %s; SQLite %s; %s; Python %s" % (
            sh("nginx -v 2>&1 | sed 's/^nginx version: //'"), sh("wrk -v 2>&1 | head -1 | cut -d' ' -f1-2"),
            sh("pkg-config --modversion sqlite3"),
            sh("gcc --version | head -1"), sys.version.split()[0]),
        "settings": "BENCH_SECONDS=%d BENCH_RUNS=%d%s; servers on core %d, clients on core %d;"
                    " every `byline serve` gets %s" % (
            SECS, RUNS, (" BENCH_QUICK=1" if QUICK else "") + (
                " BENCH_PARTS=%s" % os.environ["BENCH_PARTS"] if os.environ.get("BENCH_PARTS") else ""), SERVER_CPU, CLIENT_CPU,
            "`%s` (the proxy cell: `--trust-proxy%s` and the default per-address cap)"
            % (" ".join(SERVE_FLAGS), "".join(" " + f for f in EXTRA_FLAGS))),
    }
    try:
        demo = os.path.join(work, "demo.db")
        run([BYLINE, "demo", "--db", demo], 60)
        # One start and stop, so the database is exactly what a running site has.
        Byline(demo).stop()
        res["cache_mb"] = default_cache_mb(work)
        if "wrk" in PARTS:
            part("1. wrk: byline against nginx")
            bench_wrk(work, demo, res)
        if "post" in PARTS:
            part("2. comment posting")
            bench_posting(work, demo, res)
        if "cold" in PARTS:
            part("3. cold start")
            bench_cold(work, demo, res)
        small = None
        if "rss" in PARTS:
            part("4. resident memory")
            small, _ = cached_site(*SMALL)
            bench_rss(work, small, "1,000 articles", res)
        if not QUICK:
            large, _ = cached_site(*LARGE)
            if "rss" in PARTS:
                part("4b. resident memory, 100,000 articles")
                bench_rss(work, large, "100,000 articles", res)
            if "render" in PARTS:
                part("5. search, renders, feeds on the 100,000-article site")
                bench_issue4(work, large, "100,000 articles, 1,000,000 comments", res)
        elif "render" in PARTS:
            small = small or cached_site(*SMALL)[0]
            part("5. search, renders, feeds on the 1,000-article site (QUICK)")
            bench_issue4(work, small, "1,000 articles, 10,000 comments (QUICK run)", res)
    finally:
        stop_all()
        load1 = os.getloadavg()
        env["load average"] = ("1 min, %.2f at the start, %.2f at the end; when each part began: %s "
                               "(the benchmark itself adds up to 2; more is other work on the machine)" % (
            load0[0], load1[0], ", ".join("%s %.2f" % (n.split(". ")[0], l) for n, l in LOADS)))
        env["run time"] = "%.0f s" % (time.monotonic() - T_START)
        try:
            write_report(res, env)
            log("wrote %s" % OUT)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    with open(OUT) as f:
        print(f.read())


if __name__ == "__main__":
    main()
