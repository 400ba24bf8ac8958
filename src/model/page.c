/*
** page.c: static pages: saving, finding by path, listing, rendering again.
**
** A page's path is its ancestors' slugs and its own, read by walking up
** parent_id (PAGE_MAX_DEPTH steps at most; a save that would make a cycle
** or nest deeper is refused).
*/
#include "model/page.h"
#include "model/stored_html.h"
#include "model/trash.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/text.h"
#include "db/db.h"
#include "render/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLS \
	"p.id, p.title, p.slug, COALESCE(p.parent_id, 0), p.status, COALESCE(p.author_id, 0)," \
	" COALESCE(u.display_name, ''), p.created_at, p.updated_at, p.comments_open," \
	" p.menu_order, p.body_role, COALESCE(p.trashed_at, 0)"
#define N_COLS 13
#define FROM " FROM pages p LEFT JOIN users u ON u.id = p.author_id"

static const char sql_by_id[] = "SELECT " COLS ", p.body_src, p.body_html" FROM " WHERE p.id = ?1";
static const char sql_child[] =
    "SELECT id FROM pages WHERE COALESCE(parent_id, 0) = ?1 AND slug = ?2";
static const char sql_parent[] = "SELECT COALESCE(parent_id, 0), slug FROM pages WHERE id = ?1";
/* ?1 a status or NULL (any outside the trash); ?2 1 for the trash. */
static const char sql_all[] =
    "SELECT " COLS FROM " WHERE (?1 IS NULL OR p.status = ?1)"
    " AND (p.trashed_at IS NOT NULL) = ?2"
    " ORDER BY p.menu_order, lower(p.title), p.id";
static const char sql_insert[] =
    "INSERT INTO pages(parent_id, slug, title, body_src, body_html, body_role,"
    " body_html_version, status, author_id, created_at, updated_at, comments_open, menu_order)"
    " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char sql_update[] =
    "UPDATE pages SET parent_id = ?2, slug = ?3, title = ?4, body_src = ?5, body_html = ?6,"
    " body_role = ?7, body_html_version = ?8, status = ?9, author_id = ?10,"
    " created_at = ?11, updated_at = ?12, comments_open = ?13, menu_order = ?14 WHERE id = ?1";
static const char sql_revision[] =
    "INSERT INTO page_revisions(page_id, user_id, created_at, title, slug, parent_id,"
    " body_src, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#define REV_COLS \
	"SELECT r.id, r.page_id, COALESCE(u.display_name, ''), r.created_at, r.title, r.slug," \
	" r.body_src, COALESCE(r.parent_id, 0), r.status FROM page_revisions r" \
	" LEFT JOIN users u ON u.id = r.user_id WHERE r.page_id = ?1"
static const char sql_revisions[] = REV_COLS " ORDER BY r.id DESC LIMIT 500";
static const char sql_revision_one[] = REV_COLS " AND r.id = ?2";
static const char sql_reparent[] =
    "UPDATE pages SET parent_id = (SELECT parent_id FROM pages WHERE id = ?1)"
    " WHERE parent_id = ?1";
static const char sql_delete[] = "DELETE FROM pages WHERE id = ?1 AND trashed_at IS NOT NULL";
static const char sql_trash[] =
    "UPDATE pages SET trashed_status = status, status = 'draft', trashed_at = ?2"
    " WHERE id = ?1 AND trashed_at IS NULL";
static const char sql_restore[] =
    "UPDATE pages SET status = CASE WHEN trashed_status IN ('published', 'private')"
    " THEN trashed_status ELSE 'draft' END, trashed_at = NULL, trashed_status = ''"
    " WHERE id = ?1 AND trashed_at IS NOT NULL";
static const char sql_trashed_before[] =
    "SELECT id FROM pages WHERE trashed_at IS NOT NULL AND trashed_at <= ?1 LIMIT 100";
static const char sql_stale[] =
    "SELECT id, body_src, body_role FROM pages" DB_INDEX("pages_html_version")
    " WHERE body_html_version < ?1 OR body_html_version > ?1 LIMIT 64";
static const char sql_rerender[] =
    "UPDATE pages SET body_html = ?2, body_html_version = ?3 WHERE id = ?1";

/* First segments of the site's own routes (route.c): a top-level page
** there would never be reached, or would hide a route. */
static const char *const reserved[] = {
    "admin", "author", "category", "comments", "corrections", "embed", "favicon-ico", "feed",
    "healthz", "identity-css", "media", "page", "robots-txt", "search", "site-webmanifest",
    "sitemap", "static", "tag", "webmention", "wp-admin", "wp-content", "wp-includes",
    "wp-json", "wp-login-php", NULL,
};

