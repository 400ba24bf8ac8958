/*
** admin_pages.c: the desk's static pages (WordPress's Pages): the list
** (All and Trash), the editor in the article editor's layout (title, slug,
** parent, status, order, Markdown body, preview; desk.js's toolbar, word
** count and live preview), revisions with their word diff and restore, the
** trash (restore; delete for good by administrators, from the trash only).
**
** Pages are the site's own: editors and administrators make and change
** them (the route table's NEED_EDITOR), as WordPress gives edit_pages to
** editors.  Their bodies are rendered with the saver's trust, as
** articles' are (page_save(): an unchanged body keeps its writer's).
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "model/autosave.h"
#include "model/page.h"
#include "render/markdown.h"
#include "render/value.h"
#include "web/forms.h"

#include <string.h>
#include <time.h>

/* Depth of a path ("a/b" is 1): for indenting the list. */
static int depth_of(const char *path)
{
	int d = 0;
	for (const char *s = path; *s; s++)
		d += *s == '/';
	return d;
}

void admin_pages_list(struct page *p)
{
	struct arena *a = p->a;
	const char *view = http_query(p->req, "status", NULL);
	int trash_view = view && !strcmp(view, "trash");
	size_t n, n_trash;
	struct page_row *all = page_list(p->db, a, trash_view ? PAGE_TRASH : PAGE_STATUS_NONE, &n);
	page_list(p->db, a, PAGE_TRASH, &n_trash);
	struct tv *ctx = admin_context(p, trash_view ? tr(p, "Pages in the trash") : tr(p, "Pages"));
	tv_set_bool(a, ctx, "trash_view", trash_view);
	tv_set_int(a, ctx, "trash_count", (long long)n_trash);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		int depth = depth_of(all[i].path);
		tv_set_str(a, r, "title", all[i].title);
		tv_set_str(a, r, "indent", depth == 0 ? "" : depth == 1 ? "— " : depth == 2
		                                                             ? "— — "
		                                                             : "— — — ");
		tv_set_str(a, r, "path", site_page_path(a, all[i].path));
		tv_set_str(a, r, "status", tr(p, page_status_label(all[i].status)));
		tv_set_str(a, r, "status_key", page_status_name(all[i].status));
		tv_set_bool(a, r, "is_public", all[i].status == PAGE_PUBLISHED);
		tv_set_str(a, r, "author", all[i].author_name);
		tv_set_str(a, r, "date", site_date(p, (time_t)all[i].updated_at));
		tv_set_str(a, r, "date_iso", text_date_iso(a, (time_t)all[i].updated_at));
		tv_set_str(a, r, "edit_url", arena_printf(a, "/admin/pages/%lld/", all[i].id));
		tv_set_int(a, r, "id", all[i].id);
		tv_set_bool(a, r, "can_edit", !trash_view);
		tv_set_bool(a, r, "can_trash", !trash_view);
		tv_set_bool(a, r, "can_restore", trash_view);
		tv_set_bool(a, r, "can_delete", trash_view && p->user->role >= ROLE_ADMIN);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "pages", rows);
	tv_set_bool(a, ctx, "has_pages", n > 0);
	tv_set_int(a, ctx, "total", (long long)n);
	tv_set_str(a, ctx, "total_text", trn(p, "%lld page.", "%lld pages.", (long long)n));
	admin_render(p, 200, "admin_pages", ctx);
}

/* What the editor shows: a page's values, or what was just sent. */
struct page_draft {
	long long id;              /* 0 for a new page */
	const char *title, *slug, *body;
	enum page_status status;   /* as sent, else PAGE_DRAFT */
	long long parent_id;       /* 0: top level */
	long long menu_order;      /* order among siblings */
	int comments_open;         /* readers may comment (the box; off unless ticked) */
	const char *err_title, *err_slug, *err_body;
	const char *message;       /* the form as a whole */
	const char *notice;        /* a note above the form (an autosave restored) */
	int offer_autosave;        /* show the writer's newer autosave, if any */
	const char *preview;       /* rendered body for Preview, or NULL */
	const char *path;          /* public path of a saved page, or NULL */
	long long updated_at;      /* last saved, 0 for a new page */
};

