/*
** taxonomy.c: sections and tags: found or made as articles name them, and
** kept from the desk's screens (renamed with their old addresses answering
** 301, nested, ordered, merged, deleted).
*/
#include "model/taxonomy.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/text.h"
#include "db/db.h"
#include "model/redirect.h"

#include <stdio.h>
#include <string.h>

static const char sql_section_by_name[] = "SELECT id FROM sections WHERE name = ?1";
static const char sql_section_by_lower_name[] =
    "SELECT id FROM sections WHERE lower(name) = lower(?1) ORDER BY id LIMIT 1";
static const char sql_tag_by_lower_name[] =
    "SELECT id FROM tags WHERE lower(name) = lower(?1) ORDER BY id LIMIT 1";
static const char sql_section_slug[] = "SELECT 1 FROM sections WHERE slug = ?1";
static const char sql_section_insert[] = "INSERT INTO sections(name, slug) VALUES (?1, ?2)";
static const char sql_section_all[] = "SELECT id, name, slug FROM sections ORDER BY name";
/* Nested EXISTS, so that each probe is one seek in articles_section: the
** join form let the planner walk every published article per section
** (43 ms for 7 sections over 100,000 articles; this, under 0.1 ms). */
static const char sql_section_published[] =
    "SELECT s.id, s.name, s.slug FROM sections s"
    " WHERE EXISTS (SELECT 1 FROM articles a WHERE a.section_id = s.id"
    "   AND a.status = 'published')"
    " OR EXISTS (SELECT 1 FROM sections c WHERE c.parent_id = s.id AND EXISTS (SELECT 1"
    "   FROM articles a WHERE a.section_id = c.id AND a.status = 'published'))"
    " ORDER BY s.position, s.name";
/* The sections that have sub-sections (article.c's sql_has_subsections,
** for every section at once). */
static const char sql_parents[] =
    "SELECT DISTINCT parent_id FROM sections WHERE parent_id IS NOT NULL AND parent_id <> id";
static const char sql_tag_by_name[] = "SELECT id FROM tags WHERE name = ?1";
static const char sql_tag_slug[] = "SELECT 1 FROM tags WHERE slug = ?1";
static const char sql_tag_insert[] = "INSERT INTO tags(name, slug) VALUES (?1, ?2)";
static const char sql_tag_attach[] =
    "INSERT INTO article_tags(article_id, tag_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char sql_tags_of[] =
    "SELECT t.id, t.name, t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id"
    " WHERE at.article_id = ?1 ORDER BY t.name";
static const char sql_tags_of_many[] =
    "SELECT at.article_id, t.id, t.name, t.slug FROM tags t"
    " JOIN article_tags at ON at.tag_id = t.id"
    " WHERE at.article_id IN (SELECT value FROM json_each(?1)) ORDER BY at.article_id, t.name";

static const char sql_tag_articles[] =
    "SELECT article_id FROM article_tags WHERE tag_id = ?1 ORDER BY article_id DESC";

long long *tag_article_ids(struct db *db, struct arena *a, long long tag_id, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_tag_articles);
	db_bind_int(st, 1, tag_id);
	return db_col_ids(st, a, (size_t)-1, n);
}

static long long ensure(struct db *db, struct arena *a, const char *name,
                        const char *by_name, const char *by_lower, const char *slug_q,
                        const char *insert)
{
	struct db_stmt *st = db_prepare(db, by_name);
	db_bind_text(st, 1, name);
	long long id = -1;
	if (db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (id > 0)
		return id;
	/* "ports", "Ports" and "PORTS" are one tag (but "C" and "C++" are two). */
	st = db_prepare(db, by_lower);
	db_bind_text(st, 1, name);
	if (db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (id > 0)
		return id;
	char *base = text_slug_any(a, name); /* "ニュース" keeps its letters */
	if (!*base)
		base = "untitled";
	char *slug = base;
	for (int i = 2; i < 1000; i++) {
		st = db_prepare(db, slug_q);
		db_bind_text(st, 1, slug);
		int taken = db_step(st) == DB_ROW;
		db_done(st);
		if (!taken)
			break;
		slug = arena_printf(a, "%s-%d", base, i);
	}
	st = db_prepare(db, insert);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, slug);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

long long section_ensure(struct db *db, struct arena *a, const char *name)
{
	return ensure(db, a, name, sql_section_by_name, sql_section_by_lower_name, sql_section_slug,
	              sql_section_insert);
}

long long tag_ensure(struct db *db, struct arena *a, const char *name)
{
	return ensure(db, a, name, sql_tag_by_name, sql_tag_by_lower_name, sql_tag_slug,
	              sql_tag_insert);
}

static const char sql_tag_id_by_slug[] = "SELECT id FROM tags WHERE slug = ?1";
static const char sql_section_id_by_slug[] = "SELECT id FROM sections WHERE slug = ?1";
static const char sql_section_insert_full[] =
    "INSERT INTO sections(name, slug, parent_id, description) VALUES (?1, ?2, ?3, ?4)";

static long long id_by_slug(struct db *db, const char *sql, const char *slug)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, slug);
	int rc = db_step(st);
	long long id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_done(st);
	return id;
}

