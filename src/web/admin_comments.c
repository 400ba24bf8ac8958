/*
** admin_comments.c: the moderation inbox.
**
** Pending, Approved, Spam and Trash, with counts; per comment: approve,
** unapprove, spam, trash, restore, delete for good, edit, and reply as
** staff (published at once, marked as the article author's when it is
** theirs).  Bulk actions apply one of those to every ticked comment.  This
** is the one place a commenter's email and IP are shown.  Approving or
** marking spam teaches the rules (comment_moderate).
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/comment.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

#define PER_PAGE 50

/* The inbox's tabs, one per status, indexed by enum comment_status. */
static const char *const tab_labels[] = {"", "Pending", "Approved", "Spam", "Trash"};

/* action -> (new status, notice); delete/edit/reply are handled apart. */
static const struct {
	const char *action;
	enum comment_status status;
	const char *notice;
} moves[] = {
	{"approve", COMMENT_APPROVED, "approved"},
	{"unapprove", COMMENT_PENDING, "unapproved"},
	{"spam", COMMENT_SPAM, "spammed"},
	{"trash", COMMENT_TRASH, "trashed"},
	{"restore", COMMENT_PENDING, "restored-comment"},
};

static struct tv *comment_row(struct page *p, const struct comment *c)
{
	struct arena *a = p->a;
	struct tv *r = tv_map(a);
	tv_set_int(a, r, "id", c->id);
	tv_set_str(a, r, "author", c->author_name);
	tv_set_str(a, r, "email", c->author_email);
	tv_set_str(a, r, "ip", c->ip);
	if (*c->author_url)
		tv_set_str(a, r, "url", c->author_url);
	else
		tv_set_bool(a, r, "url", 0);
	tv_set_str(a, r, "status", comment_status_name(c->status));
	tv_set_str(a, r, "date", text_date_iso(a, (time_t)c->created_at));
	tv_set_str(a, r, "date_text", site_date(p, (time_t)c->created_at));
	tv_set(a, r, "body_html", tv_html(a, c->body_html, strlen(c->body_html)));
	tv_set_str(a, r, "article", c->article_headline);
	tv_set_str(a, r, "article_url",
	           arena_printf(a, "%s#comment-%lld",
	                        site_article_path(p, c->article_published_at, c->article_slug),
	                        c->id));
	tv_set_str(a, r, "action_url", arena_printf(a, "/admin/comments/%lld/", c->id));
	tv_set_bool(a, r, "is_pending", c->status == COMMENT_PENDING);
	tv_set_bool(a, r, "is_approved", c->status == COMMENT_APPROVED);
	tv_set_bool(a, r, "is_spam", c->status == COMMENT_SPAM);
	tv_set_bool(a, r, "is_trash", c->status == COMMENT_TRASH);
	tv_set_bool(a, r, "is_staff", c->user_id != 0);
	tv_set_bool(a, r, "is_mention", c->is_webmention);
	tv_set_str(a, r, "reason", c->spam_reason ? c->spam_reason : "");
	return r;
}

void admin_comments_list(struct page *p)
{
	struct arena *a = p->a;
	enum comment_status tab = comment_status_parse(http_query(p->req, "status", NULL));
	if (!tab)
		tab = COMMENT_PENDING;
	long long page = 1;
	const char *pg = http_query(p->req, "page", NULL);
	if (pg && text_int(pg, 1, 100000, &page) != 0)
		page = 1;
	long long counts[COMMENT_N_STATUSES + 1];
	comment_counts(p->db, counts);
	struct tv *ctx = admin_context(p, "Comments");
	struct tv *tl = tv_list(a);
	for (enum comment_status i = COMMENT_PENDING; i <= COMMENT_TRASH; i++) {
		struct tv *t = tv_map(a);
		tv_set_str(a, t, "label", tab_labels[i]);
		tv_set_int(a, t, "count", counts[i]);
		tv_set_str(a, t, "url", arena_printf(a, "/admin/comments/?status=%s",
		                                     comment_status_name(i)));
		tv_set_bool(a, t, "current", i == tab);
		tv_push(a, tl, t);
	}
	tv_set(a, ctx, "tabs", tl);
	tv_set_str(a, ctx, "tab", comment_status_name(tab));
	tv_set_str(a, ctx, "tab_label", tab_labels[tab]);
	size_t n;
	struct comment *list = comment_list(p->db, a, tab, PER_PAGE, (page - 1) * PER_PAGE, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++)
		tv_push(a, rows, comment_row(p, &list[i]));
	tv_set(a, ctx, "comments", rows);
	tv_set_bool(a, ctx, "has_comments", n > 0);
	if ((long long)(page * PER_PAGE) < counts[tab])
		tv_set_str(a, ctx, "next_url", arena_printf(a, "/admin/comments/?status=%s&page=%lld",
		                                            comment_status_name(tab), page + 1));
	else
		tv_set_bool(a, ctx, "next_url", 0);
	tv_set_str(a, ctx, "back", arena_printf(a, "/admin/comments/?status=%s",
	                                        comment_status_name(tab)));
	admin_render(p, 200, "admin_comments", ctx);
}

