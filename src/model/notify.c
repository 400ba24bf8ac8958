/*
** notify.c: the mails about a new comment: who gets them and what they say.
**
** The recipients are chosen in SQL from the users table alone, so a reader
** (who is only a name and email on a comment) cannot be on the list however
** the comment is written.  The commenter's email and IP go into the body,
** which is why only staff addresses are ever chosen.
*/
#include "model/notify.h"
#include "model/mailqueue.h"
#include "model/page.h"
#include "model/status.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/text.h"
#include "db/db.h"

#include <string.h>
#include <strings.h>
#include <time.h>

static const char sql_comment[] =
    "SELECT c.author_name, c.author_email, c.ip, c.body, c.status,"
    " COALESCE(c.parent_id, 0), COALESCE(c.user_id, 0), COALESCE(a.headline, pg.title),"
    " COALESCE(a.slug, pg.slug), COALESCE(a.published_at, a.created_at, 0),"
    " COALESCE(a.author_id, pg.author_id, 0), COALESCE(p.author_name, ''),"
    " COALESCE(c.page_id, 0)"
    " FROM comments c LEFT JOIN articles a ON a.id = c.article_id"
    " LEFT JOIN pages pg ON pg.id = c.page_id"
    " LEFT JOIN comments p ON p.id = c.parent_id WHERE c.id = ?1";
/* ?1 the article's author, ?2 the commenting user (0 if none), ?3 the
** commenter's email.  Oldest user first; recipients() drops an address met
** before in another case. */
static const char sql_recipients[] =
    "SELECT email FROM users"
    " WHERE email IS NOT NULL AND email <> '' AND suspended_at IS NULL"
    " AND (id = ?1 OR role IN ('administrator', 'editor'))"
    " AND id <> ?2 AND lower(email) <> lower(?3)"
    " ORDER BY id";

#define MAX_HEADLINE_CHARS 200
#define MAX_RECIPIENTS 200

/* s cut to max characters (at a character boundary) with "…" added when
** cut.  Allocated in a. */
static const char *cut(struct arena *a, const char *s, size_t max)
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	if (!s[i])
		return s;
	return arena_printf(a, "%.*s…", (int)i, s);
}

struct held {
	const char *name, *email, *ip, *body; /* the comment */
	enum comment_status status; /* its status */
	long long parent_id;     /* 0: top level */
	long long user_id;       /* 0: not posted as a user */
	const char *headline, *slug; /* the article */
	long long published_at;  /* for the article's URL */
	long long author_id;     /* the article's author */
	const char *parent_name; /* who a reply answers, "" if none */
	long long page_id;       /* on a static page (its title in headline), else 0 */
};

/* 0 found, 1 no such comment, -1 database error. */
static int read_comment(struct db *db, struct arena *a, long long id, struct held *c)
{
	struct db_stmt *st = db_prepare(db, sql_comment);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		c->name = arena_strdup(a, db_col_text(st, 0));
		c->email = arena_strdup(a, db_col_text(st, 1));
		c->ip = arena_strdup(a, db_col_text(st, 2));
		c->body = arena_strdup(a, db_col_text(st, 3));
		c->status = comment_status_parse(db_col_text(st, 4));
		c->parent_id = db_col_int(st, 5);
		c->user_id = db_col_int(st, 6);
		c->headline = arena_strdup(a, db_col_text(st, 7));
		c->slug = arena_strdup(a, db_col_text(st, 8));
		c->published_at = db_col_int(st, 9);
		c->author_id = db_col_int(st, 10);
		c->parent_name = arena_strdup(a, db_col_text(st, 11));
		c->page_id = db_col_int(st, 12);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

static const char **recipients(struct db *db, struct arena *a, const struct held *c,
                               size_t *n)
{
	const char **list = arena_alloc(a, MAX_RECIPIENTS * sizeof *list);
	struct db_stmt *st = db_prepare(db, sql_recipients);
	db_bind_int(st, 1, c->author_id);
	db_bind_int(st, 2, c->user_id);
	db_bind_text(st, 3, c->email);
	size_t k = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && k < MAX_RECIPIENTS) {
		const char *email = db_col_text(st, 0);
		size_t i = 0;
		while (i < k && strcasecmp(list[i], email) != 0)
			i++;
		if (i == k)
			list[k++] = arena_strdup(a, email);
	}
	db_done(st);
	*n = k;
	return rc == DB_OK || rc == DB_ROW ? list : NULL;
}

