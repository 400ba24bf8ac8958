/*
** api.c: the WordPress REST API's reads, its route table, errors,
** pagination and who is asking (api.h).  Writes are in api_write.c.
**
** Every answer is JSON written with core/json.h in WordPress's shapes
** (field names and nesting as the REST API Handbook's schemas give them:
** title.rendered, content.rendered, date and date_gmt, _links, ...), and
** every error is {"code", "message", "data": {"status"}}.  Lists carry
** X-WP-Total, X-WP-TotalPages and Link rel="next"/"prev", built from
** site_base() (never from the request's Host).
**
** Anonymous GETs are PAGE_CACHED (route.c): the key holds the path and the
** parameters in API_QUERY_NAMES; the cache keeps the headers above with
** the body (pagecache.c).  What an answer shows is declared in p->deps:
** lists of articles DEP_LISTS | DEP_ANY_ARTICLE, comments DEP_ALL_COMMENTS.
*/
#include "web/api.h"
#include "web/api_int.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/text.h"
#include "model/account.h"
#include "model/apppass.h"
#include "model/article.h"
#include "model/author.h"
#include "model/comment.h"
#include "model/media.h"
#include "model/page.h"
#include "model/restquery.h"
#include "model/settings.h"
#include "model/status.h"
#include "model/taxonomy.h"
#include "render/typography.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- answers ---- */

void api_cors(struct page *p)
{
	http_resp_header(p->resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(p->resp, "Access-Control-Expose-Headers",
	                 "X-WP-Total, X-WP-TotalPages, Link");
}

void api_send(struct api *x, int status)
{
	struct page *p = x->p;
	struct http_resp *resp = p->resp;
	resp->status = status;
	resp->content_type = "application/json; charset=UTF-8";
	buf_reset(&resp->body);
	buf_put(&resp->body, x->b.data ? x->b.data : "", x->b.len);
	api_cors(p);
	if (x->user) {
		p->is_private = 1; /* route.c adds Cache-Control: private, no-store */
		return;
	}
	if (status != 200 || strcmp(p->req->method, "GET") != 0)
		return;
	/* With the page cache the ETag and 304 are its business; without one
	** (or for an answer it does not keep) the same rule here. */
	if (pagecache_stores(p->app->cache))
		return;
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)resp->body.data, resp->body.len,
	                   NULL, 0);
	char hex[2 * sizeof h + 1];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	const char *etag = arena_printf(p->a, "\"%s\"", hex);
	http_resp_header(resp, "ETag", etag);
	const char *inm = http_header(p->req, "If-None-Match");
	if (inm && (strstr(inm, etag) || !strcmp(inm, "*"))) {
		resp->status = 304;
		buf_reset(&resp->body);
	}
}

void api_error(struct api *x, int status, const char *code, const char *message)
{
	buf_reset(&x->b);
	json_w_init(&x->w, &x->b);
	json_obj(&x->w);
	json_kstr(&x->w, "code", code);
	json_kstr(&x->w, "message", message);
	json_key(&x->w, "data");
	json_obj(&x->w);
	json_kint(&x->w, "status", status);
	json_obj_end(&x->w);
	json_obj_end(&x->w);
	x->p->is_private = 1; /* an error is never kept */
	api_send(x, status);
	if (status == 401)
		http_resp_header(x->p->resp, "WWW-Authenticate", "Basic realm=\"WordPress API\"");
}

/* WordPress's rest_invalid_param: {"code", "message": "Invalid
** parameter(s): NAME", "data": {"status": 400, "params": {NAME: why}}}. */
void api_invalid_param(struct api *x, const char *name, const char *why)
{
	buf_reset(&x->b);
	json_w_init(&x->w, &x->b);
	json_obj(&x->w);
	json_kstr(&x->w, "code", "rest_invalid_param");
	json_kstr(&x->w, "message", arena_printf(x->p->a, "Invalid parameter(s): %s", name));
	json_key(&x->w, "data");
	json_obj(&x->w);
	json_kint(&x->w, "status", 400);
	json_key(&x->w, "params");
	json_obj(&x->w);
	json_kstr(&x->w, name, why);
	json_obj_end(&x->w);
	json_obj_end(&x->w);
	json_obj_end(&x->w);
	x->p->is_private = 1;
	api_send(x, 400);
}

/* ---- parameters ---- */

const char *api_param(struct api *x, const char *name)
{
	size_t len;
	const char *v = http_query(x->p->req, name, &len);
	if (!v || strlen(v) != len)
		return v && strlen(v) != len ? "\x01" : v; /* a NUL inside: never valid */
	return v;
}

/* An integer parameter within [lo, hi]; def when absent.  0 with an error
** answered when it is not one. */
int api_int_param(struct api *x, const char *name, long long lo, long long hi, long long def,
                  long long *out)
{
	const char *v = api_param(x, name);
	*out = def;
	if (!v)
		return 1;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || v[0] == '+' || v[0] == ' ') {
		api_invalid_param(x, name, arena_printf(x->p->a, "%s is not of type integer.", name));
		return 0;
	}
	if (n < lo || n > hi) {
		api_invalid_param(x, name, hi >= 1000000000
		    ? arena_printf(x->p->a, "%s must be greater than or equal to %lld", name, lo)
		    : arena_printf(x->p->a, "%s must be between %lld (inclusive) and %lld (inclusive)",
		                   name, lo, hi));
		return 0;
	}
	*out = n;
	return 1;
}

/* A list of ids "1,2,3" into ids[max]; 0 with an error answered if it is
** not one. */
static int id_list(struct api *x, const char *name, long long *ids, size_t max, size_t *n)
{
	*n = 0;
	const char *v = api_param(x, name);
	if (!v || !*v)
		return 1;
	const char *s = v;
	while (*s) {
		char *end;
		long long id = strtoll(s, &end, 10);
		if (end == s || id <= 0 || (*end && *end != ',') || *n == max) {
			api_invalid_param(x, name, *n == max
			    ? arena_printf(x->p->a, "%s holds more than %zu ids.", name, max)
			    : arena_printf(x->p->a, "%s[0] is not of type integer.", name));
			return 0;
		}
		ids[(*n)++] = id;
		s = *end ? end + 1 : end;
	}
	return 1;
}

/* An ISO 8601 date parameter ("2024-06-12T10:00:00", zone optional: the
** site's when absent, as WordPress reads it) into seconds. */
static int date_param(struct api *x, const char *name, long long *out)
{
	*out = 0;
	const char *v = api_param(x, name);
	if (!v)
		return 1;
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, s = 0, used = 0;
	int k = sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used);
	if (k < 6) {
		used = 0;
		k = sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &used);
		if (k < 3)
			used = 0;
	}
	const char *rest = v + used;
	int zone = 0, has_zone = 0;
	if (used && (*rest == 'Z' || *rest == 'z') && !rest[1]) {
		has_zone = 1;
	} else if (used && (*rest == '+' || *rest == '-') && strlen(rest) == 6 && rest[3] == ':') {
		int zh = atoi(rest + 1), zm = atoi(rest + 4);
		zone = (zh * 60 + zm) * 60 * (*rest == '-' ? -1 : 1);
		has_zone = 1;
	} else if (used && *rest) {
		used = 0;
	}
	if (!used || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
		api_invalid_param(x, name, "Invalid date.");
		return 0;
	}
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = s;
	if (has_zone) {
		*out = (long long)timegm(&tm) - zone;
	} else {
		tm.tm_isdst = -1;
		*out = (long long)mktime(&tm);
	}
	return 1;
}

/* ---- what objects are shown with ---- */

/* 1 if the top-level field is asked for (_fields absent, or names it). */
int api_want(struct api *x, const char *field)
{
	if (!x->fields)
		return 1;
	size_t fl = strlen(field);
	const char *s = x->fields;
	while (*s) {
		size_t n = strcspn(s, ",");
		size_t top = strcspn(s, ".,");
		if ((top == fl && !strncmp(s, field, fl)))
			return 1;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* "2024-06-12T10:00:00" in the site's zone (local 0) or UTC (gmt 1). */
static const char *wp_date(struct api *x, long long t, int gmt)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmt)
		gmtime_r(&tt, &tm);
	else
		localtime_r(&tt, &tm);
	char out[32];
	strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
	return arena_strdup(x->p->a, out);
}

static void k_date(struct api *x, const char *name, const char *gmt_name, long long t)
{
	if (api_want(x, name)) {
		json_key(&x->w, name);
		if (t > 0)
			json_str(&x->w, wp_date(x, t, 0));
		else
			json_null(&x->w);
	}
	if (api_want(x, gmt_name)) {
		json_key(&x->w, gmt_name);
		if (t > 0)
			json_str(&x->w, wp_date(x, t, 1));
		else
			json_null(&x->w);
	}
}

/* {"rendered": html} (and "raw": raw for context=edit; "protected" when
** protected_ is 0 or 1: posts' content and excerpt). */
static void k_rendered(struct api *x, const char *name, const char *html, const char *raw,
                       int protected_)
{
	if (!api_want(x, name))
		return;
	json_key(&x->w, name);
	json_obj(&x->w);
	if (x->edit && raw)
		json_kstr(&x->w, "raw", raw);
	json_kstr(&x->w, "rendered", html);
	if (protected_ >= 0)
		json_kbool(&x->w, "protected", protected_);
	json_obj_end(&x->w);
}

