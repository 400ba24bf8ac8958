/*
** admin_profile.c: your profile: the name, slug, bio, links and photo readers see on your
** author page.
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/url.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/media.h"
#include "model/settings.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

static void show_profile(struct page *p, int status, const struct account *acct,
                         const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Your profile");
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
	admin_app_passwords_context(p, ctx); /* its block: admin_app_passwords.c */
	admin_render(p, status, "admin_profile", ctx);
}

void admin_profile_show(struct page *p)
{
	show_profile(p, 200, p->user, NULL);
}

static void profile_from_form(struct page *p, struct account *f, const char **why)
{
	*f = *p->user;
	/* Each field as typed (shown back whatever is wrong with it). */
	static const struct {
		const char *name, *label; /* field, and its name in a sentence */
		size_t max;               /* characters */
	} rules[] = {
		{"name", "The name", USER_NAME_MAX},
		{"slug", "The address", 100},
		{"bio", "The biography", 5000},
		{"links", "The links", 2000},
	};
	const char *v[4];
	for (int i = 0; i < 4; i++) {
		size_t chars;
		enum text_verdict verdict = http_form_text(p->req, rules[i].name, rules[i].max, &v[i],
		                                           &chars);
		if (verdict != TEXT_OK && !*why)
			*why = text_check_message(p->a, verdict, rules[i].label, rules[i].max, chars);
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
			*why = "Each link must be a web address starting with http:// or https://, "
			       "one a line.";
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
	show_profile(p, status, &f, why);
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
			why = "Contributors cannot upload images; ask an editor to add your photo.";
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
		show_profile(p, 422, &f, why);
		return;
	}
	admin_done(p, "/admin/profile", "profile");
}

