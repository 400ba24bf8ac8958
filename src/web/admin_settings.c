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
#include "model/settings.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

_Static_assert(SETTINGS_N <= SETTINGS_FORM_FIELDS, "the form's body limit (forms.h) counts "
                                                   "SETTINGS_FORM_FIELDS fields");

/* One field of the form, as the table's row d shows it with value. */
static struct tv *field_value(struct arena *a, const struct setting_def *d,
                              const char *value, const char *error)
{
	struct tv *f = tv_map(a);
	tv_set_str(a, f, "key", d->key);
	tv_set_str(a, f, "label", d->label);
	tv_set_str(a, f, "help", d->help);
	tv_set_bool(a, f, "at_start", d->at_start);
	tv_set_str(a, f, "value", value);
	int is_lines = d->kind == SETTING_LINES || d->kind == SETTING_SCRIPTS;
	int is_int = d->kind == SETTING_INT;
	int is_bool = d->kind == SETTING_BOOL;
	int is_choice = d->kind == SETTING_CHOICE;
	tv_set_bool(a, f, "is_text", !is_lines && !is_int && !is_bool && !is_choice);
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
static void show_settings(struct page *p, int status, const char **values,
                          const char **errors, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Settings");
	struct tv *groups = tv_list(a);
	struct tv *fields = NULL;
	const char *group = NULL;
	for (size_t i = 0; i < settings_n_defs; i++) {
		const struct setting_def *d = &settings_defs[i];
		if (!group || strcmp(group, d->group) != 0) {
			group = d->group;
			struct tv *g = tv_map(a);
			tv_set_str(a, g, "name", group);
			fields = tv_list(a);
			tv_set(a, g, "fields", fields);
			tv_push(a, groups, g);
		}
		tv_push(a, fields, field_value(a, d, values[i], errors ? errors[i] : NULL));
	}
	tv_set(a, ctx, "groups", groups);
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_settings", ctx);
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
			errors[i] = text_check_message(p->a, TEXT_INVALID, "This", 0, 0);
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
		show_settings(p, 422, values, errors, "Nothing was saved: please check the fields "
		                                      "marked below.");
		return;
	}
	if (db_begin(p->db) != DB_OK) {
		show_settings(p, 503, values, errors, "The database is busy; send the form again.");
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
		show_settings(p, 503, values, errors, "The settings could not be saved; try again.");
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
