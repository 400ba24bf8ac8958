/*
** media.h: uploaded images, stored by the hash of their bytes.
**
** An upload is checked by its content (core/image.h), never by its name or
** declared type, then kept as DATA_DIR/media/HH/HASH.EXT, where HASH is the
** hex SHA-256 of the stored bytes and HH its first two digits (so no folder
** grows past 1/256 of the files).  Its public URL is /media/HASH.EXT: the
** name can only ever mean those bytes, so it may be cached forever, and the
** same bytes uploaded twice are one file and one row in table `media`.
**
** A refused upload leaves nothing behind: the size and content checks run
** before anything touches the disk, and a failure after that removes the
** file it wrote (and its temporary file) and rolls the row back.
*/
#ifndef BYLINE_MODEL_MEDIA_H
#define BYLINE_MODEL_MEDIA_H

#include <stddef.h>

struct db;
struct arena;

#define MEDIA_HASH_LEN 64 /* hex digits of a SHA-256 */

struct media {
	long long id;         /* media.id */
	const char *hash;     /* hex SHA-256 of the bytes, MEDIA_HASH_LEN digits */
	const char *mime;     /* "image/jpeg", "image/png", "image/gif", "image/webp" */
	const char *ext;      /* "jpg", "png", "gif", "webp" */
	unsigned width;       /* pixels */
	unsigned height;      /* pixels */
	long long bytes;      /* size of the stored file */
	const char *url;      /* "/media/HASH.EXT" */
	const char *original_name; /* the file's name as uploaded, "" if unknown */
	const char *title;    /* the library's name for it ("" : original_name) */
	const char *caption;  /* printed under the photo */
	const char *credit;   /* "Name/Agency", printed as "Photo: " + credit */
	const char *copyright; /* the rights line */
	const char *alt;      /* alt text offered when it is chosen */
	long long uploaded_by; /* users.id, 0 if unknown or deleted */
	long long created_at; /* unix seconds */
	int existed;          /* media_store(): these bytes were stored already */
};

/* Inspects and stores an upload of data[0..len).
**
** Refuses, returning -1 with one sentence in err and nothing written (no
** file, no row), when len > max_bytes ("This file is 12.3 MB; the limit is
** 10 MB.") or image_inspect() refuses the bytes.  Otherwise stores the image
** part of the bytes (image_inspect's info.len: whatever follows the image's
** end marker is dropped) as DATA_DIR/media/HH/HASH.EXT, creating media/ and
** HH/ as needed (data_dir itself must exist): written to a temporary file in
** HH/, fsync'd, renamed into place, then HH/ fsync'd; the file is made
** world-readable (0644) so a front server may serve /media/ itself.  The
** row (hash, mime, ext, width, height, bytes, uploaded_by = user_id or NULL
** when user_id <= 0, created_at = now) is inserted in the same BEGIN
** IMMEDIATE transaction that checks for the hash, so two uploads of the same
** bytes at once still give one row; the file is written while the
** transaction holds the write lock, and if the commit fails it is removed.
** Must not be called inside an open transaction.
**
** If the hash is already stored, returns the existing row's id (rewriting
** its file if the file has gone missing) without a second file or row.
** Returns the id, with *out filled (strings allocated in a); -1 on refusal
** or failure (disk or database), err saying which. */
long long media_store(struct db *db, struct arena *a, const char *data_dir,
                      const unsigned char *data, size_t len, size_t max_bytes,
                      long long user_id, struct media *out, char *err, size_t errlen);

/* One stored image.  0 found (*out filled, strings allocated in a), 1 not
** found, -1 database error. */
int media_by_id(struct db *db, struct arena *a, long long id, struct media *out);

/* Up to limit images, newest first (by created_at, then id).  Allocated in a;
** *n gets the count (0 on error or when limit <= 0). */
struct media *media_list(struct db *db, struct arena *a, int limit, size_t *n);

