/* The conclab program as a user runs it: verbs, help, exit codes, results
 * files, and a plugin built outside the tree dropped onto the path. */
#define _GNU_SOURCE
#include "testlib.h"
#include "build_info.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
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

/* Each verb with an option only another verb takes: refused with exit 2,
 * before any work, naming the verb it belongs to. */
static void test_foreign_options(void)
{
	const char *io = CL_TEST_SOURCE_DIR "/configs/seed-io.cfg";
	const char *results = CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json";
	const struct {
		const char *args, *belongs;
	} cases[] = {
		{ "run '%s' --html r.html --svg r.svg", "--html is an option of `conclab report`" },
		{ "run '%s' --alpha 0.01", "--alpha is an option of `conclab compare`" },
		{ "check '%s' --json y", "--json is an option of `conclab run`" },
		{ "check '%s' --markdown", "--markdown is an option of `conclab report`" },
		{ "plugins --vs x", "--vs is an option of `conclab run`" },
		{ "info threads --sort", "--sort is an option of `conclab run`" },
		{ "compare '%s' '%s' --csv x", "--csv is an option of `conclab run`" },
		{ "report '%s' --repeat 3", "--repeat is an option of `conclab run` and `conclab check`" },
		{ "report '%s' --plugin-path /tmp",
		  "--plugin-path is an option of `conclab run`, `conclab check`, `conclab plugins`, "
		  "`conclab info` and `conclab verify`" },
		{ "help run --quiet", "--quiet is an option of `conclab run`" },
		{ "version --threshold 5", "--threshold is an option of `conclab compare`" },
	};
	char *out, cmd[1024];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *file = strncmp(cases[i].args, "compare", 7) && strncmp(cases[i].args, "report", 6)
					   ? io : results;

		snprintf(cmd, sizeof cmd, cases[i].args, file, file);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "cd /tmp && '%s' %s", BIN, cmd), 2);
		if (!strstr(out, cases[i].belongs))
			fprintf(stderr, "\n%s: %s", cmd, out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, cases[i].belongs));
		/* refused before any work: no table, no file */
		CU_ASSERT_PTR_NULL(strstr(out, "cell "));
		free(out);
	}
	CU_ASSERT_EQUAL(cl_test_sh(&out, "test -e /tmp/r.html || test -e /tmp/r.svg"), 1);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --jsn x.json", BIN, io), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown option '--jsn'; did you mean '--json'?"));
	free(out);
}

/* The option table and the step table, as a person and bash completion read
 * them: every option on one line of five fields, each named in the --help
 * of every verb it says takes it; every step key with its ops and range. */
static void test_tables_listed(void)
{
	char *out, *line, *save = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' help options", BIN), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		char *field[5], *f = line, *verbs, *v, *vsave = NULL;
		int k = 0;

		for (; k < 5 && f; k++) {
			field[k] = f;
			if ((f = strchr(f, '\t')))
				*f++ = 0;
		}
		CU_ASSERT_EQUAL_FATAL(k, 5);
		CU_ASSERT(!strncmp(field[0], "--", 2));
		CU_ASSERT(*field[3] != 0); /* some verb takes it */
		verbs = strdup(field[3]);
		for (v = strtok_r(verbs, ",", &vsave); v && strcmp(field[0], "--help");
		     v = strtok_r(NULL, ",", &vsave)) {
			char *help, want[64];

			snprintf(want, sizeof want, "  %s%s%s", field[0], *field[1] ? " " : "", field[1]);
			CU_ASSERT_EQUAL(cl_test_sh(&help, "'%s' %s --help", BIN, v), 0);
			if (!strstr(help, want))
				fprintf(stderr, "`conclab %s --help` lacks '%s'\n", v, want);
			CU_ASSERT_PTR_NOT_NULL(strstr(help, want));
			free(help);
		}
		free(verbs);
	}
	CU_ASSERT(n >= 30);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' help steps", BIN), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  read_pct    increment; 0 to 100\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  block       read, write; 1 to 16777216, default 65536\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  keepalive   request; true or false, default true\n"));
	free(out);
}

