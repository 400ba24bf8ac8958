/*
** admin_comments.c: the moderation inbox.
**
** Pending, Approved, Spam and Trash, with counts; per comment: approve,
** unapprove, spam, trash, restore, delete for good, edit, and reply as
** staff (published at once, marked as the article author's when it is
** theirs).  Bulk actions apply one of those to every ticked comment.  This
** is the one place a commenter's email and IP are shown.  Approving or
** marking spam teaches the rules (comment_moderate).
**
** Who moderates what is comment_can_moderate()'s rule, asked here for
** every comment a page shows or a form touches: editors all, authors the
** comments on their own articles (the inbox lists only those).  Deleting
** for good takes only a comment in Spam or Trash, and only after a page
** that asks to confirm (no script needed).  A reply is shown with the
** comment it answers; a bulk action says how many it changed.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/account.h"
#include "model/comment.h"
#include "model/page.h"
#include "render/i18n.h"
#include "render/value.h"

#include <string.h>
#include <time.h>

#define PER_PAGE 50

/* The inbox's tabs, one per status, indexed by enum comment_status. */
static const char *const tab_labels[] = {"", N_("Pending"), N_("Approved"), N_("Spam"),
                                         N_("Trash")}; /* shown through tr() */

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

/* The start of a comment's text for a line: whitespace runs made one
** space, cut at about max bytes on a character's boundary, "…" if cut.
** Allocated in a. */
static const char *excerpt(struct arena *a, const char *text, size_t max)
{
	size_t len = strlen(text);
	char *out = arena_alloc(a, (len < max ? len : max) + 4);
	size_t k = 0;
	int space = 0;
	for (const char *s = text; *s && k < max; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') {
			space = k > 0;
			continue;
		}
		if (*s == '*' || *s == '`')
			continue; /* Markdown's emphasis and code marks, not text */
		if (space)
			out[k++] = ' ';
		space = 0;
		if (k < max)
			out[k++] = *s;
	}
	int cut = k >= max;
	while (cut && k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
		k--; /* a continuation byte: back to the character's start */
	if (cut && k > 0 && ((unsigned char)out[k - 1] & 0x80))
		k--; /* the lead byte of the cut character */
	if (cut) {
		memcpy(out + k, "…", 3);
		k += 3;
	}
	out[k] = 0;
	return out;
}

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
	/* A comment on a static page says so, and links to the page. */
	struct page_row pg;
	const char *on_url = NULL;
	if (c->page_id && page_by_id(p->db, a, c->page_id, &pg) == 0)
		on_url = site_page_path(a, pg.path);
	else if (!c->page_id)
		on_url = site_article_path(p, c->article_published_at, c->article_slug);
	tv_set_bool(a, r, "on_page", c->page_id != 0);
	tv_set_str(a, r, "article_url",
	           on_url ? arena_printf(a, "%s#comment-%lld", on_url, c->id) : "/admin/pages/");
	tv_set_str(a, r, "action_url", arena_printf(a, "/admin/comments/%lld/", c->id));
	tv_set_bool(a, r, "is_pending", c->status == COMMENT_PENDING);
	tv_set_bool(a, r, "is_approved", c->status == COMMENT_APPROVED);
	tv_set_bool(a, r, "is_spam", c->status == COMMENT_SPAM);
	tv_set_bool(a, r, "is_trash", c->status == COMMENT_TRASH);
	tv_set_bool(a, r, "is_staff", c->user_id != 0);
	tv_set_bool(a, r, "may_delete", c->status == COMMENT_SPAM || c->status == COMMENT_TRASH);
	tv_set_bool(a, r, "is_mention", c->is_webmention);
	tv_set_str(a, r, "reason", c->spam_reason ? c->spam_reason : "");
	if (c->parent_id) {
		/* The comment it answers: who, a line of what, and its page here
		** (one in a status the inbox does not list, e.g. deleted, is "").  */
		struct tv *par = tv_map(a);
		tv_set_str(a, par, "author", *c->parent_author ? c->parent_author
		                                                 : tr(p, "a deleted comment"));
		tv_set_str(a, par, "excerpt", excerpt(a, c->parent_body, 140));
		tv_set_str(a, par, "url", arena_printf(a, "/admin/comments/%lld/", c->parent_id));
		tv_set_bool(a, par, "is_held", c->parent_status != COMMENT_APPROVED &&
		                                   c->parent_status != COMMENT_STATUS_NONE);
		tv_set_str(a, par, "status", comment_status_name(c->parent_status));
		tv_set(a, r, "parent", par);
	} else {
		tv_set_bool(a, r, "parent", 0);
	}
	return r;
}

