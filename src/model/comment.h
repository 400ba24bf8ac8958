/*
** comment.h: readers' comments: storing, moderating, reading for pages.
**
** The email and IP are stored for moderators only.  Public reads
** (comment_for_article, comment_by_id) never select them, so a page cannot
** print what it was never given.
*/
#ifndef BYLINE_MODEL_COMMENT_H
#define BYLINE_MODEL_COMMENT_H

#include "model/account.h"
#include "model/status.h"

#include <stddef.h>
#include <stdint.h>

/* What a comment may hold, in characters (WordPress's limits), for every
** way in: the form, the desk, the API.  Templates get them as maxlength. */
#define COMMENT_MAX_NAME 245
#define COMMENT_MAX_EMAIL 100
#define COMMENT_MAX_URL 200
#define COMMENT_MAX_BODY 65525

struct db;
struct arena;
struct settings;

/* What a comment is on: an article or a static page, exactly one of the
** two (the table's CHECK, migration 31). */
struct comment_target {
	long long article_id;    /* the article, or 0 */
	long long page_id;       /* the static page (model/page.h), or 0 */
};

#define COMMENT_ON_ARTICLE(id) ((struct comment_target){(id), 0})
#define COMMENT_ON_PAGE(id) ((struct comment_target){0, (id)})

struct comment {
	long long id;            /* comments.id */
	long long article_id;    /* the article it is on, or 0 (on a page) */
	long long page_id;       /* the static page it is on, or 0 (on an article) */
	long long parent_id;     /* 0 for a top-level comment */
	const char *author_name; /* as typed */
	const char *author_url;  /* "" or an http(s) URL */
	const char *body;        /* Markdown as typed */
	const char *body_html;   /* sanitized HTML made from body */
	enum comment_status status; /* pending, approved, spam, trash */
	long long created_at;    /* seconds, UTC */
	long long user_id;       /* staff who wrote it (a reply from the desk), else 0 */
	int is_article_author;   /* written by the article's own author */
	int is_webmention;       /* a Webmention (its kind), shown as a reaction */
	const char *author_email; /* moderation reads only, else NULL */
	const char *ip;           /* moderation reads only, else NULL */
	const char *article_slug; /* moderation and feed reads only, else NULL;
	                          ** a page's slug for a comment on a page */
	const char *article_headline;   /* moderation and feed reads only (a page's title) */
	long long article_published_at; /* moderation and feed reads only */
	const char *user_agent;   /* moderation reads only */
	const char *spam_reason;  /* moderation reads only: why it was held or not */
	long long article_author_id; /* moderation reads only: the article's (or
	                             ** page's) author, 0 if none */
	const char *parent_author; /* moderation reads only: a reply's parent's name, else "" */
	const char *parent_body;   /* moderation reads only: its Markdown, else "" */
	enum comment_status parent_status; /* moderation reads only: its status, else NONE */
};

struct comment_input {
	long long article_id;    /* must exist, or 0 for a comment on page_id */
	long long page_id;       /* the page it is on when article_id is 0 */
	long long parent_id;     /* 0, or an approved comment on the same article or page */
	const char *author_name; /* checked by the caller (comment_check) */
	const char *author_email;
	const char *author_url;
	const char *body;
	const char *ip;
	const char *user_agent;
	enum comment_status status; /* from comment_decide() */
	long long created_at;    /* 0 = now */
	long long user_id;       /* staff author of a desk reply, else 0 */
	double spam_score;       /* the filter's probability, -1 for none */
	const char *spam_reason; /* from comment_decide(), shown in the inbox */
	const char *ip_net;      /* comment_ip_net(ip) */
	const char *kind;        /* "" a comment, "webmention" a mention (NULL: "") */
};

/* ---- posting: the rules every way in shares ---- */

/* A submitted comment's fields, as given: trimmed, and NULL for a field
** the reader could not read as text (http_form_text() said TEXT_INVALID). */
enum comment_field { COMMENT_BODY, COMMENT_NAME, COMMENT_EMAIL, COMMENT_URL, COMMENT_N_FIELDS };

struct comment_post {
	long long article_id;   /* a published article taking comments (the caller's check) */
	long long page_id;      /* or, article_id 0, a published page taking comments */
	long long parent_id;    /* 0, the comment replied to, or -1 if unreadable */
	const char *name;       /* required, one line, nothing invisible */
	const char *email;      /* required, email_valid() */
	const char *url;        /* "" or a web address ("example.com" gets http://) */
	const char *body;       /* required Markdown */
	const char *ip;         /* the writer's address ("" for none) */
	const char *user_agent; /* or NULL; kept to 255 bytes */
	int seconds_to_post;    /* since the form was served, -1 unknown (noted) */
	long long user_id;      /* staff (a desk reply): approved at once, no flood
	                        ** window; else 0 */
	int is_webmention;      /* 1: a verified Webmention (email may be "", no
	                        ** flood window, held even when the rules would
	                        ** approve it; web/webmention.c) */
};

