// SPDX-License-Identifier: GPL-2.0
/*
 * grow - grows its resident set at a fixed rate.
 *
 *   grow --rate BYTES_PER_S [--seconds S] [--start BYTES] [--max BYTES]
 *        [--sawtooth S] [--statm-log FILE] [--name N] [--truth FILE]
 *
 * Owns the RSS ground truth.  One anonymous mapping is reserved up front
 * and touched page by page every 10 ms, so resident memory rises smoothly
 * instead of in malloc-arena or huge-page steps (THP is disabled on the
 * mapping for the same reason).  The process's own view of itself is
 * what the tool must match, so --statm-log appends
 * "monotonic_seconds resident_bytes" from /proc/self/statm every 100 ms;
 * a test converts tick times to CLOCK_MONOTONIC and interpolates.
 * Growth stops at --max (default: start + rate * seconds, or 1 GiB when
 * running until a signal); the process then holds its memory.
 *
 * --sawtooth S: every S seconds what was touched above --start is given
 * back (MADV_DONTNEED) and the climb starts again: memory that grows and
 * frees, as a cache does, which a leak detector must not call a leak.
 * --rate 0 holds --start flat.
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/mman.h>

static long page_size;

static int64_t statm_resident(void)
{
	long long size, res;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld %lld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * page_size;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: grow --rate BYTES_PER_S [--seconds S] [--start BYTES]\n"
		"            [--max BYTES] [--sawtooth S] [--statm-log FILE] [--name N]\n"
		"            [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "start", required_argument, NULL, 'S' },
		{ "max", required_argument, NULL, 'M' },
		{ "sawtooth", required_argument, NULL, 'w' },
		{ "statm-log", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "grow", *logpath = NULL, *truth = NULL;
	int64_t rate = -1, start = 0, max = -1, touched = 0;
	int64_t t0, t1, now, end, next_log, target, base, saw = 0, cycle0;
	double seconds = 0;
	FILE *log = NULL, *f;
	char *mem;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rate = wl_size(optarg); break;
		case 's': seconds = wl_double(optarg); break;
		case 'S': start = wl_size(optarg); break;
		case 'M': max = wl_size(optarg); break;
		case 'w': saw = (int64_t)(wl_double(optarg) * NSEC_PER_SEC); break;
		case 'l': logpath = optarg; break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || rate < 0)
		usage();
	if (max < 0)
		max = seconds > 0 ? start + (int64_t)((double)rate * seconds)
				  : 1LL << 30;
	if (max < start)
		max = start;

	wl_set_comm(name);
	wl_install_signals();
	page_size = sysconf(_SC_PAGESIZE);
	max = (max + page_size - 1) / page_size * page_size;

	mem = mmap(NULL, (size_t)(max ? max : page_size), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		wl_die("mmap %lld: %s", (long long)max, strerror(errno));
	madvise(mem, (size_t)(max ? max : page_size), MADV_NOHUGEPAGE);

	if (logpath) {
		log = fopen(logpath, "a");
		if (!log)
			wl_die("open %s: %s", logpath, strerror(errno));
		setvbuf(log, NULL, _IOLBF, 0);
	}

	for (; touched < start && touched < max; touched += page_size)
		mem[touched] = 1;
	base = touched; /* page-aligned: what a sawtooth keeps */
	wl_ready();

	t0 = cycle0 = wl_ns(CLOCK_MONOTONIC);
	end = seconds > 0 ? t0 + (int64_t)(seconds * NSEC_PER_SEC) : INT64_MAX;
	next_log = t0;
	while (!wl_stop) {
		now = wl_ns(CLOCK_MONOTONIC);
		if (now >= end)
			break;
		if (saw > 0 && now - cycle0 >= saw) {
			if (touched > base)
				madvise(mem + base, (size_t)(touched - base), MADV_DONTNEED);
			touched = base;
			cycle0 += saw;
		}
		target = start + (int64_t)((double)rate * (double)(now - cycle0) / NSEC_PER_SEC);
		for (; touched < target && touched < max; touched += page_size)
			mem[touched] = 1;
		if (log && now >= next_log) {
			/* Re-read the clock: statm is what exists right now. */
			int64_t res = statm_resident();

			fprintf(log, "%.6f %lld\n",
				(double)wl_ns(CLOCK_MONOTONIC) / NSEC_PER_SEC,
				(long long)res);
			next_log += 100 * NSEC_PER_MSEC;
		}
		wl_sleep_until(now + 10 * NSEC_PER_MSEC);
	}
	t1 = wl_ns(CLOCK_MONOTONIC);

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"grow\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"rate\":%lld,\"start\":%lld,\"max\":%lld,\"touched_bytes\":%lld,"
		"\"resident_bytes\":%lld,\"page_size\":%ld,\"wall_ns\":%lld}\n",
		(long long)rate, (long long)start, (long long)max,
		(long long)touched, (long long)statm_resident(), page_size,
		(long long)(t1 - t0));
	wl_truth_close(f);
	if (log)
		fclose(log);
	return 0;
}
