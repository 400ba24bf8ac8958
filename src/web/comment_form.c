/*
** comment_form.c: the comment form, the way readers post a comment.
**
** The form is under an article (posted to the article's own address) or
** under a static page whose comments are enabled (posted to
** /comments/page/ID/, as WordPress posts to wp-comments-post.php: a page's
** path is any path no route takes).
**
** What is the form's own, in the order a refusal is reported:
**   1. same origin (the dispatcher, refusing through comment_form_refuse),
**   2. comments are open on the article or page,
**   3. the honeypot field is empty,
**   4. the signed form token is ours, for this article or page, and its age is
**      between comment_min_seconds and comment_max_seconds.
** Then comment_submit() (model/comment.c) checks and posts the comment:
** the fields and their limits, the flood windows, duplicates, the
** moderation decision and the insert, in one write transaction, with the
** rules every other way in (the desk, the API) shares.  Every refusal
** shows the article again with the form as typed, a message beside each
** bad field, and a fresh token.
**
** A held comment is shown to its writer alone, through a signed cookie
** listing the ids they wrote (never a guessable id in the URL).  Both
** cookies are Secure whenever the session cookie is (auth_is_https).
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/text.h"
#include "db/db.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/notify.h"
#include "model/page.h"
#include "render/i18n.h"
#include "web/mailer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HELD_COOKIE "byline_held"
#define SAVE_COOKIE "byline_commenter"
#define MAX_HELD_IDS 16

/* ---- tokens ---- */

/* What a token signs: the target and the time it was served.  An article's
** keeps the form it always had (tokens of pages already served stay good). */
static char *token_msg(struct page *p, struct comment_target on, long long ts)
{
	if (on.page_id)
		return arena_printf(p->a, "form|page-%lld|%lld", on.page_id, ts);
	return arena_printf(p->a, "form|%lld|%lld", on.article_id, ts);
}

const char *comment_form_token(struct page *p, struct comment_target on)
{
	char *msg = token_msg(p, on, (long long)time(NULL));
	char mac[SIGN_HEX_LEN + 1];
	sign_mac(p->app->settings.secret, msg, strlen(msg), mac);
	return arena_printf(p->a, "%lld.%s", (long long)time(NULL), mac);
}

/* 0 if the token is good; else the sentence saying why not. */
static const char *check_token(struct page *p, struct comment_target on, const char *token)
{
	const char *bad =
	    tr(p, "This form could not be checked (it may come from an old copy of the page). "
	          "Nothing was lost: please send it again.");
	if (!token)
		return bad;
	const char *dot = strchr(token, '.');
	if (!dot || dot - token > 20)
		return bad;
	char *ts_text = arena_strndup(p->a, token, (size_t)(dot - token));
	long long ts;
	if (text_int(ts_text, 0, (long long)1 << 40, &ts) != 0)
		return bad;
	char *msg = token_msg(p, on, ts);
	if (!sign_check(p->app->settings.secret, msg, strlen(msg), dot + 1))
		return bad;
	long long age = (long long)time(NULL) - ts;
	if (age < p->app->settings.comment_min_seconds)
		return tr(p, "That was quick! To keep robots out, comments sent within a few "
		             "seconds of opening the page are not accepted. Please check your "
		             "comment and send it again.");
	if (age > p->app->settings.comment_max_seconds)
		return tr(p, "This page was open for too long, so the form has expired. Your "
		             "comment is still here: please send it again.");
	return NULL;
}

/* ---- the held-comments cookie: "ID-ID-ID.EXPIRES.MAC" ---- */

size_t comment_form_held(struct page *p, long long *ids, size_t max)
{
	const char *v = http_cookie(p->req, HELD_COOKIE);
	if (!v || strlen(v) > 400)
		return 0;
	const char *d2 = strrchr(v, '.');
	if (!d2)
		return 0;
	char *body = arena_strndup(p->a, v, (size_t)(d2 - v));
	char *msg = arena_printf(p->a, "held|%s", body);
	if (!sign_check(p->app->settings.secret, msg, strlen(msg), d2 + 1))
		return 0;
	char *d1 = strrchr(body, '.');
	long long exp;
	if (!d1 || text_int(d1 + 1, 0, (long long)1 << 40, &exp) != 0 ||
	    exp < (long long)time(NULL))
		return 0;
	*d1 = 0;
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(body, "-", &save); tok && n < max;
	     tok = strtok_r(NULL, "-", &save)) {
		long long id;
		if (text_int(tok, 1, (long long)1 << 53, &id) == 0)
			ids[n++] = id;
	}
	return n;
}

