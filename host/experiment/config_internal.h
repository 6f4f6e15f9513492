/* Private to the config reader (config*.c): the reading context, typed
 * values and sweeps (config_values.c), and the readers of each part of an
 * experiment file: workloads and steps (config_steps.c), plugins and their
 * parameters (config_params.c), the top-level settings (config.c). */
#ifndef CLH_CONFIG_INTERNAL_H
#define CLH_CONFIG_INTERNAL_H

#include "config.h"

#include <libconfig.h>
#include <stdbool.h>
#include <sys/types.h>

struct cfg_ctx {
	struct cl_experiment *x;
	struct cl_workload_def *def; /* the workload being read */
	struct cl_registry   *reg;
	const char           *path;
	char                 *err;
	size_t                errlen;
};

/* How a number of the config maps to the experiment. */
struct number {
	const char *what;  /* setting path for messages            */
	const char *knob;  /* name of the sweep; NULL: same as what */
	int64_t     min, max;
	int64_t     scale; /* ms -> ns and so on                   */
	int         is_bool;
	const struct cl_loaded_plugin *plugin; /* sweep target: plugin param ... */
	size_t      workload;                  /* ... or a workload's number:      */
	size_t      param;
	ssize_t     offset;                    /* ... or workload offset (>= 0)   */
};

/* "FILE:LINE: WHAT: why" into c->err; -1. */
__attribute__((format(printf, 4, 5)))
int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *what, const char *fmt, ...);
/* A name that becomes part of cells' labels, shown on terminals and in every
 * report: only text cl_printable keeps as it is (no ESC, BEL, bidi...). */
bool cfg_printable_name(const char *s);
/* "an integer", "a string"...: what a setting of libconfig's type is. */
const char *cfg_type_name(int type);
/* Every member of group `g` must be one of `allowed` (NULL-terminated). */
int cfg_only_members(struct cfg_ctx *c, const config_setting_t *g, const char *what,
		     const char *const *allowed);
int cfg_is_int(const config_setting_t *s);
/* One value of n's kind and range, scaled; a sweep's array is not one. */
int cfg_one_value(struct cfg_ctx *c, const config_setting_t *s, const struct number *n, int64_t *out);
/* A scalar, or an array of at least two values that the matrix sweeps. */
int cfg_read_number(struct cfg_ctx *c, const config_setting_t *s, const struct number *n,
		    int64_t *base);
/* A number (or, with is_bool, true / false) of the workload being read,
 * sweepable like every other. */
int cfg_workload_setting(struct cfg_ctx *c, const config_setting_t *g, const char *key,
			 const char *what, int64_t min, int64_t max, int64_t scale, int is_bool,
			 int64_t *field);
int cfg_workload_number(struct cfg_ctx *c, const config_setting_t *g, const char *key,
			const char *what, int64_t min, int64_t max, int64_t scale, int64_t *field);

/* A step setting written as a distribution (config_draws.c): appended to
 * the workload's draws, *field set to its typical value. */
int cfg_read_dist(struct cfg_ctx *c, const config_setting_t *g, const struct cl_step_key *k,
		  const char *what, int step, int64_t *field);
/* The workload's `arrival`, if it has one. */
int cfg_read_arrival(struct cfg_ctx *c, const config_setting_t *w, const char *prefix);

/* `workload` or `workloads`, every step checked. */
int cfg_read_workloads(struct cfg_ctx *c, const config_setting_t *root);
/* `strategies` or `syncs`: the plugins, found in the registry. */
int cfg_read_plugins(struct cfg_ctx *c, const config_setting_t *root, const char *key,
		     enum cl_plugin_kind kind, struct cl_plugin_use *uses, size_t *n);
/* `params`: each plugin's parameters, placement, hosts. */
int cfg_read_params(struct cfg_ctx *c, const config_setting_t *root);

#endif