/* How a post ended.  The web layer maps it to a status code. */
enum comment_result {
	COMMENT_STORED = 0,   /* stored and committed (durable) */
	COMMENT_REFUSED,      /* a field or the parent is wrong: errors[], message */
	COMMENT_TOO_SOON,     /* the address's or its network's flood window */
	COMMENT_DUPLICATE,    /* the same person said the same thing here */
	COMMENT_UNAVAILABLE,  /* the database failed; nothing was stored */
};

struct comment_outcome {
	enum comment_result result;
	const char *errors[COMMENT_N_FIELDS]; /* a sentence per bad field, or NULL */
	/* What a field's errors[] sentence says, for a page that writes it in
	** its readers' language: the text verdict (TEXT_OK when the sentence
	** is another, such as a missing field), its length in characters when
	** TOO_LONG, and the code point a name may not hold (0: none). */
	int verdict[COMMENT_N_FIELDS];
	size_t chars[COMMENT_N_FIELDS];
	uint32_t name_hidden;
	const char *message;    /* about the post as a whole (any result but STORED), or NULL */
	const char *url;        /* the website as stored ("http://" added) */
	long long parent_id;    /* the parent as stored; 0 when it was not found */
	long long id;           /* STORED: the new comment */
	enum comment_status status; /* STORED: approved, pending or spam */
	long long retry_after;  /* TOO_SOON, UNAVAILABLE: seconds to wait */
	int is_flood;           /* TOO_SOON from this address's last comment: message
	                        ** counts retry_after's seconds in English; a page
	                        ** in another language writes its own plural */
};

/* Checks a post's fields alone (no database): each present and valid
** text within its COMMENT_MAX_* (refused, never cut), the name one line
** with no control, bidi or invisible character (utf8_is_hidden()), the
** email email_valid(), the website an http(s) URL.  Fills out->errors,
** out->url and out->message; returns the number of bad fields. */
int comment_check(struct arena *a, const struct comment_post *post, struct comment_outcome *out);

/* Posts a comment: the one function every way in calls.  comment_check(),
** then the parent (an approved comment on the same article), then in one
** write transaction: the flood window of the address (s->
** comment_flood_seconds) and of its /24 or /64 network (20 a minute),
** the duplicate check, comment_decide() (staff: approved), and the insert;
** committed before it returns.  Strings in out are allocated in a. */
enum comment_result comment_submit(struct db *db, struct arena *a, const struct settings *s,
                                   const struct comment_post *post,
                                   struct comment_outcome *out);

/* Stores a comment, rendering its body as untrusted Markdown.  Returns the
** id, or -1 (err says why; DB_BUSY/DB_FULL failures say so). */
long long comment_add(struct db *db, const struct comment_input *in, char *err,
                      size_t errlen);

/* COMMENT_APPROVED, _PENDING or _SPAM for a new comment, with the reasons in
** why and the spam filter's probability in *score (-1 untrained).  Spam:
** the commenter was marked spam before (comment_learn), a blocklist word
** appears, or the trained filter is sure (>= 0.95); held when it is unsure
** (>= 0.6).  seconds_to_post (from the form token; -1 unknown) is noted.
** Otherwise by the site's policy: hold all; hold first-time commenters (same
** name and email neither approved before nor taught good); or none; and
** always hold one with max_links or more links. */
enum comment_status comment_decide(struct db *db, const struct settings *s,
                           const struct comment_input *in, int seconds_to_post,
                           char *why, size_t whylen, double *score);

/* The network of an address, for floods from many addresses: "a.b.c.0/24"
** or the IPv6 /64 ("2001:db8:1:2::/64").  Allocated in a. */
char *comment_ip_net(struct arena *a, const char *ip);

/* Comments stored from that network in the last `seconds`. */
long long comment_count_from_net(struct db *db, const char *net, long long seconds);

/* Number of links in a comment body (http://, https://, www.). */
int comment_count_links(const char *body);

/* What an article page shows of its comments. */
struct comment_page {
	struct comment *list; /* the page's comments, oldest first (ties by id) */
	size_t n;             /* entries in list */
	long long threads;    /* visible top-level comments: what is paged */
	long long approved;   /* approved comments, shown or not: the title's count */
};

/* What comment id is on: 0 (out filled), 1 no such comment, -1 error.  For
** other parts (the API, webhooks) that need to tell a page's comment from
** an article's. */
int comment_target(struct db *db, long long id, struct comment_target *out);

/* comment_page_read(), comment_page_of() and comment_by_id() for a comment
** on either kind of target: the article functions below are these with
** COMMENT_ON_ARTICLE(). */
int comment_thread_read(struct db *db, struct arena *a, struct comment_target on,
                        const long long *own, size_t n_own, int per_page, int page,
                        struct comment_page *out);
int comment_thread_page_of(struct db *db, struct arena *a, struct comment_target on,
                           long long id, const long long *own, size_t n_own, int per_page);
int comment_on_by_id(struct db *db, struct arena *a, long long id, struct comment_target on,
                     struct comment *out);

