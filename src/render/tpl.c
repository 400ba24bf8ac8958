/*
** tpl.c: the Mustache engine: compiler and renderer.
**
** Compiling (tpl_set_add) runs in passes over a flat token list, because
** Mustache's whitespace rules look both ways along a line and, for blocks,
** across whole elements:
**
**   1. scan    the source becomes tokens: tags, and text split after every
**              newline, so each text token lies within one line.  Set
**              delimiter tags are obeyed here.
**   2. match   opening and closing tags are paired; errors name a line.
**   3. lines   each token learns its line's first and last token, and which
**              of them are not blank text, so "is this tag alone on its
**              line" is two comparisons.
**   4. dedent  blocks with intrinsic indentation (see below) have it removed
**              from the start of each line of their content, outermost
**              first, so inner blocks measure what is left.
**   5. mark    standalone tags and elements: their line's blank text is
**              marked dead and indentation is captured.
**   6. build   live tokens become a tree of nodes: adjacent text is joined
**              into one node, everything is copied into the template's own
**              arena, and the tokens are thrown away.
**
** Rendering walks the tree with everything it needs on the C stack: the
** context stack, the indentation to put at the start of each template line
** (a chain, one link per standalone partial, parent or block), and the
** chain of parent tags whose blocks override ours.  It allocates nothing:
** output goes straight to the caller's buf, names were split at compile
** time, and partials were resolved to their set entries.
**
** Indentation.  A node flagged NF_BOL starts a line of its template and
** gets the current indentation before it; a text node also gets it after
** each newline inside it that is not its last byte.  Interpolated values are
** never indented, as the spec requires.  Inheritance adds two rules, from
** the spec's tests and its non-normative whitespace.md:
**
**   - A block tag at the end of its line (ignoring blanks), when it is an
**     argument (a direct child of a parent tag) or a standalone parameter,
**     has "intrinsic indentation": the blanks starting the next line.  They
**     are stripped from the start of each line of its content.
**   - A standalone parameter block (its opening tag first on its line and
**     its closing tag last on its line, blanks aside) is expanded indented
**     by its intrinsic indentation if it has one, else by the blanks before
**     its opening tag.  Unlike other standalone things, its line keeps its
**     newline when the closing tag is not alone on its own line (the
**     "Standalone block" test).  The indentation applies to the first line
**     of the expansion even when it does not start a line of its template:
**     that node carries NF_FBOL.
**
** Overrides resolve outermost first: a block renders the argument of the
** outermost enclosing parent tag that supplies one.  The argument renders
** with the parent chain that was in force where it was written (the frames
** outside the one that supplied it), so a block can never expand itself.
*/
#include "render/tpl.h"
#include "render/value.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/mem.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_MAX_DEPTH 64           /* partials, parents, overrides inside each other */
#define TPL_MAX_EXPANSIONS 100000  /* partials, parents, overrides in one render */
#define TPL_MAX_STEPS 20000000L    /* section iterations in one render: nested lists
                                   ** with empty bodies write nothing, so the output
                                   ** limit alone cannot end them */
#define TPL_MAX_NEST 100           /* sections, blocks, parents nested in one template */

/* ---------------------------------------------------------------- the tree */

enum node_kind {
	N_TEXT,     /* template text */
	N_VAR,      /* {{x}}, {{{x}}}, {{&x}} */
	N_SECTION,  /* {{#x}}...{{/x}} */
	N_INVERTED, /* {{^x}}...{{/x}} */
	N_PARTIAL,  /* {{>x}} */
	N_PARENT,   /* {{<x}}...{{/x}} */
	N_BLOCK,    /* {{$x}}...{{/x}} outside a parent tag */
	N_TRANS,    /* {{#_}}text{{/_}} in a TPL_TRANSLATE set: str is the msgid */
};

enum {
	NF_BOL = 1,        /* starts a template line: indent before it */
	NF_FBOL = 2,       /* starts a block's content: indent if the block is standalone */
	NF_RAW = 4,        /* N_VAR: triple mustache or ampersand */
	NF_STANDALONE = 8, /* N_PARTIAL, N_PARENT, N_BLOCK: indent by str/len */
};

struct node;

struct arg {
	int id;                   /* the block's name, interned in the set */
	const struct node *nodes; /* its content */
	size_t n_nodes;           /* entries in nodes */
};

struct node {
	unsigned char kind;        /* enum node_kind */
	unsigned char flags;       /* NF_* */
	int id;                    /* N_BLOCK: the block's name, interned */
	const char *str;           /* N_TEXT: the text; else indentation if NF_STANDALONE */
	size_t len;                /* bytes in str */
	const char *const *keys;   /* N_VAR, N_SECTION, N_INVERTED: the dotted name, split */
	size_t n_keys;             /* entries in keys; 0 for "." */
	const struct node *kids;   /* N_SECTION, N_INVERTED: body; N_BLOCK: default */
	size_t n_kids;             /* entries in kids */
	struct tpl_entry *entry;   /* N_PARTIAL, N_PARENT: the template named */
	const struct arg *args;    /* N_PARENT: its blocks */
	size_t n_args;             /* entries in args */
};

/* A named template.  Entries are made on first mention (a partial may be
** named before it is added) and live as long as the set, so nodes can point
** at them; tpl_set_add swaps in new code. */
struct tpl_entry {
	const char *name;         /* NUL-terminated, in the set's arena */
	size_t name_len;          /* bytes in name */
	struct arena *code;       /* owns nodes and their strings; NULL while missing */
	const struct node *nodes; /* the compiled template */
	size_t n_nodes;           /* entries in nodes */
	struct tpl_entry *next;   /* hash chain */
};

