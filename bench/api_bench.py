#!/usr/bin/python3
"""bench/api_bench.py: the REST API served from the page cache against
nginx serving the same bytes (issue 16): anonymous
GET /wp-json/wp/v2/posts?per_page=10 on the demo site.

nginx serves byline's own answer (plain, and its gzip form through
gzip_static) from a file, with the same Content-Type and the API's headers
(X-WP-Total, X-WP-TotalPages, Link, Access-Control-Allow-Origin) added, so
both send the same bytes.  wrk as bench.py runs it (one thread, server on
core 0, client on core 1), 32 and 256 connections, identity and gzip,
BENCH_RUNS alternating runs of BENCH_SECONDS; the median is reported.
Writes bench/API.md (BENCH_OUT).  Uses bench.py's helpers."""
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402

PATH = "/wp-json/wp/v2/posts"
QUERY = "?per_page=10"
OUT = os.environ.get("BENCH_OUT") or os.path.join(B.ROOT, "bench/API.md")

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
    gzip_static on;
    gzip_vary on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = {path} {{
            default_type "application/json; charset=UTF-8";
            add_header X-WP-Total "{total}";
            add_header X-WP-TotalPages "{pages}";
            add_header Link '{link}';
            add_header Access-Control-Allow-Origin "*";
            add_header Access-Control-Expose-Headers "X-WP-Total, X-WP-TotalPages, Link";
        }}
    }}
}}
"""


def main():
    signal.signal(signal.SIGTERM, B.stop_all)
    signal.signal(signal.SIGINT, B.stop_all)
    work = tempfile.mkdtemp(prefix="byline-apibench-")
    B.DATA_DIR = os.path.join(work, "data")
    os.makedirs(B.DATA_DIR)
    db = os.path.join(work, "demo.db")
    B.run([B.BYLINE, "demo", "--db", db], 120)
    load0 = os.getloadavg()
    res = []
    try:
        srv = B.Byline(db, errlog=os.path.join(work, "byline.err"))
        try:
            c = B.Client(srv.port)
            st, h, plain, _ = c.get(PATH + QUERY)
            assert st == 200, "byline answered %d" % st
            st, h, plain2, _ = c.get(PATH + QUERY)
            st, hg, gz, _ = c.get(PATH + QUERY, {"Accept-Encoding": "gzip"})
            assert plain == plain2 and hg.get("Content-Encoding") == "gzip"
            assert gzip.decompress(gz) == plain
            c.close()
            www = os.path.join(work, "www")
            os.makedirs(os.path.join(www, "wp-json/wp/v2"))
            with open(www + PATH, "wb") as f:
                f.write(plain)
            with open(www + PATH + ".gz", "wb") as f:
                f.write(gz)
            ndir = os.path.join(work, "nginx")
            os.makedirs(ndir)
            nport = B.free_port()
            conf = os.path.join(ndir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(NGINX_CONF.format(dir=ndir, port=nport, root=www, path=PATH,
                                          total=h.get("X-WP-Total"),
                                          pages=h.get("X-WP-TotalPages"),
                                          link=h.get("Link").replace("'", "")))
            for dp, dn, fn in os.walk(work):
                os.chmod(dp, 0o755)
                for x in fn:
                    os.chmod(os.path.join(dp, x), 0o644)
            ngx = B.spawn(["nginx", "-e", os.path.join(ndir, "error.log"), "-p", ndir + "/",
                           "-c", conf], B.SERVER_CPU, stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(ndir, "stderr"), "wb"))
            try:
                B.wait_port(nport)
                c = B.Client(nport)
                st, nh, nplain, _ = c.get(PATH + QUERY)
                assert st == 200 and nplain == plain, "nginx serves other bytes"
                st, nhg, ngz, _ = c.get(PATH + QUERY, {"Accept-Encoding": "gzip"})
                assert ngz == gz, "nginx does not serve byline's gzip bytes"
                c.close()
                for conns in (32, 256):
                    for enc in ("identity", "gzip"):
                        hdr = ["Accept-Encoding: gzip"] if enc == "gzip" else []
                        burl = "http://127.0.0.1:%d%s%s" % (srv.port, PATH, QUERY)
                        nurl = "http://127.0.0.1:%d%s%s" % (nport, PATH, QUERY)
                        B.wrk(burl, conns, B.WARM, hdr)
                        B.wrk(nurl, conns, B.WARM, hdr)
                        b, n = [], []
                        for _ in range(B.RUNS):
                            b.append(B.wrk(burl, conns, B.SECS, hdr))
                            n.append(B.wrk(nurl, conns, B.SECS, hdr))
                        cell = {"conns": conns, "enc": enc, "byline": B.summarize(b),
                                "nginx": B.summarize(n)}
                        res.append(cell)
                        B.log("api %d %s: byline %.0f req/s p99 %.2f ms, nginx %.0f req/s "
                              "p99 %.2f ms" % (conns, enc, cell["byline"]["rps"],
                                               cell["byline"]["p99"], cell["nginx"]["rps"],
                                               cell["nginx"]["p99"]))
            finally:
                B.stop(ngx, signal.SIGQUIT)
        finally:
            srv.stop()
    finally:
        B.stop_all()
        load1 = os.getloadavg()
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        "# REST API from the page cache against nginx (issue 16)",
        "",
        "Anonymous `GET %s%s` on the demo site: %d bytes plain, %d gzip; nginx serves "
        "byline's own bytes from a file (gzip_static) with the same headers. wrk, one "
        "thread, %d s runs, median of %d alternating runs; server on core 0, wrk on core 1. "
        "The machine was shared with other work (1-minute load %.2f at the start, %.2f at "
        "the end), so absolute figures move; the ratio is the point. Command: "
        "`BENCH_SECONDS=%d BENCH_RUNS=%d /usr/bin/python3 bench/api_bench.py`." % (
            PATH, QUERY, len(plain), len(gz), B.SECS, B.RUNS, load0[0], load1[0], B.SECS,
            B.RUNS),
        "",
        "| connections | encoding | byline req/s | nginx req/s | ratio | byline p99 ms | "
        "nginx p99 ms | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cell in res:
        b, n = cell["byline"], cell["nginx"]
        r = b["rps"] / n["rps"] if n["rps"] else 0
        lines.append("| %d | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %s |" % (
            cell["conns"], cell["enc"], b["rps"], n["rps"], r, b["p99"], n["p99"],
            "met (>= 1.0)" if r >= 1.0 else "missed (>= 1.0)"))
    lines.append("")
    lines.append("Non-2xx answers: byline %d, nginx %d." % (
        sum(c["byline"]["non2xx"] for c in res), sum(c["nginx"]["non2xx"] for c in res)))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
