#!/usr/bin/python3
"""Cache-miss render of the photo-heavy pages, two builds in the same run.

    /usr/bin/python3 bench/render_ab.py SITE.db DATA_DIR BEFORE_BIN AFTER_BIN [N]

Starts each binary as `byline serve --no-cache` (server on core 0, this
client on core 1, as bench/bench.py does), and times N sequential GETs
(default 300, after 20 unmeasured) of the home page and the first page of
section-1 on one keep-alive connection, the two servers taking turns in
rounds of 50 so that load from elsewhere on the machine falls on both.
Prints min/p10/p50/p95/p99 per page and build (on a busy machine the
fastest requests are the ones nothing else interrupted), the bytes of each answer, and the
server's CPU time per request (user + system from /proc/PID/stat over the
timed requests: less disturbed than wall time on a shared machine)."""
import http.client, os, select, subprocess, sys, time

SITE, DATA, BINS = sys.argv[1], sys.argv[2], sys.argv[3:5]
N = int(sys.argv[5]) if len(sys.argv) > 5 else 300
PATHS = ["/", "/category/section-1/"]


def start(binary):
    p = subprocess.Popen([binary, "serve", "--db", SITE, "--data", DATA,
                          "--listen", "127.0.0.1:0", "--quiet", "--max-conns-per-ip", "0",
                          "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         preexec_fn=lambda: os.sched_setaffinity(0, {0}))
    data = b""
    while b"\n" not in data:
        r, _, _ = select.select([p.stdout], [], [], 60)
        if not r:
            raise RuntimeError("no port")
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError("%s did not start" % binary)
        data += chunk
    port = int(data.split(b"127.0.0.1:")[1].split(b"/")[0])
    return p, http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def get(c, path):
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    return r.status, body, time.perf_counter() - t


def cpu_ms(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]


os.sched_setaffinity(0, {1})
servers = [start(b) for b in BINS]
times = {(b, path): [] for b in range(len(BINS)) for path in PATHS}
size = {}
cpu = {k: 0.0 for k in times}
try:
    for b, (_, c) in enumerate(servers):
        for path in PATHS:
            for _ in range(20):
                st, body, _ = get(c, path)
                assert st == 200, (BINS[b], path, st)
            size[(b, path)] = len(body)
    done = 0
    while done < N:
        k = min(50, N - done)
        for b, (_, c) in enumerate(servers):
            for path in PATHS:
                c0 = cpu_ms(servers[b][0].pid)
                for _ in range(k):
                    times[(b, path)].append(get(c, path)[2] * 1000)
                cpu[(b, path)] += cpu_ms(servers[b][0].pid) - c0
        done += k
finally:
    for p, c in servers:
        c.close()
        p.terminate()
        p.wait()
print("load average: %s" % open("/proc/loadavg").read().split()[:3])
print("| page | build | bytes | min ms | p10 ms | p50 ms | p95 ms | p99 ms | p50 / 2 ms |"
      " CPU ms a request |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for path in PATHS:
    for b in range(len(BINS)):
        t = times[(b, path)]
        print("| `%s` | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
            path, ("before", "after")[b], size[(b, path)], min(t), pct(t, 10), pct(t, 50),
            pct(t, 95), pct(t, 99), pct(t, 50) / 2, cpu[(b, path)] / len(t)))
