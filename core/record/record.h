/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recordings: what a source drained, tick after tick, in a file (or a
 * directory of hourly files) that a replay source plays back through the
 * same model. This header owns the format and the two sides of it: the
 * writer (record_write.c) and the reader (record_read.c); the frame
 * codec is record_codec.c.
 *
 * THE FORMAT, version 1. Little-endian throughout.
 *
 * File header:
 *   8 bytes  magic "\x89RIREC\r\n" (the high byte and CR LF catch 7-bit
 *            and newline-converting transfers, as PNG's magic does)
 *   u32      format version (1)
 *   u32      header length in bytes, this CRC included
 *   fields   u16 tag, u16 length, value (record_priv.h lists the tags:
 *            the ABI's task record size, host, kernel release, CPUs,
 *            page size, boot time, tool version, the options in force,
 *            source, probe, the source's view of short-lived tasks, the
 *            interval, the start time, the fields per task, machine and
 *            CPU of this version, frames per group); unknown tags are
 *            skipped
 *   u32      CRC-32C of everything before it
 *
 * Then records, each a 32-byte header and a payload:
 *   4 bytes  "RIFR" (a reader that lost its place finds the next record
 *            by it, and by the header's own CRC)
 *   u8       kind: 'I' index, 'K' key frame, 'D' delta frame
 *   u8       flags: bit 0 set on a frame whose EVENTS section holds a
 *            transition to firing (so the time bar's marks come from
 *            the record headers alone, no frame decoded); the other
 *            bits 0. A reader that does not know a bit ignores it
 *   u16      header length (32; a later version may append fields)
 *   u32      payload length
 *   u32      bytes back from this record to its group's index record
 *   i64      Unix time of the frame, microseconds (of the key frame, for
 *            an index record)
 *   u32      CRC-32C of the payload
 *   u32      CRC-32C of the 28 header bytes before it
 *
 * Records come in groups: an index record, a key frame, then delta
 * frames, until the deltas weigh eight times the key frame, at most
 * RI_REC_KEY_EVERY frames in all (fewer when a file ends or a write
 * failed). A group is one zstd frame: the key frame starts it and
 * each delta frame is a flushed block of it, so it compresses against
 * the frames before it in the group and decodes once they are decoded.
 * A frame's tasks are delta-encoded against the same task in the
 * previous frame; a key frame holds every value whole. So any point is
 * reached from its group's key frame, never from the file's start.
 *
 * The time index: each index record holds its group's number and skip
 * pointers to earlier groups' index records, with their times: pointer
 * k goes to the last group before it whose number is a multiple of 2^k.
 * A seek reads the last group's index record (found from the file's end
 * by the last record's "back") and descends the pointers: O(log n)
 * reads, then at most one group of frames.
 *
 * A frame's payload, once decompressed, is typed sections: u8 type, u32
 * length, body. A reader skips the types it does not know, so a new
 * section needs no new version:
 *   1 TICK     clocks, dropped and event counters
 *   2 MACHINE  struct ri_machine: a bitmap of the fields that changed,
 *              the unit of its CPU times (their common divisor: clock
 *              ticks), the deltas, the online CPUs, then per CPU a mask
 *              and deltas
 *   3 LIVE     tasks alive; 4 EXITED: tasks that died since the last
 *              frame. A count, then operations over the previous frame's
 *              live list, in its order (a machine's tasks keep theirs):
 *              the next n tasks unchanged; the next n gone; the next one
 *              with these fields changed; a task out of that order, by
 *              its PID (zigzag delta to the last task given), against
 *              its own past or, new (or in a key frame), against the task
 *              before it in this list. Each field that changed is the
 *              zigzag varint of its delta to the predicted value: the
 *              reference's, but pcount less what the switches say, and a
 *              thread's tgid and process start its neighbour's. The
 *              source's order is kept. Fields and ops: record_codec.c.
 *   5 CHOICE   the processes chosen, by PID (with the start time each is
 *              bound to) and by name; in every key frame and in a delta
 *              frame when it changed
 *   6 EVENTS   the alert transitions of the tick (struct
 *              ri_alert_transition), only in a frame that had some, in
 *              the order they happened: a count, then per transition
 *                varint  rule (its index in the live run's rule set)
 *                zigzag  pid
 *                varint  from, to (enum ri_alert_state)
 *                zigzag  time: its double's bits less the frame's
 *                        unix_time's (0 when, as always, the tick's)
 *                zigzag  since: its bits less time's
 *                varint  value: the double's bits
 *                varint  start_ns (boot clock)
 *                u8 n, n bytes    comm (n < 16)
 *                varint n, n bytes  the rule as written (n < 192)
 *              After CHOICE when both are there. A reader that does
 *              not know it (the first readers of version 1) skips it:
 *              the file is still version 1
 *
 * Growth: a later version that gives struct ri_task more fields appends
 * them to the field table and raises the field count; reading an older
 * file, the fields it lacks are zero (and a flag says n/a where zero
 * would lie). A reader refuses only versions newer than its own, in one
 * line; every older version stays readable.
 *
 * Damage: a record whose header or payload fails its CRC, a group whose
 * key frame is lost, a file cut short: the reader says so once, with the
 * file and byte offset, skips to the next group and goes on. Writes are
 * appends of whole records; a failed write is cut back off the file, so
 * the file stays readable up to the last frame written; the writer syncs
 * it to disk every few seconds from a thread of its own.
 */
#ifndef RI_RECORD_H
#define RI_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alerts.h"
#include "source.h"

#define RI_REC_VERSION 1
#define RI_REC_EXT ".rirec"
/*
 * Most frames per group: a key frame, then deltas (five minutes at -d
 * 1). A group ends sooner once its deltas weigh eight times its key frame.
 */
#define RI_REC_KEY_EVERY 300

enum ri_rec_section {
	RI_SEC_TICK = 1,
	RI_SEC_MACHINE = 2,
	RI_SEC_LIVE = 3,
	RI_SEC_EXITED = 4,
	RI_SEC_CHOICE = 5,
	RI_SEC_EVENTS = 6, /* alert transitions */
	/*
	 * The cgroups of the frame's processes (struct ri_cgroup) and the
	 * machine's threads-max: a frame without it was written before
	 * limits were read, and its processes have none.
	 */
	RI_SEC_CGROUPS = 7,
	/* What runs out, of each alert transition of the EVENTS section. */
	RI_SEC_EVENT_RES = 8,
	/*
	 * Where threads wait (struct ri_site): a frame without it was
	 * written by a source that reads no sites, or before they existed.
	 */
	RI_SEC_WAITS = 9,
	/* The names of the containers of the CGROUPS section's entries. */
	RI_SEC_CG_NAMES = 10,
};

/* What a file's header says of the run that wrote it. */
struct ri_rec_meta {
	uint32_t version;     /* of the format */
	uint32_t task_size;   /* sizeof(struct ri_task) of the writer */
	uint32_t task_fields; /* fields coded per task (0: not said) */
	char host[65], kernel[65], tool[32];
	char options[512];    /* the command line in force */
	char source[16], probe[16];
	bool sees_short_lived;
	uint32_t ncpu, page_size;
	int64_t boot_us;      /* Unix time of the machine's boot */
	int64_t start_us;     /* Unix time of the file's first frame */
	double interval_s;    /* the refresh interval asked for */
	uint32_t key_every;
	bool known;           /* false when the header was damaged */
};

/* The choice in force at a frame (struct ri_model's choice_*). */
struct ri_rec_choice {
	pid_t *pids;
	uint64_t *starts; /* the start time each PID is bound to, 0 = not yet */
	size_t npids;
	char (*names)[RI_COMM_LEN];
	size_t nnames;
	size_t pid_cap, name_cap;
};

/* Copies a choice into @c (its buffers reused); @starts NULL: all 0. */
int ri_rec_choice_set(struct ri_rec_choice *c, const pid_t *pids,
		      const uint64_t *starts, size_t npids,
		      const char (*names)[RI_COMM_LEN], size_t nnames);
void ri_rec_choice_free(struct ri_rec_choice *c);
bool ri_rec_choice_same(const struct ri_rec_choice *a,
			const struct ri_rec_choice *b);

/* ---- writing ---- */

struct ri_rec_writer_opts {
	const char *path;  /* a file, or a directory for one file per hour */
	double keep_s;     /* directory: remove files older than this; 0 = 7 days */
	uint64_t max_size; /* directory: keep the files under this; 0 = no limit */
	double rotate_s;   /* directory: start a new file every; 0 = 3600 */
	uint32_t key_every; /* frames per group; 0 = RI_REC_KEY_EVERY */
	bool sync;         /* fdatasync every few seconds, in the background */
	/*
	 * Who may read the files (the directory gets it, setgid, so the
	 * files the rotation starts later have it too, privileges dropped
	 * or not). NULL: adm for a directory when it exists and can be
	 * given, else nothing changes.
	 */
	const char *group;
};

struct ri_rec_writer;

/*
 * Opens @o->path for writing (a file is created or emptied; a directory
 * must exist). One sentence in @err on failure. Nothing is written
 * until the first frame.
 */
int ri_rec_writer_open(const struct ri_rec_writer_opts *o,
		       struct ri_rec_writer **out, char *err, size_t errlen);
/* What the header of every file will say (copied). */
void ri_rec_writer_meta(struct ri_rec_writer *w, const struct ri_rec_meta *m);
/*
 * The alert transitions the next frame carries (copied; the frame
 * written clears them). Called before ri_rec_writer_frame, for each
 * frame that had some. 0 or -ENOMEM.
 */
int ri_rec_writer_events(struct ri_rec_writer *w,
			 const struct ri_alert_transition *v, size_t n);
/*
 * Appends one frame. On a write error (a full disk) the file is cut back
 * to its last whole record and the next frame that can be written starts
 * a new group. Returns 0 or a negative errno; ri_rec_writer_status
 * says what went wrong, in one sentence.
 */
int ri_rec_writer_frame(struct ri_rec_writer *w, const struct ri_drain *d,
			const struct ri_rec_choice *ch);
/*
 * A sentence for the user when the writer's state changed (it failed,
 * or it recovered) since the last call, else NULL.
 */
const char *ri_rec_writer_status(struct ri_rec_writer *w);
/* The file being written now. */
const char *ri_rec_writer_file(const struct ri_rec_writer *w);
/*
 * -w -: the stream form on standard output, the file's bytes in the
 * same order (nothing is ever written back, nothing cut off). Whether
 * its reader went away (EPIPE): nothing more will be written.
 */
bool ri_rec_writer_gone(const struct ri_rec_writer *w);
void ri_rec_writer_close(struct ri_rec_writer *w);

/* A directory's file name for a file starting at @t (Unix seconds). */
void ri_rec_file_name(char *buf, size_t len, double t);

/* ---- reading ---- */

struct ri_rec_reader;

/*
 * Opens a recording: a file, or a directory of them. Fails (one sentence
 * in @err, naming the file and byte offset) only when nothing can be
 * read: a foreign file, a newer version, no frame at all.
 */
int ri_rec_open(const char *path, struct ri_rec_reader **out, char *err,
		size_t errlen);
/*
 * Opens the stream form on @fd (a pipe: -r -), which the reader owns
 * from now on. Waits for the stream's header and first record; refuses
 * what does not start as a recording. The stream is followed: read as
 * it comes, kept in an unlinked file under $TMPDIR so that a seek
 * works on it as on a file.
 */
int ri_rec_open_stream(int fd, struct ri_rec_reader **out, char *err,
		       size_t errlen);
/*
 * From now on the end of the recording is where it stops for now: a
 * read there returns 1 and a later one returns what was written since
 * (files that the rotation starts in a directory included).
 */
void ri_rec_follow(struct ri_rec_reader *r);
/*
 * A stream that reconnects (--remote): at its end, @reopen is asked for
 * the descriptor of a new stream, given the time of the newest frame
 * read (1 and *fd, 0 not yet, <0 never); each new stream's frames up to
 * that one are decoded for their state and not returned again. @news
 * says what the connection went through, once each (NULL: nothing);
 * @close goes with the reader. @label names each stream's file.
 */
struct ri_rec_reconnect {
	int (*reopen)(void *ctx, int64_t newest_us, int *fd);
	const char *(*news)(void *ctx);
	void (*close)(void *ctx);
	void *ctx;
	const char *label;
};
void ri_rec_reconnect(struct ri_rec_reader *r, const struct ri_rec_reconnect *rc);
/* Whether more may still come (followed, and not a stream that ended). */
bool ri_rec_following(const struct ri_rec_reader *r);
void ri_rec_close(struct ri_rec_reader *r);
/* The first file's header. */
const struct ri_rec_meta *ri_rec_meta(const struct ri_rec_reader *r);
/* Unix times (µs) of the first and the last frame that can be read. */
int64_t ri_rec_first_us(const struct ri_rec_reader *r);
int64_t ri_rec_last_us(const struct ri_rec_reader *r);
/*
 * Positions the reader so the next frame read is the last one before
 * @t_us (the first frame when none is).
 */
int ri_rec_seek(struct ri_rec_reader *r, int64_t t_us);
/*
 * Reads the next frame into @d (buffers reused) and the choice in force
 * into @ch. Returns 0, 1 at the end, or a negative errno on an I/O error.
 * Damage is skipped (ri_rec_damage tells of it).
 */
int ri_rec_read(struct ri_rec_reader *r, struct ri_drain *d,
		struct ri_rec_choice *ch);
/*
 * The alert transitions of the frame the last ri_rec_read returned
 * (none in a file written before they were recorded). Valid until the
 * next read or seek.
 */
size_t ri_rec_events(const struct ri_rec_reader *r,
		     const struct ri_alert_transition **v);
/*
 * Unix times (µs) of the frames with a transition to firing, across the
 * whole recording, in order. The first call reads every record header
 * (no frame is decoded: the headers' flag says it) and keeps the list;
 * the reader's position is untouched. 0, or -ENOMEM.
 */
int ri_rec_firing_times(struct ri_rec_reader *r, const int64_t **v, size_t *n);
/* Time of the frame the next read returns; INT64_MIN at the end. */
int64_t ri_rec_peek_us(struct ri_rec_reader *r);
/*
 * One line about the first damage met since the last call (file, byte
 * offset, what), or NULL.
 */
const char *ri_rec_damage(struct ri_rec_reader *r);
/* The file the last frame came from. */
const char *ri_rec_file(const struct ri_rec_reader *r);

#endif /* RI_RECORD_H */
