/* The py-* strategies: every step kind run as Python code gives the
 * checksums C gives, the counter is exact under every lock and judged
 * inexact without one, a plugin built against ABI 1.4 (no trylock) works
 * under them, a task that raises, exits or hangs is contained and said,
 * and the results name the interpreter. Judged from statuses, counts,
 * checksums and messages only. */
#define _GNU_SOURCE
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const models[] = { "py-serial", "py-threads", "py-processes", "py-asyncio" };
#define NMODELS (sizeof models / sizeof *models)

/* Every kind of step, twice round, with work inside and outside the lock
 * and reads among the writes: each task's checksum under every Python
 * model must be the one serial (C) computes. */
static void test_checksums_equal_c(void)
{
	struct cl_test_exp e;
	uint64_t c_sums[3];

	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		"workload = { tasks = 3; loop = 2; steps = (\n"
		"  { op = \"compute\"; iterations = 20000; }, { op = \"sleep\"; ms = 2; },\n"
		"  { op = \"increment\"; times = 300; inside = 3; outside = 2; read_pct = 25; },\n"
		"  { op = \"request\"; bytes = 70000; delay_ms = 1; keepalive = true; },\n"
		"  { op = \"request\"; bytes = 13; },\n"
		"  { op = \"write\"; bytes = 10000; block = 4096; fsync = true; },\n"
		"  { op = \"read\"; bytes = 9001; block = 1000; } ); };\n"
		"strategies = ( \"serial\", \"py-serial\", \"py-threads\", \"py-processes\", \"py-asyncio\" );\n"
		"syncs = ( \"mutex\", \"rwlock\", \"atomic\" );\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 15);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s: %s\n", e.cells[i].label, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.tasks_done, 3);
		CU_ASSERT_TRUE(r.checksum_ok);
		CU_ASSERT_EQUAL(r.counter_actual, 3 * 2 * 225); /* 75% of 300 write, twice round */
		for (int k = 0; k < 3 && r.records; k++) {
			if (i == 0)
				c_sums[k] = r.records[k].checksum;
			CU_ASSERT_EQUAL(r.records[k].checksum, c_sums[k]);
		}
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* The seed's race and its fixes: without a lock the trial is ok and the
 * counter at most the expected (judged inexact); with a mutex, a
 * semaphore, or a 1.4 sync without trylock (the GIL released for every
 * lock), exact. */
static void test_race_and_locks(void)
{
	struct cl_test_exp e;
	char text[1024];

	snprintf(text, sizeof text, "timeout = 60;\n"
		 "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 20000; } ); };\n"
		 "strategies = ( \"py-threads\", \"py-processes\", \"py-asyncio\" );\n"
		 "syncs = ( \"none\", \"mutex\", \"sem\", \"%s/abi14.so\" );\n", CL_TEST_FIXTURE_DIR);
	cl_test_exp_load_ok(&e, text);
	CU_ASSERT_EQUAL_FATAL(e.ncells, 12);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;
		bool none = strstr(e.cells[i].label, "+none") != NULL;

		cl_test_run_cell(&e, i, &r);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s: %s\n", e.cells[i].label, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.counter_expected, 40000);
		CU_ASSERT_EQUAL(r.inexact, none);
		if (none) {
			CU_ASSERT(r.counter_actual <= 40000 && r.counter_actual >= 20000);
		} else {
			CU_ASSERT_EQUAL(r.counter_actual, 40000);
		}
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* Pools: fewer workers than tasks, each task still run once. */
static void test_pools(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		"workload = { tasks = 7; steps = ( { op = \"increment\"; times = 100; },\n"
		"  { op = \"compute\"; iterations = 100; } ); };\n"
		"strategies = ( \"py-threads\", \"py-processes\" ); syncs = ( \"mutex\" );\n"
		"params = { py-threads = { workers = 2; }; py-processes = { workers = 2; }; };\n");
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.tasks_done, 7);
		CU_ASSERT_EQUAL(r.counter_actual, 700);
		CU_ASSERT_TRUE(r.checksum_ok);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* A duration step counted in Python: the counter is the tasks' operations. */
