/*
** comment.c: storing and reading comments, and the moderation policy.
*/
#include "model/comment.h"
#include "model/gate.h"
#include "render/i18n.h"
#include "model/stored_html.h"
#include "model/settings.h"
#include "core/netaddr.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/email.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/spamfilter.h"
#include "render/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A comment is on an article or on a page (struct comment_target): the
** author whose reply is marked as theirs is that article's or page's. */
#define PUBLIC_COLS \
	"c.id, COALESCE(c.article_id, 0), COALESCE(c.parent_id, 0), c.author_name, c.author_url," \
	" c.body, c.body_html, c.status, c.created_at, COALESCE(c.user_id, 0)," \
	" CASE WHEN c.user_id = COALESCE((SELECT author_id FROM articles WHERE id = c.article_id)," \
	"   (SELECT author_id FROM pages WHERE id = c.page_id)) THEN 1 ELSE 0 END," \
	" c.kind = 'webmention', COALESCE(c.page_id, 0)"
#define N_PUBLIC_COLS 13

/* The statements that read one target's comments come in pairs: [0] for an
** article's (article_id), [1] for a page's (page_id), each on its index. */
#define ON_COL(on) ((on).page_id ? 1 : 0)
#define ON_ID(on) ((on).page_id ? (on).page_id : (on).article_id)

/* The ids that may be absent are bound 0 for none, made NULL here: a
** parameter bound NULL one time and a number the next has its statement
** prepared again on PostgreSQL (six more round trips), which a reply
** after a top-level comment did. */
static const char sql_insert[] =
    "INSERT INTO comments(article_id, parent_id, author_name, author_email,"
    " author_url, body, body_html, ip, user_agent, status, created_at, user_id,"
    " spam_score, spam_reason, ip_net, body_hash, body_html_version, kind, page_id)"
    " VALUES (NULLIF(?1, 0), NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " NULLIF(?12, 0), ?13, ?14, ?15, ?19, ?16, ?17, NULLIF(?18, 0))";
/* An article's comments as a skeleton: id, parent, time and visibility,
** from the covering index comments_threads alone (no row is read).  The
** threads and the page are worked out in C (see skeleton_read); only the
** page's rows are then read, by id. */
#define SQL_SKELETON(col) \
	"SELECT id, COALESCE(parent_id, 0), created_at, status = 'approved', status = 'pending'" \
	" FROM comments WHERE " col " = ?1"
static const char *const sql_skeleton[2] = {SQL_SKELETON("article_id"), SQL_SKELETON("page_id")};
/* The shown comments of a thread page, for a JSON array of their ids: one
** statement, not one a comment (a round trip each on PostgreSQL). */
static const char sql_public_by_ids[] =
    "SELECT " PUBLIC_COLS " FROM comments c WHERE c.id IN (SELECT value FROM json_each(?1))";
static const char sql_count_approved[] =
    "SELECT count(*) FROM comments WHERE article_id = ?1 AND status = 'approved'";
#define SQL_BY_ID(col) \
	"SELECT " PUBLIC_COLS " FROM comments c WHERE c.id = ?1 AND c." col " = ?2" \
	" AND c.status = 'approved'"
static const char *const sql_by_id[2] = {SQL_BY_ID("article_id"), SQL_BY_ID("page_id")};
static const char sql_target[] =
    "SELECT COALESCE(article_id, 0), COALESCE(page_id, 0) FROM comments WHERE id = ?1";
static const char sql_known_good[] =
    "SELECT 1 FROM comments WHERE author_name = ?1 AND author_email = ?2"
    " AND status = 'approved' LIMIT 1";
static const char sql_last_ip[] =
    "SELECT max(created_at) FROM comments WHERE ip = ?1";
/* By the body's hash (comments_body): the rows with this very text on
** this article, not every comment of its author there. */
#define SQL_DUPLICATE(col) \
	"SELECT 1 FROM comments WHERE " col " = ?1 AND body_hash = ?6" \
	" AND body = ?5 AND COALESCE(parent_id, 0) = ?2" \
	" AND (author_name = ?3 OR author_email = ?4) AND status <> 'trash' LIMIT 1"
static const char *const sql_duplicate[2] = {SQL_DUPLICATE("article_id"),
                                             SQL_DUPLICATE("page_id")};
/* SQL_DUPLICATE's answer, what moderators taught about the commenter
** (sql_verdict), the spam filter's totals and whether the commenter was
** approved before (sql_known_good, for first-time moderation: one index
** probe, comments_author), in one statement: three round trips fewer a
** comment. */
#define SQL_DUPLICATE_VERDICT(col) \
	"SELECT EXISTS(" SQL_DUPLICATE(col) "), (SELECT verdict FROM commenters" \
	" WHERE email = ?4 AND name = ?3), " SPAMFILTER_SQL_TOTALS ", EXISTS(SELECT 1 FROM" \
	" comments WHERE author_email = ?4 AND author_name = ?3 AND status = 'approved')"
static const char *const sql_duplicate_verdict[2] = {SQL_DUPLICATE_VERDICT("article_id"),
                                                     SQL_DUPLICATE_VERDICT("page_id")};
/* Where a comment sits: its thread's top, for comment_page_of(). */
#define SQL_BONE(col) \
	"SELECT COALESCE(parent_id, 0), created_at, status FROM comments" \
	" WHERE id = ?1 AND " col " = ?2"
