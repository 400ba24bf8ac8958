/*
** multipart.c: the multipart/form-data parser.  The grammar, the choices
** and the limits are in multipart.h.
**
** The body is walked once, front to back, with a cursor p and its end.  Each
** step either moves p forward or fails: header lines are found with memchr
** bounded by MULTIPART_MAX_LINE, part data ends at the next "\r\n--boundary"
** found with memmem from p.  Nothing is ever read at or past `end`, which
** the fuzz test checks with exactly sized buffers under ASan.
*/
#include "http/multipart.h"
#include "core/arena.h"
#include "core/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The delimiter "\r\n--" + boundary. */
struct delim {
	char s[4 + MULTIPART_MAX_BOUNDARY]; /* not NUL-terminated */
	size_t len;                         /* bytes in s */
};

/* One parameter of a header value, as it stands in the text. */
struct param {
	const char *name;  /* the parameter's name, inside the header */
	size_t name_len;   /* bytes in name */
	const char *val;   /* its value, inside the header, quotes stripped */
	size_t val_len;    /* bytes in val */
	int is_quoted;     /* val came from a quoted string (escapes not undone) */
};

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A control character other than tab (header lines may not hold them). */
static int is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7F;
}

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars. */
static int is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && is_ows(*p))
		p++;
	return p;
}

