/* Baseline: a hand-written epoll HTTP/1.1 client, the least an event loop
 * can do per request: N keep-alive connections to conclab's server, each
 * making R requests of B bytes held D ms, one at a time; it counts the
 * response's bytes (header and body) and checks nothing else.
 *   epoll_client PORT CONNECTIONS REQUESTS BYTES DELAY_MS
 * Prints the wall time, requests per second and peak RSS. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int    fd, done;
	size_t sent, got, want;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: epoll_client PORT CONNECTIONS REQUESTS BYTES DELAY_MS\n");
		return 2;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]), reqs = atoi(argv[3]);
	long bytes = atol(argv[4]), delay = atol(argv[5]);
	char req[256], head[128];
	int rlen = snprintf(req, sizeof req, "GET /?bytes=%ld&delay_us=%ld&seed=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
			    bytes, delay * 1000);
	size_t want = (size_t)snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n\r\n", bytes) +
		      (size_t)bytes;
	struct conn *c = calloc((size_t)n, sizeof *c);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rlimit rl;
	int ep = epoll_create1(0), left = n;
	static char buf[65536];
	static struct epoll_event ev[256];
	double t0;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct epoll_event e = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };

		c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		if (connect(c[i].fd, (struct sockaddr *)&to, sizeof to) && errno != EINPROGRESS) {
			perror("connect");
			return 1;
		}
		c[i].want = want;
		epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
	}
	while (left) {
		int k = epoll_wait(ep, ev, 256, -1);

		for (int j = 0; j < k; j++) {
			struct conn *x = &c[ev[j].data.u32];
			struct epoll_event e = { .data.u32 = ev[j].data.u32 };

			if (x->sent < (size_t)rlen) { /* connected, or room to send */
				ssize_t s = send(x->fd, req + x->sent, (size_t)rlen - x->sent, MSG_NOSIGNAL);

				if (s > 0 && (x->sent += (size_t)s) == (size_t)rlen) {
					e.events = EPOLLIN;
					epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e);
				}
				continue;
			}
			ssize_t r;

			while ((r = recv(x->fd, buf, sizeof buf, 0)) > 0)
				x->got += (size_t)r;
			if (r == 0) {
				fprintf(stderr, "the server closed a connection\n");
				return 1;
			}
			if (x->got < x->want)
				continue;
			x->got = x->sent = 0;
			if (++x->done == reqs) {
				close(x->fd);
				left--;
				continue;
			}
			ssize_t s = send(x->fd, req, (size_t)rlen, MSG_NOSIGNAL);

			x->sent = s > 0 ? (size_t)s : 0;
			e.events = x->sent == (size_t)rlen ? EPOLLIN : EPOLLOUT;
			epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e);
		}
	}
	double wall = now() - t0;
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("epoll_client %d x %d: %.3f s, %.0f requests/s, max rss %.1f MB\n", n, reqs, wall,
	       (double)n * reqs / wall, ru.ru_maxrss / 1024.0);
	return 0;
}
