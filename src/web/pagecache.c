/*
** pagecache.c: the page cache (see pagecache.h for what it promises).
**
** One mutex guards everything: the hash table of entries (chained), the
** LRU list, the byte count.  Compression and rendering happen outside it.
** A hit lends the response the entry's bytes (no copy): the block holding
** them is reference-counted, so eviction never frees bytes being sent.
**
** The gzip and brotli forms are made lazily: a render stores the plain
** body and only the form its own reader accepts (gzip if it can, the
** cheaper); another form is made by
** the first hit that asks for it (outside the lock; readers asking
** meanwhile get the best form already made).  A crawler storm, where
** nearly every page is asked for once, so pays for one compression per
** miss at most (none when the crawler accepts no coding), not two.
*/
#include "web/pagecache.h"
#include "web/pagestore.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "http/http.h"
#include "core/mem.h"
#include "db/db.h"

#include <brotli/encode.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#define N_BUCKETS 4096
#define WAIT_SECONDS 10
/* Grace: how long a page read lately and made stale by a soft change (a
** comment, a listing, an author's profile) may be served as it was while
** a refresher renders it again, counted from the change (or from the
** start of the render its body came from).  Past it, readers wait for
** that render.  Shorter than the moment the test harness gives another
** process's write to reach a server on PostgreSQL (PG_SEEN_S, 100 ms). */
#define GRACE_MS 50
/* A page served within this many seconds before a change is re-rendered
** at once (refresh-ahead), and graced; another waits for its next reader. */
#define HOT_SECONDS 2
/* Pages waiting for a refresher at most (more: their readers render). */
#define REFRESH_QUEUE 128
/* Threads re-rendering stale pages. */
#define N_REFRESHERS 2
/* How often the watcher asks the pool whether the database changed. */
#define WATCH_NS 1000000L /* 1 ms */

/* The plain form of a page and its header values in one block, shared
** with the responses that are sending it: freed when the entry and every
** such response let go. */
struct pc_block {
	atomic_int refs;
	char *content_type;      /* as rendered (in data) */
	char *cache_control;     /* as rendered, or the default for pages (in data) */
	char last_modified[40];  /* HTTP-date: the handler's, else the render's */
	char etag[3][48];        /* quoted: plain, "-gz", "-br" */
	char *extra;             /* KEPT_HEADERS the render set: "Name\0value\0"... "\0"
	                         ** (in data) */
	unsigned char data[];
};

/* A compressed form, made after the block; it holds a reference to the
** block (whose header values a response serving the form points at). */
struct pc_form {
	atomic_int refs;
	struct pc_block *base; /* the plain form and the header values */
	size_t len;            /* of data */
	unsigned char data[];
};

enum { FORM_PLAIN, FORM_GZIP, FORM_BR, N_FORMS };
enum { FORM_UNMADE, FORM_MAKING, FORM_MADE }; /* pc_entry.made[] */

struct pc_entry {
	char *key;                    /* path and query */
	unsigned hash;                /* of key */
	struct pc_entry *chain;       /* next in bucket */
	struct pc_entry *prev, *next; /* LRU list, most recent first */
	int has_body;                 /* 0: placeholder while the first render runs */
	int stale;                    /* what it shows changed; re-render on next use */
	int hard;                     /* stale by a change never graced (its article
	                              ** edited, unpublished or deleted; a setting):
	                              ** its next reader renders it */
	long long stale_ms;           /* since when its body is stale (grace runs from it) */
	time_t used_at;               /* when last served (hot: refreshed ahead) */
	int queued;                   /* a refresher has it queued or is rendering it */
	int refreshing;               /* tickets held by refreshers (of tickets) */
	unsigned long body_gen;       /* generation of the render the body came from */
	int tickets;                  /* requests rendering it now (never evicted then) */
	unsigned long gen;            /* render generation (a put for an older one is dropped) */
	char etag[40];                /* hash of the plain body, hex */
	time_t modified;              /* Last-Modified, as a time */
	struct pc_block *block;       /* holds the plain body and the header values */
	unsigned char *plain;         /* the plain body (in block) */
	size_t plain_len;
	struct pc_form *form[N_FORMS]; /* [FORM_GZIP], [FORM_BR]; NULL until made, or
	                              ** if it would be no smaller */
	unsigned char made[N_FORMS];  /* FORM_UNMADE, FORM_MAKING or FORM_MADE */
	struct page_deps deps;        /* what it shows */
	size_t bytes;                 /* memory charged */
};

struct pc_ticket {
	struct pc_entry *e;  /* the entry being rendered */
	unsigned long gen;   /* its generation when the render began */
	long long start_ms;  /* when the render began */
	int by_refresher;    /* taken by a refresher (counted in e->refreshing) */
};

