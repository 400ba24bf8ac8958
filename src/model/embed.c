/*
** embed.c: the embeds table: reading and replacing a URL's row.  Rows are
** addressed on the public site by a key derived from the URL (a BLAKE2b
** hash, 8 bytes in hex), looked up by scanning the few rows whose key
** matches: the table holds one row per embedded link, a small number.
*/
#include "model/embed.h"
#include "core/arena.h"
#include "db/db.h"

#include <sodium.h>
#include <string.h>

static const char sql_get[] =
    "SELECT url, provider, title, frame_src, width, height, COALESCE(thumbnail_media_id, 0),"
    " error, fetched_at FROM embeds WHERE url = ?1";
static const char sql_all[] =
    "SELECT url, provider, title, frame_src, width, height, COALESCE(thumbnail_media_id, 0),"
    " error, fetched_at FROM embeds WHERE error = ''";
static const char sql_put[] =
    "INSERT INTO embeds(url, provider, title, frame_src, width, height,"
    " thumbnail_media_id, error, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0),"
    " ?8, ?9) ON CONFLICT(url) DO UPDATE SET provider = excluded.provider,"
    " title = excluded.title, frame_src = excluded.frame_src, width = excluded.width,"
    " height = excluded.height, thumbnail_media_id = excluded.thumbnail_media_id,"
    " error = excluded.error, fetched_at = excluded.fetched_at";

static void read_row(struct db_stmt *st, struct arena *a, struct embed *e)
{
	e->url = arena_strdup(a, db_col_text(st, 0));
	e->provider = arena_strdup(a, db_col_text(st, 1));
	e->title = arena_strdup(a, db_col_text(st, 2));
	e->frame_src = arena_strdup(a, db_col_text(st, 3));
	e->width = db_col_int(st, 4);
	e->height = db_col_int(st, 5);
	e->thumbnail_media_id = db_col_int(st, 6);
	e->error = arena_strdup(a, db_col_text(st, 7));
	e->fetched_at = db_col_int(st, 8);
}

int embed_get(struct db *db, struct arena *a, const char *url, struct embed *out)
{
	struct db_stmt *st = db_prepare(db, sql_get);
	db_bind_text(st, 1, url);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, a, out);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_OK ? 1 : -1;
}

char *embed_key(struct arena *a, const char *url)
{
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)url, strlen(url), NULL, 0);
	char *hex = arena_alloc(a, 17);
	sodium_bin2hex(hex, 17, h, sizeof h);
	return hex;
}

int embed_by_key(struct db *db, struct arena *a, const char *key, struct embed *out)
{
	struct db_stmt *st = db_prepare(db, sql_all);
	int rc, found = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!strcmp(embed_key(a, db_col_text(st, 0)), key)) {
			read_row(st, a, out);
			found = 1;
			break;
		}
	}
	db_done(st);
	if (found)
		return 0;
	return rc == DB_OK ? 1 : -1;
}

int embed_put(struct db *db, const struct embed *e)
{
	struct db_stmt *st = db_prepare(db, sql_put);
	db_bind_text(st, 1, e->url);
	db_bind_text(st, 2, e->provider ? e->provider : "");
	db_bind_text(st, 3, e->title ? e->title : "");
	db_bind_text(st, 4, e->frame_src ? e->frame_src : "");
	db_bind_int(st, 5, e->width);
	db_bind_int(st, 6, e->height);
	db_bind_int(st, 7, e->thumbnail_media_id);
	db_bind_text(st, 8, e->error ? e->error : "");
	db_bind_int(st, 9, e->fetched_at);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_OK ? 0 : -1;
}
