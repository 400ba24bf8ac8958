/*
** embed.c: embeds (see embed.h): the providers setting, the oEmbed
** request at save, the sanitiser, the still in the article and the
** /embed/KEY/ page.
**
** The oEmbed answer is JSON; only its top-level string and number members
** are read (json_member()), nested values skipped.  The sanitiser does not
** try to clean the provider's html: it accepts one shape only,
** <iframe ATTRS></iframe> with nothing around it, and keeps from it only
** the src (checked), width and height; everything else is dropped.  A
** status of X or Mastodon, whose code always carries a script, is the one
** exception: its iframe is built from the status's address
** (status_embed()), none of the code kept.
*/
#include "web/embed.h"
#include "web/outbound.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/url.h"
#include "db/db.h"
#include "model/embed.h"
#include "model/media.h"
#include "model/account.h"
#include "render/value.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- the providers setting ---- */

struct provider {
	const char *pattern;     /* "example.com" or "*.example.com" */
	const char *endpoint;    /* the oEmbed endpoint */
	const char *frames[8];   /* hosts the player may come from (plus the endpoint's) */
	int n_frames;
};

/* The host of an http(s) URL, lower case, no port.  Allocated in a; "" if
** none. */
static char *host_of(struct arena *a, const char *url)
{
	const char *h = strstr(url, "://");
	if (!h)
		return "";
	h += 3;
	size_t n = strcspn(h, "/?#:");
	char *out = arena_strndup(a, h, n);
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return out;
}

/* "scheme://host[:port]" of an http(s) URL.  Allocated in a. */
static char *origin_of(struct arena *a, const char *url)
{
	const char *h = strstr(url, "://");
	if (!h)
		return "";
	return arena_strndup(a, url, (size_t)(h + 3 - url) + strcspn(h + 3, "/?#"));
}

static int host_matches(const char *pattern, const char *host)
{
	if (!strncmp(pattern, "*.", 2)) {
		size_t pn = strlen(pattern + 1), hn = strlen(host);
		return hn > pn && !strcasecmp(host + hn - pn, pattern + 1);
	}
	return !strcasecmp(pattern, host);
}

/* The provider whose pattern matches url's host, or 0. */
static int find_provider(struct page *p, const char *url, struct provider *out)
{
	struct arena *a = p->a;
	const char *host = host_of(a, url);
	if (!*host)
		return 0;
	char *list = arena_strdup(a, p->app->settings.embed_providers
	                                 ? p->app->settings.embed_providers : "");
	char *save_line = NULL;
	/* providers are separated by line ends or ';' (the preset is one line,
	** so that `byline settings list` shows it on one) */
	for (char *line = strtok_r(list, "\r\n;", &save_line); line;
	     line = strtok_r(NULL, "\r\n;", &save_line)) {
		char *save = NULL;
		char *pat = strtok_r(line, " \t", &save);
		char *ep = pat ? strtok_r(NULL, " \t", &save) : NULL;
		if (!pat || !ep || !url_is_web(ep, strlen(ep)) || !host_matches(pat, host))
			continue;
		memset(out, 0, sizeof *out);
		out->pattern = pat;
		out->endpoint = ep;
		for (char *f = strtok_r(NULL, " \t", &save); f && out->n_frames < 8;
		     f = strtok_r(NULL, " \t", &save))
			out->frames[out->n_frames++] = f;
		return 1;
	}
	return 0;
}

/* ---- reading the answer ---- */

/* Appends the code point c as UTF-8. */
static void put_utf8(struct buf *b, unsigned c)
{
	if (c < 0x80) {
		buf_putc(b, (char)c);
	} else if (c < 0x800) {
		buf_putc(b, (char)(0xC0 | c >> 6));
		buf_putc(b, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		buf_putc(b, (char)(0xE0 | c >> 12));
		buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (c & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | c >> 18));
		buf_putc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
		buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (c & 0x3F)));
	}
}

