/*
** status.h: the statuses of articles, pages and comments (and the
** verdict on a commenter), as enums.
**
** The database keeps a status as text ('draft', 'approved', ...), checked
** by a CHECK constraint (schema.c); the model converts at the boundary, so
** structs carry the enum and code compares enums, never strings.  Each
** kind has a parse and a name function, as roles have (account.h):
** parse gives the _NONE value for anything unknown (or NULL), name gives
** the stored text ("" for _NONE).  They live together here, rather than in
** article.h and comment.h, because the web layer's lists and the CLI need
** them without the rest of either model.
*/
#ifndef BYLINE_MODEL_STATUS_H
#define BYLINE_MODEL_STATUS_H

/* An article's status.  Only ARTICLE_PUBLISHED is public; the scheduler
** turns ARTICLE_SCHEDULED into ARTICLE_PUBLISHED when its time comes.
** ARTICLE_PRIVATE (published for staff only) is stored as a 'draft' row
** marked is_private (article.c says why); the model reads it back as
** 'private'.  The statuses from ARTICLE_SCHEDULED on need the right to
** publish.  ARTICLE_TRASH (thrown away, restorable for 30 days) is stored
** the same way, as a 'draft' row with trashed_at set (migration 23): it is
** never chosen in the editor, only by article_trash(). */
enum article_status {
	ARTICLE_STATUS_NONE = 0, /* unknown; in a filter: any */
	ARTICLE_DRAFT,           /* "draft": being written */
	ARTICLE_PENDING,         /* "pending": submitted for review */
	ARTICLE_SCHEDULED,       /* "scheduled": published at published_at */
	ARTICLE_PUBLISHED,       /* "published": public */
	ARTICLE_PRIVATE,         /* "private": published for staff only, never public */
	ARTICLE_TRASH,           /* "trash": thrown away; public addresses answer 410 */
};
#define ARTICLE_N_STATUSES 6 /* ARTICLE_DRAFT .. ARTICLE_TRASH */

enum article_status article_status_parse(const char *s);
const char *article_status_name(enum article_status s);  /* "draft", ... */
const char *article_status_label(enum article_status s); /* "Pending review", ... */

/* A comment's status.  Only COMMENT_APPROVED is public. */
enum comment_status {
	COMMENT_STATUS_NONE = 0, /* unknown; in a filter: any */
	COMMENT_PENDING,         /* "pending": held for a moderator */
	COMMENT_APPROVED,        /* "approved": public */
	COMMENT_SPAM,            /* "spam": judged spam */
	COMMENT_TRASH,           /* "trash": thrown away (a moderator may restore it) */
};
#define COMMENT_N_STATUSES 4 /* COMMENT_PENDING .. COMMENT_TRASH */

enum comment_status comment_status_parse(const char *s);
const char *comment_status_name(enum comment_status s); /* "pending", ... */

/* A static page's status.  Only PAGE_PUBLISHED is public. */
enum page_status {
	PAGE_STATUS_NONE = 0, /* unknown; in a filter: any */
	PAGE_DRAFT,           /* "draft" */
	PAGE_PUBLISHED,       /* "published": public */
	PAGE_PRIVATE,         /* "private": for staff only, never public */
	PAGE_TRASH,           /* "trash": thrown away (stored as a draft with
	                         trashed_at); its path answers 410 */
};
#define PAGE_N_STATUSES 3 /* PAGE_DRAFT .. PAGE_PRIVATE: those a page is saved with */

enum page_status page_status_parse(const char *s);
const char *page_status_name(enum page_status s);  /* "draft", ... */
const char *page_status_label(enum page_status s); /* "Private (staff only)", ... */

/* What moderators taught about a commenter (commenters.verdict): approving
** a comment teaches good, marking one spam teaches bad. */
enum commenter_verdict {
	VERDICT_NONE = 0, /* a stranger: nothing taught */
	VERDICT_GOOD,     /* "good": later comments are approved at once */
	VERDICT_BAD,      /* "bad": later comments go to spam */
};

enum commenter_verdict commenter_verdict_parse(const char *s);
const char *commenter_verdict_name(enum commenter_verdict v); /* "good", "bad" */

/* What the verification of a received Webmention found
** (webmentions_in.verdict, migration 32). */
enum webmention_verdict {
	WM_PENDING = 0,     /* "": not checked yet */
	WM_VERIFIED,        /* "verified": the source links to the target */
	WM_NO_LINK,         /* "no_link": fetched, and no link to the target */
	WM_UNREACHABLE,     /* "unreachable": the source could not be fetched */
	WM_HTTP_ERROR,      /* "http_error": the source answered, not 2xx */
};

enum webmention_verdict webmention_verdict_parse(const char *s);
const char *webmention_verdict_name(enum webmention_verdict v);  /* "verified", ... */
const char *webmention_verdict_label(enum webmention_verdict v); /* "Verified", ... */

#endif
