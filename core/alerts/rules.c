// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Alert rules as people write them (alerts.h has the grammar): the
 * parser, rule files, and the error a bad rule gets, which points at the
 * first character that does not fit and says what was expected there.
 * Outside input, so the parser never reads past the text it is given and
 * has a libFuzzer harness (tests/fuzz/fuzz_rules.c).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "format.h"
#include "units.h"

/* The kernel's own upper bound for a PID on 64-bit. */
#define PID_LIMIT 4194304
/* Longer than this is a typo (a "for" in ns does not overflow either). */
#define FOR_MAX_S (31.0 * 86400)

static const char *const metric_names[RI_AM_COUNT] = {
	[RI_AM_CPU] = "cpu",
	[RI_AM_MEM] = "mem",
	[RI_AM_RSS] = "rss",
	[RI_AM_GROWTH] = "growth",
	[RI_AM_CSW] = "csw",
	[RI_AM_WAIT] = "wait",
	[RI_AM_THREADS] = "threads",
	[RI_AM_DEADLOCK] = "deadlock",
	[RI_AM_HUNG] = "hung",
	[RI_AM_ETA] = "eta",
#define RI_X_NAME(id, name, metric, ...) [RI_AM_LIMIT + RI_R_##id] = metric,
	RI_RESOURCES(RI_X_NAME)
#undef RI_X_NAME
	[RI_AM_THROTTLED] = "throttled",
	[RI_AM_OOM_KILL] = "oom_kill",
};

const char *ri_alert_metric_name(enum ri_alert_metric m)
{
	if (m >= RI_AM_FIG && m <= RI_AM_FIG_LAST)
		return ri_counter_shown(m - RI_AM_FIG) ? ri_counters[m - RI_AM_FIG].name : NULL;
	return m < RI_AM_COUNT ? metric_names[m] : NULL;
}

char *ri_alert_metric_list(char *buf, size_t len, const char *sep)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < RI_AM_COUNT; i++) {
		const char *n = ri_alert_metric_name((enum ri_alert_metric)i);
		int k;

		if (!n)
			continue;
		k = snprintf(buf + used, len - used, "%s%s", used ? sep : "", n);
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

/* A figure of figures.h's, or -1. */
static int fig_of(enum ri_alert_metric m)
{
	return m >= RI_AM_FIG && m <= RI_AM_FIG_LAST ? (int)(m - RI_AM_FIG) : -1;
}

/* The rule being parsed: its text (a NUL-terminated copy) and the error. */
struct cur {
	const char *text;
	size_t base; /* offset of the text in the line the user wrote */
	struct ri_rule_error *e;
};

__attribute__((format(printf, 3, 4))) static int expected(struct cur *c,
							     const char *at,
							     const char *fmt, ...)
{
	va_list ap;

	c->e->pos = c->base + (size_t)(at - c->text);
	va_start(ap, fmt);
	vsnprintf(c->e->what, sizeof(c->e->what), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Whether @p starts with the keyword @kw (any case). */
static bool keyword(const char *p, const char *kw)
{
	return !strncasecmp(p, kw, strlen(kw));
}

/* comm=NAME: or comm="NAME": with \" and \\ inside quotes. */
static int parse_comm(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = skip_ws(*pp);
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return expected(c, p, "expected a printable name (or the closing '\"')");
			if (n == RI_COMM_LEN - 1)
				return expected(c, p, "expected the closing '\"' (a name holds at most %d bytes)",
						RI_COMM_LEN - 1);
			r->comm[n++] = *p;
		}
		if (*p != '"')
			return expected(c, p, "expected the closing '\"' of the name");
		p++;
	} else {
		const char *start = p;

		for (; *p && *p != ':'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return expected(c, p, "expected ':' after the name");
			if (n == RI_COMM_LEN - 1)
				return expected(c, p, "expected ':' (a name holds at most %d bytes; "
						   "quote a name that holds a colon)",
						RI_COMM_LEN - 1);
			r->comm[n++] = *p;
		}
		while (n && (r->comm[n - 1] == ' ' || r->comm[n - 1] == '\t'))
			n--;
		if (!n)
			return expected(c, start, "expected a process name after comm=");
	}
	r->comm[n] = '\0';
	if (!n)
		return expected(c, p - 1, "expected a process name between the quotes");
	p = skip_ws(p);
	if (*p != ':')
		return expected(c, p, "expected ':' after the name");
	*pp = p + 1;
	r->sel = RI_SEL_COMM;
	return 0;
}

static int parse_pid(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = skip_ws(*pp), *start = p;
	long v = 0;

	if (!isdigit((unsigned char)*p))
		return expected(c, p, "expected a PID after pid=");
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > PID_LIMIT)
			return expected(c, start, "expected a PID from 1 to %d", PID_LIMIT);
	}
	if (v < 1)
		return expected(c, start, "expected a PID from 1 to %d", PID_LIMIT);
	p = skip_ws(p);
	if (*p != ':')
		return expected(c, p, "expected ':' after the PID");
	*pp = p + 1;
	r->pid = (pid_t)v;
	r->sel = RI_SEL_PID;
	return 0;
}