/* Reads the JSON string at s ('"'), decoded into out (if not NULL).
** Returns the byte after it, or NULL if it is not a whole string. */
static const char *json_string(const char *s, struct buf *out)
{
	if (*s != '"')
		return NULL;
	for (s++; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s != '\\') {
			if (out)
				buf_putc(out, *s);
			continue;
		}
		s++;
		char c = *s;
		const char *simple = strchr("\"\\/bfnrt", c);
		if (c && simple) {
			if (out)
				buf_putc(out, "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
		} else if (c == 'u') {
			unsigned v = 0;
			for (int i = 1; i <= 4; i++) {
				if (!isxdigit((unsigned char)s[i]))
					return NULL;
				v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
				                                                     : (tolower(s[i]) - 'a' + 10));
			}
			s += 4;
			if (out) /* a surrogate (half of an emoji) is shown as U+FFFD */
				put_utf8(out, v >= 0xD800 && v <= 0xDFFF ? 0xFFFD : v);
		} else {
			return NULL;
		}
	}
	return *s == '"' ? s + 1 : NULL;
}

/* Skips the JSON value at s; the byte after it, or NULL. */
static const char *json_skip(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '"')
		return json_string(s, NULL);
	if (*s == '{' || *s == '[') {
		int depth = 0;
		for (; *s; s++) {
			if (*s == '"') {
				s = json_string(s, NULL);
				if (!s)
					return NULL;
				s--;
			} else if (*s == '{' || *s == '[') {
				depth++;
			} else if ((*s == '}' || *s == ']') && --depth == 0) {
				return s + 1;
			}
		}
		return NULL;
	}
	while (*s && !strchr(",}] \t\r\n", *s))
		s++;
	return s;
}

/* The top-level member `key` of the JSON object json, as text (a string
** decoded, a number as written) into out.  1 if found, 0 if not, -1 if
** json is not an object this reader can walk. */
static int json_member(const char *json, const char *key, struct buf *out)
{
	const char *s = json;
	while (isspace((unsigned char)*s))
		s++;
	if (*s++ != '{')
		return -1;
	for (;;) {
		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		if (*s == '}')
			return 0;
		struct buf k = BUF_INIT;
		s = json_string(s, &k);
		int is_key = s && !strcmp(buf_cstr(&k), key);
		buf_free(&k);
		if (!s)
			return -1;
		while (isspace((unsigned char)*s))
			s++;
		if (*s++ != ':')
			return -1;
		while (isspace((unsigned char)*s))
			s++;
		if (is_key) {
			if (*s == '"')
				return json_string(s, out) ? 1 : -1;
			const char *e = json_skip(s);
			if (!e)
				return -1;
			buf_put(out, s, (size_t)(e - s));
			return 1;
		}
		s = json_skip(s);
		if (!s)
			return -1;
	}
}

/* The value of attribute name in the tag text t (quoted with " or '), or
** NULL.  Allocated in a. */
static char *tag_attr(struct arena *a, const char *t, const char *name)
{
	size_t n = strlen(name);
	for (const char *s = t; (s = strcasestr(s, name)) != NULL; s += n) {
		if (s == t || !isspace((unsigned char)s[-1]))
			continue;
		const char *v = s + n;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		char q = *v;
		if (q != '"' && q != '\'')
			return NULL;
		const char *e = strchr(v + 1, q);
		return e ? arena_strndup(a, v + 1, (size_t)(e - v - 1)) : NULL;
	}
	return NULL;
}

/* ---- Mastodon and X: a status whose answer carries a script ----
**
** Their oEmbed code is a blockquote (or Mastodon's iframe) followed by a
** script that would run on our pages.  Nothing of that code is kept: the
** iframe is built from the status's own address, the one the provider
** publishes for framing a status, and the code is only checked to be the
** shape the provider answers with (a blockquote, or an iframe of exactly
** that address; no other iframe).  The still and the /embed/ page are the
** same as for any provider. */

/* The digits of a status id at s (at most 25), their count; 0 if none. */
static size_t status_id(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	return n > 25 ? 0 : n;
}

/* 1 if html holds no iframe but the one whose src is frame (or none at all
** when frame is NULL). */
static int only_iframe_of(struct arena *a, const char *html, const char *frame)
{
	for (const char *t = html; (t = strcasestr(t, "<iframe")) != NULL; t += 7) {
		const char *gt = strchr(t, '>');
		if (!frame || !gt)
			return 0;
		const char *src = tag_attr(a, arena_strndup(a, t, (size_t)(gt - t)), "src");
		if (!src || strcmp(src, frame))
			return 0;
	}
	return 1;
}

