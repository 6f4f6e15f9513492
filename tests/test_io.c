/* Request steps: every strategy gets every byte of every response checked
 * (the checksum the host computes on its own); a refused port, a server that
 * closes early, a short and a wrong response each give the documented status
 * and a message naming the address and the step; a strategy built against
 * the ABI 1.0 headers is served, blocking; 10,000 connections complete under
 * async; a `target` (a scripted server of the test's own) gets a request
 * again on a new connection when its keep-alive one was closed while idle,
 * its HTTP/1.0 and Connection: close honoured, its header read strictly;
 * nothing is left open or running. Judged from statuses and counts. */
#define _GNU_SOURCE
#include "testlib.h"
#include "http.h"
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>

/* The uring strategy is built where liburing is (CL_TEST_HAVE_URING). */
#ifdef CL_TEST_HAVE_URING
#define URING ", \"uring\""
#define NURING 1
#else
#define URING ""
#define NURING 0
#endif

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void run_all_ok(struct cl_test_exp *e, int64_t tasks)
{
	for (size_t i = 0; i < e->ncells; i++) {
		struct cl_trial_result r;

		cl_test_run_cell(e, i, &r);
		if (r.status != CL_STATUS_OK)
			fprintf(stderr, "\n%s: %s: %s\n", e->cells[i].label, cl_status_name(r.status), r.message);
		CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
		CU_ASSERT_EQUAL(r.tasks_done, tasks);
		CU_ASSERT_TRUE(r.checksum_ok);
		CU_ASSERT_EQUAL(r.left_behind, 0);
		cl_trial_result_free(&r);
	}
}

/* Every strategy, pools too, keep-alive and a connection per request,
 * bodies of 0, 13 (not a whole word) and 200,000 bytes, twice over. */
static void test_every_strategy_verified_bytes(void)
{
	struct cl_test_exp e;
	int fds = open_fds();

	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		 "workload = { tasks = 6; loop = 2; steps = (\n"
		 "  { op = \"request\"; bytes = 200000; delay_ms = 5; },\n"
		 "  { op = \"request\"; bytes = 13; keepalive = false; },\n"
		 "  { op = \"compute\"; iterations = 1000; },\n"
		 "  { op = \"request\"; bytes = 0; delay_ms = 1; } ); };\n"
		 "strategies = ( \"serial\", \"threads\", \"processes\", \"async\", \"uv\", \"hybrid\""
		 URING " );\n"
		 "syncs = ( \"none\" );\n"
		 "params = { threads = { workers = [0, 2]; }; processes = { workers = [0, 2]; };\n"
		 "           hybrid = { threads = [0, 4]; }; };\n");
	CU_ASSERT_EQUAL(e.ncells, 9 + NURING);
	run_all_ok(&e, 6);
	cl_test_exp_free(&e);
	CU_ASSERT_EQUAL(open_fds(), fds); /* no listening socket left in the host */
}

/* A wrong body is not believed: a compute checksum alone would pass. */
static void check_fault(const char *fault, const char *strategy, const char *want, int keepalive)
{
	struct cl_test_exp e;
	struct cl_trial_result r;
	char text[1024];

	snprintf(text, sizeof text, "timeout = 30;\n"
		 "workload = { tasks = 3; steps = ( { op = \"compute\"; iterations = 10; },\n"
		 "  { op = \"request\"; bytes = 4096; keepalive = %s; } ); };\n"
		 "strategies = ( \"%s\" ); syncs = ( \"none\" );\n", keepalive ? "true" : "false", strategy);
	cl_test_exp_load_ok(&e, text);
	setenv("CONCLAB_SERVER_FAULT", fault, 1);
	cl_test_run_cell(&e, 0, &r);
	unsetenv("CONCLAB_SERVER_FAULT");
	if (r.status != CL_STATUS_ERROR || !strstr(r.message, want))
		fprintf(stderr, "\n%s under %s: %s: %s\n", fault, strategy, cl_status_name(r.status), r.message);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, ": step 2 (request, config line 3): 127.0.0.1:"));
	CU_ASSERT_EQUAL(r.left_behind, 0);
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

static void test_faults_named(void)
{
	static const char *const strategies[] = { "serial", "threads", "processes", "async", "uv", "hybrid",
#ifdef CL_TEST_HAVE_URING
						  "uring",
#endif
	};

	for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
		check_fault("refuse", strategies[i], "connect: Connection refused", 1);
		check_fault("close", strategies[i], "the server closed the connection after 0 bytes of "
			    "the header", 1);
		check_fault("short", strategies[i], "the server closed the connection after 2048 bytes of "
			    "the body", 0);
		check_fault("wrong", strategies[i], "byte 2048 of the response's body is wrong", 1);
	}
}

/* A server whose loop stops for 50 ms after each write, as on a loaded
 * machine: the clients have every byte long before the server hears that
 * its write finished. The request count the host judges by is whole all the
 * same, so every trial of every strategy is ok (it once judged 28 of 35
 * correct trials wrong: the count was taken when the write completed). */
