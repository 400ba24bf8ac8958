/*
** wxr_import.h: a WordPress export (WXR) into Byline.
**
** The file is read several times, streaming (wxr_read.h), never held:
**
**   1. validate: the whole file is read and checked, nothing written.  A
**      file cut short, malformed, hostile or not WXR stops here with its
**      line and column, so nothing is ever half-imported from a bad file;
**   2. authors, categories, tags and attachments (media: the files from
**      --uploads, else fetched from their old addresses through
**      opts->fetch, else their old addresses kept);
**   3. posts with their comments; 4. pages, parents before children.
**
** Passes 2 and 3 are one when every attachment comes before the first post
** (as Byline's export writes them) and every author and term before the
** first item (as WordPress writes them); pass 4 is skipped when it has no
** page: the file is then read twice.
**
** Every WordPress thing imported is recorded in wp_import_map (the site it
** came from, its kind and WordPress id, the Byline row it became, a digest
** of its fields) in the
** same transaction as the rows it made; items are committed in batches
** of a second's writes at most (one fsync a batch, db_begin_alone()), each
** holding the change log (changes_hold(): one 'all' row a batch).  An item refused by a check is skipped and
** reported, the rest goes on; a database error stops the import with its
** batch undone.  Running the import again changes nothing; a later export
** of the same site adds what is new and updates what changed (its digest
** differs: a comment's text and status; a post or page now in WordPress's
** trash is unpublished); an import interrupted half way resumes by running
** it again.
** Redirects (redirect.h) are added for every old address that differs from
** the new one.
**
** The site's time zone: WXR has none, but Byline's export writes one
** (wp:timezone_string), and a WordPress export's local and GMT dates tell
** the offsets, which the first zone found (common zones first, then
** zone1970.tab) that gives every sampled date is taken to be.  An empty
** site (no article, page or earlier import) still in UTC takes it when
** opts->set_timezone; otherwise the report says when it differs.
**
** An attachment's file is sought when opts->uploads_dir or opts->fetch is
** given and it has none here yet: from --uploads first, else fetched from
** its wp:attachment_url (one at a time, with no transaction open: the batch
** is committed first), then stored as an upload is (media_store()).  A
** file that cannot be had is one report line with the reason, and the old
** address is kept; a later run seeks it again, and only it (an attachment
** whose file is here is never fetched or read again, and a run given no
** file keeps it).  A dry run fetches nothing and counts what it would.
**
** Progress goes to opts->progress while it runs (the attachments' too when
** fetching, with the files fetched); the report (counts, and
** every item skipped or changed with the reason) to opts->report at the end.
*/
#ifndef BYLINE_MODEL_WXR_IMPORT_H
#define BYLINE_MODEL_WXR_IMPORT_H

#include "model/wxr_read.h"

#include <stdio.h>

struct buf;
struct db;

struct wxr_import_opts {
	const char *uploads_dir; /* a copy of wp-content/uploads, or NULL */
	const char *data_dir;    /* where media files are stored (media_store) */
	int dry_run;             /* report what would happen, write nothing */
	FILE *progress;          /* progress lines (stderr), or NULL for none */
	int progress_bar;        /* progress is a terminal: one redrawn bar */
	FILE *report;            /* the report (stdout) */
	int set_timezone;        /* a site with no articles yet, in the default UTC, takes
	                            the export's time zone: 1, its timezone setting and the
	                            process's TZ, found from the dates if the export names
	                            none (the command line); 2, the setting alone, only
	                            when the export names it (a server: the caller reloads
	                            its settings, which sets TZ, once the import ends) */
	char *zone_out;          /* if not NULL, [64]: the zone the site was given, or "" */
	int (*fetch)(void *ctx, const char *url, struct buf *out, char *err, size_t errlen);
	                         /* if not NULL, fetches an attachment's file from url (its
	                            old address) into out: 0, or -1 with why in err.  Set by
	                            the caller above model/ (web/wxr_fetch.h); never called
	                            in a dry run or with a transaction open */
	void *fetch_ctx;         /* fetch's first argument */
};

/* Imports the export at path.  Returns 0 (the report says what happened,
** items skipped included), or -1 with err filled: the file was refused
** (nothing written) or the database failed (what was committed so far is
** kept, and running again resumes). */
int wxr_import(struct db *db, const char *path, const struct wxr_import_opts *opts,
               struct wxr_error *err);

#endif
