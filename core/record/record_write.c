// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writing a recording: the file header, then groups of records (an index
 * record with its skip pointers, a key frame, delta frames), each group
 * one zstd frame flushed at every record. Whole records only: a failed
 * write is cut back off the file, said once, and the next frame that
 * fits starts a new group. In a directory, one file per hour (named by
 * its start, UTC), with the oldest removed past --keep or --max-size,
 * never the file being written. A thread of its own calls fdatasync
 * at most every SYNC_EVERY_S, so the tick never waits for the disk: a
 * crash of the tool loses at most the frame being written (the kernel
 * has the rest), a power cut at most the last few seconds.
 */
#include <dirent.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "record_priv.h"

#define DEFAULT_KEEP_S (7 * 86400.0)
#define DEFAULT_ROTATE_S 3600.0
/*
 * The delta encoding leaves zstd little to find: on the frames of a
 * 10,000-task machine level 1 writes 0.5% more than level 3 and takes
 * half the time (key frame 0.67 vs 1.39 ms, deltas 35 vs 64 us).
 */
#define ZSTD_LEVEL 1
#define KEY_WEIGHT 8
#define SYNC_EVERY_S 5

struct ri_rec_writer {
	struct ri_rec_writer_opts o;
	bool dir;
	bool stream, gone;     /* -w -; its reader went away */
	bool share;            /* files made group-readable (--group) */
	int dirfd;
	char path[PATH_MAX];   /* as given */
	char file[PATH_MAX + 64]; /* being written now */
	int fd;
	uint64_t off;          /* bytes of the file that are whole records */
	bool hdr_done;
	double file_start;     /* Unix time of its first frame */
	struct ri_rec_meta meta;

	ZSTD_CCtx *z;
	struct rec_codec codec;
	struct rbuf raw, out;
	bool need_key;
	uint32_t in_group, group;
	uint64_t group_off;
	uint64_t key_bytes;   /* of the group's key frame */
	struct rec_ptr lvl[RI_REC_MAX_PTRS];

	/* What the user is told: one sentence per change of state. */
	bool failing;
	char status[PATH_MAX + 400];
	bool status_new;

	/* The syncer thread. */
	bool have_thread;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t wrote, synced;
	bool busy, stop;
	int sync_err;
};

void ri_rec_file_name(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	char ts[32];

	gmtime_r(&s, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, len, "%s%s", ts, RI_REC_EXT);
}

/* ---- the syncer ---- */

static void *syncer(void *arg)
{
	struct ri_rec_writer *w = arg;
	struct timespec next = { 0, 0 };

	pthread_mutex_lock(&w->mu);
	for (;;) {
		uint64_t target;
		int fd, r;

		while (!w->stop && w->synced == w->wrote)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->synced == w->wrote)
			break;
		/*
		 * At most one sync per SYNC_EVERY_S: an fdatasync costs a
		 * quarter of a tick's CPU on a VM when it comes alone.
		 */
		while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &next) != ETIMEDOUT)
			;
		if (w->synced == w->wrote)
			continue; /* a rotation synced it meanwhile */
		clock_gettime(CLOCK_MONOTONIC, &next);
		next.tv_sec += SYNC_EVERY_S;
		target = w->wrote;
		fd = w->fd;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);
		r = fd >= 0 ? fdatasync(fd) : 0;
		pthread_mutex_lock(&w->mu);
		if (r && !w->sync_err)
			w->sync_err = errno;
		w->busy = false;
		w->synced = target;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* The syncer must not hold the descriptor that is about to change. */
static void sync_quiesce(struct ri_rec_writer *w)
{
	if (!w->have_thread)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	w->synced = w->wrote;
	pthread_mutex_unlock(&w->mu);
}

/*
 * Only the first frame after a sync wakes the syncer: while it waits out
 * SYNC_EVERY_S it needs no news, and a wake-up per tick cost more than
 * the frame's compression.
 */
