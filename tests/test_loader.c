/* The loader: good plugins load, and each kind of bad file is reported with
 * its path and reason while the rest still load. */
#define _GNU_SOURCE
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *problem_for(const struct cl_registry *reg, const char *file)
{
	for (size_t i = 0; i < reg->nproblems; i++) {
		const char *slash = strrchr(reg->problems[i].path, '/');

		if (slash && !strcmp(slash + 1, file))
			return reg->problems[i].reason;
	}
	return NULL;
}

static void test_fixture_dir(void)
{
	char *dirs[] = { CL_TEST_FIXTURE_DIR };
	struct cl_registry reg;
	const struct cl_loaded_plugin *good;
	const char *why;

	cl_registry_init(&reg, dirs, 1);
	CU_ASSERT_STRING_EQUAL(reg.dirs[0], CL_TEST_FIXTURE_DIR);
	cl_registry_scan(&reg);

	good = cl_registry_find(&reg, "fixture-good", CL_PLUGIN_STRATEGY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(good);
	CU_ASSERT_EQUAL(good->nparams, 2);
	CU_ASSERT_STRING_EQUAL(good->desc->params[0].name, "level");
	CU_ASSERT_PTR_NOT_NULL(strstr(good->path, "/good.so"));
	CU_ASSERT_PTR_NULL(cl_registry_find(&reg, "fixture-good", CL_PLUGIN_SYNC));
	/* the build tree's plugins are found after the fixtures */
	CU_ASSERT_PTR_NOT_NULL(cl_registry_find(&reg, "threads", CL_PLUGIN_STRATEGY));
	CU_ASSERT_PTR_NOT_NULL(cl_registry_find(&reg, "mutex", CL_PLUGIN_SYNC));

	why = problem_for(&reg, "noentry.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a conclab plugin: no cl_plugin_entry symbol"));
	why = problem_for(&reg, "wrongabi.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	/* the versions as this build has them: the asserts outlive a minor */
	char want[256];

	snprintf(want, sizeof want, "built against conclab plugin ABI 999, this conclab has ABI 1.%u",
		 CL_ABI_MINOR);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
	/* the policy: another major is refused having read nothing past `abi`,
	 * a newer minor too; each says both versions and what to do */
	why = problem_for(&reg, "abifuture.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	snprintf(want, sizeof want, "built against conclab plugin ABI 2, this conclab has ABI 1.%u: use a "
		 "conclab of ABI major version as new as the plugin's, or rebuild the plugin against "
		 "this conclab's headers", CL_ABI_MINOR);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
	why = problem_for(&reg, "abinewer.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	snprintf(want, sizeof want, "built against conclab plugin ABI 1.%u, newer than this conclab's "
		 "1.%u: upgrade conclab", CL_ABI_MINOR + 1, CL_ABI_MINOR);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
	/* a 1.3 plugin that declares 1.4's text type: refused, not misread */
	why = problem_for(&reg, "abi13text.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "parameter 'note' has unknown type 3"));
	CU_ASSERT_PTR_NULL(cl_registry_find(&reg, "fixture-abinewer", CL_PLUGIN_STRATEGY));
	why = problem_for(&reg, "nullops.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "strategy 'fixture-nullops' has no run op"));
	why = problem_for(&reg, "notelf.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not an ELF file"));
	why = problem_for(&reg, "otherarch.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "built for another architecture (ELF machine"));
	why = problem_for(&reg, "absurd.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "sync 'fixture-absurd' asks for absurd state sizes "
					  "(1152921504606846976 shared"));
	/* its constructor segfaults: only the probe died, and we are here to say so */
	why = problem_for(&reg, "ctorcrash.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "crashed while being loaded: killed by signal 11"));
	CU_ASSERT_PTR_NULL(cl_registry_find(&reg, "fixture-ctorcrash", CL_PLUGIN_STRATEGY));
	/* the hostile ones that load fine as plugins */
	CU_ASSERT_PTR_NOT_NULL(cl_registry_find(&reg, "fixture-deadlock", CL_PLUGIN_SYNC));
	CU_ASSERT_PTR_NOT_NULL(cl_registry_find(&reg, "fixture-forker", CL_PLUGIN_STRATEGY));
	cl_registry_free(&reg);
}

/* A constructor that never returns: the probe is killed at its limit, the
 * host goes on, and `conclab plugins` still lists everything else. */
static void test_constructor_hang(void)
{
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' plugins --plugin-path '%s/slow'", CL_TEST_CONCLAB,
				   CL_TEST_FIXTURE_DIR), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ctorhang.so:\n    did not finish loading within 5 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nthreads "));
	free(out);
}

static void test_duplicate_first_wins(void)
{
	char *dir = cl_test_temp_dir(), *dirs[] = { dir };
	struct cl_registry reg;
	const struct cl_loaded_plugin *p;
	const char *why;

	/* a copy of serial.so under another file name, earlier on the path */
	CU_ASSERT_EQUAL(cl_test_sh(NULL, "cp '%s/plugins/serial.so' '%s/my-serial.so'",
				   CL_TEST_BINARY_DIR, dir), 0);
	cl_registry_init(&reg, dirs, 1);
	cl_registry_scan(&reg);
	p = cl_registry_find(&reg, "serial", CL_PLUGIN_STRATEGY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p->path, "/my-serial.so"));
	why = problem_for(&reg, "serial.so");
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "duplicate plugin 'serial'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "my-serial.so comes first on the path and wins"));
	cl_registry_free(&reg);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

static void test_env_path_and_resolve(void)
{
	struct cl_registry reg;
	char err[2048];
	const struct cl_loaded_plugin *p;

	setenv("CONCLAB_PLUGIN_PATH", "/nonexistent/a:" CL_TEST_FIXTURE_DIR, 1);
	cl_registry_init(&reg, NULL, 0);
	unsetenv("CONCLAB_PLUGIN_PATH");
	CU_ASSERT_EQUAL_FATAL(reg.ndirs, 3); /* and conclab's own: the build tree's, run from it */
	CU_ASSERT_STRING_EQUAL(reg.dirs[2], CL_TEST_BINARY_DIR "/plugins");
	CU_ASSERT_STRING_EQUAL(reg.dirs[0], "/nonexistent/a");
	CU_ASSERT_STRING_EQUAL(reg.dirs[1], CL_TEST_FIXTURE_DIR);
	cl_registry_scan(&reg);
	CU_ASSERT_PTR_NOT_NULL(cl_registry_resolve(&reg, "fixture-good", CL_PLUGIN_STRATEGY, err, sizeof err));
	CU_ASSERT_PTR_NULL(cl_registry_resolve(&reg, "nope", CL_PLUGIN_SYNC, err, sizeof err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown sync plugin 'nope'; did you mean 'none'? (searched: /nonexistent/a"));
	/* by path, a file that is not a plugin: the path and the reason */
	p = cl_registry_resolve(&reg, CL_TEST_FIXTURE_DIR "/noentry.so", CL_PLUGIN_STRATEGY, err, sizeof err);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/noentry.so: not a conclab plugin"));
	/* by path, a good plugin not on the path */
	cl_registry_free(&reg);
	cl_registry_init(&reg, NULL, 0);
	cl_registry_scan(&reg);
	p = cl_registry_resolve(&reg, CL_TEST_FIXTURE_DIR "/good.so", CL_PLUGIN_STRATEGY, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->desc->name, "fixture-good");
	cl_registry_free(&reg);
}

static void test_validate_descriptor(void)
{
	static const struct cl_strategy_ops ops = { .run = (int (*)(struct cl_trial *, const int64_t *))1 };
	static const struct cl_param_decl bad_default[] = { { "n", CL_PARAM_INT, 50, 1, 10, "" }, { 0 } };
	static const struct cl_sync_ops huge = { .shared_size = 1u << 30,
						 .lock = (void (*)(void *, void *))1,
						 .unlock = (void (*)(void *, void *))1 };
	struct cl_plugin d = { .abi = CL_ABI_VERSION, .size = sizeof d, .kind = CL_PLUGIN_STRATEGY,
			       .name = "ok", .version = "1", .summary = "s", .ops.strategy = &ops };
	char err[512];

	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), 0);
	d.name = "Bad Name";
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid name"));
	d.name = "ok";
	d.size = 8;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "descriptor is 8 bytes"));
	d.size = sizeof d;
	d.params = bad_default;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "parameter 'n': default 50 outside [1, 10]"));
	d.params = NULL;
	d.kind = CL_PLUGIN_SYNC;
	d.ops.sync = &huge;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "absurd state sizes"));
	d.kind = 7;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown plugin kind 7"));
}