static void test_slow_server_every_trial_ok(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		 "workload = { tasks = 6; loop = 2; steps = (\n"
		 "  { op = \"request\"; bytes = 65536; },\n"
		 "  { op = \"request\"; bytes = 100; keepalive = false; } ); };\n"
		 "strategies = ( \"serial\", \"threads\", \"processes\", \"async\", \"uv\", \"hybrid\""
		 URING " );\n"
		 "syncs = ( \"none\" );\n");
	setenv("CONCLAB_SERVER_FAULT", "slow", 1);
	for (int trial = 0; trial < 2; trial++)
		run_all_ok(&e, 6);
	unsetenv("CONCLAB_SERVER_FAULT");
	cl_test_exp_free(&e);
}

/* A strategy built against the frozen ABI 1.0 headers steps its tasks as an
 * event loop of timers only: request steps reach it as blocking work inside
 * the step, never as a descriptor wait it cannot read, and come out right. */
static void test_abi_1_0_strategy_served(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "timeout = 30;\n"
		 "workload = { tasks = 4; steps = ( { op = \"sleep\"; ms = 20; },\n"
		 "  { op = \"request\"; bytes = 5000; delay_ms = 2; } ); };\n"
		 "strategies = ( \"" CL_TEST_FIXTURE_DIR "/abi10loop.so\" ); syncs = ( \"none\" );\n");
	run_all_ok(&e, 4);
	cl_test_exp_free(&e);
}

/* c10k: 10,000 connections open at once under one event loop, conclab's
 * and libuv's, under a loop per CPU, and on one io_uring. */
static void test_ten_thousand_connections(void)
{
	struct cl_test_exp e;

	cl_test_exp_load_ok(&e, "timeout = 120;\n"
		 "workload = { tasks = 10000; loop = 2; steps = (\n"
		 "  { op = \"request\"; bytes = 100; delay_ms = 10; } ); };\n"
		 "strategies = ( \"async\", \"uv\", \"hybrid\"" URING " ); syncs = ( \"none\" );\n");
	run_all_ok(&e, 10000);
	cl_test_exp_free(&e);
}

static size_t leftover_folders(void)
{
	glob_t g;
	size_t n = glob("/tmp/conclab-files-*", 0, NULL, &g) == 0 ? g.gl_pathc : 0;

	globfree(&g);
	return n;
}

/* Read and write steps under every strategy: every byte read checked, every
 * file written checked by the host afterwards, the folder gone after. Reads
 * and writes of 0 bytes, of a size that is no whole block, fsync or not. */
static void test_files_every_strategy(void)
{
	struct cl_test_exp e;
	size_t before = leftover_folders();

	unsetenv("TMPDIR");
	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		 "workload = { tasks = 5; loop = 2; steps = (\n"
		 "  { op = \"read\"; bytes = 300000; block = 65536; },\n"
		 "  { op = \"write\"; bytes = 100003; block = 4096; fsync = true; },\n"
		 "  { op = \"request\"; bytes = 999; },\n"
		 "  { op = \"write\"; bytes = 0; },\n"
		 "  { op = \"read\"; bytes = 7; block = 3; } ); };\n"
		 "strategies = ( \"serial\", \"threads\", \"processes\", \"async\", \"uv\", \"hybrid\""
		 URING " );\n"
		 "syncs = ( \"none\" );\n");
	run_all_ok(&e, 5);
	cl_test_exp_free(&e);
	CU_ASSERT_EQUAL(leftover_folders(), before);
}

/* As another user (nobody), for as long as the parent lets it: plant a
 * link to `victim` under every name a trial's files folder in `parent`
 * will hold, as a local user on a shared machine could. */
_Noreturn static void plant_links(const char *parent, const char *victim, int tasks)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		_exit(1);
	for (;;) {
		glob_t g;
		char pattern[512], link[1024];

		snprintf(pattern, sizeof pattern, "%s/conclab-files-*", parent);
		if (glob(pattern, 0, NULL, &g) == 0)
			for (size_t i = 0; i < g.gl_pathc; i++)
				for (int t = 0; t < tasks; t++)
					for (int step = 1; step <= 2; step++) {
						snprintf(link, sizeof link, "%s/%c%d-%d", g.gl_pathv[i],
							 step == 1 ? 'w' : 'r', t, step);
						(void)symlink(victim, link);
					}
		globfree(&g);
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);
	}
}

