// SPDX-License-Identifier: GPL-2.0
/*
 * relay - a process whose busy threads come and go.
 *
 *   relay --seconds S [--parallel P] [--burn-ms MS] [--name N] [--truth FILE]
 *
 * Owns the case of a process's CPU spread over many short threads, for
 * the tool's process mode, which sums a process's threads where it reads
 * them and gets their exits one by one: P runners (default 1) each start
 * a thread that burns MS ms of its own CPU (default 150) and exits, then
 * the next, for S seconds after "ready". Runners only wait; the main
 * thread sleeps. Truth: pid, threads started, the CPU of the whole
 * process (getrusage RUSAGE_SELF, exited threads included).
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>
#include <sys/resource.h>

static const char *base = "relay";
static int64_t burn_ns = 150 * NSEC_PER_MSEC;
static int64_t end_ns;
static long started;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *burner(void *arg)
{
	char comm[16];

	wl_comm_with_suffix(comm, base, "-b");
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	(void)arg;
	while (!wl_stop && wl_ns(CLOCK_THREAD_CPUTIME_ID) < burn_ns) {
		volatile uint64_t x = 1;
		int i;

		for (i = 0; i < 2000; i++)
			x = x * 6364136223846793005ULL + 1;
	}
	return NULL;
}

static void *runner(void *arg)
{
	char comm[16];
	pthread_t t;

	wl_comm_with_suffix(comm, base, "-r");
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	(void)arg;
	while (!wl_stop && wl_ns(CLOCK_MONOTONIC) < end_ns) {
		if (pthread_create(&t, NULL, burner, NULL))
			break;
		pthread_mutex_lock(&lock);
		started++;
		pthread_mutex_unlock(&lock);
		pthread_join(t, NULL);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: relay --seconds S [--parallel P] [--burn-ms MS] [--name N]\n"
			"             [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "parallel", required_argument, NULL, 'p' },
		{ "burn-ms", required_argument, NULL, 'b' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *truth = NULL;
	double seconds = -1;
	long parallel = 1, i;
	pthread_t *rs;
	sigset_t block, old;
	struct rusage ru;
	FILE *f;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': seconds = wl_double(optarg); break;
		case 'p': parallel = atol(optarg); break;
		case 'b': burn_ns = (int64_t)(wl_double(optarg) * NSEC_PER_MSEC); break;
		case 'N': base = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || seconds < 0 || parallel < 1 || burn_ns <= 0)
		usage();
	wl_set_comm(base);
	wl_install_signals();
	rs = calloc((size_t)parallel, sizeof(*rs));
	if (!rs)
		wl_die("out of memory");
	printf("ready\n");
	fflush(stdout);
	wl_ready();
	end_ns = wl_ns(CLOCK_MONOTONIC) + (int64_t)(seconds * NSEC_PER_SEC);

	/* Stop signals stay with the main thread, which polls wl_stop. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < parallel; i++)
		if (pthread_create(&rs[i], NULL, runner, NULL))
			wl_die("cannot start a runner");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	while (!wl_stop && wl_ns(CLOCK_MONOTONIC) < end_ns)
		wl_sleep_until(wl_ns(CLOCK_MONOTONIC) + 50 * NSEC_PER_MSEC);
	for (i = 0; i < parallel; i++)
		pthread_join(rs[i], NULL);

	getrusage(RUSAGE_SELF, &ru);
	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"relay\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, base);
	fprintf(f, ",\"parallel\":%ld,\"threads_started\":%ld,\"cpu_ns\":%lld}\n", parallel,
		started,
		(long long)((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
			    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL));
	wl_truth_close(f);
	free(rs);
	return 0;
}
