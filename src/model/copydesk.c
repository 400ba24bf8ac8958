/*
** copydesk.c: the copy desk's checks over an article's text (copydesk.h).
**
** The body is first made prose (copydesk_prose(): Markdown and HTML markup
** blanked in a copy of the same length, link addresses collected), then cut
** into tokens (words and numbers with their sentence and paragraph), and
** each check reads the tokens or the prose.  Everything is linear in the
** text except the repeated-phrase check, which compares each word with the
** next PHRASE_WINDOW words of its sentence.
**
** The rules lean towards silence: a check that cannot tell a mistake from a
** choice (a capitalised word the dictionary lacks is most often a name; a
** straight single quote is most often an apostrophe) says nothing.  The
** fixtures in tests/fixtures/copydesk/ measure what that costs and gains.
*/
#include "model/copydesk.h"
#include "core/arena.h"
#include "core/utf8.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *const copydesk_kinds[] = {
    "spelling", "repeated-word", "repeated-phrase", "quotes", "brackets", "glued-date",
    "weekday", "future-date", "headline-length", "standfirst", "photo", "link-404",
    "link-http", "link-staging", NULL,
};

#define PHRASE_WINDOW 14 /* words between two uses of a phrase in one sentence */
#define MAX_LINKS 2000   /* links read from one body */
#define SPELL_BUDGET 150 /* unknown words weighed per field (hunspell's suggestions
                            take about 15 ms each); past it, no more are checked */

/* ---- findings ---- */

struct fvec {
	struct arena *a;
	struct finding *v; /* findings so far */
	size_t n, cap;     /* used, allocated */
};

static void add(struct fvec *f, const char *field, size_t off, size_t len, const char *kind,
                const char *words, const char *message)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct finding *v = arena_alloc(f->a, cap * sizeof *v);
		if (f->n)
			memcpy(v, f->v, f->n * sizeof *v);
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n++] = (struct finding){field, off, len, kind, words, message};
}

/* ---- characters ---- */

/* The code point at s[i] (of n) and its length in *len; a byte that does
** not start valid UTF-8 reads as itself. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (want == 1 || i + want > n) {
		*len = 1;
		return c;
	}
	uint32_t cp = c & (0xFF >> (want + 1));
	for (size_t k = 1; k < want; k++) {
		unsigned char cc = (unsigned char)s[i + k];
		if ((cc & 0xC0) != 0x80) {
			*len = 1;
			return c;
		}
		cp = cp << 6 | (cc & 0x3F);
	}
	*len = want;
	return cp;
}

/* Letters: ASCII ones and the letters of other scripts (roughly: what is
** not punctuation, symbols or spaces). */
static int is_letter_cp(uint32_t cp)
{
	if (cp < 0x80)
		return isalpha((int)cp);
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
		return 0;
	if (cp >= 0x2000 && cp < 0x2C00)
		return 0; /* punctuation, symbols, arrows, dingbats */
	if (cp >= 0x3000 && cp < 0x3040)
		return 0;
	if (cp >= 0xFE00 && cp < 0xFF00)
		return 0;
	return 1;
}

/* Capitals of the Latin, Greek and Cyrillic alphabets ("Łódź", "Østergaard"). */
static int is_upper_cp(uint32_t cp)
{
	if (cp < 0x80)
		return isupper((int)cp);
	if (cp >= 0xC0 && cp <= 0xDE)
		return cp != 0xD7;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
		return !(cp & 1);
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp & 1;
	return cp == 0x178 || (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x400 && cp <= 0x42F);
}

#define LQ "\xE2\x80\x9C"  /* “ */
#define RQ "\xE2\x80\x9D"  /* ” */
#define LSQ "\xE2\x80\x98" /* ‘ */
#define RSQ "\xE2\x80\x99" /* ’ */

static int at(const char *s, size_t n, size_t i, const char *what)
{
	size_t l = strlen(what);
	return i + l <= n && !memcmp(s + i, what, l);
}

/* ---- Markdown to prose ---- */

struct link {
	size_t off, len;         /* the address in the source */
	int is_image;            /* ![alt](src) or <img> */
	size_t alt_off, alt_len; /* an image's alt text in the source */
	int has_alt;             /* an alt was written (it may be empty) */
};

struct links {
	struct link *v; /* links in source order */
	size_t n, cap;  /* used, allocated */
};

static void link_add(struct arena *a, struct links *L, size_t off, size_t len, int is_image,
                     size_t alt_off, size_t alt_len, int has_alt)
{
	if (!L || L->n >= MAX_LINKS)
		return;
	if (L->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 16;
		struct link *v = arena_alloc(a, cap * sizeof *v);
		if (L->n)
			memcpy(v, L->v, L->n * sizeof *v);
		L->v = v;
		L->cap = cap;
	}
	L->v[L->n++] = (struct link){off, len, is_image, alt_off, alt_len, has_alt};
}

static void blank(char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != '\n')
			p[i] = ' ';
}

/* The end (one past ')') of a "(address "title")" starting at md[i] == '(',
** with balanced parentheses inside, within [i, end); 0 if none. */
static size_t paren_end(const char *md, size_t i, size_t end)
{
	int depth = 0;
	for (size_t k = i; k < end; k++) {
		if (md[k] == '\\' && k + 1 < end) {
			k++;
			continue;
		}
		if (md[k] == '(')
			depth++;
		else if (md[k] == ')' && --depth == 0)
			return k + 1;
	}
	return 0;
}

/* The ']' matching the '[' at md[i], within the line; 0 if none. */
static size_t bracket_end(const char *md, size_t i, size_t end)
{
	int depth = 0;
	for (size_t k = i; k < end; k++) {
		if (md[k] == '\\' && k + 1 < end) {
			k++;
			continue;
		}
		if (md[k] == '`')
			return 0;
		if (md[k] == '[')
			depth++;
		else if (md[k] == ']' && --depth == 0)
			return k;
	}
	return 0;
}

/* Records the address inside "(url "title")" spanning [open, close). */
static void link_from_parens(struct arena *a, struct links *L, const char *md, size_t open,
                             size_t close, int is_image, size_t alt_off, size_t alt_len)
{
	size_t s = open + 1, e = close - 1;
	while (s < e && (md[s] == ' ' || md[s] == '\t'))
		s++;
	if (s < e && md[s] == '<') {
		s++;
		size_t k = s;
		while (k < e && md[k] != '>')
			k++;
		e = k;
	} else {
		size_t k = s;
		while (k < e && md[k] != ' ' && md[k] != '\t')
			k++;
		e = k;
	}
	link_add(a, L, s, e - s, is_image, alt_off, alt_len, 1);
}

/* The value of attribute name in the tag [s, e), as [*vs, *ve); 0 found. */
static int tag_attr(const char *md, size_t s, size_t e, const char *name, size_t *vs, size_t *ve)
{
	size_t nl = strlen(name);
	for (size_t k = s + 1; k + nl + 1 < e; k++) {
		if (strncasecmp(md + k, name, nl) || md[k + nl] != '=' ||
		    isalnum((unsigned char)md[k - 1]) || md[k - 1] == '-')
			continue;
		size_t v = k + nl + 1;
		char q = md[v];
		if (q == '"' || q == '\'') {
			size_t w = v + 1;
			while (w < e && md[w] != q)
				w++;
			*vs = v + 1;
			*ve = w;
		} else {
			size_t w = v;
			while (w < e && md[w] != ' ' && md[w] != '>')
				w++;
			*vs = v;
			*ve = w;
		}
		return 0;
	}
	return 1;
}

/* Length of a bare address (http://, https://, www.) at md[i], without
** the punctuation that ends a sentence around it; 0 if none. */
static size_t bare_url(const char *md, size_t i, size_t end)
{
	if (!(at(md, end, i, "http://") || at(md, end, i, "https://") || at(md, end, i, "www.")))
		return 0;
	if (i > 0 && (isalnum((unsigned char)md[i - 1]) || md[i - 1] == '/'))
		return 0;
	size_t k = i;
	int depth = 0;
	while (k < end && !isspace((unsigned char)md[k]) && md[k] != '<' && md[k] != '"' &&
	       !(md[k] == ')' && depth == 0)) {
		if ((unsigned char)md[k] == 0xE2)
			break; /* a curly quote or dash after the address */
		if (md[k] == '(')
			depth++;
		if (md[k] == ')')
			depth--;
		k++;
	}
	while (k > i && strchr(".,;:!?'", md[k - 1]))
		k--;
	return k - i;
}

