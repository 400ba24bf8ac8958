/*
** pagestore.c: the page cache's tier on disk and its preload (see
** pagestore.h for what they promise).
**
** One mutex guards the index (a chained hash table of entries), the
** segments' fill and generations, and the counters.  Writing and reading
** the bytes happen outside it: a put reserves its place in the current
** segment, writes, and adds its entry only if neither a change nor the
** segment's recycling came meanwhile; a hit notes the segment's
** generation, reads, and serves only if it is unchanged (else the bytes
** may be another page's: it answers as a miss).
**
** A record is, for each form in turn: the header values a hit sends
** ("content type\0cache control\0last modified\0etag\0encoding\0" then the
** kept headers "Name\0value\0"... "\0"), then the body.  The index keeps
** each form's place, so a hit reads one form's record with one pread().
*/
#include "web/pagestore.h"
#include "web/pagecache.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define N_BUCKETS (1u << 16)
#define N_SEGS 8
#define MAX_FORMS 3

struct ps_form {
	off_t off;          /* of the record in the entry's segment */
	size_t len;         /* record bytes (header values and body) */
	size_t head;        /* of which header values */
	signed char coding; /* 0 plain, 1 gzip, 2 br */
};

struct ps_entry {
	char *key;                     /* path and query, as the memory tier's */
	unsigned hash;                 /* of key */
	struct ps_entry *chain;        /* next in bucket */
	struct page_deps deps;         /* what it shows */
	long long modified;            /* Last-Modified, as a time */
	int seg;                       /* the segment holding its records */
	unsigned long seg_gen;         /* that segment's generation when written */
	int n_forms;                   /* forms used */
	struct ps_form form[MAX_FORMS];
};

struct ps_seg {
	int fd;              /* an unlinked file */
	size_t used;         /* bytes reserved */
	unsigned long gen;   /* bumped when emptied for reuse */
};

struct pagestore {
	pthread_mutex_t mu;                 /* guards all below */
	struct ps_entry *buckets[N_BUCKETS];
	struct ps_seg seg[N_SEGS];
	int cur;                            /* the segment being filled */
	size_t seg_max;                     /* bytes a segment holds */
	unsigned long seq;                  /* changes applied */
	struct pagestore_stats stats;
};

