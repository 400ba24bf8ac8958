/*
** page_author.c: "/author/SLUG/": an author's bio and their articles.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/text.h"
#include "model/article.h"
#include "model/author.h"
#include "render/markdown.h"
#include "render/value.h"

#include <string.h>

/* The author's bio as HTML: trusted Markdown written by the author. */
struct tv *page_author_bio(struct page *p, const char *bio)
{
	struct buf html = BUF_INIT;
	markdown_render(&html, bio, strlen(bio), MD_TRUSTED);
	struct tv *v = tv_html(p->a, html.data ? html.data : "", html.len);
	buf_free(&html);
	return v;
}

void page_author_show(struct page *p)
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
	long long total = article_count_by_author(p->db, au.id);
	long long pages = total ? (total + per - 1) / per : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct article *list = article_by_author(p->db, p->a, au.id, (page - 1) * per, per, &n);
	struct tv *ctx = site_context(p, au.name);
	struct tv *author = tv_map(p->a);
	tv_set_str(p->a, author, "name", au.name);
	tv_set_str(p->a, author, "url", site_author_path(p, au.slug));
	tv_set_str(p->a, author, "avatar", au.avatar);
	tv_set(p->a, author, "bio_html", page_author_bio(p, au.bio));
	tv_set_int(p->a, author, "count", total);
	tv_set(p->a, ctx, "author", author);
	tv_set(p->a, ctx, "articles", site_article_list(p, list, n));
	site_pagination(p, ctx, site_author_path(p, au.slug), page, pages);
	site_render(p, 200, "author", ctx);
}
