/*
** page_misc.c: the small fixed answers: robots.txt, the health probe and
** the theme's static files.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"

#include <string.h>

void page_robots(struct page *p)
{
	p->resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&p->resp->body,
	         "# Byline: readers and search engines welcome.\n"
	         "User-agent: *\n"
	         "Disallow: /admin/\n"
	         "Disallow: /search/\n");
	buf_printf(&p->resp->body, "\nSitemap: %s/sitemap.xml\n", site_base(p));
	http_resp_header(p->resp, "Cache-Control", "public, max-age=3600");
}

void page_health(struct page *p)
{
	p->resp->content_type = "text/plain; charset=utf-8";
	buf_puts(&p->resp->body, "ok\n");
	http_resp_header(p->resp, "Cache-Control", "no-store");
}

void page_static(struct page *p)
{
	const char *name = p->req->params[0];
	for (size_t i = 0; i < p->app->n_statics; i++) {
		const struct static_file *sf = &p->app->statics[i];
		if (strcmp(sf->name, name) != 0)
			continue;
		const char *etag = arena_printf(p->a, "\"%s\"", sf->etag);
		http_resp_header(p->resp, "ETag", etag);
		const char *v = http_query(p->req, "v", NULL);
		http_resp_header(p->resp, "Cache-Control",
		                 v && !strcmp(v, sf->etag) ? "public, max-age=31536000, immutable"
		                                           : "public, max-age=300");
		const char *inm = http_header(p->req, "If-None-Match");
		if (inm && !strcmp(inm, etag)) {
			p->resp->status = 304;
			return;
		}
		p->resp->content_type = sf->type;
		buf_put(&p->resp->body, sf->data, sf->len);
		return;
	}
	site_not_found(p);
}
