// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --alert-exec: the program run at each alert transition (hook.h says
 * what it gets). The monitor's tick only copies the tick's transitions
 * into a bounded queue under a mutex; a thread of the hook's own starts
 * the programs with posix_spawn (a vfork: the tool's memory is not
 * copied, and no other thread waits on it), reaps them, and kills those
 * past their timeout. All signals stay blocked in that thread, so the
 * tool's SIGINT and friends keep reaching the loop that waits for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"

extern char **environ;

#define CMD_MAX 4096
/* How often running programs are checked for their end. */
#define REAP_MS 20

struct child {
	pid_t pid;
	double deadline;
	bool killed;
};

struct ri_hook {
	struct ri_sink sink; /* first: the sink's address is the hook's */
	char words[CMD_MAX];
	char *argv[RI_HOOK_MAX_ARGS + 1];
	double timeout_s;
	bool quiet;
	int devnull, wake;

	pthread_t th;
	pthread_mutex_t mu;
	struct ri_alert_transition q[RI_HOOK_QUEUE];
	size_t qhead, qlen;
	bool stop;
	double stop_deadline;
	struct child run[RI_HOOK_RUNNING];
	unsigned nrun;
	struct ri_hook_stats st;
	/*
	 * The latest tick whose transitions were queued. A replay that jumps
	 * back plays ticks again (to refill the history): their transitions
	 * have run already and must not run twice.
	 */
	double done_until;
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- splitting a command line without a shell ---- */

int ri_argv_split(const char *cmd, char *buf, size_t buflen, char **argv,
		  size_t maxargv, size_t *errpos, const char **what)
{
	const char *p = cmd, *open = NULL;
	size_t o = 0, n = 0;
	char quote = 0;
	bool inword = false;

	*errpos = 0;
	*what = NULL;
	if (!buflen || maxargv < 2) {
		*what = "no room";
		return -EINVAL;
	}
	for (;; p++) {
		char c = *p;

		if (!c && quote) {
			*errpos = (size_t)(open - cmd);
			*what = quote == '\'' ? "a ' that is never closed" :
						"a \" that is never closed";
			return -EINVAL;
		}
		if (!quote && (!c || c == ' ' || c == '\t' || c == '\n')) {
			if (inword) {
				buf[o++] = '\0';
				inword = false;
			}
			if (!c)
				break;
			continue;
		}
		if (!inword) {
			if (n + 1 >= maxargv) {
				*errpos = (size_t)(p - cmd);
				*what = "too many words";
				return -EINVAL;
			}
			argv[n++] = buf + o;
			inword = true;
		}
		if (o + 2 >= buflen) {
			*errpos = (size_t)(p - cmd);
			*what = "the command is too long";
			return -EINVAL;
		}
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				buf[o++] = c;
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && p[1] && strchr("\"\\$`", p[1]))
				buf[o++] = *++p;
			else
				buf[o++] = c;
		} else if (c == '\'' || c == '"') {
			quote = c;
			open = p;
		} else if (c == '\\' && p[1]) {
			buf[o++] = *++p;
		} else {
			buf[o++] = c;
		}
	}
	argv[n] = NULL;
	if (!n) {
		*errpos = 0;
		*what = "no command";
		return -EINVAL;
	}
	return (int)n;
}

int ri_find_program(const char *prog, char *out, size_t outlen)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;
	int err = -ENOENT;

	if (!*prog)
		return -ENOENT;
	if (strchr(prog, '/')) {
		if ((size_t)snprintf(out, outlen, "%s", prog) >= outlen)
			return -ENAMETOOLONG;
		if (stat(out, &st) || !S_ISREG(st.st_mode))
			return -ENOENT;
		return access(out, X_OK) ? -EACCES : 0;
	}
	for (p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; p; p = colon ? colon + 1 : NULL) {
		size_t n;

		colon = strchr(p, ':');
		n = colon ? (size_t)(colon - p) : strlen(p);
		if ((size_t)snprintf(out, outlen, "%.*s%s%s", (int)n, p, n ? "/" : "",
				     prog) >= outlen)
			continue;
		if (stat(out, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!access(out, X_OK))
			return 0;
		err = -EACCES;
	}
	return err;
}

/* ---- the tick's side: queue and return ---- */

