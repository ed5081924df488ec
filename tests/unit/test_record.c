// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of recordings (core/record_*.c): every frame read back
 * equals the drain written, key frame or delta, with the choice in force;
 * a seek lands on the last frame before any time, through the skip
 * pointers; a file cut at any byte, and one with bytes flipped in a
 * frame, an index record or the header, still gives every frame that is
 * whole and says so once; foreign, empty and newer files are refused in
 * one sentence; a directory rotates, is read across its files, and keeps
 * to --keep and --max-size without touching the file being written;
 * a frame's alert transitions come back exactly, a frame without them is
 * byte for byte what it was, and the firing frames are listed from the
 * record headers alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record_priv.h"
#include "check.h"
#include "synth.h"

static char tmpdir[256];


/* Frames as written, to compare with what is read. */
struct frames {
	struct ri_drain *v;
	struct ri_rec_choice *ch;
	size_t n;
};

static void copy_drain(struct ri_drain *dst, const struct ri_drain *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->live.n; i++)
		push(&dst->live, src->live.v[i]);
	for (i = 0; i < src->exited.n; i++)
		push(&dst->exited, src->exited.v[i]);
	dst->machine = src->machine;
	dst->machine.cpu = NULL;
	dst->machine.cpu_online = NULL;
	dst->machine.ncpu_slots = 0;
	if (ri_machine_reserve(&dst->machine, src->machine.ncpu_slots))
		exit(1);
	memcpy(dst->machine.cpu, src->machine.cpu,
	       src->machine.ncpu_slots * sizeof(*src->machine.cpu));
	memcpy(dst->machine.cpu_online, src->machine.cpu_online,
	       src->machine.ncpu_slots);
	dst->dropped = src->dropped;
	dst->events = src->events;
	dst->clock_ns = src->clock_ns;
	dst->unix_time = src->unix_time;
}

static bool same_machine(const struct ri_machine *a, const struct ri_machine *b)
{
	struct ri_machine x = *a, y = *b;

	x.cpu = y.cpu = NULL;
	x.cpu_online = y.cpu_online = NULL;
	return !memcmp(&x, &y, sizeof(x)) &&
	       !memcmp(a->cpu, b->cpu, a->ncpu_slots * sizeof(*a->cpu)) &&
	       !memcmp(a->cpu_online, b->cpu_online, a->ncpu_slots);
}

static bool same_drain(const struct ri_drain *a, const struct ri_drain *b)
{
	return a->live.n == b->live.n && a->exited.n == b->exited.n &&
	       !memcmp(a->live.v, b->live.v, a->live.n * sizeof(*a->live.v)) &&
	       !memcmp(a->exited.v, b->exited.v, a->exited.n * sizeof(*a->exited.v)) &&
	       same_machine(&a->machine, &b->machine) && a->dropped == b->dropped &&
	       a->events == b->events && a->clock_ns == b->clock_ns &&
	       a->unix_time == b->unix_time;
}

static int64_t us(const struct ri_drain *d)
{
	return (int64_t)(d->unix_time * 1e6);
}

/* Writes @n frames of a synthetic machine to @path; keeps them in @fr. */
static void write_frames(const char *path, size_t n, uint32_t key_every,
			 struct frames *fr, double rotate_s, uint64_t max_size)
{
	struct ri_rec_writer_opts o = { .path = path, .key_every = key_every,
					.rotate_s = rotate_s, .max_size = max_size };
	struct ri_rec_meta meta = { .ncpu = 2, .page_size = 4096,
				    .interval_s = 1.0, .sees_short_lived = true };
	struct ri_rec_writer *w;
	struct ri_drain d = { 0 };
	struct synth s;
	char err[512];
	size_t i;

	snprintf(meta.source, sizeof(meta.source), "bpf");
	snprintf(meta.probe, sizeof(meta.probe), "tp_btf");
	snprintf(meta.host, sizeof(meta.host), "testhost");
	CHECK_EQ(ri_rec_writer_open(&o, &w, err, sizeof(err)), 0);
	ri_rec_writer_meta(w, &meta);
	synth_init(&s, 12, 3, 7);
	fr->v = calloc(n, sizeof(*fr->v));
	fr->ch = calloc(n, sizeof(*fr->ch));
	fr->n = n;
	for (i = 0; i < n; i++) {
		pid_t pids[2] = { 1000, 1004 };
		char names[1][RI_COMM_LEN] = { "proc3" };

		if (synth_tick(&s, &d, SYNTH_SEC))
			exit(1);
		/* The choice changes twice: none, two PIDs and a name, none. */
		if (i >= n / 3 && i < 2 * n / 3)
			ri_rec_choice_set(&fr->ch[i], pids, NULL, 2,
					  (const char(*)[RI_COMM_LEN])names, 1);
		copy_drain(&fr->v[i], &d);
		CHECK_EQ(ri_rec_writer_frame(w, &d, &fr->ch[i]), 0);
	}
	CHECK(ri_rec_writer_status(w) == NULL);
	ri_rec_writer_close(w);
	ri_drain_free(&d);
	synth_free(&s);
}

