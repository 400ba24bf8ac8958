/*
** cmd_export.c: `byline export-wordpress --db FILE [--base-url URL] > site.xml`:
** the whole site as WXR 1.2 on standard output (model/export.h), a summary
** on standard error.
**
** Links and attachment URLs are absolute from --base-url, else the
** base_url setting.  With neither, the export holds paths alone
** ("/media/x.jpg"), which a WordPress importer cannot fetch: the command
** says so on standard error and still writes the file.
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/text.h"
#include "db/db.h"
#include "model/export.h"
#include "model/schema.h"
#include "model/settings.h"

#include <stdio.h>
#include <string.h>

static int to_stdout(void *ctx, const char *bytes, size_t n)
{
	return fwrite(bytes, 1, n, (FILE *)ctx) == n ? 0 : -1;
}

int cmd_export_wordpress(const char *path, int argc, char **argv)
{
	const char *pos[1];
	if (cli_positional(argc, argv, pos, 1) != 0) {
		fprintf(stderr, "usage: byline export-wordpress --db FILE [--base-url URL] > site.xml\n");
		return 2;
	}
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline export-wordpress: %s\n", err);
		return 1;
	}
	struct arena *a = arena_new();
	const char *tz = settings_get(db, a, "timezone");
	if (tz && *tz && text_set_timezone(tz) != 0)
		fprintf(stderr, "byline export-wordpress: unknown time zone '%s'; dates in UTC\n", tz);
	const char *base = cli_option(argc, argv, "--base-url");
	if (!base || !*base)
		base = settings_get(db, a, "base_url");
	if (!base)
		base = "";
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	base = arena_strndup(a, base, n);
	if (!*base)
		fprintf(stderr, "byline export-wordpress: the site's address is not set (settings "
		                "set base_url, or --base-url URL): links and attachment URLs are "
		                "written as paths, which a WordPress importer cannot fetch.\n");
	struct export_counts c;
	int rc = export_wxr(db, base, to_stdout, stdout, &c, err, sizeof err);
	if (fflush(stdout) != 0)
		rc = -1, snprintf(err, sizeof err, "could not write the export (disk full?)");
	db_close(db);
	arena_free(a);
	if (rc != 0) {
		fprintf(stderr, "byline export-wordpress: %s\n", err);
		return 1;
	}
	fprintf(stderr, "Exported %lld articles, %lld pages, %lld attachments, %lld comments, "
	                "%lld authors, %lld categories, %lld tags.\n",
	        c.posts, c.pages, c.attachments, c.comments, c.authors, c.categories, c.tags);
	return 0;
}
