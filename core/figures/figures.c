// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The counters' table, made from their one declaration (figures.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "figures.h"

const struct ri_counter_info ri_counters[RI_C_COUNT] = {
#define RI_X_INFO(id, field, pf, flags, name, title, tw, sw, drop, json, family, help, \
		  brief)                                                                \
	[RI_C_##id] = { #field, offsetof(struct ri_task, field), pf, flags, name, title, \
			tw, sw, drop, json, family, help, brief },
	RI_COUNTERS(RI_X_INFO)
#undef RI_X_INFO
};

/* Every counter is a cumulative __u64 of the ABI: the model subtracts them. */
#define RI_X_CHECK(id, field, ...)                                                    \
	_Static_assert(sizeof(((struct ri_task *)0)->field) == sizeof(uint64_t),       \
		       #field " is not a 64-bit counter");
RI_COUNTERS(RI_X_CHECK)
#undef RI_X_CHECK

const char *ri_state_name(int s)
{
	static const char *const names[RI_NSTATES] = { "disk", "blocked", "lock",
						       "net", "sleep", "other" };

	return s >= 0 && s < RI_NSTATES ? names[s] : "?";
}
const struct ri_resource_info ri_resources[RI_R_COUNT] = {
#define RI_X_INFO(id, name, metric, json, what) [RI_R_##id] = { name, metric, json, what },
	RI_RESOURCES(RI_X_INFO)
#undef RI_X_INFO
};

const struct ri_cg_field_info ri_cg_fields[RI_CGF_COUNT] = {
#define RI_X_INFO(f, kind, scale, json, family, help)                              \
	[RI_CGF_##f] = { offsetof(struct ri_cgroup, f), kind, scale, #f, json, family, help },
	RI_CG_FIELDS(RI_X_INFO)
#undef RI_X_INFO
};

int ri_counter_by_name(const char *name)
{
	for (int i = 0; i < RI_C_COUNT; i++)
		if (ri_counters[i].name && !strcasecmp(name, ri_counters[i].name))
			return i;
	return -1;
}

char *ri_counter_help(char *buf, size_t len, int c, const char *who)
{
	const char *h = ri_counters[c].help ? ri_counters[c].help : "";
	const char *at = strstr(h, "%s");

	if (at)
		snprintf(buf, len, "%.*s%s%s", (int)(at - h), h, who, at + 2);
	else
		snprintf(buf, len, "%s", h);
	return buf;
}
