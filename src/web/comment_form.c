/*
** comment_form.c: posting a comment, WordPress's rules made strict.
**
** The checks, in the order a refusal is reported:
**   1. same origin (the dispatcher, refusing through comment_form_refuse),
**   2. the honeypot field is empty,
**   3. the signed form token is ours, for this article, and its age is
**      between comment_min_seconds and comment_max_seconds,
**   4. each field: present, valid UTF-8 without NULs, within its length
**      (refused, never cut), a real email, an http(s) website,
**   5. the flood window: one stored comment per IP per comment_flood_seconds,
**   6. not a duplicate of the same person's earlier comment here.
** Every refusal shows the article again with the form as typed, a message
** beside each bad field, and a fresh token.  Steps 5 to the insert run in
** one write transaction so two fast posts cannot both slip through.
**
** A held comment is shown to its writer alone, through a signed cookie
** listing the ids they wrote (never a guessable id in the URL).
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/sign.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/notify.h"
#include "web/mailer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COMMENT 65525
#define MAX_AUTHOR 245
#define MAX_EMAIL 100
#define MAX_URL 200
#define HELD_COOKIE "byline_held"
#define SAVE_COOKIE "byline_commenter"
#define MAX_HELD_IDS 16
#define NET_WINDOW 60 /* seconds */
#define NET_MAX 20    /* stored comments a network may send in that window */

/* ---- tokens ---- */

const char *comment_form_token(struct page *p, long long article_id)
{
	char *msg = arena_printf(p->a, "form|%lld|%lld", article_id, (long long)time(NULL));
	char mac[SIGN_HEX_LEN + 1];
	sign_mac(p->app->settings.secret, msg, strlen(msg), mac);
	return arena_printf(p->a, "%lld.%s", (long long)time(NULL), mac);
}

/* 0 if the token is good; else the sentence saying why not. */
static const char *check_token(struct page *p, long long article_id, const char *token)
{
	static const char bad[] =
	    "This form could not be checked (it may come from an old copy of the page). "
	    "Nothing was lost: please send it again.";
	if (!token)
		return bad;
	const char *dot = strchr(token, '.');
	if (!dot || dot - token > 20)
		return bad;
	char *ts_text = arena_strndup(p->a, token, (size_t)(dot - token));
	long long ts;
	if (text_int(ts_text, 0, (long long)1 << 40, &ts) != 0)
		return bad;
	char *msg = arena_printf(p->a, "form|%lld|%lld", article_id, ts);
	if (!sign_check(p->app->settings.secret, msg, strlen(msg), dot + 1))
		return bad;
	long long age = (long long)time(NULL) - ts;
	if (age < p->app->settings.comment_min_seconds)
		return "That was quick! To keep robots out, comments sent within a few seconds "
		       "of opening the page are not accepted. Please check your comment and "
		       "send it again.";
	if (age > p->app->settings.comment_max_seconds)
		return "This page was open for too long, so the form has expired. Your "
		       "comment is still here: please send it again.";
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
	http_set_cookie(p->req, p->resp, HELD_COOKIE, value, (long)life);
}

static void set_save_cookie(struct page *p, const struct comment_form *f)
{
	if (!f->save) {
		if (http_cookie(p->req, SAVE_COOKIE))
			http_set_cookie(p->req, p->resp, SAVE_COOKIE, "", 0);
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
	http_set_cookie(p->req, p->resp, SAVE_COOKIE, value, 365L * 86400);
}

/* ---- field checks ---- */

/* WordPress's is_email(), in spirit: local@domain.tld, ASCII, sane parts. */
static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@'))
		return 0;
	for (const char *c = e; c < at; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("!#$%&'*+/=?^_`{|}~.-", *c)))
			return 0;
	const char *d = at + 1;
	int labels = 0;
	size_t label_len = 0;
	for (const char *c = d;; c++) {
		if (*c == '.' || *c == 0) {
			if (label_len == 0 || label_len > 63 || c[-1] == '-')
				return 0;
			labels++;
			label_len = 0;
			if (*c == 0)
				break;
			continue;
		}
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
		if (label_len == 0 && *c == '-')
			return 0;
		label_len++;
	}
	return labels >= 2;
}