static void free_frames(struct frames *fr)
{
	size_t i;

	for (i = 0; i < fr->n; i++) {
		ri_drain_free(&fr->v[i]);
		ri_rec_choice_free(&fr->ch[i]);
	}
	free(fr->v);
	free(fr->ch);
}

/* The frame written at @t, or -1. */
static long frame_at(const struct frames *fr, int64_t t)
{
	size_t i;

	for (i = 0; i < fr->n; i++)
		if (us(&fr->v[i]) == t)
			return (long)i;
	return -1;
}

/*
 * Reads everything from @r: each frame must equal the one written at
 * its time, in order. Returns how many were read.
 */
static size_t read_all(struct ri_rec_reader *r, const struct frames *fr,
		       size_t *bad)
{
	struct ri_drain d = { 0 };
	struct ri_rec_choice ch = { 0 };
	size_t n = 0;
	long last = -1;

	*bad = 0;
	while (ri_rec_read(r, &d, &ch) == 0) {
		long i = frame_at(fr, us(&d));

		if (i <= last || !same_drain(&d, &fr->v[i]) ||
		    !ri_rec_choice_same(&ch, &fr->ch[i]))
			(*bad)++;
		last = i;
		n++;
	}
	ri_drain_free(&d);
	ri_rec_choice_free(&ch);
	return n;
}

static void test_round_trip(void)
{
	char path[300], err[512];
	struct frames fr;
	struct ri_rec_reader *r;
	size_t bad, n;

	snprintf(path, sizeof(path), "%s/rt.rirec", tmpdir);
	write_frames(path, 200, 16, &fr, 0, 0);
	CHECK_EQ(ri_rec_open(path, &r, err, sizeof(err)), 0);
	CHECK_STR(ri_rec_meta(r)->source, "bpf");
	CHECK_STR(ri_rec_meta(r)->probe, "tp_btf");
	CHECK_STR(ri_rec_meta(r)->host, "testhost");
	CHECK(ri_rec_meta(r)->known);
	CHECK_EQ(ri_rec_meta(r)->version, RI_REC_VERSION);
	CHECK_EQ(ri_rec_meta(r)->task_size, sizeof(struct ri_task));
	CHECK_EQ(ri_rec_first_us(r), us(&fr.v[0]));
	CHECK_EQ(ri_rec_last_us(r), us(&fr.v[199]));
	CHECK_EQ(ri_rec_peek_us(r), us(&fr.v[0]));
	n = read_all(r, &fr, &bad);
	CHECK_EQ(n, 200);
	CHECK_EQ(bad, 0);
	CHECK(ri_rec_damage(r) == NULL);
	CHECK_EQ(ri_rec_peek_us(r), INT64_MIN);
	ri_rec_close(r);
	free_frames(&fr);
}

/*
 * Every field a recording carries, moved by any amount in any tick, comes
 * back as it was: the writer looks only at the words of a task that
 * changed, and a field it missed there would be lost. Tasks keep their
 * identity (pid, tgid, start), as a thread does from tick to tick.
 */
