/*
** wxr_fetch.h: the WordPress import's fetch of an attachment's file from
** the old site (wxr_import_opts.fetch), for `byline import-wordpress
** --fetch-media` and the desk's Tools > Import box.
**
** The import is in model/, which cannot make a request: it calls this
** through the function pointer its caller (cli/, web/) hands it.  The
** request goes through outbound.h, the one way out: http and https only,
** OUTBOUND_CONNECT_SECONDS to connect and WXR_FETCH_SECONDS for the whole
** fetch, at most max_bytes of answer, up to WXR_FETCH_REDIRECTS redirects
** followed (WordPress sites and their CDNs redirect), each a new request
** whose address is checked again: unless allow_private, a loopback or
** private address is refused wherever it comes in the chain.  Whether the
** bytes are an image the media library takes is media_store()'s to say, as
** for an upload.
*/
#ifndef BYLINE_WEB_WXR_FETCH_H
#define BYLINE_WEB_WXR_FETCH_H

#include <stdatomic.h>
#include <stddef.h>

struct buf;

#define WXR_FETCH_SECONDS 60  /* one file, redirects included */
#define WXR_FETCH_REDIRECTS 3 /* followed at most */

struct wxr_fetch {
	int allow_private; /* the outbound_allow_private setting */
	size_t max_bytes;  /* the upload_max_bytes setting: an upload's limit */
	atomic_int *stop;  /* non-zero: fetch nothing more (the server stops); may be NULL */
};

/* The wxr_import_opts.fetch function, ctx a struct wxr_fetch: GETs url
** and appends the answer's body to out.  0 on a 200 answer; else -1 with
** one sentence in err ("the old site answered 404", "refused: the address
** is private or loopback ...", "the answer was larger than N bytes", a
** timeout, "stopped: the server is shutting down"). */
int wxr_fetch(void *ctx, const char *url, struct buf *out, char *err, size_t errlen);

#endif
