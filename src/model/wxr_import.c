/*
** wxr_import.c: a WordPress export into Byline (see wxr_import.h).
**
** Each pass is one wxr_read_file() with a handler that imports one kind of
** thing.  Whether a thing is new, changed or the same as last time is
** decided by wp_import_map: its row holds the digest (FNV-1a) of the
** WordPress fields it was made from, so an unchanged item is skipped
** without a write, and a re-run leaves every row (and updated_at) as it
** was.  The report's lines go to a temporary file while the import runs
** (memory stays flat however many there are) and are copied out at the end.
*/
#include "model/wxr_import.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/article.h"
#include "model/author.h"
#include "model/changes.h"
#include "model/comment.h"
#include "model/media.h"
#include "model/page.h"
#include "model/redirect.h"
#include "model/settings.h"
#include "model/taxonomy.h"
#include "render/wpcontent.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MEDIA_MAX_BYTES (64u * 1024 * 1024) /* one upload file */

enum what { W_NEW, W_CHANGED, W_SAME };
enum pass { P_VALIDATE, P_TERMS, P_POSTS, P_PAGES };

#define ZS_MAX 96          /* dates sampled to find the export's time zone */
#define ZS_PER_OFFSET 12   /* of them, at most this many of one UTC offset */

/* Counts for the report: per kind, new / updated / unchanged / skipped. */
enum kind { K_AUTHOR, K_CATEGORY, K_TAG, K_ATTACHMENT, K_POST, K_PAGE, K_COMMENT, K_N };
static const char *const kind_names[K_N] = {"authors", "categories", "tags", "attachments",
                                            "posts", "pages", "comments"};

struct imp {
	struct db *db;
	const struct wxr_import_opts *o;
	enum pass pass;
	FILE *lines;               /* the report's item lines, until the end */
	long long n[K_N][4];       /* new, updated, unchanged, skipped */
	long long status_n[8];     /* posts by WordPress status, see status_names */
	long long comment_status_n[4]; /* approved, pending, spam, trash */
	long long pingbacks;       /* pingbacks and trackbacks among comments */
	long long total_items;     /* items in the file (validate) */
	long long done_items;      /* items handled in passes 3 and 4 */
	long long pages_deferred;  /* pages whose parent is not imported yet */
	long long pages_progress;  /* pages imported in this page pass */
	int page_level;            /* which page pass (0: the first) */
	double started, last_shown;
	struct arena *cha;         /* the channel's strings */
	const char *old_bases[3];  /* the old site's addresses */
	size_t n_old_bases;
	const char *title, *version;
	const char *site;          /* the export's site, as wp_import_map keys it */
	const char *zone;          /* wp:timezone_string, "" for none */
	struct zsample {           /* validate: dates of posts, local and GMT */
		long long gmt;         /* UTC seconds */
		int y, mo, d, h, mi;   /* as the old site showed it */
		long long off;         /* local minus UTC, seconds */
	} zs[ZS_MAX];
	int n_zs;
	int zone_later;            /* the site was given the export's zone, which the
	                              process's TZ takes only after the import */
	int failed;                /* a database write failed */
	char err[300];
	const char *uploads_note;  /* said once: files kept at their old URLs */
	struct arena *item_a;      /* the current item's allocations */
	struct knowns {            /* wp_import_map rows known without asking */
		struct known *slot;    /* open addressing; kind NULL: empty */
		size_t cap, n;         /* cap a power of two (0: none), n at most cap / 2 */
	} item_known,              /* the item's comments and their parents */
	    few_known;             /* authors and categories, for the whole import */
	int in_tx;                 /* a batch's transaction is open */
	int batch_n;               /* items in it */
	int items_seen;            /* validate: an item was read */
	int terms_late;            /* validate: an author or term came after an item */
	long long n_attachments;   /* validate: attachments in the file */
	int attachments_late;      /* validate: an attachment came after a post */
	int posts_seen;            /* validate: a post was read */
	long long n_pages;         /* validate: pages in the file */
	int posts_too;             /* the terms pass imports the posts as well */
	int tuned;                 /* the writer's cache was made bigger */
	double batch_at;           /* when it began */
	long long att_done;        /* attachments handled in the terms pass */
	double att_started;        /* when the first was */
	long long fetched;         /* files fetched from the old site and stored */
	long long fetch_failed;    /* attachments whose fetch (or storing) failed */
	long long would_fetch;     /* dry run: attachments that would be fetched */
};

static const char *const status_names[8] = {"publish", "draft", "pending", "future",
                                            "private", "password", "other", ""};

/* ---- small helpers ---- */

static double now_s(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void line(struct imp *m, int at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(struct imp *m, int at, const char *fmt, ...)
{
	if (!m->lines)
		return;
	if (at)
		fprintf(m->lines, "  line %d: ", at);
	else
		fputs("  ", m->lines);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->lines, fmt, ap);
	va_end(ap);
	fputc('\n', m->lines);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	if (!h)
		h = 1469598103934665603ull;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull; /* field separator */
}

static uint64_t fnv_int(uint64_t h, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	return fnv(h, b);
}

/* "%e6%97%a5" and "+" decoded; the rest as it is.  Allocated in a. */
static char *pct_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = {s[i + 1], s[i + 2], 0};
			*o++ = (char)strtol(h, NULL, 16);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

/* A term's name as shown: WordPress stores category and tag names with
** &, <, > and quotes as entities ("Arts &amp; Culture").  Allocated in a. */
static char *term_name(struct arena *a, const char *s)
{
	static const struct { const char *ent; char c; } ents[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#039;", '\''},
		{"&#39;", '\''}};
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;
	while (*s) {
		size_t k = 0;
		for (; k < sizeof ents / sizeof *ents; k++)
			if (!strncmp(s, ents[k].ent, strlen(ents[k].ent)))
				break;
		if (k < sizeof ents / sizeof *ents) {
			*o++ = ents[k].c;
			s += strlen(ents[k].ent);
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
	return out;
}

/* "YYYY-MM-DD HH:MM:SS" as UTC seconds; 0 for "0000-00-00 ..." or junk. */
static long long gmt_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s || sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                 &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3 || tm.tm_year < 1970)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* The same, read in the site's time zone (the process's TZ). */
static long long local_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s || sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                 &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3 || tm.tm_year < 1970)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

/* The path (and query) of url on the old site ("/2024/01/02/x/", "/?p=3"),
** or NULL if it is not there.  Allocated in a. */
static const char *old_path(struct imp *m, struct arena *a, const char *url)
{
	if (!url || !*url)
		return NULL;
	const char *u = url;
	if (!strncasecmp(u, "https:", 6))
		u += 6;
	else if (!strncasecmp(u, "http:", 5))
		u += 5;
	for (size_t i = 0; i < m->n_old_bases; i++) {
		const char *b = m->old_bases[i];
		if (!strncasecmp(b, "https:", 6))
			b += 6;
		else if (!strncasecmp(b, "http:", 5))
			b += 5;
		size_t bl = strlen(b);
		while (bl && b[bl - 1] == '/')
			bl--;
		if (bl && !strncasecmp(u, b, bl) && (u[bl] == '/' || u[bl] == '?' || !u[bl]))
			return u[bl] == '/' ? arena_strdup(a, u + bl) : arena_printf(a, "/%s", u + bl);
	}
	return NULL;
}

/* ---- wp_import_map ---- */

static const char sql_map_get[] =
    "SELECT byline_id, hash, url, alt FROM wp_import_map"
    " WHERE site = ?3 AND kind = ?1 AND wp_key = ?2";
static const char sql_map_put[] =
    "INSERT INTO wp_import_map(kind, wp_key, byline_id, guid, hash, url, alt, site)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(site, kind, wp_key) DO UPDATE SET byline_id = excluded.byline_id,"
    " guid = excluded.guid, hash = excluded.hash, url = excluded.url, alt = excluded.alt";

struct mapped {
	long long id;     /* byline_id, 0 if not mapped */
	long long hash;   /* its digest */
	const char *url;  /* attachments: the address here */
	const char *alt;  /* attachments: alt text */
};

/* ---- wp_import_map rows kept in memory ----
**
** On PostgreSQL every statement is a round trip to the server, and an
** import asked for a map row before each thing it wrote (a comment: its
** own, its parent's).  So the rows of an item's comments and of their
** parents are read before it, 32 keys a query, and the few
** authors and categories once for the whole import; map_put() keeps both
** up to date, the import being the one writer of its site's rows.  A key
** not read before is asked for as it was. */
struct known {
	const char *kind;  /* a string literal; NULL: an empty slot */
	const char *key;
	int found;         /* the row exists */
	struct mapped mp;
	enum role role;    /* an author's role, ROLE_NONE until read */
};

#define FEW_KNOWN 2048 /* slots for authors and categories (half used at most) */
#define MAP_KEYS 32    /* keys a query of sql_map_some */

/* The slot of (kind, key) in t, or, if add and there is room, a new one
** (not found) with the key copied into a; else NULL. */
static struct known *known_slot(struct knowns *t, struct arena *a, const char *kind,
                                const char *key, int add)
{
	if (!t->cap)
		return NULL;
	size_t i = (size_t)(fnv(fnv(0, kind), key) & (t->cap - 1));
	for (; t->slot[i].kind; i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->slot[i].kind, kind) && !strcmp(t->slot[i].key, key))
			return &t->slot[i];
	if (!add || t->n + 1 > t->cap / 2)
		return NULL;
	t->n++;
	struct known *k = &t->slot[i];
	k->kind = kind;
	k->key = arena_strdup(a, key);
	k->mp.url = k->mp.alt = "";
	k->role = ROLE_NONE;
	return k;
}

static int few_kind(const char *kind)
{
	return !strcmp(kind, "author") || !strcmp(kind, "author_id") || !strcmp(kind, "category");
}

/* The table that keeps kind's rows and the arena for their strings. */
static struct knowns *known_table(struct imp *m, const char *kind, struct arena **a)
{
	if (few_kind(kind)) {
		if (!m->few_known.cap) {
			m->few_known.cap = FEW_KNOWN;
			m->few_known.slot = arena_alloc(m->cha, FEW_KNOWN * sizeof(struct known));
			memset(m->few_known.slot, 0, FEW_KNOWN * sizeof(struct known));
		}
		*a = m->cha;
		return &m->few_known;
	}
	*a = m->item_a;
	return &m->item_known;
}

static const char *id_key(struct arena *a, long long id)
{
	return arena_printf(a, "%lld", id);
}

