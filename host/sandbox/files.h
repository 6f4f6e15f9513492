/* The files of a trial's read and write steps (files.c). */
#ifndef CLSB_FILES_H
#define CLSB_FILES_H

#include "record.h"
#include "workload.h"

#include <stdbool.h>
#include <stddef.h>

/* Has the workload a read or write step? */
bool clsb_has_files(const struct cl_workload *w);

/* Make the trial's folder (its path into env->io_dir) and the files w's
 * read steps read, cold; 0, or -1 with the reason in err. */
int clsb_files_prepare(const struct cl_workload *w, struct clw_trial_env *env, char *err,
		       size_t errlen);

/* Check every file the write steps left; a trial still ok becomes wrong,
 * naming the task, the step and the file, when one differs. */
void clsb_files_verify(const struct cl_workload *w, const struct clw_trial_env *env,
		       struct cl_trial_result *r);

/* Remove the folder and everything in it. */
void clsb_files_remove(struct clw_trial_env *env);

#endif
