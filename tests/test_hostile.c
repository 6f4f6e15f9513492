/* Plugins that misbehave on purpose (tests/fixtures): each gets its own
 * clear status, nothing they start outlives the trial, what they print
 * stays in the trial record, and the rest of the experiment still runs. */
#define _GNU_SOURCE
#include "testlib.h"
#include "contain.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN CL_TEST_CONCLAB
#define FX  CL_TEST_FIXTURE_DIR

/* Some promises hold only inside a pid namespace (docs/reliability.md says
 * which); where the kernel refuses one, their tests say so and pass. */
static int namespaces_here(const char *test)
{
	if (cl_protections()->pid_ns)
		return 1;
	printf("\n    (%s: not run, no pid namespace here: %s)\n", test, cl_protections()->missing);
	return 0;
}

/* The trial's private mounts (a /dev/shm of its own, the journal
 * read-only): where they cannot be had (in a chroot), conclab must have
 * said exactly that, and the test of what they protect is not run. */
static int private_mounts_here(const char *test)
{
	if (!namespaces_here(test))
		return 0;
	if (cl_protections()->mount_ns)
		return 1;
	CU_ASSERT_PTR_NOT_NULL(strstr(cl_protections()->missing, "the trial's mounts cannot be made "
				      "private here (\"/\" is not a mount point, as in a chroot)"));
	printf("\n    (%s: not run, no private mounts here: %s)\n", test, cl_protections()->missing);
	return 0;
}

/* One trial of a config's first cell; `params` may be "". */
static void run_one(const char *strategy, const char *sync, const char *params,
		    const char *timeout, struct cl_trial_result *r)
{
	char text[2048];

	snprintf(text, sizeof text,
		 "timeout = %s;\n"
		 "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 100; } ); };\n"
		 "strategies = ( \"%s\" ); syncs = ( \"%s\" );\n%s\n", timeout, strategy, sync, params);
	cl_test_run_first(text, r);
}

static void test_abort_in_run_and_in_init(void)
{
	struct cl_trial_result r;

	run_one(FX "/crash.so", "none", "params = { fixture-crash = { abort = true; }; };", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_CRASHED);
	CU_ASSERT_EQUAL(r.signal, SIGABRT);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "killed by signal 6 (Aborted)"));
	cl_trial_result_free(&r);

	run_one("threads", FX "/abortinit.so", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_CRASHED);
	CU_ASSERT_EQUAL(r.signal, SIGABRT);
	CU_ASSERT_EQUAL(r.tasks_done, 0);
	cl_trial_result_free(&r);
}

static void test_deadlock_is_hung(void)
{
	struct cl_trial_result r;

	/* two threads and a lock that is never released */
	run_one("threads", FX "/deadlock.so", "", "0.5", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_HUNG);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "no result after 0.500 s (the trial timeout): killed "
					   "with every process it started"));
	cl_trial_result_free(&r);
	/* across processes too */
	run_one("processes", FX "/deadlock.so", "", "0.5", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_HUNG);
	cl_trial_result_free(&r);
}

