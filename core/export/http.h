/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics endpoint's HTTP server (libmicrohttpd, http.c): serves the
 * exposition the tick last published, from the server's own threads, so
 * a scrape never waits for a tick and a tick never waits for a client.
 *
 * What a client gets: GET or HEAD /metrics (OpenMetrics or the Prometheus
 * text format, as its Accept header asks), GET / (a small HTML page), 404
 * elsewhere, 405 for other methods (http_route.c decides). What it cannot
 * do: hold more than RI_HTTP_MAX_CONN connections (the one waiting longest
 * for its request goes first), take more than RI_HTTP_DEADLINE_S to send
 * a request and read its answer, send headers larger than
 * RI_HTTP_CONN_MEMORY, or make the tool read a file or allocate more.
 *
 * Builds without libmicrohttpd (the static binary for the kernel matrix,
 * the unit tests, the fuzzers) link http_none.c instead, where starting
 * fails with one sentence.
 */
#ifndef RI_HTTP_H
#define RI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"

#define RI_HTTP_MAX_CONN 256
#define RI_HTTP_DEADLINE_S 10
#define RI_HTTP_CONN_MEMORY (16 * 1024)

struct ri_http;

/*
 * Whether a server can run: this build has one (http_none.c says no) and
 * its library loads (http.c loads it here, once: call it before
 * privileges are dropped).
 */
bool ri_http_available(void);

/*
 * Starts serving on @fd, a socket bound and listening (ri_listen_open),
 * which the server owns from then on, failure included. The server's
 * threads start here: call it once privileges are dropped, so they hold
 * none. 0, or a negative errno with one sentence in @err.
 */
int ri_http_start(int fd, struct ri_http **out, char *err, size_t errlen);
/*
 * An exposition to render the next one into (its buffers reused from an
 * earlier one no response holds any more); NULL when out of memory.
 */
struct ri_expo *ri_http_expo(struct ri_http *h);
/*
 * Serves @e (from ri_http_expo) from now on. The previous exposition is
 * released once the last response sending it is done.
 */
void ri_http_publish(struct ri_http *h, struct ri_expo *e);
/* Gives back an exposition from ri_http_expo that will not be published. */
void ri_http_discard(struct ri_http *h, struct ri_expo *e);
/* Stops serving: closes every connection and the socket, frees all. */
void ri_http_stop(struct ri_http *h);

#endif /* RI_HTTP_H */
