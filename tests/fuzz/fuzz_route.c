/*
** fuzz_route.c: the route matcher (src/web/route.c) through
** web_body_limit(), which server.c calls with the parsed head (method, raw
** path; here no headers, so no session) of every request before reading
** its body.
**
** Input: one byte choosing the method (GET HEAD POST PUT DELETE OPTIONS, or
** for other values the bytes up to the first space as the method), then
** the path up to the first NUL (the server hands over C strings).
**
** Checks: the limit is a form's (at most 1 MiB; the table's are 8 to 256
** KiB) or the upload limit (twice upload_max_bytes plus 256 KiB), and
** never more than WEB_SIGNED_OUT_BODY on a staff route (no session here);
** only POST (and the REST API's PUT, PATCH and DELETE under /wp-json/) has
** a body, and no body is taken where no route is (404/405);
** a path that does not start with '/' or that holds "..", a NUL-free
** control byte, '?' or '#' matches nothing.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "web/web.h"
#include "web/forms.h"

#include <string.h>

#define KB 1024
#define UPLOAD_MAX (8 * 1024 * 1024)

static struct app *app(void)
{
	static struct app the_app;
	static int ready;
	if (!ready) {
		memset(&the_app, 0, sizeof the_app);
		the_app.settings.upload_max_bytes = UPLOAD_MAX;
		pthread_rwlock_init(&the_app.settings_lock, NULL);
		ready = 1;
	}
	return &the_app;
}

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};
#define N_METHODS (sizeof methods / sizeof methods[0])

FUZZ_TARGET(route)
{
	if (size < 1)
		return 0;
	char *method, *path;
	if (data[0] < N_METHODS) {
		method = fuzz_strndup(methods[data[0]], strlen(methods[data[0]]));
		path = fuzz_strndup(data + 1, size - 1);
	} else {
		const uint8_t *sp = memchr(data + 1, ' ', size - 1);
		size_t mlen = sp ? (size_t)(sp - data - 1) : size - 1;
		method = fuzz_strndup(data + 1, mlen);
		path = sp ? fuzz_strndup(sp + 1, size - mlen - 2) : fuzz_strndup("", 0);
	}
	struct http_req req;
	memset(&req, 0, sizeof req);
	req.a = arena_new();
	req.method = method;
	req.is_head = !strcmp(method, "HEAD");
	req.path = path;
	req.query = "";
	struct http_body_refusal no = {413, "", NULL};
	size_t limit = web_body_limit(&req, &no, app());
	arena_free(req.a);
	size_t upload = 2 * (size_t)UPLOAD_MAX + 256 * KB;
	FUZZ_ASSERT(limit <= 1024 * KB || limit == upload, "limit %zu for %s %s", limit, method,
	            path);
	/* The desk takes a large body only from a session of the route's role;
	** the two forms that come before any session (signing in, setting a
	** password from a link) take what their fields allow (web/forms.h),
	** signing in also the fields of an editor form it carries. */
	size_t pre_session = !strcmp(path, "/admin/login")      ? LOGIN_BODY_LIMIT
	                     : !strcmp(path, "/admin/password") ? FORM_BODY_LIMIT(PASSWORD_FORM)
	                                                          : 0;
	FUZZ_ASSERT(strncmp(path, "/admin/", 7) || limit <= WEB_SIGNED_OUT_BODY ||
	                limit <= pre_session,
	            "a signed-out %s %s may send %zu bytes", method, path, limit);
	if (!limit)
		FUZZ_ASSERT(no.status == 413 || no.status == 404 || no.status == 405, "status %d",
		            no.status);
	FUZZ_ASSERT((no.status == 405) == (no.allow != NULL), "405 without Allow, or Allow "
	            "without 405 (%d)", no.status);
	/* Bodies come with POST, and with the REST API's other writes (PUT,
	** PATCH, DELETE under /wp-json/, as WordPress's clients send them). */
	int api_write = !strncmp(path, "/wp-json/", 9) &&
	                (!strcmp(method, "PUT") || !strcmp(method, "PATCH") ||
	                 !strcmp(method, "DELETE"));
	if (strcmp(method, "POST") != 0 && !api_write)
		FUZZ_ASSERT(limit == 0, "a %s with a body limit of %zu: %s", method, limit, path);
	int odd = path[0] != '/' || strstr(path, "..") || strpbrk(path, "?#");
	for (const char *c = path; *c; c++)
		odd |= (unsigned char)*c < 0x20 || *c == 0x7F;
	if (odd)
		FUZZ_ASSERT(limit == 0, "'%s' matched a POST route (limit %zu)", path, limit);
	free(method);
	free(path);
	return 0;
}