int notify_comment(struct db *db, struct arena *a, long long comment_id,
                   const char *site_title, const char *site_base_url)
{
	if (!site_title)
		site_title = "";
	struct held c;
	if (read_comment(db, a, comment_id, &c) != 0)
		return -1;
	int is_held = c.status == COMMENT_PENDING;
	int is_reply = c.parent_id > 0;
	if (!is_held && !(is_reply && c.status == COMMENT_APPROVED))
		return 0;

	const char *headline = cut(a, c.headline, MAX_HEADLINE_CHARS);
	const char *prefix = *site_title ? arena_printf(a, "[%s] ", site_title) : "";
	const char *subject = arena_printf(
	    a, "%sNew %s%s on “%s”", prefix, is_reply ? "reply" : "comment",
	    is_held ? " awaiting moderation" : "", headline);

	int y, m, d;
	text_date_ymd((time_t)c.published_at, &y, &m, &d);
	struct buf body = BUF_INIT;
	if (is_reply && *c.parent_name)
		buf_printf(&body, "%s replied to %s on “%s”.", c.name, c.parent_name, headline);
	else if (is_reply)
		buf_printf(&body, "%s replied to a comment on “%s”.", c.name, headline);
	else
		buf_printf(&body, "%s commented on “%s”.", c.name, headline);
	if (is_held)
		buf_puts(&body, " The comment is held until a moderator approves it.");
	buf_printf(&body, "\n\nName:  %s\nEmail: %s\nIP:    %s\n\n", c.name, c.email,
	           *c.ip ? c.ip : "(unknown)");
	buf_printf(&body, "Comment:\n%s\n\n", c.body);
	struct page_row pg;
	if (c.page_id && page_by_id(db, a, c.page_id, &pg) == 0) {
		/* A static page: its path, each slug escaped. */
		buf_printf(&body, "Page:       %s/", site_base_url);
		for (const char *seg = pg.path; *seg;) {
			size_t len = strcspn(seg, "/");
			esc_url_part(&body, seg, len);
			buf_putc(&body, '/');
			seg += len + (seg[len] == '/');
		}
	} else {
		buf_printf(&body, "Article:    %s/%04d/%02d/%02d/", site_base_url, y, m, d);
		esc_url_part(&body, c.slug, strlen(c.slug)); /* a slug in any script */
		buf_putc(&body, '/');
	}
	if (!is_held)
		buf_printf(&body, "#comment-%lld", comment_id);
	buf_printf(&body, "\nModeration: %s/admin/comments?status=pending\n", site_base_url);
	buf_printf(&body, "\n-- \nYou receive this as a member of staff of %s.\n",
	           *site_title ? site_title : site_base_url);

	int queued = -1;
	if (db_begin(db) != DB_OK)
		goto done;
	size_t n;
	const char **to = recipients(db, a, &c, &n);
	if (!to) {
		db_rollback(db);
		goto done;
	}
	queued = 0;
	for (size_t i = 0; i < n; i++) {
		long long id = mail_enqueue(db, to[i], subject, buf_cstr(&body));
		if (id == MAIL_REFUSED) {
			/* Not printed: an address refused may hold a line break. */
			log_warn("notify: a staff email address is not a plain address; "
			         "that user is not mailed");
			continue;
		}
		if (id < 0) {
			queued = -1;
			break;
		}
		queued++;
	}
	if (queued < 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		queued = -1;
	}
done:
	buf_free(&body);
	return queued;
}