struct tpl_set {
	int flags;                   /* TPL_STRICT_RAW or 0 */
	struct arena *a;             /* entries and their names */
	struct tpl_entry **buckets;  /* hash table of entries, n_buckets long */
	size_t n_buckets;            /* a power of two */
	size_t n_entries;            /* entries in the table */
	const char **block_names;    /* interned block names; index is the id */
	size_t n_block_names;        /* entries used in block_names */
	size_t cap_block_names;      /* entries allocated in block_names */
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static struct tpl_entry *entry_find(const struct tpl_set *set, const char *name, size_t n)
{
	struct tpl_entry *e = set->buckets[hash(name, n) & (set->n_buckets - 1)];
	for (; e; e = e->next)
		if (e->name_len == n && memcmp(e->name, name, n) == 0)
			return e;
	return NULL;
}

static struct tpl_entry *entry_get(struct tpl_set *set, const char *name, size_t n)
{
	struct tpl_entry *e = entry_find(set, name, n);
	if (e)
		return e;
	if (set->n_entries + 1 > set->n_buckets / 2) {
		size_t nb = set->n_buckets * 2;
		struct tpl_entry **b = mem_calloc(nb, sizeof *b);
		for (size_t i = 0; i < set->n_buckets; i++) {
			while (set->buckets[i]) {
				struct tpl_entry *x = set->buckets[i];
				set->buckets[i] = x->next;
				size_t k = hash(x->name, x->name_len) & (nb - 1);
				x->next = b[k];
				b[k] = x;
			}
		}
		free(set->buckets);
		set->buckets = b;
		set->n_buckets = nb;
	}
	e = arena_alloc(set->a, sizeof *e);
	e->name = arena_strndup(set->a, name, n);
	e->name_len = n;
	size_t k = hash(name, n) & (set->n_buckets - 1);
	e->next = set->buckets[k];
	set->buckets[k] = e;
	set->n_entries++;
	return e;
}

/* The id of block name s[0..n), interned on first sight.  Ids make the
** render-time override lookup an integer compare. */
static int block_id(struct tpl_set *set, const char *s, size_t n)
{
	for (size_t i = 0; i < set->n_block_names; i++)
		if (strlen(set->block_names[i]) == n && memcmp(set->block_names[i], s, n) == 0)
			return (int)i;
	if (set->n_block_names == set->cap_block_names) {
		size_t cap = set->cap_block_names ? set->cap_block_names * 2 : 16;
		const char **p = mem_realloc(set->block_names, cap * sizeof *p);
		set->block_names = p;
		set->cap_block_names = cap;
	}
	set->block_names[set->n_block_names] = arena_strndup(set->a, s, n);
	return (int)set->n_block_names++;
}

struct tpl_set *tpl_set_new(int flags)
{
	struct tpl_set *set = mem_calloc(1, sizeof *set);
	set->flags = flags;
	set->a = arena_new();
	set->n_buckets = 64;
	set->buckets = mem_calloc(set->n_buckets, sizeof *set->buckets);
	return set;
}

void tpl_set_free(struct tpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_buckets; i++)
		for (struct tpl_entry *e = set->buckets[i]; e; e = e->next)
			arena_free(e->code);
	free(set->buckets);
	free(set->block_names);
	arena_free(set->a);
	free(set);
}

int tpl_set_has(const struct tpl_set *set, const char *name)
{
	const struct tpl_entry *e = entry_find(set, name, strlen(name));
	return e && e->code;
}

/* ------------------------------------------------------------ the compiler */

/* A token.  Tags keep their sigil in `kind`: 'v' for a plain variable, or
** one of # ^ / ! = > < $ & {.  Text has kind 0. */
struct tok {
	const char *s;       /* text (dedent moves it on), or the tag's name */
	size_t n;            /* bytes in s */
	int line;            /* 1-based source line where the token starts */
	char kind;           /* 0 for text, else the sigil */
	unsigned char dead;  /* text removed by a standalone rule */
	unsigned char first; /* first token of its line */
	unsigned char sa;    /* tag is standalone, alone or as an element */
	unsigned char esa;   /* parent or parameter block: the element is standalone */
	unsigned char eol;   /* block opening tag ends its line (intrinsic indentation) */
	int lf, ll;          /* first and last token of this line */
	int fnw, lnw;        /* first and last non-blank token of this line */
	int match;           /* opening <-> closing tag; -1 otherwise */
	int encl;            /* innermost enclosing opening tag, or -1 */
	const char *ind;     /* captured indentation (partial, parent, block) */
	size_t ind_n;        /* bytes in ind */
};

struct comp {
	struct tpl_set *set;  /* where partials and block names are entered */
	struct arena *a;      /* the new template's code arena */
	const char *name;     /* template name, for messages */
	const char *src;      /* NUL-terminated copy of the source, in a */
	size_t len;           /* bytes in src */
	struct tok *toks;     /* the tokens */
	int n_toks;           /* entries used in toks */
	int cap_toks;         /* entries allocated in toks */
	char *err;            /* caller's message buffer, or NULL */
	size_t errlen;        /* bytes in err */
	int pending;          /* build: 1 if the next node starts a line, 2 if it starts block content */
	struct buf text;      /* build: joined text that is not contiguous in src */
};

