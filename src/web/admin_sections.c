/*
** admin_sections.c: the desk's Sections screen (WordPress's Categories):
** the list with article counts and a form to add one beside it; a
** section's own page to rename it (its old address answers 301), describe,
** nest (one level), order and delete it (its articles move to a section
** the editor chooses, or to none).  Editors and administrators (the route
** table); the rules are section_save() and section_delete().
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/taxonomy.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

/* What a section form shows: a section's values or what was sent. */
struct section_draft {
	long long id;                  /* 0 for a new one */
	const char *name, *slug, *description;
	const char *parent, *position; /* as typed */
	const char *err_name, *err_slug, *err_parent, *err_description, *err_position;
	const char *message;           /* the form as a whole */
};

/* Public link to a section ("/category/a/b/", percent-encoded). */
static const char *public_path(struct page *p, const struct section_row *all, size_t n,
                               const struct section_row *s)
{
	struct arena *a = p->a;
	for (size_t i = 0; s->parent_id && i < n; i++)
		if (all[i].id == s->parent_id)
			return arena_printf(a, "/category/%s/%s/", site_slug(a, all[i].slug),
			                    site_slug(a, s->slug));
	return arena_printf(a, "/category/%s/", site_slug(a, s->slug));
}

/* The top-level sections other than `except`, as <option>s. */
static struct tv *parent_options(struct page *p, const struct section_row *all, size_t n,
                                 long long except, long long chosen)
{
	struct arena *a = p->a;
	struct tv *l = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		if (all[i].depth || all[i].id == except)
			continue;
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", all[i].id);
		tv_set_str(a, o, "label", all[i].name);
		tv_set_bool(a, o, "selected", all[i].id == chosen);
		tv_push(a, l, o);
	}
	return l;
}

static void form_context(struct page *p, struct tv *ctx, const struct section_draft *d,
                         const struct section_row *all, size_t n)
{
	struct arena *a = p->a;
	struct tv *f = tv_map(a);
	tv_set_str(a, f, "name", d->name);
	tv_set_str(a, f, "slug", d->slug);
	tv_set_str(a, f, "description", d->description);
	tv_set_str(a, f, "position", d->position);
	long long parent = 0;
	text_int(d->parent, 1, (long long)1 << 53, &parent);
	tv_set(a, f, "parents", parent_options(p, all, n, d->id, parent));
	struct tv *errs = tv_map(a);
#define ERR(k, v) if (v) tv_set_str(a, errs, k, v); else tv_set_bool(a, errs, k, 0)
	ERR("name", d->err_name);
	ERR("slug", d->err_slug);
	ERR("parent", d->err_parent);
	ERR("description", d->err_description);
	ERR("position", d->err_position);
#undef ERR
	tv_set(a, f, "errors", errs);
	tv_set_int(a, f, "max_name", SECTION_MAX_NAME);
	tv_set_int(a, f, "max_description", SECTION_MAX_DESCRIPTION);
	tv_set(a, ctx, "form", f);
	if (d->message)
		tv_set_str(a, ctx, "error", d->message);
}

static void show_list(struct page *p, int status, const struct section_draft *d)
{
	struct arena *a = p->a;
	size_t n;
	struct section_row *all = section_rows(p->db, a, &n);
	struct tv *ctx = admin_context(p, tr(p, "Sections"));
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_str(a, r, "name", all[i].name);
		tv_set_bool(a, r, "nested", all[i].depth > 0);
		tv_set_str(a, r, "slug", all[i].slug);
		tv_set_str(a, r, "description", all[i].description);
		tv_set_int(a, r, "position", all[i].position);
		tv_set_int(a, r, "count", all[i].n_articles);
		tv_set_str(a, r, "count_url", arena_printf(a, "/admin/articles/?section=%lld",
		                                           all[i].id));
		tv_set_str(a, r, "edit_url", arena_printf(a, "/admin/sections/%lld/", all[i].id));
		tv_set_str(a, r, "view_url", public_path(p, all, n, &all[i]));
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "sections", rows);
	tv_set_bool(a, ctx, "has_sections", n > 0);
	form_context(p, ctx, d, all, n);
	admin_render(p, status, "admin_sections", ctx);
}

void admin_sections_list(struct page *p)
{
	struct section_draft d;
	memset(&d, 0, sizeof d);
	d.name = d.slug = d.description = d.parent = "";
	d.position = "0";
	show_list(p, 200, &d);
}

static void show_one(struct page *p, int status, const struct section_draft *d)
{
	struct arena *a = p->a;
	size_t n;
	struct section_row *all = section_rows(p->db, a, &n);
	struct section_row *me = NULL;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == d->id)
			me = &all[i];
	if (!me) {
		site_not_found(p);
		return;
	}
	struct tv *ctx = admin_context(p, trf(p, "Edit section: %s", me->name));
	form_context(p, ctx, d, all, n);
	tv_set_str(a, ctx, "action", arena_printf(a, "/admin/sections/%lld/", d->id));
	tv_set_str(a, ctx, "delete_action", arena_printf(a, "/admin/sections/%lld/delete", d->id));
	tv_set_str(a, ctx, "view_url", public_path(p, all, n, me));
	tv_set_str(a, ctx, "count_text", trn(p, "%lld article", "%lld articles",
	                                                    me->n_articles));
	tv_set_bool(a, ctx, "has_children", 0);
	struct tv *dest = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		if (all[i].id == d->id)
			continue;
		if (all[i].parent_id == d->id)
			tv_set_bool(a, ctx, "has_children", 1);
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", all[i].id);
		tv_set_str(a, o, "label", all[i].depth ? arena_printf(a, "— %s", all[i].name)
		                                       : all[i].name);
		tv_push(a, dest, o);
	}
	tv_set(a, ctx, "destinations", dest);
	admin_render(p, status, "admin_section", ctx);
}