static void on_tick(struct ri_sink *s, const struct ri_monitor *mon)
{
	struct ri_hook *h = (struct ri_hook *)s;
	const struct ri_alerts *a = ri_monitor_alerts(mon);
	const struct ri_alert_transition *t;
	size_t n = a ? ri_alerts_transitions(a, &t) : 0, i;
	uint64_t one = 1;

	if (!n || t[0].time <= h->done_until)
		return;
	/* One tick's transitions all carry its time. */
	h->done_until = t[0].time;
	pthread_mutex_lock(&h->mu);
	for (i = 0; i < n; i++) {
		h->st.queued++;
		if (h->qlen == RI_HOOK_QUEUE) {
			h->st.dropped++;
			continue;
		}
		h->q[(h->qhead + h->qlen++) % RI_HOOK_QUEUE] = t[i];
	}
	pthread_mutex_unlock(&h->mu);
	if (write(h->wake, &one, sizeof(one)) < 0) {
		/* The counter is full: the thread is awake anyway. */
	}
}

/* ---- the hook's thread ---- */

/* The tool's environment without RI_ALERT_*, then this transition's. */
static char **job_env(const struct ri_alert_transition *t, char vars[8][RI_RULE_TEXT + 64])
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 9, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "RI_ALERT_", 9))
			env[k++] = environ[i];
	snprintf(vars[0], sizeof(vars[0]), "RI_ALERT_RULE=%s", t->text);
	snprintf(vars[1], sizeof(vars[1]), "RI_ALERT_PID=%d", (int)t->pid);
	snprintf(vars[2], sizeof(vars[2]), "RI_ALERT_COMM=%.*s", RI_COMM_LEN, t->comm);
	snprintf(vars[3], sizeof(vars[3]), "RI_ALERT_STATE=%s",
		 ri_alert_state_name((enum ri_alert_state)t->to));
	snprintf(vars[4], sizeof(vars[4]), "RI_ALERT_VALUE=%.3f", t->value);
	snprintf(vars[5], sizeof(vars[5]), "RI_ALERT_TIME=%.6f", t->time);
	snprintf(vars[6], sizeof(vars[6]), "RI_ALERT_SINCE=%.6f", t->since);
	/* What runs out ("fd", "mem"), for the limits' metrics; else empty. */
	snprintf(vars[7], sizeof(vars[7]), "RI_ALERT_RESOURCE=%.*s", RI_RESOURCE_TEXT,
		 t->resource);
	for (i = 0; i < 8; i++)
		env[k++] = vars[i];
	env[k] = NULL;
	return env;
}

static pid_t spawn(struct ri_hook *h, const struct ri_alert_transition *t)
{
	static char vars[8][RI_RULE_TEXT + 64]; /* only this thread spawns */
	char path[4096];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char **env;
	pid_t pid = -1;

	if (ri_find_program(h->argv[0], path, sizeof(path)))
		return -1;
	env = job_env(t, vars);
	if (!env)
		return -1;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawn_file_actions_adddup2(&fa, h->devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, h->devnull, 1);
	if (h->quiet)
		posix_spawn_file_actions_adddup2(&fa, h->devnull, 2);
	/* Nothing else, a BPF link least of all, may outlive the tool in it. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (posix_spawn(&pid, path, &fa, &at, h->argv, env))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(env);
	return pid;
}

static void reap(struct ri_hook *h, double now)
{
	unsigned i = 0;

	while (i < h->nrun) {
		struct child *c = &h->run[i];
		int status;
		pid_t r = waitpid(c->pid, &status, WNOHANG);

		if (r == 0 && now >= c->deadline && !c->killed) {
			/* The whole group: a shell's children too. */
			kill(-c->pid, SIGKILL);
			kill(c->pid, SIGKILL);
			c->killed = true;
			h->st.timed_out++;
		}
		if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && !c->killed && (!WIFEXITED(status) || WEXITSTATUS(status)))
			h->st.failed++;
		h->run[i] = h->run[--h->nrun];
	}
	h->st.running = h->nrun;
}