static void test_exit_any_code(void)
{
	static const char *const how[] = {
		"code = 0; raw = false;", "code = 0; raw = true;", "code = 42; raw = true;",
		"code = 255; raw = false;",
	};
	static const int codes[] = { 0, 0, 42, 255 };

	for (size_t i = 0; i < sizeof how / sizeof *how; i++) {
		struct cl_trial_result r;
		char params[128], want[128];

		snprintf(params, sizeof params, "params = { fixture-exit = { %s }; };", how[i]);
		run_one(FX "/exit.so", "none", params, "10", &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
		snprintf(want, sizeof want, "exited with code %d before the strategy returned", codes[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
		CU_ASSERT(r.output && strstr(r.output, "fixture-exit says goodbye"));
		cl_trial_result_free(&r);
	}
}

/* How many processes are named `name` (comm), zombies of ours included. */
static int named(const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		if ((f = fopen(path, "r"))) {
			if (fgets(comm, sizeof comm, f) && !strncmp(comm, name, strlen(name)))
				n++;
			fclose(f);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void test_no_child_survives(void)
{
	struct cl_trial_result r;
	const char *p;
	char name[16];
	int n = 0;

	snprintf(name, sizeof name, "fxl-%d", (int)getpid() % 100000);
	setenv("FX_LINGER_NAME", name, 1);
	run_one(FX "/forker.so", "none", "", "10", &r);
	unsetenv("FX_LINGER_NAME");
	/* the trial itself did its work */
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_EQUAL(r.counter_actual, 200);
	/* one child in the group, one setsid, one daemon: all killed */
	CU_ASSERT_EQUAL(r.left_behind, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.output);
	for (p = r.output; (p = strstr(p, "left ")); p += 5, n++)
		CU_ASSERT(atoi(p + 5) > 1);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(named(name), 0);
	cl_trial_result_free(&r);
}

static void test_garbage_output(void)
{
	char *dir = cl_test_temp_dir(), *cfg, *out, text[1024];
	json_t *root, *trial;
	json_error_t jerr;
	const char *output;

	snprintf(text, sizeof text,
		 "repeat = 1;\n"
		 "workload = { tasks = 2; steps = ( { op = \"compute\"; iterations = 100; } ); };\n"
		 "strategies = ( \"%s/garbage.so\", \"serial\" ); syncs = ( \"none\" );\n", FX);
	cfg = cl_test_write_file(".cfg", text);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet --json '%s/r.json'", BIN, cfg, dir), 0);
	/* the report has both cells and none of the garbage: no ESC, no NUL */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-garbage+none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "serial+none"));
	CU_ASSERT_PTR_NULL(strchr(out, 0x1b));
	free(out);
	snprintf(text, sizeof text, "%s/r.json", dir);
	root = json_load_file(text, 0, &jerr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	trial = json_array_get(json_object_get(json_array_get(json_object_get(root, "cells"), 0),
					       "trials"), 0);
	output = json_string_value(json_object_get(trial, "output"));
	/* kept in the record: the last 4 KiB, made printable */
	CU_ASSERT_PTR_NOT_NULL_FATAL(output);
	CU_ASSERT(strlen(output) >= 4000);
	CU_ASSERT_PTR_NULL(strchr(output, 0x1b));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "?[2J"));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(trial, "status")), "ok");
	json_decref(root);
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

/* Every misbehaving plugin in one experiment: each trial has its status,
 * and the good cells still ran. */
static void test_one_experiment_of_everything(void)
{
	char *cfg, *out, text[2048];

	snprintf(text, sizeof text,
		 "timeout = 1; repeat = 1;\n"
		 "workload = { tasks = 2; steps = ( { op = \"increment\"; times = 1000; } ); };\n"
		 "strategies = ( \"serial\", \"%s/crash.so\", \"%s/hang.so\", \"%s/exit.so\", "
		 "\"%s/forker.so\", \"threads\" );\n"
		 "syncs = ( \"mutex\" );\n", FX, FX, FX, FX);
	cfg = cl_test_write_file(".cfg", text);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet", BIN, cfg), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-crash+mutex, trial 1: crashed: killed by signal 11"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-hang+mutex, trial 1: hung: no result after 1.000 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-exit+mutex, trial 1: error: the trial process "
					   "exited with code 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-forker+mutex, trial 1: 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "threads+mutex "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exact 2000"));
	free(out);
	cl_test_sh(NULL, "rm -f '%s'", cfg);
	free(cfg);
}

/* The machine runs out of threads half way through starting 1,000 (one
 * creator per CPU): the trial fails naming the limits, nothing hangs, the
 * threads already started are joined, and the next cell still runs. */