void admin_section_edit(struct page *p)
{
	struct section_row s;
	long long id = admin_param_id(p, 0);
	if (!id || section_by_id(p->db, p->a, id, &s) != 0) {
		site_not_found(p);
		return;
	}
	struct section_draft d;
	memset(&d, 0, sizeof d);
	d.id = id;
	d.name = s.name;
	d.slug = s.slug;
	d.description = s.description;
	d.parent = s.parent_id ? arena_printf(p->a, "%lld", s.parent_id) : "";
	d.position = arena_printf(p->a, "%d", s.position);
	show_one(p, 200, &d);
}

/* A text field as sent, checked; its error (or NULL) into *err. */
static const char *field(struct page *p, const char *name, size_t max, const char **err)
{
	const char *v = "";
	switch (http_form_text(p->req, name, max, &v, NULL)) {
	case TEXT_OK:
		break;
	case TEXT_TOO_LONG:
		*err = trn(p, "At most %lld character, please.", "At most %lld characters, please.",
		           (long long)max);
		break;
	default:
		*err = tr(p, "This is not text a browser sends (a NUL byte, or not UTF-8).");
		break;
	}
	return v;
}

void admin_section_save(struct page *p)
{
	struct arena *a = p->a;
	struct section_draft d;
	memset(&d, 0, sizeof d);
	d.id = admin_param_id(p, 0);
	if (d.id) {
		struct section_row s;
		if (section_by_id(p->db, a, d.id, &s) != 0) {
			site_not_found(p);
			return;
		}
	}
	d.name = field(p, "name", SECTION_MAX_NAME, &d.err_name);
	d.slug = field(p, "slug", 200, &d.err_slug);
	d.description = field(p, "description", SECTION_MAX_DESCRIPTION, &d.err_description);
	d.parent = field(p, "parent", FORM_ID_CHARS, &d.err_parent);
	d.position = field(p, "position", 10, &d.err_position);
	if (!d.err_name && !*d.name)
		d.err_name = tr(p, "Please give the section a name.");
	long long parent = 0, position = 0;
	if (!d.err_parent && *d.parent && text_int(d.parent, 1, (long long)1 << 53, &parent) != 0)
		d.err_parent = tr(p, "Choose a parent from the list.");
	if (!d.err_position && *d.position &&
	    text_int(d.position, -99999, 99999, &position) != 0)
		d.err_position = tr(p, "A whole number from -99999 to 99999.");
	if (!d.err_name && !d.err_slug && !d.err_parent && !d.err_description && !d.err_position) {
		struct section_input in = {d.name, d.slug, parent, d.description, (int)position};
		char err[300];
		long long id = section_save(p->db, a, d.id, &in, err, sizeof err);
		if (id > 0) {
			admin_done(p, d.id ? arena_printf(a, "/admin/sections/%lld/", id)
			                   : "/admin/sections/",
			           d.id ? "section-saved" : "section-added");
			return;
		}
		if (strstr(err, "slug"))
			d.err_slug = arena_strdup(a, err);
		else if (strstr(err, "parent") || strstr(err, "nest"))
			d.err_parent = arena_strdup(a, err);
		else if (strstr(err, "name"))
			d.err_name = arena_strdup(a, err);
		else
			d.message = arena_strdup(a, err);
	}
	if (!d.message)
		d.message = tr(p, "The section was not saved: please check the fields marked below.");
	if (d.id)
		show_one(p, 422, &d);
	else
		show_list(p, 422, &d);
}

void admin_section_delete(struct page *p)
{
	struct arena *a = p->a;
	long long id = admin_param_id(p, 0);
	struct section_row s;
	if (!id || section_by_id(p->db, a, id, &s) != 0) {
		site_not_found(p);
		return;
	}
	const char *err_move = NULL;
	const char *to = field(p, "move_to", FORM_ID_CHARS, &err_move);
	long long move_to = 0;
	char err[300] = "";
	if (err_move || (*to && text_int(to, 1, (long long)1 << 53, &move_to) != 0))
		snprintf(err, sizeof err, "%s", tr(p, "Choose a section for its articles from the list."));
	else if (section_delete(p->db, a, id, move_to, err, sizeof err) == 0) {
		admin_done(p, "/admin/sections/", "section-deleted");
		return;
	}
	struct section_draft d;
	memset(&d, 0, sizeof d);
	d.id = id;
	d.name = s.name;
	d.slug = s.slug;
	d.description = s.description;
	d.parent = s.parent_id ? arena_printf(a, "%lld", s.parent_id) : "";
	d.position = arena_printf(a, "%d", s.position);
	d.message = arena_strdup(a, err);
	show_one(p, 422, &d);
}