/* The frame of X's player for a status of x.com or twitter.com
** (https://x.com/NAME/status/ID...), or NULL if url is none. */
static char *x_frame(struct arena *a, const char *url)
{
	static const char *const hosts[] = {"x.com", "www.x.com", "mobile.x.com", "twitter.com",
	                                    "www.twitter.com", "mobile.twitter.com"};
	const char *host = host_of(a, url);
	int known = 0;
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
		known |= !strcmp(host, hosts[i]);
	const char *path = strstr(url, "://");
	if (!known || strncasecmp(url, "https://", 8))
		return NULL;
	path = strchr(path + 3, '/');
	if (!path)
		return NULL;
	size_t name = strspn(path + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                               "0123456789_");
	if (!name || name > 50 || strncmp(path + 1 + name, "/status/", 8))
		return NULL;
	const char *id = path + 1 + name + 8;
	size_t n = status_id(id);
	if (!n || (id[n] && !strchr("/?#", id[n])))
		return NULL;
	return arena_printf(a, "https://platform.twitter.com/embed/Tweet.html?id=%.*s", (int)n, id);
}

/* The frame of a Mastodon status (ORIGIN/@NAME/ID, embedded as
** ORIGIN/@NAME/ID/embed) when the provider answering is that same origin,
** or NULL. */
static char *mastodon_frame(struct arena *a, const struct provider *pv, const char *url)
{
	const char *origin = origin_of(a, url);
	if (!*origin || strcasecmp(origin, origin_of(a, pv->endpoint)))
		return NULL;
	const char *path = url + strlen(origin);
	if (strncmp(path, "/@", 2))
		return NULL;
	size_t name = strspn(path + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                               "0123456789_");
	if (!name || name > 64 || path[2 + name] != '/')
		return NULL;
	const char *id = path + 3 + name;
	size_t n = status_id(id);
	if (!n || (id[n] && strcmp(id + n, "/")))
		return NULL;
	return arena_printf(a, "%s/@%.*s/%.*s/embed", origin, (int)name, path + 2, (int)n, id);
}

/* For a status of X or Mastodon: checks html is the provider's shape and
** fills e with the frame built from url; NULL, or why not.  *is_status 0
** when url is no such status (the general rule applies). */
static const char *status_embed(struct page *p, const struct provider *pv, const char *url,
                                const char *html, struct embed *e, int *is_status)
{
	struct arena *a = p->a;
	const char *frame = x_frame(a, url);
	int is_x = frame != NULL;
	if (!frame)
		frame = mastodon_frame(a, pv, url);
	*is_status = frame != NULL;
	if (!frame)
		return NULL;
	/* X's code is a blockquote only; Mastodon's a blockquote, or the iframe
	** of this very status (older versions). */
	if (!only_iframe_of(a, html, is_x ? NULL : frame))
		return "the provider's code holds an iframe of another address";
	if (!strcasestr(html, "<blockquote") && (is_x || !strcasestr(html, "<iframe")))
		return "the provider's code is not a post (no quote of it, only a script)";
	if (strncasecmp(frame, "https://", 8) && !p->app->settings.outbound_allow_private)
		return "the post's address is not https";
	const char *fh = host_of(a, frame);
	int ok = !strcasecmp(fh, host_of(a, pv->endpoint));
	for (int i = 0; i < pv->n_frames && !ok; i++)
		ok = host_matches(pv->frames[i], fh);
	if (!ok)
		return arena_printf(a, "the player's host (%s) is not among the provider's", fh);
	e->frame_src = frame;
	e->width = is_x ? 550 : 400;
	e->height = is_x ? 640 : 520;
	return NULL;
}

