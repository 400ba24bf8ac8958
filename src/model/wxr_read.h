/*
** wxr_read.h: a streaming reader of WordPress eXtended RSS (WXR 1.0, 1.1,
** 1.2), the export WordPress 3.x to 6.x writes.
**
** The file is read with libxml2's xmlTextReader, one node at a time: only
** the item being read (with its comments and post meta) is ever held, so
** memory stays flat whatever the export's size.  Each author, category,
** tag, term and item is handed to a callback as soon as its closing tag is
** read; its strings live until the callback returns.
**
** Hostile files: no DTD is loaded and no external entity is ever read or
** fetched (no XML_PARSE_NOENT, no XML_PARSE_DTDLOAD, XML_PARSE_NONET); a
** WXR export never has a DOCTYPE, so one is refused outright, which also
** refuses every entity declaration (a "billion laughs" file stops at its
** first line).  A field longer than its cap (WXR_MAX_TEXT for content,
** WXR_MAX_FIELD for the rest) or an item larger than WXR_MAX_ITEM in all
** is refused with its line.
**
** No database here: the importer (wxr_import.c) decides what each thing
** becomes.
*/
#ifndef BYLINE_MODEL_WXR_READ_H
#define BYLINE_MODEL_WXR_READ_H

#include <stddef.h>

#define WXR_MAX_TEXT (16u * 1024 * 1024)  /* bytes of one post's content */
#define WXR_MAX_FIELD (1024u * 1024)      /* bytes of any other field */
#define WXR_MAX_ITEM (64u * 1024 * 1024)  /* bytes of one item, comments included */

/* The export as a whole (<channel>'s own fields). */
struct wxr_channel {
	const char *version;       /* wp:wxr_version: "1.0", "1.1", "1.2" */
	const char *title;         /* the site's name */
	const char *link;          /* <link>: the site's address */
	const char *base_site_url; /* wp:base_site_url ("" in 1.0) */
	const char *base_blog_url; /* wp:base_blog_url */
	const char *timezone;      /* wp:timezone_string: the site's time zone, which
	                              Byline's export writes ("" in WordPress's) */
};

struct wxr_author {
	long long id;              /* wp:author_id (0 in WXR 1.0) */
	const char *login;         /* wp:author_login */
	const char *email;         /* wp:author_email */
	const char *display_name;  /* wp:author_display_name, as written */
	const char *first_name;    /* wp:author_first_name */
	const char *last_name;     /* wp:author_last_name */
};

/* A category, tag or other term: wp:category, wp:tag and wp:term all
** come as this, with taxonomy "category", "post_tag" or the term's own. */
struct wxr_term {
	long long id;              /* wp:term_id */
	const char *taxonomy;      /* category, post_tag, nav_menu, ... */
	const char *slug;          /* nicename, as exported (maybe %-encoded) */
	const char *parent;        /* the parent's slug, "" for none */
	const char *name;          /* shown */
	const char *description;   /* "" for none */
	int is_generic;            /* read from <wp:term>, which WordPress 4.x and
	                              later also writes for categories and tags */
};

/* A <category domain=... nicename=...> inside an item. */
struct wxr_item_term {
	const char *domain;        /* category, post_tag, ... */
	const char *slug;          /* nicename */
	const char *name;          /* text */
};

struct wxr_meta {
	const char *key;           /* wp:meta_key */
	const char *value;         /* wp:meta_value */
};

struct wxr_comment {
	long long id;              /* wp:comment_id */
	long long parent;          /* wp:comment_parent, 0 for top level */
	long long user_id;         /* wp:comment_user_id, 0 for a reader */
	const char *author;        /* wp:comment_author */
	const char *email;         /* wp:comment_author_email */
	const char *url;           /* wp:comment_author_url */
	const char *ip;            /* wp:comment_author_IP */
	const char *date;          /* wp:comment_date, the site's local time */
	const char *date_gmt;      /* wp:comment_date_gmt */
	const char *content;       /* wp:comment_content */
	const char *approved;      /* "1", "0", "spam", "trash", "post-trashed" */
	const char *type;          /* "", "comment", "pingback", "trackback" */
	const char *agent;         /* wp:comment_agent */
};

struct wxr_item {
	int line;                  /* where <item> starts in the file */
	long long id;              /* wp:post_id */
	long long parent;          /* wp:post_parent */
	long long menu_order;      /* wp:menu_order */
	int is_sticky;             /* wp:is_sticky */
	const char *title;         /* <title> */
	const char *link;          /* <link>: its address on the old site */
	const char *guid;          /* <guid> */
	const char *creator;       /* dc:creator: the author's login */
	const char *content;       /* content:encoded: the stored HTML */
	const char *excerpt;       /* excerpt:encoded */
	const char *post_name;     /* wp:post_name: the slug (maybe %-encoded, maybe "") */
	const char *status;        /* wp:status: publish, draft, pending, future, private, ... */
	const char *post_type;     /* wp:post_type: post, page, attachment, nav_menu_item, ... */
	const char *post_date;     /* wp:post_date, local, "YYYY-MM-DD HH:MM:SS" */
	const char *post_date_gmt; /* wp:post_date_gmt, "0000-00-00 00:00:00" when floating */
	const char *comment_status; /* open, closed */
	const char *password;      /* wp:post_password, "" for none */
	const char *attachment_url; /* wp:attachment_url (attachments) */
	struct wxr_item_term *terms; /* its categories and tags */
	size_t n_terms;
	struct wxr_meta *meta;     /* wp:postmeta */
	size_t n_meta;
	struct wxr_comment *comments; /* wp:comment, in file order */
	size_t n_comments;
};

/* What the reader calls; any callback may be NULL.  A callback returning
** non-zero stops the read (wxr_read returns that value, err untouched). */
struct wxr_handler {
	void *ctx;
	int (*channel)(void *ctx, const struct wxr_channel *c); /* once, before the first
	                                                          author, term or item */
	int (*author)(void *ctx, const struct wxr_author *au);
	int (*term)(void *ctx, const struct wxr_term *t);
	int (*item)(void *ctx, const struct wxr_item *it);
};

/* Why a read failed: a sentence and where ("line 12, column 4"). */
struct wxr_error {
	int line;                  /* 0 if unknown */
	int column;                /* 0 if unknown */
	char msg[300];             /* one sentence */
};

/* Reads the export at path (or data[0..len)), calling h as things are read.
** Returns 0 when the whole file was read and is a WXR export; -1 with err
** filled when it is not XML, is cut short, is not WXR, holds a DTD, or has
** a field over its cap; or a callback's non-zero value. */
int wxr_read_file(const char *path, const struct wxr_handler *h, struct wxr_error *err);
int wxr_read_memory(const char *data, size_t len, const struct wxr_handler *h,
                    struct wxr_error *err);

/* The value of meta key in it, or NULL. */
const char *wxr_meta_get(const struct wxr_item *it, const char *key);

#endif
