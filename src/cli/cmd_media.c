/*
** cmd_media.c: `byline media --db FILE normalize [--dry-run] [--data DIR]`.
**
** Images an older version stored kept the metadata they came with (GPS
** position, camera serial number).  The server normalizes them in the
** background, and any of them on its first request; this does the same work
** in the foreground, for an operator who wants it done before the site
** opens (or whose front server serves /media/ from the disk itself).  One
** line an image: what changed, where it is named, or why it cannot be; the
** images marked as impossible before are tried again.  --dry-run reads and
** converts but writes nothing.  Exits 0 when every image is normalized
** (or, dry, could be), 1 when some cannot be (they are not served: replace
** their files in the media library), 2 when misused.
*/
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "model/media.h"
#include "model/schema.h"

#include <stdio.h>
#include <string.h>

static const char usage_media[] =
    "usage: byline media --db FILE normalize [--dry-run] [--data DIR]\n";

int cmd_media(const char *path, int argc, char **argv)
{
	const char *pos[2];
	if (cli_positional(argc, argv, pos, 2) != 1 || strcmp(pos[0], "normalize") != 0) {
		fputs(usage_media, stderr);
		return 2;
	}
	int dry = cli_flag(argc, argv, "--dry-run");
	const char *data = cli_option(argc, argv, "--data");
	char err[512];
	struct db *db = model_open(path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "byline media: %s\n", err);
		return 1;
	}
	/* Media live beside the database unless told otherwise, as for serve. */
	char data_dir[4096];
	cli_data_dir(path, data, data_dir, sizeof data_dir);
	log_set_verbose(0); /* the report below says it, once */
	struct arena *la = arena_new();
	size_t n = 0;
	long long *ids = media_normalize_pending(db, la, 1, &n);
	long long changed = 0, same = 0, failed = 0, errors = 0;
	for (size_t i = 0; i < n; i++) {
		struct arena *a = arena_new();
		struct media_normalized r;
		int rc = media_normalize(db, a, data_dir, ids[i], dry, &r, err, sizeof err);
		if (rc < 0) {
			errors++;
			printf("media %lld: failed (%s); run the command again\n", ids[i], err);
		} else if (rc > 0) {
			failed++;
			printf("media %lld: %s cannot be normalized: %s It is not served; replace its "
			       "file in the media library.\n", ids[i], r.old_url, err);
		} else if (r.changed) {
			changed++;
			printf("media %lld: %s %s %s (%lld to %lld bytes; named in %lld article%s, "
			       "%lld page%s, %lld setting%s)%s\n", ids[i], r.old_url,
			       dry ? "would become" : "is now", r.new_url, r.bytes_before, r.bytes_after,
			       r.n_bodies, r.n_bodies == 1 ? "" : "s", r.n_pages, r.n_pages == 1 ? "" : "s",
			       r.n_settings, r.n_settings == 1 ? "" : "s",
			       r.merged_into ? ", the same image as another: merged into it" : "");
		} else {
			same++;
			printf("media %lld: %s %s already clean\n", ids[i], r.old_url,
			       dry ? "is" : "was");
		}
		fflush(stdout);
		arena_free(a);
	}
	printf("%s%zu image%s to normalize: %lld %s, %lld already clean, %lld cannot be, "
	       "%lld failed\n", dry ? "dry run: " : "", n, n == 1 ? "" : "s", changed,
	       dry ? "would change" : "changed", same, failed, errors);
	arena_free(la);
	db_close(db);
	return failed || errors ? 1 : 0;
}
