/*
** text.c: slugs, trimming and the site's dates.
**
** Dates: the site has one time zone, set once at start with
** text_set_timezone() (as TZ), so localtime_r() is both correct and
** thread-safe afterwards.  Month names are written out here rather than taken
** from the C locale, so pages never depend on the machine's locale.
*/
#include "core/text.h"
#include "core/arena.h"
#include "core/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* The ASCII letter for a two-byte UTF-8 Latin-1 letter (U+00C0..U+00FF), or
** 0.  Enough for headlines in the Western European languages. */
static char latin1_base(unsigned char b1, unsigned char b2)
{
	static const char map[] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts"  /* C0..DF */
	                          "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* E0..FF */
	if (b1 != 0xC3 || b2 < 0x80 || b2 > 0xBF)
		return 0;
	char c = map[b2 - 0x80];
	return (c >= 'a' && c <= 'z') ? c : 0;
}

char *text_slug(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n < 80 ? n + 1 : 81);
	size_t k = 0, max = 80;
	int dash = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		unsigned char c = (unsigned char)s[i];
		char keep = 0;
		if (isalnum(c) && c < 0x80) {
			keep = (char)tolower(c);
		} else if (c == 0xC3 && i + 1 < n) {
			keep = latin1_base(c, (unsigned char)s[i + 1]);
			if (keep)
				i++;
		} else if (c == '\'' || (c == 0xE2 && i + 2 < n &&
		                         (unsigned char)s[i + 1] == 0x80 &&
		                         ((unsigned char)s[i + 2] == 0x98 ||
		                          (unsigned char)s[i + 2] == 0x99))) {
			/* Apostrophes join words: "Putin's" -> "putins". */
			if (c == 0xE2)
				i += 2;
			continue;
		}
		if (keep) {
			if (dash && k > 0) {
				if (k + 2 > max)
					break; /* no room for the dash and a letter */
				out[k++] = '-';
			}
			dash = 0;
			out[k++] = keep;
		} else {
			dash = 1;
		}
	}
	out[k] = 0;
	return out;
}

long long text_hash(const char *s, size_t n)
{
	unsigned long long h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (long long)h;
}

int text_is_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && s[i + 1] == '-')
			return 0;
	}
	return 1;
}

int text_is_slug_utf8(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || s[0] == '-' || s[n - 1] == '-' || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				return 0;
			if (c == '-' && s[i + 1] == '-')
				return 0;
			i++;
			continue;
		}
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || utf8_is_hidden(cp) ||
		    (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF)
			return 0; /* controls, Latin-1 punctuation, spaces, marks */
		i += (size_t)len;
	}
	return 1;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *text_slug_decode(struct arena *a, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
			if (c == 0)
				return NULL; /* "%00" would cut the slug short */
		}
		out[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[k] = 0;
	return text_is_slug_utf8(out) ? out : NULL;
}

/* The lowercase of cp in the scripts a slug is most often written in with
** capitals (Latin-1, Latin Extended-A, Greek, Cyrillic); cp itself
** elsewhere (scripts without case, or rarer ones). */
static uint32_t lower_cp(uint32_t cp)
{
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
	    (cp >= 0x410 && cp <= 0x42F))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if (cp == 0x178)
		return 0xFF;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
		return cp | 1;  /* pairs: capital even, small odd */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp + 1 : cp; /* pairs: capital odd */
	return cp;
}

char *text_slug_any(struct arena *a, const char *s)
{
	char *ascii = text_slug(a, s);
	if (*ascii)
		return ascii;
	size_t n = strlen(s), k = 0;
	char *out = arena_alloc(a, n + 1);
	int dash = 0;
	for (size_t i = 0; i < n && k < 200;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		int len = 1;
		if (c >= 0x80) {
			len = utf8_decode(s + i, n - i, &cp);
			if (len == 0) {
				i++;
				dash = 1;
				continue;
			}
		}
		int keep = c < 0x80 ? isalnum(c)
		                    : cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !utf8_is_hidden(cp) &&
		                          !(cp >= 0x2000 && cp <= 0x206F) &&
		                          !(cp >= 0x3000 && cp <= 0x303F) && cp != 0xFEFF &&
		                          !(cp >= 0xFF00 && cp <= 0xFF0F);
		if (keep) {
			if (k + (size_t)len + 1 > 200)
				break;
			if (dash && k > 0)
				out[k++] = '-';
			dash = 0;
			if (c < 0x80) {
				out[k++] = (char)tolower(c);
			} else {
				char low[4];
				int n_low = utf8_encode(lower_cp(cp), low);
				if (k + (size_t)n_low > 200)
					break;
				memcpy(out + k, low, (size_t)n_low);
				k += (size_t)n_low;
			}
		} else {
			dash = 1;
		}
		i += (size_t)len;
	}
	out[k] = 0;
	return text_is_slug_utf8(out) ? out : arena_strdup(a, "");
}

const char *text_slug_for(struct arena *a, const char *slug, const char *title,
                          const char **why)
{
	const char *out = slug && *slug ? slug : text_slug_any(a, title ? title : "");
	if (!*out) {
		*why = "Please give a slug (its web address): the title has no letter or digit to "
		       "make one from.";
		return NULL;
	}
	if (!text_is_slug_utf8(out)) {
		*why = "The slug may hold only lowercase letters (any script), digits and single "
		       "dashes.";
		return NULL;
	}
	return out;
}

