/*
** page_feed.c: the feeds.  RSS 2.0 at feed/, Atom 1.0 at feed/atom/ and
** JSON Feed 1.1 at feed/json/, for the site, a section (with its
** sub-sections), a tag, an author, the site's comments, one article's
** comments and the site's corrections (model/note.h).
**
** A feed is gathered first into a format-neutral struct feed (the channel
** and its items, every string still raw), then written by one writer per
** format, which escapes at the point of output through core/escape.h only
** (esc_xml for XML text and attributes, esc_json inside JSON strings).  The
** reply then goes through page_feed_send(), which the sitemaps share: a
** strong ETag over the bytes, Last-Modified, Cache-Control and the 304.
**
** Ids never change: an article is BASE/?p=ID (WordPress's guid form, which
** the site answers with a 301 to the article), so an edit or a new slug
** does not make readers see the article again as new; a comment is
** BASE/?p=ARTICLE#comment-ID.  Commenters' emails are never read here:
** comment_recent_approved() does not select them.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "core/url.h"
#include "model/article.h"
#include "model/media.h"
#include "model/author.h"
#include "model/byline.h"
#include "model/comment.h"
#include "model/listmemo.h"
#include "model/note.h"
#include "model/taxonomy.h"
#include "render/typography.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FEED_ARTICLES 20 /* articles in a feed */
#define FEED_COMMENTS 30 /* comments in a comment feed */

/* Full text (content:encoded, Atom content, JSON content_html) or the
** excerpt only: the feed_full_text setting chooses. */

enum feed_format { FEED_RSS, FEED_ATOM, FEED_JSON };

/* Per format: the route's {fmt} capture and the Content-Type. */
static const struct {
	const char *suffix; /* after ".../feed/" */
	const char *type;   /* Content-Type */
} formats[] = {
	[FEED_RSS] = {"", "application/rss+xml; charset=utf-8"},
	[FEED_ATOM] = {"atom/", "application/atom+xml; charset=utf-8"},
	[FEED_JSON] = {"json/", "application/feed+json; charset=utf-8"},
};

/* A co-author of an article, after its first author. */
struct feed_person {
	const char *name; /* display name */
	const char *url;  /* absolute author page */
};

struct feed_item {
	const char *id;           /* stable id, an absolute URL */
	const char *url;          /* absolute permalink */
	const char *title;        /* plain text */
	const char *summary_html; /* the excerpt as HTML, or NULL */
	const char *summary_text; /* a plain-text summary (the dek), or NULL */
	const char *content_html; /* the whole text as HTML, or NULL */
	long long published_at;   /* seconds, UTC */
	long long updated_at;     /* seconds, UTC; >= published_at */
	const char *author_name;  /* display name as shown on the site */
	const char *author_url;   /* absolute http(s) URL, or NULL */
	const struct feed_person *coauthors; /* after author_name (model/byline.h) */
	size_t n_coauthors;       /* entries in coauthors */
	const char **categories;  /* names: the section, then the tags */
	size_t n_categories;      /* entries in categories */
	const char *image_url;    /* the featured image, absolute, or NULL */
	const char *image_type;   /* its MIME type */
	long long image_bytes;    /* its size (RSS enclosure length) */
};

struct feed {
	enum feed_format fmt;     /* which writer */
	const char *id;           /* Atom's feed id: a URL that does not change */
	const char *title;        /* plain text */
	const char *description;  /* plain text, may be "" */
	const char *lang;         /* the site's language: "en-US", "de" */
	const char *home_url;     /* the HTML page this feed follows */
	const char *self_url;     /* this feed's own URL */
	const char *author_name;  /* who the feed is by (Atom, JSON Feed) */
	const char *author_url;   /* absolute URL, or NULL */
	long long updated_at;     /* newest change, 0 if nothing yet */
	struct feed_item *items;  /* newest first */
	size_t n_items;           /* entries in items */
};

/* ---- dates (fixed English names: never the C library's locale) ---- */