long long tag_ensure_slug(struct db *db, struct arena *a, const char *name, const char *slug)
{
	const char *s = slug ? text_slug_decode(a, slug) : NULL;
	if (!s || !name || !*name)
		return -1;
	long long id = id_by_slug(db, sql_tag_id_by_slug, s);
	if (id != 0)
		return id;
	struct db_stmt *st = db_prepare(db, sql_tag_insert);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, s);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

long long section_ensure_slug(struct db *db, struct arena *a, const char *name,
                              const char *slug, long long parent_id, const char *description)
{
	const char *s = slug ? text_slug_decode(a, slug) : NULL;
	if (!s || !name || !*name)
		return -1;
	long long id = id_by_slug(db, sql_section_id_by_slug, s);
	if (id != 0)
		return id;
	struct db_stmt *st = db_prepare(db, sql_section_insert_full);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, s);
	if (parent_id > 0)
		db_bind_int(st, 3, parent_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, description ? description : "");
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_last_id(db) : -1;
}

static struct term *read_terms(struct db_stmt *st, struct arena *a, size_t *n)
{
	size_t cap = 8, k = 0;
	struct term *t = arena_alloc(a, cap * sizeof *t);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct term *bigger = arena_alloc(a, 2 * cap * sizeof *t);
			memcpy(bigger, t, cap * sizeof *t);
			t = bigger;
			cap *= 2;
		}
		t[k].id = db_col_int(st, 0);
		t[k].name = arena_strdup(a, db_col_text(st, 1));
		t[k].slug = arena_strdup(a, db_col_text(st, 2));
		k++;
	}
	db_done(st);
	*n = k;
	return t;
}

struct term *section_all(struct db *db, struct arena *a, size_t *n)
{
	return read_terms(db_prepare(db, sql_section_all), a, n);
}

struct term *section_published(struct db *db, struct arena *a, size_t *n)
{
	return read_terms(db_prepare(db, sql_section_published), a, n);
}

struct term *tag_of_article(struct db *db, struct arena *a, long long article_id,
                            size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_tags_of);
	db_bind_int(st, 1, article_id);
	return read_terms(st, a, n);
}

void tag_of_articles(struct db *db, struct arena *a, const long long *ids, size_t n,
                     struct term **lists, size_t *counts)
{
	size_t *cap = arena_alloc(a, (n + 1) * sizeof *cap);
	for (size_t i = 0; i < n; i++) {
		lists[i] = NULL;
		counts[i] = cap[i] = 0;
	}
	if (n == 0)
		return;
	struct db_stmt *st = db_prepare(db, sql_tags_of_many);
	db_bind_text(st, 1, json_ids(a, ids, n));
	while (db_step(st) == DB_ROW) {
		long long aid = db_col_int(st, 0);
		struct term t;
		t.id = db_col_int(st, 1);
		t.name = arena_strdup(a, db_col_text(st, 2));
		t.slug = arena_strdup(a, db_col_text(st, 3));
		for (size_t i = 0; i < n; i++) {
			if (ids[i] != aid)
				continue;
			if (counts[i] == cap[i]) {
				size_t c = cap[i] ? 2 * cap[i] : 8;
				struct term *bigger = arena_alloc(a, c * sizeof *bigger);
				if (counts[i])
					memcpy(bigger, lists[i], counts[i] * sizeof *bigger);
				lists[i] = bigger;
				cap[i] = c;
			}
			lists[i][counts[i]++] = t;
		}
	}
	db_done(st);
}

