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
#include "core/image.h"
#include "core/log.h"
#include "db/db.h"
#include "model/settings.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COLS "id, hash, mime, ext, width, height, bytes, original_name, title, caption," \
             " credit, copyright, alt, variants_at"

static const char sql_by_hash[] = "SELECT " COLS " FROM media WHERE hash = ?1";
static const char sql_by_id[] = "SELECT " COLS " FROM media WHERE id = ?1";
static const char sql_list[] =
    "SELECT " COLS " FROM media ORDER BY created_at DESC, id DESC LIMIT ?1";
static const char sql_insert[] =
    "INSERT INTO media(hash, mime, ext, width, height, bytes, uploaded_by, created_at,"
    " caption, credit, copyright)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_id_ext_by_hash[] = "SELECT id, ext FROM media WHERE hash = ?1";
static const char sql_variants[] =
    "SELECT suffix, ext, width, height, bytes FROM media_variants WHERE media_id = ?1"
    " ORDER BY suffix = 'social', width, ext";
/* The made variant of that format nearest in width to the one asked for. */
static const char sql_nearest[] =
    "SELECT suffix FROM media_variants WHERE media_id = ?1 AND ext = ?2"
    " AND suffix <> 'social' ORDER BY abs(width - ?3), width DESC LIMIT 1";
static const char sql_variant_exists[] =
    "SELECT 1 FROM media_variants WHERE media_id = ?1 AND suffix = ?2 AND ext = ?3";
static const char sql_todo[] =
    "SELECT " COLS " FROM media WHERE variants_at = 0 ORDER BY id LIMIT ?1";
static const char sql_variant_put[] =
    "INSERT OR REPLACE INTO media_variants(media_id, suffix, ext, width, height, bytes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
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

long long media_store(struct db *db, struct arena *a, const char *data_dir,
                      const unsigned char *data, size_t len, size_t max_bytes,
                      long long user_id, struct media *out, char *err, size_t errlen)
{
	struct image_info info;
	struct image_text text;
	memset(out, 0, sizeof *out);
	if (len > max_bytes) {
		char got[32], limit[32];
		media_format_size(got, sizeof got, len, 1);
		media_format_size(limit, sizeof limit, max_bytes, 0);
		snprintf(err, errlen, "This file is %s; the limit is %s.", got, limit);
		return -1;
	}
	/* The limit is read here, from its one home, so every caller (the
	** desk, the profile photo, the WordPress import) applies it. */
	unsigned long long max_pixels = IMAGE_MAX_PIXELS;
	const char *mp = settings_get(db, a, "image_max_megapixels");
	if (mp && atoll(mp) > 0)
		max_pixels = (unsigned long long)atoll(mp) * 1000000ULL;
	unsigned char *norm;
	size_t norm_len;
	if (image_normalize(a, data, len, max_pixels, &info, &text, &norm, &norm_len, err,
	                    errlen) != 0)
		return -1;
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
	return id;

db_fail:
	snprintf(err, errlen, "The image could not be saved: %s.", db_errmsg(db));
	db_rollback(db);
	return -1;
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
	struct db_stmt *st = db_prepare(db, sql_id_ext_by_hash);
	db_bind_textn(st, 1, name, MEDIA_HASH_LEN);
	long long id = 0;
	const char *orig_ext = NULL;
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		orig_ext = arena_strdup(a, db_col_text(st, 1));
	}
	db_done(st);
	if (!id)
		return NULL;
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

struct media_variant *media_variants(struct db *db, struct arena *a, long long id, size_t *n)
{
	*n = 0;
	const char *hash = NULL;
	struct media m;
	if (media_by_id(db, a, id, &m) != 0)
		return NULL;
	hash = m.hash;
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

/* Appends "URL Ww" to a comma-separated list. */
static const char *srcset_add(struct arena *a, const char *list, const char *url, unsigned w)
{
	return *list ? arena_printf(a, "%s, %s %uw", list, url, w) : arena_printf(a, "%s %uw", url, w);
}

int media_picture(struct db *db, struct arena *a, long long id, struct media_picture *out)
{
	struct media m;
	memset(out, 0, sizeof *out);
	int rc = media_by_id(db, a, id, &m);
	if (rc != 0)
		return rc;
	out->url = m.url;
	out->width = m.width;
	out->height = m.height;
	out->caption = m.caption;
	out->credit = m.credit;
	out->alt = m.alt;
	out->social_url = m.url;
	out->social_width = m.width;
	out->social_height = m.height;
	size_t n;
	struct media_variant *v = media_variants(db, a, id, &n);
	const char *set = "", *webp = "";
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].suffix, "social")) {
			out->social_url = v[i].url;
			out->social_width = v[i].width;
			out->social_height = v[i].height;
		} else if (!strcmp(v[i].ext, m.ext)) {
			set = srcset_add(a, set, v[i].url, v[i].width);
		} else if (!strcmp(v[i].ext, "webp")) {
			webp = srcset_add(a, webp, v[i].url, v[i].width);
		}
	}
	out->srcset = srcset_add(a, set, m.url, m.width);
	/* WebP candidates only when there is a WebP for every width offered:
	** the browser picks from one <source> alone. */
	out->srcset_webp = *webp ? srcset_add(a, webp, m.url, m.width) : "";
	if (!strcmp(m.ext, "webp"))
		out->srcset_webp = "";
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
