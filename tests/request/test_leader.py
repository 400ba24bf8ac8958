"""Several nodes on one PostgreSQL (issue 17): background work runs on one
node at a time, the leader of an advisory lock (db_leader).

  three `byline serve` on one database; a webhook receiver on loopback
  counting; articles scheduled a few seconds apart, each publishing
  queueing a webhook delivery
  the leader (the first node started, which took the lock) is killed with
  SIGKILL while articles are still due; another node takes over within
  seconds and publishes the rest
  mails queued to come due over those seconds, sent to an SMTP sink on
  loopback
  every scheduled article is published, every webhook delivery and every
  mail is received exactly once (each delivery id, each address once)
  PostgreSQL restarted (pg_ctl restart) while comments are posted: requests
  answer 503 or succeed, every acknowledged comment is stored, and the
  nodes answer again by themselves

Skipped, never passed, when no PostgreSQL server binaries are found.
"""
import hashlib
import hmac
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop, Node, cli, psql  # noqa: E402
from test_webhooks import Receiver  # noqa: E402
from test_mail import start_sink  # noqa: E402


N_ARTICLES = 6
N_MAILS = 24


def wait_for(cond, timeout):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    return cond()


def pg_bin():
    best = ""
    for d in sorted(os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") \
            else []:
        b = os.path.join("/usr/lib/postgresql", d, "bin")
        if os.access(os.path.join(b, "pg_ctl"), os.X_OK):
            best = b
    return best


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("leader", "no psql client")
        return
    started = cluster_start("leader")
    if not started:
        return
    folder, db = started
    work = tempfile.mkdtemp(prefix="byline-pglwork-")
    nodes = []
    rec = Receiver()
    try:
        rc, out, err = cli(work, "demo", "--db", db)
        check(rc == 0, "demo on PostgreSQL", err)
        psql(folder, "UPDATE settings SET value = '1' WHERE key = 'outbound_allow_private'")
        psql(folder, "INSERT INTO settings(key, value) SELECT 'outbound_allow_private', '1'"
             " WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'outbound_allow_private')")
        psql(folder, "INSERT INTO webhooks(url, events, secret, created_at) VALUES"
             " ('%s', 'article.published', 'leader-secret', 0)" % rec.url)
        ctl, sink, smtp_port = start_sink()
        for k, v in (("smtp_url", "smtp://127.0.0.1:%d" % smtp_port),
                     ("smtp_from", "Byline <desk@example.com>")):
            rc, out, err = cli(work, "settings", "--db", db, "set", k, v)
            check(rc == 0, "settings set " + k, err)
        nodes = [Node(db, work, follow=True) for _ in range(3)]
        time.sleep(2)  # the first node takes the lock; the others try and fail
        LOCKS = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        check(psql(folder, LOCKS) == "1", "one node holds the leader's lock",
              psql(folder, LOCKS))
        first_holder = psql(folder, "SELECT l.pid FROM pg_locks l WHERE"
                            " l.locktype = 'advisory' AND l.granted")
        ids = psql(folder, "SELECT id FROM articles WHERE status = 'published'"
                   " ORDER BY id LIMIT %d" % N_ARTICLES).split()
        now = int(time.time())
        for i, aid in enumerate(ids):
            psql(folder, "UPDATE articles SET status = 'scheduled', published_at = %d"
                 " WHERE id = %s" % (now + 2 + 2 * i, aid))
        for i in range(N_MAILS):
            psql(folder, "INSERT INTO mail_queue(to_addr, subject, body, created_at, next_at)"
                 " VALUES ('reader%d@example.com', 'Mail %d', 'Body %d', %d, %d)"
                 % (i, i, i, now, now + 1 + i // 2))
        # The first two or three come due on the first leader; then it dies.
        wait_for(lambda: psql(folder, "SELECT count(*) FROM webhook_deliveries WHERE"
                              " delivered_at IS NOT NULL") != "0", 30)
        before_kill = rec.count()
        nodes[0].proc.send_signal(signal.SIGKILL)
        nodes[0].proc.wait()
        killed_at = time.time()
        taken = wait_for(lambda: psql(folder, "SELECT l.pid FROM pg_locks l WHERE"
                                      " l.locktype = 'advisory' AND l.granted") not in
                         ("", first_holder), 30)
        check(taken, "another node holds the lock after the leader's death")
        check(time.time() - killed_at < 10, "the lock is taken over within seconds (%.1f s)"
              % (time.time() - killed_at))
        check(psql(folder, LOCKS) == "1", "still one leader", psql(folder, LOCKS))
        check(before_kill < N_ARTICLES, "the leader was killed with articles still due",
              before_kill)
        in_list = ",".join(ids)
        published = wait_for(lambda: psql(folder, "SELECT count(*) FROM articles WHERE id IN"
                                          " (%s) AND status = 'published'" % in_list)
                             == str(len(ids)), 60)
        took = time.time() - killed_at
        check(published, "every scheduled article is published after the leader's death")
        check(took < 30, "another node took over within seconds (%.1f s)" % took)
        wait_for(lambda: rec.count() >= len(ids), 60)
        time.sleep(3)  # anything sent twice would come now
        events = [h.get("x-byline-delivery", "") for h, b, _ in rec.got]
        bodies = [b for _, b, _ in rec.got]
        check(len(bodies) == len(ids), "one delivery received per publishing",
              (len(bodies), len(ids)))
        check(len(set(events)) == len(events), "no delivery received twice", events)
        # Marked done, or else the one the dead leader had sent when it died,
        # not yet marked: still claimed by it (sent again after the lease,
        # with its delivery id, which a receiver uses to drop a repeat).
        undone = psql(folder, "SELECT id, coalesce(claimed_at, 0) FROM webhook_deliveries"
                      " WHERE delivered_at IS NULL")
        rows = [r.split("|") for r in undone.split("\n") if r]
        check(len(rows) <= 1 and all(0 < int(c) <= killed_at for _, c in rows),
              "every delivery is marked done (or claimed by the dead leader)", undone)
        mails = sink.wait(N_MAILS, 60)
        time.sleep(3)
        mails = sink.wait(10 * N_MAILS, 0)
        rcpts = sorted(r for _, rs, _ in mails for r in rs)
        check(rcpts == sorted("reader%d@example.com" % i for i in range(N_MAILS)),
              "every mail sent exactly once (%d sent)" % len(rcpts),
              [r for r in set(rcpts) if rcpts.count(r) != 1])
        # Marked sent, or else one the dead leader had sent when it died:
        # still its claim (next_at moved past now), never due again before.
        unsent = psql(folder, "SELECT count(*) FROM mail_queue WHERE sent_at IS NULL"
                      " AND next_at <= %d" % int(time.time()))
        check(unsent == "0", "every mail is marked sent or claimed", unsent)

        # PostgreSQL restarted while comments are posted.
        live = nodes[1]
        aid = ids[0]
        slug_path = live.get("/wp-json/wp/v2/posts/%s" % aid)
        link = ""
        if slug_path.status == 200:
            import json
            link = json.loads(slug_path.text).get("link", "")
        art = "/" + link.split("/", 3)[3] if link.count("/") >= 3 else "/"
        secret = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
        acked, codes = [], []

        def post(i):
            t = int(time.time()) - 60
            m = hmac.new(secret, ("form|%s|%d" % (aid, t)).encode(), hashlib.sha256)
            body = "Restart comment %d" % i
            try:
                r = live.request("POST", art, {
                    "comment": body, "author": "Restart %d" % i,
                    "email": "restart%d@example.com" % i, "url": "", "comment_parent": "0",
                    "byline_token": "%d.%s" % (t, m.hexdigest()[:32]), "byline_hp": ""},
                    ip="198.19.%d.%d" % (i // 200, i % 200 + 1))
                codes.append(r.status)
                if r.status == 303:
                    acked.append(body)
            except OSError:
                codes.append(0)
        bin_ = pg_bin()
        as_ = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        for i in range(5):
            post(i)
        restart = subprocess.Popen(as_ + [os.path.join(bin_, "pg_ctl"), "-D",
                                          os.path.join(folder, "data"), "-m", "fast", "-w",
                                          "restart"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        i = 5
        while restart.poll() is None and i < 200:
            post(i)
            i += 1
            time.sleep(0.05)
        restart.wait(timeout=120)
        # After the restart: the pool reconnects by itself.
        ok_after = wait_for(lambda: live.get("/").status == 200 and
                            live.get("/").status == 200, 30)
        check(ok_after, "the node answers again after the database restarted")
        for j in range(i, i + 5):
            post(j)
        print("# restart: %d posts, %d answered 303, %d 503, %d no answer; %d acknowledged"
              % (len(codes), codes.count(303), codes.count(503), codes.count(0), len(acked)))
        check(all(c in (303, 503) for c in codes), "requests answer 303 or 503, never else",
              sorted(set(codes)))
        check(codes[-1] == 303, "posting works again after the restart", codes[-5:])
        stored = set(psql(folder, "SELECT body FROM comments WHERE body LIKE"
                          " 'Restart comment %'").split("\n"))
        lost = [b for b in acked if b not in stored]
        check(not lost, "every acknowledged comment is stored (%d acknowledged)" % len(acked),
              lost)
        check(all(n.proc.poll() is None for n in nodes[1:]), "the other nodes stay up")
        # The restart ended every session, the leader's lock with it: one
        # node leads again within seconds, and works the queue.
        check(wait_for(lambda: psql(folder, LOCKS) == "1", 30),
              "a node leads again after the database restarted", psql(folder, LOCKS))
        psql(folder, "INSERT INTO mail_queue(to_addr, subject, body, created_at, next_at)"
             " VALUES ('after@example.com', 'After', 'After the restart', %d, %d)"
             % (int(time.time()), int(time.time())))
        # (The comments above queued notification mails too: look for this one.)
        def after_count():
            return [r for _, rs, _ in sink.wait(0, 0) for r in rs].count("after@example.com")
        wait_for(after_count, 60)
        time.sleep(2)
        got = sink.wait(0, 0)
        check([r for _, rs, _ in got for r in rs].count("after@example.com") == 1,
              "a mail queued after the restart is sent once",
              psql(folder, "SELECT sent_at, attempts, next_at, last_error, %d FROM mail_queue"
                   " WHERE to_addr = 'after@example.com'" % int(time.time())))
        ctl.stop()
    finally:
        for n in nodes[1:]:
            if n.proc.poll() is None:
                rc, err = n.stop()
                check(rc == 0 and "Sanitizer" not in err and "runtime error" not in err,
                      "a node stops cleanly (exit %s)" % rc, err[-2000:])
        if nodes and nodes[0].proc.poll() is None:
            nodes[0].stop()
        rec.stop()
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)


main()
done()
