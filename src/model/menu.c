/*
** menu.c: the site's menus (menu.h).
**
** Moves are made in C on the whole list (a menu holds tens of items) and
** written back as positions 0, 1, 2 ..., in one transaction: a swap, an
** indent or a removal never leaves two items at one place or an indented
** first item.
**
** The footer's links had a second home once, the `footer_links` setting
** ("Label | URL" a line); menu_adopt_footer_links() moves them into the
** footer menu at start and deletes the setting's row, in one transaction.
*/
#include "model/menu.h"
#include "core/arena.h"
#include "core/url.h"
#include "db/db.h"
#include "model/settings.h"

#include <stdio.h>
#include <string.h>

#define MENU_MAX_ITEMS 200

static const char *const kind_names[] = {"", "section", "page", "link"};

enum menu_kind menu_kind_parse(const char *s)
{
	for (int i = MENU_SECTION; s && i <= MENU_LINK; i++)
		if (!strcmp(s, kind_names[i]))
			return (enum menu_kind)i;
	return MENU_KIND_NONE;
}

const char *menu_kind_name(enum menu_kind k)
{
	return kind_names[k >= MENU_SECTION && k <= MENU_LINK ? k : 0];
}

int menu_is_name(const char *name)
{
	return name && (!strcmp(name, "header") || !strcmp(name, "footer"));
}

static const char sql_items[] =
    "SELECT m.id, m.depth, m.kind, COALESCE(m.ref_id, 0), m.label, m.url,"
    " COALESCE(s.name, pg.title, ''), COALESCE(s.slug, ''), COALESCE(ps.slug, ''),"
    " CASE WHEN m.kind <> 'page' OR pg.status = 'published' THEN 1 ELSE 0 END"
    " FROM menu_items m"
    " LEFT JOIN sections s ON m.kind = 'section' AND s.id = m.ref_id"
    " LEFT JOIN sections ps ON ps.id = s.parent_id"
    " LEFT JOIN pages pg ON m.kind = 'page' AND pg.id = m.ref_id"
    " WHERE m.menu = ?1 ORDER BY m.position, m.id";
/* sql_items for both menus, the header's first. */
static const char sql_items_both[] =
    "SELECT m.id, m.depth, m.kind, COALESCE(m.ref_id, 0), m.label, m.url,"
    " COALESCE(s.name, pg.title, ''), COALESCE(s.slug, ''), COALESCE(ps.slug, ''),"
    " CASE WHEN m.kind <> 'page' OR pg.status = 'published' THEN 1 ELSE 0 END, m.menu"
    " FROM menu_items m"
    " LEFT JOIN sections s ON m.kind = 'section' AND s.id = m.ref_id"
    " LEFT JOIN sections ps ON ps.id = s.parent_id"
    " LEFT JOIN pages pg ON m.kind = 'page' AND pg.id = m.ref_id"
    " WHERE m.menu IN ('header', 'footer') ORDER BY m.menu = 'footer', m.position, m.id";
static const char sql_count[] = "SELECT count(*), COALESCE(max(position), -1) FROM menu_items"
                                " WHERE menu = ?1";
static const char sql_section_exists[] = "SELECT 1 FROM sections WHERE id = ?1";
static const char sql_page_exists[] = "SELECT 1 FROM pages WHERE id = ?1";
static const char sql_insert[] =
    "INSERT INTO menu_items(menu, position, depth, kind, ref_id, label, url)"
    " VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6)";
static const char sql_place[] =
    "UPDATE menu_items SET position = ?2, depth = ?3 WHERE id = ?1"
    " AND (position <> ?2 OR depth <> ?3)";
static const char sql_delete[] = "DELETE FROM menu_items WHERE id = ?1 AND menu = ?2";
static const char sql_relabel[] =
    "UPDATE menu_items SET label = ?3 WHERE id = ?1 AND menu = ?2";

int menu_link_ok(const char *url)
{
	if (!url)
		return 0;
	size_t n = strlen(url);
	if (url_is_web(url, n))
		return 1;
	/* A path of this site: "/x", never "//host" or "/\host" (browsers
	** read both as another host), nothing a browser would strip or that
	** could end an attribute. */
	if (n < 1 || n > 2000 || url[0] != '/' || url[1] == '/' || url[1] == '\\')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] == 0x7f ||
		    strchr("\"<>\\`", url[i]))
			return 0;
	return 1;
}

