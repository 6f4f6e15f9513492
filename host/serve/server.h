/* conclab's loopback server: what request steps talk to. HTTP/1.1 with
 * keep-alive; `GET /?bytes=N&delay_us=D&seed=S` is answered after D
 * microseconds (libuv's timers: rounded up to whole milliseconds) with an
 * N-byte body of 8-byte words of the LCG from S (runtime_internal.h's
 * cl__io_seed and cl__io_body_sum say what the task checks). */
#ifndef CLH_SERVER_H
#define CLH_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cl_server {
	pid_t pid;  /* the server's process, 0 when none */
	int   port; /* where it listens, on 127.0.0.1     */
	volatile uint64_t *requests; /* well-formed requests it has parsed, in
				      * memory it shares with the host
				      * (cl_server_start): counted before the
				      * answer's first byte is written */
};

/* A listening TCP socket on host:port (port 0: one the kernel picks), or -1
 * with the reason in err. */
int cl_server_listen(const char *host, int port, char *err, size_t errlen);

/* Serve on listen_fd in this process with `threads` event loops, until the
 * process is killed; returns only on a setup error (the exit code). */
int cl_server_run(int listen_fd, int threads);

/* Start the server in a process of its own, a clean child of this one that
 * dies with it, listening on 127.0.0.1 on a port the kernel picks: ready
 * before this returns (connections queue on the socket until it accepts
 * them). 0, or -1 with the reason in err. */
int cl_server_start(struct cl_server *s, char *err, size_t errlen);

/* Kill and reap it; `requests` stays readable until then. */
void cl_server_stop(struct cl_server *s);

/* Unmap `requests`, after the host has read it. */
void cl_server_release(struct cl_server *s);

/* The soft limit on open descriptors raised to the hard one (a trial of
 * 10,000 connections needs it); the limit now in force. */
long cl_raise_nofile(void);

#endif
