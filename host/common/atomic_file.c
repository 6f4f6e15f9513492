#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
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

/* The mode the file ends with: the one it had (a user's 0600 results stay
 * 0600), or what a new file gets under this process's umask. */
static mode_t final_mode(const char *target)
{
	struct stat st;
	mode_t mask;

	if (stat(target, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	char target[4096];
	int fd;
	FILE *f;

	if (cl_file_check(path, err, errlen))
		return NULL;
	target_of(path, target, sizeof target);
	/* a name no one can guess, made with O_EXCL: on a shared folder a link
	 * planted where the file will be made is never written through (root
	 * writing PATH.tmp.PID once replaced a file someone named there) */
	if (snprintf(tmp, len, "%s.tmp.XXXXXX", target) >= (int)len) {
		snprintf(err, errlen, "%s: the name is too long", path);
		return NULL;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, final_mode(target)) || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return NULL;
	}
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
