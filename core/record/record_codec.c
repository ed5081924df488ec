// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The frame codec: one drain and its choice to the bytes of one frame's
 * payload (before compression) and back, plus the pieces of the format
 * every side shares: record headers, index records, CRC-32C, varints.
 *
 * Every value is stored as the zigzag varint of its difference with the
 * previous frame's (whole in a key frame), and only when it changed: an
 * idle task costs its PID delta and one zero byte. Fields are tables of
 * offsets, so growing struct ri_task means appending to a table. The
 * decoder trusts nothing: counts are bounded by the bytes left, every
 * reference must exist, and any doubt is -EINVAL.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "record_priv.h"

/* ---- CRC-32C (Castagnoli), table-driven ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t ri_crc32c(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	if (!crc_table[1])
		crc_init();
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- growable buffers ---- */

int rbuf_reserve(struct rbuf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->n + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->n + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

void rbuf_free(struct rbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- record headers and index records ---- */

void rec_hdr_put(uint8_t out[RI_REC_RHDR], const struct rec_hdr *h)
{
	memcpy(out, RI_REC_RMAGIC, 4);
	out[4] = h->kind;
	out[5] = h->flags;
	out[6] = RI_REC_RHDR;
	out[7] = 0;
	put_le32(out + 8, h->len);
	put_le32(out + 12, h->back);
	put_le64(out + 16, (uint64_t)h->time_us);
	put_le32(out + 24, h->crc);
	put_le32(out + 28, ri_crc32c(0, out, 28));
}

int rec_hdr_get(const uint8_t in[RI_REC_RHDR], struct rec_hdr *h)
{
	if (memcmp(in, RI_REC_RMAGIC, 4) ||
	    get_le32(in + 28) != ri_crc32c(0, in, 28))
		return -EINVAL;
	h->kind = in[4];
	h->flags = in[5];
	h->len = get_le32(in + 8);
	h->back = get_le32(in + 12);
	h->time_us = (int64_t)get_le64(in + 16);
	h->crc = get_le32(in + 24);
	if (h->kind != REC_INDEX && h->kind != REC_KEY && h->kind != REC_DELTA)
		return -EINVAL;
	return 0;
}

size_t rec_index_put(uint8_t *out, const struct rec_index *x)
{
	uint32_t i;

	put_le32(out, x->group);
	put_le32(out + 4, x->nptr);
	for (i = 0; i < x->nptr; i++) {
		put_le64(out + 8 + 16 * i, x->ptr[i].off);
		put_le64(out + 16 + 16 * i, (uint64_t)x->ptr[i].time_us);
	}
	return 8 + 16 * (size_t)x->nptr;
}

int rec_index_get(const uint8_t *in, size_t n, struct rec_index *x)
{
	uint32_t i;

	if (n < 8)
		return -EINVAL;
	x->group = get_le32(in);
	x->nptr = get_le32(in + 4);
	if (x->nptr > RI_REC_MAX_PTRS || n < 8 + 16 * (size_t)x->nptr)
		return -EINVAL;
	for (i = 0; i < x->nptr; i++) {
		x->ptr[i].off = get_le64(in + 8 + 16 * i);
		x->ptr[i].time_us = (int64_t)get_le64(in + 16 + 16 * i);
	}
	return 0;
}

/* ---- varints ---- */

static inline uint64_t zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzz(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Room was reserved by the caller: at most 10 bytes. */
static inline uint8_t *put_var(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_var(struct rd *r)
{
	uint64_t v = 0;
	int shift = 0;

	while (r->p < r->end && shift < 64) {
		uint8_t b = *r->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	r->bad = true;
	return 0;
}

static uint8_t get_u8(struct rd *r)
{
	if (r->p >= r->end) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}

/* ---- field tables ---- */

struct fld {
	uint16_t off;
	uint8_t size; /* 1, 2, 4 or 8 */
	uint8_t sign; /* sign-extend: small negative values stay small */
	uint8_t time; /* a machine's time in ns, stored in the frame's unit */
};

#define FT(type, m) { offsetof(type, m), sizeof(((type *)0)->m), 0, 0 }
#define FTS(type, m) { offsetof(type, m), sizeof(((type *)0)->m), 1, 0 }
#define FTT(type, m) { offsetof(type, m), sizeof(((type *)0)->m), 0, 1 }
/* A counter of figures.h, by its id. */
#define FC(id) { RI_C_OFF_##id, sizeof(uint64_t), 0, 0 }

static uint64_t fld_get(const void *base, const struct fld *f)
{
	const uint8_t *p = (const uint8_t *)base + f->off;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (f->size) {
	case 1:
		memcpy(&u8, p, 1);
		return f->sign ? (uint64_t)(int64_t)(int8_t)u8 : u8;
	case 2:
		memcpy(&u16, p, 2);
		return f->sign ? (uint64_t)(int64_t)(int16_t)u16 : u16;
	case 4:
		memcpy(&u32, p, 4);
		return f->sign ? (uint64_t)(int64_t)(int32_t)u32 : u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static void fld_put(void *base, const struct fld *f, uint64_t v)
{
	uint8_t *p = (uint8_t *)base + f->off;
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (f->size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
	}
}

/*
 * The task's fields in version 1, those that change most often first so
 * that a task that only slept and ran again has a one-byte mask. pid is
 * the key, coded apart. Mask bit 0: no reference; bit 1: the comm; bit
 * k + 2: field k. Append only: a reader skips the bits it does not know.
 */
static const struct fld task_v1_f[] = {
	FC(CPU),			 FC(VCSW),
	FC(PCOUNT),			 FC(RUN_DELAY),
	FTS(struct ri_task, cpu),	 FC(IVCSW),
	FT(struct ri_task, state),	 FT(struct ri_task, rss_pages),
	FC(READ),			 FC(WRITE),
	FC(DISK_READ),			 FC(DISK_WRITE),
	FT(struct ri_task, vm_pages),	 FT(struct ri_task, flags),
	FT(struct ri_task, exit_ns),	 FTS(struct ri_task, nice),
	FT(struct ri_task, start_ns),	 FT(struct ri_task, pstart_ns),
	FT(struct ri_task, tgid),	 FT(struct ri_task, ppid),
	FT(struct ri_task, uid),	 FT(struct ri_task, cgroup_id),
};
#define NTASK_V1_F (sizeof(task_v1_f) / sizeof(task_v1_f[0]))
/*
 * Then, appended in figures.h's order, the counters added since (its
 * RI_FF_NEWER ones): a recording says how many fields its tasks have, and
 * a reader skips those it does not know. Fields that are no counter go
 * where they were appended, after the counter they followed (extra_f),
 * so a counter added later still comes after them.
 */
static const struct {
	int after; /* RI_C_ id of the counter they follow */
	struct fld f;
} extra_f[] = {
	/* What a thread sleeps in now, and the holder of the lock it waits for. */
	{ RI_C_ST_OTHER, FT(struct ri_task, wait_state) },
	{ RI_C_ST_OTHER, FT(struct ri_task, lock_holder) },
};
#define NEXTRA_F (sizeof(extra_f) / sizeof(extra_f[0]))
#define RI_X_ONE(...) +1
#define NTASK_LIMIT_F (0 RI_LIMIT_FIELDS(RI_X_ONE))
#define NTASK_F_MAX (NTASK_V1_F + RI_C_COUNT + NEXTRA_F + NTASK_LIMIT_F)
#define TM_WHOLE 1u
#define TM_COMM 2u
#define TM_FIELD(k) (1ull << ((k) + 2))
/* Indexes in task_f of the fields the pcount predictor reads. */
#define F_NVCSW 1
#define F_PCOUNT 2
#define F_NIVCSW 5
#define F_START 16
#define F_PSTART 17
#define F_TGID 18
static struct fld task_f[NTASK_F_MAX];
#define TASK_WORDS (sizeof(struct ri_task) / 8)
_Static_assert(sizeof(struct ri_task) % 8 == 0, "a task is whole words");
/* For each 8-byte word of a task, the mask bits of what lies in it. */
static uint64_t word_bits[TASK_WORDS];
static size_t ntask_f;
/*
 * Then the limits of a process (figures.h's RI_LIMIT_FIELDS): a file
 * with fewer fields than ntask_counters_f has none of them.
 */
static size_t ntask_counters_f;

__attribute__((constructor)) static void task_fields(void)
{
	memcpy(task_f, task_v1_f, sizeof(task_v1_f));
	ntask_f = NTASK_V1_F;
	for (int i = 0; i < RI_C_COUNT; i++) {
		if (ri_counters[i].flags & RI_FF_NEWER)
			task_f[ntask_f++] = (struct fld){ (uint16_t)ri_counters[i].off,
							  sizeof(uint64_t), 0, 0 };
		for (size_t k = 0; k < NEXTRA_F; k++)
			if (extra_f[k].after == i)
				task_f[ntask_f++] = extra_f[k].f;
	}
	ntask_counters_f = ntask_f;
#define RI_X_FLD(f, ...)                                                              \
	task_f[ntask_f++] = (struct fld){ offsetof(struct ri_task, f),                \
					  sizeof(((struct ri_task *)0)->f), 0, 0 };
	RI_LIMIT_FIELDS(RI_X_FLD)
#undef RI_X_FLD
	for (size_t k = 0; k < ntask_f; k++)
		for (size_t w = task_f[k].off / 8; w <= (task_f[k].off + task_f[k].size - 1u) / 8u;
		     w++)
			word_bits[w] |= TM_FIELD(k);
	/* pcount is stored against the switches: a change of either counts. */
	word_bits[offsetof(struct ri_task, nvcsw) / 8] |= TM_FIELD(F_PCOUNT);
	word_bits[offsetof(struct ri_task, nivcsw) / 8] |= TM_FIELD(F_PCOUNT);
	for (size_t w = offsetof(struct ri_task, comm) / 8;
	     w <= (offsetof(struct ri_task, comm) + RI_COMM_LEN - 1) / 8; w++)
		word_bits[w] |= TM_COMM;
}
_Static_assert(NTASK_F_MAX <= 62, "a task's mask has 62 field bits");

size_t rec_task_fields(void)
{
	return ntask_f;
}
#define NTASK_F ntask_f

/*
 * The stream of a task list: each item a varint whose two low bits say
 * what it is, the rest its argument.
 *   OP_SAME n    the next n tasks of the previous frame's list, unchanged
 *   OP_SKIP n    the next n tasks of the previous frame's list are gone
 *   OP_DELTA m   the next task of the previous frame's list, with the
 *                fields of mask m changed (their deltas follow)
 *   OP_PID m     a task out of that order: its PID (zigzag delta to the
 *                last task given), then as OP_DELTA against the same task
 *                in the previous frame, or, with mask bit 0, against the
 *                task before it in this list (a new task, or a key frame)
 * A machine's tasks keep their order from one drain to the next, so an
 * idle stretch of tasks costs one byte, a busy task its mask and deltas.
 */
enum { OP_SAME, OP_SKIP, OP_DELTA, OP_PID };

#define FM(m) FT(struct ri_machine, m)
#define FPSI(i)                                                           \
	FM(psi[i].some_us), FM(psi[i].full_us), FM(psi[i].some_avg10),    \
		FM(psi[i].some_avg60), FM(psi[i].some_avg300),            \
		FM(psi[i].full_avg10), FM(psi[i].full_avg60),             \
		FM(psi[i].full_avg300)
#define FCPU(t, m) FTT(struct ri_cpu_times, m)
#define FMT(m) FTT(struct ri_machine, m)

/*
 * The machine's scalars (floats and doubles as their bits). Append only:
 * a reader skips the fields past the ones it knows (their mask bits), so
 * a field added later costs an older reader nothing; a newer reader of an
 * older file finds the field never set and its flag (RI_MACH_NET) off.
 */
#define MACH_V1_F                                                                 \
	FM(flags), FM(ncpu), FM(ncpu_slots), FM(page_size), FMT(total.user),      \
		FMT(total.nice), FMT(total.system), FMT(total.idle),              \
		FMT(total.iowait), FMT(total.irq), FMT(total.softirq),            \
		FMT(total.steal), FMT(total.guest), FMT(total.guest_nice),        \
		FM(mem_total), FM(mem_free), FM(mem_available), FM(buffers),      \
		FM(cached), FM(shmem), FM(sreclaimable), FM(swap_total),          \
		FM(swap_free), FM(load1), FM(load5), FM(load15), FMT(uptime_ns),  \
		FM(ctxt), FM(forks), FM(nr_running), FM(nr_blocked),              \
		FM(nr_procs), FM(nr_threads), FM(nr_kthreads), FPSI(0), FPSI(1),  \
		FPSI(2)
static const struct fld mach_f[] = {
	MACH_V1_F,
	/* after version 1 */
	FM(net_rx_bytes), FM(net_tx_bytes), FM(net_rx_packets), FM(net_tx_packets),
};
#define NMACH_F (sizeof(mach_f) / sizeof(mach_f[0]))
_Static_assert(NMACH_F <= 64, "the machine's mask is 64 bits");
_Static_assert(sizeof((struct fld[]){ MACH_V1_F }) / sizeof(struct fld) ==
			       RI_REC_V1_MACHINE_FIELDS &&
		       NTASK_V1_F == RI_REC_V1_TASK_FIELDS,
	       "version 1's tables are frozen: a new field is appended after them");

size_t rec_machine_fields(void)
{
	return NMACH_F;
}

static const struct fld cpu_f[] = {
	FCPU(c, user),	 FCPU(c, nice),	   FCPU(c, system), FCPU(c, idle),
	FCPU(c, iowait), FCPU(c, irq),	   FCPU(c, softirq), FCPU(c, steal),
	FCPU(c, guest),	 FCPU(c, guest_nice),
};
#define NCPU_F (sizeof(cpu_f) / sizeof(cpu_f[0]))
_Static_assert(NCPU_F == RI_REC_V1_CPU_FIELDS, "version 1's tables are frozen");

/* ---- the codec's memory of the previous frame ---- */

static uint32_t hash_pid(uint32_t pid, size_t nslot)
{
	return (pid * 2654435761u) & (uint32_t)(nslot - 1);
}

/*
 * The PIDs of the previous frame's list, hashed. Made when a task is first
 * looked up by PID: a writer whose tasks all come in the previous frame's
 * order (threads that only slept) never needs it.
 */
static int index_prev(struct rec_codec *c)
{
	size_t need = 16, i;

	if (c->indexed)
		return 0;

	while (need < c->prev.n * 2)
		need *= 2;
	if (need > c->nslot) {
		uint32_t *s = realloc(c->slot, need * sizeof(*s));

		if (!s)
			return -ENOMEM;
		c->slot = s;
		c->nslot = need;
	}
	memset(c->slot, 0, c->nslot * sizeof(*c->slot));
	for (i = 0; i < c->prev.n; i++) {
		uint32_t h = hash_pid(c->prev.v[i].pid, c->nslot);

		/* The first of a PID wins, on both sides alike. */
		while (c->slot[h] && c->prev.v[c->slot[h] - 1].pid != c->prev.v[i].pid)
			h = (h + 1) & (uint32_t)(c->nslot - 1);
		if (!c->slot[h])
			c->slot[h] = (uint32_t)i + 1;
	}
	c->indexed = true;
	return 0;
}

/* Where the previous frame's live list holds @pid; -1 when it does not. */
static long prev_index(const struct rec_codec *c, uint32_t pid)
{
	uint32_t h;

	if (!c->have_prev)
		return -1;
	assert(c->indexed);
	h = hash_pid(pid, c->nslot);
	while (c->slot[h]) {
		const struct ri_task *t = &c->prev.v[c->slot[h] - 1];

		if (t->pid == pid)
			return (long)c->slot[h] - 1;
		h = (h + 1) & (uint32_t)(c->nslot - 1);
	}
	return -1;
}

static int copy_tasks(struct ri_taskbuf *dst, const struct ri_taskbuf *src)
{
	if (src->n > dst->cap) {
		struct ri_task *v = realloc(dst->v, src->n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		dst->v = v;
		dst->cap = src->n;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
	return 0;
}

static int copy_machine(struct ri_machine *dst, const struct ri_machine *src)
{
	struct ri_cpu_times *cpu = dst->cpu;
	uint8_t *on = dst->cpu_online;
	uint32_t slots = src->ncpu_slots, had = dst->ncpu_slots;

	if (slots > had || (slots && !cpu)) {
		cpu = realloc(cpu, slots * sizeof(*cpu));
		if (!cpu)
			return -ENOMEM;
		dst->cpu = cpu;
		on = realloc(on, slots);
		if (!on)
			return -ENOMEM;
		dst->cpu_online = on;
	}
	*dst = *src;
	dst->cpu = cpu;
	dst->cpu_online = on;
	/* Keep the larger capacity known, so a shrink then a grow reallocates. */
	dst->ncpu_slots = slots;
	if (slots) {
		memcpy(cpu, src->cpu, slots * sizeof(*cpu));
		memcpy(on, src->cpu_online, slots);
	}
	return 0;
}

/* Everything the previous frame set is forgotten: the next is a key frame. */
void rec_codec_reset(struct rec_codec *c)
{
	c->prev.n = 0;
	c->have_prev = false;
	c->indexed = false;
	c->pclock = c->pdropped = c->pevents = c->punix = 0;
	c->have_choice = false;
	c->pcg.n = 0;
}

void rec_codec_free(struct rec_codec *c)
{
	ri_taskbuf_free(&c->prev);
	free(c->slot);
	free(c->pm.cpu);
	free(c->pm.cpu_online);
	ri_rec_choice_free(&c->pchoice);
	free(c->ev);
	free(c->pcg.v);
	memset(c, 0, sizeof(*c));
}

/* Room for @n transitions in c->ev. */
static int ev_reserve(struct rec_codec *c, size_t n)
{
	if (n > c->evcap) {
		struct ri_alert_transition *e = realloc(c->ev, n * sizeof(*e));

		if (!e)
			return -ENOMEM;
		c->ev = e;
		c->evcap = n;
	}
	return 0;
}

int rec_codec_set_events(struct rec_codec *c, const struct ri_alert_transition *v,
			 size_t n)
{
	if (ev_reserve(c, n))
		return -ENOMEM;
	if (n)
		memcpy(c->ev, v, n * sizeof(*v));
	c->nev = n;
	return 0;
}

bool rec_codec_firing(const struct rec_codec *c)
{
	size_t i;

	for (i = 0; i < c->nev; i++)
		if (c->ev[i].to == RI_ALERT_FIRING)
			return true;
	return false;
}

/* ---- choices ---- */

void ri_rec_choice_free(struct ri_rec_choice *c)
{
	free(c->pids);
	free(c->starts);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

bool ri_rec_choice_same(const struct ri_rec_choice *a,
			const struct ri_rec_choice *b)
{
	size_t i;

	if (a->npids != b->npids || a->nnames != b->nnames)
		return false;
	for (i = 0; i < a->npids; i++)
		if (a->pids[i] != b->pids[i])
			return false;
	for (i = 0; i < a->nnames; i++)
		if (strncmp(a->names[i], b->names[i], RI_COMM_LEN))
			return false;
	return true;
}

int ri_rec_choice_set(struct ri_rec_choice *c, const pid_t *pids,
		      const uint64_t *starts, size_t npids,
		      const char (*names)[RI_COMM_LEN], size_t nnames)
{
	size_t i;

	if (npids > c->pid_cap) {
		pid_t *p = realloc(c->pids, npids * sizeof(*p));
		uint64_t *s;

		if (!p)
			return -ENOMEM;
		c->pids = p;
		s = realloc(c->starts, npids * sizeof(*s));
		if (!s)
			return -ENOMEM;
		c->starts = s;
		c->pid_cap = npids;
	}
	if (nnames > c->name_cap) {
		char(*n)[RI_COMM_LEN] = realloc(c->names, nnames * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->names = n;
		c->name_cap = nnames;
	}
	for (i = 0; i < npids; i++) {
		c->pids[i] = pids[i];
		c->starts[i] = starts ? starts[i] : 0;
	}
	for (i = 0; i < nnames; i++) {
		memset(c->names[i], 0, RI_COMM_LEN);
		strncpy(c->names[i], names[i], RI_COMM_LEN - 1);
	}
	c->npids = npids;
	c->nnames = nnames;
	return 0;
}

/* ---- encoding ---- */

/* Opens a section: its type and a length filled in by sec_end. */
static size_t sec_begin(struct rbuf *b, uint8_t type)
{
	b->p[b->n] = type;
	b->n += 5;
	return b->n;
}

static void sec_end(struct rbuf *b, size_t start)
{
	put_le32(b->p + start - 4, (uint32_t)(b->n - start));
}

static void put_delta(struct rbuf *b, uint64_t now, uint64_t was)
{
	b->n = (size_t)(put_var(b->p + b->n, zz((int64_t)(now - was))) - b->p);
}

static size_t comm_len(const char *s)
{
	return strnlen(s, RI_COMM_LEN);
}

static bool comm_differs(const struct ri_task *a, const struct ri_task *b)
{
	return memcmp(a->comm, b->comm, RI_COMM_LEN) &&
	       strncmp(a->comm, b->comm, RI_COMM_LEN);
}

/* Worst case of one task: op, PID, mask, every field, the comm. */
#define TASK_MAX (10 + 10 + 10 + 10 * NTASK_F_MAX + 1 + RI_COMM_LEN)

/*
 * Field @k of @t against @r as stored: pcount is predicted by the
 * switches (a task is scheduled in about as often as it is switched out),
 * so mostly it stores nothing.
 */
static uint64_t predicted(const struct ri_task *t, const struct ri_task *r, size_t k)
{
	switch (k) {
	/*
	 * A leader's tgid is its PID and its process starts with it; a
	 * thread's are its leader's: the reference says which a task is
	 * likely to be (the same task, or the one before it in the list).
	 */
	case F_TGID:
		return r->tgid == r->pid ? t->pid : r->tgid;
	case F_PSTART:
		return r->pstart_ns == r->start_ns ? t->start_ns : r->pstart_ns;
	default:
		return fld_get(r, &task_f[k]);
	}
}

static uint64_t stored(const struct ri_task *t, const struct ri_task *r, size_t k)
{
	uint64_t d = fld_get(t, &task_f[k]) - predicted(t, r, k);

	if (k == F_PCOUNT)
		d -= (t->nvcsw - r->nvcsw) + (t->nivcsw - r->nivcsw);
	return d;
}

/*
 * The mask of @t against @r. @same: @r is the same task a frame earlier,
 * whose every field predicts itself (its tgid and start are @t's), so a
 * field can be stored as non-zero only where the bytes differ: the
 * 8-byte words that differ say which fields to look at (word_bits). At
 * 10,000 threads that sleep, each has a field or two that moved (the
 * time asleep), and looking at all sixty would be most of the cost of
 * recording them.
 */
static uint64_t task_mask(const struct ri_task *t, const struct ri_task *r, bool same)
{
	uint64_t mask = 0, look = 0;
	size_t k;

	if (same) {
		uint64_t a, b;

		for (k = 0; k < TASK_WORDS; k++) {
			memcpy(&a, (const char *)t + 8 * k, 8);
			memcpy(&b, (const char *)r + 8 * k, 8);
			if (a != b)
				look |= word_bits[k];
		}
	} else if (memcmp(t, r, sizeof(*t))) {
		look = ~0ull;
	}
	/* Most tasks slept the whole interval: nothing moved, nothing to say. */
	if (!look)
		return 0;
	for (uint64_t m = look >> 2; m; m &= m - 1) {
		k = (size_t)__builtin_ctzll(m);
		if (k >= NTASK_F)
			break;
		if (stored(t, r, k))
			mask |= TM_FIELD(k);
	}
	if ((look & TM_COMM) && comm_differs(t, r))
		mask |= TM_COMM;
	return mask;
}

static void put_fields(struct rbuf *b, const struct ri_task *t,
		       const struct ri_task *r, uint64_t mask)
{
	size_t k;

	if (mask & TM_COMM) {
		size_t n = comm_len(t->comm);

		b->p[b->n++] = (uint8_t)n;
		memcpy(b->p + b->n, t->comm, n);
		b->n += n;
	}
	for (uint64_t m = mask >> 2; m; m &= m - 1) {
		k = (size_t)__builtin_ctzll(m);
		b->n = (size_t)(put_var(b->p + b->n, zz((int64_t)stored(t, r, k))) - b->p);
	}
}

static void put_op(struct rbuf *b, unsigned op, uint64_t arg)
{
	b->n = (size_t)(put_var(b->p + b->n, arg << 2 | op) - b->p);
}

static int put_tasks(struct rec_codec *c, struct rbuf *b, uint8_t type,
		     const struct ri_taskbuf *tb)
{
	static const struct ri_task zero;
	uint32_t last_pid = 0;
	size_t start, i, j = 0, same = 0;
	int err;

	if ((err = rbuf_reserve(b, 16 + tb->n * TASK_MAX)))
		return err;
	start = sec_begin(b, type);
	b->n = (size_t)(put_var(b->p + b->n, tb->n) - b->p);
	for (i = 0; i < tb->n; i++) {
		const struct ri_task *t = &tb->v[i];
		uint64_t mask;
		long k;

		/* Mostly the task the previous frame had next: no lookup. */
		if (c->have_prev && j < c->prev.n && c->prev.v[j].pid == t->pid) {
			k = (long)j;
		} else {
			if (c->have_prev && (err = index_prev(c)))
				return err;
			k = prev_index(c, t->pid);
		}

		if (k >= 0 && c->prev.v[k].start_ns != t->start_ns)
			k = -1; /* the PID now names another task */
		if (k >= 0 && (size_t)k >= j) {
			/* In the previous frame's order: no PID to store. */
			const struct ri_task *r = &c->prev.v[k];

			if ((size_t)k > j) {
				if (same)
					put_op(b, OP_SAME, same);
				same = 0;
				put_op(b, OP_SKIP, (size_t)k - j);
				j = (size_t)k;
			}
			mask = task_mask(t, r, true);
			j++;
			if (!mask) {
				same++;
			} else {
				if (same)
					put_op(b, OP_SAME, same);
				same = 0;
				put_op(b, OP_DELTA, mask);
				put_fields(b, t, r, mask);
			}
		} else {
			/*
			 * A task with no past of its own is coded against the
			 * task before it in the list: a thread after its leader
			 * or its siblings shares most of its fields with them.
			 */
			const struct ri_task *r = k >= 0 ? &c->prev.v[k] :
					i ? &tb->v[i - 1] : &zero;

			if (same)
				put_op(b, OP_SAME, same);
			same = 0;
			mask = task_mask(t, r, k >= 0) | (k >= 0 ? 0 : TM_WHOLE);
			put_op(b, OP_PID, mask);
			put_delta(b, t->pid, last_pid);
			put_fields(b, t, r, mask);
		}
		last_pid = t->pid;
	}
	if (same)
		put_op(b, OP_SAME, same);
	sec_end(b, start);
	return 0;
}

/*
 * The coarsest unit every time of two machines' counters is a multiple
 * of: /proc/stat counts in clock ticks, so its nanoseconds are usually
 * multiples of 10 ms, and a delta of a second stores as 100, not 1e9.
 */
static uint64_t time_unit(const struct ri_machine *a, const struct ri_machine *b)
{
	static const uint64_t units[] = { 10000000, 1000000, 1000 };
	size_t u, k, n;
	uint32_t i;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		bool ok = true;

		for (n = 0; n < 2 && ok; n++) {
			const struct ri_machine *m = n ? b : a;

			for (k = 0; k < NMACH_F && ok; k++)
				ok = !mach_f[k].time || fld_get(m, &mach_f[k]) % units[u] == 0;
			for (i = 0; i < m->ncpu_slots && ok; i++)
				for (k = 0; k < NCPU_F && ok; k++)
					ok = fld_get(&m->cpu[i], &cpu_f[k]) % units[u] == 0;
		}
		if (ok)
			return units[u];
	}
	return 1;
}

/* A delta as stored: times in the unit (exact: both are multiples of it). */
static void put_fdelta(struct rbuf *b, const struct fld *f, uint64_t now,
		       uint64_t was, uint64_t unit)
{
	int64_t d = (int64_t)(now - was);

	if (f->time)
		d /= (int64_t)unit;
	b->n = (size_t)(put_var(b->p + b->n, zz(d)) - b->p);
}

static uint64_t get_fdelta(struct rd *r, const struct fld *f, uint64_t unit)
{
	uint64_t d = (uint64_t)unzz(get_var(r));

	return f->time ? d * unit : d;
}

static int put_machine(struct rec_codec *c, struct rbuf *b,
		       const struct ri_machine *m)
{
	static const struct ri_machine zm;
	static const struct ri_cpu_times zc;
	const struct ri_machine *r = c->have_prev ? &c->pm : &zm;
	uint32_t slots = m->ncpu_slots, i;
	uint64_t mask = 0, unit;
	size_t start, k;
	int err;

	if (slots > RI_MAX_CPUS || (slots && (!m->cpu || !m->cpu_online)))
		return -EINVAL;
	if ((err = rbuf_reserve(b, 32 + 10 * NMACH_F + slots / 8 + 1 +
					   slots * (10 + 10 * NCPU_F))))
		return err;
	start = sec_begin(b, RI_SEC_MACHINE);
	for (k = 0; k < NMACH_F; k++)
		if (fld_get(m, &mach_f[k]) != fld_get(r, &mach_f[k]))
			mask |= 1ull << k;
	put_le64(b->p + b->n, mask);
	b->n += 8;
	unit = time_unit(m, r);
	b->n = (size_t)(put_var(b->p + b->n, unit) - b->p);
	for (k = 0; k < NMACH_F; k++)
		if (mask & (1ull << k))
			put_fdelta(b, &mach_f[k], fld_get(m, &mach_f[k]),
				   fld_get(r, &mach_f[k]), unit);
	/* Online CPUs as a bitmap, then each slot's times. */
	memset(b->p + b->n, 0, (slots + 7) / 8);
	for (i = 0; i < slots; i++)
		if (m->cpu_online[i])
			b->p[b->n + i / 8] |= (uint8_t)(1u << (i % 8));
	b->n += (slots + 7) / 8;
	for (i = 0; i < slots; i++) {
		const struct ri_cpu_times *rc =
			c->have_prev && i < r->ncpu_slots ? &r->cpu[i] : &zc;
		uint64_t cm = 0;

		for (k = 0; k < NCPU_F; k++)
			if (fld_get(&m->cpu[i], &cpu_f[k]) != fld_get(rc, &cpu_f[k]))
				cm |= 1ull << k;
		b->n = (size_t)(put_var(b->p + b->n, cm) - b->p);
		for (k = 0; k < NCPU_F; k++)
			if (cm & (1ull << k))
				put_fdelta(b, &cpu_f[k], fld_get(&m->cpu[i], &cpu_f[k]),
					   fld_get(rc, &cpu_f[k]), unit);
	}
	sec_end(b, start);
	return 0;
}

static uint64_t dbits(double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	return u;
}

static double bitsd(uint64_t u)
{
	double v;

	memcpy(&v, &u, 8);
	return v;
}

static int put_tick(struct rec_codec *c, struct rbuf *b, const struct ri_drain *d)
{
	size_t start;
	int err;

	if ((err = rbuf_reserve(b, 5 + 40)))
		return err;
	start = sec_begin(b, RI_SEC_TICK);
	put_delta(b, d->clock_ns, c->pclock);
	put_delta(b, dbits(d->unix_time), c->punix);
	put_delta(b, d->dropped, c->pdropped);
	put_delta(b, d->events, c->pevents);
	sec_end(b, start);
	return 0;
}

static int put_choice(struct rbuf *b, const struct ri_rec_choice *ch)
{
	size_t start, i, n;
	int err;

	if ((err = rbuf_reserve(b, 5 + 20 + ch->npids * 20 +
					   ch->nnames * (1 + RI_COMM_LEN))))
		return err;
	start = sec_begin(b, RI_SEC_CHOICE);
	b->n = (size_t)(put_var(b->p + b->n, ch->npids) - b->p);
	for (i = 0; i < ch->npids; i++) {
		b->n = (size_t)(put_var(b->p + b->n, (uint64_t)ch->pids[i]) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, ch->starts[i]) - b->p);
	}
	b->n = (size_t)(put_var(b->p + b->n, ch->nnames) - b->p);
	for (i = 0; i < ch->nnames; i++) {
		n = strnlen(ch->names[i], RI_COMM_LEN - 1);
		b->p[b->n++] = (uint8_t)n;
		memcpy(b->p + b->n, ch->names[i], n);
		b->n += n;
	}
	sec_end(b, start);
	return 0;
}

/* The EVENTS section (record.h has its layout). */
static int put_events(struct rec_codec *c, struct rbuf *b, const struct ri_drain *d)
{
	uint64_t tb = dbits(d->unix_time);
	size_t start, i, n;
	int err;

	if ((err = rbuf_reserve(b, 5 + 10 + c->nev * (8 * 10 + 1 + RI_COMM_LEN +
						   10 + RI_RULE_TEXT))))
		return err;
	start = sec_begin(b, RI_SEC_EVENTS);
	b->n = (size_t)(put_var(b->p + b->n, c->nev) - b->p);
	for (i = 0; i < c->nev; i++) {
		const struct ri_alert_transition *t = &c->ev[i];
		uint64_t tt = dbits(t->time);

		b->n = (size_t)(put_var(b->p + b->n, t->rule) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, zz(t->pid)) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, t->from) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, t->to) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, zz((int64_t)(tt - tb))) - b->p);
		b->n = (size_t)(put_var(b->p + b->n,
					zz((int64_t)(dbits(t->since) - tt))) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, dbits(t->value)) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, t->start_ns) - b->p);
		n = strnlen(t->comm, RI_COMM_LEN - 1);
		b->p[b->n++] = (uint8_t)n;
		memcpy(b->p + b->n, t->comm, n);
		b->n += n;
		n = strnlen(t->text, RI_RULE_TEXT - 1);
		b->n = (size_t)(put_var(b->p + b->n, n) - b->p);
		memcpy(b->p + b->n, t->text, n);
		b->n += n;
	}
	sec_end(b, start);
	return 0;
}

/*
 * What runs out, of each transition of the EVENTS section in its order
 * (a length byte and the name, 0 for none): a section of its own, which
 * a reader older than it skips; written only when one names any.
 */
static int put_event_res(struct rec_codec *c, struct rbuf *b)
{
	size_t start, i, n;
	int err;

	for (i = 0; i < c->nev && !c->ev[i].resource[0]; i++)
		;
	if (i == c->nev)
		return 0;
	if ((err = rbuf_reserve(b, 5 + 10 + c->nev * RI_RESOURCE_TEXT)))
		return err;
	start = sec_begin(b, RI_SEC_EVENT_RES);
	b->n = (size_t)(put_var(b->p + b->n, c->nev) - b->p);
	for (i = 0; i < c->nev; i++) {
		n = strnlen(c->ev[i].resource, RI_RESOURCE_TEXT - 1);
		b->p[b->n++] = (uint8_t)n;
		memcpy(b->p + b->n, c->ev[i].resource, n);
		b->n += n;
	}
	sec_end(b, start);
	return 0;
}

static uint64_t cg_get(const struct ri_cgroup *cg, int f)
{
	return *(const uint64_t *)((const char *)cg + ri_cg_fields[f].off);
}

static void cg_put(struct ri_cgroup *cg, int f, uint64_t v)
{
	*(uint64_t *)((char *)cg + ri_cg_fields[f].off) = v;
}

/* Where @key was in the previous frame's table: -1 nowhere. */
static long cg_prev(const struct rec_codec *c, uint64_t key, size_t hint)
{
	if (hint < c->pcg.n && c->pcg.v[hint].key == key)
		return (long)hint;
	for (size_t i = 0; i < c->pcg.n; i++)
		if (c->pcg.v[i].key == key)
			return (long)i;
	return -1;
}

/*
 * The cgroups: threads-max, then each entry, either new (0, then its
 * key, flags and path) or the previous frame's entry number n + 1 as
 * (n + 1) << 1 | changed; unless unchanged, the fields read, a mask of
 * those changed against that entry (or zero), and their deltas.
 */
#define CG_MAX (1 + 10 + 8 + 10 + 1 + RI_CG_PATH + 10 + 10 + 10 * RI_CGF_COUNT)

static int put_cgroups(struct rec_codec *c, struct rbuf *b, const struct ri_cg_table *t)
{
	static const struct ri_cgroup zero;
	size_t start, i;
	int err;

	if ((err = rbuf_reserve(b, 32 + t->n * CG_MAX)))
		return err;
	start = sec_begin(b, RI_SEC_CGROUPS);
	b->n = (size_t)(put_var(b->p + b->n, t->threads_max) - b->p);
	b->n = (size_t)(put_var(b->p + b->n, t->n) - b->p);
	for (i = 0; i < t->n; i++) {
		const struct ri_cgroup *cg = &t->v[i];
		long k = cg_prev(c, cg->key, i);
		const struct ri_cgroup *r = k >= 0 ? &c->pcg.v[k] : &zero;
		uint64_t mask = 0;
		int f;

		if (k < 0) {
			size_t n = strnlen(cg->path, RI_CG_PATH - 1);

			b->p[b->n++] = 0;
			put_le64(b->p + b->n, cg->key);
			b->n += 8;
			b->n = (size_t)(put_var(b->p + b->n, cg->flags) - b->p);
			b->p[b->n++] = (uint8_t)n;
			memcpy(b->p + b->n, cg->path, n);
			b->n += n;
		}
		for (f = 0; f < RI_CGF_COUNT; f++)
			if (cg_get(cg, f) != cg_get(r, f))
				mask |= 1ull << f;
		if (k >= 0) {
			/* Bit 0: changed; a cgroup that did not costs its number. */
			bool same = !mask && cg->have == r->have;

			b->n = (size_t)(put_var(b->p + b->n, ((uint64_t)k + 1) << 1 | !same) - b->p);
			if (same)
				continue;
		}
		b->n = (size_t)(put_var(b->p + b->n, cg->have) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, mask) - b->p);
		for (f = 0; f < RI_CGF_COUNT; f++)
			if (mask & (1ull << f))
				put_delta(b, cg_get(cg, f), cg_get(r, f));
	}
	sec_end(b, start);
	return 0;
}

/*
 * The wait sites: the threads that did not fit, the count, then each
 * site's tgid, tid, syscall + 1 and its function, as the number + 1 of
 * an earlier site of the frame with the same one, or 0 and the name.
 */
#define SITE_MAX (10 + 10 + 10 + 10 + 1 + RI_SITE_LEN)

static int put_sites(struct rbuf *b, const struct ri_site_table *t)
{
	size_t start, i, j;
	int err;

	if ((err = rbuf_reserve(b, 32 + t->n * SITE_MAX)))
		return err;
	start = sec_begin(b, RI_SEC_WAITS);
	b->n = (size_t)(put_var(b->p + b->n, t->lost) - b->p);
	b->n = (size_t)(put_var(b->p + b->n, t->n) - b->p);
	for (i = 0; i < t->n; i++) {
		const struct ri_site *s = &t->v[i];
		size_t n = strnlen(s->fn, RI_SITE_LEN - 1);

		b->n = (size_t)(put_var(b->p + b->n, s->tgid) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, s->tid) - b->p);
		b->n = (size_t)(put_var(b->p + b->n, (uint64_t)((int64_t)s->nr + 1)) - b->p);
		/* Most threads of a process wait in a few places: a back reference. */
		for (j = i; j > 0 && i - j < 64; j--)
			if (!strncmp(t->v[j - 1].fn, s->fn, RI_SITE_LEN))
				break;
		if (j > 0 && i - j < 64) {
			b->n = (size_t)(put_var(b->p + b->n, i - (j - 1)) - b->p);
			continue;
		}
		b->p[b->n++] = 0;
		b->p[b->n++] = (uint8_t)n;
		memcpy(b->p + b->n, s->fn, n);
		b->n += n;
	}
	sec_end(b, start);
	return 0;
}

/*
 * The names of the containers of the cgroups (ri_ct_names), for each
 * entry new in this frame or named otherwise than before: its number in
 * the table, then the container's, the pod's and the namespace's names
 * (a length byte each). A section of its own, after the cgroups, which
 * older readers skip (and read as no name); written only when one has
 * a name to carry.
 */
#define CG_NAME_MAX (10 + 3 * RI_CT_NAME)

static bool cg_names_new(const struct rec_codec *c, const struct ri_cgroup *cg, size_t i)
{
	long k = cg_prev(c, cg->key, i);

	if (k >= 0)
		return memcmp(&cg->names, &c->pcg.v[k].names, sizeof(cg->names)) != 0;
	return cg->names.name[0] || cg->names.pod[0] || cg->names.pod_ns[0];
}

static void put_name(struct rbuf *b, const char *s)
{
	size_t n = strnlen(s, RI_CT_NAME - 1);

	b->p[b->n++] = (uint8_t)n;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static int put_cg_names(struct rec_codec *c, struct rbuf *b, const struct ri_cg_table *t)
{
	size_t start, i, n = 0;
	int err;

	for (i = 0; i < t->n; i++)
		n += cg_names_new(c, &t->v[i], i);
	if (!n)
		return 0;
	if ((err = rbuf_reserve(b, 5 + 10 + n * CG_NAME_MAX)))
		return err;
	start = sec_begin(b, RI_SEC_CG_NAMES);
	b->n = (size_t)(put_var(b->p + b->n, n) - b->p);
	for (i = 0; i < t->n; i++) {
		const struct ri_ct_names *nm = &t->v[i].names;

		if (!cg_names_new(c, &t->v[i], i))
			continue;
		b->n = (size_t)(put_var(b->p + b->n, i) - b->p);
		put_name(b, nm->name);
		put_name(b, nm->pod);
		put_name(b, nm->pod_ns);
	}
	sec_end(b, start);
	return 0;
}

static int remember(struct rec_codec *c, const struct ri_drain *d)
{
	int err;

	c->indexed = false;
	if ((err = copy_tasks(&c->prev, &d->live)) ||
	    (err = copy_machine(&c->pm, &d->machine)) ||
	    (err = ri_cg_table_copy(&c->pcg, &d->cgroups)))
		return err;
	c->pclock = d->clock_ns;
	c->punix = dbits(d->unix_time);
	c->pdropped = d->dropped;
	c->pevents = d->events;
	c->have_prev = true;
	return 0;
}

int rec_encode(struct rec_codec *c, bool key, const struct ri_drain *d,
	       const struct ri_rec_choice *ch, struct rbuf *out)
{
	static const struct ri_rec_choice none;
	int err;

	if (key)
		rec_codec_reset(c);
	if (!ch)
		ch = &none;
	if ((err = put_tick(c, out, d)) || (err = put_machine(c, out, &d->machine)) ||
	    (err = put_tasks(c, out, RI_SEC_LIVE, &d->live)) ||
	    (err = put_tasks(c, out, RI_SEC_EXITED, &d->exited)))
		return err;
	if (key || !c->have_choice || !ri_rec_choice_same(ch, &c->pchoice) ||
	    (ch->npids && memcmp(ch->starts, c->pchoice.starts,
				 ch->npids * sizeof(*ch->starts)))) {
		if ((err = put_choice(out, ch)) ||
		    (err = ri_rec_choice_set(&c->pchoice, ch->pids, ch->starts,
					     ch->npids,
					     (const char(*)[RI_COMM_LEN])ch->names,
					     ch->nnames)))
			return err;
		c->have_choice = true;
	}
	/* A frame without transitions stays byte for byte what it was. */
	if (c->nev && ((err = put_events(c, out, d)) || (err = put_event_res(c, out))))
		return err;
	if (d->cgroups.known && ((err = put_cgroups(c, out, &d->cgroups)) ||
				 (err = put_cg_names(c, out, &d->cgroups))))
		return err;
	if (d->sites.known && (err = put_sites(out, &d->sites)))
		return err;
	return remember(c, d);
}

/* ---- decoding ---- */

static int get_fields(struct rd *r, struct ri_task *t, const struct ri_task *ref,
		      uint64_t mask, uint32_t pid)
{
	size_t k;

	*t = *ref;
	t->pid = pid;
	if (mask & TM_COMM) {
		uint8_t len = get_u8(r);

		if (r->bad || len > RI_COMM_LEN || len > r->end - r->p)
			return -EINVAL;
		memset(t->comm, 0, RI_COMM_LEN);
		memcpy(t->comm, r->p, len);
		r->p += len;
	}
	/* In order: a prediction reads only the fields before it. */
	for (k = 0; k < 62; k++) {
		uint64_t d = mask & TM_FIELD(k) ? (uint64_t)unzz(get_var(r)) : 0;

		if (k < NTASK_F)
			fld_put(t, &task_f[k], predicted(t, ref, k) + d);
	}
	/* pcount was stored less what the switches predict. */
	t->pcount += (t->nvcsw - ref->nvcsw) + (t->nivcsw - ref->nivcsw);
	return r->bad ? -EINVAL : 0;
}

static int get_tasks(struct rec_codec *c, struct rd *r, struct ri_taskbuf *tb)
{
	static const struct ri_task zero;
	uint64_t n = get_var(r), v, arg;
	uint32_t pid = 0;
	size_t j = 0, np = c->have_prev ? c->prev.n : 0;

	tb->n = 0;
	/*
	 * There are never more tasks than PIDs (the kernel's PID_MAX_LIMIT),
	 * nor more than one op's worth of bytes can name: bounds before any
	 * allocation (an OP_SAME of many counts against the previous list).
	 */
	if (r->bad || n > (1u << 22) || n > (uint64_t)(r->end - r->p) + np)
		return -EINVAL;
	while (tb->n < n) {
		struct ri_task *t;
		const struct ri_task *ref;
		long k;

		v = get_var(r);
		arg = v >> 2;
		if (r->bad)
			return -EINVAL;
		switch (v & 3) {
		case OP_SAME:
			if (!arg || arg > np - j || arg > n - tb->n)
				return -EINVAL;
			while (arg--) {
				if (!(t = ri_taskbuf_push(tb)))
					return -ENOMEM;
				*t = c->prev.v[j++];
			}
			pid = tb->v[tb->n - 1].pid;
			continue;
		case OP_SKIP:
			if (!arg || arg > np - j)
				return -EINVAL;
			j += arg;
			continue;
		case OP_DELTA:
			if (j >= np || (arg & TM_WHOLE))
				return -EINVAL;
			if (!(t = ri_taskbuf_push(tb)))
				return -ENOMEM;
			if (get_fields(r, t, &c->prev.v[j], arg, c->prev.v[j].pid))
				return -EINVAL;
			j++;
			break;
		default: /* OP_PID */
			pid = (uint32_t)(pid + (uint64_t)unzz(get_var(r)));
			if (r->bad)
				return -EINVAL;
			if (arg & TM_WHOLE) {
				ref = tb->n ? &tb->v[tb->n - 1] : &zero;
			} else {
				if (c->have_prev && index_prev(c))
					return -ENOMEM;
				k = prev_index(c, pid);
				if (k < 0)
					return -EINVAL;
				ref = &c->prev.v[k];
			}
			/* ref may point into tb: copy it before the push moves it. */
			{
				struct ri_task base = *ref;

				if (!(t = ri_taskbuf_push(tb)))
					return -ENOMEM;
				if (get_fields(r, t, &base, arg & ~(uint64_t)TM_WHOLE, pid))
					return -EINVAL;
			}
			break;
		}
		pid = t->pid;
	}
	/*
	 * Counters the writer had no field for are not 0 but unknown. (All
	 * the counters added since version 1 then: the first file that has
	 * some of them and not others will want a mask per counter.)
	 */
	if (c->file_fields && c->file_fields < ntask_counters_f)
		for (size_t i = 0; i < tb->n; i++)
			tb->v[i].flags |= RI_F_OLD_REC;
	if (c->file_fields && c->file_fields < NTASK_F)
		for (size_t i = 0; i < tb->n; i++)
			tb->v[i].flags |= RI_F_NO_LIMITS;
	return r->p == r->end ? 0 : -EINVAL;
}

static int get_machine(struct rec_codec *c, struct rd *r, struct ri_machine *m)
{
	static const struct ri_machine zm;
	static const struct ri_cpu_times zc;
	const struct ri_machine *ref = c->have_prev ? &c->pm : &zm;
	struct ri_cpu_times *cpu = m->cpu;
	uint8_t *on = m->cpu_online;
	uint32_t had = m->ncpu_slots, slots, i;
	uint64_t mask, unit;
	size_t k;

	if (r->end - r->p < 8)
		return -EINVAL;
	mask = get_le64(r->p);
	r->p += 8;
	unit = get_var(r);
	if (r->bad || !unit)
		return -EINVAL;
	/* The scalars start from the reference; the arrays are the drain's. */
	*m = *ref;
	m->cpu = cpu;
	m->cpu_online = on;
	m->ncpu_slots = had;
	for (k = 0; k < 64; k++) {
		uint64_t v = k < NMACH_F ? fld_get(ref, &mach_f[k]) : 0;

		if (mask & (1ull << k))
			v += k < NMACH_F ? get_fdelta(r, &mach_f[k], unit) :
					   (uint64_t)get_var(r);
		if (k < NMACH_F)
			fld_put(m, &mach_f[k], v);
	}
	/* ncpu_slots says what the arrays hold: never a value not yet backed. */
	slots = m->ncpu_slots;
	m->ncpu_slots = had;
	if (r->bad)
		return -EINVAL;
	if (slots > RI_MAX_CPUS || (uint64_t)(r->end - r->p) < (slots + 7) / 8 + slots)
		return -EINVAL;
	if (ri_machine_reserve(m, slots))
		return -ENOMEM;
	m->ncpu_slots = slots;
	for (i = 0; i < slots; i++)
		m->cpu_online[i] = (r->p[i / 8] >> (i % 8)) & 1;
	r->p += (slots + 7) / 8;
	for (i = 0; i < slots; i++) {
		const struct ri_cpu_times *rc =
			c->have_prev && i < ref->ncpu_slots ? &ref->cpu[i] : &zc;
		uint64_t cm = get_var(r);

		m->cpu[i] = *rc;
		for (k = 0; k < 64 && !r->bad; k++) {
			if (!(cm & (1ull << k)))
				continue;
			if (k < NCPU_F)
				fld_put(&m->cpu[i], &cpu_f[k],
					fld_get(rc, &cpu_f[k]) +
						get_fdelta(r, &cpu_f[k], unit));
			else
				get_var(r); /* a later version's field */
		}
	}
	return r->bad || r->p != r->end ? -EINVAL : 0;
}

static int get_tick(struct rec_codec *c, struct rd *r, struct ri_drain *d)
{
	d->clock_ns = c->pclock + (uint64_t)unzz(get_var(r));
	d->unix_time = bitsd(c->punix + (uint64_t)unzz(get_var(r)));
	d->dropped = c->pdropped + (uint64_t)unzz(get_var(r));
	d->events = c->pevents + (uint64_t)unzz(get_var(r));
	return r->bad || r->p != r->end ? -EINVAL : 0;
}

static int get_choice(struct rd *r, struct ri_rec_choice *ch)
{
	static pid_t pids[RI_MAX_CHOSEN_PIDS];
	static uint64_t starts[RI_MAX_CHOSEN_PIDS];
	static char names[RI_MAX_CHOSEN_NAMES][RI_COMM_LEN];
	uint64_t np = get_var(r), nn, i;

	if (r->bad || np > RI_MAX_CHOSEN_PIDS)
		return -EINVAL;
	for (i = 0; i < np; i++) {
		uint64_t p = get_var(r);

		starts[i] = get_var(r);
		if (p == 0 || p > INT32_MAX)
			r->bad = true;
		pids[i] = (pid_t)p;
	}
	nn = get_var(r);
	if (r->bad || nn > RI_MAX_CHOSEN_NAMES)
		return -EINVAL;
	for (i = 0; i < nn; i++) {
		uint8_t len = get_u8(r);

		if (r->bad || len >= RI_COMM_LEN || len > r->end - r->p)
			return -EINVAL;
		memset(names[i], 0, RI_COMM_LEN);
		memcpy(names[i], r->p, len);
		r->p += len;
	}
	if (r->bad || r->p != r->end)
		return -EINVAL;
	return ri_rec_choice_set(ch, pids, starts, np,
				 (const char(*)[RI_COMM_LEN])names, nn);
}

static int get_events(struct rec_codec *c, struct rd *r, const struct ri_drain *d)
{
	uint64_t tb = dbits(d->unix_time), n = get_var(r), i;

	/* Each transition takes 10 bytes at least: the count cannot lie. */
	if (r->bad || n > (uint64_t)(r->end - r->p) / 10)
		return -EINVAL;
	if (ev_reserve(c, n))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct ri_alert_transition *t = &c->ev[i];
		uint64_t rule, pid, from, to, tt, len;

		memset(t, 0, sizeof(*t));
		rule = get_var(r);
		pid = (uint64_t)unzz(get_var(r));
		from = get_var(r);
		to = get_var(r);
		tt = tb + (uint64_t)unzz(get_var(r));
		t->time = bitsd(tt);
		t->since = bitsd(tt + (uint64_t)unzz(get_var(r)));
		t->value = bitsd(get_var(r));
		t->start_ns = get_var(r);
		if (r->bad || rule >= RI_MAX_RULES || from > RI_ALERT_RESOLVED ||
		    to > RI_ALERT_RESOLVED || (int64_t)pid < INT32_MIN ||
		    (int64_t)pid > INT32_MAX)
			return -EINVAL;
		t->rule = (uint32_t)rule;
		t->pid = (int32_t)(int64_t)pid;
		t->from = (uint32_t)from;
		t->to = (uint32_t)to;
		len = get_u8(r);
		if (r->bad || len >= RI_COMM_LEN || len > (uint64_t)(r->end - r->p))
			return -EINVAL;
		memcpy(t->comm, r->p, len);
		r->p += len;
		len = get_var(r);
		if (r->bad || len >= RI_RULE_TEXT || len > (uint64_t)(r->end - r->p))
			return -EINVAL;
		memcpy(t->text, r->p, len);
		r->p += len;
	}
	if (r->p != r->end)
		return -EINVAL;
	c->nev = (size_t)n;
	return 0;
}

static int get_cgroups(struct rec_codec *c, struct rd *r, struct ri_cg_table *t)
{
	static const struct ri_cgroup zero;
	uint64_t n, i;

	t->n = 0;
	t->threads_max = get_var(r);
	n = get_var(r);
	/* Each entry takes a byte at least: the count cannot lie. */
	if (r->bad || n > (uint64_t)(r->end - r->p))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct ri_cgroup *cg = ri_cg_table_push(t);
		uint64_t k, have, mask;
		const struct ri_cgroup *ref;
		int f;

		if (!cg)
			return -ENOMEM;
		k = get_var(r);
		if (r->bad)
			return -EINVAL;
		if (k == 0) {
			uint64_t flags;
			uint8_t len;

			if (r->end - r->p < 8)
				return -EINVAL;
			cg->key = get_le64(r->p);
			r->p += 8;
			flags = get_var(r);
			len = get_u8(r);
			if (r->bad || !cg->key || flags > UINT32_MAX || len >= RI_CG_PATH ||
			    len > r->end - r->p || memchr(r->p, 0, len))
				return -EINVAL;
			cg->flags = (uint32_t)flags;
			memcpy(cg->path, r->p, len);
			r->p += len;
			ref = &zero;
		} else {
			if ((k >> 1) > c->pcg.n || !(k >> 1))
				return -EINVAL;
			ref = &c->pcg.v[(k >> 1) - 1];
			*cg = *ref;
			if (!(k & 1))
				continue; /* as it was */
		}
		have = get_var(r);
		mask = get_var(r);
		if (r->bad || have >> RI_CGF_COUNT || mask >> RI_CGF_COUNT)
			return -EINVAL;
		cg->have = (uint32_t)have;
		for (f = 0; f < RI_CGF_COUNT; f++)
			cg_put(cg, f, cg_get(ref, f) +
					      (mask & (1ull << f) ? (uint64_t)unzz(get_var(r)) : 0));
		if (r->bad)
			return -EINVAL;
	}
	t->known = true;
	return r->p == r->end ? 0 : -EINVAL;
}

