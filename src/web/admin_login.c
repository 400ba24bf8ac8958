/*
** admin_login.c: signing in and out, asking for a password link (forgotten
** password), and setting a password from a one-time link.  Failed sign-ins are throttled (model/session.c); the answer never
** says whether the account exists, and an unknown account costs the same
** hash time as a known one.
*/
#include "web/admin.h"
#include "web/mailer.h"
#include "core/i18n_mark.h"
#include "core/email.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/password.h"
#include "db/db.h"
#include "model/account.h"
#include "model/pwreset.h"
#include "model/session.h"
#include "render/value.h"

#include <string.h>

/* A local path to return to after sign-in, or "/admin/".  Only a path of
** this site passes: one "/" then anything but a second "/" or "\\" (both
** would make "//host", another site), and no control byte or backslash
** anywhere, because a browser drops tab, CR and LF from an address before
** reading it ("/\t/evil.example" is "//evil.example") and reads "\\" as "/". */
static const char *safe_next(struct page *p, const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || strlen(next) > 1000)
		return "/admin/";
	for (const unsigned char *c = (const unsigned char *)next; *c; c++)
		if (*c < 0x20 || *c == 0x7F || *c == '\\')
			return "/admin/";
	return arena_strdup(p->a, next);
}

/* The fields a sign-in form does not carry: its own, the old session's
** token, the submit button, a file. */
static const char *const not_carried[] = {"email", "password", "next", "carry", "csrf",
                                          "action", "featured_file", "password2", "token",
                                          "byline_token", NULL};

/* The fields of a refused editor form, for the sign-in form to carry as
** hidden inputs; at most WEB_SIGNED_OUT_BODY bytes of values (what a
** signed-out client may send at all), else none. */
static struct tv *carried_fields(struct page *p)
{
	struct tv *list = tv_list(p->a);
	http_form(p->req, "", NULL); /* parses */
	size_t total = 0;
	for (size_t i = 0; i < p->req->n_form_params; i++) {
		const struct http_param *f = &p->req->form_params[i];
		int skip = 0;
		for (int k = 0; not_carried[k]; k++)
			skip |= !strcmp(f->name, not_carried[k]);
		if (skip || strlen(f->name) > 64 || memchr(f->value, 0, f->len))
			continue;
		total += f->len;
		if (total > WEB_SIGNED_OUT_BODY)
			return tv_list(p->a);
		struct tv *item = tv_map(p->a);
		tv_set_str(p->a, item, "name", f->name);
		tv_set_str(p->a, item, "value", f->value);
		tv_push(p->a, list, item);
	}
	return list;
}

static void login_form_for(struct page *p, int status, const char *email, const char *message,
                           const char *next, int carry)
{
	struct tv *ctx = site_context(p, tr(p, "Sign in"));
	struct tv *fields = carry ? carried_fields(p) : tv_list(p->a);
	tv_set(p->a, ctx, "carried", fields);
	tv_set_bool(p->a, ctx, "carry", fields->len > 0);
	tv_set_str(p->a, ctx, "email", email ? email : "");
	tv_set_str(p->a, ctx, "next",
	           next ? next
	                : safe_next(p, http_form(p->req, "next", NULL) ? http_form(p->req, "next", NULL)
	                                                               : http_query(p->req, "next", NULL)));
	if (message)
		tv_set_str(p->a, ctx, "message", message);
	else
		tv_set_bool(p->a, ctx, "message", 0);
	if (http_query(p->req, "logged_out", NULL))
		tv_set_str(p->a, ctx, "notice", tr(p, "You are signed out."));
	if (http_query(p->req, "password_set", NULL))
		tv_set_str(p->a, ctx, "notice", tr(p, "Your password is set. Sign in with it now."));
	p->is_private = 1;
	http_resp_header(p->resp, "Cache-Control", "no-store");
	site_render(p, status, "admin_login", ctx);
}

static void login_form(struct page *p, int status, const char *email, const char *message)
{
	login_form_for(p, status, email, message, NULL, http_form(p->req, "carry", NULL) != NULL);
}

void admin_login_carry(struct page *p, int status, const char *why)
{
	(void)why;
	login_form_for(p, status, NULL,
	               tr(p, "You are not signed in (your session may have ended), so nothing was "
	                     "saved. Sign in again: what you typed comes back in the editor, not "
	                     "saved yet, for you to check and save."),
	               safe_next(p, p->req->path), 1);
}

void admin_login_kept(struct page *p, const char *email, const char *next)
{
	login_form_for(p, 403, email,
	               "Your session ended while you were writing, so the article was not "
	               "saved, but what you typed is kept for you. Sign in again: it comes "
	               "back in the editor, not saved yet, for you to check and save.",
	               safe_next(p, next), 0);
}

/* The article id of an editor address ("/admin/articles/12/": 12,
** "/admin/articles/new": 0), or -1 for any other. */
static long long editor_path_id(const char *path)
{
	if (!strcmp(path, "/admin/articles/new"))
		return 0;
	const char *pre = "/admin/articles/";
	size_t n = strlen(pre);
	if (strncmp(path, pre, n) != 0)
		return -1;
	long long id = 0;
	const char *c = path + n;
	if (*c < '1' || *c > '9')
		return -1;
	for (; *c >= '0' && *c <= '9' && id < (long long)1 << 50; c++)
		id = id * 10 + (*c - '0');
	return !strcmp(c, "/") ? id : -1;
}

