/* Writing a file so that a reader never sees half of it: to a new file of
 * an unguessable name beside it (PATH.tmp.XXXXXX, made with O_EXCL), then
 * renamed into place. Every results file conclab writes goes through here. */
#ifndef CLH_ATOMIC_FILE_H
#define CLH_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Could a file be written at `path`: a name, not a folder, device, pipe or
 * socket, in a folder that can be written? A symbolic link counts as the
 * file it names. 0, or -1 with the reason (naming the path) in err. Checked
 * before any work, so a run never ends unable to write its results. */
int cl_file_check(const char *path, char *err, size_t errlen);

/* Do two paths name the same file (existing or not)? */
bool cl_file_same(const char *a, const char *b);

/* Create PATH.tmp.XXXXXX (its name in tmp) with O_EXCL, with the mode PATH
 * has (or a new file's). NULL with the reason (naming the path) in err. */
FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen);

/* Close it and rename it to PATH (through a symbolic link: to the file it
 * names), or remove it on any error. 0, or -1 with
 * the reason (naming the path) in err. */
int cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

#endif
