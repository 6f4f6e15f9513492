/* conclab plugin ABI: the whole contract between the host and a plugin .so.
 *
 * A plugin is a shared object that exports one `struct cl_plugin` named
 * `cl_plugin_entry` (write it with CL_PLUGIN). conclab dlopen()s the file in
 * a child process (never in the host itself: a probe first, then each trial
 * and the child that runs checks), looks that symbol up, and checks `abi`
 * and `size` before it reads anything else. Everything not declared in
 * include/conclab/ is private to the host.
 *
 * Compatibility rules (the SQLite VFS way): fields are only ever appended;
 * a change of shape or meaning of anything here bumps CL_ABI_VERSION, and the
 * host refuses plugins built against another version.
 *
 * ABI history
 *   1  first version: descriptor, int/bool parameters, strategy and sync ops.
 *      conclab 0.2 appended `check` to the descriptor (no bump: the host
 *      reads it only when the descriptor's `size` covers it, so a plugin
 *      built against the older header loads and simply has no check).
 *      Clarified before the first release (0.1.0), without a bump: a sync
 *      with lock/unlock may also set `add`, which the runtime then uses for
 *      the plain increment step only (the earlier wording would have run the
 *      `inside` work of such a plugin outside its lock).
 */
#ifndef CONCLAB_PLUGIN_H
#define CONCLAB_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <conclab/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CL_ABI_VERSION 1u

/* The symbol every plugin exports; the loader looks up exactly this name. */
#define CL_PLUGIN_SYMBOL "cl_plugin_entry"

enum cl_plugin_kind {
	CL_PLUGIN_STRATEGY = 1, /* decides where and when tasks run          */
	CL_PLUGIN_SYNC     = 2, /* protects the shared counter of increments */
};

enum cl_param_type {
	CL_PARAM_INT  = 1, /* 64-bit signed integer, checked against [min, max] */
	CL_PARAM_BOOL = 2, /* true / false in configs; 1 / 0 in the value array */
};

/* One parameter a plugin accepts, like a kernel module_param. The host reads
 * the value from the experiment config (or takes `def`), checks its type and
 * range, and hands the plugin an array of int64_t in declaration order. */
struct cl_param_decl {
	const char        *name; /* config key; NULL ends the array           */
	enum cl_param_type type;
	int64_t            def;  /* default value                             */
	int64_t            min;  /* smallest accepted value (ignored for bool) */
	int64_t            max;  /* largest accepted value (ignored for bool)  */
	const char        *help; /* one line shown by `conclab info`          */
};

/* ---- strategies ------------------------------------------------------- */

/* The strategy runs its tasks in processes it forks, so every sync plugin's
 * state must work across processes (the host tells the sync `pshared`). */
#define CL_STRATEGY_FORKS (1u << 0)

struct cl_strategy_ops {
	uint32_t flags; /* CL_STRATEGY_* */
	/* Run every task of the trial to completion, then return 0, or a
	 * negative errno after describing the failure with cl_trial_fail().
	 * `params` holds the declared parameters' values in declaration order.
	 * Called once, in the trial's own child process. */
	int (*run)(struct cl_trial *trial, const int64_t *params);
};

/* ---- syncs ------------------------------------------------------------- */

/* The plugin promises no exactness: lost updates are its finding, not a
 * failure (the `none` plugin). Without this flag a lost update makes the
 * trial "wrong". */
#define CL_SYNC_INEXACT      (1u << 0)
/* The state works only inside one process; the host refuses to pair the
 * plugin with a strategy that has CL_STRATEGY_FORKS. */
#define CL_SYNC_THREADS_ONLY (1u << 1)

/* What the host tells a sync plugin's init. */
struct cl_sync_setup {
	uint32_t       ntasks;  /* tasks that may take the lock            */
	bool           pshared; /* tasks run in separate processes        */
	const int64_t *params;  /* declared parameters, declaration order */
};

/* State lives in memory the host maps shared (and zeroed, 64-byte aligned)
 * before any fork, at the same address in every process of the trial (so it
 * may hold pointers into itself), and the same plugin serves threads and
 * processes. `shared` is one block of shared_size + ntasks * shared_per_task
 * bytes; `local` is the calling task's
 * own block of local_size bytes (NULL when local_size is 0), e.g. an MCS
 * queue node. Every op is called by the task's own thread or process. */
