/*
** url.c: scheme checks made the way a browser parses a URL.
*/
#include "core/url.h"

#include <ctype.h>
#include <string.h>

/* Copies u into out the way the URL parser sees it: leading C0 controls and
** spaces removed, tab/LF/CR removed anywhere.  Returns the new length. */
static size_t normalise(const char *u, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;
	while (i < n && (unsigned char)u[i] <= 0x20)
		i++;
	for (; i < n && k < cap; i++) {
		if (u[i] == '\t' || u[i] == '\n' || u[i] == '\r')
			continue;
		out[k++] = u[i];
	}
	return k;
}

int url_scheme_ok(const char *u, size_t n, int allow)
{
	char s[64];
	size_t len = normalise(u, n, s, sizeof s);
	/* A scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) then ':'. */
	size_t i = 0;
	if (len && isalpha((unsigned char)s[0])) {
		i = 1;
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '+' ||
		                   s[i] == '-' || s[i] == '.'))
			i++;
	}
	if (i < len && i > 0 && s[i] == ':') {
		if ((allow & URL_HTTP) && ((i == 4 && !strncasecmp(s, "http", 4)) ||
		                           (i == 5 && !strncasecmp(s, "https", 5))))
			return 1;
		if ((allow & URL_MAILTO) && i == 6 && !strncasecmp(s, "mailto", 6))
			return 1;
		return 0;
	}
	/* No scheme.  Anything before the first '/', '?' or '#' containing a ':'
	** would be read as a scheme by some parser: refuse it.  Also refuse a
	** leading "\\" or "//"-like backslash forms, which browsers treat as
	** protocol-relative. */
	if (!(allow & URL_RELATIVE))
		return 0;
	for (size_t j = 0; j < len; j++) {
		if (s[j] == '/' || s[j] == '?' || s[j] == '#')
			break;
		if (s[j] == ':')
			return 0;
	}
	if (len > 0 && s[0] == '\\')
		return 0;
	if (len > 1 && s[0] == '/' && s[1] == '\\')
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
