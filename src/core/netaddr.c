/*
** netaddr.c: client addresses as the limits count them (see netaddr.h).
** Addresses are parsed with inet_pton, so every spelling of one address
** ("2001:db8::1", "2001:0db8:0:0::1") gives one key.
*/
#include "core/netaddr.h"
#include "core/arena.h"

#include <arpa/inet.h>
#include <string.h>

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int netaddr_key(const char *text, unsigned char key[16])
{
	struct in_addr v4;
	memset(key, 0, 16);
	if (!text)
		return -1;
	if (inet_pton(AF_INET, text, &v4) == 1) {
		memcpy(key, v4_mapped, sizeof v4_mapped);
		memcpy(key + 12, &v4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, text, key) != 1) {
		memset(key, 0, 16);
		return -1;
	}
	if (memcmp(key, v4_mapped, sizeof v4_mapped) != 0)
		memset(key + 8, 0, 8);
	return 0;
}

/* The key as text; ipv4_net keeps only the first three bytes of IPv4. */
static char *key_text(struct arena *a, const char *text, int ipv4_net)
{
	unsigned char k[16];
	if (netaddr_key(text, k) != 0)
		return arena_strdup(a, text ? text : "");
	if (!memcmp(k, v4_mapped, sizeof v4_mapped)) {
		if (ipv4_net)
			return arena_printf(a, "%u.%u.%u.0/24", k[12], k[13], k[14]);
		return arena_printf(a, "%u.%u.%u.%u", k[12], k[13], k[14], k[15]);
	}
	return arena_printf(a, "%x:%x:%x:%x::/64", k[0] << 8 | k[1], k[2] << 8 | k[3],
	                    k[4] << 8 | k[5], k[6] << 8 | k[7]);
}

char *netaddr_client(struct arena *a, const char *text)
{
	return key_text(a, text, 0);
}

char *netaddr_network(struct arena *a, const char *text)
{
	return key_text(a, text, 1);
}
