/* conclab's loopback server: what request steps talk to. HTTP/1.1 with
 * keep-alive and pipelining; `GET /?bytes=N&delay_us=D&seed=S` is answered
 * after D microseconds (libuv's timers: rounded up to whole milliseconds)
 * with an N-byte body of 8-byte words of the LCG from S (host/workload/workload.h:
 * clw_words; clw_io_seed and clw_io_body_sum say what the task checks), produced as the
 * socket takes it. Its memory is bounded whatever the bodies or the clients:
 * about 3 KiB an open connection, and 64 KiB a response the client reads
 * more slowly than it is made, at most 256 of those (16 MiB) a loop, 4 KiB
 * beyond (docs/reliability.md). */
#ifndef CLH_SERVER_H
#define CLH_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a server stands: 0 is no limit. */
struct cl_serve_limits {
	unsigned header_timeout_ms; /* from a request's first byte to its whole header */
	unsigned idle_timeout_ms;   /* waiting for a request, or for the client to read */
	long     max_connections;   /* open at once; more are answered 503 and closed;
				     * 0: the descriptors this process may open, less 64 */
};
/* `conclab serve`'s defaults, as nginx's (client_header_timeout and
 * keepalive_timeout are of this order): a slowloris client is closed */
#define CL_SERVE_HEADER_TIMEOUT_MS 10000
#define CL_SERVE_IDLE_TIMEOUT_MS   60000

struct cl_server {
	pid_t pid;  /* the server's process, 0 when none */
	int   port; /* where it listens, on 127.0.0.1     */
	int64_t cpu_ns;     /* its CPU time, user and system, from ready to
			     * cl_server_stop; and its largest resident set */
	long    max_rss_kb;
	int64_t start_cpu_ns; /* what it had spent when it was ready     */
	volatile uint64_t *requests; /* well-formed requests it has parsed, in
				      * memory it shares with the host
				      * (cl_server_start): counted before the
				      * answer's first byte is written;
				      * requests[1]: 1 once it is ready */
};

/* A listening TCP socket on host:port (port 0: one the kernel picks), or -1
 * with the reason in err. */
int cl_server_listen(const char *host, int port, char *err, size_t errlen);

/* Serve on listen_fd in this process with `threads` event loops until a
 * SIGTERM or SIGINT, which stops accepting, closes idle connections and
 * lets the responses under way finish (at most 10 s more); returns the exit
 * code: 143 or 130 after such a stop, 1 on a setup error. */
int cl_server_run(int listen_fd, int threads, const struct cl_serve_limits *limits);

/* Start the server in a process of its own, a clean child of this one that
 * dies with it, listening on 127.0.0.1 on a port the kernel picks: ready
 * before this returns (connections queue on the socket until it accepts
 * them). 0, or -1 with the reason in err. */
int cl_server_start(struct cl_server *s, char *err, size_t errlen);

/* Kill and reap it, its CPU time and memory read as it is reaped (wait4);
 * `requests` stays readable until cl_server_release. */
void cl_server_stop(struct cl_server *s);

/* Unmap `requests`, after the host has read it. */
void cl_server_release(struct cl_server *s);

/* The soft limit on open descriptors raised to the hard one (a trial of
 * 10,000 connections needs it); the limit now in force. */
long cl_raise_nofile(void);

#endif
