/* Request steps: one HTTP/1.1 exchange with conclab's loopback server
 * (host/serve), as a resumable state machine. A strategy that reads waits on
 * descriptors (CL_STRATEGY_FD_WAITS) gets the socket non-blocking and a wait
 * for it; any other gets a blocking socket and the whole exchange inside one
 * step, so a strategy built before I/O steps is served correctly, only
 * without overlap. Every byte of the response is checked against what the
 * server must send; the body's last word joins the task's checksum, which
 * the host computes on its own. Written by hand, not with a client library:
 * how a request waits is exactly what the lab measures. */
#define _GNU_SOURCE
#include "runtime_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum phase { IDLE, CONNECTING, SENDING, HEADER, BODY };

#define LCG_A 6364136223846793005ULL
#define LCG_C 1442695040888963407ULL

uint64_t cl__io_seed(uint32_t task, unsigned step)
{
	uint64_t z = ((uint64_t)task << 20) ^ ((uint64_t)step << 8) ^ 0x5eedu;

	z += 0x9e3779b97f4a7c15ULL; /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t cl__io_body_sum(uint64_t seed, uint64_t bytes)
{
	return bytes ? cl__lcg_jump(seed, (bytes + 7) / 8) : 0;
}

static int request_text(const struct cl_step_spec *s, uint64_t seed, char *buf, size_t len)
{
	return snprintf(buf, len, "GET /?bytes=%lld&delay_us=%lld&seed=%llu HTTP/1.1\r\n"
			"Host: 127.0.0.1\r\n%s\r\n", (long long)s->bytes, (long long)(s->delay_ns / 1000),
			(unsigned long long)seed, s->keepalive ? "" : "Connection: close\r\n");
}

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

__attribute__((format(printf, 5, 6)))
static int failed(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s, int err,
		  const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	drop(task);
	cl_trial_fail(t, err, "task %u: step %u (request, config line %d): 127.0.0.1:%lld: %s",
		      task->index, task->step + 1, s->line, (long long)t->workload->server_port, what);
	return -1;
}

static int open_socket(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		       int blocking)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)t->workload->server_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0), one = 1;

	if (fd < 0)
		return failed(t, task, s, errno, "socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	task->fd = fd + 1;
	task->io_blocking = (uint8_t)blocking;
	if (connect(fd, (struct sockaddr *)&to, sizeof to) == 0) {
		task->io_phase = SENDING;
		return 0;
	}
	if (errno != EINPROGRESS)
		return failed(t, task, s, errno, "connect");
	task->io_phase = CONNECTING;
	return 1;
}

/* Check `n` received bytes: the header first, then the body. 1 when the
 * response is whole, 0 to read on, -1 wrong (after failed()). */
static int take(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		const unsigned char *p, size_t n)
{
	char head[128];
	size_t hlen = task->io_phase == HEADER ? (size_t)header_text(s, head, sizeof head) : 0;

	while (n && task->io_phase == HEADER) {
		if (*p != (unsigned char)head[task->io_pos])
			return failed(t, task, s, 0, "the response's header differs from \"%.*s\" at "
				      "byte %llu", (int)hlen - 4, head, (unsigned long long)task->io_pos);
		p++, n--;
		if (++task->io_pos == hlen) {
			task->io_phase = BODY;
			task->io_pos = 0;
			task->io_word = cl__lcg_advance(cl__io_seed(task->index, task->step), 1);
		}
	}
	if (task->io_phase != BODY)
		return 0;
	if (n > (uint64_t)s->bytes - task->io_pos)
		return failed(t, task, s, 0, "%zu bytes more than the %lld of the response", n,
			      (long long)s->bytes);
	for (; n; p++, n--) {
		unsigned at = task->io_pos % 8;

		if (*p != (unsigned char)(task->io_word >> (8 * at)))
			return failed(t, task, s, 0, "byte %llu of the response's body is wrong",
				      (unsigned long long)task->io_pos);
		if (at == 7)
			task->io_word = task->io_word * LCG_A + LCG_C;
		task->io_pos++;
	}
	return task->io_pos == (uint64_t)s->bytes;
}

int cl__io_request(struct cl_trial *t, struct cl_task *task, const struct cl_step_spec *s,
		   unsigned step, int blocking, struct cl_wait *wait)
{
	char req[256];
	unsigned char buf[16384]; /* a thread's stack may be 64 KiB (threads.stack_kb) */
	int rc;

	(void)step;
	if (task->fd > 0 && task->io_phase == IDLE && task->io_blocking != blocking)
		drop(task); /* a connection of the other mode: start a new one */
	for (;;) {
		int fd = task->fd - 1;

		switch (task->io_phase) {
		case IDLE:
			if (task->fd > 0) {
				task->io_phase = SENDING;
				task->io_pos = 0;
				break;
			}
			if ((rc = open_socket(t, task, s, blocking)))
				goto wait_or_fail;
			break;
		case CONNECTING: {
			int err = 0;
			socklen_t len = sizeof err;

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err == EINPROGRESS || err == EALREADY) {
				rc = 1;
				goto wait_or_fail;
			}
			if (err)
				return failed(t, task, s, err, "connect");
			task->io_phase = SENDING;
			task->io_pos = 0;
			break;
		}
		case SENDING: {
			int len = request_text(s, cl__io_seed(task->index, task->step), req, sizeof req);
			ssize_t n = send(fd, req + task->io_pos, (size_t)len - task->io_pos, MSG_NOSIGNAL);

			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				rc = errno == EAGAIN;
				if (rc)
					goto wait_or_fail;
				break;
			}
			if (n < 0)
				return failed(t, task, s, errno, "sending the request");
			if ((task->io_pos += (uint64_t)n) == (uint64_t)len) {
				task->io_phase = HEADER;
				task->io_pos = 0;
				/* the server holds its answer: a recv now would only
				 * say EAGAIN, one system call per request for nothing */
				if (s->delay_ns && !blocking) {
					rc = 1;
					goto wait_or_fail;
				}
			}
			break;
		}
		case HEADER:
		case BODY: {
			ssize_t n = recv(fd, buf, sizeof buf, 0);

			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				rc = errno == EAGAIN;
				if (rc)
					goto wait_or_fail;
				break;
			}
			if (n < 0)
				return failed(t, task, s, errno, "reading the response");
			if (n == 0)
				return failed(t, task, s, 0, "the server closed the connection after %llu "
					      "bytes of the %s", (unsigned long long)task->io_pos,
					      task->io_phase == HEADER ? "header" : "body");
			if ((rc = take(t, task, s, buf, (size_t)n)) < 0)
				return -1;
			if (rc) {
				task->checksum += cl__io_body_sum(cl__io_seed(task->index, task->step),
								  (uint64_t)s->bytes);
				if (s->keepalive) {
					task->io_phase = IDLE;
					task->io_pos = 0;
				} else {
					drop(task);
				}
				return 0;
			}
			break;
		}
		}
	}
wait_or_fail:
	if (rc < 0)
		return -1;
	wait->until_ns = INT64_MAX;
	wait->fd = task->fd - 1;
	wait->events = task->io_phase == CONNECTING || task->io_phase == SENDING ? CL_WAIT_WRITE
										  : CL_WAIT_READ;
	return 1;
}

void cl__io_task_done(struct cl_task *task)
{
	if (task->fd > 0)
		close(task->fd - 1);
	task->fd = 0;
}
