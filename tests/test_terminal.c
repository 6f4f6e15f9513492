/* What reaches the eye first, on a terminal and in every view: a timed
 * cell leads with its ops/s (its wall is its duration), the same figure in
 * the table, Markdown and compare, checked from the raw JSON; 80 columns
 * with shortened labels and a legend; a note every row shares said once
 * above the table; a note about cells not marked on screen names them;
 * each cell's interval with its own coverage; the seed table's caveats
 * beside the rows they touch. */
#define _GNU_SOURCE
#include "testlib.h"

#include "compare.h"
#include "resume.h"
#include "views.h"

#include <errno.h>
#include <jansson.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIN CL_TEST_CONCLAB

#define RW_RESULTS   CL_TEST_SOURCE_DIR "/tests/fixtures/results/rw-ratio.json"
#define SEED_RESULTS CL_TEST_SOURCE_DIR "/tests/fixtures/results/seed-table.json"

__attribute__((noinline)) static char *table_text(const struct cl_results *r, struct cl_table_opts o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cl_view_table(f, r, &o);
	fclose(f);
	return buf;
}

static void html(FILE *f, const struct cl_results *r)
{
	cl_view_html(f, r, false);
}

__attribute__((noinline)) static char *compare_text(const struct cl_results *a, const struct cl_results *b, int width)
{
	struct cl_compare_opts o = { .width = width, .threshold = -1 };
	struct cl_compare_counts counts;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cl_compare(f, "old.json", a, "new.json", b, &o, &counts);
	fclose(f);
	return buf;
}

static size_t widest_line(const char *text)
{
	size_t widest = 0;

	for (const char *l = text; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		size_t n = strcspn(l, "\n");

		if (n > 80)
			fprintf(stderr, "\nwider than 80 (%zu): %.*s\n", n, (int)n, l);
		widest = n > widest ? n : widest;
	}
	return widest;
}

/* The median ops/s of a cell's ok trials, from the raw JSON. */
static double raw_ops_median(const json_t *cell)
{
	double v[64];
	size_t n = 0, i;
	json_t *t;

	json_array_foreach(json_object_get(cell, "trials"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "status")), "ok") && n < 64)
			v[n++] = json_number_value(json_object_get(json_object_get(t, "duration"), "ops_per_s"));
	qsort(v, n, sizeof *v, cl_test_cmp_double);
	return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A timed cell's figure is its ops/s: the median of its trials', computed
 * here, the same in the table, Markdown and compare; its wall (its
 * duration) and its tasks' response shown only when asked. */
static void test_timed_leads_with_ops(void)
{
	struct cl_results r;
	json_t *raw = json_load_file(RW_RESULTS, 0, NULL), *c;
	char err[512], *tab = NULL, *wide = NULL, *md = NULL, *cmpr = NULL, *page = NULL, *row;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, RW_RESULTS, err, sizeof err), 0);
	tab = table_text(&r, (struct cl_table_opts){ 0 });
	wide = table_text(&r, (struct cl_table_opts){ .wide = true });
	md = cl_view_text(cl_view_markdown, &r);
	cmpr = compare_text(&r, &r, 0);
	page = cl_view_text(html, &r);
	row = cl_test_line_starting(tab, "cell ");
	cl_test_expect_in("table", row, "  ops/s");
	CU_ASSERT_PTR_NULL(strstr(row, " wall"));
	CU_ASSERT_PTR_NULL(strstr(row, "resp"));
	free(row);
	row = cl_test_line_starting(wide, "cell ");
	cl_test_expect_in("wide", row, " wall ");
	cl_test_expect_in("wide", row, " cover ");
	free(row);
	row = cl_test_line_starting(md, "| cell |");
	cl_test_expect_in("markdown", row, "| ops/s (median) | interval (coverage) |");
	free(row);
	json_array_foreach(json_object_get(raw, "cells"), i, c) {
		const char *label = json_string_value(json_object_get(c, "label"));
		char rate[32], want[256];

		cl_view_rate(raw_ops_median(c), rate, sizeof rate);
		CU_ASSERT_DOUBLE_EQUAL(r.cells[i].summary.ops_per_s.median, raw_ops_median(c), 1e-6);
		snprintf(want, sizeof want, "%s ", label);
		row = cl_test_line_starting(tab, want);
		snprintf(want, sizeof want, "  %s  ", rate);
		cl_test_expect_in("table", row, want);
		free(row);
		char md_label[128], *o = md_label; /* Markdown escapes the brackets */

		for (const char *l = label; *l && o < md_label + sizeof md_label - 3; l++) {
			if (*l == '[' || *l == ']')
				*o++ = '\\';
			*o++ = *l;
		}
		*o = 0;
		snprintf(want, sizeof want, "| %s |", md_label);
		row = cl_test_line_starting(md, want);
		snprintf(want, sizeof want, "| %s ops/s |", rate);
		cl_test_expect_in("markdown", row, want);
		free(row);
		snprintf(want, sizeof want, "<tr><td>%s</td>", label);
		row = cl_test_line_starting(page, want);
		snprintf(want, sizeof want, "<td>%s ops/s</td>", rate);
		cl_test_expect_in("html", row, want);
		free(row);
		snprintf(want, sizeof want, "%s ", label);
		row = cl_test_line_starting(cmpr, want);
		snprintf(want, sizeof want, "%s/s", rate);
		cl_test_expect_in("compare", row, want);
		free(row);
	}
	/* and the summary counts operations, not wall time */
	CU_ASSERT(strstr(tab, "times the\n    operations a second of ") ||
		  strstr(tab, "times the operations a second of "));
	CU_ASSERT_PTR_NULL(strstr(tab, "ran fastest"));
	free(tab);
	free(wide);
	free(md);
	free(cmpr);
	free(page);
	json_decref(raw);
	cl_results_free(&r);
}

