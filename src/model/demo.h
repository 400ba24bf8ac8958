/*
** demo.h: the demo site, so that a new installation has something to show.
**
** `byline demo` and the first `byline serve` on an empty database fill the
** site with The Harbor Ledger, a fictional daily newspaper of the fictional
** coastal city of Port Averill: settings, four authors, six sections, a
** dozen articles with shared tags, and readers' comments (a threaded
** conversation, some held for moderation).  Every word of it was written for
** Byline; people, places and email addresses are invented (the addresses are
** on the reserved example.com / example.org / example.net domains and the IP
** addresses are in the RFC 5737 documentation ranges).
**
** The dates are fixed (August to October 2026), not relative to today, so the
** demo reads the same on every machine and tests can count on it.
*/
#ifndef BYLINE_MODEL_DEMO_H
#define BYLINE_MODEL_DEMO_H

#include <stddef.h>

struct db;

/* 1 if the database has no articles and no users (a new site), else 0.  A
** database error also gives 0: when in doubt, a caller must not pour demo
** content into what may be a real site. */
int demo_is_empty(struct db *db);

/* Fills a new site with the demo: sets site_title, tagline and timezone
** ("America/New_York"); creates four authors with bios, the sections City,
** Business, Environment, Culture, Sport and Opinion, twelve published
** articles (each with a dek, a Markdown body and two to four tags, tags
** shared between articles so related-article lists have something to show),
** and comments: approved ones on several articles, including a reply thread
** four levels deep, and two held ("pending") for the moderation queue.
**
** With data_dir (the folder uploads live in), every article gets a photo
** drawn by demo_photo.c, stored as an upload, with a caption, alt text and
** the credit "Illustration: Byline demo"; NULL adds none.
**
** Refuses (returns -1) unless demo_is_empty(db).  The work is not one
** transaction (article_create() opens its own, and SQLite's do not nest), so
** a failure midway leaves part of the demo behind; the message says which
** step failed.  Returns 0, or -1 with a message in err. */
int demo_create(struct db *db, const char *data_dir, char *err, size_t errlen);

#endif