struct cl_sync_ops {
	uint32_t flags;       /* CL_SYNC_* */
	size_t   shared_size; /* bytes of state shared by every task        */
	size_t   local_size;  /* bytes of per-task state, may be 0          */
	size_t   shared_per_task; /* more shared bytes per task, appended to
				   * the shared block without padding (an array
				   * lock's slots: shared_size + i * this); may be 0 */
	/* 0, or a negative errno after cl_trial_fail() (e.g. init of a
	 * process-shared mutex failed). Called once before any task starts. */
	int  (*init)(void *shared, const struct cl_sync_setup *setup);
	/* Called once after every task finished; may be NULL. */
	void (*destroy)(void *shared);
	/* Enter and leave the critical section around one read-modify-write of
	 * the counter. Both may be NULL only when `add` is set. */
	void (*lock)(void *shared, void *local);
	void (*unlock)(void *shared, void *local);
	/* Optional: apply n increments to *counter, each one its own update: n
	 * atomic adds of 1, never one add of n, since the lab measures what each
	 * costs. A plugin without lock/unlock (atomic adds, a private shard) is
	 * called once per increment when there is work inside or outside (that
	 * work then runs before it), else once for the whole step. A plugin
	 * with lock/unlock may set it too, for the plain step only (no work
	 * inside or outside): then each of the n increments must take and leave
	 * its lock, as the runtime's loop would, only without the calls between. */
	void (*add)(void *shared, void *local, uint64_t *counter, uint64_t n);
	/* Optional: a task has finished an increment step; publish what `add`
	 * kept privately (a shard) into *counter. Called by the task after each
	 * increment step, concurrently with other tasks' flushes. */
	void (*flush)(void *shared, void *local, uint64_t *counter);
};

/* ---- the descriptor ---------------------------------------------------- */

/* What a plugin's `check` is shown of one cell of an experiment. */
struct cl_check_args {
	uint32_t       size;   /* sizeof(struct cl_check_args) of the host: fields
				* are only appended, read none past it       */
	uint64_t       ntasks; /* tasks in the cell's workload                 */
	const int64_t *params; /* this plugin's parameters, declaration order  */
};

struct cl_plugin {
	uint32_t abi;  /* CL_ABI_VERSION the plugin was built against */
	uint32_t size; /* sizeof(struct cl_plugin) at build time      */
	enum cl_plugin_kind kind;
	const char *name;        /* unique name used in configs: [a-z0-9_-]+  */
	const char *version;     /* the plugin's own version, free text       */
	const char *summary;     /* one line for `conclab plugins`            */
	const char *description; /* what it demonstrates, for `conclab info`; may be NULL */
	const struct cl_param_decl *params; /* ends with name == NULL; may be NULL */
	union {
		const struct cl_strategy_ops *strategy; /* kind == CL_PLUGIN_STRATEGY */
		const struct cl_sync_ops     *sync;     /* kind == CL_PLUGIN_SYNC     */
	} ops;
	/* Optional; appended in conclab 0.2. Check one cell before any trial
	 * runs: a limit a parameter sets, a combination the plugin cannot run.
	 * Return 0 when it can run the cell; else -1 after writing one line
	 * why into err (errlen bytes, NUL-terminated). `conclab check` and
	 * `conclab run` call it for every cell, in a child process of the
	 * host, so it must look only at its arguments. */
	int (*check)(const struct cl_check_args *cell, char *err, size_t errlen);
};

/* Declare the plugin's descriptor; the arguments are designated initializers:
 *   CL_PLUGIN(.kind = CL_PLUGIN_SYNC, .name = "mutex", ..., .ops.sync = &ops);
 */
#define CL_PLUGIN(...)                                                    \
	__attribute__((visibility("default")))                           \
	const struct cl_plugin cl_plugin_entry = {                        \
		.abi = CL_ABI_VERSION, .size = sizeof(struct cl_plugin), \
		__VA_ARGS__                                               \
	}

#ifdef __cplusplus
}
#endif
#endif /* CONCLAB_PLUGIN_H */