/* Applies a status change; 0 done, 1 no such comment, -1 error. */
static int apply(struct page *p, long long id, const char *action, const char **notice)
{
	if (!strcmp(action, "delete")) {
		struct comment c;
		if (comment_get(p->db, p->a, id, &c) != 0)
			return 1;
		*notice = "deleted";
		return comment_delete(p->db, id);
	}
	for (size_t i = 0; i < sizeof moves / sizeof *moves; i++)
		if (!strcmp(action, moves[i].action)) {
			*notice = moves[i].notice;
			return comment_moderate(p->db, id, moves[i].status);
		}
	return -2;
}

/* Where to go back to: the tab the form came from. */
static const char *back_to(struct page *p)
{
	const char *back = http_form(p->req, "back", NULL);
	enum comment_status tab = COMMENT_STATUS_NONE;
	if (back && !strncmp(back, "/admin/comments/?status=", 24))
		tab = comment_status_parse(back + 24);
	return arena_printf(p->a, "/admin/comments/?status=%s",
	                    comment_status_name(tab ? tab : COMMENT_PENDING));
}

void admin_comments_bulk(struct page *p)
{
	const char *action = http_form(p->req, "bulk_action", NULL);
	const char *notice = "bulk";
	int done = 0;
	http_form(p->req, "", NULL);
	for (size_t i = 0; action && i < p->req->n_form_params; i++) {
		const struct http_param *f = &p->req->form_params[i];
		long long id;
		if (strcmp(f->name, "ids") != 0 || text_int(f->value, 1, (long long)1 << 53, &id) != 0)
			continue;
		const char *ignored;
		int rc = apply(p, id, action, &ignored);
		if (rc == -2) {
			site_error(p, 400, "Unknown action", "Choose an action from the list.");
			return;
		}
		if (rc == 0)
			done++;
	}
	(void)done;
	admin_done(p, back_to(p), notice);
}

static void show_comment(struct page *p, int status, const struct comment *c,
                         const char *message, const char *reply_text)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Comment");
	tv_set(a, ctx, "comment", comment_row(p, c));
	tv_set_str(a, ctx, "body", c->body);
	tv_set_str(a, ctx, "reply", reply_text ? reply_text : "");
	tv_set_str(a, ctx, "url_text", c->author_url);
	tv_set_int(a, ctx, "max_body", COMMENT_MAX_BODY);
	tv_set_int(a, ctx, "max_name", COMMENT_MAX_NAME);
	tv_set_int(a, ctx, "max_email", COMMENT_MAX_EMAIL);
	tv_set_int(a, ctx, "max_url", COMMENT_MAX_URL);
	if (message)
		tv_set_str(a, ctx, "error", message);
	tv_set_str(a, ctx, "back", arena_printf(a, "/admin/comments/?status=%s",
	                                        comment_status_name(c->status)));
	admin_render(p, status, "admin_comment", ctx);
}

void admin_comment_show(struct page *p)
{
	struct comment c;
	if (comment_get(p->db, p->a, admin_param_id(p, 0), &c) != 0) {
		site_not_found(p);
		return;
	}
	show_comment(p, 200, &c, NULL, NULL);
}

