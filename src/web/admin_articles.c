/*
** admin_articles.c: the writing desk: the article list, the editor, its
** preview, revisions and their diffs.
**
** Who may do what (WordPress's rules): contributors write drafts and submit
** them for review; authors also publish and schedule their own and upload
** images; editors do all of it to anyone's articles and may change the
** author.  The route table requires a signed-in contributor for every page
** here; the finer rules are admin_can_edit() / admin_can_publish().  The
** list (and its search, which reads bodies) shows contributors and authors
** only what they may open: their own articles and published ones.  Only
** editors and administrators write raw HTML (role_trust()); the body's
** trust is decided by article_body_role(), for the preview as for saving.
*/
#include "web/admin.h"
#include "web/embed.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/diff.h"
#include "core/text.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/article.h"
#include "model/copydesk_site.h"
#include "model/autosave.h"
#include "model/media.h"
#include "model/revision.h"
#include "model/taxonomy.h"
#include "render/markdown.h"
#include "render/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#define PER_PAGE 25
#define MAX_HEADLINE 300
#define MAX_DEK 1000
#define MAX_BODY (1024 * 1024)
#define MAX_TAGS 40


/* ---- the list ---- */

void admin_articles_list(struct page *p)
{
	struct arena *a = p->a;
	struct article_filter f;
	memset(&f, 0, sizeof f);
	f.status = article_status_parse(http_query(p->req, "status", NULL));
	long long v;
	const char *author = http_query(p->req, "author", NULL);
	if (author && text_int(author, 1, (long long)1 << 53, &v) == 0)
		f.author_id = v;
	const char *section = http_query(p->req, "section", NULL);
	if (section && text_int(section, 1, (long long)1 << 53, &v) == 0)
		f.section_id = v;
	const char *q = http_query(p->req, "q", NULL);
	if (q && (strlen(q) > 200 || !utf8_valid(q, strlen(q))))
		q = NULL;
	f.q = q;
	/* Contributors and authors see, and search, only what they may open:
	** their own articles and published ones (admin_article_preview()). */
	f.visible_to = p->user->role >= ROLE_EDITOR ? 0 : p->user->id;
	long long page = 1;
	const char *pg = http_query(p->req, "page", NULL);
	if (pg && text_int(pg, 1, 100000, &page) != 0)
		page = 1;
	f.offset = (page - 1) * PER_PAGE;
	f.limit = PER_PAGE;
	size_t n;
	long long total;
	struct article *list = article_list(p->db, a, &f, &n, &total);

	struct tv *ctx = admin_context(p, tr(p, "Articles"));
	struct tv *rows = tv_list(a);
	/* The copy desk's marks: findings of each article's last check. */
	long long *ids = arena_alloc(a, (n + 1) * sizeof *ids);
	long long *n_findings = arena_alloc(a, (n + 1) * sizeof *n_findings);
	for (size_t i = 0; i < n; i++)
		ids[i] = list[i].id;
	copydesk_counts(p->db, ids, n, n_findings);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "findings", n_findings[i]);
		tv_set_bool(a, r, "has_findings", n_findings[i] > 0);
		tv_set_str(a, r, "findings_text",
		           trn(p, "%lld finding", "%lld findings", n_findings[i]));
		tv_set_str(a, r, "headline", list[i].headline);
		tv_set_str(a, r, "status", tr(p, article_status_label(list[i].status)));
		tv_set_str(a, r, "status_key", article_status_name(list[i].status));
		tv_set_str(a, r, "author", list[i].author_name);
		tv_set_str(a, r, "section", list[i].section_name);
		long long when = list[i].published_at ? list[i].published_at : list[i].updated_at;
		tv_set_str(a, r, "date", site_date(p, (time_t)when));
		tv_set_str(a, r, "date_iso", text_date_iso(a, (time_t)when));
		int trashed = list[i].status == ARTICLE_TRASH;
		tv_set_bool(a, r, "can_edit", !trashed && admin_can_edit(p, &list[i]));
		tv_set_int(a, r, "id", list[i].id);
		tv_set_bool(a, r, "can_trash", !trashed && admin_can_edit(p, &list[i]));
		tv_set_bool(a, r, "can_unpublish", !trashed && admin_can_unpublish(p, &list[i]));
		tv_set_bool(a, r, "can_restore", trashed && admin_can_restore(p, &list[i]));
		tv_set_bool(a, r, "can_delete", trashed && p->user->role >= ROLE_ADMIN);
		tv_set_str(a, r, "edit_url", arena_printf(a, "/admin/articles/%lld/", list[i].id));
		if (list[i].status == ARTICLE_PUBLISHED)
			tv_set_str(a, r, "view_url", site_article_path(p, list[i].published_at,
			                                               list[i].slug));
		else
			tv_set_str(a, r, "view_url", arena_printf(a, "/admin/articles/%lld/preview",
			                                          list[i].id));
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "articles", rows);
	tv_set_bool(a, ctx, "has_articles", n > 0);
	tv_set_int(a, ctx, "total", total);
	tv_set_str(a, ctx, "total_text", trn(p, "%lld article.", "%lld articles.", total));
	/* Filters, with the current choice selected. */
	struct tv *st = tv_list(a);
	for (enum article_status s = ARTICLE_DRAFT; s <= ARTICLE_PRIVATE; s++) {
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "value", article_status_name(s));
		tv_set_str(a, o, "label", tr(p, article_status_label(s)));
		tv_set_bool(a, o, "selected", f.status == s);
		tv_push(a, st, o);
	}
	tv_set(a, ctx, "statuses", st);
	tv_set_bool(a, ctx, "trash_view", f.status == ARTICLE_TRASH);
	/* The trash holds what this user may see there: editors everyone's,
	** others their own (article_list()'s visible_to). */
	long long counts[ARTICLE_N_STATUSES + 1];
	article_counts(p->db, f.visible_to, counts);
	tv_set_int(a, ctx, "trash_count", counts[ARTICLE_TRASH]);
	size_t na;
	struct account *people = account_list(p->db, a, &na);
	struct tv *au = tv_list(a);
	for (size_t i = 0; i < na; i++) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", people[i].id);
		tv_set_str(a, o, "label", people[i].name);
		tv_set_bool(a, o, "selected", f.author_id == people[i].id);
		tv_push(a, au, o);
	}
	tv_set(a, ctx, "authors", au);
	size_t ns;
	struct term *secs = section_all(p->db, a, &ns);
	struct tv *sl = tv_list(a);
	for (size_t i = 0; i < ns; i++) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", secs[i].id);
		tv_set_str(a, o, "label", secs[i].name);
		tv_set_bool(a, o, "selected", f.section_id == secs[i].id);
		tv_push(a, sl, o);
	}
	tv_set(a, ctx, "section_options", sl);
	tv_set_str(a, ctx, "q", q ? q : "");
	long long pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	if (page < pages) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "/admin/articles/?page=%lld", page + 1);
		if (f.status) buf_printf(&b, "&status=%s", article_status_name(f.status));
		if (f.author_id) buf_printf(&b, "&author=%lld", f.author_id);
		if (f.section_id) buf_printf(&b, "&section=%lld", f.section_id);
		tv_set_str(a, ctx, "next_url", buf_cstr(&b));
		buf_free(&b);
	} else {
		tv_set_bool(a, ctx, "next_url", 0);
	}
	admin_render(p, 200, "admin_articles", ctx);
}