static int fail(struct comp *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct comp *c, int line, const char *fmt, ...)
{
	if (c->err && c->errlen) {
		int k = snprintf(c->err, c->errlen, "%s:%d: ", c->name, line);
		if (k >= 0 && (size_t)k < c->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static struct tok *tok_push(struct comp *c, char kind, const char *s, size_t n, int line)
{
	if (c->n_toks == c->cap_toks) {
		if (c->cap_toks > INT32_MAX / 4)
			die("template too large");
		int cap = c->cap_toks ? c->cap_toks * 2 : 64;
		struct tok *p = mem_realloc(c->toks, (size_t)cap * sizeof *p);
		c->toks = p;
		c->cap_toks = cap;
	}
	struct tok *t = &c->toks[c->n_toks++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->s = s;
	t->n = n;
	t->line = line;
	t->match = -1;
	t->encl = -1;
	return t;
}

/* Text src[from..to) as one token per line; *line counts the newlines. */
static void scan_text(struct comp *c, size_t from, size_t to, int *line)
{
	while (from < to) {
		const char *nl = memchr(c->src + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - c->src) + 1 : to;
		tok_push(c, 0, c->src + from, end - from, *line);
		if (nl)
			(*line)++;
		from = end;
	}
}

/* Checks a tag's name: one word, and for names looked up in the data,
** dotted parts that are not empty ("." alone is the implicit iterator). */
static int check_name(struct comp *c, char kind, const char *s, size_t n, int line)
{
	if (n == 0)
		return fail(c, line, "empty tag");
	for (size_t i = 0; i < n; i++)
		if (is_blank(s[i]))
			return fail(c, line, "tag name '%.*s' has a space in it", (int)n, s);
	if (strchr("v&{#^", kind) && !(n == 1 && s[0] == '.')) {
		for (size_t i = 0; i < n; i++)
			if (s[i] == '.' && (i == 0 || i == n - 1 || s[i + 1] == '.'))
				return fail(c, line, "bad dotted name '%.*s'", (int)n, s);
	}
	return 0;
}

/* Pass 1: tokens.  Delimiters point into src, which outlives the scan. */
static int scan(struct comp *c)
{
	const char *s = c->src;
	size_t n = c->len;
	const char *ot = "{{", *ct = "}}"; /* current delimiters */
	size_t otn = 2, ctn = 2;
	size_t pos = 0;
	int line = 1;
	while (pos < n) {
		const char *hit = memmem(s + pos, n - pos, ot, otn);
		size_t start = hit ? (size_t)(hit - s) : n;
		scan_text(c, pos, start, &line);
		if (!hit)
			break;
		int tline = line;
		size_t p = start + otn;
		char kind = 'v';
		if (p < n && s[p] == '{') {
			kind = '{';
			p++;
		} else {
			while (p < n && is_blank(s[p]))
				p++;
			if (p < n && s[p] && strchr("#^/!>=&<${", s[p]))
				kind = s[p++];
		}
		/* Find the closing delimiter; { and = tags close with } or = before it. */
		size_t q = p, cend, tend;
		for (;;) {
			const char *h = memmem(s + q, n - q, ct, ctn);
			if (!h && kind == '{')
				return fail(c, tline, "unclosed tag (no '}%.*s' after '%.*s{')",
				            (int)ctn, ct, (int)otn, ot);
			if (!h)
				return fail(c, tline, "unclosed tag (no '%.*s' after '%.*s')",
				            (int)ctn, ct, (int)otn, ot);
			size_t at = (size_t)(h - s);
			if (kind == '{' || kind == '=') {
				char want = kind == '{' ? '}' : '=';
				if (at > p && s[at - 1] == want) {
					cend = at - 1;
					tend = at + ctn;
					break;
				}
				if (kind == '=')
					return fail(c, tline, "set-delimiter tag does not end with '='");
				q = at + 1;
				continue;
			}
			cend = at;
			tend = at + ctn;
			break;
		}
		for (size_t i = start; i < tend; i++)
			if (s[i] == '\n')
				line++;
		/* The tag's content, trimmed. */
		const char *w = s + p;
		size_t wn = cend - p;
		while (wn && is_blank(w[0])) {
			w++;
			wn--;
		}
		while (wn && is_blank(w[wn - 1]))
			wn--;
		if (kind == '!') {
			tok_push(c, '!', w, 0, tline);
		} else if (kind == '=') {
			/* Two words: the new opening and closing delimiters. */
			size_t i = 0;
			while (i < wn && !is_blank(w[i]))
				i++;
			size_t j = i;
			while (j < wn && is_blank(w[j]))
				j++;
			size_t k = j;
			while (k < wn && !is_blank(w[k]))
				k++;
			if (i == 0 || j == i || k == j || k != wn ||
			    memchr(w, '=', i) || memchr(w + j, '=', k - j))
				return fail(c, tline, "bad set-delimiter tag '%.*s'", (int)wn, w);
			ot = w;
			otn = i;
			ct = w + j;
			ctn = k - j;
			tok_push(c, '=', w, 0, tline);
		} else {
			if (check_name(c, kind, w, wn, tline))
				return -1;
			tok_push(c, kind, w, wn, tline);
		}
		pos = tend;
	}
	return 0;
}

static const char *kind_word(char kind)
{
	switch (kind) {
	case '#': return "section";
	case '^': return "inverted section";
	case '<': return "parent";
	default: return "block";
	}
}

/* Pass 2: pairs opening and closing tags, using `encl` as the stack. */
static int match(struct comp *c)
{
	int top = -1, depth = 0;
	for (int i = 0; i < c->n_toks; i++) {
		struct tok *t = &c->toks[i];
		t->encl = top;
		if (t->kind == '#' || t->kind == '^' || t->kind == '<' || t->kind == '$') {
			if (++depth > TPL_MAX_NEST)
				return fail(c, t->line, "sections nested more than %d deep", TPL_MAX_NEST);
			top = i;
		} else if (t->kind == '/') {
			if (top < 0)
				return fail(c, t->line, "closing tag '%.*s' has no opening tag",
				            (int)t->n, t->s);
			struct tok *o = &c->toks[top];
			if (o->n != t->n || memcmp(o->s, t->s, t->n) != 0)
				return fail(c, t->line, "closing tag '%.*s' does not match %s '%.*s' "
				            "opened on line %d", (int)t->n, t->s, kind_word(o->kind),
				            (int)o->n, o->s, o->line);
			o->match = i;
			t->match = top;
			t->encl = o->encl;
			top = o->encl;
			depth--;
		}
	}
	if (top >= 0) {
		struct tok *o = &c->toks[top];
		return fail(c, o->line, "unclosed %s '%.*s'", kind_word(o->kind), (int)o->n, o->s);
	}
	return 0;
}

static int blank_text(const struct tok *t)
{
	if (t->kind != 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (!is_blank(t->s[i]))
			return 0;
	return 1;
}

/* Pass 3: line bounds. */
static void lines(struct comp *c)
{
	int start = 0;
	for (int i = 0; i < c->n_toks; i++) {
		struct tok *t = &c->toks[i];
		int ends = i == c->n_toks - 1 || (t->kind == 0 && t->n && t->s[t->n - 1] == '\n');
		if (!ends)
			continue;
		int fnw = -1, lnw = -1;
		for (int j = start; j <= i; j++) {
			if (!blank_text(&c->toks[j])) {
				if (fnw < 0)
					fnw = j;
				lnw = j;
			}
		}
		for (int j = start; j <= i; j++) {
			struct tok *u = &c->toks[j];
			u->lf = start;
			u->ll = i;
			u->fnw = fnw;
			u->lnw = lnw;
			u->first = j == start;
		}
		start = i + 1;
	}
}

/* Nothing but blanks before / after token i on its line. */
static int alone_before(const struct comp *c, int i)
{
	return c->toks[i].fnw == i;
}

static int alone_after(const struct comp *c, int i)
{
	return c->toks[i].lnw == i;
}

static int is_arg(const struct comp *c, int i)
{
	int e = c->toks[i].encl;
	return e >= 0 && c->toks[e].kind == '<';
}

/* Pass 4: intrinsic indentation.  Token order is outermost first. */
static void dedent(struct comp *c)
{
	for (int i = 0; i < c->n_toks; i++) {
		struct tok *t = &c->toks[i];
		if (t->kind != '$')
			continue;
		int m = t->match;
		if (is_arg(c, i)) {
			t->eol = alone_after(c, i) != 0;
		} else {
			t->esa = alone_before(c, i) && alone_after(c, m);
			t->eol = t->esa && alone_after(c, i);
		}
		if (!t->eol)
			continue;
		/* The closing tag is on a later line, so the next line exists. */
		int next = t->ll + 1;
		const struct tok *u = &c->toks[next];
		size_t k = 0;
		if (u->kind == 0)
			while (k < u->n && (u->s[k] == ' ' || u->s[k] == '\t'))
				k++;
		t->ind = u->s;
		t->ind_n = k;
		if (k == 0)
			continue;
		for (int j = next; j < m; j++) {
			struct tok *v = &c->toks[j];
			if (v->first && v->kind == 0 && v->n >= k && memcmp(v->s, t->ind, k) == 0) {
				v->s += k;
				v->n -= k;
			}
		}
	}
}

/* Marks dead the text of token i's line, except the tag itself. */
static void kill_line(struct comp *c, int i)
{
	struct tok *t = &c->toks[i];
	for (int j = t->lf; j <= t->ll; j++)
		if (c->toks[j].kind == 0)
			c->toks[j].dead = 1;
	t->sa = 1;
}

/* The blank text before tag i on its line, as indentation. */
static void take_indent(struct comp *c, int i)
{
	struct tok *t = &c->toks[i];
	if (t->lf < i) {
		t->ind = c->toks[t->lf].s;
		t->ind_n = c->toks[t->lf].n;
	} else {
		t->ind = "";
		t->ind_n = 0;
	}
}

static void kill_range(struct comp *c, int from, int to)
{
	for (int j = from; j <= to; j++)
		if (c->toks[j].kind == 0)
			c->toks[j].dead = 1;
}

/* Pass 5: standalone tags and elements. */
static void mark(struct comp *c)
{
	for (int i = 0; i < c->n_toks; i++) {
		struct tok *t = &c->toks[i];
		int alone = t->kind && alone_before(c, i) && alone_after(c, i);
		switch (t->kind) {
		case '#': case '^': case '!': case '=':
			if (alone)
				kill_line(c, i);
			break;
		case '>':
			if (alone) {
				take_indent(c, i);
				kill_line(c, i);
			}
			break;
		case '<': {
			int m = t->match;
			if (alone_before(c, i) && alone_after(c, m)) {
				take_indent(c, i);
				kill_range(c, t->lf, i - 1);
				kill_range(c, m + 1, c->toks[m].ll);
				t->sa = 1;
				t->esa = 1;
				c->toks[m].sa = 1;
			} else if (alone) {
				kill_line(c, i);
			}
			break;
		}
		case '$': {
			int m = t->match;
			if (is_arg(c, i)) {
				/* Only what follows matters: what precedes is inside the parent. */
				if (t->eol)
					kill_range(c, i + 1, t->ll);
				t->sa = 1;
			} else if (t->esa) {
				struct tok *e = &c->toks[m];
				if (!t->eol)
					take_indent(c, i); /* else dedent() set the intrinsic one */
				kill_range(c, t->lf, i - 1);
				if (t->eol)
					kill_range(c, i + 1, t->ll);
				t->sa = 1;
				e->sa = 1;
				if (alone_before(c, m)) {
					kill_line(c, m);
				} else {
					/* Blanks after the closing tag go; its newline stays. */
					for (int j = m + 1; j <= e->ll; j++) {
						struct tok *u = &c->toks[j];
						if (j == e->ll && u->n && u->s[u->n - 1] == '\n') {
							size_t nl = u->n >= 2 && u->s[u->n - 2] == '\r' ? 2 : 1;
							u->s += u->n - nl;
							u->n = nl;
						} else {
							u->dead = 1;
						}
					}
				}
			} else if (alone) {
				kill_line(c, i);
			}
			break;
		}
		case '/': {
			int o = t->match;
			char ok = c->toks[o].kind;
			if (ok == '$' && is_arg(c, o)) {
				/* Always standalone, but only blanks before it on a line of
				** the content go; whatever follows is inside the parent. */
				if (t->lf > o && alone_before(c, i))
					kill_range(c, t->lf, i - 1);
				t->sa = 1;
			} else if ((ok == '<' || ok == '$') && c->toks[o].esa) {
				/* done with its opening tag */
			} else if (alone) {
				kill_line(c, i);
			}
			break;
		}
		default:
			break;
		}
	}
}

struct nvec {
	struct node *v; /* nodes */
	size_t n;       /* entries used */
	size_t cap;     /* entries allocated */
};

static struct node *nvec_push(struct nvec *nv)
{
	if (nv->n == nv->cap) {
		size_t cap = nv->cap ? nv->cap * 2 : 8;
		struct node *p = mem_realloc(nv->v, cap * sizeof *p);
		nv->v = p;
		nv->cap = cap;
	}
	struct node *nd = &nv->v[nv->n++];
	memset(nd, 0, sizeof *nd);
	return nd;
}

/* Text being joined into one node. */
struct acc {
	int on;              /* holding text */
	int copied;          /* the text is in comp.text, not contiguous in src */
	const char *s;       /* contiguous text in src */
	size_t n;            /* bytes at s */
	unsigned char flags; /* NF_BOL or NF_FBOL */
};

static unsigned char take_pending(struct comp *c)
{
	unsigned char f = c->pending == 1 ? NF_BOL : c->pending == 2 ? NF_FBOL : 0;
	c->pending = 0;
	return f;
}

static void acc_add(struct comp *c, struct acc *acc, const char *s, size_t n)
{
	if (!acc->on) {
		acc->on = 1;
		acc->copied = 0;
		acc->s = s;
		acc->n = n;
		acc->flags = take_pending(c);
		return;
	}
	c->pending = 0;
	if (!acc->copied && acc->s + acc->n == s) {
		acc->n += n;
		return;
	}
	if (!acc->copied) {
		buf_reset(&c->text);
		buf_put(&c->text, acc->s, acc->n);
		acc->copied = 1;
	}
	buf_put(&c->text, s, n);
}

static void acc_flush(struct comp *c, struct acc *acc, struct nvec *nv)
{
	if (!acc->on)
		return;
	struct node *nd = nvec_push(nv);
	nd->kind = N_TEXT;
	nd->flags = acc->flags;
	if (acc->copied) {
		nd->str = arena_strndup(c->a, c->text.data, c->text.len);
		nd->len = c->text.len;
	} else {
		nd->str = acc->s;
		nd->len = acc->n;
	}
	acc->on = 0;
}

/* Splits a dotted name into keys, allocated in the code arena. */
static void set_keys(struct comp *c, struct node *nd, const struct tok *t)
{
	if (t->n == 1 && t->s[0] == '.')
		return;
	size_t k = 1;
	for (size_t i = 0; i < t->n; i++)
		k += t->s[i] == '.';
	const char **keys = arena_alloc(c->a, k * sizeof *keys);
	size_t from = 0, j = 0;
	for (size_t i = 0; i <= t->n; i++) {
		if (i == t->n || t->s[i] == '.') {
			keys[j++] = arena_strndup(c->a, t->s + from, i - from);
			from = i + 1;
		}
	}
	nd->keys = keys;
	nd->n_keys = k;
}

static int build(struct comp *c, int from, int to, const struct node **out, size_t *n_out);

/* {{#_}}...{{/_}} at token i: the msgid is its text with {{name}} tags kept
** as written.  Only text and escaped variables may stand inside, and the
** text holds no markup ('<' or '&'), so the English output is the source
** text unchanged and a translation can be escaped whole. */
static int build_trans(struct comp *c, int i, struct node *nd)
{
	struct buf id = BUF_INIT;
	int m = c->toks[i].match;
	for (int j = i + 1; j < m; j++) {
		const struct tok *t = &c->toks[j];
		if (t->kind == 0) {
			if (memchr(t->s, '<', t->n) || memchr(t->s, '&', t->n)) {
				buf_free(&id);
				return fail(c, t->line, "translatable text holds markup: '%.*s'",
				            (int)t->n, t->s);
			}
			buf_put(&id, t->s, t->n);
		} else if (t->kind == 'v') {
			buf_printf(&id, "{{%.*s}}", (int)t->n, t->s);
		} else {
			buf_free(&id);
			return fail(c, t->line, "translatable text may hold only {{name}} tags");
		}
	}
	nd->kind = N_TRANS;
	nd->str = arena_strndup(c->a, id.data ? id.data : "", id.len);
	nd->len = id.len;
	buf_free(&id);
	return 0;
}

/* Pass 6: nodes for tokens [from, to), one nesting level; deeper levels
** recurse.  c->pending carries "the next node starts a line" across calls. */
static int build(struct comp *c, int from, int to, const struct node **out, size_t *n_out)
{
	struct nvec nv = {NULL, 0, 0};
	struct acc acc = {0, 0, NULL, 0, 0};
	for (int i = from; i < to; i++) {
		struct tok *t = &c->toks[i];
		if (t->first)
			c->pending = !t->dead;
		if (t->kind == 0) {
			if (!t->dead && t->n)
				acc_add(c, &acc, t->s, t->n);
			continue;
		}
		if (t->kind == '!' || t->kind == '=') {
			if (t->sa)
				c->pending = 0;
			continue;
		}
		acc_flush(c, &acc, &nv);
		struct node *nd = nvec_push(&nv);
		unsigned char bol = take_pending(c);
		if (!t->sa)
			nd->flags = bol;
		int m = t->match;
		switch (t->kind) {
		case 'v': case '&': case '{':
			nd->kind = N_VAR;
			if (t->kind != 'v')
				nd->flags |= NF_RAW;
			set_keys(c, nd, t);
			break;
		case '#': case '^': {
			if (t->kind == '#' && (c->set->flags & TPL_TRANSLATE) && t->n == 1 &&
			    t->s[0] == '_') {
				if (build_trans(c, i, nd))
					goto fail;
				i = m;
				c->pending = 0;
				break;
			}
			const struct node *kids;
			size_t n_kids;
			nd->kind = t->kind == '#' ? N_SECTION : N_INVERTED;
			set_keys(c, nd, t);
			if (build(c, i + 1, m, &kids, &n_kids))
				goto fail;
			nd->kids = kids;
			nd->n_kids = n_kids;
			i = m;
			c->pending = 0;
			break;
		}
		case '>': case '<':
			nd->kind = t->kind == '>' ? N_PARTIAL : N_PARENT;
			nd->entry = entry_get(c->set, t->s, t->n);
			if (t->kind == '>' ? t->sa : t->esa) {
				nd->flags |= NF_STANDALONE;
				nd->str = t->ind;
				nd->len = t->ind_n;
			}
			if (t->kind == '<') {
				size_t n_args = 0;
				for (int j = i + 1; j < m; j++)
					n_args += c->toks[j].kind == '$' && c->toks[j].encl == i;
				struct arg *args = n_args ? arena_alloc(c->a, n_args * sizeof *args) : NULL;
				size_t k = 0;
				for (int j = i + 1; j < m; j++) {
					const struct tok *b = &c->toks[j];
					if (b->kind != '$' || b->encl != i)
						continue;
					args[k].id = block_id(c->set, b->s, b->n);
					c->pending = 2;
					if (build(c, j + 1, b->match, &args[k].nodes, &args[k].n_nodes))
						goto fail;
					k++;
					j = b->match;
				}
				nd->args = args;
				nd->n_args = n_args;
				i = m;
				c->pending = 0;
			}
			break;
		case '$': {
			const struct node *kids;
			size_t n_kids;
			int id = block_id(c->set, t->s, t->n);
			c->pending = 2;
			if (build(c, i + 1, m, &kids, &n_kids))
				goto fail;
			nd->kind = N_BLOCK;
			nd->id = id;
			nd->kids = kids;
			nd->n_kids = n_kids;
			if (t->esa) {
				nd->flags |= NF_STANDALONE;
				nd->str = t->ind;
				nd->len = t->ind_n;
			}
			i = m;
			c->pending = 0;
			break;
		}
		default:
			/* A closing tag at this level cannot happen: match() paired them. */
			fail(c, t->line, "internal error: stray closing tag");
			goto fail;
		}
	}
	acc_flush(c, &acc, &nv);
	struct node *nodes = NULL;
	if (nv.n) {
		nodes = arena_alloc(c->a, nv.n * sizeof *nodes);
		memcpy(nodes, nv.v, nv.n * sizeof *nodes);
	}
	*out = nodes;
	*n_out = nv.n;
	free(nv.v);
	return 0;
fail:
	free(nv.v);
	return -1;
}

int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                char *err, size_t errlen)
{
	struct comp c;
	memset(&c, 0, sizeof c);
	c.set = set;
	c.a = arena_new();
	c.name = name;
	c.src = arena_strndup(c.a, src ? src : "", src ? len : 0);
	c.len = src ? len : 0;
	c.err = err;
	c.errlen = errlen;
	buf_init(&c.text);
	if (err && errlen)
		err[0] = 0;

	const struct node *nodes = NULL;
	size_t n_nodes = 0;
	int rc = scan(&c);
	if (rc == 0)
		rc = match(&c);
	if (rc == 0) {
		lines(&c);
		dedent(&c);
		mark(&c);
		c.pending = 1;
		rc = build(&c, 0, c.n_toks, &nodes, &n_nodes);
	}
	free(c.toks);
	buf_free(&c.text);
	if (rc) {
		arena_free(c.a);
		return -1;
	}
	struct tpl_entry *e = entry_get(set, name, strlen(name));
	arena_free(e->code);
	e->code = c.a;
	e->nodes = nodes;
	e->n_nodes = n_nodes;
	return 0;
}

/* ------------------------------------------------------------ the renderer */

struct ctx {
	const struct tv *v;     /* this level's value */
	const struct ctx *up;   /* the level below, or NULL */
};

struct ind {
	const char *s;          /* indentation added at this level */
	size_t n;               /* bytes in s */
	const struct ind *up;   /* indentation from outer levels, put first */
};

struct frame {
	const struct node *parent;  /* an N_PARENT being expanded */
	const struct frame *outer;  /* the parent tag around it, or NULL */
};

struct rs {
	struct buf *out;  /* where output goes */
	int depth;        /* expansions in progress */
	long budget;      /* expansions left for this render */
	long steps;       /* section iterations left for this render */
	int strict;       /* TPL_STRICT_RAW */
	const char *(*tr)(void *data, const char *msgid); /* translator, or NULL */
	void *tr_data;    /* its argument */
};

static void put_indent(struct buf *out, const struct ind *in)
{
	if (!in)
		return;
	put_indent(out, in->up);
	buf_put(out, in->s, in->n);
}

/* in, plus s[0..n) if that is not empty; `link` is the storage for it. */
static const struct ind *ind_push(struct ind *link, const struct ind *in, const char *s, size_t n)
{
	if (!n)
		return in;
	link->s = s;
	link->n = n;
	link->up = in;
	return link;
}

/* Resolves a name per the spec: the first key up the context stack (a map
** holding the key counts even if its value is null), the rest strictly
** inside the value found. */
static const struct tv *lookup(const struct ctx *cx, const struct node *nd)
{
	if (nd->n_keys == 0)
		return cx->v;
	const struct tv *v = NULL;
	for (; cx; cx = cx->up)
		if ((v = tv_get(cx->v, nd->keys[0])))
			break;
	for (size_t i = 1; v && i < nd->n_keys; i++)
		v = tv_get(v, nd->keys[i]);
	return v;
}

/* Numbers print as the spec's tests want and JavaScript does: integers
** without a decimal point, others in the fewest digits that read back as
** the same double (1.21 is "1.21", not "1.2100000000000000"). */
static size_t fmt_num(double x, char out[40])
{
	if (isnan(x))
		return (size_t)snprintf(out, 40, "NaN");
	if (isinf(x))
		return (size_t)snprintf(out, 40, x > 0 ? "Infinity" : "-Infinity");
	if (x == 0)
		return (size_t)snprintf(out, 40, "0"); /* also -0 */
	double ax = x < 0 ? -x : x;
	if (ax < 1e18 && (double)(long long)x == x)
		return (size_t)snprintf(out, 40, "%lld", (long long)x);
	if (ax >= 1e18 && ax < 1e21) /* past 2^53 every double is an integer */
		return (size_t)snprintf(out, 40, "%.0f", x);
	for (int prec = 15; prec < 17; prec++) {
		snprintf(out, 40, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			return strlen(out);
	}
	return (size_t)snprintf(out, 40, "%.17g", x);
}

static void put_value(struct rs *rs, const struct tv *v, int raw)
{
	if (!v)
		return;
	switch (v->kind) {
	case TV_NULL:
	case TV_LIST:
	case TV_MAP:
		return;
	case TV_BOOL:
		buf_puts(rs->out, v->b ? "true" : "false");
		return;
	case TV_NUM: {
		char tmp[40];
		buf_put(rs->out, tmp, fmt_num(v->num, tmp));
		return;
	}
	case TV_STR:
		if (raw && !rs->strict)
			buf_put(rs->out, v->str, v->len);
		else
			esc_html(rs->out, v->str, v->len);
		return;
	case TV_HTML:
		if (raw)
			buf_put(rs->out, v->str, v->len);
		else
			esc_html(rs->out, v->str, v->len);
		return;
	}
}

static void put_text(struct buf *out, const struct node *nd, const struct ind *in)
{
	const char *s = nd->str, *end = nd->str + nd->len;
	if (in) {
		const char *nl;
		while ((nl = memchr(s, '\n', (size_t)(end - s))) && nl + 1 < end) {
			buf_put(out, s, (size_t)(nl + 1 - s));
			put_indent(out, in);
			s = nl + 1;
		}
	}
	buf_put(out, s, (size_t)(end - s));
}

static void render(struct rs *rs, const struct node *nodes, size_t n, const struct ctx *cx,
                   const struct ind *in, const struct frame *fr, int force);

/* Resolves the dotted name s[0..n) as lookup() does. */
static const struct tv *lookup_name(const struct ctx *cx, const char *s, size_t n)
{
	char key[64];
	size_t k = strcspn(s, ".");
	if (k > n)
		k = n;
	if (k == 0 || k >= sizeof key)
		return NULL;
	memcpy(key, s, k);
	key[k] = 0;
	const struct tv *v = NULL;
	for (; cx; cx = cx->up)
		if ((v = tv_get(cx->v, key)))
			break;
	while (v && k < n) {
		s += k + 1;
		n -= k + 1;
		k = strcspn(s, ".");
		if (k > n)
			k = n;
		if (k == 0 || k >= sizeof key)
			return NULL;
		memcpy(key, s, k);
		key[k] = 0;
		v = tv_get(v, key);
	}
	return v;
}

/* Writes a translatable text: the translation when there is one (escaped,
** its {{name}} tags filled from the context, escaped too), else the source
** text as written.  Only names that the source text holds are filled: a
** translation cannot reach any other value. */
static void put_trans(struct rs *rs, const struct node *nd, const struct ctx *cx)
{
	const char *t = rs->tr ? rs->tr(rs->tr_data, nd->str) : NULL;
	int own = !t;
	if (own)
		t = nd->str;
	for (;;) {
		const char *open = strstr(t, "{{");
		const char *close = open ? strstr(open + 2, "}}") : NULL;
		if (!close) {
			if (own)
				buf_puts(rs->out, t);
			else
				esc_html_s(rs->out, t);
			return;
		}
		if (own)
			buf_put(rs->out, t, (size_t)(open - t));
		else
			esc_html(rs->out, t, (size_t)(open - t));
		size_t n = (size_t)(close + 2 - open);
		const char *hit = memmem(nd->str, nd->len, open, n);
		if (hit && n > 4)
			put_value(rs, lookup_name(cx, open + 2, n - 4), 0);
		t = close + 2;
	}
}

/* Enters one more partial, parent or override, if the limits allow. */
static int enter(struct rs *rs)
{
	if (rs->depth >= TPL_MAX_DEPTH || rs->budget <= 0)
		return 0;
	rs->depth++;
	rs->budget--;
	return 1;
}

static void render_block(struct rs *rs, const struct node *nd, const struct ctx *cx,
                         const struct ind *in, const struct frame *fr)
{
	const struct arg *ov = NULL;
	const struct frame *where = NULL;
	for (const struct frame *f = fr; f; f = f->outer) {
		const struct node *p = f->parent;
		for (size_t i = 0; i < p->n_args; i++) {
			if (p->args[i].id == nd->id) {
				ov = &p->args[i];
				where = f;
				break;
			}
		}
	}
	struct ind link;
	int sa = (nd->flags & NF_STANDALONE) != 0;
	const struct ind *in2 = sa ? ind_push(&link, in, nd->str, nd->len) : in;
	if (!ov) {
		render(rs, nd->kids, nd->n_kids, cx, in2, fr, sa);
	} else if (enter(rs)) {
		render(rs, ov->nodes, ov->n_nodes, cx, in2, where->outer, sa);
		rs->depth--;
	}
}

static void render(struct rs *rs, const struct node *nodes, size_t n, const struct ctx *cx,
                   const struct ind *in, const struct frame *fr, int force)
{
	for (size_t i = 0; i < n && !rs->out->is_full; i++) {
		const struct node *nd = &nodes[i];
		if (in && ((nd->flags & NF_BOL) || (force && (nd->flags & NF_FBOL))))
			put_indent(rs->out, in);
		switch ((enum node_kind)nd->kind) {
		case N_TEXT:
			put_text(rs->out, nd, in);
			break;
		case N_VAR:
			put_value(rs, lookup(cx, nd), nd->flags & NF_RAW);
			break;
		case N_SECTION: {
			const struct tv *v = lookup(cx, nd);
			if (!tv_truthy(v))
				break;
			if (v->kind == TV_LIST) {
				for (size_t k = 0; k < v->len && !rs->out->is_full && rs->steps > 0; k++) {
					rs->steps--;
					struct ctx c2 = {v->items[k], cx};
					render(rs, nd->kids, nd->n_kids, &c2, in, fr, 0);
				}
			} else {
				struct ctx c2 = {v, cx};
				render(rs, nd->kids, nd->n_kids, &c2, in, fr, 0);
			}
			break;
		}
		case N_INVERTED:
			if (!tv_truthy(lookup(cx, nd)))
				render(rs, nd->kids, nd->n_kids, cx, in, fr, 0);
			break;
		case N_PARTIAL:
		case N_PARENT: {
			const struct tpl_entry *e = nd->entry;
			if (!e->code || !enter(rs))
				break;
			/* A partial or parent that is not standalone is not indented:
			** its lines are not lines of this template. */
			struct ind link;
			const struct ind *in2 = NULL;
			if (nd->flags & NF_STANDALONE)
				in2 = ind_push(&link, in, nd->str, nd->len);
			/* A partial is a parent without arguments: it sees our overrides. */
			struct frame f2 = {nd, fr};
			render(rs, e->nodes, e->n_nodes, cx, in2, nd->kind == N_PARENT ? &f2 : fr, 0);
			rs->depth--;
			break;
		}
		case N_BLOCK:
			render_block(rs, nd, cx, in, fr);
			break;
		case N_TRANS:
			put_trans(rs, nd, cx);
			break;
		}
	}
}

int tpl_render(const struct tpl_set *set, const char *name, const struct tv *ctx,
               struct buf *out)
{
	return tpl_render_tr(set, name, ctx, out, NULL, NULL);
}

int tpl_render_tr(const struct tpl_set *set, const char *name, const struct tv *ctx,
                  struct buf *out, const char *(*tr)(void *data, const char *msgid),
                  void *tr_data)
{
	const struct tpl_entry *e = entry_find(set, name, strlen(name));
	if (!e || !e->code)
		return -1;
	struct ctx root = {ctx, NULL};
	struct rs rs = {out, 0, TPL_MAX_EXPANSIONS, TPL_MAX_STEPS, (set->flags & TPL_STRICT_RAW) != 0,
	                tr, tr_data};
	render(&rs, e->nodes, e->n_nodes, &root, NULL, NULL, 0);
	return 0;
}
