/*
** admin_tags.c: the desk's Tags screen (WordPress's Tags): every tag with
** its article count, searched and paged; a tag's own page to rename it
** (its old address answers 301), merge it into the tag to keep (its
** articles move there without doubles, its address answers 301 there) or
** delete it.  Editors and administrators (the route table); the rules are
** tag_rename(), tag_merge() and tag_delete().
*/
#include "web/admin.h"
#include "web/forms.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "core/utf8.h"
#include "model/taxonomy.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>

#define PER_PAGE 50
#define MAX_MERGE_CHOICES 2000 /* tags offered as the one to keep */

void admin_tags_list(struct page *p)
{
	struct arena *a = p->a;
	const char *q = http_query(p->req, "q", NULL);
	if (q && (strlen(q) > 200 || !utf8_valid(q, strlen(q))))
		q = NULL;
	q = q ? text_trim(a, q, strlen(q)) : "";
	long long page = 1;
	const char *pg = http_query(p->req, "page", NULL);
	if (pg && text_int(pg, 1, 100000, &page) != 0)
		page = 1;
	size_t n;
	long long total;
	struct tag_row *tags = tag_rows(p->db, a, q, (page - 1) * PER_PAGE, PER_PAGE, &n, &total);
	struct tv *ctx = admin_context(p, tr(p, "Tags"));
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_str(a, r, "name", tags[i].name);
		tv_set_str(a, r, "slug", tags[i].slug);
		tv_set_int(a, r, "count", tags[i].n_articles);
		tv_set_str(a, r, "edit_url", arena_printf(a, "/admin/tags/%lld/", tags[i].id));
		tv_set_str(a, r, "view_url", arena_printf(a, "/tag/%s/", site_slug(a, tags[i].slug)));
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "tags", rows);
	tv_set_bool(a, ctx, "has_tags", n > 0);
	tv_set_str(a, ctx, "q", q);
	tv_set_str(a, ctx, "total_text", trn(p, "%lld tag", "%lld tags", total));
	long long pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	struct buf b = BUF_INIT;
	if (*q) {
		buf_puts(&b, "&q=");
		esc_url_part(&b, q, strlen(q));
	}
	const char *qs = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	if (page > 1)
		tv_set_str(a, ctx, "prev_url", arena_printf(a, "/admin/tags/?page=%lld%s", page - 1, qs));
	else
		tv_set_bool(a, ctx, "prev_url", 0);
	if (page < pages)
		tv_set_str(a, ctx, "next_url", arena_printf(a, "/admin/tags/?page=%lld%s", page + 1, qs));
	else
		tv_set_bool(a, ctx, "next_url", 0);
	tv_set_str(a, ctx, "page_text", site_fill(a, site_fill(a, tr(p, "Page {page} of {pages}"), "{page}",
	                                       arena_printf(a, "%lld", page)),
	                           "{pages}", arena_printf(a, "%lld", pages)));
	admin_render(p, 200, "admin_tags", ctx);
}

/* A tag's page; name and slug as typed when a rename was refused. */
static void show_tag(struct page *p, int status, const struct tag_row *t, const char *name,
                     const char *slug, const char *err_name, const char *err_slug,
                     const char *message)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, trf(p, "Edit tag: %s", t->name));
	tv_set_str(a, ctx, "action", arena_printf(a, "/admin/tags/%lld/", t->id));
	tv_set_str(a, ctx, "view_url", arena_printf(a, "/tag/%s/", site_slug(a, t->slug)));
	tv_set_str(a, ctx, "name", name);
	tv_set_str(a, ctx, "slug", slug);
	tv_set_int(a, ctx, "max_name", TAG_MAX_NAME);
	tv_set_str(a, ctx, "count_text", trn(p, "%lld article", "%lld articles",
	                                                    t->n_articles));
	struct tv *errs = tv_map(a);
	if (err_name) tv_set_str(a, errs, "name", err_name); else tv_set_bool(a, errs, "name", 0);
	if (err_slug) tv_set_str(a, errs, "slug", err_slug); else tv_set_bool(a, errs, "slug", 0);
	tv_set(a, ctx, "errors", errs);
	if (message)
		tv_set_str(a, ctx, "error", message);
	size_t n;
	long long total;
	struct tag_row *all = tag_rows(p->db, a, NULL, 0, MAX_MERGE_CHOICES, &n, &total);
	struct tv *opts = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		if (all[i].id == t->id)
			continue;
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", all[i].id);
		tv_set_str(a, o, "label", arena_printf(a, "%s (%lld)", all[i].name, all[i].n_articles));
		tv_push(a, opts, o);
	}
	tv_set(a, ctx, "others", opts);
	tv_set_bool(a, ctx, "has_others", n > 1);
	admin_render(p, status, "admin_tag", ctx);
}

