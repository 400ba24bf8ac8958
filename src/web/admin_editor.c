/*
** admin_editor.c: what the editor's script talks to, and the parts of the
** editor that outlive a page: the autosave (model/autosave.h) and the
** offer to restore it, the live preview of unsaved fields in the site's own
** article template, a fresh form token after signing in again, and the
** editor given back after a sign-in that carried the typed fields.
**
** Every POST here needs a signed-in contributor and the session's token
** (the route table); what the writer may touch is admin_can_edit()'s
** rule, as for saving.  The preview renders a body with the trust saving
** would give it (article_body_role()), so a contributor's raw HTML is
** neutralised here as on the site.  Answers to the script are JSON; the
** dispatcher's refusals (signed out, stale token) are 403 pages, which the
** script reads as "sign in again".
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/article.h"
#include "model/autosave.h"
#include "model/media.h"
#include "model/page.h"
#include "model/session.h"
#include "render/markdown.h"

#include <string.h>
#include <time.h>

/* Answers a JSON object (members already escaped by the caller). */
static void json_reply(struct page *p, int status, const char *members)
{
	p->is_private = 1;
	p->resp->status = status;
	p->resp->content_type = "application/json; charset=utf-8";
	http_resp_header(p->resp, "Cache-Control", "no-store");
	buf_printf(&p->resp->body, "{%s}\n", members);
}

static void json_error(struct page *p, int status, const char *why)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "\"error\":\"");
	esc_json_s(&b, why);
	buf_puts(&b, "\"");
	json_reply(p, status, arena_strdup(p->a, buf_cstr(&b)));
	buf_free(&b);
}

/* The article id sent as `article_id` ("" or "0": a new article), or -1. */
static long long sent_article_id(struct page *p)
{
	const char *v = http_form(p->req, "article_id", NULL);
	long long id = 0;
	if (!v || !*v || !strcmp(v, "0"))
		return 0;
	return text_int(v, 1, (long long)1 << 53, &id) == 0 ? id : -1;
}

/* Loads article id into art if this writer may edit it; else answers with
** a JSON error and returns -1. */
static int editable_json(struct page *p, long long id, struct article *art)
{
	if (id < 0 || article_by_id(p->db, p->a, id, art) != 0) {
		json_error(p, 404, tr(p, "That article does not exist (it may have been deleted)."));
		return -1;
	}
	if (!admin_can_edit(p, art)) {
		json_error(p, 403, tr(p, "You cannot edit this article."));
		return -1;
	}
	return 0;
}

/* A field, untrimmed (a body's first indent is code), checked against max
** characters; NULL after answering with the reason. */
static const char *json_field(struct page *p, const char *name, const char *label, size_t max)
{
	size_t len = 0, chars;
	const char *v = http_form(p->req, name, &len);
	if (!v)
		return "";
	enum text_verdict verdict = text_check(v, len, max, &chars);
	if (verdict != TEXT_OK) {
		json_error(p, 422, admin_text_message(p, verdict, label, max, chars));
		return NULL;
	}
	return v;
}

/* The page id sent as `page_id` ("0": a new page), -1 if unreadable, or -2
** when none was sent (an article's autosave). */
static long long sent_page_id(struct page *p)
{
	const char *v = http_form(p->req, "page_id", NULL);
	long long id = 0;
	if (!v)
		return -2;
	if (!*v || !strcmp(v, "0"))
		return 0;
	return text_int(v, 1, (long long)1 << 53, &id) == 0 ? id : -1;
}

/* A static page's autosave: pages are edited by editors and
** administrators (route.c's E), a page in the trash not at all. */
static void page_autosave_post(struct page *p, long long id)
{
	struct page_row pg;
	if (p->user->role < ROLE_EDITOR) {
		json_error(p, 403, "You cannot edit pages.");
		return;
	}
	if (id < 0 || (id && (page_by_id(p->db, p->a, id, &pg) != 0 || pg.status == PAGE_TRASH))) {
		json_error(p, 404, "That page does not exist (it may have been deleted).");
		return;
	}
	struct autosave s = {.page_id = id, .is_page = 1, .user_id = p->user->id, .dek = "",
	                     .tags = ""};
	if (!(s.headline = json_field(p, "title", "The title", AUTOSAVE_MAX_HEADLINE)) ||
	    !(s.body_src = json_field(p, "body", "The body", AUTOSAVE_MAX_BODY)))
		return;
	long long now = (long long)time(NULL);
	if (autosave_put(p->db, &s, now) != 0) {
		http_resp_header(p->resp, "Retry-After", "5");
		json_error(p, 503, "The autosave could not be stored just now; it will be tried "
		                   "again.");
		return;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "\"saved_at\":%lld,\"time\":\"", now);
	esc_json_s(&b, admin_time(p, now));
	buf_puts(&b, "\"");
	json_reply(p, 200, arena_strdup(p->a, buf_cstr(&b)));
	buf_free(&b);
}

