/*
** webmention.c: receiving, verifying and sending Webmentions (see
** webmention.h for the rules).
**
** The HTML of other sites is only scanned, never rendered: a small tag
** reader walks start tags and their attributes (quoted or not), enough to
** find hrefs, rel values and class names; the text kept from it (a title,
** an author's name) becomes a comment's plain Markdown text, with every
** Markdown punctuation mark escaped, and is checked by comment_submit()
** like anything a reader types.
*/
#include "web/webmention.h"
#include "web/outbound.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/text.h"
#include "core/url.h"
#include "db/db.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/settings.h"
#include "model/webmention.h"
#include "model/status.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_ATTRS 24
#define BATCH 8

/* ---- a small reader of start tags ---- */

struct attr {
	const char *name, *value; /* not NUL-terminated */
	size_t name_len, value_len;
};

struct tag {
	char name[16];           /* lower case; "" for a tag too long to matter */
	int is_end;              /* </name> */
	struct attr attrs[MAX_ATTRS];
	int n_attrs;
	const char *after;       /* the byte after '>' */
};

/* Reads the tag starting at s ('<').  0, or -1 if s starts no tag. */
static int read_tag(const char *s, struct tag *t)
{
	memset(t, 0, sizeof *t);
	const char *p = s + 1;
	if (*p == '/') {
		t->is_end = 1;
		p++;
	}
	if (!isalpha((unsigned char)*p))
		return -1;
	size_t n = 0;
	while (isalnum((unsigned char)*p) || *p == '-') {
		if (n + 1 < sizeof t->name)
			t->name[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	while (*p && *p != '>') {
		while (isspace((unsigned char)*p) || *p == '/')
			p++;
		if (!*p || *p == '>')
			break;
		const char *an = p;
		while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
			p++;
		size_t an_len = (size_t)(p - an);
		while (isspace((unsigned char)*p))
			p++;
		const char *av = "";
		size_t av_len = 0;
		if (*p == '=') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				av = p;
				while (*p && *p != q)
					p++;
				av_len = (size_t)(p - av);
				if (*p)
					p++;
			} else {
				av = p;
				while (*p && !isspace((unsigned char)*p) && *p != '>')
					p++;
				av_len = (size_t)(p - av);
			}
		}
		if (an_len == 0) {
			if (*p && *p != '>')
				p++; /* a stray byte: step over it */
			continue;
		}
		if (t->n_attrs < MAX_ATTRS)
			t->attrs[t->n_attrs++] = (struct attr){an, av, an_len, av_len};
	}
	t->after = *p ? p + 1 : p;
	return 0;
}

/* The attribute's value decoded (&amp; &#38; &quot; &lt; &gt;), or NULL. */
static char *attr(struct arena *a, const struct tag *t, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < t->n_attrs; i++) {
		const struct attr *x = &t->attrs[i];
		if (x->name_len != n || strncasecmp(x->name, name, n))
			continue;
		struct buf b = BUF_INIT;
		for (size_t k = 0; k < x->value_len;) {
			static const struct {
				const char *ent;
				char c;
			} ents[] = {{"&amp;", '&'}, {"&#38;", '&'}, {"&#x26;", '&'}, {"&quot;", '"'},
			            {"&lt;", '<'}, {"&gt;", '>'}};
			int done = 0;
			for (size_t e = 0; e < sizeof ents / sizeof *ents && !done; e++) {
				size_t el = strlen(ents[e].ent);
				if (k + el <= x->value_len && !strncasecmp(x->value + k, ents[e].ent, el)) {
					buf_putc(&b, ents[e].c);
					k += el;
					done = 1;
				}
			}
			if (!done)
				buf_putc(&b, x->value[k++]);
		}
		char *v = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		return v;
	}
	return NULL;
}

/* 1 if the space-separated list holds word (case-insensitive). */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = list; s && *s;) {
		while (isspace((unsigned char)*s))
			s++;
		size_t len = 0;
		while (s[len] && !isspace((unsigned char)s[len]))
			len++;
		if (len == n && !strncasecmp(s, word, n))
			return 1;
		s += len;
	}
	return 0;
}

