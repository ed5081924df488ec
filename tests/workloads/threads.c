// SPDX-License-Identifier: GPL-2.0
/*
 * threads - a process with many idle threads.
 *
 *   threads --count N [--seconds S] [--stack B] [--name N] [--truth FILE]
 *
 * Owns the "lots of tasks" case for scaling benchmarks (1,000 and 10,000
 * threads).  Threads use small stacks (default 64 KiB) so 10,000 of them
 * fit comfortably, name themselves "<name>-<i>", and block on one
 * condition variable until the end, so they cost nothing while a tool
 * walks them.  "ready" is printed on stdout once every thread exists
 * and is named.
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;	/* done changed */
/* Separate from cond so each new thread wakes only main, not every sleeper. */
static pthread_cond_t named_cond = PTHREAD_COND_INITIALIZER;
static const char *base = "threads";
static long named;
static int done;

static void *idle_thread(void *arg)
{
	char suffix[16], comm[16];

	snprintf(suffix, sizeof(suffix), "-%ld", (long)(intptr_t)arg);
	wl_comm_with_suffix(comm, base, suffix);
	prctl(PR_SET_NAME, comm, 0, 0, 0);

	pthread_mutex_lock(&lock);
	named++;
	pthread_cond_signal(&named_cond);
	while (!done)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: threads --count N [--seconds S] [--stack B] [--name N]\n"
		"               [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "stack", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *truth = NULL;
	long count = -1, created = 0, i;
	int64_t stack = 64 * 1024, t0, t1;
	double seconds = 0;
	pthread_attr_t attr;
	pthread_t *ths;
	sigset_t block, old;
	FILE *f;
	int opt, err = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': count = atol(optarg); break;
		case 's': seconds = wl_double(optarg); break;
		case 'S': stack = wl_size(optarg); break;
		case 'N': base = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || count < 0)
		usage();

	wl_set_comm(base);
	wl_install_signals();
	ths = calloc((size_t)count + 1, sizeof(*ths));
	if (!ths)
		wl_die("out of memory");
	pthread_attr_init(&attr);
	if (pthread_attr_setstacksize(&attr, (size_t)stack))
		wl_die("bad stack size %lld", (long long)stack);

	/* Keep stop signals on the main thread, which polls wl_stop. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t0 = wl_ns(CLOCK_MONOTONIC);
	for (i = 0; i < count; i++) {
		err = pthread_create(&ths[i], &attr, idle_thread, (void *)(intptr_t)i);
		if (err)
			break;
		created++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		fprintf(stderr, "threads: created %ld of %ld: %s\n",
			created, count, strerror(err));

	pthread_mutex_lock(&lock);
	while (named < created)
		pthread_cond_wait(&named_cond, &lock);
	pthread_mutex_unlock(&lock);
	t1 = wl_ns(CLOCK_MONOTONIC);
	printf("ready\n");
	fflush(stdout);
	wl_ready();

	while (!wl_stop) {
		int64_t now = wl_ns(CLOCK_MONOTONIC);

		if (seconds > 0 && now - t1 >= (int64_t)(seconds * NSEC_PER_SEC))
			break;
		wl_sleep_until(now + 100 * NSEC_PER_MSEC);
	}

	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < created; i++)
		pthread_join(ths[i], NULL);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"threads\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, base);
	fprintf(f, ",\"requested\":%ld,\"created\":%ld,\"nthreads\":%ld,"
		"\"stack\":%lld,\"create_ns\":%lld,\"error\":%d}\n",
		count, created, created + 1, (long long)stack,
		(long long)(t1 - t0), err);
	wl_truth_close(f);
	free(ths);
	return err ? 1 : 0;
}
