/*
** media.h: uploaded images, stored by the hash of their bytes.
**
** An upload is checked by its content (core/image.h), never by its name or
** declared type, and fully decoded; it is turned upright, converted to sRGB
** and saved again without any metadata (image_normalize()), and what is
** saved is kept as DATA_DIR/media/HH/HASH.EXT, where HASH is the hex SHA-256
** of the stored bytes and HH its first two digits (so no folder grows past
** 1/256 of the files).  The bytes as uploaded are not kept anywhere: the
** GPS position and camera serial number a photo carried never reach the
** disk, and every variant is made from the normalized file.  Its public URL
** is /media/HASH.EXT: the name can only ever mean those bytes, so it may be
** cached forever, and the same image uploaded twice is one file and one row
** in table `media`.
**
** Variants (media_make_variants(), run in the background by the variant
** worker, web/media_worker.c): widths MEDIA_WIDTHS narrower than the image,
** in its own format and in WebP, and a 1200x630 JPEG for social cards, at
** /media/HASH-640.jpg, /media/HASH-640.webp, /media/HASH-social.jpg (the
** variants of fixed bytes are fixed bytes: cached forever too).  Rows in
** media_variants list those that exist; pages offer only those, so a page
** rendered before they are made shows the original.
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
	const char *original_name; /* the file name it was uploaded under, or "" */
	const char *title;    /* for the library, or "" */
	const char *caption;  /* printed under it; prefilled from IPTC/XMP */
	const char *credit;   /* "Name/Agency"; prefilled from IPTC/XMP */
	const char *copyright; /* prefilled from IPTC/XMP */
	const char *alt;      /* alt text offered when it is chosen */
	long long variants_at; /* when its variants were made; 0 not yet */
	long long uploaded_by; /* users.id, 0 if unknown or deleted */
	long long created_at; /* unix seconds */
	int normalized;       /* 1 its file went through image_normalize(); 0 stored
	                      ** by an older version, not yet; -1 it cannot be */
	int existed;          /* media_store(): this image was stored already */
};

/* The widths variants are made at (narrower than the image only). */
#define MEDIA_WIDTHS {320, 640, 960, 1280, 1920}
#define MEDIA_N_WIDTHS 5
#define MEDIA_SOCIAL_W 1200
#define MEDIA_SOCIAL_H 630

/* One made variant. */
struct media_variant {
	const char *suffix;   /* "640" or "social" */
	const char *ext;      /* "jpg", "png", "gif", "webp" */
	unsigned width;       /* pixels */
	unsigned height;      /* pixels */
	long long bytes;      /* file size */
	const char *url;      /* "/media/HASH-SUFFIX.EXT" */
};

/* What a page needs to show an image: the original and every variant made
** so far, as srcset strings ("/media/H-320.jpg 320w, ..., /media/H.jpg
** 1600w": the original last, at its own width). */
struct media_picture {
	const char *url;         /* the original, "/media/HASH.EXT" */
	unsigned width, height;  /* of the original */
	const char *srcset;      /* its format's variants and the original; "" when
	                         ** no variant is made (yet, or the image is small) */
	const char *srcset_webp; /* WebP variants, "" when none (or a WebP original) */
	const char *social_url;  /* the 1200x630 JPEG, or the original until made */
	unsigned social_width, social_height; /* of social_url */
	const char *caption;     /* media.caption */
	const char *credit;      /* media.credit */
	const char *alt;         /* media.alt */
};

/* Inspects, normalizes and stores an upload of data[0..len).
**
** Refuses, returning -1 with one sentence in err and nothing written (no
** file, no row), when len > max_bytes ("This file is 12.3 MB; the limit is
** 10 MB.") or image_normalize() refuses the bytes (not an accepted format,
** larger than the image_max_megapixels setting, read from the database, or
** damaged or cut off).  Otherwise stores the normalized image (upright,
** sRGB, no metadata; whatever followed the image's end is gone too) as
** DATA_DIR/media/HH/HASH.EXT, creating media/ and
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
/* media_by_id for ids[0..n) in one statement: out[i] and found[i] 1, or
** found[i] 0 (none, or an id <= 0).  0, or -1 on an error (nothing found
** then).  Allocated in a. */
int media_by_ids(struct db *db, struct arena *a, const long long *ids, size_t n,
                 struct media *out, int *found);

