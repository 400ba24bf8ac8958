/*
** admin_media.c: the media library (WordPress's Media Library): a grid of
** thumbnails with each image's name, caption, credit, alt text, size and
** where it is used; search; uploads of several files at once; one image's
** own screen to describe it, replace its file or delete it; and the picker
** the article editor opens to choose its featured image or an image for
** its body.  The public /media/HASH.EXT that serves the files is
** page_media.c.
**
** Who may do what (WordPress's rules): authors and up see the whole
** library and upload; authors edit, replace and delete only what they
** uploaded, editors and administrators anything.  Contributors upload
** nothing but may choose an image already in the library through the
** picker (as the editor's list of images always let them).
**
** The picker without JavaScript: the editor's "Choose from library" and
** "Insert image" are submit buttons posting the whole editor form to
** /admin/media/pick (formaction), so nothing typed is lost and nothing is
** saved.  The picker page carries every field it was sent as hidden inputs
** and posts them back to the editor (action=resume) with the chosen image:
** featured_media=ID, or insert_media=ID to append its Markdown to the body.
** With JavaScript (static/media-picker.js), GET /admin/media/pick?for=...
** gives the same grid, whose items carry data-media-* attributes, and the
** choice is made in place (the body's Markdown inserted at the cursor).
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/text.h"
#include "core/utf8.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/media.h"
#include "render/value.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 40
#define USES_SHOWN 3
#define MAX_QUERY 200

/* May the signed-in user change (describe, replace, delete) image m? */
static int can_change(struct page *p, const struct media *m)
{
	if (p->user->role >= ROLE_EDITOR)
		return 1;
	return p->user->role == ROLE_AUTHOR && m->uploaded_by == p->user->id;
}

/* "![alt](url)": the Markdown that shows m, its alt text kept to one line
** and without the brackets that would end it early. */
static const char *markdown_of(struct arena *a, const struct media *m)
{
	char *alt = arena_strdup(a, m->alt ? m->alt : "");
	for (char *c = alt; *c; c++)
		if (*c == '[' || *c == ']' || *c == '\n' || *c == '\r')
			*c = ' ';
	return arena_printf(a, "![%s](%s)", alt, m->url);
}

/* The name shown for m: its title, else its file name, else "Untitled". */
static const char *display_name(struct page *p, const struct media *m)
{
	return *m->title ? m->title : *m->original_name ? m->original_name : tr(p, "Untitled");
}

/* Where m is used, as template rows (at most `limit`), with the count. */
static void set_uses(struct page *p, struct tv *r, const struct media *m, int limit)
{
	struct arena *a = p->a;
	size_t n;
	long long total;
	struct media_use *uses = media_uses(p->db, a, m, limit, &n, &total);
	struct tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *u = tv_map(a);
		int page = !strcmp(uses[i].kind, "page");
		if (!strcmp(uses[i].kind, "setting")) {
			tv_set_str(a, u, "title", tr(p, "Site settings"));
			tv_set_str(a, u, "url", "/admin/settings");
			tv_set_str(a, u, "how", uses[i].title); /* the setting's key */
			tv_push(a, list, u);
			continue;
		}
		tv_set_str(a, u, "title", *uses[i].title ? uses[i].title : tr(p, "(no title)"));
		tv_set_str(a, u, "url", arena_printf(a, page ? "/admin/pages/%lld/"
		                                             : "/admin/articles/%lld/", uses[i].id));
		tv_set_str(a, u, "how", page ? tr(p, "page")
		                        : uses[i].is_featured && uses[i].in_body
		                            ? tr(p, "featured, in the body")
		                        : uses[i].is_featured ? tr(p, "featured image")
		                                              : tr(p, "in the body"));
		tv_push(a, list, u);
	}
	tv_set(a, r, "uses", list);
	tv_set_int(a, r, "use_count", total);
	tv_set_bool(a, r, "is_used", total > 0);
	tv_set_bool(a, r, "more_uses", total > (long long)n);
	tv_set_int(a, r, "more_count", total - (long long)n);
	tv_set_str(a, r, "more_text", trn(p, "and %lld more", "and %lld more", total - (long long)n));
}