static void show_editor(struct page *p, int status, const struct page_draft *d)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, d->id ? tr(p, "Edit page") : tr(p, "New page"));
	struct tv *f = tv_map(a);
	tv_set_str(a, f, "action", d->id ? arena_printf(a, "/admin/pages/%lld/", d->id)
	                                 : "/admin/pages/new");
	tv_set_str(a, f, "title", d->title);
	tv_set_str(a, f, "slug", d->slug);
	tv_set_str(a, f, "body", d->body);
	tv_set_int(a, f, "menu_order", d->menu_order);
	tv_set_bool(a, f, "comments_open", d->comments_open);
	tv_set_int(a, f, "id", d->id);
	if (d->updated_at)
		tv_set_str(a, f, "saved_when", admin_time(p, d->updated_at));
	else
		tv_set_bool(a, f, "saved_when", 0);
	if (d->id)
		tv_set_str(a, f, "revisions_url", arena_printf(a, "/admin/pages/%lld/revisions/", d->id));
	else
		tv_set_bool(a, f, "revisions_url", 0);
	tv_set_int(a, f, "max_body", PAGE_MAX_BODY);
	struct tv *errs = tv_map(a);
#define ERR(k, v) if (v) tv_set_str(a, errs, k, v); else tv_set_bool(a, errs, k, 0)
	ERR("title", d->err_title);
	ERR("slug", d->err_slug);
	ERR("body", d->err_body);
#undef ERR
	tv_set(a, f, "errors", errs);
	if (d->message)
		tv_set_str(a, ctx, "error", d->message);
	if (d->notice)
		tv_set_str(a, ctx, "notice", d->notice);
	/* The writer's autosave, when newer than the page and not what the form
	** shows: offered with Restore (a link) and Dismiss (a form), as the
	** article editor offers one. */
	struct autosave as;
	if (d->offer_autosave && autosave_page_get(p->db, a, d->id, p->user->id, &as) == 0 &&
	    as.saved_at >= d->updated_at &&
	    (strcmp(as.headline, d->title) || strcmp(as.body_src, d->body))) {
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "when", admin_time(p, as.saved_at));
		tv_set_str(a, o, "restore_url", d->id ? arena_printf(a, "/admin/pages/%lld/?autosave"
		                                                        "=restore", d->id)
		                                      : "/admin/pages/new?autosave=restore");
		tv_set_int(a, o, "page_id", d->id);
		tv_set(a, f, "autosave", o);
	} else {
		tv_set_bool(a, f, "autosave", 0);
	}
	if (d->preview)
		tv_set(a, f, "preview", tv_html(a, d->preview, strlen(d->preview)));
	else
		tv_set_bool(a, f, "preview", 0);
	struct tv *sts = tv_list(a);
	for (enum page_status s = PAGE_DRAFT; s <= PAGE_PRIVATE; s++) {
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "value", page_status_name(s));
		tv_set_str(a, o, "label", tr(p, page_status_label(s)));
		tv_set_bool(a, o, "selected", d->status == s);
		tv_push(a, sts, o);
	}
	tv_set(a, f, "statuses", sts);
	/* Possible parents: every page but this one and those under it. */
	size_t n;
	struct page_row *all = page_list(p->db, a, PAGE_STATUS_NONE, &n);
	const char *own = NULL;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == d->id)
			own = all[i].path;
	struct tv *parents = tv_list(a);
	int offered = 0;
	for (size_t i = 0; i < n; i++) {
		size_t ol = own ? strlen(own) : 0;
		if (own && (!strcmp(all[i].path, own) ||
		            (!strncmp(all[i].path, own, ol) && all[i].path[ol] == '/')))
			continue;
		if (depth_of(all[i].path) + 1 >= PAGE_MAX_DEPTH)
			continue; /* a child there would nest too deep */
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", all[i].id);
		tv_set_str(a, o, "label", site_page_path(a, all[i].path));
		tv_set_bool(a, o, "selected", d->parent_id == all[i].id);
		tv_push(a, parents, o);
		offered |= d->parent_id == all[i].id;
	}
	/* A parent in the trash stays offered, and chosen, so that saving a
	** sub-page does not move it to the top level unasked. */
	struct page_row up;
	if (d->parent_id && !offered && page_by_id(p->db, a, d->parent_id, &up) == 0) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", up.id);
		tv_set_str(a, o, "label", arena_printf(a, "%s%s", site_page_path(a, up.path),
		                                       up.status == PAGE_TRASH ? " (in the trash)"
		                                                               : ""));
		tv_set_bool(a, o, "selected", 1);
		tv_push(a, parents, o);
	}
	tv_set(a, f, "parents", parents);
	if (d->path && d->status == PAGE_PUBLISHED)
		tv_set_str(a, f, "view_url", site_page_path(a, d->path));
	else
		tv_set_bool(a, f, "view_url", 0);
	if (d->id)
		tv_set_str(a, f, "delete_url", arena_printf(a, "/admin/pages/%lld/trash", d->id));
	else
		tv_set_bool(a, f, "delete_url", 0);
	tv_set(a, ctx, "form", f);
	admin_render(p, status, "admin_page_editor", ctx);
}

