/* The judge of a finished trial: what its records measure, then one list of
 * rules in the order they are applied, each a small function that finds one
 * fault and says it; the first that finds one decides the trial's status.
 * Nothing the trial wrote is believed unless a rule before it let it be. */
#define _GNU_SOURCE
#include "judge.h"
#include "files.h"
#include "printable.h"
#include "stats.h"
#include "timed.h"
#include "xalloc.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

bool clsb_header_sane(const struct cl_trial *t)
{
	return (t->finished == 0 || t->finished == 1) && (t->failed == 0 || t->failed == 1) &&
	       t->rc <= 0 && t->rc > -4096 && memchr(t->message, 0, sizeof t->message);
}

/* ---- what the records measure ------------------------------------------- */

/* What the records hold that no correct trial's can: counted while they
 * are measured, judged by the rules below. */
struct findings {
	size_t ntasks, done;
	size_t impossible, first_impossible; /* times outside the run       */
	size_t bad_ops, first_bad_ops;       /* counts their steps cannot have */
	size_t bad_sum, first_bad;           /* wrong compute checksums       */
	size_t short_sleep, first_short;     /* sooner than their sleeps allow */
	char   timed_why[256];               /* a duration step's fault, or "" */
};

static bool task_possible(const struct cl_task *k, int64_t lo, int64_t hi)
{
	return k->start_ns >= lo && k->start_ns <= hi &&
	       (!k->done || (k->end_ns >= k->start_ns && k->end_ns <= hi));
}

/* The median of v[0..n) (sorted in place); INT64_MAX counts as never. */
static int64_t median_i64(int64_t *v, size_t n)
{
	cl_sort_i64(v, n);
	return n ? v[(n - 1) / 2] : 0;
}

/* Open-loop arrivals: how well the schedule was kept, from the host's own
 * schedule (due: ns after zero, the schedule's time zero) and the done
 * tasks' ends. The achieved rate counts the tasks done between the first
 * and the last arrival, the scheduled one the tasks that arrived between
 * them, each over that span. Overloaded: the backlog grew to the end, seen
 * in the response times (from the schedule) growing along it: the median
 * response of the last tenth of the tasks is over 1.5 times that of the
 * tenth before the middle, and a millisecond more (a task not done has no
 * end). A long service that does not grow is no backlog; an event loop
 * that starts every task on time but finishes them ever later is one (its
 * lateness alone would not show it). Not judged under 20 tasks. */
static void measure_arrivals(const struct clsb_evidence *e, const int64_t *due, int64_t zero,
			     struct cl_tally *late, struct cl_trial_result *r)
{
	const struct cl_workload *w = &e->cell->workload;
	size_t n = (size_t)w->tasks, by_last = 0, tenth = n / 10;
	int64_t last_due = zero + due[n - 1];
	double span_s = (double)(due[n - 1] - due[0]) / 1e9;
	int64_t *mid = cl_xmalloc((tenth + 1) * sizeof *mid), *end = cl_xmalloc((tenth + 1) * sizeof *end);

	for (size_t i = 0; i < n; i++) {
		const struct cl_task *k = &e->t->tasks[i];
		bool ran = k->start_ns && task_possible(k, e->lo, e->hi);
		int64_t response = ran && k->done ? k->end_ns - (zero + due[i]) : INT64_MAX;

		if (i >= n / 2 - tenth && i < n / 2)
			mid[i - (n / 2 - tenth)] = response;
		if (i >= n - tenth)
			end[i - (n - tenth)] = response;
		by_last += ran && k->done && k->end_ns <= last_due;
	}
	r->offered_per_s = (double)w->arrival_rate;
	r->achieved_per_s = span_s > 0 ? (double)by_last / span_s : 0;
	r->scheduled_per_s = span_s > 0 ? (double)(n - 1) / span_s : 0;
	r->late_p50_ns = cl_tally_percentile(late, 50);
	r->late_p99_ns = cl_tally_percentile(late, 99);
	r->late_max_ns = late->max;
	if (n >= 20) {
		int64_t m = median_i64(mid, tenth), z = median_i64(end, tenth);

		r->overloaded = z == INT64_MAX || (m < INT64_MAX / 4 && z > m + m / 2 + 1000000);
	}
	free(mid);
	free(end);
}

