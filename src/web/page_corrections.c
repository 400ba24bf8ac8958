/*
** page_corrections.c: "/corrections/": every correction the site has made
** (model/note.h), newest first, each with its article's headline and link
** and the time it was made: the page newsrooms keep as a trust signal.
** Updates (news since) are not corrections and stay on their articles.
** Its feed is /corrections/feed/ (page_feed_corrections(), page_feed.c).
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/note.h"
#include "render/typography.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

#define PER_PAGE 20

static void show(struct page *p)
{
	struct arena *a = p->a;
	long long page = 1;
	if (p->req->n_params == 1 && text_int(p->req->params[0], 1, 99999, &page) != 0) {
		site_not_found(p);
		return;
	}
	long long total = note_count_corrections(p->db);
	long long pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct note *list = note_corrections(p->db, a, (page - 1) * PER_PAGE, PER_PAGE, &n);
	struct tv *ctx = site_context(p, tr(p, "Corrections"));
	p->deps.flags = DEP_LISTS; /* a note logs 'lists' (migration 22) */
	struct tv *items = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		const struct note *c = &list[i];
		const char *url = site_article_path(p, c->published_at, c->slug);
		const char *html = page_article_note_html(a, c->body_src);
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "headline", typography_text_str(a, c->headline));
		tv_set_str(a, it, "url", url);
		tv_set_str(a, it, "note_url", arena_printf(a, "%s#note-%lld", url, c->id));
		tv_set_str(a, it, "date_iso", text_date_iso(a, (time_t)c->created_at));
		tv_set_str(a, it, "date_long", site_date(p, (time_t)c->created_at));
		tv_set(a, it, "html", tv_html(a, html, strlen(html)));
		tv_push(a, items, it);
	}
	tv_set(a, ctx, "corrections", items);
	tv_set_bool(a, ctx, "has_corrections", n > 0);
	tv_set_str(a, ctx, "description",
	           tr(p, "Every correction this site has made to a published article, newest "
	                 "first."));
	site_pagination(p, ctx, "/corrections/", page, pages);
	site_feed_links(p, ctx, tr(p, "Corrections"), "/corrections/feed/");
	site_canonical(p, ctx, page > 1 ? arena_printf(a, "/corrections/page/%lld/", page)
	                                : "/corrections/");
	site_render(p, 200, "corrections", ctx);
}

void page_corrections_show(struct page *p)
{
	site_read_page(p, show);
}