/* ---- the editor ---- */

/* What the editor shows: an article's values, or what was just sent. */
struct draft {
	long long id;            /* 0 for a new article */
	const char *headline, *slug, *dek, *body, *tags;
	enum article_status status; /* as sent; ARTICLE_STATUS_NONE if not a status */
	const char *date, *time; /* publish date and time, site time zone */
	long long section_id, author_id, media_id;
	const char *new_section; /* typed section name */
	const char *alt;         /* featured image alt text */
	int comments_open;
	int is_sticky;           /* pinned to the front page (editors set it) */
	const char *err_headline, *err_slug, *err_body, *err_alt, *err_date, *err_status;
	const char *message;     /* the form as a whole */
	const char *preview;     /* rendered body for Preview, or NULL */
	const struct finding *findings; /* the copy desk's, when checked (Check) */
	size_t n_findings;       /* entries in findings */
	int checked;             /* 1: findings are of this text (else the stored ones) */
	const struct article *saved; /* as stored, for the notes block; NULL if new */
	const char *note_kind, *note_text, *note_error; /* a refused note, as typed */
	long long updated_at;    /* the article's last save, 0 for a new one */
	int offer_autosave;      /* show the writer's newer autosave, if any */
	const char *notice;      /* a note above the form (restored text), or NULL */
};

static void draft_from_article(struct page *p, const struct article *art, struct draft *d)
{
	memset(d, 0, sizeof *d);
	d->id = art->id;
	d->headline = art->headline;
	d->slug = art->slug;
	d->dek = art->dek;
	d->body = art->body_src;
	d->tags = article_tag_list(p->db, p->a, art->id);
	d->status = art->status;
	d->section_id = art->section_id;
	d->author_id = art->author_id;
	d->media_id = art->featured_media_id;
	d->alt = art->featured_alt;
	d->comments_open = art->comments_open;
	d->is_sticky = art->is_sticky;
	d->saved = art;
	d->updated_at = art->updated_at;
	d->offer_autosave = 1;
	if (art->published_at) {
		struct tm tm;
		time_t t = (time_t)art->published_at;
		localtime_r(&t, &tm);
		d->date = arena_printf(p->a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		                       tm.tm_mday);
		d->time = arena_printf(p->a, "%02d:%02d", tm.tm_hour, tm.tm_min);
	}
}

static void show_editor(struct page *p, int status, const struct draft *d)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, d->id ? tr(p, "Edit article") : tr(p, "New article"));
	struct tv *f = tv_map(a);
	tv_set_int(a, f, "id", d->id);
	tv_set_str(a, f, "action", d->id ? arena_printf(a, "/admin/articles/%lld/", d->id)
	                                 : "/admin/articles/new");
	tv_set_str(a, f, "headline", d->headline);
	tv_set_str(a, f, "slug", d->slug);
	tv_set_str(a, f, "dek", d->dek);
	tv_set_str(a, f, "body", d->body);
	tv_set_str(a, f, "tags", d->tags);
	tv_set_str(a, f, "date", d->date);
	tv_set_str(a, f, "time", d->time);
	tv_set_str(a, f, "alt", d->alt);
	tv_set_str(a, f, "new_section", d->new_section);
	tv_set_bool(a, f, "comments_open", d->comments_open);
	tv_set_bool(a, f, "is_sticky", d->is_sticky);
	tv_set_bool(a, f, "can_pin", p->user->role >= ROLE_EDITOR);
	tv_set_str(a, f, "timezone", p->app->settings.timezone);
	if (d->updated_at)
		tv_set_str(a, f, "saved_when", admin_time(p, d->updated_at));
	else
		tv_set_bool(a, f, "saved_when", 0);
	struct tv *errs = tv_map(a);
#define ERR(k, v) if (v) tv_set_str(a, errs, k, v); else tv_set_bool(a, errs, k, 0)
	ERR("headline", d->err_headline);
	ERR("slug", d->err_slug);
	ERR("body", d->err_body);
	ERR("alt", d->err_alt);
	ERR("date", d->err_date);
	ERR("status", d->err_status);
