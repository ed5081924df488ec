// SPDX-License-Identifier: GPL-2.0
/*
 * states - threads that each spend their time in one known state, for the
 * truth test of where time goes (CPU%, DISK%, BLKD%, LOCK%, NET%, SLEEP%,
 * OTHER%).
 *
 *   states [--name COMM] [--lockers N] [--idle N] [--deadlock] [--sites]
 *          [--dir DIR] [--only NAME,...] [--truth FILE]
 *   states --alone spin|nap [--name COMM] [--truth FILE]
 *
 * Starts these threads (named as below), prints "ready" on stderr, and
 * runs until SIGTERM or SIGINT:
 *   spin       burns the last CPU, which the other threads leave
 *              to it, at nice -20 (root)                       -> CPU
 *   nap        nanosleep(100 ms) in a loop                    -> SLEEP
 *   tcpc       asks a loopback TCP server, which answers each
 *              request 200 ms later, and waits in recv()      -> NET
 *   tcps       that server: sleeps 200 ms, answers            -> SLEEP
 *   lockI      N threads taking turns on one pthread mutex,
 *              each holding it 10 ms (asleep inside)          -> LOCK (N-1)/N
 *   idleI      N workers waiting on a condition variable
 *              nobody signals: waiting for work               -> SLEEP, never LOCK
 *   disk       synchronous O_DIRECT 1 MiB reads at random
 *              places of a 64 MiB file in DIR, at nice -20    -> DISK
 *   vfork      vfork()s a child that sleeps until SIGUSR1 or the
 *              end: the thread is held uninterruptible        -> BLOCKED, hung
 *   evfd       epoll_wait over an eventfd and a pipe that
 *              nobody writes                                  -> OTHER, never NET
 * and with --sites (where threads wait):
 *   pipe       read() from a pipe nobody writes             -> OTHER, in pipe_read
 *   epsk       epoll_wait over a socket that gets nothing   -> NET, in ep_poll
 * and with --deadlock:
 *   dlA, dlB   each takes one of two mutexes, then the other's: a real
 *              deadlock                                       -> LOCK, in a cycle
 * --only starts the named ones alone ("lock" and "idle" for all of theirs,
 * "pipe" too), so that a machine with little more than a CPU (a guest with busybox, a
 * tmpfs that takes no O_DIRECT) runs what it can.
 *
 * With --alone, the process is that one thread (its main thread runs the
 * loop), so the process's own states are the thread's: CPU, or SLEEP.
 *
 * Truth (JSON, at the end): {"threads": [{"tid", "name"}, ...],
 *                            "lockers": N, "holds": total turns taken}
 */
#include "wl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MAX_THREADS 256
#define DISK_FILE (64 << 20)
#define BLOCK (1 << 20) /* large: the device, not the call, takes the time */

struct th {
	char name[16];
	pid_t tid;
	pthread_t t;
};

static struct th ths[MAX_THREADS];
static int nths, ready;
static pthread_mutex_t setup_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t setup_cv = PTHREAD_COND_INITIALIZER;

static pthread_mutex_t turn_mu = PTHREAD_MUTEX_INITIALIZER;
static long holds;
static pthread_mutex_t idle_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER;
static volatile sig_atomic_t release_vfork;
static pthread_mutex_t dl_m[2] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
static int listen_fd;
static const char *dir = "/tmp";
static char disk_path[4096];

/* Names the calling thread, notes its TID, and says it is set up. */
static void started(struct th *me)
{
	me->tid = (pid_t)gettid();
	pthread_setname_np(pthread_self(), me->name);
	pthread_mutex_lock(&setup_mu);
	ready++;
	pthread_cond_broadcast(&setup_cv);
	pthread_mutex_unlock(&setup_mu);
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = wl_ts(ns);

	while (nanosleep(&ts, &ts) && errno == EINTR && !wl_stop)
		;
}

/*
 * The threads whose truth is "always on a CPU, or on the device": first
 * in line for a CPU, so that other work on the machine (a build next
 * door) leaves their truth as it is. Best effort: without the privilege
 * they keep their nice value.
 */
static void first_in_line(void)
{
	setpriority(PRIO_PROCESS, (id_t)gettid(), -20);
}

/*
 * The spinner has the last CPU to itself, the other threads the rest
 * (main() sets that first): its truth is then a CPU of its own, not a
 * share of one with this workload's other threads and the tool's.
 */
static void own_cpu(int last)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 2)
		return;
	CPU_ZERO(&set);
	if (last)
		CPU_SET(n - 1, &set);
	else
		for (long i = 0; i < n - 1; i++)
			CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *spin(void *a)
{
	own_cpu(1);
	started(a);
	first_in_line();
	for (;;)
		wl_spin_a_bit();
	return NULL;
}

/*
 * Each wake-up waits for a CPU (RUNQ) as long as the machine makes it:
 * long naps keep that a small part of the truth on a busy machine.
 */