static const char day_names[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char month_names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Wed, 12 Jun 2024 10:15:00 " + zone, in UTC: RSS's RFC 822 date with
** zone "+0000", or an HTTP-date (IMF-fixdate) with zone "GMT". */
static char *date_822(struct arena *a, long long t, const char *zone)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d %s", day_names[tm.tm_wday],
	                    tm.tm_mday, month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	                    tm.tm_min, tm.tm_sec, zone);
}


/* ---- the conditional reply ---- */

/* 1 if the If-None-Match header lists etag (which has its quotes).  The
** comparison is the weak one RFC 9110 prescribes for If-None-Match: a
** "W/" prefix is ignored.  "*" matches. */
static int etag_listed(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *s = header;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s == '*')
			return 1;
		if (s[0] == 'W' && s[1] == '/')
			s += 2;
		if (*s != '"') {
			s = strchr(s, ',');
			if (!s)
				break;
			continue;
		}
		const char *close = strchr(s + 1, '"');
		if (!close)
			break;
		if ((size_t)(close + 1 - s) == elen && !memcmp(s, etag, elen))
			return 1;
		s = close + 1;
	}
	return 0;
}

/* Finishes a feed or sitemap whose bytes are in p->resp->body: sets the
** Content-Type, a strong ETag (a BLAKE2b hash of the bytes, so it changes
** exactly when they do), Last-Modified when last_modified is known (> 0),
** and Cache-Control for shared caches unless a signed-in reader made the
** request (the dispatcher then marks the reply private).  Answers 304 with
** an empty body when If-None-Match lists the ETag, or, when the request has
** no If-None-Match, when If-Modified-Since is not older than
** last_modified. */
void page_feed_send(struct page *p, const char *content_type, long long last_modified)
{
	if (p->deps.flags == DEP_EVERYTHING) /* sitemaps: what is published, and when changed */
		p->deps.flags = DEP_LISTS | DEP_ANY_ARTICLE;
	struct http_resp *resp = p->resp;
	resp->content_type = content_type;
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)resp->body.data, resp->body.len,
	                   NULL, 0);
	char hex[2 * sizeof h + 1];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	const char *etag = arena_printf(p->a, "\"%s\"", hex);
	http_resp_header(resp, "ETag", etag);
	if (last_modified > 0)
		http_resp_header(resp, "Last-Modified", date_822(p->a, last_modified, "GMT"));
	if (!p->user)
		http_resp_header(resp, "Cache-Control", "public, max-age=300");

	/* With the page cache, conditional requests are its business: it keeps
	** each version's Last-Modified strictly newer than the one before,
	** which the newest item's time alone is not (an item can go away). */
	if (pagecache_stores(p->app->cache))
		return;
	int fresh = 0;
	const char *inm = http_header(p->req, "If-None-Match");
	const char *ims = inm ? NULL : http_header(p->req, "If-Modified-Since");
	long long since;
	if (inm)
		fresh = etag_listed(inm, etag);
	else if (ims && last_modified > 0 && (since = (long long)http_date_parse(ims)) > 0)
		fresh = last_modified <= since;
	if (fresh) {
		resp->status = 304;
		buf_reset(&resp->body);
	}
}

/* ---- writers ---- */