#undef ERR
	tv_set(a, f, "errors", errs);
	if (d->message)
		tv_set_str(a, ctx, "error", d->message);
	if (d->notice)
		tv_set_str(a, ctx, "notice", d->notice);
	/* The writer's autosave, when newer than the article and not what the
	** form shows: offered with Restore (a link) and Dismiss (a form). */
	struct autosave as;
	if (d->offer_autosave && autosave_get(p->db, a, d->id, p->user->id, &as) == 0 &&
	    as.saved_at >= d->updated_at &&
	    (strcmp(as.headline, d->headline) || strcmp(as.dek, d->dek) ||
	     strcmp(as.body_src, d->body) || strcmp(as.tags, d->tags))) {
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "when", admin_time(p, as.saved_at));
		tv_set_str(a, o, "restore_url", d->id ? arena_printf(a, "/admin/articles/%lld/?autosave"
		                                                        "=restore", d->id)
		                                      : "/admin/articles/new?autosave=restore");
		tv_set_int(a, o, "article_id", d->id);
		tv_set(a, f, "autosave", o);
	} else {
		tv_set_bool(a, f, "autosave", 0);
	}
	if (d->preview)
		tv_set(a, f, "preview", tv_html(a, d->preview, strlen(d->preview)));
	else
		tv_set_bool(a, f, "preview", 0);

	/* Status choices this user may pick. */
	struct article probe;
	memset(&probe, 0, sizeof probe);
	probe.author_id = d->id ? d->author_id : p->user->id;
	int can_publish = admin_can_publish(p, &probe);
	struct tv *sts = tv_list(a);
	for (enum article_status s = ARTICLE_DRAFT; s <= ARTICLE_PRIVATE; s++) {
		if (s >= ARTICLE_SCHEDULED && !can_publish)
			continue;
		struct tv *o = tv_map(a);
		tv_set_str(a, o, "value", article_status_name(s));
		tv_set_str(a, o, "label", tr(p, article_status_label(s)));
		tv_set_bool(a, o, "selected", d->status == s);
		tv_push(a, sts, o);
	}
	tv_set(a, f, "statuses", sts);
	tv_set_bool(a, f, "can_publish", can_publish);

	size_t ns;
	struct term *secs = section_all(p->db, a, &ns);
	struct tv *sl = tv_list(a);
	for (size_t i = 0; i < ns; i++) {
		struct tv *o = tv_map(a);
		tv_set_int(a, o, "value", secs[i].id);
		tv_set_str(a, o, "label", secs[i].name);
		tv_set_bool(a, o, "selected", d->section_id == secs[i].id);
		tv_push(a, sl, o);
	}
	tv_set(a, f, "sections", sl);
	if (p->user->role >= ROLE_EDITOR) {
		size_t na;
		struct account *people = account_list(p->db, a, &na);
		struct tv *au = tv_list(a);
		for (size_t i = 0; i < na; i++) {
			struct tv *o = tv_map(a);
			tv_set_int(a, o, "value", people[i].id);
			tv_set_str(a, o, "label", people[i].name);
			tv_set_bool(a, o, "selected", (d->author_id ? d->author_id : p->user->id) ==
			                                  people[i].id);
			tv_push(a, au, o);
		}
		tv_set(a, f, "authors", au);
		tv_set_bool(a, f, "can_set_author", 1);
	} else {
		tv_set_bool(a, f, "can_set_author", 0);
	}
	tv_set_bool(a, f, "can_upload", p->user->role >= ROLE_AUTHOR);
	/* The featured image as chosen (admin_featured.mustache): its id
	** travels in a hidden field; the library's picker chooses it. */
	struct media cur;
	if (d->media_id && media_by_id(p->db, a, d->media_id, &cur) == 0) {
		struct tv *img = tv_map(a);
		tv_set_int(a, img, "id", cur.id);
		tv_set_str(a, img, "url", cur.url);
		tv_set_str(a, img, "thumb", media_thumb_url(a, &cur));
		tv_set_int(a, img, "width", cur.width);
		tv_set_int(a, img, "height", cur.height);
		tv_set_str(a, img, "name", *cur.title ? cur.title : cur.original_name);
		tv_set(a, f, "image", img);
		tv_set_int(a, f, "media_id", cur.id);
	} else {
		tv_set_bool(a, f, "image", 0);
		tv_set_str(a, f, "media_id", "");
	}
	if (d->id) {
		tv_set_str(a, f, "preview_url", arena_printf(a, "/admin/articles/%lld/preview", d->id));
		tv_set_str(a, f, "revisions_url", arena_printf(a, "/admin/articles/%lld/revisions/",
		                                               d->id));
		/* What the Webmentions sent on publishing found, per linked page. */
		if (d->status == ARTICLE_PUBLISHED)
			tv_set_str(a, f, "mentions_url",
			           arena_printf(a, "/admin/comments/webmentions/?article=%lld", d->id));
	}
	admin_byline_context(p, f, d->id, d->id ? d->author_id : p->user->id);
	admin_notes_context(p, f, d->saved, d->note_kind, d->note_text, d->note_error);
	/* The copy desk: this text's findings after Check, else the last save's. */
	const struct finding *fs = d->findings;
	size_t nf = d->n_findings;
	if (!d->checked && d->id)
		fs = copydesk_stored(p->db, a, d->id, &nf);
	admin_findings_context(p, f, fs, nf, d->headline, d->dek, d->body, d->checked);
	tv_set(a, ctx, "form", f);
	/* Links that stay links, and why (embed.h). */
	struct buf why = BUF_INIT;
	embed_notes(p, d->body, &why);
	struct tv *notes = tv_list(a);
	for (char *save = NULL, *line = strtok_r(why.len ? why.data : (char[]){0}, "\n", &save);
	     line; line = strtok_r(NULL, "\n", &save)) {
		struct tv *it = tv_map(a);
		tv_set_str(a, it, "text", arena_strdup(a, line));
		tv_push(a, notes, it);
	}
	tv_set(a, ctx, "embed_notes", notes);
	buf_free(&why);
	admin_render(p, status, "admin_editor", ctx);
}