static const char *const sql_bone[2] = {SQL_BONE("article_id"), SQL_BONE("page_id")};
/* SQL_BONE with, for a top-level comment, the approved threads (top-level
** comments) before it in page order (an index range of comments_threads),
** in one statement: one round trip for a new comment's page. */
#define SQL_BONE_BEFORE(col) \
	"SELECT b.parent, b.created_at, b.status, CASE WHEN b.parent = 0 THEN" \
	" (SELECT count(*) FROM comments t WHERE t." col " = ?2 AND t.parent_id IS NULL" \
	" AND t.status = 'approved' AND (t.created_at < b.created_at OR" \
	" (t.created_at = b.created_at AND t.id < b.id))) ELSE 0 END FROM" \
	" (SELECT COALESCE(parent_id, 0) AS parent, created_at, status, id FROM comments" \
	" WHERE id = ?1 AND " col " = ?2) b"
static const char *const sql_bone_before[2] = {SQL_BONE_BEFORE("article_id"),
                                               SQL_BONE_BEFORE("page_id")};
static const char sql_set_status[] = "UPDATE comments SET status = ?2 WHERE id = ?1";
/* The moderation reads: the article's or page's author (whose comments an
** author moderates) and, for a reply, the comment it answers.  ?4 is the
** author to keep to, 0 for every article and page. */
#define PRIVATE_COLS \
	", c.author_email, c.ip, COALESCE(a.slug, pg.slug), COALESCE(a.headline, pg.title)," \
	" COALESCE(a.published_at, 0), c.user_agent, c.spam_reason," \
	" COALESCE(a.author_id, pg.author_id, 0), COALESCE(p.author_name, '')," \
	" COALESCE(p.body, ''), COALESCE(p.status, '')"
#define PRIVATE_FROM \
	" FROM comments c LEFT JOIN articles a ON a.id = c.article_id" \
	" LEFT JOIN pages pg ON pg.id = c.page_id" \
	" LEFT JOIN comments p ON p.id = c.parent_id"
#define OWNER_IS(n) "COALESCE(a.author_id, pg.author_id) = " n
static const char sql_list_all[] =
    "SELECT " PUBLIC_COLS PRIVATE_COLS PRIVATE_FROM
    " WHERE (?4 = 0 OR " OWNER_IS("?4") ") ORDER BY c.created_at DESC, c.id DESC"
    " LIMIT ?1 OFFSET ?3";
static const char sql_list_status[] =
    "SELECT " PUBLIC_COLS PRIVATE_COLS PRIVATE_FROM
    " WHERE c.status = ?2 AND (?4 = 0 OR " OWNER_IS("?4") ")"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?1 OFFSET ?3";
static const char sql_get[] =
    "SELECT " PUBLIC_COLS PRIVATE_COLS PRIVATE_FROM " WHERE c.id = ?1";
/* The comment feeds: public columns plus the article's, never the email or
** IP; approved comments on published articles only. */
static const char sql_recent_site[] =
    "SELECT " PUBLIC_COLS ", a.slug, a.headline, a.published_at FROM comments c"
    " JOIN articles a ON a.id = c.article_id"
    " WHERE c.status = 'approved' AND a.status = 'published'"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?1";
static const char sql_recent_article[] =
    "SELECT " PUBLIC_COLS ", a.slug, a.headline, a.published_at FROM comments c"
    " JOIN articles a ON a.id = c.article_id"
    " WHERE c.article_id = ?2 AND c.status = 'approved' AND a.status = 'published'"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT ?1";
static const char sql_counts[] = "SELECT status, count(*) FROM comments GROUP BY status";
/* An author's counts: their articles' comments and their pages', each read
** from its owner's index (articles_author, then comments_threads), not by a
** scan of every comment. */
static const char sql_counts_of[] =
    "SELECT status, count(*) FROM ("
    " SELECT c.status FROM comments c JOIN articles a ON a.id = c.article_id"
    " WHERE a.author_id = ?1"
    " UNION ALL SELECT c.status FROM comments c JOIN pages pg ON pg.id = c.page_id"
    " WHERE pg.author_id = ?1) owned GROUP BY status";
static const char sql_update[] =
    "UPDATE comments SET author_name = ?2, author_email = ?3, author_url = ?4, body = ?5,"
    " body_html = ?6, edited_at = ?7, body_html_version = ?8 WHERE id = ?1";
static const char sql_stale[] =
    "SELECT id, body FROM comments" DB_INDEX("comments_html_version")
    " WHERE body_html_version < ?1 OR body_html_version > ?1 LIMIT 256";
static const char sql_rerender[] =
    "UPDATE comments SET body_html = ?2, body_html_version = ?3 WHERE id = ?1";
static const char sql_reparent[] =
    "UPDATE comments SET parent_id = (SELECT parent_id FROM comments WHERE id = ?1)"
    " WHERE parent_id = ?1";
static const char sql_delete[] = "DELETE FROM comments WHERE id = ?1";
static const char sql_learn[] =
    "INSERT INTO commenters(email, name, verdict, updated_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT(email, name) DO UPDATE SET verdict = excluded.verdict,"
    " updated_at = excluded.updated_at";
static const char sql_verdict[] =
    "SELECT verdict FROM commenters WHERE email = ?1 AND name = ?2";

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
	db_bind_int(st, 1, in->article_id > 0 ? in->article_id : 0);
	db_bind_int(st, 2, in->parent_id > 0 ? in->parent_id : 0);
	db_bind_text(st, 3, in->author_name);
	db_bind_text(st, 4, in->author_email);
	db_bind_text(st, 5, in->author_url ? in->author_url : "");
	db_bind_text(st, 6, in->body);
	db_bind_textn(st, 7, html.data ? html.data : "", html.len);
	db_bind_text(st, 8, in->ip ? in->ip : "");
	db_bind_text(st, 9, in->user_agent ? in->user_agent : "");
	db_bind_text(st, 10, comment_status_name(in->status));
	db_bind_int(st, 11, in->created_at ? in->created_at : (long long)time(NULL));
	db_bind_int(st, 12, in->user_id > 0 ? in->user_id : 0);
	if (in->spam_score >= 0)
		db_bind_double(st, 13, in->spam_score);
	else
		db_bind_null(st, 13);
	db_bind_text(st, 14, in->spam_reason ? in->spam_reason : "");
	db_bind_text(st, 15, in->ip_net ? in->ip_net : "");
	db_bind_int(st, 16, MARKDOWN_VERSION);
	db_bind_text(st, 17, in->kind ? in->kind : "");
	db_bind_int(st, 18, in->article_id > 0 || in->page_id <= 0 ? 0 : in->page_id);
	db_bind_int(st, 19, text_hash(in->body, strlen(in->body)));
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