void admin_login_show(struct page *p)
{
	if (p->user) {
		http_redirect(p->req, p->resp, 303, safe_next(p, http_query(p->req, "next", NULL)));
		return;
	}
	login_form(p, 200, NULL, NULL);
}

void admin_login_post(struct page *p)
{
	size_t elen = 0, plen = 0;
	const char *email = http_form(p->req, "email", &elen);
	const char *pw = http_form(p->req, "password", &plen);
	if (!email || !*email || !pw || !*pw || elen > 254 || plen > PASSWORD_MAX_CHARS * 4) {
		login_form(p, 422, email && elen <= 254 ? email : "",
		           tr(p, "Please enter your email address and your password."));
		return;
	}
	/* The attempt counts as a failure from here on, unless the password
	** turns out right (or cannot be checked now). */
	long wait = 0;
	long long attempt = login_reserve(p->db, p->a, email, p->req->remote_ip, &wait);
	if (attempt == 0) {
		long minutes = (wait + 59) / 60;
		http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%ld", wait));
		login_form(p, 429, email,
		           trn(p, "Too many failed sign-in attempts. For your safety, please "
		               "wait %lld minute and try again.",
		               "Too many failed sign-in attempts. For your safety, please "
		               "wait %lld minutes and try again.", minutes));
		return;
	}
	if (attempt < 0) {
		http_resp_header(p->resp, "Retry-After", "5");
		login_form(p, 503, email, tr(p, "Signing in failed on our side; please try again."));
		return;
	}
	struct account acct;
	int found = account_by_email(p->db, p->a, email, &acct) == 0;
	int rc = password_verify(found ? acct.password_hash : NULL, pw, plen);
	if (rc == PASSWORD_BUSY) {
		login_refund(p->db, attempt);
		http_resp_header(p->resp, "Retry-After", "5");
		login_form(p, 503, email, tr(p, "The site is very busy; please try again in a moment."));
		return;
	}
	if (rc != PASSWORD_OK || !found || acct.role == ROLE_NONE) {
		login_form(p, 422, email, tr(p, "That email address and password do not match an "
		                                "account. Check them and try again."));
		return;
	}
	login_succeeded(p->db, p->a, email, p->req->remote_ip); /* this attempt too */
	if (acct.suspended_at) {
		/* Said only to whoever knows the password. */
		login_form(p, 403, email, tr(p, "This account is suspended. Ask an administrator."));
		return;
	}
	/* A new session every sign-in; any session the browser had ends. */
	session_end(p->db, p->a, auth_cookie_token(p));
	struct session s;
	char *token = session_create(p->db, p->a, acct.id, p->req->remote_ip, &s);
	if (!token) {
		login_form(p, 503, email, tr(p, "Signing in failed on our side; please try again."));
		return;
	}
	auth_set_cookie(p, token, p->app->settings.session_max_seconds);
	session_prune(p->db, acct.id, p->app->settings.session_idle_seconds,
	              p->app->settings.session_max_seconds);
	log_info("sign-in: %s from %s", acct.email, p->req->remote_ip);
	const char *next = safe_next(p, http_form(p->req, "next", NULL));
	long long resume = editor_path_id(next);
	if (http_form(p->req, "carry", NULL) && resume >= 0 &&
	    (http_form(p->req, "headline", NULL) || http_form(p->req, "body", NULL))) {
		/* The form carried an editor's fields: the editor again, with them
		** and the new session's token, nothing saved. */
		struct session *sp = arena_alloc(p->a, sizeof *sp);
		struct account *ap = arena_alloc(p->a, sizeof *ap);
		*sp = s;
		*ap = acct;
		p->session = sp;
		p->user = ap;
		admin_article_resume(p, resume);
		return;
	}
	http_redirect(p->req, p->resp, 303, safe_next(p, http_form(p->req, "next", NULL)));
}

void admin_login_refuse(struct page *p, int status, const char *why)
{
	size_t elen = 0;
	const char *email = http_form(p->req, "email", &elen);
	login_form(p, status, email && elen <= 254 ? email : "", why);
}

void admin_logout_post(struct page *p)
{
	session_end(p->db, p->a, auth_cookie_token(p));
	auth_set_cookie(p, "", 0);
	http_redirect(p->req, p->resp, 303, "/admin/login?logged_out=1");
}

static void password_form(struct page *p, int status, const char *token, const char *message)
{
	struct tv *ctx = site_context(p, tr(p, "Set your password"));
	tv_set_str(p->a, ctx, "token", token ? token : "");
	if (message)
		tv_set_str(p->a, ctx, "message", message);
	else
		tv_set_bool(p->a, ctx, "message", 0);
	tv_set_bool(p->a, ctx, "valid", token && account_link_valid(p->db, token));
	p->is_private = 1;
	http_resp_header(p->resp, "Cache-Control", "no-store");
	/* The token in this page's address never leaves the site (and the
	** form's POST still says where it comes from). */
	http_resp_header(p->resp, "Referrer-Policy", "same-origin");
	site_render(p, status, "admin_password", ctx);
}