static int get_sites(struct rd *r, struct ri_site_table *t)
{
	uint64_t n, i;

	t->n = 0;
	t->lost = get_var(r);
	n = get_var(r);
	/* Each entry takes four bytes at least: the count cannot lie. */
	if (r->bad || n > (uint64_t)(r->end - r->p) / 4)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct ri_site *s = ri_site_table_push(t);
		uint64_t tgid, tid, nr, back;

		if (!s)
			return -ENOMEM;
		tgid = get_var(r);
		tid = get_var(r);
		nr = get_var(r);
		back = get_var(r);
		if (r->bad || tgid > UINT32_MAX || tid > UINT32_MAX || nr > (uint64_t)INT32_MAX + 1 ||
		    back > i)
			return -EINVAL;
		s->tgid = (uint32_t)tgid;
		s->tid = (uint32_t)tid;
		s->nr = (int32_t)((int64_t)nr - 1);
		if (back) {
			memcpy(s->fn, t->v[i - back].fn, RI_SITE_LEN);
		} else {
			uint8_t len = get_u8(r);

			if (r->bad || len >= RI_SITE_LEN || len > r->end - r->p ||
			    memchr(r->p, 0, len))
				return -EINVAL;
			memcpy(s->fn, r->p, len);
			r->p += len;
		}
	}
	t->known = true;
	return r->p == r->end ? 0 : -EINVAL;
}