static void xml_s(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

/* <name>text</name> and a newline. */
static void xml_el(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	xml_s(b, text);
	buf_printf(b, "</%s>\n", name);
}

/* A JSON member "name": "value" (the name is ours, the value escaped). */
static void json_member(struct buf *b, const char *indent, const char *name,
                        const char *value, int comma)
{
	buf_printf(b, "%s\"%s\": \"", indent, name);
	esc_json_s(b, value);
	buf_puts(b, comma ? "\",\n" : "\"\n");
}

static void write_rss(struct buf *b, struct arena *a, const struct feed *f)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\""
	            " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
	            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	            "<channel>\n");
	xml_el(b, "title", f->title);
	buf_puts(b, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	xml_s(b, f->self_url);
	buf_puts(b, "\"/>\n");
	xml_el(b, "link", f->home_url);
	xml_el(b, "description", f->description);
	xml_el(b, "language", f->lang);
	if (f->updated_at)
		xml_el(b, "lastBuildDate", date_822(a, f->updated_at, "+0000"));
	xml_el(b, "generator", "Byline");
	for (size_t i = 0; i < f->n_items; i++) {
		const struct feed_item *it = &f->items[i];
		buf_puts(b, "<item>\n");
		xml_el(b, "title", it->title);
		xml_el(b, "link", it->url);
		buf_puts(b, "<guid isPermaLink=\"false\">");
		xml_s(b, it->id);
		buf_puts(b, "</guid>\n");
		xml_el(b, "pubDate", date_822(a, it->published_at, "+0000"));
		xml_el(b, "dc:creator", it->author_name);
		for (size_t k = 0; k < it->n_coauthors; k++)
			xml_el(b, "dc:creator", it->coauthors[k].name);
		for (size_t k = 0; k < it->n_categories; k++)
			xml_el(b, "category", it->categories[k]);
		/* The excerpt as description, the whole text beside it; a comment
		** (no excerpt) is whole in its description. */
		xml_el(b, "description", it->summary_html ? it->summary_html
		                         : it->content_html ? it->content_html : "");
		if (it->summary_html && it->content_html)
			xml_el(b, "content:encoded", it->content_html);
		if (it->image_url) {
			buf_puts(b, "<enclosure url=\"");
			xml_s(b, it->image_url);
			buf_printf(b, "\" length=\"%lld\" type=\"", it->image_bytes);
			xml_s(b, it->image_type);
			buf_puts(b, "\"/>\n");
		}
		buf_puts(b, "</item>\n");
	}
	buf_puts(b, "</channel>\n</rss>\n");
}

/* <author><name>..</name><uri>..</uri></author> */
static void atom_author(struct buf *b, const char *name, const char *url)
{
	buf_puts(b, "<author><name>");
	xml_s(b, name);
	buf_puts(b, "</name>");
	if (url) {
		buf_puts(b, "<uri>");
		xml_s(b, url);
		buf_puts(b, "</uri>");
	}
	buf_puts(b, "</author>\n");
}

