#include "atomic_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

FILE *cl_file_begin(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	FILE *f;

	snprintf(tmp, len, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
	return f;
}

int cl_file_commit(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	int bad = ferror(f);

	if (fclose(f) || bad || rename(tmp, path)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}
