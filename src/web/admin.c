/*
** admin.c: the desk's shared parts and its front page (the dashboard).
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/session.h"
#include "render/i18n.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

/* The notices a POST can ask for with ?done=KEY after redirecting. */
static const struct {
	const char *key;  /* in the URL */
	const char *text; /* shown, through tr() */
} notices[] = {
	{"saved", N_("Saved.")},
	{"published", N_("Published.")},
	{"scheduled", N_("Scheduled: it will be published at the time you set.")},
	{"submitted", N_("Submitted for review. An editor will look at it.")},
	{"restored", N_("The revision is restored (and kept as a new revision).")},
	{"approved", N_("Comment approved.")},
	{"unapproved", N_("Comment unapproved: it waits for moderation again.")},
	{"spammed", N_("Marked as spam. Their later comments will go to spam too.")},
	{"trashed", N_("Moved to the trash.")},
	{"restored-comment", N_("Comment restored.")},
	{"deleted", N_("Deleted for good.")},
	{"deleted-page", N_("The page is deleted for good; its sub-pages moved up.")},
	{"trashed-page", N_("Moved to the trash. It will be deleted for good after 30 days.")},
	{"restored-page", N_("Restored from the trash, with the status it had.")},
	{"replied", N_("Your reply is published.")},
	{"edited", N_("Comment saved.")},
	{"bulk", N_("Done.")},
	{"uploaded", N_("Uploaded.")},
	{"media-saved", N_("The image's details are saved.")},
	{"media-replaced", N_("The file is replaced: every article and page using the image shows "
	                   "the new one.")},
	{"media-deleted", N_("The image is deleted.")},
	{"import", N_("The export is uploaded; the import is running.")},
	{"profile", N_("Your profile is saved.")},
	{"app-password-revoked", N_("The application password is revoked: programs using it are "
	                         "refused from now on.")},
	{"settings", N_("Settings saved.")},
	{"front", N_("The front page is saved.")},
	{"embed-refused", N_("Saved. Some links alone on a line stay links: see why under the "
	                  "editor's heading.")},
	{"webhook_added", N_("The webhook is added. Give its secret to the receiver.")},
	{"webhook_deleted", N_("The webhook is deleted, with its deliveries.")},
	{"webhook_test", N_("A test (a signed ping event) is queued: its result shows in the "
	                    "deliveries below within a few seconds.")},
	{"webhook_paused", N_("The webhook is paused: nothing is queued for it until it is resumed.")},
	{"webhook_resumed", N_("The webhook is active again. What happened while it was paused is "
	                       "not sent.")},
	{"user", N_("Account saved.")},
	{"suspended", N_("The account is suspended: its sessions have ended, and it cannot sign in.")},
	{"unsuspended", N_("The account is active again: it can sign in with its password.")},
	{"user-deleted", N_("The account is deleted; its articles, pages and images have their new "
	                 "owner.")},
	{"password", N_("Your password is changed. Your other sessions have ended; this one goes on.")},
	{"session-ended", N_("The session is ended.")},
	{"sessions-ended", N_("Every other session is ended: you are signed in here only.")},
	{"note_added", N_("The note is added to the article, with today’s date.")},
	{"note_deleted", N_("The note is deleted.")},
	{"slug-tidied", N_("Saved. The slug you typed was tidied into a web address: see it below.")},
	{"trashed-article", N_("Moved to the trash. It will be deleted for good after 30 days.")},
	{"restored-article", N_("Restored from the trash, with the status it had.")},
	{"unpublished", N_("Unpublished: it is a draft again.")},
	{"section-added", N_("Section added.")},
	{"section-saved", N_("Section saved.")},
	{"section-deleted", N_("Section deleted.")},
	{"tag-saved", N_("Tag saved.")},
	{"tag-merged", N_("Tags merged.")},
	{"tag-deleted", N_("Tag deleted.")},
	{"menu", N_("Menu saved.")},
	{"autosave_dismissed", N_("The autosave is dismissed: the article is as last saved.")},
	{"word-added", N_("Added to the site's dictionary; the article is checked again.")},
};

long long admin_comment_scope(struct page *p)
{
	return comment_can_moderate(p->user->role, p->user->id, 0) ? 0 : p->user->id;
}

long long admin_param_id(struct page *p, int i)
{
	long long id;
	if (i >= p->req->n_params || text_int(p->req->params[i], 1, (long long)1 << 53, &id) != 0)
		return 0;
	return id;
}

