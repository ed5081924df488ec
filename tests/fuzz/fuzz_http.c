// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for what a client of the metrics endpoint controls:
 * the method, the path and the Accept header of a request (split on NUL
 * bytes; the first byte says whether a body is announced), as
 * ri_http_route and ri_http_negotiate read them. Whatever the bytes, the
 * answer is one of the four statuses with its page, GET/HEAD only for
 * 200, and the same Accept always gets the same format. The --listen
 * address parser gets the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http_route.h"
#include "listen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[3] = { NULL, NULL, NULL }, err[160];
	struct ri_http_route r;
	struct ri_listen l;
	bool body;
	size_t i, n = 0, start;

	if (size < 1)
		return 0;
	body = data[0] & 1;
	buf = malloc(size);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (i = 0, start = 0; i < size && n < 3; i++) {
		if (i == size - 1 || buf[i] == '\0') {
			buf[i] = '\0';
			part[n++] = buf + start;
			start = i + 1;
		}
	}
	ri_http_route(part[0], part[1], part[2], body, &r);
	switch (r.status) {
	case 200:
		if (r.page != RI_PAGE_METRICS && r.page != RI_PAGE_INDEX)
			abort();
		if (strcmp(part[0], "GET") && strcmp(part[0], "HEAD"))
			abort();
		if (body)
			abort();
		if (r.page == RI_PAGE_METRICS && r.format != ri_http_negotiate(part[2]))
			abort();
		break;
	case 400:
		if (r.page != RI_PAGE_BAD_REQUEST || !body)
			abort();
		break;
	case 404:
		if (r.page != RI_PAGE_NOT_FOUND)
			abort();
		break;
	case 405:
		if (r.page != RI_PAGE_NOT_ALLOWED)
			abort();
		break;
	default:
		abort();
	}
	if (r.format != RI_FMT_TEXT && r.format != RI_FMT_OPENMETRICS)
		abort();
	err[0] = '\0';
	if (part[0] && ri_listen_parse(part[0], &l, err, sizeof(err))) {
		if (!err[0])
			abort(); /* a refusal always says why */
	} else if (part[0] && (l.port == 0 || (l.family != AF_INET && l.family != AF_INET6))) {
		abort();
	}
	free(buf);
	return 0;
}
