// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --remote (remote.h): ssh started with the script that picks what runs
 * there, its standard output handed to the recording reader, its
 * standard error kept (the last line is what failed), and the reader's
 * reconnection asked of us at each end of the stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "remote.h"

#define BACKOFF_MAX_S 30.0
#define MAX_ARGS 64

struct ri_remote {
	char *host, *dir, *command;
	double delay, history_s;
	char *ssh_words;        /* RI_SSH, split in place */
	char *argv[MAX_ARGS];
	int nbase;              /* the ssh command and its options */
	pid_t pid;
	int err_fd;
	char err_line[256];     /* the last line ssh or the host said */
	char err_part[256];     /* a line still coming */
	size_t err_part_n;
	double retry_at, backoff;
	int64_t spawned_newest;
	char news[512];
	bool news_new;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* @s in single quotes for the remote shell. */
static int quote(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (len < 3)
		return -ENAMETOOLONG;
	buf[n++] = '\'';
	for (; *s; s++) {
		const char *add = *s == '\'' ? "'\\''" : NULL;
		size_t k = add ? strlen(add) : 1;

		if (n + k + 2 > len)
			return -ENAMETOOLONG;
		if (add)
			memcpy(buf + n, add, k);
		else
			buf[n] = *s;
		n += k;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return 0;
}

/*
 * What runs there: the recorder's directory followed when it was written
 * in the last minute (from after @from_us, when given), else a monitor of
 * its own; the tool missing is said in a line of its own, exit 127.
 */
static int script(const struct ri_remote *rm, int64_t from_us, char *buf, size_t len)
{
	char t[1024], d[1024], from[64] = "";

	if (quote(t, sizeof(t), rm->command) || quote(d, sizeof(d), rm->dir))
		return -ENAMETOOLONG;
	if (from_us != INT64_MIN)
		snprintf(from, sizeof(from), "--from %lld.%06lld", (long long)(from_us / 1000000),
			 (long long)(from_us % 1000000));
	else if (rm->history_s > 0)
		snprintf(from, sizeof(from), "--from -%.0fs", rm->history_s);
	if (snprintf(buf, len,
		     "t=%s; d=%s; command -v \"$t\" >/dev/null 2>&1 || "
		     "{ echo \"resource_image is not installed there (no $t in PATH)\" >&2; exit 127; }; "
		     "if [ -r \"$d\" ] && [ -n \"$(find \"$d\" -maxdepth 1 -name '*.rirec' "
		     "-mmin -1 2>/dev/null | head -n 1)\" ]; then "
		     "exec \"$t\" -q -r \"$d\" --follow %s -w -; fi; "
		     "exec \"$t\" -q -d %g -w -",
		     t, d, from, rm->delay) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* Keeps the last whole line of what ssh says, without ever blocking. */
static void drain_err(struct ri_remote *rm)
{
	char b[4096];
	ssize_t n;
	ssize_t i;

	while (rm->err_fd >= 0 && (n = read(rm->err_fd, b, sizeof(b))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			break;
		}
		for (i = 0; i < n; i++) {
			if (b[i] == '\r')
				continue;
			if (b[i] != '\n') {
				if (rm->err_part_n + 1 < sizeof(rm->err_part))
					rm->err_part[rm->err_part_n++] = b[i];
				continue;
			}
			if (rm->err_part_n) {
				memcpy(rm->err_line, rm->err_part, rm->err_part_n);
				rm->err_line[rm->err_part_n] = '\0';
			}
			rm->err_part_n = 0;
		}
	}
	/* The end: a last line without its newline counts too. */
	if (rm->err_part_n) {
		memcpy(rm->err_line, rm->err_part, rm->err_part_n);
		rm->err_line[rm->err_part_n] = '\0';
		rm->err_part_n = 0;
	}
	if (rm->err_fd >= 0)
		close(rm->err_fd);
	rm->err_fd = -1;
}

static int spawn_argv(struct ri_remote *rm, int *out);

static int spawn(struct ri_remote *rm, int64_t from_us, int *out)
{
	char cmd[4096];
	int i, err;

	if ((err = script(rm, from_us, cmd, sizeof(cmd))))
		return err;
	i = rm->nbase;
	rm->argv[i++] = rm->host;
	rm->argv[i++] = (char *)"--";
	rm->argv[i++] = cmd;
	rm->argv[i] = NULL;
	return spawn_argv(rm, out);
}

/* ssh with rm->argv, its output on *out, its messages kept. */
static int spawn_argv(struct ri_remote *rm, int *out)
{
	int o[2], e[2], err;
	pid_t pid;

	if (pipe2(o, O_CLOEXEC))
		return -errno;
	if (pipe2(e, O_CLOEXEC)) {
		err = -errno;
		close(o[0]);
		close(o[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		return err;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		/* No terminal: ssh can never prompt, the keys never reach it. */
		setsid();
		signal(SIGPIPE, SIG_DFL);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0)
			_exit(126);
		execvp(rm->argv[0], rm->argv);
		dprintf(2, "%s: %s\n", rm->argv[0], strerror(errno));
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	fcntl(e[0], F_SETFL, O_NONBLOCK);
	rm->pid = pid;
	rm->err_fd = e[0];
	rm->err_line[0] = '\0';
	rm->err_part_n = 0;
	*out = o[0];
	return 0;
}

/* Ends ssh (it may still be running with its output closed) and waits for it. */
static int reap(struct ri_remote *rm)
{
	int status = 0, i;

	if (rm->pid <= 0)
		return 0;
	for (i = 0; i < 200; i++) {
		pid_t w = waitpid(rm->pid, &status, WNOHANG);

		if (w == rm->pid || (w < 0 && errno != EINTR))
			break;
		if (i == 20)
			kill(rm->pid, SIGTERM);
		if (i == 150)
			kill(rm->pid, SIGKILL);
		usleep(10000);
		status = 0;
	}
	if (i == 200) {
		kill(rm->pid, SIGKILL);
		waitpid(rm->pid, &status, 0);
	}
	rm->pid = -1;
	fcntl(rm->err_fd, F_SETFL, 0);
	drain_err(rm);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int reopen(void *ctx, int64_t newest_us, int *fd)
{
	struct ri_remote *rm = ctx;
	double now = mono_s();
	int rc;

	if (rm->pid > 0) {
		rc = reap(rm);
		/* A connection that brought frames was a good one: start over. */
		if (newest_us > rm->spawned_newest)
			rm->backoff = 1;
		rm->retry_at = now + rm->backoff;
		if (rm->err_line[0])
			snprintf(rm->news, sizeof(rm->news), "%s: connection lost (%s); "
				 "retrying in %g s", rm->host, rm->err_line, rm->backoff);
		else
			snprintf(rm->news, sizeof(rm->news), "%s: connection lost (ssh "
				 "ended, %s %d); retrying in %g s", rm->host,
				 rc > 128 && rc != 255 ? "signal" : "exit",
				 rc > 128 && rc != 255 ? rc - 128 : rc, rm->backoff);
		rm->news_new = true;
		rm->backoff = rm->backoff * 2 < BACKOFF_MAX_S ? rm->backoff * 2 : BACKOFF_MAX_S;
		return 0;
	}
	if (now < rm->retry_at)
		return 0;
	if (spawn(rm, newest_us, fd)) {
		rm->retry_at = now + rm->backoff;
		return 0;
	}
	rm->spawned_newest = newest_us;
	return 1;
}

static const char *news(void *ctx)
{
	struct ri_remote *rm = ctx;

	/* ssh's messages must never fill its pipe and stall it. */
	drain_err(rm);
	if (!rm->news_new)
		return NULL;
	rm->news_new = false;
	return rm->news;
}

static void remote_close(void *ctx)
{
	struct ri_remote *rm = ctx;

	if (rm->pid > 0) {
		kill(rm->pid, SIGTERM);
		reap(rm);
	}
	if (rm->err_fd >= 0)
		close(rm->err_fd);
	free(rm->host);
	free(rm->dir);
	free(rm->command);
	free(rm->ssh_words);
	free(rm);
}

/* RI_SSH, or "ssh", then the options that keep it from hanging. */
static int base_argv(struct ri_remote *rm)
{
	static const char *const opts[] = {
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
		"-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
		"-T", "-e", "none",
	};
	const char *env = getenv("RI_SSH");
	char *w, *save = NULL;
	size_t i;
	int n = 0;

	if (!(rm->ssh_words = strdup(env && *env ? env : "ssh")))
		return -ENOMEM;
	for (w = strtok_r(rm->ssh_words, " \t", &save); w && n < MAX_ARGS - 20;
	     w = strtok_r(NULL, " \t", &save))
		rm->argv[n++] = w;
	if (!n)
		return -EINVAL;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		rm->argv[n++] = (char *)opts[i];
	rm->nbase = n;
	return 0;
}

int ri_remote_open(const struct ri_remote_opts *o, struct ri_rec_reader **out,
		   char *err, size_t errlen)
{
	struct ri_remote *rm = calloc(1, sizeof(*rm));
	struct ri_rec_reconnect rc = { .reopen = reopen, .news = news,
				       .close = remote_close };
	char why[1024];
	int fd, ret, status;

	if (!rm || !(rm->host = strdup(o->host)) ||
	    !(rm->dir = strdup(o->dir ? o->dir : "/var/log/resource_image")) ||
	    !(rm->command = strdup(o->command ? o->command : "resource_image")) ||
	    base_argv(rm)) {
		snprintf(err, errlen, "out of memory");
		if (rm)
			remote_close(rm);
		return -ENOMEM;
	}
	rm->pid = -1;
	rm->err_fd = -1;
	rm->delay = o->delay > 0 ? o->delay : 1;
	rm->history_s = o->history_s;
	rm->backoff = 1;
	if ((ret = spawn(rm, INT64_MIN, &fd))) {
		snprintf(err, errlen, "--remote %s: cannot start %s: %s", o->host,
			 rm->argv[0], strerror(-ret));
		remote_close(rm);
		return ret;
	}
	rm->spawned_newest = INT64_MIN;
	ret = ri_rec_open_stream(fd, out, why, sizeof(why));
	if (ret) {
		status = reap(rm);
		/* What ssh or the host said is the reason; else the reader's. */
		if (rm->err_line[0])
			snprintf(err, errlen, "--remote %s: %s", o->host, rm->err_line);
		else if (status == 255)
			snprintf(err, errlen, "--remote %s: ssh failed (exit 255)", o->host);
		else if (!strncmp(why, "standard input: ", 16))
			snprintf(err, errlen, "--remote %s: %s", o->host, why + 16);
		else
			snprintf(err, errlen, "--remote %s: %s", o->host, why);
		remote_close(rm);
		return ret == -EINTR ? ret : -EIO;
	}
	rc.ctx = rm;
	rc.label = rm->host;
	ri_rec_reconnect(*out, &rc);
	return 0;
}

int ri_remote_run(const char *host, const char *cmd, char *said, size_t len)
{
	struct ri_remote rm = { .pid = -1, .err_fd = -1 };
	char *argv_cmd;
	int fd, status;
	char b[512];
	ssize_t n;
	size_t got = 0;

	said[0] = '\0';
	if (base_argv(&rm)) {
		free(rm.ssh_words);
		snprintf(said, len, "out of memory");
		return -ENOMEM;
	}
	/* The command as it is: no script around it. */
	rm.host = (char *)host;
	argv_cmd = (char *)cmd;
	rm.argv[rm.nbase] = rm.host;
	rm.argv[rm.nbase + 1] = (char *)"--";
	rm.argv[rm.nbase + 2] = argv_cmd;
	rm.argv[rm.nbase + 3] = NULL;
	if (spawn_argv(&rm, &fd)) {
		free(rm.ssh_words);
		snprintf(said, len, "cannot start ssh: %s", strerror(errno));
		return -EIO;
	}
	/* What it prints (one line) is what the user is told. */
	while (got + 1 < len && (n = read(fd, b, sizeof(b))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((size_t)n > len - 1 - got)
			n = (ssize_t)(len - 1 - got);
		memcpy(said + got, b, (size_t)n);
		got += (size_t)n;
	}
	said[got] = '\0';
	close(fd);
	status = reap(&rm);
	if (status && rm.err_line[0])
		snprintf(said, len, "%s", rm.err_line);
	said[strcspn(said, "\n")] = '\0';
	free(rm.ssh_words);
	return status;
}
