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
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COLS "id, hash, mime, ext, width, height, bytes"

static const char sql_by_hash[] = "SELECT " COLS " FROM media WHERE hash = ?1";
static const char sql_by_id[] = "SELECT " COLS " FROM media WHERE id = ?1";
static const char sql_list[] =
    "SELECT " COLS " FROM media ORDER BY created_at DESC, id DESC LIMIT ?1";
static const char sql_insert[] =
    "INSERT INTO media(hash, mime, ext, width, height, bytes, uploaded_by, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_ext_by_hash[] = "SELECT ext FROM media WHERE hash = ?1";

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
	memset(out, 0, sizeof *out);
	if (len > max_bytes) {
		char got[32], limit[32];
		media_format_size(got, sizeof got, len, 1);
		media_format_size(limit, sizeof limit, max_bytes, 0);
		snprintf(err, errlen, "This file is %s; the limit is %s.", got, limit);
		return -1;
	}
	if (image_inspect(data, len, &info, err, errlen) != 0)
		return -1;

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

const char *media_path(struct db *db, struct arena *a, const char *data_dir,
                       const char *name, const char **mime)
{
	const char *type_mime = NULL;
	if (mime)
		*mime = NULL;
	if (!name || strlen(name) < MEDIA_HASH_LEN + 2)
		return NULL;
	for (int i = 0; i < MEDIA_HASH_LEN; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return NULL;
	const char *ext = name + MEDIA_HASH_LEN + 1;
	if (name[MEDIA_HASH_LEN] != '.' || image_type_for_ext(ext, &type_mime) == IMAGE_NONE)
		return NULL;
	struct db_stmt *st = db_prepare(db, sql_ext_by_hash);
	db_bind_textn(st, 1, name, MEDIA_HASH_LEN);
	int found = db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), ext) == 0;
	db_done(st);
	if (!found)
		return NULL;
	if (mime)
		*mime = type_mime;
	return arena_printf(a, "%s/media/%.2s/%s", data_dir, name, name);
}