/* One item from a row of sql_items or sql_items_both. */
static void read_item(struct db_stmt *st, struct arena *a, struct menu_item *m)
{
	m->id = db_col_int(st, 0);
	m->depth = (int)db_col_int(st, 1);
	m->kind = menu_kind_parse(db_col_text(st, 2));
	m->ref_id = db_col_int(st, 3);
	m->label = arena_strdup(a, db_col_text(st, 4));
	m->url = arena_strdup(a, db_col_text(st, 5));
	m->target_name = arena_strdup(a, db_col_text(st, 6));
	m->section_slug = arena_strdup(a, db_col_text(st, 7));
	m->parent_slug = arena_strdup(a, db_col_text(st, 8));
	m->target_public = (int)db_col_int(st, 9);
}

void menu_items_both(struct db *db, struct arena *a, struct menu_item **header, size_t *n_header,
                     struct menu_item **footer, size_t *n_footer)
{
	*header = arena_alloc(a, MENU_MAX_ITEMS * sizeof **header);
	*footer = arena_alloc(a, MENU_MAX_ITEMS * sizeof **footer);
	*n_header = *n_footer = 0;
	struct db_stmt *st = db_prepare(db, sql_items_both);
	while (db_step(st) == DB_ROW) {
		int is_footer = !strcmp(db_col_text(st, 10), "footer");
		size_t *n = is_footer ? n_footer : n_header;
		if (*n < MENU_MAX_ITEMS)
			read_item(st, a, &(is_footer ? *footer : *header)[(*n)++]);
	}
	db_done(st);
}

struct menu_item *menu_items(struct db *db, struct arena *a, const char *menu, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_items);
	db_bind_text(st, 1, menu);
	struct menu_item *out = arena_alloc(a, MENU_MAX_ITEMS * sizeof *out);
	size_t k = 0;
	while (k < MENU_MAX_ITEMS && db_step(st) == DB_ROW)
		read_item(st, a, &out[k++]);
	db_done(st);
	*n = k;
	return out;
}

static int exists(struct db *db, const char *sql, long long id)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_ROW;
}

int menu_add(struct db *db, const char *menu, enum menu_kind kind, long long ref_id,
             const char *label, const char *url, char *err, size_t errlen)
{
	if (!menu_is_name(menu) || !kind) {
		snprintf(err, errlen, "Choose a menu and what the item leads to.");
		return -1;
	}
	if (kind == MENU_LINK && !menu_link_ok(url)) {
		snprintf(err, errlen, "A link needs a full web address starting with http:// or "
		         "https://, such as https://example.com/, or a path of this site starting "
		         "with /, such as /feed/.");
		return -1;
	}
	if (kind == MENU_LINK && (!label || !*label)) {
		snprintf(err, errlen, "A link needs a label: the words readers click.");
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	if ((kind == MENU_SECTION && !exists(db, sql_section_exists, ref_id)) ||
	    (kind == MENU_PAGE && !exists(db, sql_page_exists, ref_id))) {
		snprintf(err, errlen, "Choose a %s from the list.", kind == MENU_PAGE ? "page"
		                                                                    : "section");
		goto fail;
	}
	struct db_stmt *st = db_prepare(db, sql_count);
	db_bind_text(st, 1, menu);
	long long count = 0, last = -1;
	if (db_step(st) == DB_ROW) {
		count = db_col_int(st, 0);
		last = db_col_int(st, 1);
	}
	db_done(st);
	if (count >= MENU_MAX_ITEMS) {
		snprintf(err, errlen, "A menu holds at most %d items.", MENU_MAX_ITEMS);
		goto fail;
	}
	st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, menu);
	db_bind_int(st, 2, last + 1);
	db_bind_text(st, 3, menu_kind_name(kind));
	if (kind == MENU_LINK)
		db_bind_null(st, 4);
	else
		db_bind_int(st, 4, ref_id);
	db_bind_text(st, 5, label ? label : "");
	db_bind_text(st, 6, kind == MENU_LINK ? url : "");
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The item could not be added.");
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The item could not be added; please try again.");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int menu_apply(struct db *db, const char *menu, long long id, enum menu_op op)
{
	if (!menu_is_name(menu))
		return 1;
	struct arena *a = arena_new();
	int rc = -1;
	if (db_begin(db) != DB_OK)
		goto out;
	size_t n;
	struct menu_item *items = menu_items(db, a, menu, &n);
	size_t i = 0;
	while (i < n && items[i].id != id)
		i++;
	if (i == n) {
		db_rollback(db);
		rc = 1;
		goto out;
	}
	int ok = 1;
	if (op == MENU_REMOVE) {
		struct db_stmt *st = db_prepare(db, sql_delete);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, menu);
		ok = db_step(st) == DB_OK;
		db_done(st);
		/* The items nested under it move up a level. */
		if (items[i].depth == 0)
			for (size_t j = i + 1; j < n && items[j].depth == 1; j++)
				items[j].depth = 0;
		memmove(&items[i], &items[i + 1], (n - i - 1) * sizeof *items);
		n--;
	} else if (op == MENU_UP && i > 0) {
		struct menu_item t = items[i - 1];
		items[i - 1] = items[i];
		items[i] = t;
	} else if (op == MENU_DOWN && i + 1 < n) {
		struct menu_item t = items[i + 1];
		items[i + 1] = items[i];
		items[i] = t;
	} else if (op == MENU_INDENT) {
		items[i].depth = 1;
	} else if (op == MENU_OUTDENT) {
		items[i].depth = 0;
	}
	if (n)
		items[0].depth = 0; /* nothing to nest under */
	for (size_t j = 0; ok && j < n; j++) {
		struct db_stmt *st = db_prepare(db, sql_place);
		db_bind_int(st, 1, items[j].id);
		db_bind_int(st, 2, (long long)j);
		db_bind_int(st, 3, items[j].depth);
		ok = db_step(st) == DB_OK;
		db_done(st);
	}
	if (!ok) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db) == DB_OK ? 0 : -1;