static int map_get(struct imp *m, struct arena *a, const char *kind, const char *key,
                   struct mapped *out)
{
	memset(out, 0, sizeof *out);
	out->url = out->alt = "";
	struct arena *ka;
	struct knowns *t = known_table(m, kind, &ka);
	struct known *k = known_slot(t, ka, kind, key, 0);
	if (k) {
		*out = k->mp;
		return k->found;
	}
	struct db_stmt *st = db_prepare(m->db, sql_map_get);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, m->site);
	int step = db_step(st);
	int found = step == DB_ROW;
	if (found) {
		out->id = db_col_int(st, 0);
		out->hash = db_col_int(st, 1);
		out->url = arena_strdup(a, db_col_text(st, 2));
		out->alt = arena_strdup(a, db_col_text(st, 3));
	}
	db_done(st);
	if ((step == DB_ROW || step == DB_OK) && t == &m->few_known && (k = known_slot(t, ka, kind, key, 1))) {
		k->found = found;
		k->mp = *out;
		k->mp.url = arena_strdup(ka, out->url);
		k->mp.alt = arena_strdup(ka, out->alt);
	}
	return found;
}

/* One key's row: a query of unique lookups joined, which every planner
** answers from the primary key (an IN list of 32 keys was a scan of the
** whole table on PostgreSQL while its statistics still said it was
** small, as they do during an import into a new site). */
#define ONE_KEY(n)                                                                   \
	"SELECT wp_key, byline_id, hash, url, alt FROM wp_import_map"                    \
	" WHERE site = ?1 AND kind = 'comment' AND wp_key = ?" n
static const char sql_map_some[] =
	ONE_KEY("2")
	" UNION ALL " ONE_KEY("3")
	" UNION ALL " ONE_KEY("4")
	" UNION ALL " ONE_KEY("5")
	" UNION ALL " ONE_KEY("6")
	" UNION ALL " ONE_KEY("7")
	" UNION ALL " ONE_KEY("8")
	" UNION ALL " ONE_KEY("9")
	" UNION ALL " ONE_KEY("10")
	" UNION ALL " ONE_KEY("11")
	" UNION ALL " ONE_KEY("12")
	" UNION ALL " ONE_KEY("13")
	" UNION ALL " ONE_KEY("14")
	" UNION ALL " ONE_KEY("15")
	" UNION ALL " ONE_KEY("16")
	" UNION ALL " ONE_KEY("17")
	" UNION ALL " ONE_KEY("18")
	" UNION ALL " ONE_KEY("19")
	" UNION ALL " ONE_KEY("20")
	" UNION ALL " ONE_KEY("21")
	" UNION ALL " ONE_KEY("22")
	" UNION ALL " ONE_KEY("23")
	" UNION ALL " ONE_KEY("24")
	" UNION ALL " ONE_KEY("25")
	" UNION ALL " ONE_KEY("26")
	" UNION ALL " ONE_KEY("27")
	" UNION ALL " ONE_KEY("28")
	" UNION ALL " ONE_KEY("29")
	" UNION ALL " ONE_KEY("30")
	" UNION ALL " ONE_KEY("31")
	" UNION ALL " ONE_KEY("32")
	" UNION ALL " ONE_KEY("33");

/* Reads the map rows of item's comments and their parents (see above)
** into m->item_known, in m->item_a, found or not.  On an error the table
** is dropped and each is asked for alone. */
static void item_prefetch(struct imp *m, const struct wxr_item *it)
{
	if (!it->n_comments)
		return;
	struct arena *a = m->item_a;
	size_t max_keys = 2 * it->n_comments;
	const char **keys = arena_alloc(a, max_keys * sizeof *keys);
	size_t n = 0;
	struct knowns *t = &m->item_known;
	t->cap = 16;
	while (t->cap < 4 * max_keys)
		t->cap *= 2;
	t->n = 0;
	t->slot = arena_alloc(a, t->cap * sizeof *t->slot);
	memset(t->slot, 0, t->cap * sizeof *t->slot);
	for (size_t i = 0; i < max_keys; i++) {
		long long id = i % 2 ? it->comments[i / 2].parent : it->comments[i / 2].id;
		if (id <= 0)
			continue;
		const char *key = id_key(a, id);
		if (known_slot(t, a, "comment", key, 0))
			continue;
		known_slot(t, a, "comment", key, 1);
		keys[n++] = key;
	}
	for (size_t at = 0; at < n; at += MAP_KEYS) {
		struct db_stmt *st = db_prepare(m->db, sql_map_some);
		db_bind_text(st, 1, m->site);
		for (size_t k = 0; k < MAP_KEYS; k++)
			db_bind_text(st, 2 + (int)k, keys[at + k < n ? at + k : at]);
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			struct known *row = known_slot(t, a, "comment", db_col_text(st, 0), 0);
			if (!row)
				continue;
			row->found = 1;
			row->mp.id = db_col_int(st, 1);
			row->mp.hash = db_col_int(st, 2);
			row->mp.url = arena_strdup(a, db_col_text(st, 3));
			row->mp.alt = arena_strdup(a, db_col_text(st, 4));
		}
		db_done(st);
		if (rc != DB_OK) {
			memset(t, 0, sizeof *t);
			return;
		}
	}
}

static int map_put(struct imp *m, const char *kind, const char *key, long long id,
                   const char *guid, uint64_t hash, const char *url, const char *alt)
{
	if (m->o->dry_run)
		return 0;
	struct db_stmt *st = db_prepare(m->db, sql_map_put);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, key);
	db_bind_int(st, 3, id);
	db_bind_text(st, 4, guid ? guid : "");
	db_bind_int(st, 5, (long long)hash);
	db_bind_text(st, 6, url ? url : "");
	db_bind_text(st, 7, alt ? alt : "");
	db_bind_text(st, 8, m->site);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		m->failed = 1;
		snprintf(m->err, sizeof m->err, "cannot record the import: %s", db_errmsg(m->db));
		return -1;
	}
	struct arena *ka;
	struct knowns *t = known_table(m, kind, &ka);
	struct known *k = known_slot(t, ka, kind, key, 1);
	if (k) {
		k->found = 1;
		k->mp.id = id;
		k->mp.hash = (long long)hash;
		k->mp.url = arena_strdup(ka, url ? url : "");
		k->mp.alt = arena_strdup(ka, alt ? alt : "");
		k->role = ROLE_NONE; /* an author's: read again */
	}
	return 0;
}

/* Eight new comments' map rows in one statement (?1 to ?24: key, id and
** hash of each, ?25 the site), for an engine where each statement is a
** round trip; within one item's comments their keys differ. */
#define PUT_ROWS 8
#define PUT_ROW(a, b, c) "('comment', ?" #a ", ?" #b ", '', ?" #c ", '', '', ?25)"
static const char sql_map_put8[] =
    "INSERT INTO wp_import_map(kind, wp_key, byline_id, guid, hash, url, alt, site) VALUES "
    PUT_ROW(1, 2, 3) ", " PUT_ROW(4, 5, 6) ", " PUT_ROW(7, 8, 9) ", " PUT_ROW(10, 11, 12) ", "
    PUT_ROW(13, 14, 15) ", " PUT_ROW(16, 17, 18) ", " PUT_ROW(19, 20, 21) ", "
    PUT_ROW(22, 23, 24)
    " ON CONFLICT(site, kind, wp_key) DO UPDATE SET byline_id = excluded.byline_id,"
    " guid = excluded.guid, hash = excluded.hash, url = excluded.url, alt = excluded.alt";

/* New comments' map rows waiting to be written, before the item ends. */
struct puts {
	const char *key[PUT_ROWS];
	long long id[PUT_ROWS];
	uint64_t hash[PUT_ROWS];
	int n;
};

/* Writes what p holds: eight in one statement, fewer one by one. */
static int puts_flush(struct imp *m, struct puts *p)
{
	int rc = 0;
	if (p->n == PUT_ROWS) {
		struct db_stmt *st = db_prepare(m->db, sql_map_put8);
		for (int i = 0; i < PUT_ROWS; i++) {
			db_bind_text(st, 3 * i + 1, p->key[i]);
			db_bind_int(st, 3 * i + 2, p->id[i]);
			db_bind_int(st, 3 * i + 3, (long long)p->hash[i]);
		}
		db_bind_text(st, 25, m->site);
		rc = db_step(st) == DB_OK ? 0 : -1;
		db_done(st);
		if (rc != 0) {
			m->failed = 1;
			snprintf(m->err, sizeof m->err, "cannot record the import: %s",
			         db_errmsg(m->db));
		}
	} else {
		for (int i = 0; i < p->n && rc == 0; i++)
			rc = map_put(m, "comment", p->key[i], p->id[i], NULL, p->hash[i], NULL, NULL);
	}
	p->n = 0;
	return rc;
}

/* Puts a new comment's map row: written with seven others, and known at
** once (its replies ask for it). */
static int puts_add(struct imp *m, struct puts *p, const char *key, long long id,
                    uint64_t hash)
{
	struct known *k = known_slot(&m->item_known, m->item_a, "comment", key, 1);
	if (!k)
		return map_put(m, "comment", key, id, NULL, hash, NULL, NULL); /* not known: now */
	k->found = 1;
	k->mp.id = id;
	k->mp.hash = (long long)hash;
	k->mp.url = k->mp.alt = "";
	p->key[p->n] = key;
	p->id[p->n] = id;
	p->hash[p->n] = hash;
	return ++p->n == PUT_ROWS ? puts_flush(m, p) : 0;
}

static enum what decide(const struct mapped *mp, int found, uint64_t hash)
{
	if (!found)
		return W_NEW;
	return (uint64_t)mp->hash == hash ? W_SAME : W_CHANGED;
}

static void count(struct imp *m, enum kind k, enum what w)
{
	m->n[k][w]++;
}

static void skip(struct imp *m, enum kind k)
{
	m->n[k][3]++;
}

static void add_redirect(struct imp *m, const char *from, const char *to)
{
	if (m->o->dry_run || !from || !to || !strcmp(from, to))
		return;
	if (redirect_add(m->db, from, to) != 0)
		line(m, 0, "redirect %s -> %s: not added (refused)", from, to);
}

/* A post's old addresses, written in one statement (redirect_add_n). */
struct redirects {
	const char *from[REDIRECT_ADD_MAX], *to[REDIRECT_ADD_MAX];
	int n;
};

