"""The test harnesses themselves: a test that cannot run here (its fixture or
tool is missing) is reported as skipped, never counted as passed.

Each harness (harness.py, tests/unit/test.h, tests/browser/lib.mjs) ends
with "N passed, N failed, N skipped", and tests/run.sh sums the skipped
counts of every tier into its own closing line.  Pinned bug: the reference
article test counted one pass when its fixture was absent.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REPO, check, done, pg_sql, skip  # noqa: E402


def last_line(out):
    lines = [l for l in out.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def article_without_fixture(tmp):
    """The reference-article test with an empty shared folder: a skip."""
    env = dict(os.environ, BYLINE_SHARED=tmp)
    p = subprocess.run([sys.executable, os.path.join(REPO, "tests", "request", "test_article.py")],
                       capture_output=True, text=True, env=env, timeout=120)
    check(p.returncode == 0, "a missing fixture is not a failure", p.stdout + p.stderr)
    check(last_line(p.stdout) == "0 passed, 0 failed, 1 skipped",
          "the reference article without its fixture: skipped, not passed", p.stdout)
    check(any(l.startswith("SKIP: ") for l in p.stdout.splitlines()),
          "a SKIP line says what was skipped and why", p.stdout)


def unit_harness(tmp):
    """test.h: test_skip() counts a skip and test_done() prints it."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        skip("test.h's test_skip", "no C compiler")
        return
    src = os.path.join(tmp, "t.c")
    exe = os.path.join(tmp, "t")
    with open(src, "w") as f:
        f.write('#include "test.h"\nint main(void)\n{\n\tCHECK(1);\n'
                '\ttest_skip("a fixture test", "its fixture is absent");\n\treturn test_done();\n}\n')
    p = subprocess.run([cc, "-std=c17", "-Wall", "-Wextra", "-Werror", "-I",
                        os.path.join(REPO, "tests", "unit"), "-o", exe, src],
                       capture_output=True, text=True)
    if not check(p.returncode == 0, "a test using test.h compiles", p.stderr):
        return
    p = subprocess.run([exe], capture_output=True, text=True)
    check(p.returncode == 0 and last_line(p.stdout) == "1 passed, 0 failed, 1 skipped",
          "test.h: one pass and one skip", p.stdout)
    check("SKIP: a fixture test: its fixture is absent" in p.stdout, "test.h: the SKIP line", p.stdout)


def browser_harness(tmp):
    """lib.mjs: skip() registers a test reported as SKIP, counted apart."""
    node = shutil.which("node")
    if not node:
        skip("lib.mjs's skip", "no node")
        return
    script = os.path.join(tmp, "t.mjs")
    lib = os.path.join(REPO, "tests", "browser", "lib.mjs")
    with open(script, "w") as f:
        f.write("import * as L from %r;\n"
                "L.test('runs', async () => {});\n"
                "L.skip('needs a fixture', 'its fixture is absent');\n"
                "L.test('finds it cannot run', async () => { throw new L.SkipError('no tool'); });\n"
                "process.exit(await L.runAll({}));\n" % ("file://" + lib))
    p = subprocess.run([node, script], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, BYLINE_ARTIFACTS=tmp))
    check(p.returncode == 0 and last_line(p.stdout) == "1 passed, 0 failed, 2 skipped",
          "lib.mjs: one pass and two skips", p.stdout + p.stderr)
    check("SKIP needs a fixture: its fixture is absent" in p.stdout, "lib.mjs: the SKIP line", p.stdout)


def run_sh_sums(tmp):
    """tests/run.sh sums skipped counts, and reads tiers that print none."""
    if os.environ.get("BYLINE_HARNESS_NESTED"):
        skip("run.sh's sums", "already inside this test's own run.sh")
        return
    tests = os.path.join(tmp, "build", "tests")
    os.makedirs(tests)
    for name, line in (("test_a", "3 passed, 0 failed, 2 skipped"),
                       ("test_b", "1 passed, 0 failed"),
                       ("test_c", "SKIP: x: y\n0 passed, 0 failed, 1 skipped")):
        path = os.path.join(tests, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\nprintf '%s\\n' '" + line.replace("\n", "' '") + "'\n")
        os.chmod(path, 0o755)
    env = dict(os.environ, BUILD=os.path.join(tmp, "build"), BYLINE_TESTS="^unit/",
               BYLINE_HARNESS_NESTED="1")
    p = subprocess.run(["sh", os.path.join(REPO, "tests", "run.sh")], capture_output=True,
                       text=True, env=env, timeout=120)
    check(p.returncode == 0 and last_line(p.stdout) == "4 passed, 0 failed, 3 skipped",
          "run.sh: the skipped counts are summed, never added to the passes", p.stdout + p.stderr)
    check("== unit/test_c: 0 passed, 0 failed, 1 skipped" in p.stdout
          and "   SKIP: x: y" in p.stdout, "run.sh: a tier's skips are shown", p.stdout)


def pg_dialect(tmp):
    """The request-pg pass: the tests' SQLite statements in PostgreSQL's
    dialect (placeholders in order, literals untouched), and a machine
    without PostgreSQL's server reports the pass as skipped."""
    q, a = pg_sql("SELECT group_concat(name, ', ') FROM t WHERE a LIKE ?2 AND b = ?1 "
                  "AND c = '?%' AND rowid = ?3", (1, 2, 3))
    check(q == "SELECT string_agg((name)::text, ', ') FROM t WHERE a ILIKE %s AND b = %s "
          "AND c = '?%%' AND id = %s" and a == (2, 1, 3), "pg_sql: ?N, literals, words", (q, a))
    q, a = pg_sql("INSERT OR IGNORE INTO t(x, at) VALUES(?, strftime('%s','now'))", ("y",))
    check(q == "INSERT INTO t(x, at) VALUES(%s, extract(epoch from now())::bigint) "
          "ON CONFLICT DO NOTHING" and a == ("y",), "pg_sql: INSERT OR IGNORE, now", (q, a))
    if os.environ.get("BYLINE_HARNESS_NESTED"):
        skip("run.sh's request-pg pass", "already inside this test's own run.sh")
        return
    env = dict(os.environ, BUILD=os.path.join(tmp, "build"),
               BYLINE_TESTS="^request-pg/test_harness", BYLINE_HARNESS_NESTED="1",
               PG_BIN="/nonexistent")
    p = subprocess.run(["sh", os.path.join(REPO, "tests", "run.sh")], capture_output=True,
                       text=True, env=env, timeout=120)
    check(p.returncode == 0 and last_line(p.stdout) == "0 passed, 0 failed, 1 skipped",
          "run.sh: no PostgreSQL server, the request-pg pass is one skip", p.stdout + p.stderr)


def main():
    for part in (article_without_fixture, unit_harness, browser_harness, run_sh_sums,
                 pg_dialect):
        tmp = tempfile.mkdtemp(prefix="byline-harness-")
        try:
            part(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