static void write_atom(struct buf *b, struct arena *a, const struct feed *f)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	xml_s(b, f->lang);
	buf_puts(b, "\">\n");
	xml_el(b, "id", f->id);
	xml_el(b, "title", f->title);
	if (*f->description)
		xml_el(b, "subtitle", f->description);
	xml_el(b, "updated", text_date_iso(a, (time_t)f->updated_at));
	buf_puts(b, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_s(b, f->self_url);
	buf_puts(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_s(b, f->home_url);
	buf_puts(b, "\"/>\n");
	atom_author(b, f->author_name, f->author_url);
	xml_el(b, "generator", "Byline");
	for (size_t i = 0; i < f->n_items; i++) {
		const struct feed_item *it = &f->items[i];
		buf_puts(b, "<entry>\n");
		xml_el(b, "id", it->id);
		xml_el(b, "title", it->title);
		buf_puts(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
		xml_s(b, it->url);
		buf_puts(b, "\"/>\n");
		xml_el(b, "published", text_date_iso(a, (time_t)it->published_at));
		xml_el(b, "updated", text_date_iso(a, (time_t)it->updated_at));
		atom_author(b, it->author_name, it->author_url);
		for (size_t k = 0; k < it->n_coauthors; k++)
			atom_author(b, it->coauthors[k].name, it->coauthors[k].url);
		for (size_t k = 0; k < it->n_categories; k++) {
			buf_puts(b, "<category term=\"");
			xml_s(b, it->categories[k]);
			buf_puts(b, "\"/>\n");
		}
		if (it->summary_html) {
			buf_puts(b, "<summary type=\"html\">");
			xml_s(b, it->summary_html);
			buf_puts(b, "</summary>\n");
		}
		if (it->image_url) {
			buf_puts(b, "<link rel=\"enclosure\" type=\"");
			xml_s(b, it->image_type);
			buf_printf(b, "\" length=\"%lld\" href=\"", it->image_bytes);
			xml_s(b, it->image_url);
			buf_puts(b, "\"/>\n");
		}
		if (it->content_html) {
			buf_puts(b, "<content type=\"html\">");
			xml_s(b, it->content_html);
			buf_puts(b, "</content>\n");
		}
		buf_puts(b, "</entry>\n");
	}
	buf_puts(b, "</feed>\n");
}

/* "authors": [{"name": .., "url": ..}, ...]: name, then the co-authors. */
static void json_authors(struct buf *b, const char *indent, const char *name,
                         const char *url, const struct feed_person *more, size_t n_more)
{
	buf_printf(b, "%s\"authors\": [", indent);
	for (size_t k = 0; k <= n_more; k++) {
		const char *nm = k ? more[k - 1].name : name, *u = k ? more[k - 1].url : url;
		buf_puts(b, k ? ", {\"name\": \"" : "{\"name\": \"");
		esc_json_s(b, nm);
		if (u) {
			buf_puts(b, "\", \"url\": \"");
			esc_json_s(b, u);
		}
		buf_puts(b, "\"}");
	}
	buf_puts(b, "]");
}

static void write_json(struct buf *b, struct arena *a, const struct feed *f)
{
	buf_puts(b, "{\n");
	json_member(b, "  ", "version", "https://jsonfeed.org/version/1.1", 1);
	json_member(b, "  ", "title", f->title, 1);
	json_member(b, "  ", "home_page_url", f->home_url, 1);
	json_member(b, "  ", "feed_url", f->self_url, 1);
	if (*f->description)
		json_member(b, "  ", "description", f->description, 1);
	json_member(b, "  ", "language", f->lang, 1);
	json_authors(b, "  ", f->author_name, f->author_url, NULL, 0);
	buf_puts(b, ",\n  \"items\": [");
	for (size_t i = 0; i < f->n_items; i++) {
		const struct feed_item *it = &f->items[i];
		const char *in = "      ";
		buf_puts(b, i ? ",\n    {\n" : "\n    {\n");
		json_member(b, in, "id", it->id, 1);
		json_member(b, in, "url", it->url, 1);
		json_member(b, in, "title", it->title, 1);
		/* 1.1 wants content_html or content_text: the excerpt stands in
		** for the whole text when the feed carries excerpts only. */
		json_member(b, in, "content_html", it->content_html ? it->content_html
		                                   : it->summary_html ? it->summary_html : "", 1);
		if (it->summary_text && *it->summary_text)
			json_member(b, in, "summary", it->summary_text, 1);
		if (it->image_url)
			json_member(b, in, "image", it->image_url, 1);
		json_member(b, in, "date_published", text_date_iso(a, (time_t)it->published_at), 1);
		json_member(b, in, "date_modified", text_date_iso(a, (time_t)it->updated_at), 1);
		json_authors(b, in, it->author_name, it->author_url, it->coauthors, it->n_coauthors);
		if (it->n_categories) {
			buf_printf(b, ",\n%s\"tags\": [", in);
			for (size_t k = 0; k < it->n_categories; k++) {
				buf_puts(b, k ? ", \"" : "\"");
				esc_json_s(b, it->categories[k]);
				buf_putc(b, '"');
			}
			buf_putc(b, ']');
		}
		buf_puts(b, "\n    }");
	}
	buf_puts(b, f->n_items ? "\n  ]\n}\n" : "]\n}\n");
}

/* Writes f in its format into the response and sends it (or a 304). */
static void feed_send(struct page *p, const struct feed *f)
{
	struct buf *b = &p->resp->body;
	buf_reset(b);
	if (f->fmt == FEED_ATOM)
		write_atom(b, p->a, f);
	else if (f->fmt == FEED_JSON)
		write_json(b, p->a, f);
	else
		write_rss(b, p->a, f);
	page_feed_send(p, formats[f->fmt].type, f->updated_at);
}

/* ---- gathering ---- */

/* The format the route's last capture names. */
static enum feed_format format_of(struct page *p)
{
	const char *fmt = p->req->n_params ? p->req->params[p->req->n_params - 1] : "";
	if (!strcmp(fmt, "atom/"))
		return FEED_ATOM;
	if (!strcmp(fmt, "json/"))
		return FEED_JSON;
	return FEED_RSS;
}

/* A channel titled `title`, following the page at home_path, itself at
** feed_path + the format's suffix ("/category/x/feed/" + "atom/"), by the
** site.  Paths begin with '/'. */
static void feed_begin(struct page *p, struct feed *f, const char *title,
                       const char *home_path, const char *feed_path)
{
	const char *base = site_base(p);
	memset(f, 0, sizeof *f);
	f->fmt = format_of(p);
	f->title = title;
	f->description = p->app->settings.tagline;
	f->lang = site_lang(p);
	f->home_url = arena_printf(p->a, "%s%s", base, home_path);
	f->self_url = arena_printf(p->a, "%s%s%s", base, feed_path, formats[f->fmt].suffix);
	f->id = f->self_url;
	f->author_name = p->app->settings.site_title;
	f->author_url = arena_printf(p->a, "%s/", base);
}

/* The excerpt as HTML: the dek as a paragraph, else the body's first
** paragraph, copied whole (it is our own Markdown renderer's output, and a
** <p> holds no block inside it, so the copy is balanced).  "" if neither. */
static const char *excerpt_html(struct arena *a, const struct article *art)
{
	if (art->dek && *art->dek) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "<p>");
		esc_html_s(&b, art->dek);
		buf_puts(&b, "</p>");
		char *out = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		return out;
	}
	const char *start = art->body_html ? strstr(art->body_html, "<p>") : NULL;
	const char *end = start ? strstr(start, "</p>") : NULL;
	if (!end)
		return "";
	return arena_strndup(a, start, (size_t)(end + 4 - start));
}

