/*
** listmemo.c: listing answers remembered until the change log says
** listings changed (see listmemo.h).
**
** Staleness, precisely.  The memo reads the change log through a cursor
** (changes.h), which reports every change once, a late commit's too, and
** holds answers read after the changes it has reported.  A use first
** brings the cursor up to date (forgetting all when a listing change was
** reported, which moves `stamp`), and then reads or stores an answer only
** if the memo still stands at that same stamp: an answer computed after
** the read is stored under it, and any listing change not yet reported is
** reported by a later use, which forgets it.  Whenever threads disagree
** about the stamp, the memo is simply not used for that call.
*/
#include "model/listmemo.h"
#include "model/article.h"
#include "model/changes.h"
#include "model/menu.h"
#include "model/taxonomy.h"
#include "core/mem.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_SLOTS 1024         /* scopes remembered (a power of two) */
#define MAX_TAGGED_IDS 4000000   /* tag lists' ids kept at most (32 MB) */
#define MAX_SCAN CHANGES_READ_MAX /* changes read to decide; more: forget */


struct count_slot {
	int used;          /* 1 if it holds this scope */
	int kind;          /* enum scope_kind */
	long long id;      /* the scope's id */
	long long from;    /* SCOPE_DATES range */
	long long to;
	long long count;   /* published articles in it; -1 not known yet */
	struct scope_key *anchors; /* [j - 1]: the position before article j *
	                           ** LISTMEMO_STEP; id 0 unknown (malloc) */
	size_t n_anchors;  /* entries in anchors */
};

struct tag_slot {
	long long tag_id;  /* 0 for an empty slot */
	long long *ids;    /* its articles, newest id first (malloc) */
	size_t n;          /* entries in ids */
};

/* The site's navigation, as every page shows it (malloc, strings too). */
struct nav {
	int has_menus;             /* header and footer below are known */
	struct menu_item *menu[2]; /* the header's items, the footer's */
	size_t n_menu[2];          /* entries in each */
	int has_sections;          /* sections below are known */
	struct term *sections;     /* the sections with something published */
	size_t n_sections;         /* entries in sections */
};

struct listmemo {
	pthread_mutex_t mu;        /* guards everything below */
	struct nav nav;            /* menus and sections (listmemo_menus, _sections) */
	struct changes_cursor cur; /* the change log read so far */
	long long stamp;           /* moves whenever everything is forgotten */
	struct count_slot counts[COUNT_SLOTS]; /* scope -> count, open addressing */
	size_t n_counts;           /* used slots in counts */
	struct tag_slot *tags;     /* tag -> articles, open addressing */
	size_t tag_cap;            /* slots in tags (a power of two, or 0) */
	size_t n_tags;             /* used slots in tags */
	size_t tagged_ids;         /* ids held over all tags */
	struct listmemo_stats stats; /* for tests */
};

struct listmemo *listmemo_new(void)
{
	struct listmemo *m = mem_calloc(1, sizeof *m);
	pthread_mutex_init(&m->mu, NULL);
	changes_cursor_start(&m->cur);
	return m;
}

/* Forgets every scope.  Called with mu held. */
static void forget_counts(struct listmemo *m)
{
	for (size_t i = 0; i < COUNT_SLOTS; i++)
		free(m->counts[i].anchors);
	memset(m->counts, 0, sizeof m->counts);
	m->n_counts = 0;
}

/* Forgets the navigation.  Called with mu held. */
static void forget_nav(struct listmemo *m)
{
	struct nav *v = &m->nav;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < v->n_menu[k]; i++) {
			struct menu_item *it = &v->menu[k][i];
			free((char *)it->label);
			free((char *)it->url);
			free((char *)it->target_name);
			free((char *)it->section_slug);
			free((char *)it->parent_slug);
		}
		free(v->menu[k]);
	}
	for (size_t i = 0; i < v->n_sections; i++) {
		free((char *)v->sections[i].name);
		free((char *)v->sections[i].slug);
	}
	free(v->sections);
	memset(v, 0, sizeof *v);
}

/* Forgets every answer.  Called with mu held. */
static void forget(struct listmemo *m)
{
	forget_nav(m);
	forget_counts(m);
	for (size_t i = 0; i < m->tag_cap; i++)
		free(m->tags[i].ids);
	free(m->tags);
	m->tags = NULL;
	m->tag_cap = m->n_tags = m->tagged_ids = 0;
	m->stats.resets++;
}