/* What moderators taught: VERDICT_NONE for a stranger. */
static enum commenter_verdict verdict_of(struct db *db, const char *name, const char *email)
{
	struct db_stmt *st = db_prepare(db, sql_verdict);
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, name);
	enum commenter_verdict v = VERDICT_NONE;
	if (db_step(st) == DB_ROW)
		v = commenter_verdict_parse(db_col_text(st, 0)) == VERDICT_BAD ? VERDICT_BAD
		                                                               : VERDICT_GOOD;
	db_done(st);
	return v;
}

/* 1 if body, name or url holds a word of the blocklist (one a line,
** case-insensitive). */
static int blocked(const struct settings *s, const char *name, const char *email,
                   const char *body)
{
	const char *list = s->blocklist;
	while (list && *list) {
		size_t len = strcspn(list, "\r\n");
		if (len >= 2 && len < 200) {
			char word[200];
			memcpy(word, list, len);
			word[len] = 0;
			if (strcasestr(body, word) || strcasestr(name, word) || strcasestr(email, word))
				return 1;
		}
		list += len;
		while (*list == '\r' || *list == '\n')
			list++;
	}
	return 0;
}

/* What comment_submit() reads with its duplicate check for decide(). */
struct read_ahead {
	long long totals[2]; /* the spam filter's: spam, ham */
	int known_good;      /* the commenter has an approved comment */
};

/* comment_decide() with the commenter's verdict already read, and the rest
** too when pre is not NULL. */
static enum comment_status decide(struct db *db, const struct settings *s,
                                  const struct comment_input *in, int seconds_to_post,
                                  char *why, size_t whylen, double *score,
                                  enum commenter_verdict verdict, const struct read_ahead *pre)
{
	struct buf r = BUF_INIT;
	enum comment_status status = COMMENT_STATUS_NONE;
	*score = -1;
	/* The text the filter reads: the comment, the name and the website. */
	struct buf text = BUF_INIT;
	buf_printf(&text, "%s %s %s", in->body, in->author_name,
	           in->author_url ? in->author_url : "");
	double p = pre ? spamfilter_score_given(db, buf_cstr(&text), pre->totals[0], pre->totals[1])
	               : spamfilter_score(db, buf_cstr(&text));
	buf_free(&text);
	*score = p;
	int links = comment_count_links(in->body) + (in->author_url && *in->author_url ? 0 : 0);
	if (verdict == VERDICT_BAD) {
		buf_puts(&r, "marked spam before; ");
		status = COMMENT_SPAM;
	}
	if (blocked(s, in->author_name, in->author_email, in->body)) {
		buf_puts(&r, "a blocklisted word; ");
		status = COMMENT_SPAM;
	}
	if (p >= 0)
		buf_printf(&r, "filter %.2f; ", p);
	if (!status && p >= 0.95)
		status = COMMENT_SPAM;
	if (!status && p >= 0.6) {
		buf_puts(&r, "the filter is unsure; ");
		status = COMMENT_PENDING;
	}
	if (links >= s->comment_max_links) {
		buf_printf(&r, "%d links; ", links);
		if (!status)
			status = COMMENT_PENDING;
	}
	if (seconds_to_post >= 0 && seconds_to_post < 10)
		buf_printf(&r, "sent %d s after the page was served; ", seconds_to_post);
	if (!status && !strcmp(s->moderation, "all")) {
		buf_puts(&r, "every comment is held; ");
		status = COMMENT_PENDING;
	}
	if (!status && (!strcmp(s->moderation, "none") || verdict != VERDICT_NONE)) {
		buf_puts(&r, verdict != VERDICT_NONE ? "a known commenter; " : "");
		status = COMMENT_APPROVED;
	}
	if (!status) {
		int known = pre ? pre->known_good : 0;
		if (!pre) {
			struct db_stmt *st = db_prepare(db, sql_known_good);
			db_bind_text(st, 1, in->author_name);
			db_bind_text(st, 2, in->author_email);
			known = db_step(st) == DB_ROW;
			db_done(st);
		}
		buf_puts(&r, known ? "approved before; " : "first-time commenter; ");
		status = known ? COMMENT_APPROVED : COMMENT_PENDING;
	}
	size_t len = r.len >= 2 ? r.len - 2 : 0; /* without the last "; " */
	snprintf(why, whylen, "%.*s", (int)len, r.data ? r.data : "");
	buf_free(&r);
	return status;
}

enum comment_status comment_decide(struct db *db, const struct settings *s,
                                   const struct comment_input *in, int seconds_to_post,
                                   char *why, size_t whylen, double *score)
{
	return decide(db, s, in, seconds_to_post, why, whylen, score,
	              verdict_of(db, in->author_name, in->author_email), NULL);
}

