/*
** admin_site.c: the people and the site: your profile, the site's
** settings (administrators), and accounts (administrators).
*/
#include "web/admin.h"
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

/* A text field, trimmed; NULL if invalid text or over max characters. */
static const char *text_field(struct page *p, const char *name, size_t max)
{
	size_t len = 0;
	const char *v = http_form(p->req, name, &len);
	if (!v)
		return "";
	if (memchr(v, 0, len) || !utf8_valid(v, len) || utf8_count(v, len) > max)
		return NULL;
	return text_trim(p->a, v, len);
}

/* ---- profile ---- */

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
	admin_render(p, status, "admin_profile", ctx);
}

void admin_profile_show(struct page *p)
{
	show_profile(p, 200, p->user, NULL);
}

static void profile_from_form(struct page *p, struct account *f, const char **why)
{
	*f = *p->user;
	const char *name = text_field(p, "name", 100);
	const char *slug = text_field(p, "slug", 100);
	const char *bio = text_field(p, "bio", 5000);
	const char *links = text_field(p, "links", 2000);
	if (!name || !slug || !bio || !links) {
		*why = "A field is too long or holds characters that are not valid text.";
		return;
	}
	f->name = name;
	f->slug = *slug ? slug : text_slug(p->a, name);
	f->bio = bio;
	f->links = links;
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

/* ---- settings ---- */

/* The settings an administrator edits here, in the order shown. */
static const struct {
	const char *key;   /* settings key and form field */
	const char *label; /* shown */
	const char *kind;  /* "text", "number", "textarea", "checkbox", or a choice list */
	const char *help;  /* shown under the field */
} fields[] = {
	{"site_title", "Site title", "text", ""},
	{"tagline", "Tagline", "text", ""},
	{"base_url", "Site address (URL)", "text", "Like https://news.example.com. Leave empty to use the address readers type."},
	{"timezone", "Time zone", "text", "An IANA name such as Europe/London or America/New_York."},
	{"date_format", "Date format", "F j, Y|j F Y|Y-m-d|m/d/Y|d/m/Y", ""},
	{"posts_per_page", "Articles per page", "number", ""},
	{"feed_full_text", "Feeds carry whole articles (else excerpts)", "checkbox", ""},
	{"comments_per_page", "Comments per page (top-level threads; 0: all on one page)", "number", ""},
	{"comments_open", "Readers may comment", "checkbox", ""},
	{"comments_close_days", "Close comments on articles older than (days)", "number", "0 keeps them open."},
	{"moderation", "Hold comments for moderation", "first|all|none", "first: hold a commenter's first comment; all: hold every comment; none: publish at once."},
	{"comment_max_links", "Hold a comment with this many links or more", "number", ""},
	{"blocklist", "Blocklist", "textarea", "One word or address a line; comments containing one go to spam."},
	{"https", "The site is served over https", "checkbox", "Marks the sign-in cookie Secure."},
	{"session_idle_seconds", "Sign out after idle (seconds)", "number", ""},
	{"session_max_seconds", "Sign out after (seconds) in any case", "number", ""},
	{"upload_max_bytes", "Largest upload (bytes)", "number", ""},
	{"smtp_url", "Mail server (SMTP URL)", "text", "Like smtp://mail.example.com:587. Empty sends no mail."},
	{"smtp_from", "Notifications come from", "text", "An email address."},
};

#define N_FIELDS (sizeof fields / sizeof *fields)

static void show_settings(struct page *p, int status, const char **values,
                          const char **errors, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Settings");
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < N_FIELDS; i++) {
		struct tv *f = tv_map(a);
		tv_set_str(a, f, "key", fields[i].key);
		tv_set_str(a, f, "label", fields[i].label);
		tv_set_str(a, f, "help", fields[i].help);
		tv_set_str(a, f, "value", values[i]);
		const char *kind = fields[i].kind;
		int is_choice = strchr(kind, '|') != NULL;
		tv_set_bool(a, f, "is_text", !strcmp(kind, "text"));
		tv_set_bool(a, f, "is_number", !strcmp(kind, "number"));
		tv_set_bool(a, f, "is_textarea", !strcmp(kind, "textarea"));
		tv_set_bool(a, f, "is_checkbox", !strcmp(kind, "checkbox"));
		tv_set_bool(a, f, "checked", !strcmp(values[i], "1"));
		tv_set_bool(a, f, "is_choice", is_choice);
		if (is_choice) {
			struct tv *opts = tv_list(a);
			char *c = arena_strdup(a, kind);
			char *save = NULL;
			for (char *tok = strtok_r(c, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
				struct tv *o = tv_map(a);
				tv_set_str(a, o, "value", tok);
				tv_set_bool(a, o, "selected", !strcmp(tok, values[i]));
				tv_push(a, opts, o);
			}
			tv_set(a, f, "options", opts);
		}
		if (errors && errors[i])
			tv_set_str(a, f, "error", errors[i]);
		else
			tv_set_bool(a, f, "error", 0);
		tv_push(a, list, f);
	}
	tv_set(a, ctx, "fields", list);
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_settings", ctx);
}

void admin_settings_show(struct page *p)
{
	const char *values[N_FIELDS];
	for (size_t i = 0; i < N_FIELDS; i++) {
		char *v = settings_get(p->db, p->a, fields[i].key);
		values[i] = v ? v : "";
	}
	show_settings(p, 200, values, NULL, NULL);
}

static void settings_from_form(struct page *p, const char **values)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		if (!strcmp(fields[i].kind, "checkbox")) {
			values[i] = http_form(p->req, fields[i].key, NULL) ? "1" : "0";
			continue;
		}
		/* A field the form did not send keeps its value. */
		if (!http_form(p->req, fields[i].key, NULL)) {
			char *cur = settings_get(p->db, p->a, fields[i].key);
			values[i] = cur ? cur : "";
			continue;
		}
		const char *v = text_field(p, fields[i].key, 1000);
		values[i] = v ? v : "";
	}
}

