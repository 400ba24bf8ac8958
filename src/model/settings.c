/*
** settings.c: defaults, validation and loading of site settings.
*/
#include "model/settings.h"
#include "core/arena.h"
#include "db/db.h"
#include "core/mem.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum setting_kind { S_TEXT, S_INT, S_CHOICE };

struct setting_def {
	const char *key;      /* stored key */
	enum setting_kind kind; /* how the value is checked */
	const char *def;      /* default value */
	int lo, hi;           /* S_INT: allowed range */
	const char *choices;  /* S_CHOICE: values separated by '|' */
};

static const struct setting_def defs[] = {
	{"site_title", S_TEXT, "Byline", 0, 0, NULL},
	{"tagline", S_TEXT, "News, written with care", 0, 0, NULL},
	{"timezone", S_TEXT, "UTC", 0, 0, NULL},
	{"base_url", S_TEXT, "", 0, 0, NULL},
	{"moderation", S_CHOICE, "first", 0, 0, "all|first|none"},
	{"posts_per_page", S_INT, "10", 1, 100, NULL},
	{"comment_min_seconds", S_INT, "3", 0, 3600, NULL},
	{"comment_max_seconds", S_INT, "86400", 60, 30 * 86400, NULL},
	{"comment_flood_seconds", S_INT, "15", 0, 3600, NULL},
	{"comment_max_links", S_INT, "2", 1, 100, NULL},
	{"held_cookie_seconds", S_INT, "3600", 60, 86400 * 7, NULL},
	{"date_format", S_CHOICE, "F j, Y", 0, 0, "F j, Y|j F Y|Y-m-d|m/d/Y|d/m/Y"},
	{"comments_open", S_INT, "1", 0, 1, NULL},
	{"comments_close_days", S_INT, "0", 0, 36500, NULL},
	{"blocklist", S_TEXT, "", 0, 0, NULL},
	{"session_idle_seconds", S_INT, "7200", 300, 30 * 86400, NULL},
	{"session_max_seconds", S_INT, "43200", 600, 90 * 86400, NULL},
	{"https", S_INT, "0", 0, 1, NULL},
	{"upload_max_bytes", S_INT, "10485760", 1024, 100 * 1024 * 1024, NULL},
	{"import_max_mb", S_INT, "256", 1, 16384, NULL},
	{"smtp_url", S_TEXT, "", 0, 0, NULL},
	{"smtp_from", S_TEXT, "", 0, 0, NULL},
	{"cache_max_mb", S_INT, "10", 0, 4096, NULL},
	{"comments_per_page", S_INT, "50", 0, 1000, NULL},
	{"feed_full_text", S_INT, "1", 0, 1, NULL},
};

static const char sql_insert_default[] =
    "INSERT OR IGNORE INTO settings(key, value) VALUES (?1, ?2)";
static const char sql_set[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char sql_get[] = "SELECT value FROM settings WHERE key = ?1";
static const char sql_all[] = "SELECT key, value FROM settings";

static const struct setting_def *find_def(const char *key)
{
	for (size_t i = 0; i < sizeof defs / sizeof *defs; i++)
		if (!strcmp(defs[i].key, key))
			return &defs[i];
	return NULL;
}

int settings_ensure_defaults(struct db *db)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof defs / sizeof *defs && rc == 0; i++) {
		struct db_stmt *st = db_prepare(db, sql_insert_default);
		db_bind_text(st, 1, defs[i].key);
		db_bind_text(st, 2, defs[i].def);
		rc = db_step(st) == DB_OK ? 0 : -1;
		db_done(st);
	}
	if (rc)
		return rc;
	/* The secret: made once, never shown, never changed by settings_set. */
	unsigned char key[SECRET_LEN];
	char hex[SECRET_LEN * 2 + 1];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	sodium_memzero(key, sizeof key);
	struct db_stmt *st = db_prepare(db, sql_insert_default);
	db_bind_text(st, 1, "secret");
	db_bind_text(st, 2, hex);
	rc = db_step(st) == DB_OK ? 0 : -1;
	db_done(st);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int check_value(const struct setting_def *d, const char *value, char *err,
                       size_t errlen)
{
	int n;
	switch (d->kind) {
	case S_INT:
		if (parse_int(value, d->lo, d->hi, &n) != 0) {
			snprintf(err, errlen, "%s must be a whole number from %d to %d",
			         d->key, d->lo, d->hi);
			return -1;
		}
		return 0;
	case S_CHOICE: {
		size_t len = strlen(value);
		const char *c = d->choices;
		while (*c) {
			size_t w = strcspn(c, "|");
			if (w == len && !strncmp(c, value, len))
				return 0;
			c += w;
			if (*c == '|')
				c++;
		}
		snprintf(err, errlen, "%s must be one of: %s", d->key, d->choices);
		return -1;
	}
	case S_TEXT:
		if (strlen(value) > 1000) {
			snprintf(err, errlen, "%s is too long (1,000 characters at most)", d->key);
			return -1;
		}
		return 0;
	}
	return -1;
}

