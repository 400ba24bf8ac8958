/*
** restquery.c: the REST API's listings (restquery.h).
**
** One statement per order (ORDER BY cannot be bound), all sharing one
** WHERE clause whose filters are "off" when their parameter is NULL or 0.
** A list of ids (categories=1,2) binds up to REST_MAX_IDS parameters; the
** unused ones are NULL, which IN never matches.  Longer lists (include=,
** exclude=, the *_exclude filters) are one bound text ",1,2,3," that a row's
** id is looked for in (portable SQL, one parameter whatever the length).
*/
#include "model/restquery.h"
#include "core/arena.h"
#include "db/db.h"
#include "model/status.h"

#include <stdio.h>
#include <string.h>

#define POST_WHERE \
	" FROM articles a WHERE a.status IN (?1, ?22, ?23, ?24, ?25) AND a.trashed_at IS NULL" \
	" AND (a.is_private = 0 OR ?26 = 1)" \
	" AND (a.is_private = 1 OR a.status IN (?1, ?22, ?23, ?24))" \
	" AND (?2 = 0 OR a.author_id = ?2)" \
	" AND (?3 IS NULL OR a.section_id IN (?3, ?4, ?5, ?6, ?7, ?8))" \
	" AND (?9 IS NULL OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id" \
	"      AND t.tag_id IN (?9, ?10, ?11, ?12, ?13, ?14)))" \
	" AND (?15 IS NULL OR " DB_SQL_CONTAINS("lower(a.headline || ' ' || a.dek || ' ' || a.body_src)", \
	"      lower(?15)") ")" \
	" AND (?16 IS NULL OR a.slug = ?16)" \
	" AND (?17 = 0 OR COALESCE(a.published_at, a.updated_at) > ?17)" \
	" AND (?18 = 0 OR COALESCE(a.published_at, a.updated_at) < ?18)" \
	" AND (?19 = 0 OR a.author_id = ?19 OR (a.status = 'published' AND a.is_private = 0))" \
	" AND (?27 IS NULL OR " DB_SQL_CONTAINS("?27", "',' || a.id || ','") ")" \
	" AND (?28 IS NULL OR NOT " DB_SQL_CONTAINS("?28", "',' || a.id || ','") ")" \
	" AND (?29 IS NULL OR NOT " DB_SQL_CONTAINS("?29", "',' || COALESCE(a.section_id, 0) || ','") ")" \
	" AND (?30 IS NULL OR NOT EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id" \
	"      AND " DB_SQL_CONTAINS("?30", "',' || t.tag_id || ','") "))" \
	" AND (?31 = 0 OR a.is_sticky = 2 - ?31)"
#define POST_IDS(order) "SELECT a.id" POST_WHERE " ORDER BY " order " LIMIT ?20 OFFSET ?21"

static const char sql_post_count[] = "SELECT count(*)" POST_WHERE;
static const char *const sql_post_ids[REST_N_ORDERBY][2] = {
	[REST_BY_DATE] = {POST_IDS("COALESCE(a.published_at, a.updated_at) DESC, a.id DESC"),
	                  POST_IDS("COALESCE(a.published_at, a.updated_at) ASC, a.id ASC")},
	[REST_BY_ID] = {POST_IDS("a.id DESC"), POST_IDS("a.id ASC")},
	[REST_BY_TITLE] = {POST_IDS("lower(a.headline) DESC, a.id DESC"),
	                   POST_IDS("lower(a.headline) ASC, a.id ASC")},
	[REST_BY_SLUG] = {POST_IDS("a.slug DESC"), POST_IDS("a.slug ASC")},
	[REST_BY_MODIFIED] = {POST_IDS("a.updated_at DESC, a.id DESC"),
	                      POST_IDS("a.updated_at ASC, a.id ASC")},
	/* WordPress lists orderby=include in the list's order whatever order= says:
	** all of them are read (an include= list holds at most REST_MAX_LIST) and
	** put in that order in C (rest_post_ids). */
	[REST_BY_INCLUDE] = {POST_IDS("a.id"), POST_IDS("a.id")},
};

/* Where ",id," stands in an include= list (the list's order). */
static size_t include_rank(const char *list, long long id)
{
	char key[24];
	snprintf(key, sizeof key, ",%lld,", id);
	const char *at = list ? strstr(list, key) : NULL;
	return at ? (size_t)(at - list) : (size_t)-1;
}

