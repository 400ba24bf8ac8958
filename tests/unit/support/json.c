/*
** json.c: a strict recursive-descent JSON parser producing value trees.
**
** One pass over the text; strings are decoded into a scratch buffer and
** copied into the arena once complete.  The first error stops the parse and
** is reported with the line and column where it was found.
*/
#include "json.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "render/value.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 256

struct json {
	const char *s;     /* the text */
	size_t n;          /* bytes in s */
	size_t pos;        /* next byte to read */
	struct arena *a;   /* where values go */
	char *err;         /* caller's message buffer, or NULL */
	size_t errlen;     /* bytes in err */
	int failed;        /* an error was reported */
	struct buf sb;     /* scratch for the string being decoded */
};

static void *json_fail(struct json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void *json_fail(struct json *j, const char *fmt, ...)
{
	if (j->failed)
		return NULL;
	j->failed = 1;
	if (!j->err || !j->errlen)
		return NULL;
	size_t line = 1, col = 1;
	for (size_t i = 0; i < j->pos && i < j->n; i++) {
		if (j->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	int k = snprintf(j->err, j->errlen, "%zu:%zu: ", line, col);
	if (k >= 0 && (size_t)k < j->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(j->err + k, j->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

static void skip_ws(struct json *j)
{
	while (j->pos < j->n) {
		char c = j->s[j->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		j->pos++;
	}
}

static int peek(const struct json *j)
{
	return j->pos < j->n ? (unsigned char)j->s[j->pos] : -1;
}

static int hex4(struct json *j, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(j);
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return json_fail(j, "bad \\u escape"), -1;
		v = v * 16 + (uint32_t)d;
		j->pos++;
	}
	*out = v;
	return 0;
}

/* Decodes the string at j->pos (its opening quote) into j->sb. */
static int parse_string(struct json *j)
{
	buf_reset(&j->sb);
	j->pos++; /* the opening quote */
	for (;;) {
		int c = peek(j);
		if (c < 0)
			return json_fail(j, "unterminated string"), -1;
		if (c == '"') {
			j->pos++;
			return 0;
		}
		if (c < 0x20)
			return json_fail(j, "control character in string"), -1;
		if (c >= 0x80) {
			uint32_t cp;
			int k = utf8_decode(j->s + j->pos, j->n - j->pos, &cp);
			if (!k)
				return json_fail(j, "invalid UTF-8 in string"), -1;
			buf_put(&j->sb, j->s + j->pos, (size_t)k);
			j->pos += (size_t)k;
			continue;
		}
		j->pos++;
		if (c != '\\') {
			buf_putc(&j->sb, (char)c);
			continue;
		}
		int e = peek(j);
		j->pos++;
		switch (e) {
		case '"': buf_putc(&j->sb, '"'); break;
		case '\\': buf_putc(&j->sb, '\\'); break;
		case '/': buf_putc(&j->sb, '/'); break;
		case 'b': buf_putc(&j->sb, '\b'); break;
		case 'f': buf_putc(&j->sb, '\f'); break;
		case 'n': buf_putc(&j->sb, '\n'); break;
		case 'r': buf_putc(&j->sb, '\r'); break;
		case 't': buf_putc(&j->sb, '\t'); break;
		case 'u': {
			uint32_t cp, lo;
			if (hex4(j, &cp))
				return -1;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return json_fail(j, "lone low surrogate"), -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (peek(j) != '\\' || j->pos + 1 >= j->n || j->s[j->pos + 1] != 'u')
					return json_fail(j, "lone high surrogate"), -1;
				j->pos += 2;
				if (hex4(j, &lo))
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return json_fail(j, "lone high surrogate"), -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			char u[4];
			buf_put(&j->sb, u, (size_t)utf8_encode(cp, u));
			break;
		}
		default:
			j->pos--;
			return json_fail(j, "bad escape in string"), -1;
		}
	}
}

static struct tv *parse_number(struct json *j)
{
	size_t start = j->pos;
	if (peek(j) == '-')
		j->pos++;
	if (peek(j) == '0') {
		j->pos++;
	} else if (peek(j) >= '1' && peek(j) <= '9') {
		while (peek(j) >= '0' && peek(j) <= '9')
			j->pos++;
	} else {
		return json_fail(j, "bad number");
	}
	if (peek(j) == '.') {
		j->pos++;
		if (!(peek(j) >= '0' && peek(j) <= '9'))
			return json_fail(j, "bad number: no digits after '.'");
		while (peek(j) >= '0' && peek(j) <= '9')
			j->pos++;
	}
	if (peek(j) == 'e' || peek(j) == 'E') {
		j->pos++;
		if (peek(j) == '+' || peek(j) == '-')
			j->pos++;
		if (!(peek(j) >= '0' && peek(j) <= '9'))
			return json_fail(j, "bad number: no digits in exponent");
		while (peek(j) >= '0' && peek(j) <= '9')
			j->pos++;
	}
	char *text = arena_strndup(j->a, j->s + start, j->pos - start);
	double d = strtod(text, NULL);
	if (!isfinite(d))
		return json_fail(j, "number out of range");
	return tv_num(j->a, d);
}

static int literal(struct json *j, const char *word)
{
	size_t k = strlen(word);
	if (j->n - j->pos < k || memcmp(j->s + j->pos, word, k) != 0)
		return 0;
	j->pos += k;
	return 1;
}

static struct tv *parse_value(struct json *j, int depth);

static struct tv *parse_array(struct json *j, int depth)
{
	struct tv *list = tv_list(j->a);
	j->pos++; /* [ */
	skip_ws(j);
	if (peek(j) == ']') {
		j->pos++;
		return list;
	}
	for (;;) {
		struct tv *v = parse_value(j, depth + 1);
		if (!v)
			return NULL;
		tv_push(j->a, list, v);
		skip_ws(j);
		if (peek(j) == ',') {
			j->pos++;
			continue;
		}
		if (peek(j) == ']') {
			j->pos++;
			return list;
		}
		return json_fail(j, "expected ',' or ']'");
	}
}

static struct tv *parse_object(struct json *j, int depth)
{
	struct tv *map = tv_map(j->a);
	j->pos++; /* { */
	skip_ws(j);
	if (peek(j) == '}') {
		j->pos++;
		return map;
	}
	for (;;) {
		skip_ws(j);
		if (peek(j) != '"')
			return json_fail(j, "expected a string key");
		size_t at = j->pos;
		if (parse_string(j))
			return NULL;
		if (j->sb.len && memchr(j->sb.data, 0, j->sb.len)) {
			j->pos = at;
			return json_fail(j, "object key holds a NUL character");
		}
		char *key = arena_strndup(j->a, j->sb.len ? j->sb.data : "", j->sb.len);
		skip_ws(j);
		if (peek(j) != ':')
			return json_fail(j, "expected ':'");
		j->pos++;
		struct tv *v = parse_value(j, depth + 1);
		if (!v)
			return NULL;
		tv_set(j->a, map, key, v);
		skip_ws(j);
		if (peek(j) == ',') {
			j->pos++;
			continue;
		}
		if (peek(j) == '}') {
			j->pos++;
			return map;
		}
		return json_fail(j, "expected ',' or '}'");
	}
}

static struct tv *parse_value(struct json *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return json_fail(j, "nested more than %d deep", JSON_MAX_DEPTH);
	skip_ws(j);
	switch (peek(j)) {
	case '{': return parse_object(j, depth);
	case '[': return parse_array(j, depth);
	case '"':
		if (parse_string(j))
			return NULL;
		return tv_strn(j->a, j->sb.len ? j->sb.data : "", j->sb.len);
	case 't':
		if (literal(j, "true"))
			return tv_bool(j->a, 1);
		break;
	case 'f':
		if (literal(j, "false"))
			return tv_bool(j->a, 0);
		break;
	case 'n':
		if (literal(j, "null"))
			return tv_null(j->a);
		break;
	case -1:
		return json_fail(j, "unexpected end of input");
	default:
		if (peek(j) == '-' || (peek(j) >= '0' && peek(j) <= '9'))
			return parse_number(j);
		break;
	}
	return json_fail(j, "unexpected character '%c'", (char)peek(j));
}

struct tv *json_parse(struct arena *a, const char *s, size_t n, char *err, size_t errlen)
{
	struct json j;
	memset(&j, 0, sizeof j);
	j.s = s;
	j.n = n;
	j.a = a;
	j.err = err;
	j.errlen = errlen;
	buf_init(&j.sb);
	if (err && errlen)
		err[0] = 0;
	struct tv *v = parse_value(&j, 0);
	if (v) {
		skip_ws(&j);
		if (j.pos != j.n)
			v = json_fail(&j, "trailing characters after the value");
	}
	buf_free(&j.sb);
	return v;
}

char *json_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *p = malloc(cap);
	while (p) {
		if (n + 1 >= cap) {
			char *q = realloc(p, cap * 2);
			if (!q) {
				free(p);
				p = NULL;
				errno = ENOMEM;
				break;
			}
			p = q;
			cap *= 2;
		}
		size_t k = fread(p + n, 1, cap - n - 1, f);
		n += k;
		if (k == 0) {
			if (ferror(f)) {
				free(p);
				p = NULL;
				errno = EIO;
			}
			break;
		}
	}
	fclose(f);
	if (!p)
		return NULL;
	p[n] = 0;
	if (len)
		*len = n;
	return p;
}
