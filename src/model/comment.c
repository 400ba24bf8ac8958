/*
** comment.c: storing and reading comments, and the moderation policy.
*/
#include "model/comment.h"
#include "model/settings.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "render/markdown.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PUBLIC_COLS \
	"c.id, c.article_id, COALESCE(c.parent_id, 0), c.author_name, c.author_url," \
	" c.body, c.body_html, c.status, c.created_at"

static const char sql_insert[] =
    "INSERT INTO comments(article_id, parent_id, author_name, author_email,"
    " author_url, body, body_html, ip, user_agent, status, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_for_article[] =
    "SELECT " PUBLIC_COLS " FROM comments c WHERE c.article_id = ?1"
    " AND (c.status = 'approved' OR (c.status = 'pending' AND c.id IN"
    "   (SELECT value FROM json_each(?2))))"
    " ORDER BY c.created_at, c.id";
static const char sql_count_approved[] =
    "SELECT count(*) FROM comments WHERE article_id = ?1 AND status = 'approved'";
static const char sql_by_id[] =
    "SELECT " PUBLIC_COLS " FROM comments c WHERE c.id = ?1 AND c.article_id = ?2"
    " AND c.status = 'approved'";
static const char sql_known_good[] =
    "SELECT 1 FROM comments WHERE author_name = ?1 AND author_email = ?2"
    " AND status = 'approved' LIMIT 1";
static const char sql_last_ip[] =
    "SELECT max(created_at) FROM comments WHERE ip = ?1";
static const char sql_duplicate[] =
    "SELECT 1 FROM comments WHERE article_id = ?1 AND COALESCE(parent_id, 0) = ?2"
    " AND (author_name = ?3 OR author_email = ?4) AND body = ?5"
    " AND status <> 'trash' LIMIT 1";
static const char sql_set_status[] = "UPDATE comments SET status = ?2 WHERE id = ?1";
static const char sql_list_all[] =
    "SELECT " PUBLIC_COLS ", c.author_email, c.ip, a.slug FROM comments c"
    " JOIN articles a ON a.id = c.article_id ORDER BY c.created_at DESC, c.id DESC"
    " LIMIT ?1";
static const char sql_list_status[] =
    "SELECT " PUBLIC_COLS ", c.author_email, c.ip, a.slug FROM comments c"
    " JOIN articles a ON a.id = c.article_id WHERE c.status = ?2"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?1";

long long comment_add(struct db *db, const struct comment_input *in, char *err,
                      size_t errlen)
{
	struct buf html = BUF_INIT;
	if (markdown_render(&html, in->body, strlen(in->body), MD_UNTRUSTED) != 0) {
		buf_free(&html);
		snprintf(err, errlen, "the comment could not be rendered");
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_int(st, 1, in->article_id);
	if (in->parent_id > 0)
		db_bind_int(st, 2, in->parent_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, in->author_name);
	db_bind_text(st, 4, in->author_email);
	db_bind_text(st, 5, in->author_url ? in->author_url : "");
	db_bind_text(st, 6, in->body);
	db_bind_textn(st, 7, html.data ? html.data : "", html.len);
	db_bind_text(st, 8, in->ip ? in->ip : "");
	db_bind_text(st, 9, in->user_agent ? in->user_agent : "");
	db_bind_text(st, 10, in->status);
	db_bind_int(st, 11, in->created_at ? in->created_at : (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	buf_free(&html);
	if (rc != DB_OK) {
		snprintf(err, errlen, "%s", db_errmsg(db));
		return -1;
	}
	return db_last_id(db);
}

int comment_count_links(const char *body)
{
	int n = 0;
	for (const char *p = body; *p; p++) {
		if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8) ||
		    ((p == body || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '(' ||
		      p[-1] == '<') && !strncasecmp(p, "www.", 4)))
			n++;
	}
	return n;
}

const char *comment_decide(struct db *db, const struct settings *s, const char *name,
                           const char *email, const char *body)
{
	if (!strcmp(s->moderation, "all"))
		return "pending";
	if (comment_count_links(body) >= s->comment_max_links)
		return "pending";
	if (!strcmp(s->moderation, "none"))
		return "approved";
	struct db_stmt *st = db_prepare(db, sql_known_good);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, email);
	int known = db_step(st) == DB_ROW;
	db_done(st);
	return known ? "approved" : "pending";
}

