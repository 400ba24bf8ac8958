/*
** article.c: article queries and creation.
*/
#include "model/article.h"
#include "model/stored_html.h"
#include "model/trash.h"
#include "model/taxonomy.h"
#include "model/listmemo.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/text.h"
#include "db/db.h"
#include "model/search.h"
#include "render/markdown.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The status as the model reports it: a private article is stored as a
** draft marked is_private (migration 13), and a trashed one as a draft with
** trashed_at set (migration 23), so that every public query, which asks
** for 'published', leaves them out by construction. */
#define STATUS_COL \
	"CASE WHEN a.trashed_at IS NOT NULL THEN 'trash' WHEN a.is_private <> 0 THEN 'private'" \
	" ELSE a.status END"

/* Columns every article query reads, in struct order; body columns last. */
#define LIST_COLS \
	"a.id, a.slug, a.headline, a.dek, " STATUS_COL ", a.published_at, a.created_at," \
	" a.updated_at, a.author_id, u.display_name, u.slug, a.section_id," \
	" COALESCE(s.name, ''), COALESCE(s.slug, ''), a.comments_open," \
	" COALESCE(a.featured_media_id, 0), a.featured_alt," \
	" COALESCE('/media/' || m.hash || '.' || m.ext, ''), COALESCE(m.width, 0)," \
	" COALESCE(m.height, 0), a.is_sticky"
#define N_LIST_COLS 21
/* The body's columns, after LIST_COLS (read_row(..., body)). */
#define BODY_COLS ", a.body_src, a.body_html, a.body_role, a.modified_at"
#define FROM_JOIN \
	" FROM articles a JOIN users u ON u.id = a.author_id" \
	" LEFT JOIN sections s ON s.id = a.section_id" \
	" LEFT JOIN media m ON m.id = a.featured_media_id"

static const char sql_by_slug[] =
    "SELECT " LIST_COLS BODY_COLS FROM_JOIN " WHERE a.slug = ?1";
static const char sql_count[] =
    "SELECT count(*) FROM articles WHERE status = 'published'";
static const char sql_count_author[] =
    "SELECT count(*) FROM article_authors x JOIN articles a ON a.id = x.article_id"
    " WHERE x.user_id = ?1 AND a.status = 'published'";
/* Related articles, in steps, each an index walk.  First the candidates:
** the 100 articles sharing the most tags (ties: the newest id first), read
** as each tag's list of articles and merged in C, and the 50 newest of the
** same section; each scored two points per shared tag (counted among those
** 100 only) and one for the section, from the narrow articles_rank index.
** Ties are broken in C by text similarity (words shared between headlines
** and standfirsts), then by date, reading the headline and standfirst of
** only the candidates that can still be shown; the winners alone are read
** whole.  An article with no published candidate falls back to full-text
** matches of its headline words.
** Each step is one statement: the candidates' scores, words and rows are
** read for a JSON array of their ids (json_each), not one id at a time,
** which on PostgreSQL would be a round trip each. */
static const char sql_related_rank[] =
    "SELECT id, status = 'published', COALESCE(section_id, 0), COALESCE(published_at, 0)"
    " FROM articles" DB_INDEX("articles_rank")
    " WHERE id IN (SELECT value FROM json_each(?1))";
static const char sql_related_tags[] =
    "SELECT tag_id FROM article_tags WHERE article_id = ?1";
static const char sql_related_section[] =
    "SELECT id FROM articles WHERE section_id = ?1 AND status = 'published' AND id <> ?2"
    " ORDER BY published_at DESC, id DESC LIMIT 50";
static const char sql_related_words[] =
    "SELECT id, headline, dek FROM articles WHERE id IN (SELECT value FROM json_each(?1))";
static const char sql_card_by_id[] =
    "SELECT " LIST_COLS FROM_JOIN " WHERE a.id = ?1";
static const char sql_list_by_ids[] =
    "SELECT " LIST_COLS FROM_JOIN " WHERE a.id IN (SELECT value FROM json_each(?1))";
/* Of the 20 best headline and standfirst matches (db_text_related), the
** published, in that order. */
static const char sql_related_text[] =
    "SELECT " LIST_COLS FROM_JOIN " WHERE a.id = ?1 AND a.status = 'published'";
static const char sql_slug_taken[] = "SELECT 1 FROM articles WHERE slug = ?1";
static const char sql_insert[] =
    "INSERT INTO articles(slug, headline, dek, body_src, body_html, status,"
    " published_at, created_at, updated_at, author_id, section_id, body_role,"
    " body_html_version, is_private, is_sticky) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8,"
    " ?9, ?10, 'administrator', ?11, ?12, ?13)";

/* Puts an article's text in the search index (inside the caller's
** transaction, so the index never disagrees with the table). */
static int index_article(struct db *db, long long id, const char *headline, const char *dek,
                         const char *body)
{
	return db_text_put(db, id, headline, dek, body) == DB_OK ? 0 : -1;
}

static void read_row(struct db_stmt *st, struct arena *a, struct article *r, int body)
{
	r->id = db_col_int(st, 0);
	r->slug = arena_strdup(a, db_col_text(st, 1));
	r->headline = arena_strdup(a, db_col_text(st, 2));
	r->dek = arena_strdup(a, db_col_text(st, 3));
	r->status = article_status_parse(db_col_text(st, 4));
	r->published_at = db_col_int(st, 5);
	r->created_at = db_col_int(st, 6);
	r->updated_at = db_col_int(st, 7);
	r->author_id = db_col_int(st, 8);
	r->author_name = arena_strdup(a, db_col_text(st, 9));
	r->author_slug = arena_strdup(a, db_col_text(st, 10));
	r->section_id = db_col_int(st, 11);
	r->section_name = arena_strdup(a, db_col_text(st, 12));
	r->section_slug = arena_strdup(a, db_col_text(st, 13));
	r->comments_open = (int)db_col_int(st, 14);
	r->featured_media_id = db_col_int(st, 15);
	r->featured_alt = arena_strdup(a, db_col_text(st, 16));
	r->featured_url = arena_strdup(a, db_col_text(st, 17));
	r->featured_width = (int)db_col_int(st, 18);
	r->featured_height = (int)db_col_int(st, 19);
	r->is_sticky = (int)db_col_int(st, 20);
	r->body_src = body ? arena_strdup(a, db_col_text(st, N_LIST_COLS)) : "";
	r->body_html = body ? arena_strdup(a, db_col_text(st, N_LIST_COLS + 1)) : "";
	r->body_role = body ? role_parse(db_col_text(st, N_LIST_COLS + 2)) : ROLE_NONE;
	r->modified_at = body ? db_col_int(st, N_LIST_COLS + 3) : 0;
	r->has_modified = body;
}