/* A plugin built against the header of conclab 0.1 (before `check` was
 * appended) loads, has no check, and runs; a descriptor that claims more
 * bytes than its symbol has is refused. */
static void test_older_header(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;
	const struct cl_loaded_plugin *old, *threads;
	static const struct cl_strategy_ops ops = { .run = (int (*)(struct cl_trial *, const int64_t *))1 };
	struct cl_plugin d = { .abi = CL_ABI_VERSION, .size = sizeof d, .kind = CL_PLUGIN_STRATEGY,
			       .name = "ok", .version = "1", .summary = "s", .ops.strategy = &ops };
	char err[512];

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e, "name = \"old\";\nworkload = { tasks = 3; steps = ( "
					      "{ op = \"compute\"; iterations = 1000; } ); };\n"
					      "strategies = ( \"" CL_TEST_FIXTURE_DIR "/oldabi.so\", "
					      "\"threads\" );\n"
					      "syncs = ( \"none\" );\n"), 0);
	old = cl_registry_find(&e.reg, "fixture-oldabi", CL_PLUGIN_STRATEGY);
	threads = cl_registry_find(&e.reg, "threads", CL_PLUGIN_STRATEGY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	CU_ASSERT_EQUAL(old->desc->size, CL_PLUGIN_SIZE_V1);
	CU_ASSERT_FALSE(old->has_check);
	CU_ASSERT_TRUE(threads->has_check);
	CU_ASSERT_EQUAL(cl_cells_check(&e.x, e.cells, e.ncells, err, sizeof err), 0);
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_EQUAL(r.tasks_done, 3);
	CU_ASSERT_TRUE(r.checksum_ok);
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
	/* the 0.1 size is enough; less is not; more than the symbol holds is a lie */
	d.size = CL_PLUGIN_SIZE_V1;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, CL_PLUGIN_SIZE_V1, err, sizeof err), 0);
	d.size = CL_PLUGIN_SIZE_V1 - 8;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, sizeof d, err, sizeof err), -1);
	d.size = sizeof d;
	CU_ASSERT_EQUAL(cl_plugin_validate(&d, CL_PLUGIN_SIZE_V1, err, sizeof err), -1);
}