void section_nesting(struct db *db, struct arena *a, const long long *ids, size_t n,
                     int *nested)
{
	for (size_t i = 0; i < n; i++)
		nested[i] = -1;
	size_t k;
	struct db_stmt *st = db_prepare(db, sql_parents);
	long long *parents = db_col_ids(st, a, (size_t)-1, &k);
	if (db_failed(db)) {
		for (size_t i = 0; i < n; i++)
			nested[i] = 0;
		return;
	}
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < n; i++)
			if (ids[i] == parents[j])
				nested[i] = 1;
}

int tag_attach(struct db *db, long long article_id, long long tag_id)
{
	struct db_stmt *st = db_prepare(db, sql_tag_attach);
	db_bind_int(st, 1, article_id);
	db_bind_int(st, 2, tag_id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

static const char sql_section_by_slug[] =
    "SELECT id, name, slug, COALESCE(parent_id, 0) FROM sections WHERE slug = ?1";
static const char sql_tag_by_slug[] = "SELECT id, name, slug FROM tags WHERE slug = ?1";
static const char sql_tag_all[] =
    "SELECT t.id, t.name, t.slug FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags x"
    " JOIN articles a ON a.id = x.article_id WHERE x.tag_id = t.id AND a.status = 'published')"
    " ORDER BY t.name";

int section_by_slug(struct db *db, struct arena *a, const char *slug, struct term *out,
                    long long *parent_id)
{
	struct db_stmt *st = db_prepare(db, sql_section_by_slug);
	db_bind_text(st, 1, slug);
	int rc = 1;
	if (db_step(st) == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->name = arena_strdup(a, db_col_text(st, 1));
		out->slug = arena_strdup(a, db_col_text(st, 2));
		if (parent_id)
			*parent_id = db_col_int(st, 3);
		rc = 0;
	}
	db_done(st);
	return rc;
}

int tag_by_slug(struct db *db, struct arena *a, const char *slug, struct term *out)
{
	struct db_stmt *st = db_prepare(db, sql_tag_by_slug);
	db_bind_text(st, 1, slug);
	int rc = 1;
	if (db_step(st) == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->name = arena_strdup(a, db_col_text(st, 1));
		out->slug = arena_strdup(a, db_col_text(st, 2));
		rc = 0;
	}
	db_done(st);
	return rc;
}

struct term *tag_all(struct db *db, struct arena *a, size_t *n)
{
	return read_terms(db_prepare(db, sql_tag_all), a, n);
}

/* ---- the desk's sections and tags screens ---- */

/* Section slugs that would be taken for another route under a parent:
** /category/PARENT/feed/ and /category/PARENT/page/N/. */
static int slug_reserved(const char *slug)
{
	return !strcmp(slug, "feed") || !strcmp(slug, "page");
}

/* A slug from what was typed (or the name when nothing was): tidied as
** the editor tidies an article's.  NULL, with err set, if nothing is left. */
static const char *tidy_slug(struct arena *a, const char *typed, const char *name, char *err,
                             size_t errlen)
{
	const char *s = typed && *typed ? typed : name;
	if (!text_is_slug_utf8(s))
		s = text_slug_any(a, s);
	if (!*s || !text_is_slug_utf8(s)) {
		snprintf(err, errlen, "The slug needs at least one letter or digit.");
		return NULL;
	}
	return s;
}

static const char sql_section_rows[] =
    "SELECT s.id, s.name, s.slug, s.description, COALESCE(s.parent_id, 0), s.position,"
    " (SELECT count(*) FROM articles a WHERE a.section_id = s.id AND a.trashed_at IS NULL)"
    " FROM sections s ORDER BY s.position, s.name, s.id";
static const char sql_section_row[] =
    "SELECT s.id, s.name, s.slug, s.description, COALESCE(s.parent_id, 0), s.position,"
    " (SELECT count(*) FROM articles a WHERE a.section_id = s.id AND a.trashed_at IS NULL)"
    " FROM sections s WHERE s.id = ?1";
static const char sql_section_path[] =
    "SELECT s.slug, COALESCE(p.slug, '') FROM sections s"
    " LEFT JOIN sections p ON p.id = s.parent_id WHERE s.id = ?1";
static const char sql_section_children[] =
    "SELECT id FROM sections WHERE parent_id = ?1 ORDER BY id";
static const char sql_section_update[] =
    "UPDATE sections SET name = ?2, slug = ?3, parent_id = ?4, description = ?5,"
    " position = ?6 WHERE id = ?1";
static const char sql_section_create[] =
    "INSERT INTO sections(name, slug, parent_id, description, position)"
    " VALUES (?2, ?3, ?4, ?5, ?6)";
static const char sql_section_move_articles[] =
    "UPDATE articles SET section_id = ?2 WHERE section_id = ?1";
static const char sql_section_unmenu[] =
    "DELETE FROM menu_items WHERE kind = 'section' AND ref_id = ?1";
static const char sql_section_delete[] = "DELETE FROM sections WHERE id = ?1";
/* What a WordPress import made of a category or tag follows it (wxr_import.c
** reuses the id it recorded when the term comes again unchanged): to the
** section or tag that took its articles, or forgotten (made again). */
static const char sql_map_move[] =
    "UPDATE wp_import_map SET byline_id = ?3 WHERE kind = ?1 AND byline_id = ?2";
static const char sql_map_forget[] =
    "DELETE FROM wp_import_map WHERE kind = ?1 AND byline_id = ?2";

/* The import map's rows of kind for id now name `to` (0: are forgotten). */
static int map_follow(struct db *db, const char *kind, long long id, long long to)
{
	struct db_stmt *st = db_prepare(db, to ? sql_map_move : sql_map_forget);
	db_bind_text(st, 1, kind);
	db_bind_int(st, 2, id);
	if (to)
		db_bind_int(st, 3, to);
	int rc = db_step(st);
	db_done(st);
	return rc;
}

static void read_section(struct db_stmt *st, struct arena *a, struct section_row *r)
{
	r->id = db_col_int(st, 0);
	r->name = arena_strdup(a, db_col_text(st, 1));
	r->slug = arena_strdup(a, db_col_text(st, 2));
	r->description = arena_strdup(a, db_col_text(st, 3));
	r->parent_id = db_col_int(st, 4);
	r->position = (int)db_col_int(st, 5);
	r->n_articles = db_col_int(st, 6);
	r->depth = r->parent_id != 0;
}

struct section_row *section_rows(struct db *db, struct arena *a, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_section_rows);
	size_t cap = 16, k = 0;
	struct section_row *all = arena_alloc(a, cap * sizeof *all);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct section_row *bigger = arena_alloc(a, 2 * cap * sizeof *all);
			memcpy(bigger, all, cap * sizeof *all);
			all = bigger;
			cap *= 2;
		}
		read_section(st, a, &all[k++]);
	}
	db_done(st);
	/* Tree order: each top-level section, then its sub-sections (in their
	** own order); a sub-section whose parent is gone counts as top-level. */
	struct section_row *out = arena_alloc(a, (k ? k : 1) * sizeof *out);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		int orphan = 1;
		for (size_t j = 0; all[i].parent_id && j < k; j++)
			if (all[j].id == all[i].parent_id)
				orphan = 0;
		if (all[i].parent_id && !orphan)
			continue;
		out[m] = all[i];
		out[m++].depth = 0;
		for (size_t j = 0; j < k; j++)
			if (all[j].parent_id == all[i].id)
				out[m++] = all[j];
	}
	*n = m;
	return out;
}

