// SPDX-License-Identifier: GPL-2.0
/*
 * burn - threads that each consume a known fraction of one CPU.
 *
 *   burn [--name N] [--seconds S] [--pin CPU] [--truth FILE]
 *        [--period-ms MS] --thread NAME:DUTY[:CPU] ...
 *
 * Owns the CPU ground truth: every thread reports the CPU time it really
 * got (CLOCK_THREAD_CPUTIME_ID) next to the duty it was asked for, so a
 * test can tell a measurement error from a starved workload.
 *
 * Duty is enforced per short period (default 10 ms) against the thread's
 * own CPU clock, not the wall clock, so time lost to preemption is made
 * up in the next period and any 1 s window is within ~one period's burn
 * of the target.  100% never sleeps.  The main thread only sleeps.
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#define MAX_THREADS 64

struct burner {
	char name[16];
	double duty;		/* percent of one CPU, 0..100 */
	int cpu;		/* -1: not pinned */
	pthread_t th;
	pid_t tid;
	int64_t start_mono;
	int64_t end_mono;
	int64_t cpu_ns;
};

static struct burner burners[MAX_THREADS];
static int nburners;
static int64_t period_ns = 10 * NSEC_PER_MSEC;

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		wl_die("sched_setaffinity(%d): %s", cpu, strerror(errno));
}

static void *burn_thread(void *arg)
{
	struct burner *b = arg;
	int64_t burn = (int64_t)(b->duty / 100.0 * (double)period_ns);
	int64_t next, ctarget, c, now;

	b->tid = (pid_t)syscall(SYS_gettid);
	prctl(PR_SET_NAME, b->name, 0, 0, 0);
	if (b->cpu >= 0)
		pin_self(b->cpu);

	b->start_mono = wl_ns(CLOCK_MONOTONIC);
	if (b->duty >= 100.0) {
		while (!wl_stop)
			wl_spin_a_bit();
		goto out;
	}

	next = b->start_mono;
	ctarget = wl_ns(CLOCK_THREAD_CPUTIME_ID);
	while (!wl_stop) {
		next += period_ns;
		ctarget += burn;
		/*
		 * Cap the debt at one period: after a long stall (SIGSTOP,
		 * overload) catching up would show as a burst far above the
		 * duty, which is worse for the tests than a short dip.
		 */
		c = wl_ns(CLOCK_THREAD_CPUTIME_ID);
		if (ctarget - c > period_ns)
			ctarget = c + period_ns;
		while (!wl_stop && wl_ns(CLOCK_THREAD_CPUTIME_ID) < ctarget)
			wl_spin_a_bit();
		now = wl_ns(CLOCK_MONOTONIC);
		if (now < next)
			wl_sleep_until(next);
		else if (now - next > period_ns)
			next = now;	/* fell behind: restart the schedule */
	}
out:
	b->end_mono = wl_ns(CLOCK_MONOTONIC);
	b->cpu_ns = wl_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

/* NAME:DUTY[:CPU] */
static void parse_thread(const char *spec)
{
	struct burner *b;
	char buf[128], *duty, *cpu;

	if (nburners == MAX_THREADS)
		wl_die("too many threads (max %d)", MAX_THREADS);
	b = &burners[nburners++];
	snprintf(buf, sizeof(buf), "%s", spec);
	duty = strchr(buf, ':');
	if (!duty)
		wl_die("--thread wants NAME:DUTY[:CPU], got '%s'", spec);
	*duty++ = '\0';
	cpu = strchr(duty, ':');
	if (cpu)
		*cpu++ = '\0';
	wl_comm_copy(b->name, buf);
	b->duty = wl_double(duty);
	if (b->duty < 0 || b->duty > 100)
		wl_die("duty must be 0..100, got '%s'", duty);
	b->cpu = cpu ? atoi(cpu) : -1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: burn [--name N] [--seconds S] [--pin CPU] [--truth FILE]\n"
		"            [--period-ms MS] --thread NAME:DUTY[:CPU] ...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'N' },
		{ "seconds", required_argument, NULL, 's' },
		{ "pin", required_argument, NULL, 'P' },
		{ "thread", required_argument, NULL, 't' },
		{ "truth", required_argument, NULL, 'T' },
		{ "period-ms", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "burn", *truth = NULL;
	double seconds = 0;
	int pin = -1, opt, i;
	int64_t t0, t1;
	sigset_t block, old;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'N': name = optarg; break;
		case 's': seconds = wl_double(optarg); break;
		case 'P': pin = atoi(optarg); break;
		case 't': parse_thread(optarg); break;
		case 'T': truth = optarg; break;
		case 'p': period_ns = (int64_t)(wl_double(optarg) * NSEC_PER_MSEC); break;
		default: usage();
		}
	}
	if (optind != argc || period_ns <= 0)
		usage();
	if (!nburners)
		parse_thread("burner:50");

	wl_set_comm(name);
	wl_install_signals();
	if (pin >= 0)
		pin_self(pin);

	/*
	 * Burners block the stop signals so they always land on the idle
	 * main thread and cut its sleep short.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t0 = wl_ns(CLOCK_MONOTONIC);
	for (i = 0; i < nburners; i++)
		if (pthread_create(&burners[i].th, NULL, burn_thread, &burners[i]))
			wl_die("pthread_create failed");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	wl_ready();

	while (!wl_stop) {
		int64_t now = wl_ns(CLOCK_MONOTONIC);

		if (seconds > 0 && now - t0 >= (int64_t)(seconds * NSEC_PER_SEC))
			break;
		wl_sleep_until(now + 100 * NSEC_PER_MSEC);
	}
	wl_stop = 1;
	for (i = 0; i < nburners; i++)
		pthread_join(burners[i].th, NULL);
	t1 = wl_ns(CLOCK_MONOTONIC);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"burn\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"wall_ns\":%lld,\"cpu_ns\":%lld,\"period_ns\":%lld,\"threads\":[",
		(long long)(t1 - t0),
		(long long)wl_ns(CLOCK_PROCESS_CPUTIME_ID),
		(long long)period_ns);
	for (i = 0; i < nburners; i++) {
		struct burner *b = &burners[i];
		int64_t wall = b->end_mono - b->start_mono;

		fprintf(f, "%s{\"tid\":%d,\"name\":", i ? "," : "", (int)b->tid);
		wl_json_str(f, b->name);
		fprintf(f, ",\"duty\":%.3f,\"cpu\":%d,\"cpu_ns\":%lld,\"wall_ns\":%lld,"
			"\"measured_duty\":%.3f}",
			b->duty, b->cpu, (long long)b->cpu_ns, (long long)wall,
			wall > 0 ? 100.0 * (double)b->cpu_ns / (double)wall : 0.0);
	}
	fprintf(f, "]}\n");
	wl_truth_close(f);
	return 0;
}