struct pagecache {
	pthread_mutex_t mu;            /* guards all below */
	pthread_cond_t cv;             /* signalled when a render ends */
	struct pc_entry *buckets[N_BUCKETS];
	struct pc_entry *head, *tail;  /* LRU */
	size_t bytes, max_bytes;       /* memory in use, bound */
	unsigned long gen;             /* bumped per render start */
	struct changes_cursor cursor;  /* the change log read so far */
	pthread_mutex_t sync_mu;       /* one pagecache_sync at a time (before mu) */
	struct db_pool *pool;          /* the database watched */
	unsigned long long version_seen; /* its data version at the last sync */
	struct pagecache_stats stats;  /* counters */
	/* Refreshers (pagecache_start()): stale pages re-rendered off the
	** readers' path. */
	void (*render)(void *ctx, const char *key); /* renders key as an anonymous GET */
	void (*synced)(void *ctx, struct db *db, int saw_all); /* after a watcher sync */
	void *ctx;                     /* for render and synced */
	char *queue[REFRESH_QUEUE];    /* keys waiting for a refresher (ring) */
	int q_head, q_len;             /* ring position and length */
	pthread_cond_t q_cv;           /* signalled when a key is queued or at stop */
	int stopping;                  /* threads end */
	int n_threads;                 /* entries used in threads */
	pthread_t threads[N_REFRESHERS + 1]; /* refreshers, then the watcher */
	int watching;                  /* the watcher syncs: readers never do */
	struct pagestore *store;       /* the tier on disk, or NULL (pagestore.h) */
};

/* Set on a refresher while it renders: a stale page is never served to it. */
static _Thread_local int in_refresh;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct pagecache *pagecache_new(size_t max_bytes, struct db_pool *pool)
{
	struct pagecache *c = mem_calloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	pthread_cond_init(&c->q_cv, NULL);
	c->max_bytes = max_bytes;
	changes_cursor_start(&c->cursor);
	pthread_mutex_init(&c->sync_mu, NULL);
	c->pool = pool;
	return c;
}

static void block_release(void *arg)
{
	struct pc_block *b = arg;
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

static void form_release(void *arg)
{
	struct pc_form *f = arg;
	if (f && atomic_fetch_sub(&f->refs, 1) == 1) {
		block_release(f->base);
		free(f);
	}
}

static void entry_free_bodies(struct pc_entry *e)
{
	block_release(e->block);
	e->block = NULL;
	e->plain = NULL;
	for (int i = 0; i < N_FORMS; i++) {
		form_release(e->form[i]);
		e->form[i] = NULL;
		e->made[i] = FORM_UNMADE;
	}
}

void pagecache_free(struct pagecache *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stopping = 1;
	pthread_cond_broadcast(&c->q_cv);
	pthread_mutex_unlock(&c->mu);
	for (int i = 0; i < c->n_threads; i++)
		pthread_join(c->threads[i], NULL);
	for (int i = 0; i < c->q_len; i++)
		free(c->queue[(c->q_head + i) % REFRESH_QUEUE]);
	struct pc_entry *e = c->head;
	while (e) {
		struct pc_entry *next = e->next;
		entry_free_bodies(e);
		free(e->key);
		free(e);
		e = next;
	}
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->sync_mu);
	pthread_cond_destroy(&c->cv);
	pthread_cond_destroy(&c->q_cv);
	free(c);
}

/* ---- LRU and table (caller holds mu) ---- */

