/* The loopback server on libuv (the event loop under Node.js): one loop per
 * thread, each accepting on the same listening socket, each connection
 * answered by conn.c. It must be fast enough not to be what a trial
 * measures: it parses one request line, arms a timer and writes the body as
 * the socket takes it, straight from one buffer per loop. */
#define _GNU_SOURCE
#include "serve_internal.h"
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
#include <time.h>
#include <unistd.h>

#define STOP_GRACE_MS 10000 /* a stop waits this long for responses under way */

enum srv_fault srv_fault;
volatile uint64_t *srv_requests;

static long open_conns, max_conns, refused_conns;
static int stop_signal;           /* SIGTERM or SIGINT, once one came */
static struct srv_loop **loops;   /* every loop, for a stop to wake */
static int nloops;

int srv_conn_opened(void)
{
	long open = __atomic_add_fetch(&open_conns, 1, __ATOMIC_RELAXED);
	static time_t said;

	if (open <= max_conns)
		return 1;
	long refused = __atomic_add_fetch(&refused_conns, 1, __ATOMIC_RELAXED);
	time_t now = time(NULL);

	if (now != __atomic_load_n(&said, __ATOMIC_RELAXED)) { /* a line a second at most */
		__atomic_store_n(&said, now, __ATOMIC_RELAXED);
		fprintf(stderr, "conclab serve: %ld connections open, the limit (--max-connections "
			"%ld): new ones are answered 503 and closed (%ld so far)\n", open - 1, max_conns,
			refused);
	}
	return 0;
}

void srv_conn_closed(void)
{
	__atomic_sub_fetch(&open_conns, 1, __ATOMIC_RELAXED);
}

static void accepted(uv_stream_t *listener, int status)
{
	if (status >= 0)
		srv_conn_accept(listener->data);
}

static void closed_quietly(uv_handle_t *h)
{
	(void)h;
}

/* Nothing left to wait for: close the loop's own handles, and uv_run ends. */
void srv_loop_idle(struct srv_loop *L)
{
	if (!uv_is_closing((uv_handle_t *)&L->stop))
		uv_close((uv_handle_t *)&L->stop, closed_quietly);
	if (!uv_is_closing((uv_handle_t *)&L->grace))
		uv_close((uv_handle_t *)&L->grace, closed_quietly);
	for (int i = 0; i < L->nsignals; i++)
		if (!uv_is_closing((uv_handle_t *)&L->signals[i]))
			uv_close((uv_handle_t *)&L->signals[i], closed_quietly);
}

static void grace_over(uv_timer_t *t)
{
	srv_conns_drop_all(t->data);
}

static void stop_loop(uv_async_t *a)
{
	struct srv_loop *L = a->data;

	if (L->stopping)
		return;
	L->stopping = 1;
	uv_close((uv_handle_t *)&L->listener, closed_quietly);
	srv_conns_stop(L);
	if (!L->nconns) {
		srv_loop_idle(L);
		return;
	}
	uv_timer_start(&L->grace, grace_over, STOP_GRACE_MS, 0);
}

static void signalled(uv_signal_t *s, int signo)
{
	if (stop_signal) { /* a second one: the user will not wait */
		fprintf(stderr, "conclab serve: %s again: stopped now\n", signo == SIGTERM ? "SIGTERM" : "SIGINT");
		_exit(128 + signo);
	}
	stop_signal = signo;
	fprintf(stderr, "conclab serve: %s: no new connections; the responses under way finish "
		"(at most %d s; again to stop now)\n", signo == SIGTERM ? "SIGTERM" : "SIGINT",
		STOP_GRACE_MS / 1000);
	(void)s;
	for (int i = 0; i < nloops; i++)
		uv_async_send(&loops[i]->stop);
}

static int loop_init(struct srv_loop *L, int fd, const struct cl_serve_limits *limits)
{
	L->limits = limits;
	if (fd < 0 || !(L->scratch = malloc(SRV_SCRATCH)) || uv_loop_init(&L->loop) ||
	    uv_tcp_init(&L->loop, &L->listener) || uv_tcp_open(&L->listener, fd) ||
	    uv_listen((uv_stream_t *)&L->listener, SOMAXCONN, accepted) ||
	    uv_async_init(&L->loop, &L->stop, stop_loop) || uv_timer_init(&L->loop, &L->grace)) {
		fprintf(stderr, "conclab serve: cannot start an event loop on the socket\n");
		return -1;
	}
	L->listener.data = L->stop.data = L->grace.data = L;
	return 0;
}