/* Checks html as one iframe of the provider (or, for a status of X or
** Mastodon, as that provider's code: status_embed()); fills e's frame
** fields or returns why not. */
static const char *sanitise(struct page *p, const struct provider *pv, const char *url,
                            const char *html, struct embed *e)
{
	struct arena *a = p->a;
	/* A status's code is only read, never kept: it is bounded by the
	** answer's own limit (EMBED_MAX_ANSWER), as Mastodon's quote of a
	** post (with its logo) is often longer than an iframe may be. */
	int is_status;
	const char *why = status_embed(p, pv, url, html, e, &is_status);
	if (is_status)
		return why;
	size_t n = strlen(html);
	if (n > EMBED_MAX_HTML)
		return arena_printf(a, "the provider's code is too large (%zu bytes; at most %d)", n,
		                    EMBED_MAX_HTML);
	if (strcasestr(html, "<script"))
		return "the provider's code holds a script, which would run on our pages";
	while (isspace((unsigned char)*html))
		html++;
	n = strlen(html);
	while (n && isspace((unsigned char)html[n - 1]))
		n--;
	static const char open[] = "<iframe", close[] = "</iframe>";
	const char *gt = strchr(html, '>');
	if (strncasecmp(html, open, sizeof open - 1) || !isspace((unsigned char)html[7]) || !gt ||
	    n < sizeof close - 1 || strncasecmp(html + n - (sizeof close - 1), close, sizeof close - 1))
		return "the provider's code is not one iframe";
	for (const char *c = gt + 1; c < html + n - (sizeof close - 1); c++)
		if (!isspace((unsigned char)*c))
			return "the provider's code holds more than one iframe";
	if (memchr(html + 1, '<', (size_t)(gt - html)))
		return "the provider's code is not one iframe";
	char *tag = arena_strndup(a, html, (size_t)(gt - html));
	const char *src = tag_attr(a, tag, "src");
	if (!src || !url_is_web(src, strlen(src)))
		return "the provider's iframe has no web address";
	int https = !strncasecmp(src, "https://", 8);
	if (!https && !p->app->settings.outbound_allow_private)
		return "the provider's iframe is not https";
	const char *fh = host_of(a, src);
	int ok = !strcasecmp(fh, host_of(a, pv->endpoint));
	for (int i = 0; i < pv->n_frames && !ok; i++)
		ok = host_matches(pv->frames[i], fh);
	if (!ok)
		return arena_printf(a, "the provider's iframe comes from another site (%s)", fh);
	e->frame_src = src;
	const char *w = tag_attr(a, tag, "width"), *h = tag_attr(a, tag, "height");
	e->width = w ? atoll(w) : 0;
	e->height = h ? atoll(h) : 0;
	if (e->width < 0 || e->width > 4000)
		e->width = 0;
	if (e->height < 0 || e->height > 4000)
		e->height = 0;
	return NULL;
}

/* Fetches a thumbnail and stores it as our media (the upload checks of
** media_store(): a real image, within the size limits).  Its id, or 0. */
static long long thumbnail(struct page *p, const char *url)
{
	struct buf img = BUF_INIT;
	char err[300];
	enum outbound_end end;
	struct outbound_req r = {
	    .method = "GET", .url = url, .max_bytes = EMBED_MAX_THUMBNAIL,
	    .timeout_seconds = EMBED_SECONDS,
	    .allow_private = p->app->settings.outbound_allow_private,
	};
	int status = outbound_send(&r, &img, err, sizeof err, &end);
	long long id = 0;
	if (status == 200 && img.len) {
		struct media m;
		id = media_store(p->db, p->a, p->app->data_dir, (const unsigned char *)img.data,
		                 img.len, EMBED_MAX_THUMBNAIL, p->user ? p->user->id : 0, &m, err,
		                 sizeof err);
		if (id < 0)
			id = 0;
	}
	buf_free(&img);
	return id;
}

/* Asks the provider about url and stores the answer; NULL, or why it stays
** a link. */
static const char *fetch(struct page *p, const struct provider *pv, const char *url)
{
	struct arena *a = p->a;
	struct buf q = BUF_INIT, body = BUF_INIT, v = BUF_INIT;
	buf_puts(&q, pv->endpoint);
	buf_puts(&q, strchr(pv->endpoint, '?') ? "&url=" : "?url=");
	esc_url_part(&q, url, strlen(url));
	buf_puts(&q, "&format=json&maxwidth=720");
	const char *hdrs[] = {"Accept: application/json", NULL};
	struct outbound_req r = {
	    .method = "GET", .url = buf_cstr(&q), .headers = hdrs, .max_bytes = EMBED_MAX_ANSWER,
	    .timeout_seconds = EMBED_SECONDS,
	    .allow_private = p->app->settings.outbound_allow_private,
	};
	char err[300];
	enum outbound_end end;
	int status = outbound_send(&r, &body, err, sizeof err, &end);
	struct embed e = {.url = url, .fetched_at = (long long)time(NULL)};
	const char *why = NULL;
	if (!status)
		why = arena_printf(a, "the provider could not be asked (%s)", err);
	else if (status != 200)
		why = arena_printf(a, "the provider answered %d", status);
	else if (json_member(buf_cstr(&body), "html", &v) != 1)
		why = "the provider's answer has no embed code";
	else
		why = sanitise(p, pv, url, buf_cstr(&v), &e);
	if (!why) {
		buf_reset(&v);
		json_member(buf_cstr(&body), "title", &v);
		if (!v.len) /* X and Mastodon name the post's author, not a title */
			json_member(buf_cstr(&body), "author_name", &v);
		e.title = arena_strndup(a, buf_cstr(&v), v.len > 300 ? 300 : v.len);
		buf_reset(&v);
		json_member(buf_cstr(&body), "provider_name", &v);
		e.provider = v.len && v.len <= 100 ? arena_strdup(a, buf_cstr(&v))
		                                   : host_of(a, pv->endpoint);
		/* The still's picture: a copy in our media, never the provider's. */
		buf_reset(&v);
		if (json_member(buf_cstr(&body), "thumbnail_url", &v) == 1 &&
		    url_is_web(buf_cstr(&v), v.len))
			e.thumbnail_media_id = thumbnail(p, buf_cstr(&v));
	} else {
		e.frame_src = "";
		e.error = why;
	}
	embed_put(p->db, &e);
	buf_free(&q);
	buf_free(&body);
	buf_free(&v);
	return why;
}

