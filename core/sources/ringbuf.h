/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading a BPF ring buffer (the exits of tasks) from a mapping of its
 * data made once. libbpf maps the data twice in a row, so that a record
 * that wraps around the end reads as one piece; every page of both
 * mappings then counts in the tool's RSS (2 MiB for the default 1 MiB
 * ring). Here the rare record that wraps is copied into a scratch buffer
 * instead. The protocol is the kernel's: a consumer position we own, a
 * producer position and 8-byte record headers the kernel writes (length,
 * busy and discard bits), records 8-byte aligned.
 */
#ifndef RI_RINGBUF_H
#define RI_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

struct ri_ring {
	unsigned long *consumer_pos;       /* ours to advance */
	const unsigned long *producer_pos; /* the kernel's */
	const uint8_t *data;               /* @size bytes, a power of two */
	size_t size;
	/* the mappings, for ri_ring_unmap */
	void *cons_map, *prod_map;
	size_t page, prod_len;
};

/* Maps the ring of map @fd, of @size data bytes; 0 or -errno. */
int ri_ring_map(struct ri_ring *r, int fd, size_t size);
void ri_ring_unmap(struct ri_ring *r);

/*
 * Hands every committed record to @cb in order, stopping at one still
 * being written; a record that wraps is first copied into @scratch (at
 * most @scratch_len bytes of it). Returns the records handed, or what a
 * callback returned if negative (the record is then consumed).
 */
long ri_ring_consume(struct ri_ring *r, int (*cb)(void *ctx, const void *rec, size_t len),
		     void *ctx, void *scratch, size_t scratch_len);

#endif /* RI_RINGBUF_H */
