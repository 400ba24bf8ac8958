/*
** test_diff.c: unit tests for src/core/diff.c.
**
** Fixed cases first (identical, empty, pure insert and delete, a changed
** line, trailing newline differences, NUL bytes), then properties over
** thousands of random pairs: the DIFF_SAME and DIFF_DEL lines give back the
** old text and the DIFF_SAME and DIFF_ADD lines the new one, byte for byte;
** applying the script to the old text gives the new one; every run of
** changes lists its deletions first; and for small inputs the number of
** changed lines equals the minimum, from a quadratic LCS table written here.
** Last, sizes: a 5,000-line article with a few edits, a shuffled one (past
** the cost cap), and inputs past DIFF_MAX_LINES.
*/
#include "core/arena.h"
#include "core/buf.h"
#include "core/diff.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ---- */

/* The script as one string per entry, "=a" "-b" "+c", joined by '|', with
** the '\n' of each line shown as '$', for readable expectations. */
static char *script_str(struct arena *a, const struct diff_line *d, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, '|');
		buf_putc(&b, d[i].op == DIFF_SAME ? '=' : d[i].op == DIFF_ADD ? '+' : '-');
		for (size_t k = 0; k < d[i].len; k++)
			buf_putc(&b, d[i].text[k] == '\n' ? '$' : d[i].text[k]);
	}
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static char *diff_str(struct arena *a, const char *x, const char *y)
{
	size_t n = 99;
	struct diff_line *d = diff_lines(a, x, strlen(x), y, strlen(y), &n);
	return script_str(a, d, n);
}

/* The text made of the entries whose op is `keep` or DIFF_SAME. */
static void side(struct buf *b, const struct diff_line *d, size_t n, enum diff_op keep)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++)
		if (d[i].op == DIFF_SAME || d[i].op == keep)
			buf_put(b, d[i].text, d[i].len);
}

struct tline {
	const char *s; /* start */
	size_t len;    /* with its '\n' */
};

/* The test's own line splitter, written apart from diff.c's. */
static size_t tsplit(const char *s, size_t n, struct tline *out)
{
	size_t k = 0, start = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			out[k++] = (struct tline){s + start, i + 1 - start};
			start = i + 1;
		}
	if (start < n)
		out[k++] = (struct tline){s + start, n - start};
	return k;
}

static int tline_eq(struct tline a, struct tline b)
{
	return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
}

/* Length of the longest common subsequence of lines, by the classic table. */
static size_t lcs(const char *x, size_t xn, const char *y, size_t yn)
{
	struct tline *la = malloc((xn + 1) * sizeof *la), *lb = malloc((yn + 1) * sizeof *lb);
	size_t na = tsplit(x, xn, la), nb = tsplit(y, yn, lb);
	size_t *t = calloc((na + 1) * (nb + 1), sizeof *t);
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			size_t *c = &t[i * (nb + 1) + j];
			if (tline_eq(la[i - 1], lb[j - 1]))
				*c = t[(i - 1) * (nb + 1) + j - 1] + 1;
			else {
				size_t up = t[(i - 1) * (nb + 1) + j], left = t[i * (nb + 1) + j - 1];
				*c = up > left ? up : left;
			}
		}
	size_t r = t[na * (nb + 1) + nb];
	free(t);
	free(la);
	free(lb);
	return r;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t rndn(size_t n)
{
	return (size_t)(rnd() % n);
}

/* A random text of n lines drawn from `alphabet` distinct lines; the last
** line loses its '\n' one time in four. */
static void random_text(struct buf *b, size_t n, size_t alphabet)
{
	static const char *const words[] = {"alpha", "beta", "", "gamma", "delta",
	                                    "eps", "zeta", "eta", "theta", "iota"};
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		size_t w = rndn(alphabet);
		if (w < sizeof words / sizeof *words)
			buf_puts(b, words[w]);
		else
			buf_printf(b, "line %zu", w);
		buf_putc(b, '\n');
	}
	if (n && rndn(4) == 0)
		b->len--;
	buf_cstr(b);
}

