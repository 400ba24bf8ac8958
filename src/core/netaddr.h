/*
** netaddr.h: the one home of how a client's address is counted.
**
** Limits that count clients (the connection cap, the sign-in throttle, the
** comment flood window) must agree on what "one client" is.  An IPv4
** address is one client, however it is written (also IPv4-mapped,
** "::ffff:192.0.2.1"); an IPv6 address is its /64, since one subscriber
** holds a whole /64 and can pick any address in it.  Comment floods also
** count a wider network: an IPv4 /24, and the same IPv6 /64.
*/
#ifndef BYLINE_CORE_NETADDR_H
#define BYLINE_CORE_NETADDR_H

struct arena;

/* Writes the 16-byte key `text` is counted under: an IPv4 address as
** IPv4-mapped IPv6, any other IPv6 address with its last 64 bits zeroed.
** 0, or -1 (key all zero) if text is not an IP address. */
int netaddr_key(const char *text, unsigned char key[16]);

/* The same key as text: "192.0.2.1" or "2001:db8:1:2::/64".  A text that
** is not an address comes back as it is ("" for NULL).  Allocated in a. */
char *netaddr_client(struct arena *a, const char *text);

/* The network for floods from many addresses: "192.0.2.0/24" or
** "2001:db8:1:2::/64".  Otherwise as netaddr_client().  Allocated in a. */
char *netaddr_network(struct arena *a, const char *text);

#endif
