// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gen_recording - writes a synthetic recording quickly, for the seek
 * benchmark (a day at 1 s is 86,400 ticks: too long to record live).
 * The drains are tests/unit/synth.h's: processes and threads, most idle,
 * some busy, one process replaced every 7 ticks and a short-lived child
 * each tick, the machine's counters; the writer is the tool's own.
 *
 *   gen_recording --out FILE [--ticks N] [--procs P] [--threads T]
 *
 * Prints "FILE: N ticks, B bytes, S s" on success. Never for the source
 * tree: the file it writes is large and made on demand.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "record.h"
#include "../unit/synth.h"

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "ticks", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ri_rec_writer_opts wo = { 0 };
	struct ri_rec_meta meta = { .ncpu = 2, .page_size = 4096, .interval_s = 1.0,
				    .sees_short_lived = true, .known = true };
	struct ri_rec_writer *w;
	struct ri_drain d = { 0 };
	struct synth s;
	struct timespec a, b;
	long ticks = 86400, procs = 60, threads = 5, i;
	char err[512];
	int c;
	FILE *f;

	while ((c = getopt_long(argc, argv, "o:n:p:t:", lo, NULL)) != -1) {
		switch (c) {
		case 'o': wo.path = optarg; break;
		case 'n': ticks = atol(optarg); break;
		case 'p': procs = atol(optarg); break;
		case 't': threads = atol(optarg); break;
		default: return 2;
		}
	}
	if (!wo.path || ticks < 2 || procs < 1 || threads < 1) {
		fprintf(stderr, "usage: gen_recording --out FILE [--ticks N] "
				"[--procs P] [--threads T]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (ri_rec_writer_open(&wo, &w, err, sizeof(err))) {
		fprintf(stderr, "gen_recording: %s\n", err);
		return 1;
	}
	snprintf(meta.source, sizeof(meta.source), "bpf");
	snprintf(meta.probe, sizeof(meta.probe), "tp_btf");
	snprintf(meta.host, sizeof(meta.host), "synthetic");
	snprintf(meta.tool, sizeof(meta.tool), "gen_recording");
	ri_rec_writer_meta(w, &meta);
	synth_init(&s, (size_t)procs, (size_t)threads, 42);
	for (i = 0; i < ticks; i++) {
		if (synth_tick(&s, &d, SYNTH_SEC) || ri_rec_writer_frame(w, &d, NULL)) {
			fprintf(stderr, "gen_recording: writing tick %ld failed\n", i);
			return 1;
		}
	}
	ri_rec_writer_close(w);
	clock_gettime(CLOCK_MONOTONIC, &b);
	f = fopen(wo.path, "rb");
	if (!f || fseek(f, 0, SEEK_END))
		return 1;
	printf("%s: %ld ticks, %ld bytes, %.1f s\n", wo.path, ticks, ftell(f),
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9);
	fclose(f);
	ri_drain_free(&d);
	synth_free(&s);
	return 0;
}