int section_by_id(struct db *db, struct arena *a, long long id, struct section_row *out)
{
	struct db_stmt *st = db_prepare(db, sql_section_row);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_section(st, a, out);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_OK ? 1 : -1;
}

static const char sql_section_description[] = "SELECT description FROM sections WHERE id = ?1";

const char *section_description(struct db *db, struct arena *a, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_section_description);
	db_bind_int(st, 1, id);
	const char *d = db_step(st) == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : "";
	db_done(st);
	return d;
}

const char *section_path(struct db *db, struct arena *a, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_section_path);
	db_bind_int(st, 1, id);
	const char *path = NULL;
	if (db_step(st) == DB_ROW) {
		const char *slug = db_col_text(st, 0), *parent = db_col_text(st, 1);
		path = *parent ? arena_printf(a, "/category/%s/%s/", parent, slug)
		               : arena_printf(a, "/category/%s/", slug);
	}
	db_done(st);
	return path;
}

/* Old addresses of section id (its path and its children's, from the
** paths read before a change) answer 301 to the new ones.  0 or -1. */
static int section_moved(struct db *db, struct arena *a, long long id, const char *old_path,
                         const char *const *old_child, const long long *child, size_t n_child)
{
	const char *now = section_path(db, a, id);
	if (!now)
		return -1;
	if (strcmp(now, old_path) != 0) {
		if (redirect_move(db, old_path, now) != 0 ||
		    redirect_move(db, arena_printf(a, "%sfeed/", old_path),
		                  arena_printf(a, "%sfeed/", now)) != 0)
			return -1;
	}
	for (size_t i = 0; i < n_child; i++) {
		const char *c = section_path(db, a, child[i]);
		if (c && strcmp(c, old_child[i]) != 0 && redirect_move(db, old_child[i], c) != 0)
			return -1;
	}
	return 0;
}

