/*
** embed.h: the embeds table (migration 29): what an oEmbed provider
** answered for a URL, kept once sanitised (web/embed.c decides), so pages
** never contact the provider while they are built.
*/
#ifndef BYLINE_MODEL_EMBED_H
#define BYLINE_MODEL_EMBED_H

struct db;
struct arena;

struct embed {
	const char *url;         /* the link as written in the body */
	const char *provider;    /* provider_name, or the provider's host */
	const char *title;       /* the answer's title, may be "" */
	const char *frame_src;   /* the iframe's https address; "" when refused */
	long long width, height; /* the iframe's size (0: unknown) */
	long long thumbnail_media_id; /* our copy of the thumbnail, 0 for none */
	const char *error;       /* why the link stays a link; "" when embedded */
	long long fetched_at;    /* when the answer was read */
};

/* The row for url.  0, 1 if none, -1 on error.  Allocated in a. */
int embed_get(struct db *db, struct arena *a, const char *url, struct embed *out);

/* The row by its rowid-free key's position: embeds are addressed on our
** site by a short hash of their URL (embed_key()). */
int embed_by_key(struct db *db, struct arena *a, const char *key, struct embed *out);

/* A stable 16-hex key of url (for /embed/KEY/).  Allocated in a. */
char *embed_key(struct arena *a, const char *url);

/* Stores e (replacing the row of e->url).  0 or -1. */
int embed_put(struct db *db, const struct embed *e);

#endif