static unsigned hash_key(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* An unlinked file in dir: O_TMPFILE where the file system has it. */
static int temp_file(const char *dir)
{
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char path[4096];
	snprintf(path, sizeof path, "%s/pagestore-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

struct pagestore *pagestore_new(const char *dir, size_t max_bytes, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the page store's folder %s: %s", dir,
		         strerror(errno));
		return NULL;
	}
	struct pagestore *s = mem_calloc(1, sizeof *s);
	for (int i = 0; i < N_SEGS; i++) {
		s->seg[i].fd = temp_file(dir);
		if (s->seg[i].fd < 0) {
			snprintf(err, errlen, "cannot write in the page store's folder %s: %s", dir,
			         strerror(errno));
			for (int j = 0; j < i; j++)
				close(s->seg[j].fd);
			free(s);
			return NULL;
		}
	}
	pthread_mutex_init(&s->mu, NULL);
	s->seg_max = max_bytes / N_SEGS;
	s->stats.max_bytes = max_bytes;
	return s;
}

static void entry_free(struct ps_entry *e)
{
	free(e->key);
	free(e);
}

void pagestore_free(struct pagestore *s)
{
	if (!s)
		return;
	for (unsigned b = 0; b < N_BUCKETS; b++)
		for (struct ps_entry *e = s->buckets[b], *next; e; e = next) {
			next = e->chain;
			entry_free(e);
		}
	for (int i = 0; i < N_SEGS; i++)
		close(s->seg[i].fd);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

unsigned long pagestore_seq(struct pagestore *s)
{
	pthread_mutex_lock(&s->mu);
	unsigned long seq = s->seq;
	pthread_mutex_unlock(&s->mu);
	return seq;
}

/* ---- index (caller holds mu) ---- */

static struct ps_entry **slot_of(struct pagestore *s, const char *key, unsigned h)
{
	struct ps_entry **pp = &s->buckets[h % N_BUCKETS];
	while (*pp && ((*pp)->hash != h || strcmp((*pp)->key, key)))
		pp = &(*pp)->chain;
	return pp;
}

static void unlink_entry(struct pagestore *s, struct ps_entry **pp)
{
	struct ps_entry *e = *pp;
	*pp = e->chain;
	s->stats.entries--;
	entry_free(e);
}

/* 1 if any of the n changes touches d. */
static int touched(const struct page_deps *d, const enum change_kind *kind, const long long *id,
                   int n)
{
	for (int i = 0; i < n; i++)
		if (page_deps_touched(d, kind[i], id[i]))
			return 1;
	return 0;
}

/* Forgets every entry in segment seg (n 0), or (seg < 0) every entry one
** of the n changes touches: one pass over the index. */
static void drop_where(struct pagestore *s, int seg, const enum change_kind *kind,
                       const long long *id, int n)
{
	if (!s->stats.entries)
		return;
	for (unsigned b = 0; b < N_BUCKETS; b++) {
		struct ps_entry **pp = &s->buckets[b];
		while (*pp) {
			struct ps_entry *e = *pp;
			int drop = seg < 0 ? touched(&e->deps, kind, id, n) : e->seg == seg;
			if (drop) {
				s->stats.dropped += seg < 0;
				unlink_entry(s, pp);
			} else {
				pp = &e->chain;
			}
		}
	}
}

/* The place for n bytes: the current segment, or the next one (emptied
** first, its pages forgotten).  -1 if n is more than a segment holds. */
static int reserve(struct pagestore *s, size_t n, off_t *off)
{
	if (n > s->seg_max)
		return -1;
	if (s->seg[s->cur].used + n > s->seg_max) {
		s->cur = (s->cur + 1) % N_SEGS;
		struct ps_seg *g = &s->seg[s->cur];
		if (g->used) {
			drop_where(s, s->cur, NULL, NULL, 0);
			g->gen++;
			s->stats.bytes -= g->used;
			g->used = 0;
			s->stats.recycled++;
			if (ftruncate(g->fd, 0) != 0)
				log_warn("page store: cannot empty a segment: %s", strerror(errno));
		}
	}
	struct ps_seg *g = &s->seg[s->cur];
	*off = (off_t)g->used;
	g->used += n;
	s->stats.bytes += n;
	return s->cur;
}

/* ---- storing ---- */

static int coding_of(const char *enc)
{
	return !enc ? 0 : !strcmp(enc, "gzip") ? 1 : 2;
}

void pagestore_put(struct pagestore *s, unsigned long seq, const char *key,
                   const struct page_deps *deps, long long modified, const char *content_type,
                   const char *cache_control, const char *last_modified, const char *extra,
                   const struct pagestore_form *forms, int n_forms)
{
	if (n_forms > MAX_FORMS)
		n_forms = MAX_FORMS;
	size_t extra_len = 1;
	for (const char *h = extra; h && *h;) {
		size_t nl = strlen(h) + 1;
		size_t vl = strlen(h + nl) + 1;
		extra_len += nl + vl;
		h += nl + vl;
	}
	/* The records, in one buffer, written with one pwrite(). */
	struct buf b = BUF_INIT;
	struct ps_form place[MAX_FORMS];
	for (int i = 0; i < n_forms; i++) {
		size_t start = b.len;
		const char *enc = forms[i].encoding ? forms[i].encoding : "";
		const char *heads[] = {content_type, cache_control, last_modified, forms[i].etag, enc};
		for (size_t k = 0; k < sizeof heads / sizeof *heads; k++)
			buf_put(&b, heads[k], strlen(heads[k]) + 1);
		if (extra)
			buf_put(&b, extra, extra_len);
		else
			buf_put(&b, "", 1);
		place[i].head = b.len - start;
		buf_put(&b, (const char *)forms[i].body, forms[i].len);
		place[i].off = (off_t)start;
		place[i].len = b.len - start;
		place[i].coding = (signed char)coding_of(forms[i].encoding);
	}
	pthread_mutex_lock(&s->mu);
	off_t off = 0;
	int seg = s->seq == seq ? reserve(s, b.len, &off) : -1;
	unsigned long gen = seg >= 0 ? s->seg[seg].gen : 0;
	int fd = seg >= 0 ? s->seg[seg].fd : -1;
	pthread_mutex_unlock(&s->mu);
	if (seg < 0) {
		buf_free(&b);
		return;
	}
	ssize_t wrote = pwrite(fd, b.data, b.len, off);
	int ok = wrote == (ssize_t)b.len;
	if (!ok)
		log_warn("page store: a write failed: %s", wrote < 0 ? strerror(errno) : "short");
	buf_free(&b);
	pthread_mutex_lock(&s->mu);
	/* A change meanwhile may touch this page, and a recycled segment no
	** longer holds it: keep it only if neither came. */
	if (ok && s->seq == seq && s->seg[seg].gen == gen) {
		unsigned h = hash_key(key);
		struct ps_entry **pp = slot_of(s, key, h);
		if (*pp)
			unlink_entry(s, pp);
		struct ps_entry *e = mem_calloc(1, sizeof *e);
		e->key = mem_strdup(key);
		e->hash = h;
		e->deps = *deps;
		e->modified = modified;
		e->seg = seg;
		e->seg_gen = gen;
		e->n_forms = n_forms;
		for (int i = 0; i < n_forms; i++) {
			e->form[i] = place[i];
			e->form[i].off += off;
		}
		e->chain = s->buckets[h % N_BUCKETS];
		s->buckets[h % N_BUCKETS] = e;
		s->stats.entries++;
		s->stats.stored++;
	}
	pthread_mutex_unlock(&s->mu);
}

void pagestore_changed(struct pagestore *s, const enum change_kind *kind, const long long *id,
                       int n)
{
	if (n <= 0)
		return;
	pthread_mutex_lock(&s->mu);
	s->seq++;
	drop_where(s, -1, kind, id, n);
	pthread_mutex_unlock(&s->mu);
}

/* ---- serving ---- */

static int fresh(const struct ps_entry *e)
{
	return !e->deps.expires_at || (long long)time(NULL) < e->deps.expires_at;
}

int pagestore_has(struct pagestore *s, const char *key)
{
	pthread_mutex_lock(&s->mu);
	struct ps_entry *e = *slot_of(s, key, hash_key(key));
	int has = e && fresh(e);
	pthread_mutex_unlock(&s->mu);
	return has;
}

static void read_release(void *arg)
{
	free(arg);
}

int pagestore_serve(struct pagestore *s, struct http_req *req, const char *key,
                    struct http_resp *resp)
{
	static const char *const coding[] = {NULL, "gzip", "br"};
	const char *ae = http_header(req, "Accept-Encoding");
	pthread_mutex_lock(&s->mu);
	struct ps_entry *e = *slot_of(s, key, hash_key(key));
	if (!e || !fresh(e)) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	/* The best form the reader accepts (the memory tier's choice). */
	int pick = -1;
	for (int i = 0; i < e->n_forms; i++) {
		int c = e->form[i].coding;
		if ((c == 0 || pagecache_accepts(ae, coding[c])) &&
		    (pick < 0 || c > e->form[pick].coding))
			pick = i;
	}
	if (pick < 0) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	struct ps_form f = e->form[pick];
	int seg = e->seg;
	unsigned long gen = e->seg_gen;
	int fd = s->seg[seg].fd;
	time_t modified = (time_t)e->modified;
	int current = s->seg[seg].gen == gen;
	pthread_mutex_unlock(&s->mu);
	if (!current)
		return 0;
	char *rec = mem_alloc(f.len + 1);
	ssize_t got = pread(fd, rec, f.len, f.off);
	pthread_mutex_lock(&s->mu);
	current = s->seg[seg].gen == gen;
	if (current && got == (ssize_t)f.len)
		s->stats.hits++;
	pthread_mutex_unlock(&s->mu);
	if (!current || got != (ssize_t)f.len) {
		free(rec);
		return 0;
	}
	rec[f.len] = 0;
	const char *ct = rec;
	const char *cc = ct + strlen(ct) + 1;
	const char *lm = cc + strlen(cc) + 1;
	const char *etag = lm + strlen(lm) + 1;
	const char *enc = etag + strlen(etag) + 1;
	const char *extra = enc + strlen(enc) + 1;
	http_resp_share(resp, rec, 0, read_release, rec);
	resp->content_type = ct;
	http_resp_header(resp, "ETag", etag);
	http_resp_header(resp, "Last-Modified", lm);
	http_resp_header(resp, "Cache-Control", cc);
	http_resp_header(resp, "Vary", "Accept-Encoding");
	for (const char *h = extra; *h;) {
		const char *v = h + strlen(h) + 1;
		int set = 0;
		for (int i = 0; i < resp->n_headers; i++)
			set |= !strcasecmp(resp->hnames[i], h);
		if (!set)
			http_resp_header(resp, h, v);
		h = v + strlen(v) + 1;
	}
	const char *inm = http_header(req, "If-None-Match");
	const char *ims = inm ? NULL : http_header(req, "If-Modified-Since");
	time_t since = ims ? http_date_parse(ims) : 0;
	if ((inm && (strstr(inm, etag) || !strcmp(inm, "*"))) ||
	    (since > 0 && since >= modified)) {
		resp->status = 304;
		return 1;
	}
	resp->status = 200;
	if (*enc)
		http_resp_header(resp, "Content-Encoding", enc);
	resp->shared = rec + f.head;
	resp->shared_len = f.len - f.head;
	return 1;
}

void pagestore_stats(struct pagestore *s, struct pagestore_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
}

/* ---- the preload ---- */

struct preload {
	struct pagestore *store;
	char host[256];          /* the server's own address (a wildcard: loopback) */
	int port;                /* and port */
	int every;               /* seconds between walks */
	pthread_t thread;
	pthread_mutex_t mu;      /* guards stop */
	pthread_cond_t cv;       /* signalled on stop */
	int stop;
};

static int stopping(struct preload *p)
{
	pthread_mutex_lock(&p->mu);
	int stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* Waits ms milliseconds or until stopped; 1 if stopped. */
static int pause_ms(struct preload *p, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
		;
	int stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* GETs path from the server; the status, and the body in out (if not
** NULL, at most 64 MB).  -1 if it could not be asked. */
static int fetch(struct preload *p, const char *path, int gzip, struct buf *out)
{
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	char port[16];
	snprintf(port, sizeof port, "%d", p->port);
	if (getaddrinfo(p->host, port, &hints, &ai) != 0 || !ai)
		return -1;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return -1;
	}
	struct timeval tv = {60, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int connected = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
	freeaddrinfo(ai);
	if (!connected) {
		close(fd);
		return -1;
	}
	struct buf b = BUF_INIT;
	int v6 = strchr(p->host, ':') != NULL;
	buf_printf(&b, "GET %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nUser-Agent: byline-preload\r\n"
	               "%sConnection: close\r\n\r\n",
	           path, v6 ? "[" : "", p->host, v6 ? "]" : "", p->port,
	           gzip ? "Accept-Encoding: gzip\r\n" : "");
	int status = -1;
	if (write(fd, b.data, b.len) == (ssize_t)b.len) {
		b.len = 0;
		char chunk[16384];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < (64u << 20))
			buf_put(&b, chunk, (size_t)n);
		const char *s = buf_cstr(&b);
		if (!strncmp(s, "HTTP/1.", 7) && strlen(s) > 12)
			status = atoi(s + 9);
		const char *body = strstr(s, "\r\n\r\n");
		if (out && body)
			buf_put(out, body + 4, b.len - (size_t)(body + 4 - s));
	}
	buf_free(&b);
	close(fd);
	return status;
}

/* Calls page(path) for each <loc> in xml, its origin taken off. */
static void each_loc(const char *xml, void (*page)(struct preload *, const char *, void *),
                     struct preload *p, void *ctx)
{
	for (const char *l = strstr(xml, "<loc>"); l; l = strstr(l, "<loc>")) {
		l += 5;
		const char *end = strstr(l, "</loc>");
		if (!end)
			break;
		const char *path = l;
		const char *scheme = strstr(l, "://");
		if (scheme && scheme < end) {
			path = memchr(scheme + 3, '/', (size_t)(end - scheme - 3));
			if (!path)
				path = "/";
		}
		/* The sitemap escapes '&' (the only entity a path may hold). */
		struct buf u = BUF_INIT;
		size_t n = (size_t)(end - path);
		for (size_t i = 0; i < n && *path == '/'; i++) {
			if (i + 5 <= n && !strncmp(path + i, "&amp;", 5)) {
				buf_put(&u, "&", 1);
				i += 4;
			} else {
				buf_put(&u, path + i, 1);
			}
		}
		if (u.len && u.len < 2048)
			page(p, buf_cstr(&u), ctx);
		buf_free(&u);
		l = end;
	}
}

static void preload_page(struct preload *p, const char *path, void *ctx)
{
	(void)ctx;
	if (stopping(p) || pagestore_has(p->store, path))
		return;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fetch(p, path, 1, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_mutex_lock(&p->store->mu);
	p->store->stats.preloaded++;
	pthread_mutex_unlock(&p->store->mu);
	/* As long again idle: the preload takes at most half of one worker. */
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	pause_ms(p, ms < 1 ? 1 : ms);
}

static void preload_sitemap(struct preload *p, const char *path, void *ctx)
{
	(void)ctx;
	if (stopping(p))
		return;
	size_t n = strlen(path);
	if (n < 4 || strcmp(path + n - 4, ".xml") != 0) {
		preload_page(p, path, NULL);
		return;
	}
	struct buf xml = BUF_INIT;
	if (fetch(p, path, 0, &xml) == 200)
		each_loc(buf_cstr(&xml), preload_page, p, NULL);
	buf_free(&xml);
}

static void *preload_main(void *arg)
{
	struct preload *p = arg;
	if (pause_ms(p, 200))
		return NULL;
	for (;;) {
		struct buf xml = BUF_INIT;
		if (fetch(p, "/sitemap.xml", 0, &xml) == 200)
			each_loc(buf_cstr(&xml), preload_sitemap, p, NULL);
		buf_free(&xml);
		pthread_mutex_lock(&p->store->mu);
		p->store->stats.preload_rounds++;
		pthread_mutex_unlock(&p->store->mu);
		if (pause_ms(p, (long)p->every * 1000))
			return NULL;
	}
}

struct preload *preload_start(struct pagestore *s, const char *listen, int port, int every)
{
	struct preload *p = mem_calloc(1, sizeof *p);
	p->store = s;
	/* "HOST:PORT" or "[V6]:PORT"; a wildcard address is reached on loopback. */
	const char *h = listen;
	size_t n = strlen(h);
	if (*h == '[') {
		h++;
		const char *end = strchr(h, ']');
		n = end ? (size_t)(end - h) : 0;
	} else {
		const char *colon = strrchr(h, ':');
		n = colon ? (size_t)(colon - h) : n;
	}
	snprintf(p->host, sizeof p->host, "%.*s", (int)n, h);
	if (!*p->host || !strcmp(p->host, "0.0.0.0") || !strcmp(p->host, "*"))
		snprintf(p->host, sizeof p->host, "127.0.0.1");
	else if (!strcmp(p->host, "::"))
		snprintf(p->host, sizeof p->host, "::1");
	p->port = port;
	p->every = every > 0 ? every : 60;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, preload_main, p) != 0) {
		log_warn("the page store's preload did not start");
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		free(p);
		return NULL;
	}
	return p;
}

void preload_stop(struct preload *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