static void test_help_and_names(void)
{
	const char *io = CL_TEST_SOURCE_DIR "/configs/seed-io.cfg";
	char *out, *bad;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' help nosuch", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown verb 'nosuch'"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' help compare", BIN), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: conclab compare"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' chek x.cfg", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown verb 'chek'; did you mean 'check'?"));
	free(out);
	/* a plugin folder that does not exist: a warning naming it, and on */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' --plugin-path /nonexistent/plugins check '%s'", BIN, io), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "warning: --plugin-path /nonexistent/plugins: no such folder"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok: experiment 'seed-io'"));
	free(out);
	/* --vs: exact or a pattern, checked before the run, with the closest cells */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --vs async", BIN, io), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--vs: no cell is labelled 'async'; did you mean 'async+none'?"));
	CU_ASSERT_PTR_NULL(strstr(out, "serial+none "));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --vs thread+none", BIN, io), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "did you mean 'threads+none'?"));
	free(out);
	/* an unknown plugin name: did you mean */
	bad = cl_test_write_file(".cfg", "name = \"x\";\nworkload = { tasks = 2; steps = ( { op = "
				 "\"sleep\"; ms = 1; } ); };\nstrategies = ( \"thread\" );\nsyncs = ( \"none\" );\n");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' check '%s'", BIN, bad), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ":3: strategies: unknown strategy plugin 'thread'; did you mean "
				   "'threads'?"));
	free(out);
	unlink(bad);
	free(bad);
}

/* Options as written, whole: a value is a value, a flag takes none, and
 * every file the run or report will write is checked before any work. */
