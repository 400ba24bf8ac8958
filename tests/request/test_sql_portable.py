"""SQL above src/db/ is engine-neutral (issue 17): no SQLite-only construct
in the SQL text of src/ outside src/db/ and the migrations (model/schema.c,
which stay SQLite's dialect: another engine gets its own schema file).

A static check, no server: it reads every .c and .h file, joins each run of
adjacent string literals (a statement written over several lines, macros
included) and, in runs that read as SQL, looks for the constructs below.
Each one found is listed with its file and line; any makes the test fail.
The portable forms are in db.h (DB_SQL_CONTAINS, DB_INDEX, the full-text
calls, db_read_begin, db_pool_data_version) and docs/ARCHITECTURE.md,
"Storage".
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SRC = os.path.join(ROOT, "src")
EXEMPT = {os.path.join("src", "model", "schema.c"),  # SQLite's dialect
          os.path.join("src", "model", "schema_pg.c")}  # PostgreSQL's
EXEMPT_DIRS = (os.path.join("src", "db") + os.sep,)

# (what, pattern, the portable way)
RULES = [
    ("rowid", r"\b(rowid|_rowid_|oid)\b", "an explicit id column"),
    ("INDEXED BY", r"\bINDEXED\s+BY\b|\bNOT\s+INDEXED\b", "DB_INDEX(name)"),
    ("INSERT/UPDATE OR <conflict>", r"\b(INSERT|UPDATE)\s+OR\s+(IGNORE|REPLACE|ROLLBACK|ABORT|FAIL)\b",
     "ON CONFLICT DO NOTHING / DO UPDATE"),
    ("REPLACE INTO", r"\bREPLACE\s+INTO\b", "ON CONFLICT DO UPDATE"),
    ("instr()", r"\binstr\s*\(", "DB_SQL_CONTAINS"),
    ("char()", r"\bchar\s*\(", "a bound parameter"),
    ("full-text (FTS5)", r"\bMATCH\b|\bfts[345]\b|_fts\b|\bbm25\s*\(|\bsnippet\s*\(|\bhighlight\s*\(",
     "db_text_* (db.h)"),
    ("SQLite date function", r"\b(strftime|julianday|datetime|date|time|unixepoch)\s*\(",
     "integer seconds computed in C"),
    ("GLOB", r"\bGLOB\b", "LIKE"),
    ("printf()/format()", r"\b(printf|format)\s*\(", "building the text in C"),
    ("iif()", r"\biif\s*\(", "CASE WHEN"),
    ("ifnull()", r"\bifnull\s*\(", "COALESCE"),
    ("group_concat()", r"\bgroup_concat\s*\(", "reading the rows in C"),
    ("SQLite built-in", r"\b(last_insert_rowid|changes|total_changes)\s*\(\s*\)"
     r"|\b(sqlite_\w+|typeof|randomblob|zeroblob|likelihood|unlikely)\s*\("
     r"|\bsqlite_(master|schema|sequence|stat\d)\b",
     "db_last_id() / db_changes() or C"),
    ("PRAGMA", r"\bPRAGMA\b", "a db.h call"),
    ("bare transaction statement", r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE|TRANSACTION))?\s*;?\s*$",
     "db_begin/db_commit/db_rollback or db_read_begin/db_read_end"),
    ("ATTACH/VACUUM", r"^\s*(ATTACH|DETACH|VACUUM)\b", "a db.h call"),
    ("IS [NOT] a value", r"\bIS\s+(NOT\s+)?(?!NULL\b|NOT\b|DISTINCT\b|TRUE\b|FALSE\b)[\w?(:'.]",
     "= / <> (and IS NULL where a side may be NULL)"),
    ("a comparison in COALESCE", r"\bCOALESCE\s*\(\s*[\w.]+\s*(=|<>|!=|<=|>=|<|>)",
     "CASE WHEN ... THEN 1 ELSE 0 END (PostgreSQL's comparisons are booleans)"),
    ("COLLATE NOCASE", r"\bCOLLATE\s+NOCASE\b", "lower() on both sides"),
    ("a custom SQL function", r"\bbyline_\w+\s*\(", "a value computed in C and bound"),
]
SQLISH = re.compile(r"\b(SELECT|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+(OR\s+\w+\s+)?\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER)"
                    r"|PRAGMA|BEGIN|COMMIT|ROLLBACK|ATTACH|VACUUM|REPLACE\s+INTO)\b")
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def strip_comments(text):
    """C comments and character constants blanked, lines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def runs(path):
    """(first line, SQL text) of each run of adjacent string literals."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = strip_comments(f.read()).split("\n")
    cur, start = [], 0
    for no, line in enumerate(lines, 1):
        found = LITERAL.findall(line)
        if found:
            if not cur:
                start = no
            cur.append(" ".join(found))
            # A run ends where a statement does: ';' or ',' after the literal
            # (an array of statements), or a line without a literal.
            tail = line[line.rfind('"') + 1:].strip()
            if tail.startswith(";") or tail.startswith(",") or tail.startswith(")"):
                yield start, " ".join(cur)
                cur = []
        elif cur:
            yield start, " ".join(cur)
            cur = []
    if cur:
        yield start, " ".join(cur)


KEYWORDS_AFTER = {"", "WHERE", "ORDER", "GROUP", "LIMIT", "UNION", "OFFSET", "HAVING", "ON",
                  "JOIN", "LEFT", "CROSS", "INNER", "EXCEPT", "INTERSECT"}


def unaliased_subquery(sql):
    """The text of a subquery in FROM or JOIN with no alias after it (which
    SQLite allows and PostgreSQL before 16 refuses), or None.  A macro's
    argument, not a literal, shows as "( )": still a subquery."""
    for m in re.finditer(r"\b(FROM|JOIN)\s*\(", sql, re.I):
        i, depth = m.end(), 1
        while i < len(sql) and depth:
            depth += sql[i] == "("
            depth -= sql[i] == ")"
            i += 1
        if depth == 0 and re.match(r"\s*(\w*)", sql[i:]).group(1).upper() in KEYWORDS_AFTER:
            return sql[m.start():i]
    return None


def scan():
    found = []
    for dirpath, _, files in os.walk(SRC):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, ROOT)
            if rel in EXEMPT or rel.startswith(EXEMPT_DIRS):
                continue
            for line, sql in runs(path):
                if not SQLISH.search(sql):
                    continue
                sub = unaliased_subquery(sql)
                if sub:
                    found.append((rel, line, "subquery without an alias", sub[:40], "FROM (...) name"))
                for what, pattern, instead in RULES:
                    flags = re.I | re.M if not pattern.startswith("^") else re.I
                    for part in (re.split(r";", sql) if pattern.startswith("^") else [sql]):
                        m = re.search(pattern, part, flags)
                        if m:
                            found.append((rel, line, what, m.group(0).strip(), instead))
                            break
    return sorted(set(found))


def self_test():
    """The check finds what it is meant to (so a pass means something)."""
    import tempfile
    bad = ('static const char a[] =\n    "SELECT rowid FROM t INDEXED BY i"\n    " WHERE x MATCH ?1";\n'
           'static const char b[] = "INSERT OR IGNORE INTO t(a) VALUES (instr(?1, char(1)))";\n'
           'static const char c[] = "SELECT iif(a, 1, 2), strftime(\'%s\', b) FROM t";\n'
           'static const char d[] = "BEGIN";\n'
           'static const char e[] = "UPDATE t SET a = 1 WHERE a IS NOT ?1 AND b IS c.d";\n'
           'static const char f[] = "SELECT count(*) FROM (SELECT a FROM t) WHERE 1";\n'
           'db_exec(db, "SELECT 1"); x = db_exec(db, "BEGIN IMMEDIATE");\n')
    good = ('/* rowid INSERT OR IGNORE */\nstatic const char a[] =\n'
            '    "SELECT id FROM t" DB_INDEX("i") " WHERE a = ?1 ON CONFLICT DO NOTHING";\n'
            'static const char b[] = "SELECT count(*) FROM (SELECT a FROM (SELECT 1 AS a) x) y";\n'
            'log_warn("the rowid %s", "MATCH");\n')
    global SRC, ROOT
    saved = SRC, ROOT
    hits = {}
    for label, text in (("bad", bad), ("good", good)):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "src", "model"))
            with open(os.path.join(d, "src", "model", "x.c"), "w") as f:
                f.write(text)
            SRC, ROOT = os.path.join(d, "src"), d
            hits[label] = {h[2] for h in scan()}
    SRC, ROOT = saved
    want = {"rowid", "INDEXED BY", "full-text (FTS5)", "INSERT/UPDATE OR <conflict>", "instr()",
            "char()", "iif()", "SQLite date function", "bare transaction statement",
            "IS [NOT] a value", "subquery without an alias"}
    return want - hits["bad"], hits["good"]


def main():
    passed = failed = 0
    missed, false_hits = self_test()
    if missed or false_hits:
        print("FAIL the check itself: missed %s, flagged %s" % (sorted(missed), sorted(false_hits)))
        failed += 1
    else:
        passed += 1
    found = scan()
    for rel, line, what, text, instead in found:
        print("FAIL %s:%d: %s (%r): use %s" % (rel, line, what, text, instead))
    if found:
        failed += 1
        print("%d SQLite-only construct(s) above src/db/ (see docs/ARCHITECTURE.md, Storage)"
              % len(found))
    else:
        passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
