// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a recording: one file or a directory of them, in order, frame
 * by frame; a seek by time through the skip pointers of the index
 * records (O(log n) reads, then one group); and damage of every kind
 * (a record that fails its CRC, a lost key frame, a file cut short, a
 * damaged header) said once, with the file and byte offset, and skipped
 * to the next group that is whole. Never more than the bytes say.
 *
 * Followed (-r --follow, and always a stream), the end of the last file
 * is not the end: a record still being written waits there, a file the
 * rotation starts in the directory joins the list, and a stream read
 * from a pipe is copied into an unlinked spool file as it comes, so a
 * seek or a rewind over a stream is a seek in a file like any other
 * (the stream form of the format is the file's, byte for byte).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "record_priv.h"

#define CHUNK (256 * 1024)
/* A damaged header: look this far for the first record. */
#define FIND_FIRST_MAX (1u << 20)

struct rfile {
	char *path;
	int fd;
	uint64_t data;   /* offset of the first record */
	struct ri_rec_meta meta;
	int64_t first_us; /* of its first record; INT64_MIN before it is read */
	uint64_t size;    /* as last seen */
	int64_t skip_us;  /* frames at or before this were read already */
};

/* What a walk over the records finds at an offset. */
enum at { AT_OK, AT_END, AT_CUT, AT_BADHDR, AT_BADBODY };

struct ri_rec_reader {
	char *path;
	struct rfile *f;
	size_t nf, cur;
	uint64_t off;       /* next record in the current file */
	bool group_ok;      /* the frames before off in its group are decoded */

	/* One read buffer over the current file. */
	uint8_t *buf;
	size_t buf_len, buf_cap;
	uint64_t buf_off;
	size_t buf_file;

	ZSTD_DCtx *z;
	struct rec_codec codec;
	struct rbuf raw;
	struct ri_rec_choice choice; /* in force as of the last frame */

	/* The next frame, as peeked: valid while peek_file/off match. */
	bool peek_valid;
	size_t peek_file;
	uint64_t peek_from;
	int64_t peek_us;

	/* The frames with a transition to firing, once listed. */
	int64_t *firing;
	size_t nfiring;
	bool firing_done;

	/* Followed: the end of the last file may still grow. */
	bool follow, is_dir;
	/*
	 * A stream: what comes on stream_fd is appended to the spool, the
	 * last file. A stream that reconnects (--remote) adds a file per
	 * connection: its frames up to the newest one already read are
	 * decoded but not returned again.
	 */
	int stream_fd;
	bool stream_eof;
	uint64_t spooled;
	struct ri_rec_reconnect rc;
	bool have_rc, rc_pending; /* the last file's header is not in yet */
	int64_t newest_us;

	char damage[PATH_MAX + 512];
	bool damage_new, damage_said;
	size_t last_file;
	struct ri_rec_meta none;
};

static bool pump(struct ri_rec_reader *r, bool block);
static bool header_in(struct ri_rec_reader *r);

/* ---- damage ---- */

static void damaged(struct ri_rec_reader *r, size_t fi, uint64_t off,
		    const char *what)
{
	if (r->damage_said)
		return;
	snprintf(r->damage, sizeof(r->damage),
		 "%s: %s at byte %llu; showing every frame that is whole",
		 r->f[fi].path, what, (unsigned long long)off);
	r->damage_said = r->damage_new = true;
}

const char *ri_rec_damage(struct ri_rec_reader *r)
{
	if (!r->damage_new)
		return r->have_rc && r->rc.news ? r->rc.news(r->rc.ctx) : NULL;
	r->damage_new = false;
	return r->damage;
}

/* ---- bytes of a file ---- */

static int file_fd(struct ri_rec_reader *r, size_t fi)
{
	struct rfile *f = &r->f[fi];

	if (f->fd < 0)
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	return f->fd;
}

/*
 * Points *p at @len bytes at @off of file @fi. Returns the bytes there
 * (less than @len at the end of the file), or a negative errno.
 */
static ssize_t bytes_at(struct ri_rec_reader *r, size_t fi, uint64_t off,
			size_t len, const uint8_t **p)
{
	struct rfile *f = &r->f[fi];
	size_t want;
	ssize_t n;
	int fd;
	struct stat st;

	if (r->buf && r->buf_file == fi && off >= r->buf_off &&
	    off + len <= r->buf_off + r->buf_len) {
		*p = r->buf + (off - r->buf_off);
		return (ssize_t)len;
	}
	if ((fd = file_fd(r, fi)) < 0)
		return -errno;
	/* Never more than the file holds (it may still grow: ask again). */
	if (off + len > f->size || off + len < off) {
		if (fstat(fd, &st))
			return -errno;
		f->size = (uint64_t)st.st_size;
	}
	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	want = len > CHUNK ? len : CHUNK;
	if (want > r->buf_cap) {
		uint8_t *b = realloc(r->buf, want);

		if (!b)
			return -ENOMEM;
		r->buf = b;
		r->buf_cap = want;
	}
	/* Whatever is read next, the old contents are gone. */
	r->buf_len = 0;
	do
		n = pread(fd, r->buf, want, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	r->buf_off = off;
	r->buf_len = (size_t)n;
	r->buf_file = fi;
	*p = r->buf;
	return n < (ssize_t)len ? n : (ssize_t)len;
}

/*
 * The record at @off: header checked, payload (read and CRC-checked)
 * at *body. AT_END exactly at the end of the file.
 */
static enum at record_at(struct ri_rec_reader *r, size_t fi, uint64_t off,
			 struct rec_hdr *h, const uint8_t **body)
{
	const uint8_t *p;
	ssize_t n = bytes_at(r, fi, off, RI_REC_RHDR, &p);

	if (n == 0)
		return AT_END;
	if (n < 0)
		return AT_CUT;
	if (n < RI_REC_RHDR)
		return memcmp(p, RI_REC_RMAGIC, n < 4 ? (size_t)n : 4) ? AT_BADHDR :
									 AT_CUT;
	if (rec_hdr_get(p, h))
		return AT_BADHDR;
	if (!body)
		return AT_OK;
	n = bytes_at(r, fi, off + RI_REC_RHDR, h->len, body);
	if (n < 0 || (size_t)n < h->len)
		return AT_CUT;
	if (ri_crc32c(0, *body, h->len) != h->crc)
		return AT_BADBODY;
	return AT_OK;
}

/* The next offset at or after @from where a whole record header starts. */
static uint64_t resync(struct ri_rec_reader *r, size_t fi, uint64_t from,
		       uint64_t limit)
{
	for (;;) {
		const uint8_t *p, *q;
		ssize_t n = bytes_at(r, fi, from, CHUNK, &p);
		struct rec_hdr h;

		if (n < RI_REC_RHDR || from >= limit)
			return UINT64_MAX;
		for (q = p; (q = memmem(q, (size_t)(n - (q - p)), RI_REC_RMAGIC, 4));
		     q++) {
			uint64_t at = from + (uint64_t)(q - p);

			if ((size_t)(n - (q - p)) < RI_REC_RHDR)
				break;
			if (rec_hdr_get(q, &h) == 0)
				return at;
		}
		from += (uint64_t)n - RI_REC_RHDR + 1;
	}
}

/* ---- file headers ---- */

static void copy_str(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	size_t i, n = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < n; i++)
		dst[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
	dst[n] = '\0';
}

static void parse_tags(struct ri_rec_meta *m, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		uint16_t tag = (uint16_t)(p[0] | p[1] << 8);
		size_t len = (size_t)(p[2] | p[3] << 8);
		const uint8_t *v = p + 4;
		uint64_t u;

		if (len > n - 4)
			return;
		u = len >= 8 ? get_le64(v) : len >= 4 ? get_le32(v) : len ? v[0] : 0;
		switch (tag) {
		case TAG_TASK_SIZE: m->task_size = (uint32_t)u; break;
		case TAG_TASK_FIELDS: m->task_fields = (uint32_t)u; break;
		case TAG_HOST: copy_str(m->host, sizeof(m->host), v, len); break;
		case TAG_KERNEL: copy_str(m->kernel, sizeof(m->kernel), v, len); break;
		case TAG_NCPU: m->ncpu = (uint32_t)u; break;
		case TAG_PAGE_SIZE: m->page_size = (uint32_t)u; break;
		case TAG_BOOT_TIME: m->boot_us = (int64_t)u; break;
		case TAG_TOOL: copy_str(m->tool, sizeof(m->tool), v, len); break;
		case TAG_OPTIONS: copy_str(m->options, sizeof(m->options), v, len); break;
		case TAG_SOURCE: copy_str(m->source, sizeof(m->source), v, len); break;
		case TAG_PROBE: copy_str(m->probe, sizeof(m->probe), v, len); break;
		case TAG_SHORT_LIVED: m->sees_short_lived = u != 0; break;
		case TAG_INTERVAL:
			if (len == 8)
				memcpy(&m->interval_s, v, 8);
			if (!(m->interval_s > 0 && m->interval_s < 1e6))
				m->interval_s = 0;
			break;
		case TAG_START: m->start_us = (int64_t)u; break;
		case TAG_KEY_EVERY: m->key_every = (uint32_t)u; break;
		default: break;
		}
		p += 4 + len;
		n -= 4 + len;
	}
}

/*
 * Reads file @fi's header. 0: readable (perhaps with a damaged header,
 * said so); else one sentence in @err.
 */
static int open_file(struct ri_rec_reader *r, size_t fi, char *err, size_t errlen)
{
	struct rfile *f = &r->f[fi];
	const uint8_t *p;
	ssize_t n;
	uint32_t version, hlen;
	uint64_t first;

	if (file_fd(r, fi) < 0) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		return -errno;
	}
	n = bytes_at(r, fi, 0, RI_REC_FHDR_FIXED, &p);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", f->path, strerror((int)-n));
		return (int)n;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty, not a recording", f->path);
		return -EINVAL;
	}
	if (n == RI_REC_FHDR_FIXED && !memcmp(p, RI_REC_MAGIC, RI_REC_MAGIC_LEN)) {
		version = get_le32(p + 8);
		hlen = get_le32(p + 12);
		if (version >= 1 && hlen >= RI_REC_FHDR_FIXED + 4 && hlen <= 65536 &&
		    bytes_at(r, fi, 0, hlen, &p) == (ssize_t)hlen &&
		    get_le32(p + hlen - 4) == ri_crc32c(0, p, hlen - 4)) {
			/* A whole header of a later version: its frames may differ. */
			if (version > RI_REC_VERSION) {
				snprintf(err, errlen,
					 "%s: format version %u is newer than this "
					 "resource_image reads (up to %u): use a newer one",
					 f->path, version, RI_REC_VERSION);
				return -EPROTO;
			}
			f->meta.version = version;
			parse_tags(&f->meta, p + RI_REC_FHDR_FIXED,
				   hlen - 4 - RI_REC_FHDR_FIXED);
			f->meta.known = true;
			f->data = hlen;
			return 0;
		}
	}
	/* The header is not whole: a recording still, if a record follows. */
	first = resync(r, fi, 0, FIND_FIRST_MAX);
	if (first == UINT64_MAX) {
		if (n >= 8 && !memcmp(p, RI_REC_MAGIC, RI_REC_MAGIC_LEN))
			snprintf(err, errlen,
				 "%s: a recording cut short in its header "
				 "(%llu bytes): no frame to show",
				 f->path, (unsigned long long)f->size);
		else
			snprintf(err, errlen,
				 "%s: not a resource_image recording (byte 0: "
				 "no recording header, and no frame follows)",
				 f->path);
		return -EINVAL;
	}
	f->meta.version = RI_REC_VERSION;
	f->data = first;
	damaged(r, fi, 0, "damaged file header (what the run was is unknown)");
	return 0;
}

