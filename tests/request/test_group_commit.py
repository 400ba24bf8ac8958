"""Group commit over HTTP: comments posted at the same time share WAL fsyncs,
and every one answered 303 is stored.

    /usr/bin/python3 tests/request/test_group_commit.py

The server runs with 8 threads under strace, which counts its fsync and
fdatasync calls on the WAL file; 8 clients post 64 distinct comments at
once.  With one commit (one WAL fsync) per comment the count would be at
least 64; the write queue (src/db/db_sqlite.c) must need fewer.  About 5 s.
Needs strace (Debian package strace).

On PostgreSQL (BYLINE_TEST_PG) the WAL and its fsyncs are the database
server's, not Byline's (and the test cluster runs with fsync off): the same
64 comments are posted at once without strace, and each one answered 303
must be stored; the fsync count is SQLite's alone.
"""
import hashlib
import hmac
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import BYLINE, check, done, run_cli, site_db, site_drop  # noqa: E402

ARTICLE_LINK = re.compile(r'href="(?:https?://[^/"]+)?(/\d{4}/\d{2}/\d{2}/[^/"?#]+/)"')
CLIENTS = 8
POSTS = 64


def wal_syncs(trace):
    """fsync/fdatasync calls on the WAL file so far, from strace -y output."""
    try:
        with open(trace, errors="replace") as f:
            return sum(1 for ln in f if re.search(r"\b(?:fsync|fdatasync)\(\d+<[^>]*-wal>", ln))
    except OSError:
        return 0


def traced_child(pid):
    """The pid of the program strace (pid) started, or None."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    except OSError:
        return None


def db_rows(db, query, *args):
    """The rows of one query (SQLite's dialect) on the site's database."""
    if harness.PG:
        con = harness._pg_admin_for(db)
        try:
            cur = con.cursor()
            cur.execute(*harness.pg_sql(query, args))
            return cur.fetchall()
        finally:
            con.close()
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def main():
    # The WAL fsyncs are counted on SQLite only: on PostgreSQL they are the
    # database server's own.
    traced = harness.ENGINE == "sqlite"
    if traced and not check(shutil.which("strace") is not None,
                            "strace is installed (Debian package strace)"):
        done()
    d = tempfile.mkdtemp(prefix="byline-group-")
    db = site_db(d)
    trace = os.path.join(d, "trace")
    run_cli("demo", "--db", db)
    for k in ("comment_min_seconds", "comment_flood_seconds"):
        run_cli("settings", "--db", db, "set", k, "0")
    env = dict(os.environ)
    if traced and os.environ.get("BYLINE_SANITIZED"):
        # LeakSanitizer cannot run under ptrace; the other request tests
        # check the server's exit for leaks.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                     "detect_leaks=0"]))
    strace = ["strace", "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync", "-o", trace]
    proc = subprocess.Popen(
        (strace if traced else []) + [
         BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0", "--trust-proxy", "--quiet",
         "--threads", str(CLIENTS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        cwd=harness.site_dir(["--db", db]))
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not check(m is not None, "the server starts" + (" under strace" if traced else ""),
                     line + proc.stderr.read()
                     if proc.poll() is not None else line):
            done()
        port = int(m.group(1))
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/")
        home = c.getresponse().read().decode()
        c.close()
        path = ARTICLE_LINK.search(home).group(1)
        slug = path.strip("/").split("/")[-1]
        article_id = db_rows(db, "SELECT id FROM articles WHERE slug=?", slug)[0][0]
        secret = bytes.fromhex(db_rows(db, "SELECT value FROM settings WHERE key='secret'")[0][0])
        ts = int(time.time()) - 60
        token = "%d.%s" % (ts, hmac.new(secret, ("form|%d|%d" % (article_id, ts)).encode(),
                                        hashlib.sha256).hexdigest()[:32])

        results = []
        lock = threading.Lock()
        start = threading.Barrier(CLIENTS)

        def client(w):
            start.wait()
            for i in range(POSTS // CLIENTS):
                text = "group-commit w%d n%d" % (w, i)
                body = urllib.parse.urlencode({
                    "comment": text, "author": "Grouped Reader",
                    "email": "grouped%d@example.com" % w, "url": "", "comment_parent": "0",
                    "byline_token": token, "byline_hp": ""})
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    c.request("POST", path, body=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Forwarded-For": "10.%d.%d.9" % (w, i), "Connection": "close"})
                    r = c.getresponse()
                    r.read()
                    c.close()
                    st = r.status
                except Exception as e:
                    st = type(e).__name__
                with lock:
                    results.append((text, st))

        time.sleep(0.5)         # start-up writes (settings, migrations) are done
        before = wal_syncs(trace)
        ts_ = [threading.Thread(target=client, args=(w,)) for w in range(CLIENTS)]
        t0 = time.time()
        for t in ts_:
            t.start()
        for t in ts_:
            t.join()
        took = time.time() - t0
        time.sleep(0.2)         # strace writes its lines as the calls return
        syncs = wal_syncs(trace) - before
        codes = {}
        for _, st in results:
            codes[st] = codes.get(st, 0) + 1
        check(codes == {303: POSTS}, "%d comments posted by %d clients at once: all 303"
              % (POSTS, CLIENTS), codes)
        stored = {r[0] for r in db_rows(
            db, "SELECT body FROM comments WHERE body LIKE 'group-commit %'")}
        acked = {t for t, st in results if st == 303}
        check(acked <= stored, "every comment answered 303 is stored",
              sorted(acked - stored)[:5])
        if traced:
            check(0 < syncs < POSTS, "fewer WAL fsyncs than comments (%d for %d): commits "
                  "were shared" % (syncs, POSTS), syncs)
            print("  .. %d comments from %d clients in %.2f s under strace: %d WAL fsyncs, "
                  "%.1f comments a fsync" % (POSTS, CLIENTS, took, syncs,
                                             POSTS / syncs if syncs else 0), flush=True)
        else:
            print("  .. %d comments from %d clients in %.2f s on PostgreSQL"
                  % (POSTS, CLIENTS, took), flush=True)
    finally:
        # SIGTERM to the server itself (strace would only detach from it);
        # strace then exits with the server's status.
        server = traced_child(proc.pid) if traced else proc.pid
        if proc.poll() is None and server:
            os.kill(server, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(server, signal.SIGKILL)
                proc.wait()
        elif proc.poll() is None:
            proc.kill()
            proc.wait()
        err = proc.stderr.read()
        check(proc.returncode == 0, "server stopped cleanly on SIGTERM (exit %s)"
              % proc.returncode, err[-2000:])
        proc.stdout.close()
        proc.stderr.close()
        site_drop(db)
        shutil.rmtree(d, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