static struct article *read_list(struct db_stmt *st, struct arena *a, int limit, size_t *n)
{
	struct article *list = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *list);
	size_t k = 0;
	while ((int)k < limit && db_step(st) == DB_ROW)
		read_row(st, a, &list[k++], 0);
	db_done(st);
	*n = k;
	return list;
}

int article_by_slug(struct db *db, struct arena *a, const char *slug, int published_only,
                    struct article *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_slug);
	db_bind_text(st, 1, slug);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_row(st, a, out, 1);
		rc = (published_only && out->status != ARTICLE_PUBLISHED) ? 1 : 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

struct article *article_latest(struct db *db, struct arena *a, long long offset,
                               int limit, size_t *n)
{
	struct article_scope all = {SCOPE_ALL, 0, 0, 0};
	return article_in_scope(db, a, &all, offset, limit, 0, n);
}

static long long count(struct db_stmt *st)
{
	long long c = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return c;
}

long long article_count_published(struct db *db)
{
	return count(db_prepare(db, sql_count));
}

struct article *article_by_author(struct db *db, struct arena *a, long long author_id,
                                  long long offset, int limit, size_t *n)
{
	struct article_scope by = {SCOPE_AUTHOR, author_id, 0, 0};
	return article_in_scope(db, a, &by, offset, limit, 0, n);
}

static const char sql_count_status[] =
    "SELECT CASE WHEN trashed_at IS NOT NULL THEN 'trash' WHEN is_private <> 0 THEN 'private'"
    " ELSE status END, count(*) FROM articles"
    " WHERE (?1 = 0 OR author_id = ?1) GROUP BY 1";

void article_counts(struct db *db, long long author_id, long long counts[ARTICLE_N_STATUSES + 1])
{
	memset(counts, 0, (ARTICLE_N_STATUSES + 1) * sizeof *counts);
	struct db_stmt *st = db_prepare(db, sql_count_status);
	db_bind_int(st, 1, author_id);
	while (db_step(st) == DB_ROW) {
		enum article_status s = article_status_parse(db_col_text(st, 0));
		if (s > ARTICLE_STATUS_NONE && s <= ARTICLE_N_STATUSES)
			counts[s] = db_col_int(st, 1);
	}
	db_done(st);
}

long long article_count_by_author(struct db *db, long long author_id)
{
	struct db_stmt *st = db_prepare(db, sql_count_author);
	db_bind_int(st, 1, author_id);
	return count(st);
}

/* The words of 4+ letters or digits (ASCII) of a text, in order, repeats
** kept: what related stories compare. */
struct words {
	const char **w; /* each word's start in the text */
	size_t *len;    /* its length */
	size_t n;       /* words */
};

static const char *next_word(const char *p, size_t *len)
{
	while (*p && !isalnum((unsigned char)*p))
		p++;
	const char *w = p;
	while (isalnum((unsigned char)*p))
		p++;
	*len = (size_t)(p - w);
	return w;
}

static void words_of(struct arena *a, const char *text, struct words *out)
{
	size_t cap = 1, len;
	for (const char *p = text; *p; p++)
		cap++;
	cap = cap / 5 + 1; /* a word of 4 and a separator per 5 bytes at most */
	out->w = arena_alloc(a, cap * sizeof *out->w);
	out->len = arena_alloc(a, cap * sizeof *out->len);
	out->n = 0;
	for (const char *w = next_word(text, &len); len; w = next_word(w + len, &len))
		if (len >= 4 && out->n < cap) {
			out->w[out->n] = w;
			out->len[out->n++] = len;
		}
}

/* How many of x's words (each occurrence once) are also words of y1 or y2,
** case-insensitively; found[] is scratch of x->n bytes. */
static int shared_words(const struct words *x, const char *y1, const char *y2,
                        unsigned char *found)
{
	memset(found, 0, x->n);
	int shared = 0;
	const char *ys[2] = {y1, y2};
	size_t len;
	for (int k = 0; k < 2; k++)
		for (const char *v = next_word(ys[k], &len); len; v = next_word(v + len, &len)) {
			if (len < 4)
				continue;
			for (size_t i = 0; i < x->n; i++)
				if (!found[i] && x->len[i] == len && !strncasecmp(v, x->w[i], len)) {
					found[i] = 1;
					shared++;
				}
		}
	return shared;
}

struct ranked {
	long long id;          /* candidate */
	long long published_at; /* for ties */
	int shared;            /* tags shared (0 past the 100 that share most) */
	int score;             /* tags and section */
	int words;             /* text similarity */
};

static int by_rank(const void *pa, const void *pb)
{
	const struct ranked *x = pa, *y = pb;
	if (x->score != y->score)
		return y->score - x->score;
	if (x->words != y->words)
		return y->words - x->words;
	if (x->published_at != y->published_at)
		return x->published_at < y->published_at ? 1 : -1;
	return x->id < y->id ? 1 : -1;
}

/* c[0..n)'s ids as a JSON array, for json_each(). */
static const char *ranked_json(struct arena *a, const struct ranked *c, size_t n)
{
	long long *ids = arena_alloc(a, (n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = c[i].id;
	return json_ids(a, ids, n);
}

/* The index in c[0..n) of the candidate id, or (size_t)-1. */
static size_t ranked_find(const struct ranked *c, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].id == id)
			return i;
	return (size_t)-1;
}

/* A list of ids read from one statement (bound by the caller). */
struct idlist {
	long long *id; /* in the order read */
	size_t n;      /* entries */
};

static struct idlist read_ids(struct db_stmt *st, struct arena *a, size_t max)
{
	struct idlist l;
	l.id = db_col_ids(st, a, max, &l.n);
	return l;
}

#define RELATED_TAGGED 100  /* candidates sharing the most tags */
#define RELATED_SECTION 50  /* newest candidates of the same section */

