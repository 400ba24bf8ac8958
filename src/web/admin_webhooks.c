/*
** admin_webhooks.c: the desk's Tools > Webhooks (administrators): the URLs
** registered for the site's events, each with its secret (shown, for the
** receiver to check signatures), whether it is paused and how its
** deliveries fare (failed ones: given up after a day of tries), buttons to
** send a test, pause or resume it; a form to add one, and the log of the
** latest deliveries (event, status code, attempts, last error, when).
** What is sent and how it is signed: web/webhooker.h and docs/WEBHOOKS.md.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/account.h"
#include "model/webhook.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

#define LOG_ROWS 50

/* The screen, with the add form holding url and the events chosen (a
** refused form comes back as typed) and error. */
static void show(struct page *p, int status, const char *url, const int *chosen,
                 const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Webhooks"));
	if (error)
		tv_set_str(a, ctx, "error", error);
	size_t n;
	struct webhook *hooks = webhook_list(p->db, a, &n);
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *h = tv_map(a);
		tv_set_int(a, h, "id", hooks[i].id);
		tv_set_str(a, h, "url", hooks[i].url);
		tv_set_str(a, h, "events", hooks[i].events);
		struct buf ev = BUF_INIT; /* "a, b": a line may break after each */
		for (const char *c = hooks[i].events; *c; c++) {
			buf_putc(&ev, *c);
			if (*c == ',')
				buf_putc(&ev, ' ');
		}
		tv_set_str(a, h, "events_text", arena_strdup(a, buf_cstr(&ev)));
		buf_free(&ev);
		tv_set_str(a, h, "secret", hooks[i].secret);
		tv_set_str(a, h, "created", admin_time(p, hooks[i].created_at));
		tv_set_str(a, h, "delete_url",
		           arena_printf(a, "/admin/tools/webhooks/%lld/delete", hooks[i].id));
		tv_set_str(a, h, "test_url",
		           arena_printf(a, "/admin/tools/webhooks/%lld/test", hooks[i].id));
		tv_set_str(a, h, "pause_url",
		           arena_printf(a, "/admin/tools/webhooks/%lld/%s", hooks[i].id,
		                        hooks[i].paused_at ? "resume" : "pause"));
		tv_set_bool(a, h, "paused", hooks[i].paused_at != 0);
		if (hooks[i].paused_at)
			tv_set_str(a, h, "paused_since", admin_time(p, hooks[i].paused_at));
		/* failing: its latest outcome is a delivery given up */
		int failing = hooks[i].failed && hooks[i].last_failed_at >= hooks[i].last_delivered_at;
		tv_set_bool(a, h, "failing", failing);
		tv_set_int(a, h, "failed", hooks[i].failed);
		tv_set_bool(a, h, "failed_one", hooks[i].failed == 1);
		if (hooks[i].last_failed_at)
			tv_set_str(a, h, "last_failed", admin_time(p, hooks[i].last_failed_at));
		if (hooks[i].last_delivered_at)
			tv_set_str(a, h, "last_delivered", admin_time(p, hooks[i].last_delivered_at));
		tv_push(a, list, h);
	}
	tv_set(a, ctx, "hooks", list);
	tv_set_bool(a, ctx, "has_hooks", n > 0);
	struct tv *evs = tv_list(a);
	for (int i = 0; i < WEBHOOK_N_EVENTS; i++) {
		struct tv *e = tv_map(a);
		tv_set_str(a, e, "name", webhook_event_names[i]);
		tv_set_str(a, e, "field", arena_printf(a, "event_%d", i));
		tv_set_bool(a, e, "checked", chosen ? chosen[i] : 1);
		tv_push(a, evs, e);
	}
	tv_set(a, ctx, "events", evs);
	tv_set_str(a, ctx, "url", url ? url : "");
	tv_set_int(a, ctx, "url_max", WEBHOOK_URL_MAX);
	size_t nd;
	struct webhook_delivery *log = webhook_log(p->db, a, LOG_ROWS, &nd);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < nd; i++) {
		const struct webhook_delivery *d = &log[i];
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", d->id);
		tv_set_str(a, r, "event", d->event);
		tv_set_str(a, r, "url", d->url);
		tv_set_str(a, r, "created", admin_time(p, d->created_at));
		tv_set_int(a, r, "attempts", d->attempts);
		tv_set_str(a, r, "status_code",
		           d->status_code ? arena_printf(a, "%d", d->status_code) : "—");
		tv_set_str(a, r, "last", d->last_at ? admin_time(p, d->last_at) : "—");
		const char *state = d->delivered_at ? tr(p, "Delivered")
		                    : d->gave_up_at ? tr(p, "Failed")
		                    : d->attempts  ? trf(p, "Will retry %s", admin_time(p, d->next_at))
		                                   : tr(p, "Waiting");
		tv_set_str(a, r, "state", state);
		tv_set_bool(a, r, "failed", d->gave_up_at != 0);
		tv_set_bool(a, r, "is_test", !strcmp(d->event, "ping"));
		tv_set_str(a, r, "error", d->last_error);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "log", rows);
	tv_set_bool(a, ctx, "has_log", nd > 0);
	size_t nt;
	struct webhook_attempt *tries = webhook_attempts(p->db, a, LOG_ROWS, &nt);
	struct tv *trs = tv_list(a);
	for (size_t i = 0; i < nt; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "delivery", tries[i].delivery_id);
		tv_set_int(a, r, "number", tries[i].number);
		tv_set_str(a, r, "event", tries[i].event);
		tv_set_str(a, r, "url", tries[i].url);
		tv_set_str(a, r, "at", admin_time(p, tries[i].at));
		tv_set_str(a, r, "status_code", tries[i].status_code
		                                    ? arena_printf(a, "%d", tries[i].status_code)
		                                    : tr(p, "no answer"));
		tv_set_bool(a, r, "ok", tries[i].status_code >= 200 && tries[i].status_code < 300);
		tv_set_str(a, r, "error", tries[i].error);
		tv_push(a, trs, r);
	}
	tv_set(a, ctx, "attempts", trs);
	tv_set_bool(a, ctx, "has_attempts", nt > 0);
	admin_render(p, status, "admin_webhooks", ctx);
}