void admin_article_show_note_error(struct page *p, int status, const struct article *art,
                                   const char *kind, const char *text, const char *error)
{
	struct draft d;
	draft_from_article(p, art, &d);
	d.note_kind = kind;
	d.note_text = text;
	d.note_error = error;
	d.message = art->status == ARTICLE_PUBLISHED ? tr(p, "The note was not added: see below.") : error;
	show_editor(p, status, &d);
}

/* With ?autosave=restore, the writer's autosave replaces the text fields
** (not saved: the writer reads it and presses Save). */
static void restore_autosave(struct page *p, struct draft *d)
{
	const char *q = http_query(p->req, "autosave", NULL);
	struct autosave as;
	if (!q || strcmp(q, "restore") != 0 ||
	    autosave_get(p->db, p->a, d->id, p->user->id, &as) != 0)
		return;
	d->headline = as.headline;
	d->dek = as.dek;
	d->body = as.body_src;
	d->tags = as.tags;
	d->offer_autosave = 0;
	d->notice = trf(p, "The autosave of %s is restored below. It is not saved yet: check it, "
	                   "then press Save.", admin_time(p, as.saved_at));
}

void admin_article_new(struct page *p)
{
	struct draft d;
	memset(&d, 0, sizeof d);
	d.status = ARTICLE_DRAFT;
	d.comments_open = p->app->settings.comments_open;
	d.headline = d.slug = d.dek = d.body = d.tags = "";
	d.offer_autosave = 1;
	restore_autosave(p, &d);
	show_editor(p, 200, &d);
}

/* The article named by the route, if this user may edit it; else answers. */
static int load_editable(struct page *p, struct article *art)
{
	long long id = admin_param_id(p, 0);
	if (!id || article_by_id(p->db, p->a, id, art) != 0) {
		site_not_found(p);
		return -1;
	}
	if (art->status == ARTICLE_TRASH) {
		site_error(p, 409, tr(p, "This article is in the trash"),
		           tr(p, "Restore it from the trash (Articles, Trash) before changing it."));
		return -1;
	}
	if (!admin_can_edit(p, art)) {
		site_forbidden(p, p->user->role == ROLE_CONTRIBUTOR && art->author_id == p->user->id
		                      ? tr(p, "This article has been published or scheduled; only an "
		                              "editor can change it now.")
		                      : tr(p, "You can edit only your own articles."));
		return -1;
	}
	return 0;
}

void admin_article_edit(struct page *p)
{
	struct article art;
	if (load_editable(p, &art) != 0)
		return;
	struct draft d;
	draft_from_article(p, &art, &d);
	restore_autosave(p, &d);
	show_editor(p, 200, &d);
}


static void draft_from_form(struct page *p, struct draft *d)
{
	memset(d, 0, sizeof *d);
	d->id = admin_param_id(p, 0);
	const char *unused = NULL;
	d->headline = text_trim(p->a, admin_field(p, "headline", MAX_HEADLINE, &d->err_headline),
	                        strlen(admin_field(p, "headline", MAX_HEADLINE, &unused)));
	d->slug = text_trim(p->a, admin_field(p, "slug", 200, &d->err_slug),
	                    strlen(admin_field(p, "slug", 200, &unused)));
	d->dek = admin_field(p, "dek", MAX_DEK, &d->message);
	d->body = admin_field(p, "body", MAX_BODY, &d->err_body);
	d->tags = admin_field(p, "tags", 2000, &d->message);
	d->status = article_status_parse(http_form(p->req, "status", NULL));
	d->date = admin_field(p, "publish_date", 10, &d->err_date);
	d->time = admin_field(p, "publish_time", 5, &d->err_date);
	d->alt = text_trim(p->a, admin_field(p, "featured_alt", 500, &d->err_alt),
	                   strlen(admin_field(p, "featured_alt", 500, &unused)));
	d->new_section = text_trim(p->a, admin_field(p, "new_section", 100, &d->message),
	                           strlen(admin_field(p, "new_section", 100, &unused)));
	long long v;
	const char *sec = http_form(p->req, "section", NULL);
	if (sec && text_int(sec, 1, (long long)1 << 53, &v) == 0)
		d->section_id = v;
	const char *au = http_form(p->req, "author", NULL);
	if (au && text_int(au, 1, (long long)1 << 53, &v) == 0)
		d->author_id = v;
	const char *media = http_form(p->req, "featured_media", NULL);
	if (media && text_int(media, 1, (long long)1 << 53, &v) == 0)
		d->media_id = v;
	d->comments_open = http_form(p->req, "comments_open", NULL) != NULL;
	d->is_sticky = http_form(p->req, "is_sticky", NULL) != NULL;
	if (p->req->form_error)
		d->message = p->req->form_error;
}

void admin_article_refuse(struct page *p, int status, const char *why)
{
	if (!p->user) {
		/* The session ended while they typed: the sign-in form carries
		** the fields and gives the editor back after (admin_login.c). */
		admin_login_carry(p, status, why);
		return;
	}
	struct draft d;
	draft_from_form(p, &d);
	d.message = why;
	show_editor(p, status, &d);
}

/* A field of a lapsed session's editor form within its autosave limit, or
** NULL (over it, or not text). */
static const char *lapsed_field(struct page *p, const char *name, size_t max)
{
	size_t len = 0, chars;
	const char *v = http_form(p->req, name, &len);
	if (!v)
		return "";
	return text_check(v, len, max, &chars) == TEXT_OK ? v : NULL;
}

