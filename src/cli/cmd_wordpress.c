/*
** cmd_wordpress.c: `byline import-wordpress`: a WordPress export (WXR) in.
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/schema.h"
#include "model/settings.h"
#include "model/wxr_import.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_import[] =
    "usage: byline import-wordpress --db FILE EXPORT.xml [--uploads DIR] [--data DIR] "
    "[--dry-run]\n";

int cmd_import_wordpress(const char *path, int argc, char **argv)
{
	const char *pos[2];
	if (cli_positional(argc, argv, pos, 2) != 1) {
		fputs(usage_import, stderr);
		return 2;
	}
	const char *file = pos[0];
	const char *uploads = cli_option(argc, argv, "--uploads");
	const char *data = cli_option(argc, argv, "--data");
	int dry = cli_flag(argc, argv, "--dry-run");
	struct stat sb;
	if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "byline import-wordpress: cannot read %s\n", file);
		return 1;
	}
	if (uploads && (stat(uploads, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		fprintf(stderr, "byline import-wordpress: --uploads %s is not a folder\n", uploads);
		return 1;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline import-wordpress: %s\n", err);
		return 1;
	}
	/* Media live beside the database unless told otherwise, as for serve. */
	char data_dir[4096];
	cli_data_dir(path, data, data_dir, sizeof data_dir);
	if (uploads && !dry && mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "byline import-wordpress: cannot create %s: %s\n", data_dir,
		        strerror(errno));
		db_close(db);
		return 1;
	}
	/* Article addresses carry the date in the site's time zone. */
	struct arena *za = arena_new();
	const char *tz = settings_get(db, za, "timezone");
	if (!tz || text_set_timezone(tz) != 0)
		text_set_timezone("UTC");
	arena_free(za);
	struct wxr_import_opts o = {
		.uploads_dir = uploads,
		.data_dir = data_dir,
		.dry_run = dry,
		.progress = stderr,
		.progress_bar = isatty(2),
		.report = stdout,
		.set_timezone = 1, /* an empty site takes the export's (this process's TZ) */
	};
	struct wxr_error e;
	int rc = wxr_import(db, file, &o, &e);
	db_close(db);
	if (rc != 0) {
		if (e.line)
			fprintf(stderr, "byline import-wordpress: %s:%d:%d: %s\n", file, e.line,
			        e.column, e.msg);
		else
			fprintf(stderr, "byline import-wordpress: %s: %s\n", file, e.msg);
		return 1;
	}
	return 0;
}
