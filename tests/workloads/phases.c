// SPDX-License-Identifier: GPL-2.0
/*
 * phases - one thread whose CPU use follows a schedule of phases.
 *
 *   phases [--name N] [--pin CPU] [--truth FILE] --phase DUTY:SECONDS ...
 *
 * Owns the ground truth of when a process turns busy and idle again, for
 * the alert tests ("a burner that turns to 100% four seconds in"): each
 * phase runs at DUTY percent of one CPU for SECONDS, one after the other
 * from "ready"; after the last the process idles until a signal. The
 * truth gives each phase's start and end on CLOCK_MONOTONIC and the CPU
 * time the thread really got in it, so a test can tell the tool's timing
 * from a machine that starved the burner.
 *
 * Duty is enforced per 10 ms period against the thread's own CPU clock,
 * as in burn.c; 100% never sleeps, 0% only sleeps.
 */
#include "wl.h"

#include <getopt.h>
#include <sched.h>

#define MAX_PHASES 32
#define PERIOD_NS (10 * NSEC_PER_MSEC)

struct phase {
	double duty, seconds;
	int64_t start, end, cpu_ns;
};

static struct phase phases[MAX_PHASES];
static int nphases;

static void parse_phase(const char *spec)
{
	char buf[64], *colon;
	struct phase *p;

	if (nphases == MAX_PHASES)
		wl_die("too many phases (max %d)", MAX_PHASES);
	snprintf(buf, sizeof(buf), "%s", spec);
	colon = strchr(buf, ':');
	if (!colon)
		wl_die("--phase wants DUTY:SECONDS, got '%s'", spec);
	*colon++ = '\0';
	p = &phases[nphases++];
	p->duty = wl_double(buf);
	p->seconds = wl_double(colon);
	if (p->duty < 0 || p->duty > 100 || p->seconds <= 0)
		wl_die("--phase wants DUTY 0..100 and SECONDS > 0, got '%s'", spec);
}

/* Runs one phase; returns early on a stop signal. */
static void run_phase(struct phase *p)
{
	int64_t burn = (int64_t)(p->duty / 100.0 * (double)PERIOD_NS);
	int64_t c0 = wl_ns(CLOCK_THREAD_CPUTIME_ID), next, ctarget, c;

	p->start = wl_ns(CLOCK_MONOTONIC);
	p->end = p->start + (int64_t)(p->seconds * NSEC_PER_SEC);
	next = p->start;
	ctarget = c0;
	while (!wl_stop && wl_ns(CLOCK_MONOTONIC) < p->end) {
		if (p->duty >= 100) {
			wl_spin_a_bit();
			continue;
		}
		next += PERIOD_NS;
		ctarget += burn;
		c = wl_ns(CLOCK_THREAD_CPUTIME_ID);
		if (ctarget - c > PERIOD_NS)
			ctarget = c + PERIOD_NS;
		while (!wl_stop && burn && wl_ns(CLOCK_THREAD_CPUTIME_ID) < ctarget)
			wl_spin_a_bit();
		wl_sleep_until(next < p->end ? next : p->end);
	}
	p->end = wl_ns(CLOCK_MONOTONIC);
	p->cpu_ns = wl_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
}

static void usage(void)
{
	fprintf(stderr, "usage: phases [--name N] [--pin CPU] [--truth FILE] "
			"--phase DUTY:SECONDS ...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'N' },
		{ "pin", required_argument, NULL, 'P' },
		{ "phase", required_argument, NULL, 'p' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "phases", *truth = NULL;
	int opt, i, pin = -1;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'N': name = optarg; break;
		case 'P': pin = atoi(optarg); break;
		case 'p': parse_phase(optarg); break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !nphases)
		usage();
	wl_set_comm(name);
	wl_install_signals();
	if (pin >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(pin, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			wl_die("sched_setaffinity(%d): %s", pin, strerror(errno));
	}
	wl_ready();
	for (i = 0; i < nphases && !wl_stop; i++)
		run_phase(&phases[i]);
	while (!wl_stop)
		wl_sleep_until(wl_ns(CLOCK_MONOTONIC) + 100 * NSEC_PER_MSEC);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"phases\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"phases\":[");
	for (i = 0; i < nphases; i++)
		fprintf(f, "%s{\"duty\":%.3f,\"seconds\":%.3f,\"start_mono\":%.6f,"
			"\"end_mono\":%.6f,\"cpu_ns\":%lld}",
			i ? "," : "", phases[i].duty, phases[i].seconds,
			(double)phases[i].start / NSEC_PER_SEC,
			(double)phases[i].end / NSEC_PER_SEC, (long long)phases[i].cpu_ns);
	fprintf(f, "]}\n");
	wl_truth_close(f);
	return 0;
}