static int parse_selector(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = *pp, *q;

	r->sel = RI_SEL_ALL;
	if (keyword(p, "comm") || keyword(p, "pid")) {
		q = skip_ws(p + (keyword(p, "comm") ? 4 : 3));
		if (*q == '=') {
			*pp = q + 1;
			return keyword(p, "comm") ? parse_comm(c, pp, r) :
						    parse_pid(c, pp, r);
		}
	}
	return 0;
}

static int parse_metric(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = *pp, *start = p;
	size_t n, i;

	while (isalpha((unsigned char)*p) || *p == '-' || *p == '_')
		p++;
	n = (size_t)(p - start);
	for (i = 0; i < RI_AM_COUNT && n; i++) {
		const char *name = ri_alert_metric_name((enum ri_alert_metric)i);

		if (name && strlen(name) == n && !strncasecmp(start, name, n)) {
			r->metric = (enum ri_alert_metric)i;
			*pp = p;
			return 0;
		}
	}
	if (r->sel == RI_SEL_COMM && start > c->text && start[-1] == ':')
		return expected(c, start, "expected a metric (quote a name that holds a colon: "
				   "comm=\"a:b\":)");
	{
		char list[512];

		return expected(c, start, "expected a metric: %s (or comm=NAME: or pid=PID: first)",
				ri_alert_metric_list(list, sizeof(list), ", "));
	}
}

static int parse_op(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = *pp;

	if (p[0] == '>' || p[0] == '<') {
		bool eq = p[1] == '=';

		r->op = p[0] == '>' ? (eq ? RI_OP_GE : RI_OP_GT) :
				      (eq ? RI_OP_LE : RI_OP_LT);
		*pp = p + 1 + eq;
		return 0;
	}
	return expected(c, p, "expected a comparison: >, >=, < or <=");
}

/* What a metric's value is, for the messages. */
static const char *metric_kind(enum ri_alert_metric m)
{
	switch (m) {
	case RI_AM_CPU: return "cpu is a percentage of one CPU";
	case RI_AM_MEM: return "mem is a percentage of MemTotal";
	case RI_AM_WAIT: return "wait is a percentage of one CPU's time";
	case RI_AM_RSS: return "rss is a size: K, M, G or T";
	case RI_AM_GROWTH: return "growth is a size per period, e.g. 10M/min";
	case RI_AM_CSW: return "csw is a count per second, or /min";
	case RI_AM_THREADS: return "threads is a count";
	case RI_AM_DEADLOCK: return "deadlock is a count of threads";
	case RI_AM_HUNG: return "hung is a number of seconds";
	case RI_AM_ETA: return "eta is a duration, e.g. 30m";
	case RI_AM_THROTTLED: return "throttled is a percentage of the quota periods";
	case RI_AM_OOM_KILL: return "oom_kill is a count of kills in a refresh";
	default:
		if (m >= RI_AM_LIMIT && m <= RI_AM_LIMIT_LAST)
			return "a limit's metric is a percentage of the limit";
		if (fig_of(m) >= 0 && (ri_counters[fig_of(m)].flags & RI_FF_TIME))
			return "a state is a percentage of the wall time";
		if (fig_of(m) >= 0 && !(ri_counters[fig_of(m)].flags & RI_FF_BYTES))
			return "a rate is a count per second, or /min";
		return "a rate is a size per period, e.g. 10M/s";
	}
}

