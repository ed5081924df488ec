// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of core/sources/cgroup.c: short names of the paths systemd, docker,
 * podman and kubernetes make; ids to paths over a directory tree made
 * here (ids are the directories' inode numbers, as on a cgroup2 mount),
 * a directory made later found by the walk an unknown id triggers; and
 * the cgroup v2 line of /proc/PID/cgroup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "check.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *sh(const char *path)
{
	static char b[64];

	return ri_cgroup_short(b, sizeof(b), path);
}

static uint64_t ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

int main(void)
{
	char dir[] = "/tmp/ri-cgroup-XXXXXX", p[256], small[8], text[256];
	struct ri_cgroups *c;
	struct timespec ts = { 1, 100000000 };
	int fd;

	CHECK_STR(sh("/"), "/");
	CHECK_STR(sh(""), "/");
	CHECK_STR(sh("/init.scope"), "init.scope");
	CHECK_STR(sh("/system.slice/nginx.service"), "nginx.service");
	CHECK_STR(sh("/user.slice/user-1000.slice/session-3.scope"), "session-3.scope");
	CHECK_STR(sh("/system.slice/docker-" HEX64 ".scope"), "docker-0123456789ab.scope");
	CHECK_STR(sh("/docker/" HEX64), "docker/0123456789ab");
	CHECK_STR(sh("/machine.slice/libpod-" HEX64 ".scope/container"), "container");
	CHECK_STR(sh("/kubepods.slice/kubepods-besteffort.slice/"
		     "kubepods-besteffort-pod1a2b.slice/cri-containerd-" HEX64 ".scope"),
		  "cri-containerd-0123456789ab.scope");
	CHECK_STR(sh("/a/b/"), "b");
	CHECK_STR(ri_cgroup_short(small, sizeof(small), "/system.slice/nginx.service"),
		  "nginx.s");
	CHECK(ri_cgroup_short(small, 0, "/x") == small);

	strcpy(text, "12:pids:/old\n0::/system.slice/cron.service\n");
	CHECK_STR(ri_cgroup_parse_proc(text), "/system.slice/cron.service");
	strcpy(text, "1:name=systemd:/x\n");
	CHECK(ri_cgroup_parse_proc(text) == NULL);

	if (!mkdtemp(dir))
		return 1;
	snprintf(p, sizeof(p), "%s/system.slice", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/system.slice/nginx.service", dir);
	mkdir(p, 0755);
	CHECK_EQ(ri_cgroups_open(&c, dir), 0);
	CHECK_STR(ri_cgroup_path(c, ino(p)), "/system.slice/nginx.service");
	CHECK_STR(ri_cgroup_path(c, ino(dir)), "/");
	CHECK(ri_cgroup_path(c, 0) == NULL);
	fd = ri_cgroup_root_fd(dir);
	CHECK(fd >= 0);
	CHECK_U64(ri_cgroup_id_at(fd, "/system.slice/nginx.service"), ino(p));
	CHECK_U64(ri_cgroup_id_at(fd, "/"), ino(dir));
	CHECK_U64(ri_cgroup_id_at(fd, "/no/such"), 0);
	CHECK_U64(ri_cgroup_id_at(fd, "relative"), 0);
	close(fd);

	/* Made after the walk: found once a second has passed since it. */
	snprintf(p, sizeof(p), "%s/system.slice/late.service", dir);
	mkdir(p, 0755);
	nanosleep(&ts, NULL);
	CHECK_STR(ri_cgroup_path(c, ino(p)), "/system.slice/late.service");
	ri_cgroups_close(c);

	/* No such mount: nothing known, nothing broken. */
	CHECK_EQ(ri_cgroups_open(&c, "/nonexistent/cgroup"), 0);
	CHECK(ri_cgroup_path(c, 12345) == NULL);
	ri_cgroups_close(c);

	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice/nginx.service", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice", dir);
	rmdir(p);
	rmdir(dir);
	return check_report("test_cgroup");
}
