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

/* Number of characters in valid UTF-8 s[0..n) as a browser counts them
** for a form field's maxlength: code points, a CR LF pair as one (a
** textarea's line breaks are sent as CR LF but counted as one). */
size_t utf8_count_text(const char *s, size_t n);

/* 1 if cp changes how the text around it looks without being seen
** itself: a control character (C0 with tab, CR and LF, DEL, C1), a line or
** paragraph separator (U+2028, U+2029), a bidirectional mark, embedding,
** override or isolate (U+061C, U+200E-200F, U+202A-202E, U+2066-2069), or
** an invisible character Unicode says to ignore when showing text: zero
** width space, joiners and word joiner (U+200B-200D, U+2060-2064), the
** byte order mark (U+FEFF), soft hyphen (U+00AD), fillers and the tag
** characters (U+E0000-E007F).  Variation selectors (U+FE00-FE0F: emoji
** and CJK use them) are not. */
int utf8_is_hidden(uint32_t cp);

/* 1 if valid UTF-8 s[0..n) holds a code point utf8_is_hidden() names;
** *cp (if not NULL) gets the first one. */
int utf8_has_hidden(const char *s, size_t n, uint32_t *cp);

/* Appends code point cp as UTF-8 to out (at least 4 bytes); returns length. */
int utf8_encode(uint32_t cp, char *out);

#endif
