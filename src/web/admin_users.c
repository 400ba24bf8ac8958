/*
** admin_users.c: accounts (administrators): adding people (an invitation
** mail with the set-password link), changing roles, set-password links,
** suspending, and deleting an account with the account that inherits its
** work.
**
** Links are made on base_url alone (never the request's Host, never the
** listen address a proxy hides): with base_url unset the desk shows the
** path, says base_url must be set for links in mails, and sends no mail.
** An administrator cannot suspend, delete or demote themselves, nor leave
** the site without an active administrator.
*/
#include "web/admin.h"
#include "web/forms.h"
#include "web/mailer.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/pwreset.h"
#include "model/settings.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

/* What the page says above the list after a link was made. */
struct link_note {
	const char *link;   /* the whole link, or the path when base_url is unset */
	const char *mailed; /* "An invitation is sent to …", or why no mail went */
	int whole;          /* 1 if link is whole (base_url set) */
};

/* base_url without its trailing slashes, or "" when unset. */
static const char *base_url(struct page *p)
{
	const char *b = p->app->settings.base_url;
	size_t n = b ? strlen(b) : 0;
	while (n && b[n - 1] == '/')
		n--;
	return arena_strndup(p->a, b ? b : "", n);
}

static void show_users(struct page *p, int status, const char *error,
                       const struct link_note *note)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Accounts"));
	size_t n;
	struct account *list = account_list(p->db, a, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", list[i].id);
		tv_set_str(a, r, "name", list[i].name);
		tv_set_str(a, r, "email", list[i].email);
		tv_set_str(a, r, "role", tr(p, role_label(list[i].role)));
		tv_set_bool(a, r, "has_password", *list[i].password_hash != 0);
		tv_set_bool(a, r, "has_email", *list[i].email != 0);
		tv_set_bool(a, r, "suspended", list[i].suspended_at != 0);
		tv_set_bool(a, r, "is_me", list[i].id == p->user->id);
		tv_set_str(a, r, "action", arena_printf(a, "/admin/users/%lld/", list[i].id));
		tv_set_str(a, r, "delete", arena_printf(a, "/admin/users/%lld/delete", list[i].id));
		struct tv *roles = tv_list(a);
		for (int k = ROLE_CONTRIBUTOR; k <= ROLE_ADMIN; k++) {
			struct tv *o = tv_map(a);
			tv_set_str(a, o, "value", role_name((enum role)k));
			tv_set_str(a, o, "label", tr(p, role_label((enum role)k)));
			tv_set_bool(a, o, "selected", (int)list[i].role == k);
			tv_push(a, roles, o);
		}
		tv_set(a, r, "roles", roles);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "users", rows);
	if (error)
		tv_set_str(a, ctx, "error", error);
	if (note) {
		struct tv *l = tv_map(a);
		tv_set_str(a, l, "url", note->link);
		tv_set_str(a, l, "mailed", note->mailed);
		tv_set_bool(a, l, "whole", note->whole);
		tv_set(a, ctx, "link", l);
	} else {
		tv_set_bool(a, ctx, "link", 0);
	}
	tv_set_bool(a, ctx, "no_base_url", !*base_url(p));
	admin_render(p, status, "admin_users", ctx);
}

void admin_users_list(struct page *p)
{
	show_users(p, 200, NULL, NULL);
}

/* Makes a set-password link for acct and mails it when the site can (base_url
** and a mail server set); fills note.  0, or -1 if no link could be made. */
static int make_link(struct page *p, const struct account *acct, int invite,
                     struct link_note *note)
{
	char *token = account_link_new(p->db, p->a, acct->id, PWRESET_LINK_SECONDS);
	if (!token)
		return -1;
	const char *base = base_url(p);
	const char *path = pwreset_path(p->a, token);
	note->whole = *base != 0;
	note->link = arena_printf(p->a, "%s%s", base, path);
	if (!*base) {
		note->mailed = tr(p, "No mail was sent: base_url is not set (see above).");
	} else if (!mailer_is_sending(p->app->mailer)) {
		note->mailed = tr(p, "No mail was sent: no mail server is set (smtp_url in Settings). "
		                     "Send this link to the person yourself.");
	} else {
		long long id = pwreset_mail(p->db, acct, note->link,
		                            p->app->settings.site_title, invite);
		if (id > 0) {
			mailer_wake(p->app->mailer);
			note->mailed = invite ? trf(p, "An invitation with this link is sent to %s.",
			                            acct->email)
			                      : trf(p, "A mail with this link is sent to %s.", acct->email);
		} else {
			note->mailed = trf(p, "The mail to %s could not be queued; send this link "
			                      "yourself.", acct->email);
		}
	}
	return 0;
}

void admin_users_add(struct page *p)
{
	const char *email, *name;
	size_t n_email, n_name;
	enum text_verdict ve = http_form_text(p->req, "email", EMAIL_MAX, &email, &n_email);
	enum text_verdict vn = http_form_text(p->req, "name", USER_NAME_MAX, &name, &n_name);
	const char *role = http_form(p->req, "role", NULL);
	const char *why = ve != TEXT_OK ? admin_text_message(p, ve, tr(p, "The email address"),
	                                                     EMAIL_MAX, n_email)
	                  : vn != TEXT_OK ? admin_text_message(p, vn, tr(p, "The name"),
	                                                       USER_NAME_MAX, n_name)
	                  : !*email || !*name ? tr(p, "Please give an email and a name.")
	                                      : NULL;
	char err[256];
	long long id = why ? -1 : account_create(p->db, p->a, email, name, role_parse(role), err,
	                                         sizeof err);
	struct account acct;
	if (id < 0 || account_by_id(p->db, p->a, id, &acct) != 0) {
		show_users(p, 422, why ? why : err, NULL);
		return;
	}
	struct link_note note;
	if (make_link(p, &acct, 1, &note) != 0) {
		show_users(p, 503, tr(p, "The account is made, but its link could not be; use New "
		                         "password link."), NULL);
		return;
	}
	log_info("account added: %s by %s", acct.email, p->user->email);
	show_users(p, 200, NULL, &note);
}

