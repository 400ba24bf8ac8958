/*
** password.h: hashing staff passwords with argon2id (libsodium).
**
** OWASP's parameters: argon2id, 19 MiB of memory, 2 passes, 1 lane, stored
** as a PHC string ("$argon2id$v=19$m=19456,t=2,p=1$...").  Each hash takes
** about a tenth of a second and 19 MiB, so the number running at once is
** bounded (password_init): a burst of logins queues instead of exhausting
** the machine, and a caller that waits too long gets PASSWORD_BUSY.
*/
#ifndef BYLINE_CORE_PASSWORD_H
#define BYLINE_CORE_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 1024
#define PASSWORD_HASH_MAX 128 /* bytes of a PHC string, with its NUL */

enum password_rc {
	PASSWORD_OK = 0,     /* hashed, or verified */
	PASSWORD_WRONG = 1,  /* verify: not this password */
	PASSWORD_BUSY = -1,  /* too many hashes running; try again shortly */
	PASSWORD_ERR = -2,   /* out of memory inside libsodium, or a bad hash */
};

/* Sets how many hashes may run at once (default 2).  Call before threads. */
void password_init(int concurrent);

/* Hashes pw[0..n) into out (PASSWORD_HASH_MAX bytes). */
int password_hash(const char *pw, size_t n, char out[PASSWORD_HASH_MAX]);

/* Checks pw[0..n) against a stored PHC string.  A NULL or empty hash is
** checked against a dummy so the time taken never says whether an account
** exists. */
int password_verify(const char *hash, const char *pw, size_t n);

/* NULL if pw is acceptable, else the sentence saying why not.  Acceptable:
** valid UTF-8 without NUL, 12 to 1,024 characters (code points, so "é" is
** one), and not made only of blanks (spaces of any width, tabs, line breaks,
** zero-width characters): twelve spaces are refused.  Following NIST SP
** 800-63B there are no composition rules (no "one digit, one capital");
** spaces inside a passphrase are welcome. */
const char *password_check_policy(const char *pw, size_t n);

#endif
