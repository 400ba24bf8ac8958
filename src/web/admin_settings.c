/*
** admin_settings.c: the site's settings (administrators).
**
** The form is drawn from model/settings.c's table: every key, in its
** order, under its group's heading, with its label and help, and an input
** that fits its kind.  The rules are the model's too: settings_check()
** judges each field, and its sentence is shown beside the field, with the
** form as typed.
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/identity.h"
#include "model/media.h"
#include "model/settings.h"
#include "core/buf.h"
#include "core/icon.h"
#include "http/multipart.h"
#include "render/i18n.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

_Static_assert(SETTINGS_N <= SETTINGS_FORM_FIELDS, "the form's body limit (forms.h) counts "
                                                   "SETTINGS_FORM_FIELDS fields");

/* One field of the form, as the table's row d shows it with value. */
static struct tv *field_value(struct page *p, const struct setting_def *d,
                              const char *value, const char *error)
{
	struct arena *a = p->a;
	struct tv *f = tv_map(a);
	tv_set_str(a, f, "key", d->key);
	tv_set_str(a, f, "label", tr(p, d->label));
	tv_set_str(a, f, "help", *d->help ? tr(p, d->help) : "");
	tv_set_bool(a, f, "at_start", d->at_start);
	tv_set_str(a, f, "value", value);
	int is_lines = d->kind == SETTING_LINES || d->kind == SETTING_SCRIPTS;
	int is_color = d->kind == SETTING_COLOR;
	int is_image = d->kind == SETTING_IMAGE;
	int is_int = d->kind == SETTING_INT;
	int is_bool = d->kind == SETTING_BOOL;
	int is_choice = d->kind == SETTING_CHOICE;
	tv_set_bool(a, f, "is_text", !is_lines && !is_int && !is_bool && !is_choice && !is_color);
	tv_set_bool(a, f, "is_color", is_color);
	tv_set_bool(a, f, "is_image", is_image);
	if (is_image && *value && !error)
		tv_set_str(a, f, "preview", arena_printf(a, "/media/%s", value));
	tv_set_bool(a, f, "is_number", is_int);
	tv_set_bool(a, f, "is_textarea", is_lines);
	tv_set_bool(a, f, "is_checkbox", is_bool);
	tv_set_bool(a, f, "checked", !strcmp(value, "1"));
	tv_set_bool(a, f, "is_choice", is_choice);
	if (is_int) {
		tv_set_str(a, f, "min", arena_printf(a, "%d", d->lo));
		tv_set_str(a, f, "max", arena_printf(a, "%d", d->hi));
	}
	if (is_choice) {
		struct tv *opts = tv_list(a);
		char *c = arena_strdup(a, d->choices);
		char *save = NULL;
		for (char *tok = strtok_r(c, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
			struct tv *o = tv_map(a);
			tv_set_str(a, o, "value", tok);
			tv_set_bool(a, o, "selected", !strcmp(tok, value));
			tv_push(a, opts, o);
		}
		tv_set(a, f, "options", opts);
	}
	if (error)
		tv_set_str(a, f, "error", error);
	else
		tv_set_bool(a, f, "error", 0);
	return f;
}

/* values[i] and errors[i] (NULL: none) belong to settings_defs[i]. */
static void show_settings_all(struct page *p, int status, const char **values,
                              const char **errors, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Settings"));
	struct tv *groups = tv_list(a);
	struct tv *fields = NULL;
	const char *group = NULL;
	for (size_t i = 0; i < settings_n_defs; i++) {
		const struct setting_def *d = &settings_defs[i];
		if (!group || strcmp(group, d->group) != 0) {
			group = d->group;
			struct tv *g = tv_map(a);
			tv_set_str(a, g, "name", tr(p, group));
			/* The footer's links are not a setting: the footer menu. */
			tv_set_bool(a, g, "is_identity", !strcmp(group, settings_def("footer_text")->group));
			fields = tv_list(a);
			tv_set(a, g, "fields", fields);
			tv_push(a, groups, g);
		}
		tv_push(a, fields, field_value(p, d, values[i], errors ? errors[i] : NULL));
	}
	tv_set(a, ctx, "groups", groups);
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_settings", ctx);
}

static void show_settings(struct page *p, int status, const char **values,
                          const char **errors, const char *error)
{
	show_settings_all(p, status, values, errors, error);
}

/* The upload page: the current images, the form, and why (NULL: none). */
static void show_identity_error(struct page *p, int status, const char *why)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Logo and icons"));
	static const struct {
		const char *key, *label; /* label shown through tr() */
	} rows[] = {{"site_logo", N_("Logo")}, {"site_icon", N_("Site icon")},
	            {"social_image", N_("Social image")}};
	struct tv *images = tv_list(a);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		struct tv *m = tv_map(a);
		tv_set_str(a, m, "label", tr(p, rows[i].label));
		char *v = settings_get(p->db, a, rows[i].key);
		char err[160];
		if (v && *v && settings_check(settings_def(rows[i].key), v, err, sizeof err) == 0)
			tv_set_str(a, m, "url", arena_printf(a, "/media/%s", v));
		tv_push(a, images, m);
	}
	tv_set(a, ctx, "images", images);
	if (why)
		tv_set_str(a, ctx, "identity_error", why);
	admin_render(p, status, "admin_identity", ctx);
}

