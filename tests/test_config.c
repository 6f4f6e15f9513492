/* Experiment configs: every bad config in tests/configs/bad/ fails with the
 * message its first line expects (file:line: setting: why), and good ones
 * parse to the values they say. */
#define _GNU_SOURCE
#include "testlib.h"

#include "atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_bad_corpus(void)
{
	const char *dir = CL_TEST_SOURCE_DIR "/tests/configs/bad";
	DIR *d = opendir(dir);
	struct dirent *e;
	int checked = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		char path[4096], expect[512] = "", err[4096];
		struct cl_registry reg;
		struct cl_experiment x;
		struct cl_cell *cells = NULL;
		FILE *f;
		int failed;

		if (!strstr(e->d_name, ".cfg"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		if (!fgets(expect, sizeof expect, f))
			expect[0] = 0;
		fclose(f);
		expect[strcspn(expect, "\n")] = 0;
		CU_ASSERT_FATAL(!strncmp(expect, "# expect: ", 10));

		cl_registry_init(&reg, NULL, 0);
		cl_registry_scan(&reg);
		failed = cl_experiment_load(&x, path, &reg, err, sizeof err) != 0 ||
			 cl_matrix_expand(&x, &cells, err, sizeof err) == 0;
		if (!failed || !strstr(err, expect + 10) || strncmp(err, path, strlen(path)))
			fprintf(stderr, "\n%s: want '%s', got '%s'\n", e->d_name, expect + 10,
				failed ? err : "(no error)");
		CU_ASSERT(failed);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, expect + 10));
		CU_ASSERT_EQUAL(strncmp(err, path, strlen(path)), 0); /* names the file */
		free(cells);
		cl_experiment_free(&x);
		cl_registry_free(&reg);
		checked++;
	}
	closedir(d);
	CU_ASSERT(checked >= 40);
}

static void test_good_values(void)
{
	struct cl_test_exp e;
	const struct cl_workload *w;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"name = \"values\";\n"
		"description = \"every kind of setting\";\n"
		"repeat = 5; warmup = 2; timeout = 1.5;\n"
		"workload = { tasks = 3; loop = 4; steps = (\n"
		"  { op = \"sleep\"; ms = 20; },\n"
		"  { op = \"sleep\"; us = 7; },\n"
		"  { op = \"compute\"; iterations = 1000; },\n"
		"  { op = \"increment\"; times = 10; inside = 2; outside = 3; } ); };\n"
		"strategies = ( \"serial\", \"threads\" );\n"
		"syncs = \"mutex\";\n"
		"params = { threads = { workers = 2; stack_kb = 128; }; mutex = { adaptive = true; }; };\n"), 0);
	CU_ASSERT_STRING_EQUAL(e.x.name, "values");
	CU_ASSERT_STRING_EQUAL(e.x.description, "every kind of setting");
	CU_ASSERT_EQUAL(e.x.repeat, 5);
	CU_ASSERT_EQUAL(e.x.warmup, 2);
	CU_ASSERT_EQUAL(e.x.timeout_ms, 1500);
	w = &e.x.workloads[0].w;
	CU_ASSERT_EQUAL(w->tasks, 3);
	CU_ASSERT_EQUAL(w->loop, 4);
	CU_ASSERT_EQUAL_FATAL(w->nsteps, 4);
	CU_ASSERT_EQUAL(w->steps[0].op, CL_OP_SLEEP);
	CU_ASSERT_EQUAL(w->steps[0].sleep_ns, 20000000);
	CU_ASSERT_EQUAL(w->steps[1].sleep_ns, 7000);
	CU_ASSERT_EQUAL(w->steps[2].iterations, 1000);
	CU_ASSERT_EQUAL(w->steps[3].times, 10);
	CU_ASSERT_EQUAL(w->steps[3].inside, 2);
	CU_ASSERT_EQUAL(w->steps[3].outside, 3);
	CU_ASSERT_EQUAL(w->steps[3].line, 8);
	CU_ASSERT_EQUAL(e.x.nstrategies, 2);
	CU_ASSERT_EQUAL(e.x.nsyncs, 1);
	CU_ASSERT_EQUAL(e.x.strategies[1].params[0], 2);   /* workers */
	CU_ASSERT_EQUAL(e.x.strategies[1].params[1], 128); /* stack_kb */
	CU_ASSERT_EQUAL(e.x.syncs[0].params[0], 1);        /* adaptive */
	CU_ASSERT_EQUAL(e.x.nknobs, 0);
	CU_ASSERT_EQUAL(e.ncells, 2);
	cl_test_exp_free(&e);
}

