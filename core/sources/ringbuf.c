// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A BPF ring buffer read from one mapping of its data (see ringbuf.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ringbuf.h"

/* The kernel's record header (uapi linux/bpf.h). */
#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)
#define RB_HDR 8u

int ri_ring_map(struct ri_ring *r, int fd, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *c, *p;

	memset(r, 0, sizeof(*r));
	if (page <= 0 || !size || (size & (size - 1)))
		return -EINVAL;
	/* The consumer page is the one writable page. */
	c = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	/* The producer page, then the data: once, not twice. */
	p = mmap(NULL, (size_t)page + size, PROT_READ, MAP_SHARED, fd, page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(c, (size_t)page);
		return err;
	}
	r->cons_map = c;
	r->prod_map = p;
	r->page = (size_t)page;
	r->prod_len = (size_t)page + size;
	r->consumer_pos = c;
	r->producer_pos = p;
	r->data = (const uint8_t *)p + page;
	r->size = size;
	return 0;
}

void ri_ring_unmap(struct ri_ring *r)
{
	if (r->cons_map)
		munmap(r->cons_map, r->page);
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	memset(r, 0, sizeof(*r));
}

long ri_ring_consume(struct ri_ring *r, int (*cb)(void *ctx, const void *rec, size_t len),
		     void *ctx, void *scratch, size_t scratch_len)
{
	unsigned long cons, prod;
	size_t mask = r->size - 1;
	long n = 0;
	int err;

	if (!r->data)
		return 0;
	cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	for (;;) {
		prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			return n;
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (cons & mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t body, off;

			if (len & RB_BUSY)
				return n; /* being written: the next read takes it */
			body = len & ~(RB_BUSY | RB_DISCARD);
			err = 0;
			if (!(len & RB_DISCARD)) {
				off = (cons + RB_HDR) & mask;
				if (off + body <= r->size) {
					err = cb(ctx, r->data + off, body);
				} else {
					size_t first = r->size - off, got = body;

					if (got > scratch_len)
						got = scratch_len;
					memcpy(scratch, r->data + off, first < got ? first : got);
					if (got > first)
						memcpy((uint8_t *)scratch + first, r->data, got - first);
					err = cb(ctx, scratch, got);
				}
				n++;
			}
			cons += (RB_HDR + body + 7) & ~(size_t)7;
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			if (err < 0)
				return err;
		}
	}
}
