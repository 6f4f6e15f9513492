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
	int   passed, failed, skipped, noted;
};

/* A trial's limit in seconds, by level, beyond what it is meant to take: a
 * plugin that hangs costs this much a trial (a remote one's ranks take
 * seconds to start). */
double vlimit(const struct vctx *v, bool remote);

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
enum vmark { VPASS, VFAIL, VSKIP, VNOTE };

/* A config, under a line saying what running it shows. */
void vshow_config(struct vctx *v, const char *header, const char *config);

__attribute__((format(printf, 5, 6)))
void vverdict(struct vctx *v, enum vmark mark, const char *property, const char *config,
	      const char *fmt, ...);
#define vpass(v, property, ...) vverdict(v, VPASS, property, NULL, __VA_ARGS__)
#define vfail(v, property, config, ...) vverdict(v, VFAIL, property, config, __VA_ARGS__)
#define vskip(v, property, ...) vverdict(v, VSKIP, property, NULL, __VA_ARGS__)
#define vnote(v, property, ...) vverdict(v, VNOTE, property, NULL, __VA_ARGS__)

/* The name a config gives the plugin under test: its path (a plugin found
 * by name is still that file). */
const char *vself(const struct vctx *v);

/* Is a plugin of this name and kind on the path? (a built-in the
 * properties pair the plugin with) */
bool vhave(const struct vctx *v, const char *name, enum cl_plugin_kind kind);

void verify_sync(struct vctx *v);
void verify_strategy(struct vctx *v);

#endif
