/* The plugin registry: finds .so files on the search path, checks each
 * descriptor, and keeps every good plugin and every reason a file was not. */
#ifndef CLH_LOADER_H
#define CLH_LOADER_H

#include "plugin_abi.h"

#include <conclab/plugin.h>
#include <stddef.h>

/* The host never runs plugin code, not even a library constructor: each
 * file is loaded in a throw-away child (the probe), which sends back a copy
 * of the descriptor. The trial process and the checks' child load the file
 * again, themselves (cl_plugin_real). */
struct cl_loaded_plugin {
	const struct cl_plugin *desc; /* the host's copy: names, words (made
				       * printable), parameters, flags and
				       * sizes; its function pointers are NULL */
	char   *path;      /* the file it came from (its real path) */
	size_t  nparams;   /* entries in desc->params             */
	bool    has_check; /* the plugin has a check of its own   */
	bool    has_lock, has_read_lock; /* a sync's lock, read_lock ops */
	char   *runtime;   /* (1.5) what it runs tasks in; NULL: C, here */
	/* what desc points to */
	struct cl_plugin        copy;
	struct cl_strategy_ops  strategy_ops;
	struct cl_sync_ops      sync_ops;
	struct cl_param_decl   *params;
};

/* A file on the path that is not a usable plugin, or a shadowed duplicate. */
struct cl_load_problem {
	char *path;
	char *reason;
};

struct cl_registry {
	struct cl_loaded_plugin **plugins; /* stable pointers: configs keep them */
	size_t                   nplugins;
	struct cl_load_problem  *problems;
	size_t                   nproblems;
	char                   **dirs; /* the search path, in order of precedence */
	size_t                   ndirs;
};

/* Build the search path: `extra` dirs first (from --plugin-path, in order),
 * then $CONCLAB_PLUGIN_PATH, then conclab's own plugins (the build tree's
 * for a binary run from it, else EXE/../lib/conclab/plugins). Nothing is
 * loaded yet. */
void cl_registry_init(struct cl_registry *reg, char *const *extra, size_t nextra);

/* Load every *.so in every dir of the path. A file that fails becomes a
 * problem (path and reason) and the rest still load; when two files carry
 * one name the first on the path wins and the other becomes a problem. */
void cl_registry_scan(struct cl_registry *reg);

/* Load one plugin file named by its path. Returns the plugin, or NULL with
 * the reason written to err (which names the path). */
const struct cl_loaded_plugin *cl_registry_load_path(struct cl_registry *reg, const char *path,
						     char *err, size_t errlen);

/* Find a loaded plugin by name and kind; NULL if none. */
const struct cl_loaded_plugin *cl_registry_find(const struct cl_registry *reg, const char *name,
						enum cl_plugin_kind kind);

/* Find by name, or by path when `ref` contains a '/'; on failure write to
 * err why (unknown name: the folders searched; bad file: the reason). */
const struct cl_loaded_plugin *cl_registry_resolve(struct cl_registry *reg, const char *ref,
						   enum cl_plugin_kind kind, char *err, size_t errlen);

/* Forget every plugin for which keep(plugin, arg) is false. */
void cl_registry_prune(struct cl_registry *reg,
		       int (*keep)(const struct cl_loaded_plugin *p, void *arg), void *arg);

/* Free the registry. */
void cl_registry_free(struct cl_registry *reg);

const char *cl_plugin_kind_name(enum cl_plugin_kind kind);

/* The descriptor's size in the first release of ABI 1, before `check` was
 * appended: the least a plugin of this ABI may have. */
#define CL_RUNTIME_MAX 255 /* bytes of a plugin's runtime line */
#define CL_PLUGIN_SIZE_V1 offsetof(struct cl_plugin, check)

/* The ops tables of ABI 1.0 (CL_STRATEGY_OPS_SIZE_1_0, CL_SYNC_OPS_SIZE_1_0)
 * and how a descriptor is read: runtime/abi/plugin_abi.h, shared with the runtime. */

/* The minor ABI version the plugin was built against (0 before 1.1
 * recorded it), and the size of its ops table as it was built. */
uint32_t cl_plugin_abi_minor(const struct cl_plugin *desc);
size_t   cl_plugin_ops_size(const struct cl_plugin *desc);

/* The plugin's check, or NULL when it has none or was built against a
 * header from before it was appended. */
typedef int (*cl_check_fn)(const struct cl_check_args *, char *, size_t);
cl_check_fn cl_plugin_check_fn(const struct cl_plugin *desc);

/* In a child process only (a trial, the checks): load p's file into this
 * process and return its own descriptor, once it is checked to be the one
 * the probe saw, in this host's shapes (what an older minor lacks reads as
 * NULL or 0); NULL with the reason in err. */
const struct cl_plugin *cl_plugin_real(const struct cl_loaded_plugin *p, char *err, size_t errlen);

/* A parameter whose value is a text's address (ABI 1.4): CL_PARAM_TEXT or
 * CL_PARAM_PATH. */
static inline bool cl_param_is_text(enum cl_param_type type)
{
	return type == CL_PARAM_TEXT || type == CL_PARAM_PATH;
}

/* Check a descriptor as the loader does; 0, or -1 with the reason in err. */
int cl_plugin_validate(const struct cl_plugin *desc, size_t symbol_size, char *err, size_t errlen);

#endif
