/*
** fuzz.h: what every harness in tests/fuzz/ shares.
**
** Each fuzz_<target>.c is one harness, written once and built two ways:
**
**   - with -DFUZZ_LIBFUZZER by clang as a libFuzzer binary (`make fuzz`):
**     FUZZ_TARGET() then defines LLVMFuzzerTestOneInput;
**   - with the normal CFLAGS (gcc, and ASan+UBSan under `make check`) into
**     one replay program, build/tests/test_fuzz_replay (`make test`), which
**     feeds it every file under tests/fuzz/<target>/corpus/ and crashes/:
**     FUZZ_TARGET() then defines fuzz_<target>().
**
** A harness checks what the code under test promises (its header comment)
** with FUZZ_ASSERT, which prints and aborts: libFuzzer saves the input, and
** the replay counts the file as failed.  Everything a harness computes must
** be used (asserted on), or the compiler may delete the call.
*/
#ifndef BYLINE_FUZZ_H
#define BYLINE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Every target; a new harness fuzz_x.c is added here as X(x). */
#define FUZZ_LIST(X) \
	X(urlencoded) X(request) X(multipart) X(markdown) X(tpl) X(route) X(text) X(search) \
	X(wire) X(wxr) X(copydesk) X(image) X(json) X(po)

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
#define FUZZ_DECLARE_(name) int fuzz_##name(const uint8_t *data, size_t size);
FUZZ_LIST(FUZZ_DECLARE_)
#undef FUZZ_DECLARE_
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#endif

/* A promise broken: says which and where, then aborts.  The message is a
** printf format and its arguments (at least the format). */
#define FUZZ_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* ---- support.c ---- */

/* A malloc'd copy of s[0..n) with a NUL after it (the copy is n + 1 bytes,
** so reading past the NUL is caught by ASan).  Caller frees. */
char *fuzz_strndup(const void *s, size_t n);

/* A copy of data[0..size) that ends exactly where an unreadable page
** begins, so that any read past its end faults at once, even in code that
** ASan does not see (libraries such as md4c that were not built with it).
** Valid until the next call; inputs over 1 MiB get a plain exactly sized
** heap copy instead. */
const char *fuzz_guarded(const uint8_t *data, size_t size);

/* Splits data[0..size) at its first `max - 1` bytes equal to sep: parts[i]
** and lens[i] get each piece (pointing into data); returns how many pieces
** (1..max). */
size_t fuzz_split(const uint8_t *data, size_t size, char sep, const char **parts,
                  size_t *lens, size_t max);

/*
** Fake request headers.  server.c's http_header() reads the parsed head; the
** fuzz and replay programs are linked with -Wl,--wrap=http_header, so every
** call to http_header() from the library lands in support.c, which answers
** from a struct fuzz_headers that req->conn points at (and hands any other
** request to the real function).
*/
#define FUZZ_MAX_HEADERS 8
struct fuzz_headers {
	unsigned magic;                     /* FUZZ_HEADERS_MAGIC */
	const char *names[FUZZ_MAX_HEADERS];
	const char *values[FUZZ_MAX_HEADERS];
	int n;
};
#define FUZZ_HEADERS_MAGIC 0xF0221EADu

#endif
