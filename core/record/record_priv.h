/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the recording's files share and nobody else sees: the byte layout
 * of a file (record.h describes it for readers of the format), little-
 * endian and varint helpers, CRC-32C, the frame codec (a drain and its
 * choice to the bytes of one frame and back) and the growable buffer they
 * write into.
 */
#ifndef RI_RECORD_PRIV_H
#define RI_RECORD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

/* The file header: magic, version, length, tagged fields, CRC. */
#define RI_REC_MAGIC "\x89RIREC\r\n"
#define RI_REC_MAGIC_LEN 8
#define RI_REC_FHDR_FIXED 16 /* magic, version, header length */

/* File header tags (u16 tag, u16 length, value). */
enum rec_tag {
	TAG_TASK_SIZE = 1,   /* u32: sizeof(struct ri_task) of the writer */
	TAG_HOST = 2,        /* string */
	TAG_KERNEL = 3,      /* string: uname release */
	TAG_NCPU = 4,        /* u32 */
	TAG_PAGE_SIZE = 5,   /* u32 */
	TAG_BOOT_TIME = 6,   /* i64: Unix time of boot, microseconds */
	TAG_TOOL = 7,        /* string: tool version */
	TAG_OPTIONS = 8,     /* string: the command line in force */
	TAG_SOURCE = 9,      /* string */
	TAG_PROBE = 10,      /* string */
	TAG_SHORT_LIVED = 11, /* u8 */
	TAG_INTERVAL = 12,   /* u64: bits of a double, seconds */
	TAG_START = 13,      /* i64: Unix time of the first frame, microseconds */
	TAG_TASK_FIELDS = 14, /* u32: fields per task in this version */
	TAG_MACHINE_FIELDS = 15, /* u32 */
	TAG_CPU_FIELDS = 16, /* u32 */
	TAG_KEY_EVERY = 17,  /* u32: frames per group */
};

/* What version 1 stores of a task, of the machine and of one CPU. */
#define RI_REC_V1_TASK_FIELDS 22
#define RI_REC_V1_MACHINE_FIELDS 58
#define RI_REC_V1_CPU_FIELDS 10

/* Every record: a 32-byte header, then its payload. */
#define RI_REC_RMAGIC "RIFR"
#define RI_REC_RHDR 32
enum rec_kind { REC_INDEX = 'I', REC_KEY = 'K', REC_DELTA = 'D' };
/* Record header flags. */
#define REC_F_FIRING 0x01 /* the frame holds a transition to firing */

struct rec_hdr {
	uint8_t kind;
	uint8_t flags;    /* REC_F_* */
	uint32_t len;     /* payload bytes */
	uint32_t back;    /* bytes back to the group's index record */
	int64_t time_us;  /* Unix time of the frame (of the group's key frame) */
	uint32_t crc;     /* CRC-32C of the payload */
};

void rec_hdr_put(uint8_t out[RI_REC_RHDR], const struct rec_hdr *h);
/* 0, or -EINVAL when the magic or the header's own CRC is wrong. */
int rec_hdr_get(const uint8_t in[RI_REC_RHDR], struct rec_hdr *h);

/* Most skip pointers an index record holds: enough for 2^32 groups. */
#define RI_REC_MAX_PTRS 32

struct rec_ptr {
	uint64_t off;    /* of an earlier group's index record */
	int64_t time_us; /* of that group's key frame */
};

/* The payload of an index record. */
struct rec_index {
	uint32_t group; /* number of the group in its file, from 0 */
	uint32_t nptr;
	struct rec_ptr ptr[RI_REC_MAX_PTRS];
};

size_t rec_index_put(uint8_t *out, const struct rec_index *x);
int rec_index_get(const uint8_t *in, size_t n, struct rec_index *x);

/* ---- bytes ---- */

struct rbuf {
	uint8_t *p;
	size_t n, cap;
};

int rbuf_reserve(struct rbuf *b, size_t more);
void rbuf_free(struct rbuf *b);

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

uint32_t ri_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- the frame codec ---- */

/*
 * The state both directions keep between the frames of one group: the
 * previous frame's live tasks (what a task's counters are a delta
 * against), found by PID through a small hash, and the previous machine
 * and clocks. A key frame starts from nothing.
 */
struct rec_codec {
	struct ri_taskbuf prev;
	uint32_t *slot;     /* open addressing: index + 1 into prev, 0 empty */
	size_t nslot;       /* power of two */
	struct ri_machine pm; /* previous machine (owns its CPU arrays) */
	uint64_t pclock, pdropped, pevents, punix;
	struct ri_rec_choice pchoice; /* the writer's: last choice written */
	/*
	 * The EVENTS section: for the writer, what the next frame carries;
	 * for the reader, what the last frame decoded held.
	 */
	struct ri_alert_transition *ev;
	size_t nev, evcap;
	bool have_prev;
	bool indexed;       /* slot holds prev's PIDs (made when first needed) */
	bool have_choice;
	/* The reader's: fields per task in the file being read (0: unknown). */
	uint32_t file_fields;
	struct ri_cg_table pcg; /* the previous frame's cgroups */
};

/* Fields per task that this version writes (the first 22 are version 1's). */
size_t rec_task_fields(void);
size_t rec_machine_fields(void);

void rec_codec_reset(struct rec_codec *c);
void rec_codec_free(struct rec_codec *c);
/* Copies @n transitions into c->ev. 0 or -ENOMEM. */
int rec_codec_set_events(struct rec_codec *c, const struct ri_alert_transition *v,
			 size_t n);
/* Whether c->ev holds a transition to firing. */
bool rec_codec_firing(const struct rec_codec *c);
/*
 * Appends the payload of one frame to @out: a key frame carries every
 * value whole, a delta frame what changed since the previous frame.
 */
int rec_encode(struct rec_codec *c, bool key, const struct ri_drain *d,
	       const struct ri_rec_choice *ch, struct rbuf *out);
/*
 * Decodes one frame into @d (its buffers reused) and, when the frame says
 * so, @ch (*ch_changed set). -EINVAL on anything malformed: whatever the
 * bytes, never more than they say and never out of bounds.
 */
int rec_decode(struct rec_codec *c, bool key, const uint8_t *p, size_t n,
	       struct ri_drain *d, struct ri_rec_choice *ch, bool *ch_changed);

#endif /* RI_RECORD_PRIV_H */
