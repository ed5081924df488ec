// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for alert rules (core/alerts/rules.c) and the units they use
 * (core/cli/units.c): the input is a rules file, split into lines as
 * ri_rules_read_file splits it. Whatever the bytes, each line parses or
 * is refused with a position inside it and a reason; what parses is
 * sane (a known metric and comparison, finite values, a name that fits);
 * the caret printer never reads past the line. The whole input is also
 * tried as a --growth-window duration.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "units.h"

static void check_rule(const struct ri_rule *r, const char *line)
{
	if (r->metric >= RI_AM_COUNT || r->op > RI_OP_LE || r->sel > RI_SEL_PID)
		abort();
	if (!isfinite(r->value) || !isfinite(r->for_s) || r->for_s < 0)
		abort();
	if (strnlen(r->comm, RI_COMM_LEN) >= RI_COMM_LEN)
		abort();
	if (r->sel == RI_SEL_COMM && !r->comm[0])
		abort();
	if (r->sel == RI_SEL_PID && r->pid < 1)
		abort();
	/* The text is the rule as written: a piece of the line. */
	if (!r->text[0] || !strstr(line, r->text))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ri_ruleset rs;
	FILE *null = fopen("/dev/null", "w");
	char *buf = malloc(size + 1), *line, *next;
	struct ri_rule_error e;
	double d;
	int ret;

	if (!buf || !null)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (!ri_duration_arg(buf, &d) && (!isfinite(d) || d < 0))
		abort();
	memset(&rs, 0, sizeof(rs));
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ret = ri_rules_add(&rs, line, &e);
		if (ret == 0)
			check_rule(&rs.v[rs.n - 1], line);
		else if (ret == -EINVAL || ret == -E2BIG)
			ri_rule_error_print(null, "fuzz", line, &e);
		else if (ret != 1)
			abort();
		if (ret == -EINVAL && (e.pos > strlen(line) || !e.what[0]))
			abort();
		if (rs.n > RI_MAX_RULES)
			abort();
	}
	fclose(null);
	free(buf);
	return 0;
}