/* Answers an edit of a page in the trash. */
static void in_trash(struct page *p)
{
	site_error(p, 409, tr(p, "This page is in the trash"),
	           tr(p, "Restore it from the trash (Pages, Trash) before changing it."));
}

/* With ?autosave=restore, the writer's autosave of the page replaces its
** title and body (not saved: the writer reads it and presses Save). */
static void restore_autosave(struct page *p, struct page_draft *d)
{
	const char *q = http_query(p->req, "autosave", NULL);
	struct autosave as;
	if (!q || strcmp(q, "restore") != 0 ||
	    autosave_page_get(p->db, p->a, d->id, p->user->id, &as) != 0)
		return;
	d->title = as.headline;
	d->body = as.body_src;
	d->offer_autosave = 0;
	d->notice = arena_printf(p->a, "The autosave of %s is restored below. It is not saved "
	                               "yet: check it, then press Save.",
	                         admin_time(p, as.saved_at));
}

void admin_page_new(struct page *p)
{
	struct page_draft d;
	memset(&d, 0, sizeof d);
	d.title = d.slug = d.body = "";
	d.status = PAGE_DRAFT;
	d.offer_autosave = 1;
	restore_autosave(p, &d);
	show_editor(p, 200, &d);
}

void admin_page_edit(struct page *p)
{
	struct page_row pg;
	long long id = admin_param_id(p, 0);
	if (!id || page_by_id(p->db, p->a, id, &pg) != 0) {
		site_not_found(p);
		return;
	}
	if (pg.status == PAGE_TRASH) {
		in_trash(p);
		return;
	}
	struct page_draft d;
	memset(&d, 0, sizeof d);
	d.id = pg.id;
	d.title = pg.title;
	d.slug = pg.slug;
	d.body = pg.body_src;
	d.status = pg.status;
	d.parent_id = pg.parent_id;
	d.menu_order = pg.menu_order;
	d.comments_open = pg.comments_open;
	d.path = pg.path;
	d.updated_at = pg.updated_at;
	d.offer_autosave = 1;
	restore_autosave(p, &d);
	show_editor(p, 200, &d);
}

static void draft_from_form(struct page *p, struct page_draft *d)
{
	memset(d, 0, sizeof *d);
	d->id = admin_param_id(p, 0);
	const char *t = admin_field(p, "title", PAGE_MAX_TITLE, &d->err_title);
	d->title = text_trim(p->a, t, strlen(t));
	const char *s = admin_field(p, "slug", 200, &d->err_slug);
	d->slug = text_trim(p->a, s, strlen(s));
	d->body = admin_field(p, "body", PAGE_MAX_BODY, &d->err_body);
	d->status = page_status_parse(http_form(p->req, "status", NULL));
	if (!d->status)
		d->status = PAGE_DRAFT;
	long long v;
	const char *parent = http_form(p->req, "parent", NULL);
	if (parent && text_int(parent, 1, (long long)1 << 53, &v) == 0)
		d->parent_id = v;
	const char *order = http_form(p->req, "menu_order", NULL);
	if (order && text_int(order, -99999, 99999, &v) == 0)
		d->menu_order = v;
	const char *open = http_form(p->req, "comments_open", NULL);
	d->comments_open = open && *open;
	if (p->req->form_error)
		d->message = p->req->form_error;
}