/* b from a by a few random line edits (insert, delete, replace). */
static void random_edit(struct buf *out, const char *a, size_t an, size_t edits)
{
	struct tline *la = malloc((an + 1) * sizeof *la);
	size_t na = tsplit(a, an, la);
	unsigned char *act = calloc(na + 1, 1); /* 0 keep, 1 delete, 2 replace, 3 insert before */
	for (size_t e = 0; e < edits; e++)
		act[rndn(na + 1)] = (unsigned char)(1 + rndn(3));
	buf_reset(out);
	for (size_t i = 0; i <= na; i++) {
		if (act[i] == 3)
			buf_printf(out, "new %llu\n", (unsigned long long)(rnd() % 1000));
		if (i == na)
			break;
		if (act[i] == 1)
			continue;
		if (act[i] == 2)
			buf_printf(out, "changed %llu\n", (unsigned long long)(rnd() % 1000));
		else
			buf_put(out, la[i].s, la[i].len);
	}
	buf_cstr(out);
	free(la);
	free(act);
}

/* Checks every property of the script for x -> y; minimal: also compare
** the number of changed lines with the LCS.  Returns 1 if all hold. */
static int check_script(const char *x, size_t xn, const char *y, size_t yn, int minimal)
{
	struct arena *a = arena_new();
	size_t n = 0;
	struct diff_line *d = diff_lines(a, x, xn, y, yn, &n);
	int ok = d != NULL;
	struct buf b = BUF_INIT;

	side(&b, d, n, DIFF_DEL);
	ok = ok && b.len == xn && (xn == 0 || memcmp(b.data, x, xn) == 0);
	side(&b, d, n, DIFF_ADD);
	ok = ok && b.len == yn && (yn == 0 || memcmp(b.data, y, yn) == 0);

	/* Applying the script to x: walk x's lines, checking each SAME and DEL
	** entry names the line found there, and write SAME and ADD lines. */
	struct tline *lx = malloc((xn + 1) * sizeof *lx);
	size_t nx = tsplit(x, xn, lx), ix = 0;
	buf_reset(&b);
	size_t changed = 0;
	for (size_t i = 0; i < n && ok; i++) {
		if (d[i].op == DIFF_ADD) {
			buf_put(&b, d[i].text, d[i].len);
			changed++;
			/* deletions come first in a run of changes */
			if (i + 1 < n && d[i + 1].op == DIFF_DEL)
				ok = 0;
			continue;
		}
		if (ix >= nx || !tline_eq(lx[ix], (struct tline){d[i].text, d[i].len}))
			ok = 0;
		else if (d[i].text != lx[ix].s)
			ok = 0; /* SAME and DEL lines point into x */
		ix++;
		if (d[i].op == DIFF_SAME)
			buf_put(&b, d[i].text, d[i].len);
		else
			changed++;
		if (d[i].len == 0)
			ok = 0;
	}
	ok = ok && ix == nx && b.len == yn && (yn == 0 || memcmp(b.data, y, yn) == 0);
	if (ok && minimal) {
		struct tline *ly = malloc((yn + 1) * sizeof *ly);
		size_t ny = tsplit(y, yn, ly);
		ok = changed == nx + ny - 2 * lcs(x, xn, y, yn);
		free(ly);
	}
	free(lx);
	buf_free(&b);
	arena_free(a);
	return ok;
}

/* ---- fixed cases ---- */

