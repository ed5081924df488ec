// SPDX-License-Identifier: GPL-2.0
/*
 * writer - writes to a file at a fixed rate.
 *
 *   writer --rate BYTES_PER_S --seconds S --dir D [--chunk B] [--fsync]
 *          [--file-size B] [--name N] [--truth FILE]
 *
 * Owns the write-rate ground truth.  Chunks are issued on an absolute
 * CLOCK_MONOTONIC schedule (chunk / rate apart), so the bytes in any 1 s
 * window differ from the rate by at most one chunk and a slow fsync does
 * not drift the long-run rate.  With --fsync each chunk is flushed before
 * the next, so storage writes track logical writes chunk by chunk.  The
 * file wraps at --file-size (default 256 MiB) to bound disk use; rewritten
 * pages are dirtied again, so storage accounting is unaffected.  The file
 * is removed at the end.
 */
#include "wl.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: writer --rate BYTES_PER_S --seconds S --dir D [--chunk B]\n"
		"              [--fsync] [--file-size B] [--name N] [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "dir", required_argument, NULL, 'd' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "fsync", no_argument, NULL, 'f' },
		{ "file-size", required_argument, NULL, 'F' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "writer", *dir = NULL, *truth = NULL;
	int64_t rate = -1, chunk = 64 * 1024, fsize = 256LL << 20;
	int64_t written = 0, off = 0, nchunks = 0, t0, t1, end, step, next;
	double seconds = 0;
	int do_fsync = 0, opt, fd, err = 0;
	char path[4096];
	char *buf;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rate = wl_size(optarg); break;
		case 's': seconds = wl_double(optarg); break;
		case 'd': dir = optarg; break;
		case 'c': chunk = wl_size(optarg); break;
		case 'f': do_fsync = 1; break;
		case 'F': fsize = wl_size(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || rate <= 0 || !dir || chunk <= 0 || fsize < chunk)
		usage();

	wl_set_comm(name);
	wl_install_signals();

	buf = malloc((size_t)chunk);
	if (!buf)
		wl_die("out of memory");
	memset(buf, 'w', (size_t)chunk);
	snprintf(path, sizeof(path), "%s/writer.%d.dat", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		wl_die("open %s: %s", path, strerror(errno));
	wl_ready();

	step = (int64_t)((double)chunk * NSEC_PER_SEC / (double)rate);
	t0 = next = wl_ns(CLOCK_MONOTONIC);
	end = seconds > 0 ? t0 + (int64_t)(seconds * NSEC_PER_SEC) : INT64_MAX;
	while (!wl_stop && next < end) {
		int64_t done = 0;

		if (off + chunk > fsize)
			off = 0;
		while (done < chunk) {
			ssize_t w = pwrite(fd, buf + done, (size_t)(chunk - done),
					   off + done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err = errno;
				goto out;
			}
			done += w;
		}
		written += chunk;
		off += chunk;
		nchunks++;
		if (do_fsync && fsync(fd)) {
			err = errno;
			goto out;
		}
		next += step;
		wl_sleep_until(next);
	}
out:
	t1 = wl_ns(CLOCK_MONOTONIC);
	close(fd);
	unlink(path);
	if (err)
		fprintf(stderr, "writer: %s: %s\n", path, strerror(err));

	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"writer\",\"pid\":%d,\"comm\":", (int)getpid());
	wl_json_str(f, name);
	fprintf(f, ",\"rate\":%lld,\"chunk\":%lld,\"fsync\":%s,\"chunks\":%lld,"
		"\"bytes_written\":%lld,\"wall_ns\":%lld,\"error\":%d}\n",
		(long long)rate, (long long)chunk, do_fsync ? "true" : "false",
		(long long)nchunks, (long long)written, (long long)(t1 - t0), err);
	wl_truth_close(f);
	free(buf);
	return err ? 1 : 0;
}
