// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The interactive front end's lifecycle: set up the terminal, open the
 * session (the source, the monitor, the sinks), then one loop that sleeps
 * in poll() on the keyboard until the next tick, and the teardown that
 * every exit path goes through: endwin here, then the caller's
 * ri_session_close, which detaches the BPF programs, and says after the
 * screen is gone what the hook could not run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "recorder.h"
#include "session.h"
#include "view.h"

static volatile sig_atomic_t got_stop;
/* What the process exits with if its teardown overruns (see teardown_guard). */
static volatile sig_atomic_t teardown_status;
static SCREEN *screen;

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

/*
 * A crash must not leave the terminal raw. endwin() is not
 * async-signal-safe, but the process is dying anyway and a usable shell
 * is worth the risk (htop does the same). BPF links are file
 * descriptors: the kernel detaches them when the process dies.
 */
static void on_crash(int sig)
{
	if (screen)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The stop signals: handled by on_stop while the screen runs. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

static void on_teardown_overdue(int sig)
{
	static const char msg[] = "resource_image: the exit took too long; "
				  "leaving without finishing it\n";
	ssize_t w;

	(void)sig;
	w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	_exit(teardown_status);
}

/*
 * How long the exit may take, from the end of the screen loop to the end
 * of the process: the --alert-exec programs still running get their
 * grace, and detaching the probe and closing the other sinks take well
 * under a second more. The bound is there for a teardown that cannot end,
 * e.g. the sanitizer build's exit-time leak check, which stops the
 * process with ptrace and waits forever for a SIGSTOP that the hang-up's
 * SIGCONT discarded (the kernel sends SIGHUP and SIGCONT to the
 * terminal's foreground group when the session leader exits, which can
 * be after the tool saw the terminal go and began to leave).
 */
#define TEARDOWN_MAX_S ((unsigned)RI_HOOK_EXIT_GRACE_S + 2)

/*
 * From here on the tool is leaving: one more SIGTERM, SIGINT or SIGQUIT
 * ends it at once (the BPF links are file descriptors: the kernel
 * detaches the programs when the process dies), another SIGHUP says
 * nothing new, and an alarm ends a teardown that overruns, with the exit
 * status the run would have had.
 */
static void teardown_guard(int status)
{
	struct sigaction sa;

	teardown_status = status;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_teardown_overdue;
	sigaction(SIGALRM, &sa, NULL);
	alarm(TEARDOWN_MAX_S);
}

static void install_signals(void)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return at once to notice the stop. */
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Ctrl-\ too: its default (core dump) would leave the tty raw. */
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_crash;
	for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
}

static void restore_terminal(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}

static bool locale_is_utf8(void)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static int setup_terminal(struct tui *v)
{
	const char *term = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "resource_image: the interactive view needs a "
				"terminal; use -b for batch output\n");
		return -ENOTTY;
	}
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		fprintf(stderr,
			"resource_image: unknown terminal type '%s': set TERM to "
			"one this system knows (e.g. xterm-256color), or use -b\n",
			term ? term : "");
		return -EINVAL;
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors_init(v);
	return 0;
}

/*
 * A broken theme is reported (file and line) and the default is used:
 * colours are never a reason not to start during an incident.
 */
static void load_theme(struct tui *v)
{
	const char *name = v->theme_name[0] ? v->theme_name : "default";
	char err[512];
	int i;

	v->ntheme_names = theme_list(v->theme_names, 32);
	if (theme_load(name, &v->theme, err, sizeof(err))) {
		fprintf(stderr, "resource_image: %s\n", err);
		tui_message(v, "%s", err);
		v->msg_until += 6;
	}
	for (i = 0; i < v->ntheme_names; i++)
		if (!strcmp(v->theme_names[i], v->theme.name))
			v->theme_idx = i;
}

/* Exited tasks stay listed this many ticks, dimmed, before they go. */
#define LINGER_TICKS 3

/*
 * What the screen asks of the model, live or replayed (the command
 * line's choice and rules are the session's to apply).
 */
static void screen_front(const struct ri_opts *o, struct ri_session_front *f)
{
	memset(f, 0, sizeof(*f));
	f->screen = true;
	f->model.linger_ticks = LINGER_TICKS;
	f->model.keep_chosen = true;
	f->model.thread_history = true;
	/*
	 * Threads have no detail panel: their rings hold one sparkline at its
	 * widest in the default style (braille's cells take two samples: a
	 * thread's history then fills half of them, for half the memory).
	 */
	f->model.thread_hist_len = SPARK_MAX;
	f->model.growth_window_s = o->growth_window;
}