static void test_fixed(void)
{
	struct arena *a = arena_new();
	size_t n = 99;

	/* identical */
	CHECK_STR(diff_str(a, "a\nb\nc\n", "a\nb\nc\n"), "=a$|=b$|=c$");
	CHECK_STR(diff_str(a, "one", "one"), "=one");

	/* empty inputs */
	struct diff_line *d = diff_lines(a, NULL, 0, NULL, 0, &n);
	CHECK(d != NULL);
	CHECK(n == 0);
	CHECK_STR(diff_str(a, "", "a\nb\n"), "+a$|+b$");
	CHECK_STR(diff_str(a, "a\nb\n", ""), "-a$|-b$");
	d = diff_lines(a, NULL, 0, "x", 1, &n);
	CHECK(n == 1 && d[0].op == DIFF_ADD && d[0].len == 1);

	/* pure insert and delete */
	CHECK_STR(diff_str(a, "a\nb\nc\n", "a\nb\nX\nc\n"), "=a$|=b$|+X$|=c$");
	CHECK_STR(diff_str(a, "a\nb\nc\n", "X\na\nb\nc\n"), "+X$|=a$|=b$|=c$");
	CHECK_STR(diff_str(a, "a\nb\nc\n", "a\nb\nc\nX\n"), "=a$|=b$|=c$|+X$");
	CHECK_STR(diff_str(a, "a\nb\nX\nY\nc\n", "a\nb\nc\n"), "=a$|=b$|-X$|-Y$|=c$");
	CHECK_STR(diff_str(a, "X\na\n", "a\n"), "-X$|=a$");

	/* changed middle line: deletion before addition */
	CHECK_STR(diff_str(a, "a\nb\nc\n", "a\nB\nc\n"), "=a$|-b$|+B$|=c$");
	CHECK_STR(diff_str(a, "a\nb\nc\nd\n", "a\nB\nC\nd\n"), "=a$|-b$|-c$|+B$|+C$|=d$");
	/* two separate changes */
	CHECK_STR(diff_str(a, "1\n2\n3\n4\n5\n", "1\nx\n3\n4\ny\n"),
	          "=1$|-2$|+x$|=3$|=4$|-5$|+y$");
	/* a moved line: one deletion and one addition, the rest kept */
	CHECK_STR(diff_str(a, "a\nb\nc\nd\n", "b\nc\nd\na\n"), "-a$|=b$|=c$|=d$|+a$");

	/* trailing newline differences: the last line differs */
	CHECK_STR(diff_str(a, "a\nb", "a\nb\n"), "=a$|-b|+b$");
	CHECK_STR(diff_str(a, "a\nb\n", "a\nb"), "=a$|-b$|+b");
	CHECK_STR(diff_str(a, "a", "a\n"), "-a|+a$");
	CHECK_STR(diff_str(a, "a\n", "a\n\n"), "=a$|+$");
	CHECK_STR(diff_str(a, "\n\n", "\n"), "=$|-$");
	/* a final line without '\n' counts */
	CHECK_STR(diff_str(a, "a\nb", "a\n"), "=a$|-b");
	CHECK_STR(diff_str(a, "a\nb", "a\nc"), "=a$|-b|+c");

	/* text points into the inputs */
	const char *x = "keep\nold\n", *y = "keep\nnew\n";
	d = diff_lines(a, x, strlen(x), y, strlen(y), &n);
	CHECK(n == 3);
	CHECK(d[0].text == x && d[0].len == 5 && d[0].op == DIFF_SAME);
	CHECK(d[1].text == x + 5 && d[1].len == 4 && d[1].op == DIFF_DEL);
	CHECK(d[2].text == y + 5 && d[2].len == 4 && d[2].op == DIFF_ADD);

	/* NUL bytes are ordinary bytes; lengths, not strings */
	static const char nx[] = "a\0b\nsame\n", ny[] = "a\0c\nsame\n";
	d = diff_lines(a, nx, sizeof nx - 1, ny, sizeof ny - 1, &n);
	CHECK(n == 3 && d[0].op == DIFF_DEL && d[1].op == DIFF_ADD && d[2].op == DIFF_SAME);
	CHECK(d[0].len == 4 && d[0].text == nx);
	d = diff_lines(a, nx, sizeof nx - 1, nx, sizeof nx - 1, &n);
	CHECK(n == 2 && d[0].op == DIFF_SAME && d[1].op == DIFF_SAME);

	/* CRLF lines are just bytes */
	CHECK_STR(diff_str(a, "a\r\nb\r\n", "a\r\nb\n"), "=a\r$|-b\r$|+b$");

	/* lines that occur on one side only mixed with repeated ones */
	static const char sx[] = "x\na\nx\nb\nx\n", sy[] = "a\ny\nb\ny\n";
	CHECK(check_script(sx, sizeof sx - 1, sy, sizeof sy - 1, 1));
	arena_free(a);
}

/* ---- properties ---- */

