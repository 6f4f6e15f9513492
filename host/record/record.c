#include "record.h"
#include "printable.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A figure no trial can have (a negative time, a median that would not fit
 * in 64 bits, a NaN) is an error in the file, not a data point. */
#define MAX_FIGURE ((json_int_t)1 << 62)

const char *cl_status_name(enum cl_status s)
{
	static const char *const names[] = { "ok", "wrong", "crashed", "hung", "error" };

	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

bool cl_trial_counts(const struct cl_trial_result *t)
{
	return !t->warmup && t->status == CL_STATUS_OK;
}

void cl_trial_result_free(struct cl_trial_result *r)
{
	free(r->output);
	free(r->records);
	free(r->samples);
	free(r->task_ops);
	r->output = NULL;
	r->records = NULL;
	r->samples = NULL;
	r->task_ops = NULL;
}

json_t *cl_trial_to_json(const struct cl_trial_result *t)
{
	json_t *j = json_object(), *figures;

	json_object_set_new(j, "status", json_string(cl_status_name(t->status)));
	if (t->status != CL_STATUS_OK)
		json_object_set_new(j, "message", json_string(t->message));
	if (t->status == CL_STATUS_CRASHED)
		json_object_set_new(j, "signal", json_integer(t->signal));
	if (t->output)
		json_object_set_new(j, "output", json_string(t->output));
	figures = json_pack("{sb sI sI sI sI sf sI sI sI sI sI sI sI s{sI sI sI sI} s{sI sI sI sI} sI"
			    " s{sI sI sI sb} sb sI s{sf sI sb}}",
		"warmup", t->warmup, "seq", (json_int_t)t->seq, "wall_ns", (json_int_t)t->wall_ns,
		"user_ns", (json_int_t)t->user_ns, "sys_ns", (json_int_t)t->sys_ns, "cores", t->cores,
		"max_rss_kb", (json_int_t)t->max_rss_kb, "rss_sum_kb", (json_int_t)t->rss_sum_kb,
		"pss_sum_kb", (json_int_t)t->pss_sum_kb,
		"vcsw", (json_int_t)t->vcsw, "ivcsw", (json_int_t)t->ivcsw, "tasks", (json_int_t)t->tasks,
		"tasks_done", (json_int_t)t->tasks_done,
		"latency_ns", "p50", (json_int_t)t->lat_p50_ns, "p90", (json_int_t)t->lat_p90_ns,
		"p99", (json_int_t)t->lat_p99_ns, "max", (json_int_t)t->lat_max_ns,
		"response_ns", "p50", (json_int_t)t->resp_p50_ns, "p90", (json_int_t)t->resp_p90_ns,
		"p99", (json_int_t)t->resp_p99_ns, "max", (json_int_t)t->resp_max_ns,
		"start_skew_ns", (json_int_t)t->start_skew_ns,
		"counter", "expected", (json_int_t)t->counter_expected, "actual",
		(json_int_t)t->counter_actual, "lost", (json_int_t)t->counter_lost, "inexact", t->inexact,
		"checksum_ok", t->checksum_ok, "left_behind", (json_int_t)t->left_behind,
		"interference", "steal_pct", t->steal_pct, "others_running", (json_int_t)t->others_running,
		"interfered", t->interfered);
	json_object_update(j, figures);
	json_decref(figures);
	if (t->has_server)
		json_object_set_new(j, "server", json_pack("{sI sI sf sb}", "cpu_ns", (json_int_t)t->server_cpu_ns,
							    "max_rss_kb", (json_int_t)t->server_rss_kb,
							    "busy", t->server_busy, "bound", t->server_bound));
	if (t->open_loop)
		json_object_set_new(j, "arrival", json_pack("{sf sf sf sb s{sI sI sI}}",
			"offered_per_s", t->offered_per_s, "scheduled_per_s", t->scheduled_per_s,
			"achieved_per_s", t->achieved_per_s,
			"overloaded", t->overloaded, "lateness_ns", "p50", (json_int_t)t->late_p50_ns,
			"p99", (json_int_t)t->late_p99_ns, "max", (json_int_t)t->late_max_ns));
	if (t->nclasses) {
		json_t *classes = json_array();

		for (size_t i = 0; i < t->nclasses; i++)
			json_array_append_new(classes, json_pack("{ss sI sI s{sI sI}}", "name", t->classes[i].name,
				"tasks", (json_int_t)t->classes[i].tasks, "done", (json_int_t)t->classes[i].done,
				"response_ns", "p50", (json_int_t)t->classes[i].resp_p50_ns,
				"p99", (json_int_t)t->classes[i].resp_p99_ns));
		json_object_set_new(j, "classes", classes);
	}
	if (t->timed) {
		json_t *samples = json_array(), *tasks = json_array();

		for (size_t i = 0; i < t->nsamples; i++)
			json_array_append_new(samples, json_pack("[II]", (json_int_t)t->samples[i].t_ns,
								 (json_int_t)t->samples[i].ops));
		json_object_set_new(j, "duration", json_pack("{sI sI sf s{sI sI sf sf} so}",
			"window_ns", (json_int_t)t->window_ns, "ops", (json_int_t)t->ops,
			"ops_per_s", t->ops_per_s, "fairness", "min", (json_int_t)t->ops_min,
			"max", (json_int_t)t->ops_max, "cv", t->ops_cv, "jain", t->jain,
			"samples", samples));
		for (size_t i = 0; i < t->ntask_ops; i++)
			json_array_append_new(tasks, json_integer((json_int_t)t->task_ops[i]));
		json_object_set_new(json_object_get(j, "duration"), "task_ops", tasks);
	}
	return j;
}

/* The "duration" object of a timed trial; absent: not timed. */
static int duration_from_json(const json_t *d, struct cl_trial_result *t, char *err, size_t errlen)
{
	const json_t *f = json_object_get(d, "fairness"), *samples = json_object_get(d, "samples");
	const json_t *e;
	size_t i;

	if (!d)
		return 0;
	t->timed = true;
	t->window_ns = (int64_t)json_integer_value(json_object_get(d, "window_ns"));
	t->ops = (uint64_t)json_integer_value(json_object_get(d, "ops"));
	t->ops_per_s = json_number_value(json_object_get(d, "ops_per_s"));
	t->ops_min = (uint64_t)json_integer_value(json_object_get(f, "min"));
	t->ops_max = (uint64_t)json_integer_value(json_object_get(f, "max"));
	t->ops_cv = json_number_value(json_object_get(f, "cv"));
	t->jain = json_number_value(json_object_get(f, "jain"));
	if (!json_is_object(d) || !json_is_object(f) || t->window_ns < 0 ||
	    (json_int_t)t->window_ns >= MAX_FIGURE || (json_int_t)t->ops < 0 ||
	    (json_int_t)t->ops >= MAX_FIGURE || !(t->ops_per_s >= 0 && t->ops_per_s < 1e15) ||
	    (json_int_t)t->ops_min < 0 || (json_int_t)t->ops_max < 0 ||
	    !(t->ops_cv >= 0 && t->ops_cv < 1e6) || !(t->jain >= 0 && t->jain <= 1))
		return snprintf(err, errlen, "duration is not one (window_ns, ops, ops_per_s and "
				"fairness in range)"), -1;
	if (samples && !json_is_array(samples))
		return snprintf(err, errlen, "duration.samples must be an array"), -1;
	{ /* absent in files before conclab 0.4 */
		const json_t *tasks = json_object_get(d, "task_ops");

		t->ntask_ops = json_array_size(tasks);
		if (t->ntask_ops > CL_TASK_OPS_MAX)
			return snprintf(err, errlen, "duration.task_ops has more than %d tasks", CL_TASK_OPS_MAX), -1;
		t->task_ops = t->ntask_ops ? cl_xcalloc(t->ntask_ops, sizeof *t->task_ops) : NULL;
		json_array_foreach(tasks, i, e) {
			json_int_t v = json_integer_value(e);

			if (!json_is_integer(e) || v < 0 || v >= MAX_FIGURE)
				return snprintf(err, errlen, "duration.task_ops[%zu] is not a count in range", i), -1;
			t->task_ops[i] = (uint64_t)v;
		}
	}
	t->nsamples = json_array_size(samples);
	t->samples = t->nsamples ? cl_xcalloc(t->nsamples, sizeof *t->samples) : NULL;
	json_array_foreach(samples, i, e) {
		json_int_t at = json_integer_value(json_array_get(e, 0));
		json_int_t ops = json_integer_value(json_array_get(e, 1));

		if (json_array_size(e) != 2 || at < 0 || at >= MAX_FIGURE || ops < 0 || ops >= MAX_FIGURE)
			return snprintf(err, errlen, "duration.samples[%zu] is not [t_ns, ops] in range", i), -1;
		t->samples[i] = (struct cl_sample){ .t_ns = at, .ops = (uint64_t)ops };
	}
	return 0;
}

static int64_t int_at(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static bool ns_ok(int64_t v)
{
	return v >= 0 && v < MAX_FIGURE;
}

/* The "arrival" object of an open-loop trial and its "classes"; absent:
 * neither. Whatever a results file says is checked for range. */
static int arrival_from_json(const json_t *a, const json_t *classes, struct cl_trial_result *t,
			     char *err, size_t errlen)
{
	const json_t *late = json_object_get(a, "lateness_ns"), *c;
	size_t i;

	if (a) {
		t->open_loop = true;
		t->offered_per_s = json_number_value(json_object_get(a, "offered_per_s"));
		t->achieved_per_s = json_number_value(json_object_get(a, "achieved_per_s"));
		t->scheduled_per_s = json_number_value(json_object_get(a, "scheduled_per_s"));
		t->overloaded = json_is_true(json_object_get(a, "overloaded"));
		t->late_p50_ns = int_at(late, "p50");
		t->late_p99_ns = int_at(late, "p99");
		t->late_max_ns = int_at(late, "max");
		/* a task starts at or after its time: lateness is never negative */
		if (!json_is_object(a) || !(t->offered_per_s >= 0 && t->offered_per_s < 1e12) ||
		    !(t->achieved_per_s >= 0 && t->achieved_per_s < 1e12) ||
		    !(t->scheduled_per_s >= 0 && t->scheduled_per_s < 1e12) || !ns_ok(t->late_p50_ns) ||
		    !ns_ok(t->late_p99_ns) || !ns_ok(t->late_max_ns))
			return snprintf(err, errlen, "arrival is not one (offered_per_s, scheduled_per_s, "
					"achieved_per_s and lateness_ns in range)"), -1;
	}
	if (classes && (!json_is_array(classes) || json_array_size(classes) > 16))
		return snprintf(err, errlen, "classes must be an array of at most 16"), -1;
	json_array_foreach(classes, i, c) {
		struct cl_class_figures *f = &t->classes[i];
		const char *name = json_string_value(json_object_get(c, "name"));
		const json_t *resp = json_object_get(c, "response_ns");

		snprintf(f->name, sizeof f->name, "%s", name ? name : "?");
		cl_printable_str(f->name, false);
		f->tasks = int_at(c, "tasks");
		f->done = int_at(c, "done");
		f->resp_p50_ns = int_at(resp, "p50");
		f->resp_p99_ns = int_at(resp, "p99");
		if (!ns_ok(f->tasks) || !ns_ok(f->done) || !ns_ok(f->resp_p50_ns) || !ns_ok(f->resp_p99_ns))
			return snprintf(err, errlen, "classes[%zu] is out of range", i), -1;
		t->nclasses = i + 1;
	}
	return 0;
}


static int out_of_range(const json_t *j, const json_t *lat, const json_t *counter, char *err,
			size_t errlen)
{
	static const char *const times[] = { "wall_ns", "user_ns", "sys_ns", "max_rss_kb", "rss_sum_kb", "pss_sum_kb", "vcsw",
					     "ivcsw", "tasks", "tasks_done", "start_skew_ns",
					     "left_behind" };
	static const char *const stats[] = { "p50", "p90", "p99", "max" };
	const json_t *resp = json_object_get(j, "response_ns");
	double cores = json_number_value(json_object_get(j, "cores"));
	json_int_t v;

	for (size_t i = 0; i < sizeof times / sizeof *times; i++)
		if ((v = json_integer_value(json_object_get(j, times[i]))) < 0 || v >= MAX_FIGURE)
			return snprintf(err, errlen, "%s is out of range (%lld)", times[i], (long long)v), -1;
	for (size_t i = 0; i < sizeof stats / sizeof *stats; i++) {
		json_int_t l = json_integer_value(json_object_get(lat, stats[i]));
		json_int_t r = json_integer_value(json_object_get(resp, stats[i]));

		if (l < 0 || l >= MAX_FIGURE || r < 0 || r >= MAX_FIGURE)
			return snprintf(err, errlen, "latency_ns or response_ns %s is out of range",
					stats[i]), -1;
	}
	if (!(cores >= 0 && cores <= 1e6))
		return snprintf(err, errlen, "cores is out of range (%g)", cores), -1;
	v = json_integer_value(json_object_get(counter, "lost"));
	if (json_integer_value(json_object_get(counter, "expected")) < 0 ||
	    json_integer_value(json_object_get(counter, "expected")) >= MAX_FIGURE ||
	    json_integer_value(json_object_get(counter, "actual")) < 0 ||
	    json_integer_value(json_object_get(counter, "actual")) >= MAX_FIGURE ||
	    v <= -MAX_FIGURE || v >= MAX_FIGURE)
		return snprintf(err, errlen, "counter is out of range"), -1;
	return 0;
}

int cl_trial_from_json(const json_t *j, struct cl_trial_result *t, char *err, size_t errlen)
{
	const char *status = json_string_value(json_object_get(j, "status"));
	const char *message = json_string_value(json_object_get(j, "message"));
	const char *output = json_string_value(json_object_get(j, "output"));
	const json_t *lat = json_object_get(j, "latency_ns"), *counter = json_object_get(j, "counter");
	const json_t *resp = json_object_get(j, "response_ns");
	int s;

	memset(t, 0, sizeof *t);
	for (s = 0; status && s <= CL_STATUS_ERROR; s++)
		if (!strcmp(status, cl_status_name((enum cl_status)s)))
			break;
	if (!status || s > CL_STATUS_ERROR || !json_is_integer(json_object_get(j, "wall_ns")) ||
	    !json_is_object(lat) || !json_is_object(counter))
		return snprintf(err, errlen, "not a trial record (status, wall_ns, latency_ns and "
				"counter are required)"), -1;
	if (out_of_range(j, lat, counter, err, errlen))
		return -1;
	t->status = (enum cl_status)s;
	t->signal = (int)int_at(j, "signal");
	/* a results file may come from anywhere: only printable text from it */
	snprintf(t->message, sizeof t->message, "%s", message ? message : "");
	cl_printable_str(t->message, false);
	t->output = cl_printable_str(output ? cl_xstrdup(output) : NULL, true);
	t->warmup = json_is_true(json_object_get(j, "warmup"));
	t->seq = int_at(j, "seq");
	t->wall_ns = int_at(j, "wall_ns");
	t->user_ns = int_at(j, "user_ns");
	t->sys_ns = int_at(j, "sys_ns");
	t->cores = json_number_value(json_object_get(j, "cores"));
	t->max_rss_kb = (long)int_at(j, "max_rss_kb");
	/* absent in files of conclab 0.1: the largest process is all there is */
	t->rss_sum_kb = json_is_integer(json_object_get(j, "rss_sum_kb")) ? int_at(j, "rss_sum_kb")
									   : t->max_rss_kb;
	t->pss_sum_kb = int_at(j, "pss_sum_kb");
	t->vcsw = (long)int_at(j, "vcsw");
	t->ivcsw = (long)int_at(j, "ivcsw");
	t->tasks = int_at(j, "tasks");
	t->tasks_done = int_at(j, "tasks_done");
	t->lat_p50_ns = int_at(lat, "p50");
	t->lat_p90_ns = int_at(lat, "p90");
	t->lat_p99_ns = int_at(lat, "p99");
	t->lat_max_ns = int_at(lat, "max");
	/* absent in files of conclab 0.1: then 0 */
	t->resp_p50_ns = int_at(resp, "p50");
	t->resp_p90_ns = int_at(resp, "p90");
	t->resp_p99_ns = int_at(resp, "p99");
	t->resp_max_ns = int_at(resp, "max");
	t->start_skew_ns = int_at(j, "start_skew_ns");
	t->counter_expected = (uint64_t)int_at(counter, "expected");
	t->counter_actual = (uint64_t)int_at(counter, "actual");
	t->counter_lost = int_at(counter, "lost");
	t->inexact = json_is_true(json_object_get(counter, "inexact"));
	t->checksum_ok = json_is_true(json_object_get(j, "checksum_ok"));
	t->left_behind = int_at(j, "left_behind");
	{ /* absent in files of conclab 0.1 */
		const json_t *in = json_object_get(j, "interference");

		t->steal_pct = json_number_value(json_object_get(in, "steal_pct"));
		t->others_running = int_at(in, "others_running");
		t->interfered = json_is_true(json_object_get(in, "interfered"));
	}
	{ /* absent in files of conclab before 0.6, and without a server */
		const json_t *server = json_object_get(j, "server");

		t->has_server = json_is_object(server);
		t->server_cpu_ns = int_at(server, "cpu_ns");
		t->server_rss_kb = (long)int_at(server, "max_rss_kb");
		t->server_busy = json_number_value(json_object_get(server, "busy"));
		t->server_bound = json_is_true(json_object_get(server, "bound"));
	}
	if (arrival_from_json(json_object_get(j, "arrival"), json_object_get(j, "classes"), t, err,
			      errlen) ||
	    duration_from_json(json_object_get(j, "duration"), t, err, errlen)) {
		cl_trial_result_free(t);
		return -1;
	}
	return 0;
}