static void test_defaults_and_name(void)
{
	struct cl_test_exp e;

	CU_ASSERT_EQUAL_FATAL(cl_test_exp_load(&e,
		"workload = { tasks = 1; steps = ( { op = \"compute\"; iterations = 1; } ); };\n"
		"strategies = ( \"threads\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_EQUAL(e.x.repeat, 1);
	CU_ASSERT_EQUAL(e.x.warmup, 0);
	CU_ASSERT_EQUAL(e.x.timeout_ms, 600000);
	CU_ASSERT_EQUAL(e.x.workloads[0].w.loop, 1);
	CU_ASSERT_EQUAL(e.x.strategies[0].params[0], 0);  /* workers default */
	CU_ASSERT_EQUAL(e.x.strategies[0].params[1], 64); /* stack_kb default */
	CU_ASSERT_PTR_NOT_NULL(strstr(e.path, e.x.name)); /* named after the file */
	cl_test_exp_free(&e);
}

static void test_missing_file(void)
{
	struct cl_registry reg;
	struct cl_experiment x;
	char err[1024];

	cl_registry_init(&reg, NULL, 0);
	CU_ASSERT_EQUAL(cl_experiment_load(&x, "/nonexistent/exp.cfg", &reg, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/exp.cfg: cannot open: No such file or directory");
	cl_experiment_free(&x);
	cl_registry_free(&reg);
}

/* A file far bigger than any experiment: refused before it is parsed. */
static void test_huge_file(void)
{
	struct cl_registry reg;
	struct cl_experiment x;
	char err[1024], want[1200];
	char *path = cl_test_write_file(".cfg", "");
	FILE *f = fopen(path, "w");

	for (int i = 0; i < 40000; i++)
		fprintf(f, "# a comment line to make the file big, line %d\n", i);
	fclose(f);
	cl_registry_init(&reg, NULL, 0);
	CU_ASSERT_EQUAL(cl_experiment_load(&x, path, &reg, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not a regular file of at most 1048576 bytes", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	cl_experiment_free(&x);
	cl_registry_free(&reg);
	/* nor a directory or a device */
	CU_ASSERT_EQUAL(cl_experiment_load(&x, "/dev/zero", &reg, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/dev/zero: not a regular file"));
	cl_experiment_free(&x);
	unlink(path);
	free(path);
}

/* A results file goes through a temporary file no one can guess, made with
 * O_EXCL: a link planted at the name it once used (PATH.tmp.PID) in a
 * shared folder is never written through, and the file keeps its mode. */
static void test_results_temp_not_followed(void)
{
	char *dir = cl_test_temp_dir(), out[512], planted[600], victim[512], tmp[4200], err[512];
	const char *was = "someone else's\n";
	struct stat st;
	FILE *f;
	int fd;
	glob_t g;

	snprintf(out, sizeof out, "%s/results.json", dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	snprintf(planted, sizeof planted, "%s.tmp.%d", out, (int)getpid());
	CU_ASSERT_FATAL((fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	CU_ASSERT_FATAL(write(fd, was, strlen(was)) == (ssize_t)strlen(was));
	close(fd);
	CU_ASSERT_FATAL(symlink(victim, planted) == 0);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600); /* the user's own, kept private */
	close(fd);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f = cl_file_begin(out, tmp, sizeof tmp, err, sizeof err));
	fputs("{}\n", f);
	CU_ASSERT_EQUAL(cl_file_commit(f, tmp, out, err, sizeof err), 0);

	char text[64] = "";

	fd = open(victim, O_RDONLY);
	CU_ASSERT(read(fd, text, sizeof text - 1) == (ssize_t)strlen(was));
	close(fd);
	CU_ASSERT_STRING_EQUAL(text, was);
	CU_ASSERT_EQUAL(lstat(planted, &st), 0); /* the link is still only a link */
	CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
	CU_ASSERT_EQUAL(stat(out, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	snprintf(tmp, sizeof tmp, "%s/results.json.tmp.*", dir);
	CU_ASSERT_EQUAL(glob(tmp, 0, NULL, &g), 0);
	CU_ASSERT_EQUAL(g.gl_pathc, 1); /* the planted link alone: no temporary left */
	globfree(&g);
	cl_test_sh(NULL, "rm -rf '%s'", dir);
	free(dir);
}

/* ABI 1.4's parameters of text: what the plugin is handed (its trial fails
 * on purpose, saying so), what is refused with the setting's line, what
 * its check is shown, what the results record, what `info` says. */
static void test_text_parameters(void)
{
	char *data = cl_test_write_file(".dat", "x\n"), *real = realpath(data, NULL);
	const char *base = strrchr(data, '/') + 1;
	char text[1024], want[1200];
	struct cl_trial_result r;
	const char *head = "workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
			   "strategies = ( \"" CL_TEST_FIXTURE_DIR "/textparams.so\" ); syncs = ( \"none\" );\n";

	snprintf(text, sizeof text, "%sparams = { fixture-text = { note = \"hi\"; data = \"%s\"; }; };\n",
		 head, base);
	cl_test_run_first(text, &r);
	snprintf(want, sizeof want, "note 'hi', data '%s'", real);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
	cl_trial_result_free(&r);
	cl_test_run_first(head, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "note '', data ''"));
	cl_trial_result_free(&r);

	snprintf(text, sizeof text, "%sparams = { fixture-text = { note = \"seventeen chars!!\"; }; };\n", head);
	cl_test_exp_refused(text, ".cfg:3: params.fixture-text.note: at most 16 characters, got 17");
	snprintf(text, sizeof text, "%sparams = { fixture-text = { note = [\"a\", \"b\"]; }; };\n", head);
	cl_test_exp_refused(text, ".cfg:3: params.fixture-text.note: a text parameter is one string, never swept");
	snprintf(text, sizeof text, "%sparams = { fixture-text = { note = 5; }; };\n", head);
	cl_test_exp_refused(text, ".cfg:3: params.fixture-text.note: must be a string in quotes, got an integer");
	snprintf(text, sizeof text, "%sparams = { fixture-text = { data = \"no-such-file\"; }; };\n", head);
	cl_test_exp_refused(text, "params.fixture-text.data: cannot read the data ");
	snprintf(text, sizeof text, "%sparams = { fixture-text = { data = \"/tmp\"; }; };\n", head);
	cl_test_exp_refused(text, ".cfg:3: params.fixture-text.data: the data /tmp is not a file");

	/* the plugin's own check sees the text */
	struct cl_test_exp e;
	char err[512];

	snprintf(text, sizeof text, "%sparams = { fixture-text = { note = \"refuse\"; }; };\n", head);
	cl_test_exp_load_ok(&e, text);
	CU_ASSERT_EQUAL(cl_cells_check(&e.x, e.cells, e.ncells, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "refuses cell 'fixture-text+none': told to refuse by its note"));
	cl_test_exp_free(&e);

	/* the results record the texts as strings; info names the types */
	char *cfg, *json = cl_test_write_file(".json", ""), *out;

	snprintf(text, sizeof text, "%srepeat = 1;\nparams = { fixture-text = { note = \"hi\"; }; };\n", head);
	cfg = cl_test_write_file(".cfg", text);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' --json '%s' --quiet", CL_TEST_CONCLAB, cfg, json), 1);
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cat '%s'", json), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"fixture-text.note\": \"hi\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"fixture-text.data\": \"\""));
	free(out);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' info '%s'", CL_TEST_CONCLAB,
				   CL_TEST_FIXTURE_DIR "/textparams.so"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "note"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "text"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "up to 16 characters"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "path"));
	free(out);
	unlink(cfg);
	unlink(json);
	unlink(data);
	free(cfg);
	free(json);
	free(data);
	free(real);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "bad config corpus: one message each, file:line: setting", test_bad_corpus },
		{ "good config: every value read", test_good_values },
		{ "defaults and a name from the file", test_defaults_and_name },
		{ "missing file", test_missing_file },
		{ "huge files and devices are refused", test_huge_file },
		{ "results: a link at a temporary name is not followed", test_results_temp_not_followed },
		{ "parameters of text and path (ABI 1.4)", test_text_parameters },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("config", tests);
}