/* The RELATED_TAGGED articles sharing the most of art's tags (tag_ids, or
** NULL: read), ties by the newest id, into c[] (shared set); returns how
** many.  Each tag's list comes newest first from the index; merging them
** counts the shared tags (in any order of the tags), and bucketing by that
** count keeps each bucket newest first. */
static size_t related_tagged(struct db *db, struct listmemo *memo, struct arena *a,
                             long long art_id, const long long *tag_ids, size_t n_tags,
                             struct ranked *c)
{
	struct idlist tags;
	if (tag_ids) {
		tags.id = (long long *)tag_ids;
		tags.n = n_tags < 1000 ? n_tags : 1000;
	} else {
		struct db_stmt *st = db_prepare(db, sql_related_tags);
		db_bind_int(st, 1, art_id);
		tags = read_ids(st, a, 1000);
	}
	if (!tags.n)
		return 0;
	struct idlist *lists = arena_alloc(a, tags.n * sizeof *lists);
	size_t *at = arena_alloc(a, tags.n * sizeof *at);
	size_t total = 0;
	for (size_t t = 0; t < tags.n; t++) {
		lists[t].id = listmemo_tagged(memo, db, a, tags.id[t], &lists[t].n);
		at[t] = 0;
		total += lists[t].n;
	}
	/* Merge, newest id first: each distinct id with how many lists hold it. */
	long long *ids = arena_alloc(a, (total ? total : 1) * sizeof *ids);
	int *shared = arena_alloc(a, (total ? total : 1) * sizeof *shared);
	int most = 0;
	size_t n = 0;
	for (;;) {
		long long top = -1;
		for (size_t t = 0; t < tags.n; t++)
			if (at[t] < lists[t].n && lists[t].id[at[t]] > top)
				top = lists[t].id[at[t]];
		if (top < 0)
			break;
		int k = 0;
		for (size_t t = 0; t < tags.n; t++)
			while (at[t] < lists[t].n && lists[t].id[at[t]] == top) {
				at[t]++;
				k++;
			}
		if (top == art_id)
			continue;
		ids[n] = top;
		shared[n++] = k;
		if (k > most)
			most = k;
	}
	size_t got = 0;
	for (int k = most; k >= 1 && got < RELATED_TAGGED; k--)
		for (size_t i = 0; i < n && got < RELATED_TAGGED; i++)
			if (shared[i] == k) {
				c[got].id = ids[i];
				c[got++].shared = k;
			}
	return got;
}

struct article *article_related(struct db *db, struct listmemo *memo, struct arena *a,
                                const struct article *art, const long long *tag_ids,
                                size_t n_tags, int limit, size_t *n)
{
	const char *text = arena_printf(a, "%s %s", art->headline, art->dek ? art->dek : "");
	struct ranked *c = arena_alloc(a, (RELATED_TAGGED + RELATED_SECTION) * sizeof *c);
	size_t k = related_tagged(db, memo, a, art->id, tag_ids, n_tags, c);
	if (art->section_id > 0) {
		struct db_stmt *st = db_prepare(db, sql_related_section);
		db_bind_int(st, 1, art->section_id);
		db_bind_int(st, 2, art->id);
		struct idlist sect = read_ids(st, a, RELATED_SECTION);
		size_t tagged = k;
		for (size_t i = 0; i < sect.n; i++) {
			size_t j = 0;
			while (j < tagged && c[j].id != sect.id[i])
				j++;
			if (j == tagged) {
				c[k].id = sect.id[i];
				c[k++].shared = 0;
			}
		}
	}
	/* Scores need the narrow index only (status, section, date); the words
	** (the first tie-break) need the rows, but only of the candidates that
	** can still be shown: those scoring at least the limit-th best. */
	size_t kept = 0;
	if (k > 0) {
		struct db_stmt *st = db_prepare(db, sql_related_rank);
		db_bind_text(st, 1, ranked_json(a, c, k));
		while (db_step(st) == DB_ROW) {
			size_t i = ranked_find(c + kept, k - kept, db_col_int(st, 0));
			if (i == (size_t)-1 || !db_col_int(st, 1))
				continue;
			/* Kept ones move to the front; the rest stay behind them. */
			struct ranked r = c[kept + i];
			c[kept + i] = c[kept];
			long long section = db_col_int(st, 2);
			r.score = 2 * r.shared + (art->section_id > 0 && section == art->section_id);
			r.published_at = db_col_int(st, 3);
			r.words = 0;
			c[kept++] = r;
		}
		db_done(st);
	}
	qsort(c, kept, sizeof *c, by_rank);
	size_t need = limit > 0 ? kept : 0;
	if (limit > 0 && kept > (size_t)limit) {
		need = (size_t)limit;
		while (need < kept && c[need].score == c[limit - 1].score)
			need++;
	}
	struct words mine;
	words_of(a, text, &mine);
	unsigned char *found = arena_alloc(a, mine.n + 1);
	if (need > 0) {
		struct db_stmt *st = db_prepare(db, sql_related_words);
		db_bind_text(st, 1, ranked_json(a, c, need));
		while (db_step(st) == DB_ROW) {
			size_t i = ranked_find(c, need, db_col_int(st, 0));
			if (i != (size_t)-1)
				c[i].words = shared_words(&mine, db_col_text(st, 1), db_col_text(st, 2),
				                          found);
		}
		db_done(st);
	}
	qsort(c, need, sizeof *c, by_rank);
	kept = need;
	size_t take = kept < (size_t)limit ? kept : (size_t)limit;
	struct article *out = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *out);
	size_t got = 0;
	if (take > 0) {
		/* The winners' rows, put in rank order (one missing is left out). */
		int *have = arena_alloc(a, take * sizeof *have);
		struct article *row = arena_alloc(a, take * sizeof *row);
		memset(have, 0, take * sizeof *have);
		struct db_stmt *st = db_prepare(db, sql_list_by_ids);
		db_bind_text(st, 1, ranked_json(a, c, take));
		while (db_step(st) == DB_ROW) {
			size_t i = ranked_find(c, take, db_col_int(st, 0));
			if (i != (size_t)-1 && !have[i]) {
				read_row(st, a, &row[i], 0);
				have[i] = 1;
			}
		}
		db_done(st);
		for (size_t i = 0; i < take; i++)
			if (have[i])
				out[got++] = row[i];
	}
	*n = got;
	if (take == 0 && limit > 0) {
		/* Nothing filed alike: the closest headlines and standfirsts. */
		char *any = search_terms_any(a, text, strlen(text));
		if (any) {
			size_t n_ids;
			long long *ids = db_col_ids(db_text_related(db, any, art->id, 20), a, 20, &n_ids);
			for (size_t i = 0; i < n_ids && got < (size_t)limit; i++) {
				struct db_stmt *st = db_prepare(db, sql_related_text);
				db_bind_int(st, 1, ids[i]);
				if (db_step(st) == DB_ROW)
					read_row(st, a, &out[got++], 0);
				db_done(st);
			}
			*n = got;
		}
	}
	return out;
}

/* 1 if status is one an article may be saved with (the trash is reached
** only through article_trash()). */
static int status_known(enum article_status status)
{
	return status != ARTICLE_TRASH && *article_status_name(status) != 0;
}

/* The status column's value for status: a private article is a draft
** marked is_private. */
static const char *stored_status(enum article_status status)
{
	return article_status_name(status == ARTICLE_PRIVATE ? ARTICLE_DRAFT : status);
}