static void test_options_and_outputs_checked_first(void)
{
	const char *race = CL_TEST_SOURCE_DIR "/configs/seed-race.cfg";
	const char *results = CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json";
	char *dir = cl_test_temp_dir(), *out;
	const struct {
		const char *args, *says;
	} cases[] = {
		{ "run '%s' --json=", "--json wants a value" },
		{ "run '%s' --json", "--json wants a value" },
		{ "run '%s' --json --quiet", "--json wants a value, not the option '--quiet'" },
		{ "run '%s' --jso x.json", "unknown option '--jso'; did you mean '--json'?" },
		{ "run '%s' --re 1", "did you mean '--resume' or '--repeat'?" },
		{ "run '%s' --JSON x.json", "did you mean '--json'?" },
		{ "run '%s' --quiet=1", "--quiet takes no value" },
		{ "run '%s' --json /tmp", "--json: /tmp: a folder, not a file conclab may replace" },
		{ "run '%s' --json /nonexistent/r.json", "--json: /nonexistent/r.json: cannot write in its folder" },
		{ "run '%s' --json DIR/same --csv DIR/same", "--json and --csv both name" },
		{ "run '%s' --columns wall,coress", "no column 'coress'; did you mean 'cores'?" },
		{ "--html x run '%s'", "'--html' before the verb" },
	};
	char cmd[2048];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char args[1024];
		const char *d = strstr(cases[i].args, "DIR");

		snprintf(args, sizeof args, cases[i].args, race);
		while ((d = strstr(args, "DIR"))) { /* the temp folder */
			char rest[1024];

			snprintf(rest, sizeof rest, "%s", d + 3);
			snprintf(args + (d - args), sizeof args - (size_t)(d - args), "%s%s", dir, rest);
		}
		snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", dir, BIN, args);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "%s", cmd), 2);
		if (!strstr(out, cases[i].says))
			fprintf(stderr, "\n%s: %s", args, out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, cases[i].says));
		CU_ASSERT_PTR_NULL(strstr(out, "summary")); /* refused before the run */
		free(out);
	}
	/* nothing was left behind: no journal, no results */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "ls -A '%s' | wc -l | tr -d ' \n'", dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "0");
	free(out);
	/* the config and the results file are never outputs */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cp '%s' '%s/x.cfg' && '%s' run '%s/x.cfg' --json '%s/x.cfg'", race,
				   dir, BIN, dir, dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "is the config itself"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cp '%s' '%s/r.json' && '%s' report '%s/r.json' --html '%s/r.json'",
				   results, dir, BIN, dir, dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "is the results file itself"));
	free(out);
	/* a pipe is refused and stays a pipe; a link is written through */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "mkfifo '%s/p.svg' && '%s' report '%s' --svg '%s/p.svg'", dir, BIN,
				   results, dir), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "a device, pipe or socket"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "test -p '%s/p.svg'", dir), 0);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "touch '%s/t.html' && ln -s t.html '%s/l.html' && '%s' report '%s' "
				   "--html '%s/l.html' && test -L '%s/l.html' && grep -c '<html' '%s/t.html'",
				   dir, dir, BIN, results, dir, dir, dir), 0);
	free(out);
	/* output that cannot be written is an error */
	CU_ASSERT_NOT_EQUAL(cl_test_sh(&out, "'%s' report '%s' > /dev/full", BIN, results), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot write the output"));
	free(out);
	/* info: either kind, with did-you-mean */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info threds", BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no plugin is named 'threds'; did you mean 'threads'?"));
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* A plugin's own limit fails at `check`, not half way through a run. */
static void test_check_applies_plugin_limits(void)
{
	char *out, *cfg = cl_test_write_file(".cfg",
		"name = \"many\";\nworkload = { tasks = 100000; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"serial\", \"threads\" );\nsyncs = ( \"none\" );\n");
	char *pool = cl_test_write_file(".cfg",
		"name = \"pool\";\nworkload = { tasks = 100000; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"threads\", \"processes\" );\nsyncs = ( \"none\" );\n"
		"params = { threads = { workers = 4; }; processes = { max_procs = 10; }; };\n");

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' check '%s'", BIN, cfg), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ":3: strategy 'threads' refuses cell 'threads+none': 100000 "
				   "threads exceed threads.max_threads = 32768"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s'", BIN, cfg), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "refuses cell 'threads+none'"));
	free(out);
	/* a pool is within the limit; processes has its own */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' check '%s'", BIN, pool), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "strategy 'processes' refuses cell 'processes+none': 100000 "
				   "processes exceed processes.max_procs = 10"));
	CU_ASSERT_PTR_NULL(strstr(out, "'threads'"));
	free(out);
	unlink(cfg);
	unlink(pool);
	free(cfg);
	free(pool);
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
	char abi[128];

	snprintf(abi, sizeof abi, "/wrongabi.so:\n    built against conclab plugin ABI 999, this conclab "
		 "has ABI 1.%u", CL_ABI_MINOR);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, abi));
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
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no plugin is named 'nosuch'"));
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
	/* the commit conclab was built from, as the build wrote it (at build
	 * time: cmake/build_info.cmake), 12 hex digits, or "unknown" outside git */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(root, "environment"),
								 "git_commit")), cl_build_commit);
	CU_ASSERT(!strcmp(cl_build_commit, "unknown") ||
		  (strlen(cl_build_commit) == 12 && strspn(cl_build_commit, "0123456789abcdef") == 12));
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

/* `conclab new`: both kinds write a folder whose plugin compiles with
 * -Werror and runs as it is, beside the built-ins, with its own config; bad
 * kinds, names and an existing folder are refused and nothing is written.
 * (The CMake build against an installed SDK: scripts/check-install.) */
