/*
** admin_menus.c: the desk's Menus screen (WordPress's Appearance, Menus;
** Ghost's Navigation): the header's navigation and the footer's links,
** each a list of sections, pages and links, nested one level.  Plain forms,
** one per item, whose buttons move it up or down, indent or outdent it,
** save its label or remove it; three forms add a section, a page or a link.
** Administrators only, as WordPress's edit_theme_options (the route table).
** With no header menu the theme lists the sections as before (site.c).
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/text.h"
#include "model/menu.h"
#include "model/page.h"
#include "model/taxonomy.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

/* The menu asked for (?menu= or the form's field): "header" or "footer". */
static const char *which(struct page *p)
{
	const char *m = http_form(p->req, "menu", NULL);
	if (!menu_is_name(m))
		m = http_query(p->req, "menu", NULL);
	return menu_is_name(m) ? m : "header";
}

/* What an item shows as its kind and target in the desk. */
static const char *describe(struct page *p, const struct menu_item *m)
{
	switch (m->kind) {
	case MENU_SECTION:
		return *m->target_name ? trf(p, "Section: %s", m->target_name)
		                       : tr(p, "Section (deleted)");
	case MENU_PAGE:
		return !*m->target_name ? tr(p, "Page (deleted)")
		     : m->target_public ? trf(p, "Page: %s", m->target_name)
		                        : trf(p, "Page: %s (not published: hidden)", m->target_name);
	default:
		return trf(p, "Link: %s", m->url);
	}
}

/* The screen; `typed` keeps a refused link's fields. */
static void show(struct page *p, int status, const char *menu, const char *message,
                 const char *typed_url, const char *typed_label)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Menus"));
	tv_set_str(a, ctx, "menu", menu);
	tv_set_bool(a, ctx, "is_header", !strcmp(menu, "header"));
	tv_set_str(a, ctx, "menu_label", !strcmp(menu, "header") ? tr(p, "Header navigation")
	                                                          : tr(p, "Footer links"));
	size_t n;
	struct menu_item *items = menu_items(p->db, a, menu, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", items[i].id);
		tv_set_int(a, r, "depth", items[i].depth);
		tv_set_str(a, r, "label", items[i].label);
		tv_set_str(a, r, "shown", *items[i].label ? items[i].label : items[i].target_name);
		tv_set_str(a, r, "kind", describe(p, &items[i]));
		tv_set_bool(a, r, "can_up", i > 0);
		tv_set_bool(a, r, "can_down", i + 1 < n);
		tv_set_bool(a, r, "can_indent", i > 0 && items[i].depth == 0);
		tv_set_bool(a, r, "can_outdent", items[i].depth == 1);
		tv_set_str(a, r, "label_placeholder", items[i].target_name);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "items", rows);
	tv_set_bool(a, ctx, "has_items", n > 0);
	size_t ns;
	struct section_row *secs = section_rows(p->db, a, &ns);
	struct tv *so = tv_list(a);
	for (size_t i = 0; i < ns; i++) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", secs[i].id);
		tv_set_str(a, o, "label", secs[i].depth ? arena_printf(a, "— %s", secs[i].name)
		                                         : secs[i].name);
		tv_push(a, so, o);
	}
	tv_set(a, ctx, "sections", so);
	tv_set_bool(a, ctx, "has_sections", ns > 0);
	size_t np;
	struct page_row *pages = page_list(p->db, a, PAGE_PUBLISHED, &np);
	struct tv *po = tv_list(a);
	for (size_t i = 0; i < np; i++) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", pages[i].id);
		tv_set_str(a, o, "label", arena_printf(a, "%s (/%s/)", pages[i].title, pages[i].path));
		tv_push(a, po, o);
	}
	tv_set(a, ctx, "pages", po);
	tv_set_bool(a, ctx, "has_pages", np > 0);
	tv_set_str(a, ctx, "typed_url", typed_url ? typed_url : "");
	tv_set_str(a, ctx, "typed_label", typed_label ? typed_label : "");
	tv_set_int(a, ctx, "max_label", MENU_MAX_LABEL);
	tv_set_int(a, ctx, "max_url", MENU_MAX_URL);
	if (message)
		tv_set_str(a, ctx, "error", message);
	admin_render(p, status, "admin_menus", ctx);
}

