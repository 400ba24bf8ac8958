/*
** media.c: storing uploaded images by content hash, and finding them again.
** The contract (what is refused, where files go, what is left behind on
** failure) is in media.h.
**
** Why the file is written while the transaction holds the write lock: the
** row and the file must appear together or not at all.  Writing the file
** first and inserting after would let a failed insert delete a file that a
** concurrent upload of the same bytes had just committed a row for; under
** BEGIN IMMEDIATE no one else can insert that hash until we commit or roll
** back, so removing "our" file on failure is always safe.  Uploads are rare
** and the lock is held for one file's write and fsync.
*/
#include "model/media.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/buf.h"
#include "model/article.h"
#include "model/page.h"
#include "model/redirect.h"
#include "core/image.h"
#include "core/log.h"
#include "db/db.h"
#include "model/settings.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COLS                                                                        \
	"id, hash, mime, ext, width, height, bytes, original_name, title, caption, credit," \
	" copyright, alt, variants_at, COALESCE(uploaded_by, 0), created_at, normalized"

static const char sql_by_hash[] = "SELECT " COLS " FROM media WHERE hash = ?1";
static const char sql_by_id[] = "SELECT " COLS " FROM media WHERE id = ?1";
static const char sql_by_ids[] =
    "SELECT " COLS " FROM media WHERE id IN (SELECT value FROM json_each(?1))";
static const char sql_list[] =
    "SELECT " COLS " FROM media ORDER BY created_at DESC, id DESC LIMIT ?1";
static const char sql_insert[] =
    "INSERT INTO media(hash, mime, ext, width, height, bytes, uploaded_by, created_at,"
    " caption, credit, copyright, normalized)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)";
static const char sql_id_ext_by_hash[] =
    "SELECT id, ext, normalized FROM media WHERE hash = ?1";
static const char sql_variants[] =
    "SELECT suffix, ext, width, height, bytes FROM media_variants WHERE media_id = ?1"
    " ORDER BY suffix = 'social', width, ext";
/* The images and the variants of up to MEDIA_BATCH images at once (the
** places not used are bound 0, never an id, so one statement, with the same
** parameter types, serves every count);
** the variants in their primary key's order, sorted by variants_cmp(). */
#define MEDIA_BATCH 16
#define IN_BATCH "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
static const char sql_pictures_by_ids[] =
    "SELECT id, hash, ext, width, height, caption, credit, alt, variants_at FROM media"
    " WHERE id IN " IN_BATCH;
static const char sql_variants_many[] =
    "SELECT media_id, suffix, ext, width, height, bytes FROM media_variants"
    " WHERE media_id IN " IN_BATCH;
/* The made variant of that format nearest in width to the one asked for. */
static const char sql_nearest[] =
    "SELECT suffix FROM media_variants WHERE media_id = ?1 AND ext = ?2"
    " AND suffix <> 'social' ORDER BY abs(width - ?3), width DESC LIMIT 1";
static const char sql_variant_exists[] =
    "SELECT 1 FROM media_variants WHERE media_id = ?1 AND suffix = ?2 AND ext = ?3";
/* Variants are made from a normalized file only: an image an older version
** stored waits for media_normalize(). */
static const char sql_todo[] =
    "SELECT " COLS " FROM media WHERE variants_at = 0 AND normalized = 1 ORDER BY id LIMIT ?1";
static const char sql_variant_put[] =
    "INSERT INTO media_variants(media_id, suffix, ext, width, height, bytes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(media_id, suffix, ext) DO UPDATE"
    " SET width = excluded.width, height = excluded.height, bytes = excluded.bytes";
static const char sql_variants_done[] = "UPDATE media SET variants_at = ?2 WHERE id = ?1";

void media_format_size(char *out, size_t outlen, unsigned long long bytes, int round_up)
{
	if (bytes < 1024) {
		snprintf(out, outlen, "%llu bytes", bytes);
		return;
	}
	unsigned long long unit = bytes >= 1024 * 1024 ? 1024 * 1024 : 1024;
	/* tenths of a unit, without overflowing bytes * 10 */
	unsigned long long rem10 = bytes % unit * 10;
	unsigned long long tenths = bytes / unit * 10 + rem10 / unit;
	if (round_up && rem10 % unit)
		tenths++;
	const char *name = unit == 1024 ? "KB" : "MB";
	if (tenths % 10 == 0)
		snprintf(out, outlen, "%llu %s", tenths / 10, name);
	else
		snprintf(out, outlen, "%llu.%llu %s", tenths / 10, tenths % 10, name);
}

static void read_row(struct db_stmt *st, struct arena *a, struct media *m)
{
	m->id = db_col_int(st, 0);
	m->hash = arena_strdup(a, db_col_text(st, 1));
	m->mime = arena_strdup(a, db_col_text(st, 2));
	m->ext = arena_strdup(a, db_col_text(st, 3));
	m->width = (unsigned)db_col_int(st, 4);
	m->height = (unsigned)db_col_int(st, 5);
	m->bytes = db_col_int(st, 6);
	m->url = arena_printf(a, "/media/%s.%s", m->hash, m->ext);
	m->original_name = arena_strdup(a, db_col_text(st, 7));
	m->title = arena_strdup(a, db_col_text(st, 8));
	m->caption = arena_strdup(a, db_col_text(st, 9));
	m->credit = arena_strdup(a, db_col_text(st, 10));
	m->copyright = arena_strdup(a, db_col_text(st, 11));
	m->alt = arena_strdup(a, db_col_text(st, 12));
	m->variants_at = db_col_int(st, 13);
	m->uploaded_by = db_col_int(st, 14);
	m->created_at = db_col_int(st, 15);
	m->normalized = (int)db_col_int(st, 16);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes dir if missing; a new entry is made durable by fsyncing parent. */
static int ensure_dir(const char *dir, const char *parent)
{
	if (mkdir(dir, 0755) == 0)
		return fsync_dir(parent);
	return errno == EEXIST ? 0 : -1;
}

static void save_failed(char *err, size_t errlen, int e)
{
	char buf[128];
	snprintf(err, errlen, "The image could not be saved: %s.", strerror_r(e, buf, sizeof buf));
}

/* Writes data[0..n) to path (in folder dir, in media_dir, in data_dir)
** through a temporary file, durably.  0, or -1 with err set and nothing
** left at the temporary name or at path. */
static int write_file(struct arena *a, const char *data_dir, const char *media_dir,
                      const char *dir, const char *path, const unsigned char *data,
                      size_t n, char *err, size_t errlen)
{
	if (ensure_dir(media_dir, data_dir) != 0 || ensure_dir(dir, media_dir) != 0) {
		save_failed(err, errlen, errno);
		return -1;
	}
	char *tmp = arena_printf(a, "%s/.upload-XXXXXX", dir);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		save_failed(err, errlen, errno);
		return -1;
	}
	int e = 0;
	if (fchmod(fd, 0644) != 0)
		e = errno;
	for (size_t done = 0; !e && done < n;) {
		ssize_t w = write(fd, data + done, n - done);
		if (w < 0 && errno != EINTR)
			e = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!e && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e) {
		unlink(tmp);
		save_failed(err, errlen, e);
		return -1;
	}
	if (fsync_dir(dir) != 0) {
		e = errno;
		unlink(path);
		save_failed(err, errlen, e);
		return -1;
	}
	return 0;
}

/* The image_max_megapixels setting, in pixels.  Read here, from its one
** home, so every caller (the desk, the profile photo, the WordPress import,
** the normalizing of old files) applies it. */
static unsigned long long max_pixels_of(struct db *db, struct arena *a)
{
	unsigned long long max_pixels = IMAGE_MAX_PIXELS;
	const char *mp = settings_get(db, a, "image_max_megapixels");
	if (mp && atoll(mp) > 0)
		max_pixels = (unsigned long long)atoll(mp) * 1000000ULL;
	return max_pixels;
}

