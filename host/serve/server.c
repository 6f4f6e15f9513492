/* The loopback server on libuv (the event loop under Node.js): one loop per
 * thread, each accepting on the same listening socket. It must be fast
 * enough not to be what a trial measures: it only parses one request line,
 * arms a timer and writes one buffer per response. */
#define _GNU_SOURCE
#include "server.h"
#include "contain.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

/* runtime_internal.h's CL__LCG_*, which this layer does not see: the words a
 * task checks (cl__io_words) */
#define LCG_A 6364136223846793005ULL
#define LCG_C 1442695040888963407ULL
#define MAX_REQUEST 1024
#define MAX_BODY ((uint64_t)1 << 30)
#define MAX_DELAY_US 3600000000ULL /* an hour, as a config's delay_ms allows */

/* Faults for the tests (CONCLAB_SERVER_FAULT, read when a trial's server
 * starts): no server at all, a connection closed instead of answered, half
 * a body then closed, a body with one wrong byte, and a server whose loop
 * stops for 50 ms after each write (as on a loaded machine: the client has
 * every byte long before the loop hears that the write completed). */
enum fault { FAULT_NONE, FAULT_REFUSE, FAULT_CLOSE, FAULT_SHORT, FAULT_WRONG, FAULT_SLOW };
static enum fault fault;
static volatile uint64_t *requests; /* cl_server_start's, shared with the host */

struct conn {
	uv_tcp_t   tcp;
	uv_timer_t timer;
	uv_write_t write;
	char       req[MAX_REQUEST];
	size_t     len;
	uint64_t   bytes, seed;
	uint64_t   due_ns; /* uv_hrtime() when the answer may go */
	int        close_after, busy, closing;
	char      *out;
};

static void closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (++c->closing == 3) { /* the socket and the timer both closed */
		free(c->out);
		free(c);
	}
}

static void drop(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close((uv_handle_t *)&c->tcp, closed);
	uv_close((uv_handle_t *)&c->timer, closed);
}

static void try_request(struct conn *c);

static void written(uv_write_t *w, int status)
{
	struct conn *c = w->data;

	free(c->out);
	c->out = NULL;
	c->busy = 0;
	if (status < 0 || c->close_after)
		drop(c);
	else
		try_request(c); /* one that arrived while this was answered */
}

static void respond(uv_timer_t *t)
{
	struct conn *c = t->data;
	uint64_t now = uv_hrtime();

	/* libuv's timers count whole milliseconds from a cached clock and can
	 * fire up to one early: a delay is a minimum, so wait out the rest */
	if (now < c->due_ns) {
		uv_timer_start(&c->timer, respond, (c->due_ns - now + 999999) / 1000000, 0);
		return;
	}
	char head[128];
	int hlen = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n%s\r\n",
			    (unsigned long long)c->bytes, c->close_after ? "Connection: close\r\n" : "");
	uint64_t x = c->seed;

	if (!(c->out = malloc((size_t)hlen + c->bytes + 8))) {
		drop(c);
		return;
	}
	memcpy(c->out, head, (size_t)hlen);
	for (uint64_t at = 0; at < c->bytes; at += 8) {
		x = x * LCG_A + LCG_C;
		memcpy(c->out + hlen + at, &x, 8); /* little-endian: byte j is x >> 8j */
	}
	uv_buf_t buf = uv_buf_init(c->out, (unsigned)((size_t)hlen + c->bytes));

	if (fault == FAULT_CLOSE) {
		drop(c);
		return;
	}
	if (fault == FAULT_SHORT) {
		buf.len = (unsigned)((size_t)hlen + c->bytes / 2);
		c->close_after = 1;
	}
	if (fault == FAULT_WRONG && c->bytes)
		c->out[hlen + c->bytes / 2] ^= 0x20;

	c->write.data = c;
	if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, written) < 0)
		drop(c);
	if (fault == FAULT_SLOW)
		usleep(50000);
}

/* Answer 400 once and close: nothing more is read from this connection. */
static void bad_request(struct conn *c)
{
	static char text[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 48\r\nConnection: close\r\n\r\n"
			     "want: GET /?bytes=N&delay_us=D&seed=S HTTP/1.1\r\n";
	uv_buf_t buf = uv_buf_init(text, sizeof text - 1);

	uv_read_stop((uv_stream_t *)&c->tcp);
	if (c->busy) { /* a response is still being written: just close */
		drop(c);
		return;
	}
	c->busy = 1;
	c->close_after = 1;
	c->bytes = UINT64_MAX; /* not an answer to count */
	c->write.data = c;
	if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, written) < 0)
		drop(c);
}

