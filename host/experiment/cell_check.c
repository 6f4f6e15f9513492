/* The plugins' own checks of every cell, before any trial runs: a limit a
 * parameter sets (threads.max_threads) fails at `conclab check`, not half
 * way through a run. The plugins are loaded, and their code runs, in one
 * child process. */
#include "config.h"
#include "child_call.h"
#include "paths.h"
#include "printable.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#define CHECK_TIMEOUT_MS 5000
#define SPARE_FDS 64 /* the trial's own: pipes, epoll, timers, libraries */

struct checking {
	const struct cl_experiment *x;
	const struct cl_cell       *cells;
	size_t                      ncells;
};

/* In the child: the first cell a plugin refuses, as "FILE:LINE: ...". */
static size_t check_all(void *arg, char *reply, size_t len)
{
	const struct checking *c = arg;

	for (size_t i = 0; i < c->ncells; i++) {
		const struct cl_cell *cell = &c->cells[i];
		const struct cl_plugin_use *uses[2] = { cell->strategy, cell->sync };
		const int64_t *params[2] = { cell->strategy_params, cell->sync_params };

		for (int u = 0; u < 2; u++) {
			const struct cl_plugin *d = uses[u]->plugin->desc;
			const struct cl_plugin *real;
			cl_check_fn check;
			struct cl_check_args args = { .size = sizeof args,
						      .ntasks = (uint64_t)cell->workload.tasks,
						      .params = params[u] };
			char why[512] = "";

			if (!uses[u]->plugin->has_check)
				continue;
			if (!(real = cl_plugin_real(uses[u]->plugin, why, sizeof why)))
				return (size_t)snprintf(reply, len, "%s:%d: %s", c->x->path, uses[u]->line,
							why) + 1;
			check = cl_plugin_check_fn(real);
			if (!check || check(&args, why, sizeof why) == 0)
				continue;
			why[sizeof why - 1] = 0;
			snprintf(reply, len, "%s:%d: %s '%s' refuses cell '%s': %s", c->x->path, uses[u]->line,
				 cl_plugin_kind_name(d->kind), d->name, cell->label,
				 *why ? why : "(it gave no reason)");
			return strlen(reply) + 1;
		}
	}
	return 1; /* "": every plugin takes every cell */
}

/* An event loop (or a ring) keeps every task's connection open at once:
 * the trial raises its soft limit on descriptors to the hard one, and a
 * cell that needs more than that is refused here, not half way through. */
static int descriptors_fit(const struct cl_experiment *x, const struct cl_cell *cell, char *err,
			   size_t errlen)
{
	const struct cl_workload *w = &cell->workload;
	uint32_t flags = cell->strategy->plugin->desc->ops.strategy->flags;
	struct rlimit r;
	bool sockets = false;

	for (int64_t i = 0; i < w->nsteps; i++)
		sockets |= w->steps[i].op == CL_OP_REQUEST;
	if (!sockets || !(flags & (CL_STRATEGY_FD_WAITS | CL_STRATEGY_COMPLETIONS)) ||
	    getrlimit(RLIMIT_NOFILE, &r) || r.rlim_max == RLIM_INFINITY ||
	    (uint64_t)w->tasks + SPARE_FDS <= r.rlim_max)
		return 0;
	return snprintf(err, errlen, "%s:%d: cell '%s': %lld connections may be open at once, and the "
			"hard limit on open descriptors (RLIMIT_NOFILE) is %llu: raise it (ulimit -Hn, "
			"or LimitNOFILE= in systemd) or run fewer tasks", x->path, cell->def->line,
			cell->label, (long long)w->tasks, (unsigned long long)r.rlim_max), -1;
}

/* The bytes a trial's files folder holds at most: every file a read step
 * reads is written before the trial, every file a write step writes is
 * kept until the host has checked it (a loop writes the same file again). */
static long double files_bytes(const struct cl_workload *w)
{
	long double per_task = 0;

	for (int64_t i = 0; i < w->nsteps; i++)
		if (w->steps[i].op == CL_OP_READ || w->steps[i].op == CL_OP_WRITE)
			per_task += (long double)w->steps[i].bytes;
	return per_task * (long double)w->tasks;
}