/* media_store(), and *refused set to 1 when the bytes themselves were
** refused (too big, not an image, damaged), 0 when it failed otherwise
** (disk, database: worth trying again). */
static long long store(struct db *db, struct arena *a, const char *data_dir,
                       const unsigned char *data, size_t len, size_t max_bytes,
                       long long user_id, struct media *out, char *err, size_t errlen,
                       int *refused)
{
	struct image_info info;
	struct image_text text;
	memset(out, 0, sizeof *out);
	*refused = 1;
	if (len > max_bytes) {
		char got[32], limit[32];
		media_format_size(got, sizeof got, len, 1);
		media_format_size(limit, sizeof limit, max_bytes, 0);
		snprintf(err, errlen, "This file is %s; the limit is %s.", got, limit);
		return -1;
	}
	unsigned long long max_pixels = max_pixels_of(db, a);
	unsigned char *norm;
	size_t norm_len;
	if (image_normalize(a, data, len, max_pixels, &info, &text, &norm, &norm_len, err,
	                    errlen) != 0)
		return -1;
	*refused = 0;
	data = norm;

	unsigned char digest[crypto_hash_sha256_BYTES];
	char hash[MEDIA_HASH_LEN + 1];
	crypto_hash_sha256(digest, data, info.len);
	sodium_bin2hex(hash, sizeof hash, digest, sizeof digest);
	const char *media_dir = arena_printf(a, "%s/media", data_dir);
	const char *dir = arena_printf(a, "%s/%.2s", media_dir, hash);
	const char *path = arena_printf(a, "%s/%s.%s", dir, hash, info.ext);

	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The image could not be saved: the database is busy; "
		         "try again.");
		return -1;
	}
	struct db_stmt *st = db_prepare(db, sql_by_hash);
	db_bind_text(st, 1, hash);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		/* Already stored.  The same bytes give the same type, so the path
		** is the row's; put the file back if someone removed it. */
		read_row(st, a, out);
		out->existed = 1;
		db_done(st);
		db_rollback(db);
		if (access(path, F_OK) != 0 &&
		    write_file(a, data_dir, media_dir, dir, path, data, info.len, err, errlen) != 0)
			return -1;
		return out->id;
	}
	db_done(st);
	if (rc != DB_OK)
		goto db_fail;

	st = db_prepare(db, sql_insert);
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, info.mime);
	db_bind_text(st, 3, info.ext);
	db_bind_int(st, 4, info.width);
	db_bind_int(st, 5, info.height);
	db_bind_int(st, 6, (long long)info.len);
	if (user_id > 0)
		db_bind_int(st, 7, user_id);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, (long long)time(NULL));
	db_bind_text(st, 9, text.caption);
	db_bind_text(st, 10, text.credit);
	db_bind_text(st, 11, text.copyright);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_OK)
		goto db_fail;
	long long id = db_last_id(db);

	if (write_file(a, data_dir, media_dir, dir, path, data, info.len, err, errlen) != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) != DB_OK) {
		/* Still under the write lock: no one else can have a row for it. */
		unlink(path);
		goto db_fail;
	}
	out->id = id;
	out->hash = arena_strdup(a, hash);
	out->mime = info.mime;
	out->ext = info.ext;
	out->width = info.width;
	out->height = info.height;
	out->bytes = (long long)info.len;
	out->url = arena_printf(a, "/media/%s.%s", hash, info.ext);
	out->original_name = out->title = out->alt = "";
	out->caption = arena_strdup(a, text.caption);
	out->credit = arena_strdup(a, text.credit);
	out->copyright = arena_strdup(a, text.copyright);
	out->uploaded_by = user_id > 0 ? user_id : 0;
	out->created_at = (long long)time(NULL);
	out->normalized = 1;
	return id;

db_fail:
	snprintf(err, errlen, "The image could not be saved: %s.", db_errmsg(db));
	db_rollback(db);
	return -1;
}

long long media_store(struct db *db, struct arena *a, const char *data_dir,
                      const unsigned char *data, size_t len, size_t max_bytes,
                      long long user_id, struct media *out, char *err, size_t errlen)
{
	int refused;
	return store(db, a, data_dir, data, len, max_bytes, user_id, out, err, errlen, &refused);
}

int media_by_id(struct db *db, struct arena *a, long long id, struct media *out)
{
	struct db_stmt *st = db_prepare(db, sql_by_id);
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_row(st, a, out);
		rc = 0;
	} else {
		rc = rc == DB_OK ? 1 : -1;
	}
	db_done(st);
	return rc;
}

int media_by_ids(struct db *db, struct arena *a, const long long *ids, size_t n,
                 struct media *out, int *found)
{
	for (size_t i = 0; i < n; i++)
		found[i] = 0;
	if (n == 0)
		return 0;
	struct db_stmt *st = db_prepare(db, sql_by_ids);
	db_bind_text(st, 1, json_ids(a, ids, n));
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct media m;
		read_row(st, a, &m);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == m.id && !found[i]) {
				out[i] = m;
				found[i] = 1;
			}
	}
	db_done(st);
	if (rc != DB_OK) {
		for (size_t i = 0; i < n; i++)
			found[i] = 0;
		return -1;
	}
	return 0;
}

struct media *media_list(struct db *db, struct arena *a, int limit, size_t *n)
{
	*n = 0;
	if (limit <= 0)
		return NULL;
	struct db_stmt *st = db_prepare(db, sql_list);
	db_bind_int(st, 1, limit);
	size_t cap = 16, k = 0;
	struct media *list = arena_alloc(a, cap * sizeof *list);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (k == cap) {
			struct media *bigger = arena_alloc(a, 2 * cap * sizeof *list);
			memcpy(bigger, list, cap * sizeof *list);
			list = bigger;
			cap *= 2;
		}
		read_row(st, a, &list[k++]);
	}
	db_done(st);
	*n = rc == DB_OK ? k : 0;
	return list;
}

/* name's suffix ("640", "social") and ext when it is "HASH[-SUFFIX].EXT";
** 0, or -1 when it is not such a name. */
static int parse_name(const char *name, char *suffix, size_t suffix_len, const char **ext)
{
	if (!name || strlen(name) < MEDIA_HASH_LEN + 2)
		return -1;
	for (int i = 0; i < MEDIA_HASH_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return -1;
	const char *p = name + MEDIA_HASH_LEN;
	suffix[0] = '\0';
	if (*p == '-') {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p - 1) : 0;
		if (!dot || n == 0 || n >= suffix_len)
			return -1;
		memcpy(suffix, p + 1, n);
		suffix[n] = '\0';
		if (strcmp(suffix, "social") != 0) {
			for (size_t i = 0; i < n; i++)
				if (suffix[i] < '0' || suffix[i] > '9')
					return -1;
			if (suffix[0] == '0' || n > 5)
				return -1;
		}
		p = dot;
	}
	if (*p != '.' || image_type_for_ext(p + 1, NULL) == IMAGE_NONE)
		return -1;
	*ext = p + 1;
	return 0;
}