/* 80 columns: labels of 46 characters shortened with a legend, cv kept,
 * every line of the table, its notes and summary, and of compare, within
 * 80; piped, the labels whole and the prose still within 80. */
static void test_fits_80_with_legend(void)
{
	struct cl_results r;
	char err[512], *tab, *piped, *cmpr, *row;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, RW_RESULTS, err, sizeof err), 0);
	tab = table_text(&r, (struct cl_table_opts){ .width = 80 });
	CU_ASSERT(widest_line(tab) <= 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\nlabels shortened: read_pct = steps[0].read_pct, every cell's "
					   "strategy is threads\n  (left out of its label)\n"));
	row = cl_test_line_starting(tab, "cell ");
	cl_test_expect_in("narrow", row, " ops/s ");
	cl_test_expect_in("narrow", row, " cv ");
	cl_test_expect_in("narrow", row, " counter");
	free(row);
	row = cl_test_line_starting(tab, "rwlock tasks=4 read_pct=99 ");
	CU_ASSERT_PTR_NOT_NULL(row);
	free(row);
	/* the summary names the cells as the rows do */
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(tab, "\nsummary\n"));
	CU_ASSERT_PTR_NULL(strstr(strstr(tab, "\nsummary\n"), "steps[0]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(strstr(tab, "\nsummary\n"), "\n  mutex tasks=2 read_pct="));
	piped = table_text(&r, (struct cl_table_opts){ 0 });
	row = cl_test_line_starting(piped, "threads+rwlock tasks=4 steps[0].read_pct=99 ");
	CU_ASSERT_PTR_NOT_NULL(row);
	free(row);
	{
		/* prose: everything but the rows */
		const char *rows = strstr(piped, "\ncell "), *end = strstr(rows + 1, "\n\n");
		char *prose = strndup(piped, (size_t)(rows - piped));

		CU_ASSERT(widest_line(prose) <= 80);
		CU_ASSERT(widest_line(end) <= 80);
		free(prose);
	}
	cmpr = compare_text(&r, &r, 80);
	CU_ASSERT(widest_line(cmpr) <= 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(cmpr, "\nmutex tasks=2 read_pct=0 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(cmpr, "\n    inconclusive (n too small: at least 4 trials each)\n"));
	free(tab);
	free(piped);
	free(cmpr);
	cl_results_free(&r);
}

/* A note every cell has is said once, above the table, and on no row; the
 * note below says "every cell". */
static void test_common_note_once(void)
{
	struct cl_results r;
	char err[512], *tab;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, RW_RESULTS, err, sizeof err), 0);
	for (size_t i = 0; i < r.ncells; i++)
		for (size_t k = 0; k < r.cells[i].ntrials; k++)
			r.cells[i].trials[k].interfered = true;
	cl_results_summarize(&r);
	tab = table_text(&r, (struct cl_table_opts){ 0 });
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\nevery cell: interference in 2/2 (most: not a fair figure)\n\ncell "));
	{
		const char *rows = strstr(tab, "\ncell "), *end = strstr(rows + 1, "\n\n");
		char *body = strndup(rows, (size_t)(end - rows));

		CU_ASSERT_PTR_NULL(strstr(body, "interference"));
		free(body);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\ninterference: every cell had trials measured while"));
	free(tab);
	cl_results_free(&r);
}

/* On 80 columns the notes column gives way: a note then names its cells
 * as the rows show them, never "the marked cells". */
static void test_notes_name_what_is_not_marked(void)
{
	struct cl_results r;
	char err[512], *tab, *head;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, RW_RESULTS, err, sizeof err), 0);
	tab = table_text(&r, (struct cl_table_opts){ .width = 80 });
	head = cl_test_line_starting(tab, "cell ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(head);
	CU_ASSERT_PTR_NULL(strstr(head, "notes"));
	free(head);
	CU_ASSERT_PTR_NULL(strstr(tab, "the marked cell"));
	/* threads+mutex tasks=2 read_pct=0 is noisy (cv 28.1%): named as its row names it */
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\nnoisy: mutex tasks=2 read_pct=0, "));
	free(tab);
	tab = table_text(&r, (struct cl_table_opts){ 0 });
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\nnoisy: the marked cells vary"));
	free(tab);
	cl_results_free(&r);
}

/* Each cell's interval has its own coverage: 2 of 3 trials ok cover the
 * median with 50%, 3 of 3 with 75%; the row says which, and the note the
 * range, not one figure for all. */
static void test_coverage_per_cell(void)
{
	struct cl_results r;
	char err[512], *tab, *md, *row;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL_FATAL(r.cells[0].label, "io: serial+none");
	r.cells[0].trials[1].status = CL_STATUS_HUNG;
	cl_results_summarize(&r);
	CU_ASSERT_DOUBLE_EQUAL(r.cells[0].summary.wall.ci_level, 0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r.cells[1].summary.wall.ci_level, 0.75, 1e-9);
	tab = table_text(&r, (struct cl_table_opts){ .wide = true });
	row = cl_test_line_starting(tab, "io: serial+none ");
	cl_test_expect_in("wide", row, "  50.0%  ");
	free(row);
	row = cl_test_line_starting(tab, "io: threads+none ");
	cl_test_expect_in("wide", row, "  75.0%  ");
	free(row);
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "\ninterval: each cell's covers its median with the probability in its "
					   "cover column\n  (--wide or --columns coverage): 50.0% to 75.0% here"));
	md = cl_view_text(cl_view_markdown, &r);
	row = cl_test_line_starting(md, "| io: serial+none |");
	cl_test_expect_in("markdown", row, " (50.0%) |");
	free(row);
	free(tab);
	free(md);
	cl_results_free(&r);
}

