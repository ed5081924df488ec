// SPDX-License-Identifier: GPL-2.0
/*
 * storm - a flood of short-lived threads or processes, at a steady pace.
 *
 *   storm --threads N | --procs N  [--seconds S] [--alive K] [--hold-ms MS]
 *         [--start-after S] [--name N] [--truth FILE]
 *
 * Owns the "task storm" case of the fault tests: N threads (or child
 * processes) are created over S seconds (0: as fast as possible), at most
 * K alive at a time (default 256). Each thread sleeps --hold-ms (default:
 * K * S / N, so about K are alive at any moment) and exits; each child
 * process exits at once with _exit(0), keeping the parent's comm, so a
 * tool filtering on the parent's name sees them too. --start-after waits
 * that long after "ready" before the storm (lets a harness start a tool
 * first). Truth: pid, what was created, the most alive at once, wall time.
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>
#include <sys/wait.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long alive, max_alive;
static int64_t hold_ns;

static void *short_thread(void *arg)
{
	(void)arg;
	if (hold_ns > 0)
		wl_sleep_until(wl_ns(CLOCK_MONOTONIC) + hold_ns);
	pthread_mutex_lock(&lock);
	alive--;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: storm --threads N | --procs N [--seconds S] [--alive K]\n"
		"             [--hold-ms MS] [--start-after S] [--name N] [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "procs", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 's' },
		{ "alive", required_argument, NULL, 'k' },
		{ "hold-ms", required_argument, NULL, 'h' },
		{ "start-after", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "storm", *truth = NULL;
	long threads = -1, procs = -1, maxalive = 256, created = 0, failed = 0, i;
	double seconds = 0, hold_ms = -1, start_after = 0;
	int64_t t0, t1, step;
	pthread_attr_t attr;
	FILE *f;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't': threads = atol(optarg); break;
		case 'p': procs = atol(optarg); break;
		case 's': seconds = wl_double(optarg); break;
		case 'k': maxalive = atol(optarg); break;
		case 'h': hold_ms = wl_double(optarg); break;
		case 'a': start_after = wl_double(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || (threads < 0) == (procs < 0) || maxalive < 1 ||
	    seconds < 0)
		usage();

	wl_set_comm(name);
	wl_install_signals();
	wl_ready();
	if (start_after > 0)
		wl_sleep_until(wl_ns(CLOCK_MONOTONIC) +
			       (int64_t)(start_after * NSEC_PER_SEC));

	t0 = wl_ns(CLOCK_MONOTONIC);
	if (threads >= 0) {
		step = threads ? (int64_t)(seconds * NSEC_PER_SEC) / threads : 0;
		hold_ns = hold_ms >= 0 ? (int64_t)(hold_ms * NSEC_PER_MSEC) :
					 step * maxalive;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		for (i = 0; i < threads && !wl_stop; i++) {
			pthread_t th;

			if (step)
				wl_sleep_until(t0 + i * step);
			pthread_mutex_lock(&lock);
			while (alive >= maxalive)
				pthread_cond_wait(&cond, &lock);
			alive++;
			if (alive > max_alive)
				max_alive = alive;
			pthread_mutex_unlock(&lock);
			if (pthread_create(&th, &attr, short_thread, NULL)) {
				pthread_mutex_lock(&lock);
				alive--;
				pthread_mutex_unlock(&lock);
				failed++;
				continue;
			}
			created++;
		}
		pthread_mutex_lock(&lock);
		while (alive > 0)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
		/* Detached threads still have their last switch-out to make. */
		wl_sleep_until(wl_ns(CLOCK_MONOTONIC) + 50 * NSEC_PER_MSEC);
	} else {
		long running = 0, reaped_ok = 0;
		int status;

		step = procs ? (int64_t)(seconds * NSEC_PER_SEC) / procs : 0;
		for (i = 0; i < procs && !wl_stop; i++) {
			pid_t pid;

			if (step)
				wl_sleep_until(t0 + i * step);
			while (running >= maxalive) {
				if (wait(&status) > 0) {
					running--;
					reaped_ok += WIFEXITED(status) && !WEXITSTATUS(status);
				} else if (errno != EINTR) {
					break;
				}
			}
			pid = fork();
			if (pid < 0) {
				failed++;
				continue;
			}
			if (pid == 0)
				_exit(0);
			created++;
			running++;
			if (running > max_alive)
				max_alive = running;
		}
		while (running > 0) {
			if (wait(&status) > 0) {
				running--;
				reaped_ok += WIFEXITED(status) && !WEXITSTATUS(status);
			} else if (errno != EINTR) {
				break;
			}
		}
		if (reaped_ok != created)
			failed += created - reaped_ok;
	}
	t1 = wl_ns(CLOCK_MONOTONIC);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"storm\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"kind\":\"%s\",\"created\":%ld,\"failed\":%ld,"
		"\"max_alive\":%ld,\"wall_ns\":%lld,\"stopped\":%s}\n",
		threads >= 0 ? "threads" : "procs", created, failed, max_alive,
		(long long)(t1 - t0), wl_stop ? "true" : "false");
	wl_truth_close(f);
	return failed ? 1 : 0;
}