/* Blanks the inline markup of md[s, e) in p, recording links. */
static void prose_inline(struct arena *a, struct links *L, const char *md, char *p, size_t s,
                         size_t e)
{
	/* Where a link's text ends and its "](address)" begins: blanked when
	** the scan reaches it (a link's text may hold an image). */
	size_t close_at[8], close_to[8];
	int n_close = 0;
	for (size_t j = s; j < e;) {
		if (n_close && j == close_at[n_close - 1]) {
			n_close--;
			blank(p, j, close_to[n_close]);
			j = close_to[n_close];
			continue;
		}
		char c = md[j];
		if (c == '\\' && j + 1 < e && ispunct((unsigned char)md[j + 1])) {
			p[j] = ' ';
			j += 2;
			continue;
		}
		if (c == '`') {
			size_t r = 0;
			while (j + r < e && md[j + r] == '`')
				r++;
			size_t k = j + r, found = 0;
			while (k < e) {
				if (md[k] == '`') {
					size_t r2 = 0;
					while (k + r2 < e && md[k + r2] == '`')
						r2++;
					if (r2 == r) {
						found = k + r2;
						break;
					}
					k += r2;
				} else {
					k++;
				}
			}
			size_t to = found ? found : j + r;
			blank(p, j, to);
			j = to;
			continue;
		}
		if ((c == '!' && j + 1 < e && md[j + 1] == '[') || c == '[') {
			int img = c == '!';
			size_t open = img ? j + 1 : j;
			size_t close = bracket_end(md, open, e);
			if (close && close + 1 < e && md[close + 1] == '(') {
				size_t pe = paren_end(md, close + 1, e);
				if (pe) {
					link_from_parens(a, L, md, close + 1, pe, img, open + 1,
					                 close - open - 1);
					if (img) { /* the alt is not prose of the article */
						blank(p, j, pe);
						j = pe;
						continue;
					}
					blank(p, j, open + 1);
					if (n_close < 8) {
						close_at[n_close] = close;
						close_to[n_close] = pe;
						n_close++;
					}
					j = open + 1;
					continue;
				}
			}
			if (close && close + 1 < e && md[close + 1] == '[') {
				size_t re = bracket_end(md, close + 1, e);
				if (re) { /* [text][ref]: the definition holds the address */
					blank(p, j, open + 1);
					if (n_close < 8) {
						close_at[n_close] = close;
						close_to[n_close] = re + 1;
						n_close++;
					}
					j = open + 1;
					continue;
				}
			}
			j++;
			continue;
		}
		if (c == '<') {
			size_t k = j + 1;
			while (k < e && md[k] != '>' && md[k] != '<')
				k++;
			if (k < e && md[k] == '>' && k > j + 1) {
				int tag = isalpha((unsigned char)md[j + 1]) || md[j + 1] == '/' ||
				          md[j + 1] == '!';
				int autolink = memchr(md + j, ':', k - j) || memchr(md + j, '@', k - j);
				if (tag && !memchr(md + j, ' ', k - j) && autolink) {
					link_add(a, L, j + 1, k - j - 1, 0, 0, 0, 0); /* <https://...> */
				} else if (tag) {
					size_t vs, ve, as, ae;
					if (!tag_attr(md, j, k, "href", &vs, &ve))
						link_add(a, L, vs, ve - vs, 0, 0, 0, 0);
					if (!strncasecmp(md + j, "<img", 4) && !tag_attr(md, j, k, "src", &vs, &ve)) {
						int alt = !tag_attr(md, j, k, "alt", &as, &ae);
						link_add(a, L, vs, ve - vs, 1, alt ? as : 0, alt ? ae - as : 0, alt);
					}
				}
				if (tag || autolink) {
					blank(p, j, k + 1);
					j = k + 1;
					continue;
				}
			}
			j++;
			continue;
		}
		if (c == '*' || (c == '~' && j + 1 < e && md[j + 1] == '~')) {
			p[j] = ' ';
			j++;
			continue;
		}
		if (c == '_' && (j == s || !isalnum((unsigned char)md[j - 1]) || j + 1 >= e ||
		                 !isalnum((unsigned char)md[j + 1]))) {
			p[j] = ' ';
			j++;
			continue;
		}
		if (c == '|') {
			p[j] = ' ';
			j++;
			continue;
		}
		size_t u = bare_url(md, j, e);
		if (u) {
			link_add(a, L, j, u, 0, 0, 0, 0);
			blank(p, j, j + u);
			j += u;
			continue;
		}
		/* An email address: blank the whole word around '@'. */
		if (c == '@' && j > s && isalnum((unsigned char)md[j - 1]) && j + 1 < e &&
		    isalnum((unsigned char)md[j + 1])) {
			size_t b = j, f = j;
			while (b > s && !isspace((unsigned char)md[b - 1]) && md[b - 1] != '(')
				b--;
			while (f < e && !isspace((unsigned char)md[f]) && md[f] != ')')
				f++;
			while (f > j && strchr(".,;:!?", md[f - 1]))
				f--;
			blank(p, b, f);
			j = f;
			continue;
		}
		j++;
	}
	while (n_close) { /* a link whose text ran past the line: keep going */
		n_close--;
		blank(p, close_at[n_close], close_to[n_close] < e ? close_to[n_close] : e);
	}
}

static char *prose_links(struct arena *a, const char *md, size_t len, struct links *L)
{
	char *p = arena_alloc(a, len + 1);
	memcpy(p, md, len);
	int in_fence = 0, prev_blank = 1;
	char fence_ch = 0;
	size_t fence_len = 0;
	for (size_t i = 0; i < len;) {
		size_t ls = i, le = i;
		while (le < len && md[le] != '\n')
			le++;
		size_t k = ls, ind = 0;
		while (k < le && (md[k] == ' ' || md[k] == '\t')) {
			ind += md[k] == '\t' ? 4 : 1;
			k++;
		}
		int blank_line = k == le || (k + 1 == le && md[k] == '\r');
		int own_block = 0;
		size_t run = 0;
		while (k + run < le && (md[k + run] == '`' || md[k + run] == '~') &&
		       md[k + run] == md[k])
			run++;
		if (in_fence) {
			blank(p, ls, le);
			if (run >= fence_len && md[k] == fence_ch)
				in_fence = 0;
			own_block = 1;
		} else if (ind < 4 && run >= 3) {
			in_fence = 1;
			fence_ch = md[k];
			fence_len = run;
			blank(p, ls, le);
			own_block = 1;
		} else if (ind >= 4 && prev_blank && !blank_line) {
			blank(p, ls, le); /* indented code */
			own_block = 1;
		} else if (md[k] == '[' && bracket_end(md, k, le) &&
		           bracket_end(md, k, le) + 1 < le && md[bracket_end(md, k, le) + 1] == ':') {
			size_t s = bracket_end(md, k, le) + 2;
			while (s < le && (md[s] == ' ' || md[s] == '\t'))
				s++;
			size_t e = s;
			while (e < le && md[e] != ' ' && md[e] != '\t')
				e++;
			if (s < e && md[s] == '<' && md[e - 1] == '>') {
				s++;
				e--;
			}
			link_add(a, L, s, e - s, 0, 0, 0, 0);
			blank(p, ls, le);
			own_block = 1;
		} else if (!blank_line) {
			while (k < le && md[k] == '>') { /* block quotes */
				p[k++] = ' ';
				while (k < le && md[k] == ' ')
					k++;
			}
			size_t h = 0;
			while (k + h < le && md[k + h] == '#')
				h++;
			size_t d = 0;
			while (k + d < le && isdigit((unsigned char)md[k + d]))
				d++;
			int rule = 1; /* a line of -, =, * or _ only: a rule or an underline */
			for (size_t q = k; q < le; q++)
				if (!strchr("-=*_ \t\r", md[q]))
					rule = 0;
			if (rule && le - k >= 2) {
				blank(p, k, le);
				own_block = 1;
			} else if (h >= 1 && h <= 6 && (k + h == le || md[k + h] == ' ')) {
				blank(p, k, k + h);
				own_block = 1;
			} else if ((md[k] == '-' || md[k] == '*' || md[k] == '+') && k + 1 < le &&
			           md[k + 1] == ' ') {
				p[k] = ' ';
				own_block = 1;
			} else if (d >= 1 && d <= 9 && k + d + 1 < le &&
			           (md[k + d] == '.' || md[k + d] == ')') && md[k + d + 1] == ' ') {
				blank(p, k, k + d + 1);
				own_block = 1;
			} else if (md[k] == '|') {
				own_block = 1;
			}
			prose_inline(a, L, md, p, k, le);
		}
		if (own_block) {
			if (le < len)
				p[le] = '\f';
			if (ls > 0 && p[ls - 1] == '\n')
				p[ls - 1] = '\f';
		}
		prev_blank = blank_line;
		i = le + 1;
	}
	p[len] = 0;
	return p;
}

