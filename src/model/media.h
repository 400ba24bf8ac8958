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

#endif