static int slug_taken(struct db *db, const char *slug)
{
	struct db_stmt *st = db_prepare(db, sql_slug_taken);
	db_bind_text(st, 1, slug);
	int taken = db_step(st) == DB_ROW;
	db_done(st);
	return taken;
}

/* article_create(), in its own transaction when own_tx, else inside the
** caller's (which the caller ends). */
static long long create(struct db *db, struct arena *a, const struct article_input *in,
                        int own_tx, char *err, size_t errlen)
{
	enum article_status status = in->status ? in->status : ARTICLE_PUBLISHED;
	if (!in->headline || !*in->headline) {
		snprintf(err, errlen, "the headline is empty");
		return -1;
	}
	if (!status_known(status)) {
		snprintf(err, errlen, "unknown status %d", (int)status);
		return -1;
	}
	int is_private = status == ARTICLE_PRIVATE;
	const char *slug = in->slug && *in->slug ? in->slug : text_slug_any(a, in->headline);
	if (!text_is_slug_utf8(slug)) {
		snprintf(err, errlen, "slug '%s' may hold only a-z, 0-9, letters of other scripts "
		         "and single dashes", slug);
		return -1;
	}
	struct buf html = BUF_INIT;
	if (markdown_render(&html, in->body_src ? in->body_src : "",
	                    in->body_src ? strlen(in->body_src) : 0, MD_TRUSTED) != 0) {
		buf_free(&html);
		snprintf(err, errlen, "the body could not be rendered");
		return -1;
	}
	long long now = (long long)time(NULL);
	long long pub = in->published_at;
	if (!pub && status == ARTICLE_PUBLISHED)
		pub = now;

	long long id = -1;
	if (own_tx && db_begin(db) != DB_OK) {
		snprintf(err, errlen, "database busy: %s", db_errmsg(db));
		buf_free(&html);
		return -1;
	}
	if (slug_taken(db, slug)) {
		snprintf(err, errlen, "slug '%s' is already used by another article", slug);
		goto fail;
	}
	struct db_stmt *st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, slug);
	db_bind_text(st, 2, in->headline);
	db_bind_text(st, 3, in->dek ? in->dek : "");
	db_bind_text(st, 4, in->body_src ? in->body_src : "");
	db_bind_textn(st, 5, html.data ? html.data : "", html.len);
	db_bind_text(st, 6, stored_status(status));
	if (pub)
		db_bind_int(st, 7, pub);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, in->author_id);
	if (in->section_id > 0)
		db_bind_int(st, 10, in->section_id);
	else
		db_bind_null(st, 10);
	db_bind_int(st, 11, MARKDOWN_VERSION);
	db_bind_int(st, 12, is_private);
	db_bind_int(st, 13, in->is_sticky ? 1 : 0);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "cannot save the article: %s", db_errmsg(db));
		goto fail;
	}
	id = db_last_id(db);
	if (index_article(db, id, in->headline, in->dek, in->body_src) != 0) {
		snprintf(err, errlen, "cannot index the article: %s", db_errmsg(db));
		id = -1;
		goto fail;
	}
	for (size_t i = 0; i < in->n_tags; i++) {
		if (!in->tags[i] || !*in->tags[i])
			continue;
		long long tag = tag_ensure(db, a, in->tags[i]);
		if (tag < 0 || tag_attach(db, id, tag) != 0) {
			snprintf(err, errlen, "cannot save tag '%s'", in->tags[i]);
			id = -1;
			goto fail;
		}
	}
	if (own_tx && db_commit(db) != DB_OK) {
		snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
		id = -1;
		goto fail;
	}
	buf_free(&html);
	return id;
fail:
	if (own_tx)
		db_rollback(db);
	buf_free(&html);
	return -1;
}

long long article_create(struct db *db, struct arena *a, const struct article_input *in,
                         char *err, size_t errlen)
{
	return create(db, a, in, 1, err, errlen);
}

long long article_create_in(struct db *db, struct arena *a, const struct article_input *in,
                            char *err, size_t errlen)
{
	return create(db, a, in, 0, err, errlen);
}

/* ---- the desk ---- */

static const char sql_by_id[] =
    "SELECT " LIST_COLS BODY_COLS FROM_JOIN " WHERE a.id = ?1";
static const char sql_old_slug[] = "SELECT article_id FROM old_slugs WHERE slug = ?1";
static const char sql_slug_owner[] = "SELECT id FROM articles WHERE slug = ?1";
static const char sql_old_slug_owner[] = "SELECT article_id FROM old_slugs WHERE slug = ?1";
static const char sql_add_old_slug[] =
    "INSERT INTO old_slugs(slug, article_id) VALUES (?1, ?2)"
    " ON CONFLICT(slug) DO UPDATE SET article_id = excluded.article_id";
static const char sql_drop_old_slug[] = "DELETE FROM old_slugs WHERE slug = ?1";
static const char sql_update[] =
    "UPDATE articles SET slug = ?2, headline = ?3, dek = ?4, body_src = ?5, body_html = ?6,"
    " status = ?7, published_at = ?8, updated_at = ?9, author_id = ?10, section_id = ?11,"
    " featured_media_id = ?12, featured_alt = ?13, comments_open = ?14, body_role = ?15,"
    " body_html_version = ?16, is_private = ?17, is_sticky = ?18 WHERE id = ?1";
static const char sql_insert_full[] =
    "INSERT INTO articles(slug, headline, dek, body_src, body_html, status, published_at,"
    " created_at, updated_at, author_id, section_id, featured_media_id, featured_alt,"
    " comments_open, body_role, body_html_version, is_private, is_sticky)"
    " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
/* Bodies made by another version of the renderer, a batch at a time (the
** two ranges let the index answer). */
static const char sql_stale[] =
    "SELECT id, body_src, body_role FROM articles" DB_INDEX("articles_html_version")
    " WHERE body_html_version < ?1 OR body_html_version > ?1 LIMIT 64";
static const char sql_rerender[] =
    "UPDATE articles SET body_html = ?2, body_html_version = ?3 WHERE id = ?1";
/* Drops the tags no longer given; tags kept are not touched, so a save that
** keeps them changes no listing (see the change log's triggers). */
static const char sql_clear_tags[] =
    "DELETE FROM article_tags WHERE article_id = ?1"
    " AND tag_id NOT IN (SELECT value FROM json_each(?2))";
static const char sql_revision[] =
    "INSERT INTO revisions(article_id, user_id, created_at, headline, slug, dek, body_src,"
    " status, published_at, section_id, tags, featured_media_id, featured_alt)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char sql_publish_due[] =
    "UPDATE articles SET status = 'published', updated_at = ?1"
    " WHERE status = 'scheduled' AND published_at <= ?1";
