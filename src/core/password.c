/*
** password.c: argon2id through libsodium, with a bound on concurrency.
*/
#include "core/password.h"
#include "core/i18n_mark.h"
#include "core/utf8.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define OPS 2
#define MEM (19u * 1024u * 1024u)
#define WAIT_SECONDS 10

static sem_t slots;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int n_slots = 2;

/* The hash of a random password nobody knows: verifying an unknown
** account against it costs what a real verification costs.  Made at the
** first verification, not at start (it takes a tenth of a second). */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	if (sodium_init() < 0)
		n_slots = 1;
	sem_init(&slots, 0, (unsigned)n_slots);
}

static void dummy_init(void)
{
	unsigned char pw[32];
	randombytes_buf(pw, sizeof pw);
	if (crypto_pwhash_str_alg(dummy, (const char *)pw, sizeof pw, OPS, MEM,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy[0] = 0; /* out of memory: verify then fails fast, and says so */
}

void password_init(int concurrent)
{
	if (concurrent > 0)
		n_slots = concurrent;
	pthread_once(&once, init_once);
}

static int acquire(void)
{
	pthread_once(&once, init_once);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_SECONDS;
	while (sem_timedwait(&slots, &until) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int password_hash(const char *pw, size_t n, char out[PASSWORD_HASH_MAX])
{
	if (acquire() != 0)
		return PASSWORD_BUSY;
	int rc = crypto_pwhash_str_alg(out, pw, n, OPS, MEM, crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&slots);
	return rc == 0 ? PASSWORD_OK : PASSWORD_ERR;
}

int password_verify(const char *hash, const char *pw, size_t n)
{
	int real = hash && *hash && strlen(hash) < crypto_pwhash_STRBYTES;
	if (!real)
		pthread_once(&dummy_once, dummy_init);
	char stored[crypto_pwhash_STRBYTES];
	memset(stored, 0, sizeof stored);
	if (acquire() != 0)
		return PASSWORD_BUSY;
	const char *use = real ? hash : dummy;
	memcpy(stored, use, strlen(use));
	int rc = crypto_pwhash_str_verify(stored, pw, n);
	sem_post(&slots);
	if (!real)
		return PASSWORD_WRONG;
	return rc == 0 ? PASSWORD_OK : PASSWORD_WRONG;
}

/* 1 if cp shows as nothing: a space of any width, a line or page break, or
** an invisible joiner or mark (U+200B..U+200D, U+2060, U+FEFF). */
static int is_blank(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 ||
	       cp == 0xFEFF;
}

/* 1 if every character of the valid UTF-8 pw[0..n) is blank. */
static int all_blank(const char *pw, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode(pw + i, n - i, &cp);
		if (len <= 0 || !is_blank(cp))
			return 0;
		i += (size_t)len;
	}
	return 1;
}

const char *password_check_policy(const char *pw, size_t n)
{
	if (memchr(pw, 0, n) || !utf8_valid(pw, n))
		return DN_("The password contains characters that are not valid text.");
	size_t chars = utf8_count(pw, n);
	if (chars < PASSWORD_MIN_CHARS)
		return DN_("Please choose a password of at least 12 characters. A few ordinary "
		       "words in a row make a strong one.");
	if (chars > PASSWORD_MAX_CHARS)
		return DN_("That password is longer than 1,024 characters; please choose a "
		       "shorter one.");
	/* NIST SP 800-63B: length, no composition rules, but refuse what is
	** trivially guessed.  Twelve spaces pass the length rule; a password
	** made only of blanks is one guess per length. */
	if (all_blank(pw, n))
		return DN_("A password of only spaces is too easy to guess. Please choose one "
		       "with letters, words or other characters in it.");
	return NULL;
}