/* The seed table measured under load: the row a cell touches carries its
 * caveat, and a note says what the mark means. */
static void test_seed_table_caveats(void)
{
	struct cl_results r;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, SEED_RESULTS, err, sizeof err), 0);
	for (size_t i = 0; i < r.ncells; i++)
		if (!strcmp(r.cells[i].label, "cpu: processes+none"))
			for (size_t k = 0; k < r.cells[i].ntrials; k++)
				r.cells[i].trials[k].interfered = true;
	cl_results_summarize(&r);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cl_view_seed_table(f, &r, false, err, sizeof err), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| 2.0 cores on CPU-bound work (multi-core) [!: processes: "
					   "interference 3/3] |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| I/O-bound and CPU-bound [!: cpu processes: interference 3/3] |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\n[!] The figure beside it comes from cells"));
	/* the I/O row of processes does not come from that cell: no mark */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| Speed-up, I/O-bound (vs serial) | 2.00x | 2.00x | 2.00x |"));
	free(buf);
	cl_results_free(&r);
}

/* ---- the program on a terminal 80 columns wide -------------------------- */

/* Run a shell command on a pseudo-terminal 80 columns wide (stdout and
 * stderr both); *out: what it wrote, as a terminal shows it: a line redrawn
 * after \r a line apart, the escape sequences gone. Its exit code. */
