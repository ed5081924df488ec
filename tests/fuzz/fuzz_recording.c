// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the recording reader (core/record/record_read.c and the
 * frame decoder in record_codec.c). The first byte picks how the rest is
 * used:
 *   0  a file as it is: open, read every frame, seek to a few times,
 *      read on from there, ask for the range and the damage;
 *   1  the same after the CRCs of every record found are made right, so
 *      mutations get past the checks and reach zstd and the decoder;
 *   2  frame payloads straight into the decoder: the rest split on a
 *      four-byte marker, the first a key frame, each next a delta;
 *   3, 4  the stream form (-r -), as it is and with the CRCs made right:
 *      through a pipe in two parts, read to its end for now after the
 *      first, then on after the second and the pipe's end, then seeks
 *      over what was spooled.
 * Whatever the bytes: no crash, no leak, nothing read out of bounds, and
 * every drain holds no more tasks, nor a frame more alert transitions,
 * than the bytes could say; every transition's strings end in a NUL.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "record_priv.h"

static void fix_crcs(uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + RI_REC_RHDR <= n; i++) {
		uint32_t len;

		if (memcmp(b + i, RI_REC_RMAGIC, 4))
			continue;
		len = get_le32(b + i + 8);
		if (len <= n - i - RI_REC_RHDR)
			put_le32(b + i + 24, ri_crc32c(0, b + i + RI_REC_RHDR, len));
		put_le32(b + i + 28, ri_crc32c(0, b + i, 28));
	}
	if (n >= RI_REC_FHDR_FIXED + 4) {
		uint32_t hlen = get_le32(b + 12);

		if (hlen >= RI_REC_FHDR_FIXED + 4 && hlen <= n)
			put_le32(b + hlen - 4, ri_crc32c(0, b, hlen - 4));
	}
}

static void check_drain(const struct ri_drain *d, size_t size)
{
	/* A task takes two bytes at least, before compression at ~1:1e6 at worst. */
	if (d->live.n > size * 1024 + 100000 || d->exited.n > size * 1024 + 100000 ||
	    d->machine.ncpu_slots > RI_MAX_CPUS)
		abort();
}

static void check_events(const struct ri_alert_transition *v, size_t n, size_t size)
{
	size_t i;

	/* Ten bytes each at least, and zstd's ratio at worst. */
	if (n > size * 1024 + 100000)
		abort();
	for (i = 0; i < n; i++)
		if (!memchr(v[i].comm, '\0', sizeof(v[i].comm)) ||
		    !memchr(v[i].text, '\0', sizeof(v[i].text)) || v[i].to > RI_ALERT_RESOLVED)
			abort();
}

static void read_file(const uint8_t *data, size_t size)
{
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	struct ri_rec_choice ch = { 0 };
	char path[64], err[4096];
	int fd = memfd_create("fuzz_recording", 0), i;
	int64_t first, last;
	const struct ri_alert_transition *ev;
	const int64_t *marks;
	size_t nmarks, nev, k;

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ri_rec_open(path, &r, err, sizeof(err)) == 0) {
		for (i = 0; i < 10000 && ri_rec_read(r, &d, &ch) == 0; i++) {
			check_drain(&d, size);
			nev = ri_rec_events(r, &ev);
			check_events(ev, nev, size);
		}
		ri_rec_damage(r);
		/* The marks: one per record header at most, each 32 bytes. */
		if (ri_rec_firing_times(r, &marks, &nmarks) == 0) {
			if (nmarks > size / RI_REC_RHDR)
				abort();
			for (k = 0; k < nmarks; k++)
				first = marks[k]; /* every one readable */
		}
		first = ri_rec_first_us(r);
		last = ri_rec_last_us(r);
		for (i = 0; i < 4; i++) {
			/* The file's times are anything: their span wraps, not overflows. */
			uint64_t span = (uint64_t)last - (uint64_t)first;
			int64_t t = (int64_t)((uint64_t)first + span / 4 * (uint64_t)i);
			int k;

			ri_rec_seek(r, i == 3 ? INT64_MIN : t);
			ri_rec_peek_us(r);
			for (k = 0; k < 3 && ri_rec_read(r, &d, &ch) == 0; k++)
				check_drain(&d, size);
		}
		ri_rec_meta(r);
		ri_rec_file(r);
		ri_rec_close(r);
	} else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort(); /* a refusal always says why */
	}
	close(fd);
	ri_drain_free(&d);
	ri_rec_choice_free(&ch);
}

static void read_all(struct ri_rec_reader *r, struct ri_drain *d,
		     struct ri_rec_choice *ch, size_t size)
{
	const struct ri_alert_transition *ev;
	int i;