static void redirects_flush(struct imp *m, struct redirects *r)
{
	int refused[REDIRECT_ADD_MAX];
	int rc = r->n ? redirect_add_n(m->db, r->from, r->to, r->n, refused) : 0;
	for (int i = 0; i < r->n; i++)
		if (rc != 0 || refused[i])
			line(m, 0, "redirect %s -> %s: not added (refused)", r->from[i], r->to[i]);
	r->n = 0;
}

/* add_redirect(), the write kept for redirects_flush(). */
static void queue_redirect(struct imp *m, struct redirects *r, const char *from, const char *to)
{
	if (m->o->dry_run || !from || !to || !strcmp(from, to))
		return;
	if (r->n == REDIRECT_ADD_MAX)
		redirects_flush(m, r);
	r->from[r->n] = from;
	r->to[r->n] = to;
	r->n++;
}

/* ---- batches ----
**
** Items are written in batches of WXR_BATCH (an item counts 1, and 1 more
** for every WXR_COMMENTS_PER_ITEM comments it holds) or a second's worth,
** one transaction each: one commit (one fsync) per batch instead of several
** per item.  A batch is a db_begin_alone() transaction: it runs on the
** writer without the write queue's savepoint, whose in-memory journal of
** every page changed made a batch cost more the bigger it was (batches of
** 500 took three times as long as batches of 50, and three times the
** memory); without it the batch's pages are spilled to the WAL as any
** transaction's are, so memory stays flat whatever the batch, and bigger
** batches mean fewer fsyncs.  The second's cap keeps the other writers of
** the process (none in the CLI) and of a running server waiting no longer
** than that.  An item refused by
** article_save_in() is refused before it writes anything (its checks come
** first), so it is skipped alone; a database error undoes the batch and
** stops the import.  An item's map rows are written in the same
** transaction as the rows they name, so an import stopped at any point
** resumes cleanly by running again.  Writers that open their own
** transaction (media_store, page_save) run between batches. */

#define WXR_BATCH 2000
#define WXR_CACHE 32768 /* the writer's page cache, in KiB */
#define WXR_COMMENTS_PER_ITEM 4

static int tx_end(struct imp *m)
{
	if (!m->in_tx)
		return 0;
	m->in_tx = 0;
	if (m->failed) {
		db_rollback(m->db);
		return -1;
	}
	if (changes_release(m->db) != 0) {
		m->failed = 1;
		snprintf(m->err, sizeof m->err, "cannot write the change log: %s", db_errmsg(m->db));
		db_rollback(m->db);
		return -1;
	}
	if (db_commit(m->db) != DB_OK) {
		m->failed = 1;
		snprintf(m->err, sizeof m->err, "cannot commit: %s", db_errmsg(m->db));
		return -1;
	}
	return 0;
}

/* Opens the batch for an item if none is open: 0, or -1. */
static int item_begin(struct imp *m)
{
	if (m->o->dry_run)
		return 0;
	if (!m->in_tx) {
		if (db_begin_alone(m->db) != DB_OK) {
			m->failed = 1;
			snprintf(m->err, sizeof m->err, "database busy: %s", db_errmsg(m->db));
			return -1;
		}
		m->in_tx = 1;
		/* One 'all' in the change log for the batch (tx_end), not a row
		** for every article, tag and comment written. */
		if (changes_hold(m->db) != 0) {
			m->failed = 1;
			snprintf(m->err, sizeof m->err, "cannot hold the change log: %s",
			         db_errmsg(m->db));
			return -1;
		}
		if (!m->tuned) {
			/* A bigger page cache on the writer (this process's: the CLI's):
			** the comments' indexes take rows in no order, and with SQLite's
			** 2 MB default most inserts read their page back from the file. */
			db_set_cache(m->db, WXR_CACHE);
			m->tuned = 1;
		}
		m->batch_n = 0;
		m->batch_at = now_s();
	}
	return 0;
}

/* Ends an item of `weight` (1, and 1 for every few comments it held);
** commits a full batch. */
static void item_end(struct imp *m, int weight)
{
	if (m->o->dry_run || !m->in_tx)
		return;
	m->batch_n += weight;
	if (m->batch_n >= WXR_BATCH || now_s() - m->batch_at > 1.0)
		tx_end(m);
}

/* ---- progress ---- */

static void progress(struct imp *m, int final)
{
	if (!m->o->progress || (m->pass < P_POSTS && !m->posts_too))
		return;
	double t = now_s();
	if (!final && t - m->last_shown < (m->o->progress_bar ? 0.2 : 2.0))
		return;
	m->last_shown = t;
	double el = t - m->started;
	double rate = el > 0 ? m->done_items / el : 0;
	long long total = m->total_items ? m->total_items : 1;
	long long done = m->done_items > total ? total : m->done_items;
	double left = rate > 0 ? (total - done) / rate : 0;
	if (m->o->progress_bar) {
		char bar[31];
		int fill = (int)(30 * done / total);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : ' ';
		bar[30] = 0;
		fprintf(m->o->progress, "\r[%s] %lld/%lld items, %.0f items/s, %d:%02d left ", bar,
		        done, total, rate, (int)left / 60, (int)left % 60);
		if (final)
			fputc('\n', m->o->progress);
	} else {
		fprintf(m->o->progress, "import-wordpress: %lld/%lld items, %.0f items/s, %d:%02d left\n",
		        done, total, rate, (int)left / 60, (int)left % 60);
	}
	fflush(m->o->progress);
}

/* ---- pass 1: validate ---- */

/* The site an export comes from, as wp_import_map keys it: its
** base_site_url (else its blog's address, else <link>) without the scheme,
** "www." or a trailing slash, lower case ("example.com/blog"); "-" when
** the export names none ('' is the site imported before sites were keyed:
** see claim_legacy).  Allocated in a. */
static const char *site_key(struct arena *a, const struct wxr_channel *c)
{
	const char *u = *c->base_site_url ? c->base_site_url
	              : *c->base_blog_url ? c->base_blog_url : c->link;
	while (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r')
		u++;
	const char *colon = strstr(u, "://");
	if (colon)
		u = colon + 3;
	if (!strncasecmp(u, "www.", 4))
		u += 4;
	char *k = arena_strdup(a, u);
	size_t n = strlen(k);
	while (n && (k[n - 1] == '/' || isspace((unsigned char)k[n - 1])))
		k[--n] = 0;
	for (char *p = k; *p && *p != '/'; p++)
		*p = (char)tolower((unsigned char)*p);
	return n ? k : "-";
}

static int on_channel(void *ctx, const struct wxr_channel *c)
{
	struct imp *m = ctx;
	m->n_old_bases = 0;
	const char *cand[3] = {c->base_blog_url, c->link, c->base_site_url};
	for (int i = 0; i < 3; i++) {
		if (!cand[i] || !*cand[i])
			continue;
		int dup = 0;
		for (size_t k = 0; k < m->n_old_bases; k++)
			dup |= !strcmp(m->old_bases[k], cand[i]);
		if (!dup)
			m->old_bases[m->n_old_bases++] = arena_strdup(m->cha, cand[i]);
	}
	m->title = arena_strdup(m->cha, c->title);
	m->version = arena_strdup(m->cha, c->version);
	m->site = site_key(m->cha, c);
	m->zone = arena_strdup(m->cha, c->timezone);
	return 0;
}

/* Notes an item's local and GMT dates (a few of each UTC offset, so that
** both sides of daylight saving are kept). */
static void zone_sample(struct imp *m, const struct wxr_item *it)
{
	struct zsample z;
	int sec;
	if (m->n_zs >= ZS_MAX || (strcmp(it->post_type, "post") && strcmp(it->post_type, "page")))
		return;
	z.gmt = gmt_time(it->post_date_gmt);
	if (!z.gmt || sscanf(it->post_date, "%d-%d-%d %d:%d:%d", &z.y, &z.mo, &z.d, &z.h, &z.mi,
	                     &sec) != 6)
		return;
	z.off = gmt_time(it->post_date) - z.gmt;
	int same = 0;
	for (int i = 0; i < m->n_zs; i++)
		same += m->zs[i].off == z.off;
	if (same < ZS_PER_OFFSET)
		m->zs[m->n_zs++] = z;
}

static int validate_item(void *ctx, const struct wxr_item *it)
{
	struct imp *m = ctx;
	if (!strcmp(it->post_type, "post") || !strcmp(it->post_type, "page"))
		m->total_items++;
	m->items_seen = 1;
	m->n_attachments += !strcmp(it->post_type, "attachment");
	m->attachments_late |= m->posts_seen && !strcmp(it->post_type, "attachment");
	m->posts_seen |= !strcmp(it->post_type, "post");
	zone_sample(m, it);
	m->n_pages += !strcmp(it->post_type, "page");
	double t = now_s();
	if (m->o->progress && t - m->last_shown >= (m->o->progress_bar ? 0.2 : 2.0)) {
		m->last_shown = t;
		fprintf(m->o->progress, m->o->progress_bar ? "\rchecking the export: %lld posts and "
		        "pages so far " : "import-wordpress: checking the export: %lld posts and "
		        "pages so far\n", m->total_items);
		fflush(m->o->progress);
	}
	return 0;
}

/* ---- pass 2: authors, terms, attachments ---- */

static const char sql_user_by_email[] = "SELECT id FROM users WHERE email = ?1";
static const char sql_user_slug_taken[] = "SELECT 1 FROM users WHERE slug = ?1";
static const char sql_user_update[] =
    "UPDATE users SET display_name = ?2 WHERE id = ?1";

static long long one_id(struct db *db, const char *sql, const char *text)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, text);
	long long id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return id;
}

static int author_one(struct imp *m, const struct wxr_author *au);

static int on_author(void *ctx, const struct wxr_author *au)
{
	struct imp *m = ctx;
	if (m->pass == P_VALIDATE) {
		m->terms_late |= m->items_seen;
		return 0;
	}
	if (m->pass != P_TERMS || item_begin(m) != 0)
		return m->pass != P_TERMS ? 0 : -1;
	int rc = author_one(m, au);
	item_end(m, 1);
	return rc;
}