static int on_terminal(char **out, const char *fmt, ...)
{
	struct winsize ws = { .ws_row = 50, .ws_col = 80 };
	char *cmd = NULL, *text = NULL, buf[4096];
	size_t len = 0;
	int master, status = 0;
	va_list ap;
	pid_t pid;
	FILE *f;

	va_start(ap, fmt);
	CU_ASSERT_FATAL(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	fflush(NULL);
	pid = forkpty(&master, NULL, NULL, &ws);
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	f = open_memstream(&text, &len);
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EIO: the other side is closed */
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\033') { /* CSI: ESC [ parameters final */
				while (i + 1 < n && !(buf[i + 1] >= '@' && buf[i + 1] <= '~' && buf[i + 1] != '['))
					i++;
				i++;
				continue;
			}
			if (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')
				continue; /* the terminal's line end: one line */
			fputc(buf[i] == '\r' ? '\n' : buf[i], f);
		}
	}
	fclose(f);
	close(master);
	waitpid(pid, &status, 0);
	free(cmd);
	*out = text;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A run with 46-character labels, its progress, the machine's warning,
 * `plugins` and every verb's help: no line wider than 80; a warning said
 * once. */
static void test_program_fits_80(void)
{
	const char *verbs[] = { "run", "check", "plugins", "info", "compare", "report", "new", "serve", "help" };
	char *cfg = cl_test_write_file(".cfg",
		"name = \"rw\"; repeat = 2;\n"
		"workload = { tasks = [2, 4]; steps = ( { op = \"increment\"; duration_ms = 20; inside = 20;\n"
		"             read_pct = [0, 90]; } ); };\n"
		"strategies = ( \"threads\" ); syncs = ( \"mutex\", \"rwlock\", \"spinpark\" );\n");
	char *out;

	CU_ASSERT_EQUAL(on_terminal(&out, "'%s' run '%s'", BIN, cfg), 0);
	CU_ASSERT(widest_line(out) <= 80);
	CU_ASSERT(cl_test_count(out, "warning:") <= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/24 ")); /* the progress line was there */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nrwlock tasks=4 read_pct=90 "));
	free(out);
	CU_ASSERT_EQUAL(on_terminal(&out, "'%s' plugins", BIN), 0);
	CU_ASSERT(widest_line(out) <= 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nspinpark "));
	free(out);
	/* a plugin's description and parameters; check's first line */
	CU_ASSERT_EQUAL(on_terminal(&out, "'%s' info threads", BIN), 0);
	CU_ASSERT(widest_line(out) <= 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n  workers      int   default 0        range [0, 1000000]\n      threads "));
	free(out);
	CU_ASSERT_EQUAL(on_terminal(&out, "'%s' check '%s/configs/locks-oversubscribed.cfg'", BIN,
				    CL_TEST_SOURCE_DIR), 0);
	CU_ASSERT(widest_line(out) <= 80);
	free(out);
	CU_ASSERT_EQUAL(on_terminal(&out, "'%s' --help", BIN), 0);
	CU_ASSERT(widest_line(out) <= 80);
	free(out);
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		CU_ASSERT_EQUAL(on_terminal(&out, "'%s' %s --help", BIN, verbs[i]), 0);
		CU_ASSERT(widest_line(out) <= 80);
		free(out);
	}
	unlink(cfg);
	free(cfg);
}

/* Piped, a long run says every 5 s where it is, a line each time (no
 * redrawing); --quiet says nothing. */
static void test_progress_piped(void)
{
	char *cfg = cl_test_write_file(".cfg", "repeat = 5;\n"
				       "workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 1400; } ); };\n"
				       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "'%s' run '%s' 2>&1 >/dev/null", BIN, cfg), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "conclab: 4/5 trials done, ETA 0:0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "; now serial+none, trial 5/5\n"));
	CU_ASSERT_PTR_NULL(strchr(out, '\r'));
	CU_ASSERT_PTR_NULL(strchr(out, '\033'));
	CU_ASSERT(widest_line(out) <= 80);
	free(out);
	unlink(cfg);
	free(cfg);
}

