/* Private to libconclab and the host: the workload spec the runtime
 * interprets and the layout of one trial's shared mapping. Plugins see only
 * the opaque types of include/conclab/runtime.h. */
#ifndef CLH_RUNTIME_INTERNAL_H
#define CLH_RUNTIME_INTERNAL_H

#include <conclab/plugin.h>
#include <stdalign.h>
#include <stdatomic.h>

#define CL_MAX_STEPS 64
#define CL_MAX_PLACE 1024  /* CPUs a placement may list */
#define CL_MAX_SAMPLES 4096 /* samples of one duration step */
#define CL_MAX_SYNC_PARAMS 32 /* a plugin's declared parameters, at most */

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
	int     line;       /* config line, for messages                     */
};

struct cl_workload {
	int64_t tasks;
	int64_t loop; /* the step list runs this many times */
	int64_t nsteps;
	struct cl_step_spec steps[CL_MAX_STEPS];
	int64_t server_port; /* conclab's loopback server for request steps:
			      * set by the host per trial, never swept */
	char    io_dir[192]; /* the trial's folder for read and write steps,
			      * likewise: the host's, removed after it */
	/* the config's `target`: request steps go to the user's own service
	 * instead of conclab's server (host empty: none); the address is
	 * resolved by the host when the trial starts */
	char     target_host[64];
	char     target_path[128];
	int64_t  target_port;
	uint32_t target_ip; /* network order */
	/* The placement the host resolved for this cell (params.NAME.placement):
	 * worker i runs on place_cpus[i % place_n]; 0: none. */
	int64_t  place_n;
	uint16_t place_cpus[CL_MAX_PLACE];
	/* For a strategy whose tasks run in other address spaces (remote.c),
	 * set by the host per trial: the sync's file and parameters, which
	 * those address spaces load themselves; the config's hosts and
	 * hostfile (empty: none); the trial's deadline (cl_now_ns). */
	char     sync_path[512];
	int64_t  sync_params[CL_MAX_SYNC_PARAMS];
	char     hosts[256];
	char     hostfile[512];
	int64_t  deadline_ns;
};

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
	uint16_t _pad2;
	uint64_t io_pos;   /* bytes of the phase done                 */
	uint64_t io_word;  /* the body's next expected 8 bytes        */
	uint64_t io_local; /* struct io_local * (io.c), of the process
			    * that steps the task; 0 until its first I/O */
};

struct cl__barrier {
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
	const struct cl_sync_ops *sync;
	void                     *sync_shared;
	char                     *sync_locals;
	size_t                    local_stride;
	size_t                    ntasks;
	size_t                    map_size;

	alignas(64) volatile uint64_t counter;    /* alone on its cache line */
	alignas(64) _Atomic uint64_t claim_cursor;
	alignas(64) struct cl__barrier barrier;
	alignas(64) _Atomic int failed;           /* cl_trial_fail was called */
	int     io_mode;   /* CL__IO_*: how the strategy takes I/O    */
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
	struct cl__slot   *slots;
	struct cl__sample *samples;   /* CL_MAX_SAMPLES of them           */

	alignas(64) struct cl_task tasks[];
};

struct cl__slot {
	alignas(64) _Atomic uint64_t ops;
};

struct cl__sample {
	int64_t  t_ns; /* since the window opened */
	uint64_t ops;  /* every task's count then (each up to one chunk behind) */
};

/* The workload's duration step, or NULL. */
const struct cl_step_spec *cl__duration_step(const struct cl_workload *w);
/* Writes among the first n operations of an increment step with read_pct:
 * reads and writes interleave evenly, as Bresenham's line does. */
uint64_t cl__writes_of(uint64_t n, int64_t read_pct);

/* Map a zeroed trial for `workload` and `sync`, laid out as above, its size
 * in *map_size; NULL with errno set on failure. Free with cl__trial_unmap. */
struct cl_trial *cl__trial_map(const struct cl_workload *workload,
			       const struct cl_sync_ops *sync, size_t *map_size);
/* The size is the host's own (from cl__trial_map), never the header's: a
 * trial can write its header. */
void cl__trial_unmap(struct cl_trial *trial, size_t map_size);

/* The trial itself, in the trial's process: number the tasks, init the
 * sync, run the strategy between the two timestamps, destroy the sync,
 * and mark the trial finished with the strategy's return code. */
void cl__trial_run(struct cl_trial *t, const struct cl_plugin *strategy,
		   const int64_t *strategy_params, const struct cl_plugin *sync,
		   const int64_t *sync_params);

