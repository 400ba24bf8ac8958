/*
** page_search.c: "/search/?q=…": published articles matching the reader's
** words, best first, with the matching passage highlighted.
**
** Whatever is typed, the answer is a page of results or a friendly
** "nothing found": the text never reaches FTS5 as syntax (search_terms).
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "core/utf8.h"
#include "model/search.h"
#include "render/typography.h"
#include "render/value.h"

#include <string.h>

#define PER_PAGE 10

/* The snippet as HTML: its text escaped, its \1...\2 marks as <mark>. */
static struct tv *snippet_html(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	const char *run = s;
	for (const char *c = s;; c++) {
		if (*c == 1 || *c == 2 || *c == 0) {
			esc_html(&b, run, (size_t)(c - run));
			if (*c == 0)
				break;
			buf_puts(&b, *c == 1 ? "<mark>" : "</mark>");
			run = c + 1;
		}
	}
	struct tv *v = tv_html(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return v;
}

static void show(struct page *p)
{
	struct arena *a = p->a;
	long long page = 1;
	if (p->req->n_params == 1 && text_int(p->req->params[0], 1, 99999, &page) != 0) {
		site_not_found(p);
		return;
	}
	size_t qlen = 0;
	const char *q = http_query(p->req, "q", &qlen);
	if (!q)
		q = "", qlen = 0;
	if (qlen > SEARCH_MAX_INPUT)
		qlen = SEARCH_MAX_INPUT;
	/* What is shown back in the box: only valid text, never over 200 bytes. */
	char *shown = arena_strndup(a, q, qlen > 200 ? 200 : qlen);
	for (char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	size_t shown_len = strlen(shown);
	while (shown_len && !utf8_valid_prefix(shown, shown_len))
		shown[--shown_len] = 0;
	char *fts = search_terms(a, q, qlen);
	struct tv *ctx = site_context(p, *shown ? trf(p, "Search: %s", shown) : tr(p, "Search"));
	tv_set_str(a, ctx, "q", shown);
	tv_set_bool(a, ctx, "searched", qlen > 0);
	tv_set_bool(a, ctx, "noindex", 1);
	size_t n = 0;
	long long total = 0;
	struct search_hit *hits = fts ? search_run(p->db, a, fts, (page - 1) * PER_PAGE, PER_PAGE,
	                                           &n, &total)
	                              : NULL;
	/* Pages reach through the ranked window; the count goes further. */
	long long ranked = total < SEARCH_WINDOW ? total : SEARCH_WINDOW;
	long long pages = ranked ? (ranked + PER_PAGE - 1) / PER_PAGE : 1;
	if (page > pages) {
		site_not_found(p);
		return;
	}
	/* Cards as every listing has (photo, section), made in one call (their
	** co-authors and photos read together, not a few statements a hit),
	** each photo the 160px one beside its result, with the snippet. */
	struct article *arts = arena_alloc(a, (n + 1) * sizeof *arts);
	struct site_slot *slots = arena_alloc(a, (n + 1) * sizeof *slots);
	for (size_t i = 0; i < n; i++) {
		arts[i] = hits[i].article;
		slots[i] = (struct site_slot){"160px", 0, i >= 2};
	}
	struct tv *made = site_article_cards_in(p, arts, n, slots);
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *item = made->items[i];
		tv_set(a, item, "snippet", snippet_html(a, hits[i].snippet));
		tv_push(a, list, item);
	}
	tv_set(a, ctx, "results", list);
	tv_set_str(a, ctx, "total", total > SEARCH_COUNT_CAP ? "1,000+" : arena_printf(a, "%lld", total));
	const char *count = total > SEARCH_COUNT_CAP
	                        ? tr(p, "1,000+ results for “%s”.")
	                        : trn(p, "%lld result for “%s”.", "%lld results for “%s”.", total);
	tv_set_str(a, ctx, "count_text", site_fill(a, count, "%s", site_isolate(p, shown)));
	tv_set_bool(a, ctx, "found", n > 0);
	if (pages > 1) {
		struct buf qs = BUF_INIT;
		esc_url_part(&qs, shown, strlen(shown));
		const char *enc = arena_strdup(a, buf_cstr(&qs));
		buf_free(&qs);
		struct tv *pg = tv_map(a);
		tv_set_int(a, pg, "page", page);
		tv_set_int(a, pg, "pages", pages);
		if (page > 1)
			tv_set_str(a, pg, "prev", page == 2 ? arena_printf(a, "/search/?q=%s", enc)
			                                    : arena_printf(a, "/search/page/%lld/?q=%s",
			                                                   page - 1, enc));
		if (page < pages)
			tv_set_str(a, pg, "next", arena_printf(a, "/search/page/%lld/?q=%s", page + 1, enc));
		tv_set(a, ctx, "pagination", pg);
	}
	site_render(p, 200, "search", ctx);
}

void page_search(struct page *p)
{
	site_read_page(p, show);
}
