#define _GNU_SOURCE
#include "paths.h"
#include "xalloc.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *exe_dir(void)
{
	static char dir[PATH_MAX];
	static bool found;
	char exe[PATH_MAX];
	ssize_t n;

	if (found)
		return *dir ? dir : NULL;
	found = true;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return NULL;
	exe[n] = 0;
	snprintf(dir, sizeof dir, "%s", dirname(exe));
	return dir;
}

bool cl_running_from_build_tree(void)
{
	const char *dir = exe_dir();
	char *here = dir ? realpath(dir, NULL) : NULL, *build = realpath(CL_BUILD_BIN_DIR, NULL);
	bool same = here && build && !strcmp(here, build);

	free(here);
	free(build);
	return same;
}

/* EXE/../rel, or NULL */
static const char *beside_exe(const char *rel, char *buf, size_t len)
{
	const char *dir = exe_dir();

	if (!dir)
		return NULL;
	char *real;

	snprintf(buf, len, "%s/%s", dir, rel);
	if ((real = realpath(buf, NULL))) { /* shown in messages: no "bin/.." */
		snprintf(buf, len, "%s", real);
		free(real);
	}
	return buf;
}

const char *cl_own_plugin_dir(void)
{
	static char buf[PATH_MAX + 64];

	if (cl_running_from_build_tree())
		return CL_BUILD_PLUGIN_DIR;
	return beside_exe(CL_REL_PLUGIN_DIR, buf, sizeof buf);
}

const char *cl_own_config_dir(void)
{
	static char buf[PATH_MAX + 64];

	if (cl_running_from_build_tree())
		return CL_SOURCE_CONFIG_DIR;
	return beside_exe(CL_REL_CONFIG_DIR, buf, sizeof buf);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *cl_find_config(const char *name)
{
	const char *dir = cl_own_config_dir();
	char path[PATH_MAX + 300];

	if (is_file(name) || strchr(name, '/') || !dir)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (is_file(path))
		return cl_xstrdup(path);
	snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
	return is_file(path) ? cl_xstrdup(path) : NULL;
}

const char *cl_sdk_prefix(void)
{
	static char buf[PATH_MAX + 64];

	if (cl_running_from_build_tree()) /* its own conclabConfig.cmake, exported there */
		return CL_BUILD_BIN_DIR;
	return beside_exe("..", buf, sizeof buf);
}

const char *cl_temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}