static void *nap(void *a)
{
	started(a);
	for (;;)
		sleep_ns(100 * NSEC_PER_MSEC);
	return NULL;
}

static void *tcps(void *a)
{
	char b[64];
	int c;

	started(a);
	c = accept(listen_fd, NULL, NULL);
	if (c < 0)
		wl_die("accept: %s", strerror(errno));
	for (;;) {
		if (recv(c, b, sizeof(b), 0) <= 0)
			return NULL;
		sleep_ns(200 * NSEC_PER_MSEC);
		if (send(c, "a", 1, 0) != 1)
			return NULL;
	}
}

static void *tcpc(void *a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	char b[64];
	int c = socket(AF_INET, SOCK_STREAM, 0);

	started(a);
	if (getsockname(listen_fd, (struct sockaddr *)&sa, &sl) ||
	    connect(c, (struct sockaddr *)&sa, sizeof(sa)))
		wl_die("connect: %s", strerror(errno));
	for (;;) {
		if (send(c, "q", 1, 0) != 1 || recv(c, b, sizeof(b), 0) <= 0)
			return NULL;
	}
}

static void *locker(void *a)
{
	started(a);
	for (;;) {
		pthread_mutex_lock(&turn_mu);
		holds++;
		sleep_ns(10 * NSEC_PER_MSEC);
		pthread_mutex_unlock(&turn_mu);
	}
	return NULL;
}

static void *idle(void *a)
{
	started(a);
	pthread_mutex_lock(&idle_mu);
	for (;;)
		pthread_cond_wait(&idle_cv, &idle_mu);
	return NULL;
}

static void *disk(void *a)
{
	uint64_t x = 88172645463325252ULL;
	void *buf;
	int fd;

	started(a);
	first_in_line();
	fd = open(disk_path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		wl_die("open %s O_DIRECT: %s", disk_path, strerror(errno));
	if (posix_memalign(&buf, BLOCK, BLOCK))
		wl_die("posix_memalign");
	for (;;) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, BLOCK, (off_t)(x % (DISK_FILE / BLOCK)) * BLOCK) != BLOCK)
			wl_die("pread: %s", strerror(errno));
	}
	return NULL;
}

/*
 * The child shares the thread's memory and stack until it exits: it only
 * makes raw system calls, and sees release_vfork when the main thread
 * sets it.
 */
static void *vforker(void *a)
{
	struct timespec ts = { 0, 20 * NSEC_PER_MSEC };
	pid_t parent = getpid(), pid;

	started(a);
	pid = vfork();
	if (pid == 0) {
		/* Also ends should the workload be killed. */
		while (!release_vfork && syscall(SYS_getppid) == parent)
			syscall(SYS_nanosleep, &ts, NULL);
		syscall(SYS_exit, 0);
	}
	if (pid < 0)
		wl_die("vfork: %s", strerror(errno));
	waitpid(pid, NULL, 0);
	for (;;)
		pause();
	return NULL;
}

/* Takes mutex i, then, once the other thread holds the other, that one. */
static void *deadlocker(void *a)
{
	int i = ((struct th *)a)->name[2] == 'A' ? 0 : 1;

	started(a);
	pthread_mutex_lock(&dl_m[i]);
	sleep_ns(50 * NSEC_PER_MSEC);
	pthread_mutex_lock(&dl_m[!i]);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	release_vfork = 1;
}

static void *piper(void *a)
{
	char b;
	int p[2];

	started(a);
	if (pipe(p))
		wl_die("pipe: %s", strerror(errno));
	for (;;)
		if (read(p[0], &b, 1) < 0 && errno != EINTR)
			wl_die("read: %s", strerror(errno));
	return NULL;
}

static void *evfd(void *a)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), e = eventfd(0, 0), p[2];

	started(a);
	if (ep < 0 || e < 0 || pipe(p))
		wl_die("epoll/eventfd/pipe: %s", strerror(errno));
	if (epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev))
		wl_die("epoll_ctl: %s", strerror(errno));
	for (;;)
		epoll_wait(ep, &out, 1, -1);
	return NULL;
}

static void *epsk(void *a)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), sv[2];

	started(a);
	if (ep < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		wl_die("epoll/socketpair: %s", strerror(errno));
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev))
		wl_die("epoll_ctl: %s", strerror(errno));
	for (;;)
		epoll_wait(ep, &out, 1, -1);
	return NULL;
}

static const char *pick; /* --only */