/* Time of the file's first record: it starts with its first group. */
static int64_t file_first_us(struct ri_rec_reader *r, size_t fi)
{
	struct rfile *f = &r->f[fi];
	struct rec_hdr h;
	uint64_t off = f->data;
	int tries;

	if (f->first_us != INT64_MIN)
		return f->first_us;
	for (tries = 0; tries < 64; tries++) {
		enum at a = record_at(r, fi, off, &h, NULL);

		if (a == AT_OK) {
			f->first_us = h.time_us;
			break;
		}
		if (a != AT_BADHDR)
			break;
		off = resync(r, fi, off + 1, UINT64_MAX);
		if (off == UINT64_MAX)
			break;
	}
	return f->first_us;
}

/* ---- opening ---- */

static bool rec_name(const char *n)
{
	size_t len = strlen(n), e = strlen(RI_REC_EXT);

	return len > e && !strcmp(n + len - e, RI_REC_EXT) && n[0] != '.';
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(struct ri_rec_reader *r, char *err, size_t errlen)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(r->path);

	if (!d) {
		snprintf(err, errlen, "%s: %s", r->path, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!rec_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 32) * sizeof(*nn));

			if (!nn)
				break;
			names = nn;
			cap = cap ? cap * 2 : 32;
		}
		if (asprintf(&names[n], "%s/%s", r->path, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	r->f = calloc(n ? n : 1, sizeof(*r->f));
	if (!r->f) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		r->f[i].path = names[i];
		r->f[i].fd = -1;
		r->f[i].first_us = INT64_MIN;
		r->f[i].skip_us = INT64_MIN;
	}
	r->nf = n;
	free(names);
	if (!n) {
		snprintf(err, errlen, "%s: no recording (*%s) in this directory",
			 r->path, RI_REC_EXT);
		return -ENOENT;
	}
	return 0;
}