static const char *html_text(struct api *x, const char *s)
{
	struct buf b = BUF_INIT;
	esc_html_s(&b, s);
	const char *out = arena_strdup(x->p->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* _links: {"rel": [{"href": ..., extra}]} written one by one. */
static void link(struct api *x, const char *rel, const char *href, int embeddable)
{
	json_key(&x->w, rel);
	json_arr(&x->w);
	json_obj(&x->w);
	if (embeddable)
		json_kbool(&x->w, "embeddable", 1);
	json_kstr(&x->w, "href", href);
	json_obj_end(&x->w);
	json_arr_end(&x->w);
}

static const char *v2(struct api *x, const char *fmt, long long id)
{
	return arena_printf(x->p->a, "%s/wp-json/wp/v2/%s", x->base,
	                    id ? arena_printf(x->p->a, fmt, id) : fmt);
}

static void write_user(struct api *x, const struct author *u, int embedded);
static void write_term(struct api *x, long long id, const char *name, const char *slug,
                       const char *taxonomy, long long count, long long parent,
                       const char *description, const char *link_path);

/* The article's excerpt as WordPress renders it: the standfirst as a
** paragraph, else the start of the text. */
static const char *excerpt(struct api *x, const struct article *art)
{
	if (art->dek && *art->dek)
		return arena_printf(x->p->a, "<p>%s</p>\n", html_text(x, art->dek));
	return "";
}

void api_write_post(struct api *x, struct article *art)
{
	struct page *p = x->p;
	const char *raw_title = art->headline, *raw_body = art->body_src, *raw_dek = art->dek;
	site_typeset(p->a, art);
	const char *link_url = art->status == ARTICLE_PUBLISHED
	    ? arena_printf(p->a, "%s%s", x->base, site_article_path(p, art->published_at, art->slug))
	    : arena_printf(p->a, "%s/?p=%lld", x->base, art->id);
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", art->id);
	k_date(x, "date", "date_gmt", art->published_at ? art->published_at : art->created_at);
	if (api_want(x, "guid")) {
		json_key(&x->w, "guid");
		json_obj(&x->w);
		json_kstr(&x->w, "rendered", arena_printf(p->a, "%s/?p=%lld", x->base, art->id));
		json_obj_end(&x->w);
	}
	k_date(x, "modified", "modified_gmt", art->updated_at);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", art->slug);
	if (api_want(x, "status"))
		json_kstr(&x->w, "status", api_status_name(art->status));
	if (api_want(x, "type"))
		json_kstr(&x->w, "type", "post");
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", link_url);
	k_rendered(x, "title", html_text(x, art->headline), raw_title, -1);
	k_rendered(x, "content", art->body_html, raw_body, 0);
	k_rendered(x, "excerpt", excerpt(x, art), raw_dek, 0);
	if (api_want(x, "author"))
		json_kint(&x->w, "author", art->author_id);
	if (api_want(x, "featured_media"))
		json_kint(&x->w, "featured_media", art->featured_media_id);
	if (api_want(x, "comment_status"))
		json_kstr(&x->w, "comment_status", art->comments_open ? "open" : "closed");
	if (api_want(x, "ping_status"))
		json_kstr(&x->w, "ping_status", "closed");
	if (api_want(x, "sticky"))
		json_kbool(&x->w, "sticky", art->is_sticky);
	if (api_want(x, "template"))
		json_kstr(&x->w, "template", "");
	if (api_want(x, "format"))
		json_kstr(&x->w, "format", "standard");
	if (api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	size_t n_tags = 0;
	struct term *tags = tag_of_article(p->db, p->a, art->id, &n_tags);
	if (api_want(x, "categories")) {
		json_key(&x->w, "categories");
		json_arr(&x->w);
		if (art->section_id)
			json_int(&x->w, art->section_id);
		json_arr_end(&x->w);
	}
	if (api_want(x, "tags")) {
		json_key(&x->w, "tags");
		json_arr(&x->w);
		for (size_t i = 0; i < n_tags; i++)
			json_int(&x->w, tags[i].id);
		json_arr_end(&x->w);
	}
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, "posts/%lld", art->id), 0);
		link(x, "collection", v2(x, "posts", 0), 0);
		link(x, "about", v2(x, "types/post", 0), 0);
		link(x, "author", v2(x, "users/%lld", art->author_id), 1);
		link(x, "replies", arena_printf(p->a, "%s/wp-json/wp/v2/comments?post=%lld", x->base,
		                                art->id), 1);
		if (art->featured_media_id)
			link(x, "wp:featuredmedia", v2(x, "media/%lld", art->featured_media_id), 1);
		link(x, "wp:attachment", arena_printf(p->a, "%s/wp-json/wp/v2/media?parent=%lld",
		                                      x->base, art->id), 0);
		json_key(&x->w, "wp:term");
		json_arr(&x->w);
		json_obj(&x->w);
		json_kstr(&x->w, "taxonomy", "category");
		json_kbool(&x->w, "embeddable", 1);
		json_kstr(&x->w, "href", arena_printf(p->a, "%s/wp-json/wp/v2/categories?post=%lld",
		                                      x->base, art->id));
		json_obj_end(&x->w);
		json_obj(&x->w);
		json_kstr(&x->w, "taxonomy", "post_tag");
		json_kbool(&x->w, "embeddable", 1);
		json_kstr(&x->w, "href", arena_printf(p->a, "%s/wp-json/wp/v2/tags?post=%lld",
		                                      x->base, art->id));
		json_obj_end(&x->w);
		json_arr_end(&x->w);
		json_obj_end(&x->w);
	}
	if (x->embed && api_want(x, "_embedded")) {
		json_key(&x->w, "_embedded");
		json_obj(&x->w);
		struct author u;
		if (author_by_id(p->db, p->a, art->author_id, &u) == 0) {
			json_key(&x->w, "author");
			json_arr(&x->w);
			write_user(x, &u, 1);
			json_arr_end(&x->w);
		}
		struct media m;
		if (art->featured_media_id && media_by_id(p->db, p->a, art->featured_media_id, &m) == 0) {
			json_key(&x->w, "wp:featuredmedia");
			json_arr(&x->w);
			api_write_media(x, &m);
			json_arr_end(&x->w);
		}
		json_key(&x->w, "wp:term");
		json_arr(&x->w);
		json_arr(&x->w);
		if (art->section_id)
			write_term(x, art->section_id, art->section_name, art->section_slug, "category",
			           -1, -1, NULL, section_path(p->db, p->a, art->section_id));
		json_arr_end(&x->w);
		json_arr(&x->w);
		for (size_t i = 0; i < n_tags; i++)
			write_term(x, tags[i].id, tags[i].name, tags[i].slug, "post_tag", -1, -1, NULL,
			           tags[i].slug);
		json_arr_end(&x->w);
		json_arr_end(&x->w);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

const char *api_status_name(enum article_status s)
{
	switch (s) {
	case ARTICLE_PUBLISHED: return "publish";
	case ARTICLE_SCHEDULED: return "future";
	case ARTICLE_PENDING: return "pending";
	case ARTICLE_PRIVATE: return "private";
	case ARTICLE_TRASH: return "trash";
	default: return "draft";
	}
}

void api_write_page(struct api *x, const struct page_row *pg)
{
	struct page *p = x->p;
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", pg->id);
	k_date(x, "date", "date_gmt", pg->created_at);
	if (api_want(x, "guid")) {
		json_key(&x->w, "guid");
		json_obj(&x->w);
		json_kstr(&x->w, "rendered", arena_printf(p->a, "%s/?page_id=%lld", x->base, pg->id));
		json_obj_end(&x->w);
	}
	k_date(x, "modified", "modified_gmt", pg->updated_at);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", pg->slug);
	if (api_want(x, "status"))
		json_kstr(&x->w, "status", pg->status == PAGE_PUBLISHED ? "publish"
		                           : pg->status == PAGE_PRIVATE ? "private" : "draft");
	if (api_want(x, "type"))
		json_kstr(&x->w, "type", "page");
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", arena_printf(p->a, "%s/%s/", x->base, pg->path));
	k_rendered(x, "title", html_text(x, typography_text_str(p->a, pg->title)), pg->title, -1);
	k_rendered(x, "content", pg->body_html && *pg->body_html
	                             ? typography_html_str(p->a, pg->body_html) : "",
	           pg->body_src, 0);
	k_rendered(x, "excerpt", "", "", 0);
	if (api_want(x, "author"))
		json_kint(&x->w, "author", pg->author_id);
	if (api_want(x, "featured_media"))
		json_kint(&x->w, "featured_media", 0);
	if (api_want(x, "parent"))
		json_kint(&x->w, "parent", pg->parent_id);
	if (api_want(x, "menu_order"))
		json_kint(&x->w, "menu_order", pg->menu_order);
	if (api_want(x, "comment_status"))
		json_kstr(&x->w, "comment_status", pg->comments_open ? "open" : "closed");
	if (api_want(x, "ping_status"))
		json_kstr(&x->w, "ping_status", "closed");
	if (api_want(x, "template"))
		json_kstr(&x->w, "template", "");
	if (api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, "pages/%lld", pg->id), 0);
		link(x, "collection", v2(x, "pages", 0), 0);
		if (pg->author_id)
			link(x, "author", v2(x, "users/%lld", pg->author_id), 1);
		if (pg->parent_id)
			link(x, "up", v2(x, "pages/%lld", pg->parent_id), 1);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

/* Published posts in a category or with a tag (the desk's counts hold
** drafts too, which the public must not learn of). */
static long long published_count(struct api *x, long long id, int cat)
{
	struct rest_post_filter f = {0};
	if (cat)
		f.categories[0] = id, f.n_categories = 1;
	else
		f.tags[0] = id, f.n_tags = 1;
	return rest_post_count(x->p->db, &f);
}

static void write_term(struct api *x, long long id, const char *name, const char *slug,
                       const char *taxonomy, long long count, long long parent,
                       const char *description, const char *link_path)
{
	struct page *p = x->p;
	int cat = !strcmp(taxonomy, "category");
	if (count >= 0)
		count = published_count(x, id, cat);
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", id);
	if (count >= 0 && api_want(x, "count"))
		json_kint(&x->w, "count", count);
	if (description && api_want(x, "description"))
		json_kstr(&x->w, "description", description);
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", link_path && link_path[0] == '/'
		    ? arena_printf(p->a, "%s%s", x->base, link_path) /* section_path(): whole */
		    : arena_printf(p->a, "%s/%s/%s/", x->base, cat ? "category" : "tag",
		                   site_slug(p->a, slug)));
	if (api_want(x, "name"))
		json_kstr(&x->w, "name", name);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", slug);
	if (api_want(x, "taxonomy"))
		json_kstr(&x->w, "taxonomy", taxonomy);
	if (cat && parent >= 0 && api_want(x, "parent"))
		json_kint(&x->w, "parent", parent);
	if (description && api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, cat ? "categories/%lld" : "tags/%lld", id), 0);
		link(x, "collection", v2(x, cat ? "categories" : "tags", 0), 0);
		link(x, "wp:post_type", arena_printf(p->a, "%s/wp-json/wp/v2/posts?%s=%lld", x->base,
		                                     cat ? "categories" : "tags", id), 0);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

/* A user's public fields (WordPress's view context: never an email). */
static void write_user(struct api *x, const struct author *u, int embedded)
{
	struct page *p = x->p;
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", u->id);
	if (api_want(x, "name"))
		json_kstr(&x->w, "name", u->name);
	if (api_want(x, "url"))
		json_kstr(&x->w, "url", "");
	if (api_want(x, "description"))
		json_kstr(&x->w, "description", u->bio ? u->bio : "");
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", arena_printf(p->a, "%s%s", x->base, site_author_path(p, u->slug)));
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", u->slug);
	if (api_want(x, "avatar_urls")) {
		json_key(&x->w, "avatar_urls");
		json_obj(&x->w);
		if (u->avatar && *u->avatar) {
			const char *url = arena_printf(p->a, "%s%s", x->base, u->avatar);
			json_kstr(&x->w, "24", url);
			json_kstr(&x->w, "48", url);
			json_kstr(&x->w, "96", url);
		}
		json_obj_end(&x->w);
	}
	if (!embedded && api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	if (!embedded && x->edit && x->user && x->user->id == u->id) {
		/* context=edit of one's own account (users/me): the edit fields
		** WordPress gives its owner. */
		if (api_want(x, "username"))
			json_kstr(&x->w, "username", x->user->email);
		if (api_want(x, "email"))
			json_kstr(&x->w, "email", x->user->email);
		if (api_want(x, "nickname"))
			json_kstr(&x->w, "nickname", x->user->name);
		if (api_want(x, "roles")) {
			json_key(&x->w, "roles");
			json_arr(&x->w);
			json_str(&x->w, role_name(x->user->role));
			json_arr_end(&x->w);
		}
	}
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, "users/%lld", u->id), 0);
		link(x, "collection", v2(x, "users", 0), 0);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

void api_write_media(struct api *x, const struct media *m)
{
	struct page *p = x->p;
	const char *url = arena_printf(p->a, "%s%s", x->base, m->url);
	const char *title = *m->title ? m->title : *m->original_name ? m->original_name : m->hash;
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", m->id);
	k_date(x, "date", "date_gmt", m->created_at);
	if (api_want(x, "guid")) {
		json_key(&x->w, "guid");
		json_obj(&x->w);
		json_kstr(&x->w, "rendered", url);
		json_obj_end(&x->w);
	}
	k_date(x, "modified", "modified_gmt", m->created_at);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", arena_printf(p->a, "media-%lld", m->id));
	if (api_want(x, "status"))
		json_kstr(&x->w, "status", "inherit");
	if (api_want(x, "type"))
		json_kstr(&x->w, "type", "attachment");
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", url);
	k_rendered(x, "title", html_text(x, title), title, -1);
	if (api_want(x, "author"))
		json_kint(&x->w, "author", m->uploaded_by);
	if (api_want(x, "comment_status"))
		json_kstr(&x->w, "comment_status", "closed");
	if (api_want(x, "ping_status"))
		json_kstr(&x->w, "ping_status", "closed");
	if (api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	k_rendered(x, "description", "", "", -1);
	k_rendered(x, "caption", *m->caption ? arena_printf(p->a, "<p>%s</p>\n",
	                                                    html_text(x, m->caption)) : "",
	           m->caption, -1);
	if (api_want(x, "alt_text"))
		json_kstr(&x->w, "alt_text", m->alt);
	if (api_want(x, "media_type"))
		json_kstr(&x->w, "media_type", "image");
	if (api_want(x, "mime_type"))
		json_kstr(&x->w, "mime_type", m->mime);
	if (api_want(x, "media_details")) {
		json_key(&x->w, "media_details");
		json_obj(&x->w);
		json_kint(&x->w, "width", m->width);
		json_kint(&x->w, "height", m->height);
		json_kstr(&x->w, "file", m->url + 1 + strlen("media/"));
		json_kint(&x->w, "filesize", m->bytes);
		json_key(&x->w, "sizes");
		json_obj(&x->w);
		json_key(&x->w, "full");
		json_obj(&x->w);
		json_kstr(&x->w, "file", m->url + 1 + strlen("media/"));
		json_kint(&x->w, "width", m->width);
		json_kint(&x->w, "height", m->height);
		json_kstr(&x->w, "mime_type", m->mime);
		json_kstr(&x->w, "source_url", url);
		json_obj_end(&x->w);
		json_obj_end(&x->w);
		json_obj_end(&x->w);
	}
	if (api_want(x, "post")) {
		json_key(&x->w, "post");
		json_null(&x->w);
	}
	if (api_want(x, "source_url"))
		json_kstr(&x->w, "source_url", url);
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, "media/%lld", m->id), 0);
		link(x, "collection", v2(x, "media", 0), 0);
		if (m->uploaded_by)
			link(x, "author", v2(x, "users/%lld", m->uploaded_by), 1);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

void api_write_comment(struct api *x, const struct comment *c)
{
	struct page *p = x->p;
	struct article art;
	const char *art_link = x->base;
	struct page_row pg;
	if (c->article_id) {
		if (article_by_id(p->db, p->a, c->article_id, &art) == 0 && art.published_at)
			art_link = arena_printf(p->a, "%s%s", x->base,
			                        site_article_path(p, art.published_at, art.slug));
	} else if (c->page_id && page_by_id(p->db, p->a, c->page_id, &pg) == 0) {
		/* A comment on a static page: its post is the page (pages/ID). */
		art_link = arena_printf(p->a, "%s%s", x->base, site_page_path(p->a, pg.path));
	}
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", c->id);
	if (api_want(x, "post"))
		json_kint(&x->w, "post", c->article_id ? c->article_id : c->page_id);
	if (api_want(x, "parent"))
		json_kint(&x->w, "parent", c->parent_id);
	if (api_want(x, "author"))
		json_kint(&x->w, "author", c->user_id);
	if (api_want(x, "author_name"))
		json_kstr(&x->w, "author_name", c->author_name);
	if (api_want(x, "author_url"))
		json_kstr(&x->w, "author_url", c->author_url);
	if (x->edit && api_want(x, "author_email"))
		json_kstr(&x->w, "author_email", c->author_email ? c->author_email : "");
	if (x->edit && api_want(x, "author_ip"))
		json_kstr(&x->w, "author_ip", c->ip ? c->ip : "");
	k_date(x, "date", "date_gmt", c->created_at);
	k_rendered(x, "content", c->body_html, c->body, -1);
	if (api_want(x, "link"))
		json_kstr(&x->w, "link", arena_printf(p->a, "%s#comment-%lld", art_link, c->id));
	if (api_want(x, "status"))
		json_kstr(&x->w, "status", c->status == COMMENT_APPROVED ? "approved"
		                           : c->status == COMMENT_PENDING ? "hold"
		                           : comment_status_name(c->status));
	if (api_want(x, "type"))
		json_kstr(&x->w, "type", "comment");
	if (api_want(x, "author_avatar_urls")) {
		json_key(&x->w, "author_avatar_urls");
		json_obj(&x->w);
		json_obj_end(&x->w);
	}
	if (api_want(x, "meta")) {
		json_key(&x->w, "meta");
		json_arr(&x->w);
		json_arr_end(&x->w);
	}
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "self", v2(x, "comments/%lld", c->id), 0);
		link(x, "collection", v2(x, "comments", 0), 0);
		link(x, "up", c->article_id ? v2(x, "posts/%lld", c->article_id)
		                            : v2(x, "pages/%lld", c->page_id), 1);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

/* ---- lists ---- */

/* page and per_page (and offset), checked as WordPress checks them. */
static int paging(struct api *x, long long *page, long long *per_page, long long *offset)
{
	if (!api_int_param(x, "page", 1, 1000000000, 1, page) ||
	    !api_int_param(x, "per_page", 1, 100, 10, per_page) ||
	    !api_int_param(x, "offset", 0, 1000000000, -1, offset))
		return 0;
	if (*offset < 0)
		*offset = (*page - 1) * *per_page;
	return 1;
}

/* The list's headers (X-WP-Total, X-WP-TotalPages, Link), or WordPress's
** error for a page past the end.  0 if the error was answered. */
static int list_headers(struct api *x, const char *route, long long total, long long page,
                        long long per_page)
{
	struct page *p = x->p;
	long long pages = (total + per_page - 1) / per_page;
	if (page > pages && total > 0) {
		api_error(x, 400, "rest_post_invalid_page_number",
		          "The page number requested is larger than the number of pages available.");
		return 0;
	}
	http_resp_header(p->resp, "X-WP-Total", arena_printf(p->a, "%lld", total));
	http_resp_header(p->resp, "X-WP-TotalPages", arena_printf(p->a, "%lld", pages));
	/* The same query, without page, then page=N: built from what was read
	** (the cache key's parameters), each value percent-encoded again. */
	static const char *const names[] = {API_QUERY_NAMES};
	struct buf q = BUF_INIT;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (!strcmp(names[i], "page"))
			continue;
		size_t len;
		const char *v = http_query(p->req, names[i], &len);
		if (!v)
			continue;
		buf_printf(&q, "%s=", names[i]);
		esc_url_part(&q, v, len);
		buf_putc(&q, '&');
	}
	const char *base = arena_printf(p->a, "%s/wp-json%s?%s", x->base, route, buf_cstr(&q));
	buf_free(&q);
	struct buf l = BUF_INIT;
	if (page > 1 && page <= pages + 1)
		buf_printf(&l, "<%spage=%lld>; rel=\"prev\"", base, page - 1);
	if (page < pages)
		buf_printf(&l, "%s<%spage=%lld>; rel=\"next\"", l.len ? ", " : "", base, page + 1);
	if (l.len)
		http_resp_header(p->resp, "Link", arena_strdup(p->a, buf_cstr(&l)));
	buf_free(&l);
	return 1;
}

