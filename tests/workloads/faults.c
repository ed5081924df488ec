// SPDX-License-Identifier: GPL-2.0
/*
 * faults - takes a known number of page faults when told to.
 *
 *   faults --touch PAGES [--name N]     minor: touches PAGES fresh pages
 *   faults --file PATH [--name N]       major: reads every page of PATH,
 *                                       evicted from the page cache first,
 *                                       through a mapping
 *
 * Prints "ready" on stderr, waits for SIGUSR1, does its work once, prints
 * "done" on stderr, then sleeps until SIGTERM or SIGINT. The faults it
 * took are the kernel's to say (/proc/PID/stat fields 10 and 12): the
 * test reads them before and after, so whatever else the process faults
 * in (its stack, libc) is counted by both sides alike.
 *
 * Anonymous pages: one fault per 4 KiB page only without transparent
 * huge pages (MADV_NOHUGEPAGE on the mapping). File pages: one major
 * fault per page only without readahead (MADV_RANDOM), and only when the
 * page is not cached (POSIX_FADV_DONTNEED after the file was synced).
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

static volatile sig_atomic_t go;

static void on_go(int sig)
{
	(void)sig;
	go = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: faults (--touch PAGES | --file PATH) [--name N]\n");
	exit(2);
}

static void touch_fresh(long pages, long psz)
{
	size_t len = (size_t)pages * (size_t)psz;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		wl_die("mmap %zu bytes: %s", len, strerror(errno));
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		p[i * psz] = 1;
}

static void read_evicted(const char *path, long psz)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	volatile const char *p;
	unsigned sum = 0;

	if (fd < 0 || fstat(fd, &st))
		wl_die("%s: %s", path, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		wl_die("mmap %s: %s", path, strerror(errno));
	madvise((void *)p, (size_t)st.st_size, MADV_RANDOM);
	for (off_t off = 0; off < st.st_size; off += psz)
		sum += (unsigned char)p[off];
	(void)sum;
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "touch", required_argument, NULL, 't' },
		{ "file", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "truth", required_argument, NULL, 'T' },
		{ 0 },
	};
	long pages = 0, psz = sysconf(_SC_PAGESIZE);
	const char *file = NULL;
	char comm[16];
	struct sigaction sa = { .sa_handler = on_go };
	sigset_t block, old;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': pages = (long)wl_size(optarg); break;
		case 'f': file = optarg; break;
		case 'n':
			wl_comm_copy(comm, optarg);
			prctl(PR_SET_NAME, comm);
			break;
		case 'T': break; /* the kernel's counts are the truth */
		default: usage();
		}
	}
	if ((pages <= 0) == !file)
		usage();
	wl_install_signals();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* SIGUSR1 is waited for with it blocked: none is missed before the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	fprintf(stderr, "ready\n");
	while (!go && !wl_stop)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (wl_stop)
		return 0;
	if (file)
		read_evicted(file, psz);
	else
		touch_fresh(pages, psz);
	fprintf(stderr, "done\n");
	while (!wl_stop)
		pause();
	return 0;
}
