"""Request-test harness: a real `byline serve` on loopback with a fresh
database, raw HTTP requests, and the closing "N passed, N failed, N skipped"
line.  A test that cannot run here (a fixture or tool is missing) calls
skip(): it is counted as skipped, never as passed.

Each test file builds on this: start a Server, send requests, check().
Servers bind 127.0.0.1 port 0 and the address is read from their output.

The same tests run on either engine (issue 17).  With BYLINE_TEST_PG set to
the URL of a throwaway PostgreSQL cluster's database (tests/run.sh starts
one with tests/pg_cluster.sh for its request-pg pass), each site is a
database of its own in that cluster instead of an SQLite file: site_db()
makes one, Server.sql() speaks SQLite's dialect and is translated
(pg_sql()), and the command line and the server run in the site's folder,
where its media live (byline-data).  A test that only means something on
one engine says so with engine_only().
"""
import decimal
import hashlib
import hmac
import http.client
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BYLINE = os.environ.get("BYLINE_BIN") or os.path.join(REPO, "byline")
SHARED = os.environ.get("BYLINE_SHARED") or os.path.join(os.path.dirname(REPO), "shared")

# The PostgreSQL cluster the sites live in, or None: SQLite files.
PG = os.environ.get("BYLINE_TEST_PG") or None
ENGINE = "postgresql" if PG else "sqlite"

_passed = 0
_failed = 0
_skipped = 0


def check(cond, name, detail=""):
    """Counts one check; prints failures with what was seen."""
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        print("FAIL: %s%s" % (name, ("\n  " + str(detail)[:600]) if detail else ""), flush=True)
    return cond


def skip(name, why):
    """Counts one skipped test, named, and says why it could not run."""
    global _skipped
    _skipped += 1
    print("SKIP: %s: %s" % (name, why), flush=True)


def done():
    print("%d passed, %d failed, %d skipped" % (_passed, _failed, _skipped))
    sys.exit(1 if _failed else 0)


def engine_only(engine, why):
    """Ends a test file that means something only on `engine` ("sqlite" or
    "postgresql") as one skipped test, saying why, when the sites are on the
    other one."""
    if ENGINE != engine:
        skip(os.path.basename(sys.argv[0]), "%s only: %s" % (engine, why))
        done()


def sqlite_pass_only(why):
    """Ends a test file that starts its own PostgreSQL cluster (to restart
    it, or to compare both engines in one run) as one skipped test in the
    request-pg pass: it has run, whole, in the SQLite pass."""
    if PG:
        skip(os.path.basename(sys.argv[0]), "runs once, in the SQLite pass: " + why)
        done()


# Each site's folder, by its database (a PostgreSQL URL has no folder of its
# own: the command line and the server run there, so byline-data is the
# site's, as beside an SQLite file).
_site_dirs = {}
_pg_sites = 0


def _pg_admin():
    import psycopg2  # Debian's python3-psycopg2; only the PostgreSQL pass needs it
    con = psycopg2.connect(PG)
    con.autocommit = True
    return con


def site_db(folder):
    """A new, empty site database for a site kept in folder: an SQLite file
    there, or a fresh database in the cluster (PostgreSQL)."""
    global _pg_sites
    if not PG:
        db = os.path.join(folder, "site.db")
    else:
        _pg_sites += 1
        name = "t%d_%d" % (os.getpid(), _pg_sites)
        con = _pg_admin()
        try:
            con.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
            con.cursor().execute('CREATE DATABASE "%s"' % name)
        finally:
            con.close()
        base, _, query = PG.partition("?")
        db = base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    _site_dirs[db] = folder
    return db


def site_folder(db):
    """The folder a site's media live in (byline-data there)."""
    return _site_dirs.get(db) or os.path.dirname(db)


def site_sql(db, query, *args, con=None):
    """Runs one statement in SQLite's dialect on a site's database (a path
    or, in the PostgreSQL pass, a URL), committed; its rows as tuples.  On
    PostgreSQL (through con if given, else a connection of its own) a
    statement that wrote is announced as the server's own writes are, and
    given the moment it takes to arrive (PG_SEEN_S), so page caches have
    learnt of it by the next request."""
    if db.startswith("postgres"):
        own = con is None
        if own:
            con = _pg_admin_for(db)
        try:
            cur = con.cursor()
            cur.execute(*pg_sql(query, args))
            rows = [tuple(_pg_value(v) for v in r) for r in cur.fetchall()] \
                if cur.description else []
            if not re.match(r"\s*(SELECT|WITH)\b", query, re.I):
                cur.execute("NOTIFY byline_data")
                time.sleep(PG_SEEN_S)
            cur.close()
            return rows
        finally:
            if own:
                con.close()
    lite = sqlite3.connect(db, timeout=10)
    try:
        rows = lite.execute(query, args).fetchall()
        lite.commit()
        return rows
    finally:
        lite.close()