static const char *const orderbys[REST_N_ORDERBY] = {
	[REST_BY_DATE] = "date", [REST_BY_ID] = "id", [REST_BY_TITLE] = "title",
	[REST_BY_SLUG] = "slug", [REST_BY_MODIFIED] = "modified", [REST_BY_INCLUDE] = "include",
};

/* WordPress's status= for posts: a comma-separated list of publish,
** future, draft, pending, private, or any (all but the trash).  Anyone may
** ask for publish; the rest need an account (WordPress's edit_posts),
** and an anonymous reader asking is refused as WordPress refuses it (400
** rest_invalid_param, "Status is forbidden.").  0 with the error answered. */
static int status_param(struct api *x, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{"publish", REST_STATUS_BIT(ARTICLE_PUBLISHED)},
		{"future", REST_STATUS_BIT(ARTICLE_SCHEDULED)},
		{"draft", REST_STATUS_BIT(ARTICLE_DRAFT)},
		{"pending", REST_STATUS_BIT(ARTICLE_PENDING)},
		{"private", REST_STATUS_BIT(ARTICLE_PRIVATE)},
		{"any", REST_STATUS_BIT(ARTICLE_PUBLISHED) | REST_STATUS_BIT(ARTICLE_SCHEDULED) |
		        REST_STATUS_BIT(ARTICLE_DRAFT) | REST_STATUS_BIT(ARTICLE_PENDING) |
		        REST_STATUS_BIT(ARTICLE_PRIVATE)},
	};
	*out = REST_STATUS_BIT(ARTICLE_PUBLISHED);
	const char *v = api_param(x, "status");
	if (!v)
		return 1;
	unsigned bits = 0;
	for (const char *s = v; *s;) {
		size_t n = strcspn(s, ",");
		size_t i = 0;
		while (i < sizeof names / sizeof *names &&
		       (strlen(names[i].name) != n || strncmp(s, names[i].name, n)))
			i++;
		if (i == sizeof names / sizeof *names) {
			api_invalid_param(x, "status", "status[0] is not one of publish, future, draft, "
			                               "pending, private, any.");
			return 0;
		}
		bits |= names[i].bits;
		s += n + (s[n] == ',');
	}
	if (!bits) {
		api_invalid_param(x, "status", "status is not one of publish, future, draft, pending, "
		                               "private, any.");
		return 0;
	}
	if (bits != REST_STATUS_BIT(ARTICLE_PUBLISHED) && !x->user) {
		api_invalid_param(x, "status", "Status is forbidden.");
		return 0;
	}
	*out = bits;
	return 1;
}

