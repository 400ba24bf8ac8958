"""/metrics in Prometheus's text format (issue 17, "Running it in production").

  1. from loopback (the default --metrics-allow): requests by route pattern
     and status, cache hits and misses, queue depths (mail, webhooks,
     webmentions, media variants), a database statement-time histogram;
     never cached (no-store, and counts move between two reads)
  2. an address not allowed (a trusted proxy forwarding a reader, or
     --metrics-allow naming another network) gets 404, nothing else
  3. --metrics-allow with a CIDR list lets that network in; a bad list is
     refused at start
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done, run_cli  # noqa: E402


def value(text, name, labels=""):
    m = re.search(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


# 1.
srv = Server(demo=True)
srv.get("/")
srv.get("/")
srv.get("/no-such-page-here/")
srv.sql("INSERT INTO mail_queue(to_addr, subject, body, created_at, next_at) "
        "VALUES ('a@example.com', 's', 'b', 0, 0)")
srv.sql("UPDATE mail_queue SET next_at = 9999999999")  # not sent while we look
m1 = srv.get("/metrics")
check(m1.status == 200, "/metrics answers loopback", m1.status)
check(m1.header("Content-Type").startswith("text/plain; version=0.0.4"),
      "Prometheus's text format", m1.header("Content-Type"))
check("no-store" in (m1.header("Cache-Control") or ""), "never cached (no-store)",
      m1.header("Cache-Control"))
t = m1.body.decode()
check("# TYPE byline_http_requests_total counter" in t, "requests are a counter", t[:400])
home = value(t, "byline_http_requests_total", '{route="/",status="200"}')
check(home == 2, "two requests for / counted under its route pattern", home)
check(value(t, "byline_http_requests_total", '{route="other",status="404"}') == 1,
      "a path no route takes counts as route=other (no label from the reader)", t)
check(value(t, "byline_cache_misses_total") >= 1 and value(t, "byline_cache_hits_total") >= 1,
      "cache hits and misses counted", t)
for q in ("mail", "webhooks", "webmentions", "media_variants"):
    v = value(t, "byline_queue_depth", '{queue="%s"}' % q)
    check(v is not None and v >= 0, "queue depth of %s" % q, t)
check(value(t, "byline_queue_depth", '{queue="mail"}') >= 1, "the waiting mail is counted", t)
check("# TYPE byline_db_statement_seconds histogram" in t, "database time is a histogram", t)
inf = value(t, "byline_db_statement_seconds_bucket", '{le="+Inf"}')
check(inf and inf > 0 and value(t, "byline_db_statement_seconds_count") == inf,
      "statements counted, +Inf bucket equals the count", t)
check(value(t, "byline_db_statement_seconds_sum") is not None, "a sum of statement time", t)
buckets = [float(x) for x in re.findall(r'^byline_db_statement_seconds_bucket\{le="[^+]\S*"\} (\S+)$',
                                        t, re.M)]
check(buckets == sorted(buckets), "buckets are cumulative", buckets)
srv.get("/")
m2 = srv.get("/metrics").body.decode()
check(value(m2, "byline_http_requests_total", '{route="/",status="200"}') == 3,
      "a second read sees the new count (not a cached copy)", m2[:600])
check(value(m2, "byline_http_requests_total", '{route="/metrics",status="200"}') >= 1,
      "/metrics itself is counted", m2[:600])

# 2. a reader forwarded by the trusted proxy is not loopback
r = srv.get("/metrics", ip="203.0.113.5")
check(r.status == 404 and b"byline_" not in r.body, "a forwarded reader gets 404", r.body[:200])
srv.stop()

srv = Server(demo=True, args=("--metrics-allow", "10.0.0.0/8"))
r = srv.get("/metrics")
check(r.status == 404, "loopback not in --metrics-allow: 404", r.status)
r = srv.get("/metrics", ip="10.1.2.3")
check(r.status == 200 and b"byline_http_requests_total" in r.body,
      "an address in the allowed network gets the metrics", r.status)
r = srv.get("/metrics", ip="11.1.2.3")
check(r.status == 404, "one outside it does not", r.status)
srv.stop()

# 3. a bad list
rc, out, err = run_cli("serve", "--db", "/nonexistent/x.db", "--metrics-allow", "10.0.0.0/99",
                       check_rc=False)
check(rc == 2 and "metrics-allow" in err, "a bad --metrics-allow is refused", err)

done()
