/* The task runtime: the step interpreter (stepped and blocking agree), the
 * compute kernel and its closed form, the barrier, claims and failures. */
#define _GNU_SOURCE
#include "testlib.h"
#include "lcg.h"
#include "trial_map.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

static void no_lock(void *shared, void *local)
{
	(void)shared;
	(void)local;
}

static const struct cl_sync_ops plain = { .lock = no_lock, .unlock = no_lock };

static struct cl_workload mixed(void)
{
	struct cl_workload w = { .tasks = 2, .loop = 2, .nsteps = 4 };

	w.steps[0] = (struct cl_step_spec){ .op = CL_OP_COMPUTE, .iterations = 1000 };
	w.steps[1] = (struct cl_step_spec){ .op = CL_OP_SLEEP, .sleep_ns = 1000000 };
	w.steps[2] = (struct cl_step_spec){ .op = CL_OP_INCREMENT, .times = 50, .inside = 3, .outside = 2 };
	w.steps[3] = (struct cl_step_spec){ .op = CL_OP_SLEEP, .sleep_ns = 2000000 };
	return w;
}

static size_t mapped; /* the size the test unmaps with, as the host keeps it */
static const struct clw_trial_env no_env; /* no server, files, placement or deadline */

static struct cl_trial *map(const struct cl_workload *w)
{
	struct cl_trial *t = clrt_trial_map(w, &no_env, &plain, &mapped);

	for (size_t i = 0; t && i < t->ntasks; i++)
		t->tasks[i].index = (uint32_t)i;
	return t;
}

static void test_lcg_closed_form(void)
{
	const uint64_t ns[] = { 0, 1, 2, 3, 64, 1000, 12345, 99991 };

	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
		CU_ASSERT_EQUAL(clw_lcg_jump(42 + i, ns[i]), clw_lcg_advance(42 + i, ns[i]));
	CU_ASSERT_NOT_EQUAL(clw_lcg_advance(1, 10), clw_lcg_advance(2, 10));
}

static void test_stepped_and_blocking_agree(void)
{
	struct cl_workload w = mixed();
	struct cl_trial *t = map(&w);
	struct cl_task *blocking, *stepped;
	struct cl_wait wait, again;
	int waits = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	blocking = cl_trial_task(t, 0);
	stepped = cl_trial_task(t, 1);
	CU_ASSERT_EQUAL(cl_task_index(stepped), 1);
	cl_task_run(blocking);
	CU_ASSERT_TRUE(blocking->done);

	while (cl_task_step(stepped, &wait) == CL_STEP_WAIT) {
		int64_t before = cl_now_ns();

		waits++;
		CU_ASSERT_EQUAL(wait.fd, -1);
		CU_ASSERT(wait.until_ns > stepped->start_ns);
		/* resumed before the deadline: the same wait comes back */
		if (before < wait.until_ns) {
			CU_ASSERT_EQUAL(cl_task_step(stepped, &again), CL_STEP_WAIT);
			CU_ASSERT_EQUAL(again.until_ns, wait.until_ns);
		}
		struct timespec until = { wait.until_ns / 1000000000, wait.until_ns % 1000000000 };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	}
	CU_ASSERT_EQUAL(waits, 4); /* two sleeps, two loops */
	CU_ASSERT_TRUE(stepped->done);
	CU_ASSERT_EQUAL(cl_task_step(stepped, &wait), CL_STEP_DONE);
	CU_ASSERT_EQUAL(blocking->checksum, clw_expected_checksum(&w, 0, blocking->ops));
	CU_ASSERT_EQUAL(stepped->checksum, clw_expected_checksum(&w, 1, stepped->ops));
	CU_ASSERT_NOT_EQUAL(blocking->checksum, stepped->checksum); /* seeded per task */
	CU_ASSERT_EQUAL(t->counter, 2 * 2 * 50);
	CU_ASSERT_EQUAL(clw_expected_counter(&w, NULL), 200);
	CU_ASSERT(blocking->end_ns - blocking->start_ns >= clw_task_min_ns(&w, 0));
	CU_ASSERT(stepped->end_ns - stepped->start_ns >= clw_task_min_ns(&w, 0));
	CU_ASSERT_EQUAL(clw_task_min_ns(&w, 0), 6000000);
	clrt_trial_unmap(t, mapped);
}

static void test_claim_each_once(void)
{
	struct cl_workload w = mixed();
	struct cl_trial *t;
	int seen[5] = { 0 };
	struct cl_task *k;

	w.tasks = 5;
	t = map(&w);
	while ((k = cl_trial_claim(t)))
		seen[cl_task_index(k)]++;
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(seen[i], 1);
	CU_ASSERT_PTR_NULL(cl_trial_claim(t));
	CU_ASSERT_PTR_NULL(cl_trial_task(t, 5));
	CU_ASSERT_EQUAL(cl_trial_ntasks(t), 5);
	clrt_trial_unmap(t, mapped);
}

static void *barrier_waiter(void *trial)
{
	return (void *)(intptr_t)cl_trial_barrier_wait(trial);
}

static void test_barrier_and_cancel(void)
{
	struct cl_workload w = mixed();
	struct cl_trial *t = map(&w);
	pthread_t a;
	void *ra;

	/* two parties: closed on any machine of 2 or more CPUs */
	cl_trial_barrier_arm(t, 2);
	pthread_create(&a, NULL, barrier_waiter, t);
	CU_ASSERT_EQUAL(cl_trial_barrier_wait(t), 0);
	pthread_join(a, &ra);
	CU_ASSERT_EQUAL((intptr_t)ra, 0);

	/* cancelled before a worker arrives: it must run nothing */
	cl_trial_barrier_arm(t, 2);
	cl_trial_barrier_cancel(t); /* the other worker never started */
	pthread_create(&a, NULL, barrier_waiter, t);
	pthread_join(a, &ra);
	CU_ASSERT_EQUAL((intptr_t)ra, sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? -ECANCELED : 0);
	clrt_trial_unmap(t, mapped);
}

static void test_fail_first_wins(void)
{
	struct cl_workload w = mixed();
	struct cl_trial *t = map(&w);

	CU_ASSERT_EQUAL(cl_trial_fail(t, EAGAIN, "worker %d", 7), -EAGAIN);
	CU_ASSERT_EQUAL(cl_trial_fail(t, ENOMEM, "second"), -ENOMEM);
	CU_ASSERT_STRING_EQUAL(t->message, "worker 7: Resource temporarily unavailable");
	clrt_trial_unmap(t, mapped);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "compute kernel matches its closed form", test_lcg_closed_form },
		{ "stepped and blocking runs agree", test_stepped_and_blocking_agree },
		{ "claims hand out each task once", test_claim_each_once },
		{ "start barrier opens and cancels", test_barrier_and_cancel },
		{ "cl_trial_fail: first message wins", test_fail_first_wins },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("runtime", tests);
}
