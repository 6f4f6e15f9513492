/* The results files: JSON (jansson) as docs/results-schema.md describes it,
 * and CSV with one row per trial. Both are written to a temporary name and
 * renamed into place. */
#define _GNU_SOURCE
#include "report.h"
#include "xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static json_t *params_json(const struct cl_cell *cell)
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
			json_object_set_new(p, key, pl->desc->params[i].type == CL_PARAM_BOOL
							   ? json_boolean(values[u][i])
							   : json_integer(values[u][i]));
		}
	}
	return p;
}

json_t *cl_trial_to_json(const struct cl_trial_result *t)
{
	json_t *j = json_object();

	json_object_set_new(j, "status", json_string(cl_status_name(t->status)));
	if (t->status != CL_STATUS_OK)
		json_object_set_new(j, "message", json_string(t->message));
	if (t->status == CL_STATUS_CRASHED)
		json_object_set_new(j, "signal", json_integer(t->signal));
	if (t->output)
		json_object_set_new(j, "output", json_string(t->output));
	json_object_set_new(j, "warmup", json_boolean(t->warmup));
	json_object_set_new(j, "wall_ns", json_integer(t->wall_ns));
	json_object_set_new(j, "user_ns", json_integer(t->user_ns));
	json_object_set_new(j, "sys_ns", json_integer(t->sys_ns));
	json_object_set_new(j, "cores", json_real(t->cores));
	json_object_set_new(j, "max_rss_kb", json_integer(t->max_rss_kb));
	json_object_set_new(j, "vcsw", json_integer(t->vcsw));
	json_object_set_new(j, "ivcsw", json_integer(t->ivcsw));
	json_object_set_new(j, "tasks", json_integer(t->tasks));
	json_object_set_new(j, "tasks_done", json_integer(t->tasks_done));
	json_object_set_new(j, "latency_ns", json_pack("{sI sI sI sI}", "p50", (json_int_t)t->lat_p50_ns,
							"p90", (json_int_t)t->lat_p90_ns, "p99",
							(json_int_t)t->lat_p99_ns, "max",
							(json_int_t)t->lat_max_ns));
	json_object_set_new(j, "start_skew_ns", json_integer(t->start_skew_ns));
	json_object_set_new(j, "counter", json_pack("{sI sI sI sb}", "expected",
						    (json_int_t)t->counter_expected, "actual",
						    (json_int_t)t->counter_actual, "lost",
						    (json_int_t)t->counter_lost, "inexact", t->inexact));
	json_object_set_new(j, "checksum_ok", json_boolean(t->checksum_ok));
	json_object_set_new(j, "left_behind", json_integer(t->left_behind));
	return j;
}