const char *media_path(struct db *db, struct arena *a, const char *data_dir,
                       const char *name, const char **mime, int *exact)
{
	const char *type_mime = NULL, *ext = NULL;
	char suffix[16];
	if (mime)
		*mime = NULL;
	if (exact)
		*exact = 1;
	if (parse_name(name, suffix, sizeof suffix, &ext) != 0)
		return NULL;
	image_type_for_ext(ext, &type_mime);
	long long id = 0;
	const char *orig_ext = NULL;
	int normalized = 0;
	for (int tries = 0; tries < 2; tries++) {
		struct db_stmt *st = db_prepare(db, sql_id_ext_by_hash);
		db_bind_textn(st, 1, name, MEDIA_HASH_LEN);
		id = 0;
		if (db_step(st) == DB_ROW) {
			id = db_col_int(st, 0);
			orig_ext = arena_strdup(a, db_col_text(st, 1));
			normalized = (int)db_col_int(st, 2);
		}
		db_done(st);
		if (!id || normalized != 0)
			break;
		/* Stored by an older version: normalized now, before anything of
		** it is served; then its name either still means it (the bytes
		** were clean) or no longer names a row (the redirect answers). */
		struct media_normalized done;
		char err[256];
		if (media_normalize(db, a, data_dir, id, 0, &done, err, sizeof err) < 0) {
			log_warn("media %lld: not normalized yet: %s", id, err);
			return NULL;
		}
	}
	if (!id || normalized != 1)
		return NULL;
	struct db_stmt *st;
	if (!*suffix) {
		if (strcmp(orig_ext, ext) != 0)
			return NULL;
		if (mime)
			*mime = type_mime;
		return arena_printf(a, "%s/media/%.2s/%s", data_dir, name, name);
	}
	/* Variants: social is a JPEG; widths come in the original's format or
	** WebP. */
	int social = !strcmp(suffix, "social");
	if (social ? strcmp(ext, "jpg") != 0 : strcmp(ext, orig_ext) && strcmp(ext, "webp"))
		return NULL;
	st = db_prepare(db, sql_variant_exists);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, suffix);
	db_bind_text(st, 3, ext);
	int found = db_step(st) == DB_ROW;
	db_done(st);
	const char *file = NULL;
	if (found) {
		file = arena_printf(a, "%.64s-%s.%s", name, suffix, ext);
	} else {
		if (exact)
			*exact = 0;
		if (!social) {
			st = db_prepare(db, sql_nearest);
			db_bind_int(st, 1, id);
			db_bind_text(st, 2, ext);
			db_bind_int(st, 3, atoll(suffix));
			if (db_step(st) == DB_ROW)
				file = arena_printf(a, "%.64s-%s.%s", name, db_col_text(st, 0), ext);
			db_done(st);
		}
		if (!file) {
			ext = orig_ext;
			image_type_for_ext(ext, &type_mime);
			file = arena_printf(a, "%.64s.%s", name, ext);
		}
	}
	if (mime)
		*mime = type_mime;
	return arena_printf(a, "%s/media/%.2s/%s", data_dir, name, file);
}

/* The variants of image id, whose hash is known (their URLs are built from
** it). */
static struct media_variant *variants_of(struct db *db, struct arena *a, long long id,
                                         const char *hash, size_t *n)
{
	*n = 0;
	struct db_stmt *st = db_prepare(db, sql_variants);
	db_bind_int(st, 1, id);
	size_t cap = 16, k = 0;
	struct media_variant *v = arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (k == cap) {
			struct media_variant *bigger = arena_alloc(a, 2 * cap * sizeof *v);
			memcpy(bigger, v, cap * sizeof *v);
			v = bigger;
			cap *= 2;
		}
		struct media_variant *x = &v[k++];
		x->suffix = arena_strdup(a, db_col_text(st, 0));
		x->ext = arena_strdup(a, db_col_text(st, 1));
		x->width = (unsigned)db_col_int(st, 2);
		x->height = (unsigned)db_col_int(st, 3);
		x->bytes = db_col_int(st, 4);
		x->url = arena_printf(a, "/media/%s-%s.%s", hash, x->suffix, x->ext);
	}
	db_done(st);
	*n = rc == DB_OK ? k : 0;
	return v;
}

struct media_variant *media_variants(struct db *db, struct arena *a, long long id, size_t *n)
{
	*n = 0;
	struct media m;
	if (media_by_id(db, a, id, &m) != 0)
		return NULL;
	return variants_of(db, a, id, m.hash, n);
}

/* Appends "URL Ww" to a comma-separated list. */
/* Appends "URL Ww" to a srcset being built (", " between candidates):
** written once into the buffer, not copied again with each candidate. */
static void srcset_add(struct buf *b, const char *url, unsigned w)
{
	if (b->len)
		buf_puts(b, ", ");
	buf_puts(b, url);
	char n[16];
	snprintf(n, sizeof n, " %uw", w);
	buf_puts(b, n);
}

/* The buffer's text in a, and the buffer emptied for the next list. */
static const char *srcset_take(struct arena *a, struct buf *b)
{
	const char *out = b->len ? arena_strndup(a, b->data, b->len) : "";
	buf_reset(b);
	return out;
}

int media_picture(struct db *db, struct arena *a, long long id, struct media_picture *out)
{
	return media_picture_upto(db, a, id, 0, out);
}

/* Fills *out from image m and its variants v[0..n) (widths ascending,
** then social), the srcsets stopping at need (media_picture_upto()). */
static void picture_of(struct arena *a, const struct media *m, const struct media_variant *v,
                       size_t n, unsigned need, struct media_picture *out)
{
	memset(out, 0, sizeof *out);
	out->url = m->url;
	out->width = m->width;
	out->height = m->height;
	out->caption = m->caption;
	out->credit = m->credit;
	out->alt = m->alt;
	out->social_url = m->url;
	out->social_width = m->width;
	out->social_height = m->height;
	struct buf set = BUF_INIT, webp = BUF_INIT;
	/* Widths ascend (sql_variants), the original last and widest: once a
	** list holds a candidate at least need wide, it is full. */
	int set_full = 0, webp_full = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].suffix, "social")) {
			out->social_url = v[i].url;
			out->social_width = v[i].width;
			out->social_height = v[i].height;
		} else if (!strcmp(v[i].ext, m->ext)) {
			if (!set_full)
				srcset_add(&set, v[i].url, v[i].width);
			set_full = need && v[i].width >= need;
		} else if (!strcmp(v[i].ext, "webp")) {
			if (!webp_full)
				srcset_add(&webp, v[i].url, v[i].width);
			webp_full = need && v[i].width >= need;
		}
	}
	/* Only the original: no srcset at all (a lone "URL 64w" would make a
	** browser treat a small image as low-density and scale it to sizes). */
	if (set.len && !set_full)
		srcset_add(&set, m->url, m->width);
	out->srcset = srcset_take(a, &set);
	/* WebP candidates only when there is a WebP for every width offered:
	** the browser picks from one <source> alone. */
	if (webp.len && !webp_full)
		srcset_add(&webp, m->url, m->width);
	out->srcset_webp = srcset_take(a, &webp);
	buf_free(&set);
	buf_free(&webp);
	if (!strcmp(m->ext, "webp"))
		out->srcset_webp = "";
}

int media_picture_upto(struct db *db, struct arena *a, long long id, unsigned need,
                       struct media_picture *out)
{
	struct media m;
	memset(out, 0, sizeof *out);
	int rc = media_by_id(db, a, id, &m);
	if (rc != 0)
		return rc;
	size_t n;
	struct media_variant *v = variants_of(db, a, id, m.hash, &n);
	picture_of(a, &m, v, n, need, out);
	return 0;
}

/* sql_variants' order: widths ascending, then social; a format's name
** breaks a tie ("jpg" before "webp"). */
static int variants_cmp(const void *x, const void *y)
{
	const struct media_variant *a = x, *b = y;
	int sa = !strcmp(a->suffix, "social"), sb = !strcmp(b->suffix, "social");
	if (sa != sb)
		return sa - sb;
	if (a->width != b->width)
		return a->width < b->width ? -1 : 1;
	return strcmp(a->ext, b->ext);
}

/* "/media/HASH-SUFFIX.EXT" ("/media/HASH.EXT" when suffix is NULL) in a,
** copied rather than formatted: a listing builds hundreds. */
static const char *media_url(struct arena *a, const char *hash, const char *suffix,
                             const char *ext)
{
	size_t nh = strlen(hash), ns = suffix ? strlen(suffix) : 0, ne = strlen(ext);
	char *u = arena_alloc(a, 7 + nh + (suffix ? 1 + ns : 0) + 1 + ne + 1);
	char *w = u;
	memcpy(w, "/media/", 7);
	w += 7;
	memcpy(w, hash, nh);
	w += nh;
	if (suffix) {
		*w++ = '-';
		memcpy(w, suffix, ns);
		w += ns;
	}
	*w++ = '.';
	memcpy(w, ext, ne);
	w[ne] = '\0';
	return u;
}