/* One image as the grid and its own screen show it. */
static struct tv *media_row(struct page *p, const struct media *m, int uses)
{
	struct arena *a = p->a;
	struct tv *r = tv_map(a);
	char size[32];
	media_format_size(size, sizeof size, (unsigned long long)m->bytes, 0);
	tv_set_int(a, r, "id", m->id);
	tv_set_str(a, r, "url", m->url);
	tv_set_str(a, r, "thumb", media_thumb_url(a, m));
	tv_set_str(a, r, "name", display_name(p, m));
	tv_set_str(a, r, "original_name", m->original_name);
	tv_set_str(a, r, "title", m->title);
	tv_set_str(a, r, "caption", m->caption);
	tv_set_str(a, r, "credit", m->credit);
	tv_set_str(a, r, "copyright", m->copyright);
	tv_set_str(a, r, "alt", m->alt);
	tv_set_bool(a, r, "no_alt", !*m->alt);
	tv_set_int(a, r, "width", m->width);
	tv_set_int(a, r, "height", m->height);
	tv_set_str(a, r, "size", size);
	tv_set_str(a, r, "mime", m->mime);
	tv_set_str(a, r, "markdown", markdown_of(a, m));
	tv_set_str(a, r, "edit_url", arena_printf(a, "/admin/media/%lld/", m->id));
	tv_set_bool(a, r, "can_edit", can_change(p, m));
	/* Stored by an older version and not readable as an image when its
	** metadata was to be stripped: readers never get it (media_path()). */
	tv_set_bool(a, r, "unreadable", m->normalized < 0);
	if (uses)
		set_uses(p, r, m, USES_SHOWN);
	return r;
}

/* The search text (q) if it is one a person could type, else "". */
static const char *query_text(const char *q)
{
	if (!q || strlen(q) > MAX_QUERY || !utf8_valid(q, strlen(q)))
		return "";
	return q;
}

/* The grid for the search q (of the images account `mine` uploaded, when
** not 0) and page number, into ctx: `media`, `has_media`, `total`, and
** prev/next page numbers.  Returns the count. */
static size_t fill_grid(struct page *p, struct tv *ctx, const char *q, long long mine,
                        long long page, int uses)
{
	struct arena *a = p->a;
	size_t n;
	long long total;
	struct media *list = media_search(p->db, a, q, mine, (page - 1) * PER_PAGE, PER_PAGE, &n,
	                                  &total);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++)
		tv_push(a, rows, media_row(p, &list[i], uses));
	tv_set(a, ctx, "media", rows);
	tv_set_bool(a, ctx, "has_media", n > 0);
	tv_set_int(a, ctx, "total", total);
	tv_set_str(a, ctx, "total_text", trn(p, "%lld image", "%lld images", total));
	tv_set_str(a, ctx, "q", q);
	tv_set_bool(a, ctx, "searching", *q != 0);
	long long pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	tv_set_int(a, ctx, "page", page);
	tv_set_int(a, ctx, "pages", pages);
	if (page > 1)
		tv_set_int(a, ctx, "prev_page", page - 1);
	else
		tv_set_bool(a, ctx, "prev_page", 0);
	if (page < pages)
		tv_set_int(a, ctx, "next_page", page + 1);
	else
		tv_set_bool(a, ctx, "next_page", 0);
	tv_set_bool(a, ctx, "paged", pages > 1);
	return n;
}

/* "/admin/media/?q=...&page=N" for a page of the search q. */
static const char *library_url(struct arena *a, const char *base, const char *q, long long page)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, base);
	char sep = strchr(base, '?') ? '&' : '?';
	if (*q) {
		buf_printf(&b, "%cq=", sep);
		esc_url_part(&b, q, strlen(q));
		sep = '&';
	}
	if (page > 1)
		buf_printf(&b, "%cpage=%lld", sep, page);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static long long page_number(const char *pg)
{
	long long page;
	if (!pg || text_int(pg, 1, 100000, &page) != 0)
		return 1;
	return page;
}

