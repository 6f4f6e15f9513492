/* From an experiment (config and matrix) to the results model's cells, and
 * the environment a results file records: the one place where the run's
 * C structures become the model every view reads. */
#include "build_info.h"
#include "collect.h"
#include "stats.h"
#include "topology.h"
#include "contain.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* A knob's value as the results record it: a number, or a placement's text. */
static json_t *knob_value(const struct cl_knob *k, size_t pick)
{
	if (k->plugin && k->param == CL_PLACEMENT_PARAM)
		return json_string(k->labels[pick]);
	return json_integer(strtoll(k->labels[pick], NULL, 10));
}

static json_t *params_json(const struct cl_experiment *x, const struct cl_cell *cell)
{
	json_t *p = json_object();
	const struct cl_plugin_use *uses[2] = { cell->strategy, cell->sync };
	const int64_t *values[2] = { cell->strategy_params, cell->sync_params };

	json_object_set_new(p, "tasks", json_integer(cell->workload.tasks));
	json_object_set_new(p, "loop", json_integer(cell->workload.loop));
	for (size_t k = 0; k < cell->nknobs; k++) {
		const struct cl_knob *kn = cell->knobs[k];

		if (!kn->plugin && strcmp(kn->name, "tasks") && strcmp(kn->name, "loop"))
			json_object_set_new(p, kn->name,
					    json_integer(strtoll(kn->labels[cell->picks[k]], NULL, 10)));
	}
	for (int u = 0; u < 2; u++) {
		const struct cl_loaded_plugin *pl = uses[u]->plugin;

		for (size_t i = 0; i < pl->nparams; i++) {
			char key[160];

			snprintf(key, sizeof key, "%s.%s", pl->desc->name, pl->desc->params[i].name);
			enum cl_param_type type = pl->desc->params[i].type;

			json_object_set_new(p, key, type == CL_PARAM_BOOL ? json_boolean(values[u][i])
						    : cl_param_is_text(type)
							? json_string(cl_param_text(values[u], i))
							: json_integer(values[u][i]));
		}
	}
	if (cell->strategy->plugin->desc->ops.strategy->flags & CL_STRATEGY_PLACES) {
		char key[160];

		snprintf(key, sizeof key, "%s.placement", cell->strategy->plugin->desc->name);
		json_object_set_new(p, key, json_string(cl_placement_text(
			cell->strategy_params[CL_PLACEMENT_PARAM], x->place_lists)));
	}
	return p;
}

/* What a workload draws, beside its steps: the seed, the classes (each
 * with its first step and the share of tasks it drew), the arrivals, and
 * each drawn setting's distribution next to a summary of the values drawn
 * for the tasks that run its step (mean, p50, p99, in the key's unit), so a
 * reader sees what was actually asked. */
static void draws_json(const struct cl_workload *w, json_t *spec)
{
	size_t n = (size_t)w->tasks;

	if (!w->ndraws && !w->nclasses && !w->arrival_process)
		return;
	json_object_set_new(spec, "seed", json_integer((json_int_t)w->seed));
	if (w->nclasses) {
		json_t *classes = json_array();
		size_t *count = cl_xcalloc((size_t)w->nclasses, sizeof *count);

		for (size_t t = 0; t < n; t++)
			count[clw_task_class(w, (uint32_t)t)]++;
		for (int64_t k = 0; k < w->nclasses; k++)
			json_array_append_new(classes, json_pack("{ss sI sI sI sI}", "name", w->classes[k].name,
				"weight", (json_int_t)w->classes[k].weight, "first_step", (json_int_t)w->classes[k].first,
				"steps", (json_int_t)w->classes[k].nsteps, "tasks", (json_int_t)count[k]));
		json_object_set_new(spec, "classes", classes);
		free(count);
	}
	if (w->arrival_process)
		json_object_set_new(spec, "arrival", json_pack("{ss sI sI}", "process",
			w->arrival_process == CLW_ARRIVAL_POISSON ? "poisson" : "uniform",
			"rate", (json_int_t)w->arrival_rate, "p99_ns", (json_int_t)w->arrival_p99_ns));
	if (!w->ndraws)
		return;
	json_t *draws = json_array();
	int64_t *v = cl_xmalloc((n ? n : 1) * sizeof *v);

	for (int64_t k = 0; k < w->ndraws; k++) {
		const struct clw_draw *d = &w->draws[k];
		size_t got = 0;
		double sum = 0, unit = (double)d->scale;

		for (size_t t = 0; t < n; t++) {
			unsigned c = clw_task_class(w, (uint32_t)t);

			if (w->nclasses && (d->step < w->classes[c].first ||
					    d->step >= w->classes[c].first + w->classes[c].nsteps))
				continue;
			v[got] = clw_dist_value(d, w->seed, (uint32_t)t);
			sum += (double)v[got++];
		}
		cl_sort_i64(v, got);
		json_t *one = json_pack("{sI ss ss sf}", "step", (json_int_t)d->step, "key", d->key, "dist",
					clw_dist_name(d->kind), clw_dist_param(d->kind, 0), d->a / unit);

		/* the second parameter: a bound in the key's unit, or a shape */
		if (clw_dist_param(d->kind, 1))
			json_object_set_new(one, clw_dist_param(d->kind, 1),
					    json_real(d->kind == CLW_DIST_UNIFORM ? d->b / unit : d->b));
		json_object_set_new(one, "drawn", json_pack("{sI sf sf sf}", "tasks", (json_int_t)got, "mean",
			got ? sum / (double)got / unit : 0, "p50", (double)cl_percentile_i64(v, got, 50) / unit,
			"p99", (double)cl_percentile_i64(v, got, 99) / unit));
		json_array_append_new(draws, one);
	}
	json_object_set_new(spec, "draws", draws);
	free(v);
}