static void lru_unlink(struct pagecache *c, struct pc_entry *e)
{
	if (e->prev) e->prev->next = e->next; else c->head = e->next;
	if (e->next) e->next->prev = e->prev; else c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct pagecache *c, struct pc_entry *e)
{
	e->next = c->head;
	e->prev = NULL;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static struct pc_entry *find(struct pagecache *c, const char *key, unsigned h)
{
	for (struct pc_entry *e = c->buckets[h % N_BUCKETS]; e; e = e->chain)
		if (e->hash == h && !strcmp(e->key, key))
			return e;
	return NULL;
}

static void remove_entry(struct pagecache *c, struct pc_entry *e)
{
	struct pc_entry **pp = &c->buckets[e->hash % N_BUCKETS];
	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	lru_unlink(c, e);
	c->bytes -= e->bytes;
	c->stats.entries--;
	entry_free_bodies(e);
	free(e->key);
	free(e);
}

/* Evicts least recently used entries (never one being rendered) until the
** bytes fit. */
static void evict(struct pagecache *c)
{
	struct pc_entry *e = c->tail;
	while (c->bytes > c->max_bytes && e) {
		struct pc_entry *prev = e->prev;
		if (!e->tickets)
			remove_entry(c, e);
		e = prev;
	}
}

/* ---- serving ---- */

/* 1 if Accept-Encoding accepts coding (a token with q not 0). */
static int accepts(const char *ae, const char *coding)
{
	if (!ae)
		return 0;
	size_t n = strlen(coding);
	for (const char *p = ae; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *tok = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ')
			p++;
		size_t len = (size_t)(p - tok);
		int zero = 0;
		while (*p && *p != ',') {
			if ((*p == 'q' || *p == 'Q') && p[1] == '=' && p[2] == '0' && (p[3] != '.' ||
			    strspn(p + 4, "0") == strcspn(p + 4, ",; ")))
				zero = 1;
			p++;
		}
		if (len == n && !strncasecmp(tok, coding, n) && !zero)
			return 1;
	}
	return 0;
}

static int resp_header_is_set(const struct http_resp *resp, const char *name)
{
	for (int i = 0; i < resp->n_headers; i++)
		if (!strcasecmp(resp->hnames[i], name))
			return 1;
	return 0;
}

/* The headers of a render that a hit carries too: the REST API's list
** headers and its CORS answer (api.c), the API's discovery Link on
** pages, and the surrogate keys naming what it shows (web/cdn.h).  None
** of them varies with the request (Access-Control-Allow-Origin is "*",
** never the request's Origin), so no Vary is needed. */
static const char *const KEPT_HEADERS[] = {
	"X-WP-Total", "X-WP-TotalPages", "Link", "Access-Control-Allow-Origin",
	"Access-Control-Expose-Headers", "Surrogate-Key", "Cache-Tag",
};
#define N_KEPT (sizeof KEPT_HEADERS / sizeof *KEPT_HEADERS)

/* The form to send a reader accepting ae: the best one made.  *make is
** set to a better one nobody has made or is making (else FORM_PLAIN). */
static int choose_form(const struct pc_entry *e, const char *ae, int *make)
{
	static const char *const coding[N_FORMS] = {NULL, "gzip", "br"};
	*make = FORM_PLAIN;
	for (int f = FORM_BR; f > FORM_PLAIN; f--) {
		if (!accepts(ae, coding[f]))
			continue;
		if (e->made[f] == FORM_MADE && e->form[f])
			return f;
		if (e->made[f] == FORM_UNMADE && *make == FORM_PLAIN)
			*make = f;
	}
	return FORM_PLAIN;
}

/* Fills resp from e's form (made) for req (caller holds mu). */
static void serve(struct pc_entry *e, int form, struct http_req *req, struct http_resp *resp)
{
	static const char *const coding[N_FORMS] = {NULL, "gzip", "br"};
	/* The header values and the body are the block's (and the form's,
	** which holds the block): the response holds a reference until it has
	** been sent (eviction meanwhile only drops the entry's reference), so
	** nothing is copied. */
	struct pc_block *b = e->block;
	const unsigned char *body = e->plain;
	size_t len = e->plain_len;
	if (form != FORM_PLAIN) {
		struct pc_form *f = e->form[form];
		atomic_fetch_add(&f->refs, 1);
		http_resp_share(resp, (const char *)f->data, 0, form_release, f);
		body = f->data, len = f->len;
	} else {
		atomic_fetch_add(&b->refs, 1);
		http_resp_share(resp, (const char *)b->data, 0, block_release, b);
	}
	const char *etag = b->etag[form];
	resp->content_type = b->content_type;
	http_resp_header(resp, "ETag", etag);
	http_resp_header(resp, "Last-Modified", b->last_modified);
	http_resp_header(resp, "Cache-Control", b->cache_control);
	http_resp_header(resp, "Vary", "Accept-Encoding");
	for (const char *h = b->extra; h && *h;) {
		const char *v = h + strlen(h) + 1;
		if (!resp_header_is_set(resp, h))
			http_resp_header(resp, h, v);
		h = v + strlen(v) + 1;
	}
	const char *inm = http_header(req, "If-None-Match");
	const char *ims = inm ? NULL : http_header(req, "If-Modified-Since");
	time_t since = ims ? http_date_parse(ims) : 0;
	if ((inm && (strstr(inm, etag) || !strcmp(inm, "*"))) ||
	    (since > 0 && since >= e->modified)) {
		resp->status = 304;
		return;
	}
	resp->status = 200;
	if (coding[form])
		http_resp_header(resp, "Content-Encoding", coding[form]);
	resp->shared = (const char *)body;
	resp->shared_len = len;
}

/* A compressed form a hit makes outside the lock (make_form()). */
struct pc_job {
	struct pc_block *block; /* the plain body it is made from (a reference) */
	size_t len;             /* of the plain body */
	int form;               /* FORM_GZIP or FORM_BR; FORM_PLAIN: none */
	struct pc_form *made;   /* the result; NULL if no smaller */
};

/* Queues e for a refresher (unless it is already); 1 if a refresher has
** it.  Caller holds mu. */
static int want_refresh(struct pagecache *c, struct pc_entry *e)
{
	if (e->queued)
		return 1;
	if (!c->render || c->stopping || c->q_len == REFRESH_QUEUE)
		return 0;
	c->queue[(c->q_head + c->q_len++) % REFRESH_QUEUE] = mem_strdup(e->key);
	e->queued = 1;
	pthread_cond_signal(&c->q_cv);
	return 1;
}

static void mark_stale(struct pc_entry *e, int hard, long long ms)
{
	if (!e->stale)
		e->stale_ms = ms;
	e->stale = 1;
	e->hard |= hard;
}

/* Serves e if it can be: fresh; stale while another reader re-renders it
** (this one gets the previous version, as before grace); or stale by a
** soft change, within its grace, while a refresher has it.  Never to a
** refresher.  1 if served.  If the reader accepts a better
** form than any made, and job is not NULL, serves nothing and returns 2
** with job to do (make_form(), then attach_form()).  Caller holds mu. */
static int serve_ready(struct pagecache *c, struct pc_entry *e, struct http_req *req,
                       struct http_resp *resp, struct pc_job *job)
{
	if (!e || !e->has_body)
		return 0;
	time_t now = time(NULL);
	if (!e->stale && e->deps.expires_at && (long long)now >= e->deps.expires_at)
		mark_stale(e, 0, now_ms());
	if (e->stale) {
		int by_reader = e->tickets > e->refreshing;
		int graced = !e->hard && e->queued && now_ms() - e->stale_ms < GRACE_MS;
		if (in_refresh || !(by_reader || graced))
			return 0;
	}
	int make;
	int form = choose_form(e, http_header(req, "Accept-Encoding"), &make);
	if (make != FORM_PLAIN) {
		if (!job)
			return 0; /* the event loop never compresses: a worker will */
		e->made[make] = FORM_MAKING;
		atomic_fetch_add(&e->block->refs, 1);
		job->block = e->block;
		job->len = e->plain_len;
		job->form = make;
		job->made = NULL;
		return 2;
	}
	e->used_at = now;
	if (!e->stale) {
		c->stats.hits++;
		lru_unlink(c, e);
		lru_front(c, e);
	} else {
		c->stats.stale_served++;
	}
	serve(e, form, req, resp);
	return 1;
}

int pagecache_accepts(const char *ae, const char *coding)
{
	return accepts(ae, coding);
}

int pagecache_peek(struct pagecache *c, struct http_req *req, const char *key,
                   struct http_resp *resp)
{
	unsigned h = hash_str(key);
	pthread_mutex_lock(&c->mu);
	int hit = serve_ready(c, find(c, key, h), req, resp, NULL);
	pthread_mutex_unlock(&c->mu);
	return hit;
}

static void make_form(struct pc_job *job);
static void attach_form(struct pagecache *c, struct pc_entry *e, struct pc_job *job);

int pagecache_get(struct pagecache *c, struct http_req *req, const char *key,
                  struct http_resp *resp, struct pc_ticket **t)
{
	unsigned h = hash_str(key);
	*t = NULL;
	pthread_mutex_lock(&c->mu);
	struct pc_entry *e = find(c, key, h);
	for (;;) {
		struct pc_job job;
		int got = serve_ready(c, e, req, resp, &job);
		if (got == 2) {
			/* The first reader to ask for this form makes it, unlocked. */
			pthread_mutex_unlock(&c->mu);
			make_form(&job);
			pthread_mutex_lock(&c->mu);
			attach_form(c, find(c, key, h), &job);
			e = find(c, key, h); /* attach_form() may have evicted it */
			continue;
		}
		if (got) {
			pthread_mutex_unlock(&c->mu);
			return 1;
		}
		if (e && (!e->has_body || e->stale) && e->tickets && !in_refresh) {
			/* The first render is under way, or a refresher's past the
			** grace: wait for it, not render twice. */
			c->stats.waits++;
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += WAIT_SECONDS;
			if (pthread_cond_timedwait(&c->cv, &c->mu, &until) != 0)
				break; /* too long: render it ourselves */
			e = find(c, key, h);
			continue;
		}
		break;
	}
	if (!e && c->store && !in_refresh) {
		/* Not in memory: the tier on disk, read unlocked (a change seen
		** before this request was applied to it too: on_change()). */
		pthread_mutex_unlock(&c->mu);
		int hit = pagestore_serve(c->store, req, key, resp);
		pthread_mutex_lock(&c->mu);
		if (hit) {
			c->stats.disk_hits++;
			pthread_mutex_unlock(&c->mu);
			return 1;
		}
		e = find(c, key, h);
	}
	if (!e) {
		e = mem_calloc(1, sizeof *e);
		e->key = mem_strdup(key);
		e->hash = h;
		e->chain = c->buckets[h % N_BUCKETS];
		c->buckets[h % N_BUCKETS] = e;
		e->bytes = sizeof *e + strlen(key);
		c->bytes += e->bytes;
		c->stats.entries++;
		lru_front(c, e);
	}
	c->stats.misses++;
	e->tickets++;
	e->gen = ++c->gen;
	struct pc_ticket *tk = arena_alloc(req->a, sizeof *tk);
	tk->e = e;
	tk->gen = e->gen;
	tk->start_ms = now_ms();
	tk->by_refresher = in_refresh;
	e->refreshing += in_refresh;
	*t = tk;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

static unsigned char *gzip_body(const char *in, size_t n, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, n);
	unsigned char *out = mem_alloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_len >= n) {
		free(out);
		return NULL;
	}
	return out;
}