/* ---- the library ---- */

/* The library screen; error (a refused upload) with its status. */
static void show_library(struct page *p, int status, const char *error, struct tv *refusals)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Media Library"));
	const char *q = query_text(http_query(p->req, "q", NULL));
	long long page = page_number(http_query(p->req, "page", NULL));
	/* WordPress's "Mine": what this account uploaded. */
	const char *m = http_query(p->req, "mine", NULL);
	int mine = m && !strcmp(m, "1");
	fill_grid(p, ctx, q, mine ? p->user->id : 0, page, 1);
	tv_set_bool(a, ctx, "mine", mine);
	const char *base = mine ? "/admin/media/?mine=1" : "/admin/media/";
	if (tv_truthy(tv_get(ctx, "prev_page")))
		tv_set_str(a, ctx, "prev_url", library_url(a, base, q, page - 1));
	if (tv_truthy(tv_get(ctx, "next_page")))
		tv_set_str(a, ctx, "next_url", library_url(a, base, q, page + 1));
	tv_set_int(a, ctx, "max_mb", p->app->settings.upload_max_bytes / (1024 * 1024));
	if (error)
		tv_set_str(a, ctx, "error", error);
	if (refusals)
		tv_set(a, ctx, "refusals", refusals);
	else
		tv_set_bool(a, ctx, "refusals", 0);
	tv_set_bool(a, ctx, "has_refusals", refusals != NULL);
	admin_render(p, status, "admin_media", ctx);
}

void admin_media_list(struct page *p)
{
	show_library(p, 200, NULL, NULL);
}

/* Several files at once (input multiple): each is stored as media_store()
** decides, under the name it was sent with; the ones refused are listed
** with why, the others kept. */
void admin_media_upload(struct page *p)
{
	struct arena *a = p->a;
	if (p->req->form_error) {
		show_library(p, 400, p->req->form_error, NULL);
		return;
	}
	http_form(p->req, "csrf", NULL); /* parses the body, files included */
	struct tv *refused = tv_list(a);
	size_t stored = 0, tried = 0;
	long long last = 0;
	for (size_t i = 0; i < p->req->n_files; i++) {
		const struct http_part *f = &p->req->files[i];
		if (!f->filename || strcmp(f->name, "file") != 0 || (!f->len && !*f->filename))
			continue;
		tried++;
		struct media m;
		char err[256];
		long long id = media_store(p->db, a, p->app->data_dir, (const unsigned char *)f->data,
		                           f->len, (size_t)p->app->settings.upload_max_bytes,
		                           p->user->id, &m, err, sizeof err);
		if (id < 0) {
			struct tv *r = tv_map(a);
			tv_set_str(a, r, "name", *f->filename ? f->filename : tr(p, "(no name)"));
			tv_set_str(a, r, "why", !f->len ? tr(p, "The file is empty.") : err);
			tv_push(a, refused, r);
			continue;
		}
		if (!m.existed)
			media_note_name(p->db, id, f->filename);
		stored++;
		last = id;
	}
	if (tried == 0) {
		show_library(p, 422, tr(p, "Choose one or more image files to upload."), NULL);
		return;
	}
	if (stored < tried) {
		show_library(p, 422, stored ? arena_printf(a, "%zu of %zu files were uploaded; these "
		                                              "were not:", stored, tried)
		                            : tried == 1 ? tr(p, "The file was not uploaded:")
		                                         : tr(p, "None of the files were uploaded:"),
		             refused);
		return;
	}
	/* One image: straight to its screen, to describe it (WordPress's
	** attachment details); several: the library. */
	if (stored == 1)
		admin_done(p, arena_printf(a, "/admin/media/%lld/", last), "uploaded");
	else
		admin_done(p, "/admin/media/", "uploaded");
}