static const char sql_tag_names[] =
    "SELECT t.name FROM tags t JOIN article_tags x ON x.tag_id = t.id"
    " WHERE x.article_id = ?1 ORDER BY t.name";
static const char sql_list_desk[] =
    "SELECT " LIST_COLS FROM_JOIN
    " WHERE (?1 IS NULL AND a.trashed_at IS NULL OR " STATUS_COL " = ?1)"
    " AND (?2 = 0 OR a.author_id = ?2)"
    " AND (?3 = 0 OR a.section_id = ?3)"
    " AND (?7 = 0 OR a.author_id = ?7 OR a.status = 'published')"
    " AND (?4 IS NULL OR " DB_SQL_CONTAINS("lower(a.headline || ' ' || a.dek || ' ' || a.body_src)",
    "      lower(?4)") ")"
    " ORDER BY COALESCE(a.published_at, a.updated_at) DESC, a.id DESC LIMIT ?6 OFFSET ?5";
static const char sql_count_desk[] =
    "SELECT count(*) FROM articles a"
    " WHERE (?1 IS NULL AND a.trashed_at IS NULL OR " STATUS_COL " = ?1)"
    " AND (?2 = 0 OR a.author_id = ?2)"
    " AND (?3 = 0 OR a.section_id = ?3)"
    " AND (?7 = 0 OR a.author_id = ?7 OR a.status = 'published')"
    " AND (?4 IS NULL OR " DB_SQL_CONTAINS("lower(a.headline || ' ' || a.dek || ' ' || a.body_src)",
    "      lower(?4)") ")";

int article_by_id(struct db *db, struct arena *a, long long id, struct article *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_row(st, a, out, 1);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

static const char sql_modified_at[] = "SELECT modified_at FROM articles WHERE id = ?1";

long long article_modified_at(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, sql_modified_at);
	db_bind_int(st, 1, id);
	long long t = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return t;
}

long long article_by_old_slug(struct db *db, const char *slug)
{
	struct db_stmt *st = db_prepare(db, sql_old_slug);
	db_bind_text(st, 1, slug);
	long long id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return id;
}

char *article_tag_list(struct db *db, struct arena *a, long long id)
{
	struct buf b = BUF_INIT;
	struct db_stmt *st = db_prepare(db, sql_tag_names);
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, db_col_text(st, 0));
	}
	db_done(st);
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static long long owner_of(struct db *db, const char *sql, const char *slug)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, slug);
	long long id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return id;
}

static int step_once(struct db_stmt *st)
{
	int rc = db_step(st);
	db_done(st);
	return rc;
}

/* article_save(), in its own transaction (own_tx) or the caller's. */
static long long save(struct db *db, struct arena *a, long long id,
                      const struct article_input *in, long long user_id, int own_tx,
                      char *err, size_t errlen)
{
	enum article_status status = in->status ? in->status : ARTICLE_DRAFT;
	if (!in->headline || !*in->headline) {
		snprintf(err, errlen, "Please write a headline.");
		return -1;
	}
	if (!status_known(status)) {
		snprintf(err, errlen, "An article is a draft, pending review, scheduled, published "
		         "or private.");
		return -1;
	}
	const char *why = NULL;
	const char *slug = text_slug_for(a, in->slug, in->headline, &why);
	if (!slug) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	struct buf html = BUF_INIT;
	const char *src = in->body_src ? in->body_src : "";
	/* The trust is decided on the article as read before the transaction
	** (rendering stays outside it), and checked again inside. */
	struct article old;
	int had = id > 0 && article_by_id(db, a, id, &old) == 0;
	enum role body_role = article_body_role(had ? &old : NULL, src, in->role);
	if (markdown_render(&html, src, strlen(src), role_trust(body_role)) != 0) {
		buf_free(&html);
		snprintf(err, errlen, "The body could not be rendered.");
		return -1;
	}
	long long now = (long long)time(NULL);
	if (own_tx && db_begin(db) != DB_OK) {
		buf_free(&html);
		snprintf(err, errlen, "The database is busy; please save again.");
		return -1;
	}
	had = id > 0 && article_by_id(db, a, id, &old) == 0;
	if (id > 0 && !had) {
		snprintf(err, errlen, "That article no longer exists.");
		goto fail;
	}
	if (had && old.status == ARTICLE_TRASH) {
		snprintf(err, errlen, "This article is in the trash: restore it before changing it.");
		goto fail;
	}
	if (article_body_role(had ? &old : NULL, src, in->role) != body_role) {
		snprintf(err, errlen, "Someone else saved this article meanwhile; please save again.");
		goto fail;
	}
	long long taken = owner_of(db, sql_slug_owner, slug);
	long long taken_old = owner_of(db, sql_old_slug_owner, slug);
	if ((taken && taken != id) || (taken_old && taken_old != id)) {
		snprintf(err, errlen, "The slug '%s' is already used by another article; "
		         "please choose another.", slug);
		goto fail;
	}
	long long pub = in->published_at;
	if (status == ARTICLE_PUBLISHED && !pub)
		pub = had && old.published_at ? old.published_at : now;
	struct db_stmt *st = db_prepare(db, had ? sql_update : sql_insert_full);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, slug);
	db_bind_text(st, 3, in->headline);
	db_bind_text(st, 4, in->dek ? in->dek : "");
	db_bind_text(st, 5, src);
	db_bind_textn(st, 6, html.data ? html.data : "", html.len);
	db_bind_text(st, 7, stored_status(status));
	if (pub)
		db_bind_int(st, 8, pub);
	else
		db_bind_null(st, 8);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, in->author_id);
	if (in->section_id > 0)
		db_bind_int(st, 11, in->section_id);
	else
		db_bind_null(st, 11);
	if (in->featured_media_id > 0)
		db_bind_int(st, 12, in->featured_media_id);
	else
		db_bind_null(st, 12);
	db_bind_text(st, 13, in->featured_media_id > 0 && in->featured_alt ? in->featured_alt : "");
	db_bind_int(st, 14, in->comments_open);
	db_bind_text(st, 15, role_name(body_role));
	db_bind_int(st, 16, MARKDOWN_VERSION);
	db_bind_int(st, 17, status == ARTICLE_PRIVATE);
	db_bind_int(st, 18, in->is_sticky ? 1 : 0);
	if (step_once(st) != DB_OK) {
		snprintf(err, errlen, "The article could not be saved: %s", db_errmsg(db));
		goto fail;
	}
	if (!had)
		id = db_last_id(db);
	if (index_article(db, id, in->headline, in->dek, src) != 0)
		goto fail_db;
	/* A published address never stops answering: the old slug redirects. */
	if (had && strcmp(old.slug, slug) != 0 && old.published_at) {
		st = db_prepare(db, sql_add_old_slug);
		db_bind_text(st, 1, old.slug);
		db_bind_int(st, 2, id);
		if (step_once(st) != DB_OK)
			goto fail_db;
	}
	st = db_prepare(db, sql_drop_old_slug); /* the slug is current again */
	db_bind_text(st, 1, slug);
	step_once(st);
	struct buf tagtext = BUF_INIT, tagids = BUF_INIT;
	buf_putc(&tagids, '[');
	for (size_t i = 0; i < in->n_tags; i++) {
		if (!in->tags[i] || !*in->tags[i])
			continue;
		long long tag = tag_ensure(db, a, in->tags[i]);
		if (tag < 0 || tag_attach(db, id, tag) != 0) {
			buf_free(&tagtext);
			buf_free(&tagids);
			goto fail_db;
		}
		buf_printf(&tagids, "%s%lld", tagids.len > 1 ? "," : "", tag);
		if (tagtext.len)
			buf_puts(&tagtext, ", ");
		buf_puts(&tagtext, in->tags[i]);
	}
	buf_putc(&tagids, ']');
	st = db_prepare(db, sql_clear_tags);
	db_bind_int(st, 1, id);
	db_bind_textn(st, 2, tagids.data, tagids.len);
	int cleared = step_once(st);
	buf_free(&tagids);
	if (cleared != DB_OK) {
		buf_free(&tagtext);
		goto fail_db;
	}
	st = db_prepare(db, sql_revision);
	db_bind_int(st, 1, id);
	if (user_id > 0)
		db_bind_int(st, 2, user_id);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, in->headline);
	db_bind_text(st, 5, slug);
	db_bind_text(st, 6, in->dek ? in->dek : "");
	db_bind_text(st, 7, src);
	db_bind_text(st, 8, article_status_name(status));
	if (pub)
		db_bind_int(st, 9, pub);
	else
		db_bind_null(st, 9);
	if (in->section_id > 0)
		db_bind_int(st, 10, in->section_id);
	else
		db_bind_null(st, 10);
	db_bind_text(st, 11, buf_cstr(&tagtext));
	if (in->featured_media_id > 0)
		db_bind_int(st, 12, in->featured_media_id);
	else
		db_bind_null(st, 12);
	db_bind_text(st, 13, in->featured_alt ? in->featured_alt : "");
	int rc = step_once(st);
	buf_free(&tagtext);
	if (rc != DB_OK || (own_tx && db_commit(db) != DB_OK))
		goto fail_db;
	buf_free(&html);
	return id;
