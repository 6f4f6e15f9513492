/* Experiment configs (libconfig): what an experiment file says, checked
 * against the plugins it names, and expanded into the matrix of cells. */
#ifndef CLH_CONFIG_H
#define CLH_CONFIG_H

#include "loader.h"
#include "placement.h"
#include "workload.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CL_MAX_PARAMS    33 /* a plugin's 32 and the placement */
#define CL_PLACEMENT_PARAM 32 /* strategy_params[]: the placement's code (placement.h) */
#define CL_MAX_PLUGINS   32
#define CL_MAX_KNOBS     32
#define CL_MAX_CELLS     10000
#define CL_MAX_TASKS     10000000
#define CL_MAX_TRIALS    100000
#define CL_MAX_WORKLOADS 16
_Static_assert(CL_MAX_SYNC_PARAMS <= CL_MAX_PARAMS, "a trial carries every sync parameter");

struct cl_plugin_use {
	const struct cl_loaded_plugin *plugin;
	int64_t params[CL_MAX_PARAMS]; /* values in declaration order: a
					* text parameter's is its text's address */
	char   *texts[CL_MAX_PARAMS];  /* text parameters given (owned); NULL: "" */
	int     line;                  /* where the config names it   */
	/* a 1.3 remote strategy's params.NAME.hosts and .hostfile (the
	 * hostfile's path resolved from the config's folder); empty: none */
	char    hosts[256];
	char    hostfile[512];
};

/* A setting given as an array of numbers: the matrix sweeps it. It writes
 * either an int64_t of the workload (at `offset`) or a plugin parameter. */
struct cl_knob {
	char     name[96];   /* as the table shows it: "tasks", "threads.workers" */
	int      line;
	const struct cl_loaded_plugin *plugin; /* NULL: a workload number */
	size_t   workload;   /* workload: which one                             */
	size_t   offset;     /* workload: byte offset in struct cl_workload      */
	size_t   param;      /* plugin: index of the declared parameter          */
	size_t   nvalues;
	int64_t *values;     /* already scaled (ms become ns)                    */
	char   **labels;     /* each value as the user wrote it, for the table   */
};

/* One workload of the experiment; a config gives one (`workload`) or a
 * named list (`workloads`), each crossed with its own choice of plugins. */
struct cl_workload_def {
	char               name[64];   /* "" for the single `workload` */
	struct cl_workload w;          /* with the first value of every sweep */
	uint32_t           strategies; /* bit i: crossed with strategies[i] */
	uint32_t           syncs;      /* bit i: crossed with syncs[i]      */
	int                line;
	char               baseline[128]; /* its own `baseline`; "": the config's */
	int                baseline_line;
};

/* What one trial may use, all its processes together; 0: no limit. A trial
 * past one is stopped and reported as an error naming the limit. */
struct cl_limits {
	int64_t memory_mb; /* resident memory, the sum over its processes     */
	int64_t processes; /* tasks at once, processes and threads together,
			    * as the kernel's pids controller counts them    */
	int64_t output_mb; /* what it writes to stdout and stderr in all      */
};

#define CL_DEFAULT_OUTPUT_MB 64

struct cl_experiment {
	char   *path;
	char   *name;
	char   *description;
	char   *text;        /* the whole config file, recorded in results */
	int64_t repeat;
	int64_t warmup;
	int64_t timeout_ms;  /* per trial */
	struct cl_limits limits;
	char   *baseline;    /* cell that speedups are against; NULL: the first */
	int     baseline_line;
	struct cl_workload_def workloads[CL_MAX_WORKLOADS];
	size_t               nworkloads;
	struct cl_plugin_use strategies[CL_MAX_PLUGINS];
	struct cl_plugin_use syncs[CL_MAX_PLUGINS];
	size_t               nstrategies, nsyncs;
	struct cl_knob       knobs[CL_MAX_KNOBS];
	size_t               nknobs;
	char                *place_lists[CL_MAX_PLACE_LISTS]; /* CPU lists of placements */
	size_t               nplace_lists;
	char                 warnings[512]; /* said before the run, and recorded */
};

/* One cell of the matrix: a strategy, a sync and one value of every sweep
 * that applies to them. */
struct cl_cell {
	const struct cl_plugin_use *strategy;
	const struct cl_plugin_use *sync;
	const struct cl_workload_def *def;         /* the workload it runs       */
	size_t             baseline;               /* cell its speedup is against */
	int64_t            strategy_params[CL_MAX_PARAMS];
	int64_t            sync_params[CL_MAX_PARAMS];
	struct cl_workload workload;
	struct clw_placement place;                /* its strategy's workers' CPUs */
	size_t             nknobs;
	const struct cl_knob *knobs[CL_MAX_KNOBS]; /* the sweeps that apply       */
	size_t             picks[CL_MAX_KNOBS];    /* which value of each         */
	char               label[256];             /* "io: threads+mutex tasks=4" */
};

/* A key of a workload step: one row per key (config_steps.c), from which
 * steps are read and checked, recorded in results and listed by `conclab
 * help steps`. */
enum cl_step_record {
	CL_RECORD_NEVER,   /* not in a results file's spec                   */
	CL_RECORD_ALWAYS,  /* always (0 where its op has no such thing)       */
	CL_RECORD_TIMED,   /* where the step has a duration                   */
	CL_RECORD_NONZERO, /* where it is not 0                               */
};

struct cl_step_key {
	const char *name;    /* as the config writes it                        */
	size_t      offset;  /* the int64_t of struct cl_step_spec it sets      */
	int64_t     min, max;/* as written                                     */
	int64_t     scale;   /* written -> stored: ms -> ns is 1000000          */
	int64_t     def;     /* stored where its op takes it and it is not given */
	bool        is_bool; /* true / false in the config                      */
	unsigned    ops;     /* the ops it applies to: bit CL_OP_*              */
	const char *field;   /* its name in a results file's spec (NULL: `name`) */
	enum cl_step_record record;
	const char *help;
};

/* Every step key, ending with name == NULL. */
extern const struct cl_step_key cl_step_keys[];

/* The keys for a person (`conclab help steps`): each one's ops, range,
 * default and help. */
void cl_print_step_keys(FILE *out);

/* Parse and check `path`, resolving plugins through `reg`. 0 on success;
 * -1 with one message "FILE:LINE: SETTING: why" in err. Free with
 * cl_experiment_free either way. */
int cl_experiment_load(struct cl_experiment *x, const char *path, struct cl_registry *reg,
		       char *err, size_t errlen);
/* The same from the config's text (malloc'ed; the experiment owns it from
 * now on, whatever the outcome); `path` names it in messages. */
int cl_experiment_load_text(struct cl_experiment *x, const char *path, char *text,
			    struct cl_registry *reg, char *err, size_t errlen);
void cl_experiment_free(struct cl_experiment *x);

/* Every cell: workloads outermost, then strategies, syncs, sweeps in file
 * order. Each cell's baseline is the first cell of its workload, or the
 * first there that matches the config's `baseline`; where the workload is
 * swept, the baseline cell with the same swept values.
 * Returns the number of cells and a malloc'ed array in *cells, or 0 with
 * the reason in err (too many cells). */
size_t cl_matrix_expand(const struct cl_experiment *x, struct cl_cell **cells, char *err,
			size_t errlen);

/* Ask every cell's plugins whether they can run it (their optional
 * `check`), in a child process. 0, or -1 with the first refusal in err:
 * "FILE:LINE: strategy 'threads' refuses cell '...': why". */
int cl_cells_check(const struct cl_experiment *x, const struct cl_cell *cells, size_t ncells,
		   char *err, size_t errlen);

#endif
