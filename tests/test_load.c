/* Workloads like real ones, run: every checksum, counter, request and file
 * still verified with drawn values and classes under every model; an
 * open-loop schedule that a strategy stalls shows the stall in response
 * time (from the schedule) and not in service time; a rate beyond what a
 * strategy can carry is marked overloaded; each class has its figures; the
 * knee is computed from a results file's cells; bad settings are refused
 * naming file and line. Judged from statuses, counts, messages and lower
 * bounds that sleeps guarantee, never from a measured speed. */
#define _GNU_SOURCE
#include "testlib.h"
#include "results.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX CL_TEST_FIXTURE_DIR

static void test_draws_and_classes_checked_everywhere(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		"workload = { tasks = 40; loop = 2; seed = 9;\n"
		"  classes = (\n"
		"    { name = \"fast\"; weight = 3; steps = (\n"
		"      { op = \"compute\"; iterations = { dist = \"exponential\"; mean = 2000; }; },\n"
		"      { op = \"request\"; bytes = { dist = \"uniform\"; min = 1; max = 70000; }; } ); },\n"
		"    { name = \"slow\"; weight = 1; steps = (\n"
		"      { op = \"sleep\"; ms = { dist = \"lognormal\"; median = 2; sigma = 0.5; }; },\n"
		"      { op = \"increment\"; times = { dist = \"pareto\"; min = 10; alpha = 1.5; }; inside = 2; },\n"
		"      { op = \"write\"; bytes = { dist = \"uniform\"; min = 1; max = 9000; }; block = 4096; },\n"
		"      { op = \"read\"; bytes = { dist = \"exponential\"; mean = 3000; }; block = 1000; } ); }\n"
		"  ); };\n"
		"strategies = ( \"serial\", \"threads\", \"processes\", \"async\", \"py-threads\" );\n"
		"syncs = ( \"mutex\" );\n");
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s: %s\n", e.cells[i].label, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_TRUE(r.checksum_ok);
		CU_ASSERT_EQUAL(r.tasks_done, 40);
		CU_ASSERT_EQUAL(r.counter_actual, r.counter_expected);
		CU_ASSERT(r.counter_expected > 0);
		CU_ASSERT_EQUAL_FATAL(r.nclasses, 2);
		CU_ASSERT_STRING_EQUAL(r.classes[0].name, "fast");
		CU_ASSERT_EQUAL(r.classes[0].tasks + r.classes[1].tasks, 40);
		CU_ASSERT_EQUAL(r.classes[1].done, r.classes[1].tasks);
		/* a slow task sleeps: its response is at least its class's */
		CU_ASSERT(r.classes[1].resp_p50_ns > 0);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* 100 tasks due 2 ms apart; the strategy stops for 300 ms before task 50.
 * Tasks 50 on, due while it stood still, wait for it: at least 1% of them
 * waited 100 ms or more from their scheduled arrival (each of the ~50 due
 * in the stall's first 200 ms did). Their service, a compute of 10 steps,
 * is no part of that. */
static void test_stall_shows_in_response(void)
{
	struct cl_trial_result r;
	char text[512];

	snprintf(text, sizeof text, "timeout = 30;\n"
		 "workload = { tasks = 100; arrival = { rate = 500; process = \"uniform\"; };\n"
		 "  steps = ( { op = \"compute\"; iterations = 10; } ); };\n"
		 "strategies = ( \"%s/staller.so\" ); syncs = ( \"none\" );\n"
		 "params = { fixture-staller = { stall_ms = 300; }; };\n", FX);
	cl_test_run_first(text, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_TRUE(r.open_loop);
	CU_ASSERT(r.resp_p99_ns >= 100000000);
	CU_ASSERT(r.late_p99_ns >= 100000000);
	CU_ASSERT(r.lat_p99_ns < r.resp_p99_ns);
	CU_ASSERT_EQUAL(r.offered_per_s, 500);
	cl_trial_result_free(&r);
}

/* 100 tasks of a 10 ms sleep at 1,000 a second: serial carries 100 a
 * second at most (its sleeps), so its backlog grows to the end */
static void test_overloaded(void)
{
	struct cl_trial_result r;

	cl_test_run_first("timeout = 30;\n"
		"workload = { tasks = 100; arrival = { rate = 1000; };\n"
		"  steps = ( { op = \"sleep\"; ms = 10; } ); };\n"
		"strategies = ( \"serial\" ); syncs = ( \"none\" );\n", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_TRUE(r.overloaded);
	CU_ASSERT(r.achieved_per_s <= 100.5);
	/* the last task waited for the 99 before it: about a second */
	CU_ASSERT(r.resp_max_ns >= 900000000);
	cl_trial_result_free(&r);
}

/* A results file of an open-loop run: the knee the summary names is the
 * highest offered rate whose cell holds p99 under the bound, computed here
 * from the cells. */
static void test_knees(void)
{
	struct cl_results r;
	char err[512], *buf = NULL, want[256];
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, CL_TEST_SOURCE_DIR "/tests/fixtures/results/open-loop.json",
					      err, sizeof err), 0);
	f = open_memstream(&buf, &len);
	cl_view_knees(f, &r);
	fclose(f);
	cl_test_unwrap(buf);
	const char *families[] = { "serial+none", "threads+none", "async+none" };

	for (int k = 0; k < 3; k++) {
		size_t len = strlen(families[k]);
		double best = 0, bound = 50e6;

		for (size_t i = 0; i < r.ncells; i++) {
			const struct cl_cell_summary *s = &r.cells[i].summary;

			if (strncmp(r.cells[i].label, families[k], len) || r.cells[i].label[len] != ' ')
				continue;
			if (s->ok == s->measured && !s->overloaded && s->resp_p99_ns < bound &&
			    s->offered_per_s > best)
				best = s->offered_per_s;
		}
		if (best >= 1000)
			snprintf(want, sizeof want, "%s holds %d,%03d/s at p99 < 50.0 ms", families[k],
				 (int)best / 1000, (int)best % 1000);
		else if (best)
			snprintf(want, sizeof want, "%s holds %d/s at p99 < 50.0 ms", families[k], (int)best);
		else
			snprintf(want, sizeof want, "%s holds none of the rates tried at p99 < 50.0 ms",
				 families[k]);
		cl_test_expect_in("knees", buf, want);
	}
	free(buf);
	cl_results_free(&r);
}

static void test_bad_settings(void)
{
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = { dist = \"normal\"; "
			    "mean = 3; }; } ); };\nstrategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    ":1: workload.steps[0].ms: unknown dist \"normal\" (uniform, exponential, "
			    "lognormal or pareto)");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = { dist = \"lognormal\"; "
			    "median = 3; }; } ); };\nstrategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    "workload.steps[0].ms: lognormal takes median and sigma, numbers");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = { dist = "
			    "\"uniform\"; min = 9; max = 3; }; } ); };\nstrategies = ( \"serial\" ); "
			    "syncs = ( \"none\" );\n", "and max not below min");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } );\n"
			    "  classes = ( { name = \"a\"; weight = 1; steps = ( { op = \"sleep\"; ms = 1; } ); } ); };\n"
			    "strategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    "give steps (every task runs them) or classes (each task runs one class's), not both");
	cl_test_exp_refused("workload = { tasks = 2; arrival = { rate = 10; };\n"
			    "  steps = ( { op = \"increment\"; duration_ms = 100; } ); };\n"
			    "strategies = ( \"threads\" ); syncs = ( \"mutex\" );\n",
			    "a duration step (line 2) runs one window for every task's same steps: it cannot "
			    "have arrivals");
	cl_test_exp_refused("timeout = 1;\nworkload = { tasks = 100; arrival = { rate = 10; process = "
			    "\"uniform\"; };\n  steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
			    "strategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    ":2: workload.arrival.rate: 100 tasks at 10 a second: the last arrives 9.900 s after "
			    "the start, not within the trial's timeout (1.000 s): every trial would hang");
	/* a Poisson schedule's own last arrival, not the rate's mean: ten tasks
	 * at 100 a second last arrive at 90 ms on average, and this seed's at
	 * more than 120 */
	cl_test_exp_refused("timeout = 0.12;\nworkload = { tasks = 10; seed = 2; arrival = { rate = 100; };\n"
			    "  steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
			    "strategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    "10 tasks at 100 a second: the last arrives 0.1");
	cl_test_exp_refused("workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = { dist = "
			    "\"uniform\"; min = 1.5; max = 3; }; } ); };\nstrategies = ( \"serial\" ); "
			    "syncs = ( \"none\" );\n", "uniform's min and max are whole numbers");
	cl_test_exp_refused("workload = { tasks = 2; arrival = { rate = 10; process = \"bursty\"; };\n"
			    "  steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
			    "strategies = ( \"serial\" ); syncs = ( \"none\" );\n",
			    ":1: workload.arrival: process must be \"poisson\" (exponential gaps) or \"uniform\"");
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "drawn values and classes: every checksum, count, request and file", test_draws_and_classes_checked_everywhere },
		{ "open loop: a stall shows in response time, not service time", test_stall_shows_in_response },
		{ "open loop: a rate beyond the strategy is overloaded", test_overloaded },
		{ "the knee, from a results file's cells", test_knees },
		{ "distributions, classes, arrivals: bad settings refused", test_bad_settings },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("load", tests);
}
