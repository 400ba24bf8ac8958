/*
** cmd_content.c: `byline demo` and `byline import-markdown`.
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/import.h"
#include "model/schema.h"
#include "model/settings.h"
#include "core/text.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

int cmd_demo(const char *path)
{
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline demo: %s\n", err);
		return 1;
	}
	/* The photos go where `serve` keeps uploads for this database. */
	char data_dir[4096];
	cli_data_dir(path, NULL, data_dir, sizeof data_dir);
	if (mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "byline demo: cannot create the data folder %s: %s\n", data_dir,
		        strerror(errno));
		db_close(db);
		return 1;
	}
	int rc = demo_create(db, data_dir, err, sizeof err);
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "byline demo: %s\n", err);
		return 1;
	}
	printf("The demo site is in %s.\n", path);
	return 0;
}

static int is_markdown(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 3 && !strcmp(e->d_name + n - 3, ".md");
}

int cmd_import(const char *path, int argc, char **argv)
{
	const char *pos[2];
	if (cli_positional(argc, argv, pos, 2) != 1) {
		fprintf(stderr, "usage: byline import-markdown --db FILE DIR\n");
		return 2;
	}
	const char *dir = pos[0];
	struct dirent **names;
	int n = scandir(dir, &names, is_markdown, alphasort);
	if (n < 0) {
		fprintf(stderr, "byline import-markdown: cannot read folder %s\n", dir);
		return 1;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline import-markdown: %s\n", err);
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return 1;
	}
	/* Dates in front matter are in the site's time zone. */
	struct arena *za = arena_new();
	const char *tz = settings_get(db, za, "timezone");
	if (!tz || text_set_timezone(tz) != 0)
		text_set_timezone("UTC");
	arena_free(za);
	int ok = 0, bad = 0;
	for (int i = 0; i < n; i++) {
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		FILE *f = fopen(file, "rb");
		if (!f) {
			fprintf(stderr, "%s: cannot open\n", file);
			bad++;
			continue;
		}
		struct buf b = BUF_INIT;
		buf_limit(&b, 16 * 1024 * 1024);
		char chunk[8192];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&b, chunk, got);
		fclose(f);
		if (b.is_full) {
			fprintf(stderr, "%s: larger than 16 MB, skipped\n", file);
			buf_free(&b);
			bad++;
			continue;
		}
		struct arena *a = arena_new();
		int line;
		long long id = import_markdown(db, a, buf_cstr(&b), b.len, &line, err, sizeof err);
		if (id < 0) {
			if (line)
				fprintf(stderr, "%s:%d: %s\n", file, line, err);
			else
				fprintf(stderr, "%s: %s\n", file, err);
			bad++;
		} else {
			printf("imported %s (article %lld)\n", file, id);
			ok++;
		}
		arena_free(a);
		buf_free(&b);
	}
	free(names);
	db_close(db);
	printf("%d imported, %d failed\n", ok, bad);
	return bad ? 1 : 0;
}
