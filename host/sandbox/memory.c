#define _GNU_SOURCE
#include "memory.h"
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MIN_INTERVAL_NS 10000000  /* 10 ms */
#define MAX_INTERVAL_NS 100000000 /* 100 ms */
#define MAX_DEPTH       4        /* workers of workers of workers */

/* Resident kB of pid plus those of its descendants (children of its main
 * thread: where the strategies fork). */
static int64_t resident_tree(pid_t pid, int depth)
{
	char path[64];
	long pages = 0, size;
	int64_t kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%ld %ld", &size, &pages) == 2)
			kb = (int64_t)pages * (sysconf(_SC_PAGESIZE) / 1024);
		fclose(f);
	}
	if (depth >= MAX_DEPTH)
		return kb;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if ((f = fopen(path, "r"))) {
		int child;

		while (fscanf(f, "%d", &child) == 1)
			kb += resident_tree(child, depth + 1);
		fclose(f);
	}
	return kb;
}

void cl_memory_watch_start(struct cl_memory_watch *w, pid_t root)
{
	w->root = root;
	w->peak_kb = 0;
	w->interval_ns = MIN_INTERVAL_NS;
	w->next_ns = cl_now_ns() + 1000000; /* the first after 1 ms */
}

int cl_memory_watch_tick(struct cl_memory_watch *w)
{
	int64_t now = cl_now_ns();

	if (now >= w->next_ns) {
		int64_t kb = resident_tree(w->root, 0), cost = cl_now_ns() - now;

		w->peak_kb = kb > w->peak_kb ? kb : w->peak_kb;
		/* sampling must not become the load it measures: about a
		 * tenth of one CPU at most, however many processes there are
		 * (up to a sample every 100 ms) */
		w->interval_ns = cost * 10 > MIN_INTERVAL_NS ? cost * 10 : MIN_INTERVAL_NS;
		w->interval_ns = w->interval_ns < MAX_INTERVAL_NS ? w->interval_ns : MAX_INTERVAL_NS;
		w->next_ns = cl_now_ns() + w->interval_ns;
	}
	return (int)((w->next_ns - cl_now_ns()) / 1000000) + 1;
}
