// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Containers and pods named from cgroup paths (container.h). Each path
 * component is matched on its own, the innermost container id winning;
 * an id is 64 hex digits, the runtime is told by what surrounds it, and
 * a bare id is Docker's under "/docker", containerd's under a pod.
 */
#include <ctype.h>
#include <string.h>

#include "container.h"

static size_t hex_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
		i++;
	return i;
}

/* @s (@n bytes) is exactly PREFIX + 64 hex + SUFFIX: its id into @id. */
static bool wrapped(const char *s, size_t n, const char *prefix, const char *suffix,
		    char id[RI_CONTAINER_ID])
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (n != pl + 64 + sl || strncmp(s, prefix, pl) || strncmp(s + pl + 64, suffix, sl) ||
	    hex_len(s + pl, 64) != 64)
		return false;
	memcpy(id, s + pl, 64);
	id[64] = '\0';
	return true;
}

/* "pod" + a UID, dashed (cgroupfs) or with underscores (systemd). */
static bool pod(const char *s, size_t n, char out[RI_POD_UID])
{
	const char *p = NULL;
	char uid[RI_POD_UID];

	for (size_t i = 0; i + 3 + 36 <= n; i++)
		if (!strncmp(s + i, "pod", 3) && (i == 0 || s[i - 1] == '-')) {
			p = s + i + 3;
			break;
		}
	if (!p)
		return false;
	for (size_t i = 0; i < 36; i++) {
		char c = p[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? (c != '-' && c != '_') : !isxdigit((unsigned char)c))
			return false;
		uid[i] = dash ? '-' : (char)tolower((unsigned char)c);
	}
	/* The UID ends the component, or ".slice" does. */
	if (p + 36 != s + n && (p + 42 != s + n || strncmp(p + 36, ".slice", 6)))
		return false;
	uid[36] = '\0';
	memcpy(out, uid, sizeof(uid));
	return true;
}

bool ri_container_of(const char *path, struct ri_container *c)
{
	static const struct {
		const char *prefix, *suffix, *runtime;
	} forms[] = {
		{ "docker-", ".scope", "docker" },
		{ "cri-containerd-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
		{ "crio-", "", "cri-o" },
		{ "libpod-", ".scope", "podman" },
		{ "libpod-", "", "podman" },
	};
	const char *p = path, *prev = NULL;
	size_t prevn = 0;

	memset(c, 0, sizeof(*c));
	if (!path)
		return false;
	while (*p) {
		const char *e;
		size_t n;
		char id[RI_CONTAINER_ID];

		while (*p == '/')
			p++;
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (!n)
			break;
		(void)pod(p, n, c->pod_uid);
		for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
			if (wrapped(p, n, forms[i].prefix, forms[i].suffix, id)) {
				c->runtime = forms[i].runtime;
				memcpy(c->id, id, sizeof(id));
				break;
			}
		/* A bare id: who made it is the component before. */
		if (n == 64 && hex_len(p, 64) == 64) {
			if (prev && prevn == 6 && !strncmp(prev, "docker", 6))
				c->runtime = "docker";
			else if (c->pod_uid[0])
				c->runtime = "containerd";
			else if (prev && prevn == 13 && !strncmp(prev, "libpod_parent", 13))
				c->runtime = "podman";
			else
				c->runtime = c->runtime ? c->runtime : "container";
			memcpy(c->id, p, 64);
			c->id[64] = '\0';
		}
		prev = p;
		prevn = n;
		p += n;
	}
	return c->runtime || c->pod_uid[0];
}