/* A boolean parameter (true, false, 1, 0) into *out: 0 absent, 1 true, 2
** false.  0 with the error answered when it is none of those. */
static int bool_param(struct api *x, const char *name, int *out)
{
	const char *v = api_param(x, name);
	*out = 0;
	if (!v)
		return 1;
	if (!strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*out = 2;
	else {
		api_invalid_param(x, name, arena_printf(x->p->a, "%s is not of type boolean.", name));
		return 0;
	}
	return 1;
}

/* An id list parameter as the SQL's ",1,2," set (NULL when absent). */
static int id_set(struct api *x, const char *name, const char **out)
{
	long long ids[REST_MAX_LIST];
	size_t n;
	*out = NULL;
	if (!id_list(x, name, ids, REST_MAX_LIST, &n))
		return 0;
	*out = rest_id_set(x->p->a, ids, n);
	return 1;
}

static void posts_list(struct api *x)
{
	struct page *p = x->p;
	struct rest_post_filter f = {0};
	long long page, per_page, offset, author;
	if (!paging(x, &page, &per_page, &offset) ||
	    !api_int_param(x, "author", 1, 1000000000000LL, 0, &author) ||
	    !id_list(x, "categories", f.categories, REST_MAX_IDS, &f.n_categories) ||
	    !id_list(x, "tags", f.tags, REST_MAX_IDS, &f.n_tags) ||
	    !id_set(x, "include", &f.include) || !id_set(x, "exclude", &f.exclude) ||
	    !id_set(x, "categories_exclude", &f.categories_exclude) ||
	    !id_set(x, "tags_exclude", &f.tags_exclude) || !bool_param(x, "sticky", &f.sticky) ||
	    !date_param(x, "after", &f.after) || !date_param(x, "before", &f.before) ||
	    !status_param(x, &f.statuses))
		return;
	f.author = author;
	f.search = api_param(x, "search");
	f.slug = api_param(x, "slug");
	const char *ob = api_param(x, "orderby"), *order = api_param(x, "order");
	if (ob) {
		int k = -1;
		for (int i = 0; i < REST_N_ORDERBY; i++)
			if (!strcmp(ob, orderbys[i]))
				k = i;
		if (k < 0) {
			api_invalid_param(x, "orderby", "orderby is not one of date, id, include, title, "
			                                "slug, modified.");
			return;
		}
		if (k == REST_BY_INCLUDE && !f.include) {
			/* WordPress: "You need to define an include parameter to order by include." */
			api_error(x, 400, "rest_orderby_include_missing_include",
			          "You need to define an include parameter to order by include.");
			return;
		}
		f.orderby = (enum rest_orderby)k;
	}
	if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
		api_invalid_param(x, "order", "order is not one of asc, desc.");
		return;
	}
	f.ascending = order && !strcmp(order, "asc");
	/* Authors and contributors list only their own unpublished work (the
	** desk's rule): the owner filter keeps what is public besides. */
	if (f.statuses != REST_STATUS_BIT(ARTICLE_PUBLISHED) && x->user->role < ROLE_EDITOR)
		f.owner = x->user->id;
	f.offset = offset;
	f.limit = (int)per_page;
	size_t n;
	long long total;
	p->deps.flags = DEP_LISTS | DEP_ANY_ARTICLE;
	long long *ids = rest_post_ids(p->db, p->a, &f, &n, &total);
	if (!list_headers(x, "/wp/v2/posts", total, page, per_page))
		return;
	json_arr(&x->w);
	for (size_t i = 0; i < n; i++) {
		struct article art;
		if (article_by_id(p->db, p->a, ids[i], &art) == 0 &&
		    (art.status == ARTICLE_PUBLISHED || api_can_edit_post(x->user, &art)))
			api_write_post(x, &art);
	}
	json_arr_end(&x->w);
	api_send(x, 200);
}

/* 1 if the user may see art whatever its status (context=edit rules). */
int api_can_edit_post(const struct account *u, const struct article *art)
{
	if (!u)
		return 0;
	if (u->role >= ROLE_EDITOR)
		return 1;
	return art->author_id == u->id && (u->role >= ROLE_AUTHOR ||
	                                   art->status == ARTICLE_DRAFT ||
	                                   art->status == ARTICLE_PENDING);
}

static void post_one(struct api *x, long long id)
{
	struct page *p = x->p;
	struct article art;
	int rc = article_by_id(p->db, p->a, id, &art);
	p->deps.flags = 0;
	p->deps.article_id = id;
	if (rc != 0 || (art.status != ARTICLE_PUBLISHED && !api_can_edit_post(x->user, &art))) {
		/* Not there, or not for this reader: the same answer (WordPress's
		** for an id it does not show). */
		api_error(x, rc < 0 ? 500 : 404, "rest_post_invalid_id", "Invalid post ID.");
		return;
	}
	if (x->edit && !api_can_edit_post(x->user, &art)) {
		api_error(x, x->user ? 403 : 401, "rest_forbidden_context",
		          "Sorry, you are not allowed to edit this post.");
		return;
	}
	api_write_post(x, &art);
	api_send(x, 200);
}

static void pages_list(struct api *x, long long one)
{
	struct page *p = x->p;
	long long page, per_page, offset;
	if (!one && !paging(x, &page, &per_page, &offset))
		return;
	p->deps.flags = DEP_EVERYTHING; /* pages: a change anywhere (rare) */
	if (one) {
		struct page_row pg;
		int rc = page_by_id(p->db, p->a, one, &pg);
		int staff = x->user && x->user->role >= ROLE_EDITOR;
		if (rc != 0 || (pg.status != PAGE_PUBLISHED && !staff)) {
			api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
			return;
		}
		api_write_page(x, &pg);
		api_send(x, 200);
		return;
	}
	/* status=: publish for anyone; draft, private (any: all three) for
	** editors, who alone handle pages in the desk (WordPress's edit_pages):
	** anyone else asking is refused as the posts list refuses it. */
	unsigned want = 1u << PAGE_PUBLISHED;
	const char *status = api_param(x, "status");
	if (status) {
		want = 0;
		for (const char *s = status; *s;) {
			size_t len = strcspn(s, ",");
			unsigned bit = len == 7 && !strncmp(s, "publish", 7) ? 1u << PAGE_PUBLISHED
			             : len == 5 && !strncmp(s, "draft", 5) ? 1u << PAGE_DRAFT
			             : len == 7 && !strncmp(s, "private", 7) ? 1u << PAGE_PRIVATE
			             : len == 3 && !strncmp(s, "any", 3)
			                 ? (1u << PAGE_PUBLISHED) | (1u << PAGE_DRAFT) | (1u << PAGE_PRIVATE)
			                 : 0;
			if (!bit) {
				api_invalid_param(x, "status", "status[0] is not one of publish, draft, "
				                               "private, any.");
				return;
			}
			want |= bit;
			s += len + (s[len] == ',');
		}
		if (!want || (want != 1u << PAGE_PUBLISHED && (!x->user || x->user->role < ROLE_EDITOR))) {
			api_invalid_param(x, "status", "Status is forbidden.");
			return;
		}
	}
	size_t n = 0;
	struct page_row *rows = page_list(p->db, p->a, want == 1u << PAGE_PUBLISHED
	                                                   ? PAGE_PUBLISHED : PAGE_STATUS_NONE, &n);
	const char *slug = api_param(x, "slug"), *include, *exclude;
	if (!id_set(x, "include", &include) || !id_set(x, "exclude", &exclude))
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, ",%lld,", rows[i].id);
		if ((want & (1u << rows[i].status)) && (!slug || !strcmp(rows[i].slug, slug)) &&
		    (!include || strstr(include, id)) && (!exclude || !strstr(exclude, id)))
			rows[k++] = rows[i];
	}
	if (!list_headers(x, "/wp/v2/pages", (long long)k, page, per_page))
		return;
	json_arr(&x->w);
	for (long long i = offset; i < (long long)k && i < offset + per_page; i++) {
		struct page_row pg;
		if (page_by_id(p->db, p->a, rows[i].id, &pg) == 0)
			api_write_page(x, &pg);
	}
	json_arr_end(&x->w);
	api_send(x, 200);
}