static unsigned char *brotli_body(const char *in, size_t n, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(n);
	if (!cap)
		return NULL;
	unsigned char *out = mem_alloc(cap);
	*out_len = cap;
	/* Quality 5: most of brotli's gain over gzip at a fraction of 9's time,
	** which a cache miss pays. */
	if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, n,
	                           (const uint8_t *)in, out_len, out) || *out_len >= n) {
		free(out);
		return NULL;
	}
	return out;
}

/* The value of a header already set on resp, or NULL. */
static const char *resp_header(const struct http_resp *resp, const char *name)
{
	for (int i = 0; i < resp->n_headers; i++)
		if (!strcasecmp(resp->hnames[i], name))
			return resp->hvalues[i];
	return NULL;
}

/* Compresses in into a form of base (taking a reference to it), or NULL
** if it would be no smaller. */
static struct pc_form *new_form(int form, struct pc_block *base, const unsigned char *in,
                                size_t n)
{
	size_t len = 0;
	unsigned char *tmp = form == FORM_GZIP ? gzip_body((const char *)in, n, &len)
	                                       : brotli_body((const char *)in, n, &len);
	if (!tmp)
		return NULL;
	struct pc_form *f = mem_alloc(sizeof *f + len);
	atomic_init(&f->refs, 1);
	atomic_fetch_add(&base->refs, 1);
	f->base = base;
	f->len = len;
	memcpy(f->data, tmp, len);
	free(tmp);
	return f;
}