/* ---- one image ---- */

/* The image named by the route, or answers 404. */
static int load_media(struct page *p, struct media *m)
{
	long long id = admin_param_id(p, 0);
	if (!id || media_by_id(p->db, p->a, id, m) != 0) {
		site_not_found(p);
		return -1;
	}
	return 0;
}

/* The image's form values: as stored, or (sent) as typed. */
struct fields {
	const char *title, *caption, *credit, *copyright, *alt;
	const char *err_title, *err_caption, *err_credit, *err_copyright, *err_alt;
};

static void show_item(struct page *p, int status, const struct media *m,
                      const struct fields *f, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Edit image"));
	struct tv *r = media_row(p, m, 0);
	set_uses(p, r, m, 1000);
	if (f) {
		tv_set_str(a, r, "title", f->title);
		tv_set_str(a, r, "caption", f->caption);
		tv_set_str(a, r, "credit", f->credit);
		tv_set_str(a, r, "copyright", f->copyright);
		tv_set_str(a, r, "alt", f->alt);
	}
	struct tv *errs = tv_map(a);
#define ERR(k, v) if (f && (v)) tv_set_str(a, errs, k, v); else tv_set_bool(a, errs, k, 0)
	ERR("title", f ? f->err_title : NULL);
	ERR("caption", f ? f->err_caption : NULL);
	ERR("credit", f ? f->err_credit : NULL);
	ERR("copyright", f ? f->err_copyright : NULL);
	ERR("alt", f ? f->err_alt : NULL);
#undef ERR
	tv_set(a, r, "errors", errs);
	struct account who;
	if (m->uploaded_by && account_by_id(p->db, a, m->uploaded_by, &who) == 0)
		tv_set_str(a, r, "uploaded_by", who.name);
	else
		tv_set_bool(a, r, "uploaded_by", 0);
	tv_set_str(a, r, "uploaded_on", site_date(p, (time_t)m->created_at));
	tv_set_str(a, r, "full_url", arena_printf(a, "%s%s", site_base(p), m->url));
	tv_set(a, ctx, "item", r);
	tv_set_int(a, ctx, "max_mb", p->app->settings.upload_max_bytes / (1024 * 1024));
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_media_item", ctx);
}

void admin_media_show(struct page *p)
{
	struct media m;
	if (load_media(p, &m) == 0)
		show_item(p, 200, &m, NULL, NULL);
}

/* Refuses, with a 403 page, a change to an image this user did not upload. */
static int refuse_unless_own(struct page *p, const struct media *m)
{
	if (can_change(p, m))
		return 0;
	site_forbidden(p, tr(p, "You can change only the images you uploaded; an editor can change "
	                        "this one."));
	return -1;
}

/* A typed field, trimmed, checked against max characters. */
static const char *field(struct page *p, const char *name, size_t max, const char **err)
{
	const char *v = "";
	size_t chars = 0;
	enum text_verdict verdict = http_form_text(p->req, name, max, &v, &chars);
	if (verdict != TEXT_OK)
		*err = admin_text_message(p, verdict, tr(p, "This"), max, chars);
	return v ? v : "";
}