void admin_settings_identity_show(struct page *p)
{
	show_identity_error(p, 200, NULL);
}

/* 1 if the bytes look like SVG (XML text naming an <svg> element): refused
** by name, so the sentence says why rather than "not an image". */
static int looks_like_svg(const unsigned char *d, size_t n)
{
	size_t i = 0;
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		i = 3;
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	if (i >= n || d[i] != '<')
		return 0;
	size_t end = n < 4096 ? n : 4096;
	for (size_t k = i; k + 4 <= end; k++)
		if (!memcmp(d + k, "<svg", 4) || !memcmp(d + k, "<SVG", 4))
			return 1;
	return !memcmp(d + i, "<?xml", 5 <= n - i ? 5 : n - i);
}

/* Checks and stores one uploaded identity image; its media name into
** *name.  0, or -1 with a sentence in *why. */
static int store_identity_image(struct page *p, const struct http_part *file, const char *what,
                                const char **name, const char **why)
{
	const unsigned char *d = (const unsigned char *)file->data;
	if (looks_like_svg(d, file->len)) {
		*why = arena_printf(p->a, "The %s was not accepted: SVG files are refused, because an "
		                    "SVG can carry scripts that would run for every reader. Upload a "
		                    "PNG, JPEG or WebP instead.", what);
		return -1;
	}
	if (file->len >= 4 && !memcmp(d, "GIF8", 4)) {
		*why = arena_printf(p->a, "The %s was not accepted: upload a PNG, JPEG or WebP, not a "
		                    "GIF.", what);
		return -1;
	}
	struct media m;
	char err[256];
	if (media_store(p->db, p->a, p->app->data_dir, d, file->len,
	                (size_t)p->app->settings.upload_max_bytes, p->user->id, &m, err,
	                sizeof err) < 0) {
		*why = arena_printf(p->a, "The %s was not accepted: %s", what, err);
		return -1;
	}
	*name = arena_printf(p->a, "%s.%s", m.hash, m.ext);
	return 0;
}

/* The icons made from the site icon's bytes, stored; 0 or -1 (*why). */
static int make_icons(struct page *p, const struct http_part *file, const char **why)
{
	static const int sizes[IDENTITY_N_ICONS] = IDENTITY_ICON_SIZES;
	struct buf png[IDENTITY_N_ICONS + 1];
	int all_sizes[IDENTITY_N_ICONS + 1];
	const char *types[IDENTITY_N_ICONS + 1];
	const unsigned char *data[IDENTITY_N_ICONS + 1];
	size_t lens[IDENTITY_N_ICONS + 1];
	int rc = 0;
	for (int i = 0; i <= IDENTITY_N_ICONS; i++)
		buf_init(&png[i]);
	for (int i = 0; i < IDENTITY_N_ICONS && rc == 0; i++) {
		rc = icon_png((const unsigned char *)file->data, file->len, sizes[i], &png[i]);
		all_sizes[i] = sizes[i];
		types[i] = "image/png";
	}
	if (rc == 0) {
		icon_ico((const unsigned char *)png[0].data, png[0].len, sizes[0],
		         &png[IDENTITY_N_ICONS]);
		all_sizes[IDENTITY_N_ICONS] = 0;
		types[IDENTITY_N_ICONS] = "image/x-icon";
		for (int i = 0; i <= IDENTITY_N_ICONS; i++) {
			data[i] = (const unsigned char *)png[i].data;
			lens[i] = png[i].len;
		}
		rc = identity_icons_save(p->db, IDENTITY_N_ICONS + 1, all_sizes, types, data, lens);
		if (rc)
			*why = tr(p, "The icons could not be saved; please try again.");
	} else {
		*why = tr(p, "The site icon could not be read to make the icons from it.");
	}
	for (int i = 0; i <= IDENTITY_N_ICONS; i++)
		buf_free(&png[i]);
	return rc;
}