static void make_form(struct pc_job *job)
{
	job->made = new_form(job->form, job->block, job->block->data, job->len);
}

/* Gives e the form job made, if e still holds the body it was made from;
** ends job.  Caller holds mu. */
static void attach_form(struct pagecache *c, struct pc_entry *e, struct pc_job *job)
{
	if (e && e->block == job->block && e->made[job->form] == FORM_MAKING) {
		e->form[job->form] = job->made;
		e->made[job->form] = FORM_MADE;
		size_t more = job->made ? sizeof *job->made + job->made->len : 0;
		e->bytes += more;
		c->bytes += more;
		c->stats.compressed[job->form]++;
		lru_unlink(c, e);
		lru_front(c, e);
		evict(c);
	} else {
		form_release(job->made);
	}
	block_release(job->block);
}

static void abandon(struct pagecache *c, struct pc_ticket *t, int drop);

void pagecache_put(struct pagecache *c, struct pc_ticket *t, struct http_req *req,
                   struct http_resp *resp, const struct page_deps *deps)
{
	if (resp->status != 200 || resp_header(resp, "Set-Cookie")) {
		/* Not 200 to everyone: the previous version goes too, unless this
		** answer was the reader's own (a 304 to its If-Modified-Since, a
		** cookie set). */
		abandon(c, t, t->by_refresher || (resp->status != 200 && resp->status != 304));
		return;
	}
	/* Outside the lock: the block, and the one compressed form this reader
	** accepts (others wait for a reader who asks for them). */
	const char *body = resp->body.data ? resp->body.data : "";
	size_t len = resp->body.len;
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
	char etag[40];
	sodium_bin2hex(etag, sizeof etag, h, sizeof h);
	char date[40];
	const char *lm = resp_header(resp, "Last-Modified");
	time_t modified = lm ? http_date_parse(lm) : 0;
	if (modified <= 0)
		modified = time(NULL);
	http_date_format(modified, date, sizeof date);
	const char *cc = resp_header(resp, "Cache-Control");
	if (!cc || !strcmp(cc, "no-cache"))
		/* Browsers revalidate every time (a 304 is cheap); a CDN or nginx
		** in front may keep it a minute. */
		cc = "public, max-age=0, s-maxage=60, must-revalidate";
	const char *ct = resp->content_type ? resp->content_type : "text/html; charset=utf-8";