const char *rest_id_set(struct arena *a, const long long *ids, size_t n)
{
	if (!n)
		return NULL;
	char *s = arena_alloc(a, n * 21 + 2), *w = s;
	*w++ = ',';
	for (size_t i = 0; i < n; i++)
		w += sprintf(w, "%lld,", ids[i]);
	*w = 0;
	return s;
}

static void bind_post(struct db_stmt *st, const struct rest_post_filter *f)
{
	/* The statuses asked as names (NULL where fewer), 'draft' for private
	** ones (stored as drafts marked is_private: status.h). */
	static const enum article_status named[] = {ARTICLE_DRAFT, ARTICLE_PENDING,
	                                            ARTICLE_SCHEDULED, ARTICLE_PUBLISHED};
	static const int slots[] = {1, 22, 23, 24};
	unsigned want = f->statuses ? f->statuses : REST_STATUS_BIT(ARTICLE_PUBLISHED);
	size_t k = 0;
	for (size_t i = 0; i < 4; i++)
		if (want & REST_STATUS_BIT(named[i]))
			db_bind_text(st, slots[k++], article_status_name(named[i]));
	for (; k < 4; k++)
		db_bind_null(st, slots[k]);
	int priv = (want & REST_STATUS_BIT(ARTICLE_PRIVATE)) != 0;
	db_bind_text(st, 25, priv ? article_status_name(ARTICLE_DRAFT) : NULL);
	db_bind_int(st, 26, priv);
	db_bind_int(st, 2, f->author);
	for (size_t i = 0; i < REST_MAX_IDS; i++) {
		if (i < f->n_categories)
			db_bind_int(st, 3 + (int)i, f->categories[i]);
		else
			db_bind_null(st, 3 + (int)i);
		if (i < f->n_tags)
			db_bind_int(st, 9 + (int)i, f->tags[i]);
		else
			db_bind_null(st, 9 + (int)i);
	}
	db_bind_text(st, 15, f->search && *f->search ? f->search : NULL);
	db_bind_text(st, 16, f->slug && *f->slug ? f->slug : NULL);
	db_bind_int(st, 17, f->after);
	db_bind_int(st, 18, f->before);
	db_bind_int(st, 19, f->owner);
	db_bind_text(st, 27, f->include);
	db_bind_text(st, 28, f->exclude);
	db_bind_text(st, 29, f->categories_exclude);
	db_bind_text(st, 30, f->tags_exclude);
	db_bind_int(st, 31, f->sticky);
}

static long long count(struct db_stmt *st)
{
	long long total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return total;
}

long long rest_post_count(struct db *db, const struct rest_post_filter *f)
{
	struct db_stmt *st = db_prepare(db, sql_post_count);
	bind_post(st, f);
	return count(st);
}

long long *rest_post_ids(struct db *db, struct arena *a, const struct rest_post_filter *f,
                         size_t *n, long long *total)
{
	struct db_stmt *st = db_prepare(db, sql_post_count);
	bind_post(st, f);
	*total = count(st);
	int by = f->orderby >= 0 && f->orderby < REST_N_ORDERBY ? (int)f->orderby : 0;
	st = db_prepare(db, sql_post_ids[by][f->ascending ? 1 : 0]);
	bind_post(st, f);
	if (by != REST_BY_INCLUDE || !f->include) {
		db_bind_int(st, 20, f->limit);
		db_bind_int(st, 21, f->offset);
		return db_col_ids(st, a, f->limit > 0 ? (size_t)f->limit : 0, n);
	}
	db_bind_int(st, 20, REST_MAX_LIST);
	db_bind_int(st, 21, 0);
	size_t all;
	long long *ids = db_col_ids(st, a, REST_MAX_LIST, &all);
	for (size_t i = 1; i < all; i++) { /* insertion sort: at most 100 */
		long long v = ids[i];
		size_t r = include_rank(f->include, v), j = i;
		for (; j > 0 && include_rank(f->include, ids[j - 1]) > r; j--)
			ids[j] = ids[j - 1];
		ids[j] = v;
	}
	size_t from = f->offset > 0 ? (size_t)f->offset : 0;
	if (from > all)
		from = all;
	size_t take = all - from;
	if (f->limit >= 0 && take > (size_t)f->limit)
		take = (size_t)f->limit;
	*n = take;
	return ids + from;
}