void admin_webhooks_show(struct page *p)
{
	show(p, 200, NULL, NULL, NULL);
}

void admin_webhooks_add(struct page *p)
{
	const char *url = http_form(p->req, "url", NULL);
	url = url ? url : "";
	int chosen[WEBHOOK_N_EVENTS];
	struct buf ev = BUF_INIT;
	for (int i = 0; i < WEBHOOK_N_EVENTS; i++) {
		char name[24];
		snprintf(name, sizeof name, "event_%d", i);
		const char *v = http_form(p->req, name, NULL);
		chosen[i] = v && *v;
		if (chosen[i]) {
			if (ev.len)
				buf_putc(&ev, ',');
			buf_puts(&ev, webhook_event_names[i]);
		}
	}
	char secret[WEBHOOK_SECRET_LEN + 1], err[300];
	const char *events = arena_strdup(p->a, buf_cstr(&ev));
	buf_free(&ev);
	if (webhook_add(p->db, url, events, p->user->id, secret, err, sizeof err) < 0) {
		show(p, 422, url, chosen, arena_strdup(p->a, err));
		return;
	}
	admin_done(p, "/admin/tools/webhooks/", "webhook_added");
}

void admin_webhooks_delete(struct page *p)
{
	long long id = admin_param_id(p, 0);
	int rc = id ? webhook_delete(p->db, id) : 1;
	if (rc == 1) {
		site_not_found(p);
		return;
	}
	if (rc < 0) {
		site_error(p, 503, tr(p, "Busy"), tr(p, "The webhook could not be deleted; please try again."));
		return;
	}
	admin_done(p, "/admin/tools/webhooks/", "webhook_deleted");
}

void admin_webhooks_test(struct page *p)
{
	long long id = admin_param_id(p, 0), delivery;
	int rc = id ? webhook_ping(p->db, id, &delivery) : 1;
	if (rc == 1) {
		site_not_found(p);
		return;
	}
	if (rc == 2) {
		show(p, 409, NULL, NULL, "This webhook is paused: resume it to send a test.");
		return;
	}
	if (rc < 0) {
		site_error(p, 503, "Busy", "The test could not be queued; please try again.");
		return;
	}
	admin_done(p, "/admin/tools/webhooks/", "webhook_test");
}

/* Pauses (paused 1) or resumes a webhook. */
static void set_paused(struct page *p, int paused)
{
	long long id = admin_param_id(p, 0);
	int rc = id ? webhook_pause(p->db, id, paused) : 1;
	if (rc == 1) {
		site_not_found(p);
		return;
	}
	if (rc < 0) {
		site_error(p, 503, "Busy", "The webhook could not be changed; please try again.");
		return;
	}
	admin_done(p, "/admin/tools/webhooks/", paused ? "webhook_paused" : "webhook_resumed");
}

void admin_webhooks_pause(struct page *p)
{
	set_paused(p, 1);
}

void admin_webhooks_resume(struct page *p)
{
	set_paused(p, 0);
}