static void test_random(void)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	int bad = 0, runs = 0;
	/* Small texts from small alphabets: many repeats, many equal lines,
	** the Myers search's corners; checked for minimality too. */
	for (int r = 0; r < 4000; r++) {
		size_t alpha = 1 + rndn(r % 3 == 0 ? 3 : 12);
		random_text(&x, rndn(25), alpha);
		if (r % 2)
			random_text(&y, rndn(25), alpha);
		else
			random_edit(&y, x.data ? x.data : "", x.len, 1 + rndn(4));
		if (!check_script(x.data ? x.data : "", x.len, y.data ? y.data : "", y.len, 1)) {
			if (bad++ < 5)
				fprintf(stderr, "random %d failed:\n--- x\n%s\n--- y\n%s\n", r,
				        buf_cstr(&x), buf_cstr(&y));
		}
		runs++;
	}
	/* Medium texts, still under the cost cap: minimal. */
	for (int r = 0; r < 60; r++) {
		random_text(&x, 100 + rndn(100), 2 + rndn(40));
		if (r % 2)
			random_text(&y, 100 + rndn(100), 2 + rndn(40));
		else
			random_edit(&y, x.data, x.len, 1 + rndn(30));
		if (!check_script(x.data, x.len, y.data, y.len, 1) && bad++ < 5)
			fprintf(stderr, "medium %d failed\n", r);
		runs++;
	}
	/* Larger texts, far apart: past the cost cap, so near-minimal; the
	** script must still rebuild both texts exactly. */
	for (int r = 0; r < 40; r++) {
		random_text(&x, 1000 + rndn(2000), 2 + rndn(r % 2 ? 5 : 300));
		if (r % 3)
			random_text(&y, 1000 + rndn(2000), 2 + rndn(r % 2 ? 5 : 300));
		else
			random_edit(&y, x.data, x.len, 50 + rndn(600));
		if (!check_script(x.data, x.len, y.data, y.len, 0) && bad++ < 5)
			fprintf(stderr, "large %d failed\n", r);
		runs++;
	}
	CHECK(bad == 0);
	CHECK(runs == 4100);
	buf_free(&x);
	buf_free(&y);
}

/* ---- sizes ---- */

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_sizes(void)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	struct arena *a = arena_new();
	size_t n;

	/* A 5,000-line article with three edits: exactly those lines change. */
	for (int i = 0; i < 5000; i++)
		buf_printf(&x, "Paragraph %d of the article, with some words.\n", i);
	for (int i = 0; i < 5000; i++) {
		if (i == 10)
			continue; /* deleted */
		if (i == 2500)
			buf_puts(&y, "A new paragraph.\n");
		if (i == 4000)
			buf_puts(&y, "Paragraph 4000, rewritten.\n");
		else
			buf_printf(&y, "Paragraph %d of the article, with some words.\n", i);
	}
	double t0 = seconds();
	struct diff_line *d = diff_lines(a, x.data, x.len, y.data, y.len, &n);
	double t1 = seconds();
	size_t same = 0, add = 0, del = 0;
	for (size_t i = 0; i < n; i++)
		same += d[i].op == DIFF_SAME, add += d[i].op == DIFF_ADD, del += d[i].op == DIFF_DEL;
	CHECK(same == 4998 && add == 2 && del == 2);
	CHECK(t1 - t0 < 1.0);
	CHECK(check_script(x.data, x.len, y.data, y.len, 0));

	/* The same lines shuffled: an expensive pair, past the cost cap. */
	buf_reset(&y);
	int *perm = malloc(5000 * sizeof *perm);
	for (int i = 0; i < 5000; i++)
		perm[i] = i;
	for (int i = 4999; i > 0; i--) {
		int j = (int)rndn((size_t)i + 1), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (int i = 0; i < 5000; i++)
		buf_printf(&y, "Paragraph %d of the article, with some words.\n", perm[i]);
	free(perm);
	t0 = seconds();
	d = diff_lines(a, x.data, x.len, y.data, y.len, &n);
	t1 = seconds();
	same = 0;
	for (size_t i = 0; i < n; i++)
		same += d[i].op == DIFF_SAME;
	CHECK(same > 0 && n == 10000 - same);
	CHECK(t1 - t0 < 5.0);
	CHECK(check_script(x.data, x.len, y.data, y.len, 0));

	/* Two texts with nothing in common: delete all, add all, quickly. */
	buf_reset(&y);
	for (int i = 0; i < 5000; i++)
		buf_printf(&y, "Other %d\n", i);
	d = diff_lines(a, x.data, x.len, y.data, y.len, &n);
	CHECK(n == 10000 && d[0].op == DIFF_DEL && d[4999].op == DIFF_DEL &&
	      d[5000].op == DIFF_ADD && d[9999].op == DIFF_ADD);

	/* Past DIFF_MAX_LINES the middle is replaced whole; the common head
	** and tail still show as kept. */
	buf_reset(&x);
	buf_reset(&y);
	size_t big = DIFF_MAX_LINES / 2 + 10;
	buf_puts(&x, "head\n");
	buf_puts(&y, "head\n");
	for (size_t i = 0; i < big; i++) {
		buf_printf(&x, "%zu\n", i);
		buf_printf(&y, "%zu\n", i + 1); /* one line shifted: one change, were it compared */
	}
	buf_puts(&x, "tail\n");
	buf_puts(&y, "tail\n");
	t0 = seconds();
	d = diff_lines(a, x.data, x.len, y.data, y.len, &n);
	t1 = seconds();
	CHECK(n == 2 * big + 2);
	CHECK(d[0].op == DIFF_SAME && d[1].op == DIFF_DEL && d[big].op == DIFF_DEL &&
	      d[big + 1].op == DIFF_ADD && d[2 * big].op == DIFF_ADD &&
	      d[2 * big + 1].op == DIFF_SAME);
	CHECK(t1 - t0 < 5.0);
	/* Just under the limit it is compared: the shift is two changes. */
	buf_reset(&x);
	buf_reset(&y);
	for (size_t i = 0; i < 20000; i++) {
		buf_printf(&x, "%zu\n", i);
		buf_printf(&y, "%zu\n", i + 1);
	}
	d = diff_lines(a, x.data, x.len, y.data, y.len, &n);
	CHECK(n == 20001 && d[0].op == DIFF_DEL && d[20000].op == DIFF_ADD);

	arena_free(a);
	buf_free(&x);
	buf_free(&y);
}

