#!/usr/bin/python3
"""bench/pg_bench.py: issue 17's PostgreSQL benchmarks (1), (2) and (3).

    BYLINE_BIN=build/byline /usr/bin/python3 bench/pg_bench.py [render] [post] [mix]

(no part named: all three).  It starts its own PostgreSQL 15 cluster in a
temporary folder (unix socket only, as tests/pg_cluster.sh does, but with
fsync=on and synchronous_commit=on: a commit is on disk when it returns),
and every server and client it needs, and stops them all (by pid) at the
end.  Servers (byline, postgres, nginx) run on core 0, clients (wrk, this
script) on core 1, as bench/bench.py does.

(1) render: cache-miss renders, PostgreSQL against SQLite, the same pages.
    A site from bench/gensite (PGB_ARTICLES articles, default 10,000, and
    PGB_COMMENTS comments, default 100,000; or a copy of PGB_SITE, an SQLite
    site that is never written) is copied to PostgreSQL with `byline
    copy-db`; both are served with `byline serve --no-cache` (every request
    renders).  One keep-alive connection per server, sequential requests;
    per kind of page (home, article, section, tag, author, search, feed)
    the two servers take turns in rounds of 25 requests, PGB_RENDER_N
    (default 200) each, after one unmeasured pass.  p50/p99 per kind and
    engine, the ratio PostgreSQL/SQLite (target: at most 2.0), and the CPU
    time a request (byline, plus the postgres backends for PostgreSQL).

(2) post: durable comments a second.  The demo site, copied to PostgreSQL
    the same way, with comment_flood_seconds 0 and comment_min_seconds 0;
    `wrk -c PGB_POST_CONNS` (default 64) with bench/post.lua posts distinct
    comments for PGB_SECONDS (default 10) to one article, each from its own
    X-Forwarded-For address in its own /24 (post.lua's "nets").  The server
    is then killed with SIGKILL and the comment rows counted: rate = rows
    added / wrk's run time (a 303 is only sent after the commit).  SQLite,
    PostgreSQL (serve's default workers) and PostgreSQL with --threads 2
    take turns, PGB_RUNS (default 3) runs each; target on PostgreSQL: at
    least 1,000 a second.

(3) mix: the breaking-news mix, on one node (SQLite, PostgreSQL) and on two
    PostgreSQL nodes behind nginx (round robin, keep-alive upstream).  Reads:
    wrk -c32 over cached pages (home, five articles, a section), first alone
    for PGB_SECONDS, then for PGB_SECONDS while (a) 100 comments a second are
    posted (through nginx with two nodes; open loop: PGB_MIX_RATE, default
    95, each sent when due by a pool of connections whatever the answers'
    speed), and 5 a second besides are lag probes
    posted on node A whose article page is then polled on node B (on the
    same node with one) until the comment is on it, as bench/multinode_lag.py
    does, and (b) an editor signed in on the desk publishes an article every
    second (POST /admin/articles/new on A), whose headline is then polled on
    B's home page.  Reports read p99 in the mix against alone (target at most
    2x) and the invalidation lag p50/p99 (target p99 under 100 ms).

Environment: BYLINE_BIN (default ./byline), PG_BIN (folder of initdb and
pg_ctl), PGB_* above.  Prints the figures as Markdown tables; progress on
stderr.
"""
import hashlib
import hmac
import http.client
import os
import queue
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench as B  # noqa: E402  (wrk(), the nginx and port helpers, pinning, stop())

BYLINE = os.path.abspath(os.environ.get("BYLINE_BIN") or os.path.join(ROOT, "byline"))
GENSITE = os.environ.get("GENSITE") or os.path.join(ROOT, "build/bench/gensite")
ARTICLES = int(os.environ.get("PGB_ARTICLES") or 10000)
COMMENTS = int(os.environ.get("PGB_COMMENTS") or 100000)
SITE = os.environ.get("PGB_SITE")
RENDER_N = int(os.environ.get("PGB_RENDER_N") or 200)
SECS = int(os.environ.get("PGB_SECONDS") or 10)
RUNS = int(os.environ.get("PGB_RUNS") or 3)
POST_CONNS = int(os.environ.get("PGB_POST_CONNS") or 64)
POST_RATE = float(os.environ.get("PGB_MIX_RATE") or 95)  # the mix's comments a second
POSTERS = 24  # the mix's posting connections (open loop: each sends what is due)
SERVER_CPU, CLIENT_CPU = B.SERVER_CPU, B.CLIENT_CPU
T0 = time.monotonic()
OUT = []  # the report's lines