static void categories(struct api *x, long long one)
{
	struct page *p = x->p;
	long long page, per_page, offset;
	if (!one && !paging(x, &page, &per_page, &offset))
		return;
	p->deps.flags = DEP_LISTS;
	long long post = 0, post_section = 0;
	if (!one && !api_int_param(x, "post", 1, 1000000000000LL, 0, &post))
		return;
	if (post) {
		/* The post's categories (its section), as its wp:term link asks. */
		struct article art;
		if (article_by_id(p->db, p->a, post, &art) == 0 &&
		    (art.status == ARTICLE_PUBLISHED || api_can_edit_post(x->user, &art)))
			post_section = art.section_id;
		p->deps.flags |= DEP_ANY_ARTICLE;
	}
	size_t n;
	struct section_row *rows = section_rows(p->db, p->a, &n);
	/* As the site: a section with nothing published (in it or a
	** sub-section) is not shown, so its name cannot tell of drafts. */
	long long *count = arena_alloc(p->a, (n ? n : 1) * sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[i] = published_count(x, rows[i].id, 1);
	const char *slug = api_param(x, "slug");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int shown = count[i] > 0;
		for (size_t j = 0; j < n && !shown; j++)
			shown = rows[j].parent_id == rows[i].id && count[j] > 0;
		if (shown && (!one || rows[i].id == one) && (!slug || !strcmp(rows[i].slug, slug)) &&
		    (!post || rows[i].id == post_section))
			rows[k++] = rows[i];
	}
	if (one) {
		if (!k) {
			api_error(x, 404, "rest_term_invalid", "Term does not exist.");
			return;
		}
	} else if (!list_headers(x, "/wp/v2/categories", (long long)k, page, per_page)) {
		return;
	} else {
		json_arr(&x->w);
	}
	long long from = one ? 0 : offset, to = one ? 1 : offset + per_page;
	for (long long i = from; i < (long long)k && i < to; i++)
		write_term(x, rows[i].id, rows[i].name, rows[i].slug, "category", rows[i].n_articles,
		           rows[i].parent_id, rows[i].description,
		           section_path(p->db, p->a, rows[i].id));
	if (!one)
		json_arr_end(&x->w);
	api_send(x, 200);
}

static void tags(struct api *x, long long one)
{
	struct page *p = x->p;
	long long page = 1, per_page = 1, offset = 0;
	if (!one && !paging(x, &page, &per_page, &offset))
		return;
	p->deps.flags = DEP_LISTS;
	if (one) {
		struct tag_row t;
		if (tag_by_id(p->db, p->a, one, &t) != 0 || published_count(x, one, 0) == 0) {
			api_error(x, 404, "rest_term_invalid", "Term does not exist.");
			return;
		}
		write_term(x, t.id, t.name, t.slug, "post_tag", t.n_articles, -1, "", NULL);
		api_send(x, 200);
		return;
	}
	const char *slug = api_param(x, "slug");
	size_t n;
	long long total, post;
	struct tag_row *rows;
	if (!api_int_param(x, "post", 1, 1000000000000LL, 0, &post))
		return;
	if (post) {
		/* The post's tags, as its wp:term link asks. */
		struct article art;
		size_t nt = 0;
		struct term *t = NULL;
		if (article_by_id(p->db, p->a, post, &art) == 0 &&
		    (art.status == ARTICLE_PUBLISHED || api_can_edit_post(x->user, &art)))
			t = tag_of_article(p->db, p->a, post, &nt);
		rows = arena_alloc(p->a, (nt ? nt : 1) * sizeof *rows);
		n = 0;
		for (size_t i = 0; i < nt; i++)
			if ((long long)i >= offset && (long long)n < per_page &&
			    tag_by_id(p->db, p->a, t[i].id, &rows[n]) == 0)
				n++;
		total = (long long)nt;
		p->deps.flags |= DEP_ANY_ARTICLE;
	} else if (slug) {
		struct term t;
		rows = NULL, n = 0, total = 0;
		if (tag_by_slug(p->db, p->a, slug, &t) == 0 && published_count(x, t.id, 0) > 0) {
			rows = arena_alloc(p->a, sizeof *rows);
			if (tag_by_id(p->db, p->a, t.id, rows) == 0)
				n = 1, total = 1;
		}
	} else {
		size_t nids;
		long long *ids = rest_tag_ids(p->db, p->a, api_param(x, "search"), offset,
		                              (int)per_page, &nids, &total);
		rows = arena_alloc(p->a, (nids ? nids : 1) * sizeof *rows);
		n = 0;
		for (size_t i = 0; i < nids; i++)
			if (tag_by_id(p->db, p->a, ids[i], &rows[n]) == 0)
				n++;
	}
	if (!list_headers(x, "/wp/v2/tags", total, page, per_page))
		return;
	json_arr(&x->w);
	for (size_t i = 0; i < n; i++)
		write_term(x, rows[i].id, rows[i].name, rows[i].slug, "post_tag", rows[i].n_articles,
		           -1, "", NULL);
	json_arr_end(&x->w);
	api_send(x, 200);
}

static void users(struct api *x, long long one)
{
	struct page *p = x->p;
	long long page = 1, per_page = 1, offset = 0;
	if (!one && !paging(x, &page, &per_page, &offset))
		return;
	p->deps.flags = DEP_EVERYTHING;
	size_t n;
	struct author *rows = author_published(p->db, p->a, &n);
	const char *slug = api_param(x, "slug");
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((!one || rows[i].id == one) && (!slug || !strcmp(rows[i].slug, slug)))
			rows[k++] = rows[i];
	if (one) {
		/* WordPress shows anonymous readers only those who have published. */
		if (!k) {
			api_error(x, 404, "rest_user_invalid_id", "Invalid user ID.");
			return;
		}
		write_user(x, &rows[0], 0);
		api_send(x, 200);
		return;
	}
	if (!list_headers(x, "/wp/v2/users", (long long)k, page, per_page))
		return;
	json_arr(&x->w);
	for (long long i = offset; i < (long long)k && i < offset + per_page; i++)
		write_user(x, &rows[i], 0);
	json_arr_end(&x->w);
	api_send(x, 200);
}

static void users_me(struct api *x)
{
	if (!x->user) {
		api_error(x, 401, "rest_not_logged_in", "You are not currently logged in.");
		return;
	}
	struct author u;
	if (author_by_id(x->p->db, x->p->a, x->user->id, &u) != 0) {
		api_error(x, 404, "rest_user_invalid_id", "Invalid user ID.");
		return;
	}
	write_user(x, &u, 0);
	api_send(x, 200);
}

static void comments(struct api *x, long long one)
{
	struct page *p = x->p;
	p->deps.flags = DEP_ALL_COMMENTS | DEP_LISTS;
	if (one) {
		struct comment c;
		int staff = x->user && x->user->role >= ROLE_EDITOR;
		if ((!staff && !rest_comment_public(p->db, one)) || comment_get(p->db, p->a, one, &c)) {
			api_error(x, 404, "rest_comment_invalid_id", "Invalid comment ID.");
			return;
		}
		api_write_comment(x, &c);
		api_send(x, 200);
		return;
	}
	long long page, per_page, offset, post;
	if (!paging(x, &page, &per_page, &offset) ||
	    !api_int_param(x, "post", 1, 1000000000000LL, 0, &post))
		return;
	const char *order = api_param(x, "order");
	if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
		api_invalid_param(x, "order", "order is not one of asc, desc.");
		return;
	}
	size_t n;
	long long total;
	long long *ids = rest_comment_ids(p->db, p->a, post, order && !strcmp(order, "asc"),
	                                  offset, (int)per_page, &n, &total);
	if (!list_headers(x, "/wp/v2/comments", total, page, per_page))
		return;
	json_arr(&x->w);
	for (size_t i = 0; i < n; i++) {
		struct comment c;
		if (comment_get(p->db, p->a, ids[i], &c) == 0)
			api_write_comment(x, &c);
	}
	json_arr_end(&x->w);
	api_send(x, 200);
}

static void media(struct api *x, long long one)
{
	struct page *p = x->p;
	p->deps.flags = DEP_EVERYTHING;
	int staff = x->user && x->user->role >= ROLE_AUTHOR; /* the desk's library */
	if (one) {
		struct media m;
		if ((!staff && !rest_media_public(p->db, one)) || media_by_id(p->db, p->a, one, &m) != 0) {
			api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
			return;
		}
		api_write_media(x, &m);
		api_send(x, 200);
		return;
	}
	long long page, per_page, offset;
	if (!paging(x, &page, &per_page, &offset))
		return;
	size_t n;
	long long total;
	long long *ids = rest_media_ids(p->db, p->a, !staff, offset, (int)per_page, &n, &total);
	if (!list_headers(x, "/wp/v2/media", total, page, per_page))
		return;
	json_arr(&x->w);
	for (size_t i = 0; i < n; i++) {
		struct media m;
		if (media_by_id(p->db, p->a, ids[i], &m) == 0)
			api_write_media(x, &m);
	}
	json_arr_end(&x->w);
	api_send(x, 200);
}

/* ---- what a client reads besides content: types, taxonomies, statuses ---- */

/* The post types Byline has, as WordPress names them. */
static const struct {
	const char *slug;        /* "post" */
	const char *name;        /* "Posts" */
	const char *rest_base;   /* "posts" */
	int hierarchical;        /* pages nest */
	const char *taxonomies;  /* "category,post_tag" or "" */
} post_types[] = {
	{"post", "Posts", "posts", 0, "category,post_tag"},
	{"page", "Pages", "pages", 1, ""},
	{"attachment", "Media", "media", 0, ""},
};

static void write_list(struct api *x, const char *list)
{
	json_arr(&x->w);
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		json_strn(&x->w, s, n);
		s += n + (s[n] == ',');
	}
	json_arr_end(&x->w);
}

