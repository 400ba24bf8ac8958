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

On PostgreSQL nothing is copied (README: the operator's own pg_dump or WAL
archiving is relied on, and the log says so): 1 to 3 check that log line,
that no file is written, and the migration; 4 has no copy to fail.
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
from harness import BYLINE, PG, check, done, run_cli, site_db, site_dir, site_drop  # noqa: E402


def pg(db, script=None, query=None, args=()):
    """PostgreSQL: runs script, then query's first row."""
    import psycopg2
    con = psycopg2.connect(db)
    try:
        cur = con.cursor()
        if script:
            cur.execute(script)
        row = None
        if query:
            cur.execute(query, args)
            row = cur.fetchone()
        con.commit()
        return row
    finally:
        con.close()


def roll_back_one(db):
    """Undoes the newest migration (35: the CDN's purge queue); a new
    migration changes this undo to its own (in schema_pg.c's form too)."""
    if PG:
        latest = pg(db, query="SELECT version FROM byline_schema")[0]
        pg(db, "DROP TRIGGER changes_cdn ON changes; DROP TRIGGER tags_upd_cdn ON tags;"
               " DROP FUNCTION changes_cdn_fn(); DROP FUNCTION tags_upd_cdn_fn();"
               " DROP TABLE cdn_purges; UPDATE byline_schema SET version = 33;")
        return latest
    con = sqlite3.connect(db)
    latest = con.execute("PRAGMA user_version").fetchone()[0]
    con.executescript("DROP TRIGGER changes_cdn; DROP TRIGGER tags_upd_cdn;"
                      " DROP TABLE cdn_purges; PRAGMA user_version = 33;")
    con.close()
    return latest


def version(db):
    if PG:
        return pg(db, query="SELECT version FROM byline_schema")[0]
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def has_table(db, name):
    if PG:
        return pg(db, query="SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema() AND table_name = %s",
                  args=(name,))[0] == 1
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = ?",
                           (name,)).fetchone()[0] == 1
    finally:
        con.close()


def serve_once(db):
    """Starts serve, waits for its banner, stops it; its standard error."""
    p = subprocess.Popen([BYLINE, "serve", "--db", db, "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         cwd=site_dir(["--db", db]))
    line = p.stdout.readline()
    p.terminate()
    p.wait(timeout=30)
    err = p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    return line, err, p.returncode


def postgresql(tmp, db):
    """1 to 3 on PostgreSQL: the log says what is relied on, nothing is
    written beside the site, the database migrates."""
    articles = pg(db, query="SELECT count(*) FROM articles")[0]
    latest = roll_back_one(db)
    line, err, rc = serve_once(db)
    check("serving" in line and rc == 0, "serve starts and stops on an older database",
          (line, err[-500:]))
    check("upgrade:" in err and "version 33" in err and "pg_dump" in err and
          "nothing was migrated" not in err,
          "the log names the versions and the backup relied on", err[-800:])
    check(not [f for f in os.listdir(tmp) if f.endswith(".bak")], "no file is copied",
          os.listdir(tmp))
    check(version(db) == latest and has_table(db, "cdn_purges"), "the database itself migrated",
          version(db))
    check(pg(db, query="SELECT count(*) FROM articles")[0] == articles,
          "the site's rows are kept")
    line, err, rc = serve_once(db)
    check("serving" in line and "upgrade:" not in err, "a current database logs no upgrade",
          err[-400:])
    roll_back_one(db)
    rc, out, err = run_cli("settings", "--db", db, "list")
    check("upgrade:" in err and "pg_dump" in err, "settings list upgrading says so too",
          err[-400:])
    check(version(db) == latest, "and migrates", version(db))


def sqlite(tmp, db):
    """1 to 4 on SQLite."""
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


tmp = tempfile.mkdtemp(prefix="byline-upgrade-")
db = site_db(tmp)
try:
    run_cli("demo", "--db", db)
    (postgresql if PG else sqlite)(tmp, db)
finally:
    site_drop(db)
    shutil.rmtree(tmp, ignore_errors=True)

done()
