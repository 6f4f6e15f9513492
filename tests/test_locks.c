/* The lock lab: duration steps (per-task counts that sum to the counter
 * under every exact sync, a window and samples), fairness figures against
 * hand-computed values, placement read back from where tasks ran, reads and
 * writes, the CAS loop beside fetch-and-add, and every setting's errors.
 * Judged by counts, CPUs and statuses; never by a time. */
#define _GNU_SOURCE
#include "testlib.h"
#include "results.h"
#include "stats.h"
#include "topology.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__SANITIZE_THREAD__)
/* Concurrency Kit's spinlocks are left out of the TSan run: test_models.c */
#define EXACT_SYNCS "\"mutex\", \"spin\", \"atomic\", \"rwlock\", \"sem\", \"sharded\", \"spinpark\", " \
		    "\"cas\", \"slots\""
#else
#define EXACT_SYNCS "\"mutex\", \"spin\", \"atomic\", \"rwlock\", \"sem\", \"ticket\", \"tas\", " \
		    "\"ttas\", \"anderson\", \"mcs\", \"clh\", \"sharded\", \"spinpark\", \"cas\", \"slots\""
#endif

static void test_duration_counts_sum_to_counter(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 3; steps = ( { op = \"compute\"; iterations = 1000; },\n"
		 "  { op = \"increment\"; duration_ms = 40; sample_ms = 10; inside = 3; } ); };\n"
		 "strategies = ( \"threads\", \"processes\", \"hybrid\" );\n"
		 "syncs = ( " EXACT_SYNCS " );\n"
		 "params = { tas = { backoff = true; }; ticket = { backoff = true; }; };\n");
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;
		uint64_t sum = 0;

		cl_test_run_cell(&e, i, &r);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s %s\n", e.cells[i].label, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_TRUE(r.timed);
		CU_ASSERT_TRUE(r.checksum_ok);
		for (int k = 0; k < 3; k++)
			sum += r.records[k].ops;
		CU_ASSERT_EQUAL(r.ops, sum);
		CU_ASSERT_EQUAL_FATAL(r.ntask_ops, 3);
		for (int k = 0; k < 3; k++) /* the step's own operations: the compute step has none */
			CU_ASSERT_EQUAL(r.task_ops[k], r.records[k].ops);
		CU_ASSERT_EQUAL(r.counter_expected, sum);
		CU_ASSERT_EQUAL(r.counter_actual, sum);
		CU_ASSERT(sum > 0);
		CU_ASSERT(r.window_ns >= 40000000);
		CU_ASSERT(r.ops_min <= r.ops_max && r.ops_max <= sum);
		CU_ASSERT(r.jain >= 1.0 / 3 - 1e-9 && r.jain <= 1 + 1e-9);
		CU_ASSERT(r.ops_per_s > 0);
		/* at 10, 20 and 30 ms at most: samples are of the window, taken by
		 * a task between two chunks; a queue lock with more tasks than
		 * cores may let no task between chunks inside the window at all */
		if (r.nsamples > 3 || (!r.nsamples && !strcmp(e.cells[i].sync->plugin->desc->name, "atomic")))
			fprintf(stderr, "\n%s: %zu samples\n", e.cells[i].label, r.nsamples);
		CU_ASSERT(r.nsamples <= 3);
		CU_ASSERT(r.nsamples >= 1 || strcmp(e.cells[i].sync->plugin->desc->name, "atomic"));
		for (size_t k = 0; k < r.nsamples; k++) {
			CU_ASSERT(r.samples[k].t_ns >= 10000000 && r.samples[k].t_ns <= r.window_ns);
			CU_ASSERT(r.samples[k].ops <= sum);
			CU_ASSERT(k == 0 || r.samples[k].t_ns >= r.samples[k - 1].t_ns);
		}
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* Without a lock a duration step still counts every task's operations:
 * lost updates are the difference, the finding of `none`. */
static void test_duration_race_is_a_finding(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; duration_ms = 30; } ); };\n"
			    "strategies = ( \"threads\" ); syncs = ( \"none\" );\n");
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_EQUAL(r.counter_expected, r.records[0].ops + r.records[1].ops);
	CU_ASSERT(r.counter_actual <= r.counter_expected);
	CU_ASSERT_EQUAL(r.counter_lost, (int64_t)(r.counter_expected - r.counter_actual));
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