/* A type object (the Handbook's "Post Type" schema: description,
** hierarchical, has_archive, name, slug, taxonomies, rest_base,
** rest_namespace; icon and template in edit). */
static void write_type(struct api *x, size_t i)
{
	json_obj(&x->w);
	if (api_want(x, "description"))
		json_kstr(&x->w, "description", "");
	if (api_want(x, "hierarchical"))
		json_kbool(&x->w, "hierarchical", post_types[i].hierarchical);
	if (api_want(x, "has_archive"))
		json_kbool(&x->w, "has_archive", 0);
	if (api_want(x, "name"))
		json_kstr(&x->w, "name", post_types[i].name);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", post_types[i].slug);
	if (api_want(x, "icon")) {
		json_key(&x->w, "icon");
		json_null(&x->w);
	}
	if (api_want(x, "taxonomies")) {
		json_key(&x->w, "taxonomies");
		write_list(x, post_types[i].taxonomies);
	}
	if (api_want(x, "rest_base"))
		json_kstr(&x->w, "rest_base", post_types[i].rest_base);
	if (api_want(x, "rest_namespace"))
		json_kstr(&x->w, "rest_namespace", "wp/v2");
	if (x->edit && api_want(x, "viewable"))
		json_kbool(&x->w, "viewable", 1);
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "collection", v2(x, "types", 0), 0);
		link(x, "wp:items", v2(x, post_types[i].rest_base, 0), 0);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

static void types(struct api *x, const char *one)
{
	if (one && !*one)
		one = NULL; /* "types/": the collection */
	x->p->deps.flags = DEP_EVERYTHING;
	size_t n = sizeof post_types / sizeof *post_types;
	if (one) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(one, post_types[i].slug)) {
				write_type(x, i);
				api_send(x, 200);
				return;
			}
		api_error(x, 404, "rest_type_invalid", "Invalid post type.");
		return;
	}
	json_obj(&x->w);
	for (size_t i = 0; i < n; i++) {
		json_key(&x->w, post_types[i].slug);
		write_type(x, i);
	}
	json_obj_end(&x->w);
	api_send(x, 200);
}

/* The taxonomies: sections are categories, tags are post_tag. */
static const struct {
	const char *slug, *name, *rest_base;
	int hierarchical;
} taxes[] = {
	{"category", "Categories", "categories", 1},
	{"post_tag", "Tags", "tags", 0},
};

/* The Handbook's "Taxonomy" schema (view: description, hierarchical, name,
** slug, types, rest_base, rest_namespace). */
static void write_tax(struct api *x, size_t i)
{
	json_obj(&x->w);
	if (api_want(x, "name"))
		json_kstr(&x->w, "name", taxes[i].name);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", taxes[i].slug);
	if (api_want(x, "description"))
		json_kstr(&x->w, "description", "");
	if (api_want(x, "types")) {
		json_key(&x->w, "types");
		write_list(x, "post");
	}
	if (api_want(x, "hierarchical"))
		json_kbool(&x->w, "hierarchical", taxes[i].hierarchical);
	if (api_want(x, "rest_base"))
		json_kstr(&x->w, "rest_base", taxes[i].rest_base);
	if (api_want(x, "rest_namespace"))
		json_kstr(&x->w, "rest_namespace", "wp/v2");
	if (x->edit && api_want(x, "show_cloud"))
		json_kbool(&x->w, "show_cloud", !taxes[i].hierarchical);
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		link(x, "collection", v2(x, "taxonomies", 0), 0);
		link(x, "wp:items", v2(x, taxes[i].rest_base, 0), 0);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

static void taxonomies(struct api *x, const char *one)
{
	if (one && !*one)
		one = NULL; /* "types/": the collection */
	x->p->deps.flags = DEP_EVERYTHING;
	size_t n = sizeof taxes / sizeof *taxes;
	if (one) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(one, taxes[i].slug)) {
				write_tax(x, i);
				api_send(x, 200);
				return;
			}
		api_error(x, 404, "rest_taxonomy_invalid", "Invalid taxonomy.");
		return;
	}
	/* type=post lists both; another type has none (WordPress filters so). */
	const char *type = api_param(x, "type");
	int none = type && strcmp(type, "post");
	json_obj(&x->w);
	for (size_t i = 0; i < n && !none; i++) {
		json_key(&x->w, taxes[i].slug);
		write_tax(x, i);
	}
	json_obj_end(&x->w);
	api_send(x, 200);
}

/* Post statuses: anyone sees publish; future, draft, pending and private
** only someone who may write (WordPress shows non-public statuses to a
** signed-in user). */
static const struct {
	const char *slug, *name;
	int is_public, is_private, is_protected, date_floating;
} wp_statuses[] = {
	{"publish", "Published", 1, 0, 0, 0},
	{"future", "Scheduled", 0, 0, 1, 0},
	{"draft", "Draft", 0, 0, 1, 1},
	{"pending", "Pending", 0, 0, 1, 1},
	{"private", "Private", 0, 1, 0, 0},
};

/* The Handbook's "Status" schema (view: name, queryable, slug,
** date_floating; edit adds private, protected, public, show_in_list). */
static void write_status(struct api *x, size_t i)
{
	json_obj(&x->w);
	if (api_want(x, "name"))
		json_kstr(&x->w, "name", wp_statuses[i].name);
	if (x->edit) {
		if (api_want(x, "private"))
			json_kbool(&x->w, "private", wp_statuses[i].is_private);
		if (api_want(x, "protected"))
			json_kbool(&x->w, "protected", wp_statuses[i].is_protected);
		if (api_want(x, "public"))
			json_kbool(&x->w, "public", wp_statuses[i].is_public);
		if (api_want(x, "show_in_list"))
			json_kbool(&x->w, "show_in_list", 1);
	}
	if (api_want(x, "queryable"))
		json_kbool(&x->w, "queryable", wp_statuses[i].is_public);
	if (api_want(x, "slug"))
		json_kstr(&x->w, "slug", wp_statuses[i].slug);
	if (api_want(x, "date_floating"))
		json_kbool(&x->w, "date_floating", wp_statuses[i].date_floating);
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		json_key(&x->w, "archives");
		json_arr(&x->w);
		json_obj(&x->w);
		json_kstr(&x->w, "href", wp_statuses[i].is_public ? v2(x, "posts", 0)
		    : arena_printf(x->p->a, "%s/wp-json/wp/v2/posts?status=%s", x->base,
		                   wp_statuses[i].slug));
		json_obj_end(&x->w);
		json_arr_end(&x->w);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

static void statuses(struct api *x, const char *one)
{
	if (one && !*one)
		one = NULL; /* "types/": the collection */
	x->p->deps.flags = DEP_EVERYTHING;
	size_t n = sizeof wp_statuses / sizeof *wp_statuses;
	if (one) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(one, wp_statuses[i].slug))
				continue;
			if (!wp_statuses[i].is_public && !x->user) {
				api_error(x, 401, "rest_cannot_read_status", "Cannot view status.");
				return;
			}
			write_status(x, i);
			api_send(x, 200);
			return;
		}
		api_error(x, 404, "rest_status_invalid", "Invalid status.");
		return;
	}
	json_obj(&x->w);
	for (size_t i = 0; i < n; i++) {
		if (!wp_statuses[i].is_public && !x->user)
			continue;
		json_key(&x->w, wp_statuses[i].slug);
		write_status(x, i);
	}
	json_obj_end(&x->w);
	api_send(x, 200);
}

/* ---- settings (administrators) ---- */

const struct api_setting api_settings[] = {
	{"title", "site_title", API_SETTING_STRING},
	{"description", "tagline", API_SETTING_STRING},
	{"url", "base_url", API_SETTING_URL},
	{"timezone", "timezone", API_SETTING_STRING},
	{"date_format", "date_format", API_SETTING_STRING},
	{"language", "language", API_SETTING_LOCALE},
	{"posts_per_page", "posts_per_page", API_SETTING_INTEGER},
	{"default_comment_status", "comments_open", API_SETTING_OPEN},
};
const size_t api_n_settings = sizeof api_settings / sizeof *api_settings;

void api_write_settings(struct api *x)
{
	struct page *p = x->p;
	json_obj(&x->w);
	for (size_t i = 0; i < api_n_settings; i++) {
		const struct api_setting *s = &api_settings[i];
		const char *v = settings_get(p->db, p->a, s->key);
		if (!v)
			v = settings_def(s->key) ? settings_def(s->key)->def : "";
		if (!api_want(x, s->wp))
			continue;
		json_key(&x->w, s->wp);
		switch (s->type) {
		case API_SETTING_INTEGER:
			json_int(&x->w, atoll(v));
			break;
		case API_SETTING_OPEN:
			json_str(&x->w, atoi(v) ? "open" : "closed");
			break;
		case API_SETTING_URL:
			json_str(&x->w, *v ? v : x->base);
			break;
		case API_SETTING_LOCALE: {
			char *l = arena_strdup(p->a, v);
			for (char *c = l; *c; c++)
				if (*c == '-')
					*c = '_';
			json_str(&x->w, l);
			break;
		}
		default:
			json_str(&x->w, v);
		}
	}
	json_obj_end(&x->w);
}

/* 1 if the user may read and change the site's settings (WordPress's
** manage_options: administrators); 0 with the error answered. */
int api_settings_allowed(struct api *x)
{
	if (x->user && x->user->role >= ROLE_ADMIN)
		return 1;
	api_error(x, x->user ? 403 : 401, "rest_forbidden", "Sorry, you are not allowed to do that.");
	return 0;
}

static void settings_read(struct api *x)
{
	if (!api_settings_allowed(x))
		return;
	api_write_settings(x);
	api_send(x, 200);
}

/* ---- search: /wp/v2/search (posts and pages by their words) ---- */