char *copydesk_prose(struct arena *a, const char *md, size_t len)
{
	return prose_links(a, md, len, NULL);
}

/* ---- tokens ---- */

enum {
	TOK_DIGIT = 1,  /* holds a digit */
	TOK_UPPER = 2,  /* starts with a capital */
	TOK_ALLCAP = 4, /* every letter a capital (two letters or more) */
	TOK_DOT = 8,    /* holds a '.' (U.S., a.m.) */
	TOK_INNERCAP = 16, /* a capital after the first letter (iPhone, McCain) */
	TOK_START = 32, /* first word of a sentence, or after an opening quote or colon */
	TOK_QUOTED = 64, /* a word alone inside quotation marks */
	TOK_ALPHA = 128, /* holds a letter */
};

struct tok {
	size_t off, len; /* in the field */
	int sent, para;  /* sentence and paragraph numbers */
	int flags;       /* TOK_* */
	char *low;       /* lowercased, apostrophes straight */
};

struct toks {
	struct tok *v; /* in text order */
	size_t n;      /* count */
};

static const char *const abbrevs[] = {
    "mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
    "prof", "jr", "sr", "inc", "co", "corp", "ltd", "no", "vs", "etc", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "ave", "rd",
    "rev", "hon", "maj", "adm", "cmdr", "pres", "approx", "dept", "est", "fig", "e.g", "i.e",
    "a.m", "p.m", "u.s", "u.k", "u.n", "op", "vol", "pp", NULL,
};

static int is_abbrev(const struct tok *t)
{
	if (t->len == 1 && (t->flags & TOK_UPPER))
		return 1; /* an initial: John F. Kennedy */
	for (int i = 0; abbrevs[i]; i++)
		if (!strcmp(t->low, abbrevs[i]))
			return 1;
	return 0;
}

/* Lowercases ASCII and makes ’ an apostrophe ('); other bytes kept. */
static char *lower_word(struct arena *a, const char *s, size_t n)
{
	char *o = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (at(s, n, i, RSQ)) {
			o[j++] = '\'';
			i += 2;
			continue;
		}
		o[j++] = (char)tolower((unsigned char)s[i]);
	}
	o[j] = 0;
	return o;
}

static int opens_quote(const char *p, size_t n, size_t i)
{
	return at(p, n, i, LQ) || at(p, n, i, LSQ) ||
	       (p[i] == '"' && (i == 0 || isspace((unsigned char)p[i - 1]) || p[i - 1] == '('));
}

/* Cuts prose p[0, n) into tokens, with sentences and paragraphs. */
static struct toks tokenize(struct arena *a, const char *p, size_t n)
{
	struct toks T = {NULL, 0};
	size_t cap = 0;
	int sent = 0, para = 0;
	int next_start = 1;
	size_t i = 0, last_end = 0;
	while (i < n) {
		size_t l;
		uint32_t cp = cp_at(p, n, i, &l);
		if (!(cp < 0x80 ? isalnum((int)cp) : is_letter_cp(cp))) {
			i += l;
			continue;
		}
		/* The gap since the last token: paragraph or sentence breaks. */
		if (T.n) {
			int nl = 0, brk = 0, colon = 0, quote = 0;
			for (size_t g = last_end; g < i; g++) {
				if (p[g] == '\f')
					brk = 2;
				else if (p[g] == '\n' && ++nl >= 2)
					brk = 2;
				else if (p[g] == '\n')
					;
				else if (!isspace((unsigned char)p[g]))
					nl = 0;
			}
			/* Blank lines made of spaces count as blank. */
			for (size_t g = last_end; g < i && brk < 2; g++) {
				if (p[g] != '\n')
					continue;
				size_t h = g + 1;
				while (h < i && (p[h] == ' ' || p[h] == '\t' || p[h] == '\r'))
					h++;
				if (h < i && p[h] == '\n')
					brk = 2;
			}
			if (brk < 2) {
				struct tok *prev = &T.v[T.n - 1];
				for (size_t g = last_end; g < i; g++) {
					char c = p[g];
					if ((c == '.' || c == '!' || c == '?') && !(g == last_end && c == '.' &&
					                                           is_abbrev(prev)))
						brk = 1;
					if (c == ':')
						colon = 1;
					if (opens_quote(p, i, g))
						quote = 1;
				}
				if (brk == 1) {
					/* "...said. The" ends a sentence; "3.5" or "Jan. 4" does not. */
					int space = 0;
					for (size_t g = last_end; g < i; g++)
						if (isspace((unsigned char)p[g]))
							space = 1;
					if (!space)
						brk = 0;
				}
			}
			if (brk == 2) {
				para++;
				sent++;
				next_start = 1;
			} else if (brk == 1) {
				sent++;
				next_start = 1;
			} else if (colon || quote) {
				next_start = 1;
			}
		}
		/* The token itself. */
		size_t s = i;
		int flags = 0;
		while (i < n) {
			cp = cp_at(p, n, i, &l);
			if (cp < 0x80 ? isalnum((int)cp) : is_letter_cp(cp)) {
				if (cp < 0x80 && isdigit((int)cp))
					flags |= TOK_DIGIT;
				else
					flags |= TOK_ALPHA;
				if (cp < 0x80 && isupper((int)cp) && i > s)
					flags |= TOK_INNERCAP;
				i += l;
				continue;
			}
			/* Joiners: ' ’ - . & between letters or digits. */
			size_t jl = l;
			int joiner = cp == '\'' || cp == 0x2019 || cp == '-' || cp == '.' || cp == '&';
			if (joiner && i + jl < n) {
				size_t l2;
				uint32_t nx = cp_at(p, n, i + jl, &l2);
				if (nx < 0x80 ? isalnum((int)nx) : is_letter_cp(nx)) {
					if (cp == '.')
						flags |= TOK_DOT;
					i += jl;
					continue;
				}
			}
			break;
		}
		if (T.n == cap) {
			cap = cap ? cap * 2 : 256;
			struct tok *v = arena_alloc(a, cap * sizeof *v);
			if (T.n)
				memcpy(v, T.v, T.n * sizeof *v);
			T.v = v;
		}
		struct tok *t = &T.v[T.n++];
		t->off = s;
		t->len = i - s;
		t->sent = sent;
		t->para = para;
		t->low = lower_word(a, p + s, i - s);
		size_t l0;
		if (is_upper_cp(cp_at(p, n, s, &l0)))
			flags |= TOK_UPPER;
		if (flags & TOK_UPPER) {
			int all = 1, letters = 0;
			for (size_t k = s; k < i; k++) {
				if (islower((unsigned char)p[k]))
					all = 0;
				if (isalpha((unsigned char)p[k]))
					letters++;
			}
			if (all && letters >= 2)
				flags |= TOK_ALLCAP;
		}
		if (next_start)
			flags |= TOK_START;
		next_start = 0;
		/* A word alone in quotes: “woke”, "zoomer". */
		size_t b = s;
		while (b > 0 && p[b - 1] == ' ')
			b--;
		int open = (b >= 3 && (at(p, n, b - 3, LQ) || at(p, n, b - 3, LSQ))) ||
		           (b >= 1 && p[b - 1] == '"');
		size_t f = i;
		while (f < n && strchr(",.;:!?", p[f]))
			f++;
		int close = at(p, n, f, RQ) || at(p, n, f, RSQ) || (f < n && p[f] == '"');
		if (open && close)
			flags |= TOK_QUOTED;
		t->flags = flags;
		last_end = i;
	}
	return T;
}