void admin_settings_identity(struct page *p)
{
	static const struct {
		const char *field, *key, *what;
	} uploads[] = {
		{"logo", "site_logo", "logo"},
		{"icon", "site_icon", "site icon"},
		{"social", "social_image", "social image"},
	};
	const char *names[3] = {NULL, NULL, NULL};
	const char *why = NULL;
	int any = 0;
	for (int i = 0; i < 3; i++) {
		const struct http_part *file = http_file(p->req, uploads[i].field);
		if (!file)
			continue;
		any = 1;
		if (store_identity_image(p, file, uploads[i].what, &names[i], &why) != 0) {
			show_identity_error(p, 422, why);
			return;
		}
		if (i == 1 && make_icons(p, file, &why) != 0) {
			show_identity_error(p, 422, why);
			return;
		}
	}
	if (!any) {
		show_identity_error(p, 422, tr(p, "Choose a file to upload first."));
		return;
	}
	for (int i = 0; i < 3; i++) {
		char err[512];
		if (names[i] && settings_set(p->db, uploads[i].key, names[i], err, sizeof err) != 0) {
			show_identity_error(p, 503, tr(p, "The settings could not be saved; try again."));
			return;
		}
	}
	web_settings_changed(p->app);
	admin_done(p, "/admin/settings/identity", "settings");
}

void admin_settings_show(struct page *p)
{
	const char **values = arena_alloc(p->a, settings_n_defs * sizeof *values);
	for (size_t i = 0; i < settings_n_defs; i++) {
		char *v = settings_get(p->db, p->a, settings_defs[i].key);
		values[i] = v ? v : "";
	}
	show_settings(p, 200, values, NULL, NULL);
}

/* The form's values, as typed (trimmed, never cut: http_form_text()); a
** field not sent keeps the stored value, except a checkbox, which a browser
** leaves out when unticked.  A field that is not text (a NUL, broken UTF-8)
** becomes "" with an error in errors[i]; its length is settings_check()'s
** to judge. */
static void settings_from_form(struct page *p, const char **values, const char **errors)
{
	for (size_t i = 0; i < settings_n_defs; i++) {
		const struct setting_def *d = &settings_defs[i];
		errors[i] = NULL;
		const char *v = http_form(p->req, d->key, NULL);
		if (d->kind == SETTING_BOOL) {
			values[i] = v ? "1" : "0";
		} else if (!v) {
			char *cur = settings_get(p->db, p->a, d->key);
			values[i] = cur ? cur : "";
		} else if (http_form_text(p->req, d->key, 0, &values[i], NULL) == TEXT_INVALID) {
			errors[i] = admin_text_message(p, TEXT_INVALID, tr(p, "This"), 0, 0);
		}
	}
}

void admin_settings_refuse(struct page *p, int status, const char *why)
{
	if (!p->user) {
		site_forbidden(p, why);
		return;
	}
	const char **values = arena_alloc(p->a, settings_n_defs * sizeof *values);
	const char **errors = arena_alloc(p->a, settings_n_defs * sizeof *errors);
	settings_from_form(p, values, errors);
	show_settings(p, status, values, NULL, why);
}

void admin_settings_save(struct page *p)
{
	const char **values = arena_alloc(p->a, settings_n_defs * sizeof *values);
	const char **errors = arena_alloc(p->a, settings_n_defs * sizeof *errors);
	settings_from_form(p, values, errors);
	int bad = 0;
	/* Check everything first, so a bad field saves nothing and every bad
	** field is marked at once. */
	for (size_t i = 0; i < settings_n_defs; i++) {
		char why[256];
		if (!errors[i] && settings_check(&settings_defs[i], values[i], why, sizeof why) != 0)
			errors[i] = arena_strdup(p->a, why);
		bad |= errors[i] != NULL;
	}
	if (bad) {
		show_settings(p, 422, values, errors, tr(p, "Nothing was saved: please check the fields "
		                                            "marked below."));
		return;
	}
	if (db_begin(p->db) != DB_OK) {
		show_settings(p, 503, values, errors, tr(p, "The database is busy; send the form again."));
		return;
	}
	for (size_t i = 0; !bad && i < settings_n_defs; i++) {
		char err[512];
		if (settings_set(p->db, settings_defs[i].key, values[i], err, sizeof err) != 0) {
			errors[i] = arena_strdup(p->a, err);
			bad = 1;
		}
	}
	if (bad) {
		db_rollback(p->db);
		show_settings(p, 503, values, errors, tr(p, "The settings could not be saved; try again."));
		return;
	}
	if (db_commit(p->db) != DB_OK) {
		db_rollback(p->db);
		show_settings(p, 503, values, errors, tr(p, "The settings could not be saved; try again."));
		return;
	}
	web_settings_changed(p->app);
	admin_done(p, "/admin/settings/identity", "settings");
}
