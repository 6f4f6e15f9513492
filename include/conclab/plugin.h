/* conclab plugin ABI: the whole contract between the host and a plugin .so.
 *
 * A plugin is a shared object that exports one `struct cl_plugin` named
 * `cl_plugin_entry` (write it with CL_PLUGIN). conclab dlopen()s the file in
 * a child process (never in the host itself: a probe first, then each trial
 * and the child that runs checks), looks that symbol up, and checks `abi`
 * and `size` before it reads anything else. Everything not declared in
 * include/conclab/ is private to the host.
 *
 * Versioning policy: MAJOR.MINOR, as GStreamer and SQLite's VFS do it.
 *   - A minor version only appends: fields at the end of a struct, new ops
 *     at the end of an ops table, new flags, new functions in runtime.h.
 *     Nothing changes place, type or meaning. A host of minor M loads every
 *     plugin of the same major built against minor 0..M: it reads a field
 *     of a plugin's struct only when the size the plugin recorded covers it
 *     (the descriptor's `size`, the ops table's `strategy_ops_size` /
 *     `sync_ops_size`), and treats what is not covered as absent (NULL, 0).
 *   - A plugin built against a newer minor than the host's is refused, with
 *     a message naming its file and both versions: it may rely on what the
 *     host does not have (a field of cl_sync_setup, a runtime function).
 *   - A change of place, type or meaning bumps the major version; the host
 *     refuses a plugin of another major with a message naming its file,
 *     both versions, and what to do (rebuild it against this conclab's
 *     headers: pkg-config --cflags conclab).
 *   - tests/abi/ keeps a frozen copy of the headers of every released minor;
 *     the loader suite builds a plugin against each and runs it.
 *   - One marker, here and in runtime.h: a declaration whose comment opens
 *     with "(1.N)" is part of the ABI from minor N on; one without is 1.0's.
 *   - What the host passes a plugin (cl_sync_setup, cl_check_args) is read
 *     by the plugin only up to the minor it was built against, which the
 *     host never exceeds; so no struct needs a size of its own.
 *     cl_check_args' `size` is 1.0's, kept because it is there.
 *
 * ABI history
 *   1.0  descriptor, int/bool parameters, strategy and sync ops; `check`
 *        was appended to the descriptor within 1.0 (read only when `size`
 *        covers it).
 *        A sync with lock/unlock may also set `add`, which the runtime then
 *        uses for the plain increment step only.
 *   1.1  the descriptor records `abi_minor` and the size of each ops table
 *        (`strategy_ops_size`, `sync_ops_size`); cl_sync_setup gains `trial`,
 *        so a sync's init can say in words why it failed (cl_trial_fail);
 *        CL_PARAMS_CHECK names parameters instead of counting positions;
 *        I/O steps: CL_STRATEGY_FD_WAITS, and struct cl_wait's fd and events
 *        (CL_WAIT_READ, CL_WAIT_WRITE) for the strategies that set it;
 *        CL_STRATEGY_COMPLETIONS, cl_task_step_io, struct cl_io and
 *        cl_task_io_done for strategies that perform the I/O themselves.
 *   1.2  the lock lab: CL_STRATEGY_PLACES and cl_trial_place (a strategy pins
 *        its workers where the config's placement says); the sync ops table
 *        appends read_lock and read_unlock (the shared side of a
 *        reader-writer lock, for workloads with reads).
 *   1.3  past one machine: CL_STRATEGY_REMOTE (tasks run in address spaces
 *        the strategy starts elsewhere: MPI ranks, other hosts), with
 *        cl_trial_export, cl_remote_open, cl_remote_results, cl_remote_close
 *        and cl_trial_import to send a trial there and bring its records
 *        back, and cl_trial_hosts, cl_trial_hostfile, cl_trial_deadline_ns;
 *        CL_SYNC_REMOTE (the counter lives in the sync: an MPI window) and
 *        the sync op `counter` that reads it back.
 *   1.4  parameters of text: CL_PARAM_TEXT (a string) and CL_PARAM_PATH (a
 *        file, resolved by the host), read with cl_param_text; a remote
 *        strategy's hosts and hostfile are its own parameters of these
 *        types (cl_trial_hosts and cl_trial_hostfile serve 1.3 ones);
 *        CL_SYNC_FIFO, a lock that serves waiters in order.
 *   1.5  steps run by another language's runtime (runtime.h): each task's
 *        step list as data (cl_task_nsteps, cl_trial_loops,
 *        cl_task_step_info, cl_task_seed, CL_LCG_A/C, cl_task_due_ns), a
 *        task's record handed back
 *        (cl_task_begin, cl_task_finish), its increments (cl_task_sync,
 *        cl_task_window) and I/O (cl_task_io, cl_task_io_check,
 *        cl_task_io_words); the sync op `trylock`, so an interpreter waits
 *        for a lock only with its own lock released; the descriptor's
 *        `runtime`, what a plugin runs its tasks in, for the results.
 *   (A plugin whose descriptor has no `abi_minor` is 1.0.)
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

#define CL_ABI_MAJOR 1u
#define CL_ABI_MINOR 5u
/* The major version, under its name of ABI 1.0 (a plugin's `abi` field). */
#define CL_ABI_VERSION CL_ABI_MAJOR