/* The variants of the images pages show, remembered between requests so a
** listing reads only its images' rows: direct-mapped on the id, each entry
** valid for one id, hash and variants_at.  An image's variants change only
** with those (media_make_variants() writes its rows and variants_at in one
** transaction; a replacement or normalization gives a new hash and
** variants_at 0 as it drops them), which the row read beside them says, so
** an entry never outlives what it describes.  Every connection of the
** process shares it (a pool's connections are one database; variants are
** made from the bytes the hash names, so two databases holding one image
** made at the same second hold the same variants).  Static: no allocation,
** one lock for the table, held only to copy an entry. */
#define VMEMO_SLOTS 1024
#define VMEMO_MAX 16 /* variants an entry holds; an image with more is read each time */
struct vmemo_entry {
	long long id, variants_at;  /* media.id (0: an empty entry), media.variants_at */
	char hash[MEDIA_HASH_LEN + 1];
	unsigned n;                 /* variants in v */
	struct {
		char suffix[8];         /* "640", "social" */
		char ext[8];            /* "jpg", "webp" */
		unsigned width, height;
		long long bytes;
	} v[VMEMO_MAX];
};
static struct vmemo_entry vmemo[VMEMO_SLOTS];
static pthread_mutex_t vmemo_lock = PTHREAD_MUTEX_INITIALIZER;

/* Image m's (variants_at va) variants into *v / *n (allocated in a) if
** remembered: 1, else 0. */
static int vmemo_get(struct arena *a, const struct media *m, long long va,
                     struct media_variant **v, size_t *n)
{
	int hit = 0;
	struct media_variant *out = NULL;
	pthread_mutex_lock(&vmemo_lock);
	struct vmemo_entry *e = &vmemo[(unsigned long long)m->id % VMEMO_SLOTS];
	if (e->id == m->id && e->variants_at == va && !strcmp(e->hash, m->hash)) {
		out = arena_alloc(a, (e->n + 1) * sizeof *out);
		for (unsigned i = 0; i < e->n; i++) {
			out[i].suffix = arena_strdup(a, e->v[i].suffix);
			out[i].ext = arena_strdup(a, e->v[i].ext);
			out[i].width = e->v[i].width;
			out[i].height = e->v[i].height;
			out[i].bytes = e->v[i].bytes;
		}
		*n = e->n;
		hit = 1;
	}
	pthread_mutex_unlock(&vmemo_lock);
	for (size_t i = 0; hit && i < *n; i++)
		out[i].url = media_url(a, m->hash, out[i].suffix, out[i].ext);
	*v = out;
	return hit;
}

/* Remembers image m's (variants_at va) variants v[0..n), sorted. */
static void vmemo_put(const struct media *m, long long va, const struct media_variant *v,
                      size_t n)
{
	if (n > VMEMO_MAX || strlen(m->hash) != MEDIA_HASH_LEN)
		return;
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].suffix) >= sizeof vmemo[0].v[0].suffix ||
		    strlen(v[i].ext) >= sizeof vmemo[0].v[0].ext)
			return;
	pthread_mutex_lock(&vmemo_lock);
	struct vmemo_entry *e = &vmemo[(unsigned long long)m->id % VMEMO_SLOTS];
	e->id = m->id;
	e->variants_at = va;
	memcpy(e->hash, m->hash, MEDIA_HASH_LEN + 1);
	e->n = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		strcpy(e->v[i].suffix, v[i].suffix);
		strcpy(e->v[i].ext, v[i].ext);
		e->v[i].width = v[i].width;
		e->v[i].height = v[i].height;
		e->v[i].bytes = v[i].bytes;
	}
	pthread_mutex_unlock(&vmemo_lock);
}

/* One batch of media_pictures_upto(): ids[0..k), k <= MEDIA_BATCH. */
static int pictures_batch(struct db *db, struct arena *a, const long long *ids, size_t k,
                          const unsigned *need, struct media_picture *out, int *found)
{
	struct media m[MEDIA_BATCH];
	long long va[MEDIA_BATCH];       /* media.variants_at */
	int known[MEDIA_BATCH];          /* its variants were remembered (vmemo) */
	struct media_variant *v[MEDIA_BATCH];
	size_t nv[MEDIA_BATCH], cap[MEDIA_BATCH];
	for (size_t j = 0; j < k; j++) {
		found[j] = known[j] = 0;
		v[j] = NULL;
		nv[j] = cap[j] = 0;
	}
	struct db_stmt *st = db_prepare(db, sql_pictures_by_ids);
	for (size_t j = 0; j < MEDIA_BATCH; j++) {
		/* 0, never an id, where there is none: a NULL would change the
		** parameters' types with each count, and PostgreSQL would
		** prepare the statement again each time. */
		db_bind_int(st, (int)j + 1, j < k && ids[j] > 0 ? ids[j] : 0);
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		/* What picture_of() reads, and only that. */
		struct media row;
		memset(&row, 0, sizeof row);
		row.id = db_col_int(st, 0);
		row.hash = arena_strdup(a, db_col_text(st, 1));
		row.ext = arena_strdup(a, db_col_text(st, 2));
		row.width = (unsigned)db_col_int(st, 3);
		row.height = (unsigned)db_col_int(st, 4);
		row.caption = arena_strdup(a, db_col_text(st, 5));
		row.credit = arena_strdup(a, db_col_text(st, 6));
		row.alt = arena_strdup(a, db_col_text(st, 7));
		row.url = media_url(a, row.hash, NULL, row.ext);
		long long row_va = db_col_int(st, 8);
		for (size_t j = 0; j < k; j++)
			if (ids[j] == row.id) {
				m[j] = row;
				va[j] = row_va;
				found[j] = 1;
			}
	}
	db_done(st);
	if (rc != DB_OK)
		return -1;
	/* The variants remembered, and those of the rest read. */
	int unknown = 0;
	for (size_t j = 0; j < k; j++) {
		if (found[j])
			known[j] = vmemo_get(a, &m[j], va[j], &v[j], &nv[j]);
		if (known[j])
			cap[j] = nv[j];
		else
			v[j] = NULL;
		unknown += found[j] && !known[j];
	}
	if (unknown) {
		st = db_prepare(db, sql_variants_many);
		for (size_t j = 0; j < MEDIA_BATCH; j++) {
			db_bind_int(st, (int)j + 1, j < k && found[j] && !known[j] ? ids[j] : 0);
		}
		while ((rc = db_step(st)) == DB_ROW) {
			long long id = db_col_int(st, 0);
			for (size_t j = 0; j < k; j++) {
				if (!found[j] || known[j] || ids[j] != id)
					continue;
				if (nv[j] == cap[j]) {
					size_t c = cap[j] ? 2 * cap[j] : 16;
					struct media_variant *bigger = arena_alloc(a, c * sizeof *bigger);
					if (nv[j])
						memcpy(bigger, v[j], nv[j] * sizeof *bigger);
					v[j] = bigger;
					cap[j] = c;
				}
				struct media_variant *x = &v[j][nv[j]++];
				x->suffix = arena_strdup(a, db_col_text(st, 1));
				x->ext = arena_strdup(a, db_col_text(st, 2));
				x->width = (unsigned)db_col_int(st, 3);
				x->height = (unsigned)db_col_int(st, 4);
				x->bytes = db_col_int(st, 5);
				x->url = media_url(a, m[j].hash, x->suffix, x->ext);
			}
		}
		db_done(st);
		if (rc != DB_OK)
			return -1;
		/* Sorted as sql_variants would, and remembered. */
		for (size_t j = 0; j < k; j++) {
			if (!found[j] || known[j])
				continue;
			if (nv[j] > 1)
				qsort(v[j], nv[j], sizeof *v[j], variants_cmp);
			vmemo_put(&m[j], va[j], v[j], nv[j]);
		}
	}
	for (size_t j = 0; j < k; j++)
		if (found[j])
			picture_of(a, &m[j], v[j], nv[j], need ? need[j] : 0, &out[j]);
	return 0;
}