/* Up to limit images, newest first (by created_at, then id).  Allocated in a;
** *n gets the count (0 on error or when limit <= 0). */
struct media *media_list(struct db *db, struct arena *a, int limit, size_t *n);

/* The file behind a public name "HASH.EXT", "HASH-640.EXT" or
** "HASH-social.jpg": returns "DATA_DIR/media/HH/NAME" (allocated in a) and
** sets *mime (if mime is not NULL) to its static MIME type, when name is
** exactly 64 lowercase hex digits, an optional "-" and suffix, a dot and one
** of the four extensions, and a row (media, or media_variants for a
** suffix) says that file exists.  A variant not (or not yet) made gives the
** nearest made one of that format, else the original, with *exact (if not
** NULL) set to 0 (so it is not cached as the name's bytes); 1 otherwise.
** NULL when nothing matches (nothing else is ever turned into a path, so
** "../x" or "HASH.php" cannot reach the disk).  The file itself is not
** checked: opening it may still fail.
**
** Never the file of an image an older version stored and that is not
** normalized yet (media.normalized = 0): it is normalized first, here,
** with media_normalize() (the caller waits for it, and for the one image
** another thread may be normalizing); then a name whose bytes changed no
** longer names a row and gives NULL (its redirect answers 301 to the new
** address).  An image that cannot be normalized (-1) gives NULL: its
** un-stripped bytes are never served.  Must not be called inside a
** transaction. */
const char *media_path(struct db *db, struct arena *a, const char *data_dir,
                       const char *name, const char **mime, int *exact);

/* The variants made of media id, widths ascending then social.  Allocated
** in a; *n their count (0 on error or none). */
struct media_variant *media_variants(struct db *db, struct arena *a, long long id, size_t *n);

/* Fills *out for media id: 0, 1 not found, -1 database error. */
int media_picture(struct db *db, struct arena *a, long long id, struct media_picture *out);

/* media_picture() for a slot on a page: the srcsets stop at the first
** candidate at least need pixels wide (the widest the slot is drawn at,
** times the densities worth serving), so a 300-pixel card does not list
** the 1920-pixel file and the original after it: a browser never picks a
** candidate wider than it needs once a wide enough one is listed, and a
** page of 37 photos writes a third of the bytes.  need 0 lists every
** candidate, as media_picture() does. */
int media_picture_upto(struct db *db, struct arena *a, long long id, unsigned need,
                       struct media_picture *out);

/* media_picture_upto() for the images ids[0..n) of a page, each for its
** own slot (need[i]; need NULL: every candidate), read in two queries for
** every 16 of them rather than two each: out[i] filled and found[i] = 1 for
** each id found (ids <= 0 and unknown ids: found[i] = 0).  0, or -1 on a
** database error (then every found[i] is 0). */
int media_pictures_upto(struct db *db, struct arena *a, const long long *ids, size_t n,
                        const unsigned *need, struct media_picture *out, int *found);

/* Makes the variants of up to limit images that have none yet (oldest
** first): reads each stored file, writes the variant files (durably, as
** media_store does), then in one transaction their media_variants rows and
** media.variants_at = now (which touches the change log, so cached pages
** take the srcset).  An image whose variants cannot be made is marked done
** all the same (and logged), so it is not tried forever; its pages keep
** the original.  Returns how many images were done, -1 on a database
** error.  Safe beside uploads and other workers: a row written twice is
** replaced with the same values. */
int media_make_variants(struct db *db, struct arena *a, const char *data_dir, int limit);

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
** credit or alt text contains q (any case; NULL or "" for all), uploaded
** by account uploaded_by (0: anyone), newest first; limit rows from
** offset.  *total gets how many match.  Allocated in a; *n the count (0 on
** error). */
struct media *media_search(struct db *db, struct arena *a, const char *q, long long uploaded_by,
                           long long offset, int limit, size_t *n, long long *total);

/* Sets an image's title, caption, credit, copyright and alt text (checked
** by the caller against MEDIA_MAX_*).  Public pages showing it are
** invalidated (the change log).  0, 1 if there is no such image, -1. */
int media_update(struct db *db, long long id, const char *title, const char *caption,
                 const char *credit, const char *copyright, const char *alt);