/* Calls fn for each line of body that is a URL alone. */
static void each_link_line(struct page *p, const char *body,
                           void (*fn)(struct page *p, const char *url, struct buf *notes,
                                      int *budget),
                           struct buf *notes, int *budget)
{
	for (const char *line = body; *line;) {
		size_t n = strcspn(line, "\r\n");
		const char *s = line, *e = line + n;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - s > 10 && e - s < 2000 && url_is_web(s, (size_t)(e - s)) &&
		    !memchr(s, ' ', (size_t)(e - s)) && !memchr(s, '\t', (size_t)(e - s)))
			fn(p, arena_strndup(p->a, s, (size_t)(e - s)), notes, budget);
		line += n;
		while (*line == '\r' || *line == '\n')
			line++;
	}
}

/* One link alone on a line: asked about when budget (the requests this
** save may still make) allows and its answer is missing, old or a
** refusal; its note, if it stays a link. */
static void one_link(struct page *p, const char *url, struct buf *notes, int *budget)
{
	struct provider pv;
	if (!find_provider(p, url, &pv))
		return;
	struct embed e;
	int have = embed_get(p->db, p->a, url, &e) == 0;
	const char *why = have ? e.error : NULL;
	int stale = !have || (long long)time(NULL) - e.fetched_at > EMBED_REFRESH_SECONDS ||
	            *e.error;
	if (budget && stale && *budget > 0) {
		(*budget)--;
		why = fetch(p, &pv, url);
	} else if (budget && stale && !have) {
		why = arena_printf(p->a, "not looked up: at most %d links are looked up at each "
		                         "save; save again for the rest", EMBED_MAX_ASKED);
	}
	if (why && *why)
		buf_printf(notes, "This link stays a link: %s: %s.\n", url, why);
}

void embed_refresh(struct page *p, const char *body, struct buf *notes)
{
	int budget = EMBED_MAX_ASKED;
	each_link_line(p, body, one_link, notes, &budget);
}

void embed_notes(struct page *p, const char *body, struct buf *notes)
{
	each_link_line(p, body, one_link, notes, NULL);
}

/* ---- the still ---- */

