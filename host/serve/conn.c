/* One connection of the loopback server: requests read and parsed (any
 * number pipelined: what does not fit waits in the socket), each answered
 * after its delay with a body produced as the socket takes it, timeouts.
 *
 * A response is written straight from the loop's scratch buffer while the
 * socket takes it (uv_try_write); only when the socket is full does the
 * unsent rest go to a chunk of its own, which libuv writes when it can.
 * So memory is bounded per connection (one SRV_CHUNK, or a small one when
 * the loop's SRV_CHUNKS_MAX are out) and per loop, and a client that reads
 * slowly holds one chunk, never the loop or another client.
 *
 * Every close after an answer is a lingering one (the unread rest of the
 * client's requests read and dropped): a close with unread bytes is a
 * reset, which destroys the answer still on its way. */
#define _GNU_SOURCE
#include "serve_internal.h"
#include "workload.h"

#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* what one connection writes before the loop turns to the others */
#define TURN_BYTES (1024 * 1024)

enum state { READING, DELAYING, WRITING };

struct srv_conn {
	uv_tcp_t         tcp;
	uv_timer_t       timer;    /* the delay, or a timeout          */
	uv_write_t       write;
	struct srv_loop *L;
	struct srv_conn *prev, *next;
	enum state       state;
	int              reading, closing, close_after, refused, peer_done;
	int              keep_alive_10; /* an HTTP/1.0 client asked to keep it */
	uv_shutdown_t    shutdown;
	int              unsent;   /* SIOCOUTQ at the last timeout: progress? */
	uint64_t         bytes, seed; /* the response's body        */
	uint64_t         total, sent; /* its header and body, bytes */
	uint64_t         due_ns;   /* uv_hrtime() when it may go      */
	char             head[128];
	int              hlen;
	char            *chunk;    /* the unsent rest, when the socket was full */
	size_t           chunk_len, chunk_cap;
	size_t           len;      /* bytes in req                     */
	char             req[SRV_REQUEST_MAX];
};

/* The response's bytes from `sent` on, at most `room`, into out. */
static size_t produce(struct srv_conn *c, char *out, size_t room)
{
	uint64_t left = c->total - c->sent;
	size_t len = left < room ? (size_t)left : room, n = 0;

	if (c->sent < (uint64_t)c->hlen) {
		n = (size_t)c->hlen - (size_t)c->sent;
		n = n < len ? n : len;
		memcpy(out, c->head + c->sent, n);
	}
	uint64_t body_at = c->sent + n - (uint64_t)c->hlen;

	clw_words((unsigned char *)out + n, c->seed, body_at, len - n);
	if (srv_fault == SRV_FAULT_WRONG && c->bytes / 2 >= body_at && c->bytes / 2 < body_at + (len - n))
		out[n + (c->bytes / 2 - body_at)] ^= 0x20;
	return len;
}

static void closed(uv_handle_t *h)
{
	struct srv_conn *c = h->data;

	if (++c->closing < 3) /* the socket and the timer both closed */
		return;
	struct srv_loop *L = c->L;

	free(c);
	if (L->stopping && !L->nconns)
		srv_loop_idle(L);
}

static void chunk_give_back(struct srv_conn *c);