void admin_article_lapsed(struct page *p)
{
	/* The writer's rights, for admin_can_edit() alone: the request is not
	** signed in and nothing else here may act for them. */
	struct page as = *p;
	as.user = p->lapsed_user;
	long long id = admin_param_id(p, 0);
	struct article art;
	if (id && (article_by_id(p->db, p->a, id, &art) != 0 || art.status == ARTICLE_TRASH ||
	           !admin_can_edit(&as, &art))) {
		admin_login_carry(p, 403, NULL); /* as any signed-out form: nothing kept */
		return;
	}
	struct autosave s = {.article_id = id, .user_id = p->lapsed_user->id};
	if (p->req->form_error ||
	    !(s.headline = lapsed_field(p, "headline", AUTOSAVE_MAX_HEADLINE)) ||
	    !(s.dek = lapsed_field(p, "dek", AUTOSAVE_MAX_DEK)) ||
	    !(s.body_src = lapsed_field(p, "body", AUTOSAVE_MAX_BODY)) ||
	    !(s.tags = lapsed_field(p, "tags", AUTOSAVE_MAX_TAGS)) ||
	    (!*s.headline && !*s.dek && !*s.body_src) ||
	    autosave_put(p->db, &s, (long long)time(NULL)) != 0) {
		admin_login_carry(p, 403, NULL);
		return;
	}
	const char *editor = id ? arena_printf(p->a, "/admin/articles/%lld/", id)
	                        : "/admin/articles/new";
	admin_login_kept(p, p->lapsed_user->email,
	                 arena_printf(p->a, "%s?autosave=restore", editor));
}

void admin_article_resume(struct page *p, long long id)
{
	struct draft d;
	draft_from_form(p, &d);
	d.id = id;
	if (id) {
		struct article art;
		if (article_by_id(p->db, p->a, id, &art) != 0) {
			site_not_found(p);
			return;
		}
		if (!admin_can_edit(p, &art)) {
			site_forbidden(p, tr(p, "You are signed in, but this account cannot edit that "
			                        "article. What was typed is below."));
			return;
		}
		d.updated_at = art.updated_at;
	}
	d.message = NULL;
	if (!d.status)
		d.status = ARTICLE_DRAFT;
	d.notice = tr(p, "You are signed in again. What you typed is below and is not saved yet: "
	                 "check it, then press Save.");
	show_editor(p, 200, &d);
}

/* Splits "a, b, c" into trimmed names.  Returns the count. */
static size_t split_tags(struct page *p, const char *text, const char **out, size_t max)
{
	char *t = arena_strdup(p->a, text);
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(t, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save)) {
		char *name = text_trim(p->a, tok, strlen(tok));
		if (*name && strlen(name) <= 100)
			out[n++] = name;
	}
	return n;
}

/* The picker's choice, applied to the draft it carried: insert_media=ID
** appends the image's Markdown to the body (without JavaScript there is
** no cursor to insert at); a featured image chosen with no alt text typed
** takes the library's. */
static void resume_from_picker(struct page *p, struct draft *d)
{
	struct arena *a = p->a;
	long long id;
	struct media m;
	const char *ins = http_form(p->req, "insert_media", NULL);
	if (ins && text_int(ins, 1, (long long)1 << 53, &id) == 0 &&
	    media_by_id(p->db, a, id, &m) == 0) {
		char *alt = arena_strdup(a, m.alt);
		for (char *c = alt; *c; c++)
			if (*c == '[' || *c == ']' || *c == '\n' || *c == '\r')
				*c = ' ';
		size_t n = strlen(d->body);
		const char *sep = n == 0 ? "" : n && d->body[n - 1] == '\n' ? "\n" : "\n\n";
		const char *body = arena_printf(a, "%s%s![%s](%s)\n", d->body, sep, alt, m.url);
		if (strlen(body) <= MAX_BODY)
			d->body = body;
		else
			d->err_body = tr(p, "The body is at its length limit: the image was not inserted.");
	}
	if (d->media_id && !*d->alt && media_by_id(p->db, a, d->media_id, &m) == 0)
		d->alt = m.alt;
	d->err_headline = d->err_status = d->err_date = NULL;
}