def _pg_admin_for(db):
    import psycopg2
    con = psycopg2.connect(db)
    con.autocommit = True
    return con


def site_drop(db):
    """Drops a site database site_db() made in the cluster (SQLite files go
    with their folder)."""
    _site_dirs.pop(db, None)
    if PG and db.startswith("postgres"):
        name = urllib.parse.urlsplit(db).path.lstrip("/")
        con = _pg_admin()
        try:
            con.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        finally:
            con.close()


def site_dir(args):
    """The folder of the site named by --db in a command line, if it is on
    PostgreSQL (an SQLite site's media are beside its file whatever the
    folder the command runs in)."""
    if not PG:
        return None
    args = list(args)
    for i, a in enumerate(args[:-1]):
        if a == "--db" and args[i + 1] in _site_dirs:
            return _site_dirs[args[i + 1]]
    return None


# How long another process's commit may take to reach a server on
# PostgreSQL: its NOTIFY is delivered asynchronously (a few milliseconds on
# a busy machine, tens of them when the test suite's two jobs and the
# servers' threads share two cores), and the server's backstop reads the
# database's snapshot at most every 20 ms (db_pg.c, VERSION_TTL_NS).  After
# a write from the test (Server.sql, the command line) the harness waits
# this long, so "the next request sees it" holds as it does on SQLite,
# where the server reads the file's change counter at every request.  (30
# ms let test_cache's 50 concurrent readers of a just-changed page see two
# versions, once in a full run.)
PG_SEEN_S = 0.1


# SQLite's dialect, as the tests write it, in PostgreSQL's.  Only what the
# tests use; a test reaching for more says so with engine_only().
_PG_NOW = re.compile(r"strftime\(\s*'%s'\s*,\s*'now'\s*\)|unixepoch\(\s*\)", re.I)
_PG_WORDS = [
    (re.compile(r"\bifnull\(", re.I), "coalesce("),
    (re.compile(r"\binstr\(", re.I), "strpos("),
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"\blike\b"), "ILIKE"),
    (re.compile(r"\browid\b", re.I), "id"),
    (re.compile(r"\bINSERT\s+OR\s+IGNORE\b", re.I), "INSERT"),
]


def _group_concat(q):
    """group_concat(x[, sep]) as string_agg(x::text, sep)."""
    out = []
    i = 0
    low = q.lower()
    while True:
        j = low.find("group_concat(", i)
        if j < 0:
            out.append(q[i:])
            return "".join(out)
        out.append(q[i:j])
        k = j + len("group_concat(")
        depth, n, comma = 1, k, None
        while n < len(q) and depth:
            c = q[n]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif c == "," and depth == 1 and comma is None:
                comma = n
            elif c == "'":
                n = q.index("'", n + 1)
            n += 1
        inner_end = n - 1
        if comma is None:
            arg, sep = q[k:inner_end], "','"
        else:
            arg, sep = q[k:comma], q[comma + 1:inner_end]
        out.append("string_agg((%s)::text, %s)" % (arg.strip(), sep.strip()))
        i = n


def pg_sql(query, args=()):
    """A test's SQLite statement as PostgreSQL runs it through psycopg2:
    (query, args) with ? and ?N placeholders as %s (args put in their
    order), a literal % doubled, and the few SQLite words the tests use in
    their PostgreSQL forms."""
    query = _PG_NOW.sub("extract(epoch from now())::bigint", query)
    parts = re.split(r"('(?:[^']|'')*')", query)  # string literals kept apart
    out_args = []
    seq = iter(args)

    def place(m):
        out_args.append(args[int(m.group(1)) - 1] if m.group(1) else next(seq))
        return "%s"
    for i in range(0, len(parts), 2):
        p = re.sub(r"\?(\d*)", place, parts[i].replace("%", "%%"))
        for rx, to in _PG_WORDS:
            p = rx.sub(to, p)
        parts[i] = p
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace("%", "%%")
    q = _group_concat("".join(parts))
    if re.match(r"\s*INSERT\s+OR\s+IGNORE\b", query, re.I) and "on conflict" not in q.lower():
        q = q.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return q, tuple(out_args)


def _pg_value(v):
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, memoryview):
        return bytes(v)
    return v


def run_cli(*args, check_rc=True):
    """Runs the byline binary; returns (rc, stdout, stderr)."""
    p = subprocess.run([BYLINE] + list(args), capture_output=True, text=True, timeout=60,
                       cwd=site_dir(args))
    if PG:
        time.sleep(PG_SEEN_S)   # what it wrote reaches a running server's cache
    if check_rc and p.returncode != 0:
        raise RuntimeError("byline %s failed: %s" % (" ".join(args), p.stderr))
    return p.returncode, p.stdout, p.stderr


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # list of (name, value)
        self.body = body                  # bytes
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