/* html with every root-relative src="/..." and href="/..." made absolute
** against base (feed readers show items away from our site, where "/media/x"
** means nothing).  Only attributes our own renderers write: double-quoted,
** lowercase; "//host" (scheme-relative) is left alone.  Allocated in a. */
static const char *feed_absolute_html(struct arena *a, const char *base, const char *html)
{
	if (!html)
		return NULL;
	struct buf b = BUF_INIT;
	const char *p = html;
	for (;;) {
		const char *src = strstr(p, " src=\"/");
		const char *href = strstr(p, " href=\"/");
		const char *hit = !src ? href : !href ? src : src < href ? src : href;
		if (!hit)
			break;
		const char *slash = strchr(hit, '"') + 1;
		buf_put(&b, p, (size_t)(slash - p));
		if (slash[1] != '/')
			buf_puts(&b, base);
		p = slash;
	}
	buf_puts(&b, p);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Items for articles: the full text (body_html) beside the excerpt when
** full_text, else the excerpt alone. */
static void article_items(struct page *p, struct feed *f, const struct article *list,
                          size_t n, int full_text)
{
	struct arena *a = p->a;
	const char *base = site_base(p);
	f->items = arena_alloc(a, (n ? n : 1) * sizeof *f->items);
	f->n_items = n;
	/* The items' photos, co-authors and tags, each read for the whole feed
	** at once, not three statements an item. */
	long long *ids = arena_alloc(a, (n + 1) * sizeof *ids);
	struct media *pics = arena_alloc(a, (n + 1) * sizeof *pics);
	int *has_pic = arena_alloc(a, (n + 1) * sizeof *has_pic);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].featured_media_id;
	media_by_ids(p->db, a, ids, n, pics, has_pic);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].id;
	struct byline_author **co_by = arena_alloc(a, (n + 1) * sizeof *co_by);
	size_t *co_n = arena_alloc(a, (n + 1) * sizeof *co_n);
	byline_coauthors_many(p->db, a, ids, n, co_by, co_n);
	struct term **tags_of = arena_alloc(a, (n + 1) * sizeof *tags_of);
	size_t *tags_n = arena_alloc(a, (n + 1) * sizeof *tags_n);
	tag_of_articles(p->db, a, ids, n, tags_of, tags_n);
	for (size_t i = 0; i < n; i++) {
		struct article *art = arena_alloc(a, sizeof *art);
		*art = list[i];
		site_typeset(a, art);
		struct feed_item *it = &f->items[i];
		memset(it, 0, sizeof *it);
		it->id = arena_printf(a, "%s/?p=%lld", base, art->id);
		it->url = arena_printf(a, "%s%s", base,
		                       site_article_path(p, art->published_at, art->slug));
		it->title = art->headline;
		it->summary_html = feed_absolute_html(a, base, excerpt_html(a, art));
		it->summary_text = art->dek;
		it->content_html = full_text ? feed_absolute_html(a, base, art->body_html) : NULL;
		if (art->featured_media_id > 0 && has_pic[i]) {
			it->image_url = arena_printf(a, "%s%s", base, pics[i].url);
			it->image_type = pics[i].mime;
			it->image_bytes = pics[i].bytes;
		}
		it->published_at = art->published_at;
		it->updated_at = art->updated_at > art->published_at ? art->updated_at
		                                                      : art->published_at;
		it->author_name = art->author_name;
		it->author_url = arena_printf(a, "%s%s", base, site_author_path(p, art->author_slug));
		if (co_n[i] > 0) {
			struct feed_person *co = arena_alloc(a, co_n[i] * sizeof *co);
			for (size_t k = 0; k < co_n[i]; k++) {
				co[k].name = co_by[i][k].name;
				co[k].url = arena_printf(a, "%s%s", base,
				                         site_author_path(p, co_by[i][k].slug));
			}
			it->coauthors = co;
			it->n_coauthors = co_n[i];
		}
		size_t n_tags = tags_n[i];
		struct term *tags = tags_of[i];
		it->categories = arena_alloc(a, (n_tags + 1) * sizeof *it->categories);
		if (art->section_id && *art->section_name)
			it->categories[it->n_categories++] = art->section_name;
		for (size_t k = 0; k < n_tags; k++)
			it->categories[it->n_categories++] = tags[k].name;
	}
}

