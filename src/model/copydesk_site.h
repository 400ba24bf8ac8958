/*
** copydesk_site.h: the copy desk's checks (copydesk.h) run against this
** site: its dictionary, its paths, its photos; their findings stored per
** article; the words editors add to the site's dictionary.
**
** The site's dictionary is the union of
**   - the dictionary of the `language` setting (hunspell, speller.h);
**   - the words of the names of its authors, sections and tags;
**   - words used in COPYDESK_SITE_MIN_ARTICLES or more published articles
**     (of the latest COPYDESK_SITE_SCAN): a name or a term the site uses
**     again and again is the site's vocabulary; a slip made once is not;
**   - the words editors added from a finding ("Add to dictionary").
** Links: a path of this site (relative, or on base_url's host) answers if
** the model has what the route would show (a published article by slug or
** old slug, a section, tag, author, published page, media file, a redirect,
** or one of the site's own fixed pages); a host "serves https" when
** https:// links to it appear in the published articles or the article
** itself, or it is the site's own host on an https base_url.  Nothing here
** touches the network.
*/
#ifndef BYLINE_MODEL_COPYDESK_SITE_H
#define BYLINE_MODEL_COPYDESK_SITE_H

#include "model/copydesk.h"

#include <stddef.h>

struct db;
struct arena;
struct article;
struct settings;

#define COPYDESK_SITE_MIN_ARTICLES 3 /* a word in this many published articles is known */
#define COPYDESK_SITE_SCAN 1000      /* published articles read for words and hosts */
#define COPYDESK_WORD_MAX 60         /* characters in a word added to the dictionary */

struct copydesk_site;

/* Reads the site's dictionary and https hosts for the checks, with the
** settings s (language, base_url, staging_hosts).  Allocated in a; the
** speller is shared (speller.h).  Never NULL: a missing dictionary turns
** spelling off (copydesk_site_has_speller() says so). */
struct copydesk_site *copydesk_site_load(struct db *db, struct arena *a,
                                         const struct settings *s);

/* 1 if the language's hunspell dictionary was found. */
int copydesk_site_has_speller(const struct copydesk_site *cs);

/* Runs the checks on art (as read by article_by_id(): with its body), its
** featured photo's caption and credit read from the library.  now is the
** time of the check.  Allocated in a. */
struct finding *copydesk_site_check(struct copydesk_site *cs, struct arena *a,
                                    const struct article *art, long long now, size_t *n);

/* Replaces article_id's stored findings with f[0..n).  0 or -1. */
int copydesk_store(struct db *db, long long article_id, const struct finding *f, size_t n,
                   long long now);

/* The stored findings of article_id, in the order stored.  Allocated in a. */
struct finding *copydesk_stored(struct db *db, struct arena *a, long long article_id,
                                size_t *n);

/* How many stored findings each of ids[0..n) has, into counts[0..n). */
void copydesk_counts(struct db *db, const long long *ids, size_t n, long long *counts);

/* Checks article_id again (loading the site) and stores its findings.
** Returns how many, or -1 (no such article, or a database error). */
long long copydesk_recheck(struct db *db, const struct settings *s, long long article_id,
                           long long now);

/* Adds word to the site's dictionary, as user_id.  The word must be one
** word (letters, with ' ’ - . inside), at most COPYDESK_WORD_MAX characters.
** 0, or -1 with a sentence in err. */
int copydesk_word_add(struct db *db, const char *word, long long user_id, char *err,
                      size_t errlen);

/* Every article's id, oldest first (`byline check --all`).  Allocated in a. */
long long *copydesk_article_ids(struct db *db, struct arena *a, size_t *n);

#endif