/* Ctrl-C of a run that writes no file: it says it cannot be resumed. */
static void test_stop_without_output(void)
{
	char *cfg = cl_test_write_file(".cfg", "repeat = 3;\n"
				       "workload = { tasks = 1; steps = ( { op = \"sleep\"; ms = 3000; } ); };\n"
				       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	char *log = cl_test_write_file(".log", ""), status_path[64], *out;
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		FILE *f = freopen(log, "w", stderr);

		(void)f;
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl(BIN, BIN, "run", cfg, "--quiet", (char *)NULL);
		_exit(127);
	}
	/* once the run catches SIGINT (SigCgt in its status), a stop is a stop */
	snprintf(status_path, sizeof status_path, "/proc/%d/status", (int)pid);
	for (int i = 0; i < 1000; i++) {
		char line[256];
		unsigned long long caught = 0;
		FILE *f = fopen(status_path, "r");

		while (f && fgets(line, sizeof line, f))
			if (sscanf(line, "SigCgt: %llx", &caught) == 1)
				break;
		if (f)
			fclose(f);
		if (caught >> (SIGINT - 1) & 1)
			break;
		usleep(10000);
	}
	usleep(200000); /* and a trial runs */
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	CU_ASSERT_EQUAL(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 130);
	CU_ASSERT_EQUAL(cl_test_sh(&out, "cat '%s'", log), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot be resumed"));
	free(out);
	unlink(log);
	unlink(cfg);
	free(log);
	free(cfg);
}

/* What a config or results file says cannot break the lines: a name of
 * 120 characters and a word longer than a line are cut at the edge, a
 * line break in a description is a space, a label's line break a '?'. */
static void test_long_and_broken_words(void)
{
	struct cl_results r;
	char err[512], *tab, name[128];

	CU_ASSERT_EQUAL_FATAL(cl_results_load(&r, RW_RESULTS, err, sizeof err), 0);
	memset(name, 'x', 120);
	name[120] = 0;
	free(r.name);
	r.name = strdup(name);
	free(r.description);
	r.description = strdup("first line\nsecond line, and a word of 100: "
			       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
	tab = table_text(&r, (struct cl_table_opts){ .width = 80 });
	CU_ASSERT(widest_line(tab) <= 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(tab, "first line second line"));
	free(tab);
	tab = table_text(&r, (struct cl_table_opts){ 0 }); /* piped: the prose too */
	{
		char *rows = strstr(tab, "\ncell ");

		CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
		*rows = 0;
		CU_ASSERT(widest_line(tab) <= 80);
	}
	free(tab);
	cl_results_free(&r);
}

/* The command that resumes a stopped run is pasted into a shell: a path
 * with a space or a quote is one word of it. */
static void test_resume_command_quoted(void)
{
	struct cl_run_request req = { .json = "/nonexistent/sp ace/it's.json" };
	char *cmd = clrun_resume_command(&req, "/nonexistent/sp ace/it's.json.journal");

	CU_ASSERT_STRING_EQUAL(cmd, "conclab run --resume '/nonexistent/sp ace/it'\\''s.json.journal' "
				    "--json '/nonexistent/sp ace/it'\\''s.json'");
	free(cmd);
	req.json = "/tmp/plain/r.json";
	cmd = clrun_resume_command(&req, "/tmp/plain/r.json.journal");
	CU_ASSERT_PTR_NOT_NULL(strstr(cmd, "conclab run --resume /tmp/plain/r.json.journal"));
	free(cmd);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "a timed cell leads with its ops/s, the same in every view", test_timed_leads_with_ops },
		{ "80 columns: labels shortened with a legend, every line within", test_fits_80_with_legend },
		{ "a note every row has is said once, above the table", test_common_note_once },
		{ "a note about cells not marked on screen names them", test_notes_name_what_is_not_marked },
		{ "each cell's interval has its own coverage", test_coverage_per_cell },
		{ "the seed table's caveats stand beside the rows they touch", test_seed_table_caveats },
		{ "run, its progress and warning, plugins, help: within 80 columns", test_program_fits_80 },
		{ "piped, a long run says where it is every 5 s", test_progress_piped },
		{ "Ctrl-C of a run without an output file: cannot be resumed, said", test_stop_without_output },
		{ "long words and line breaks of a config or results file cannot break the lines",
		  test_long_and_broken_words },
		{ "the resume command is one shell word per path", test_resume_command_quoted },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("terminal", tests);
}
