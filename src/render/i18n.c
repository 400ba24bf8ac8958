/*
** i18n.c: the .po parser, the catalogue's hash table, and the plural rules
** (see i18n.h for what is read and why the rules are a table).
**
** The parser reads line by line.  An entry is a run of keyword lines
** (msgctxt, msgid, msgid_plural, msgstr, msgstr[N]) each optionally followed
** by string lines that continue it; it ends at the next msgctxt or msgid
** after a msgstr, at a blank or comment line after a msgstr, or at the end.  Strings
** are unescaped into a growing buffer, then copied into the catalogue's
** arena when the entry is kept.
*/
#include "render/i18n.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PO_MAX_BYTES (4u << 20)
#define PO_MAX_ENTRIES 20000
#define PO_MAX_STRING (64u << 10)

/* ---- plural rules ---- */

struct plural_rule {
	const char *lang;    /* language code without region */
	int nplurals;        /* forms */
	const char *header;  /* the Plural-Forms this row implements */
};

static const struct plural_rule rules[] = {
	{"en", 2, "nplurals=2; plural=(n != 1);"},
	{"de", 2, "nplurals=2; plural=(n != 1);"},
	{"es", 2, "nplurals=2; plural=(n != 1);"},
	{"ar", 6, "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
	          ": n%100>=11 ? 4 : 5);"},
};

static const struct plural_rule *rule_for(const char *lang)
{
	size_t n = lang ? strcspn(lang, "-_") : 0;
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (strlen(rules[i].lang) == n && !memcmp(rules[i].lang, lang, n))
			return &rules[i];
	return &rules[0];
}

int i18n_plural_index(const char *lang, unsigned long n)
{
	const struct plural_rule *r = rule_for(lang);
	if (r->nplurals == 6) { /* Arabic */
		unsigned long h = n % 100;
		return n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : h >= 3 && h <= 10 ? 3 : h >= 11 ? 4 : 5;
	}
	return n != 1;
}

int i18n_nplurals(const char *lang)
{
	return rule_for(lang)->nplurals;
}

const char *i18n_plural_forms(const char *lang)
{
	return rule_for(lang)->header;
}

int i18n_is_rtl(const char *lang)
{
	static const char *const rtl[] = {"ar", "he", "fa", "ur"};
	size_t n = lang ? strcspn(lang, "-_") : 0;
	for (size_t i = 0; i < sizeof rtl / sizeof *rtl; i++)
		if (n == 2 && !memcmp(rtl[i], lang, 2))
			return 1;
	return 0;
}

/* ---- the catalogue ---- */

struct entry {
	const char *key;                   /* ctx "\004" msgid, or msgid */
	const char *ctx;                   /* context, or NULL */
	const char *msgid;                 /* the English text */
	const char *plural;                /* msgid_plural, or NULL */
	const char *forms[I18N_MAX_FORMS]; /* msgstr or msgstr[0..] */
	int n_forms;                       /* entries used in forms */
};

struct catalog {
	struct arena *a;         /* every string and entry */
	char lang[16];           /* as given to catalog_parse */
	struct entry **slots;    /* open addressing, n_slots long, NULL = free */
	size_t n_slots;          /* a power of two */
	size_t n;                /* entries held */
};

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct entry **slot_of(const struct catalog *c, const char *key)
{
	size_t i = hash(key) & (c->n_slots - 1);
	while (c->slots[i] && strcmp(c->slots[i]->key, key))
		i = (i + 1) & (c->n_slots - 1);
	return &c->slots[i];
}

static void grow(struct catalog *c)
{
	struct entry **old = c->slots;
	size_t n_old = c->n_slots;
	c->n_slots = n_old ? n_old * 2 : 64;
	c->slots = mem_calloc(c->n_slots, sizeof *c->slots);
	for (size_t i = 0; i < n_old; i++)
		if (old[i])
			*slot_of(c, old[i]->key) = old[i];
	free(old);
}