/* diff_words(): tokens are words, whitespace runs and single punctuation
** bytes; UTF-8 stays whole; the two sides give back the texts. */
static char *words_str(struct arena *a, const char *x, const char *y)
{
	size_t n = 99;
	struct diff_line *d = diff_words(a, x, strlen(x), y, strlen(y), &n);
	return script_str(a, d, n);
}

static void test_words(void)
{
	struct arena *a = arena_new();
	CHECK_STR(words_str(a, "", ""), "");
	CHECK_STR(words_str(a, "said on Monday.", "said on Tuesday."),
	          "=said|= |=on|= |-Monday|+Tuesday|=.");
	CHECK_STR(words_str(a, "a b", "a  b"), "=a|- |+  |=b");
	CHECK_STR(words_str(a, "don't", "dont"), "-don|-'|-t|+dont");
	/* A changed accented word is one token, never half a character. */
	CHECK_STR(words_str(a, "café au lait", "cafés au lait"), "-café|+cafés|= |=au|= |=lait");
	CHECK_STR(words_str(a, "x", ""), "-x");
	CHECK_STR(words_str(a, "", "new words"), "+new|+ |+words");
	/* Random texts: both sides come back byte for byte. */
	struct buf b = BUF_INIT;
	static const char *const pool[] = {"the", "tide", " ", "  ", ",", ".", "\n", "é", "ü",
	                                   "2026", "—", "'"};
	srand(14);
	for (int round = 0; round < 2000; round++) {
		char x[400] = "", y[400] = "";
		int nx = rand() % 30, ny = rand() % 30;
		for (int i = 0; i < nx; i++)
			strcat(x, pool[rand() % 12]);
		for (int i = 0; i < ny; i++)
			strcat(y, pool[rand() % 12]);
		size_t n;
		struct diff_line *d = diff_words(a, x, strlen(x), y, strlen(y), &n);
		side(&b, d, n, DIFF_DEL);
		CHECK(b.len == strlen(x) && memcmp(buf_cstr(&b), x, b.len) == 0);
		side(&b, d, n, DIFF_ADD);
		CHECK(b.len == strlen(y) && memcmp(buf_cstr(&b), y, b.len) == 0);
	}
	buf_free(&b);
	arena_free(a);
}

int main(void)
{
	test_words();
	test_fixed();
	test_random();
	test_sizes();
	return test_done();
}
