/*
** search.c: turning readers' text into a safe FTS5 query, and running it.
*/
#include "model/search.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

/* Ranking looks at the newest 2,000 matches (FTS5 walks its index by
** rowid, newest first, and scores only those), so a word found in most of a
** large archive costs the same as a rare one; within that window, bm25
** (headline 10, standfirst 4, body 1) times a small boost for recency
** orders them.  The count stops at 10,000 (shown as "10,000+"). */

static const char sql_search[] =
    "WITH m AS MATERIALIZED ("
    "   SELECT rowid AS id, bm25(articles_fts, 10.0, 4.0, 1.0) AS score FROM articles_fts"
    "   WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT 2000)"
    " SELECT a.id, a.slug, a.headline, a.dek, a.status, a.published_at, a.created_at,"
    " a.updated_at, a.author_id, u.display_name, u.slug, COALESCE(a.section_id, 0),"
    " COALESCE(s.name, ''), COALESCE(s.slug, '')"
    " FROM m JOIN articles a ON a.id = m.id"
    " JOIN users u ON u.id = a.author_id LEFT JOIN sections s ON s.id = a.section_id"
    " WHERE a.status = 'published'"
    " ORDER BY m.score * (1.0 + 0.3 / (1.0 + (?4 - a.published_at) / 2592000.0)), a.id DESC"
    " LIMIT ?3 OFFSET ?2";
/* The highlighted passage of one hit (only the page's hits pay for it). */
static const char sql_snippet[] =
    "SELECT snippet(articles_fts, 2, char(1), char(2), '…', 24) FROM articles_fts"
    " WHERE articles_fts MATCH ?1 AND rowid = ?2";
/* CROSS JOIN keeps the full-text index as the outer loop: the planner
** would otherwise walk articles and run the match once per row. */
static const char sql_count[] =
    "SELECT count(*) FROM (SELECT a.id FROM articles_fts f CROSS JOIN articles a"
    " ON a.id = f.rowid"
    " WHERE articles_fts MATCH ?1 AND a.status = 'published' LIMIT 10000)";

/* 1 if code point cp is part of a word: ASCII letters and digits, and every
** non-ASCII letter-like code point (FTS5's unicode61 decides the rest). */
static int word_char(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	/* General punctuation, quotes and symbols are separators. */
	if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	    (cp >= 0xFF00 && cp <= 0xFF0F))
		return 0;
	return 1;
}

/* The words of text[0..len) as quoted FTS5 terms joined by sep; with
** min_len, shorter words are skipped.  *n gets the count. */
static void collect(struct buf *q, const char *text, size_t len, const char *sep,
                    size_t min_len, int *n, size_t *last_len);

char *search_terms_any(struct arena *a, const char *text, size_t len)
{
	struct buf q = BUF_INIT;
	int n = 0;
	size_t last;
	collect(&q, text, len, " OR ", 4, &n, &last);
	char *out = n ? arena_strdup(a, buf_cstr(&q)) : NULL;
	buf_free(&q);
	return out;
}

char *search_terms(struct arena *a, const char *text, size_t len)
{
	if (!text)
		return NULL;
	struct buf q = BUF_INIT;
	int terms = 0;
	size_t last_len = 0;
	collect(&q, text, len, " ", 1, &terms, &last_len);
	if (!terms) {
		buf_free(&q);
		return NULL;
	}
	/* The last word as a prefix too: "budg" finds "budget". */
	if (last_len >= 3)
		buf_putc(&q, '*');
	char *out = arena_strdup(a, buf_cstr(&q));
	buf_free(&q);
	return out;
}

static void collect(struct buf *q, const char *text, size_t len, const char *sep,
                    size_t min_len, int *n, size_t *last_len)
{
	if (len > SEARCH_MAX_INPUT)
		len = SEARCH_MAX_INPUT;
	size_t i = 0;
	*n = 0;
	*last_len = 0;
	while (i < len && *n < SEARCH_MAX_TERMS) {
		/* Skip separators (and bytes that are not UTF-8). */
		uint32_t cp;
		int k = utf8_decode(text + i, len - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if (!word_char(cp)) {
			i += (size_t)k;
			continue;
		}
		size_t start = i;
		while (i < len) {
			k = utf8_decode(text + i, len - i, &cp);
			if (k == 0 || !word_char(cp))
				break;
			i += (size_t)k;
		}
		if (i - start > 100 || i - start < min_len)
			continue;
		if (*n)
			buf_puts(q, sep);
		buf_putc(q, '"');
		buf_put(q, text + start, i - start);
		buf_putc(q, '"');
		*last_len = i - start;
		(*n)++;
	}
}

struct search_hit *search_run(struct db *db, struct arena *a, const char *fts_query,
                              long long offset, int limit, size_t *n, long long *total)
{
	*n = 0;
	*total = 0;
	struct db_stmt *st = db_prepare(db, sql_count);
	db_bind_text(st, 1, fts_query);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return NULL;
	struct search_hit *hits = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *hits);
	st = db_prepare(db, sql_search);
	db_bind_text(st, 1, fts_query);
	db_bind_int(st, 2, offset);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, (long long)time(NULL));
	size_t k = 0;
	while ((int)k < limit && db_step(st) == DB_ROW) {
		struct article *r = &hits[k].article;
		memset(r, 0, sizeof *r);
		r->id = db_col_int(st, 0);
		r->slug = arena_strdup(a, db_col_text(st, 1));
		r->headline = arena_strdup(a, db_col_text(st, 2));
		r->dek = arena_strdup(a, db_col_text(st, 3));
		r->status = arena_strdup(a, db_col_text(st, 4));
		r->published_at = db_col_int(st, 5);
		r->created_at = db_col_int(st, 6);
		r->updated_at = db_col_int(st, 7);
		r->author_id = db_col_int(st, 8);
		r->author_name = arena_strdup(a, db_col_text(st, 9));
		r->author_slug = arena_strdup(a, db_col_text(st, 10));
		r->section_id = db_col_int(st, 11);
		r->section_name = arena_strdup(a, db_col_text(st, 12));
		r->section_slug = arena_strdup(a, db_col_text(st, 13));
		r->body_src = "";
		r->body_html = "";
		r->featured_alt = "";
		r->featured_url = "";
		k++;
	}
	db_done(st);
	for (size_t i = 0; i < k; i++) {
		st = db_prepare(db, sql_snippet);
		db_bind_text(st, 1, fts_query);
		db_bind_int(st, 2, hits[i].article.id);
		hits[i].snippet = arena_strdup(a, db_step(st) == DB_ROW ? db_col_text(st, 0) : "");
		db_done(st);
	}
	*n = k;
	return hits;
}
