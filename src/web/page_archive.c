/*
** page_archive.c: archives: a section (/category/SLUG/, with its
** sub-sections; /category/PARENT/CHILD/ for a sub-section), a tag
** (/tag/SLUG/) and a date (/YYYY/, /YYYY/MM/, /YYYY/MM/DD/), each paginated
** at page/N/ with rel="prev"/"next" and a page count.  Page 1 of an empty
** date archive shows an empty state; a section or tag with nothing
** published (in it or its sub-sections) is no page (404), so neither its
** name nor its existence leaks from a draft; a page past the end is a 404.
*/
#include "web/cdn.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/article.h"
#include "model/listmemo.h"
#include "model/taxonomy.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const months[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};

/* The page number: the route's last parameter when the path has page/N/. */
static long long page_number(struct page *p)
{
	long long n = 1;
	if (strstr(p->req->path, "/page/") && p->req->n_params > 0 &&
	    text_int(p->req->params[p->req->n_params - 1], 1, 99999, &n) != 0)
		return 0;
	return n;
}

/* Shows one page of an archive: base is its first page's path; `empty` is
** what page 1 says when nothing is published in scope (NULL: then 404);
** `about` a section's description (NULL or "": none), shown atop and as
** the meta description. */
static void show(struct page *p, const struct article_scope *scope, const char *base,
                 const char *title, const char *kind, const char *empty, const char *feed,
                 const char *about)
{
	struct arena *a = p->a;
	long long page = page_number(p);
	int per = p->app->settings.posts_per_page;
	long long total = listmemo_count(p->app->memo, p->db, scope);
	long long pages = total ? (total + per - 1) / per : 1;
	if (page < 1 || page > pages || (!total && !empty)) {
		site_not_found(p);
		return;
	}
	size_t n;
	struct article *list = listmemo_page(p->app->memo, p->db, a, scope, (page - 1) * per, per, &n);
	const char *paged = site_fill(a, site_fill(a, tr(p, "{title}, page {page}"), "{title}", title),
	                              "{page}", arena_printf(a, "%lld", page));
	struct tv *ctx = site_context(p, page > 1 ? paged : title);
	p->deps.flags = DEP_LISTS;
	tv_set_str(a, ctx, "archive_title", title);
	tv_set_str(a, ctx, "archive_kind", kind);
	if (about && *about) {
		tv_set_str(a, ctx, "archive_description", about);
		tv_set_str(a, ctx, "description", about);
	} else {
		tv_set_bool(a, ctx, "archive_description", 0);
	}
	tv_set_str(a, ctx, "empty", empty);
	tv_set_int(a, ctx, "total", total);
	/* A section's first page leads with its newest story, large; the
	** rest, and every other archive, is a grid of cards. */
	int has_lead = page == 1 && n > 1 && !strcmp(kind, "Section");
	if (has_lead) {
		struct tv *lead = site_article_cards(p, list, 1, "(max-width: 700px) 100vw, 720px",
		                                     720, 1)->items[0];
		tv_set(a, ctx, "lead", lead);
	}
	/* The grid's cards: one column (the page's width) up to 40rem, then
	** columns of at most ~380px (static/style.css .card-grid). */
	struct tv *cards = site_article_cards(p, list + has_lead, n - has_lead,
	                                      "(max-width: 640px) 100vw, 380px", 640,
	                                      has_lead ? 0 : 3);
	tv_set(a, ctx, "articles", cards);
	site_pagination(p, ctx, base, page, pages);
	site_canonical(p, ctx, page > 1 ? arena_printf(a, "%spage/%lld/", base, page) : base);
	if (feed)
		site_feed_links(p, ctx, title, feed);
	site_render(p, 200, "archive", ctx);
}

