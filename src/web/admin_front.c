/*
** admin_front.c: the front page in the desk (editors and administrators):
** which story leads, which are top stories, in what order, and until when.
**
** Plain forms, no script: each chosen story has a form to change its place
** and pin time and one to take it off; each recent published story has
** buttons to make it the lead or a top story.  The rules (published only,
** one lead, a pin ending in the future) are model/front.c's.  The screen
** also shows what readers see now, filled as the front page fills it.
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/article.h"
#include "model/front.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define RECENT 25 /* published stories offered to add */

/* "YYYY-MM-DD" and "HH:MM" of t in the site's zone. */
static void local_date_time(struct arena *a, long long t, const char **date, const char **tm_)
{
	struct tm tm;
	time_t tt = (time_t)t;
	localtime_r(&tt, &tm);
	*date = arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	*tm_ = arena_printf(a, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static struct tv *story(struct page *p, const struct article *r)
{
	struct arena *a = p->a;
	struct tv *m = tv_map(a);
	tv_set_int(a, m, "id", r->id);
	tv_set_str(a, m, "headline", r->headline);
	tv_set_str(a, m, "section", r->section_name);
	tv_set_str(a, m, "date", site_date(p, (time_t)r->published_at));
	tv_set_bool(a, m, "is_published", r->status == ARTICLE_PUBLISHED);
	tv_set_bool(a, m, "is_sticky", r->is_sticky);
	tv_set_bool(a, m, "has_image", *r->featured_url != 0);
	if (r->status == ARTICLE_PUBLISHED)
		tv_set_str(a, m, "url", site_article_path(p, r->published_at, r->slug));
	return m;
}

static void show(struct page *p, int status, const char *error)
{
	struct arena *a = p->a;
	long long now = (long long)time(NULL);
	struct tv *ctx = admin_context(p, tr(p, "Front page"));
	if (error)
		tv_set_str(a, ctx, "error", error);

	size_t n;
	struct front_pick *picks = front_picks(p->db, a, now, &n);
	struct tv *chosen = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *m = story(p, &picks[i].art);
		tv_set_bool(a, m, "is_lead", picks[i].slot == FRONT_LEAD);
		tv_set_int(a, m, "position", picks[i].position < 0 ? 0 : picks[i].position);
		if (picks[i].pinned_until) {
			const char *d, *t;
			local_date_time(a, picks[i].pinned_until, &d, &t);
			tv_set_str(a, m, "until_date", d);
			tv_set_str(a, m, "until_time", t);
			tv_set_str(a, m, "until", arena_printf(a, "%s %s", d, t));
		}
		tv_push(a, chosen, m);
	}
	tv_set(a, ctx, "chosen", chosen);
	tv_set_bool(a, ctx, "has_chosen", n > 0);

	/* What readers see now. */
	struct article lead, top[4];
	size_t n_top = 0;
	struct tv *now_list = tv_list(a);
	if (front_page(p->db, a, now, &lead, top, 4, &n_top, NULL) == 0) {
		struct tv *m = story(p, &lead);
		tv_set_str(a, m, "place", tr(p, "Lead"));
		tv_push(a, now_list, m);
		for (size_t i = 0; i < n_top; i++) {
			m = story(p, &top[i]);
			tv_set_str(a, m, "place", trf(p, "Top story %s", arena_printf(a, "%zu", i + 1)));
			tv_push(a, now_list, m);
		}
	}
	tv_set(a, ctx, "now", now_list);

	struct article_filter f = {.status = ARTICLE_PUBLISHED, .limit = RECENT};
	long long total;
	struct article *recent = article_list(p->db, a, &f, &n, &total);
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++)
		tv_push(a, list, story(p, &recent[i]));
	tv_set(a, ctx, "recent", list);
	tv_set_int(a, ctx, "top_max", FRONT_TOP_MAX);
	admin_render(p, status, "admin_front", ctx);
}

void admin_front_show(struct page *p)
{
	show(p, 200, NULL);
}

/* The pin's end from the form's date and time, in the site's zone: 0 when
** both are empty; -1 (with *why) when they do not read as a time. */
static long long form_until(struct page *p, const char **why)
{
	const char *date = NULL, *tm_ = NULL;
	if (http_form_text(p->req, "until_date", 10, &date, NULL) != TEXT_OK ||
	    http_form_text(p->req, "until_time", 5, &tm_, NULL) != TEXT_OK) {
		*why = tr(p, "Write the date as YYYY-MM-DD and the time as HH:MM.");
		return -1;
	}
	if (!*date && !*tm_)
		return 0;
	if (!*date) {
		*why = tr(p, "A time to pin until needs a date too (YYYY-MM-DD).");
		return -1;
	}
	time_t t;
	const char *text = *tm_ ? arena_printf(p->a, "%s %s", date, tm_)
	                        : arena_printf(p->a, "%s 23:59", date);
	if (text_parse_date(text, &t) != 0) {
		*why = tr(p, "Write the date as YYYY-MM-DD and the time as HH:MM.");
		return -1;
	}
	return (long long)t;
}

void admin_front_post(struct page *p)
{
	const char *action = http_form(p->req, "action", NULL);
	const char *id_text = http_form(p->req, "article_id", NULL);
	long long id;
	if (!action || !id_text || text_int(id_text, 1, (long long)1 << 53, &id) != 0) {
		show(p, 400, tr(p, "Choose a story and what to do with it."));
		return;
	}
	long long now = (long long)time(NULL);
	if (!strcmp(action, "remove")) {
		if (front_remove(p->db, id) != 0) {
			show(p, 503, tr(p, "The front page could not be saved; please try again."));
			return;
		}
		admin_done(p, "/admin/front/", "front");
		return;
	}
	enum front_slot slot;
	int position = 0;
	const char *why = NULL;
	long long until = form_until(p, &why);
	if (until < 0) {
		show(p, 422, why);
		return;
	}
	if (!strcmp(action, "lead")) {
		slot = FRONT_LEAD;
	} else if (!strcmp(action, "top") || !strcmp(action, "update")) {
		slot = FRONT_TOP;
		const char *pos = http_form(p->req, "position", NULL);
		long long n = 0;
		if (pos && *pos && text_int(pos, 0, 999, &n) != 0) {
			show(p, 422, tr(p, "The order must be a whole number from 0 to 999."));
			return;
		}
		position = (int)n;
		if (!strcmp(action, "update")) {
			/* Keep a lead the lead: only its pin time changes. */
			size_t k;
			struct front_pick *picks = front_picks(p->db, p->a, now, &k);
			for (size_t i = 0; i < k; i++)
				if (picks[i].art.id == id && picks[i].slot == FRONT_LEAD)
					slot = FRONT_LEAD;
		} else if (!pos || !*pos) {
			/* Added after the last top story. */
			size_t k;
			struct front_pick *picks = front_picks(p->db, p->a, now, &k);
			position = 1;
			for (size_t i = 0; i < k; i++)
				if (picks[i].slot == FRONT_TOP && picks[i].position >= position &&
				    picks[i].art.id != id)
					position = picks[i].position + 1;
		}
	} else {
		show(p, 400, tr(p, "Unknown action."));
		return;
	}
	char err[256];
	if (front_set(p->db, id, slot, position, until, now, err, sizeof err) != 0) {
		show(p, 422, err);
		return;
	}
	admin_done(p, "/admin/front/", "front");
}
