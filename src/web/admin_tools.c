/*
** admin_tools.c: the desk's Tools (administrators): import a WordPress
** export (WXR) and download the site as one.
**
** The upload arrives spooled to a deleted temporary file (the route sets
** req->body_spool: http.h), never in memory; its file part is copied to a
** named temporary file under the data folder (in the kernel) and imported
** from there by one background thread (wxr_import(), as `byline
** import-wordpress` does), one import at a time.  Only the form's first and last bytes are ever in
** memory (http.h: body_cut).  Its progress lines and report go to a state kept
** here under a mutex, which /admin/tools/import/ shows (the page refreshes
** itself every 2 seconds while the import runs).  When it ends, its report
** is also written to DATA_DIR/wordpress-import.txt (a line of facts, then
** the report), which the page reads after a restart.  The export is
** written to a deleted temporary file and sent mapped from there.
**
** With the form's fetch_media box, the import fetches the attachments'
** files from the old site (web/wxr_fetch.h, under the outbound_allow_private
** and upload_max_bytes settings); a server told to stop ends the fetching
** at once (the rest keep their old addresses, which the next import
** fetches) and waits only for the import's database work.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/db.h"
#include "http/multipart.h"
#include "model/export.h"
#include "model/wxr_import.h"
#include "render/value.h"
#include "web/wxr_fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define REPORT_MAX (4u << 20) /* report bytes kept; past it, a line says so */
#define REPORT_FILE "wordpress-import.txt" /* the last report, in the data folder */

/* The one import (a process runs at most one at a time). */
static struct {
	pthread_mutex_t mu;
	int running;        /* a thread is importing */
	int done;           /* an import finished (report below) */
	int failed;         /* it stopped on an error */
	int dry_run;        /* it was a dry run */
	int fetch_media;    /* it fetches the photos from the old site */
	char file[256];     /* the uploaded file's name, as sent (shown escaped) */
	char progress[512]; /* the last progress line */
	int line_ended;     /* the next progress byte begins a new line */
	struct buf report;  /* the report, as the command prints it */
	time_t started, ended_at;
	int loaded;         /* the last report on disk was looked for */
	pthread_cond_t ended; /* signalled when running drops to 0 */
} imp = {.mu = PTHREAD_MUTEX_INITIALIZER, .ended = PTHREAD_COND_INITIALIZER};

static atomic_int fetch_stop; /* the server stops: the import fetches no more */

struct job {
	struct app *app;
	char path[4096]; /* the export copied out of the upload; removed after */
};

/* fopencookie writers: the progress keeps its last line, the report all. */
static ssize_t progress_write(void *c, const char *b, size_t n)
{
	(void)c;
	pthread_mutex_lock(&imp.mu);
	size_t len = strlen(imp.progress);
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '\r' || b[i] == '\n') {
			imp.line_ended = 1; /* the line stays shown until the next begins */
			continue;
		}
		if (imp.line_ended)
			len = 0;
		imp.line_ended = 0;
		if (len + 1 < sizeof imp.progress)
			imp.progress[len++] = b[i];
	}
	imp.progress[len] = 0;
	pthread_mutex_unlock(&imp.mu);
	return (ssize_t)n;
}

static ssize_t report_write(void *c, const char *b, size_t n)
{
	(void)c;
	pthread_mutex_lock(&imp.mu);
	if (imp.report.len < REPORT_MAX) {
		buf_put(&imp.report, b, n);
		if (imp.report.len >= REPORT_MAX)
			buf_puts(&imp.report, "\n(the report is longer: run byline import-wordpress "
			                      "--dry-run for all of it)\n");
	}
	pthread_mutex_unlock(&imp.mu);
	return (ssize_t)n;
}