static int author_one(struct imp *m, const struct wxr_author *au)
{
	struct arena *a = arena_new();
	const char *name = *au->display_name ? au->display_name : au->login;
	uint64_t h = fnv(fnv(fnv(0, au->login), au->email), name);
	struct mapped mp;
	int found = map_get(m, a, "author", au->login, &mp);
	enum what w = decide(&mp, found, h);
	count(m, K_AUTHOR, w);
	if (w == W_SAME || m->o->dry_run) {
		arena_free(a);
		return 0;
	}
	long long id = mp.id;
	if (w == W_CHANGED) {
		struct db_stmt *st = db_prepare(m->db, sql_user_update);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, name);
		db_step(st);
		db_done(st);
		line(m, 0, "author %s: display name now \"%s\"", au->login, name);
	} else {
		id = *au->email ? one_id(m->db, sql_user_by_email, au->email) : 0;
		if (id) {
			line(m, 0, "author %s: an account with the email %s already exists; "
			     "their posts are credited to it", au->login, au->email);
		} else {
			const char *slug = text_slug(a, au->login);
			if (!*slug)
				slug = text_slug(a, name);
			if (!*slug)
				slug = arena_printf(a, "author-%lld", au->id);
			const char *base = slug;
			for (int k = 2; one_id(m->db, sql_user_slug_taken, slug); k++)
				slug = arena_printf(a, "%s-%d", base, k);
			id = author_create(m->db, name, slug, "", "", "author",
			                   *au->email ? au->email : NULL);
			if (id < 0) {
				m->failed = 1;
				snprintf(m->err, sizeof m->err, "cannot create the author %s: %s", au->login,
				         db_errmsg(m->db));
				arena_free(a);
				return -1;
			}
			if (strcmp(slug, au->login) != 0)
				line(m, 0, "author %s: address /author/%s/ (the login is not a slug); "
				     "/author/%s/ redirects", au->login, slug, au->login);
			add_redirect(m, arena_printf(a, "/author/%s/", au->login),
			             arena_printf(a, "/author/%s/", slug));
			if (au->id)
				add_redirect(m, arena_printf(a, "/?author=%lld", au->id),
				             arena_printf(a, "/author/%s/", slug));
		}
	}
	map_put(m, "author", au->login, id, NULL, h, NULL, NULL);
	if (au->id) /* comments name staff by id (wp:comment_user_id) */
		map_put(m, "author_id", id_key(a, au->id), id, NULL, h, NULL, NULL);
	arena_free(a);
	return m->failed ? -1 : 0;
}

static const char sql_section_by_slug[] = "SELECT id FROM sections WHERE slug = ?1";
static const char sql_section_insert[] =
    "INSERT INTO sections(name, slug, parent_id, description) VALUES (?1, ?2, ?3, ?4)";
static const char sql_section_update[] =
    "UPDATE sections SET name = ?2, parent_id = ?3, description = ?4 WHERE id = ?1";
static const char sql_tag_by_slug[] = "SELECT id FROM tags WHERE slug = ?1";
static const char sql_tag_insert[] = "INSERT INTO tags(name, slug) VALUES (?1, ?2)";
static const char sql_tag_update[] = "UPDATE tags SET name = ?2 WHERE id = ?1";

/* A term's slug as Byline stores it: UTF-8 (decoded), or one made from
** its name when the decoded slug is not one. */
static const char *term_slug(struct arena *a, const char *wp_slug, const char *name)
{
	const char *s = pct_decode(a, wp_slug);
	for (char *p = (char *)s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (text_is_slug_utf8(s))
		return s;
	return text_slug(a, name);
}

static int term_one(struct imp *m, const struct wxr_term *t);

static int on_term(void *ctx, const struct wxr_term *t)
{
	struct imp *m = ctx;
	if (m->pass == P_VALIDATE) {
		m->terms_late |= m->items_seen;
		return 0;
	}
	if (m->pass != P_TERMS || item_begin(m) != 0)
		return m->pass != P_TERMS ? 0 : -1;
	int rc = term_one(m, t);
	item_end(m, 1);
	return rc;
}

static int term_one(struct imp *m, const struct wxr_term *t)
{
	int is_cat = !strcmp(t->taxonomy, "category");
	int is_tag = !strcmp(t->taxonomy, "post_tag");
	if (!is_cat && !is_tag)
		return 0; /* nav_menu, post_format, ...: nothing of Byline's */
	enum kind k = is_cat ? K_CATEGORY : K_TAG;
	struct arena *a = arena_new();
	const char *key = t->slug;
	uint64_t h = fnv(fnv(fnv(fnv(0, t->slug), t->name), t->parent), t->description);
	struct mapped mp;
	int found = map_get(m, a, t->taxonomy, key, &mp);
	enum what w = decide(&mp, found, h);
	if (t->is_generic && (found || m->o->dry_run)) {
		/* The <wp:term> copy of a <wp:category> or <wp:tag> already read. */
		arena_free(a);
		return 0;
	}
	count(m, k, w);
	if (w == W_SAME || m->o->dry_run) {
		arena_free(a);
		return 0;
	}
	const char *name = term_name(a, t->name);
	const char *slug = term_slug(a, t->slug, name);
	if (!*slug) {
		line(m, 0, "%s \"%s\": skipped: no slug can be made of it", is_cat ? "category" : "tag",
		     t->name);
		m->n[k][w]--;
		skip(m, k);
		arena_free(a);
		return 0;
	}
	long long id = mp.id ? mp.id : one_id(m->db, is_cat ? sql_section_by_slug : sql_tag_by_slug,
	                                       slug);
	long long parent = 0;
	const char *wp_path = t->slug; /* WordPress's /category/A/B/ path, without ends */
	if (is_cat && *t->parent) {
		struct mapped pm;
		if (map_get(m, a, "category", t->parent, &pm)) {
			parent = pm.id;
			wp_path = arena_printf(a, "%s/%s", *pm.url ? pm.url : t->parent, t->slug);
		}
		else
			line(m, 0, "category %s: its parent %s is not in the export; made top level",
			     t->slug, t->parent);
	}
	struct db_stmt *st;
	if (id) {
		st = db_prepare(m->db, is_cat ? sql_section_update : sql_tag_update);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, *name ? name : slug);
		if (is_cat) {
			if (parent && parent != id)
				db_bind_int(st, 3, parent);
			else
				db_bind_null(st, 3);
			db_bind_text(st, 4, t->description);
		}
	} else {
		st = db_prepare(m->db, is_cat ? sql_section_insert : sql_tag_insert);
		db_bind_text(st, 1, *name ? name : slug);
		db_bind_text(st, 2, slug);
		if (is_cat) {
			if (parent)
				db_bind_int(st, 3, parent);
			else
				db_bind_null(st, 3);
			db_bind_text(st, 4, t->description);
		}
	}
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		m->failed = 1;
		snprintf(m->err, sizeof m->err, "cannot save %s %s: %s", t->taxonomy, t->slug,
		         db_errmsg(m->db));
		arena_free(a);
		return -1;
	}
	if (!id)
		id = db_last_id(m->db);
	if (strcmp(slug, t->slug) != 0 && strcmp(slug, pct_decode(a, t->slug)) != 0)
		line(m, 0, "%s %s: slug changed to %s", t->taxonomy, t->slug, slug);
	if (t->id)
		add_redirect(m, arena_printf(a, is_cat ? "/?cat=%lld" : "/?tag_id=%lld", t->id),
		             arena_printf(a, is_cat ? "/category/%s/" : "/tag/%s/", slug));
	if (is_tag)
		add_redirect(m, arena_printf(a, "/?tag=%s", t->slug), arena_printf(a, "/tag/%s/", slug));
	/* A sub-category's address on WordPress names its parents
	** (/category/news/local/council/): it leads to the section. */
	if (is_cat && strchr(wp_path, '/'))
		add_redirect(m, arena_printf(a, "/category/%s/", wp_path),
		             arena_printf(a, "/category/%s/", slug));
	map_put(m, t->taxonomy, key, id, NULL, h, is_cat ? wp_path : NULL, NULL);
	arena_free(a);
	return m->failed ? -1 : 0;
}

/* Progress through the attachments while their files are fetched: how
** many of the file's attachments are done, how many files came and how
** many could not. */
static void fetch_progress(struct imp *m, int final)
{
	if (!m->o->progress || !m->o->fetch || m->o->dry_run || !m->n_attachments)
		return;
	double t = now_s();
	if (!final && t - m->last_shown < (m->o->progress_bar ? 0.2 : 2.0))
		return;
	m->last_shown = t;
	double el = t - m->att_started;
	long long total = m->n_attachments;
	long long done = m->att_done > total ? total : m->att_done;
	double rate = el > 0 ? done / el : 0;
	double left = rate > 0 ? (total - done) / rate : 0;
	if (m->o->progress_bar) {
		char bar[31];
		int fill = (int)(30 * done / total);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : ' ';
		bar[30] = 0;
		fprintf(m->o->progress, "\r[%s] %lld/%lld attachments, fetched %lld, failed %lld, "
		        "%d:%02d left ", bar, done, total, m->fetched, m->fetch_failed, (int)left / 60,
		        (int)left % 60);
		if (final)
			fputc('\n', m->o->progress);
	} else {
		fprintf(m->o->progress, "import-wordpress: %lld/%lld attachments, fetched %lld, "
		        "failed %lld, %d:%02d left\n", done, total, m->fetched, m->fetch_failed,
		        (int)left / 60, (int)left % 60);
	}
	fflush(m->o->progress);
}

/* 1 if --uploads holds the attachment's file; *path gets its name there
** (allocated in a). */
static int in_uploads(struct imp *m, struct arena *a, const char *file, const char **path)
{
	*path = NULL;
	if (!m->o->uploads_dir || !file || !*file || strstr(file, ".."))
		return 0;
	*path = arena_printf(a, "%s/%s", m->o->uploads_dir, file);
	return access(*path, R_OK) == 0;
}