void admin_page_refuse(struct page *p, int status, const char *why)
{
	if (!p->user || p->user->role < ROLE_EDITOR) {
		site_forbidden(p, why);
		return;
	}
	struct page_draft d;
	draft_from_form(p, &d);
	d.message = why;
	show_editor(p, status, &d);
}

void admin_page_save(struct page *p)
{
	struct arena *a = p->a;
	struct page_draft d;
	draft_from_form(p, &d);
	struct page_row old;
	int had = 0;
	if (d.id) {
		if (page_by_id(p->db, a, d.id, &old) != 0) {
			site_not_found(p);
			return;
		}
		had = 1;
		d.path = old.path;
		d.updated_at = old.updated_at;
		if (old.status == PAGE_TRASH) {
			in_trash(p);
			return;
		}
	}
	if (!d.err_title && !*d.title)
		d.err_title = tr(p, "Please give the page a title.");
	const char *action = http_form(p->req, "action", NULL);
	if (action && !strcmp(action, "preview")) {
		/* Rendered as saving would: an unchanged body keeps its writer's
		** trust, a changed one gets this user's. */
		enum role role = role_of_body(had ? old.body_src : NULL, had ? old.body_role : ROLE_NONE,
		                              d.body, p->user->role);
		struct buf html = BUF_INIT;
		markdown_render(&html, d.body, strlen(d.body), role_trust(role));
		d.preview = arena_strdup(a, buf_cstr(&html));
		buf_free(&html);
		show_editor(p, 200, &d);
		return;
	}
	if (action && !strcmp(action, "publish"))
		d.status = PAGE_PUBLISHED;
	if (d.err_title || d.err_slug || d.err_body || d.message) {
		if (!d.message)
			d.message = tr(p, "The page was not saved yet: please check the fields marked below.");
		show_editor(p, 422, &d);
		return;
	}
	/* The slug as typed may be percent-encoded; one with capitals, spaces
	** or punctuation is tidied into a web address and shown (as the
	** article editor does). */
	const char *slug = *d.slug ? text_slug_decode(a, d.slug) : NULL;
	int slug_tidied = 0;
	if (*d.slug && !slug) {
		const char *tidy = text_slug_any(a, d.slug);
		if (!*tidy || !text_is_slug_utf8(tidy)) {
			d.err_slug = tr(p, "A slug needs at least one letter or digit.");
			show_editor(p, 422, &d);
			return;
		}
		slug = d.slug = tidy;
		slug_tidied = 1;
	}
	struct page_input in = {
	    .title = d.title,
	    .slug = slug,
	    .parent_id = d.parent_id,
	    .body_src = d.body,
	    .status = d.status,
	    .comments_open = d.comments_open,
	    .menu_order = (int)d.menu_order,
	    .role = p->user->role,
	};
	char err[300];
	long long id = page_save(p->db, a, d.id, &in, p->user->id, err, sizeof err);
	if (id < 0) {
		if (strstr(err, "slug"))
			d.err_slug = arena_strdup(a, err);
		else
			d.message = arena_strdup(a, err);
		show_editor(p, 422, &d);
		return;
	}
	/* Saved: the writer's autosave of it (or of the new page) is spent. */
	autosave_page_delete(p->db, d.id, p->user->id);
	if (id != d.id)
		autosave_page_delete(p->db, id, p->user->id);
	admin_done(p, arena_printf(a, "/admin/pages/%lld/", id),
	           slug_tidied ? "slug-tidied" : d.status == PAGE_PUBLISHED ? "published" : "saved");
}