static void test_every_field_round_trips(void)
{
#define OFF(m) { offsetof(struct ri_task, m), sizeof(((struct ri_task *)0)->m) }
	static const struct { size_t off, size; } other[] = {
		OFF(cpu), OFF(state), OFF(rss_pages), OFF(vm_pages), OFF(flags), OFF(exit_ns),
		OFF(nice), OFF(ppid), OFF(uid), OFF(cgroup_id), OFF(wait_state),
		OFF(lock_holder), OFF(nfds), OFF(fd_limit), OFF(swap_bytes), OFF(cg_key),
		OFF(nspid), OFF(comm),
	};
#undef OFF
	struct ri_rec_writer_opts o = { .key_every = 1000 };
	struct ri_rec_meta meta = { .ncpu = 2, .page_size = 4096, .interval_s = 1.0 };
	struct ri_rec_writer *w;
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	struct frames fr = { 0 };
	struct synth s;
	char path[300], err[512];
	size_t i, j, bad, n = 60, nf = RI_C_COUNT + sizeof(other) / sizeof(other[0]);

	snprintf(path, sizeof(path), "%s/fields.rirec", tmpdir);
	o.path = path;
	snprintf(meta.source, sizeof(meta.source), "bpf");
	CHECK_EQ(ri_rec_writer_open(&o, &w, err, sizeof(err)), 0);
	ri_rec_writer_meta(w, &meta);
	synth_init(&s, 8, 4, 99);
	fr.v = calloc(n, sizeof(*fr.v));
	fr.ch = calloc(n, sizeof(*fr.ch));
	fr.n = n;
	for (i = 0; i < n; i++) {
		if (synth_tick(&s, &d, SYNTH_SEC))
			exit(1);
		for (j = 0; j < d.live.n; j++) {
			unsigned char *t = (unsigned char *)&d.live.v[j];
			size_t f = (size_t)(synth_rand(&s) % (nf + 2)), off, size, k;

			if (f >= nf)
				continue; /* a task that did not move */
			if (f < RI_C_COUNT) {
				off = ri_counters[f].off;
				size = sizeof(uint64_t);
			} else {
				off = other[f - RI_C_COUNT].off;
				size = other[f - RI_C_COUNT].size;
			}
			if (off == offsetof(struct ri_task, comm)) {
				/* A name, as the kernel keeps it: zeros after its end. */
				size_t len = 1 + synth_rand(&s) % (RI_COMM_LEN - 1);

				memset(t + off, 0, size);
				for (k = 0; k < len; k++)
					t[off + k] = (unsigned char)('a' + synth_rand(&s) % 26);
			} else if (synth_rand(&s) % 2) {
				/* One byte, or all of them: small moves and large. */
				t[off + synth_rand(&s) % size] ^= (unsigned char)(1 + synth_rand(&s) % 255);
			} else {
				for (k = 0; k < size; k++)
					t[off + k] = (unsigned char)synth_rand(&s);
			}
			/* The synth's next tick builds on what was recorded. */
			s.t[j] = d.live.v[j];
		}
		copy_drain(&fr.v[i], &d);
		CHECK_EQ(ri_rec_writer_frame(w, &d, &fr.ch[i]), 0);
	}
	ri_rec_writer_close(w);
	CHECK_EQ(ri_rec_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ(read_all(r, &fr, &bad), n);
	CHECK_EQ(bad, 0);
	ri_rec_close(r);
	ri_drain_free(&d);
	synth_free(&s);
	free_frames(&fr);
}

static void test_seek(void)
{
	char path[300], err[512];
	struct frames fr;
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	struct ri_rec_choice ch = { 0 };
	size_t i, wrong = 0, order = 0;

	snprintf(path, sizeof(path), "%s/seek.rirec", tmpdir);
	/* 5 frames per group, 600 frames: 120 groups, pointers 7 deep. */
	write_frames(path, 600, 5, &fr, 0, 0);
	CHECK_EQ(ri_rec_open(path, &r, err, sizeof(err)), 0);
	for (i = 0; i < 700; i++) {
		/* Times on frames, between frames, before and after all. */
		int64_t t = us(&fr.v[0]) - 2000000 + (int64_t)i * 900000;
		long want = -1, k;

		for (k = 0; k < (long)fr.n; k++)
			if (us(&fr.v[k]) < t)
				want = k;
		if (want < 0)
			want = 0;
		ri_rec_seek(r, t);
		if (ri_rec_peek_us(r) != us(&fr.v[want]))
			wrong++;
		if (ri_rec_read(r, &d, &ch) || !same_drain(&d, &fr.v[want]) ||
		    !ri_rec_choice_same(&ch, &fr.ch[want]))
			wrong++;
		/* And on from there, in order. */
		if (want + 1 < (long)fr.n &&
		    (ri_rec_read(r, &d, &ch) || !same_drain(&d, &fr.v[want + 1])))
			order++;
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(order, 0);
	CHECK(ri_rec_damage(r) == NULL);
	ri_rec_close(r);
	ri_drain_free(&d);
	ri_rec_choice_free(&ch);
	free_frames(&fr);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long len;

	if (!f)
		exit(1);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	if (!b || fread(b, 1, (size_t)len, f) != (size_t)len)
		exit(1);
	fclose(f);
	*n = (size_t)len;
	return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b, 1, n, f) != n)
		exit(1);
	fclose(f);
}

/* Offsets of every record of a kind in a file's bytes. */
static size_t find_records(const uint8_t *b, size_t n, char kind, size_t *at,
			   size_t max)
{
	size_t i, k = 0;

	for (i = 0; i + 32 <= n && k < max; i++)
		if (!memcmp(b + i, "RIFR", 4) && b[i + 4] == (uint8_t)kind)
			at[k++] = i;
	return k;
}