/* The file of an attachment that has none here yet: from --uploads when it
** is there, else fetched from its old address (opts->fetch), then stored
** as an upload is.  Its media id, with *url its address here; 0 when
** neither gave one, with a report line saying why. */
static long long attachment_file(struct imp *m, struct arena *a, const struct wxr_item *it,
                                 const char *file, const char **url)
{
	static const char kept[] = "its old address is kept";
	struct buf b = BUF_INIT;
	const char *path, *from = NULL; /* where the bytes came from, for the report */
	int fetched = 0;
	if (in_uploads(m, a, file, &path)) {
		FILE *f = fopen(path, "rb");
		if (f) {
			buf_limit(&b, MEDIA_MAX_BYTES + 1);
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
				buf_put(&b, chunk, got);
			fclose(f);
			from = file;
		}
	}
	if (!from && !m->o->fetch) {
		if (file && *file)
			line(m, it->line, "attachment %lld (%s): no file %s under --uploads; %s", it->id,
			     it->title, file, kept);
		else
			line(m, it->line, "attachment %lld (%s): no file named in the export; %s", it->id,
			     it->title, kept);
		return 0;
	}
	if (!from) {
		const char *src = it->attachment_url ? it->attachment_url : "";
		while (*src == ' ' || *src == '\t' || *src == '\n' || *src == '\r')
			src++;
		if (!*src) {
			line(m, it->line, "attachment %lld (%s): not fetched: the export gives no address "
			     "for it; %s", it->id, it->title, kept);
			m->fetch_failed++;
			return 0;
		}
		/* The batch is committed first: no write transaction is held open
		** while the old site answers (or does not). */
		tx_end(m);
		char err[300];
		if (m->failed || m->o->fetch(m->o->fetch_ctx, src, &b, err, sizeof err) != 0) {
			if (!m->failed)
				line(m, it->line, "attachment %lld (%s): not fetched from %s: %s; %s", it->id,
				     it->title, src, err, kept);
			m->fetch_failed++;
			buf_free(&b);
			return 0;
		}
		from = src;
		fetched = 1;
	}
	struct media md;
	char err[256] = "";
	tx_end(m); /* media_store() opens its own transaction */
	long long id = m->failed ? -1 : media_store(m->db, a, m->o->data_dir, (unsigned char *)b.data,
	                                            b.len, MEDIA_MAX_BYTES, 0, &md, err, sizeof err);
	buf_free(&b);
	if (id < 0) {
		size_t n = strlen(err);
		if (n && err[n - 1] == '.')
			err[n - 1] = 0; /* the sentence goes on */
		if (!m->failed && fetched)
			line(m, it->line, "attachment %lld (%s): fetched from %s but not stored: %s; %s",
			     it->id, it->title, from, err, kept);
		else if (!m->failed)
			line(m, it->line, "attachment %lld (%s): not stored (%s); %s", it->id, from, err,
			     kept);
		m->fetch_failed += fetched;
		return 0;
	}
	m->fetched += fetched;
	*url = md.url;
	return id;
}

/* An attachment: its file into the media library (from --uploads, or
** fetched), or its old address kept. */
static void import_attachment(struct imp *m, struct arena *a, const struct wxr_item *it)
{
	const char *file = wxr_meta_get(it, "_wp_attached_file");
	const char *alt = wxr_meta_get(it, "_wp_attachment_image_alt");
	if (!alt || !*alt)
		alt = it->title;
	const char *key = id_key(a, it->id);
	struct mapped mp;
	int found = map_get(m, a, "attachment", key, &mp);
	int want_file = m->o->uploads_dir || m->o->fetch; /* this run seeks files */
	int have_file = found && mp.id;                    /* an earlier run stored it */
	uint64_t h = fnv(fnv(fnv(fnv(0, it->attachment_url), file), alt),
	                 want_file || have_file ? "files" : "urls");
	enum what w = decide(&mp, found, h);
	/* Sought before and not had: sought again (a file put in --uploads
	** since, an old site that answers now), counted as unchanged unless
	** it comes. */
	int retry = w == W_SAME && want_file && !have_file;
	if (w == W_SAME && !retry) {
		count(m, K_ATTACHMENT, w);
		return;
	}
	if (m->o->dry_run) {
		const char *path;
		if (m->o->fetch && !have_file && !in_uploads(m, a, file, &path))
			m->would_fetch++;
		count(m, K_ATTACHMENT, w);
		return;
	}
	long long media_id = have_file ? mp.id : 0;
	const char *url = have_file ? mp.url : it->attachment_url;
	if (want_file && !have_file) {
		const char *got;
		long long id = attachment_file(m, a, it, file, &got);
		if (id > 0) {
			media_id = id;
			url = got;
		}
		if (m->failed)
			return;
	} else if (!have_file && !m->uploads_note) {
		m->uploads_note = "without --uploads, attachments keep their old addresses";
		line(m, 0, "attachments: imported without --uploads or --fetch-media: their files stay "
		     "at their old addresses, and featured images are not set");
	}
	if (retry && !media_id) {
		count(m, K_ATTACHMENT, W_SAME); /* still without its file: nothing written */
		return;
	}
	count(m, K_ATTACHMENT, retry ? W_CHANGED : w);
	map_put(m, "attachment", key, media_id, it->guid, h, url, alt);
	/* Content names uploads by their address: record it for the rewrite. */
	const char *up = it->attachment_url ? strstr(it->attachment_url, "/wp-content/uploads/")
	                                    : NULL;
	if (up)
		map_put(m, "upload", up + 20, media_id, NULL, 0, url, alt);
	/* The attachment page: to its post, when there is one. */
	if (media_id && *url == '/') {
		add_redirect(m, arena_printf(a, "/?attachment_id=%lld", it->id), url);
		const char *op = old_path(m, a, it->link);
		if (op && !strchr(op, '?') && strncmp(op, "/wp-content/", 12))
			add_redirect(m, op, url);
	}
}

/* ---- passes 3 and 4: posts and pages ---- */

static int attachment_cb(void *ctx, long long wp_id, const char **url, const char **alt)
{
	struct imp *m = ctx;
	struct mapped mp;
	if (!map_get(m, m->item_a, "attachment", id_key(m->item_a, wp_id), &mp) || !*mp.url)
		return -1;
	*url = mp.url;
	*alt = mp.alt;
	return 0;
}

static const char *upload_cb(void *ctx, const char *url)
{
	struct imp *m = ctx;
	const char *up = strstr(url, "/wp-content/uploads/");
	if (!up)
		return NULL;
	up += 20;
	struct mapped mp;
	if (map_get(m, m->item_a, "upload", up, &mp) && mp.id)
		return mp.url;
	/* A resized copy ("photo-300x200.jpg") is shown as the original. */
	char *name = arena_strdup(m->item_a, up);
	char *dot = strrchr(name, '.');
	char *dash = dot ? dot : NULL;
	while (dash && dash > name && dash[-1] != '-')
		dash--;
	if (dot && dash > name) {
		int w, h;
		char x;
		if (sscanf(dash, "%dx%d%c", &w, &h, &x) == 3 && x == '.') {
			char *orig = arena_printf(m->item_a, "%.*s%s", (int)(dash - 1 - name), name, dot);
			if (map_get(m, m->item_a, "upload", orig, &mp) && mp.id)
				return mp.url;
		}
	}
	return NULL;
}

