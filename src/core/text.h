/*
** text.h: small text utilities: slugs, trimming, number parsing, dates.
*/
#ifndef BYLINE_CORE_TEXT_H
#define BYLINE_CORE_TEXT_H

#include <stddef.h>
#include <time.h>

struct arena;

/* A URL slug from a title: lowercase ASCII letters and digits, runs of
** anything else as one '-', no leading or trailing '-', at most 80 bytes.
** Letters with common Latin accents lose them ("Café" -> "cafe").  May be ""
** if s has no letter or digit.  Allocated in a. */
char *text_slug(struct arena *a, const char *s);

/* A 64-bit FNV-1a hash of s[0..n), as a signed integer column stores it:
** for indexing long values (comment bodies) by something short. */
long long text_hash(const char *s, size_t n);

/* 1 if s is a well-formed slug as text_slug() makes them. */
int text_is_slug(const char *s);

/* 1 if s is a slug in any script, as WordPress stores them decoded: ASCII
** as text_is_slug() allows it (a-z, 0-9, single inner dashes), any other
** character well-formed UTF-8 that is a letter or digit in some script
** (not ASCII, not a control, space, mark or invisible: utf8_is_hidden()
** and U+0080..U+00BF are refused), at most 200 bytes.  "café", "ニュース". */
int text_is_slug_utf8(const char *s);

/* A slug as WordPress writes them ("caf%c3%a9", "News") as stored here:
** %-escapes decoded, ASCII lowercased ("café", "news").  NULL if the
** result is not text_is_slug_utf8().  Allocated in a. */
char *text_slug_decode(struct arena *a, const char *s);

/* As text_slug(), but letters and digits of other scripts are kept,
** lowercased where the script has case (Latin, Greek, Cyrillic):
** "ニュース" -> "ニュース", "Новости" -> "новости"; a name text_slug()
** can spell in ASCII is spelt so ("Café au lait" -> "cafe-au-lait").
** Allocated in a. */
char *text_slug_any(struct arena *a, const char *s);

/* The slug a save stores (articles and pages alike): slug if given (not
** NULL or ""), else one made from title by text_slug_any().  NULL if that
** is empty or not text_is_slug_utf8(), with *why a sentence for the
** writer.  Allocated in a (or slug itself). */
const char *text_slug_for(struct arena *a, const char *slug, const char *title,
                          const char **why);

/* s without leading and trailing ASCII whitespace.  Allocated in a. */
char *text_trim(struct arena *a, const char *s, size_t n);

/* What text_check() found in a form field's text. */
enum text_verdict {
	TEXT_OK = 0,      /* valid text within the limit */
	TEXT_TOO_LONG,    /* valid text, over the limit: refused, never cut */
	TEXT_INVALID,     /* not UTF-8, or holds a NUL byte */
};

/* Checks s[0..n) as a form field's text: valid UTF-8 without NUL bytes and
** at most max characters (0: no limit), counted as utf8_count_text() does
** (a browser's maxlength).  *chars, if not NULL, gets the count (0 when
** invalid). */
enum text_verdict text_check(const char *s, size_t n, size_t max, size_t *chars);

/* The sentence telling a person what text_check() found in the field they
** know as `label` (written to start a sentence: "Your name", "The bio"),
** or NULL for TEXT_OK.  Allocated in a. */
const char *text_check_message(struct arena *a, enum text_verdict v, const char *label,
                               size_t max, size_t chars);

/* Parses a decimal integer in [lo, hi] that fills all of s; 0 or -1. */
int text_int(const char *s, long long lo, long long hi, long long *out);

/* 0 if tz names a time zone this machine knows, else -1: "UTC", or a
** name spelled as the tz database spells them ("America/New_York") whose
** file under /usr/share/zoneinfo is a zone file (TZif), so tables such as
** zone.tab, folders and names with "..", "//" or a leading '/' are refused. */
int text_set_timezone_check(const char *tz);

/* Sets the process's time zone (for dates shown on the site).  Call before
** starting threads.  Returns 0, or -1 if the zone is unknown. */
int text_set_timezone(const char *tz);

/* "June 12, 2024" for t in the site's time zone.  Allocated in a. */
char *text_date_long(struct arena *a, time_t t);

/* t in the site's time zone written by a WordPress-style format: d j (day),
** F M m n (month), l (weekday), Y y (year); \\ writes the next character as
** it is; other characters as they are.  "F j, Y" gives "June 12, 2024".
** Allocated in a. */
char *text_date_format(struct arena *a, time_t t, const char *fmt);

/* The names text_date_format_names writes for F, M and l (UTF-8; a name
** is cut at 63 bytes). */
struct text_date_names {
	const char *months[12];       /* F: "January" */
	const char *short_months[12]; /* M: "Jan" */
	const char *weekdays[7];      /* l: "Sunday" first */
};

/* As text_date_format, with the names of another language. */
char *text_date_format_names(struct arena *a, time_t t, const char *fmt,
                             const struct text_date_names *names);

/* "2024-06-12T09:30:00+01:00" (RFC 3339, local offset).  Allocated in a. */
char *text_date_iso(struct arena *a, time_t t);

/* Year, month (1-12) and day of t in the site's time zone. */
void text_date_ymd(time_t t, int *y, int *m, int *d);

/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM[:SS]" in the
** site's time zone, or with a trailing "Z" or "+HH:MM" offset.  0 or -1. */
int text_parse_date(const char *s, time_t *out);

#endif
