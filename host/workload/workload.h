/* The workload: what every strategy is fed (the spec a config describes),
 * what the host sets for one trial beside it, and what a correct trial must
 * show for it (expected values, the words of I/O steps). One module, linked
 * by libconclab (which runs the spec), the host (which checks what ran) and
 * the server (which sends the words): the three agree because there is one
 * definition. Plugins see none of it (include/conclab/runtime.h). */
#ifndef CLW_WORKLOAD_H
#define CLW_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define CL_MAX_STEPS 64
#define CL_MAX_PLACE 1024     /* CPUs a placement may list */
#define CL_MAX_SYNC_PARAMS 32 /* a plugin's declared parameters, at most */
#define CL_MAX_SAMPLES 4096   /* samples of one duration step */

enum cl_op {
	CL_OP_SLEEP = 1, /* an I/O-style wait: the task does nothing for sleep_ns */
	CL_OP_COMPUTE,   /* deterministic integer work with a checksum          */
	CL_OP_INCREMENT, /* `times` read-modify-writes of the shared counter     */
	CL_OP_REQUEST,   /* one HTTP/1.1 request to conclab's loopback server   */
	CL_OP_READ,      /* read a file the host wrote, block by block          */
	CL_OP_WRITE,     /* write a file block by block, optionally fsync it    */
};

/* Every number is int64_t so that a sweep can overwrite any of them the same
 * way (see struct cl_knob in host/experiment/config.h). */
struct cl_step_spec {
	int64_t op;         /* enum cl_op                                    */
	int64_t sleep_ns;   /* sleep                                         */
	int64_t iterations; /* compute                                       */
	int64_t times;      /* increment: how many separate increments       */
	int64_t inside;     /* increment: compute iterations under the lock  */
	int64_t outside;    /* increment: compute iterations between two     */
	int64_t bytes;      /* request: the response body's size; read,
			     * write: the file's                              */
	int64_t block;      /* read, write: bytes per system call            */
	int64_t fsync;      /* write: 1 fsync the file before closing it     */
	int64_t delay_ns;   /* request: the server's wait before it answers  */
	int64_t keepalive;  /* request: 1 reuse the task's connection, 0 one
			     * connection per request                        */
	int64_t duration_ns;/* increment: run until the trial's window of
			     * this length ends instead of `times` (0: count) */
	int64_t sample_ns;  /* increment with duration: record the trial's
			     * total every this often (0: no samples)        */
	int64_t read_pct;   /* increment: this share of the operations only
			     * read the counter (read_lock), the rest add 1  */
	int64_t witness;    /* increment: 1 each holder of the lock checks
			     * that the critical section's two words agree,
			     * then writes both around its work inside: a
			     * second holder at once, or a holder that does
			     * not see the last one's writes, finds them
			     * apart (conclab verify)                        */
	int     line;       /* config line, for messages                     */
	int     id;         /* its place in the workload's list, 0 first: what
			     * seeds and file names are made of, and the
			     * "step N" of messages (N = id + 1)             */
};

/* A step setting drawn from a distribution per task (draw.c), written in a
 * config where its number goes: ms = { dist = "exponential"; mean = 5; }. */
enum clw_dist_kind {
	CLW_DIST_UNIFORM = 1, /* a: min, b: max, integers both ends included */
	CLW_DIST_EXPONENTIAL, /* a: mean                                       */
	CLW_DIST_LOGNORMAL,   /* a: median, b: sigma (of the log)              */
	CLW_DIST_PARETO,      /* a: min (the scale), b: alpha (the shape)      */
};

#define CLW_MAX_DRAWS 32
#define CLW_MAX_CLASSES 16

struct clw_draw {
	int32_t step;    /* the step's id                                      */
	int32_t offset;  /* the setting: its place in struct cl_step_spec     */
	int32_t kind;    /* enum clw_dist_kind                                 */
	int32_t line;    /* config line                                        */
	double  a, b;    /* the parameters, in the setting's stored unit (ns, bytes) */
	int64_t lo, hi;  /* the setting's range, to which a value is clamped  */
	int64_t scale;   /* the stored unit per config unit (1000000 for ms)   */
	char    key[16]; /* the config key ("ms", "bytes")                     */
};

/* A task class: a share of the tasks that run steps of their own. */
struct clw_class {
	char    name[32];
	int64_t weight;
	int64_t first, nsteps; /* its steps: ids first .. first + nsteps - 1 */
};

enum clw_arrival { CLW_ARRIVAL_NONE = 0, CLW_ARRIVAL_POISSON, CLW_ARRIVAL_UNIFORM };

/* The spec: the same for every trial of a cell. */
struct cl_workload {
	int64_t tasks;
	int64_t loop; /* the step list runs this many times */
	int64_t nsteps;
	struct cl_step_spec steps[CL_MAX_STEPS];
	/* the config's `target`: request steps go to the user's own service
	 * instead of conclab's server (host empty: none) */
	char    target_host[64];
	char    target_path[128];
	int64_t target_port;
	/* what is drawn per task (draw.c): the seed of every draw, each
	 * drawn setting, the task classes (0: one list, every task runs all
	 * steps), and open-loop arrivals: task i is due at its scheduled time
	 * after the run's start, `arrival_rate` tasks a second on average */
	uint64_t seed;
	int64_t  ndraws;
	struct clw_draw draws[CLW_MAX_DRAWS];
	int64_t  nclasses;
	struct clw_class classes[CLW_MAX_CLASSES];
	int64_t  arrival_process; /* enum clw_arrival */
	int64_t  arrival_rate;    /* tasks a second */
	int64_t  arrival_p99_ns;  /* the bound a knee is judged by; 0: none */
	int      arrival_line;
};

