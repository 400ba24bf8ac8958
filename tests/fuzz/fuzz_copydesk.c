/*
** fuzz_copydesk.c: the copy desk's checks (model/copydesk.c) on any text.
**
** Input: `headline \0 dek \0 body` (missing parts are empty).  The env knows
** every word of an even length, every path that ends in '/', every host
** that starts with 's', and every /media/ photo (with an empty caption when
** the address has an 'x').
**
** Asserts what copydesk.h promises: every finding names a known kind and a
** field, its offset and length lie inside that field, and a finding with a
** length carries exactly the field's bytes there as its words;
** copydesk_prose() keeps the body's length and its line ends.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "model/copydesk.h"

#include <string.h>

static int f_known(void *self, const char *w)
{
	(void)self;
	return strlen(w) % 2 == 0;
}

static const char *f_suggest(void *self, struct arena *a, const char *w)
{
	(void)self;
	return strlen(w) > 3 ? arena_strndup(a, w, strlen(w) - 1) : NULL;
}

static int f_path(void *self, const char *path)
{
	(void)self;
	size_t n = strlen(path);
	return n && path[n - 1] == '/';
}

static int f_https(void *self, const char *host)
{
	(void)self;
	return host[0] == 's';
}

static int f_photo(void *self, struct arena *a, const char *url, const char **caption,
                   const char **credit)
{
	(void)self;
	(void)a;
	if (strncmp(url, "/media/", 7))
		return 1;
	*caption = strchr(url, 'x') ? "" : "Caption";
	*credit = "Credit";
	return 0;
}

FUZZ_TARGET(copydesk)
{
	if (size > 64 * 1024)
		return 0;
	struct arena *a = arena_new();
	char *buf = arena_alloc(a, size + 3); /* zeroed: three terminators at least */
	memcpy(buf, data, size);
	const char *parts[3] = {"", "", ""};
	size_t k = 0;
	for (size_t i = 0, s = 0; i <= size && k < 3; i++)
		if (buf[i] == 0) {
			parts[k++] = buf + s;
			s = i + 1;
			if (i == size)
				break;
		}
	struct copydesk_env env = {NULL, f_known, NULL, f_suggest, f_path, f_https, f_photo,
	                           "https://news.example.com", "staging.example.net", "en-US"};
	struct copydesk_input in = {parts[0], parts[1], parts[2], 1796644800LL, 1796644800LL,
	                            size % 2, "", "", ""};
	size_t n;
	struct finding *f = copydesk_check(a, &in, &env, &n);
	for (size_t i = 0; i < n; i++) {
		int kind = 0;
		for (int j = 0; copydesk_kinds[j]; j++)
			kind |= !strcmp(copydesk_kinds[j], f[i].kind);
		FUZZ_ASSERT(kind, "unknown kind %s", f[i].kind);
		const char *text = !strcmp(f[i].field, "headline") ? parts[0]
		                 : !strcmp(f[i].field, "dek") ? parts[1]
		                 : !strcmp(f[i].field, "body") ? parts[2] : NULL;
		if (!text) {
			FUZZ_ASSERT(!strcmp(f[i].field, "featured") && f[i].length == 0,
			            "finding in field %s", f[i].field);
			continue;
		}
		size_t tl = strlen(text);
		FUZZ_ASSERT(f[i].offset + f[i].length <= tl, "%s %s at %zu+%zu past %zu", f[i].field,
		            f[i].kind, f[i].offset, f[i].length, tl);
		if (f[i].length)
			FUZZ_ASSERT(strlen(f[i].words) == f[i].length &&
			            !memcmp(f[i].words, text + f[i].offset, f[i].length),
			            "%s words differ from the field at %zu", f[i].kind, f[i].offset);
	}
	size_t bl = strlen(parts[2]);
	char *p = copydesk_prose(a, parts[2], bl);
	FUZZ_ASSERT(strlen(p) <= bl, "prose longer than the body");
	for (size_t i = 0; i < bl; i++)
		if (parts[2][i] == '\n')
			FUZZ_ASSERT(p[i] == '\n' || p[i] == '\f', "line end %zu lost", i);
	arena_free(a);
	return 0;
}