/* comment_is_duplicate() and, in *verdict, verdict_of() for in's
** commenter, and in *pre the rest decide() reads, in one statement. */
static int duplicate_verdict(struct db *db, const struct comment_input *in,
                             enum commenter_verdict *verdict, struct read_ahead *pre)
{
	struct comment_target on = {in->article_id, in->article_id ? 0 : in->page_id};
	struct db_stmt *st = db_prepare(db, sql_duplicate_verdict[ON_COL(on)]);
	db_bind_int(st, 1, ON_ID(on));
	db_bind_int(st, 2, in->parent_id);
	db_bind_text(st, 3, in->author_name);
	db_bind_text(st, 4, in->author_email);
	db_bind_text(st, 5, in->body);
	db_bind_int(st, 6, text_hash(in->body, strlen(in->body)));
	int dup = 0;
	*verdict = VERDICT_NONE;
	memset(pre, 0, sizeof *pre);
	if (db_step(st) == DB_ROW) {
		dup = db_col_int(st, 0) != 0;
		pre->totals[0] = db_col_int(st, 2); /* NULL reads 0: nothing taught */
		pre->totals[1] = db_col_int(st, 3);
		pre->known_good = db_col_int(st, 4) != 0;
		if (!db_col_is_null(st, 1))
			*verdict = commenter_verdict_parse(db_col_text(st, 1)) == VERDICT_BAD
			               ? VERDICT_BAD
			               : VERDICT_GOOD;
	}
	db_done(st);
	return dup;
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
	c->status = comment_status_parse(db_col_text(st, 7));
	c->created_at = db_col_int(st, 8);
	c->user_id = db_col_int(st, 9);
	c->is_webmention = (int)db_col_int(st, 11);
	c->is_article_author = (int)db_col_int(st, 10);
	c->page_id = db_col_int(st, 12);
	c->author_email = NULL;
	c->ip = NULL;
	c->article_slug = NULL;
}

static void read_private(struct db_stmt *st, struct arena *a, struct comment *c)
{
	c->author_email = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS));
	c->ip = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 1));
	c->article_slug = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 2));
	c->article_headline = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 3));
	c->article_published_at = db_col_int(st, N_PUBLIC_COLS + 4);
	c->user_agent = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 5));
	c->spam_reason = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 6));
	c->article_author_id = db_col_int(st, N_PUBLIC_COLS + 7);
	c->parent_author = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 8));
	c->parent_body = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 9));
	c->parent_status = comment_status_parse(db_col_text(st, N_PUBLIC_COLS + 10));
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
		if (private_cols)
			read_private(st, a, &list[k]);
		k++;
	}
	db_done(st);
	*n = k;
	return list;
}

/* ---- threads and their pages ----
**
** A page of comments is per_page top-level comments (oldest first, ties by
** id, as WordPress pages them) with every reply under them, the whole page
** oldest first.  A comment is visible if approved, or pending and one of
** the viewer's own (own[]); a reply shows only if everything above it does.
** All of that is decided over the skeleton in C: one index walk of the
** article's comments, instead of a recursive query per page. */

struct bone {
	long long id;         /* comments.id */
	long long parent_id;  /* 0 for a top-level comment */
	long long created_at; /* the page order, then id */
	int visible;          /* approved, or the viewer's own pending one */
	int is_approved;      /* counted in the title */
	int shown;            /* -1 unknown, 0 no, 1 on the page (skeleton_mark) */
	long hash_next;       /* next bone in the same hash bucket, or -1 */
};

struct skeleton {
	struct bone *b;   /* the article's comments, in page order */
	size_t n;         /* entries in b */
	long *bucket;     /* id hash -> first bone, or -1 */
	size_t n_buckets; /* a power of two */
};

static int own_has(const long long *own, size_t n_own, long long id)
{
	for (size_t i = 0; i < n_own; i++)
		if (own[i] == id)
			return 1;
	return 0;
}

static int by_page_order(const void *pa, const void *pb)
{
	const struct bone *x = pa, *y = pb;
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static size_t bucket_of(const struct skeleton *sk, long long id)
{
	return (size_t)((unsigned long long)id * 0x9E3779B97F4A7C15ull >> 20) & (sk->n_buckets - 1);
}

/* The bone with this id, or NULL. */
static struct bone *skeleton_find(const struct skeleton *sk, long long id)
{
	for (long i = sk->bucket[bucket_of(sk, id)]; i >= 0; i = sk->b[i].hash_next)
		if (sk->b[i].id == id)
			return &sk->b[i];
	return NULL;
}

/* Reads the target's comments into sk, sorted in page order.  0, or -1 on a
** read error (sk is then empty). */
static int skeleton_read(struct db *db, struct arena *a, struct comment_target on,
                         const long long *own, size_t n_own, struct skeleton *sk)
{
	size_t cap = 64;
	sk->b = arena_alloc(a, cap * sizeof *sk->b);
	sk->n = 0;
	struct db_stmt *st = db_prepare(db, sql_skeleton[ON_COL(on)]);
	db_bind_int(st, 1, ON_ID(on));
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (sk->n == cap) {
			struct bone *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
			memcpy(bigger, sk->b, cap * sizeof *bigger);
			sk->b = bigger;
			cap *= 2;
		}
		struct bone *b = &sk->b[sk->n++];
		b->id = db_col_int(st, 0);
		b->parent_id = db_col_int(st, 1);
		b->created_at = db_col_int(st, 2);
		b->is_approved = db_col_int(st, 3) != 0;
		b->visible = b->is_approved || (db_col_int(st, 4) && own_has(own, n_own, b->id));
		b->shown = -1;
	}
	db_done(st);
	if (rc != DB_OK)
		sk->n = 0;
	qsort(sk->b, sk->n, sizeof *sk->b, by_page_order);
	sk->n_buckets = 16;
	while (sk->n_buckets < 2 * sk->n)
		sk->n_buckets *= 2;
	sk->bucket = arena_alloc(a, sk->n_buckets * sizeof *sk->bucket);
	for (size_t i = 0; i < sk->n_buckets; i++)
		sk->bucket[i] = -1;
	for (size_t i = 0; i < sk->n; i++) {
		size_t h = bucket_of(sk, sk->b[i].id);
		sk->b[i].hash_next = sk->bucket[h];
		sk->bucket[h] = (long)i;
	}
	return rc == DB_OK ? 0 : -1;
}

