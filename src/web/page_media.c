/*
** page_media.c: /media/HASH.EXT, the uploaded images, and their variants
** /media/HASH-640.webp, /media/HASH-social.jpg (model/media.h).
**
** Files are named by the SHA-256 of their bytes (a variant by its image's),
** so a URL's content never changes: they are served with a year's immutable
** caching.  A variant asked for before it is made is answered with the
** nearest one made (or the original), cached for a minute only.
*/
#include "web/web.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "model/media.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void page_media(struct page *p)
{
	const char *mime = NULL;
	int exact = 1;
	const char *path = media_path(p->db, p->a, p->app->data_dir, p->req->params[0], &mime,
	                              &exact);
	if (!path) {
		site_not_found(p);
		return;
	}
	const char *slash = strrchr(path, '/');
	const char *etag = arena_printf(p->a, "\"%s\"", slash ? slash + 1 : path);
	http_resp_header(p->resp, "ETag", etag);
	http_resp_header(p->resp, "Cache-Control", exact ? "public, max-age=31536000, immutable"
	                                                 : "public, max-age=60");
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
