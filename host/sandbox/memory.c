#define _GNU_SOURCE
#include "memory.h"
#include <conclab/runtime.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_INTERVAL_NS    10000000  /* 10 ms */
#define MAX_INTERVAL_NS    100000000 /* 100 ms */
#define MAX_DEPTH          5         /* init, trial, workers of workers of workers */
#define MAX_THREADS_WALKED 64        /* mpirun has 4 threads, a rank 3 */

struct sizes {
	int64_t rss_kb, pss_kb, procs; /* procs: tasks (processes and threads) */
};

/* The proportional set of pid from smaps_rollup (Linux 4.14 on), or 0. */
static int64_t pss_of(pid_t pid)
{
	char path[64], line[128];
	long long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Pss: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long page_kb; /* set once, when a watch starts */

static void tree(pid_t pid, int depth, bool counted, struct sizes *sum);

/* The descendants of the thread tid of pid: /proc lists a child under the
 * thread that forked it, and only there. */
static void children_of(pid_t pid, pid_t tid, int depth, struct sizes *sum)
{
	char path[64];
	FILE *f;
	int child;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)tid);
	if (!(f = fopen(path, "r")))
		return;
	while (fscanf(f, "%d", &child) == 1)
		tree(child, depth + 1, true, sum);
	fclose(f);
}

/* The sizes of pid plus those of its descendants. The strategies fork from
 * their main thread, and so does Open MPI 4.1's mpirun; nothing holds
 * another launcher or version to that, so a process of a few threads has
 * every thread's children read. One of hundreds is a threads trial's, whose
 * every thread's file would make a sample cost more than it may. */
static void tree(pid_t pid, int depth, bool counted, struct sizes *sum)
{
	char path[64], stat[1024], *end;
	long threads = 0, pages = 0;
	FILE *f;
	DIR *tasks;
	struct dirent *d;

	/* /proc/PID/stat: its threads (field 20) and resident pages (24),
	 * after the command name, which may hold anything but ends at the
	 * last ')' */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (counted && (f = fopen(path, "r"))) {
		if (fgets(stat, sizeof stat, f) && (end = strrchr(stat, ')')) &&
		    sscanf(end + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				    "%*d %ld %*d %*u %*u %ld", &threads, &pages) == 2) {
			sum->rss_kb += (int64_t)pages * page_kb;
			sum->procs += threads;
		}
		fclose(f);
	}
	if (counted)
		sum->pss_kb += pss_of(pid);
	if (depth >= MAX_DEPTH)
		return;
	if (!counted || threads <= 1 || threads > MAX_THREADS_WALKED) {
		children_of(pid, pid, depth, sum);
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(tasks = opendir(path)))
		return;
	while ((d = readdir(tasks)))
		if (d->d_name[0] != '.')
			children_of(pid, (pid_t)atoi(d->d_name), depth, sum);
	closedir(tasks);
}

void cl_memory_watch_start(struct cl_memory_watch *w, pid_t root, bool forks)
{
	w->root = root;
	w->skip_root = false;
	w->last_kb = w->last_procs = 0;
	w->sampling = forks;
	page_kb = sysconf(_SC_PAGESIZE) / 1024;
	w->peak_kb = w->peak_pss_kb = 0;
	w->interval_ns = MIN_INTERVAL_NS;
	w->next_ns = cl_now_ns() + 1000000; /* the first after 1 ms */
}

void cl_memory_watch_root(struct cl_memory_watch *w, pid_t init)
{
	w->root = init;
	w->skip_root = true;
}

int cl_memory_watch_tick(struct cl_memory_watch *w)
{
	int64_t now = cl_now_ns();

	if (!w->sampling || w->root <= 0)
		return 1 << 30; /* nothing to sample yet: the init's report wakes the host */
	if (now >= w->next_ns) {
		struct sizes sum = { 0 };
		int64_t cost;

		tree(w->root, 0, !w->skip_root, &sum);
		cost = cl_now_ns() - now;
		w->last_kb = sum.rss_kb;
		w->last_procs = sum.procs;
		w->peak_kb = sum.rss_kb > w->peak_kb ? sum.rss_kb : w->peak_kb;
		w->peak_pss_kb = sum.pss_kb > w->peak_pss_kb ? sum.pss_kb : w->peak_pss_kb;
		/* sampling must not become the load it measures: about a
		 * tenth of one CPU at most, however many processes there are
		 * (up to a sample every 100 ms) */
		w->interval_ns = cost * 10 > MIN_INTERVAL_NS ? cost * 10 : MIN_INTERVAL_NS;
		w->interval_ns = w->interval_ns < MAX_INTERVAL_NS ? w->interval_ns : MAX_INTERVAL_NS;
		w->next_ns = cl_now_ns() + w->interval_ns;
	}
	return (int)((w->next_ns - cl_now_ns()) / 1000000) + 1;
}
