/* What a sync must do, shown by trials: mutual exclusion (an exact counter,
 * and a witnessed critical section never found torn) under threads and
 * processes at 1 to 4 times the CPUs; memory ordering (many short
 * witnessed sections: each holder must see all of the last one's writes);
 * progress when oversubscribed (every waiter gets the lock within a
 * window), fairness (judged for CL_SYNC_FIFO, reported for the rest);
 * every declared parameter at its ends; init and destroy again and again. */
#define _GNU_SOURCE
#include "verify_internal.h"

#include <stdio.h>
#include <string.h>

/* Every property's window, by level: each task runs as many operations as
 * it can in it, so a trial takes the same time on any machine, however
 * busy, and whatever the lock (a FIFO spinlock with more tasks than CPUs
 * hands over only to a waiter on a CPU: thousands of times slower, the
 * lab's finding in configs/locks-oversubscribed.cfg). The counter and the
 * witness are checked over all of them. */
static const int window_ms[] = { 200, 1000, 3000 };
static const long param_ops[] = { 2000, 20000, 200000 };
static const int repeats[] = { 3, 10, 50 };

struct pairing {
	const char *strategy;
	const char *params; /* the strategy's, or "" */
};

static uint32_t flags(const struct vctx *v)
{
	return v->p->desc->ops.sync->flags;
}

static bool has_lock(const struct vctx *v)
{
	return v->p->has_lock;
}

/* The strategies a sync is tried under: threads and processes, or the one
 * a remote sync can have. 0 when none is on the path. */
static size_t pairings(const struct vctx *v, struct pairing *out)
{
	size_t n = 0;

	if (flags(v) & CL_SYNC_REMOTE) {
		if (vhave(v, "mpi", CL_PLUGIN_STRATEGY))
			out[n++] = (struct pairing){ "mpi", "" };
		return n;
	}
	if (vhave(v, "threads", CL_PLUGIN_STRATEGY))
		out[n++] = (struct pairing){ "threads", "" };
	if (!(flags(v) & CL_SYNC_THREADS_ONLY) && vhave(v, "processes", CL_PLUGIN_STRATEGY))
		out[n++] = (struct pairing){ "processes", "" };
	return n;
}

/* Task counts: the CPUs and four times them (and twice, and one, beyond
 * quick); a remote sync's ranks stay few. */
static size_t task_counts(const struct vctx *v, long *out)
{
	size_t n = 0;

	if (flags(v) & CL_SYNC_REMOTE) {
		out[n++] = 2;
		if (v->level != CL_VERIFY_QUICK)
			out[n++] = 4;
		return n;
	}
	if (v->level != CL_VERIFY_QUICK)
		out[n++] = 1;
	out[n++] = v->ncpus > 1 ? v->ncpus : 2;
	if (v->level != CL_VERIFY_QUICK)
		out[n++] = 2L * v->ncpus;
	out[n++] = 4L * v->ncpus;
	return n;
}

/* One increment step: `ops` a task, or with ops 0 the level's window;
 * `inside` work under the lock; the section witnessed where the sync has
 * one (an add-only sync has none). */
static void increment_steps(const struct vctx *v, char *buf, size_t len, long ops, int inside,
			    int read_pct)
{
	char amount[48];

	if (ops)
		snprintf(amount, sizeof amount, "times = %ld", ops);
	else
		snprintf(amount, sizeof amount, "duration_ms = %d", window_ms[v->level]);
	snprintf(buf, len, "{ op = \"increment\"; %s; inside = %d;%s%s }", amount, inside,
		 has_lock(v) && !(flags(v) & CL_SYNC_REMOTE) ? " witness = true;" : "",
		 read_pct ? " read_pct = 50;" : "");
}

/* Run the config and judge it ok; a refusal by the host or a plugin is a
 * skip when `refusal_skips` (a pairing this machine cannot run). */