/* Visible top-level comments: the threads that are paged. */
static long long skeleton_threads(const struct skeleton *sk)
{
	long long n = 0;
	for (size_t i = 0; i < sk->n; i++)
		n += sk->b[i].parent_id == 0 && sk->b[i].visible;
	return n;
}

/* Marks shown = 1 on page `page` (from 1) of per_page threads (0: all),
** 0 elsewhere; returns how many are shown.  A reply is shown if it is
** visible and its parent is shown.  Parent chains are walked without
** recursion (a thread can be thousands deep) and each bone is decided
** once: the undecided ones met on the way up take the answer found. */
static size_t skeleton_mark(struct skeleton *sk, struct arena *a, int per_page, int page)
{
	long long first = per_page > 0 && page > 1 ? (long long)(page - 1) * per_page : 0;
	long long k = 0;
	for (size_t i = 0; i < sk->n; i++) {
		struct bone *b = &sk->b[i];
		if (b->parent_id != 0)
			continue;
		b->shown = b->visible && k >= first && (per_page <= 0 || k < first + per_page);
		k += b->visible;
	}
	struct bone **path = arena_alloc(a, (sk->n ? sk->n : 1) * sizeof *path);
	size_t shown = 0;
	for (size_t i = 0; i < sk->n; i++) {
		struct bone *b = &sk->b[i];
		size_t depth = 0;
		int verdict = 0;
		while (b->shown < 0) {
			path[depth++] = b;
			/* A hidden reply hides its replies; an orphan (or, never, a
			** cycle) shows nothing. */
			struct bone *up = b->visible ? skeleton_find(sk, b->parent_id) : NULL;
			if (!up || depth == sk->n)
				break;
			b = up;
		}
		if (b->shown >= 0)
			verdict = b->shown;
		while (depth > 0)
			path[--depth]->shown = verdict;
		shown += (size_t)sk->b[i].shown;
	}
	return shown;
}

/* The shown comments' rows, in page order. */
static struct comment *skeleton_rows(struct db *db, struct arena *a, const struct skeleton *sk,
                                     size_t n_shown, size_t *n)
{
	struct comment *list = arena_alloc(a, (n_shown ? n_shown : 1) * sizeof *list);
	*n = 0;
	if (n_shown == 0)
		return list;
	/* The shown ones' ids, in the walk's order, and their rows read at once
	** and put back in that order (one gone since the walk is left out). */
	long long *ids = arena_alloc(a, n_shown * sizeof *ids);
	size_t m = 0;
	for (size_t i = 0; i < sk->n && m < n_shown; i++)
		if (sk->b[i].shown == 1)
			ids[m++] = sk->b[i].id;
	if (m == 0)
		return list;
	const char *json = json_ids(a, ids, m);
	struct comment *row = arena_alloc(a, m * sizeof *row);
	int *have = arena_alloc(a, m * sizeof *have);
	memset(have, 0, m * sizeof *have);
	struct db_stmt *st = db_prepare(db, sql_public_by_ids);
	db_bind_text(st, 1, json);
	while (db_step(st) == DB_ROW) {
		long long id = db_col_int(st, 0);
		for (size_t i = 0; i < m; i++)
			if (ids[i] == id && !have[i]) {
				read_public(st, a, &row[i]);
				have[i] = 1;
				break;
			}
	}
	db_done(st);
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		if (have[i])
			list[k++] = row[i];
	*n = k;
	return list;
}

int comment_thread_read(struct db *db, struct arena *a, struct comment_target on,
                        const long long *own, size_t n_own, int per_page, int page,
                        struct comment_page *out)
{
	struct skeleton sk;
	memset(out, 0, sizeof *out);
	int rc = skeleton_read(db, a, on, own, n_own, &sk);
	out->threads = skeleton_threads(&sk);
	for (size_t i = 0; i < sk.n; i++)
		out->approved += sk.b[i].is_approved;
	out->list = skeleton_rows(db, a, &sk, skeleton_mark(&sk, a, per_page, page), &out->n);
	return rc;
}

int comment_page_read(struct db *db, struct arena *a, long long article_id,
                      const long long *own, size_t n_own, int per_page, int page,
                      struct comment_page *out)
{
	return comment_thread_read(db, a, COMMENT_ON_ARTICLE(article_id), own, n_own, per_page,
	                           page, out);
}

struct comment *comment_for_article(struct db *db, struct arena *a, long long article_id,
                                    const long long *own, size_t n_own, int per_page,
                                    int page, size_t *n)
{
	struct comment_page cp;
	comment_page_read(db, a, article_id, own, n_own, per_page, page, &cp);
	*n = cp.n;
	return cp.list;
}

long long comment_count_threads(struct db *db, struct arena *a, long long article_id,
                                const long long *own, size_t n_own)
{
	struct skeleton sk;
	skeleton_read(db, a, COMMENT_ON_ARTICLE(article_id), own, n_own, &sk);
	return skeleton_threads(&sk);
}

int comment_page_of(struct db *db, struct arena *a, long long article_id, long long id,
                    const long long *own, size_t n_own, int per_page)
{
	return comment_thread_page_of(db, a, COMMENT_ON_ARTICLE(article_id), id, own, n_own,
	                              per_page);
}

