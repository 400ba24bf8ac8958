/*
** api_write.c: the REST API's writes: articles (posts), pages, media,
** comments.
**
** Who may do what is the desk's rules, called, not copied: admin_can_edit()
** and admin_can_publish() for articles (a contributor writes drafts and
** pending posts only: a request to publish is refused with WordPress's
** rest_cannot_publish), editors for pages, authors and above for media,
** comment_can_moderate() for moderation (editors every comment, authors
** those on their own articles).
**
** Content: WordPress clients send HTML in content (and title, excerpt as
** text).  The HTML goes through the WordPress import's conversion
** (render/wpcontent.c: paragraphs from blank lines, shortcodes, blocks'
** comments) into the body Byline stores, which is rendered with the trust
** of the writer's role as the desk renders it (role_trust(): editors'
** HTML as written, authors' and contributors' through the allow-list).
** Markdown sent as content therefore reads as Markdown too.
**
** Bodies: JSON (application/json) or a form (application/x-www-form-
** urlencoded), as WordPress reads either; a media upload is the raw file
** with Content-Disposition: attachment; filename=...  The body limit was
** decided before it was read (api_body_limit()).  Session cookies are not
** credentials here (api.h): a write without Basic credentials is refused.
*/
#include "web/api.h"
#include "web/api_int.h"
#include "web/admin.h"
#include "web/mailer.h"
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/text.h"
#include "db/db.h"
#include "core/utf8.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/media.h"
#include "model/notify.h"
#include "model/page.h"
#include "model/restquery.h"
#include "model/settings.h"
#include "model/status.h"
#include "model/taxonomy.h"
#include "render/wpcontent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_TAGS 50

/* The request's fields: a JSON object, or a form. */
struct fields {
	struct api *x;
	const struct json_v *json; /* the object, or NULL for a form */
};

/* A text field ("title": "x" or {"raw": "x"}; a number as its digits), or
** NULL when absent.  *bad is set when it is there but not text. */
static const char *field(struct fields *f, const char *name, int *bad)
{
	if (!f->json) {
		size_t len;
		const char *v = http_form(f->x->p->req, name, &len);
		if (v && (strlen(v) != len || !utf8_valid(v, len)))
			*bad = 1;
		return v;
	}
	const struct json_v *v = json_member(f->json, name);
	if (!v || v->type == JSON_NULL)
		return NULL;
	if (v->type == JSON_OBJECT) {
		const struct json_v *raw = json_member(v, "raw");
		v = raw ? raw : json_member(v, "rendered");
		if (!v)
			return NULL;
	}
	if (v->type == JSON_STRING)
		return v->str;
	if (v->type == JSON_NUMBER && v->is_int)
		return arena_printf(f->x->p->a, "%lld", (long long)v->num);
	if (v->type == JSON_TRUE || v->type == JSON_FALSE)
		return v->type == JSON_TRUE ? "true" : "false";
	*bad = 1;
	return NULL;
}