static void test_out_of_threads_midway(void)
{
	char *dir = cl_test_temp_dir(), *out, *cfg;

	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' -shared -fPIC -o '%s/shim.so' "
					 "'%s/tests/shims/fail_pthread_create.c' -ldl", CL_TEST_CC, dir,
					 CL_TEST_SOURCE_DIR), 0);
	free(out);
	cfg = cl_test_write_file(".cfg",
		"repeat = 1; timeout = 30;\n"
		"workload = { tasks = 1000; steps = ( { op = \"sleep\"; ms = 50; } ); };\n"
		"strategies = ( \"threads\", \"async\" ); syncs = ( \"none\" );\n");
	for (int after = 0; after <= 600; after += 300) {
		/* the sanitizers' runtimes want to come first; this shim does not care */
		CU_ASSERT_EQUAL(cl_test_sh(&out, "FAIL_AFTER=%d LD_PRELOAD='%s/shim.so' "
					   "ASAN_OPTIONS=verify_asan_link_order=0 '%s' run '%s' --quiet",
					   after, dir, BIN, cfg), 1);
		cl_test_unwrap(out); /* the notes keep to 80 columns */
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "threads+none, trial 1: error: threads: pthread_create "
						   "failed for thread "));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "(limits: RLIMIT_NPROC, /proc/sys/kernel/threads-max, "
						   "memory): Resource temporarily unavailable"));
		/* the next cell runs, and is measured (serial would take 50 s) */
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "async+none    1/1"));
		free(out);
	}
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

/* A trial that SIGTERMs its own group after writing to every descriptor it
 * might have inherited: crashed by SIGTERM, and the run goes on, neither
 * interrupted nor zeroed (it used to share the host's handlers and stop
 * pipe, and every later trial read "ok" with a wall time of 0). */
static void test_sigterm_from_inside(void)
{
	struct cl_trial_result r;
	char *cfg, *dir = cl_test_temp_dir(), *out;
	json_t *root, *c;
	size_t i;

	run_one(FX "/selfterm.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_CRASHED);
	CU_ASSERT_EQUAL(r.signal, SIGTERM);
	cl_trial_result_free(&r);
	cfg = cl_test_write_file(".cfg",
		"repeat = 2;\ntimeout = 10;\n"
		"workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 20; } ); };\n"
		"strategies = ( \"" FX "/selfterm.so\", \"serial\", \"threads\" ); syncs = ( \"none\" );\n");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s/r.json' -q", BIN, cfg, dir), 1);
	CU_ASSERT_PTR_NULL(strstr(out, "stopped by"));
	free(out);
	{
		char path[1100];

		snprintf(path, sizeof path, "%s/r.json", dir);
		root = json_load_file(path, 0, NULL);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(root, "experiment"), "interrupted")));
	json_array_foreach(json_object_get(root, "cells"), i, c) {
		json_t *t;
		size_t k;

		json_array_foreach(json_object_get(c, "trials"), k, t) {
			const char *status = json_string_value(json_object_get(t, "status"));

			if (i == 0) {
				CU_ASSERT_STRING_EQUAL(status, "crashed");
			} else { /* the others ran, and ran for real */
				CU_ASSERT_STRING_EQUAL(status, "ok");
				CU_ASSERT(json_integer_value(json_object_get(t, "wall_ns")) >= 20000000);
			}
		}
	}
	json_decref(root);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* A trial that rewrites its header's task count and mapping size: the host
 * judges the shape it mapped, and unmaps what it mapped. */
static void test_forged_header(void)
{
	struct cl_trial_result r;

	run_one(FX "/forge.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_WRONG);
	CU_ASSERT_EQUAL(r.tasks, 2);
	CU_ASSERT_EQUAL(r.tasks_done, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "1 of 2 tasks"));
	cl_trial_result_free(&r);
}

/* Every way to reach the host from a trial, given the host's pid: none
 * gets through, and the trial itself runs (ok). With hang, it then joins
 * the host's process group and never returns: hung, and the host is not. */
