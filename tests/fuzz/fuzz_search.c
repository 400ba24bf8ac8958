/*
** fuzz_search.c: turning a reader's search text into an FTS5 query
** (search_terms and search_terms_any, src/model/search.c).
**
** Input: the text typed into the search box, any bytes.
**
** search.h promises that the text never reaches FTS5 as syntax, so the
** query is checked the strictest way there is: SQLite itself (an in-memory
** FTS5 table with the schema's tokenizer) must accept it, for both
** functions.  And its shape: valid UTF-8, at most SEARCH_MAX_TERMS terms,
** each a double-quoted run without a quote inside, joined by " " (search_terms,
** whole words only: no '*') or " OR " (search_terms_any); NULL only when the
** text has no word.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "model/search.h"

#include <sqlite3.h>
#include <string.h>

static sqlite3_stmt *query_stmt(void)
{
	static sqlite3 *db;
	static sqlite3_stmt *st;
	if (st)
		return st;
	FUZZ_ASSERT(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite3_open");
	char *err = NULL;
	int rc = sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE articles_fts USING fts5(headline, dek, body,"
	    "  tokenize = 'unicode61 remove_diacritics 2');"
	    "INSERT INTO articles_fts VALUES ('Budget vote delayed', 'Council',"
	    "  'The city council delayed its vote on the budget. Café owners objected.');"
	    "INSERT INTO articles_fts VALUES ('Élection', 'Région', 'Über straße 東京 ニュース');",
	    NULL, NULL, &err);
	FUZZ_ASSERT(rc == SQLITE_OK, "schema: %s", err ? err : "?");
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
	                        -1, &st, NULL);
	FUZZ_ASSERT(rc == SQLITE_OK, "prepare: %s", sqlite3_errmsg(db));
	return st;
}

/* Checks q's shape; sep is " " or " OR ". */
static void check_shape(const char *q, const char *sep, int star_ok)
{
	size_t n = strlen(q), terms = 0, seplen = strlen(sep);
	FUZZ_ASSERT(utf8_valid(q, n), "query not UTF-8");
	const char *p = q;
	for (;;) {
		FUZZ_ASSERT(*p == '"', "term %zu does not start with a quote: %s", terms, q);
		const char *close = strchr(p + 1, '"');
		FUZZ_ASSERT(close && close > p + 1, "term %zu unclosed or empty: %s", terms, q);
		terms++;
		p = close + 1;
		if (*p == 0)
			break;
		if (star_ok && p[0] == '*' && p[1] == 0)
			break;
		FUZZ_ASSERT(!strncmp(p, sep, seplen), "junk after term %zu: %s", terms, q);
		p += seplen;
	}
	FUZZ_ASSERT(terms <= SEARCH_MAX_TERMS, "%zu terms", terms);
}

static void check_fts(const char *q)
{
	sqlite3_stmt *st = query_stmt();
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	FUZZ_ASSERT(rc == SQLITE_ROW, "FTS5 refused %s: %s", q,
	            sqlite3_errmsg(sqlite3_db_handle(st)));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1 if text[0..n) surely holds a word: a run of 1 to 100 ASCII letters and
** digits with ASCII (or an end) on both sides, within SEARCH_MAX_INPUT. */
static int has_word(const uint8_t *s, size_t n)
{
	if (n > SEARCH_MAX_INPUT)
		n = SEARCH_MAX_INPUT;
	for (size_t i = 0; i < n; i++) {
		if (!alnum(s[i]) || (i > 0 && (alnum(s[i - 1]) || s[i - 1] >= 0x80)))
			continue;
		size_t j = i;
		while (j < n && alnum(s[j]))
			j++;
		if ((j == n || s[j] < 0x80) && j - i <= 100)
			return 1;
	}
	return 0;
}

FUZZ_TARGET(search)
{
	const char *text = (const char *)data;
	struct arena *a = arena_new();
	char *q = search_terms(a, text, size);
	if (q) {
		check_shape(q, " ", 0);
		check_fts(q);
	} else {
		FUZZ_ASSERT(!has_word(data, size), "no query for text with a word");
	}
	char *any = search_terms_any(a, text, size);
	if (any) {
		check_shape(any, " OR ", 0);
		check_fts(any);
	}
	arena_free(a);
	return 0;
}