void admin_tag_edit(struct page *p)
{
	struct tag_row t;
	long long id = admin_param_id(p, 0);
	if (!id || tag_by_id(p->db, p->a, id, &t) != 0) {
		site_not_found(p);
		return;
	}
	show_tag(p, 200, &t, t.name, t.slug, NULL, NULL, NULL);
}

void admin_tag_action(struct page *p)
{
	struct arena *a = p->a;
	struct tag_row t;
	long long id = admin_param_id(p, 0);
	if (!id || tag_by_id(p->db, a, id, &t) != 0) {
		site_not_found(p);
		return;
	}
	const char *action = http_form(p->req, "action", NULL);
	char err[300];
	if (action && !strcmp(action, "delete")) {
		if (tag_delete(p->db, id) < 0)
			site_error(p, 503, tr(p, "The desk is busy"), tr(p, "Nothing was changed. Please try again."));
		else
			admin_done(p, "/admin/tags/", "tag-deleted");
		return;
	}
	if (action && !strcmp(action, "merge")) {
		const char *into = http_form(p->req, "into", NULL);
		long long keep = 0;
		if (!into || text_int(into, 1, (long long)1 << 53, &keep) != 0) {
			show_tag(p, 422, &t, t.name, t.slug, NULL, NULL,
			         tr(p, "Choose the tag to keep from the list."));
			return;
		}
		if (tag_merge(p->db, a, id, keep, err, sizeof err) != 0) {
			show_tag(p, 422, &t, t.name, t.slug, NULL, NULL, arena_strdup(a, err));
			return;
		}
		admin_done(p, arena_printf(a, "/admin/tags/%lld/", keep), "tag-merged");
		return;
	}
	if (!action || strcmp(action, "rename") != 0) {
		site_error(p, 400, tr(p, "Unknown action"), tr(p, "Rename, merge or delete: nothing else."));
		return;
	}
	const char *name = "", *slug = "", *err_name = NULL, *err_slug = NULL;
	enum text_verdict v = http_form_text(p->req, "name", TAG_MAX_NAME, &name, NULL);
	if (v == TEXT_TOO_LONG)
		err_name = trn(p, "At most %lld character, please.", "At most %lld characters, please.",
		               TAG_MAX_NAME);
	else if (v != TEXT_OK)
		err_name = tr(p, "This is not text a browser sends.");
	else if (!*name)
		err_name = tr(p, "Please give the tag a name.");
	v = http_form_text(p->req, "slug", 200, &slug, NULL);
	if (v == TEXT_TOO_LONG)
		err_slug = tr(p, "At most 200 characters, please.");
	else if (v != TEXT_OK)
		err_slug = tr(p, "This is not text a browser sends.");
	if (!err_name && !err_slug) {
		if (tag_rename(p->db, a, id, name, slug, err, sizeof err) == 0) {
			admin_done(p, arena_printf(a, "/admin/tags/%lld/", id), "tag-saved");
			return;
		}
		if (strstr(err, "slug"))
			err_slug = arena_strdup(a, err);
		else
			err_name = arena_strdup(a, err);
	}
	show_tag(p, 422, &t, name, slug, err_name, err_slug,
	         tr(p, "The tag was not saved: please check the fields marked below."));
}