/* The latest published articles in scope as feed f, sent. */
static void article_feed(struct page *p, struct feed *f, const struct article_scope *scope,
                         int full_text)
{
	size_t n;
	struct article *list = article_in_scope(p->db, p->a, scope, 0, FEED_ARTICLES, 1, &n);
	f->updated_at = article_last_change(p->db, scope);
	p->deps.flags = DEP_LISTS | DEP_ANY_ARTICLE; /* listings and full text */
	article_items(p, f, list, n, full_text);
	feed_send(p, f);
}

/* The latest approved comments (of article_id, or all for 0) as f, sent. */
static void comment_feed(struct page *p, struct feed *f, long long article_id)
{
	struct arena *a = p->a;
	const char *base = site_base(p);
	size_t n;
	struct comment *list = comment_recent_approved(p->db, a, article_id, FEED_COMMENTS, &n);
	p->deps.flags = article_id ? DEP_LISTS : DEP_LISTS | DEP_ALL_COMMENTS;
	p->deps.article_id = article_id;
	f->items = arena_alloc(a, (n ? n : 1) * sizeof *f->items);
	f->n_items = n;
	for (size_t i = 0; i < n; i++) {
		const struct comment *c = &list[i];
		struct feed_item *it = &f->items[i];
		memset(it, 0, sizeof *it);
		it->id = arena_printf(a, "%s/?p=%lld#comment-%lld", base, c->article_id, c->id);
		it->url = arena_printf(a, "%s%s#comment-%lld", base,
		                       site_article_path(p, c->article_published_at, c->article_slug),
		                       c->id);
		it->title = site_fill(a, site_fill(a, tr(p, "Comment on {article} by {name}"),
		                                   "{article}", c->article_headline),
		                      "{name}", c->author_name);
		it->content_html = feed_absolute_html(a, base, c->body_html);
		it->published_at = c->created_at;
		it->updated_at = c->created_at;
		it->author_name = c->author_name;
		/* Their website, if it is one; never anything from their email. */
		if (c->author_url && url_is_web(c->author_url, strlen(c->author_url)))
			it->author_url = c->author_url;
		if (c->created_at > f->updated_at)
			f->updated_at = c->created_at;
	}
	feed_send(p, f);
}

