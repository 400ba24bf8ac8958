/*
** page_author.c: "/author/SLUG/": an author's bio and their articles.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/text.h"
#include "model/article.h"
#include "model/listmemo.h"
#include "model/account.h"
#include "model/author.h"
#include "core/url.h"
#include "render/markdown.h"
#include "render/value.h"

#include <string.h>

/* The author's bio as HTML: Markdown written by the author, as their role
** may (the bio is stored as source and rendered here, so a change of role
** or of the renderer shows at once). */
struct tv *page_author_bio(struct page *p, const char *bio, const char *role)
{
	struct buf html = BUF_INIT;
	markdown_render(&html, bio, strlen(bio), role_trust(role_parse(role)));
	struct tv *v = tv_html(p->a, html.data ? html.data : "", html.len);
	buf_free(&html);
	return v;
}

static void show(struct page *p)
{
	struct author au;
	if (author_by_slug(p->db, p->a, p->req->params[0], &au) != 0) {
		site_not_found(p);
		return;
	}
	long long page = 1;
	if (p->req->n_params == 2 && text_int(p->req->params[1], 1, 99999, &page) != 0) {
		site_not_found(p);
		return;
	}
	int per = p->app->settings.posts_per_page;
	struct article_scope by = {SCOPE_AUTHOR, au.id, 0, 0};
	long long total = listmemo_count(p->app->memo, p->db, &by);
	long long pages = total ? (total + per - 1) / per : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct article *list = listmemo_page(p->app->memo, p->db, p->a, &by, (page - 1) * per, per,
	                                     &n);
	struct tv *ctx = site_context(p, au.name);
	p->deps.flags = DEP_LISTS;
	p->deps.author_id = au.id;
	struct tv *author = tv_map(p->a);
	tv_set_str(p->a, author, "name", au.name);
	tv_set_str(p->a, author, "url", site_author_path(p, au.slug));
	tv_set_str(p->a, author, "avatar", au.avatar);
	tv_set(p->a, author, "bio_html", page_author_bio(p, au.bio, au.role));
	tv_set_int(p->a, author, "count", total);
	/* Their links, one a line (read with the rest of the author's row);
	** only web addresses are shown. */
	struct tv *links = tv_list(p->a);
	for (const char *l = au.links; *l;) {
		size_t len = strcspn(l, "\r\n");
		if (len && url_is_web(l, len)) {
			struct tv *item = tv_map(p->a);
			tv_set_str(p->a, item, "url", arena_strndup(p->a, l, len));
			tv_push(p->a, links, item);
		}
		l += len;
		while (*l == '\r' || *l == '\n')
			l++;
	}
	tv_set(p->a, author, "links", links);
	tv_set_bool(p->a, author, "has_links", links->len > 0);
	tv_set(p->a, ctx, "author", author);
	tv_set(p->a, ctx, "articles", site_article_list(p, list, n));
	site_pagination(p, ctx, site_author_path(p, au.slug), page, pages);
	const char *base = site_author_path(p, au.slug);
	site_canonical(p, ctx, page > 1 ? arena_printf(p->a, "%spage/%lld/", base, page) : base);
	site_feed_links(p, ctx, au.name, arena_printf(p->a, "%sfeed/", base));
	tv_set_str(p->a, tv_get(ctx, "og"), "type", "profile");
	site_render(p, 200, "author", ctx);
}

void page_author_show(struct page *p)
{
	site_read_page(p, show);
}
