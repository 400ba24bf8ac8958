/*
** parse.c: request heads and chunked bodies (RFC 9112), read strictly.
**
** A line ends in CRLF or, as RFC 9112 section 2.2 allows a recipient to
** accept, a lone LF.  A CR anywhere else is an error, as is a line that
** starts with whitespace (obs-fold, section 5.2) and whitespace between a
** field name and its colon (section 5.1): each is a way for a proxy in
** front and this server to read one byte stream as different requests.
** A chunked body's lines (sizes, the CRLF after data, trailers, the last
** blank line) end in CRLF only (section 7.1): no lone LF there, so no proxy
** in front can frame a chunked body differently.  A Host must be a host as
** RFC 3986 writes one (reg-name, IPv4 or [IPv6], then :port).
*/
#include "http/parse.h"
#include "core/buf.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Bytes of blank lines (CRLF or LF) at the start of buf[0..n). */
static size_t skip_blank_lines(const char *buf, size_t n)
{
	size_t p = 0;
	for (;;) {
		if (p < n && buf[p] == '\n')
			p++;
		else if (p + 1 < n && buf[p] == '\r' && buf[p + 1] == '\n')
			p += 2;
		else
			return p;
	}
}

#define MAX_LEADING_BLANK 64 /* blank bytes tolerated before a request line */

long http_head_end(const char *buf, size_t n, size_t *scan)
{
	size_t start = skip_blank_lines(buf, n);
	if (start > MAX_LEADING_BLANK)
		return -400;
	const char *nl = memchr(buf + start, '\n', n - start);
	if (!nl)
		return n - start > HTTP_MAX_SEARCH_TARGET + 64 ? -414 : 0;
	size_t line_end = (size_t)(nl - buf);
	size_t i = *scan > line_end ? *scan : line_end;
	while (i < n) {
		const char *p = memchr(buf + i, '\n', n - i);
		if (!p)
			break;
		i = (size_t)(p - buf);
		if (i + 1 >= n)
			break; /* cannot tell yet */
		if (buf[i + 1] == '\n')
			return (long)(i + 2);
		if (buf[i + 1] == '\r') {
			if (i + 2 >= n)
				break;
			if (buf[i + 2] == '\n')
				return (long)(i + 3);
		}
		i++;
	}
	*scan = i;
	/* Incomplete: refuse as soon as more than the limits allow is here. */
	if (n - line_end > HTTP_MAX_FIELDS_BYTES + 4)
		return -431;
	return 0;
}

/* The end of the line starting at p (its '\n'), in buf[p..n). */
static size_t line_end(const char *buf, size_t p, size_t n)
{
	const char *nl = memchr(buf + p, '\n', n - p);
	return nl ? (size_t)(nl - buf) : n;
}