static char *read_whole(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r"), *m = open_memstream(&text, &len);
	int ch;

	while (f && (ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	if (f)
		fclose(f);
	return text;
}

/* The trial's files folder is the running user's alone (0700): another
 * user's links planted in it while a run goes on (a root run on a shared
 * /tmp) are never written through; the victim, a root-only file, keeps its
 * bytes and mode, and the trials are ok. Needs root, for the second user. */
static void test_files_folder_private(void)
{
	struct cl_test_exp e;
	char parent[] = "/tmp/conclab-shared-XXXXXX", victim[] = "/tmp/conclab-victim-XXXXXX";
	const char *was = "root's own, not for a trial\n";
	struct stat st;
	pid_t planter;
	int fd;

	if (geteuid() != 0) {
		fprintf(stderr, "(not root: no second user to plant links; skipped) ");
		return;
	}
	CU_ASSERT_FATAL(mkdtemp(parent) != NULL);
	CU_ASSERT_FATAL(chmod(parent, 01777) == 0); /* as /tmp is */
	CU_ASSERT_FATAL((fd = mkstemp(victim)) >= 0);
	CU_ASSERT_FATAL(write(fd, was, strlen(was)) == (ssize_t)strlen(was));
	close(fd);
	setenv("TMPDIR", parent, 1);
	cl_test_exp_load_ok(&e, "timeout = 60;\n"
		 "workload = { tasks = 16; steps = ( { op = \"sleep\"; ms = 150; },\n"
		 "  { op = \"write\"; bytes = 4096; }, { op = \"read\"; bytes = 100; } ); };\n"
		 "strategies = ( \"threads\", \"processes\" ); syncs = ( \"none\" );\n");
	if ((planter = fork()) == 0)
		plant_links(parent, victim, 16);
	run_all_ok(&e, 16);
	kill(planter, SIGKILL);
	waitpid(planter, NULL, 0);
	unsetenv("TMPDIR");
	cl_test_exp_free(&e);

	char *now = read_whole(victim);

	CU_ASSERT_STRING_EQUAL(now, was);
	CU_ASSERT_EQUAL(stat(victim, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	free(now);
	unlink(victim);
	cl_test_sh(NULL, "rm -rf '%s'", parent);
}

static size_t folders_in(const char *parent)
{
	char pattern[512];
	glob_t g;
	size_t n;

	snprintf(pattern, sizeof pattern, "%s/conclab-files-*", parent);
	n = glob(pattern, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
	globfree(&g);
	return n;
}

/* kill -9 of the host leaves its trial's files folder; the next run that
 * uses files removes it (its name holds the dead host's pid), and leaves a
 * live host's alone. */
static void test_killed_hosts_folder_removed(void)
{
	char *parent = cl_test_temp_dir(), *cfg, live[600];
	char *out = NULL;
	pid_t host;
	int64_t give_up = cl_now_ns() + 30000000000LL;

	cfg = cl_test_write_file(".cfg", "timeout = 60;\n"
		 "workload = { tasks = 2; steps = ( { op = \"write\"; bytes = 100; },\n"
		 "  { op = \"sleep\"; ms = 30000; } ); };\n"
		 "strategies = ( \"threads\" ); syncs = ( \"none\" ); repeat = 1;\n");
	/* a live host's folder, of this very process: never taken */
	snprintf(live, sizeof live, "%s/conclab-files-%d-LIVE00", parent, (int)getpid());
	CU_ASSERT_FATAL(mkdir(live, 0700) == 0);
	if ((host = fork()) == 0) {
		setenv("TMPDIR", parent, 1);
		execl(CL_TEST_CONCLAB, CL_TEST_CONCLAB, "run", cfg, "--quiet", (char *)NULL);
		_exit(127);
	}
	while (folders_in(parent) < 2 && cl_now_ns() < give_up)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	CU_ASSERT_EQUAL(folders_in(parent), 2);
	kill(host, SIGKILL);
	waitpid(host, NULL, 0);
	CU_ASSERT_EQUAL(folders_in(parent), 2); /* left behind, as kill -9 does */

	char *quick = cl_test_write_file(".cfg", "workload = { tasks = 1; steps = (\n"
		 "  { op = \"write\"; bytes = 10; } ); };\n"
		 "strategies = ( \"serial\" ); syncs = ( \"none\" ); repeat = 1;\n");

	CU_ASSERT_EQUAL(cl_test_sh(&out, "TMPDIR='%s' '%s' run '%s' --quiet", parent, CL_TEST_CONCLAB, quick), 0);
	CU_ASSERT_EQUAL(folders_in(parent), 1); /* the dead host's gone, the live one kept */
	CU_ASSERT_EQUAL(access(live, F_OK), 0);
	free(out);
	rmdir(live);
	rmdir(parent);
	unlink(cfg);
	unlink(quick);
	free(cfg);
	free(quick);
	free(parent);
}

/* A strategy that feeds the runtime the very words the server would send,
 * without a socket: the server's count of answers gives it away. */
static void check_forged(const char *steps, int mode, enum cl_status want_status, const char *want)
{
	struct cl_test_exp e;
	struct cl_trial_result r;
	char text[512];

	snprintf(text, sizeof text, "timeout = 30;\n"
		 "workload = { tasks = 4; steps = ( %s ); };\n"
		 "strategies = ( \"" CL_TEST_FIXTURE_DIR "/noio.so\" ); syncs = ( \"none\" );\n"
		 "params = { fixture-noio = { mode = %d; }; };\n", steps, mode);
	cl_test_exp_load_ok(&e, text);
	cl_test_run_cell(&e, 0, &r);
	if (r.status != want_status || !strstr(r.message, want))
		fprintf(stderr, "\nnoio %d: %s: %s\n", mode, cl_status_name(r.status), r.message);
	CU_ASSERT_EQUAL(r.status, want_status);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
}

/* A strategy that feeds the runtime the very words the server or the host
 * wrote, without a socket or a read: the server's count of answers, and the
 * files' access times, give it away; a result longer than its operation is
 * refused at once. */
static void test_forged_io(void)
{
	struct statvfs fs;

	check_forged("{ op = \"request\"; bytes = 64; }", 1, CL_STATUS_WRONG,
		     "the server received 0 of the 4 requests the tasks claim");
	check_forged("{ op = \"request\"; bytes = 64; }", 2, CL_STATUS_ERROR,
		     "the strategy reported");
	if (statvfs("/tmp", &fs) == 0 && !(fs.f_flag & ST_NOATIME) && !getenv("TMPDIR"))
		check_forged("{ op = \"read\"; bytes = 10000; block = 4096; }", 3, CL_STATUS_WRONG,
			     "was never read (its access time is not past its writing)");
}

/* 5,000 bytes with no end of request, then a good request on a new
 * connection: one 431 and a close, and the server still answers. */
static void test_server_long_request(void)
{
	struct cl_server srv;
	char err[256], buf[4096], junk[5000];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
	to.sin_port = htons((uint16_t)srv.port);
	memset(junk, 'A', sizeof junk);
	for (int round = 0; round < 2; round++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		ssize_t n, got = 0;
		const char *good = "GET /?bytes=5&delay_us=0&seed=1 HTTP/1.1\r\nHost: x\r\n\r\n";

		CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
		if (round == 0)
			(void)!send(fd, junk, sizeof junk, MSG_NOSIGNAL);
		else
			(void)!send(fd, good, strlen(good), MSG_NOSIGNAL);
		while (got < (ssize_t)sizeof buf - 1 && (n = recv(fd, buf + got, sizeof buf - 1 - (size_t)got, 0)) > 0) {
			got += n;
			if (round == 1 && got >= 43)
				break;
		}
		buf[got] = 0;
		const char *want = round == 0 ? "HTTP/1.1 431 Request Header Fields Too Large" : "HTTP/1.1 200 OK";

		CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(buf, want));
		if (round == 0) /* one answer, then the close */
			CU_ASSERT_PTR_NULL(strstr(strstr(buf, want) + strlen(want), " 431 "));
		close(fd);
	}
	cl_server_stop(&srv);
	cl_server_release(&srv);
}

/* A target of the test's own: a conclab server started for each cell, once
 * the config is loaded (the host kills every child of its own left after a
 * probe or a trial, this one too), its port put in the cell's workload. */
static void run_target(const char *path, int64_t bytes, const char *strategy, const char *want)
{
	struct cl_test_exp e;
	struct cl_trial_result r;
	struct cl_server srv = { 0 };
	char text[512], err[256];

	snprintf(text, sizeof text, "timeout = 30; target = \"http://127.0.0.1:1%s\";\n"
		 "workload = { tasks = 3; loop = 2; steps = (\n"
		 "  { op = \"request\"; bytes = %lld; } ); };\n"
		 "strategies = ( \"%s\" ); syncs = ( \"none\" );\n", path ? path : "/", (long long)bytes,
		 strategy);
	cl_test_exp_load_ok(&e, text);
	if (path) {
		CU_ASSERT_EQUAL_FATAL(cl_server_start(&srv, err, sizeof err), 0);
		e.cells[0].workload.target_port = srv.port;
	}
	cl_test_run_cell(&e, 0, &r);
	if (want ? !strstr(r.message, want) : r.status != CL_STATUS_OK)
		fprintf(stderr, "\n%s %s: %s: %s\n", path, strategy, cl_status_name(r.status), r.message);
	CU_ASSERT_EQUAL(r.status, want ? CL_STATUS_ERROR : CL_STATUS_OK);
	if (want) {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
	} else {
		CU_ASSERT_EQUAL(r.tasks_done, 3);
	}
	cl_trial_result_free(&r);
	cl_test_exp_free(&e);
	cl_server_stop(&srv);
}

/* `target`: the user's own service (here a conclab server of the test's):
 * status 200 and a Content-Length of the step's bytes are required, the
 * body counted; anything else is an error naming the target. */
static void test_target(void)
{
	static const char *const strategies[] = { "serial", "threads", "async", "uv",
#ifdef CL_TEST_HAVE_URING
						  "uring",
#endif
	};
	struct cl_test_exp e;

	const char *ok = "/?bytes=100&delay_us=0&seed=1";

	for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
		run_target(ok, 100, strategies[i], NULL);
		run_target(ok, 99, strategies[i], "the response's Content-Length is 100, the step expects 99");
		run_target("/nope", 0, strategies[i], "the service answered \"HTTP/1.1 400 Bad Request\", not 200");
	}
	run_target(NULL, 10, "async", "127.0.0.1:1: connect: Connection refused");
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "target = \"ftp://x:1/\";\n"
					       "workload = { tasks = 1; steps = ( { op = \"request\"; bytes = 1; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, ":1: target: must be a string \"http://HOST:PORT/PATH\""));
	cl_test_exp_free(&e);
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "target = \"http://h:1/\";\n"
					       "workload = { tasks = 1; steps = (\n"
					       "  { op = \"request\"; bytes = 1; delay_ms = 5; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, "cannot ask the user's service for a delay (line 3)"));
	cl_test_exp_free(&e);
}

/* A target of the test's own that answers scripted raw bytes: a thread
 * listening on 127.0.0.1, a thread per connection (so one it holds open
 * delays no other), each connection answered in turn with `answers`. */
#define SCRIPT_CONNS 64

struct script {
	const char *answers[4]; /* the answer to a connection's 1st, 2nd, ... request;
				 * after the last, the connection is closed */
	bool        first_only; /* later connections are closed unanswered */
	bool        hold;       /* after the last answer, keep the connection open
				 * and silent until the client closes it: a
				 * client that sent on it again would wait */
	/* the server's own */
	int             listen_fd, port;
	pthread_t       acceptor;
	pthread_mutex_t lock;
	int             conns; /* connections accepted */
	struct script_conn {
		struct script *script;
		int            fd; /* -1 once the handler closed it */
		int            index;
		bool           started;
		pthread_t      thread;
	} conn[SCRIPT_CONNS];
};

/* Read one request, to its empty line: 1, or 0 at the close. */
static int read_request(int fd)
{
	unsigned last4 = 0;
	unsigned char c;
	ssize_t n;

	while ((n = recv(fd, &c, 1, 0)) == 1 || (n < 0 && errno == EINTR))
		if (n == 1 && (last4 = last4 << 8 | c) == 0x0d0a0d0a)
			return 1;
	return 0;
}

static void *script_conn_run(void *arg)
{
	struct script_conn *c = arg;
	const struct script *s = c->script;

	for (int k = 0; read_request(c->fd); k++) {
		const char *answer = k < 4 && !(s->first_only && c->index) ? s->answers[k] : NULL;

		if (!answer)
			break;
		(void)!send(c->fd, answer, strlen(answer), MSG_NOSIGNAL);
		if (k < 3 && s->answers[k + 1])
			continue;
		while (s->hold && read_request(c->fd))
			; /* never answered */
		break;
	}
	pthread_mutex_lock(&c->script->lock);
	close(c->fd);
	c->fd = -1;
	pthread_mutex_unlock(&c->script->lock);
	return NULL;
}

static void *script_accept(void *arg)
{
	struct script *s = arg;
	int fd;

	/* until script_stop's shutdown, which accept answers with EINVAL */
	while ((fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0 || errno == EINTR ||
	       errno == ECONNABORTED) {
		if (fd < 0)
			continue;
		pthread_mutex_lock(&s->lock);
		if (s->conns < SCRIPT_CONNS) {
			struct script_conn *c = &s->conn[s->conns];

			*c = (struct script_conn){ .script = s, .fd = fd, .index = s->conns };
			c->started = pthread_create(&c->thread, NULL, script_conn_run, c) == 0;
			if (!c->started) {
				close(fd);
				c->fd = -1;
			}
		} else {
			close(fd);
		}
		s->conns++;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

static void script_start(struct script *s)
{
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof at;

	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(s->listen_fd >= 0);
	CU_ASSERT_FATAL(bind(s->listen_fd, (struct sockaddr *)&at, sizeof at) == 0);
	CU_ASSERT_FATAL(listen(s->listen_fd, 128) == 0);
	CU_ASSERT_FATAL(getsockname(s->listen_fd, (struct sockaddr *)&at, &len) == 0);
	s->port = ntohs(at.sin_port);
	s->conns = 0;
	pthread_mutex_init(&s->lock, NULL);
	CU_ASSERT_FATAL(pthread_create(&s->acceptor, NULL, script_accept, s) == 0);
}

/* Stop accepting, end every connection still open, and wait for them. */
static void script_stop(struct script *s)
{
	shutdown(s->listen_fd, SHUT_RDWR); /* accept returns */
	pthread_join(s->acceptor, NULL);
	close(s->listen_fd);
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->conns && i < SCRIPT_CONNS; i++)
		if (s->conn[i].fd >= 0)
			shutdown(s->conn[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&s->lock);
	for (int i = 0; i < s->conns && i < SCRIPT_CONNS; i++)
		if (s->conn[i].started)
			pthread_join(s->conn[i].thread, NULL);
	pthread_mutex_destroy(&s->lock);
}

/* One cell against the scripted server: `tasks` tasks, `loop` times a
 * keep-alive request step of `bytes`. The connections it saw, and *r. */
static int run_scripted(struct script *s, const char *strategy, int tasks, int loop, int64_t bytes,
			struct cl_trial_result *r)
{
	struct cl_test_exp e;
	char text[512];

	snprintf(text, sizeof text, "timeout = 15; target = \"http://127.0.0.1:1/scripted\";\n"
		 "workload = { tasks = %d; loop = %d; steps = (\n"
		 "  { op = \"request\"; bytes = %lld; } ); };\n"
		 "strategies = ( \"%s\" ); syncs = ( \"none\" );\n", tasks, loop, (long long)bytes, strategy);
	cl_test_exp_load_ok(&e, text);
	script_start(s);
	e.cells[0].workload.target_port = s->port;
	cl_test_run_cell(&e, 0, r);
	script_stop(s);
	cl_test_exp_free(&e);
	return s->conns;
}

/* The scripted server's answers make every task's steps ok, over `want`
 * connections in all. */
static void scripted_ok(struct script s, const char *strategy, int tasks, int loop, int want)
{
	struct cl_trial_result r;
	int conns = run_scripted(&s, strategy, tasks, loop, 5, &r);

	if (r.status != CL_STATUS_OK || conns != want)
		fprintf(stderr, "\n%s, \"%.40s\": %s: %s (%d connections)\n", strategy, s.answers[0],
			cl_status_name(r.status), r.message, conns);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_OK);
	CU_ASSERT_EQUAL(r.tasks_done, tasks);
	CU_ASSERT_EQUAL(conns, want);
	cl_trial_result_free(&r);
}

static bool all_printable(const char *s)
{
	while (*s >= 0x20 && *s < 0x7f)
		s++;
	return !*s;
}

/* The scripted server's answers fail a step of 5 bytes with a message
 * holding `want`, over `conns` connections (0: any number). */
static void scripted_error(struct script s, const char *strategy, int tasks, int loop, const char *want,
			   int conns)
{
	struct cl_trial_result r;
	int seen = run_scripted(&s, strategy, tasks, loop, 5, &r);

	if (r.status != CL_STATUS_ERROR || !strstr(r.message, want) || (conns && seen != conns))
		fprintf(stderr, "\n%s, \"%.40s\": %s: %s (%d connections)\n", strategy, s.answers[0],
			cl_status_name(r.status), r.message, seen);
	CU_ASSERT_EQUAL(r.status, CL_STATUS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "step 1 (request, config line 3): 127.0.0.1:"));
	if (conns)
		CU_ASSERT_EQUAL(seen, conns);
	CU_ASSERT_TRUE(all_printable(r.message)); /* the server's bytes, quoted */
	cl_trial_result_free(&r);
}

static const char *const target_strategies[] = { "serial", "threads", "processes", "async", "uv", "hybrid",
#ifdef CL_TEST_HAVE_URING
						 "uring",
#endif
};
#define OK11 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"

/* A keep-alive connection its server closed while it was idle (as servers
 * do after a while, or after a number of requests) is found out when the
 * next request is sent or its answer read, and the request sent once more
 * on a new connection, before any byte of the answer: never twice, and
 * never after a byte of the answer came. */
static void test_target_reconnect(void)
{
	for (size_t i = 0; i < sizeof target_strategies / sizeof *target_strategies; i++) {
		const char *strategy = target_strategies[i];

		/* one answer a connection, the close unannounced: a new one each request */
		scripted_ok((struct script){ .answers = { OK11 } }, strategy, 3, 3, 9);
		/* the new connection closed unanswered too: an error, after one retry */
		scripted_error((struct script){ .answers = { OK11 }, .first_only = true }, strategy, 1, 2,
			       "the server closed the connection after 0 bytes of the header", 2);
		/* a connection that never answered is no idle one: no retry */
		scripted_error((struct script){ .answers = { NULL } }, strategy, 1, 1,
			       "the server closed the connection after 0 bytes of the header", 1);
		/* 11 bytes of the second answer came: no retry */
		scripted_error((struct script){ .answers = { OK11, "HTTP/1.1 20" } }, strategy, 1, 2,
			       "the server closed the connection after 11 bytes of the header", 1);
	}
}

/* HTTP/1.0 and Connection: close end the connection after the response:
 * the server holds it open and would never answer a second request on it,
 * so a client that reused it would hang; HTTP/1.0 with keep-alive keeps
 * it. A body without a Content-Length ends at the close, and must be the
 * step's bytes. */
static void test_target_close_delimited(void)
{
	for (size_t i = 0; i < sizeof target_strategies / sizeof *target_strategies; i++) {
		const char *strategy = target_strategies[i];

		scripted_ok((struct script){ .answers = { "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello" },
					     .hold = true }, strategy, 3, 3, 9);
		scripted_ok((struct script){ .answers = { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
							  "connection: Keep-Alive , CLOSE\r\n\r\nhello" },
					     .hold = true }, strategy, 3, 2, 6);
		scripted_ok((struct script){ .answers = { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
							  "Content-Length: 5\r\n\r\nhello", "HTTP/1.0 200 OK\r\n"
							  "Connection: keep-alive\r\nContent-Length: 5\r\n\r\nhello" } },
			    strategy, 1, 2, 1);
		scripted_ok((struct script){ .answers = { "HTTP/1.0 200 OK\r\n\r\nhello" } }, strategy, 3, 2, 6);
		scripted_ok((struct script){ .answers = { "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nhello" } },
			    strategy, 2, 2, 4);
		scripted_error((struct script){ .answers = { "HTTP/1.0 200 OK\r\n\r\nhell" } }, strategy, 3, 1,
			       "the server closed the connection after 4 bytes of the body (which ends at the "
			       "close: it has no Content-Length), the step expects 5", 0);
		scripted_error((struct script){ .answers = { "HTTP/1.0 200 OK\r\n\r\nhello!" } }, strategy, 3,
			       1, "6 bytes or more of a body that ends at the close", 0);
	}
}

/* What is not exactly HTTP/1.0 or 1.1 is refused, naming the byte. */
static void test_target_strict_header(void)
{
	static const struct { const char *answer, *want; } refused[] = {
		{ "HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 9 of the response header: the status is not three digits (\"HTTP/1.1 2000 OK\")" },
		{ "HTTP/1.1 20x OK\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 9 of the response header: the status is not three digits" },
		{ "HTTP/1.X 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 7 of the response header: the version is not HTTP/1.0 or HTTP/1.1 (\"HTTP/1.X 200 OK\")" },
		{ "HTTP/2 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 5 of the response header: the version is not HTTP/1.0 or HTTP/1.1" },
		{ "HTTP/1.1  200 OK\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 9 of the response header: the status is not three digits" },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 9 of the response header: the service answered \"HTTP/1.1 404 Not Found\", not 200" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
		  "byte 52 of the response header: two different Content-Lengths, 5 and 6" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 36 of the response header: Transfer-Encoding together with Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello",
		  "byte 55 of the response header: Transfer-Encoding together with Content-Length" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		  "byte 36 of the response header: Transfer-Encoding \"chunked\": chunked responses are not decoded" },
		{ "HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello",
		  "byte 17 of the response header: a header line without a colon (\"Content-Length 5\")" },
		{ "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
		  "byte 31 of the response header: whitespace before the colon" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n c\r\n\r\nhello",
		  "byte 44 of the response header: a line starts with a space or tab (obs-fold" },
		{ "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
		  "byte 15 of the response header: a line ends in a bare LF, not CRLF" },
		{ "HTTP/1.1 200 OK\r\nX-A: b\x01" "c\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 23 of the response header: a control byte in a line (\"X-A: b\\x01c\")" },
		{ "HTTP/1.1 200 OK\r\nX-A: b\rc\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 23 of the response header: a control byte in a line (\"X-A: b\\x0dc\")" },
		{ "HTTP/1.1 404 \x1b[2J\r\n\r\n", "byte 13 of the response header: a control byte in a line" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
		  "byte 33 of the response header: the Content-Length is not digits only (\"+5\")" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello",
		  "byte 34 of the response header: the Content-Length is not digits only" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhello",
		  "byte 33 of the response header: the Content-Length 99999999999999999999 is too large" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!",
		  "byte 33 of the response header: the response's Content-Length is 6, the step expects 5 bytes" },
		{ "HTTP/1.1 200 OK\r\nX-A\x80: b\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 20 of the response header: a byte a header name cannot hold (\"X-A\\x80: b\")" },
		{ "HTTP/1.1 200 OK\r\n: b\r\nContent-Length: 5\r\n\r\nhello",
		  "byte 17 of the response header: a header line with no name" },
	};
	static const char *const strategies[] = { "serial", "threads", "async",
#ifdef CL_TEST_HAVE_URING
						  "uring",
#endif
	};
	char huge[2048];

	for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++)
		for (size_t k = 0; k < sizeof refused / sizeof *refused; k++)
			scripted_error((struct script){ .answers = { refused[k].answer } }, strategies[i], 2, 1,
				       refused[k].want, 0);
	snprintf(huge, sizeof huge, "HTTP/1.1 200 OK\r\nX-A: %01900d\r\nContent-Length: 5\r\n\r\nhello", 0);
	scripted_error((struct script){ .answers = { huge } }, "async", 1, 1,
		       "byte 1023 of the response header: a response header longer than 1023 bytes", 0);
	/* what is allowed: a Content-Length repeated with its value, any
	 * case in names, OWS around values, a reason phrase with a tab or
	 * none at all, bytes above 0x7f in a value */
	scripted_ok((struct script){ .answers = { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length:5\r\n"
						  "\r\nhello" } }, "serial", 1, 1, 1);
	scripted_ok((struct script){ .answers = { "HTTP/1.1 200\r\nCONTENT-LENGTH: \t5 \t\r\nX-E: \xc3\xa9\xff\r\n"
						  "\r\nhello" } }, "async", 1, 1, 1);
	scripted_ok((struct script){ .answers = { "HTTP/1.0 200 all\tgood\r\nContent-Length: 005\r\n\r\nhello" } },
		    "threads", 1, 1, 1);
}