static const struct entry *find(const struct catalog *c, const char *ctx, const char *msgid)
{
	if (!c || !c->n || !msgid)
		return NULL;
	char small[256];
	const char *key = msgid;
	char *big = NULL;
	if (ctx) {
		size_t n = strlen(ctx) + 1 + strlen(msgid) + 1;
		char *k = n <= sizeof small ? small : (big = mem_alloc(n));
		snprintf(k, n, "%s\004%s", ctx, msgid);
		key = k;
	}
	const struct entry *e = *slot_of(c, key);
	free(big);
	return e;
}

const char *catalog_get(const struct catalog *c, const char *ctx, const char *msgid)
{
	const struct entry *e = find(c, ctx, msgid);
	return e && !e->plural ? e->forms[0] : NULL;
}

const char *catalog_getn(const struct catalog *c, const char *msgid, const char *plural,
                         unsigned long n)
{
	const struct entry *e = find(c, NULL, msgid);
	if (!e || !e->plural || strcmp(e->plural, plural))
		return NULL;
	int k = i18n_plural_index(c->lang, n);
	return k < e->n_forms ? e->forms[k] : NULL;
}

const char *catalog_lang(const struct catalog *c)
{
	return c->lang;
}

size_t catalog_count(const struct catalog *c)
{
	return c ? c->n : 0;
}

void catalog_each(const struct catalog *c,
                  void (*fn)(void *data, const char *ctx, const char *msgid,
                             const char *plural, const char *const *forms, int n_forms),
                  void *data)
{
	for (size_t i = 0; c && i < c->n_slots; i++)
		if (c->slots[i])
			fn(data, c->slots[i]->ctx, c->slots[i]->msgid, c->slots[i]->plural,
			   c->slots[i]->forms, c->slots[i]->n_forms);
}

void catalog_free(struct catalog *c)
{
	if (!c)
		return;
	free(c->slots);
	arena_free(c->a);
	free(c);
}

/* ---- the parser ---- */

enum field { F_NONE, F_CTX, F_ID, F_PLURAL, F_STR };