/* The bulk actions (bulk_done() says what each did). */
static const char *const bulk_actions[] = {"approve", "unapprove", "spam", "trash", "restore",
                                           "delete"};

/* "No comment was approved.", "1 comment approved.", "4 comments
** approved.": whole sentences, one plural entry per action (a translation
** inflects the verb with the count), or NULL for an unknown action. */
static const char *bulk_done(struct page *p, const char *action, long long n)
{
	int none = n == 0;
	if (!strcmp(action, "approve"))
		return none ? tr(p, "No comment was approved.")
		            : trn(p, "%lld comment approved.", "%lld comments approved.", n);
	if (!strcmp(action, "unapprove"))
		return none ? tr(p, "No comment was unapproved.")
		            : trn(p, "%lld comment unapproved.", "%lld comments unapproved.", n);
	if (!strcmp(action, "spam"))
		return none ? tr(p, "No comment was marked as spam.")
		            : trn(p, "%lld comment marked as spam.", "%lld comments marked as spam.", n);
	if (!strcmp(action, "trash"))
		return none ? tr(p, "No comment was moved to the trash.")
		            : trn(p, "%lld comment moved to the trash.",
		                  "%lld comments moved to the trash.", n);
	if (!strcmp(action, "restore"))
		return none ? tr(p, "No comment was restored.")
		            : trn(p, "%lld comment restored.", "%lld comments restored.", n);
	if (!strcmp(action, "delete"))
		return none ? tr(p, "No comment was deleted for good.")
		            : trn(p, "%lld comment deleted for good.",
		                  "%lld comments deleted for good.", n);
	return NULL;
}