/* The body Byline stores for an item's content; shortcodes left are
** reported. */
static const char *convert(struct imp *m, struct arena *a, const struct wxr_item *it)
{
	struct wpcontent_ctx c = {m->old_bases, m->n_old_bases, attachment_cb, upload_cb, m};
	struct buf out = BUF_INIT, notes = BUF_INIT;
	wpcontent_convert(it->content, &c, &out, &notes);
	if (notes.len) {
		char *n = (char *)buf_cstr(&notes);
		for (char *p = n; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : 0;
		line(m, it->line, "%s %lld \"%s\": shortcodes left as written: %s", it->post_type,
		     it->id, it->title, n);
	}
	const char *body = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	buf_free(&notes);
	return body;
}

static int status_index(const struct wxr_item *it)
{
	if (*it->password)
		return 5;
	for (int i = 0; i < 5; i++)
		if (!strcmp(it->status, status_names[i]))
			return i;
	return 6;
}

static const char sql_slug_owner[] = "SELECT id, headline FROM articles WHERE slug = ?1";
static const char sql_old_slug[] =
    "INSERT INTO old_slugs(slug, article_id) VALUES (?1, ?2)"
    " ON CONFLICT(slug) DO UPDATE SET article_id = excluded.article_id";

/* The comments of an article (article_id) or of a static page (page_id),
** parents before replies (any depth). */
static void import_comments(struct imp *m, struct arena *a, const struct wxr_item *it,
                            long long article_id, long long page_id)
{
	if (!it->n_comments)
		return;
	char *done = arena_alloc(a, it->n_comments);
	size_t left = it->n_comments;
	struct puts pending;
	pending.n = 0;
	for (int round = 0; left && round < 1000000; round++) {
		size_t before = left;
		for (size_t i = 0; i < it->n_comments; i++) {
			if (done[i])
				continue;
			const struct wxr_comment *c = &it->comments[i];
			long long parent = 0;
			if (c->parent) {
				struct mapped pm;
				int have = map_get(m, a, "comment", id_key(a, c->parent), &pm);
				int in_file = 0;
				for (size_t k = 0; k < it->n_comments && !in_file; k++)
					in_file = it->comments[k].id == c->parent && !done[k];
				if (!have && in_file && !m->o->dry_run)
					continue; /* its parent comes first */
				if (!have && !in_file)
					line(m, it->line, "comment %lld: its parent %lld is not in the export; "
					     "shown at the top level", c->id, c->parent);
				parent = have ? pm.id : 0;
			}
			done[i] = 1;
			left--;
			enum comment_status status = !strcmp(c->approved, "1") ? COMMENT_APPROVED
			                           : !strcmp(c->approved, "spam") ? COMMENT_SPAM
			                           : !strcmp(c->approved, "trash") ||
			                             !strcmp(c->approved, "post-trashed") ? COMMENT_TRASH
			                                                                  : COMMENT_PENDING;
			uint64_t h = fnv(fnv(fnv(fnv(fnv(fnv(0, c->author), c->email), c->content),
			                         comment_status_name(status)), c->date_gmt), c->url);
			h = fnv_int(h, c->parent);
			const char *key = id_key(a, c->id);
			struct mapped mp;
			int found = map_get(m, a, "comment", key, &mp);
			enum what w = decide(&mp, found, h);
			count(m, K_COMMENT, w);
			int si = status == COMMENT_APPROVED ? 0 : status == COMMENT_PENDING ? 1
			       : status == COMMENT_SPAM ? 2 : 3;
			m->comment_status_n[si]++;
			if (!strcmp(c->type, "pingback") || !strcmp(c->type, "trackback"))
				m->pingbacks++;
			if (w == W_SAME || m->o->dry_run)
				continue;
			if (w == W_CHANGED) {
				/* Its text, author fields or status changed on WordPress. */
				const char *cu = c->url;
				if (*cu && strncmp(cu, "http://", 7) && strncmp(cu, "https://", 8))
					cu = "";
				if (comment_update(m->db, mp.id, *c->author ? c->author : "Anonymous",
				                   c->email, cu, *c->content ? c->content : "(empty)") != 0 ||
				    comment_set_status(m->db, mp.id, status) < 0) {
					m->failed = 1;
					snprintf(m->err, sizeof m->err, "cannot update comment %lld: %s", c->id,
					         db_errmsg(m->db));
					break;
				}
				map_put(m, "comment", key, mp.id, NULL, h, NULL, NULL);
				continue;
			}
			const char *name = *c->author ? c->author : "Anonymous";
			const char *url = c->url;
			if (*url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
				url = "";
			const char *body = *c->content ? c->content : "(empty)";
			struct comment_input in = {
				.article_id = article_id,
				.page_id = article_id ? 0 : page_id,
				.parent_id = parent,
				.author_name = name,
				.author_email = c->email,
				.author_url = url,
				.body = body,
				.ip = c->ip,
				.user_agent = c->agent,
				.status = status,
				.created_at = gmt_time(c->date_gmt) ? gmt_time(c->date_gmt)
				                                    : local_time(c->date),
				.spam_score = -1,
				.spam_reason = *c->type && strcmp(c->type, "comment")
				                   ? arena_printf(a, "imported %s", c->type)
				                   : "imported from WordPress",
				.ip_net = *c->ip ? comment_ip_net(a, c->ip) : "",
			};
			struct mapped um;
			if (c->user_id && map_get(m, a, "author_id", id_key(a, c->user_id), &um))
				in.user_id = um.id; /* a reply by staff */
			char err[256];
			long long id = comment_add(m->db, &in, err, sizeof err);
			if (id < 0) {
				m->failed = 1;
				snprintf(m->err, sizeof m->err, "cannot store comment %lld: %s", c->id, err);
				break;
			}
			if (status == COMMENT_APPROVED && *c->email)
				comment_learn(m->db, name, c->email, VERDICT_GOOD);
			if (puts_add(m, &pending, key, id, h) != 0)
				break;
		}
		if (m->failed || left == before) {
			/* A cycle of parents: the rest at the top level. */
			for (size_t i = 0; i < it->n_comments && !m->failed && left == before; i++)
				if (!done[i]) {
					line(m, it->line, "comment %lld: its parents form a loop; imported at the "
					     "top level", it->comments[i].id);
					((struct wxr_comment *)&it->comments[i])->parent = 0;
					break;
				}
			if (m->failed)
				break;
		}
	}
	if (!m->failed)
		puts_flush(m, &pending);
}

static long long author_for(struct imp *m, struct arena *a, const char *login, enum role *role)
{
	struct mapped mp;
	*role = ROLE_AUTHOR;
	if (map_get(m, a, "author", login, &mp) && mp.id) {
		struct known *k = known_slot(&m->few_known, m->cha, "author", login, 0);
		if (k && k->role != ROLE_NONE) {
			*role = k->role;
			return mp.id;
		}
		struct author au;
		if (author_by_id(m->db, a, mp.id, &au) == 0 && role_parse(au.role) != ROLE_NONE)
			*role = role_parse(au.role);
		if (k)
			k->role = *role;
		return mp.id;
	}
	return 0;
}

static void import_post(struct imp *m, struct arena *a, const struct wxr_item *it)
{
	int si = status_index(it);
	if (si == 6) {
		struct mapped was;
		const char *key = id_key(m->item_a, it->id);
		int trashed = !strcmp(it->status, "trash");
		if (map_get(m, m->item_a, "post", key, &was) && was.id && trashed && was.hash) {
			/* Trashed on WordPress since it was imported: off the site
			** here too (a draft), and imported again if it comes back. */
			line(m, it->line, "post %lld \"%s\": in WordPress's trash now; unpublished "
			     "here (a draft in the desk)", it->id, it->title);
			if (!m->o->dry_run &&
			    (article_unpublish(m->db, was.id, (long long)time(NULL)) < 0 ||
			     map_put(m, "post", key, was.id, it->guid, 0, NULL, NULL) != 0)) {
				m->failed = 1;
				snprintf(m->err, sizeof m->err, "post %lld: cannot unpublish: %s", it->id,
				         db_errmsg(m->db));
				return;
			}
			count(m, K_POST, W_CHANGED);
			return;
		}
		if (was.id && trashed)
			; /* unpublished by an earlier run: unchanged */
		else if (was.id)
			line(m, it->line, "post %lld \"%s\": now %s on WordPress; the article imported "
			     "before is left as it is here", it->id, it->title, it->status);
		else
			line(m, it->line, "post %lld \"%s\": skipped: status %s (trash, auto-draft, ...) "
			     "is not imported", it->id, it->title, it->status);
		skip(m, K_POST);
		return;
	}
	m->status_n[si]++;
	const char *body = convert(m, a, it);
	uint64_t h = fnv(fnv(fnv(fnv(fnv(0, it->title), body), it->status), it->post_date_gmt),
	                 it->post_name);
	h = fnv(fnv(fnv(h, it->creator), it->password), it->comment_status);
	h = fnv_int(h, it->is_sticky);
	for (size_t i = 0; i < it->n_terms; i++)
		h = fnv(fnv(h, it->terms[i].domain), it->terms[i].slug);
	const char *thumb = wxr_meta_get(it, "_thumbnail_id");
	h = fnv(h, thumb);
	/* The featured image, when its file is here: a post saved before it
	** came (its attachment fetched by a later run) is saved again with it. */
	long long featured = 0;
	const char *featured_alt = NULL;
	if (thumb && *thumb && strcmp(thumb, "0")) {
		struct mapped am;
		if (map_get(m, a, "attachment", thumb, &am) && am.id) {
			featured = am.id;
			featured_alt = *am.alt ? am.alt : it->title;
			h = fnv_int(h, featured);
		}
	}
	const char *key = id_key(a, it->id);
	struct mapped mp;
	int found = map_get(m, a, "post", key, &mp);
	enum what w = decide(&mp, found, h);
	count(m, K_POST, w);
	long long id = mp.id;
	if (w != W_SAME && !m->o->dry_run) {
		enum role role;
		long long author = author_for(m, a, it->creator, &role);
		if (!author) {
			line(m, it->line, "post %lld \"%s\": its author %s is not in the export; "
			     "made an author of that name", it->id, it->title, it->creator);
			author = author_ensure(m->db, a, *it->creator ? it->creator : "WordPress", NULL,
			                       NULL);
			if (author < 0) {
				m->failed = 1;
				snprintf(m->err, sizeof m->err, "cannot create an author: %s",
				         db_errmsg(m->db));
				return;
			}
			map_put(m, "author", it->creator, author, NULL, 1, NULL, NULL);
		}
		enum article_status status = si == 0 ? ARTICLE_PUBLISHED : si == 1 ? ARTICLE_DRAFT
		                           : si == 2 ? ARTICLE_PENDING : si == 3 ? ARTICLE_SCHEDULED
		                                                                 : ARTICLE_PRIVATE;
		if (si == 5)
			line(m, it->line, "post %lld \"%s\": password-protected: imported as private "
			     "(staff only)", it->id, it->title);
		long long pub = gmt_time(it->post_date_gmt);
		if (!pub && (si == 0 || si == 3 || si == 4 || si == 5))
			pub = local_time(it->post_date);
		/* The slug: WordPress's, decoded; one from the title when it has none
		** (drafts) or is not one of ours; then unique. */
		const char *slug = pct_decode(a, it->post_name);
		if (!text_is_slug_utf8(slug)) {
			const char *made = text_slug(a, it->title);
			if (*it->post_name && si == 0)
				line(m, it->line, "post %lld \"%s\": slug %s made %s", it->id, it->title,
				     it->post_name, *made ? made : "(none)");
			slug = made;
		}
		if (!*slug)
			slug = arena_printf(a, "post-%lld", it->id);
		if (!id) {
			struct db_stmt *st = db_prepare(m->db, sql_slug_owner);
			db_bind_text(st, 1, slug);
			long long owner = 0;
			int same = 0;
			if (db_step(st) == DB_ROW) {
				owner = db_col_int(st, 0);
				same = !strcmp(db_col_text(st, 1), *it->title ? it->title : "(untitled)");
			}
			db_done(st);
			if (owner && same) {
				id = owner; /* an interrupted run made it: take it back */
			} else if (owner) {
				const char *base = slug;
				slug = arena_printf(a, "%s-%lld", base, it->id);
				line(m, it->line, "post %lld \"%s\": slug %s is taken; made %s", it->id,
				     it->title, base, slug);
			}
		}
		const char *tags[256];
		size_t n_tags = 0;
		long long section = 0;
		const char *section_slug = "";
		for (size_t i = 0; i < it->n_terms; i++) {
			const struct wxr_item_term *t = &it->terms[i];
			if (!strcmp(t->domain, "post_tag") && n_tags < 256) {
				tags[n_tags++] = term_name(a, t->name);
			} else if (!strcmp(t->domain, "category")) {
				struct mapped cm;
				if (!map_get(m, a, "category", t->slug, &cm)) {
					line(m, it->line, "post %lld: category %s is not among the export's "
					     "categories; ignored", it->id, t->slug);
					continue;
				}
				if (!section) {
					section = cm.id;
					section_slug = t->slug;
				} else if (cm.id != section) {
					line(m, it->line, "post %lld \"%s\": in several categories; its section "
					     "is the first, %s", it->id, it->title, section_slug);
				}
			}
		}
		if (thumb && *thumb && strcmp(thumb, "0") && !featured &&
		    (m->o->uploads_dir || m->o->fetch)) /* else said once, in the attachments line */
			line(m, it->line, "post %lld \"%s\": its featured image (attachment %s) "
			     "was not imported", it->id, it->title, thumb);
		struct article_input in = {
			.headline = *it->title ? it->title : "(untitled)",
			.slug = slug,
			.body_src = body,
			.status = status,
			.published_at = pub,
			.author_id = author,
			.section_id = section,
			.tags = tags,
			.n_tags = n_tags,
			.featured_media_id = featured,
			.featured_alt = featured_alt,
			.comments_open = strcmp(it->comment_status, "closed") != 0,
			.is_sticky = it->is_sticky,
			.role = role,
		};
		char err[300];
		db_clear_failed(m->db);
		long long saved = article_save_in(m->db, a, id, &in, 0, err, sizeof err);
		if (saved < 0 && db_failed(m->db)) {
			m->failed = 1; /* the batch is undone; running again resumes */
			snprintf(m->err, sizeof m->err, "post %lld: %.250s", it->id, err);
			return;
		}
		if (saved < 0) {
			/* Refused by a check, before anything was written. */
			line(m, it->line, "post %lld \"%s\": skipped: %s", it->id, it->title, err);
			m->n[K_POST][w]--;
			skip(m, K_POST);
			return;
		}
		id = saved;
		if (map_put(m, "post", key, id, it->guid, h, NULL, NULL) != 0)
			return;
		/* Old addresses.  A slug of WordPress's that is not one of ours
		** (%-encoded non-ASCII) keeps answering through old_slugs, as a slug
		** changed in the desk does: one 301 from the article page. */
		const char *wp_slug = pct_decode(a, it->post_name);
		if (*wp_slug && strcmp(wp_slug, slug) != 0) {
			struct db_stmt *st = db_prepare(m->db, sql_old_slug);
			db_bind_text(st, 1, wp_slug);
			db_bind_int(st, 2, id);
			db_step(st);
			db_done(st);
		}
		if (si == 0 && pub) {
			struct redirects rq = {.n = 0};
			int y, mo, d;
			text_date_ymd((time_t)pub, &y, &mo, &d);
			const char *url = arena_printf(a, "/%04d/%02d/%02d/%s/", y, mo, d, slug);
			const char *op = old_path(m, a, it->link);
			int oy2, omo2, od2;
			char os2[256];
			if (m->zone_later && op &&
			    sscanf(op, "/%4d/%2d/%2d/%255[^/]/", &oy2, &omo2, &od2, os2) == 4 &&
			    !strcmp(pct_decode(a, os2), slug))
				/* Its dated address, in the zone the site takes after the
				** import (the export's, whose dates its links carry). */
				url = arena_printf(a, "/%04d/%02d/%02d/%s/", oy2, omo2, od2, slug);
			if (op && strcmp(op, url) != 0 && strcmp(pct_decode(a, op), url) != 0) {
				queue_redirect(m, &rq, op, url);
				int oy, omo, od;
				char os[256];
				if (sscanf(op, "/%4d/%2d/%2d/%255[^/]/", &oy, &omo, &od, os) == 4 &&
				    !strcmp(os, slug)) {
					long long off = local_time(it->post_date) - pub;
					struct tm lt;
					time_t tp = (time_t)pub;
					localtime_r(&tp, &lt);
					off += lt.tm_gmtoff; /* local_time() read it in our zone */
					line(m, it->line, "post %lld: WordPress dated it %04d-%02d-%02d (its time "
					     "zone was UTC%+03lld:%02lld), this site's time zone %04d-%02d-%02d; "
					     "%s redirects to %s (set the timezone setting to the old site's "
					     "to keep the address)", it->id, oy, omo, od, off / 3600,
					     (off < 0 ? -off : off) % 3600 / 60, y, mo, d, op, url);
				}
				else if (!strchr(op, '?'))
					line(m, it->line, "post %lld: address %s is now %s (redirected)", it->id,
					     op, url);
			}
			queue_redirect(m, &rq, arena_printf(a, "/?p=%lld", it->id), url);
			queue_redirect(m, &rq, arena_printf(a, "/archives/%lld", it->id), url);
			queue_redirect(m, &rq, arena_printf(a, "/archives/%lld/", it->id), url);
			redirects_flush(m, &rq);
		}
	}
	if (id || m->o->dry_run)
		import_comments(m, a, it, id, 0);
}

static void import_page(struct imp *m, struct arena *a, const struct wxr_item *it)
{
	const char *key = id_key(a, it->id);
	struct mapped mp;
	int found = map_get(m, a, "page", key, &mp);
	long long parent = 0;
	if (it->parent) {
		struct mapped pm;
		if (map_get(m, a, "page", id_key(a, it->parent), &pm))
			parent = pm.id;
		else if (m->pass == P_PAGES && !m->o->dry_run) {
			m->pages_deferred++;
			return; /* its parent first: the next page pass */
		}
	}
	int si = status_index(it);
	if (si == 6 && found && mp.id && mp.hash && !strcmp(it->status, "trash") &&
	    m->page_level == 0) {
		/* Trashed on WordPress since it was imported: a draft here. */
		struct page_row row;
		count(m, K_PAGE, W_CHANGED);
		line(m, it->line, "page %lld \"%s\": in WordPress's trash now; unpublished here (a "
		     "draft in the desk)", it->id, it->title);
		if (m->o->dry_run || page_by_id(m->db, a, mp.id, &row) != 0)
			return;
		struct page_input in = {
			.title = row.title, .slug = row.slug, .parent_id = row.parent_id,
			.body_src = row.body_src, .status = PAGE_DRAFT, .author_id = row.author_id,
			.created_at = row.created_at, .comments_open = row.comments_open,
			.menu_order = row.menu_order, .role = row.body_role,
		};
		char err[300];
		tx_end(m); /* page_save() opens its own transaction */
		if (page_save(m->db, a, mp.id, &in, 0, err, sizeof err) < 0)
			line(m, it->line, "page %lld: not unpublished: %s", it->id, err);
		else
			map_put(m, "page", key, mp.id, it->guid, 0, NULL, NULL);
		return;
	}
	if (si == 3 || si == 6) {
		if (!found) {
			line(m, it->line, "page %lld \"%s\": skipped: status %s is not imported for pages",
			     it->id, it->title, it->status);
			skip(m, K_PAGE);
			map_put(m, "page", key, 0, it->guid, 0, NULL, NULL);
		}
		return;
	}
	const char *body = convert(m, a, it);
	uint64_t h = fnv(fnv(fnv(fnv(fnv(0, it->title), body), it->status), it->post_name),
	                 it->creator);
	h = fnv_int(fnv(h, it->password), it->parent);
	enum what w = decide(&mp, found, h);
	if (m->page_level > 0 && w == W_SAME)
		return; /* counted by an earlier page pass of this run */
	count(m, K_PAGE, w);
	m->pages_progress++;
	if (w == W_SAME || m->o->dry_run) {
		if (mp.id || m->o->dry_run)
			import_comments(m, a, it, 0, mp.id);
		return;
	}
	enum role role;
	long long author = author_for(m, a, it->creator, &role);
	const char *slug = pct_decode(a, it->post_name);
	if (!text_is_slug_utf8(slug))
		slug = text_slug(a, it->title);
	enum page_status status = si == 0 ? PAGE_PUBLISHED : si == 4 || si == 5 ? PAGE_PRIVATE
	                                                                       : PAGE_DRAFT;
	if (si == 5)
		line(m, it->line, "page %lld \"%s\": password-protected: imported as private",
		     it->id, it->title);
	struct page_input in = {
		.title = *it->title ? it->title : "(untitled)",
		.slug = slug,
		.parent_id = parent,
		.body_src = body,
		.status = status,
		.author_id = author,
		.created_at = gmt_time(it->post_date_gmt) ? gmt_time(it->post_date_gmt)
		                                          : local_time(it->post_date),
		.comments_open = strcmp(it->comment_status, "closed") != 0,
		.menu_order = (int)it->menu_order,
		.role = role,
	};
	char err[300];
	tx_end(m); /* page_save() opens its own transaction */
	long long id = page_save(m->db, a, mp.id, &in, 0, err, sizeof err);
	if (id < 0) {
		line(m, it->line, "page %lld \"%s\": skipped: %s", it->id, it->title, err);
		m->n[K_PAGE][w]--;
		skip(m, K_PAGE);
		map_put(m, "page", key, 0, it->guid, h, NULL, NULL);
		return;
	}
	map_put(m, "page", key, id, it->guid, h, NULL, NULL);
	if (si == 0) {
		struct page_row row;
		if (page_by_id(m->db, a, id, &row) == 0) {
			const char *url = arena_printf(a, "/%s/", row.path);
			add_redirect(m, arena_printf(a, "/?page_id=%lld", it->id), url);
			const char *op = old_path(m, a, it->link);
			if (op && strcmp(op, url) && strcmp(pct_decode(a, op), url)) {
				add_redirect(m, op, url);
				line(m, it->line, "page %lld: address %s is now %s (redirected)", it->id, op,
				     url);
			}
		}
	}
	import_comments(m, a, it, 0, id);
}

static int on_item(void *ctx, const struct wxr_item *it)
{
	struct imp *m = ctx;
	if (m->failed)
		return -1;
	int is_post = !strcmp(it->post_type, "post");
	int is_page = !strcmp(it->post_type, "page");
	int is_att = !strcmp(it->post_type, "attachment");
	int posts = m->pass == P_POSTS || (m->pass == P_TERMS && m->posts_too);
	if ((is_post && posts) || (is_att && m->pass == P_TERMS)) {
		if (item_begin(m) != 0)
			return -1;
	}
	struct arena *a = arena_new();
	m->item_a = a;
	if ((posts && is_post) || (m->pass == P_PAGES && is_page))
		item_prefetch(m, it);
	if (m->pass == P_TERMS && !(posts && is_post)) {
		if (is_att) {
			if (!m->att_done++)
				m->att_started = now_s();
			import_attachment(m, a, it);
			fetch_progress(m, m->att_done == m->n_attachments);
		}
		else if (!is_post && !is_page)
			line(m, it->line, "item %lld \"%s\": skipped: type %s is not imported", it->id,
			     it->title, it->post_type);
	} else if (posts && is_post) {
		import_post(m, a, it);
		m->done_items++;
		progress(m, 0);
	} else if (m->pass == P_PAGES && is_page) {
		long long before = m->pages_deferred;
		import_page(m, a, it);
		if (m->pages_deferred == before) {
			m->done_items++;
			progress(m, 0);
		}
	}
	memset(&m->item_known, 0, sizeof m->item_known);
	m->item_a = NULL;
	arena_free(a);
	if ((is_post && posts) || (is_att && m->pass == P_TERMS))
		item_end(m, 1 + (int)(it->n_comments / WXR_COMMENTS_PER_ITEM));
	return m->failed ? -1 : 0;
}

/* ---- the site's time zone ---- */

/* 1 if, in the process's TZ, every sampled date reads as the old site
** showed it. */
static int zone_fits(const struct imp *m)
{
	for (int i = 0; i < m->n_zs; i++) {
		const struct zsample *z = &m->zs[i];
		struct tm tm;
		time_t t = (time_t)z->gmt;
		localtime_r(&t, &tm);
		if (tm.tm_year + 1900 != z->y || tm.tm_mon + 1 != z->mo || tm.tm_mday != z->d ||
		    tm.tm_hour != z->h || tm.tm_min != z->mi)
			return 0;
	}
	return 1;
}

/* Tried first: where most news sites are. */
static const char *const common_zones[] = {
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Toronto",
	"America/Vancouver", "America/Halifax", "America/Mexico_City", "America/Bogota",
	"America/Lima", "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Warsaw",
	"Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow",
	"Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg", "Asia/Jerusalem",
	"Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
	"Asia/Jakarta", "Asia/Singapore", "Asia/Manila", "Asia/Hong_Kong", "Asia/Shanghai",
	"Asia/Taipei", "Asia/Seoul", "Asia/Tokyo", "Australia/Perth", "Australia/Adelaide",
	"Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne", "Pacific/Auckland",
};

/* The export's time zone: the one it names, else the first zone every
** sampled date fits (the site's own, then common zones, then every zone of zone1970.tab,
** then Etc/GMT+N for one whole-hour offset), or "" when there is no date
** to go by.  Looking sets the process's TZ (search only when may_search:
** the command line), and puts `current` back. */
static const char *zone_find(struct imp *m, const char *current, int may_search)
{
	if (m->zone && *m->zone)
		return text_set_timezone_check(m->zone) == 0 ? m->zone : "";
	if (!m->n_zs || !may_search)
		return "";
	/* The site's own zone, when the dates fit it, is as good as any. */
	const char *found = text_set_timezone(current) == 0 && zone_fits(m) ? current : NULL;
	for (size_t i = 0; !found && i < sizeof common_zones / sizeof *common_zones; i++)
		if (text_set_timezone(common_zones[i]) == 0 && zone_fits(m))
			found = common_zones[i];
	FILE *f = found ? NULL : fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char ln[512], cc[128], coord[128], zone[128];
	while (f && !found && fgets(ln, sizeof ln, f))
		if (*ln != '#' && sscanf(ln, "%127s %127s %127s", cc, coord, zone) == 3 &&
		    text_set_timezone(zone) == 0 && zone_fits(m))
			found = arena_strdup(m->cha, zone);
	if (f)
		fclose(f);
	int one = 1;
	for (int i = 1; i < m->n_zs; i++)
		one &= m->zs[i].off == m->zs[0].off;
	if (!found && one && m->zs[0].off % 3600 == 0 && m->zs[0].off)
		found = arena_printf(m->cha, "Etc/GMT%+lld", -m->zs[0].off / 3600);
	else if (!found && one && !m->zs[0].off)
		found = "UTC";
	if (text_set_timezone(current) != 0)
		text_set_timezone("UTC");
	return found ? found : "";
}

static const char sql_site_empty[] =
    "SELECT NOT EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM pages)"
    " AND NOT EXISTS (SELECT 1 FROM wp_import_map)";

/* Gives an empty site in UTC the export's time zone (opts->set_timezone),
** or says in the report that they differ.  0, or -1 on a database error. */
static int zone_adopt(struct imp *m)
{
	struct arena *a = arena_new();
	const char *current = settings_get(m->db, a, "timezone");
	if (!current || !*current)
		current = "UTC";
	const char *zone = zone_find(m, current, m->o->set_timezone == 1);
	if (m->o->zone_out)
		*m->o->zone_out = 0;
	int rc = 0;
	if (*zone && strcmp(zone, current) != 0) {
		struct db_stmt *st = db_prepare(m->db, sql_site_empty);
		int empty = db_step(st) == DB_ROW && db_col_int(st, 0);
		db_done(st);
		char err[200];
		if (m->o->set_timezone && empty && !strcmp(current, "UTC")) {
			if (!m->o->dry_run &&
			    (settings_set(m->db, "timezone", zone, err, sizeof err) != 0 ||
			     (m->o->set_timezone == 1 && text_set_timezone(zone) != 0)))
				rc = -1;
			else if (!m->o->dry_run && m->o->zone_out)
				snprintf(m->o->zone_out, 64, "%s", zone);
			m->zone_later = m->o->set_timezone != 1 && !m->o->dry_run && !rc;
			if (!rc)
				line(m, 0, "time zone: %s the export's, %s (this site had no articles "
				     "yet), so that dated addresses keep their day", m->o->dry_run ?
				     "would be set to" : "set to", zone);
		} else {
			line(m, 0, "time zone: the export's dates are in %s, this site's in %s: dated "
			     "addresses follow the site's (Settings, time zone)", zone, current);
		}
	}
	arena_free(a);
	return rc;
}

/* ---- the whole import ---- */

static const char sql_site_has[] = "SELECT 1 FROM wp_import_map WHERE site = ?1 LIMIT 1";
static const char sql_site_claim[] = "UPDATE wp_import_map SET site = ?1 WHERE site = ''";

/* Rows mapped before imports were keyed by site (site '', migration 16)
** are the one site imported until then: the first import after it that
** finds no rows of its own site takes them as its own, as a re-import of
** that site (the usual case: an import to try, then one at cutover) needs.
** 0, or -1 on a database error. */
static int claim_legacy(struct imp *m)
{
	if (one_id(m->db, sql_site_has, m->site) ||
	    !one_id(m->db, sql_site_has, ""))
		return 0;
	line(m, 0, "this database's earlier WordPress import (made before imports were keyed by "
	     "site) is taken as this site's, %s", m->site);
	if (m->o->dry_run) {
		m->site = ""; /* read them where they are */
		return 0;
	}
	if (db_begin_alone(m->db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(m->db, sql_site_claim);
	db_bind_text(st, 1, m->site);
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK) {
		db_rollback(m->db);
		return -1;
	}
	return db_commit(m->db) == DB_OK ? 0 : -1;
}

static void report(struct imp *m)
{
	FILE *r = m->o->report;
	if (!r)
		return;
	fprintf(r, "%s \"%s\" (WXR %s, %s)\n", m->o->dry_run ? "Would import" : "Imported",
	        m->title ? m->title : "", m->version ? m->version : "?",
	        m->n_old_bases ? m->old_bases[0] : "no address");
	for (int k = 0; k < K_N; k++)
		fprintf(r, "%-12s %lld new, %lld updated, %lld unchanged, %lld skipped\n",
		        kind_names[k], m->n[k][0], m->n[k][1], m->n[k][2], m->n[k][3]);
	fprintf(r, "posts by status: %lld published, %lld draft, %lld pending, %lld scheduled, "
	        "%lld private, %lld password-protected (as private)\n",
	        m->status_n[0], m->status_n[1], m->status_n[2], m->status_n[3], m->status_n[4],
	        m->status_n[5]);
	fprintf(r, "comments by status: %lld approved, %lld pending, %lld spam, %lld trash "
	        "(%lld pingbacks and trackbacks)\n", m->comment_status_n[0], m->comment_status_n[1],
	        m->comment_status_n[2], m->comment_status_n[3], m->pingbacks);
	if (m->o->fetch && m->o->dry_run)
		fprintf(r, "photos to fetch from the old site: %lld (a dry run fetches nothing)\n",
		        m->would_fetch);
	else if (m->o->fetch)
		fprintf(r, "photos fetched from the old site: %lld, not fetched: %lld%s\n", m->fetched,
		        m->fetch_failed, m->fetch_failed ? " (each below, with the reason; running the "
		        "import again tries them again)" : "");
	double took = now_s() - m->started;
	long long things = 0;
	for (int k = 0; k < K_N; k++)
		for (int w = 0; w < 4; w++)
			things += m->n[k][w];
	fprintf(r, "%lld things in %.1f s (%.0f a second) after the file was checked\n", things,
	        took, took > 0 ? things / took : 0.0);
	if (m->n[K_AUTHOR][0] && !m->o->dry_run)
		fprintf(r, "New authors have no password: `byline user reset-link EMAIL` prints "
		        "a link to set one.\n");
	if (m->lines && ftell(m->lines) > 0) {
		fprintf(r, "Skipped or changed:\n");
		rewind(m->lines);
		char chunk[8192];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, m->lines)) > 0)
			fwrite(chunk, 1, got, r);
	}
	fflush(r);
}