static void test_cannot_reach_host_here(void)
{
	struct cl_trial_result r;
	char pid[32];
	cpu_set_t before, after;
	int nice_before = getpriority(PRIO_PROCESS, 0);

	sched_getaffinity(0, sizeof before, &before);
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv("FX_HOST_PID", pid, 1);
	run_one(FX "/reach.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.output);
	CU_ASSERT_PTR_NULL(strstr(r.output, "REACHED"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.output, "blocked: kill(host, SIGTERM)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.output, "blocked: sched_setaffinity(host)"));
	cl_trial_result_free(&r);
	sched_getaffinity(0, sizeof after, &after);
	CU_ASSERT_TRUE(CPU_EQUAL(&before, &after));
	CU_ASSERT_EQUAL(getpriority(PRIO_PROCESS, 0), nice_before);

	run_one(FX "/reach.so", "none", "params = { fixture-reach = { hang = true; }; };", "1", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_HUNG);
	CU_ASSERT_PTR_NOT_NULL(r.output ? strstr(r.output, "blocked: kill(host, SIGTERM)") : NULL);
	cl_trial_result_free(&r);
	unsetenv("FX_HOST_PID");
}

static void test_cannot_reach_host(void)
{
	if (namespaces_here("cannot_reach_host"))
		test_cannot_reach_host_here();
}

/* A trial that corrupts what it says about itself is wrong, with a reason,
 * and the host believes none of it. */
static void test_corrupt_header_and_records(void)
{
	static const char *const want[] = {
		"", "run interval or CPU time was overwritten", "header was overwritten",
		"tasks have impossible times", "tasks have impossible times", "or CPU time was overwritten",
	};

	for (int mode = 1; mode <= 5; mode++) {
		struct cl_trial_result r;
		char params[128];

		snprintf(params, sizeof params, "params = { fixture-header = { mode = %d; }; };", mode);
		run_one(FX "/header.so", "none", params, "10", &r);
		/* mode 5 writes from a process left behind, after the runtime's
		 * own write: on a loaded machine it may get no CPU before the
		 * host has read the header and killed it. Then the host read the
		 * true figure, which is all the rule asks: believe no forgery. */
		if (mode == 5 && r.status == CL_STATUS_OK && r.user_ns < 10000000000LL) {
			cl_trial_result_free(&r);
			continue;
		}
		if (r.status != CL_STATUS_WRONG)
			fprintf(stderr, "\nmode %d: %s: %s\n", mode, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_WRONG);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want[mode]));
		CU_ASSERT(r.wall_ns > 0);
		CU_ASSERT(r.cores >= 0 && r.cores < 64);
		cl_trial_result_free(&r);
	}
}

/* The experiment's limits stop a trial that takes more, naming the limit;
 * under them the same plugin runs. */
static void test_limits(void)
{
	static const struct {
		const char *hog, *limits, *want;
	} cases[] = {
		{ "memory_mb = 256;", "memory_mb = 64;", "limits.memory_mb = 64" },
		{ "children = 20;", "processes = 8;", "limits.processes = 8" },
		{ "output_mb = 8;", "output_mb = 1;", "limits.output_mb = 1" },
		{ "memory_mb = 16; children = 3; output_mb = 1;", "memory_mb = 512; processes = 64; output_mb = 4;", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct cl_trial_result r;
		char params[512];

		snprintf(params, sizeof params,
			 "limits = { %s };\nparams = { fixture-hog = { hold_ms = 600; %s }; };",
			 cases[i].limits, cases[i].hog);
		run_one(FX "/hog.so", "none", params, "20", &r);
		if (cases[i].want) {
			CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(r.message, cases[i].want));
		} else {
			CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
			CU_ASSERT_EQUAL(r.left_behind, 0);
		}
		/* what it wrote is kept, 4 KiB of it, never more */
		CU_ASSERT(!r.output || strlen(r.output) <= 4096);
		cl_trial_result_free(&r);
	}
	/* a file left in /dev/shm is the trial's own /dev/shm's: gone with it */
	struct cl_trial_result r;

	if (!private_mounts_here("a private /dev/shm"))
		return;

	run_one(FX "/hog.so", "none", "params = { fixture-hog = { hold_ms = 0; shm_mb = 64; }; };", "20", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	cl_trial_result_free(&r);
	CU_ASSERT_EQUAL(cl_test_sh(NULL, "ls /dev/shm | grep -q '^fx-hog-' && exit 1; exit 0"), 0);
}

static int has_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; s && *u; u++)
		if ((*u < 0x20 && *u != '\n' && *u != '\t') || *u == 0x7f || *u == 0xff || *u == 0xfe)
			return 1;
	/* C1 as UTF-8 (U+009B), a right-to-left override (U+202E) */
	return s && (strstr(s, "\xc2\x9b") || strstr(s, "\xe2\x80\xae"));
}

