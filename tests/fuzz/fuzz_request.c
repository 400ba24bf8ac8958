/*
** fuzz_request.c: a whole request's query, form and cookies, the way a
** handler reads them (http_query, http_form, http_file, http_cookie in
** src/http/request.c), over fake headers (fuzz.h).
**
** Input: four pieces separated by NUL bytes:
**     query \0 Cookie header \0 Content-Type header \0 body
** A header whose piece is missing is not sent; the body may hold NULs.
**
** Checks: every value found by name is the first pair of that name; form
** values are NUL-terminated at their length; a multipart form's text
** fields and files together are its parts; each cookie has a non-empty
** name without '=', ';' or a leading space, and "name=value" appears in the
** Cookie header followed by ';' or its end.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "http/http.h"
#include "http/multipart.h"

#include <string.h>

/* The first of p[0..n) named name. */
static const struct http_param *first(const struct http_param *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static void check_params(const struct http_param *p, size_t n, const char *what,
                         const char *(*get)(struct http_req *, const char *, size_t *),
                         struct http_req *req)
{
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(p[i].name && p[i].value, "%s %zu has NULL name or value", what, i);
		FUZZ_ASSERT(p[i].value[p[i].len] == 0, "%s %zu not NUL-terminated at its length",
		            what, i);
		size_t len = 0;
		const char *v = get(req, p[i].name, &len);
		const struct http_param *f = first(p, n, p[i].name);
		FUZZ_ASSERT(v == f->value && len == f->len, "%s '%s' is not its first pair", what,
		            p[i].name);
	}
}

FUZZ_TARGET(request)
{
	const char *piece[4];
	size_t plen[4];
	size_t n_pieces = fuzz_split(data, size, 0, piece, plen, 4);

	char *query = fuzz_strndup(piece[0], plen[0]);
	char *cookie = n_pieces > 1 ? fuzz_strndup(piece[1], plen[1]) : NULL;
	char *ctype = n_pieces > 2 ? fuzz_strndup(piece[2], plen[2]) : NULL;
	char *body = n_pieces > 3 ? fuzz_strndup(piece[3], plen[3]) : fuzz_strndup("", 0);
	size_t body_len = n_pieces > 3 ? plen[3] : 0;

	struct fuzz_headers h = {FUZZ_HEADERS_MAGIC, {0}, {0}, 0};
	if (cookie) {
		h.names[h.n] = "Cookie";
		h.values[h.n++] = cookie;
	}
	if (ctype) {
		h.names[h.n] = "Content-Type";
		h.values[h.n++] = ctype;
	}
	struct http_req req;
	memset(&req, 0, sizeof req);
	req.a = arena_new();
	req.method = "POST";
	req.path = "/";
	req.query = query;
	req.body = body;
	req.body_len = body_len;
	req.remote_ip = "127.0.0.1";
	req.scheme = "http";
	req.conn = &h;

	/* The query. */
	size_t len;
	const char *v = http_query(&req, "q", &len);
	FUZZ_ASSERT(req.query_parsed, "query not parsed");
	FUZZ_ASSERT(!v || v[len] == 0, "query value");
	check_params(req.query_params, req.n_query_params, "query", http_query, &req);

	/* The form, urlencoded or multipart. */
	v = http_form(&req, "comment", &len);
	FUZZ_ASSERT(!v || v[len] == 0, "form value");
	check_params(req.form_params, req.n_form_params, "form field", http_form, &req);
	const struct http_part *file = http_file(&req, "file");
	if (file) {
		FUZZ_ASSERT(file->filename && file->len > 0, "http_file gave an empty file");
		FUZZ_ASSERT(file->data >= body && file->data + file->len <= body + body_len,
		            "file data outside the body");
	}
	if (req.form_error) {
		FUZZ_ASSERT(req.n_form_params == 0 && req.n_files == 0, "fields despite an error");
		FUZZ_ASSERT(*req.form_error, "empty form error");
	}
	if (req.files) {
		size_t text = 0;
		for (size_t i = 0; i < req.n_files; i++) {
			const struct http_part *pt = &req.files[i];
			FUZZ_ASSERT(pt->name && pt->content_type, "part %zu without name or type", i);
			FUZZ_ASSERT(pt->len == 0 || (pt->data >= body && pt->data + pt->len <= body +
			                             body_len), "part %zu outside the body", i);
			if (!pt->filename) {
				const struct http_param *f = &req.form_params[text++];
				FUZZ_ASSERT(f->name == pt->name && f->len == pt->len &&
				            (!pt->len || !memcmp(f->value, pt->data, pt->len)),
				            "form field %zu is not part %zu", text - 1, i);
			}
		}
		FUZZ_ASSERT(text == req.n_form_params, "%zu text parts but %zu form fields", text,
		            req.n_form_params);
	}

	/* The cookies. */
	const char *c = http_cookie(&req, "byline_session");
	FUZZ_ASSERT(req.cookies_parsed, "cookies not parsed");
	FUZZ_ASSERT(!c || !cookie || strstr(cookie, "byline_session="), "a cookie from nowhere");
	if (!cookie)
		FUZZ_ASSERT(req.n_cookies == 0, "cookies without a Cookie header");
	for (size_t i = 0; i < req.n_cookies; i++) {
		const struct http_param *ck = &req.cookies[i];
		FUZZ_ASSERT(ck->name && *ck->name, "cookie %zu has no name", i);
		FUZZ_ASSERT(!strpbrk(ck->name, "=;") && ck->name[0] != ' ',
		            "cookie %zu name '%s'", i, ck->name);
		FUZZ_ASSERT(!strchr(ck->value, ';') && strlen(ck->value) == ck->len,
		            "cookie %zu value", i);
		const char *cv = http_cookie(&req, ck->name);
		FUZZ_ASSERT(cv == first(req.cookies, req.n_cookies, ck->name)->value,
		            "cookie '%s' is not its first", ck->name);
		/* "name=value" occurs in the header, followed by ';' or the end. */
		size_t nl = strlen(ck->name);
		int seen = 0;
		for (const char *at = cookie; !seen && (at = strstr(at, ck->name)) != NULL; at++)
			seen = at[nl] == '=' && !strncmp(at + nl + 1, ck->value, ck->len) &&
			       (at[nl + 1 + ck->len] == ';' || at[nl + 1 + ck->len] == 0);
		FUZZ_ASSERT(seen, "cookie %s=%s is not in the header", ck->name, ck->value);
	}

	arena_free(req.a);
	free(query);
	free(cookie);
	free(ctype);
	free(body);
	return 0;
}
