"""Upgrades keep a copy before migrating (issue 17, "Running it in production").

A database whose schema is older than the binary's is copied, before any
migration runs, to "DB.vOLD-YYYYMMDD-HHMMSS.bak" beside it, and the log
says so; `serve` and every other command (they open through model_open)
do it.  The copy is the old database, whole; a database already current is
never copied again.

  1. serve on a database one migration behind: a copy at the old version,
     with the old schema and the site's rows, the log naming it; the
     database itself migrated
  2. a second start: no new copy
  3. another command (settings list) upgrading: a copy too
  4. the copy cannot be written (the folder read-only): nothing migrated,
     a clear message
"""
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BYLINE, check, done, run_cli  # noqa: E402


def roll_back_one(db):
    """Undoes the newest migration (35: the CDN's purge queue); a new
    migration changes this undo to its own."""
    con = sqlite3.connect(db)
    latest = con.execute("PRAGMA user_version").fetchone()[0]
    con.executescript("DROP TRIGGER changes_cdn; DROP TRIGGER tags_upd_cdn;"
                      " DROP TABLE cdn_purges; PRAGMA user_version = 33;")
    con.close()
    return latest


def version(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def has_table(db, name):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = ?",
                           (name,)).fetchone()[0] == 1
    finally:
        con.close()


def serve_once(db):
    """Starts serve, waits for its banner, stops it; its standard error."""
    p = subprocess.Popen([BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    p.terminate()
    p.wait(timeout=30)
    err = p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    return line, err, p.returncode


tmp = tempfile.mkdtemp(prefix="byline-upgrade-")
try:
    db = os.path.join(tmp, "site.db")
    run_cli("demo", "--db", db)
    con = sqlite3.connect(db)
    articles = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    con.close()
    latest = roll_back_one(db)

    # 1. serve
    line, err, rc = serve_once(db)
    check("serving" in line and rc == 0, "serve starts and stops on an older database",
          (line, err[-500:]))
    baks = glob.glob(db + ".v33-*.bak")
    check(len(baks) == 1, "one copy named with the old version", os.listdir(tmp))
    if baks:
        bak = baks[0]
        check(re.search(r"\.v33-\d{8}-\d{6}\.bak$", bak), "the name carries the date", bak)
        check(version(bak) == 33, "the copy is at the old version", version(bak))
        check(not has_table(bak, "cdn_purges"), "the copy has the old schema")
        con = sqlite3.connect(bak)
        n = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        check(n == articles and ok == "ok", "the copy holds the site's rows, intact",
              (n, articles, ok))
        check("upgrade:" in err and os.path.basename(bak) in err and "version 33" in err,
              "the log names the copy and the versions", err[-800:])
    check(version(db) == latest and has_table(db, "cdn_purges"), "the database itself migrated",
          version(db))

    # 2. current: no new copy
    line, err, rc = serve_once(db)
    check(len(glob.glob(db + ".v*.bak")) == 1 and "upgrade:" not in err,
          "a current database is not copied again", os.listdir(tmp))

    # 3. another command
    for f in glob.glob(db + ".v*.bak*"):
        os.unlink(f)
    roll_back_one(db)
    rc, out, err = run_cli("settings", "--db", db, "list")
    check(len(glob.glob(db + ".v33-*.bak")) == 1 and "upgrade:" in err,
          "settings list upgrading keeps a copy too", (os.listdir(tmp), err[-400:]))
    check(version(db) == latest, "and migrates", version(db))

    # 4. the copy cannot be written
    if os.geteuid() == 0:
        # root writes anywhere: a copy name already taken by a folder stands in
        for f in glob.glob(db + ".v*.bak*"):
            os.unlink(f)
        roll_back_one(db)
        # every name of this second and the next few is taken
        import time
        now = time.time()
        for dt in range(0, 5):
            os.mkdir(db + ".v33-%s.bak" % time.strftime("%Y%m%d-%H%M%S", time.gmtime(now + dt)))
        rc, out, err = run_cli("settings", "--db", db, "list", check_rc=False)
        check(rc != 0 and "nothing was migrated" in err, "a copy that fails stops the upgrade",
              err[-400:])
        check(version(db) == 33, "and nothing is migrated", version(db))
    else:
        roll_back_one(db)
        os.chmod(tmp, 0o555)
        rc, out, err = run_cli("settings", "--db", db, "list", check_rc=False)
        os.chmod(tmp, 0o755)
        check(rc != 0 and "nothing was migrated" in err, "a copy that fails stops the upgrade",
              err[-400:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

done()