/* A message and output full of what a terminal acts on: none of it is
 * kept, the rest is, in the record, the JSON and the table. */
static void test_terminal_sequences(void)
{
	char *dir = cl_test_temp_dir(), *cfg, *out, path[1100];
	struct cl_trial_result r;
	json_t *root, *trial;

	run_one(FX "/shout.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "end of shout"));
	CU_ASSERT_FALSE(has_control(r.message));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.output);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.output, "end of shout"));
	CU_ASSERT_FALSE(has_control(r.output));
	cl_trial_result_free(&r);

	cfg = cl_test_write_file(".cfg", "workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
					 "strategies = ( \"" FX "/shout.so\" ); syncs = ( \"none\" );\n");
	snprintf(path, sizeof path, "%s/r.json", dir);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s' --wide; '%s' info '%s/shout.so'",
				   BIN, cfg, path, BIN, FX), 0);
	CU_ASSERT_FALSE(has_control(out));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "end of shout"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "control sequences in its words"));
	free(out);
	root = json_load_file(path, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	trial = json_array_get(json_object_get(json_array_get(json_object_get(root, "cells"), 0), "trials"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json_string_value(json_object_get(trial, "message")), "end of shout"));
	json_decref(root);
	cl_test_sh(&out, "'%s' report '%s' --table", BIN, path);
	CU_ASSERT_FALSE(has_control(out));
	free(out);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* Constructors that misbehave only outside the probe, or leave a daemon:
 * the host never runs them, the probe is not held up, nothing survives. */
static void test_constructors_contained(void)
{
	struct cl_trial_result r;
	char name[16];

	snprintf(name, sizeof name, "fxd-%d", (int)getpid() % 100000);
	setenv("FX_LINGER_NAME", name, 1);
	run_one(FX "/ctordodge.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_CRASHED);
	CU_ASSERT_EQUAL(r.signal, SIGSEGV);
	cl_trial_result_free(&r);
	run_one(FX "/ctordaemon.so", "none", "", "10", &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT(r.left_behind >= 1);
	cl_trial_result_free(&r);
	CU_ASSERT_EQUAL(named(name), 0);
	unsetenv("FX_LINGER_NAME");
}

/* The children of conclab process `pid`, in order (at most max). */
static int children_of(pid_t pid, pid_t *kids, int max)
{
	char path[64];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if ((f = fopen(path, "r"))) {
		while (n < max && fscanf(f, "%d", &kids[n]) == 1)
			n++;
		fclose(f);
	}
	return n;
}

/* The deepest process under pid along first children: the trial's. */
static pid_t deepest(pid_t pid, int levels)
{
	pid_t kid;

	while (levels-- > 0 && children_of(pid, &kid, 1) == 1)
		pid = kid;
	return pid;
}

static pid_t start_run(const char *cfg, const char *json, const char *log, const char *linger)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		FILE *f = freopen(log, "w", stderr);

		(void)f;
		dup2(STDERR_FILENO, STDOUT_FILENO);
		setenv("FX_LINGER_NAME", linger, 1);
		execl(BIN, BIN, "run", cfg, "--json", json, "--quiet", "--order", "sequential",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int status = 0;

	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* kill -TERM from outside on a running trial's process: that trial is
 * crashed by SIGTERM, the run is not interrupted and measures the rest. */
static void test_sigterm_from_outside(void)
{
	char *dir = cl_test_temp_dir(), json[1024], log[1024];
	char *cfg = cl_test_write_file(".cfg",
		"workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 1500; } ); };\n"
		"strategies = ( \"threads\", \"serial\" ); syncs = ( \"none\" );\n");
	json_t *root;
	pid_t pid, trial = 0;

	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(log, sizeof log, "%s/log", dir);
	pid = start_run(cfg, json, log, "fx-none");
	/* conclab, keeper, init, trial (or conclab, trial without a pid
	 * namespace); the same process there for 300 ms, so not one of the
	 * short-lived children before the trials (the plugin probes, which
	 * load libmpi where the MPI plugins are built: slow under ASan) */
	for (int i = 0, stable = 0; i < 1000 && stable < 30; i++) {
		pid_t now = deepest(pid, 3);

		stable = now != pid && now == trial ? stable + 1 : 0;
		trial = now;
		usleep(10000);
	}
	CU_ASSERT(trial != pid);
	kill(trial, SIGTERM);
	CU_ASSERT_EQUAL(wait_status(pid), 1);
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(root, "experiment"), "interrupted")));
	json_t *cells = json_object_get(root, "cells");
	json_t *first = json_array_get(json_object_get(json_array_get(cells, 0), "trials"), 0);
	json_t *second = json_array_get(json_object_get(json_array_get(cells, 1), "trials"), 0);

	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(first, "status")), "crashed");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(first, "signal")), SIGTERM);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(second, "status")), "ok");
	CU_ASSERT(json_integer_value(json_object_get(second, "wall_ns")) >= 3000000000LL);
	json_decref(root);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* kill -9 of the host while a trial runs with children: no process of the
 * run survives it, and --resume ends with valid results. */