static void read_public(struct db_stmt *st, struct arena *a, struct comment *c)
{
	c->id = db_col_int(st, 0);
	c->article_id = db_col_int(st, 1);
	c->parent_id = db_col_int(st, 2);
	c->author_name = arena_strdup(a, db_col_text(st, 3));
	c->author_url = arena_strdup(a, db_col_text(st, 4));
	c->body = arena_strdup(a, db_col_text(st, 5));
	c->body_html = arena_strdup(a, db_col_text(st, 6));
	c->status = arena_strdup(a, db_col_text(st, 7));
	c->created_at = db_col_int(st, 8);
	c->author_email = NULL;
	c->ip = NULL;
	c->article_slug = NULL;
}

static struct comment *read_all(struct db_stmt *st, struct arena *a, int private_cols,
                                size_t *n)
{
	size_t cap = 16, k = 0;
	struct comment *list = arena_alloc(a, cap * sizeof *list);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct comment *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger;
			cap *= 2;
		}
		read_public(st, a, &list[k]);
		if (private_cols) {
			list[k].author_email = arena_strdup(a, db_col_text(st, 9));
			list[k].ip = arena_strdup(a, db_col_text(st, 10));
			list[k].article_slug = arena_strdup(a, db_col_text(st, 11));
		}
		k++;
	}
	db_done(st);
	*n = k;
	return list;
}

struct comment *comment_for_article(struct db *db, struct arena *a, long long article_id,
                                    const long long *own, size_t n_own, size_t *n)
{
	struct buf ids = BUF_INIT;
	buf_putc(&ids, '[');
	for (size_t i = 0; i < n_own; i++)
		buf_printf(&ids, "%s%lld", i ? "," : "", own[i]);
	buf_putc(&ids, ']');
	struct db_stmt *st = db_prepare(db, sql_for_article);
	db_bind_int(st, 1, article_id);
	db_bind_textn(st, 2, ids.data, ids.len);
	struct comment *list = read_all(st, a, 0, n);
	buf_free(&ids);
	return list;
}

long long comment_count_approved(struct db *db, long long article_id)
{
	struct db_stmt *st = db_prepare(db, sql_count_approved);
	db_bind_int(st, 1, article_id);
	long long c = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return c;
}

int comment_by_id(struct db *db, struct arena *a, long long id, long long article_id,
                  struct comment *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, article_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_public(st, a, out);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

long long comment_seconds_since_ip(struct db *db, const char *ip)
{
	struct db_stmt *st = db_prepare(db, sql_last_ip);
	db_bind_text(st, 1, ip);
	long long since = -1;
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		since = (long long)time(NULL) - db_col_int(st, 0);
	db_done(st);
	return since;
}

int comment_is_duplicate(struct db *db, const struct comment_input *in)
{
	struct db_stmt *st = db_prepare(db, sql_duplicate);
	db_bind_int(st, 1, in->article_id);
	db_bind_int(st, 2, in->parent_id);
	db_bind_text(st, 3, in->author_name);
	db_bind_text(st, 4, in->author_email);
	db_bind_text(st, 5, in->body);
	int dup = db_step(st) == DB_ROW;
	db_done(st);
	return dup;
}

int comment_set_status(struct db *db, long long id, const char *status)
{
	struct db_stmt *st = db_prepare(db, sql_set_status);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, status);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

struct comment *comment_list(struct db *db, struct arena *a, const char *status,
                             int limit, size_t *n)
{
	struct db_stmt *st = db_prepare(db, status ? sql_list_status : sql_list_all);
	db_bind_int(st, 1, limit);
	if (status)
		db_bind_text(st, 2, status);
	return read_all(st, a, 1, n);
}