	/* One block for the plain body and the strings a hit's headers point
	** at. */
	size_t ct_len = strlen(ct) + 1, cc_len = strlen(cc) + 1;
	size_t extra_len = 1;
	for (size_t i = 0; i < N_KEPT; i++) {
		const char *v = resp_header(resp, KEPT_HEADERS[i]);
		if (v)
			extra_len += strlen(KEPT_HEADERS[i]) + 1 + strlen(v) + 1;
	}
	struct pc_block *block = mem_alloc(sizeof *block + len + ct_len + cc_len + extra_len);
	atomic_init(&block->refs, 1);
	unsigned char *plain = block->data;
	memcpy(plain, body, len);
	block->content_type = (char *)plain + len;
	memcpy(block->content_type, ct, ct_len);
	block->cache_control = block->content_type + ct_len;
	memcpy(block->cache_control, cc, cc_len);
	block->extra = block->cache_control + cc_len;
	char *x = block->extra;
	for (size_t i = 0; i < N_KEPT; i++) {
		const char *v = resp_header(resp, KEPT_HEADERS[i]);
		if (!v)
			continue;
		size_t nl = strlen(KEPT_HEADERS[i]) + 1, vl = strlen(v) + 1;
		memcpy(x, KEPT_HEADERS[i], nl);
		memcpy(x + nl, v, vl);
		x += nl + vl;
	}
	*x = 0;
	snprintf(block->etag[0], sizeof block->etag[0], "\"%.32s\"", etag);
	snprintf(block->etag[1], sizeof block->etag[1], "\"%.32s-gz\"", etag);
	snprintf(block->etag[2], sizeof block->etag[2], "\"%.32s-br\"", etag);
	const char *ae = http_header(req, "Accept-Encoding");
	/* gzip (level 6) costs about a third of brotli (quality 5) on a page
	** and saves nearly as much: a miss, maybe the only request the page
	** will get (a crawler's), pays for gzip if it can; brotli waits for a
	** hit. */
	int form = c->max_bytes == 0 ? FORM_PLAIN
	           : accepts(ae, "gzip") ? FORM_GZIP
	           : accepts(ae, "br") ? FORM_BR : FORM_PLAIN;
	struct pc_form *made = form != FORM_PLAIN ? new_form(form, block, plain, len) : NULL;

	pthread_mutex_lock(&c->mu);
	struct pc_entry *e = t->e;
	e->tickets--;
	int to_disk = 0;           /* the page is current: write it to the disk tier too */
	unsigned long disk_seq = 0;
	char *disk_key = NULL;     /* e's key (e may be evicted once unlocked) */
	e->refreshing -= t->by_refresher;
	/* A render outdated by a change made during it is still newer than a
	** stale body: kept, still stale (and hard if the change was). */
	int newer = e->gen != t->gen && e->has_body && e->stale && t->gen > e->body_gen;
	if ((e->gen == t->gen || newer) && c->max_bytes > 0) {
		/* For If-Modified-Since: the same bytes keep the date given out
		** (an older one would let the next version pass as not modified),
		** and a new version is strictly newer. */
		if (e->has_body && !strcmp(e->etag, etag) && modified != e->modified) {
			modified = e->modified;
			http_date_format(modified, date, sizeof date);
		} else if (e->has_body && strcmp(e->etag, etag) != 0 && modified <= e->modified) {
			modified = e->modified + 1;
			http_date_format(modified, date, sizeof date);
		}
		snprintf(block->last_modified, sizeof block->last_modified, "%s", date);
		c->bytes -= e->bytes;
		entry_free_bodies(e);
		e->block = block;
		e->plain = plain, e->plain_len = len;
		e->bytes = sizeof *e + strlen(e->key) + len;
		if (form != FORM_PLAIN) {
			e->form[form] = made;
			e->made[form] = FORM_MADE;
			c->stats.compressed[form]++;
			if (made)
				e->bytes += sizeof *made + made->len;
			if (!made)
				form = FORM_PLAIN;
		}
		snprintf(e->etag, sizeof e->etag, "%s", etag);
		e->modified = modified;
		e->deps = *deps;
		e->has_body = 1;
		e->body_gen = t->gen;
		if (!newer)
			e->stale = e->hard = 0;
		else
			e->stale_ms = t->start_ms; /* as new as the render's start */
		c->bytes += e->bytes;
		serve(e, form, req, resp);
		if (c->store && !newer) { /* a stale render is not the page's current one */
			to_disk = 1;
			disk_seq = pagestore_seq(c->store);
			disk_key = mem_strdup(e->key);
			atomic_fetch_add(&block->refs, 1);
			if (made)
				atomic_fetch_add(&made->refs, 1);
		}
		evict(c);
	} else {
		/* What it shows changed during the render (or the cache stores
		** nothing): serve this answer, keep nothing. */
		form_release(made);
		block_release(block);
		if (!e->has_body && !e->tickets)
			remove_entry(c, e);
	}
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	if (to_disk) {
		static const char *const coding[N_FORMS] = {NULL, "gzip", "br"};
		struct pagestore_form forms[2] = {{NULL, block->etag[0], plain, len}};
		int n = 1;
		if (made)
			forms[n++] = (struct pagestore_form){coding[form], block->etag[form], made->data,
			                                     made->len};
		pagestore_put(c->store, disk_seq, disk_key, deps, modified,
		              block->content_type, block->cache_control, block->last_modified,
		              block->extra, forms, n);
		free(disk_key);
		form_release(made);
		block_release(block);
	}
}

void pagecache_abandon(struct pagecache *c, struct pc_ticket *t)
{
	if (t)
		abandon(c, t, t->by_refresher);
}

