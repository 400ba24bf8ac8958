/*
** typography.c: curly quotes, apostrophes, primes, dashes and ellipses on
** text nodes (see typography.h for the rules).
**
** One pass, left to right, in linear time.  A text is read as units: an
** ASCII byte, a whole UTF-8 character, or (in HTML) a whole character
** reference, of which only &quot; and &#39; (and their other spellings)
** are read as the quote they stand for.  What a quote becomes depends on
** the unit before it (kept in struct typo across inline tags, forgotten at
** a block tag) and on a few units after it.
*/
#include "render/typography.h"
#include "core/arena.h"
#include "core/buf.h"

#include <string.h>

#define LSQUO "\xE2\x80\x98" /* ‘ */
#define RSQUO "\xE2\x80\x99" /* ’ also the apostrophe */
#define LDQUO "\xE2\x80\x9C" /* “ */
#define RDQUO "\xE2\x80\x9D" /* ” */
#define PRIME "\xE2\x80\xB2" /* ′ */
#define DPRIME "\xE2\x80\xB3" /* ″ */
#define NDASH "\xE2\x80\x93" /* – */
#define MDASH "\xE2\x80\x94" /* — */
#define HELLIP "\xE2\x80\xA6" /* … */

/* What stood before the current unit. */
enum prev {
	P_START, /* the start of a text or block */
	P_SPACE, /* white space */
	P_OPEN,  /* ( [ { a dash or an opening quote: a quote after it opens */
	P_DIGIT, /* 0-9 */
	P_WORD,  /* a letter, any non-ASCII character, other punctuation */
};

struct typo {
	struct buf *out;
	enum prev prev;  /* class of the unit before */
	char last[2];    /* the two ASCII bytes before ("xn--"), 0 if not */
	int open_double; /* a “ is open in this block */
	int open_single; /* a ‘ is open in this block */
};

/* Unit kinds beyond ASCII bytes. */
#define U_OTHER 256 /* a non-ASCII character or another reference */
#define U_SPACE 257 /* a non-ASCII space (NBSP, &nbsp;) */
#define U_OPENQ 258 /* “ or ‘ already curly */
#define U_END 259   /* past the end */
#define U_DASH 260  /* – or — already typeset */

/* The unit at s[i..n): its kind (ASCII byte or U_*) and *len bytes. */
static int unit(const char *s, size_t n, size_t i, int html, size_t *len)
{
	if (i >= n) {
		*len = 0;
		return U_END;
	}
	unsigned char c = (unsigned char)s[i];
	if (html && c == '&') {
		size_t k = i + 1;
		while (k < n && k - i < 12 && s[k] != ';' && s[k] != '&' && s[k] != '<' &&
		       s[k] != ' ')
			k++;
		if (k < n && s[k] == ';') {
			*len = k + 1 - i;
			const char *e = s + i + 1;
			size_t el = k - i - 1;
#define IS(lit) (el == sizeof lit - 1 && memcmp(e, lit, el) == 0)
			if (IS("quot") || IS("#34") || IS("#034") || IS("#x22") || IS("#X22"))
				return '"';
			if (IS("#39") || IS("#039") || IS("apos") || IS("#x27") || IS("#X27"))
				return '\'';
			if (IS("nbsp") || IS("#160") || IS("#xa0") || IS("#xA0"))
				return U_SPACE;
			if (IS("lt"))
				return '<';
			if (IS("gt"))
				return '>';
			if (IS("amp"))
				return '&';
#undef IS
			return U_OTHER;
		}
		*len = 1;
		return '&';
	}
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	size_t k = 1;
	while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80 && k < 4)
		k++;
	*len = k;
	if (k == 2 && c == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
		return U_SPACE;
	if (k == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
		unsigned char d = (unsigned char)s[i + 2];
		if (d == 0x98 || d == 0x9C)
			return U_OPENQ;
		if (d == 0x93 || d == 0x94)
			return U_DASH; /* a quote after it opens */
		if (d >= 0x80 && d <= 0x8A)
			return U_SPACE; /* the typographic spaces */
	}
	return U_OTHER;
}

static int is_space(int u)
{
	return u == ' ' || u == '\t' || u == '\n' || u == '\r' || u == '\f' || u == U_SPACE;
}

static int is_alpha(int u)
{
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == U_OTHER;
}

static int is_digit(int u)
{
	return u >= '0' && u <= '9';
}

static enum prev class_of(int u)
{
	if (is_space(u))
		return P_SPACE;
	if (is_digit(u))
		return P_DIGIT;
	if (u == '(' || u == '[' || u == '{' || u == '-' || u == U_DASH || u == U_OPENQ || u == '<')
		return P_OPEN;
	return P_WORD;
}

static int opens(const struct typo *t)
{
	return t->prev == P_START || t->prev == P_SPACE || t->prev == P_OPEN;
}

/* The unit k units after the one at i (k >= 1). */
static int ahead(const char *s, size_t n, size_t i, int html, int k)
{
	size_t len;
	int u = 0;
	for (int j = 0; j <= k; j++) {
		u = unit(s, n, i, html, &len);
		if (u == U_END)
			return U_END;
		i += len;
	}
	return u;
}