def log(msg):
    print("[%6.1fs] %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


def say(line=""):
    OUT.append(line)
    print(line, flush=True)


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))] if v else float("nan")


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


# ---- PostgreSQL ----

class Cluster:
    """A throwaway cluster in folder, durable (fsync and synchronous_commit
    on), its processes on the server core."""

    def __init__(self, folder):
        bins = sorted(d for d in os.environ.get("PG_BIN", "").split(":") if d) or sorted(
            "/usr/lib/postgresql/%s/bin" % v for v in os.listdir("/usr/lib/postgresql"))
        self.bin = bins[-1]
        self.dir = folder
        self.as_ = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_:
            shutil.chown(folder, "postgres")
            os.chmod(folder, 0o755)
        subprocess.run(self.as_ + [self.bin + "/initdb", "-D", folder + "/data", "-U", "byline",
                                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True, timeout=180)
        opts = ("-k %s -h '' -c fsync=on -c synchronous_commit=on -c max_connections=300 "
                "-c shared_buffers=256MB" % folder)
        subprocess.run(["taskset", "-c", str(SERVER_CPU)] + self.as_ + [
            self.bin + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w",
            "-t", "60", "-o", opts, "start"], check=True, capture_output=True, timeout=120)
        self.settings = self.psql("postgres",
                                  "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
                                  " FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit',"
                                  " 'wal_sync_method', 'commit_delay', 'full_page_writes',"
                                  " 'shared_buffers', 'server_version')")

    def url(self, name):
        return "postgresql:///%s?host=%s&user=byline" % (name, self.dir)

    def createdb(self, name):
        subprocess.run(self.as_ + [self.bin + "/createdb", "-h", self.dir, "-U", "byline", name],
                       check=True, capture_output=True, timeout=60)
        return self.url(name)

    def psql(self, name, query):
        p = subprocess.run(["psql", "-h", self.dir, "-U", "byline", "-d", name, "-At", "-c", query],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr)
        return p.stdout.strip()

    def cpu_ms(self):
        """CPU time (ms) of the postmaster and every process it started."""
        with open(self.dir + "/data/postmaster.pid") as f:
            pm = int(f.readline())
        total = 0
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(d) == pm or int(st[1]) == pm:
                total += int(st[11]) + int(st[12])
        return total * 1000 / os.sysconf("SC_CLK_TCK")

    def stop(self):
        subprocess.run(self.as_ + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m", "fast",
                                   "-w", "stop"], capture_output=True, timeout=120)