static void test_host_killed_here(void)
{
	char *dir = cl_test_temp_dir(), json[1024], log[1024], journal[1100], name[16], *out;
	char *cfg = cl_test_write_file(".cfg",
		"timeout = 2;\n"
		"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"serial\", \"" FX "/hog.so\" ); syncs = ( \"none\" );\n"
		"params = { fixture-hog = { children = 3; hold_ms = 20000; }; };\n");
	pid_t pid, run[8];
	int nrun = 0;
	json_t *root;

	snprintf(name, sizeof name, "fxk-%d", (int)getpid() % 100000);
	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(log, sizeof log, "%s/log", dir);
	snprintf(journal, sizeof journal, "%s.journal", json);
	pid = start_run(cfg, json, log, name);
	for (int i = 0; i < 500 && named(name) < 3; i++)
		usleep(10000);
	CU_ASSERT_EQUAL(named(name), 3);
	for (pid_t p = pid; nrun < 8 && children_of(p, &run[nrun], 1) == 1; p = run[nrun++])
		;
	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(wait_status(pid), 128 + SIGKILL);
	for (int i = 0; i < 300 && named(name) > 0; i++)
		usleep(10000);
	CU_ASSERT_EQUAL(named(name), 0);
	CU_ASSERT(nrun >= 1);
	while (waitpid(-1, NULL, WNOHANG) > 0) /* zombies re-parented to us */
		;
	for (int i = 0; i < nrun; i++) /* the keeper, the init, the trial */
		CU_ASSERT(kill(run[i], 0) < 0 && errno == ESRCH);
	/* resumed: the hog runs into its timeout, the results are whole */
	unsetenv("FX_LINGER_NAME");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' -q", BIN, journal), 1);
	free(out);
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "cells")), 2);
	json_decref(root);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

static void test_host_killed(void)
{
	if (namespaces_here("host_killed"))
		test_host_killed_here();
}

/* A trial that writes to the run's journal by its path: refused (the
 * journal is read-only in the trial's mount namespace), the run completes
 * and its journal stays the host's. */
static void test_journal_is_the_hosts_here(void)
{
	char *dir = cl_test_temp_dir(), json[1024], journal[1100], *out;
	char *cfg = cl_test_write_file(".cfg",
		"repeat = 2;\n"
		"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"" FX "/reach.so\" ); syncs = ( \"none\" );\n");
	json_t *root, *t;
	size_t i;

	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(journal, sizeof journal, "%s.journal", json);
	setenv("FX_JOURNAL", journal, 1);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "export FX_HOST_PID=$$; exec '%s' run '%s' --json '%s' -q",
				   BIN, cfg, json), 0);
	unsetenv("FX_JOURNAL");
	free(out);
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_array_foreach(json_object_get(json_array_get(json_object_get(root, "cells"), 0), "trials"), i, t) {
		const char *output = json_string_value(json_object_get(t, "output"));
		char want[1200];

		snprintf(want, sizeof want, "blocked: %s", journal);
		CU_ASSERT_TRUE(output && strstr(output, want));
		CU_ASSERT_PTR_NULL(output ? strstr(output, "REACHED") : NULL);
	}
	json_decref(root);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