/* Does the word at s[i..n) (ASCII, case-insensitive) start with w, with no
** letter after it? */
static int word_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t wl = strlen(w);
	if (n - i < wl)
		return 0;
	for (size_t k = 0; k < wl; k++) {
		char c = s[i + k];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[k])
			return 0;
	}
	return i + wl == n || !is_alpha((unsigned char)s[i + wl] < 0x80 ? s[i + wl] : U_OTHER);
}

/* Words that start with an elided letter: 'tis, 'em (wptexturize's list). */
static int clipped_word(const char *s, size_t n, size_t i)
{
	static const char *const words[] = {
		"tis", "twas", "twere", "twill", "tain't", "til", "em", "cause", "bout",
		"nuff", "round",
	};
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if (word_at(s, n, i, words[k]))
			return 1;
	return 0;
}

/* Length of a URL starting at s[i], or 0: http://, https://, www. up to
** the next space (the caller checks that a word starts here). */
static size_t url_at(const char *s, size_t n, size_t i)
{
	static const char *const starts[] = {"http://", "https://", "www.", "mailto:"};
	for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
		size_t l = strlen(starts[k]);
		if (n - i >= l && strncmp(s + i, starts[k], l) == 0) {
			size_t e = i + l;
			while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\n' && s[e] != '\r')
				e++;
			return e - i;
		}
	}
	return 0;
}

static void put(struct typo *t, const char *s, enum prev p)
{
	buf_puts(t->out, s);
	t->prev = p;
	t->last[0] = t->last[1] = 0;
}

/* Typography on one run of text, s[0..n). */
static void run(struct typo *t, const char *s, size_t n, int html)
{
	size_t i = 0, len;
	while (i < n) {
		int u = unit(s, n, i, html, &len);
		if ((t->prev != P_WORD && t->prev != P_DIGIT) && (u == 'h' || u == 'w' || u == 'm')) {
			size_t ul = url_at(s, n, i);
			if (ul) {
				buf_put(t->out, s + i, ul);
				i += ul;
				t->prev = P_WORD;
				t->last[0] = t->last[1] = 0;
				continue;
			}
		}
		/* A shortcode WordPress left ([contact-form-7 id="9"]), as
		** wptexturize leaves it: to its ']' on the same line. */
		if (u == '[' && i + 1 < n && ((s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
		                              (s[i + 1] >= 'A' && s[i + 1] <= 'Z') || s[i + 1] == '/')) {
			size_t e = i + 1;
			while (e < n && s[e] != ']' && s[e] != '[' && s[e] != '\n')
				e++;
			if (e < n && s[e] == ']') {
				buf_put(t->out, s + i, e + 1 - i);
				i = e + 1;
				t->prev = P_WORD;
				t->last[0] = t->last[1] = 0;
				continue;
			}
		}
		int u1 = ahead(s, n, i, html, 1);
		if (u == '.' && u1 == '.' && ahead(s, n, i, html, 2) == '.') {
			put(t, HELLIP, P_WORD);
			i += 3;
			continue;
		}
		if (u == '-') {
			int k = 1;
			while (i + k < n && s[i + k] == '-')
				k++;
			int after = ahead(s, n, i, html, k);
			int spaced = (t->prev == P_START || t->prev == P_SPACE) &&
			             (after == U_END || is_space(after));
			int xn = t->last[0] == 'x' && t->last[1] == 'n';
			if (k == 3)
				put(t, MDASH, P_OPEN);
			else if (k == 2 && spaced)
				put(t, MDASH, P_OPEN);
			else if (k == 2 && !xn)
				put(t, NDASH, P_OPEN);
			else if (k == 1 && spaced)
				put(t, NDASH, P_OPEN);
			else {
				buf_put(t->out, s + i, (size_t)k);
				t->prev = P_OPEN;
				t->last[0] = t->last[1] = 0;
			}
			i += (size_t)k;
			continue;
		}
		if (u == '`' && u1 == '`') {
			put(t, LDQUO, P_OPEN);
			t->open_double = 1;
			i += 2;
			continue;
		}
		if (u == '"') {
			if (t->prev == P_DIGIT && !t->open_double)
				put(t, DPRIME, P_WORD);
			else if (opens(t) && u1 != U_END && !is_space(u1)) {
				put(t, LDQUO, P_OPEN);
				t->open_double = 1;
			} else {
				put(t, RDQUO, P_WORD);
				t->open_double = 0;
			}
			i += len;
			continue;
		}
		if (u == '\'' && u1 == '\'' && !opens(t)) {
			put(t, RDQUO, P_WORD); /* '' closes a `` */
			t->open_double = 0;
			i += 2;
			continue;
		}
		if (u == '\'') {
			if (opens(t)) {
				int u2 = ahead(s, n, i, html, 2), u3 = ahead(s, n, i, html, 3);
				if (is_digit(u1) && is_digit(u2) && u3 == '\'') {
					/* '99' */
					put(t, RSQUO, P_DIGIT);
					buf_put(t->out, s + i + len, 2);
					buf_puts(t->out, RSQUO);
					size_t l3;
					unit(s, n, i + len + 2, html, &l3);
					i += len + 2 + l3;
					t->prev = P_WORD;
					continue;
				}
				if ((is_digit(u1) && is_digit(u2) && !is_digit(u3)) ||
				    (u1 == 'n' && u2 == '\'' && (u3 == U_END || is_space(u3))) ||
				    (u1 < 0x80 && clipped_word(s, n, i + len))) {
					put(t, RSQUO, P_WORD); /* '90s, 'tis */
				} else if (u1 != U_END && !is_space(u1)) {
					put(t, LSQUO, P_OPEN);
					t->open_single = 1;
				} else {
					put(t, RSQUO, P_WORD);
				}
			} else if (t->prev == P_DIGIT && !t->open_single && !is_alpha(u1)) {
				put(t, PRIME, P_WORD); /* 5'10" */
			} else {
				/* an apostrophe (don't, 1980's) or a closing quote */
				if (!is_alpha(u1))
					t->open_single = 0;
				put(t, RSQUO, P_WORD);
			}
			i += len;
			continue;
		}
		buf_put(t->out, s + i, len);
		t->prev = class_of(u);
		t->last[0] = t->last[1];
		t->last[1] = u < 0x80 ? (char)(u >= 'A' && u <= 'Z' ? u - 'A' + 'a' : u) : 0;
		if (u == U_OTHER && len > 1 && s[i] == '&')
			t->last[1] = 0;
		i += len;
	}
}

void typography_text(struct buf *out, const char *s, size_t n)
{
	struct typo t = {.out = out, .prev = P_START};
	run(&t, s, n, 0);
}

/* Elements whose text is never touched, and those that begin a new block
** (the quote state is forgotten there). */
static int name_in(const char *name, size_t len, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strlen(list[k]) == len && strncmp(list[k], name, len) == 0)
			return 1;
	return 0;
}