static void test_truncation(void)
{
	char path[300], cut[320], err[512];
	struct frames fr;
	uint8_t *b;
	size_t n, i, bad, got, fails = 0, lost = 0, unsaid = 0, refused = 0;
	size_t ends[400], nend = 0, at[400], nk;
	struct synth s;

	snprintf(path, sizeof(path), "%s/cut.rirec", tmpdir);
	snprintf(cut, sizeof(cut), "%s/cut2.rirec", tmpdir);
	write_frames(path, 120, 10, &fr, 0, 0);
	b = slurp(path, &n);
	/* Where each frame's record ends: a cut there loses nothing. */
	nk = find_records(b, n, 'K', at, 400);
	nk += find_records(b, n, 'D', at + nk, 400 - nk);
	for (i = 0; i < nk; i++)
		ends[nend++] = at[i] + 32 + get_le32(b + at[i] + 8);
	synth_init(&s, 1, 1, 99);
	for (i = 0; i < 300; i++) {
		size_t len = i < 20 ? i * 7 : (size_t)(synth_rand(&s) % n);
		size_t whole = 0, k;
		struct ri_rec_reader *r;
		bool at_end = false;

		for (k = 0; k < nend; k++) {
			whole += ends[k] <= len;
			at_end |= ends[k] == len;
		}
		spit(cut, b, len);
		if (ri_rec_open(cut, &r, err, sizeof(err))) {
			/* Only when no frame is whole: then one sentence naming the file. */
			refused++;
			if (whole || !strstr(err, cut))
				fails++;
			continue;
		}
		got = read_all(r, &fr, &bad);
		fails += bad;
		lost += got != whole;
		/* A cut inside a record is said (once); a cut between records is not damage. */
		if (!at_end && len > 200 && !ri_rec_damage(r))
			unsaid++;
		ri_rec_close(r);
	}
	CHECK_EQ(fails, 0);
	CHECK_EQ(lost, 0);
	CHECK_EQ(unsaid, 0);
	CHECK(refused > 0);
	free(b);
	synth_free(&s);
	free_frames(&fr);
}

static size_t flip_and_read(const char *path, const uint8_t *b, size_t n,
			    size_t where, const struct frames *fr, size_t *bad,
			    bool *said)
{
	uint8_t *c = malloc(n);
	struct ri_rec_reader *r;
	char err[512];
	size_t got;

	memcpy(c, b, n);
	c[where] ^= 0x5a;
	spit(path, c, n);
	free(c);
	if (ri_rec_open(path, &r, err, sizeof(err))) {
		*bad = 1;
		*said = false;
		return 0;
	}
	got = read_all(r, fr, bad);
	*said = ri_rec_damage(r) != NULL;
	ri_rec_close(r);
	return got;
}

static void test_flips(void)
{
	char path[300], dmg[320];
	struct frames fr;
	uint8_t *b;
	size_t n, bad, got, at[64], k, i;
	bool said;

	snprintf(path, sizeof(path), "%s/flip.rirec", tmpdir);
	snprintf(dmg, sizeof(dmg), "%s/flip2.rirec", tmpdir);
	write_frames(path, 60, 10, &fr, 0, 0);
	b = slurp(path, &n);

	/* A delta frame: that frame and the rest of its group are lost. */
	k = find_records(b, n, 'D', at, 64);
	CHECK(k > 20);
	for (i = 0; i < 3; i++) {
		got = flip_and_read(dmg, b, n, at[10 + i] + 32 + 5, &fr, &bad, &said);
		CHECK_EQ(bad, 0);
		CHECK(got >= 60 - 10 && got < 60);
		CHECK(said);
		/* In its header: the same, found again by the next record's magic. */
		got = flip_and_read(dmg, b, n, at[10 + i] + 9, &fr, &bad, &said);
		CHECK_EQ(bad, 0);
		CHECK(got >= 60 - 10 && got < 60);
		CHECK(said);
	}
	/* An index record: nothing is lost, reading or seeking. */
	k = find_records(b, n, 'I', at, 64);
	CHECK(k >= 6);
	for (i = 1; i < k; i++) {
		got = flip_and_read(dmg, b, n, at[i] + 32 + 9, &fr, &bad, &said);
		CHECK_EQ(bad, 0);
		CHECK_EQ(got, 60);
		CHECK(said);
	}
	{
		/* A seek through a damaged index still lands right. */
		struct ri_rec_reader *r;
		struct ri_drain d = { 0 };
		char err[512];
		uint8_t *c = malloc(n);

		memcpy(c, b, n);
		c[at[5] + 32 + 9] ^= 0x5a; /* the last group's: where a seek starts */
		spit(dmg, c, n);
		free(c);
		CHECK_EQ(ri_rec_open(dmg, &r, err, sizeof(err)), 0);
		ri_rec_seek(r, us(&fr.v[33]) + 1);
		CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
		CHECK(same_drain(&d, &fr.v[33]));
		CHECK(ri_rec_damage(r) != NULL);
		ri_rec_close(r);
		ri_drain_free(&d);
	}
	/* The header: every frame, and the damage said; the run is unknown. */
	for (i = 9; i < 40; i += 7) {
		struct ri_rec_reader *r;
		char err[512];
		uint8_t *c = malloc(n);

		got = flip_and_read(dmg, b, n, i, &fr, &bad, &said);
		CHECK_EQ(bad, 0);
		CHECK_EQ(got, 60);
		CHECK(said);
		memcpy(c, b, n);
		c[i] ^= 0x5a;
		spit(dmg, c, n);
		free(c);
		CHECK_EQ(ri_rec_open(dmg, &r, err, sizeof(err)), 0);
		CHECK(!ri_rec_meta(r)->known);
		ri_rec_close(r);
	}
	/* The magic itself. */
	got = flip_and_read(dmg, b, n, 2, &fr, &bad, &said);
	CHECK_EQ(bad, 0);
	CHECK_EQ(got, 60);
	free(b);
	free_frames(&fr);
}