static void test_new_scaffold(void)
{
	char *dir = cl_test_temp_dir(), *out;
	static const char *const kinds[] = { "sync", "strategy" };
	static const char *const names[] = { "my-lock", "0pool" };

	for (int k = 0; k < 2; k++) {
		const char *n = names[k];

		CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' new %s %s", dir, BIN, kinds[k], n), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "next:"));
		free(out);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s/%s' && grep -q 'conclab_add_plugin(%s %s.c)' "
					   "CMakeLists.txt && grep -q 'find_package(conclab' CMakeLists.txt",
					   dir, n, n, n), 0);
		free(out);
		CU_ASSERT_EQUAL_FATAL(cl_test_sh(&out, "'%s' -std=c11 -Wall -Wextra -Werror -shared -fPIC "
						 "-fvisibility=hidden -I'%s/include' '%s/%s/%s.c' -o "
						 "'%s/%s/%s.so' -pthread",
						 CL_TEST_CC, CL_TEST_SOURCE_DIR, dir, n, n, dir, n, n), 0);
		free(out);
		CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' run %s/%s.cfg --plugin-path %s --repeat 1 "
					   "--quiet", dir, BIN, n, n, n), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, k ? "0pool+none" : "processes+my-lock"));
		/* against the exact built-in closest to it, tasks swept (issue 23) */
		CU_ASSERT_PTR_NOT_NULL(k ? strstr(out, "threads+none") : strstr(out, "exact 800000"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, k ? "tasks=64" : "tasks=4"));
		free(out);
	}
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' new sync my-lock", dir, BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot create the folder my-lock: File exists (nothing was written"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' new strategy mutex", dir, BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "'mutex' is the name of a plugin that comes with conclab"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' new lock x", dir, BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "'lock' is no kind of plugin"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && '%s' new sync 'My Lock'", dir, BIN), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "'My Lock' cannot name a plugin"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd '%s' && ls", dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "0pool\nmy-lock\n");
	free(out);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* A baseline that lost updates (none) is faster than every exact cell: the
 * summary says how much longer the fastest exact cell took, never "0.2
 * times faster". */
static void test_summary_lossy_baseline(void)
{
	char *cfg = cl_test_write_file(".cfg", "workload = { tasks = 2; steps = ( { op = \"increment\"; "
				       "times = 300000; inside = 20; } ); };\n"
				       "strategies = ( \"threads\" ); syncs = ( \"none\", \"mutex\", \"spin\" );\n");
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --quiet", BIN, cfg), 0);
	/* the race may, rarely, lose nothing: then the baseline is exact; on a
	 * busy machine the exact cells may be left out as interfered, said */
	if (strstr(out, "threads+none lost")) {
		CU_ASSERT(strstr(out, "the fastest exact cell, threads+") ||
			  strstr(out, "(interference in 1/1)"));
	}
	CU_ASSERT_PTR_NULL(strstr(out, "times faster than threads+none"));
	free(out);
	unlink(cfg);
	free(cfg);
}

/* Lines in a file (0 if it is not there). */
static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* Start `conclab run CFG --json JSON --quiet`; wait until the journal has
 * `lines` lines, send `sig`, and return the exit status. */