/* Whether --only names @what (a comma-separated list), or there is none. */
static int wanted(const char *what)
{
	size_t n = strlen(what);

	if (!pick)
		return strcmp(what, "pipe") != 0;
	for (const char *p = pick; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, what, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static void start(const char *name, void *(*fn)(void *))
{
	struct th *t;

	if (nths >= MAX_THREADS)
		wl_die("too many threads");
	t = &ths[nths++];
	wl_comm_copy(t->name, name);
	if (pthread_create(&t->t, NULL, fn, t))
		wl_die("pthread_create: %s", strerror(errno));
}

static void make_disk_file(void)
{
	char *b = malloc(1 << 20);
	int fd;

	snprintf(disk_path, sizeof(disk_path), "%s/states-disk", dir);
	fd = open(disk_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || !b)
		wl_die("create %s: %s", disk_path, strerror(errno));
	memset(b, 0x5a, 1 << 20);
	for (int i = 0; i < DISK_FILE >> 20; i++)
		if (write(fd, b, 1 << 20) != 1 << 20)
			wl_die("write %s: %s", disk_path, strerror(errno));
	/* On the disk, not only in the cache: O_DIRECT reads go to it. */
	if (fsync(fd))
		wl_die("fsync: %s", strerror(errno));
	close(fd);
	free(b);
}

/* --alone: the spinner's or the napper's loop in the main thread. */
static int alone(const char *what, const char *truth)
{
	int spinner = !strcmp(what, "spin");
	FILE *f;

	if (!spinner && strcmp(what, "nap"))
		wl_die("--alone spin or --alone nap");
	if (spinner) {
		own_cpu(1);
		first_in_line();
	}
	wl_ready();
	while (!wl_stop) {
		if (spinner)
			wl_spin_a_bit();
		else
			sleep_ns(100 * NSEC_PER_MSEC);
	}
	f = wl_truth_open(truth);
	fprintf(f, "{\"lockers\": 0, \"holds\": 0, \"threads\": [{\"tid\": %d, \"name\": ",
		(int)getpid());
	wl_json_str(f, what);
	fprintf(f, "}]}\n");
	wl_truth_close(f);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "lockers", required_argument, NULL, 'l' },
		{ "idle", required_argument, NULL, 'i' },
		{ "deadlock", no_argument, NULL, 'D' },
		{ "sites", no_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		{ "truth", required_argument, NULL, 't' },
		{ "alone", required_argument, NULL, 'a' },
		{ "only", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *name = "states", *truth = NULL, *only = NULL;
	int lockers = 4, nidle = 64, dl = 0, sites = 0, c;
	char label[16];
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'l': lockers = atoi(optarg); break;
		case 'i': nidle = atoi(optarg); break;
		case 'D': dl = 1; break;
		case 'S': sites = 1; break;
		case 'd': dir = optarg; break;
		case 't': truth = optarg; break;
		case 'a': only = optarg; break;
		case 'o': pick = optarg; break;
		default: wl_die("usage: states [--name COMM] [--lockers N] [--idle N] "
				"[--deadlock] [--sites] [--dir DIR] [--only NAME,...] "
				"[--truth FILE] | --alone spin|nap");
		}
	}
	if (lockers < 1 || nidle < 0 || lockers + nidle + 10 > MAX_THREADS)
		wl_die("--lockers 1.. and --idle 0.., %d threads at most", MAX_THREADS - 10);
	wl_set_comm(name);
	wl_install_signals();
	if (only)
		return alone(only, truth);
	signal(SIGUSR1, on_usr1);
	if (wanted("disk"))
		make_disk_file();
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listen_fd, 1))
		wl_die("listen: %s", strerror(errno));

	own_cpu(0); /* inherited by every thread but the spinner */
	if (wanted("spin"))
		start("spin", spin);
	if (wanted("nap"))
		start("nap", nap);
	if (wanted("tcps"))
		start("tcps", tcps);
	if (wanted("tcpc"))
		start("tcpc", tcpc);
	for (int i = 0; i < lockers && wanted("lock"); i++) {
		snprintf(label, sizeof(label), "lock%d", i);
		start(label, locker);
	}
	for (int i = 0; i < nidle && wanted("idle"); i++) {
		snprintf(label, sizeof(label), "idle%d", i);
		start(label, idle);
	}
	if (wanted("disk"))
		start("disk", disk);
	if (wanted("vfork"))
		start("vfork", vforker);
	if (wanted("evfd"))
		start("evfd", evfd);
	if (sites || wanted("pipe"))
		start("pipe", piper);
	if (sites)
		start("epsk", epsk);
	if (dl) {
		start("dlA", deadlocker);
		start("dlB", deadlocker);
	}
	pthread_mutex_lock(&setup_mu);
	while (ready < nths)
		pthread_cond_wait(&setup_cv, &setup_mu);
	pthread_mutex_unlock(&setup_mu);
	wl_ready();

	while (!wl_stop)
		pause();
	release_vfork = 1;

	f = wl_truth_open(truth);
	fprintf(f, "{\"lockers\": %d, \"holds\": %ld, \"threads\": [", lockers, holds);
	for (int i = 0; i < nths; i++) {
		fprintf(f, "%s{\"tid\": %d, \"name\": ", i ? ", " : "", (int)ths[i].tid);
		wl_json_str(f, ths[i].name);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	wl_truth_close(f);
	if (disk_path[0])
		unlink(disk_path);
	return 0;
}