static void sync_kick(struct ri_rec_writer *w)
{
	bool idle;

	if (!w->have_thread)
		return;
	pthread_mutex_lock(&w->mu);
	idle = w->synced == w->wrote && !w->busy;
	w->wrote++;
	if (idle)
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* ---- telling the user ---- */

static void say(struct ri_rec_writer *w, const char *fmt, const char *what,
		int err)
{
	snprintf(w->status, sizeof(w->status), fmt, w->file[0] ? w->file : w->path,
		 what, strerror(err));
	w->status_new = true;
}

static void failed(struct ri_rec_writer *w, const char *what, int err)
{
	if (w->failing)
		return;
	w->failing = true;
	say(w, "recording to %s stopped: %s: %s; the monitor goes on and "
	       "recording resumes when it can",
	    what, err);
}

static void succeeded(struct ri_rec_writer *w)
{
	if (!w->failing)
		return;
	w->failing = false;
	snprintf(w->status, sizeof(w->status),
		 "recording to %s resumed (the frames in between are lost)",
		 w->file);
	w->status_new = true;
}

const char *ri_rec_writer_status(struct ri_rec_writer *w)
{
	int e = 0;

	if (w->have_thread) {
		pthread_mutex_lock(&w->mu);
		e = w->sync_err;
		w->sync_err = 0;
		pthread_mutex_unlock(&w->mu);
	}
	if (e)
		failed(w, "saving to disk (fdatasync)", e);
	if (!w->status_new)
		return NULL;
	w->status_new = false;
	return w->status;
}

const char *ri_rec_writer_file(const struct ri_rec_writer *w)
{
	return w->file[0] ? w->file : w->path;
}

/* ---- writing whole records ---- */

/* Writes @n bytes at the end; on failure cuts the file back and says so. */
static int append(struct ri_rec_writer *w, const uint8_t *p, size_t n,
		  const char *what)
{
	size_t done = 0;
	ssize_t k;
	int err;

	while (done < n) {
		if (w->gone)
			return -EPIPE;
		k = w->stream ? write(w->fd, p + done, n - done) :
				pwrite(w->fd, p + done, n - done, (off_t)(w->off + done));
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		err = k < 0 ? errno : ENOSPC;
		if (err == EINTR)
			continue;
		/*
		 * Whatever part went out is no record: take it back. A stream
		 * cannot: its reader sees a record cut short, and says so.
		 */
		if (w->stream) {
			/* Its reader went away (| head, a dropped ssh): a normal end. */
			w->gone = true;
			if (err != EPIPE)
				failed(w, what, err);
			return -err;
		}
		k = ftruncate(w->fd, (off_t)w->off);
		(void)k;
		failed(w, what, err);
		return -err;
	}
	w->off += n;
	return 0;
}

static void put_tag(struct rbuf *b, uint16_t tag, const void *v, size_t len)
{
	if (len > 0xffff)
		len = 0xffff;
	b->p[b->n] = (uint8_t)tag;
	b->p[b->n + 1] = (uint8_t)(tag >> 8);
	b->p[b->n + 2] = (uint8_t)len;
	b->p[b->n + 3] = (uint8_t)(len >> 8);
	memcpy(b->p + b->n + 4, v, len);
	b->n += 4 + len;
}

static void put_tag_str(struct rbuf *b, uint16_t tag, const char *s, size_t max)
{
	put_tag(b, tag, s, strnlen(s, max));
}

static void put_tag_u32(struct rbuf *b, uint16_t tag, uint32_t v)
{
	uint8_t x[4];

	put_le32(x, v);
	put_tag(b, tag, x, 4);
}

static void put_tag_u64(struct rbuf *b, uint16_t tag, uint64_t v)
{
	uint8_t x[8];

	put_le64(x, v);
	put_tag(b, tag, x, 8);
}

static int write_header(struct ri_rec_writer *w, double start)
{
	const struct ri_rec_meta *m = &w->meta;
	struct rbuf b = { 0 };
	uint64_t ibits;
	uint8_t sl = m->sees_short_lived;
	int err;

	if (rbuf_reserve(&b, 2048))
		return -ENOMEM;
	memcpy(b.p, RI_REC_MAGIC, RI_REC_MAGIC_LEN);
	put_le32(b.p + 8, RI_REC_VERSION);
	b.n = RI_REC_FHDR_FIXED;
	put_tag_u32(&b, TAG_TASK_SIZE, (uint32_t)sizeof(struct ri_task));
	put_tag_str(&b, TAG_HOST, m->host, sizeof(m->host));
	put_tag_str(&b, TAG_KERNEL, m->kernel, sizeof(m->kernel));
	put_tag_u32(&b, TAG_NCPU, m->ncpu);
	put_tag_u32(&b, TAG_PAGE_SIZE, m->page_size);
	put_tag_u64(&b, TAG_BOOT_TIME, (uint64_t)m->boot_us);
	put_tag_str(&b, TAG_TOOL, m->tool, sizeof(m->tool));
	put_tag_str(&b, TAG_OPTIONS, m->options, sizeof(m->options));
	put_tag_str(&b, TAG_SOURCE, m->source, sizeof(m->source));
	put_tag_str(&b, TAG_PROBE, m->probe, sizeof(m->probe));
	put_tag(&b, TAG_SHORT_LIVED, &sl, 1);
	memcpy(&ibits, &m->interval_s, 8);
	put_tag_u64(&b, TAG_INTERVAL, ibits);
	put_tag_u64(&b, TAG_START, (uint64_t)(int64_t)(start * 1e6));
	put_tag_u32(&b, TAG_TASK_FIELDS, (uint32_t)rec_task_fields());
	put_tag_u32(&b, TAG_MACHINE_FIELDS, (uint32_t)rec_machine_fields());
	put_tag_u32(&b, TAG_CPU_FIELDS, RI_REC_V1_CPU_FIELDS);
	put_tag_u32(&b, TAG_KEY_EVERY, w->o.key_every);
	put_le32(b.p + 12, (uint32_t)(b.n + 4));
	put_le32(b.p + b.n, ri_crc32c(0, b.p, b.n));
	b.n += 4;
	err = append(w, b.p, b.n, "writing the header");
	rbuf_free(&b);
	return err;
}

/* ---- files ---- */

static void close_file(struct ri_rec_writer *w)
{
	if (w->fd < 0)
		return;
	sync_quiesce(w);
	if (w->o.sync)
		fdatasync(w->fd);
	pthread_mutex_lock(&w->mu);
	close(w->fd);
	w->fd = -1;
	pthread_mutex_unlock(&w->mu);
}

/* Files of a recording directory, by name, which is by time. */
struct dfile {
	char name[64];
	uint64_t size;
};

static bool our_name(const char *n)
{
	size_t len = strlen(n), e = strlen(RI_REC_EXT);
	int i;

	if (len < 16 + e || len >= 64 || strcmp(n + len - e, RI_REC_EXT))
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (n[i] < '0' || n[i] > '9'))
			return false;
	return n[8] == 'T' && n[15] == 'Z';
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dfile *)a)->name, ((const struct dfile *)b)->name);
}

