// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The limits of a process in JSON: its own (open descriptors, their
 * limit, swap, its PID in its namespace), its headroom against every
 * resource with the time to exhaustion, and the cgroup that bounds it
 * with the interval's throttling and OOM kills. null says unknown (a
 * recording made before limits were read, a process not ours to read),
 * never 0.
 */
#include <inttypes.h>
#include <string.h>

#include "batch_limits.h"
#include "container.h"
#include "format.h"

static void num(FILE *f, const char *key, double v)
{
	fprintf(f, ",\"%s\":%.3f", key, v);
}

static void u64_or_null(FILE *f, const char *key, bool known, uint64_t v)
{
	if (known && v != RI_CG_NONE)
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void room_json(FILE *f, const struct ri_room *r)
{
	fprintf(f, "{\"used\":%" PRIu64 ",\"limit\":%" PRIu64, r->used, r->limit);
	num(f, "pct", r->pct);
	fprintf(f, ",\"own\":%s", r->own ? "true" : "false");
	if (r->trend.valid)
		num(f, "trend_ps", r->trend.bps);
	else
		fputs(",\"trend_ps\":null", f);
	if (r->eta_s >= 0)
		num(f, "eta_s", r->eta_s);
	else
		fputs(",\"eta_s\":null", f);
	fputc('}', f);
}

static void name_or_null(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s[0])
		ri_json_str(f, s, strnlen(s, RI_CT_NAME));
	else
		fputs("null", f);
}

static void cgroup_json(FILE *f, const struct ri_cgroup_fig *cf)
{
	const struct ri_cgroup *cg = &cf->cg;
	struct ri_container ct;

	fputs(",\"limits_cgroup\":{\"path\":", f);
	ri_json_str(f, cg->path, strnlen(cg->path, sizeof(cg->path)));
	fprintf(f, ",\"v1\":%s", cg->flags & RI_CG_V1 ? "true" : "false");
	for (int i = 0; i < RI_CGF_COUNT; i++) {
		const struct ri_cg_field_info *fi = &ri_cg_fields[i];
		uint64_t v = *(const uint64_t *)((const char *)cg + fi->off);

		if (!(cg->have & (1u << i)))
			continue;
		/* A limit not set is null ("max"); times in seconds as named. */
		if (fi->scale != 1 && v != RI_CG_NONE)
			fprintf(f, ",\"%s\":%.6f", fi->json, (double)v * fi->scale);
		else
			u64_or_null(f, fi->json, true, v);
	}
	if (cf->primed && (cg->have & (1u << RI_CGF_nr_periods))) {
		num(f, "throttled_pct", cf->throttled_pct);
		num(f, "throttled_s", cf->throttled_s);
	} else {
		fputs(",\"throttled_pct\":null,\"throttled_s\":null", f);
	}
	u64_or_null(f, "oom_kills_delta", cf->primed && (cg->have & (1u << RI_CGF_ev_oom_kill)),
		    cf->oom_kills);
	/* Its pressure over the interval: % of it some of its tasks stalled. */
	for (int k = 0; k < 3; k++) {
		static const char *const keys[3] = { "psi_cpu_pct", "psi_mem_pct", "psi_io_pct" };

		if (cf->psi_known[k])
			num(f, keys[k], cf->psi_pct[k]);
		else
			fprintf(f, ",\"%s\":null", keys[k]);
	}
	/*
	 * The container and pod its path names (either layout), or null; their
	 * names where the runtime's files said them.
	 */
	if (ri_container_of(cg->path, &ct)) {
		fputs(",\"container\":", f);
		if (ct.runtime) {
			fprintf(f, "{\"runtime\":\"%s\",\"id\":\"%s\"", ct.runtime, ct.id);
			name_or_null(f, "name", cg->names.name);
			fputc('}', f);
		} else {
			fputs("null", f);
		}
		if (ct.pod_uid[0])
			fprintf(f, ",\"pod_uid\":\"%s\"", ct.pod_uid);
		else
			fputs(",\"pod_uid\":null", f);
	} else {
		fputs(",\"container\":null,\"pod_uid\":null", f);
	}
	name_or_null(f, "pod_name", cg->names.pod);
	name_or_null(f, "pod_namespace", cg->names.pod_ns);
	fputc('}', f);
}

void ri_batch_limits_json(FILE *f, const struct ri_model *m, const struct ri_proc *p)
{
	bool k = p->lim_known;
	const struct ri_cgroup_fig *cf = ri_proc_cgroup(m, p);
	bool any = false;

	/* Each of its own figures under its key (figures.h), null if unknown. */
#define RI_X_JSON(field, json, ...)                                           \
	if (json && strcmp(#field, "nspid"))                                  \
		u64_or_null(f, json ? json : "", k, p->field);
	RI_LIMIT_FIELDS(RI_X_JSON)
#undef RI_X_JSON
	/* Its PID inside its namespace: null when it is the host's. */
	u64_or_null(f, "nspid", k && p->nspid, p->nspid);
	fputs(",\"headroom\":", f);
	for (int r = 0; r < RI_R_COUNT; r++) {
		if (!k || !p->room[r].known)
			continue;
		fprintf(f, "%s\"%s\":", any ? "," : "{", ri_resources[r].json);
		room_json(f, &p->room[r]);
		any = true;
	}
	fputs(any ? "}" : "null", f);
	if (k && p->scarce >= 0)
		fprintf(f, ",\"scarcest\":\"%s\"", ri_resources[p->scarce].name);
	else
		fputs(",\"scarcest\":null", f);
	if (k && p->soonest >= 0) {
		num(f, "eta_s", p->room[p->soonest].eta_s);
		fprintf(f, ",\"eta_resource\":\"%s\"", ri_resources[p->soonest].name);
	} else {
		fputs(",\"eta_s\":null,\"eta_resource\":null", f);
	}
	if (cf)
		cgroup_json(f, cf);
	else
		fputs(",\"limits_cgroup\":null", f);
}

void ri_batch_limits_cells(const struct ri_proc *p, char *room, size_t rl, char *eta,
			   size_t el)
{
	char t[16];

	/* Every thread row asks: its dashes without printf. */
	if (rl < 2 || el < 2) {
		if (rl)
			room[0] = '\0';
		if (el)
			eta[0] = '\0';
		return;
	}
	room[0] = eta[0] = '-';
	room[1] = eta[1] = '\0';
	if (!p || !p->lim_known || p->exited)
		return;
	if (p->scarce >= 0)
		snprintf(room, rl, "%s %.0f%%", ri_resources[p->scarce].name,
			 p->room[p->scarce].pct < 999 ? p->room[p->scarce].pct : 999);
	if (p->soonest >= 0)
		snprintf(eta, el, "%s %s", ri_resources[p->soonest].name,
			 ri_fmt_eta(t, sizeof(t), p->room[p->soonest].eta_s));
}
