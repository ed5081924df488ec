/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroups by id. Each process comes with the id of its cgroup v2 (the
 * kernel side reads it from the task; the procfs source from
 * /proc/PID/cgroup), which on 64-bit machines is the inode number of the
 * cgroup's directory under the cgroup2 mount. This turns ids into paths
 * ("/system.slice/nginx.service") by walking that mount: once when
 * opened, then again only when an id is not found, at most once a second,
 * so the cost never grows with the number of processes. And it turns a
 * path into the short name a column has room for: a systemd unit's name,
 * a container's short id.
 */
#ifndef RI_CGROUP_H
#define RI_CGROUP_H

#include <stddef.h>
#include <stdint.h>

struct ri_cgroups;

/*
 * @root: the cgroup2 mount; NULL finds it (/sys/fs/cgroup, or its
 * "unified" directory on hybrid machines). Never fails for want of
 * cgroups: paths are then unknown. 0 or -ENOMEM.
 */
int ri_cgroups_open(struct ri_cgroups **out, const char *root);
void ri_cgroups_close(struct ri_cgroups *c);

/* Path of cgroup @id under the mount ("/" for its root), NULL if unknown. */
const char *ri_cgroup_path(struct ri_cgroups *c, uint64_t id);

/*
 * A short name for @path, at most @len - 1 bytes: the last component
 * ("nginx.service", "session-3.scope"), 64-hex container ids cut to 12
 * ("docker-0123456789ab.scope"), or the parent's name before a bare id
 * ("docker/0123456789ab"); "/" for the root. Pure: no I/O.
 */
const char *ri_cgroup_short(char *buf, size_t len, const char *path);

/*
 * For a source that reads /proc: a descriptor of the cgroup2 mount (-1
 * when there is none; @root as for ri_cgroups_open), and the id of the
 * cgroup at @path under it, 0 when it cannot be had.
 */
int ri_cgroup_root_fd(const char *root);
uint64_t ri_cgroup_id_at(int rootfd, const char *path);
/* The cgroup v2 path in the text of /proc/PID/cgroup ("0::PATH"), or NULL. */
const char *ri_cgroup_parse_proc(char *buf);

#endif /* RI_CGROUP_H */