/* ---- trash, restore, delete for good (as articles': admin_articles.c) ---- */

/* The page named by the route (any status), or answers 404. */
static int load_any(struct page *p, struct page_row *pg)
{
	long long id = admin_param_id(p, 0);
	if (!id || page_by_id(p->db, p->a, id, pg) != 0) {
		site_not_found(p);
		return -1;
	}
	return 0;
}

static void busy(struct page *p)
{
	site_error(p, 503, tr(p, "The desk is busy"), tr(p, "Nothing was changed. Please try again."));
}

void admin_page_trash(struct page *p)
{
	struct page_row pg;
	if (load_any(p, &pg) != 0)
		return;
	if (pg.status != PAGE_TRASH && page_trash(p->db, pg.id, (long long)time(NULL)) < 0)
		busy(p);
	else
		admin_done(p, "/admin/pages/", "trashed-page");
}

void admin_page_restore(struct page *p)
{
	struct page_row pg;
	if (load_any(p, &pg) != 0)
		return;
	if (pg.status != PAGE_TRASH) {
		site_error(p, 409, tr(p, "This page is not in the trash"), tr(p, "There is nothing to restore."));
		return;
	}
	if (page_restore(p->db, pg.id) < 0)
		busy(p);
	else
		admin_done(p, "/admin/pages/?status=trash", "restored-page");
}

void admin_page_delete(struct page *p)
{
	struct page_row pg;
	if (load_any(p, &pg) != 0)
		return;
	if (pg.status != PAGE_TRASH) {
		site_error(p, 409, tr(p, "Move it to the trash first"),
		           tr(p, "A page is deleted for good only from the trash."));
		return;
	}
	if (page_delete(p->db, pg.id) < 0)
		busy(p);
	else
		admin_done(p, "/admin/pages/?status=trash", "deleted-page");
}

/* ---- revisions: list, diff against the page now, restore ---- */

/* The page named by the route, outside the trash, or answers (404, 409). */
static int load_editable(struct page *p, struct page_row *pg)
{
	if (load_any(p, pg) != 0)
		return -1;
	if (pg->status == PAGE_TRASH) {
		in_trash(p);
		return -1;
	}
	return 0;
}

void admin_page_revisions(struct page *p)
{
	struct page_row pg;
	if (load_editable(p, &pg) != 0)
		return;
	struct arena *a = p->a;
	size_t n;
	struct page_revision *revs = page_revision_list(p->db, a, pg.id, &n);
	struct tv *ctx = admin_context(p, tr(p, "Revisions"));
	tv_set_str(a, ctx, "headline", pg.title);
	tv_set_str(a, ctx, "edit_url", arena_printf(a, "/admin/pages/%lld/", pg.id));
	tv_set_str(a, ctx, "title_label", tr(p, "Title"));
	tv_set_str(a, ctx, "kind", tr(p, "page"));
	struct tv *rows = tv_list(a);
	const char *base = arena_printf(a, "/admin/pages/%lld/", pg.id);
	for (size_t i = 0; i < n; i++)
		tv_push(a, rows, admin_revision_row(p, base, revs[i].id, revs[i].user_name,
		                                    revs[i].created_at, revs[i].title,
		                                    tr(p, page_status_label(revs[i].status)), i == 0));
	tv_set(a, ctx, "revisions", rows);
	admin_render(p, 200, "admin_revisions", ctx);
}

/* A parent as the revision view names it: its address, or "(top level)". */
static const char *parent_label(struct page *p, long long id)
{
	struct page_row up;
	if (!id)
		return tr(p, "(top level)");
	if (page_by_id(p->db, p->a, id, &up) != 0)
		return tr(p, "(a page since deleted)");
	return site_page_path(p->a, up.path);
}