static int tok_is(const struct tok *t, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(t->low, list[i]))
			return 1;
	return 0;
}

/* ---- spelling ---- */

/* Damerau-Levenshtein distance of two short lowercased words, capped at 3. */
static int distance(const char *x, const char *y)
{
	size_t m = strlen(x), n = strlen(y);
	if (m > 40 || n > 40)
		return 3;
	if ((m > n ? m - n : n - m) > 2)
		return 3;
	int d[42][42];
	for (size_t i = 0; i <= m; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= n; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= m; i++)
		for (size_t j = 1; j <= n; j++) {
			int cost = tolower((unsigned char)x[i - 1]) != tolower((unsigned char)y[j - 1]);
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[m][n] > 3 ? 3 : d[m][n];
}

/* The word as the dictionary should see it: apostrophes straight, a
** possessive 's or a plural's trailing apostrophe dropped. */
static char *dict_form(struct arena *a, const char *p, size_t len)
{
	char *w = arena_alloc(a, len + 1);
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		if (at(p, len, i, RSQ)) {
			w[j++] = '\'';
			i += 2;
		} else {
			w[j++] = p[i];
		}
	}
	w[j] = 0;
	if (j > 2 && w[j - 2] == '\'' && (w[j - 1] == 's' || w[j - 1] == 'S'))
		w[j - 2] = 0;
	return w;
}

static int known(const struct copydesk_env *env, struct arena *a, const char *w)
{
	if (env->site_word && env->site_word(env->self, w))
		return 1;
	if (env->word_known(env->self, w))
		return 1;
	(void)a;
	return 0;
}

/* Nationality and language words take no plural s ("Chineses",
** "Japaneses", "Englishs"): a capitalised unknown word made of a known one
** ending so and an s.  Other capitalised unknown words are taken for
** names. */
static int bad_demonym_plural(const struct copydesk_env *env, struct arena *a, const char *w)
{
	size_t n = strlen(w);
	if (n < 5 || w[n - 1] != 's')
		return 0;
	for (int cut = 1; cut <= 2; cut++) {
		char *stem = arena_strndup(a, w, n - (size_t)cut);
		size_t sl = strlen(stem);
		if (cut == 2 && w[n - 2] != 'e')
			continue;
		int demonym = (sl > 3 && !strcmp(stem + sl - 3, "ese")) ||
		              (sl > 3 && !strcmp(stem + sl - 3, "ish")) ||
		              (sl > 2 && !strcmp(stem + sl - 2, "ch"));
		if (demonym && env->word_known(env->self, stem))
			return 1;
	}
	return 0;
}

/* 1 if the word, as written, appears capitalised where a sentence does not
** start (so it is used as a name) anywhere in the tokens. */
static int used_as_name(const struct toks *T, const char *p, const struct tok *t)
{
	for (size_t i = 0; i < T->n; i++) {
		const struct tok *u = &T->v[i];
		if (u != t && !(u->flags & TOK_START) && (u->flags & TOK_UPPER) && u->len == t->len &&
		    !memcmp(p + u->off, p + t->off, t->len))
			return 1;
	}
	return 0;
}

/* Folds the accents of Latin-1 letters away, lowercases: "Cafés" gives "cafes". */
static char *fold(struct arena *a, const char *w)
{
	static const char map[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* U+00E0 .. U+00FF */
	size_t n = strlen(w), k = 0;
	char *o = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n;) {
		size_t l;
		uint32_t cp = cp_at(w, n, i, &l);
		if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7)
			o[k++] = map[(cp | 0x20) - 0xE0];
		else if (l == 1)
			o[k++] = (char)tolower((unsigned char)w[i]);
		else
			for (size_t q = 0; q < l; q++)
				o[k++] = w[i + q];
		i += l;
	}
	o[k] = 0;
	return o;
}

/* A word the dictionary lacks but English allows, judged with the
** dictionary's suggestion sugg (may be NULL): a compound it would split
** ("cordgrass" / "cord grass", "hotline" = hot + line), the plural of a
** word it knows ("flatbreads"), an accented spelling of a word it knows
** ("cafés"). */
static int plausible(const struct copydesk_env *env, struct arena *a, const char *w,
                     const char *sugg)
{
	const char *fw = fold(a, w);
	if (sugg) {
		const char *fs = fold(a, sugg);
		char *joined = arena_alloc(a, strlen(fs) + 1);
		size_t k = 0;
		for (const char *c = fs; *c; c++)
			if (*c != ' ' && *c != '-')
				joined[k++] = *c;
		joined[k] = 0;
		int non_ascii = 0;
		for (const char *c = w; *c; c++)
			non_ascii |= (unsigned char)*c >= 0x80;
		if (!strcmp(joined, fw) && (k < strlen(fs) || non_ascii))
			return 1; /* split or accent-free: the same letters */
		size_t ls = strlen(fs), lw = strlen(fw);
		if (lw == ls + 1 && fw[lw - 1] == 's' && !strncmp(fw, fs, ls))
			return 1;
		if (lw == ls + 2 && !strcmp(fw + ls, "es") && !strncmp(fw, fs, ls))
			return 1;
	}
	/* Two known words, three letters or more each ("hotline"), unless the
	** dictionary knows a word one letter away ("remorsefull": remorseful). */
	if (sugg && distance(fw, fold(a, sugg)) <= 1)
		return 0;
	size_t n = strlen(fw);
	for (size_t cut = 3; n >= 6 && cut + 3 <= n; cut++) {
		char *head = arena_strndup(a, fw, cut);
		if (env->word_known(env->self, head) && env->word_known(env->self, fw + cut))
			return 1;
	}
	return 0;
}

static int has_lower_close_suggestion(const struct copydesk_env *env, struct arena *a,
                                      const char *w)
{
	if (!env->suggest)
		return 0;
	const char *low = lower_word(a, w, strlen(w));
	const char *s = env->suggest(env->self, a, low);
	if (plausible(env, a, low, s))
		return 0;
	if (!s || !islower((unsigned char)s[0]) || distance(low, s) > 1)
		return 0;
	/* A slip inside the word ("Goverment", "Astronomors"); names differ
	** from a word at an end ("Sergey"/"serge", "Trenin"/"renin"). */
	size_t lx = strlen(low), ly = strlen(s), pre = 0, suf = 0;
	while (pre < lx && pre < ly && low[pre] == s[pre])
		pre++;
	while (suf < lx - pre && suf < ly - pre && low[lx - 1 - suf] == s[ly - 1 - suf])
		suf++;
	return pre >= 1 && suf >= 1;
}

/* Prefixes English glues to words at will; alone, they are the first part
** of a hyphenated word ("socio-political"). */
static const char *const prefixes[] = {
    "anti", "counter", "cyber", "eco", "geo", "hyper", "inter", "intra", "macro", "mega",
    "micro", "mid", "mini", "multi", "neo", "non", "over", "pan", "para", "post", "pre",
    "pro", "pseudo", "semi", "socio", "sub", "super", "trans", "ultra", "under", "bio", "co",
    "re", "un", "euro", "agri", "petro", "tele", NULL,
};