static void set_held_cookie(struct page *p, long long new_id)
{
	long long ids[MAX_HELD_IDS];
	size_t n = comment_form_held(p, ids, MAX_HELD_IDS);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%lld", new_id);
	/* Newest first; the oldest falls off when the list is full. */
	for (size_t i = 0; i < n && i + 1 < MAX_HELD_IDS; i++)
		buf_printf(&b, "-%lld", ids[i]);
	long long life = p->app->settings.held_cookie_seconds;
	buf_printf(&b, ".%lld", (long long)time(NULL) + life);
	char *msg = arena_printf(p->a, "held|%s", buf_cstr(&b));
	char mac[SIGN_HEX_LEN + 1];
	sign_mac(p->app->settings.secret, msg, strlen(msg), mac);
	char *value = arena_printf(p->a, "%s.%s", buf_cstr(&b), mac);
	buf_free(&b);
	http_set_cookie(p->req, p->resp, HELD_COOKIE, value, (long)life, auth_is_https(p));
}

static void set_save_cookie(struct page *p, const struct comment_form *f)
{
	if (!f->save) {
		if (http_cookie(p->req, SAVE_COOKIE))
			http_set_cookie(p->req, p->resp, SAVE_COOKIE, "", 0, auth_is_https(p));
		return;
	}
	struct buf b = BUF_INIT;
	buf_puts(&b, "n=");
	esc_url_part(&b, f->author, strlen(f->author));
	buf_puts(&b, "&e=");
	esc_url_part(&b, f->email, strlen(f->email));
	buf_puts(&b, "&u=");
	esc_url_part(&b, f->url, strlen(f->url));
	char *value = arena_strdup(p->a, buf_cstr(&b));
	buf_free(&b);
	http_set_cookie(p->req, p->resp, SAVE_COOKIE, value, 365L * 86400,
	                auth_is_https(p));
}

/* ---- answering ---- */

/* Where a comment is posted: an article or a static page, shown again
** with the form on a refusal. */
struct target {
	struct comment_target on;  /* what the comment is on */
	const struct article *art; /* the article, or NULL */
	const struct page_row *pg; /* or the page */
	const char *url;           /* its address */
	int per_page;              /* threads per comment page (0: all) */
};

static void refuse(struct page *p, const struct target *t, struct comment_form *f, int status,
                   const char *message)
{
	if (message)
		f->message = message;
	if (t->art)
		page_article_render(p, t->art, f, status);
	else
		page_pages_render(p, t->pg, f, status);
}

/* One field as typed, for the form shown back ("" if it is not text), and
** for the model (NULL then: comment_check() words the refusal). */
static const char *read_text(struct page *p, const char *name, const char **for_model)
{
	const char *v;
	/* No limit here: the model counts, and refuses, never cuts. */
	*for_model = http_form_text(p->req, name, 0, &v, NULL) == TEXT_INVALID ? NULL : v;
	return v;
}

static void read_form(struct page *p, struct comment_form *f, struct comment_post *post)
{
	memset(f, 0, sizeof *f);
	memset(post, 0, sizeof *post);
	f->comment = read_text(p, "comment", &post->body);
	f->author = read_text(p, "author", &post->name);
	f->email = read_text(p, "email", &post->email);
	f->url = read_text(p, "url", &post->url);
	const char *parent = http_form(p->req, "comment_parent", NULL);
	long long pid = 0;
	if (parent && *parent && text_int(parent, 0, (long long)1 << 53, &pid) != 0)
		pid = -1;
	f->parent = pid;
	const char *save = http_form(p->req, "wp-comment-cookies-consent", NULL);
	f->save = save && *save;
}

void comment_form_refuse(struct page *p, int status, const char *why)
{
	struct article art;
	int rc = page_article_find(p, &art);
	if (rc != 0) {
		if (rc == 1)
			site_not_found(p);
		return;
	}
	struct comment_form f;
	struct comment_post post;
	read_form(p, &f, &post);
	f.parent = f.parent > 0 ? f.parent : 0;
	struct target t = {COMMENT_ON_ARTICLE(art.id), &art, NULL, NULL, 0};
	refuse(p, &t, &f, status, why);
}

/* Seconds since the form was served, from its token; -1 unknown. */
static int seconds_to_post(struct page *p)
{
	const char *tok = http_form(p->req, "byline_token", NULL);
	const char *dot = tok ? strchr(tok, '.') : NULL;
	long long served;
	if (!dot || text_int(arena_strndup(p->a, tok, (size_t)(dot - tok)), 0, (long long)1 << 40,
	                     &served) != 0)
		return -1;
	return (int)((long long)time(NULL) - served);
}