/* The whole workload of a cell, as it ran (sweeps applied), so compare can
 * tell 20M iterations from 40M. */
static json_t *spec_json(const struct cl_workload *w)
{
	json_t *steps = json_array();

	for (int64_t i = 0; i < w->nsteps; i++) {
		const struct cl_step_spec *st = &w->steps[i];
		json_t *step = json_pack("{ss}", "op", clw_op_name(st->op));

		for (const struct cl_step_key *k = cl_step_keys; k->name; k++) {
			int64_t v = *(const int64_t *)((const char *)st + k->offset);

			if (k->record == CL_RECORD_ALWAYS || (k->record == CL_RECORD_TIMED && st->duration_ns) ||
			    (k->record == CL_RECORD_NONZERO && v))
				json_object_set_new(step, k->field ? k->field : k->name, json_integer(v));
		}
		json_array_append_new(steps, step);
	}
	json_t *spec = json_pack("{sI sI so}", "tasks", (json_int_t)w->tasks, "loop", (json_int_t)w->loop,
				 "steps", steps);

	draws_json(w, spec);
	return spec;
}

static json_t *sweep_json(const struct cl_cell *cell)
{
	json_t *sw = json_object();

	for (size_t k = 0; k < cell->nknobs; k++)
		json_object_set_new(sw, cell->knobs[k]->name, knob_value(cell->knobs[k], cell->picks[k]));
	return sw;
}

void clrun_results_init(struct cl_results *r, const struct cl_experiment *x,
			const struct cl_cell *cells, size_t ncells, double cv_threshold)
{
	memset(r, 0, sizeof *r);
	r->name = cl_xstrdup(x->name);
	r->description = x->description ? cl_xstrdup(x->description) : NULL;
	r->path = cl_xstrdup(x->path);
	r->config = cl_xstrdup(x->text ? x->text : "");
	r->baseline = x->baseline ? cl_xstrdup(x->baseline) : NULL;
	r->repeat = x->repeat;
	r->warmup = x->warmup;
	r->timeout_s = (double)x->timeout_ms / 1000;
	r->cv_threshold = cv_threshold;
	r->ncells = ncells;
	r->cells = cl_xcalloc(ncells, sizeof *r->cells);
	for (size_t i = 0; i < ncells; i++) {
		const struct cl_cell *cell = &cells[i];
		struct cl_results_cell *c = &r->cells[i];

		c->label = cl_xstrdup(cell->label);
		c->workload = cell->def->name[0] ? cl_xstrdup(cell->def->name) : NULL;
		c->strategy = cl_xstrdup(cell->strategy->plugin->desc->name);
		c->sync = cl_xstrdup(cell->sync->plugin->desc->name);
		c->params = params_json(x, cell);
		c->sweep = sweep_json(cell);
		c->spec = spec_json(&cell->workload);
		c->baseline = cell->baseline;
		c->ntrials = (size_t)(x->warmup + x->repeat);
		c->trials = cl_xcalloc(c->ntrials, sizeof *c->trials);
	}
}