static const char *const skip_tags[] = {
	"code", "pre", "kbd", "samp", "tt", "var", "script", "style", "textarea", "svg", "math",
};
static const char *const block_tags[] = {
	"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br",
	"td", "th", "tr", "table", "figure", "figcaption", "section", "article", "aside",
	"header", "footer", "hr", "dd", "dt", "dl", "details", "summary", "caption", "img",
};

void typography_html(struct buf *out, const char *s, size_t n)
{
	struct typo t = {.out = out, .prev = P_START};
	int skip = 0; /* depth inside skipped elements */
	size_t i = 0;
	while (i < n) {
		if (s[i] != '<') {
			size_t e = i;
			while (e < n && s[e] != '<')
				e++;
			if (skip)
				buf_put(out, s + i, e - i);
			else
				run(&t, s + i, e - i, 1);
			i = e;
			continue;
		}
		/* A comment, copied whole. */
		if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			const char *end = NULL;
			for (size_t k = i + 4; k + 3 <= n; k++)
				if (memcmp(s + k, "-->", 3) == 0) {
					end = s + k + 3;
					break;
				}
			size_t e = end ? (size_t)(end - s) : n;
			buf_put(out, s + i, e - i);
			i = e;
			continue;
		}
		/* A tag, copied whole: to its '>', past quoted attribute values. */
		size_t k = i + 1;
		int closing = k < n && s[k] == '/';
		if (closing)
			k++;
		size_t name = k;
		char lower[16];
		size_t nl = 0;
		while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
		                 (s[k] >= '0' && s[k] <= '9'))) {
			if (nl < sizeof lower)
				lower[nl++] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a' : s[k]);
			k++;
		}
		if (k == name) {
			/* a lone '<' in text (should be &lt;): text */
			if (!skip)
				run(&t, "<", 1, 1);
			else
				buf_putc(out, '<');
			i++;
			continue;
		}
		char q = 0;
		while (k < n && (q || s[k] != '>')) {
			if (q && s[k] == q)
				q = 0;
			else if (!q && (s[k] == '"' || s[k] == '\''))
				q = s[k];
			k++;
		}
		size_t e = k < n ? k + 1 : n;
		buf_put(out, s + i, e - i);
		int self_closing = e >= 2 && s[e - 2] == '/';
		if (nl < sizeof lower && name_in(lower, nl, skip_tags, sizeof skip_tags / sizeof *skip_tags)) {
			if (closing && skip)
				skip--;
			else if (!closing && !self_closing)
				skip++;
		}
		if (nl < sizeof lower &&
		    name_in(lower, nl, block_tags, sizeof block_tags / sizeof *block_tags)) {
			t.prev = P_START;
			t.open_double = t.open_single = 0;
			t.last[0] = t.last[1] = 0;
		}
		i = e;
	}
}

char *typography_text_str(struct arena *a, const char *s)
{
	if (!s)
		return arena_strdup(a, "");
	struct buf b = BUF_INIT;
	typography_text(&b, s, strlen(s));
	char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

char *typography_html_str(struct arena *a, const char *s)
{
	if (!s)
		return arena_strdup(a, "");
	struct buf b = BUF_INIT;
	typography_html(&b, s, strlen(s));
	char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}
