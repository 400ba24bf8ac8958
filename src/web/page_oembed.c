/*
** page_oembed.c: Byline as an oEmbed provider (oEmbed 1.0, section 2), so
** that other sites (WordPress among them) embed our stories.
**
** GET /wp-json/oembed/1.0/embed?url=URL[&format=json|xml][&maxwidth=N]
** [&maxheight=N] (WordPress's address for it) answers for URL one of our
** published articles, under site_base() only: a "rich" response whose
** html is a blockquote with the headline linked to the article, its dek
** and the site's name: no iframe and no script, so the consumer's page
** shows it as it is and its readers contact us only when they follow the
** link.  Unknown URL: 404; a format other than json or xml: 501 (as the
** specification asks).  Article pages name both forms in their head
** (<link rel="alternate" type="application/json+oembed">, and xml).
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "model/article.h"

#include <stdio.h>
#include <string.h>

#define OEMBED_WIDTH 600   /* the blockquote's width, at most maxwidth */
#define OEMBED_HEIGHT 200  /* a guess: the quote grows with its text */

long long page_oembed_article(struct page *p, const char *url)
{
	const char *base = site_base(p);
	size_t bn = strlen(base);
	if (strncmp(url, base, bn) || url[bn] != '/')
		return 0;
	const char *path = url + bn;
	int y, m, d;
	char slug[256];
	if (sscanf(path, "/%4d/%2d/%2d/%255[^/?#]", &y, &m, &d, slug) != 4)
		return 0;
	struct article art;
	if (article_by_slug(p->db, p->a, slug, 1, &art) != 0)
		return 0;
	/* the date in the path must be the article's */
	const char *own = site_article_path(p, art.published_at, art.slug);
	if (strncmp(own, path, strlen(own) - 1))
		return 0;
	return art.id;
}

/* Appends one member: JSON "name":value or XML <name>value</name>. */
static void member(struct buf *b, int xml, const char *name, const char *value, int is_num)
{
	if (xml) {
		buf_printf(b, "<%s>", name);
		esc_xml(b, value, strlen(value));
		buf_printf(b, "</%s>", name);
		return;
	}
	if (b->len > 1)
		buf_putc(b, ',');
	if (is_num) {
		buf_printf(b, "\"%s\":%s", name, value);
	} else {
		buf_printf(b, "\"%s\":\"", name);
		esc_json_s(b, value);
		buf_putc(b, '"');
	}
}

void page_oembed(struct page *p)
{
	struct arena *a = p->a;
	const char *url = http_query(p->req, "url", NULL);
	const char *format = http_query(p->req, "format", NULL);
	const char *maxw = http_query(p->req, "maxwidth", NULL);
	const char *maxh = http_query(p->req, "maxheight", NULL);
	int xml = format && !strcmp(format, "xml");
	if (format && *format && !xml && strcmp(format, "json")) {
		http_resp_text(p->resp, 501, "format must be json or xml.\n");
		return;
	}
	long long width = OEMBED_WIDTH, height = OEMBED_HEIGHT, v;
	if (maxw && text_int(maxw, 1, 100000, &v) == 0 && v < width)
		width = v;
	if (maxh && text_int(maxh, 1, 100000, &v) == 0 && v < height)
		height = v;
	/* (handlers run holding the settings' read lock: route.c) */
	long long id = url && strlen(url) <= 2000 ? page_oembed_article(p, url) : 0;
	const char *base = site_base(p);
	const char *site_title = p->app->settings.site_title;
	struct article art;
	if (!id || article_by_id(p->db, a, id, &art) != 0) {
		http_resp_text(p->resp, 404, "url is not a published article of this site.\n");
		return;
	}
	const char *link = arena_printf(a, "%s%s", base,
	                                site_article_path(p, art.published_at, art.slug));
	struct buf html = BUF_INIT;
	buf_printf(&html, "<blockquote class=\"byline-embed\" style=\"max-width:%lldpx\"><p><a href=\"",
	           width);
	esc_url_attr(&html, link, strlen(link));
	buf_puts(&html, "\"><strong>");
	esc_html_s(&html, art.headline);
	buf_puts(&html, "</strong></a></p>");
	if (art.dek && *art.dek) {
		buf_puts(&html, "<p>");
		esc_html_s(&html, art.dek);
		buf_puts(&html, "</p>");
	}
	buf_puts(&html, "<p>— ");
	esc_html_s(&html, site_title);
	buf_puts(&html, "</p></blockquote>");
	struct buf b = BUF_INIT;
	buf_puts(&b, xml ? "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<oembed>"
	                 : "{");
	member(&b, xml, "version", "1.0", 0);
	member(&b, xml, "type", "rich", 0);
	member(&b, xml, "provider_name", site_title, 0);
	member(&b, xml, "provider_url", base, 0);
	member(&b, xml, "title", art.headline, 0);
	member(&b, xml, "author_name", art.author_name ? art.author_name : "", 0);
	if (art.author_slug && *art.author_slug)
		member(&b, xml, "author_url",
		       arena_printf(a, "%s%s", base, site_author_path(p, art.author_slug)), 0);
	member(&b, xml, "width", arena_printf(a, "%lld", width), 1);
	member(&b, xml, "height", arena_printf(a, "%lld", height), 1);
	member(&b, xml, "html", buf_cstr(&html), 0);
	buf_puts(&b, xml ? "</oembed>\n" : "}");
	http_resp_unshare(p->resp);
	buf_reset(&p->resp->body);
	buf_put(&p->resp->body, b.data, b.len);
	p->resp->status = 200;
	p->resp->content_type = xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
	http_resp_header(p->resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(p->resp, "Cache-Control", "public, max-age=300");
	buf_free(&b);
	buf_free(&html);
}