/* ---- handlers ---- */

void page_feed_site(struct page *p)
{
	struct feed f;
	feed_begin(p, &f, p->app->settings.site_title, "/", "/feed/");
	struct article_scope scope = {SCOPE_ALL, 0, 0, 0};
	article_feed(p, &f, &scope, p->app->settings.feed_full_text);
}

void page_feed_section(struct page *p)
{
	struct term sec;
	long long parent_id = 0;
	if (section_by_slug(p->db, p->a, p->req->params[0], &sec, &parent_id) != 0) {
		site_not_found(p);
		return;
	}
	/* A sub-section's page is /category/PARENT/CHILD/. */
	const char *home = arena_printf(p->a, "/category/%s/", site_slug(p->a, sec.slug));
	if (parent_id) {
		size_t n;
		struct term *all = section_all(p->db, p->a, &n);
		for (size_t i = 0; i < n; i++)
			if (all[i].id == parent_id)
				home = arena_printf(p->a, "/category/%s/%s/", site_slug(p->a, all[i].slug),
				                    site_slug(p->a, sec.slug));
	}
	/* As its page: a section with nothing published has no feed. */
	struct article_scope scope = {SCOPE_SECTION, sec.id, 0, 0};
	if (listmemo_count(p->app->memo, p->db, &scope) == 0) {
		site_not_found(p);
		return;
	}
	struct feed f;
	feed_begin(p, &f, arena_printf(p->a, "%s – %s", p->app->settings.site_title, sec.name),
	           home, arena_printf(p->a, "/category/%s/feed/", site_slug(p->a, sec.slug)));
	article_feed(p, &f, &scope, p->app->settings.feed_full_text);
}

void page_feed_tag(struct page *p)
{
	struct term tag;
	if (tag_by_slug(p->db, p->a, p->req->params[0], &tag) != 0) {
		site_not_found(p);
		return;
	}
	/* As its page: a tag only unpublished articles carry has no feed. */
	struct article_scope scope = {SCOPE_TAG, tag.id, 0, 0};
	if (listmemo_count(p->app->memo, p->db, &scope) == 0) {
		site_not_found(p);
		return;
	}
	struct feed f;
	feed_begin(p, &f, arena_printf(p->a, "%s – %s", p->app->settings.site_title, tag.name),
	           arena_printf(p->a, "/tag/%s/", site_slug(p->a, tag.slug)),
	           arena_printf(p->a, "/tag/%s/feed/", site_slug(p->a, tag.slug)));
	article_feed(p, &f, &scope, p->app->settings.feed_full_text);
}

void page_feed_author(struct page *p)
{
	struct author au;
	if (author_by_slug(p->db, p->a, p->req->params[0], &au) != 0) {
		site_not_found(p);
		return;
	}
	const char *home = site_author_path(p, au.slug);
	struct feed f;
	feed_begin(p, &f, arena_printf(p->a, "%s – %s", p->app->settings.site_title, au.name),
	           home, arena_printf(p->a, "%sfeed/", home));
	f.author_name = au.name;
	f.author_url = f.home_url;
	struct article_scope scope = {SCOPE_AUTHOR, au.id, 0, 0};
	article_feed(p, &f, &scope, p->app->settings.feed_full_text);
}