void admin_page_revision_show(struct page *p)
{
	struct page_row pg;
	if (load_editable(p, &pg) != 0)
		return;
	struct arena *a = p->a;
	struct page_revision rev;
	if (page_revision_by_id(p->db, a, pg.id, admin_param_id(p, 1), &rev) != 0) {
		site_not_found(p);
		return;
	}
	struct tv *ctx = admin_revision_context(p, arena_printf(a, "/admin/pages/%lld/", pg.id),
	                                        rev.id, rev.user_name, rev.created_at, pg.title);
	tv_set_str(a, ctx, "kind", tr(p, "page"));
	/* Every field Restore changes. */
	struct tv *blocks = tv_list(a);
	admin_diff_add(p, blocks, tr(p, "Title"), rev.title, pg.title);
	admin_diff_add(p, blocks, tr(p, "Slug"), rev.slug, pg.slug);
	admin_diff_add(p, blocks, tr(p, "Parent"), parent_label(p, rev.parent_id),
	               parent_label(p, pg.parent_id));
	admin_diff_add(p, blocks, tr(p, "Body"), rev.body_src, pg.body_src);
	tv_set_bool(a, ctx, "image", 0);
	tv_set(a, ctx, "blocks", blocks);
	tv_set_bool(a, ctx, "same", blocks->len == 0);
	admin_render(p, 200, "admin_revision", ctx);
}

void admin_page_revision_restore(struct page *p)
{
	struct page_row pg;
	if (load_editable(p, &pg) != 0)
		return;
	struct arena *a = p->a;
	struct page_revision rev;
	if (page_revision_by_id(p->db, a, pg.id, admin_param_id(p, 1), &rev) != 0) {
		site_not_found(p);
		return;
	}
	/* The restored text and place; the page keeps its status and order. */
	struct page_input in = {
	    .title = rev.title,
	    .slug = rev.slug,
	    .parent_id = rev.parent_id,
	    .body_src = rev.body_src,
	    .status = pg.status,
	    .author_id = pg.author_id,
	    .comments_open = pg.comments_open,
	    .menu_order = pg.menu_order,
	    .role = p->user->role,
	};
	char err[300];
	if (page_save(p->db, a, pg.id, &in, p->user->id, err, sizeof err) < 0) {
		site_error(p, 409, tr(p, "The revision could not be restored"), err);
		return;
	}
	admin_done(p, arena_printf(a, "/admin/pages/%lld/", pg.id), "restored");
}

/* The live preview (desk.js, data-preview): the unsaved title and body in
** the site's page template, rendered with the trust saving would give. */
void admin_page_live_preview(struct page *p)
{
	struct arena *a = p->a;
	long long id = 0;
	const char *sid = http_form(p->req, "page_id", NULL);
	if (sid && *sid && strcmp(sid, "0") && text_int(sid, 1, (long long)1 << 53, &id) != 0) {
		site_not_found(p);
		return;
	}
	struct page_row old;
	int had = id > 0 && page_by_id(p->db, a, id, &old) == 0;
	if (id > 0 && !had) {
		site_not_found(p);
		return;
	}
	const char *err = NULL;
	const char *title = admin_field(p, "title", PAGE_MAX_TITLE, &err);
	const char *body = admin_field(p, "body", PAGE_MAX_BODY, &err);
	if (err) {
		site_error(p, 422, tr(p, "Nothing to preview"), err);
		return;
	}
	struct page_row pg;
	if (had)
		pg = old;
	else
		memset(&pg, 0, sizeof pg);
	pg.title = *title ? title : tr(p, "(No title yet)");
	pg.path = had ? old.path : "preview";
	enum role role = role_of_body(had ? old.body_src : NULL, had ? old.body_role : ROLE_NONE,
	                              body, p->user->role);
	struct buf html = BUF_INIT;
	markdown_render(&html, body, strlen(body), role_trust(role));
	pg.body_html = arena_strdup(a, buf_cstr(&html));
	buf_free(&html);
	p->is_private = 1;
	pg.id = 0; /* a preview shows no comments and no form */
	page_pages_render(p, &pg, NULL, 200);
	http_resp_header(p->resp, "Cache-Control", "no-store");
	http_resp_header(p->resp, "X-Robots-Tag", "noindex");
}