/* Each class's tasks and response times (resp: ns, -1 for a task not done);
 * each task's class drawn once. */
static void measure_classes(const struct cl_workload *w, const int64_t *resp, struct cl_trial_result *r)
{
	size_t n = (size_t)w->tasks;
	unsigned *cls = cl_xmalloc(n * sizeof *cls);
	int64_t *mine = cl_xmalloc(n * sizeof *mine);

	for (size_t i = 0; i < n; i++)
		cls[i] = clw_task_class(w, (uint32_t)i);
	r->nclasses = (size_t)w->nclasses;
	for (size_t c = 0; c < r->nclasses; c++) {
		struct cl_class_figures *f = &r->classes[c];
		size_t got = 0;

		snprintf(f->name, sizeof f->name, "%s", w->classes[c].name);
		for (size_t i = 0; i < n; i++) {
			if (cls[i] != c)
				continue;
			f->tasks++;
			if (resp[i] >= 0)
				mine[got++] = resp[i];
		}
		cl_sort_i64(mine, got);
		f->done = (int64_t)got;
		f->resp_p50_ns = cl_percentile_i64(mine, got, 50);
		f->resp_p99_ns = cl_percentile_i64(mine, got, 99);
	}
	free(cls);
	free(mine);
}

/* Latencies, responses, skew, the counter and the duration step's figures
 * into r, from the records as read once; the faults into *f. */
