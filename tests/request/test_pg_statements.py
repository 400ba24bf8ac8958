"""Every SQL statement constant of src/ (model/, web/, cli/: the
`static const char name[] = "..." ...;` strings, DB_SQL_CONTAINS and
DB_INDEX expanded) is prepared on a PostgreSQL database made by `byline`
(the schema of model/schema_pg.c), as db_pg.c would: ?N written $N,
json_each as byline_json_each.  A statement PostgreSQL cannot read would
stop the server the first time it ran; this finds it without running it.
Parameters are left untyped here, so the two errors that only untyped
parameters give (42P18 a type it cannot infer, 42P08 two types inferred
for one parameter), which db_pg.c's typed binds and retries resolve, are
not counted.  Skipped when no PostgreSQL server binaries are found.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BYLINE, REPO, check, done, skip, sqlite_pass_only  # noqa: E402
from pgnode import cluster_start, cluster_stop  # noqa: E402

C_STRING = r'"(?:[^"\\]|\\.)*"'


def c_text(literals):
    """The text of adjacent C string literals."""
    out = ""
    for lit in re.findall(C_STRING, literals):
        out += bytes(lit[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode(
            "utf-8")
    return out


def contains(m):
    hay, needle = [c_text(x) for x in re.findall(C_STRING, m.group(0))]
    return '"' + ("(%s LIKE ('%%' || replace(replace(replace(%s, '\\\\', '\\\\\\\\'), '%%',"
                  " '\\\\%%'), '_', '\\\\_') || '%%') ESCAPE '\\\\')" % (hay, needle)
                  ) + '"'


def statements():
    found = []
    files = sorted(glob.glob(os.path.join(REPO, "src", d, "*.c")) for d in ("model", "web", "cli"))
    for f in [x for group in files for x in group]:
        if os.path.basename(f) in ("schema.c", "schema_pg.c"):
            continue
        src = open(f, encoding="utf-8").read()
        pat = (r'static const char (\w+)\[\]\s*=\s*((?:%s|DB_SQL_CONTAINS\(\s*%s\s*,\s*%s\s*\)'
               r'|DB_INDEX\(\s*%s\s*\)|\s)+);' % (C_STRING, C_STRING, C_STRING, C_STRING))
        for m in re.finditer(pat, src):
            body = re.sub(r'DB_INDEX\(\s*%s\s*\)' % C_STRING, "", m.group(2))
            body = re.sub(r'DB_SQL_CONTAINS\(\s*%s\s*,\s*%s\s*\)' % (C_STRING, C_STRING),
                          contains, body)
            sql = c_text(body)
            if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", sql, re.I):
                found.append(("%s %s" % (os.path.basename(f), m.group(1)), sql))
    return found


def main():
    sqlite_pass_only("it starts its own PostgreSQL cluster")
    if not shutil.which("psql"):
        skip("PostgreSQL statements", "no psql client")
        return
    started = cluster_start("PostgreSQL statements")
    if not started:
        return
    folder, url = started
    work = tempfile.mkdtemp(prefix="byline-pgwork-")
    try:
        r = subprocess.run([BYLINE, "settings", "--db", url, "list"],
                           capture_output=True, text=True, timeout=120, cwd=work)
        check(r.returncode == 0, "byline makes the PostgreSQL schema", r.stderr)
        stmts = statements()
        check(len(stmts) > 250, "statements found in src/ (%d)" % len(stmts))
        script = ["\\set ON_ERROR_STOP 0", "SET client_min_messages = warning;"]
        for i, (name, sql) in enumerate(stmts):
            sql = re.sub(r"\?(\d+)", r"$\1", sql).replace("json_each(", "byline_json_each(")
            script.append("\\echo @@ %s\nPREPARE p%d AS %s;\nDEALLOCATE p%d;" % (name, i, sql, i))
        r = subprocess.run(["psql", "-h", folder, "-U", "byline", "-d", "byline",
                            "-v", "VERBOSITY=verbose", "-f", "-"],
                           input="\n".join(script), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        bad = []
        current = None
        for line in r.stdout.splitlines():
            if line.startswith("@@ "):
                current = line[3:]
            m = re.search(r"ERROR:\s+(\w{5}):\s*(.*)", line)
            if m and m.group(1) not in ("42P18", "42P08", "26000"):
                bad.append("%s: %s" % (current, m.group(2)))
        check(r.stdout.count("@@ ") == len(stmts), "psql read every statement")
        print("statements: %d, errors: %d (untyped parameters: %d)" % (len(stmts), r.stdout.count("ERROR:"), len(re.findall(r"ERROR:\s+42P(18|08)", r.stdout))))
        check(not bad, "every statement prepares on PostgreSQL", "\n".join(bad[:20]))
    finally:
        cluster_stop(folder)
        shutil.rmtree(work, ignore_errors=True)


main()
done()