/* Calls fn for every start tag of html until it returns non-zero; returns
** that. */
static int each_tag(const char *html, int (*fn)(const struct tag *t, void *arg), void *arg)
{
	for (const char *s = strchr(html, '<'); s; s = strchr(s + 1, '<')) {
		struct tag t;
		if (read_tag(s, &t) != 0)
			continue;
		if (!strcmp(t.name, "script") || !strcmp(t.name, "style")) {
			/* their text is no markup */
			const char *end = strcasestr(t.after, t.name[1] == 'c' ? "</script" : "</style");
			if (!end)
				return 0;
			s = end;
			continue;
		}
		int rc = fn(&t, arg);
		if (rc)
			return rc;
		s = t.after - 1;
	}
	return 0;
}

/* Compares two URLs, a trailing '/' on either ignored. */
static int same_url(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y);
	if (nx && x[nx - 1] == '/')
		nx--;
	if (ny && y[ny - 1] == '/')
		ny--;
	return nx == ny && !strncmp(x, y, nx);
}

struct find_link {
	struct arena *a;
	const char *url;
};

static int is_link_to(const struct tag *t, void *arg)
{
	struct find_link *f = arg;
	if (t->is_end)
		return 0;
	const char *href = attr(f->a, t, "href");
	return href && same_url(href, f->url);
}

int webmention_links_to(const char *html, const char *url)
{
	struct arena *a = arena_new();
	struct find_link f = {a, url};
	int rc = each_tag(html, is_link_to, &f);
	arena_free(a);
	return rc;
}

/* ---- URLs ---- */

void webmention_resolve(const char *base, const char *ref, struct buf *out)
{
	const char *colon = strchr(ref, ':');
	const char *delim = strpbrk(ref, "/?#");
	if (colon && (!delim || colon < delim)) { /* has a scheme */
		buf_puts(out, ref);
		return;
	}
	const char *scheme_end = strstr(base, "://");
	if (!scheme_end) {
		buf_puts(out, ref);
		return;
	}
	const char *host = scheme_end + 3;
	const char *path = host + strcspn(host, "/?#");
	if (ref[0] == '/' && ref[1] == '/') {
		buf_put(out, base, (size_t)(scheme_end + 1 - base));
		buf_puts(out, ref);
	} else if (ref[0] == '/') {
		buf_put(out, base, (size_t)(path - base));
		buf_puts(out, ref);
	} else if (ref[0] == 0 || ref[0] == '#') {
		buf_put(out, base, strcspn(base, "#"));
	} else if (ref[0] == '?') {
		buf_put(out, base, strcspn(base, "?#"));
		buf_puts(out, ref);
	} else {
		size_t plen = strcspn(path, "?#");
		const char *slash = NULL;
		for (const char *q = path; q < path + plen; q++)
			if (*q == '/')
				slash = q;
		if (slash)
			buf_put(out, base, (size_t)(slash + 1 - base));
		else {
			buf_put(out, base, (size_t)(path - base));
			buf_putc(out, '/');
		}
		/* "./x" is "x"; "../" is left to the server */
		while (ref[0] == '.' && ref[1] == '/')
			ref += 2;
		buf_puts(out, ref);
	}
}

struct find_endpoint {
	struct arena *a;
	const char *href;        /* the first found */
};

static int is_endpoint(const struct tag *t, void *arg)
{
	struct find_endpoint *f = arg;
	if (t->is_end || (strcmp(t->name, "link") && strcmp(t->name, "a")))
		return 0;
	const char *rel = attr(f->a, t, "rel");
	const char *href = attr(f->a, t, "href");
	if (!rel || !href || !has_word(rel, "webmention"))
		return 0;
	f->href = href;
	return 1;
}

