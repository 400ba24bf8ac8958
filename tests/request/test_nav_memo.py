"""The navigation every page shows (the header's and footer's menus and the
sections with something published) is remembered between pages
(model/listmemo.c's listmemo_menus and listmemo_sections: two statements a
page fewer, round trips on PostgreSQL), and forgotten as soon as the change
log reports what changes it: a section's first published article (a
listing change), a new section or menu item (everything).  Served with
--no-cache, so each page is rendered: what is checked is the memo, not the
page cache.  tests/request/test_pg_page_reads.py checks the statements not
sent; this checks that nothing stale is shown."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check, done  # noqa: E402


def nav(srv, path="/"):
    r = srv.get(path)
    m = re.search(r"<header.*?</header>", r.text, re.S)
    return r.status, m.group(0) if m else ""


def main():
    srv = Server(demo=True, args=("--no-cache",))
    try:
        status, before = nav(srv)
        check(status == 200 and "/category/city/" in before, "the home page shows the sections")
        nav(srv, "/category/city/")  # remembered now
        check("Weather desk" not in before, "no such section yet")

        # A new section (everything changes) with nothing in it: not shown.
        srv.sql("INSERT INTO sections(name, slug) VALUES ('Weather desk', 'weather-desk')")
        _, after = nav(srv)
        check("Weather desk" not in after, "a section with nothing published is not in the menu")
        # Its first published article (a listing change): shown on the next page.
        srv.sql("UPDATE articles SET section_id = (SELECT id FROM sections"
                " WHERE slug = 'weather-desk') WHERE id = (SELECT max(id) FROM articles"
                " WHERE status = 'published')")
        for path in ("/", "/tag/budget/", "/search/?q=budget"):
            _, after = nav(srv, path)
            check("/category/weather-desk/" in after,
                  "a section's first published article puts it in the menu (%s)" % path)

        # A header menu (everything changes): it replaces the sections.
        srv.sql("INSERT INTO menu_items(menu, position, kind, label, url)"
                " VALUES ('header', 1, 'link', 'Tip line', 'https://example.com/tips')")
        _, after = nav(srv)
        check("https://example.com/tips" in after and "Tip line" in after,
              "a new header menu item is shown on the next page")
        srv.sql("UPDATE menu_items SET label = 'Send a tip' WHERE label = 'Tip line'")
        _, after = nav(srv, "/tag/budget/")
        check("Send a tip" in after and "Tip line" not in after,
              "a renamed menu item is shown renamed on the next page")
        srv.sql("DELETE FROM menu_items WHERE label = 'Send a tip'")
        _, after = nav(srv)
        check("Send a tip" not in after and "/category/weather-desk/" in after,
              "with the item gone, the sections are back")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
    done()