int comment_thread_page_of(struct db *db, struct arena *a, struct comment_target on,
                           long long id, const long long *own, size_t n_own, int per_page)
{
	if (per_page <= 0)
		return 1;
	/* A top-level comment (every new thread, the common case right after
	** posting) starts its own thread: its page is the count of visible
	** threads before it, from the index and the reader's own few held
	** comments, without reading the article's every comment. */
	struct db_stmt *st = db_prepare(db, sql_bone_before[ON_COL(on)]);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ON_ID(on));
	int top = 0;
	long long created = 0, before = 0;
	if (db_step(st) == DB_ROW) {
		top = db_col_int(st, 0) == 0;
		created = db_col_int(st, 1);
		before = db_col_int(st, 3);
	}
	db_done(st);
	if (top) {
		for (size_t i = 0; i < n_own; i++) {
			if (own[i] == id)
				continue;
			st = db_prepare(db, sql_bone[ON_COL(on)]);
			db_bind_int(st, 1, own[i]);
			db_bind_int(st, 2, ON_ID(on));
			if (db_step(st) == DB_ROW && db_col_int(st, 0) == 0 &&
			    comment_status_parse(db_col_text(st, 2)) == COMMENT_PENDING) {
				long long c = db_col_int(st, 1);
				before += c < created || (c == created && own[i] < id);
			}
			db_done(st);
		}
		return (int)(before / per_page) + 1;
	}
	struct skeleton sk;
	skeleton_read(db, a, on, own, n_own, &sk);
	/* The thread's top: up the parent chain, whatever is visible. */
	struct bone *root = skeleton_find(&sk, id);
	for (size_t steps = 0; root && root->parent_id && steps <= sk.n; steps++) {
		struct bone *up = skeleton_find(&sk, root->parent_id);
		if (!up)
			break;
		root = up;
	}
	if (!root)
		return 1;
	before = 0;
	for (struct bone *b = sk.b; b < root; b++)
		before += b->parent_id == 0 && b->visible;
	return (int)(before / per_page) + 1;
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
	return comment_on_by_id(db, a, id, COMMENT_ON_ARTICLE(article_id), out);
}

int comment_target(struct db *db, long long id, struct comment_target *out)
{
	struct db_stmt *st = db_prepare(db, sql_target);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->article_id = db_col_int(st, 0);
		out->page_id = db_col_int(st, 1);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

int comment_on_by_id(struct db *db, struct arena *a, long long id, struct comment_target on,
                     struct comment *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id[ON_COL(on)]);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ON_ID(on));
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

static const char sql_count_net[] =
    "SELECT count(*) FROM comments WHERE ip_net = ?1 AND created_at > ?2";

long long comment_count_from_net(struct db *db, const char *net, long long seconds)
{
	struct db_stmt *st = db_prepare(db, sql_count_net);
	db_bind_text(st, 1, net);
	db_bind_int(st, 2, (long long)time(NULL) - seconds);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return n;
}

char *comment_ip_net(struct arena *a, const char *ip)
{
	return netaddr_network(a, ip);
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
	struct comment_target on = {in->article_id, in->article_id ? 0 : in->page_id};
	struct db_stmt *st = db_prepare(db, sql_duplicate[ON_COL(on)]);
	db_bind_int(st, 1, ON_ID(on));
	db_bind_int(st, 2, in->parent_id);
	db_bind_text(st, 3, in->author_name);
	db_bind_text(st, 4, in->author_email);
	db_bind_text(st, 5, in->body);
	db_bind_int(st, 6, text_hash(in->body, strlen(in->body)));
	int dup = db_step(st) == DB_ROW;
	db_done(st);
	return dup;
}

int comment_set_status(struct db *db, long long id, enum comment_status status)
{
	struct db_stmt *st = db_prepare(db, sql_set_status);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, comment_status_name(status));
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		return -1;
	return db_changes(db) ? 0 : 1;
}

int comment_can_moderate(enum role role, long long user_id, long long article_author_id)
{
	if (role >= ROLE_EDITOR)
		return 1;
	return role == ROLE_AUTHOR && user_id != 0 && user_id == article_author_id;
}

struct comment *comment_list(struct db *db, struct arena *a, enum comment_status status,
                             long long author_id, int limit, long long offset, size_t *n)
{
	struct db_stmt *st = db_prepare(db, status ? sql_list_status : sql_list_all);
	db_bind_int(st, 1, limit);
	if (status)
		db_bind_text(st, 2, comment_status_name(status));
	db_bind_int(st, 3, offset);
	db_bind_int(st, 4, author_id);
	return read_all(st, a, 1, n);
}

int comment_get(struct db *db, struct arena *a, long long id, struct comment *out)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_public(st, a, out);
		read_private(st, a, out);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

void comment_counts(struct db *db, long long author_id, long long counts[COMMENT_N_STATUSES + 1])
{
	memset(counts, 0, (COMMENT_N_STATUSES + 1) * sizeof *counts);
	struct db_stmt *st = db_prepare(db, author_id ? sql_counts_of : sql_counts);
	if (author_id)
		db_bind_int(st, 1, author_id);
	while (db_step(st) == DB_ROW)
		counts[comment_status_parse(db_col_text(st, 0))] = db_col_int(st, 1);
	db_done(st);
}

int comment_update(struct db *db, long long id, const char *name, const char *email,
                   const char *url, const char *body)
{
	struct buf html = BUF_INIT;
	if (markdown_render(&html, body, strlen(body), MD_UNTRUSTED) != 0) {
		buf_free(&html);
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_update);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, email);
	db_bind_text(st, 4, url);
	db_bind_text(st, 5, body);
	db_bind_textn(st, 6, html.data ? html.data : "", html.len);
	db_bind_int(st, 7, (long long)time(NULL));
	db_bind_int(st, 8, MARKDOWN_VERSION);
	int rc = db_step(st);
	db_done(st);
	buf_free(&html);
	return rc == DB_OK ? 0 : -1;
}

