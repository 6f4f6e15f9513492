/* Private to the run: what a journal's header keeps of the run (so that
 * --resume redoes it as it was asked for) and putting its finished trials
 * back into the results. */
#ifndef CLH_RUN_RESUME_H
#define CLH_RUN_RESUME_H

#include "config.h"
#include "results.h"
#include "run.h"

#include <jansson.h>

/* The journal's header for this run. */
json_t *clrun_journal_header(const struct cl_run_request *req, const struct cl_experiment *x,
			     const struct cl_cell *cells, size_t n);

/* The request a journal's header describes, with pointers into it; *dirs
 * (malloc'ed) holds the plugin folders. 0, or -1 with the reason in err. */
int clrun_request_from_header(const json_t *h, const struct cl_run_request *asked,
			      struct cl_run_request *req, char ***dirs, char *err, size_t errlen);

/* Put the journal's finished trials back in place; done[c] counts them.
 * 0, or -1 with the reason (naming the journal and its line) in err. */
int clrun_restore(const json_t *header, const json_t *entries, struct cl_results *r, size_t *done,
		  const char *path, char *err, size_t errlen);

/* --journal FILE, else beside the JSON (or CSV) results; NULL: none. */
char *clrun_journal_path(const struct cl_run_request *req);

#endif