int http_parse_head(char *buf, size_t n, struct http_head *h, const char **why)
{
	memset(h, 0, sizeof *h);
	*why = "Bad request: the request could not be read.";
	size_t p = skip_blank_lines(buf, n);
	size_t e = line_end(buf, p, n);
	if (e >= n)
		return 400;
	size_t text_end = e > p && buf[e - 1] == '\r' ? e - 1 : e;
	if (memchr(buf + p, '\r', text_end - p)) {
		*why = "Bad request: a line holds a carriage return alone.";
		return 400;
	}
	/* method SP request-target SP HTTP-version */
	size_t m = p;
	while (m < text_end && is_tchar((unsigned char)buf[m]))
		m++;
	if (m == p || m - p > 32 || m >= text_end || buf[m] != ' ') {
		*why = "Bad request: the request line is not METHOD TARGET HTTP/1.1.";
		return 400;
	}
	size_t t = m + 1, te = t;
	while (te < text_end && (unsigned char)buf[te] > ' ' && buf[te] != 0x7f)
		te++;
	if (te == t || te >= text_end || buf[te] != ' ') {
		*why = "Bad request: the request line is not METHOD TARGET HTTP/1.1.";
		return 400;
	}
	size_t limit = te - t >= 8 && !memcmp(buf + t, "/search/", 8) ? HTTP_MAX_SEARCH_TARGET
	                                                              : HTTP_MAX_TARGET;
	if (te - t > limit) {
		*why = "The address is too long.";
		return 414;
	}
	const char *v = buf + te + 1;
	if (text_end - (te + 1) != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' ||
	    v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9') {
		*why = "Bad request: the request line is not METHOD TARGET HTTP/1.1.";
		return 400;
	}
	if (v[5] != '1') {
		*why = "Only HTTP/1.0 and HTTP/1.1 are spoken here.";
		return 505;
	}
	h->minor = v[7] - '0';
	buf[m] = 0;
	buf[te] = 0;
	h->method = buf + p;
	h->target = buf + t;

	size_t total = 0;
	p = e + 1;
	for (;;) {
		e = line_end(buf, p, n);
		if (e >= n)
			return 400; /* the head given did not end in a blank line */
		text_end = e > p && buf[e - 1] == '\r' ? e - 1 : e;
		if (text_end == p)
			break; /* the blank line: the head is complete */
		size_t raw = e + 1 - p;
		if (raw > HTTP_MAX_FIELD) {
			*why = "The request's headers are too large.";
			return 431;
		}
		total += raw;
		if (total > HTTP_MAX_FIELDS_BYTES || h->n_fields >= HTTP_MAX_FIELDS) {
			*why = "The request's headers are too large.";
			return 431;
		}
		if (buf[p] == ' ' || buf[p] == '\t') {
			*why = "Bad request: a header line is folded onto the next (obsolete "
			       "line folding is not accepted).";
			return 400;
		}
		size_t c = p;
		while (c < text_end && is_tchar((unsigned char)buf[c]))
			c++;
		if (c == p || c >= text_end || buf[c] != ':') {
			*why = "Bad request: a header line is not NAME: VALUE.";
			return 400;
		}
		size_t vs = c + 1, ve = text_end;
		while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t'))
			vs++;
		while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
			ve--;
		for (size_t k = vs; k < ve; k++) {
			unsigned char ch = (unsigned char)buf[k];
			if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
				*why = ch == '\r' ? "Bad request: a line holds a carriage return alone."
				                  : "Bad request: a header holds a control character.";
				return 400;
			}
		}
		buf[c] = 0;
		buf[ve] = 0;
		if (!strcasecmp(buf + p, "Host") && !http_host_ok(buf + vs)) {
			*why = "Bad request: the Host header is not a host name.";
			return 400;
		}
		h->fields[h->n_fields].name = buf + p;
		h->fields[h->n_fields].value = buf + vs;
		h->n_fields++;
		p = e + 1;
	}
	*why = NULL;
	return 0;
}

static int hex(int c);

int http_host_ok(const char *v)
{
	const char *p = v;
	if (*p == '[') {
		/* IP-literal: only an IPv6 address (no IPvFuture). */
		const char *close = strchr(p, ']');
		char a[INET6_ADDRSTRLEN];
		struct in6_addr in6;
		if (!close || close == p + 1 || (size_t)(close - p - 1) >= sizeof a)
			return 0;
		memcpy(a, p + 1, (size_t)(close - p - 1));
		a[close - p - 1] = 0;
		if (inet_pton(AF_INET6, a, &in6) != 1)
			return 0;
		p = close + 1;
	} else {
		/* reg-name, which an IPv4 address also is: unreserved, sub-delims
		** and %HH.  Not '@' (userinfo), '/', '?', '#', '[' or a space. */
		while (*p && *p != ':') {
			unsigned char ch = (unsigned char)*p;
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || (ch && strchr("-._~!$&'()*+,;=", ch)))
				p++;
			else if (ch == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0)
				p += 3;
			else
				return 0;
		}
	}
	if (*p == ':') {
		p++;
		size_t digits = strspn(p, "0123456789");
		if (digits > 5)
			return 0;
		p += digits;
	}
	return *p == 0;
}