static void measure(const struct clsb_evidence *e, struct cl_trial_result *r, struct findings *f)
{
	const struct cl_workload *w = &e->cell->workload;
	const struct cl_trial *t = e->t;
	/* the host's own count, never the header's: a trial can write its header */
	size_t ntasks = (size_t)w->tasks, done = 0;
	/* every task's times: exact up to a million tasks, else an HDR-style
	 * histogram (stats.h) */
	struct cl_tally lat, resp, late;
	int64_t first = INT64_MAX, last = INT64_MIN;
	uint64_t *ops = cl_xmalloc(ntasks * sizeof *ops);
	bool timed = clw_duration_step(w) != NULL;
	/* draws and classes give each task steps of its own; without them one
	 * task's least time and count are every task's */
	bool same = !w->ndraws && !w->nclasses;
	int64_t min_one = clw_task_min_ns(w, 0);
	uint64_t counted_one = clw_task_counted_ops(w, 0);
	/* the host's own schedule, never the mapping's copy */
	int64_t *due = w->arrival_process ? cl_xmalloc(ntasks * sizeof *due) : NULL;
	int64_t *task_resp = w->nclasses ? cl_xmalloc(ntasks * sizeof *task_resp) : NULL;

	cl_tally_init(&lat, ntasks);
	cl_tally_init(&resp, ntasks);
	cl_tally_init(&late, due ? ntasks : 0);
	/* the schedule's time zero as the runtime set it, if it lies in the
	 * run; a task must still not start before zero + its offset */
	int64_t zero = atomic_load_explicit(&t->schedule_ns, memory_order_relaxed);

	if (zero < e->lo || zero > e->hi)
		zero = e->lo;
	if (due)
		clw_arrival_offsets(w, due);

	memset(f, 0, sizeof *f);
	f->ntasks = ntasks;
	/* a figure for verify, never a verdict: a FIFO lock serves in order */
	r->witnessed = atomic_load_explicit(&t->arrivals, memory_order_relaxed);
	r->overtaken = atomic_load_explicit(&t->overtaken, memory_order_relaxed);
	if (e->keep_tasks)
		r->records = cl_xcalloc(ntasks, sizeof *r->records);
	for (size_t i = 0; i < ntasks; i++) {
		const struct cl_task *k = &t->tasks[i];
		int64_t due_at = due ? zero + due[i] : e->lo;
		/* a task never starts before it is due: the runtime holds it */
		bool possible = task_possible(k, e->lo, e->hi) && (!k->start_ns || k->start_ns >= due_at);
		int64_t min_ns = same ? min_one : clw_task_min_ns(w, (uint32_t)i);
		uint64_t counted = same ? counted_one : clw_task_counted_ops(w, (uint32_t)i);

		if (task_resp)
			task_resp[i] = -1;

		ops[i] = k->ops; /* once: the host judges what it read */
		if (r->records) {
			r->records[i].start_ns = k->start_ns && possible ? k->start_ns - e->lo : -1;
			r->records[i].end_ns = k->done && possible ? k->end_ns - e->lo : -1;
			r->records[i].checksum = k->checksum;
			r->records[i].ops = ops[i];
			r->records[i].cpu = k->cpu > 0 && k->cpu <= CPU_SETSIZE ? k->cpu - 1 : -1;
		}
		if (!k->start_ns && !k->done)
			continue; /* never ran */
		if (!possible) {
			if (!f->impossible++)
				f->first_impossible = i;
			continue;
		}
		first = k->start_ns < first ? k->start_ns : first;
		last = k->start_ns > last ? k->start_ns : last;
		if (!k->done)
			continue;
		/* a task is ready when the run starts, or at its scheduled
		 * arrival: its response time counts from then, the wait for a
		 * worker included (no coordinated omission), its service time
		 * from its first step */
		cl_tally_add(&resp, k->end_ns - due_at);
		if (task_resp)
			task_resp[i] = k->end_ns - due_at;
		if (due)
			cl_tally_add(&late, k->start_ns - due_at);
		cl_tally_add(&lat, k->end_ns - k->start_ns);
		done++;
		if (k->end_ns - k->start_ns < min_ns && !f->short_sleep++)
			f->first_short = i;
		if ((timed ? ops[i] < counted : ops[i] != counted) && !f->bad_ops++)
			f->first_bad_ops = i;
		else if (k->checksum != clw_expected_checksum(w, (uint32_t)i, ops[i]) && !f->bad_sum++)
			f->first_bad = i;
	}
	f->done = done;
	r->tasks = (int64_t)ntasks;
	r->tasks_done = (int64_t)done;
	r->lat_p50_ns = cl_tally_percentile(&lat, 50);
	r->lat_p90_ns = cl_tally_percentile(&lat, 90);
	r->lat_p99_ns = cl_tally_percentile(&lat, 99);
	r->lat_max_ns = lat.max;
	r->resp_p50_ns = cl_tally_percentile(&resp, 50);
	r->resp_p90_ns = cl_tally_percentile(&resp, 90);
	r->resp_p99_ns = cl_tally_percentile(&resp, 99);
	r->resp_max_ns = resp.max;
	r->start_skew_ns = last >= first ? last - first : 0;
	r->open_loop = due != NULL;
	if (due && ntasks > 1)
		measure_arrivals(e, due, zero, &late, r);
	if (task_resp)
		measure_classes(w, task_resp, r);
	cl_tally_free(&lat);
	cl_tally_free(&resp);
	cl_tally_free(&late);
	free(due);
	free(task_resp);
	if (timed && !f->bad_ops)
		clsb_judge_timed(e->t, w, ops, e->slots, e->samples, e->lo, e->hi, r, f->timed_why,
				 sizeof f->timed_why);
	r->counter_expected = clw_expected_counter(w, f->bad_ops ? NULL : ops);
	free(ops);
	r->counter_actual = t->counter;
	r->counter_lost = (int64_t)(r->counter_expected - r->counter_actual);
	r->checksum_ok = f->bad_sum == 0;
}

/* ---- the rules ------------------------------------------------------------ */

typedef bool (*rule_fn)(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r);

#define SAY(st, ...) (r->status = (st), snprintf(r->message, sizeof r->message, __VA_ARGS__), true)

/* how the watch ended */
static bool stopped(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->end == CLSB_END_STOPPED && SAY(CL_STATUS_ERROR, "interrupted: the run was stopped");
}

