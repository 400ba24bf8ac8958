/*
** import.c: front matter parsing and the article it becomes.
*/
#include "model/import.h"
#include "model/article.h"
#include "model/author.h"
#include "model/taxonomy.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/utf8.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_TAGS 32

/* The value with surrounding quotes removed.  Allocated in a. */
static char *unquote(struct arena *a, char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\'')))
		return arena_strndup(a, v + 1, n - 2);
	return v;
}

long long import_markdown(struct db *db, struct arena *a, const char *text, size_t len,
                          int *line, char *err, size_t errlen)
{
	*line = 0;
	if (!utf8_valid(text, len) || memchr(text, 0, len)) {
		snprintf(err, errlen, "the file is not valid UTF-8 text");
		return -1;
	}
	const char *title = NULL, *author = NULL, *bio = NULL, *date = NULL, *slug = NULL,
	           *section = NULL, *tags = NULL, *dek = NULL;
	int date_line = 0, slug_line = 0;
	const char *p = text, *end = text + len;
	int ln = 1;
	/* Opening fence. */
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol || strncmp(p, "---", 3) != 0 || text_trim(a, p, (size_t)(eol - p))[3] != 0) {
		*line = 1;
		snprintf(err, errlen, "the file must start with a '---' line (front matter)");
		return -1;
	}
	p = eol + 1;
	ln++;
	int closed = 0;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop = eol ? eol : end;
		char *row = text_trim(a, p, (size_t)(stop - p));
		p = eol ? eol + 1 : end;
		if (!strcmp(row, "---")) {
			closed = 1;
			ln++;
			break;
		}
		if (*row && *row != '#') {
			char *colon = strchr(row, ':');
			if (!colon) {
				*line = ln;
				snprintf(err, errlen, "expected 'key: value', found '%.60s'", row);
				return -1;
			}
			*colon = 0;
			char *key = text_trim(a, row, strlen(row));
			char *val = unquote(a, text_trim(a, colon + 1, strlen(colon + 1)));
			if (!strcmp(key, "title")) title = val;
			else if (!strcmp(key, "author")) author = val;
			else if (!strcmp(key, "author_bio")) bio = val;
			else if (!strcmp(key, "date")) date = val, date_line = ln;
			else if (!strcmp(key, "slug")) slug = val, slug_line = ln;
			else if (!strcmp(key, "section")) section = val;
			else if (!strcmp(key, "tags")) tags = val;
			else if (!strcmp(key, "dek")) dek = val;
			else {
				*line = ln;
				snprintf(err, errlen, "unknown key '%.40s' (known: title, author, "
				         "author_bio, date, slug, section, tags, dek)", key);
				return -1;
			}
		}
		ln++;
	}
	if (!closed) {
		*line = ln;
		snprintf(err, errlen, "the front matter has no closing '---' line");
		return -1;
	}
	if (!title || !*title || !author || !*author || !date) {
		*line = 1;
		snprintf(err, errlen, "the front matter needs %s", !title || !*title ? "a title"
		         : !author || !*author ? "an author" : "a date");
		return -1;
	}
	time_t when;
	if (text_parse_date(date, &when) != 0) {
		*line = date_line;
		snprintf(err, errlen, "cannot read the date '%.40s' (write 2024-06-12 or "
		         "2024-06-12 09:30)", date);
		return -1;
	}
	if (slug && *slug && !text_is_slug(slug)) {
		*line = slug_line;
		snprintf(err, errlen, "the slug '%.60s' may hold only a-z, 0-9 and single dashes",
		         slug);
		return -1;
	}
	const char *tag_names[MAX_TAGS];
	size_t n_tags = 0;
	if (tags) {
		char *t = arena_strdup(a, tags);
		size_t tl = strlen(t);
		if (tl >= 2 && t[0] == '[' && t[tl - 1] == ']') {
			t[tl - 1] = 0;
			t++;
		}
		char *save = NULL;
		for (char *tok = strtok_r(t, ",", &save); tok && n_tags < MAX_TAGS;
		     tok = strtok_r(NULL, ",", &save)) {
			char *name = unquote(a, text_trim(a, tok, strlen(tok)));
			if (*name)
				tag_names[n_tags++] = name;
		}
	}
	/* The author and section are made in the article's transaction: an
	** import that fails (a slug taken) leaves neither behind. */
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "database busy: %s", db_errmsg(db));
		return -1;
	}
	long long author_id = author_ensure(db, a, author, bio, NULL);
	if (author_id < 0) {
		snprintf(err, errlen, "cannot save the author '%s'", author);
		goto fail;
	}
	long long section_id = 0;
	if (section && *section) {
		section_id = section_ensure(db, a, section);
		if (section_id < 0) {
			snprintf(err, errlen, "cannot save the section '%s'", section);
			goto fail;
		}
	}
	struct article_input in = {
	    .headline = title,
	    .slug = slug,
	    .dek = dek,
	    .body_src = p < end ? arena_strndup(a, p, (size_t)(end - p)) : "",
	    .status = ARTICLE_PUBLISHED,
	    .published_at = (long long)when,
	    .author_id = author_id,
	    .section_id = section_id,
	    .tags = tag_names,
	    .n_tags = n_tags,
	};
	long long id = article_create_in(db, a, &in, err, errlen);
	if (id < 0)
		goto fail;
	if (db_commit(db) != DB_OK) {
		snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
		goto fail;
	}
	return id;
fail:
	db_rollback(db);
	return -1;
}