static void *thread_main(void *arg)
{
	struct ri_hook *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		double now = now_mono();
		struct pollfd pfd = { .fd = h->wake, .events = POLLIN };
		int ms = -1;
		uint64_t v;

		while (h->nrun < RI_HOOK_RUNNING && h->qlen) {
			struct ri_alert_transition t = h->q[h->qhead];
			pid_t pid;

			h->qhead = (h->qhead + 1) % RI_HOOK_QUEUE;
			h->qlen--;
			pthread_mutex_unlock(&h->mu);
			pid = spawn(h, &t);
			pthread_mutex_lock(&h->mu);
			if (pid < 0) {
				h->st.failed++;
				continue;
			}
			h->st.started++;
			h->run[h->nrun++] = (struct child){ pid, now_mono() + h->timeout_s, false };
		}
		h->st.running = h->nrun;
		if (h->stop && !h->qlen && !h->nrun)
			break;
		/* Killed and still there (stuck in the kernel): leave it. */
		if (h->stop && now >= h->stop_deadline + 2)
			break;
		if (h->stop && now >= h->stop_deadline) {
			/* Out of time at exit: what runs is killed, what waits is lost. */
			unsigned i;

			for (i = 0; i < h->nrun; i++)
				if (!h->run[i].killed)
					h->run[i].deadline = now;
			h->st.dropped += h->qlen;
			h->qlen = 0;
		}
		if (h->nrun)
			ms = REAP_MS;
		else if (h->stop)
			ms = (int)((h->stop_deadline - now) * 1000) + 1;
		pthread_mutex_unlock(&h->mu);
		if (poll(&pfd, 1, ms) > 0 && read(h->wake, &v, sizeof(v)) < 0) {
			/* Nothing to do: the wake-up itself was the news. */
		}
		pthread_mutex_lock(&h->mu);
		reap(h, now_mono());
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int ri_hook_start(const struct ri_hook_opts *o, struct ri_hook **out, char *err,
		  size_t errlen)
{
	struct ri_hook *h = calloc(1, sizeof(*h));
	sigset_t all, old;
	const char *what;
	size_t pos;
	int ret;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->devnull = h->wake = -1;
	ret = ri_argv_split(o->cmd, h->words, sizeof(h->words), h->argv,
			    RI_HOOK_MAX_ARGS + 1, &pos, &what);
	if (ret < 0) {
		snprintf(err, errlen, "--alert-exec: %s (at character %zu)", what, pos + 1);
		free(h);
		return ret;
	}
	h->sink.tick = on_tick;
	h->timeout_s = o->timeout_s > 0 ? o->timeout_s : RI_HOOK_TIMEOUT_S;
	h->quiet = o->quiet;
	h->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	h->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->devnull < 0 || h->wake < 0) {
		ret = -errno;
		snprintf(err, errlen, "--alert-exec: %s", strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&h->mu, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&h->th, NULL, thread_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		snprintf(err, errlen, "--alert-exec: cannot start its thread: %s", strerror(-ret));
		pthread_mutex_destroy(&h->mu);
		goto fail;
	}
	*out = h;
	return 0;
fail:
	if (h->devnull >= 0)
		close(h->devnull);
	if (h->wake >= 0)
		close(h->wake);
	free(h);
	return ret;
}

struct ri_sink *ri_hook_sink(struct ri_hook *h)
{
	return &h->sink;
}

void ri_hook_stats(struct ri_hook *h, struct ri_hook_stats *st)
{
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	pthread_mutex_unlock(&h->mu);
}

void ri_hook_stop(struct ri_hook *h, double grace_s, struct ri_hook_stats *st)
{
	uint64_t one = 1;

	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	h->stop_deadline = now_mono() + grace_s;
	pthread_mutex_unlock(&h->mu);
	if (write(h->wake, &one, sizeof(one)) < 0) {
		/* Already signalled. */
	}
	pthread_join(h->th, NULL);
	if (st)
		*st = h->st;
	pthread_mutex_destroy(&h->mu);
	close(h->devnull);
	close(h->wake);
	free(h);
}

void ri_hook_finish(struct ri_hook *h, FILE *err)
{
	struct ri_hook_stats st;

	if (!h)
		return;
	ri_hook_stop(h, RI_HOOK_EXIT_GRACE_S, &st);
	if (st.failed || st.timed_out || st.dropped)
		fprintf(err,
			"resource_image: --alert-exec: %llu of %llu transitions run; %llu failed, "
			"%llu killed (after %.0fs, or at exit), %llu not run (queue full or exit)\n",
			(unsigned long long)st.started, (unsigned long long)st.queued,
			(unsigned long long)st.failed, (unsigned long long)st.timed_out,
			RI_HOOK_TIMEOUT_S, (unsigned long long)st.dropped);
}
