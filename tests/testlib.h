/* Helpers shared by the CUnit suites: temporary files, running the conclab
 * program, loading an experiment from text, and a main() per suite. */
#ifndef CONCLAB_TESTLIB_H
#define CONCLAB_TESTLIB_H

#include "config.h"
#include "sandbox.h"

#include <CUnit/CUnit.h>

/* Write `text` to a new temporary file; returns its malloc'ed path. */
char *cl_test_write_file(const char *suffix, const char *text);

/* A new empty temporary directory; returns its malloc'ed path. */
char *cl_test_temp_dir(void);

/* Run a shell command, capture stdout and stderr together into *output
 * (malloc'ed, may be NULL), return its exit code (128+signal if killed). */
int cl_test_sh(char **output, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An experiment loaded from config text with the build tree's plugins and
 * the test fixtures on the path, and its expanded cells. */
struct cl_test_exp {
	struct cl_registry   reg;
	struct cl_experiment x;
	struct cl_cell      *cells;
	size_t               ncells;
	char                 err[4096];
	char                *path;
};

/* 0 when it loaded and expanded; -1 with the reason in e->err. */
int  cl_test_exp_load(struct cl_test_exp *e, const char *text);
/* The same, for a config that must load: its error printed, then a fatal assert. */
void cl_test_exp_load_ok(struct cl_test_exp *e, const char *text);
void cl_test_exp_free(struct cl_test_exp *e);

/* Run cell i once with every task's record kept. */
void cl_test_run_cell(struct cl_test_exp *e, size_t i, struct cl_trial_result *r);
/* Load config text that must load and run its first cell once. */
void cl_test_run_first(const char *text, struct cl_trial_result *r);
/* Config text that must be refused, with `want` in the reason. */
void cl_test_exp_refused(const char *text, const char *want);

/* The test's own count of a trial's memory, from /proc, not conclab's: a
 * process forked by the test that, every 20 ms until stopped, sums the
 * resident sets (statm) and proportional sets (smaps_rollup) of the test
 * process's descendants, whichever of their threads forked them, itself
 * left out. It is a process, not a thread: a fork (the trial's) from a
 * process whose other thread is inside malloc or a sanitizer's allocator
 * can leave the child waiting forever on a lock nobody will release (seen
 * in CI under ASan). */
struct cl_test_mem_watch;
/* Its peaks: of the sums, and of how many processes there were at once. */
struct cl_test_mem {
	long long rss_kb, pss_kb; /* pss 0 where the kernel gives none */
	int       procs;
};

struct cl_test_mem_watch *cl_test_mem_watch_start(void);
struct cl_test_mem        cl_test_mem_watch_stop(struct cl_test_mem_watch *w);

/* ---- reading what a view or the program printed ------------------------ */

/* The line of `text` that starts with `prefix` (a copy, malloc'ed), or NULL. */
char *cl_test_line_starting(const char *text, const char *prefix);
/* Assert that `line` (of the view named `view`) holds `want`; when not,
 * say which and what the line was. */
void cl_test_expect_in(const char *view, const char *line, const char *want);
/* Prose as conclab wraps it to 80 columns made one line again, in place:
 * each line break followed by an indent becomes one space. */
void cl_test_unwrap(char *text);
/* How many times `what` occurs in `text`. */
size_t cl_test_count(const char *text, const char *what);
/* qsort's order of doubles, ascending. */
int cl_test_cmp_double(const void *a, const void *b);

/* Register one suite and run it verbosely; the process exit code. */
int cl_test_main(const char *suite, CU_TestInfo *tests);

#endif
