/*
** admin_media.c: the media library (authors and up upload images) and
** /media/HASH.EXT, which serves them.
**
** Files are named by the SHA-256 of their bytes, so a URL's content never
** changes: they are served with a year's immutable caching.
*/
#include "web/admin.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "http/multipart.h"
#include "model/account.h"
#include "model/media.h"
#include "render/value.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show_media(struct page *p, int status, const char *error)
{
	struct arena *a = p->a;
	struct tv *ctx = admin_context(p, "Media");
	size_t n;
	struct media *list = media_list(p->db, a, 200, &n);
	struct tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tv *r = tv_map(a);
		tv_set_int(a, r, "id", list[i].id);
		tv_set_str(a, r, "url", list[i].url);
		tv_set_int(a, r, "width", list[i].width);
		tv_set_int(a, r, "height", list[i].height);
		tv_set_str(a, r, "mime", list[i].mime);
		tv_set_int(a, r, "kb", (list[i].bytes + 1023) / 1024);
		tv_push(a, rows, r);
	}
	tv_set(a, ctx, "media", rows);
	tv_set_bool(a, ctx, "has_media", n > 0);
	tv_set_int(a, ctx, "max_mb", p->app->settings.upload_max_bytes / (1024 * 1024));
	if (error)
		tv_set_str(a, ctx, "error", error);
	admin_render(p, status, "admin_media", ctx);
}

void admin_media_list(struct page *p)
{
	show_media(p, 200, NULL);
}

void admin_media_upload(struct page *p)
{
	if (p->req->form_error) {
		show_media(p, 400, p->req->form_error);
		return;
	}
	const struct http_part *file = http_file(p->req, "file");
	if (!file) {
		show_media(p, 422, "Choose an image file to upload.");
		return;
	}
	struct media m;
	char err[256];
	if (media_store(p->db, p->a, p->app->data_dir, (const unsigned char *)file->data, file->len,
	                (size_t)p->app->settings.upload_max_bytes, p->user->id, &m, err,
	                sizeof err) < 0) {
		show_media(p, 422, err);
		return;
	}
	admin_done(p, "/admin/media/", "uploaded");
}

void page_media(struct page *p)
{
	const char *mime = NULL;
	const char *path = media_path(p->db, p->a, p->app->data_dir, p->req->params[0], &mime);
	if (!path) {
		site_not_found(p);
		return;
	}
	const char *etag = arena_printf(p->a, "\"%.64s\"", p->req->params[0]);
	http_resp_header(p->resp, "ETag", etag);
	http_resp_header(p->resp, "Cache-Control", "public, max-age=31536000, immutable");
	/* An image is never a document that runs anything. */
	http_resp_header(p->resp, "Content-Security-Policy", "default-src 'none'; sandbox");
	const char *inm = http_header(p->req, "If-None-Match");
	if (inm && !strcmp(inm, etag)) {
		p->resp->status = 304;
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		log_warn("media file missing: %s", path);
		site_not_found(p);
		return;
	}
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof chunk)) > 0)
		buf_put(&p->resp->body, chunk, (size_t)got);
	close(fd);
	p->resp->content_type = mime;
}
