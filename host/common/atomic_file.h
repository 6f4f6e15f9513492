/* Writing a file so that a reader never sees half of it: to PATH.tmp.PID,
 * then renamed into place. Every file conclab writes goes through here. */
#ifndef CLH_ATOMIC_FILE_H
#define CLH_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Open PATH.tmp.PID (its name in tmp). NULL with the reason (naming the
 * path) in err. */
FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen);

/* Close it and rename it to PATH, or remove it on any error. 0, or -1 with
 * the reason (naming the path) in err. */
int cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);

#endif
