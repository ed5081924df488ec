// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The row seam (see rows.h). One build: filter the model's processes,
 * fold the short-lived, make nodes (processes, folds, cgroups), give each
 * its parent for the view, sum what a collapsed or grouped row stands
 * for, sort all nodes once and link each parent's children in that
 * order, then walk the nodes depth first into rows. Expansion is kept by
 * PID, collapse in the tree by PID, opened groups by their key, and the
 * selection by the key of its row, so all of them survive refreshes,
 * re-sorting and processes coming and going.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

/* Parent chains longer than this are taken for a loop (bad data) and cut. */
#define MAX_DEPTH 256
/* Histories of groups kept at most, and ticks one outlives its group. */
#define MAX_GROUP_HIST 512
#define GROUP_HIST_TTL 60

struct ri_rows_node {
	enum ri_row_kind kind; /* RI_ROW_PROC, RI_ROW_FOLD or RI_ROW_CGROUP */
	struct ri_proc *p;     /* RI_ROW_PROC */
	int32_t group;         /* index in groups[], -1 for a process */
	int32_t parent;        /* node index, -1: a root */
	int32_t kid, last_kid, next; /* children in key order */
	int32_t sum;           /* index in sums[]: a collapsed subtree's */
	bool collapsed;
	bool counts;           /* its figures are this interval's */
};

/*
 * A fold's or a cgroup's history is drawn as a table sparkline only: as many
 * 8-bit samples as the widest one shows (60 cells, two samples a cell in
 * braille).
 */
#define GROUP_HIST_LEN 120

struct ri_group_hist {
	struct ri_row_key key;
	struct ri_hist *hist;
	uint32_t idle; /* ticks since its group was last a row */
	bool seen;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* --- what is kept across builds ----------------------------------------- */

static bool pid_in(const pid_t *v, size_t n, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

static int pid_set(pid_t **v, size_t *n, size_t *cap, pid_t pid, bool on)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if ((*v)[i] != pid)
			continue;
		if (!on)
			(*v)[i] = (*v)[--*n];
		return 0;
	}
	if (!on)
		return 0;
	if (grow((void **)v, cap, *n + 1, sizeof(pid_t)))
		return -ENOMEM;
	(*v)[(*n)++] = pid;
	return 0;
}

bool ri_rows_is_expanded(const struct ri_rows *r, pid_t pid)
{
	return pid_in(r->expanded, r->nexpanded, pid);
}

int ri_rows_set_expanded(struct ri_rows *r, pid_t pid, bool on)
{
	return pid_set(&r->expanded, &r->nexpanded, &r->expanded_cap, pid, on);
}

bool ri_rows_is_collapsed(const struct ri_rows *r, pid_t pid)
{
	return pid_in(r->collapsed, r->ncollapsed, pid);
}

int ri_rows_set_collapsed(struct ri_rows *r, pid_t pid, bool on)
{
	return pid_set(&r->collapsed, &r->ncollapsed, &r->collapsed_cap, pid, on);
}

bool ri_row_key_eq(const struct ri_row_key *a, const struct ri_row_key *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case RI_ROW_PROC:
		return a->pid == b->pid;
	case RI_ROW_THREAD:
		return a->pid == b->pid && a->tid == b->tid;
	case RI_ROW_FOLD:
		return a->pid == b->pid && a->cgroup == b->cgroup &&
		       !strncmp(a->comm, b->comm, RI_COMM_LEN);
	case RI_ROW_CGROUP:
		return a->cgroup == b->cgroup;
	}
	return false;
}

static void group_key(const struct ri_group *g, struct ri_row_key *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = g->kind;
	k->cgroup = g->cgroup_id;
	if (g->kind == RI_ROW_FOLD) {
		k->pid = g->ppid;
		memcpy(k->comm, g->comm, RI_COMM_LEN);
	}
}

void ri_row_key(const struct ri_row *row, struct ri_row_key *k)
{
	if (row->g) {
		group_key(row->g, k);
		return;
	}
	memset(k, 0, sizeof(*k));
	k->kind = row->kind;
	k->pid = row->p ? row->p->pid : 0;
	k->tid = row->t ? row->t->tid : 0;
}

bool ri_rows_is_open(const struct ri_rows *r, const struct ri_row_key *k)
{
	size_t i;

	for (i = 0; i < r->nopen; i++)
		if (ri_row_key_eq(&r->open[i], k))
			return true;
	return false;
}

