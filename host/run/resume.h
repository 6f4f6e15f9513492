/* Private to the run: what a journal's header keeps of the run (so that
 * --resume redoes it as it was asked for) and putting its finished trials
 * back into the results. */
#ifndef CLH_RUN_RESUME_H
#define CLH_RUN_RESUME_H

#include "config.h"
#include "results.h"
#include "run.h"

#include <jansson.h>
#include <stdio.h>

/* The journal's header for this run. */
json_t *clrun_journal_header(const struct cl_run_request *req, const struct cl_experiment *x,
			     const struct cl_cell *cells, size_t n);

/* The request a journal's header describes, with pointers into it; *dirs
 * (malloc'ed) holds the plugin folders. Outputs (--json, --csv) or plugin
 * folders that `asked` names replace the journal's. 0, or -1 with the
 * reason in err. */
int clrun_request_from_header(const json_t *h, const struct cl_run_request *asked,
			      struct cl_run_request *req, char ***dirs, char *err, size_t errlen);

/* A journal may come from anyone: refuse (-1, the reason in err) one that
 * names outputs outside its own folder, or plugin folders outside it or
 * writable by others, unless the resume's command line (asked) names
 * them again. */
int clrun_resume_trusted(const struct cl_run_request *asked, const struct cl_run_request *req,
			 char *err, size_t errlen);

/* Say, before anything runs, what the resume will write and where it will
 * look for plugins. */
void clrun_resume_show(FILE *out, const struct cl_run_request *asked,
		       const struct cl_run_request *req, const json_t *header);

/* The command that resumes this run from `journal`: with the outputs and
 * plugin folders that a resume would not take from the journal. Malloc'ed. */
char *clrun_resume_command(const struct cl_run_request *req, const char *journal);

/* Put the journal's finished trials back in place; done[c] counts them.
 * 0, or -1 with the reason (naming the journal and its line) in err. */
int clrun_restore(const json_t *header, const json_t *entries, struct cl_results *r, size_t *done,
		  const char *path, char *err, size_t errlen);

/* --journal FILE, else beside the JSON (or CSV) results; NULL: none. */
char *clrun_journal_path(const struct cl_run_request *req);

#endif