/* The target of a Link header value with rel webmention, or NULL. */
static char *link_header_endpoint(struct arena *a, const char *headers)
{
	for (const char *line = headers; line && *line;) {
		size_t n = strcspn(line, "\r\n");
		if (n > 5 && !strncasecmp(line, "link:", 5)) {
			const char *v = line + 5, *end = line + n;
			/* one header may hold several links, separated by commas */
			while (v < end) {
				const char *lt = memchr(v, '<', (size_t)(end - v));
				if (!lt)
					break;
				const char *gt = memchr(lt, '>', (size_t)(end - lt));
				if (!gt)
					break;
				const char *next = memchr(gt, ',', (size_t)(end - gt));
				const char *params_end = next ? next : end;
				char *params = arena_strndup(a, gt + 1, (size_t)(params_end - gt - 1));
				char *rel = strcasestr(params, "rel=");
				if (rel) {
					rel += 4;
					char *val;
					if (*rel == '"') {
						val = rel + 1;
						char *q = strchr(val, '"');
						if (q)
							*q = 0;
					} else {
						val = rel;
						val[strcspn(val, "; ")] = 0;
					}
					if (has_word(val, "webmention"))
						return arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
				}
				v = next ? next + 1 : end;
			}
		}
		line += n;
		while (*line == '\r' || *line == '\n')
			line++;
	}
	return NULL;
}

int webmention_endpoint(const char *page_url, const char *headers, const char *html,
                        struct buf *out)
{
	struct arena *a = arena_new();
	const char *href = headers ? link_header_endpoint(a, headers) : NULL;
	if (!href && html) {
		struct find_endpoint f = {a, NULL};
		each_tag(html, is_endpoint, &f);
		href = f.href;
	}
	if (href)
		webmention_resolve(page_url, href, out);
	arena_free(a);
	return href ? 0 : -1;
}

/* ---- receiving ---- */

static void answer(struct page *p, int status, const char *text)
{
	http_resp_text(p->resp, status, text);
	p->resp->content_type = "text/plain; charset=utf-8";
}

void webmention_receive(struct page *p)
{
	size_t sn = 0, tn = 0;
	const char *source = http_form(p->req, "source", &sn);
	const char *target = http_form(p->req, "target", &tn);
	if (!source || !target || !*source || !*target) {
		answer(p, 400, "A Webmention needs two form fields: source (the page that links "
		               "here) and target (the page of this site it links to).\n");
		return;
	}
	if (sn > WEBMENTION_URL_MAX || tn > WEBMENTION_URL_MAX || !url_is_web(source, sn) ||
	    !url_is_web(target, tn) || strpbrk(source, " \t\r\n") || strpbrk(target, " \t\r\n")) {
		answer(p, 400, "source and target must both be web addresses (http or https), at "
		               "most 2000 characters.\n");
		return;
	}
	if (same_url(source, target)) {
		answer(p, 400, "source and target are the same page.\n");
		return;
	}
	long long article_id = page_oembed_article(p, target); /* the handler holds the lock */
	if (!article_id) {
		answer(p, 400, "target is not a published article of this site.\n");
		return;
	}
	long long id = webmention_queue(p->db, source, target, article_id, p->req->remote_ip);
	if (id == 0) {
		http_resp_header(p->resp, "Retry-After", "60");
		answer(p, 429, "Too many Webmentions are waiting to be checked; please send it "
		               "again later.\n");
		return;
	}
	if (id < 0) {
		answer(p, 503, "The Webmention could not be queued; please send it again.\n");
		return;
	}
	answer(p, 202, "Accepted: the source will be checked for a link to the target, and the "
	               "mention held for moderation.\n");
}

/* ---- verifying ---- */

