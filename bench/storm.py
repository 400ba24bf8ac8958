#!/usr/bin/python3
"""bench/storm.py: the crawler storm (issue 17, benchmark 4).

    /usr/bin/python3 bench/storm.py

Search and AI crawlers walk a news site's sitemap: every page, each asked
for about once, so nearly every request misses a memory cache.  This takes
every URL in the sitemap of the 100,000-article site (bench/out, made by
bench/bench.py), renders each page once from Byline and writes it to files,
serves those files with nginx, and drives nginx and Byline in turn with wrk
and bench/storm.lua (each request a URL drawn uniformly at random from the
list; 32 connections), reporting requests a second and the ratio
Byline/nginx, with Byline on SQLite and, if STORM_PG=1, on PostgreSQL (the
site copied with `byline copy-db` into a throwaway cluster from
tests/pg_cluster.sh).  As bench/bench.py does, servers are pinned to core 0
and wrk to core 1 (one wrk thread).

The site in bench/out is never touched: it is copied into STORM_WORK (which
is kept, with the pre-rendered pages, so a second run starts at once; about
5 GB: the copy, the 100,000 pages and their .gz files, and the backup the
first start makes if the copy's schema is older than the binary's).
Besides req/s, each server's CPU time over a run (from /proc, nginx's
worker included) is divided by the requests it answered: on a shared
machine, where wrk's core is the limit, the ratio of CPU per request says
more than the ratio of req/s.
Several builds can be compared in the same run: each round runs every
server once, in turn, so load from elsewhere on the machine falls on all.

Environment:
  STORM_SITE      the site to copy (default: the newest
                  bench/out/site-100000-*.db)
  STORM_WORK      working folder (default: a folder under the system's temp)
  STORM_BINS      Byline binaries to compare, space-separated (./byline);
                  the first renders the pages for nginx
  STORM_SECONDS   length of each wrk run (10), after a 2-second warm-up
  STORM_ROUNDS    rounds; the median is reported (3)
  STORM_CONNS     wrk connections (32)
  STORM_PAGES     use only this many URLs of the sitemap (0: all)
  STORM_AE        also run every cell with this Accept-Encoding (a crawler's
                  "gzip, deflate, br"); nginx then serves its gzip_static files
  STORM_PG=1      also Byline on PostgreSQL
  STORM_PG_URL    with STORM_PG: a database the site was already copied
                  into (`byline copy-db --from site.db --to URL`), instead of
                  a new cluster and copy
  STORM_NOCACHE=1 also the first binary with --no-cache (what rendering
                  alone costs)
  STORM_DISK_MB   the page cache's tier on disk (cache_disk_mb, set with the
                  last binary of STORM_BINS; 0 leaves it off): each Byline
                  that has one is measured once its preload has walked the
                  whole sitemap (/metrics), as a site would be once warmed
  STORM_WARM=1    with STORM_DISK_MB: first ask for every URL once from the
                  bench itself (4 at a time, gzip accepted), as a first crawl
                  would, instead of waiting for the preload's slower walk
  STORM_OUT       report file (bench/STORM-RESULTS.md)
"""
import gzip
import http.client
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "bench/storm.lua")
SECS = int(os.environ.get("STORM_SECONDS") or 10)
ROUNDS = int(os.environ.get("STORM_ROUNDS") or 3)
CONNS = int(os.environ.get("STORM_CONNS") or 32)
PAGES = int(os.environ.get("STORM_PAGES") or 0)
AE = os.environ.get("STORM_AE") or ""
PG = os.environ.get("STORM_PG") == "1"
PG_URL = os.environ.get("STORM_PG_URL") or ""
NOCACHE = os.environ.get("STORM_NOCACHE") == "1"
DISK_MB = int(os.environ.get("STORM_DISK_MB") or 0)
WARM = os.environ.get("STORM_WARM") == "1"
BINS = (os.environ.get("STORM_BINS") or os.path.join(ROOT, "byline")).split()
OUT = os.environ.get("STORM_OUT") or os.path.join(ROOT, "bench/STORM-RESULTS.md")
NCPU = os.cpu_count() or 1
SERVER_CPU, CLIENT_CPU = (0, 1) if NCPU >= 2 else (0, 0)
started = {}


def log(msg):
    print("[storm %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def spawn(args, cpu, **kw):
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        p = subprocess.Popen(args, **kw)
    finally:
        os.sched_setaffinity(0, old)
    started[p.pid] = p
    return p


def stop(p, timeout=15):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)
    started.pop(p.pid, None)