static int parse_value(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = *pp, *q;
	enum ri_alert_metric m = r->metric;
	bool sign = m == RI_AM_GROWTH;
	bool time = fig_of(m) >= 0 && (ri_counters[fig_of(m)].flags & RI_FF_TIME);
	double v, per;
	int err;

	bool pct = m == RI_AM_CPU || m == RI_AM_MEM || m == RI_AM_WAIT ||
		   m == RI_AM_THROTTLED || (m >= RI_AM_LIMIT && m <= RI_AM_LIMIT_LAST);

	switch (m) {
	case RI_AM_ETA:
		err = ri_parse_duration(p, &v, &q);
		break;
	case RI_AM_CPU:
	case RI_AM_MEM:
	case RI_AM_WAIT:
	case RI_AM_THREADS:
	case RI_AM_CSW:
	case RI_AM_DEADLOCK:
	case RI_AM_HUNG:
	case RI_AM_THROTTLED:
	case RI_AM_OOM_KILL:
	count:
		err = ri_parse_number(p, false, &v, &q);
		if (!err && *q == '%' && (pct || time))
			q++;
		else if (!err && *q == 's' && m == RI_AM_HUNG)
			q++;
		break;
	default:
		if (pct || (fig_of(m) >= 0 && !(ri_counters[fig_of(m)].flags & RI_FF_BYTES)))
			goto count;
		err = ri_parse_size(p, sign, &v, &q);
		break;
	}
	if (err)
		return expected(c, q, "expected a number%s (%s)",
				sign ? ", signed," : "", metric_kind(m));
	if (m == RI_AM_GROWTH || (fig_of(m) >= 0 && !time) || m == RI_AM_CSW) {
		const char *slash = q;

		if (ri_parse_period(q, &per, &q))
			return expected(c, slash + 1, "expected s, min or h after '/'");
		if (per > 0)
			v /= per;
	}
	if (isalnum((unsigned char)*q) || *q == '%' || *q == '/' || *q == '.')
		return expected(c, q, "expected the end of the value (%s)", metric_kind(m));
	r->value = v;
	*pp = q;
	return 0;
}

static int parse_for(struct cur *c, const char **pp, struct ri_rule *r)
{
	const char *p = *pp, *q;

	r->for_s = 0;
	if (!*p)
		return 0;
	if (!keyword(p, "for") || isalpha((unsigned char)p[3]))
		return expected(c, p, "expected 'for DURATION' or the end of the rule");
	p = skip_ws(p + 3);
	if (ri_parse_duration(p, &r->for_s, &q))
		return expected(c, q, "expected a duration after 'for' (e.g. 30s, 5m, 1h)");
	if (r->for_s > FOR_MAX_S)
		return expected(c, p, "expected a duration of at most 31 days");
	p = skip_ws(q);
	if (*p)
		return expected(c, p, "expected the end of the rule");
	*pp = p;
	return 0;
}

/* Where the rule ends: at a '#' outside quotes, blanks trimmed. */
static size_t rule_end(const char *s)
{
	size_t i, end = 0;
	bool quoted = false;

	for (i = 0; s[i]; i++) {
		if (quoted && s[i] == '\\' && s[i + 1]) {
			i++;
		} else if (s[i] == '"') {
			quoted = !quoted;
		} else if (s[i] == '#' && !quoted) {
			break;
		}
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			end = i + 1;
	}
	return end;
}