void admin_article_save(struct page *p)
{
	struct arena *a = p->a;
	struct draft d;
	draft_from_form(p, &d);
	/* A slug typed with capitals, spaces or punctuation is tidied into
	** one (as WordPress does), and the editor shows what it became. */
	int slug_tidied = 0;
	if (!d.err_slug && *d.slug && !text_is_slug_utf8(d.slug)) {
		const char *tidy = text_slug_any(a, d.slug);
		if (*tidy && text_is_slug_utf8(tidy)) {
			d.slug = tidy;
			slug_tidied = 1;
		} else {
			d.err_slug = tr(p, "A slug needs at least one letter or digit.");
		}
	}
	struct article old;
	int had = 0;
	if (d.id) {
		if (load_editable(p, &old) != 0)
			return;
		had = 1;
		d.saved = &old;
	}
	const char *action = http_form(p->req, "action", NULL);
	int preview = action && !strcmp(action, "preview");
	int check = action && !strcmp(action, "check"); /* the copy desk, without saving */
	/* Back from the media picker (admin_media.c), with what was typed and
	** the image chosen: shown again, nothing saved. */
	int resume = action && !strcmp(action, "resume");
	/* "Remove" beside the featured image (without JavaScript): the same. */
	int unfeature = action && !strcmp(action, "remove_featured");
	if (unfeature) {
		d.media_id = 0;
		d.alt = "";
		d.err_headline = d.err_status = d.err_date = NULL;
		show_editor(p, 200, &d);
		return;
	}
	/* A new featured image, uploaded with the form: stored whichever
	** button sent it, so that Preview (or the picker) keeps it as the
	** chosen image's id in the form it shows again. */
	const struct http_part *file = http_file(p->req, "featured_file");
	if (file) {
		if (p->user->role < ROLE_AUTHOR) {
			d.message = tr(p, "Contributors cannot upload images; an editor can add one.");
		} else {
			struct media m;
			char err[256];
			long long mid = media_store(p->db, a, p->app->data_dir,
			                            (const unsigned char *)file->data, file->len,
			                            (size_t)p->app->settings.upload_max_bytes,
			                            p->user->id, &m, err, sizeof err);
			if (mid < 0) {
				d.err_alt = arena_strdup(a, err);
			} else {
				if (!m.existed)
					media_note_name(p->db, mid, file->filename);
				d.media_id = mid;
				if (!*d.alt && *m.alt)
					d.alt = m.alt;
			}
		}
	}
	if (resume) {
		resume_from_picker(p, &d);
		show_editor(p, 200, &d);
		return;
	}

	if (!d.err_headline && !*d.headline)
		d.err_headline = tr(p, "Please write a headline.");
	if (!d.status)
		d.status = ARTICLE_DRAFT;
	/* The bar's Publish button publishes (or schedules, with a future
	** date); a contributor's "Submit for review" asks for review. */
	if (action && !strcmp(action, "publish"))
		d.status = ARTICLE_PUBLISHED;
	else if (action && !strcmp(action, "submit"))
		d.status = ARTICLE_PENDING;
	/* Who may set which status. */
	struct article probe;
	memset(&probe, 0, sizeof probe);
	probe.author_id = had ? old.author_id : p->user->id;
	int can_publish = admin_can_publish(p, &probe);
	if (!can_publish && (d.status == ARTICLE_SCHEDULED || d.status == ARTICLE_PUBLISHED ||
	                     d.status == ARTICLE_PRIVATE)) {
		d.err_status = tr(p, "Contributors cannot publish, schedule or make private: choose "
		                     "“Pending review” to submit the article to an editor.");
		d.status = ARTICLE_PENDING;
	}
	long long author = had ? old.author_id : p->user->id;
	if (p->user->role >= ROLE_EDITOR && d.author_id) {
		struct account who;
		if (account_by_id(p->db, a, d.author_id, &who) == 0)
			author = who.id;
	}
	d.author_id = author;
	/* The publication time, in the site's zone. */
	long long when = 0;
	if (*d.date) {
		time_t t;
		const char *text = *d.time ? arena_printf(a, "%s %s", d.date, d.time) : d.date;
		if (text_parse_date(text, &t) != 0)
			d.err_date = tr(p, "Write the date as YYYY-MM-DD and the time as HH:MM.");
		else
			when = (long long)t;
	}
	long long now = (long long)time(NULL);
	if (d.status == ARTICLE_SCHEDULED) {
		if (!when && !d.err_date)
			d.err_date = tr(p, "Choose the date and time to publish at.");
		else if (when && when <= now)
			d.status = ARTICLE_PUBLISHED; /* a time already past publishes now */
	} else if (d.status == ARTICLE_PUBLISHED && when > now + 60) {
		d.status = ARTICLE_SCHEDULED; /* a future date waits for it, as in WordPress */
	}
	if (d.status == ARTICLE_PUBLISHED && !when)
		when = had && old.published_at && old.status == ARTICLE_PUBLISHED ? old.published_at
		                                                                   : now;
	if (d.media_id && !*d.alt && !d.err_alt)
		d.err_alt = tr(p, "Please describe the image for readers who cannot see it (alt text).");
	if (check) {
		/* The checks a save runs, on the text as typed; nothing is stored. */
		struct article typed;
		memset(&typed, 0, sizeof typed);
		typed.id = d.id;
		typed.headline = d.headline;
		typed.dek = d.dek;
		typed.body_src = d.body;
		typed.published_at = when ? when : had ? old.published_at : 0;
		typed.featured_media_id = d.media_id;
		typed.featured_alt = d.alt;
		struct copydesk_site *cs = copydesk_site_load(p->db, a, &p->app->settings);
		d.findings = copydesk_site_check(cs, a, &typed, now, &d.n_findings);
		d.checked = 1;
		show_editor(p, 200, &d);
		return;
	}
	if (preview) {
		/* Rendered as saving would: an unchanged body keeps its writer's
		** trust, a changed one gets this user's. */
		struct buf html = BUF_INIT;
		enum role role = article_body_role(had ? &old : NULL, d.body, p->user->role);
		markdown_render(&html, d.body, strlen(d.body), role_trust(role));
		d.preview = arena_strdup(a, buf_cstr(&html));
		buf_free(&html);
		show_editor(p, 200, &d);
		return;
	}
	if (d.err_headline || d.err_slug || d.err_body || d.err_alt || d.err_date || d.err_status ||
	    d.message) {
		if (!d.message)
			d.message = tr(p, "The article was not saved yet: please check the fields marked below.");
		show_editor(p, 422, &d);
		return;
	}
	long long section = d.section_id;
	if (*d.new_section) {
		section = section_ensure(p->db, a, d.new_section);
		if (section < 0)
			section = 0;
	}
	const char *tags[MAX_TAGS];
	size_t n_tags = split_tags(p, d.tags, tags, MAX_TAGS);
	struct article_input in = {
	    .headline = d.headline,
	    .slug = *d.slug ? d.slug : NULL,
	    .dek = d.dek,
	    .body_src = d.body,
	    .status = d.status,
	    .published_at = when,
	    .author_id = author,
	    .section_id = section,
	    .tags = tags,
	    .n_tags = n_tags,
	    .featured_media_id = d.media_id,
	    .featured_alt = d.alt,
	    .comments_open = d.comments_open,
	    /* Pinning is an editor's choice (WordPress: edit_others_posts). */
	    .is_sticky = p->user->role >= ROLE_EDITOR ? d.is_sticky : had && old.is_sticky,
	    .role = p->user->role,
	};
	char err[300];
	long long id = article_save(p->db, a, d.id, &in, p->user->id, err, sizeof err);
	if (id >= 0 && admin_byline_save(p, id, err, sizeof err) != 0) {
		d.id = id;
		d.message = arena_strdup(a, err);
		show_editor(p, 422, &d);
		return;
	}
	if (id < 0) {
		if (strstr(err, "slug"))
			d.err_slug = arena_strdup(a, err);
		else
			d.message = arena_strdup(a, err);
		show_editor(p, 422, &d);
		return;
	}
	/* Saved: the writer's autosave of it (or of the new article) is spent. */
	autosave_delete(p->db, d.id, p->user->id);
	if (!d.id)
		autosave_delete(p->db, id, p->user->id);
	/* The copy desk checks what was saved (findings warn, never block). */
	copydesk_recheck(p->db, &p->app->settings, id, now);
	/* Links alone on a line become embeds when their provider answers
	** with a player we accept; the editor is told of the others. */
	struct buf embed_why = BUF_INIT;
	embed_refresh(p, d.body, &embed_why);
	int embeds_refused = embed_why.len > 0;
	buf_free(&embed_why);
	const char *notice = embeds_refused ? "embed-refused"
	                   : slug_tidied ? "slug-tidied"
	                   : d.status == ARTICLE_PUBLISHED ? "published"
	                   : d.status == ARTICLE_SCHEDULED ? "scheduled"
	                   : d.status == ARTICLE_PENDING ? "submitted" : "saved";
	admin_done(p, arena_printf(a, "/admin/articles/%lld/", id), notice);
}