void admin_settings_refuse(struct page *p, int status, const char *why)
{
	if (!p->user) {
		site_forbidden(p, why);
		return;
	}
	const char *values[N_FIELDS];
	settings_from_form(p, values);
	show_settings(p, status, values, NULL, why);
}

void admin_settings_save(struct page *p)
{
	const char *values[N_FIELDS];
	const char *errors[N_FIELDS];
	settings_from_form(p, values);
	int bad = 0;
	/* Check everything first, so a bad field saves nothing. */
	for (size_t i = 0; i < N_FIELDS; i++) {
		errors[i] = NULL;
		if (!strcmp(fields[i].key, "timezone") && text_set_timezone_check(values[i]) != 0) {
			errors[i] = "Unknown time zone: use a name like Europe/London.";
			bad = 1;
		}
		if (!strcmp(fields[i].key, "base_url") && *values[i] &&
		    !url_is_web(values[i], strlen(values[i]))) {
			errors[i] = "The address must start with http:// or https://.";
			bad = 1;
		}
	}
	if (!bad && db_begin(p->db) != DB_OK) {
		show_settings(p, 503, values, errors, "The database is busy; send the form again.");
		return;
	}
	for (size_t i = 0; !bad && i < N_FIELDS; i++) {
		char err[256];
		if (settings_set(p->db, fields[i].key, values[i], err, sizeof err) != 0) {
			errors[i] = arena_strdup(p->a, err);
			bad = 1;
		}
	}
	if (bad) {
		db_rollback(p->db);
		show_settings(p, 422, values, errors, "Nothing was saved: please check the fields "
		                                      "marked below.");
		return;
	}
	if (db_commit(p->db) != DB_OK) {
		db_rollback(p->db);
		show_settings(p, 503, values, errors, "The settings could not be saved; try again.");
		return;
	}
	web_settings_changed(p->app);
	admin_done(p, "/admin/settings", "settings");
}

/* ---- accounts ---- */

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
	const char *email = text_field(p, "email", 254);
	const char *name = text_field(p, "name", 100);
	const char *role = http_form(p->req, "role", NULL);
	char err[256];
	long long id = email && name ? account_create(p->db, p->a, email, name, role_parse(role),
	                                              err, sizeof err)
	                             : -1;
	if (id < 0) {
		show_users(p, 422, email && name ? err : "Please give an email and a name.", NULL);
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