int ri_rows_set_open(struct ri_rows *r, const struct ri_row_key *k, bool on)
{
	size_t i;

	for (i = 0; i < r->nopen; i++) {
		if (!ri_row_key_eq(&r->open[i], k))
			continue;
		if (!on)
			r->open[i] = r->open[--r->nopen];
		return 0;
	}
	if (!on)
		return 0;
	if (grow((void **)&r->open, &r->open_cap, r->nopen + 1, sizeof(*r->open)))
		return -ENOMEM;
	r->open[r->nopen++] = *k;
	return 0;
}

/* --- matching ------------------------------------------------------------ */

static bool has_substr_nocase(const char *hay, size_t n, const char *needle)
{
	size_t i, j, k = strlen(needle);

	for (i = 0; i + k <= n && hay[i]; i++) {
		for (j = 0; j < k; j++) {
			unsigned char a = (unsigned char)hay[i + j];
			unsigned char b = (unsigned char)needle[j];

			if (!a)
				return false;
			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (b >= 'A' && b <= 'Z')
				b += 'a' - 'A';
			if (a != b)
				break;
		}
		if (j == k)
			return true;
	}
	return false;
}

bool ri_row_matches(const struct ri_row *row, const char *needle)
{
	char pid[16];

	if (!needle || !needle[0])
		return true;
	if (row->kind == RI_ROW_CGROUP)
		return false;
	if (row->kind == RI_ROW_FOLD)
		return has_substr_nocase(row->g->comm, RI_COMM_LEN, needle);
	if (has_substr_nocase(row->t ? row->t->comm : row->p->comm, RI_COMM_LEN,
			      needle))
		return true;
	snprintf(pid, sizeof(pid), "%d", row->t ? row->t->tid : row->p->pid);
	return !strncmp(pid, needle, strlen(needle));
}

/* A process stays when it or one of its threads matches the filter. */
static bool proc_matches(struct ri_proc *p, const char *filter)
{
	struct ri_row row = { .kind = RI_ROW_PROC, .p = p };
	struct ri_thread *t;

	if (ri_row_matches(&row, filter))
		return true;
	for (t = p->threads; t; t = t->next) {
		row.t = t;
		if (ri_row_matches(&row, filter))
			return true;
	}
	return false;
}

static bool keep(struct ri_proc *p, const struct ri_rows_opts *o)
{
	if (o->hide_kthreads && p->kthread)
		return false;
	if (o->by_user && p->uid != o->uid)
		return false;
	return proc_matches(p, o->filter);
}

/* --- sums ---------------------------------------------------------------- */

void ri_fig_add(struct ri_fig *a, const struct ri_fig *b)
{
	for (int i = 0; i < RI_C_COUNT; i++) {
		a->n[i] += b->n[i];
		a->rate[i] += b->rate[i];
	}
	a->cpu_pct += b->cpu_pct;
	a->mem_pct += b->mem_pct;
	a->cpu_total_ns += b->cpu_total_ns;
	a->rss_bytes += b->rss_bytes;
	a->csw_ps += b->csw_ps;
	a->wait_pct += b->wait_pct;
	a->wait_avg_ns = a->n[RI_C_PCOUNT] ?
				 (double)a->n[RI_C_RUN_DELAY] / (double)a->n[RI_C_PCOUNT] :
				 0;
	a->disk_na |= b->disk_na;
	a->net_na |= b->net_na;
	a->states_na |= b->states_na;
	a->wait_na |= b->wait_na;
	a->newer_na |= b->newer_na;
	a->cpu = -1; /* a sum ran on no one CPU */
}

/* Whether a process's figures are this interval's (not a lingering exit's). */
static bool counts_now(const struct ri_proc *p)
{
	return !p->exited || p->gone_ticks == 0;
}

/* --- folding ------------------------------------------------------------- */

static uint32_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t fold_hash(pid_t ppid, const char *comm, uint64_t cg)
{
	uint64_t h = (uint64_t)(uint32_t)ppid * 0x9e3779b97f4a7c15ULL ^ cg;
	size_t i;

	for (i = 0; i < RI_COMM_LEN && comm[i]; i++)
		h = (h ^ (unsigned char)comm[i]) * 0x100000001b3ULL;
	return hash_mix(h);
}