static double name_time(const char *n)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(n, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm);
}

/*
 * Removes the oldest files past --keep (a file goes once the file after
 * it began before the cut-off: all it holds is older) and past
 * --max-size, never the file being written.
 */
static void retention(struct ri_rec_writer *w, double now)
{
	struct dfile *v = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;
	const char *cur = strrchr(w->file, '/');
	struct dirent *de;
	DIR *d;
	int fd = dup(w->dirfd);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	rewinddir(d);
	cur = cur ? cur + 1 : w->file;
	while ((de = readdir(d))) {
		struct stat st;

		if (!our_name(de->d_name) ||
		    fstatat(w->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct dfile *nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		memcpy(v[n].name, de->d_name, strlen(de->d_name) + 1); /* < 64 */
		v[n].size = (uint64_t)st.st_size;
		total += v[n].size;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i + 1 < n; i++) {
		bool old = name_time(v[i + 1].name) < now - w->o.keep_s;
		bool big = w->o.max_size && total > w->o.max_size;

		if (!strcmp(v[i].name, cur) || (!old && !big))
			continue;
		if (unlinkat(w->dirfd, v[i].name, 0) == 0)
			total -= v[i].size;
	}
	free(v);
}

static int open_next_file(struct ri_rec_writer *w, double t)
{
	char name[64], base[64];
	int i, fd = -1;

	ri_rec_file_name(base, sizeof(base), t);
	for (i = 0; i < 100 && fd < 0; i++) {
		if (i)
			snprintf(name, sizeof(name), "%.*s_%d%s",
				 (int)(strlen(base) - strlen(RI_REC_EXT)), base, i,
				 RI_REC_EXT);
		else
			snprintf(name, sizeof(name), "%s", base);
		fd = openat(w->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0640);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	snprintf(w->file, sizeof(w->file), "%s/%s", w->path, name);
	if (fd < 0) {
		failed(w, "creating a file", errno);
		return -errno;
	}
	/* Readable by the group whatever the umask: a follower needs no more. */
	if (w->share)
		fchmod(fd, 0640);
	pthread_mutex_lock(&w->mu);
	w->fd = fd;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/*
 * --group: the directory (setgid, so that every file created in it
 * later takes its group without a capability) and the files already
 * there, or the one file. Only an explicit --group that cannot be given
 * is an error; the default (adm) is given where it can be.
 */
static int share_with_group(struct ri_rec_writer *w, char *err, size_t errlen)
{
	const char *name = w->o.group ? w->o.group : "adm";
	struct group *g = getgrnam(name);
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd = w->dir ? w->dirfd : w->fd;

	if (!w->dir && !w->o.group)
		return 0; /* a file is left as created unless asked */
	if (!g) {
		if (!w->o.group)
			return 0;
		snprintf(err, errlen, "--group %s: no such group", name);
		return -EINVAL;
	}
	if (fstat(fd, &st) || (st.st_gid != g->gr_gid && fchown(fd, (uid_t)-1, g->gr_gid)) ||
	    fchmod(fd, w->dir ? (st.st_mode & 07777) | 02050 : 0640)) {
		int e = errno;

		if (!w->o.group)
			return 0;
		snprintf(err, errlen, "--group %s: cannot give %s to the group: %s",
			 name, w->path, strerror(e));
		return -e;
	}
	w->share = true;
	if (!w->dir || (fd = dup(w->dirfd)) < 0)
		return 0;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		if (!our_name(de->d_name))
			continue;
		/* Best effort: a file that stays private is said when followed. */
		if (fchownat(w->dirfd, de->d_name, (uid_t)-1, g->gr_gid,
			     AT_SYMLINK_NOFOLLOW) == 0 &&
		    fchmodat(w->dirfd, de->d_name, 0640, 0))
			continue;
	}
	closedir(d);
	return 0;
}

bool ri_rec_writer_gone(const struct ri_rec_writer *w)
{
	struct pollfd p = { .fd = w->fd };

	if (w->gone || !w->stream)
		return w->gone;
	/*
	 * Between frames too: a followed recording that stands still writes
	 * nothing, and only asking the pipe or socket tells its reader left.
	 */
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP));
}

static void new_file_state(struct ri_rec_writer *w, double t)
{
	w->off = 0;
	w->hdr_done = false;
	w->file_start = t;
	w->need_key = true;
	w->group = 0;
	memset(w->lvl, 0, sizeof(w->lvl));
}

/* A directory starts a file at every multiple of the rotation period. */
static bool rotation_due(const struct ri_rec_writer *w, double t)
{
	double p = w->o.rotate_s;

	return w->dir && w->fd >= 0 &&
	       (long long)(t / p) != (long long)(w->file_start / p);
}

static int ensure_file(struct ri_rec_writer *w, double t)
{
	int err;

	if (rotation_due(w, t))
		close_file(w);
	if (w->fd < 0) {
		if (!w->dir)
			return -EBADF;
		if ((err = open_next_file(w, t)))
			return err;
		new_file_state(w, t);
		retention(w, t);
	}
	if (!w->hdr_done) {
		if (w->off == 0 && w->file_start == 0)
			w->file_start = t;
		if ((err = write_header(w, w->file_start)))
			return err;
		w->hdr_done = true;
	}
	return 0;
}

/* ---- frames ---- */

static int compress(struct ri_rec_writer *w, bool key)
{
	ZSTD_inBuffer in = { w->raw.p, w->raw.n, 0 };
	size_t r;

	if (key)
		ZSTD_CCtx_reset(w->z, ZSTD_reset_session_only);
	for (;;) {
		ZSTD_outBuffer out;

		if (rbuf_reserve(&w->out, ZSTD_compressBound(w->raw.n) + 64))
			return -ENOMEM;
		out.dst = w->out.p + w->out.n;
		out.size = w->out.cap - w->out.n;
		out.pos = 0;
		r = ZSTD_compressStream2(w->z, &out, &in, ZSTD_e_flush);
		w->out.n += out.pos;
		if (ZSTD_isError(r))
			return -EIO;
		if (r == 0)
			return 0;
	}
}

/*
 * The records of one frame into w->out: for a key frame the group's
 * index record first. Returns the offset in w->out where the frame's
 * compressed payload starts.
 */
static int build(struct ri_rec_writer *w, bool key, int64_t t_us,
		 const struct ri_drain *d, const struct ri_rec_choice *ch)
{
	struct rec_index x = { .group = w->group };
	struct rec_hdr h = { .time_us = t_us };
	size_t fstart, ilen = 0;
	uint32_t k;
	int err;

	w->raw.n = 0;
	w->out.n = 0;
	if ((err = rec_encode(&w->codec, key, d, ch, &w->raw)))
		return err;
	if (rbuf_reserve(&w->out, 2 * RI_REC_RHDR + 8 + 16 * RI_REC_MAX_PTRS))
		return -ENOMEM;
	if (key) {
		for (k = 0; k < RI_REC_MAX_PTRS && (1ull << k) <= w->group; k++)
			x.ptr[x.nptr++] = w->lvl[k];
		ilen = rec_index_put(w->out.p + RI_REC_RHDR, &x);
		h.kind = REC_INDEX;
		h.len = (uint32_t)ilen;
		h.back = 0;
		h.crc = ri_crc32c(0, w->out.p + RI_REC_RHDR, ilen);
		rec_hdr_put(w->out.p, &h);
		w->out.n = RI_REC_RHDR + ilen;
	}
	fstart = w->out.n;
	w->out.n += RI_REC_RHDR;
	if ((err = compress(w, key)))
		return err;
	h.kind = key ? REC_KEY : REC_DELTA;
	h.flags = rec_codec_firing(&w->codec) ? REC_F_FIRING : 0;
	h.len = (uint32_t)(w->out.n - fstart - RI_REC_RHDR);
	h.back = (uint32_t)(key ? RI_REC_RHDR + ilen : w->off - w->group_off);
	h.crc = ri_crc32c(0, w->out.p + fstart + RI_REC_RHDR, h.len);
	rec_hdr_put(w->out.p + fstart, &h);
	return 0;
}

int ri_rec_writer_frame(struct ri_rec_writer *w, const struct ri_drain *d,
			const struct ri_rec_choice *ch)
{
	double t = d->unix_time;
	int64_t t_us = (int64_t)(t * 1e6);
	uint64_t at;
	bool key;
	int err;

	if ((err = ensure_file(w, t))) {
		w->codec.nev = 0; /* they belong to this frame only */
		return err;
	}
	/*
	 * A new group once the deltas since the key frame weigh KEY_WEIGHT
	 * times what it did (key frames then cost at most a ninth of the
	 * file: a busy machine has them often, a big idle one rarely), and
	 * at most every key_every frames, which bounds what a seek decodes
	 * and what a damaged frame takes with it.
	 */
	key = w->need_key || w->in_group >= w->o.key_every ||
	      w->off - w->group_off >= (KEY_WEIGHT + 1) * w->key_bytes ||
	      w->off - w->group_off > 0xf0000000u;
	err = build(w, key, t_us, d, ch);
	/* The transitions go with this frame, written or not. */
	w->codec.nev = 0;
	if (err) {
		w->need_key = true;
		failed(w, "encoding a frame", -err);
		return err;
	}
	at = w->off;
	if ((err = append(w, w->out.p, w->out.n, "writing a frame"))) {
		w->need_key = true;
		return err;
	}
	if (key) {
		uint32_t k;

		w->group_off = at;
		w->key_bytes = w->out.n;
		/* Pointer k of later groups: the last group that is a multiple of 2^k. */
		for (k = 0; k < RI_REC_MAX_PTRS; k++)
			if (!(w->group & ((1ull << k) - 1)))
				w->lvl[k] = (struct rec_ptr){ at, t_us };
		w->group++;
		w->in_group = 0;
		w->need_key = false;
		/* Once a group: --max-size holds within a minute or so. */
		if (w->dir && w->o.max_size)
			retention(w, t);
	}
	w->in_group++;
	succeeded(w);
	sync_kick(w);
	return 0;
}

int ri_rec_writer_events(struct ri_rec_writer *w,
			 const struct ri_alert_transition *v, size_t n)
{
	return rec_codec_set_events(&w->codec, v, n);
}

void ri_rec_writer_meta(struct ri_rec_writer *w, const struct ri_rec_meta *m)
{
	w->meta = *m;
}

int ri_rec_writer_open(const struct ri_rec_writer_opts *o,
		       struct ri_rec_writer **out, char *err, size_t errlen)
{
	struct ri_rec_writer *w = calloc(1, sizeof(*w));
	size_t len = strlen(o->path);
	struct stat st;
	int e;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->o = *o;
	w->fd = -1;
	w->dirfd = -1;
	pthread_mutex_init(&w->mu, NULL);
	{
		pthread_condattr_t ca;

		/* The syncer's pace is monotonic: a clock step must not stall it. */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&w->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (!w->o.keep_s)
		w->o.keep_s = DEFAULT_KEEP_S;
	if (!w->o.rotate_s)
		w->o.rotate_s = DEFAULT_ROTATE_S;
	if (!w->o.key_every)
		w->o.key_every = RI_REC_KEY_EVERY;
	snprintf(w->path, sizeof(w->path), "%s", o->path);
	while (len > 1 && w->path[len - 1] == '/')
		w->path[--len] = '\0';
	w->dir = (stat(w->path, &st) == 0 && S_ISDIR(st.st_mode)) ||
		 o->path[strlen(o->path) - 1] == '/';
	if (w->dir) {
		if (mkdir(w->path, 0750) && errno != EEXIST) {
			e = errno;
			snprintf(err, errlen, "-w %s: cannot create the directory: %s",
				 w->path, strerror(e));
			ri_rec_writer_close(w);
			return -e;
		}
		w->dirfd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->dirfd < 0 || faccessat(w->dirfd, ".", W_OK, AT_EACCESS)) {
			e = errno;
			snprintf(err, errlen, "-w %s: cannot write in the directory: %s",
				 w->path, strerror(e));
			ri_rec_writer_close(w);
			return -e;
		}
	} else if (!strcmp(w->path, "-")) {
		/* Compressed frames are no text for a terminal. */
		if (isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "-w -: standard output is a terminal: send "
					      "the stream somewhere (| resource_image -r -, "
					      "| ssh ..., > FILE)");
			ri_rec_writer_close(w);
			return -ENOTTY;
		}
		w->stream = true;
		w->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (w->fd < 0) {
			e = errno;
			snprintf(err, errlen, "-w -: standard output: %s", strerror(e));
			ri_rec_writer_close(w);
			return -e;
		}
		snprintf(w->file, sizeof(w->file), "standard output");
	} else {
		w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (w->fd < 0) {
			e = errno;
			snprintf(err, errlen, "-w %s: cannot write the file: %s",
				 w->path, strerror(e));
			ri_rec_writer_close(w);
			return -e;
		}
		snprintf(w->file, sizeof(w->file), "%s", w->path);
	}
	if (!w->stream && (e = share_with_group(w, err, errlen))) {
		ri_rec_writer_close(w);
		return e;
	}
	w->z = ZSTD_createCCtx();
	if (!w->z || ZSTD_isError(ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel,
							  ZSTD_LEVEL))) {
		snprintf(err, errlen, "out of memory");
		ri_rec_writer_close(w);
		return -ENOMEM;
	}
	w->need_key = true;
	if (o->sync && pthread_create(&w->th, NULL, syncer, w) == 0)
		w->have_thread = true;
	*out = w;
	return 0;
}

void ri_rec_writer_close(struct ri_rec_writer *w)
{
	if (!w)
		return;
	if (w->have_thread) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->have_thread = false;
	}
	close_file(w);
	if (w->dirfd >= 0)
		close(w->dirfd);
	ZSTD_freeCCtx(w->z);
	rec_codec_free(&w->codec);
	rbuf_free(&w->raw);
	rbuf_free(&w->out);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
