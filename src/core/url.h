/*
** url.h: deciding whether a URL from untrusted input may be linked.
**
** A browser strips tabs and newlines from URLs, ignores leading spaces and
** controls, and matches schemes case-insensitively; an attacker uses all of
** that ("java\tscript:", " JAVASCRIPT:").  url_scheme_ok() decides as a
** browser would read the URL, on text whose character references are
** already decoded.
*/
#ifndef BYLINE_CORE_URL_H
#define BYLINE_CORE_URL_H

#include <stddef.h>

#define URL_HTTP     1 /* http: and https: */
#define URL_MAILTO   2 /* mailto: */
#define URL_RELATIVE 4 /* no scheme: path, query or fragment */

/* 1 if the URL u[0..n) is of one of the kinds in `allow`. */
int url_scheme_ok(const char *u, size_t n, int allow);

/* 1 if u is an absolute http(s) URL with a host, as a commenter's website
** must be. */
int url_is_web(const char *u, size_t n);

#endif
