// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Acting on processes: sending a signal (k, F9; the list of signals it
 * offers) and changing the nice value (F7, F8), with the result or the kernel's refusal on the message
 * line. Once attached the tool keeps no CAP_KILL and no CAP_SYS_NICE (see
 * core/session/privs.c): it acts with its user's own rights, so as root on root's
 * processes, and the kernel says EPERM for the others, which is said as
 * "permission denied". Renicing asks more: the kernel also refuses a
 * process that holds capabilities the caller does not (cap_safe_nice), so
 * a root daemon with its capabilities cannot be reniced from here. A process is checked to be the one the row shows
 * (same start time) before anything is sent, and a signal goes through a
 * pidfd when the kernel has them, so a PID reused meanwhile is never hit.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"
#include "remote.h"
#include "view.h"

static const struct proc_sig signals[] = {
	{ SIGTERM, "SIGTERM" }, { SIGKILL, "SIGKILL" }, { SIGHUP, "SIGHUP" },
	{ SIGINT, "SIGINT" },	{ SIGQUIT, "SIGQUIT" }, { SIGUSR1, "SIGUSR1" },
	{ SIGUSR2, "SIGUSR2" }, { SIGSTOP, "SIGSTOP" }, { SIGCONT, "SIGCONT" },
	{ SIGTSTP, "SIGTSTP" }, { SIGALRM, "SIGALRM" }, { SIGABRT, "SIGABRT" },
	{ SIGPIPE, "SIGPIPE" }, { SIGWINCH, "SIGWINCH" },
};

#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))

const struct proc_sig *proc_signals(size_t *n)
{
	*n = NSIGNALS;
	return signals;
}

static const char *signal_name(int sig)
{
	size_t i;

	for (i = 0; i < NSIGNALS; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "signal";
}

static uint64_t tick_ns(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
}

/* Start time of @pid on the boot-time clock (ns), from /proc; 0 if gone. */
static uint64_t start_of(pid_t pid)
{
	char path[32], buf[1024];
	const char *p;
	unsigned long long v = 0;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* Field 22 (starttime); the fields after the name start at 3. */
	for (i = 3; p && i <= 22; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, "%llu", &v) != 1)
		return 0;
	return v * tick_ns();
}

/* Whether @pid is still the process that started at @start_ns. */
static bool same_process(pid_t pid, uint64_t start_ns)
{
	uint64_t s = start_of(pid), tick = tick_ns();

	/* /proc counts in clock ticks, the probe in nanoseconds: two ticks of slack. */
	return s && (s > start_ns ? s - start_ns : start_ns - s) < 2 * tick;
}

static const char *why(int err)
{
	if (err == EPERM || err == EACCES)
		return "permission denied";
	if (err == ESRCH)
		return "no such process";
	return strerror(err);
}

/*
 * Another host's process (--remote): nothing is sent unless
 * --remote-control says so; then over ssh, to the process of that name
 * only (a PID reused since is left alone). True when handled.
 */
static bool remote_act(struct tui *v, pid_t pid, const char *comm, const char *what,
		       const char *act)
{
	char cmd[512], q[64], said[256];
	size_t i, n = 0;
	int rc;

	if (!v->opts->remote)
		return false;
	if (!v->opts->remote_control) {
		tui_message(v, "%s: off for a remote host (--remote-control turns it on)", what);
		return true;
	}
	/* The name in single quotes for the remote shell. */
	q[n++] = '\'';
	for (i = 0; i < RI_COMM_LEN && comm[i] && n + 6 < sizeof(q); i++) {
		if (comm[i] == '\'') {
			memcpy(q + n, "'\\''", 4);
			n += 4;
		} else {
			q[n++] = comm[i];
		}
	}
	q[n++] = '\'';
	q[n] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "[ \"$(cat /proc/%d/comm 2>/dev/null)\" = %s ] || "
		 "{ echo \"%d is no longer %s\" >&2; exit 3; }; %s",
		 pid, q, pid, q, act);
	rc = ri_remote_run(v->opts->remote, cmd, said, sizeof(said));
	tui_message(v, "%s on %s: %s", what, v->opts->remote,
		    said[0] ? said : rc ? "failed" : "done");
	return true;
}

