// SPDX-License-Identifier: GPL-2.0
/*
 * net - moves known byte counts through sockets, thread by thread, for
 * the network truth test (NET-RX/s, NET-TX/s).
 *
 *   net [--name COMM] [--pairs N] [--dir DIR] [--truth FILE]
 *
 * Starts its threads, prints "ready" on stderr, waits for SIGUSR1, then
 * all at once:
 *   tcpcI/tcpsI  N pairs over loopback TCP: client I sends (I+1)*4 MiB,
 *                server I reads them and answers (I+1) MiB
 *   udps/udpr    2000 datagrams of 1000 bytes over loopback UDP, and a
 *                1-byte one that says the end
 *   unxa/unxb    a Unix stream socket pair: 3 MiB one way, 1 MiB back
 *   sfs/sfr      sfs writes an 8 MiB file in DIR and sends it with
 *                sendfile(2) over loopback TCP; sfr reads it
 *   kidr         reads what a child process sends: the child (forked by
 *                the main thread) connects, sends 1 MiB and exits at once
 * Each thread counts what its own calls returned. Then it writes the
 * truth, prints "done" on stderr, and sleeps until SIGTERM or SIGINT.
 *
 * Truth (JSON): {"threads": [{"tid", "name", "rx", "tx"}, ...],
 *                "child": {"pid", "tx"}}
 *
 * For the screenshots, a server that keeps going instead:
 *   net --serve R1,R2,... [--seconds S]
 *                     worker threads worker-1, worker-2... each answer one
 *                     client 50 times a second, sending Ri MB/s in all
 *                     (requests of 512 bytes come in); the clients are
 *                     threads client-1... of a child process "loadgen"
 *
 * For the bench, two timings instead, printed on stdout:
 *   net --calls N     N sends and N receives of 64 bytes on a Unix
 *                     datagram pair, one thread: "ns_per_call X"
 *   net --stream SEC  loopback TCP, a sender and a receiver thread, for
 *                     SEC seconds: "bytes_per_s X", then "bytes N" (each
 *                     way: what one sent, the other received)
 */
#include "wl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MIB (1 << 20)
#define CHUNK (64 * 1024)
#define MAX_PAIRS 8
#define UDP_N 2000
#define UDP_SIZE 1000
#define FILE_BYTES (8 * MIB)
#define CHILD_BYTES MIB

struct job {
	const char *name;
	char label[16];
	void *(*fn)(struct job *);
	int fd;        /* the socket it works on (or the listener it accepts on) */
	int64_t want;  /* bytes it sends */
	int64_t back;  /* bytes it reads (or answers) */
	pid_t tid;
	int64_t rx, tx;
	pthread_t th;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go, nready;
static const char *dir = "/tmp";

static void wait_go(struct job *j)
{
	j->tid = (pid_t)gettid();
	pthread_setname_np(pthread_self(), j->label);
	pthread_mutex_lock(&mu);
	nready++;
	pthread_cond_broadcast(&cv);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void send_n(struct job *j, int fd, int64_t n)
{
	static const char buf[CHUNK];

	while (n > 0) {
		ssize_t k = send(fd, buf, n < CHUNK ? (size_t)n : CHUNK, 0);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			wl_die("%s: send: %s", j->label, strerror(errno));
		}
		j->tx += k;
		n -= k;
	}
}

static void recv_n(struct job *j, int fd, int64_t n)
{
	static char buf[CHUNK];

	while (n > 0) {
		ssize_t k = recv(fd, buf, n < CHUNK ? (size_t)n : CHUNK, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			wl_die("%s: recv: %s", j->label, k ? strerror(errno) : "end of stream");
		j->rx += k;
		n -= k;
	}
}

static int tcp_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&a, &al))
		wl_die("tcp listener: %s", strerror(errno));
	*port = ntohs(a.sin_port);
	return fd;
}

static int tcp_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		wl_die("tcp connect: %s", strerror(errno));
	return fd;
}

