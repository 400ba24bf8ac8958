/*
** test.h: the unit-test harness.  A test binary calls CHECK() as often as it
** likes and ends main() with `return test_done();`, which prints the
** closing "N passed, N failed, N skipped" line and gives the exit status.
** A check that cannot run here (a fixture or tool is missing) calls
** test_skip(): it is reported and counted as skipped, never as passed.
*/
#ifndef BYLINE_TEST_H
#define BYLINE_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed, test_skipped;

#define CHECK(cond) do { \
	if (cond) test_passed++; \
	else { test_failed++; fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) test_passed++; \
	else { test_failed++; fprintf(stderr, "%s:%d: FAIL: %s\n  got:  %s\n  want: %s\n", \
	       __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

/* Counts one skipped test, named, and says why it could not run. */
static inline void test_skip(const char *name, const char *why)
{
	test_skipped++;
	printf("SKIP: %s: %s\n", name, why);
}

static inline int test_done(void)
{
	printf("%d passed, %d failed, %d skipped\n", test_passed, test_failed, test_skipped);
	return test_failed ? 1 : 0;
}

#endif
