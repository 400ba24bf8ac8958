/*
** admin_webmentions.c: the desk's Comments > Webmentions (whoever
** moderates comments: editors see every article's, authors their own
** articles', as in the inbox, admin_comment_scope()): each received mention with
** its source, what the check of the source found (verified, no link to
** the article, unreachable, the HTTP status it answered, or waiting) and
** when, and what became of it; and, for each article published, the
** mentions it sent: one outcome per linked page.  ?article=ID shows one
** article's.  Reading only: the queues are model/webmention.c's, the
** checking and sending web/webmention.c's.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/status.h"
#include "model/webmention.h"
#include "render/value.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ROWS 100

/* The verdict as the desk words it, with the HTTP status where it says. */
static const char *verdict_text(struct arena *a, const struct webmention_seen *m)
{
	if (m->verdict == WM_HTTP_ERROR)
		return arena_printf(a, "Source answered HTTP %d", m->http_status);
	return webmention_verdict_label(m->verdict);
}

/* One line of a sending's report ("URL: outcome", or a sentence) as a row:
** target, outcome, and whether the page's endpoint took it (2xx). */
static struct tv *report_row(struct arena *a, const char *line, size_t n)
{
	struct tv *r = tv_map(a);
	const char *sep = NULL;
	if (n > 7 && (!strncmp(line, "http://", 7) || !strncmp(line, "https://", 8)))
		for (const char *c = line; c + 1 < line + n && !sep; c++)
			if (c[0] == ':' && c[1] == ' ')
				sep = c;
	const char *outcome = sep ? arena_strndup(a, sep + 2, (size_t)(line + n - sep - 2))
	                          : arena_strndup(a, line, n);
	tv_set_str(a, r, "target", sep ? arena_strndup(a, line, (size_t)(sep - line)) : "");
	tv_set_str(a, r, "outcome", outcome);
	const char *ans = strstr(outcome, ", answered 2"); /* "..., answered 202" */
	tv_set_bool(a, r, "ok", ans && strlen(ans) == 14 && isdigit((unsigned char)ans[12]) &&
	                            isdigit((unsigned char)ans[13]));
	return r;
}

void admin_webmentions_show(struct page *p)
{
	struct arena *a = p->a;
	long long article = 0;
	const char *q = http_query(p->req, "article", NULL);
	if (q && text_int(q, 1, (long long)1 << 53, &article) != 0) {
		site_error(p, 400, "Bad request", "The article must be given by its number.");
		return;
	}
	long long owner = admin_comment_scope(p);
	struct tv *ctx = admin_context(p, "Webmentions");
	tv_set_bool(a, ctx, "one_article", article != 0);
	tv_set_bool(a, ctx, "own_only", owner != 0);
	size_t n;
	struct webmention_seen *in = webmention_received(p->db, a, article, owner, ROWS, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		const struct webmention_seen *m = &in[i];
		struct tv *r = tv_map(a);
		tv_set_str(a, r, "source", m->source);
		tv_set_str(a, r, "target", m->target);
		tv_set_str(a, r, "headline", m->headline);
		tv_set_str(a, r, "article_url", arena_printf(a, "/admin/articles/%lld/",
		                                             m->article_id));
		tv_set_str(a, r, "received", admin_time(p, m->received_at));
		tv_set_str(a, r, "checked", m->checked_at ? admin_time(p, m->checked_at) : "");
		tv_set_str(a, r, "verdict", verdict_text(a, m));
		tv_set_str(a, r, "verdict_key", *webmention_verdict_name(m->verdict)
		                                    ? webmention_verdict_name(m->verdict)
		                                    : "pending");
		tv_set_str(a, r, "reason", m->reason);
		if (m->comment_id)
			tv_set_str(a, r, "comment_url", arena_printf(a, "/admin/comments/%lld/",
			                                             m->comment_id));
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "received", rows);
	tv_set_bool(a, ctx, "has_received", n > 0);
	struct webmention_sending *out = webmention_sendings(p->db, a, article, owner, ROWS, &n);
	rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		const struct webmention_sending *o = &out[i];
		struct tv *r = tv_map(a);
		tv_set_str(a, r, "headline", o->headline);
		tv_set_str(a, r, "article_url", arena_printf(a, "/admin/articles/%lld/",
		                                             o->article_id));
		tv_set_str(a, r, "queued", admin_time(p, o->queued_at));
		tv_set_str(a, r, "sent", o->done_at ? admin_time(p, o->done_at) : "");
		struct tv *lines = tv_list(a);
		for (const char *l = o->report; *l;) {
			size_t len = strcspn(l, "\n");
			if (len)
				tv_push(a, lines, report_row(a, l, len));
			l += len;
			if (*l)
				l++;
		}
		tv_set(a, r, "targets", lines);
		tv_set_bool(a, r, "has_targets", *o->report != 0);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "sendings", rows);
	tv_set_bool(a, ctx, "has_sendings", n > 0);
	admin_render(p, 200, "admin_webmentions", ctx);
}