static void test_journal_is_the_hosts(void)
{
	if (private_mounts_here("journal_is_the_hosts"))
		test_journal_is_the_hosts_here();
}

/* Without namespaces (CONCLAB_NO_NAMESPACES, or a kernel that refuses
 * them) the fallback still holds: strays found through the subreaper, a
 * trial that joined the host's group killed by its pid, a SIGTERM from a
 * trial to the host ignored (and the trial wrong), the note said once. */
static void test_fallback_without_namespaces(void)
{
	char *dir = cl_test_temp_dir(), json[1024], *out;
	char *cfg = cl_test_write_file(".cfg",
		"timeout = 1;\n"
		"workload = { tasks = 2; steps = ( { op = \"increment\"; times = 100; } ); };\n"
		"strategies = ( \"" FX "/forker.so\", \"" FX "/reach.so\", \"" FX "/selfterm.so\", \"serial\" );\n"
		"syncs = ( \"none\" );\n"
		"params = { fixture-reach = { hang = true; }; };\n");
	char *term = cl_test_write_file(".cfg",
		"workload = { tasks = 2; steps = ( { op = \"increment\"; times = 100; } ); };\n"
		"strategies = ( \"" FX "/reach.so\", \"serial\" ); syncs = ( \"none\" );\n"
		"params = { fixture-reach = { term_parent = true; }; };\n");
	static const char *const want[] = { "ok", "hung", "crashed", "ok" };
	json_t *root, *c;
	size_t i;

	snprintf(json, sizeof json, "%s/r.json", dir);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "CONCLAB_NO_NAMESPACES=1 FX_HOST_PID=999999 '%s' run '%s' "
				   "--json '%s' -q --order sequential", BIN, cfg, json), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "conclab: note: namespaces turned off"));
	free(out);
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(json_is_false(json_object_get(json_object_get(json_object_get(root,
		"environment"), "protections"), "pid_namespace")));
	json_array_foreach(json_object_get(root, "cells"), i, c) {
		json_t *t = json_array_get(json_object_get(c, "trials"), 0);

		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(t, "status")), want[i]);
		if (i == 0)
			CU_ASSERT_EQUAL(json_integer_value(json_object_get(t, "left_behind")), 3);
	}
	json_decref(root);

	CU_ASSERT_EQUAL(cl_test_sh(&out, "CONCLAB_NO_NAMESPACES=1 FX_HOST_PID=999999 '%s' run '%s' "
				   "--json '%s' -q --order sequential", BIN, term, json), 1);
	CU_ASSERT_PTR_NULL(strstr(out, "stopped by"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "it sent the host SIGINT or SIGTERM"));
	free(out);
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(root, "experiment"), "interrupted")));
	json_decref(root);
	unlink(cfg);
	unlink(term);
	free(cfg);
	free(term);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* A plugin's check that kills the host, scribbles on its terminal and
 * leaves a daemon: the check runs contained, so the run goes on, nothing
 * reaches the terminal, nothing survives. */
static void test_check_contained_here(void)
{
	char *cfg = cl_test_write_file(".cfg",
		"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"" FX "/checkreach.so\" ); syncs = ( \"none\" );\n"), *out;
	char name[16];

	snprintf(name, sizeof name, "fxc-%d", (int)getpid() % 100000);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "export FX_LINGER_NAME=%s FX_HOST_PID=$$; exec '%s' run '%s' -q",
				   name, BIN, cfg), 0);
	CU_ASSERT_FALSE(has_control(out));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-checkreach+none"));
	free(out);
	CU_ASSERT_EQUAL(named(name), 0);
	unlink(cfg);
	free(cfg);
}

static void test_check_contained(void)
{
	if (namespaces_here("check_contained"))
		test_check_contained_here();
}

