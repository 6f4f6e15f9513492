/* I/O steps as resumable state machines: a request (one HTTP/1.1 exchange
 * with conclab's loopback server, host/serve, or with the user's own
 * service, `target`, whose header http.c reads), a file read and a file
 * write.
 * Each system call goes through perform(), which in the trial's I/O mode
 *   - blocking: makes the call (threads, processes, a pre-I/O strategy);
 *   - readiness: makes it on a non-blocking socket and, on EAGAIN, hands the
 *     strategy a wait for the descriptor (async, uv, hybrid). Regular files
 *     are always ready to epoll, which cannot wait for a disk: they block;
 *   - completion: hands the strategy the operation itself (io_uring), whose
 *     result comes back through cl_task_io_done.
 * Every byte read is checked against what the server or the host wrote (8-
 * byte words of an LCG seeded per task and step), every file written is
 * checked by the host afterwards, and each step's last word joins the task's
 * checksum, which the host computes on its own. Written by hand, not with a
 * client library: how the I/O waits is exactly what the lab measures. */
#define _GNU_SOURCE
#include "runtime_private.h" /* first: it sets what is exported */
#include "lcg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum phase { IDLE, CONNECTING, SENDING, HEADER, BODY, FILE_RW, FILE_SYNC };

#define PENDING INT64_MIN    /* perform(): the caller returns, waiting */
#define RECV_STACK 16384     /* a thread's stack may be 64 KiB (threads.stack_kb) */
#define RECV_BIG   65536     /* a large body: a quarter of the system calls */

/* What a task doing I/O keeps in the process that steps it. */
struct io_local {
	char               req[256]; /* the request being sent */
	int                reqlen;
	int                handed;   /* an operation is out (completion mode) */
	uint32_t           op;       /* ... which one, and how many bytes at most */
	size_t             oplen;
	int                done;     /* ... and its result came back */
	int64_t            result;
	unsigned char     *block;    /* a file step's block */
	size_t             blocklen;
	struct sockaddr_in addr;
	uint32_t           answered; /* responses the task's connection carried */
	struct clrt_http_head head;   /* a target's response header, as it comes */
};

struct ctx {
	struct cl_trial           *t;
	struct cl_task            *task;
	const struct cl_step_spec *s;
	struct io_local           *local;
	struct cl_wait            *wait;
	struct cl_io              *io;
};

static int header_text(const struct cl_step_spec *s, char *buf, size_t len)
{
	return snprintf(buf, len, "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\n%s\r\n",
			(long long)s->bytes, s->keepalive ? "" : "Connection: close\r\n");
}

static void drop(struct cl_task *task)
{
	if (task->fd > 0)
		close(task->fd - 1);
	task->fd = 0;
	task->io_phase = IDLE;
	task->io_pos = 0;
}

