// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every process on the system, for the picker: PID, owner, comm and
 * command line, read from /proc once when the picker opens (never per
 * tick). Local helper: with a choice applied the model only holds the
 * chosen processes, so the picker cannot list the others from it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/format.h"
#include "../core/source.h"
#include "view.h"

#define CMDLINE_MAX 512

/* NULs between arguments become spaces; bytes that could break the
 * screen become '?'. */
static char *cmdline_text(int dirfd)
{
	char raw[CMDLINE_MAX], out[CMDLINE_MAX * 2];
	ssize_t n = ri_procfs_read_at(dirfd, "cmdline", raw, sizeof(raw));
	ssize_t i;

	if (n <= 0)
		return strdup("");
	for (i = 0; i < n; i++)
		if (!raw[i])
			raw[i] = ' ';
	while (n && raw[n - 1] == ' ')
		raw[--n] = '\0';
	ri_printable(out, sizeof(out), raw, (size_t)n);
	return strdup(out);
}

static int read_one(int procfd, const char *name, struct pick_item *it)
{
	char comm[64];
	struct stat st;
	ssize_t n;
	int fd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = ri_procfs_read_at(fd, "comm", comm, sizeof(comm));
	if (n <= 0 || fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	memset(it, 0, sizeof(*it));
	it->pid = atoi(name);
	it->uid = st.st_uid;
	ri_printable(it->comm, sizeof(it->comm), comm, RI_COMM_LEN - 1);
	it->cmdline = cmdline_text(fd);
	it->cpu_pct = -1;
	close(fd);
	return it->cmdline ? 0 : -1;
}

int proclist_read(struct pick_item **out, size_t *count)
{
	struct pick_item *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		/* A process that exits while we read is simply left out. */
		if (!read_one(dirfd(d), e->d_name, &v[n]))
			n++;
	}
	closedir(d);
	*out = v;
	*count = n;
	return 0;
}