static size_t table_size(size_t n)
{
	size_t s = 16;

	while (s < 2 * n)
		s *= 2;
	return s;
}

static int new_group(struct ri_rows *r, enum ri_row_kind kind)
{
	struct ri_group *g;

	if (grow((void **)&r->groups, &r->groups_cap, r->ngroups + 1,
		 sizeof(*r->groups)))
		return -1;
	g = &r->groups[r->ngroups];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->node = -1;
	g->fig.cpu = -1;
	return (int)r->ngroups++;
}

/*
 * Groups the exited processes of @np in pbuf by parent and name (and
 * cgroup in the grouped view). Of a name that exited twice or more, the
 * ones of this interval become members of its fold and the earlier ones
 * are hidden; a lone exit stays a row of its own. @as[i] says which:
 * -1 a row of its own, -2 hidden, else the fold's group index.
 */
static int fold(struct ri_rows *r, size_t np, bool by_cgroup, int32_t *as)
{
	size_t i, nex = 0, ts, mask, total = 0;
	int32_t *tab;

	for (i = 0; i < np; i++)
		nex += r->pbuf[i]->exited;
	for (i = 0; i < np; i++)
		as[i] = -1;
	if (!nex)
		return 0;
	ts = table_size(nex);
	mask = ts - 1;
	if (grow((void **)&r->slots, &r->slots_cap, np + ts, sizeof(int32_t)))
		return -ENOMEM;
	as = r->slots; /* may have moved */
	tab = r->slots + np;
	for (i = 0; i < ts; i++)
		tab[i] = -1;
	for (i = 0; i < np; i++) {
		struct ri_proc *p = r->pbuf[i];
		uint64_t cg = by_cgroup ? ri_proc_view_cgroup(p) : 0;
		size_t h;
		int g;

		if (!p->exited)
			continue;
		for (h = fold_hash(p->ppid, p->comm, cg) & mask;; h = (h + 1) & mask) {
			struct ri_group *x;

			if (tab[h] < 0) {
				g = new_group(r, RI_ROW_FOLD);
				if (g < 0)
					return -ENOMEM;
				x = &r->groups[g];
				x->ppid = p->ppid;
				memcpy(x->comm, p->comm, RI_COMM_LEN);
				x->cgroup_id = cg;
				x->uid = p->uid;
				tab[h] = g;
				break;
			}
			x = &r->groups[tab[h]];
			if (x->ppid == p->ppid && x->cgroup_id == cg &&
			    !strncmp(x->comm, p->comm, RI_COMM_LEN)) {
				g = tab[h];
				break;
			}
		}
		r->groups[g].nall++;
		if (p->gone_ticks == 0)
			r->groups[g].count++;
		as[i] = g;
	}
	/* Members in one list, each fold's together. */
	for (i = 0; i < r->ngroups; i++) {
		r->groups[i].moff = total;
		if (r->groups[i].nall >= 2)
			total += r->groups[i].count;
	}
	if (grow((void **)&r->members, &r->members_cap, total + 1,
		 sizeof(*r->members)))
		return -ENOMEM;
	for (i = 0; i < r->ngroups; i++)
		r->groups[i].nexited = 0; /* counts the members placed */
	for (i = 0; i < np; i++) {
		struct ri_proc *p = r->pbuf[i];
		struct ri_group *g;

		if (as[i] < 0)
			continue;
		g = &r->groups[as[i]];
		if (g->nall < 2) {
			as[i] = -1;
		} else if (p->gone_ticks) {
			as[i] = -2;
		} else {
			r->members[g->moff + g->nexited++] = p;
			ri_fig_add(&g->fig, &p->fig);
		}
	}
	return 0;
}

/* --- nodes --------------------------------------------------------------- */

static int new_node(struct ri_rows *r, size_t *n, enum ri_row_kind kind,
		    struct ri_proc *p, int group)
{
	struct ri_rows_node *x;

	if (grow((void **)&r->nodes, &r->nodes_cap, *n + 1, sizeof(*r->nodes)))
		return -1;
	x = &r->nodes[*n];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->p = p;
	x->group = group;
	x->parent = x->kid = x->last_kid = x->next = x->sum = -1;
	x->counts = p ? counts_now(p) : true;
	if (group >= 0)
		r->groups[group].node = (int32_t)*n;
	return (int)(*n)++;
}

