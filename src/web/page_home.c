/*
** page_home.c: the front page, "/" and "/page/N/": the latest articles.
*/
#include "web/web.h"
#include "core/text.h"
#include "model/article.h"
#include "render/value.h"

void page_home_show(struct page *p)
{
	long long page = 1;
	if (p->req->n_params == 1 && text_int(p->req->params[0], 1, 99999, &page) != 0) {
		site_not_found(p);
		return;
	}
	int per = p->app->settings.posts_per_page;
	long long total = article_count_published(p->db);
	long long pages = total ? (total + per - 1) / per : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct article *list = article_latest(p->db, p->a, (page - 1) * per, per, &n);
	struct tv *ctx = site_context(p, page > 1 ? "Latest news" : NULL);
	tv_set(p->a, ctx, "articles", site_article_list(p, list, n));
	tv_set_bool(p->a, ctx, "is_first_page", page == 1);
	site_pagination(p, ctx, "/", page, pages);
	site_render(p, 200, "home", ctx);
}