struct tv *admin_context(struct page *p, const char *title)
{
	struct arena *a = p->a;
	struct tv *ctx = site_context(p, trf(p, "%s ‹ Desk", title));
	struct tv *u = tv_map(a);
	tv_set_str(a, u, "name", p->user->name);
	tv_set_str(a, u, "role", tr(p, role_label(p->user->role)));
	tv_set_int(a, u, "id", p->user->id);
	tv_set_bool(a, ctx, "is_author", p->user->role >= ROLE_AUTHOR);
	tv_set_bool(a, ctx, "is_editor", p->user->role >= ROLE_EDITOR);
	tv_set_bool(a, ctx, "is_admin", p->user->role >= ROLE_ADMIN);
	tv_set(a, ctx, "user", u);
	tv_set_str(a, ctx, "csrf", p->session->csrf);
	tv_set_str(a, ctx, "heading", title);
	/* Comments: editors moderate all, authors those on their own articles
	** (comment_can_moderate()). */
	tv_set_bool(a, ctx, "may_moderate", p->user->role >= ROLE_AUTHOR);
	if (p->user->role >= ROLE_AUTHOR) {
		long long n = comment_count_pending(p->db, admin_comment_scope(p));
		tv_set_int(a, ctx, "pending_count", n);
		/* The menu badge's words: the count beside "Comments". */
		tv_set_str(a, ctx, "pending_label", trn(p, "%lld awaiting moderation",
		                                        "%lld awaiting moderation", n));
		tv_set_str(a, ctx, "pending_text", trn(p, "%lld comment awaiting moderation",
		                                       "%lld comments awaiting moderation", n));
		tv_set_bool(a, ctx, "has_pending", n > 0);
	}
	const char *done = http_query(p->req, "done", NULL);
	for (size_t i = 0; done && i < sizeof notices / sizeof *notices; i++)
		if (!strcmp(done, notices[i].key))
			tv_set_str(a, ctx, "notice", tr(p, notices[i].text));
	if (!tv_get(ctx, "notice"))
		tv_set_bool(a, ctx, "notice", 0);
	tv_set_bool(a, ctx, "error", 0);
	return ctx;
}

const char *admin_time(struct page *p, long long t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	localtime_r(&tt, &tm); /* the site's zone: text_set_timezone() */
	return arena_printf(p->a, "%s, %02d:%02d", site_date(p, tt), tm.tm_hour, tm.tm_min);
}

/* The desk's own scripts (static/desk.js), from this origin only; every
** other page keeps script-src 'none' (http_security_headers()). */
static const char DESK_CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/* "/static/NAME?v=ETAG": a desk script's address, which changes with its
** bytes (so it may be cached long). */
static const char *static_url(struct page *p, const char *name)
{
	for (size_t i = 0; i < p->app->n_statics; i++)
		if (!strcmp(p->app->statics[i].name, name))
			return arena_printf(p->a, "/static/%s?v=%s", name, p->app->statics[i].etag);
	return arena_printf(p->a, "/static/%s", name);
}

void admin_render(struct page *p, int status, const char *name, struct tv *ctx)
{
	p->is_private = 1;
	http_resp_header(p->resp, "Cache-Control", "no-store");
	/* Only the pages that use them load the desk's scripts: desk.js on the
	** article and page editors, media-picker.js on the editor and the media library's pages;
	** the others stay script-free under the same policy. */
	http_resp_header(p->resp, "Content-Security-Policy", DESK_CSP);
	int editor = !strcmp(name, "admin_editor") || !strcmp(name, "admin_page_editor");
	int media = !strncmp(name, "admin_media", 11);
	if (editor)
		tv_set_str(p->a, ctx, "desk_js_url", static_url(p, "desk.js"));
	else
		tv_set_bool(p->a, ctx, "desk_js_url", 0);
	if (editor || media)
		tv_set_str(p->a, ctx, "picker_js_url", static_url(p, "media-picker.js"));
	else
		tv_set_bool(p->a, ctx, "picker_js_url", 0);
	site_render(p, status, name, ctx);
}

void admin_forbidden(struct page *p, const char *why)
{
	admin_refusal(p, 403, tr(p, "Not allowed"), why);
}

