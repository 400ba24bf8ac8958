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
#include "model/page.h"
#include "model/redirect.h"
#include "model/taxonomy.h"
#include "render/value.h"

/* WordPress's old query addresses on "/", in the order they are tried:
** an import's redirects (the WordPress ids it registered) win over
** Byline's own ids, which /?p= also names (the feeds' stable ids). */
static const char *const wp_params[] = {"p", "page_id", "cat", "tag", "attachment_id",
                                        "author"};

/* WordPress's old links: /?p=ID (also the feeds' stable ids), /?page_id=,
** /?cat=, /?tag=, /?attachment_id=, /?author= and /?s=words. */
static int old_links(struct page *p)
{
	for (size_t i = 0; i < sizeof wp_params / sizeof *wp_params; i++) {
		size_t len;
		const char *v = http_query(p->req, wp_params[i], &len);
		if (!v)
			continue;
		struct buf q = BUF_INIT;
		buf_printf(&q, "%s=", wp_params[i]);
		esc_url_part(&q, v, len);
		const char *to = redirect_find(p->db, p->a, "/", buf_cstr(&q));
		buf_free(&q);
		if (to) {
			http_redirect(p->req, p->resp, 301, to);
			return 1;
		}
	}
	const char *id = http_query(p->req, "p", NULL);
	long long n;
	if (id && text_int(id, 1, (long long)1 << 53, &n) == 0) {
		struct article art;
		if (article_by_id(p->db, p->a, n, &art) == 0 && art.status == ARTICLE_PUBLISHED) {
			http_redirect(p->req, p->resp, 301,
			              site_article_path(p, art.published_at, art.slug));
			return 1;
		}
		if (article_by_id(p->db, p->a, n, &art) == 0 && art.status == ARTICLE_TRASH) {
			page_article_gone(p);
			return 1;
		}
		site_not_found(p);
		return 1;
	}
	const char *page_id = http_query(p->req, "page_id", NULL);
	if (page_id) {
		struct page_row pg;
		if (text_int(page_id, 1, (long long)1 << 53, &n) == 0 &&
		    page_by_id(p->db, p->a, n, &pg) == 0 && pg.status == PAGE_PUBLISHED) {
			struct buf b = BUF_INIT;
			buf_putc(&b, '/');
			for (const char *s = pg.path; *s;) {
				size_t k = strcspn(s, "/");
				esc_url_part(&b, s, k);
				buf_putc(&b, '/');
				s += k + (s[k] == '/');
			}
			http_redirect(p->req, p->resp, 301, arena_strdup(p->a, buf_cstr(&b)));
			buf_free(&b);
			return 1;
		}
		site_not_found(p);
		return 1;
	}
	const char *tag = http_query(p->req, "tag", NULL);
	if (tag) {
		struct term t;
		if (tag_by_slug(p->db, p->a, tag, &t) == 0) {
			http_redirect(p->req, p->resp, 301,
			              arena_printf(p->a, "/tag/%s/", site_slug(p->a, t.slug)));
			return 1;
		}
		site_not_found(p);
		return 1;
	}
	if (http_query(p->req, "cat", NULL) || http_query(p->req, "attachment_id", NULL) ||
	    http_query(p->req, "author", NULL)) {
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
	struct tv *ctx = site_context(p, page > 1 ? tr(p, "Latest news") : NULL);
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
