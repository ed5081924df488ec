// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong - two tasks bouncing one byte over a pair of pipes.
 *
 *   pingpong [--seconds S] [--threads] [--cpu CPU] [--name N] [--truth FILE]
 *
 * Owns the context-switch storm for the probe-cost benchmark: every round
 * trip is two blocking reads, so at least two voluntary switches per side.
 * Default is two processes ("<name>" and "<name>-b"); --threads uses two
 * threads of one process instead.  --cpu puts both on one CPU, so every
 * hand-off is a real task-to-task switch rather than a wake-up from idle.
 * Truth: round trips and wall time (so switches/s = 2 * trips / s per side).
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

static int ping[2], pong[2];
static char echo_comm[16];

/* The echo side: runs until the pinger closes its end. */
static void echo_loop(void)
{
	char c;

	prctl(PR_SET_NAME, echo_comm, 0, 0, 0);
	for (;;) {
		ssize_t r = read(ping[0], &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		while (write(pong[1], &c, 1) < 0 && errno == EINTR)
			;
	}
}

static void *echo_thread(void *arg)
{
	(void)arg;
	echo_loop();
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pingpong [--seconds S] [--threads] [--cpu CPU] [--name N]\n"
		"                [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "threads", no_argument, NULL, 't' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "pingpong", *truth = NULL;
	int use_threads = 0, cpu = -1, opt;
	double seconds = 0;
	int64_t trips = 0, t0, t1, end;
	pthread_t th;
	sigset_t block, old;
	pid_t child = -1;
	char c = 'x';
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': seconds = wl_double(optarg); break;
		case 't': use_threads = 1; break;
		case 'c': cpu = atoi(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	wl_set_comm(name);
	wl_comm_with_suffix(echo_comm, name, "-b");
	wl_install_signals();
	/* A vanished peer should end the loop via EPIPE, not kill the truth. */
	signal(SIGPIPE, SIG_IGN);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			wl_die("sched_setaffinity(%d): %s", cpu, strerror(errno));
	}
	if (pipe(ping) || pipe(pong))
		wl_die("pipe: %s", strerror(errno));

	if (use_threads) {
		/* Signals go to the pinger, which checks wl_stop every trip. */
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		pthread_sigmask(SIG_BLOCK, &block, &old);
		if (pthread_create(&th, NULL, echo_thread, NULL))
			wl_die("pthread_create failed");
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	} else {
		child = fork();
		if (child < 0)
			wl_die("fork: %s", strerror(errno));
		if (child == 0) {
			/* Let only EOF end the echo side, so the pinger's count stays exact. */
			signal(SIGTERM, SIG_IGN);
			signal(SIGINT, SIG_IGN);
			close(ping[1]);
			close(pong[0]);
			echo_loop();
			_exit(0);
		}
		close(ping[0]);
		close(pong[1]);
	}
	wl_ready();

	t0 = wl_ns(CLOCK_MONOTONIC);
	end = seconds > 0 ? t0 + (int64_t)(seconds * NSEC_PER_SEC) : INT64_MAX;
	while (!wl_stop) {
		ssize_t r;

		/* Checking the clock every trip is cheap (vDSO) next to two switches. */
		if (wl_ns(CLOCK_MONOTONIC) >= end)
			break;
		if (write(ping[1], &c, 1) != 1)
			break;
		do
			r = read(pong[0], &c, 1);
		while (r < 0 && errno == EINTR && !wl_stop);
		if (r != 1)
			break;
		trips++;
	}
	t1 = wl_ns(CLOCK_MONOTONIC);
	close(ping[1]);
	if (use_threads)
		pthread_join(th, NULL);
	else
		waitpid(child, NULL, 0);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"pingpong\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"echo_comm\":");
	wl_json_str(f, echo_comm);
	fprintf(f, ",\"mode\":\"%s\",\"echo_pid\":%d,\"round_trips\":%lld,"
		"\"wall_ns\":%lld,\"round_trips_per_s\":%.1f}\n",
		use_threads ? "threads" : "processes", (int)child,
		(long long)trips, (long long)(t1 - t0),
		t1 > t0 ? (double)trips * NSEC_PER_SEC / (double)(t1 - t0) : 0.0);
	wl_truth_close(f);
	return 0;
}