int page_slug_reserved(const char *slug)
{
	for (size_t i = 0; reserved[i]; i++)
		if (!strcmp(slug, reserved[i]))
			return 1;
	/* A year: /2024/ is a date archive. */
	size_t n = strlen(slug), digits = 0;
	while (digits < n && slug[digits] >= '0' && slug[digits] <= '9')
		digits++;
	return n == 4 && digits == 4;
}

static int step_once(struct db_stmt *st)
{
	int rc = db_step(st);
	db_done(st);
	return rc;
}

/* The path of page id ("a/b/c"), or NULL (missing, a cycle, too deep). */
static char *path_of(struct db *db, struct arena *a, long long id)
{
	const char *segs[PAGE_MAX_DEPTH + 1];
	int n = 0;
	while (id > 0) {
		if (n > PAGE_MAX_DEPTH)
			return NULL;
		struct db_stmt *st = db_prepare(db, sql_parent);
		db_bind_int(st, 1, id);
		if (db_step(st) != DB_ROW) {
			db_done(st);
			return NULL;
		}
		id = db_col_int(st, 0);
		segs[n++] = arena_strdup(a, db_col_text(st, 1));
		db_done(st);
	}
	struct buf b = BUF_INIT;
	while (n-- > 0)
		buf_printf(&b, "%s%s", b.len ? "/" : "", segs[n]);
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static void read_row(struct db_stmt *st, struct db *db, struct arena *a, struct page_row *r,
                     int body)
{
	r->id = db_col_int(st, 0);
	r->title = arena_strdup(a, db_col_text(st, 1));
	r->slug = arena_strdup(a, db_col_text(st, 2));
	r->parent_id = db_col_int(st, 3);
	r->status = page_status_parse(db_col_text(st, 4));
	r->author_id = db_col_int(st, 5);
	r->author_name = arena_strdup(a, db_col_text(st, 6));
	r->created_at = db_col_int(st, 7);
	r->updated_at = db_col_int(st, 8);
	r->comments_open = (int)db_col_int(st, 9);
	r->menu_order = (int)db_col_int(st, 10);
	r->body_role = role_parse(db_col_text(st, 11));
	r->trashed_at = db_col_int(st, 12);
	if (r->trashed_at)
		r->status = PAGE_TRASH;
	r->body_src = body ? arena_strdup(a, db_col_text(st, N_COLS)) : "";
	r->body_html = body ? arena_strdup(a, db_col_text(st, N_COLS + 1)) : "";
	r->path = NULL;
	(void)db;
}

int page_by_id(struct db *db, struct arena *a, long long id, struct page_row *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, db, a, out, 1);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? 1 : -1;
	out->path = path_of(db, a, id);
	if (!out->path)
		out->path = out->slug;
	return 0;
}

/* The child of parent called slug (n bytes): its id, 0 if none, -1. */
static long long child(struct db *db, long long parent, const char *slug, size_t n)
{
	struct db_stmt *st = db_prepare(db, sql_child);
	db_bind_int(st, 1, parent);
	db_bind_textn(st, 2, slug, n);
	int rc = db_step(st);
	long long id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_done(st);
	return id;
}

int page_by_path(struct db *db, struct arena *a, const char *path, struct page_row *out)
{
	long long id = 0;
	const char *s = path;
	int depth = 0;
	while (*s == '/')
		s++;
	if (!*s)
		return 1;
	while (*s) {
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n == 0 || ++depth > PAGE_MAX_DEPTH)
			return 1; /* "a//b", or deeper than any page */
		id = child(db, id, s, n);
		if (id <= 0)
			return id < 0 ? -1 : 1;
		s += n;
		while (*s == '/')
			s++;
	}
	return page_by_id(db, a, id, out);
}