/* Tree: each process under its parent's node when that is listed. */
static int tree_parents(struct ri_rows *r, size_t nn)
{
	size_t ts = table_size(nn), mask = ts - 1, i, h;
	int32_t *tab;

	if (grow((void **)&r->slots, &r->slots_cap, ts, sizeof(int32_t)))
		return -ENOMEM;
	tab = r->slots;
	for (i = 0; i < ts; i++)
		tab[i] = -1;
	for (i = 0; i < nn; i++) {
		struct ri_proc *p = r->nodes[i].p;

		if (r->nodes[i].kind != RI_ROW_PROC)
			continue;
		for (h = hash_mix((uint32_t)p->pid) & mask; tab[h] >= 0; h = (h + 1) & mask) {
			/* Two processes of one PID (an exit and its successor): the live one. */
			if (r->nodes[tab[h]].p->pid == p->pid) {
				if (r->nodes[tab[h]].p->exited && !p->exited)
					tab[h] = (int32_t)i;
				break;
			}
		}
		if (tab[h] < 0)
			tab[h] = (int32_t)i;
	}
	for (i = 0; i < nn; i++) {
		struct ri_rows_node *x = &r->nodes[i];
		pid_t ppid = x->kind == RI_ROW_PROC ? x->p->ppid : r->groups[x->group].ppid;

		if (ppid <= 0)
			continue;
		for (h = hash_mix((uint32_t)ppid) & mask; tab[h] >= 0; h = (h + 1) & mask) {
			if (r->nodes[tab[h]].p->pid == ppid) {
				if ((size_t)tab[h] != i)
					x->parent = tab[h];
				break;
			}
		}
	}
	/* Cut loops (a parent chain that never ends), which only bad data makes. */
	for (i = 0; i < nn; i++) {
		int32_t a = r->nodes[i].parent;
		int steps = 0;

		while (a >= 0 && ++steps < MAX_DEPTH)
			a = r->nodes[a].parent;
		if (a >= 0)
			r->nodes[i].parent = -1;
	}
	for (i = 0; i < nn; i++) {
		struct ri_rows_node *x = &r->nodes[i];

		if (x->parent >= 0)
			r->nodes[x->parent].kid = 0; /* has children, for now */
	}
	for (i = 0; i < nn; i++) {
		struct ri_rows_node *x = &r->nodes[i];

		x->collapsed = x->kind == RI_ROW_PROC && x->kid == 0 &&
			       ri_rows_is_collapsed(r, x->p->pid);
		x->kid = -1;
	}
	return 0;
}

/* Tree: what a collapsed process stands for, its own and all below it. */
static int tree_sums(struct ri_rows *r, size_t nn)
{
	size_t i, ns = 0;

	for (i = 0; i < nn; i++)
		ns += r->nodes[i].collapsed;
	if (!ns)
		return 0;
	if (grow((void **)&r->sums, &r->sums_cap, ns, sizeof(*r->sums)))
		return -ENOMEM;
	ns = 0;
	for (i = 0; i < nn; i++) {
		if (!r->nodes[i].collapsed)
			continue;
		r->nodes[i].sum = (int32_t)ns;
		r->sums[ns++] = r->nodes[i].p->fig;
	}
	for (i = 0; i < nn; i++) {
		const struct ri_rows_node *x = &r->nodes[i];
		const struct ri_fig *f = x->kind == RI_ROW_PROC ? &x->p->fig :
								&r->groups[x->group].fig;
		int32_t a;

		if (!x->counts)
			continue;
		for (a = x->parent; a >= 0; a = r->nodes[a].parent)
			if (r->nodes[a].collapsed)
				ri_fig_add(&r->sums[r->nodes[a].sum], f);
	}
	return 0;
}

