// SPDX-License-Identifier: GPL-2.0
/*
 * reader - reads a file at a fixed rate.
 *
 *   reader --prepare SIZE --file F              (create F, then exit)
 *   reader --rate BYTES_PER_S --seconds S --file F [--direct] [--chunk B]
 *          [--name N] [--truth FILE]
 *
 * Owns the read-rate ground truth.  --prepare writes F, fsyncs it and
 * drops its page cache so even buffered reads start cold.  With --direct
 * the file is opened O_DIRECT (aligned buffer, aligned chunk) so every
 * byte read is a storage read; buffered reads are served from the page
 * cache after the first pass and only measure logical I/O.  Reads wrap
 * to offset 0 at EOF.  Pacing is an absolute CLOCK_MONOTONIC schedule,
 * as in writer.
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#define ALIGN 4096

static void prepare(const char *path, int64_t size)
{
	static char buf[1 << 20];
	int64_t left;
	int fd;

	memset(buf, 'r', sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		wl_die("open %s: %s", path, strerror(errno));
	for (left = size; left > 0;) {
		size_t n = left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			wl_die("write %s: %s", path, strerror(errno));
		left -= w;
	}
	/* Pages must be clean before DONTNEED can drop them. */
	if (fsync(fd))
		wl_die("fsync %s: %s", path, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: reader --prepare SIZE --file F\n"
		"       reader --rate BYTES_PER_S --seconds S --file F [--direct]\n"
		"              [--chunk B] [--name N] [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "direct", no_argument, NULL, 'D' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "prepare", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "reader", *path = NULL, *truth = NULL;
	int64_t rate = -1, chunk = 64 * 1024, prep = -1;
	int64_t nread = 0, off = 0, nchunks = 0, wraps = 0;
	int64_t size, t0, t1, end, step, next;
	double seconds = 0;
	int direct = 0, opt, fd, err = 0;
	struct stat st;
	void *buf;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rate = wl_size(optarg); break;
		case 's': seconds = wl_double(optarg); break;
		case 'f': path = optarg; break;
		case 'D': direct = 1; break;
		case 'c': chunk = wl_size(optarg); break;
		case 'p': prep = wl_size(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !path || chunk <= 0)
		usage();
	if (prep >= 0) {
		prepare(path, prep);
		if (rate <= 0)
			return 0;
	}
	if (rate <= 0)
		usage();
	if (direct && chunk % ALIGN)
		wl_die("--direct needs --chunk a multiple of %d", ALIGN);

	wl_set_comm(name);
	wl_install_signals();

	fd = open(path, O_RDONLY | (direct ? O_DIRECT : 0));
	if (fd < 0)
		wl_die("open %s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		wl_die("stat %s: %s", path, strerror(errno));
	size = st.st_size;
	if (size < chunk)
		wl_die("%s is smaller than one chunk", path);
	if (posix_memalign(&buf, ALIGN, (size_t)chunk))
		wl_die("out of memory");
	wl_ready();

	step = (int64_t)((double)chunk * NSEC_PER_SEC / (double)rate);
	t0 = next = wl_ns(CLOCK_MONOTONIC);
	end = seconds > 0 ? t0 + (int64_t)(seconds * NSEC_PER_SEC) : INT64_MAX;
	while (!wl_stop && next < end) {
		int64_t done = 0;

		/* Whole chunks only, so O_DIRECT offsets stay aligned. */
		if (off + chunk > size) {
			off = 0;
			wraps++;
		}
		while (done < chunk) {
			ssize_t r = pread(fd, (char *)buf + done,
					  (size_t)(chunk - done), off + done);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				err = r < 0 ? errno : EIO;
				goto out;
			}
			done += r;
		}
		nread += chunk;
		off += chunk;
		nchunks++;
		next += step;
		wl_sleep_until(next);
	}
out:
	t1 = wl_ns(CLOCK_MONOTONIC);
	close(fd);
	if (err)
		fprintf(stderr, "reader: %s: %s\n", path, strerror(err));

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"reader\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"rate\":%lld,\"chunk\":%lld,\"direct\":%s,\"chunks\":%lld,"
		"\"wraps\":%lld,\"bytes_read\":%lld,\"wall_ns\":%lld,\"error\":%d}\n",
		(long long)rate, (long long)chunk, direct ? "true" : "false",
		(long long)nchunks, (long long)wraps, (long long)nread,
		(long long)(t1 - t0), err);
	wl_truth_close(f);
	free(buf);
	return err ? 1 : 0;
}