static void test_refused(void)
{
	char path[300], err[512];
	struct ri_rec_reader *r;
	uint8_t b[4096];
	struct frames fr;
	size_t n;
	uint8_t *w;

	snprintf(path, sizeof(path), "%s/foreign.rirec", tmpdir);
	memset(b, 'x', sizeof(b));
	spit(path, b, sizeof(b));
	CHECK(ri_rec_open(path, &r, err, sizeof(err)) < 0);
	CHECK(strstr(err, path) && strstr(err, "not a resource_image recording"));
	spit(path, b, 0);
	CHECK(ri_rec_open(path, &r, err, sizeof(err)) < 0);
	CHECK(strstr(err, "empty"));
	CHECK(ri_rec_open("/nonexistent/x.rirec", &r, err, sizeof(err)) == -ENOENT);
	/* A newer version: refused, saying which. */
	write_frames(path, 3, 10, &fr, 0, 0);
	w = slurp(path, &n);
	w[8] = 9;
	put_le32(w + get_le32(w + 12) - 4, ri_crc32c(0, w, get_le32(w + 12) - 4));
	spit(path, w, n);
	CHECK(ri_rec_open(path, &r, err, sizeof(err)) < 0);
	CHECK(strstr(err, "version 9") != NULL);
	free(w);
	free_frames(&fr);
}

