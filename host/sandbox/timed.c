/* The figures of a timed step (duration_ms), judged from what the trial
 * left: each task's count, the window, the samples. */
#define _GNU_SOURCE
#include "timed.h"
#include "stats.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int by_time(const void *a, const void *b)
{
	const struct cl_sample *x = a, *y = b;

	return (x->t_ns > y->t_ns) - (x->t_ns < y->t_ns);
}

/* A duration step's figures, from each task's count (read once into ops)
 * and the window the trial wrote; what cannot be (a window outside the run
 * or shorter than asked, more operations than the CPUs could do, a sample
 * outside the window) makes the trial wrong. The samples are read where the
 * host mapped them, never through the trial's header. */
/* Each task's wait for its first operation, from the slots where the host
 * mapped them: reported, never judged here (a task off its CPU the whole
 * window waited without asking); verify judges a lock that promises order
 * by the tasks that asked early and got through only after the window. */
static void first_waits(const struct clrt_slot *slots, size_t ntasks, int64_t start, int64_t end,
			struct cl_trial_result *r)
{
	for (size_t i = 0; slots && end > start && i < ntasks; i++) {
		int64_t asked = slots[i].first_try_ns, got = slots[i].first_got_ns;

		if (!asked || got < asked)
			continue;
		if (got - asked > r->first_wait_max_ns)
			r->first_wait_max_ns = got - asked;
		r->late_first += asked < start + (end - start) / 2 && got > end;
	}
}

void clsb_judge_timed(struct cl_trial *t, const struct cl_workload *w, const uint64_t *ops,
		      const struct clrt_slot *slots, const struct clrt_sample *samples, int64_t lo, int64_t hi,
		      struct cl_trial_result *r, char *why, size_t len)
{
	const struct cl_step_spec *timed = clw_duration_step(w);
	uint64_t counted = clw_counted_ops(w), total = 0, most;
	size_t ntasks = (size_t)w->tasks;
	int64_t start = t->window_start, end = t->window_end, window = end - start;
	uint64_t *mine = cl_xmalloc(ntasks * sizeof *mine);
	struct cl_fairness f;

	for (size_t i = 0; i < ntasks; i++) {
		mine[i] = ops[i] >= counted ? ops[i] - counted : 0;
		total += mine[i];
	}
	cl_fairness_of(mine, ntasks, &f);
	if (ntasks <= CL_TASK_OPS_MAX) { /* kept: each task's ops/s is its count / the window */
		r->task_ops = mine;
		r->ntask_ops = ntasks;
	} else {
		free(mine);
	}
	r->timed = true;
	r->window_ns = start >= lo && end >= start && end <= hi ? window : 0;
	r->ops = total;
	r->ops_per_s = r->window_ns > 0 ? (double)total * 1e9 / (double)r->window_ns : 0;
	r->ops_min = f.min;
	r->ops_max = f.max;
	r->ops_cv = f.cv;
	r->jain = f.jain;
	first_waits(slots, ntasks, start, start + timed->duration_ns, r);
	/* no CPU does four operations a nanosecond (a plain store to a task's
	 * own line, the cheapest, takes about half of one), over the window on
	 * every CPU nor over the CPU time the kernel counted for the trial */
	most = (uint64_t)(r->window_ns > 0 ? r->window_ns : 0) * 4 * (uint64_t)sysconf(_SC_NPROCESSORS_ONLN);
	if ((uint64_t)(r->user_ns + r->sys_ns) * 4 < most)
		most = (uint64_t)(r->user_ns + r->sys_ns) * 4;
	if (!(start >= lo && end >= start && end <= hi))
		snprintf(why, len, "the duration step's window [%lld, %lld] is not inside the run: it was "
			 "overwritten", (long long)(start - lo), (long long)(end - lo));
	else if (window < timed->duration_ns)
		snprintf(why, len, "the duration step's window lasted %.3f ms, less than its duration_ms "
			 "(%.3f ms): the tasks stopped early", (double)window / 1e6,
			 (double)timed->duration_ns / 1e6);
	else if (total > most)
		snprintf(why, len, "the tasks claim %llu operations in %.3f ms, more than the CPUs could do",
			 (unsigned long long)total, (double)window / 1e6);
	if (!samples || *why)
		return;
	size_t n = atomic_load(&t->nsamples);

	n = n < CL_MAX_SAMPLES ? n : CL_MAX_SAMPLES;
	r->samples = n ? cl_xcalloc(n, sizeof *r->samples) : NULL;
	for (size_t i = 0; i < n; i++) {
		r->samples[i] = (struct cl_sample){ .t_ns = samples[i].t_ns, .ops = samples[i].ops };
		if (r->samples[i].t_ns < 0 || r->samples[i].t_ns > window || r->samples[i].ops > total) {
			snprintf(why, len, "sample %zu (%lld ns, %llu operations) is outside the window or "
				 "above the tasks' count: it was overwritten", i,
				 (long long)r->samples[i].t_ns, (unsigned long long)r->samples[i].ops);
			free(r->samples);
			r->samples = NULL;
			return;
		}
	}
	r->nsamples = n;
	if (n)
		qsort(r->samples, n, sizeof *r->samples, by_time);
}

