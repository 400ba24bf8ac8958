/*
** diff.c: Myers's O(ND) line diff in linear space.
**
** The work happens in four steps:
**
**   1. Both texts are cut into lines, and the lines they share at the start
**      and at the end are taken off: an edit usually touches a few lines in
**      the middle of an article, and this makes that case linear.
**   2. Every line of the middle is given a class number (equal lines, equal
**      numbers) through a hash table, so the comparisons after this are
**      integer compares.  A line whose class does not occur in the other
**      text can only be deleted or added: it is marked so and left out of
**      the sequences the search sees.  This keeps the script minimal and
**      makes a rewrite (few lines in common) cheap.
**   3. The remaining sequences are compared by Myers's divide and conquer:
**      split() runs the greedy search from both corners of the box at once
**      until the two fronts meet on a diagonal (the "middle snake"), and
**      compare() recurses on the two boxes either side of the meeting
**      point.  Memory is two arrays of diagonals, reused at every level.
**      When the edit cost in one box passes a cap (the square root of the
**      size, at least 256), split() stops searching and cuts at the point
**      either front has pushed furthest, as git's xdiff does: the script is
**      then near-minimal, and the time stays about O(N sqrt N).
**   4. The marks are walked once to write the script, deletions first in
**      every run of changes.
**
** Temporary arrays are malloc'd and freed before returning, so a large diff
** does not leave its working memory in the caller's arena; only the script
** goes there.
*/
#include "core/diff.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this edit cost split() always looks for the true middle snake. */
#define DIFF_MIN_COST_CAP 256

struct line {
	const char *s; /* start of the line */
	size_t len;    /* bytes, counting its '\n' if any */
};

/* One class of equal lines. */
struct line_class {
	const char *s;   /* a line of the class */
	size_t len;      /* its length */
	uint64_t hash;   /* hash of the line's bytes */
	size_t n_old;    /* lines of the old middle in the class */
	size_t n_new;    /* lines of the new middle in the class */
};

/* What compare() and split() work on. */
struct search {
	const ptrdiff_t *ha1;  /* classes of the old lines still compared */
	const ptrdiff_t *ha2;  /* classes of the new lines still compared */
	const size_t *rix1;    /* ha1 index -> index in the old middle */
	const size_t *rix2;    /* ha2 index -> index in the new middle */
	unsigned char *chg1;   /* 1 for each old middle line deleted */
	unsigned char *chg2;   /* 1 for each new middle line added */
	ptrdiff_t *kf;         /* forward front: furthest old index per diagonal */
	ptrdiff_t *kb;         /* backward front: least old index per diagonal */
	ptrdiff_t cost_cap;    /* edit cost past which split() settles */
};

/* Where split() cut a box, and whether each half still wants a minimal
** search (a half that came from a settled front does not). */
struct cut {
	ptrdiff_t i1, i2; /* the point, old and new index */
	int min_lo;       /* the half before the point needs the true middle */
	int min_hi;       /* the half after it does */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = mem_calloc(n ? n : 1, size);
	return p;
}

/* Number of lines in s[0..n): each '\n' ends one, and bytes after the last
** '\n' make one more. */
static size_t count_lines(const char *s, size_t n)
{
	size_t k = 0;
	if (n == 0)
		return 0;
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		k++;
		p = nl ? nl + 1 : end;
	}
	return k;
}

/* Cuts s[0..n) into out[], which holds count_lines(s, n) entries. */
static void cut_lines(const char *s, size_t n, struct line *out)
{
	if (n == 0)
		return;
	const char *p = s, *end = s + n;
	size_t k = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl + 1 : end;
		out[k].s = p;
		out[k].len = (size_t)(stop - p);
		k++;
		p = stop;
	}
}

/* The length of the word token at p (< end): a run of letters and digits
** (any byte past ASCII counts as a letter, so a UTF-8 character is never
** split), a run of whitespace, or one other byte (punctuation). */
static size_t word_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p, *e = (const unsigned char *)end;
	const unsigned char *q = u;
#define IS_WORD(c) (((c) >= '0' && (c) <= '9') || (unsigned)(((c) | 0x20) - 'a') < 26u || (c) >= 0x80)
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
	if (IS_WORD(*q))
		while (q < e && IS_WORD(*q))
			q++;
	else if (IS_SPACE(*q))
		while (q < e && IS_SPACE(*q))
			q++;
	else
		q++;
#undef IS_WORD
#undef IS_SPACE
	return (size_t)(q - u);
}

static size_t count_words(const char *s, size_t n)
{
	size_t k = 0;
	for (const char *p = s, *end = s + n; p < end; p += word_len(p, end))
		k++;
	return k;
}

static void cut_words(const char *s, size_t n, struct line *out)
{
	size_t k = 0;
	for (const char *p = s, *end = s + n; p < end; k++) {
		out[k].s = p;
		out[k].len = word_len(p, end);
		p += out[k].len;
	}
}

