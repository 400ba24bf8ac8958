/*
** admin_settings.c: the site's settings (administrators).
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

/* The settings an administrator edits here, in the order shown. */
static const struct {
	const char *key;   /* settings key and form field */
	const char *label; /* shown */
	const char *kind;  /* "text", "number", "textarea", "checkbox", or a choice list */
	const char *help;  /* shown under the field */
} fields[] = {
	{"site_title", "Site title", "text", ""},
	{"tagline", "Tagline", "text", ""},
	{"base_url", "Site address (URL)", "text", "Like https://news.example.com: links, feeds and mails name it. Empty: the address the server listens on, which is only right on your own machine."},
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
	{"import_max_mb", "Largest WordPress export to import (MB)", "number", ""},
	{"smtp_url", "Mail server (SMTP URL)", "text", "Like smtp://mail.example.com:587. Empty sends no mail."},
	{"smtp_from", "Notifications come from", "text", "An email address."},
};

#define N_FIELDS (sizeof fields / sizeof *fields)
_Static_assert(N_FIELDS <= SETTINGS_FORM_FIELDS, "the form's body limit (forms.h) counts "
                                                 "SETTINGS_FORM_FIELDS fields");

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

/* The form's values, as typed; errors[] (if not NULL) gets a sentence for
** each value that is not text or is too long. */
static void settings_from_form(struct page *p, const char **values, const char **errors)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		if (errors)
			errors[i] = NULL;
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
		size_t chars;
		enum text_verdict v = http_form_text(p->req, fields[i].key, SETTINGS_VALUE_MAX,
		                                     &values[i], &chars);
		if (v != TEXT_OK && errors)
			errors[i] = text_check_message(p->a, v, "This", SETTINGS_VALUE_MAX, chars);
	}
}

void admin_settings_refuse(struct page *p, int status, const char *why)
{
	if (!p->user) {
		site_forbidden(p, why);
		return;
	}
	const char *values[N_FIELDS];
	settings_from_form(p, values, NULL);
	show_settings(p, status, values, NULL, why);
}

void admin_settings_save(struct page *p)
{
	const char *values[N_FIELDS];
	const char *errors[N_FIELDS];
	settings_from_form(p, values, errors);
	int bad = 0;
	/* Check everything first, so a bad field saves nothing. */
	for (size_t i = 0; i < N_FIELDS; i++) {
		bad |= errors[i] != NULL;
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

