/*
** utf8.h: UTF-8 validation and counting.
**
** Form fields are limited in characters (WordPress's limits are in
** characters), and must be valid UTF-8 (RFC 3629: no overlongs, no
** surrogates, nothing above U+10FFFF) before they are stored.
*/
#ifndef BYLINE_CORE_UTF8_H
#define BYLINE_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if s[0..n) is well-formed UTF-8. */
int utf8_valid(const char *s, size_t n);

/* 1 if s[0..n) is well-formed UTF-8 (same as utf8_valid; named for
** callers trimming a cut string until it is). */
#define utf8_valid_prefix(s, n) utf8_valid((s), (n))

/* Number of code points in valid UTF-8 s[0..n). */
size_t utf8_count(const char *s, size_t n);

/* Decodes one code point at s (of n bytes available).  Returns its length
** (1..4), or 0 if the bytes are not well-formed; *cp gets the code point. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Appends code point cp as UTF-8 to out (at least 4 bytes); returns length. */
int utf8_encode(uint32_t cp, char *out);

#endif
