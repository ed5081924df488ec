// SPDX-License-Identifier: GPL-2.0
/*
 * weird - a process whose comm and thread names are hostile to printers.
 *
 *   weird [--seconds S] [--name RAW] [--truth FILE]
 *
 * Owns the escaping test input: control characters, terminal escape
 * sequences, invalid and truncated UTF-8, an encoded surrogate, quotes,
 * backslashes, printf conversions, an empty name and a name cut at the
 * 15-byte comm limit.  The main thread takes --name (raw bytes, default
 * below); each other thread takes one entry of thread_names[].  Truth
 * lists every tid with the exact bytes the kernel stored (read back from
 * /proc, hex-encoded so the truth itself is plain ASCII).
 */
#include "wl.h"

#include <getopt.h>
#include <pthread.h>
#include <sys/syscall.h>

static const char *const thread_names[] = {
	"\x01\x02" "ctl\x1b[31m" "red",	/* C0 controls + ANSI escape */
	"bad\xff\xfe" "utf\xc3",	/* invalid bytes + truncated sequence */
	"q\"uo'te\\bs\\",		/* JSON metacharacters */
	"tab\tnl\ncr\r",		/* whitespace controls, one at the end */
	"emo\xf0\x9f\x98\x80\xce\xbb",	/* valid 4- and 2-byte UTF-8 */
	"\xed\xa0\x80" "surr",		/* UTF-8-encoded surrogate: invalid */
	"\xc0\xaf" "overlong",		/* overlong '/' : invalid */
	"%s%n%x{}[]",			/* format and JSON structure chars */
	"\x7f" "del\x1f" "us",		/* DEL and unit separator */
	"0123456789abcdefXYZ",		/* cut to 15 bytes by the kernel */
	"",				/* empty comm */
	"\xe2\x80\xa8" "ls\xc2\x85",	/* U+2028 and C1 NEL: valid but odd */
};
#define NTHREADS (sizeof(thread_names) / sizeof(thread_names[0]))

static pthread_t ths[NTHREADS];
static pid_t tids[NTHREADS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned int nready;
static int done;

static void *weird_thread(void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;
	char comm[16];

	wl_comm_copy(comm, thread_names[i]);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	tids[i] = (pid_t)syscall(SYS_gettid);

	pthread_mutex_lock(&lock);
	nready++;
	pthread_cond_broadcast(&cond);
	while (!done)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* The kernel's stored name, hex-encoded; "comm" file adds one '\n'. */
static void put_comm_hex(FILE *f, pid_t tid)
{
	char path[64], buf[64];
	size_t n, i;
	FILE *c;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	c = fopen(path, "r");
	n = c ? fread(buf, 1, sizeof(buf), c) : 0;
	if (c)
		fclose(c);
	if (n && buf[n - 1] == '\n')
		n--;
	fputc('"', f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)buf[i]);
	fputc('"', f);
}

static void usage(void)
{
	fprintf(stderr, "usage: weird [--seconds S] [--name RAW] [--truth FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'N' },
		{ "truth", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "w\"q\\\x07\xff" "\x1b]0;x\x07", *truth = NULL;
	double seconds = 0;
	sigset_t block, old;
	int64_t t0;
	size_t i;
	FILE *f;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': seconds = wl_double(optarg); break;
		case 'N': name = optarg; break;
		case 'T': truth = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	wl_set_comm(name);
	wl_install_signals();

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&ths[i], NULL, weird_thread, (void *)(uintptr_t)i))
			wl_die("pthread_create failed");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_lock(&lock);
	while (nready < NTHREADS)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	wl_ready();

	t0 = wl_ns(CLOCK_MONOTONIC);
	while (!wl_stop) {
		int64_t now = wl_ns(CLOCK_MONOTONIC);

		if (seconds > 0 && now - t0 >= (int64_t)(seconds * NSEC_PER_SEC))
			break;
		wl_sleep_until(now + 100 * NSEC_PER_MSEC);
	}

	/* Read names back before the threads exit and their /proc entries go. */
	f = wl_truth_open(truth);
	fprintf(f, "{\"workload\":\"weird\",\"pid\":%d,\"comm_hex\":", (int)getpid());
	put_comm_hex(f, getpid());
	fprintf(f, ",\"threads\":[");
	for (i = 0; i < NTHREADS; i++) {
		fprintf(f, "%s{\"tid\":%d,\"comm_hex\":", i ? "," : "", (int)tids[i]);
		put_comm_hex(f, tids[i]);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	wl_truth_close(f);

	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(ths[i], NULL);
	return 0;
}
