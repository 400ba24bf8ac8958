/*
** parse.h: the HTTP/1.1 wire format (RFC 9112), as pure functions.
**
** The server (server.c) owns sockets and buffers; this file only reads
** bytes.  Both parsers are strict where leniency lets two servers disagree
** about where a request ends (the request-smuggling shapes): a bare CR, a
** folded header line, whitespace before a colon, a bad chunk size are
** errors, never guessed at.  Limits are nginx's defaults and are checked
** here, so every caller gets them.
*/
#ifndef BYLINE_HTTP_PARSE_H
#define BYLINE_HTTP_PARSE_H

#include <stddef.h>

#define HTTP_MAX_TARGET 8192          /* request target: 414 past it */
#define HTTP_MAX_SEARCH_TARGET 16384  /* except /search/: a query may be 10 KB */
#define HTTP_MAX_FIELD 8192           /* one header line: 431 past it */
#define HTTP_MAX_FIELDS_BYTES 32768   /* all header lines: 431 past it */
#define HTTP_MAX_FIELDS 100           /* header lines: 431 past it */
/* The most bytes a request head can take, the blank line included. */
#define HTTP_MAX_HEAD (HTTP_MAX_SEARCH_TARGET + 64 + HTTP_MAX_FIELDS_BYTES + 2 * HTTP_MAX_FIELDS + 4)

struct http_field {
	const char *name;  /* NUL-terminated, as sent */
	const char *value; /* NUL-terminated, surrounding whitespace removed */
};

struct http_head {
	const char *method;  /* NUL-terminated token */
	const char *target;  /* NUL-terminated request target, as sent */
	int minor;           /* HTTP/1.minor */
	struct http_field fields[HTTP_MAX_FIELDS];
	int n_fields;
};

/* Where the head that starts at buf ends: the bytes up to and including its
** blank line, 0 if buf[0..n) does not hold a whole head yet, or -status
** (-414, -431) if it already holds more than a head may.  *scan keeps the
** search's place between calls on a growing buffer (start it at 0). */
long http_head_end(const char *buf, size_t n, size_t *scan);

/* Parses a whole head (n bytes from http_head_end) in place: NULs are
** written into buf and h points into it.  Empty lines before the request
** line are skipped.  Returns 0, or the status to refuse it with (400, 414,
** 431, 505) and *why a sentence for the reader. */
int http_parse_head(char *buf, size_t n, struct http_head *h, const char **why);

/* 1 if v is a Host header's value as RFC 3986 writes an authority without
** userinfo: reg-name (which includes IPv4), or an IPv6 address in
** brackets, then an optional :port of up to 5 digits.  Empty is allowed
** (RFC 9112 3.2).  http_parse_head refuses any other Host with 400. */
int http_host_ok(const char *v);

/* 1 if name is a token and value holds no CR, LF or other control byte
** but tab: a response header that may be written as it is.  The server
** drops any other (a value built from input must never split a header). */
int http_field_ok(const char *name, const char *value);

/* The first field named name (case-insensitive), or NULL; *count, if not
** NULL, gets how many fields have that name. */
const char *http_head_field(const struct http_head *h, const char *name, int *count);

/* Decoding a chunked body as it arrives. */
struct http_chunked {
	int state;               /* where in the grammar (parse.c) */
	unsigned long long left; /* bytes left in this chunk */
	size_t line;             /* bytes of the current size, extension or trailer line */
	int digits;              /* hex digits of the size read so far */
};

enum { HTTP_CHUNK_MORE = 0, HTTP_CHUNK_DONE = 1, HTTP_CHUNK_BAD = -400,
       HTTP_CHUNK_TOO_BIG = -413 };

/* Feeds in[0..n): appends decoded data to out (never past limit bytes in
** all: *out_len counts them) and sets *used to the bytes of in consumed.
** Returns HTTP_CHUNK_MORE (all of in used, want more), HTTP_CHUNK_DONE (the
** body and its trailers ended; bytes after it belong to the next request),
** HTTP_CHUNK_BAD or HTTP_CHUNK_TOO_BIG. */
struct buf;
int http_chunked_feed(struct http_chunked *c, const char *in, size_t n, size_t *used,
                      struct buf *out, size_t limit);

#endif