fail_db:
	snprintf(err, errlen, "The article could not be saved: %s", db_errmsg(db));
fail:
	if (own_tx)
		db_rollback(db);
	buf_free(&html);
	return -1;
}

long long article_save(struct db *db, struct arena *a, long long id,
                       const struct article_input *in, long long user_id, char *err,
                       size_t errlen)
{
	return save(db, a, id, in, user_id, 1, err, errlen);
}

long long article_save_in(struct db *db, struct arena *a, long long id,
                          const struct article_input *in, long long user_id, char *err,
                          size_t errlen)
{
	return save(db, a, id, in, user_id, 0, err, errlen);
}

enum role article_body_role(const struct article *old, const char *body_src, enum role saver)
{
	return role_of_body(old ? old->body_src : NULL, old ? old->body_role : ROLE_NONE,
	                    body_src, saver);
}

int article_render_stale(struct db *db)
{
	static const struct stored_html_sql q = {sql_stale, sql_rerender, 1};
	return stored_html_refresh(db, &q);
}

struct article *article_list(struct db *db, struct arena *a, const struct article_filter *f,
                             size_t *n, long long *total)
{
	for (int pass = 0; pass < 2; pass++) {
		struct db_stmt *st = db_prepare(db, pass ? sql_list_desk : sql_count_desk);
		db_bind_text(st, 1, f->status ? article_status_name(f->status) : NULL);
		db_bind_int(st, 2, f->author_id);
		db_bind_int(st, 3, f->section_id);
		db_bind_text(st, 4, f->q && *f->q ? f->q : NULL);
		db_bind_int(st, 7, f->visible_to);
		if (!pass) {
			*total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
			db_done(st);
			continue;
		}
		db_bind_int(st, 5, f->offset);
		db_bind_int(st, 6, f->limit);
		return read_list(st, a, f->limit, n);
	}
	return NULL;
}

int article_publish_due(struct db *db, long long now)
{
	struct db_stmt *st = db_prepare(db, sql_publish_due);
	db_bind_int(st, 1, now);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? db_changes(db) : -1;
}

/* ---- listings by scope (archives, feeds, sitemaps) ---- */

/* Each scope selects its ids with a query an index serves (status and
** date, section, tag or author), pages through those ids alone, and only
** then joins the few rows shown: deep pages stay cheap. */
#define IDS_ALL "SELECT id, published_at FROM articles WHERE status = 'published'"
#define IDS_SECTION \
	"SELECT id, published_at FROM articles WHERE status = 'published' AND section_id IN" \
	" (SELECT id FROM sections WHERE id = ?3 OR parent_id = ?3)"
/* A section without sub-sections (most): its own index range, which also
** holds the dates, so a deep page never reads a row it does not show. */
#define IDS_SECTION_ALONE \
	"SELECT id, published_at FROM articles WHERE section_id = ?3 AND status = 'published'"
/* A tag's articles: status and date from articles_rank, not the rows. */
#define IDS_TAG \
	"SELECT a.id AS id, a.published_at AS published_at FROM article_tags x" \
	" JOIN articles a" DB_INDEX("articles_rank") " ON a.id = x.article_id" \
	" WHERE x.tag_id = ?3 AND a.status = 'published'"
/* An author's articles: every one whose byline names them (byline.h). */
#define IDS_AUTHOR \
	"SELECT a.id AS id, a.published_at AS published_at FROM article_authors x" \
	" JOIN articles a" DB_INDEX("articles_rank") " ON a.id = x.article_id" \
	" WHERE x.user_id = ?3 AND a.status = 'published'"
#define IDS_DATES \
	"SELECT id, published_at FROM articles WHERE status = 'published' AND published_at >= ?3" \
	" AND published_at < ?4"
/* The page's ids come from an index walk (ORDER BY inside the subquery, so
** no join stands between the index and the LIMIT); only they are joined. */
#define PAGE_OF(ids) \
	"SELECT " LIST_COLS FROM_JOIN " JOIN (" ids " ORDER BY 2 DESC, 1 DESC LIMIT ?2 OFFSET ?1) o" \
	" ON o.id = a.id ORDER BY a.published_at DESC, a.id DESC"