/* The symbol every plugin exports; the loader looks up exactly this name. */
#define CL_PLUGIN_SYMBOL "cl_plugin_entry"

enum cl_plugin_kind {
	CL_PLUGIN_STRATEGY = 1, /* decides where and when tasks run          */
	CL_PLUGIN_SYNC     = 2, /* protects the shared counter of increments */
};

enum cl_param_type {
	CL_PARAM_INT  = 1, /* 64-bit signed integer, checked against [min, max] */
	CL_PARAM_BOOL = 2, /* true / false in configs; 1 / 0 in the value array */
	/* (1.4) A string in quotes of at most `max` bytes (1 to 4096; `def` and
	 * `min` 0: the default is ""), never swept. Read it with
	 * cl_param_text; it lives as long as the trial or the check. Not for a
	 * CL_SYNC_REMOTE sync (its parameters travel to other hosts as numbers). */
	CL_PARAM_TEXT = 3,
	/* (1.4) A file's path, as CL_PARAM_TEXT: the host resolves a relative
	 * path from the config's folder, requires a regular file it can read,
	 * and hands the plugin its absolute path ("" when not given). */
	CL_PARAM_PATH = 4,
};

/* One parameter a plugin accepts, like a kernel module_param. The host reads
 * the value from the experiment config (or takes `def`), checks its type and
 * range, and hands the plugin an array of int64_t in declaration order.
 * Name the positions rather than count them (ABI 1.1):
 *
 *   enum { P_WORKERS, P_SPIN, P_COUNT };
 *   static const struct cl_param_decl my_params[] = {
 *       [P_WORKERS] = { "workers", CL_PARAM_INT, 0, 0, 4096, "pool size" },
 *       [P_SPIN]    = { "spin", CL_PARAM_BOOL, 1, 0, 1, "spin first" },
 *       [P_COUNT]   = { 0 },
 *   };
 *   CL_PARAMS_CHECK(my_params, P_COUNT);
 *   ... params[P_WORKERS] in run() ...
 */
struct cl_param_decl {
	const char        *name; /* config key; NULL ends the array           */
	enum cl_param_type type;
	int64_t            def;  /* default value                             */
	int64_t            min;  /* smallest accepted value (ignored for bool) */
	int64_t            max;  /* largest accepted value (ignored for bool)  */
	const char        *help; /* one line shown by `conclab info`          */
};

/* (1.4) The text of parameter i (CL_PARAM_TEXT or CL_PARAM_PATH): the value
 * array holds a pointer to it. Never NULL; "" when the config gave none. */
static inline const char *cl_param_text(const int64_t *params, size_t i)
{
	return (const char *)(intptr_t)params[i];
}