/* Checks one word (a part of a hyphenated one) at p[off, off + len). */
static void spell_word(struct fvec *F, const struct copydesk_env *env, const char *field,
                       const char *p, size_t off, size_t len, int flags, const struct toks *T,
                       const struct tok *t, int *budget)
{
	struct arena *a = F->a;
	if (len < 2 || (flags & (TOK_DIGIT | TOK_ALLCAP | TOK_DOT | TOK_INNERCAP | TOK_QUOTED)))
		return;
	for (size_t i = 0; i < len; i++)
		if (p[off + i] == '&')
			return;
	char *w = dict_form(a, p + off, len);
	if (!*w || *budget <= 0 || known(env, a, w))
		return;
	/* O'Brien, rock 'n' roll: try the parts around an apostrophe. */
	if (strchr(w, '\'')) {
		int all = 1;
		char *copy = arena_strdup(a, w), *save = NULL;
		for (char *part = strtok_r(copy, "'", &save); part; part = strtok_r(NULL, "'", &save))
			if (strlen(part) > 1 && !known(env, a, part))
				all = 0;
		if (all)
			return;
	}
	/* A known prefix and a known word: "multipolar", "socio-", "neoliberal". */
	for (int k = 0; prefixes[k]; k++) {
		size_t pl = strlen(prefixes[k]);
		if (strncasecmp(w, prefixes[k], pl))
			continue;
		if (!w[pl] || (strlen(w + pl) >= 3 && known(env, a, w + pl)))
			return;
	}
	int upper = (flags & TOK_UPPER) != 0;
	if (upper && !(flags & TOK_START) && !bad_demonym_plural(env, a, w))
		return; /* a name */
	(*budget)--; /* a suggestion costs milliseconds: a page of gibberish stops here */
	if (upper && (flags & TOK_START)) {
		/* The first word of a sentence: a name, unless it is a common
		** word misspelt (one letter from a lowercase suggestion) and it
		** is never used as a name in the article. */
		if (used_as_name(T, p, t) || !has_lower_close_suggestion(env, a, w))
			return;
	}
	const char *sugg = env->suggest ? env->suggest(env->self, a, w) : NULL;
	if (!(upper && !(flags & TOK_START)) && plausible(env, a, w, sugg))
		return;
	const char *words = arena_strndup(a, p + off, len);
	const char *lang = env->language && *env->language ? env->language : "the language's";
	const char *msg = sugg ? arena_printf(a, "“%s” is not in the %s dictionary or the site's: "
	                                         "did you mean “%s”?", words, lang, sugg)
	                       : arena_printf(a, "“%s” is not in the %s dictionary or the site's.",
	                                      words, lang);
	add(F, field, off, len, "spelling", words, msg);
}

static void check_spelling(struct fvec *F, const struct copydesk_env *env, const char *field,
                           const char *p, const struct toks *T)
{
	if (!env->word_known)
		return;
	int budget = SPELL_BUDGET;
	for (size_t i = 0; i < T->n && budget > 0; i++) {
		const struct tok *t = &T->v[i];
		if (!(t->flags & TOK_ALPHA))
			continue;
		/* Hyphenated words: each part on its own ("well-known"), unless the
		** whole is known. */
		if (memchr(p + t->off, '-', t->len)) {
			char *w = dict_form(F->a, p + t->off, t->len);
			if (known(env, F->a, w))
				continue;
			size_t s = t->off, end = t->off + t->len;
			for (size_t k = t->off; k <= end; k++) {
				if (k == end || p[k] == '-') {
					int fl = t->flags & ~(TOK_DIGIT | TOK_INNERCAP | TOK_ALLCAP | TOK_UPPER);
					for (size_t q = s; q < k; q++)
						if (isdigit((unsigned char)p[q]))
							fl |= TOK_DIGIT;
					if (k > s && isupper((unsigned char)p[s]))
						fl |= TOK_UPPER;
					if (s != t->off)
						fl &= ~TOK_START;
					spell_word(F, env, field, p, s, k - s, fl, T, t, &budget);
					s = k + 1;
				}
			}
			continue;
		}
		spell_word(F, env, field, p, t->off, t->len, t->flags, T, t, &budget);
	}
}

/* ---- repeated words and phrases ---- */

/* Words that may rightly come twice in a row: "what it is is", "had had". */
static const char *const doubles_ok[] = {
    "had", "that", "is", "was", "do", "does", "bye", "ha", "no", "so", "very", "yes", NULL,
};

static void check_repeats(struct fvec *F, const char *field, const char *p, const struct toks *T)
{
	size_t flagged = 0; /* the last token of the last finding: "the the the" is one */
	for (size_t i = 1; i < T->n; i++) {
		if (flagged && flagged == i - 1) {
			flagged = i;
			continue;
		}
		const struct tok *x = &T->v[i - 1], *y = &T->v[i];
		if (x->para != y->para || !(x->flags & TOK_ALPHA) || strcmp(x->low, y->low))
			continue;
		int only_space = 1;
		for (size_t g = x->off + x->len; g < y->off; g++)
			if (!isspace((unsigned char)p[g]))
				only_space = 0;
		if (!only_space || (y->flags & TOK_UPPER) || tok_is(x, doubles_ok))
			continue;
		const char *words = arena_strndup(F->a, p + x->off, y->off + y->len - x->off);
		flagged = i;
		add(F, field, x->off, y->off + y->len - x->off, "repeated-word", words,
		    arena_printf(F->a, "“%s” is written twice.", arena_strndup(F->a, p + y->off, y->len)));
	}
}

static const char *const stopwords[] = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or",
    "but", "as", "is", "was", "are", "were", "be", "been", "it", "its", "this", "that",
    "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our",
    "my", "your", "not", "no", "so", "than", "then", "there", "here", "which", "who", "whom",
    "whose", "what", "when", "where", "why", "how", "up", "out", "into", "over", "under",
    "about", "after", "before", "also", "only", "just", "more", "most", "very", "can",
    "could", "would", "should", "will", "may", "might", "must", "has", "have", "had", "do",
    "does", "did", "said", "says", "one", "two", "per", "cent", "percent", "all", "some",
    "each", "other", "s", "if", "them", "him", "me", "us", "said", "told", NULL,
};

static const char *const time_words[] = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "quarter", "quarters",
    "today", "yesterday", "tomorrow", "season", "decade", "century", "hour", "hours",
    "morning", "afternoon", "evening", "night", "weekend", "spring", "summer", "autumn",
    "fall", "winter", "ago", "earlier", "later", NULL,
};

static int month_of(const char *low);
static int weekday_of(const char *low);

/* A phrase of two words or more used twice in one sentence, a few words
** apart, when the phrase says something (not only stop words, not
** numbers): "last year, up 26 percent from last year". */
static void check_phrases(struct fvec *F, const char *field, const char *p, const struct toks *T)
{
	size_t last_flag_sent = (size_t)-1;
	for (size_t i = 0; i + 1 < T->n; i++) {
		if ((size_t)T->v[i].sent == last_flag_sent)
			continue;
		for (size_t j = i + 2; j + 1 < T->n && j <= i + 2 + PHRASE_WINDOW; j++) {
			if (T->v[j + 1].sent != T->v[i].sent)
				break;
			size_t m = 0;
			while (j + m < T->n && i + m < j && T->v[j + m].sent == T->v[i].sent &&
			       !strcmp(T->v[i + m].low, T->v[j + m].low))
				m++;
			if (m < 2)
				continue;
			/* Trim stop words at either end; what is left must be two
			** words or more with a letter in each. */
			size_t s = 0, e = m;
			while (s < e && tok_is(&T->v[i + s], stopwords))
				s++;
			while (e > s && tok_is(&T->v[i + e - 1], stopwords))
				e--;
			if (e <= s)
				continue;
			int letters = 1;
			for (size_t k = s; k < e; k++)
				if (!(T->v[i + k].flags & TOK_ALPHA) || (T->v[i + k].flags & TOK_DIGIT))
					letters = 0;
			if (!letters)
				continue;
			/* The repeat that adds nothing is a time frame said twice
			** ("last year ... from last year") or a long phrase; two
			** words of a name or a thing ("car park ... the multi-storey
			** car park") are how English refers back. */
			int timely = 0;
			for (size_t k = 0; k < m && !timely; k++)
				timely = tok_is(&T->v[i + k], time_words) || month_of(T->v[i + k].low) ||
				         weekday_of(T->v[i + k].low) >= 0;
			if (!timely && e - s < 3)
				continue;
			if (timely)
				s = 0, e = m; /* "this year": the whole phrase */
			/* "the first week of September, not the first week of
			** November": the phrase goes on to say something new. */
			if (j + m < T->n && T->v[j + m].sent == T->v[j].sent) {
				int joined = 1;
				for (size_t g = T->v[j + m - 1].off + T->v[j + m - 1].len; g < T->v[j + m].off; g++)
					if (!isspace((unsigned char)p[g]))
						joined = 0;
				if (joined)
					continue;
			}
			const struct tok *first = &T->v[j + s], *last = &T->v[j + e - 1];
			size_t off = first->off, len = last->off + last->len - first->off;
			const char *words = arena_strndup(F->a, p + off, len);
			add(F, field, off, len, "repeated-phrase", words,
			    arena_printf(F->a, "“%s” is repeated within one sentence: the second "
			                       "adds nothing?", words));
			last_flag_sent = (size_t)T->v[i].sent;
			break;
		}
	}
}