int http_field_ok(const char *name, const char *value)
{
	if (!name || !*name || !value)
		return 0;
	for (const char *p = name; *p; p++)
		if (!is_tchar((unsigned char)*p))
			return 0;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < ' ' && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

const char *http_head_field(const struct http_head *h, const char *name, int *count)
{
	const char *first = NULL;
	int k = 0, c0 = name[0] | 0x20;
	for (int i = 0; i < h->n_fields; i++) {
		if ((h->fields[i].name[0] | 0x20) == c0 && !strcasecmp(h->fields[i].name, name)) {
			if (!first)
				first = h->fields[i].value;
			k++;
		}
	}
	if (count)
		*count = k;
	return first;
}

/* ---- chunked bodies (RFC 9112 section 7.1) ---- */

enum {
	C_SIZE,      /* hex digits of a chunk size */
	C_EXT,       /* a chunk extension, skipped to the end of the line */
	C_SIZE_LF,   /* after the size line's CR */
	C_DATA,      /* chunk data */
	C_DATA_END,  /* the CRLF after chunk data */
	C_DATA_LF,   /* its LF */
	C_TRAILER,   /* the start of a trailer line (or the final blank line) */
	C_TRAILER_LINE, /* inside a trailer line */
	C_TRAILER_LF,   /* after a trailer line's CR */
	C_END_LF,    /* after the final blank line's CR */
};

#define MAX_CHUNK_LINE 4096  /* a size line with its extensions */
#define MAX_TRAILERS 32768   /* all trailer lines */

static int hex(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int http_chunked_feed(struct http_chunked *c, const char *in, size_t n, size_t *used,
                      struct buf *out, size_t limit)
{
	size_t i = 0;
	int rc = HTTP_CHUNK_MORE;
	while (i < n) {
		char ch = in[i];
		switch (c->state) {
		case C_SIZE:
			if (hex(ch) >= 0) {
				if (++c->digits > 15) {
					rc = HTTP_CHUNK_TOO_BIG;
					goto out;
				}
				c->left = c->left * 16 + (unsigned long long)hex(ch);
				i++;
				continue;
			}
			if (!c->digits) {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = C_EXT;
			} else if (ch == '\r') {
				c->state = C_SIZE_LF;
				i++;
				continue;
			} else {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			break;
		case C_EXT:
			if (++c->line > MAX_CHUNK_LINE) {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			if (ch == '\r') {
				c->state = C_SIZE_LF;
			} else if ((unsigned char)ch < ' ' && ch != '\t') {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			i++;
			continue;
		case C_SIZE_LF:
			if (ch != '\n') {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			i++;
			goto size_line_done;
		case C_DATA: {
			size_t take = n - i;
			if (take > c->left)
				take = (size_t)c->left;
			buf_put(out, in + i, take);
			i += take;
			c->left -= take;
			if (!c->left)
				c->state = C_DATA_END;
			continue;
		}
		case C_DATA_END:
			if (ch == '\r') {
				c->state = C_DATA_LF;
			} else {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			i++;
			continue;
		case C_DATA_LF:
			if (ch != '\n') {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			c->state = C_SIZE;
			i++;
			continue;
		case C_TRAILER:
			if (ch == '\r') {
				c->state = C_END_LF;
				i++;
				continue;
			}
			if (ch == ' ' || ch == '\t' || ch == '\n') {
				rc = HTTP_CHUNK_BAD; /* a folded trailer, or a lone LF */
				goto out;
			}
			c->state = C_TRAILER_LINE;
			continue;
		case C_TRAILER_LINE:
			if (++c->line > MAX_TRAILERS) {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			if (ch == '\r')
				c->state = C_TRAILER_LF;
			else if (ch == '\n' || ch == 0)
				rc = HTTP_CHUNK_BAD;
			if (rc)
				goto out;
			i++;
			continue;
		case C_TRAILER_LF:
			if (ch != '\n') {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			c->state = C_TRAILER;
			i++;
			continue;
		case C_END_LF:
			if (ch != '\n') {
				rc = HTTP_CHUNK_BAD;
				goto out;
			}
			i++;
			rc = HTTP_CHUNK_DONE;
			goto out;
		default:
			rc = HTTP_CHUNK_BAD;
			goto out;
		}
		i++;
		continue;
	size_line_done:
		c->line = 0;
		c->digits = 0;
		if (!c->left) {
			c->state = C_TRAILER;
		} else if (c->left > limit - out->len || out->len > limit) {
			rc = HTTP_CHUNK_TOO_BIG;
			goto out;
		} else {
			c->state = C_DATA;
		}
	}
out:
	*used = i;
	return rc;
}