def cli(*args, timeout=900):
    p = subprocess.run([BYLINE] + list(args), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("byline %s: %s" % (" ".join(args[:3]), p.stderr[-1500:]))
    return p.stdout


def serve(db, data, *flags):
    """`byline serve` on the server core; a bench.Byline (port, pid, stop)."""
    B.DATA_DIR = data
    return B.Byline(db, *flags, serve_flags=["--max-conns-per-ip", "0"])


def cpu_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def secret(db, cluster=None):
    if cluster:
        return bytes.fromhex(cluster.psql(db, "SELECT value FROM settings WHERE key = 'secret'"))
    return bytes.fromhex(B.sql(db, "SELECT value FROM settings WHERE key='secret'")[0][0])


def form_token(key, article_id, age=10):
    ts = int(time.time()) - age
    mac = hmac.new(key, ("form|%d|%d" % (article_id, ts)).encode(), hashlib.sha256)
    return "%d.%s" % (ts, mac.hexdigest()[:32])


def get(c, path):
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    return r.status, body, time.perf_counter() - t


# ---- (1) cache-miss renders ----

def render_urls(db):
    """Pages of each kind on the SQLite site db: {kind: [path, ...]}."""
    tz = B.site_tz(db)
    arts = B.sql(db, "SELECT slug, published_at FROM articles WHERE status='published' ORDER BY id")
    step = max(1, len(arts) // 40)
    pub = " JOIN articles a ON a.%s AND a.status='published' GROUP BY x.id ORDER BY count(*) DESC"
    sections = [r[0] for r in B.sql(db, "SELECT x.slug FROM sections x" + pub % "section_id=x.id")]
    tags = [r[0] for r in B.sql(db, "SELECT x.slug FROM tags x JOIN article_tags t"
                                    " ON t.tag_id=x.id" + pub % "id=t.article_id")]
    authors = [r[0] for r in B.sql(db, "SELECT x.slug FROM users x" + pub % "author_id=x.id")]
    words = ["harbour", "council", "lighthouse"]
    for (h,) in B.sql(db, "SELECT headline FROM articles WHERE status='published'"
                          " ORDER BY id LIMIT 40"):
        words += [w.lower() for w in re.findall(r"[A-Za-z]{5,}", h)[:1]]
    return {
        "home": ["/", "/page/2/", "/page/50/"],
        "article": [B.article_path(tz, p, s) for s, p in arts[::step][:40]],
        "section": ["/category/%s/" % s for s in sections[:6]] +
                   ["/category/%s/page/20/" % s for s in sections[:2]],
        "tag": ["/tag/%s/" % s for s in tags[:10]],
        "author": ["/author/%s/" % s for s in authors[:10]],
        "search": ["/search/?q=" + urllib.parse.quote(w) for w in words[:30]],
        "feed": ["/feed/", "/feed/atom/", "/comments/feed/"] +
                ["/category/%s/feed/" % s for s in sections[:3]] +
                ["/tag/%s/feed/" % s for s in tags[:3]],
    }


def part_render(work, cluster):
    if SITE:
        site = os.path.join(work, "render.db")
        shutil.copy(SITE, site)
        what = "a copy of %s" % os.path.basename(SITE)
    else:
        site = os.path.join(work, "render.db")
        log("gensite %d articles, %d comments" % (ARTICLES, COMMENTS))
        B.run([GENSITE, site, str(ARTICLES), str(COMMENTS)], 1800)
        what = "bench/gensite %d %d" % (ARTICLES, COMMENTS)
    cli("settings", "--db", site, "get", "site_title")  # migrated to this binary's schema
    n_art = B.sql(site, "SELECT count(*) FROM articles")[0][0]
    n_com = B.sql(site, "SELECT count(*) FROM comments")[0][0]
    pg = cluster.createdb("render")
    t = time.monotonic()
    log("copy-db to PostgreSQL")
    cli("copy-db", "--from", site, "--to", pg, timeout=3600)
    copy_s = time.monotonic() - t
    log("copied in %.0f s" % copy_s)
    urls = render_urls(site)
    data = os.path.join(work, "render-data")
    os.makedirs(data, exist_ok=True)
    servers = {"sqlite": serve(site, data, "--no-cache"), "postgresql": serve(pg, data, "--no-cache")}
    conns = {e: http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
             for e, s in servers.items()}
    times = {(e, k): [] for e in servers for k in urls}
    cpu = {(e, k): 0.0 for e in servers for k in urls}
    try:
        for k, paths in urls.items():  # one unmeasured pass; pages that are not a 200 go
            for p in list(paths):
                st = {e: get(c, p)[0] for e, c in conns.items()}
                if set(st.values()) != {200}:
                    log("left out %s: %s" % (p, st))
                    paths.remove(p)
        load0 = load()
        for k, paths in urls.items():
            done, i = 0, {e: 0 for e in servers}
            while done < RENDER_N:
                n = min(25, RENDER_N - done)
                for e, c in conns.items():
                    c0 = cpu_ms(servers[e].pid) + (cluster.cpu_ms() if e == "postgresql" else 0)
                    for _ in range(n):
                        st, _, dt = get(c, paths[i[e] % len(paths)])
                        i[e] += 1
                        times[(e, k)].append(dt * 1000)
                    cpu[(e, k)] += (cpu_ms(servers[e].pid) +
                                    (cluster.cpu_ms() if e == "postgresql" else 0) - c0)
                done += n
        load1 = load()
    finally:
        for c in conns.values():
            c.close()
        for s in servers.values():
            s.stop()
    say("## (1) Cache-miss renders, PostgreSQL against SQLite")
    say()
    say("Site: %s (%d articles, %d comments), copied to PostgreSQL by `byline copy-db` in %.0f s "
        "(fsync on). Both served with `byline serve --no-cache` (core %d), "
        "one keep-alive connection each from this script (core %d), sequential; %d requests per "
        "kind and engine, in alternating rounds of 25, after one unmeasured pass over every page. "
        "Load average (1, 5, 15 min) at the start of the timed part: %s; at its end: %s."
        % (what, n_art, n_com, copy_s, SERVER_CPU, CLIENT_CPU, RENDER_N, load0, load1))
    say()
    say("| kind | pages | SQLite p50 ms | PG p50 ms | **p50 PG/SQLite** | SQLite p99 ms | PG p99 ms |"
        " **p99 PG/SQLite** | SQLite CPU ms/req | PG CPU ms/req (byline + postgres) | CPU PG/SQLite |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst = 0
    for k, paths in urls.items():
        s, p = times[("sqlite", k)], times[("postgresql", k)]
        r50, r99 = pct(p, 50) / pct(s, 50), pct(p, 99) / pct(s, 99)
        cs, cp = cpu[("sqlite", k)] / len(s), cpu[("postgresql", k)] / len(p)
        worst = max(worst, r50)
        say("| %s | %d | %.2f | %.2f | **%.2f** | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f |" % (
            k, len(paths), pct(s, 50), pct(p, 50), r50, pct(s, 99), pct(p, 99), r99, cs, cp,
            cp / cs if cs else float("nan")))
    say()
    say("Largest p50 ratio: %.2f (target at most 2.0: %s)." % (worst, "met" if worst <= 2 else "missed"))
    say()


# ---- (2) durable comments a second ----

def count_comments(db, cluster):
    if cluster:
        return int(cluster.psql(db, "SELECT count(*) FROM comments"))
    return B.sql(db, "SELECT count(*) FROM comments")[0][0]


# What part (2) compares: SQLite and PostgreSQL with serve's default worker
# threads (2 and 8), and PostgreSQL with 2 (the default before it was 8).
VARIANTS = (("sqlite", ()), ("postgresql", ()), ("postgresql", ("--threads", "2")))


def part_post(work, cluster):
    base = os.path.join(work, "post-base.db")
    cli("demo", "--db", base)
    for k in ("comment_flood_seconds", "comment_min_seconds"):
        cli("settings", "--db", base, "set", k, "0")
    aid, path, _ = B.most_commented(base)
    key = secret(base)
    data = os.path.join(work, "post-data")
    os.makedirs(data, exist_ok=True)
    rows = []
    for run in range(RUNS):
        for engine, flags in VARIANTS:
            if engine == "sqlite":
                db, name = os.path.join(work, "post-%d.db" % run), None
                shutil.copy(base, db)
            else:
                name = "post%d%d" % (run, len(flags))
                db = cluster.createdb(name)
                cli("copy-db", "--from", base, "--to", db)
            srv = serve(db, data, "--trust-proxy", *flags)
            try:
                token = form_token(key, aid)
                c = B.Client(srv.port)
                st = c.post(path, urllib.parse.urlencode({
                    "comment": "A probe before run %d" % run, "author": "Bench Reader",
                    "email": "bench@example.com", "url": "", "comment_parent": "0",
                    "byline_hp": "", "byline_token": token}),
                    {"Content-Type": "application/x-www-form-urlencoded",
                     "X-Forwarded-For": "192.0.2.1"})
                c.close()
                if st != 303:
                    raise RuntimeError("probe comment answered %d" % st)
                before = count_comments(name or db, cluster if name else None)
                c0 = cpu_ms(srv.pid)
                p0 = cluster.cpu_ms() if name else 0
                r = B.wrk("http://127.0.0.1:%d%s" % (srv.port, path), POST_CONNS, SECS,
                          script=B.POST_LUA, script_args=[path, token, "%s%d%d" % (engine, len(flags), run), "nets"])
                cpu = cpu_ms(srv.pid) - c0 + ((cluster.cpu_ms() - p0) if name else 0)
            finally:
                srv.stop(signal.SIGKILL)  # what is stored now is what the 303s promised
            after = count_comments(name or db, cluster if name else None)
            st = dict((int(k), int(v)) for k, v in re.findall(
                r"(\d+)=(\d+)", r["raw"].split("statuses", 1)[1].split("\n", 1)[0]))
            dur = int(re.search(r"duration_us (\d+)", r["raw"]).group(1)) / 1e6
            one = {"engine": " ".join((engine,) + flags), "run": run + 1, "rows": after - before, "s303": st.get(303, 0),
                   "other": {k: v for k, v in st.items() if k != 303}, "secs": dur,
                   "rate": (after - before) / dur, "p50": r["p50"], "p99": r["p99"],
                   "cpu": cpu / max(1, after - before), "load": os.getloadavg()[0]}
            rows.append(one)
            log("post %s run %d: %d rows in %.1f s = %.0f/s, 303s %d, %s" % (
                engine, run + 1, one["rows"], dur, one["rate"], one["s303"], one["other"]))
            if not name:
                for f in (db, db + "-wal", db + "-shm"):
                    if os.path.exists(f):
                        os.unlink(f)
    say("## (2) Durable comments a second")
    say()
    say("The demo site (comment_flood_seconds 0, comment_min_seconds 0), on SQLite (WAL, "
        "synchronous=FULL) and copied to PostgreSQL (%s). `byline serve --trust-proxy` "
        "(default worker threads: 2 on SQLite, 8 on PostgreSQL; and PostgreSQL with `--threads 2`) "
        "on core %d; `wrk -t1 -c%d -d%ds -s bench/post.lua URL -- PATH TOKEN RUN nets` on core %d "
        "posts distinct comments to `%s`, each from its own address in its own /24 (commenters "
        "of one network queue behind each other: model/gate.h). After each run the server is "
        "killed (SIGKILL) and the rows counted; rate = rows added / wrk's run time. The variants "
        "take turns." % (
            cluster.settings, SERVER_CPU, POST_CONNS, SECS, CLIENT_CPU, path))
    say()
    say("| server | run | rows added | 303 answers | other answers | comments/s | p50 ms | p99 ms |"
        " CPU ms a comment | load (1 min) |")
    say("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for o in rows:
        say("| %s | %d | %d | %d | %s | %.0f | %.2f | %.2f | %.2f | %.2f |" % (
            o["engine"], o["run"], o["rows"], o["s303"],
            ", ".join("%d×%d" % (v, k) for k, v in sorted(o["other"].items())) or "none",
            o["rate"], o["p50"], o["p99"], o["cpu"], o["load"]))
    med = {" ".join((e,) + f): statistics.median(o["rate"] for o in rows
                                                 if o["engine"] == " ".join((e,) + f))
           for e, f in VARIANTS}
    say()
    say("Median: %s comments a second. PostgreSQL (default workers) / SQLite: %.2f; target on "
        "PostgreSQL at least 1,000: %s." % (
            ", ".join("%s %.0f" % (k, v) for k, v in med.items()),
            med["postgresql"] / med["sqlite"], "met" if med["postgresql"] >= 1000 else "missed"))
    say()


# ---- (3) the breaking-news mix ----

NGINX_CONF = """worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    upstream byline {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://byline;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;
        }}
    }}
}}
"""

READS_LUA = """-- reads rotating over the mix's cached pages
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


class Peer:
    """A keep-alive HTTP connection to one port, reopened after an error."""

    def __init__(self, port):
        self.port = port
        self.c = None

    def req(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (0, 1):
            try:
                if self.c is None:
                    self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.c.request(method, path, body=body, headers=h)
                r = self.c.getresponse()
                return r.status, r.getheader("Location") or "", r.getheader("Set-Cookie") or "", \
                    r.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                if self.c:
                    self.c.close()
                self.c = None
                if attempt:
                    raise


MIX_N = [0]


def mix_site(cluster, work, engine):
    """The demo site on engine, set for the mix, with an editor: (db, password)."""
    MIX_N[0] += 1
    if engine == "sqlite":
        db = os.path.join(work, "mix-%d.db" % MIX_N[0])
    else:
        db = cluster.createdb("mix%d" % MIX_N[0])
    cli("demo", "--db", db)
    for k, v in (("moderation", "none"), ("comment_min_seconds", "0"),
                 ("comment_flood_seconds", "0"), ("comments_per_page", "1000")):
        cli("settings", "--db", db, "set", k, v)
    out = cli("user", "--db", db, "add", "--email", "ed@example.com", "--name", "Ed Itor",
              "--role", "editor")
    link = re.search(r"/admin/password\?token=(\S+)", out).group(1)
    return db, link


def editor_session(node, link):
    pw = "a long enough password for the desk"
    origin = {"Origin": "http://127.0.0.1:%d" % node.port, "Host": "127.0.0.1:%d" % node.port,
              "X-Forwarded-For": "198.51.100.9"}
    st, _, _, _ = node.req("POST", "/admin/password",
                           {"token": link, "password": pw, "password2": pw}, origin)
    assert st == 303, st
    st, _, sc, _ = node.req("POST", "/admin/login", {"email": "ed@example.com", "password": pw},
                            origin)
    sess = re.search(r"byline_session=([^;]+)", sc).group(1)
    origin["Cookie"] = "byline_session=" + sess
    _, _, _, html = node.req("GET", "/admin/articles/new", None, origin)
    csrf = re.search(r'name="csrf" value="([^"]*)"', html).group(1)
    return origin, csrf


def run_mix(label, link, ports, front, lag_a, lag_b, work):
    """Reads alone, then the mix; returns the figures."""
    a, b = Peer(lag_a), Peer(lag_b)
    arts, ids = [], {}
    for path in re.findall(r'href="(/\d{4}/\d\d/\d\d/[^"#/]+/)"', b.req("GET", "/")[3]):
        if path not in arts and len(arts) < 6:
            m = re.search(r'name="byline_token" value="([^"]*)"', a.req("GET", path)[3])
            if m:  # the article's comment form, and its token (valid on every node)
                arts.append(path)
                ids[path] = m.group(1)
    reads = ["/", "/category/%s/" % "news"] + arts[:5]
    reads = [r for r in reads if Peer(front).req("GET", r)[0] == 200]
    lua = os.path.join(work, "reads.lua")
    with open(lua, "w") as f:
        f.write(READS_LUA % ", ".join('"%s"' % r for r in reads))
    url = "http://127.0.0.1:%d/" % front
    for r in reads:  # every page cached on every node
        for _ in range(len(ports) * 2):
            Peer(front).req("GET", r)
    alone = B.wrk(url, 32, SECS, script=lua)
    origin, csrf = editor_session(a, link)
    stop = threading.Event()
    out = {"posted": 0, "refused": {}, "lags": [], "unseen": 0, "pub_lags": [], "pub_unseen": 0,
           "published": 0, "pub_refused": {}}
    mu = threading.Lock()

    # Open loop: comments are due at a fixed rate (POST_RATE a second, the
    # prober's 5 besides: the issue's 100), whatever the answers' speed; a
    # pool of POSTERS connections sends each when it is due, so a slow
    # answer delays no other comment (closed-loop posters, which waited for
    # each answer, sent fewer when the server slowed).
    due = queue.Queue()

    def scheduler():
        n, t_next = 0, time.monotonic()
        while not stop.is_set():
            due.put(n)
            n += 1
            t_next += 1.0 / POST_RATE
            time.sleep(max(0, t_next - time.monotonic()))

    def poster(k):
        p = Peer(front)
        while not stop.is_set():
            try:
                n = due.get(timeout=0.1)
            except queue.Empty:
                continue
            art = arts[n % len(arts)]
            st = p.req("POST", art, {
                "comment": "Mix comment %s-%d about the harbour" % (label, n),
                "author": "Reader %d" % (n % 50), "email": "r%d@example.com" % (n % 50),
                "url": "", "comment_parent": "0", "byline_token": ids[art], "byline_hp": ""},
                # each from its own /24 (commenters of one network queue: gate.h)
                {"X-Forwarded-For": "10.%d.%d.7" % (n // 250 % 190 + 1, n % 250)})[0]
            with mu:
                if st == 303:
                    out["posted"] += 1
                else:
                    out["refused"][st] = out["refused"].get(st, 0) + 1

    def prober():
        n, t_next = 0, time.monotonic()
        while not stop.is_set():
            art = arts[n % len(arts)]
            text = "Lag probe %s %d %s" % (label, n, os.urandom(4).hex())
            st = a.req("POST", art, {
                "comment": text, "author": "Prober", "email": "p@example.com", "url": "",
                "comment_parent": "0", "byline_token": ids[art], "byline_hp": ""},
                {"X-Forwarded-For": "10.200.%d.%d" % (n // 250 % 250, n % 250 + 1)})[0]
            t0 = time.monotonic()
            if st == 303:
                with mu:
                    out["posted"] += 1
                while True:
                    if text in b.req("GET", art)[3]:
                        out["lags"].append((time.monotonic() - t0) * 1000)
                        break
                    if time.monotonic() - t0 > 5:
                        out["unseen"] += 1
                        break
                    time.sleep(0.002)
            n += 1
            t_next += 0.2
            time.sleep(max(0, t_next - time.monotonic()))

    def editor():
        ed, reader = Peer(lag_a), Peer(lag_b)
        n, t_next = 0, time.monotonic()
        while not stop.is_set():
            headline = "Breaking %s %d %s" % (label, n, os.urandom(3).hex())
            st, loc, _, _ = ed.req("POST", "/admin/articles/new", {
                "csrf": csrf, "headline": headline, "slug": "", "dek": "Developing.",
                "body": "More soon on the harbour.", "section": "", "new_section": "Harbour",
                "tags": "Breaking", "featured_media": "", "featured_alt": "",
                "status": "published", "publish_date": "", "publish_time": "",
                "comments_open": "1", "action": "publish"}, origin)
            t0 = time.monotonic()
            if st == 303 and "/admin/articles/" in loc:
                out["published"] += 1
                while True:
                    if headline in reader.req("GET", "/")[3]:
                        out["pub_lags"].append((time.monotonic() - t0) * 1000)
                        break
                    if time.monotonic() - t0 > 5:
                        out["pub_unseen"] += 1
                        break
                    time.sleep(0.002)
            else:
                out["pub_refused"][st] = out["pub_refused"].get(st, 0) + 1
            n += 1
            t_next += 1.0
            time.sleep(max(0, t_next - time.monotonic()))

    threads = [threading.Thread(target=poster, args=(k,)) for k in range(POSTERS)]
    threads += [threading.Thread(target=scheduler), threading.Thread(target=prober),
                threading.Thread(target=editor)]
    t_start = time.monotonic()
    for t in threads:
        t.start()
    try:
        time.sleep(1)  # the mix is on before the reads are measured
        mixed = B.wrk(url, 32, SECS, script=lua)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    out["secs"] = time.monotonic() - t_start
    out["backlog"] = due.qsize()  # due but never sent: the server fell behind
    out["alone"], out["mixed"] = alone, mixed
    out["reads"] = reads
    return out


def part_mix(work, cluster):
    data = os.path.join(work, "mix-data")
    os.makedirs(data, exist_ok=True)
    rows = []
    for label, engine, n_nodes in (("one node, SQLite", "sqlite", 1),
                                   ("one node, PostgreSQL", "postgresql", 1),
                                   ("two nodes behind nginx, PostgreSQL", "postgresql", 2)):
        log("mix: %s" % label)
        db, link = mix_site(cluster, work, engine)
        nodes = [serve(db, data, "--trust-proxy") for _ in range(n_nodes)]
        ngx = None
        try:
            front = nodes[0].port
            if n_nodes == 2:
                nd = os.path.join(work, "nginx-%d" % len(rows))
                os.makedirs(nd)
                front = B.free_port()
                with open(nd + "/nginx.conf", "w") as f:
                    f.write(NGINX_CONF.format(dir=nd, a=nodes[0].port, b=nodes[1].port,
                                              port=front))
                ngx = B.spawn(["nginx", "-p", nd + "/", "-c", nd + "/nginx.conf"], SERVER_CPU,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                B.wait_port(front)
            o = run_mix("m%d" % len(rows), link,
                        [n.port for n in nodes], front, nodes[0].port, nodes[-1].port, work)
            o["label"] = label
            o["load"] = os.getloadavg()[0]
            rows.append(o)
            log("mix %s: alone p99 %.2f, mixed p99 %.2f, lag p99 %.1f" % (
                label, o["alone"]["p99"], o["mixed"]["p99"], pct(o["lags"], 99)))
        finally:
            if ngx:
                B.stop(ngx)
            for n in nodes:
                n.stop()
    say("## (3) The breaking-news mix")
    say()
    say("The demo site (moderation off, comment limits 0), `byline serve --trust-proxy` "
        "(default worker threads: 2 on SQLite, 8 on PostgreSQL; with the page cache) on core %d, PostgreSQL %s; with two nodes, "
        "nginx (1 worker, round robin, keep-alive upstream) in front on core %d. Reads: "
        "`wrk -t1 -c32 -d%ds` (core %d) rotating over %s, first alone, then during the mix: "
        "comments posted open-loop at %.0f a second (through the front, from %d connections, each comment "
        "sent when due whatever the answers' speed; each from its own /24), a prober posting 5 a "
        "second on node A and polling node B's article page (every 2 ms) until the comment is on "
        "it (one node: A = B), and an editor publishing an article a second on A's desk "
        "(POST /admin/articles/new), then polling B's home page for the headline." % (
            SERVER_CPU, cluster.settings, SERVER_CPU, SECS, CLIENT_CPU,
            ", ".join("`%s`" % r for r in rows[0]["reads"]) if rows else "", POST_RATE, POSTERS))
    say()
    say("| setup | reads alone req/s | p50 ms | p99 ms | reads in the mix req/s | p50 ms | p99 ms |"
        " **p99 mix/alone** | comments 303 (/s) | refused | lag probes | **comment lag p50 / p99 ms** |"
        " published (lag p50 / p99 ms) | load (1 min) |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|")
    for o in rows:
        al, mx = o["alone"], o["mixed"]
        say("| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | **%.2f** | %d (%.0f) | %s | %d (unseen %d) |"
            " **%.1f / %.1f** | %d (%.1f / %.1f%s) | %.2f |" % (
                o["label"], al["rps"], al["p50"], al["p99"], mx["rps"], mx["p50"], mx["p99"],
                mx["p99"] / al["p99"], o["posted"], o["posted"] / o["secs"],
                (", ".join("%d×%d" % (v, k) for k, v in o["refused"].items()) or "none")
                + ("; %d due, never sent" % o["backlog"] if o.get("backlog") else ""),
                len(o["lags"]), o["unseen"], pct(o["lags"], 50), pct(o["lags"], 99),
                o["published"], pct(o["pub_lags"], 50), pct(o["pub_lags"], 99),
                ", unseen %d" % o["pub_unseen"] if o["pub_unseen"] else "", o["load"]))
    say()


def main():
    parts = sys.argv[1:] or ["render", "post", "mix"]
    for tool in ("wrk", "taskset", "psql") + (("nginx",) if "mix" in parts else ()):
        if not shutil.which(tool):
            sys.exit("pg_bench: %s is missing" % tool)
    signal.signal(signal.SIGTERM, B.stop_all)
    signal.signal(signal.SIGINT, B.stop_all)
    os.sched_setaffinity(0, {CLIENT_CPU})
    work = tempfile.mkdtemp(prefix="byline-pgbench.")
    os.chmod(work, 0o755)  # the cluster runs as postgres when this runs as root
    snap = os.path.join(work, "byline")
    shutil.copy2(BYLINE, snap)  # a rebuild meanwhile changes nothing here
    globals()["BYLINE"] = snap
    B.BYLINE = snap
    pgdir = os.path.join(work, "pg")
    os.makedirs(pgdir)
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    cluster = None
    try:
        cluster = Cluster(pgdir)
        say("# pg_bench.py, %s, byline %s, load average %s at the start" % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), rev, load()))
        say()
        if "render" in parts:
            part_render(work, cluster)
        if "post" in parts:
            part_post(work, cluster)
        if "mix" in parts:
            part_mix(work, cluster)
        say("Load average at the end: %s; run time %.0f s." % (load(), time.monotonic() - T0))
    finally:
        B.stop_all()
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