int media_pictures_upto(struct db *db, struct arena *a, const long long *ids, size_t n,
                        const unsigned *need, struct media_picture *out, int *found)
{
	for (size_t i = 0; i < n; i++)
		found[i] = 0;
	for (size_t from = 0; from < n; from += MEDIA_BATCH) {
		size_t k = n - from < MEDIA_BATCH ? n - from : MEDIA_BATCH;
		if (pictures_batch(db, a, ids + from, k, need ? need + from : NULL, out + from,
		                   found + from) != 0) {
			for (size_t i = 0; i < n; i++)
				found[i] = 0;
			return -1;
		}
	}
	return 0;
}

/* ---- variants ---- */

struct made {
	struct arena *a;           /* for paths */
	const char *data_dir;      /* DATA_DIR */
	const char *hash;          /* the image's */
	struct media_variant *v;   /* written so far */
	size_t n, cap;             /* of v */
	char err[256];             /* a write's failure */
};

static int write_variant(void *ctx, const char *suffix, enum image_type type,
                         const unsigned char *bytes, size_t n, unsigned w, unsigned h)
{
	struct made *mk = ctx;
	struct arena *a = mk->a;
	const char *media_dir = arena_printf(a, "%s/media", mk->data_dir);
	const char *dir = arena_printf(a, "%s/%.2s", media_dir, mk->hash);
	const char *path = arena_printf(a, "%s/%s-%s.%s", dir, mk->hash, suffix, image_ext(type));
	if (write_file(a, mk->data_dir, media_dir, dir, path, bytes, n, mk->err,
	               sizeof mk->err) != 0)
		return 1;
	if (mk->n == mk->cap) {
		size_t cap = mk->cap ? 2 * mk->cap : 16;
		struct media_variant *bigger = arena_alloc(a, cap * sizeof *bigger);
		if (mk->n)
			memcpy(bigger, mk->v, mk->n * sizeof *bigger);
		mk->v = bigger;
		mk->cap = cap;
	}
	struct media_variant *x = &mk->v[mk->n++];
	x->suffix = arena_strdup(a, suffix);
	x->ext = image_ext(type);
	x->width = w;
	x->height = h;
	x->bytes = (long long)n;
	x->url = "";
	return 0;
}

/* Reads a whole file into a; NULL on failure. */
static unsigned char *read_all(struct arena *a, const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || sb.st_size <= 0) {
		close(fd);
		return NULL;
	}
	unsigned char *d = arena_alloc(a, (size_t)sb.st_size);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, d + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return got == (size_t)sb.st_size ? d : NULL;
}

static int make_one(struct db *db, struct arena *a, const char *data_dir, const struct media *m)
{
	static const unsigned widths[] = MEDIA_WIDTHS;
	struct made mk = {.a = a, .data_dir = data_dir, .hash = m->hash};
	const char *path = arena_printf(a, "%s/media/%.2s/%s.%s", data_dir, m->hash, m->hash,
	                                m->ext);
	size_t n = 0;
	unsigned char *data = read_all(a, path, &n);
	char err[256] = "";
	if (!data)
		log_warn("media %lld: cannot read %s for its variants", m->id, path);
	else if (image_variants(data, n, widths, MEDIA_N_WIDTHS, write_variant, &mk, err,
	                        sizeof err) != 0 || mk.err[0])
		log_warn("media %lld: %s", m->id, mk.err[0] ? mk.err : err);
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < mk.n; i++) {
		struct db_stmt *st = db_prepare(db, sql_variant_put);
		db_bind_int(st, 1, m->id);
		db_bind_text(st, 2, mk.v[i].suffix);
		db_bind_text(st, 3, mk.v[i].ext);
		db_bind_int(st, 4, mk.v[i].width);
		db_bind_int(st, 5, mk.v[i].height);
		db_bind_int(st, 6, mk.v[i].bytes);
		int rc = db_step(st);
		db_done(st);
		if (rc != DB_OK) {
			db_rollback(db);
			return -1;
		}
	}
	struct db_stmt *st = db_prepare(db, sql_variants_done);
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, (long long)time(NULL));
	int rc = db_step(st);
	db_done(st);
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int media_make_variants(struct db *db, struct arena *a, const char *data_dir, int limit)
{
	if (limit <= 0)
		return 0;
	struct db_stmt *st = db_prepare(db, sql_todo);
	db_bind_int(st, 1, limit);
	size_t cap = 8, k = 0;
	struct media *todo = arena_alloc(a, cap * sizeof *todo);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (k == cap) {
			struct media *bigger = arena_alloc(a, 2 * cap * sizeof *todo);
			memcpy(bigger, todo, cap * sizeof *todo);
			todo = bigger;
			cap *= 2;
		}
		read_row(st, a, &todo[k++]);
	}
	db_done(st);
	if (rc != DB_OK)
		return -1;
	int done = 0;
	for (size_t i = 0; i < k; i++) {
		if (make_one(db, a, data_dir, &todo[i]) != 0)
			return -1;
		done++;
	}
	return done;
}

/* ---- the media library ----
**
** Where an image is used is found, not stored: an article's featured image
** by its column, a body naming it by the image's hash in the search index
** (db_text_match: it holds every article's Markdown, whatever its status: the
** hash is one token of "/media/HASH.EXT", of an absolute URL to it and of
** any variant "HASH-640.webp"), a static page's body by LIKE (pages are
** few).  So a use can never be forgotten by a writer that did not know
** about the library. */

static const char sql_note_name[] =
    "UPDATE media SET original_name = ?2, title = CASE WHEN title = '' THEN ?3 ELSE title END"
    " WHERE id = ?1 AND original_name = ''";
#define SEARCH_WHERE                                                                   \
	" WHERE (?1 = '' OR lower(original_name) LIKE ?1 ESCAPE '\\'"                       \
	" OR lower(title) LIKE ?1 ESCAPE '\\' OR lower(caption) LIKE ?1 ESCAPE '\\'"         \
	" OR lower(credit) LIKE ?1 ESCAPE '\\' OR lower(alt) LIKE ?1 ESCAPE '\\')"          \
	" AND (?4 = 0 OR uploaded_by = ?4)"
static const char sql_search[] =
    "SELECT " COLS " FROM media" SEARCH_WHERE
    " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3";
static const char sql_search_count[] = "SELECT count(*) FROM media" SEARCH_WHERE;
static const char sql_update[] =
    "UPDATE media SET title = ?2, caption = ?3, credit = ?4, copyright = ?5, alt = ?6"
    " WHERE id = ?1";
static const char sql_change_all[] = "INSERT INTO changes(kind, id) VALUES ('all', 0)";
/* Two indexed reads (articles_featured, and the search index's
** db_text_match, newest first as this is), not one OR that would read every
** article; merged in media_uses(). */
static const char sql_featured_in[] =
    "SELECT id FROM articles WHERE featured_media_id = ?1 ORDER BY id DESC";
static const char sql_use_article[] =
    "SELECT headline, COALESCE(featured_media_id, 0) = ?2 FROM articles WHERE id = ?1";
static const char sql_uses_pages[] =
    "SELECT id, title FROM pages WHERE body_src LIKE '%' || ?1 || '%' ORDER BY id DESC";
/* A setting naming a file of the library ("HASH.EXT": the site's logo, its
** social image) uses it too. */
static const char sql_uses_settings[] =
    "SELECT key FROM settings WHERE value LIKE '%' || ?1 || '%' ORDER BY key";
static const char sql_rewrite_settings[] =
    "UPDATE settings SET value = replace(value, ?1, ?2) WHERE value LIKE '%' || ?1 || '%'";
static const char sql_delete[] = "DELETE FROM media WHERE id = ?1";
static const char sql_forget_import[] =
    "DELETE FROM wp_import_map WHERE kind = 'attachment' AND byline_id = ?1";
