/*
** admin_media.c: the media library (authors and up upload images).  The
** public /media/HASH.EXT that serves them is page_media.c.
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
