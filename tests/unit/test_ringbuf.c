// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the ring buffer reader (core/sources/ringbuf.c) over a ring laid
 * out in memory the way the kernel lays it out: records in order, one
 * wrapping around the end (copied whole), one discarded (skipped), one
 * still being written (the read stops there and takes it next time), and
 * the consumer position left where the next read must start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ringbuf.h"
#include "check.h"

#define SIZE 512u

struct fake {
	unsigned long cons, prod;
	uint8_t data[SIZE];
};

/* Writes a record of @len bytes of @fill at the producer position. */
static unsigned long put(struct fake *f, uint32_t len, uint8_t fill, uint32_t bits)
{
	unsigned long at = f->prod;
	uint32_t hdr[2] = { len | bits, 0 };
	size_t i;

	for (i = 0; i < 8; i++)
		f->data[(at + i) % SIZE] = ((uint8_t *)hdr)[i];
	for (i = 0; i < len; i++)
		f->data[(at + 8 + i) % SIZE] = fill;
	f->prod += (8 + len + 7) & ~7ul;
	return at;
}

struct seen {
	size_t n;
	size_t len[16];
	uint8_t first[16], last[16];
	int fail_at;
};

static int take(void *ctx, const void *rec, size_t len)
{
	struct seen *s = ctx;
	const uint8_t *b = rec;

	if (s->n < 16) {
		s->len[s->n] = len;
		s->first[s->n] = len ? b[0] : 0;
		s->last[s->n] = len ? b[len - 1] : 0;
	}
	s->n++;
	return (int)s->n == s->fail_at ? -5 : 0;
}

static struct ri_ring ring_of(struct fake *f)
{
	struct ri_ring r;

	memset(&r, 0, sizeof(r));
	r.consumer_pos = &f->cons;
	r.producer_pos = &f->prod;
	r.data = f->data;
	r.size = SIZE;
	return r;
}

int main(void)
{
	static struct fake f;
	struct ri_ring r = ring_of(&f);
	struct seen s = { 0 };
	uint8_t scratch[128];
	unsigned long busy_at;
	long got;

	/* Empty: nothing, and no harm. */
	CHECK_EQ(ri_ring_consume(&r, take, &s, scratch, sizeof(scratch)), 0);

	/* Start near the end so the third record wraps. */
	f.cons = f.prod = 368;
	put(&f, 60, 0xa1, 0);   /* 368..436 */
	put(&f, 40, 0xb2, 0x40000000u); /* discarded: 440..488 */
	put(&f, 100, 0xc3, 0);  /* 488: header, body 496..596 wraps at 512 */
	busy_at = put(&f, 20, 0xd4, 0x80000000u); /* not committed yet */
	put(&f, 16, 0xe5, 0);
	got = ri_ring_consume(&r, take, &s, scratch, sizeof(scratch));
	CHECK_EQ(got, 2);
	CHECK_EQ(s.n, 2);
	CHECK(s.len[0] == 60 && s.first[0] == 0xa1 && s.last[0] == 0xa1);
	CHECK(s.len[1] == 100 && s.first[1] == 0xc3 && s.last[1] == 0xc3);
	CHECK_EQ(f.cons, busy_at);

	/* Committed now: the read goes on from there. */
	f.data[(busy_at + 3) % SIZE] &= 0x7f;
	got = ri_ring_consume(&r, take, &s, scratch, sizeof(scratch));
	CHECK_EQ(got, 2);
	CHECK(s.len[2] == 20 && s.first[2] == 0xd4);
	CHECK(s.len[3] == 16 && s.last[3] == 0xe5);
	CHECK_EQ(f.cons, f.prod);

	/* A wrapping record longer than the scratch buffer comes cut. */
	f.cons = f.prod = 3 * SIZE + 456;
	put(&f, 120, 0x77, 0);
	got = ri_ring_consume(&r, take, &s, scratch, 64);
	CHECK_EQ(got, 1);
	CHECK(s.len[4] == 64 && s.first[4] == 0x77 && s.last[4] == 0x77);
	CHECK_EQ(f.cons, f.prod);

	/* A callback's error stops the read after its record. */
	put(&f, 8, 1, 0);
	put(&f, 8, 2, 0);
	s.fail_at = (int)s.n + 1;
	CHECK_EQ(ri_ring_consume(&r, take, &s, scratch, sizeof(scratch)), -5);
	CHECK_EQ(s.n, 6);
	CHECK(f.cons < f.prod);
	s.fail_at = 0;
	CHECK_EQ(ri_ring_consume(&r, take, &s, scratch, sizeof(scratch)), 1);
	CHECK_EQ(f.cons, f.prod);

	/* Not mapped: nothing to read. */
	memset(&r, 0, sizeof(r));
	CHECK_EQ(ri_ring_consume(&r, take, &s, scratch, sizeof(scratch)), 0);
	return check_report("test_ringbuf");
}
