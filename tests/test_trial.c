/* Trials end to end, each in its own child process: exact counters with a
 * lock, equal checksums across strategies, overlapping sleeps, and every
 * way a plugin can fail reported as such. Nothing here reads the clock to
 * judge speed: only counts, checksums, statuses and task intervals. */
#define _GNU_SOURCE
#include "testlib.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_mutex_exact_threads_and_pool(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 4; steps = ( { op = \"increment\"; times = 20000; } ); };\n"
		 "strategies = ( \"serial\", \"threads\" ); syncs = ( \"mutex\" );\n"
		 "params = { threads = { workers = [0, 2, 3]; }; };\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 4);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.tasks_done, 4);
		CU_ASSERT_EQUAL(r.counter_expected, 80000);
		CU_ASSERT_EQUAL(r.counter_actual, 80000);
		CU_ASSERT_EQUAL(r.counter_lost, 0);
		CU_ASSERT_FALSE(r.inexact);
		for (int k = 0; k < 4; k++) /* every task ran, once */
			CU_ASSERT(r.records[k].start_ns >= 0 && r.records[k].end_ns >= r.records[k].start_ns);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

static void test_none_loses_without_failing(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 200000; } ); };\n"
		 "strategies = ( \"threads\" ); syncs = ( \"none\" );\n");
	cl_test_run_cell(&e, 0, &r);
	/* how many are lost depends on the scheduler; that it is a finding and
	 * not a failure does not */
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_TRUE(r.inexact);
	CU_ASSERT_EQUAL(r.counter_expected, 400000);
	/* not even one task's 200000 are safe: a task that read the counter,
	 * stalled and wrote back erases everything the other did meanwhile;
	 * for two tasks the final value can be as low as 2 */
	CU_ASSERT(r.counter_actual <= 400000 && r.counter_actual >= 2);
	CU_ASSERT_EQUAL(r.counter_lost, (int64_t)(400000 - r.counter_actual));
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

static void test_checksums_equal_across_strategies(void)
{
	struct cl_test_exp e;
	uint64_t first[3] = { 0 };

	cl_test_exp_load_ok(&e, "workload = { tasks = 3; loop = 2; steps = (\n"
		 "  { op = \"compute\"; iterations = 100000; },\n"
		 "  { op = \"increment\"; times = 100; inside = 10; outside = 20; } ); };\n"
		 "strategies = ( \"serial\", \"threads\" ); syncs = ( \"mutex\" );\n"
		 "params = { threads = { workers = [0, 2]; }; };\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 3);
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_TRUE(r.checksum_ok);
		for (int k = 0; k < 3; k++) {
			if (i == 0)
				first[k] = r.records[k].checksum;
			CU_ASSERT_EQUAL(r.records[k].checksum, first[k]);
			CU_ASSERT_EQUAL(r.records[k].checksum, clw_expected_checksum(&e.cells[i].workload, k, r.records[k].ops));
		}
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

static void test_sleeps_overlap_under_threads_only(void)
{
	struct cl_test_exp e;
	struct cl_trial_result serial, threads;

	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 50; } ); };\n"
		 "strategies = ( \"serial\", \"threads\" ); syncs = ( \"none\" );\n");
	cl_test_run_cell(&e, 0, &serial);
	cl_test_run_cell(&e, 1, &threads);
	CU_ASSERT_EQUAL(serial.status, CL_STATUS_OK);
	CU_ASSERT_EQUAL(threads.status, CL_STATUS_OK);
	/* serial: the second task starts after the first ended */
	CU_ASSERT(serial.records[1].start_ns >= serial.records[0].end_ns);
	/* threads: each task starts before the other one ends */
	CU_ASSERT(threads.records[1].start_ns < threads.records[0].end_ns);
	CU_ASSERT(threads.records[0].start_ns < threads.records[1].end_ns);
	cl_trial_result_free(&serial);
	cl_trial_result_free(&threads);
	cl_test_exp_free(&e);
}

/* Run a fixture strategy by path, with the given timeout. */
static void run_fixture(const char *file, const char *timeout, struct cl_trial_result *r)
{
	char text[2048];

	snprintf(text, sizeof text,
		 "timeout = %s;\n"
		 "workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 10; } ); };\n"
		 "strategies = ( \"%s/%s\" ); syncs = ( \"none\" );\n", timeout, CL_TEST_FIXTURE_DIR, file);
	cl_test_run_first(text, r);
}

