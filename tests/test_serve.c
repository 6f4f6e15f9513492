/* The loopback server (host/serve): bodies made as they are sent, in
 * bounded memory; a client that never reads stops nobody else; pipelining;
 * timeouts, the connection limit and a graceful stop; and what a trial
 * records of its server. Waits are bounded (a receive timeout) so that a
 * broken server fails a test rather than hangs it; no time is asserted. */
#include "testlib.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LCG_A 6364136223846793005ULL
#define LCG_C 1442695040888963407ULL

/* A connection to 127.0.0.1:port whose receives give up after 30 s. */
static int dial(int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval limit = { .tv_sec = 30 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	CU_ASSERT_FATAL(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
	CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
	return fd;
}

static void send_text(int fd, const char *text)
{
	CU_ASSERT_EQUAL((size_t)send(fd, text, strlen(text), MSG_NOSIGNAL), strlen(text));
}

static char *request(char *buf, size_t len, uint64_t bytes, uint64_t seed)
{
	snprintf(buf, len, "GET /?bytes=%llu&delay_us=0&seed=%llu HTTP/1.1\r\nHost: t\r\n\r\n",
		 (unsigned long long)bytes, (unsigned long long)seed);
	return buf;
}

/* Read one response of `bytes` and check it: the header exactly, and the
 * body word by word against the LCG computed here, on its own. 0 or -1. */
static int read_response(int fd, uint64_t bytes, uint64_t seed)
{
	char head[128];
	int hlen = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n",
			    (unsigned long long)bytes);
	static unsigned char buf[65536];
	uint64_t at = 0, x = seed, total = (uint64_t)hlen + bytes;

	while (at < total) {
		size_t want = total - at < sizeof buf ? (size_t)(total - at) : sizeof buf;
		ssize_t n = recv(fd, buf, want, 0);

		if (n <= 0)
			return -1;
		for (ssize_t i = 0; i < n; i++, at++) {
			if (at < (uint64_t)hlen) {
				if (buf[i] != (unsigned char)head[at])
					return -1;
				continue;
			}
			uint64_t b = at - (uint64_t)hlen;

			if (b % 8 == 0)
				x = x * LCG_A + LCG_C;
			if (buf[i] != (unsigned char)(x >> (8 * (b % 8))))
				return -1;
		}
	}
	return 0;
}

/* VmHWM of a process, KiB; -1 when unreadable. */
static long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A server of the test's own with these limits, in a child; its port. */
static pid_t start_with(const struct cl_serve_limits *limits, int *port)
{
	char err[256];
	int fd = cl_server_listen("127.0.0.1", 0, err, sizeof err);
	struct sockaddr_in at;
	socklen_t len = sizeof at;
	pid_t pid;

	CU_ASSERT_FATAL(fd >= 0);
	getsockname(fd, (struct sockaddr *)&at, &len);
	*port = ntohs(at.sin_port);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		freopen("/dev/null", "w", stderr);
		_exit(cl_server_run(fd, 1, limits));
	}
	close(fd);
	return pid;
}

/* 256 MiB read to the end grow the server by less than 16 MiB: the body
 * is made as it is sent (the growth, not the size: a sanitizer's own
 * memory is in both). */
