"""Invalidation lag across nodes (issue 17): two `byline serve` processes on
one throwaway PostgreSQL cluster (tests/pg_cluster.sh), the demo site with
moderation off.  Each sample posts a comment on node A and, from the moment
A answers, asks node B for the article page (whose cached copy is warm)
until the comment is on it: the lag is what a reader of B waits for after
a commenter on A is told their comment is in, B's re-render of the page
included.  The samples go round the demo's articles, a page showing up to
1,000 comments (so at most 1,000 samples per article).

  BYLINE_BIN=build/byline /usr/bin/python3 bench/multinode_lag.py [SAMPLES]

Prints p50, p90, p99 and max in milliseconds.
"""
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "request"))
from test_multinode import CLUSTER, Node, cli, psql  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    folder = tempfile.mkdtemp(prefix="byline-lag-")
    work = tempfile.mkdtemp(prefix="byline-lagwork-")
    p = subprocess.run(["sh", CLUSTER, "start", folder], capture_output=True, text=True,
                       timeout=180)
    if p.returncode != 0:
        print("no cluster:", p.stderr.strip())
        return 1
    db = p.stdout.strip()
    nodes = []
    try:
        for args in (("demo", "--db", db),
                     ("settings", "--db", db, "set", "moderation", "none"),
                     ("settings", "--db", db, "set", "comment_min_seconds", "0"),
                     ("settings", "--db", db, "set", "comments_per_page", "1000")):
            rc, out, err = cli(work, *args)
            if rc != 0:
                print("failed:", args, err)
                return 1
        a, b = Node("A", db, work), Node("B", db, work)
        nodes = [a, b]
        arts = []
        for listing in ("/", "/page/2/", "/page/3/"):
            for path in re.findall(r'href="(/\d{4}/\d\d/\d\d/([^"#/]+)/)"', b.get(listing).text):
                aid = psql(folder, "SELECT id FROM articles WHERE slug = '%s'" % path[1])
                if aid and (aid, path[0]) not in arts and \
                        'id="commentform"' in b.get(path[0]).text:
                    arts.append((aid, path[0]))
        if not arts:
            print("no article with a comment form")
            return 1
        secret = bytes.fromhex(psql(folder, "SELECT value FROM settings WHERE key = 'secret'"))
        lags, misses = [], 0
        for i in range(samples):
            aid, art = arts[i % len(arts)]
            b.get(art)
            b.get(art)  # B's copy is cached (and checked) before the post
            t = int(time.time()) - 60
            mac = hmac.new(secret, ("form|%s|%d" % (aid, t)).encode(), hashlib.sha256)
            text = "Lag sample %d %s" % (i, os.urandom(4).hex())
            r = a.request("POST", art, {
                "comment": text, "author": "Sampler %d" % i,
                "email": "s%d@example.com" % i, "url": "", "comment_parent": "0",
                "byline_token": "%d.%s" % (t, mac.hexdigest()[:32]), "byline_hp": ""},
                ip="10.%d.%d.1" % (i // 250 + 1, i % 250))
            t0 = time.monotonic()
            if r.status != 303:
                print("post refused:", r.status, r.text[:200])
                return 1
            while True:
                r = b.get(art)
                if text in r.text:
                    lags.append((time.monotonic() - t0) * 1000)
                    break
                if time.monotonic() - t0 > 5:
                    misses += 1
                    break
            if misses > 3:
                print("more than 3 comments never seen: stopping")
                break
        print("samples %d (never seen within 5 s: %d)" % (len(lags), misses))
        print("lag ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f" %
              (pct(lags, 50), pct(lags, 90), pct(lags, 99), max(lags)))
        print("articles %d" % len(arts))
    finally:
        for n in nodes:
            n.stop()
        subprocess.run(["sh", CLUSTER, "stop", folder], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