void page_feed_comments(struct page *p)
{
	struct feed f;
	feed_begin(p, &f, trf(p, "Comments on %s", p->app->settings.site_title), "/",
	           "/comments/feed/");
	comment_feed(p, &f, 0);
}

void page_feed_article_comments(struct page *p)
{
	/* /YYYY/MM/DD/SLUG/feed/FMT: params 0-2 the date, 3 the slug. */
	struct article art;
	const char *slug = p->req->params[3];
	const char *fmt = formats[format_of(p)].suffix;
	if (article_by_slug(p->db, p->a, slug, 1, &art) != 0) {
		/* A slug changed since: the feed moved with the article. */
		long long moved = article_by_old_slug(p->db, slug);
		if (moved && article_by_id(p->db, p->a, moved, &art) == 0 &&
		    art.status == ARTICLE_PUBLISHED) {
			http_redirect(p->req, p->resp, 301,
			              arena_printf(p->a, "%sfeed/%s",
			                           site_article_path(p, art.published_at, art.slug), fmt));
			return;
		}
		site_not_found(p);
		return;
	}
	const char *path = site_article_path(p, art.published_at, art.slug);
	const char *asked = arena_printf(p->a, "/%s/%s/%s/%s/", p->req->params[0],
	                                 p->req->params[1], p->req->params[2], slug);
	if (strcmp(path, asked) != 0) {
		/* A wrong date in the address: the one place the feed lives. */
		http_redirect(p->req, p->resp, 301, arena_printf(p->a, "%sfeed/%s", path, fmt));
		return;
	}
	struct feed f;
	feed_begin(p, &f, trf(p, "Comments on %s", art.headline), path,
	           arena_printf(p->a, "%sfeed/", path));
	/* Survives a slug change, like the items' ids. */
	f.id = arena_printf(p->a, "%s/?p=%lld#comments", site_base(p), art.id);
	/* The feed shows the headline: an edit changes it too. */
	f.updated_at = art.updated_at > art.published_at ? art.updated_at : art.published_at;
	comment_feed(p, &f, art.id);
}

/* /corrections/feed/: the newest corrections, each an item of its own
** that links to the note on its article; the id is the article's with the
** note's anchor, so a correction is new to readers once. */
void page_feed_corrections(struct page *p)
{
	struct arena *a = p->a;
	const char *base = site_base(p);
	struct feed f;
	feed_begin(p, &f, arena_printf(a, "Corrections: %s", p->app->settings.site_title),
	           "/corrections/", "/corrections/feed/");
	size_t n;
	struct note *list = note_corrections(p->db, a, 0, FEED_ARTICLES, &n);
	p->deps.flags = DEP_LISTS; /* a note logs 'lists' (migration 22) */
	f.items = arena_alloc(a, (n ? n : 1) * sizeof *f.items);
	f.n_items = n;
	for (size_t i = 0; i < n; i++) {
		const struct note *c = &list[i];
		struct feed_item *it = &f.items[i];
		memset(it, 0, sizeof *it);
		it->id = arena_printf(a, "%s/?p=%lld#note-%lld", base, c->article_id, c->id);
		it->url = arena_printf(a, "%s%s#note-%lld", base,
		                       site_article_path(p, c->published_at, c->slug), c->id);
		it->title = arena_printf(a, "Correction: %s", typography_text_str(a, c->headline));
		it->content_html = page_article_note_html(a, c->body_src);
		it->published_at = c->created_at;
		it->updated_at = c->created_at;
		it->author_name = p->app->settings.site_title;
		it->author_url = arena_printf(a, "%s/", base);
		if (c->created_at > f.updated_at)
			f.updated_at = c->created_at;
	}
	feed_send(p, &f);
}
