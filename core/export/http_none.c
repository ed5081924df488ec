// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The HTTP server of builds without libmicrohttpd (the static binary for
 * the kernel matrix, the unit tests, the fuzzers): --listen fails with
 * one sentence, and nothing else changes.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "http.h"

#define RI_HTTP_NONE "this build of resource_image has no HTTP server " \
		     "(built without libmicrohttpd): --listen is not available"

bool ri_http_available(void)
{
	return false;
}

int ri_http_start(int fd, struct ri_http **out, char *err, size_t errlen)
{
	if (fd >= 0)
		close(fd);
	*out = NULL;
	snprintf(err, errlen, "%s", RI_HTTP_NONE);
	return -ENOSYS;
}

struct ri_expo *ri_http_expo(struct ri_http *h)
{
	(void)h;
	return NULL;
}

void ri_http_publish(struct ri_http *h, struct ri_expo *e)
{
	(void)h;
	(void)e;
}

void ri_http_discard(struct ri_http *h, struct ri_expo *e)
{
	(void)h;
	(void)e;
}

void ri_http_stop(struct ri_http *h)
{
	(void)h;
}