void admin_menus_show(struct page *p)
{
	show(p, 200, which(p), NULL, NULL, NULL);
}

/* A form's text field checked; NULL (and *err) when refused. */
static const char *text(struct page *p, const char *name, size_t max, const char **err)
{
	const char *v = "";
	enum text_verdict t = http_form_text(p->req, name, max, &v, NULL);
	if (t == TEXT_TOO_LONG)
		*err = trn(p, "At most %lld character, please.", "At most %lld characters, please.",
		           (long long)max);
	else if (t != TEXT_OK)
		*err = tr(p, "This is not text a browser sends.");
	return v;
}

void admin_menus_action(struct page *p)
{
	struct arena *a = p->a;
	const char *menu = which(p);
	const char *action = http_form(p->req, "action", NULL);
	const char *back = arena_printf(a, "/admin/menus/?menu=%s", menu);
	const char *err = NULL;
	const char *label = text(p, "label", MENU_MAX_LABEL, &err);
	const char *url = text(p, "url", MENU_MAX_URL, &err);
	if (!action) {
		show(p, 400, menu, tr(p, "Choose what to do with the menu."), url, label);
		return;
	}
	if (err) {
		show(p, 422, menu, err, url, label);
		return;
	}
	char why[300];
	long long ref = 0;
	if (!strcmp(action, "add")) {
		enum menu_kind kind = menu_kind_parse(http_form(p->req, "kind", NULL));
		const char *r = http_form(p->req, kind == MENU_PAGE ? "page" : "section", NULL);
		if (kind != MENU_LINK && (!r || text_int(r, 1, (long long)1 << 53, &ref) != 0))
			ref = 0;
		if (menu_add(p->db, menu, kind, ref, label, url, why, sizeof why) != 0) {
			show(p, 422, menu, arena_strdup(a, why), url, label);
			return;
		}
		admin_done(p, back, "menu");
		return;
	}
	long long id = 0;
	const char *item = http_form(p->req, "item", NULL);
	if (!item || text_int(item, 1, (long long)1 << 53, &id) != 0) {
		show(p, 422, menu, tr(p, "That menu item no longer exists."), NULL, NULL);
		return;
	}
	static const struct {
		const char *name; /* the button's value */
		enum menu_op op;  /* what it does */
	} ops[] = {{"up", MENU_UP}, {"down", MENU_DOWN}, {"indent", MENU_INDENT},
	           {"outdent", MENU_OUTDENT}, {"remove", MENU_REMOVE}};
	/* Each item's buttons share its form with its label: a label typed
	** and then moved is kept, not lost (a link's may not be emptied). */
	size_t n;
	struct menu_item *items = menu_items(p->db, a, menu, &n);
	const struct menu_item *it = NULL;
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id)
			it = &items[i];
	int rc = it ? -2 : 1;
	int is_label = !strcmp(action, "label");
	if (it && it->kind == MENU_LINK && !*label && is_label) {
		show(p, 422, menu, tr(p, "A link needs a label: the words readers click."), NULL, NULL);
		return;
	}
	if (it && strcmp(it->label, label) != 0 && (*label || it->kind != MENU_LINK))
		rc = menu_relabel(p->db, menu, id, label);
	else if (it && is_label)
		rc = 0;
	for (size_t i = 0; it && rc != -1 && i < sizeof ops / sizeof *ops; i++)
		if (!strcmp(action, ops[i].name))
			rc = menu_apply(p->db, menu, id, ops[i].op);
	if (it && rc == -2 && !is_label)
		rc = -3;
	if (rc == -3)
		show(p, 400, menu, tr(p, "Unknown action."), NULL, NULL);
	else if (rc == 1)
		show(p, 422, menu, tr(p, "That menu item no longer exists."), NULL, NULL);
	else if (rc < 0)
		site_error(p, 503, tr(p, "The desk is busy"), tr(p, "Nothing was changed. Please try again."));
	else
		admin_done(p, back, "menu");
}