/* Grouped view: one node per cgroup, over the processes and folds in it. */
static int cgroup_parents(struct ri_rows *r, size_t *nn)
{
	size_t n0 = *nn, ts = table_size(n0), mask = ts - 1, i, h;
	int32_t *tab;

	if (grow((void **)&r->slots, &r->slots_cap, ts, sizeof(int32_t)))
		return -ENOMEM;
	for (i = 0; i < ts; i++)
		r->slots[i] = -1;
	for (i = 0; i < n0; i++) {
		struct ri_rows_node *x = &r->nodes[i];
		uint64_t cg = x->kind == RI_ROW_PROC ? ri_proc_view_cgroup(x->p) :
						       r->groups[x->group].cgroup_id;
		struct ri_group *g;
		int gi, ni;

		tab = r->slots;
		for (h = hash_mix(cg) & mask; tab[h] >= 0; h = (h + 1) & mask)
			if (r->groups[r->nodes[tab[h]].group].cgroup_id == cg)
				break;
		if (tab[h] < 0) {
			gi = new_group(r, RI_ROW_CGROUP);
			if (gi < 0)
				return -ENOMEM;
			r->groups[gi].cgroup_id = cg;
			ni = new_node(r, nn, RI_ROW_CGROUP, NULL, gi);
			if (ni < 0)
				return -ENOMEM;
			x = &r->nodes[i];
			r->slots[h] = ni;
		}
		x->parent = r->slots[h];
		g = &r->groups[r->nodes[x->parent].group];
		if (x->kind == RI_ROW_PROC) {
			if (!g->count)
				g->uid = x->p->uid;
			g->count++;
			if (x->p->exited && x->p->gone_ticks == 0)
				g->nexited++;
			if (x->counts)
				ri_fig_add(&g->fig, &x->p->fig);
		} else {
			struct ri_group *f = &r->groups[x->group];

			if (!g->count)
				g->uid = f->uid;
			g->count += f->count;
			g->nexited += f->count;
			ri_fig_add(&g->fig, &f->fig);
		}
	}
	return 0;
}

/* Sorts every node once, then links each parent's children in that order. */
bool ri_cgroup_view_value(const struct ri_cgroup_fig *cf, enum ri_cg_view c, double *v)
{
	const struct ri_cgroup *cg = cf ? &cf->cg : NULL;

	*v = 0;
	if (!cg)
		return false;
	switch (c) {
	case RI_CGV_MEM:
		*v = (double)cg->mem_usage;
		return cg->have & (1u << RI_CGF_mem_usage);
	case RI_CGV_TASKS:
		*v = (double)cg->pids_current;
		return cg->have & (1u << RI_CGF_pids_current);
	case RI_CGV_THROTTLED:
		/* Only under a quota: a cgroup with none is never throttled. */
		*v = cf->throttled_pct;
		return cf->primed && (cg->have & (1u << RI_CGF_nr_periods)) &&
		       (cg->have & (1u << RI_CGF_cpu_quota_us)) && cg->cpu_quota_us != RI_CG_NONE;
	case RI_CGV_PSI_CPU:
	case RI_CGV_PSI_MEM:
	case RI_CGV_PSI_IO:
		*v = cf->psi_pct[c - RI_CGV_PSI_CPU];
		return cf->psi_known[c - RI_CGV_PSI_CPU];
	default:
		return false;
	}
}

/* A row's cgroup figures as sort keys: a cgroup row's own, a process's cgroup's. */
static void cgv_items(struct ri_sort_item *it, const struct ri_cgroup_fig *cf)
{
	for (int c = 0; c < RI_CGV_COUNT; c++) {
		double v;

		it->cgv[c] = ri_cgroup_view_value(cf, (enum ri_cg_view)c, &v) ? v : -INFINITY;
	}
}

static int sort_and_link(struct ri_rows *r, const struct ri_model *m, size_t nn,
			 const struct ri_rows_opts *o, int32_t *root, int32_t *root_last)
{
	size_t i;

	if (grow((void **)&r->items, &r->items_cap, nn + 1, sizeof(*r->items)))
		return -ENOMEM;
	for (i = 0; i < nn; i++) {
		struct ri_rows_node *x = &r->nodes[i];
		struct ri_sort_item *it = &r->items[i];

		if (x->kind == RI_ROW_PROC) {
			ri_sort_item_proc(it, x->p);
			if (x->sum >= 0)
				it->fig = &r->sums[x->sum];
			cgv_items(it, ri_proc_cgroup(m, x->p));
		} else {
			const struct ri_group *g = &r->groups[x->group];

			memset(it, 0, sizeof(*it));
			it->fig = &g->fig;
			it->comm = g->comm;
			it->pid = g->kind == RI_ROW_FOLD ? g->ppid : 0;
			it->uid = g->uid;
			it->growth = -INFINITY;
			it->room = -INFINITY;
			it->eta = INFINITY;
			cgv_items(it, g->kind == RI_ROW_CGROUP ? ri_model_cgroup(m, g->cgroup_id) :
								 NULL);
			/* A cgroup row sorts by HEADROOM as its own limits have it. */
			if (g->kind == RI_ROW_CGROUP) {
				const struct ri_cgroup_fig *cf = ri_model_cgroup(m, g->cgroup_id);
				double pct;

				if (cf && ri_cgroup_scarce(&cf->cg, &pct) >= 0)
					it->room = pct;
			}
		}
		it->ref = i;
	}
	ri_sort_items(r->items, nn, o->sort, o->reverse);
	*root = *root_last = -1;
	for (i = 0; i < nn; i++) {
		int32_t k = (int32_t)r->items[i].ref;
		struct ri_rows_node *x = &r->nodes[k];
		int32_t *first, *last;

		if (x->parent >= 0) {
			first = &r->nodes[x->parent].kid;
			last = &r->nodes[x->parent].last_kid;
		} else {
			first = root;
			last = root_last;
		}
		if (*last >= 0)
			r->nodes[*last].next = k;
		else
			*first = k;
		*last = k;
	}
	return 0;
}