static void test_fairness_against_hand_computed(void)
{
	struct cl_fairness f;
	uint64_t even[] = { 10, 10, 10, 10 }, one[] = { 40, 0, 0, 0 }, ramp[] = { 1, 2, 3, 4 };

	cl_fairness_of(even, 4, &f);
	CU_ASSERT_DOUBLE_EQUAL(f.jain, 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f.cv, 0.0, 1e-12);
	CU_ASSERT_EQUAL(f.min, 10);
	CU_ASSERT_EQUAL(f.max, 10);
	cl_fairness_of(one, 4, &f);
	CU_ASSERT_DOUBLE_EQUAL(f.jain, 0.25, 1e-12);               /* 1600 / (4 x 1600) */
	CU_ASSERT_DOUBLE_EQUAL(f.cv, sqrt(300.0) / 10, 1e-12);     /* sd of {40,0,0,0} / 10 */
	CU_ASSERT_EQUAL(f.min, 0);
	CU_ASSERT_EQUAL(f.max, 40);
	cl_fairness_of(ramp, 4, &f);
	CU_ASSERT_DOUBLE_EQUAL(f.jain, 100.0 / 120, 1e-12);        /* 10^2 / (4 x 30) */
	CU_ASSERT_DOUBLE_EQUAL(f.mean, 2.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f.cv, sqrt(1.25) / 2.5, 1e-12);
	cl_fairness_of(NULL, 0, &f);
	CU_ASSERT_DOUBLE_EQUAL(f.jain, 0.0, 1e-12);
	cl_fairness_of(one + 1, 3, &f); /* nobody did anything */
	CU_ASSERT_DOUBLE_EQUAL(f.jain, 0.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f.cv, 0.0, 1e-12);
}

/* Each task reports the CPU it ended on (sched_getcpu): the one asked. */
static void test_placement_puts_tasks_where_asked(void)
{
	const struct cl_topology *topo = cl_topology();
	int last = topo->compact[topo->ncpus - 1];
	char text[1024];
	struct cl_test_exp e;

	snprintf(text, sizeof text, "workload = { tasks = 4; steps = ( { op = \"compute\"; iterations = 100000; } ); };\n"
		 "strategies = ( \"threads\", \"processes\", \"hybrid\" ); syncs = ( \"none\" );\n"
		 "params = { threads = { placement = [\"%d\", \"scatter\", \"compact\"]; workers = [0, 2]; };\n"
		 "  processes = { placement = \"%d\"; }; hybrid = { placement = \"%d\"; }; };\n",
		 last, topo->compact[0], last);
	cl_test_exp_load_ok(&e, text);
	CU_ASSERT_EQUAL_FATAL(e.ncells, 8);
	for (size_t i = 0; i < e.ncells; i++) {
		const struct cl_cell *c = &e.cells[i];
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		for (int k = 0; k < 4; k++) {
			int want = c->place.cpus[0];

			/* one thread per task: task k is worker k */
			if (c->place.n > 1 && !c->strategy_params[0])
				want = c->place.cpus[k % c->place.n];
			if (c->place.n > 1 && c->strategy_params[0])
				continue; /* a pool: whichever worker claimed it */
			if (r.records[k].cpu != want)
				fprintf(stderr, "\n%s: task %d on CPU %d, asked %d\n", c->label, k,
					r.records[k].cpu, want);
			CU_ASSERT_EQUAL(r.records[k].cpu, want);
		}
		cl_trial_result_free(&r);
	}
	/* the orders themselves: every usable CPU once */
	for (int i = 0; i < topo->ncpus; i++) {
		int in_scatter = 0;

		for (int k = 0; k < topo->ncpus; k++)
			in_scatter += topo->scatter[k] == topo->compact[i];
		CU_ASSERT_EQUAL(in_scatter, 1);
		CU_ASSERT_TRUE(cl_topology_usable(topo->compact[i]));
	}
	cl_test_exp_free(&e);
}