static int64_t int_at(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

int cl_trial_from_json(const json_t *j, struct cl_trial_result *t, char *err, size_t errlen)
{
	const char *status = json_string_value(json_object_get(j, "status"));
	const char *message = json_string_value(json_object_get(j, "message"));
	const char *output = json_string_value(json_object_get(j, "output"));
	const json_t *lat = json_object_get(j, "latency_ns"), *counter = json_object_get(j, "counter");
	int s;

	memset(t, 0, sizeof *t);
	for (s = 0; status && s <= CL_STATUS_ERROR; s++)
		if (!strcmp(status, cl_status_name((enum cl_status)s)))
			break;
	if (!status || s > CL_STATUS_ERROR || !json_is_integer(json_object_get(j, "wall_ns")) ||
	    !json_is_object(lat) || !json_is_object(counter))
		return snprintf(err, errlen, "not a trial record (status, wall_ns, latency_ns and "
				"counter are required)"), -1;
	t->status = (enum cl_status)s;
	t->signal = (int)int_at(j, "signal");
	snprintf(t->message, sizeof t->message, "%s", message ? message : "");
	t->output = output ? cl_xstrdup(output) : NULL;
	t->warmup = json_is_true(json_object_get(j, "warmup"));
	t->wall_ns = int_at(j, "wall_ns");
	t->user_ns = int_at(j, "user_ns");
	t->sys_ns = int_at(j, "sys_ns");
	t->cores = json_number_value(json_object_get(j, "cores"));
	t->max_rss_kb = (long)int_at(j, "max_rss_kb");
	t->vcsw = (long)int_at(j, "vcsw");
	t->ivcsw = (long)int_at(j, "ivcsw");
	t->tasks = int_at(j, "tasks");
	t->tasks_done = int_at(j, "tasks_done");
	t->lat_p50_ns = int_at(lat, "p50");
	t->lat_p90_ns = int_at(lat, "p90");
	t->lat_p99_ns = int_at(lat, "p99");
	t->lat_max_ns = int_at(lat, "max");
	t->start_skew_ns = int_at(j, "start_skew_ns");
	t->counter_expected = (uint64_t)int_at(counter, "expected");
	t->counter_actual = (uint64_t)int_at(counter, "actual");
	t->counter_lost = int_at(counter, "lost");
	t->inexact = json_is_true(json_object_get(counter, "inexact"));
	t->checksum_ok = json_is_true(json_object_get(j, "checksum_ok"));
	t->left_behind = int_at(j, "left_behind");
	return 0;
}

static json_t *sweep_json(const struct cl_cell *cell)
{
	json_t *sw = json_object();

	for (size_t k = 0; k < cell->nknobs; k++)
		json_object_set_new(sw, cell->knobs[k]->name,
				    json_integer(strtoll(cell->knobs[k]->labels[cell->picks[k]], NULL, 10)));
	return sw;
}

static json_t *summary_json(const struct cl_cell_result *cr)
{
	const struct cl_stats *w = &cr->wall;
	json_t *s = json_object();

	json_object_set_new(s, "measured", json_integer((json_int_t)cr->measured));
	json_object_set_new(s, "ok", json_integer((json_int_t)cr->ok));
	json_object_set_new(s, "wall_ns", json_pack("{sI sI sI sf sf sf sf sf s{sf sf sf}}",
		"median", (json_int_t)cr->wall_median, "min", (json_int_t)cr->wall_min,
		"max", (json_int_t)cr->wall_max, "mean", w->mean, "stddev", w->stddev, "cv", w->cv,
		"q1", w->q1, "q3", w->q3, "ci", "lo", w->ci_lo, "hi", w->ci_hi, "level", w->ci_level));
	json_object_set_new(s, "outliers", json_integer((json_int_t)w->outliers));
	json_object_set_new(s, "noisy", json_boolean(cr->noisy));
	json_object_set_new(s, "speedup", cr->ok ? json_real(cr->speedup) : json_null());
	json_object_set_new(s, "speedup_ci", cr->ok ? json_pack("{sf sf}", "lo", cr->speedup_lo, "hi",
								 cr->speedup_hi) : json_null());
	json_object_set_new(s, "lost_median", json_integer(cr->lost_median));
	return s;
}

static json_t *cell_json(const struct cl_report *rep, const struct cl_cell_result *cr)
{
	const struct cl_cell *cell = cr->cell;
	json_t *c = json_object(), *trials = json_array();

	json_object_set_new(c, "label", json_string(cell->label));
	json_object_set_new(c, "workload", cell->def->name[0] ? json_string(cell->def->name) : json_null());
	json_object_set_new(c, "strategy", json_string(cell->strategy->plugin->desc->name));
	json_object_set_new(c, "sync", json_string(cell->sync->plugin->desc->name));
	json_object_set_new(c, "params", params_json(cell));
	json_object_set_new(c, "sweep", sweep_json(cell));
	json_object_set_new(c, "baseline", json_string(rep->cells[cell->baseline].cell->label));
	for (size_t i = 0; i < cr->ntrials; i++) {
		json_t *t = cl_trial_to_json(&cr->trials[i]);

		json_object_set_new(t, "outlier", json_boolean(!cr->trials[i].warmup &&
							       cr->trials[i].status == CL_STATUS_OK &&
							       cl_stats_outlier(&cr->wall, (double)cr->trials[i].wall_ns)));
		json_array_append_new(trials, t);
	}
	json_object_set_new(c, "trials", trials);
	json_object_set_new(c, "summary", summary_json(cr));
	return c;
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

			json_array_append_new(all, json_pack("{ss ss ss sI ss}", "name", p->desc->name,
				"kind", cl_plugin_kind_name(p->desc->kind), "version", p->desc->version,
				"abi", (json_int_t)p->desc->abi, "path", p->path));
		}
	return all;
}