#define PAGE_OF_BODY(ids) \
	"SELECT " LIST_COLS BODY_COLS FROM_JOIN " JOIN (" ids \
	" ORDER BY 2 DESC, 1 DESC LIMIT ?2 OFFSET ?1) o ON o.id = a.id" \
	" ORDER BY a.published_at DESC, a.id DESC"
/* The same past a known position (?5, ?6): the article just before it, in
** the order (published_at, id) newest first.  The date bound is a range
** the index walks from; the rest only settles ties on the same second. */
#define AFTER " AND published_at <= ?5 AND (published_at < ?5 OR id < ?6)"
#define PAGE_AFTER(ids) PAGE_OF(ids AFTER)
#define KEY_AFTER(ids) \
	"SELECT id, published_at FROM (" ids AFTER ") k ORDER BY 2 DESC, 1 DESC LIMIT 1 OFFSET ?1"
#define COUNT_OF(ids) "SELECT count(*) FROM (" ids ") c"
#define LAST_OF(ids) \
	"SELECT COALESCE(max(updated_at), 0) FROM articles" DB_INDEX("articles_rank") \
	" WHERE id IN (SELECT id FROM (" ids ") l)"

/* Indexed by enum scope_kind, then the lone section (scope_index). */
#define SCOPE_SECTION_ALONE (SCOPE_DATES + 1)
static const char *const sql_scope_page[] = {
	PAGE_OF(IDS_ALL), PAGE_OF(IDS_SECTION), PAGE_OF(IDS_TAG), PAGE_OF(IDS_AUTHOR),
	PAGE_OF(IDS_DATES), PAGE_OF(IDS_SECTION_ALONE)};
static const char *const sql_scope_page_body[] = {
	PAGE_OF_BODY(IDS_ALL), PAGE_OF_BODY(IDS_SECTION), PAGE_OF_BODY(IDS_TAG),
	PAGE_OF_BODY(IDS_AUTHOR), PAGE_OF_BODY(IDS_DATES), PAGE_OF_BODY(IDS_SECTION_ALONE)};
static const char *const sql_scope_page_after[] = {
	PAGE_AFTER(IDS_ALL), PAGE_AFTER(IDS_SECTION), PAGE_AFTER(IDS_TAG), PAGE_AFTER(IDS_AUTHOR),
	PAGE_AFTER(IDS_DATES), PAGE_AFTER(IDS_SECTION_ALONE)};
static const char *const sql_scope_key[] = {
	KEY_AFTER(IDS_ALL), KEY_AFTER(IDS_SECTION), KEY_AFTER(IDS_TAG), KEY_AFTER(IDS_AUTHOR),
	KEY_AFTER(IDS_DATES), KEY_AFTER(IDS_SECTION_ALONE)};
static const char *const sql_scope_count[] = {
	COUNT_OF(IDS_ALL), COUNT_OF(IDS_SECTION), COUNT_OF(IDS_TAG), COUNT_OF(IDS_AUTHOR),
	COUNT_OF(IDS_DATES), COUNT_OF(IDS_SECTION_ALONE)};
/* Every write sets updated_at to now, and publishing (even a scheduled
** article's) happens no earlier than its published_at, so the newest change
** is max(updated_at); for the whole site an index answers it. */
static const char *const sql_scope_last[] = {
	"SELECT COALESCE(max(updated_at), 0) FROM articles WHERE status = 'published'",
	LAST_OF(IDS_SECTION), LAST_OF(IDS_TAG), LAST_OF(IDS_AUTHOR),
	LAST_OF(IDS_DATES), LAST_OF(IDS_SECTION_ALONE)};
static const char sql_has_subsections[] =
    "SELECT EXISTS (SELECT 1 FROM sections WHERE parent_id = ?1 AND id <> ?1)";

/* Binds ?3 and ?4 where the scope's query has them. */
static void bind_scope(struct db_stmt *st, const struct article_scope *s)
{
	if (s->kind == SCOPE_DATES) {
		db_bind_int(st, 3, s->from);
		db_bind_int(st, 4, s->to);
	} else if (s->kind != SCOPE_ALL) {
		db_bind_int(st, 3, s->id);
	}
}

static unsigned scope_index(struct db *db, const struct article_scope *s)
{
	if (s->kind == SCOPE_SECTION) {
		struct db_stmt *st = db_prepare(db, sql_has_subsections);
		db_bind_int(st, 1, s->id);
		int nested = db_step(st) != DB_ROW || db_col_int(st, 0);
		db_done(st);
		return nested ? SCOPE_SECTION : SCOPE_SECTION_ALONE;
	}
	return (unsigned)s->kind <= SCOPE_DATES ? (unsigned)s->kind : 0;
}

struct article *article_in_scope(struct db *db, struct arena *a,
                                 const struct article_scope *scope, long long offset,
                                 int limit, int with_body, size_t *n)
{
	unsigned k = scope_index(db, scope);
	struct db_stmt *st = db_prepare(db, with_body ? sql_scope_page_body[k] : sql_scope_page[k]);
	bind_scope(st, scope);
	db_bind_int(st, 1, offset);
	db_bind_int(st, 2, limit);
	if (!with_body)
		return read_list(st, a, limit, n);
	struct article *list = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *list);
	size_t got = 0;
	while ((int)got < limit && db_step(st) == DB_ROW)
		read_row(st, a, &list[got++], 1);
	db_done(st);
	*n = got;
	return list;
}

struct article *article_section_first(struct db *db, struct arena *a, long long section_id,
                                      int nested, int limit, size_t *n)
{
	struct article_scope scope = {SCOPE_SECTION, section_id, 0, 0};
	unsigned k = nested > 0 ? SCOPE_SECTION : nested < 0 ? SCOPE_SECTION_ALONE
	                                                     : scope_index(db, &scope);
	struct db_stmt *st = db_prepare(db, sql_scope_page[k]);
	bind_scope(st, &scope);
	db_bind_int(st, 1, 0);
	db_bind_int(st, 2, limit);
	return read_list(st, a, limit, n);
}

/* ids (a scope's IDS_ text) with its scope parameter ?3 written ?n. */
static void put_ids(struct buf *b, const char *ids, int n)
{
	for (const char *at; (at = strstr(ids, "?3")) != NULL; ids = at + 2) {
		buf_put(b, ids, (size_t)(at - ids));
		buf_printf(b, "?%d", n);
	}
	buf_puts(b, ids);
}