/* A whole request in the buffer: parse it and answer after its delay. */
static void try_request(struct conn *c)
{
	char *end = c->len ? memmem(c->req, c->len, "\r\n\r\n", 4) : NULL;
	unsigned long long bytes, delay_us, seed;

	if (c->busy || c->closing || !end)
		return;
	*end = 0;
	int line = -1;

	/* the whole request line, nothing more or less (%n: it ended there) */
	if (sscanf(c->req, "GET /?bytes=%llu&delay_us=%llu&seed=%llu HTTP/1.1%n", &bytes, &delay_us,
		   &seed, &line) != 3 || line < 0 || strncmp(c->req + line, "\r\n", 2) || bytes > MAX_BODY ||
	    delay_us > MAX_DELAY_US) {
		bad_request(c);
		return;
	}
	/* Counted here, when the request is whole and parsed, not when its
	 * answer is written: the client cannot have a byte of the answer
	 * before this, so the count is complete whenever the trial ends,
	 * however late this loop would have heard that the write finished. */
	if (requests)
		__atomic_add_fetch(requests, 1, __ATOMIC_RELEASE);
	c->bytes = bytes;
	c->seed = seed;
	c->close_after = strstr(c->req, "\r\nConnection: close") != NULL;
	c->busy = 1;
	c->len -= (size_t)(end + 4 - c->req);
	memmove(c->req, end + 4, c->len);
	c->due_ns = uv_hrtime() + delay_us * 1000;
	if (delay_us) {
		uv_update_time(c->timer.loop);
		uv_timer_start(&c->timer, respond, (delay_us + 999) / 1000, 0);
	} else {
		respond(&c->timer);
	}
}

static void alloc(uv_handle_t *h, size_t want, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)want;
	*buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof c->req - c->len));
}

static void got(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	(void)buf;
	if (n < 0) {
		drop(c);
		return;
	}
	c->len += (size_t)n;
	if (c->len == sizeof c->req && !memmem(c->req, c->len, "\r\n\r\n", 4)) {
		bad_request(c); /* a request longer than any of ours */
		return;
	}
	try_request(c);
}

static void accepted(uv_stream_t *server, int status)
{
	struct conn *c;

	if (status < 0 || !(c = calloc(1, sizeof *c)))
		return;
	uv_tcp_init(server->loop, &c->tcp);
	uv_timer_init(server->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		drop(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	uv_read_start((uv_stream_t *)&c->tcp, alloc, got);
}

static void *serve_loop(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uv_loop_t loop;
	uv_tcp_t listener;

	if (uv_loop_init(&loop) || uv_tcp_init(&loop, &listener) || uv_tcp_open(&listener, fd) ||
	    uv_listen((uv_stream_t *)&listener, SOMAXCONN, accepted)) {
		fprintf(stderr, "conclab serve: cannot start an event loop on the socket\n");
		return (void *)1;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	return NULL;
}

long cl_raise_nofile(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return -1;
	if (r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
		getrlimit(RLIMIT_NOFILE, &r);
	}
	return r.rlim_cur == RLIM_INFINITY ? -1 : (long)r.rlim_cur;
}

int cl_server_listen(const char *host, int port, char *err, size_t errlen)
{
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (inet_pton(AF_INET, host, &at.sin_addr) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv4 address", host);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(fd, (struct sockaddr *)&at, sizeof at) || listen(fd, 65535)) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int cl_server_run(int listen_fd, int threads)
{
	pthread_t *tid = calloc((size_t)threads, sizeof *tid);
	int started = 0;

	signal(SIGPIPE, SIG_IGN);
	cl_raise_nofile();
	for (int i = 1; tid && i < threads; i++) /* each loop accepts on its own dup */
		if (!pthread_create(&tid[i], NULL, serve_loop, (void *)(intptr_t)dup(listen_fd)))
			started++;
	serve_loop((void *)(intptr_t)listen_fd);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	return 1;
}

static enum fault fault_wanted(void)
{
	static const char *const names[] = { "", "refuse", "close", "short", "wrong", "slow" };
	const char *want = getenv("CONCLAB_SERVER_FAULT");

	for (size_t i = 1; want && i < sizeof names / sizeof *names; i++)
		if (!strcmp(want, names[i]))
			return (enum fault)i;
	return FAULT_NONE;
}

int cl_server_start(struct cl_server *s, char *err, size_t errlen)
{
	int fd = cl_server_listen("127.0.0.1", 0, err, errlen);
	struct sockaddr_in at;
	socklen_t len = sizeof at;

	s->pid = 0;
	if (fd < 0)
		return -1;
	if (getsockname(fd, (struct sockaddr *)&at, &len)) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	s->port = ntohs(at.sin_port);
	/* the count the host checks a trial's requests against: a strategy
	 * that claims responses it never asked for is found out */
	s->requests = mmap(NULL, sizeof *s->requests, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
	if (s->requests == MAP_FAILED) {
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		s->requests = NULL;
		close(fd);
		return -1;
	}
	requests = s->requests;
	if ((fault = fault_wanted()) == FAULT_REFUSE) { /* the port, closed: refused */
		close(fd);
		return 0;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		cl_contain_start_clean(-1, fd); /* the socket is fd 3, nothing else */
		_exit(cl_server_run(3, 1));
	}
	close(fd);
	if (s->pid < 0) {
		snprintf(err, errlen, "cannot fork the loopback server: %s", strerror(errno));
		s->pid = 0;
		return -1;
	}
	return 0;
}

void cl_server_stop(struct cl_server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	s->pid = 0;
}

void cl_server_release(struct cl_server *s)
{
	if (s->requests)
		munmap((void *)s->requests, sizeof *s->requests);
	s->requests = NULL;
}