/* A revision naming a deleted image restores without one (the articles
** column's foreign key would refuse the restore). */
static const char sql_forget_revisions[] =
    "UPDATE revisions SET featured_media_id = NULL WHERE featured_media_id = ?1";
/* The new file's variants are made again by the variant worker. */
static const char sql_take_file[] =
    "UPDATE media SET hash = ?2, mime = ?3, ext = ?4, width = ?5, height = ?6, bytes = ?7,"
    " original_name = CASE WHEN ?8 = '' THEN original_name ELSE ?8 END, variants_at = 0,"
    " normalized = 1 WHERE id = ?1 AND hash = ?9";
static const char sql_drop_variants[] = "DELETE FROM media_variants WHERE media_id = ?1";
static const char sql_rewrite_article[] =
    "UPDATE articles SET body_src = replace(body_src, ?2, ?3), body_html_version = 0"
    " WHERE id = ?1";
static const char sql_rewrite_pages[] =
    "UPDATE pages SET body_src = replace(body_src, ?1, ?2), body_html_version = 0"
    " WHERE body_src LIKE '%' || ?1 || '%'";
/* An author's photo, a bio naming it; the import's record of the address
** (so importing a later export writes the new one into bodies). */
static const char sql_rewrite_users[] =
    "UPDATE users SET avatar_path = replace(avatar_path, ?1, ?2), bio = replace(bio, ?1, ?2)"
    " WHERE avatar_path LIKE '%' || ?1 || '%' OR bio LIKE '%' || ?1 || '%'";
static const char sql_rewrite_import[] =
    "UPDATE wp_import_map SET url = ?2 WHERE kind IN ('attachment', 'upload') AND url = ?1";
/* When two images turn out to be one (the same bytes once normalized),
** what held the one going holds the one kept. */
static const char sql_follow_featured[] =
    "UPDATE articles SET featured_media_id = ?2 WHERE featured_media_id = ?1";
static const char sql_follow_revisions[] =
    "UPDATE revisions SET featured_media_id = ?2 WHERE featured_media_id = ?1";
static const char sql_follow_description[] =
    "UPDATE media SET"
    " title = CASE WHEN title = '' THEN (SELECT title FROM media WHERE id = ?1) ELSE title END,"
    " caption = CASE WHEN caption = '' THEN (SELECT caption FROM media WHERE id = ?1)"
    "  ELSE caption END,"
    " credit = CASE WHEN credit = '' THEN (SELECT credit FROM media WHERE id = ?1)"
    "  ELSE credit END,"
    " copyright = CASE WHEN copyright = '' THEN (SELECT copyright FROM media WHERE id = ?1)"
    "  ELSE copyright END,"
    " alt = CASE WHEN alt = '' THEN (SELECT alt FROM media WHERE id = ?1) ELSE alt END,"
    " original_name = CASE WHEN original_name = ''"
    "  THEN (SELECT original_name FROM media WHERE id = ?1) ELSE original_name END"
    " WHERE id = ?2";
static const char sql_follow_import[] =
    "UPDATE wp_import_map SET byline_id = ?2 WHERE kind IN ('attachment', 'upload')"
    " AND byline_id = ?1";
static const char sql_redirect_drop[] = "DELETE FROM redirects WHERE from_path = ?1";
static const char sql_redirect_follow[] =
    "UPDATE redirects SET to_path = ?2 WHERE to_path = ?1";

const char *media_thumb_url(struct arena *a, const struct media *m)
{
	/* The 320-pixel variant once made (media_path() serves the nearest
	** made one, or the original, for a name not made). */
	if (m->variants_at && m->width > 320)
		return arena_printf(a, "/media/%s-320.%s", m->hash, m->ext);
	return m->url;
}

int media_note_name(struct db *db, long long id, const char *original_name)
{
	if (!original_name)
		return 0;
	/* Browsers send the bare name; some old ones the whole path. */
	const char *base = original_name;
	for (const char *c = original_name; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	size_t len = strlen(base);
	if (len == 0)
		return 0;
	if (len > MEDIA_MAX_NAME)
		len = MEDIA_MAX_NAME;
	char name[MEDIA_MAX_NAME + 1];
	memcpy(name, base, len);
	name[len] = 0;
	while (len && ((unsigned char)name[len - 1] & 0xC0) == 0x80)
		name[--len] = 0; /* never end inside a UTF-8 character */
	if (len && (unsigned char)name[len - 1] >= 0xC0)
		name[--len] = 0;
	char title[MEDIA_MAX_NAME + 1];
	memcpy(title, name, len + 1);
	char *dot = strrchr(title, '.');
	if (dot && dot != title)
		*dot = 0;
	struct db_stmt *st = db_prepare(db, sql_note_name);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, title);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

/* "%q%" for LIKE, lowercased, with %, _ and \ taken literally. */
static const char *like_pattern(struct arena *a, const char *q)
{
	if (!q || !*q)
		return "";
	size_t n = strlen(q);
	char *out = arena_alloc(a, 2 * n + 3), *o = out;
	*o++ = '%';
	for (const char *c = q; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			*o++ = '\\';
		*o++ = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
	}
	*o++ = '%';
	*o = 0;
	return out;
}

struct media *media_search(struct db *db, struct arena *a, const char *q, long long uploaded_by,
                           long long offset, int limit, size_t *n, long long *total)
{
	*n = 0;
	*total = 0;
	const char *pat = like_pattern(a, q);
	struct db_stmt *st = db_prepare(db, sql_search_count);
	db_bind_text(st, 1, pat);
	db_bind_int(st, 4, uploaded_by > 0 ? uploaded_by : 0);
	if (db_step(st) == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (limit <= 0)
		return NULL;
	st = db_prepare(db, sql_search);
	db_bind_text(st, 1, pat);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	db_bind_int(st, 4, uploaded_by > 0 ? uploaded_by : 0);
	struct media *list = arena_alloc(a, (size_t)limit * sizeof *list);
	size_t k = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && k < (size_t)limit)
		read_row(st, a, &list[k++]);
	db_done(st);
	*n = rc == DB_OK || rc == DB_ROW ? k : 0;
	return list;
}

int media_update(struct db *db, long long id, const char *title, const char *caption,
                 const char *credit, const char *copyright, const char *alt)
{
	if (db_begin(db) != DB_OK)
		return -1;
	struct db_stmt *st = db_prepare(db, sql_update);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, title);
	db_bind_text(st, 3, caption);
	db_bind_text(st, 4, credit);
	db_bind_text(st, 5, copyright);
	db_bind_text(st, 6, alt);
	int rc = db_step(st);
	db_done(st);
	int found = rc == DB_OK && db_changes(db) > 0;
	if (rc == DB_OK && found) {
		/* A caption or credit is on every page showing the photo. */
		st = db_prepare(db, sql_change_all);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	if (!found) {
		db_rollback(db);
		return 1;
	}
	return db_commit(db) == DB_OK ? 0 : -1;
}

/* The search-index query naming m's hash: a phrase of one token. */
static const char *hash_match(struct arena *a, const char *hash)
{
	return arena_printf(a, "\"%s\"", hash);
}

struct media_use *media_uses(struct db *db, struct arena *a, const struct media *m, int limit,
                             size_t *n, long long *total)
{
	*n = 0;
	*total = 0;
	size_t cap = limit > 0 ? (size_t)limit : 1, k = 0;
	struct media_use *out = arena_alloc(a, cap * sizeof *out);
	/* Both lists newest first: merged, each article once. */
	struct db_stmt *st = db_prepare(db, sql_featured_in);
	db_bind_int(st, 1, m->id);
	size_t n_f, n_b, i = 0, j = 0;
	long long *f = db_col_ids(st, a, (size_t)1 << 30, &n_f);
	long long *b = db_col_ids(db_text_match(db, hash_match(a, m->hash)), a, (size_t)1 << 30, &n_b);
	while (i < n_f || j < n_b) {
		long long id = j == n_b || (i < n_f && f[i] > b[j]) ? f[i] : b[j];
		int in_body = j < n_b && b[j] == id;
		i += i < n_f && f[i] == id;
		j += in_body;
		if (k >= (size_t)limit) {
			++*total;
			continue;
		}
		st = db_prepare(db, sql_use_article);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, m->id);
		if (db_step(st) == DB_ROW) {
			++*total;
			out[k++] = (struct media_use){"article", id, arena_strdup(a, db_col_text(st, 0)),
			                              (int)db_col_int(st, 1), in_body};
		}
		db_done(st);
	}
	st = db_prepare(db, sql_uses_pages);
	db_bind_text(st, 1, m->hash);
	while (db_step(st) == DB_ROW) {
		++*total;
		if (k < (size_t)limit)
			out[k++] = (struct media_use){"page", db_col_int(st, 0),
			                              arena_strdup(a, db_col_text(st, 1)), 0, 1};
	}
	db_done(st);
	st = db_prepare(db, sql_uses_settings);
	db_bind_text(st, 1, m->hash);
	while (db_step(st) == DB_ROW) {
		++*total;
		if (k < (size_t)limit)
			out[k++] = (struct media_use){"setting", 0, arena_strdup(a, db_col_text(st, 0)),
			                              0, 0};
	}
	db_done(st);
	*n = k;
	return out;
}

