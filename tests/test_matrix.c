/* The matrix: strategies x syncs x the sweeps that apply to each pair. */
#include "testlib.h"

#include <string.h>

static void test_sweeps(void)
{
	struct cl_test_exp e;
	int serial = 0, threads = 0, seen_pool = 0;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = [1, 2, 4]; steps = ( { op = \"sleep\"; ms = [1, 3]; } ); };\n"
		"strategies = ( \"serial\", \"threads\" ); syncs = ( \"none\", \"mutex\" );\n"
		"params = { threads = { workers = [0, 2]; }; };\n"), 0);
	CU_ASSERT_EQUAL(e.x.nknobs, 3);
	/* serial: 2 syncs x 3 tasks x 2 ms; threads: the same x 2 workers */
	CU_ASSERT_EQUAL_FATAL(e.ncells, 12 + 24);
	for (size_t i = 0; i < e.ncells; i++) {
		const struct cl_cell *c = &e.cells[i];

		if (!strcmp(c->strategy->plugin->desc->name, "serial")) {
			serial++;
			CU_ASSERT_EQUAL(c->nknobs, 2);
		} else {
			threads++;
			CU_ASSERT_EQUAL(c->nknobs, 3);
			seen_pool += c->strategy_params[0] == 2;
		}
	}
	CU_ASSERT_EQUAL(serial, 12);
	CU_ASSERT_EQUAL(threads, 24);
	CU_ASSERT_EQUAL(seen_pool, 12);
	/* order: strategy, sync, then sweeps in file order, the last fastest */
	CU_ASSERT_STRING_EQUAL(e.cells[0].label, "serial+none tasks=1 steps[0].ms=1");
	CU_ASSERT_STRING_EQUAL(e.cells[1].label, "serial+none tasks=1 steps[0].ms=3");
	CU_ASSERT_STRING_EQUAL(e.cells[2].label, "serial+none tasks=2 steps[0].ms=1");
	CU_ASSERT_EQUAL(e.cells[1].workload.steps[0].sleep_ns, 3000000);
	CU_ASSERT_EQUAL(e.cells[2].workload.tasks, 2);
	CU_ASSERT_STRING_EQUAL(e.cells[12].label, "threads+none tasks=1 steps[0].ms=1 threads.workers=0");
	CU_ASSERT_STRING_EQUAL(e.cells[13].label, "threads+none tasks=1 steps[0].ms=1 threads.workers=2");
	CU_ASSERT_EQUAL(e.cells[13].strategy_params[0], 2);
	CU_ASSERT_EQUAL(e.cells[13].strategy_params[1], 64); /* unswept: the default */
	cl_test_exp_free(&e);
}

static void test_single_value_array_is_no_sweep(void)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = [5]; steps = ( { op = \"increment\"; times = [7]; } ); };\n"
		"strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_EQUAL(e.x.nknobs, 0);
	CU_ASSERT_EQUAL(e.ncells, 1);
	CU_ASSERT_EQUAL(e.cells[0].workload.tasks, 5);
	CU_ASSERT_EQUAL(e.cells[0].workload.steps[0].times, 7);
	CU_ASSERT_STRING_EQUAL(e.cells[0].label, "serial+none");
	cl_test_exp_free(&e);
}

static void test_sync_param_sweep(void)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = 2; steps = ( { op = \"increment\"; times = 1; } ); };\n"
		"strategies = ( \"serial\", \"threads\" ); syncs = ( \"none\", \"mutex\" );\n"
		"params = { mutex = { adaptive = [false, true]; }; };\n"), 0);
	/* none cells are not multiplied by a sweep of mutex's parameter */
	CU_ASSERT_EQUAL_FATAL(e.ncells, 2 * (1 + 2));
	CU_ASSERT_STRING_EQUAL(e.cells[0].label, "serial+none");
	CU_ASSERT_STRING_EQUAL(e.cells[1].label, "serial+mutex mutex.adaptive=0");
	CU_ASSERT_STRING_EQUAL(e.cells[2].label, "serial+mutex mutex.adaptive=1");
	CU_ASSERT_EQUAL(e.cells[2].sync_params[0], 1);
	cl_test_exp_free(&e);
}