static void drop(struct srv_conn *c)
{
	struct srv_loop *L = c->L;

	if (c->closing)
		return;
	c->closing = 1;
	chunk_give_back(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		L->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	L->nconns--;
	srv_conn_closed();
	uv_close((uv_handle_t *)&c->tcp, closed);
	uv_close((uv_handle_t *)&c->timer, closed);
}

/* A timeout: the end, unless the connection is writing and the client has
 * read some of it since the last one (the socket's unsent bytes changed):
 * a slow reader is not an idle one. */
static void timed_out(uv_timer_t *t)
{
	struct srv_conn *c = t->data;
	uv_os_fd_t fd;
	int unsent;

	if (c->state == WRITING && !uv_fileno((uv_handle_t *)&c->tcp, &fd) &&
	    !ioctl(fd, SIOCOUTQ, &unsent) && unsent != c->unsent) {
		c->unsent = unsent;
		uv_timer_again(t);
		return;
	}
	drop(c);
}

/* The timeout for what the connection waits for now: the client's next
 * request (idle), the rest of one begun (header, counted from its first
 * byte, not renewed by a trickle), or the socket taking more of an answer
 * (idle again, renewed as it does). */
static void arm_timeout(struct srv_conn *c, int renew)
{
	const struct cl_serve_limits *lim = c->L->limits;
	unsigned ms = c->state == READING && c->len && lim->header_timeout_ms ? lim->header_timeout_ms
									      : lim->idle_timeout_ms;

	if (c->state == DELAYING)
		return;
	if (!ms) {
		uv_timer_stop(&c->timer);
		return;
	}
	c->unsent = -1;
	if (renew || !uv_is_active((uv_handle_t *)&c->timer))
		uv_timer_start(&c->timer, timed_out, ms, ms);
}

static void try_request(struct srv_conn *c);
static void pump(struct srv_conn *c);

/* A chunk for c: one of the loop's, or when they are all out a small one
 * of c's own. 0, or -1 without memory. */
static int chunk_take(struct srv_conn *c)
{
	struct srv_loop *L = c->L;

	if (c->chunk)
		return 0;
	c->chunk_cap = SRV_CHUNK;
	if (L->nfree) {
		c->chunk = L->free_chunks[--L->nfree];
	} else if (L->chunks_out < SRV_CHUNKS_MAX && (c->chunk = malloc(SRV_CHUNK))) {
		L->chunks_out++;
	} else {
		c->chunk_cap = SRV_SMALL_CHUNK;
		c->chunk = malloc(SRV_SMALL_CHUNK);
	}
	return c->chunk ? 0 : -1;
}

static void chunk_give_back(struct srv_conn *c)
{
	struct srv_loop *L = c->L;

	if (c->chunk && c->chunk_cap == SRV_CHUNK)
		L->free_chunks[L->nfree++] = c->chunk;
	else
		free(c->chunk);
	c->chunk = NULL;
}

static void alloc(uv_handle_t *h, size_t want, uv_buf_t *buf);

static void discard(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	(void)buf;
	if (n < 0)
		drop(s->data); /* the client's end, or an error: now close */
}

/* The last answer sent: say so (FIN), then read and drop what the client
 * still sends, until it closes too or 2 s pass, as nginx's lingering close
 * does. A client that closed its side already sends nothing more. */
static void linger(struct srv_conn *c)
{
	if (c->peer_done) {
		drop(c);
		return;
	}
	c->len = 0;
	c->state = READING;
	uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, NULL);
	uv_read_stop((uv_stream_t *)&c->tcp);
	uv_read_start((uv_stream_t *)&c->tcp, alloc, discard);
	uv_timer_start(&c->timer, timed_out, 2000, 0); /* READING: the end */
}

static void response_done(struct srv_conn *c)
{
	if (srv_fault == SRV_FAULT_SLOW)
		usleep(50000);
	chunk_give_back(c);
	if (c->close_after || c->refused || (c->L->stopping && !c->len)) {
		linger(c);
		return;
	}
	c->state = READING;
	arm_timeout(c, 1);
	try_request(c); /* one that came while this was answered */
}

static void written(uv_write_t *w, int status)
{
	struct srv_conn *c = w->data;

	if (c->closing)
		return;
	if (status < 0) {
		drop(c);
		return;
	}
	c->sent += c->chunk_len;
	c->chunk_len = 0;
	pump(c);
}

/* Write what the socket takes now; hold the rest in a chunk for libuv. */
static void pump(struct srv_conn *c)
{
	struct srv_loop *L = c->L;
	uint64_t turn = 0;

	while (c->sent < c->total && turn < TURN_BYTES) {
		size_t len = produce(c, L->scratch, SRV_SCRATCH);
		int n = uv_try_write((uv_stream_t *)&c->tcp, &(uv_buf_t){ .base = L->scratch, .len = len }, 1);

		if (n < 0 && n != UV_EAGAIN) {
			drop(c);
			return;
		}
		n = n < 0 ? 0 : n;
		c->sent += (uint64_t)n;
		turn += (uint64_t)n;
		if ((size_t)n < len)
			break; /* the socket is full */
	}
	if (c->sent == c->total) {
		response_done(c);
		return;
	}
	if (chunk_take(c)) {
		drop(c);
		return;
	}
	c->state = WRITING;
	c->chunk_len = produce(c, c->chunk, c->chunk_cap);
	c->write.data = c;
	if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &(uv_buf_t){ .base = c->chunk, .len = c->chunk_len },
		     1, written) < 0) {
		drop(c);
		return;
	}
	arm_timeout(c, 1);
}

static void respond(uv_timer_t *t)
{
	struct srv_conn *c = t->data;
	uint64_t now = uv_hrtime();

	/* libuv's timers count whole milliseconds from a cached clock and can
	 * fire up to one early: a delay is a minimum, so wait out the rest */
	if (now < c->due_ns) {
		uv_timer_start(&c->timer, respond, (c->due_ns - now + 999999) / 1000000, 0);
		return;
	}
	if (srv_fault == SRV_FAULT_CLOSE) {
		drop(c);
		return;
	}
	c->close_after |= c->L->stopping;
	c->hlen = snprintf(c->head, sizeof c->head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n%s\r\n",
			   (unsigned long long)c->bytes, c->close_after ? "Connection: close\r\n"
							 : c->keep_alive_10 ? "Connection: keep-alive\r\n" : "");
	c->total = (uint64_t)c->hlen + c->bytes;
	if (srv_fault == SRV_FAULT_SHORT) {
		c->total = (uint64_t)c->hlen + c->bytes / 2;
		c->close_after = 1;
	}
	c->sent = 0;
	c->state = WRITING;
	uv_timer_stop(&c->timer);
	pump(c);
}