/* Removes the file of hash.ext from the data folder, and its n variants'.
** A file already gone is not an error. */
static void remove_files(struct arena *a, const char *data_dir, const char *hash, const char *ext,
                         const struct media_variant *v, size_t n)
{
	unlink(arena_printf(a, "%s/media/%.2s/%s.%s", data_dir, hash, hash, ext));
	for (size_t i = 0; i < n; i++)
		unlink(arena_printf(a, "%s/media/%.2s/%s-%s.%s", data_dir, hash, hash, v[i].suffix,
		                    v[i].ext));
}

int media_delete(struct db *db, struct arena *a, const char *data_dir, long long id, char *err,
                 size_t errlen)
{
	struct media m;
	if (media_by_id(db, a, id, &m) != 0) {
		snprintf(err, errlen, "There is no such image.");
		return -1;
	}
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; try again.");
		return -1;
	}
	size_t n, n_var;
	long long used;
	media_uses(db, a, &m, 0, &n, &used);
	if (used > 0) {
		db_rollback(db);
		return 1;
	}
	struct media_variant *var = media_variants(db, a, id, &n_var); /* rows cascade */
	static const char *const steps[] = {sql_delete, sql_forget_import, sql_forget_revisions};
	int rc = DB_OK;
	for (size_t i = 0; i < 3 && rc == DB_OK; i++) {
		struct db_stmt *st = db_prepare(db, steps[i]);
		db_bind_int(st, 1, id);
		rc = db_step(st);
		db_done(st);
	}
	if (rc == DB_OK) {
		struct db_stmt *st = db_prepare(db, sql_change_all);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The image could not be deleted: %s.", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	remove_files(a, data_dir, m.hash, m.ext, var, n_var);
	return 0;
}

/* Moves every use of image old to the file of image nw, in one transaction:
** into is old->id for a replacement (the row keeps its id and takes nw's
** file; nw's row, which only carried the file in, goes) or nw->id when the
** new bytes were already that image of the library (old's featured images,
** revisions and import mappings follow to it, and old's row goes).  Bodies
** of articles and pages naming old's address are rewritten (and rendered
** again with their writers' trust after the commit), as are settings naming
** its file, authors' photos and bios, and the WordPress import's record of
** the address; old's address and its variants' answer 301 to the new one;
** then old's files are removed.  0, or -1 with err set and nothing changed
** (nw's row and file are the caller's to drop). */
static int move_uses(struct db *db, struct arena *a, const char *data_dir,
                     const struct media *old, const struct media *nw, long long into,
                     const char *name, char *err, size_t errlen)
{
	const char *old_url = old->url, *new_url = nw->url;
	size_t n_var;
	struct media_variant *var = media_variants(db, a, old->id, &n_var);
	if (db_begin(db) != DB_OK) {
		snprintf(err, errlen, "The database is busy; try again.");
		return -1;
	}
	int rc = DB_OK;
	struct db_stmt *st;
	if (into == old->id) {
		/* The new row only carried the file in: the old row takes it over. */
		st = db_prepare(db, sql_delete);
		db_bind_int(st, 1, nw->id);
		rc = db_step(st);
		db_done(st);
		if (rc == DB_OK) {
			st = db_prepare(db, sql_take_file);
			db_bind_int(st, 1, old->id);
			db_bind_text(st, 2, nw->hash);
			db_bind_text(st, 3, nw->mime);
			db_bind_text(st, 4, nw->ext);
			db_bind_int(st, 5, nw->width);
			db_bind_int(st, 6, nw->height);
			db_bind_int(st, 7, nw->bytes);
			db_bind_text(st, 8, name);
			db_bind_text(st, 9, old->hash);
			rc = db_step(st);
			db_done(st);
			/* Someone else moved it meanwhile (another process). */
			if (rc == DB_OK && db_changes(db) != 1)
				rc = DB_ERR;
		}
		if (rc == DB_OK) {
			st = db_prepare(db, sql_drop_variants);
			db_bind_int(st, 1, old->id);
			rc = db_step(st);
			db_done(st);
		}
	} else {
		/* The one kept takes the description it lacks. */
		static const char *const follow[] = {sql_follow_featured, sql_follow_revisions,
		                                     sql_follow_import, sql_follow_description,
		                                     sql_delete};
		for (size_t k = 0; rc == DB_OK && k < 5; k++) {
			st = db_prepare(db, follow[k]);
			db_bind_int(st, 1, old->id);
			if (k < 4)
				db_bind_int(st, 2, into);
			rc = db_step(st);
			db_done(st);
		}
	}
	size_t n_ids = 0;
	long long *ids = NULL;
	if (rc == DB_OK) {
		ids = db_col_ids(db_text_match(db, hash_match(a, old->hash)), a, (size_t)1 << 30,
		                 &n_ids);
	}
	for (size_t i = 0; rc == DB_OK && i < n_ids; i++) {
		st = db_prepare(db, sql_rewrite_article);
		db_bind_int(st, 1, ids[i]);
		db_bind_text(st, 2, old_url);
		db_bind_text(st, 3, new_url);
		rc = db_step(st);
		db_done(st);
		if (rc == DB_OK)
			rc = db_text_replace(db, ids[i], old_url, new_url);
	}
	if (rc == DB_OK) {
		st = db_prepare(db, sql_rewrite_settings);
		db_bind_text(st, 1, old_url + 7); /* "HASH.EXT" */
		db_bind_text(st, 2, new_url + 7);
		rc = db_step(st);
		db_done(st);
	}
	static const char *const two[] = {sql_rewrite_pages, sql_rewrite_users, sql_rewrite_import,
	                                  sql_redirect_drop, sql_redirect_follow};
	for (size_t k = 0; rc == DB_OK && k < 5; k++) {
		st = db_prepare(db, two[k]);
		db_bind_text(st, 1, k == 3 ? new_url : old_url);
		if (k != 3)
			db_bind_text(st, 2, new_url);
		rc = db_step(st);
		db_done(st);
	}
	if (rc == DB_OK && redirect_add(db, old_url, new_url) != 0)
		rc = DB_ERR;
	/* A variant's address pasted somewhere: to the new original. */
	for (size_t i = 0; rc == DB_OK && i < n_var; i++)
		if (redirect_add(db, var[i].url, new_url) != 0)
			rc = DB_ERR;
	if (rc == DB_OK) {
		st = db_prepare(db, sql_change_all);
		rc = db_step(st);
		db_done(st);
	}
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		snprintf(err, errlen, "The image could not be replaced: %s.", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	remove_files(a, data_dir, old->hash, old->ext, var, n_var);
	/* The rewritten bodies, rendered again with their writers' trust. */
	article_render_stale(db);
	page_render_stale(db);
	return 0;
}

/* Removes the row and files of nw, stored only to be moved in, after the
** move failed: the library is left as it was. */
static void drop_carrier(struct db *db, struct arena *a, const char *data_dir,
                         const struct media *nw)
{
	size_t n_var;
	struct media_variant *var = media_variants(db, a, nw->id, &n_var);
	struct db_stmt *st = db_prepare(db, sql_delete);
	db_bind_int(st, 1, nw->id);
	if (db_step(st) == DB_OK && db_changes(db) > 0)
		remove_files(a, data_dir, nw->hash, nw->ext, var, n_var);
	db_done(st);
}

long long media_replace(struct db *db, struct arena *a, const char *data_dir, long long id,
                        const unsigned char *data, size_t len, size_t max_bytes,
                        long long user_id, const char *original_name, struct media *out,
                        char *err, size_t errlen)
{
	struct media old, nw;
	if (media_by_id(db, a, id, &old) != 0) {
		snprintf(err, errlen, "There is no such image.");
		return -1;
	}
	long long mid = media_store(db, a, data_dir, data, len, max_bytes, user_id, &nw, err,
	                            errlen);
	if (mid < 0)
		return -1;
	if (mid == id) {
		*out = old;
		return id;
	}
	if (nw.existed) {
		snprintf(err, errlen, "This file is already in the library as “%s”; choose that "
		         "one instead, or delete it first.",
		         *nw.title ? nw.title : *nw.original_name ? nw.original_name : nw.hash);
		return -1;
	}
	if (move_uses(db, a, data_dir, &old, &nw, id, original_name ? original_name : "", err,
	              errlen) != 0) {
		drop_carrier(db, a, data_dir, &nw);
		return -1;
	}
	return media_by_id(db, a, id, out) == 0 ? id : -1;
}

/* ---- normalizing what older versions stored ---- */

static const char sql_mark[] = "UPDATE media SET normalized = ?2 WHERE id = ?1 AND hash = ?3";
static const char sql_next_pending[] =
    "SELECT id FROM media WHERE normalized = 0 ORDER BY id DESC LIMIT 1";
static const char sql_pending[] =
    "SELECT id FROM media WHERE normalized = 0 OR (?1 AND normalized = -1) ORDER BY id DESC";
static const char sql_count_pages[] =
    "SELECT count(*) FROM pages WHERE body_src LIKE '%' || ?1 || '%'";
static const char sql_count_settings[] =
    "SELECT count(*) FROM settings WHERE value LIKE '%' || ?1 || '%'";

/* One image at a time in the process: the worker, a request that meets a
** file not yet normalized, and the command share it, so an image is never
** converted twice at once and the work never takes more than one image's
** memory and time. */
static pthread_mutex_t normalize_lock = PTHREAD_MUTEX_INITIALIZER;

static int mark(struct db *db, const struct media *m, int state)
{
	struct db_stmt *st = db_prepare(db, sql_mark);
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, state);
	db_bind_text(st, 3, m->hash);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}