static int get_name(struct rd *r, char out[RI_CT_NAME])
{
	uint8_t len = get_u8(r);

	if (r->bad || len >= RI_CT_NAME || len > r->end - r->p || memchr(r->p, 0, len))
		return -EINVAL;
	memset(out, 0, RI_CT_NAME);
	memcpy(out, r->p, len);
	r->p += len;
	return 0;
}

/* After the CGROUPS section: names of the containers of its entries. */
static int get_cg_names(struct rd *r, struct ri_cg_table *t)
{
	uint64_t n = get_var(r);

	if (r->bad || n > t->n)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = get_var(r);
		struct ri_ct_names *nm;

		if (r->bad || k >= t->n)
			return -EINVAL;
		nm = &t->v[k].names;
		if (get_name(r, nm->name) || get_name(r, nm->pod) || get_name(r, nm->pod_ns))
			return -EINVAL;
	}
	return r->p == r->end ? 0 : -EINVAL;
}

/* After the EVENTS section: each transition's resource. */
static int get_event_res(struct rec_codec *c, struct rd *r)
{
	uint64_t n = get_var(r);

	if (r->bad || n != c->nev)
		return -EINVAL;
	for (size_t i = 0; i < c->nev; i++) {
		uint8_t len = get_u8(r);

		if (r->bad || len >= RI_RESOURCE_TEXT || len > r->end - r->p ||
		    memchr(r->p, 0, len))
			return -EINVAL;
		memset(c->ev[i].resource, 0, RI_RESOURCE_TEXT);
		memcpy(c->ev[i].resource, r->p, len);
		r->p += len;
	}
	return r->p == r->end ? 0 : -EINVAL;
}

