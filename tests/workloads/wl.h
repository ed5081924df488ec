/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wl.h - helpers shared by the test workloads (header only, so each
 * workload still builds as one standalone "cc -o X X.c").
 *
 * Owns: clock helpers, the stop flag and its SIGTERM/SIGINT handler,
 * size parsing, comm naming, opening the ground-truth output, and the
 * burners' busy work.
 * Everything is static inline so a workload that does not use a helper
 * does not trip -Wunused-function.
 */
#ifndef WL_H
#define WL_H

/* Must come before any system header: every workload includes wl.h first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL

/*
 * Set from the signal handler, polled by every loop.  Threads never block
 * longer than one pacing period, so they notice it promptly without
 * needing the signal delivered to them.
 */
static volatile sig_atomic_t wl_stop;

static inline void wl_on_signal(int sig)
{
	(void)sig;
	wl_stop = 1;
}

/*
 * No SA_RESTART: the thread that takes the signal should leave its sleep
 * early so shutdown (and the truth report) does not wait a full period.
 */
static inline void wl_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wl_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static inline void wl_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static inline int64_t wl_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline struct timespec wl_ts(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};
	return ts;
}

/* Sleep until an absolute CLOCK_MONOTONIC time; returns early on a signal. */
static inline void wl_sleep_until(int64_t mono_ns)
{
	struct timespec ts = wl_ts(mono_ns);

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* "123", "64K", "8M", "1G" (binary multiples), "1.5M". */
static inline int64_t wl_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		wl_die("bad size '%s'", s);
	switch (*end) {
	case 'k': case 'K': v *= 1024.0; end++; break;
	case 'm': case 'M': v *= 1024.0 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		wl_die("bad size '%s'", s);
	return (int64_t)v;
}

static inline double wl_double(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end)
		wl_die("bad number '%s'", s);
	return v;
}

/*
 * comm is 15 bytes plus NUL; truncate ourselves so the name a test
 * expects is exactly what the kernel stores.  (memcpy, not snprintf:
 * truncation is the point, and gcc warns about it for snprintf.)
 */
static inline void wl_comm_copy(char out[16], const char *name)
{
	size_t n = strnlen(name, 15);

	memcpy(out, name, n);
	out[n] = '\0';
}

static inline void wl_set_comm(const char *name)
{
	char buf[16];

	wl_comm_copy(buf, name);
	if (prctl(PR_SET_NAME, buf, 0, 0, 0))
		wl_die("prctl(PR_SET_NAME): %s", strerror(errno));
}

/* base + suffix, cutting base (not the suffix) to fit the 15-byte comm. */
static inline void wl_comm_with_suffix(char out[16], const char *base,
				       const char *suffix)
{
	size_t sl = strlen(suffix);
	size_t bl = strlen(base);

	if (sl > 15)
		sl = 15;
	if (bl > 15 - sl)
		bl = 15 - sl;
	memcpy(out, base, bl);
	memcpy(out + bl, suffix, sl);
	out[bl + sl] = '\0';
}

/* Write a JSON string; comm-like input here is always plain ASCII. */
static inline void wl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Truth goes to --truth FILE when given, else stdout. */
static inline FILE *wl_truth_open(const char *path)
{
	FILE *f;

	if (!path)
		return stdout;
	f = fopen(path, "w");
	if (!f)
		wl_die("open %s: %s", path, strerror(errno));
	return f;
}

static inline void wl_truth_close(FILE *f)
{
	if (f == stdout)
		fflush(f);
	else
		fclose(f);
}

/*
 * A slice of busy work between reads of the thread's CPU clock (a
 * syscall): arithmetic keeps the burn mostly user time, like a real hog.
 */
static inline void wl_spin_a_bit(void)
{
	static volatile uint64_t sink;
	uint64_t x = sink;
	int i;

	for (i = 0; i < 2000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

/*
 * One line on stderr once the workload is set up, so a harness can wait
 * for it instead of sleeping a guessed amount.
 */
static inline void wl_ready(void)
{
	fprintf(stderr, "ready %d\n", (int)getpid());
	fflush(stderr);
}

#endif /* WL_H */