static bool timed_out(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->end == CLSB_END_TIMEOUT &&
	       SAY(CL_STATUS_HUNG, "no result after %.3f s (the trial timeout): killed with every process "
		   "it started", (double)e->timeout_ms / 1000);
}

static bool over_limit(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->end == CLSB_END_LIMIT && SAY(CL_STATUS_ERROR, "stopped: %s", e->limit);
}

/* containment */
static bool not_contained(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->contain_failed &&
	       SAY(CL_STATUS_ERROR, "the trial could not be contained: %s", strerror(e->contain_err));
}

static bool keeper_died(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	int st = e->status;

	(void)f;
	if (!e->keeper_died)
		return false;
	r->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	return SAY(WIFSIGNALED(st) ? CL_STATUS_CRASHED : CL_STATUS_ERROR, "the trial's keeper ended (%s %d) "
		   "before its init reported: killed from outside?", WIFSIGNALED(st) ? "signal" : "code",
		   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* how the trial process ended, and what its header may be believed in */
static bool crashed(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	const struct cl_trial *t = e->t;
	bool said = e->sane && t->failed;

	(void)f;
	if (!WIFSIGNALED(e->status))
		return false;
	r->signal = WTERMSIG(e->status);
	return SAY(CL_STATUS_CRASHED, "killed by signal %d (%s)%s%.*s", r->signal, strsignal(r->signal),
		   said ? ": " : "", (int)sizeof t->message, said ? t->message : "");
}

static bool header_overwritten(const struct clsb_evidence *e, const struct findings *f,
			       struct cl_trial_result *r)
{
	(void)f;
	return !e->sane && SAY(CL_STATUS_WRONG, "the trial's header was overwritten (finished = %d, failed "
			       "= %d, rc = %d): nothing it says can be believed", e->t->finished,
			       (int)e->t->failed, e->t->rc);
}

static bool failed_early(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return !e->t->finished && e->t->failed &&
	       SAY(CL_STATUS_ERROR, "%.*s", (int)sizeof e->t->message, e->t->message);
}

static bool exited_early(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return !e->t->finished && SAY(CL_STATUS_ERROR, "the trial process exited with code %d before the "
				      "strategy returned (a plugin called exit?)", WEXITSTATUS(e->status));
}

static bool plugin_failed(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	const struct cl_trial *t = e->t;

	(void)f;
	return (t->rc < 0 || t->failed) &&
	       SAY(CL_STATUS_ERROR, "%.*s", (int)sizeof t->message, t->failed ? t->message : strerror(-t->rc));
}

static bool forged(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->forged && SAY(CL_STATUS_WRONG, "the trial's run interval or CPU time was overwritten (a "
				"run cannot start before its fork, end before its start or after its end, or "
				"use more CPU than the trial's processes did)");
}

/* the records, against the host's own copy of the trial's shape */
static bool impossible_times(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return f->impossible && SAY(CL_STATUS_WRONG, "%zu tasks have impossible times (first: task %zu: it "
				    "cannot start before the run, end before it starts or after the run): its "
				    "record was overwritten", f->impossible, f->first_impossible);
}

static bool unfinished(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return f->done < f->ntasks && SAY(CL_STATUS_WRONG, "%zu of %zu tasks never finished (the strategy "
					  "returned without running them)", f->ntasks - f->done, f->ntasks);
}

static bool impossible_counts(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return f->bad_ops && SAY(CL_STATUS_WRONG, "%zu tasks claim a count of operations their increment "
				 "steps cannot have (first: task %zu): the record was overwritten", f->bad_ops,
				 f->first_bad_ops);
}

static bool wrong_checksums(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return f->bad_sum && SAY(CL_STATUS_WRONG, "%zu tasks have a wrong compute checksum (first: task %zu)",
				 f->bad_sum, f->first_bad);
}

static bool duration_wrong(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return *f->timed_why && SAY(CL_STATUS_WRONG, "%s", f->timed_why);
}

static bool too_soon(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e;
	return f->short_sleep && SAY(CL_STATUS_WRONG, "%zu tasks finished sooner than their sleeps and server "
				     "delays allow (first: task %zu)", f->short_sleep, f->first_short);
}

static bool counter_above(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)e, (void)f;
	return r->counter_lost < 0 &&
	       SAY(CL_STATUS_WRONG, "counter is %llu, more than the %llu updates the tasks made: lost updates "
		   "can only make it smaller, so something else wrote it", (unsigned long long)r->counter_actual,
		   (unsigned long long)r->counter_expected);
}

static bool counter_lost(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return r->counter_lost > 0 && !r->inexact &&
	       SAY(CL_STATUS_WRONG, "counter is %llu, expected %llu: %lld updates lost under sync '%s', which "
		   "promises exactness", (unsigned long long)r->counter_actual,
		   (unsigned long long)r->counter_expected, (long long)r->counter_lost,
		   e->cell->sync->plugin->desc->name);
}

/* A witnessed workload (conclab verify): the holders' own count of the
 * times they found the critical section's two words apart. An honest
 * sync's fault, not a forger's: a plugin that writes the header can hide
 * it as it can hide lost updates, which is what `forged` is for. */
static bool section_torn(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	uint64_t torn = atomic_load_explicit(&e->t->torn, memory_order_relaxed);

	(void)f;
	return torn && !r->inexact &&
	       SAY(CL_STATUS_WRONG, "%llu operations found the critical section's two words apart under "
		   "sync '%s': two tasks held it at once, or a holder did not see all of the last one's "
		   "writes (its lock and unlock do not order memory)", (unsigned long long)torn,
		   e->cell->sync->plugin->desc->name);
}

/* what the trial did outside its records */
static bool files_wrong(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	if (!e->env->io_dir[0])
		return false;
	clsb_files_verify(&e->cell->workload, e->env, r);
	return r->status != CL_STATUS_OK;
}

/* The server counts each request before it writes the answer's first
 * byte, so the count is whole when the trial ends (server.h). */
static bool requests_missing(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	const struct cl_workload *w = &e->cell->workload;
	uint64_t want = 0, per_class[CLW_MAX_CLASSES + 1] = { 0 };

	(void)f;
	if (!e->has_server)
		return false;
	/* each task its class's requests (a class's count, once) */
	for (int64_t k = 0; k < (w->nclasses ? w->nclasses : 1); k++) {
		int64_t first = w->nclasses ? w->classes[k].first : 0;
		int64_t n = w->nclasses ? w->classes[k].nsteps : w->nsteps;

		for (int64_t i = first; i < first + n; i++)
			per_class[k] += w->steps[i].op == CL_OP_REQUEST;
	}
	for (int64_t t = 0; t < w->tasks; t++)
		want += per_class[clw_task_class(w, (uint32_t)t)] * (uint64_t)w->loop;
	return e->requests < want &&
	       SAY(CL_STATUS_WRONG, "the server received %llu of the %llu requests the tasks claim: the rest "
		   "were never made", (unsigned long long)e->requests, (unsigned long long)want);
}

static bool host_tuned(const struct clsb_evidence *e, const struct findings *f, struct cl_trial_result *r)
{
	(void)f;
	return e->tuned && SAY(CL_STATUS_WRONG, "%s: later trials would have run slower", e->tuned);
}

/* The order is the verdict's: how the watch ended, then containment, then
 * how the trial process ended and whether its header may be believed, then
 * the records it left, then what it did outside them. */
static const rule_fn rules[] = {
	stopped, timed_out, over_limit, not_contained, keeper_died,
	crashed, header_overwritten, failed_early, exited_early, plugin_failed, forged,
	impossible_times, unfinished, impossible_counts, wrong_checksums, duration_wrong, too_soon,
	counter_above, counter_lost, section_torn,
	files_wrong, requests_missing, host_tuned,
};

void clsb_judge(const struct clsb_evidence *e, struct cl_trial_result *r)
{
	struct findings f;

	measure(e, r, &f);
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (rules[i](e, &f, r)) {
			cl_printable_str(r->message, false); /* it may quote the trial */
			return;
		}
}