/* The text inside the element starting at t (tags dropped, entities kept
** as written but &amp;, spaces folded), at most 200 bytes; "" if none. */
static char *inner_text(struct arena *a, const char *from)
{
	struct buf b = BUF_INIT;
	int depth = 0, space = 0;
	for (const char *s = from; *s && b.len < 200; s++) {
		if (*s == '<') {
			struct tag t;
			if (read_tag(s, &t) == 0) {
				if (t.is_end && depth == 0)
					break;
				if (strcmp(t.name, "br") && strcmp(t.name, "img") && strcmp(t.name, "meta") &&
				    strcmp(t.name, "link") && strcmp(t.name, "input"))
					depth += t.is_end ? -1 : 1;
				s = t.after - 1;
				space = 1;
				continue;
			}
		}
		if (isspace((unsigned char)*s) || (unsigned char)*s < 0x20) {
			space = 1;
			continue;
		}
		if (space && b.len)
			buf_putc(&b, ' ');
		space = 0;
		if (!strncmp(s, "&amp;", 5)) {
			buf_putc(&b, '&');
			s += 4;
		} else {
			buf_putc(&b, *s);
		}
	}
	/* cut at a character boundary */
	size_t n = b.len;
	while (n && ((unsigned char)b.data[n - 1] & 0xC0) == 0x80)
		n--;
	if (n && (unsigned char)b.data[n - 1] >= 0xC0)
		n--;
	if (n == b.len || b.len < 200)
		n = b.len;
	char *out = arena_strndup(a, b.data ? b.data : "", n);
	buf_free(&b);
	return out;
}

struct find_class {
	struct arena *a;
	const char *cls;
	const char *after;       /* where the element's content starts */
};

static int has_class(const struct tag *t, void *arg)
{
	struct find_class *f = arg;
	if (t->is_end)
		return 0;
	const char *c = attr(f->a, t, "class");
	if (c && has_word(c, f->cls)) {
		f->after = t->after;
		return 1;
	}
	return 0;
}

/* The text of the first element with class cls, or "". */
static char *class_text(struct arena *a, const char *html, const char *cls)
{
	struct find_class f = {a, cls, NULL};
	if (!each_tag(html, has_class, &f) || !f.after)
		return "";
	return inner_text(a, f.after);
}

