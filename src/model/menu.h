/*
** menu.h: the site's menus (the header's navigation and the footer's
** links), kept in the desk (web/admin_menus.c) and read by the theme.
**
** A menu is a list of items in order, each a section, a static page or a
** link (an http(s) URL, or a path of the site such as /feed/), at depth 0
** or 1: an item at depth 1 is nested under the nearest item before it at
** depth 0 (one level, as the desk's indent and outdent buttons make it;
** the first item is never indented).  A label "" shows the section's name or the page's title.
** Every change is one transaction and renumbers the positions 0, 1, 2 ...;
** the change log's triggers (migration 23) mark every public page stale.
*/
#ifndef BYLINE_MODEL_MENU_H
#define BYLINE_MODEL_MENU_H

#include <stddef.h>

struct db;
struct arena;

enum menu_kind {
	MENU_KIND_NONE = 0, /* unknown */
	MENU_SECTION,       /* "section": ref_id is sections.id */
	MENU_PAGE,          /* "page": ref_id is pages.id */
	MENU_LINK,          /* "link": url is an http(s) URL or a path of the site */
};

enum menu_kind menu_kind_parse(const char *s); /* MENU_KIND_NONE if unknown */
const char *menu_kind_name(enum menu_kind k);  /* "section", ... ("" for none) */

/* 1 if name is a menu: "header" or "footer". */
int menu_is_name(const char *name);

struct menu_item {
	long long id;            /* menu_items.id */
	int depth;               /* 0, or 1: nested under the item before */
	enum menu_kind kind;     /* what it points at */
	long long ref_id;        /* the section or page (0 for a link) */
	const char *label;       /* as stored: "" for the target's own name */
	const char *url;         /* a link's URL ("" otherwise) */
	const char *target_name; /* the section's name or the page's title ("" if gone) */
	const char *section_slug; /* a section's slug ("" otherwise or if gone) */
	const char *parent_slug; /* its parent section's slug ("" if none) */
	int target_public;       /* the page is published (sections and links: 1) */
};

/* The items of menu name in order.  Allocated in a. */
struct menu_item *menu_items(struct db *db, struct arena *a, const char *menu, size_t *n);
/* menu_items() of the header (*header, *n_header) and of the footer
** (*footer, *n_footer), from one statement (a page shows both). */
void menu_items_both(struct db *db, struct arena *a, struct menu_item **header, size_t *n_header,
                     struct menu_item **footer, size_t *n_footer);

/* 1 if url may be a link's: an absolute http(s) URL (url_is_web()) or a
** path of this site ("/feed/"; never "//host"), without spaces, quotes,
** angle brackets, backslashes or backticks in a path. */
int menu_link_ok(const char *url);

/* Appends an item at depth 0.  A section or page must exist; a link's URL
** must pass menu_link_ok().  0, or -1 with a
** sentence in err. */
int menu_add(struct db *db, const char *menu, enum menu_kind kind, long long ref_id,
             const char *label, const char *url, char *err, size_t errlen);

/* What the desk's buttons do to item id of menu: */
enum menu_op {
	MENU_UP,      /* swap with the item before */
	MENU_DOWN,    /* swap with the item after */
	MENU_INDENT,  /* depth 1 (not for the first item) */
	MENU_OUTDENT, /* depth 0 */
	MENU_REMOVE,  /* delete (items nested under it move up a level) */
};

/* Applies op to item id of menu.  0, 1 if there is no such item, -1. */
int menu_apply(struct db *db, const char *menu, long long id, enum menu_op op);

/* Sets item id's label ("" for the target's own name).  0, 1, -1. */
int menu_relabel(struct db *db, const char *menu, long long id, const char *label);

/* The footer's links used to be a setting, `footer_links` ("Label | URL" a
** line, URL http(s) or a path of the site), shown after the footer menu's
** items.  Appends each good line of a stored value to the footer menu as a
** link (label and URL as written, so the footer reads as it did) and
** deletes the setting's row, in one transaction: run at every start
** (schema_migrate()), it does nothing once the row is gone.  Lines the
** setting's check would have refused (only a hand-edited row has them)
** were never shown and are dropped.  The number of links adopted, or -1
** (nothing changed). */
int menu_adopt_footer_links(struct db *db);

#endif
