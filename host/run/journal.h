/* The run journal: a header line that says how to redo the run, then one
 * JSON line per finished trial, each flushed to disk as it is written, so an
 * interrupted or crashed run can be resumed without losing a finished trial.
 * Format: docs/reliability.md. */
#ifndef CLH_JOURNAL_H
#define CLH_JOURNAL_H

#include "record.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define CL_JOURNAL_SCHEMA "conclab-journal/1"

struct cl_journal {
	int   fd;
	char *path;
	bool  failed; /* an append failed: the run went on without it */
};

/* Create `path` (it must not exist: it may hold an unfinished run), lock
 * it and write the header. 0, or -1 with the reason (naming the path) in err. */
int cl_journal_create(struct cl_journal *j, const char *path, const json_t *header, char *err,
		      size_t errlen);

/* Open an existing journal to append to it, and lock it for as long as it
 * is open: -1 (the reason in err) when another conclab holds it. */
int cl_journal_reopen(struct cl_journal *j, const char *path, char *err, size_t errlen);

/* Append one finished trial and flush it to disk. 0, or -1 with the reason. */
int cl_journal_append(struct cl_journal *j, size_t cell, const char *label, size_t trial,
		      const struct cl_trial_result *r, char *err, size_t errlen);

/* Close; with `finished`, the run's results are safely written: remove it. */
void cl_journal_close(struct cl_journal *j, int finished);

/* Read a journal: its header in *header, its trial lines in *entries (an
 * array of {cell, label, trial, result}). A last line cut short by a crash
 * is dropped; anything else malformed is an error naming path and line.
 * 0, or -1 with the reason in err. */
int cl_journal_read(const char *path, json_t **header, json_t **entries, char *err, size_t errlen);

#endif