static json_t *environment_json(const struct cl_report *rep)
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
	return json_pack("{ss ss ss ss ss ss sI ss sI ss ss s[fff] ss so}",
		"conclab_version", CL_VERSION, "git_commit", CL_GIT_COMMIT, "build_type", CL_BUILD_TYPE,
		"compiler", CL_COMPILER, "cflags", CL_CFLAGS, "date", date,
		"cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "cpu_model", cpu,
		"memory_kb", (json_int_t)(pages / 1024 * page), "kernel", u.release, "machine", u.machine,
		"load_average", load[0], load[1], load[2], "warnings", rep->warnings,
		"plugins", plugins_json(rep->x));
}

/* Open PATH.tmp.PID for writing; the caller renames it into place. */
static FILE *open_temp(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	FILE *f;

	snprintf(tmp, len, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
	return f;
}

static int close_rename(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	int bad = ferror(f);

	if (fclose(f) || bad || rename(tmp, path)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cl_report_json(const char *path, const struct cl_report *rep, char *err, size_t errlen)
{
	const struct cl_experiment *x = rep->x;
	json_t *root = json_object(), *cells = json_array();
	char tmp[4096];
	FILE *f;
	int rc;

	json_object_set_new(root, "schema", json_string(CL_RESULTS_SCHEMA));
	json_object_set_new(root, "experiment",
			    json_pack("{ss ss* ss sI sI sf ss* ss ss?}", "name", x->name, "description",
				      x->description, "path", x->path, "repeat", (json_int_t)x->repeat,
				      "warmup", (json_int_t)x->warmup, "timeout_s",
				      (double)x->timeout_ms / 1000, "baseline", x->baseline, "config", x->text,
				      "interrupted", rep->interrupted));
	json_object_set_new(root, "environment", environment_json(rep));
	for (size_t i = 0; i < rep->ncells; i++)
		json_array_append_new(cells, cell_json(rep, &rep->cells[i]));
	json_object_set_new(root, "cells", cells);
	f = open_temp(path, tmp, sizeof tmp, err, errlen);
	if (!f) {
		json_decref(root);
		return -1;
	}
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
	rc = close_rename(f, tmp, path, err, errlen);
	return rc;
}

/* RFC 4180 quoting for text fields. */
static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

int cl_report_csv(const char *path, const struct cl_report *rep, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f = open_temp(path, tmp, sizeof tmp, err, errlen);

	if (!f)
		return -1;
	fprintf(f, "experiment,cell,strategy,sync,tasks,trial,warmup,status,wall_ns,user_ns,sys_ns,"
		"cores,max_rss_kb,vcsw,ivcsw,tasks_done,lat_p50_ns,lat_p90_ns,lat_p99_ns,lat_max_ns,"
		"start_skew_ns,counter_expected,counter_actual,counter_lost,checksum_ok,left_behind,message\n");
	for (size_t c = 0; c < rep->ncells; c++) {
		const struct cl_cell_result *cr = &rep->cells[c];

		for (size_t i = 0; i < cr->ntrials; i++) {
			const struct cl_trial_result *t = &cr->trials[i];

			csv_text(f, rep->x->name);
			fputc(',', f);
			csv_text(f, cr->cell->label);
			fprintf(f, ",%s,%s,%lld,%zu,%d,%s,%lld,%lld,%lld,%.4f,%ld,%ld,%ld,%lld,%lld,%lld,"
				"%lld,%lld,%lld,%llu,%llu,%lld,%d,%lld,",
				cr->cell->strategy->plugin->desc->name, cr->cell->sync->plugin->desc->name,
				(long long)cr->cell->workload.tasks, i + 1, t->warmup,
				cl_status_name(t->status), (long long)t->wall_ns, (long long)t->user_ns,
				(long long)t->sys_ns, t->cores, t->max_rss_kb, t->vcsw, t->ivcsw,
				(long long)t->tasks_done, (long long)t->lat_p50_ns,
				(long long)t->lat_p90_ns, (long long)t->lat_p99_ns,
				(long long)t->lat_max_ns, (long long)t->start_skew_ns,
				(unsigned long long)t->counter_expected,
				(unsigned long long)t->counter_actual, (long long)t->counter_lost,
				t->checksum_ok, (long long)t->left_behind);
			csv_text(f, t->status == CL_STATUS_OK ? "" : t->message);
			fputc('\n', f);
		}
	}
	return close_rename(f, tmp, path, err, errlen);
}

FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	return open_temp(path, tmp, len, err, errlen);
}

int cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	return close_rename(f, tmp, path, err, errlen);
}