static void test_workloads_and_baselines(void)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workloads = (\n"
		"  { name = \"io\"; tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); syncs = ( \"none\" ); },\n"
		"  { name = \"race\"; tasks = 2; steps = ( { op = \"increment\"; times = 10; } );\n"
		"    strategies = ( \"serial\", \"threads\" ); }\n"
		");\n"
		"strategies = ( \"threads\", \"serial\", \"processes\" ); syncs = ( \"none\", \"mutex\" );\n"
		"baseline = \"serial\";\n"), 0);
	/* io: 3 strategies x none; race: 2 strategies x 2 syncs */
	CU_ASSERT_EQUAL_FATAL(e.ncells, 3 + 4);
	CU_ASSERT_STRING_EQUAL(e.cells[0].label, "io: threads+none");
	CU_ASSERT_STRING_EQUAL(e.cells[3].label, "race: threads+none");
	CU_ASSERT_STRING_EQUAL(e.cells[6].label, "race: serial+mutex");
	CU_ASSERT_EQUAL(e.cells[4].workload.steps[0].times, 10);
	/* each workload against its own serial cell */
	for (size_t i = 0; i < 3; i++)
		CU_ASSERT_STRING_EQUAL(e.cells[e.cells[i].baseline].label, "io: serial+none");
	for (size_t i = 3; i < 7; i++)
		CU_ASSERT_STRING_EQUAL(e.cells[e.cells[i].baseline].label, "race: serial+none");
	cl_test_exp_free(&e);

	/* a swept workload: every cell against the baseline of the same tasks */
	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = [1, 2, 4]; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		"strategies = ( \"threads\", \"serial\" ); syncs = ( \"none\" );\n"
		"params = { threads = { workers = [0, 2]; }; };\n"
		"baseline = \"serial\";\n"), 0);
	CU_ASSERT_EQUAL_FATAL(e.ncells, 6 + 3);
	CU_ASSERT_STRING_EQUAL(e.cells[4].label, "threads+none tasks=4 threads.workers=0");
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[4].baseline].label, "serial+none tasks=4");
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[0].baseline].label, "serial+none tasks=1");
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[7].baseline].label, "serial+none tasks=2");
	cl_test_exp_free(&e);

	/* a workload's own baseline replaces the config's for its cells; one
	 * that matches none of them is refused at its line */
	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workloads = (\n"
		"  { name = \"c\"; tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); strategies = ( \"threads\", \"serial\" ); },\n"
		"  { name = \"alt\"; tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } );\n"
		"    strategies = ( \"threads\", \"processes\" ); baseline = \"processes\"; }\n"
		");\n"
		"strategies = ( \"threads\", \"serial\", \"processes\" ); syncs = ( \"none\" );\n"
		"baseline = \"serial\";\n"), 0);
	CU_ASSERT_EQUAL_FATAL(e.ncells, 4);
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[0].baseline].label, "c: serial+none");
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[2].baseline].label, "alt: processes+none");
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[3].baseline].label, "alt: processes+none");
	cl_test_exp_free(&e);
	CU_ASSERT_EQUAL(cl_test_exp_load(&e,
		"workloads = (\n"
		"  { name = \"c\"; tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); },\n"
		"  { name = \"alt\"; tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } );\n"
		"    baseline = \"uv\"; }\n"
		");\n"
		"strategies = ( \"threads\", \"serial\" ); syncs = ( \"none\" );\n"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, ":4: baseline: \"uv\" matches no cell of workload alt"));
	cl_test_exp_free(&e);

	/* without `baseline`: the first cell's family, at the same swept values */
	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = [1, 2]; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		"strategies = ( \"serial\", \"threads\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_STRING_EQUAL(e.cells[e.cells[3].baseline].label, "serial+none tasks=2");
	cl_test_exp_free(&e);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "sweeps of workload and plugin parameters", test_sweeps },
		{ "a one-value array is no sweep", test_single_value_array_is_no_sweep },
		{ "a sync's sweep applies to that sync only", test_sync_param_sweep },
		{ "named workloads, baselines per workload and per swept value", test_workloads_and_baselines },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("matrix", tests);
}