static void test_reads_and_writes_counted(void)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL(clw_writes_of(10, 90), 1);
	CU_ASSERT_EQUAL(clw_writes_of(7, 50), 3);
	CU_ASSERT_EQUAL(clw_writes_of(1000, 0), 1000);
	CU_ASSERT_EQUAL(clw_writes_of(1000, 100), 0);
	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 1000; "
			    "read_pct = 75; inside = 2; } ); };\n"
			    "strategies = ( \"threads\", \"processes\" );\n"
			    "syncs = ( \"rwlock\", \"mutex\", \"atomic\", \"spinpark\", \"cas\", \""
			    CL_TEST_FIXTURE_DIR "/abi11.so\", \"" CL_TEST_FIXTURE_DIR "/abi12.so\" );\n");
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.counter_expected, 500);
		CU_ASSERT_EQUAL(r.counter_actual, 500);
		CU_ASSERT_EQUAL(r.records[0].ops, 1000);
		CU_ASSERT_TRUE(r.checksum_ok);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* A sync built against the frozen 1.3 headers runs in this host, its
 * parameter read, its counter exact, threads and processes alike. */
static void test_abi13_sync_runs(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 1000; } ); };\n"
			    "strategies = ( \"threads\", \"processes\" );\n"
			    "syncs = ( \"" CL_TEST_FIXTURE_DIR "/abi13.so\" );\n"
			    "params = { fixture-abi13 = { spins = 3; }; };\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 2);
	CU_ASSERT_EQUAL(e.cells[0].sync_params[0], 3);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.counter_actual, 2000);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

static void test_cas_loop_and_faa_exact(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 200000; } ); };\n"
			    "strategies = ( \"threads\", \"processes\" ); syncs = ( \"cas\", \"atomic\", \"slots\" );\n"
			    "params = { slots = { padding = [8, 128]; }; };\n");
	CU_ASSERT_EQUAL(e.ncells, 8);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.counter_actual, 400000);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

#define ONE_STEP(step) "workload = { tasks = 2; steps = ( " step " ); };\nstrategies = ( \"threads\" ); " \
		       "syncs = ( \"mutex\" );\n"

static void test_bad_settings_named(void)
{
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; times = 5; duration_ms = 10; }"),
		     ":1: workload.steps[0]: give times (every task does that many) or duration_ms");
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; }"), "increment needs times (a count) or duration_ms");
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; times = 5; sample_ms = 10; }"),
		     "sample_ms samples a duration_ms step");
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; duration_ms = 10; read_pct = 101; }"),
		     "workload.steps[0].read_pct: must be between 0 and 100");
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; duration_ms = 10000; sample_ms = 1; }"),
		     "10000 samples (duration_ms / sample_ms); at most 4096");
	cl_test_exp_refused(ONE_STEP("{ op = \"increment\"; duration_ms = 10; }, { op = \"increment\"; duration_ms = 10; }"),
		     "a second duration step");
	cl_test_exp_refused("workload = { tasks = 2; loop = 2; steps = ( { op = \"increment\"; duration_ms = 10; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"mutex\" );\n",
		     "workload.loop: a workload with a duration step (line 1) runs its steps once");
	cl_test_exp_refused(ONE_STEP("{ op = \"sleep\"; ms = 1; duration_ms = 10; }"),
		     "'duration_ms' does not apply to op \"sleep\"");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"async\" ); syncs = ( \"none\" );\nparams = { async = { placement = \"scatter\"; }; };\n",
		     ":3: params.async.placement: strategy 'async' does not place its workers");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"none\" );\nparams = { threads = { placement = \"4000\"; }; };\n",
		     ":3: params.threads.placement: CPU 4000 is not one this process may use (its affinity "
		     "mask and cgroup allow: ");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"none\" );\nparams = { threads = { placement = \"spread\"; }; };\n",
		     "params.threads.placement: \"spread\": want none, compact, scatter or a CPU list");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"none\" );\nparams = { threads = { placement = 3; }; };\n",
		     "params.threads.placement: must be \"none\", \"compact\", \"scatter\" or a CPU list");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"none\" );\nparams = { threads = { placement = \"1-0\"; }; };\n",
		     "a range is LOW-HIGH, LOW <= HIGH");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		     "strategies = ( \"threads\" ); syncs = ( \"none\" );\nparams = { threads = { placement = \"0,\"; }; };\n",
		     "\"0,\": want none, compact, scatter or a CPU list");
	cl_test_exp_refused("timeout = 1;\n" ONE_STEP("{ op = \"increment\"; duration_ms = 1000; }"),
		     ":2: workload.steps[0].duration_ms: 1000 ms, not shorter than the trial's timeout (1.000 s)");
	{ /* spaces around the numbers of a list are the list's */
		int64_t code;
		char why[256];

		CU_ASSERT_EQUAL(cl_placement_parse(" 0 , 0-0 ", &code, why, sizeof why), 0);
		CU_ASSERT_EQUAL(code, CL_PLACE_LIST);
		CU_ASSERT_EQUAL(cl_placement_parse("0 - 0", &code, why, sizeof why), -1);
	}
}

