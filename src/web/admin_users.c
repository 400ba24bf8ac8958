/*
** admin_users.c: accounts (administrators): adding people, changing roles, set-password
** links.
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/media.h"
#include "model/settings.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

static void show_users(struct page *p, int status, const char *error, const char *link)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Accounts");
	size_t n;
	struct account *list = account_list(p->db, a, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", list[i].id);
		tv_set_str(a, r, "name", list[i].name);
		tv_set_str(a, r, "email", list[i].email);
		tv_set_str(a, r, "role", role_label(list[i].role));
		tv_set_bool(a, r, "has_password", *list[i].password_hash != 0);
		tv_set_str(a, r, "action", arena_printf(a, "/admin/users/%lld/", list[i].id));
		struct tv *roles = tv_list(a);
		for (int k = ROLE_CONTRIBUTOR; k <= ROLE_ADMIN; k++) {
			struct tv *o = tv_map(a);
			tv_set_str(a, o, "value", role_name((enum role)k));
			tv_set_str(a, o, "label", role_label((enum role)k));
			tv_set_bool(a, o, "selected", (int)list[i].role == k);
			tv_push(a, roles, o);
		}
		tv_set(a, r, "roles", roles);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "users", rows);
	if (error)
		tv_set_str(a, ctx, "error", error);
	if (link)
		tv_set_str(a, ctx, "link", link);
	else
		tv_set_bool(a, ctx, "link", 0);
	admin_render(p, status, "admin_users", ctx);
}

void admin_users_list(struct page *p)
{
	show_users(p, 200, NULL, NULL);
}

static const char *link_url(struct page *p, const char *token)
{
	return arena_printf(p->a, "%s/admin/password?token=%s", site_base(p), token);
}

void admin_users_add(struct page *p)
{
	const char *email, *name;
	size_t n_email, n_name;
	enum text_verdict ve = http_form_text(p->req, "email", EMAIL_MAX, &email, &n_email);
	enum text_verdict vn = http_form_text(p->req, "name", USER_NAME_MAX, &name, &n_name);
	const char *role = http_form(p->req, "role", NULL);
	const char *why = ve != TEXT_OK ? text_check_message(p->a, ve, "The email address",
	                                                     EMAIL_MAX, n_email)
	                  : vn != TEXT_OK ? text_check_message(p->a, vn, "The name",
	                                                       USER_NAME_MAX, n_name)
	                  : !*email || !*name ? "Please give an email and a name."
	                                      : NULL;
	char err[256];
	long long id = why ? -1 : account_create(p->db, p->a, email, name, role_parse(role), err,
	                                         sizeof err);
	if (id < 0) {
		show_users(p, 422, why ? why : err, NULL);
		return;
	}
	char *token = account_link_new(p->db, p->a, id, 24 * 3600);
	show_users(p, 200, NULL, token ? link_url(p, token) : NULL);
}

void admin_user_update(struct page *p)
{
	long long id = admin_param_id(p, 0);
	struct account acct;
	if (account_by_id(p->db, p->a, id, &acct) != 0) {
		site_not_found(p);
		return;
	}
	const char *action = http_form(p->req, "action", NULL);
	if (action && !strcmp(action, "reset")) {
		char *token = account_link_new(p->db, p->a, id, 24 * 3600);
		show_users(p, 200, NULL, token ? link_url(p, token) : NULL);
		return;
	}
	enum role r = role_parse(http_form(p->req, "role", NULL));
	if (r == ROLE_NONE) {
		show_users(p, 422, "Choose a role.", NULL);
		return;
	}
	if (id == p->user->id && r != ROLE_ADMIN) {
		show_users(p, 422, "You cannot take away your own administrator role; ask another "
		                   "administrator.", NULL);
		return;
	}
	if (account_set_role(p->db, id, r) != 0) {
		show_users(p, 503, "The change could not be saved; try again.", NULL);
		return;
	}
	admin_done(p, "/admin/users/", "user");
}
