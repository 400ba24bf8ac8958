/*
** url.c: scheme checks made the way a browser parses a URL.
*/
#include "core/url.h"

#include <ctype.h>
#include <string.h>

/*
** The browser's URL parser first drops leading C0 controls and spaces, and
** tab, LF and CR anywhere.  Rather than copy the URL (an earlier version
** copied into 64 bytes, and a first segment longer than that, with its ':'
** beyond the copy, was taken for a relative path), the checks below read it
** through skip(), which steps over the removed bytes.
*/
static size_t skip(const char *u, size_t n, size_t i)
{
	while (i < n && (u[i] == '\t' || u[i] == '\n' || u[i] == '\r'))
		i++;
	return i;
}

/*
** Reads the URL's first segment: everything before the first ':', '/', '?'
** or '#'.  If that delimiter is ':' and the segment is a scheme (ALPHA then
** ALPHA / DIGIT / "+" / "-" / "."), it is one of ours or refused.  A ':'
** after anything else would be read as a scheme by some parser: refused.
** Without a ':', the URL is relative; "\\host" and "/\\host" are refused
** because browsers read them as "//host".  "//host" itself, a network-path
** reference, is accepted as relative: it can only name the page's own
** scheme (https), so it is no worse than an https link, which is allowed.
*/
int url_scheme_ok(const char *u, size_t n, int allow)
{
	size_t i = 0;
	while (i < n && (unsigned char)u[i] <= 0x20)
		i++;
	size_t start = i;     /* the first byte the parser keeps */
	char scheme[8];       /* the first bytes of the segment, lowercased */
	size_t len = 0;       /* significant bytes in the segment */
	int is_scheme = 1;    /* the segment so far is scheme syntax */
	char delim = 0;       /* the byte that ended it, or 0 at the end */
	for (; i < n; i = skip(u, n, i + 1)) {
		char c = u[i];
		if (c == ':' || c == '/' || c == '?' || c == '#') {
			delim = c;
			break;
		}
		if (len == 0 ? !isalpha((unsigned char)c)
		             : !(isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.'))
			is_scheme = 0;
		if (len < sizeof scheme)
			scheme[len] = (char)tolower((unsigned char)c);
		len++;
	}
	if (delim == ':') {
		if (!is_scheme || len == 0)
			return 0;
		if ((allow & URL_HTTP) && ((len == 4 && !memcmp(scheme, "http", 4)) ||
		                           (len == 5 && !memcmp(scheme, "https", 5))))
			return 1;
		if ((allow & URL_MAILTO) && len == 6 && !memcmp(scheme, "mailto", 6))
			return 1;
		return 0;
	}
	if (!(allow & URL_RELATIVE))
		return 0;
	if (start < n && u[start] == '\\')
		return 0;
	size_t second = start < n ? skip(u, n, start + 1) : n;
	if (start < n && u[start] == '/' && second < n && u[second] == '\\')
		return 0;
	return 1;
}

int url_is_web(const char *u, size_t n)
{
	size_t skip;
	if (n > 7 && !strncasecmp(u, "http://", 7))
		skip = 7;
	else if (n > 8 && !strncasecmp(u, "https://", 8))
		skip = 8;
	else
		return 0;
	/* A host must follow, and no whitespace or control anywhere. */
	if (skip >= n || u[skip] == '/' || u[skip] == '?' || u[skip] == '#')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7F || u[i] == '"' ||
		    u[i] == '<' || u[i] == '>' || u[i] == '\\')
			return 0;
	return 1;
}