void admin_autosave_post(struct page *p)
{
	long long pid = sent_page_id(p);
	if (pid != -2) {
		page_autosave_post(p, pid);
		return;
	}
	long long id = sent_article_id(p);
	struct article art;
	if (id && editable_json(p, id, &art) != 0)
		return;
	struct autosave s = {.article_id = id, .user_id = p->user->id};
	if (!(s.headline = json_field(p, "headline", tr(p, "The headline"), AUTOSAVE_MAX_HEADLINE)) ||
	    !(s.dek = json_field(p, "dek", tr(p, "The standfirst"), AUTOSAVE_MAX_DEK)) ||
	    !(s.body_src = json_field(p, "body", tr(p, "The body"), AUTOSAVE_MAX_BODY)) ||
	    !(s.tags = json_field(p, "tags", tr(p, "The tags"), AUTOSAVE_MAX_TAGS)))
		return;
	long long now = (long long)time(NULL);
	if (autosave_put(p->db, &s, now) != 0) {
		http_resp_header(p->resp, "Retry-After", "5");
		json_error(p, 503, tr(p, "The autosave could not be stored just now; it will be tried "
		                         "again."));
		return;
	}
	/* The time is in the site's date format, which may hold any text. */
	struct buf b = BUF_INIT;
	buf_printf(&b, "\"saved_at\":%lld,\"time\":\"", now);
	esc_json_s(&b, admin_time(p, now));
	buf_puts(&b, "\"");
	json_reply(p, 200, arena_strdup(p->a, buf_cstr(&b)));
	buf_free(&b);
}

void admin_autosave_dismiss(struct page *p)
{
	long long pid = sent_page_id(p);
	if (pid != -2) {
		if (pid < 0) {
			site_not_found(p);
			return;
		}
		/* Only the writer's own autosave is deleted: no rights beyond that. */
		autosave_page_delete(p->db, pid, p->user->id);
		admin_done(p, pid ? arena_printf(p->a, "/admin/pages/%lld/", pid) : "/admin/pages/new",
		           "autosave_dismissed");
		return;
	}
	long long id = sent_article_id(p);
	struct article art;
	if (id < 0 || (id && article_by_id(p->db, p->a, id, &art) != 0)) {
		site_not_found(p);
		return;
	}
	/* Only the writer's own autosave is deleted: no rights beyond that. */
	autosave_delete(p->db, id, p->user->id);
	admin_done(p, id ? arena_printf(p->a, "/admin/articles/%lld/", id) : "/admin/articles/new",
	           "autosave_dismissed");
}

void admin_csrf_token(struct page *p)
{
	/* Read by the editor's script after its writer signed in again (the
	** new session has a new token).  Same-origin reads only: no CORS. */
	json_reply(p, 200, arena_printf(p->a, "\"csrf\":\"%s\"", p->session->csrf));
}

void admin_article_live_preview(struct page *p)
{
	struct arena *a = p->a;
	long long id = sent_article_id(p);
	struct article art, old;
	int had = 0;
	if (id) {
		if (id < 0 || article_by_id(p->db, a, id, &old) != 0) {
			site_not_found(p);
			return;
		}
		if (!admin_can_edit(p, &old)) {
			site_forbidden(p, tr(p, "You can preview only articles you may edit."));
			return;
		}
		had = 1;
		art = old;
	} else {
		memset(&art, 0, sizeof art);
		art.author_id = p->user->id;
		art.slug = "preview";
		art.section_name = art.section_slug = "";
		art.featured_url = art.featured_alt = "";
		art.comments_open = 0;
	}
	const char *headline = http_form(p->req, "headline", NULL);
	const char *dek = http_form(p->req, "dek", NULL);
	size_t blen = 0;
	const char *body = http_form(p->req, "body", &blen);
	size_t chars;
	if (!headline || !dek || !body ||
	    text_check(headline, strlen(headline), AUTOSAVE_MAX_HEADLINE, &chars) != TEXT_OK ||
	    text_check(dek, strlen(dek), AUTOSAVE_MAX_DEK, &chars) != TEXT_OK ||
	    text_check(body, blen, AUTOSAVE_MAX_BODY, &chars) != TEXT_OK) {
		site_error(p, 422, tr(p, "Nothing to preview"),
		           tr(p, "The headline, standfirst and body must be sent, as text within "
		                 "their limits."));
		return;
	}
	art.headline = *headline ? headline : tr(p, "(No headline yet)");
	art.dek = dek;
	/* Rendered as saving would: an unchanged body keeps its writer's
	** trust, a changed one gets this user's. */
	struct buf html = BUF_INIT;
	enum role role = article_body_role(had ? &old : NULL, body, p->user->role);
	markdown_render(&html, body, blen, role_trust(role));
	art.body_html = arena_strdup(a, buf_cstr(&html));
	buf_free(&html);
	/* The featured image as chosen in the form, if it names one. */
	long long mid;
	const char *m = http_form(p->req, "featured_media", NULL);
	if (m && *m && text_int(m, 1, (long long)1 << 53, &mid) == 0) {
		struct media med;
		if (media_by_id(p->db, a, mid, &med) == 0) {
			art.featured_media_id = mid;
			art.featured_url = med.url;
			art.featured_width = (int)med.width;
			art.featured_height = (int)med.height;
			const char *alt = http_form(p->req, "featured_alt", NULL);
			art.featured_alt = alt && strlen(alt) <= 2000 ? alt : "";
		}
	} else if (m) {
		art.featured_media_id = 0;
		art.featured_url = "";
	}
	if (!art.published_at)
		art.published_at = (long long)time(NULL);
	if (!art.updated_at)
		art.updated_at = art.published_at;
	p->is_private = 1;
	page_article_render(p, &art, NULL, 200);
	http_resp_header(p->resp, "Cache-Control", "no-store");
	http_resp_header(p->resp, "X-Robots-Tag", "noindex");
}