int comment_delete(struct db *db, long long id)
{
	if (db_begin(db) != DB_OK)
		return -1;
	/* Replies move up to the deleted comment's parent instead of going too. */
	struct db_stmt *st = db_prepare(db, sql_reparent);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_OK) {
		st = db_prepare(db, sql_delete);
		db_bind_int(st, 1, id);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int comment_learn(struct db *db, const char *name, const char *email,
                  enum commenter_verdict verdict)
{
	struct db_stmt *st = db_prepare(db, sql_learn);
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, commenter_verdict_name(verdict));
	db_bind_int(st, 4, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

int comment_moderate(struct db *db, long long id, enum comment_status status)
{
	struct arena *a = arena_new();
	struct comment c;
	int rc = comment_get(db, a, id, &c);
	if (rc == 0) {
		int was = c.status == status;
		rc = comment_set_status(db, id, status);
		struct buf text = BUF_INIT;
		buf_printf(&text, "%s %s %s", c.body, c.author_name, c.author_url);
		if (rc == 0 && status == COMMENT_APPROVED) {
			rc = comment_learn(db, c.author_name, c.author_email, VERDICT_GOOD);
			if (rc == 0 && !was && c.user_id == 0)
				rc = spamfilter_train(db, buf_cstr(&text), 0);
		} else if (rc == 0 && status == COMMENT_SPAM) {
			rc = comment_learn(db, c.author_name, c.author_email, VERDICT_BAD);
			if (rc == 0 && !was)
				rc = spamfilter_train(db, buf_cstr(&text), 1);
		}
		buf_free(&text);
	}
	arena_free(a);
	return rc;
}

struct comment *comment_recent_approved(struct db *db, struct arena *a, long long article_id,
                                        int limit, size_t *n)
{
	struct db_stmt *st = db_prepare(db, article_id ? sql_recent_article : sql_recent_site);
	db_bind_int(st, 1, limit);
	if (article_id)
		db_bind_int(st, 2, article_id);
	size_t cap = limit > 0 ? (size_t)limit : 1, k = 0;
	struct comment *list = arena_alloc(a, cap * sizeof *list);
	while (k < cap && db_step(st) == DB_ROW) {
		struct comment *c = &list[k++];
		read_public(st, a, c);
		c->article_slug = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS));
		c->article_headline = arena_strdup(a, db_col_text(st, N_PUBLIC_COLS + 1));
		c->article_published_at = db_col_int(st, N_PUBLIC_COLS + 2);
		c->user_agent = NULL;
	}
	db_done(st);
	*n = k;
	return list;
}

/* ---- posting ----
**
** comment_check() and comment_submit() hold every rule a new comment meets,
** whichever way it comes in, with the sentences that explain a refusal. */

#define NET_WINDOW 60 /* seconds */
#define NET_MAX 20    /* stored comments a network may send in that window */

/* Checks one field: present (when required) and valid text within max
** characters.  The sentence, or NULL. */
static const char *check_field(struct arena *a, struct comment_outcome *out,
                               enum comment_field field, const char *v, const char *label,
                               size_t max, const char *missing)
{
	if (!v) {
		out->verdict[field] = TEXT_INVALID;
		return text_check_message(a, TEXT_INVALID, label, max, 0);
	}
	size_t chars;
	enum text_verdict verdict = text_check(v, strlen(v), max, &chars);
	out->verdict[field] = verdict;
	out->chars[field] = chars;
	if (verdict != TEXT_OK)
		return text_check_message(a, verdict, label, max, chars);
	return !*v ? missing : NULL;
}

int comment_check(struct arena *a, const struct comment_post *post, struct comment_outcome *out)
{
	const char **err = out->errors;
	err[COMMENT_BODY] = check_field(a, out, COMMENT_BODY, post->body, "Your comment", COMMENT_MAX_BODY,
	                                N_("Please type your comment."));
	err[COMMENT_NAME] = check_field(a, out, COMMENT_NAME, post->name, "Your name", COMMENT_MAX_NAME,
	                                N_("Please enter your name."));
	/* A Webmention has no email: its source page stands for its author. */
	err[COMMENT_EMAIL] = check_field(a, out, COMMENT_EMAIL, post->email, "Your email address", COMMENT_MAX_EMAIL,
	                                 post->is_webmention ? NULL
	                                                     : N_("Please enter your email address. "
	                                                          "It will not be published."));
	err[COMMENT_URL] = check_field(a, out, COMMENT_URL, post->url, "Your website", COMMENT_MAX_URL, NULL);
	/* A name is shown as one run of text beside the comment: a line break,
	** a control, a bidi override or an invisible character there would
	** let it pass for someone else or turn the words after it around. */
	uint32_t cp;
	if (!err[COMMENT_NAME] && utf8_has_hidden(post->name, strlen(post->name), &cp)) {
		out->name_hidden = cp;
		err[COMMENT_NAME] = arena_printf(
		    a, "Your name holds a character that cannot be shown in a name (U+%04X: a line "
		       "break, a control character, or an invisible or text-direction mark). "
		       "Please type your name without it.", (unsigned)cp);
	}
	if (!err[COMMENT_EMAIL] && (*post->email || !post->is_webmention) &&
	    !email_valid(post->email))
		err[COMMENT_EMAIL] = N_("Please enter a valid email address, like name@example.com.");
	out->url = post->url ? post->url : "";
	if (!err[COMMENT_URL] && *out->url) {
		if (!strstr(out->url, "://") && !strchr(out->url, ':'))
			out->url = arena_printf(a, "http://%s", out->url); /* "example.com" */
		if (!url_is_web(out->url, strlen(out->url)))
			err[COMMENT_URL] = N_("Your website must be a web address starting with http:// "
			                   "or https://.");
	}
	int bad = 0;
	for (int i = 0; i < COMMENT_N_FIELDS; i++)
		bad += err[i] != NULL;
	if (bad)
		out->message = N_("Your comment was not sent yet: please check the fields marked below.");
	return bad;
}