void clrun_machine_warnings(char *buf, size_t len)
{
	double load[1];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char governor[64] = "";
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
	size_t used = 0;

	buf[0] = 0;
	if (getloadavg(load, 1) == 1 && load[0] > (double)cores)
		used += (size_t)snprintf(buf, len, "load average %.2f is above the %ld cores: other work "
					 "competes with the trials. ", load[0], cores);
	if (f) {
		if (fgets(governor, sizeof governor, f))
			governor[strcspn(governor, "\n")] = 0;
		fclose(f);
	}
	if (*governor && strcmp(governor, "performance") && used < len)
		snprintf(buf + used, len - used, "CPU frequency governor is '%s', not 'performance': "
			 "clock speed may change during the run. ", governor);
	for (used = strlen(buf); used && buf[used - 1] == ' ';)
		buf[--used] = 0;
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(buf, len, "%s", strchr(line, ':') + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
}

static json_t *plugins_json(const struct cl_experiment *x)
{
	json_t *all = json_array();
	const struct cl_plugin_use *lists[2] = { x->strategies, x->syncs };
	size_t counts[2] = { x->nstrategies, x->nsyncs };

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			const struct cl_loaded_plugin *p = lists[l][i].plugin;

			json_t *one = json_pack("{ss ss ss sI ss}", "name", p->desc->name,
				"kind", cl_plugin_kind_name(p->desc->kind), "version", p->desc->version,
				"abi", (json_int_t)p->desc->abi, "path", p->path);

			if (p->runtime) /* another language's interpreter: its version and build */
				json_object_set_new(one, "runtime", json_string(p->runtime));
			json_array_append_new(all, one);
		}
	return all;
}

/* Which protections the trials had (contain.h), and the limits they ran under. */
static json_t *protections_json(const struct cl_experiment *x)
{
	const struct cl_protections *p = cl_protections();

	return json_pack("{sb sb sb sb sb sb sb sb ss s{sI sI sI}}",
		"pid_namespace", p->pid_ns, "user_namespace", p->user_ns,
		"mount_namespace", p->mount_ns, "no_capabilities", p->no_caps,
		"cgroup", p->cgroup, "cgroup_memory", p->cgroup_memory, "cgroup_pids", p->cgroup_pids,
		"host_not_dumpable", p->host_private, "missing", p->missing, "limits",
		"memory_mb", (json_int_t)x->limits.memory_mb, "processes", (json_int_t)x->limits.processes,
		"output_mb", (json_int_t)x->limits.output_mb);
}

/* The CPUs the trials could use and how they group (hwloc), so a figure
 * is read against the machine it was measured on. */
static json_t *topology_json(void)
{
	const struct cl_topology *t = cl_topology();
	json_t *compact = json_array(), *scatter = json_array();

	for (int i = 0; i < t->ncpus; i++) {
		json_array_append_new(compact, json_integer(t->compact[i]));
		json_array_append_new(scatter, json_integer(t->scatter[i]));
	}
	return json_pack("{sb si si si si si sI sI sI sI so so ss}", "hwloc", t->hwloc,
		"packages", t->packages, "numa_nodes", t->numa_nodes, "cores", t->cores,
		"cpus", t->ncpus, "threads_per_core", t->smt, "l1d_kb", (json_int_t)t->l1d_kb,
		"l2_kb", (json_int_t)t->l2_kb, "l3_kb", (json_int_t)t->l3_kb,
		"cache_line", (json_int_t)t->line_bytes, "compact", compact, "scatter", scatter,
		"warning", t->warning);
}

json_t *clrun_environment(const struct cl_experiment *x, const char *warnings)
{
	struct utsname u;
	char date[64], cpu[256];
	time_t now = time(NULL);
	double load[3] = { 0 };
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	uname(&u);
	cpu_model(cpu, sizeof cpu);
	getloadavg(load, 3);
	return json_pack("{ss ss ss ss ss ss sI ss sI ss ss s[fff] ss so so so}",
		"conclab_version", cl_build_version, "git_commit", cl_build_commit, "build_type", cl_build_type,
		"compiler", cl_build_compiler, "cflags", cl_build_cflags, "date", date,
		"cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "cpu_model", cpu,
		"memory_kb", (json_int_t)(pages / 1024 * page), "kernel", u.release, "machine", u.machine,
		"load_average", load[0], load[1], load[2], "warnings", warnings,
		"plugins", plugins_json(x), "protections", protections_json(x),
		"topology", topology_json());
}