/* In a chroot whose "/" is no mount point (as pbuilder and sbuild build
 * Debian packages) the trial's mounts cannot be made private: conclab says
 * so once, naming what is then not protected, and the run still judges
 * its trials. The chroot is this machine's own directories bound into an
 * empty folder, in a mount namespace of the test's. Needs root. */
static void test_chroot_says_what_is_unprotected(void)
{
	char *dir = cl_test_temp_dir(), *out = NULL;
	char *cfg = cl_test_write_file(".cfg",
		"workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"threads\" ); syncs = ( \"none\" ); repeat = 1;\n");
	int rc;

	if (geteuid() != 0 || cl_test_sh(NULL, "command -v unshare && command -v chroot") != 0) {
		printf("\n    (chroot: not run, needs root and unshare)\n");
		goto done;
	}
	rc = cl_test_sh(&out, "unshare -m --propagation private sh -c '"
			"root=%s/root; mkdir \"$root\" || exit 90; "
			"for e in /*; do n=${e#/}; "
			"  if [ -L \"$e\" ]; then cp -P \"$e\" \"$root/$n\"; "
			"  elif [ -d \"$e\" ]; then mkdir \"$root/$n\" && mount --rbind \"$e\" \"$root/$n\" || exit 91; fi; "
			"done; "
			"exec chroot \"$root\" \"%s\" run \"%s\" --quiet'", dir, BIN, cfg);
	if (rc == 90 || rc == 91) {
		printf("\n    (chroot: not run, cannot bind this machine's folders: %d)\n", rc);
		goto done;
	}
	if (rc != 0 || !strstr(out, "mounts cannot be made private"))
		fprintf(stderr, "\nchroot run: exit %d:\n%s\n", rc, out ? out : "");
	CU_ASSERT_EQUAL(rc, 0);
	cl_test_unwrap(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "conclab: note: the trial's mounts cannot be made private here "
				      "(\"/\" is not a mount point, as in a chroot): the run's journal is "
				      "not read-only to a trial"));
done:
	free(out);
	unlink(cfg);
	free(cfg);
	cl_test_sh(NULL, "rmdir '%s'/root/* '%s'/root '%s' 2>/dev/null; rm -f '%s'/root/* 2>/dev/null; "
		   "rmdir '%s'/root '%s' 2>/dev/null; true", dir, dir, dir, dir, dir, dir);
	free(dir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "SIGTERM from inside a trial: crashed, the run goes on", test_sigterm_from_inside },
		{ "a forged task count and mapping size: wrong, the host unharmed", test_forged_header },
		{ "abort() in run and in a sync's init: crashed, SIGABRT", test_abort_in_run_and_in_init },
		{ "a lock that never releases: hung, threads and processes", test_deadlock_is_hung },
		{ "exit() and _exit() with any code: error", test_exit_any_code },
		{ "children, setsid children and daemons do not survive", test_no_child_survives },
		{ "binary garbage on stdout/stderr stays in the record", test_garbage_output },
		{ "one experiment of every misbehaviour: each reported", test_one_experiment_of_everything },
		{ "out of threads half way: a clear error, nothing hangs", test_out_of_threads_midway },
		{ "nothing reaches the host: signals, group, affinity, nice, /proc", test_cannot_reach_host },
		{ "a corrupted header or task record: wrong, believed in nothing", test_corrupt_header_and_records },
		{ "limits on memory, processes and output stop the trial", test_limits },
		{ "control sequences never reach the terminal; JSON keeps the text", test_terminal_sequences },
		{ "constructors that dodge the probe or leave daemons: contained", test_constructors_contained },
		{ "kill -TERM from outside on a trial: crashed, the run goes on", test_sigterm_from_outside },
		{ "kill -9 of the host: nothing survives, --resume completes", test_host_killed },
		{ "a trial cannot write the journal", test_journal_is_the_hosts },
		{ "in a chroot: what is not protected is said", test_chroot_says_what_is_unprotected },
		{ "without namespaces: the fallback contains it, says so", test_fallback_without_namespaces },
		{ "a check that turns on the host: contained like a trial", test_check_contained },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("hostile", tests);
}
