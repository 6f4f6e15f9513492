/* What the server's files share: server.c runs the event loops and
 * accepts, conn.c answers one connection, request.c reads its requests. */
#ifndef CLH_SERVE_INTERNAL_H
#define CLH_SERVE_INTERNAL_H

#include "server.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* A body is produced as it is sent, at most CHUNK bytes at a time: a
 * response's memory in the server is one CHUNK, whatever its length. */
#define SRV_CHUNK      (64 * 1024)
#define SRV_SCRATCH    (256 * 1024) /* a loop's one buffer: fewer, larger writes */
/* Chunks a loop may hold at once (16 MiB): a connection whose socket is
 * full when all are out gets a small one of its own instead, slower but
 * never waiting for another client to read. */
#define SRV_CHUNKS_MAX  256
#define SRV_SMALL_CHUNK 4096
/* One request's header, the most a connection buffers: more of a pipeline
 * waits in the socket until the requests before it are answered. */
#define SRV_REQUEST_MAX 2048

/* Faults for the tests (CONCLAB_SERVER_FAULT, read when a trial's server
 * starts): no server at all, a connection closed instead of answered, half
 * a body then closed, a body with one wrong byte, and a server whose loop
 * stops for 50 ms after each write (as on a loaded machine: the client has
 * every byte long before the loop hears that the write completed). */
enum srv_fault { SRV_FAULT_NONE, SRV_FAULT_REFUSE, SRV_FAULT_CLOSE, SRV_FAULT_SHORT,
		 SRV_FAULT_WRONG, SRV_FAULT_SLOW };
extern enum srv_fault srv_fault;
extern volatile uint64_t *srv_requests; /* cl_server_start's, shared with the host */

struct srv_conn;

struct srv_loop {
	uv_loop_t                    loop;
	uv_tcp_t                     listener;
	uv_async_t                   stop;     /* a SIGTERM or SIGINT came  */
	uv_timer_t                   grace;    /* how long a stop waits     */
	uv_signal_t                  signals[2]; /* the first loop's: SIGTERM, SIGINT */
	int                          nsignals;
	const struct cl_serve_limits *limits;
	struct srv_conn             *conns;    /* every open one, to stop   */
	long                         nconns;
	char                        *scratch;  /* where bodies are produced */
	char                        *free_chunks[SRV_CHUNKS_MAX];
	int                          nfree, chunks_out;
	int                          stopping;
};

/* The process's count of open connections, against limits->max_connections:
 * opened says whether this one is within it (it is counted either way). */
int srv_conn_opened(void);
void srv_conn_closed(void);
/* A request's line and header, parsed (request.c). */
struct srv_request {
	uint64_t bytes, delay_us, seed;
	bool     http10, close, keep_alive; /* the version; Connection's tokens */
	bool     close_after;               /* the connection ends with this answer */
};
/* req[0..len): the request line and header lines, each ending in CRLF,
 * the blank line not included. 0, or -1: not a request of ours (400). */
int srv_parse_request(const char *req, size_t len, struct srv_request *r);
/* Where req[0..len) has a LF without its CR before it, or -1. */
long srv_bare_lf(const char *req, size_t len);

/* Start answering a connection just accepted on L's listener. */
void srv_conn_accept(struct srv_loop *L);
/* A stop: idle connections close now, busy ones after their response. */
void srv_conns_stop(struct srv_loop *L);
/* Close every connection still open (the grace period is over). */
void srv_conns_drop_all(struct srv_loop *L);
/* Called by conn.c when L's last connection closed during a stop. */
void srv_loop_idle(struct srv_loop *L);

#endif