/* ---- preview and revisions ---- */

void admin_article_preview(struct page *p)
{
	long long id = admin_param_id(p, 0);
	struct article art;
	if (!id || article_by_id(p->db, p->a, id, &art) != 0) {
		site_not_found(p);
		return;
	}
	if (!admin_can_edit(p, &art) && art.status != ARTICLE_PUBLISHED &&
	    p->user->role < ROLE_EDITOR && art.author_id != p->user->id) {
		site_forbidden(p, tr(p, "You can preview only your own articles."));
		return;
	}
	if (!art.published_at)
		art.published_at = art.updated_at;
	p->is_private = 1;
	page_article_render(p, &art, NULL, 200);
	http_resp_header(p->resp, "X-Robots-Tag", "noindex");
}

void admin_revisions_list(struct page *p)
{
	struct article art;
	if (load_editable(p, &art) != 0)
		return;
	struct arena *a = p->a;
	size_t n;
	struct revision *revs = revision_list(p->db, a, art.id, &n);
	struct tv *ctx = admin_context(p, tr(p, "Revisions"));
	tv_set_str(a, ctx, "headline", art.headline);
	tv_set_str(a, ctx, "edit_url", arena_printf(a, "/admin/articles/%lld/", art.id));
	struct tv *rows = tv_list(a);
	const char *base = arena_printf(a, "/admin/articles/%lld/", art.id);
	for (size_t i = 0; i < n; i++)
		tv_push(a, rows, admin_revision_row(p, base, revs[i].id, revs[i].user_name,
		                                    revs[i].created_at, revs[i].headline,
		                                    tr(p, article_status_label(revs[i].status)), i == 0));
	tv_set(a, ctx, "revisions", rows);
	admin_render(p, 200, "admin_revisions", ctx);
}

static int cmp_names(const void *x, const void *y)
{
	return strcasecmp(*(const char *const *)x, *(const char *const *)y);
}