/* A field's refusal in the readers' language.  The model's fixed sentences
** are English marked N_() and translated here; those that carry a number
** or a code point (too long, not text, a hidden character in the name) are
** written here from the verdict the model recorded, so that the numbers
** are filled into the translated sentence. */
static const char *field_error(struct page *p, const struct comment_outcome *out,
                               enum comment_field k)
{
	static const char *const invalid[COMMENT_N_FIELDS] = {
	    [COMMENT_BODY] = N_("Your comment contains characters that are not valid text. Please "
	                        "type it again."),
	    [COMMENT_NAME] = N_("Your name contains characters that are not valid text. Please "
	                        "type it again."),
	    [COMMENT_EMAIL] = N_("Your email address contains characters that are not valid text. "
	                         "Please type it again."),
	    [COMMENT_URL] = N_("Your website contains characters that are not valid text. Please "
	                       "type it again."),
	};
	static const char *const too_long[COMMENT_N_FIELDS] = {
	    [COMMENT_BODY] = N_("Your comment is too long: {chars} characters, and at most {max} "
	                        "are allowed. Nothing was cut; please shorten it."),
	    [COMMENT_NAME] = N_("Your name is too long: {chars} characters, and at most {max} are "
	                        "allowed. Nothing was cut; please shorten it."),
	    [COMMENT_EMAIL] = N_("Your email address is too long: {chars} characters, and at most "
	                         "{max} are allowed. Nothing was cut; please shorten it."),
	    [COMMENT_URL] = N_("Your website is too long: {chars} characters, and at most {max} "
	                       "are allowed. Nothing was cut; please shorten it."),
	};
	static const size_t max[COMMENT_N_FIELDS] = {
	    [COMMENT_BODY] = COMMENT_MAX_BODY, [COMMENT_NAME] = COMMENT_MAX_NAME,
	    [COMMENT_EMAIL] = COMMENT_MAX_EMAIL, [COMMENT_URL] = COMMENT_MAX_URL,
	};
	if (!out->errors[k])
		return NULL;
	if (out->verdict[k] == TEXT_INVALID)
		return tr(p, invalid[k]);
	if (out->verdict[k] == TEXT_TOO_LONG) {
		const char *s = site_fill(p->a, tr(p, too_long[k]), "{chars}",
		                          arena_printf(p->a, "%zu", out->chars[k]));
		return site_fill(p->a, s, "{max}", arena_printf(p->a, "%zu", max[k]));
	}
	if (k == COMMENT_NAME && out->name_hidden)
		return site_fill(p->a, tr(p, N_("Your name holds a character that cannot be shown in "
		                                 "a name ({code}: a line break, a control character, "
		                                 "or an invisible or text-direction mark). Please "
		                                 "type your name without it.")),
		                 "{code}", arena_printf(p->a, "U+%04X", (unsigned)out->name_hidden));
	return tr(p, out->errors[k]); /* the model's sentences are marked N_() */
}
/* Posts the form to t (checks 3 and 4, then comment_submit()), answering
** with the page again or a redirect to the new comment. */
static void post_to(struct page *p, const struct target *t, struct comment_form *f,
                    struct comment_post *post)
{
	/* 3. The honeypot: people never see it, robots fill everything in. */
	const char *hp = http_form(p->req, "byline_hp", NULL);
	if (hp && *hp) {
		refuse(p, t, f, 422,
		       tr(p, "Your comment looked automated (a hidden field meant to stay empty was "
		             "filled in), so it was not sent. If you are a person, please send it "
		             "again."));
		return;
	}
	/* 4. The form token. */
	const char *why = check_token(p, t->on, http_form(p->req, "byline_token", NULL));
	if (why) {
		refuse(p, t, f, 422, why);
		return;
	}
	/* The comment's own rules, and the insert. */
	post->article_id = t->on.article_id;
	post->page_id = t->on.page_id;
	post->parent_id = f->parent;
	post->ip = p->req->remote_ip;
	post->user_agent = http_header(p->req, "User-Agent");
	post->seconds_to_post = seconds_to_post(p);
	struct comment_outcome out;
	enum comment_result result = comment_submit(p->db, p->a, &p->app->settings, post, &out);
	f->parent = out.parent_id;
	f->err_comment = field_error(p, &out, COMMENT_BODY);
	f->err_author = field_error(p, &out, COMMENT_NAME);
	f->err_email = field_error(p, &out, COMMENT_EMAIL);
	f->err_url = field_error(p, &out, COMMENT_URL);
	if (result != COMMENT_STORED) {
		static const int status[] = {
		    [COMMENT_REFUSED] = 422, [COMMENT_TOO_SOON] = 429,
		    [COMMENT_DUPLICATE] = 409, [COMMENT_UNAVAILABLE] = 503,
		};
		if (out.retry_after > 0)
			http_resp_header(p->resp, "Retry-After",
			                 arena_printf(p->a, "%lld", out.retry_after));
		const char *msg = out.message ? tr(p, out.message) : NULL;
		if (out.is_flood)
			msg = trn(p, "You are posting comments too quickly. Please wait %lld second and "
			             "send it again.",
			          "You are posting comments too quickly. Please wait %lld seconds and "
			          "send it again.", out.retry_after);
		refuse(p, t, f, status[result], msg);
		return;
	}
	long long id = out.id;
	f->url = out.url;
	/* Held comments and replies tell the article's author and the moderators
	** (queued: a slow mail server never slows this answer). */
	if (mailer_is_sending(p->app->mailer) &&
	    notify_comment(p->db, p->a, id, p->app->settings.site_title, site_base(p)) > 0)
		mailer_wake(p->app->mailer);
	if (out.status != COMMENT_APPROVED)
		set_held_cookie(p, id);
	set_save_cookie(p, f);
	/* To the page of comments that shows it (WordPress's comment-page-N). */
	const char *url = t->url;
	long long own[MAX_HELD_IDS + 1];
	size_t n_own = comment_form_held(p, own, MAX_HELD_IDS);
	own[n_own++] = id;
	int cpage = comment_thread_page_of(p->db, p->a, t->on, id, own, n_own, t->per_page);
	if (cpage > 1)
		url = arena_printf(p->a, "%scomment-page-%d/", url, cpage);
	/* Its answer waits for that page's re-render alone (route.c), not for
	** every page other comments made stale meanwhile. */
	p->settle = url;
	http_redirect(p->req, p->resp, 303, arena_printf(p->a, "%s#comment-%lld", url, id));
	http_resp_header(p->resp, "Cache-Control", "no-store");
}

