// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the machine's counters: the parsers of /proc/stat,
 * meminfo, loadavg, uptime and pressure on synthetic text (including
 * offline CPUs, a missing "full" line, garbage), and the model's machine
 * figures from synthetic snapshots (CPU shares per CPU and in all, memory,
 * swap, load, tasks, pressure over the interval, counters that go back).
 * No file is read: the model does no I/O, and these show it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "procfs.h"
#include "check.h"
#include "world.h"

#define HZ 100
#define TICK (SEC / HZ)

static const char stat_a[] =
	"cpu  100 10 50 1000 20 5 5 0 0 0\n"
	"cpu0 60 10 30 400 10 5 5 0 0 0\n"
	"cpu2 40 0 20 600 10 0 0 0 0 0\n"
	"intr 12345 1 2 3\n"
	"ctxt 5000\n"
	"btime 1700000000\n"
	"processes 700\n"
	"procs_running 3\n"
	"procs_blocked 1\n"
	"softirq 1 2 3\n";

static const char meminfo[] =
	"MemTotal:       16384000 kB\n"
	"MemFree:         2048000 kB\n"
	"MemAvailable:    8192000 kB\n"
	"Buffers:          100000 kB\n"
	"Cached:          4000000 kB\n"
	"SwapCached:            0 kB\n"
	"Shmem:             50000 kB\n"
	"SReclaimable:     200000 kB\n"
	"SwapTotal:       1000000 kB\n"
	"SwapFree:         250000 kB\n";