void admin_comment_refuse(struct page *p, int status, const char *why)
{
	struct comment c;
	if (!p->user || comment_get(p->db, p->a, admin_param_id(p, 0), &c) != 0) {
		site_forbidden(p, why);
		return;
	}
	const char *reply;
	if (http_form(p->req, "body", NULL))
		http_form_text(p->req, "body", 0, &c.body, NULL);
	http_form_text(p->req, "reply", 0, &reply, NULL);
	show_comment(p, status, &c, why, reply);
}

/* A field as typed: NULL if it is not text (comment_check() says so). */
static const char *field(struct page *p, const char *name)
{
	const char *v;
	return http_form_text(p->req, name, 0, &v, NULL) == TEXT_INVALID ? NULL : v;
}

/* The first sentence comment_check() or comment_submit() gave. */
static const char *first_error(const struct comment_outcome *out)
{
	for (int i = 0; i < COMMENT_N_FIELDS; i++)
		if (out->errors[i])
			return out->errors[i];
	return out->message;
}

void admin_comment_action(struct page *p)
{
	long long id = admin_param_id(p, 0);
	struct comment c;
	if (comment_get(p->db, p->a, id, &c) != 0) {
		site_not_found(p);
		return;
	}
	const char *action = http_form(p->req, "action", NULL);
	if (!action) {
		site_error(p, 400, "No action", "Choose what to do with the comment.");
		return;
	}
	if (!strcmp(action, "edit")) {
		/* The same rules as a reader's comment (model/comment.c). */
		struct comment_post post = {
		    .name = field(p, "author"),
		    .email = field(p, "email"),
		    .url = field(p, "url"),
		    .body = field(p, "body"),
		};
		struct comment_outcome out;
		memset(&out, 0, sizeof out);
		if (comment_check(p->a, &post, &out)) {
			/* Shown back as typed. */
			c.author_name = post.name ? post.name : "";
			c.author_email = post.email ? post.email : "";
			c.author_url = post.url ? post.url : "";
			c.body = post.body ? post.body : "";
			show_comment(p, 422, &c, first_error(&out), NULL);
			return;
		}
		if (comment_update(p->db, id, post.name, post.email, out.url, post.body) != 0) {
			show_comment(p, 503, &c, "The comment could not be saved; try again.", NULL);
			return;
		}
		admin_done(p, arena_printf(p->a, "/admin/comments/%lld/", id), "edited");
		return;
	}
	if (!strcmp(action, "reply")) {
		struct comment_post post = {
		    .article_id = c.article_id,
		    .parent_id = id,
		    .name = p->user->name,
		    .email = p->user->email,
		    .url = "",
		    .body = field(p, "reply"),
		    .ip = p->req->remote_ip,
		    .user_agent = "",
		    .seconds_to_post = -1,
		    .user_id = p->user->id,
		};
		const char *typed = post.body ? post.body : "";
		struct comment_outcome out;
		memset(&out, 0, sizeof out);
		if (comment_check(p->a, &post, &out)) {
			show_comment(p, 422, &c, first_error(&out), typed);
			return;
		}
		/* Replying to a held comment approves it, as in WordPress. */
		if (c.status != COMMENT_APPROVED)
			comment_moderate(p->db, id, COMMENT_APPROVED);
		enum comment_result result = comment_submit(p->db, p->a, &p->app->settings, &post,
		                                            &out);
		if (result != COMMENT_STORED) {
			show_comment(p, result == COMMENT_UNAVAILABLE ? 503
			                : result == COMMENT_DUPLICATE ? 409 : 422,
			             &c, first_error(&out), typed);
			return;
		}
		admin_done(p, back_to(p), "replied");
		return;
	}
	const char *notice = "bulk";
	int rc = apply(p, id, action, &notice);
	if (rc == -2) {
		site_error(p, 400, "Unknown action", "Choose approve, unapprove, spam, trash, "
		                                     "restore or delete.");
		return;
	}
	if (rc != 0) {
		site_error(p, 503, "Not done", "The database did not take the change; try again.");
		return;
	}
	admin_done(p, back_to(p), notice);
}
