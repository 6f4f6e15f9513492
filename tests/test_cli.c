/* The conclab program as a user runs it: verbs, help, exit codes, results
 * files, and a plugin built outside the tree dropped onto the path. */
#define _GNU_SOURCE
#include "testlib.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN CL_TEST_CONCLAB

static void test_help_everywhere(void)
{
	const char *verbs[] = { "run", "check", "plugins", "info" };
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' --help", BIN), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: conclab [--plugin-path DIR]... VERB"));
	free(out);
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		char want[64];

		snprintf(want, sizeof want, "usage: conclab %s", verbs[i]);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' %s --help", BIN, verbs[i]), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
		free(out);
	}
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' frobnicate", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown verb 'frobnicate'"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "expected 1 argument, got 0"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run x.cfg --repeat 0", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--repeat wants 1..10000, got '0'"));
	free(out);
}

static void test_check_bad_config(void)
{
	char *out;
	const char *path = CL_TEST_SOURCE_DIR "/tests/configs/bad/unknown-param.cfg";

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' check '%s'", BIN, path), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown-param.cfg:4: params.threads.worker:"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run /nonexistent.cfg", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/nonexistent.cfg: cannot open"));
	free(out);
}

/* `conclab plugins` has a line starting with NAME that also says KIND. */
static int listed(const char *out, const char *name, const char *kind)
{
	for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t n = strlen(name), len = strcspn(line, "\n");
		char *copy;
		int found;

		if (strncmp(line, name, n) || line[n] != ' ')
			continue;
		copy = strndup(line, len);
		found = strstr(copy, kind) != NULL;
		free(copy);
		return found;
	}
	return 0;
}

static void test_plugins_and_info(void)
{
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' plugins --plugin-path '%s'", BIN, CL_TEST_FIXTURE_DIR), 0);
	CU_ASSERT_TRUE(listed(out, "serial", "strategy"));
	CU_ASSERT_TRUE(listed(out, "threads", "strategy"));
	CU_ASSERT_TRUE(listed(out, "processes", "strategy"));
	CU_ASSERT_TRUE(listed(out, "async", "strategy"));
	CU_ASSERT_TRUE(listed(out, "mutex", "sync"));
	CU_ASSERT_TRUE(listed(out, "none", "sync"));
	CU_ASSERT_TRUE(listed(out, "mcs", "sync"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-good"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/wrongabi.so: built for plugin ABI version 999"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info threads", BIN), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "name:        threads"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "workers      int   default 0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "range [0, 1000000]"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info mutex", BIN), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "adaptive     bool  default false"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info nosuch", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown"));
	free(out);
}

static void test_run_writes_json_and_csv(void)
{
	char *dir = cl_test_temp_dir(), *cfg, *out, path[4096];
	json_t *root, *cell, *trial;
	json_error_t jerr;
	FILE *f;
	int lines = 0, c;

	cfg = cl_test_write_file(".cfg",
		"name = \"cli-race\"; repeat = 2;\n"
		"workload = { tasks = 2; steps = ( { op = \"increment\"; times = 5000; } ); };\n"
		"strategies = ( \"threads\" ); syncs = ( \"none\", \"mutex\" );\n");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s/r.json' --csv '%s/r.csv' --quiet",
				   BIN, cfg, dir, dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "threads+mutex"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exact 10000"));
	free(out);

	snprintf(path, sizeof path, "%s/r.json", dir);
	root = json_load_file(path, 0, &jerr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(root, "schema")), "conclab-results/1");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "cells")), 2);
	cell = json_array_get(json_object_get(root, "cells"), 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(cell, "strategy")), "threads");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(cell, "sync")), "mutex");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(cell, "params"), "tasks")), 2);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(cell, "trials")), 2);
	trial = json_array_get(json_object_get(cell, "trials"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(trial, "status")), "ok");
	CU_ASSERT(json_integer_value(json_object_get(trial, "wall_ns")) > 0);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(trial, "user_ns"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(trial, "sys_ns"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(trial, "max_rss_kb"));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(trial, "counter"), "expected")), 10000);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(trial, "counter"), "actual")), 10000);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(trial, "counter"), "lost")), 0);
	CU_ASSERT(json_integer_value(json_object_get(json_object_get(json_object_get(cell, "summary"),
									 "wall_ns"), "median")) > 0);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(cell, "summary"), "speedup"));
	json_decref(root);

	snprintf(path, sizeof path, "%s/r.csv", dir);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	CU_ASSERT_EQUAL(lines, 1 + 2 * 2); /* header, 2 cells x 2 trials */
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

static void test_failed_trial_exits_1(void)
{
	char *cfg, *out, text[1024];

	snprintf(text, sizeof text,
		 "timeout = 5; repeat = 1;\n"
		 "workload = { tasks = 1; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		 "strategies = ( \"serial\", \"%s/crash.so\" ); syncs = ( \"none\" );\n",
		 CL_TEST_FIXTURE_DIR);
	cfg = cl_test_write_file(".cfg", text);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet", BIN, cfg), 1);
	/* the experiment went on: serial's trial is in the table */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "serial+none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fixture-crash+none, trial 1: crashed: killed by signal 11"));
	free(out);
	unlink(cfg);
	free(cfg);
}

static void test_out_of_tree_plugin(void)
{
	char *dir = cl_test_temp_dir(), *cfg, *out;

	/* Only the public headers and a compiler; libconclab's symbols are
	 * resolved when the host loads the plugin. */
	CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' -std=c11 -Wall -Wextra -Werror -shared -fPIC "
					 "-I'%s/include' '%s/tests/outoftree/hello.c' -o '%s/hello.so'",
					 CL_TEST_CC, CL_TEST_SOURCE_DIR, CL_TEST_SOURCE_DIR, dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' plugins --plugin-path '%s'", BIN, dir), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hello-reverse"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "out-of-tree: tasks in reverse order"));
	free(out);
	cfg = cl_test_write_file(".cfg",
		"workload = { tasks = 3; steps = ( { op = \"increment\"; times = 1000; } ); };\n"
		"strategies = ( \"serial\", \"hello-reverse\" ); syncs = ( \"mutex\" );\n");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "CONCLAB_PLUGIN_PATH='%s' '%s' run '%s' --quiet", dir, BIN, cfg), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hello-reverse+mutex"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exact 3000"));
	free(out);
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "help on every verb; usage errors exit 2", test_help_everywhere },
		{ "bad configs exit 2 with file:line", test_check_bad_config },
		{ "plugins and info", test_plugins_and_info },
		{ "run writes the JSON and CSV it documents", test_run_writes_json_and_csv },
		{ "a crashed trial: exit 1, the rest still run", test_failed_trial_exits_1 },
		{ "a plugin built outside the tree is listed and runs", test_out_of_tree_plugin },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("cli", tests);
}