/* Fails the build unless `decls` has exactly `count` parameters and its
 * terminating entry: an enum of names and the array cannot drift apart. */
#define CL_PARAMS_CHECK(decls, count)                                        \
	_Static_assert(sizeof(decls) / sizeof((decls)[0]) == (size_t)(count) + 1 && \
		       sizeof(decls) / sizeof((decls)[0]) > 0,                 \
		       #decls " must hold " #count " parameters and the terminator")

/* ---- strategies ------------------------------------------------------- */

/* The strategy runs its tasks in processes it forks, so every sync plugin's
 * state must work across processes (the host tells the sync `pshared`). */
#define CL_STRATEGY_FORKS (1u << 0)
/* (1.1) The strategy reads descriptor waits from cl_task_step (struct
 * cl_wait's fd and events) and waits for them (epoll, io_uring, libuv...):
 * I/O steps then return CL_STEP_WAIT with a non-blocking socket instead of
 * blocking inside the step. */
#define CL_STRATEGY_FD_WAITS (1u << 1)
/* (1.1) The strategy performs tasks' I/O itself: it steps them with
 * cl_task_step_io and does the operations they hand it (io_uring), then
 * reports each with cl_task_io_done. Timed waits still come as CL_STEP_WAIT. */
#define CL_STRATEGY_COMPLETIONS (1u << 2)
/* (1.2) The strategy calls cl_trial_place (conclab/runtime.h) in each worker
 * before its first task, so a config may set params.NAME.placement for it
 * (none, compact, scatter or a CPU list). The host refuses a placement for
 * a strategy without this flag. */
#define CL_STRATEGY_PLACES (1u << 3)
/* (1.3) The strategy runs the tasks in address spaces it does not fork and
 * that may be on other hosts (MPI ranks started by mpirun): it sends the
 * trial there (cl_trial_export, cl_remote_open), runs the tasks with the
 * runtime of that address space, and brings every task's record back
 * (cl_remote_results, cl_trial_import), so the host judges them as it
 * judges any trial's. Counters in this trial's memory cannot be shared
 * there, so the host pairs it only with CL_SYNC_REMOTE syncs. */
#define CL_STRATEGY_REMOTE (1u << 4)

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
/* (1.3) The sync keeps the counter itself, where every address space of a
 * CL_STRATEGY_REMOTE strategy reaches it (an MPI window on rank 0): it must
 * set `add` (which ignores the counter pointer it is given) and `counter`.
 * Its init, destroy, add and counter run only in those address spaces,
 * never in the trial process; the host pairs it only with such strategies. */
#define CL_SYNC_REMOTE       (1u << 2)
/* (1.4) The lock serves waiters in the order they came (a ticket or a
 * queue): `conclab verify` then judges its fairness, which it only reports
 * for others. */
#define CL_SYNC_FIFO         (1u << 3)

/* What the host tells a sync plugin's init. The host fills every field
 * of its own minor version; a plugin reads only those of the minor it was
 * built against, which the host never exceeds (see the policy above). */
struct cl_sync_setup {
	uint32_t       ntasks;  /* tasks that may take the lock            */
	bool           pshared; /* tasks run in separate processes        */
	const int64_t *params;  /* declared parameters, declaration order */
	/* (1.1) The trial, to say why init failed:
	 *   return cl_trial_fail(setup->trial, errno, "pthread_mutex_init: ..."); */
	struct cl_trial *trial;
};

/* State lives in memory the host maps shared (and zeroed, 64-byte aligned)
 * before any fork, at the same address in every process of the trial (so it
 * may hold pointers into itself), and the same plugin serves threads and
 * processes. `shared` is one block of shared_size + ntasks * shared_per_task
 * bytes; `local` is the calling task's
 * own block of local_size bytes (NULL when local_size is 0), e.g. an MCS
 * queue node. Every op is called by the task's own thread or process.
 *
 * The contract (docs/writing-a-plugin.md; `conclab verify` checks it):
 *   - lock is an acquire and unlock a release: every write a holder made in
 *     the critical section is visible to the next holder when its lock
 *     returns, in every thread and process; read_lock / read_unlock the same
 *     for readers, and no writer is inside with a reader;
 *   - one task at a time between lock and unlock, across processes when
 *     setup->pshared (state outside `shared` and `local` is per process);
 *   - `local` is zeroed before the trial, 64-byte aligned, the same block on
 *     every call by its task, untouched by the runtime;
 *   - parameters reach init only (keep what lock needs in `shared`);
 *   - lock and unlock cannot fail: a broken state is said with cl_trial_fail
 *     (on the trial init was given) and the op still returns as a lock's;
 *   - no task calls lock holding the lock, or unlock without it. */
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
	/* (1.2) Optional, both or neither: the shared side of a reader-writer
	 * lock, taken around each read of the counter when an increment step
	 * has reads (read_pct). Without them a read takes lock/unlock, as
	 * writes do; a sync with `add` only reads the counter with an atomic
	 * load. */
	void (*read_lock)(void *shared, void *local);
	void (*read_unlock)(void *shared, void *local);
	/* (1.3) CL_SYNC_REMOTE only: the counter's value as it stands, read by
	 * the runtime in each remote address space after every task of every
	 * one of them has finished (the strategy waits for that). */
	uint64_t (*counter)(void *shared);
	/* (1.5) Optional: take the lock only if nobody holds it, without
	 * waiting; true when taken (then unlock it as any lock). May fail
	 * spuriously, never succeed wrongly. A runtime with a lock of its own
	 * (CPython's GIL) tries this first and waits in `lock` only with its
	 * lock released, as threading.Lock does; without it, it releases its
	 * lock for every operation. */
	bool (*trylock)(void *shared, void *local);
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
	uint32_t abi;  /* CL_ABI_MAJOR the plugin was built against  */
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
	/* (1.0, appended: read only when `size` covers it) Optional. Check
	 * one cell before any trial runs: a limit a parameter sets, a
	 * combination the plugin cannot run.
	 * Return 0 when it can run the cell; else -1 after writing one line
	 * why into err (errlen bytes, NUL-terminated). `conclab check` and
	 * `conclab run` call it for every cell, in a child process of the
	 * host, so it must look only at its arguments. */
	int (*check)(const struct cl_check_args *cell, char *err, size_t errlen);
	/* (1.1) The minor version the plugin was built against, and the size
	 * of each ops table at build time (only the one of `kind` is read): an
	 * ops table gains ops at its end, and the host calls none past it. */
	uint32_t abi_minor;
	uint32_t strategy_ops_size;
	uint32_t sync_ops_size;
	/* (1.5) Optional: what the plugin runs tasks in, when it is not this
	 * C runtime ("CPython 3.11.2 (main, ...) [GCC 12.2.0]; GIL enabled"):
	 * one line, at most 255 bytes, recorded in the results' environment
	 * with the plugin and shown by `conclab info`. Called in the probe's
	 * child process, so it may load what it names but must return within
	 * a second. */
	const char *(*runtime)(void);
};

/* Declare the plugin's descriptor; the arguments are designated initializers:
 *   CL_PLUGIN(.kind = CL_PLUGIN_SYNC, .name = "mutex", ..., .ops.sync = &ops);
 */
#define CL_PLUGIN(...)                                                    \
	__attribute__((visibility("default")))                           \
	const struct cl_plugin cl_plugin_entry = {                        \
		.abi = CL_ABI_MAJOR, .size = sizeof(struct cl_plugin),   \
		.abi_minor = CL_ABI_MINOR,                                \
		.strategy_ops_size = sizeof(struct cl_strategy_ops),      \
		.sync_ops_size = sizeof(struct cl_sync_ops),              \
		__VA_ARGS__                                               \
	}

#ifdef __cplusplus
}
#endif
#endif /* CONCLAB_PLUGIN_H */
