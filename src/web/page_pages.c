/*
** page_pages.c: what answers a path no route of the table takes, before
** the 404: a published static page at its path (/about-us/,
** /about-us/corrections-policy/).  Route patterns come first, so a page
** can never shadow a route; page_save() refuses the slugs routes start
** with.  Old addresses the redirects table knows are answered by
** site_not_found(), for every path that finds nothing (/author/LOGIN/ is
** a route's path).
**
** A page is kept in the page cache under its path (route.c); a change to
** any page or menu logs 'all' (migrations 13 and 23), which drops it, and
** a change to its comments logs 'lists' (migration 31).  A page in the
** trash answers 410 Gone at its path, as an article does, comments and all.
**
** A page has no comments unless they are enabled on it (its editor's
** box); then its comments and the form are under it, as under an article,
** all threads on the page itself, and the form posts to /comments/page/ID/
** (comment_form.c).  Comments it had before they were disabled stay shown.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "core/utf8.h"
#include "model/comment.h"
#include "model/page.h"
#include "render/typography.h"
#include "render/value.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The path percent-decoded, or NULL if that is not UTF-8 text. */
static char *decoded(struct arena *a, const char *path)
{
	size_t n = strlen(path), k = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (path[i] == '%' && i + 2 < n) {
			char hex[3] = {path[i + 1], path[i + 2], 0};
			out[k++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			out[k++] = path[i];
		}
	}
	out[k] = 0;
	return k == strlen(out) && utf8_valid(out, k) ? out : NULL;
}

int page_pages_comments_open(struct page *p, const struct page_row *pg)
{
	return p->app->settings.comments_open && pg->comments_open &&
	       pg->status == PAGE_PUBLISHED;
}

void page_pages_render(struct page *p, const struct page_row *pg, const struct comment_form *f,
                       int status)
{
	struct arena *a = p->a;
	/* Typography on output, as articles have it (render/typography.h). */
	const char *title = typography_text_str(a, pg->title);
	const char *body = typography_html_str(a, pg->body_html);
	struct tv *ctx = site_context(p, title);
	struct tv *v = tv_map(a);
	tv_set_str(a, v, "title", title);
	tv_set(a, v, "body_html", tv_html(a, body, strlen(body)));
	/* Its ancestors, as a trail above the title. */
	struct tv *trail = tv_list(a);
	long long up = pg->parent_id;
	struct page_row anc[PAGE_MAX_DEPTH];
	int n = 0;
	while (up > 0 && n < PAGE_MAX_DEPTH && page_by_id(p->db, a, up, &anc[n]) == 0 &&
	       anc[n].status == PAGE_PUBLISHED) {
		up = anc[n].parent_id;
		n++;
	}
	tv_set_bool(a, v, "has_trail", n > 0);
	while (n-- > 0) {
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "title", anc[n].title);
		tv_set_str(a, it, "url", site_page_path(a, anc[n].path));
		tv_push(a, trail, it);
	}
	tv_set(a, v, "trail", trail);
	tv_set(a, ctx, "page", v);
	const char *url = site_page_path(a, pg->path);
	site_canonical(p, ctx, url);
	p->deps.flags = DEP_LISTS; /* the nav and its comments; its own text logs 'all' */
	/* Its comments, when enabled or when it has some (a preview has none:
	** id 0). */
	int open = pg->id > 0 && page_pages_comments_open(p, pg);
	/* A refused post (f) shows the form again, message and text, even on a
	** page whose comments are off: the reader keeps what they typed. */
	int shown = open || (f && pg->id > 0);
	if (!shown && pg->id > 0) {
		struct comment_page cp;
		shown = comment_thread_read(p->db, a, COMMENT_ON_PAGE(pg->id), NULL, 0, 1, 1, &cp) == 0 &&
		        cp.approved > 0;
	}
	tv_set_bool(a, v, "show_comments", shown);
	if (shown) {
		/* The form's token must stay far younger than its limit. */
		p->deps.expires_at = (long long)time(NULL) + 3600;
		struct tv *flags = tv_map(a);
		tv_set_bool(a, flags, "comments_open", open || f);
		tv_set(a, ctx, "article", flags); /* what comment_form.mustache asks */
		if (http_query(p->req, "replytocom", NULL))
			tv_set_bool(a, ctx, "noindex", 1); /* the reply form (never cached: route.c) */
		if (site_comments(p, ctx, COMMENT_ON_PAGE(pg->id), title, url,
		                  arena_printf(a, "/comments/page/%lld/", pg->id), open, 0, 1, f) != 0)
			return;
	}
	site_render(p, status, "page", ctx);
}

int page_fallback(struct page *p)
{
	struct http_req *req = p->req;
	if (strcmp(req->method, "GET") != 0 && !req->is_head)
		return 0;
	char *path = decoded(p->a, req->path);
	if (!path)
		return 0;
	struct page_row pg;
	int rc = page_by_path(p->db, p->a, path, &pg);
	if (rc == 0 && pg.status == PAGE_TRASH) {
		site_error(p, 410, "This page has been removed",
		           "It is no longer published on this site.");
		return 1;
	}
	if (rc == 0 && pg.status == PAGE_PUBLISHED) {
		const char *url = site_page_path(p->a, pg.path);
		size_t len = strlen(req->path);
		if (len == 0 || req->path[len - 1] != '/') {
			http_redirect(req, p->resp, 301, url); /* the canonical form ends in '/' */
			return 1;
		}
		page_pages_render(p, &pg, NULL, 200);
		return 1;
	}
	return 0;
}