static void abandon(struct pagecache *c, struct pc_ticket *t, int drop)
{
	pthread_mutex_lock(&c->mu);
	struct pc_entry *e = t->e;
	e->tickets--;
	e->refreshing -= t->by_refresher;
	if (drop && e->has_body && e->stale) {
		/* Its page no longer answers 200 to everyone (unpublished, gone,
		** failing): the previous version is never served again. */
		c->bytes -= e->bytes;
		entry_free_bodies(e);
		e->has_body = 0;
		e->bytes = sizeof *e + strlen(e->key);
		c->bytes += e->bytes;
	}
	if (!e->has_body && !e->tickets && !e->queued)
		remove_entry(c, e);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* ---- invalidation ---- */

int page_deps_touched(const struct page_deps *d, enum change_kind kind, long long id)
{
	if (kind == CHANGE_ALL || (d->flags & DEP_EVERYTHING))
		return 1;
	switch (kind) {
	case CHANGE_LISTS:
		return (d->flags & DEP_LISTS) != 0;
	case CHANGE_ARTICLE:
		return d->article_id == id || (d->flags & DEP_ANY_ARTICLE);
	case CHANGE_COMMENTS:
		return d->article_id == id || (d->flags & DEP_ALL_COMMENTS);
	case CHANGE_AUTHOR:
		return d->author_id == id || (d->flags & DEP_LISTS);
	default:
		return 1;
	}
}

/* A change never graced (no refresh ahead, no previous version served
** while a refresher renders): an article's own text and state (edited,
** unpublished, trashed, deleted), and everything (a setting, a section, a
** static page, a redirect); its next reader renders the page, as before
** grace.  Comments, listings and profiles are soft: the previous version
** is served during the refresh (GRACE_MS at most). */
static int hard_change(enum change_kind kind)
{
	return kind == CHANGE_ARTICLE || kind == CHANGE_ALL;
}

static int touches(const struct pc_entry *e, enum change_kind kind, long long id)
{
	return page_deps_touched(&e->deps, kind, id);
}

static void on_change(struct pagecache *c, enum change_kind kind, long long id)
{
	time_t now = time(NULL);
	long long ms = now_ms();
	for (struct pc_entry *e = c->head; e; e = e->next) {
		if (!e->has_body) {
			/* A first render under way read the old data: its result must
			** not be kept (waiting readers then render it themselves). */
			e->gen = ++c->gen;
			continue;
		}
		if (touches(e, kind, id)) {
			mark_stale(e, hard_change(kind), ms);
			e->gen = ++c->gen; /* a render begun before the change is outdated */
			if (!e->hard && now - e->used_at < HOT_SECONDS)
				want_refresh(c, e); /* read lately: render it before it is asked for */
		}
	}
}

struct collected {
	enum change_kind kind[256]; /* what changed */
	long long id[256];          /* which */
	int n;                      /* entries used */
};

static void collect_change(void *ctx, enum change_kind kind, long long id);
static void collect_change(void *ctx, enum change_kind kind, long long id)
{
	struct collected *got = ctx;
	if (got->n < 256) {
		got->kind[got->n] = kind;
		got->id[got->n] = id;
		got->n++;
	}
}

int pagecache_db_changed(struct pagecache *c)
{
	if (c->watching)
		return 0; /* the watcher syncs as soon as the database moves */
	unsigned long long v = db_pool_data_version(c->pool);
	pthread_mutex_lock(&c->mu);
	int changed = c->cursor.top < 0 || v != c->version_seen;
	pthread_mutex_unlock(&c->mu);
	return changed;
}

int pagecache_sync(struct pagecache *c, struct db *db)
{
	/* One reader of the log at a time, so each change is applied once: a
	** change applied twice would drop a render begun after the first (its
	** ticket's generation), and the page would be answered uncached.  The
	** log is read outside mu (renders go on), applied inside. */
	pthread_mutex_lock(&c->sync_mu);
	unsigned long long v = db_pool_data_version(c->pool);
	pthread_mutex_lock(&c->mu);
	struct changes_cursor cur = c->cursor;
	int changed = cur.top < 0 || v != c->version_seen;
	pthread_mutex_unlock(&c->mu);
	if (!changed) { /* another thread synced while this one waited */
		pthread_mutex_unlock(&c->sync_mu);
		return 0;
	}
	struct collected got;
	got.n = 0;
	changes_read(db, &cur, 256, collect_change, &got);
	int saw_all = 0;
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < got.n; i++) {
		on_change(c, got.kind[i], got.id[i]);
		saw_all |= got.kind[i] == CHANGE_ALL;
	}
	if (c->store) /* the same rule, on disk, before anything is answered */
		pagestore_changed(c->store, got.kind, got.id, got.n);
	c->cursor = cur;
	c->version_seen = v;
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_unlock(&c->sync_mu);
	return saw_all;
}

/* 1 if a refresher has e, changed before generation `after`, and has not
** stored a render begun since.  Caller holds mu. */
static int due(const struct pc_entry *e, unsigned long after)
{
	return e && e->stale && e->has_body && e->queued && !e->hard && e->body_gen <= after;
}