/* One thread stepping every task (serial, a pool of one): the first task
 * works the whole window, the others come after it closed, do nothing and
 * do not stretch it. A plugin's own check refuses what it cannot run. */
static void test_one_thread_windows_and_checks(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 4; steps = ( { op = \"increment\"; duration_ms = 20; } ); };\n"
			    "strategies = ( \"serial\", \"threads\" ); syncs = ( \"mutex\" );\n"
			    "params = { threads = { workers = 1; }; };\n");
	for (size_t i = 0; i < e.ncells; i++) {
		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.ops_min, 0);
		CU_ASSERT_EQUAL(r.ops_max, r.ops);
		CU_ASSERT_EQUAL(r.records[0].ops, r.ops);
		CU_ASSERT_DOUBLE_EQUAL(r.jain, 0.25, 1e-12);
		CU_ASSERT(r.window_ns <= r.records[0].end_ns - r.records[0].start_ns);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 10; } ); };\n"
			    "strategies = ( \"threads\" ); syncs = ( \"slots\" );\n"
			    "params = { slots = { padding = 12; }; };\n");
	CU_ASSERT_EQUAL(cl_cells_check(&e.x, e.cells, e.ncells, e.err, sizeof e.err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, "slots.padding = 12 is not a multiple of 8"));
	cl_test_exp_free(&e);
}

/* What a trial writes about its duration step is checked, never believed. */
static void test_forged_duration_figures_are_wrong(void)
{
	static const char *const why[] = {
		"",
		"updates lost under sync 'mutex'",
		"more than the CPUs could do",
		"is not inside the run: it was overwritten",
		"is outside the window or above the tasks' count",
		"claim a count of operations their increment steps cannot have",
	};
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 100; },\n"
			    "  { op = \"increment\"; duration_ms = 30; sample_ms = 10; } ); };\n"
			    "strategies = ( \"" CL_TEST_FIXTURE_DIR "/forgetime.so\" ); syncs = ( \"mutex\" );\n"
			    "params = { fixture-forgetime = { mode = [0, 1, 2, 3, 4, 5]; }; };\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 6);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, i ? CL_STATUS_WRONG : CL_STATUS_OK);
		if (i && !strstr(r.message, why[i]))
			fprintf(stderr, "\nmode %zu: %s\n", i, r.message);
		CU_ASSERT_TRUE(i == 0 || strstr(r.message, why[i]) != NULL);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* The views of a timed run: its columns, its summary in operations a
 * second, its JSON read back the same, its charts, its CSV columns. */
