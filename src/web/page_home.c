/*
** page_home.c: the front page, "/" and "/page/N/": the latest articles.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"

#include <string.h>
#include "model/article.h"
#include "model/listmemo.h"
#include "render/value.h"

/* WordPress's old links: /?p=ID (also the feeds' stable ids) and /?s=words. */
static int old_links(struct page *p)
{
	const char *id = http_query(p->req, "p", NULL);
	long long n;
	if (id && text_int(id, 1, (long long)1 << 53, &n) == 0) {
		struct article art;
		if (article_by_id(p->db, p->a, n, &art) == 0 && art.status == ARTICLE_PUBLISHED) {
			http_redirect(p->req, p->resp, 301,
			              site_article_path(p, art.published_at, art.slug));
			return 1;
		}
		site_not_found(p);
		return 1;
	}
	const char *s = http_query(p->req, "s", NULL);
	if (s) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "/search/?q=");
		esc_url_part(&b, s, strlen(s) > 200 ? 200 : strlen(s));
		http_redirect(p->req, p->resp, 301, arena_strdup(p->a, buf_cstr(&b)));
		buf_free(&b);
		return 1;
	}
	return 0;
}

static void show(struct page *p)
{
	if (p->req->n_params == 0 && old_links(p))
		return;
	long long page = 1;
	if (p->req->n_params == 1 && text_int(p->req->params[0], 1, 99999, &page) != 0) {
		site_not_found(p);
		return;
	}
	int per = p->app->settings.posts_per_page;
	struct article_scope all = {SCOPE_ALL, 0, 0, 0};
	long long total = listmemo_count(p->app->memo, p->db, &all);
	long long pages = total ? (total + per - 1) / per : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct article *list = listmemo_page(p->app->memo, p->db, p->a, &all, (page - 1) * per, per,
	                                     &n);
	struct tv *ctx = site_context(p, page > 1 ? "Latest news" : NULL);
	p->deps.flags = DEP_LISTS;
	tv_set(p->a, ctx, "articles", site_article_list(p, list, n));
	tv_set_bool(p->a, ctx, "is_first_page", page == 1);
	site_pagination(p, ctx, "/", page, pages);
	site_render(p, 200, "home", ctx);
}

void page_home_show(struct page *p)
{
	site_read_page(p, show);
}
