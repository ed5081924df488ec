// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of wait sites (core/sources/waits.c): naming addresses from a
 * fake kallsyms (unsorted module symbols after the kernel's, clone
 * suffixes, data symbols, an address past every function's reach, lines
 * split across reads), the cache that spares a second read, picking the
 * first function that is not the scheduler's, grouping per process, the
 * syscall names; and the recording's section of sites, which decodes to
 * what was encoded, is left out when the source reads none, and is
 * refused cut short.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "waits.h"
#include "record_priv.h"
#include "synth.h"
#include "check.h"

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81001000 T __schedule\n"
	"ffffffff81001800 T schedule\n"
	"ffffffff81002000 t schedule_hrtimeout_range_clock.constprop.0\n"
	"ffffffff81003000 D some_data\n"
	"ffffffff81004000 T futex_wait_queue\n"
	"ffffffff81005000 t do_nanosleep.isra.0\n"
	"ffffffff81006000 T ep_poll\n"
	"ffffffff81007000 T do_epoll_wait\n"
	"ffffffff81008000 T _etext\n"
	"ffffffffc0002000 t fuse_dev_do_read\t[fuse]\n"
	"ffffffffc0001000 t request_wait_answer\t[fuse]\n";

static char path[64];

static void write_fake(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		exit(1);
}

static void test_names(void)
{
	uint64_t ips[] = { 0xffffffff81004010, 0xffffffff81001810, 0xffffffff81005123,
			   0xffffffffc0001044, 0xffffffffc0002001, 0xffffffff81003010,
			   0xffffffff70000000, 0xffffffff81000000 + (2u << 20) };
	char fn[8][RI_SITE_LEN];
	struct ri_ksyms *k = NULL;
	size_t reads, cached;

	write_fake(kallsyms);
	CHECK_EQ(ri_ksyms_open(&k, path), 0);
	if (!k)
		return;
	CHECK_EQ(ri_ksyms_name(k, ips, 8, fn), 0);
	CHECK_STR(fn[0], "futex_wait_queue");
	CHECK_STR(fn[1], "schedule");
	CHECK_STR(fn[2], "do_nanosleep");     /* ".isra.0" dropped */
	CHECK_STR(fn[3], "request_wait_answer"); /* a module's, listed after */
	CHECK_STR(fn[4], "fuse_dev_do_read");
	CHECK_STR(fn[5], "schedule_hrtimeout_range_clock"); /* data symbols are no functions */
	CHECK_STR(fn[6], "");                 /* below every symbol */
	CHECK_STR(fn[7], "");                 /* past the last one's reach */
	ri_ksyms_stats(k, &reads, &cached);
	CHECK_EQ(reads, 1);
	CHECK_EQ(cached, 8);
	/* Known addresses: no second read, even with the file gone. */
	unlink(path);
	CHECK_EQ(ri_ksyms_name(k, ips, 3, fn), 0);
	ri_ksyms_stats(k, &reads, &cached);
	CHECK_EQ(reads, 1);
	CHECK_STR(fn[2], "do_nanosleep");
	ri_ksyms_close(k);

	/* Zeros for addresses: opened without privilege. */
	write_fake("0000000000000000 T _stext\n0000000000000000 T schedule\n");
	k = NULL;
	CHECK_EQ(ri_ksyms_open(&k, path), -EPERM);
	CHECK(k == NULL);
	CHECK_EQ(ri_ksyms_open(&k, "/nonexistent/kallsyms"), -ENOENT);
}

static void test_pieces(void)
{
	uint64_t want[] = { 0xffffffff81006008 };
	uint64_t best[1] = { 0 };
	char fn[1][RI_SITE_LEN] = { "" };
	struct ri_ksyms_pass p = { .want = want, .n = 1, .best = best, .best_fn = fn };
	size_t i, n = strlen(kallsyms);

	/* One byte at a time: every line straddles reads. */
	for (i = 0; i < n; i++)
		ri_ksyms_pass_feed(&p, kallsyms + i, 1);
	ri_ksyms_pass_end(&p);
	CHECK_STR(fn[0], "ep_poll");
	CHECK_EQ(p.lines, 12);
	/* A last line with no newline still counts. */
	memset(&p, 0, sizeof(p));
	p.want = want, p.n = 1, p.best = best, p.best_fn = fn;
	best[0] = 0;
	ri_ksyms_pass_feed(&p, "ffffffff81006000 T ep_poll", 26);
	ri_ksyms_pass_end(&p);
	CHECK_STR(fn[0], "ep_poll");
}