static int pass(struct imp *m, const char *path, enum pass p, const struct wxr_handler *h,
                struct wxr_error *err)
{
	m->pass = p;
	int rc = wxr_read_file(path, h, err);
	if (rc != 0 && m->in_tx) {
		m->in_tx = 0; /* the open batch is undone */
		db_rollback(m->db);
	} else if (tx_end(m) != 0) {
		rc = -1;
	}
	if (rc != 0 && m->failed) {
		snprintf(err->msg, sizeof err->msg, "%.290s", m->err);
		err->line = err->column = 0;
	}
	return rc ? -1 : 0;
}

int wxr_import(struct db *db, const char *path, const struct wxr_import_opts *o,
               struct wxr_error *err)
{
	struct imp m;
	memset(&m, 0, sizeof m);
	m.db = db;
	m.o = o;
	m.cha = arena_new();
	m.lines = tmpfile();
	struct wxr_handler h = {&m, on_channel, on_author, on_term, validate_item};
	m.last_shown = now_s();
	m.site = "-";
	long long round_trips = db_round_trips(db);
	int rc = pass(&m, path, P_VALIDATE, &h, err);
	if (rc == 0 && (claim_legacy(&m) != 0 || zone_adopt(&m) != 0)) {
		snprintf(err->msg, sizeof err->msg, "cannot prepare the import: %.240s",
		         db_errmsg(db));
		err->line = err->column = 0;
		rc = -1;
	}
	if (rc == 0) {
		h.channel = NULL;
		h.author = on_author;
		h.term = on_term;
		h.item = on_item;
		m.started = m.last_shown = now_s();
		/* Posts need the attachments (featured images, links) and the
		** authors and terms imported before them: with every author and
		** term before the first item (as WordPress writes them) and every
		** attachment before the first post (as Byline's export writes
		** them; WordPress's interleaves them by id), one pass does both. */
		m.posts_too = !m.attachments_late && !m.terms_late;
		rc = pass(&m, path, P_TERMS, &h, err);
		if (rc == 0 && !m.posts_too)
			rc = pass(&m, path, P_POSTS, &h, err);
		m.posts_too = 0;
		/* Pages: parents before children, one pass per level (none when
		** the file has no page). */
		for (int level = 0; rc == 0 && m.n_pages && level <= PAGE_MAX_DEPTH + 1; level++) {
			m.pages_deferred = 0;
			m.pages_progress = 0;
			m.page_level = level;
			rc = pass(&m, path, P_PAGES, &h, err);
			if (!m.pages_deferred)
				break;
			if (!m.pages_progress || level == PAGE_MAX_DEPTH + 1) {
				line(&m, 0, "%lld pages: their parents are not in the export; not imported",
				     m.pages_deferred);
				break;
			}
		}
		progress(&m, 1);
		if (rc == 0)
			report(&m);
		/* What an import costs on a server engine (bench/WXR.md). */
		if (db_round_trips(db) > round_trips)
			log_info("import: %lld round trips to the database server",
			         db_round_trips(db) - round_trips);
	}
	if (m.lines)
		fclose(m.lines);
	arena_free(m.cha);
	return rc;
}
