"""The HTTP layer's limits (issue 11, the audit's holes in src/http/):

- a request's body limit depends on who asks: signed out, a staff route
  takes a few KB, refused (403) from the head alone, before `100 Continue`,
  and a signed-out refusal never echoes much of what was sent; the server's
  memory stays within its budget (VmHWM measured) while clients that never
  read their answers post 20 MB bodies, and past the budget a body waits
  for nothing: 503 with Retry-After;
- a slowly trickled body is refused (408) by its minimum rate, and at the
  connection cap slow bodies give way to a new reader;
- behind a trusted proxy (--trust-proxy: 127.0.0.1), its 256 keep-alive
  connections are not cut by the per-address cap; each client it names has
  the cap on requests in flight instead (503 past it);
- the HTTP layer's own refusals carry the security headers; a Host that is
  not a host, a lone LF in a chunked body and a broken %-escape in a path
  are 400; a body sent where no route takes one is 404 or 405 unread.

    BYLINE_BIN=build/byline python3 tests/request/test_http_limits.py

About 40 s.
"""
import hashlib
import os
import re
import select
import shutil
import socket
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Server, check, done, run_cli  # noqa: E402
from test_resilience import Site, fresh_db, get_status, read_response, wait_closed  # noqa: E402

SANITIZED = bool(os.environ.get("BYLINE_SANITIZED"))
SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def say(*a):
    print("  ..", *a, flush=True)


