"""The copy desk (issue 14): `byline check` (its lines, JSON and exit
statuses), the checks run on save and on demand (Check) with their findings
beside the editor, the marks in the articles list, and "Add to dictionary"
(editors only, CSRF, the article checked again).  Findings warn: a
publication with findings goes out."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import BYLINE, Server, check, done, run_cli, site_db, write_article  # noqa: E402
from test_desk import (AUTHOR, CONTRIB, EDITOR, Who, edit_form, get, link_token,  # noqa: E402
                       saved_id, send, set_password, sign_in)

CLEAN_BODY = ("The council met on Monday and approved the plan after a short debate.\n\n"
              "\"We are pleased,\" said the mayor, Ana Reyes.\n")
BAD_BODY = ("The council met to discuss the politial crisis and the the budget.\n\n"
            "See [the plan](/2020/01/01/no-such-article/) and "
            "[the draft](https://staging.example.net/plan).\n")


def cli(*args):
    p = subprocess.run([BYLINE, "check"] + list(args), capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def command_line():
    folder = tempfile.mkdtemp(prefix="byline-copydesk-md-")
    write_article(folder, "clean.md", title="Council approves the plan", author="Ana Reyes",
                  date="2026-12-07 10:00", section="City", body=CLEAN_BODY)
    write_article(folder, "bad.md", title="Council discusses the crisis", author="Ana Reyes",
                  date="2026-12-07 11:00", section="City", body=BAD_BODY)
    db = site_db(folder)
    run_cli("import-markdown", "--db", db, folder)
    run_cli("settings", "--db", db, "set", "staging_hosts", "staging.example.net")
    ids = dict((h, i) for i, h in site_rows(db, "SELECT id, headline FROM articles"))
    clean, bad = ids["Council approves the plan"], ids["Council discusses the crisis"]

    # Usage errors: exit 2 with a sentence.
    for args, what in (((), "neither --article nor --all"),
                       (("--all", "--article", str(clean)), "both"),
                       (("--article", "abc"), "an id that is not a number"),
                       (("--article",), "--article without its id"),
                       (("--article", "99999"), "an article that does not exist"),
                       (("--all", "--frobnicate"), "an unknown option")):
        rc, out, err = cli("--db", db, *args)
        check(rc == 2 and err.strip() and not out, "byline check, %s: exit 2 with a message"
              % what, (rc, out, err))
    rc, out, err = cli("--db", db, "--article", "abc")
    check("whole number" in err, "a bad id is explained", err)

    # A clean article, with a standfirst so that nothing is flagged.
    site_rows(db, "UPDATE articles SET dek = 'A short summary of the plan.' WHERE id = ?", clean)
    rc, out, err = cli("--db", db, "--article", str(clean))
    check(rc == 0 and out == "", "a clean article: exit 0, no output", (rc, out, err))

    # An article with mistakes: one finding a line, exit 1.
    rc, out, err = cli("--db", db, "--article", str(bad))
    lines = [l.split("\t") for l in out.splitlines()]
    check(rc == 1 and lines and all(len(l) == 6 for l in lines),
          "findings: exit 1, six tab-separated columns a line", (rc, out, err))
    kinds = {(l[1], l[3], l[4]) for l in lines}
    want = {("body", "spelling", "politial"), ("body", "repeated-word", "the the"),
            ("body", "link-404", "/2020/01/01/no-such-article/"),
            ("body", "link-staging", "https://staging.example.net/plan"),
            ("dek", "standfirst", "")}
    check(want <= kinds, "the planted mistakes are each one line", sorted(kinds))
    body = site_rows(db, "SELECT body_src FROM articles WHERE id = ?", bad)[0][0]
    for l in lines:
        if l[1] == "body" and l[4]:
            off = int(l[2])
            check(body.encode()[off:off + len(l[4].encode())].decode() == l[4],
                  "the offset points at the words (%s)" % l[3], (l, body))
    check(all(l[0] == str(bad) for l in lines), "each line names the article", lines)

    rc, out, err = cli("--db", db, "--article", str(bad), "--json")
    try:
        items = json.loads(out)
    except ValueError:
        items = None
    check(rc == 1 and isinstance(items, list) and len(items) == len(lines),
          "--json: an array with the same findings, exit 1", (rc, out[:500]))
    if items:
        check(set(items[0]) == {"article", "field", "offset", "length", "kind", "words",
                                "message"} and items[0]["article"] == bad,
              "--json: each finding's names", items[0])
    rc, out, err = cli("--db", db, "--article", str(clean), "--json")
    check(rc == 0 and json.loads(out) == [], "--json with no findings: [] and exit 0", (rc, out))

    rc, out, err = cli("--db", db, "--all")
    arts = {l.split("\t")[0] for l in out.splitlines()}
    check(rc == 1 and arts == {str(bad)}, "--all checks every article", (rc, out))
    check(site_rows(db, "SELECT count(*) FROM article_findings")[0][0] == 0,
          "byline check writes nothing by default")
    rc, out2, err = cli("--db", db, "--all", "--store")
    stored = site_rows(db, "SELECT article_id, count(*) FROM article_findings"
                             " GROUP BY article_id")
    check(rc == 1 and out2 == out and stored == [(bad, len(lines))],
          "--store keeps the findings for the desk's list", (rc, stored))

    # The site's dictionary: a word in three published articles is known.
    more = tempfile.mkdtemp(prefix="byline-copydesk-more-")
    for i in range(3):
        write_article(more, "z%d.md" % i, title="Zorbling report %d" % i, author="Ana Reyes",
                      date="2026-12-0%d 09:00" % (i + 1), section="City",
                      body="The zorbling season opened.\n")
    run_cli("import-markdown", "--db", db, more)
    site_rows(db, "UPDATE articles SET dek = 'A summary.'")
    rc, out, err = cli("--db", db, "--all")
    check("zorbling" not in out.lower(), "a word of three published articles is the site's",
          out)
    harness.site_drop(db)
    return folder


def site_rows(db, q, *args):
    """Runs one statement (SQLite's dialect) on a site's database that no
    server has open, on either engine, committed; its rows."""
    if harness.PG:
        import psycopg2
        con = psycopg2.connect(db)
        try:
            cur = con.cursor()
            cur.execute(*harness.pg_sql(q, args))
            rows = cur.fetchall() if cur.description else []
            con.commit()
            return rows
        finally:
            con.close()
    import sqlite3
    con = sqlite3.connect(db, timeout=10)
    try:
        rows = con.execute(q, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def person(s, role, email, name):
    w = Who(role, email, name, "a long enough password " + name)
    _, out, err = run_cli("user", "--db", s.db, "add", "--email", email, "--name", name,
                          "--role", {CONTRIB: "contributor", AUTHOR: "author",
                                     EDITOR: "editor"}[role])
    out += err
    r = set_password(s, link_token(out), w.pw)
    check(r.status == 303, "password set for " + email, r.status)
    w.cookie, w.csrf = sign_in(s, w)
    w.id = s.sql("SELECT id FROM users WHERE email = ?", email)[0][0]
    return w


def desk():
    folder = tempfile.mkdtemp(prefix="byline-copydesk-site-")
    write_article(folder, "seed.md", title="A seed article", author="Seed Writer",
                  date="2026-12-01 10:00", section="City", body="Seed.\n")

    def seed(srv):
        run_cli("import-markdown", "--db", srv.db, folder)
    s = Server(before=seed, settings={"staging_hosts": "staging.example.net"})
    try:
        author = person(s, AUTHOR, "author@example.com", "Ada Author")
        editor = person(s, EDITOR, "editor@example.com", "Eddie Editor")

        # Saved with mistakes: stored findings, shown beside the editor.
        r = send(s, "/admin/articles/new", edit_form(author, headline="The crisis",
                                                      body=BAD_BODY))
        aid, notice = saved_id(r)
        check(r.status == 303 and aid, "an article with mistakes is saved (warn, not block)",
              (r.status, r.header("Location")))
        rows = s.sql("SELECT kind, words FROM article_findings WHERE article_id = ?", aid)
        check(("spelling", "politial") in rows and ("repeated-word", "the the") in rows,
              "saving checks the article and stores its findings", rows)
        page = get(s, "/admin/articles/%d/" % aid, who=author).text
        check('id="findings"' in page and "<mark>politial</mark>" in page,
              "the editor lists the findings with the words marked in their text", page[-3000:])
        check("Add “politial” to the dictionary" not in page,
              "an author is not offered to add words", "")
        check('form="editor" name="action" value="check"' in page,
              "a Check button submits the editor's form", "")

        # A clean article has no mark; one with findings has.
        r = send(s, "/admin/articles/new", edit_form(author, headline="Council approves the plan",
                                                      dek="A short summary of the plan.",
                                                      body=CLEAN_BODY))
        clean_id, _ = saved_id(r)
        listing = get(s, "/admin/articles/", who=author).text
        row_bad = re.search(r'<tr[^>]*>(?:(?!</tr>).)*/admin/articles/%d/(?:(?!</tr>).)*</tr>'
                            % aid, listing, re.S)
        row_clean = re.search(r'<tr[^>]*>(?:(?!</tr>).)*/admin/articles/%d/(?:(?!</tr>).)*</tr>'
                              % clean_id, listing, re.S)
        check(row_bad and "findings-mark" in row_bad.group(0) and
              re.search(r"\d+ findings", row_bad.group(0)),
              "the articles list marks the article with findings",
              row_bad.group(0) if row_bad else listing[-2000:])
        check(row_clean and "findings-mark" not in row_clean.group(0),
              "and not the clean one", row_clean.group(0) if row_clean else "")

        # Check: the text as typed, nothing saved.
        before = s.sql("SELECT body_src, updated_at FROM articles WHERE id = ?", clean_id)
        revs = s.sql("SELECT count(*) FROM revisions")
        r = send(s, "/admin/articles/%d/" % clean_id,
                 edit_form(author, headline="Council approves the plan",
                           dek="A short summary of the plan.",
                           body="The mayor said it was a goood day.\n", action="check"))
        check(r.status == 200 and "<mark>goood</mark>" in r.text and
              "checked as typed, not saved yet" in r.text,
              "Check lists the findings of the text as typed", (r.status, r.text[-2000:]))
        check('The mayor said it was a goood day.' in r.text, "the typed text stays in the form")
        check(s.sql("SELECT body_src, updated_at FROM articles WHERE id = ?", clean_id) == before
              and s.sql("SELECT count(*) FROM revisions") == revs,
              "Check saves nothing", "")

        # Publishing with findings goes out: they warn.
        r = send(s, "/admin/articles/%d/" % aid, edit_form(author, headline="The crisis",
                                                           body=BAD_BODY, status="published"))
        check(r.status == 303 and s.sql("SELECT status FROM articles WHERE id = ?", aid)[0][0]
              == "published", "an article with findings can be published", r.status)

        # Add to dictionary: editors, with the token.
        page = get(s, "/admin/articles/%d/" % aid, who=editor).text
        check('name="word" value="politial"' in page and 'form="findings-dictionary"' in page
              and 'id="findings-dictionary"' in page,
              "an editor is offered to add the word", page[-3000:])
        form = page[page.find('id="findings-dictionary"') - 200:]
        check('name="csrf" value="%s"' % editor.csrf in form, "the dictionary form has the token")
        add = [("csrf", editor.csrf), ("word", "politial"), ("article", str(aid))]
        r = send(s, "/admin/dictionary/", add, who=author)
        check(r.status == 403 and not s.sql("SELECT * FROM site_words"),
              "an author may not add words", r.status)
        r = send(s, "/admin/dictionary/", add[1:], who=editor)
        check(r.status == 403 and not s.sql("SELECT * FROM site_words"),
              "no token, no word", r.status)
        r = send(s, "/admin/dictionary/", [("csrf", editor.csrf), ("word", "two words"),
                                           ("article", str(aid))], who=editor)
        check(r.status == 400 and "without spaces" in r.text and
              not s.sql("SELECT * FROM site_words"), "a phrase is refused with a sentence",
              r.status)
        r = send(s, "/admin/dictionary/", [("csrf", editor.csrf), ("word", "x" * 61),
                                           ("article", str(aid))], who=editor)
        check(r.status == 400 and not s.sql("SELECT * FROM site_words"),
              "a word over 60 characters is refused", r.status)
        r = send(s, "/admin/dictionary/", add, who=editor)
        check(r.status == 303 and r.header("Location", ) == "/admin/articles/%d/?done=word-added"
              % aid, "an editor adds the word and goes back to the article",
              (r.status, r.header("Location")))
        check(s.sql("SELECT word, added_by FROM site_words") == [("politial", editor.id)],
              "the word is in the site's dictionary, with who added it",
              s.sql("SELECT * FROM site_words"))
        rows = s.sql("SELECT kind, words FROM article_findings WHERE article_id = ?", aid)
        check(("spelling", "politial") not in rows and ("repeated-word", "the the") in rows,
              "the article is checked again at once", rows)
        page = get(s, "/admin/articles/%d/?done=word-added" % aid, who=editor).text
        check("Added to the site" in page and "<mark>politial</mark>" not in page,
              "the editor says so and no longer flags it", "")
    finally:
        s.stop()


def main():
    command_line()
    desk()
    done()


if __name__ == "__main__":
    main()