static int line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && (a->s == b->s || memcmp(a->s, b->s, a->len) == 0);
}

/* FNV-1a, 64 bits. */
static uint64_t line_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Integer square root, good enough for a cost cap. */
static ptrdiff_t rough_sqrt(ptrdiff_t n)
{
	ptrdiff_t r = 1;
	while (r * r < n)
		r++;
	return r;
}

/*
** Finds where the box old[off1..lim1) x new[off2..lim2) splits.  Both
** sequences are non-empty here.  A diagonal d holds the points whose old
** index minus new index is d; kf[d] is the furthest old index the forward
** front has reached on d with the current cost, kb[d] the least the backward
** front has.  Each round raises the cost by one in both directions; the
** fronts meet on a diagonal when the box's edit distance is reached, and the
** meeting point cuts the box into two whose distances add up to it.
**
** Diagonals outside [dmin, dmax] leave the box; the fronts' ends are kept in
** it by sentinel values one diagonal beyond them (-1 forward, PTRDIFF_MAX
** backward) that the neighbour choice never prefers.
*/
static void split(const struct search *sr, ptrdiff_t off1, ptrdiff_t lim1, ptrdiff_t off2,
                  ptrdiff_t lim2, int need_min, struct cut *cut)
{
	const ptrdiff_t *ha1 = sr->ha1, *ha2 = sr->ha2;
	ptrdiff_t *kf = sr->kf, *kb = sr->kb;
	const ptrdiff_t dmin = off1 - lim2, dmax = lim1 - off2;
	const ptrdiff_t fmid = off1 - off2, bmid = lim1 - lim2;
	const int odd = (fmid - bmid) % 2 != 0;
	ptrdiff_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;

	kf[fmid] = off1;
	kb[bmid] = lim1;
	for (ptrdiff_t cost = 1;; cost++) {
		/* Forward: widen the front by one diagonal each side, or narrow it
		** where it would leave the box (keeps the parity right). */
		if (fmin > dmin)
			kf[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			kf[++fmax + 1] = -1;
		else
			--fmax;
		for (ptrdiff_t d = fmax; d >= fmin; d -= 2) {
			ptrdiff_t i1 = kf[d - 1] >= kf[d + 1] ? kf[d - 1] + 1 : kf[d + 1];
			ptrdiff_t i2 = i1 - d;
			while (i1 < lim1 && i2 < lim2 && ha1[i1] == ha2[i2])
				i1++, i2++;
			kf[d] = i1;
			if (odd && bmin <= d && d <= bmax && kb[d] <= i1) {
				*cut = (struct cut){i1, i2, 1, 1};
				return;
			}
		}

		/* Backward, the mirror image. */
		if (bmin > dmin)
			kb[--bmin - 1] = PTRDIFF_MAX;
		else
			++bmin;
		if (bmax < dmax)
			kb[++bmax + 1] = PTRDIFF_MAX;
		else
			--bmax;
		for (ptrdiff_t d = bmax; d >= bmin; d -= 2) {
			ptrdiff_t i1 = kb[d - 1] < kb[d + 1] ? kb[d - 1] : kb[d + 1] - 1;
			ptrdiff_t i2 = i1 - d;
			while (i1 > off1 && i2 > off2 && ha1[i1 - 1] == ha2[i2 - 1])
				i1--, i2--;
			kb[d] = i1;
			if (!odd && fmin <= d && d <= fmax && i1 <= kf[d]) {
				*cut = (struct cut){i1, i2, 1, 1};
				return;
			}
		}

		if (need_min || cost < sr->cost_cap)
			continue;

		/* Too costly: cut where a front got furthest, measured by old index
		** plus new index from its own corner, clamped into the box. */
		ptrdiff_t fbest = -1, fbest1 = -1;
		for (ptrdiff_t d = fmax; d >= fmin; d -= 2) {
			ptrdiff_t i1 = kf[d] < lim1 ? kf[d] : lim1;
			ptrdiff_t i2 = i1 - d;
			if (i2 > lim2)
				i1 = lim2 + d, i2 = lim2;
			if (i1 + i2 > fbest)
				fbest = i1 + i2, fbest1 = i1;
		}
		ptrdiff_t bbest = PTRDIFF_MAX, bbest1 = PTRDIFF_MAX;
		for (ptrdiff_t d = bmax; d >= bmin; d -= 2) {
			ptrdiff_t i1 = kb[d] > off1 ? kb[d] : off1;
			ptrdiff_t i2 = i1 - d;
			if (i2 < off2)
				i1 = off2 + d, i2 = off2;
			if (i1 + i2 < bbest)
				bbest = i1 + i2, bbest1 = i1;
		}
		if ((lim1 + lim2) - bbest < fbest - (off1 + off2))
			*cut = (struct cut){fbest1, fbest - fbest1, 1, 0};
		else
			*cut = (struct cut){bbest1, bbest - bbest1, 0, 1};
		return;
	}
}

/* Marks every line of the box as changed. */
static void mark_all(const struct search *sr, ptrdiff_t off1, ptrdiff_t lim1,
                     ptrdiff_t off2, ptrdiff_t lim2)
{
	for (ptrdiff_t i = off1; i < lim1; i++)
		sr->chg1[sr->rix1[i]] = 1;
	for (ptrdiff_t j = off2; j < lim2; j++)
		sr->chg2[sr->rix2[j]] = 1;
}

/* Marks the changed lines of the box old[off1..lim1) x new[off2..lim2).
** The recursion is about log2 of the edit cost deep when the cost stays
** under the cap, and at most (cost / cap) deeper past it. */
static void compare(const struct search *sr, ptrdiff_t off1, ptrdiff_t lim1,
                    ptrdiff_t off2, ptrdiff_t lim2, int need_min)
{
	const ptrdiff_t *ha1 = sr->ha1, *ha2 = sr->ha2;
	while (off1 < lim1 && off2 < lim2 && ha1[off1] == ha2[off2])
		off1++, off2++;
	while (off1 < lim1 && off2 < lim2 && ha1[lim1 - 1] == ha2[lim2 - 1])
		lim1--, lim2--;
	if (off1 == lim1 || off2 == lim2) {
		mark_all(sr, off1, lim1, off2, lim2);
		return;
	}
	struct cut c;
	split(sr, off1, lim1, off2, lim2, need_min, &c);
	/* The cut lies inside the box and leaves two smaller boxes.  That
	** cannot fail; if it ever did, recursing could loop or read outside the
	** arrays, so the box is shown as replaced instead. */
	int inside = c.i1 >= off1 && c.i1 <= lim1 && c.i2 >= off2 && c.i2 <= lim2 &&
	             (c.i1 - off1) + (c.i2 - off2) > 0 && (lim1 - c.i1) + (lim2 - c.i2) > 0;
	assert(inside);
	if (!inside) {
		mark_all(sr, off1, lim1, off2, lim2);
		return;
	}
	compare(sr, off1, c.i1, off2, c.i2, c.min_lo);
	compare(sr, c.i1, lim1, c.i2, lim2, c.min_hi);
}

/* Marks the changed lines of old[0..n1) against new[0..n2) (the middles,
** both non-empty) in chg1[] and chg2[]. */
static void diff_middle(const struct line *old, size_t n1, const struct line *new,
                        size_t n2, unsigned char *chg1, unsigned char *chg2)
{
	/* Step 2: classes of equal lines, through open addressing. */
	size_t total = n1 + n2, slots = 16;
	while (slots < 2 * total)
		slots *= 2;
	size_t *table = xcalloc(slots, sizeof *table); /* class + 1, 0 = empty */
	struct line_class *cls = xcalloc(total, sizeof *cls);
	size_t *cls1 = xcalloc(n1, sizeof *cls1), *cls2 = xcalloc(n2, sizeof *cls2);
	size_t n_cls = 0;
	for (size_t k = 0; k < total; k++) {
		const struct line *ln = k < n1 ? &old[k] : &new[k - n1];
		uint64_t h = line_hash(ln->s, ln->len);
		size_t slot = (size_t)h & (slots - 1), c;
		for (;;) {
			if (!table[slot]) {
				c = n_cls++;
				cls[c] = (struct line_class){ln->s, ln->len, h, 0, 0};
				table[slot] = c + 1;
				break;
			}
			c = table[slot] - 1;
			if (cls[c].hash == h && cls[c].len == ln->len &&
			    memcmp(cls[c].s, ln->s, ln->len) == 0)
				break;
			slot = (slot + 1) & (slots - 1);
		}
		if (k < n1)
			cls1[k] = c, cls[c].n_old++;
		else
			cls2[k - n1] = c, cls[c].n_new++;
	}

	/* Lines found on one side only are changed; the rest are searched. */
	ptrdiff_t *ha1 = xcalloc(n1, sizeof *ha1), *ha2 = xcalloc(n2, sizeof *ha2);
	size_t *rix1 = xcalloc(n1, sizeof *rix1), *rix2 = xcalloc(n2, sizeof *rix2);
	size_t m1 = 0, m2 = 0;
	for (size_t i = 0; i < n1; i++) {
		if (cls[cls1[i]].n_new) {
			ha1[m1] = (ptrdiff_t)cls1[i];
			rix1[m1++] = i;
		} else {
			chg1[i] = 1;
		}
	}
	for (size_t j = 0; j < n2; j++) {
		if (cls[cls2[j]].n_old) {
			ha2[m2] = (ptrdiff_t)cls2[j];
			rix2[m2++] = j;
		} else {
			chg2[j] = 1;
		}
	}
	free(table);
	free(cls);
	free(cls1);
	free(cls2);

	/* Step 3.  Diagonals run from -m2 - 1 to m1 + 1. */
	size_t n_diag = m1 + m2 + 3;
	ptrdiff_t *kf = xcalloc(n_diag, sizeof *kf), *kb = xcalloc(n_diag, sizeof *kb);
	ptrdiff_t cap = rough_sqrt((ptrdiff_t)n_diag);
	struct search sr = {
	    .ha1 = ha1,
	    .ha2 = ha2,
	    .rix1 = rix1,
	    .rix2 = rix2,
	    .chg1 = chg1,
	    .chg2 = chg2,
	    .kf = kf + m2 + 1,
	    .kb = kb + m2 + 1,
	    .cost_cap = cap < DIFF_MIN_COST_CAP ? DIFF_MIN_COST_CAP : cap,
	};
	compare(&sr, 0, (ptrdiff_t)m1, 0, (ptrdiff_t)m2, 0);
	free(kf);
	free(kb);
	free(ha1);
	free(ha2);
	free(rix1);
	free(rix2);
}

/* The diff of x and y cut into lines (words == 0) or word tokens. */
static struct diff_line *diff_units(struct arena *a, const char *x, size_t xlen, const char *y,
                                    size_t ylen, size_t *n, int words)
{
	/* Step 1: lines (or words), and the common head and tail. */
	size_t na = words ? count_words(x, xlen) : count_lines(x, xlen);
	size_t nb = words ? count_words(y, ylen) : count_lines(y, ylen);
	struct line *la = xcalloc(na, sizeof *la), *lb = xcalloc(nb, sizeof *lb);
	if (words) {
		cut_words(x, xlen, la);
		cut_words(y, ylen, lb);
	} else {
		cut_lines(x, xlen, la);
		cut_lines(y, ylen, lb);
	}
	size_t head = 0, tail = 0;
	while (head < na && head < nb && line_eq(&la[head], &lb[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       line_eq(&la[na - 1 - tail], &lb[nb - 1 - tail]))
		tail++;
	const struct line *old = la + head, *new = lb + head;
	size_t n1 = na - head - tail, n2 = nb - head - tail;

	unsigned char *chg1 = xcalloc(n1, 1), *chg2 = xcalloc(n2, 1);
	if (n1 == 0 || n2 == 0 || n1 + n2 > DIFF_MAX_LINES) {
		memset(chg1, 1, n1);
		memset(chg2, 1, n2);
	} else {
		diff_middle(old, n1, new, n2, chg1, chg2);
	}

	/* Step 4: the script.  Both middles keep the same number of lines, and
	** the kept ones pair up in order. */
	size_t del = 0, add = 0;
	for (size_t i = 0; i < n1; i++)
		del += chg1[i];
	for (size_t j = 0; j < n2; j++)
		add += chg2[j];
	assert(n1 - del == n2 - add);
	if (n1 - del != n2 - add) { /* cannot happen; survive it anyway */
		memset(chg1, 1, n1);
		memset(chg2, 1, n2);
		del = n1;
		add = n2;
	}
	size_t count = head + tail + del + add + (n1 - del);
	struct diff_line *out = arena_alloc(a, count * sizeof *out);
	size_t k = 0;
	for (size_t i = 0; i < head; i++)
		out[k++] = (struct diff_line){DIFF_SAME, la[i].s, la[i].len};
	size_t i = 0, j = 0;
	while (i < n1 || j < n2) {
		if (i < n1 && chg1[i]) {
			out[k++] = (struct diff_line){DIFF_DEL, old[i].s, old[i].len};
			i++;
		} else if (j < n2 && chg2[j]) {
			out[k++] = (struct diff_line){DIFF_ADD, new[j].s, new[j].len};
			j++;
		} else {
			out[k++] = (struct diff_line){DIFF_SAME, old[i].s, old[i].len};
			i++, j++;
		}
	}
	for (size_t t = na - tail; t < na; t++)
		out[k++] = (struct diff_line){DIFF_SAME, la[t].s, la[t].len};
	assert(k == count);
	*n = k;
	free(la);
	free(lb);
	free(chg1);
	free(chg2);
	return out;
}

struct diff_line *diff_lines(struct arena *a, const char *x, size_t xlen, const char *y,
                             size_t ylen, size_t *n)
{
	return diff_units(a, x, xlen, y, ylen, n, 0);
}

struct diff_line *diff_words(struct arena *a, const char *x, size_t xlen, const char *y,
                             size_t ylen, size_t *n)
{
	return diff_units(a, x, xlen, y, ylen, n, 1);
}