void admin_media_save(struct page *p)
{
	struct media m;
	if (load_media(p, &m) != 0 || refuse_unless_own(p, &m) != 0)
		return;
	struct fields f;
	memset(&f, 0, sizeof f);
	f.title = field(p, "title", MEDIA_MAX_TITLE, &f.err_title);
	f.caption = field(p, "caption", MEDIA_MAX_CAPTION, &f.err_caption);
	f.credit = field(p, "credit", MEDIA_MAX_CREDIT, &f.err_credit);
	f.copyright = field(p, "copyright", MEDIA_MAX_COPYRIGHT, &f.err_copyright);
	f.alt = field(p, "alt", MEDIA_MAX_ALT, &f.err_alt);
	if (p->req->form_error || f.err_title || f.err_caption || f.err_credit || f.err_copyright ||
	    f.err_alt) {
		show_item(p, p->req->form_error ? 400 : 422, &m, &f,
		          p->req->form_error ? p->req->form_error
		                             : tr(p, "Nothing was saved yet: please check the fields marked "
		                                     "below."));
		return;
	}
	int rc = media_update(p->db, m.id, f.title, f.caption, f.credit, f.copyright, f.alt);
	if (rc != 0) {
		show_item(p, 503, &m, &f, tr(p, "The image could not be saved; try again."));
		return;
	}
	admin_done(p, arena_printf(p->a, "/admin/media/%lld/", m.id), "media-saved");
}

void admin_media_replace(struct page *p)
{
	struct media m;
	if (load_media(p, &m) != 0 || refuse_unless_own(p, &m) != 0)
		return;
	if (p->req->form_error) {
		show_item(p, 400, &m, NULL, p->req->form_error);
		return;
	}
	const struct http_part *file = http_file(p->req, "file");
	if (!file) {
		show_item(p, 422, &m, NULL, tr(p, "Choose the image file that should take this one's place."));
		return;
	}
	struct media now;
	char err[300];
	if (media_replace(p->db, p->a, p->app->data_dir, m.id, (const unsigned char *)file->data,
	                  file->len, (size_t)p->app->settings.upload_max_bytes, p->user->id,
	                  file->filename, &now, err, sizeof err) < 0) {
		show_item(p, 422, &m, NULL, trf(p, "The file was not replaced: %s", err));
		return;
	}
	web_settings_changed(p->app); /* a setting may have named the old file */
	admin_done(p, arena_printf(p->a, "/admin/media/%lld/", m.id), "media-replaced");
}

void admin_media_delete(struct page *p)
{
	struct media m;
	if (load_media(p, &m) != 0 || refuse_unless_own(p, &m) != 0)
		return;
	char err[300];
	int rc = media_delete(p->db, p->a, p->app->data_dir, m.id, err, sizeof err);
	if (rc == 1) {
		show_item(p, 409, &m, NULL, tr(p, "This image is in use, so it was not deleted. Remove it "
		                                  "from the articles and pages listed under “Used in” "
		                                  "first, or replace its file instead."));
		return;
	}
	if (rc != 0) {
		show_item(p, 503, &m, NULL, err);
		return;
	}
	admin_done(p, "/admin/media/", "media-deleted");
}

/* ---- the picker ---- */

/* The editor a picker returns to: "/admin/articles/new" or
** "/admin/articles/ID/"; NULL for anything else (never a link elsewhere). */
static const char *editor_url(struct arena *a, const char *v)
{
	if (!v)
		return NULL;
	if (!strcmp(v, "/admin/articles/new"))
		return "/admin/articles/new";
	const char *pre = "/admin/articles/";
	size_t n = strlen(pre);
	if (strncmp(v, pre, n) != 0)
		return NULL;
	long long id;
	const char *rest = v + n;
	const char *slash = strchr(rest, '/');
	if (!slash || slash[1] || text_int(arena_strndup(a, rest, (size_t)(slash - rest)), 1,
	                                   (long long)1 << 53, &id) != 0)
		return NULL;
	return arena_printf(a, "/admin/articles/%lld/", id);
}

/* The picker's own fields, never carried back to the editor as hidden
** inputs (the picker sets them itself). */
static int picker_field(const char *name, int featured)
{
	static const char *const own[] = {"csrf", "pick", "return", "q", "page", "action",
	                                  "insert_media"};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(name, own[i]))
			return 1;
	return featured && !strcmp(name, "featured_media");
}

