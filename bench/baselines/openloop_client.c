/* Baseline: a hand-written open-loop HTTP/1.1 client, as wrk2 measures: N
 * requests to conclab's server arriving at RATE a second (Poisson: an
 * exponential gap before each), each on a connection of its own, whether or
 * not the earlier ones are answered; one epoll loop. Latency is from each
 * request's scheduled arrival to its whole response (coordinated omission
 * corrected), as conclab's response time is.
 *   openloop_client PORT N RATE BYTES DELAY_MS SEED
 * Prints the achieved rate, p50, p99 and max latency. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct req {
	int     fd;
	int64_t due;  /* scheduled arrival, ns */
	int64_t end;  /* whole response, ns   */
	size_t  sent, got;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: openloop_client PORT N RATE BYTES DELAY_MS SEED\n");
		return 2;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]);
	double rate = atof(argv[3]);
	long bytes = atol(argv[4]), delay = atol(argv[5]);
	uint64_t x = strtoull(argv[6], NULL, 10) * 2654435761u + 1;
	char text[256], head[128];
	int len = snprintf(text, sizeof text, "GET /?bytes=%ld&delay_us=%ld&seed=1 HTTP/1.1\r\nHost: "
			   "127.0.0.1\r\nConnection: close\r\n\r\n", bytes, delay * 1000);
	size_t want = (size_t)snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n"
				       "Connection: close\r\n\r\n", bytes) + (size_t)bytes;
	struct req *r = calloc((size_t)n, sizeof *r);
	int64_t *lat = calloc((size_t)n, sizeof *lat);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rlimit rl;
	int ep = epoll_create1(0), next = 0, left = n;
	static char buf[65536];
	static struct epoll_event ev[256];
	int64_t t0, at = 0;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	t0 = now_ns();
	for (int i = 0; i < n; i++) { /* the schedule: exponential gaps, the first at 0 */
		r[i].due = t0 + at;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		at += (int64_t)llround(-log1p(-((double)(x >> 11) + 0.5) / 9007199254740992.0) * 1e9 / rate);
	}
	while (left) {
		int64_t t = now_ns();

		for (; next < n && r[next].due <= t; next++) { /* every request now due */
			struct epoll_event e = { .events = EPOLLOUT, .data.u32 = (uint32_t)next };

			if ((r[next].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) {
				perror("openloop_client: socket (more requests in flight than descriptors?)");
				return 1;
			}
			setsockopt(r[next].fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
			if (connect(r[next].fd, (struct sockaddr *)&to, sizeof to) && errno != EINPROGRESS) {
				perror("connect");
				return 1;
			}
			epoll_ctl(ep, EPOLL_CTL_ADD, r[next].fd, &e);
		}
		/* until the next request is due, to the nanosecond (epoll_wait's
		 * milliseconds would start requests up to one late) */
		int64_t wait = next < n ? r[next].due - now_ns() : -1;
		struct timespec until = { wait > 0 ? wait / 1000000000 : 0, wait > 0 ? wait % 1000000000 : 0 };
		int k = epoll_pwait2(ep, ev, 256, next < n ? &until : NULL, NULL);

		for (int j = 0; j < k; j++) {
			struct req *q = &r[ev[j].data.u32];
			struct epoll_event e = { .events = EPOLLIN, .data.u32 = ev[j].data.u32 };

			if (q->sent < (size_t)len) {
				ssize_t s = send(q->fd, text + q->sent, (size_t)len - q->sent, MSG_NOSIGNAL);

				if (s > 0 && (q->sent += (size_t)s) == (size_t)len)
					epoll_ctl(ep, EPOLL_CTL_MOD, q->fd, &e);
				continue;
			}
			ssize_t got;

			while ((got = recv(q->fd, buf, sizeof buf, 0)) > 0)
				q->got += (size_t)got;
			if (q->got < want && got != 0)
				continue;
			q->end = now_ns();
			close(q->fd);
			left--;
		}
	}
	int64_t last_due = r[n - 1].due, done_by_last = 0;

	for (int i = 0; i < n; i++) {
		lat[i] = r[i].end - r[i].due;
		done_by_last += r[i].end <= last_due;
	}
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	printf("openloop_client %d at %.0f/s: achieved %.0f/s, p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", n,
	       rate, last_due > r[0].due ? (double)done_by_last / ((double)(last_due - r[0].due) / 1e9) : 0,
	       (double)lat[(size_t)(n * 0.50 + 0.999999) - 1] / 1e6,
	       (double)lat[(size_t)(n * 0.99 + 0.999999) - 1] / 1e6, (double)lat[n - 1] / 1e6);
	return 0;
}