void comment_form_post(struct page *p)
{
	struct article art;
	int rc = page_article_find(p, &art);
	if (rc != 0) {
		if (rc == 1)
			site_not_found(p);
		return;
	}
	struct comment_form f;
	struct comment_post post;
	read_form(p, &f, &post);
	struct target t = {COMMENT_ON_ARTICLE(art.id), &art, NULL,
	                   site_article_path(p, art.published_at, art.slug),
	                   p->app->settings.comments_per_page};
	/* 2. Open. */
	if (!page_article_comments_open(p, &art)) {
		refuse(p, &t, &f, 403, tr(p, "Comments are closed on this article."));
		return;
	}
	post_to(p, &t, &f, &post);
}

/* The published page /comments/page/{id}/ names: 0, or 1 after answering
** (404, or 410 for a page in the trash). */
static int find_page(struct page *p, struct page_row *pg)
{
	long long id;
	if (p->req->n_params < 1 || text_int(p->req->params[0], 1, (long long)1 << 53, &id) != 0 ||
	    page_by_id(p->db, p->a, id, pg) != 0) {
		site_not_found(p);
		return 1;
	}
	if (pg->status == PAGE_TRASH) {
		site_error(p, 410, "This page has been removed",  /* as page_fallback() */
		           "It is no longer published on this site.");
		return 1;
	}
	if (pg->status != PAGE_PUBLISHED) {
		site_not_found(p);
		return 1;
	}
	return 0;
}

void comment_form_page_post(struct page *p)
{
	struct page_row pg;
	if (find_page(p, &pg) != 0)
		return;
	struct comment_form f;
	struct comment_post post;
	read_form(p, &f, &post);
	/* A page's threads are all on the page itself (it has no comment-page-N). */
	struct target t = {COMMENT_ON_PAGE(pg.id), NULL, &pg, site_page_path(p->a, pg.path), 0};
	/* 2. Open: enabled on this page (pages are closed unless enabled). */
	if (!page_pages_comments_open(p, &pg)) {
		refuse(p, &t, &f, 403, tr(p, "Comments are closed on this page."));
		return;
	}
	post_to(p, &t, &f, &post);
}

void comment_form_page_refuse(struct page *p, int status, const char *why)
{
	struct page_row pg;
	if (find_page(p, &pg) != 0)
		return;
	struct comment_form f;
	struct comment_post post;
	read_form(p, &f, &post);
	f.parent = f.parent > 0 ? f.parent : 0;
	struct target t = {COMMENT_ON_PAGE(pg.id), NULL, &pg, site_page_path(p->a, pg.path), 0};
	refuse(p, &t, &f, status, why);
}