void admin_password_refuse(struct page *p, int status, const char *why)
{
	password_form(p, status, http_form(p->req, "token", NULL), why);
}

void admin_password_show(struct page *p)
{
	const char *token = http_query(p->req, "token", NULL);
	int valid = token && account_link_valid(p->db, token);
	password_form(p, valid ? 200 : 404, token,
	              valid ? NULL : tr(p, "This link is not valid: it may have been used already or "
	                                   "be more than 24 hours old. Ask for a new one "
	                                   "(Forgotten password, on the sign-in page) or ask an "
	                                   "administrator."));
}

void admin_password_post(struct page *p)
{
	const char *token = http_form(p->req, "token", NULL);
	size_t n1 = 0, n2 = 0;
	const char *pw = http_form(p->req, "password", &n1);
	const char *again = http_form(p->req, "password2", &n2);
	if (!token || !account_link_valid(p->db, token)) {
		password_form(p, 404, token, tr(p, "This link is not valid: it may have been used "
		                                   "already or be more than 24 hours old."));
		return;
	}
	const char *why = pw ? password_check_policy(pw, n1) : N_("Please choose a password.");
	if (why)
		why = tr(p, why); /* password_check_policy()'s sentences are marked DN_() */
	if (!why && (!again || n1 != n2 || memcmp(pw, again, n1) != 0))
		why = tr(p, "The two passwords are not the same. Please type it twice.");
	if (why) {
		password_form(p, 422, token, why);
		return;
	}
	char hash[PASSWORD_HASH_MAX];
	int rc = password_hash(pw, n1, hash);
	if (rc != PASSWORD_OK) {
		password_form(p, 503, token, tr(p, "The site is busy; please send the form again."));
		return;
	}
	long long id = account_link_use(p->db, token);
	if (id <= 0 || account_set_password(p->db, id, hash) != 0) {
		password_form(p, 404, token, tr(p, "This link has just been used or has expired."));
		return;
	}
	session_end_user(p->db, id);
	http_redirect(p->req, p->resp, 303, "/admin/login?password_set=1");
}


/* 1 if the site can mail a password link: base_url set (links in mails are
** made on it alone) and a mail server set. */
static int can_mail_links(struct page *p)
{
	const char *b = p->app->settings.base_url;
	return b && *b && mailer_is_sending(p->app->mailer);
}

static void forgot_form(struct page *p, int status, const char *email, const char *message,
                        int sent)
{
	struct tv *ctx = site_context(p, tr(p, "Forgotten password"));
	tv_set_str(p->a, ctx, "email", email ? email : "");
	if (message)
		tv_set_str(p->a, ctx, "message", message);
	else
		tv_set_bool(p->a, ctx, "message", 0);
	tv_set_bool(p->a, ctx, "sent", sent);
	tv_set_bool(p->a, ctx, "can_mail", can_mail_links(p));
	p->is_private = 1;
	http_resp_header(p->resp, "Cache-Control", "no-store");
	site_render(p, status, "admin_forgot", ctx);
}

void admin_forgot_show(struct page *p)
{
	forgot_form(p, 200, NULL, NULL, 0);
}

void admin_forgot_refuse(struct page *p, int status, const char *why)
{
	size_t elen = 0;
	const char *email = http_form(p->req, "email", &elen);
	forgot_form(p, status, email && elen <= EMAIL_MAX ? email : "", why, 0);
}

void admin_forgot_post(struct page *p)
{
	size_t elen = 0;
	const char *email = http_form(p->req, "email", &elen);
	if (!can_mail_links(p)) {
		forgot_form(p, 503, email && elen <= EMAIL_MAX ? email : "",
		            tr(p, "This site cannot send mail yet. Ask an administrator for a link."), 0);
		return;
	}
	const char *e = email && elen <= EMAIL_MAX ? account_normal_email(p->a, email) : "";
	if (!email_valid(e)) {
		forgot_form(p, 422, email && elen <= EMAIL_MAX ? email : "",
		            tr(p, "Please enter the email address of your account."), 0);
		return;
	}
	/* The request is stored whatever the address; the scheduler looks it up
	** and mails (model/pwreset.h): this answer cannot tell whether an
	** account has it, nor can its time. */
	long wait = 0;
	long long id = pwreset_request(p->db, p->a, e, p->req->remote_ip, &wait);
	if (id == 0) {
		long minutes = (wait + 59) / 60;
		http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%ld", wait));
		forgot_form(p, 429, email,
		            arena_printf(p->a, "Too many requests for a link. Please try again in "
		                         "%ld min (a link already sent still works).", minutes), 0);
		return;
	}
	if (id < 0) {
		http_resp_header(p->resp, "Retry-After", "5");
		forgot_form(p, 503, email, tr(p, "The request failed on our side; please try again."), 0);
		return;
	}
	forgot_form(p, 200, e, NULL, 1);
}
