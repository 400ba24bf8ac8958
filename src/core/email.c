/*
** email.c: the one email address check (see email.h).
*/
#include "core/email.h"

#include <string.h>

/* RFC 5322 atext: what a dot-atom's pieces are made of. */
static int is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int is_let_dig(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int email_valid(const char *s)
{
	size_t len = strlen(s);
	const char *at = strchr(s, '@');
	if (len == 0 || len > EMAIL_MAX || !at || at == s || at - s > 64 || strchr(at + 1, '@'))
		return 0;
	/* Local part: atoms separated by single dots. */
	for (const char *c = s; c < at; c++) {
		if (*c == '.') {
			if (c == s || c + 1 == at || c[1] == '.')
				return 0;
		} else if (!is_atext(*c)) {
			return 0;
		}
	}
	/* Domain: two or more labels of letters, digits and inner hyphens. */
	size_t label = 0;
	int labels = 0;
	for (const char *c = at + 1;; c++) {
		if (*c == '.' || *c == 0) {
			if (label == 0 || label > 63 || c[-1] == '-')
				return 0;
			labels++;
			if (*c == 0)
				return labels >= 2;
			label = 0;
		} else if (is_let_dig(*c) || (*c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
}