	for (i = 0; i < 10000 && ri_rec_read(r, d, ch) == 0; i++) {
		check_drain(d, size);
		check_events(ev, ri_rec_events(r, &ev), size);
	}
}

/*
 * How many bytes opening a stream waits for (record_read.c's stream_start:
 * the header, then records up to the first frame), SIZE_MAX when more
 * than @n: the harness must never leave it waiting on an open pipe.
 */
static size_t open_needs(const uint8_t *d, size_t n)
{
	uint64_t rec, need;
	struct rec_hdr h;

	if (n < RI_REC_FHDR_FIXED)
		return SIZE_MAX;
	rec = get_le32(d + 12);
	if (memcmp(d, RI_REC_MAGIC, RI_REC_MAGIC_LEN) || rec > 65536 || rec < RI_REC_FHDR_FIXED)
		return RI_REC_FHDR_FIXED;
	for (;;) {
		need = rec + RI_REC_RHDR;
		if (need > n)
			return SIZE_MAX;
		if (rec_hdr_get(d + rec, &h))
			return need;
		need += h.len;
		if (need > n)
			return SIZE_MAX;
		if (h.kind != REC_INDEX)
			return need;
		rec = need;
	}
}

static void read_stream(const uint8_t *data, size_t size)
{
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	struct ri_rec_choice ch = { 0 };
	char err[4096];
	int p[2], i;
	size_t split = size / 2, need;

	/* A pipe holds the whole input: the harness never blocks on it. */
	if (size > (1u << 20) || pipe(p))
		return;
	if (fcntl(p[1], F_SETPIPE_SZ, 1 << 20) < (int)size) {
		close(p[0]);
		close(p[1]);
		return;
	}
	need = open_needs(data, size);
	if (split < need)
		split = size;
	if (split && write(p[1], data, split) != (ssize_t)split)
		abort();
	if (split == size) {
		close(p[1]);
		p[1] = -1;
	}
	if (ri_rec_open_stream(p[0], &r, err, sizeof(err)) == 0) {
		read_all(r, &d, &ch, size);
		if (p[1] >= 0) {
			if (write(p[1], data + split, size - split) != (ssize_t)(size - split))
				abort();
			close(p[1]);
			p[1] = -1;
		}
		read_all(r, &d, &ch, size);
		if (ri_rec_following(r) && ri_rec_read(r, &d, &ch) == 0)
			read_all(r, &d, &ch, size);
		ri_rec_damage(r);
		for (i = 0; i < 3; i++) {
			ri_rec_seek(r, i == 2 ? INT64_MIN : ri_rec_last_us(r) - i);
			ri_rec_peek_us(r);
			if (ri_rec_read(r, &d, &ch) == 0)
				check_drain(&d, size);
		}
		ri_rec_close(r);
	} else {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			abort(); /* a refusal always says why */
		close(p[0]);
	}
	if (p[1] >= 0)
		close(p[1]);
	ri_drain_free(&d);
	ri_rec_choice_free(&ch);
}

static void decode_frames(const uint8_t *data, size_t size)
{
	static const uint8_t mark[4] = { 0xfe, 'F', 'R', 0xfe };
	struct rec_codec c = { 0 };
	struct ri_drain d = { 0 };
	struct ri_rec_choice ch = { 0 };
	const uint8_t *p = data, *end = data + size;
	bool key = true, changed;

	while (p <= end) {
		const uint8_t *q = memmem(p, (size_t)(end - p), mark, 4);
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);

		if (rec_decode(&c, key, p, n, &d, &ch, &changed) == 0) {
			check_drain(&d, size);
			check_events(c.ev, c.nev, size);
		}
		/* After a failure the next is a key frame, as the reader does. */
		key = false;
		if (!q)
			break;
		p = q + 4;
	}
	rec_codec_free(&c);
	ri_drain_free(&d);
	ri_rec_choice_free(&ch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b;

	if (!size)
		return 0;
	switch (data[0] % 5) {
	case 0:
		read_file(data + 1, size - 1);
		break;
	case 1:
	case 4:
		b = malloc(size);
		if (!b)
			abort();
		memcpy(b, data + 1, size - 1);
		fix_crcs(b, size - 1);
		if (data[0] % 5 == 1)
			read_file(b, size - 1);
		else
			read_stream(b, size - 1);
		free(b);
		break;
	case 3:
		read_stream(data + 1, size - 1);
		break;
	default:
		decode_frames(data + 1, size - 1);
	}
	return 0;
}