static int accept_one(struct job *j)
{
	int fd = accept4(j->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		wl_die("%s: accept: %s", j->label, strerror(errno));
	close(j->fd);
	return fd;
}

/* Sends, then reads the answer; a connected socket. */
static void *sender(struct job *j)
{
	send_n(j, j->fd, j->want);
	recv_n(j, j->fd, j->back);
	close(j->fd);
	return NULL;
}

/* Reads, then answers; a connected socket. */
static void *answerer(struct job *j)
{
	recv_n(j, j->fd, j->want);
	send_n(j, j->fd, j->back);
	close(j->fd);
	return NULL;
}

/* Accepts, reads, answers. */
static void *server(struct job *j)
{
	j->fd = accept_one(j);
	return answerer(j);
}

/* Reads a stream to its end (the child's, sendfile's). */
static void *drain(struct job *j)
{
	static char buf[CHUNK];
	int fd = accept_one(j);
	ssize_t k;

	while ((k = recv(fd, buf, sizeof(buf), 0)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			wl_die("%s: recv: %s", j->label, strerror(errno));
		j->rx += k;
	}
	close(fd);
	return NULL;
}

static void *udp_send(struct job *j)
{
	static const char buf[UDP_SIZE];

	for (int i = 0; i <= UDP_N; i++) {
		size_t n = i < UDP_N ? UDP_SIZE : 1; /* the last says the end */
		ssize_t k = send(j->fd, buf, n, 0);

		if (k < 0) {
			if (errno == EINTR || errno == ENOBUFS) {
				i--;
				continue;
			}
			wl_die("udps: send: %s", strerror(errno));
		}
		j->tx += k;
		if (i % 64 == 63)
			usleep(200); /* the receiver keeps up: nothing dropped */
	}
	close(j->fd);
	return NULL;
}

static void *udp_recv(struct job *j)
{
	static char buf[UDP_SIZE];

	for (;;) {
		ssize_t k = recv(j->fd, buf, sizeof(buf), 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) /* timeout: the end was lost; what came is counted */
			break;
		j->rx += k;
		if (k == 1)
			break;
	}
	close(j->fd);
	return NULL;
}

static void *sendfile_send(struct job *j)
{
	char path[4096];
	static char buf[CHUNK];
	int64_t left = j->want;
	off_t off = 0;
	int f;

	snprintf(path, sizeof(path), "%s/ri-net-XXXXXX", dir);
	f = mkstemp(path);
	if (f < 0)
		wl_die("sfs: mkstemp %s: %s", path, strerror(errno));
	unlink(path);
	memset(buf, 'f', sizeof(buf));
	for (int64_t n = 0; n < j->want; n += CHUNK)
		if (write(f, buf, CHUNK) != CHUNK)
			wl_die("sfs: write: %s", strerror(errno));
	while (left > 0) {
		ssize_t k = sendfile(j->fd, f, &off, (size_t)left);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			wl_die("sfs: sendfile: %s", k ? strerror(errno) : "nothing sent");
		j->tx += k;
		left -= k;
	}
	close(f);
	close(j->fd);
	return NULL;
}

static void *run(void *arg)
{
	struct job *j = arg;

	wait_go(j);
	return j->fn(j);
}

static void add(struct job *jobs, int *n, const char *label, void *(*fn)(struct job *), int fd,
		int64_t want, int64_t back)
{
	struct job *j = &jobs[(*n)++];

	snprintf(j->label, sizeof(j->label), "%s", label);
	j->fn = fn;
	j->fd = fd;
	j->want = want;
	j->back = back;
}

/* The bench's per-call cost: a send and a receive per round. */
static void calls(long n)
{
	char buf[64] = { 0 };
	int sv[2];
	int64_t t0;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		wl_die("socketpair: %s", strerror(errno));
	t0 = wl_ns(CLOCK_MONOTONIC);
	for (long i = 0; i < n; i++)
		if (send(sv[0], buf, sizeof(buf), 0) != sizeof(buf) ||
		    recv(sv[1], buf, sizeof(buf), 0) != sizeof(buf))
			wl_die("send/recv: %s", strerror(errno));
	printf("ns_per_call %.1f\n", (double)(wl_ns(CLOCK_MONOTONIC) - t0) / (2.0 * (double)n));
}

static volatile int stream_end;

static void *stream_recv(void *arg)
{
	static char buf[CHUNK];
	int64_t *got = arg;
	ssize_t k;

	while ((k = recv((int)got[1], buf, sizeof(buf), 0)) > 0)
		got[0] += k;
	return NULL;
}

/* The bench's throughput: loopback TCP for @sec seconds. */
static void stream(double sec)
{
	static const char buf[CHUNK];
	int port, lfd = tcp_listener(&port), fd = tcp_connect(port), afd;
	int64_t got[2] = { 0, 0 }, t0, end;
	pthread_t th;

	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (afd < 0)
		wl_die("accept: %s", strerror(errno));
	got[1] = afd;
	if (pthread_create(&th, NULL, stream_recv, got))
		wl_die("pthread_create");
	t0 = wl_ns(CLOCK_MONOTONIC);
	end = t0 + (int64_t)(sec * NSEC_PER_SEC);
	while (wl_ns(CLOCK_MONOTONIC) < end)
		if (send(fd, buf, sizeof(buf), 0) < 0)
			wl_die("send: %s", strerror(errno));
	shutdown(fd, SHUT_WR);
	pthread_join(th, NULL);
	/* Every byte sent was received: the receiver read to the end. */
	printf("bytes_per_s %.0f\nbytes %lld\n",
	       (double)got[0] * NSEC_PER_SEC / (double)(wl_ns(CLOCK_MONOTONIC) - t0),
	       (long long)got[0]);
}

#define SERVE_MAX 8
#define SERVE_HZ 50
#define SERVE_REQ 512

struct serve_conn {
	int fd;
	int64_t answer; /* bytes per request */
	char name[16];
};

static void *serve_worker(void *arg)
{
	struct serve_conn *c = arg;
	char req[SERVE_REQ];
	struct job j = { .name = c->name };

	snprintf(j.label, sizeof(j.label), "%s", c->name);
	pthread_setname_np(pthread_self(), c->name);
	while (!wl_stop) {
		ssize_t k = recv(c->fd, req, sizeof(req), MSG_WAITALL);

		if (k <= 0)
			break;
		send_n(&j, c->fd, c->answer);
	}
	return NULL;
}

static void *serve_client(void *arg)
{
	struct serve_conn *c = arg;
	static const char req[SERVE_REQ];
	struct job j = { .name = c->name };
	int64_t next = wl_ns(CLOCK_MONOTONIC);

	snprintf(j.label, sizeof(j.label), "%s", c->name);
	pthread_setname_np(pthread_self(), c->name);
	while (!wl_stop) {
		if (send(c->fd, req, sizeof(req), 0) != sizeof(req))
			break;
		recv_n(&j, c->fd, c->answer);
		next += NSEC_PER_SEC / SERVE_HZ;
		wl_sleep_until(next);
	}
	return NULL;
}

/* A server whose workers each feed a client of the child "loadgen". */
static void serve(const char *rates, double seconds)
{
	struct serve_conn w[SERVE_MAX], cl[SERVE_MAX];
	pthread_t th[SERVE_MAX];
	int n = 0, port, lfd = tcp_listener(&port);
	const char *p = rates;
	pid_t kid;

	while (*p && n < SERVE_MAX) {
		char *end;
		double mb = strtod(p, &end);

		if (end == p || mb < 0)
			wl_die("--serve: rates in MB/s, comma-separated: %s", rates);
		w[n].answer = cl[n].answer = (int64_t)(mb * 1e6 / SERVE_HZ);
		snprintf(w[n].name, sizeof(w[n].name), "worker-%d", n + 1);
		snprintf(cl[n].name, sizeof(cl[n].name), "client-%d", n + 1);
		cl[n].fd = tcp_connect(port);
		w[n].fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (w[n].fd < 0)
			wl_die("accept: %s", strerror(errno));
		n++;
		p = *end == ',' ? end + 1 : end;
	}
	kid = fork();
	if (kid < 0)
		wl_die("fork: %s", strerror(errno));
	if (kid == 0) {
		wl_set_comm("loadgen");
		for (int i = 0; i < n; i++)
			if (pthread_create(&th[i], NULL, serve_client, &cl[i]))
				wl_die("pthread_create");
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		_exit(0);
	}
	for (int i = 0; i < n; i++) {
		close(cl[i].fd);
		if (pthread_create(&th[i], NULL, serve_worker, &w[i]))
			wl_die("pthread_create");
	}
	wl_sleep_until(wl_ns(CLOCK_MONOTONIC) + (int64_t)(seconds * NSEC_PER_SEC));
	wl_stop = 1;
	kill(kid, SIGTERM);
	for (int i = 0; i < n; i++)
		shutdown(w[i].fd, SHUT_RDWR);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	waitpid(kid, NULL, 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "dir", required_argument, NULL, 'd' },
		{ "truth", required_argument, NULL, 'T' },
		{ "calls", required_argument, NULL, 'C' },
		{ "stream", required_argument, NULL, 'S' },
		{ "serve", required_argument, NULL, 'V' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct job jobs[2 * MAX_PAIRS + 8];
	const char *truth_path = NULL, *serve_rates = NULL;
	double serve_s = 600;
	int pairs = 2, n = 0, c, port, sv[2], kid_port;
	int tv_fd[2];
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	struct timeval tmo = { .tv_sec = 3 };
	sigset_t block, old;
	int rcvbuf = 8 * MIB;
	pid_t kid;
	FILE *out;

	memset(jobs, 0, sizeof(jobs));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': wl_set_comm(optarg); break;
		case 'p': pairs = atoi(optarg); break;
		case 'd': dir = optarg; break;
		case 'T': truth_path = optarg; break;
		case 'C': calls(atol(optarg)); return 0;
		case 'S': stream(wl_double(optarg)); return 0;
		case 'V': serve_rates = optarg; break;
		case 's': serve_s = wl_double(optarg); break;
		default: wl_die("usage: net [--name COMM] [--pairs N] [--dir DIR] [--truth FILE]");
		}
	}
	if (pairs < 1 || pairs > MAX_PAIRS)
		wl_die("--pairs: 1 to %d", MAX_PAIRS);
	wl_install_signals();
	if (serve_rates) {
		serve(serve_rates, serve_s);
		return 0;
	}

	for (int i = 0; i < pairs; i++) {
		char l[16];
		int lfd = tcp_listener(&port);

		snprintf(l, sizeof(l), "tcps%d", i);
		add(jobs, &n, l, server, lfd, (int64_t)(i + 1) * 4 * MIB, (int64_t)(i + 1) * MIB);
		snprintf(l, sizeof(l), "tcpc%d", i);
		add(jobs, &n, l, sender, tcp_connect(port), (int64_t)(i + 1) * 4 * MIB,
		    (int64_t)(i + 1) * MIB);
	}
	/* UDP: two connected sockets, the receiver with room to spare. */
	tv_fd[0] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tv_fd[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(tv_fd[1], SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(tv_fd[1], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	if (tv_fd[0] < 0 || tv_fd[1] < 0 || bind(tv_fd[1], (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(tv_fd[1], (struct sockaddr *)&a, &al) ||
	    connect(tv_fd[0], (struct sockaddr *)&a, sizeof(a)))
		wl_die("udp: %s", strerror(errno));
	add(jobs, &n, "udps", udp_send, tv_fd[0], 0, 0);
	add(jobs, &n, "udpr", udp_recv, tv_fd[1], 0, 0);
	/* Unix: one way and back. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		wl_die("socketpair: %s", strerror(errno));
	add(jobs, &n, "unxa", sender, sv[0], 3 * MIB, MIB);
	add(jobs, &n, "unxb", answerer, sv[1], 3 * MIB, MIB);
	/* sendfile. */
	{
		int lfd = tcp_listener(&port);

		add(jobs, &n, "sfr", drain, lfd, 0, 0);
		add(jobs, &n, "sfs", sendfile_send, tcp_connect(port), FILE_BYTES, 0);
	}
	/* The child's receiver. */
	add(jobs, &n, "kidr", drain, tcp_listener(&kid_port), 0, 0);

	/*
	 * The signals are waited for with them blocked, in every thread: none
	 * is missed before the wait, and only the main thread takes them.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (int i = 0; i < n; i++)
		if (pthread_create(&jobs[i].th, NULL, run, &jobs[i]))
			wl_die("pthread_create: %s", strerror(errno));
	pthread_mutex_lock(&mu);
	while (nready < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);

	fprintf(stderr, "ready\n");
	{
		int sig;

		sigwait(&block, &sig);
		if (sig != SIGUSR1)
			return 0;
	}
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);

	kid = fork();
	if (kid < 0)
		wl_die("fork: %s", strerror(errno));
	if (!kid) {
		static const char buf[CHUNK];
		int fd = tcp_connect(kid_port);

		for (int64_t left = CHILD_BYTES; left > 0;) {
			ssize_t k = send(fd, buf, left < CHUNK ? (size_t)left : CHUNK, 0);

			if (k <= 0)
				_exit(3);
			left -= k;
		}
		_exit(0);
	}
	{
		int st;

		if (waitpid(kid, &st, 0) != kid || !WIFEXITED(st) || WEXITSTATUS(st))
			wl_die("the child failed");
	}
	for (int i = 0; i < n; i++)
		pthread_join(jobs[i].th, NULL);

	out = wl_truth_open(truth_path);
	fprintf(out, "{\"threads\": [");
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s{\"tid\": %d, \"name\": ", i ? ", " : "", (int)jobs[i].tid);
		wl_json_str(out, jobs[i].label);
		fprintf(out, ", \"rx\": %lld, \"tx\": %lld}", (long long)jobs[i].rx,
			(long long)jobs[i].tx);
	}
	fprintf(out, "], \"child\": {\"pid\": %d, \"tx\": %d}}\n", (int)kid, CHILD_BYTES);
	wl_truth_close(out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	fprintf(stderr, "done\n");
	while (!wl_stop)
		pause();
	return 0;
}
