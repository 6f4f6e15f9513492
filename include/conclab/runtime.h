/* conclab runtime: the host services a plugin calls while a trial runs.
 * They live in libconclab.so, which the host loads before any plugin; a
 * plugin may link it (-lconclab) or leave the symbols to be resolved at load.
 * Part of the plugin ABI: see the versioning policy in conclab/plugin.h.
 */
#ifndef CONCLAB_RUNTIME_H
#define CONCLAB_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cl_trial; /* one trial: its tasks, shared counter and sync state */
struct cl_task;  /* one task: a resumable interpreter over the step list  */

/* ---- the trial ---------------------------------------------------------- */

/* Number of tasks in the trial (at least 1). */
size_t cl_trial_ntasks(const struct cl_trial *trial);

/* Task i, 0 <= i < cl_trial_ntasks(). Task memory is shared between the
 * trial's processes, so a forked child may run any task it is given. */
struct cl_task *cl_trial_task(struct cl_trial *trial, size_t i);

/* Hand out the tasks one by one to any number of workers, threads or forked
 * processes alike (an atomic cursor in shared memory): returns the next task
 * nobody has claimed yet, or NULL when every task was claimed. */
struct cl_task *cl_trial_claim(struct cl_trial *trial);

/* The start barrier. A strategy that runs tasks concurrently arms it with
 * the number of workers it will start, and each worker waits on it before
 * its first task, so tasks really start together (without it, a 1M-increment
 * race can finish before the second worker exists and show no race).
 * Works across threads and forked processes. With more parties than online
 * CPUs the workers cannot run together anyway, and the barrier starts open.
 *   arm:    before starting any worker; parties >= 1.
 *   wait:   returns 0 once `parties` workers arrived, or -ECANCELED when the
 *           strategy cancelled the start; the worker must then run nothing.
 *   cancel: a worker could not be started; releases everyone waiting. */
void cl_trial_barrier_arm(struct cl_trial *trial, unsigned parties);
int  cl_trial_barrier_wait(struct cl_trial *trial);
void cl_trial_barrier_cancel(struct cl_trial *trial);

/* (1.2) Pin the calling thread to the CPU the trial's placement gives
 * worker `worker` (0, 1, ... in the order the strategy starts them; a
 * placement shorter than the workers wraps round). Call it in each worker,
 * before its first task. Returns 0 (also when the config set no
 * placement), or -errno after cl_trial_fail when the CPU cannot be had
 * (the start barrier is then cancelled: the worker must run nothing). A
 * strategy that calls it declares CL_STRATEGY_PLACES. */
int cl_trial_place(struct cl_trial *trial, unsigned worker);

/* Record why the trial failed (printf-style, first call wins) and return
 * -err, so a strategy can write `return cl_trial_fail(t, errno, "...")`.
 * The message is shown in the results as the trial's error. */
