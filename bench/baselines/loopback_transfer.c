/* Baseline: the least time BYTES take over one loopback TCP connection on
 * this machine, for seed-download's ideal (its server delay plus this): a
 * forked sender writes them from one 64 KiB buffer, the receiver reads
 * them into another and counts; timed from the connection to the last byte.
 *   loopback_transfer BYTES
 * Prints the seconds and the rate. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: loopback_transfer BYTES\n");
		return 2;
	}
	long long bytes = atoll(argv[1]), got = 0;
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof at;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), fd;
	static char buf[65536];
	double t0;
	pid_t pid;

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&at, sizeof at) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&at, &len)) {
		perror("loopback_transfer: listen");
		return 1;
	}
	memset(buf, 0x5a, sizeof buf);
	t0 = now();
	if ((pid = fork()) == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (connect(s, (struct sockaddr *)&at, sizeof at))
			_exit(1);
		for (long long sent = 0; sent < bytes;) {
			ssize_t n = send(s, buf, (size_t)(bytes - sent < (long long)sizeof buf ? bytes - sent
											     : (long long)sizeof buf), 0);
			if (n <= 0)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	if ((fd = accept(lfd, NULL, NULL)) < 0) {
		perror("loopback_transfer: accept");
		return 1;
	}
	for (ssize_t n; got < bytes && (n = recv(fd, buf, sizeof buf, 0)) > 0;)
		got += n;
	double wall = now() - t0;

	waitpid(pid, NULL, 0);
	if (got != bytes) {
		fprintf(stderr, "loopback_transfer: %lld of %lld bytes\n", got, bytes);
		return 1;
	}
	printf("loopback_transfer %lld bytes: %.4f s, %.2f GB/s\n", bytes, wall, bytes / wall / 1e9);
	return 0;
}