#define COMMENT_WHERE \
	" FROM comments c JOIN articles a ON a.id = c.article_id" \
	" WHERE c.status = 'approved' AND a.status = 'published' AND a.trashed_at IS NULL" \
	" AND a.is_private = 0 AND (?1 = 0 OR c.article_id = ?1)"
static const char sql_comment_count[] = "SELECT count(*)" COMMENT_WHERE;
static const char sql_comment_desc[] =
    "SELECT c.id" COMMENT_WHERE " ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3";
static const char sql_comment_asc[] =
    "SELECT c.id" COMMENT_WHERE " ORDER BY c.created_at ASC, c.id ASC LIMIT ?2 OFFSET ?3";
static const char sql_comment_public[] = "SELECT 1" COMMENT_WHERE " AND c.id = ?2";

long long *rest_comment_ids(struct db *db, struct arena *a, long long post, int ascending,
                            long long offset, int limit, size_t *n, long long *total)
{
	struct db_stmt *st = db_prepare(db, sql_comment_count);
	db_bind_int(st, 1, post);
	*total = count(st);
	st = db_prepare(db, ascending ? sql_comment_asc : sql_comment_desc);
	db_bind_int(st, 1, post);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	return db_col_ids(st, a, limit > 0 ? (size_t)limit : 0, n);
}

int rest_comment_public(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_comment_public);
	db_bind_int(st, 1, 0);
	db_bind_int(st, 2, id);
	return count(st) > 0;
}

#define TAG_WHERE \
	" FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags x JOIN articles a" \
	" ON a.id = x.article_id WHERE x.tag_id = t.id AND a.status = 'published'" \
	" AND a.trashed_at IS NULL AND a.is_private = 0)" \
	" AND (?1 IS NULL OR " DB_SQL_CONTAINS("lower(t.name)", "lower(?1)") " OR " \
	DB_SQL_CONTAINS("t.slug", "lower(?1)") ")"
static const char sql_tag_count[] = "SELECT count(*)" TAG_WHERE;
static const char sql_tag_ids[] =
    "SELECT t.id" TAG_WHERE " ORDER BY lower(t.name), t.id LIMIT ?2 OFFSET ?3";

long long *rest_tag_ids(struct db *db, struct arena *a, const char *q, long long offset,
                        int limit, size_t *n, long long *total)
{
	struct db_stmt *st = db_prepare(db, sql_tag_count);
	db_bind_text(st, 1, q && *q ? q : NULL);
	*total = count(st);
	st = db_prepare(db, sql_tag_ids);
	db_bind_text(st, 1, q && *q ? q : NULL);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	return db_col_ids(st, a, limit > 0 ? (size_t)limit : 0, n);
}

#define MEDIA_PUBLIC \
	" EXISTS (SELECT 1 FROM articles a WHERE a.featured_media_id = m.id" \
	" AND a.status = 'published' AND a.trashed_at IS NULL AND a.is_private = 0)"
static const char sql_media_count[] = "SELECT count(*) FROM media";
static const char sql_media_ids[] =
    "SELECT id FROM media ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2";
static const char sql_media_public_count[] = "SELECT count(*) FROM media m WHERE" MEDIA_PUBLIC;
static const char sql_media_public_ids[] =
    "SELECT m.id FROM media m WHERE" MEDIA_PUBLIC
    " ORDER BY m.created_at DESC, m.id DESC LIMIT ?1 OFFSET ?2";
static const char sql_media_public[] = "SELECT 1 FROM media m WHERE m.id = ?1 AND" MEDIA_PUBLIC;

int rest_media_public(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_media_public);
	db_bind_int(st, 1, id);
	return count(st) > 0;
}

long long *rest_media_ids(struct db *db, struct arena *a, int public_only, long long offset,
                          int limit, size_t *n, long long *total)
{
	*total = count(db_prepare(db, public_only ? sql_media_public_count : sql_media_count));
	struct db_stmt *st = db_prepare(db, public_only ? sql_media_public_ids : sql_media_ids);
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, offset);
	return db_col_ids(st, a, limit > 0 ? (size_t)limit : 0, n);
}