/* Answer a fixed text once and close: nothing more is read. */
static void refuse(struct srv_conn *c, const char *text)
{
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = 0;
	c->close_after = 1;
	c->refused = 1;
	c->bytes = 0;
	c->hlen = snprintf(c->head, sizeof c->head, "%s", text);
	c->total = (uint64_t)c->hlen;
	c->sent = 0;
	c->state = WRITING;
	pump(c);
}

static void alloc(uv_handle_t *h, size_t want, uv_buf_t *buf)
{
	struct srv_conn *c = h->data;

	(void)want;
	*buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof c->req - c->len));
}

static void got(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void read_more(struct srv_conn *c)
{
	if (!c->reading && !c->closing && !c->close_after && !c->peer_done && c->len < sizeof c->req &&
	    !uv_read_start((uv_stream_t *)&c->tcp, alloc, got))
		c->reading = 1;
}

static void bad_request(struct srv_conn *c)
{
	refuse(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 48\r\nConnection: close\r\n\r\n"
		  "want: GET /?bytes=N&delay_us=D&seed=S HTTP/1.1\r\n");
}

/* A whole request at the buffer's start: parse it and answer after its delay. */
static void try_request(struct srv_conn *c)
{
	char *end = c->len ? memmem(c->req, c->len, "\r\n\r\n", 4) : NULL;
	size_t head = end ? (size_t)(end - c->req) + 2 : c->len;
	struct srv_request r;

	if (c->state != READING || c->closing)
		return;
	if (srv_bare_lf(c->req, head) >= 0) { /* never a request's end here */
		bad_request(c);
		return;
	}
	if (!end) {
		if (c->len == sizeof c->req) /* a header longer than any of ours */
			refuse(c, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
				  "Connection: close\r\n\r\n");
		else if (c->peer_done) /* no more will come */
			drop(c);
		else
			read_more(c);
		return;
	}
	if (srv_parse_request(c->req, head, &r)) {
		bad_request(c);
		return;
	}
	/* Counted here, when the request is whole and parsed, not when its
	 * answer is written: the client cannot have a byte of the answer
	 * before this, so the count is complete whenever the trial ends,
	 * however late this loop would have heard that the write finished. */
	if (srv_requests)
		__atomic_add_fetch(srv_requests, 1, __ATOMIC_RELEASE);
	c->bytes = r.bytes;
	c->seed = r.seed;
	c->close_after = r.close_after;
	c->keep_alive_10 = r.http10 && !r.close_after;
	c->len -= (size_t)(end + 4 - c->req);
	memmove(c->req, end + 4, c->len);
	read_more(c); /* room again for the next of a pipeline */
	c->due_ns = uv_hrtime() + r.delay_us * 1000;
	c->state = DELAYING;
	if (r.delay_us) {
		uv_update_time(c->timer.loop);
		uv_timer_start(&c->timer, respond, (r.delay_us + 999) / 1000, 0);
	} else {
		respond(&c->timer);
	}
}

static void got(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct srv_conn *c = s->data;
	int was_empty = c->len == 0;

	(void)buf;
	if (n == UV_EOF && c->state != READING) {
		/* the client closed its side after its requests (a half
		 * close): they are still answered, then the connection ends */
		c->peer_done = 1;
		c->reading = 0;
		uv_read_stop(s);
		return;
	}
	if (n == UV_EOF && memmem(c->req, c->len, "\r\n\r\n", 4)) {
		c->peer_done = 1;
		c->reading = 0;
		uv_read_stop(s);
		try_request(c);
		return;
	}
	if (n < 0) {
		drop(c);
		return;
	}
	c->len += (size_t)n;
	if (c->len == sizeof c->req) { /* full: the rest waits in the socket */
		uv_read_stop(s);
		c->reading = 0;
	}
	if (c->state == READING && was_empty && n > 0)
		arm_timeout(c, 1); /* a request begun: the header timeout now */
	try_request(c);
}

void srv_conn_accept(struct srv_loop *L)
{
	struct srv_conn *c = malloc(sizeof *c);

	if (!c)
		return;
	memset(c, 0, offsetof(struct srv_conn, req)); /* the buffer is written before it is read */
	c->L = L;
	uv_tcp_init(&L->loop, &c->tcp);
	uv_timer_init(&L->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->next = L->conns;
	if (L->conns)
		L->conns->prev = c;
	L->conns = c;
	L->nconns++;
	if (uv_accept((uv_stream_t *)&L->listener, (uv_stream_t *)&c->tcp) < 0) {
		drop(c);
		return;
	}
	if (!srv_conn_opened()) {
		refuse(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	arm_timeout(c, 1);
	read_more(c);
}

void srv_conns_stop(struct srv_loop *L)
{
	for (struct srv_conn *c = L->conns, *next; c; c = next) {
		next = c->next;
		if (c->state == READING)
			drop(c); /* idle, or a request not yet whole */
		else
			c->close_after = 1; /* after this answer */
	}
}

void srv_conns_drop_all(struct srv_loop *L)
{
	while (L->conns)
		drop(L->conns);
}