def stop_all(*_):
    for p in list(started.values()):
        try:
            stop(p, 5)
        except Exception:
            pass
    if _:
        sys.exit(1)


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


class Byline:
    """`byline serve` on 127.0.0.1 port 0, pinned to the server core."""

    def __init__(self, binary, db, data, *flags):
        args = [binary, "serve", "--db", db, "--data", data, "--listen", "127.0.0.1:0",
                "--quiet", "--max-conns-per-ip", "0"] + list(flags)
        self.p = spawn(args, SERVER_CPU, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        fd = self.p.stdout.fileno()
        got = b""
        deadline = time.monotonic() + 1800  # the first start migrates the copy
        while b"\n" not in got:
            left = deadline - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                raise RuntimeError("byline did not start: %r" % got)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise RuntimeError("byline exited: %r" % got)
                got += chunk
        self.port = int(re.search(rb"http://127\.0\.0\.1:(\d+)/", got).group(1))

    def cpu_seconds(self):
        return cpu_seconds(self.p.pid)

    def stop(self):
        stop(self.p)
        self.p.stdout.close()


def cpu_seconds(pid):
    """User + system CPU of pid and its children (nginx's worker)."""
    pids = [pid]
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            f = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(f[11]) + int(f[12])
    return total / os.sysconf("SC_CLK_TCK")


class Nginx:
    def __init__(self, p):
        self.p = p

    def cpu_seconds(self):
        return cpu_seconds(self.p.pid)


def get(conn, path, headers=None):
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read()


def sitemap_paths(port):
    """Every page URL in the sitemap index and its sitemaps, as paths."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    todo, seen, pages = ["/sitemap.xml"], set(), []
    while todo:
        sm = todo.pop(0)
        if sm in seen:
            continue
        seen.add(sm)
        st, body = get(c, sm)
        if st != 200:
            raise RuntimeError("%s answered %d" % (sm, st))
        for loc in re.findall(rb"<loc>([^<]+)</loc>", body):
            path = "/" + loc.decode().split("://", 1)[-1].split("/", 1)[-1]
            path = path.replace("&amp;", "&")
            if re.search(r"/sitemap[^/]*\.xml$", path):
                todo.append(path)
            else:
                pages.append(path)
    c.close()
    return list(dict.fromkeys(pages)), len(seen)


def prerender(port, paths, www, threads=4):
    """Fetches each path once, writes www/PATH/index.html (and .gz for
    gzip_static); returns the paths that answered 200."""
    ok, lock, it = [], threading.Lock(), iter(paths)

    def work():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                path = next(it, None)
            if path is None:
                break
            st, body = get(c, path)
            if st != 200 or not path.endswith("/") or "?" in path:
                continue
            d = os.path.join(www, path.lstrip("/"))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "index.html"), "wb") as f:
                f.write(body)
            with open(os.path.join(d, "index.html.gz"), "wb") as f:
                f.write(gzip.compress(body, 6))
            with lock:
                ok.append(path)
        c.close()

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sorted(ok)


def crawl(port, paths, threads=4):
    """Asks for each path once (gzip accepted), as a first crawl would."""
    lock, it = threading.Lock(), iter(paths)

    def work():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                path = next(it, None)
            if path is None:
                break
            get(c, path, {"Accept-Encoding": "gzip"})
        c.close()

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


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
    open_file_cache off;
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


def start_nginx(work, www):
    d = os.path.join(work, "nginx")
    os.makedirs(d, exist_ok=True)
    port = free_port()
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=d, port=port, root=www))
    p = spawn(["nginx", "-p", d + "/", "-c", os.path.join(d, "nginx.conf")], SERVER_CPU,
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p, port


def wrk(port, secs, paths_file, ae):
    cmd = ["taskset", "-c", str(CLIENT_CPU), "wrk", "-t1", "-c%d" % CONNS, "-d%ds" % secs,
           "--latency", "--timeout", "5s", "-s", LUA]
    if ae:
        cmd += ["-H", "Accept-Encoding: " + ae]
    cmd += ["http://127.0.0.1:%d/" % port, "--", paths_file]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 120).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return {"rps": float(m.group(1)) if m else 0.0, "non2xx": int(bad.group(1)) if bad else 0,
            "p99": p99.group(1) if p99 else "?", "raw": out}


def metric(port, name):
    """A figure from Byline's /metrics, or None (an older build)."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        st, body = get(c, "/metrics")
        c.close()
    except OSError:
        return None
    m = re.search(rb"^" + re.escape(name.encode()) + rb" (\d+)$", body, re.M)
    return int(m.group(1)) if m else None


def wait_preloads(servers, timeout=7200):
    """Waits until every server with a tier on disk has walked its sitemap
    once (its preload renders every page into the tier)."""
    warm = [s for s in servers if metric(s.port, "byline_cache_preload_rounds_total") is not None]
    t0 = last = time.monotonic()
    while warm and time.monotonic() - t0 < timeout:
        left = [s for s in warm if not metric(s.port, "byline_cache_preload_rounds_total")]
        if not left:
            break
        if time.monotonic() - last > 30:
            last = time.monotonic()
            log("preload: %s pages so far" % ", ".join(
                str(metric(s.port, "byline_cache_preload_pages_total")) for s in left))
        time.sleep(2)
    for s in warm:
        log("preload done in %.0f s: %s pages on disk, %s bytes" % (
            time.monotonic() - t0, metric(s.port, "byline_cache_disk_entries"),
            metric(s.port, "byline_cache_disk_bytes")))


def find_site():
    site = os.environ.get("STORM_SITE")
    if site:
        return site
    for d in (os.path.join(ROOT, "bench/out"),):
        if os.path.isdir(d):
            cands = sorted((f for f in os.listdir(d)
                            if f.startswith("site-100000-") and f.endswith(".db")),
                           key=lambda f: int(f.split("-v")[1].split("-")[0]))
            if cands:
                return os.path.join(d, cands[-1])
    raise SystemExit("no 100,000-article site: set STORM_SITE (bench/bench.py makes one in bench/out)")


def pg_start(work):
    d = os.path.join(work, "pg")
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    r = subprocess.run(["sh", os.path.join(ROOT, "tests/pg_cluster.sh"), "start", d],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("pg_cluster.sh: %s" % r.stderr)
    return d, r.stdout.strip()


def pg_stop(d):
    subprocess.run(["sh", os.path.join(ROOT, "tests/pg_cluster.sh"), "stop", d],
                   capture_output=True, timeout=120)


def main():
    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    src = find_site()
    work = os.environ.get("STORM_WORK") or os.path.join(tempfile.gettempdir(), "byline-storm")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "site.db")
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    if not os.path.exists(db):
        log("copying %s" % os.path.basename(src))
        shutil.copyfile(src, db + ".tmp")
        os.rename(db + ".tmp", db)
    www = os.path.join(work, "www")
    paths_file = os.path.join(work, "paths.txt")
    loads = [("start", os.getloadavg()[0])]
    if not os.path.exists(paths_file):
        srv = Byline(BINS[0], db, data, "--no-cache")
        try:
            paths, n_sitemaps = sitemap_paths(srv.port)
            log("%d URLs in %d sitemaps; rendering each once for nginx" % (len(paths), n_sitemaps))
            t = time.monotonic()
            if os.path.exists(www):
                shutil.rmtree(www)
            ok = prerender(srv.port, paths, www)
            log("%d pages written in %.0f s" % (len(ok), time.monotonic() - t))
        finally:
            srv.stop()
        with open(paths_file + ".tmp", "w") as f:
            f.write("\n".join(ok) + "\n")
        os.rename(paths_file + ".tmp", paths_file)
    with open(paths_file) as f:
        paths = f.read().split()
    if PAGES and PAGES < len(paths):
        paths = paths[:: max(1, len(paths) // PAGES)][:PAGES]
        paths_file = os.path.join(work, "paths-%d.txt" % PAGES)
        with open(paths_file, "w") as f:
            f.write("\n".join(paths) + "\n")
    log("%d URLs" % len(paths))

    if DISK_MB:
        subprocess.run([BINS[-1], "settings", "--db", db, "set", "cache_disk_mb", str(DISK_MB)],
                       check=True, capture_output=True)
    targets = []  # (name, start() -> (port, stop, cpu_seconds))
    nginx_p, nginx_port = start_nginx(work, www)
    targets.append(("nginx (files)", nginx_port, Nginx(nginx_p)))
    servers = []
    for b in BINS:
        s = Byline(b, db, data)
        servers.append(s)
        targets.append(("byline %s, SQLite" % os.path.basename(b), s.port, s))
    if NOCACHE:
        s = Byline(BINS[0], db, data, "--no-cache")
        servers.append(s)
        targets.append(("byline %s --no-cache, SQLite" % os.path.basename(BINS[0]), s.port, s))
    pgdir = None
    if PG:
        url = PG_URL
        if not url:
            pgdir, url = pg_start(work)
            log("copy-db into PostgreSQL (%s)" % url.split("?")[0])
            t = time.monotonic()
            r = subprocess.run([BINS[0], "copy-db", "--from", db, "--to", url],
                               capture_output=True, text=True, timeout=7200)
            if r.returncode != 0:
                raise RuntimeError("copy-db: %s" % r.stderr[-2000:])
            log("copied in %.0f s" % (time.monotonic() - t))
        if DISK_MB:
            subprocess.run([BINS[-1], "settings", "--db", url, "set", "cache_disk_mb",
                            str(DISK_MB)], check=True, capture_output=True)
        for b in BINS:
            s = Byline(b, url, data)
            servers.append(s)
            targets.append(("byline %s, PostgreSQL" % os.path.basename(b), s.port, s))
    if DISK_MB and WARM:
        for srv in servers:
            if metric(srv.port, "byline_cache_disk_entries") is None:
                continue
            t = time.monotonic()
            crawl(srv.port, paths)
            log("first crawl of %d URLs in %.0f s" % (len(paths), time.monotonic() - t))
    if DISK_MB:
        wait_preloads(servers)
    cells = [""] + ([AE] if AE else [])
    res = {(name, ae): [] for name, _, _ in targets for ae in cells}
    cpu = {(name, ae): [] for name, _, _ in targets for ae in cells}
    try:
        for rnd in range(ROUNDS):
            for ae in cells:
                for name, port, s in targets:
                    wrk(port, 2, paths_file, ae)  # warm-up: connections, the cache's steady state
                    c0 = s.cpu_seconds()
                    r = wrk(port, SECS, paths_file, ae)
                    cpu[(name, ae)].append((s.cpu_seconds() - c0) / max(1, r["rps"] * SECS))
                    res[(name, ae)].append(r)
                    log("round %d %-28s AE=%-18s %9.0f req/s  p99 %s  non-2xx %d" % (
                        rnd + 1, name, ae or "-", r["rps"], r["p99"], r["non2xx"]))
            loads.append(("round %d" % (rnd + 1), os.getloadavg()[0]))
    finally:
        for s in servers:
            s.stop()
        stop(nginx_p)
        if pgdir:
            pg_stop(pgdir)

    lines = ["# Crawler storm (bench/storm.py)", "",
             "%d URLs from the sitemap, wrk -t1 -c%d, %d s per run after a 2 s warm-up, "
             "median of %d rounds; servers on core %d, wrk on core %d. Load average: %s." % (
                 len(paths), CONNS, SECS, ROUNDS, SERVER_CPU, CLIENT_CPU,
                 ", ".join("%s %.2f" % x for x in loads)), "",
             "The last column divides nginx's server CPU per request by the server's: "
             "what the ratio would be with the core to itself, less disturbed by a "
             "shared machine than req/s (it leaves out wrk's own limit).", "",
             "| server | Accept-Encoding | req/s (median) | runs | p99 | ms of server CPU per request | Byline/nginx (req/s) | Byline/nginx (CPU per request) |",
             "|---|---|---:|---|---|---:|---:|---:|"]
    for ae in cells:
        base = statistics.median(r["rps"] for r in res[("nginx (files)", ae)])
        base_cpu = statistics.median(cpu[("nginx (files)", ae)])
        for name, _, s in targets:
            rs = res[(name, ae)]
            med = statistics.median(r["rps"] for r in rs)
            c = statistics.median(cpu[(name, ae)])
            nginx = name.startswith("nginx")
            lines.append("| %s | %s | %.0f | %s | %s | %.3f | %s | %s |" % (
                name, ae or "none", med, " ".join("%.0f" % r["rps"] for r in rs),
                rs[len(rs) // 2]["p99"], 1000 * c, "" if nginx else "%.3f" % (med / base),
                "" if nginx or not c else "%.3f" % (base_cpu / c)))
            if any(r["non2xx"] for r in rs):
                lines.append("| (%s: non-2xx answers %s) | | | | | | | |" % (
                    name, [r["non2xx"] for r in rs]))
    text = "\n".join(lines) + "\n"
    with open(OUT, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
