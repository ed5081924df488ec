// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Containers named as their runtimes name them (container.h): the few
 * keys wanted of a runtime's own JSON files, found by a scan that keeps
 * count of nesting and skips strings, so a key is matched only where it
 * is a key, at the depth wanted, and nothing the file says (cut short,
 * not JSON at all) makes it read past its end. No JSON library: three
 * or four strings are all it takes.
 *
 * Read once, when a cgroup is first seen; the privileges kept after the
 * probe is attached (CAP_DAC_READ_SEARCH) still read these root-only
 * files for containers started later.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "figures.h"

/* Past the string that opens at @p (its quote); @end when it is not closed. */
static const char *skip_str(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
	}
	return end;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The string opening at @p into @out, its escapes undone (\uXXXX: '?'). */
static void copy_str(const char *p, const char *end, char *out, size_t len)
{
	size_t o = 0;

	for (p++; p < end && *p != '"'; p++) {
		char c = *p;

		if (c == '\\' && p + 1 < end) {
			c = *++p;
			switch (c) {
			case 'n': case 't': case 'r': case 'b': case 'f': c = '?'; break;
			case 'u':
				for (int i = 0; i < 4 && p + 1 < end && p[1] != '"'; i++)
					p++;
				c = '?';
				break;
			default: break; /* \" \\ \/ are themselves */
			}
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		if (o + 1 < len)
			out[o++] = c;
	}
	if (len)
		out[o] = '\0';
}

/* ri_json_value from depth *@dp (the depth at the match on return). */
static const char *json_at(const char *p, const char *end, const char *key, int depth,
			   char *out, size_t len, int *dp)
{
	size_t kl = strlen(key);
	int d = *dp;

	if (len)
		out[0] = '\0';
	while (p && p < end) {
		const char *s, *v;

		switch (*p) {
		case '{':
		case '[':
			d++;
			p++;
			continue;
		case '}':
		case ']':
			if (--d < 0)
				return NULL; /* the object it started in ends */
			p++;
			continue;
		case '"':
			break;
		default:
			p++;
			continue;
		}
		s = p;
		p = skip_str(p, end);
		v = skip_ws(p, end);
		if (v >= end || *v != ':')
			continue;
		if ((depth >= 0 && d != depth) || (size_t)(p - s) != kl + 2 ||
		    memcmp(s + 1, key, kl))
			continue;
		v = skip_ws(v + 1, end);
		if (v < end && *v == '[')
			v = skip_ws(v + 1, end);
		if (v >= end || *v != '"')
			continue; /* not a string: another key may be */
		copy_str(v, end, out, len);
		*dp = d;
		return skip_str(v, end);
	}
	return NULL;
}

const char *ri_json_value(const char *p, const char *end, const char *key, int depth,
			  char *out, size_t len)
{
	int d = 0;

	return json_at(p, end, key, depth, out, len, &d);
}

void ri_container_names_parse(const char *buf, size_t n, const char *id,
			      struct ri_ct_names *out)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		/* containerd under Kubernetes (CRI) */
		{ "io.kubernetes.cri.container-name", offsetof(struct ri_ct_names, name) },
		{ "io.kubernetes.cri.sandbox-name", offsetof(struct ri_ct_names, pod) },
		{ "io.kubernetes.cri.sandbox-namespace", offsetof(struct ri_ct_names, pod_ns) },
		/* CRI-O, and Docker's labels under the dockershim */
		{ "io.kubernetes.container.name", offsetof(struct ri_ct_names, name) },
		{ "io.kubernetes.pod.name", offsetof(struct ri_ct_names, pod) },
		{ "io.kubernetes.pod.namespace", offsetof(struct ri_ct_names, pod_ns) },
	};
	const char *end = buf + n, *p;
	char v[RI_CT_NAME], dn[RI_CT_NAME + 1], idv[RI_CONTAINER_ID + 1];
	int d = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *dst = (char *)out + keys[i].off;

		if (!dst[0] && ri_json_value(buf, end, keys[i].key, -1, v, sizeof(v)) && v[0])
			memcpy(dst, v, sizeof(v));
	}
	/* Docker: the top object's "Name", "/" first. */
	if (!out->name[0] && ri_json_value(buf, end, "Name", 1, dn, sizeof(dn)))
		snprintf(out->name, sizeof(out->name), "%s", dn + (dn[0] == '/'));
	/* Podman (containers/storage): [{"id": ID, "names": [NAME, ...]}, ...] */
	for (p = buf; id && id[0] && !out->name[0] &&
		      (p = json_at(p, end, "id", 2, idv, sizeof(idv), &d));)
		if (!strcmp(idv, id))
			(void)ri_json_value(p, end, "names", 0, out->name, sizeof(out->name));
}

