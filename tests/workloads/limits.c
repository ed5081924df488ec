// SPDX-License-Identifier: GPL-2.0
/*
 * limits - runs into one limit at a known rate, and says when it hits it.
 *
 *   limits --mode fds|threads|mem|saw|idle [--rate N] [--nofile N]
 *          [--name N] [--truth FILE]
 *
 * Says "ready" once set up, then waits for SIGUSR1 (the test first moves
 * it into the cgroups it made), says "go" and starts:
 *   fds      opens /dev/null N times a second under an RLIMIT_NOFILE soft
 *            limit of --nofile (default 1024) until EMFILE, says "emfile"
 *            and keeps what it has until SIGTERM;
 *   threads  starts N sleeping threads a second until pthread_create
 *            fails (EAGAIN from a cgroup's pids.max), says "eagain", keeps
 *            them until SIGTERM;
 *   mem      touches N bytes of new memory a second until something stops
 *            it (the OOM killer of its cgroup);
 *   saw      a sawtooth of descriptors and memory: N descriptors and N
 *            MiB opened and touched over a second, then all closed and
 *            freed, again and again: a trend that heads nowhere;
 *   idle     nothing (a process for the cgroup to keep).
 *
 * Owns the ground truth of those moments: "emfile" and "eagain" come
 * with the CLOCK_REALTIME time they happened and the count reached, in
 * the truth file at SIGTERM.
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static void usage(void)
{
	wl_die("usage: limits --mode fds|threads|mem|saw|idle [--rate N] [--nofile N]\n"
	       "              [--name N] [--truth FILE]");
}

static void *sleeper(void *arg)
{
	(void)arg;
	while (!wl_stop)
		pause();
	return NULL;
}

static double now_s(void)
{
	return (double)wl_ns(CLOCK_REALTIME) / NSEC_PER_SEC;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "nofile", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode = NULL, *name = "limits", *truth = NULL;
	double rate = 10, hit_time = 0;
	long nofile = 1024, count = 0, hit_count = -1;
	int last_fd = -1;
	int64_t t0, step, next;
	struct sigaction sa;
	FILE *f;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'r': rate = wl_double(optarg); break;
		case 'n': nofile = atol(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !mode || !(rate > 0))
		usage();
	wl_set_comm(name);
	wl_install_signals();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	if (!strcmp(mode, "fds")) {
		struct rlimit rl;

		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = (rlim_t)nofile;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			wl_die("setrlimit: %s", strerror(errno));
	}
	wl_ready();
	while (!go && !wl_stop)
		pause();
	fprintf(stderr, "go\n");
	step = (int64_t)(NSEC_PER_SEC / rate);
	t0 = next = wl_ns(CLOCK_MONOTONIC);

	if (!strcmp(mode, "fds") || !strcmp(mode, "threads")) {
		bool fds = !strcmp(mode, "fds");

		while (!wl_stop && hit_count < 0) {
			int err = 0;

			if (fds) {
				int fd = open("/dev/null", O_RDONLY);

				if (fd < 0)
					err = errno;
				else
					last_fd = fd;
			} else {
				pthread_t th;

				err = pthread_create(&th, NULL, sleeper, NULL);
			}
			if (err) {
				hit_time = now_s();
				hit_count = count;
				fprintf(stderr, "%s\n", fds ? "emfile" : "eagain");
				if ((fds && err != EMFILE) || (!fds && err != EAGAIN))
					fprintf(stderr, "unexpected: %s\n", strerror(err));
				break;
			}
			count++;
			next += step;
			wl_sleep_until(next);
		}
		while (!wl_stop)
			pause();
	} else if (!strcmp(mode, "mem")) {
		long page = sysconf(_SC_PAGESIZE);
		size_t max = (size_t)1 << 34;
		char *mem = mmap(NULL, max, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		size_t touched = 0;

		if (mem == MAP_FAILED)
			wl_die("mmap: %s", strerror(errno));
		madvise(mem, max, MADV_NOHUGEPAGE);
		while (!wl_stop) {
			int64_t now = wl_ns(CLOCK_MONOTONIC);
			size_t target = (size_t)(rate * (double)(now - t0) / NSEC_PER_SEC);

			for (; touched < target && touched < max; touched += (size_t)page)
				mem[touched] = 1;
			wl_sleep_until(now + 10 * NSEC_PER_MSEC);
		}
	} else if (!strcmp(mode, "saw")) {
		size_t max = (size_t)(rate * 1024 * 1024);
		char *mem = mmap(NULL, max, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		int fd[4096];
		long n = 0, want = (long)rate < 4096 ? (long)rate : 4096;

		if (mem == MAP_FAILED)
			wl_die("mmap: %s", strerror(errno));
		while (!wl_stop) {
			int64_t now = wl_ns(CLOCK_MONOTONIC);
			double phase = (double)((now - t0) % NSEC_PER_SEC) / NSEC_PER_SEC;
			long k = (long)(phase * (double)want);

			if (k < n) {
				/* The tooth falls: everything goes at once. */
				while (n > 0)
					close(fd[--n]);
				madvise(mem, max, MADV_DONTNEED);
			}
			for (; n < k; n++)
				fd[n] = open("/dev/null", O_RDONLY);
			for (size_t b = 0; b < (size_t)(phase * (double)max); b += 4096)
				mem[b] = 1;
			wl_sleep_until(now + 20 * NSEC_PER_MSEC);
		}
	} else if (!strcmp(mode, "idle")) {
		while (!wl_stop)
			pause();
	} else {
		usage();
	}

	/* Room for the truth file under the limit just reached. */
	if (last_fd >= 0)
		close(last_fd);
	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"limits\",\"pid\":%d,\"mode\":", (int)getpid());
	wl_json_str(f, mode);
	fprintf(f, ",\"rate\":%.3f,\"nofile\":%ld,\"hit_time\":%.6f,\"hit_count\":%ld,"
		"\"start_time\":%.6f}\n",
		rate, nofile, hit_time, hit_count,
		(double)wl_ns(CLOCK_REALTIME) / NSEC_PER_SEC -
			(double)(wl_ns(CLOCK_MONOTONIC) - t0) / NSEC_PER_SEC);
	wl_truth_close(f);
	return 0;
}
