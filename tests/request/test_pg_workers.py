"""Worker threads on PostgreSQL (issue 17, bench/POSTGRESQL.md): a worker
spends a write waiting for the database server (round trips, the commit's
WAL flush), so `byline serve` on PostgreSQL starts 8 workers unless
--threads says otherwise (SQLite keeps 2: its writes share one writer).

  with the gates table locked from psql, four comments posted at once wait
    in their transactions (on the row lock of their network's gate), and a
    page that is not cached is still answered at once by a free worker
  the control: with --threads 2 the same page waits behind the two
    blocked comments (so the check above is about the number of workers)
  once the lock goes, every one of the comments is stored (303)

Skipped, never passed, when no PostgreSQL server binaries are found.
"""
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli, psql  # noqa: E402

ART = "/2026/10/22/council-approves-city-budget/"
# Pages never asked for before, so each is a miss that needs a worker.
FRESH = ["/2026/10/25/second-reading-budget-promises/", "/2026/10/18/mariners-hold-dunmore-to-draw/"]


class Locker:
    """psql holding the gates table in EXCLUSIVE mode (every gate_take waits)."""

    def __init__(self, folder):
        self.p = subprocess.Popen(["psql", "-h", folder, "-U", "byline", "-d", "byline", "-Atq"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.p.stdin.write("BEGIN; LOCK TABLE gates IN EXCLUSIVE MODE; SELECT 'locked';\n")
        self.p.stdin.flush()
        self.ok = self.p.stdout.readline().strip() == "locked"

    def release(self):
        self.p.stdin.write("ROLLBACK;\n\\q\n")
        self.p.stdin.flush()
        self.p.wait(timeout=30)


def waiting_on_locks(folder):
    return int(psql(folder, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND query LIKE 'UPDATE gates%'"))


def round_of(node, folder, token, tag, fresh):
    """Four posts blocked on the gates, then a fresh page: (its status or
    None if it did not come within 3 s, the posts' statuses)."""
    locker = Locker(folder)
    check(locker.ok, "%s: psql holds the gates table" % tag)
    codes = []

    def post(i):
        r = node.request("POST", ART, {
            "comment": "Blocked comment %s %d, held on the gate." % (tag, i),
            "author": "Reader %d" % i, "email": "r%d@example.com" % i, "url": "",
            "comment_parent": "0", "byline_token": token, "byline_hp": ""},
            ip="198.%d.%d.7" % (18 + i, len(tag)), timeout=120)
        codes.append(r.status)

    posts = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for t in posts:
        t.start()
    deadline = time.monotonic() + 20
    while waiting_on_locks(folder) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    check(waiting_on_locks(folder) >= 2, "%s: comments wait on the gate" % tag)
    status = None
    try:
        status = node.request("GET", fresh, timeout=3).status
    except OSError:  # socket.timeout
        status = None
    locker.release()
    for t in posts:
        t.join(120)
    return status, codes


def main():
    if not shutil.which("psql"):
        skip("workers on PostgreSQL", "no psql client")
        return
    started = cluster_start("workers on PostgreSQL")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-pgw-")
    nodes = []
    try:
        for args in (("demo", "--db", db),
                     ("settings", "--db", db, "set", "comment_min_seconds", "0"),
                     ("settings", "--db", db, "set", "comment_flood_seconds", "0"),
                     ("settings", "--db", db, "set", "moderation", "none")):
            rc, out, err = cli(work, *args)
            check(rc == 0, " ".join(args[:1] + args[3:]), err)
        aid = int(psql(folder, "SELECT id FROM articles WHERE slug = 'council-approves-city-budget'"))
        key = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
        ts = int(time.time()) - 60
        token = "%d.%s" % (ts, hmac.new(key, ("form|%d|%d" % (aid, ts)).encode(),
                                        hashlib.sha256).hexdigest()[:32])

        node = Node(db, work, "default")
        nodes.append(node)
        status, codes = round_of(node, folder, token, "default", FRESH[0])
        check(status == 200, "default workers: a fresh page is answered while four comments "
              "wait on the database", status)
        check(sorted(codes) == [303] * 4, "default workers: the four comments are stored", codes)
        node.stop()
        nodes.remove(node)

        node = Node(db, work, "two", extra=["--threads", "2"])
        nodes.append(node)
        status, codes = round_of(node, folder, token, "two", FRESH[1])
        check(status is None, "--threads 2 (control): the fresh page waits behind the two "
              "blocked comments", status)
        check(sorted(codes) == [303] * 4, "--threads 2: the four comments are stored", codes)
        stored = int(psql(folder, "SELECT count(*) FROM comments WHERE body LIKE 'Blocked comment %'"))
        check(stored == 8, "every blocked comment is in the database", stored)
    finally:
        for n in nodes:
            n.stop()
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