/* The versioning policy: a sync built against the frozen ABI 1.0 headers
 * (tests/abi/1.0) loads in this host as minor 0 and runs exactly under
 * threads and processes, its ops read as 1.0 had them. */
static void test_abi_1_0_plugin(void)
{
	struct cl_test_exp e;
	const struct cl_loaded_plugin *p;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e, "name = \"abi10\";\nworkload = { tasks = 4; steps = ( "
					      "{ op = \"increment\"; times = 20000; } ); };\n"
					      "strategies = ( \"threads\", \"processes\" );\n"
					      "syncs = ( \"" CL_TEST_FIXTURE_DIR "/abi10.so\" );\n"), 0);
	p = cl_registry_find(&e.reg, "fixture-abi10", CL_PLUGIN_SYNC);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(cl_plugin_abi_minor(p->desc), 0);
	CU_ASSERT_EQUAL(p->desc->size, offsetof(struct cl_plugin, abi_minor));
	{ /* info says which ABI each was built for: 1.0 here, this one's own */
		char *out, want[64];

		CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info '%s/abi10.so'", CL_TEST_CONCLAB, CL_TEST_FIXTURE_DIR), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nabi:         1.0\n"));
		free(out);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info threads", CL_TEST_CONCLAB), 0);
		snprintf(want, sizeof want, "\nabi:         %u.%u\n", CL_ABI_MAJOR, CL_ABI_MINOR);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
		free(out);
	}
	CU_ASSERT_EQUAL(e.ncells, 2);
	for (size_t c = 0; c < e.ncells; c++) {
		struct cl_trial_result r;

		cl_test_run_cell(&e, c, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.tasks_done, 4);
		CU_ASSERT_EQUAL(r.counter_actual, 80000);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
}

/* A sync's init says why it failed, in words (ABI 1.1: setup->trial). */
static void test_sync_init_fails_in_words(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e, "name = \"initfail\";\nworkload = { tasks = 2; steps = ( "
					      "{ op = \"increment\"; times = 10; } ); };\n"
					      "strategies = ( \"serial\" );\n"
					      "syncs = ( \"" CL_TEST_FIXTURE_DIR "/initfail.so\" );\n"), 0);
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "initfail: cannot open the lock device: Permission denied"));
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "fixture folder: good loads, bad files reported", test_fixture_dir },
		{ "a constructor that hangs: the probe is killed, the rest load", test_constructor_hang },
		{ "duplicate name: first on the path wins", test_duplicate_first_wins },
		{ "CONCLAB_PLUGIN_PATH and plugins named by path", test_env_path_and_resolve },
		{ "descriptor validation", test_validate_descriptor },
		{ "a plugin built against the 0.1 header loads and runs", test_older_header },
		{ "a sync built against the frozen ABI 1.0 headers runs exactly", test_abi_1_0_plugin },
		{ "a sync's init fails in words", test_sync_init_fails_in_words },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("loader", tests);
}