/* Ends a post that failed on the database's side. */
static enum comment_result unavailable(struct db *db, struct comment_outcome *out,
                                       const char *message)
{
	db_rollback(db);
	out->message = message;
	out->retry_after = 5;
	return out->result = COMMENT_UNAVAILABLE;
}

enum comment_result comment_submit(struct db *db, struct arena *a, const struct settings *s,
                                   const struct comment_post *post,
                                   struct comment_outcome *out)
{
	static const char not_saved[] = N_("Your comment could not be saved just now. Nothing "
	                                   "was lost: please send it again in a moment.");
	memset(out, 0, sizeof *out);
	out->parent_id = post->parent_id > 0 ? post->parent_id : 0;
	int bad = comment_check(a, post, out);
	if (post->parent_id < 0) {
		out->message = N_("The comment you replied to could not be found.");
	} else if (post->parent_id > 0) {
		struct comment parent;
		struct comment_target on = {post->article_id, post->article_id ? 0 : post->page_id};
		if (comment_on_by_id(db, a, post->parent_id, on, &parent) != 0) {
			out->parent_id = 0;
			out->message = N_("The comment you replied to is no longer available; your reply "
			               "will be posted as a new comment if you send it again.");
		}
	}
	if (bad || out->message)
		return out->result = COMMENT_REFUSED;

	struct comment_input in = {
	    .article_id = post->article_id,
	    .page_id = post->article_id ? 0 : post->page_id,
	    .parent_id = out->parent_id,
	    .author_name = post->name,
	    .author_email = post->email,
	    .author_url = out->url,
	    .body = post->body,
	    .ip = post->ip ? post->ip : "",
	    .user_agent = post->user_agent,
	    .user_id = post->user_id,
	    .spam_score = -1,
	    .kind = post->is_webmention ? "webmention" : "",
	};
	if (in.user_agent && strlen(in.user_agent) > 255)
		in.user_agent = arena_strndup(a, in.user_agent, 255);
	in.ip_net = comment_ip_net(a, in.ip);

	if (db_begin(db) != DB_OK)
		return unavailable(db, out, N_("The site is very busy right now and could not save "
		                            "your comment. Please send it again in a moment."));
	/* One post of a network at a time from here to the commit (gate.h):
	** the checks below then see every comment stored before this one. */
	if (gate_take(db, in.ip_net) != 0)
		return unavailable(db, out, not_saved);
	/* Flood: refused submissions never count, only stored comments.  Many
	** addresses of one network at once (a /24 or /64) are held too; both
	** off when comment_flood_seconds is 0, and for staff. */
	int window = post->user_id > 0 || post->is_webmention ? 0 : s->comment_flood_seconds;
	long long since = window > 0 ? comment_seconds_since_ip(db, in.ip) : -1;
	if (since >= 0 && since < window) {
		db_rollback(db);
		long long wait = window - since;
		out->retry_after = wait;
		out->is_flood = 1;
		out->message = arena_printf(a, "You are posting comments too quickly. Please wait "
		                            "%lld second%s and send it again.", wait,
		                            wait == 1 ? "" : "s");
		return out->result = COMMENT_TOO_SOON;
	}
	if (window > 0 && comment_count_from_net(db, in.ip_net, NET_WINDOW) >= NET_MAX) {
		db_rollback(db);
		out->retry_after = NET_WINDOW;
		out->message = N_("Too many comments are arriving from your network right now. Please "
		               "wait a minute and send yours again.");
		return out->result = COMMENT_TOO_SOON;
	}
	enum commenter_verdict verdict;
	struct read_ahead pre;
	if (duplicate_verdict(db, &in, &verdict, &pre)) {
		db_rollback(db);
		out->message = N_("Duplicate comment detected; it looks as though you’ve already said "
		               "that!");
		return out->result = COMMENT_DUPLICATE;
	}
	if (post->user_id > 0) {
		in.status = COMMENT_APPROVED;
		in.spam_reason = "a reply from the desk";
	} else {
		char reason[256];
		double score;
		in.status = decide(db, s, &in, post->seconds_to_post, reason, sizeof reason, &score,
		                   verdict, &pre);
		in.spam_score = score;
		in.spam_reason = arena_strdup(a, reason);
		/* A Webmention always waits for a person (unless it is spam). */
		if (post->is_webmention && in.status == COMMENT_APPROVED) {
			in.status = COMMENT_PENDING;
			in.spam_reason = "a Webmention: held for a person to read";
		}
	}
	/* A failed read may have rolled the transaction back: then none of the
	** checks above holds, and nothing is written outside it. */
	if (db_failed(db) || !db_in_transaction(db))
		return unavailable(db, out, not_saved);
	char err[256];
	long long id = comment_add(db, &in, err, sizeof err);
	if (id < 0 || db_commit(db) != DB_OK) {
		log_warn("comment not saved: %s", id < 0 ? err : db_errmsg(db));
		return unavailable(db, out, not_saved);
	}
	out->id = id;
	out->status = in.status;
	return out->result = COMMENT_STORED;
}

int comment_render_stale(struct db *db)
{
	static const struct stored_html_sql q = {sql_stale, sql_rerender, 0};
	return stored_html_refresh(db, &q);
}

static const char sql_count_pending[] =
    "SELECT count(*) FROM comments WHERE status = 'pending'";
static const char sql_count_pending_of[] =
    "SELECT (SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id"
    " WHERE c.status = 'pending' AND a.author_id = ?1)"
    " + (SELECT count(*) FROM comments c JOIN pages pg ON pg.id = c.page_id"
    " WHERE c.status = 'pending' AND pg.author_id = ?1)";

long long comment_count_pending(struct db *db, long long author_id)
{
	struct db_stmt *st = db_prepare(db, author_id ? sql_count_pending_of : sql_count_pending);
	if (author_id)
		db_bind_int(st, 1, author_id);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return n;
}