/* --- group histories ----------------------------------------------------- */

static struct ri_group_hist *gh_find(struct ri_rows *r, const struct ri_row_key *k)
{
	size_t i;

	for (i = 0; i < r->ngh; i++)
		if (ri_row_key_eq(&r->gh[i].key, k))
			return &r->gh[i];
	return NULL;
}

static void group_hist_links(struct ri_rows *r)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		struct ri_group *g = &r->groups[i];
		struct ri_group_hist *h;
		struct ri_row_key k;

		if (g->node < 0)
			continue;
		group_key(g, &k);
		h = gh_find(r, &k);
		g->hist = h ? h->hist : NULL;
	}
}

/*
 * Once per tick: each group that is a row takes a sample; a group known
 * but absent takes a zero (its swarm paused), and is forgotten after a
 * while. Pointers into gh[] are handed out only after this.
 */
static void group_histories(struct ri_rows *r, const struct ri_model *m)
{
	static const struct ri_fig zero;
	bool tick = m->tick != r->gh_tick;
	size_t i;

	for (i = 0; i < r->ngh; i++)
		r->gh[i].seen = false;
	for (i = 0; i < r->ngroups; i++) {
		struct ri_group *g = &r->groups[i];
		struct ri_group_hist *h;
		struct ri_row_key k;

		if (g->node < 0)
			continue;
		group_key(g, &k);
		h = gh_find(r, &k);
		if (!h && r->ngh < MAX_GROUP_HIST &&
		    !grow((void **)&r->gh, &r->gh_cap, r->ngh + 1, sizeof(*r->gh))) {
			struct ri_hist *hist = ri_hist_new(GROUP_HIST_LEN, RI_HIST_ALL, true);

			if (hist) {
				h = &r->gh[r->ngh++];
				memset(h, 0, sizeof(*h));
				h->key = k;
				h->hist = hist;
			}
		}
		if (!h)
			continue;
		h->seen = true;
		h->idle = 0;
		if (tick)
			ri_hist_sample(h->hist, &g->fig);
	}
	if (!tick) {
		group_hist_links(r);
		return;
	}
	r->gh_tick = m->tick;
	for (i = 0; i < r->ngh;) {
		struct ri_group_hist *h = &r->gh[i];

		if (!h->seen && ++h->idle > GROUP_HIST_TTL) {
			free(h->hist);
			*h = r->gh[--r->ngh];
			continue;
		}
		if (!h->seen)
			ri_hist_sample(h->hist, &zero);
		i++;
	}
	group_hist_links(r);
}

/* --- rows ---------------------------------------------------------------- */