struct page_row *page_list(struct db *db, struct arena *a, enum page_status status,
                           size_t *n)
{
	/* Read flat, then order as a tree: each page after its parent. */
	size_t cap = 16, k = 0;
	struct page_row *flat = mem_alloc(cap * sizeof *flat);
	struct db_stmt *st = db_prepare(db, sql_all);
	db_bind_text(st, 1, status && status != PAGE_TRASH ? page_status_name(status) : NULL);
	db_bind_int(st, 2, status == PAGE_TRASH);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			cap *= 2;
			flat = mem_realloc(flat, cap * sizeof *flat);
		}
		read_row(st, db, a, &flat[k++], 0);
	}
	db_done(st);
	struct page_row *out = arena_alloc(a, (k ? k : 1) * sizeof *out);
	char *placed = mem_calloc(k ? k : 1, 1);
	size_t m = 0;
	/* Depth-first from the top: a page whose parent is not listed (another
	** status) counts as top level. */
	for (int pass = 0; pass < 2 && m < k; pass++) {
		for (size_t i = 0; i < k; i++) {
			if (placed[i])
				continue;
			int top = flat[i].parent_id == 0;
			if (!top && pass == 1)
				top = 1; /* orphaned in this list */
			if (!top) {
				int listed = 0;
				for (size_t j = 0; j < k; j++)
					listed |= flat[j].id == flat[i].parent_id;
				if (listed)
					continue;
			}
			/* place i, then its descendants */
			size_t stack[PAGE_MAX_DEPTH + 2], sp = 0;
			placed[i] = 1;
			out[m++] = flat[i];
			stack[sp++] = i;
			while (sp) {
				size_t cur = stack[sp - 1], next = k;
				for (size_t j = 0; j < k; j++)
					if (!placed[j] && flat[j].parent_id == flat[cur].id) {
						next = j;
						break;
					}
				if (next == k || sp > PAGE_MAX_DEPTH) {
					sp--;
					continue;
				}
				placed[next] = 1;
				out[m++] = flat[next];
				stack[sp++] = next;
			}
		}
	}
	for (size_t i = 0; i < m; i++) {
		out[i].path = path_of(db, a, out[i].id);
		if (!out[i].path)
			out[i].path = out[i].slug;
	}
	free(placed);
	free(flat);
	*n = m;
	return out;
}

long long page_save(struct db *db, struct arena *a, long long id, const struct page_input *in,
                    long long user_id, char *err, size_t errlen)
{
	enum page_status status = in->status ? in->status : PAGE_DRAFT;
	if (status > PAGE_PRIVATE || !*page_status_name(status)) {
		snprintf(err, errlen, "A page is a draft, published or private.");
		return -1;
	}
	if (!in->title || !*in->title) {
		snprintf(err, errlen, "Please give the page a title.");
		return -1;
	}
	const char *why = NULL;
	const char *slug = text_slug_for(a, in->slug, in->title, &why);
	if (!slug) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (in->parent_id <= 0 && page_slug_reserved(slug)) {
		snprintf(err, errlen, "The slug '%s' is used by the site's own pages (/%s/); please "
		         "choose another, or give the page a parent.", slug, slug);
		return -1;
	}
	if (id > 0 && in->parent_id == id) {
		snprintf(err, errlen, "A page cannot be its own parent.");
		return -1;
	}
	const char *src = in->body_src ? in->body_src : "";
	struct page_row old;
	int had = id > 0 && page_by_id(db, a, id, &old) == 0;
	enum role body_role = role_of_body(had ? old.body_src : NULL, had ? old.body_role : ROLE_NONE,
	                                   src, in->role);
	struct buf html = BUF_INIT;
	if (markdown_render(&html, src, strlen(src), role_trust(body_role)) != 0) {
		buf_free(&html);
		snprintf(err, errlen, "The body could not be rendered.");
		return -1;
	}
	long long now = (long long)time(NULL);
	if (db_begin(db) != DB_OK) {
		buf_free(&html);
		snprintf(err, errlen, "The database is busy; please save again.");
		return -1;
	}
	had = id > 0 && page_by_id(db, a, id, &old) == 0;
	if (id > 0 && !had) {
		snprintf(err, errlen, "That page no longer exists.");
		goto fail;
	}
	if (had && old.status == PAGE_TRASH) {
		snprintf(err, errlen, "That page is in the trash: restore it before changing it.");
		goto fail;
	}
	if (in->parent_id > 0) {
		/* The parent exists, is not this page's descendant, and the tree
		** stays within PAGE_MAX_DEPTH. */
		long long up = in->parent_id;
		int depth = 1;
		while (up > 0) {
			if (up == id) {
				snprintf(err, errlen, "A page cannot be placed under one of its own "
				         "sub-pages.");
				goto fail;
			}
			if (++depth > PAGE_MAX_DEPTH) {
				snprintf(err, errlen, "Pages nest at most %d deep.", PAGE_MAX_DEPTH);
				goto fail;
			}
			struct db_stmt *st = db_prepare(db, sql_parent);
			db_bind_int(st, 1, up);
			if (db_step(st) != DB_ROW) {
				db_done(st);
				snprintf(err, errlen, "The parent page does not exist.");
				goto fail;
			}
			up = db_col_int(st, 0);
			db_done(st);
		}
	}
	long long sibling = child(db, in->parent_id > 0 ? in->parent_id : 0, slug, strlen(slug));
	if (sibling > 0 && sibling != id) {
		snprintf(err, errlen, "Another page at the same place already has the slug '%s'; "
		         "please choose another.", slug);
		goto fail;
	}
	struct db_stmt *st = db_prepare(db, had ? sql_update : sql_insert);
	db_bind_int(st, 1, id);
	if (in->parent_id > 0)
		db_bind_int(st, 2, in->parent_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, slug);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, src);
	db_bind_textn(st, 6, html.data ? html.data : "", html.len);
	db_bind_text(st, 7, role_name(body_role));
	db_bind_int(st, 8, MARKDOWN_VERSION);
	db_bind_text(st, 9, page_status_name(status));
	long long author = in->author_id > 0 ? in->author_id
	                 : had && old.author_id ? old.author_id : user_id;
	if (author > 0)
		db_bind_int(st, 10, author);
	else
		db_bind_null(st, 10);
	db_bind_int(st, 11, in->created_at > 0 ? in->created_at : had ? old.created_at : now);
	db_bind_int(st, 12, in->updated_at > 0 ? in->updated_at : now);
	db_bind_int(st, 13, in->comments_open ? 1 : 0);
	db_bind_int(st, 14, in->menu_order);
	if (step_once(st) != DB_OK)
		goto fail_db;
	if (!had)
		id = db_last_id(db);
	st = db_prepare(db, sql_revision);
	db_bind_int(st, 1, id);
	if (user_id > 0)
		db_bind_int(st, 2, user_id);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, slug);
	if (in->parent_id > 0)
		db_bind_int(st, 6, in->parent_id);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, src);
	db_bind_text(st, 8, page_status_name(status));
	if (step_once(st) != DB_OK || db_commit(db) != DB_OK)
		goto fail_db;
	buf_free(&html);
	return id;