/* due() for key's entry, or (key NULL) for any.  Caller holds mu. */
static int refresh_due(struct pagecache *c, const char *key, unsigned long after)
{
	if (key)
		return due(find(c, key, hash_str(key)), after);
	for (struct pc_entry *e = c->head; e; e = e->next)
		if (due(e, after))
			return 1;
	return 0;
}

void pagecache_settle(struct pagecache *c, const char *key, int ms)
{
	if (!c || !c->render)
		return;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&c->mu);
	unsigned long after = c->gen; /* a render begun later reads the write */
	while (refresh_due(c, key, after))
		if (pthread_cond_timedwait(&c->cv, &c->mu, &until) != 0)
			break;
	pthread_mutex_unlock(&c->mu);
}

int pagecache_write_syncs(struct pagecache *c, const char *key)
{
	if (!c || !c->watching || !key)
		return 1;
	pthread_mutex_lock(&c->mu);
	int held = find(c, key, hash_str(key)) != NULL; /* a placeholder counts */
	pthread_mutex_unlock(&c->mu);
	return held;
}

/* ---- refreshers and the watcher ---- */

/* Renders the stale pages queued by want_refresh(), one at a time each,
** through c->render (the site's own GET, anonymous). */
static void *refresher_main(void *arg)
{
	struct pagecache *c = arg;
	in_refresh = 1;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->q_len && !c->stopping)
			pthread_cond_wait(&c->q_cv, &c->mu);
		if (c->stopping)
			break;
		char *key = c->queue[c->q_head];
		c->q_head = (c->q_head + 1) % REFRESH_QUEUE;
		c->q_len--;
		struct pc_entry *e = find(c, key, hash_str(key));
		/* Rendered already, or being rendered by a reader, or made stale
		** by a hard change since (its readers render it): nothing to do. */
		int go = e && e->stale && !e->hard && !e->tickets;
		pthread_mutex_unlock(&c->mu);
		if (go)
			c->render(c->ctx, key);
		pthread_mutex_lock(&c->mu);
		e = find(c, key, hash_str(key));
		if (e) {
			e->queued = 0;
			if (!e->has_body && !e->tickets)
				remove_entry(c, e);
			else if (go && e->stale && !e->hard && time(NULL) - e->used_at < HOT_SECONDS)
				want_refresh(c, e); /* changed again during the render */
		}
		pthread_cond_broadcast(&c->cv);
		free(key);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Syncs the cache as soon as the database's data version moves, so that
** readers never do (pagecache_db_changed() answers 0): a change another
** node made is applied within WATCH_NS of its notification, and the event
** loop never asks the database anything. */
static void *watcher_main(void *arg)
{
	struct pagecache *c = arg;
	for (;;) {
		pthread_mutex_lock(&c->mu);
		int stop = c->stopping;
		pthread_mutex_unlock(&c->mu);
		if (stop)
			break;
		unsigned long long v = db_pool_data_version(c->pool);
		pthread_mutex_lock(&c->mu);
		int changed = c->cursor.top < 0 || v != c->version_seen;
		pthread_mutex_unlock(&c->mu);
		if (changed) {
			struct db *db = db_pool_get(c->pool);
			int saw_all = pagecache_sync(c, db);
			c->synced(c->ctx, db, saw_all);
			db_pool_put(c->pool, db);
			continue;
		}
		struct timespec ts = {0, WATCH_NS};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

void pagecache_start(struct pagecache *c, void (*render)(void *ctx, const char *key),
                     void (*synced)(void *ctx, struct db *db, int saw_all), void *ctx,
                     int watch)
{
	c->render = render;
	c->synced = synced;
	c->ctx = ctx;
	for (int i = 0; i < N_REFRESHERS && render && c->max_bytes > 0; i++)
		if (pthread_create(&c->threads[c->n_threads], NULL, refresher_main, c) == 0)
			c->n_threads++;
	if (!c->n_threads)
		c->render = NULL; /* no refresher: readers render, as without grace */
	if (watch && synced &&
	    pthread_create(&c->threads[c->n_threads], NULL, watcher_main, c) == 0) {
		c->n_threads++;
		c->watching = 1;
	}
}

void pagecache_stats(struct pagecache *c, struct pagecache_stats *out)
{
	pthread_mutex_lock(&c->mu);
	*out = c->stats;
	out->bytes = c->bytes;
	if (c->store) {
		struct pagestore_stats ds;
		pagestore_stats(c->store, &ds);
		out->disk_entries = ds.entries;
		out->disk_bytes = ds.bytes;
		out->disk_stored = ds.stored;
		out->preloaded = ds.preloaded;
		out->preload_rounds = ds.preload_rounds;
		out->has_disk = 1;
	}
	pthread_mutex_unlock(&c->mu);
}

void pagecache_set_store(struct pagecache *c, struct pagestore *s)
{
	c->store = s;
}

int pagecache_stores(const struct pagecache *c)
{
	return c && c->max_bytes > 0;
}