static int push_row(struct ri_rows *r, const struct ri_row *row)
{
	if (grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	r->v[r->n++] = *row;
	return 0;
}

static uint32_t child_more(uint32_t more, int depth, bool last)
{
	if (depth >= 1 && depth < 32 && !last)
		more |= 1u << depth;
	return more;
}

/* @last_too: nothing follows the threads at their depth (no child processes). */
static int push_threads(struct ri_rows *r, struct ri_proc *p,
			const struct ri_rows_opts *o, int depth, uint32_t more,
			bool last_too)
{
	struct ri_thread *t;
	size_t n = 0, i;

	for (t = p->threads; t; t = t->next)
		n++;
	if (!n)
		return 0;
	if (grow((void **)&r->tbuf, &r->tbuf_cap, n, sizeof(*r->tbuf)))
		return -ENOMEM;
	n = 0;
	for (t = p->threads; t; t = t->next)
		r->tbuf[n++] = t;
	ri_sort_threads(r->tbuf, n, o->sort, o->reverse);
	for (i = 0; i < n; i++) {
		struct ri_row row = {
			.kind = RI_ROW_THREAD, .p = p, .t = r->tbuf[i],
			.fig = &r->tbuf[i]->fig, .hist = r->tbuf[i]->hist,
			.depth = depth, .more = more,
			.last = i == n - 1 && last_too,
		};

		if (push_row(r, &row))
			return -ENOMEM;
	}
	return 0;
}

static int push_members(struct ri_rows *r, const struct ri_group *g,
			const struct ri_rows_opts *o, int depth, uint32_t more)
{
	size_t i;

	for (i = 0; i < g->count; i++) {
		struct ri_proc *p = g->members[i];
		struct ri_row row = {
			.kind = RI_ROW_PROC, .p = p, .fig = &p->fig,
			.hist = p->hist, .depth = depth, .more = more,
			.last = i == g->count - 1, .member = true,
		};

		if (push_row(r, &row))
			return -ENOMEM;
	}
	(void)o;
	return 0;
}

static int emit(struct ri_rows *r, const struct ri_rows_opts *o, int32_t k,
		int depth, uint32_t more, bool last)
{
	struct ri_rows_node *x = &r->nodes[k];
	struct ri_row row = { .kind = x->kind, .depth = depth, .more = more,
			      .last = last };
	uint32_t cm = child_more(more, depth, last);
	int32_t c;
	int err;

	if (x->kind == RI_ROW_PROC) {
		row.p = x->p;
		row.fig = x->sum >= 0 ? &r->sums[x->sum] : &x->p->fig;
		row.hist = x->p->hist;
		row.has_kids = x->kid >= 0;
		row.collapsed = x->collapsed;
		row.expanded = o->all_threads || ri_rows_is_expanded(r, x->p->pid);
	} else {
		struct ri_group *g = &r->groups[x->group];
		struct ri_row_key key;

		group_key(g, &key);
		row.g = g;
		row.p = g->first;
		row.fig = &g->fig;
		row.hist = g->hist;
		row.has_kids = true;
		row.expanded = ri_rows_is_open(r, &key);
	}
	if ((err = push_row(r, &row)))
		return err;
	if (x->kind == RI_ROW_PROC && row.expanded &&
	    (err = push_threads(r, x->p, o, depth + 1, cm,
				x->kid < 0 || x->collapsed)))
		return err;
	if (x->kind == RI_ROW_FOLD) {
		if (row.expanded)
			return push_members(r, row.g, o, depth + 1, cm);
		return 0;
	}
	if (x->collapsed || (x->kind == RI_ROW_CGROUP && !row.expanded))
		return 0;
	if (depth + 1 >= MAX_DEPTH)
		return 0;
	for (c = x->kid; c >= 0; c = r->nodes[c].next)
		if ((err = emit(r, o, c, depth + 1, cm, r->nodes[c].next < 0)))
			return err;
	return 0;
}

/* The busiest member first (as the rows sort): what a fold row stands on. */
static void sort_members(struct ri_rows *r, const struct ri_rows_opts *o)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		struct ri_group *g = &r->groups[i];

		if (g->kind != RI_ROW_FOLD || g->node < 0)
			continue;
		g->members = r->members + g->moff;
		ri_sort_procs(g->members, g->count, o->sort, o->reverse);
		g->first = g->members[0];
	}
}

/* A cgroup row stands on its first process. */
static void cgroup_firsts(struct ri_rows *r)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		struct ri_group *g = &r->groups[i];
		int32_t c;

		if (g->kind != RI_ROW_CGROUP || g->node < 0)
			continue;
		c = r->nodes[g->node].kid;
		if (c < 0)
			continue;
		g->first = r->nodes[c].kind == RI_ROW_PROC ?
				   r->nodes[c].p :
				   r->groups[r->nodes[c].group].first;
	}
}