static void drop_file(struct ri_rec_reader *r, size_t fi)
{
	if (r->f[fi].fd >= 0)
		close(r->f[fi].fd);
	free(r->f[fi].path);
	memmove(&r->f[fi], &r->f[fi + 1], (r->nf - fi - 1) * sizeof(*r->f));
	r->nf--;
	r->buf_len = 0;
}

int ri_rec_open(const char *path, struct ri_rec_reader **out, char *err,
		size_t errlen)
{
	struct ri_rec_reader *r = calloc(1, sizeof(*r));
	char one[PATH_MAX + 256] = "";
	struct stat st;
	size_t i;
	int e;

	if (!r || !(r->path = strdup(path)) || !(r->z = ZSTD_createDCtx())) {
		snprintf(err, errlen, "out of memory");
		ri_rec_close(r);
		return -ENOMEM;
	}
	r->stream_fd = -1;
	r->newest_us = INT64_MIN;
	if (stat(path, &st)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		ri_rec_close(r);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		r->is_dir = true;
		if ((e = list_dir(r, err, errlen))) {
			ri_rec_close(r);
			return e;
		}
	} else {
		r->f = calloc(1, sizeof(*r->f));
		if (!r->f || !(r->f[0].path = strdup(path))) {
			snprintf(err, errlen, "out of memory");
			ri_rec_close(r);
			return -ENOMEM;
		}
		r->f[0].fd = -1;
		r->f[0].first_us = INT64_MIN;
		r->f[0].skip_us = INT64_MIN;
		r->nf = 1;
	}
	/* A file that is not a recording is left out, said once. */
	for (i = 0; i < r->nf;) {
		if (open_file(r, i, one, sizeof(one)) == 0 &&
		    file_first_us(r, i) != INT64_MIN) {
			i++;
			continue;
		}
		if (!one[0])
			snprintf(one, sizeof(one), "%s: no frame in it", r->f[i].path);
		if (r->nf == 1) {
			snprintf(err, errlen, "%s", one);
			ri_rec_close(r);
			return -EINVAL;
		}
		if (!r->damage_said) {
			snprintf(r->damage, sizeof(r->damage), "%s; left out", one);
			r->damage_said = r->damage_new = true;
		}
		one[0] = '\0';
		drop_file(r, i);
	}
	r->cur = 0;
	r->off = r->f[0].data;
	*out = r;
	return 0;
}