/* CPU covers the same interval as the wall time: one task never shows more
 * cores than the trial could use, one on one thread (serial, async), every
 * online CPU at most under threads and processes (a 2.5 us serial run once
 * showed 53 cores when CPU counted the fork and wall did not). */
/* ThreadSanitizer runs a thread of its own in every process, whose CPU the
 * process's clock counts too. */
#if defined(__SANITIZE_THREAD__)
#define SANITIZER_THREADS 1
#else
#define SANITIZER_THREADS 0
#endif

static void test_one_task_cores(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 1; steps = ( { op = \"compute\"; iterations = 1000; } ); };\n"
		 "strategies = ( \"serial\", \"async\", \"threads\", \"processes\" ); syncs = ( \"none\" );\n");
	CU_ASSERT_EQUAL_FATAL(e.ncells, 4);
	for (size_t i = 0; i < e.ncells; i++)
		for (int k = 0; k < 5; k++) {
			/* serial and async run on one thread; threads and processes
			 * add the task's thread or process to the one that starts it,
			 * and may use every CPU */
			double limit = i < 2 && !SANITIZER_THREADS ? 1.0 : (double)sysconf(_SC_NPROCESSORS_ONLN);
			struct cl_trial_result r;

			cl_test_run_cell(&e, i, &r);
			CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
			CU_ASSERT(r.wall_ns > 0);
			if (r.cores > limit)
				fprintf(stderr, "\n%s: %.3f cores (cpu %lld ns, wall %lld ns)\n", e.cells[i].label,
					r.cores, (long long)(r.user_ns + r.sys_ns), (long long)r.wall_ns);
			CU_ASSERT(r.cores >= 0 && r.cores <= limit);
			CU_ASSERT((double)(r.user_ns + r.sys_ns) <= limit * (double)r.wall_ns);
			cl_trial_result_free(&r);
		}
	cl_test_exp_free(&e);
}

/* A pool of 2 threads running 6 tasks of 20 ms: the last tasks wait two
 * rounds for a worker. Their response time (ready at the run's start, to
 * done) counts that wait; their service time (first step to last) does not. */
static void test_pool_response_time_counts_queueing(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 6; steps = ( { op = \"sleep\"; ms = 20; } ); };\n"
		 "strategies = ( \"threads\" ); syncs = ( \"none\" );\n"
		 "params = { threads = { workers = 2; }; };\n");
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	/* a sleep is never shorter than asked: 3 in a row on one worker */
	CU_ASSERT(r.resp_max_ns >= 60000000);
	CU_ASSERT(r.lat_max_ns >= 20000000);
	CU_ASSERT(r.resp_p50_ns >= r.lat_p50_ns);
	for (int k = 0; k < 6; k++) /* each task's response is its end since the start */
		CU_ASSERT(r.records[k].end_ns <= r.resp_max_ns);
	/* a worker's third task starts after its two sleeps, and 6 tasks on 2
	 * workers make at least 2 such: at least 2 start at 40 ms or later
	 * (exactly 2 only when both workers start at once, which a loaded
	 * machine does not promise: TSan's run once started one 20 ms late) */
	int late = 0;

	for (int k = 0; k < 6; k++)
		late += r.records[k].start_ns >= 40000000;
	CU_ASSERT(late >= 2);
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

/* A trial's memory is all of its processes': 50 workers that each hold a
 * fork of the trial process weigh far more than the largest one alone, and
 * what conclab reports, resident and proportional sets, is what the test
 * itself reads from /proc meanwhile; one threaded process is just itself. */
static void test_memory_of_the_whole_trial(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "workload = { tasks = 50; steps = ( { op = \"sleep\"; ms = 500; } ); };\n"
		 "strategies = ( \"threads\", \"processes\" ); syncs = ( \"none\" );\n");
	for (size_t i = 0; i < e.ncells; i++) {
		struct cl_test_mem_watch *w = cl_test_mem_watch_start();
		struct cl_trial_result r;
		struct cl_test_mem proc;

		cl_test_run_cell(&e, i, &r);
		proc = cl_test_mem_watch_stop(w);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s: %s\n%s\n", e.cells[i].label, cl_status_name(r.status), r.message,
				r.output ? r.output : "");
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT(r.rss_sum_kb >= r.max_rss_kb);
		if (i == 0) { /* threads: one process */
			CU_ASSERT(r.rss_sum_kb <= r.max_rss_kb + r.max_rss_kb / 2);
		} else { /* 50 workers, each resident in what it touched of the trial
			  * process's pages: 17-20 times the largest process here */
			CU_ASSERT(r.rss_sum_kb >= 10 * r.max_rss_kb);
			if ((r.rss_sum_kb * 5 < proc.rss_kb * 4 || r.rss_sum_kb * 4 > proc.rss_kb * 5))
				fprintf(stderr, "\nconclab %lld kB, /proc %lld kB\n", (long long)r.rss_sum_kb,
					proc.rss_kb);
			CU_ASSERT(r.rss_sum_kb * 5 >= proc.rss_kb * 4 && r.rss_sum_kb * 4 <= proc.rss_kb * 5);
			CU_ASSERT(r.pss_sum_kb == 0 || r.pss_sum_kb < r.rss_sum_kb);
#ifndef __SANITIZE_ADDRESS__
			/* under ASan the 51 forks' shared pages turn private at moments
			 * of the sanitizer's own (16.9 and 20.5 MB seen by the test's
			 * 20 ms samples against conclab's 13): RSS agrees, PSS is left to
			 * the plain build */
			if (proc.pss_kb) { /* the kernel gives smaps_rollup */
				if (r.pss_sum_kb * 5 < proc.pss_kb * 4 || r.pss_sum_kb * 4 > proc.pss_kb * 5)
					fprintf(stderr, "\nconclab pss %lld kB, /proc %lld kB\n",
						(long long)r.pss_sum_kb, proc.pss_kb);
				CU_ASSERT(r.pss_sum_kb * 5 >= proc.pss_kb * 4 && r.pss_sum_kb * 4 <= proc.pss_kb * 5);
			}
#endif
		}
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

static void test_crash_is_crashed(void)
{
	struct cl_trial_result r;

	run_fixture("crash.so", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_CRASHED);
	CU_ASSERT_EQUAL(r.signal, SIGSEGV);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "killed by signal 11"));
	cl_trial_result_free(&r);
}

static void test_hang_is_hung(void)
{
	struct cl_trial_result r;

	run_fixture("hang.so", "0.3", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_HUNG);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "no result after 0.300 s (the trial timeout)"));
	cl_trial_result_free(&r);
}