out:
	arena_free(a);
	return rc;
}

int menu_relabel(struct db *db, const char *menu, long long id, const char *label)
{
	struct db_stmt *st = db_prepare(db, sql_relabel);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, menu);
	db_bind_text(st, 3, label ? label : "");
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

/* ---- the footer_links setting, adopted ---- */

/* One line [s, s+n) of the old setting, "Label | URL": 1 with the label and
** the URL trimmed into a if it reads as the setting's check read it (a
** label, then an http(s) URL or a path of the site), else 0. */
static int legacy_link(struct arena *a, const char *s, size_t n, const char **label,
                       const char **url)
{
	const char *bar = memchr(s, '|', n);
	if (!bar)
		return 0;
	const char *ls = s, *le = bar, *us = bar + 1, *ue = s + n;
	while (ls < le && (*ls == ' ' || *ls == '\t'))
		ls++;
	while (le > ls && (le[-1] == ' ' || le[-1] == '\t'))
		le--;
	while (us < ue && (*us == ' ' || *us == '\t'))
		us++;
	while (ue > us && (ue[-1] == ' ' || ue[-1] == '\t' || ue[-1] == '\r'))
		ue--;
	if (le == ls || ue == us)
		return 0;
	*label = arena_strndup(a, ls, (size_t)(le - ls));
	*url = arena_strndup(a, us, (size_t)(ue - us));
	return menu_link_ok(*url);
}

int menu_adopt_footer_links(struct db *db)
{
	struct arena *a = arena_new();
	int adopted = 0;
	if (db_begin(db) != DB_OK) {
		arena_free(a);
		return -1;
	}
	const char *value = settings_get(db, a, "footer_links");
	if (!value) { /* adopted already, or a site that never had it */
		db_rollback(db);
		arena_free(a);
		return 0;
	}
	struct db_stmt *st = db_prepare(db, sql_count);
	db_bind_text(st, 1, "footer");
	long long count = 0, last = -1;
	if (db_step(st) == DB_ROW) {
		count = db_col_int(st, 0);
		last = db_col_int(st, 1);
	}
	db_done(st);
	/* After any items the footer menu has: the footer showed the menu's
	** links first, then the setting's, and still does, in one list. */
	int ok = 1;
	for (const char *v = value; ok && *v && count < MENU_MAX_ITEMS;) {
		size_t len = strcspn(v, "\n");
		const char *label, *url;
		if (legacy_link(a, v, len, &label, &url)) {
			st = db_prepare(db, sql_insert);
			db_bind_text(st, 1, "footer");
			db_bind_int(st, 2, ++last);
			db_bind_text(st, 3, menu_kind_name(MENU_LINK));
			db_bind_null(st, 4);
			db_bind_text(st, 5, label);
			db_bind_text(st, 6, url);
			ok = db_step(st) == DB_OK;
			db_done(st);
			count++;
			adopted++;
		}
		v += len + (v[len] == '\n');
	}
	if (!ok || settings_forget(db, "footer_links") != 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		adopted = -1;
	}
	arena_free(a);
	return adopted;
}
