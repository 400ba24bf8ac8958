/*
** diff.h: a line diff between two texts, for article revisions.
**
** The revision view shows what changed between two versions of an article
** and can restore one.  diff_lines() compares the texts line by line and
** returns an edit script: every line of the old text, in order, is either
** kept (DIFF_SAME) or deleted (DIFF_DEL), and every line of the new text is
** either kept or added (DIFF_ADD).  So the DIFF_SAME and DIFF_DEL lines,
** concatenated, are the old text byte for byte, and the DIFF_SAME and
** DIFF_ADD lines are the new text.  Within a run of changes the deletions
** come before the additions, the way unified diffs show them.
**
** A line is the bytes up to and including its '\n'; a final line without
** one counts as a line too, so "a\nb" and "a\nb\n" differ in their last
** line ("b" against "b\n"), which a page can mark as "no newline at end".
** A page that prints the lines strips the '\n' itself.
**
** The algorithm is Myers's O(ND) difference in its linear-space form (the
** "middle snake" divide and conquer, as GNU diff and git's xdiff do it),
** after taking off the common head and tail and setting aside lines that
** occur in only one of the texts (they can only be added or deleted).  The
** script is minimal when the texts are close; when they are far apart a cost
** cap makes it near-minimal instead of slow.  Memory is linear in the
** number of lines.  Beyond DIFF_MAX_LINES lines (after the common head and
** tail) the changed middle is shown as "delete all, add all".
*/
#ifndef BYLINE_CORE_DIFF_H
#define BYLINE_CORE_DIFF_H

#include <stddef.h>

struct arena;

/* Lines of the two texts' differing middle above which diff_lines() gives
** up comparing and deletes the old middle and adds the new one. */
#define DIFF_MAX_LINES 200000

enum diff_op {
	DIFF_SAME, /* in both texts */
	DIFF_ADD,  /* only in the new text */
	DIFF_DEL,  /* only in the old text */
};

struct diff_line {
	enum diff_op op;  /* what happened to the line */
	const char *text; /* the line, borrowed from the input it came from */
	size_t len;       /* bytes in text, counting its '\n' if it has one */
};

/* The edit script that turns x[0..xlen) into y[0..ylen), as described
** above; *n gets the number of entries.  For DIFF_SAME lines text points
** into x.  The array is allocated in a (never NULL, even when *n is 0); the
** texts must outlive it.  x or y may be NULL when its length is 0. */
struct diff_line *diff_lines(struct arena *a, const char *x, size_t xlen, const char *y,
                             size_t ylen, size_t *n);

/* The same over word tokens instead of lines, for highlighting the words
** that changed within a changed line: a token is a run of letters and
** digits (every byte past ASCII counts as a letter, so UTF-8 characters
** stay whole), a run of spaces, tabs and line breaks, or one other byte
** (punctuation).  The script has the same properties as diff_lines()'s:
** SAME and DEL tokens concatenated are x, SAME and ADD tokens are y.  Each
** entry's text is one token (DIFF_MAX_LINES bounds the tokens compared). */
struct diff_line *diff_words(struct arena *a, const char *x, size_t xlen, const char *y,
                             size_t ylen, size_t *n);

#endif
