/*
** spamfilter.c: word counts in, a probability out.
*/
#include "model/spamfilter.h"
#include "core/arena.h"
#include "db/db.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 300
#define INTERESTING 15

static const char sql_totals[] = "SELECT spam, ham FROM spam_totals WHERE id = 1";
/* The counts of up to TOKEN_BATCH tokens in one statement (one round trip
** on PostgreSQL, not one a token); unused places are bound '', which no
** token is. */
#define TOKEN_BATCH 32
#define P4(a, b, c, d) "?" #a ", ?" #b ", ?" #c ", ?" #d
static const char sql_tokens[] =
    "SELECT spam, ham FROM spam_tokens WHERE token IN (" P4(1, 2, 3, 4) ", " P4(5, 6, 7, 8)
    ", " P4(9, 10, 11, 12) ", " P4(13, 14, 15, 16) ", " P4(17, 18, 19, 20) ", "
    P4(21, 22, 23, 24) ", " P4(25, 26, 27, 28) ", " P4(29, 30, 31, 32) ")";
static const char sql_learn_token[] =
    "INSERT INTO spam_tokens(token, spam, ham) VALUES (?1, ?2, ?3)"
    " ON CONFLICT(token) DO UPDATE SET spam = spam_tokens.spam + excluded.spam,"
    " ham = spam_tokens.ham + excluded.ham";
static const char sql_learn_total[] =
    "INSERT INTO spam_totals(id, spam, ham) VALUES (1, ?1, ?2)"
    " ON CONFLICT(id) DO UPDATE SET spam = spam_totals.spam + excluded.spam,"
    " ham = spam_totals.ham + excluded.ham";

/* The distinct tokens of text: lowercase words of 3 to 24 letters or
** digits, and "site:DOMAIN" for each linked domain.  Returns the count. */
static int tokenize(struct arena *a, const char *text, char **out, int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8)) {
			p += p[4] == ':' ? 7 : 8;
			const char *host = p;
			while (*p && (isalnum((unsigned char)*p) || *p == '.' || *p == '-'))
				p++;
			if (p > host && p - host < 100) {
				char *t = arena_printf(a, "site:%.*s", (int)(p - host), host);
				for (char *c = t; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				out[n++] = t;
			}
			while (*p && !isspace((unsigned char)*p))
				p++;
			continue;
		}
		if (!isalnum((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (isalnum((unsigned char)*p))
			p++;
		size_t len = (size_t)(p - w);
		if (len < 3 || len > 24)
			continue;
		char *t = arena_strndup(a, w, len);
		for (char *c = t; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		int dup = 0;
		for (int i = 0; i < n && !dup; i++)
			dup = !strcmp(out[i], t);
		if (!dup)
			out[n++] = t;
	}
	return n;
}

static int totals(struct db *db, long long *ns, long long *nh)
{
	struct db_stmt *st = db_prepare(db, sql_totals);
	*ns = *nh = 0;
	if (db_step(st) == DB_ROW) {
		*ns = db_col_int(st, 0);
		*nh = db_col_int(st, 1);
	}
	db_done(st);
	return 0;
}

static int by_interest(const void *x, const void *y)
{
	double a = fabs(*(const double *)x - 0.5), b = fabs(*(const double *)y - 0.5);
	return a < b ? 1 : a > b ? -1 : 0;
}

double spamfilter_score(struct db *db, const char *text)
{
	long long ns, nh;
	totals(db, &ns, &nh);
	return spamfilter_score_given(db, text, ns, nh);
}

double spamfilter_score_given(struct db *db, const char *text, long long ns, long long nh)
{
	if (ns < SPAMFILTER_MIN_TRAINING || nh < SPAMFILTER_MIN_TRAINING)
		return -1;
	struct arena *a = arena_new();
	char *tokens[MAX_TOKENS];
	int n = tokenize(a, text, tokens, MAX_TOKENS);
	double probs[MAX_TOKENS];
	int k = 0;
	/* The tokens are distinct: each row is one token's counts. */
	for (int i = 0; i < n; i += TOKEN_BATCH) {
		struct db_stmt *st = db_prepare(db, sql_tokens);
		for (int j = 0; j < TOKEN_BATCH; j++)
			db_bind_text(st, j + 1, i + j < n ? tokens[i + j] : "");
		while (k < MAX_TOKENS && db_step(st) == DB_ROW) {
			double s = (double)db_col_int(st, 0) / (double)ns;
			double h = (double)db_col_int(st, 1) / (double)nh;
			double seen = (double)(db_col_int(st, 0) + db_col_int(st, 1));
			double p = s + h > 0 ? s / (s + h) : 0.5;
			/* Robinson: pull rarely seen words towards 0.5. */
			p = (0.5 * 1.0 + seen * p) / (1.0 + seen);
			if (p < 0.01) p = 0.01;
			if (p > 0.99) p = 0.99;
			probs[k++] = p;
		}
		db_done(st);
	}
	arena_free(a);
	if (k == 0)
		return 0.5;
	qsort(probs, (size_t)k, sizeof *probs, by_interest);
	if (k > INTERESTING)
		k = INTERESTING;
	/* Combine in logs: P = prod(p) / (prod(p) + prod(1-p)). */
	double ls = 0, lh = 0;
	for (int i = 0; i < k; i++) {
		ls += log(probs[i]);
		lh += log(1.0 - probs[i]);
	}
	return 1.0 / (1.0 + exp(lh - ls));
}

int spamfilter_train(struct db *db, const char *text, int is_spam)
{
	struct arena *a = arena_new();
	char *tokens[MAX_TOKENS];
	int n = tokenize(a, text, tokens, MAX_TOKENS);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct db_stmt *st = db_prepare(db, sql_learn_token);
		db_bind_text(st, 1, tokens[i]);
		db_bind_int(st, 2, is_spam ? 1 : 0);
		db_bind_int(st, 3, is_spam ? 0 : 1);
		rc = db_step(st) == DB_OK ? 0 : -1;
		db_done(st);
	}
	if (rc == 0) {
		struct db_stmt *st = db_prepare(db, sql_learn_total);
		db_bind_int(st, 1, is_spam ? 1 : 0);
		db_bind_int(st, 2, is_spam ? 0 : 1);
		rc = db_step(st) == DB_OK ? 0 : -1;
		db_done(st);
	}
	arena_free(a);
	return rc;
}