/* Writes the ended import's report to the data folder (imp.mu held):
** "byline-import <started> <ended> <failed> <dry_run> <file>\n" then the
** report, replaced whole (a temporary file renamed). */
static void report_save(const char *data_dir)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof path, "%s/" REPORT_FILE, data_dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); /* emails inside */
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		log_warn("tools: cannot keep the import's report in %s: %s", tmp, strerror(errno));
		return;
	}
	char name[sizeof imp.file];
	snprintf(name, sizeof name, "%s", imp.file);
	for (char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = '?';
	fprintf(f, "byline-import %lld %lld %d %d %s\n", (long long)imp.started,
	        (long long)imp.ended_at, imp.failed, imp.dry_run, name);
	if (imp.report.len)
		fwrite(imp.report.data, 1, imp.report.len, f);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		log_warn("tools: cannot keep the import's report in %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Reads the report report_save() wrote, once, when no import has run since
** the server started (imp.mu held). */
static void report_load(const char *data_dir)
{
	if (imp.loaded || imp.running || imp.done)
		return;
	imp.loaded = 1;
	char path[4200];
	snprintf(path, sizeof path, "%s/" REPORT_FILE, data_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char head[512];
	long long started, ended;
	int failed, dry, at = 0;
	if (fgets(head, sizeof head, f) &&
	    sscanf(head, "byline-import %lld %lld %d %d %n", &started, &ended, &failed, &dry,
	           &at) == 4 && at > 0) {
		char *nl = strchr(head + at, '\n');
		if (nl)
			*nl = 0;
		snprintf(imp.file, sizeof imp.file, "%s", head + at);
		imp.started = (time_t)started;
		imp.ended_at = (time_t)ended;
		imp.failed = failed != 0;
		imp.dry_run = dry != 0;
		buf_reset(&imp.report);
		char chunk[8192];
		size_t got;
		while (imp.report.len < REPORT_MAX && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&imp.report, chunk, got);
		imp.done = 1;
	}
	fclose(f);
}

static void *import_main(void *arg)
{
	struct job *j = arg;
	char zone[64] = "";
	FILE *prog = fopencookie(NULL, "w", (cookie_io_functions_t){.write = progress_write});
	FILE *rep = fopencookie(NULL, "w", (cookie_io_functions_t){.write = report_write});
	if (prog)
		setvbuf(prog, NULL, _IOLBF, 0);
	pthread_rwlock_rdlock(&j->app->settings_lock);
	struct wxr_fetch wf = {
		.allow_private = j->app->settings.outbound_allow_private,
		.max_bytes = (size_t)j->app->settings.upload_max_bytes,
		.stop = &fetch_stop,
	};
	pthread_rwlock_unlock(&j->app->settings_lock);
	struct wxr_import_opts o = {
		.data_dir = j->app->data_dir,
		.dry_run = imp.dry_run,
		.progress = prog,
		.progress_bar = 1, /* a line 5 times a second, each replacing the last */
		.report = rep,
		.set_timezone = 2, /* the export's zone for an empty site: the setting */
		.zone_out = zone,
		.fetch = imp.fetch_media ? wxr_fetch : NULL,
		.fetch_ctx = &wf,
	};
	struct wxr_error e = {0};
	struct db *db = db_pool_get(j->app->pool);
	int rc = prog && rep ? wxr_import(db, j->path, &o, &e) : -1;
	db_pool_put(j->app->pool, db);
	if (*zone)
		web_settings_changed(j->app); /* the site took the export's time zone */
	if (prog)
		fclose(prog);
	if (rep)
		fclose(rep);
	unlink(j->path);
	char data_dir[4096];
	snprintf(data_dir, sizeof data_dir, "%s", j->app->data_dir);
	free(j); /* before the end is signalled: serve may exit right after */
	pthread_mutex_lock(&imp.mu);
	if (rc != 0) {
		char line[700];
		if (e.line)
			snprintf(line, sizeof line, "The import stopped: line %d, column %d: %s\n", e.line,
			         e.column, e.msg);
		else
			snprintf(line, sizeof line, "The import stopped: %s\n",
			         e.msg[0] ? e.msg : "it could not start");
		buf_puts(&imp.report, line);
	}
	imp.failed = rc != 0;
	imp.running = 0;
	imp.done = 1;
	imp.ended_at = time(NULL);
	report_save(data_dir);
	pthread_cond_broadcast(&imp.ended);
	pthread_mutex_unlock(&imp.mu);
	return NULL;
}

void admin_tools_wait(void)
{
	atomic_store(&fetch_stop, 1);
	pthread_mutex_lock(&imp.mu);
	if (imp.running)
		log_info("waiting for the WordPress import started in the desk to end");
	while (imp.running)
		pthread_cond_wait(&imp.ended, &imp.mu);
	pthread_mutex_unlock(&imp.mu);
}

void admin_tools_show(struct page *p)
{
	struct tv *ctx = admin_context(p, tr(p, "Tools"));
	tv_set_int(p->a, ctx, "max_mb", p->app->settings.import_max_mb);
	pthread_mutex_lock(&imp.mu);
	tv_set_bool(p->a, ctx, "running", imp.running);
	pthread_mutex_unlock(&imp.mu);
	admin_render(p, 200, "admin_tools", ctx);
}

/* The import page: progress while it runs, then the report. */
static void show_import(struct page *p, int status, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, tr(p, "Import from WordPress"));
	pthread_mutex_lock(&imp.mu);
	report_load(p->app->data_dir);
	tv_set_bool(a, ctx, "running", imp.running);
	if (imp.running)
		tv_set_int(a, ctx, "refresh", 2); /* reloads itself: no script */
	tv_set_bool(a, ctx, "done", imp.done && !imp.running);
	tv_set_bool(a, ctx, "failed", imp.failed);
	tv_set_bool(a, ctx, "dry_run", imp.dry_run);
	tv_set_bool(a, ctx, "fetch_media", imp.fetch_media && imp.running);
	tv_set_bool(a, ctx, "idle", !imp.running && !imp.done);
	tv_set_str(a, ctx, "file", arena_strdup(a, imp.file));
	tv_set_str(a, ctx, "progress", arena_strdup(a, imp.progress[0] ? imp.progress
	                                                                : tr(p, "Reading the export...")));
	long long done = 0, total = 0;
	char unit[16] = "";
	const char *items = strchr(imp.progress, ']');
	/* "[###  ] 12/40 items, ..." or, while photos are fetched, "... attachments" */
	if (imp.running && items && sscanf(items + 1, "%lld/%lld %15[a-z]", &done, &total, unit) == 3 &&
	    (!strcmp(unit, "items") || !strcmp(unit, "attachments")) && total > 0 && done <= total) {
		tv_set_bool(a, ctx, "has_bar", 1);
		tv_set_bool(a, ctx, "bar_photos", !strcmp(unit, "attachments"));
		tv_set_int(a, ctx, "items_done", done);
		tv_set_int(a, ctx, "items_total", total);
	}
	tv_set_str(a, ctx, "report", arena_strndup(a, imp.report.data ? imp.report.data : "",
	                                          imp.report.len));
	struct tm et;
	char ended[32] = "";
	if (imp.ended_at && localtime_r(&imp.ended_at, &et))
		strftime(ended, sizeof ended, "%Y-%m-%d at %H:%M", &et);
	tv_set_str(a, ctx, "ended", arena_strdup(a, ended));
	tv_set_int(a, ctx, "seconds", (long long)((imp.running ? time(NULL) : imp.ended_at) -
	                                          imp.started));
	pthread_mutex_unlock(&imp.mu);
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_tools_import", ctx);
}

void admin_tools_import_show(struct page *p)
{
	show_import(p, 200, NULL);
}

/* Copies len bytes at off of the spooled upload to a new file, in the
** kernel (copy_file_range): nothing of it passes through memory. */
static int copy_out(int from, off_t off, size_t len, const char *dir, char *path,
                    size_t pathlen)
{
	snprintf(path, pathlen, "%s/.import-XXXXXX", dir);
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t w = copy_file_range(from, &off, fd, NULL, len - done, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		done += (size_t)w;
	}
	if (close(fd) != 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

void admin_tools_import(struct page *p)
{
	if (p->req->form_error) {
		show_import(p, 400, p->req->form_error);
		return;
	}
	const struct http_part *file = http_file(p->req, "file");
	if (!file || !file->len) {
		show_import(p, 422, tr(p, "Choose a WordPress export file (Tools > Export in WordPress "
		                          "gives one, ending in .xml) to import."));
		return;
	}
	pthread_mutex_lock(&imp.mu);
	int busy = imp.running;
	pthread_mutex_unlock(&imp.mu);
	if (busy) {
		show_import(p, 409, tr(p, "An import is already running: wait for it to finish (this page "
		                          "shows its progress), then send the next one."));
		return;
	}
	off_t off;
	size_t len;
	char err[200];
	if (p->req->body_fd < 0 ||
	    multipart_spooled(http_header(p->req, "Content-Type"), p->req->body, p->req->body_cut,
	                      p->req->body_cut_len, p->req->body_fd, p->req->files,
	                      p->req->n_files, file, &off, &len, err, sizeof err) != 0) {
		show_import(p, 400, p->req->body_fd < 0 ? tr(p, "The upload was not received as a file.")
		                                        : arena_strdup(p->a, err));
		return;
	}
	struct job *j = mem_alloc(sizeof *j);
	memset(j, 0, sizeof *j);
	j->app = p->app;
	if (copy_out(p->req->body_fd, off, len, p->app->data_dir, j->path, sizeof j->path) != 0) {
		log_warn("tools: the upload could not be copied: %s", strerror(errno));
		free(j);
		show_import(p, 507, tr(p, "The server has no room to keep this file; nothing was imported."));
		return;
	}
	pthread_mutex_lock(&imp.mu);
	if (imp.running) { /* another request started one meanwhile */
		pthread_mutex_unlock(&imp.mu);
		unlink(j->path);
		free(j);
		show_import(p, 409, tr(p, "An import is already running: wait for it to finish, then send "
		                          "the next one."));
		return;
	}
	imp.running = 1;
	imp.done = imp.failed = 0;
	imp.dry_run = http_form(p->req, "dry_run", NULL) != NULL;
	imp.fetch_media = http_form(p->req, "fetch_media", NULL) != NULL;
	atomic_store(&fetch_stop, 0);
	snprintf(imp.file, sizeof imp.file, "%s", file->filename ? file->filename : "");
	imp.progress[0] = 0;
	imp.line_ended = 0;
	buf_reset(&imp.report);
	imp.started = time(NULL);
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &at, import_main, j);
	pthread_attr_destroy(&at);
	if (rc != 0)
		imp.running = 0;
	pthread_mutex_unlock(&imp.mu);
	if (rc != 0) {
		unlink(j->path);
		free(j);
		show_import(p, 503, tr(p, "The import could not be started; try again in a moment."));
		return;
	}
	admin_done(p, "/admin/tools/import/", "import");
}

/* ---- export ---- */

static int write_fd(void *ctx, const char *bytes, size_t n)
{
	FILE *f = ctx;
	return fwrite(bytes, 1, n, f) == n ? 0 : -1;
}

struct mapped {
	void *m;
	size_t len;
};

static void unmap(void *arg)
{
	struct mapped *m = arg;
	munmap(m->m, m->len);
	free(m);
}

void admin_tools_export(struct page *p)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/.export-XXXXXX", p->app->data_dir);
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		site_error(p, 507, tr(p, "No room"), tr(p, "The server has no room to write the export now."));
		return;
	}
	pthread_rwlock_rdlock(&p->app->settings_lock);
	const char *base = arena_strdup(p->a, p->app->settings.base_url ? p->app->settings.base_url
	                                                                : "");
	const char *title = arena_strdup(p->a, p->app->settings.site_title);
	pthread_rwlock_unlock(&p->app->settings_lock);
	size_t bl = strlen(base);
	if (bl && base[bl - 1] == '/')
		base = arena_strndup(p->a, base, bl - 1);
	struct export_counts counts;
	char err[256];
	int rc = export_wxr(p->db, base, write_fd, f, &counts, err, sizeof err);
	if (fflush(f) != 0)
		rc = -1;
	long len = ftell(f);
	void *m = rc == 0 && len > 0 ? mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, 0)
	                             : MAP_FAILED;
	fclose(f); /* the mapping keeps the file */
	if (m == MAP_FAILED) {
		site_error(p, 500, tr(p, "Export failed"), rc ? err : tr(p, "The export could not be read back."));
		return;
	}
	struct mapped *mp = mem_alloc(sizeof *mp);
	mp->m = m;
	mp->len = (size_t)len;
	/* site-title-YYYY-MM-DD.xml, the title's letters and digits only */
	char name[120];
	size_t n = 0;
	for (const char *s = title; *s && n < 60; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			name[n++] = (char)ch;
		else if (ch >= 'A' && ch <= 'Z')
			name[n++] = (char)(ch - 'A' + 'a');
		else if (n && name[n - 1] != '-')
			name[n++] = '-';
	}
	while (n && name[n - 1] == '-')
		n--;
	if (!n) {
		memcpy(name, "site", 4);
		n = 4;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(name + n, sizeof name - n, "-%04d-%02d-%02d.xml", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday);
	p->resp->status = 200;
	p->resp->content_type = "application/rss+xml; charset=utf-8";
	http_resp_header(p->resp, "Content-Disposition",
	                 arena_printf(p->a, "attachment; filename=\"%s\"", name));
	http_resp_header(p->resp, "Cache-Control", "no-store");
	http_resp_share(p->resp, m, (size_t)len, unmap, mp);
}
