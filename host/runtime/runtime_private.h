/* libconclab's own, between its files: the task interpreter (task.c)
 * hands I/O steps to io.c; both reach the trial's head through trial.c. */
#ifndef CLRT_RUNTIME_PRIVATE_H
#define CLRT_RUNTIME_PRIVATE_H

#include "http.h"
#include "trial_map.h"

#include <stdbool.h>

/* How a trial's strategy takes tasks' I/O: the runtime blocks in it
 * (threads, processes, and any strategy built before I/O steps), hands out
 * descriptor waits (CL_STRATEGY_FD_WAITS), or hands out the operations
 * themselves (CL_STRATEGY_COMPLETIONS). */
enum { CLRT_IO_BLOCKING, CLRT_IO_READINESS, CLRT_IO_COMPLETION };

struct cl_trial *clrt_trial_of(struct cl_task *task);

/* I/O steps (io.c): request, read, write. Step the task's step `s`: 0
 * done, 1 waiting (*wait filled with a descriptor), 2 an operation handed
 * out (*io filled: completion mode), -1 failed (cl_trial_fail was called,
 * the task ends). */
struct cl_wait;
struct cl_io;
int clrt_io_step(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		 struct cl_wait *wait, struct cl_io *io);
/* Close and free what the task holds (a keep-alive connection, a file)
 * once it is done. */
void clrt_io_task_done(struct cl_task *task);

/* One worker in a task at a time (task.c): true when the caller may step
 * it; false after failing the trial (a second worker). */
bool clrt_task_enter(struct cl_task *task);
void clrt_task_leave(struct cl_task *task);
/* The schedule's time zero (trial_map.h), set by the first caller. */
int64_t clrt_schedule(struct cl_trial *t);
/* A duration step's sample, if one is due `since_start` into the window. */
void clrt_take_sample(struct cl_trial *t, const struct cl_step_spec *s, int64_t since_start);
#endif
