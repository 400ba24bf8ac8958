/*
** page_home.c: the front page, "/": the lead and top stories editors chose
** (model/front.h), a block per section and the latest stories; and
** "/page/N/", the older stories page by page.
*/
#include "web/cdn.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"

#include <string.h>
#include <time.h>
#include "model/article.h"
#include "model/front.h"
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

#define HOME_TOP 4          /* top stories beside the lead */
#define HOME_SECTION_CARDS 4 /* stories in each section's block */
#define HOME_SECTIONS 8      /* section blocks at most */

/* 1 if id is among shown[0..n). */
static int shown_id(const long long *shown, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (shown[i] == id)
			return 1;
	return 0;
}

/* The first page: the lead and top stories editors chose (model/front.h),
** a block per section with its newest stories not already shown, and the
** newest stories as a list (a page of them: /page/2/ goes on from there).  Cached like every listing (DEP_LISTS), and
** until the first pin in use ends. */
static void show_front(struct page *p, struct tv *ctx, long long pages)
{
	struct arena *a = p->a;
	long long now = (long long)time(NULL);
	struct article lead, top[HOME_TOP];
	size_t n_top = 0;
	long long next_change = 0;
	int rc = front_page(p->db, a, now, &lead, top, HOME_TOP, &n_top, &next_change);
	p->deps.expires_at = next_change;
	long long shown[1 + HOME_TOP];
	size_t n_shown = 0;
	/* Every card of the page, made in one call (site_article_cards_in():
	** their co-authors and photos read together), each photo with its
	** slot as static/style.css draws it: the lead two thirds of the page,
	** the whole width up to 60rem; a top story's 7.5rem beside its
	** headline; a section block's card half a block (at most ~300px, 325
	** in the widths where the blocks stack), or a block's only card across
	** it (up to 672px where the blocks stack, 420px at full width); 6.5rem
	** beside the headline on a phone.  The srcsets list only what those
	** slots need (SITE_DENSITY). */
	enum { MAX_CARDS = 1 + HOME_TOP + HOME_SECTIONS * HOME_SECTION_CARDS };
	struct article cards[MAX_CARDS];
	struct site_slot slots[MAX_CARDS];
	size_t n_cards = 0;
	if (rc == 0) {
		cards[n_cards] = lead;
		slots[n_cards++] = (struct site_slot){"(max-width: 960px) 100vw, 790px", 960, 0};
		shown[n_shown++] = lead.id;
		for (size_t i = 0; i < n_top; i++) {
			cards[n_cards] = top[i];
			slots[n_cards++] = (struct site_slot){"120px", 120, 0};
			shown[n_shown++] = top[i].id;
		}
	}

	/* A block per section: its newest stories, none shown above. */
	size_t n_sections;
	struct term *sections = site_sections(p, &n_sections); /* the navigation's */
	struct term *block_of[HOME_SECTIONS];
	size_t block_from[HOME_SECTIONS], block_n[HOME_SECTIONS], n_blocks = 0;
	/* Which have sub-sections, asked once for all (not once a block). */
	long long *section_ids = arena_alloc(a, (n_sections + 1) * sizeof *section_ids);
	int *nested = arena_alloc(a, (n_sections + 1) * sizeof *nested);
	for (size_t i = 0; i < n_sections; i++)
		section_ids[i] = sections[i].id;
	section_nesting(p->db, a, section_ids, n_sections, nested);
	/* Every block's stories in one statement (a round trip each on
	** PostgreSQL), when the sections are not too many to ask for all. */
	struct article **firsts = NULL;
	size_t *n_firsts = NULL;
	if (n_sections > 0 && n_sections <= ARTICLE_SECTION_FIRSTS_MAX) {
		firsts = arena_alloc(a, n_sections * sizeof *firsts);
		n_firsts = arena_alloc(a, n_sections * sizeof *n_firsts);
		if (article_section_firsts(p->db, a, section_ids, nested, n_sections,
		                           HOME_SECTION_CARDS + HOME_TOP + 1, firsts, n_firsts) != 0)
			firsts = NULL;
	}
	for (size_t i = 0; i < n_sections && n_blocks < HOME_SECTIONS; i++) {
		size_t n;
		struct article *list =
		    firsts ? firsts[i]
		           : article_section_first(p->db, a, sections[i].id, nested[i],
		                                   HOME_SECTION_CARDS + HOME_TOP + 1, &n);
		if (firsts)
			n = n_firsts[i];
		size_t from = n_cards;
		for (size_t k = 0; k < n && n_cards - from < HOME_SECTION_CARDS; k++)
			if (!shown_id(shown, n_shown, list[k].id))
				cards[n_cards++] = list[k];
		size_t n_keep = n_cards - from;
		if (n_keep == 0)
			continue;
		for (size_t k = from; k < n_cards; k++)
			slots[k] = n_keep == 1 ? (struct site_slot){"(max-width: 640px) 104px, "
			                                            "(max-width: 1047px) 672px, 420px",
			                                            672, 1}
			                       : (struct site_slot){"(max-width: 640px) 104px, 300px", 300, 1};
		block_of[n_blocks] = &sections[i];
		block_from[n_blocks] = from;
		block_n[n_blocks++] = n_keep;
	}

	struct tv *made = site_article_cards_in(p, cards, n_cards, slots);
	if (rc == 0) {
		tv_set(a, ctx, "lead", made->items[0]);
		struct tv *tops = tv_list(a);
		for (size_t i = 0; i < n_top; i++)
			tv_push(a, tops, made->items[1 + i]);
		tv_set(a, ctx, "top", tops);
		tv_set_bool(a, ctx, "has_top", n_top > 0);
	}
	struct tv *blocks = tv_list(a);
	for (size_t b = 0; b < n_blocks; b++) {
		struct tv *block = tv_map(a);
		tv_set_str(a, block, "name", block_of[b]->name);
		tv_set_str(a, block, "url",
		           arena_printf(a, "/category/%s/", site_slug(a, block_of[b]->slug)));
		tv_set_str(a, block, "id", arena_printf(a, "section-%lld", block_of[b]->id));
		struct tv *list = tv_list(a);
		for (size_t k = 0; k < block_n[b]; k++)
			tv_push(a, list, made->items[block_from[b] + k]);
		tv_set(a, block, "articles", list);
		tv_push(a, blocks, block);
	}
	tv_set(a, ctx, "section_blocks", blocks);

	/* "Latest": the newest stories, whatever is shown above. */
	size_t n_latest;
	struct article_scope all = {SCOPE_ALL, 0, 0, 0};
	struct article *latest = listmemo_page(p->app->memo, p->db, a, &all, 0,
	                                       p->app->settings.posts_per_page, &n_latest);
	/* Headlines only: no photo is shown here, so none is looked up (each
	** card's picture is a read of its variants). */
	struct tv *items = tv_list(a);
	for (size_t k = 0; k < n_latest; k++) {
		const struct article *r = &latest[k];
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "headline", r->headline);
		tv_set_str(a, it, "url", site_article_path(p, r->published_at, r->slug));
		tv_set_str(a, it, "date_iso", text_date_iso(a, (time_t)r->published_at));
		tv_set_str(a, it, "date_long", site_date(p, (time_t)r->published_at));
		if (r->section_id) {
			struct tv *sec = tv_map(a);
			tv_set_str(a, sec, "name", r->section_name);
			tv_set(a, it, "section", sec);
		} else {
			tv_set_bool(a, it, "section", 0);
		}
		tv_push(a, items, it);
	}
	tv_set(a, ctx, "latest", items);
	tv_set_bool(a, ctx, "has_latest", n_latest > 0);
	site_pagination(p, ctx, "/", 1, pages);
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
	struct tv *ctx = site_context(p, page > 1 ? tr(p, "Latest news") : NULL);
	p->deps.flags = DEP_LISTS;
	cdn_name(p, "home", 0);
	tv_set_bool(p->a, ctx, "is_first_page", page == 1);
	if (page == 1) {
		show_front(p, ctx, pages);
		site_render(p, 200, "home", ctx);
		return;
	}
	size_t n;
	struct article *list = listmemo_page(p->app->memo, p->db, p->a, &all, (page - 1) * per, per,
	                                     &n);
	tv_set(p->a, ctx, "articles", site_article_list(p, list, n));
	site_pagination(p, ctx, "/", page, pages);
	site_render(p, 200, "home", ctx);
}

void page_home_show(struct page *p)
{
	site_read_page(p, show);
}
