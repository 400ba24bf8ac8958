/*
** sign.c: HMAC-SHA-256 tokens through libsodium.
*/
#include "core/sign.h"

#include <sodium.h>
#include <string.h>

void sign_mac(const unsigned char key[SIGN_KEY_LEN], const char *msg, size_t n,
              char out[SIGN_HEX_LEN + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, n, key);
	sodium_bin2hex(out, SIGN_HEX_LEN + 1, mac, SIGN_HEX_LEN / 2);
}

int sign_check(const unsigned char key[SIGN_KEY_LEN], const char *msg, size_t n,
               const char *hex)
{
	if (!hex || strlen(hex) != SIGN_HEX_LEN)
		return 0;
	char want[SIGN_HEX_LEN + 1];
	sign_mac(key, msg, n, want);
	return sodium_memcmp(want, hex, SIGN_HEX_LEN) == 0;
}