const char *ri_ct_names_label(char *buf, size_t len, const struct ri_ct_names *n)
{
	if (!len)
		return NULL;
	buf[0] = '\0';
	if (n->pod[0] && n->name[0])
		snprintf(buf, len, "%s/%s", n->pod, n->name);
	else if (n->name[0] || n->pod[0])
		snprintf(buf, len, "%s", n->name[0] ? n->name : n->pod);
	return buf[0] ? buf : NULL;
}

#define NAMES_FILE_MAX (8u << 20) /* a containers.json of thousands of containers */

/* The whole of @path, up to NAMES_FILE_MAX; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *n)
{
	size_t cap = 16384, len = 0;
	char *b = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t k;

	if (fd < 0 || !b) {
		if (fd >= 0)
			close(fd);
		free(b);
		return NULL;
	}
	while ((k = read(fd, b + len, cap - len)) > 0) {
		len += (size_t)k;
		if (len == cap) {
			if (cap >= NAMES_FILE_MAX || !(nb = realloc(b, cap * 2)))
				break;
			b = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (k < 0 && !len) {
		free(b);
		return NULL;
	}
	*n = len;
	return b;
}

int ri_container_names(const char *root, const struct ri_container *c,
		       struct ri_ct_names *out)
{
	/* Where each runtime keeps what names a container, "%s" its id. */
	static const struct {
		const char *runtime, *fmt;
		bool podman_list;
	} files[] = {
		{ "docker", "/var/lib/docker/containers/%s/config.v2.json", false },
		{ "containerd", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json",
		  false },
		{ "containerd", "/run/containerd/io.containerd.runtime.v2.task/default/%s/config.json",
		  false },
		{ "cri-o", "/run/containers/storage/overlay-containers/%s/userdata/config.json", false },
		{ "cri-o", "/var/lib/containers/storage/overlay-containers/%s/userdata/config.json",
		  false },
		{ "podman", "/var/lib/containers/storage/overlay-containers/containers.json", true },
		{ "podman", "/run/containers/storage/overlay-containers/volatile-containers.json",
		  true },
	};
	char path[512];
	bool any = false;

	memset(out, 0, sizeof(*out));
	if (!c->runtime || !c->id[0])
		return -ENOENT;
	if (!root || !strcmp(root, "/"))
		root = "";
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !out->name[0]; i++) {
		size_t n = 0;
		char *b;
		int w;

		/* A bare id of no known runtime: any of them may have made it. */
		if (strcmp(c->runtime, files[i].runtime) && strcmp(c->runtime, "container"))
			continue;
		w = files[i].podman_list ? snprintf(path, sizeof(path), "%s%s", root, files[i].fmt) :
					   snprintf(path, sizeof(path), "%s%.*s%s%s", root,
						    (int)(strstr(files[i].fmt, "%s") - files[i].fmt),
						    files[i].fmt, c->id,
						    strstr(files[i].fmt, "%s") + 2);
		if (w < 0 || (size_t)w >= sizeof(path) || !(b = slurp(path, &n)))
			continue;
		ri_container_names_parse(b, n, files[i].podman_list ? c->id : NULL, out);
		free(b);
		any = true;
	}
	return any && (out->name[0] || out->pod[0]) ? 0 : -ENOENT;
}
