/*
** copydesk_site.c: the copy desk against this site's database
** (copydesk_site.h): the site's dictionary, path and photo look-ups for
** copydesk_check(), stored findings, added words.
*/
#include "model/copydesk_site.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/article.h"
#include "model/author.h"
#include "model/page.h"
#include "model/redirect.h"
#include "model/settings.h"
#include "model/speller.h"
#include "model/taxonomy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char sql_names[] =
    "SELECT display_name FROM users UNION ALL SELECT name FROM sections"
    " UNION ALL SELECT name FROM tags";
static const char sql_site_words[] = "SELECT word FROM site_words";
static const char sql_published[] =
    "SELECT headline, dek, body_src FROM articles WHERE status = 'published'"
    " AND is_private = 0 ORDER BY published_at DESC LIMIT ?1";
static const char sql_media_by_file[] =
    "SELECT caption, credit FROM media WHERE hash = ?1 AND ext = ?2";
static const char sql_media_by_id[] = "SELECT caption, credit FROM media WHERE id = ?1";
static const char sql_findings_clear[] = "DELETE FROM article_findings WHERE article_id = ?1";
static const char sql_findings_add[] =
    "INSERT INTO article_findings(article_id, field, pos, len, kind, words, message,"
    " checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_findings_get[] =
    "SELECT field, pos, len, kind, words, message FROM article_findings"
    " WHERE article_id = ?1 ORDER BY id";
static const char sql_findings_count[] =
    "SELECT count(*) FROM article_findings WHERE article_id = ?1";
static const char sql_all_ids[] = "SELECT id FROM articles ORDER BY id";
static const char sql_word_add[] =
    "INSERT INTO site_words(word, added_by, added_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT(word) DO NOTHING";

/* ---- a set of lowercased words ---- */

struct wentry {
	const char *word; /* lowercased; NULL for an empty slot */
	int count;        /* articles it appeared in */
	int last;         /* the last article that counted it (so each counts once) */
	const char *said; /* the dictionary's answer for it, once asked (memo sets) */
};

struct wset {
	struct wentry *v; /* open addressing, a power of two */
	size_t cap, n;    /* slots, used */
};