/* The LCG of compute steps and of I/O steps' words (Knuth's MMIX constants). */
#define CL__LCG_A 6364136223846793005ULL
#define CL__LCG_C 1442695040888963407ULL

/* The compute kernel: n steps of a 64-bit LCG from x. Each step depends on
 * the last, so it can be neither vectorised nor folded by the compiler. */
uint64_t cl__lcg_advance(uint64_t x, uint64_t n);
/* The same result in O(log n), for checking what tasks computed. */
uint64_t cl__lcg_jump(uint64_t x, uint64_t n);
/* What task `index` must report as its checksum after the whole workload;
 * `ops` is the task's own count of operations (it decides what a duration
 * step did; unused without one). */
uint64_t cl__expected_checksum(const struct cl_workload *w, uint32_t index, uint64_t ops);
/* Operations of one task's counted increment steps (not its duration step). */
uint64_t cl__counted_ops(const struct cl_workload *w);
/* Counter value a correct trial ends with; with a duration step, given each
 * task's operations (ops[ntasks]; NULL without one). */
uint64_t cl__expected_counter(const struct cl_workload *w, const uint64_t *ops);
/* Sum of every sleep and server delay of one task, the least time it can take. */
int64_t cl__min_task_ns(const struct cl_workload *w);

/* How a trial's strategy takes tasks' I/O: the runtime blocks in it
 * (threads, processes, and any strategy built before I/O steps), hands out
 * descriptor waits (CL_STRATEGY_FD_WAITS), or hands out the operations
 * themselves (CL_STRATEGY_COMPLETIONS). */
enum { CL__IO_BLOCKING, CL__IO_READINESS, CL__IO_COMPLETION };

struct cl_trial *cl__trial_of(struct cl_task *task);

/* I/O steps (io.c): request, read, write. Step the task's step `s`: 0
 * done, 1 waiting (*wait filled with a descriptor), 2 an operation handed
 * out (*io filled: completion mode), -1 failed (cl_trial_fail was called,
 * the task ends). */
struct cl_wait;
struct cl_io;
int cl__io_step(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		struct cl_wait *wait, struct cl_io *io);
/* Close and free what the task holds (a keep-alive connection, a file)
 * once it is done. */
void cl__io_task_done(struct cl_task *task);
/* A file of read and write steps: PATH/r<task>-<step> or w<task>-<step>. */
int cl__io_file_name(char *buf, size_t len, const char *dir, int write, uint32_t task, unsigned step);
/* The body the server sends for a request: 8-byte words of the LCG from
 * this seed (the last word cut to the size). Server and checks agree on it. */
uint64_t cl__io_seed(uint32_t task, unsigned step);
/* Bytes [pos, pos + len) of the words of (task, step): what a response's
 * body or a read file holds and a written file must hold. */
void cl__io_words(unsigned char *buf, uint32_t task, unsigned step, uint64_t pos, size_t len);
/* What a request step adds to the task's checksum: the body's last word. */
uint64_t cl__io_body_sum(uint64_t seed, uint64_t bytes);

/* The response header of the user's own service (`target`), read as it
 * comes (http.c). Zeroed before each response. */
struct cl__http_head {
	char     text[1024]; /* the header so far, NUL-terminated      */
	uint32_t len;
	uint32_t line;       /* where the line being read starts       */
	uint32_t length_at;  /* where Content-Length's value is; 0: none */
	uint32_t coding_at;  /* where Transfer-Encoding's is; 0: none   */
	uint64_t length;     /* the Content-Length                     */
	bool     http10;     /* an HTTP/1.0 response                   */
	bool     keep_alive; /* Connection: keep-alive                 */
	bool     close;      /* Connection: close                      */
	bool     complete;   /* the empty line came: the body follows  */
};
/* Take the response's bytes p[0..n) into the header: how many were the
 * header's (once h->complete, the rest are the body's), or -1 with `why`
 * naming the byte found wrong and what was wrong with it. A Content-Length
 * must equal `want`, the body's size the step expects. */
long cl__http_take(struct cl__http_head *h, const unsigned char *p, size_t n, uint64_t want,
		   char *why, size_t whylen);
/* The body has no Content-Length: it ends where the server closes. */
bool cl__http_until_close(const struct cl__http_head *h);
/* The connection may carry the next request (HTTP/1.1 without
 * Connection: close, or HTTP/1.0 with Connection: keep-alive). */
bool cl__http_reusable(const struct cl__http_head *h);

#endif