static bool trial_ok(struct vctx *v, const char *property, const char *config, const char *what,
		     struct cl_trial_result *r)
{
	char err[1024];

	if (vrun(v, config, r, err, sizeof err)) {
		vfail(v, property, config, "%s: refused: %s", what, err);
		return false;
	}
	if (r->status != CL_STATUS_OK) {
		vfail(v, property, config, "%s: %s: %s", what, cl_status_name(r->status), r->message);
		cl_trial_result_free(r);
		return false;
	}
	return true;
}

static void exclusion(struct vctx *v, const struct pairing *pairs, size_t npairs)
{
	long tasks[4];
	size_t ntasks = task_counts(v, tasks);
	char steps[256], config[2048], what[128];

	increment_steps(v, steps, sizeof steps, 0, 20, 0);
	for (size_t s = 0; s < npairs; s++)
		for (size_t k = 0; k < ntasks; k++) {
			struct cl_trial_result r;

			snprintf(what, sizeof what, "%s, %ld task%s", pairs[s].strategy, tasks[k],
				 tasks[k] == 1 ? "" : "s");
			vconfig(config, sizeof config, pairs[s].strategy, vself(v), tasks[k], steps,
				pairs[s].params, window_ms[v->level] / 1000.0 + vlimit(v, flags(v) & CL_SYNC_REMOTE));
			if (!trial_ok(v, "exclusion", config, what, &r))
				continue;
			vpass(v, "exclusion", "%s: counter %llu of %llu%s", what,
			      (unsigned long long)r.counter_actual, (unsigned long long)r.counter_expected,
			      has_lock(v) && !(flags(v) & CL_SYNC_REMOTE) ? ", no section torn" : "");
			cl_trial_result_free(&r);
		}
}

/* Many short sections, back to back: the message-passing litmus. Each
 * holder writes the section's two words last; the next one reads them
 * first, so a lock whose release does not publish those writes, or whose
 * acquire does not wait for them, is found with the words apart. With
 * read_lock, half the operations are readers, which must see them too. */
static void ordering(struct vctx *v, const struct pairing *pairs, size_t npairs)
{
	char steps[256], config[2048], what[128];
	bool readers = v->p->has_read_lock;

	if (!has_lock(v) || (flags(v) & CL_SYNC_REMOTE)) {
		vskip(v, "ordering", "no critical section to witness (the sync adds without a lock)");
		return;
	}
	increment_steps(v, steps, sizeof steps, 0, 0, readers);
	for (size_t s = 0; s < npairs; s++) {
		struct cl_trial_result r;
		long tasks = v->ncpus > 1 ? v->ncpus : 2;

		snprintf(what, sizeof what, "%s, %ld tasks for %d ms%s", pairs[s].strategy, tasks,
			 window_ms[v->level], readers ? ", half of them readers" : "");
		vconfig(config, sizeof config, pairs[s].strategy, vself(v), tasks, steps, pairs[s].params,
			window_ms[v->level] / 1000.0 + vlimit(v, flags(v) & CL_SYNC_REMOTE));
		if (!trial_ok(v, "ordering", config, what, &r))
			continue;
		vpass(v, "ordering", "%s: in %llu sections every holder saw the last one's writes", what,
		      (unsigned long long)r.ops);
		cl_trial_result_free(&r);
	}
}

/* Each task as many operations as a window allows: with four times the
 * CPUs the trial must end (a lock that deadlocks past the core count hangs
 * to its timeout), each task's wait for its first turn reported; with as
 * many tasks as CPUs, the fairness of what they got is Jain's index over
 * their counts, judged for a FIFO lock. Not with more tasks than CPUs: a
 * waiter off its CPU is in no queue, and a FIFO lock serves those that
 * are. */