/* Where a strategy's workers run: worker i on cpus[i % n]; n 0: anywhere. */
struct clw_placement {
	int64_t  n;
	uint16_t cpus[CL_MAX_PLACE];
};

/* What the host sets for one trial beside the spec. */
struct clw_trial_env {
	int64_t  server_port; /* conclab's loopback server for request steps */
	char     io_dir[192]; /* the trial's folder for read and write steps,
			       * the host's, removed after it               */
	uint32_t target_ip;   /* the spec's target, resolved (network order) */
	struct clw_placement place; /* the cell's params.NAME.placement      */
	/* for a strategy whose tasks run in other address spaces (remote.c):
	 * the sync's file and parameters, which those address spaces load
	 * themselves; the config's hosts and hostfile (empty: none) */
	char     sync_path[512];
	int64_t  sync_params[CL_MAX_SYNC_PARAMS];
	char     hosts[256];
	char     hostfile[512];
	int64_t  deadline_ns; /* the trial's end (cl_now_ns); 0: none */
};

/* "sleep", "compute"...: an op's name in configs, results and messages
 * ("?" for none). */
const char *clw_op_name(int64_t op);

/* --- What a correct trial shows (expected.c) --- */

/* The workload's duration step, or NULL. */
const struct cl_step_spec *clw_duration_step(const struct cl_workload *w);
/* Writes among the first n operations of an increment step with read_pct:
 * reads and writes interleave evenly, as Bresenham's line does. */
uint64_t clw_writes_of(uint64_t n, int64_t read_pct);
/* Operations of task 0's counted increment steps (not its duration step):
 * every task's, in a workload with a duration step (which has no draws and
 * no classes). */
uint64_t clw_counted_ops(const struct cl_workload *w);
/* The seed of task `index`'s step `step` for `purpose` (0 compute, 1 work
 * under the lock, 2 between): a task that skipped or repeated work shows a
 * wrong checksum; seeds do not depend on the strategy. */
uint64_t clw_task_seed(uint32_t index, unsigned step, unsigned purpose);
/* What task `index` must report as its checksum after the whole workload;
 * `ops` is the task's own count of operations (it decides what a duration
 * step did; unused without one). */
uint64_t clw_expected_checksum(const struct cl_workload *w, uint32_t index, uint64_t ops);
/* Counter value a correct trial ends with; with a duration step, given each
 * task's operations (ops[ntasks]; NULL without one). */
uint64_t clw_expected_counter(const struct cl_workload *w, const uint64_t *ops);

/* --- What is drawn per task (draw.c) --- */

/* "uniform", "exponential"...; NULL for another number. */
const char *clw_dist_name(int32_t kind);
/* Its parameters' names in configs and results: a's, and b's (NULL for a
 * distribution of one parameter); NULL for another number. */
const char *clw_dist_param(int32_t kind, int which);
/* The kind of a distribution's name; 0 for none. */
int32_t clw_dist_kind(const char *name);
/* One draw of d for a task and step, before rounding and clamping: a real
 * number of the distribution (the tests check these). */
double clw_dist_real(const struct clw_draw *d, uint64_t seed, uint32_t task);
/* The same rounded to an integer and clamped to the setting's range. */
int64_t clw_dist_value(const struct clw_draw *d, uint64_t seed, uint32_t task);
/* The class of task `task` (0 without classes). */
unsigned clw_task_class(const struct cl_workload *w, uint32_t task);
/* How many steps task `task` runs a loop. */
int64_t clw_task_nsteps(const struct cl_workload *w, uint32_t task);
/* Its step at place `pos` (0 <= pos < clw_task_nsteps) as it runs it: the
 * class's step with every drawn setting drawn for this task. */
void clw_task_step(const struct cl_workload *w, uint32_t task, int64_t pos, struct cl_step_spec *out);
/* When each task is due, ns after the run's start (ntasks of them), for a
 * workload with arrivals; nondecreasing, the first 0. */
void clw_arrival_offsets(const struct cl_workload *w, int64_t *offsets);
/* The last task's offset alone, without keeping the others. */
int64_t clw_arrival_last(const struct cl_workload *w);
/* Operations of one task's counted increment steps. */
uint64_t clw_task_counted_ops(const struct cl_workload *w, uint32_t task);
/* The least time task `task` can take: its sleeps and server delays. */
int64_t clw_task_min_ns(const struct cl_workload *w, uint32_t task);

/* --- The LCG and the words of I/O steps (words.c) --- */

/* n steps of the LCG from x in O(log n), for checking what tasks computed
 * (the compute kernel itself, clw_lcg_advance, is lcg.h's). */
uint64_t clw_lcg_jump(uint64_t x, uint64_t n);
/* The seed of the words of task `task`'s I/O step `step`: a response's
 * body, a file read or written, 8-byte words of the LCG from it. */
uint64_t clw_io_seed(uint32_t task, unsigned step);
/* Bytes [pos, pos + len) of the words from `seed`: word k (from 1) is the
 * LCG's k-th step, little-endian, the last cut to the size. */
void clw_words(unsigned char *buf, uint64_t seed, uint64_t pos, size_t len);
/* The same for task `task`'s step `step`. */
void clw_io_words(unsigned char *buf, uint32_t task, unsigned step, uint64_t pos, size_t len);
/* What an I/O step of `bytes` adds to the task's checksum: the last word. */
uint64_t clw_io_body_sum(uint64_t seed, uint64_t bytes);
/* A file of read and write steps: DIR/r<task>-<step> or w<task>-<step>. */
int clw_io_file_name(char *buf, size_t len, const char *dir, int write, uint32_t task, unsigned step);

#endif