static void test_duration_step(void)
{
	for (size_t m = 0; m < NMODELS; m++) {
		struct cl_trial_result r;
		char text[512];

		snprintf(text, sizeof text, "timeout = 30;\n"
			 "workload = { tasks = 2; steps = ( { op = \"increment\"; duration_ms = 100; } ); };\n"
			 "strategies = ( \"%s\" ); syncs = ( \"mutex\" );\n", models[m]);
		cl_test_run_first(text, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT(r.counter_actual > 0);
		CU_ASSERT_EQUAL(r.counter_actual, r.counter_expected);
		cl_trial_result_free(&r);
	}
}

/* Run `model` with a hook whose before_step does `body` for task 1 at step
 * 0; the trial's result in *r. */
static void run_hooked(const char *model, const char *body, const char *timeout,
		       struct cl_trial_result *r)
{
	char hook[512], text[1024];
	char *path;

	snprintf(hook, sizeof hook, "import os, sys, time\n"
		 "def before_step(task, step):\n"
		 "    if task == 1:\n"
		 "        %s\n", body);
	path = cl_test_write_file(".py", hook);
	snprintf(text, sizeof text, "timeout = %s;\n"
		 "workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 10; } ); };\n"
		 "strategies = ( \"%s\" ); syncs = ( \"none\" );\n"
		 "params = { %s = { hook = \"%s\"; }; };\n", timeout, model, model, path);
	cl_test_run_first(text, r);
	unlink(path);
	free(path);
}

static void test_task_raises(void)
{
	for (size_t m = 0; m < NMODELS; m++) {
		struct cl_trial_result r;

		run_hooked(models[m], "1 / 0", "30", &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
		cl_test_expect_in(models[m], r.message,
				  "task 1: step 1 (compute, config line 2): ZeroDivisionError: division by zero");
		cl_trial_result_free(&r);
	}
}

static void test_task_exits(void)
{
	for (size_t m = 0; m < NMODELS; m++) {
		struct cl_trial_result r;

		run_hooked(models[m], "sys.exit(3)", "30", &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
		cl_test_expect_in(models[m], r.message, "task 1: step 1 (compute, config line 2): SystemExit: 3");
		cl_trial_result_free(&r);
	}
	/* os._exit ends the process it runs in: the task's own under
	 * py-processes, the trial's under py-threads */
	struct cl_trial_result r;

	run_hooked("py-processes", "os._exit(7)", "30", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	cl_test_expect_in("py-processes", r.message, "task 1: its process exited with code 7 before the "
			  "task finished");
	cl_trial_result_free(&r);
	run_hooked("py-threads", "os._exit(7)", "30", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	cl_test_expect_in("py-threads", r.message, "exited with code 7 before the strategy returned");
	cl_trial_result_free(&r);
}

static void test_task_hangs(void)
{
	for (size_t m = 0; m < NMODELS; m++) {
		struct cl_trial_result r;

		run_hooked(models[m], "time.sleep(1000)", "1", &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_HUNG);
		CU_ASSERT_EQUAL(r.tasks_done, 1);
		cl_trial_result_free(&r);
	}
}

/* A Python task that skips its work is wrong, as a C one: a hook that
 * replaces the LCG with one that returns at once. */
static void test_skipped_work_is_wrong(void)
{
	struct cl_trial_result r;
	char *path = cl_test_write_file(".py", "import conclab_tasks\n"
					"conclab_tasks.lcg = lambda x, n, *rest: x\n");
	char text[1024];

	snprintf(text, sizeof text, "workload = { tasks = 2; steps = ( { op = \"compute\"; "
		 "iterations = 1000; } ); };\nstrategies = ( \"py-threads\" ); syncs = ( \"none\" );\n"
		 "params = { py-threads = { hook = \"%s\"; }; };\n", path);
	cl_test_run_first(text, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_WRONG);
	CU_ASSERT_FALSE(r.checksum_ok);
	cl_trial_result_free(&r);
	unlink(path);
	free(path);
}

/* The results' environment names the interpreter: the version CMake found
 * when it built the plugins, and the GIL. */
static void test_results_name_the_interpreter(void)
{
	char *cfg = cl_test_write_file(".cfg", "name = \"py\"; repeat = 1;\n"
				       "workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
				       "strategies = ( \"py-asyncio\" ); syncs = ( \"none\" );\n");
	char *dir = cl_test_temp_dir(), *out = NULL, want[128];

	CU_ASSERT_EQUAL(cl_test_sh(&out, "%s run %s --quiet --json %s/r.json >/dev/null && "
				   "cat %s/r.json", CL_TEST_CONCLAB, cfg, dir, dir), 0);
	snprintf(want, sizeof want, "\"runtime\": \"CPython %s", CL_TEST_PYTHON_VERSION);
	CU_ASSERT_TRUE(out && strstr(out, want));
	CU_ASSERT_TRUE(out && strstr(out, "; GIL enabled\""));
	free(out);
	cl_test_sh(NULL, "rm -rf %s", dir);
	unlink(cfg);
	free(cfg);
	free(dir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every step kind under every Python model: C's checksums", test_checksums_equal_c },
		{ "the race without a lock, exact with mutex, sem and a 1.4 sync", test_race_and_locks },
		{ "pools run every task once", test_pools },
		{ "a duration step counted in Python", test_duration_step },
		{ "a task that raises: an error naming step and exception", test_task_raises },
		{ "a task that exits: sys.exit, os._exit", test_task_exits },
		{ "a task that hangs: hung, stopped", test_task_hangs },
		{ "a task that skips its work: wrong", test_skipped_work_is_wrong },
		{ "the results name the interpreter", test_results_name_the_interpreter },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("python", tests);
}
