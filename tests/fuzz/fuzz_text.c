/*
** fuzz_text.c: the small parsers and checks of src/core and the HTTP date
** reader: utf8_valid/utf8_decode/utf8_count, url_scheme_ok/url_is_web,
** text_parse_date, text_slug, text_trim, text_int, http_date_parse.
**
** Input: any bytes; every function reads the same input (the C-string ones
** up to its first NUL).
**
** References written here: UTF-8 by Unicode's table of well-formed byte
** sequences (Table 3-7); a URL's scheme the way the WHATWG URL parser finds
** it (leading/trailing C0 controls and spaces dropped, tab/LF/CR removed,
** ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":"); dates by their grammar.
*/
#include "fuzz.h"
#include "core/arena.h"
#include "core/text.h"
#include "core/url.h"
#include "core/utf8.h"
#include "http/http.h"

#include <string.h>
#include <time.h>

/* ---- UTF-8 ---- */

/* The length of the well-formed sequence at s[0..n), or 0 (Table 3-7). */
static size_t ref_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t len;
	if (c < 0x80) return 1;
	if (c >= 0xC2 && c <= 0xDF) len = 2;
	else if (c == 0xE0) len = 3, lo = 0xA0;
	else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
	else if (c == 0xED) len = 3, hi = 0x9F;
	else if (c == 0xF0) len = 4, lo = 0x90;
	else if (c >= 0xF1 && c <= 0xF3) len = 4;
	else if (c == 0xF4) len = 4, hi = 0x8F;
	else return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

static void check_utf8(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t chars = 0, i = 0;
	int valid = 1;
	while (i < size) {
		size_t k = ref_utf8_len(data + i, size - i);
		uint32_t cp = 0xFFFFFFFF;
		int got = utf8_decode(s + i, size - i, &cp);
		FUZZ_ASSERT((size_t)got == k, "utf8_decode at %zu gave %d, not %zu", i, got, k);
		if (!k) {
			valid = 0;
			i++;
			continue;
		}
		char enc[4];
		FUZZ_ASSERT(utf8_encode(cp, enc) == got && !memcmp(enc, s + i, k),
		            "utf8_encode(U+%04X) is not the bytes decoded", (unsigned)cp);
		chars++;
		i += k;
	}
	FUZZ_ASSERT(utf8_valid(s, size) == valid, "utf8_valid gave %d", !valid);
	if (valid)
		FUZZ_ASSERT(utf8_count(s, size) == chars, "utf8_count gave %zu, not %zu",
		            utf8_count(s, size), chars);
}

/* ---- URLs ---- */

/* The scheme the WHATWG parser finds in u[0..n), lowercased into out
** (cap bytes; a longer one is cut, marked by returning 2); 0 if none. */
static int ref_scheme(const char *u, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;
	while (i < n && (unsigned char)u[i] <= 0x20)
		i++;
	while (n > i && (unsigned char)u[n - 1] <= 0x20)
		n--;
	int cut = 0;
	for (; i < n; i++) {
		char c = u[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		int ok = k == 0 ? alpha : alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		                          c == '.';
		if (!ok) {
			if (c != ':' || k == 0)
				return 0;
			out[k < cap ? k : cap - 1] = 0;
			return cut ? 2 : 1;
		}
		if (k + 1 < cap)
			out[k] = (char)(c | 0x20);
		else
			cut = 1;
		k++;
	}
	return 0;
}

static void check_url(const char *u, size_t n)
{
	char scheme[32];
	int has = ref_scheme(u, n, scheme, sizeof scheme);
	int is_http = has == 1 && (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
	int is_mailto = has == 1 && !strcmp(scheme, "mailto");
	int ok[8];
	for (int allow = 0; allow < 8; allow++) {
		ok[allow] = url_scheme_ok(u, n, allow);
		FUZZ_ASSERT(ok[allow] == 0 || ok[allow] == 1, "gave %d", ok[allow]);
		if (has)
			FUZZ_ASSERT(!ok[allow] || (is_http && (allow & URL_HTTP)) ||
			            (is_mailto && (allow & URL_MAILTO)),
			            "scheme '%s' accepted with allow=%d", scheme, allow);
		else
			FUZZ_ASSERT(!ok[allow] || (allow & URL_RELATIVE),
			            "a relative URL accepted with allow=%d", allow);
		if ((is_http && (allow & URL_HTTP)) || (is_mailto && (allow & URL_MAILTO)))
			FUZZ_ASSERT(ok[allow], "scheme '%s' refused with allow=%d", scheme, allow);
	}
	for (int a = 0; a < 8; a++)
		for (int b = 0; b < 8; b++)
			if ((a & b) == a)
				FUZZ_ASSERT(!ok[a] || ok[b], "accepted with allow=%d but not %d", a, b);

	if (url_is_web(u, n)) {
		FUZZ_ASSERT(ok[URL_HTTP] && is_http, "url_is_web accepts a non-http URL");
		for (size_t i = 0; i < n; i++)
			FUZZ_ASSERT((unsigned char)u[i] > 0x20 && u[i] != 0x7F && !strchr("\"<>\\", u[i]),
			            "url_is_web accepts byte %02X", (unsigned char)u[i]);
	}
}

/* ---- dates ---- */

static int num(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + s[i] - '0';
	}
	return 1;
}

/* The reference reading of text_parse_date's grammar (the site's zone is
** UTC here): 1 and *t, or 0. */
static int ref_date(const char *s, time_t *t)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
	size_t n = strlen(s), at = 10;
	if (n < 10 || !num(s, 4, &y) || s[4] != '-' || !num(s + 5, 2, &mo) || s[7] != '-' ||
	    !num(s + 8, 2, &d))
		return 0;
	if (n >= 16 && (s[10] == ' ' || s[10] == 'T') && num(s + 11, 2, &h) && s[13] == ':' &&
	    num(s + 14, 2, &mi)) {
		at = 16;
		if (n >= 19 && s[16] == ':' && num(s + 17, 2, &se))
			at = 19;
		else if (s[16] == ':')
			return 0;
	} else if (n > 10 && (s[10] == ' ' || s[10] == 'T')) {
		return 0;
	}
	if (at == n) {
		/* local time = UTC here */
	} else if (n - at == 1 && s[at] == 'Z') {
	} else if (n - at == 6 && (s[at] == '+' || s[at] == '-') && num(s + at + 1, 2, &oh) &&
	           s[at + 3] == ':' && num(s + at + 4, 2, &om) && oh <= 23 && om <= 59) {
		sign = s[at] == '-' ? -1 : 1;
	} else {
		return 0;
	}
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) ||
	    h > 23 || mi > 59 || se > 59)
		return 0;
	struct tm tm = {0};
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = se;
	*t = timegm(&tm) - sign * (oh * 3600L + om * 60L);
	return 1;
}