/* Why the signed-in administrator may not suspend or delete acct, or NULL. */
static const char *may_not_remove(struct page *p, const struct account *acct,
                                  const char *verb)
{
	if (acct->id == p->user->id)
		return !strcmp(verb, "suspend")
		           ? tr(p, "You cannot suspend your own account; ask another administrator.")
		           : tr(p, "You cannot delete your own account; ask another administrator.");
	if (acct->role == ROLE_ADMIN && !acct->suspended_at && *acct->password_hash &&
	    account_admins_active(p->db) <= 1)
		return !strcmp(verb, "suspend")
		           ? tr(p, "You cannot suspend the last active administrator.")
		           : tr(p, "You cannot delete the last active administrator.");
	return NULL;
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
		struct link_note note;
		if (acct.suspended_at || !*acct.email) {
			show_users(p, 422, acct.suspended_at ? tr(p, "The account is suspended: make it active "
			                                             "first.")
			                                     : tr(p, "This author has no email address, so "
			                                             "cannot sign in."), NULL);
			return;
		}
		if (make_link(p, &acct, !*acct.password_hash, &note) != 0) {
			show_users(p, 503, tr(p, "The link could not be made; try again."), NULL);
			return;
		}
		show_users(p, 200, NULL, &note);
		return;
	}
	if (action && (!strcmp(action, "suspend") || !strcmp(action, "unsuspend"))) {
		int suspend = !strcmp(action, "suspend");
		const char *why = suspend ? may_not_remove(p, &acct, "suspend") : NULL;
		if (why) {
			show_users(p, 422, why, NULL);
			return;
		}
		if ((suspend ? account_suspend(p->db, id) : account_unsuspend(p->db, id)) != 0) {
			show_users(p, 503, tr(p, "The change could not be saved; try again."), NULL);
			return;
		}
		log_info("account %s: %s by %s", suspend ? "suspended" : "unsuspended", acct.email,
		         p->user->email);
		admin_done(p, "/admin/users/", suspend ? "suspended" : "unsuspended");
		return;
	}
	enum role r = role_parse(http_form(p->req, "role", NULL));
	if (r == ROLE_NONE) {
		show_users(p, 422, tr(p, "Choose a role."), NULL);
		return;
	}
	if (id == p->user->id && r != ROLE_ADMIN) {
		show_users(p, 422, tr(p, "You cannot take away your own administrator role; ask another "
		                         "administrator."), NULL);
		return;
	}
	if (account_set_role(p->db, id, r) != 0) {
		show_users(p, 503, tr(p, "The change could not be saved; try again."), NULL);
		return;
	}
	admin_done(p, "/admin/users/", "user");
}

static void show_delete(struct page *p, int status, const struct account *acct,
                        const char *error, int blocked)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, trf(p, "Delete the account of %s", acct->name));
	tv_set_str(a, ctx, "name", acct->name);
	tv_set_str(a, ctx, "email", acct->email);
	tv_set_str(a, ctx, "action", arena_printf(a, "/admin/users/%lld/delete", acct->id));
	size_t n;
	struct account *list = account_list(p->db, a, &n);
	struct tv *heirs = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		if (list[i].id == acct->id)
			continue;
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "id", list[i].id);
		tv_set_str(a, o, "label", arena_printf(a, "%s (%s%s)", list[i].name,
		                                       tr(p, role_label(list[i].role)),
		                                       list[i].suspended_at ? tr(p, ", suspended") : ""));
		tv_set_bool(a, o, "selected", list[i].id == p->user->id);
		tv_push(a, heirs, o);
	}
	tv_set(a, ctx, "heirs", heirs);
	if (error)
		tv_set_str(a, ctx, "error", error);
	tv_set_bool(a, ctx, "blocked", blocked);
	admin_render(p, status, "admin_user_delete", ctx);
}

void admin_user_delete_show(struct page *p)
{
	struct account acct;
	if (account_by_id(p->db, p->a, admin_param_id(p, 0), &acct) != 0) {
		site_not_found(p);
		return;
	}
	const char *why = may_not_remove(p, &acct, "delete");
	show_delete(p, why ? 422 : 200, &acct, why, why != NULL);
}

void admin_user_delete(struct page *p)
{
	struct account acct;
	if (account_by_id(p->db, p->a, admin_param_id(p, 0), &acct) != 0) {
		site_not_found(p);
		return;
	}
	const char *why = may_not_remove(p, &acct, "delete");
	if (why) {
		show_delete(p, 422, &acct, why, 1);
		return;
	}
	const char *h = http_form(p->req, "heir", NULL);
	long long heir = 0;
	if (!h || text_int(h, 1, (long long)1 << 53, &heir) != 0)
		heir = 0;
	char err[256];
	if (heir <= 0) {
		show_delete(p, 422, &acct, tr(p, "Choose the account that inherits the articles."), 0);
		return;
	}
	if (account_delete(p->db, acct.id, heir, err, sizeof err) != 0) {
		show_delete(p, 422, &acct, arena_strdup(p->a, err), 0);
		return;
	}
	log_info("account deleted: %s by %s (work to user %lld)", acct.email, p->user->email, heir);
	admin_done(p, "/admin/users/", "user-deleted");
}