int cl_trial_fail(struct cl_trial *trial, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- tasks -------------------------------------------------------------- */

enum cl_step {
	CL_STEP_DONE = 0, /* the task finished every step of every loop     */
	CL_STEP_WAIT = 1, /* the task waits: resume it once *wait is satisfied */
	CL_STEP_IO   = 2, /* (1.1) cl_task_step_io only: the task wants the
			   * operation in *io done; step it again once
			   * cl_task_io_done has given its result          */
};

/* What a waiting task waits for: a deadline, or (1.1) a descriptor.
 * A strategy sees descriptor waits only when it declares that it reads them
 * (CL_STRATEGY_FD_WAITS in conclab/plugin.h); for any other, the runtime does
 * a task's I/O itself, blocking inside cl_task_step, and every wait it
 * returns is a timed one with fd == -1, as in ABI 1.0. */
struct cl_wait {
	int64_t  until_ns; /* CLOCK_MONOTONIC deadline, in nanoseconds;
			    * INT64_MAX: none (the wait is for fd)       */
	int      fd;       /* -1: no descriptor to wait for            */
	uint32_t events;   /* with fd: CL_WAIT_READ and/or CL_WAIT_WRITE */
};
#define CL_WAIT_READ  (1u << 0) /* (1.1) fd readable: EPOLLIN, POLLIN   */
#define CL_WAIT_WRITE (1u << 1) /* (1.1) fd writable: EPOLLOUT, POLLOUT */

/* Run the task until it must wait or is done. CPU work (compute, increment)
 * runs inline; a sleep returns CL_STEP_WAIT with its deadline in *wait, and
 * the next call resumes after it (a call before the deadline just returns the
 * same wait again). This is what lets an event loop drive thousands of tasks
 * from one thread. A task must be stepped by one worker at a time. */
enum cl_step cl_task_step(struct cl_task *task, struct cl_wait *wait);

/* (1.1) Completion-based I/O, for a strategy that declares
 * CL_STRATEGY_COMPLETIONS (conclab/plugin.h) and performs the operations
 * itself (io_uring): cl_task_step_io steps the task like cl_task_step, and
 * where the task needs I/O it returns CL_STEP_IO with the operation in *io,
 * which the strategy performs (submits), then reports with cl_task_io_done
 * and steps the task again. A task has at most one operation outstanding. */
enum cl_io_op {
	CL_IO_CONNECT = 1, /* connect(fd, addr, addrlen)                     */
	CL_IO_SEND,        /* send(fd, buf, len, MSG_NOSIGNAL)               */
	CL_IO_RECV,        /* recv(fd, <a buffer of the strategy's>, len)     */
	CL_IO_READ,        /* pread(fd, <a buffer of the strategy's>, len, offset) */
	CL_IO_WRITE,       /* pwrite(fd, buf, len, offset)                   */
	CL_IO_FSYNC,       /* fsync(fd)                                      */
};

struct cl_io {
	uint32_t    op;      /* enum cl_io_op                                      */
	int         fd;
	const void *buf;     /* SEND, WRITE: the bytes, valid until cl_task_io_done */
	size_t      len;     /* SEND, WRITE: how many; RECV, READ: at most this many */
	int64_t     offset;  /* READ, WRITE: where in the file                     */
	const void *addr;    /* CONNECT: a struct sockaddr, valid until done        */
	uint32_t    addrlen;
};

enum cl_step cl_task_step_io(struct cl_task *task, struct cl_wait *wait, struct cl_io *io);

/* The operation's result as the system call would return it: bytes moved,
 * 0, or -errno. For RECV and READ, `data` holds the `result` bytes read; the
 * task checks them during this call, so the buffer is the strategy's again
 * once it returns. */
void cl_task_io_done(struct cl_task *task, int64_t result, const void *data);

/* Run the task to completion, blocking in clock_nanosleep for each wait
 * and in the system calls of its I/O steps. */
void cl_task_run(struct cl_task *task);

/* The task's index in the trial, 0 <= index < cl_trial_ntasks(). */
size_t cl_task_index(const struct cl_task *task);

/* CLOCK_MONOTONIC now, in nanoseconds: the clock every deadline uses. */
int64_t cl_now_ns(void);

/* ---- (1.3) tasks in other address spaces ------------------------------- */

/* For a strategy that declares CL_STRATEGY_REMOTE (conclab/plugin.h). In
 * the trial process it exports the trial; in each address space it starts
 * (an MPI rank, here or on another host, where the same conclab is
 * installed at the same path) it opens a trial of its own from those
 * bytes, runs the tasks it takes with cl_task_run, gets that trial's
 * results as bytes, and closes it; back in the trial process it imports
 * every address space's results. What the runtime does not know (which
 * task runs where, how bytes travel, how the address spaces agree that
 * all tasks are done) is the strategy's.
 *
 * The trial as bytes: returns their length, writing them to buf when len
 * covers it (call with len 0 to learn the size). */
size_t cl_trial_export(const struct cl_trial *trial, void *buf, size_t len);

/* In another address space: a trial from exported bytes, with the sync
 * loaded from the file the trial uses and initialised there (a sync's init
 * may be collective, as an MPI window's is: every address space opens, in
 * the same order). NULL with the reason in err when the bytes are not an
 * export of this runtime or the sync cannot be had. */
struct cl_trial *cl_remote_open(const void *bytes, size_t len, char *err, size_t errlen);

/* Its results, once every task of every address space has finished: the
 * records of the tasks run here, the sync's counter (CL_SYNC_REMOTE), a
 * failure cl_trial_fail recorded, and `epoch_ns`, this address space's
 * CLOCK_MONOTONIC at a moment the strategy names (its start barrier), by
 * which the importer puts the times of another host on its own clock.
 * malloc'ed (free it); its length in *len. NULL if out of memory. */
void *cl_remote_results(struct cl_trial *remote, int64_t epoch_ns, size_t *len);

/* Destroy the sync (collective again, where its init was) and free the
 * trial. */
void cl_remote_close(struct cl_trial *remote);

/* In the trial process: write one address space's results into the trial.
 * `epoch_ns` is this process's clock at the moment the results name (the
 * strategy's best knowledge); it is used only when they come from another
 * host (another kernel: another monotonic clock). `source` names the
 * address space in messages ("rank 1 on node2"). 0, or -errno after
 * cl_trial_fail: bytes that are not results of this runtime, a task out of
 * range or reported twice. A failure recorded there is failed here. */
int cl_trial_import(struct cl_trial *trial, const void *results, size_t len, int64_t epoch_ns,
		    const char *source);

/* Where the config says the trial's tasks may run, for a remote strategy
 * built against 1.3: params.NAME.hosts, a host list in mpirun's --host form
 * ("a:2,b:2"), and params.NAME.hostfile, the path of a hostfile; NULL when
 * not set. A strategy built against 1.4 or later declares such settings as
 * parameters of its own (CL_PARAM_TEXT, CL_PARAM_PATH) and reads them with
 * cl_param_text; these then return NULL. */
const char *cl_trial_hosts(const struct cl_trial *trial);
const char *cl_trial_hostfile(const struct cl_trial *trial);

/* The CLOCK_MONOTONIC time (cl_now_ns) at which the host ends the trial as
 * hung: a strategy that waits on processes it cannot see into (a launcher)
 * stops them before it and says which did not finish. */
int64_t cl_trial_deadline_ns(const struct cl_trial *trial);


/* ---- (1.5) steps run by another language's runtime --------------------- */

/* For a strategy that runs each task's steps as code of another language
 * (the py-* strategies run them as Python; a Go, Node or Java runtime would
 * do the same): instead of stepping a task with cl_task_step, it reads the
 * step list as data, runs every step itself, and hands the task's record
 * back with cl_task_finish. The host judges that record exactly as a C
 * task's: the checksum of every compute, increment and I/O step, the
 * counter, the operations, the bytes, the times.
 *
 *   wait until cl_task_due_ns(task)         // an open-loop arrival's time
 *   cl_task_begin(task);                    // start time; the task is yours
 *   for loop in 0..cl_trial_loops(): for i in 0..cl_task_nsteps(task):
 *       cl_task_step_info(task, i, &info, sizeof info) and run it:
 *         CL_STEP_KIND_SLEEP:     wait info.ns
 *         CL_STEP_KIND_COMPUTE:   x = cl_task_seed(task, i, CL_SEED_COMPUTE),
 *                                 info.count times x = x * CL_LCG_A + CL_LCG_C
 *                                 (mod 2^64); checksum += x
 *         CL_STEP_KIND_INCREMENT: info.count operations on the trial's
 *                                 counter (cl_task_sync); checksum += the
 *                                 two LCGs of its work inside and outside
 *         CL_STEP_KIND_REQUEST, _READ, _WRITE: cl_task_io; every byte checked
 *                                 or made by cl_task_io_check / _io_words
 *   cl_task_finish(task, checksum, operations);
 *
 * The word "step" below is the step's place in the task's own list, 0
 * first: tasks of different classes run different lists, and a setting
 * drawn from a distribution differs from task to task, so the list is the
 * task's, not the trial's. */

/* The compute kernel's LCG (Knuth's MMIX constants): every compute step and
 * every byte of an I/O step is made of it. */
#define CL_LCG_A 6364136223846793005ULL
#define CL_LCG_C 1442695040888963407ULL

enum cl_step_kind {
	CL_STEP_KIND_SLEEP = 1,
	CL_STEP_KIND_COMPUTE,
	CL_STEP_KIND_INCREMENT,
	CL_STEP_KIND_REQUEST,
	CL_STEP_KIND_READ,
	CL_STEP_KIND_WRITE,
};

#define CL_STEP_FSYNC     (1u << 0) /* write: fsync the file before closing it  */
#define CL_STEP_KEEPALIVE (1u << 1) /* request: reuse the task's connection     */
#define CL_STEP_WITNESS   (1u << 2) /* increment: a witnessed critical section,
				     * which only the runtime's own loop runs
				     * (conclab verify): refuse it            */

/* One step of the list. The host fills the fields of its own minor that
 * `size` covers; one not covered stays as it was. */
struct cl_step_info {
	uint32_t kind;        /* enum cl_step_kind                                 */
	uint32_t flags;       /* CL_STEP_*                                         */
	uint32_t line;        /* the config line that wrote it, for messages       */
	uint32_t read_pct;    /* increment: this share of operations only read     */
	int64_t  ns;          /* sleep: how long; request: the server's delay;
			       * increment: a window of this length instead of
			       * `count` operations (0: count)                     */
	uint64_t count;       /* compute: iterations; increment: operations        */
	uint64_t inside;      /* increment: LCG iterations under the lock, each op */
	uint64_t outside;     /* increment: LCG iterations before it, each op      */
	uint64_t bytes;       /* request: the body's size; read, write: the file's */
	uint64_t block;       /* read, write: bytes per call                       */
	uint32_t id;          /* its place in the config's whole list ("step id+1"
			       * of messages)                                      */
};

/* How many steps the task runs each loop. */
size_t   cl_task_nsteps(const struct cl_task *task);
/* How many times the step list runs. */
uint64_t cl_trial_loops(const struct cl_trial *trial);
/* The task's step i, 0 <= i < cl_task_nsteps(), as this task runs it (its
 * drawn values), into *info (call with sizeof *info). 0, or -EINVAL for an
 * i out of range. */
int cl_task_step_info(const struct cl_task *task, size_t i, struct cl_step_info *info, size_t size);
/* When the task is due (CLOCK_MONOTONIC ns, as cl_now_ns): a workload with
 * open-loop arrivals schedules each task; 0 when it is due at once.
 * cl_task_begin waits until then, blocking: a runtime with waits of its
 * own (an event loop) waits for it first. */
int64_t  cl_task_due_ns(const struct cl_task *task);

/* Where an LCG starts for a task's step: its compute, and an increment's
 * work inside the lock and outside it. */
enum cl_seed_purpose { CL_SEED_COMPUTE = 0, CL_SEED_INSIDE = 1, CL_SEED_OUTSIDE = 2 };
uint64_t cl_task_seed(const struct cl_task *task, size_t step, enum cl_seed_purpose purpose);

/* The task is the caller's until cl_task_finish: its start time is taken
 * now. A task already begun or stepped fails the trial (one worker a task). */
void cl_task_begin(struct cl_task *task);
/* Its record: the sum of what its steps added to the checksum and the
 * operations of its increment steps. It is done; its end time is now. */
void cl_task_finish(struct cl_task *task, uint64_t checksum, uint64_t operations);

/* What an increment step's operations use: the cell's sync, its state and
 * the task's own block, and the trial's counter. One write operation is
 *   ops->lock(shared, local); v = *counter; *counter = v + 1; ops->unlock(...)
 * or, for a sync without lock, ops->add(shared, local, counter, 1); a read
 * takes read_lock/read_unlock where the sync has them (else lock/unlock, or
 * an atomic load for a sync with add only). After every increment step,
 * ops->flush(shared, local, counter) where the sync has one. A runtime that
 * must not wait holding its own lock (an interpreter's) tries `trylock`
 * first where the sync has one, and calls lock with that lock released.
 * The counter pointer is NULL for a CL_SYNC_REMOTE sync. */
struct cl_task_sync {
	const struct cl_sync_ops *ops;
	void                     *shared;
	void                     *local;
	volatile uint64_t        *counter;
};
/* 0, or -EINVAL (size too small). */
int cl_task_sync(struct cl_task *task, struct cl_task_sync *sync, size_t size);

/* An increment step with info.ns (a window): call with the step's
 * operations so far, 0 the first time (which opens the trial's window, if
 * no task did), and then every few dozen microseconds of operations. true
 * while the window is open; once false, the step is over (its operations
 * count in cl_task_finish's). */
bool cl_task_window(struct cl_task *task, uint64_t operations);

/* An I/O step's particulars. request: connect to host:port, send
 * "GET <path> HTTP/1.1" with "Host: <host_header>" (and "Connection:
 * close" without CL_STEP_KEEPALIVE), read the body of `bytes` bytes. read:
 * the file `path` the host wrote, `bytes` long, in calls of `block` bytes;
 * write: create `path` (O_CREAT|O_TRUNC, mode 0600) and write it so. */
struct cl_io_step {
	char     host[64];        /* request: a dotted IPv4 address      */
	int      port;
	char     path[512];       /* request: the request target; read,
				   * write: the file                      */
	char     host_header[192];
};
/* 0, or -EINVAL (not an I/O step, or size too small). */
int cl_task_io(struct cl_task *task, size_t step, struct cl_io_step *io, size_t size);

/* The bytes at [pos, pos + len) of the step's body or file, checked: 0
 * when they are what the server or the host wrote; -EBADMSG after
 * cl_trial_fail naming the task, the step and the byte. When they end the
 * body or file (pos + len == bytes), *sum (if not NULL) is what the step
 * adds to the task's checksum, else 0. A request to the config's own
 * `target` is not checked (its body is the service's): 0, *sum 0. */
int cl_task_io_check(struct cl_task *task, size_t step, uint64_t pos, const void *data, size_t len,
		     uint64_t *sum);
/* The bytes a write step writes at [pos, pos + len), and *sum as above. */
void cl_task_io_words(struct cl_task *task, size_t step, uint64_t pos, void *buf, size_t len,
		      uint64_t *sum);

#ifdef __cplusplus
}
#endif
#endif /* CONCLAB_RUNTIME_H */