__attribute__((format(printf, 3, 4)))
static int failed(const struct ctx *x, int err, const char *fmt, ...)
{
	char what[256], where[256 + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	drop(x->task);
	if (x->s->op == CL_OP_REQUEST && x->t->workload->target_host[0])
		snprintf(where, sizeof where, "%s:%lld", x->t->workload->target_host,
			 (long long)x->t->workload->target_port);
	else if (x->s->op == CL_OP_REQUEST)
		snprintf(where, sizeof where, "127.0.0.1:%lld", (long long)x->t->env->server_port);
	else
		clw_io_file_name(where, sizeof where, x->t->env->io_dir, x->s->op == CL_OP_WRITE,
				 x->task->index, (unsigned)x->s->id);
	cl_trial_fail(x->t, err, "task %u: step %u (%s, config line %d): %s: %s", x->task->index,
		      x->s->id + 1, clw_op_name(x->s->op), x->s->line, where, what);
	return -1;
}

/* As many whole words from p as match, four a compare in four lanes of
 * registers: each lane waits on its own multiply, not on the word before
 * it (the client checks every byte, and must not be slower than the
 * server that makes them). Scalars, not arrays: an array goes through
 * memory, and 8-byte reloads of its 16-byte stores stall. The words checked
 * are taken from *p and *n; a mismatch is left for check_words to name. */
static void check_lanes(struct cl_task *task, const unsigned char **p, size_t *n)
{
	uint64_t l0 = task->io_word, l1 = clw_lcg_next(l0);
	uint64_t l2 = clw_lcg_next(l1), l3 = clw_lcg_next(l2);
	size_t k = 0;

	for (; k + 32 <= *n; k += 32) {
		uint64_t v0, v1, v2, v3; /* scalars: see l0 */

		memcpy(&v0, *p + k, 8);
		memcpy(&v1, *p + k + 8, 8);
		memcpy(&v2, *p + k + 16, 8);
		memcpy(&v3, *p + k + 24, 8);
		if ((v0 ^ l0) | (v1 ^ l1) | (v2 ^ l2) | (v3 ^ l3))
			break;
		l0 = clw_lcg_next4(l0);
		l1 = clw_lcg_next4(l1);
		l2 = clw_lcg_next4(l2);
		l3 = clw_lcg_next4(l3);
	}
	task->io_word = l0;
	task->io_pos += k;
	*p += k, *n -= k;
}

/* Check `n` bytes of the words of this task and step, from io_pos on: the
 * body of a response, or a file read back. 0, or -1 after failed(). */
static int check_words(const struct ctx *x, const unsigned char *p, size_t n, const char *what)
{
	struct cl_task *task = x->task;

	if (n > (uint64_t)x->s->bytes - task->io_pos)
		return failed(x, 0, "%zu bytes more than the %lld of the %s", n, (long long)x->s->bytes, what);
	while (n) {
		unsigned at = task->io_pos % 8;

		if (!at && n >= 32) { /* a word starts here: the fast way, as far as it goes */
			check_lanes(task, &p, &n);
			if (!n)
				break;
		}
		if (*p != (unsigned char)(task->io_word >> (8 * at)))
			return failed(x, 0, "byte %llu of the %s is wrong", (unsigned long long)task->io_pos,
				      what);
		if (at == 7)
			task->io_word = clw_lcg_next(task->io_word);
		task->io_pos++;
		p++, n--;
	}
	return 0;
}

/* A response of the user's own service (`target`): a header http.c
 * accepts, then the step's bytes, which are counted, not checked: their
 * content is the service's. */
static int take_target(const struct ctx *x, const unsigned char *p, size_t n)
{
	struct cl_task *task = x->task;
	struct clrt_http_head *h = &x->local->head;
	uint64_t want = (uint64_t)x->s->bytes;

	if (task->io_phase == HEADER) {
		char why[256];
		long used = clrt_http_take(h, p, n, want, why, sizeof why);

		if (used < 0)
			return failed(x, 0, "%s", why);
		if (!h->complete)
			return 0;
		p += used, n -= (size_t)used;
		task->io_phase = BODY;
		task->io_pos = 0;
	}
	if (n > want - task->io_pos && clrt_http_until_close(h))
		return failed(x, 0, "%llu bytes or more of a body that ends at the close (it has no "
			      "Content-Length), the step expects %lld", (unsigned long long)(task->io_pos + n),
			      (long long)x->s->bytes);
	if (n > want - task->io_pos)
		return failed(x, 0, "%llu bytes past the end of the response (its Content-Length is %lld)",
			      (unsigned long long)(task->io_pos + n - want), (long long)x->s->bytes);
	task->io_pos += n;
	return 0;
}

/* A response's bytes: the header first, exactly the server's, then the body. */
static int take_response(const struct ctx *x, const unsigned char *p, size_t n)
{
	if (x->t->workload->target_host[0])
		return take_target(x, p, n);

	struct cl_task *task = x->task;
	char head[128];
	size_t hlen = task->io_phase == HEADER ? (size_t)header_text(x->s, head, sizeof head) : 0;

	while (n && task->io_phase == HEADER) {
		if (*p != (unsigned char)head[task->io_pos])
			return failed(x, 0, "the response's header differs from \"%.*s\" at byte %llu",
				      (int)hlen - 4, head, (unsigned long long)task->io_pos);
		p++, n--;
		if (++task->io_pos == hlen) {
			task->io_phase = BODY;
			task->io_pos = 0;
			task->io_word = clw_lcg_advance(clw_io_seed(task->index, (unsigned)x->s->id), 1);
		}
	}
	return task->io_phase == BODY ? check_words(x, p, n, "response's body") : 0;
}

static int take(const struct ctx *x, const unsigned char *p, size_t n)
{
	return x->s->op == CL_OP_REQUEST ? take_response(x, p, n) : check_words(x, p, n, "file");
}

static pthread_key_t recv_key;
static pthread_once_t recv_once = PTHREAD_ONCE_INIT;

static void recv_key_make(void)
{
	if (pthread_key_create(&recv_key, free))
		recv_key = (pthread_key_t)-1;
}

/* The calling thread's buffer for large receives (freed when it exits), or
 * NULL: then the stack's small one. Only a thread that receives a large
 * body has one, so 10,000 threads of small requests cost nothing more. */
static unsigned char *recv_buffer(void)
{
	unsigned char *buf;

	pthread_once(&recv_once, recv_key_make);
	if (recv_key == (pthread_key_t)-1)
		return NULL;
	if (!(buf = pthread_getspecific(recv_key)) && (buf = malloc(RECV_BIG)) &&
	    pthread_setspecific(recv_key, buf)) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* Do op, or hand it out. Its result (>= 0, or -errno); PENDING when the
 * task must wait (*wait) or the operation is out (*io). RECV and READ
 * check what they read (take) before they return. */
static int64_t perform(const struct ctx *x, const struct cl_io *op)
{
	struct io_local *l = x->local;
	int mode = x->t->io_mode;
	int64_t n;

	if (mode == CLRT_IO_COMPLETION) {
		if (l->done) {
			l->done = l->handed = 0;
			return l->result;
		}
		*x->io = *op;
		l->handed = 1;
		l->op = op->op;
		l->oplen = op->len;
		return PENDING;
	}
	switch (op->op) {
	case CL_IO_CONNECT:
		n = connect(op->fd, op->addr, op->addrlen) ? -errno : 0;
		break;
	case CL_IO_SEND:
		n = send(op->fd, op->buf, op->len, MSG_NOSIGNAL);
		break;
	case CL_IO_RECV: {
		unsigned char small[RECV_STACK], *big = op->len > RECV_STACK ? recv_buffer() : NULL;
		unsigned char *buf = big ? big : small;
		size_t room = big ? RECV_BIG : RECV_STACK;

		n = recv(op->fd, buf, op->len < room ? op->len : room, 0);
		if (n > 0 && take(x, buf, (size_t)n))
			return -EBADMSG;
		break;
	}
	case CL_IO_READ:
		n = pread(op->fd, l->block, op->len, op->offset);
		if (n > 0 && take(x, l->block, (size_t)n))
			return -EBADMSG;
		break;
	case CL_IO_WRITE:
		n = pwrite(op->fd, op->buf, op->len, op->offset);
		break;
	default:
		n = fsync(op->fd);
	}
	if (n < 0)
		n = -errno;
	if ((n == -EAGAIN || n == -EINPROGRESS) && mode == CLRT_IO_READINESS) {
		x->wait->until_ns = INT64_MAX;
		x->wait->fd = op->fd;
		x->wait->events = op->op == CL_IO_RECV ? CL_WAIT_READ : CL_WAIT_WRITE;
		return PENDING;
	}
	return n == -EINTR ? perform(x, op) : n;
}

static int waiting(const struct ctx *x)
{
	return x->t->io_mode == CLRT_IO_COMPLETION ? 2 : 1;
}

/* The step's request, and the response's state cleared for its answer. */
static void compose_request(const struct ctx *x)
{
	struct cl_task *task = x->task;
	struct io_local *l = x->local;
	const struct cl_step_spec *s = x->s;
	const struct cl_workload *w = x->t->workload;

	if (w->target_host[0])
		l->reqlen = snprintf(l->req, sizeof l->req, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n",
				     w->target_path, w->target_host, s->keepalive ? "" : "Connection: close\r\n");
	else
		l->reqlen = snprintf(l->req, sizeof l->req, "GET /?bytes=%lld&delay_us=%lld&seed="
				     "%llu HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n",
				     (long long)s->bytes, (long long)(s->delay_ns / 1000),
				     (unsigned long long)clw_io_seed(task->index, (unsigned)x->s->id),
				     s->keepalive ? "" : "Connection: close\r\n");
	if (w->target_host[0])
		memset(&l->head, 0, sizeof l->head);
	task->io_pos = 0;
}

/* A socket of the trial's I/O mode for the task, to be connected next. 0,
 * or -1 after failed(). */
static int new_socket(const struct ctx *x)
{
	struct cl_task *task = x->task;
	struct io_local *l = x->local;
	const struct cl_workload *w = x->t->workload;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
				 (x->t->io_mode == CLRT_IO_READINESS ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return failed(x, errno, "socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	task->fd = fd + 1;
	task->io_blocking = (uint8_t)(x->t->io_mode == CLRT_IO_BLOCKING);
	l->addr = (struct sockaddr_in){ .sin_family = AF_INET,
					.sin_port = htons((uint16_t)(w->target_host[0] ? w->target_port
											: x->t->env->server_port)),
					.sin_addr.s_addr = w->target_host[0] ? x->t->env->target_ip
									     : htonl(INADDR_LOOPBACK) };
	l->answered = 0;
	task->io_phase = CONNECTING;
	return 0;
}

/* The bytes of the response's current part (header or body) that came. */
static uint64_t part_received(const struct ctx *x)
{
	if (x->task->io_phase == HEADER && x->t->workload->target_host[0])
		return x->local->head.len;
	return x->task->io_pos;
}

/* At most how many bytes the next recv may take: never past the response
 * (a keep-alive connection carries the next one), except that a body
 * ended by the close needs room for the close, or a byte too many. */
static size_t recv_room(const struct ctx *x)
{
	const struct cl_step_spec *s = x->s;
	int target = x->t->workload->target_host[0] != 0;
	char head[128];
	uint64_t left;

	if (x->task->io_phase == BODY)
		left = (uint64_t)s->bytes - x->task->io_pos + (target && clrt_http_until_close(&x->local->head));
	else if (target)
		left = sizeof x->local->head.text; /* a header of unknown length */
	else
		left = (uint64_t)header_text(s, head, sizeof head) - x->task->io_pos + (uint64_t)s->bytes;
	return left < 65536 ? (size_t)left : 65536;
}

/* A server may close a keep-alive connection whenever it is idle (RFC 9112
 * 9.5), and the client learns it only from the next request's send or
 * recv: then, while no byte of the answer has come, the request is sent
 * again on a new connection (RFC 9112 9.3.1), as curl does. A new
 * connection has carried nothing, so this happens once a step at most. */
static bool closed_while_idle(const struct ctx *x, int64_t n)
{
	if (!x->local->answered)
		return false;
	if (x->task->io_phase == SENDING)
		return n == -EPIPE || n == -ECONNRESET;
	return x->task->io_phase == HEADER && !part_received(x) && (n == 0 || n == -ECONNRESET);
}

static bool response_complete(const struct ctx *x)
{
	return x->task->io_phase == BODY && x->task->io_pos == (uint64_t)x->s->bytes &&
	       !(x->t->workload->target_host[0] && clrt_http_until_close(&x->local->head));
}

/* The whole response came: the connection kept for the next request when
 * the step and the server both want it. 0. */
static int response_done(const struct ctx *x)
{
	struct cl_task *task = x->task;
	int target = x->t->workload->target_host[0] != 0;

	if (!target) /* a target's body is the service's, not ours */
		task->checksum += clw_io_body_sum(clw_io_seed(task->index, (unsigned)x->s->id), (uint64_t)x->s->bytes);
	if (x->s->keepalive && (!target || clrt_http_reusable(&x->local->head))) {
		task->io_phase = IDLE;
		task->io_pos = 0;
		x->local->answered++;
	} else {
		drop(task);
	}
	return 0;
}

/* recv said the server closed the connection: the end of a body without a
 * Content-Length, or a response cut short. */
static int server_closed(const struct ctx *x)
{
	struct cl_task *task = x->task;

	if (task->io_phase == BODY && x->t->workload->target_host[0] &&
	    clrt_http_until_close(&x->local->head)) {
		if (task->io_pos == (uint64_t)x->s->bytes)
			return response_done(x);
		return failed(x, 0, "the server closed the connection after %llu bytes of the body (which "
			      "ends at the close: it has no Content-Length), the step expects %lld",
			      (unsigned long long)task->io_pos, (long long)x->s->bytes);
	}
	return failed(x, 0, "the server closed the connection after %llu bytes of the %s",
		      (unsigned long long)part_received(x), task->io_phase == HEADER ? "header" : "body");
}

static int request_step(const struct ctx *x)
{
	struct cl_task *task = x->task;
	struct io_local *l = x->local;
	int blocking = x->t->io_mode == CLRT_IO_BLOCKING, fd;
	int64_t n;

	if (task->fd > 0 && task->io_phase == IDLE && task->io_blocking != blocking)
		drop(task); /* a connection of another mode: start a new one */
	for (;;) {
		fd = task->fd - 1;
		switch (task->io_phase) {
		case IDLE:
			compose_request(x);
			if (task->fd > 0) {
				task->io_phase = SENDING;
				break;
			}
			if (new_socket(x))
				return -1;
			fd = task->fd - 1;
			/* fall through */
		case CONNECTING:
			if (x->t->io_mode == CLRT_IO_READINESS && l->handed) { /* woken: how did it go? */
				int err = 0;

				getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &(socklen_t){ sizeof err });
				n = -err;
				l->handed = 0;
			} else {
				n = perform(x, &(struct cl_io){ .op = CL_IO_CONNECT, .fd = fd, .addr = &l->addr,
								.addrlen = sizeof l->addr });
			}
			if (n == PENDING) {
				l->handed = 1; /* readiness: resumed by SO_ERROR above */
				return waiting(x);
			}
			if (n < 0 && n != -EISCONN)
				return failed(x, (int)-n, "connect");
			task->io_phase = SENDING;
			break;
		case SENDING:
			n = perform(x, &(struct cl_io){ .op = CL_IO_SEND, .fd = fd, .buf = l->req + task->io_pos,
							.len = (size_t)l->reqlen - task->io_pos });
			if (n == PENDING)
				return waiting(x);
			if (closed_while_idle(x, n)) {
				drop(task); /* and the request again, on a new connection */
				break;
			}
			if (n < 0)
				return failed(x, (int)-n, "sending the request");
			if ((task->io_pos += (uint64_t)n) < (uint64_t)l->reqlen)
				break;
			task->io_phase = HEADER;
			task->io_pos = 0;
			/* the server holds its answer: a recv now would only say
			 * EAGAIN, a system call per request for nothing */
			if (x->s->delay_ns && x->t->io_mode == CLRT_IO_READINESS) {
				x->wait->until_ns = INT64_MAX;
				x->wait->fd = fd;
				x->wait->events = CL_WAIT_READ;
				return 1;
			}
			break;
		case HEADER:
		case BODY:
			n = perform(x, &(struct cl_io){ .op = CL_IO_RECV, .fd = fd, .len = recv_room(x) });
			if (n == PENDING)
				return waiting(x);
			if (n == -EBADMSG)
				return -1; /* take() said what was wrong */
			if (closed_while_idle(x, n)) {
				drop(task); /* and the request again, on a new connection */
				break;
			}
			if (n < 0)
				return failed(x, (int)-n, "reading the response");
			if (n == 0)
				return server_closed(x);
			if (response_complete(x))
				return response_done(x);
			break;
		default:
			return failed(x, 0, "a request step found a file step's state");
		}
	}
}

static int file_step(const struct ctx *x)
{
	struct cl_task *task = x->task;
	struct io_local *l = x->local;
	const struct cl_step_spec *s = x->s;
	int writing = s->op == CL_OP_WRITE;
	int64_t n;

	for (;;) {
		int fd = task->fd - 1;

		switch (task->io_phase) {
		case IDLE: {
			char path[256];

			clw_io_file_name(path, sizeof path, x->t->env->io_dir, writing, task->index, (unsigned)x->s->id);
			/* a new file each time (a loop writes it again), never
			 * through a link: see host/sandbox/files.c */
			if (writing && unlink(path) && errno != ENOENT)
				return failed(x, errno, "unlink");
			fd = open(path, writing ? O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
						: O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
				  0600);
			if (fd < 0)
				return failed(x, errno, "open");
			task->fd = fd + 1;
			if (l->blocklen < (size_t)s->block) {
				free(l->block);
				if (!(l->block = malloc((size_t)s->block))) {
					l->blocklen = 0;
					return failed(x, ENOMEM, "a block of %lld bytes", (long long)s->block);
				}
				l->blocklen = (size_t)s->block;
			}
			task->io_phase = FILE_RW;
			task->io_pos = 0;
			task->io_word = clw_lcg_advance(clw_io_seed(task->index, (unsigned)x->s->id), 1);
			break;
		}
		case FILE_RW: {
			uint64_t left = (uint64_t)s->bytes - task->io_pos;
			size_t len = left < (uint64_t)s->block ? (size_t)left : (size_t)s->block;

			if (!len && !l->handed) { /* a read's last bytes came in io_done: take its result first */
				task->checksum += clw_io_body_sum(clw_io_seed(task->index, (unsigned)x->s->id),
								  (uint64_t)s->bytes);
				if (writing && s->fsync) {
					task->io_phase = FILE_SYNC;
					break;
				}
				drop(task);
				return 0;
			}
			if (writing && !l->handed)
				clw_io_words(l->block, task->index, (unsigned)x->s->id, task->io_pos, len);
			n = perform(x, &(struct cl_io){ .op = writing ? CL_IO_WRITE : CL_IO_READ, .fd = fd,
							.buf = l->block, .len = len,
							.offset = (int64_t)task->io_pos });
			if (n == PENDING)
				return 2; /* files never wait for readiness */
			if (n == -EBADMSG)
				return -1;
			if (n < 0)
				return failed(x, (int)-n, writing ? "write" : "read");
			if (n == 0)
				return failed(x, 0, "the file ends after %llu of its %lld bytes",
					      (unsigned long long)task->io_pos, (long long)s->bytes);
			if (writing)
				task->io_pos += (uint64_t)n;
			break;
		}
		case FILE_SYNC:
			n = perform(x, &(struct cl_io){ .op = CL_IO_FSYNC, .fd = fd });
			if (n == PENDING)
				return 2;
			if (n < 0)
				return failed(x, (int)-n, "fsync");
			drop(task);
			return 0;
		default:
			return failed(x, 0, "a file step found a request step's state");
		}
	}
}

int clrt_io_step(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		struct cl_wait *wait, struct cl_io *io)
{
	struct io_local *l = (struct io_local *)(uintptr_t)task->io_local;
	struct ctx x = { t, task, s, l, wait, io };

	if (!l) {
		if (!(l = calloc(1, sizeof *l)))
			return cl_trial_fail(t, ENOMEM, "task %u: no memory for its I/O", task->index), -1;
		task->io_local = (uint64_t)(uintptr_t)l;
		x.local = l;
	}
	if (l->handed && !l->done && t->io_mode == CLRT_IO_COMPLETION)
		return cl_trial_fail(t, EPROTO, "task %u stepped again before its operation was done "
				     "(the strategy must call cl_task_io_done first)", task->index), -1;
	return s->op == CL_OP_REQUEST ? request_step(&x) : file_step(&x);
}

void cl_task_io_done(struct cl_task *task, int64_t result, const void *data)
{
	struct cl_trial *t = clrt_trial_of(task);
	struct io_local *l = (struct io_local *)(uintptr_t)task->io_local;

	if (!l || !l->handed || l->done) {
		cl_trial_fail(t, EPROTO, "task %zu: cl_task_io_done without an operation out",
			      cl_task_index(task));
		return;
	}
	/* a result the operation cannot have had is a strategy's mistake (or
	 * lie), never a count to go on with */
	if (result > (int64_t)(l->op == CL_IO_CONNECT || l->op == CL_IO_FSYNC ? 0 : l->oplen) ||
	    (result > 0 && !data && (l->op == CL_IO_RECV || l->op == CL_IO_READ))) {
		cl_trial_fail(t, EPROTO, "task %zu: the strategy reported %lld for an operation of %zu "
			      "bytes (op %u)", cl_task_index(task), (long long)result,
			      l->op == CL_IO_CONNECT || l->op == CL_IO_FSYNC ? (size_t)0 : l->oplen, l->op);
		result = -EPROTO;
	}
	struct cl_step_spec s; /* the step as this task runs it: drawn */

	clw_task_step(t->workload, task->index, task->step, &s);
	if (result > 0 && (task->io_phase == HEADER || task->io_phase == BODY ||
			   (task->io_phase == FILE_RW && s.op == CL_OP_READ))) {
		struct ctx x = { t, task, &s, l, NULL, NULL };

		if (take(&x, data, (size_t)result))
			result = -EBADMSG;
	}
	l->result = result;
	l->done = 1;
}

void clrt_io_task_done(struct cl_task *task)
{
	struct io_local *l = (struct io_local *)(uintptr_t)task->io_local;

	if (task->fd > 0)
		close(task->fd - 1);
	task->fd = 0;
	if (l) {
		free(l->block);
		free(l);
	}
	task->io_local = 0;
}