/* Where an image is used: an article's featured image, an article or a
** static page whose Markdown names its /media/ address (its hash), or a
** setting naming its file (the site's logo, its social image). */
struct media_use {
	const char *kind;     /* "article", "page" or "setting" */
	long long id;         /* articles.id or pages.id; 0 for a setting */
	const char *title;    /* headline, page title, or the setting's key */
	int is_featured;      /* the article's featured image */
	int in_body;          /* named in the body */
};

/* Up to limit places m is used, articles first (newest first), then
** pages, then settings.  *total
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
** (with its own writer's trust), every setting naming the old file
** ("HASH.EXT") names the new one, and so do authors' photos and bios and
** the WordPress import's record of the address (so a later import writes
** the new one), in one transaction; the old address and
** its variants' answer 301 to the new one (the redirects table, as
** redirects already pointing at it), for feeds, caches and revisions that
** still name them; the old file and its variants are removed, and the
** variant worker makes the new file's.  Refused (-1, err, nothing changed) like
** media_store(), or when the new bytes are already another image of the
** library.  Returns id with *out the row as it now is; the same bytes
** again change nothing. */
long long media_replace(struct db *db, struct arena *a, const char *data_dir, long long id,
                        const unsigned char *data, size_t len, size_t max_bytes,
                        long long user_id, const char *original_name, struct media *out,
                        char *err, size_t errlen);

/* ---- images stored by older versions ----
**
** Before uploads were normalized, a file was stored as it came: with its
** GPS position, camera serial number and every other metadata block.  Such
** rows have media.normalized = 0 (migration 30), and each is normalized
** once: by the media worker in the background (newest first, one image at
** a time), by media_path() the first time anything of it is asked for (so
** it is never served before), or by `byline media normalize`. */

/* What normalizing one image did (or, dry, would do). */
struct media_normalized {
	long long id;          /* media.id */
	const char *old_url;   /* "/media/OLD.EXT" */
	const char *new_url;   /* "/media/NEW.EXT"; old_url when unchanged */
	int changed;           /* the file moved to a new address */
	long long merged_into; /* the image it turned out to be (its uses moved
	                       ** there and its row went), or 0 */
	long long bytes_before, bytes_after; /* file sizes, when changed */
	long long n_bodies;    /* article bodies naming it (rewritten) */
	long long n_pages;     /* static pages naming it (rewritten) */
	long long n_settings;  /* settings naming its file (rewritten) */
};

/* Normalizes image id's stored file, if it is not yet: its bytes go
** through what media_store() does (image_normalize(): upright, sRGB, no
** metadata).  When the result is the same bytes, the row is only marked
** normalized.  Otherwise it moves exactly as media_replace() moves a row:
** it keeps its id and description and takes the new file's hash, bodies,
** settings and authors' photos naming the old address name the new one
** (bodies rendered again with their writers' trust), the old address and
** its variants' answer 301 to the new one, and the old file is removed.
** When the new bytes are already another image of the library, id's uses
** follow to that one and id's row goes.  One image at a time in the
** process (a lock; a caller waits for the image in hand).
**
** With dry_run nothing is written: *out says what would change.
**
** 0 done (or nothing to do: already normalized), *out filled; 1 the file
** cannot be normalized (missing, damaged, over the image_max_megapixels
** setting): err says why and, unless dry, the row is marked
** normalized = -1 (not served, not tried again by the worker, tried again
** by the command); -1 a failure worth trying again later (disk, database),
** err set, nothing changed.  Must not be called inside a transaction. */
int media_normalize(struct db *db, struct arena *a, const char *data_dir, long long id,
                    int dry_run, struct media_normalized *out, char *err, size_t errlen);

/* The newest image waiting to be normalized (normalized = 0): its id, 0
** when none waits, -1 on a database error. */
long long media_normalize_next(struct db *db);

/* Every image waiting (normalized = 0), and with with_failed those marked
** as impossible (-1) too, newest first.  Allocated in a; *n the count. */
long long *media_normalize_pending(struct db *db, struct arena *a, int with_failed, size_t *n);

#endif
