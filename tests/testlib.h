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

/* Register one suite and run it verbosely; the process exit code. */
int cl_test_main(const char *suite, CU_TestInfo *tests);

#endif