/* ---- quotation marks and brackets ---- */

/* The paragraphs of prose p: [start, end) pairs, written to out (max). */
static size_t paragraphs(const char *p, size_t n, size_t (*out)[2], size_t max)
{
	size_t k = 0, s = 0;
	for (size_t i = 0; i <= n; i++) {
		int end = i == n || p[i] == '\f';
		if (!end && p[i] == '\n') {
			size_t h = i + 1;
			while (h < n && (p[h] == ' ' || p[h] == '\t' || p[h] == '\r'))
				h++;
			end = h < n && p[h] == '\n';
		}
		if (!end)
			continue;
		size_t b = s;
		while (b < i && isspace((unsigned char)p[b]))
			b++;
		if (b < i && k < max) {
			out[k][0] = b;
			out[k][1] = i;
			k++;
		}
		s = i + 1;
	}
	return k;
}

static void check_pairs(struct fvec *F, const char *field, const char *p, size_t n)
{
	size_t maxp = n / 2 + 2;
	size_t (*pv)[2] = arena_alloc(F->a, sizeof(size_t[2]) * maxp);
	size_t np = paragraphs(p, n, pv, maxp);
	for (size_t k = 0; k < np; k++) {
		size_t s = pv[k][0], e = pv[k][1];
		/* The next paragraph opening with a quote continues this one's
		** quotation (the newspaper convention for a long quote). */
		int next_opens = 0, next_opens_straight = 0;
		if (k + 1 < np) {
			size_t ns = pv[k + 1][0];
			next_opens = at(p, n, ns, LQ) || at(p, n, ns, LSQ);
			next_opens_straight = p[ns] == '"';
		}
		size_t dq_open = 0, sq_open = 0, straight_at = 0;
		int dq = 0, sq = 0, straight = 0;
		size_t stack[64];
		char stackc[64];
		int depth = 0;
		for (size_t i = s; i < e; i++) {
			if (at(p, n, i, LQ)) {
				if (dq) /* a second opening before a closing */
					add(F, field, dq_open, 3, "quotes", LQ,
					    "This opening quotation mark “ is not closed before the next one opens.");
				dq = 1;
				dq_open = i;
				i += 2;
			} else if (at(p, n, i, RQ)) {
				if (!dq)
					add(F, field, i, 3, "quotes", RQ,
					    "This closing quotation mark ” has no opening “.");
				dq = 0;
				i += 2;
			} else if (at(p, n, i, LSQ)) {
				int in_word = i > s && isalpha((unsigned char)p[i - 1]);
				int before_digit = i + 3 < e && isdigit((unsigned char)p[i + 3]);
				if (in_word)
					add(F, field, i, 3, "quotes", LSQ,
					    "An opening single quote ‘ inside a word: an apostrophe is ’.");
				else if (!before_digit) {
					sq = 1;
					sq_open = i;
				}
				i += 2;
			} else if (at(p, n, i, RSQ)) {
				/* Closes a single quote if one is open and no letter
				** follows (else an apostrophe: don’t, officers’). */
				int letter_after = i + 3 < e && isalpha((unsigned char)p[i + 3]);
				if (sq && !letter_after)
					sq = 0;
				i += 2;
			} else if (p[i] == '"') {
				int inch = i > s && isdigit((unsigned char)p[i - 1]);
				/* A quote that opens (after a space, before a word) where
				** one should close: the open one before it was not closed. */
				int opening = (i == s || isspace((unsigned char)p[i - 1]) || p[i - 1] == '(' ||
				               p[i - 1] == '[') && i + 1 < e && !isspace((unsigned char)p[i + 1]);
				if (inch) {
				} else if (!straight) {
					straight = 1;
					straight_at = i;
				} else if (opening) {
					add(F, field, straight_at, 1, "quotes", "\"",
					    "This straight quotation mark \" is not closed before the next one "
					    "opens.");
					straight_at = i;
				} else {
					straight = 0;
				}
			} else if (p[i] == '(' || p[i] == '[' || p[i] == '{') {
				if (depth < 64) {
					stack[depth] = i;
					stackc[depth] = p[i];
				}
				depth++;
			} else if (p[i] == ')' || p[i] == ']' || p[i] == '}') {
				char want = p[i] == ')' ? '(' : p[i] == ']' ? '[' : '{';
				int smiley = p[i] == ')' && i > s && (p[i - 1] == ':' || p[i - 1] == ';');
				if (smiley)
					continue;
				if (depth == 0 || (depth <= 64 && stackc[depth - 1] != want)) {
					add(F, field, i, 1, "brackets", arena_strndup(F->a, p + i, 1),
					    arena_printf(F->a, "This closing %c has no opening %c.", p[i], want));
					if (depth)
						depth--;
				} else {
					depth--;
				}
			}
		}
		if (dq && !next_opens)
			add(F, field, dq_open, 3, "quotes", LQ,
			    "This opening quotation mark “ is not closed in its paragraph.");
		if (sq && !next_opens)
			add(F, field, sq_open, 3, "quotes", LSQ,
			    "This opening single quote ‘ is not closed in its paragraph.");
		if (straight && !next_opens_straight)
			add(F, field, straight_at, 1, "quotes", "\"",
			    "This straight quotation mark \" has no partner in its paragraph.");
		for (int d = 0; d < depth && d < 64; d++)
			add(F, field, stack[d], 1, "brackets", arena_strndup(F->a, p + stack[d], 1),
			    arena_printf(F->a, "This %c is not closed in its paragraph.", stackc[d]));
	}
}

/* ---- dates ---- */

static const char *const month_names[] = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
};
static const char *const month_abbr[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};
static const char *const weekday_names[] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};
static const char *const month_display[] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
};
static const char *const weekday_display[] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

int copydesk_weekday(int y, int m, int d)
{
	/* Sakamoto's method. */
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* The month (1..12) a word names, full or abbreviated ("Sept"), or 0. */
static int month_of(const char *low)
{
	for (int i = 0; i < 12; i++)
		if (!strcmp(low, month_names[i]) || !strcmp(low, month_abbr[i]))
			return i + 1;
	if (!strcmp(low, "sept"))
		return 9;
	return 0;
}

static int weekday_of(const char *low)
{
	for (int i = 0; i < 7; i++)
		if (!strcmp(low, weekday_names[i]))
			return i;
	return -1;
}

/* A day of the month: "7", "07", "7th". */
static int day_of(const char *low)
{
	char *end;
	long v = strtol(low, &end, 10);
	if (end == low || v < 1 || v > 31)
		return 0;
	if (*end && strcmp(end, "st") && strcmp(end, "nd") && strcmp(end, "rd") && strcmp(end, "th"))
		return 0;
	return (int)v;
}

static int year_of(const char *low)
{
	if (strlen(low) != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)low[i]))
			return 0;
	int y = atoi(low);
	return y >= 1000 && y <= 2999 ? y : 0;
}