void listmemo_free(struct listmemo *m)
{
	if (!m)
		return;
	forget(m);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* This thread's read snapshot, if listmemo_snapshot_begin opened one:
** the stamp its first sync found, reused until listmemo_snapshot_end. */
static _Thread_local struct {
	const struct listmemo *m; /* the memo, or NULL: none open */
	const struct db *db;      /* the connection holding the snapshot */
	int synced;               /* 1 once stamp is known */
	long long stamp;          /* what sync() returned in it */
} snap;

void listmemo_snapshot_begin(struct listmemo *m, struct db *db)
{
	snap.m = m;
	snap.db = db;
	snap.synced = 0;
}

void listmemo_snapshot_end(struct listmemo *m)
{
	if (snap.m == m)
		snap.m = NULL;
}

/* changes_read's callback: was any a listing's? */
static void note_change(void *ctx, enum change_kind kind, long long id)
{
	(void)id;
	if (kind == CHANGE_LISTS || kind == CHANGE_ALL)
		*(int *)ctx = 1;
}

/* Brings the memo up to the change log; returns the stamp under which this
** call may read and store answers, or -1 when it should not use the memo
** (threads raced, the log could not be read). */
static long long sync_log(struct listmemo *m, struct db *db)
{
	pthread_mutex_lock(&m->mu);
	struct changes_cursor cur = m->cur;
	long long stamp = m->stamp;
	pthread_mutex_unlock(&m->mu);
	int first = cur.top < 0, lists = 0;
	int n = changes_read(db, &cur, MAX_SCAN, note_change, &lists);
	if (db_failed(db))
		return -1;
	if (!first && n == 0 && cur.n_gaps == 0)
		return stamp; /* nothing new: the memo stands */
	pthread_mutex_lock(&m->mu);
	int won = m->stamp == stamp;
	if (won) {
		if (first || lists) {
			forget(m);
			m->stamp++;
		}
		m->cur = cur;
		stamp = m->stamp;
	}
	pthread_mutex_unlock(&m->mu);
	return won ? stamp : -1;
}

/* sync_log(), once per read snapshot of this thread's (see listmemo.h). */
static long long sync(struct listmemo *m, struct db *db)
{
	int in_snap = snap.m == m && snap.db == db;
	if (in_snap && snap.synced)
		return snap.stamp; /* callers compare it with m->stamp, as always */
	long long stamp = sync_log(m, db);
	if (in_snap && stamp >= 0) {
		snap.synced = 1;
		snap.stamp = stamp;
	}
	return stamp;
}

static size_t count_hash(const struct article_scope *s)
{
	unsigned long long h = (unsigned long long)s->kind * 0x9E3779B97F4A7C15ull;
	h ^= (unsigned long long)s->id + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	h ^= (unsigned long long)s->from + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	h ^= (unsigned long long)s->to + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	return (size_t)(h ^ (h >> 29)) & (COUNT_SLOTS - 1);
}

/* The slot holding scope s, or the empty one where it would go.  mu held. */
static struct count_slot *count_slot(struct listmemo *m, const struct article_scope *s)
{
	for (size_t h = count_hash(s);; h = (h + 1) & (COUNT_SLOTS - 1)) {
		struct count_slot *c = &m->counts[h];
		if (!c->used || (c->kind == (int)s->kind && c->id == s->id && c->from == s->from &&
		                 c->to == s->to))
			return c;
	}
}

/* The slot of scope s, taken if it was free (starting over when the table
** is three quarters full).  mu held. */
static struct count_slot *count_slot_take(struct listmemo *m, const struct article_scope *s)
{
	if (m->n_counts >= COUNT_SLOTS * 3 / 4 && !count_slot(m, s)->used)
		forget_counts(m);
	struct count_slot *c = count_slot(m, s);
	if (!c->used) {
		c->used = 1;
		c->kind = (int)s->kind;
		c->id = s->id;
		c->from = s->from;
		c->to = s->to;
		c->count = -1;
		m->n_counts++;
	}
	return c;
}

long long listmemo_count(struct listmemo *m, struct db *db, const struct article_scope *scope)
{
	if (!m)
		return article_count_in_scope(db, scope);
	long long stamp = sync(m, db);
	if (stamp >= 0) {
		pthread_mutex_lock(&m->mu);
		struct count_slot *c = m->stamp == stamp ? count_slot(m, scope) : NULL;
		long long count = c && c->used ? c->count : -1;
		pthread_mutex_unlock(&m->mu);
		if (count >= 0)
			return count;
	}
	long long count = article_count_in_scope(db, scope);
	int failed = db_failed(db);
	pthread_mutex_lock(&m->mu);
	m->stats.reads++;
	if (stamp >= 0 && m->stamp == stamp && !failed)
		count_slot_take(m, scope)->count = count;
	pthread_mutex_unlock(&m->mu);
	return count;
}

struct article *listmemo_page(struct listmemo *m, struct db *db, struct arena *a,
                              const struct article_scope *scope, long long offset, int limit,
                              size_t *n)
{
	long long k = offset / LISTMEMO_STEP;
	if (!m || k == 0)
		return article_in_scope(db, a, scope, offset, limit, 0, n);
	/* The nearest remembered position at or before k steps. */
	struct scope_key from = {0, 0};
	long long j = 0;
	long long stamp = sync(m, db);
	if (stamp >= 0) {
		pthread_mutex_lock(&m->mu);
		struct count_slot *c = m->stamp == stamp ? count_slot(m, scope) : NULL;
		if (c && c->used)
			for (j = (long long)c->n_anchors < k ? (long long)c->n_anchors : k; j > 0; j--)
				if (c->anchors[j - 1].id) {
					from = c->anchors[j - 1];
					break;
				}
		pthread_mutex_unlock(&m->mu);
	}
	if (j < k) {
		/* Walk the index from there to k steps (once), and remember it. */
		struct scope_key key;
		if (article_scope_key(db, scope, &from, (k - j) * LISTMEMO_STEP - 1, &key) != 0)
			return article_in_scope(db, a, scope, offset, limit, 0, n); /* past the end */
		from = key;
		int failed = db_failed(db);
		pthread_mutex_lock(&m->mu);
		m->stats.reads++;
		if (stamp >= 0 && m->stamp == stamp && !failed) {
			struct count_slot *c = count_slot_take(m, scope);
			if (c->n_anchors < (size_t)k) {
				struct scope_key *more = mem_realloc(c->anchors, (size_t)k * sizeof *more);
				memset(more + c->n_anchors, 0, ((size_t)k - c->n_anchors) * sizeof *more);
				c->anchors = more;
				c->n_anchors = (size_t)k;
			}
			c->anchors[k - 1] = key;
		}
		pthread_mutex_unlock(&m->mu);
	}
	return article_in_scope_after(db, a, scope, &from, offset - k * LISTMEMO_STEP, limit, n);
}

static size_t tag_hash(long long tag_id, size_t cap)
{
	return (size_t)((unsigned long long)tag_id * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
}

/* The slot of tag_id, or the empty one where it would go.  mu held, and
** tag_cap > 0. */
static struct tag_slot *tag_slot(struct listmemo *m, long long tag_id)
{
	for (size_t h = tag_hash(tag_id, m->tag_cap);; h = (h + 1) & (m->tag_cap - 1))
		if (m->tags[h].tag_id == tag_id || m->tags[h].tag_id == 0)
			return &m->tags[h];
}

/* Room for one more tag: the table doubles past half full.  mu held. */
static void tag_grow(struct listmemo *m)
{
	if (m->tag_cap && 2 * (m->n_tags + 1) <= m->tag_cap)
		return;
	size_t old_cap = m->tag_cap;
	struct tag_slot *old = m->tags;
	m->tag_cap = old_cap ? 2 * old_cap : 64;
	m->tags = mem_calloc(m->tag_cap, sizeof *m->tags);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].tag_id)
			*tag_slot(m, old[i].tag_id) = old[i];
	free(old);
}