static size_t count_files(const char *dir, uint64_t *total)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	char p[600];
	struct stat st;

	*total = 0;
	while (d && (de = readdir(d))) {
		if (!strstr(de->d_name, RI_REC_EXT))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (!stat(p, &st))
			*total += (uint64_t)st.st_size;
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void test_directory(void)
{
	char dir[300], err[512], name[64];
	struct frames fr;
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	size_t bad, got, nfiles;
	uint64_t total;

	/* 100 frames 1 s apart, a file every 10 s: 10 or 11 files. */
	snprintf(dir, sizeof(dir), "%s/dir/", tmpdir);
	write_frames(dir, 100, 4, &fr, 10, 0);
	nfiles = count_files(dir, &total);
	CHECK(nfiles >= 10 && nfiles <= 11);
	ri_rec_file_name(name, sizeof(name), 1764000000.0);
	CHECK_STR(name, "20251124T160000Z.rirec");
	CHECK_EQ(ri_rec_open(dir, &r, err, sizeof(err)), 0);
	got = read_all(r, &fr, &bad);
	CHECK_EQ(got, 100);
	CHECK_EQ(bad, 0);
	CHECK_EQ(ri_rec_last_us(r), us(&fr.v[99]));
	/* A seek into the middle of the fifth file, then across a rotation. */
	ri_rec_seek(r, us(&fr.v[45]) + 1);
	CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
	CHECK(same_drain(&d, &fr.v[45]));
	ri_rec_seek(r, us(&fr.v[49]) + 1);
	CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
	CHECK(same_drain(&d, &fr.v[49]));
	CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
	CHECK(same_drain(&d, &fr.v[50]));
	ri_rec_close(r);
	free_frames(&fr);

	/* --max-size: the directory stays under it, the newest file kept. */
	snprintf(dir, sizeof(dir), "%s/dirmax/", tmpdir);
	write_frames(dir, 100, 4, &fr, 10, 20000);
	nfiles = count_files(dir, &total);
	/* Checked at each key frame: at most a group over. */
	CHECK(total <= 20000 + 4000);
	CHECK(nfiles >= 1 && nfiles < 10);
	CHECK_EQ(ri_rec_open(dir, &r, err, sizeof(err)), 0);
	got = read_all(r, &fr, &bad);
	CHECK_EQ(bad, 0);
	CHECK(got > 0 && got < 100);
	CHECK_EQ(ri_rec_last_us(r), us(&fr.v[99]));
	ri_rec_close(r);
	free_frames(&fr);

	/* --keep: files entirely older than it go. */
	{
		struct ri_rec_writer_opts o = { .key_every = 4, .rotate_s = 10,
						.keep_s = 30 };
		struct ri_rec_writer *w;
		struct synth s;
		int i;

		snprintf(dir, sizeof(dir), "%s/dirkeep", tmpdir);
		mkdir(dir, 0700);
		o.path = dir;
		CHECK_EQ(ri_rec_writer_open(&o, &w, err, sizeof(err)), 0);
		synth_init(&s, 3, 1, 5);
		for (i = 0; i < 100; i++) {
			synth_tick(&s, &d, SYNTH_SEC);
			ri_rec_writer_frame(w, &d, NULL);
		}
		ri_rec_writer_close(w);
		synth_free(&s);
		nfiles = count_files(dir, &total);
		CHECK(nfiles >= 3 && nfiles <= 5);
	}
	ri_drain_free(&d);
}

static void test_write_errors(void)
{
	char err[512];
	struct ri_rec_writer_opts o = { .path = "/nonexistent/dir/x.rirec" };
	struct ri_rec_writer *w;

	CHECK(ri_rec_writer_open(&o, &w, err, sizeof(err)) < 0);
	CHECK(strstr(err, "/nonexistent/dir/x.rirec") != NULL);
	/* A full device: every write fails, said once, never a crash. */
	if (access("/dev/full", W_OK) == 0) {
		struct ri_drain d = { 0 };
		struct synth s;
		int i, said = 0;

		o.path = "/dev/full";
		CHECK_EQ(ri_rec_writer_open(&o, &w, err, sizeof(err)), 0);
		synth_init(&s, 3, 1, 5);
		for (i = 0; i < 5; i++) {
			synth_tick(&s, &d, SYNTH_SEC);
			CHECK(ri_rec_writer_frame(w, &d, NULL) < 0);
			said += ri_rec_writer_status(w) != NULL;
		}
		CHECK_EQ(said, 1);
		ri_rec_writer_close(w);
		synth_free(&s);
		ri_drain_free(&d);
	}
}

/* A transition with every field at an edge: all must come back exactly. */
static void make_transition(struct ri_alert_transition *t, uint32_t rule,
			    uint32_t to, double time)
{
	memset(t, 0, sizeof(*t));
	t->time = time;
	t->since = time - 12.5;
	t->value = rule & 1 ? -0.0 : 1e300;
	t->start_ns = UINT64_MAX - rule;
	t->rule = rule;
	t->pid = rule == 3 ? INT32_MAX : 4000 + (int32_t)rule;
	t->from = to == RI_ALERT_FIRING ? RI_ALERT_PENDING : RI_ALERT_INACTIVE;
	t->to = to;
	memset(t->comm, 'c', RI_COMM_LEN - 1);
	memset(t->text, 'r', RI_RULE_TEXT - 1);
	snprintf(t->text, 20, "cpu > %u%%", rule);
	t->text[strlen(t->text)] = ' ';
}

static void test_events_codec(void)
{
	struct rec_codec a = { 0 }, b = { 0 }, c = { 0 };
	struct ri_alert_transition tr[3];
	struct rbuf plain = { 0 }, with = { 0 };
	struct ri_drain d = { 0 }, back = { 0 };
	struct ri_rec_choice ch = { 0 };
	struct synth s;
	bool changed;
	size_t i;

	synth_init(&s, 12, 3, 7);
	if (synth_tick(&s, &d, SYNTH_SEC))
		exit(1);
	make_transition(&tr[0], 0, RI_ALERT_PENDING, d.unix_time);
	make_transition(&tr[1], 3, RI_ALERT_FIRING, d.unix_time);
	/* Not the tick's time: stored as a difference, still exact. */
	make_transition(&tr[2], 127, RI_ALERT_RESOLVED, d.unix_time - 0.25);
	CHECK_EQ(rec_encode(&a, true, &d, NULL, &plain), 0);
	CHECK_EQ(rec_codec_set_events(&b, tr, 3), 0);
	CHECK(rec_codec_firing(&b));
	CHECK_EQ(rec_encode(&b, true, &d, NULL, &with), 0);
	/* Without transitions: the frame is what it was; with: it only grows. */
	CHECK(with.n > plain.n);
	CHECK(memcmp(plain.p, with.p, plain.n) == 0);
	CHECK_EQ(with.p[plain.n], RI_SEC_EVENTS);
	CHECK_EQ(rec_decode(&c, true, with.p, with.n, &back, &ch, &changed), 0);
	CHECK(same_drain(&back, &d));
	CHECK_EQ(c.nev, 3);
	for (i = 0; i < 3 && i < c.nev; i++)
		CHECK(memcmp(&c.ev[i], &tr[i], sizeof(tr[i])) == 0);
	CHECK_EQ(rec_decode(&c, true, plain.p, plain.n, &back, &ch, &changed), 0);
	CHECK_EQ(c.nev, 0);
	/* Cut anywhere inside the section: refused, never read past it. */
	for (i = plain.n + 1; i < with.n; i++) {
		put_le32(with.p + plain.n + 1, (uint32_t)(i - plain.n - 5));
		CHECK(rec_decode(&c, true, with.p, i, &back, &ch, &changed) != 0 ||
		      i < plain.n + 5);
	}
	rbuf_free(&plain);
	rbuf_free(&with);
	rec_codec_free(&a);
	rec_codec_free(&b);
	rec_codec_free(&c);
	ri_drain_free(&d);
	ri_drain_free(&back);
	ri_rec_choice_free(&ch);
	synth_free(&s);
}

static void test_events_file(void)
{
	struct ri_rec_writer_opts o = { .key_every = 7 };
	struct ri_rec_writer *w;
	struct ri_rec_reader *r;
	struct ri_drain d = { 0 };
	struct ri_alert_transition tr[2];
	const struct ri_alert_transition *ev;
	const int64_t *ft;
	int64_t want[8];
	size_t nwant = 0, nft = 0, i, nev, nread = 0, bad = 0;
	struct synth s;
	char path[300], err[512];

	snprintf(path, sizeof(path), "%s/events.rirec", tmpdir);
	o.path = path;
	CHECK_EQ(ri_rec_writer_open(&o, &w, err, sizeof(err)), 0);
	synth_init(&s, 8, 2, 5);
	for (i = 0; i < 40; i++) {
		if (synth_tick(&s, &d, SYNTH_SEC))
			exit(1);
		/* Every fifth frame a transition; every tenth one to firing. */
		if (i % 5 == 2) {
			make_transition(&tr[0], (uint32_t)i, i % 10 == 2 ? RI_ALERT_FIRING :
							     RI_ALERT_RESOLVED, d.unix_time);
			make_transition(&tr[1], 1, RI_ALERT_PENDING, d.unix_time);
			CHECK_EQ(ri_rec_writer_events(w, tr, 2), 0);
			if (i % 10 == 2)
				want[nwant++] = us(&d);
		}
		CHECK_EQ(ri_rec_writer_frame(w, &d, NULL), 0);
	}
	ri_rec_writer_close(w);
	CHECK_EQ(ri_rec_open(path, &r, err, sizeof(err)), 0);
	for (i = 0; ri_rec_read(r, &d, NULL) == 0; i++) {
		nev = ri_rec_events(r, &ev);
		if (i % 5 != 2) {
			bad += nev != 0;
		} else {
			make_transition(&tr[0], (uint32_t)i, i % 10 == 2 ? RI_ALERT_FIRING :
							     RI_ALERT_RESOLVED, d.unix_time);
			make_transition(&tr[1], 1, RI_ALERT_PENDING, d.unix_time);
			bad += nev != 2 || memcmp(ev, tr, sizeof(tr));
		}
		/* Listing the marks midway leaves the reader where it was. */
		if (i == 11)
			CHECK_EQ(ri_rec_firing_times(r, &ft, &nft), 0);
		nread++;
	}
	CHECK_EQ(nread, 40);
	CHECK_EQ(bad, 0);
	CHECK_EQ(nft, nwant);
	for (i = 0; i < nft && i < nwant; i++)
		CHECK_EQ(ft[i], want[i]);
	/* A seek lands on a frame with its transitions, as a read does. */
	CHECK_EQ(ri_rec_seek(r, want[2] + 1), 0);
	CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
	CHECK_EQ(us(&d), want[2]);
	CHECK_EQ(ri_rec_events(r, &ev), 2);
	CHECK_EQ(ri_rec_read(r, &d, NULL), 0);
	CHECK_EQ(ri_rec_events(r, &ev), 0);
	ri_rec_close(r);
	ri_drain_free(&d);
	synth_free(&s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends bytes [@from, @to) of @b to @path. */
static void append_bytes(const char *path, const uint8_t *b, size_t from, size_t to)
{
	FILE *f = fopen(path, "ab");

	if (!f || (to > from && fwrite(b + from, 1, to - from, f) != to - from))
		exit(1);
	fclose(f);
}

/*
 * Followed: a file read as it grows, cut in the middle of records (a
 * record half written is waited for, never taken for damage); a
 * directory whose rotation starts files while it is read (a newest file
 * without a whole header is left for the next look); a stream through a
 * pipe in parts, then its end, then one cut in the middle of a record.
 */
static void test_follow(void)
{
	char path[300], live[300], dir[300], ldir[300], err[512];
	struct frames fr;
	struct ri_rec_reader *r;
	size_t n, bad, got = 0, at[64], k, i;
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/grow.rirec", tmpdir);
	snprintf(live, sizeof(live), "%s/grow-live.rirec", tmpdir);
	write_frames(path, 60, 4, &fr, 0, 0);
	b = slurp(path, &n);
	k = find_records(b, n, 'D', at, 64);
	CHECK(k > 20);
	append_bytes(live, b, 0, at[5] + 40);
	CHECK_EQ(ri_rec_open(live, &r, err, sizeof(err)), 0);
	ri_rec_follow(r);
	got += read_all(r, &fr, &bad);
	CHECK_EQ(bad, 0);
	CHECK(got > 0);
	CHECK(ri_rec_following(r));
	CHECK_EQ(ri_rec_peek_us(r), INT64_MIN);
	/* The rest of the record, then up to the middle of a later one. */
	append_bytes(live, b, at[5] + 40, at[k - 3] + 7);
	got += read_all(r, &fr, &bad);
	CHECK_EQ(bad, 0);
	append_bytes(live, b, at[k - 3] + 7, n);
	got += read_all(r, &fr, &bad);
	CHECK_EQ(bad, 0);
	CHECK_EQ(got, 60);
	CHECK(ri_rec_damage(r) == NULL);
	ri_rec_close(r);
	free(b);
	free_frames(&fr);

	/* A directory: the files come one by one, the newest in parts. */
	snprintf(dir, sizeof(dir), "%s/fsrc/", tmpdir);
	snprintf(ldir, sizeof(ldir), "%s/flive", tmpdir);
	mkdir(ldir, 0700);
	write_frames(dir, 60, 4, &fr, 10, 0);
	{
		struct dirent *de;
		DIR *d = opendir(dir);
		char *names[16];
		size_t nn = 0;

		while (d && (de = readdir(d)) && nn < 16)
			if (strstr(de->d_name, RI_REC_EXT))
				names[nn++] = strdup(de->d_name);
		closedir(d);
		qsort(names, nn, sizeof(*names), cmp_str);
		CHECK(nn >= 6);
		got = 0;
		for (i = 0; i < nn; i++) {
			char src[700], dst[700];
			size_t m;
			uint8_t *fb;

			snprintf(src, sizeof(src), "%s%s", dir, names[i]);
			snprintf(dst, sizeof(dst), "%s/%s", ldir, names[i]);
			fb = slurp(src, &m);
			/* A header not whole yet, then half the file, then all of it. */
			append_bytes(dst, fb, 0, 20);
			if (i == 0) {
				/* Nothing to read at all: not a recording yet. */
				CHECK(ri_rec_open(ldir, &r, err, sizeof(err)) != 0);
				append_bytes(dst, fb, 20, m / 2);
				CHECK_EQ(ri_rec_open(ldir, &r, err, sizeof(err)), 0);
				ri_rec_follow(r);
			} else {
				got += read_all(r, &fr, &bad);
				CHECK_EQ(bad, 0);
				append_bytes(dst, fb, 20, m / 2);
			}
			got += read_all(r, &fr, &bad);
			CHECK_EQ(bad, 0);
			append_bytes(dst, fb, m / 2, m);
			got += read_all(r, &fr, &bad);
			CHECK_EQ(bad, 0);
			free(fb);
			free(names[i]);
		}
		CHECK_EQ(got, 60);
		CHECK(ri_rec_damage(r) == NULL);
		CHECK_EQ(ri_rec_last_us(r), us(&fr.v[59]));
		ri_rec_close(r);
	}
	free_frames(&fr);

	/* A stream: in parts through a pipe, then its end. */
	write_frames(path, 60, 4, &fr, 0, 0);
	b = slurp(path, &n);
	k = find_records(b, n, 'D', at, 64);
	for (i = 0; i < 2; i++) {
		int p[2];
		size_t cut = i ? at[k - 2] + 9 : n;

		CHECK_EQ(pipe(p), 0);
		CHECK(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) >= (int)n);
		CHECK_EQ(write(p[1], b, at[8] + 3), (ssize_t)(at[8] + 3));
		CHECK_EQ(ri_rec_open_stream(p[0], &r, err, sizeof(err)), 0);
		got = read_all(r, &fr, &bad);
		CHECK_EQ(bad, 0);
		CHECK(ri_rec_following(r));
		CHECK_EQ(write(p[1], b + at[8] + 3, cut - at[8] - 3), (ssize_t)(cut - at[8] - 3));
		close(p[1]);
		got += read_all(r, &fr, &bad);
		CHECK_EQ(bad, 0);
		CHECK(!ri_rec_following(r));
		if (i) {
			const char *dmg = ri_rec_damage(r);

			CHECK_EQ(got, 58);
			CHECK(dmg && strstr(dmg, "standard input") && strstr(dmg, "stream cut"));
		} else {
			CHECK_EQ(got, 60);
			CHECK(ri_rec_damage(r) == NULL);
		}
		ri_rec_close(r);
	}
	free(b);
	free_frames(&fr);
}

int main(void)
{
	char cmd[320];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ri-test-record-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	test_round_trip();
	test_every_field_round_trips();
	test_seek();
	test_truncation();
	test_flips();
	test_refused();
	test_directory();
	test_write_errors();
	test_events_codec();
	test_events_file();
	test_follow();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		return 1;
	return check_report("test_record");
}