long long section_save(struct db *db, struct arena *a, long long id,
                       const struct section_input *in, char *err, size_t errlen)
{
	if (!in->name || !*in->name) {
		snprintf(err, errlen, "Please give the section a name.");
		return -1;
	}
	const char *slug = tidy_slug(a, in->slug, in->name, err, errlen);
	if (!slug)
		return -1;
	if (slug_reserved(slug)) {
		snprintf(err, errlen, "The slug '%s' is kept for the site's own addresses; please "
		         "choose another.", slug);
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	struct section_row old;
	if (id && section_by_id(db, a, id, &old) != 0) {
		snprintf(err, errlen, "That section no longer exists.");
		goto fail;
	}
	long long taken = id_by_slug(db, sql_section_id_by_slug, slug);
	if (taken < 0 || (taken && taken != id)) {
		snprintf(err, errlen, "The slug '%s' is already used by another section; please "
		         "choose another.", slug);
		goto fail;
	}
	/* Its sub-sections (none for a new one): their addresses change with
	** its own, and a section that has some cannot become one. */
	size_t n_child = 0;
	struct db_stmt *st = db_prepare(db, sql_section_children);
	db_bind_int(st, 1, id);
	long long *child = db_col_ids(st, a, 1000, &n_child);
	if (in->parent_id) {
		struct section_row par;
		if (in->parent_id == id || section_by_id(db, a, in->parent_id, &par) != 0) {
			snprintf(err, errlen, "Choose another parent: a section cannot be its own.");
			goto fail;
		}
		if (par.parent_id) {
			snprintf(err, errlen, "Sections nest one level: '%s' is already a sub-section.",
			         par.name);
			goto fail;
		}
		if (n_child) {
			snprintf(err, errlen, "This section has sub-sections, so it cannot become one "
			         "(sections nest one level).");
			goto fail;
		}
	}
	const char *old_path = id ? section_path(db, a, id) : NULL;
	const char **old_child = arena_alloc(a, (n_child ? n_child : 1) * sizeof *old_child);
	for (size_t i = 0; i < n_child; i++)
		old_child[i] = section_path(db, a, child[i]);
	st = db_prepare(db, id ? sql_section_update : sql_section_create);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, slug);
	if (in->parent_id)
		db_bind_int(st, 4, in->parent_id);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, in->description ? in->description : "");
	db_bind_int(st, 6, in->position);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The section could not be saved.");
		goto fail;
	}
	if (!id)
		id = db_last_id(db);
	else if (old_path && section_moved(db, a, id, old_path, old_child, child, n_child) != 0) {
		snprintf(err, errlen, "The old addresses could not be kept.");
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The section could not be saved; please try again.");
		return -1;
	}
	return id;
fail:
	db_rollback(db);
	return -1;
}

