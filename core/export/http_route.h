/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the metrics endpoint answers to a request, decided from the
 * method, the path and the Accept header alone: pure functions, no I/O,
 * no allocation, so every byte a client can send is fuzzed here
 * (tests/fuzz/fuzz_http.c) apart from the server that calls them.
 */
#ifndef RI_HTTP_ROUTE_H
#define RI_HTTP_ROUTE_H

#include <stdbool.h>

enum ri_expo_format {
	RI_FMT_TEXT,        /* Prometheus text format 0.0.4 */
	RI_FMT_OPENMETRICS, /* OpenMetrics 1.0 text */
};

enum ri_http_page {
	RI_PAGE_METRICS,     /* the exposition, in the negotiated format */
	RI_PAGE_INDEX,       /* a small HTML page: name, version, a link */
	RI_PAGE_NOT_FOUND,   /* 404 */
	RI_PAGE_NOT_ALLOWED, /* 405, with "Allow: GET, HEAD" */
	RI_PAGE_BAD_REQUEST, /* 400: a GET or HEAD that carries a body */
};

struct ri_http_route {
	int status;                /* 200, 400, 404 or 405 */
	enum ri_http_page page;
	enum ri_expo_format format; /* of RI_PAGE_METRICS */
};

/*
 * @method and @path as the server parsed them (the path without its
 * query), @accept the Accept header or NULL, @has_body whether the
 * request announces a body (Content-Length other than 0, or any
 * Transfer-Encoding). GET and HEAD are served (HEAD: the same headers,
 * no body), with a body they are 400 (it would be read for nothing);
 * anything else is 405, answered before its body is read.
 */
void ri_http_route(const char *method, const char *path, const char *accept,
		   bool has_body, struct ri_http_route *out);
/*
 * OpenMetrics when @accept asks for application/openmetrics-text (version
 * 1.0.0, 0.0.1 or none) with a quality above zero and at least that of
 * any text format it also accepts; the Prometheus text format otherwise,
 * a missing or unreadable header included.
 */
enum ri_expo_format ri_http_negotiate(const char *accept);

#endif /* RI_HTTP_ROUTE_H */