/* A spool nobody else sees: unlinked from the start, gone with the process. */
static int spool_fd(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0)
		fd = memfd_create("resource_image-stream", MFD_CLOEXEC);
	return fd;
}

/* Spools the stream until its first record's header is in (or it ends). */
static int stream_start(struct ri_rec_reader *r, char *err, size_t errlen)
{
	uint8_t h[RI_REC_RHDR];
	uint64_t need = RI_REC_FHDR_FIXED, rec = 0;
	struct rec_hdr rh;

	/*
	 * The header, then records until the first frame is whole: a player
	 * opened on the stream starts with a frame (a record that is no
	 * record ends the wait: the reader says what it is).
	 */
	for (;;) {
		if (r->spooled >= need) {
			if (!rec) {
				if (pread(r->f[0].fd, h, RI_REC_FHDR_FIXED, 0) != RI_REC_FHDR_FIXED)
					return -EIO;
				/* Garbage is refused at once, not after a megabyte of it. */
				if (memcmp(h, RI_REC_MAGIC, RI_REC_MAGIC_LEN)) {
					snprintf(err, errlen, "standard input: not a resource_image "
							      "recording (byte 0: no recording header)");
					return -EINVAL;
				}
				rec = get_le32(h + 12);
				if (rec > 65536 || rec < RI_REC_FHDR_FIXED)
					return 0;
				need = rec + RI_REC_RHDR;
				continue;
			}
			if (pread(r->f[0].fd, h, RI_REC_RHDR, (off_t)rec) != RI_REC_RHDR ||
			    rec_hdr_get(h, &rh))
				return 0;
			/* A record of no bytes moves on at once, or this would spin. */
			if (need == rec + RI_REC_RHDR && rh.len) {
				need += rh.len;
				continue;
			}
			if (rh.kind != REC_INDEX)
				return 0;
			rec = need;
			need = rec + RI_REC_RHDR;
			continue;
		}
		if (r->stream_eof)
			return 0;
		if (!pump(r, true) && !r->stream_eof) {
			snprintf(err, errlen, "standard input: interrupted before "
					      "the recording's first frame");
			return -EINTR;
		}
	}
}

int ri_rec_open_stream(int fd, struct ri_rec_reader **out, char *err,
		       size_t errlen)
{
	struct ri_rec_reader *r = calloc(1, sizeof(*r));
	int e;

	if (!r || !(r->path = strdup("-")) || !(r->z = ZSTD_createDCtx()) ||
	    !(r->f = calloc(1, sizeof(*r->f))) ||
	    !(r->f[0].path = strdup("standard input"))) {
		snprintf(err, errlen, "out of memory");
		ri_rec_close(r);
		return -ENOMEM;
	}
	r->stream_fd = fd;
	r->newest_us = INT64_MIN;
	r->follow = true;
	r->nf = 1;
	r->f[0].first_us = INT64_MIN;
	r->f[0].skip_us = INT64_MIN;
	if ((r->f[0].fd = spool_fd()) < 0) {
		e = errno;
		snprintf(err, errlen, "-r -: no room to keep the stream in "
				      "(TMPDIR or memory): %s", strerror(e));
		ri_rec_close(r);
		return -e;
	}
	if ((e = stream_start(r, err, errlen)) ||
	    (e = open_file(r, 0, err, errlen))) {
		ri_rec_close(r);
		return e;
	}
	if (file_first_us(r, 0) == INT64_MIN) {
		snprintf(err, errlen, "standard input: %s",
			 r->spooled ? "the stream ended before its first frame" :
				      "empty, not a recording");
		ri_rec_close(r);
		return -EINVAL;
	}
	r->off = r->f[0].data;
	*out = r;
	return 0;
}

void ri_rec_follow(struct ri_rec_reader *r)
{
	r->follow = true;
}

bool ri_rec_following(const struct ri_rec_reader *r)
{
	return r->follow && (!(r->stream_fd >= 0 && r->stream_eof) || r->have_rc);
}

void ri_rec_close(struct ri_rec_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->stream_fd >= 0)
		close(r->stream_fd);
	if (r->have_rc && r->rc.close)
		r->rc.close(r->rc.ctx);
	for (i = 0; i < r->nf; i++) {
		if (r->f[i].fd >= 0)
			close(r->f[i].fd);
		free(r->f[i].path);
	}
	free(r->f);
	free(r->path);
	free(r->buf);
	ZSTD_freeDCtx(r->z);
	rec_codec_free(&r->codec);
	free(r->firing);
	rbuf_free(&r->raw);
	ri_rec_choice_free(&r->choice);
	free(r);
}