long long *listmemo_tagged(struct listmemo *m, struct db *db, struct arena *a,
                           long long tag_id, size_t *n)
{
	if (!m || tag_id == 0)
		return tag_article_ids(db, a, tag_id, n);
	long long stamp = sync(m, db);
	if (stamp >= 0) {
		long long *copy = NULL;
		pthread_mutex_lock(&m->mu);
		struct tag_slot *t = m->stamp == stamp && m->tag_cap ? tag_slot(m, tag_id) : NULL;
		if (t && t->tag_id) {
			*n = t->n;
			copy = arena_alloc(a, (t->n ? t->n : 1) * sizeof *copy);
			if (t->n)
				memcpy(copy, t->ids, t->n * sizeof *copy);
		}
		pthread_mutex_unlock(&m->mu);
		if (copy)
			return copy;
	}
	long long *ids = tag_article_ids(db, a, tag_id, n);
	int failed = db_failed(db);
	pthread_mutex_lock(&m->mu);
	m->stats.reads++;
	if (stamp >= 0 && m->stamp == stamp && !failed && m->tagged_ids + *n <= MAX_TAGGED_IDS) {
		tag_grow(m);
		struct tag_slot *t = tag_slot(m, tag_id);
		if (!t->tag_id) {
			t->ids = mem_alloc((*n ? *n : 1) * sizeof *t->ids);
			if (*n)
				memcpy(t->ids, ids, *n * sizeof *ids);
			t->n = *n;
			t->tag_id = tag_id;
			m->n_tags++;
			m->tagged_ids += *n;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return ids;
}

/* Copies of n menu items: with dup mem_strdup (to keep), else arena_strdup
** into a (to give out). */
static struct menu_item *menu_copy(const struct menu_item *from, size_t n, struct arena *a)
{
	struct menu_item *to = a ? arena_alloc(a, (n ? n : 1) * sizeof *to)
	                         : mem_alloc((n ? n : 1) * sizeof *to);
	for (size_t i = 0; i < n; i++) {
		to[i] = from[i];
		to[i].label = a ? arena_strdup(a, from[i].label) : mem_strdup(from[i].label);
		to[i].url = a ? arena_strdup(a, from[i].url) : mem_strdup(from[i].url);
		to[i].target_name =
		    a ? arena_strdup(a, from[i].target_name) : mem_strdup(from[i].target_name);
		to[i].section_slug =
		    a ? arena_strdup(a, from[i].section_slug) : mem_strdup(from[i].section_slug);
		to[i].parent_slug =
		    a ? arena_strdup(a, from[i].parent_slug) : mem_strdup(from[i].parent_slug);
	}
	return to;
}

/* The same for terms. */
static struct term *terms_copy(const struct term *from, size_t n, struct arena *a)
{
	struct term *to = a ? arena_alloc(a, (n ? n : 1) * sizeof *to)
	                    : mem_alloc((n ? n : 1) * sizeof *to);
	for (size_t i = 0; i < n; i++) {
		to[i].id = from[i].id;
		to[i].name = a ? arena_strdup(a, from[i].name) : mem_strdup(from[i].name);
		to[i].slug = a ? arena_strdup(a, from[i].slug) : mem_strdup(from[i].slug);
	}
	return to;
}

void listmemo_menus(struct listmemo *m, struct db *db, struct arena *a,
                    struct menu_item **header, size_t *n_header, struct menu_item **footer,
                    size_t *n_footer)
{
	if (!m) {
		menu_items_both(db, a, header, n_header, footer, n_footer);
		return;
	}
	long long stamp = sync(m, db);
	if (stamp >= 0) {
		int hit = 0;
		pthread_mutex_lock(&m->mu);
		if (m->stamp == stamp && m->nav.has_menus) {
			*header = menu_copy(m->nav.menu[0], m->nav.n_menu[0], a);
			*n_header = m->nav.n_menu[0];
			*footer = menu_copy(m->nav.menu[1], m->nav.n_menu[1], a);
			*n_footer = m->nav.n_menu[1];
			hit = 1;
		}
		pthread_mutex_unlock(&m->mu);
		if (hit)
			return;
	}
	menu_items_both(db, a, header, n_header, footer, n_footer);
	int failed = db_failed(db);
	pthread_mutex_lock(&m->mu);
	if (stamp >= 0 && m->stamp == stamp && !failed && !m->nav.has_menus) {
		m->nav.menu[0] = menu_copy(*header, *n_header, NULL);
		m->nav.n_menu[0] = *n_header;
		m->nav.menu[1] = menu_copy(*footer, *n_footer, NULL);
		m->nav.n_menu[1] = *n_footer;
		m->nav.has_menus = 1;
	}
	pthread_mutex_unlock(&m->mu);
}

struct term *listmemo_sections(struct listmemo *m, struct db *db, struct arena *a, size_t *n)
{
	if (!m)
		return section_published(db, a, n);
	long long stamp = sync(m, db);
	if (stamp >= 0) {
		struct term *copy = NULL;
		pthread_mutex_lock(&m->mu);
		if (m->stamp == stamp && m->nav.has_sections) {
			copy = terms_copy(m->nav.sections, m->nav.n_sections, a);
			*n = m->nav.n_sections;
		}
		pthread_mutex_unlock(&m->mu);
		if (copy)
			return copy;
	}
	struct term *got = section_published(db, a, n);
	int failed = db_failed(db);
	pthread_mutex_lock(&m->mu);
	if (stamp >= 0 && m->stamp == stamp && !failed && !m->nav.has_sections) {
		m->nav.sections = terms_copy(got, *n, NULL);
		m->nav.n_sections = *n;
		m->nav.has_sections = 1;
	}
	pthread_mutex_unlock(&m->mu);
	return got;
}

void listmemo_stats(struct listmemo *m, struct listmemo_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	*out = m->stats;
	pthread_mutex_unlock(&m->mu);
}
