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

On PostgreSQL the database is dumped as `byline backup` dumps it (one
snapshot copied into an SQLite file, every table's rows and checksum
compared), at its old version, to "NAME.vOLD-YYYYMMDD-HHMMSS.bak" in the
current folder (NAME: the database's name): 1 to 4 the same, and 5 the
dump brought back by `byline restore` into a new database holds the site
as it was before the upgrade.
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
    if db.startswith("postgres"):
        return pg(db, query="SELECT version FROM byline_schema")[0]
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def has_table(db, name):
    if db.startswith("postgres"):
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


def pg_rows(db):
    """The site's rows a restore must bring back, table by table."""
    import psycopg2
    con = psycopg2.connect(db)
    try:
        cur = con.cursor()
        out = {}
        for t, cols in (("articles", "id, slug, headline, body_src, status, published_at"),
                        ("users", "id, email, display_name, role, password_hash"),
                        ("comments", "id, article_id, body, status"),
                        ("tags", "id, slug"), ("sections", "id, slug")):
            cur.execute("SELECT %s FROM %s ORDER BY id" % (cols, t))
            out[t] = cur.fetchall()
        return out
    finally:
        con.close()


def postgresql(tmp, db):
    """1 to 5 on PostgreSQL: a dump in the current folder (the site's)."""
    import time
    import urllib.parse
    name = urllib.parse.urlsplit(db).path.lstrip("/")
    before = pg_rows(db)
    latest = roll_back_one(db)

    # 1. serve
    line, err, rc = serve_once(db)
    check("serving" in line and rc == 0, "serve starts and stops on an older database",
          (line, err[-500:]))
    baks = glob.glob(os.path.join(tmp, name + ".v33-*.bak"))
    check(len(baks) == 1, "one dump named with the database and the old version",
          os.listdir(tmp))
    bak = baks[0] if baks else None
    if bak:
        check(re.search(r"\.v33-\d{8}-\d{6}\.bak$", bak), "the name carries the date", bak)
        check(version(bak) == 33, "the dump is at the old version", version(bak))
        check(not has_table(bak, "cdn_purges"), "the dump has the old schema")
        con = sqlite3.connect(bak)
        n = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        check(n == len(before["articles"]) and n > 0 and ok == "ok",
              "the dump holds the site's rows, intact", (n, len(before["articles"]), ok))
        check("upgrade:" in err and os.path.basename(bak) in err and "version 33" in err
              and "nothing was migrated" not in err,
              "the log names the dump and the versions", err[-800:])
    check(version(db) == latest and has_table(db, "cdn_purges"), "the database itself migrated",
          version(db))
    check(pg(db, query="SELECT count(*) FROM articles")[0] == len(before["articles"]),
          "the site's rows are kept")

    # 2. current: no new dump
    line, err, rc = serve_once(db)
    check("serving" in line and "upgrade:" not in err and
          len(glob.glob(os.path.join(tmp, "*.bak"))) == 1,
          "a current database is not dumped again", (os.listdir(tmp), err[-400:]))

    # 5. the dump restored into a new database: the site as it was
    if bak:
        keep = os.path.join(tmp, "kept.bak")
        shutil.copy(bak, keep)      # restore migrates the file it reads
        other = site_db(tmp)
        try:
            rc, out, err = run_cli("restore", "--db", other, keep, check_rc=False)
            check(rc == 0 and "checksum match" in out, "byline restore takes the dump",
                  (out[-400:], err[-400:]))
            check(pg_rows(other) == before, "the restored site is the site before the upgrade")
        finally:
            site_drop(other)
        for f in glob.glob(os.path.join(tmp, "*.bak")):
            os.unlink(f)

    # 3. another command
    roll_back_one(db)
    rc, out, err = run_cli("settings", "--db", db, "list")
    check(len(glob.glob(os.path.join(tmp, name + ".v33-*.bak"))) == 1 and "upgrade:" in err,
          "settings list upgrading keeps a dump too", (os.listdir(tmp), err[-400:]))
    check(version(db) == latest, "and migrates", version(db))

    # 4. the dump cannot be written: every name of this second and the next
    # few is taken (root writes anywhere, so folders stand in)
    for f in glob.glob(os.path.join(tmp, "*.bak")):
        os.unlink(f)
    roll_back_one(db)
    now = time.time()
    for dt in range(0, 5):
        os.mkdir(os.path.join(tmp, "%s.v33-%s.bak" % (
            name, time.strftime("%Y%m%d-%H%M%S", time.gmtime(now + dt)))))
    rc, out, err = run_cli("settings", "--db", db, "list", check_rc=False)
    check(rc != 0 and "nothing was migrated" in err, "a dump that fails stops the upgrade",
          err[-400:])
    check(version(db) == 33 and not has_table(db, "cdn_purges"), "and nothing is migrated",
          version(db))
    line, err, rc = serve_once(db)
    check(rc != 0 and "nothing was migrated" in err and version(db) == 33,
          "serve refuses too", (line, err[-400:]))


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