static int run_and_signal(const char *cfg, const char *json, int lines, int sig, const char *log)
{
	char journal[1024];
	int status = 0;
	pid_t pid;

	snprintf(journal, sizeof journal, "%s.journal", json);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		FILE *f = freopen(log, "w", stderr);

		(void)f;
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl(BIN, BIN, "run", cfg, "--json", json, "--quiet", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 3000 && count_lines(journal) < lines; i++)
		usleep(10000);
	CU_ASSERT(count_lines(journal) >= lines);
	kill(pid, sig);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* cells x trials of a results file, as "label:n label:n ..." */
static char *shape_of(const char *json)
{
	json_t *root = json_load_file(json, 0, NULL), *c;
	char *shape = calloc(1, 4096);
	size_t i, len = 0;

	json_array_foreach(json_object_get(root, "cells"), i, c)
		len += (size_t)snprintf(shape + len, 4096 - len, "%s:%zu ",
					json_string_value(json_object_get(c, "label")),
					json_array_size(json_object_get(c, "trials")));
	json_decref(root);
	return shape;
}

/* Each cell's trials' places in the run's order: "0,3,5 1,2,4 ..." */
static char *seqs_of(const char *json)
{
	json_t *root = json_load_file(json, 0, NULL), *c, *t;
	char *buf = NULL;
	size_t len = 0, i, k;
	FILE *f = open_memstream(&buf, &len);

	json_array_foreach(json_object_get(root, "cells"), i, c) {
		json_array_foreach(json_object_get(c, "trials"), k, t)
			fprintf(f, "%s%lld", k ? "," : "", (long long)json_integer_value(json_object_get(t, "seq")));
		fprintf(f, " ");
	}
	fclose(f);
	json_decref(root);
	return buf;
}

/* Trials of different cells interleaved in a seeded random order, recorded
 * in the results; the same seed gives the same order; --order sequential
 * runs cell by cell. */
static void test_interleaved_order(void)
{
	char *dir = cl_test_temp_dir(), *out, *a, *b, *seq, path[1024];
	char *cfg = cl_test_write_file(".cfg",
		"repeat = 4;\n"
		"workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
		"strategies = ( \"serial\", \"threads\", \"async\" ); syncs = ( \"none\" );\n");
	json_t *root;

	snprintf(path, sizeof path, "%s/a.json", dir);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --seed 7 --json '%s' -q", BIN, cfg, path), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "interleaved in a random order (--seed 7 repeats it)"));
	free(out);
	root = json_load_file(path, 0, NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(root, "experiment"), "order")),
			       "random");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(root, "experiment"), "seed")), 7);
	json_decref(root);
	a = seqs_of(path);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --seed 7 --json '%s' -q", BIN, cfg, path), 0);
	free(out);
	b = seqs_of(path);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, "0,1,2,3 4,5,6,7 8,9,10,11 ");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --order sequential --json '%s' -q", BIN, cfg, path), 0);
	free(out);
	seq = seqs_of(path);
	CU_ASSERT_STRING_EQUAL(seq, "0,1,2,3 4,5,6,7 8,9,10,11 ");
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --order shuffled", BIN, cfg), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--order wants random or sequential"));
	free(out);
	free(a);
	free(b);
	free(seq);
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

static void test_sigint_then_resume(void)
{
	char *dir = cl_test_temp_dir(), *out, json[1024], full[1024], log[1024], journal[1100];
	char *cfg = cl_test_write_file(".cfg",
		"repeat = 3;\n"
		"workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 60; } ); };\n"
		"strategies = ( \"serial\", \"threads\", \"processes\" ); syncs = ( \"none\" );\n");
	json_t *root;
	char *partial, *resumed, *whole;

	snprintf(json, sizeof json, "%s/r.json", dir);
	snprintf(full, sizeof full, "%s/full.json", dir);
	snprintf(log, sizeof log, "%s/log", dir);
	snprintf(journal, sizeof journal, "%s.journal", json);

	/* header + 4 finished trials, then Ctrl-C */
	CU_ASSERT_EQUAL(run_and_signal(cfg, json, 5, SIGINT, log), 130);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cat '%s'", log), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "conclab: stopped by SIGINT after "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "continue with:\n  conclab run --resume"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "serial+none ")); /* the partial table */
	free(out);
	/* the results of the finished trials, no more, no fewer */
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(root, "experiment"),
								 "interrupted")), "SIGINT");
	json_decref(root);
	partial = shape_of(json);
	int in_file = 0;

	for (const char *p = partial; (p = strchr(p, ':')); p++)
		in_file += atoi(p + 1);
	CU_ASSERT_EQUAL(in_file, count_lines(journal) - 1);
	CU_ASSERT(in_file >= 4 && in_file < 9);

	/* nothing half-written: no temporary file left beside the results */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "ls '%s' | grep -c tmp", dir), 1);
	CU_ASSERT_STRING_EQUAL(out, "0\n");
	free(out);

	/* a new run must not overwrite the journal of an unfinished one */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s' --quiet", BIN, cfg, json), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "holds a run that did not finish"));
	free(out);

	/* resume: the same file an uninterrupted run writes, and no journal left */
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cd / && '%s' run --resume '%s' --quiet", BIN, journal), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "trials were done"));
	free(out);
	CU_ASSERT_NOT_EQUAL(access(journal, F_OK), 0);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s' --quiet", BIN, cfg, full), 0);
	free(out);
	resumed = shape_of(json);
	whole = shape_of(full);
	CU_ASSERT_STRING_EQUAL(resumed, "serial+none:3 threads+none:3 processes+none:3 ");
	CU_ASSERT_STRING_EQUAL(resumed, whole);
	{ /* the resumed run went on in the order it started in: every place once */
		char *seqs = seqs_of(json);
		int seen[9] = { 0 }, v;

		for (const char *p = seqs; *p; ) {
			v = (int)strtol(p, (char **)&p, 10);
			if (v >= 0 && v < 9)
				seen[v]++;
			while (*p == ',' || *p == ' ')
				p++;
		}
		for (int k = 0; k < 9; k++)
			CU_ASSERT_EQUAL(seen[k], 1);
		free(seqs);
	}
	root = json_load_file(json, 0, NULL);
	CU_ASSERT_TRUE(json_is_null(json_object_get(json_object_get(root, "experiment"), "interrupted")));
	json_decref(root);

	/* SIGTERM: 143, and the same promises */
	unlink(json);
	CU_ASSERT_EQUAL(run_and_signal(cfg, json, 2, SIGTERM, log), 143);
	CU_ASSERT_EQUAL(access(json, F_OK), 0);
	CU_ASSERT_EQUAL(access(journal, F_OK), 0);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s' --quiet", BIN, journal), 0);
	free(out);
	free(resumed);
	resumed = shape_of(json);
	CU_ASSERT_STRING_EQUAL(resumed, whole);

	free(partial);
	free(resumed);
	free(whole);
	cl_test_sh(NULL, "rm -rf '%s' '%s'", dir, cfg);
	free(dir);
	free(cfg);
}

