/*
** admin_profile.c: your profile: the name, slug, bio, links and photo readers see on your
** author page; your password (the current one asked, throttled like a sign-in; after a
** change every other session and every open password link ends); your sessions (each with when it began, when it
** was last seen and from which address; end one, the others, or all).
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/password.h"
#include "core/text.h"
#include "core/url.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/media.h"
#include "model/session.h"
#include "model/settings.h"
#include "render/i18n.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

static void show_profile(struct page *p, int status, const struct account *acct,
                         const char *error, const char *password_error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Your profile"));
	struct tv *f = tv_map(a);
	tv_set_str(a, f, "name", acct->name);
	tv_set_str(a, f, "slug", acct->slug);
	tv_set_str(a, f, "bio", acct->bio);
	tv_set_str(a, f, "avatar", acct->avatar);
	tv_set_str(a, f, "links", acct->links);
	tv_set_str(a, f, "email", acct->email);
	tv_set_str(a, f, "page_url", site_author_path(p, acct->slug));
	tv_set(a, ctx, "profile", f);
	tv_set_bool(a, ctx, "can_upload", p->user->role >= ROLE_AUTHOR);
	if (error)
		tv_set_str(a, ctx, "error", error);
	if (password_error)
		tv_set_str(a, ctx, "password_error", password_error);
	size_t n;
	struct session_info *list = session_list(p->db, a, p->user->id, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", list[i].id);
		tv_set_str(a, r, "started", admin_time(p, list[i].created_at));
		tv_set_str(a, r, "seen", admin_time(p, list[i].seen_at));
		tv_set_str(a, r, "ip", *list[i].ip ? list[i].ip : tr(p, "unknown"));
		tv_set_bool(a, r, "current", p->session && list[i].id == p->session->id);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "sessions", rows);
	tv_set_bool(a, ctx, "other_sessions", n > 1);
	admin_app_passwords_context(p, ctx); /* its block: admin_app_passwords.c */
	admin_render(p, status, "admin_profile", ctx);
}

void admin_profile_show(struct page *p)
{
	show_profile(p, 200, p->user, NULL, NULL);
}

static void profile_from_form(struct page *p, struct account *f, const char **why)
{
	*f = *p->user;
	/* Each field as typed (shown back whatever is wrong with it). */
	static const struct {
		const char *name, *label; /* field, and its name in a sentence */
		size_t max;               /* characters */
	} rules[] = {
		{"name", N_("The name"), USER_NAME_MAX},
		{"slug", N_("The address"), 100},
		{"bio", N_("The biography"), 5000},
		{"links", N_("The links"), 2000},
	};
	const char *v[4];
	for (int i = 0; i < 4; i++) {
		size_t chars;
		enum text_verdict verdict = http_form_text(p->req, rules[i].name, rules[i].max, &v[i],
		                                           &chars);
		if (verdict != TEXT_OK && !*why)
			*why = admin_text_message(p, verdict, tr(p, rules[i].label), rules[i].max,
			                          chars);
	}
	const char *name = v[0], *slug = v[1], *bio = v[2], *links = v[3];
	f->name = name;
	f->slug = *slug ? slug : text_slug(p->a, name);
	f->bio = bio;
	f->links = links;
	if (*why)
		return;
	/* Each link must be a web address. */
	const char *l = links;
	while (*l) {
		size_t len = strcspn(l, "\r\n");
		if (len && !url_is_web(l, len)) {
			*why = tr(p, "Each link must be a web address starting with http:// or https://, "
			             "one a line.");
			return;
		}
		l += len;
		while (*l == '\r' || *l == '\n')
			l++;
	}
	if (http_form(p->req, "remove_avatar", NULL))
		f->avatar = "";
}

void admin_profile_refuse(struct page *p, int status, const char *why)
{
	if (!p->user) {
		site_forbidden(p, why);
		return;
	}
	struct account f;
	const char *ignored = NULL;
	profile_from_form(p, &f, &ignored);
	show_profile(p, status, &f, why, NULL);
}

void admin_profile_save(struct page *p)
{
	struct account f;
	const char *why = NULL;
	profile_from_form(p, &f, &why);
	if (p->req->form_error)
		why = p->req->form_error;
	const struct http_part *file = http_file(p->req, "avatar_file");
	if (!why && file) {
		if (p->user->role < ROLE_AUTHOR) {
			why = tr(p, "Contributors cannot upload images; ask an editor to add your photo.");
		} else {
			struct media m;
			char err[256];
			if (media_store(p->db, p->a, p->app->data_dir, (const unsigned char *)file->data,
			                file->len, (size_t)p->app->settings.upload_max_bytes, p->user->id,
			                &m, err, sizeof err) < 0)
				why = arena_strdup(p->a, err);
			else
				f.avatar = m.url;
		}
	}
	char err[256];
	if (!why && account_set_profile(p->db, p->user->id, f.name, f.slug, f.bio, f.avatar,
	                                f.links, err, sizeof err) != 0)
		why = arena_strdup(p->a, err);
	if (why) {
		show_profile(p, 422, &f, why, NULL);
		return;
	}
	admin_done(p, "/admin/profile", "profile");
}