/* The articles whose text names query (db_text_match). */
static long long text_count(struct db *db, const char *query)
{
	struct db_stmt *st = db_text_match(db, query);
	long long n = 0;
	while (db_step(st) == DB_ROW)
		n++;
	db_done(st);
	return n;
}

static long long count_of(struct db *db, const char *sql, const char *arg)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, arg);
	long long n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return n;
}

/* Called with normalize_lock held. */
static int normalize_locked(struct db *db, struct arena *a, const char *data_dir, long long id,
                            int dry_run, struct media_normalized *out, char *err, size_t errlen)
{
	struct media m, nw;
	int rc = media_by_id(db, a, id, &m);
	if (rc != 0) {
		snprintf(err, errlen, rc > 0 ? "There is no such image." : "The database failed: %s.",
		         db_errmsg(db));
		return rc > 0 ? 1 : -1;
	}
	out->old_url = out->new_url = m.url;
	if (m.normalized == 1)
		return 0;
	const char *path = arena_printf(a, "%s/media/%.2s/%s.%s", data_dir, m.hash, m.hash, m.ext);
	size_t n = 0;
	unsigned char *data = read_all(a, path, &n);
	int refused = 1;
	if (!data) {
		snprintf(err, errlen, "Its file %s cannot be read.", path);
	} else if (dry_run) {
		/* What image_normalize() would make, and where it would go. */
		struct image_info info;
		struct image_text text;
		unsigned char *norm;
		size_t norm_len;
		if (image_normalize(a, data, n, max_pixels_of(db, a), &info, &text, &norm, &norm_len,
		                    err, errlen) == 0) {
			unsigned char digest[crypto_hash_sha256_BYTES];
			char hash[MEDIA_HASH_LEN + 1];
			crypto_hash_sha256(digest, norm, norm_len);
			sodium_bin2hex(hash, sizeof hash, digest, sizeof digest);
			out->new_url = arena_printf(a, "/media/%s.%s", hash, info.ext);
			out->changed = strcmp(out->new_url, m.url) != 0;
			out->bytes_before = m.bytes;
			out->bytes_after = (long long)norm_len;
			out->n_bodies = text_count(db, hash_match(a, m.hash));
			out->n_pages = count_of(db, sql_count_pages, m.hash);
			out->n_settings = count_of(db, sql_count_settings, m.hash);
			return 0;
		}
	} else {
		long long mid = store(db, a, data_dir, data, n, (size_t)-1, 0, &nw, err, errlen,
		                      &refused);
		if (mid == id) {
			/* Its bytes were normalized already: nothing moves. */
			return mark(db, &m, 1) == 0 ? 0 : -1;
		}
		if (mid > 0) {
			out->bytes_before = m.bytes;
			out->bytes_after = nw.bytes;
			out->n_bodies = text_count(db, hash_match(a, m.hash));
			out->n_pages = count_of(db, sql_count_pages, m.hash);
			out->n_settings = count_of(db, sql_count_settings, m.hash);
			if (move_uses(db, a, data_dir, &m, &nw, nw.existed ? mid : id, "", err,
			              errlen) != 0) {
				if (!nw.existed)
					drop_carrier(db, a, data_dir, &nw);
				return -1;
			}
			out->new_url = nw.url;
			out->changed = 1;
			out->merged_into = nw.existed ? mid : 0;
			return 0;
		}
		if (!refused)
			return -1;
	}
	/* Not an image any more (damaged, cut off, too large, gone): never
	** served, never tried again by the worker. */
	if (!dry_run && mark(db, &m, -1) != 0)
		return -1;
	return 1;
}

int media_normalize(struct db *db, struct arena *a, const char *data_dir, long long id,
                    int dry_run, struct media_normalized *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->id = id;
	out->old_url = out->new_url = "";
	if (err && errlen)
		err[0] = 0;
	pthread_mutex_lock(&normalize_lock);
	int rc = normalize_locked(db, a, data_dir, id, dry_run, out, err, errlen);
	pthread_mutex_unlock(&normalize_lock);
	if (dry_run)
		return rc;
	if (rc > 0 && *out->old_url)
		log_warn("media %lld (%s): cannot be normalized, so it is not served: %s Replace its "
		         "file in the media library.", id, out->old_url, err);
	else if (rc == 0 && out->changed)
		log_info("media %lld: normalized, %s is now %s", id, out->old_url, out->new_url);
	return rc;
}

long long media_normalize_next(struct db *db)
{
	struct db_stmt *st = db_prepare(db, sql_next_pending);
	int rc = db_step(st);
	long long id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW || rc == DB_OK ? id : -1;
}

long long *media_normalize_pending(struct db *db, struct arena *a, int with_failed, size_t *n)
{
	struct db_stmt *st = db_prepare(db, sql_pending);
	db_bind_int(st, 1, with_failed ? 1 : 0);
	return db_col_ids(st, a, (size_t)1 << 30, n);
}