/* s with Markdown's punctuation escaped (a name or title is plain text). */
static char *md_text(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	for (; *s; s++) {
		if (strchr("\\`*_{}[]()<>#+-.!|~&\"'", *s))
			buf_putc(&b, '\\');
		buf_putc(&b, *s);
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* The URL with the bytes a Markdown link destination cannot hold encoded. */
static char *md_url(struct arena *a, const char *u)
{
	struct buf b = BUF_INIT;
	for (; *u; u++) {
		if (strchr("()<> \\", *u) || (unsigned char)*u < 0x21)
			buf_printf(&b, "%%%02X", (unsigned char)*u);
		else
			buf_putc(&b, *u);
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* The host of an http(s) URL ("example.org"). */
static char *host_of(struct arena *a, const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	return arena_strndup(a, h, strcspn(h, "/?#:"));
}

static int setting_int(struct db *db, struct arena *a, const char *key)
{
	const char *v = settings_get(db, a, key);
	return v ? atoi(v) : 0;
}

/* Verifies one mention and records what came of it. */
static void verify(struct db_pool *pool, const struct webmention_in *m, atomic_int *stop)
{
	struct arena *a = arena_new();
	struct db *db = db_pool_get(pool);
	int allow_private = setting_int(db, a, "outbound_allow_private");
	db_pool_put(pool, db);
	struct outbound_req r = {
	    .method = "GET", .url = m->source, .max_bytes = WEBMENTION_MAX_SOURCE,
	    .timeout_seconds = WEBMENTION_SECONDS, .allow_private = allow_private, .stop = stop,
	};
	const char *headers[] = {"Accept: text/html, */*;q=0.5", NULL};
	r.headers = headers;
	struct buf page = BUF_INIT;
	char err[300] = "";
	enum outbound_end end;
	int status = outbound_send(&r, &page, err, sizeof err, &end);
	const char *html = buf_cstr(&page);
	const char *result = "refused", *reason = "";
	enum webmention_verdict verdict = WM_VERIFIED;
	long long comment_id = 0;
	if (end == OUTBOUND_STOPPED) {
		buf_free(&page);
		arena_free(a);
		return; /* left claimed: released at the next start */
	}
	if (!status) {
		result = "failed";
		reason = arena_printf(a, "the source could not be fetched: %s", err);
		verdict = WM_UNREACHABLE;
	} else if (status < 200 || status >= 300) {
		reason = arena_printf(a, "the source answered %d", status);
		verdict = WM_HTTP_ERROR;
	} else if (!webmention_links_to(html, m->target)) {
		reason = "the source does not link to the target";
		verdict = WM_NO_LINK;
	} else {
		const char *title = class_text(a, html, "p-name");
		if (!*title) {
			const char *t = strcasestr(html, "<title");
			const char *gt = t ? strchr(t, '>') : NULL;
			title = gt ? inner_text(a, gt + 1) : "";
		}
		const char *author = class_text(a, html, "p-author");
		char *host = host_of(a, m->source);
		if (!*author)
			author = host;
		const char *body = arena_printf(a, "Mentioned this article%s [%s](%s).",
		                                *title ? ":" : " on", md_text(a, *title ? title : host),
		                                md_url(a, m->source));
		db = db_pool_get(pool);
		struct settings s;
		if (settings_load(db, &s) == 0) {
			struct comment_post post = {
			    .article_id = m->article_id, .name = author, .email = "", .url = m->source,
			    .body = body, .ip = m->ip, .user_agent = "Webmention",
			    .seconds_to_post = -1, .is_webmention = 1,
			};
			struct comment_outcome out;
			enum comment_result cr = comment_submit(db, a, &s, &post, &out);
			if (cr == COMMENT_REFUSED && out.errors[COMMENT_NAME]) {
				post.name = host; /* a name we cannot show: the site's host instead */
				cr = comment_submit(db, a, &s, &post, &out);
			}
			if (cr == COMMENT_STORED) {
				result = "accepted";
				comment_id = out.id;
				reason = arena_printf(a, "stored as comment %lld (%s)", out.id,
				                      comment_status_name(out.status));
			} else {
				reason = out.message ? out.message : "the mention was refused by the comment rules";
			}
			settings_free(&s);
		} else {
			result = "failed";
			reason = "the settings could not be read";
		}
		db_pool_put(pool, db);
	}
	db = db_pool_get(pool);
	webmention_done(db, m->id, result, reason, comment_id, verdict, status);
	db_pool_put(pool, db);
	buf_free(&page);
	arena_free(a);
}

/* ---- sending ---- */

struct collect {
	struct arena *a;
	const char *ours;        /* our base, whose links are skipped */
	const char **links;
	size_t n;
};

static int collect_link(const struct tag *t, void *arg)
{
	struct collect *c = arg;
	if (t->is_end || strcmp(t->name, "a"))
		return 0;
	const char *href = attr(c->a, t, "href");
	if (!href || !url_is_web(href, strlen(href)) || !strncmp(href, c->ours, strlen(c->ours)))
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->links[i], href))
			return 0;
	c->links[c->n++] = href;
	return c->n == WEBMENTION_MAX_LINKS;
}

/* Appends s to b form-encoded. */
static void form_encode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c))
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* Sends the mentions of one article; a line per link into report. */
static void send_article(struct db_pool *pool, struct app *app, long long article_id,
                         atomic_int *stop, struct buf *report)
{
	struct arena *a = arena_new();
	struct db *db = db_pool_get(pool);
	struct article art;
	int found = article_by_id(db, a, article_id, &art) == 0;
	int allow_private = setting_int(db, a, "outbound_allow_private");
	db_pool_put(pool, db);
	if (!found || art.status != ARTICLE_PUBLISHED) {
		buf_puts(report, "not published: nothing sent\n");
		arena_free(a);
		return;
	}
	pthread_rwlock_rdlock(&app->settings_lock);
	const char *base = *app->settings.base_url ? arena_strdup(a, app->settings.base_url)
	                                           : arena_strdup(a, app->listen_origin);
	pthread_rwlock_unlock(&app->settings_lock);
	size_t bn = strlen(base);
	while (bn && base[bn - 1] == '/')
		bn--;
	base = arena_strndup(a, base, bn);
	int y, mo, d;
	text_date_ymd((time_t)art.published_at, &y, &mo, &d);
	struct buf src = BUF_INIT;
	buf_printf(&src, "%s/%04d/%02d/%02d/", base, y, mo, d);
	form_encode(&src, art.slug); /* as site_slug() writes it */
	buf_putc(&src, '/');
	const char *source = arena_strdup(a, buf_cstr(&src));
	buf_free(&src);
	const char *links[WEBMENTION_MAX_LINKS];
	struct collect c = {a, base, links, 0};
	each_tag(art.body_html ? art.body_html : "", collect_link, &c);
	for (size_t i = 0; i < c.n && !atomic_load(stop); i++) {
		struct buf page = BUF_INIT, hdrs = BUF_INIT, endpoint = BUF_INIT;
		char err[300] = "";
		enum outbound_end end;
		struct outbound_req r = {
		    .method = "GET", .url = links[i], .max_bytes = WEBMENTION_MAX_SOURCE,
		    .timeout_seconds = WEBMENTION_SECONDS, .allow_private = allow_private,
		    .stop = stop, .headers_out = &hdrs,
		};
		int status = outbound_send(&r, &page, err, sizeof err, &end);
		if (!status) {
			buf_printf(report, "%s: not fetched: %s\n", links[i], err);
		} else if (webmention_endpoint(links[i], buf_cstr(&hdrs),
		                               status >= 200 && status < 300 ? buf_cstr(&page) : NULL,
		                               &endpoint) != 0) {
			buf_printf(report, "%s: no Webmention endpoint\n", links[i]);
		} else if (!url_is_web(buf_cstr(&endpoint), endpoint.len)) {
			buf_printf(report, "%s: its endpoint is not a web address\n", links[i]);
		} else {
			struct buf form = BUF_INIT, answer = BUF_INIT;
			buf_puts(&form, "source=");
			form_encode(&form, source);
			buf_puts(&form, "&target=");
			form_encode(&form, links[i]);
			const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
			struct outbound_req post = {
			    .method = "POST", .url = buf_cstr(&endpoint), .headers = h,
			    .body = form.data, .body_len = form.len, .max_bytes = 64 * 1024,
			    .timeout_seconds = WEBMENTION_SECONDS, .allow_private = allow_private,
			    .stop = stop,
			};
			int st = outbound_send(&post, &answer, err, sizeof err, &end);
			if (st)
				buf_printf(report, "%s: sent to %s, answered %d\n", links[i],
				           buf_cstr(&endpoint), st);
			else
				buf_printf(report, "%s: sending to %s failed: %s\n", links[i],
				           buf_cstr(&endpoint), err);
			buf_free(&form);
			buf_free(&answer);
		}
		buf_free(&page);
		buf_free(&hdrs);
		buf_free(&endpoint);
	}
	if (!c.n)
		buf_puts(report, "no links to other sites\n");
	arena_free(a);
}

int webmention_work(struct db_pool *pool, struct app *app, atomic_int *stop)
{
	struct arena *a = arena_new();
	struct db *db = db_pool_get(pool);
	size_t n;
	struct webmention_in *in = webmention_claim(db, a, BATCH, &n);
	long long rows[BATCH], arts[BATCH];
	size_t n_out = webmention_claim_sends(db, rows, arts, BATCH);
	db_pool_put(pool, db);
	for (size_t i = 0; i < n && !atomic_load(stop); i++)
		verify(pool, &in[i], stop);
	for (size_t i = 0; i < n_out && !atomic_load(stop); i++) {
		struct buf report = BUF_INIT;
		send_article(pool, app, arts[i], stop, &report);
		if (!atomic_load(stop)) {
			db = db_pool_get(pool);
			webmention_sent(db, rows[i], buf_cstr(&report));
			db_pool_put(pool, db);
		}
		buf_free(&report);
	}
	arena_free(a);
	return n == BATCH || n_out == BATCH;
}
