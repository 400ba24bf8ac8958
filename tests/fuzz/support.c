/*
** support.c: helpers shared by the harnesses (see fuzz.h), and the fake
** http_header() that lets a harness build a request without a server.
*/
#include "fuzz.h"
#include "http/http.h"

#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

char *fuzz_strndup(const void *s, size_t n)
{
	char *c = malloc(n + 1);
	if (!c)
		abort();
	if (n)
		memcpy(c, s, n);
	c[n] = 0;
	return c;
}

#define GUARDED_MAX (1u << 20)

const char *fuzz_guarded(const uint8_t *data, size_t size)
{
	static char *region; /* GUARDED_MAX bytes, then one PROT_NONE page */
	static char *heap;   /* the fallback copy */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	free(heap);
	heap = NULL;
	if (size > GUARDED_MAX) {
		heap = malloc(size);
		if (!heap)
			abort();
		memcpy(heap, data, size);
		return heap;
	}
	if (!region) {
		region = mmap(NULL, GUARDED_MAX + page, PROT_READ | PROT_WRITE,
		              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED || mprotect(region + GUARDED_MAX, page, PROT_NONE) != 0)
			abort();
	}
	char *p = region + GUARDED_MAX - size;
	if (size)
		memcpy(p, data, size);
	return p;
}

size_t fuzz_split(const uint8_t *data, size_t size, char sep, const char **parts,
                  size_t *lens, size_t max)
{
	size_t k = 0, start = 0;
	for (size_t i = 0; i < size && k + 1 < max; i++)
		if (data[i] == (uint8_t)sep) {
			parts[k] = (const char *)data + start;
			lens[k++] = i - start;
			start = i + 1;
		}
	parts[k] = (const char *)data + start;
	lens[k++] = size - start;
	return k;
}

/* The linker sends every library call of http_header() here. */
const char *__real_http_header(struct http_req *req, const char *name);
const char *__wrap_http_header(struct http_req *req, const char *name);

const char *__wrap_http_header(struct http_req *req, const char *name)
{
	const struct fuzz_headers *h = req->conn;
	if (!h)
		return NULL;
	if (h->magic != FUZZ_HEADERS_MAGIC)
		return __real_http_header(req, name);
	for (int i = 0; i < h->n; i++)
		if (!strcasecmp(h->names[i], name))
			return h->values[i];
	return NULL;
}