static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void check_dates(const char *s, const uint8_t *data, size_t size)
{
	time_t got = 0, want = 0;
	int rc = text_parse_date(s, &got);
	int ref = ref_date(s, &want);
	FUZZ_ASSERT(rc == 0 || rc == -1, "text_parse_date gave %d", rc);
	FUZZ_ASSERT((rc == 0) == ref, "text_parse_date(\"%s\") gave %d", s, rc);
	if (ref)
		FUZZ_ASSERT(got == want, "text_parse_date(\"%s\") = %lld, not %lld", s,
		            (long long)got, (long long)want);

	/* An HTTP-date: what it accepts names a real day, whose month is the one
	** written (one second back, for a leap second "...:60"). */
	time_t t = http_date_parse(s);
	if (t) {
		int seen = 0;
		for (int back = 0; back <= 1 && !seen; back++) {
			time_t u = t - back;
			struct tm tm;
			gmtime_r(&u, &tm);
			seen = strstr(s, mon[tm.tm_mon]) != NULL;
		}
		FUZZ_ASSERT(seen, "http_date_parse(\"%s\") = %lld, a day in no month written", s,
		            (long long)t);
	}
	/* Formatting and reading back. */
	if (size >= 8) {
		uint64_t v;
		memcpy(&v, data, 8);
		time_t when = (time_t)(v % 253402300800ULL); /* to 9999-12-31 */
		char buf[40];
		http_date_format(when, buf, sizeof buf);
		FUZZ_ASSERT(when == 0 || http_date_parse(buf) == when, "\"%s\" does not read back as "
		            "%lld", buf, (long long)when);
	}
}

/* ---- slugs, trimming, integers ---- */

static void check_text(const char *s)
{
	struct arena *a = arena_new();
	char *slug = text_slug(a, s);
	FUZZ_ASSERT(strlen(slug) <= 80, "slug of %zu bytes", strlen(slug));
	FUZZ_ASSERT(!*slug || text_is_slug(slug), "text_slug gave \"%s\"", slug);
	size_t n = strlen(s);
	char *trim = text_trim(a, s, n);
	size_t tn = strlen(trim);
	FUZZ_ASSERT(tn <= n && strstr(s, trim), "text_trim gave \"%s\"", trim);
	FUZZ_ASSERT(!tn || (!strchr(" \t\n\v\f\r", trim[0]) && !strchr(" \t\n\v\f\r", trim[tn - 1])),
	            "text_trim left white space");
	long long v = 42;
	if (text_int(s, -1000, 1000000, &v) == 0) {
		FUZZ_ASSERT(v >= -1000 && v <= 1000000, "text_int gave %lld", v);
		FUZZ_ASSERT(strtoll(s, NULL, 10) == v, "text_int(\"%s\") gave %lld", s, v);
	}
	arena_free(a);
}

FUZZ_TARGET(text)
{
	static int zone_set;
	if (!zone_set) {
		FUZZ_ASSERT(text_set_timezone("UTC") == 0, "cannot set UTC");
		zone_set = 1;
	}
	check_utf8(data, size);
	check_url((const char *)data, size);
	char *s = fuzz_strndup(data, size); /* up to the first NUL, as C strings go */
	check_dates(s, data, size);
	check_text(s);
	free(s);
	return 0;
}
