/* Private to the plugin loader (loader*.c, probe.c): what one file of the
 * loader asks of another. The registry (loader.c) finds files and keeps what
 * loaded; the checks (plugin_check.c) say whether a file is an ELF shared
 * object of this host and a descriptor is sound, and load a plugin in a
 * trial; the probe (probe.c) loads a file in a child and brings its
 * descriptor back. */
#ifndef CLH_LOADER_INTERNAL_H
#define CLH_LOADER_INTERNAL_H

#include "loader.h"

#include <stddef.h>

#define MAX_PARAMS      32
#define MAX_SHARED_SIZE (1u << 20)
#define MAX_LOCAL_SIZE  (64u << 10)

/* Is `path` an ELF shared object this host can load at all? 0, or -1 with
 * the reason in words. */
int cll_check_elf(const char *path, char *err, size_t errlen);
/* dlopen path and find its descriptor, checked; NULL with the reason. */
const struct cl_plugin *cll_open_plugin(const char *path, char *err, size_t errlen);
/* Load `path` in a child process; 0 with the host's copy in *p, else -1
 * with the reason. */
int cll_probe(const char *path, struct cl_loaded_plugin *p, char *err, size_t errlen);
/* Free the host's copy of a descriptor. */
void cll_free_copy(struct cl_loaded_plugin *p);

#endif