static void show_section(struct page *p)
{
	struct term sec;
	long long parent = 0;
	/* /category/CHILD/ or /category/PARENT/CHILD/ (then params[1] is the child). */
	int has_page = strstr(p->req->path, "/page/") != NULL;
	int nested = p->req->n_params - has_page == 2;
	const char *slug = p->req->params[nested ? 1 : 0];
	if (section_by_slug(p->db, p->a, slug, &sec, &parent) != 0) {
		site_not_found(p);
		return;
	}
	struct term par;
	if (nested) {
		/* The parent in the path must be the section's parent. */
		if (!parent || section_by_slug(p->db, p->a, p->req->params[0], &par, NULL) != 0 ||
		    par.id != parent) {
			site_not_found(p);
			return;
		}
	}
	struct article_scope scope = {SCOPE_SECTION, sec.id, 0, 0};
	cdn_name(p, "section", sec.id);
	const char *base = nested ? arena_printf(p->a, "/category/%s/%s/", site_slug(p->a, par.slug),
	                                         site_slug(p->a, sec.slug))
	                          : arena_printf(p->a, "/category/%s/", site_slug(p->a, sec.slug));
	show(p, &scope, base, sec.name, tr(p, "Section"), NULL,
	     arena_printf(p->a, "/category/%s/feed/", site_slug(p->a, sec.slug)),
	     section_description(p->db, p->a, sec.id));
}

static void show_tag(struct page *p)
{
	struct term tag;
	if (tag_by_slug(p->db, p->a, p->req->params[0], &tag) != 0) {
		site_not_found(p);
		return;
	}
	struct article_scope scope = {SCOPE_TAG, tag.id, 0, 0};
	cdn_name(p, "tag", tag.id);
	show(p, &scope, arena_printf(p->a, "/tag/%s/", site_slug(p->a, tag.slug)),
	     trf(p, "Tagged “%s”", tag.name), tr(p, "Tag"), NULL,
	     arena_printf(p->a, "/tag/%s/feed/", site_slug(p->a, tag.slug)), NULL);
}

/* Midnight at the start of y-m-d in the site's zone. */
static time_t local_midnight(int y, int m, int d)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void show_date(struct page *p)
{
	int n = p->req->n_params - (strstr(p->req->path, "/page/") ? 1 : 0);
	long long y, m = 0, d = 0;
	if (text_int(p->req->params[0], 1970, 9999, &y) != 0 ||
	    (n >= 2 && text_int(p->req->params[1], 1, 12, &m) != 0) ||
	    (n >= 3 && text_int(p->req->params[2], 1, 31, &d) != 0)) {
		site_not_found(p);
		return;
	}
	struct article_scope scope = {SCOPE_DATES, 0, 0, 0};
	const char *title, *base;
	if (n == 1) {
		scope.from = (long long)local_midnight((int)y, 1, 1);
		scope.to = (long long)local_midnight((int)y + 1, 1, 1);
		title = arena_printf(p->a, "%lld", y);
		base = arena_printf(p->a, "/%04lld/", y);
	} else if (n == 2) {
		scope.from = (long long)local_midnight((int)y, (int)m, 1);
		scope.to = (long long)local_midnight(m == 12 ? (int)y + 1 : (int)y,
		                                     m == 12 ? 1 : (int)m + 1, 1);
		title = arena_printf(p->a, "%s %lld", trc(p, "month", months[m - 1]), y);
		base = arena_printf(p->a, "/%04lld/%02lld/", y, m);
	} else {
		/* A day that does not exist (Feb 30) is not a page. */
		time_t t = local_midnight((int)y, (int)m, (int)d);
		struct tm check;
		localtime_r(&t, &check);
		if (check.tm_mday != d || check.tm_mon + 1 != m) {
			site_not_found(p);
			return;
		}
		scope.from = (long long)t;
		scope.to = (long long)local_midnight((int)y, (int)m, (int)d + 1);
		title = site_date(p, t);
		base = arena_printf(p->a, "/%04lld/%02lld/%02lld/", y, m, d);
	}
	show(p, &scope, base, trf(p, "Published in %s", title), tr(p, "Archive"),
	     tr(p, "Nothing was published in this period."), NULL, NULL);
}

void page_archive_section(struct page *p)
{
	site_read_page(p, show_section);
}

void page_archive_tag(struct page *p)
{
	site_read_page(p, show_tag);
}

void page_archive_date(struct page *p)
{
	site_read_page(p, show_date);
}