static void test_big_response_bounded(void)
{
	struct cl_server srv = { 0 };
	char err[256], req[256];
	int fd;

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	fd = dial(srv.port);
	send_text(fd, request(req, sizeof req, 1000, 7));
	CU_ASSERT_EQUAL(read_response(fd, 1000, 7), 0);
	long before = peak_rss_kb(srv.pid);

	send_text(fd, request(req, sizeof req, 256 << 20, 8));
	CU_ASSERT_EQUAL(read_response(fd, 256 << 20, 8), 0);
	long after = peak_rss_kb(srv.pid);

	CU_ASSERT(before > 0 && after > 0);
	if (after - before >= 16 * 1024)
		fprintf(stderr, "\nthe server grew from %ld to %ld KiB\n", before, after);
	CU_ASSERT(after - before < 16 * 1024);
	close(fd);
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* More clients than the loop has chunks (256) ask for 1 GiB and never
 * read; another is answered all the same, 4 MiB of it (more than its socket
 * holds: it needs a chunk too), and the server's memory stays bounded. */
static void test_reader_that_never_reads(void)
{
	enum { LAZY = 300 };
	struct cl_server srv = { 0 };
	char err[256], req[256];
	int lazy[LAZY], fd;

	CU_ASSERT(cl_raise_nofile() < 0 || cl_raise_nofile() > LAZY + 64);
	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	for (int i = 0; i < LAZY; i++) {
		lazy[i] = dial(srv.port);
		send_text(lazy[i], request(req, sizeof req, 1ULL << 30, 1));
	}
	usleep(200000); /* their sockets full, the chunks out */
	fd = dial(srv.port);
	for (int i = 0; i < 2; i++) {
		send_text(fd, request(req, sizeof req, 4 << 20, (uint64_t)i));
		CU_ASSERT_EQUAL(read_response(fd, 4 << 20, (uint64_t)i), 0);
	}
	long kb = peak_rss_kb(srv.pid);

	if (kb <= 0 || kb >= 64 * 1024)
		fprintf(stderr, "\nthe server's peak: %ld KiB\n", kb);
	CU_ASSERT(kb > 0 && kb < 64 * 1024);
	close(fd);
	for (int i = 0; i < LAZY; i++)
		close(lazy[i]);
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* A client that closes its side after its requests (shutdown SHUT_WR) gets
 * every answer, the delayed one too, then the close. */
static void test_half_close_answered(void)
{
	struct cl_server srv = { 0 };
	char err[256], two[512], c;
	int fd;

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	fd = dial(srv.port);
	snprintf(two, sizeof two, "GET /?bytes=3000000&delay_us=0&seed=2 HTTP/1.1\r\nHost: t\r\n\r\n"
		 "GET /?bytes=1000&delay_us=100000&seed=3 HTTP/1.1\r\nHost: t\r\n\r\n");
	send_text(fd, two);
	shutdown(fd, SHUT_WR);
	CU_ASSERT_EQUAL(read_response(fd, 3000000, 2), 0);
	CU_ASSERT_EQUAL(read_response(fd, 1000, 3), 0);
	CU_ASSERT_EQUAL(recv(fd, &c, 1, 0), 0);
	close(fd);
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* A request that says Connection: close, with more requests behind it
 * (more than the server reads): its whole answer, then a clean close, not
 * a reset that would destroy what the client had not read yet. */
static void test_close_with_requests_unread(void)
{
	struct cl_server srv = { 0 };
	char err[256], all[128 * 100 + 256], c;
	size_t len = 0;
	int fd;

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	len = (size_t)snprintf(all, sizeof all, "GET /?bytes=8000000&delay_us=0&seed=4 HTTP/1.1\r\nHost: t\r\n"
			       "Connection: close\r\n\r\n");
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(all + len, sizeof all - len, "GET /?bytes=1&delay_us=0&seed=%d HTTP/1.1"
					"\r\nHost: t\r\n\r\n", i);
	fd = dial(srv.port);
	CU_ASSERT_EQUAL((size_t)send(fd, all, len, MSG_NOSIGNAL), len);
	usleep(200000); /* the server has written what the sockets hold */
	char head[128];
	int hlen = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: 8000000\r\n"
			    "Connection: close\r\n\r\n");
	CU_ASSERT_EQUAL(recv(fd, head, (size_t)hlen, MSG_WAITALL), hlen);
	CU_ASSERT_EQUAL(memcmp(head, "HTTP/1.1 200 OK", 15), 0);
	size_t got = 0;
	static char buf[65536];

	for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
		got += (size_t)n;
	CU_ASSERT_EQUAL(got, 8000000);
	CU_ASSERT_EQUAL(recv(fd, &c, 1, 0), 0);
	close(fd);
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* The request line read strictly: a sign, a space, a number run into the
 * version, bare LFs: 400; HTTP/1.0 answered and closed; Connection's
 * tokens read as a list. */
static void test_requests_strict(void)
{
	static const char *const refused[] = {
		"GET /?bytes=+5&delay_us=0&seed=1 HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /?bytes= 5&delay_us=0&seed=1 HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /?bytes=5&delay_us=0&seed=1HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /?bytes=5&delay_us=0&seed=1 HTTP/1.1\nHost: t\n\n",
		"GET /?bytes=5&delay_us=0&seed=1 HTTP/1.2\r\nHost: t\r\n\r\n",
		"GET /?bytes=5&delay_us=0&seed=1 HTTP/1.1\r\nHost t\r\n\r\n",
		"GET /?bytes=99999999999999999999&delay_us=0&seed=1 HTTP/1.1\r\nHost: t\r\n\r\n",
	};
	struct cl_server srv = { 0 };
	char err[256], buf[512];
	ssize_t n;
	int fd;

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		fd = dial(srv.port);
		send_text(fd, refused[i]);
		n = recv(fd, buf, sizeof buf - 1, MSG_WAITALL);
		buf[n > 0 ? n : 0] = 0;
		if (!strstr(buf, "HTTP/1.1 400 Bad Request"))
			fprintf(stderr, "\nnot refused: %s\n", refused[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "HTTP/1.1 400 Bad Request"));
		close(fd);
	}
	static const char *const closing[] = {
		"GET /?bytes=5&delay_us=0&seed=1 HTTP/1.0\r\n\r\n",
		"GET /?bytes=5&delay_us=0&seed=1 HTTP/1.1\r\nConnection: keep-alive, CLOSE\r\n\r\n",
	};
	for (size_t i = 0; i < 2; i++) {
		fd = dial(srv.port);
		send_text(fd, closing[i]);
		n = recv(fd, buf, sizeof buf - 1, MSG_WAITALL);
		buf[n > 0 ? n : 0] = 0;
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"));
		CU_ASSERT_EQUAL(n, (ssize_t)strlen("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n") + 5);
		close(fd);
	}
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* 64 requests in one write, more than the server's request buffer: 64
 * answers, in order, each body checked. */
static void test_pipelining(void)
{
	struct cl_server srv = { 0 };
	char err[256], all[64 * 128];
	size_t len = 0;
	int fd;

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	for (int i = 0; i < 64; i++)
		len += (size_t)snprintf(all + len, sizeof all - len, "GET /?bytes=%d&delay_us=0&seed=%d "
					"HTTP/1.1\r\nHost: t\r\n\r\n", 1000 + i, i);
	CU_ASSERT(len > 2048);
	fd = dial(srv.port);
	CU_ASSERT_EQUAL((size_t)send(fd, all, len, MSG_NOSIGNAL), len);
	for (int i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(read_response(fd, 1000 + (uint64_t)i, (uint64_t)i), 0);
	CU_ASSERT_EQUAL(__atomic_load_n(srv.requests, __ATOMIC_ACQUIRE), 64);
	close(fd);
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* A request begun and never finished is closed at the header timeout; an
 * idle connection at the idle timeout; a whole one is still answered. */
static void test_timeouts(void)
{
	struct cl_serve_limits limits = { .header_timeout_ms = 200, .idle_timeout_ms = 300 };
	char req[256], c;
	int port, status;
	pid_t pid = start_with(&limits, &port);
	int slow = dial(port), idle = dial(port), good;

	send_text(slow, "GET /?bytes=1");
	CU_ASSERT_EQUAL(recv(slow, &c, 1, 0), 0); /* closed, not timed out here */
	CU_ASSERT_EQUAL(recv(idle, &c, 1, 0), 0);
	good = dial(port);
	send_text(good, request(req, sizeof req, 10, 3));
	CU_ASSERT_EQUAL(read_response(good, 10, 3), 0);
	/* a client that reads, slowly, through five idle timeouts: kept */
	send_text(good, request(req, sizeof req, 1ULL << 30, 4));
	usleep(100000);
	for (int i = 0; i < 30; i++) {
		static char buf[16384];

		CU_ASSERT(recv(good, buf, sizeof buf, 0) > 0);
		usleep(50000);
	}
	close(slow);
	close(idle);
	close(good);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* Beyond max_connections: 503 and a close; the first still answered. */
static void test_connection_limit(void)
{
	struct cl_serve_limits limits = { .max_connections = 1 };
	char req[256], buf[256] = "";
	int port, status;
	pid_t pid = start_with(&limits, &port);
	int first = dial(port), second;

	send_text(first, request(req, sizeof req, 10, 1));
	CU_ASSERT_EQUAL(read_response(first, 10, 1), 0);
	second = dial(port);
	CU_ASSERT(recv(second, buf, sizeof buf - 1, 0) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "HTTP/1.1 503 Service Unavailable"));
	close(second);
	close(first);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* SIGTERM: the response under way is finished (then the close), an idle
 * connection is closed, and the server exits 143. */
static void test_graceful_stop(void)
{
	struct cl_serve_limits limits = { 0 };
	char req[256];
	int port, status = 0;
	pid_t pid = start_with(&limits, &port);
	int busy = dial(port), idle = dial(port);
	char c;

	snprintf(req, sizeof req, "GET /?bytes=2000000&delay_us=300000&seed=5 HTTP/1.1\r\nHost: t\r\n\r\n");
	send_text(busy, req);
	send_text(idle, "");
	usleep(50000); /* the request read (if not, it is the idle one: still a clean stop) */
	kill(pid, SIGTERM);
	char head[128];
	ssize_t n = recv(busy, head, 17, MSG_WAITALL);

	CU_ASSERT_EQUAL(n, 17);
	if (n > 0 && memcmp(head, "HTTP/1.1 200 OK\r\n", 17))
		fprintf(stderr, "\ngot \"%.*s\"\n", (int)n, head);
	CU_ASSERT_EQUAL(memcmp(head, "HTTP/1.1 200 OK\r\n", 17), 0);
	CU_ASSERT_EQUAL(recv(idle, &c, 1, 0), 0);
	close(idle);
	close(busy);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 143);
}

/* A trial with request steps records its server: the CPU the kernel
 * counted, busy as that over the run's wall, and bound at the threshold. */
static void test_trial_records_server(void)
{
	struct cl_test_exp e;
	struct cl_trial_result r;

	cl_test_exp_load_ok(&e, "workload = { tasks = 4; steps = ( { op = \"request\"; bytes = 4000000; } ); };\n"
			    "strategies = ( \"async\", \"serial\" ); syncs = ( \"none\" );\n");
	for (size_t i = 0; i < e.ncells; i++) {
		cl_test_run_cell(&e, i, &r);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT(r.has_server);
		CU_ASSERT(r.server_cpu_ns > 0);
		CU_ASSERT(r.server_rss_kb > 0);
		CU_ASSERT_DOUBLE_EQUAL(r.server_busy, (double)r.server_cpu_ns / (double)r.wall_ns, 1e-9);
		CU_ASSERT_EQUAL(r.server_bound, r.server_busy >= CL_SERVER_BOUND &&
						r.server_cpu_ns >= CL_SERVER_BOUND_MIN_NS);
		json_t *j = cl_trial_to_json(&r);
		struct cl_trial_result back;
		char err[256];

		CU_ASSERT_EQUAL(cl_trial_from_json(j, &back, err, sizeof err), 0);
		CU_ASSERT(back.has_server);
		CU_ASSERT_EQUAL(back.server_cpu_ns, r.server_cpu_ns);
		CU_ASSERT_EQUAL(back.server_rss_kb, r.server_rss_kb);
		CU_ASSERT_EQUAL(back.server_bound, r.server_bound);
		json_decref(j);
		cl_trial_result_free(&back);
		cl_trial_result_free(&r);
	}
	cl_test_exp_free(&e);
	/* no request step, no server */
	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"sleep\"; ms = 1; } ); };\n"
			    "strategies = ( \"threads\" ); syncs = ( \"none\" );\n");
	cl_test_run_cell(&e, 0, &r);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT(!r.has_server);
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "a 256 MiB response: the server grows less than 16 MiB", test_big_response_bounded },
		{ "more clients that never read than chunks stop nobody else", test_reader_that_never_reads },
		{ "a client that closes its side after its requests: answered", test_half_close_answered },
		{ "Connection: close with requests unread: the whole answer, no reset", test_close_with_requests_unread },
		{ "request lines read strictly; HTTP/1.0 and Connection's list", test_requests_strict },
		{ "64 requests in one write: 64 answers, every byte checked", test_pipelining },
		{ "header and idle timeouts close; a slow reader is kept", test_timeouts },
		{ "beyond the connection limit: 503", test_connection_limit },
		{ "SIGTERM: the response under way finishes, exit 143", test_graceful_stop },
		{ "a trial records its server's CPU, busy and bound", test_trial_records_server },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("serve", tests);
}
