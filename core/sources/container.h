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

#define RI_CONTAINER_ID 65 /* 64 hex digits and a NUL */
#define RI_POD_UID 37      /* 8-4-4-4-12 and a NUL */

struct ri_container {
	const char *runtime;       /* "docker", "containerd", "cri-o", "podman"; NULL: none */
	char id[RI_CONTAINER_ID];  /* the runtime's id, "" when none */
	char pod_uid[RI_POD_UID];  /* the Kubernetes pod, dashed; "" when none */
};

/* What @path says of its container and pod; false when it names neither. */
bool ri_container_of(const char *path, struct ri_container *c);

#endif /* RI_CONTAINER_H */