static void test_exit_is_error_with_output(void)
{
	struct cl_trial_result r;

	run_fixture("exit.so", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "exited with code 3 before the strategy returned"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.output);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.output, "fixture-exit says goodbye"));
	cl_trial_result_free(&r);
}

static void test_reported_failure_is_error(void)
{
	struct cl_trial_result r;

	run_fixture("fail.so", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_STRING_EQUAL(r.message,
			       "fixture-fail: could not start worker 7: Resource temporarily unavailable");
	cl_trial_result_free(&r);
}

static void test_skipped_tasks_are_wrong(void)
{
	struct cl_trial_result r;

	run_fixture("lazy.so", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_WRONG);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "1 of 2 tasks never finished"));
	CU_ASSERT_EQUAL(r.tasks_done, 1);
	cl_trial_result_free(&r);
}

static void test_threads_beyond_memory_fail_clearly(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 200000; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		 "strategies = ( \"threads\" ); syncs = ( \"none\" );\n"
		 "params = { threads = { stack_kb = 1048576; max_threads = 1000000; }; };\n");
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "threads: cannot map 200000 stacks of 1048576 KiB"));
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "one task: cores never above one (CPU and wall over one interval)", test_one_task_cores },
		{ "a pool's response time counts the wait for a worker", test_pool_response_time_counts_queueing },
		{ "a trial's memory is the sum of its processes'", test_memory_of_the_whole_trial },
		{ "mutex: exact counter, threads and pools", test_mutex_exact_threads_and_pool },
		{ "none: lost updates are a finding, not a failure", test_none_loses_without_failing },
		{ "compute checksums equal across strategies", test_checksums_equal_across_strategies },
		{ "sleeps overlap under threads, not serial", test_sleeps_overlap_under_threads_only },
		{ "a crashing plugin: crashed, with the signal", test_crash_is_crashed },
		{ "a hanging plugin: hung at the timeout", test_hang_is_hung },
		{ "a plugin calling exit(): error, output captured", test_exit_is_error_with_output },
		{ "cl_trial_fail: error with the message", test_reported_failure_is_error },
		{ "skipped tasks: wrong", test_skipped_tasks_are_wrong },
		{ "threads beyond memory: a clear error", test_threads_beyond_memory_fail_clearly },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("trial", tests);
}