void admin_refusal(struct page *p, int status, const char *title, const char *why)
{
	struct tv *ctx = admin_context(p, title);
	tv_set_str(p->a, ctx, "message", why);
	/* Back to the page it came from; a refused GET never links to
	** itself, nor twice to the dashboard. */
	int is_post = !strcmp(p->req->method, "POST");
	const char *back = site_back(p, is_post ? "/admin/" : NULL);
	if (!is_post && back && (!strcmp(back, p->req->path) || !strcmp(back, "/admin/")))
		back = NULL;
	tv_set_bool(p->a, ctx, "is_post", is_post);
	if (back)
		tv_set_str(p->a, ctx, "back", back);
	else
		tv_set_bool(p->a, ctx, "back", 0);
	site_sent_fields(p, ctx);
	admin_render(p, status, "admin_forbidden", ctx);
}

void admin_done(struct page *p, const char *path, const char *notice)
{
	http_redirect(p->req, p->resp, 303,
	              arena_printf(p->a, "%s%sdone=%s", path, strchr(path, '?') ? "&" : "?",
	                           notice));
}

int admin_can_edit(struct page *p, const struct article *art)
{
	if (!p->user)
		return 0;
	if (p->user->role >= ROLE_EDITOR)
		return 1;
	if (art->author_id != p->user->id)
		return 0;
	if (p->user->role == ROLE_CONTRIBUTOR)
		return art->status == ARTICLE_DRAFT || art->status == ARTICLE_PENDING;
	return 1;
}

int admin_can_publish(struct page *p, const struct article *art)
{
	if (!p->user)
		return 0;
	if (p->user->role >= ROLE_EDITOR)
		return 1;
	return p->user->role == ROLE_AUTHOR && (!art || art->author_id == p->user->id);
}

int admin_can_unpublish(struct page *p, const struct article *art)
{
	return (art->status == ARTICLE_PUBLISHED || art->status == ARTICLE_SCHEDULED) &&
	       admin_can_edit(p, art) && admin_can_publish(p, art);
}

int admin_can_restore(struct page *p, const struct article *art)
{
	if (art->status != ARTICLE_TRASH || !p->user)
		return 0;
	/* It comes back with the status it had, maybe published: who may
	** publish it (authors their own, editors any). */
	return p->user->role >= ROLE_EDITOR ||
	       (p->user->role == ROLE_AUTHOR && art->author_id == p->user->id);
}

void admin_dashboard(struct page *p)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Dashboard"));
	long long mine = p->user->role >= ROLE_EDITOR ? 0 : p->user->id;
	long long counts[ARTICLE_N_STATUSES + 1];
	article_counts(p->db, mine, counts);
	struct tv *list = tv_list(a);
	static const char *const labels[] = {N_("Drafts"), N_("Pending review"), N_("Scheduled"),
	                                     N_("Published")};
	for (int i = 0; i < (int)(sizeof labels / sizeof *labels); i++) {
		struct tv *item = tv_map(a);
		tv_set_str(a, item, "label", tr(p, labels[i]));
		tv_set_int(a, item, "count", counts[ARTICLE_DRAFT + i]);
		tv_set_str(a, item, "url", arena_printf(a, "/admin/articles/?status=%s",
		                                        article_status_name(ARTICLE_DRAFT + i)));
		tv_push(a, list, item);
	}
	tv_set(a, ctx, "counts", list);
	tv_set_bool(a, ctx, "mine_only", mine != 0);
	admin_render(p, 200, "admin_dashboard", ctx);
}

const char *admin_text_message(struct page *p, int verdict, const char *label, size_t max,
                               size_t chars)
{
	if (verdict == TEXT_INVALID)
		return site_fill(p->a, tr(p, "{label} contains characters that are not valid text. "
		                          "Please type it again."), "{label}", label);
	const char *s = site_fill(p->a, tr(p, "{label} is too long: {chars} characters, and at "
	                                   "most {max} are allowed. Nothing was cut; please "
	                                   "shorten it."), "{label}", label);
	s = site_fill(p->a, s, "{chars}", arena_printf(p->a, "%zu", chars));
	return site_fill(p->a, s, "{max}", arena_printf(p->a, "%zu", max));
}

const char *admin_field(struct page *p, const char *name, size_t max, const char **err)
{
	size_t len = 0, chars;
	const char *v = http_form(p->req, name, &len);
	if (!v)
		return "";
	enum text_verdict verdict = text_check(v, len, max, &chars);
	if (verdict != TEXT_OK)
		*err = admin_text_message(p, verdict, tr(p, "This"), max, chars);
	return verdict == TEXT_INVALID ? "" : v;
}