static int open_session(struct tui *v, struct ri_session *s, char *err,
			size_t errlen)
{
	struct ri_session_front f;
	const char *warn;
	int ret;

	screen_front(v->opts, &f);
	if ((ret = ri_session_open(s, &f, err, errlen)))
		return ret;
	v->mon = ri_session_monitor(s);
	v->m = ri_monitor_model(v->mon);
	v->rec = ri_session_recorder(s);
	v->hook = ri_session_hook(s);
	ri_monitor_info(v->mon, &v->info);
	if ((warn = ri_session_warning(s)))
		tui_message(v, "%s", warn);
	if (ri_session_replay(s) && replay_open(v, ri_session_replay(s))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!v->replay)
		tui_rebuild_rows(v);
	return 0;
}

static void tick(struct tui *v)
{
	int ret = v->replay ? replay_tick(v) : ri_monitor_tick(v->mon);

	/* The screen reads the model alone: the drain waits for the next tick. */
	if (!v->replay)
		ri_monitor_shed(v->mon);
	hosts_keep_up(v);
	const char *news = ri_recorder_news(v->rec);

	if (ret < 0)
		tui_message(v, "refresh failed: %s", strerror(-ret));
	if (news) {
		/* Said on the screen now, and on stderr once the screen is gone. */
		tui_message(v, "%s", news);
		snprintf(v->rec_said, sizeof(v->rec_said), "%s", news);
	}
}

/* Every key waiting, each handled; what they ask for is or-ed together. */
static enum ri_next read_keys(struct tui *v)
{
	enum ri_next next = NEXT_NONE;
	int ch;

	while (!(next & NEXT_QUIT) && (ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			next |= NEXT_FULL_REDRAW;
			continue;
		}
		next |= screen_input(v, ch);
		/* Later keys (a search after a sort) must see the new rows. */
		if (next & NEXT_REBUILD) {
			tui_rebuild_rows(v);
			next &= ~NEXT_REBUILD;
			next |= NEXT_REDRAW;
		}
	}
	/* A setting changed: written now, so a kill -9 cannot lose it. */
	if (next != NEXT_NONE)
		settings_save_if_changed(v);
	return next;
}

/* Milliseconds until @deadline, for poll(); -1 while paused. */
static int wait_ms(const struct tui *v, double deadline)
{
	double left;

	if (v->paused)
		return -1;
	left = deadline - now_mono();
	if (left <= 0)
		return 0;
	return (int)ceil(left * 1000);
}

/*
 * How long the tool outlives its terminal when no SIGHUP comes. The
 * SIGHUP usually follows the hang-up within milliseconds, when the
 * session's leader exits, and comes with a SIGCONT: leaving before it
 * lands would let it land in the middle of the exit (where the
 * sanitizer build's leak check stops the process, and then waits
 * forever for a stop the SIGCONT has undone).
 */
#define HANGUP_GRACE_S 1.0

static void loop(struct tui *v)
{
	/*
	 * The monitor was primed at open; a first tick after a short wait
	 * fills the screen quickly without a meaningless millisecond interval.
	 */
	double deadline = now_mono() + (v->delay < 0.5 ? v->delay : 0.5);
	double hung_up = 0; /* when the terminal went away */
	long ticks = 0;
	enum ri_next next = NEXT_NONE;

	/* A replay's keys, title, time bar and key bar join the main view. */
	screen_init(v, !v->replay ? NULL : v->nhosts > 1 ? hosts_mode() : &replay_mode);
	screen_draw(v, false);
	sigset_t stops, unblocked;

	stop_signals(&stops);
	while (!(next & NEXT_QUIT) && !got_stop) {
		/* A negative fd is not polled: a dead tty would wake us at once. */
		struct pollfd pfd = { .fd = hung_up ? -1 : STDIN_FILENO,
				      .events = POLLIN };
		struct timespec ts;
		int ms = wait_ms(v, deadline), n;

		if (hung_up) {
			double left = hung_up + HANGUP_GRACE_S - now_mono();

			if (left <= 0)
				break;
			if (ms < 0 || ms > (int)ceil(left * 1000))
				ms = (int)ceil(left * 1000);
		}
		/*
		 * A stop signal that lands between the check of got_stop and
		 * the wait would not end the wait (forever while paused): the
		 * signals are held until ppoll() lets them in atomically.
		 */
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
		sigprocmask(SIG_BLOCK, &stops, &unblocked);
		if (got_stop) {
			sigprocmask(SIG_SETMASK, &unblocked, NULL);
			break;
		}
		n = ppoll(&pfd, 1, ms < 0 ? NULL : &ts, &unblocked);
		sigprocmask(SIG_SETMASK, &unblocked, NULL);
		if (n < 0 && errno != EINTR)
			break;
		/*
		 * The terminal is gone (hung up, closed). SIGHUP usually says
		 * so too, but not to a process outside the tty's session:
		 * without this, poll() would return at once, forever.
		 */
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			hung_up = now_mono();
		if (hung_up)
			continue;
		/* EINTR is how SIGWINCH arrives: ncurses queues KEY_RESIZE. */
		next = read_keys(v);
		if (next & NEXT_QUIT)
			break;
		if (!v->paused && now_mono() >= deadline) {
			tick(v);
			tui_rebuild_rows(v);
			deadline += v->delay;
			/* After a long stall, do not fire a burst of ticks. */
			if (deadline < now_mono())
				deadline = now_mono() + v->delay;
			if (v->opts->count && ++ticks >= v->opts->count)
				break;
		} else if (v->paused) {
			deadline = now_mono() + v->delay;
		}
		screen_draw(v, next & NEXT_FULL_REDRAW);
	}
}