const struct ri_rec_meta *ri_rec_meta(const struct ri_rec_reader *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (r->f[i].meta.known)
			return &r->f[i].meta;
	return &r->none;
}

const char *ri_rec_file(const struct ri_rec_reader *r)
{
	return r->nf ? r->f[r->last_file < r->nf ? r->last_file : 0].path : r->path;
}

/* ---- decoding ---- */

static int inflate(struct ri_rec_reader *r, bool key, const uint8_t *p, size_t n)
{
	ZSTD_inBuffer in = { p, n, 0 };

	if (key)
		ZSTD_DCtx_reset(r->z, ZSTD_reset_session_only);
	r->raw.n = 0;
	for (;;) {
		ZSTD_outBuffer out;
		size_t ret;

		if (rbuf_reserve(&r->raw, n * 4 + 65536))
			return -ENOMEM;
		out.dst = r->raw.p + r->raw.n;
		out.size = r->raw.cap - r->raw.n;
		out.pos = 0;
		ret = ZSTD_decompressStream(r->z, &out, &in);
		r->raw.n += out.pos;
		if (ZSTD_isError(ret))
			return -EINVAL;
		if (in.pos == in.size && out.pos < out.size)
			return 0;
		/*
		 * A frame of a million tasks is some 60 MiB: past twice that
		 * it is damage (or a zstd bomb), not a drain.
		 */
		if (r->raw.n > (128u << 20))
			return -EINVAL;
	}
}

static int decode(struct ri_rec_reader *r, const struct rec_hdr *h,
		  const uint8_t *body, struct ri_drain *d)
{
	bool key = h->kind == REC_KEY, changed;
	int err;

	if ((err = inflate(r, key, body, h->len)))
		return err;
	r->codec.file_fields = r->cur < r->nf ? r->f[r->cur].meta.task_fields : 0;
	err = rec_decode(&r->codec, key, r->raw.p, r->raw.n, d, &r->choice, &changed);
	return err;
}

/* ---- following ---- */

/*
 * Copies what the stream has ready into the spool, without blocking
 * (@block: waits for some bytes first, or the end). True when bytes came.
 */
static bool pump(struct ri_rec_reader *r, bool block)
{
	uint8_t b[65536];
	bool got = false;

	while (r->stream_fd >= 0 && !r->stream_eof) {
		struct pollfd p = { .fd = r->stream_fd, .events = POLLIN };
		ssize_t n, w;

		if (!(block && !got) && poll(&p, 1, 0) <= 0)
			break;
		n = read(r->stream_fd, b, sizeof(b));
		if (n < 0 && errno == EINTR) {
			if (block)
				return got; /* a signal: the caller decides */
			continue;
		}
		if (n <= 0) {
			r->stream_eof = true;
			break;
		}
		for (w = 0; w < n;) {
			ssize_t k = pwrite(r->f[r->nf - 1].fd, b + w, (size_t)(n - w),
					   (off_t)(r->spooled + (uint64_t)w));

			if (k <= 0) {
				/* The spool is full: the stream ends here. */
				r->stream_eof = true;
				return got;
			}
			w += k;
		}
		r->spooled += (uint64_t)n;
		got = true;
	}
	return got;
}

