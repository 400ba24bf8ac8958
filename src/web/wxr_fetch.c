/*
** wxr_fetch.c: an attachment's file from the old site, through outbound
** (see wxr_fetch.h).
*/
#include "web/wxr_fetch.h"
#include "core/buf.h"
#include "web/outbound.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int wxr_fetch(void *ctx, const char *url, struct buf *out, char *err, size_t errlen)
{
	const struct wxr_fetch *f = ctx;
	if (f->stop && atomic_load(f->stop)) {
		snprintf(err, errlen, "stopped: the server is shutting down");
		return -1;
	}
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) {
		snprintf(err, errlen, "its address is not http or https");
		return -1;
	}
	const char *hdrs[] = {"Accept: image/*", NULL};
	struct outbound_req r = {
	    .method = "GET", .url = url, .headers = hdrs, .max_bytes = f->max_bytes,
	    .timeout_seconds = WXR_FETCH_SECONDS, .allow_private = f->allow_private,
	    .stop = f->stop, .redirects = WXR_FETCH_REDIRECTS,
	};
	enum outbound_end end;
	char why[300];
	int status = outbound_send(&r, out, why, sizeof why, &end);
	if (status == 200)
		return 0;
	if (end == OUTBOUND_STOPPED)
		snprintf(err, errlen, "stopped: the server is shutting down");
	else if (end == OUTBOUND_TOO_LARGE)
		snprintf(err, errlen, "the file is larger than the upload limit, %zu bytes (the "
		         "upload_max_bytes setting)", f->max_bytes);
	else if (!status)
		snprintf(err, errlen, "%s", why);
	else
		snprintf(err, errlen, "the old site answered %d", status);
	return -1;
}