/* 1 if s[0..n) equals the NUL-terminated word w, ignoring ASCII case. */
static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Reads the next "; name=value" of a header value at *pp (which points just
** past the header's main word or the previous parameter).  Returns 1 with
** *out filled and *pp moved past it, 0 at the end of the value, -1 if the
** text is malformed.  With backslash_escapes a backslash in a quoted string
** protects the character after it (so `\"` does not end the string);
** without, a backslash is an ordinary character. */
static int param_next(const char **pp, const char *end, int backslash_escapes,
                      struct param *out)
{
	const char *p = skip_ows(*pp, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	if (p == end) /* a trailing ';' is harmless */
		return 0;
	out->name = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	out->name_len = (size_t)(p - out->name);
	if (out->name_len == 0)
		return -1;
	p = skip_ows(p, end);
	if (p == end || *p != '=')
		return -1;
	p = skip_ows(p + 1, end);
	if (p < end && *p == '"') {
		const char *q = p + 1;
		while (q < end && *q != '"') {
			if (backslash_escapes && *q == '\\' && q + 1 < end)
				q += 2;
			else
				q++;
		}
		if (q >= end)
			return -1; /* unterminated */
		out->val = p + 1;
		out->val_len = (size_t)(q - (p + 1));
		out->is_quoted = 1;
		p = q + 1;
	} else {
		out->val = p;
		while (p < end && !is_ows(*p) && *p != ';' && *p != '"' &&
		       !is_ctl((unsigned char)*p))
			p++;
		out->val_len = (size_t)(p - out->val);
		out->is_quoted = 0;
		if (out->val_len == 0)
			return -1;
	}
	*pp = p;
	return 1;
}

/* A parameter's value as a string: quoted-pair escapes `\"` and `\\` undone
** when the value was quoted and read with escapes.  Allocated in a. */
static char *param_value(struct arena *a, const struct param *pm, int backslash_escapes)
{
	char *s = arena_alloc(a, pm->val_len + 1);
	size_t k = 0;
	for (size_t i = 0; i < pm->val_len; i++) {
		char c = pm->val[i];
		if (pm->is_quoted && backslash_escapes && c == '\\' && i + 1 < pm->val_len &&
		    (pm->val[i + 1] == '"' || pm->val[i + 1] == '\\'))
			c = pm->val[++i];
		s[k++] = c;
	}
	s[k] = '\0';
	return s;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes an RFC 5987 ext-value "UTF-8'lang'percent-encoded".  Returns the
** name allocated in a, NULL if the charset is not UTF-8 (ignored), or sets
** *bad for a malformed value or one that decodes to a NUL. */
static char *ext_value(struct arena *a, const struct param *pm, int *bad)
{
	const char *s = pm->val, *end = pm->val + pm->val_len;
	const char *q1 = memchr(s, '\'', pm->val_len);
	const char *q2 = q1 ? memchr(q1 + 1, '\'', (size_t)(end - q1 - 1)) : NULL;
	if (!q2) {
		*bad = 1;
		return NULL;
	}
	if (!word_is(s, (size_t)(q1 - s), "utf-8"))
		return NULL;
	char *out = arena_alloc(a, (size_t)(end - q2));
	size_t k = 0;
	for (const char *p = q2 + 1; p < end; p++) {
		if (*p == '%') {
			int hi = end - p > 2 ? hex_val(p[1]) : -1;
			int lo = hi >= 0 ? hex_val(p[2]) : -1;
			if (lo < 0 || (hi == 0 && lo == 0)) {
				*bad = 1;
				return NULL;
			}
			out[k++] = (char)(hi * 16 + lo);
			p += 2;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = '\0';
	return out;
}

/* Takes the boundary out of a request Content-Type value into d.  0 or -1. */
static int read_boundary(const char *ct, struct delim *d, char *err, size_t errlen)
{
	static const char type[] = "multipart/form-data";
	if (!ct) {
		fail(err, errlen, "The request is not a multipart/form-data form.");
		return -1;
	}
	const char *p = ct, *end = ct + strlen(ct);
	p = skip_ows(p, end);
	const char *t = p;
	while (p < end && *p != ';' && !is_ows(*p))
		p++;
	if (!word_is(t, (size_t)(p - t), type)) {
		fail(err, errlen, "The request is not a multipart/form-data form.");
		return -1;
	}
	const char *b = NULL;
	size_t blen = 0;
	struct param pm;
	int rc;
	while ((rc = param_next(&p, end, 1, &pm)) == 1) {
		if (!word_is(pm.name, pm.name_len, "boundary"))
			continue;
		if (b) {
			fail(err, errlen, "The form's Content-Type names two boundaries.");
			return -1;
		}
		b = pm.val;
		blen = pm.val_len;
	}
	if (rc < 0) {
		fail(err, errlen, "The form's Content-Type header is malformed.");
		return -1;
	}
	int ok = b && blen >= 1 && blen <= MULTIPART_MAX_BOUNDARY && b[blen - 1] != ' ';
	for (size_t i = 0; ok && i < blen; i++)
		ok = is_bchar((unsigned char)b[i]);
	if (!ok) {
		fail(err, errlen, "The form's Content-Type has no valid boundary.");
		return -1;
	}
	memcpy(d->s, "\r\n--", 4);
	memcpy(d->s + 4, b, blen);
	d->len = 4 + blen;
	return 0;
}

/* Reads a Content-Disposition value (header text v[0..n)) into part.
** Returns 0, or -1 with err set. */
static int read_disposition(struct arena *a, const char *v, size_t n, struct http_part *part,
                            char *err, size_t errlen)
{
	const char *end = v + n, *p = v;
	while (p < end && *p != ';' && !is_ows(*p))
		p++;
	if (!word_is(v, (size_t)(p - v), "form-data")) {
		fail(err, errlen, "The form data is malformed: a part is not form-data.");
		return -1;
	}
	const char *after_type = p;
	/* With escapes first; if that finds the text malformed, try again with
	** backslashes taken literally (see multipart.h). */
	for (int esc = 1; esc >= 0; esc--) {
		struct param pm, name = {0}, file = {0}, file_ext = {0};
		int rc, dup = 0;
		p = after_type;
		while ((rc = param_next(&p, end, esc, &pm)) == 1) {
			struct param *slot = NULL;
			if (word_is(pm.name, pm.name_len, "name"))
				slot = &name;
			else if (word_is(pm.name, pm.name_len, "filename"))
				slot = &file;
			else if (word_is(pm.name, pm.name_len, "filename*"))
				slot = &file_ext;
			if (!slot)
				continue;
			if (slot->name)
				dup = 1;
			*slot = pm;
		}
		if (rc < 0 && esc)
			continue;
		if (rc < 0) {
			fail(err, errlen, "The form data is malformed: a part's Content-Disposition "
			                  "cannot be read.");
			return -1;
		}
		if (dup) {
			fail(err, errlen, "The form data is malformed: a part names its field or "
			                  "file twice.");
			return -1;
		}
		if (!name.name) {
			fail(err, errlen, "The form data is malformed: a part has no field name.");
			return -1;
		}
		part->name = param_value(a, &name, esc);
		if (file.name) {
			part->filename = param_value(a, &file, esc);
		} else if (file_ext.name) {
			int bad = 0;
			part->filename = ext_value(a, &file_ext, &bad);
			if (bad) {
				fail(err, errlen, "The form data is malformed: a part's filename* "
				                  "cannot be read.");
				return -1;
			}
		}
		return 0;
	}
	return -1; /* not reached: the second pass always returns */
}

/* Reads one header line h[0..n) of a part.  *seen is a bit set of the
** headers met so far in this part (1 disposition, 2 type).  0 or -1. */
static int read_header(struct arena *a, const char *h, size_t n, struct http_part *part,
                       int *seen, char *err, size_t errlen)
{
	const char *end = h + n, *p = h;
	if (is_ows(*h)) {
		fail(err, errlen, "The form data is malformed: a part has a folded header line.");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_ctl((unsigned char)h[i])) {
			fail(err, errlen, "The form data is malformed: a part's header holds a "
			                  "control character.");
			return -1;
		}
	}
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	size_t name_len = (size_t)(p - h);
	if (name_len == 0 || p == end || *p != ':') {
		fail(err, errlen, "The form data is malformed: a part's header line has no name.");
		return -1;
	}
	const char *v = skip_ows(p + 1, end), *ve = end;
	while (ve > v && is_ows(ve[-1]))
		ve--;
	size_t vn = (size_t)(ve - v);
	if (word_is(h, name_len, "content-disposition")) {
		if (*seen & 1) {
			fail(err, errlen, "The form data is malformed: a part has two "
			                  "Content-Disposition headers.");
			return -1;
		}
		*seen |= 1;
		return read_disposition(a, v, vn, part, err, errlen);
	}
	if (word_is(h, name_len, "content-type")) {
		if (*seen & 2) {
			fail(err, errlen, "The form data is malformed: a part has two Content-Type "
			                  "headers.");
			return -1;
		}
		*seen |= 2;
		part->content_type = arena_strndup(a, v, vn);
		return 0;
	}
	if (word_is(h, name_len, "content-transfer-encoding")) {
		if (!word_is(v, vn, "binary") && !word_is(v, vn, "8bit") && !word_is(v, vn, "7bit")) {
			fail(err, errlen, "The form data uses a transfer encoding Byline does not "
			                  "read; send the file as it is.");
			return -1;
		}
	}
	return 0;
}

int multipart_parse(struct arena *a, const char *content_type, const char *body,
                    size_t len, struct http_part **parts, size_t *n_parts, char *err,
                    size_t errlen)
{
	static const char cut_off[] =
	    "The form data ended before its closing boundary: the upload was cut off.";
	struct delim d;
	struct http_part *list = NULL;
	size_t n = 0;
	*parts = NULL;
	*n_parts = 0;
	if (read_boundary(content_type, &d, err, errlen) != 0)
		return -1;
	if (!body) {
		body = "";
		len = 0;
	}
	const char *p = body, *end = body + len;

	/* The first dash-boundary opens the body, or follows a preamble. */
	if (len >= d.len - 2 && memcmp(body, d.s + 2, d.len - 2) == 0) {
		p = body + d.len - 2;
	} else {
		const char *q = len ? memmem(body, len, d.s, d.len) : NULL;
		if (!q) {
			fail(err, errlen, "The form data does not contain its boundary.");
			return -1;
		}
		p = q + d.len;
	}

	for (;;) {
		/* p is just past a delimiter. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			p = skip_ows(p + 2, end);
			if (p != end && (end - p < 2 || p[0] != '\r' || p[1] != '\n')) {
				fail(err, errlen, "The form data is malformed: text follows its "
				                  "closing boundary.");
				return -1;
			}
			break;
		}
		p = skip_ows(p, end);
		if (end - p < 2) {
			fail(err, errlen, "%s", cut_off);
			return -1;
		}
		if (p[0] != '\r' || p[1] != '\n') {
			fail(err, errlen, "The form data is malformed: a boundary line has text "
			                  "after the boundary.");
			return -1;
		}
		p += 2;
		if (n == MULTIPART_MAX_PARTS) {
			fail(err, errlen, "The form has more than %d parts.", MULTIPART_MAX_PARTS);
			return -1;
		}
		if (!list)
			list = arena_alloc(a, MULTIPART_MAX_PARTS * sizeof *list);
		struct http_part *part = &list[n];

		/* The part's header lines, up to an empty line. */
		int n_headers = 0, seen = 0;
		for (;;) {
			size_t avail = (size_t)(end - p);
			size_t lim = avail < MULTIPART_MAX_LINE + 2 ? avail : MULTIPART_MAX_LINE + 2;
			const char *nl = memchr(p, '\n', lim);
			if (!nl) {
				if (lim == avail)
					fail(err, errlen, "%s", cut_off);
				else
					fail(err, errlen, "A header line in the form data is longer than "
					                  "%d bytes.", MULTIPART_MAX_LINE);
				return -1;
			}
			if (nl == p || nl[-1] != '\r') {
				fail(err, errlen, "The form data is malformed: a line ends without a "
				                  "carriage return.");
				return -1;
			}
			size_t line_len = (size_t)(nl - 1 - p);
			if (line_len > MULTIPART_MAX_LINE) {
				fail(err, errlen, "A header line in the form data is longer than %d "
				                  "bytes.", MULTIPART_MAX_LINE);
				return -1;
			}
			if (line_len == 0) {
				p = nl + 1;
				break;
			}
			if (++n_headers > MULTIPART_MAX_HEADERS) {
				fail(err, errlen, "A part of the form data has more than %d header "
				                  "lines.", MULTIPART_MAX_HEADERS);
				return -1;
			}
			if (read_header(a, p, line_len, part, &seen, err, errlen) != 0)
				return -1;
			p = nl + 1;
		}
		if (!(seen & 1)) {
			fail(err, errlen, "The form data is malformed: a part has no "
			                  "Content-Disposition header.");
			return -1;
		}
		if (!part->content_type)
			part->content_type = "text/plain";

		/* Its data runs to the next delimiter. */
		const char *q = memmem(p, (size_t)(end - p), d.s, d.len);
		if (!q) {
			fail(err, errlen, "%s", cut_off);
			return -1;
		}
		part->data = p;
		part->len = (size_t)(q - p);
		n++;
		p = q + d.len;
	}
	*parts = n ? list : NULL;
	*n_parts = n;
	return 0;
}

const struct http_part *multipart_get(const struct http_part *parts, size_t n_parts,
                                      const char *name)
{
	for (size_t i = 0; i < n_parts; i++)
		if (parts[i].name && strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}

int multipart_spooled(const char *content_type, const char *body, size_t cut, size_t cut_len,
                      int fd, const struct http_part *parts, size_t n_parts,
                      const struct http_part *part, off_t *off, size_t *len, char *err,
                      size_t errlen)
{
	size_t start = (size_t)(part->data - body), end = start + part->len;
	*off = (off_t)start;
	*len = part->len;
	if (!cut_len)
		return 0;
	if (!(start < cut && end > cut) || part != &parts[n_parts - 1]) {
		fail(err, errlen, "The file must be the form's last field.");
		return -1;
	}
	*len = part->len + cut_len;
	/* The parser saw the file's first and last bytes only: its middle, in
	** the file, must not hold a delimiter either. */
	struct delim d;
	if (read_boundary(content_type, &d, err, errlen) != 0)
		return -1;
	enum { CHUNK = 1 << 20 };
	char *b = mem_alloc(CHUNK + sizeof d.s);
	size_t keep = 0, done = 0;
	int rc = 0;
	while (done < *len) {
		size_t want = *len - done < CHUNK ? *len - done : CHUNK;
		ssize_t r = pread(fd, b + keep, want, *off + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fail(err, errlen, "The uploaded file could not be read back.");
			rc = -1;
			break;
		}
		size_t have = keep + (size_t)r;
		if (memmem(b, have, d.s, d.len)) {
			fail(err, errlen, "The form data has a boundary inside the file: the upload "
			                  "is malformed.");
			rc = -1;
			break;
		}
		done += (size_t)r;
		keep = have < d.len - 1 ? have : d.len - 1;
		memmove(b, b + have - keep, keep);
	}
	free(b);
	return rc;
}
