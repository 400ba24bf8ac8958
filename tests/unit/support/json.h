/*
** json.h: a small JSON reader for tests.
**
** Unit tests keep their data in JSON files (the Mustache spec, fixtures)
** and need it as the value trees templates render (render/value.h).  This
** is a strict RFC 8259 parser: anything else (trailing commas, comments,
** bare control characters in strings, lone surrogates, invalid UTF-8,
** leading zeros) is an error with a line and column.  Objects become TV_MAP
** (a repeated key keeps its last value), arrays TV_LIST, strings TV_STR
** (they may hold NUL bytes, from \u0000), numbers TV_NUM, true/false
** TV_BOOL, null TV_NULL.  Not for production input: it recurses (to a
** depth of 256) and has no size limit beyond memory.
*/
#ifndef BYLINE_TEST_JSON_H
#define BYLINE_TEST_JSON_H

#include <stddef.h>

struct arena;
struct tv;

/* Parses the JSON text s[0..n).  Returns the root value, allocated in `a`,
** or NULL with a message such as "3:14: expected ',' or '}'" in err (of
** errlen bytes; err may be NULL). */
struct tv *json_parse(struct arena *a, const char *s, size_t n, char *err, size_t errlen);

/* Reads the whole file at path.  Returns its bytes, NUL-terminated (caller
** frees), with the length in *len; or NULL (errno set) if it cannot. */
char *json_read_file(const char *path, size_t *len);

#endif