/* Page `page` (from 1) of an article's comment threads: per_page top-level
** comments, oldest first, with all their replies; per_page 0 for all.
** Visible are approved comments, plus the pending ones whose ids are in
** own[] (the viewer's own held comments); a reply shows only when its
** parent does.  A page past the last has no comments (out->threads says
** how many pages there are).  One index walk over the article's comments
** decides everything; only the page's rows are read.  0, or -1 if a read
** failed.  Allocated in a. */
int comment_page_read(struct db *db, struct arena *a, long long article_id,
                      const long long *own, size_t n_own, int per_page, int page,
                      struct comment_page *out);

/* comment_page_read()'s list alone. */
struct comment *comment_for_article(struct db *db, struct arena *a, long long article_id,
                                    const long long *own, size_t n_own, int per_page,
                                    int page, size_t *n);

/* Top-level comments visible (as above): the number of threads to page. */
long long comment_count_threads(struct db *db, struct arena *a, long long article_id,
                                const long long *own, size_t n_own);

/* The comment page (from 1) that shows comment id's thread. */
int comment_page_of(struct db *db, struct arena *a, long long article_id, long long id,
                    const long long *own, size_t n_own, int per_page);

long long comment_count_approved(struct db *db, long long article_id);

/* An approved comment on article_id (for replies).  0, 1 not found, -1. */
int comment_by_id(struct db *db, struct arena *a, long long id, long long article_id,
                  struct comment *out);

/* Seconds since the IP's newest stored comment, or -1 if it has none. */
long long comment_seconds_since_ip(struct db *db, const char *ip);

/* 1 if the same person already posted this text here (WordPress's rule:
** same article and parent, same name or email, same text, not trashed). */
int comment_is_duplicate(struct db *db, const struct comment_input *in);

/* Sets a comment's status.  0, 1 if no such comment, -1 on error. */
int comment_set_status(struct db *db, long long id, enum comment_status status);

/* A moderator's decision: sets the status and teaches the rules (approved:
** the commenter becomes known-good; spam: known-bad).  0, 1 if no such
** comment, -1 on error. */
int comment_moderate(struct db *db, long long id, enum comment_status status);

/* The newest `limit` approved comments on published articles, newest first:
** of one article, or of the whole site when article_id is 0.  For the
** comment feeds: the public fields plus article_slug, article_headline and
** article_published_at; author_email, ip and user_agent are NULL (never
** selected).  Allocated in a. */
struct comment *comment_recent_approved(struct db *db, struct arena *a, long long article_id,
                                        int limit, size_t *n);

/* ---- moderation ---- */

/* May someone of this role (user_id) moderate the comments on an article
** written by article_author_id: approve, unapprove, spam, trash, restore,
** edit, reply, delete for good?  The one home of the rule; every way in
** (the desk's inbox, a comment's screen, bulk actions, the API) asks it.
** As in WordPress, where moderating a comment is editing it and maps to
** editing its post: editors and administrators every comment; an author
** those on the articles they own; contributors none (their articles are
** never published while theirs to edit).  Co-authors (model/byline.h) do
** not count: they cannot edit the article either (admin_can_edit()), and a
** byline credit should not hand out the moderation of strangers' emails.
** A static page's comments go by the same rule, with the page's author
** (comment.article_author_id holds it for a comment on a page). */
int comment_can_moderate(enum role role, long long user_id, long long article_author_id);

/* Comments for moderators, newest first, optionally of one status
** (COMMENT_STATUS_NONE for all), with email and IP, the article's (or
** page's) author and a reply's parent; only those on author_id's articles
** and pages unless it is 0.
** Allocated in a. */
struct comment *comment_list(struct db *db, struct arena *a, enum comment_status status,
                             long long author_id, int limit, long long offset, size_t *n);

/* One comment with everything moderators see.  0, 1 not found, -1 error. */
int comment_get(struct db *db, struct arena *a, long long id, struct comment *out);

/* Comments per status: counts[COMMENT_PENDING] ... counts[COMMENT_TRASH]
** (counts[0] unused); only on author_id's articles unless it is 0. */
void comment_counts(struct db *db, long long author_id, long long counts[COMMENT_N_STATUSES + 1]);

/* Comments held for a moderator (the desk's badge): one index range, not a
** count of every status; only on author_id's articles unless it is 0. */
long long comment_count_pending(struct db *db, long long author_id);

/* A moderator's edit (body re-rendered).  0 or -1. */
int comment_update(struct db *db, long long id, const char *name, const char *email,
                   const char *url, const char *body);

/* Deletes for good; its replies move up to its parent.  0 or -1. */
int comment_delete(struct db *db, long long id);

/* Teaches the moderation rules: VERDICT_GOOD approves this commenter's
** later comments at once, VERDICT_BAD sends them to spam.  0 or -1. */
int comment_learn(struct db *db, const char *name, const char *email,
                  enum commenter_verdict verdict);

/* Renders again every comment made by another MARKDOWN_VERSION of the
** sanitiser (schema_migrate() calls it at every start, as it does
** article_render_stale()), so a fix to the sanitiser reaches comments
** already stored before any page is served.  Returns how many, or -1 on a
** database error. */
int comment_render_stale(struct db *db);

#endif
