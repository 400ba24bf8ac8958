/*
** settings.h: the site's settings, stored as key/value rows.
**
** Every setting has one home: the table settings_defs[] in settings.c.  A
** row of it names the key, its default, the kind of value it holds and
** that kind's rule (a range, a list of choices, a time zone this machine
** knows, a web origin...), where the value lands in struct settings, and
** how the admin form shows it (group, label, help).  Everything else reads
** the table: settings_ensure_defaults() and settings_load() for the
** defaults and the struct, settings_set() for validation, the admin form
** (web/admin_settings.c) for its fields, and `byline settings list` for the
** keys.  Adding a setting is one field in the struct and one row.
**
** The signing secret is not in the table: it is generated once, at the
** first start, from libsodium's CSPRNG, and never set through the API.
*/
#ifndef BYLINE_MODEL_SETTINGS_H
#define BYLINE_MODEL_SETTINGS_H

#include <stddef.h>

struct db;
struct arena;

#define SECRET_LEN 32
#define SETTING_TEXT_MAX 1000 /* characters in a text setting */

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
	int image_max_megapixels; /* width * height limit of an upload, decided from its header */
	int import_max_mb;        /* largest WordPress export uploaded in the desk */
	char *smtp_url;           /* "smtp://host:port"; "" sends no mail */
	char *smtp_from;          /* From: address of notifications */
	int cache_max_mb;         /* page cache memory bound; 0 turns the cache off */
	int cache_disk_mb;        /* the page cache's tier on disk; 0 turns it off */
	int outbound_allow_private; /* 1: webhooks may connect to loopback/private addresses */
	int webhook_retry_seconds; /* first retry delay; doubles each failure */
	char *cdn_purge_url;      /* "" or where purges of surrogate keys are posted (web/cdn.h) */
	int cdn_s_maxage;         /* s-maxage of anonymous pages: a CDN keeps them this long */
	int cdn_stale_seconds;    /* stale-while-revalidate of anonymous pages */
	char *page_scripts;       /* https script URLs, one a line: public pages load them */
	char *embed_providers;    /* "HOST-PATTERN ENDPOINT [FRAME-HOST...]" a line (web/embed.c) */
	int comments_per_page;    /* top-level comments a page; 0 shows all */
	int feed_full_text;       /* 1: feeds carry whole articles; 0: excerpts */
	char *language;           /* "en-US", "en-GB", "de", "es", "ar": the site's language and the copy desk's dictionary */
	char *staging_hosts;      /* hosts the copy desk flags in links, one a line */
	char *site_logo;          /* "" or a media name "HASH.EXT" shown in the masthead */
	char *site_icon;          /* "" or the media name the icons were made from */
	char *social_image;       /* "" or the media name of the fallback og:image */
	char *accent_color;       /* "#rrggbb": links, rules, buttons */
	char *footer_text;        /* a line in the footer ("" none) */
	unsigned char secret[SECRET_LEN]; /* HMAC key for tokens and cookies */
};

/* What a setting holds, and so how it is checked and shown.  The text-like
** kinds land in a char * field of struct settings, SETTING_INT and
** SETTING_BOOL in an int field. */
enum setting_kind {
	SETTING_TEXT,     /* one line of text, SETTING_TEXT_MAX characters (text_check) */
	SETTING_LINES,    /* the same, several lines (a textarea) */
	SETTING_INT,      /* a whole number from lo to hi */
	SETTING_BOOL,     /* "1" (yes) or "0" (no); a checkbox */
	SETTING_CHOICE,   /* one of the '|'-separated choices; a select */
	SETTING_TIMEZONE, /* a zone this machine knows (text_set_timezone_check) */
	SETTING_ORIGIN,   /* "" or http(s)://host[:port], no path; a trailing '/' is dropped */
	SETTING_SMTP_URL, /* "" or smtp(s)://host[:port] */
	SETTING_MAILBOX,  /* "" or "addr" or "Name <addr>", addr as email_valid() */
	SETTING_COLOR,    /* "#rrggbb", six hex digits */
	SETTING_IMAGE,    /* "" or a media name: 64 lowercase hex digits, '.', jpg|png|webp */
	SETTING_SCRIPTS,  /* lines, each https://host[:port]/path of a script; a textarea */
	SETTING_HTTP_URL, /* "" or http(s)://host[:port][/path]: an address Byline posts to */
};

/* One row of the table. */
struct setting_def {
	const char *key;        /* stored key, form field and CLI name */
	enum setting_kind kind; /* how the value is checked */
	const char *def;        /* default value, as stored */
	int lo, hi;             /* SETTING_INT: the allowed range */
	const char *choices;    /* SETTING_CHOICE: values separated by '|' */
	size_t offset;          /* offsetof the field in struct settings */
	const char *group;      /* the admin form's heading it sits under */
	const char *label;      /* the admin form's label */
	const char *help;       /* shown under the field ("" for none) */
	int at_start;           /* 1: read once when the server starts (a restart applies it) */
};

/* Every setting, in the admin form's order (rows of a group together);
** settings_n_defs rows, SETTINGS_N (a constant, for limits computed at
** compile time; settings.c checks it against the table). */
#define SETTINGS_N 41
extern const struct setting_def settings_defs[];
extern const size_t settings_n_defs;

/* The row of key (case matters), or NULL. */
const struct setting_def *settings_def(const char *key);

/* Checks value against d's rule.  0, or -1 with a sentence for a person in
** err (one that does not name the key: the form shows it beside the field,
** settings_set() puts the key in front).  The same check settings_set()
** makes, so a form can report every bad field before saving any. */
int settings_check(const struct setting_def *d, const char *value, char *err,
                   size_t errlen);


/* Inserts every missing default (and the secret).  0 or -1. */
int settings_ensure_defaults(struct db *db);

/* Reads all settings into s (strings malloc'd; every text field is set,
** never NULL).  0 or -1. */
int settings_load(struct db *db, struct settings *s);
void settings_free(struct settings *s);

/* Sets one known key after settings_check().  Returns 0, or -1 with a
** reason in err ("key: sentence") for an unknown key or a value the rule
** refuses, in which case nothing is stored. */
int settings_set(struct db *db, const char *key, const char *value, char *err,
                 size_t errlen);

/* Deletes the stored row of key, a setting the table no longer has (one
** that moved elsewhere, as footer_links moved to the footer menu:
** menu_adopt_footer_links()).  0, or -1 (for a key of the table too). */
int settings_forget(struct db *db, const char *key);

/* The stored value of key, or NULL.  Allocated in a. */
char *settings_get(struct db *db, struct arena *a, const char *key);

#endif