/* A list of ids ([1, 2] or "1,2"), into ids[max]; -1 when malformed. */
static int id_field(struct fields *f, const char *name, long long *ids, size_t max, size_t *n,
                    int *present)
{
	*n = 0;
	*present = 0;
	if (f->json) {
		const struct json_v *v = json_member(f->json, name);
		if (!v)
			return 0;
		*present = 1;
		if (v->type == JSON_NUMBER && v->is_int && v->num > 0) {
			ids[(*n)++] = (long long)v->num;
			return 0;
		}
		if (v->type != JSON_ARRAY)
			return -1;
		for (size_t i = 0; i < v->n; i++) {
			if (v->kids[i].type != JSON_NUMBER || !v->kids[i].is_int || v->kids[i].num <= 0 ||
			    *n == max)
				return -1;
			ids[(*n)++] = (long long)v->kids[i].num;
		}
		return 0;
	}
	const char *s = http_form(f->x->p->req, name, NULL);
	if (!s)
		return 0;
	*present = 1;
	while (*s) {
		char *end;
		long long id = strtoll(s, &end, 10);
		if (end == s || id <= 0 || (*end && *end != ',') || *n == max)
			return -1;
		ids[(*n)++] = id;
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* Reads the body into f.  0, or -1 with the error answered. */
static int read_body(struct api *x, struct fields *f)
{
	f->x = x;
	f->json = NULL;
	const char *ct = http_header(x->p->req, "Content-Type");
	if (ct && !strncasecmp(ct, "application/json", 16)) {
		const char *why = NULL;
		f->json = json_read(x->p->a, x->p->req->body ? x->p->req->body : "",
		                    x->p->req->body_len, &why);
		if (!f->json || f->json->type != JSON_OBJECT) {
			api_error(x, 400, "rest_invalid_json",
			          f->json ? "The JSON body must be an object." : why);
			return -1;
		}
	}
	return 0;
}

/* The id of a "YYYY-MM-DDTHH:MM:SS" date in the site's zone (UTC with
** gmt). 0 if absent, -1 if malformed. */
static long long date_field(const char *v, int gmt)
{
	if (!v)
		return 0;
	struct tm tm = {0};
	int y, mo, d, h, mi, s;
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = s, tm.tm_isdst = -1;
	return gmt ? (long long)timegm(&tm) : (long long)mktime(&tm);
}

/* HTML as a WordPress client sends it, to the body Byline stores. */
static const char *body_from_html(struct api *x, const char *html)
{
	struct buf out = BUF_INIT;
	struct wpcontent_ctx c = {0};
	wpcontent_convert(html, &c, &out, NULL);
	const char *s = arena_strdup(x->p->a, buf_cstr(&out));
	buf_free(&out);
	return s;
}

static int too_long(struct api *x, const char *name, const char *v, size_t max)
{
	if (v && strlen(v) > max) {
		api_invalid_param(x, name, arena_printf(x->p->a, "%s is longer than %zu bytes.",
		                                        name, max));
		return 1;
	}
	return 0;
}

/* ---- posts ---- */

static enum article_status status_from_wp(const char *s)
{
	if (!strcmp(s, "publish"))
		return ARTICLE_PUBLISHED;
	if (!strcmp(s, "future"))
		return ARTICLE_SCHEDULED;
	if (!strcmp(s, "draft"))
		return ARTICLE_DRAFT;
	if (!strcmp(s, "pending"))
		return ARTICLE_PENDING;
	if (!strcmp(s, "private"))
		return ARTICLE_PRIVATE;
	return ARTICLE_STATUS_NONE;
}

static void post_save(struct api *x, long long id)
{
	struct page *p = x->p;
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	struct article old;
	int had = 0;
	if (id) {
		int rc = article_by_id(p->db, p->a, id, &old);
		if (rc != 0 || old.status == ARTICLE_TRASH) {
			api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
			return;
		}
		if (!admin_can_edit(p, &old)) {
			api_error(x, 403, "rest_cannot_edit",
			          "Sorry, you are not allowed to edit this post.");
			return;
		}
		had = 1;
	} else if (x->user->role < ROLE_CONTRIBUTOR) {
		api_error(x, 403, "rest_cannot_create",
		          "Sorry, you are not allowed to create posts as this user.");
		return;
	}
	int bad = 0;
	const char *title = field(&f, "title", &bad);
	const char *content = field(&f, "content", &bad);
	const char *excerpt = field(&f, "excerpt", &bad);
	const char *status_s = field(&f, "status", &bad);
	const char *slug = field(&f, "slug", &bad);
	const char *comment_status = field(&f, "comment_status", &bad);
	const char *sticky = field(&f, "sticky", &bad);
	const char *date = field(&f, "date", &bad);
	const char *date_gmt = field(&f, "date_gmt", &bad);
	const char *fm = field(&f, "featured_media", &bad);
	const char *author_s = field(&f, "author", &bad);
	if (bad) {
		api_invalid_param(x, "body", "A field is not of the type WordPress gives it (text).");
		return;
	}
	if (too_long(x, "title", title, 1000) || too_long(x, "excerpt", excerpt, 5000) ||
	    too_long(x, "slug", slug, 200) || too_long(x, "content", content, 1u << 20))
		return;
	long long cats[REST_MAX_IDS], tag_ids[MAX_TAGS];
	size_t n_cats, n_tags;
	int has_cats, has_tags;
	if (id_field(&f, "categories", cats, REST_MAX_IDS, &n_cats, &has_cats) < 0) {
		api_invalid_param(x, "categories", "categories[0] is not of type integer.");
		return;
	}
	if (id_field(&f, "tags", tag_ids, MAX_TAGS, &n_tags, &has_tags) < 0) {
		api_invalid_param(x, "tags", "tags[0] is not of type integer.");
		return;
	}
	enum article_status status = had ? old.status : ARTICLE_DRAFT;
	if (status_s) {
		status = status_from_wp(status_s);
		if (status == ARTICLE_STATUS_NONE) {
			api_invalid_param(x, "status", "status is not one of publish, future, draft, "
			                               "pending, private.");
			return;
		}
	}
	long long when = had ? old.published_at : 0;
	long long d = date_gmt ? date_field(date_gmt, 1) : date_field(date, 0);
	if (d < 0) {
		api_invalid_param(x, date_gmt ? "date_gmt" : "date", "Invalid date.");
		return;
	}
	if (d > 0)
		when = d;
	if (status == ARTICLE_PUBLISHED && when > time(NULL) + 60)
		status = ARTICLE_SCHEDULED; /* WordPress: a future date publishes later */
	struct article probe;
	memset(&probe, 0, sizeof probe);
	probe.author_id = had ? old.author_id : x->user->id;
	int changes_status = !had || status != old.status;
	if (changes_status && (status == ARTICLE_PUBLISHED || status == ARTICLE_SCHEDULED ||
	                       status == ARTICLE_PRIVATE) && !admin_can_publish(p, &probe)) {
		api_error(x, 403, "rest_cannot_publish",
		          "Sorry, you are not allowed to publish posts in this post type. (A "
		          "contributor's post is saved as a draft or submitted as pending.)");
		return;
	}
	long long author = probe.author_id;
	if (author_s) {
		long long want = atoll(author_s);
		struct account who;
		if (want != author && (x->user->role < ROLE_EDITOR ||
		                       account_by_id(p->db, p->a, want, &who) != 0)) {
			api_error(x, 403, "rest_cannot_edit_others",
			          "Sorry, you are not allowed to create posts as this user.");
			return;
		}
		author = want;
	}
	const char *headline = title ? title : had ? old.headline : "";
	if (!*headline) {
		api_error(x, 400, "empty_content", "Content, title, and excerpt are empty.");
		return;
	}
	long long section = had ? old.section_id : 0;
	if (has_cats)
		section = n_cats ? cats[0] : 0;
	if (section) {
		struct section_row sr;
		if (section_by_id(p->db, p->a, section, &sr) != 0) {
			api_invalid_param(x, "categories", "categories names a category that does not "
			                                   "exist.");
			return;
		}
	}
	const char *tags[MAX_TAGS];
	size_t nt = 0;
	if (has_tags) {
		for (size_t i = 0; i < n_tags; i++) {
			struct tag_row t;
			if (tag_by_id(p->db, p->a, tag_ids[i], &t) != 0) {
				api_invalid_param(x, "tags", "tags names a tag that does not exist.");
				return;
			}
			tags[nt++] = t.name;
		}
	} else if (had) {
		char *list = article_tag_list(p->db, p->a, id);
		for (char *s = strtok(list, ","); s && nt < MAX_TAGS; s = strtok(NULL, ",")) {
			while (*s == ' ')
				s++;
			if (*s)
				tags[nt++] = s;
		}
	}
	long long media_id = had ? old.featured_media_id : 0;
	const char *alt = had ? old.featured_alt : "";
	if (fm) {
		media_id = atoll(fm);
		struct media m;
		if (media_id && media_by_id(p->db, p->a, media_id, &m) != 0) {
			api_invalid_param(x, "featured_media", "Invalid featured media ID.");
			return;
		}
		alt = media_id ? m.alt : "";
	}
	struct article_input in = {
	    .headline = headline,
	    .slug = slug && *slug ? slug : had ? old.slug : NULL,
	    .dek = excerpt ? excerpt : had ? old.dek : "",
	    .body_src = content ? body_from_html(x, content) : had ? old.body_src : "",
	    .status = status,
	    .published_at = when,
	    .author_id = author,
	    .section_id = section,
	    .tags = tags,
	    .n_tags = nt,
	    .featured_media_id = media_id,
	    .featured_alt = alt ? alt : "",
	    .comments_open = comment_status ? !strcmp(comment_status, "open")
	                                    : had ? old.comments_open : 1,
	    .is_sticky = x->user->role >= ROLE_EDITOR && sticky ? !strcmp(sticky, "true")
	                                                       : had && old.is_sticky,
	    .role = x->user->role,
	};
	char err[300];
	long long saved = article_save(p->db, p->a, had ? id : 0, &in, x->user->id, err, sizeof err);
	if (saved < 0) {
		api_error(x, 400, strstr(err, "slug") ? "rest_invalid_param" : "rest_cannot_save",
		          arena_strdup(p->a, err));
		return;
	}
	struct article art;
	if (article_by_id(p->db, p->a, saved, &art) != 0) {
		api_error(x, 500, "rest_db_error", "The post was saved but could not be read back.");
		return;
	}
	x->edit = 1;
	api_write_post(x, &art);
	api_send(x, had ? 200 : 201);
	if (!had)
		http_resp_header(p->resp, "Location",
		                 arena_printf(p->a, "%s/wp-json/wp/v2/posts/%lld", x->base, saved));
}

static void post_delete(struct api *x, long long id)
{
	struct page *p = x->p;
	struct article art;
	if (article_by_id(p->db, p->a, id, &art) != 0 || art.status == ARTICLE_TRASH) {
		api_error(x, art.status == ARTICLE_TRASH ? 410 : 404,
		          art.status == ARTICLE_TRASH ? "rest_already_trashed" : "rest_post_invalid_id",
		          art.status == ARTICLE_TRASH ? "The post has already been deleted."
		                                      : "Invalid post ID.");
		return;
	}
	if (!admin_can_edit(p, &art)) {
		api_error(x, 403, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.");
		return;
	}
	const char *force = api_param(x, "force");
	if (force && (!strcmp(force, "true") || !strcmp(force, "1"))) {
		api_error(x, 501, "rest_trash_not_supported",
		          "Posts go to the trash here and are deleted for good from the desk's "
		          "trash (after 30 days, or by an administrator). Send it without force=true.");
		return;
	}
	if (article_trash(p->db, id, time(NULL)) != 0 || article_by_id(p->db, p->a, id, &art) != 0) {
		api_error(x, 500, "rest_cannot_delete", "The post could not be moved to the trash.");
		return;
	}
	x->edit = 1;
	api_write_post(x, &art);
	api_send(x, 200);
}

/* ---- pages (editors and administrators, as in the desk) ---- */

static void page_save_api(struct api *x, long long id)
{
	struct page *p = x->p;
	if (x->user->role < ROLE_EDITOR) {
		api_error(x, 403, id ? "rest_cannot_edit" : "rest_cannot_create",
		          "Sorry, you are not allowed to create or edit pages as this user.");
		return;
	}
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	struct page_row old;
	if (id && page_by_id(p->db, p->a, id, &old) != 0) {
		api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
		return;
	}
	int bad = 0;
	const char *title = field(&f, "title", &bad), *content = field(&f, "content", &bad);
	const char *status_s = field(&f, "status", &bad), *slug = field(&f, "slug", &bad);
	const char *parent = field(&f, "parent", &bad);
	if (bad || too_long(x, "title", title, 1000) || too_long(x, "content", content, 1u << 20)) {
		if (bad)
			api_invalid_param(x, "body", "A field is not text.");
		return;
	}
	enum page_status st = id ? old.status : PAGE_DRAFT;
	if (status_s)
		st = !strcmp(status_s, "publish") ? PAGE_PUBLISHED
		   : !strcmp(status_s, "private") ? PAGE_PRIVATE
		   : !strcmp(status_s, "draft") ? PAGE_DRAFT : PAGE_STATUS_NONE;
	if (st == PAGE_STATUS_NONE) {
		api_invalid_param(x, "status", "status is not one of publish, draft, private.");
		return;
	}
	struct page_input in = {
	    .title = title ? title : id ? old.title : "",
	    .slug = slug && *slug ? slug : id ? old.slug : NULL,
	    .parent_id = parent ? atoll(parent) : id ? old.parent_id : 0,
	    .body_src = content ? body_from_html(x, content) : id ? old.body_src : "",
	    .status = st,
	    .author_id = id ? old.author_id : x->user->id,
	    .comments_open = id ? old.comments_open : 0,
	    .menu_order = id ? old.menu_order : 0,
	    .role = x->user->role,
	};
	if (!*in.title) {
		api_error(x, 400, "empty_content", "Content, title, and excerpt are empty.");
		return;
	}
	char err[300];
	long long saved = page_save(p->db, p->a, id, &in, x->user->id, err, sizeof err);
	if (saved < 0) {
		api_error(x, 400, "rest_cannot_save", arena_strdup(p->a, err));
		return;
	}
	struct page_row pg;
	if (page_by_id(p->db, p->a, saved, &pg) != 0) {
		api_error(x, 500, "rest_db_error", "The page was saved but could not be read back.");
		return;
	}
	x->edit = 1;
	api_write_page(x, &pg);
	api_send(x, id ? 200 : 201);
}

static void page_delete_api(struct api *x, long long id)
{
	struct page *p = x->p;
	if (x->user->role < ROLE_EDITOR) {
		api_error(x, 403, "rest_cannot_delete", "Sorry, you are not allowed to delete pages.");
		return;
	}
	struct page_row old;
	if (page_by_id(p->db, p->a, id, &old) != 0) {
		api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
		return;
	}
	const char *force = api_param(x, "force");
	if (!force || (strcmp(force, "true") && strcmp(force, "1"))) {
		/* WordPress's answer for a type without a trash. */
		api_error(x, 501, "rest_trash_not_supported",
		          "The post does not support trashing. Set 'force=true' to delete.");
		return;
	}
	if (page_delete(p->db, id) != 0) {
		api_error(x, 500, "rest_cannot_delete", "The page could not be deleted.");
		return;
	}
	json_obj(&x->w);
	json_kbool(&x->w, "deleted", 1);
	json_key(&x->w, "previous");
	json_obj(&x->w);
	json_kint(&x->w, "id", id);
	json_obj_end(&x->w);
	json_obj_end(&x->w);
	api_send(x, 200);
}

/* ---- media ---- */

/* The file name in Content-Disposition: attachment; filename="x.jpg". */
static const char *disposition_name(struct api *x)
{
	const char *cd = http_header(x->p->req, "Content-Disposition");
	if (!cd)
		return NULL;
	const char *fn = strcasestr(cd, "filename=");
	if (!fn)
		return NULL;
	fn += 9;
	size_t n;
	if (*fn == '"') {
		fn++;
		n = strcspn(fn, "\"");
	} else {
		n = strcspn(fn, "; ");
	}
	if (n == 0 || n > 255)
		return NULL;
	const char *name = arena_strndup(x->p->a, fn, n);
	return utf8_valid(name, n) ? name : NULL;
}

static void media_upload(struct api *x)
{
	struct page *p = x->p;
	if (x->user->role < ROLE_AUTHOR) {
		api_error(x, 403, "rest_cannot_create",
		          "Sorry, you are not allowed to upload media on this site.");
		return;
	}
	/* The raw file with Content-Disposition, or (as WordPress also takes,
	** and clients that send a form do) a multipart form's "file" part. */
	const char *ct = http_header(p->req, "Content-Type");
	const char *data = p->req->body, *name;
	size_t len = p->req->body_len;
	if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
		const struct http_part *part = http_file(p->req, "file");
		if (!part || !part->filename || !*part->filename) {
			api_error(x, 400, "rest_upload_no_data",
			          p->req->form_error ? p->req->form_error : "No data supplied.");
			return;
		}
		data = part->data, len = part->len;
		name = arena_strndup(p->a, part->filename, strnlen(part->filename, 255));
		if (!utf8_valid(name, strlen(name)))
			name = "upload";
	} else if (!(name = disposition_name(x))) {
		api_error(x, 400, "rest_upload_no_content_disposition",
		          "No Content-Disposition supplied.");
		return;
	}
	if (!len) {
		api_error(x, 400, "rest_upload_no_data", "No data supplied.");
		return;
	}
	struct media m;
	char err[256];
	long long id = media_store(p->db, p->a, p->app->data_dir,
	                           (const unsigned char *)data, len,
	                           (size_t)p->app->settings.upload_max_bytes, x->user->id, &m, err,
	                           sizeof err);
	if (id < 0) {
		api_error(x, 400, "rest_upload_unknown_error", arena_strdup(p->a, err));
		return;
	}
	media_note_name(p->db, id, name);
	media_by_id(p->db, p->a, id, &m);
	x->b.len = 0;
	json_w_init(&x->w, &x->b);
	api_write_media(x, &m);
	api_send(x, 201);
	http_resp_header(p->resp, "Location",
	                 arena_printf(p->a, "%s/wp-json/wp/v2/media/%lld", x->base, id));
}

/* Who may change or delete an image: the desk's rule (admin_media.c):
** editors any, authors the ones they uploaded. */
static int media_may_change(const struct api *x, const struct media *m)
{
	return x->user->role >= ROLE_EDITOR ||
	       (x->user->role == ROLE_AUTHOR && m->uploaded_by == x->user->id);
}

/* A media text field: trimmed, checked as the desk's form checks it
** (text_check() against the model's limit).  *out the old value when
** absent.  0, or -1 with the error answered. */
static int media_text(struct api *x, struct fields *f, const char *name, size_t max,
                      const char *old, const char **out)
{
	int bad = 0;
	const char *v = field(f, name, &bad);
	*out = old ? old : "";
	if (bad) {
		api_invalid_param(x, name, arena_printf(x->p->a, "%s is not of type string.", name));
		return -1;
	}
	if (!v)
		return 0;
	size_t chars = 0;
	enum text_verdict verdict = text_check(v, strlen(v), max, &chars);
	if (verdict != TEXT_OK) {
		api_invalid_param(x, name, text_check_message(x->p->a, verdict, "This", max, chars));
		return -1;
	}
	*out = text_trim(x->p->a, v, strlen(v));
	return 0;
}

static void media_save_api(struct api *x, long long id)
{
	struct page *p = x->p;
	struct media m;
	if (media_by_id(p->db, p->a, id, &m) != 0) {
		api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
		return;
	}
	if (!media_may_change(x, &m)) {
		api_error(x, 403, "rest_cannot_edit", "Sorry, you are not allowed to edit this post. "
		                                      "(Authors change the images they uploaded; an "
		                                      "editor can change this one.)");
		return;
	}
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	const char *title, *caption, *alt, *description;
	if (media_text(x, &f, "title", MEDIA_MAX_TITLE, m.title, &title) < 0 ||
	    media_text(x, &f, "caption", MEDIA_MAX_CAPTION, m.caption, &caption) < 0 ||
	    media_text(x, &f, "alt_text", MEDIA_MAX_ALT, m.alt, &alt) < 0 ||
	    media_text(x, &f, "description", MEDIA_MAX_CAPTION, "", &description) < 0)
		return;
	if (*description) {
		/* Byline's images have a caption, a credit and alt text, not a
		** description: said, rather than dropped without a word. */
		api_invalid_param(x, "description", "Images here have no description: put the text "
		                                    "in caption (shown under the image) or alt_text "
		                                    "(read to those who cannot see it).");
		return;
	}
	if (media_update(p->db, id, title, caption, m.credit, m.copyright, alt) != 0 ||
	    media_by_id(p->db, p->a, id, &m) != 0) {
		api_error(x, 500, "rest_cannot_edit", "The image could not be saved; try again.");
		return;
	}
	x->edit = 1;
	api_write_media(x, &m);
	api_send(x, 200);
}

static void media_delete_api(struct api *x, long long id)
{
	struct page *p = x->p;
	struct media m;
	if (media_by_id(p->db, p->a, id, &m) != 0) {
		api_error(x, 404, "rest_post_invalid_id", "Invalid post ID.");
		return;
	}
	if (!media_may_change(x, &m)) {
		api_error(x, 403, "rest_cannot_delete", "Sorry, you are not allowed to delete this "
		                                        "post.");
		return;
	}
	const char *force = api_param(x, "force");
	if (!force || (strcmp(force, "true") && strcmp(force, "1"))) {
		/* WordPress's answer: media has no trash. */
		api_error(x, 501, "rest_trash_not_supported",
		          "The post does not support trashing. Set 'force=true' to delete.");
		return;
	}
	/* In use: refused as the desk refuses it, naming where (media_uses()). */
	size_t n;
	long long total;
	struct media_use *uses = media_uses(p->db, p->a, &m, 20, &n, &total);
	if (total > 0) {
		buf_reset(&x->b);
		json_w_init(&x->w, &x->b);
		json_obj(&x->w);
		json_kstr(&x->w, "code", "rest_media_in_use");
		json_kstr(&x->w, "message", arena_printf(p->a, "This image is in use (%lld place%s), so "
		                                         "it was not deleted. Remove it from the "
		                                         "articles and pages listed first, or replace "
		                                         "its file instead.", total,
		                                         total == 1 ? "" : "s"));
		json_key(&x->w, "data");
		json_obj(&x->w);
		json_kint(&x->w, "status", 409);
		json_key(&x->w, "used_in");
		json_arr(&x->w);
		for (size_t i = 0; i < n; i++) {
			json_obj(&x->w);
			json_kstr(&x->w, "kind", uses[i].kind);
			json_kint(&x->w, "id", uses[i].id);
			json_kstr(&x->w, "title", uses[i].title);
			json_kbool(&x->w, "featured", uses[i].is_featured);
			json_kbool(&x->w, "in_body", uses[i].in_body);
			json_obj_end(&x->w);
		}
		json_arr_end(&x->w);
		json_obj_end(&x->w);
		json_obj_end(&x->w);
		p->is_private = 1;
		api_send(x, 409);
		return;
	}
	/* The answer shows what was deleted, written before it goes. */
	struct buf prev = BUF_INIT;
	struct json_w pw = x->w;
	json_w_init(&x->w, &prev);
	x->edit = 1;
	api_write_media(x, &m);
	x->w = pw;
	char err[300];
	int rc = media_delete(p->db, p->a, p->app->data_dir, id, err, sizeof err);
	if (rc != 0) {
		buf_free(&prev);
		if (rc == 1)
			api_error(x, 409, "rest_media_in_use", "This image is in use, so it was not "
			                                       "deleted.");
		else
			api_error(x, 500, "rest_cannot_delete", arena_strdup(p->a, err));
		return;
	}
	buf_reset(&x->b);
	json_w_init(&x->w, &x->b);
	json_obj(&x->w);
	json_kbool(&x->w, "deleted", 1);
	json_key(&x->w, "previous");
	json_raw(&x->w, prev.data ? prev.data : "{}", prev.data ? prev.len : 2);
	json_obj_end(&x->w);
	buf_free(&prev);
	api_send(x, 200);
}

/* ---- settings (administrators) ---- */

/* POST /wp/v2/settings: each field WordPress names that Byline keeps,
** checked by the settings table's own rule (settings_check()) before any
** is saved, then saved together; other fields are ignored, as WordPress
** ignores options it does not register. */
static void settings_save_api(struct api *x)
{
	struct page *p = x->p;
	if (!api_settings_allowed(x))
		return;
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	const char **values = arena_alloc(p->a, api_n_settings * sizeof *values);
	for (size_t i = 0; i < api_n_settings; i++) {
		const struct api_setting *s = &api_settings[i];
		int bad = 0;
		const char *v = field(&f, s->wp, &bad);
		values[i] = NULL;
		if (!v && !bad)
			continue;
		const struct json_v *j = f.json ? json_member(f.json, s->wp) : NULL;
		if (bad || (j && s->type == API_SETTING_INTEGER && j->type != JSON_NUMBER) ||
		    (j && s->type != API_SETTING_INTEGER && j->type != JSON_STRING)) {
			api_invalid_param(x, s->wp, arena_printf(p->a, "%s is not of type %s.", s->wp,
			    s->type == API_SETTING_INTEGER ? "integer" : "string"));
			return;
		}
		if (s->type == API_SETTING_OPEN) {
			if (strcmp(v, "open") && strcmp(v, "closed")) {
				api_invalid_param(x, s->wp, arena_printf(p->a, "%s is not one of open, "
				                                             "closed.", s->wp));
				return;
			}
			v = !strcmp(v, "open") ? "1" : "0";
		} else if (s->type == API_SETTING_LOCALE) {
			char *l = arena_strdup(p->a, v);
			for (char *c = l; *c; c++)
				if (*c == '_')
					*c = '-';
			v = l;
		} else if (s->type == API_SETTING_URL) {
			size_t n = strlen(v);
			while (n && v[n - 1] == '/')
				n--;
			v = arena_strndup(p->a, v, n);
		}
		const struct setting_def *d = settings_def(s->key);
		char why[256];
		if (!d || settings_check(d, v, why, sizeof why) != 0) {
			api_invalid_param(x, s->wp, d ? arena_strdup(p->a, why) : "Not kept here.");
			return;
		}
		values[i] = v;
	}
	if (db_begin(p->db) != DB_OK) {
		api_error(x, 503, "rest_db_error", "The database is busy; send it again.");
		return;
	}
	for (size_t i = 0; i < api_n_settings; i++) {
		char err[512];
		if (values[i] && settings_set(p->db, api_settings[i].key, values[i], err,
		                              sizeof err) != 0) {
			db_rollback(p->db);
			api_error(x, 500, "rest_db_error", arena_strdup(p->a, err));
			return;
		}
	}
	if (db_commit(p->db) != DB_OK) {
		db_rollback(p->db);
		api_error(x, 503, "rest_db_error", "The settings could not be saved; try again.");
		return;
	}
	web_settings_changed(p->app);
	api_write_settings(x);
	api_send(x, 200);
}

/* ---- comments ---- */

static void comment_create(struct api *x)
{
	struct page *p = x->p;
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	int bad = 0;
	const char *post_s = field(&f, "post", &bad), *parent_s = field(&f, "parent", &bad);
	const char *content = field(&f, "content", &bad);
	const char *name = field(&f, "author_name", &bad), *email = field(&f, "author_email", &bad);
	const char *url = field(&f, "author_url", &bad);
	if (bad) {
		api_invalid_param(x, "body", "A field is not text.");
		return;
	}
	long long post = post_s ? atoll(post_s) : 0;
	struct article art;
	if (post <= 0 || article_by_id(p->db, p->a, post, &art) != 0 ||
	    art.status != ARTICLE_PUBLISHED) {
		api_error(x, 403, "rest_comment_invalid_post_id",
		          "Sorry, you are not allowed to create this comment without a post.");
		return;
	}
	if (!page_article_comments_open(p, &art)) {
		api_error(x, 403, "rest_comment_closed", "Sorry, comments are closed for this item.");
		return;
	}
	if (!content || !*content) {
		api_error(x, 400, "rest_comment_content_invalid", "Invalid comment content.");
		return;
	}
	struct comment_post cp = {
	    .article_id = post,
	    .parent_id = parent_s ? atoll(parent_s) : 0,
	    .name = x->user ? x->user->name : name,
	    .email = x->user ? x->user->email : email,
	    .url = url ? url : "",
	    .body = content,
	    .ip = p->req->remote_ip,
	    .user_agent = http_header(p->req, "User-Agent"),
	    .seconds_to_post = -1,
	    .user_id = x->user && x->user->role >= ROLE_CONTRIBUTOR ? x->user->id : 0,
	};
	if (!cp.name || !*cp.name || !cp.email || !*cp.email) {
		api_error(x, 400, "rest_comment_author_data_required",
		          "Creating a comment requires valid author name and email values.");
		return;
	}
	struct comment_outcome out;
	enum comment_result r = comment_submit(p->db, p->a, &p->app->settings, &cp, &out);
	if (r != COMMENT_STORED) {
		if (out.retry_after > 0)
			http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%lld", out.retry_after));
		const char *msg = out.message;
		for (int i = 0; !msg && i < COMMENT_N_FIELDS; i++)
			msg = out.errors[i];
		switch (r) {
		case COMMENT_TOO_SOON:
			api_error(x, 429, "comment_flood", msg ? msg : "You are posting comments too "
			                                              "quickly. Slow down.");
			break;
		case COMMENT_DUPLICATE:
			api_error(x, 409, "comment_duplicate", msg ? msg : "Duplicate comment detected; "
			                                                  "it looks as though you have "
			                                                  "already said that!");
			break;
		case COMMENT_UNAVAILABLE:
			api_error(x, 503, "rest_comment_failed_create", "Creating comment failed.");
			break;
		default:
			api_error(x, 400, "rest_comment_invalid", msg ? msg : "Invalid comment.");
		}
		return;
	}
	if (p->app->mailer && mailer_is_sending(p->app->mailer) &&
	    notify_comment(p->db, p->a, out.id, p->app->settings.site_title, x->base) > 0)
		mailer_wake(p->app->mailer);
	struct comment c;
	if (comment_get(p->db, p->a, out.id, &c) != 0) {
		api_error(x, 500, "rest_comment_failed_create", "Creating comment failed.");
		return;
	}
	x->edit = x->user && x->user->role >= ROLE_EDITOR;
	api_write_comment(x, &c);
	api_send(x, 201);
}

static void comment_moderate_api(struct api *x, long long id)
{
	struct page *p = x->p;
	/* The desk's rule (comment_can_moderate(): editors every comment,
	** authors those on their own articles), asked before the body is read. */
	if (!x->user) {
		api_error(x, 401, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment.");
		return;
	}
	struct comment c;
	if (comment_get(p->db, p->a, id, &c) != 0) {
		api_error(x, 404, "rest_comment_invalid_id", "Invalid comment ID.");
		return;
	}
	if (!comment_can_moderate(x->user->role, x->user->id, c.article_author_id)) {
		api_error(x, 403, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment.");
		return;
	}
	struct fields f;
	if (read_body(x, &f) < 0)
		return;
	int bad = 0;
	const char *st = field(&f, "status", &bad);
	if (st) {
		enum comment_status s = !strcmp(st, "approved") || !strcmp(st, "approve") ||
		                        !strcmp(st, "1") ? COMMENT_APPROVED
		                      : !strcmp(st, "hold") || !strcmp(st, "0") ? COMMENT_PENDING
		                      : !strcmp(st, "spam") ? COMMENT_SPAM
		                      : !strcmp(st, "trash") ? COMMENT_TRASH
		                      : COMMENT_STATUS_NONE;
		if (s == COMMENT_STATUS_NONE) {
			api_invalid_param(x, "status", "status is not one of approved, hold, spam, trash.");
			return;
		}
		if (comment_moderate(p->db, id, s) < 0) {
			api_error(x, 500, "rest_comment_failed_edit", "Updating comment failed.");
			return;
		}
	}
	comment_get(p->db, p->a, id, &c);
	x->edit = 1;
	api_write_comment(x, &c);
	api_send(x, 200);
}

/* ---- dispatch ---- */

static int route_id(const char *route, const char *name, long long *id)
{
	size_t n = strlen(name);
	*id = 0;
	if (strncmp(route, name, n))
		return 0;
	if (!route[n])
		return 1;
	if (route[n] != '/' || route[n + 1] < '1' || route[n + 1] > '9')
		return 0;
	char *end;
	*id = strtoll(route + n + 1, &end, 10);
	return !*end && end - (route + n + 1) <= 15;
}

void api_write(struct api *x, const char *method, const char *route)
{
	long long id;
	int post = !strcmp(method, "POST");
	int update = post || !strcmp(method, "PUT") || !strcmp(method, "PATCH");
	int del = !strcmp(method, "DELETE");
	if (route_id(route, "comments", &id) && !id && post) {
		comment_create(x); /* anonymous too, as the comment form */
		return;
	}
	if (!x->user) {
		api_error(x, 401, "rest_cannot_create",
		          "Sorry, you are not allowed to do that: send an application password "
		          "(HTTP Basic) from your profile. Session cookies are not accepted for "
		          "changes here.");
		return;
	}
	x->p->user = x->user; /* the desk's rules read who from the page */
	if (route_id(route, "posts", &id)) {
		if (!id && post)
			post_save(x, 0);
		else if (id && update)
			post_save(x, id);
		else if (id && del)
			post_delete(x, id);
		else
			goto no_route;
	} else if (route_id(route, "pages", &id)) {
		if ((!id && post) || (id && update))
			page_save_api(x, id);
		else if (id && del)
			page_delete_api(x, id);
		else
			goto no_route;
	} else if (route_id(route, "media", &id) && !id && post) {
		media_upload(x);
	} else if (route_id(route, "media", &id) && id && update) {
		media_save_api(x, id);
	} else if (route_id(route, "media", &id) && id && del) {
		media_delete_api(x, id);
	} else if (!strcmp(route, "settings") && update) {
		settings_save_api(x);
	} else if (route_id(route, "comments", &id) && id && update) {
		comment_moderate_api(x, id);
	} else {
		goto no_route;
	}
	return;
no_route:
	api_error(x, 404, "rest_no_route", "No route was found matching the URL and request "
	                                   "method.");
}
