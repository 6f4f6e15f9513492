/* The layout of one trial's shared mapping and the calls the host makes
 * into libconclab to map, run and unmap it. Private to libconclab and the
 * host (exported under the CONCLAB_PRIVATE version node, never to plugins,
 * which see only the opaque types of include/conclab/runtime.h). */
#ifndef CLRT_TRIAL_MAP_H
#define CLRT_TRIAL_MAP_H

/* libconclab is built with hidden visibility: what these headers declare
 * is what it exports (libconclab.map says under which version node). */
#pragma GCC visibility push(default)
#include <conclab/plugin.h>
#pragma GCC visibility pop
#include <stdalign.h>
#include <stdatomic.h>

#include "workload.h"

/* One task's interpreter state and its record, in shared memory. 88 bytes
 * (48 before I/O steps): the async strategy keeps a million of these. */
struct cl_task {
	uint32_t index;
	uint32_t loop;     /* loops completed                         */
	uint16_t step;     /* next step in the current loop           */
	uint8_t  sleeping; /* the current sleep step has its deadline */
	uint8_t  done;
	int32_t  cpu;      /* the CPU it ended on, + 1; 0: unknown     */
	int64_t  deadline_ns;
	int64_t  start_ns; /* first step began                        */
	int64_t  end_ns;   /* last step ended                         */
	uint64_t checksum; /* sum of every compute result             */
	uint64_t ops;      /* operations of its increment steps, reads
			    * and writes, counted or timed alike      */
	/* an I/O step in flight (io.c): the task's socket or file, in the
	 * process that steps it, and how far the step has come */
	int32_t  fd;       /* the descriptor + 1; 0: none             */
	uint8_t  io_phase;
	uint8_t  io_blocking; /* the socket is in blocking mode       */
	uint8_t  busy;     /* a worker is in it (task.c): one at a time */
	uint8_t  _pad2;
	uint64_t io_pos;   /* bytes of the phase done                 */
	uint64_t io_word;  /* the body's next expected 8 bytes        */
	uint64_t io_local; /* struct io_local * (io.c), of the process
			    * that steps the task; 0 until its first I/O */
};

struct clrt_barrier {
	_Atomic uint32_t arrived;
	_Atomic uint32_t state; /* 0 closed, 1 open, 2 cancelled */
	_Atomic uint32_t running; /* released parties that are on a CPU again */
	uint32_t         parties;
};

/* The head of a trial's shared mapping; the tasks, the sync plugin's shared
 * block and its per-task blocks follow it. The host fills the read-only part
 * before it forks the trial process. */
struct cl_trial {
	/* read-only once the trial runs */
	const struct cl_workload *workload;
	const struct clw_trial_env *env;   /* what the host set for this trial */
	const struct cl_sync_ops *sync;
	void                     *sync_shared;
	char                     *sync_locals;
	size_t                    local_stride;
	size_t                    ntasks;
	size_t                    map_size;

	alignas(64) volatile uint64_t counter;    /* alone on its cache line, */
	volatile uint64_t witness;  /* but for the second word of a witnessed
				     * critical section (cl_step_spec.witness) */
	alignas(64) _Atomic uint64_t claim_cursor;
	alignas(64) struct clrt_barrier barrier;
	alignas(64) _Atomic int failed;           /* cl_trial_fail was called */
	_Atomic uint64_t torn;  /* witnessed operations that found the
				 * critical section's two words apart       */
	/* Witnessed writes in the order they asked (a ticket taken just before
	 * lock): a turn whose ticket is below the highest already served was
	 * overtaken by a task that asked after it (verify's FIFO). */
	_Atomic uint64_t arrivals;
	volatile uint64_t highest_served; /* under the lock */
	_Atomic uint64_t overtaken;
	int     io_mode;   /* CLRT_IO_*: how the strategy takes I/O    */
	int     finished;                          /* the strategy returned    */
	int     rc;                                /* what it returned         */
	int     counter_imported; /* a remote address space gave the counter */
	int64_t run_start_ns, run_end_ns;
	int64_t run_user_ns, run_sys_ns;  /* CPU inside [run_start, run_end]:
					   * the trial process and its children */
	char    message[512];

	/* A duration step (at most one per workload, run once): its window
	 * opens when the first task enters it and ends duration_ns later;
	 * window_end is the last task's leaving. Each task publishes its
	 * running count in a slot of its own (one cache line each: counting
	 * shares no line), and whichever task sees a sample due records the
	 * sum of the slots. Slots and samples follow the tasks; NULL unless
	 * the workload has a duration step (samples: unless it samples). */
	alignas(64) _Atomic int64_t window_start;
	_Atomic int64_t  window_end;
	_Atomic int64_t  next_sample; /* the window's time of the next sample */
	_Atomic uint32_t nsamples;
	struct clrt_slot   *slots;
	struct clrt_sample *samples;   /* CL_MAX_SAMPLES of them           */
	/* Open-loop arrivals: when each task is due, ns after run_start_ns
	 * (clw_arrival_offsets); NULL without. The runtime's schedule: the
	 * host judges by its own copy. */
	int64_t            *due;
	/* The schedule's time zero: the first time a task asks whether it is
	 * due, so a strategy's own start (an interpreter's, a pool's) is not
	 * taken for the first tasks' queueing. The host reads it within the
	 * run's interval, else takes the run's start. */
	_Atomic int64_t     schedule_ns;

	alignas(64) struct cl_task tasks[];
};

struct clrt_slot {
	alignas(64) _Atomic uint64_t ops;
	/* its first operation: asked for (before the lock) and done (after
	 * the unlock), cl_now_ns; 0 until then. How long a waiter waited for
	 * its first turn (conclab verify's progress). */
	int64_t first_try_ns, first_got_ns;
};

struct clrt_sample {
	int64_t  t_ns; /* since the window opened */
	uint64_t ops;  /* every task's count then (each up to one chunk behind) */
};

#pragma GCC visibility push(default)
/* Map a zeroed trial for `workload` and `sync`, laid out as above, its size
 * in *map_size; NULL with errno set on failure. Free with clrt_trial_unmap. */
struct cl_trial *clrt_trial_map(const struct cl_workload *workload, const struct clw_trial_env *env,
				const struct cl_sync_ops *sync, size_t *map_size);
/* The size is the host's own (from clrt_trial_map), never the header's: a
 * trial can write its header. */
void clrt_trial_unmap(struct cl_trial *trial, size_t map_size);

/* The trial itself, in the trial's process: number the tasks, init the
 * sync, run the strategy between the two timestamps, destroy the sync,
 * and mark the trial finished with the strategy's return code. */
void clrt_trial_run(struct cl_trial *t, const struct cl_plugin *strategy,
		    const int64_t *strategy_params, const struct cl_plugin *sync,
		    const int64_t *sync_params);
#pragma GCC visibility pop

#endif