/* Reads field `name` into *out (trimmed).  Returns an error sentence or
** NULL.  `label` names the field in messages. */
static const char *read_field(struct page *p, const char *name, const char *label,
                              size_t max, int required, const char **out)
{
	size_t len = 0;
	const char *v = http_form(p->req, name, &len);
	if (!v)
		v = "", len = 0;
	if (memchr(v, 0, len) || !utf8_valid(v, len)) {
		/* Show what can be shown: the bytes up to the first bad one. */
		*out = "";
		return arena_printf(p->a, "Your %s contains characters that are not valid "
		                    "text. Please type it again.", label);
	}
	*out = text_trim(p->a, v, len);
	size_t chars = utf8_count(*out, strlen(*out));
	if (required && chars == 0)
		return NULL; /* the caller words the "missing" message */
	if (chars > max)
		return arena_printf(p->a, "Your %s is too long: %zu characters, and at most "
		                    "%zu are allowed. Nothing was cut; please shorten it.",
		                    label, chars, max);
	return NULL;
}

/* ---- answering ---- */

static void refuse(struct page *p, const struct article *art, struct comment_form *f,
                   int status, const char *message)
{
	if (message)
		f->message = message;
	page_article_render(p, art, f, status);
}

static void read_form(struct page *p, struct comment_form *f)
{
	memset(f, 0, sizeof *f);
	f->err_comment = read_field(p, "comment", "comment", MAX_COMMENT, 1, &f->comment);
	f->err_author = read_field(p, "author", "name", MAX_AUTHOR, 1, &f->author);
	f->err_email = read_field(p, "email", "email address", MAX_EMAIL, 1, &f->email);
	f->err_url = read_field(p, "url", "website", MAX_URL, 0, &f->url);
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
	read_form(p, &f);
	f.parent = f.parent > 0 ? f.parent : 0;
	refuse(p, &art, &f, status, why);
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
	read_form(p, &f);
	if (!page_article_comments_open(p, &art)) {
		refuse(p, &art, &f, 403, "Comments are closed on this article.");
		return;
	}
	/* 2. The honeypot: people never see it, robots fill everything in. */
	const char *hp = http_form(p->req, "byline_hp", NULL);
	if (hp && *hp) {
		refuse(p, &art, &f, 422,
		       "Your comment looked automated (a hidden field meant to stay empty was "
		       "filled in), so it was not sent. If you are a person, please send it again.");
		return;
	}
	/* 3. The form token. */
	const char *why = check_token(p, art.id, http_form(p->req, "byline_token", NULL));
	if (why) {
		refuse(p, &art, &f, 422, why);
		return;
	}
	/* 4. The fields. */
	if (!f.err_comment && !*f.comment)
		f.err_comment = "Please type your comment.";
	if (!f.err_author && !*f.author)
		f.err_author = "Please enter your name.";
	if (!f.err_email && !*f.email)
		f.err_email = "Please enter your email address. It will not be published.";
	else if (!f.err_email && !email_ok(f.email))
		f.err_email = "Please enter a valid email address, like name@example.com.";
	if (!f.err_url && *f.url) {
		if (!strstr(f.url, "://") && !strchr(f.url, ':'))
			f.url = arena_printf(p->a, "http://%s", f.url); /* "example.com" */
		if (strlen(f.url) > MAX_URL || !url_is_web(f.url, strlen(f.url)))
			f.err_url = "Your website must be a web address starting with http:// or "
			            "https://.";
	}
	if (f.parent < 0) {
		f.parent = 0;
		f.message = "The comment you replied to could not be found.";
	}
	if (f.parent > 0) {
		struct comment parent;
		if (comment_by_id(p->db, p->a, f.parent, art.id, &parent) != 0) {
			f.parent = 0;
			f.message = "The comment you replied to is no longer available; your reply "
			            "will be posted as a new comment if you send it again.";
		}
	}
	if (f.err_comment || f.err_author || f.err_email || f.err_url || f.message) {
		refuse(p, &art, &f, 422,
		       f.message ? f.message : "Your comment was not sent yet: please check the "
		                               "fields marked below.");
		return;
	}

	struct comment_input in = {
	    .article_id = art.id,
	    .parent_id = f.parent,
	    .author_name = f.author,
	    .author_email = f.email,
	    .author_url = f.url,
	    .body = f.comment,
	    .ip = p->req->remote_ip,
	    .user_agent = http_header(p->req, "User-Agent"),
	};
	if (in.user_agent && strlen(in.user_agent) > 255)
		in.user_agent = arena_strndup(p->a, in.user_agent, 255);

	if (db_begin(p->db) != DB_OK) {
		http_resp_header(p->resp, "Retry-After", "5");
		refuse(p, &art, &f, 503, "The site is very busy right now and could not save "
		                         "your comment. Please send it again in a moment.");
		return;
	}
	/* 5. Flood: refused submissions never count, only stored comments. */
	long long since = comment_seconds_since_ip(p->db, in.ip);
	int window = p->app->settings.comment_flood_seconds;
	if (since >= 0 && since < window) {
		db_rollback(p->db);
		long long wait = window - since;
		http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%lld", wait));
		refuse(p, &art, &f, 429,
		       arena_printf(p->a, "You are posting comments too quickly. Please wait "
		                    "%lld second%s and send it again.", wait, wait == 1 ? "" : "s"));
		return;
	}
	/* 5b. Many addresses of one network at once (a /24 or /64); off, like the
	** per-address window, when comment_flood_seconds is 0. */
	in.ip_net = comment_ip_net(p->a, in.ip);
	if (window > 0 && comment_count_from_net(p->db, in.ip_net, NET_WINDOW) >= NET_MAX) {
		db_rollback(p->db);
		http_resp_header(p->resp, "Retry-After", arena_printf(p->a, "%d", NET_WINDOW));
		refuse(p, &art, &f, 429, "Too many comments are arriving from your network right "
		                         "now. Please wait a minute and send yours again.");
		return;
	}
	/* 6. Duplicate. */
	if (comment_is_duplicate(p->db, &in)) {
		db_rollback(p->db);
		refuse(p, &art, &f, 409, "Duplicate comment detected; it looks as though "
		                         "you’ve already said that!");
		return;
	}
	/* The token's age: robots post within moments of fetching the page. */
	int seconds = -1;
	const char *tok = http_form(p->req, "byline_token", NULL);
	long long served;
	if (tok && strchr(tok, '.') &&
	    text_int(arena_strndup(p->a, tok, (size_t)(strchr(tok, '.') - tok)), 0,
	             (long long)1 << 40, &served) == 0)
		seconds = (int)((long long)time(NULL) - served);
	char reason[256];
	double score;
	in.status = comment_decide(p->db, &p->app->settings, &in, seconds, reason, sizeof reason,
	                           &score);
	in.spam_score = score;
	in.spam_reason = reason;
	/* A failed read may have rolled the transaction back: then none of the
	** checks above holds, and nothing is written outside it. */
	if (db_failed(p->db) || !db_in_transaction(p->db)) {
		db_rollback(p->db);
		http_resp_header(p->resp, "Retry-After", "5");
		refuse(p, &art, &f, 503, "Your comment could not be saved just now. Nothing "
		                         "was lost: please send it again in a moment.");
		return;
	}
	char err[256];
	long long id = comment_add(p->db, &in, err, sizeof err);
	if (id < 0 || db_commit(p->db) != DB_OK) {
		db_rollback(p->db);
		log_warn("comment not saved: %s", id < 0 ? err : db_errmsg(p->db));
		http_resp_header(p->resp, "Retry-After", "5");
		refuse(p, &art, &f, 503, "Your comment could not be saved just now. Nothing "
		                         "was lost: please send it again in a moment.");
		return;
	}
	/* Held comments and replies tell the article's author and the moderators
	** (queued: a slow mail server never slows this answer). */
	if (mailer_is_sending(p->app->mailer) &&
	    notify_comment(p->db, p->a, id, p->app->settings.site_title, site_base(p)) > 0)
		mailer_wake(p->app->mailer);
	if (in.status != COMMENT_APPROVED)
		set_held_cookie(p, id);
	set_save_cookie(p, &f);
	/* To the page of comments that shows it (WordPress's comment-page-N). */
	const char *url = site_article_path(p, art.published_at, art.slug);
	long long own[MAX_HELD_IDS + 1];
	size_t n_own = comment_form_held(p, own, MAX_HELD_IDS);
	own[n_own++] = id;
	int cpage = comment_page_of(p->db, p->a, art.id, id, own, n_own,
	                            p->app->settings.comments_per_page);
	if (cpage > 1)
		url = arena_printf(p->a, "%scomment-page-%d/", url, cpage);
	http_redirect(p->req, p->resp, 303, arena_printf(p->a, "%s#comment-%lld", url, id));
	http_resp_header(p->resp, "Cache-Control", "no-store");
}