/* 1 if the gap between two tokens holds only spaces, commas and a period
** (an abbreviated month's). */
static int date_gap(const char *p, const struct tok *x, const struct tok *y)
{
	for (size_t g = x->off + x->len; g < y->off; g++)
		if (!strchr(" ,.\t\n", p[g]) && !((unsigned char)p[g] == 0xC2 ||
		                                   (unsigned char)p[g] == 0xA0))
			return 0;
	return y->off - (x->off + x->len) <= 4;
}

/* A month glued to its day ("December7", "Jun12,2024") or a day glued to
** its month ("7December"). */
static void check_glued(struct fvec *F, const char *field, const char *p, const struct toks *T)
{
	for (size_t i = 0; i < T->n; i++) {
		const struct tok *t = &T->v[i];
		if (!(t->flags & TOK_DIGIT) || !(t->flags & TOK_ALPHA) || !(t->flags & TOK_UPPER ||
		                                                           isdigit((unsigned char)p[t->off])))
			continue;
		size_t L = strlen(t->low), k = 0;
		while (k < L && isalpha((unsigned char)t->low[k]))
			k++;
		int m = 0, d = 0;
		if (k >= 3 && k < L) { /* letters then digits */
			char *name = arena_strndup(F->a, t->low, k);
			m = month_of(name);
			d = day_of(t->low + k);
		} else if (k == 0) { /* digits then letters */
			size_t q = 0;
			while (q < L && isdigit((unsigned char)t->low[q]))
				q++;
			if (q && q <= 2 && isupper((unsigned char)p[t->off + q])) {
				m = month_of(t->low + q);
				char *num = arena_strndup(F->a, t->low, q);
				d = day_of(num);
			}
		}
		if (!m || !d)
			continue;
		size_t len = t->len;
		/* ",2024" glued on as well. */
		size_t e = t->off + t->len;
		int year = 0;
		if (p[e] == ',' && isdigit((unsigned char)p[e + 1]) && i + 1 < T->n &&
		    T->v[i + 1].off == e + 1 && (year = year_of(T->v[i + 1].low)))
			len = T->v[i + 1].off + T->v[i + 1].len - t->off;
		const char *words = arena_strndup(F->a, p + t->off, len);
		const char *fix = year ? arena_printf(F->a, "%s %d, %d", month_display[m - 1], d, year)
		                       : arena_printf(F->a, "%s %d", month_display[m - 1], d);
		add(F, field, t->off, len, "glued-date", words,
		    arena_printf(F->a, "The month is glued to its day: write “%s”.", fix));
	}
}

/* A date named in the tokens from i: [Weekday,] Month Day[, Year] or
** [Weekday,] Day Month [Year].  Fills the parts (year 0 when absent) and
** returns the number of tokens used, 0 if none. */
struct date_ref {
	int wday;            /* -1 if no weekday */
	int year, month, day; /* year 0 when not written */
	size_t first, last;  /* tokens */
};

static size_t read_date(const char *p, const struct toks *T, size_t i, struct date_ref *d)
{
	memset(d, 0, sizeof *d);
	d->wday = -1;
	size_t k = i;
	if ((T->v[k].flags & TOK_UPPER) && weekday_of(T->v[k].low) >= 0) {
		if (k + 1 >= T->n || !date_gap(p, &T->v[k], &T->v[k + 1]))
			return 0;
		d->wday = weekday_of(T->v[k].low);
		k++;
	}
	if (k + 1 >= T->n)
		return 0;
	int m = (T->v[k].flags & TOK_UPPER) ? month_of(T->v[k].low) : 0;
	if (m && date_gap(p, &T->v[k], &T->v[k + 1]) && day_of(T->v[k + 1].low)) {
		d->month = m;
		d->day = day_of(T->v[k + 1].low);
		k += 2;
	} else if (day_of(T->v[k].low) && date_gap(p, &T->v[k], &T->v[k + 1]) &&
	           (T->v[k + 1].flags & TOK_UPPER) && month_of(T->v[k + 1].low)) {
		d->day = day_of(T->v[k].low);
		d->month = month_of(T->v[k + 1].low);
		k += 2;
	} else {
		return 0;
	}
	if (k < T->n && date_gap(p, &T->v[k - 1], &T->v[k]) && year_of(T->v[k].low))
		d->year = year_of(T->v[k++].low);
	d->first = i;
	d->last = k - 1;
	return k - i;
}

static const char *const past_words[] = {
    "said", "was", "were", "had", "did", "met", "told", "announced", "reported", "took",
    "held", "won", "lost", "died", "signed", "opened", "closed", "ended", "began", "launched",
    "released", "voted", "passed", "happened", "occurred", "arrived", "left", "rose", "fell",
    "went", "came", "became", "agreed", "approved", "rejected", "confirmed", "published",
    "killed", "found", "visited", "returned", "resigned", "elected", "sold", "bought", NULL,
};
static const char *const future_words[] = {
    "will", "would", "shall", "ll", "expected", "expects", "scheduled", "due", "plan", "plans",
    "planned", "planning", "set", "next", "upcoming", "until", "till", "expires",
    "expire", "runs", "starting", "deadline", "intends", "aims",
    "hopes", "promised", "pledged", "vowed", "postponed", "delayed", "moved", "rescheduled",
    "tomorrow", "coming", "takes", "effect", NULL,
};

/* Words that, just before a date, make it a deadline or a span's end. */
static const char *const before_date[] = {
    "by", "before", "from", "until", "till", "through", "to", "starting", NULL,
};

static void check_dates(struct fvec *F, const char *field, const char *p, const struct toks *T,
                        long long ref)
{
	time_t rt = (time_t)ref;
	struct tm tm;
	gmtime_r(&rt, &tm);
	int ref_y = tm.tm_year + 1900, ref_m = tm.tm_mon + 1;
	for (size_t i = 0; i < T->n; i++) {
		struct date_ref d;
		size_t used = read_date(p, T, i, &d);
		if (!used)
			continue;
		int year = d.year;
		if (!year) { /* the year nearest the publication date */
			year = ref_y;
			if (d.month - ref_m > 6)
				year--;
			else if (ref_m - d.month > 6)
				year++;
		}
		const struct tok *a = &T->v[d.first], *b = &T->v[d.last];
		size_t off = a->off, len = b->off + b->len - a->off;
		if (d.day > days_in_month(year, d.month)) {
			add(F, field, off, len, "weekday", arena_strndup(F->a, p + off, len),
			    arena_printf(F->a, "%s has no day %d.", month_display[d.month - 1], d.day));
			i = d.last;
			continue;
		}
		if (d.wday >= 0) {
			int w = copydesk_weekday(year, d.month, d.day);
			if (w != d.wday)
				add(F, field, off, len, "weekday", arena_strndup(F->a, p + off, len),
				    arena_printf(F->a, "%s %d, %d is a %s, not a %s.",
				                 month_display[d.month - 1], d.day, year, weekday_display[w],
				                 weekday_display[d.wday]));
		}
		if (d.year) {
			struct tm dt = {0};
			dt.tm_year = d.year - 1900;
			dt.tm_mon = d.month - 1;
			dt.tm_mday = d.day;
			long long when = (long long)timegm(&dt);
			if (when > ref + 86400) {
				int past = 0, future = 0;
				/* "by March 3, 2027", "until ...": a deadline or a span. */
				if (d.first > 0 && tok_is(&T->v[d.first - 1], before_date))
					future = 1;
				size_t from = d.first, to = d.last;
				while (from > 0 && T->v[from - 1].sent == a->sent)
					from--;
				while (to + 1 < T->n && T->v[to + 1].sent == a->sent)
					to++;
				for (size_t k = from; k <= to; k++) {
					if (tok_is(&T->v[k], past_words))
						past = 1;
					if (tok_is(&T->v[k], future_words))
						future = 1;
				}
				if (past && !future)
					add(F, field, off, len, "future-date", arena_strndup(F->a, p + off, len),
					    arena_printf(F->a, "%s %d, %d is after the publication date, in a "
					                       "sentence told in the past.",
					                 month_display[d.month - 1], d.day, d.year));
			}
		}
		i = d.last;
	}
}