fail_db:
	snprintf(err, errlen, "The page could not be saved: %s", db_errmsg(db));
fail:
	db_rollback(db);
	buf_free(&html);
	return -1;
}

int page_trash(struct db *db, long long id, long long now)
{
	return trash_change_one(db, sql_trash, id, now);
}

int page_restore(struct db *db, long long id)
{
	return trash_change_one(db, sql_restore, id, 0);
}

int page_delete(struct db *db, long long id)
{
	if (db_begin(db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_reparent);
	db_bind_int(st, 1, id);
	int rc = step_once(st) == DB_OK ? 0 : -1;
	if (rc == 0)
		rc = trash_change_one(db, sql_delete, id, 0);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int page_purge_trash(struct db *db, long long now)
{
	return trash_purge(db, sql_trashed_before, now - PAGE_TRASH_DAYS * 86400LL, page_delete);
}

static void read_revision(struct db_stmt *st, struct arena *a, struct page_revision *r)
{
	r->id = db_col_int(st, 0);
	r->page_id = db_col_int(st, 1);
	r->user_name = arena_strdup(a, db_col_text(st, 2));
	r->created_at = db_col_int(st, 3);
	r->title = arena_strdup(a, db_col_text(st, 4));
	r->slug = arena_strdup(a, db_col_text(st, 5));
	r->body_src = arena_strdup(a, db_col_text(st, 6));
	r->parent_id = db_col_int(st, 7);
	r->status = page_status_parse(db_col_text(st, 8));
}

struct page_revision *page_revision_list(struct db *db, struct arena *a, long long page_id,
                                         size_t *n)
{
	size_t cap = 8, k = 0;
	struct page_revision *out = arena_alloc(a, cap * sizeof *out);
	struct db_stmt *st = db_prepare(db, sql_revisions);
	db_bind_int(st, 1, page_id);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct page_revision *more = arena_alloc(a, 2 * cap * sizeof *more);
			memcpy(more, out, cap * sizeof *out);
			out = more;
			cap *= 2;
		}
		read_revision(st, a, &out[k++]);
	}
	db_done(st);
	*n = k;
	return out;
}

int page_revision_by_id(struct db *db, struct arena *a, long long page_id, long long id,
                        struct page_revision *out)
{
	struct db_stmt *st = db_prepare(db, sql_revision_one);
	db_bind_int(st, 1, page_id);
	db_bind_int(st, 2, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_revision(st, a, out);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_OK ? 1 : -1;
}

int page_render_stale(struct db *db)
{
	static const struct stored_html_sql q = {sql_stale, sql_rerender, 1};
	return stored_html_refresh(db, &q);
}