int settings_set(struct db *db, const char *key, const char *value, char *err,
                 size_t errlen)
{
	const struct setting_def *d = find_def(key);
	if (!d) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	if (check_value(d, value, err, errlen) != 0)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_set);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		snprintf(err, errlen, "cannot save setting: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

char *settings_get(struct db *db, struct arena *a, const char *key)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_text(st, 1, key);
	char *v = NULL;
	if (db_step(st) == DB_ROW)
		v = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	return v;
}

/* Where each known key lands in struct settings. */
struct setting_slot {
	const char *key;  /* as in defs[] */
	int is_text;      /* a char * field (else an int field) */
	size_t offset;    /* offsetof the field */
};

#define TEXT(f) {#f, 1, offsetof(struct settings, f)}
#define NUM(f) {#f, 0, offsetof(struct settings, f)}
static const struct setting_slot slots[] = {
	TEXT(site_title), TEXT(tagline), TEXT(timezone), TEXT(base_url), TEXT(moderation),
	TEXT(date_format), TEXT(blocklist), TEXT(smtp_url), TEXT(smtp_from),
	NUM(posts_per_page), NUM(comment_min_seconds), NUM(comment_max_seconds),
	NUM(comment_flood_seconds), NUM(comment_max_links), NUM(held_cookie_seconds),
	NUM(comments_open), NUM(comments_close_days), NUM(session_idle_seconds),
	NUM(session_max_seconds), NUM(https), NUM(upload_max_bytes), NUM(import_max_mb), NUM(cache_max_mb),
	NUM(comments_per_page), NUM(feed_full_text),
};
#undef TEXT
#undef NUM

static void apply(struct settings *s, const char *key, const char *value)
{
	const struct setting_def *d = find_def(key);
	for (size_t i = 0; d && i < sizeof slots / sizeof *slots; i++) {
		if (strcmp(slots[i].key, key) != 0)
			continue;
		if (slots[i].is_text) {
			char **field = (char **)((char *)s + slots[i].offset);
			free(*field);
			*field = mem_strdup(value);
		} else {
			parse_int(value, d->lo, d->hi, (int *)((char *)s + slots[i].offset));
		}
	}
}

int settings_load(struct db *db, struct settings *s)
{
	memset(s, 0, sizeof *s);
	/* Defaults first, so a missing row still gives a usable value. */
	for (size_t i = 0; i < sizeof defs / sizeof *defs; i++)
		apply(s, defs[i].key, defs[i].def);
	int have_secret = 0;
	struct db_stmt *st = db_prepare(db, sql_all);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_col_text(st, 0), *v = db_col_text(st, 1);
		if (!strcmp(k, "secret")) {
			size_t got = 0;
			if (sodium_hex2bin(s->secret, sizeof s->secret, v, strlen(v), NULL, &got,
			                   NULL) == 0 && got == SECRET_LEN)
				have_secret = 1;
			continue;
		}
		apply(s, k, v);
	}
	db_done(st);
	if (rc != DB_OK || !have_secret) {
		settings_free(s);
		return -1;
	}
	return 0;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < sizeof slots / sizeof *slots; i++)
		if (slots[i].is_text)
			free(*(char **)((char *)s + slots[i].offset));
	sodium_memzero(s->secret, sizeof s->secret);
	memset(s, 0, sizeof *s);
}
