/*
** cdn.h: the queue of CDN purges (table cdn_purges, schema.c migration 35).
**
** The triggers queue surrogate keys when content changes and the setting
** cdn_purge_url is set (one row a key: a key queued twice is sent once);
** web/cdn.c's sender takes what is due, posts it and records the outcome.
*/
#ifndef BYLINE_MODEL_CDN_H
#define BYLINE_MODEL_CDN_H

#include <stddef.h>

struct db;
struct arena;

#define CDN_MAX_DELAY 600 /* seconds: the longest wait between two tries */

struct cdn_purge {
	const char *key;    /* a surrogate key: "article-12", "lists", ... */
	long long gen;      /* bumped when the key is queued again before it is sent */
	long long attempts; /* failed tries so far */
};

/* Up to max keys due at now (next_at <= now), in the arena; *n set.  NULL
** with *n 0 when none (or the read failed). */
struct cdn_purge *cdn_due(struct db *db, struct arena *a, long long now, size_t max, size_t *n);

/* The n keys were purged: deletes each whose gen is still the one read (a
** key queued again meanwhile stays, to be sent again).  0 or -1. */
int cdn_sent(struct db *db, const struct cdn_purge *k, size_t n);

/* The n keys could not be purged: each is tried again after 1 second,
** doubling with each failure up to CDN_MAX_DELAY.  0 or -1. */
int cdn_failed(struct db *db, const struct cdn_purge *k, size_t n, long long now);

/* Empties the queue (the setting was emptied: nothing is to be sent). */
int cdn_clear(struct db *db);

/* Keys queued (for tests and /metrics). */
long long cdn_queued(struct db *db);

#endif
