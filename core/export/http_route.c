// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Routing a request of the metrics endpoint and negotiating its format
 * (see http_route.h). The Accept header is read in place, one media range
 * at a time, never copied: its length is whatever a client sent, up to
 * what the server's per-connection memory let through.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "http_route.h"

/* A piece of the header: [p, p + n). */
struct span {
	const char *p;
	size_t n;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && !strncasecmp(s.p, lit, n);
}

/* Cuts @s at the first @sep: returns the part before, leaves the rest. */
static struct span cut(struct span *s, char sep)
{
	const char *e = memchr(s->p, sep, s->n);
	struct span head = { s->p, e ? (size_t)(e - s->p) : s->n };

	if (e) {
		s->n -= head.n + 1;
		s->p = e + 1;
	} else {
		s->p += s->n;
		s->n = 0;
	}
	return head;
}

/*
 * A quality value as RFC 9110 writes it: "0", "1", "0.5", "1.000", at
 * most three decimals. In thousandths; -1 when it is not one.
 */
static int parse_q(struct span v)
{
	int q, i, scale = 100;

	if (v.n == 0 || (v.p[0] != '0' && v.p[0] != '1'))
		return -1;
	q = (v.p[0] - '0') * 1000;
	if (v.n == 1)
		return q;
	if (v.p[1] != '.' || v.n > 5)
		return -1;
	for (i = 2; i < (int)v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		q += (v.p[i] - '0') * scale;
		scale /= 10;
	}
	return q > 1000 ? -1 : q;
}

static struct span unquote(struct span v)
{
	if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"') {
		v.p++;
		v.n -= 2;
	}
	return v;
}

enum ri_expo_format ri_http_negotiate(const char *accept)
{
	struct span all;
	int om_q = 0, text_q = 0;

	if (!accept)
		return RI_FMT_TEXT;
	all.p = accept;
	all.n = strlen(accept);
	while (all.n) {
		struct span range = cut(&all, ','), type;
		struct span version = { NULL, 0 };
		bool has_version = false;
		int q = 1000;

		type = trim(cut(&range, ';'));
		while (range.n) {
			struct span param = cut(&range, ';');
			struct span name = trim(cut(&param, '='));
			struct span value = unquote(trim(param));

			if (span_is(name, "q")) {
				q = parse_q(value);
				if (q < 0)
					q = 0; /* unreadable: not acceptable */
			} else if (span_is(name, "version")) {
				version = value;
				has_version = true;
			}
		}
		if (span_is(type, "application/openmetrics-text")) {
			if ((!has_version || span_is(version, "1.0.0") ||
			     span_is(version, "0.0.1")) && q > om_q)
				om_q = q;
		} else if (span_is(type, "text/plain")) {
			if ((!has_version || span_is(version, "0.0.4")) && q > text_q)
				text_q = q;
		} else if (span_is(type, "text/*") || span_is(type, "*/*")) {
			if (q > text_q)
				text_q = q;
		}
	}
	return om_q > 0 && om_q >= text_q ? RI_FMT_OPENMETRICS : RI_FMT_TEXT;
}

void ri_http_route(const char *method, const char *path, const char *accept,
		   bool has_body, struct ri_http_route *out)
{
	out->format = RI_FMT_TEXT;
	/* Methods are case-sensitive (RFC 9110): "get" is not GET. */
	if (!method || (strcmp(method, "GET") && strcmp(method, "HEAD"))) {
		out->status = 405;
		out->page = RI_PAGE_NOT_ALLOWED;
	} else if (has_body) {
		out->status = 400;
		out->page = RI_PAGE_BAD_REQUEST;
	} else if (path && !strcmp(path, "/metrics")) {
		out->status = 200;
		out->page = RI_PAGE_METRICS;
		out->format = ri_http_negotiate(accept);
	} else if (path && !strcmp(path, "/")) {
		out->status = 200;
		out->page = RI_PAGE_INDEX;
	} else {
		out->status = 404;
		out->page = RI_PAGE_NOT_FOUND;
	}
}