/* The header parser fed a byte at a time, as a slow server sends it: the
 * same answer, and the body's first bytes told apart from the header's. */
static void test_target_header_split(void)
{
	const char *text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct clrt_http_head h = { 0 };
	char why[256] = "";
	size_t at = 0;
	long used = 0;

	while (!h.complete && text[at] && used >= 0)
		at += (size_t)(used = clrt_http_take(&h, (const unsigned char *)text + at, 1, 5, why, sizeof why));
	CU_ASSERT_TRUE(h.complete);
	CU_ASSERT_STRING_EQUAL(text + at, "hello");
	CU_ASSERT_TRUE(clrt_http_reusable(&h));
	CU_ASSERT_FALSE(clrt_http_until_close(&h));
	memset(&h, 0, sizeof h);
	used = clrt_http_take(&h, (const unsigned char *)text, strlen(text), 5, why, sizeof why);
	CU_ASSERT_EQUAL(used, (long)(strlen(text) - 5));
	memset(&h, 0, sizeof h);
	CU_ASSERT_EQUAL(clrt_http_take(&h, (const unsigned char *)"HTTP/1.1 200 OK\r\n\n", 18, 5, why,
				      sizeof why), -1);
	CU_ASSERT_STRING_EQUAL(why, "byte 17 of the response header: a line ends in a bare LF, not CRLF "
			       "(\"\")");
}

