/*
** export.h: the whole site as a WordPress eXtended RSS file (WXR 1.2), as
** WordPress's own exporter writes it: what WordPress, or another Byline
** (import-wordpress), reads back.
**
** Written as it is read, item by item (a few rows in memory at a time,
** whatever the site's size).  Holds: the authors (wp:author: login, email,
** display name; never a password hash), sections as categories with their
** parents and descriptions, tags, media as attachments, pages with their
** parents, articles with their tags, section, featured image
** (_thumbnail_id), stickiness and comments (status and threads).
**
** Ids: WordPress has one id space for posts, pages and attachments.  An
** article keeps its id (so /?p=ID, the feeds' guids, still names it); a
** page is max(article id) + its id; an attachment max(article id) +
** max(page id) + its id.  Bodies are the rendered HTML (content:encoded),
** their Markdown source in the post meta _byline_markdown; slugs as
** WordPress writes them ("caf%c3%a9").  Article
** statuses map back: published -> publish, draft, pending, scheduled ->
** future, private.  Comments: approved -> 1, pending -> 0, spam, trash.
*/
#ifndef BYLINE_MODEL_EXPORT_H
#define BYLINE_MODEL_EXPORT_H

#include <stddef.h>

struct db;

/* Where the bytes go: returns 0, or -1 to stop (a full disk). */
typedef int (*export_write)(void *ctx, const char *bytes, size_t n);

/* What was written, for the command's summary. */
struct export_counts {
	long long authors, categories, tags, attachments, pages, posts, comments;
};

/* Writes the site in db as WXR 1.2 through write(ctx, ...).  base is the
** site's absolute address without a trailing slash ("https://news.example")
** for links and attachment URLs; "" writes paths alone ("/media/x.jpg").
** Dates in the site's time zone (the timezone setting; the caller has set
** it with text_set_timezone()).  0, or -1 with a reason in err. */
int export_wxr(struct db *db, const char *base, export_write write, void *ctx,
               struct export_counts *counts, char *err, size_t errlen);

#endif
