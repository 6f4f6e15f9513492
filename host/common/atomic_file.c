#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the file really goes: a symbolic link is written through (the file
 * it names is replaced, not the link); else the path itself. */
static void target_of(const char *path, char *out, size_t len)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL))) {
		snprintf(out, len, "%s", real);
		free(real);
		return;
	}
	snprintf(out, len, "%s", path);
}

int cl_file_check(const char *path, char *err, size_t errlen)
{
	char target[4096], dir[4096];
	struct stat st;

	if (!*path)
		return snprintf(err, errlen, "an empty file name"), -1;
	target_of(path, target, sizeof target);
	if (stat(target, &st) == 0 && !S_ISREG(st.st_mode))
		return snprintf(err, errlen, "%s: %s, not a file conclab may replace", path,
				S_ISDIR(st.st_mode) ? "a folder" : "a device, pipe or socket"), -1;
	snprintf(dir, sizeof dir, "%s", target);
	if (access(dirname(dir), W_OK | X_OK))
		return snprintf(err, errlen, "%s: cannot write in its folder: %s", path, strerror(errno)), -1;
	return 0;
}

bool cl_file_same(const char *a, const char *b)
{
	struct stat sa, sb;
	char ta[4096], tb[4096];

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	target_of(a, ta, sizeof ta);
	target_of(b, tb, sizeof tb);
	return !strcmp(ta, tb);
}

FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	char target[4096];
	FILE *f;

	if (cl_file_check(path, err, errlen))
		return NULL;
	target_of(path, target, sizeof target);
	snprintf(tmp, len, "%s.tmp.%d", target, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
	return f;
}

int cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	char target[4096];
	int bad = ferror(f);

	target_of(path, target, sizeof target);
	if (fclose(f) || bad || rename(tmp, target)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}