/* Every host's session (one, unless --remote is repeated), the first shown. */
static int open_hosts(struct tui *v, struct ri_session **s, size_t n, char *err,
		      size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		struct tui_host *h = &v->hosts[i];

		v->replay = NULL;
		if (n > 1) {
			mvprintw(1, 0, "resource_image: connecting to %s...", v->opts->remotes[i]);
			clrtoeol();
			refresh();
		}
		if ((ret = open_session(v, s[i], err, errlen)))
			return ret;
		h->name = n > 1 ? v->opts->remotes[i] : "";
		h->s = s[i];
		h->mon = v->mon;
		h->replay = v->replay;
		h->info = v->info;
		v->nhosts = (int)i + 1;
	}
	if (n > 1) {
		/* --alert-exec and the rest of the first host's sinks are the screen's. */
		v->hook = ri_session_hook(s[0]);
		v->rec = ri_session_recorder(s[0]);
		v->host = (int)n - 1;
		hosts_switch(v, 0);
	}
	return 0;
}

int ri_tui_run(const struct ri_opts *o, struct ri_session **s, size_t n)
{
	struct tui *v = calloc(1, sizeof(*v));
	char err[512] = "";
	int ret;

	if (!v)
		return 1;
	v->opts = o;
	v->delay = o->delay > 0 ? o->delay : 1.0;
	v->sort = o->sort;
	v->all_threads = o->threads;
	v->spark_metric = RI_M_CPU;
	v->spark_style = SPARK_BLOCK;
	v->utf8 = locale_is_utf8() && !o->no_unicode;
	v->view = o->tree ? RI_VIEW_TREE : RI_VIEW_LIST;
	v->fold = !o->no_fold;
	v->meters = METER_ALL;
	table_default_columns(v->cols, &v->ncols);
	snprintf(v->theme_name, sizeof(v->theme_name), "%s",
		 o->theme ? o->theme : "default");
	/* What the command line said wins over the settings file, for this run. */
	v->cli_sort = o->sort_given;
	v->cli_delay = o->delay_given;
	v->cli_theme = o->theme != NULL;
	v->cli_threads = o->threads;
	v->cli_view = o->tree;

	install_signals();
	settings_load(v);
	if (o->no_fold)
		v->fold = false;
	load_theme(v);
	/* The terminal first: a bad TERM should not cost a BPF load. */
	ret = setup_terminal(v);
	if (!ret) {
		mouse_init(v);
		mvaddstr(0, 0, "resource_image: loading the probe...");
		refresh();
		ret = open_hosts(v, s, n, err, sizeof(err));
	}
	/* cgroup names: one walk of the cgroup2 mount now, more only on a miss. */
	if (!ret && ri_cgroups_open(&v->cgroups, NULL))
		v->cgroups = NULL;
	if (!ret)
		loop(v);
	teardown_guard(ret == -EDOM ? 2 : ret ? 1 : 0);
	restore_terminal();
	/* Printed after endwin so the message stays on the user's screen. */
	if (err[0])
		fprintf(stderr, "resource_image: %s\n", err);
	if (v->rec_said[0])
		fprintf(stderr, "resource_image: %s\n", v->rec_said);
	/* The hosts not shown: their replays' screen state (the sessions are the caller's). */
	for (n = 0; n < (size_t)v->nhosts; n++)
		if ((int)n != v->host && v->hosts[n].replay != v->replay)
			free(v->hosts[n].replay);
	replay_close(v);
	ri_rows_free(&v->rows);
	picker_free(&v->pk);
	ri_cgroups_close(v->cgroups);
	free(v);
	return ret == -EDOM ? 2 : ret ? 1 : 0;
}