int section_delete(struct db *db, struct arena *a, long long id, long long move_to, char *err,
                   size_t errlen)
{
	if (move_to == id) {
		snprintf(err, errlen, "Choose another section for its articles.");
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	struct section_row sec, dest;
	if (section_by_id(db, a, id, &sec) != 0) {
		snprintf(err, errlen, "That section no longer exists.");
		goto fail;
	}
	if (move_to && section_by_id(db, a, move_to, &dest) != 0) {
		snprintf(err, errlen, "The section chosen for its articles no longer exists.");
		goto fail;
	}
	size_t n_child = 0;
	struct db_stmt *st = db_prepare(db, sql_section_children);
	db_bind_int(st, 1, id);
	long long *child = db_col_ids(st, a, 1000, &n_child);
	const char **old_child = arena_alloc(a, (n_child ? n_child : 1) * sizeof *old_child);
	for (size_t i = 0; i < n_child; i++)
		old_child[i] = section_path(db, a, child[i]);
	st = db_prepare(db, sql_section_move_articles);
	db_bind_int(st, 1, id);
	if (move_to)
		db_bind_int(st, 2, move_to);
	else
		db_bind_null(st, 2);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_OK) {
		st = db_prepare(db, sql_section_unmenu);
		db_bind_int(st, 1, id);
		rc = db_step(st);
		db_done(st);
	}
	if (rc == DB_OK)
		rc = map_follow(db, "category", id, move_to);
	if (rc == DB_OK) {
		st = db_prepare(db, sql_section_delete);
		db_bind_int(st, 1, id);
		rc = db_step(st);
		db_done(st);
	}
	/* Its sub-sections move up (ON DELETE SET NULL): their old addresses
	** under it lead to the new ones. */
	for (size_t i = 0; rc == DB_OK && i < n_child; i++) {
		const char *c = section_path(db, a, child[i]);
		if (c && strcmp(c, old_child[i]) != 0 && redirect_move(db, old_child[i], c) != 0)
			rc = DB_ERR;
	}
	if (rc != DB_OK) {
		snprintf(err, errlen, "The section could not be deleted.");
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The section could not be deleted; please try again.");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

static const char sql_tag_rows[] =
    "SELECT t.id, t.name, t.slug, (SELECT count(*) FROM article_tags x"
    "   JOIN articles a ON a.id = x.article_id WHERE x.tag_id = t.id AND a.trashed_at IS NULL)"
    " FROM tags t WHERE ?1 IS NULL OR " DB_SQL_CONTAINS("lower(t.name)", "lower(?1)")
    "   OR " DB_SQL_CONTAINS("t.slug", "lower(?1)")
    " ORDER BY lower(t.name), t.id LIMIT ?3 OFFSET ?2";
static const char sql_tag_rows_count[] =
    "SELECT count(*) FROM tags t WHERE ?1 IS NULL OR " DB_SQL_CONTAINS("lower(t.name)", "lower(?1)")
    "   OR " DB_SQL_CONTAINS("t.slug", "lower(?1)");
static const char sql_tag_row[] =
    "SELECT t.id, t.name, t.slug, (SELECT count(*) FROM article_tags x"
    "   JOIN articles a ON a.id = x.article_id WHERE x.tag_id = t.id AND a.trashed_at IS NULL)"
    " FROM tags t WHERE t.id = ?1";
static const char sql_tag_rename[] = "UPDATE tags SET name = ?2, slug = ?3 WHERE id = ?1";
static const char sql_tag_merge[] =
    "INSERT INTO article_tags(article_id, tag_id) SELECT x.article_id, ?2 FROM article_tags x"
    " WHERE x.tag_id = ?1 AND NOT EXISTS (SELECT 1 FROM article_tags y"
    "   WHERE y.article_id = x.article_id AND y.tag_id = ?2)";
static const char sql_tag_delete[] = "DELETE FROM tags WHERE id = ?1";

static void read_tag(struct db_stmt *st, struct arena *a, struct tag_row *r)
{
	r->id = db_col_int(st, 0);
	r->name = arena_strdup(a, db_col_text(st, 1));
	r->slug = arena_strdup(a, db_col_text(st, 2));
	r->n_articles = db_col_int(st, 3);
}

struct tag_row *tag_rows(struct db *db, struct arena *a, const char *q, long long offset,
                         int limit, size_t *n, long long *total)
{
	struct db_stmt *st = db_prepare(db, sql_tag_rows_count);
	if (q && *q)
		db_bind_text(st, 1, q);
	else
		db_bind_null(st, 1);
	*total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	st = db_prepare(db, sql_tag_rows);
	if (q && *q)
		db_bind_text(st, 1, q);
	else
		db_bind_null(st, 1);
	db_bind_int(st, 2, offset);
	db_bind_int(st, 3, limit);
	struct tag_row *out = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *out);
	size_t k = 0;
	while ((int)k < limit && db_step(st) == DB_ROW)
		read_tag(st, a, &out[k++]);
	db_done(st);
	*n = k;
	return out;
}

int tag_by_id(struct db *db, struct arena *a, long long id, struct tag_row *out)
{
	struct db_stmt *st = db_prepare(db, sql_tag_row);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_tag(st, a, out);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_OK ? 1 : -1;
}

/* Runs sql with ?1 = x and ?2 = y; y is 0 for a statement with no ?2
** (PostgreSQL refuses to bind a parameter the statement lacks).  DB_OK or
** an error. */
static int run2(struct db *db, const char *sql, long long x, long long y)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, x);
	if (y)
		db_bind_int(st, 2, y);
	int rc = db_step(st);
	db_done(st);
	return rc;
}