static void *loop_run(void *arg)
{
	struct srv_loop *L = arg;

	uv_run(&L->loop, UV_RUN_DEFAULT);
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

int cl_server_run(int listen_fd, int threads, const struct cl_serve_limits *limits)
{
	pthread_t *tid = calloc((size_t)threads, sizeof *tid);
	long nofile;
	int started = 1;

	loops = calloc((size_t)threads, sizeof *loops);
	signal(SIGPIPE, SIG_IGN);
	nofile = cl_raise_nofile();
	max_conns = limits->max_connections ? limits->max_connections
		    : nofile > 128 ? nofile - 64 : nofile < 0 ? 1L << 30 : 64;
	if (!tid || !loops) {
		fprintf(stderr, "conclab serve: no memory for the event loops\n");
		return 1;
	}
	for (int i = 0; i < threads; i++) /* each loop accepts on its own dup */
		if (!(loops[i] = calloc(1, sizeof **loops)) ||
		    loop_init(loops[i], i ? dup(listen_fd) : listen_fd, limits))
			return 1;
	nloops = threads;
	/* the signals reach the first loop, which wakes every one */
	struct srv_loop *first = loops[0];

	for (int i = 0; i < 2; i++) {
		uv_signal_init(&first->loop, &first->signals[i]);
		uv_signal_start(&first->signals[i], signalled, i ? SIGINT : SIGTERM);
		first->nsignals++;
	}
	for (int i = 1; i < threads; i++)
		if (!pthread_create(&tid[i], NULL, loop_run, loops[i]))
			started++;
	if (srv_requests) /* a trial's server: ready, its CPU from here on counts */
		__atomic_store_n(&srv_requests[1], 1, __ATOMIC_RELEASE);
	loop_run(first);
	for (int i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	fprintf(stderr, "conclab serve: stopped\n");
	return stop_signal ? 128 + stop_signal : 1;
}

static enum srv_fault fault_wanted(void)
{
	static const char *const names[] = { "", "refuse", "close", "short", "wrong", "slow" };
	const char *want = getenv("CONCLAB_SERVER_FAULT");

	for (size_t i = 1; want && i < sizeof names / sizeof *names; i++)
		if (!strcmp(want, names[i]))
			return (enum srv_fault)i;
	return SRV_FAULT_NONE;
}

/* The server's CPU time once it is ready (its loop set up): what it spent
 * starting is not what it spent serving. It says so in the shared word
 * after `requests`; waited for at most a second, then taken as it is. */
static int64_t ready_cpu_ns(const struct cl_server *s)
{
	clockid_t clock;
	struct timespec ts;

	for (int i = 0; i < 10000 && !__atomic_load_n(&s->requests[1], __ATOMIC_ACQUIRE); i++)
		usleep(100);
	if (clock_getcpuclockid(s->pid, &clock) || clock_gettime(clock, &ts))
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
	s->requests = mmap(NULL, 2 * sizeof *s->requests, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->requests == MAP_FAILED) {
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		s->requests = NULL;
		close(fd);
		return -1;
	}
	enum srv_fault fault = fault_wanted();

	if (fault == SRV_FAULT_REFUSE) { /* the port, closed: refused */
		close(fd);
		return 0;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		cl_contain_start_clean(-1, fd); /* the socket is fd 3, nothing else */
		/* no timeouts: the trial's own deadline ends it, and a step may
		 * compute for an hour between two requests on one connection */
		static const struct cl_serve_limits trial_limits = { 0 };

		srv_requests = s->requests; /* this server's, in its process alone */
		srv_fault = fault;

		_exit(cl_server_run(3, 1, &trial_limits));
	}
	close(fd);
	if (s->pid < 0) {
		snprintf(err, errlen, "cannot fork the loopback server: %s", strerror(errno));
		s->pid = 0;
		return -1;
	}
	s->start_cpu_ns = ready_cpu_ns(s);
	return 0;
}

void cl_server_stop(struct cl_server *s)
{
	struct rusage ru;

	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (wait4(s->pid, NULL, 0, &ru) < 0) {
			if (errno != EINTR) {
				memset(&ru, 0, sizeof ru);
				break;
			}
		}
		s->cpu_ns = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
			    (int64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000 - s->start_cpu_ns;
		if (s->cpu_ns < 0) /* rusage counts microseconds, the clock nanoseconds */
			s->cpu_ns = 0;
		s->max_rss_kb = ru.ru_maxrss;
	}
	s->pid = 0;
}

void cl_server_release(struct cl_server *s)
{
	if (s->requests)
		munmap((void *)s->requests, 2 * sizeof *s->requests);
	s->requests = NULL;
}