void proc_signal(struct tui *v, pid_t pid, uint64_t start_ns, const char *comm,
		 int sig)
{
	char name[64], act[128], what[96];
	int fd, r, err = 0;

	ri_printable(name, sizeof(name), comm, RI_COMM_LEN);
	snprintf(act, sizeof(act), "kill -%d %d && echo sent", sig, pid);
	snprintf(what, sizeof(what), "%s to %d (%s)", signal_name(sig), pid, name);
	if (remote_act(v, pid, comm, what, act))
		return;
#ifdef SYS_pidfd_open
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
	fd = -1;
	errno = ENOSYS;
#endif
	if (fd < 0 && errno == ESRCH) {
		tui_message(v, "%d (%s) is gone: no signal sent", pid, name);
		return;
	}
	if (!same_process(pid, start_ns)) {
		if (fd >= 0)
			close(fd);
		tui_message(v, "%d is no longer %s: no signal sent", pid, name);
		return;
	}
#ifdef SYS_pidfd_send_signal
	if (fd >= 0) {
		r = (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		err = r ? errno : 0;
		close(fd);
	} else
#endif
	{
		if (fd >= 0)
			close(fd);
		r = kill(pid, sig);
		err = r ? errno : 0;
	}
	if (!err)
		tui_message(v, "sent %s to %d (%s)", signal_name(sig), pid, name);
	else if (err == EPERM)
		tui_message(v, "%s to %d (%s): permission denied (the tool keeps no "
			       "CAP_KILL: only its own user's processes)",
			    signal_name(sig), pid, name);
	else
		tui_message(v, "%s to %d (%s): %s", signal_name(sig), pid, name, why(err));
}

void proc_renice(struct tui *v, const struct ri_row *r, int delta)
{
	const struct ri_thread *t;
	pid_t pid;
	char name[64];
	int cur, want, err = 0, done = 0;

	if (!row_is_process(r)) {
		tui_message(v, "select a process to renice");
		return;
	}
	pid = r->t ? r->t->tid : r->p->pid;
	ri_printable(name, sizeof(name), r->t ? r->t->comm : r->p->comm, RI_COMM_LEN);
	{
		char act[512], what[96], tasks[64];

		/* Every thread of a process, as here; a thread alone. */
		if (r->t)
			snprintf(tasks, sizeof(tasks), "%d", pid);
		else
			snprintf(tasks, sizeof(tasks), "/proc/%d/task/*", pid);
		snprintf(act, sizeof(act),
			 "c=$(ps -o ni= -p %d | tr -d ' '); n=$((c + %d)); "
			 "for t in %s; do renice -n $n -p ${t##*/} >/dev/null || exit 1; "
			 "done; echo \"nice $c -> $n\"",
			 pid, delta, tasks);
		snprintf(what, sizeof(what), "nice of %d (%s)", pid, name);
		if (remote_act(v, pid, r->t ? r->t->comm : r->p->comm, what, act))
			return;
	}
	if (r->t ? r->t->exited : r->p->exited) {
		tui_message(v, "%d (%s) has exited", pid, name);
		return;
	}
	if (!same_process(r->p->pid, r->p->start_ns)) {
		tui_message(v, "%d is no longer %s", r->p->pid, name);
		return;
	}
	errno = 0;
	cur = getpriority(PRIO_PROCESS, (id_t)pid);
	if (cur == -1 && errno) {
		tui_message(v, "nice of %d (%s): %s", pid, name, why(errno));
		return;
	}
	want = cur + delta;
	if (want < -20 || want > 19) {
		tui_message(v, "%d (%s) is already at nice %d", pid, name, cur);
		return;
	}
	/* Linux keeps a nice value per thread: a process row sets all of them. */
	if (r->t) {
		err = setpriority(PRIO_PROCESS, (id_t)pid, want) ? errno : 0;
		done = !err;
	} else {
		for (t = r->p->threads; t; t = t->next) {
			if (t->exited)
				continue;
			if (setpriority(PRIO_PROCESS, (id_t)t->tid, want)) {
				if (errno != ESRCH && !err)
					err = errno;
			} else {
				done++;
			}
		}
	}
	if (!err)
		tui_message(v, "%d (%s): nice %d -> %d", pid, name, cur, want);
	else if (err == EACCES)
		tui_message(v, "nice %d -> %d for %d (%s): permission denied (a lower "
			       "nice value needs CAP_SYS_NICE, which the tool does not keep)",
			    cur, want, pid, name);
	else if (err == EPERM)
		/*
		 * Another user's, or one of its own holding capabilities the
		 * tool gave up: the kernel lets only CAP_SYS_NICE renice those.
		 */
		tui_message(v, "nice %d -> %d for %d (%s): permission denied (the tool "
			       "keeps no CAP_SYS_NICE: only its own user's processes that "
			       "hold no more capabilities than it does)",
			    cur, want, pid, name);
	else
		tui_message(v, "nice %d -> %d for %d (%s): %s%s", cur, want, pid, name,
			    why(err), done ? " (some threads changed)" : "");
}
