/*
** sign.h: message authentication for tokens the server hands out and must
** later believe: the comment form's token, the held-comment cookie.
**
** A MAC is HMAC-SHA-256 (libsodium) truncated to 128 bits, written as 32
** hex digits.  Verification runs in constant time.
*/
#ifndef BYLINE_CORE_SIGN_H
#define BYLINE_CORE_SIGN_H

#include <stddef.h>

#define SIGN_KEY_LEN 32
#define SIGN_HEX_LEN 32

/* Writes the MAC of msg[0..n) under key as 32 hex digits plus NUL. */
void sign_mac(const unsigned char key[SIGN_KEY_LEN], const char *msg, size_t n,
              char out[SIGN_HEX_LEN + 1]);

/* 1 if hex is the MAC of msg[0..n) under key. */
int sign_check(const unsigned char key[SIGN_KEY_LEN], const char *msg, size_t n,
               const char *hex);

#endif