static unsigned long hash_word(const char *s)
{
	unsigned long h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static struct wentry *wset_find(struct wset *w, const char *word)
{
	if (!w->cap)
		return NULL;
	size_t i = hash_word(word) & (w->cap - 1);
	while (w->v[i].word) {
		if (!strcmp(w->v[i].word, word))
			return &w->v[i];
		i = (i + 1) & (w->cap - 1);
	}
	return NULL;
}

static struct wentry *wset_add(struct arena *a, struct wset *w, const char *word)
{
	struct wentry *e = wset_find(w, word);
	if (e)
		return e;
	if ((w->n + 1) * 2 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		struct wentry *v = arena_alloc(a, cap * sizeof *v);
		for (size_t i = 0; i < w->cap; i++) {
			if (!w->v[i].word)
				continue;
			size_t k = hash_word(w->v[i].word) & (cap - 1);
			while (v[k].word)
				k = (k + 1) & (cap - 1);
			v[k] = w->v[i];
		}
		w->v = v;
		w->cap = cap;
	}
	size_t i = hash_word(word) & (w->cap - 1);
	while (w->v[i].word)
		i = (i + 1) & (w->cap - 1);
	w->v[i].word = arena_strdup(a, word);
	w->n++;
	return &w->v[i];
}

/* Calls fn(word) for each word of text, lowercased, apostrophes straight. */
static void each_word(struct arena *a, const char *text, void (*fn)(void *, const char *),
                      void *arg)
{
	char w[128];
	size_t n = 0;
	for (const char *p = text;; p++) {
		unsigned char c = (unsigned char)*p;
		int letter = isalpha(c) || c >= 0x80 || (n && (c == '\'' || c == '-'));
		if (c == 0xE2 && (unsigned char)p[1] == 0x80 && ((unsigned char)p[2] == 0x99) && n) {
			if (n < sizeof w - 1)
				w[n++] = '\'';
			p += 2;
			continue;
		}
		if (c >= 0x80 && c == 0xE2)
			letter = 0; /* quotes, dashes */
		if (letter && c != 0) {
			if (n < sizeof w - 1)
				w[n++] = (char)tolower(c);
			continue;
		}
		while (n && (w[n - 1] == '\'' || w[n - 1] == '-'))
			n--;
		if (n >= 2 && n < sizeof w - 1) {
			w[n] = 0;
			fn(arg, w);
		}
		n = 0;
		if (!c)
			break;
	}
	(void)a;
}

/* ---- the site ---- */

struct copydesk_site {
	struct db *db;
	struct arena *a;
	struct speller *sp;       /* NULL: no dictionary installed */
	struct wset words;        /* names, added words, words of published articles */
	struct wset https;        /* hosts linked with https: */
	struct wset spelt;        /* words asked of the dictionary: said "1" if known */
	struct wset suggested;    /* words asked for a suggestion: said the best, or "" */
	const struct settings *s; /* language, base_url, staging_hosts */
	int article_no;           /* while reading published articles */
};

static void add_name_word(void *arg, const char *w)
{
	struct copydesk_site *cs = arg;
	wset_add(cs->a, &cs->words, w)->count = COPYDESK_SITE_MIN_ARTICLES;
}

static void count_article_word(void *arg, const char *w)
{
	struct copydesk_site *cs = arg;
	struct wentry *e = wset_add(cs->a, &cs->words, w);
	if (e->last != cs->article_no) {
		e->last = cs->article_no;
		e->count++;
	}
}

/* Records the hosts of "https://host" in text. */
static void https_hosts(struct copydesk_site *cs, const char *text)
{
	for (const char *p = strstr(text, "https://"); p; p = strstr(p + 8, "https://")) {
		const char *h = p + 8;
		size_t n = strcspn(h, "/?#:\"')> \t\r\n]");
		if (!n || n > 200)
			continue;
		char *host = arena_strndup(cs->a, h, n);
		for (char *c = host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		wset_add(cs->a, &cs->https, host);
	}
}

struct copydesk_site *copydesk_site_load(struct db *db, struct arena *a,
                                         const struct settings *s)
{
	struct copydesk_site *cs = arena_alloc(a, sizeof *cs);
	cs->db = db;
	cs->a = a;
	cs->s = s;
	cs->sp = speller_get(s->language && *s->language ? s->language : "en-US");
	struct db_stmt *st = db_prepare(db, sql_names);
	while (db_step(st) == DB_ROW)
		each_word(a, db_col_text(st, 0), add_name_word, cs);
	db_done(st);
	st = db_prepare(db, sql_site_words);
	while (db_step(st) == DB_ROW)
		add_name_word(cs, db_col_text(st, 0));
	db_done(st);
	st = db_prepare(db, sql_published);
	db_bind_int(st, 1, COPYDESK_SITE_SCAN);
	while (db_step(st) == DB_ROW) {
		cs->article_no++;
		for (int c = 0; c < 3; c++) {
			const char *text = db_col_text(st, c);
			each_word(a, text, count_article_word, cs);
			https_hosts(cs, text);
		}
	}
	db_done(st);
	return cs;
}

int copydesk_site_has_speller(const struct copydesk_site *cs)
{
	return cs->sp != NULL;
}

/* ---- the env's callbacks ---- */

/* The dictionary's answers are kept for the run, word by word: hunspell's
** suggestions cost milliseconds each, and a long article repeats its
** unknown words (a name, a foreign phrase) many times. */
static int cb_known(void *self, const char *w)
{
	struct copydesk_site *cs = self;
	struct wentry *e = wset_add(cs->a, &cs->spelt, w);
	if (!e->said)
		e->said = speller_known(cs->sp, w) ? "1" : "";
	return *e->said != 0;
}

static int cb_site_word(void *self, const char *w)
{
	struct copydesk_site *cs = self;
	char low[128];
	size_t n = strlen(w);
	if (n >= sizeof low)
		return 0;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	struct wentry *e = wset_find(&cs->words, low);
	return e && e->count >= COPYDESK_SITE_MIN_ARTICLES;
}

static const char *cb_suggest(void *self, struct arena *a, const char *w)
{
	struct copydesk_site *cs = self;
	(void)a;
	struct wentry *e = wset_add(cs->a, &cs->suggested, w);
	if (!e->said) {
		const char *best = speller_suggest(cs->sp, cs->a, w);
		e->said = best ? best : "";
	}
	return *e->said ? e->said : NULL;
}

static int cb_https(void *self, const char *host)
{
	struct copydesk_site *cs = self;
	return wset_find(&cs->https, host) != NULL;
}

/* Splits "/a/b/c/" into segments (at most max), decoded.  Returns the count. */
static int segments(struct arena *a, const char *path, char **out, int max)
{
	int n = 0;
	char *copy = arena_strdup(a, path), *save = NULL;
	for (char *s = strtok_r(copy, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return max + 1;
		out[n++] = s;
	}
	return n;
}

static int is_num(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int cb_path(void *self, const char *path)
{
	struct copydesk_site *cs = self;
	struct db *db = cs->db;
	struct arena *a = cs->a;
	char *seg[8];
	int n = segments(a, path, seg, 8);
	if (n > 8)
		return 0;
	/* ".../page/N/" is the listing's page: check the listing. */
	if (n >= 2 && !strcmp(seg[n - 2], "page") && is_num(seg[n - 1], strlen(seg[n - 1])))
		n -= 2;
	/* "/feed/", ".../feed/atom/": the feed of what comes before it. */
	for (int i = 0; i < n; i++)
		if (!strcmp(seg[i], "feed")) {
			n = i;
			break;
		}
	if (n == 0)
		return 1; /* the front page, the site's feeds */
	static const char *const fixed[] = {"search", "robots.txt", "sitemap.xml", "healthz",
	                                    "static", "comments", NULL};
	for (int i = 0; fixed[i]; i++)
		if (!strcmp(seg[0], fixed[i]) || !strncmp(seg[0], "sitemap-", 8))
			return 1;
	for (int i = 0; i < n; i++) {
		char *d = text_slug_decode(a, seg[i]);
		if (d)
			seg[i] = d;
	}
	if (!strcmp(seg[0], "category") && n >= 2 && n <= 3) {
		struct term t;
		long long parent;
		return section_by_slug(db, a, seg[n - 1], &t, &parent) == 0;
	}
	if (!strcmp(seg[0], "tag") && n == 2) {
		struct term t;
		return tag_by_slug(db, a, seg[1], &t) == 0;
	}
	if (!strcmp(seg[0], "author") && n == 2) {
		struct author au;
		return author_by_slug(db, a, seg[1], &au) == 0;
	}
	if (!strcmp(seg[0], "media") && n == 2) {
		char *dot = strrchr(seg[1], '.');
		if (!dot)
			return 0;
		struct db_stmt *st = db_prepare(db, sql_media_by_file);
		db_bind_textn(st, 1, seg[1], (size_t)(dot - seg[1]));
		db_bind_text(st, 2, dot + 1);
		int found = db_step(st) == DB_ROW;
		db_done(st);
		return found;
	}
	if (is_num(seg[0], 4)) {
		if (n <= 3 && (n < 2 || is_num(seg[1], 2)) && (n < 3 || is_num(seg[2], 2)))
			return 1; /* a date's archive */
		if (n == 4 && is_num(seg[1], 2) && is_num(seg[2], 2)) {
			struct article art;
			if (article_by_slug(db, a, seg[3], 1, &art) == 0)
				return 1;
			return article_by_old_slug(db, seg[3]) != 0;
		}
	}
	struct page_row pg;
	if (page_by_path(db, a, path, &pg) == 0 && pg.status == PAGE_PUBLISHED)
		return 1;
	return redirect_find(db, a, path, NULL) != NULL;
}

static int cb_photo(void *self, struct arena *a, const char *url, const char **caption,
                    const char **credit)
{
	struct copydesk_site *cs = self;
	if (strncmp(url, "/media/", 7))
		return 1;
	const char *file = url + 7;
	const char *dot = strrchr(file, '.');
	if (!dot || strchr(file, '/'))
		return 1;
	struct db_stmt *st = db_prepare(cs->db, sql_media_by_file);
	db_bind_textn(st, 1, file, (size_t)(dot - file));
	db_bind_text(st, 2, dot + 1);
	int rc = 1;
	if (db_step(st) == DB_ROW) {
		*caption = arena_strdup(a, db_col_text(st, 0));
		*credit = arena_strdup(a, db_col_text(st, 1));
		rc = 0;
	}
	db_done(st);
	return rc;
}

struct finding *copydesk_site_check(struct copydesk_site *cs, struct arena *a,
                                    const struct article *art, long long now, size_t *n)
{
	/* The article's own https links count too. */
	https_hosts(cs, art->body_src ? art->body_src : "");
	const char *base = cs->s->base_url ? cs->s->base_url : "";
	const char *site_host = strncasecmp(base, "https://", 8) ? NULL : strstr(base, "//");
	if (site_host) {
		site_host += 2;
		char *host = arena_strndup(cs->a, site_host, strcspn(site_host, "/:"));
		for (char *c = host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		wset_add(cs->a, &cs->https, host);
	}
	struct copydesk_env env = {
	    .self = cs,
	    .word_known = cs->sp ? cb_known : NULL,
	    .site_word = cb_site_word,
	    .suggest = cs->sp ? cb_suggest : NULL,
	    .path_exists = cb_path,
	    .https_host = cb_https,
	    .photo_meta = cb_photo,
	    .base_url = base,
	    .staging_hosts = cs->s->staging_hosts,
	    .language = cs->s->language,
	};
	const char *caption = "", *credit = "";
	if (art->featured_media_id) {
		struct db_stmt *st = db_prepare(cs->db, sql_media_by_id);
		db_bind_int(st, 1, art->featured_media_id);
		if (db_step(st) == DB_ROW) {
			caption = arena_strdup(a, db_col_text(st, 0));
			credit = arena_strdup(a, db_col_text(st, 1));
		}
		db_done(st);
	}
	struct copydesk_input in = {
	    .headline = art->headline,
	    .dek = art->dek,
	    .body = art->body_src,
	    .published_at = art->published_at,
	    .now = now,
	    .has_featured = art->featured_media_id != 0,
	    .featured_alt = art->featured_alt,
	    .featured_caption = caption,
	    .featured_credit = credit,
	};
	return copydesk_check(a, &in, &env, n);
}

/* ---- stored findings ---- */

int copydesk_store(struct db *db, long long article_id, const struct finding *f, size_t n,
                   long long now)
{
	if (db_begin(db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_findings_clear);
	db_bind_int(st, 1, article_id);
	int ok = db_step(st) == DB_OK;
	db_done(st);
	for (size_t i = 0; i < n && ok; i++) {
		st = db_prepare(db, sql_findings_add);
		db_bind_int(st, 1, article_id);
		db_bind_text(st, 2, f[i].field);
		db_bind_int(st, 3, (long long)f[i].offset);
		db_bind_int(st, 4, (long long)f[i].length);
		db_bind_text(st, 5, f[i].kind);
		db_bind_text(st, 6, f[i].words);
		db_bind_text(st, 7, f[i].message);
		db_bind_int(st, 8, now);
		ok = db_step(st) == DB_OK;
		db_done(st);
	}
	if (!ok) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

struct finding *copydesk_stored(struct db *db, struct arena *a, long long article_id,
                                size_t *n)
{
	size_t cap = 16, k = 0;
	struct finding *v = arena_alloc(a, cap * sizeof *v);
	struct db_stmt *st = db_prepare(db, sql_findings_get);
	db_bind_int(st, 1, article_id);
	while (db_step(st) == DB_ROW) {
		if (k == cap) {
			struct finding *w = arena_alloc(a, cap * 2 * sizeof *w);
			memcpy(w, v, cap * sizeof *v);
			v = w;
			cap *= 2;
		}
		const char *field = db_col_text(st, 0);
		/* The field names are ours: keep the constants, not copies. */
		static const char *const fields[] = {"headline", "dek", "body", "featured", NULL};
		const char *fname = "body";
		for (int i = 0; fields[i]; i++)
			if (!strcmp(field, fields[i]))
				fname = fields[i];
		v[k].field = fname;
		v[k].offset = (size_t)db_col_int(st, 1);
		v[k].length = (size_t)db_col_int(st, 2);
		v[k].kind = arena_strdup(a, db_col_text(st, 3));
		v[k].words = arena_strdup(a, db_col_text(st, 4));
		v[k].message = arena_strdup(a, db_col_text(st, 5));
		k++;
	}
	db_done(st);
	*n = k;
	return v;
}

void copydesk_counts(struct db *db, const long long *ids, size_t n, long long *counts)
{
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st = db_prepare(db, sql_findings_count);
		db_bind_int(st, 1, ids[i]);
		counts[i] = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
	}
}

long long copydesk_recheck(struct db *db, const struct settings *s, long long article_id,
                           long long now)
{
	struct arena *a = arena_new();
	struct article art;
	long long rc = -1;
	if (article_by_id(db, a, article_id, &art) == 0) {
		struct copydesk_site *cs = copydesk_site_load(db, a, s);
		size_t n;
		struct finding *f = copydesk_site_check(cs, a, &art, now, &n);
		if (copydesk_store(db, article_id, f, n, now) == 0)
			rc = (long long)n;
	}
	arena_free(a);
	return rc;
}

/* ---- added words ---- */

int copydesk_word_add(struct db *db, const char *word, long long user_id, char *err,
                      size_t errlen)
{
	size_t len = strlen(word);
	if (!len || !utf8_valid(word, len) || utf8_count(word, len) > COPYDESK_WORD_MAX) {
		snprintf(err, errlen, "Add one word of at most %d characters.", COPYDESK_WORD_MAX);
		return -1;
	}
	char low[COPYDESK_WORD_MAX * 4 + 1];
	size_t k = 0;
	for (size_t i = 0; i < len && k < sizeof low - 1; i++) {
		unsigned char c = (unsigned char)word[i];
		int inner = c == '\'' || c == '-' || c == '.';
		if (inner && (i == 0 || i + 1 == len)) {
			snprintf(err, errlen, "A word starts and ends with a letter.");
			return -1;
		}
		if (!(isalpha(c) || c >= 0x80 || inner)) {
			snprintf(err, errlen, "Add one word, without spaces, digits or punctuation.");
			return -1;
		}
		low[k++] = (char)tolower(c);
	}
	low[k] = 0;
	struct db_stmt *st = db_prepare(db, sql_word_add);
	db_bind_text(st, 1, low);
	if (user_id)
		db_bind_int(st, 2, user_id);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, (long long)time(NULL));
	int ok = db_step(st) == DB_OK;
	db_done(st);
	if (!ok) {
		snprintf(err, errlen, "The word could not be saved: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

long long *copydesk_article_ids(struct db *db, struct arena *a, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_all_ids);
	return db_col_ids(st, a, (size_t)1 << 24, n);
}
