/*
** test.h: the unit-test harness.  A test binary calls CHECK() as often as it
** likes and ends main() with `return test_done();`, which prints the
** closing "N passed, N failed" line and gives the exit status.
*/
#ifndef BYLINE_TEST_H
#define BYLINE_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

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

static inline int test_done(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
