/*
** cmd_copydb.c: byline copy-db, backup and restore: a whole site moved
** between databases of either engine, or saved to and restored from one
** SQLite file, each checked table by table (rows and a checksum).
*/
#include "cli/cmd.h"
#include "db/db.h"
#include "model/copydb.h"
#include "model/schema.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { BATCH = 500 }; /* rows a transaction */

/* Counts and checksums of every table on both sides, one line each;
** returns how many differ. */
static int verify(struct copydb *c, struct db *a, struct db *b)
{
	int bad = 0;
	printf("%-20s %10s %10s  %s\n", "table", "source", "copy", "checksum");
	for (size_t i = 0; i < schema_tables_n; i++) {
		long long ra, rb;
		unsigned long long sa, sb;
		int ea = copydb_sum(c, a, i, &ra, &sa), eb = copydb_sum(c, b, i, &rb, &sb);
		int same = !ea && !eb && ra == rb && sa == sb;
		bad += !same;
		printf("%-20s %10lld %10lld  %016llx %s\n", schema_tables[i].name, ra, rb, sa,
		       same ? "ok" : "MISMATCH");
	}
	return bad;
}

/* Opens (migrating) from and to, refuses a destination with a site unless
** force (then empties it), copies and verifies.  Exit status. */
static int copy(const char *from, const char *to, int force, const char *what)
{
	char err[512];
	if (!strstr(from, "://") && access(from, R_OK) != 0) {
		fprintf(stderr, "byline %s: cannot read %s\n", what, from); /* not created */
		return 1;
	}
	struct db *src = model_open(from, err, sizeof err);
	if (!src) {
		fprintf(stderr, "byline %s: %s: %s\n", what, from, err);
		return 1;
	}
	struct db *dst = model_open(to, err, sizeof err);
	if (!dst) {
		fprintf(stderr, "byline %s: %s: %s\n", what, to, err);
		db_close(src);
		return 1;
	}
	struct copydb *c = copydb_new();
	int status = 0;
	int empty = copydb_is_empty(dst);
	if (empty < 0) {
		fprintf(stderr, "byline %s: %s: %s\n", what, to, db_errmsg(dst));
		status = 1;
	} else if (!empty && !force) {
		fprintf(stderr, "byline %s: %s already holds a site (users, articles or comments);"
		        " refusing to copy over it%s\n", what, to,
		        strcmp(what, "restore") ? "" : " (--force empties it first)");
		status = 1;
	} else if (!empty && copydb_clear(c, dst, err, sizeof err) != 0) {
		fprintf(stderr, "byline %s: %s\n", what, err);
		status = 1;
	}
	/* One snapshot of src for the copy and its check: the database of one
	** moment, whatever a server writes meanwhile (PostgreSQL: REPEATABLE
	** READ, READ ONLY). */
	int snap = status ? 0 : db_read_begin(src);
	if (!status && copydb_copy(c, src, dst, BATCH, err, sizeof err) != 0) {
		fprintf(stderr, "byline %s: %s\n", what, err);
		status = 1;
	}
	if (!status) {
		int bad = verify(c, src, dst);
		if (bad) {
			fprintf(stderr, "byline %s: %d table(s) differ after the copy\n", what, bad);
			status = 1;
		} else {
			printf("copied %s (%s) to %s (%s): every table's rows and checksum match.\n"
			       "Media files are not in the database: copy the data folder"
			       " (--data) yourself.\n", from, db_engine(src), to, db_engine(dst));
		}
	}
	if (snap)
		db_read_end(src);
	db_close(src);
	db_close(dst);
	copydb_free(c);
	return status;
}

int cmd_copy_db(int argc, char **argv)
{
	const char *from = cli_option(argc, argv, "--from");
	const char *to = cli_option(argc, argv, "--to");
	if (!from || !to) {
		fprintf(stderr, "usage: byline copy-db --from SRC --to DST\n");
		return 2;
	}
	if (!strcmp(from, to)) {
		fprintf(stderr, "byline copy-db: --from and --to name the same database\n");
		return 2;
	}
	return copy(from, to, 0, "copy-db");
}

int cmd_backup(const char *path, int argc, char **argv)
{
	const char *pos[2];
	if (cli_positional(argc, argv, pos, 2) != 1) {
		fprintf(stderr, "usage: byline backup --db SRC OUT\n");
		return 2;
	}
	const char *out = pos[0];
	if (access(out, F_OK) == 0) {
		fprintf(stderr, "byline backup: %s exists; refusing to overwrite it\n", out);
		return 1;
	}
	char err[512];
	struct db *db = db_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline backup: %s: %s\n", path, err);
		return 1;
	}
	int pg = !strcmp(db_engine(db), "postgresql");
	if (!pg) {
		/* SQLite: its online backup, consistent while a server writes. */
		int rc = db_backup(db, out, err, sizeof err);
		db_close(db);
		if (rc != DB_OK) {
			fprintf(stderr, "byline backup: %s\n", err);
			unlink(out);
			return 1;
		}
		printf("backed up %s to %s (SQLite online backup)\n", path, out);
		return 0;
	}
	db_close(db);
	/* PostgreSQL: the site copied into an SQLite file, read in one
	** snapshot (REPEATABLE READ), so the dump is one moment's database. */
	int rc = copy(path, out, 0, "backup");
	if (rc != 0)
		unlink(out);
	return rc;
}

int cmd_restore(const char *path, int argc, char **argv)
{
	const char *pos[2];
	if (cli_positional(argc, argv, pos, 2) != 1) {
		fprintf(stderr, "usage: byline restore --db DST IN [--force]\n");
		return 2;
	}
	if (access(pos[0], R_OK) != 0) {
		fprintf(stderr, "byline restore: cannot read %s\n", pos[0]);
		return 1;
	}
	return copy(pos[0], path, cli_flag(argc, argv, "--force"), "restore");
}