/* More connections than the hard descriptor limit allows: refused before
 * the run, naming the limit; a strategy that blocks (one connection per
 * thread, threads.max_threads guards it) is not. */
static void test_descriptor_limit(void)
{
	char *cfg = cl_test_write_file(".cfg", "workload = { tasks = 5000; steps = (\n"
				       "  { op = \"request\"; bytes = 1; } ); };\n"
				       "strategies = ( \"threads\", \"async\" ); syncs = ( \"none\" );\n");
	char *out;

	CU_ASSERT_EQUAL(cl_test_sh(&out, "ulimit -Sn 1000 && ulimit -Hn 2000 && '%s' check '%s'",
				   CL_TEST_CONCLAB, cfg), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ":1: cell 'async+none': 5000 connections may be open at once, "
				      "and the hard limit on open descriptors (RLIMIT_NOFILE) is 2000"));
	free(out);
	unlink(cfg);
	free(cfg);
}

static void test_config_errors(void)
{
	struct cl_test_exp e;

	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "workload = { tasks = 1; steps = ( { op = \"request\"; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, ":1: workload.steps[0]: request needs bytes"));
	cl_test_exp_free(&e);
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "workload = { tasks = 1; steps = (\n"
					       "  { op = \"request\"; bytes = 1; iterations = 3; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, ":2: workload.steps[0]: 'iterations' does not apply to op "
				      "\"request\""));
	cl_test_exp_free(&e);
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "workload = { tasks = 1; steps = (\n"
					       "  { op = \"request\"; bytes = 1; keepalive = 1; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, "keepalive: must be true or false, got an integer"));
	cl_test_exp_free(&e);
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "workload = { tasks = 1; steps = (\n\n"
					       "  { op = \"read\"; bytes = 1; fsync = true; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, ":3: workload.steps[0]: 'fsync' does not apply to op \"read\""));
	cl_test_exp_free(&e);
	CU_ASSERT_NOT_EQUAL(cl_test_exp_load(&e, "workload = { tasks = 1; steps = (\n"
					       "  { op = \"write\"; bytes = 10; block = 0; } ); };\n"
					       "strategies = ( \"serial\" ); syncs = ( \"none\" );\n"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.err, "block: must be between 1 and 16777216, got 0"));
	cl_test_exp_free(&e);
}

