/*
** cmd_wordpress.c: `byline import-wordpress`: a WordPress export (WXR) in.
**
** With --fetch-media, the attachments' files not found under --uploads
** are fetched from the old site (web/wxr_fetch.h: the outbound checks,
** the outbound_allow_private setting, upload_max_bytes a file).
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/schema.h"
#include "model/settings.h"
#include "model/wxr_import.h"
#include "web/wxr_fetch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_import[] =
    "usage: byline import-wordpress --db FILE EXPORT.xml [--uploads DIR] [--data DIR] "
    "[--fetch-media] [--dry-run]\n";

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
	int fetch = cli_flag(argc, argv, "--fetch-media");
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
	if ((uploads || fetch) && !dry && mkdir(data_dir, 0755) != 0 && errno != EEXIST) {
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
	/* Files fetched from the old site: as the server's outbound requests
	** and uploads are limited. */
	const char *priv = settings_get(db, za, "outbound_allow_private");
	const char *cap = settings_get(db, za, "upload_max_bytes");
	struct wxr_fetch wf = {
		.allow_private = priv && atoi(priv) != 0,
		.max_bytes = cap && atol(cap) > 0 ? (size_t)atol(cap) : 10u << 20,
	};
	arena_free(za);
	struct wxr_import_opts o = {
		.uploads_dir = uploads,
		.data_dir = data_dir,
		.dry_run = dry,
		.progress = stderr,
		.progress_bar = isatty(2),
		.report = stdout,
		.set_timezone = 1, /* an empty site takes the export's (this process's TZ) */
		.fetch = fetch ? wxr_fetch : NULL,
		.fetch_ctx = &wf,
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