/* ---- links and photos ---- */

/* The host of an absolute address ("https://Host:8080/x" gives "host"),
** lowercased, or NULL for a relative one. */
static char *url_host(struct arena *a, const char *u, const char **scheme_end)
{
	const char *h = NULL;
	if (!strncasecmp(u, "http://", 7))
		h = u + 7;
	else if (!strncasecmp(u, "https://", 8))
		h = u + 8;
	else if (!strncmp(u, "//", 2))
		h = u + 2;
	else if (!strncasecmp(u, "www.", 4))
		h = u;
	if (!h)
		return NULL;
	size_t n = strcspn(h, "/?#:");
	const char *at_sign = memchr(h, '@', n);
	if (at_sign) {
		n -= (size_t)(at_sign + 1 - h);
		h = at_sign + 1;
	}
	char *host = arena_strndup(a, h, n);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (scheme_end)
		*scheme_end = h + n;
	return host;
}

static int host_listed(const char *list, const char *host)
{
	if (!list)
		return 0;
	size_t hl = strlen(host);
	const char *s = list;
	while (*s) {
		s += strspn(s, " ,\t\r\n");
		size_t n = strcspn(s, " ,\t\r\n");
		if (!n)
			break;
		/* host equal to the entry, or a subdomain of it */
		if ((hl == n && !strncasecmp(host, s, n)) ||
		    (hl > n && host[hl - n - 1] == '.' && !strncasecmp(host + hl - n, s, n)))
			return 1;
		s += n;
	}
	return 0;
}

static void check_links(struct fvec *F, const struct copydesk_env *env, const char *md,
                        const struct links *L)
{
	struct arena *a = F->a;
	const char *base_host = env->base_url && *env->base_url ? url_host(a, env->base_url, NULL)
	                                                         : NULL;
	for (size_t i = 0; i < L->n; i++) {
		const struct link *l = &L->v[i];
		if (!l->len)
			continue;
		char *u = arena_strndup(a, md + l->off, l->len);
		if (!strncasecmp(u, "mailto:", 7) || u[0] == '#' || !strncasecmp(u, "tel:", 4))
			continue;
		const char *rest = NULL;
		char *host = url_host(a, u, &rest);
		char *path = NULL;
		if (!host && u[0] == '/' && u[1] != '/')
			path = u;
		else if (host && base_host && !strcmp(host, base_host))
			path = *rest ? arena_strdup(a, rest + strspn(rest, ":0123456789")) : "/";
		if (path && !*path)
			path = "/";
		if (host && host_listed(env->staging_hosts, host))
			add(F, "body", l->off, l->len, "link-staging", u,
			    arena_printf(a, "This link points at %s, a staging host (setting "
			                    "staging_hosts): readers cannot reach it.", host));
		else if (host && !strncasecmp(u, "http://", 7) && env->https_host &&
		         env->https_host(env->self, host))
			add(F, "body", l->off, l->len, "link-http", u,
			    arena_printf(a, "%s serves https: link to https://%s instead.", host, u + 7));
		if (path && path[0] == '/' && env->path_exists) {
			char *clean = arena_strndup(a, path, strcspn(path, "?#"));
			if (!env->path_exists(env->self, clean))
				add(F, "body", l->off, l->len, "link-404", u,
				    arena_printf(a, "This link leads to %s, which this site answers with "
				                    "“not found” (404).", clean));
		}
		if (l->is_image) {
			const char *cap = NULL, *cred = NULL;
			int ours = env->photo_meta && path &&
			           env->photo_meta(env->self, a, path, &cap, &cred) == 0;
			const char *missing[3];
			int nm = 0;
			if (!l->has_alt || !l->alt_len)
				missing[nm++] = "alt text";
			if (ours && (!cap || !*cap))
				missing[nm++] = "caption";
			if (ours && (!cred || !*cred))
				missing[nm++] = "credit";
			if (nm)
				add(F, "body", l->off, l->len, "photo", u,
				    arena_printf(a, "This photo has no %s%s%s%s%s.", missing[0],
				                 nm == 3 ? ", " : nm == 2 ? " or " : "",
				                 nm > 1 ? missing[1] : "", nm == 3 ? " or " : "",
				                 nm == 3 ? missing[2] : ""));
		}
	}
}

/* ---- the whole ---- */

static void check_text(struct fvec *F, const struct copydesk_env *env, const char *field,
                       const char *p, size_t n, long long ref)
{
	struct toks T = tokenize(F->a, p, n);
	check_spelling(F, env, field, p, &T);
	check_repeats(F, field, p, &T);
	check_phrases(F, field, p, &T);
	check_pairs(F, field, p, n);
	check_glued(F, field, p, &T);
	check_dates(F, field, p, &T, ref);
}

static int field_rank(const char *f)
{
	return !strcmp(f, "headline") ? 0 : !strcmp(f, "dek") ? 1 : !strcmp(f, "body") ? 2 : 3;
}

static int by_place(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	int ra = field_rank(a->field), rb = field_rank(b->field);
	if (ra != rb)
		return ra - rb;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return strcmp(a->kind, b->kind);
}

struct finding *copydesk_check(struct arena *a, const struct copydesk_input *in,
                               const struct copydesk_env *env, size_t *n)
{
	struct fvec F = {a, NULL, 0, 0};
	long long ref = in->published_at ? in->published_at : in->now;
	const char *headline = in->headline ? in->headline : "";
	const char *dek = in->dek ? in->dek : "";
	const char *body = in->body ? in->body : "";

	size_t hl = strlen(headline);
	size_t chars = utf8_valid(headline, hl) ? utf8_count(headline, hl) : hl;
	if (chars > COPYDESK_HEADLINE_MAX)
		add(&F, "headline", 0, hl, "headline-length", headline,
		    arena_printf(a, "The headline is %zu characters: search results and social "
		                    "cards cut it at about %d.", chars, COPYDESK_HEADLINE_MAX));
	check_text(&F, env, "headline", headline, hl, ref);

	int blank_dek = 1;
	for (const char *c = dek; *c; c++)
		if (!isspace((unsigned char)*c))
			blank_dek = 0;
	if (blank_dek)
		add(&F, "dek", 0, 0, "standfirst", "",
		    "No standfirst: a sentence under the headline tells readers, search and "
		    "social cards what the article adds.");
	else
		check_text(&F, env, "dek", dek, strlen(dek), ref);

	size_t bl = strlen(body);
	struct links L = {NULL, 0, 0};
	char *prose = prose_links(a, body, bl, &L);
	check_text(&F, env, "body", prose, bl, ref);
	/* Findings point at the body as written, not at its prose copy. */
	for (size_t i = 0; i < F.n; i++)
		if (!strcmp(F.v[i].field, "body") && F.v[i].length)
			F.v[i].words = arena_strndup(a, body + F.v[i].offset, F.v[i].length);
	check_links(&F, env, body, &L);

	if (in->has_featured) {
		const char *missing[3];
		int nm = 0;
		if (!in->featured_alt || !*in->featured_alt)
			missing[nm++] = "alt text";
		if (!in->featured_caption || !*in->featured_caption)
			missing[nm++] = "caption";
		if (!in->featured_credit || !*in->featured_credit)
			missing[nm++] = "credit";
		if (nm)
			add(&F, "featured", 0, 0, "photo", "",
			    arena_printf(a, "The featured photo has no %s%s%s%s%s.", missing[0],
			                 nm == 3 ? ", " : nm == 2 ? " or " : "", nm > 1 ? missing[1] : "",
			                 nm == 3 ? " or " : "", nm == 3 ? missing[2] : ""));
	}
	if (F.n)
		qsort(F.v, F.n, sizeof *F.v, by_place);
	*n = F.n;
	return F.v;
}