char *text_trim(struct arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

enum text_verdict text_check(const char *s, size_t n, size_t max, size_t *chars)
{
	if (chars)
		*chars = 0;
	if (memchr(s, 0, n) || !utf8_valid(s, n))
		return TEXT_INVALID;
	size_t count = utf8_count_text(s, n);
	if (chars)
		*chars = count;
	return max && count > max ? TEXT_TOO_LONG : TEXT_OK;
}

const char *text_check_message(struct arena *a, enum text_verdict v, const char *label,
                               size_t max, size_t chars)
{
	if (v == TEXT_INVALID)
		return arena_printf(a, "%s contains characters that are not valid text. Please "
		                    "type it again.", label);
	if (v == TEXT_TOO_LONG)
		return arena_printf(a, "%s is too long: %zu characters, and at most %zu are "
		                    "allowed. Nothing was cut; please shorten it.", label, chars, max);
	return NULL;
}

int text_int(const char *s, long long lo, long long hi, long long *out)
{
	if (!s || !*s || strlen(s) > 20)
		return -1;
	for (const char *p = s; *p; p++)
		if (!(isdigit((unsigned char)*p) || (p == s && *p == '-')))
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* 1 if tz is spelled as a tz database name: "Area/Location" (up to three
** parts), or one part ("UTC", "EST5EDT"); each part starts with a letter
** and holds letters, digits, '_', '-' and '+' ("Etc/GMT+5"). */
static int zone_name_ok(const char *tz)
{
	size_t n = strlen(tz);
	if (n == 0 || n > 100)
		return 0;
	int parts = 1;
	for (size_t i = 0; i < n; i++) {
		char c = tz[i];
		int start = i == 0 || tz[i - 1] == '/';
		if (c == '/') {
			if (start || i + 1 == n || ++parts > 3)
				return 0;
		} else if (start ? !isalpha((unsigned char)c)
		                 : !(isalnum((unsigned char)c) || c == '_' || c == '-' || c == '+')) {
			return 0;
		}
	}
	return 1;
}

int text_set_timezone_check(const char *tz)
{
	if (!tz || !zone_name_ok(tz))
		return -1;
	if (strcmp(tz, "UTC") == 0)
		return 0; /* glibc knows UTC without the file */
	char path[512];
	struct stat sb;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	/* A zone file (RFC 8536) opens with "TZif", a version byte (0, '2',
	** '3' or '4') and 15 reserved bytes, then six counts: 44 bytes. */
	unsigned char head[44];
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	if (got != sizeof head || memcmp(head, "TZif", 4) != 0 ||
	    !(head[4] == 0 || (head[4] >= '2' && head[4] <= '4')))
		return -1;
	return 0;
}

int text_set_timezone(const char *tz)
{
	if (text_set_timezone_check(tz) != 0)
		return -1;
	setenv("TZ", tz, 1);
	tzset();
	return 0;
}

char *text_date_long(struct arena *a, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	return arena_printf(a, "%s %d, %d", months[tm.tm_mon], tm.tm_mday,
	                    tm.tm_year + 1900);
}

char *text_date_iso(struct arena *a, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	                    tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
}

void text_date_ymd(time_t t, int *y, int *m, int *d)
{
	struct tm tm;
	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* Reads exactly n digits at s into *v; 0 or -1. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int text_parse_date(const char *s, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	const char *p = s + 10;
	if (*p == ' ' || *p == 'T') {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return -1;
			p += 3;
		}
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (*p == 0) {
		tm.tm_isdst = -1;
		errno = 0;
		*out = mktime(&tm);
		return (*out == (time_t)-1 && errno) ? -1 : 0;
	}
	long off;
	if (*p == 'Z' && p[1] == 0) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = timegm(&tm) - off;
	return 0;
}

char *text_date_format(struct arena *a, time_t t, const char *fmt)
{
	static const char *const short_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static const char *const weekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
	                                       "Thursday", "Friday", "Saturday"};
	struct text_date_names names;
	for (int i = 0; i < 12; i++) {
		names.months[i] = months[i];
		names.short_months[i] = short_months[i];
	}
	for (int i = 0; i < 7; i++)
		names.weekdays[i] = weekdays[i];
	return text_date_format_names(a, t, fmt, &names);
}

char *text_date_format_names(struct arena *a, time_t t, const char *fmt,
                             const struct text_date_names *names)
{
	struct tm tm;
	localtime_r(&t, &tm);
	char out[256];
	size_t k = 0;
	for (const char *f = fmt; *f && k < sizeof out - 64; f++) {
		int n = 0;
		switch (*f) {
		case 'd': n = snprintf(out + k, 64, "%02d", tm.tm_mday); break;
		case 'j': n = snprintf(out + k, 64, "%d", tm.tm_mday); break;
		case 'F': n = snprintf(out + k, 64, "%s", names->months[tm.tm_mon]); break;
		case 'M': n = snprintf(out + k, 64, "%s", names->short_months[tm.tm_mon]); break;
		case 'l': n = snprintf(out + k, 64, "%s", names->weekdays[tm.tm_wday]); break;
		case 'm': n = snprintf(out + k, 64, "%02d", tm.tm_mon + 1); break;
		case 'n': n = snprintf(out + k, 64, "%d", tm.tm_mon + 1); break;
		case 'Y': n = snprintf(out + k, 64, "%04d", tm.tm_year + 1900); break;
		case 'y': n = snprintf(out + k, 64, "%02d", tm.tm_year % 100); break;
		case '\\': /* the next character as it is */
			if (f[1])
				f++;
			/* fall through */
		default: out[k] = *f; n = 1;
		}
		if (n < 0)
			n = 0;
		if (n > 63)
			n = 63; /* a name longer than 63 bytes is cut (snprintf wrote 63) */
		k += (size_t)n;
	}
	out[k] = 0;
	return arena_strdup(a, out);
}
