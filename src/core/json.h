/*
** json.h: writing JSON into a buffer, and reading a small JSON document.
**
** The writer keeps the commas: open an object or array, write members and
** values, close it; it never produces invalid JSON whatever the strings
** hold (esc_json(): invalid UTF-8 becomes U+FFFD, controls and <>&' are
** \u-escaped, so the text is also safe inside <script>).  The REST API
** (web/api.c) writes every answer through it.
**
** The reader parses a request body of at most JSON_MAX_BYTES into a tree in
** an arena, with depth and count limits: it is linear in the input and
** refuses (NULL, with a sentence) rather than guesses.  Strings come out
** as valid UTF-8 (\u escapes decoded, surrogate pairs joined; a lone
** surrogate or a NUL is refused).
*/
#ifndef BYLINE_CORE_JSON_H
#define BYLINE_CORE_JSON_H

#include <stddef.h>

struct buf;
struct arena;

#define JSON_MAX_DEPTH 32

struct json_w {
	struct buf *b;                    /* where the text goes */
	int depth;                        /* open objects and arrays */
	unsigned char has[JSON_MAX_DEPTH]; /* per level: a value already written */
	int after_key;                    /* a key was written: its value comes next */
};

void json_w_init(struct json_w *w, struct buf *b);
void json_obj(struct json_w *w);   /* { */
void json_obj_end(struct json_w *w); /* } */
void json_arr(struct json_w *w);   /* [ */
void json_arr_end(struct json_w *w); /* ] */
/* A member's name (inside an object); its value is the next call. */
void json_key(struct json_w *w, const char *name);
void json_str(struct json_w *w, const char *s); /* NULL writes null */
void json_strn(struct json_w *w, const char *s, size_t n);
void json_int(struct json_w *w, long long v);
void json_bool(struct json_w *w, int v);
void json_null(struct json_w *w);
/* Text that is already one JSON value (written by another json_w). */
void json_raw(struct json_w *w, const char *json, size_t n);
/* Conveniences: key then value. */
void json_kstr(struct json_w *w, const char *name, const char *s);
void json_kint(struct json_w *w, const char *name, long long v);
void json_kbool(struct json_w *w, const char *name, int v);

/* ids[0..n) as a JSON array of integers ("[3,14,15]"), NUL-terminated, in
** a: how a list of ids is bound to one SQL parameter (model/ reads it with
** "IN (SELECT value FROM json_each(?N))", which both engines take). */
const char *json_ids(struct arena *a, const long long *ids, size_t n);

/* ---- reading ---- */

#define JSON_MAX_BYTES (4u << 20) /* a request body's text */
#define JSON_MAX_ITEMS 10000      /* values in one document */

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
                 JSON_OBJECT };

struct json_v {
	enum json_type type;
	const char *str;      /* JSON_STRING: NUL-terminated UTF-8 (no NUL inside) */
	size_t len;           /* its length */
	double num;           /* JSON_NUMBER */
	int is_int;           /* written as an integer, and num holds it exactly (|n| < 2^53) */
	struct json_v *kids;  /* ARRAY and OBJECT: the values */
	const char **keys;    /* OBJECT: each value's name */
	size_t n;             /* entries in kids (and keys) */
};

/* Parses s[0..n) (one value, whitespace around it).  The tree is
** allocated in a.  NULL if it is not JSON (or over a limit), with *why a
** sentence naming what and where. */
struct json_v *json_read(struct arena *a, const char *s, size_t n, const char **why);

/* The member `name` of object o, or NULL (also when o is not an object).
** A name given twice: the last one, as JavaScript reads it. */
const struct json_v *json_member(const struct json_v *o, const char *name);

#endif