/* Puts the selection back on the row it was on, wherever it moved. */
static void follow_selection(struct ri_rows *r)
{
	struct ri_row_key k;
	size_t i;

	/* Until the user moves, the cursor stays on the top (busiest) row. */
	if (!r->pinned) {
		ri_rows_select(r, 0);
		return;
	}
	for (i = 0; i < r->n; i++) {
		ri_row_key(&r->v[i], &k);
		if (ri_row_key_eq(&k, &r->sel_key)) {
			r->sel = i;
			return;
		}
	}
	/* A vanished thread: fall back to its process, else keep the slot. */
	if (r->sel_key.kind == RI_ROW_THREAD) {
		for (i = 0; i < r->n; i++) {
			if (r->v[i].kind == RI_ROW_PROC && r->v[i].p->pid == r->sel_key.pid) {
				ri_rows_select(r, i);
				return;
			}
		}
	}
	ri_rows_select(r, r->n && r->sel >= r->n ? r->n - 1 : r->sel);
}

int ri_rows_build(struct ri_rows *r, const struct ri_model *m,
		  const struct ri_rows_opts *o)
{
	size_t np = 0, nn = 0, i;
	int32_t root, root_last, c, *as;
	int err;

	r->n = 0;
	r->ngroups = 0;
	if (grow((void **)&r->pbuf, &r->pbuf_cap, m->nprocs + 1, sizeof(*r->pbuf)) ||
	    grow((void **)&r->slots, &r->slots_cap, m->nprocs + 1, sizeof(int32_t)))
		return -ENOMEM;
	for (i = 0; i < m->nprocs; i++)
		if (keep(m->procs[i], o))
			r->pbuf[np++] = m->procs[i];
	if (o->fold) {
		if ((err = fold(r, np, o->view == RI_VIEW_CGROUP, r->slots)))
			return err;
	} else {
		for (i = 0; i < np; i++)
			r->slots[i] = -1;
	}
	as = r->slots;
	for (i = 0; i < np; i++)
		if (as[i] == -1 && new_node(r, &nn, RI_ROW_PROC, r->pbuf[i], -1) < 0)
			return -ENOMEM;
	for (i = 0; i < r->ngroups; i++) {
		if (r->groups[i].nall >= 2 && r->groups[i].count &&
		    new_node(r, &nn, RI_ROW_FOLD, NULL, (int)i) < 0)
			return -ENOMEM;
	}
	if (o->view == RI_VIEW_TREE) {
		if ((err = tree_parents(r, nn)) || (err = tree_sums(r, nn)))
			return err;
	} else if (o->view == RI_VIEW_CGROUP) {
		if ((err = cgroup_parents(r, &nn)))
			return err;
	}
	if ((err = sort_and_link(r, m, nn, o, &root, &root_last)))
		return err;
	sort_members(r, o);
	cgroup_firsts(r);
	if (o->group_history)
		group_histories(r, m);
	else
		group_hist_links(r);
	for (c = root; c >= 0; c = r->nodes[c].next)
		if ((err = emit(r, o, c, 0, 0, r->nodes[c].next < 0)))
			return err;
	follow_selection(r);
	return 0;
}

void ri_rows_select(struct ri_rows *r, size_t i)
{
	const struct ri_row *row;

	if (!r->n) {
		r->sel = 0;
		return;
	}
	if (i >= r->n)
		i = r->n - 1;
	row = &r->v[i];
	r->sel = i;
	ri_row_key(row, &r->sel_key);
	r->sel_pid = row->kind <= RI_ROW_THREAD ? row->p->pid : 0;
	r->sel_tid = row->t ? row->t->tid : 0;
}

void ri_rows_pick(struct ri_rows *r, size_t i)
{
	r->pinned = true;
	ri_rows_select(r, i);
}

void ri_rows_move(struct ri_rows *r, long delta)
{
	long i = (long)r->sel + delta;

	r->pinned = true;
	if (i < 0)
		i = 0;
	ri_rows_select(r, (size_t)i);
}

const struct ri_row *ri_rows_selected(const struct ri_rows *r)
{
	return r->sel < r->n ? &r->v[r->sel] : NULL;
}

void ri_rows_free(struct ri_rows *r)
{
	size_t i;

	free(r->v);
	free(r->expanded);
	free(r->collapsed);
	free(r->open);
	free(r->pbuf);
	free(r->tbuf);
	free(r->nodes);
	free(r->items);
	free(r->sums);
	free(r->members);
	free(r->slots);
	free(r->groups);
	for (i = 0; i < r->ngh; i++)
		free(r->gh[i].hist);
	free(r->gh);
	memset(r, 0, sizeof(*r));
}