struct parser {
	struct catalog *c;        /* being filled */
	const char *err_prefix;   /* unused */
	char *err;                /* the message, err[errlen] */
	size_t errlen;            /* bytes in err */
	int line;                 /* the line being read, from 1 */
	struct buf s[3 + I18N_MAX_FORMS]; /* ctx, id, plural, forms */
	int has[3 + I18N_MAX_FORMS];      /* which of s were given */
	enum field cur;           /* what a continuation line adds to */
	int cur_form;             /* which form, when cur is F_STR */
	int fuzzy;                /* "#, fuzzy" before this entry */
	int seen_str;             /* a msgstr was read in this entry */
	int plain_str;            /* ... as msgstr */
	int indexed_str;          /* ... as msgstr[N] */
	int n_header;             /* headers read (one allowed) */
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	if (p->err && p->errlen) {
		int k = snprintf(p->err, p->errlen, "line %d: ", p->line);
		if (k > 0 && (size_t)k < p->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

/* Appends the quoted string at s[0..n) (s[0] is '"'; blanks may follow the
** closing quote) to b, unescaped. */
static int read_string(struct parser *p, const char *s, size_t n, struct buf *b)
{
	if (!n || s[0] != '"')
		return perr(p, "a quoted string was expected");
	size_t i = 1;
	for (; i < n && s[i] != '"'; i++) {
		char ch = s[i];
		if (ch == '\\') {
			if (++i >= n)
				break;
			switch (s[i]) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case '"': ch = '"'; break;
			case '\\': ch = '\\'; break;
			default: return perr(p, "unknown escape \\%c", s[i]);
			}
		} else if (ch == 0) {
			return perr(p, "a NUL byte in a string");
		}
		buf_putc(b, ch);
	}
	if (i >= n)
		return perr(p, "the string does not end");
	for (i++; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return perr(p, "text after the string's closing quote");
	if (b->len > PO_MAX_STRING)
		return perr(p, "a string longer than %u bytes", PO_MAX_STRING);
	return 0;
}

static const char *keep(struct parser *p, int k)
{
	return p->has[k] ? arena_strndup(p->c->a, p->s[k].data ? p->s[k].data : "", p->s[k].len)
	                 : NULL;
}

/* Checks the header's Plural-Forms against the language's row. */
static int check_header(struct parser *p, const char *h)
{
	const char *want = i18n_plural_forms(p->c->lang);
	const char *pf = strstr(h, "Plural-Forms:");
	if (!pf)
		return perr(p, "the header has no Plural-Forms (expected \"%s\")", want);
	pf += strlen("Plural-Forms:");
	const char *w = want;
	for (;;) {
		while (*pf == ' ' || *pf == '\t')
			pf++;
		while (*w == ' ')
			w++;
		if (!*w || *pf == '\n' || !*pf)
			break;
		if (*pf != *w)
			break;
		pf++, w++;
	}
	while (*pf == ' ' || *pf == '\t')
		pf++;
	if (*w || (*pf && *pf != '\n'))
		return perr(p, "Plural-Forms differs from the rule Byline knows for %s: \"%s\"",
		            p->c->lang, want);
	return 0;
}

/* Ends the entry being read: keeps it if translated and not fuzzy. */
static int flush(struct parser *p)
{
	int any = 0;
	for (int k = 0; k < 3 + I18N_MAX_FORMS; k++)
		any |= p->has[k];
	if (!any)
		goto reset;
	if (!p->has[F_ID - 1])
		return perr(p, "an entry without msgid");
	if (!p->seen_str)
		return perr(p, "an entry without msgstr");
	int n_forms = 0;
	while (n_forms < I18N_MAX_FORMS && p->has[3 + n_forms])
		n_forms++;
	for (int k = n_forms; k < I18N_MAX_FORMS; k++)
		if (p->has[3 + k])
			return perr(p, "msgstr[%d] is missing", n_forms);
	int is_plural = p->has[F_PLURAL - 1];
	if (is_plural ? p->plain_str : p->indexed_str)
		return perr(p, is_plural ? "msgid_plural takes msgstr[N], not msgstr"
		                         : "msgstr[N] without msgid_plural");
	int want = is_plural ? i18n_nplurals(p->c->lang) : 1;
	if (is_plural && n_forms != want)
		return perr(p, "%d plural forms where %s has %d", n_forms, p->c->lang, want);
	if (!p->s[F_ID - 1].len && !p->has[F_CTX - 1]) {
		if (p->n_header++)
			return perr(p, "a second header");
		if (!p->fuzzy && check_header(p, buf_cstr(&p->s[3])))
			return -1;
		goto reset;
	}
	if (p->s[F_ID - 1].len && memchr(p->s[F_ID - 1].data, 0, p->s[F_ID - 1].len))
		return perr(p, "a NUL in msgid");
	int translated = !p->fuzzy;
	for (int k = 0; k < n_forms; k++)
		translated &= p->s[3 + k].len > 0;
	if (translated) {
		if (p->c->n >= PO_MAX_ENTRIES)
			return perr(p, "more than %d entries", PO_MAX_ENTRIES);
		struct entry *e = arena_alloc(p->c->a, sizeof *e);
		memset(e, 0, sizeof *e);
		e->ctx = keep(p, F_CTX - 1);
		e->msgid = keep(p, F_ID - 1);
		e->plural = keep(p, F_PLURAL - 1);
		for (int k = 0; k < n_forms; k++)
			e->forms[k] = keep(p, 3 + k);
		e->n_forms = n_forms;
		e->key = e->ctx ? arena_printf(p->c->a, "%s\004%s", e->ctx, e->msgid) : e->msgid;
		if ((p->c->n + 1) * 2 > p->c->n_slots)
			grow(p->c);
		struct entry **s = slot_of(p->c, e->key);
		if (*s)
			return perr(p, "msgid \"%.60s\" appears twice", e->msgid);
		*s = e;
		p->c->n++;
	}
reset:
	for (int k = 0; k < 3 + I18N_MAX_FORMS; k++) {
		buf_reset(&p->s[k]);
		p->has[k] = 0;
	}
	p->cur = F_NONE;
	p->fuzzy = 0;
	p->seen_str = 0;
	p->plain_str = 0;
	p->indexed_str = 0;
	return 0;
}

static int keyword(struct parser *p, const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum field f;
	} words[] = {{"msgctxt", F_CTX}, {"msgid_plural", F_PLURAL}, {"msgid", F_ID}, {"msgstr", F_STR}};
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		size_t k = strlen(words[w].word);
		if (n < k || memcmp(s, words[w].word, k))
			continue;
		int form = 0;
		enum field f = words[w].f;
		if (f == F_STR && k < n && s[k] == '[') {
			size_t j = k + 1;
			if (j >= n || s[j] < '0' || s[j] > '9' || j + 1 >= n || s[j + 1] != ']')
				return perr(p, "msgstr[N] with N from 0 to %d expected", I18N_MAX_FORMS - 1);
			form = s[j] - '0';
			if (form >= I18N_MAX_FORMS)
				return perr(p, "msgstr[%d]: at most %d forms", form, I18N_MAX_FORMS);
			k = j + 2;
		} else if (k < n && s[k] != ' ' && s[k] != '\t') {
			continue; /* msgid_plural tested before msgid */
		}
		if ((f == F_CTX || f == F_ID) && p->seen_str && flush(p))
			return -1;
		if (f == F_STR) {
			p->seen_str = 1;
			if (k > strlen("msgstr")) /* msgstr[N]: k moved past the ']' */
				p->indexed_str = 1;
			else
				p->plain_str = 1;
		}
		int slot = f == F_STR ? 3 + form : (int)f - 1;
		if (p->has[slot])
			return perr(p, "%s given twice in one entry", words[w].word);
		if (f == F_ID && p->has[F_ID - 1])
			return perr(p, "msgid given twice");
		p->has[slot] = 1;
		p->cur = f;
		p->cur_form = form;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		return read_string(p, s + k, n - k, &p->s[slot]);
	}
	return perr(p, "unknown keyword");
}

struct catalog *catalog_parse(const char *src, size_t len, const char *lang,
                              char *err, size_t errlen)
{
	struct parser p;
	memset(&p, 0, sizeof p);
	p.err = err;
	p.errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	struct catalog *c = mem_calloc(1, sizeof *c);
	c->a = arena_new();
	snprintf(c->lang, sizeof c->lang, "%s", lang ? lang : "en");
	grow(c);
	p.c = c;
	for (int k = 0; k < 3 + I18N_MAX_FORMS; k++)
		buf_init(&p.s[k]);
	int rc = 0;
	if (len > PO_MAX_BYTES)
		rc = perr(&p, "the file is larger than %u bytes", PO_MAX_BYTES);
	size_t at = 0;
	/* A UTF-8 byte order mark is allowed and skipped. */
	if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
		at = 3;
	while (rc == 0 && at < len) {
		p.line++;
		const char *nl = memchr(src + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (src + at)) : len - at;
		const char *s = src + at;
		at += n + (nl != NULL);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		if (n == 0) { /* a blank line after a msgstr ends the entry */
			if (p.seen_str && (rc = flush(&p)))
				break;
			continue;
		}
		if (s[0] == '#') {
			if (n >= 2 && s[1] == '~') /* obsolete entries are ignored */
				continue;
			if (p.seen_str && (rc = flush(&p)))
				break;
			if (n >= 2 && s[1] == ',') {
				const char *f = memmem(s, n, "fuzzy", 5);
				if (f)
					p.fuzzy = 1;
			}
			continue;
		}
		if (s[0] == '"') {
			if (p.cur == F_NONE) {
				rc = perr(&p, "a string outside any entry");
				break;
			}
			int slot = p.cur == F_STR ? 3 + p.cur_form : (int)p.cur - 1;
			rc = read_string(&p, s, n, &p.s[slot]);
			continue;
		}
		rc = keyword(&p, s, n);
	}
	if (rc == 0)
		rc = flush(&p);
	if (rc == 0 && !p.n_header)
		rc = perr(&p, "no header entry (msgid \"\") with Plural-Forms");
	for (int k = 0; k < 3 + I18N_MAX_FORMS; k++)
		buf_free(&p.s[k]);
	if (rc) {
		catalog_free(c);
		return NULL;
	}
	return c;
}
