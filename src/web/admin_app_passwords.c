/*
** admin_app_passwords.c: the Profile screen's "Application passwords"
** block (templates/admin_app_passwords.mustache) and its two forms: add a
** named password (shown once, on a page of its own, never in an address
** or a log) and revoke one.  The passwords themselves: model/apppass.h;
** the API that accepts them: api.c.
*/
#include "web/admin.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "model/account.h"
#include "model/apppass.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

void admin_app_passwords_context(struct page *p, struct tv *ctx)
{
	struct arena *a = p->a;
	size_t n;
	struct apppass *list = apppass_list(p->db, a, p->user->id, &n);
	struct tv *block = tv_map(a), *items = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", list[i].id);
		tv_set_str(a, r, "name", list[i].name);
		tv_set_str(a, r, "created", site_date(p, (time_t)list[i].created_at));
		tv_set_str(a, r, "last_used", list[i].last_used_at
		                                  ? site_date(p, (time_t)list[i].last_used_at) : tr(p, "Never"));
		tv_set_str(a, r, "last_ip", *list[i].last_ip ? list[i].last_ip : "—");
		tv_push(a, items, r);
	}
	tv_set(a, block, "items", items);
	tv_set_bool(a, block, "has_any", n > 0);
	tv_set(a, ctx, "app_passwords", block);
}

void admin_app_password_add(struct page *p)
{
	size_t len = 0;
	const char *name = http_form(p->req, "app_name", &len);
	size_t start = 0;
	while (name && start < len && name[start] == ' ')
		start++;
	if (!name || start == len || len > APPPASS_NAME_MAX || strlen(name) != len ||
	    !utf8_valid(name, len) || strpbrk(name, "\r\n\t")) {
		site_error(p, 422, tr(p, "Name the password"),
		           tr(p, "Give the application password a name of one line, up to 100 characters "
		                 "(the program that will use it, say), so you know which to revoke later. "
		                 "Nothing was made."));
		return;
	}
	const char *shown = NULL;
	char err[200];
	if (apppass_create(p->db, p->a, p->user->id, name + start, time(NULL), &shown, err,
	                   sizeof err) < 0) {
		site_error(p, 422, tr(p, "No password was made"), arena_strdup(p->a, err));
		return;
	}
	struct tv *ctx = admin_context(p, tr(p, "Your new application password"));
	tv_set_str(p->a, ctx, "app_name", name + start);
	tv_set_str(p->a, ctx, "password", shown);
	p->is_private = 1;
	admin_render(p, 201, "admin_app_password_new", ctx);
}

void admin_app_password_revoke(struct page *p)
{
	long long id = admin_param_id(p, 0);
	int rc = apppass_revoke(p->db, p->user->id, id);
	if (rc != 0) {
		site_error(p, rc > 0 ? 404 : 503, tr(p, "Not revoked"),
		           rc > 0 ? tr(p, "You have no application password with that number (it may have "
		                          "been revoked already).")
		                  : tr(p, "The site could not revoke it just now; please try again."));
		return;
	}
	admin_done(p, "/admin/profile", "app-password-revoked");
}