static void show_picker(struct page *p, int status, int featured, const char *ret,
                        struct tv *carried, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, featured ? tr(p, "Choose the featured image")
	                                           : tr(p, "Insert an image into the body"));
	const char *q = query_text(ret ? http_form(p->req, "q", NULL)
	                               : http_query(p->req, "q", NULL));
	long long page = page_number(ret ? http_form(p->req, "page", NULL)
	                                 : http_query(p->req, "page", NULL));
	fill_grid(p, ctx, q, 0, page, 0);
	tv_set_bool(a, ctx, "featured", featured);
	tv_set_str(a, ctx, "pick", featured ? "featured" : "body");
	tv_set_bool(a, ctx, "can_upload", p->user->role >= ROLE_AUTHOR);
	tv_set_int(a, ctx, "max_mb", p->app->settings.upload_max_bytes / (1024 * 1024));
	if (ret) {
		tv_set_str(a, ctx, "return", ret);
		tv_set(a, ctx, "carried", carried);
	} else {
		/* Opened by a link or by media-picker.js: nothing to carry. */
		tv_set_bool(a, ctx, "return", 0);
		const char *base = featured ? "/admin/media/pick?for=featured"
		                            : "/admin/media/pick?for=body";
		if (page > 1)
			tv_set_str(a, ctx, "prev_url", library_url(a, base, q, page - 1));
		if (tv_truthy(tv_get(ctx, "next_page")))
			tv_set_str(a, ctx, "next_url", library_url(a, base, q, page + 1));
	}
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_media_pick", ctx);
}

void admin_media_pick_show(struct page *p)
{
	const char *for_ = http_query(p->req, "for", NULL);
	show_picker(p, 200, !(for_ && !strcmp(for_, "body")), NULL, NULL, NULL);
}

/* The editor's form, posted by its "Choose from library" or "Insert
** image" button: shown the picker, carrying every field back. */
void admin_media_pick(struct page *p)
{
	struct arena *a = p->a;
	if (p->req->form_error) {
		site_error(p, 400, tr(p, "The form could not be read"), p->req->form_error);
		return;
	}
	const char *ret = editor_url(a, http_form(p->req, "return", NULL));
	if (!ret) {
		site_error(p, 400, tr(p, "No article to return to"),
		           tr(p, "The picker is opened from the article editor."));
		return;
	}
	const char *pick = http_form(p->req, "pick", NULL);
	int featured = !(pick && !strcmp(pick, "body"));
	const char *error = NULL;
	const char *stored_id = NULL;
	/* A featured image chosen in the editor before the picker was opened:
	** kept (a file input cannot be carried), as Preview keeps it. */
	const struct http_part *file = http_file(p->req, "featured_file");
	if (file && p->user->role >= ROLE_AUTHOR) {
		struct media m;
		char err[256];
		long long id = media_store(p->db, a, p->app->data_dir, (const unsigned char *)file->data,
		                           file->len, (size_t)p->app->settings.upload_max_bytes,
		                           p->user->id, &m, err, sizeof err);
		if (id < 0) {
			error = trf(p, "The featured image you chose was not uploaded: %s", err);
		} else {
			if (!m.existed)
				media_note_name(p->db, id, file->filename);
			stored_id = arena_printf(a, "%lld", id);
		}
	}
	struct tv *carried = tv_list(a);
	for (size_t i = 0; i < p->req->n_form_params; i++) {
		const struct http_param *f = &p->req->form_params[i];
		if (picker_field(f->name, featured) ||
		    (stored_id && !strcmp(f->name, "featured_media")))
			continue;
		/* The editor's own checks run when the form comes back. */
		struct tv *h = tv_map(a);
		tv_set_str(a, h, "name", f->name);
		tv_set(a, h, "value", tv_strn(a, f->value, strlen(f->value)));
		tv_push(a, carried, h);
	}
	if (stored_id && !featured) {
		struct tv *h = tv_map(a);
		tv_set_str(a, h, "name", "featured_media");
		tv_set_str(a, h, "value", stored_id);
		tv_push(a, carried, h);
	}
	show_picker(p, error ? 422 : 200, featured, ret, carried, error);
}
