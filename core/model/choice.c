// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The user's choice of processes: by PID (bound to the process that had
 * the PID when it was first seen chosen) and by name (any process whose
 * leader has that name, including ones that start later), and the
 * kernel-side filter it implies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

bool ri_model_has_choice(const struct ri_model *m)
{
	return m->nchoice_pids || m->nchoice_names;
}

bool ri_model_name_chosen(const struct ri_model *m, const char *comm)
{
	size_t i;

	for (i = 0; i < m->nchoice_names; i++)
		if (!strncmp(m->choice_names[i], comm, RI_COMM_LEN))
			return true;
	return false;
}

bool ri_model_pid_chosen(const struct ri_model *m, pid_t pid)
{
	size_t i;

	for (i = 0; i < m->nchoice_pids; i++)
		if (m->choice_pids[i] == pid)
			return true;
	return false;
}

/*
 * A PID choice binds to the process that had the PID when it was first
 * seen chosen: a later process reusing the PID is someone else.
 */
bool ri_choice_takes(struct ri_model *m, struct ri_proc *pr)
{
	size_t i;

	if (!ri_model_has_choice(m))
		return true;
	if (pr->by_name)
		return true;
	if (ri_model_name_chosen(m, pr->comm)) {
		pr->by_name = true;
		return true;
	}
	for (i = 0; i < m->nchoice_pids; i++) {
		if (m->choice_pids[i] != pr->pid)
			continue;
		if (!m->choice_starts[i] && !pr->exited)
			m->choice_starts[i] = pr->start_ns;
		return m->choice_starts[i] == pr->start_ns;
	}
	return false;
}

int ri_choice_set(struct ri_model *m, const pid_t *pids, size_t npids,
		  const char (*names)[RI_COMM_LEN], size_t nnames)
{
	pid_t *np = NULL;
	uint64_t *ns = NULL;
	char(*nn)[RI_COMM_LEN] = NULL;
	struct ri_proc *pr;
	size_t i, j;

	if (npids > RI_MAX_CHOSEN_PIDS || nnames > RI_MAX_CHOSEN_NAMES)
		return -E2BIG;
	if (npids) {
		np = malloc(npids * sizeof(*np));
		ns = calloc(npids, sizeof(*ns));
		if (!np || !ns)
			goto nomem;
		memcpy(np, pids, npids * sizeof(*np));
	}
	if (nnames) {
		nn = calloc(nnames, sizeof(*nn));
		if (!nn)
			goto nomem;
		for (i = 0; i < nnames; i++)
			strncpy(nn[i], names[i], RI_COMM_LEN - 1);
	}
	/* Keep the binding of PIDs that stay chosen. */
	for (i = 0; i < npids; i++)
		for (j = 0; j < m->nchoice_pids; j++)
			if (m->choice_pids[j] == np[i])
				ns[i] = m->choice_starts[j];
	free(m->choice_pids);
	free(m->choice_starts);
	free(m->choice_names);
	m->choice_pids = np;
	m->choice_starts = ns;
	m->nchoice_pids = npids;
	m->choice_names = nn;
	m->nchoice_names = nnames;
	for (pr = m->priv->all; pr; pr = pr->all_next)
		pr->by_name = false;
	/*
	 * Tasks of newly chosen processes appear in the next drain with all
	 * their past: count them from that drain on, not from birth.
	 */
	m->priv->baseline_ns = m->clock_ns;
	return 0;
nomem:
	free(np);
	free(ns);
	free(nn);
	return -ENOMEM;
}

size_t ri_model_waiting(const struct ri_model *m, const char **names,
			size_t max)
{
	struct ri_proc *pr;
	size_t i, n = 0;

	for (i = 0; i < m->nchoice_names && n < max; i++) {
		bool found = false;

		for (pr = m->priv->all; pr && !found; pr = pr->all_next)
			found = !pr->exited &&
				!strncmp(pr->comm, m->choice_names[i], RI_COMM_LEN);
		if (!found)
			names[n++] = m->choice_names[i];
	}
	return n;
}

void ri_model_filter(const struct ri_model *m, struct ri_filter *f, pid_t *buf,
		     size_t bufn)
{
	size_t i, n = 0;

	memset(f, 0, sizeof(*f));
	if (!ri_model_has_choice(m))
		return;
	for (i = 0; i < m->nchoice_pids && n < bufn; i++)
		buf[n++] = m->choice_pids[i];
	f->tgids = buf;
	f->ntgids = n;
	f->names = (const char(*)[RI_COMM_LEN])m->choice_names;
	f->nnames = m->nchoice_names;
	/* An empty choice must still filter: say so with a dummy entry. */
	if (!n && !f->nnames && bufn) {
		buf[0] = 0;
		f->ntgids = 1;
	}
}