void admin_profile_password(struct page *p)
{
	size_t nc = 0, n1 = 0, n2 = 0;
	const char *current = http_form(p->req, "current", &nc);
	const char *pw = http_form(p->req, "password", &n1);
	const char *again = http_form(p->req, "password2", &n2);
	if (!current || !*current) {
		show_profile(p, 422, p->user, NULL, tr(p, "Please type your current password."));
		return;
	}
	const char *why = pw && *pw ? password_check_policy(pw, n1) : N_("Please choose a new password.");
	if (why)
		why = tr(p, why); /* password_check_policy()'s sentences are marked DN_() */
	if (!why && (!again || n1 != n2 || memcmp(pw, again, n1) != 0))
		why = tr(p, "The two new passwords are not the same. Please type it twice.");
	if (why) {
		show_profile(p, 422, p->user, NULL, why);
		return;
	}
	/* Guessing the current password through a borrowed session is throttled
	** as sign-ins are: the attempt counts until the password proves right. */
	long wait = 0;
	long long attempt = login_reserve(p->db, p->a, p->user->email, p->req->remote_ip, &wait);
	if (attempt <= 0) {
		if (attempt == 0)
			http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%ld", wait));
		show_profile(p, attempt == 0 ? 429 : 503, p->user, NULL,
		             attempt == 0 ? tr(p, "Too many wrong passwords. For your safety, please wait "
		                                  "a few minutes and try again.")
		                          : tr(p, "The change failed on our side; please try again."));
		return;
	}
	int rc = password_verify(p->user->password_hash, current, nc);
	if (rc == PASSWORD_BUSY) {
		login_refund(p->db, attempt);
		show_profile(p, 503, p->user, NULL, tr(p, "The site is very busy; please try again in a "
		                                          "moment."));
		return;
	}
	if (rc != PASSWORD_OK) {
		show_profile(p, 422, p->user, NULL, tr(p, "Your current password is not right. Nothing "
		                                          "was changed."));
		return;
	}
	login_succeeded(p->db, p->a, p->user->email, p->req->remote_ip);
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(pw, n1, hash) != PASSWORD_OK ||
	    account_set_password(p->db, p->user->id, hash) != 0 ||
	    session_end_others(p->db, p->user->id, p->session->id) != 0 ||
	    account_link_end_all(p->db, p->user->id) != 0) {
		show_profile(p, 503, p->user, NULL, tr(p, "The site is busy; please send the form again."));
		return;
	}
	log_info("password changed: %s", p->user->email);
	admin_done(p, "/admin/profile", "password");
}

void admin_profile_sessions(struct page *p)
{
	const char *action = http_form(p->req, "action", NULL);
	if (action && !strcmp(action, "all")) {
		/* Sign out everywhere, here too. */
		session_end_user(p->db, p->user->id);
		auth_set_cookie(p, "", 0);
		http_redirect(p->req, p->resp, 303, "/admin/login?logged_out=1");
		return;
	}
	if (action && !strcmp(action, "others")) {
		if (session_end_others(p->db, p->user->id, p->session->id) != 0) {
			show_profile(p, 503, p->user, tr(p, "The sessions could not be ended; try again."),
			             NULL);
			return;
		}
		admin_done(p, "/admin/profile", "sessions-ended");
		return;
	}
	long long id = 0;
	const char *sid = http_form(p->req, "session", NULL);
	if (!action || strcmp(action, "end") || !sid ||
	    text_int(sid, 1, (long long)1 << 53, &id) != 0) {
		show_profile(p, 422, p->user, tr(p, "Choose a session to end."), NULL);
		return;
	}
	if (id == p->session->id) {
		session_end(p->db, p->a, auth_cookie_token(p));
		auth_set_cookie(p, "", 0);
		http_redirect(p->req, p->resp, 303, "/admin/login?logged_out=1");
		return;
	}
	int rc = session_end_id(p->db, p->user->id, id);
	if (rc <= 0) {
		/* Another account's session, or one already gone: nothing to end here. */
		show_profile(p, rc < 0 ? 503 : 404, p->user,
		             rc < 0 ? tr(p, "The session could not be ended; try again.")
		                    : tr(p, "That session has ended already."), NULL);
		return;
	}
	admin_done(p, "/admin/profile", "session-ended");
}