def raw(port, data, timeout=5, source=None):
    """Sends data on a new connection; returns (status line, headers, body, closed)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=source)
    try:
        sock.sendall(data if isinstance(data, bytes) else data.encode("latin-1"))
        return read_response(sock, timeout=timeout)
    finally:
        sock.close()


def code(status):
    return status.split(" ")[1] if status.startswith("HTTP/") and " " in status else status


def admin_session(db, role="administrator", email="limits-admin@example.com"):
    """A live session for a new account of `role`: (cookie token, csrf)."""
    run_cli("user", "--db", db, "add", "--email", email, "--name", "Limits " + role,
            "--role", role)
    token = os.urandom(16).hex()
    csrf = os.urandom(16).hex()
    uid = db_sql(db, "SELECT id FROM users WHERE email = ?", email)[0][0]
    now = int(time.time())
    db_sql(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, seen_at, ip) "
           "VALUES (?, ?, ?, ?, ?, '')",
           hashlib.sha256(token.encode()).hexdigest(), uid, csrf, now, now)
    return token, csrf


def db_sql(db, query, *args):
    """One statement in SQLite's dialect on a site's database, whichever
    engine holds it (test_resilience's fresh_db sites may be SQLite files
    in the PostgreSQL pass), committed; its rows."""
    if db.startswith("postgres"):
        con = harness._pg_admin_for(db)
        try:
            cur = con.cursor()
            cur.execute(*harness.pg_sql(query, args))
            return cur.fetchall() if cur.description else []
        finally:
            con.close()
    con = sqlite3.connect(db, timeout=10)
    try:
        rows = con.execute(query, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def vm(pid, field):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^%s:\s+(\d+) kB" % field, f.read(), re.M)
    return int(m.group(1)) * 1024 if m else 0


# ---------------------------------------------------------------------------

def http_layer_refusals(s):
    host = "Host: 127.0.0.1:%d\r\n" % s.port
    post = ("POST /2026/10/22/council-approves-city-budget/ HTTP/1.1\r\n%s"
            "Content-Type: application/x-www-form-urlencoded\r\n" % host)
    cases = [
        # host_not_a_host_is_400
        ("Host with userinfo (127.0.0.1@evil.example)", "400",
         "GET / HTTP/1.1\r\nHost: 127.0.0.1@evil.example\r\nConnection: close\r\n\r\n"),
        ("Host with a space", "400", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
        ("Host with a path", "400", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
        # chunked_lone_lf_is_400
        ("chunked: lone LF after the size", "400",
         post + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
        ("chunked: lone LF after the data", "400",
         post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"),
        ("chunked: lone LF in the last chunk", "400",
         post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\n\n"),
        # broken_percent_path_is_400
        ("/search%?q=%zz", "400", "GET /search%?q=%zz HTTP/1.1\r\n" + host + "\r\n"),
        ("/a%2/", "400", "GET /a%2/ HTTP/1.1\r\n" + host + "\r\n"),
        # post_where_no_route_is_404_or_405 (413 before): refused unread
        ("POST to an unknown path, Content-Length 10,000,000", "404",
         "POST /no-such-page/ HTTP/1.1\r\n%sContent-Length: 10000000\r\n\r\n" % host),
        ("POST to a GET-only path, Content-Length 10,000,000", "405",
         "POST /healthz HTTP/1.1\r\n%sContent-Length: 10000000\r\n\r\n" % host),
        ("chunked POST to an unknown path", "404",
         "POST /no-such-page/ HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n"
         "100000\r\n" % host),
        # the other refusals, for their headers
        ("request line over 8 KiB", "414",
         "GET /%s HTTP/1.1\r\n%s\r\n" % ("a" * 9000, host)),
        ("one header over 8 KiB", "431", "GET / HTTP/1.1\r\n%sX-Big: %s\r\n\r\n"
         % (host, "b" * 9000)),
        ("Transfer-Encoding gzip", "501", post + "Transfer-Encoding: gzip\r\n\r\n"),
        ("HTTP/2.0", "505", "GET / HTTP/2.0\r\n%s\r\n" % host),
        ("comment POST over its limit", "413", post + "Content-Length: 10000000\r\n\r\n"),
    ]
    for name, want, req in cases:
        t0 = time.time()
        status, headers, body, _ = raw(s.port, req)
        took = time.time() - t0
        check(code(status) == want, "%s: %s" % (name, want), "answered %s" % status)
        check(took < 2, "%s: answered at once, no body read (%.2f s)" % (name, took))
        missing = [k for k, v in SECURITY.items() if headers.get(k) != v]
        csp = headers.get("content-security-policy", "")
        if "script-src 'none'" not in csp:
            missing.append("content-security-policy")
        # refusal_has_security_headers
        check(not missing, "%s: the refusal carries the security headers" % name,
              "missing %s in %s" % (missing, headers))
        if want == "405":
            check(headers.get("allow") == "GET, HEAD", "the 405 says what is allowed", headers)
    # Without a body the site answers them itself.
    r = s.request("POST", "/no-such-page/", body=b"")
    check(r.status == 404, "POST with no body to an unknown path: 404", r.status)
    r = s.request("POST", "/healthz", body=b"")
    check(r.status == 405 and r.header("Allow") == "GET, HEAD",
          "POST with no body to a GET-only path: 405, Allow: GET, HEAD",
          (r.status, r.header("Allow")))
    r = s.get("/search/?q=%zz")
    check(r.status == 200, "a broken %-escape in the query stays the search's business",
          r.status)
    r = s.request("GET", "/", headers={"Host": "[::1]:8080"})
    check(r.status == 200, "an IPv6 Host is a host", r.status)
    # 408, by a stalled head on a short-timeout server elsewhere; the 503s below.


STAFF_ROUTES = ["/admin/media/", "/admin/articles/new", "/admin/articles/1/",
                "/admin/profile"]


def signed_out_bodies(s):
    host = "Host: 127.0.0.1:%d\r\n" % s.port
    fake = "Cookie: byline_session=%s\r\n" % ("0" * 32)
    for path in STAFF_ROUTES:
        for label, cookie in (("signed out", ""), ("a forged session cookie", fake)):
            # signed_out_body_refused_from_the_head: 21 MB declared, Expect:
            # 100-continue: no 100, a 403 at once, the connection closed.
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            try:
                t0 = time.time()
                sock.sendall(("POST %s HTTP/1.1\r\n%s%sContent-Type: multipart/form-data; "
                              "boundary=x\r\nContent-Length: 21000000\r\n"
                              "Expect: 100-continue\r\n\r\n" % (path, host, cookie)).encode())
                status, headers, body, closed = read_response(sock, timeout=3)
                took = time.time() - t0
                check(code(status) == "403", "POST %s, 21 MB, %s: 403 before the body"
                      % (path, label), "answered %s" % status)
                check(took < 1.5, "POST %s, %s: at once (%.2f s)" % (path, label, took))
                check(b"sign in" in body.lower(), "POST %s, %s: the answer says to sign in"
                      % (path, label), body[:200])
                check(closed or wait_closed(sock), "POST %s, %s: closed after" % (path, label))
            finally:
                sock.close()
        # The same as chunked: refused once past a few KB, long before 21 MB.
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        try:
            sock.sendall(("POST %s HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                          % (path, host)).encode())
            sent = 0
            try:
                chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
                while sent < 21000000:
                    sock.sendall(chunk)
                    sent += 65536
                    if select.select([sock], [], [], 0)[0]:
                        break
            except OSError:
                pass
            status, _, _, _ = read_response(sock, timeout=3)
            check(code(status) == "403" and sent < 4000000,
                  "POST %s chunked, signed out: 403 after %d KB sent" % (path, sent // 1024),
                  status)
        finally:
            sock.close()

    token, csrf = admin_session(s.db)
    # A signed-in administrator still gets `100 Continue` (and the upload's limit).
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    try:
        sock.sendall(("POST /admin/media/ HTTP/1.1\r\n%sCookie: byline_session=%s\r\n"
                      "Content-Type: multipart/form-data; boundary=x\r\n"
                      "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"
                      % (host, token)).encode())
        sock.settimeout(3)
        first = sock.recv(100)
        check(first.startswith(b"HTTP/1.1 100 Continue"), "signed in: 100 Continue for a "
              "1 MB upload", first)
    finally:
        sock.close()

    # forbidden_page_does_not_echo_large_input: signed out, a 6 KB field (under
    # the 8 KB a signed-out request may send) is not shown back; a small one is.
    big = "<" * 6000
    r = s.request("POST", "/admin/media/", body=("note=" + big).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 403 and "&lt;" * 100 not in r.text and len(r.body) < 20000,
          "signed out, a 6 KB field: 403 without it (%d bytes)" % len(r.body), r.status)
    check("not kept" in r.text, "and the page says it was not kept")
    r = s.request("POST", "/admin/media/", body=b"note=remember+this",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 403 and "remember this" in r.text, "signed out, a small field: shown "
          "back", r.status)
    # Signed in with an out-of-date token: what was typed comes back, large or not.
    r = s.request("POST", "/admin/comments/", body=("csrf=stale&note=" + "w" * 6000).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded",
                           "Cookie": "byline_session=" + token,
                           "Origin": "http://127.0.0.1:%d" % s.port})
    check(r.status == 403 and "w" * 6000 in r.text, "signed in, stale token, a 6 KB field: "
          "shown back", r.status)
    return token, csrf


def memory_attack():
    """memory_held_by_signed_out_posts: eight clients (from four addresses)
    post 20 MB bodies signed out to the four staff routes and never read
    their answers (as the audit's four held 750 MB)."""
    d, db = fresh_db("byline-mem-")
    site = Site(db)
    try:
        if not check(site.start(), "server starts", site.stderr()[-400:]):
            return
        pid = site.proc.pid
        get_status(site.port, "/")
        base = vm(pid, "VmHWM")
        results = []

        def attacker(i):
            path = STAFF_ROUTES[i % len(STAFF_ROUTES)]
            src = ("127.0.0.%d" % (2 + i % 4), 0)
            sent = 0
            try:
                sock = socket.create_connection(("127.0.0.1", site.port), timeout=10,
                                                source_address=src)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                chunked = i % 2
                head = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        "application/x-www-form-urlencoded\r\n%s\r\n"
                        % (path, "Transfer-Encoding: chunked\r\n" if chunked
                           else "Content-Length: 20000000\r\n"))
                sock.sendall(head.encode())
                block = b"a=" + b"<" * (65536 - 2)
                while sent < 20000000:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
                    sent += len(block)
                time.sleep(3)  # holding the connection, never reading
                sock.close()
            except OSError:
                pass
            results.append(sent)

        threads = [threading.Thread(target=attacker, args=(i,)) for i in range(8)]
        t0 = time.time()
        for t in threads:
            t.start()
        peak = 0
        while any(t.is_alive() for t in threads) and time.time() - t0 < 60:
            peak = max(peak, vm(pid, "VmRSS"))
            time.sleep(0.05)
        for t in threads:
            t.join(timeout=30)
        hwm = vm(pid, "VmHWM")
        say("memory attack: 8 clients, 20 MB each signed out; server VmHWM %.1f MB "
            "(%.1f MB before), VmRSS peak seen %.1f MB, %.1f s"
            % (hwm / 1e6, base / 1e6, peak / 1e6, time.time() - t0))
        check(hwm - base < 40e6, "the attack grew the server's VmHWM by under 40 MB "
              "(%.1f MB)" % ((hwm - base) / 1e6))
        if not SANITIZED:  # ASan's shadow and quarantine are not the server's
            check(hwm < 100e6, "the server's VmHWM stayed under 100 MB (%.1f MB)" % (hwm / 1e6))
        st, _ = get_status(site.port, "/healthz")
        check(st == 200, "the server answers after the attack", st)
        check(site.stop() == 0, "and stops cleanly", site.stderr()[-600:])
    finally:
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


