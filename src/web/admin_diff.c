/*
** admin_diff.c: the revision screens' shared parts, for articles and static
** pages alike (templates/admin_revisions.mustache, admin_revision.mustache):
** a row of the list, the head of one revision's view, and its difference
** from what is now: a line diff (core/diff.h), and within each run of
** changed lines the words that changed marked.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/diff.h"
#include "core/text.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

struct tv *admin_revision_row(struct page *p, const char *base, long long id, const char *who,
                              long long when, const char *title, const char *status,
                              int is_current)
{
	struct arena *a = p->a;
	struct tv *r = tv_map(a);
	tv_set_int(a, r, "id", id);
	tv_set_str(a, r, "who", who);
	tv_set_str(a, r, "when", admin_time(p, when));
	tv_set_str(a, r, "when_iso", text_date_iso(a, (time_t)when));
	tv_set_str(a, r, "headline", title);
	tv_set_str(a, r, "status", status);
	tv_set_str(a, r, "url", arena_printf(a, "%srevisions/%lld/", base, id));
	tv_set_bool(a, r, "is_current", is_current);
	return r;
}

struct tv *admin_revision_context(struct page *p, const char *base, long long id,
                                  const char *who, long long when, const char *title)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Revision"));
	tv_set_str(a, ctx, "headline", title);
	tv_set_str(a, ctx, "who", who);
	tv_set_str(a, ctx, "when", admin_time(p, when));
	tv_set_str(a, ctx, "when_iso", text_date_iso(a, (time_t)when));
	tv_set_str(a, ctx, "action", arena_printf(a, "%srevisions/%lld/", base, id));
	tv_set_str(a, ctx, "list_url", arena_printf(a, "%srevisions/", base));
	return ctx;
}

/* One line of a diff as template segments: the words a changed line pairs
** with its counterpart marked (is_del / is_ins), the rest plain; the
** line's own '\n' dropped. */
static struct tv *diff_row(struct arena *a, enum diff_op op, const char *text, size_t len,
                           const char *other, size_t olen, int paired)
{
	if (len && text[len - 1] == '\n')
		len--;
	if (olen && other[olen - 1] == '\n')
		olen--;
	struct tv *r = tv_map(a);
	tv_set_str(a, r, "sign", op == DIFF_ADD ? "+" : op == DIFF_DEL ? "−" : " ");
	tv_set_str(a, r, "kind", op == DIFF_ADD ? "add" : op == DIFF_DEL ? "del" : "same");
	struct tv *segs = tv_list(a);
	size_t n = 0;
	struct diff_line *w = NULL;
	if (paired)
		w = op == DIFF_DEL ? diff_words(a, text, len, other, olen, &n)
		                   : diff_words(a, other, olen, text, len, &n);
	for (size_t i = 0; paired && i < n; i++) {
		if ((op == DIFF_DEL && w[i].op == DIFF_ADD) || (op == DIFF_ADD && w[i].op == DIFF_DEL))
			continue; /* the other side's words */
		struct tv *g = tv_map(a);
		tv_set_str(a, g, "text", arena_strndup(a, w[i].text, w[i].len));
		tv_set_bool(a, g, "is_del", w[i].op == DIFF_DEL);
		tv_set_bool(a, g, "is_ins", w[i].op == DIFF_ADD);
		tv_set_bool(a, g, "is_same", w[i].op == DIFF_SAME);
		tv_push(a, segs, g);
	}
	if (!paired) {
		struct tv *g = tv_map(a);
		tv_set_str(a, g, "text", arena_strndup(a, text, len));
		tv_set_bool(a, g, "is_del", op == DIFF_DEL);
		tv_set_bool(a, g, "is_ins", op == DIFF_ADD);
		tv_set_bool(a, g, "is_same", op == DIFF_SAME);
		tv_push(a, segs, g);
	}
	tv_set(a, r, "segs", segs);
	return r;
}

void admin_diff_add(struct page *p, struct tv *list, const char *label, const char *old,
                     const char *new_)
{
	struct arena *a = p->a;
	size_t n;
	struct diff_line *lines = diff_lines(a, old, strlen(old), new_, strlen(new_), &n);
	int changed = 0;
	for (size_t i = 0; i < n; i++)
		changed |= lines[i].op != DIFF_SAME;
	if (!changed)
		return;
	struct tv *block = tv_map(a);
	tv_set_str(a, block, "label", label);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n;) {
		if (lines[i].op == DIFF_SAME) {
			tv_push(a, rows, diff_row(a, DIFF_SAME, lines[i].text, lines[i].len, NULL, 0, 0));
			i++;
			continue;
		}
		size_t d0 = i;
		while (i < n && lines[i].op == DIFF_DEL)
			i++;
		size_t a0 = i;
		while (i < n && lines[i].op == DIFF_ADD)
			i++;
		size_t nd = a0 - d0, na = i - a0;
		for (size_t k = 0; k < nd; k++)
			tv_push(a, rows, diff_row(a, DIFF_DEL, lines[d0 + k].text, lines[d0 + k].len,
			                          k < na ? lines[a0 + k].text : NULL,
			                          k < na ? lines[a0 + k].len : 0, k < na));
		for (size_t k = 0; k < na; k++)
			tv_push(a, rows, diff_row(a, DIFF_ADD, lines[a0 + k].text, lines[a0 + k].len,
			                          k < nd ? lines[d0 + k].text : NULL,
			                          k < nd ? lines[d0 + k].len : 0, k < nd));
	}
	tv_set(a, block, "lines", rows);
	tv_push(a, list, block);
}