/* What a bulk action did, from the redirect's ?done=bulk-ACTION&n=N&skipped=M:
** "4 comments approved.", plus those it left and why.  NULL if the query is
** not a bulk notice. */
static const char *bulk_notice(struct page *p)
{
	struct arena *a = p->a;
	const char *done = http_query(p->req, "done", NULL);
	if (!done || strncmp(done, "bulk-", 5) != 0)
		return NULL;
	long long n = 0, skipped = 0;
	const char *nq = http_query(p->req, "n", NULL);
	const char *sq = http_query(p->req, "skipped", NULL);
	if (!nq || text_int(nq, 0, 100000, &n) != 0)
		return NULL;
	const char *what = bulk_done(p, done + 5, n);
	if (!what)
		return NULL;
	if (sq && text_int(sq, 0, 100000, &skipped) != 0)
		skipped = 0;
	if (skipped > 0)
		what = arena_printf(a, "%s %s", what,
		                    trn(p, "%lld was left as it was (gone, or not one you may change).",
		                        "%lld were left as they were (gone, or not ones you may "
		                        "change).", skipped));
	return what;
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
	long long scope = admin_comment_scope(p);
	long long counts[COMMENT_N_STATUSES + 1];
	comment_counts(p->db, scope, counts);
	struct tv *ctx = admin_context(p, tr(p, "Comments"));
	const char *notice = bulk_notice(p);
	if (notice)
		tv_set_str(a, ctx, "notice", notice);
	tv_set_bool(a, ctx, "own_only", scope != 0);
	struct tv *tl = tv_list(a);
	for (enum comment_status i = COMMENT_PENDING; i <= COMMENT_TRASH; i++) {
		struct tv *t = tv_map(a);
		tv_set_str(a, t, "label", tr(p, tab_labels[i]));
		tv_set_int(a, t, "count", counts[i]);
		tv_set_str(a, t, "url", arena_printf(a, "/admin/comments/?status=%s",
		                                     comment_status_name(i)));
		tv_set_bool(a, t, "current", i == tab);
		tv_push(a, tl, t);
	}
	tv_set(a, ctx, "tabs", tl);
	tv_set_str(a, ctx, "tab", comment_status_name(tab));
	tv_set_str(a, ctx, "tab_label", tr(p, tab_labels[tab]));
	/* Deleting for good is offered only where it is allowed. */
	tv_set_bool(a, ctx, "may_delete", tab == COMMENT_SPAM || tab == COMMENT_TRASH);
	size_t n;
	struct comment *list = comment_list(p->db, a, tab, scope, PER_PAGE, (page - 1) * PER_PAGE,
	                                    &n);
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

/* How apply() ended. */
enum applied {
	APPLIED = 0,        /* done */
	APPLY_GONE,         /* no such comment */
	APPLY_NOT_YOURS,    /* comment_can_moderate() says no */
	APPLY_NOT_BINNED,   /* delete for good of one neither spam nor trash */
	APPLY_FAILED,       /* the database did not take it */
	APPLY_UNKNOWN,      /* no such action */
};

/* 1 if the signed-in user may moderate c (comment_can_moderate()). */
static int may_moderate(struct page *p, const struct comment *c)
{
	return comment_can_moderate(p->user->role, p->user->id, c->article_author_id);
}

/* Applies a status change, or a delete for good, to comment c (read by
** the caller) if the user may, and sets *notice to its notice key. */
static enum applied apply(struct page *p, const struct comment *c, const char *action,
                          const char **notice)
{
	if (!may_moderate(p, c))
		return APPLY_NOT_YOURS;
	if (!strcmp(action, "delete")) {
		if (c->status != COMMENT_SPAM && c->status != COMMENT_TRASH)
			return APPLY_NOT_BINNED;
		*notice = "deleted";
		return comment_delete(p->db, c->id) == 0 ? APPLIED : APPLY_FAILED;
	}
	for (size_t i = 0; i < sizeof moves / sizeof *moves; i++)
		if (!strcmp(action, moves[i].action)) {
			*notice = moves[i].notice;
			int rc = comment_moderate(p->db, c->id, moves[i].status);
			return rc == 0 ? APPLIED : rc == 1 ? APPLY_GONE : APPLY_FAILED;
		}
	return APPLY_UNKNOWN;
}

/* 1 if action names something apply() does. */
static int known_action(const char *action)
{
	for (size_t i = 0; i < sizeof bulk_actions / sizeof *bulk_actions; i++)
		if (!strcmp(action, bulk_actions[i]))
			return 1;
	return 0;
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

/* The page that asks before deleting for good: the comments (those the
** user may delete, in Spam or Trash), and a form sending them back to the
** bulk handler with confirm=yes.  Nothing is deleted until it is sent. */
static void confirm_delete(struct page *p, const struct comment *list, size_t n,
                           const char *back)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, n == 1 ? tr(p, "Delete this comment for good?")
	                                         : tr(p, "Delete these comments for good?"));
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++)
		tv_push(a, rows, comment_row(p, &list[i]));
	tv_set(a, ctx, "comments", rows);
	tv_set_str(a, ctx, "n_text", trn(p, "This comment will be deleted for good.",
	                                 "These %lld comments will be deleted for good.", n));
	tv_set_int(a, ctx, "n", (long long)n);
	tv_set_str(a, ctx, "back", back);
	admin_render(p, 200, "admin_comment_delete", ctx);
}