def budget():
    """memory_budget_503: with --max-body-mb 2, a signed-in upload of 1.5 MB
    still arriving holds its share; a second one is answered 503 with
    Retry-After at once, a third once the first is done is taken."""
    d, db = fresh_db("byline-budget-")
    site = Site(db, args=["--max-body-mb", "2"])
    try:
        if not check(site.start(), "server with --max-body-mb 2 starts", site.stderr()[-400:]):
            return
        token, _ = admin_session(db)
        head = ("POST /admin/media/ HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: "
                "byline_session=%s\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                "Content-Length: 1500000\r\n\r\n" % (site.port, token)).encode()
        first = socket.create_connection(("127.0.0.1", site.port), timeout=5)
        first.sendall(head + b"x" * 1000)
        time.sleep(0.3)
        status, headers, _, _ = raw(site.port, head, timeout=3)
        check(code(status) == "503" and headers.get("retry-after"),
              "a second 1.5 MB body past the 2 MB budget: 503 with Retry-After",
              "%s %s" % (status, headers))
        first.sendall(b"x" * (1500000 - 1000))
        status, _, _, _ = read_response(first, timeout=10)
        first.close()
        check(code(status) in ("400", "422", "403", "303", "200"),
              "the first one is read whole and answered by the site", status)
        status, _, _, _ = raw(site.port, head + b"y" * 1500000, timeout=10)
        check(code(status) != "503", "and once it is done the next is taken", status)
        check(site.stop() == 0, "and stops cleanly", site.stderr()[-600:])
    finally:
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


def slow_bodies():
    """slow_body_refused_and_evicted: a body trickled one byte every 0.3 s
    (never pausing 2 s) is refused 408 by its minimum rate; eight such
    bodies from four addresses at --max-conns 8 do not lock a new reader
    out."""
    d, db = fresh_db("byline-slowbody-")
    site = Site(db, args=["--timeout", "2", "--max-conns", "8", "--max-conns-per-ip", "2"])
    try:
        if not check(site.start(), "server with --timeout 2 --max-conns 8 starts",
                     site.stderr()[-400:]):
            return
        head = ("POST /2026/10/22/council-approves-city-budget/ HTTP/1.1\r\nHost: h\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\n").encode()
        stop = threading.Event()
        answers = {}
        heads = {}

        def trickle(i):
            try:
                sock = socket.create_connection(("127.0.0.1", site.port), timeout=10,
                                                source_address=("127.0.0.%d" % (2 + i // 2), 0))
            except OSError as e:
                answers[i] = (type(e).__name__, 0)
                return
            t0 = time.time()
            try:
                sock.sendall(head)
                while not stop.is_set():
                    sock.sendall(b"a")
                    if select.select([sock], [], [], 0.3)[0]:
                        break
                status, headers, _, closed = read_response(sock, timeout=1)
                answers[i] = (status if status != "(no answer)" else
                              "closed" if closed else "nothing", time.time() - t0)
                heads[i] = headers
            except OSError as e:
                answers[i] = (type(e).__name__, time.time() - t0)
            finally:
                sock.close()

        threads = [threading.Thread(target=trickle, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        t0 = time.time()
        st, _ = get_status(site.port, "/healthz", timeout=3, source=("127.0.0.9", 0))
        check(st == 200, "eight slow bodies at --max-conns 8: a new reader is answered "
              "(%.2f s)" % (time.time() - t0), st)
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=10)
        rate_408 = [a for a in answers.values() if a[0].startswith("HTTP/1.1 408")]
        say("slow bodies: %s" % sorted(answers.items()))
        check(len(rate_408) >= 1 and all(a[1] < 6 for a in rate_408),
              "a body trickled a byte every 0.3 s is refused 408 within about 3 s "
              "(its minimum rate)", answers)
        check(all(not a[0].startswith("HTTP/1.1 200") for a in answers.values()),
              "no trickled body was taken", answers)
        h408 = [heads.get(i, {}) for i, a in answers.items() if a[0].startswith("HTTP/1.1 408")]
        check(h408 and all("script-src 'none'" in h.get("content-security-policy", "") and
                           h.get("x-frame-options") == "SAMEORIGIN" for h in h408),
              "the 408 refusals carry the security headers", h408[:1])
        check(site.stop() == 0, "and stops cleanly", site.stderr()[-600:])
    finally:
        stop.set()
        site.kill()
        shutil.rmtree(d, ignore_errors=True)


def proxy_caps(s):
    """With --trust-proxy, 127.0.0.1 is the proxy: its connections are not
    capped per address (256 keep-alive ones all answered, as nginx in front
    keeps them); the clients it names have the cap per request instead."""
    conns = []
    answered = 0
    try:
        for i in range(256):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            conns.append(c)
        for i, c in enumerate(conns):
            c.sendall(("GET /healthz HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 198.51.100.%d"
                       "\r\n\r\n" % (i % 200)).encode())
        for c in conns:
            status, headers, _, closed = read_response(c, timeout=5)
            if status.startswith("HTTP/1.1 200") and not closed:
                answered += 1
        # and each kept alive answers again
        again = 0
        for c in conns[:16]:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
            if read_response(c, timeout=5)[0].startswith("HTTP/1.1 200"):
                again += 1
    finally:
        for c in conns:
            c.close()
    # proxy_connections_not_capped_per_address
    check(answered == 256, "256 keep-alive connections from the trusted proxy: all "
          "answered and kept (%d)" % answered)
    check(again == 16, "and answer again on the same connections (%d of 16)" % again)

    # per_forwarded_client_requests_in_flight: 32 bodies still arriving from
    # one forwarded client; its 33rd request is 503, another client's is not.
    held = []
    try:
        for i in range(32):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            c.sendall(b"POST /2026/10/22/council-approves-city-budget/ HTTP/1.1\r\nHost: h\r\n"
                      b"X-Forwarded-For: 203.0.113.7\r\nContent-Length: 100\r\n\r\nab")
            held.append(c)
        time.sleep(0.3)
        status, headers, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                                    "X-Forwarded-For: 203.0.113.7\r\n\r\n", timeout=3)
        check(code(status) == "503" and headers.get("retry-after"),
              "a forwarded client with 32 requests in flight: its 33rd is 503 with "
              "Retry-After", "%s %s" % (status, headers))
        status, _, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                              "X-Forwarded-For: 203.0.113.8\r\n\r\n", timeout=3)
        check(code(status) == "200", "another forwarded client meanwhile: 200", status)
        status, _, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                              "X-Forwarded-For: 2001:db8:5:6::1\r\n\r\n", timeout=3)
        check(code(status) == "200", "a forwarded IPv6 client: 200", status)
    finally:
        for c in held:
            c.close()
    # forwarded_ipv6_counted_per_64: one subscriber's /64 is one client.
    held = []
    try:
        for i in range(32):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            c.sendall(b"POST /2026/10/22/council-approves-city-budget/ HTTP/1.1\r\nHost: h\r\n"
                      b"X-Forwarded-For: 2001:db8:7:8::%x\r\nContent-Length: 100\r\n\r\nab"
                      % (i + 1))
            held.append(c)
        time.sleep(0.3)
        status, headers, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                                    "X-Forwarded-For: 2001:db8:7:8:ffff::99\r\n\r\n", timeout=3)
        check(code(status) == "503", "32 requests in flight from 32 addresses of one IPv6 /64: "
              "a 33rd address of that /64 is 503", status)
        status, _, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                              "X-Forwarded-For: 2001:db8:7:9::1\r\n\r\n", timeout=3)
        check(code(status) == "200", "the next /64 meanwhile: 200", status)
    finally:
        for c in held:
            c.close()
    time.sleep(0.3)
    status, _, _, _ = raw(s.port, "GET /healthz HTTP/1.1\r\nHost: h\r\n"
                          "X-Forwarded-For: 203.0.113.7\r\n\r\n", timeout=3)
    check(code(status) == "200", "once they are gone it is answered again", status)

    # Not from the proxy: X-Forwarded-For is not believed, the address is capped.
    conns = []
    try:
        for i in range(33):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5,
                                         source_address=("127.0.0.4", 0))
            conns.append(c)
            time.sleep(0.005)
        status, headers, _, closed = read_response(conns[-1], timeout=3)
        # conn_cap_answered_503
        check(code(status) == "503" and headers.get("retry-after") and
              headers.get("x-content-type-options") == "nosniff",
              "the 33rd connection from 127.0.0.4 (not the proxy) is answered 503 with "
              "Retry-After, not closed in silence", "%s %s" % (status, headers))
    finally:
        for c in conns:
            c.close()


def main():
    s = Server(demo=True)
    try:
        t = time.time()
        http_layer_refusals(s)
        say("refusals: %.1f s" % (time.time() - t))
        t = time.time()
        signed_out_bodies(s)
        say("signed-out bodies: %.1f s" % (time.time() - t))
        t = time.time()
        proxy_caps(s)
        say("proxy caps: %.1f s" % (time.time() - t))
    finally:
        s.stop()
    t = time.time()
    memory_attack()
    say("memory attack: %.1f s" % (time.time() - t))
    t = time.time()
    budget()
    say("budget: %.1f s" % (time.time() - t))
    t = time.time()
    slow_bodies()
    say("slow bodies: %.1f s" % (time.time() - t))
    done()


if __name__ == "__main__":
    main()