int tag_rename(struct db *db, struct arena *a, long long id, const char *name,
               const char *slug_typed, char *err, size_t errlen)
{
	if (!name || !*name) {
		snprintf(err, errlen, "Please give the tag a name.");
		return -1;
	}
	const char *slug = tidy_slug(a, slug_typed, name, err, errlen);
	if (!slug)
		return -1;
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	struct tag_row old;
	if (tag_by_id(db, a, id, &old) != 0) {
		snprintf(err, errlen, "That tag no longer exists.");
		goto fail;
	}
	long long taken = id_by_slug(db, sql_tag_id_by_slug, slug);
	if (taken < 0 || (taken && taken != id)) {
		snprintf(err, errlen, "The slug '%s' is already used by another tag: to join the "
		         "two, merge them.", slug);
		goto fail;
	}
	struct db_stmt *st = db_prepare(db, sql_tag_rename);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, slug);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "The tag could not be saved.");
		goto fail;
	}
	if (strcmp(old.slug, slug) != 0 &&
	    (redirect_move(db, arena_printf(a, "/tag/%s/", old.slug),
	                   arena_printf(a, "/tag/%s/", slug)) != 0 ||
	     redirect_move(db, arena_printf(a, "/tag/%s/feed/", old.slug),
	                   arena_printf(a, "/tag/%s/feed/", slug)) != 0)) {
		snprintf(err, errlen, "The old address could not be kept.");
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The tag could not be saved; please try again.");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int tag_merge(struct db *db, struct arena *a, long long from, long long into, char *err,
              size_t errlen)
{
	if (from == into) {
		snprintf(err, errlen, "Choose another tag to keep: a tag cannot merge into itself.");
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; please try again.");
		return -1;
	}
	struct tag_row f, t;
	if (tag_by_id(db, a, from, &f) != 0 || tag_by_id(db, a, into, &t) != 0) {
		snprintf(err, errlen, "One of the two tags no longer exists.");
		goto fail;
	}
	if (run2(db, sql_tag_merge, from, into) != DB_OK ||
	    map_follow(db, "post_tag", from, into) != DB_OK ||
	    run2(db, sql_tag_delete, from, 0) != DB_OK ||
	    redirect_move(db, arena_printf(a, "/tag/%s/", f.slug),
	                  arena_printf(a, "/tag/%s/", t.slug)) != 0 ||
	    redirect_move(db, arena_printf(a, "/tag/%s/feed/", f.slug),
	                  arena_printf(a, "/tag/%s/feed/", t.slug)) != 0) {
		snprintf(err, errlen, "The tags could not be merged.");
		goto fail;
	}
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The tags could not be merged; please try again.");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int tag_delete(struct db *db, long long id)
{
	if (db_begin(db) != DB_OK)
		return -1;
	if (map_follow(db, "post_tag", id, 0) != DB_OK || run2(db, sql_tag_delete, id, 0) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	int gone = db_changes(db);
	if (db_commit(db) != DB_OK)
		return -1;
	return gone ? 0 : 1;
}