void admin_comments_bulk(struct page *p)
{
	struct arena *a = p->a;
	const char *action = http_form(p->req, "bulk_action", NULL);
	if (!action || !known_action(action)) {
		admin_refusal(p, 400, tr(p, "Unknown action"), tr(p, "Choose an action from the list."));
		return;
	}
	const char *confirm = http_form(p->req, "confirm", NULL);
	int confirmed = confirm && !strcmp(confirm, "yes");
	long long done = 0, skipped = 0;
	size_t n_to_confirm = 0;
	struct comment *to_confirm = NULL;
	http_form(p->req, "", NULL);
	for (size_t i = 0; i < p->req->n_form_params; i++) {
		const struct http_param *f = &p->req->form_params[i];
		long long id;
		if (strcmp(f->name, "ids") != 0 || text_int(f->value, 1, (long long)1 << 53, &id) != 0)
			continue;
		struct comment c;
		if (comment_get(p->db, a, id, &c) != 0) {
			skipped++;
			continue;
		}
		if (!strcmp(action, "delete") && !confirmed) {
			/* Asked first: only those it could delete are listed. */
			if (!may_moderate(p, &c) ||
			    (c.status != COMMENT_SPAM && c.status != COMMENT_TRASH)) {
				skipped++;
				continue;
			}
			if (!to_confirm)
				to_confirm = arena_alloc(a, p->req->n_form_params * sizeof *to_confirm);
			to_confirm[n_to_confirm++] = c;
			continue;
		}
		const char *ignored;
		if (apply(p, &c, action, &ignored) == APPLIED)
			done++;
		else
			skipped++;
	}
	if (n_to_confirm) {
		confirm_delete(p, to_confirm, n_to_confirm, back_to(p));
		return;
	}
	admin_done(p, back_to(p), arena_printf(a, "bulk-%s&n=%lld&skipped=%lld", action, done,
	                                       skipped));
}

static void show_comment(struct page *p, int status, const struct comment *c,
                         const char *message, const char *reply_text)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Comment"));
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

static const char NOT_YOURS[] = N_("You may moderate only the comments on your own articles. "
                                   "Ask an editor if this one needs attention.");

void admin_comment_show(struct page *p)
{
	struct comment c;
	if (comment_get(p->db, p->a, admin_param_id(p, 0), &c) != 0) {
		site_not_found(p);
		return;
	}
	if (!may_moderate(p, &c)) {
		site_forbidden(p, tr(p, NOT_YOURS));
		return;
	}
	show_comment(p, 200, &c, NULL, NULL);
}

void admin_comment_refuse(struct page *p, int status, const char *why)
{
	struct comment c;
	if (!p->user || comment_get(p->db, p->a, admin_param_id(p, 0), &c) != 0 ||
	    !may_moderate(p, &c)) {
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
	if (!may_moderate(p, &c)) {
		site_forbidden(p, tr(p, NOT_YOURS));
		return;
	}
	const char *action = http_form(p->req, "action", NULL);
	if (!action) {
		admin_refusal(p, 400, tr(p, "No action"), tr(p, "Choose what to do with the comment."));
		return;
	}
	if (!strcmp(action, "delete")) {
		/* Only from Spam or Trash, and only once confirmed. */
		const char *confirm = http_form(p->req, "confirm", NULL);
		if (c.status != COMMENT_SPAM && c.status != COMMENT_TRASH) {
			admin_refusal(p, 409, tr(p, "Not deleted"),
			           tr(p, "Only a comment in Spam or Trash can be deleted for good. Move it "
			                 "to the trash first."));
			return;
		}
		if (!confirm || strcmp(confirm, "yes") != 0) {
			confirm_delete(p, &c, 1, back_to(p));
			return;
		}
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
			show_comment(p, 503, &c, tr(p, "The comment could not be saved; try again."), NULL);
			return;
		}
		admin_done(p, arena_printf(p->a, "/admin/comments/%lld/", id), "edited");
		return;
	}
	if (!strcmp(action, "reply")) {
		struct comment_post post = {
		    .article_id = c.article_id,
		    .page_id = c.page_id,
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
	enum applied rc = apply(p, &c, action, &notice);
	if (rc == APPLY_UNKNOWN) {
		admin_refusal(p, 400, tr(p, "Unknown action"), tr(p, "Choose approve, unapprove, spam, trash, "
		                                              "restore or delete."));
		return;
	}
	if (rc == APPLY_GONE) {
		site_not_found(p);
		return;
	}
	if (rc != APPLIED) {
		site_error(p, 503, tr(p, "Not done"), tr(p, "The database did not take the change; try again."));
		return;
	}
	admin_done(p, back_to(p), notice);
}
