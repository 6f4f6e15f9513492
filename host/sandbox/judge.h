/* The judge: one finished trial's evidence in, its status and message out,
 * by one ordered list of rules (judge.c), the first that finds a fault
 * deciding. The sandbox gathers the evidence and applies nothing itself. */
#ifndef CLH_SANDBOX_JUDGE_H
#define CLH_SANDBOX_JUDGE_H

#include "config.h"
#include "record.h"
#include "trial_map.h"
#include "sandbox.h"

#include <stdbool.h>
#include <stdint.h>

/* How the host's watch of the trial ended. */
enum clsb_end {
	CLSB_END_ITSELF,  /* its processes ended                       */
	CLSB_END_TIMEOUT, /* the trial timeout passed: killed           */
	CLSB_END_STOPPED, /* the run was stopped (SIGINT, SIGTERM)      */
	CLSB_END_LIMIT,   /* a limit was passed: killed (`limit` says which) */
};

/* All a verdict may rest on, gathered once the trial's processes are gone. */
struct clsb_evidence {
	enum clsb_end              end;
	char                       limit[160];    /* CLSB_END_LIMIT: which, in words */
	int64_t                    timeout_ms;
	bool                       contain_failed; /* the keeper could not contain it */
	int                        contain_err;    /* and why (an errno)              */
	bool                       keeper_died;    /* started, but no init report     */
	int                        status;         /* the trial process's wait status */
	struct cl_trial           *t;              /* the header and records, as left */
	bool                       sane;           /* its header holds what it can    */
	bool                       forged;         /* its run interval or CPU cannot be */
	int64_t                    lo, hi;         /* the run's interval, as believed */
	const struct cl_cell      *cell;
	const struct clw_trial_env *env;           /* what the host set (files' folder) */
	const struct clrt_sample   *samples;        /* where the host put them         */
	const struct clrt_slot     *slots;          /* the same                        */
	bool                       keep_tasks;     /* every task's record into r      */
	bool                       has_server;
	uint64_t                   requests;       /* received by its server          */
	const char                *tuned;          /* the host's tuning, broken: why; or NULL */
};

/* Measure the records (latencies, counts, the counter) into r and apply the
 * rules in their order; r->status must be CL_STATUS_OK, r->inexact set. */
void clsb_judge(const struct clsb_evidence *e, struct cl_trial_result *r);

/* The header's own fields can hold only certain values; anything else was
 * written over by the trial, which then cannot be believed about anything. */
bool clsb_header_sane(const struct cl_trial *t);

#endif
