// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --listen [ADDR:]PORT: parsing (numeric addresses only: a name would
 * mean a resolver, files and perhaps the network before anything runs)
 * and opening the listening socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

/* Longest address text we look at: a full IPv6 address with brackets. */
#define ADDR_MAX 64

static int parse_port(const char *s, unsigned short *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s >= 5)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*out = (unsigned short)v;
	return 0;
}

int ri_listen_parse(const char *s, struct ri_listen *out, char *err,
		    size_t errlen)
{
	char host[ADDR_MAX];
	const char *colon, *port;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		n = (size_t)(close - s - 1);
		port = close + 2;
		if (n == 0 || n >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		out->family = AF_INET6;
		if (inet_pton(AF_INET6, host, out->addr) != 1) {
			snprintf(err, errlen, "'%.64s' is not a numeric IPv6 address", host);
			return -EINVAL;
		}
	} else if ((colon = strrchr(s, ':'))) {
		n = (size_t)(colon - s);
		port = colon + 1;
		if (memchr(s, ':', n)) {
			snprintf(err, errlen, "an IPv6 address goes in brackets: [ADDR]:PORT");
			return -EINVAL;
		}
		if (n == 0 || n >= sizeof(host))
			goto bad;
		memcpy(host, s, n);
		host[n] = '\0';
		out->family = AF_INET;
		if (!strcmp(host, "localhost"))
			strcpy(host, "127.0.0.1");
		if (inet_pton(AF_INET, host, out->addr) != 1) {
			snprintf(err, errlen, "'%.64s' is not a numeric IPv4 address "
					      "(or localhost)", host);
			return -EINVAL;
		}
	} else {
		port = s;
		out->family = AF_INET;
		inet_pton(AF_INET, "127.0.0.1", out->addr);
	}
	if (parse_port(port, &out->port)) {
		snprintf(err, errlen, "'%.64s' is not a port (1 to 65535)", port);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "'%.64s' is not [ADDR:]PORT (e.g. 9100, "
			      "0.0.0.0:9100, [::1]:9100)", s);
	return -EINVAL;
}

char *ri_listen_str(const struct ri_listen *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(l->family, l->addr, a, sizeof(a));
	if (l->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, l->port);
	else
		snprintf(buf, len, "%s:%u", a, l->port);
	return buf;
}

int ri_listen_open(const struct ri_listen *l, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char where[ADDR_MAX + 8];
	int fd, one = 1, e;

	memset(&ss, 0, sizeof(ss));
	if (l->family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(l->port);
		memcpy(&a->sin6_addr, l->addr, 16);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(l->port);
		memcpy(&a->sin_addr, l->addr, 4);
		sl = sizeof(*a);
	}
	ri_listen_str(l, where, sizeof(where));
	fd = socket(l->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", where, strerror(e));
		return -e;
	}
	/* A restart must not wait for the last run's connections to time out. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 128)) {
		e = errno;
		close(fd);
		if (e == EACCES && l->port < 1024)
			snprintf(err, errlen, "cannot listen on %s: %s (ports below 1024 "
					      "need root or CAP_NET_BIND_SERVICE)",
				 where, strerror(e));
		else
			snprintf(err, errlen, "cannot listen on %s: %s", where, strerror(e));
		return -e;
	}
	return fd;
}