static void test_bad_journals(void)
{
	char *out;
	char *notj = cl_test_write_file(".journal", "{\"schema\": \"conclab-results/1\"}\n");
	/* the last line cut short by a crash is dropped; a bad whole line is not */
	char *cut = cl_test_write_file(".journal", "{\"journal\": \"conclab-journal/1\"}\n{\"cell\": 0,");
	char *bad = cl_test_write_file(".journal", "{\"journal\": \"conclab-journal/1\"}\n{\"cell\": 0,\n{}\n");

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s'", BIN, notj), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ":1: not a conclab journal"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s'", BIN, cut), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "the journal header lacks the config"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run --resume '%s'", BIN, bad), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ".journal:2: not a journal line"));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run x.cfg --resume '%s'", BIN, cut), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "--resume takes the journal and nothing else"));
	free(out);
	cl_test_sh(NULL, "rm -f '%s' '%s' '%s'", notj, cut, bad);
	free(notj);
	free(cut);
	free(bad);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "help on every verb; usage errors exit 2", test_help_everywhere },
		{ "bad configs exit 2 with file:line", test_check_bad_config },
		{ "every verb refuses another verb's options", test_foreign_options },
		{ "help VERB, did-you-mean, --plugin-path, --vs checked first", test_help_and_names },
		{ "help options and help steps: the option and step tables", test_tables_listed },
		{ "check applies the plugins' own limits", test_check_applies_plugin_limits },
		{ "options whole, values given, outputs checked before any work",
		  test_options_and_outputs_checked_first },
		{ "plugins and info", test_plugins_and_info },
		{ "run writes the JSON and CSV it documents", test_run_writes_json_and_csv },
		{ "a crashed trial: exit 1, the rest still run", test_failed_trial_exits_1 },
		{ "a plugin built outside the tree is listed and runs", test_out_of_tree_plugin },
		{ "new: a plugin folder that builds and runs as it is", test_new_scaffold },
		{ "a lossy baseline: the summary says how much longer, never 0.2x faster", test_summary_lossy_baseline },
		{ "trials interleaved in a seeded order; --order sequential", test_interleaved_order },
		{ "SIGINT and SIGTERM keep finished trials; --resume completes", test_sigint_then_resume },
		{ "journals that are not, or are cut short", test_bad_journals },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("cli", tests);
}