/* Read and write steps that need more than the files folder's file system
 * has free are refused before any trial, with both figures; what fits is
 * taken. */
static void test_files_space_checked(void)
{
	struct cl_test_exp e;
	char err[1024];

	cl_test_exp_load_ok(&e, "workload = { tasks = 10000000; steps = (\n"
		 "  { op = \"write\"; bytes = 1073741824; },\n"
		 "  { op = \"read\"; bytes = 1073741824; } ); };\n"
		 "strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	CU_ASSERT_EQUAL(cl_cells_check(&e.x, e.cells, e.ncells, err, sizeof err), -1);
	if (!strstr(err, "need 19.1 PiB in the trial's files folder under"))
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: cell 'serial+none': its read and write steps need 19.1 PiB in "
				      "the trial's files folder under"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "free: free space, set TMPDIR to a larger file system"));
	cl_test_exp_free(&e);
	cl_test_exp_load_ok(&e, "workload = { tasks = 2; steps = ( { op = \"write\"; bytes = 4096; } ); };\n"
		 "strategies = ( \"serial\" ); syncs = ( \"none\" );\n");
	CU_ASSERT_EQUAL(cl_cells_check(&e.x, e.cells, e.ncells, err, sizeof err), 0);
	cl_test_exp_free(&e);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every strategy: every byte of every response checked", test_every_strategy_verified_bytes },
		{ "refused, closed, short, wrong: an error naming address and step", test_faults_named },
		{ "a server slowed after each write: every trial ok", test_slow_server_every_trial_ok },
		{ "a strategy built against ABI 1.0 is served, blocking", test_abi_1_0_strategy_served },
		{ "10,000 connections under async, uv, hybrid and uring", test_ten_thousand_connections },
		{ "read and write steps: every byte checked, nothing left", test_files_every_strategy },
		{ "I/O claimed but never done: wrong", test_forged_io },
		{ "another user's links in the files folder: never followed", test_files_folder_private },
		{ "a killed host's files folder: removed by the next run", test_killed_hosts_folder_removed },
		{ "the server survives a request too long for it", test_server_long_request },
		{ "target: the user's own service, status and length checked", test_target },
		{ "target: a keep-alive connection closed while idle: one retry", test_target_reconnect },
		{ "target: HTTP/1.0, Connection: close, a body ended by the close", test_target_close_delimited },
		{ "target: a header not exactly HTTP/1.x: refused, naming the byte", test_target_strict_header },
		{ "target: a header that comes a byte at a time", test_target_header_split },
		{ "more connections than the descriptor limit: refused before the run", test_descriptor_limit },
		{ "I/O steps: config errors name the line", test_config_errors },
		{ "read and write steps larger than the free space: refused", test_files_space_checked },
		CU_TEST_INFO_NULL,
	};

	return cl_test_main("io", tests);
}