static void test_sites(void)
{
	struct ri_wait w[3] = { 0 };
	struct ri_site_table t = { 0 };
	struct ri_site_group g[3];
	struct ri_ksyms *k = NULL;
	const struct ri_site *s;
	size_t n, ng;
	char text[128];

	write_fake(kallsyms);
	CHECK_EQ(ri_ksyms_open(&k, path), 0);
	if (!k)
		return;
	/* __schedule, schedule, futex_wait_queue: the futex's. */
	w[0] = (struct ri_wait){ .tid = 12, .tgid = 10, .nr = 202, .nframes = 3,
				 .ips = { 0xffffffff81001010, 0xffffffff81001810,
					  0xffffffff81004010 } };
	w[1] = w[0];
	w[1].tid = 11;
	/* Only the scheduler's: the last one said. */
	w[2] = (struct ri_wait){ .tid = 7, .tgid = 7, .nr = -1, .nframes = 2,
				 .ips = { 0xffffffff81001010, 0xffffffff81002010 } };
	CHECK_EQ(ri_wait_sites(k, w, 3, &t), 0);
	CHECK_EQ(t.n, 3);
	ri_site_table_sort(&t);
	CHECK_EQ(t.v[0].tgid, 7);
	CHECK_STR(t.v[0].fn, "schedule_hrtimeout_range_clock");
	s = ri_site_table_proc(&t, 10, &n);
	CHECK_EQ(n, 2);
	CHECK(s && s[0].tid == 11 && !strcmp(s[0].fn, "futex_wait_queue"));
	CHECK(ri_site_table_find(&t, 10, 12) != NULL);
	CHECK(ri_site_table_find(&t, 10, 7) == NULL);
	CHECK(ri_site_table_proc(&t, 9, &n) == NULL && n == 0);
	ng = ri_site_group(s, 2, g, 3);
	CHECK_EQ(ng, 1);
	CHECK_EQ(g[0].threads, 2);
	CHECK_STR(ri_site_text(text, sizeof(text), g[0].fn, g[0].nr, "<-"),
		  "futex_wait_queue <- futex");
	CHECK_STR(ri_site_text(text, sizeof(text), "", -1, "<-"), "?");
	/* Most threads first; a place past the room is left out. */
	CHECK_EQ(ri_site_group(t.v, 3, g, 3), 2);
	CHECK(g[0].threads == 2 && g[1].threads == 1 && g[1].nr == -1);
	CHECK_EQ(ri_site_group(t.v, 3, g, 1), 1);
	CHECK_EQ(g[0].threads, 1); /* the first place met, tgid 7's */
	CHECK_STR(ri_syscall_name(0), "read");
	CHECK_STR(ri_syscall_name(232), "epoll_wait");
	CHECK(ri_syscall_name(-1) == NULL && ri_syscall_name(100000) == NULL);
	CHECK(ri_site_is_sched("schedule_timeout") && ri_site_is_sched("io_schedule") &&
	      ri_site_is_sched("wait_woken") && !ri_site_is_sched("ep_poll") &&
	      !ri_site_is_sched("folio_wait_bit_common"));
	ri_site_table_free(&t);
	ri_ksyms_close(k);
	unlink(path);
}

static void test_codec(void)
{
	struct rec_codec a = { 0 }, c = { 0 };
	struct rbuf plain = { 0 }, with = { 0 };
	struct ri_drain d = { 0 }, back = { 0 };
	struct ri_rec_choice ch = { 0 };
	struct synth syn;
	bool changed;
	size_t i;

	synth_init(&syn, 12, 3, 7);
	if (synth_tick(&syn, &d, SYNTH_SEC))
		exit(1);
	CHECK_EQ(rec_encode(&a, true, &d, NULL, &plain), 0);
	for (i = 0; i < 5; i++) {
		struct ri_site *s = ri_site_table_push(&d.sites);

		if (!s)
			exit(1);
		s->tgid = 100 + (uint32_t)(i / 3);
		s->tid = 1000 + (uint32_t)i;
		s->nr = i == 4 ? -1 : 202;
		snprintf(s->fn, sizeof(s->fn), "%s", i == 4 ? "" : i == 3 ? "ep_poll" : "futex_wait_queue");
	}
	memset(d.sites.v[2].fn, 'x', RI_SITE_LEN - 1); /* the longest name */
	d.sites.known = true;
	d.sites.lost = 3;
	rec_codec_reset(&a);
	CHECK_EQ(rec_encode(&a, true, &d, NULL, &with), 0);
	CHECK(with.n > plain.n);
	CHECK_EQ(rec_decode(&c, true, with.p, with.n, &back, &ch, &changed), 0);
	CHECK(back.sites.known);
	CHECK_EQ(back.sites.n, 5);
	CHECK_EQ(back.sites.lost, 3);
	for (i = 0; i < 5 && i < back.sites.n; i++)
		CHECK(memcmp(&back.sites.v[i], &d.sites.v[i], sizeof(d.sites.v[i])) == 0);
	/* A frame without the section: no sites, not known. */
	CHECK_EQ(rec_decode(&c, true, plain.p, plain.n, &back, &ch, &changed), 0);
	CHECK(!back.sites.known && back.sites.n == 0);
	/* Cut anywhere inside the section: refused, never read past it. */
	for (i = plain.n + 6; i < with.n; i++) {
		put_le32(with.p + plain.n + 1, (uint32_t)(i - plain.n - 5));
		CHECK(rec_decode(&c, true, with.p, i, &back, &ch, &changed) != 0);
	}
	rbuf_free(&plain);
	rbuf_free(&with);
	rec_codec_free(&a);
	rec_codec_free(&c);
	ri_drain_free(&d);
	ri_drain_free(&back);
	ri_rec_choice_free(&ch);
	synth_free(&syn);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/ri-test-waits-%d", (int)getpid());
	test_names();
	test_pieces();
	test_sites();
	test_codec();
	unlink(path);
	return check_report("test_waits");
}