int ri_rule_parse(const char *line, struct ri_rule *r, struct ri_rule_error *e)
{
	struct cur c = { .e = e };
	const char *start = line, *p;
	size_t len;
	int err;

	memset(r, 0, sizeof(*r));
	memset(e, 0, sizeof(*e));
	while (*start == ' ' || *start == '\t')
		start++;
	len = rule_end(start);
	if (!len)
		return 1;
	c.text = r->text;
	c.base = (size_t)(start - line);
	if (len >= RI_RULE_TEXT) {
		e->pos = c.base + RI_RULE_TEXT - 1;
		snprintf(e->what, sizeof(e->what),
			 "expected the end of the rule (a rule holds at most %d characters)",
			 RI_RULE_TEXT - 1);
		return -EINVAL;
	}
	memcpy(r->text, start, len);
	r->text[len] = '\0';
	p = r->text;
	if ((err = parse_selector(&c, &p, r)))
		return err;
	p = skip_ws(p);
	if ((err = parse_metric(&c, &p, r)))
		return err;
	p = skip_ws(p);
	if ((err = parse_op(&c, &p, r)))
		return err;
	p = skip_ws(p);
	if ((err = parse_value(&c, &p, r)))
		return err;
	p = skip_ws(p);
	return parse_for(&c, &p, r);
}

int ri_rules_add(struct ri_ruleset *rs, const char *line, struct ri_rule_error *e)
{
	struct ri_rule r;
	int ret = ri_rule_parse(line, &r, e);

	if (ret)
		return ret;
	if (rs->n >= RI_MAX_RULES) {
		e->pos = 0;
		snprintf(e->what, sizeof(e->what), "at most %d rules in all", RI_MAX_RULES);
		return -E2BIG;
	}
	rs->v[rs->n++] = r;
	return 0;
}

/* A regular file only: a FIFO or a device would hang or never end. */
static FILE *open_regular(const char *path, int *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*err = -errno;
		close(fd);
	}
	return f;
}

/* Longer lines are refused at once, whatever the file holds after them. */
#define LINE_MAX_BYTES 1024

/*
 * One line of @f into @buf, without its newline: its length, -1 at the
 * end of the file, -2 for a line too long (@buf holds its start) and -3
 * for a NUL byte in it (at *@nul).
 */
static int read_line(FILE *f, char *buf, size_t *nul)
{
	int c, n = 0;

	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n == LINE_MAX_BYTES) {
			buf[n] = '\0';
			return -2;
		}
		if (!c) {
			buf[n] = '\0';
			*nul = (size_t)n;
			return -3;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (c == EOF && !n)
		return -1;
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return n;
}

int ri_rules_read_file(const char *path, struct ri_ruleset *rs, size_t *lineno,
		       char *bad, size_t badlen, struct ri_rule_error *e)
{
	char line[LINE_MAX_BYTES + 1];
	size_t nul = 0;
	int err = 0, n;
	FILE *f = open_regular(path, &err);

	*lineno = 0;
	if (!f)
		return err;
	while ((n = read_line(f, line, &nul)) != -1) {
		(*lineno)++;
		memset(e, 0, sizeof(*e));
		if (n == -2) {
			e->pos = LINE_MAX_BYTES;
			snprintf(e->what, sizeof(e->what),
				 "expected the end of the line (at most %d bytes)", LINE_MAX_BYTES);
			err = -EINVAL;
		} else if (n == -3) {
			e->pos = nul;
			snprintf(e->what, sizeof(e->what), "expected text, not a NUL byte");
			err = -EINVAL;
		} else {
			err = ri_rules_add(rs, line, e);
			err = err > 0 ? 0 : err;
		}
		if (err) {
			snprintf(bad, badlen, "%s", line);
			break;
		}
	}
	if (!err && ferror(f)) {
		err = -EIO;
		*lineno = 0;
	}
	fclose(f);
	return err;
}

void ri_rule_error_print(FILE *f, const char *where, const char *line,
			 const struct ri_rule_error *e)
{
	char shown[4 * RI_RULE_TEXT + 64];
	size_t col;

	/* The line as the terminal shows it, and the caret's column under it. */
	ri_shown(shown, sizeof(shown), line, INT_MAX, e->pos, &col);

	if (col > sizeof(shown))
		col = sizeof(shown);
	fprintf(f, "%s: %s\n  %s\n  %*s^\n", where, e->what, shown, (int)col, "");
}
