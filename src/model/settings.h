/*
** settings.h: the site's settings, stored as key/value rows.
**
** Known keys have defaults (settings.c's table is the list); settings_load()
** reads them all into a struct the server keeps for its life.  The signing
** secret is generated once, at the first start, from libsodium's CSPRNG.
*/
#ifndef BYLINE_MODEL_SETTINGS_H
#define BYLINE_MODEL_SETTINGS_H

#include <stddef.h>

struct db;
struct arena;

#define SECRET_LEN 32

struct settings {
	char *site_title;         /* "Byline Daily" */
	char *tagline;            /* under the title */
	char *timezone;           /* IANA name, e.g. "Europe/London" */
	char *base_url;           /* "" = the address `serve` listens on (never a Host) */
	char *moderation;         /* "all", "first" (hold first-time) or "none" */
	int posts_per_page;       /* home, author and archive pages */
	int comment_min_seconds;  /* form token: earliest post after serving */
	int comment_max_seconds;  /* form token: latest post after serving */
	int comment_flood_seconds; /* one stored comment per IP in this window */
	int comment_max_links;    /* this many links or more holds a comment */
	int held_cookie_seconds;  /* how long a writer sees their held comment */
	char *date_format;        /* WordPress-style: "F j, Y", "Y-m-d", ... */
	int comments_open;        /* 1: readers may comment site-wide */
	int comments_close_days;  /* close an article's comments after N days; 0 never */
	char *blocklist;          /* words (one a line) that send a comment to spam */
	int session_idle_seconds; /* a session unused this long ends */
	int session_max_seconds;  /* a session this old ends, used or not */
	int https;                /* 1: the site is served over https (Secure cookies) */
	int upload_max_bytes;     /* largest upload accepted */
	int import_max_mb;        /* largest WordPress export uploaded in the desk */
	char *smtp_url;           /* "smtp://host:port"; "" sends no mail */
	char *smtp_from;          /* From: address of notifications */
	int cache_max_mb;         /* page cache memory bound; 0 turns the cache off */
	int comments_per_page;    /* top-level comments a page; 0 shows all */
	int feed_full_text;       /* 1: feeds carry whole articles; 0: excerpts */
	unsigned char secret[SECRET_LEN]; /* HMAC key for tokens and cookies */
};

/* Inserts every missing default (and the secret).  0 or -1. */
int settings_ensure_defaults(struct db *db);

/* Reads all settings into s (strings malloc'd; every text field is set,
** never NULL).  0 or -1. */
int settings_load(struct db *db, struct settings *s);
void settings_free(struct settings *s);

/* Sets one known key.  Returns 0, or -1 with a reason in err for an unknown
** key or a value of the wrong form. */
int settings_set(struct db *db, const char *key, const char *value, char *err,
                 size_t errlen);

/* The stored value of key, or NULL.  Allocated in a. */
char *settings_get(struct db *db, struct arena *a, const char *key);

#endif