/* A tag list as a set: trimmed names, sorted, one a line, for a diff in
** which re-ordering tags is no change. */
static const char *tag_set(struct page *p, const char *text)
{
	const char *names[MAX_TAGS];
	size_t n = split_tags(p, text, names, MAX_TAGS);
	qsort(names, n, sizeof *names, cmp_names);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcasecmp(names[i], names[i - 1]) != 0)
			buf_printf(&b, "%s\n", names[i]);
	const char *out = arena_strdup(p->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *section_name(struct page *p, struct term *secs, size_t n, long long id)
{
	if (!id)
		return tr(p, "(none)");
	for (size_t i = 0; i < n; i++)
		if (secs[i].id == id)
			return secs[i].name;
	return tr(p, "(a section since deleted)");
}

/* The featured image as the revision view shows it, or false. */
static struct tv *image_view(struct page *p, long long media_id, const char *alt)
{
	struct media m;
	if (!media_id || media_by_id(p->db, p->a, media_id, &m) != 0) {
		struct tv *none = tv_map(p->a);
		tv_set_bool(p->a, none, "url", 0);
		tv_set_str(p->a, none, "label", media_id ? tr(p, "(an image since deleted)") : tr(p, "(none)"));
		return none;
	}
	struct tv *v = tv_map(p->a);
	tv_set_str(p->a, v, "url", m.url);
	tv_set_int(p->a, v, "width", m.width);
	tv_set_int(p->a, v, "height", m.height);
	tv_set_str(p->a, v, "alt", alt);
	tv_set_str(p->a, v, "label", arena_printf(p->a, "%u×%u", m.width, m.height));
	return v;
}

void admin_revision_show(struct page *p)
{
	struct article art;
	if (load_editable(p, &art) != 0)
		return;
	struct arena *a = p->a;
	struct revision rev;
	if (revision_by_id(p->db, a, art.id, admin_param_id(p, 1), &rev) != 0) {
		site_not_found(p);
		return;
	}
	struct tv *ctx = admin_revision_context(p, arena_printf(a, "/admin/articles/%lld/", art.id),
	                                        rev.id, rev.user_name, rev.created_at,
	                                        art.headline);
	/* The diff from this revision to the article as it is now: every
	** field Restore changes. */
	struct tv *blocks = tv_list(a);
	admin_diff_add(p, blocks, tr(p, "Headline"), rev.headline, art.headline);
	admin_diff_add(p, blocks, tr(p, "Slug"), rev.slug, art.slug);
	admin_diff_add(p, blocks, tr(p, "Standfirst"), rev.dek, art.dek);
	size_t ns;
	struct term *secs = section_all(p->db, a, &ns);
	admin_diff_add(p, blocks, tr(p, "Section"), section_name(p, secs, ns, rev.section_id),
	         section_name(p, secs, ns, art.section_id));
	admin_diff_add(p, blocks, tr(p, "Tags"), tag_set(p, rev.tags),
	         tag_set(p, article_tag_list(p->db, a, art.id)));
	admin_diff_add(p, blocks, tr(p, "Featured image alt text"), rev.featured_alt, art.featured_alt);
	admin_diff_add(p, blocks, tr(p, "Body"), rev.body_src, art.body_src);
	int image_changed = rev.featured_media_id != art.featured_media_id;
	if (image_changed) {
		struct tv *img = tv_map(a);
		tv_set(a, img, "then", image_view(p, rev.featured_media_id, rev.featured_alt));
		tv_set(a, img, "now", image_view(p, art.featured_media_id, art.featured_alt));
		tv_set(a, ctx, "image", img);
	} else {
		tv_set_bool(a, ctx, "image", 0);
	}
	tv_set(a, ctx, "blocks", blocks);
	tv_set_bool(a, ctx, "same", blocks->len == 0 && !image_changed);
	admin_render(p, 200, "admin_revision", ctx);
}

void admin_revision_restore(struct page *p)
{
	struct article art;
	if (load_editable(p, &art) != 0)
		return;
	struct arena *a = p->a;
	struct revision rev;
	if (revision_by_id(p->db, a, art.id, admin_param_id(p, 1), &rev) != 0) {
		site_not_found(p);
		return;
	}
	const char *tags[MAX_TAGS];
	size_t n_tags = split_tags(p, rev.tags, tags, MAX_TAGS);
	/* The restored text; the article keeps its current status and time. */
	struct article_input in = {
	    .headline = rev.headline,
	    .slug = rev.slug,
	    .dek = rev.dek,
	    .body_src = rev.body_src,
	    .status = art.status,
	    .published_at = art.published_at,
	    .author_id = art.author_id,
	    .section_id = rev.section_id,
	    .tags = tags,
	    .n_tags = n_tags,
	    .featured_media_id = rev.featured_media_id,
	    .featured_alt = rev.featured_alt,
	    .comments_open = art.comments_open,
	    .is_sticky = art.is_sticky,
	    .role = p->user->role,
	};
	char err[300];
	if (article_save(p->db, a, art.id, &in, p->user->id, err, sizeof err) < 0) {
		site_error(p, 409, tr(p, "The revision could not be restored"), err);
		return;
	}
	admin_done(p, arena_printf(a, "/admin/articles/%lld/", art.id), "restored");
}

/* ---- trash, restore, unpublish, delete for good ---- */

/* The article named by the route (any status), or answers 404. */
static int load_any(struct page *p, struct article *art)
{
	long long id = admin_param_id(p, 0);
	if (!id || article_by_id(p->db, p->a, id, art) != 0) {
		site_not_found(p);
		return -1;
	}
	return 0;
}

/* Where to go back to after an action from the list: the list. */
static const char *back(struct page *p, int to_trash)
{
	(void)p;
	return to_trash ? "/admin/articles/?status=trash" : "/admin/articles/";
}

/* Answers a database failure of an action. */
static void busy(struct page *p)
{
	site_error(p, 503, tr(p, "The desk is busy"), tr(p, "Nothing was changed. Please try again."));
}

void admin_article_trash(struct page *p)
{
	struct article art;
	if (load_any(p, &art) != 0)
		return;
	if (art.status == ARTICLE_TRASH) {
		admin_done(p, back(p, 1), "trashed-article");
		return;
	}
	if (!admin_can_edit(p, &art)) {
		site_forbidden(p, tr(p, "You may move to the trash only the articles you may edit."));
		return;
	}
	int rc = article_trash(p->db, art.id, (long long)time(NULL));
	if (rc < 0)
		busy(p);
	else
		admin_done(p, back(p, 0), "trashed-article");
}

void admin_article_restore(struct page *p)
{
	struct article art;
	if (load_any(p, &art) != 0)
		return;
	if (art.status != ARTICLE_TRASH) {
		site_error(p, 409, tr(p, "This article is not in the trash"), tr(p, "There is nothing to restore."));
		return;
	}
	if (!admin_can_restore(p, &art)) {
		site_forbidden(p, tr(p, "Only an editor, or the article's author if an author, may restore "
		                        "it."));
		return;
	}
	if (article_restore(p->db, art.id) < 0)
		busy(p);
	else
		admin_done(p, back(p, 1), "restored-article");
}

void admin_article_unpublish(struct page *p)
{
	struct article art;
	if (load_any(p, &art) != 0)
		return;
	if (art.status != ARTICLE_PUBLISHED && art.status != ARTICLE_SCHEDULED) {
		site_error(p, 409, tr(p, "This article is not published"),
		           tr(p, "Only a published or scheduled article can be unpublished."));
		return;
	}
	if (!admin_can_unpublish(p, &art)) {
		site_forbidden(p, tr(p, "You may unpublish only the articles you may publish."));
		return;
	}
	if (article_unpublish(p->db, art.id, (long long)time(NULL)) < 0)
		busy(p);
	else
		admin_done(p, back(p, 0), "unpublished");
}

void admin_article_delete(struct page *p)
{
	struct article art;
	if (load_any(p, &art) != 0)
		return;
	if (art.status != ARTICLE_TRASH) {
		site_error(p, 409, tr(p, "Move it to the trash first"),
		           tr(p, "An article is deleted for good only from the trash."));
		return;
	}
	if (article_delete(p->db, art.id) < 0)
		busy(p);
	else
		admin_done(p, back(p, 1), "deleted");
}