static void write_hit(struct api *x, long long id, const char *title, const char *url,
                      const char *subtype)
{
	json_obj(&x->w);
	if (api_want(x, "id"))
		json_kint(&x->w, "id", id);
	if (api_want(x, "title"))
		json_kstr(&x->w, "title", title);
	if (api_want(x, "url"))
		json_kstr(&x->w, "url", url);
	if (api_want(x, "type"))
		json_kstr(&x->w, "type", "post");
	if (api_want(x, "subtype"))
		json_kstr(&x->w, "subtype", subtype);
	if (api_want(x, "_links")) {
		json_key(&x->w, "_links");
		json_obj(&x->w);
		int post = !strcmp(subtype, "post");
		link(x, "self", v2(x, post ? "posts/%lld" : "pages/%lld", id), 1);
		link(x, "about", v2(x, post ? "types/post" : "types/page", 0), 0);
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
}

static void search(struct api *x)
{
	struct page *p = x->p;
	long long page, per_page, offset;
	if (!paging(x, &page, &per_page, &offset))
		return;
	const char *type = api_param(x, "type"), *subtype = api_param(x, "subtype");
	if (type && strcmp(type, "post")) {
		api_invalid_param(x, "type", "type is not one of post (Byline searches posts and "
		                             "pages).");
		return;
	}
	int want_posts = !subtype || !strcmp(subtype, "any") || !strcmp(subtype, "post");
	int want_pages = !subtype || !strcmp(subtype, "any") || !strcmp(subtype, "page");
	if (subtype && !want_posts && !want_pages) {
		api_invalid_param(x, "subtype", "subtype[0] is not one of post, page, any.");
		return;
	}
	const char *q = api_param(x, "search");
	p->deps.flags = DEP_EVERYTHING;
	/* Published posts first (newest first), then published pages whose
	** title holds the words: one list paged across both. */
	struct rest_post_filter f = {0};
	f.search = q;
	f.offset = offset;
	f.limit = (int)per_page;
	size_t n = 0;
	long long n_posts = 0;
	long long *ids = want_posts ? rest_post_ids(p->db, p->a, &f, &n, &n_posts) : NULL;
	size_t n_rows = 0, k = 0;
	struct page_row *rows = want_pages ? page_list(p->db, p->a, PAGE_PUBLISHED, &n_rows) : NULL;
	for (size_t i = 0; i < n_rows; i++)
		if (!q || !*q || strcasestr(rows[i].title, q))
			rows[k++] = rows[i];
	if (!list_headers(x, "/wp/v2/search", n_posts + (long long)k, page, per_page))
		return;
	json_arr(&x->w);
	for (size_t i = 0; i < n; i++) {
		struct article art;
		if (article_by_id(p->db, p->a, ids[i], &art) == 0)
			write_hit(x, art.id, art.headline,
			          arena_printf(p->a, "%s%s", x->base,
			                       site_article_path(p, art.published_at, art.slug)),
			          "post");
	}
	long long from = offset > n_posts ? offset - n_posts : 0;
	for (long long i = from; i < (long long)k && (long long)n + (i - from) < per_page; i++)
		write_hit(x, rows[i].id, rows[i].title,
		          arena_printf(p->a, "%s/%s/", x->base, rows[i].path), "page");
	json_arr_end(&x->w);
	api_send(x, 200);
}

/* ---- the index: /wp-json/ and /wp-json/wp/v2 ---- */

/* The routes as WordPress describes them: methods and the args each takes
** (names and types only; the Handbook has the rest). */
static const struct {
	const char *route;     /* after /wp-json */
	const char *methods;   /* "GET" or "GET,POST" ... */
	const char *args;      /* "name:type,..." for GET */
} index_routes[] = {
	{"/wp/v2/posts", "GET,POST", "context:string,page:integer,per_page:integer,search:string,"
	 "after:string,before:string,author:array,offset:integer,order:string,orderby:string,"
	 "slug:array,status:array,categories:array,tags:array,include:array,exclude:array,"
	 "categories_exclude:array,tags_exclude:array,sticky:boolean,_embed:boolean,"
	 "_fields:string"},
	{"/wp/v2/posts/(?P<id>[\\d]+)", "GET,POST,PUT,PATCH,DELETE", "id:integer,context:string"},
	{"/wp/v2/pages", "GET,POST", "context:string,page:integer,per_page:integer,slug:array"},
	{"/wp/v2/pages/(?P<id>[\\d]+)", "GET,POST,PUT,PATCH,DELETE", "id:integer,context:string"},
	{"/wp/v2/media", "GET,POST", "context:string,page:integer,per_page:integer"},
	{"/wp/v2/media/(?P<id>[\\d]+)", "GET,POST,PUT,PATCH,DELETE", "id:integer,context:string"},
	{"/wp/v2/categories", "GET", "context:string,page:integer,per_page:integer,slug:array,"
	 "post:integer"},
	{"/wp/v2/categories/(?P<id>[\\d]+)", "GET", "id:integer,context:string"},
	{"/wp/v2/tags", "GET", "context:string,page:integer,per_page:integer,search:string,"
	 "slug:array,post:integer"},
	{"/wp/v2/tags/(?P<id>[\\d]+)", "GET", "id:integer,context:string"},
	{"/wp/v2/users", "GET", "context:string,page:integer,per_page:integer,slug:array"},
	{"/wp/v2/users/(?P<id>[\\d]+)", "GET", "id:integer,context:string"},
	{"/wp/v2/users/me", "GET", "context:string"},
	{"/wp/v2/comments", "GET,POST", "context:string,page:integer,per_page:integer,post:array,"
	 "order:string"},
	{"/wp/v2/comments/(?P<id>[\\d]+)", "GET,POST,PUT,PATCH", "id:integer,context:string"},
	{"/wp/v2/types", "GET", "context:string"},
	{"/wp/v2/types/(?P<type>[\\w-]+)", "GET", "type:string,context:string"},
	{"/wp/v2/taxonomies", "GET", "context:string,type:string"},
	{"/wp/v2/taxonomies/(?P<taxonomy>[\\w-]+)", "GET", "taxonomy:string,context:string"},
	{"/wp/v2/statuses", "GET", "context:string"},
	{"/wp/v2/statuses/(?P<status>[\\w-]+)", "GET", "status:string,context:string"},
	{"/wp/v2/settings", "GET,POST,PUT,PATCH", ""},
	{"/wp/v2/search", "GET", "context:string,page:integer,per_page:integer,search:string,"
	 "type:string,subtype:array"},
};

static void write_methods(struct api *x, const char *methods)
{
	json_arr(&x->w);
	const char *s = methods;
	while (*s) {
		size_t n = strcspn(s, ",");
		json_strn(&x->w, s, n);
		s += n + (s[n] == ',');
	}
	json_arr_end(&x->w);
}

static void index_page(struct api *x, int v2_only)
{
	struct page *p = x->p;
	p->deps.flags = DEP_EVERYTHING; /* name and description are settings */
	json_obj(&x->w);
	if (!v2_only) {
		json_kstr(&x->w, "name", p->app->settings.site_title);
		json_kstr(&x->w, "description", p->app->settings.tagline);
		json_kstr(&x->w, "url", x->base);
		json_kstr(&x->w, "home", x->base);
		time_t now = time(NULL);
		struct tm lt;
		localtime_r(&now, &lt);
		if (lt.tm_gmtoff % 3600)
			json_key(&x->w, "gmt_offset"), json_str(&x->w, arena_printf(p->a, "%g",
			                                          lt.tm_gmtoff / 3600.0));
		else
			json_kint(&x->w, "gmt_offset", lt.tm_gmtoff / 3600);
		json_kstr(&x->w, "timezone_string", p->app->settings.timezone);
		json_key(&x->w, "namespaces");
		json_arr(&x->w);
		json_str(&x->w, "wp/v2");
		json_arr_end(&x->w);
		json_key(&x->w, "authentication");
		json_obj(&x->w);
		json_key(&x->w, "application-passwords");
		json_obj(&x->w);
		json_key(&x->w, "endpoints");
		json_obj(&x->w);
		json_kstr(&x->w, "authorization", arena_printf(p->a, "%s/admin/profile", x->base));
		json_obj_end(&x->w);
		json_obj_end(&x->w);
		json_obj_end(&x->w);
	} else {
		json_kstr(&x->w, "namespace", "wp/v2");
	}
	json_key(&x->w, "routes");
	json_obj(&x->w);
	for (size_t i = 0; i < sizeof index_routes / sizeof *index_routes; i++) {
		json_key(&x->w, index_routes[i].route);
		json_obj(&x->w);
		json_kstr(&x->w, "namespace", "wp/v2");
		json_key(&x->w, "methods");
		write_methods(x, index_routes[i].methods);
		json_key(&x->w, "endpoints");
		json_arr(&x->w);
		json_obj(&x->w);
		json_key(&x->w, "methods");
		json_arr(&x->w);
		json_str(&x->w, "GET");
		json_arr_end(&x->w);
		json_key(&x->w, "args");
		json_obj(&x->w);
		const char *s = index_routes[i].args;
		while (*s) {
			size_t n = strcspn(s, ","), c = strcspn(s, ":");
			json_key(&x->w, arena_strndup(p->a, s, c));
			json_obj(&x->w);
			json_kstr(&x->w, "type", arena_strndup(p->a, s + c + 1, n - c - 1));
			/* A route's path parameter (listed first) is required. */
			json_kbool(&x->w, "required", s == index_routes[i].args &&
			                              strchr(index_routes[i].route, '('));
			json_obj_end(&x->w);
			s += n + (s[n] == ',');
		}
		json_obj_end(&x->w);
		json_obj_end(&x->w);
		json_arr_end(&x->w);
		if (!strchr(index_routes[i].route, '(')) {
			json_key(&x->w, "_links");
			json_obj(&x->w);
			link(x, "self", arena_printf(p->a, "%s/wp-json%s", x->base, index_routes[i].route), 0);
			json_obj_end(&x->w);
		}
		json_obj_end(&x->w);
	}
	json_obj_end(&x->w);
	json_key(&x->w, "_links");
	json_obj(&x->w);
	link(x, "help", "https://developer.wordpress.org/rest-api/", 0);
	json_obj_end(&x->w);
	json_obj_end(&x->w);
	api_send(x, 200);
}

/* ---- who is asking ---- */

static int is_loopback(const char *ip)
{
	return ip && (!strncmp(ip, "127.", 4) || !strcmp(ip, "::1") ||
	              !strncmp(ip, "::ffff:127.", 11));
}

/* Reads HTTP Basic credentials with an application password into x->user.
** 1 if the request may go on (no credentials, or good ones); 0 with the
** error answered. */
static int authenticate(struct api *x)
{
	struct page *p = x->p;
	const char *h = http_header(p->req, "Authorization");
	if (!h)
		return 1;
	if (strncasecmp(h, "Basic ", 6) != 0) {
		api_error(x, 401, "rest_not_logged_in",
		          "Only HTTP Basic authentication with an application password is accepted "
		          "here.");
		return 0;
	}
	if (!auth_is_https(p) && !is_loopback(p->req->remote_ip)) {
		api_error(x, 401, "application_passwords_disabled",
		          "Application passwords are accepted only over https (or from this machine): "
		          "sent over plain http, the password could be read on the way. Nothing was "
		          "done; revoke that password in your profile if it crossed a network.");
		return 0;
	}
	struct apppass_login who;
	const char *why = NULL;
	int rc = apppass_login(p->db, p->a, h + 6, p->req->remote_ip, time(NULL), &who, &why);
	if (rc == APPPASS_OK) {
		x->user = arena_alloc(p->a, sizeof *x->user);
		if (account_by_id(p->db, p->a, who.user_id, x->user) != 0) {
			api_error(x, 401, "invalid_username", "Unknown username.");
			return 0;
		}
		return 1;
	}
	static const char *const codes[] = {
		[APPPASS_BAD_HEADER] = "rest_not_logged_in",
		[APPPASS_NO_USER] = "invalid_username",
		[APPPASS_BAD_PASSWORD] = "incorrect_password",
		[APPPASS_TOO_MANY] = "too_many_attempts",
		[APPPASS_ERROR] = "rest_db_error",
	};
	int status = rc == APPPASS_TOO_MANY ? 429 : rc == APPPASS_ERROR ? 500 : 401;
	api_error(x, status, codes[rc], why);
	if (rc == APPPASS_TOO_MANY)
		http_resp_header(p->resp, "Retry-After", "60");
	return 0;
}

/* ---- dispatch ---- */

/* "/wp/v2/posts/12" after the prefix "/wp/v2/": 1 if rest is `name`
** (id 0) or `name/ID` (*id set). */
static int route_is(const char *rest, const char *name, long long *id)
{
	size_t n = strlen(name);
	*id = 0;
	if (strncmp(rest, name, n))
		return 0;
	if (!rest[n] || (rest[n] == '/' && !rest[n + 1]))
		return 1;
	if (rest[n] != '/' || rest[n + 1] < '1' || rest[n + 1] > '9')
		return 0;
	char *end;
	long long v = strtoll(rest + n + 1, &end, 10);
	if (*end && strcmp(end, "/"))
		return 0;
	if (end - (rest + n + 1) > 15)
		return 0;
	*id = v;
	return 1;
}

static void preflight(struct api *x)
{
	struct page *p = x->p;
	p->resp->status = 200;
	p->resp->content_type = "text/plain; charset=utf-8";
	http_resp_header(p->resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(p->resp, "Access-Control-Allow-Methods",
	                 "OPTIONS, GET, POST, PUT, PATCH, DELETE");
	http_resp_header(p->resp, "Access-Control-Allow-Headers",
	                 "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type");
	http_resp_header(p->resp, "Access-Control-Max-Age", "600");
	http_resp_header(p->resp, "Allow", "GET, POST, PUT, PATCH, DELETE");
	p->is_private = 1;
}

void api_serve(struct page *p)
{
	struct api x = {0};
	x.p = p;
	x.base = site_base(p);
	json_w_init(&x.w, &x.b);
	const char *path = p->req->path + strlen("/wp-json");
	const char *m = p->req->is_head ? "GET" : p->req->method;
	int get = !strcmp(m, "GET");
	if (!strcmp(m, "OPTIONS")) {
		preflight(&x);
		goto done;
	}
	if (!authenticate(&x))
		goto done;
	const char *ctx = api_param(&x, "context");
	if (ctx && strcmp(ctx, "view") && strcmp(ctx, "embed") && strcmp(ctx, "edit")) {
		api_invalid_param(&x, "context", "context is not one of view, embed, edit.");
		goto done;
	}
	x.edit = ctx && !strcmp(ctx, "edit");
	if (x.edit && !x.user) {
		api_error(&x, 401, "rest_forbidden_context",
		          "Sorry, you are not allowed to edit posts in this post type.");
		goto done;
	}
	x.fields = api_param(&x, "_fields");
	x.embed = api_param(&x, "_embed") != NULL;
	long long id;
	if (get && (!strcmp(path, "/") || !*path)) {
		index_page(&x, 0);
	} else if (get && (!strcmp(path, "/wp/v2") || !strcmp(path, "/wp/v2/"))) {
		index_page(&x, 1);
	} else if (strncmp(path, "/wp/v2/", 7) != 0) {
		api_error(&x, 404, "rest_no_route", "No route was found matching the URL and request "
		                                    "method.");
	} else if (!get) {
		api_write(&x, m, path + 7);
	} else if (route_is(path + 7, "posts", &id)) {
		if (id)
			post_one(&x, id);
		else
			posts_list(&x);
	} else if (route_is(path + 7, "pages", &id)) {
		pages_list(&x, id);
	} else if (route_is(path + 7, "categories", &id)) {
		categories(&x, id);
	} else if (route_is(path + 7, "tags", &id)) {
		tags(&x, id);
	} else if (!strcmp(path + 7, "users/me")) {
		users_me(&x);
	} else if (route_is(path + 7, "users", &id)) {
		users(&x, id);
	} else if (route_is(path + 7, "comments", &id)) {
		comments(&x, id);
	} else if (route_is(path + 7, "media", &id)) {
		media(&x, id);
	} else if (!strcmp(path + 7, "types") || !strncmp(path + 7, "types/", 6)) {
		types(&x, path[12] ? path + 13 : NULL);
	} else if (!strcmp(path + 7, "taxonomies") || !strncmp(path + 7, "taxonomies/", 11)) {
		taxonomies(&x, path[17] ? path + 18 : NULL);
	} else if (!strcmp(path + 7, "statuses") || !strncmp(path + 7, "statuses/", 9)) {
		statuses(&x, path[15] ? path + 16 : NULL);
	} else if (!strcmp(path + 7, "settings")) {
		settings_read(&x);
	} else if (!strcmp(path + 7, "search")) {
		search(&x);
	} else {
		api_error(&x, 404, "rest_no_route", "No route was found matching the URL and request "
		                                    "method.");
	}
done:
	buf_free(&x.b);
}

/* 1 if key (raw, up to its '=') is NAME[] or NAME[N] (the brackets
** percent-encoded or not), with *n the length of NAME. */
static int array_key(const char *key, size_t len, size_t *n)
{
	size_t i = 0;
	while (i < len && key[i] != '[' && key[i] != '%')
		i++;
	*n = i;
	if (!i || i == len)
		return 0;
	const char *s = key + i, *end = key + len;
	if (*s == '[')
		s++;
	else if (end - s >= 3 && !strncasecmp(s, "%5B", 3))
		s += 3;
	else
		return 0;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (s < end && *s == ']')
		s++;
	else if (end - s >= 3 && !strncasecmp(s, "%5D", 3))
		s += 3;
	else
		return 0;
	return s == end;
}

/* WordPress (PHP) reads categories[]=1&categories[]=2 as the list 1,2:
** the query is rewritten to categories=1,2 so that the cache key and
** every reader see one form. */
static void fold_arrays(struct http_req *req)
{
	const char *q = req->query;
	if (!strchr(q, '[') && !strcasestr(q, "%5B"))
		return;
	struct buf plain = BUF_INIT, lists = BUF_INIT;
	const char *names[16];
	struct buf vals[16];
	size_t n_names = 0;
	for (const char *s = q; *s;) {
		size_t len = strcspn(s, "&"), klen = strcspn(s, "=&"), n;
		if (klen < len && array_key(s, klen, &n)) {
			size_t i = 0;
			while (i < n_names && (strlen(names[i]) != n || strncmp(names[i], s, n)))
				i++;
			if (i == n_names && n_names < sizeof names / sizeof *names) {
				names[n_names] = arena_strndup(req->a, s, n);
				vals[n_names] = (struct buf)BUF_INIT;
				n_names++;
			}
			if (i < n_names) {
				if (vals[i].len)
					buf_putc(&vals[i], ',');
				buf_put(&vals[i], s + klen + 1, len - klen - 1);
			}
		} else if (len) {
			buf_printf(&plain, "%s%.*s", plain.len ? "&" : "", (int)len, s);
		}
		s += len + (s[len] == '&');
	}
	for (size_t i = 0; i < n_names; i++) {
		buf_printf(&lists, "%s%s=%s", plain.len || lists.len ? "&" : "", names[i],
		           buf_cstr(&vals[i]));
		buf_free(&vals[i]);
	}
	req->query = arena_printf(req->a, "%s%s", buf_cstr(&plain), buf_cstr(&lists));
	buf_free(&plain);
	buf_free(&lists);
	req->query_parsed = 0;
	req->query_params = NULL;
	req->n_query_params = 0;
}

int api_rest_route(struct http_req *req)
{
	if (!strncmp(req->path, "/wp-json/", 9)) {
		fold_arrays(req);
		return 0;
	}
	if (strcmp(req->path, "/") != 0 || !strstr(req->query, "rest_route="))
		return 0;
	/* Array forms first: a rest_route[]= folds into a rest_route=, which
	** the loop below must then take out with the others. */
	fold_arrays(req);
	size_t len;
	const char *route = http_query(req, "rest_route", &len);
	if (!route || route[0] != '/' || strlen(route) != len || len > 200)
		return 0;
	struct buf q = BUF_INIT;
	const char *s = req->query;
	while (*s) {
		size_t n = strcspn(s, "&");
		if (strncmp(s, "rest_route=", 11) != 0) {
			if (q.len)
				buf_putc(&q, '&');
			buf_put(&q, s, n);
		}
		s += n + (s[n] == '&');
	}
	req->path = arena_printf(req->a, "/wp-json%s", route);
	req->query = arena_strdup(req->a, buf_cstr(&q));
	buf_free(&q);
	req->query_parsed = 0;
	req->query_params = NULL;
	req->n_query_params = 0;
	return 1;
}

size_t api_body_limit(struct app *app, struct http_req *req)
{
	const char *m = req->method;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS"))
		return 0;
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Basic ", 6) != 0)
		return API_BODY_ANON;
	struct db *db = app->loop_db ? app->loop_db : db_pool_get(app->pool);
	db_clear_failed(db);
	int role = apppass_peek_role(db, req->a, h + 6);
	db_clear_failed(db);
	if (!app->loop_db)
		db_pool_put(app->pool, db);
	if (role < ROLE_CONTRIBUTOR)
		return API_BODY_ANON;
	if (role >= ROLE_AUTHOR && !strcmp(req->path, "/wp-json/wp/v2/media")) {
		pthread_rwlock_rdlock(&app->settings_lock);
		size_t limit = (size_t)app->settings.upload_max_bytes + 64 * 1024;
		pthread_rwlock_unlock(&app->settings_lock);
		return limit;
	}
	return API_BODY_JSON;
}
