/* Where conclab finds its own files: from the executable's own place, so
 * an installed prefix works wherever it is moved, and the build tree's
 * files are used only by a binary running from that build tree. */
#ifndef CLH_PATHS_H
#define CLH_PATHS_H

#include <stdbool.h>

/* Is this process's executable in the build tree it was built in? */
bool cl_running_from_build_tree(void);

/* The folder of the plugins that come with conclab: the build tree's, or
 * EXE/../lib/conclab/plugins; NULL if the executable cannot be found. */
const char *cl_own_plugin_dir(void);

/* The folder of the configs that come with conclab (configs/ of the source
 * tree, or EXE/../share/conclab/configs); NULL if not found. */
const char *cl_own_config_dir(void);

/* `name` as given when it names a file; else, when it has no '/', the
 * shipped config NAME or NAME.cfg. A malloc'ed path, or NULL (then the
 * caller reports `name` as it was given). */
char *cl_find_config(const char *name);

/* Where a trial's files folder is made: $TMPDIR, else /tmp. */
const char *cl_temp_dir(void);

/* Where find_package finds this conclab's SDK: the prefix it is installed
 * in (EXE/..: lib/cmake, lib/pkgconfig), or its build tree, which exports
 * the same package. */
const char *cl_sdk_prefix(void);

#endif