static void test_parsers(void)
{
	struct ri_machine m;
	struct ri_psi p;

	memset(&m, 0, sizeof(m));
	CHECK_EQ(ri_parse_proc_stat(stat_a, &m, HZ), 0);
	CHECK_U64(m.total.user, 100 * TICK);
	CHECK_U64(m.total.nice, 10 * TICK);
	CHECK_U64(m.total.idle, 1000 * TICK);
	CHECK_U64(m.total.softirq, 5 * TICK);
	/* cpu1 is offline: no line, a slot that says so. */
	CHECK_EQ(m.ncpu, 2);
	CHECK_EQ(m.ncpu_slots, 3);
	CHECK(m.cpu_online[0] && !m.cpu_online[1] && m.cpu_online[2]);
	CHECK_U64(m.cpu[2].idle, 600 * TICK);
	CHECK_U64(m.ctxt, 5000);
	CHECK_U64(m.forks, 700);
	CHECK_EQ(m.nr_running, 3);
	CHECK_EQ(m.nr_blocked, 1);
	/* A kernel with fewer columns (no steal, no guest) still parses. */
	CHECK_EQ(ri_parse_proc_stat("cpu 1 2 3 4\ncpu0 1 2 3 4\n", &m, HZ), 0);
	CHECK_U64(m.total.idle, 4 * TICK);
	CHECK_U64(m.total.iowait, 0);
	CHECK_EQ(m.ncpu, 1);
	CHECK_EQ(ri_parse_proc_stat("garbage\n", &m, HZ), -EINVAL);
	CHECK_EQ(ri_parse_proc_stat("", &m, HZ), -EINVAL);
	/* CPU ids past what a snapshot holds are left out, not a crash. */
	CHECK_EQ(ri_parse_proc_stat("cpu 1 1 1 1\ncpu99999 1 1 1 1\n", &m, HZ), 0);
	CHECK_EQ(m.ncpu, 0);

	CHECK_EQ(ri_parse_meminfo(meminfo, &m), 0);
	CHECK_U64(m.mem_total, 16384000ULL * 1024);
	CHECK_U64(m.mem_available, 8192000ULL * 1024);
	CHECK_U64(m.cached, 4000000ULL * 1024);
	CHECK_U64(m.sreclaimable, 200000ULL * 1024);
	CHECK_U64(m.swap_free, 250000ULL * 1024);
	CHECK_EQ(ri_parse_meminfo("nothing here\n", &m), -EINVAL);

	CHECK_EQ(ri_parse_loadavg("0.52 1.25 2.00 3/456 7890\n", &m), 0);
	CHECK_NEAR(m.load1, 0.52, 1e-9);
	CHECK_NEAR(m.load15, 2.0, 1e-9);
	CHECK_EQ(ri_parse_loadavg("x\n", &m), -EINVAL);
	CHECK_EQ(ri_parse_uptime("3600.50 7000.00\n", &m), 0);
	CHECK_U64(m.uptime_ns, 3600500000000ULL);
	CHECK_EQ(ri_parse_uptime("-1 0\n", &m), -EINVAL);

	CHECK_EQ(ri_parse_pressure("some avg10=1.50 avg60=0.75 avg300=0.10 total=123456\n"
				   "full avg10=0.50 avg60=0.25 avg300=0.00 total=654\n",
				   &p),
		 0);
	CHECK_U64(p.some_us, 123456);
	CHECK_U64(p.full_us, 654);
	CHECK_NEAR(p.some_avg10, 1.5, 1e-6);
	CHECK_NEAR(p.full_avg60, 0.25, 1e-6);
	/* cpu pressure before 5.13 had no "full" line. */
	CHECK_EQ(ri_parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=9\n", &p), 0);
	CHECK_U64(p.some_us, 9);
	CHECK_U64(p.full_us, 0);
	CHECK_EQ(ri_parse_pressure("", &p), -EINVAL);

	/* Loopback is not the network; every other interface is summed. */
	CHECK_EQ(ri_parse_net_dev(
			 "Inter-|   Receive                                                |  Transmit\n"
			 " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
			 "    lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n"
			 "  eth0: 1000 10 0 0 0 0 0 0 300 3 0 0 0 0 0 0\n"
			 "wlan0:20000 200 1 2 3 4 5 6 7000 70 0 0 0 0 0 0\n"
			 "  lo2: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
			 "broken: 1 2 3\n",
			 &m),
		 0);
	CHECK_U64(m.net_rx_bytes, 21001);
	CHECK_U64(m.net_rx_packets, 211);
	CHECK_U64(m.net_tx_bytes, 7301);
	CHECK_U64(m.net_tx_packets, 74);
	/* Only loopback: a machine without a network, 0 and valid. */
	CHECK_EQ(ri_parse_net_dev("h\nh\n    lo: 5 5 0 0 0 0 0 0 5 5 0 0 0 0 0 0\n", &m), 0);
	CHECK_U64(m.net_rx_bytes, 0);
	CHECK_EQ(ri_parse_net_dev("no interfaces\n", &m), -EINVAL);
	free(m.cpu);
	free(m.cpu_online);
}

/* The machine's two CPUs, busy and idle so far (ns), and their sum. */
static void snap(struct ri_machine *m, uint64_t busy0, uint64_t idle0,
		 uint64_t busy1, uint64_t idle1)
{
	ri_machine_reserve(m, 2);
	m->ncpu = 2;
	m->cpu_online[0] = m->cpu_online[1] = 1;
	memset(m->cpu, 0, 2 * sizeof(*m->cpu));
	m->cpu[0].user = busy0;
	m->cpu[0].idle = idle0;
	m->cpu[1].system = busy1;
	m->cpu[1].idle = idle1;
	memset(&m->total, 0, sizeof(m->total));
	m->total.user = busy0;
	m->total.system = busy1;
	m->total.idle = idle0 + idle1;
}

static void test_figures(void)
{
	struct ri_model_opts o = { 0 };
	struct world w;
	struct ri_machine *mm;
	const struct ri_machine_fig *f;

	/* Drains with only a machine in them, a second apart from 100 s. */
	world_init(&w, &o);
	w.now = 99 * SEC;
	mm = &w.d.machine;
	f = &w.m->machine;
	mm->page_size = 4096;
	mm->mem_total = 1000 * 1048576ULL;
	mm->mem_available = 250 * 1048576ULL;
	mm->swap_total = 100;
	mm->swap_free = 40;
	mm->load1 = 1.5;
	mm->uptime_ns = 90 * SEC;
	mm->nr_procs = 10;
	mm->nr_threads = 30;
	mm->nr_kthreads = 5;
	mm->flags = RI_MACH_TASKS | RI_MACH_PSI;
	mm->psi[RI_PSI_CPU].some_us = 1000000;
	mm->psi[RI_PSI_IO].full_us = 0;
	mm->ctxt = 100;
	mm->flags |= RI_MACH_NET;
	mm->net_rx_bytes = 1000;
	mm->net_tx_bytes = 1000000;
	mm->net_tx_packets = 7;
	snap(mm, 0, 0, 0, 0);
	CHECK_EQ(tick(&w, SEC), 0);
	/* Rates need two readings. */
	CHECK(!f->has_net);
	/* The first sight has nothing to compare with: no CPU figure yet. */
	CHECK_NEAR(f->all.busy, 0, 1e-9);
	CHECK_EQ(f->ncpu, 2);
	CHECK_U64(f->mem_used, 750 * 1048576ULL);
	CHECK_U64(w.m->totals.mem_used, 750 * 1048576ULL);
	CHECK_U64(w.m->mem_total, 1000 * 1048576ULL);
	CHECK_U64(f->swap_used, 60);
	CHECK_NEAR(f->load[0], 1.5, 1e-9);
	CHECK_NEAR(f->uptime_s, 90, 1e-9);
	CHECK(f->tasks_known);
	CHECK_EQ(f->nr_threads, 30);

	/* One second: CPU0 75% busy, CPU1 25% busy. */
	snap(mm, 750000000, 250000000, 250000000, 750000000);
	mm->psi[RI_PSI_CPU].some_us = 1000000 + 200000; /* 20% of the second */
	mm->psi[RI_PSI_IO].full_us = 50000;
	mm->ctxt = 600;
	mm->net_rx_bytes = 1000 + 4096;
	mm->net_tx_bytes = 1000000 + 1048576;
	mm->net_tx_packets = 7 + 700;
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK(f->has_net);
	CHECK_NEAR(f->net_rx_bps, 4096, 1e-6);
	CHECK_NEAR(f->net_tx_bps, 1048576, 1e-6);
	CHECK_NEAR(f->net_tx_pps, 700, 1e-6);
	CHECK_NEAR(f->cpu[0].busy, 75, 1e-9);
	CHECK_NEAR(f->cpu[0].user, 75, 1e-9);
	CHECK_NEAR(f->cpu[1].busy, 25, 1e-9);
	CHECK_NEAR(f->cpu[1].system, 25, 1e-9);
	CHECK_NEAR(f->all.busy, 50, 1e-9);
	/* The header's "of one CPU" figure: 100 = one CPU busy. */
	CHECK_NEAR(w.m->totals.cpu_pct, 100, 1e-9);
	CHECK(f->has_psi);
	CHECK_NEAR(f->psi_some[RI_PSI_CPU], 20, 1e-9);
	CHECK_NEAR(f->psi_full[RI_PSI_IO], 5, 1e-9);
	CHECK_NEAR(f->ctxt_ps, 500, 1e-9);

	/* Counters that go back (a CPU replugged) give no figure, never < 0. */
	snap(mm, 10, 10, 750000000, 1250000000);
	mm->ctxt = 10;
	mm->psi[RI_PSI_CPU].some_us = 0;
	mm->net_tx_bytes = 5; /* an interface went away */
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK_NEAR(f->net_tx_bps, 0, 1e-9);
	CHECK_NEAR(f->cpu[0].busy, 0, 1e-9);
	CHECK_NEAR(f->cpu[1].busy, 50, 1e-9);
	CHECK(f->all.busy >= 0 && f->all.busy <= 100);
	CHECK_NEAR(f->ctxt_ps, 0, 1e-9);
	CHECK_NEAR(f->psi_some[RI_PSI_CPU], 0, 1e-9);

	/* A kernel without PSI: none shown, and no stale figure either. */
	mm->flags = RI_MACH_TASKS;
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK(!f->has_psi);
	/* Nor network (a source that cannot read /proc/net/dev): n/a. */
	CHECK(!f->has_net);
	CHECK_NEAR(f->psi_full[RI_PSI_IO], 0, 1e-9);

	/* More CPUs appear (hotplug): the figures grow with them. */
	ri_machine_reserve(mm, 8);
	mm->ncpu = 8;
	memset(mm->cpu_online, 1, 8);
	CHECK_EQ(tick(&w, SEC), 0);
	CHECK_EQ(f->ncpu, 8);
	CHECK_EQ(f->ncpu_slots, 8);
	CHECK(f->cpu_online[7]);

	world_free(&w);
}

int main(void)
{
	test_parsers();
	test_figures();
	return check_report("test_machine");
}