int article_section_firsts(struct db *db, struct arena *a, const long long *section_ids,
                           const int *nested, size_t k, int limit, struct article **lists,
                           size_t *ns)
{
	if (k == 0 || k > ARTICLE_SECTION_FIRSTS_MAX)
		return -1;
	/* Each section's statement as article_section_first() sends it (its
	** rows in the same order), one a branch of a UNION ALL, its place in
	** a last column; parameters ?1 the limit, ?2.. the sections. */
	struct buf q = BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		buf_printf(&q, "%sSELECT * FROM (SELECT " LIST_COLS ", %zu AS place" FROM_JOIN " JOIN (",
		           i ? " UNION ALL " : "", i);
		put_ids(&q, nested[i] > 0 ? IDS_SECTION : IDS_SECTION_ALONE, (int)i + 2);
		buf_puts(&q, " ORDER BY 2 DESC, 1 DESC LIMIT ?1) o ON o.id = a.id) t");
		buf_printf(&q, "%zu", i);
	}
	buf_printf(&q, " ORDER BY %d, 6 DESC, 1 DESC", N_LIST_COLS + 1);
	struct db_stmt *st = db_prepare(db, buf_cstr(&q));
	buf_free(&q);
	db_bind_int(st, 1, limit);
	for (size_t i = 0; i < k; i++) {
		db_bind_int(st, (int)i + 2, section_ids[i]);
		lists[i] = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof **lists);
		ns[i] = 0;
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		long long i = db_col_int(st, N_LIST_COLS);
		if (i >= 0 && (size_t)i < k && (int)ns[i] < limit)
			read_row(st, a, &lists[i][ns[i]++], 0);
	}
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

/* Binds a position: ?5 and ?6, the start for a NULL or empty one.  A date
** range's own end (?4) is brought down to it: the index walk can start from
** one upper bound only, and must start from the position. */
static void bind_after(struct db_stmt *st, const struct article_scope *scope,
                       const struct scope_key *after)
{
	int start = !after || after->id == 0;
	db_bind_int(st, 5, start ? LLONG_MAX : after->published_at);
	db_bind_int(st, 6, start ? LLONG_MAX : after->id);
	if (!start && scope->kind == SCOPE_DATES && after->published_at < scope->to)
		db_bind_int(st, 4, after->published_at + 1);
}

struct article *article_in_scope_after(struct db *db, struct arena *a,
                                       const struct article_scope *scope,
                                       const struct scope_key *after, long long offset,
                                       int limit, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_scope_page_after[scope_index(db, scope)]);
	bind_scope(st, scope);
	bind_after(st, scope, after);
	db_bind_int(st, 1, offset);
	db_bind_int(st, 2, limit);
	return read_list(st, a, limit, n);
}

int article_scope_key(struct db *db, const struct article_scope *scope,
                      const struct scope_key *after, long long offset, struct scope_key *out)
{
	struct db_stmt *st = db_prepare(db, sql_scope_key[scope_index(db, scope)]);
	bind_scope(st, scope);
	bind_after(st, scope, after);
	db_bind_int(st, 1, offset);
	int rc = db_step(st);
	int found = rc == DB_ROW && !db_col_is_null(st, 1);
	if (found) {
		out->id = db_col_int(st, 0);
		out->published_at = db_col_int(st, 1);
	}
	db_done(st);
	return found ? 0 : rc == DB_ROW || rc == DB_OK ? 1 : -1;
}

long long article_count_in_scope(struct db *db, const struct article_scope *scope)
{
	struct db_stmt *st = db_prepare(db, sql_scope_count[scope_index(db, scope)]);
	bind_scope(st, scope);
	return count(st);
}

long long article_last_change(struct db *db, const struct article_scope *scope)
{
	struct db_stmt *st = db_prepare(db, sql_scope_last[scope_index(db, scope)]);
	bind_scope(st, scope);
	return count(st);
}

/* ---- trash ---- */

/* A trashed article keeps the status it had (the model's, 'private'
** included) in trashed_status and becomes a draft, so no public query can
** see it; restoring puts the status back (a private one stays a draft
** marked is_private).  Each changes status, so the change log's trigger
** marks every listing and the article's pages stale. */
static const char sql_trash[] =
    "UPDATE articles SET trashed_status = CASE WHEN is_private <> 0 THEN 'private' ELSE status END,"
    " status = 'draft', trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL";
static const char sql_restore[] =
    "UPDATE articles SET status = CASE WHEN trashed_status IN"
    " ('pending', 'scheduled', 'published') THEN trashed_status ELSE 'draft' END,"
    " trashed_at = NULL, trashed_status = '' WHERE id = ?1 AND trashed_at IS NOT NULL";
static const char sql_unpublish[] =
    "UPDATE articles SET status = 'draft', updated_at = ?2"
    " WHERE id = ?1 AND status IN ('published', 'scheduled') AND trashed_at IS NULL";
static const char sql_delete_trashed[] =
    "DELETE FROM articles WHERE id = ?1 AND trashed_at IS NOT NULL";
static const char sql_trashed_before[] =
    "SELECT id FROM articles WHERE trashed_at IS NOT NULL AND trashed_at <= ?1 LIMIT 100";

int article_trash(struct db *db, long long id, long long now)
{
	return trash_change_one(db, sql_trash, id, now);
}

int article_restore(struct db *db, long long id)
{
	return trash_change_one(db, sql_restore, id, 0);
}

int article_unpublish(struct db *db, long long id, long long now)
{
	return trash_change_one(db, sql_unpublish, id, now);
}

/* Deletes a trashed article and its search entry in one transaction (its
** tags, comments, revisions and old slugs go with it: ON DELETE CASCADE). */
int article_delete(struct db *db, long long id)
{
	if (db_begin(db) != DB_OK)
		return -1;
	int rc = trash_change_one(db, sql_delete_trashed, id, 0);
	if (rc == 0) {
		if (db_text_drop(db, id) != DB_OK)
			rc = -1;
	}
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

int article_purge_trash(struct db *db, long long now)
{
	return trash_purge(db, sql_trashed_before, now - ARTICLE_TRASH_DAYS * 86400LL, article_delete);
}

int article_cards_by_ids(struct db *db, struct arena *a, const long long *ids, size_t n,
                         struct article *out, int *found)
{
	for (size_t i = 0; i < n; i++)
		found[i] = 0;
	if (n == 0)
		return 0;
	struct db_stmt *st = db_prepare(db, sql_list_by_ids);
	db_bind_text(st, 1, json_ids(a, ids, n));
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		long long id = db_col_int(st, 0);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == id && !found[i]) {
				read_row(st, a, &out[i], 0);
				found[i] = 1;
			}
	}
	db_done(st);
	if (rc != DB_OK) {
		for (size_t i = 0; i < n; i++)
			found[i] = 0;
		return -1;
	}
	return 0;
}

int article_card_by_id(struct db *db, struct arena *a, long long id, struct article *out)
{
	struct db_stmt *st = db_prepare(db, sql_card_by_id);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, a, out, 0);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_OK ? 1 : -1;
}