/* The file behind a public name "HASH.EXT": returns
** "DATA_DIR/media/HH/HASH.EXT" (allocated in a) and sets *mime (if mime is
** not NULL) to its static MIME type, when name is exactly 64 lowercase hex
** digits, a dot and one of the four extensions, and a row with that hash and
** extension exists.  NULL otherwise (nothing else is ever turned into a
** path, so "../x" or "HASH.php" cannot reach the disk).  The file itself is
** not checked: opening it may still fail. */
const char *media_path(struct db *db, struct arena *a, const char *data_dir,
                       const char *name, const char **mime);

/* "12.3 MB", "10 MB", "512 KB", "900 bytes" into out (for messages).  With
** round_up the last digit is rounded up, so a size over a limit never reads
** as the limit. */
void media_format_size(char *out, size_t outlen, unsigned long long bytes, int round_up);

/* ---- the media library (web/admin_media.c) ---- */

/* The smallest stored image of m fit for a grid thumbnail (about 300 px
** wide), a URL allocated in a or borrowed from m.  Today the original's
** URL; when variants exist (core/image.c) the nearest one. */
const char *media_thumb_url(struct arena *a, const struct media *m);

/* Limits of the fields an editor types (characters). */
#define MEDIA_MAX_TITLE 300
#define MEDIA_MAX_CAPTION 2000
#define MEDIA_MAX_CREDIT 300
#define MEDIA_MAX_COPYRIGHT 300
#define MEDIA_MAX_ALT 500
#define MEDIA_MAX_NAME 255

/* Records the name a new upload came under (a path is cut to its last
** part) and, as WordPress does, a title from it without its extension;
** only where none is set yet, so uploading the same bytes again renames
** nothing.  0, or -1 on a database error. */
int media_note_name(struct db *db, long long id, const char *original_name);

/* A page of the library: images whose original name, title, caption,
** credit or alt text contains q (any case; NULL or "" for all), newest
** first; limit rows from offset.  *total gets how many match.  Allocated in
** a; *n the count (0 on error). */
struct media *media_search(struct db *db, struct arena *a, const char *q, long long offset,
                           int limit, size_t *n, long long *total);

/* Sets an image's title, caption, credit, copyright and alt text (checked
** by the caller against MEDIA_MAX_*).  Public pages showing it are
** invalidated (the change log).  0, 1 if there is no such image, -1. */
int media_update(struct db *db, long long id, const char *title, const char *caption,
                 const char *credit, const char *copyright, const char *alt);

/* Where an image is used: an article's featured image, or an article or a
** static page whose Markdown names its /media/ address (its hash). */
struct media_use {
	const char *kind;     /* "article" or "page" */
	long long id;         /* articles.id or pages.id */
	const char *title;    /* headline or page title */
	int is_featured;      /* the article's featured image */
	int in_body;          /* named in the body */
};

/* Up to limit places m is used, articles first (newest first).  *total
** gets how many there are.  Allocated in a. */
struct media_use *media_uses(struct db *db, struct arena *a, const struct media *m, int limit,
                             size_t *n, long long *total);

/* Deletes an image and its file, if nothing uses it (media_uses()).
** 0 deleted; 1 in use (nothing done); -1 not found or failure, err set. */
int media_delete(struct db *db, struct arena *a, const char *data_dir, long long id, char *err,
                 size_t errlen);

/* Replaces the file of image id with an upload, everywhere it is used.
**
** URLs are content-addressed (/media/HASH.EXT can only ever mean one set of
** bytes), so a replacement cannot keep the old URL.  Instead: the new bytes
** are stored and checked exactly as media_store() does; the row keeps its
** id (featured images, the library, anything holding the id follow it) and
** its title, caption, credit, copyright and alt, and takes the new hash,
** type, size and original name; every article and static page body naming
** the old address has it rewritten to the new one and is rendered again
** (with its own writer's trust), in one transaction; the old address
** answers 301 to the new one (the redirects table, as redirects already
** pointing at it), for feeds, caches and revisions that still name it; the
** old file is removed.  Refused (-1, err, nothing changed) like
** media_store(), or when the new bytes are already another image of the
** library.  Returns id with *out the row as it now is; the same bytes
** again change nothing. */
long long media_replace(struct db *db, struct arena *a, const char *data_dir, long long id,
                        const unsigned char *data, size_t len, size_t max_bytes,
                        long long user_id, const char *original_name, struct media *out,
                        char *err, size_t errlen);

#endif
