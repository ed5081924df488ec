/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the metrics endpoint listens (--listen [ADDR:]PORT): the address
 * as the user wrote it, parsed without any I/O (so the command line can
 * be checked and fuzzed), and the listening socket opened from it.
 */
#ifndef RI_LISTEN_H
#define RI_LISTEN_H

#include <stddef.h>

struct ri_listen {
	int family;          /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* in network order: 4 or 16 bytes */
	unsigned short port;
};

/*
 * "PORT" (on 127.0.0.1), "ADDR:PORT" with a numeric IPv4 address or
 * "localhost", or "[ADDR]:PORT" with a numeric IPv6 address. Ports are
 * 1..65535. 0, or -EINVAL with one sentence in @err.
 */
int ri_listen_parse(const char *s, struct ri_listen *out, char *err,
		    size_t errlen);
/* "127.0.0.1:9100", "[::1]:9100". Returns @buf. */
char *ri_listen_str(const struct ri_listen *l, char *buf, size_t len);
/*
 * A socket bound to @l and listening, close-on-exec and non-blocking:
 * its descriptor, or a negative errno with one sentence in @err.
 */
int ri_listen_open(const struct ri_listen *l, char *err, size_t errlen);

#endif /* RI_LISTEN_H */
