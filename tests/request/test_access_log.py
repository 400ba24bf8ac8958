"""Structured access logs (issue 17, "Running it in production").

`byline serve --access-log json` writes one JSON object a request on
standard output: time, method, path, status, bytes, duration, the client
address as trusted (a trusted proxy's X-Forwarded-For), and whether the
page cache answered.  `--access-log logfmt` writes the same as key=value.
Without the option nothing is logged per request.

  1. JSON: one line per request, every field, the forwarded client, a
     miss then a hit for the same page, a 404 and a refusal logged too
  2. logfmt: the same fields
  3. a path with quotes and control bytes stays one well-formed line
  4. an unknown format is refused at start
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402


def served_lines(srv):
    """Stops srv and gives the lines it wrote on standard output after the
    start banner."""
    srv.proc.terminate()
    out = srv.proc.stdout.read()
    srv.proc.wait(timeout=30)
    srv.stop()
    return [l for l in out.splitlines() if l.startswith("{") or l.startswith("time=")]


# 1. JSON
srv = Server(demo=True, args=("--access-log", "json"))
r1 = srv.get("/", ip="203.0.113.7")
r2 = srv.get("/", ip="203.0.113.7")
r3 = srv.get("/no-such-page-here/", ip="198.51.100.9")
r4 = srv.request("GET", "/" + "a" * 9000)  # over the target limit: refused by the server
lines = served_lines(srv)
recs = []
for l in lines:
    try:
        recs.append(json.loads(l))
    except ValueError:
        check(False, "every access log line is JSON", l)
check(len(recs) == 4, "one line per request (4)", lines)
if len(recs) >= 3:
    a, b, c = recs[0], recs[1], recs[2]
    for k in ("time", "method", "path", "status", "bytes", "duration_ms", "client", "cache"):
        check(k in a, "the JSON line has %s" % k, a)
    check(a.get("method") == "GET" and a.get("path") == "/" and a.get("status") == 200,
          "method, path and status as requested", a)
    check(a.get("bytes") == len(r1.body), "bytes is the body sent (%d)" % len(r1.body), a)
    check(isinstance(a.get("duration_ms"), (int, float)) and a["duration_ms"] >= 0,
          "a duration in milliseconds", a)
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", a.get("time", "")),
          "time is UTC ISO 8601 with milliseconds", a)
    check(a.get("client") == "203.0.113.7", "the client is the trusted proxy's X-Forwarded-For",
          a)
    check(a.get("cache") == "miss" and b.get("cache") == "hit",
          "the first read of a page is a miss, the second a hit", (a, b))
    check(c.get("status") == 404 and c.get("client") == "198.51.100.9", "a 404 is logged", c)
if len(recs) == 4:
    check(recs[3].get("status") == 414, "a refusal before any handler is logged (414)", recs[3])

# 2. logfmt, and 3. hostile bytes in the path
srv = Server(demo=True, args=("--access-log", "logfmt"))
srv.get("/", ip="203.0.113.8")
srv.request("GET", '/x%22y"z/', raw_path=True)
lines = served_lines(srv)
check(len(lines) == 2, "logfmt: one line per request", lines)
if lines:
    m = re.match(r'^time=\S+ method="GET" path="/" status=200 bytes=\d+ duration_ms=[\d.]+ '
                 r'client="203\.0\.113\.8" cache=(hit|miss|none)$', lines[0])
    check(m, "logfmt carries every field", lines[0])
if len(lines) == 2:
    check('\\"' in lines[1] and lines[1].replace('\\"', '').count('"') == 6,
          "a quote in the path is escaped, the line stays well formed", lines[1])

# 4. a bad format
rc, out, err = run_cli("serve", "--db", "/nonexistent/x.db", "--access-log", "xml",
                       check_rc=False)
check(rc == 2 and "json or logfmt" in err, "an unknown --access-log format is refused", err)

done()