class Server:
    """A byline server over a fresh database in a temporary folder."""

    _pg = None  # the test's own connection to a PostgreSQL site, once sql() needs it

    def __init__(self, demo=False, settings=None, before=None, args=(), site=None):
        """site: the database of a site site_db() made, served as it is
        (its folder and database are this server's from then on)."""
        if site:
            self.dir, self.db = site_folder(site), site
        else:
            self.dir = tempfile.mkdtemp(prefix="byline-test-")
            self.db = site_db(self.dir)
        if site:
            pass
        elif demo:
            run_cli("demo", "--db", self.db)
        else:
            # Creates and migrates the database; `before` usually imports
            # articles, and a site with articles gets no demo content.
            run_cli("settings", "--db", self.db, "list")
        for k, v in (settings or {}).items():
            run_cli("settings", "--db", self.db, "set", k, str(v))
        if before:
            before(self)
        self.proc = subprocess.Popen(
            [BYLINE, "serve", "--db", self.db, "--listen", "127.0.0.1:0", "--trust-proxy",
             "--quiet"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=self.dir if PG else None)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        """SIGTERM, then the server must exit 0 on its own: under the
        sanitizers a leak or an error report makes the exit status non-zero."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        check(self.proc.returncode == 0, "server stopped cleanly on SIGTERM (exit %s)"
              % self.proc.returncode, err[-3000:])
        self.proc.stdout.close()
        self.proc.stderr.close()
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        site_drop(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, ip=None, raw_path=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": "127.0.0.1:%d" % self.port}
        if ip:
            h["X-Forwarded-For"] = ip
        h.update(headers or {})
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.request("POST", path, body=form, **kw)

    def sql(self, query, *args):
        """Runs one statement in SQLite's dialect on the site's database,
        committed; its rows as tuples (site_sql, on this server's own
        connection when on PostgreSQL)."""
        if PG and self._pg is None:
            self._pg = _pg_admin_for(self.db)
        return site_sql(self.db, query, *args, con=self._pg)

    def date_path(self, ts):
        """"/YYYY/MM/DD/" of ts in this site's time zone (date_path())."""
        return date_path(self.sql("SELECT value FROM settings WHERE key='timezone'")[0][0], ts)

    def token(self, article_id, age=60):
        """A form token as the server signs them, `age` seconds old."""
        secret = bytes.fromhex(self.sql("SELECT value FROM settings WHERE key='secret'")[0][0])
        ts = int(time.time()) - age
        mac = hmac.new(secret, ("form|%d|%d" % (article_id, ts)).encode(), hashlib.sha256)
        return "%d.%s" % (ts, mac.hexdigest()[:32])


def date_path(zone, ts):
    """"/YYYY/MM/DD/" of time ts in the site's time zone (a name such as
    the timezone setting's; empty or None is UTC), as article addresses
    are dated: the demo site is in New York, so for five hours after
    midnight UTC its date is the day before."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.fromtimestamp(int(ts), ZoneInfo(zone or "UTC")).strftime("/%Y/%m/%d/")


def cookie_header(resp, prior=""):
    """A Cookie header from a response's Set-Cookie lines (plus prior)."""
    jar = dict(p.split("=", 1) for p in prior.split("; ") if "=" in p)
    for sc in resp.headers_all("Set-Cookie"):
        name, _, rest = sc.partition("=")
        value = rest.split(";", 1)[0]
        if "Max-Age=0" in sc:
            jar.pop(name, None)
        else:
            jar[name] = value
    return "; ".join("%s=%s" % kv for kv in jar.items())


def write_article(folder, name, **fm):
    body = fm.pop("body", "")
    lines = ["---"]
    for k, v in fm.items():
        lines.append("%s: %s" % (k, v))
    lines.append("---")
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n" + body)


from html.parser import HTMLParser  # noqa: E402

SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("script", "svg", "img", "iframe", "object", "embed", "math", "style"):
            ours = (tag == "img" and dict(attrs).get("class") == "avatar") or \
                   (tag == "script" and dict(attrs).get("type") == "application/ld+json"
                    and len(attrs) == 1)  # a data block, never executed
            if not ours:
                self.problems.append("element <%s>" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append("attribute %s on <%s>" % (name, tag))
            if name in ("href", "src", "action", "formaction") and value:
                v = "".join(ch for ch in value if ch not in "\t\n\r").strip().lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", v)
                if scheme and scheme.group(0) not in SAFE_SCHEMES:
                    self.problems.append("%s=%r on <%s>" % (name, value, tag))


def dom_audit(html):
    """Problems a page has if untrusted input became markup: script-capable
    elements, event attributes, links with a non-web scheme."""
    a = _Audit()
    a.feed(html)
    a.close()
    return a.problems