static void test_timed_results_shown_and_read_back(void)
{
	char *cfg = cl_test_write_file(".cfg",
		"name = \"timed\";\nrepeat = 2;\nbaseline = \"mutex\";\n"
		"workload = { tasks = [1, 2]; steps = ( { op = \"increment\"; duration_ms = 40; sample_ms = 10; } ); };\n"
		"strategies = ( \"threads\" ); syncs = ( \"mutex\", \"atomic\" );\n"
		"params = { threads = { placement = [\"none\", \"scatter\"]; }; };\n");
	char *dir = cl_test_temp_dir(), *out = NULL;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet --json '%s/r.json' --csv '%s/r.csv'",
				   CL_TEST_CONCLAB, cfg, dir, dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ops/s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fair"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "threads+atomic tasks=1 threads.placement=scatter"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "operations a second"));
	CU_ASSERT_PTR_NULL(strstr(out, "times faster"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s/r.json' --table --columns ok,ops,fair,speedup",
				   CL_TEST_CONCLAB, dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ops/s  fair  speedup"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' report '%s/r.json' --sweep-svg '%s/s.svg' --fair-svg '%s/f.svg' "
				   "--timeline-svg '%s/t.svg' && grep -c 'operations a second against tasks' '%s/s.svg' && "
				   "grep -c 'Jain' '%s/f.svg' && grep -c 'throughput over time' '%s/t.svg' && "
				   "head -1 '%s/r.csv' | grep -c 'message,window_ns,ops,ops_per_s,jain,server_cpu_ns,server_busy,server_rss_kb$'",
				   CL_TEST_CONCLAB, dir, dir, dir, dir, dir, dir, dir, dir), 0);
	free(out);
	{ /* read back: the figures as written, the placement as text */
		struct cl_results r;
		char path[512], err[512];
		const struct cl_results_cell *c;

		snprintf(path, sizeof path, "%s/r.json", dir);
		CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, path, err, sizeof err), 0);
		CU_ASSERT_EQUAL_FATAL(r.ncells, 8);
		c = &r.cells[1];
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c->params, "threads.placement")),
				       "scatter");
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(c->sweep, "threads.placement")),
				       "scatter");
		CU_ASSERT_TRUE(c->summary.timed);
		CU_ASSERT_TRUE(c->trials[0].timed && c->trials[0].nsamples >= 1);
		CU_ASSERT_EQUAL(c->trials[0].ntask_ops, 1); /* tasks = 1 in this cell */
		CU_ASSERT_EQUAL(c->trials[0].task_ops[0], c->trials[0].ops);
		CU_ASSERT(c->summary.ops_per_s.median > 0 && c->summary.jain > 0);
		CU_ASSERT_TRUE(json_integer_value(json_object_get(json_object_get(r.environment, "topology"),
								  "cpus")) > 0);
		cl_results_free(&r);
	}
	/* a report of a run with no timed step refuses the timed charts */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s/configs/seed-race.cfg' --repeat 1 --quiet "
				   "--json '%s/u.json' >/dev/null; '%s' report '%s/u.json' --timeline-svg '%s/x.svg'",
				   CL_TEST_CONCLAB, CL_TEST_SOURCE_DIR, dir, CL_TEST_CONCLAB, dir, dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "has no duration step"));
	free(out);
	/* without hwloc, compact and scatter follow CPU numbers, and say so */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "CONCLAB_NO_HWLOC=1 '%s' check '%s'", CL_TEST_CONCLAB, cfg), 0);
	cl_test_unwrap(out); /* warnings keep to 80 columns */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ":6: params.threads.placement: hwloc not used (CONCLAB_NO_HWLOC): "
				      "placement follows CPU numbers"));
	free(out);
	cl_test_sh(&out, "rm -rf '%s' '%s'", dir, cfg);
	free(out);
	free(dir);
	free(cfg);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "duration: task counts sum to the counter, every exact sync", test_duration_counts_sum_to_counter },
		{ "duration without a lock: lost updates are the finding", test_duration_race_is_a_finding },
		{ "fairness: min, max, cv and Jain's index by hand", test_fairness_against_hand_computed },
		{ "placement: each task on the CPU asked (sched_getcpu)", test_placement_puts_tasks_where_asked },
		{ "read_pct: reads and writes counted; an ABI 1.1 sync serves reads", test_reads_and_writes_counted },
		{ "a sync of ABI 1.3 runs in this host", test_abi13_sync_runs },
		{ "cas loop, fetch-and-add, slots: exact counts", test_cas_loop_and_faa_exact },
		{ "bad settings: file, line and setting named", test_bad_settings_named },
		{ "forged counts, windows, samples: wrong", test_forged_duration_figures_are_wrong },
		{ "one thread: the first task works the window; plugin checks", test_one_thread_windows_and_checks },
		{ "timed results: table, summary, JSON, charts, CSV", test_timed_results_shown_and_read_back },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("locks", tests);
}
