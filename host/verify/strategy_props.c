/* What a strategy must do, shown by trials: run every task exactly once
 * (none missed, none twice: each task's checksum says) at 1, 2 and many
 * tasks; every step kind with the checksums the host expects, through the
 * I/O mode it declares (blocking, descriptor waits, completions); honour
 * the trial's timeout; report a task that fails rather than hang or call
 * it done. How far its waits overlap is reported. */
#define _GNU_SOURCE
#include "verify_internal.h"

#include <stdio.h>
#include <string.h>

static uint32_t flags(const struct vctx *v)
{
	return v->p->desc->ops.strategy->flags;
}

static bool remote(const struct vctx *v)
{
	return flags(v) & CL_STRATEGY_REMOTE;
}

/* The sync every property pairs it with: exact, and one it can run. */
static const char *partner(const struct vctx *v)
{
	return (flags(v) & CL_STRATEGY_REMOTE) ? "rma-lock" : "mutex";
}

static bool trial_status(struct vctx *v, const char *property, const char *config, const char *what,
			 enum cl_status want, struct cl_trial_result *r)
{
	char err[1024];

	if (vrun(v, config, r, err, sizeof err)) {
		vfail(v, property, config, "%s: refused: %s", what, err);
		return false;
	}
	if (r->status != want) {
		vfail(v, property, config, "%s: %s (want %s): %s", what, cl_status_name(r->status),
		      cl_status_name(want), *r->message ? r->message : "no message");
		cl_trial_result_free(r);
		return false;
	}
	return true;
}

static void once(struct vctx *v)
{
	/* a remote strategy's tasks each start a rank at most */
	long many = (flags(v) & CL_STRATEGY_REMOTE) ? 8 : v->level == CL_VERIFY_QUICK ? 1000 : 10000;
	const long counts[] = { 1, 2, many };
	const char *steps = "{ op = \"compute\"; iterations = 1000; }, "
			    "{ op = \"increment\"; times = 10; }, { op = \"sleep\"; us = 10; }";
	char config[2048], what[64];

	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
		struct cl_trial_result r;

		snprintf(what, sizeof what, "%ld task%s", counts[i], counts[i] == 1 ? "" : "s");
		vconfig(config, sizeof config, vself(v), partner(v), counts[i], steps, "", vlimit(v, remote(v)));
		if (!trial_status(v, "once", config, what, CL_STATUS_OK, &r))
			continue;
		vpass(v, "once", "%s: every task done once, every checksum right", what);
		cl_trial_result_free(&r);
	}
}

/* Every kind of step, in one workload: requests to conclab's server, files
 * read and written, every byte checked. */
static void steps(struct vctx *v)
{
	const char *all = "{ op = \"sleep\"; ms = 1; }, { op = \"compute\"; iterations = 5000; }, "
			  "{ op = \"increment\"; times = 100; }, { op = \"request\"; bytes = 100000; }, "
			  "{ op = \"write\"; bytes = 65536; block = 4096; }, "
			  "{ op = \"read\"; bytes = 65536; }";
	const char *mode = (flags(v) & CL_STRATEGY_COMPLETIONS) ? "completions"
			   : (flags(v) & CL_STRATEGY_FD_WAITS) ? "descriptor waits" : "blocking I/O";
	char config[2048], what[96];
	struct cl_trial_result r;

	snprintf(what, sizeof what, "sleep, compute, increment, request, write, read, %s", mode);
	vconfig(config, sizeof config, vself(v), partner(v), 4, all, "", vlimit(v, remote(v)));
	if (!trial_status(v, "steps", config, what, CL_STATUS_OK, &r))
		return;
	vpass(v, "steps", "%s: every checksum and byte right", what);
	cl_trial_result_free(&r);
}

/* Reported, not judged: a strategy declares nothing about it. */
static void overlap(struct vctx *v)
{
	char config[2048];
	struct cl_trial_result r;
	const long tasks = 8;

	vconfig(config, sizeof config, vself(v), partner(v), tasks, "{ op = \"sleep\"; ms = 100; }", "",
		vlimit(v, remote(v)));
	if (!trial_status(v, "overlap", config, "8 tasks each sleeping 100 ms", CL_STATUS_OK, &r))
		return;
	vnote(v, "overlap", "8 tasks each sleeping 100 ms took %.0f ms: %.1f sleeps at once; the first "
	      "to the last task's start %.3f ms (a strategy that runs them together keeps the start "
	      "barrier)", r.wall_ns / 1e6, r.wall_ns > 0 ? 8 * 100e6 / (double)r.wall_ns : 0,
	      r.start_skew_ns / 1e6);
	cl_trial_result_free(&r);
}

/* The trial ends by its timeout: stopped by the host as hung, or by the
 * strategy itself before it with an error that says so (a launcher that
 * stops what it started, as mpi does). A remote strategy's ranks take a
 * while to start: its timeout is longer. */
static void timeout(struct vctx *v)
{
	char config[2048], what[96], err[1024];
	struct cl_trial_result r;
	double limit = (flags(v) & CL_STRATEGY_REMOTE) ? 5 : 0.5;

	snprintf(what, sizeof what, "tasks sleeping 60 s, a timeout of %.1f s", limit);
	vconfig(config, sizeof config, vself(v), partner(v), 2, "{ op = \"sleep\"; ms = 60000; }", "", limit);
	if (vrun(v, config, &r, err, sizeof err)) {
		vfail(v, "timeout", config, "%s: refused: %s", what, err);
		return;
	}
	if (r.status == CL_STATUS_HUNG)
		vpass(v, "timeout", "%s: stopped as hung%s", what,
		      r.left_behind ? " (what it left running was killed)" : "");
	else if (r.status == CL_STATUS_ERROR)
		vpass(v, "timeout", "%s: it stopped itself first, saying why (%s)", what, r.message);
	else
		vfail(v, "timeout", config, "%s: %s: %s", what, cl_status_name(r.status), r.message);
	cl_trial_result_free(&r);
}

/* A request to a port nothing listens on: every task's step fails, and the
 * trial must end as an error that says so, neither ok nor hung. */
static void failure(struct vctx *v)
{
	char config[2048];
	struct cl_trial_result r;

	vconfig(config, sizeof config, vself(v), partner(v), 2, "{ op = \"request\"; bytes = 10; }",
		"target = \"http://127.0.0.1:1/\";\n", vlimit(v, remote(v)));
	if (!trial_status(v, "failure", config, "requests to a closed port", CL_STATUS_ERROR, &r))
		return;
	if (!strstr(r.message, "127.0.0.1:1"))
		vfail(v, "failure", config, "requests to a closed port: an error, but not the refused "
		      "request's: %s", r.message);
	else
		vpass(v, "failure", "requests to a closed port: reported as an error (%s)", r.message);
	cl_trial_result_free(&r);
}

void verify_strategy(struct vctx *v)
{
	if (!vhave(v, partner(v), CL_PLUGIN_SYNC)) {
		vskip(v, "everything", "no sync to pair it with (%s is not on the plugin path)", partner(v));
		return;
	}
	once(v);
	steps(v);
	overlap(v);
	timeout(v);
	failure(v);
}
