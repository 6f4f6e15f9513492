/* Private to conclab verify: the context every property gets, a trial of a
 * config written for it, and the verdict lines. The properties of a sync
 * are in sync_props.c, of a strategy in strategy_props.c. */
#ifndef CLH_VERIFY_INTERNAL_H
#define CLH_VERIFY_INTERNAL_H

#include "record.h"
#include "verify.h"

#include <stdbool.h>
#include <stddef.h>

struct vctx {
	struct cl_registry *reg;
	const struct cl_loaded_plugin *p;
	enum cl_verify_level level;
	FILE *out;
	int   ncpus;
	int   passed, failed, skipped;
};

/* A config of one cell: `strategy` and `sync` (names or paths), the
 * workload's `tasks` and its steps (the text inside "steps = ( ... )"),
 * `more` settings after them (params, target; may be ""), the trial's
 * timeout in seconds. Into buf; false when it does not fit. */
bool vconfig(char *buf, size_t len, const char *strategy, const char *sync, long tasks,
	     const char *steps, const char *more, double timeout_s);

/* Run the config's one cell once into *r (free with cl_trial_result_free).
 * 0; or -1 when the config is refused (by the host or a plugin's check),
 * with why in err: the property is then skipped or failed, as it says. */
int vrun(struct vctx *v, const char *config, struct cl_trial_result *r, char *err, size_t errlen);

/* The verdict lines: a property held, failed (with the config that shows
 * it, to run again), was not for this plugin, or is only reported. */
__attribute__((format(printf, 3, 4)))
void vpass(struct vctx *v, const char *property, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
void vfail(struct vctx *v, const char *property, const char *config, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void vskip(struct vctx *v, const char *property, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void vnote(struct vctx *v, const char *property, const char *fmt, ...);

/* The name a config gives the plugin under test: its path (a plugin found
 * by name is still that file). */
const char *vself(const struct vctx *v);

/* Is a plugin of this name and kind on the path? (a built-in the
 * properties pair the plugin with) */
bool vhave(const struct vctx *v, const char *name, enum cl_plugin_kind kind);

void verify_sync(struct vctx *v);
void verify_strategy(struct vctx *v);

#endif