static bool window(struct vctx *v, const char *property, const struct pairing *pair, long tasks,
		   char *config, size_t len, struct cl_trial_result *r, char *what, size_t whatlen)
{
	char steps[256];

	increment_steps(v, steps, sizeof steps, 0, 20, 0);
	snprintf(what, whatlen, "%s, %ld tasks for %d ms", pair->strategy, tasks, window_ms[v->level]);
	vconfig(config, len, pair->strategy, vself(v), tasks, steps, pair->params,
		window_ms[v->level] / 1000.0 + vlimit(v, flags(v) & CL_SYNC_REMOTE));
	return trial_ok(v, property, config, what, r);
}

/* Judged for a FIFO lock on the best of three windows: Jain's index over
 * what the tasks got, one task a CPU, at least 0.8 (a lock that favours a
 * task shows 0.5 with two). How often a turn went to a task that asked
 * after one already served (a ticket taken just before lock) is reported:
 * it also counts a task preempted between its ticket and the lock's own,
 * several percent under a FIFO lock, so it cannot judge. A FIFO lock whose
 * tasks lost their CPUs in one window (a busy machine) shows its fairness
 * in another; an unfair one in none. */
static void fairness(struct vctx *v, const struct pairing *pair)
{
	char config[2048], what[128];
	bool fifo = flags(v) & CL_SYNC_FIFO;
	long tasks = (flags(v) & CL_SYNC_REMOTE) ? 2 : v->ncpus > 1 ? v->ncpus : 2;
	double jain = -1, out_of_order = 0;

	for (int i = 0; i < (fifo ? 3 : 1) && jain < 0.8; i++) {
		struct cl_trial_result r;

		if (!window(v, "fairness", pair, tasks, config, sizeof config, &r, what, sizeof what))
			return;
		if (r.jain > jain) {
			jain = r.jain;
			out_of_order = r.witnessed ? (double)r.overtaken / (double)r.witnessed : 0;
		}
		cl_trial_result_free(&r);
	}
	if (fifo && jain < 0.8) {
		vfail(v, "fairness", NULL, "%s: Jain's index at most %.2f in three windows, under 0.8, "
		      "for a lock that declares CL_SYNC_FIFO (%.1f%% of the turns out of the order "
		      "asked)", what, jain, out_of_order * 100);
		vshow_config(v, "to measure it again (`conclab run`'s fair column: not judged)", config);
	} else {
		vverdict(v, fifo ? VPASS : VNOTE, "fairness", NULL, "%s: Jain's index %.2f (%s); %.1f%% of "
			 "the turns out of the order asked (reported)", what, jain,
			 fifo ? "FIFO: judged, at least 0.8" : "not judged: no CL_SYNC_FIFO",
			 out_of_order * 100);
	}
}

static void progress(struct vctx *v, const struct pairing *pairs, size_t npairs)
{
	char config[2048], what[128];
	long tasks = (flags(v) & CL_SYNC_REMOTE) ? 4 : 4L * v->ncpus;

	for (size_t s = 0; s < npairs; s++) {
		struct cl_trial_result r;

		if (!window(v, "progress", &pairs[s], tasks, config, sizeof config, &r, what, sizeof what))
			continue;
		/* Reported, not judged: with more tasks than CPUs how long a task
		 * waits for its first turn is the scheduler's as much as the
		 * lock's (a FIFO lock waits for whichever waiter is off its CPU);
		 * fairness is judged where every task has a CPU. */
		if (r.late_first)
			vnote(v, "progress", "%s: no hang, but %lld of the tasks asked in the window's first "
			      "half and got their first turn only after it (the longest first wait %.1f ms; "
			      "operations %llu to %llu)", what, (long long)r.late_first,
			      r.first_wait_max_ns / 1e6, (unsigned long long)r.ops_min,
			      (unsigned long long)r.ops_max);
		else
			vpass(v, "progress", "%s: no hang; every task got its first turn within %.1f ms, and "
			      "%llu to %llu in all", what, r.first_wait_max_ns / 1e6,
			      (unsigned long long)r.ops_min, (unsigned long long)r.ops_max);
		cl_trial_result_free(&r);
	}
}

