/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The container a cgroup path belongs to, from the path alone (either
 * cgroup layout, either cgroup driver of the runtimes): Docker
 * ("/docker/ID", "docker-ID.scope"), containerd under Kubernetes
 * ("cri-containerd-ID.scope", "/kubepods/.../pod<UID>/ID"), CRI-O
 * ("crio-ID.scope"), Podman ("libpod-ID.scope", "/libpod_parent/libpod-ID"),
 * and the Kubernetes pod's UID ("pod<UID>", "-pod<UID_with_underscores>.slice").
 * Pure: no I/O, so a recording's paths name the same containers on any
 * host.
 */
#ifndef RI_CONTAINER_H
#define RI_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define RI_CONTAINER_ID 65 /* 64 hex digits and a NUL */
#define RI_POD_UID 37      /* 8-4-4-4-12 and a NUL */

struct ri_container {
	const char *runtime;       /* "docker", "containerd", "cri-o", "podman"; NULL: none */
	char id[RI_CONTAINER_ID];  /* the runtime's id, "" when none */
	char pod_uid[RI_POD_UID];  /* the Kubernetes pod, dashed; "" when none */
};

/* What @path says of its container and pod; false when it names neither. */
bool ri_container_of(const char *path, struct ri_container *c);

struct ri_ct_names;

/*
 * Where a value of one of the few JSON files the runtimes keep is: the
 * string (or first string of the array) that key @key has at nesting
 * depth @depth (1: the top object's keys; -1: any depth) of the text
 * from @p to @end, scanning no further than the end of the object it
 * starts in. Into @out (@len bytes, cut, NUL-ended, control bytes made
 * '?'); returns where the value ends, NULL when not found. Never reads
 * past @end, whatever the text.
 */
const char *ri_json_value(const char *p, const char *end, const char *key, int depth,
			  char *out, size_t len);

/*
 * What a column calls a named container: "pod/container" under
 * Kubernetes, else the container's or the pod's name; NULL (and @buf
 * empty) when the runtime named neither. Pure.
 */
const char *ri_ct_names_label(char *buf, size_t len, const struct ri_ct_names *n);

/*
 * The names of container @c (ri_container_of) as its runtime's files say
 * them, under @root ("" or NULL: /): Docker's config.v2.json, containerd's
 * and CRI-O's OCI config.json annotations, Podman's containers.json.
 * Fills what it finds, "" elsewhere; 0, or -ENOENT when no file says
 * anything of it.
 */
int ri_container_names(const char *root, const struct ri_container *c,
		       struct ri_ct_names *out);
/* The same from the text of one such file: @id picks Podman's entry. */
void ri_container_names_parse(const char *buf, size_t n, const char *id,
			      struct ri_ct_names *out);

#endif /* RI_CONTAINER_H */
