// SPDX-License-Identifier: GPL-2.0
/*
 * churn - many short-lived children that each burn CPU and write a file.
 *
 *   churn --children N --cpu-ms MS --write-kib K --dir D [--parallel P]
 *         [--rate R] [--log FILE] [--name N] [--truth FILE]
 *
 * Owns the ground truth for tasks that live between two ticks: the
 * parent reports getrusage(RUSAGE_CHILDREN) and the bytes its children
 * wrote.  Children rename themselves to "<name>-c" as their first act so
 * a test can sum exactly them by comm.  Children run at most P at a time
 * (default 1) so CPU contention stays predictable on small machines.
 * --rate starts R children per second, paced (like pgbench -C), instead
 * of one as soon as another ends; --log appends, at every child reaped,
 * "UNIX_TIME CHILDREN_CPU_NS" (getrusage's running total), so a test can
 * tell the children's CPU over any interval.  --write-kib 0 writes no
 * file at all.
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int child_main(const char *comm, const char *dir, int64_t cpu_ns,
		      int64_t bytes)
{
	static char buf[64 * 1024];
	char path[4096];
	int64_t left;
	int fd;

	prctl(PR_SET_NAME, comm, 0, 0, 0);

	/* Some arithmetic per clock read keeps this mostly user time. */
	while (!wl_stop && wl_ns(CLOCK_PROCESS_CPUTIME_ID) < cpu_ns) {
		volatile uint64_t x = 1;
		int i;

		for (i = 0; i < 2000; i++)
			x = x * 6364136223846793005ULL + 1;
	}

	if (bytes <= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/churn.%d.tmp", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return 3;
	memset(buf, 'c', sizeof(buf));
	for (left = bytes; left > 0;) {
		size_t n = left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t w = write(fd, buf, n);

		if (w <= 0) {
			close(fd);
			unlink(path);
			return 4;
		}
		left -= w;
	}
	/* fsync so the bytes reach storage accounting before the unlink. */
	if (fsync(fd)) {
		close(fd);
		unlink(path);
		return 5;
	}
	close(fd);
	unlink(path);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: churn --children N --cpu-ms MS --write-kib K --dir D\n"
		"             [--parallel P] [--rate R] [--log FILE] [--name N]\n"
		"             [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "children", required_argument, NULL, 'n' },
		{ "cpu-ms", required_argument, NULL, 'c' },
		{ "write-kib", required_argument, NULL, 'w' },
		{ "dir", required_argument, NULL, 'd' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "churn", *dir = NULL, *truth = NULL, *logpath = NULL;
	double rate = 0;
	FILE *logf = NULL;
	long children = -1, parallel = 1, started = 0, running = 0;
	long ok = 0, failed = 0;
	double cpu_ms = 0, write_kib = 0;
	char ccomm[16];
	struct rusage ru;
	int64_t t0, t1, ru_ns;
	int opt;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': children = atol(optarg); break;
		case 'c': cpu_ms = wl_double(optarg); break;
		case 'w': write_kib = wl_double(optarg); break;
		case 'd': dir = optarg; break;
		case 'j': parallel = atol(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		case 'r': rate = wl_double(optarg); break;
		case 'L': logpath = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || children < 0 || !dir || parallel < 1 || rate < 0)
		usage();
	if (logpath && !(logf = fopen(logpath, "w")))
		wl_die("%s: %s", logpath, strerror(errno));

	wl_set_comm(name);
	wl_comm_with_suffix(ccomm, name, "-c");
	wl_install_signals();
	wl_ready();

	t0 = wl_ns(CLOCK_MONOTONIC);
	while (started < children || running > 0) {
		int status;
		pid_t pid;

		while (!wl_stop && started < children && running < parallel &&
		       (!rate || wl_ns(CLOCK_MONOTONIC) >=
				       t0 + (int64_t)(started * 1e9 / rate))) {
			pid = fork();
			if (pid < 0)
				wl_die("fork: %s", strerror(errno));
			if (pid == 0)
				_exit(child_main(ccomm, dir,
						 (int64_t)(cpu_ms * NSEC_PER_MSEC),
						 (int64_t)(write_kib * 1024)));
			started++;
			running++;
		}
		if (!running && (wl_stop || started >= children))
			break;
		/* Paced: do not block in wait() past the next start. */
		pid = waitpid(-1, &status, rate ? WNOHANG : 0);
		if (pid == 0 || (pid < 0 && errno == ECHILD)) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			wl_die("wait: %s", strerror(errno));
		}
		running--;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
		else
			failed++;
		if (logf) {
			getrusage(RUSAGE_CHILDREN, &ru);
			fprintf(logf, "%.6f %lld\n", (double)wl_ns(CLOCK_REALTIME) / 1e9,
				((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
					((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000);
		}
	}
	if (logf)
		fclose(logf);
	t1 = wl_ns(CLOCK_MONOTONIC);

	getrusage(RUSAGE_CHILDREN, &ru);
	ru_ns = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
		((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"churn\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"child_comm\":");
	wl_json_str(f, ccomm);
	fprintf(f, ",\"children\":%ld,\"children_ok\":%ld,\"children_failed\":%ld,"
		"\"children_cpu_ns\":%lld,\"children_utime_ns\":%lld,"
		"\"children_stime_ns\":%lld,\"bytes_written\":%lld,"
		"\"bytes_per_child\":%lld,\"wall_ns\":%lld,\"stopped\":%s}\n",
		started, ok, failed, (long long)ru_ns,
		(long long)ru.ru_utime.tv_sec * NSEC_PER_SEC + ru.ru_utime.tv_usec * 1000LL,
		(long long)ru.ru_stime.tv_sec * NSEC_PER_SEC + ru.ru_stime.tv_usec * 1000LL,
		(long long)(ok * (int64_t)(write_kib * 1024)),
		(long long)(int64_t)(write_kib * 1024),
		(long long)(t1 - t0), wl_stop ? "true" : "false");
	wl_truth_close(f);
	return failed ? 1 : 0;
}
