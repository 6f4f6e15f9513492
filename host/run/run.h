/* `conclab run`: every trial of an experiment, journaled as it finishes;
 * SIGINT and SIGTERM stop it cleanly, and --resume continues it. */
#ifndef CLH_RUN_H
#define CLH_RUN_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#define CL_EXIT_OK    0
#define CL_EXIT_TRIAL 1 /* a trial failed or was wrong */
#define CL_EXIT_USAGE 2 /* usage, config or plugin-load error */

struct cl_run_request {
	const char  *config;       /* the experiment file; NULL with resume      */
	const char  *resume;       /* a journal to continue, or NULL             */
	const char  *json, *csv;   /* results files, or NULL                     */
	const char  *journal;      /* NULL: the JSON's (or CSV's) path + .journal */
	char *const *plugin_dirs;
	size_t       nplugin_dirs;
	int64_t      repeat, timeout_ms; /* 0: the config's                       */
	bool         quiet, sort, wide;
	const char  *columns;      /* --columns LIST, or NULL                     */
	double       cv_threshold;
	const char  *vs;
	bool         sequential;   /* --order sequential: cell by cell           */
	uint64_t     seed;         /* the random order's seed ...                */
	bool         seed_given;   /* ... when --seed gave it (else a new one)   */
};

/* Run (or resume) and print the table; the exit code: 0, 1, 2, or 128 +
 * the signal (130, 143) when SIGINT or SIGTERM stopped it. */
int cl_run(const struct cl_run_request *req);

/* Load plugins and the experiment and expand its matrix, as run does;
 * `text`: the config's text (owned from now on) or NULL to read `path`.
 * 0, or -1 with the message printed. */
int cl_run_load(const char *path, char *text, char *const *dirs, size_t ndirs, int64_t repeat,
		int64_t timeout_ms, struct cl_registry *reg, struct cl_experiment *x,
		struct cl_cell **cells, size_t *ncells);

#endif