int rec_decode(struct rec_codec *c, bool key, const uint8_t *p, size_t n,
	       struct ri_drain *d, struct ri_rec_choice *ch, bool *ch_changed)
{
	const uint8_t *end = p + n;
	unsigned seen = 0;
	int err = 0;

	if (key)
		rec_codec_reset(c);
	*ch_changed = false;
	c->nev = 0;
	/* A frame without the section has no limits to tell. */
	d->cgroups.n = 0;
	d->cgroups.known = false;
	d->cgroups.threads_max = 0;
	/* Nor one without this one sites. */
	d->sites.n = 0;
	d->sites.lost = 0;
	d->sites.known = false;
	while (p < end && !err) {
		uint8_t type;
		uint32_t len;
		struct rd r;

		if (end - p < 5)
			return -EINVAL;
		type = p[0];
		len = get_le32(p + 1);
		p += 5;
		if (len > (size_t)(end - p))
			return -EINVAL;
		r.p = p;
		r.end = p + len;
		r.bad = false;
		p += len;
		if (type >= 1 && type <= RI_SEC_EVENTS) {
			/* Once each, and in order: the tick's clocks come first. */
			if (seen >> type)
				return -EINVAL;
			seen |= 1u << type;
		}
		switch (type) {
		case RI_SEC_TICK:
			err = get_tick(c, &r, d);
			break;
		case RI_SEC_MACHINE:
			err = get_machine(c, &r, &d->machine);
			break;
		case RI_SEC_LIVE:
			err = get_tasks(c, &r, &d->live);
			break;
		case RI_SEC_EXITED:
			err = get_tasks(c, &r, &d->exited);
			break;
		case RI_SEC_CHOICE:
			err = get_choice(&r, ch);
			*ch_changed = !err;
			break;
		case RI_SEC_EVENTS:
			err = get_events(c, &r, d);
			break;
		case RI_SEC_EVENT_RES:
			/* Only after the transitions it names, once. */
			if (!(seen & (1u << RI_SEC_EVENTS)) || (seen & (1u << 31)))
				return -EINVAL;
			seen |= 1u << 31;
			err = get_event_res(c, &r);
			break;
		case RI_SEC_CGROUPS:
			if (d->cgroups.known)
				return -EINVAL; /* once a frame */
			err = get_cgroups(c, &r, &d->cgroups);
			break;
		case RI_SEC_WAITS:
			if (d->sites.known)
				return -EINVAL; /* once a frame */
			err = get_sites(&r, &d->sites);
			break;
		case RI_SEC_CG_NAMES:
			/* Only after the cgroups it names, once. */
			if (!d->cgroups.known || (seen & (1u << 30)))
				return -EINVAL;
			seen |= 1u << 30;
			err = get_cg_names(&r, &d->cgroups);
			break;
		default:
			break; /* what a later version adds */
		}
	}
	if (err)
		return err;
	if ((seen & 0x1e) != 0x1e || (key && !(seen & (1u << RI_SEC_CHOICE))))
		return -EINVAL;
	return remember(c, d);
}