/* Each declared parameter at its ends and its default, the others at
 * theirs: a parameter whose range the sync cannot keep fails here. Numbers
 * past a million are tried at a million (a spin count of 2^62 is allowed
 * and correct, and never ends). */
static void parameters(struct vctx *v, const struct pairing *pair)
{
	const struct cl_plugin *d = v->p->desc;
	char steps[256], config[2048], params[256], what[160];
	size_t tried = 0;

	if (!d->params || !d->params[0].name) {
		vskip(v, "parameters", "it declares none");
		return;
	}
	increment_steps(v, steps, sizeof steps, param_ops[v->level], 2, 0);
	for (size_t i = 0; d->params[i].name; i++) {
		const struct cl_param_decl *pd = &d->params[i];
		int64_t values[3] = { pd->min, pd->def, pd->max };

		if (pd->type != CL_PARAM_INT && pd->type != CL_PARAM_BOOL)
			continue; /* a text's values are the author's to choose */
		for (int k = 0; k < 3; k++) {
			struct cl_trial_result r;
			int64_t value = values[k] > 1000000 ? 1000000 : values[k];

			if (pd->type == CL_PARAM_BOOL)
				value = k == 0 ? 0 : 1;
			if (k == 1 && (value == values[0] || value == values[2]))
				continue;
			if (pd->type == CL_PARAM_BOOL)
				snprintf(what, sizeof what, "%s = %s", pd->name, value ? "true" : "false");
			else
				snprintf(what, sizeof what, "%s = %lld", pd->name, (long long)value);
			snprintf(params, sizeof params, "%sparams = { %s = { %s; }; };\n", pair->params,
				 d->name, what);
			vconfig(config, sizeof config, pair->strategy, vself(v), v->ncpus > 1 ? v->ncpus : 2,
				steps, params, vlimit(v, flags(v) & CL_SYNC_REMOTE));
			if (!trial_ok(v, "parameters", config, what, &r))
				return;
			cl_trial_result_free(&r);
			tried++;
		}
	}
	vpass(v, "parameters", "%zu value%s of its parameters (each at its ends and its default): "
	      "every counter exact", tried, tried == 1 ? "" : "s");
}

/* Trial after trial, each a process that inits the sync and destroys it. */
static void lifecycle(struct vctx *v, const struct pairing *pair)
{
	char steps[256], config[2048];
	int n = repeats[v->level];

	increment_steps(v, steps, sizeof steps, 100, 0, 0);
	vconfig(config, sizeof config, pair->strategy, vself(v), 2, steps, pair->params,
		vlimit(v, flags(v) & CL_SYNC_REMOTE));
	for (int i = 0; i < n; i++) {
		struct cl_trial_result r;
		char what[64];

		snprintf(what, sizeof what, "trial %d of %d", i + 1, n);
		if (!trial_ok(v, "lifecycle", config, what, &r))
			return;
		cl_trial_result_free(&r);
	}
	vpass(v, "lifecycle", "%d trials, each an init and a destroy: every one ok", n);
}

void verify_sync(struct vctx *v)
{
	struct pairing pairs[2];
	size_t npairs = pairings(v, pairs);

	if (!npairs) {
		vskip(v, "everything", "no strategy to run it under (%s is not on the plugin path)",
		      (flags(v) & CL_SYNC_REMOTE) ? "mpi" : "threads");
		return;
	}
	if (flags(v) & CL_SYNC_INEXACT) {
		vskip(v, "exclusion", "the sync declares CL_SYNC_INEXACT: lost updates are its finding");
		vskip(v, "ordering", "the same");
	} else {
		exclusion(v, pairs, npairs);
		ordering(v, pairs, npairs);
	}
	progress(v, pairs, npairs);
	fairness(v, &pairs[0]);
	parameters(v, &pairs[0]);
	lifecycle(v, &pairs[0]);
}