static void say_bytes(char *buf, size_t len, long double bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;

	while (bytes >= 1024 && u + 1 < sizeof units / sizeof *units)
		bytes /= 1024, u++;
	snprintf(buf, len, u ? "%.1Lf %s" : "%.0Lf %s", bytes, units[u]);
}

/* The files folder is made under $TMPDIR (or /tmp) for each trial, one at a
 * time: the cell that needs the most must fit in what is free there now,
 * or the run would fill the disk until ENOSPC half way through. */
static int files_fit(const struct cl_experiment *x, const struct cl_cell *cells, size_t ncells,
		     char *err, size_t errlen)
{
	const char *parent = cl_temp_dir();
	const struct cl_cell *most = NULL;
	long double need = 0, have;
	struct statvfs fs;
	char need_text[32], have_text[32];

	for (size_t i = 0; i < ncells; i++)
		if (files_bytes(&cells[i].workload) > need)
			need = files_bytes(&cells[i].workload), most = &cells[i];
	if (!most || statvfs(parent, &fs))
		return 0; /* no files; or no folder, which the trial names */
	have = (long double)fs.f_bavail * (long double)fs.f_frsize;
	if (need <= have)
		return 0;
	say_bytes(need_text, sizeof need_text, need);
	say_bytes(have_text, sizeof have_text, have);
	return snprintf(err, errlen, "%s:%d: cell '%s': its read and write steps need %s in the "
			"trial's files folder under %s, which has %s free: free space, set TMPDIR to a "
			"larger file system, or ask for fewer tasks or bytes", x->path, most->def->line,
			most->label, need_text, parent, have_text), -1;
}

/* A remote strategy's address spaces have clocks of their own, which the
 * trial's schedule of arrivals does not reach. */
static int arrivals_reach(const struct cl_experiment *x, const struct cl_cell *cell, char *err,
			  size_t errlen)
{
	if (!cell->workload.arrival_process ||
	    !(cell->strategy->plugin->desc->ops.strategy->flags & CL_STRATEGY_REMOTE))
		return 0;
	return snprintf(err, errlen, "%s:%d: cell '%s': arrivals schedule tasks on this host's clock, "
			"and strategy '%s' runs them in address spaces of its own: run it closed-loop "
			"(no arrival)", x->path, cell->workload.arrival_line, cell->label,
			cell->strategy->plugin->desc->name), -1;
}

int cl_cells_check(const struct cl_experiment *x, const struct cl_cell *cells, size_t ncells,
		   char *err, size_t errlen)
{
	struct checking c = { x, cells, ncells };
	char reply[1024] = "";
	size_t got;
	int detail;

	for (size_t i = 0; i < ncells; i++)
		if (descriptors_fit(x, &cells[i], err, errlen) || arrivals_reach(x, &cells[i], err, errlen))
			return -1;
	if (files_fit(x, cells, ncells, err, errlen))
		return -1;

	switch (cl_child_call(check_all, &c, CHECK_TIMEOUT_MS, reply, sizeof reply, &got, &detail)) {
	case CL_CHILD_REPLIED:
		reply[sizeof reply - 1] = 0;
		cl_printable_str(reply, false);
		return reply[0] ? snprintf(err, errlen, "%s", reply), -1 : 0;
	case CL_CHILD_NO_START:
		return snprintf(err, errlen, "%s: cannot check the cells: %s", x->path, reply), -1;
	case CL_CHILD_TIMED_OUT:
		return snprintf(err, errlen, "%s: a plugin's check of the cells did not return within "
				"%d s", x->path, CHECK_TIMEOUT_MS / 1000), -1;
	case CL_CHILD_CRASHED:
		return snprintf(err, errlen, "%s: a plugin's check of the cells crashed (signal %d, %s)",
				x->path, detail, strsignal(detail)), -1;
	case CL_CHILD_EXITED:
		break;
	}
	return snprintf(err, errlen, "%s: a plugin's check of the cells exited (code %d)", x->path,
			detail), -1;
}