static int add_file(struct ri_rec_reader *r, const char *path)
{
	struct rfile *f = realloc(r->f, (r->nf + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	r->f = f;
	memset(&f[r->nf], 0, sizeof(*f));
	if (!(f[r->nf].path = strdup(path)))
		return -ENOMEM;
	f[r->nf].fd = -1;
	f[r->nf].first_us = INT64_MIN;
	f[r->nf].skip_us = INT64_MIN;
	r->nf++;
	return 0;
}

/*
 * Files the rotation started since the last look, in order. A newest
 * file without a whole header and first record yet is left for the
 * next look; an older one that has none is damage, said once.
 */
static bool rescan(struct ri_rec_reader *r)
{
	const char *last = r->f[r->nf - 1].path;
	char one[PATH_MAX + 256] = "", **names = NULL;
	size_t n = 0, cap = 0, i, had = r->nf;
	struct dirent *de;
	DIR *d = opendir(r->path);

	if (!d)
		return false;
	while ((de = readdir(d))) {
		char *p;

		if (!rec_name(de->d_name) ||
		    asprintf(&p, "%s/%s", r->path, de->d_name) < 0)
			continue;
		if (strcmp(p, last) <= 0) {
			free(p);
			continue;
		}
		if (n == cap) {
			char **nn = reallocarray(names, cap ? cap * 2 : 8, sizeof(*nn));

			if (!nn) {
				free(p);
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 8;
		}
		names[n++] = p;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		size_t fi = r->nf;

		if (add_file(r, names[i]))
			break;
		r->buf_len = 0;
		if (open_file(r, fi, one, sizeof(one)) == 0 &&
		    file_first_us(r, fi) != INT64_MIN)
			continue;
		if (i + 1 == n) {
			drop_file(r, fi);
			break;
		}
		if (!r->damage_said) {
			snprintf(r->damage, sizeof(r->damage), "%s; left out",
				 one[0] ? one : names[i]);
			r->damage_said = r->damage_new = true;
		}
		one[0] = '\0';
		drop_file(r, fi);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r->nf > had;
}

static int spool_fd(void);

/*
 * A new connection's file: its header is read once enough of it came
 * (header_in); until then the reader waits at the end of the one before.
 */
static bool reconnect(struct ri_rec_reader *r)
{
	int fd, sfd;

	if (r->rc_pending)
		return header_in(r);
	if (!r->have_rc || !r->stream_eof)
		return false;
	if (r->rc.reopen(r->rc.ctx, r->newest_us, &fd) <= 0)
		return false;
	if ((sfd = spool_fd()) < 0 || add_file(r, r->rc.label)) {
		if (sfd >= 0)
			close(sfd);
		close(fd);
		return false;
	}
	close(r->stream_fd);
	r->stream_fd = fd;
	r->stream_eof = false;
	r->spooled = 0;
	r->f[r->nf - 1].fd = sfd;
	r->f[r->nf - 1].skip_us = r->newest_us;
	r->rc_pending = true;
	return header_in(r);
}

/* The pending connection's header, whole (true: the file is readable). */
static bool header_in(struct ri_rec_reader *r)
{
	char err[PATH_MAX + 256];
	size_t fi = r->nf - 1;

	pump(r, false);
	r->buf_len = 0;
	if (r->spooled < RI_REC_FHDR_FIXED + RI_REC_RHDR && !r->stream_eof)
		return false;
	if (open_file(r, fi, err, sizeof(err)) == 0 && file_first_us(r, fi) != INT64_MIN) {
		r->rc_pending = false;
		return true;
	}
	if (!r->stream_eof && r->spooled < (1u << 20))
		return false; /* more of the header may come */
	/*
	 * What came is no recording (a newer version, garbage): said, and
	 * dropped. Nothing at all is a connection that failed: the
	 * reconnection says that.
	 */
	if (r->spooled && !r->damage_said) {
		snprintf(r->damage, sizeof(r->damage), "%s", err);
		r->damage_said = r->damage_new = true;
	}
	r->rc_pending = false;
	r->stream_eof = true;
	drop_file(r, fi);
	return false;
}

void ri_rec_reconnect(struct ri_rec_reader *r, const struct ri_rec_reconnect *rc)
{
	char *l = rc->label ? strdup(rc->label) : NULL;

	r->rc = *rc;
	r->have_rc = true;
	if (l) {
		free(r->f[0].path);
		r->f[0].path = l;
	}
}

/* At the end of the last file followed: whether there is more to read now. */
static bool tail_grew(struct ri_rec_reader *r)
{
	if (r->stream_fd >= 0)
		return pump(r, false) | reconnect(r);
	return r->is_dir && rescan(r);
}

/* On the last file that can be read (a connection's whose header is not in is not). */
static bool at_last(const struct ri_rec_reader *r)
{
	return r->cur + 1 + (r->rc_pending ? 1 : 0) >= r->nf;
}

/* Moves on to the next file; false when there is none. */
static bool next_file(struct ri_rec_reader *r)
{
	if (r->cur + 1 >= r->nf) {
		r->cur = r->nf;
		return false;
	}
	r->cur++;
	r->off = r->f[r->cur].data;
	r->group_ok = false;
	return true;
}

/*
 * One step of every walk over the records: the record at r->off, with
 * damage said and stepped over. Returns 1 with the record in @h/@body
 * (r->off still on it), 0 when the recording has ended.
 */
static int step(struct ri_rec_reader *r, struct rec_hdr *h,
		const uint8_t **body)
{
	for (;;) {
		enum at a;
		uint64_t nx;

		if (r->cur >= r->nf)
			return 0;
		a = record_at(r, r->cur, r->off, h, body);
		switch (a) {
		case AT_OK:
			return 1;
		case AT_END:
		case AT_CUT:
			if (r->follow && at_last(r)) {
				if (tail_grew(r))
					continue;
				if (!(r->stream_fd >= 0 && r->stream_eof) || r->have_rc) {
					/* A record half written: read it again next time. */
					r->buf_len = 0;
					return 0;
				}
			}
			/* A dropped connection's last record: the next one resends it. */
			if (a == AT_CUT && !r->have_rc)
				damaged(r, r->cur, r->off,
					r->stream_fd >= 0 ? "stream cut in the middle of a record" :
							    "recording cut short (a record is incomplete)");
			if (!next_file(r))
				return 0;
			continue;
		case AT_BADHDR:
			damaged(r, r->cur, r->off, "damaged record header");
			nx = resync(r, r->cur, r->off + 1, UINT64_MAX);
			r->group_ok = false;
			if (nx == UINT64_MAX) {
				/*
				 * Followed, what follows may not be written
				 * yet: look again from here next time.
				 */
				if (r->follow && at_last(r) &&
				    (!(r->stream_fd >= 0 && r->stream_eof) || r->have_rc)) {
					tail_grew(r);
					r->buf_len = 0;
					return 0;
				}
				if (!next_file(r))
					return 0;
				continue;
			}
			r->off = nx;
			continue;
		case AT_BADBODY:
			damaged(r, r->cur, r->off, h->kind == REC_INDEX ?
							   "damaged index record" :
							   "damaged frame (CRC mismatch)");
			if (h->kind != REC_INDEX)
				r->group_ok = false;
			r->off += RI_REC_RHDR + (uint64_t)h->len;
			continue;
		}
	}
}

int ri_rec_read(struct ri_rec_reader *r, struct ri_drain *d,
		struct ri_rec_choice *ch)
{
	struct rec_hdr h;
	const uint8_t *body;

	while (step(r, &h, &body)) {
		uint64_t at = r->off;

		r->off += RI_REC_RHDR + (uint64_t)h.len;
		if (h.kind == REC_INDEX || (h.kind == REC_DELTA && !r->group_ok))
			continue;
		if (decode(r, &h, body, d)) {
			damaged(r, r->cur, at, "frame that does not decode");
			r->group_ok = false;
			continue;
		}
		r->group_ok = true;
		/* A new connection starts before what was read: its state only. */
		if (h.time_us <= r->f[r->cur].skip_us)
			continue;
		if (h.time_us > r->newest_us)
			r->newest_us = h.time_us;
		r->last_file = r->cur;
		r->peek_valid = false;
		if (ch && ri_rec_choice_set(ch, r->choice.pids, r->choice.starts,
					    r->choice.npids,
					    (const char(*)[RI_COMM_LEN])r->choice.names,
					    r->choice.nnames))
			return -ENOMEM;
		return 0;
	}
	r->peek_valid = false;
	return 1;
}

size_t ri_rec_events(const struct ri_rec_reader *r,
		     const struct ri_alert_transition **v)
{
	*v = r->codec.ev;
	return r->codec.nev;
}

int ri_rec_firing_times(struct ri_rec_reader *r, const int64_t **v, size_t *n)
{
	size_t fi, cap = 0;

	/*
	 * Headers only, file by file, stopping at a file's first damage:
	 * marks are a guide, and a frame past damage is still found by a
	 * seek. record_at moves only the read buffer, never the position.
	 */
	for (fi = 0; !r->firing_done && fi < r->nf; fi++) {
		uint64_t off = r->f[fi].data;
		struct rec_hdr h;

		while (record_at(r, fi, off, &h, NULL) == AT_OK) {
			if (h.kind != REC_INDEX && (h.flags & REC_F_FIRING)) {
				if (r->nfiring == cap) {
					size_t nc = cap ? cap * 2 : 64;
					int64_t *p = realloc(r->firing, nc * sizeof(*p));

					if (!p)
						return -ENOMEM;
					r->firing = p;
					cap = nc;
				}
				r->firing[r->nfiring++] = h.time_us;
			}
			off += RI_REC_RHDR + (uint64_t)h.len;
		}
	}
	r->firing_done = true;
	*v = r->firing;
	*n = r->nfiring;
	return 0;
}

int64_t ri_rec_peek_us(struct ri_rec_reader *r)
{
	struct rec_hdr h;
	const uint8_t *body;
	size_t cur = r->cur;
	uint64_t off = r->off;
	bool ok = r->group_ok;
	int64_t t = INT64_MIN;

	if (r->peek_valid && r->peek_file == r->cur && r->peek_from == r->off)
		return r->peek_us;
	/* The walk moves r; put it back after. */
	while (step(r, &h, &body)) {
		r->off += RI_REC_RHDR + (uint64_t)h.len;
		if (h.kind == REC_INDEX || (h.kind == REC_DELTA && !r->group_ok))
			continue;
		t = h.time_us;
		break;
	}
	r->cur = cur;
	r->off = off;
	r->group_ok = ok;
	/* Followed, "nothing yet" may change at any moment. */
	r->peek_valid = t != INT64_MIN || !r->follow;
	r->peek_file = cur;
	r->peek_from = off;
	r->peek_us = t;
	return t;
}

/* ---- finding the last record, and seeking ---- */

/* The last whole record of file @fi, found from its end. */
static int last_record(struct ri_rec_reader *r, size_t fi, uint64_t *off,
		       struct rec_hdr *h)
{
	struct stat st;
	uint64_t end, lo;

	if (file_fd(r, fi) < 0 || fstat(r->f[fi].fd, &st))
		return -errno;
	end = (uint64_t)st.st_size;
	while (end > r->f[fi].data) {
		const uint8_t *p;
		ssize_t n, i;

		lo = end > CHUNK ? end - CHUNK : 0;
		if (lo < r->f[fi].data)
			lo = r->f[fi].data;
		n = bytes_at(r, fi, lo, (size_t)(end - lo), &p);
		if (n <= 0)
			return -EIO;
		for (i = n - 4; i >= 0; i--) {
			const uint8_t *body;
			uint64_t at = lo + (uint64_t)i;

			if (memcmp(p + i, RI_REC_RMAGIC, 4))
				continue;
			if (record_at(r, fi, at, h, &body) == AT_OK) {
				*off = at;
				return 0;
			}
			/* record_at may have moved the buffer. */
			n = bytes_at(r, fi, lo, (size_t)(end - lo), &p);
			if (n <= 0 || i > n - 4)
				return -EIO;
		}
		if (lo == r->f[fi].data)
			break;
		end = lo + RI_REC_RHDR;
	}
	return -ENOENT;
}

int64_t ri_rec_first_us(const struct ri_rec_reader *r)
{
	return r->nf ? r->f[0].first_us : INT64_MIN;
}

int64_t ri_rec_last_us(const struct ri_rec_reader *r)
{
	struct ri_rec_reader *w = (struct ri_rec_reader *)r;
	struct rec_hdr h;
	uint64_t off;
	size_t fi;

	for (fi = r->nf; fi-- > 0;)
		if (last_record(w, fi, &off, &h) == 0)
			return h.time_us;
	return ri_rec_first_us(r);
}

/*
 * The index record of the last group in file @fi whose key frame is
 * before @t (the first group when none is): descends the skip pointers
 * from the last group. 0 with *at set; -EINVAL when the index is
 * damaged, and the caller scans instead.
 */
static int find_group(struct ri_rec_reader *r, size_t fi, int64_t t, uint64_t *at)
{
	struct rec_index x;
	struct rec_hdr h;
	const uint8_t *body;
	uint64_t off;
	int hops = 0;

	if (last_record(r, fi, &off, &h) || h.back > off)
		return -EINVAL;
	off -= h.back;
	for (;;) {
		uint32_t k, best = 0;

		if (record_at(r, fi, off, &h, &body) != AT_OK || h.kind != REC_INDEX ||
		    rec_index_get(body, h.len, &x) || ++hops > 4 * RI_REC_MAX_PTRS)
			return -EINVAL;
		if (h.time_us < t || x.group == 0) {
			*at = off;
			return 0;
		}
		if (!x.nptr)
			return -EINVAL;
		if (x.ptr[0].time_us < t) {
			/* The group just before is before t: it is the one. */
			*at = x.ptr[0].off;
			return x.ptr[0].off < off ? 0 : -EINVAL;
		}
		/*
		 * Times only grow with the group: the pointers at or after t
		 * come first; the farthest of them skips nothing before t.
		 */
		for (k = 0; k < x.nptr && x.ptr[k].time_us >= t; k++)
			best = k;
		if (x.ptr[best].off >= off)
			return -EINVAL;
		off = x.ptr[best].off;
	}
}

/* The same by reading every record header of the file: the fallback. */
static uint64_t scan_group(struct ri_rec_reader *r, size_t fi, int64_t t)
{
	struct rec_hdr h;
	const uint8_t *body;
	uint64_t best = r->f[fi].data;

	r->cur = fi;
	r->off = r->f[fi].data;
	while (step(r, &h, &body) && r->cur == fi) {
		if (h.kind != REC_DELTA && h.time_us >= t)
			break;
		if (h.kind == REC_INDEX)
			best = r->off;
		r->off += RI_REC_RHDR + (uint64_t)h.len;
	}
	return best;
}

/* Decodes the frame at @off, a record already found whole. */
static int decode_at(struct ri_rec_reader *r, uint64_t off, struct ri_drain *d)
{
	struct rec_hdr h;
	const uint8_t *body;

	if (record_at(r, r->cur, off, &h, &body) != AT_OK)
		return -EINVAL;
	return decode(r, &h, body, d);
}

int ri_rec_seek(struct ri_rec_reader *r, int64_t t)
{
	struct ri_drain d = { 0 };
	struct rec_hdr h;
	const uint8_t *body;
	size_t lo = 0, hi = r->nf, fi;
	uint64_t start, cand = UINT64_MAX;

	/* The last file that starts before t (the first, when none does). */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (file_first_us(r, mid) < t)
			lo = mid;
		else
			hi = mid;
	}
	fi = lo;
	r->peek_valid = false;
	if (find_group(r, fi, t, &start)) {
		damaged(r, fi, r->f[fi].data, "damaged time index (seeking by a scan)");
		start = scan_group(r, fi, t);
	}
	r->cur = fi;
	r->off = start;
	r->group_ok = false;
	/*
	 * Walk the group: every frame before t is decoded but the last,
	 * which the next read returns (cand, not yet decoded).
	 */
	while (step(r, &h, &body) && r->cur == fi) {
		uint64_t here = r->off;

		if (h.kind == REC_INDEX && cand != UINT64_MAX)
			break; /* the next group is not before t */
		if (h.kind != REC_INDEX && h.time_us >= t)
			break;
		if (h.kind != REC_INDEX) {
			if (cand != UINT64_MAX)
				r->group_ok = decode_at(r, cand, &d) == 0;
			if (h.kind == REC_KEY || r->group_ok)
				cand = here;
		}
		r->off = here + RI_REC_RHDR + (uint64_t)h.len;
	}
	r->cur = fi;
	r->off = cand != UINT64_MAX ? cand : start;
	r->peek_valid = false;
	ri_drain_free(&d);
	return 0;
}