/* The paragraph's only content as a URL (a bare URL or one link whose text
** is its address), or NULL. */
static char *paragraph_url(struct arena *a, const char *in, size_t n)
{
	struct buf b = BUF_INIT;
	const char *s = in, *e = in + n;
	if (n > 3 && !strncmp(s, "<a ", 3)) {
		const char *gt = memchr(s, '>', n);
		if (!gt || n < 4 || strncmp(e - 4, "</a>", 4))
			return NULL;
		s = gt + 1;
		e -= 4;
	}
	if (memchr(s, '<', (size_t)(e - s)))
		return NULL;
	for (const char *c = s; c < e; c++) {
		if (!strncmp(c, "&amp;", 5) && c + 5 <= e) {
			buf_putc(&b, '&');
			c += 4;
		} else {
			buf_putc(&b, *c);
		}
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* The still is made here, as the page is served, never stored: body_html
** keeps the link's paragraph as the Markdown renderer wrote it, and the
** embeds table only what the provider answered (its name, the title, the
** addresses, the thumbnail's id).  So its words come from the site's
** catalogue at each render (tr()), and a change of language, which drops
** every cached page, shows them in the new language without touching a
** stored body. */
const char *embed_body(struct page *p, const char *html)
{
	if (!strstr(html, "<p>http") && !strstr(html, "<p><a "))
		return html;
	struct arena *a = p->a;
	struct buf out = BUF_INIT;
	const char *s = html;
	for (const char *pp; (pp = strstr(s, "<p>")) != NULL;) {
		const char *end = strstr(pp + 3, "</p>");
		if (!end)
			break;
		char *url = paragraph_url(a, pp + 3, (size_t)(end - pp - 3));
		struct embed e;
		if (url && url_is_web(url, strlen(url)) && embed_get(p->db, a, url, &e) == 0 &&
		    !*e.error && *e.frame_src) {
			buf_put(&out, s, (size_t)(pp - s));
			const char *key = embed_key(a, url);
			buf_puts(&out, "<figure class=\"embed-still\"><a class=\"embed-load\" href=\"/embed/");
			buf_puts(&out, key);
			buf_puts(&out, "/\">");
			struct media_picture pic;
			if (e.thumbnail_media_id &&
			    media_picture(p->db, a, e.thumbnail_media_id, &pic) == 0) {
				buf_puts(&out, "<img class=\"embed-thumb\" src=\"");
				esc_url_attr(&out, pic.url, strlen(pic.url));
				buf_printf(&out, "\" width=\"%u\" height=\"%u\" alt=\"\" loading=\"lazy\">",
				           pic.width, pic.height);
			}
			buf_puts(&out, "<span class=\"embed-play\" aria-hidden=\"true\">▶</span> "
			               "<span class=\"embed-title\">");
			esc_html_s(&out, *e.title ? e.title : url);
			buf_puts(&out, "</span> <span class=\"embed-action\">");
			esc_html_s(&out, trf(p, "Load it from %s", e.provider));
			buf_puts(&out, "</span></a><figcaption>");
			esc_html_s(&out, trf(p, "Nothing is loaded from %s until you choose to.",
			                     e.provider));
			buf_puts(&out, " <a href=\"");
			esc_url_attr(&out, url, strlen(url));
			buf_puts(&out, "\" rel=\"nofollow\">");
			esc_html_s(&out, trf(p, "Open it on %s", e.provider));
			buf_puts(&out, "</a></figcaption></figure>");
			s = end + 4;
			continue;
		}
		buf_put(&out, s, (size_t)(end + 4 - s));
		s = end + 4;
	}
	buf_puts(&out, s);
	const char *r = arena_strdup(a, buf_cstr(&out));
	buf_free(&out);
	return r;
}

/* ---- the player page ---- */

void page_embed(struct page *p)
{
	struct arena *a = p->a;
	const char *key = p->req->n_params ? p->req->params[0] : "";
	struct embed e;
	if (strlen(key) != 16 || embed_by_key(p->db, a, key, &e) != 0 || !*e.frame_src) {
		site_not_found(p);
		return;
	}
	struct tv *ctx = site_context(p, *e.title ? e.title : e.provider);
	tv_set_str(a, ctx, "embed_title", *e.title ? e.title : e.url);
	tv_set_str(a, ctx, "embed_provider", e.provider);
	tv_set_str(a, ctx, "embed_src", e.frame_src);
	tv_set_str(a, ctx, "embed_url", e.url);
	tv_set_int(a, ctx, "embed_width", e.width ? e.width : 640);
	tv_set_int(a, ctx, "embed_height", e.height ? e.height : 360);
	tv_set_bool(a, ctx, "noindex", 1);
	site_render(p, 200, "embed", ctx);
	/* This page alone may frame the player, from its origin only. */
	const char *origin = origin_of(a, e.frame_src);
	http_resp_header(p->resp, "Content-Security-Policy",
	                 arena_printf(a, "default-src 'self'; script-src 'none'; style-src 'self'; "
	                                 "img-src 'self' data:; frame-src %s; object-src 'none'; "
	                                 "base-uri 'self'; form-action 'self'; "
	                                 "frame-ancestors 'self'", origin));
	http_resp_header(p->resp, "Referrer-Policy", "strict-origin");
}
